//! `Checked` package -> `ir::Bundle`: resolves every name to a dense index,
//! every date to a day number, folds amendments into dated versions of the
//! rules, and collates sort names into rank tables (so the runtime needs no
//! collator).

use std::collections::BTreeMap;

use charter_grammar::ast::{self, *};
use charter_grammar::diagnostic::line_column;
use charter_runtime::date;
use charter_runtime::ir;

use crate::check::Checked;
use crate::package::SourceFile;
use crate::resolve::{items, records};
use crate::types::STATUSES;

/// Extra named values a query may use (from a facts file), with their IR.
pub type Globals = BTreeMap<String, ir::Expr>;

/// A lowered package: its IR, and the index of every name (to lower
/// queries against it).
pub struct Lowered {
    pub bundle: ir::Bundle,
    pub names: Names,
}

/// Lowers a checked package. `files` are the sources the package's spans
/// point into (for test positions).
pub fn lower(checked: &Checked<'_>, files: &[SourceFile]) -> Lowered {
    let package = &checked.package;
    let env = &checked.env;
    let header = &package.policy.header;
    let adopted = header
        .fields
        .iter()
        .find_map(|f| match f {
            HeaderField::Adopted(d) => day(d),
            _ => None,
        })
        .unwrap_or(0);
    let mut parties: Vec<ir::Party> = Vec::new();
    let mut party_ids: BTreeMap<String, u32> = BTreeMap::new();
    for item in items(package) {
        if let Item::Party(decl) = item.node {
            if party_ids.contains_key(&decl.id.name) {
                continue;
            }
            party_ids.insert(decl.id.name.clone(), parties.len() as u32);
            parties.push(lower_party(decl));
        }
    }
    let meeting_kinds: Vec<String> = env.meeting_kinds.keys().cloned().collect();
    let decision_kinds: Vec<String> = env.decision_kinds.keys().cloned().collect();
    let names = Names {
        parties: party_ids,
        meeting_kinds: index(&meeting_kinds),
        decision_kinds: index(&decision_kinds),
        meetings: BTreeMap::new(),
        decisions: BTreeMap::new(),
        rules: env
            .rules
            .keys()
            .enumerate()
            .map(|(i, k)| (k.clone(), i as u32))
            .collect(),
    };
    let (history, names) = lower_history(package, names);
    let mut versions = vec![version(adopted, "base", &package.policy.items, None, &names)];
    let mut amendments: Vec<(ir::Day, &AmendmentFile)> = package
        .amendments
        .iter()
        .map(|(_, a)| {
            let on = names
                .meetings
                .get(&a.meeting.name)
                .and_then(|i| history.meetings.get(*i as usize))
                .map_or(adopted, |m| m.meeting.date);
            (on, *a)
        })
        .collect();
    amendments.sort_by_key(|(on, _)| *on);
    for (on, amendment) in amendments {
        let previous = versions.last().cloned();
        let mut amended = version(on, &amendment.title.value, &amendment.items, previous, &names);
        amended.adopted_by = Some(amendment.decision.name.clone());
        versions.push(amended);
    }
    let rules = env
        .rules
        .values()
        .map(|rule| {
            let mut scope: Vec<String> = rule.decl.params.iter().map(|p| p.name.name.clone()).collect();
            ir::Rule {
                name: rule.decl.name.name.clone(),
                params: scope.clone(),
                body: expr(&rule.decl.body, &mut scope, &names, &Globals::new()),
            }
        })
        .collect();
    let mut tests = Vec::new();
    for item in items(package) {
        if let Item::Test(test) = item.node {
            tests.push(lower_test(test, files.get(item.file), &names));
        }
    }
    for (file, record) in records(package) {
        if let RecordKind::Test(test) = &record.kind {
            tests.push(lower_test(test, files.get(file), &names));
        }
    }
    let order_epochs = order_epochs(&parties);
    let bundle = ir::Bundle {
        title: header.title.value.clone(),
        reference: header.fields.iter().find_map(|f| match f {
            HeaderField::Ref(r) => Some(r.value.clone()),
            _ => None,
        }),
        adopted,
        parties,
        order_epochs,
        meeting_kinds,
        decision_kinds,
        versions,
        history,
        rules,
        tests,
    };
    Lowered { bundle, names }
}

