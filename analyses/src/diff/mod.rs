//! `charter diff`: what an amendment changes, in the body's own terms.
//!
//! Two checked packages (OLD and NEW: a policy with its amendments and
//! history) are compared section by section: the text (clauses, quotes,
//! rules, records), the procedure that adopted each new amendment, and the
//! answers the rules give — the chair, each party's status, which decisions
//! are valid (exhaustively, [`decisions`]), who may attend and speak, the
//! meeting obligations, the user rules, and the audit of the recorded
//! history. Every answer is compared on every interval between the days on
//! which either text changes something, so nothing is sampled by date
//! either. The library does no IO; `charter-cli` reads the files (or a git
//! revision) and prints [`render`]'s formats.

pub mod decisions;
pub mod render;

use std::collections::{BTreeMap, BTreeSet};

use charter_grammar::ast::{self, FileKind, Item};
use charter_grammar::diagnostic::{JsonDiagnostic, LineIndex};
use charter_runtime::interp::Interpreter;
use charter_runtime::ir::{self, Day, Expr, Status, Type};
use charter_runtime::value::{duration_text, Value};
use charter_runtime::{date, tables};
use serde::Serialize;

use crate::report::{self, Finding, Severity};
use charter_compiler::{Analysis, CheckResult, SourceFile, SourceKind};

use decisions::{Cache, Class, Count, Problem, Role, RuleKey};

/// The version of the JSON schema `charter diff --format json` prints
/// (docs/diff.md); raised when a field changes meaning or goes away.
pub const SCHEMA_VERSION: u32 = 1;

/// The most argument tuples a user rule is compared at; a rule with more is
/// reported as not compared.
pub const MAX_RULE_ARGUMENTS: usize = 100_000;

/// One side of the comparison: its files and what checking them gave.
pub struct Input<'a> {
    /// How the side is named in the output (a path, or `REV:path`).
    pub label: String,
    /// The side's files, checked (errors and all).
    pub analysis: &'a Analysis,
}

