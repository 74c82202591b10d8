//! AST -> diagnostics for what cannot become a checked value of the
//! resolved tree: a date off the calendar, a term, cadence or period out of
//! range, a header without its adoption date or with a field given twice, a
//! statement a file may hold once given twice, renames out of date order, a
//! membership that ends before it starts.
//! Resolution builds the tree only from what passes here; the checks of how
//! checked values relate (intervals, overlaps, the rotation's start) are
//! the temporal check's, on the tree.

use std::collections::BTreeMap;

use charter_grammar::ast::*;

use crate::diagnostics::WellFormedDiagnostic;
use crate::package::{FileId, Package, Sink};
use crate::resolve::{items, records};

/// Checks every file of a package.
pub fn check(package: &Package<'_>, sink: &mut Sink) {
    check_all_dates(package, sink);
    check_header(package, sink);
    for (file, record) in records(package) {
        if let RecordKind::Party(decl) = &record.kind {
            check_renames(file, decl, sink);
        }
    }
    let mut once: BTreeMap<(FileId, &'static str), Span> = BTreeMap::new();
    for item in items(package) {
        let file = item.file;
        match item.node {
            Item::Party(decl) => check_renames(file, decl, sink),
            Item::Stmt(stmt) => {
                if let Some(kind) = once_kind(&stmt.kind) {
                    if let Some(first) = once.insert((file, kind), stmt.span) {
                        sink.push(
                            file,
                            WellFormedDiagnostic::DuplicateStatement {
                                kind,
                                span: stmt.span,
                                first,
                            },
                        );
                    }
                }
                check_durations(file, stmt, sink);
                let period = if let StmtKind::Members {
                    from,
                    until: Some(until),
                    ..
                }
                | StmtKind::NamedObservers {
                    from,
                    until: Some(until),
                    ..
                } = &stmt.kind
                {
                    Some((
                        from,
                        until,
                        "membership ends on or before it starts",
                        "membership ends before the last day it may start",
                    ))
                } else if let StmtKind::SupportUnit {
                    from: Some(from),
                    until: Some(until),
                    ..
                } = &stmt.kind
                {
                    Some((
                        from,
                        until,
                        "the Support Unit's period ends on or before it starts",
                        "the Support Unit's period ends before the last day it may start",
                    ))
                } else if let StmtKind::Office {
                    from: Some(from),
                    until: Some(until),
                    ..
                } = &stmt.kind
                {
                    Some((
                        from,
                        until,
                        "the office's period ends on or before it starts",
                        "the office's period ends before the last day it may start",
                    ))
                } else if let StmtKind::Group {
                    from: Some(from),
                    until: Some(until),
                    ..
                } = &stmt.kind
                {
                    Some((
                        from,
                        until,
                        "membership ends on or before it starts",
                        "membership of the group ends before the last day it may start",
                    ))
                } else {
                    None
                };
                if let Some((from, until, exact, approximate)) = period {
                    // The start's last possible day comes before the end's first.
                    if is_valid(&from.date) && is_valid(&until.date) && day(&until.date) <= last_day(from) {
                        let why = if from.precision == DatePrecision::Exact {
                            exact
                        } else {
                            approximate
                        };
                        sink.push(file, out_of_order(&from.date, &until.date, why));
                    }
                }
                for spec in statement_specs(&stmt.kind) {
                    between_in_order(file, spec, sink);
                }
                if let StmtKind::Seats {
                    from,
                    until: Some(until),
                    ..
                } = &stmt.kind
                {
                    if is_valid(from) && is_valid(until) && day(until) <= day(from) {
                        sink.push(
                            file,
                            out_of_order(from, until, "membership ends on or before it starts"),
                        );
                    }
                }
            }
            Item::Block(_) | Item::Rule(_) | Item::Test(_) | Item::NonNormative(_) => {}
        }
    }
}

/// Terms, cadences and periods: positive, at most a century, and a term at
/// least a month.
fn check_durations(file: FileId, stmt: &Stmt, sink: &mut Sink) {
    match &stmt.kind {
        StmtKind::SupportUnit {
            period: Some(period), ..
        } => {
            positive(file, period, "the Support Unit's period", sink);
            at_most_a_century(file, period, "the Support Unit's period", sink);
        }
        StmtKind::Meeting(decl) => {
            if let Some(cadence) = &decl.cadence {
                for every in std::iter::once(&cadence.every).chain(&cadence.to) {
                    positive(file, every, "a meeting cadence", sink);
                    at_most_a_century(file, every, "a meeting cadence", sink);
                }
                if let Some(to) = &cadence.to {
                    if approx_days(&cadence.every) >= approx_days(to) {
                        sink.push(
                            file,
                            WellFormedDiagnostic::CadenceRange {
                                span: Span::new(cadence.every.span.start, to.span.end),
                            },
                        );
                    }
                }
            }
        }
        StmtKind::Rotation(items) => {
            for item in items {
                if let RotationItemKind::Term { length, .. } = &item.kind {
                    positive(file, length, "a term of office", sink);
                    term_in_range(file, length, sink);
                }
            }
        }
        StmtKind::SupportUnit { period: None, .. }
        | StmtKind::Office { .. }
        | StmtKind::Members { .. }
        | StmtKind::NamedObservers { .. }
        | StmtKind::Pending { .. }
        | StmtKind::Withdrawal { .. }
        | StmtKind::Designate { .. }
        | StmtKind::HostDuty { .. }
        | StmtKind::Location { .. }
        | StmtKind::Observers { .. }
        | StmtKind::Invite { .. }
        | StmtKind::Decisions { .. }
        | StmtKind::DecisionKind { .. }
        | StmtKind::OpenTo { .. }
        | StmtKind::Group { .. }
        | StmtKind::Seats { .. }
        | StmtKind::Amendments { .. } => {}
    }
}

/// The last day a date as written may be, as `day` gives it: a window's
/// last (a month's or a year's last day as its 31st, which orders the
/// same), else the date itself.
fn last_day(spec: &DateSpec) -> (i16, i8, i8) {
    let (year, month, _) = day(&spec.date);
    match spec.precision {
        DatePrecision::Between(latest) => day(&latest),
        DatePrecision::InMonth => (year, month, 31),
        DatePrecision::InYear => (year, 12, 31),
        DatePrecision::Exact | DatePrecision::NoLaterThan | DatePrecision::NoEarlierThan => day(&spec.date),
    }
}

/// The dates of a statement that may be written approximately.
fn statement_specs(kind: &StmtKind) -> Vec<&DateSpec> {
    match kind {
        StmtKind::Members { from, until, .. } | StmtKind::NamedObservers { from, until, .. } => {
            std::iter::once(from).chain(until).collect()
        }
        StmtKind::Withdrawal { on, .. } => vec![on],
        StmtKind::SupportUnit { from, until, .. }
        | StmtKind::Office { from, until, .. }
        | StmtKind::Group { from, until, .. } => from.iter().chain(until).collect(),
        StmtKind::Pending { .. }
        | StmtKind::OpenTo { .. }
        | StmtKind::Designate { .. }
        | StmtKind::HostDuty { .. }
        | StmtKind::Rotation(_)
        | StmtKind::Location { .. }
        | StmtKind::Observers { .. }
        | StmtKind::Invite { .. }
        | StmtKind::Meeting(_)
        | StmtKind::Decisions { .. }
        | StmtKind::DecisionKind { .. }
        | StmtKind::Amendments { .. }
        | StmtKind::Seats { .. } => Vec::new(),
    }
}

/// `between D1 and D2` needs D1 before D2.
fn between_in_order(file: FileId, spec: &DateSpec, sink: &mut Sink) {
    if let DatePrecision::Between(latest) = spec.precision {
        if day(&latest) <= day(&spec.date) {
            sink.push(
                file,
                out_of_order(&spec.date, &latest, "a `between` window must end after it starts"),
            );
        }
    }
}

/// A literal's (year, month, day), ordered as days are.
fn day(date: &DateLit) -> (i16, i8, i8) {
    (date.year, date.month, date.day)
}

/// Whether a literal names a real calendar day.
fn is_valid(date: &DateLit) -> bool {
    charter_runtime::date::from_ymd(date.year, date.month, date.day).is_some()
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
    check_windows(package, sink);
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
                WellFormedDiagnostic::InvalidDate {
                    date: format!("{:04}-{:02}-{:02}", date.year, date.month, date.day),
                    span: date.span,
                    help: invalid_date_help(&date),
                },
            );
        }
    }
}

