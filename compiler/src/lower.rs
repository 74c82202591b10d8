//! `Checked` HIR -> `ir::Bundle`: folds amendments into dated versions of
//! the rules, turns history records into the runtime's tables, and
//! collates sort names into rank tables (so the runtime needs no
//! collator). Every name is already an id and every date a day: lowering
//! looks nothing up and cannot fail.

use charter_runtime::ir;

use crate::check::Checked;
use crate::hir;

/// Lowers a checked package.
pub fn lower(checked: &Checked) -> ir::Bundle {
    let package = checked.hir();
    let history = lower_history(package);
    let mut versions = vec![version(package, package.adopted, "base", &package.base, None)];
    let mut amendments: Vec<&hir::Amendment> = package.amendments.iter().collect();
    amendments.sort_by_key(|a| a.adopted_on);
    for amendment in amendments {
        let previous = versions.last().cloned();
        let mut amended = version(
            package,
            amendment.adopted_on,
            &amendment.title,
            &amendment.statements,
            previous,
        );
        amended.adopted_by = Some(amendment.decision_name.clone());
        versions.push(amended);
    }
    let rules = package
        .rules
        .iter()
        .map(|rule| ir::Rule {
            name: rule.name.clone(),
            params: rule.params.iter().map(|(name, _)| name.clone()).collect(),
            param_types: rule.params.iter().map(|(_, t)| ir_type(t)).collect(),
            returns: ir_type(&rule.ret),
            body: expr(&rule.body),
        })
        .collect();
    let tests = package.tests.iter().map(lower_test).collect();
    ir::Bundle {
        title: package.title.clone(),
        reference: package.reference.clone(),
        adopted: package.adopted,
        order_epochs: order_epochs(&package.parties),
        parties: package.parties.clone(),
        meeting_kinds: package.meeting_kinds.clone(),
        outside_kinds: package.outside_kinds.clone(),
        decision_kinds: package.decision_kinds.clone(),
        groups: groups(package),
        versions,
        history,
        rules,
        tests,
    }
}

/// The named groups with who belongs when and their seats, from the base
/// text and every amendment.
fn groups(package: &hir::Package) -> Vec<ir::Group> {
    let mut groups: Vec<ir::Group> = package
        .groups
        .iter()
        .map(|g| ir::Group {
            name: g.name.clone(),
            title: g.title.clone(),
            spans: Vec::new(),
            seats: Vec::new(),
            chair_roles: Vec::new(),
            open: Vec::new(),
            recorded_open: Vec::new(),
        })
        .collect();
    for statement in package.statements() {
        match &statement.kind {
            hir::StatementKind::Group {
                group,
                parties,
                from,
                until,
                dating,
            } => {
                if let Some(g) = groups.get_mut(*group as usize) {
                    // The days a period given approximately leaves open.
                    if from.is_some() {
                        g.open
                            .extend(dating.windows(from.map(|f| f.node), until.map(|u| u.node), package.adopted));
                    }
                    // `as recorded` lists no parties (and gives no day).
                    let from = from.map_or(ir::Day::MIN, |f| f.node);
                    g.spans.extend(parties.iter().map(|p| ir::GroupSpan {
                        party: p.node,
                        from,
                        until: until.map(|u| u.node),
                        cite: statement.cite.clone(),
                        dating: *dating,
                    }));
                }
            }
            hir::StatementKind::Office {
                group,
                parties,
                roles,
                from,
                until,
                dating,
                ..
            } => {
                if let Some(g) = groups.get_mut(*group as usize) {
                    // The days a period given approximately leaves open.
                    g.open
                        .extend(dating.windows(from.map(|f| f.node), until.map(|u| u.node), package.adopted));
                    // Held from the day given, else from the beginning (the
                    // versions say from when the text is in force).
                    let from = from.map_or(ir::Day::MIN, |f| f.node);
                    let until = until.map(|u| u.node);
                    g.spans.extend(parties.iter().map(|p| ir::GroupSpan {
                        party: p.node,
                        from,
                        until,
                        cite: statement.cite.clone(),
                        dating: *dating,
                    }));
                    g.chair_roles.extend(roles.iter().map(|role| ir::ChairRoleSpan {
                        role: *role,
                        from,
                        until,
                        cite: statement.cite.clone(),
                    }));
                }
            }
            hir::StatementKind::Seats {
                group,
                count,
                of,
                from,
                until,
            } => {
                if let Some(g) = groups.get_mut(*group as usize) {
                    g.seats.push(ir::Seats {
                        count: count.node,
                        of: of.clone(),
                        from: from.node,
                        until: until.map(|u| u.node),
                        cite: statement.cite.clone(),
                    });
                }
            }
            hir::StatementKind::Roster {
                parties,
                classes,
                kind: hir::Membership::Observer { from, until, dating },
                standing: Some(group),
                ..
            } => {
                if let Some(g) = groups.get_mut(*group as usize) {
                    // Those holding the standing, over the observers'
                    // period (unknown where the text gives it approximately,
                    // from the holders' last change of status before it, as
                    // their status is), and those of a class it names over
                    // the days no statement of their own covers.
                    let until = until.map(|u| u.node);
                    let held = parties
                        .iter()
                        .map(|p| (p.node, from.node, until, *dating))
                        .chain(
                            package
                                .class_cover(classes, from.node, until)
                                .into_iter()
                                .map(|(p, f, u)| (p, f, u, piece_dating(*dating, f == from.node, u == until))),
                        )
                        .collect::<Vec<_>>();
                    for (party, f, u, dating) in held {
                        let since = last_change_before(package, party, f, statement);
                        g.open.extend(dating.windows(Some(f), u, since));
                        g.spans.push(ir::GroupSpan {
                            party,
                            from: f,
                            until: u,
                            cite: statement.cite.clone(),
                            dating,
                        });
                    }
                }
            }
            hir::StatementKind::Roster { .. }
            | hir::StatementKind::Rotation(_)
            | hir::StatementKind::Meeting(_)
            | hir::StatementKind::Decisions { .. }
            | hir::StatementKind::Reserve { .. }
            | hir::StatementKind::Observers { .. }
            | hir::StatementKind::Invite { .. }
            | hir::StatementKind::SupportUnit { .. }
            | hir::StatementKind::HostDuty { .. }
            | hir::StatementKind::Designate { .. }
            | hir::StatementKind::Location { .. } => {}
        }
    }
    // A `composition` record dated only approximately leaves who belongs
    // open on the days its window does, where the text names none of the
    // group's parties (the text's govern where it names them: the
    // interpreter looks).
    for event in &package.events {
        if let hir::EventKind::Composition {
            group,
            from,
            until,
            dating,
            ..
        } = &event.kind
        {
            if let Some(g) = groups.get_mut(*group as usize) {
                g.recorded_open
                    .extend(dating.windows(Some(*from), *until, package.adopted));
            }
        }
    }
    groups
}

