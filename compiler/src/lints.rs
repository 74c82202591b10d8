//! `hir::Resolved` (and the typed tests) -> warnings for drafters: gaps that are legal Charter but
//! leave a reader unsure how a rule traces to the legal text, or what the
//! text means where it is silent.

use charter_runtime::value::duration_text;
use charter_runtime::{date, ir};

use crate::diagnostics::LintDiagnostic;
use crate::hir;
use crate::package::Sink;

pub fn check(package: &hir::Resolved, tests: Option<&[hir::Test]>, sink: &mut Sink) {
    for block in &package.blocks {
        if block.quotes.is_empty() && block.encodes_rules {
            sink.push(
                block.file,
                LintDiagnostic::MissingQuote {
                    clause: block.clause.node.clone(),
                    span: block.clause.span,
                },
            );
        }
    }
    // No typed tests (they did not check) means none to lint.
    for test in tests.into_iter().flatten() {
        if !test.steps.iter().any(|s| matches!(s, hir::TestStep::Assert { .. })) {
            sink.push(
                test.file,
                LintDiagnostic::EmptyTest {
                    name: test.name.node.clone(),
                    span: test.name.span,
                },
            );
        }
    }
    let mut voluntary = false;
    for statement in package.statements() {
        voluntary |= statement
            .rotation()
            .is_some_and(|items| items.iter().any(|i| matches!(i.node, hir::RotationItem::Voluntary)));
        gaps(package, statement, sink);
    }
    for event in &package.events {
        if let hir::EventKind::Decline { party, .. } = &event.kind {
            if !voluntary {
                sink.push(
                    event.file,
                    LintDiagnostic::DeclineNotVoluntary {
                        party: package.party(*party).id.clone(),
                        span: event.span,
                    },
                );
            }
        }
    }
}

/// Drafter lints: gaps in the legal text a statement faithfully encodes.
fn gaps(package: &hir::Resolved, statement: &hir::Statement, sink: &mut Sink) {
    let file = statement.file;
    match &statement.kind {
        hir::StatementKind::Decisions { quorum: None, rule, .. } => {
            sink.push(file, LintDiagnostic::NoQuorum { span: rule.span })
        }
        hir::StatementKind::Rotation(items) => {
            let voluntary = items.iter().find(|i| matches!(i.node, hir::RotationItem::Voluntary));
            let resolved = items
                .iter()
                .any(|i| matches!(i.node, hir::RotationItem::AllDecline { .. }));
            if let (Some(voluntary), false) = (voluntary, resolved) {
                sink.push(file, LintDiagnostic::AllDeclineUnresolved { span: voluntary.span });
            }
        }
        hir::StatementKind::SupportUnit {
            period: Some(period),
            pending_further_decision: true,
            after_period: None,
            ..
        } => sink.push(file, LintDiagnostic::OpenEndedInterim { span: period.span }),
        hir::StatementKind::Meeting(decl) if decl.strength == ir::Strength::Must && decl.anchor.is_none() => sink.push(
            file,
            LintDiagnostic::AmbiguousCadence {
                kind: package.meeting_kind(decl.kind).to_string(),
                every: duration_text(&decl.every.node),
                adopted: date::format(package.adopted),
                span: decl.every.span,
            },
        ),
        // Statements with no gap a lint knows of.
        hir::StatementKind::Decisions { quorum: Some(_), .. }
        | hir::StatementKind::SupportUnit { .. }
        | hir::StatementKind::Meeting(_)
        | hir::StatementKind::Roster { .. }
        | hir::StatementKind::Reserve { .. }
        | hir::StatementKind::Observers { .. }
        | hir::StatementKind::Invite { .. }
        | hir::StatementKind::Designate { .. }
        | hir::StatementKind::HostDuty { .. }
        | hir::StatementKind::Location { .. } => {}
    }
}
