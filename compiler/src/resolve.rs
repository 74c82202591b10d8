//! `Package` -> `Env`: name resolution. Collects every definition (parties,
//! meeting kinds, decision kinds, rules, recorded meetings and decisions),
//! reports duplicates, then checks that every name a statement or history
//! record uses is defined. Use before definition is fine: all definitions
//! are collected before any use is checked.

use std::collections::BTreeMap;

use charter_grammar::ast::*;
use charter_grammar::Diagnostic;

use crate::codes;
use crate::package::{FileId, Package, Sink};
use crate::suggest::did_you_mean;
use crate::types::{Type, BUILTIN_DECISION_KINDS, STATUSES};

/// Where something is defined.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Def {
    pub file: FileId,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct PartyDef<'a> {
    pub def: Def,
    pub decl: &'a PartyDecl,
}

#[derive(Debug, Clone)]
pub struct MeetingKindDef<'a> {
    pub def: Def,
    pub decl: &'a MeetingDecl,
}

#[derive(Debug, Clone)]
pub struct RuleDef<'a> {
    pub def: Def,
    pub decl: &'a RuleDecl,
}

#[derive(Debug, Clone)]
pub struct MeetingRecordDef<'a> {
    pub def: Def,
    pub record: &'a MeetingRecord,
}

#[derive(Debug, Clone)]
pub struct DecisionRecordDef<'a> {
    pub def: Def,
    pub meeting: &'a MeetingRecord,
    pub record: &'a DecisionRecord,
}

/// Every name a package defines.
#[derive(Debug, Default)]
pub struct Env<'a> {
    pub parties: BTreeMap<String, PartyDef<'a>>,
    pub meeting_kinds: BTreeMap<String, MeetingKindDef<'a>>,
    /// Declared decision kinds; the built-in ones have no definition.
    pub decision_kinds: BTreeMap<String, Option<Def>>,
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

/// Collects definitions, reporting duplicates.
pub fn collect<'a>(package: &Package<'a>, sink: &mut Sink) -> Env<'a> {
    let mut env = Env::default();
    for kind in BUILTIN_DECISION_KINDS {
        env.decision_kinds.insert((*kind).to_string(), None);
    }
    for item in items(package) {
        let file = item.file;
        match item.node {
            Item::Party(decl) => {
                if STATUSES.contains(&decl.id.name.as_str()) || BUILTIN_DECISION_KINDS.contains(&decl.id.name.as_str())
                {
                    sink.push(
                        file,
                        Diagnostic::error(
                            codes::DUPLICATE_NAME,
                            format!(
                                "a party cannot be called `{}`: that name is a status or a decision kind",
                                decl.id.name
                            ),
                            decl.id.span,
                            "reserved name",
                        )
                        .with_help(
                            "identify the party by another name, such as its ISO 3166-1 alpha-3 code or acronym",
                        ),
                    );
                }
                if let Some(first) = env.parties.get(&decl.id.name) {
                    sink.push(
                        file,
                        duplicate(codes::DUPLICATE_PARTY, "party", &decl.id, first.def, file),
                    );
                } else {
                    env.parties.insert(
                        decl.id.name.clone(),
                        PartyDef {
                            def: Def {
                                file,
                                span: decl.id.span,
                            },
                            decl,
                        },
                    );
                }
            }
            Item::Rule(decl) => {
                if let Some(first) = env.rules.get(&decl.name.name) {
                    sink.push(
                        file,
                        duplicate(codes::DUPLICATE_RULE, "rule", &decl.name, first.def, file),
                    );
                } else {
                    env.rules.insert(
                        decl.name.name.clone(),
                        RuleDef {
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
                                duplicate(codes::DUPLICATE_MEETING, "meeting kind", &decl.kind, first.def, file),
                            );
                        }
                        Some(_) => {}
                        None => {
                            env.meeting_kinds.insert(
                                decl.kind.name.clone(),
                                MeetingKindDef {
                                    def: Def {
                                        file,
                                        span: decl.kind.span,
                                    },
                                    decl,
                                },
                            );
                        }
                    }
                }
                StmtKind::DecisionKind { kind, .. } => {
                    if let Some(Some(first)) = env.decision_kinds.get(&kind.name) {
                        if first.file == file {
                            sink.push(
                                file,
                                duplicate(codes::DUPLICATE_STATEMENT, "decision kind", kind, *first, file),
                            );
                        }
                    } else {
                        env.decision_kinds
                            .insert(kind.name.clone(), Some(Def { file, span: kind.span }));
                    }
                }
                _ => {}
            },
            Item::Block(_) | Item::Test(_) | Item::NonNormative(_) => {}
        }
    }
    for (file, record) in records(package) {
        if let RecordKind::Meeting(meeting) = &record.kind {
            if let Some(first) = env.meetings.get(&meeting.id.name) {
                sink.push(
                    file,
                    duplicate(codes::DUPLICATE_RECORD, "meeting record", &meeting.id, first.def, file),
                );
            } else {
                env.meetings.insert(
                    meeting.id.name.clone(),
                    MeetingRecordDef {
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
                            duplicate(
                                codes::DUPLICATE_RECORD,
                                "decision record",
                                &decision.id,
                                first.def,
                                file,
                            ),
                        );
                    } else {
                        env.decisions.insert(
                            decision.id.name.clone(),
                            DecisionRecordDef {
                                def: Def {
                                    file,
                                    span: decision.id.span,
                                },
                                meeting,
                                record: decision,
                            },
                        );
                    }
                }
            }
        }
    }
    env
}