/// Everything `charter diff` reports.
#[derive(Debug, Clone, Serialize)]
pub struct Diff {
    pub schema: u32,
    pub old: String,
    pub new: String,
    /// The horizon of the chair timeline and the audit.
    pub until: String,
    pub summary: Summary,
    /// `charter check`'s diagnostics: every one of NEW, and OLD's errors.
    pub diagnostics: Vec<SideDiagnostic>,
    pub text: Vec<TextChange>,
    pub procedure: Vec<Procedure>,
    pub chair: Vec<ChairChange>,
    pub membership: Vec<StatusChange>,
    /// Who belongs to a group, or holds an office or standing, where it
    /// differs (`group(G, d)`).
    pub groups: Vec<GroupChange>,
    pub decisions: Vec<DecisionChange>,
    pub attendance: Vec<AttendanceChange>,
    pub cadence: Vec<CadenceChange>,
    pub rules: Vec<RuleChange>,
    pub history: Vec<HistoryChange>,
    /// What could not be compared, and why.
    pub notes: Vec<String>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Summary {
    /// Errors in either side: nothing semantic is compared then.
    pub errors: usize,
    /// Some answer differs (chair, status, decisions, attendance,
    /// cadence, rules, or the audit of the history).
    pub semantic: bool,
    /// The texts differ, and no answer does.
    pub text_only: bool,
    pub text: usize,
    pub procedure: usize,
    pub chair: usize,
    pub membership: usize,
    pub groups: usize,
    pub decisions: usize,
    pub attendance: usize,
    pub cadence: usize,
    pub rules: usize,
    pub findings_appeared: usize,
    pub findings_disappeared: usize,
    /// Findings of severity violation that appear under NEW.
    pub new_violations: usize,
}

/// A place in a NEW file (1-based, columns in characters).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Location {
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct SideDiagnostic {
    /// `old` or `new`.
    pub side: &'static str,
    #[serde(flatten)]
    pub diagnostic: JsonDiagnostic,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TextChange {
    /// `added`, `removed`, `changed`, or `layout` (a file whose text differs
    /// only in comments and layout).
    pub change: &'static str,
    /// `clause`, `party`, `rule`, `test`, `statement`, `amendment`,
    /// `record`, `sentence` (of the legal text) or `file`.
    pub what: &'static str,
    pub clause: Option<String>,
    /// The block's label, the party or rule's name, the record's first
    /// line, or the sentence.
    pub name: String,
    pub quotes_added: Vec<String>,
    pub quotes_removed: Vec<String>,
    /// What it encodes changed (not only its quotes).
    pub encoding_changed: bool,
    pub location: Option<Location>,
}

/// An amendment NEW has that OLD has not, and how it was adopted.
#[derive(Debug, Clone, Serialize)]
pub struct Procedure {
    pub amendment: String,
    pub from: String,
    pub decision: Option<String>,
    /// Whether the adopting decision is valid under the rules then in
    /// force (`None` when it cannot be judged).
    pub valid: Option<bool>,
    pub because: Vec<String>,
    /// `charter check`'s errors about the amendment (`charter::amendment-...`).
    pub errors: Vec<String>,
    pub location: Option<Location>,
}

/// Who holds the chair over a period, on one side.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Office {
    /// The chair or co-chairs; empty when the chair is vacant.
    pub chairs: Vec<String>,
    /// The vice-chairs the text names beside them.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub vice_chairs: Vec<String>,
    /// The term (derived view) or recorded holding (recorded view) the
    /// period falls in.
    pub start: String,
    pub end: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ChairChange {
    /// `derived` (the rules' chair) or `recorded` (the history's).
    pub view: &'static str,
    pub from: String,
    pub until: Option<String>,
    pub before: Option<Office>,
    pub after: Option<Office>,
    pub location: Option<Location>,
}

#[derive(Debug, Clone, Serialize)]
pub struct StatusChange {
    pub party: String,
    pub from: String,
    pub until: Option<String>,
    /// A status name, or `undeclared` where the side does not declare the party.
    pub before: String,
    pub after: String,
    pub location: Option<Location>,
}

/// Who belongs to a group (holds an office, a standing) over a period, by
/// party code; `None` where the side does not name the group.
#[derive(Debug, Clone, Serialize)]
pub struct GroupChange {
    pub group: String,
    pub from: String,
    pub until: Option<String>,
    pub before: Option<Vec<String>>,
    pub after: Option<Vec<String>>,
    pub location: Option<Location>,
}

/// Where the set of valid decisions differs.
#[derive(Debug, Clone, Serialize)]
pub struct DecisionChange {
    /// The meeting kinds with this same change.
    pub meetings: Vec<String>,
    /// The decision kinds with this same change.
    pub decisions: Vec<String>,
    pub from: String,
    pub until: Option<String>,
    /// Every assignment of presence and objection to every party.
    pub domain: Count,
    pub valid_before: Count,
    pub valid_after: Count,
    /// Valid before and not after: how many, and the smallest.
    pub now_invalid: Option<Example>,
    /// Valid after and not before.
    pub now_valid: Option<Example>,
    pub location: Option<Location>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Example {
    pub count: Count,
    /// The parties present in the smallest such assignment.
    pub present: Vec<String>,
    /// Of them, those who object.
    pub objecting: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Rights {
    pub attend: bool,
    pub speak: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct AttendanceChange {
    /// The meeting kinds with this same change.
    pub meetings: Vec<String>,
    pub parties: Vec<String>,
    pub from: String,
    pub until: Option<String>,
    pub before: Rights,
    pub after: Rights,
    pub location: Option<Location>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Obligation {
    /// `must` or `should`.
    pub strength: String,
    pub every: String,
    pub per_member: bool,
    pub hosted_by_chair: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct CadenceChange {
    pub meeting: String,
    pub from: String,
    pub until: Option<String>,
    pub before: Option<Obligation>,
    pub after: Option<Obligation>,
    pub location: Option<Location>,
}

#[derive(Debug, Clone, Serialize)]
pub struct RuleChange {
    pub rule: String,
    /// `added`, `removed`, `signature`, `answers`, or `not-compared`.
    pub change: &'static str,
    /// The arguments compared, and how many answers differ.
    pub compared: usize,
    pub differing: usize,
    /// What the arguments range over (`every party`, `every day either text
    /// changes something`).
    pub domain: Vec<String>,
    pub example: Option<RuleExample>,
    pub reason: Option<String>,
    pub location: Option<Location>,
}

#[derive(Debug, Clone, Serialize)]
pub struct RuleExample {
    pub arguments: Vec<serde_json::Value>,
    pub before: serde_json::Value,
    pub after: serde_json::Value,
}

#[derive(Debug, Clone, Serialize)]
pub struct HistoryChange {
    /// `appeared` (under NEW only) or `disappeared` (under OLD only).
    pub change: &'static str,
    pub finding: Finding,
    pub location: Option<Location>,
}

/// A checked side: its bundle, interpreter and report.
struct Checked<'a> {
    input: &'a Input<'a>,
    bundle: &'a ir::Bundle,
    interp: Interpreter<'a>,
    report: Option<report::Report>,
    /// Each party's id by its code.
    ids: std::collections::HashMap<&'a str, ir::PartyId>,
}

impl<'a> Checked<'a> {
    fn party(&self, code: &str) -> Option<ir::PartyId> {
        self.ids.get(code).copied()
    }

    fn code(&self, party: ir::PartyId) -> String {
        self.bundle
            .parties
            .get(party as usize)
            .map_or_else(|| format!("#{party}"), |p| p.id.clone())
    }

    fn meeting_kind(&self, name: &str) -> Option<ir::MeetingKindId> {
        self.bundle
            .meeting_kinds
            .iter()
            .position(|k| k == name)
            .map(|i| i as u32)
    }

    fn decision_kind(&self, name: &str) -> Option<ir::DecisionKindId> {
        self.bundle
            .decision_kinds
            .iter()
            .position(|k| k == name)
            .map(|i| i as u32)
    }
}

/// Compares OLD with NEW up to `until`.
pub fn diff(old: &Input<'_>, new: &Input<'_>, until: Day) -> Diff {
    let mut out = Diff {
        schema: SCHEMA_VERSION,
        old: old.label.clone(),
        new: new.label.clone(),
        until: date::format(until),
        summary: Summary::default(),
        diagnostics: Vec::new(),
        text: Vec::new(),
        procedure: Vec::new(),
        chair: Vec::new(),
        membership: Vec::new(),
        groups: Vec::new(),
        decisions: Vec::new(),
        attendance: Vec::new(),
        cadence: Vec::new(),
        rules: Vec::new(),
        history: Vec::new(),
        notes: Vec::new(),
    };
    // Every error of either side; of NEW's warnings, those OLD does not give.
    let old_warnings: BTreeSet<(String, String)> = old
        .analysis
        .diagnostics()
        .iter()
        .flatten()
        .filter(|d| !d.is_error())
        .map(|d| (d.code.to_string(), d.message.clone()))
        .collect();
    for (side, input) in [("old", old), ("new", new)] {
        for (source, diagnostics) in input.analysis.files().iter().zip(input.analysis.diagnostics()) {
            let shown = diagnostics.iter().filter(|d| {
                d.is_error() || (side == "new" && !old_warnings.contains(&(d.code.to_string(), d.message.clone())))
            });
            for d in shown {
                out.diagnostics.push(SideDiagnostic {
                    side,
                    diagnostic: JsonDiagnostic::new(d, &source.name, &source.text),
                });
            }
        }
    }
    let locator = Locator::new(old.analysis, new.analysis);
    out.text = text_changes(old, new, &locator);
    let errors = old.analysis.errors() + new.analysis.errors();
    let (Some(old_bundle), Some(new_bundle)) = (single(old.analysis.result()), single(new.analysis.result())) else {
        out.summary = summarize(&out, errors.max(1));
        if errors == 0 {
            out.notes
                .push("each side must hold exactly one policy; nothing semantic was compared".to_string());
        }
        return out;
    };
    if errors > 0 {
        out.summary = summarize(&out, errors);
        return out;
    }
    let old_side = checked(old, old_bundle, until);
    let new_side = checked(new, new_bundle, until);
    for (label, side) in [("OLD", &old_side), ("NEW", &new_side)] {
        if side.report.is_none() {
            out.notes.push(format!(
                "{label}: the recorded history could not be evaluated; the chair timeline and the audit are not compared"
            ));
        }
    }
    out.procedure = procedure(&old_side, &new_side, &locator);
    out.chair = chair_changes(&old_side, &new_side, &locator);
    let days = segment_days(&old_side, &new_side);
    out.membership = status_changes(&old_side, &new_side, &days, &locator);
    out.groups = group_changes(&old_side, &new_side, &days, until, &locator, &mut out.notes);
    out.decisions = decision_changes(&old_side, &new_side, &days, &locator, &mut out.notes);
    out.attendance = attendance_changes(&old_side, &new_side, &days, &locator);
    out.cadence = cadence_changes(&old_side, &new_side, &days, &locator);
    out.rules = rule_changes(&old_side, &new_side, &days, &locator);
    out.history = history_changes(&old_side, &new_side, &locator);
    out.summary = summarize(&out, 0);
    out
}

/// The one bundle a check made, if it made exactly one.
fn single(result: &CheckResult) -> Option<&ir::Bundle> {
    match result.bundles.as_slice() {
        [bundle] => Some(bundle),
        [] | [_, _, ..] => None,
    }
}

fn checked<'a>(input: &'a Input<'a>, bundle: &'a ir::Bundle, until: Day) -> Checked<'a> {
    let report = report::build(bundle, input.analysis.coverage().first(), &[], until).ok();
    Checked {
        input,
        bundle,
        interp: Interpreter::new(bundle),
        report,
        ids: bundle
            .parties
            .iter()
            .enumerate()
            .map(|(i, p)| (p.id.as_str(), i as u32))
            .collect(),
    }
}

fn summarize(diff: &Diff, errors: usize) -> Summary {
    let appeared = diff.history.iter().filter(|h| h.change == "appeared");
    let semantic = !(diff.chair.is_empty()
        && diff.membership.is_empty()
        && diff.groups.is_empty()
        && diff.decisions.is_empty()
        && diff.attendance.is_empty()
        && diff.cadence.is_empty()
        && diff.rules.is_empty()
        && diff.history.is_empty());
    Summary {
        errors,
        semantic,
        text_only: !semantic && errors == 0 && !diff.text.is_empty(),
        text: diff.text.len(),
        procedure: diff.procedure.len(),
        chair: diff.chair.len(),
        membership: diff.membership.len(),
        groups: diff.groups.len(),
        decisions: diff.decisions.len(),
        attendance: diff.attendance.len(),
        cadence: diff.cadence.len(),
        rules: diff.rules.len(),
        findings_appeared: appeared.clone().count(),
        findings_disappeared: diff.history.iter().filter(|h| h.change == "disappeared").count(),
        new_violations: appeared.filter(|h| h.finding.severity == Severity::Violation).count(),
    }
}

// ---------------------------------------------------------------- the text

/// One comparable piece of a side's text: a clause block, a party, a
/// rule, a test, a statement outside blocks, an amendment's header, or a
/// history record.
struct Entry {
    key: String,
    what: &'static str,
    clause: Option<String>,
    name: String,
    quotes: Vec<String>,
    /// Its content with positions removed: comments and layout do not count.
    body: serde_json::Value,
    file: usize,
    span: ast::Span,
}

impl Entry {
    /// An entry with no clause and no quotes.
    fn plain(
        key: String,
        what: &'static str,
        name: String,
        body: serde_json::Value,
        file: usize,
        span: ast::Span,
    ) -> Entry {
        Entry {
            key,
            what,
            clause: None,
            name,
            quotes: Vec::new(),
            body,
            file,
            span,
        }
    }
}

/// `value` as JSON without positions (`span` and `*_span` fields, and
/// bare spans).
pub fn normalized<T: Serialize>(value: &T) -> serde_json::Value {
    let mut json = serde_json::to_value(value).unwrap_or(serde_json::Value::Null);
    strip_spans(&mut json);
    json
}

fn strip_spans(json: &mut serde_json::Value) {
    match json {
        // A bare span (`hosted by chair` keeps where `chair` is written).
        serde_json::Value::Object(map)
            if map.len() == 2
                && map.get("start").is_some_and(serde_json::Value::is_u64)
                && map.get("end").is_some_and(serde_json::Value::is_u64) =>
        {
            *json = serde_json::Value::Null;
        }
        serde_json::Value::Object(map) => {
            map.retain(|key, _| key != "span" && !key.ends_with("_span"));
            map.values_mut().for_each(strip_spans);
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(strip_spans),
        serde_json::Value::Null
        | serde_json::Value::Bool(_)
        | serde_json::Value::Number(_)
        | serde_json::Value::String(_) => {}
    }
}

/// The first line of a span's text, shortened.
fn first_line(text: &str, span: ast::Span) -> String {
    let line = text
        .get(span.start..span.end.min(text.len()))
        .and_then(|s| s.lines().next())
        .unwrap_or_default()
        .trim()
        .trim_end_matches('{')
        .trim_end();
    if line.chars().count() > 100 {
        format!("{}…", line.chars().take(99).collect::<String>())
    } else {
        line.to_string()
    }
}

/// A parsed Charter file of one side.
struct Parsed<'a> {
    source: &'a SourceFile,
    file: &'a ast::File,
}

/// Every Charter file of a side that parsed, as the analysis holds it.
fn parse_all(analysis: &Analysis) -> Vec<Option<Parsed<'_>>> {
    analysis
        .files()
        .iter()
        .enumerate()
        .map(|(id, source)| match source.kind {
            SourceKind::Charter => analysis.ast(id).map(|file| Parsed { source, file }),
            SourceKind::LegalText | SourceKind::OutsideFolder => None,
        })
        .collect()
}

/// The role a file plays in its package, to pair files across sides.
fn role(file: &ast::File) -> String {
    match &file.kind {
        FileKind::Policy(_) => "policy".to_string(),
        FileKind::Amendment(a) => format!("amendment {}", a.title.value),
        FileKind::History(_) => "history".to_string(),
    }
}

fn entries(parsed: &[Option<Parsed<'_>>]) -> Vec<Entry> {
    let mut out = Vec::new();
    for (index, p) in parsed.iter().enumerate() {
        let Some(p) = p else { continue };
        let text = &p.source.text;
        match &p.file.kind {
            FileKind::Policy(policy) => {
                out.push(Entry {
                    key: "header".to_string(),
                    what: "statement",
                    clause: None,
                    name: first_line(text, policy.header.span),
                    quotes: Vec::new(),
                    body: normalized(&policy.header),
                    file: index,
                    span: policy.header.span,
                });
                item_entries(&policy.items, "", index, text, &mut out);
            }
            FileKind::Amendment(amendment) => {
                let title = &amendment.title.value;
                out.push(Entry {
                    key: format!("amendment {title}"),
                    what: "amendment",
                    clause: None,
                    name: title.clone(),
                    quotes: Vec::new(),
                    body: normalized(&(&amendment.policy, &amendment.meeting, &amendment.decision)),
                    file: index,
                    span: amendment.header_span,
                });
                item_entries(&amendment.items, &format!("{title}: "), index, text, &mut out);
            }
            FileKind::History(history) => {
                for record in &history.records {
                    let body = normalized(record);
                    // A meeting is the same record while its id is.
                    let key = if let ast::RecordKind::Meeting(m) = &record.kind {
                        format!("record meeting {}", m.id.name)
                    } else {
                        format!("record {body}")
                    };
                    out.push(Entry {
                        key,
                        what: "record",
                        clause: None,
                        name: first_line(text, record.span),
                        quotes: Vec::new(),
                        body,
                        file: index,
                        span: record.span,
                    });
                }
            }
        }
    }
    out
}

fn item_entries(items: &[Item], prefix: &str, file: usize, text: &str, out: &mut Vec<Entry>) {
    let mut unlabelled: BTreeMap<String, usize> = BTreeMap::new();
    for item in items {
        let entry = match item {
            Item::Block(block) => {
                let clause = block.clause.text.clone();
                let name = match &block.label {
                    Some(label) => label.name.clone(),
                    None => {
                        let n = unlabelled.entry(clause.clone()).or_default();
                        *n += 1;
                        format!("§ {clause} #{n}")
                    }
                };
                Entry {
                    key: format!("{prefix}block {name}"),
                    what: "clause",
                    clause: Some(clause),
                    name,
                    quotes: block.quotes.iter().map(|q| q.value.clone()).collect(),
                    body: normalized(&block.items),
                    file,
                    span: block.span,
                }
            }
            Item::Party(party) => Entry::plain(
                format!("{prefix}party {}", party.id.name),
                "party",
                party.id.name.clone(),
                normalized(party),
                file,
                party.span,
            ),
            Item::Rule(rule) => Entry::plain(
                format!("{prefix}rule {}", rule.name.name),
                "rule",
                rule.name.name.clone(),
                normalized(rule),
                file,
                rule.span,
            ),
            Item::Test(test) => Entry::plain(
                format!("{prefix}test {}", test.name.value),
                "test",
                test.name.value.clone(),
                normalized(test),
                file,
                test.span,
            ),
            Item::Stmt(stmt) => {
                let body = normalized(stmt);
                Entry::plain(
                    format!("{prefix}statement {body}"),
                    "statement",
                    first_line(text, stmt.span),
                    body,
                    file,
                    stmt.span,
                )
            }
            Item::NonNormative(reason) => Entry::plain(
                format!("{prefix}non_normative {}", reason.value),
                "statement",
                format!("non_normative \"{}\"", reason.value),
                normalized(reason),
                file,
                reason.span,
            ),
        };
        out.push(entry);
    }
}

/// Finds places in NEW's files for the changes.
struct Locator<'a> {
    new: Vec<Option<Parsed<'a>>>,
    /// Each NEW entry, and whether OLD has the same one.
    blocks: Vec<(Entry, bool)>,
    indexes: Vec<Option<LineIndex<'a>>>,
}

impl<'a> Locator<'a> {
    fn new(old: &'a Analysis, new: &'a Analysis) -> Locator<'a> {
        let old_entries = entries(&parse_all(old));
        let old_bodies: BTreeSet<(String, String)> = old_entries
            .iter()
            .map(|e| (e.key.clone(), format!("{}{:?}", e.body, e.quotes)))
            .collect();
        let parsed = parse_all(new);
        let blocks = entries(&parsed)
            .into_iter()
            .map(|e| {
                let same = old_bodies.contains(&(e.key.clone(), format!("{}{:?}", e.body, e.quotes)));
                (e, same)
            })
            .collect();
        Locator {
            indexes: new.files().iter().map(|s| Some(LineIndex::new(&s.text))).collect(),
            new: parsed,
            blocks,
        }
    }

    fn at(&self, file: usize, span: ast::Span) -> Option<Location> {
        let source = self.new.get(file)?.as_ref()?.source;
        let index = self.indexes.get(file)?.as_ref()?;
        let (line, column) = index.line_column(span.start);
        let (end_line, end_column) = index.line_column(span.end);
        Some(Location {
            file: source.name.clone(),
            line,
            column,
            end_line,
            end_column,
        })
    }

    /// The block of NEW encoding `clause`: one that OLD does not have as
    /// it is (the amendment that made the change) before one it has.
    fn clause(&self, clause: &str) -> Option<Location> {
        let matching = || {
            self.blocks
                .iter()
                .filter(move |(e, _)| e.what == "clause" && e.clause.as_deref() == Some(clause))
        };
        let (entry, _) = matching().find(|(_, same)| !same).or_else(|| matching().next())?;
        self.at(entry.file, entry.span)
    }

    /// A NEW entry by its key.
    fn entry(&self, key: &str) -> Option<Location> {
        let (entry, _) = self.blocks.iter().find(|(e, _)| e.key == key)?;
        self.at(entry.file, entry.span)
    }

    /// A rule's declaration in NEW, wherever it is.
    fn rule(&self, name: &str) -> Option<Location> {
        for (file, parsed) in self.new.iter().enumerate() {
            let Some(parsed) = parsed else { continue };
            let items = match &parsed.file.kind {
                FileKind::Policy(p) => &p.items,
                FileKind::Amendment(a) => &a.items,
                FileKind::History(_) => continue,
            };
            if let Some(span) = find_rule(items, name) {
                return self.at(file, span);
            }
        }
        None
    }

    /// The head of NEW's policy file: where a change no clause explains is shown.
    fn policy(&self) -> Option<Location> {
        self.new
            .iter()
            .enumerate()
            .find_map(|(file, parsed)| match &parsed.as_ref()?.file.kind {
                FileKind::Policy(p) => self.at(file, p.header.span),
                FileKind::Amendment(_) | FileKind::History(_) => None,
            })
    }

    /// The head of NEW's history file.
    fn history(&self) -> Option<Location> {
        self.new
            .iter()
            .enumerate()
            .find_map(|(file, parsed)| match &parsed.as_ref()?.file.kind {
                FileKind::History(h) => self.at(file, h.header_span),
                FileKind::Amendment(_) | FileKind::Policy(_) => None,
            })
    }

    /// The block encoding `clause`, else the policy's head.
    fn clause_or_policy(&self, clause: Option<&str>) -> Option<Location> {
        clause.and_then(|c| self.clause(c)).or_else(|| self.policy())
    }
}

fn find_rule(items: &[Item], name: &str) -> Option<ast::Span> {
    items.iter().find_map(|item| match item {
        Item::Rule(rule) if rule.name.name == name => Some(rule.span),
        Item::Block(block) => find_rule(&block.items, name),
        Item::Rule(_) | Item::Party(_) | Item::Test(_) | Item::Stmt(_) | Item::NonNormative(_) => None,
    })
}

/// Entries by key, the first of each key.
fn by_key<'e>(list: impl IntoIterator<Item = &'e Entry>) -> BTreeMap<String, &'e Entry> {
    let mut map = BTreeMap::new();
    for e in list {
        map.entry(e.key.clone()).or_insert(e);
    }
    map
}

