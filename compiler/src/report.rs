//! Checked policy + its history -> `Report`: the chair timeline the rules
//! derive beside what the history records, status over time, every recorded
//! meeting and decision judged under the rules in force, cadence findings,
//! coverage of the legal text and the drafter lints. Findings are not
//! errors: a report of a policy that checks is produced whatever history
//! shows.

use charter_grammar::diagnostic::line_column;
use charter_grammar::Diagnostic;
use charter_runtime::ir::{self, Day, Precision};
use charter_runtime::{date, Interpreter};
use serde::Serialize;

use crate::citations::{Coverage, CoverageState};

#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub policy: PolicyInfo,
    pub until: String,
    pub versions: Vec<VersionRow>,
    pub chair: Vec<TermRow>,
    pub status: Vec<PartyTimeline>,
    pub meetings: Vec<MeetingRow>,
    pub cadence: Vec<CadenceRow>,
    /// Interim arrangements whose period has passed while the text is
    /// silent on what follows.
    pub interim: Vec<String>,
    pub events: Vec<EventRow>,
    pub notes: Vec<NoteRow>,
    pub coverage: Option<CoverageSummary>,
    pub lints: Vec<LintRow>,
    pub summary: Summary,
}

#[derive(Debug, Clone, Serialize)]
pub struct PolicyInfo {
    pub title: String,
    pub reference: Option<String>,
    pub adopted: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct VersionRow {
    pub from: String,
    pub source: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct TermRow {
    pub start: String,
    pub end: String,
    /// The chair as the rules derive it; `None` when the chair is vacant.
    pub chair: Option<String>,
    /// What the history records about the chair in this term.
    pub recorded: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct PartyTimeline {
    pub party: String,
    pub periods: Vec<Period>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Period {
    pub from: String,
    pub until: Option<String>,
    pub status: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct MeetingRow {
    pub id: String,
    pub kind: String,
    pub date: String,
    pub precision: Precision,
    pub place: Option<String>,
    pub host: Option<String>,
    pub present: Vec<String>,
    pub observers: Vec<String>,
    pub sources: Vec<String>,
    pub decisions: Vec<DecisionRow>,
    /// Breaches of a rule (a host who is not the chair).
    pub violations: Vec<String>,
    /// Attendance the rules do not account for.
    pub findings: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct DecisionRow {
    pub id: String,
    pub kind: String,
    pub valid: bool,
    pub text: Option<String>,
    pub because: Vec<String>,
    pub sources: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct CadenceRow {
    pub due: String,
    pub kind: String,
    pub party: Option<String>,
    pub strength: String,
    /// `violation` (a must) or `advisory` (a should).
    pub finding: String,
    pub clause: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct EventRow {
    pub date: String,
    pub precision: Precision,
    pub topic: String,
    pub text: String,
    pub sources: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct NoteRow {
    pub text: String,
    pub sources: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct CoverageSummary {
    pub source: String,
    pub covered: usize,
    pub marked: usize,
    pub not_covered: usize,
    pub percent: usize,
    pub uncovered: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct LintRow {
    pub code: String,
    pub file: String,
    pub line: usize,
    pub message: String,
    pub help: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    pub violations: usize,
    pub advisories: usize,
    pub invalid_decisions: usize,
    pub findings: usize,
}

impl Summary {
    /// What `--deny-violations` fails on: missed obligations, invalid
    /// recorded decisions and breached host rules.
    pub fn has_violations(&self) -> bool {
        self.violations > 0 || self.invalid_decisions > 0
    }
}

/// Warnings of the checked files, for the lints section.
pub struct Warnings<'a> {
    pub file: &'a str,
    pub text: &'a str,
    pub diagnostics: &'a [Diagnostic],
}

/// How far past a policy's adoption a report may look: two centuries.
pub const MAX_HORIZON_YEARS: i64 = 200;

/// The last horizon a report on `bundle` accepts.
pub fn max_horizon(bundle: &ir::Bundle) -> Day {
    let years = ir::Duration {
        amount: MAX_HORIZON_YEARS,
        unit: ir::Unit::Years,
    };
    date::add(bundle.adopted, years, 1).unwrap_or(date::LAST)
}

pub fn build(
    bundle: &ir::Bundle,
    coverage: Option<&Coverage>,
    warnings: &[Warnings<'_>],
    until: Day,
) -> Result<Report, charter_runtime::EvalError> {
    // The audit explains every answer, which is the interpreter's work.
    let interp = Interpreter::new(bundle);
    let party = |p: ir::PartyId| interp.party_name(p);
    let parties = |list: &[ir::PartyId]| list.iter().map(|p| party(*p)).collect::<Vec<_>>();
    // A bundle lowered by the checker names every kind it uses; one read
    // from elsewhere may not, and then the report says so.
    let kind = |k: u32, names: &[String]| {
        names
            .get(k as usize)
            .cloned()
            .unwrap_or_else(|| format!("(undeclared kind #{k})"))
    };
    let events: Vec<&ir::Event> = bundle.history.events.iter().collect();

    let mut chair = Vec::new();
    // One walk over the terms that start by the horizon.
    for t in interp.terms_before(until.saturating_add(1))? {
        let recorded = events
            .iter()
            .filter(|e| e.topic == "chair" && e.day >= t.start && e.day < t.end)
            .map(|e| format!("{}: {}", with_precision(e.day, e.provenance.precision), e.text))
            .collect();
        chair.push(TermRow {
            start: date::format(t.start),
            end: date::format(t.end),
            chair: t.chair.map(party),
            recorded,
        });
    }

    let status = status_timelines(bundle, &interp, until);

    let mut summary = Summary {
        violations: 0,
        advisories: 0,
        invalid_decisions: 0,
        findings: 0,
    };
    let mut meetings = Vec::new();
    let mut ordered: Vec<&ir::MeetingRecord> = bundle.history.meetings.iter().collect();
    ordered.sort_by_key(|m| m.meeting.date);
    for record in ordered {
        let m = &record.meeting;
        let when = date::format(m.date);
        let mut violations = Vec::new();
        let mut findings = Vec::new();
        let version = interp.version_at(m.date);
        let hosted_by_chair =
            version.and_then(|v| v.obligations.iter().find(|o| o.kind == m.kind && o.hosted_by_chair));
        if let Some(obligation) = hosted_by_chair {
            let chair_then = interp.term_at(m.date)?.and_then(|t| t.chair);
            if chair_then.is_some() && m.host != chair_then {
                violations.push(format!(
                    "hosted by {}, but the chair on {when} is {} (§ {})",
                    m.host.map_or_else(|| "nobody recorded".to_string(), party),
                    chair_then.map_or_else(String::new, party),
                    obligation.cite.clause
                ));
            }
        }
        for p in m.present.iter().chain(&m.observers) {
            if !interp.may_attend(*p, m) {
                findings.push(format!(
                    "{} attended, but on {when} it is neither a member nor an admitted observer nor invited",
                    party(*p)
                ));
            }
        }
        let decisions: Vec<DecisionRow> = bundle
            .history
            .decisions
            .iter()
            .filter(|d| d.decision.meeting.id.as_ref() == Some(&record.id))
            .map(|d| {
                let verdict = interp.valid(&d.decision);
                Ok(DecisionRow {
                    id: d.id.clone(),
                    kind: kind(d.decision.kind, &bundle.decision_kinds),
                    valid: verdict.valid,
                    text: d.text.clone(),
                    because: verdict
                        .explanation
                        .because
                        .iter()
                        .map(|e| match &e.clause {
                            Some(c) => format!("{} ({c})", e.fact),
                            None => e.fact.clone(),
                        })
                        .collect(),
                    sources: d.sources.clone(),
                })
            })
            .collect::<Result<_, charter_runtime::EvalError>>()?;
        summary.invalid_decisions += decisions.iter().filter(|d| !d.valid).count();
        summary.violations += violations.len();
        summary.findings += findings.len();
        meetings.push(MeetingRow {
            id: record.id.clone(),
            kind: kind(m.kind, &bundle.meeting_kinds),
            date: when,
            precision: record.provenance.precision,
            place: record.place.clone(),
            host: m.host.map(party),
            present: parties(&m.present),
            observers: parties(&m.observers),
            sources: record.provenance.sources.clone(),
            decisions,
            violations,
            findings,
        });
    }

    let cadence: Vec<CadenceRow> = interp
        .violations(bundle.adopted, until)?
        .into_iter()
        .map(|v| CadenceRow {
            due: date::format(v.due),
            kind: kind(v.kind, &bundle.meeting_kinds),
            party: v.party.map(party),
            strength: match v.strength {
                ir::Strength::Must => "must".to_string(),
                ir::Strength::Should => "should".to_string(),
            },
            finding: match v.strength {
                ir::Strength::Must => "violation".to_string(),
                ir::Strength::Should => "advisory".to_string(),
            },
            clause: v.clause,
        })
        .collect();
    summary.violations += cadence.iter().filter(|c| c.finding == "violation").count();
    summary.advisories += cadence.iter().filter(|c| c.finding == "advisory").count();

    let mut interim = Vec::new();
    for version in &bundle.versions {
        for arrangement in &version.interim {
            let ends =
                date::add(version.from, arrangement.period, 1).ok_or(charter_runtime::EvalError::DateOutOfRange)?;
            if ends <= until && arrangement.after_period.is_none() {
                interim.push(format!(
                    "{} for {} from {} ended on {}, pending further decision; the text says neither that it lapses nor that it continues (§ {})",
                    arrangement.what,
                    charter_runtime::value::duration_text(&arrangement.period),
                    date::format(version.from),
                    date::format(ends),
                    arrangement.cite.clause
                ));
            }
        }
    }
    summary.findings += interim.len();

    let coverage = coverage.map(|c| {
        let (covered, marked, not_covered) = c.counts();
        let total = covered + marked + not_covered;
        CoverageSummary {
            source: c.source.clone(),
            covered,
            marked,
            not_covered,
            percent: ((covered + marked) * 100).checked_div(total).unwrap_or(100),
            uncovered: c
                .sentences
                .iter()
                .filter(|s| s.state == CoverageState::NotCovered)
                .map(|s| format!("§ {}: {}", s.clause, s.text))
                .collect(),
        }
    });

    let lints = warnings
        .iter()
        .flat_map(|w| {
            w.diagnostics.iter().filter(|d| !d.is_error()).map(|d| LintRow {
                code: d.code.to_string(),
                file: w.file.to_string(),
                line: line_column(w.text, d.span().start).0,
                message: d.message.clone(),
                help: d.help.clone(),
            })
        })
        .collect();

    Ok(Report {
        policy: PolicyInfo {
            title: bundle.title.clone(),
            reference: bundle.reference.clone(),
            adopted: date::format(bundle.adopted),
        },
        until: date::format(until),
        versions: bundle
            .versions
            .iter()
            .map(|v| VersionRow {
                from: date::format(v.from),
                source: v.source.clone(),
            })
            .collect(),
        chair,
        status,
        meetings,
        cadence,
        interim,
        events: events
            .iter()
            .filter(|e| e.day <= until)
            .map(|e| EventRow {
                date: date::format(e.day),
                precision: e.provenance.precision,
                topic: e.topic.clone(),
                text: e.text.clone(),
                sources: e.provenance.sources.clone(),
            })
            .collect(),
        notes: bundle
            .history
            .notes
            .iter()
            .map(|n| NoteRow {
                text: n.text.clone(),
                sources: n.sources.clone(),
            })
            .collect(),
        coverage,
        lints,
        summary,
    })
}

fn with_precision(day: Day, precision: Precision) -> String {
    match precision {
        Precision::Exact => date::format(day),
        Precision::NoLaterThan => format!("no later than {}", date::format(day)),
        Precision::NoEarlierThan => format!("no earlier than {}", date::format(day)),
    }
}

/// Each party's status from adoption to the horizon, as periods.
fn status_timelines(bundle: &ir::Bundle, interp: &Interpreter<'_>, until: Day) -> Vec<PartyTimeline> {
    let days = interp.change_points();
    let days: Vec<Day> = days
        .into_iter()
        .filter(|d| *d >= bundle.adopted && *d <= until)
        .collect();
    (0..bundle.parties.len() as u32)
        .filter_map(|p| {
            let mut periods: Vec<Period> = Vec::new();
            let mut current: Option<(ir::Status, Day)> = None;
            for day in &days {
                let status = interp.status(p, *day);
                match current {
                    Some((s, _)) if s == status => {}
                    Some(_) | None => {
                        if let Some((s, from)) = current {
                            push_period(&mut periods, s, from, Some(*day));
                        }
                        current = Some((status, *day));
                    }
                }
            }
            if let Some((s, from)) = current {
                push_period(&mut periods, s, from, None);
            }
            (!periods.is_empty()).then(|| PartyTimeline {
                party: interp.party_name(p),
                periods,
            })
        })
        .collect()
}

fn push_period(periods: &mut Vec<Period>, status: ir::Status, from: Day, until: Option<Day>) {
    if status == ir::Status::None {
        return;
    }
    periods.push(Period {
        from: date::format(from),
        until: until.map(date::format),
        status: status.name().to_string(),
    });
}

/// The report as text for a terminal.
pub fn render_text(report: &Report) -> String {
    let mut out = String::new();
    let mut line = |s: String| {
        out.push_str(&s);
        out.push('\n');
    };
    let p = &report.policy;
    line(format!(
        "{}{}, adopted {}",
        p.title,
        p.reference.as_ref().map(|r| format!(" ({r})")).unwrap_or_default(),
        p.adopted
    ));
    let versions: Vec<String> = report
        .versions
        .iter()
        .map(|v| format!("{} from {}", v.source, v.from))
        .collect();
    line(format!(
        "report until {}; rules in force: {}",
        report.until,
        versions.join(", ")
    ));
    line(String::new());
    line("CHAIR: terms as the rules derive them, beside what the history records".to_string());
    for t in &report.chair {
        line(format!(
            "  {} .. {}  {}",
            t.start,
            t.end,
            t.chair.as_deref().unwrap_or("(vacant)")
        ));
        for r in &t.recorded {
            line(format!("      recorded {r}"));
        }
    }
    line(String::new());
    line("STATUS over time (parties with none throughout omitted)".to_string());
    for party in &report.status {
        let periods: Vec<String> = party
            .periods
            .iter()
            .map(|p| match &p.until {
                Some(u) => format!("{} {} .. {}", p.status, p.from, u),
                None => format!("{} from {}", p.status, p.from),
            })
            .collect();
        line(format!("  {:<7} {}", party.party, periods.join("; ")));
    }
    line(String::new());
    line("MEETINGS AND DECISIONS under the rules in force".to_string());
    if report.meetings.is_empty() {
        line("  (no meetings recorded)".to_string());
    }
    for m in &report.meetings {
        let date = match m.precision {
            Precision::Exact => m.date.clone(),
            Precision::NoLaterThan => format!("no later than {}", m.date),
            Precision::NoEarlierThan => format!("no earlier than {}", m.date),
        };
        line(format!(
            "  {date}  {} `{}`{}{}, {} present",
            m.kind,
            m.id,
            m.place.as_ref().map(|p| format!(" at {p}")).unwrap_or_default(),
            m.host.as_ref().map(|h| format!(", host {h}")).unwrap_or_default(),
            m.present.len()
        ));
        for d in &m.decisions {
            line(format!(
                "    decision `{}` ({}): {}{}",
                d.id,
                d.kind,
                if d.valid { "valid" } else { "INVALID" },
                d.text.as_ref().map(|t| format!(" - {t}")).unwrap_or_default()
            ));
            for b in &d.because {
                line(format!("      because {b}"));
            }
        }
        for v in &m.violations {
            line(format!("    VIOLATION: {v}"));
        }
        for f in &m.findings {
            line(format!("    finding: {f}"));
        }
        if !m.sources.is_empty() {
            line(format!("    source: {}", m.sources.join("; ")));
        }
    }
    line(String::new());
    line("CADENCE: meetings due and not recorded".to_string());
    if report.cadence.is_empty() {
        line("  none".to_string());
    }
    // One line per due date and kind; per-member obligations list their members.
    let mut i = 0;
    while let Some(c) = report.cadence.get(i) {
        let same: Vec<&CadenceRow> = report
            .cadence
            .iter()
            .skip(i)
            .take_while(|d| d.due == c.due && d.kind == c.kind && d.finding == c.finding)
            .collect();
        i += same.len().max(1);
        let members: Vec<&str> = same.iter().filter_map(|d| d.party.as_deref()).collect();
        let of = if members.is_empty() {
            String::new()
        } else {
            format!(" of {}", members.join(", "))
        };
        line(format!(
            "  {:<9} due {}  {}{of} ({} {})",
            c.finding, c.due, c.kind, c.strength, c.clause
        ));
    }
    if !report.interim.is_empty() {
        line(String::new());
        line("INTERIM ARRANGEMENTS past their period".to_string());
        for i in &report.interim {
            line(format!("  finding: {i}"));
        }
    }
    if !report.events.is_empty() {
        line(String::new());
        line("RECORDED EVENTS".to_string());
        for e in &report.events {
            let date = match e.precision {
                Precision::Exact => e.date.clone(),
                Precision::NoLaterThan => format!("no later than {}", e.date),
                Precision::NoEarlierThan => format!("no earlier than {}", e.date),
            };
            line(format!("  {date}  {}  [{}]", e.text, e.sources.join("; ")));
        }
    }
    if !report.notes.is_empty() {
        line(String::new());
        line("NOTES: what the history records with no rule of its own (events before the modalities, sources that disagree)".to_string());
        for n in &report.notes {
            line(format!("  - {}  [{}]", n.text, n.sources.join("; ")));
        }
    }
    line(String::new());
    match &report.coverage {
        Some(c) => {
            line(format!(
                "COVERAGE of § 3 of `{}`: {} covered, {} marked non-normative, {} not covered ({}% covered or marked)",
                c.source, c.covered, c.marked, c.not_covered, c.percent
            ));
            for u in &c.uncovered {
                line(format!("  not covered: {u}"));
            }
        }
        None => line("COVERAGE: the policy names no source text".to_string()),
    }
    line(String::new());
    line("LINTS: gaps in the legal text and other warnings".to_string());
    if report.lints.is_empty() {
        line("  none".to_string());
    }
    for l in &report.lints {
        line(format!("  {} ({}:{}): {}", l.code, l.file, l.line, l.message));
        if let Some(h) = &l.help {
            line(format!("      {h}"));
        }
    }
    line(String::new());
    let s = &report.summary;
    line(format!(
        "{} violation{}, {} advisor{}, {} invalid decision{}, {} other finding{}",
        s.violations,
        if s.violations == 1 { "" } else { "s" },
        s.advisories,
        if s.advisories == 1 { "y" } else { "ies" },
        s.invalid_decisions,
        if s.invalid_decisions == 1 { "" } else { "s" },
        s.findings,
        if s.findings == 1 { "" } else { "s" }
    ));
    out
}