fn duplicate(code: &'static str, what: &str, ident: &Ident, first: Def, file: FileId) -> Diagnostic {
    let mut d = Diagnostic::error(
        code,
        format!("{what} `{}` is defined twice", ident.name),
        ident.span,
        "defined again here",
    );
    if first.file == file {
        d = d.with_label(first.span, "first defined here");
    }
    d.with_help("rename one of the two, or remove the second if it repeats the first")
}

impl<'a> Env<'a> {
    /// Checks that `ident` names a declared party.
    pub fn party(&self, file: FileId, ident: &Ident, sink: &mut Sink) -> bool {
        if ident.name.is_empty() || self.parties.contains_key(&ident.name) {
            return true;
        }
        let mut d = Diagnostic::error(
            codes::UNKNOWN_PARTY,
            format!("unknown party `{}`", ident.name),
            ident.span,
            "not a declared party",
        );
        d = match did_you_mean(&ident.name, self.parties.keys().map(String::as_str)) {
            Some(near) => d.with_help(format!("did you mean `{near}`?")),
            None => d.with_help("declare it with `state`, `organization` or `civil_society` before using it"),
        };
        sink.push(file, d);
        false
    }

    pub fn meeting_kind(&self, file: FileId, ident: &Ident, sink: &mut Sink) -> bool {
        if self.meeting_kinds.contains_key(&ident.name) {
            return true;
        }
        let d = Diagnostic::error(
            codes::UNKNOWN_MEETING,
            format!("unknown meeting kind `{}`", ident.name),
            ident.span,
            "not a declared meeting kind",
        );
        sink.push(
            file,
            with_suggestion(
                d,
                &ident.name,
                self.meeting_kinds.keys(),
                "declare it with a `meeting` statement",
            ),
        );
        false
    }

    pub fn decision_kind(&self, file: FileId, ident: &Ident, sink: &mut Sink) -> bool {
        if self.decision_kinds.contains_key(&ident.name) {
            return true;
        }
        let d = Diagnostic::error(
            codes::UNKNOWN_DECISION_KIND,
            format!("unknown decision kind `{}`", ident.name),
            ident.span,
            "not a decision kind",
        );
        sink.push(
            file,
            with_suggestion(
                d,
                &ident.name,
                self.decision_kinds.keys(),
                "declare it with a `decision` statement",
            ),
        );
        false
    }

