//! `Package` -> warnings for drafters: gaps that are legal Charter but leave
//! a reader unsure how a rule traces to the legal text.

use charter_grammar::ast::*;

use crate::diagnostics::LintDiagnostic;
use crate::package::{Package, Sink};
use crate::resolve::{items, records};

pub fn check(package: &Package<'_>, sink: &mut Sink) {
    for item in items(package) {
        match item.node {
            Item::Block(block) => {
                let encodes_rules = block.items.iter().any(|i| matches!(i, Item::Stmt(_) | Item::Rule(_)));
                if block.quotes.is_empty() && encodes_rules {
                    sink.push(
                        item.file,
                        LintDiagnostic::MissingQuote {
                            clause: block.clause.text.clone(),
                            span: block.clause.span,
                        },
                    );
                }
            }
            Item::Test(test) => empty_test(item.file, test, sink),
            Item::Stmt(stmt) => gaps(item.file, stmt, adopted(package), sink),
            Item::Party(_) | Item::Rule(_) | Item::NonNormative(_) => {}
        }
    }
    let voluntary = items(package).iter().any(|i| {
        if let Item::Stmt(Stmt {
            kind: StmtKind::Rotation(items),
            ..
        }) = i.node
        {
            items.iter().any(|r| r.kind == RotationItemKind::Voluntary)
        } else {
            false
        }
    });
    for (file, record) in records(package) {
        match &record.kind {
            RecordKind::Test(test) => empty_test(file, test, sink),
            RecordKind::Decline { party, .. } if !voluntary => sink.push(
                file,
                LintDiagnostic::DeclineNotVoluntary {
                    party: party.name.clone(),
                    span: record.span,
                },
            ),
            RecordKind::Decline { .. }
            | RecordKind::Meeting(_)
            | RecordKind::Designation { .. }
            | RecordKind::SilenceBroken { .. }
            | RecordKind::Handover { .. }
            | RecordKind::Joined { .. }
            | RecordKind::Note { .. } => {}
        }
    }
}

fn adopted(package: &Package<'_>) -> String {
    package
        .policy
        .header
        .fields
        .iter()
        .find_map(|f| match f {
            HeaderField::Adopted(d) => Some(format!("{:04}-{:02}-{:02}", d.year, d.month, d.day)),
            HeaderField::Ref(_) | HeaderField::Source(_) => None,
        })
        .unwrap_or_else(|| "adoption".to_string())
}

/// Drafter lints: gaps in the legal text a statement faithfully encodes.
fn gaps(file: usize, stmt: &Stmt, adopted: String, sink: &mut Sink) {
    match &stmt.kind {
        StmtKind::Decisions { quorum: None, by, .. } => sink.push(file, LintDiagnostic::NoQuorum { span: by.span }),
        StmtKind::Rotation(items) => {
            let voluntary = items.iter().find(|i| i.kind == RotationItemKind::Voluntary);
            let resolved = items
                .iter()
                .any(|i| matches!(i.kind, RotationItemKind::AllDecline { .. }));
            if let (Some(voluntary), false) = (voluntary, resolved) {
                sink.push(file, LintDiagnostic::AllDeclineUnresolved { span: voluntary.span });
            }
        }
        StmtKind::SupportUnit {
            period: Some(period),
            pending_further_decision: true,
            after_period: None,
            ..
        } => sink.push(file, LintDiagnostic::OpenEndedInterim { span: period.span }),
        StmtKind::Meeting(decl) if decl.strength.name == "must" && decl.anchor.is_none() => sink.push(
            file,
            LintDiagnostic::AmbiguousCadence {
                kind: decl.kind.name.clone(),
                every: format!("{} {}", decl.every.amount, unit(decl.every)),
                adopted,
                span: decl.every.span,
            },
        ),
        // Statements with no gap a lint knows of.
        StmtKind::Decisions { quorum: Some(_), .. }
        | StmtKind::SupportUnit { .. }
        | StmtKind::Meeting(_)
        | StmtKind::Members { .. }
        | StmtKind::Pending { .. }
        | StmtKind::OpenTo { .. }
        | StmtKind::Withdrawal { .. }
        | StmtKind::Designate { .. }
        | StmtKind::Location { .. }
        | StmtKind::Observers { .. }
        | StmtKind::Invite { .. }
        | StmtKind::DecisionKind { .. }
        | StmtKind::Amendments { .. } => {}
    }
}

fn unit(d: DurationLit) -> &'static str {
    match (d.unit, d.amount == 1) {
        (DurationUnit::Days, true) => "day",
        (DurationUnit::Days, false) => "days",
        (DurationUnit::Months, true) => "month",
        (DurationUnit::Months, false) => "months",
        (DurationUnit::Years, true) => "year",
        (DurationUnit::Years, false) => "years",
    }
}

fn empty_test(file: usize, test: &TestDecl, sink: &mut Sink) {
    if !test.stmts.iter().any(|s| matches!(s, TestStmt::Assert { .. })) {
        sink.push(
            file,
            LintDiagnostic::EmptyTest {
                name: test.name.value.clone(),
                span: test.name.span,
            },
        );
    }
}