/// The dating of a piece of a period: the period's own at the ends it
/// shares with it, exact where another statement's day cuts it.
fn piece_dating(dating: ir::Dating, shares_start: bool, shares_end: bool) -> ir::Dating {
    ir::Dating {
        from: if shares_start {
            dating.from
        } else {
            ir::Precision::Exact
        },
        until: if shares_end { dating.until } else { ir::Precision::Exact },
    }
}

/// The first day a change of `party`'s status dated "no later than"
/// `before` may fall on: the day after the last day before it on which
/// another roster statement than `this` changes its status (a period's
/// start or end, a withdrawal, a silence's deadline), as the status
/// windows count; the adoption if none does.
fn last_change_before(package: &hir::Package, party: ir::PartyId, before: ir::Day, this: &hir::Statement) -> ir::Day {
    package
        .statements()
        .filter(|s| !std::ptr::eq(*s, this))
        .filter_map(|s| {
            let hir::StatementKind::Roster { parties, kind, .. } = &s.kind else {
                return None;
            };
            parties.iter().any(|p| p.node == party).then_some(kind)
        })
        .flat_map(|kind| match kind {
            hir::Membership::Member { from, until, .. } | hir::Membership::Observer { from, until, .. } => {
                vec![Some(from.node), until.map(|u| u.node)]
            }
            hir::Membership::Pending { deadline } => vec![Some(deadline.node.saturating_add(1))],
            hir::Membership::Withdrawal { on, .. } => vec![Some(on.node)],
            hir::Membership::Open => Vec::new(),
        })
        .flatten()
        .filter(|d| *d <= before)
        .max()
        .map_or(package.adopted, |last| last.saturating_add(1).max(package.adopted))
}

/// English alphabetical ranks of every party, from each date a name changes.
fn order_epochs(parties: &[ir::Party]) -> Vec<ir::OrderEpoch> {
    let mut starts: Vec<ir::Day> = parties.iter().flat_map(|p| p.names.iter().map(|n| n.from)).collect();
    starts.sort_unstable();
    starts.dedup();
    let collator = english_collator();
    starts
        .into_iter()
        .map(|from| {
            let sort_names: Vec<&str> = parties
                .iter()
                .map(|p| {
                    p.names
                        .iter()
                        .rev()
                        .find(|n| n.from <= from)
                        .map_or("", |n| n.sort.as_str())
                })
                .collect();
            let mut order: Vec<usize> = (0..parties.len()).collect();
            order.sort_by(|a, b| {
                let (x, y) = (
                    sort_names.get(*a).copied().unwrap_or(""),
                    sort_names.get(*b).copied().unwrap_or(""),
                );
                let by_collator = collator.as_ref().map_or(std::cmp::Ordering::Equal, |c| c.compare(x, y));
                by_collator.then_with(|| x.cmp(y))
            });
            let mut rank = vec![0u32; parties.len()];
            for (position, party) in order.into_iter().enumerate() {
                if let Some(slot) = rank.get_mut(party) {
                    *slot = position as u32;
                }
            }
            ir::OrderEpoch { from, rank }
        })
        .collect()
}

/// English collation at primary strength: case and diacritics are folded
/// ("Türkiye" sorts as "Turkiye"). `None` only if the compiled-in data
/// were missing, in which case code-point order is the fallback.
fn english_collator() -> Option<icu_collator::CollatorBorrowed<'static>> {
    let mut options = icu_collator::options::CollatorOptions::default();
    options.strength = Some(icu_collator::options::Strength::Primary);
    icu_collator::Collator::try_new(icu_locale_core::locale!("en").into(), options).ok()
}