/// Every name resolved to its index.
pub struct Names {
    pub parties: BTreeMap<String, u32>,
    pub meeting_kinds: BTreeMap<String, u32>,
    pub decision_kinds: BTreeMap<String, u32>,
    pub meetings: BTreeMap<String, u32>,
    pub decisions: BTreeMap<String, u32>,
    pub rules: BTreeMap<String, u32>,
}

fn index(names: &[String]) -> BTreeMap<String, u32> {
    names.iter().enumerate().map(|(i, n)| (n.clone(), i as u32)).collect()
}

pub fn day(d: &DateLit) -> Option<ir::Day> {
    date::from_ymd(d.year, d.month, d.day)
}

fn day_or_zero(d: &DateLit) -> ir::Day {
    day(d).unwrap_or(0)
}

fn duration(d: &DurationLit) -> ir::Duration {
    ir::Duration {
        amount: d.amount,
        unit: match d.unit {
            DurationUnit::Days => ir::Unit::Days,
            DurationUnit::Months => ir::Unit::Months,
            DurationUnit::Years => ir::Unit::Years,
        },
    }
}

fn lower_party(decl: &PartyDecl) -> ir::Party {
    let kind = match (decl.kind, decl.org_kind.as_ref().map(|k| k.name.as_str())) {
        (PartyKind::State, _) => ir::PartyKind::State,
        (PartyKind::CivilSociety, _) => ir::PartyKind::CivilSociety,
        (PartyKind::Organization, Some("regional")) => ir::PartyKind::RegionalOrganization,
        (PartyKind::Organization, _) => ir::PartyKind::InternationalOrganization,
    };
    let sort = |s: &Option<Str>, official: &Str| s.as_ref().map_or_else(|| official.value.clone(), |s| s.value.clone());
    let mut names = vec![ir::PartyName {
        from: ir::Day::MIN,
        official: decl.official_name.value.clone(),
        sort: sort(&decl.sort_name, &decl.official_name),
    }];
    for rename in &decl.renames {
        names.push(ir::PartyName {
            from: day_or_zero(&rename.on),
            official: rename.official_name.value.clone(),
            sort: sort(&rename.sort_name, &rename.official_name),
        });
    }
    ir::Party {
        id: decl.id.name.clone(),
        kind,
        names,
    }
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

fn cite(block: Option<&ClauseBlock>) -> ir::Cite {
    ir::Cite {
        clause: block.map(|b| b.clause.text.clone()).unwrap_or_default(),
        quote: block.and_then(|b| b.quotes.first()).map(|q| q.value.clone()),
    }
}

/// The rules a list of items states, applied over `previous` (for an amendment).
fn version(
    from: ir::Day,
    source: &str,
    items_list: &[Item],
    previous: Option<ir::Version>,
    names: &Names,
) -> ir::Version {
    let mut v = previous.unwrap_or(ir::Version {
        from,
        source: source.to_string(),
        membership: Vec::new(),
        rotation: None,
        obligations: Vec::new(),
        consensus: ir::Consensus {
            quorum: None,
            cite: None,
        },
        reservations: Vec::new(),
        observers: None,
        invitations: None,
        interim: Vec::new(),
        adopted_by: None,
    });
    v.from = from;
    v.source = source.to_string();
    v.adopted_by = None;
    let party = |i: &Ident| names.parties.get(&i.name).copied();
    let parties = |list: &[Ident]| list.iter().filter_map(party).collect::<Vec<_>>();
    let mut flat = Vec::new();
    flatten(items_list, None, &mut flat);
    for (item, block) in flat {
        let Item::Stmt(stmt) = item else { continue };
        let c = cite(block);
        match &stmt.kind {
            StmtKind::Members {
                parties: list,
                from,
                until,
            } => roster(
                &mut v,
                parties(list),
                ir::MembershipKind::Member {
                    from: day_or_zero(from),
                    until: until.as_ref().and_then(day),
                },
                &c,
            ),
            StmtKind::Pending {
                parties: list,
                deadline,
            } => roster(
                &mut v,
                parties(list),
                ir::MembershipKind::Pending {
                    deadline: day_or_zero(deadline),
                },
                &c,
            ),
            StmtKind::OpenTo { parties: list } => roster(&mut v, parties(list), ir::MembershipKind::Open, &c),
            StmtKind::Withdrawal { party: p, on } => roster(
                &mut v,
                party(p).into_iter().collect(),
                ir::MembershipKind::Withdrawal { on: day_or_zero(on) },
                &c,
            ),
            StmtKind::Rotation(rotation_items) => {
                let mut rotation = v.rotation.clone().unwrap_or(ir::Rotation {
                    eligible: ir::Eligible::Members,
                    first: 0,
                    start: from,
                    terms: Vec::new(),
                    voluntary: false,
                    all_decline: None,
                    cite: c.clone(),
                });
                let amending = v.rotation.is_some();
                for ri in rotation_items {
                    match &ri.kind {
                        RotationItemKind::EligibleMembers => rotation.eligible = ir::Eligible::Members,
                        RotationItemKind::EligibleParties(list) => {
                            rotation.eligible = ir::Eligible::Parties(parties(list))
                        }
                        RotationItemKind::First { party: p, from: start } => {
                            rotation.first = party(p).unwrap_or(0);
                            rotation.start = day_or_zero(start);
                        }
                        RotationItemKind::Term {
                            length,
                            from: term_from,
                        } => {
                            let applies_from = match term_from {
                                Some(d) => day_or_zero(d),
                                None if amending => from,
                                None => ir::Day::MIN,
                            };
                            rotation.terms.retain(|(f, _)| *f != applies_from);
                            rotation.terms.push((applies_from, duration(length)));
                            rotation.terms.sort_by_key(|(f, _)| *f);
                        }
                        RotationItemKind::Voluntary => rotation.voluntary = true,
                        RotationItemKind::AllDecline { outgoing_stays } => rotation.all_decline = Some(*outgoing_stays),
                        RotationItemKind::OrderAlphabetical { .. } => {}
                    }
                }
                v.rotation = Some(rotation);
            }
            StmtKind::Meeting(decl) => {
                if let Some(kind) = names.meeting_kinds.get(&decl.kind.name).copied() {
                    v.obligations.retain(|o| o.kind != kind);
                    v.obligations.push(ir::Obligation {
                        kind,
                        strength: if decl.strength.name == "should" {
                            ir::Strength::Should
                        } else {
                            ir::Strength::Must
                        },
                        every: duration(&decl.every),
                        anchor: decl.anchor.as_ref().and_then(day),
                        per_member: decl.per_member,
                        hosted_by_chair: matches!(decl.host, Some(HostRule::Chair(_))),
                        cite: c.clone(),
                    });
                }
            }
            StmtKind::Decisions { quorum, .. } => {
                v.consensus = ir::Consensus {
                    quorum: quorum.map(|q| match q {
                        Quorum::Count { count, .. } => ir::Quorum::Count(count),
                        Quorum::Ratio {
                            numerator, denominator, ..
                        } => ir::Quorum::Ratio(numerator, denominator),
                    }),
                    cite: Some(c.clone()),
                };
            }
            StmtKind::DecisionKind { kind, reserved_to } => {
                reserve(
                    &mut v,
                    names.decision_kinds.get(&kind.name).copied(),
                    reserved_to,
                    names,
                    c.clone(),
                );
            }
            StmtKind::Amendments { by } => {
                reserve(
                    &mut v,
                    names.decision_kinds.get("amendment").copied(),
                    by,
                    names,
                    c.clone(),
                );
            }
            StmtKind::Observers { classes, .. } => {
                let has = |n: &str| classes.iter().any(|c| c.name == n);
                v.observers = Some(ir::ObserverRule {
                    states: has("states"),
                    international: has("international_organizations"),
                    regional: has("regional_organizations"),
                    parties: parties(classes),
                    cite: c.clone(),
                });
            }
            StmtKind::Invite { .. } => v.invitations = Some(c.clone()),
            StmtKind::SupportUnit {
                parties: list,
                period: Some(period),
                pending_further_decision: true,
                after_period,
            } => {
                let who: Vec<&str> = list.iter().map(|p| p.name.as_str()).collect();
                v.interim.retain(|i| !i.what.starts_with("the Support Unit"));
                v.interim.push(ir::Interim {
                    what: format!("the Support Unit performed by {}", who.join(" and ")),
                    period: duration(period),
                    after_period: *after_period,
                    cite: c.clone(),
                });
            }
            StmtKind::Designate { .. } | StmtKind::SupportUnit { .. } | StmtKind::Location { .. } => {}
        }
    }
    v
}

/// Gives each party the same membership statement.
fn roster(v: &mut ir::Version, parties: Vec<ir::PartyId>, kind: ir::MembershipKind, cite: &ir::Cite) {
    for party in parties {
        v.membership.push(ir::Membership {
            party,
            kind: kind.clone(),
            cite: cite.clone(),
        });
    }
}

fn reserve(v: &mut ir::Version, kind: Option<u32>, meetings: &[Ident], names: &Names, cite: ir::Cite) {
    let Some(kind) = kind else { return };
    if meetings.is_empty() {
        return;
    }
    v.reservations.retain(|r| r.decision != kind);
    v.reservations.push(ir::Reservation {
        decision: kind,
        meetings: meetings
            .iter()
            .filter_map(|m| names.meeting_kinds.get(&m.name).copied())
            .collect(),
        cite,
    });
}

fn flatten<'a>(
    items_list: &'a [Item],
    block: Option<&'a ClauseBlock>,
    out: &mut Vec<(&'a Item, Option<&'a ClauseBlock>)>,
) {
    for item in items_list {
        out.push((item, block));
        if let Item::Block(inner) = item {
            flatten(&inner.items, Some(inner), out);
        }
    }
}