fn invalid_date_help(date: &DateLit) -> String {
    if date.year < 1 {
        return "the calendar runs from 0001-01-01 to 9999-12-31".to_string();
    }
    if !(1..=12).contains(&date.month) {
        return "months run from 01 to 12; dates are written `YYYY-MM-DD`".to_string();
    }
    match jiff::civil::Date::new(date.year, date.month, 1) {
        Ok(first) => format!("{:04}-{:02} has {} days", date.year, date.month, first.days_in_month()),
        Err(_) => "dates are written `YYYY-MM-DD`".to_string(),
    }
}

/// Checks the policy header: one adoption date, no field twice.
fn check_header(package: &Package<'_>, sink: &mut Sink) {
    let file = package.policy_file;
    let header = &package.policy.header;
    let mut seen: BTreeMap<&str, Span> = BTreeMap::new();
    let mut adopted = false;
    for field in &header.fields {
        let (name, span) = match field {
            HeaderField::Ref(s) => ("ref", s.span),
            HeaderField::Adopted(d) => {
                adopted = true;
                ("adopted", d.span)
            }
            HeaderField::Source(s) => ("source", s.span),
            HeaderField::Headings(h) => ("headings", h.span),
            HeaderField::Covers(list) => ("covers", list.first().map_or(header.span, |c| c.span)),
            // One per warning expected (the same code twice: the second
            // is met by no warning, and says so).
            HeaderField::Expect { .. } => continue,
        };
        if let Some(first) = seen.insert(name, span) {
            sink.push(
                file,
                WellFormedDiagnostic::DuplicateHeaderField {
                    field: name,
                    span,
                    first,
                },
            );
        }
    }
    if !adopted {
        sink.push(
            file,
            WellFormedDiagnostic::NoAdoptionDate {
                title: header.title.value.clone(),
                span: header.title.span,
            },
        );
    }
}