fn text_changes(old: &Input<'_>, new: &Input<'_>, locator: &Locator<'_>) -> Vec<TextChange> {
    let old_parsed = parse_all(old.analysis);
    let old_entries = entries(&old_parsed);
    let new_entries: Vec<&Entry> = locator.blocks.iter().map(|(e, _)| e).collect();
    let before = by_key(old_entries.iter());
    let after = by_key(new_entries.iter().copied());
    let mut out = Vec::new();
    // In NEW's order, then what OLD alone has.
    for e in &new_entries {
        if after.get(&e.key).is_some_and(|first| !std::ptr::eq(*first, *e)) {
            continue;
        }
        let location = locator.at(e.file, e.span);
        match before.get(&e.key) {
            None => out.push(TextChange {
                change: "added",
                what: e.what,
                clause: e.clause.clone(),
                name: e.name.clone(),
                quotes_added: e.quotes.clone(),
                quotes_removed: Vec::new(),
                encoding_changed: true,
                location,
            }),
            Some(was) => {
                let quotes_added: Vec<String> = e.quotes.iter().filter(|q| !was.quotes.contains(q)).cloned().collect();
                let quotes_removed: Vec<String> =
                    was.quotes.iter().filter(|q| !e.quotes.contains(q)).cloned().collect();
                let encoding_changed = was.body != e.body;
                if encoding_changed || was.clause != e.clause || !quotes_added.is_empty() || !quotes_removed.is_empty()
                {
                    out.push(TextChange {
                        change: "changed",
                        what: e.what,
                        clause: e.clause.clone(),
                        name: e.name.clone(),
                        quotes_added,
                        quotes_removed,
                        encoding_changed,
                        location,
                    });
                }
            }
        }
    }
    for e in &old_entries {
        if !after.contains_key(&e.key) && before.get(&e.key).is_some_and(|first| std::ptr::eq(*first, e)) {
            out.push(TextChange {
                change: "removed",
                what: e.what,
                clause: e.clause.clone(),
                name: e.name.clone(),
                quotes_added: Vec::new(),
                quotes_removed: e.quotes.clone(),
                encoding_changed: true,
                location: None,
            });
        }
    }
    // Files whose text differs while nothing in them does: comments,
    // layout. A file is paired with OLD's file of its role (a renamed file
    // is the same policy), or, where either side has several of one role
    // (two policies in a folder, an error), with OLD's file of its role and
    // name.
    let old_files: Vec<(String, &str, String, serde_json::Value)> = old_parsed
        .iter()
        .flatten()
        .map(|p| {
            (
                role(p.file),
                p.source.name.as_str(),
                p.source.text.clone(),
                normalized(&p.file.kind),
            )
        })
        .collect();
    let new_roles: Vec<String> = locator.new.iter().flatten().map(|p| role(p.file)).collect();
    // How many NEW files of each role and name came before: the k-th of
    // a name pairs with OLD's k-th (the API takes files with one name twice).
    let mut seen: BTreeMap<(String, &str), usize> = BTreeMap::new();
    for (file, p) in locator.new.iter().enumerate() {
        let Some(p) = p else { continue };
        let role = role(p.file);
        let nth = seen.entry((role.clone(), p.source.name.as_str())).or_default();
        let k = *nth;
        *nth += 1;
        let same_role: Vec<_> = old_files.iter().filter(|(r, ..)| *r == role).collect();
        let several_new = new_roles.iter().filter(|r| **r == role).count() > 1;
        let paired = match same_role.as_slice() {
            [one] if !several_new => Some(*one),
            _ => same_role
                .iter()
                .filter(|(_, name, ..)| *name == p.source.name)
                .nth(k)
                .copied(),
        };
        if let Some((_, _, text, body)) = paired {
            if *text != p.source.text && *body == normalized(&p.file.kind) {
                out.push(TextChange {
                    change: "layout",
                    what: "file",
                    clause: None,
                    name: role,
                    quotes_added: Vec::new(),
                    quotes_removed: Vec::new(),
                    encoding_changed: false,
                    location: locator.at(file, ast::Span::new(0, 0)),
                });
            }
        }
    }
    // Sentences of the legal text the policy encodes.
    let sentences = |result: &CheckResult| -> Vec<(String, String)> {
        result
            .coverage
            .first()
            .map(|c| c.sentences.iter().map(|s| (s.clause.clone(), s.text.clone())).collect())
            .unwrap_or_default()
    };
    let (was, is) = (sentences(old.analysis.result()), sentences(new.analysis.result()));
    for (change, list, other) in [("added", &is, &was), ("removed", &was, &is)] {
        for (clause, text) in list.iter().filter(|s| !other.contains(s)) {
            out.push(TextChange {
                change,
                what: "sentence",
                clause: Some(clause.clone()),
                name: text.clone(),
                quotes_added: Vec::new(),
                quotes_removed: Vec::new(),
                encoding_changed: false,
                location: None,
            });
        }
    }
    out
}