fn lower_history(package: &crate::package::Package<'_>, mut names: Names) -> (ir::History, Names) {
    let mut history = ir::History::default();
    let party = |names: &Names, i: &Ident| names.parties.get(&i.name).copied();
    // Meetings first, so decisions can refer to them by id.
    for (_, record) in records(package) {
        if let RecordKind::Meeting(m) = &record.kind {
            let meeting = lower_meeting(m, &names);
            names.meetings.insert(m.id.name.clone(), history.meetings.len() as u32);
            let place = m.fields.iter().find_map(|f| match &f.kind {
                MeetingFieldKind::Place(p) => Some(p.value.clone()),
                _ => None,
            });
            let precision = m.fields.iter().find_map(|f| match &f.kind {
                MeetingFieldKind::Date(spec) => Some(precision(spec.precision)),
                _ => None,
            });
            history.meetings.push(ir::MeetingRecord {
                id: m.id.name.clone(),
                meeting,
                place,
                provenance: ir::Provenance {
                    precision: precision.unwrap_or_default(),
                    sources: record.sources.iter().map(source_text).collect(),
                },
            });
        }
    }
    for (_, record) in records(package) {
        let sources: Vec<String> = record.sources.iter().map(source_text).collect();
        let exact = |sources: &[String]| ir::Provenance {
            precision: ir::Precision::Exact,
            sources: sources.to_vec(),
        };
        let dated = |spec: &DateSpec, sources: &[String]| ir::Provenance {
            precision: precision(spec.precision),
            sources: sources.to_vec(),
        };
        match &record.kind {
            RecordKind::Meeting(m) => {
                let meeting = lower_meeting(m, &names);
                for field in &m.fields {
                    if let MeetingFieldKind::Decision(d) = &field.kind {
                        let decision = lower_decision(d, meeting.clone(), &names);
                        names
                            .decisions
                            .insert(d.id.name.clone(), history.decisions.len() as u32);
                        let text = d.fields.iter().find_map(|f| match &f.kind {
                            DecisionFieldKind::Text(t) => Some(t.value.clone()),
                            _ => None,
                        });
                        let decision_sources = d
                            .fields
                            .iter()
                            .filter_map(|f| match &f.kind {
                                DecisionFieldKind::Source(s) => Some(source_text(s)),
                                _ => None,
                            })
                            .collect();
                        for f in &d.fields {
                            if let DecisionFieldKind::Elects { party: elected, from } = &f.kind {
                                let day = from.as_ref().map_or(meeting.date, |spec| day_or_zero(&spec.date));
                                history.events.push(ir::Event {
                                    day,
                                    topic: "chair".to_string(),
                                    text: format!(
                                        "{} elected chair from this day (decision `{}` at `{}`)",
                                        elected.name, d.id.name, m.id.name
                                    ),
                                    provenance: ir::Provenance {
                                        precision: from
                                            .as_ref()
                                            .map_or(ir::Precision::Exact, |spec| precision(spec.precision)),
                                        sources: decision_sources_for_event(d, &sources),
                                    },
                                });
                            }
                        }
                        history.decisions.push(ir::DecisionRecord {
                            id: d.id.name.clone(),
                            decision,
                            text,
                            sources: decision_sources,
                        });
                    }
                }
            }
            RecordKind::Decline { party: p, turn } => {
                history
                    .declines
                    .extend(party(&names, p).map(|q| (q, day_or_zero(turn))));
                history.events.push(ir::Event {
                    day: day_or_zero(turn),
                    topic: "chair".to_string(),
                    text: format!("{} declines the chair turn starting this day", p.name),
                    provenance: exact(&sources),
                });
            }
            RecordKind::Handover { to, on, decided_by } => {
                history
                    .handovers
                    .extend(party(&names, to).map(|q| (q, day_or_zero(on))));
                let by = decided_by
                    .as_ref()
                    .map(|(m, d)| format!(" (decision `{}` at `{}`)", d.name, m.name))
                    .unwrap_or_default();
                history.events.push(ir::Event {
                    day: day_or_zero(on),
                    topic: "chair".to_string(),
                    text: format!("the chair is handed over to {}{by}", to.name),
                    provenance: exact(&sources),
                });
            }
            RecordKind::SilenceBroken { party: p, on, becomes } => {
                let observer = becomes.name == "observer";
                history
                    .silences
                    .extend(party(&names, p).map(|q| (q, day_or_zero(&on.date), observer)));
                history.events.push(ir::Event {
                    day: day_or_zero(&on.date),
                    topic: "membership".to_string(),
                    text: format!("{} breaks the silence procedure and becomes {}", p.name, becomes.name),
                    provenance: dated(on, &sources),
                });
            }
            RecordKind::Joined { party: p, on } => {
                history
                    .joins
                    .extend(party(&names, p).map(|q| (q, day_or_zero(&on.date))));
                history.events.push(ir::Event {
                    day: day_or_zero(&on.date),
                    topic: "membership".to_string(),
                    text: format!("{} joins as a member", p.name),
                    provenance: dated(on, &sources),
                });
            }
            RecordKind::Designation {
                party: p,
                role,
                on,
                person,
            } => {
                let who = person.as_ref().map(|s| format!(" ({})", s.value)).unwrap_or_default();
                history.events.push(ir::Event {
                    day: day_or_zero(&on.date),
                    topic: "coordinator".to_string(),
                    text: format!("{} designates its {}{who}", p.name, role.name.replace('_', " ")),
                    provenance: dated(on, &sources),
                });
            }
            RecordKind::Note { text } => history.notes.push(ir::Note {
                text: text.value.clone(),
                sources,
            }),
            RecordKind::Test(_) => {}
        }
    }
    history.events.sort_by_key(|e| e.day);
    (history, names)
}

