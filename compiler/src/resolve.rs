//! `Package` -> `Env`: name resolution. Collects every definition (parties,
//! meeting kinds, decision kinds, rules, recorded meetings and decisions),
//! reports duplicates, then checks that every name a statement or history
//! record uses is defined. Use before definition is fine: all definitions
//! are collected before any use is checked.

use std::collections::BTreeMap;

use charter_grammar::ast::*;

use charter_runtime::date;
use charter_runtime::ir::{self, Status};

use crate::diagnostics::ResolveDiagnostic;
use crate::hir;
use crate::package::{FileId, Package, Sink};
use crate::suggest;
use crate::types::{Type, BUILTIN_DECISION_KINDS};

/// Where something is defined.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Def {
    pub file: FileId,
    pub span: Span,
}

impl Def {
    /// The definition's span, if it is in `file` (a label can point only
    /// into the file its diagnostic is in).
    pub fn span_in(&self, file: FileId) -> Option<Span> {
        (self.file == file).then_some(self.span)
    }
}

/// The kind a party's declaration gives it; `None` where its `kind` is
/// unknown or given to a party other than an organization.
pub fn declared_kind(decl: &PartyDecl) -> Option<ir::PartyKind> {
    match (decl.kind, decl.org_kind.as_ref().map(|k| k.name.as_str())) {
        (PartyKind::State, None) => Some(ir::PartyKind::State),
        (PartyKind::CivilSociety, None) => Some(ir::PartyKind::CivilSociety),
        (PartyKind::PrivateSector, None) => Some(ir::PartyKind::PrivateSector),
        (PartyKind::Organization, None | Some("international")) => Some(ir::PartyKind::InternationalOrganization),
        (PartyKind::Organization, Some("regional")) => Some(ir::PartyKind::RegionalOrganization),
        (PartyKind::Organization, Some(_))
        | (PartyKind::State | PartyKind::CivilSociety | PartyKind::PrivateSector, Some(_)) => None,
    }
}

#[derive(Debug, Clone)]
pub struct PartyDef<'a> {
    pub id: hir::PartyId,
    pub def: Def,
    pub decl: &'a PartyDecl,
}

#[derive(Debug, Clone)]
pub struct MeetingKindDef<'a> {
    /// Position in name order (set once all kinds are collected).
    pub id: hir::MeetingKindId,
    pub def: Def,
    /// The policy's `meeting` statement; `None` for a kind the history
    /// declares (`meeting kind K "..."`), which the text does not provide.
    pub decl: Option<&'a MeetingDecl>,
}

/// A decision kind: built in (no definition) or declared.
#[derive(Debug, Clone)]
pub struct DecisionKindDef {
    /// Position in name order (set once all kinds are collected).
    pub id: hir::DecisionKindId,
    pub def: Option<Def>,
}

/// A named group of parties (`group NAME "TITLE" ...`).
#[derive(Debug, Clone)]
pub struct GroupDef {
    /// Position in name order (set once all groups are collected).
    pub id: hir::GroupId,
    pub def: Def,
    /// The title its first titled statement gives.
    pub title: Option<String>,
}

#[derive(Debug, Clone)]
pub struct RuleDef<'a> {
    /// Position in name order (set once all rules are collected).
    pub id: hir::RuleId,
    pub def: Def,
    pub decl: &'a RuleDecl,
}

#[derive(Debug, Clone)]
pub struct MeetingRecordDef<'a> {
    pub id: hir::MeetingId,
    pub def: Def,
    pub record: &'a MeetingRecord,
}

#[derive(Debug, Clone)]
pub struct DecisionRecordDef<'a> {
    pub id: hir::DecisionId,
    pub def: Def,
    pub meeting: &'a MeetingRecord,
}

/// Every name a package defines.
#[derive(Debug, Default)]
pub struct Env<'a> {
    pub parties: BTreeMap<String, PartyDef<'a>>,
    pub meeting_kinds: BTreeMap<String, MeetingKindDef<'a>>,
    /// Declared decision kinds; the built-in ones have no definition.
    pub decision_kinds: BTreeMap<String, DecisionKindDef>,
    pub groups: BTreeMap<String, GroupDef>,
    /// Where the text names co-chairs (`permanent P, Q from D`): `chair(d)`
    /// has no single answer.
    pub co_chairs: Option<Def>,
    pub rules: BTreeMap<String, RuleDef<'a>>,
    pub meetings: BTreeMap<String, MeetingRecordDef<'a>>,
    pub decisions: BTreeMap<String, DecisionRecordDef<'a>>,
}

/// An item of a policy or amendment with the file it is in.
#[derive(Debug, Clone, Copy)]
pub struct Located<'a, T> {
    pub file: FileId,
    pub node: &'a T,
    /// The clause block the item sits in, if any.
    pub block: Option<&'a ClauseBlock>,
}

/// Every item of the package's policy and amendments, blocks flattened, in
/// file order (policy first, then amendments in the order given).
pub fn items<'a>(package: &Package<'a>) -> Vec<Located<'a, Item>> {
    let mut out = Vec::new();
    flatten(package.policy_file, &package.policy.items, None, &mut out);
    for (file, amendment) in &package.amendments {
        flatten(*file, &amendment.items, None, &mut out);
    }
    out
}

fn flatten<'a>(file: FileId, items: &'a [Item], block: Option<&'a ClauseBlock>, out: &mut Vec<Located<'a, Item>>) {
    for item in items {
        out.push(Located {
            file,
            node: item,
            block,
        });
        if let Item::Block(inner) = item {
            flatten(file, &inner.items, Some(inner), out);
        }
    }
}

/// Every history record of the package, with its file.
pub fn records<'a>(package: &Package<'a>) -> Vec<(FileId, &'a Record)> {
    package
        .histories
        .iter()
        .flat_map(|(file, history)| history.records.iter().map(move |r| (*file, r)))
        .collect()
}

