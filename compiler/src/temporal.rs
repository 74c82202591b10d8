//! `hir::Resolved` -> diagnostics on how its checked dates relate: intervals
//! do not overlap, deadlines and the first term fall after
//! adoption, a withdrawal follows membership, and the rotation is complete
//! and has someone eligible to start it. (Whether each date is on the
//! calendar and each duration in range is checked before the tree is
//! built, by `wellformed`.)

use std::collections::BTreeMap;

use charter_grammar::ast::Span;
use charter_runtime::ir::{self, Day};

use crate::diagnostics::TemporalDiagnostic;
use crate::hir::{self, Spanned};
use crate::package::{FileId, Sink};

/// An interval of membership `[start, end)` claimed by one statement.
struct Claim {
    file: FileId,
    start: Option<Day>,
    end: Option<Day>,
    span: Span,
}

/// The parties some roster statement of a kind names.
fn rostered(
    package: &hir::Resolved,
    kind: impl Fn(&hir::Membership) -> bool,
) -> std::collections::BTreeSet<hir::PartyId> {
    package
        .statements()
        .filter_map(|s| {
            if let hir::StatementKind::Roster { parties, kind: k, .. } = &s.kind {
                kind(k).then(|| parties.iter().map(|p| p.node))
            } else {
                None
            }
        })
        .flatten()
        .collect()
}

/// Each party's belonging to each group over `[from, until)`, as the text
/// states it.
fn group_spans(package: &hir::Resolved) -> BTreeMap<hir::GroupId, Vec<(hir::PartyId, Day, Option<Day>)>> {
    let mut spans: BTreeMap<hir::GroupId, Vec<(hir::PartyId, Day, Option<Day>)>> = BTreeMap::new();
    for statement in package.statements() {
        if let hir::StatementKind::Group {
            group,
            parties,
            from,
            until,
            ..
        } = &statement.kind
        {
            // `as recorded` lists no parties.
            let from = from.map_or(Day::MIN, |f| f.node);
            spans
                .entry(*group)
                .or_default()
                .extend(parties.iter().map(|p| (p.node, from, until.map(|u| u.node))));
        }
    }
    spans
}

/// The seats a group holds in other groups, where the text names the
/// group's parties: on every day of the seats' period, exactly the number
/// stated from each group. (A group whose parties the text does not name,
/// a committee filled by decision, has nothing to check here.)
fn check_seats(package: &hir::Resolved, sink: &mut Sink) {
    let spans = group_spans(package);
    let members = |g: hir::GroupId, day: Day| -> std::collections::BTreeSet<hir::PartyId> {
        spans
            .get(&g)
            .into_iter()
            .flatten()
            .filter(|(_, from, until)| *from <= day && until.is_none_or(|u| day < u))
            .map(|(p, _, _)| *p)
            .collect()
    };
    for statement in package.statements() {
        let hir::StatementKind::Seats {
            group,
            count,
            of,
            from,
            until,
        } = &statement.kind
        else {
            continue;
        };
        if !spans.contains_key(group) {
            continue;
        }
        let end = until.map(|u| u.node);
        let in_period = |d: Day| from.node <= d && end.is_none_or(|e| d < e);
        // Days on which a count can change: the period's start and every
        // start or end of a span of the groups involved.
        let mut days: Vec<Day> = std::iter::once(from.node)
            .chain(
                std::iter::once(group)
                    .chain(of.iter())
                    .filter_map(|g| spans.get(g))
                    .flatten()
                    .flat_map(|(_, f, u)| std::iter::once(*f).chain(*u)),
            )
            .filter(|d| in_period(*d))
            .collect();
        days.sort_unstable();
        days.dedup();
        for other in of {
            // A day on which the text names none of the group's parties
            // leaves its composition to the history.
            let failing = days.iter().find_map(|d| {
                let own = members(*group, *d);
                if own.is_empty() {
                    return None;
                }
                let held = own.intersection(&members(*other, *d)).count() as i64;
                (held != count.node).then_some((*d, held))
            });
            if let Some((day, held)) = failing {
                sink.push(
                    statement.file,
                    TemporalDiagnostic::SeatsUnmet {
                        group: package.group(*group).name.clone(),
                        other: package.group(*other).name.clone(),
                        day: charter_runtime::date::format(day),
                        held,
                        seats: count.node,
                        span: count.span,
                    },
                );
            }
        }
    }
}