fn precision(p: DatePrecision) -> ir::Precision {
    match p {
        DatePrecision::Exact => ir::Precision::Exact,
        DatePrecision::NoLaterThan => ir::Precision::NoLaterThan,
        DatePrecision::NoEarlierThan => ir::Precision::NoEarlierThan,
    }
}

/// A decision's own sources, or else its meeting's.
fn decision_sources_for_event(d: &DecisionRecord, meeting_sources: &[String]) -> Vec<String> {
    let own: Vec<String> = d
        .fields
        .iter()
        .filter_map(|f| match &f.kind {
            DecisionFieldKind::Source(s) => Some(source_text(s)),
            _ => None,
        })
        .collect();
    if own.is_empty() {
        meeting_sources.to_vec()
    } else {
        own
    }
}

fn source_text(s: &SourceRef) -> String {
    match &s.paragraph {
        Some(p) => format!("{}, {}", s.document.value, p.value),
        None => s.document.value.clone(),
    }
}

fn lower_meeting(m: &MeetingRecord, names: &Names) -> ir::Meeting {
    let mut meeting = ir::Meeting {
        id: Some(m.id.name.clone()),
        kind: 0,
        date: 0,
        host: None,
        present: Vec::new(),
        observers: Vec::new(),
    };
    let parties = |list: &[Ident]| {
        list.iter()
            .filter_map(|i| names.parties.get(&i.name).copied())
            .collect::<Vec<_>>()
    };
    for field in &m.fields {
        match &field.kind {
            MeetingFieldKind::Kind(k) => meeting.kind = names.meeting_kinds.get(&k.name).copied().unwrap_or(0),
            MeetingFieldKind::Date(spec) => meeting.date = day_or_zero(&spec.date),
            MeetingFieldKind::Host(p) => meeting.host = names.parties.get(&p.name).copied(),
            MeetingFieldKind::Present(list) => meeting.present = parties(list),
            MeetingFieldKind::Observers(list) => meeting.observers = parties(list),
            MeetingFieldKind::Place(_) | MeetingFieldKind::Source(_) | MeetingFieldKind::Decision(_) => {}
        }
    }
    meeting
}