/// Every party declaration: the policy's and amendments', then those of
/// the history files (parties that first appear in the history).
pub fn party_decls<'a>(package: &Package<'a>) -> Vec<(FileId, &'a PartyDecl)> {
    let mut decls: Vec<(FileId, &'a PartyDecl)> = items(package)
        .into_iter()
        .filter_map(|item| {
            if let Item::Party(decl) = item.node {
                Some((item.file, decl))
            } else {
                None
            }
        })
        .collect();
    decls.extend(records(package).into_iter().filter_map(|(file, record)| {
        if let RecordKind::Party(decl) = &record.kind {
            Some((file, decl))
        } else {
            None
        }
    }));
    decls
}

/// Collects definitions, reporting duplicates.
pub fn collect<'a>(package: &Package<'a>, sink: &mut Sink) -> Env<'a> {
    let mut env = Env::default();
    for kind in BUILTIN_DECISION_KINDS {
        env.decision_kinds
            .insert((*kind).to_string(), DecisionKindDef { id: 0, def: None });
    }
    for (file, decl) in party_decls(package) {
        let reserved = Status::from_name(&decl.id.name).is_some()
            || BUILTIN_DECISION_KINDS.contains(&decl.id.name.as_str())
            || hir::PartyClass::from_keyword(&decl.id.name).is_some();
        if reserved {
            sink.push(
                file,
                ResolveDiagnostic::ReservedPartyName {
                    name: decl.id.name.clone(),
                    span: decl.id.span,
                },
            );
        }
        if let Some(first) = env.parties.get(&decl.id.name) {
            sink.push(
                file,
                ResolveDiagnostic::DuplicateParty {
                    name: decl.id.name.clone(),
                    span: decl.id.span,
                    first: first.def.span_in(file),
                },
            );
        } else {
            let id = env.parties.len() as hir::PartyId;
            env.parties.insert(
                decl.id.name.clone(),
                PartyDef {
                    id,
                    def: Def {
                        file,
                        span: decl.id.span,
                    },
                    decl,
                },
            );
        }
    }
    for item in items(package) {
        let file = item.file;
        match item.node {
            // Collected above, with the history's.
            Item::Party(_) => {}
            Item::Rule(decl) => {
                if ir::Builtin::ALL.iter().any(|b| b.name() == decl.name.name) {
                    sink.push(
                        file,
                        ResolveDiagnostic::RuleNamedLikeBuiltin {
                            name: decl.name.name.clone(),
                            span: decl.name.span,
                        },
                    );
                } else if let Some(first) = env.rules.get(&decl.name.name) {
                    sink.push(
                        file,
                        ResolveDiagnostic::DuplicateRule {
                            name: decl.name.name.clone(),
                            span: decl.name.span,
                            first: first.def.span_in(file),
                        },
                    );
                } else {
                    env.rules.insert(
                        decl.name.name.clone(),
                        RuleDef {
                            id: 0,
                            def: Def {
                                file,
                                span: decl.name.span,
                            },
                            decl,
                        },
                    );
                }
            }
            Item::Stmt(stmt) => match &stmt.kind {
                StmtKind::Meeting(decl) => {
                    // An amendment may restate a meeting kind to change it;
                    // within one file, a second statement is a mistake.
                    match env.meeting_kinds.get(&decl.kind.name) {
                        Some(first) if first.def.file == file => {
                            sink.push(
                                file,
                                ResolveDiagnostic::DuplicateMeeting {
                                    name: decl.kind.name.clone(),
                                    span: decl.kind.span,
                                    first: first.def.span_in(file),
                                },
                            );
                        }
                        Some(_) => {}
                        None => {
                            env.meeting_kinds.insert(
                                decl.kind.name.clone(),
                                MeetingKindDef {
                                    id: 0,
                                    def: Def {
                                        file,
                                        span: decl.kind.span,
                                    },
                                    decl: Some(decl),
                                },
                            );
                        }
                    }
                }
                StmtKind::DecisionKind { kind, .. } => {
                    if let Some(DecisionKindDef { def: Some(first), .. }) = env.decision_kinds.get(&kind.name) {
                        if first.file == file {
                            sink.push(
                                file,
                                ResolveDiagnostic::DuplicateDecisionKind {
                                    name: kind.name.clone(),
                                    span: kind.span,
                                    first: first.span_in(file),
                                },
                            );
                        }
                    } else {
                        env.decision_kinds.insert(
                            kind.name.clone(),
                            DecisionKindDef {
                                id: 0,
                                def: Some(Def { file, span: kind.span }),
                            },
                        );
                    }
                }
                StmtKind::NamedObservers {
                    standing: Some((name, title)),
                    ..
                } => {
                    // A standing is the group of those holding it.
                    declare_group(&mut env.groups, file, name, title.as_ref());
                }
                StmtKind::Members { .. }
                | StmtKind::NamedObservers { .. }
                | StmtKind::Pending { .. }
                | StmtKind::OpenTo { .. }
                | StmtKind::Withdrawal { .. }
                | StmtKind::Designate { .. }
                | StmtKind::HostDuty { .. }
                | StmtKind::SupportUnit { .. }
                | StmtKind::Location { .. }
                | StmtKind::Observers { .. }
                | StmtKind::Invite { .. }
                | StmtKind::Decisions { .. }
                | StmtKind::Seats { .. }
                | StmtKind::Amendments { .. } => {}
                StmtKind::Rotation(items) => {
                    for item in items {
                        if let RotationItemKind::Permanent { parties, .. } = &item.kind {
                            if parties.len() > 1 && env.co_chairs.is_none() {
                                env.co_chairs = Some(Def { file, span: item.span });
                            }
                        }
                    }
                }
                StmtKind::Group { name, title, .. } | StmtKind::Office { name, title, .. } => {
                    // Each statement lists some parties for some dates; the
                    // group is defined by the first, titled by the first
                    // that gives a title. An office is the group of its
                    // holders.
                    declare_group(&mut env.groups, file, name, title.as_ref());
                }
            },
            Item::Block(_) | Item::Test(_) | Item::NonNormative(_) => {}
        }
    }
    for (file, record) in records(package) {
        if let RecordKind::MeetingKind { id, .. } = &record.kind {
            if let Some(first) = env.meeting_kinds.get(&id.name) {
                sink.push(
                    file,
                    ResolveDiagnostic::DuplicateMeeting {
                        name: id.name.clone(),
                        span: id.span,
                        first: first.def.span_in(file),
                    },
                );
            } else {
                env.meeting_kinds.insert(
                    id.name.clone(),
                    MeetingKindDef {
                        id: 0,
                        def: Def { file, span: id.span },
                        decl: None,
                    },
                );
            }
        }
    }
    for (file, record) in records(package) {
        if let RecordKind::Meeting(meeting) = &record.kind {
            if let Some(first) = env.meetings.get(&meeting.id.name) {
                sink.push(
                    file,
                    ResolveDiagnostic::DuplicateRecord {
                        what: "meeting",
                        name: meeting.id.name.clone(),
                        span: meeting.id.span,
                        first: first.def.span_in(file),
                    },
                );
            } else {
                let id = env.meetings.len() as hir::MeetingId;
                env.meetings.insert(
                    meeting.id.name.clone(),
                    MeetingRecordDef {
                        id,
                        def: Def {
                            file,
                            span: meeting.id.span,
                        },
                        record: meeting,
                    },
                );
            }
            for field in &meeting.fields {
                if let MeetingFieldKind::Decision(decision) = &field.kind {
                    if let Some(first) = env.decisions.get(&decision.id.name) {
                        sink.push(
                            file,
                            ResolveDiagnostic::DuplicateRecord {
                                what: "decision",
                                name: decision.id.name.clone(),
                                span: decision.id.span,
                                first: first.def.span_in(file),
                            },
                        );
                    } else {
                        let id = env.decisions.len() as hir::DecisionId;
                        env.decisions.insert(
                            decision.id.name.clone(),
                            DecisionRecordDef {
                                id,
                                def: Def {
                                    file,
                                    span: decision.id.span,
                                },
                                meeting,
                            },
                        );
                    }
                }
            }
        }
    }
    for (id, kind) in env.meeting_kinds.values_mut().enumerate() {
        kind.id = id as hir::MeetingKindId;
    }
    for (id, kind) in env.decision_kinds.values_mut().enumerate() {
        kind.id = id as hir::DecisionKindId;
    }
    for (id, group) in env.groups.values_mut().enumerate() {
        group.id = id as hir::GroupId;
    }
    for (id, rule) in env.rules.values_mut().enumerate() {
        rule.id = id as hir::RuleId;
    }
    env
}

impl<'a> Env<'a> {
    /// The party `ident` names, or an error saying it names none.
    pub fn party(&self, file: FileId, ident: &Ident, sink: &mut Sink) -> Option<hir::PartyId> {
        if let Some(party) = self.parties.get(&ident.name) {
            return Some(party.id);
        }
        sink.push(
            file,
            ResolveDiagnostic::UnknownParty {
                name: ident.name.clone(),
                span: ident.span,
                help: suggest::help(
                    &ident.name,
                    self.parties.keys().map(String::as_str),
                    "declare it with `state`, `organization`, `civil_society` or `private_sector` before using it",
                ),
            },
        );
        None
    }

    /// Every party of a list with its span; all are checked, and `None` if
    /// any is unknown.
    pub fn spanned_parties(
        &self,
        file: FileId,
        list: &[Ident],
        sink: &mut Sink,
    ) -> Option<Vec<hir::Spanned<hir::PartyId>>> {
        let ids: Vec<Option<hir::Spanned<hir::PartyId>>> = list
            .iter()
            .map(|p| {
                self.party(file, p, sink)
                    .map(|node| hir::Spanned { node, span: p.span })
            })
            .collect();
        ids.into_iter().collect()
    }

    /// Every party of a list; all are checked, and `None` if any is unknown.
    pub fn parties(&self, file: FileId, list: &[Ident], sink: &mut Sink) -> Option<Vec<hir::PartyId>> {
        let spanned = self.spanned_parties(file, list, sink)?;
        Some(spanned.into_iter().map(|p| p.node).collect())
    }

    pub fn meeting_kind(&self, file: FileId, ident: &Ident, sink: &mut Sink) -> Option<hir::MeetingKindId> {
        if let Some(kind) = self.meeting_kinds.get(&ident.name) {
            return Some(kind.id);
        }
        sink.push(
            file,
            ResolveDiagnostic::UnknownMeeting {
                name: ident.name.clone(),
                span: ident.span,
                help: suggest::help(
                    &ident.name,
                    self.meeting_kinds.keys().map(String::as_str),
                    "declare it with a `meeting` statement",
                ),
            },
        );
        None
    }

    pub fn group(&self, file: FileId, ident: &Ident, sink: &mut Sink) -> Option<hir::GroupId> {
        if let Some(group) = self.groups.get(&ident.name) {
            return Some(group.id);
        }
        sink.push(
            file,
            ResolveDiagnostic::UnknownGroup {
                name: ident.name.clone(),
                span: ident.span,
                help: suggest::help(
                    &ident.name,
                    self.groups.keys().map(String::as_str),
                    "declare it with a `group` statement listing its parties (`group NAME \"TITLE\" P, ... from DATE`)",
                ),
            },
        );
        None
    }

    pub fn decision_kind(&self, file: FileId, ident: &Ident, sink: &mut Sink) -> Option<hir::DecisionKindId> {
        if let Some(kind) = self.decision_kinds.get(&ident.name) {
            return Some(kind.id);
        }
        sink.push(
            file,
            ResolveDiagnostic::UnknownDecisionKind {
                name: ident.name.clone(),
                span: ident.span,
                help: suggest::help(
                    &ident.name,
                    self.decision_kinds.keys().map(String::as_str),
                    "declare it with a `decision` statement",
                ),
            },
        );
        None
    }

    pub fn meeting_record(&self, file: FileId, ident: &Ident, sink: &mut Sink) -> Option<&MeetingRecordDef<'a>> {
        let found = self.meetings.get(&ident.name);
        if found.is_none() {
            sink.push(
                file,
                ResolveDiagnostic::UnknownRecord {
                    what: "meeting",
                    name: ident.name.clone(),
                    span: ident.span,
                    help: suggest::help(
                        &ident.name,
                        self.meetings.keys().map(String::as_str),
                        "record the meeting in the policy's history file",
                    ),
                },
            );
        }
        found
    }

    pub fn decision_record(&self, file: FileId, ident: &Ident, sink: &mut Sink) -> Option<&DecisionRecordDef<'a>> {
        let found = self.decisions.get(&ident.name);
        if found.is_none() {
            sink.push(
                file,
                ResolveDiagnostic::UnknownRecord {
                    what: "decision",
                    name: ident.name.clone(),
                    span: ident.span,
                    help: suggest::help(
                        &ident.name,
                        self.decisions.keys().map(String::as_str),
                        "record the decision inside its meeting in the history file",
                    ),
                },
            );
        }
        found
    }

    /// What a bare name in an expression that is not a local variable
    /// stands for, with its type.
    pub fn global(&self, name: &str) -> Option<(Type, hir::ExprKind)> {
        if let Some(p) = self.parties.get(name) {
            Some((Type::Party, hir::ExprKind::Party(p.id)))
        } else if let Some(k) = self.meeting_kinds.get(name) {
            Some((Type::MeetingKind, hir::ExprKind::MeetingKind(k.id)))
        } else if let Some(k) = self.decision_kinds.get(name) {
            Some((Type::DecisionKind, hir::ExprKind::DecisionKind(k.id)))
        } else if let Some(s) = Status::from_name(name) {
            Some((Type::Status, hir::ExprKind::Status(s)))
        } else if let Some(g) = self.groups.get(name) {
            Some((Type::Group, hir::ExprKind::Group(g.id)))
        } else if let Some(m) = self.meetings.get(name) {
            Some((Type::Meeting, hir::ExprKind::Meeting(m.id)))
        } else {
            self.decisions
                .get(name)
                .map(|d| (Type::Decision, hir::ExprKind::Decision(d.id)))
        }
    }

    /// Every global name, for "did you mean".
    pub fn global_names(&self) -> Vec<&str> {
        self.parties
            .keys()
            .chain(self.meeting_kinds.keys())
            .chain(self.decision_kinds.keys())
            .chain(self.groups.keys())
            .chain(self.meetings.keys())
            .chain(self.decisions.keys())
            .map(String::as_str)
            .chain(Status::ALL.iter().map(|s| s.name()))
            .collect()
    }
}