/// Statements a file may hold only once.
fn once_kind(kind: &StmtKind) -> Option<&'static str> {
    match kind {
        StmtKind::Rotation(_) => Some("chair"),
        // One general rule per file; rules for some kinds may be several.
        StmtKind::Decisions { at, .. } if at.is_empty() => Some("decisions"),
        StmtKind::Decisions { .. } => None,
        StmtKind::Amendments { .. } => Some("amendments"),
        // An undated Support Unit once; dated ones, one per period.
        StmtKind::SupportUnit {
            from: None,
            until: None,
            ..
        } => Some("support_unit"),
        StmtKind::SupportUnit { .. } => None,
        StmtKind::Location { .. } => Some("located"),
        StmtKind::Members { .. }
        | StmtKind::NamedObservers { .. }
        | StmtKind::Pending { .. }
        | StmtKind::OpenTo { .. }
        | StmtKind::Withdrawal { .. }
        | StmtKind::Designate { .. }
        | StmtKind::HostDuty { .. }
        | StmtKind::Observers { .. }
        | StmtKind::Invite { .. }
        | StmtKind::Meeting(_)
        | StmtKind::Group { .. }
        | StmtKind::Office { .. }
        | StmtKind::Seats { .. }
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

fn out_of_order(first: &DateLit, second: &DateLit, why: &'static str) -> WellFormedDiagnostic {
    WellFormedDiagnostic::OutOfOrder {
        why,
        span: second.span,
        first: first.span,
    }
}

fn positive(file: FileId, duration: &DurationLit, what: &'static str, sink: &mut Sink) {
    if duration.amount <= 0 {
        sink.push(
            file,
            WellFormedDiagnostic::NonPositive {
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
pub use crate::limits::MAX_DURATION_YEARS;

/// Approximate length in days, enough to compare with the limits.
fn approx_days(duration: &DurationLit) -> i64 {
    match duration.unit {
        DurationUnit::Days => duration.amount,
        DurationUnit::Months => duration.amount.saturating_mul(30),
        DurationUnit::Years => duration.amount.saturating_mul(365),
    }
}

fn at_most_a_century(file: FileId, duration: &DurationLit, what: &'static str, sink: &mut Sink) -> bool {
    // Each unit against its own limit: months counted as 30 days let
    // `term 1217 months` (101 years) pass.
    let limit = match duration.unit {
        DurationUnit::Days => MAX_DURATION_YEARS * 365 + MAX_DURATION_YEARS / 4,
        DurationUnit::Months => MAX_DURATION_YEARS * 12,
        DurationUnit::Years => MAX_DURATION_YEARS,
    };
    if duration.amount <= limit {
        return true;
    }
    sink.push(
        file,
        WellFormedDiagnostic::TooLong {
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
        sink.push(file, WellFormedDiagnostic::TermTooShort { span: length.span });
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
            StmtKind::Members { from, until, .. } | StmtKind::NamedObservers { from, until, .. } => {
                for spec in std::iter::once(from).chain(until) {
                    spec_dates(spec, out);
                }
            }
            StmtKind::Seats { from, until, .. } => {
                out.push(*from);
                out.extend(until.iter().copied());
            }
            StmtKind::SupportUnit { from, until, .. }
            | StmtKind::Office { from, until, .. }
            | StmtKind::Group { from, until, .. } => {
                for spec in from.iter().chain(until) {
                    spec_dates(spec, out);
                }
            }
            StmtKind::Pending { deadline, .. } => out.push(*deadline),
            StmtKind::Withdrawal { on, .. } => spec_dates(on, out),
            StmtKind::Meeting(decl) => out.extend(decl.cadence.iter().filter_map(|c| c.anchor)),
            StmtKind::Rotation(items) => {
                for item in items {
                    match &item.kind {
                        RotationItemKind::First { from, .. } | RotationItemKind::Permanent { from, .. } => {
                            out.push(*from)
                        }
                        RotationItemKind::Term { from, .. } => out.extend(from.iter().copied()),
                        RotationItemKind::EligibleMembers
                        | RotationItemKind::EligibleParties(_)
                        | RotationItemKind::OrderAlphabetical { .. }
                        | RotationItemKind::OrderFixed(_)
                        | RotationItemKind::OrderAlternating(_)
                        | RotationItemKind::Designated { .. }
                        | RotationItemKind::Candidacy { .. }
                        | RotationItemKind::Voluntary
                        | RotationItemKind::AllDecline { .. } => {}
                    }
                }
            }
            StmtKind::OpenTo { .. }
            | StmtKind::Designate { .. }
            | StmtKind::HostDuty { .. }
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
        ExprKind::Quantifier { set, body, .. } | ExprKind::Filter { set, cond: body, .. } => {
            expr_dates(set, out);
            expr_dates(body, out);
        }
    }
}

/// A record's date, and the last day of a `between` window.
fn spec_dates(spec: &DateSpec, out: &mut Vec<DateLit>) {
    out.push(spec.date);
    if let DatePrecision::Between(latest) = spec.precision {
        out.push(latest);
    }
}

/// Every date of a record written as a window or a single day.
fn record_specs(record: &Record) -> Vec<&DateSpec> {
    match &record.kind {
        RecordKind::Meeting(meeting) => meeting
            .fields
            .iter()
            .flat_map(|field| match &field.kind {
                MeetingFieldKind::Date(spec) => vec![spec],
                MeetingFieldKind::Decision(decision) => decision
                    .fields
                    .iter()
                    .filter_map(|f| match &f.kind {
                        DecisionFieldKind::Elects { from, .. } => from.as_ref(),
                        DecisionFieldKind::Kind(_)
                        | DecisionFieldKind::Objections(_)
                        | DecisionFieldKind::Reservations(_)
                        | DecisionFieldKind::Admits(_)
                        | DecisionFieldKind::Invites { .. }
                        | DecisionFieldKind::Further { .. }
                        | DecisionFieldKind::Inferred(_)
                        | DecisionFieldKind::Text(_)
                        | DecisionFieldKind::Source(_) => None,
                    })
                    .collect(),
                MeetingFieldKind::Kind(_)
                | MeetingFieldKind::Until(_)
                | MeetingFieldKind::Place(_)
                | MeetingFieldKind::Host(_)
                | MeetingFieldKind::Present { .. }
                | MeetingFieldKind::Observers(_)
                | MeetingFieldKind::Source(_)
                | MeetingFieldKind::Inferred(_) => Vec::new(),
            })
            .collect(),
        RecordKind::Application { on, outcome, .. } => std::iter::once(on)
            .chain(outcome.as_ref().and_then(|o| o.on.as_ref()))
            .collect(),
        RecordKind::Designation { on, .. }
        | RecordKind::SilenceBroken { on, .. }
        | RecordKind::Joined { on, .. }
        | RecordKind::Candidacy { on, .. }
        | RecordKind::Handover { on, .. }
        | RecordKind::RoleTaken { on, .. }
        | RecordKind::Vacancy { on }
        | RecordKind::Extension { until: on, .. }
        | RecordKind::Status { on, .. }
        | RecordKind::Snapshot { on, .. } => vec![on],
        RecordKind::Composition { from, until, .. } => std::iter::once(from).chain(until).collect(),
        RecordKind::Decline { .. }
        | RecordKind::Note { .. }
        | RecordKind::Test(_)
        | RecordKind::Party(_)
        | RecordKind::MeetingKind { .. } => Vec::new(),
    }
}

/// `between D1 and D2` needs D1 before D2, and a meeting's `until` day
/// comes after its `date`.
fn check_windows(package: &Package<'_>, sink: &mut Sink) {
    let key = |d: &DateLit| (d.year, d.month, d.day);
    for (file, record) in records(package) {
        if let RecordKind::Meeting(meeting) = &record.kind {
            // The meeting's first day as written (the window's end, for a window).
            let date = meeting.fields.iter().find_map(|f| {
                if let MeetingFieldKind::Date(spec) = &f.kind {
                    Some(if let DatePrecision::Between(latest) = spec.precision {
                        latest
                    } else {
                        spec.date
                    })
                } else {
                    None
                }
            });
            let until = meeting.fields.iter().find_map(|f| {
                if let MeetingFieldKind::Until(d) = &f.kind {
                    Some(*d)
                } else {
                    None
                }
            });
            if let (Some(date), Some(until)) = (date, until) {
                if key(&until) <= key(&date) {
                    sink.push(
                        file,
                        out_of_order(&date, &until, "a meeting's `until` day must come after its `date`"),
                    );
                }
            }
        }
        for spec in record_specs(record) {
            between_in_order(file, spec, sink);
        }
        // A composition's period, as a policy's.
        if let RecordKind::Composition {
            from,
            until: Some(until),
            ..
        } = &record.kind
        {
            if is_valid(&from.date) && is_valid(&until.date) && day(&until.date) <= last_day(from) {
                let why = if from.precision == DatePrecision::Exact {
                    "a composition's period ends on or before it starts"
                } else {
                    "a composition's period ends before the last day it may start"
                };
                sink.push(file, out_of_order(&from.date, &until.date, why));
            }
        }
        // A term a source states of one chairmanship.
        if let RecordKind::Handover {
            stated_term: Some(term),
            ..
        } = &record.kind
        {
            positive(file, term, "a chairmanship's stated term", sink);
            at_most_a_century(file, term, "a chairmanship's stated term", sink);
        }
    }
}

fn record_dates(record: &Record, out: &mut Vec<DateLit>) {
    match &record.kind {
        RecordKind::Meeting(meeting) => {
            for field in &meeting.fields {
                match &field.kind {
                    MeetingFieldKind::Date(spec) => spec_dates(spec, out),
                    MeetingFieldKind::Until(d) => out.push(*d),
                    MeetingFieldKind::Decision(decision) => {
                        for f in &decision.fields {
                            if let DecisionFieldKind::Elects { from: Some(spec), .. } = &f.kind {
                                spec_dates(spec, out);
                            }
                        }
                    }
                    MeetingFieldKind::Kind(_)
                    | MeetingFieldKind::Place(_)
                    | MeetingFieldKind::Host(_)
                    | MeetingFieldKind::Present { .. }
                    | MeetingFieldKind::Observers(_)
                    | MeetingFieldKind::Source(_)
                    | MeetingFieldKind::Inferred(_) => {}
                }
            }
        }
        RecordKind::Decline { turn, .. } => out.push(*turn),
        RecordKind::Designation { on, .. }
        | RecordKind::SilenceBroken { on, .. }
        | RecordKind::Joined { on, .. }
        | RecordKind::Candidacy { on, .. } => spec_dates(on, out),
        RecordKind::Handover { on, .. }
        | RecordKind::RoleTaken { on, .. }
        | RecordKind::Vacancy { on }
        | RecordKind::Extension { until: on, .. }
        | RecordKind::Status { on, .. }
        | RecordKind::Snapshot { on, .. } => spec_dates(on, out),
        RecordKind::Application { on, outcome, .. } => {
            spec_dates(on, out);
            if let Some(spec) = outcome.as_ref().and_then(|o| o.on.as_ref()) {
                spec_dates(spec, out);
            }
        }
        RecordKind::Composition { from, until, .. } => {
            for spec in std::iter::once(from).chain(until) {
                spec_dates(spec, out);
            }
        }
        RecordKind::Note { .. } | RecordKind::MeetingKind { .. } => {}
        RecordKind::Party(decl) => out.extend(decl.renames.iter().map(|r| r.on)),
        RecordKind::Test(test) => test_dates(test, out),
    }
}