fn lower_decision(d: &DecisionRecord, meeting: ir::Meeting, names: &Names) -> ir::Decision {
    let parties = |list: &[Ident]| {
        list.iter()
            .filter_map(|i| names.parties.get(&i.name).copied())
            .collect::<Vec<_>>()
    };
    let mut decision = ir::Decision {
        kind: 0,
        meeting,
        objections: Vec::new(),
        reservations: Vec::new(),
        subjects: Vec::new(),
        invited_to: None,
    };
    for field in &d.fields {
        match &field.kind {
            DecisionFieldKind::Kind(k) => decision.kind = names.decision_kinds.get(&k.name).copied().unwrap_or(0),
            DecisionFieldKind::Objections(list) => decision.objections = parties(list),
            DecisionFieldKind::Reservations(list) => decision.reservations = parties(list),
            DecisionFieldKind::Admits(list) => decision.subjects = parties(list),
            DecisionFieldKind::Invites { parties: list, to } => {
                decision.subjects = parties(list);
                decision.invited_to = to.as_ref().map(|t| t.name.clone());
            }
            DecisionFieldKind::Elects { party, .. } => decision.subjects = parties(std::slice::from_ref(party)),
            DecisionFieldKind::Text(_) | DecisionFieldKind::Source(_) => {}
        }
    }
    decision
}

