//! `hir::Resolved` (and the typed tests) -> warnings for drafters: gaps that are legal Charter but
//! leave a reader unsure how a rule traces to the legal text, or what the
//! text means where it is silent.

use charter_runtime::value::duration_text;
use charter_runtime::{date, ir};

use crate::diagnostics::LintDiagnostic;
use crate::hir;
use crate::package::Sink;

pub fn check(package: &hir::Resolved, tests: Option<&[hir::Test]>, sink: &mut Sink) {
    records(package, sink);
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
    // No decision rule anywhere: the language applies consensus of the
    // members present, and says so.
    if !package
        .statements()
        .any(|s| matches!(s.kind, hir::StatementKind::Decisions { .. }))
    {
        sink.push(
            package.policy_file,
            LintDiagnostic::DecisionRuleDefaulted {
                span: package.title_span,
            },
        );
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
        // A share of all members needs no quorum to keep one member
        // present from deciding alone.
        hir::StatementKind::Decisions {
            quorum: None,
            rule,
            of_all_members,
            ..
        } if !(*of_all_members && rule.node != ir::DecisionRule::Consensus)
            && rule.node != ir::DecisionRule::Unstated =>
        {
            sink.push(
                file,
                LintDiagnostic::NoQuorum {
                    decide: if rule.node == ir::DecisionRule::Consensus {
                        "reach consensus"
                    } else {
                        "decide"
                    },
                    span: rule.span,
                },
            )
        }
        hir::StatementKind::Rotation(items) => {
            let voluntary = items.iter().find(|i| matches!(i.node, hir::RotationItem::Voluntary));
            // A chair designated, or named, takes no turns to decline:
            // there `voluntary` only says the text's word.
            let resolved = items.iter().any(|i| {
                matches!(
                    i.node,
                    hir::RotationItem::AllDecline { .. }
                        | hir::RotationItem::Designated { .. }
                        | hir::RotationItem::Permanent { .. }
                )
            });
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
        hir::StatementKind::Meeting(hir::MeetingDecl {
            kind,
            cadence:
                Some(
                    cadence @ hir::Cadence {
                        strength: ir::Strength::Must,
                        anchor: None,
                        ..
                    },
                ),
            ..
        }) => sink.push(
            file,
            LintDiagnostic::AmbiguousCadence {
                kind: package.meeting_kind(*kind).to_string(),
                every: duration_text(&cadence.every.node),
                adopted: date::format(package.adopted),
                span: cadence.every.span,
            },
        ),
        // Statements with no gap a lint knows of.
        hir::StatementKind::Decisions { .. }
        | hir::StatementKind::SupportUnit { .. }
        | hir::StatementKind::Meeting(_)
        | hir::StatementKind::Roster { .. }
        | hir::StatementKind::Reserve { .. }
        | hir::StatementKind::Observers { .. }
        | hir::StatementKind::Invite { .. }
        | hir::StatementKind::Designate { .. }
        | hir::StatementKind::HostDuty { .. }
        | hir::StatementKind::Group { .. }
        | hir::StatementKind::Office { .. }
        | hir::StatementKind::Seats { .. }
        | hir::StatementKind::Location { .. } => {}
    }
}

/// Whether the statements make a party a member on a day (the rosters of
/// `members ... from ... [until ...]`; enough to doubt a record, not to
/// derive a status).
fn listed_member(package: &hir::Resolved, party: hir::PartyId, day: ir::Day) -> bool {
    package.statements().any(|s| {
        if let hir::StatementKind::Roster {
            parties,
            kind: hir::Membership::Member { from, until, .. },
            ..
        } = &s.kind
        {
            parties.iter().any(|p| p.node == party) && from.node <= day && until.is_none_or(|u| day < u.node)
        } else {
            false
        }
    })
}

/// Doubtful history records: an admission of a member, and a record that
/// names a decision about something else.
fn records(package: &hir::Resolved, sink: &mut Sink) {
    let mut decisions: std::collections::BTreeMap<&str, (&hir::MeetingRecord, &hir::DecisionRecord)> =
        std::collections::BTreeMap::new();
    for meeting in &package.meetings {
        for decision in &meeting.decisions {
            decisions.insert(decision.name.as_str(), (meeting, decision));
            if let hir::Subject::Admits(parties) = &decision.subject {
                for p in parties {
                    if listed_member(package, *p, meeting.date) {
                        sink.push(
                            decision.file,
                            LintDiagnostic::AdmitsAMember {
                                decision: decision.name.clone(),
                                party: package.party(*p).id.clone(),
                                span: decision.span,
                            },
                        );
                    }
                }
            }
        }
    }
    let code = |p: hir::PartyId| package.party(p).id.clone();
    for event in &package.events {
        // What the record is, the decision it names, and what that decision
        // would have to be about.
        let (what, decided_by, need) = match &event.kind {
            hir::EventKind::Handover { to, decided_by, .. } => ("hand-over", decided_by, Need::Chair(*to)),
            hir::EventKind::Extension { party, decided_by, .. } => ("extension", decided_by, Need::Chair(*party)),
            hir::EventKind::StatusChange {
                party,
                status,
                decided_by,
                ..
            } => ("change of status", decided_by, Need::Status(*party, *status)),
            hir::EventKind::Application {
                party,
                status,
                decided_by,
                ..
            } => ("application", decided_by, Need::Status(*party, *status)),
            hir::EventKind::Decline { .. }
            | hir::EventKind::SilenceBroken { .. }
            | hir::EventKind::Joined { .. }
            | hir::EventKind::Candidacy { .. }
            | hir::EventKind::Designation { .. }
            | hir::EventKind::Snapshot { .. }
            | hir::EventKind::Composition { .. }
            | hir::EventKind::Vacancy { .. }
            | hir::EventKind::RoleTaken { .. }
            | hir::EventKind::Note { .. } => continue,
        };
        let Some((_, decision)) = decided_by.as_ref().and_then(|(_, d)| decisions.get(d.as_str())) else {
            continue;
        };
        if need.fits(&decision.subject) {
            continue;
        }
        let about = match &decision.subject {
            hir::Subject::Nobody => "names no subject".to_string(),
            hir::Subject::Admits(ps) => format!(
                "admits {} as observer{}",
                ps.iter().map(|p| code(*p)).collect::<Vec<_>>().join(", "),
                if ps.len() == 1 { "" } else { "s" }
            ),
            hir::Subject::Invites { parties, .. } => format!(
                "invites {}",
                parties.iter().map(|p| code(*p)).collect::<Vec<_>>().join(", ")
            ),
            hir::Subject::Elects { party, .. } => format!("elects {} to the chair", code(*party)),
            hir::Subject::Further(f) => format!("decides on the interim arrangement `{}`", f.what),
        };
        sink.push(
            event.file,
            LintDiagnostic::DecisionUnrelated {
                what,
                decision: decision.name.clone(),
                about,
                span: event.span,
            },
        );
    }
}

/// What a record needs the decision it names to be about.
enum Need {
    /// A hand-over: no subject, or the election of the new chair.
    Chair(hir::PartyId),
    /// A change of status or an application: no subject, or the admission
    /// of the party as an observer when it becomes one.
    Status(hir::PartyId, ir::Status),
}

impl Need {
    fn fits(&self, subject: &hir::Subject) -> bool {
        match (self, subject) {
            (Need::Chair(_) | Need::Status(..), hir::Subject::Nobody) => true,
            (Need::Chair(to), hir::Subject::Elects { party, .. }) => party == to,
            (Need::Status(party, status), hir::Subject::Admits(ps)) => {
                ps.contains(party) && *status == ir::Status::Observer
            }
            (Need::Chair(_), hir::Subject::Admits(_) | hir::Subject::Invites { .. } | hir::Subject::Further(_))
            | (
                Need::Status(..),
                hir::Subject::Elects { .. } | hir::Subject::Invites { .. } | hir::Subject::Further(_),
            ) => false,
        }
    }
}