    pub fn meeting_record(&self, file: FileId, ident: &Ident, sink: &mut Sink) -> Option<&MeetingRecordDef<'a>> {
        let found = self.meetings.get(&ident.name);
        if found.is_none() {
            let d = Diagnostic::error(
                codes::UNKNOWN_RECORD,
                format!("no meeting `{}` is recorded", ident.name),
                ident.span,
                "not a recorded meeting",
            );
            sink.push(
                file,
                with_suggestion(
                    d,
                    &ident.name,
                    self.meetings.keys(),
                    "record the meeting in the policy's history file",
                ),
            );
        }
        found
    }

    pub fn decision_record(&self, file: FileId, ident: &Ident, sink: &mut Sink) -> Option<&DecisionRecordDef<'a>> {
        let found = self.decisions.get(&ident.name);
        if found.is_none() {
            let d = Diagnostic::error(
                codes::UNKNOWN_RECORD,
                format!("no decision `{}` is recorded", ident.name),
                ident.span,
                "not a recorded decision",
            );
            sink.push(
                file,
                with_suggestion(
                    d,
                    &ident.name,
                    self.decisions.keys(),
                    "record the decision inside its meeting in the history file",
                ),
            );
        }
        found
    }

    /// The type of a bare name in an expression that is not a local variable.
    pub fn global_type(&self, name: &str) -> Option<Type> {
        if self.parties.contains_key(name) {
            Some(Type::Party)
        } else if self.meeting_kinds.contains_key(name) {
            Some(Type::MeetingKind)
        } else if self.decision_kinds.contains_key(name) {
            Some(Type::DecisionKind)
        } else if STATUSES.contains(&name) {
            Some(Type::Status)
        } else if self.meetings.contains_key(name) {
            Some(Type::Meeting)
        } else if self.decisions.contains_key(name) {
            Some(Type::Decision)
        } else {
            None
        }
    }

    /// Every global name, for "did you mean".
    pub fn global_names(&self) -> Vec<&str> {
        self.parties
            .keys()
            .chain(self.meeting_kinds.keys())
            .chain(self.decision_kinds.keys())
            .chain(self.meetings.keys())
            .chain(self.decisions.keys())
            .map(String::as_str)
            .chain(STATUSES.iter().copied())
            .collect()
    }
}

pub fn with_suggestion<'n>(
    d: Diagnostic,
    name: &str,
    candidates: impl Iterator<Item = &'n String>,
    otherwise: &str,
) -> Diagnostic {
    match did_you_mean(name, candidates.map(String::as_str)) {
        Some(near) => d.with_help(format!("did you mean `{near}`?")),
        None => d.with_help(otherwise.to_string()),
    }
}

/// Checks every name used by statements, party declarations and history
/// records (expressions are the type checker's).
pub fn check_references(package: &Package<'_>, env: &Env<'_>, sink: &mut Sink) {
    for item in items(package) {
        let file = item.file;
        match item.node {
            Item::Party(decl) => check_party_decl(file, decl, sink),
            Item::Stmt(stmt) => check_statement(file, stmt, env, sink),
            Item::Block(_) | Item::Rule(_) | Item::Test(_) | Item::NonNormative(_) => {}
        }
    }
    let amend_by: Vec<&str> = items(package)
        .iter()
        .filter(|i| i.file == package.policy_file)
        .filter_map(|i| match i.node {
            Item::Stmt(Stmt {
                kind: StmtKind::Amendments { by },
                ..
            }) => Some(by),
            _ => None,
        })
        .flatten()
        .map(|k| k.name.as_str())
        .collect();
    for (file, amendment) in &package.amendments {
        if let Some(meeting) = env.meeting_record(*file, &amendment.meeting, sink) {
            let kind = meeting.record.fields.iter().find_map(|f| match &f.kind {
                MeetingFieldKind::Kind(k) => Some(k.name.as_str()),
                _ => None,
            });
            if let Some(kind) = kind.filter(|k| !amend_by.contains(k)) {
                let allowed = if amend_by.is_empty() {
                    "the policy names no meeting kind that may amend it; add `amendments by KIND`".to_string()
                } else {
                    format!("the policy may be amended by {} meetings only", backticked(&amend_by))
                };
                sink.push(
                    *file,
                    Diagnostic::error(
                        codes::AMENDMENT_NOT_AUTHORIZED,
                        format!(
                            "meeting `{}` is a `{kind}` meeting, which may not amend the policy",
                            amendment.meeting.name
                        ),
                        amendment.meeting.span,
                        "not authorized to amend",
                    )
                    .with_help(allowed),
                );
            }
        }
        if env.meetings.contains_key(&amendment.meeting.name) {
            if let Some(decision) = env.decision_record(*file, &amendment.decision, sink) {
                if decision.meeting.id.name != amendment.meeting.name {
                    sink.push(
                        *file,
                        Diagnostic::error(
                            codes::UNKNOWN_RECORD,
                            format!(
                                "decision `{}` was not taken at meeting `{}`",
                                amendment.decision.name, amendment.meeting.name
                            ),
                            amendment.decision.span,
                            "recorded at another meeting",
                        )
                        .with_help(format!(
                            "the history records it at meeting `{}`",
                            decision.meeting.id.name
                        )),
                    );
                }
            }
        }
    }
    for (file, record) in records(package) {
        check_record(file, record, env, sink);
    }
}