/// The rules a list of statements states, applied over `previous` (for an
/// amendment).
fn version(
    package: &hir::Package,
    from: ir::Day,
    source: &str,
    statements: &[hir::Statement],
    previous: Option<ir::Version>,
) -> ir::Version {
    let mut v = previous.unwrap_or(ir::Version {
        from,
        source: source.to_string(),
        membership: Vec::new(),
        rotation: None,
        permanent: None,
        designation: None,
        obligations: Vec::new(),
        consensus: ir::Consensus {
            quorum: None,
            cite: None,
            rule: ir::DecisionRule::Consensus,
            of_all_members: false,
            observers_decide: false,
        },
        reservations: Vec::new(),
        observers: None,
        invitations: None,
        interim: Vec::new(),
        roles: Vec::new(),
        member_duties: Vec::new(),
        host_duties: Vec::new(),
        bodies: Vec::new(),
        kind_rules: Vec::new(),
        adopted_by: None,
    });
    v.from = from;
    v.source = source.to_string();
    v.adopted_by = None;
    for statement in statements {
        let c = &statement.cite;
        match &statement.kind {
            hir::StatementKind::Roster {
                parties,
                classes,
                kind,
                rights,
                standing,
            } => {
                let lowered = membership(*kind);
                for party in parties {
                    v.membership.push(ir::Membership {
                        by_class: None,
                        party: party.node,
                        kind: lowered.clone(),
                        cite: c.clone(),
                        rights: rights.clone(),
                        standing: *standing,
                    });
                }
                // Each party of a class it names, over the days no
                // statement of its own covers.
                if let hir::Membership::Observer { from, until, dating } = kind {
                    let until = until.map(|u| u.node);
                    for (party, f, u) in package.class_cover(classes, from.node, until) {
                        v.membership.push(ir::Membership {
                            by_class: package.parties.get(party as usize).map(|p| p.kind),
                            party,
                            kind: ir::MembershipKind::Observer {
                                from: f,
                                until: u,
                                dating: piece_dating(*dating, f == from.node, u == until),
                            },
                            cite: c.clone(),
                            rights: rights.clone(),
                            standing: *standing,
                        });
                    }
                }
            }
            hir::StatementKind::Rotation(items) => rotation(&mut v, from, items, c),
            hir::StatementKind::Office {
                group,
                title,
                parties,
                from: held_from,
                until,
                dating,
                ..
            } => v.roles.push(ir::Role {
                what: title.clone(),
                parties: parties.iter().map(|p| p.node).collect(),
                cite: c.clone(),
                from: held_from.map(|f| f.node),
                until: until.map(|u| u.node),
                group: Some(*group),
                dating: *dating,
            }),
            hir::StatementKind::Meeting(decl) => {
                v.obligations.retain(|o| o.kind != decl.kind);
                v.bodies.retain(|b| b.kind != decl.kind);
                if let Some(group) = decl.body {
                    v.bodies.push(ir::MeetingBody {
                        kind: decl.kind,
                        group,
                        cite: c.clone(),
                    });
                }
                match &decl.cadence {
                    Some(cadence) => v.obligations.push(ir::Obligation {
                        kind: decl.kind,
                        strength: cadence.strength,
                        every: cadence.every.node,
                        at_least: cadence.at_least.as_ref().map(|d| d.node),
                        anchor: cadence.anchor,
                        per_member: cadence.per_member,
                        hosted_by_chair: decl.host == Some(hir::Host::Chair),
                        cite: c.clone(),
                    }),
                    // A kind with no cadence the chair hosts: the duty alone.
                    None if decl.host == Some(hir::Host::Chair) => {
                        v.host_duties.retain(|d| d.kind != decl.kind);
                        v.host_duties.push(ir::HostDuty {
                            kind: decl.kind,
                            strength: ir::Strength::Must,
                            cite: c.clone(),
                        });
                    }
                    None => {}
                }
            }
            hir::StatementKind::Decisions {
                quorum,
                rule,
                of_all_members,
                with_observers,
                at,
                ..
            } => {
                let consensus = ir::Consensus {
                    quorum: *quorum,
                    cite: Some(c.clone()),
                    rule: rule.node,
                    of_all_members: *of_all_members,
                    observers_decide: *with_observers,
                };
                if at.is_empty() {
                    v.consensus = consensus;
                } else {
                    v.kind_rules.push(ir::KindRule {
                        kinds: at.clone(),
                        consensus,
                    });
                }
            }
            hir::StatementKind::Reserve { decision, meetings } => {
                if !meetings.is_empty() {
                    v.reservations.retain(|r| r.decision != *decision);
                    v.reservations.push(ir::Reservation {
                        decision: *decision,
                        meetings: meetings.clone(),
                        cite: c.clone(),
                    });
                }
            }
            hir::StatementKind::Observers {
                classes,
                written_application,
                rights,
                ..
            } => {
                let has = |class: hir::PartyClass| classes.contains(&class);
                v.observers = Some(ir::ObserverRule {
                    written_application: *written_application,
                    states: has(hir::PartyClass::States),
                    international: has(hir::PartyClass::InternationalOrganizations),
                    regional: has(hir::PartyClass::RegionalOrganizations),
                    civil_society: has(hir::PartyClass::CivilSociety),
                    private_sector: has(hir::PartyClass::PrivateSector),
                    parties: classes
                        .iter()
                        .filter_map(|class| match class {
                            hir::PartyClass::Party(p) => Some(*p),
                            hir::PartyClass::States
                            | hir::PartyClass::InternationalOrganizations
                            | hir::PartyClass::RegionalOrganizations
                            | hir::PartyClass::CivilSociety
                            | hir::PartyClass::PrivateSector => None,
                        })
                        .collect(),
                    cite: c.clone(),
                    rights: rights.clone(),
                });
            }
            hir::StatementKind::Invite { .. } => v.invitations = Some(c.clone()),
            hir::StatementKind::SupportUnit {
                parties,
                from,
                until,
                dating,
                period,
                pending_further_decision,
                after_period,
            } => {
                // Dated statements of the Support Unit stand side by side
                // (one holder, then another); an undated one replaces all.
                if from.is_none() && until.is_none() {
                    v.roles.retain(|r| r.what != SUPPORT_UNIT);
                }
                v.roles.push(ir::Role {
                    what: SUPPORT_UNIT.to_string(),
                    parties: parties.clone(),
                    cite: c.clone(),
                    from: *from,
                    until: *until,
                    group: None,
                    dating: *dating,
                });
                if let (Some(period), true) = (period, pending_further_decision) {
                    let who: Vec<&str> = parties.iter().map(|p| package.party(*p).id.as_str()).collect();
                    let what = format!("{SUPPORT_UNIT} performed by {}", who.join(" and "));
                    v.interim.retain(|i| !i.what.starts_with(SUPPORT_UNIT));
                    v.interim.push(ir::Interim {
                        key: "support_unit".to_string(),
                        what,
                        period: period.node,
                        after_period: *after_period,
                        cite: c.clone(),
                    });
                }
            }
            hir::StatementKind::HostDuty { strength, kind } => {
                v.host_duties.retain(|d| d.kind != *kind);
                v.host_duties.push(ir::HostDuty {
                    kind: *kind,
                    strength: *strength,
                    cite: c.clone(),
                });
            }
            hir::StatementKind::Designate {
                subject: charter_grammar::ast::DutySubject::EachMember,
                strength,
                role,
            } => {
                v.member_duties.retain(|d| d.role != *role);
                v.member_duties.push(ir::Duty {
                    role: role.clone(),
                    strength: *strength,
                    cite: c.clone(),
                });
            }
            hir::StatementKind::Designate {
                subject: charter_grammar::ast::DutySubject::Chair,
                ..
            }
            | hir::StatementKind::Group { .. }
            | hir::StatementKind::Seats { .. }
            | hir::StatementKind::Location { .. } => {}
        }
    }
    v
}