// ---------------------------------------------------------------- procedure

fn procedure(old: &Checked<'_>, new: &Checked<'_>, locator: &Locator<'_>) -> Vec<Procedure> {
    let old_titles: BTreeSet<&str> = old.bundle.versions.iter().map(|v| v.source.as_str()).collect();
    let decisions: Vec<&report::DecisionRow> = new
        .report
        .iter()
        .flat_map(|r| r.meetings.iter())
        .flat_map(|m| m.decisions.iter())
        .collect();
    new.bundle
        .versions
        .iter()
        .filter(|v| v.adopted_by.is_some() && !old_titles.contains(v.source.as_str()))
        .map(|v| {
            let row = decisions.iter().find(|d| Some(&d.id) == v.adopted_by.as_ref());
            // The amendment file's errors, by its title.
            let file = locator.new.iter().position(|p| {
                p.as_ref()
                    .is_some_and(|p| matches!(&p.file.kind, FileKind::Amendment(a) if a.title.value == v.source))
            });
            let errors = file
                .and_then(|f| new.input.analysis.diagnostics().get(f))
                .map(|ds| ds.iter().filter(|d| d.is_error()).map(|d| d.code.to_string()).collect())
                .unwrap_or_default();
            Procedure {
                amendment: v.source.clone(),
                from: date::format(v.from),
                decision: v.adopted_by.clone(),
                valid: row.and_then(|r| r.valid),
                because: row.map(|r| r.because.clone()).unwrap_or_default(),
                errors,
                location: locator.entry(&format!("amendment {}", v.source)),
            }
        })
        .collect()
}

// ---------------------------------------------------------------- timelines

/// Values over consecutive periods, merged where equal and adjacent.
struct Runs<K: Ord, V: PartialEq> {
    runs: BTreeMap<K, Vec<(Day, Option<Day>, V)>>,
}

