//! `Package` + `Env` -> temporal consistency diagnostics: every date is on
//! the calendar, intervals run forwards and do not overlap, terms and
//! cadences are positive, deadlines fall after adoption, and the rotation has
//! someone eligible to start it.

use std::collections::BTreeMap;

use charter_grammar::ast::*;

use crate::diagnostics::TemporalDiagnostic;
use crate::package::{FileId, Package, Sink};
use crate::resolve::{items, records, Env};

/// A calendar day, ordered.
pub type Day = (i16, i8, i8);

pub fn day(date: &DateLit) -> Day {
    (date.year, date.month, date.day)
}

/// Whether a literal names a real calendar day.
pub fn is_valid(date: &DateLit) -> bool {
    jiff::civil::Date::new(date.year, date.month, date.day).is_ok()
}

pub fn check(package: &Package<'_>, env: &Env<'_>, sink: &mut Sink) {
    check_all_dates(package, sink);
    let adopted = check_header(package, sink);
    check_statements(package, env, adopted, sink);
}

fn check_all_dates(package: &Package<'_>, sink: &mut Sink) {
    let mut dates: Vec<(FileId, DateLit)> = Vec::new();
    for field in &package.policy.header.fields {
        if let HeaderField::Adopted(d) = field {
            dates.push((package.policy_file, *d));
        }
    }
    for item in items(package) {
        let mut found = Vec::new();
        item_dates(item.node, &mut found);
        dates.extend(found.into_iter().map(|d| (item.file, d)));
    }
    for (file, record) in records(package) {
        let mut found = Vec::new();
        record_dates(record, &mut found);
        dates.extend(found.into_iter().map(|d| (file, d)));
    }
    report_invalid_dates(dates, sink);
}

/// Checks the dates of a query expression, as a policy's are checked.
pub fn check_query(file: FileId, expr: &Expr, sink: &mut Sink) {
    let mut found = Vec::new();
    expr_dates(expr, &mut found);
    report_invalid_dates(found.into_iter().map(|d| (file, d)).collect(), sink);
}

fn report_invalid_dates(dates: Vec<(FileId, DateLit)>, sink: &mut Sink) {
    for (file, date) in dates {
        if !is_valid(&date) {
            sink.push(
                file,
                TemporalDiagnostic::InvalidDate {
                    date: format!("{:04}-{:02}-{:02}", date.year, date.month, date.day),
                    span: date.span,
                    help: invalid_date_help(&date),
                },
            );
        }
    }
}

fn invalid_date_help(date: &DateLit) -> String {
    if !(1..=12).contains(&date.month) {
        return "months run from 01 to 12; dates are written `YYYY-MM-DD`".to_string();
    }
    match jiff::civil::Date::new(date.year, date.month, 1) {
        Ok(first) => format!("{:04}-{:02} has {} days", date.year, date.month, first.days_in_month()),
        Err(_) => "dates are written `YYYY-MM-DD`".to_string(),
    }
}

/// Checks the policy header; returns the adoption date if there is one.
fn check_header(package: &Package<'_>, sink: &mut Sink) -> Option<Day> {
    let file = package.policy_file;
    let header = &package.policy.header;
    let mut seen: BTreeMap<&str, Span> = BTreeMap::new();
    let mut adopted = None;
    for field in &header.fields {
        let (name, span) = match field {
            HeaderField::Ref(s) => ("ref", s.span),
            HeaderField::Adopted(d) => {
                adopted = Some(day(d));
                ("adopted", d.span)
            }
            HeaderField::Source(s) => ("source", s.span),
        };
        if let Some(first) = seen.insert(name, span) {
            sink.push(
                file,
                TemporalDiagnostic::DuplicateHeaderField {
                    field: name,
                    span,
                    first,
                },
            );
        }
    }
    if adopted.is_none() {
        sink.push(
            file,
            TemporalDiagnostic::NoAdoptionDate {
                title: header.title.value.clone(),
                span: header.title.span,
            },
        );
    }
    adopted
}