const SUPPORT_UNIT: &str = "the Support Unit";

/// What a roster statement says, as the IR says it.
fn membership(kind: hir::Membership) -> ir::MembershipKind {
    match kind {
        hir::Membership::Observer { from, until, dating } => ir::MembershipKind::Observer {
            from: from.node,
            until: until.map(|u| u.node),
            dating,
        },
        hir::Membership::Member { from, until, dating } => ir::MembershipKind::Member {
            from: from.node,
            until: until.map(|u| u.node),
            dating,
        },
        hir::Membership::Pending { deadline } => ir::MembershipKind::Pending {
            deadline: deadline.node,
        },
        hir::Membership::Open => ir::MembershipKind::Open,
        hir::Membership::Withdrawal { on, precision } => ir::MembershipKind::Withdrawal { on: on.node, precision },
    }
}

/// Applies a rotation statement: the first one starts the rotation, a
/// later one (in an amendment) changes the parts it states.
fn rotation(v: &mut ir::Version, from: ir::Day, items: &[hir::Spanned<hir::RotationItem>], cite: &ir::Cite) {
    // A statement that chooses the chair another way than the rules so far
    // (an amendment changing the model) starts that way afresh: nothing of
    // the old way (its terms, order, pool) carries over.
    let states = |f: fn(&hir::RotationItem) -> bool| items.iter().any(|i| f(&i.node));
    let switches = (states(|i| matches!(i, hir::RotationItem::First { .. })) && v.rotation.is_none())
        || (states(|i| matches!(i, hir::RotationItem::Designated { .. })) && v.designation.is_none())
        || (states(|i| matches!(i, hir::RotationItem::Permanent { .. })) && v.permanent.is_none());
    if switches {
        v.rotation = None;
        v.designation = None;
        v.permanent = None;
    }
    // A `term` an amendment states without `from` applies from its
    // adoption, to a rotation or a designation alike.
    let amending = v.rotation.is_some() || v.designation.is_some();
    let mut eligible = v
        .rotation
        .as_ref()
        .map_or(ir::Eligible::Members, |r| r.eligible.clone());
    let mut first = v.rotation.as_ref().map(|r| (r.first, r.start));
    let mut terms = v.rotation.as_ref().map(|r| r.terms.clone()).unwrap_or_default();
    let mut voluntary = v.rotation.as_ref().is_some_and(|r| r.voluntary);
    let mut all_decline = v.rotation.as_ref().and_then(|r| r.all_decline);
    let mut order = v.rotation.as_ref().and_then(|r| r.order.clone());
    let mut alternation = v.rotation.as_ref().and_then(|r| r.alternation.clone());
    let mut permanent: Vec<ir::NamedChair> = Vec::new();
    let mut designated = v.designation.as_ref().map(|d| d.by);
    let mut candidacy = v.designation.as_ref().and_then(|d| d.candidacy);
    if let Some(d) = &v.designation {
        terms = d.terms.clone();
        alternation = d.alternation.clone();
    }
    let cite = v.rotation.as_ref().map_or_else(|| cite.clone(), |r| r.cite.clone());
    for item in items {
        match &item.node {
            hir::RotationItem::EligibleMembers => eligible = ir::Eligible::Members,
            hir::RotationItem::EligibleParties(list) => eligible = ir::Eligible::Parties(list.clone()),
            hir::RotationItem::EligibleGroup(g) => eligible = ir::Eligible::Group(*g),
            hir::RotationItem::First { party, from: start } => first = Some((party.node, start.node)),
            hir::RotationItem::Term {
                length,
                from: term_from,
            } => {
                let applies_from = match term_from {
                    Some(d) => *d,
                    None if amending => from,
                    None => ir::Day::MIN,
                };
                terms.retain(|(f, _)| *f != applies_from);
                terms.push((applies_from, *length));
                terms.sort_by_key(|(f, _)| *f);
            }
            hir::RotationItem::Voluntary => voluntary = true,
            hir::RotationItem::AllDecline { outgoing_stays } => all_decline = Some(*outgoing_stays),
            hir::RotationItem::Order(hir::Collation::English) => {
                order = None;
                alternation = None;
            }
            hir::RotationItem::Alternating(groups) => {
                alternation = Some(groups.clone());
                order = None;
            }
            hir::RotationItem::FixedOrder(list) => {
                order = Some(list.iter().map(|p| p.node).collect());
                alternation = None;
            }
            hir::RotationItem::Permanent {
                parties,
                co_chairs,
                vice_chairs,
                from,
            } => permanent.push(ir::NamedChair {
                from: from.node,
                parties: parties.iter().map(|p| p.node).collect(),
                co_chairs: co_chairs.iter().map(|p| p.node).collect(),
                vice_chairs: vice_chairs.iter().map(|p| p.node).collect(),
                cite: cite.clone(),
            }),
            hir::RotationItem::Designated { by } => designated = Some(*by),
            hir::RotationItem::Candidacy(before) => candidacy = Some(*before),
        }
    }
    // The temporal check allows one chair model per statement: a chair the
    // text names, one designated by decision, or a rotation.
    if !permanent.is_empty() {
        v.rotation = None;
        v.designation = None;
        // An amendment adds its chairs to those named before; a part on a
        // day already named replaces it.
        // (none named before this statement: no parts)
        let mut parts: Vec<ir::NamedChair> = v.permanent.take().map_or_else(Vec::new, |p| p.parts);
        for part in permanent {
            parts.retain(|p| p.from != part.from);
            parts.push(part);
        }
        parts.sort_by_key(|p| p.from);
        let cite = parts.first().map_or_else(|| cite.clone(), |p| p.cite.clone());
        v.permanent = Some(ir::PermanentChair { parts, cite });
        return;
    }
    if let Some(by) = designated {
        v.rotation = None;
        v.permanent = None;
        v.designation = Some(ir::Designation {
            by,
            candidacy,
            alternation,
            terms,
            cite: cite.clone(),
        });
        return;
    }
    // The temporal check requires `first` of any rotation statement that
    // starts a rotation, so a rotation without one has none to change.
    if let Some((first, start)) = first {
        v.rotation = Some(ir::Rotation {
            eligible,
            first,
            start,
            terms,
            voluntary,
            all_decline,
            order,
            alternation,
            cite,
        });
    }
}