/// A calendar day with its span, or `None` for a literal off the calendar.
fn spanned_day(d: &DateLit) -> Option<hir::Spanned<ir::Day>> {
    day(d).map(|node| hir::Spanned { node, span: d.span })
}

/// A statement's period as derivations use it (each day the bound, or a
/// window's first) and how precisely the text gives it; `None` for a date
/// off the calendar.
type Period = (hir::Spanned<ir::Day>, Option<hir::Spanned<ir::Day>>, ir::Dating);

fn period(from: &DateSpec, until: Option<&DateSpec>) -> Option<Period> {
    let until = match until {
        Some(u) => Some((spanned_day(&u.date)?, precision(u.precision)?)),
        None => None,
    };
    Some((
        spanned_day(&from.date)?,
        until.map(|(day, _)| day),
        ir::Dating {
            from: precision(from.precision)?,
            until: until.map_or(ir::Precision::Exact, |(_, p)| p),
        },
    ))
}

/// A group a statement names: defined by the first statement, titled by
/// the first that gives a title.
fn declare_group(groups: &mut BTreeMap<String, GroupDef>, file: FileId, name: &Ident, title: Option<&Str>) {
    let entry = groups.entry(name.name.clone()).or_insert(GroupDef {
        id: 0,
        def: Def { file, span: name.span },
        title: None,
    });
    if entry.title.is_none() {
        entry.title = title.map(|t| t.value.clone());
    }
}

/// An office's or the Support Unit's period, either end optional.
type OptionalPeriod = (Option<hir::Spanned<ir::Day>>, Option<hir::Spanned<ir::Day>>, ir::Dating);

fn optional_period(from: Option<&DateSpec>, until: Option<&DateSpec>) -> Option<OptionalPeriod> {
    let end = |spec: Option<&DateSpec>| -> Option<Option<(hir::Spanned<ir::Day>, ir::Precision)>> {
        match spec {
            Some(s) => Some(Some((spanned_day(&s.date)?, precision(s.precision)?))),
            None => Some(None),
        }
    };
    let (from, until) = (end(from)?, end(until)?);
    Some((
        from.map(|(d, _)| d),
        until.map(|(d, _)| d),
        ir::Dating {
            from: from.map_or(ir::Precision::Exact, |(_, p)| p),
            until: until.map_or(ir::Precision::Exact, |(_, p)| p),
        },
    ))
}

/// A calendar day, or `None` for a literal off the calendar (`wellformed`
/// reports those).
pub fn day(d: &DateLit) -> Option<ir::Day> {
    date::from_ymd(d.year, d.month, d.day)
}

pub fn duration(d: &DurationLit) -> ir::Duration {
    ir::Duration {
        amount: d.amount,
        unit: match d.unit {
            DurationUnit::Days => ir::Unit::Days,
            DurationUnit::Months => ir::Unit::Months,
            DurationUnit::Years => ir::Unit::Years,
        },
    }
}

/// `None` where a window's last day is not on the calendar (reported).
fn precision(p: DatePrecision) -> Option<ir::Precision> {
    Some(match p {
        DatePrecision::Exact => ir::Precision::Exact,
        DatePrecision::NoLaterThan => ir::Precision::NoLaterThan,
        DatePrecision::NoEarlierThan => ir::Precision::NoEarlierThan,
        DatePrecision::InMonth => ir::Precision::InMonth,
        DatePrecision::InYear => ir::Precision::InYear,
        DatePrecision::Between(latest) => ir::Precision::Between { latest: day(&latest)? },
    })
}

/// `source "doc" para 12` as the report prints it.
fn source_text(s: &SourceRef) -> String {
    match &s.paragraph {
        Some(p) => format!("{}, {}", s.document.value, p.value),
        None => s.document.value.clone(),
    }
}

/// Resolves every name a header, party declaration, statement or history
/// record uses (expressions are the type checker's), reporting each one
/// that names nothing. `None` if anything failed to resolve: then an error
/// was reported here, or by `wellformed` for a date off the calendar or a
/// missing adoption date.
pub fn resolve(package: &Package<'_>, env: &Env<'_>, sink: &mut Sink) -> Result<hir::Resolved, hir::Partial> {
    let r = Resolver {
        env,
        sink,
        interim: interim_arrangements(package),
    };
    r.package(package)
}

/// The clause blocks of the policy and its amendments, in file order.
fn blocks(package: &Package<'_>) -> Vec<hir::Block> {
    items(package)
        .into_iter()
        .filter_map(|item| match item.node {
            Item::Block(block) => Some(hir::Block {
                file: item.file,
                clause: hir::Spanned {
                    node: block.clause.text.clone(),
                    span: block.clause.span,
                },
                quotes: block
                    .quotes
                    .iter()
                    .map(|q| hir::Spanned {
                        node: q.value.clone(),
                        span: q.span,
                    })
                    .collect(),
                non_normative: block.items.iter().find_map(|i| match i {
                    Item::NonNormative(reason) => Some(reason.value.clone()),
                    Item::Party(_) | Item::Block(_) | Item::Rule(_) | Item::Test(_) | Item::Stmt(_) => None,
                }),
                encodes_rules: block.items.iter().any(|i| matches!(i, Item::Stmt(_) | Item::Rule(_))),
            }),
            Item::Party(_) | Item::Rule(_) | Item::Test(_) | Item::Stmt(_) | Item::NonNormative(_) => None,
        })
        .collect()
}

struct Resolver<'e, 'a, 's> {
    env: &'e Env<'a>,
    sink: &'s mut Sink,
    /// The arrangements the policy makes pending further decision, by the
    /// name a `further` decision gives them.
    interim: Vec<&'static str>,
}

