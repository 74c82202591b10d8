//! `Package` -> warnings for drafters: gaps that are legal Charter but leave
//! a reader unsure how a rule traces to the legal text.

use charter_grammar::ast::*;
use charter_grammar::Diagnostic;

use crate::codes;
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
                        Diagnostic::warning(
                            codes::MISSING_QUOTE,
                            format!("clause block `§ {}` quotes nothing", block.clause.text),
                            block.clause.span,
                            "no `quote`",
                        )
                        .with_help("quote the sentence this block encodes (`quote \"...\"` before `{`), so a reader can trace the rule to the text"),
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
                Diagnostic::warning(
                    codes::DECLINE_NOT_VOLUNTARY,
                    format!("`{}` declines a chair turn, but the rotation is not voluntary", party.name),
                    record.span,
                    "decline ignored",
                )
                .with_help("only a `voluntary` rotation lets a state decline its turn; the rotation skips nobody for this record"),
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
        StmtKind::Decisions { quorum: None, by, .. } => sink.push(
            file,
            Diagnostic::warning(
                codes::NO_QUORUM,
                "the decision rule states no quorum, so a single member present can reach consensus",
                by.span,
                "no quorum",
            )
            .with_help("if the text means a quorum, add it (`quorum 2/3` of members, or `quorum 5` members present); a drafter might propose one in an amendment"),
        ),
        StmtKind::Rotation(items) => {
            let voluntary = items.iter().find(|i| i.kind == RotationItemKind::Voluntary);
            let resolved = items.iter().any(|i| matches!(i.kind, RotationItemKind::AllDecline { .. }));
            if let (Some(voluntary), false) = (voluntary, resolved) {
                sink.push(
                    file,
                    Diagnostic::warning(
                        codes::ALL_DECLINE_UNRESOLVED,
                        "the rotation is voluntary but the text does not say what happens when every eligible state declines",
                        voluntary.span,
                        "no rule for when all decline",
                    )
                    .with_help("Charter leaves the chair vacant for that term; a drafter might add `when all decline outgoing stays` (or `vacant`) to the text"),
                );
            }
        }
        StmtKind::SupportUnit {
            period: Some(period),
            pending_further_decision: true,
            after_period: None,
            ..
        } => sink.push(
            file,
            Diagnostic::warning(
                codes::OPEN_ENDED_INTERIM,
                "an arrangement for a fixed period, pending further decision, does not say what follows the period",
                period.span,
                "and after this?",
            )
            .with_help("the report flags it once the period has passed with no further decision recorded; a drafter might add `then continues` or `then lapses`"),
        ),
        StmtKind::Meeting(decl) if decl.strength.name == "must" && decl.anchor.is_none() => sink.push(
            file,
            Diagnostic::warning(
                codes::AMBIGUOUS_CADENCE,
                format!("`{}` must meet every {} {}, but the text does not say counted from when", decl.kind.name, decl.every.amount, unit(decl.every)),
                decl.every.span,
                "counted from when?",
            )
            .with_help(format!("Charter counts from the policy's adoption ({adopted}); a drafter might state it, e.g. `every ... from {adopted}`")),
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
            Diagnostic::warning(
                codes::EMPTY_TEST,
                format!("test `{}` asserts nothing", test.name.value),
                test.name.span,
                "no `assert`",
            )
            .with_help("add `assert EXPR`; a test without assertions always passes"),
        );
    }
}