fn lower_history(package: &hir::Package) -> ir::History {
    let mut history = ir::History::default();
    let code = |p: hir::PartyId| package.party(p).id.as_str();
    // Events with the place of their record, so that events of one day
    // keep the order the history gives them.
    let mut events: Vec<(usize, ir::Event)> = Vec::new();
    for record in &package.meetings {
        let meeting = ir::Meeting {
            id: Some(record.name.clone()),
            kind: record.kind,
            date: record.date,
            host: record.host,
            present: record.present.clone(),
            observers: record.observers.clone(),
        };
        for d in &record.decisions {
            let (subjects, invited_to) = match &d.subject {
                hir::Subject::Nobody => (Vec::new(), None),
                hir::Subject::Admits(parties) => (parties.clone(), None),
                hir::Subject::Invites { parties, to } => (parties.clone(), to.clone()),
                hir::Subject::Elects { party, from } => {
                    let (day, precision) = from.unwrap_or((record.date, ir::Precision::Exact));
                    let sources = if d.sources.is_empty() {
                        record.sources.clone()
                    } else {
                        d.sources.clone()
                    };
                    let event = ir::Event {
                        day,
                        topic: "chair".to_string(),
                        text: format!(
                            "{} elected chair from this day (decision `{}` at `{}`)",
                            code(*party),
                            d.name,
                            record.name
                        ),
                        provenance: ir::Provenance {
                            precision,
                            sources: sources.clone(),
                            inferred: record.inferred.clone(),
                        },
                        parties: vec![*party],
                    };
                    events.push((record.position, event));
                    history.handovers.push(ir::Handover {
                        to: *party,
                        day,
                        precision,
                        // The decision is pushed just below.
                        decision: Some(history.decisions.len()),
                        election: true,
                        stated_term: None,
                        sources,
                        inferred: record.inferred.clone(),
                    });
                    (vec![*party], None)
                }
                hir::Subject::Further(_) => (Vec::new(), None),
            };
            history.decisions.push(ir::DecisionRecord {
                id: d.name.clone(),
                decision: ir::Decision {
                    kind: d.kind,
                    meeting: meeting.clone(),
                    objections: d.objections.clone(),
                    reservations: d.reservations.clone(),
                    subjects,
                    invited_to,
                },
                text: d.text.clone(),
                sources: d.sources.clone(),
                inferred: d.inferred.clone(),
                further: match &d.subject {
                    hir::Subject::Further(further) => Some(further.clone()),
                    hir::Subject::Nobody
                    | hir::Subject::Admits(_)
                    | hir::Subject::Invites { .. }
                    | hir::Subject::Elects { .. } => None,
                },
            });
        }
        history.meetings.push(ir::MeetingRecord {
            id: record.name.clone(),
            meeting,
            place: record.place.clone(),
            provenance: ir::Provenance {
                precision: record.precision,
                sources: record.sources.clone(),
                inferred: record.inferred.clone(),
            },
            attendance_known: record.attendance_known,
            attendance_partial: record.attendance_partial,
            last_day: record.last_day,
        });
    }
    // The recorded decision a record names (`by meeting M decision D`), by
    // index, and how the report says so.
    let decided = |decided_by: &Option<(String, String)>, decisions: &[ir::DecisionRecord]| {
        let index = decided_by
            .as_ref()
            .and_then(|(_, d)| decisions.iter().position(|r| r.id == *d));
        let by = decided_by
            .as_ref()
            .map(|(m, d)| format!(" (decision `{d}` at `{m}`)"))
            .unwrap_or_default();
        (index, by)
    };
    for event in &package.events {
        let sources = event.sources.clone();
        let inferred = event.inferred.clone();
        let provenance = |precision: ir::Precision| ir::Provenance {
            precision,
            sources: sources.clone(),
            inferred: inferred.clone(),
        };
        let (day, topic, text, precision) = match &event.kind {
            hir::EventKind::Decline { party, turn } => {
                history.declines.push((*party, turn.node));
                let text = format!("{} declines the chair turn starting this day", code(*party));
                (turn.node, "chair", text, ir::Precision::Exact)
            }
            hir::EventKind::Handover {
                to,
                on,
                precision,
                decided_by,
                stated_term,
            } => {
                let (decision, by) = decided(decided_by, &history.decisions);
                history.handovers.push(ir::Handover {
                    to: *to,
                    day: *on,
                    precision: *precision,
                    decision,
                    election: false,
                    stated_term: *stated_term,
                    sources: sources.clone(),
                    inferred: inferred.clone(),
                });
                let term = stated_term
                    .map(|t| format!(", for {}", charter_runtime::value::duration_text(&t)))
                    .unwrap_or_default();
                let text = format!("the chair is handed over to {}{by}{term}", code(*to));
                (*on, "chair", text, *precision)
            }
            hir::EventKind::RoleTaken {
                party,
                role,
                on,
                precision,
            } => {
                history.roles_taken.push(ir::RoleTaken {
                    party: *party,
                    role: *role,
                    day: *on,
                    precision: *precision,
                    sources: sources.clone(),
                    inferred: inferred.clone(),
                });
                let text = format!("{} takes office as {} beside the chair", code(*party), role.word());
                (*on, "chair", text, *precision)
            }
            hir::EventKind::Vacancy { on, precision } => {
                history.vacancies.push(ir::Vacancy {
                    day: *on,
                    precision: *precision,
                    sources: sources.clone(),
                    inferred: inferred.clone(),
                });
                (*on, "chair", "the chair's office is vacant".to_string(), *precision)
            }
            hir::EventKind::SilenceBroken {
                party,
                on,
                precision,
                becomes,
            } => {
                let observer = *becomes == hir::AfterSilence::Observer;
                history.silences.push(ir::Silence {
                    party: *party,
                    day: *on,
                    precision: *precision,
                    observer,
                });
                let becomes = if observer { "observer" } else { "none" };
                let text = format!("{} breaks the silence procedure and becomes {becomes}", code(*party));
                (*on, "membership", text, *precision)
            }
            hir::EventKind::Extension {
                party,
                until,
                precision,
                decided_by,
            } => {
                let (decision, by) = decided(decided_by, &history.decisions);
                history.extensions.push(ir::Extension {
                    party: *party,
                    until: *until,
                    precision: *precision,
                    decision,
                    sources: sources.clone(),
                    inferred: inferred.clone(),
                });
                let text = format!(
                    "{}'s office as chair is extended until {}{by}",
                    code(*party),
                    precision.describe(*until)
                );
                (*until, "chair", text, *precision)
            }
            hir::EventKind::Candidacy { party, on, precision } => {
                history.candidacies.push((*party, *on));
                (
                    *on,
                    "chair",
                    format!("{} announces its candidacy for the chair", code(*party)),
                    *precision,
                )
            }
            hir::EventKind::Joined { party, on, precision } => {
                history.joins.push(ir::Join {
                    party: *party,
                    day: *on,
                    precision: *precision,
                });
                (
                    *on,
                    "membership",
                    format!("{} joins as a member", code(*party)),
                    *precision,
                )
            }
            hir::EventKind::Designation {
                party,
                role,
                on,
                precision,
                person,
            } => {
                history.designations.push((*party, role.clone(), *on));
                let who = person.as_ref().map(|s| format!(" ({s})")).unwrap_or_default();
                let text = format!("{} designates its {}{who}", code(*party), role.replace('_', " "));
                (*on, "coordinator", text, *precision)
            }
            hir::EventKind::StatusChange {
                party,
                status,
                on,
                precision,
                decided_by,
            } => {
                let (decision, by) = decided(decided_by, &history.decisions);
                history.status_changes.push(ir::StatusChange {
                    party: *party,
                    status: *status,
                    day: *on,
                    precision: *precision,
                    decision,
                    sources: sources.clone(),
                    inferred: inferred.clone(),
                });
                let text = format!("{} becomes {}{by}", code(*party), status.name());
                (*on, "membership", text, *precision)
            }
            hir::EventKind::Snapshot {
                on,
                precision,
                members,
                observers,
                chair,
                members_partial,
                observers_partial,
            } => {
                history.snapshots.push(ir::Snapshot {
                    day: *on,
                    precision: *precision,
                    members: members.clone(),
                    observers: observers.clone(),
                    chair: *chair,
                    members_partial: *members_partial,
                    observers_partial: *observers_partial,
                    sources: sources.clone(),
                    inferred: inferred.clone(),
                });
                let list = |what: &str, parties: &Option<Vec<hir::PartyId>>, partial: bool| {
                    parties.as_ref().map(|ps| {
                        let names: Vec<&str> = ps.iter().map(|p| code(*p)).collect();
                        let others = if partial { " and others" } else { "" };
                        format!(
                            "{what} {}{others}",
                            if names.is_empty() {
                                "none".to_string()
                            } else {
                                names.join(", ")
                            }
                        )
                    })
                };
                let said: Vec<String> = [
                    list("members", members, *members_partial),
                    list("observers", observers, *observers_partial),
                    chair.map(|c| format!("chair {}", code(c))),
                ]
                .into_iter()
                .flatten()
                .collect();
                let text = format!("a source lists {}", said.join("; "));
                (*on, "snapshot", text, *precision)
            }
            hir::EventKind::Composition {
                group,
                parties,
                from,
                until,
                dating,
            } => {
                history.compositions.push(ir::Composition {
                    group: *group,
                    parties: parties.clone(),
                    from: *from,
                    until: *until,
                    dating: *dating,
                    sources: sources.clone(),
                    inferred: inferred.clone(),
                });
                let names: Vec<&str> = parties.iter().map(|p| code(*p)).collect();
                let text = format!(
                    "the {} is {}{}",
                    package.group(*group).title,
                    names.join(", "),
                    until
                        .map(|u| format!(" until {}", dating.until.describe(u)))
                        .unwrap_or_default()
                );
                (*from, "composition", text, dating.from)
            }
            hir::EventKind::Note { text } => {
                history.notes.push(ir::Note {
                    text: text.clone(),
                    sources,
                    inferred,
                });
                continue;
            }
            hir::EventKind::Application {
                party,
                status,
                on,
                precision,
                outcome,
                decided_on,
                decided_by,
            } => {
                let (decision, by) = decided(decided_by, &history.decisions);
                history.applications.push(ir::Application {
                    party: *party,
                    status: *status,
                    day: *on,
                    precision: *precision,
                    outcome: *outcome,
                    decided_on: *decided_on,
                    decision,
                    sources: sources.clone(),
                    inferred: inferred.clone(),
                });
                let what = match status {
                    ir::Status::Member => "membership",
                    ir::Status::Pending
                    | ir::Status::Observer
                    | ir::Status::Invited
                    | ir::Status::None
                    | ir::Status::Suspended => "observer status",
                };
                let when = decided_on
                    .map(|(d, p)| {
                        if p.is_exact() {
                            format!(" on {}", charter_runtime::date::format(d))
                        } else {
                            format!(" {}", p.describe(d))
                        }
                    })
                    .unwrap_or_default();
                let text = format!("{} applies for {what} ({}{when}{by})", code(*party), outcome.word());
                (*on, "membership", text, *precision)
            }
        };
        let lowered = ir::Event {
            day,
            topic: topic.to_string(),
            text,
            provenance: provenance(precision),
            parties: event_parties(&event.kind),
        };
        events.push((event.position, lowered));
    }
    events.sort_by_key(|(position, e)| (e.day, *position));
    history.events = events.into_iter().map(|(_, e)| e).collect();
    history
}