fn lower_test(test: &TestDecl, file: Option<&SourceFile>, names: &Names) -> ir::Test {
    let mut scope: Vec<String> = Vec::new();
    let mut steps = Vec::new();
    for stmt in &test.stmts {
        match stmt {
            TestStmt::Let { name, value, .. } => {
                steps.push(ir::TestStep::Let(expr(value, &mut scope, names, &Globals::new())));
                scope.push(name.name.clone());
            }
            TestStmt::Assert { expr: e, span } => {
                let (line, column) = file.map_or((0, 0), |f| line_column(&f.text, span.start));
                let text = file
                    .and_then(|f| f.text.get(e.span.start..e.span.end))
                    .unwrap_or_default()
                    .to_string();
                steps.push(ir::TestStep::Assert {
                    expr: expr(e, &mut scope, names, &Globals::new()),
                    file: file.map(|f| f.name.clone()).unwrap_or_default(),
                    line,
                    column,
                    text,
                });
            }
        }
    }
    ir::Test {
        name: test.name.value.clone(),
        steps,
    }
}

/// Lowers a checked expression. `scope` holds the locals by slot.
pub fn expr(e: &ast::Expr, scope: &mut Vec<String>, names: &Names, globals: &Globals) -> ir::Expr {
    let go = |e: &ast::Expr, scope: &mut Vec<String>| Box::new(expr(e, scope, names, globals));
    match &e.kind {
        ExprKind::Bool(b) => ir::Expr::Bool(*b),
        ExprKind::Int(i) => ir::Expr::Int(*i),
        ExprKind::Date(d) => ir::Expr::Date(day_or_zero(d)),
        ExprKind::Duration(d) => ir::Expr::Duration(duration(d)),
        ExprKind::None => ir::Expr::None,
        ExprKind::Name(ident) => name(&ident.name, scope, names, globals),
        ExprKind::Set(items) => ir::Expr::Set(items.iter().map(|i| expr(i, scope, names, globals)).collect()),
        ExprKind::Record { kind, fields } => {
            let fields = fields
                .iter()
                .filter_map(|(f, v)| field(&f.name).map(|f| (f, expr(v, scope, names, globals))))
                .collect();
            if kind.name == "decision" {
                ir::Expr::DecisionLit(fields)
            } else {
                ir::Expr::MeetingLit(fields)
            }
        }
        ExprKind::Call { func, args } => {
            let args: Vec<ir::Expr> = args.iter().map(|a| expr(a, scope, names, globals)).collect();
            match ir::Builtin::from_name(&func.name) {
                Some(b) => ir::Expr::Builtin(b, args),
                None => ir::Expr::Rule(names.rules.get(&func.name).copied().unwrap_or(0), args),
            }
        }
        ExprKind::Field { base, field: f } => {
            ir::Expr::Field(go(base, scope), field(&f.name).unwrap_or(ir::Field::Kind))
        }
        ExprKind::Unary { op, operand } => match op {
            UnaryOp::Not => ir::Expr::Not(go(operand, scope)),
            UnaryOp::Neg => ir::Expr::Neg(go(operand, scope)),
        },
        ExprKind::Binary { op, lhs, rhs } => {
            let op = match op {
                BinaryOp::Implies => ir::BinOp::Implies,
                BinaryOp::Or => ir::BinOp::Or,
                BinaryOp::And => ir::BinOp::And,
                BinaryOp::Eq => ir::BinOp::Eq,
                BinaryOp::Ne => ir::BinOp::Ne,
                BinaryOp::Lt => ir::BinOp::Lt,
                BinaryOp::Le => ir::BinOp::Le,
                BinaryOp::Gt => ir::BinOp::Gt,
                BinaryOp::Ge => ir::BinOp::Ge,
                BinaryOp::In => ir::BinOp::In,
                BinaryOp::Add => ir::BinOp::Add,
                BinaryOp::Sub => ir::BinOp::Sub,
                BinaryOp::Mul => ir::BinOp::Mul,
            };
            ir::Expr::Binary(op, go(lhs, scope), go(rhs, scope))
        }
        ExprKind::If { cond, then, otherwise } => ir::Expr::If(go(cond, scope), go(then, scope), go(otherwise, scope)),
        ExprKind::Quantifier { kind, var, set, body } => {
            let set = go(set, scope);
            let slot = scope.len() as u32;
            scope.push(var.name.clone());
            let body = go(body, scope);
            scope.pop();
            ir::Expr::Quantifier {
                all: *kind == QuantifierKind::All,
                slot,
                set,
                body,
            }
        }
    }
}