fn check_party_decl(file: FileId, decl: &PartyDecl, sink: &mut Sink) {
    if let Some(kind) = &decl.org_kind {
        let known = ["international", "regional"];
        if decl.kind != PartyKind::Organization {
            sink.push(
                file,
                Diagnostic::error(
                    codes::UNKNOWN_ORG_KIND,
                    format!("`kind` is for organizations, but `{}` is not one", decl.id.name),
                    kind.span,
                    "only organizations have a kind",
                )
                .with_help("remove `kind`, or declare the party with `organization`"),
            );
        } else if !known.contains(&kind.name.as_str()) {
            let d = Diagnostic::error(
                codes::UNKNOWN_ORG_KIND,
                format!("unknown organization kind `{}`", kind.name),
                kind.span,
                "not an organization kind",
            );
            let d = match did_you_mean(&kind.name, known) {
                Some(near) => d.with_help(format!("did you mean `{near}`?")),
                None => d.with_help("an organization is `international` or `regional`"),
            };
            sink.push(file, d);
        }
    }
}

fn check_statement(file: FileId, stmt: &Stmt, env: &Env<'_>, sink: &mut Sink) {
    let parties = |list: &[Ident], sink: &mut Sink| {
        for p in list {
            env.party(file, p, sink);
        }
    };
    match &stmt.kind {
        StmtKind::Members { parties: list, .. }
        | StmtKind::Pending { parties: list, .. }
        | StmtKind::OpenTo { parties: list } => parties(list, sink),
        StmtKind::SupportUnit { parties: list, .. } => parties(list, sink),
        StmtKind::Withdrawal { party, .. } => {
            env.party(file, party, sink);
        }
        StmtKind::Designate { strength, .. } => check_strength(file, strength, sink),
        StmtKind::Rotation(items) => {
            for item in items {
                match &item.kind {
                    RotationItemKind::EligibleParties(list) => parties(list, sink),
                    RotationItemKind::First { party, .. } => {
                        env.party(file, party, sink);
                    }
                    RotationItemKind::OrderAlphabetical { language } => {
                        if language.name != "english" {
                            let d = Diagnostic::error(
                                codes::UNKNOWN_LANGUAGE,
                                format!("no alphabetical order is known for `{}`", language.name),
                                language.span,
                                "not a supported language",
                            );
                            let d = match did_you_mean(&language.name, ["english"]) {
                                Some(near) => d.with_help(format!("did you mean `{near}`?")),
                                None => {
                                    d.with_help("Charter collates in `english`, the order the Almaty modalities name")
                                }
                            };
                            sink.push(file, d);
                        }
                    }
                    RotationItemKind::EligibleMembers
                    | RotationItemKind::Term { .. }
                    | RotationItemKind::Voluntary
                    | RotationItemKind::AllDecline { .. } => {}
                }
            }
        }
        StmtKind::Location { provided_by, .. } => {
            if let Some(p) = provided_by {
                env.party(file, p, sink);
            }
        }
        StmtKind::Observers { classes, by } | StmtKind::Invite { classes, by } => {
            for class in classes {
                check_party_class(file, class, env, sink);
            }
            check_decision_rule(file, by, sink);
        }
        StmtKind::Meeting(decl) => {
            check_strength(file, &decl.strength, sink);
            if let Some(HostRule::Party(p)) = &decl.host {
                env.party(file, p, sink);
            }
        }
        StmtKind::Decisions { by, quorum, .. } => {
            check_decision_rule(file, by, sink);
            if let Some(quorum) = quorum {
                check_quorum(file, quorum, sink);
            }
        }
        StmtKind::DecisionKind { reserved_to, .. } => {
            for kind in reserved_to {
                env.meeting_kind(file, kind, sink);
            }
        }
        StmtKind::Amendments { by } => {
            for kind in by {
                env.meeting_kind(file, kind, sink);
            }
        }
    }
}