/// The parties whose standing or office a history record concerns.
fn event_parties(kind: &hir::EventKind) -> Vec<ir::PartyId> {
    use hir::EventKind as E;
    match kind {
        E::Decline { party, .. }
        | E::SilenceBroken { party, .. }
        | E::Joined { party, .. }
        | E::Candidacy { party, .. }
        | E::Extension { party, .. }
        | E::Designation { party, .. }
        | E::StatusChange { party, .. }
        | E::Application { party, .. } => vec![*party],
        E::Handover { to, .. } | E::RoleTaken { party: to, .. } => vec![*to],
        E::Composition { parties, .. } => parties.clone(),
        E::Vacancy { .. } | E::Snapshot { .. } | E::Note { .. } => Vec::new(),
    }
}

fn lower_test(test: &hir::Test) -> ir::Test {
    let steps = test
        .steps
        .iter()
        .map(|step| match step {
            hir::TestStep::Let(value) => ir::TestStep::Let(expr(value)),
            hir::TestStep::Assert {
                expr: e,
                file,
                line,
                column,
                text,
            } => ir::TestStep::Assert {
                expr: expr(e),
                file: file.clone(),
                line: *line,
                column: *column,
                text: text.clone(),
            },
        })
        .collect();
    ir::Test {
        name: test.name.node.clone(),
        steps,
    }
}

