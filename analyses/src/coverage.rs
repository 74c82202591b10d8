//! `charter test --coverage`: which rules, which of their branches (the
//! arms of each `if`, the body of each quantifier and filter) and which
//! clauses a policy's tests exercised, from what the interpreter recorded
//! while running them ([`charter_runtime::interp::Coverage`]). A clause is
//! exercised when a test called a rule written in it, or asked a built-in
//! query that reads what it states (a membership clause for `member`,
//! `status`, `valid`...; the chair's clause for `chair`, `term_end`...; a
//! meeting's cadence for `violations`; a decision rule or reservation for
//! `valid`; a group's for `group`).

use std::collections::{BTreeMap, BTreeSet};

use charter_grammar::ast::Item;
use charter_runtime::interp::Coverage;
use charter_runtime::ir::{self, Expr};
use serde::Serialize;

use charter_compiler::Analysis;

#[derive(Debug, Clone, Serialize)]
pub struct TestCoverage {
    pub rules: Vec<RuleCoverage>,
    pub clauses: Vec<ClauseCoverage>,
    pub summary: Summary,
}

#[derive(Debug, Clone, Serialize)]
pub struct RuleCoverage {
    pub rule: String,
    /// The clause of the block the rule is written in.
    pub clause: Option<String>,
    pub called: bool,
    pub branches: Vec<Branch>,
}