pub fn check(package: &hir::Resolved, sink: &mut Sink) {
    check_seats(package, sink);
    check_offices_by_chair(package, sink);
    check_model_changes(package, sink);
    let adopted = package.adopted;
    let mut claims: BTreeMap<hir::PartyId, Vec<Claim>> = BTreeMap::new();
    let mut joins: BTreeMap<hir::PartyId, Day> = BTreeMap::new();
    for statement in package.statements() {
        let file = statement.file;
        let hir::StatementKind::Roster {
            parties, kind, classes, ..
        } = &statement.kind
        else {
            continue;
        };
        // A class named as a whole claims its parties on the days no
        // statement of their own covers: two such statements may not
        // overlap.
        if let hir::Membership::Observer { from, until, .. } = kind {
            for (p, start, end) in package.class_cover(classes, from.node, until.map(|u| u.node)) {
                claims.entry(p).or_default().push(Claim {
                    file,
                    start: Some(start),
                    end,
                    span: statement.span,
                });
            }
        }
        match *kind {
            hir::Membership::Member { from, until, .. } => {
                for p in parties {
                    joins.entry(p.node).or_insert(from.node);
                    claims.entry(p.node).or_default().push(Claim {
                        file,
                        start: Some(from.node),
                        end: until.map(|u| u.node),
                        span: p.span,
                    });
                }
            }
            // A named observer's period may not overlap a membership.
            hir::Membership::Observer { from, until, .. } => {
                for p in parties {
                    claims.entry(p.node).or_default().push(Claim {
                        file,
                        start: Some(from.node),
                        end: until.map(|u| u.node),
                        span: p.span,
                    });
                }
            }
            hir::Membership::Pending { deadline } => {
                if deadline.node <= adopted {
                    sink.push(
                        file,
                        TemporalDiagnostic::BeforeAdoption {
                            what: "the silence deadline is not after the policy's adoption",
                            span: deadline.span,
                            label: "deadline on or before adoption",
                            help: "a silence procedure runs from adoption to its deadline; give a later deadline",
                        },
                    );
                }
                for p in parties {
                    joins.entry(p.node).or_insert(deadline.node);
                    claims.entry(p.node).or_default().push(Claim {
                        file,
                        start: Some(adopted),
                        end: None,
                        span: p.span,
                    });
                }
            }
            hir::Membership::Withdrawal { on, .. } => {
                for p in parties {
                    if joins.get(&p.node).is_some_and(|joined| on.node <= *joined) {
                        sink.push(
                            file,
                            TemporalDiagnostic::WithdrawalBeforeMembership {
                                party: package.party(p.node).id.clone(),
                                span: on.span,
                            },
                        );
                    }
                }
            }
            hir::Membership::Open => {}
        }
    }
    let open = rostered(package, |m| matches!(m, hir::Membership::Open));
    let pending = rostered(package, |m| matches!(m, hir::Membership::Pending { .. }));
    for event in &package.events {
        if let hir::EventKind::SilenceBroken { party, .. } = &event.kind {
            if !pending.contains(party) {
                sink.push(
                    event.file,
                    TemporalDiagnostic::SilenceNotPending {
                        party: package.party(*party).id.clone(),
                        span: event.span,
                    },
                );
            }
        }
        if let hir::EventKind::Joined { party, .. } = &event.kind {
            if !open.contains(party) {
                sink.push(
                    event.file,
                    TemporalDiagnostic::JoinedNotOpen {
                        party: package.party(*party).id.clone(),
                        span: event.span,
                    },
                );
            }
        }
        if let hir::EventKind::Handover { to, .. } | hir::EventKind::Extension { party: to, .. } = &event.kind {
            if package.party(*to).kind != ir::PartyKind::State {
                sink.push(
                    event.file,
                    TemporalDiagnostic::ChairNotAState {
                        party: package.party(*to).id.clone(),
                        span: event.span,
                    },
                );
            }
        }
    }
    for event in &package.events {
        if let hir::EventKind::Decline { turn, .. } = &event.kind {
            if turn.node < adopted {
                sink.push(
                    event.file,
                    TemporalDiagnostic::BeforeAdoption {
                        what: "a chair turn is declined before the policy was adopted",
                        span: turn.span,
                        label: "before adoption",
                        help: "a turn is declined on the day it would start, which is after adoption",
                    },
                );
            }
        }
    }
    check_overlaps(package, &claims, sink);
    for statement in package.statements() {
        if let Some(items) = statement.rotation() {
            // An amendment may restate only the parts of a rotation it
            // changes; the policy's own rotation must be complete.
            let complete = statement.file == package.policy_file;
            check_rotation(package, statement, items, &claims, complete, sink);
        }
    }
    check_amended_rotations(package, sink);
}