/// Classes of parties an observer or invitation statement may name.
pub const PARTY_CLASSES: &[&str] = &[
    "states",
    "international_organizations",
    "regional_organizations",
    "civil_society",
];

fn check_party_class(file: FileId, class: &Ident, env: &Env<'_>, sink: &mut Sink) {
    if PARTY_CLASSES.contains(&class.name.as_str()) || env.parties.contains_key(&class.name) {
        return;
    }
    let d = Diagnostic::error(
        codes::UNKNOWN_PARTY_CLASS,
        format!("`{}` is neither a class of parties nor a party", class.name),
        class.span,
        "unknown class",
    );
    let candidates = PARTY_CLASSES
        .iter()
        .copied()
        .chain(env.parties.keys().map(String::as_str));
    let d = match did_you_mean(&class.name, candidates) {
        Some(near) => d.with_help(format!("did you mean `{near}`?")),
        None => d.with_help(format!("the classes are {}", backticked(PARTY_CLASSES))),
    };
    sink.push(file, d);
}

fn check_quorum(file: FileId, quorum: &Quorum, sink: &mut Sink) {
    let (problem, span) = match *quorum {
        Quorum::Count { count, span } => (count == 0, span),
        Quorum::Ratio {
            numerator,
            denominator,
            span,
        } => (numerator == 0 || denominator == 0 || numerator > denominator, span),
    };
    if problem {
        sink.push(
            file,
            Diagnostic::error(
                codes::INVALID_QUORUM,
                "this quorum can never be met or is always met",
                span,
                "invalid quorum",
            )
            .with_help("give a number of members present of at least 1, or a fraction such as `2/3` between 0 and 1"),
        );
    }
}

fn check_strength(file: FileId, strength: &Ident, sink: &mut Sink) {
    if matches!(strength.name.as_str(), "must" | "should") {
        return;
    }
    let d = Diagnostic::error(
        codes::UNKNOWN_STRENGTH,
        format!("unknown obligation strength `{}`", strength.name),
        strength.span,
        "not `must` or `should`",
    );
    let d = match did_you_mean(&strength.name, ["must", "should"]) {
        Some(near) => d.with_help(format!("did you mean `{near}`?")),
        None => d.with_help("write `must` for what the text says will be done (a violation when missed) or `should` for what it encourages (an advisory)"),
    };
    sink.push(file, d);
}

fn check_decision_rule(file: FileId, rule: &Ident, sink: &mut Sink) {
    if rule.name == "consensus" {
        return;
    }
    sink.push(
        file,
        Diagnostic::error(
            codes::UNKNOWN_DECISION_RULE,
            format!("unknown decision rule `{}`", rule.name),
            rule.span,
            "not a decision rule",
        )
        .with_help("the Almaty modalities take every decision by `consensus`, the one rule Charter knows"),
    );
}

fn check_record(file: FileId, record: &Record, env: &Env<'_>, sink: &mut Sink) {
    match &record.kind {
        RecordKind::Meeting(meeting) => check_meeting_record(file, meeting, env, sink),
        RecordKind::Decline { party, .. }
        | RecordKind::Joined { party, .. }
        | RecordKind::Designation { party, .. } => {
            env.party(file, party, sink);
        }
        RecordKind::SilenceBroken { party, becomes, .. } => {
            env.party(file, party, sink);
            if !matches!(becomes.name.as_str(), "observer" | "none") {
                sink.push(
                    file,
                    Diagnostic::error(
                        codes::UNKNOWN_STATUS,
                        format!("a state that breaks silence cannot become `{}`", becomes.name),
                        becomes.span,
                        "not `observer` or `none`",
                    )
                    .with_help("write `becomes observer` or `becomes none`, as the record's source says"),
                );
            }
        }
        RecordKind::Handover { to, decided_by, .. } => {
            env.party(file, to, sink);
            if let Some((meeting, decision)) = decided_by {
                env.meeting_record(file, meeting, sink);
                env.decision_record(file, decision, sink);
            }
        }
        RecordKind::Note { .. } | RecordKind::Test(_) => {}
    }
}