/// One branching node of a rule, numbered in the order it is written.
#[derive(Debug, Clone, Serialize)]
pub struct Branch {
    /// `if`, `all`, `any` or `filter`.
    pub kind: &'static str,
    pub index: usize,
    /// The arms tests reached (`then`, `else`; `body` for a quantifier or filter).
    pub taken: Vec<&'static str>,
    pub missed: Vec<&'static str>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ClauseCoverage {
    pub clause: String,
    pub exercised: bool,
    /// What exercised it: rules called (`rule host_is_chair`) and built-in
    /// queries asked (`chair`).
    pub by: Vec<String>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Summary {
    pub rules: usize,
    pub rules_called: usize,
    pub arms: usize,
    pub arms_taken: usize,
    pub clauses: usize,
    pub clauses_exercised: usize,
}

/// Every branching node of `expr`, in the order written, with its address.
fn branches(expr: &Expr, out: &mut Vec<(&'static str, usize)>) {
    let node = Coverage::node(expr);
    match expr {
        Expr::Bool(_)
        | Expr::Int(_)
        | Expr::Date(_)
        | Expr::Duration(_)
        | Expr::None
        | Expr::Party(_)
        | Expr::Status(_)
        | Expr::MeetingKind(_)
        | Expr::DecisionKind(_)
        | Expr::Group(_)
        | Expr::MeetingRecord(_)
        | Expr::DecisionRecord(_)
        | Expr::Local(_) => {}
        Expr::Set(items) | Expr::Builtin(_, items) | Expr::Rule(_, items) => {
            items.iter().for_each(|e| branches(e, out));
        }
        Expr::MeetingLit(fields) | Expr::DecisionLit(fields) => fields.iter().for_each(|(_, e)| branches(e, out)),
        Expr::Field(e, _) | Expr::Not(e) | Expr::Neg(e) => branches(e, out),
        Expr::Binary(_, l, r) => {
            branches(l, out);
            branches(r, out);
        }
        Expr::If(c, t, e) => {
            out.push(("if", node));
            branches(c, out);
            branches(t, out);
            branches(e, out);
        }
        Expr::Quantifier { all, set, body, .. } => {
            out.push((if *all { "all" } else { "any" }, node));
            branches(set, out);
            branches(body, out);
        }
        Expr::Filter { set, cond, .. } => {
            out.push(("filter", node));
            branches(set, out);
            branches(cond, out);
        }
    }
}

/// The clause of the block each rule is written in, by rule name.
fn rule_clauses(analysis: &Analysis) -> (BTreeMap<String, String>, Vec<String>) {
    let mut rules = BTreeMap::new();
    let mut clauses = Vec::new();
    for (_, items) in analysis.item_lists() {
        for item in items {
            let Item::Block(block) = item else { continue };
            // A block that states something or defines a rule (not one that
            // only marks its quotes non-normative or holds tests).
            let encodes = block.items.iter().any(|i| matches!(i, Item::Stmt(_) | Item::Rule(_)));
            if encodes && !clauses.contains(&block.clause.text) {
                clauses.push(block.clause.text.clone());
            }
            for inner in &block.items {
                if let Item::Rule(rule) = inner {
                    rules.insert(rule.name.name.clone(), block.clause.text.clone());
                }
            }
        }
    }
    (rules, clauses)
}

/// The clauses each built-in query reads, from every version of the text.
fn query_clauses(bundle: &ir::Bundle) -> BTreeMap<&'static str, BTreeSet<String>> {
    let mut out: BTreeMap<&'static str, BTreeSet<String>> = BTreeMap::new();
    // Every query that reads what `cite` states.
    let mut add = |reads: ir::Reads, cite: &ir::Cite| {
        for q in ir::Builtin::ALL.iter().filter(|b| b.reads().contains(&reads)) {
            out.entry(q.name()).or_default().insert(cite.clause.clone());
        }
    };
    for v in &bundle.versions {
        v.membership.iter().for_each(|m| add(ir::Reads::Membership, &m.cite));
        if let Some(o) = &v.observers {
            add(ir::Reads::Membership, &o.cite);
        }
        v.roles.iter().for_each(|r| add(ir::Reads::Roles, &r.cite));
        if let Some(r) = &v.rotation {
            add(ir::Reads::Chair, &r.cite);
        }
        if let Some(p) = &v.permanent {
            p.parts.iter().for_each(|part| add(ir::Reads::Chair, &part.cite));
        }
        if let Some(d) = &v.designation {
            add(ir::Reads::Chair, &d.cite);
        }
        v.obligations.iter().for_each(|o| add(ir::Reads::Obligations, &o.cite));
        v.host_duties.iter().for_each(|h| add(ir::Reads::Obligations, &h.cite));
        if let Some(c) = &v.consensus.cite {
            add(ir::Reads::Decisions, c);
        }
        v.kind_rules
            .iter()
            .filter_map(|k| k.consensus.cite.as_ref())
            .for_each(|c| add(ir::Reads::Decisions, c));
        v.reservations.iter().for_each(|r| add(ir::Reads::Decisions, &r.cite));
        v.bodies.iter().for_each(|b| add(ir::Reads::Bodies, &b.cite));
    }
    for group in &bundle.groups {
        group.spans.iter().for_each(|s| add(ir::Reads::Groups, &s.cite));
        group.seats.iter().for_each(|s| add(ir::Reads::Groups, &s.cite));
    }
    out
}

/// What the tests reached, as rules, branches and clauses.
pub fn report(bundle: &ir::Bundle, analysis: &Analysis, reached: &Coverage) -> TestCoverage {
    let (rule_clause, clauses) = rule_clauses(analysis);
    let mut summary = Summary::default();
    let rules: Vec<RuleCoverage> = bundle
        .rules
        .iter()
        .enumerate()
        .map(|(i, rule)| {
            let mut nodes = Vec::new();
            branches(&rule.body, &mut nodes);
            let branches: Vec<Branch> = nodes
                .iter()
                .enumerate()
                .map(|(n, (kind, node))| {
                    let arms: &[(&'static str, u8)] = if *kind == "if" {
                        &[("then", 0), ("else", 1)]
                    } else {
                        &[("body", 2)]
                    };
                    let hit = |arm: u8| reached.arms.contains(&(*node, arm));
                    Branch {
                        kind,
                        index: n + 1,
                        taken: arms
                            .iter()
                            .filter(|(_, arm)| hit(*arm))
                            .map(|(name, _)| *name)
                            .collect(),
                        missed: arms
                            .iter()
                            .filter(|(_, arm)| !hit(*arm))
                            .map(|(name, _)| *name)
                            .collect(),
                    }
                })
                .collect();
            let called = reached.rules.contains(&(i as u32));
            summary.rules += 1;
            summary.rules_called += usize::from(called);
            for b in &branches {
                summary.arms += b.taken.len() + b.missed.len();
                summary.arms_taken += b.taken.len();
            }
            RuleCoverage {
                rule: rule.name.clone(),
                clause: rule_clause.get(&rule.name).cloned(),
                called,
                branches,
            }
        })
        .collect();
    let queries = query_clauses(bundle);
    let clauses: Vec<ClauseCoverage> = clauses
        .into_iter()
        .map(|clause| {
            let mut by: Vec<String> = rules
                .iter()
                .filter(|r| r.called && r.clause.as_deref() == Some(clause.as_str()))
                .map(|r| format!("rule {}", r.rule))
                .collect();
            by.extend(
                reached
                    .builtins
                    .iter()
                    .filter(|q| queries.get(*q).is_some_and(|c| c.contains(&clause)))
                    .map(|q| (*q).to_string()),
            );
            summary.clauses += 1;
            summary.clauses_exercised += usize::from(!by.is_empty());
            ClauseCoverage {
                clause,
                exercised: !by.is_empty(),
                by,
            }
        })
        .collect();
    TestCoverage {
        rules,
        clauses,
        summary,
    }
}

/// The coverage for people.
pub fn render(coverage: &TestCoverage) -> String {
    let s = &coverage.summary;
    let mut out = format!(
        "coverage (interpreter): rules {} of {} called, branches {} of {} arms taken, clauses {} of {} exercised\n",
        s.rules_called, s.rules, s.arms_taken, s.arms, s.clauses_exercised, s.clauses
    );
    for rule in &coverage.rules {
        let clause = rule.clause.as_ref().map_or_else(String::new, |c| format!(" (§ {c})"));
        out.push_str(&format!(
            "  rule {}{clause}: {}\n",
            rule.rule,
            if rule.called { "called" } else { "never called" }
        ));
        for b in &rule.branches {
            let missed = if b.missed.is_empty() {
                String::new()
            } else {
                format!("; never: {}", b.missed.join(", "))
            };
            out.push_str(&format!(
                "    {} #{}: {}{missed}\n",
                b.kind,
                b.index,
                if b.taken.is_empty() {
                    "not reached".to_string()
                } else {
                    b.taken.join(", ")
                }
            ));
        }
    }
    for clause in &coverage.clauses {
        if clause.exercised {
            out.push_str(&format!(
                "  § {}: exercised by {}\n",
                clause.clause,
                clause.by.join(", ")
            ));
        } else {
            out.push_str(&format!("  § {}: no test exercises it\n", clause.clause));
        }
    }
    out
}