/// The arrangements a policy or its amendments make pending further
/// decision: the Support Unit (its composition or its location).
fn interim_arrangements(package: &Package<'_>) -> Vec<&'static str> {
    let pending = items(package).into_iter().any(|item| match item.node {
        Item::Stmt(Stmt {
            kind:
                StmtKind::SupportUnit {
                    pending_further_decision,
                    ..
                }
                | StmtKind::Location {
                    pending_further_decision,
                    ..
                },
            ..
        }) => *pending_further_decision,
        Item::Party(_) | Item::Block(_) | Item::Rule(_) | Item::Test(_) | Item::Stmt(_) | Item::NonNormative(_) => {
            false
        }
    });
    if pending {
        vec!["support_unit"]
    } else {
        Vec::new()
    }
}

/// The marks a record gives for being inferred, as one: the date only (or
/// the host only) when every mark says so.
fn inferred_text(marks: &[Inferred]) -> Option<ir::Inferred> {
    (!marks.is_empty()).then(|| ir::Inferred {
        date_only: marks.iter().all(|m| m.date_only),
        host_only: marks.iter().all(|m| m.host_only),
        why: marks
            .iter()
            .map(|m| m.why.value.as_str())
            .collect::<Vec<_>>()
            .join("; "),
    })
}

impl Resolver<'_, '_, '_> {
    /// The package's resolved tree, or, where some part does not resolve,
    /// the parts that do (each failing part reported an error).
    fn package(mut self, package: &Package<'_>) -> Result<hir::Resolved, hir::Partial> {
        let header = &package.policy.header;
        let adopted = header.fields.iter().find_map(|f| match f {
            HeaderField::Adopted(d) => Some(day(d)),
            HeaderField::Ref(_)
            | HeaderField::Source(_)
            | HeaderField::Headings(_)
            | HeaderField::Covers(_)
            | HeaderField::Expect { .. } => None,
        });
        let reference = header.fields.iter().find_map(|f| match f {
            HeaderField::Ref(r) => Some(r.value.clone()),
            HeaderField::Adopted(_)
            | HeaderField::Source(_)
            | HeaderField::Headings(_)
            | HeaderField::Covers(_)
            | HeaderField::Expect { .. } => None,
        });
        let source = header.fields.iter().find_map(|f| match f {
            HeaderField::Source(s) => Some(hir::Spanned {
                node: s.value.clone(),
                span: s.span,
            }),
            HeaderField::Adopted(_)
            | HeaderField::Ref(_)
            | HeaderField::Headings(_)
            | HeaderField::Covers(_)
            | HeaderField::Expect { .. } => None,
        });
        let mut headings = Some(hir::Headings::default());
        let mut covers = Vec::new();
        for field in &header.fields {
            match field {
                HeaderField::Headings(word) => {
                    headings = hir::Headings::ALL
                        .iter()
                        .find(|(name, _)| *name == word.name)
                        .map(|(_, h)| *h);
                    if headings.is_none() {
                        self.sink.push(
                            package.policy_file,
                            ResolveDiagnostic::UnknownHeadings {
                                name: word.name.clone(),
                                span: word.span,
                            },
                        );
                    }
                }
                HeaderField::Covers(list) => covers = list.iter().map(|c| c.value.clone()).collect(),
                HeaderField::Expect { code, .. } => {
                    let known = crate::codes::all().into_iter().find(|c| c.code == code.value);
                    if known
                        .as_ref()
                        .is_none_or(|c| c.severity != charter_grammar::Severity::Warning)
                    {
                        self.sink.push(
                            package.policy_file,
                            ResolveDiagnostic::BadExpect {
                                code: code.value.clone(),
                                error: known.is_some(),
                                span: code.span,
                            },
                        );
                    }
                }
                HeaderField::Ref(_) | HeaderField::Adopted(_) | HeaderField::Source(_) => {}
            }
        }
        let parties: Vec<Option<ir::Party>> = party_decls(package)
            .into_iter()
            .filter(|(_, decl)| {
                self.env
                    .parties
                    .get(&decl.id.name)
                    .is_some_and(|p| std::ptr::eq(p.decl, *decl))
            })
            .map(|(file, decl)| self.party_decl(file, decl))
            .collect();
        let base = self.statements(package.policy_file, &package.policy.items);
        let amendments: Vec<Option<hir::Amendment>> = package
            .amendments
            .iter()
            .map(|(file, amendment)| self.amendment(*file, amendment, package))
            .collect();
        let meetings: Vec<Option<hir::MeetingRecord>> = records(package)
            .into_iter()
            .enumerate()
            .filter_map(|(position, (file, record))| match &record.kind {
                RecordKind::Meeting(meeting) => Some(self.meeting_record(file, position, meeting, &record.sources)),
                RecordKind::MeetingKind { .. }
                | RecordKind::Application { .. }
                | RecordKind::Extension { .. }
                | RecordKind::Decline { .. }
                | RecordKind::Designation { .. }
                | RecordKind::SilenceBroken { .. }
                | RecordKind::Handover { .. }
                | RecordKind::RoleTaken { .. }
                | RecordKind::Vacancy { .. }
                | RecordKind::Joined { .. }
                | RecordKind::Candidacy { .. }
                | RecordKind::Status { .. }
                | RecordKind::Party(_)
                | RecordKind::Snapshot { .. }
                | RecordKind::Composition { .. }
                | RecordKind::Note { .. }
                | RecordKind::Test(_) => None,
            })
            .collect();
        let events: Vec<Option<hir::Event>> = records(package)
            .into_iter()
            .enumerate()
            .filter_map(|(position, (file, record))| self.event(file, position, record))
            .collect();
        let complete = adopted.flatten().is_some()
            && headings.is_some()
            && base.iter().all(Option::is_some)
            && parties.iter().all(Option::is_some)
            && amendments.iter().all(Option::is_some)
            && meetings.iter().all(Option::is_some)
            && events.iter().all(Option::is_some);
        if !complete {
            return Err(hir::Partial {
                parties,
                base,
                amendments,
                meetings,
                events,
            });
        }
        let resolved = || -> Option<hir::Resolved> {
            Some(hir::Resolved {
                policy_file: package.policy_file,
                title: header.title.value.clone(),
                title_span: header.title.span,
                reference,
                adopted: adopted??,
                source,
                headings: headings?,
                covers,
                blocks: blocks(package),
                meeting_kinds: self.env.meeting_kinds.keys().cloned().collect(),
                groups: self
                    .env
                    .groups
                    .iter()
                    .map(|(name, g)| hir::Group {
                        name: name.clone(),
                        title: g.title.clone().unwrap_or_else(|| name.clone()),
                    })
                    .collect(),
                outside_kinds: records(package)
                    .into_iter()
                    .filter_map(|(file, record)| {
                        let RecordKind::MeetingKind { id, name } = &record.kind else {
                            return None;
                        };
                        self.env
                            .meeting_kinds
                            .get(&id.name)
                            .filter(|k| k.decl.is_none() && k.def.file == file && k.def.span == id.span)
                            .map(|k| ir::OutsideKind {
                                kind: k.id,
                                name: name.value.clone(),
                                sources: record.sources.iter().map(source_text).collect(),
                            })
                    })
                    .collect(),
                decision_kinds: self.env.decision_kinds.keys().cloned().collect(),
                parties: parties.into_iter().collect::<Option<_>>()?,
                base: base.into_iter().collect::<Option<_>>()?,
                amendments: amendments.into_iter().collect::<Option<_>>()?,
                meetings: meetings.into_iter().collect::<Option<_>>()?,
                events: events.into_iter().collect::<Option<_>>()?,
            })
        };
        // Every part resolved (checked above), so this is `Some`.
        resolved().ok_or_else(hir::Partial::default)
    }

    fn party_decl(&mut self, file: FileId, decl: &PartyDecl) -> Option<ir::Party> {
        let kind = declared_kind(decl);
        if kind.is_none() {
            match (decl.kind, &decl.org_kind) {
                (PartyKind::Organization, Some(kind)) => self.sink.push(
                    file,
                    ResolveDiagnostic::UnknownOrgKind {
                        kind: kind.name.clone(),
                        span: kind.span,
                        help: suggest::help(
                            &kind.name,
                            ["international", "regional"],
                            "an organization is `international` or `regional`",
                        ),
                    },
                ),
                (PartyKind::State | PartyKind::CivilSociety | PartyKind::PrivateSector, Some(kind)) => {
                    self.sink.push(
                        file,
                        ResolveDiagnostic::KindOnNonOrganization {
                            party: decl.id.name.clone(),
                            span: kind.span,
                        },
                    );
                }
                // Every declaration with no `kind` has a kind.
                (
                    PartyKind::State | PartyKind::Organization | PartyKind::CivilSociety | PartyKind::PrivateSector,
                    None,
                ) => {}
            }
        }
        let sort =
            |s: &Option<Str>, official: &Str| s.as_ref().map_or_else(|| official.value.clone(), |s| s.value.clone());
        let mut names = vec![Some(ir::PartyName {
            from: ir::Day::MIN,
            official: decl.official_name.value.clone(),
            sort: sort(&decl.sort_name, &decl.official_name),
        })];
        for rename in &decl.renames {
            names.push(day(&rename.on).map(|from| ir::PartyName {
                from,
                official: rename.official_name.value.clone(),
                sort: sort(&rename.sort_name, &rename.official_name),
            }));
        }
        Some(ir::Party {
            id: decl.id.name.clone(),
            kind: kind?,
            names: names.into_iter().collect::<Option<_>>()?,
        })
    }

    /// The statements of `list`, each `None` where it does not resolve.
    fn statements(&mut self, file: FileId, list: &[Item]) -> Vec<Option<hir::Statement>> {
        let mut flat = Vec::new();
        flatten(file, list, None, &mut flat);
        flat.into_iter()
            .filter_map(|item| match item.node {
                Item::Stmt(stmt) => Some(self.statement(file, stmt, item.block)),
                Item::Party(_) | Item::Block(_) | Item::Rule(_) | Item::Test(_) | Item::NonNormative(_) => None,
            })
            .collect()
    }

    fn amendment(&mut self, file: FileId, amendment: &AmendmentFile, package: &Package<'_>) -> Option<hir::Amendment> {
        let amend_by: Vec<&str> = items(package)
            .iter()
            .filter(|i| i.file == package.policy_file)
            .filter_map(|i| match i.node {
                Item::Stmt(Stmt {
                    kind: StmtKind::Amendments { by },
                    ..
                }) => Some(by),
                Item::Party(_)
                | Item::Block(_)
                | Item::Rule(_)
                | Item::Test(_)
                | Item::Stmt(_)
                | Item::NonNormative(_) => None,
            })
            .flatten()
            .map(|k| k.name.as_str())
            .collect();
        let meeting = self.env.meeting_record(file, &amendment.meeting, self.sink);
        let mut adopted_on = None;
        if let Some(meeting) = meeting {
            let mut kind = None;
            for field in &meeting.record.fields {
                match &field.kind {
                    MeetingFieldKind::Kind(k) => {
                        kind.get_or_insert(k.name.as_str());
                    }
                    MeetingFieldKind::Date(spec) => adopted_on = day(&spec.date),
                    MeetingFieldKind::Until(_)
                    | MeetingFieldKind::Place(_)
                    | MeetingFieldKind::Host(_)
                    | MeetingFieldKind::Present { .. }
                    | MeetingFieldKind::Observers(_)
                    | MeetingFieldKind::Source(_)
                    | MeetingFieldKind::Inferred(_)
                    | MeetingFieldKind::Decision(_) => {}
                }
            }
            if let Some(kind) = kind.filter(|k| !amend_by.contains(k)) {
                let allowed = if amend_by.is_empty() {
                    "the policy names no meeting kind that may amend it; add `amendments by KIND`".to_string()
                } else {
                    format!("the policy may be amended by {} meetings only", backticked(&amend_by))
                };
                self.sink.push(
                    file,
                    ResolveDiagnostic::AmendmentNotAuthorized {
                        meeting: amendment.meeting.name.clone(),
                        kind: kind.to_string(),
                        span: amendment.meeting.span,
                        help: allowed,
                    },
                );
            }
        }
        let mut decision = None;
        if meeting.is_some() {
            if let Some(found) = self.env.decision_record(file, &amendment.decision, self.sink) {
                if found.meeting.id.name == amendment.meeting.name {
                    decision = Some(found.id);
                } else {
                    self.sink.push(
                        file,
                        ResolveDiagnostic::DecisionAtOtherMeeting {
                            decision: amendment.decision.name.clone(),
                            meeting: amendment.meeting.name.clone(),
                            recorded_at: found.meeting.id.name.clone(),
                            span: amendment.decision.span,
                        },
                    );
                }
            }
        }
        let statements = self.statements(file, &amendment.items);
        Some(hir::Amendment {
            file,
            title: amendment.title.value.clone(),
            meeting: meeting?.id,
            decision: decision?,
            decision_name: amendment.decision.name.clone(),
            decision_span: amendment.decision.span,
            adopted_on: adopted_on?,
            statements: statements.into_iter().collect::<Option<_>>()?,
        })
    }

    /// `may speak, decide [at K, ...]`: each right known, each kind declared.
    fn observer_rights(&mut self, file: FileId, rights: &ObserverRights) -> Option<ir::ObserverRights> {
        const RIGHTS: [&str; 3] = ["attend", "speak", "decide"];
        let mut ok = true;
        for right in &rights.rights {
            if !RIGHTS.contains(&right.name.as_str()) {
                ok = false;
                self.sink.push(
                    file,
                    ResolveDiagnostic::UnknownRight {
                        name: right.name.clone(),
                        span: right.span,
                        help: suggest::help(
                            &right.name,
                            RIGHTS,
                            "observers may be given `attend` (they always may), `speak` and `decide` (take part in decisions)",
                        ),
                    },
                );
            }
        }
        let at: Vec<Option<ir::MeetingKindId>> = rights
            .at
            .iter()
            .map(|k| self.env.meeting_kind(file, k, self.sink))
            .collect();
        let at = at.into_iter().collect::<Option<Vec<_>>>()?;
        let has = |name: &str| rights.rights.iter().any(|r| r.name == name);
        ok.then(|| ir::ObserverRights {
            speak: has("speak"),
            decide: has("decide"),
            at,
        })
    }

    fn statement(&mut self, file: FileId, stmt: &Stmt, block: Option<&ClauseBlock>) -> Option<hir::Statement> {
        let env = self.env;
        let kind = match &stmt.kind {
            StmtKind::Members { parties, from, until } => {
                let parties = env.spanned_parties(file, parties, self.sink);
                let (from, until, dating) = period(from, until.as_ref())?;
                hir::StatementKind::Roster {
                    parties: parties?,
                    classes: Vec::new(),
                    kind: hir::Membership::Member { from, until, dating },
                    rights: None,
                    standing: None,
                }
            }
            StmtKind::Group {
                name,
                parties,
                from,
                until,
                ..
            } => {
                let group = env.group(file, name, self.sink);
                let parties = env.spanned_parties(file, parties, self.sink);
                let (from, until, dating) = optional_period(from.as_ref(), until.as_ref())?;
                hir::StatementKind::Group {
                    group: group?,
                    parties: parties?,
                    from,
                    until,
                    dating,
                }
            }
            StmtKind::Office {
                name,
                title,
                holders,
                from,
                until,
            } => {
                let group = env.group(file, name, self.sink);
                let named: Vec<Ident> = holders
                    .iter()
                    .filter_map(|h| match h {
                        Holder::Party(p) => Some(p.clone()),
                        Holder::Chair { .. } => None,
                    })
                    .collect();
                let parties = env.spanned_parties(file, &named, self.sink);
                let roles = holders
                    .iter()
                    .filter_map(|h| match h {
                        Holder::Chair { role, .. } => Some(match role {
                            ChairRole::Outgoing => ir::ChairRole::Outgoing,
                            ChairRole::Current => ir::ChairRole::Current,
                            ChairRole::Incoming => ir::ChairRole::Incoming,
                        }),
                        Holder::Party(_) => None,
                    })
                    .collect();
                let (from, until, dating) = optional_period(from.as_ref(), until.as_ref())?;
                hir::StatementKind::Office {
                    group: group?,
                    title: title
                        .as_ref()
                        .map_or_else(|| format!("the office `{}`", name.name), |t| t.value.clone()),
                    parties: parties?,
                    roles,
                    from,
                    until,
                    dating,
                }
            }
            StmtKind::Seats {
                group,
                count,
                count_span,
                of,
                from,
                until,
            } => {
                let group = env.group(file, group, self.sink);
                let of: Vec<Option<hir::GroupId>> = of.iter().map(|g| env.group(file, g, self.sink)).collect();
                let until = until.as_ref().map(spanned_day);
                if *count <= 0 {
                    self.sink
                        .push(file, ResolveDiagnostic::InvalidSeats { span: *count_span });
                    return None;
                }
                hir::StatementKind::Seats {
                    group: group?,
                    count: hir::Spanned {
                        node: *count,
                        span: *count_span,
                    },
                    of: of.into_iter().collect::<Option<Vec<_>>>()?,
                    from: spanned_day(from)?,
                    until: until.map_or(Some(None), |u| u.map(Some))?,
                }
            }
            StmtKind::NamedObservers {
                parties,
                from,
                until,
                standing,
                rights,
            } => {
                // A class named as a whole (`observers civil_society from
                // D`), where no party is declared by that name.
                let (classes, named): (Vec<&Ident>, Vec<&Ident>) = parties.iter().partition(|p| {
                    !env.parties.contains_key(&p.name) && hir::PartyClass::from_keyword(&p.name).is_some()
                });
                let named: Vec<Ident> = named.into_iter().cloned().collect();
                let classes: Vec<hir::PartyClass> = classes
                    .into_iter()
                    .filter_map(|c| hir::PartyClass::from_keyword(&c.name))
                    .collect();
                let parties = env.spanned_parties(file, &named, self.sink);
                let rights = rights.as_ref().map(|r| self.observer_rights(file, r));
                let standing = standing.as_ref().map(|(name, _)| env.group(file, name, self.sink));
                let (from, until, dating) = period(from, until.as_ref())?;
                hir::StatementKind::Roster {
                    parties: parties?,
                    classes,
                    kind: hir::Membership::Observer { from, until, dating },
                    rights: rights.map_or(Some(None), |r| r.map(Some))?,
                    standing: standing.map_or(Some(None), |g| g.map(Some))?,
                }
            }
            StmtKind::Pending { parties, deadline } => {
                let parties = env.spanned_parties(file, parties, self.sink);
                hir::StatementKind::Roster {
                    parties: parties?,
                    classes: Vec::new(),
                    kind: hir::Membership::Pending {
                        deadline: spanned_day(deadline)?,
                    },
                    rights: None,
                    standing: None,
                }
            }
            StmtKind::OpenTo { parties } => hir::StatementKind::Roster {
                parties: env.spanned_parties(file, parties, self.sink)?,
                classes: Vec::new(),
                kind: hir::Membership::Open,
                rights: None,
                standing: None,
            },
            StmtKind::Withdrawal { party, on } => {
                let parties = env.spanned_parties(file, std::slice::from_ref(party), self.sink);
                hir::StatementKind::Roster {
                    parties: parties?,
                    classes: Vec::new(),
                    kind: hir::Membership::Withdrawal {
                        on: spanned_day(&on.date)?,
                        precision: precision(on.precision)?,
                    },
                    rights: None,
                    standing: None,
                }
            }
            StmtKind::HostDuty { strength, kind } => {
                let strength = self.strength(file, strength);
                let kind = env.meeting_kind(file, kind, self.sink);
                hir::StatementKind::HostDuty {
                    strength: strength?,
                    kind: kind?,
                }
            }
            StmtKind::Designate {
                subject,
                strength,
                role,
            } => hir::StatementKind::Designate {
                subject: *subject,
                strength: self.strength(file, strength)?,
                role: role.name.clone(),
            },
            StmtKind::Rotation(items) => {
                let items: Vec<Option<hir::Spanned<hir::RotationItem>>> = items
                    .iter()
                    .map(|item| {
                        self.rotation_item(file, item)
                            .map(|node| hir::Spanned { node, span: item.span })
                    })
                    .collect();
                hir::StatementKind::Rotation(items.into_iter().collect::<Option<_>>()?)
            }
            StmtKind::SupportUnit {
                parties,
                from,
                until,
                period,
                pending_further_decision,
                after_period,
            } => {
                let (from, until, dating) = optional_period(from.as_ref(), until.as_ref())?;
                hir::StatementKind::SupportUnit {
                    parties: env.parties(file, parties, self.sink)?,
                    from: from.map(|d| d.node),
                    until: until.map(|d| d.node),
                    dating,
                    period: period.as_ref().map(|p| hir::Spanned {
                        node: duration(p),
                        span: p.span,
                    }),
                    pending_further_decision: *pending_further_decision,
                    after_period: *after_period,
                }
            }
            StmtKind::Location {
                place,
                provided_by,
                pending_further_decision,
            } => {
                let provided_by = provided_by.as_ref().map(|p| env.party(file, p, self.sink));
                hir::StatementKind::Location {
                    place: place.value.clone(),
                    provided_by: provided_by.map_or(Some(None), |p| p.map(Some))?,
                    pending_further_decision: *pending_further_decision,
                }
            }
            StmtKind::Observers {
                classes,
                by,
                written,
                rights,
            } => {
                let classes = self.classes(file, classes);
                let by = self.decision_rule(file, by);
                let rights = rights.as_ref().map(|r| self.observer_rights(file, r));
                hir::StatementKind::Observers {
                    classes: classes?,
                    by: by?,
                    written_application: *written,
                    rights: rights.map_or(Some(None), |r| r.map(Some))?,
                }
            }
            StmtKind::Invite { classes, by } => {
                let classes = self.classes(file, classes);
                let by = self.decision_rule(file, by);
                hir::StatementKind::Invite {
                    classes: classes?,
                    by: by?,
                }
            }
            StmtKind::Meeting(decl) => {
                let kind = env.meeting_kind(file, &decl.kind, self.sink);
                let body = match &decl.body {
                    None => Some(None),
                    Some(g) => env.group(file, g, self.sink).map(Some),
                };
                let host = match &decl.host {
                    None => Some(None),
                    Some(HostRule::Chair(_)) => Some(Some(hir::Host::Chair)),
                    Some(HostRule::Party(p)) => env.party(file, p, self.sink).map(|p| Some(hir::Host::Party(p))),
                };
                let cadence = match &decl.cadence {
                    None => Some(None),
                    Some(c) => {
                        let strength = self.strength(file, &c.strength);
                        let anchor = c.anchor.as_ref().map(day);
                        (|| {
                            let spanned = |d: &DurationLit| hir::Spanned {
                                node: duration(d),
                                span: d.span,
                            };
                            Some(Some(hir::Cadence {
                                strength: strength?,
                                every: spanned(c.to.as_ref().unwrap_or(&c.every)),
                                at_least: c.to.as_ref().map(|_| spanned(&c.every)),
                                anchor: anchor.map_or(Some(None), |a| a.map(Some))?,
                                per_member: c.per_member,
                            }))
                        })()
                    }
                };
                hir::StatementKind::Meeting(hir::MeetingDecl {
                    kind: kind?,
                    body: body?,
                    cadence: cadence?,
                    host: host?,
                })
            }
            StmtKind::Decisions {
                by,
                of_members_present,
                of_all_members,
                with_observers,
                quorum,
                at,
            } => {
                let rule = self.general_rule(file, by);
                let quorum = quorum.as_ref().map(|q| self.quorum(file, q));
                let at: Vec<Option<hir::MeetingKindId>> =
                    at.iter().map(|k| env.meeting_kind(file, k, self.sink)).collect();
                hir::StatementKind::Decisions {
                    rule: hir::Spanned {
                        node: rule?,
                        span: by.span(),
                    },
                    of_members_present: *of_members_present,
                    of_all_members: *of_all_members,
                    with_observers: *with_observers,
                    quorum: quorum.map_or(Some(None), |q| q.map(Some))?,
                    at: at.into_iter().collect::<Option<Vec<_>>>()?,
                }
            }
            StmtKind::DecisionKind { kind, reserved_to } => {
                let decision = env.decision_kind(file, kind, self.sink);
                let meetings: Vec<Option<hir::MeetingKindId>> = reserved_to
                    .iter()
                    .map(|k| env.meeting_kind(file, k, self.sink))
                    .collect();
                hir::StatementKind::Reserve {
                    decision: decision?,
                    meetings: meetings.into_iter().collect::<Option<_>>()?,
                }
            }
            StmtKind::Amendments { by } => {
                let meetings: Vec<Option<hir::MeetingKindId>> =
                    by.iter().map(|k| env.meeting_kind(file, k, self.sink)).collect();
                hir::StatementKind::Reserve {
                    decision: env.decision_kinds.get("amendment")?.id,
                    meetings: meetings.into_iter().collect::<Option<_>>()?,
                }
            }
        };
        Some(hir::Statement {
            kind,
            cite: ir::Cite {
                clause: block.map(|b| b.clause.text.clone()).unwrap_or_default(),
                quote: block.and_then(|b| b.quotes.first()).map(|q| q.value.clone()),
            },
            file,
            span: stmt.span,
        })
    }

    fn rotation_item(&mut self, file: FileId, item: &RotationItem) -> Option<hir::RotationItem> {
        Some(match &item.kind {
            RotationItemKind::EligibleMembers => hir::RotationItem::EligibleMembers,
            // `eligible council`: one name that is a group and not a party.
            RotationItemKind::EligibleParties(list) if matches!(list.as_slice(), [one] if !self.env.parties.contains_key(&one.name) && self.env.groups.contains_key(&one.name)) =>
            {
                let [one] = list.as_slice() else {
                    return None;
                };
                hir::RotationItem::EligibleGroup(self.env.group(file, one, self.sink)?)
            }
            RotationItemKind::EligibleParties(list) => {
                hir::RotationItem::EligibleParties(self.env.parties(file, list, self.sink)?)
            }
            RotationItemKind::First { party, from } => {
                let id = self.env.party(file, party, self.sink);
                hir::RotationItem::First {
                    party: hir::Spanned {
                        node: id?,
                        span: party.span,
                    },
                    from: spanned_day(from)?,
                }
            }
            RotationItemKind::Term { length, from } => {
                let from = from.as_ref().map(day);
                hir::RotationItem::Term {
                    length: duration(length),
                    from: from.map_or(Some(None), |f| f.map(Some))?,
                }
            }
            RotationItemKind::Voluntary => hir::RotationItem::Voluntary,
            RotationItemKind::Permanent {
                parties,
                co_chairs,
                vice_chairs,
                from,
            } => {
                let parties = self.env.spanned_parties(file, parties, self.sink);
                let co_chairs = self.env.spanned_parties(file, co_chairs, self.sink);
                let vice_chairs = self.env.spanned_parties(file, vice_chairs, self.sink);
                hir::RotationItem::Permanent {
                    parties: parties?,
                    co_chairs: co_chairs?,
                    vice_chairs: vice_chairs?,
                    from: spanned_day(from)?,
                }
            }
            RotationItemKind::Designated { by: None } => hir::RotationItem::Designated { by: None },
            RotationItemKind::Designated {
                by: Some((decision, meeting)),
            } => {
                let decision = self.env.decision_kind(file, decision, self.sink);
                let meeting = self.env.meeting_kind(file, meeting, self.sink);
                hir::RotationItem::Designated {
                    by: Some(ir::DesignatedBy {
                        decision: decision?,
                        meeting: meeting?,
                    }),
                }
            }
            RotationItemKind::Candidacy { before } => hir::RotationItem::Candidacy(duration(before)),
            RotationItemKind::AllDecline { outgoing_stays } => hir::RotationItem::AllDecline {
                outgoing_stays: *outgoing_stays,
            },
            RotationItemKind::OrderAlternating(groups) => {
                let ids: Vec<Option<hir::GroupId>> =
                    groups.iter().map(|g| self.env.group(file, g, self.sink)).collect();
                hir::RotationItem::Alternating(ids.into_iter().collect::<Option<Vec<_>>>()?)
            }
            RotationItemKind::OrderFixed(list) => {
                hir::RotationItem::FixedOrder(self.env.spanned_parties(file, list, self.sink)?)
            }
            RotationItemKind::OrderAlphabetical { language } => {
                if language.name == "english" {
                    hir::RotationItem::Order(hir::Collation::English)
                } else {
                    self.sink.push(
                        file,
                        ResolveDiagnostic::UnknownLanguage {
                            language: language.name.clone(),
                            span: language.span,
                            help: suggest::help(
                                &language.name,
                                ["english"],
                                "Charter collates in `english` (English alphabetical order)",
                            ),
                        },
                    );
                    return None;
                }
            }
        })
    }

    fn classes(&mut self, file: FileId, classes: &[Ident]) -> Option<Vec<hir::PartyClass>> {
        let resolved: Vec<Option<hir::PartyClass>> = classes.iter().map(|c| self.party_class(file, c)).collect();
        resolved.into_iter().collect()
    }

    fn party_class(&mut self, file: FileId, class: &Ident) -> Option<hir::PartyClass> {
        if let Some(class) = hir::PartyClass::from_keyword(&class.name) {
            return Some(class);
        }
        if let Some(party) = self.env.parties.get(&class.name) {
            return Some(hir::PartyClass::Party(party.id));
        }
        let keywords: Vec<&str> = hir::PartyClass::KEYWORDS.iter().map(|(k, _)| *k).collect();
        let candidates = keywords
            .iter()
            .copied()
            .chain(self.env.parties.keys().map(String::as_str));
        self.sink.push(
            file,
            ResolveDiagnostic::UnknownPartyClass {
                class: class.name.clone(),
                span: class.span,
                help: suggest::help(
                    &class.name,
                    candidates,
                    format!("the classes are {}", backticked(&keywords)),
                ),
            },
        );
        None
    }

    fn quorum(&mut self, file: FileId, quorum: &Quorum) -> Option<ir::Quorum> {
        let (problem, span, lowered) = match *quorum {
            Quorum::Count { count, span } => (count == 0, span, ir::Quorum::Count(count)),
            Quorum::Ratio {
                numerator,
                denominator,
                span,
            } => (
                numerator == 0 || denominator == 0 || numerator > denominator,
                span,
                ir::Quorum::Ratio(numerator, denominator),
            ),
        };
        if !problem {
            return Some(lowered);
        }
        self.sink.push(file, ResolveDiagnostic::InvalidQuorum { span });
        None
    }

    fn strength(&mut self, file: FileId, strength: &Ident) -> Option<ir::Strength> {
        match strength.name.as_str() {
            "must" => return Some(ir::Strength::Must),
            "should" => return Some(ir::Strength::Should),
            _unknown => {}
        }
        self.sink.push(
            file,
            ResolveDiagnostic::UnknownStrength {
                strength: strength.name.clone(),
                span: strength.span,
                help: suggest::help(&strength.name, ["must", "should"], "write `must` for what the text says will be done (a violation when missed) or `should` for what it encourages (an advisory)"),
            },
        );
        None
    }

    /// The rule of `decisions by ...`.
    fn general_rule(&mut self, file: FileId, rule: &RuleName) -> Option<ir::DecisionRule> {
        match rule {
            RuleName::Named(name) if name.name == "consensus" => Some(ir::DecisionRule::Consensus),
            RuleName::Named(name) if name.name == "unanimity" => Some(ir::DecisionRule::Unanimity),
            RuleName::Named(name) if name.name == "unstated" => Some(ir::DecisionRule::Unstated),
            RuleName::Named(name) => {
                self.sink.push(
                    file,
                    ResolveDiagnostic::UnknownDecisionRule {
                        rule: name.name.clone(),
                        span: name.span,
                        help: suggest::help(
                            &name.name,
                            ["consensus", "unanimity", "majority", "unstated"],
                            "write `consensus`, `unanimity`, `simple majority` or `majority N/D` (at least that share, rounded up unless `rounded down`), or `unstated` where the text states no rule",
                        ),
                    },
                );
                None
            }
            RuleName::Majority { ratio: None, .. } => Some(ir::DecisionRule::Majority {
                num: 1,
                den: 2,
                strict: true,
                round_down: false,
            }),
            RuleName::Majority {
                ratio: Some(ratio),
                round_down,
                ..
            } => match self.quorum(file, ratio)? {
                ir::Quorum::Ratio(num, den) => Some(ir::DecisionRule::Majority {
                    num,
                    den,
                    strict: false,
                    round_down: *round_down,
                }),
                ir::Quorum::Count(_) => None,
            },
        }
    }

    fn decision_rule(&mut self, file: FileId, rule: &Ident) -> Option<hir::DecisionRule> {
        if rule.name == "consensus" {
            return Some(hir::DecisionRule::Consensus);
        }
        self.sink.push(
            file,
            ResolveDiagnostic::UnknownDecisionRule {
                rule: rule.name.clone(),
                span: rule.span,
                help: suggest::help(&rule.name, ["consensus"], "observers are admitted and parties invited by `consensus`; the body's general rule (`decisions by ...`) may be another"),
            },
        );
        None
    }

    fn event(&mut self, file: FileId, position: usize, record: &Record) -> Option<Option<hir::Event>> {
        let env = self.env;
        let kind = match &record.kind {
            RecordKind::Meeting(_) | RecordKind::MeetingKind { .. } | RecordKind::Test(_) | RecordKind::Party(_) => {
                return None
            }
            RecordKind::Application {
                party,
                status,
                on,
                outcome,
            } => {
                let party = env.party(file, party, self.sink);
                let applied_for = match status.name.as_str() {
                    "member" | "membership" => Some(ir::Status::Member),
                    "observer" => Some(ir::Status::Observer),
                    _unknown => {
                        self.sink.push(
                            file,
                            ResolveDiagnostic::UnknownApplication {
                                status: status.name.clone(),
                                span: status.span,
                            },
                        );
                        None
                    }
                };
                let decided_by = outcome
                    .as_ref()
                    .and_then(|o| o.decided_by.as_ref())
                    .map(|(meeting, decision)| self.decided_by(file, meeting, decision));
                let decided_on = outcome
                    .as_ref()
                    .and_then(|o| o.on.as_ref())
                    .map(|spec| day(&spec.date).zip(precision(spec.precision)));
                let outcome = match outcome.as_ref().map(|o| o.outcome) {
                    None | Some(Outcome::Pending) => ir::Outcome::Pending,
                    Some(Outcome::Granted) => ir::Outcome::Granted,
                    Some(Outcome::Refused) => ir::Outcome::Refused,
                    Some(Outcome::Withdrawn) => ir::Outcome::Withdrawn,
                };
                (|| {
                    Some(hir::EventKind::Application {
                        party: party?,
                        status: applied_for?,
                        on: day(&on.date)?,
                        precision: precision(on.precision)?,
                        outcome,
                        decided_on: decided_on.map_or(Some(None), |d| d.map(Some))?,
                        decided_by: decided_by.map_or(Some(None), |d| d.map(Some))?,
                    })
                })()
            }
            RecordKind::Decline { party, turn } => env.party(file, party, self.sink).and_then(|party| {
                Some(hir::EventKind::Decline {
                    party,
                    turn: spanned_day(turn)?,
                })
            }),
            RecordKind::Extension {
                party,
                until,
                decided_by,
            } => {
                let party = env.party(file, party, self.sink);
                let decided_by = decided_by
                    .as_ref()
                    .map(|(meeting, decision)| self.decided_by(file, meeting, decision));
                (|| {
                    Some(hir::EventKind::Extension {
                        party: party?,
                        until: day(&until.date)?,
                        precision: precision(until.precision)?,
                        decided_by: decided_by.map_or(Some(None), |d| d.map(Some))?,
                    })
                })()
            }
            RecordKind::Joined { party, on } => env.party(file, party, self.sink).and_then(|party| {
                Some(hir::EventKind::Joined {
                    party,
                    on: day(&on.date)?,
                    precision: precision(on.precision)?,
                })
            }),
            RecordKind::Candidacy { party, on } => env.party(file, party, self.sink).and_then(|party| {
                Some(hir::EventKind::Candidacy {
                    party,
                    on: day(&on.date)?,
                    precision: precision(on.precision)?,
                })
            }),
            RecordKind::Designation {
                party,
                role,
                on,
                person,
            } => env.party(file, party, self.sink).and_then(|party| {
                Some(hir::EventKind::Designation {
                    party,
                    role: role.name.clone(),
                    on: day(&on.date)?,
                    precision: precision(on.precision)?,
                    person: person.as_ref().map(|p| p.value.clone()),
                })
            }),
            RecordKind::SilenceBroken { party, on, becomes } => {
                let party = env.party(file, party, self.sink);
                let becomes = match becomes.name.as_str() {
                    "observer" => Some(hir::AfterSilence::Observer),
                    "none" => Some(hir::AfterSilence::None),
                    _unknown => {
                        self.sink.push(
                            file,
                            ResolveDiagnostic::UnknownSilenceOutcome {
                                status: becomes.name.clone(),
                                span: becomes.span,
                            },
                        );
                        None
                    }
                };
                (|| {
                    Some(hir::EventKind::SilenceBroken {
                        party: party?,
                        on: day(&on.date)?,
                        precision: precision(on.precision)?,
                        becomes: becomes?,
                    })
                })()
            }
            RecordKind::Handover {
                to,
                on,
                decided_by,
                stated_term,
            } => {
                let to = env.party(file, to, self.sink);
                let decided_by = decided_by
                    .as_ref()
                    .map(|(meeting, decision)| self.decided_by(file, meeting, decision));
                (|| {
                    Some(hir::EventKind::Handover {
                        to: to?,
                        on: day(&on.date)?,
                        precision: precision(on.precision)?,
                        decided_by: decided_by.map_or(Some(None), |d| d.map(Some))?,
                        stated_term: stated_term.as_ref().map(duration),
                    })
                })()
            }
            RecordKind::RoleTaken { to, role, on } => {
                let party = env.party(file, to, self.sink);
                (|| {
                    Some(hir::EventKind::RoleTaken {
                        party: party?,
                        role: match role {
                            charter_grammar::ast::OfficeRole::CoChair => ir::OfficeRole::CoChair,
                            charter_grammar::ast::OfficeRole::ViceChair => ir::OfficeRole::ViceChair,
                        },
                        on: day(&on.date)?,
                        precision: precision(on.precision)?,
                    })
                })()
            }
            RecordKind::Vacancy { on } => (|| {
                Some(hir::EventKind::Vacancy {
                    on: day(&on.date)?,
                    precision: precision(on.precision)?,
                })
            })(),
            RecordKind::Status {
                party,
                becomes,
                on,
                decided_by,
            } => {
                let party = env.party(file, party, self.sink);
                let status = match becomes.name.as_str() {
                    "member" => Some(ir::Status::Member),
                    "observer" => Some(ir::Status::Observer),
                    "none" => Some(ir::Status::None),
                    "suspended" => Some(ir::Status::Suspended),
                    _unknown => {
                        self.sink.push(
                            file,
                            ResolveDiagnostic::UnknownStatusChange {
                                status: becomes.name.clone(),
                                span: becomes.span,
                            },
                        );
                        None
                    }
                };
                let decided_by = decided_by
                    .as_ref()
                    .map(|(meeting, decision)| self.decided_by(file, meeting, decision));
                (|| {
                    Some(hir::EventKind::StatusChange {
                        party: party?,
                        status: status?,
                        on: day(&on.date)?,
                        precision: precision(on.precision)?,
                        decided_by: decided_by.map_or(Some(None), |d| d.map(Some))?,
                    })
                })()
            }
            RecordKind::Snapshot {
                on,
                members,
                observers,
                chair,
                members_partial,
                observers_partial,
            } => {
                let members = members.as_ref().map(|list| env.parties(file, list, self.sink));
                let observers = observers.as_ref().map(|list| env.parties(file, list, self.sink));
                let chair = chair.as_ref().map(|p| env.party(file, p, self.sink));
                (|| {
                    Some(hir::EventKind::Snapshot {
                        on: day(&on.date)?,
                        precision: precision(on.precision)?,
                        members: members.map_or(Some(None), |m| m.map(Some))?,
                        observers: observers.map_or(Some(None), |m| m.map(Some))?,
                        chair: chair.map_or(Some(None), |c| c.map(Some))?,
                        members_partial: *members_partial,
                        observers_partial: *observers_partial,
                    })
                })()
            }
            RecordKind::Note { text } => Some(hir::EventKind::Note {
                text: text.value.clone(),
            }),
            RecordKind::Composition {
                group,
                parties,
                from,
                until,
            } => {
                let group = env.group(file, group, self.sink);
                let parties = env.parties(file, parties, self.sink);
                (|| {
                    let (from, until, dating) = period(from, until.as_ref())?;
                    Some(hir::EventKind::Composition {
                        group: group?,
                        parties: parties?,
                        from: from.node,
                        until: until.map(|u| u.node),
                        dating,
                    })
                })()
            }
        };
        Some(kind.map(|kind| hir::Event {
            file,
            span: record.span,
            position,
            kind,
            sources: record.sources.iter().map(source_text).collect(),
            inferred: inferred_text(&record.inferred),
        }))
    }

    /// `by meeting M decision D` on a record: both recorded, and the
    /// decision taken at that meeting; `None` (reported) otherwise.
    fn decided_by(&mut self, file: FileId, meeting: &Ident, decision: &Ident) -> Option<(String, String)> {
        let env = self.env;
        let m = env.meeting_record(file, meeting, self.sink).is_some();
        let at_meeting = match env.decision_record(file, decision, self.sink) {
            Some(found) if m && found.meeting.id.name != meeting.name => {
                self.sink.push(
                    file,
                    ResolveDiagnostic::DecisionAtOtherMeeting {
                        decision: decision.name.clone(),
                        meeting: meeting.name.clone(),
                        recorded_at: found.meeting.id.name.clone(),
                        span: decision.span,
                    },
                );
                false
            }
            Some(_) => true,
            None => false,
        };
        (m && at_meeting).then(|| (meeting.name.clone(), decision.name.clone()))
    }

    fn meeting_record(
        &mut self,
        file: FileId,
        position: usize,
        meeting: &MeetingRecord,
        sources: &[SourceRef],
    ) -> Option<hir::MeetingRecord> {
        let env = self.env;
        let mut seen: BTreeMap<&'static str, Span> = BTreeMap::new();
        // `None` where a field is missing or did not resolve (reported);
        // optional fields start resolved, as absent or empty.
        let (mut kind, mut date, mut place) = (None, None, None);
        let mut last_day: Option<ir::Day> = None;
        let mut host: Option<Option<hir::PartyId>> = Some(None);
        let (mut present, mut observers) = (Some(Vec::new()), Some(Vec::new()));
        let mut decisions = Some(Vec::new());
        let mut inferred = None;
        let mut attendance_partial = false;
        let present_names: Vec<&str> = meeting
            .fields
            .iter()
            .filter_map(|f| match &f.kind {
                MeetingFieldKind::Present { parties, .. } => Some(parties.iter().map(|p| p.name.as_str())),
                MeetingFieldKind::Kind(_)
                | MeetingFieldKind::Date(_)
                | MeetingFieldKind::Until(_)
                | MeetingFieldKind::Place(_)
                | MeetingFieldKind::Host(_)
                | MeetingFieldKind::Observers(_)
                | MeetingFieldKind::Source(_)
                | MeetingFieldKind::Inferred(_)
                | MeetingFieldKind::Decision(_) => None,
            })
            .flatten()
            .collect();
        for field in &meeting.fields {
            let name = match &field.kind {
                MeetingFieldKind::Kind(k) => {
                    kind = env.meeting_kind(file, k, self.sink);
                    "kind"
                }
                MeetingFieldKind::Date(spec) => {
                    date = day(&spec.date).zip(precision(spec.precision));
                    "date"
                }
                MeetingFieldKind::Until(d) => {
                    last_day = day(d);
                    "until"
                }
                MeetingFieldKind::Place(p) => {
                    place = Some(p.value.clone());
                    "place"
                }
                MeetingFieldKind::Host(p) => {
                    host = env.party(file, p, self.sink).map(Some);
                    "host"
                }
                MeetingFieldKind::Present { parties, partial } => {
                    present = env.parties(file, parties, self.sink);
                    attendance_partial = *partial;
                    "present"
                }
                MeetingFieldKind::Observers(list) => {
                    observers = env.parties(file, list, self.sink);
                    "observers"
                }
                MeetingFieldKind::Source(_) => continue,
                MeetingFieldKind::Inferred(mark) => {
                    inferred = inferred_text(std::slice::from_ref(mark));
                    "inferred"
                }
                MeetingFieldKind::Decision(decision) => {
                    // Where the record does not say who was present, an objector
                    // was there: nothing to question.
                    let recorded = meeting
                        .fields
                        .iter()
                        .any(|f| matches!(f.kind, MeetingFieldKind::Present { partial: false, .. }));
                    let resolved =
                        self.decision_record(file, meeting, decision, recorded.then_some(present_names.as_slice()));
                    decisions = decisions.zip(resolved).map(|(mut list, d)| {
                        list.push(d);
                        list
                    });
                    continue;
                }
            };
            duplicate_field(file, name, field.span, &mut seen, self.sink);
        }
        for required in ["kind", "date"] {
            if !seen.contains_key(required) {
                self.missing_field(file, &meeting.id, "meeting", required, "inside the meeting's braces");
            }
        }
        if seen.len() < meeting_field_count(meeting) {
            return None;
        }
        let (date, precision) = date?;
        // A partial list says who was there, not who was not.
        let attendance_known = seen.contains_key("present") && !attendance_partial;
        Some(hir::MeetingRecord {
            position,
            name: meeting.id.name.clone(),
            kind: kind?,
            date,
            precision,
            place,
            host: host?,
            present: present?,
            attendance_known,
            attendance_partial,
            last_day,
            observers: observers?,
            sources: sources.iter().map(source_text).collect(),
            inferred,
            decisions: decisions?,
        })
    }

    fn missing_field(&mut self, file: FileId, id: &Ident, what: &'static str, field: &'static str, place: &str) {
        self.sink.push(
            file,
            ResolveDiagnostic::MissingRecordField {
                what,
                name: id.name.clone(),
                field,
                span: id.span,
                help: if field == "kind" && what == "decision" {
                    "add `kind ordinary` (or `amendment`, `admission`, ...) inside the decision's braces".to_string()
                } else {
                    format!("add `{field} ...` {place}")
                },
            },
        );
    }

    fn decision_record(
        &mut self,
        file: FileId,
        meeting: &MeetingRecord,
        decision: &DecisionRecord,
        present: Option<&[&str]>,
    ) -> Option<hir::DecisionRecord> {
        let env = self.env;
        let mut seen: BTreeMap<&'static str, Span> = BTreeMap::new();
        // As for meetings: `None` where a field is missing or did not
        // resolve. The subject is `None` until given, then `Some` of
        // whether it resolved.
        let mut kind = None;
        let (mut objections, mut reservations) = (Some(Vec::new()), Some(Vec::new()));
        let mut subject: Option<(Option<hir::Subject>, Span, &'static str)> = None;
        let mut two_subjects = false;
        let mut text = None;
        let mut sources = Vec::new();
        let mut inferred = None;
        for field in &decision.fields {
            let mut new_subject = None;
            let name = match &field.kind {
                DecisionFieldKind::Kind(k) => {
                    kind = env.decision_kind(file, k, self.sink);
                    "kind"
                }
                DecisionFieldKind::Objections(list) | DecisionFieldKind::Reservations(list) => {
                    let is_objections = matches!(field.kind, DecisionFieldKind::Objections(_));
                    let what = if is_objections { "objections" } else { "reservations" };
                    let ids = env.parties(file, list, self.sink);
                    for p in list {
                        if env.parties.contains_key(&p.name)
                            && present.is_some_and(|present| !present.contains(&p.name.as_str()))
                        {
                            self.sink.push(
                                file,
                                ResolveDiagnostic::ObjectorNotPresent {
                                    party: p.name.clone(),
                                    list: what,
                                    meeting: meeting.id.name.clone(),
                                    span: p.span,
                                },
                            );
                        }
                    }
                    if is_objections {
                        objections = ids;
                    } else {
                        reservations = ids;
                    }
                    what
                }
                DecisionFieldKind::Admits(list) => {
                    new_subject = Some(env.parties(file, list, self.sink).map(hir::Subject::Admits));
                    "admits"
                }
                DecisionFieldKind::Invites { parties, to } => {
                    let ids = env.parties(file, parties, self.sink);
                    // The meeting invited to, by name, once it is known.
                    let to = match to {
                        None => Some(None),
                        Some(t) => env.meeting_record(file, t, self.sink).map(|_| Some(t.name.clone())),
                    };
                    new_subject = Some(ids.zip(to).map(|(parties, to)| hir::Subject::Invites { parties, to }));
                    "invites"
                }
                DecisionFieldKind::Elects { party, from } => {
                    let id = env.party(file, party, self.sink);
                    let from = match from {
                        None => Some(None),
                        Some(spec) => day(&spec.date).zip(precision(spec.precision)).map(Some),
                    };
                    new_subject = Some(id.zip(from).map(|(party, from)| hir::Subject::Elects { party, from }));
                    "elects"
                }
                DecisionFieldKind::Further { what, outcome, detail } => {
                    let known = self.interim.clone();
                    new_subject = Some(if known.contains(&what.name.as_str()) {
                        Some(hir::Subject::Further(ir::FurtherDecision {
                            what: what.name.clone(),
                            outcome: match outcome {
                                Further::Continued => ir::Further::Continued,
                                Further::Changed => ir::Further::Changed,
                                Further::Relocated => ir::Further::Relocated,
                            },
                            detail: detail.as_ref().map(|d| d.value.clone()),
                        }))
                    } else {
                        self.sink.push(
                            file,
                            ResolveDiagnostic::UnknownInterim {
                                name: what.name.clone(),
                                known: if known.is_empty() {
                                    "none".to_string()
                                } else {
                                    backticked(&known)
                                },
                                span: what.span,
                            },
                        );
                        None
                    });
                    "further"
                }
                DecisionFieldKind::Text(t) => {
                    text = Some(t.value.clone());
                    "text"
                }
                DecisionFieldKind::Inferred(mark) => {
                    inferred = inferred_text(std::slice::from_ref(mark));
                    "inferred"
                }
                DecisionFieldKind::Source(s) => {
                    sources.push(source_text(s));
                    continue;
                }
            };
            if let Some(new_subject) = new_subject {
                // The same field twice is `duplicate_field`'s to report.
                if let Some((_, first, _)) = subject.as_ref().filter(|(_, _, field)| *field != name) {
                    self.sink.push(
                        file,
                        ResolveDiagnostic::TwoSubjects {
                            decision: decision.id.name.clone(),
                            field: name,
                            span: field.span,
                            first: *first,
                        },
                    );
                    two_subjects = true;
                } else if subject.is_none() {
                    subject = Some((new_subject, field.span, name));
                }
            }
            duplicate_field(file, name, field.span, &mut seen, self.sink);
        }
        if !seen.contains_key("kind") {
            self.missing_field(file, &decision.id, "decision", "kind", "inside the decision's braces");
        }
        if two_subjects || seen.len() < decision_field_count(decision) {
            return None;
        }
        let subject = match subject {
            None => hir::Subject::Nobody,
            Some((resolved, _, _)) => resolved?,
        };
        Some(hir::DecisionRecord {
            name: decision.id.name.clone(),
            file,
            span: decision.id.span,
            kind: kind?,
            objections: objections?,
            reservations: reservations?,
            subject,
            text,
            sources,
            inferred,
        })
    }
}

/// How many distinct named fields a meeting record gives (so a duplicate,
/// reported, also stops the HIR).
fn meeting_field_count(meeting: &MeetingRecord) -> usize {
    meeting
        .fields
        .iter()
        .filter(|f| !matches!(f.kind, MeetingFieldKind::Source(_) | MeetingFieldKind::Decision(_)))
        .count()
}

fn decision_field_count(decision: &DecisionRecord) -> usize {
    decision
        .fields
        .iter()
        .filter(|f| !matches!(f.kind, DecisionFieldKind::Source(_)))
        .count()
}

fn duplicate_field(
    file: FileId,
    name: &'static str,
    span: Span,
    seen: &mut BTreeMap<&'static str, Span>,
    sink: &mut Sink,
) {
    if let Some(first) = seen.get(name) {
        sink.push(
            file,
            ResolveDiagnostic::DuplicateRecordField {
                field: name,
                span,
                first: *first,
            },
        );
    } else {
        seen.insert(name, span);
    }
}

pub fn backticked(names: &[&str]) -> String {
    names.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ")
}