fn check_meeting_record(file: FileId, meeting: &MeetingRecord, env: &Env<'_>, sink: &mut Sink) {
    let mut seen: BTreeMap<&'static str, Span> = BTreeMap::new();
    for field in &meeting.fields {
        let name = match &field.kind {
            MeetingFieldKind::Kind(kind) => {
                env.meeting_kind(file, kind, sink);
                "kind"
            }
            MeetingFieldKind::Date(_) => "date",
            MeetingFieldKind::Place(_) => "place",
            MeetingFieldKind::Host(p) => {
                env.party(file, p, sink);
                "host"
            }
            MeetingFieldKind::Present(list) => {
                for p in list {
                    env.party(file, p, sink);
                }
                "present"
            }
            MeetingFieldKind::Observers(list) => {
                for p in list {
                    env.party(file, p, sink);
                }
                "observers"
            }
            MeetingFieldKind::Source(_) => continue,
            MeetingFieldKind::Decision(decision) => {
                check_decision_record(file, meeting, decision, env, sink);
                continue;
            }
        };
        duplicate_field(file, name, field.span, &mut seen, sink);
    }
    for required in ["kind", "date"] {
        if !seen.contains_key(required) {
            sink.push(
                file,
                Diagnostic::error(
                    codes::MISSING_FIELD,
                    format!("meeting `{}` has no `{required}`", meeting.id.name),
                    meeting.id.span,
                    format!("`{required}` missing"),
                )
                .with_help(format!("add `{required} ...` inside the meeting's braces")),
            );
        }
    }
}

fn check_decision_record(
    file: FileId,
    meeting: &MeetingRecord,
    decision: &DecisionRecord,
    env: &Env<'_>,
    sink: &mut Sink,
) {
    let mut seen: BTreeMap<&'static str, Span> = BTreeMap::new();
    let present: Vec<&str> = meeting
        .fields
        .iter()
        .filter_map(|f| match &f.kind {
            MeetingFieldKind::Present(list) => Some(list.iter().map(|p| p.name.as_str())),
            _ => None,
        })
        .flatten()
        .collect();
    for field in &decision.fields {
        let name = match &field.kind {
            DecisionFieldKind::Kind(kind) => {
                env.decision_kind(file, kind, sink);
                "kind"
            }
            DecisionFieldKind::Objections(list) | DecisionFieldKind::Reservations(list) => {
                let what = if matches!(field.kind, DecisionFieldKind::Objections(_)) {
                    "objections"
                } else {
                    "reservations"
                };
                for p in list {
                    if env.party(file, p, sink) && !present.contains(&p.name.as_str()) {
                        sink.push(
                            file,
                            Diagnostic::warning(
                                codes::OBJECTOR_NOT_PRESENT,
                                format!("`{}` is listed under {what} but not recorded present at `{}`", p.name, meeting.id.name),
                                p.span,
                                "not present",
                            )
                            .with_help("consensus counts only members present; add the party to `present` if the source records it there"),
                        );
                    }
                }
                what
            }
            DecisionFieldKind::Admits(list) => {
                for p in list {
                    env.party(file, p, sink);
                }
                "admits"
            }
            DecisionFieldKind::Invites { parties, to } => {
                for p in parties {
                    env.party(file, p, sink);
                }
                if let Some(to) = to {
                    env.meeting_record(file, to, sink);
                }
                "invites"
            }
            DecisionFieldKind::Elects { party, .. } => {
                env.party(file, party, sink);
                "elects"
            }
            DecisionFieldKind::Text(_) => "text",
            DecisionFieldKind::Source(_) => continue,
        };
        duplicate_field(file, name, field.span, &mut seen, sink);
    }
    if !seen.contains_key("kind") {
        sink.push(
            file,
            Diagnostic::error(
                codes::MISSING_FIELD,
                format!("decision `{}` has no `kind`", decision.id.name),
                decision.id.span,
                "`kind` missing",
            )
            .with_help("add `kind ordinary` (or `amendment`, `admission`, ...) inside the decision's braces"),
        );
    }
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
            Diagnostic::error(
                codes::DUPLICATE_FIELD,
                format!("`{name}` is given twice"),
                span,
                "given again here",
            )
            .with_label(*first, "first given here")
            .with_help("keep one; list several parties in one field, separated by commas"),
        );
    } else {
        seen.insert(name, span);
    }
}

pub fn backticked(names: &[&str]) -> String {
    names.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ")
}