/// An interval of membership `[start, end)` claimed by one statement.
struct Claim {
    file: FileId,
    start: Option<Day>,
    end: Option<Day>,
    span: Span,
}

fn check_statements(package: &Package<'_>, env: &Env<'_>, adopted: Option<Day>, sink: &mut Sink) {
    let mut claims: BTreeMap<String, Vec<Claim>> = BTreeMap::new();
    let mut joins: BTreeMap<String, Day> = BTreeMap::new();
    let mut once: BTreeMap<(FileId, &'static str), Span> = BTreeMap::new();
    let mut rotations: Vec<(FileId, &Stmt, &[RotationItem])> = Vec::new();
    for item in items(package) {
        let file = item.file;
        match item.node {
            Item::Party(decl) => check_renames(file, decl, sink),
            Item::Stmt(stmt) => {
                if let Some(kind) = once_kind(&stmt.kind) {
                    if let Some(first) = once.insert((file, kind), stmt.span) {
                        sink.push(
                            file,
                            TemporalDiagnostic::DuplicateStatement {
                                kind,
                                span: stmt.span,
                                first,
                            },
                        );
                    }
                }
                match &stmt.kind {
                    StmtKind::Members { parties, from, until } => {
                        if let Some(until) = until {
                            if day(until) <= day(from) {
                                sink.push(
                                    file,
                                    out_of_order(from, until, "membership ends on or before it starts"),
                                );
                            }
                        }
                        for p in parties {
                            joins.entry(p.name.clone()).or_insert(day(from));
                            claims.entry(p.name.clone()).or_default().push(Claim {
                                file,
                                start: Some(day(from)),
                                end: until.as_ref().map(day),
                                span: p.span,
                            });
                        }
                    }
                    StmtKind::Pending { parties, deadline } => {
                        if let Some(adopted) = adopted {
                            if day(deadline) <= adopted {
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
                        }
                        for p in parties {
                            joins.entry(p.name.clone()).or_insert(day(deadline));
                            claims.entry(p.name.clone()).or_default().push(Claim {
                                file,
                                start: adopted,
                                end: None,
                                span: p.span,
                            });
                        }
                    }
                    StmtKind::Withdrawal { party, on } => {
                        if let Some(joined) = joins.get(&party.name) {
                            if day(on) <= *joined {
                                sink.push(
                                    file,
                                    TemporalDiagnostic::WithdrawalBeforeMembership {
                                        party: party.name.clone(),
                                        span: on.span,
                                    },
                                );
                            }
                        }
                    }
                    StmtKind::Rotation(rotation) => rotations.push((file, stmt, rotation)),
                    StmtKind::SupportUnit {
                        period: Some(period), ..
                    } => {
                        positive(file, period, "the Support Unit's period", sink);
                        at_most_a_century(file, period, "the Support Unit's period", sink);
                    }
                    StmtKind::Meeting(decl) => {
                        positive(file, &decl.every, "a meeting cadence", sink);
                        at_most_a_century(file, &decl.every, "a meeting cadence", sink);
                    }
                    StmtKind::SupportUnit { period: None, .. }
                    | StmtKind::Designate { .. }
                    | StmtKind::Location { .. }
                    | StmtKind::Observers { .. }
                    | StmtKind::Invite { .. }
                    | StmtKind::Decisions { .. }
                    | StmtKind::DecisionKind { .. }
                    | StmtKind::OpenTo { .. }
                    | StmtKind::Amendments { .. } => {}
                }
            }
            Item::Block(_) | Item::Rule(_) | Item::Test(_) | Item::NonNormative(_) => {}
        }
    }
    for (file, record) in records(package) {
        if let RecordKind::Decline { turn, .. } = &record.kind {
            if let Some(adopted) = adopted {
                if day(turn) < adopted {
                    sink.push(
                        file,
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
    }
    check_overlaps(&claims, sink);
    for (file, stmt, rotation) in rotations {
        // An amendment may restate only the parts of a rotation it changes.
        // The policy's own rotation must be complete (resolution checks an
        // amendment that starts a rotation the policy does not have).
        let complete = file == package.policy_file;
        let facts = PolicyFacts {
            claims: &claims,
            env,
            adopted,
        };
        check_rotation(file, stmt, rotation, &facts, complete, sink);
    }
}

/// Statements a file may hold only once.
fn once_kind(kind: &StmtKind) -> Option<&'static str> {
    match kind {
        StmtKind::Rotation(_) => Some("chair"),
        StmtKind::Decisions { .. } => Some("decisions"),
        StmtKind::Amendments { .. } => Some("amendments"),
        StmtKind::SupportUnit { .. } => Some("support_unit"),
        StmtKind::Location { .. } => Some("located"),
        StmtKind::Members { .. }
        | StmtKind::Pending { .. }
        | StmtKind::OpenTo { .. }
        | StmtKind::Withdrawal { .. }
        | StmtKind::Designate { .. }
        | StmtKind::Observers { .. }
        | StmtKind::Invite { .. }
        | StmtKind::Meeting(_)
        | StmtKind::DecisionKind { .. } => None,
    }
}

fn check_renames(file: FileId, decl: &PartyDecl, sink: &mut Sink) {
    for pair in decl.renames.windows(2) {
        if let [a, b] = pair {
            if day(&b.on) <= day(&a.on) {
                sink.push(file, out_of_order(&a.on, &b.on, "renames must be listed in date order"));
            }
        }
    }
}

fn out_of_order(first: &DateLit, second: &DateLit, why: &'static str) -> TemporalDiagnostic {
    TemporalDiagnostic::OutOfOrder {
        why,
        span: second.span,
        first: first.span,
    }
}

fn positive(file: FileId, duration: &DurationLit, what: &'static str, sink: &mut Sink) {
    if duration.amount <= 0 {
        sink.push(
            file,
            TemporalDiagnostic::NonPositive {
                what,
                span: duration.span,
            },
        );
    }
}

/// The shortest term of office, in days: a month (monthly presidencies
/// are real; a rotation every few days is not, and would make the term
/// table too long to walk).
pub const MIN_TERM_DAYS: i64 = 28;
/// The longest term, cadence or period: a century.
pub const MAX_DURATION_YEARS: i64 = 100;

/// Approximate length in days, enough to compare with the limits.
fn approx_days(duration: &DurationLit) -> i64 {
    match duration.unit {
        DurationUnit::Days => duration.amount,
        DurationUnit::Months => duration.amount.saturating_mul(30),
        DurationUnit::Years => duration.amount.saturating_mul(365),
    }
}

fn at_most_a_century(file: FileId, duration: &DurationLit, what: &'static str, sink: &mut Sink) -> bool {
    if approx_days(duration) <= MAX_DURATION_YEARS * 365 + MAX_DURATION_YEARS / 4 {
        return true;
    }
    sink.push(
        file,
        TemporalDiagnostic::TooLong {
            what,
            span: duration.span,
        },
    );
    false
}

fn term_in_range(file: FileId, length: &DurationLit, sink: &mut Sink) {
    if !at_most_a_century(file, length, "a term of office", sink) {
        return;
    }
    if length.amount > 0 && approx_days(length) < MIN_TERM_DAYS {
        sink.push(file, TemporalDiagnostic::TermTooShort { span: length.span });
    }
}

fn overlaps(a: &Claim, b: &Claim) -> bool {
    // An open start or end reaches as far as needed.
    let starts_before_end = |x: &Claim, y: &Claim| match (x.start, y.end) {
        (Some(s), Some(e)) => s < e,
        (None, _) | (_, None) => true,
    };
    starts_before_end(a, b) && starts_before_end(b, a)
}

fn check_overlaps(claims: &BTreeMap<String, Vec<Claim>>, sink: &mut Sink) {
    for (party, list) in claims {
        for (i, later) in list.iter().enumerate() {
            if let Some(earlier) = list.get(..i).unwrap_or_default().iter().find(|e| overlaps(e, later)) {
                sink.push(
                    later.file,
                    TemporalDiagnostic::OverlappingMembership {
                        party: party.clone(),
                        span: later.span,
                        first: (earlier.file == later.file).then_some(earlier.span),
                    },
                );
            }
        }
    }
}

/// What the rotation check needs to know of the rest of the policy.
struct PolicyFacts<'c, 'e, 'a> {
    claims: &'c BTreeMap<String, Vec<Claim>>,
    env: &'e Env<'a>,
    adopted: Option<Day>,
}

fn check_rotation(
    file: FileId,
    stmt: &Stmt,
    rotation: &[RotationItem],
    facts: &PolicyFacts<'_, '_, '_>,
    complete: bool,
    sink: &mut Sink,
) {
    let (claims, env, adopted) = (facts.claims, facts.env, facts.adopted);
    let mut first: Option<(&Ident, &DateLit)> = None;
    let mut terms: Vec<(&DurationLit, Option<&DateLit>, Span)> = Vec::new();
    let mut eligible: Option<Option<&[Ident]>> = None;
    for item in rotation {
        match &item.kind {
            RotationItemKind::First { party, from } => first = Some((party, from)),
            RotationItemKind::Term { length, from } => {
                positive(file, length, "a term of office", sink);
                term_in_range(file, length, sink);
                if let Some((_, _, earlier)) = terms.iter().find(|(_, f, _)| f.map(day) == from.as_ref().map(day)) {
                    sink.push(
                        file,
                        TemporalDiagnostic::OverlappingTerms {
                            span: item.span,
                            first: *earlier,
                        },
                    );
                }
                terms.push((length, from.as_ref(), item.span));
            }
            RotationItemKind::EligibleMembers => eligible = Some(None),
            RotationItemKind::EligibleParties(list) => eligible = Some(Some(list)),
            RotationItemKind::OrderAlphabetical { .. }
            | RotationItemKind::Voluntary
            | RotationItemKind::AllDecline { .. } => {}
        }
    }
    let missing: Vec<&str> = [("first", first.is_none()), ("term", terms.is_empty())]
        .into_iter()
        .filter_map(|(name, is_missing)| is_missing.then_some(name))
        .collect();
    if complete && !missing.is_empty() {
        sink.push(
            file,
            TemporalDiagnostic::IncompleteRotation {
                missing: missing.join("` or `"),
                span: stmt.span,
            },
        );
    }
    let Some((first_party, start)) = first else {
        return;
    };
    if let Some(adopted) = adopted {
        if day(start) < adopted {
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
    }
    let on = day(start);
    let pool: Vec<&str> = match eligible.flatten() {
        Some(list) => list.iter().map(|p| p.name.as_str()).collect(),
        None => claims
            .iter()
            .filter(|(party, list)| {
                env.parties.get(*party).is_some_and(|p| p.decl.kind == PartyKind::State)
                    && list
                        .iter()
                        .any(|c| c.start.is_none_or(|s| s <= on) && c.end.is_none_or(|e| on < e))
            })
            .map(|(party, _)| party.as_str())
            .collect(),
    };
    if pool.is_empty() {
        sink.push(
            file,
            TemporalDiagnostic::EmptyPool {
                date: format!("{:04}-{:02}-{:02}", start.year, start.month, start.day),
                span: start.span,
            },
        );
    } else if !pool.contains(&first_party.name.as_str()) && env.parties.contains_key(&first_party.name) {
        sink.push(
            file,
            TemporalDiagnostic::IneligibleFirstChair {
                party: first_party.name.clone(),
                pool: crate::resolve::backticked(&pool),
                span: first_party.span,
            },
        );
    }
}

// ------------------------------------------------------------------ date walkers

fn item_dates(item: &Item, out: &mut Vec<DateLit>) {
    match item {
        Item::Party(decl) => out.extend(decl.renames.iter().map(|r| r.on)),
        Item::Block(_) | Item::NonNormative(_) => {}
        Item::Rule(rule) => expr_dates(&rule.body, out),
        Item::Test(test) => test_dates(test, out),
        Item::Stmt(stmt) => match &stmt.kind {
            StmtKind::Members { from, until, .. } => {
                out.push(*from);
                out.extend(until.iter().copied());
            }
            StmtKind::Pending { deadline, .. } => out.push(*deadline),
            StmtKind::Withdrawal { on, .. } => out.push(*on),
            StmtKind::Meeting(decl) => out.extend(decl.anchor.iter().copied()),
            StmtKind::Rotation(items) => {
                for item in items {
                    match &item.kind {
                        RotationItemKind::First { from, .. } => out.push(*from),
                        RotationItemKind::Term { from, .. } => out.extend(from.iter().copied()),
                        RotationItemKind::EligibleMembers
                        | RotationItemKind::EligibleParties(_)
                        | RotationItemKind::OrderAlphabetical { .. }
                        | RotationItemKind::Voluntary
                        | RotationItemKind::AllDecline { .. } => {}
                    }
                }
            }
            StmtKind::OpenTo { .. }
            | StmtKind::Designate { .. }
            | StmtKind::SupportUnit { .. }
            | StmtKind::Location { .. }
            | StmtKind::Observers { .. }
            | StmtKind::Invite { .. }
            | StmtKind::Decisions { .. }
            | StmtKind::DecisionKind { .. }
            | StmtKind::Amendments { .. } => {}
        },
    }
}

fn test_dates(test: &TestDecl, out: &mut Vec<DateLit>) {
    for stmt in &test.stmts {
        match stmt {
            TestStmt::Let { value, .. } => expr_dates(value, out),
            TestStmt::Assert { expr, .. } => expr_dates(expr, out),
        }
    }
}

fn expr_dates(expr: &Expr, out: &mut Vec<DateLit>) {
    match &expr.kind {
        ExprKind::Date(d) => out.push(*d),
        ExprKind::Bool(_) | ExprKind::Int(_) | ExprKind::Duration(_) | ExprKind::None | ExprKind::Name(_) => {}
        ExprKind::Set(items) => items.iter().for_each(|e| expr_dates(e, out)),
        ExprKind::Record { fields, .. } => fields.iter().for_each(|(_, e)| expr_dates(e, out)),
        ExprKind::Call { args, .. } => args.iter().for_each(|e| expr_dates(e, out)),
        ExprKind::Field { base, .. } => expr_dates(base, out),
        ExprKind::Unary { operand, .. } => expr_dates(operand, out),
        ExprKind::Binary { lhs, rhs, .. } => {
            expr_dates(lhs, out);
            expr_dates(rhs, out);
        }
        ExprKind::If { cond, then, otherwise } => {
            expr_dates(cond, out);
            expr_dates(then, out);
            expr_dates(otherwise, out);
        }
        ExprKind::Quantifier { set, body, .. } => {
            expr_dates(set, out);
            expr_dates(body, out);
        }
    }
}

fn record_dates(record: &Record, out: &mut Vec<DateLit>) {
    match &record.kind {
        RecordKind::Meeting(meeting) => {
            for field in &meeting.fields {
                match &field.kind {
                    MeetingFieldKind::Date(spec) => out.push(spec.date),
                    MeetingFieldKind::Decision(decision) => {
                        for f in &decision.fields {
                            if let DecisionFieldKind::Elects { from: Some(spec), .. } = &f.kind {
                                out.push(spec.date);
                            }
                        }
                    }
                    MeetingFieldKind::Kind(_)
                    | MeetingFieldKind::Place(_)
                    | MeetingFieldKind::Host(_)
                    | MeetingFieldKind::Present(_)
                    | MeetingFieldKind::Observers(_)
                    | MeetingFieldKind::Source(_) => {}
                }
            }
        }
        RecordKind::Decline { turn, .. } => out.push(*turn),
        RecordKind::Designation { on, .. } | RecordKind::SilenceBroken { on, .. } | RecordKind::Joined { on, .. } => {
            out.push(on.date)
        }
        RecordKind::Handover { on, .. } => out.push(*on),
        RecordKind::Note { .. } => {}
        RecordKind::Test(test) => test_dates(test, out),
    }
}