fn overlaps(a: &Claim, b: &Claim) -> bool {
    // An open start or end reaches as far as needed.
    let starts_before_end = |x: &Claim, y: &Claim| match (x.start, y.end) {
        (Some(s), Some(e)) => s < e,
        (None, _) | (_, None) => true,
    };
    starts_before_end(a, b) && starts_before_end(b, a)
}

fn check_overlaps(package: &hir::Resolved, claims: &BTreeMap<hir::PartyId, Vec<Claim>>, sink: &mut Sink) {
    for (party, list) in claims {
        for (i, later) in list.iter().enumerate() {
            if let Some(earlier) = list.get(..i).unwrap_or_default().iter().find(|e| overlaps(e, later)) {
                sink.push(
                    later.file,
                    TemporalDiagnostic::OverlappingMembership {
                        party: package.party(*party).id.clone(),
                        span: later.span,
                        first: (earlier.file == later.file).then_some(earlier.span),
                    },
                );
            }
        }
    }
}

/// An office held by the chair's roles follows the chair's terms, which
/// rest on decisions, the rotation's pool and the seats of bodies: it may
/// not decide any of them (a meeting's body, a rotation's pool or
/// alternation, seats), or the terms would depend on themselves. Nor may
/// an office or standing whose period the text dates only approximately:
/// who holds it is unknown on some days, and those derivations take one
/// holder set a day.
fn check_offices_by_chair(package: &hir::Resolved, sink: &mut Sink) {
    const APPROXIMATE: &str = "whose period the text dates only approximately";
    const RECORDED: &str = "whose composition the history dates only approximately";
    const WITH_SEATS: &str = "a group with seats";
    let mut by_chair: Vec<(hir::GroupId, &'static str)> = package
        .statements()
        .filter_map(|s| {
            if let hir::StatementKind::Office {
                group, roles, dating, ..
            } = &s.kind
            {
                if !roles.is_empty() {
                    return Some((*group, "whose holders follow the chair's terms"));
                }
                return (!dating.is_exact()).then_some((*group, APPROXIMATE));
            }
            if let hir::StatementKind::Roster {
                kind: hir::Membership::Observer { dating, .. },
                standing: Some(group),
                ..
            } = &s.kind
            {
                return (!dating.is_exact()).then_some((*group, APPROXIMATE));
            }
            if let hir::StatementKind::Group { group, dating, .. } = &s.kind {
                return (!dating.is_exact()).then_some((*group, APPROXIMATE));
            }
            None
        })
        .collect();
    // A group the text does not name, recorded with approximate days (its
    // seats are judged record by record, so only the other uses count).
    // (Only where the record may govern: on days of its window the text
    // names none of the group's parties.)
    let spans = group_spans(package);
    let text_covers = |g: hir::GroupId, (a, b): (Day, Day)| {
        spans.get(&g).is_some_and(|list| {
            list.iter()
                .any(|(_, from, until)| *from <= a && until.is_none_or(|u| b <= u))
        })
    };
    by_chair.extend(package.events.iter().filter_map(|e| {
        if let hir::EventKind::Composition {
            group,
            from,
            until,
            dating,
            ..
        } = &e.kind
        {
            let governs = dating
                .windows(Some(*from), *until, package.adopted)
                .into_iter()
                .any(|w| !text_covers(*group, w));
            return governs.then_some((*group, RECORDED));
        }
        None
    }));
    if by_chair.is_empty() {
        return;
    }
    for statement in package.statements() {
        let mut used: Vec<(hir::GroupId, &'static str)> = Vec::new();
        if let hir::StatementKind::Meeting(decl) = &statement.kind {
            used.extend(decl.body.map(|g| (g, "the body whose meetings these are")));
        }
        for item in statement.rotation().into_iter().flatten() {
            if let hir::RotationItem::EligibleGroup(g) = &item.node {
                used.push((*g, "the rotation's pool"));
            }
            if let hir::RotationItem::Alternating(groups) = &item.node {
                used.extend(groups.iter().map(|g| (*g, "a group the chair alternates between")));
            }
        }
        if let hir::StatementKind::Seats { group, of, .. } = &statement.kind {
            used.extend(
                std::iter::once(*group)
                    .chain(of.iter().copied())
                    .map(|g| (g, WITH_SEATS)),
            );
        }
        for (group, what) in used {
            let Some((_, why)) = by_chair
                .iter()
                .find(|(g, why)| *g == group && !(*why == RECORDED && what == WITH_SEATS))
            else {
                continue;
            };
            sink.push(
                statement.file,
                TemporalDiagnostic::GroupNotSettled {
                    office: package
                        .groups
                        .get(group as usize)
                        .map_or_else(String::new, |g| g.name.clone()),
                    why,
                    what,
                    span: statement.span,
                },
            );
        }
    }
}

/// The way a chair statement chooses the chair, if it names one.
fn chair_model(items: &[Spanned<hir::RotationItem>]) -> Option<(&'static str, Span)> {
    items.iter().find_map(|item| match &item.node {
        hir::RotationItem::First { .. } => Some(("a rotation", item.span)),
        hir::RotationItem::Permanent { .. } => Some(("a chair the text names", item.span)),
        hir::RotationItem::Designated { .. } => Some(("a chair designated by decision", item.span)),
        hir::RotationItem::EligibleMembers
        | hir::RotationItem::EligibleParties(_)
        | hir::RotationItem::EligibleGroup(_)
        | hir::RotationItem::Term { .. }
        | hir::RotationItem::Voluntary
        | hir::RotationItem::AllDecline { .. }
        | hir::RotationItem::Order(_)
        | hir::RotationItem::Alternating(_)
        | hir::RotationItem::FixedOrder(_)
        | hir::RotationItem::Candidacy(_) => None,
    })
}

/// An amendment that changes how the chair is chosen (a rotation replaced
/// by a designation, say) takes over from its own first day (the new
/// rotation's first term, the first chair it names, or its adoption, for a
/// designation): the chairs before it served under the rules then in
/// force, so that day may not come before the amendment is adopted.
fn check_model_changes(package: &hir::Resolved, sink: &mut Sink) {
    let mut current: Option<&'static str> = None;
    let base = package.base.iter().map(|s| (s, None));
    // In the order they were adopted, as the versions are.
    let mut amendments: Vec<&hir::Amendment> = package.amendments.iter().collect();
    amendments.sort_by_key(|a| a.adopted_on);
    let amended = amendments
        .into_iter()
        .flat_map(|a| a.statements.iter().map(move |s| (s, Some(a.adopted_on))));
    for (statement, adopted) in base.chain(amended) {
        let hir::StatementKind::Rotation(items) = &statement.kind else {
            continue;
        };
        let Some((model, _)) = chair_model(items) else {
            continue;
        };
        match (current, adopted) {
            (Some(before), Some(adopted)) if before != model => {
                // The new way's own first day.
                let first = items
                    .iter()
                    .filter_map(|item| {
                        if let hir::RotationItem::First { from, .. } | hir::RotationItem::Permanent { from, .. } =
                            &item.node
                        {
                            Some(*from)
                        } else {
                            None
                        }
                    })
                    .min_by_key(|d| d.node);
                if let Some(first) = first.filter(|d| d.node < adopted) {
                    sink.push(
                        statement.file,
                        TemporalDiagnostic::ChairModelChange {
                            before,
                            after: model,
                            from: charter_runtime::date::format(first.node),
                            adopted: charter_runtime::date::format(adopted),
                            span: first.span,
                        },
                    );
                }
                current = Some(model);
            }
            (Some(_), _) => {}
            (None, _) => current = Some(model),
        }
    }
}

fn check_rotation(
    package: &hir::Resolved,
    statement: &hir::Statement,
    items: &[Spanned<hir::RotationItem>],
    claims: &BTreeMap<hir::PartyId, Vec<Claim>>,
    complete: bool,
    sink: &mut Sink,
) {
    let file = statement.file;
    let mut first: Option<(Spanned<hir::PartyId>, Spanned<Day>)> = None;
    let mut terms: Vec<(Option<Day>, Span)> = Vec::new();
    let mut eligible: Option<&[hir::PartyId]> = None;
    // A pool among a group's members may be known only from the history.
    let mut group_pool = false;
    let mut fixed: Option<Vec<hir::PartyId>> = None;
    // The chair models a statement names: a rotation's `first`, a chair the
    // text names, one designated by decision.
    let mut models: Vec<(&'static str, Span)> = Vec::new();
    let mut named_from: Vec<(Day, Span)> = Vec::new();
    for item in items {
        match &item.node {
            hir::RotationItem::First { party, from } => {
                models.push(("first", item.span));
                first = Some((*party, *from));
            }
            hir::RotationItem::Permanent {
                parties,
                co_chairs,
                vice_chairs,
                from,
            } => {
                // Each party holds one seat of the office from a day.
                let seat = if parties.len() > 1 { "a co-chair" } else { "the chair" };
                let seats = parties
                    .iter()
                    .map(|p| (p, seat))
                    .chain(co_chairs.iter().map(|p| (p, "a co-chair")))
                    .chain(vice_chairs.iter().map(|p| (p, "a vice-chair")));
                let mut seen: Vec<(&Spanned<hir::PartyId>, &'static str)> = Vec::new();
                for (p, seat) in seats {
                    if let Some((earlier, first)) = seen.iter().find(|(q, _)| q.node == p.node) {
                        sink.push(
                            file,
                            TemporalDiagnostic::OfficeSeatTwice {
                                party: package.party(p.node).id.clone(),
                                first,
                                second: seat,
                                span: p.span,
                                earlier: earlier.span,
                            },
                        );
                    } else {
                        seen.push((p, seat));
                    }
                }
                // Several chairs the text names, one after another, are
                // one model; two from one day are not.
                if let Some((_, earlier)) = named_from.iter().find(|(d, _)| *d == from.node) {
                    sink.push(
                        file,
                        TemporalDiagnostic::OverlappingChairs {
                            span: from.span,
                            first: *earlier,
                        },
                    );
                }
                named_from.push((from.node, from.span));
                if !models.iter().any(|(m, _)| *m == "permanent") {
                    models.push(("permanent", item.span));
                }
                if from.node < package.adopted {
                    sink.push(
                        file,
                        TemporalDiagnostic::BeforeAdoption {
                            what: "the permanent chair's office starts before the policy was adopted",
                            span: from.span,
                            label: "before adoption",
                            help: "the chair the text names cannot hold office before the rules that name it",
                        },
                    );
                }
            }
            hir::RotationItem::Designated { .. } => models.push(("designated", item.span)),
            hir::RotationItem::Candidacy(_) => {}
            hir::RotationItem::Term { from, .. } => {
                if let Some((_, earlier)) = terms.iter().find(|(f, _)| f == from) {
                    sink.push(
                        file,
                        TemporalDiagnostic::OverlappingTerms {
                            span: item.span,
                            first: *earlier,
                        },
                    );
                }
                terms.push((*from, item.span));
            }
            hir::RotationItem::EligibleMembers => eligible = None,
            hir::RotationItem::EligibleParties(list) => eligible = Some(list),
            hir::RotationItem::EligibleGroup(_) => group_pool = true,
            hir::RotationItem::FixedOrder(list) => fixed = Some(list.iter().map(|p| p.node).collect()),
            hir::RotationItem::Alternating(_) => {}
            hir::RotationItem::Order(_) | hir::RotationItem::Voluntary | hir::RotationItem::AllDecline { .. } => {}
        }
    }
    if let [(a, _), (b, span), ..] = models.as_slice() {
        sink.push(
            file,
            TemporalDiagnostic::ConflictingChairModels {
                first: a,
                second: b,
                span: *span,
            },
        );
        return;
    }
    let model = models.first().map(|(name, _)| *name);
    // A chair the text names needs neither a first chair nor a term; one
    // designated by decision needs a term.
    let missing: Vec<&str> = [
        ("first", first.is_none() && model.is_none()),
        ("term", terms.is_empty() && matches!(model, None | Some("first"))),
    ]
    .into_iter()
    .filter_map(|(name, is_missing)| is_missing.then_some(name))
    .collect();
    if complete && !missing.is_empty() {
        sink.push(
            file,
            TemporalDiagnostic::IncompleteRotation {
                missing: missing.join("` or `"),
                span: statement.span,
            },
        );
    }
    let Some((first_party, start)) = first else {
        return;
    };
    if start.node < package.adopted {
        sink.push(
            file,
            TemporalDiagnostic::BeforeAdoption {
                what: "the first term starts before the policy was adopted",
                span: start.span,
                label: "before adoption",
                help: "the rotation cannot start before the rules that create it",
            },
        );
    }
    if group_pool {
        return;
    }
    let on = start.node;
    let mut pool: Vec<hir::PartyId> = match eligible {
        Some(list) => list.to_vec(),
        None => claims
            .iter()
            .filter(|(party, list)| {
                package.party(**party).kind == ir::PartyKind::State
                    && list
                        .iter()
                        .any(|c| c.start.is_none_or(|s| s <= on) && c.end.is_none_or(|e| on < e))
            })
            .map(|(party, _)| *party)
            .collect(),
    };
    // With an order the text gives, only the parties it lists take turns.
    if let Some(order) = &fixed {
        pool.retain(|p| order.contains(p));
    }
    if pool.is_empty() {
        sink.push(
            file,
            TemporalDiagnostic::EmptyPool {
                date: charter_runtime::date::format(on),
                span: start.span,
            },
        );
    } else if !pool.contains(&first_party.node) {
        let names: Vec<&str> = pool.iter().map(|p| package.party(*p).id.as_str()).collect();
        sink.push(
            file,
            TemporalDiagnostic::IneligibleFirstChair {
                party: package.party(first_party.node).id.clone(),
                pool: crate::resolve::backticked(&names),
                span: first_party.span,
            },
        );
    }
}

/// An amendment may restate only the parts of a rotation it changes, but
/// only when there is one to change: the policy's, or one an amendment
/// adopted earlier started. Reports a rotation an amendment starts without
/// its `first` or `term`.
fn check_amended_rotations(package: &hir::Resolved, sink: &mut Sink) {
    let rotations = |statements: &[hir::Statement]| -> Vec<(Span, Vec<hir::RotationItem>)> {
        statements
            .iter()
            .filter_map(|s| Some((s.span, s.rotation()?.iter().map(|i| i.node.clone()).collect())))
            .collect()
    };
    let has_first = |items: &[hir::RotationItem]| items.iter().any(|i| matches!(i, hir::RotationItem::First { .. }));
    let has_term = |items: &[hir::RotationItem]| items.iter().any(|i| matches!(i, hir::RotationItem::Term { .. }));
    let designates =
        |items: &[hir::RotationItem]| items.iter().any(|i| matches!(i, hir::RotationItem::Designated { .. }));
    let names = |items: &[hir::RotationItem]| items.iter().any(|i| matches!(i, hir::RotationItem::Permanent { .. }));
    let base: Vec<hir::RotationItem> = rotations(&package.base)
        .into_iter()
        .flat_map(|(_, items)| items)
        .collect();
    let mut in_force = has_first(&base);
    // A designation in force takes a term or an order by amendment.
    let mut designated = designates(&base);
    let mut order: Vec<&hir::Amendment> = package.amendments.iter().collect();
    order.sort_by_key(|a| a.adopted_on);
    for amendment in order {
        let stated = rotations(&amendment.statements);
        let Some((span, _)) = stated.first() else {
            continue;
        };
        let items: Vec<hir::RotationItem> = stated.iter().flat_map(|(_, items)| items.iter().cloned()).collect();
        // Naming a chair, or having it designated, starts no rotation and
        // ends any in force.
        if names(&items) || designates(&items) {
            in_force = false;
            designated = designates(&items);
            continue;
        }
        if designated && !has_first(&items) {
            continue;
        }
        let missing: Vec<&str> = [("first", !has_first(&items)), ("term", !has_term(&items))]
            .into_iter()
            .filter_map(|(name, is_missing)| is_missing.then_some(name))
            .collect();
        if !in_force && !missing.is_empty() {
            sink.push(
                amendment.file,
                TemporalDiagnostic::AmendmentRotationIncomplete {
                    missing: missing.join("` or `"),
                    span: *span,
                },
            );
        }
        if has_first(&items) {
            in_force = true;
            designated = false;
        }
    }
}