impl<K: Ord, V: PartialEq> Runs<K, V> {
    fn new() -> Self {
        Runs { runs: BTreeMap::new() }
    }

    fn push(&mut self, key: K, from: Day, until: Option<Day>, value: V) {
        let runs = self.runs.entry(key).or_default();
        if let Some(last) = runs.last_mut() {
            if last.1 == Some(from) && last.2 == value {
                last.1 = until;
                return;
            }
        }
        runs.push((from, until, value));
    }

    fn into_rows(self) -> Vec<(K, Day, Option<Day>, V)>
    where
        K: Clone,
    {
        let mut rows = Vec::new();
        for (key, runs) in self.runs {
            for (from, until, value) in runs {
                rows.push((key.clone(), from, until, value));
            }
        }
        rows
    }
}

fn fmt_until(until: Option<Day>) -> Option<String> {
    until.map(date::format)
}

/// Every party code either side declares, sorted.
fn party_codes(old: &Checked<'_>, new: &Checked<'_>) -> Vec<String> {
    let codes: BTreeSet<String> = old
        .bundle
        .parties
        .iter()
        .chain(&new.bundle.parties)
        .map(|p| p.id.clone())
        .collect();
    codes.into_iter().collect()
}

/// Every day on which either side's answers may change, from the earlier
/// adoption on: each period between two of them is compared once.
fn segment_days(old: &Checked<'_>, new: &Checked<'_>) -> Vec<Day> {
    let mut days = BTreeSet::new();
    for side in [old, new] {
        days.extend(side.interp.change_points());
        for group in &side.bundle.groups {
            for span in &group.spans {
                days.insert(span.from);
                days.extend(span.until);
            }
        }
    }
    let start = old.bundle.adopted.min(new.bundle.adopted);
    days.into_iter().filter(|d| *d >= start).collect()
}

/// The consecutive periods: each day with the next (none for the last).
fn periods(days: &[Day]) -> impl Iterator<Item = (Day, Option<Day>)> + '_ {
    days.iter().enumerate().map(|(i, d)| (*d, days.get(i + 1).copied()))
}

fn chair_changes(old: &Checked<'_>, new: &Checked<'_>, locator: &Locator<'_>) -> Vec<ChairChange> {
    let mut out = Vec::new();
    let (Some(a), Some(b)) = (&old.report, &new.report) else {
        return out;
    };
    // The rules' terms.
    type Held = (Day, Day, Vec<String>, Vec<String>);
    let terms = |r: &report::Report| -> Vec<Held> {
        r.chair
            .iter()
            .map(|t| (t.start.0, t.end.0, t.chairs.clone(), t.vice_chairs.clone()))
            .collect()
    };
    let (ta, tb) = (terms(a), terms(b));
    // Up to the horizon: both reports end with the term in force on it.
    let horizon = a.until.0;
    let bounds: BTreeSet<Day> = ta
        .iter()
        .chain(&tb)
        .flat_map(|(s, e, _, _)| [*s, *e])
        .filter(|d| *d <= horizon)
        .collect();
    let bounds: Vec<Day> = bounds.into_iter().collect();
    let office = |terms: &[Held], day: Day| {
        terms
            .iter()
            .find(|(s, e, _, _)| *s <= day && day < *e)
            .map(|(s, e, chairs, vice_chairs)| Office {
                chairs: chairs.clone(),
                vice_chairs: vice_chairs.clone(),
                start: date::format(*s),
                end: Some(date::format(*e)),
            })
    };
    let mut runs: Runs<u8, (Option<Office>, Option<Office>)> = Runs::new();
    for (day, until) in periods(&bounds) {
        let (before, after) = (office(&ta, day), office(&tb, day));
        if before != after {
            runs.push(0, day, until, (before, after));
        }
    }
    for (_, from, until, (before, after)) in runs.into_rows() {
        let clause = tables::version_at(new.bundle, from).and_then(|v| {
            v.rotation
                .as_ref()
                .map(|r| r.cite.clause.clone())
                .or_else(|| {
                    v.permanent
                        .as_ref()
                        .map(|p| p.at(from).map_or(&p.cite, |part| &part.cite).clause.clone())
                })
                .or_else(|| v.designation.as_ref().map(|d| d.cite.clause.clone()))
        });
        out.push(ChairChange {
            view: "derived",
            from: date::format(from),
            until: fmt_until(until),
            before,
            after,
            location: locator.clause_or_policy(clause.as_deref()),
        });
    }
    // The history's record of who held office.
    let holdings = |side: &Checked<'_>| -> Vec<(Day, Vec<String>)> {
        side.bundle
            .history
            .recorded_offices()
            .into_iter()
            .map(|(day, party)| (day, party.map(|p| side.code(p)).into_iter().collect()))
            .collect()
    };
    let (ha, hb) = (holdings(old), holdings(new));
    let bounds: BTreeSet<Day> = ha.iter().chain(&hb).map(|(d, _)| *d).collect();
    let bounds: Vec<Day> = bounds.into_iter().collect();
    let held = |list: &[(Day, Vec<String>)], day: Day| {
        let i = list.iter().rposition(|(d, _)| *d <= day)?;
        let (start, chairs) = list.get(i)?;
        Some(Office {
            chairs: chairs.clone(),
            vice_chairs: Vec::new(),
            start: date::format(*start),
            end: list.get(i + 1).map(|(d, _)| date::format(*d)),
        })
    };
    let mut runs: Runs<u8, (Option<Office>, Option<Office>)> = Runs::new();
    for (day, until) in periods(&bounds) {
        let (before, after) = (held(&ha, day), held(&hb, day));
        if before != after {
            runs.push(0, day, until, (before, after));
        }
    }
    for (_, from, until, (before, after)) in runs.into_rows() {
        out.push(ChairChange {
            view: "recorded",
            from: date::format(from),
            until: fmt_until(until),
            before,
            after,
            location: locator.history().or_else(|| locator.policy()),
        });
    }
    out
}

fn status_name(side: &Checked<'_>, code: &str, day: Day) -> String {
    side.party(code).map_or_else(
        || "undeclared".to_string(),
        |p| side.interp.status(p, day).name().to_string(),
    )
}

/// Every group either side names: its holders on each period, compared. A
/// group whose holders follow the chair's terms changes where a term
/// starts; those days count up to the horizon.
fn group_changes(
    old: &Checked<'_>,
    new: &Checked<'_>,
    days: &[Day],
    until: Day,
    locator: &Locator<'_>,
    notes: &mut Vec<String>,
) -> Vec<GroupChange> {
    let names: BTreeSet<&str> = old
        .bundle
        .groups
        .iter()
        .chain(&new.bundle.groups)
        .map(|g| g.name.as_str())
        .collect();
    // `Err` where the side leaves the holders open that day (a period the
    // text dates only approximately, a taking of office dated by a window).
    let holders = |side: &Checked<'_>, name: &str, day: Day| -> Result<Option<Vec<String>>, ()> {
        let Some(g) = side.bundle.groups.iter().position(|g| g.name == name) else {
            return Ok(None);
        };
        let g = ir::GroupId::try_from(g).map_err(|_| ())?;
        let mut codes: Vec<String> = side
            .interp
            .group_on(g, day)
            .map_err(|_| ())?
            .into_iter()
            .filter_map(|p| side.bundle.parties.get(p as usize).map(|party| party.id.clone()))
            .collect();
        codes.sort();
        Ok(Some(codes))
    };
    let mut all: BTreeSet<Day> = days.iter().copied().collect();
    for side in [old, new] {
        for g in &side.interp.tables().groups {
            all.extend(g.starts.iter().copied().filter(|d| *d <= until));
        }
    }
    let start = old.bundle.adopted.min(new.bundle.adopted);
    let all: Vec<Day> = all.into_iter().filter(|d| *d >= start).collect();
    // Holders that follow the chair's terms go on changing past the
    // horizon: their last period is compared up to it, not from then on.
    let by_chair = |name: &str| {
        [old, new].iter().any(|side| {
            side.bundle
                .groups
                .iter()
                .any(|g| g.name == name && !g.chair_roles.is_empty())
        })
    };
    type Holders = Option<Vec<String>>;
    let mut runs: Runs<String, (Holders, Holders)> = Runs::new();
    let mut open: Vec<&str> = Vec::new();
    for (day, next) in periods(&all) {
        for name in &names {
            if by_chair(name) && day > until {
                continue;
            }
            let (Ok(before), Ok(after)) = (holders(old, name, day), holders(new, name, day)) else {
                if !open.contains(name) {
                    open.push(name);
                }
                continue;
            };
            if before != after {
                let next = match next {
                    None if by_chair(name) => Some(until.saturating_add(1)),
                    Some(_) | None => next,
                };
                runs.push((*name).to_string(), day, next, (before, after));
            }
        }
    }
    notes.extend(open.into_iter().map(|name| {
        format!(
            "group `{name}`: not compared on the days either side leaves who holds it open (a period the text dates only approximately, or a taking of office dated by a window)"
        )
    }));
    runs.into_rows()
        .into_iter()
        .map(|(group, from, until, (before, after))| GroupChange {
            location: locator.clause_or_policy(group_clause(new, &group).as_deref()),
            group,
            from: date::format(from),
            until: fmt_until(until),
            before,
            after,
        })
        .collect()
}