fn name(n: &str, scope: &[String], names: &Names, globals: &Globals) -> ir::Expr {
    if let Some(slot) = scope.iter().rposition(|s| s == n) {
        return ir::Expr::Local(slot as u32);
    }
    if let Some(g) = globals.get(n) {
        return g.clone();
    }
    if let Some(p) = names.parties.get(n) {
        return ir::Expr::Party(*p);
    }
    if let Some(k) = names.meeting_kinds.get(n) {
        return ir::Expr::MeetingKind(*k);
    }
    if let Some(k) = names.decision_kinds.get(n) {
        return ir::Expr::DecisionKind(*k);
    }
    if STATUSES.contains(&n) {
        return ir::Expr::Status(match n {
            "member" => ir::Status::Member,
            "pending" => ir::Status::Pending,
            "observer" => ir::Status::Observer,
            "invited" => ir::Status::Invited,
            _ => ir::Status::None,
        });
    }
    if let Some(m) = names.meetings.get(n) {
        return ir::Expr::MeetingRecord(*m);
    }
    if let Some(d) = names.decisions.get(n) {
        return ir::Expr::DecisionRecord(*d);
    }
    ir::Expr::None
}

fn field(n: &str) -> Option<ir::Field> {
    Some(match n {
        "kind" => ir::Field::Kind,
        "date" => ir::Field::Date,
        "host" => ir::Field::Host,
        "present" => ir::Field::Present,
        "observers" => ir::Field::Observers,
        "meeting" => ir::Field::Meeting,
        "objections" => ir::Field::Objections,
        "reservations" => ir::Field::Reservations,
        "subjects" => ir::Field::Subjects,
        "due" => ir::Field::Due,
        "party" => ir::Field::Party,
        "must" => ir::Field::Must,
        _ => return None,
    })
}