/// Lowers a checked expression.
pub fn expr(e: &hir::Expr) -> ir::Expr {
    let go = |e: &hir::Expr| Box::new(expr(e));
    let all = |list: &[hir::Expr]| list.iter().map(expr).collect::<Vec<_>>();
    let fields = |list: &[(ir::Field, hir::Expr)]| list.iter().map(|(f, v)| (*f, expr(v))).collect::<Vec<_>>();
    match &e.kind {
        hir::ExprKind::Bool(b) => ir::Expr::Bool(*b),
        hir::ExprKind::Int(i) => ir::Expr::Int(*i),
        hir::ExprKind::Date(d) => ir::Expr::Date(*d),
        hir::ExprKind::Duration(d) => ir::Expr::Duration(*d),
        hir::ExprKind::None => ir::Expr::None,
        hir::ExprKind::Local(slot) => ir::Expr::Local(*slot),
        hir::ExprKind::Party(p) => ir::Expr::Party(*p),
        hir::ExprKind::Status(s) => ir::Expr::Status(*s),
        hir::ExprKind::MeetingKind(k) => ir::Expr::MeetingKind(*k),
        hir::ExprKind::Group(g) => ir::Expr::Group(*g),
        hir::ExprKind::DecisionKind(k) => ir::Expr::DecisionKind(*k),
        hir::ExprKind::Meeting(m) => ir::Expr::MeetingRecord(*m),
        hir::ExprKind::Decision(d) => ir::Expr::DecisionRecord(*d),
        hir::ExprKind::Set(items) => ir::Expr::Set(all(items)),
        hir::ExprKind::MeetingLit(list) => ir::Expr::MeetingLit(fields(list)),
        hir::ExprKind::DecisionLit(list) => ir::Expr::DecisionLit(fields(list)),
        hir::ExprKind::Builtin(b, args) => ir::Expr::Builtin(*b, all(args)),
        hir::ExprKind::Rule(r, args) => ir::Expr::Rule(*r, all(args)),
        hir::ExprKind::Field(base, f) => ir::Expr::Field(go(base), *f),
        hir::ExprKind::Not(e) => ir::Expr::Not(go(e)),
        hir::ExprKind::Neg(e) => ir::Expr::Neg(go(e)),
        hir::ExprKind::Binary(op, l, r) => ir::Expr::Binary(*op, go(l), go(r)),
        hir::ExprKind::If(c, t, o) => ir::Expr::If(go(c), go(t), go(o)),
        hir::ExprKind::Quantifier { all, slot, set, body } => ir::Expr::Quantifier {
            all: *all,
            slot: *slot,
            set: go(set),
            body: go(body),
        },
        hir::ExprKind::Filter { slot, set, cond } => ir::Expr::Filter {
            slot: *slot,
            set: go(set),
            cond: go(cond),
        },
    }
}

/// A checked type in the IR.
fn ir_type(t: &crate::types::Type) -> ir::Type {
    use crate::types::Type;
    match t {
        Type::Bool => ir::Type::Bool,
        Type::Int => ir::Type::Int,
        Type::Date => ir::Type::Date,
        Type::Duration => ir::Type::Duration,
        Type::Party => ir::Type::Party,
        Type::Status => ir::Type::Status,
        Type::MeetingKind => ir::Type::MeetingKind,
        Type::DecisionKind => ir::Type::DecisionKind,
        Type::Group => ir::Type::Group,
        Type::Meeting => ir::Type::Meeting,
        Type::Decision => ir::Type::Decision,
        Type::Violation => ir::Type::Violation,
        Type::Set(item) => ir::Type::Set(Box::new(ir_type(item))),
        Type::None => ir::Type::None,
        // A checked package has no `Error` type: typeck reported it, and
        // `check` lowers only packages without errors. `None` is what a
        // value of no known type is, so nothing native is compiled for it.
        Type::Error => ir::Type::None,
    }
}