/// The clause of NEW that names group `name`'s holders first.
fn group_clause(new: &Checked<'_>, name: &str) -> Option<String> {
    let g = new.bundle.groups.iter().find(|g| g.name == name)?;
    g.spans
        .first()
        .map(|s| s.cite.clause.clone())
        .or_else(|| g.chair_roles.first().map(|r| r.cite.clause.clone()))
}

/// The clause of NEW that states `code`'s membership or observer status.
fn membership_clause(new: &Checked<'_>, code: &str) -> Option<String> {
    let party = new.party(code)?;
    new.bundle
        .versions
        .iter()
        .rev()
        .flat_map(|v| v.membership.iter())
        .find(|m| m.party == party)
        .map(|m| m.cite.clause.clone())
}

fn status_changes(old: &Checked<'_>, new: &Checked<'_>, days: &[Day], locator: &Locator<'_>) -> Vec<StatusChange> {
    let codes = party_codes(old, new);
    let mut runs: Runs<String, (String, String)> = Runs::new();
    for (day, until) in periods(days) {
        for code in &codes {
            let (before, after) = (status_name(old, code, day), status_name(new, code, day));
            if before != after {
                runs.push(code.clone(), day, until, (before, after));
            }
        }
    }
    runs.into_rows()
        .into_iter()
        .map(|(party, from, until, (before, after))| StatusChange {
            location: locator.clause_or_policy(membership_clause(new, &party).as_deref()),
            party,
            from: date::format(from),
            until: fmt_until(until),
            before,
            after,
        })
        .collect()
}

/// A meeting of a kind on a day, with nobody named: what the rules say of
/// any such meeting.
fn blank_meeting(kind: ir::MeetingKindId, day: Day) -> ir::Meeting {
    ir::Meeting {
        id: None,
        kind,
        date: day,
        host: None,
        present: Vec::new(),
        observers: Vec::new(),
    }
}

/// Each party's part in decisions at a meeting of `kind` on `day`.
fn roles(side: &Checked<'_>, kind: &str, day: Day, codes: &[String]) -> Vec<Role> {
    let (Some(kind), Some(version)) = (side.meeting_kind(kind), tables::version_at(side.bundle, day)) else {
        return vec![Role::Other; codes.len()];
    };
    let t = side.interp.tables();
    let meeting = blank_meeting(kind, day);
    let members = tables::meeting_members(version, &t.epochs, &t.groups, &meeting);
    let observers = t.epochs.observers_at(day);
    let deciders = version.observers_may_decide();
    codes
        .iter()
        .map(|code| match side.party(code) {
            Some(p) if tables::contains(members, p) => Role::Member,
            Some(p) if deciders && tables::contains(observers, p) && version.observer_decides(p, day, kind) => {
                Role::Voter
            }
            Some(_) | None => Role::Other,
        })
        .collect()
}

/// The rule a decision of kind `decision` meets at a meeting of `kind` on
/// `day`, and the clause that states it.
fn rule_key(side: &Checked<'_>, kind: &str, decision: &str, day: Day) -> (RuleKey, Option<String>) {
    let (Some(kind), Some(version)) = (side.meeting_kind(kind), tables::version_at(side.bundle, day)) else {
        return (RuleKey::new(false, ir::DecisionRule::Consensus, None, false), None);
    };
    let reserved = side.decision_kind(decision).and_then(|d| {
        version
            .reservations
            .iter()
            .find(|r| r.decision == d && !r.meetings.contains(&kind))
    });
    let consensus = version.rule_at(kind);
    // Where the kind is reserved (to this meeting or others), the clause
    // that reserves it; else the decision rule's.
    let reservation = side
        .decision_kind(decision)
        .and_then(|d| version.reservations.iter().find(|r| r.decision == d));
    let clause = reservation
        .map(|r| r.cite.clause.clone())
        .or_else(|| consensus.cite.as_ref().map(|c| c.clause.clone()));
    (
        RuleKey::new(
            reserved.is_none(),
            consensus.rule,
            consensus.quorum,
            consensus.of_all_members,
        ),
        clause,
    )
}

/// The clause of the decision rule at meetings of `kind` on `day`.
fn rule_key_clause(side: &Checked<'_>, kind: &str, day: Day) -> Option<String> {
    let (kind, version) = (side.meeting_kind(kind)?, tables::version_at(side.bundle, day)?);
    version.rule_at(kind).cite.as_ref().map(|c| c.clause.clone())
}

#[derive(Debug, Clone, PartialEq)]
struct DecisionValue {
    domain: Count,
    valid_before: Count,
    valid_after: Count,
    now_invalid: Option<Example>,
    now_valid: Option<Example>,
    clause: Option<String>,
}

fn example(direction: Option<decisions::Direction>, classes: &[Vec<&String>]) -> Option<Example> {
    let direction = direction?;
    let mut present = Vec::new();
    let mut objecting = Vec::new();
    for ((favour, objects), class) in direction.example.iter().zip(classes) {
        objecting.extend(class.iter().take(*objects).map(|c| (*c).clone()));
        present.extend(class.iter().take(objects + favour).map(|c| (*c).clone()));
    }
    present.sort();
    objecting.sort();
    Some(Example {
        count: direction.count,
        present,
        objecting,
    })
}

fn decision_changes(
    old: &Checked<'_>,
    new: &Checked<'_>,
    days: &[Day],
    locator: &Locator<'_>,
    notes: &mut Vec<String>,
) -> Vec<DecisionChange> {
    let kinds: BTreeSet<&String> = old
        .bundle
        .meeting_kinds
        .iter()
        .chain(&new.bundle.meeting_kinds)
        .collect();
    let decision_kinds: BTreeSet<&String> = old
        .bundle
        .decision_kinds
        .iter()
        .chain(&new.bundle.decision_kinds)
        .collect();
    let codes = party_codes(old, new);
    let mut cache = Cache::default();
    let mut runs: Runs<(String, String), DecisionValue> = Runs::new();
    let mut too_large = BTreeSet::new();
    for (day, until) in periods(days) {
        for kind in &kinds {
            let (before, after) = (roles(old, kind, day, &codes), roles(new, kind, day, &codes));
            let mut classes: BTreeMap<(Role, Role), Vec<&String>> = BTreeMap::new();
            let mut others = 0;
            for ((code, b), a) in codes.iter().zip(&before).zip(&after) {
                match (b, a) {
                    (Role::Other, Role::Other) => others += 1,
                    (b, a) => classes.entry((*b, *a)).or_default().push(code),
                }
            }
            let lists: Vec<Vec<&String>> = classes.values().cloned().collect();
            let shape: Vec<Class> = classes
                .iter()
                .map(|((b, a), list)| Class {
                    before: *b,
                    after: *a,
                    size: list.len(),
                })
                .collect();
            for decision in &decision_kinds {
                let (key_before, clause_before) = rule_key(old, kind, decision, day);
                let (key_after, clause_after) = rule_key(new, kind, decision, day);
                // A change of who may take the decision is the reservation's;
                // any other, the decision rule's.
                let clause = if key_before.allowed != key_after.allowed {
                    clause_after.or(clause_before)
                } else {
                    rule_key_clause(new, kind, day).or(clause_after)
                };
                if key_before == key_after && before == after {
                    continue;
                }
                let problem = Problem {
                    before: key_before,
                    after: key_after,
                    classes: shape.clone(),
                    others,
                };
                let Some(outcome) = cache.compare(problem) else {
                    too_large.insert((*kind).clone());
                    continue;
                };
                if outcome.now_invalid.is_none() && outcome.now_valid.is_none() {
                    continue;
                }
                let value = DecisionValue {
                    domain: outcome.domain,
                    valid_before: outcome.valid_before,
                    valid_after: outcome.valid_after,
                    now_invalid: example(outcome.now_invalid, &lists),
                    now_valid: example(outcome.now_valid, &lists),
                    clause,
                };
                runs.push(((*kind).clone(), (*decision).clone()), day, until, value);
            }
        }
    }
    for kind in too_large {
        notes.push(format!(
            "decisions at `{kind}` meetings: some days have more than {} combinations of counts to enumerate; they were not compared",
            decisions::MAX_TUPLES
        ));
    }
    // Decision kinds with the same change at the same meetings over the
    // same period make one row.
    let mut out: Vec<DecisionChange> = Vec::new();
    let mut rows = runs.into_rows();
    rows.sort_by(|a, b| (&a.0 .0, a.1, &a.0 .1).cmp(&(&b.0 .0, b.1, &b.0 .1)));
    for ((meeting, decision), from, until, value) in rows {
        let (from, until) = (date::format(from), fmt_until(until));
        if let Some(row) = out.iter_mut().find(|r| {
            r.meetings.last() == Some(&meeting)
                && r.from == from
                && r.until == until
                && r.domain == value.domain
                && r.valid_before == value.valid_before
                && r.valid_after == value.valid_after
                && r.now_invalid == value.now_invalid
                && r.now_valid == value.now_valid
        }) {
            row.decisions.push(decision);
            continue;
        }
        out.push(DecisionChange {
            meetings: vec![meeting],
            decisions: vec![decision],
            from,
            until,
            domain: value.domain,
            valid_before: value.valid_before,
            valid_after: value.valid_after,
            now_invalid: value.now_invalid,
            now_valid: value.now_valid,
            location: locator.clause_or_policy(value.clause.as_deref()),
        });
    }
    // Then meeting kinds with the same change to the same decision kinds.
    let mut grouped: Vec<DecisionChange> = Vec::new();
    for row in out {
        if let Some(same) = grouped.iter_mut().find(|g| {
            g.decisions == row.decisions
                && g.from == row.from
                && g.until == row.until
                && g.domain == row.domain
                && g.valid_before == row.valid_before
                && g.valid_after == row.valid_after
                && g.now_invalid == row.now_invalid
                && g.now_valid == row.now_valid
        }) {
            same.meetings.extend(row.meetings);
        } else {
            grouped.push(row);
        }
    }
    grouped
}

fn rights(side: &Checked<'_>, kind: &str, code: &str, day: Day) -> Rights {
    match (side.meeting_kind(kind), side.party(code)) {
        (Some(kind), Some(party)) => {
            let meeting = blank_meeting(kind, day);
            Rights {
                attend: side.interp.may_attend(party, &meeting),
                speak: side.interp.may_speak(party, &meeting),
            }
        }
        (None, _) | (_, None) => Rights {
            attend: false,
            speak: false,
        },
    }
}

fn attendance_changes(
    old: &Checked<'_>,
    new: &Checked<'_>,
    days: &[Day],
    locator: &Locator<'_>,
) -> Vec<AttendanceChange> {
    let kinds: BTreeSet<&String> = old
        .bundle
        .meeting_kinds
        .iter()
        .chain(&new.bundle.meeting_kinds)
        .collect();
    let codes = party_codes(old, new);
    let mut runs: Runs<(String, String), (Rights, Rights)> = Runs::new();
    for (day, until) in periods(days) {
        for kind in &kinds {
            for code in &codes {
                let (before, after) = (rights(old, kind, code, day), rights(new, kind, code, day));
                if before != after {
                    runs.push(((*kind).clone(), code.clone()), day, until, (before, after));
                }
            }
        }
    }
    let mut out: Vec<AttendanceChange> = Vec::new();
    let mut rows = runs.into_rows();
    rows.sort_by(|a, b| (&a.0 .0, a.1, &a.0 .1).cmp(&(&b.0 .0, b.1, &b.0 .1)));
    for ((meeting, party), from, until, (before, after)) in rows {
        let (from, until) = (date::format(from), fmt_until(until));
        if let Some(row) = out.iter_mut().find(|r| {
            r.meetings.last() == Some(&meeting)
                && r.from == from
                && r.until == until
                && r.before == before
                && r.after == after
        }) {
            row.parties.push(party);
            continue;
        }
        let clause = membership_clause(new, &party).or_else(|| {
            new.bundle
                .versions
                .last()
                .and_then(|v| v.observers.as_ref())
                .map(|o| o.cite.clause.clone())
        });
        out.push(AttendanceChange {
            meetings: vec![meeting],
            parties: vec![party],
            from,
            until,
            before,
            after,
            location: locator.clause_or_policy(clause.as_deref()),
        });
    }
    // Then meeting kinds with the same change for the same parties.
    let mut grouped: Vec<AttendanceChange> = Vec::new();
    for row in out {
        if let Some(same) = grouped.iter_mut().find(|g| {
            g.parties == row.parties
                && g.from == row.from
                && g.until == row.until
                && g.before == row.before
                && g.after == row.after
        }) {
            same.meetings.extend(row.meetings);
        } else {
            grouped.push(row);
        }
    }
    grouped
}

/// The meeting obligations in force on a day, by meeting kind, with the
/// clause of each.
fn obligations(side: &Checked<'_>, day: Day) -> BTreeMap<String, (Obligation, String)> {
    let Some(version) = tables::version_at(side.bundle, day) else {
        return BTreeMap::new();
    };
    version
        .obligations
        .iter()
        .map(|o| {
            let kind = side
                .bundle
                .meeting_kinds
                .get(o.kind as usize)
                .cloned()
                .unwrap_or_else(|| format!("#{}", o.kind));
            let obligation = Obligation {
                strength: match o.strength {
                    ir::Strength::Must => "must".to_string(),
                    ir::Strength::Should => "should".to_string(),
                },
                // A range as the policy writes it: `6 months to 1 year`.
                every: match &o.at_least {
                    Some(shortest) => format!("{} to {}", duration_text(shortest), duration_text(&o.every)),
                    None => duration_text(&o.every),
                },
                per_member: o.per_member,
                hosted_by_chair: o.hosted_by_chair,
            };
            (kind, (obligation, o.cite.clause.clone()))
        })
        .collect()
}

fn cadence_changes(old: &Checked<'_>, new: &Checked<'_>, days: &[Day], locator: &Locator<'_>) -> Vec<CadenceChange> {
    type Pair = (Option<Obligation>, Option<Obligation>);
    let mut runs: Runs<String, Pair> = Runs::new();
    let mut clauses: BTreeMap<String, String> = BTreeMap::new();
    for (day, until) in periods(days) {
        let (before, after) = (obligations(old, day), obligations(new, day));
        let kinds: BTreeSet<&String> = before.keys().chain(after.keys()).collect();
        for kind in kinds {
            let (b, a) = (before.get(kind), after.get(kind));
            if let Some((_, clause)) = a.or(b) {
                clauses.insert(kind.clone(), clause.clone());
            }
            let (b, a) = (b.map(|x| x.0.clone()), a.map(|x| x.0.clone()));
            if b != a {
                runs.push(kind.clone(), day, until, (b, a));
            }
        }
    }
    runs.into_rows()
        .into_iter()
        .map(|(meeting, from, until, (before, after))| CadenceChange {
            location: locator.clause_or_policy(clauses.get(&meeting).map(String::as_str)),
            meeting,
            from: date::format(from),
            until: fmt_until(until),
            before,
            after,
        })
        .collect()
}

/// The values an argument of type `ty` ranges over on each side (paired),
/// with what they are; an error names a type with no bounded domain.
fn argument_domain(
    old: &Checked<'_>,
    new: &Checked<'_>,
    ty: &Type,
    days: &[Day],
) -> Result<(Vec<(Value, Value)>, String), String> {
    let names = |a: &[String], b: &[String]| -> Vec<(u32, u32)> {
        a.iter()
            .enumerate()
            .filter_map(|(i, n)| b.iter().position(|m| m == n).map(|j| (i as u32, j as u32)))
            .collect()
    };
    match ty {
        Type::Bool => Ok((
            vec![
                (Value::Bool(false), Value::Bool(false)),
                (Value::Bool(true), Value::Bool(true)),
            ],
            "true and false".to_string(),
        )),
        Type::Party => Ok((
            old.bundle
                .parties
                .iter()
                .enumerate()
                .filter_map(|(i, p)| new.party(&p.id).map(|j| (Value::Party(i as u32), Value::Party(j))))
                .collect(),
            "every party both texts declare".to_string(),
        )),
        Type::Date => Ok((
            days.iter().map(|d| (Value::Date(*d), Value::Date(*d))).collect(),
            format!("the {} days on which either text changes something", days.len()),
        )),
        Type::Status => Ok((
            [
                Status::Member,
                Status::Pending,
                Status::Observer,
                Status::Invited,
                Status::None,
                Status::Suspended,
            ]
            .into_iter()
            .map(|s| (Value::Status(s), Value::Status(s)))
            .collect(),
            "every status".to_string(),
        )),
        Type::MeetingKind => Ok((
            names(&old.bundle.meeting_kinds, &new.bundle.meeting_kinds)
                .into_iter()
                .map(|(i, j)| (Value::MeetingKind(i), Value::MeetingKind(j)))
                .collect(),
            "every meeting kind both texts name".to_string(),
        )),
        Type::DecisionKind => Ok((
            names(&old.bundle.decision_kinds, &new.bundle.decision_kinds)
                .into_iter()
                .map(|(i, j)| (Value::DecisionKind(i), Value::DecisionKind(j)))
                .collect(),
            "every decision kind both texts name".to_string(),
        )),
        Type::Group => {
            let (a, b): (Vec<String>, Vec<String>) = (
                old.bundle.groups.iter().map(|g| g.name.clone()).collect(),
                new.bundle.groups.iter().map(|g| g.name.clone()).collect(),
            );
            Ok((
                names(&a, &b)
                    .into_iter()
                    .map(|(i, j)| (Value::Group(i), Value::Group(j)))
                    .collect(),
                "every group both texts name".to_string(),
            ))
        }
        Type::Int | Type::Duration | Type::Meeting | Type::Decision | Type::Violation | Type::Set(_) | Type::None => {
            Err(format!(
                "an argument of type {} ranges over no bounded domain",
                type_name(ty)
            ))
        }
    }
}

fn type_name(ty: &Type) -> String {
    match ty {
        Type::Bool => "bool".to_string(),
        Type::Int => "int".to_string(),
        Type::Date => "date".to_string(),
        Type::Duration => "duration".to_string(),
        Type::Party => "party".to_string(),
        Type::Status => "status".to_string(),
        Type::MeetingKind => "meeting kind".to_string(),
        Type::DecisionKind => "decision kind".to_string(),
        Type::Group => "group".to_string(),
        Type::Meeting => "meeting".to_string(),
        Type::Decision => "decision".to_string(),
        Type::Violation => "violation".to_string(),
        Type::Set(inner) => format!("set<{}>", type_name(inner)),
        Type::None => "none".to_string(),
    }
}

/// A rule's answer as JSON (an error as `{"error": ...}`), comparable across sides.
fn answer(side: &Checked<'_>, index: usize, args: Vec<Value>) -> serde_json::Value {
    let call = Expr::Rule(index as u32, (0..args.len() as u32).map(Expr::Local).collect());
    let mut locals = args;
    match side.interp.eval(&call, &mut locals) {
        Ok(value) => value.to_json(side.bundle),
        Err(e) => serde_json::json!({ "error": e.to_string() }),
    }
}

fn rule_changes(old: &Checked<'_>, new: &Checked<'_>, days: &[Day], locator: &Locator<'_>) -> Vec<RuleChange> {
    let mut out = Vec::new();
    let change = |rule: &str, change: &'static str, reason: Option<String>| RuleChange {
        rule: rule.to_string(),
        change,
        compared: 0,
        differing: 0,
        domain: Vec::new(),
        example: None,
        reason,
        location: locator.rule(rule),
    };
    for rule in &old.bundle.rules {
        if !new.bundle.rules.iter().any(|r| r.name == rule.name) {
            out.push(RuleChange {
                location: None,
                ..change(&rule.name, "removed", None)
            });
        }
    }
    for (j, rule) in new.bundle.rules.iter().enumerate() {
        let Some((i, was)) = old.bundle.rules.iter().enumerate().find(|(_, r)| r.name == rule.name) else {
            out.push(change(&rule.name, "added", None));
            continue;
        };
        if was.param_types != rule.param_types || was.returns != rule.returns {
            out.push(change(&rule.name, "signature", None));
            continue;
        }
        let mut domains = Vec::new();
        let mut described = Vec::new();
        let mut unbounded = None;
        for ty in &rule.param_types {
            match argument_domain(old, new, ty, days) {
                Ok((values, what)) => {
                    domains.push(values);
                    described.push(what);
                }
                Err(reason) => unbounded = Some(reason),
            }
        }
        let total = domains.iter().try_fold(1usize, |acc, d| acc.checked_mul(d.len()));
        let reason = match (unbounded, total) {
            (Some(reason), _) => Some(reason),
            (None, None) => Some(format!("more than {MAX_RULE_ARGUMENTS} argument tuples")),
            (None, Some(n)) if n > MAX_RULE_ARGUMENTS => {
                Some(format!("{n} argument tuples, more than {MAX_RULE_ARGUMENTS}"))
            }
            (None, Some(_)) => None,
        };
        if let Some(reason) = reason {
            if was.body != rule.body {
                out.push(change(&rule.name, "not-compared", Some(reason)));
            }
            continue;
        }
        // Every tuple of the product, in order.
        let total = total.unwrap_or(0);
        let (mut differing, mut first) = (0usize, None);
        for n in 0..total {
            let mut rest = n;
            let (mut a, mut b) = (Vec::new(), Vec::new());
            for domain in domains.iter().rev() {
                let len = domain.len().max(1);
                if let Some((x, y)) = domain.get(rest % len) {
                    a.push(x.clone());
                    b.push(y.clone());
                }
                rest /= len;
            }
            a.reverse();
            b.reverse();
            let shown: Vec<serde_json::Value> = a.iter().map(|v| v.to_json(old.bundle)).collect();
            let (before, after) = (answer(old, i, a), answer(new, j, b));
            if before != after {
                differing += 1;
                if first.is_none() {
                    first = Some(RuleExample {
                        arguments: shown,
                        before,
                        after,
                    });
                }
            }
        }
        if differing > 0 {
            out.push(RuleChange {
                compared: total,
                differing,
                domain: described,
                example: first,
                ..change(&rule.name, "answers", None)
            });
        }
    }
    out
}

fn history_changes(old: &Checked<'_>, new: &Checked<'_>, locator: &Locator<'_>) -> Vec<HistoryChange> {
    let (Some(a), Some(b)) = (&old.report, &new.report) else {
        return Vec::new();
    };
    let key = |f: &Finding| {
        (
            f.code.clone(),
            f.severity,
            f.day,
            f.parties.clone(),
            f.meeting.clone(),
            f.decision.clone(),
            f.message.clone(),
        )
    };
    let (ka, kb): (BTreeSet<_>, BTreeSet<_>) = (
        a.findings.iter().map(key).collect(),
        b.findings.iter().map(key).collect(),
    );
    let located = |f: &Finding| locator.clause_or_policy(f.clause.as_deref().map(|c| c.trim_start_matches("§ ")));
    let mut out: Vec<HistoryChange> = b
        .findings
        .iter()
        .filter(|f| !ka.contains(&key(f)))
        .map(|f| HistoryChange {
            change: "appeared",
            finding: f.clone(),
            location: located(f),
        })
        .collect();
    out.extend(
        a.findings
            .iter()
            .filter(|f| !kb.contains(&key(f)))
            .map(|f| HistoryChange {
                change: "disappeared",
                finding: f.clone(),
                location: located(f),
            }),
    );
    out
}
