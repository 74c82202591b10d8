//! Checked policy + its history -> `Report`: the chair timeline the rules
//! derive beside what the history records, status over time, every recorded
//! meeting and decision judged under the rules in force, cadence findings,
//! coverage of the legal text and the drafter lints. Findings are not
//! errors: a report of a policy that checks is produced whatever history
//! shows.

use charter_grammar::diagnostic::line_column;
use charter_grammar::Diagnostic;
use charter_runtime::ir::{self, ChairModel, Day, Precision};
use charter_runtime::{date, EvalError, Interpreter};
use serde::Serialize;
use std::collections::BTreeMap;

use charter_compiler::citations::{Coverage, CoverageState};

#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub policy: PolicyInfo,
    pub until: date::IsoDay,
    pub versions: Vec<VersionRow>,
    pub chair: Vec<TermRow>,
    /// The chair in office as the history records it (elections and
    /// hand-overs), whatever the rules say.
    pub recorded_chair: Vec<OfficeRow>,
    pub status: Vec<PartyTimeline>,
    pub meetings: Vec<MeetingRow>,
    /// Every finding of the audit, in the order of the report's sections
    /// (meetings, cadence, interim arrangements, duties), each with a
    /// stable code.
    pub findings: Vec<Finding>,
    pub events: Vec<EventRow>,
    pub notes: Vec<NoteRow>,
    pub coverage: Option<CoverageSummary>,
    pub lints: Vec<LintRow>,
    pub summary: Summary,
}

/// What a finding says, as a stable code: `audit::` and the kebab-case
/// name (`audit::host-not-chair`). docs/findings.md describes each.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, strum::EnumIter, strum::IntoStaticStr)]
#[strum(serialize_all = "kebab-case")]
pub enum FindingCode {
    /// A meeting the text requires (`must`) was not held by its due day.
    MissedMeeting,
    /// A meeting the text encourages (`should`) was not held by its due day.
    MissedEncouragedMeeting,
    /// A meeting held sooner after the last of its kind than the shortest
    /// gap the text's cadence sets (`every 6 months to 1 year`).
    MeetingTooSoon,
    /// A meeting the chair must host was hosted by another party.
    HostNotChair,
    /// A recorded decision the rules in force do not make valid.
    InvalidDecision,
    /// A party attended that is neither a member, an admitted observer,
    /// invited, nor given a function by the text (the Support Unit).
    UnexplainedAttendance,
    /// Decisions taken at a meeting whose attendance is not recorded, which
    /// therefore cannot be judged.
    AttendanceUnknown,
    /// An arrangement for a fixed period, pending further decision, whose
    /// period has passed while the text says nothing of what follows.
    InterimPastPeriod,
    /// A member with no recorded designation a duty requires.
    NoDesignationRecorded,
    /// A state took the chair that the rotation does not name after the
    /// outgoing chair: states ranked between them were passed over with no
    /// recorded decline, or the new chair is not eligible.
    SuccessionOutOfOrder,
    /// A chair held office longer than the term in force, with no valid
    /// decision authorising it.
    TermOverrun,
    /// A chair's office ended before its term did, with no valid decision
    /// behind the hand-over.
    TermCutShort,
    /// A source lists members, observers or a chair on a day that differ
    /// from what the rules and the history derive.
    SnapshotDisagrees,
    /// A recorded change of status that no valid decision made, where the
    /// rules' status differs.
    StatusChangeUndecided,
    /// A recorded decline for a turn that no term of the rules starts on:
    /// it has no effect.
    DeclineOffTurn,
    /// A meeting of a kind the text does not provide (declared in the
    /// history with `meeting kind`): a note, or an advisory where decisions
    /// were taken there.
    MeetingOutsideText,
    /// An application for membership or observer status still pending at
    /// the horizon.
    ApplicationPending,
    /// An application recorded as granted or refused with no valid
    /// recorded decision behind the outcome.
    ApplicationUndecided,
    /// A chair the text says is designated by a decision took office
    /// otherwise: with no valid election, by a decision of another kind, at
    /// a meeting of another kind, or with no candidacy announced in time.
    DesignationBreach,
    /// Where the text admits observers only on a written application, an
    /// admission with the application recorded only after it (a
    /// violation: the rules do not admit), or with none recorded (an
    /// advisory).
    AdmissionWithoutApplication,
    /// A recorded composition of a group differs from the parties the text
    /// names for it on that day (the text's govern).
    CompositionDisagrees,
    /// A group's recorded composition does not hold the seats the text
    /// gives it in another group.
    SeatsUnmet,
    /// A chairmanship whose source states its term (`handover to P on D
    /// for 1 year`) ended on another day than that term gives, or runs on
    /// past it: a note, since the term is the record's, not a rule.
    StatedTermDiffers,
    /// A seat of the chair's office beside the chair (a co-chair, a
    /// vice-chair) recorded taken by a party the text does not name in it
    /// then (an advisory), or where the text names no such seat (a note).
    RoleDeparts,
}

impl FindingCode {
    pub fn code(self) -> String {
        let name: &'static str = self.into();
        format!("audit::{name}")
    }

    /// Every code, for `--deny` and the docs.
    pub fn all() -> Vec<String> {
        use strum::IntoEnumIterator;
        FindingCode::iter().map(FindingCode::code).collect()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// A breach of a rule the text states as binding.
    Violation,
    /// A departure from what the text encourages, or a gap in the evidence.
    Advisory,
    /// Something the audit cannot judge, or that the text leaves open.
    Note,
}

impl Severity {
    fn name(self) -> &'static str {
        match self {
            Severity::Violation => "violation",
            Severity::Advisory => "advisory",
            Severity::Note => "note",
        }
    }
}

/// Whether the records settle a finding, or approximate dates leave it open.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Certainty {
    Certain,
    /// The finding rests on a record dated only approximately ("no later
    /// than"), and holds on the day the record is taken to take effect.
    Possible,
}

/// One finding of the audit: structured fields for tools, `message` for people.
#[derive(Debug, Clone, Serialize)]
pub struct Finding {
    /// `audit::...`, stable.
    pub code: String,
    pub severity: Severity,
    pub certainty: Certainty,
    /// The day the finding concerns: a due day, a meeting's day, the end of
    /// a period, the horizon.
    pub day: date::IsoDay,
    /// The clause of the text it rests on.
    pub clause: Option<String>,
    /// The parties it names (party codes).
    pub parties: Vec<String>,
    /// The recorded meeting and decision it concerns, by id.
    pub meeting: Option<String>,
    pub decision: Option<String>,
    /// The sources of the records it rests on.
    pub sources: Vec<String>,
    /// The records it rests on that are inferred rather than stated by
    /// their source, with why (the finding is `possible` when a record's
    /// content, not only its date, is inferred).
    pub inferred: Vec<ir::Inferred>,
    /// The recorded decisions not judged that it rests on, as `decision`
    /// at `meeting`: had one been valid, it would not stand (the finding is
    /// then `possible`).
    pub unjudged: Vec<String>,
    /// Why else it is only `possible`, in words (empty when its dates,
    /// inferred records and unjudged decisions say why).
    pub possible_because: Vec<String>,
    /// Other findings of the same gap, folded into this one (their
    /// messages): one missing decision is one finding.
    pub related: Vec<String>,
    /// The gap a finding is about, where two sections may each see it
    /// (a party's status granted with no decision): findings of one gap
    /// are folded into one.
    #[serde(skip)]
    gap: Option<(String, ir::Status)>,
    pub message: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct PolicyInfo {
    pub title: String,
    pub reference: Option<String>,
    pub adopted: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct VersionRow {
    pub from: date::IsoDay,
    pub source: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct TermRow {
    pub start: date::IsoDay,
    pub end: date::IsoDay,
    /// The chair as the rules derive it; `None` when the chair is vacant.
    pub chair: Option<String>,
    /// Every chair in office in this term as the rules derive it: the
    /// co-chairs the text names, or the one chair.
    pub chairs: Vec<String>,
    /// The vice-chairs the text names in this term.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub vice_chairs: Vec<String>,
    /// The chairs in office during this term as the history records them
    /// (party codes, in order).
    pub recorded: Vec<String>,
    /// Whether the recorded office departs from the rules in this term.
    pub departs: bool,
    /// Whether the departure holds on every day the records' dates allow:
    /// false where a record it rests on is dated only approximately.
    pub departs_certainly: bool,
    /// The decisions not judged on which this term depends (as `decision`
    /// at `meeting`): had one been valid, the rules would give another
    /// term here. Empty where every possible view agrees.
    pub unsettled_by: Vec<String>,
    /// Whether a finding on the chair falls in this term (a succession out
    /// of the rotation's order from the chair then in office, an office
    /// past or short of its term, a designation breached). A term where
    /// the recorded chair differs from the rules' with no such finding only
    /// runs apart from the rules' sequence since an earlier departure.
    pub new_departure: bool,
    /// The codes of those findings, each once.
    pub finding_codes: Vec<String>,
    /// Whether a bound of this term rests on a recorded taking of office
    /// the sources date only approximately (a designated chair's terms
    /// start at the recorded takings of office): the days shown are the
    /// first the record's window allows, not days a source gives.
    #[serde(default)]
    pub bounds_approximate: bool,
}

/// One recorded holding of the chair, from a recorded taking of office to
/// the next.
#[derive(Debug, Clone, Serialize)]
pub struct OfficeRow {
    /// Who took office; none for a recorded vacancy.
    pub party: Option<String>,
    /// The first day, as the source dates it (`in 2016-11`).
    pub from: String,
    pub until: Option<String>,
    /// `elected`, `handed over` or `vacant`; `took office beside the
    /// chair` for a seat beside it.
    pub how: String,
    /// The seat beside the chair (`co-chair`, `vice-chair`); none for the
    /// chair's own taking of office or a vacancy.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    /// The recorded decision behind it, if any, and whether it is valid.
    pub decision: Option<String>,
    pub decision_valid: Option<bool>,
    pub sources: Vec<String>,
    /// Why the record is inferred rather than stated, where it is.
    pub inferred: Option<ir::Inferred>,
}

#[derive(Debug, Clone, Serialize)]
pub struct PartyTimeline {
    pub party: String,
    /// Its status over time; empty for a party that attended a recorded
    /// meeting but never had a status.
    pub periods: Vec<Period>,
    /// The functions the text gives it, such as `the Support Unit (§ 3.iii)`.
    pub roles: Vec<String>,
    /// The recorded meetings it attended, by id.
    pub attended: Vec<String>,
    /// Its changes of status as the history records them.
    pub recorded: Vec<String>,
    /// Its applications: for what, when, and the outcome.
    pub applications: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Period {
    pub from: date::IsoDay,
    pub until: Option<date::IsoDay>,
    pub status: String,
    /// The days as the record behind each bound dates them, where it dates
    /// them only approximately (`no later than 2013-08-31`); `None` where
    /// the bound is exact or rests on the text.
    pub from_as: Option<String>,
    pub until_as: Option<String>,
    /// Why the records behind its bounds are inferred, where they are.
    pub inferred: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct MeetingRow {
    pub id: String,
    pub kind: String,
    pub date: date::IsoDay,
    pub precision: Precision,
    /// The date as its source gives it (`no later than 2014-12-31`), with
    /// the last day of a meeting of several days.
    pub when: String,
    pub last_day: Option<date::IsoDay>,
    pub place: Option<String>,
    pub host: Option<String>,
    /// Whether the record says who was present; when it does not,
    /// `present` is empty and the decisions are not judged.
    pub attendance_known: bool,
    /// Whether `present` names only some of those present.
    pub attendance_partial: bool,
    pub present: Vec<String>,
    pub observers: Vec<String>,
    pub sources: Vec<String>,
    /// Why the record is inferred rather than stated, where it is.
    pub inferred: Option<ir::Inferred>,
    /// What the history calls a kind of meeting the text does not provide.
    pub outside_text: Option<String>,
    pub decisions: Vec<DecisionRow>,
}

#[derive(Debug, Clone, Serialize)]
pub struct DecisionRow {
    pub id: String,
    pub kind: String,
    /// `None` when it cannot be judged (attendance not known).
    pub valid: Option<bool>,
    pub text: Option<String>,
    pub because: Vec<String>,
    pub sources: Vec<String>,
    /// Why the record is inferred rather than stated, where it is.
    pub inferred: Option<ir::Inferred>,
}

#[derive(Debug, Clone, Serialize)]
pub struct EventRow {
    pub date: String,
    pub precision: Precision,
    /// The date as its source gives it.
    pub when: String,
    pub topic: String,
    pub text: String,
    pub sources: Vec<String>,
    /// Why the record is inferred rather than stated, where it is.
    pub inferred: Option<ir::Inferred>,
}

#[derive(Debug, Clone, Serialize)]
pub struct NoteRow {
    pub text: String,
    pub sources: Vec<String>,
    pub inferred: Option<ir::Inferred>,
}

#[derive(Debug, Clone, Serialize)]
pub struct CoverageSummary {
    pub source: String,
    /// The clauses counted; every clause when empty.
    pub covers: Vec<String>,
    /// The same for people: `§ 3 of `source.txt``.
    pub scope: String,
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
    /// The policy's reason, for a warning it expects (`expect ... because
    /// ...`): a gap of the text the drafter has written down.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expected: Option<String>,
}

/// Findings counted by severity and by code.
#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    pub violations: usize,
    pub advisories: usize,
    pub notes: usize,
    pub by_code: BTreeMap<String, usize>,
}

impl Summary {
    fn of(findings: &[Finding]) -> Summary {
        let count = |s: Severity| findings.iter().filter(|f| f.severity == s).count();
        let mut by_code = BTreeMap::new();
        for f in findings {
            *by_code.entry(f.code.clone()).or_insert(0) += 1;
        }
        Summary {
            violations: count(Severity::Violation),
            advisories: count(Severity::Advisory),
            notes: count(Severity::Note),
            by_code,
        }
    }

    /// What `--deny-violations` fails on: any finding of severity violation.
    pub fn has_violations(&self) -> bool {
        self.violations > 0
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
    let c = Audit {
        bundle,
        interp: &interp,
        until,
    };
    let tables = interp.tables();
    let events: Vec<&ir::Event> = bundle.history.events.iter().collect();
    let Sections {
        mut findings,
        recorded_chair,
        chair,
        status,
        meetings,
    } = sections(&c)?;
    // Where a decision not judged decided something the rules' view would
    // follow, a finding of one possible view but not of another rests on
    // it: possible, naming the decisions.
    if !tables.worlds.is_empty() {
        let unjudged: Vec<String> = tables
            .unjudged_deciding
            .iter()
            .filter_map(|d| bundle.history.decisions.get(*d))
            .map(|r| {
                format!(
                    "`{}` at `{}`",
                    r.id,
                    r.decision.meeting.id.as_deref().unwrap_or("a recorded meeting")
                )
            })
            .collect();
        let key = |f: &Finding| (f.code.clone(), f.parties.clone(), f.meeting.clone(), f.decision.clone());
        let mut views: Vec<Vec<Finding>> = Vec::new();
        for world in &tables.worlds {
            let interp = Interpreter::with_tables(bundle, world);
            let view = Audit {
                bundle,
                interp: &interp,
                until,
            };
            views.push(sections(&view)?.findings);
        }
        let mark = |f: &mut Finding| {
            f.certainty = Certainty::Possible;
            for name in &unjudged {
                if !f.unjudged.contains(name) {
                    f.unjudged.push(name.clone());
                }
            }
        };
        for f in &mut findings {
            if views.iter().any(|v| !v.iter().any(|g| key(g) == key(f))) {
                mark(f);
            }
        }
        for view in views {
            for mut g in view {
                if !findings.iter().any(|f| key(f) == key(&g)) {
                    mark(&mut g);
                    findings.push(g);
                }
            }
        }
    }
    let parties = |list: &[ir::PartyId]| list.iter().map(|p| interp.party_name(*p)).collect::<Vec<_>>();
    // Recorded compositions of groups: against the parties the text names,
    // and against the seats the text gives the group.
    findings.extend(composition_findings(bundle, tables, until, &finding, &parties));

    let coverage = coverage.map(|c| {
        let (covered, marked, not_covered) = c.counts();
        let total = covered + marked + not_covered;
        CoverageSummary {
            source: c.source.clone(),
            covers: c.covers.clone(),
            scope: c.scope(),
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
                expected: d.expected.clone(),
            })
        })
        .collect();

    // A finding that rests on a record whose content is inferred is
    // possible, not certain.
    for f in &mut findings {
        if f.inferred.iter().any(|i| !i.date_only) {
            f.certainty = Certainty::Possible;
        }
    }
    let summary = Summary::of(&findings);
    Ok(Report {
        policy: PolicyInfo {
            title: bundle.title.clone(),
            reference: bundle.reference.clone(),
            adopted: date::format(bundle.adopted),
        },
        until: date::IsoDay(until),
        versions: bundle
            .versions
            .iter()
            .map(|v| VersionRow {
                from: date::IsoDay(v.from),
                source: v.source.clone(),
            })
            .collect(),
        chair,
        recorded_chair,
        status,
        meetings,
        findings,
        events: events
            .iter()
            .filter(|e| e.day <= until)
            .map(|e| EventRow {
                date: date::format(e.day),
                precision: e.provenance.precision,
                when: e.provenance.precision.describe(e.day),
                topic: e.topic.clone(),
                text: e.text.clone(),
                sources: e.provenance.sources.clone(),
                inferred: e.provenance.inferred.clone(),
            })
            .collect(),
        notes: bundle
            .history
            .notes
            .iter()
            .map(|n| NoteRow {
                text: n.text.clone(),
                sources: n.sources.clone(),
                inferred: n.inferred.clone(),
            })
            .collect(),
        coverage,
        lints,
        summary,
    })
}

/// The sections of the audit that read the rules' view, from one view.
struct Sections {
    findings: Vec<Finding>,
    recorded_chair: Vec<OfficeRow>,
    chair: Vec<TermRow>,
    status: Vec<PartyTimeline>,
    meetings: Vec<MeetingRow>,
}

fn sections(c: &Audit<'_>) -> Result<Sections, EvalError> {
    let mut findings: Vec<Finding> = Vec::new();
    let (offices, vacancies, recorded_chair) = recorded_office(c);
    let (terms, chair) = chair_terms(c)?;
    designation_findings(c, &mut findings);
    rotation_findings(c, &offices, &mut findings);
    term_findings(c, &offices, &vacancies, &mut findings);
    let status = status_timelines(c.bundle, c.interp, c.until);
    let meetings = meeting_rows(c, &mut findings)?;
    cadence_findings(c, &mut findings)?;
    too_soon_findings(c, &mut findings);
    interim_findings(c, &mut findings)?;
    admission_findings(c, &mut findings);
    application_findings(c, &mut findings);
    decline_findings(c, &terms, &mut findings);
    role_findings(c, &mut findings);
    stated_term_findings(c, &offices, &vacancies, &mut findings);
    status_change_findings(c, &mut findings);
    snapshot_findings(c, &mut findings);
    duty_findings(c, &mut findings);
    // One gap, one finding: a status granted with no decision, seen both
    // as an application's outcome and as a recorded change of status, is
    // the change of status (what the rules judge), the application listed
    // under it.
    let mut folded: Vec<Finding> = Vec::with_capacity(findings.len());
    for f in findings {
        let primary = f.gap.as_ref().and_then(|gap| {
            folded
                .iter()
                .position(|g| g.gap.as_ref() == Some(gap) && g.code != f.code)
        });
        match primary {
            Some(i) => {
                let Some(g) = folded.get_mut(i) else { continue };
                let status_change = FindingCode::StatusChangeUndecided.code();
                // The change of status leads; the other is listed under it.
                if f.code == status_change {
                    let mut lead = f;
                    lead.related.push(g.message.clone());
                    lead.related.append(&mut g.related);
                    lead.sources.append(&mut g.sources);
                    *g = lead;
                } else {
                    g.related.push(f.message);
                    g.sources.extend(f.sources);
                }
            }
            None => folded.push(f),
        }
    }
    let findings = folded;
    // Each term's mark rests on the findings on the chair that fall in it.
    let mut chair = chair;
    let on_the_chair: Vec<String> = [
        FindingCode::SuccessionOutOfOrder,
        FindingCode::TermOverrun,
        FindingCode::TermCutShort,
        FindingCode::DesignationBreach,
        FindingCode::RoleDeparts,
    ]
    .iter()
    .map(|c| c.code())
    .collect();
    for row in &mut chair {
        for f in &findings {
            if on_the_chair.contains(&f.code)
                && f.day.0 >= row.start.0
                && f.day.0 < row.end.0
                && !row.finding_codes.contains(&f.code)
            {
                row.finding_codes.push(f.code.clone());
            }
        }
        row.new_departure = !row.finding_codes.is_empty();
    }
    Ok(Sections {
        findings,
        recorded_chair,
        chair,
        status,
        meetings,
    })
}

/// What every section of the audit reads: the policy, the interpreter that
/// answers from its tables, and the horizon.
struct Audit<'a> {
    bundle: &'a ir::Bundle,
    interp: &'a Interpreter<'a>,
    until: Day,
}

/// A meeting or decision kind by its index. A bundle lowered by the checker
/// names every kind it uses; one read from elsewhere may not, and then the
/// report says so.
fn kind_name(k: u32, names: &[String]) -> String {
    names
        .get(k as usize)
        .cloned()
        .unwrap_or_else(|| format!("(undeclared kind #{k})"))
}

/// A certain finding with its code, severity, day and message; the section
/// that makes it fills in the rest.
fn finding(code: FindingCode, severity: Severity, day: Day, message: String) -> Finding {
    Finding {
        code: code.code(),
        severity,
        certainty: Certainty::Certain,
        day: date::IsoDay(day),
        clause: None,
        parties: Vec::new(),
        meeting: None,
        decision: None,
        sources: Vec::new(),
        inferred: Vec::new(),
        unjudged: Vec::new(),
        possible_because: Vec::new(),
        related: Vec::new(),
        gap: None,
        message,
    }
}

/// The recorded office: each taking of office by the horizon, in order,
/// and the rows the report shows of it.
fn recorded_office<'a>(c: &Audit<'a>) -> (Vec<&'a ir::Handover>, Vec<&'a ir::Vacancy>, Vec<OfficeRow>) {
    let (bundle, until, interp) = (c.bundle, c.until, c.interp);
    let tables = interp.tables();
    let party = |p: ir::PartyId| interp.party_name(p);
    // The recorded office: each taking of office by the horizon, in order.
    let mut offices: Vec<&ir::Handover> = bundle.history.handovers.iter().filter(|h| h.day <= until).collect();
    offices.sort_by_key(|h| h.day);
    let mut vacancies: Vec<&ir::Vacancy> = bundle.history.vacancies.iter().filter(|v| v.day <= until).collect();
    vacancies.sort_by_key(|v| v.day);
    // The rows in day order: of a vacancy and a taking of office on one
    // day, the vacancy first (the taking of office fills it).
    let mut rows: Vec<(Day, Precision, Result<&ir::Handover, &ir::Vacancy>)> = vacancies
        .iter()
        .map(|v| (v.day, v.precision, Err(*v)))
        .chain(offices.iter().map(|h| (h.day, h.precision, Ok(*h))))
        .collect();
    rows.sort_by_key(|(day, _, _)| *day);
    let recorded_chair: Vec<OfficeRow> = rows
        .iter()
        .enumerate()
        .map(|(i, (day, precision, record))| {
            let until = rows.get(i + 1).map(|(next, p, _)| p.describe(*next));
            match record {
                Ok(h) => {
                    let decision = h.decision.and_then(|d| bundle.history.decisions.get(d));
                    OfficeRow {
                        party: Some(party(h.to)),
                        from: precision.describe(*day),
                        until,
                        how: if h.election { "elected" } else { "handed over" }.to_string(),
                        role: None,
                        decision: decision.map(|d| d.id.clone()),
                        decision_valid: h.decision.and_then(|d| tables.valid_records.get(d).copied()),
                        sources: h.sources.clone(),
                        inferred: h.inferred.clone(),
                    }
                }
                Err(v) => OfficeRow {
                    party: None,
                    from: precision.describe(*day),
                    until,
                    how: "vacant".to_string(),
                    role: None,
                    decision: None,
                    decision_valid: None,
                    sources: v.sources.clone(),
                    inferred: v.inferred.clone(),
                },
            }
        })
        .collect();
    // Each seat beside the chair recorded taken, after the chair's rows:
    // it holds until the next taking of the chair or vacancy after it.
    let mut roles: Vec<&ir::RoleTaken> = bundle.history.roles_taken.iter().filter(|r| r.day <= until).collect();
    roles.sort_by_key(|r| r.day);
    let mut recorded_chair = recorded_chair;
    recorded_chair.extend(roles.iter().map(|r| {
        OfficeRow {
            party: Some(party(r.party)),
            from: r.precision.describe(r.day),
            until: rows
                .iter()
                .find(|(day, _, _)| *day > r.day)
                .map(|(next, p, _)| p.describe(*next)),
            how: "took office beside the chair".to_string(),
            role: Some(r.role.word().to_string()),
            decision: None,
            decision_valid: None,
            sources: r.sources.clone(),
            inferred: r.inferred.clone(),
        }
    }));
    (offices, vacancies, recorded_chair)
}

/// Each chairmanship whose source states its term, against when the
/// office ended as recorded (the next taking of office by another party,
/// or a vacancy): a note where they differ, judging nothing.
fn stated_term_findings(
    c: &Audit<'_>,
    offices: &[&ir::Handover],
    vacancies: &[&ir::Vacancy],
    findings: &mut Vec<Finding>,
) {
    let (until, interp) = (c.until, c.interp);
    let party = |p: ir::PartyId| interp.party_name(p);
    for h in offices {
        let Some(term) = h.stated_term else {
            continue;
        };
        // Where the source gives only a bound, the start is open on one side.
        let open_start = matches!(h.precision, Precision::NoLaterThan | Precision::NoEarlierThan);
        let (due_first, due_last) = (
            date::add(h.day, term, 1).unwrap_or(date::LAST),
            date::add(h.precision.latest(h.day), term, 1).unwrap_or(date::LAST),
        );
        // The end: the next taking of office by another party, or a vacancy.
        let ended = offices
            .iter()
            .filter(|n| n.day > h.day && n.to != h.to)
            .map(|n| (n.day, n.precision, &n.sources))
            .chain(
                vacancies
                    .iter()
                    .filter(|v| v.day > h.day)
                    .map(|v| (v.day, v.precision, &v.sources)),
            )
            .min_by_key(|(day, _, _)| *day);
        let took = format!(
            "{} took the chair {} for {}, as its source states (to {})",
            party(h.to),
            dated(h.precision, h.day),
            charter_runtime::value::duration_text(&term),
            match h.precision {
                Precision::NoLaterThan => format!("no later than {}", date::format(due_first)),
                Precision::NoEarlierThan => format!("no earlier than {}", date::format(due_first)),
                Precision::Exact | Precision::InMonth | Precision::InYear | Precision::Between { .. }
                    if due_first == due_last =>
                {
                    date::format(due_first)
                }
                Precision::Exact | Precision::InMonth | Precision::InYear | Precision::Between { .. } => {
                    format!("between {} and {}", date::format(due_first), date::format(due_last))
                }
            }
        );
        let mut because: Vec<String> = Vec::new();
        let (day, certain, what, sources) = match ended {
            Some((end, precision, sources)) => {
                let (end_first, end_last) = (end, precision.latest(end));
                let open_end = matches!(precision, Precision::NoLaterThan | Precision::NoEarlierThan);
                let later = end_last > due_first || open_end || open_start;
                let sooner = end_first < due_last || open_end || open_start;
                if !later && !sooner {
                    continue;
                }
                let certainly = !open_start && !open_end && (end_first > due_last || end_last < due_first);
                let gap = i64::from(end) - i64::from(due_first);
                let exact = precision.is_exact() && h.precision.is_exact();
                let how = match (certainly, exact) {
                    (true, true) => format!(
                        "{} {} {} than that term",
                        gap.unsigned_abs(),
                        if gap.unsigned_abs() == 1 { "day" } else { "days" },
                        if gap > 0 { "later" } else { "sooner" }
                    ),
                    (true, false) => format!("{} than that term", if gap > 0 { "later" } else { "sooner" }),
                    (false, _) => "perhaps not when that term ended (the dates are windows)".to_string(),
                };
                let what = format!("the office ended {}, {how}", dated(precision, end));
                (end, certainly, what, sources.clone())
            }
            // No end recorded: still in office at the horizon, past the
            // term if the horizon is; possible, since no source says it
            // continued.
            None if until > due_first => {
                because.push("no source records the office's end: it is taken as still running".to_string());
                (
                    until,
                    false,
                    format!("no end of the office is recorded by {}", date::format(until)),
                    Vec::new(),
                )
            }
            None => continue,
        };
        findings.push(Finding {
            certainty: if certain {
                Certainty::Certain
            } else {
                Certainty::Possible
            },
            parties: vec![party(h.to)],
            possible_because: because,
            sources: h.sources.iter().cloned().chain(sources).collect(),
            inferred: h.inferred.iter().cloned().collect(),
            ..finding(
                FindingCode::StatedTermDiffers,
                Severity::Note,
                day,
                format!("{took}; {what}: a term stated of this chairmanship, not a rule, so nothing here judges it"),
            )
        });
    }
}

/// Each seat beside the chair recorded taken, against those the text
/// names in it then: only a chair the text names has such seats.
fn role_findings(c: &Audit<'_>, findings: &mut Vec<Finding>) {
    let (bundle, until, interp) = (c.bundle, c.until, c.interp);
    let party = |p: ir::PartyId| interp.party_name(p);
    let named = bundle.named_chairs();
    for r in bundle.history.roles_taken.iter().filter(|r| r.day <= until) {
        // The days the record allows: a bound leaves one side open.
        let (earliest, latest) = match r.precision {
            Precision::NoLaterThan => (bundle.adopted.min(r.day), r.day),
            Precision::NoEarlierThan => (r.day, date::LAST),
            Precision::Exact | Precision::InMonth | Precision::InYear | Precision::Between { .. } => {
                (r.day, r.precision.latest(r.day))
            }
        };
        // The days in that window on which the text's seats may differ:
        // its first, and each named part's start within it.
        let days: Vec<Day> = std::iter::once(earliest)
            .chain(
                named
                    .iter()
                    .flat_map(|p| p.parts.iter().map(|part| part.from))
                    .filter(|d| *d > earliest && *d <= latest),
            )
            .collect();
        let departs: Vec<bool> = days
            .iter()
            .map(|d| !interp.in_role(r.role, *d).contains(&r.party))
            .collect();
        if !departs.iter().any(|d| *d) {
            continue;
        }
        let certain = r.precision.is_exact() || departs.iter().all(|d| *d);
        let asked = format!(
            "{} is recorded taking office as {} beside the chair {}",
            party(r.party),
            r.role.word(),
            dated(r.precision, r.day)
        );
        // The first day the record allows on which it departs.
        let on = days
            .iter()
            .zip(&departs)
            .find(|(_, departs)| **departs)
            .map_or(r.day, |(day, _)| *day);
        let then = if on == r.day || on == earliest && r.precision.is_exact() {
            "then".to_string()
        } else {
            format!("on {} (a day the record allows)", date::format(on))
        };
        let (severity, clause, message) = match named {
            Some(p) => {
                let part = p.at(on);
                let holders: Vec<String> = part
                    .map_or_else(Vec::new, |part| part.in_role(r.role))
                    .into_iter()
                    .map(party)
                    .collect();
                let clause = part.map_or_else(|| p.cite.clause.clone(), |part| part.cite.clause.clone());
                if holders.is_empty() {
                    // The text names the office but no one in this seat:
                    // it does not say there is none.
                    (
                        Severity::Note,
                        Some(clause.clone()),
                        format!(
                            "{asked}; the text (§ {clause}) names no {} {then}, so nothing here judges it",
                            r.role.word()
                        ),
                    )
                } else {
                    (
                        Severity::Advisory,
                        Some(clause.clone()),
                        format!(
                            "{asked}, but the text (§ {clause}) names {} {} {then}: the text was not followed, or the record is wrong",
                            holders.join(" and "),
                            r.role.word()
                        ),
                    )
                }
            }
            None => (
                Severity::Note,
                None,
                format!(
                    "{asked}; the text names no one in the chair's office beside the chair, so nothing here judges it"
                ),
            ),
        };
        findings.push(Finding {
            certainty: if certain {
                Certainty::Certain
            } else {
                Certainty::Possible
            },
            clause,
            parties: vec![party(r.party)],
            sources: r.sources.clone(),
            inferred: r.inferred.iter().cloned().collect(),
            ..finding(FindingCode::RoleDeparts, severity, r.day, message)
        });
    }
}

/// The terms the rules derive, each beside the chairs the history records
/// in office during it.
fn chair_terms(c: &Audit<'_>) -> Result<(Vec<charter_runtime::interp::Term>, Vec<TermRow>), EvalError> {
    let (bundle, until, interp) = (c.bundle, c.until, c.interp);
    let tables = interp.tables();
    let party = |p: ir::PartyId| interp.party_name(p);
    let parties = |list: &[ir::PartyId]| list.iter().map(|p| party(*p)).collect::<Vec<_>>();
    let mut chair = Vec::new();
    // One walk over the terms that start by the horizon, each beside the
    // chairs the history records in office during it.
    let terms = interp.terms_before(until.saturating_add(1))?;
    // Each recorded taking of office by day: who, the first day its record
    // allows, the last.
    let mut offices_in_time: Vec<(Option<ir::PartyId>, Day, Day)> = bundle
        .history
        .handovers
        .iter()
        .map(|h| (Some(h.to), h.day, h.precision.latest(h.day)))
        .chain(
            bundle
                .history
                .vacancies
                .iter()
                .map(|v| (None, v.day, v.precision.latest(v.day))),
        )
        .collect();
    offices_in_time.sort_by_key(|(_, day, _)| *day);
    let designated = bundle.versions.iter().any(|v| v.designation.is_some());
    // The chairs the text names over their era.
    let named_on = |day: Day| match bundle.chair_way_on(day) {
        Some(ChairModel::Named(p)) => Some(p),
        Some(ChairModel::Rotation(_) | ChairModel::Designated(_)) | None => None,
    };
    // The chairs the text names: a term lists everyone in the office then.
    // The terms of every other possible view (where a decision not judged
    // decided something): a term not in all of them is not settled.
    let other_views: Vec<Vec<charter_runtime::interp::Term>> = tables
        .worlds
        .iter()
        .map(|world| charter_runtime::Interpreter::with_tables(bundle, world).terms_before(until.saturating_add(1)))
        .collect::<Result<_, _>>()?;
    let unjudged: Vec<String> = tables
        .unjudged_deciding
        .iter()
        .filter_map(|d| bundle.history.decisions.get(*d))
        .map(|r| {
            format!(
                "`{}` at `{}`",
                r.id,
                r.decision.meeting.id.as_deref().unwrap_or("a recorded meeting")
            )
        })
        .collect();
    let too_many_from = tables.unknown_from(bundle);
    for t in &terms {
        let settled = other_views.iter().all(|view| view.contains(t)) && too_many_from.is_none_or(|from| t.end <= from);
        let unsettled_by = if settled { Vec::new() } else { unjudged.clone() };
        // The recorded office when the term starts (a chair, or a recorded
        // vacancy), then each change during it; a vacancy departs from the
        // rules as another chair does.
        let at_start = tables.recorded.partition_point(|(day, _)| *day <= t.start);
        let mut recorded: Vec<Option<ir::PartyId>> = at_start
            .checked_sub(1)
            .and_then(|i| tables.recorded.get(i))
            .map(|(_, p)| *p)
            .into_iter()
            .collect();
        for (day, p) in &tables.recorded {
            if *day > t.start && *day < t.end && *day <= until && recorded.last() != Some(p) {
                recorded.push(*p);
            }
        }
        let departs = recorded.iter().any(|p| *p != t.chair);
        let recorded: Vec<String> = recorded
            .iter()
            .map(|p| p.map_or_else(|| "vacant".to_string(), party))
            .collect();
        // Certain where some day of the term has, whichever day each
        // record's window puts it on, a recorded chair other than the
        // rules': an office is certainly held from the last day its record
        // allows to the first day the next record allows.
        // Where the chair is designated, the rules' terms start at the
        // recorded takings of office: a term bounded by one dated only
        // approximately has approximate bounds itself.
        let bounds_approximate = designated
            && offices_in_time.iter().enumerate().any(|(i, (_, day, latest))| {
                let next = offices_in_time.get(i + 1).map_or(Day::MAX, |(_, d, _)| *d);
                latest != day && [t.start, t.end].iter().any(|b| *day <= *b && *b < next)
            });
        let departs_certainly = departs
            && settled
            && !bounds_approximate
            && offices_in_time.iter().enumerate().any(|(i, (to, _, certain_from))| {
                let certain_until = offices_in_time
                    .get(i + 1)
                    .map_or(Day::MAX, |(_, next_day, _)| *next_day);
                *to != t.chair
                    && *certain_from < certain_until.min(t.end)
                    && t.start < certain_until
                    && (*certain_from).max(t.start) < certain_until.min(t.end)
            });
        chair.push(TermRow {
            start: date::IsoDay(t.start),
            end: date::IsoDay(t.end),
            chair: t.chair.map(party),
            chairs: named_on(t.start)
                .and_then(|p| p.at(t.start))
                .map_or_else(|| t.chair.into_iter().map(party).collect(), |p| parties(&p.holders())),
            vice_chairs: named_on(t.start)
                .and_then(|p| p.at(t.start))
                .map_or_else(Vec::new, |p| parties(&p.vice_chairs)),
            recorded,
            departs,
            departs_certainly,
            unsettled_by,
            // Set from the findings once they are made (see `sections`).
            new_departure: false,
            finding_codes: Vec::new(),
            bounds_approximate,
        });
    }

    Ok((terms, chair))
}

/// The state the rotation names to take the chair on `day` after
/// `outgoing` (in office since `since`), skipping those recorded as
/// declining a turn since then up to `latest`; `None` without a rotation
/// or with nobody to name. What `succession-out-of-order` judges by.
fn named_successor(
    c: &Audit<'_>,
    outgoing: ir::PartyId,
    since: Day,
    day: Day,
    latest: Day,
) -> Option<(Vec<ir::PartyId>, Option<ir::PartyId>)> {
    let (order, _) = c.interp.tables().rotation_after(c.bundle, outgoing, day)?;
    let declined = |p: ir::PartyId| {
        c.bundle
            .history
            .declines
            .iter()
            .any(|(q, turn)| *q == p && *turn > since && *turn <= latest)
    };
    let named = order.iter().copied().find(|p| !declined(*p));
    Some((order, named))
}

/// Each recorded taking of office judged against the designation the text
/// requires, where it requires one.
fn designation_findings(c: &Audit<'_>, findings: &mut Vec<Finding>) {
    let (bundle, until, interp) = (c.bundle, c.until, c.interp);
    let tables = interp.tables();
    let party = |p: ir::PartyId| interp.party_name(p);
    let kind = kind_name;
    // Each recorded taking of office judged against the designation the
    // text requires, where it requires one.
    {
        for h in bundle.history.handovers.iter().filter(|h| h.day <= until) {
            // The designation in force when it took office (where an
            // amendment changes the way, only in its era).
            let Some(ChairModel::Designated(designation)) = charter_runtime::tables::way_of_handover(bundle, h) else {
                continue;
            };
            let Some(breach) =
                charter_runtime::tables::designation_breach(bundle, &tables.valid_records, designation, h)
            else {
                continue;
            };
            let wanted = match designation.by {
                Some(by) => format!(
                    "elected by a `{}` decision at a `{}` meeting",
                    kind(by.decision, &bundle.decision_kinds),
                    kind(by.meeting, &bundle.meeting_kinds)
                ),
                None => "chosen (in a way it does not state)".to_string(),
            };
            let why = match breach {
                charter_runtime::tables::DesignationBreach::NoRecordedDecision => {
                    "no decision designating it is recorded".to_string()
                }
                charter_runtime::tables::DesignationBreach::NotValidlyDecided => {
                    "the recorded decision that designated it is not valid".to_string()
                }
                charter_runtime::tables::DesignationBreach::DecisionKind(k) => {
                    format!("it was elected by a `{}` decision", kind(k, &bundle.decision_kinds))
                }
                charter_runtime::tables::DesignationBreach::MeetingKind(k) => {
                    format!("it was elected at a `{}` meeting", kind(k, &bundle.meeting_kinds))
                }
                charter_runtime::tables::DesignationBreach::CandidacyLate { due, announced } => format!(
                    "its candidacy was announced on {}, after {} (the last day the text allows)",
                    date::format(announced),
                    date::format(due)
                ),
                charter_runtime::tables::DesignationBreach::SameGroup { group, previous } => format!(
                    "it follows {} of the same group (`{}`), where the chair alternates between groups",
                    party(previous),
                    bundle.groups.get(group as usize).map_or("?", |g| g.name.as_str())
                ),
                charter_runtime::tables::DesignationBreach::CandidacyUnrecorded { due } => format!(
                    "no candidacy is recorded by {} (the last day the text allows)",
                    date::format(due)
                ),
            };
            let (severity, consequence) = if breach == charter_runtime::tables::DesignationBreach::NoRecordedDecision {
                (
                    Severity::Advisory,
                    "the rules' chair follows the recorded taking of office; record the decision if a source gives it",
                )
            } else if breach.is_gap() {
                (
                    Severity::Advisory,
                    "the rules' chair follows the election; record the candidacy if a source gives it",
                )
            } else {
                (Severity::Violation, "the rules' chair does not follow it")
            };
            let decided_by = h.decision.and_then(|d| bundle.history.decisions.get(d));
            findings.push(Finding {
                certainty: if h.precision.is_exact() {
                    Certainty::Certain
                } else {
                    Certainty::Possible
                },
                clause: Some(designation.cite.clause.clone()),
                parties: vec![party(h.to)],
                decision: decided_by.map(|d| d.id.clone()),
                sources: h.sources.clone(),
                inferred: h.inferred.iter().cloned().collect(),
                ..finding(
                    FindingCode::DesignationBreach,
                    severity,
                    h.day,
                    format!(
                        "{} took the chair {}, but the text (§ {}) has the chair {wanted}: {why}; {consequence}",
                        party(h.to),
                        dated(h.precision, h.day),
                        designation.cite.clause
                    ),
                )
            });
        }
    }
}

/// Each recorded taking of office judged against the rotation.
fn rotation_findings(c: &Audit<'_>, offices: &[&ir::Handover], findings: &mut Vec<Finding>) {
    let (bundle, interp) = (c.bundle, c.interp);
    let tables = interp.tables();
    let party = |p: ir::PartyId| interp.party_name(p);
    let parties = |list: &[ir::PartyId]| list.iter().map(|p| party(*p)).collect::<Vec<_>>();
    // Each recorded taking of office judged against the rotation.
    if let Some(rotation) = bundle.versions.iter().find_map(|v| v.rotation.as_ref()) {
        // The recorded view's standing, for whose turn it was there.
        let recorded_epochs = tables.recorded_epochs(bundle);
        for (i, h) in offices.iter().enumerate() {
            // Where an amendment changes the way, only a succession within
            // the rotation's era, cited to it.
            let rotated = |h: &ir::Handover| {
                matches!(
                    charter_runtime::tables::way_of_handover(bundle, h),
                    Some(ChairModel::Rotation(_))
                )
            };
            if !rotated(h)
                || i.checked_sub(1)
                    .and_then(|j| offices.get(j))
                    .is_some_and(|p| !rotated(p))
            {
                continue;
            }
            let clause = match bundle.chair_way_on(h.day) {
                Some(ChairModel::Rotation(r)) => r.cite.clause.clone(),
                Some(ChairModel::Named(_) | ChairModel::Designated(_)) | None => rotation.cite.clause.clone(),
            };
            let certainty = if h.precision.is_exact() {
                Certainty::Certain
            } else {
                Certainty::Possible
            };
            let authorised = tables.decided(h.decision);
            let how = if h.election { "was elected to" } else { "took" };
            let Some(previous) = i.checked_sub(1).and_then(|j| offices.get(j)) else {
                continue;
            };
            if previous.to == h.to {
                continue;
            }
            let latest = h.precision.latest(h.day);
            let Some((order, named)) = named_successor(c, previous.to, previous.day, h.day, latest) else {
                continue;
            };
            // Declines recorded for a turn since the outgoing chair took office.
            let declined = |p: ir::PartyId| {
                bundle
                    .history
                    .declines
                    .iter()
                    .any(|(q, turn)| *q == p && *turn > previous.day && *turn <= latest)
            };
            // Certain when the rotation names the same state on every day
            // the record's date allows.
            let named_at_latest =
                named_successor(c, previous.to, previous.day, latest, latest).and_then(|(_, named)| named);
            let certainty = if named_at_latest == named {
                Certainty::Certain
            } else {
                certainty
            };
            // In order under the rules, but not in the recorded view: a party
            // the history records in a status the rules never gave it had
            // the turn there. A note (the rules were followed), naming it.
            let recorded_named = recorded_epochs
                .as_ref()
                .and_then(|epochs| tables.recorded_rotation_after(epochs, bundle, previous.to, h.day))
                .and_then(|(order, _)| order.into_iter().find(|p| !declined(*p)));
            if let Some(turn) = recorded_named.filter(|p| named == Some(h.to) && *p != h.to) {
                let acting: Vec<String> = bundle
                    .history
                    .status_changes
                    .iter()
                    .filter(|c| c.day <= h.day && !tables.decided(c.decision))
                    .filter(|c| tables.recorded_status(bundle, c.party, h.day) == c.status)
                    .map(|c| format!("{} {} {}", party(c.party), c.status.name(), c.precision.describe(c.day)))
                    .collect();
                findings.push(Finding {
                    certainty,
                    clause: Some(clause.clone()),
                    parties: parties(&[h.to, turn]),
                    sources: h.sources.clone(),
                    inferred: h.inferred.iter().cloned().collect(),
                    ..finding(
                        FindingCode::SuccessionOutOfOrder,
                        Severity::Note,
                        h.day,
                        format!(
                            "{} {how} the chair {} after {}, as the rotation (§ {clause}) names; in the recorded view, which counts the status the history records with no decision ({}), the rotation names {}, whose turn it was",
                            party(h.to),
                            dated(h.precision, h.day),
                            party(previous.to),
                            acting.join(", "),
                            party(turn)
                        ),
                    )
                });
            }
            if named != Some(h.to) {
                // A valid decision of the body stands behind it: a departure
                // the body chose, reported, but not a breach.
                let decided_by = h.decision.and_then(|d| bundle.history.decisions.get(d));
                let (severity, decided) = match decided_by {
                    Some(d) if authorised => (
                        Severity::Advisory,
                        format!("; a valid decision (`{}`) decided it", d.id),
                    ),
                    Some(_) | None => (Severity::Violation, String::new()),
                };
                let passed: Vec<ir::PartyId> = order
                    .iter()
                    .copied()
                    .take_while(|p| *p != h.to)
                    .filter(|p| !declined(*p))
                    .collect();
                let mut why = if order.contains(&h.to) {
                    format!("passed over with no recorded decline: {}", parties(&passed).join(", "))
                } else {
                    format!("{} is not eligible to chair on that day", party(h.to))
                };
                // In the recorded view a party the history records in a
                // status the rules never gave it (a member with no
                // decision) takes its place in the rotation: whose turn
                // it was there.
                if let Some(turn) = recorded_named.filter(|p| Some(*p) != named) {
                    let acting: Vec<String> = bundle
                        .history
                        .status_changes
                        .iter()
                        .filter(|c| c.day <= h.day && !tables.decided(c.decision))
                        .filter(|c| tables.recorded_status(bundle, c.party, h.day) == c.status)
                        .map(|c| format!("{} {} {}", party(c.party), c.status.name(), c.precision.describe(c.day)))
                        .collect();
                    why.push_str(&format!(
                        "; in the recorded view, which counts the status the history records with no decision ({}), the rotation names {}{}",
                        acting.join(", "),
                        party(turn),
                        if turn == h.to {
                            ", whom the taking of office follows"
                        } else {
                            ", whose turn it was"
                        }
                    ));
                }
                findings.push(Finding {
                    certainty,
                    clause: Some(clause.clone()),
                    // The new chair, the one the rotation names, and those
                    // passed over, each once.
                    parties: {
                        let mut named_parties: Vec<ir::PartyId> = Vec::new();
                        for p in std::iter::once(h.to).chain(named).chain(passed.iter().copied()) {
                            if !named_parties.contains(&p) {
                                named_parties.push(p);
                            }
                        }
                        parties(&named_parties)
                    },
                    decision: decided_by.map(|d| d.id.clone()),
                    sources: h.sources.clone(),
                    inferred: h.inferred.iter().cloned().collect(),
                    ..finding(
                        FindingCode::SuccessionOutOfOrder,
                        severity,
                        h.day,
                        format!(
                            "{} {how} the chair {} after {}, but the rotation (§ {clause}) names {}; {why}{decided}",
                            party(h.to),
                            dated(h.precision, h.day),
                            party(previous.to),
                            named.map_or_else(|| "nobody".to_string(), party),
                        ),
                    )
                });
            }
        }
    }
}

/// Each recorded office against the term in force, whichever chair model
/// the text has (a rotation's term, or a designated chair's): it ends at
/// the next taking of office by another state, or at a vacancy recorded
/// before it (an office ended with no successor).
fn term_findings(c: &Audit<'_>, offices: &[&ir::Handover], vacancies: &[&ir::Vacancy], findings: &mut Vec<Finding>) {
    let (bundle, until, interp) = (c.bundle, c.until, c.interp);
    let tables = interp.tables();
    let party = |p: ir::PartyId| interp.party_name(p);
    let rotation = bundle.versions.iter().find_map(|v| v.rotation.as_ref());
    let designation = bundle.versions.iter().find_map(|v| v.designation.as_ref());
    let Some(clause) = rotation
        .map(|r| r.cite.clause.clone())
        .or_else(|| designation.map(|d| d.cite.clause.clone()))
    else {
        return;
    };
    // The term of an office that started on `start` and ended on `end`,
    // under the way of choosing the chair in force when it started.
    let term_of = |holder: ir::PartyId, start: Day, end: Day| match bundle.chair_way_on(start) {
        Some(ChairModel::Rotation(_)) => tables.rotation_after(bundle, holder, end).and_then(|(_, term)| term),
        Some(ChairModel::Designated(_)) => bundle
            .designated_terms_on(start)
            .and_then(|terms| ir::designated_term_at(terms, start)),
        Some(ChairModel::Named(_)) | None => None,
    };
    // The eras of the ways of choosing the chair, where amendments change it.
    let eras = bundle.chair_eras();
    let era_of = |day: Day| eras.iter().rposition(|e| e.from <= day);
    // Each recorded office against the term in force: it ends at the
    // next taking of office by another state, or at a vacancy recorded
    // before it (an office ended with no successor).
    let (no_sources, no_inferred): (Vec<String>, Option<ir::Inferred>) = (Vec::new(), None);
    for (i, previous) in offices.iter().enumerate() {
        let next = offices.get(i + 1);
        if next.is_some_and(|h| h.to == previous.to) {
            continue;
        }
        let vacancy = vacancies
            .iter()
            .find(|v| v.day > previous.day && next.is_none_or(|h| v.day < h.day));
        let (end_day, end_precision, end_sources, end_inferred, authorised, next_to) = match (vacancy, next) {
            (Some(v), _) => (v.day, v.precision, &v.sources, &v.inferred, false, None),
            (None, Some(h)) => (
                h.day,
                h.precision,
                &h.sources,
                &h.inferred,
                tables.decided(h.decision),
                Some(h.to),
            ),
            // Still in office at the horizon: judged up to it.
            (None, None) => (until, ir::Precision::Exact, &no_sources, &no_inferred, false, None),
        };
        let ongoing = vacancy.is_none() && next.is_none();
        // An office during which an amendment changed how the chair is
        // chosen is not judged by either way's term.
        if eras.len() > 1
            && (era_of(previous.day) != era_of(end_day)
                || era_of(previous.day) != era_of(end_precision.latest(end_day))
                || matches!(end_precision, Precision::NoEarlierThan | Precision::NoLaterThan))
        {
            continue;
        }
        // The clause of the way in force when it took office.
        let clause = match bundle.chair_way_on(previous.day) {
            Some(ChairModel::Rotation(r)) => r.cite.clause.clone(),
            Some(ChairModel::Designated(d)) => d.cite.clause.clone(),
            Some(ChairModel::Named(_)) | None => clause.clone(),
        };
        let Some(term) = term_of(previous.to, previous.day, end_day) else {
            continue;
        };
        let Some(term_end) = date::add(previous.day, term, 1) else {
            continue;
        };
        let (earliest_start, latest_start) = (previous.day, previous.precision.latest(previous.day));
        let (earliest_end, latest_end) = (end_day, end_precision.latest(end_day));
        let latest_term_end = date::add(latest_start, term, 1).unwrap_or(term_end);
        let held = if ongoing {
            format!(
                "{} has held the chair from {} and is still in office at the horizon ({}: no later taking of office or vacancy is recorded)",
                party(previous.to),
                previous.precision.describe(previous.day),
                date::format(until)
            )
        } else {
            format!(
                "{} held the chair from {} to {}{}",
                party(previous.to),
                previous.precision.describe(previous.day),
                end_precision.describe(end_day),
                if vacancy.is_some() {
                    " (the office then recorded vacant)"
                } else {
                    ""
                }
            )
        };
        let term_text = charter_runtime::value::duration_text(&term);
        // Extensions recorded of the outgoing chair's office: a valid
        // one authorises the office up to its day.
        let extensions: Vec<&ir::Extension> = bundle
            .history
            .extensions
            .iter()
            .filter(|e| e.party == previous.to && e.until > previous.day && e.until <= until)
            .collect();
        let extended_to = extensions
            .iter()
            .filter(|e| tables.decided(e.decision))
            .map(|e| e.until)
            .max();
        // A decision not judged, had it been valid, might have made the
        // hand-over or an extension covering the office.
        let named = |d: Option<usize>| {
            d.and_then(|d| bundle.history.decisions.get(d)).map(|r| {
                format!(
                    "`{}` at `{}`",
                    r.id,
                    r.decision.meeting.id.as_deref().unwrap_or("a recorded meeting")
                )
            })
        };
        let mut unjudged: Vec<String> = extensions
            .iter()
            .filter(|e| tables.unjudged(e.decision) && earliest_end <= e.until)
            .filter_map(|e| named(e.decision))
            .collect();
        if let Some(h) = next.filter(|h| vacancy.is_none() && tables.unjudged(h.decision)) {
            unjudged.extend(named(h.decision));
        }
        // An unjudged decision behind the first extension, by name (a
        // decision `unjudged` is one the history records).
        let unjudged_extension = extensions
            .first()
            .filter(|e| tables.unjudged(e.decision))
            .and_then(|e| named(e.decision).map(|by| (e, by)));
        let extension_note = match (extended_to, unjudged_extension, extensions.first()) {
            (Some(to), _, _) => format!(", and than the extension a valid decision made (until {})", date::format(to)),
            (None, Some((e, by)), _) => format!(
                ", and no decision known to be valid extended it (an extension until {} is recorded, decided by {by}, which cannot be judged)",
                e.precision.describe(e.until)
            ),
            (None, None, Some(e)) => format!(
                ", and no valid decision extended it (an extension until {} is recorded, but no valid decision made it)",
                e.precision.describe(e.until)
            ),
            (None, None, None) => ", and no valid decision extended it".to_string(),
        };
        let within_extension = extended_to.is_some_and(|to| latest_end <= to);
        // How far off the term's boundary the office ended (from the
        // boundary to the nearest day the record allows), and the
        // recorded meetings in the hand-over's window, whose records
        // are evidence of when it happened.
        let off_by = if latest_end < term_end {
            term_end - latest_end
        } else if earliest_end > term_end {
            earliest_end - term_end
        } else {
            0
        };
        let at_meetings: Vec<&ir::MeetingRecord> = if ongoing {
            Vec::new()
        } else {
            bundle
                .history
                .meetings
                .iter()
                // Meetings dated exactly: one known only by bounds is
                // no evidence of the day.
                .filter(|m| m.provenance.precision.is_exact())
                .filter(|m| {
                    let last = m.last_day.unwrap_or(m.meeting.date);
                    m.meeting.date <= latest_end && last >= earliest_end
                })
                .collect()
        };
        let boundary_note = {
            let mut note = String::new();
            if off_by > 0 {
                note.push_str(&format!(
                    "; the office ended {}{off_by} day{} {} the term's boundary",
                    if earliest_end == latest_end { "" } else { "at least " },
                    if off_by == 1 { "" } else { "s" },
                    if latest_end < term_end { "before" } else { "after" }
                ));
            }
            if !at_meetings.is_empty() {
                let names: Vec<String> = at_meetings
                    .iter()
                    .map(|m| format!("`{}` ({})", m.id, date::format(m.meeting.date)))
                    .collect();
                note.push_str(&format!(
                    "; recorded meeting{} in the hand-over's window: {}",
                    if names.len() == 1 { "" } else { "s" },
                    names.join(", ")
                ));
            }
            note
        };
        let meeting_sources: Vec<String> = at_meetings.iter().flat_map(|m| m.provenance.sources.clone()).collect();
        let at_meeting = (at_meetings.len() == 1)
            .then(|| at_meetings.first().map(|m| m.id.clone()))
            .flatten();
        // An office dated by one record's start and the next one's end,
        // either approximate and from other sources: the finding exists
        // only by pairing their windows.
        let combines_sources = (!previous.precision.is_exact() || !end_precision.is_exact())
            && !end_sources.is_empty()
            && end_sources != &previous.sources;
        if !authorised && !within_extension && latest_end > term_end {
            let certain = earliest_end > latest_term_end && unjudged.is_empty() && !ongoing;
            findings.push(Finding {
            possible_because: if ongoing {
                vec!["it rests on no later record: the history records no end to the office, not that it continued".to_string()]
            } else if !certain && combines_sources {
                vec!["the dates are windows: the overrun holds only on some of the days they allow, pairing the start one record gives with the end the next gives, each from its own sources".to_string()]
            } else {
                Vec::new()
            },
            unjudged,
            certainty: if certain { Certainty::Certain } else { Certainty::Possible },
            clause: Some(clause.clone()),
            parties: vec![party(previous.to)],
            sources: previous.sources.iter().chain(end_sources).chain(&meeting_sources).cloned().collect(),
            inferred: previous.inferred.iter().chain(end_inferred).cloned().collect(),
            meeting: at_meeting.clone(),
            ..finding(
                FindingCode::TermOverrun,
                Severity::Violation,
                term_end,
                format!(
                    "{held}, longer than the term in force ({term_text}, § {clause}: it would end on {}){extension_note}{boundary_note}",
                    date::format(term_end)
                ),
            )
        });
        } else if !authorised && !ongoing && earliest_end < term_end && latest_end < latest_term_end {
            let certain = latest_end < term_end && earliest_start == latest_start;
            findings.push(Finding {
            certainty: if certain { Certainty::Certain } else { Certainty::Possible },
            clause: Some(clause.clone()),
            parties: std::iter::once(previous.to).chain(next_to).map(party).collect(),
            sources: previous.sources.iter().chain(end_sources).chain(&meeting_sources).cloned().collect(),
            inferred: previous.inferred.iter().chain(end_inferred).cloned().collect(),
            meeting: at_meeting,
            ..finding(
                FindingCode::TermCutShort,
                Severity::Advisory,
                // Dated within the office it is about (its end is the
                // next office's first day).
                previous.day,
                format!(
                    "{held}, shorter than the term in force ({term_text}, § {clause}: it would end on {}), and no valid decision ended it early{boundary_note}",
                    date::format(term_end)
                ),
            )
        });
        }
    }
}

/// Every recorded meeting and decision judged under the rules in force on
/// its day.
fn meeting_rows(c: &Audit<'_>, findings: &mut Vec<Finding>) -> Result<Vec<MeetingRow>, EvalError> {
    let (bundle, until, interp) = (c.bundle, c.until, c.interp);
    let tables = interp.tables();
    let party = |p: ir::PartyId| interp.party_name(p);
    let parties = |list: &[ir::PartyId]| list.iter().map(|p| party(*p)).collect::<Vec<_>>();
    let kind = kind_name;
    let mut meetings = Vec::new();
    let mut ordered: Vec<&ir::MeetingRecord> = bundle
        .history
        .meetings
        .iter()
        .filter(|m| m.meeting.date <= until)
        .collect();
    ordered.sort_by_key(|m| m.meeting.date);
    for record in ordered {
        let m = &record.meeting;
        let when = date::format(m.date);
        let certainty = if record.provenance.precision.is_exact() {
            Certainty::Certain
        } else {
            Certainty::Possible
        };
        // A finding at the meeting rests on the meeting's record as well as
        // on its own (a decision's sources and marks).
        let at_meeting = |f: Finding| {
            let sources = record.provenance.sources.iter().chain(&f.sources).cloned().collect();
            // A host-only mark bears on the finding about the host alone.
            let mut inferred: Vec<ir::Inferred> = record
                .provenance
                .inferred
                .iter()
                .filter(|i| !i.host_only || f.code == FindingCode::HostNotChair.code())
                .cloned()
                .collect();
            inferred.extend(
                f.inferred
                    .iter()
                    .filter(|i| !inferred.contains(i))
                    .cloned()
                    .collect::<Vec<_>>(),
            );
            Finding {
                // A finding possible on its own stays so.
                certainty: if f.certainty == Certainty::Possible {
                    Certainty::Possible
                } else {
                    certainty
                },
                meeting: Some(record.id.clone()),
                sources,
                inferred,
                ..f
            }
        };
        let version = interp.version_at(m.date);
        let outside = bundle.outside_kinds.iter().find(|k| k.kind == m.kind);
        if let Some(outside) = outside {
            // The kinds the policy declares (with a cadence or without).
            let provided: Vec<String> = bundle
                .meeting_kinds
                .iter()
                .enumerate()
                .filter(|(k, _)| !bundle.outside_kinds.iter().any(|o| o.kind as usize == *k))
                .map(|(_, name)| name.clone())
                .collect();
            let taken = record_decisions_at(bundle, &record.id);
            let (severity, decided) = if taken.is_empty() {
                (Severity::Note, String::new())
            } else {
                (
                    Severity::Advisory,
                    format!(
                        "; decisions taken there ({}) are judged by the general decision rule",
                        taken.iter().map(|d| format!("`{d}`")).collect::<Vec<_>>().join(", ")
                    ),
                )
            };
            findings.push(at_meeting(Finding {
                clause: version
                    .and_then(|v| v.obligations.first())
                    .map(|o| o.cite.clause.clone()),
                ..finding(
                    FindingCode::MeetingOutsideText,
                    severity,
                    m.date,
                    format!(
                        "`{}` is {} {} ({}), not one of the meeting types the text provides ({}){decided}",
                        record.id,
                        article(&outside.name),
                        outside.name,
                        kind(m.kind, &bundle.meeting_kinds),
                        if provided.is_empty() {
                            "none".to_string()
                        } else {
                            provided.join(", ")
                        }
                    ),
                )
            }));
        }
        // The clause that makes the chair host this kind: a `chair must
        // host` statement, or a cadence statement's `hosted by chair`.
        let host_cite = version.and_then(|v| {
            v.host_duties
                .iter()
                .find(|d| d.kind == m.kind)
                .map(|d| &d.cite)
                .or_else(|| {
                    v.obligations
                        .iter()
                        .find(|o| o.kind == m.kind && o.hosted_by_chair)
                        .map(|o| &o.cite)
                })
        });
        if let Some(cite) = host_cite {
            // The chair on the day, and, where a term starts that day (a
            // hand-over at the meeting), the outgoing chair too.
            let chair_then = interp.term_at(m.date)?;
            let outgoing = match chair_then {
                Some(t) if t.start == m.date => interp.term_at(m.date.saturating_sub(1))?.and_then(|t| t.chair),
                Some(_) | None => None,
            };
            // Every chair in office: the co-chairs the text names, or the one.
            let chairs_then = interp.chairs(m.date)?;
            // A meeting whose host is not recorded is no evidence either way.
            if m.host
                .is_some_and(|h| !chairs_then.is_empty() && !chairs_then.contains(&h))
                && (outgoing.is_none() || m.host != outgoing)
            {
                let named = parties(&chairs_then).join(" and ");
                let chairs = match outgoing {
                    Some(o) => format!("the rules hand the chair over on {when} from {} to {named}", party(o)),
                    None if chairs_then.len() > 1 => format!("the rules name {named} co-chairs on {when}"),
                    None => format!("the rules name {named} chair on {when}"),
                };
                findings.push(at_meeting(Finding {
                    clause: Some(cite.clause.clone()),
                    parties: m.host.iter().chain(&chairs_then).map(|p| party(*p)).collect(),
                    ..finding(
                        FindingCode::HostNotChair,
                        Severity::Violation,
                        m.date,
                        format!(
                            "`{}` was hosted by {}, but {chairs} (§ {})",
                            record.id,
                            m.host.map_or_else(String::new, party),
                            cite.clause
                        ),
                    )
                }));
            }
        }
        // An office held by the chair's roles is held by whoever the terms
        // make the outgoing, current or incoming chair that day.
        let by_chair = |r: &ir::Role| {
            r.group
                .and_then(|g| bundle.groups.get(g as usize))
                .is_some_and(|g| !g.chair_roles.is_empty())
        };
        let holds = |r: &ir::Role, p: ir::PartyId| {
            (r.parties.contains(&p) && r.held_on(m.date))
                || (by_chair(r)
                    && r.group
                        .is_some_and(|g| interp.group_on(g, m.date).is_ok_and(|h| h.contains(&p))))
        };
        // A function whose period the text dates only approximately, on a
        // day its window leaves open, neither explains nor fails to.
        let role = |p: ir::PartyId| {
            version.and_then(|v| {
                v.roles
                    .iter()
                    .find(|r| holds(r, p) && r.open_on(m.date, bundle.adopted).is_none())
            })
        };
        let role_open = |p: ir::PartyId| -> Vec<String> {
            // An office of the chair's roles whose holders the terms leave
            // open that day, where the party may be one.
            let by_terms = version.into_iter().flat_map(|v| &v.roles).filter(|r| by_chair(r)).filter_map(|r| {
                let g = r.group?;
                match interp.group_on(g, m.date) {
                    Err(EvalError::Unknown(open))
                        if open.possible.is_empty()
                            || open.possible.iter().any(|v| {
                                matches!(v, charter_runtime::Value::Set(s) if s.contains(&charter_runtime::Value::Party(p)))
                            }) =>
                    {
                        Some(format!("who holds {} that day is open: {}", r.what, open.because.join("; ")))
                    }
                    Ok(_) | Err(_) => None,
                }
            });
            let by_period = version
                .into_iter()
                .flat_map(|v| &v.roles)
                .filter(|r| r.parties.contains(&p))
                .filter_map(|r| {
                    let (earliest, latest) = r.open_on(m.date, bundle.adopted)?;
                    Some(format!(
                        "the text dates the period of {} only to between {} and {}, so on {} it may or may not hold it",
                        r.described(),
                        date::format(earliest),
                        date::format(latest),
                        date::format(m.date)
                    ))
                });
            by_terms.chain(by_period).collect()
        };
        // A party the history records as a member or observer that day is
        // not questioned here: the recorded change of status that made it
        // one is judged on its own (`audit::status-change-undecided`).
        // Where a record dated only by a window leaves its status open, it
        // is such a party only if every status possible is one.
        let participant = |s: ir::Status| matches!(s, ir::Status::Member | ir::Status::Observer);
        let recorded_participant = |p: ir::PartyId| {
            let asked = [charter_runtime::Value::Party(p), charter_runtime::Value::Date(m.date)];
            match interp.window_unknown(ir::Builtin::RecordedStatus, &asked) {
                None => participant(tables.recorded_status(bundle, p, m.date)),
                Some(open) => open
                    .possible
                    .iter()
                    .all(|v| matches!(v, charter_runtime::Value::Status(s) if participant(*s))),
            }
        };
        // At a meeting on or before the day the text was adopted (the
        // conference that adopted it), who attended was settled by its
        // invitations, not by the text.
        let before_text = m.date <= bundle.adopted;
        // What the text says of a party's function that day: none, or one
        // it holds on other days only (a dated Support Unit).
        let no_function = |p: ir::PartyId| {
            let other_days: Vec<String> = version
                .into_iter()
                .flat_map(|v| &v.roles)
                .filter(|r| {
                    r.parties.contains(&p) && (!r.held_on(m.date) || r.open_on(m.date, bundle.adopted).is_some())
                })
                .map(ir::Role::described)
                .collect();
            let approximate = version
                .into_iter()
                .flat_map(|v| &v.roles)
                .any(|r| r.parties.contains(&p) && r.open_on(m.date, bundle.adopted).is_some());
            match (other_days.is_empty(), approximate) {
                (true, _) => "the text gives it no function".to_string(),
                (false, false) => format!(
                    "the text gives it a function on other days only: {}",
                    other_days.join("; ")
                ),
                (false, true) => format!(
                    "the text gives it a function on other days, or from or until a day it gives only approximately: {}",
                    other_days.join("; ")
                ),
            }
        };
        // A body's meeting (a committee's) is attended by those who sit on it.
        let body = version
            .and_then(|v| v.body_of(m.kind))
            .map(|b| (b, bundle.groups.get(b.group as usize)));
        // Where a change of status dated only by a window leaves whether a
        // party may attend open, a finding that it may not is possible,
        // with why.
        let attending_open = |p: ir::PartyId| -> Vec<String> {
            let asked = [
                charter_runtime::Value::Party(p),
                charter_runtime::Value::Meeting(Box::new(m.clone())),
            ];
            let mut open = interp
                .window_unknown(ir::Builtin::MayAttend, &asked)
                .map(|open| open.because)
                .unwrap_or_default();
            open.extend(role_open(p));
            open
        };
        let certainty_of = |open: &[String]| {
            if open.is_empty() {
                Certainty::Certain
            } else {
                Certainty::Possible
            }
        };
        for p in m.present.iter().chain(&m.observers) {
            // Questioned where the one day each change is put on says it
            // may not attend, and (as possible) where a window leaves it
            // open either way.
            let open = attending_open(*p);
            let unexplained = !interp.may_attend(*p, m) || !open.is_empty();
            if let Some((b, group)) = body {
                if !before_text && unexplained && role(*p).is_none() {
                    findings.push(at_meeting(Finding {
                        certainty: certainty_of(&open),
                        possible_because: open,
                        clause: Some(b.cite.clause.clone()),
                        parties: vec![party(*p)],
                        ..finding(
                            FindingCode::UnexplainedAttendance,
                            Severity::Advisory,
                            m.date,
                            format!(
                                "{} attended `{}`, a meeting of the {}, but on {when} it does not sit on it, is not invited by a recorded decision, and {}",
                                party(*p),
                                record.id,
                                group.map_or_else(|| format!("(undeclared group #{})", b.group), |g| g.title.clone()),
                                no_function(*p),
                            ),
                        )
                    }));
                }
                continue;
            }
            if !before_text && unexplained && role(*p).is_none() && !recorded_participant(*p) {
                findings.push(at_meeting(Finding {
                    certainty: certainty_of(&open),
                    possible_because: open,
                    clause: version.and_then(|v| v.observers.as_ref()).map(|o| o.cite.clause.clone()),
                    parties: vec![party(*p)],
                    ..finding(
                        FindingCode::UnexplainedAttendance,
                        Severity::Advisory,
                        m.date,
                        format!(
                            "{} attended `{}`, but on {when} it is neither a member nor an admitted observer nor invited by a recorded decision, and {}",
                            party(*p),
                            record.id,
                            no_function(*p)
                        ),
                    )
                }));
            }
        }
        let recorded_decisions: Vec<&ir::DecisionRecord> = bundle
            .history
            .decisions
            .iter()
            .filter(|d| d.decision.meeting.id.as_ref() == Some(&record.id))
            .collect();
        let mut decisions = Vec::new();
        for d in &recorded_decisions {
            // Judged where the record settles it, whether or not it says
            // who was present (an objection by a member blocks whoever else
            // was there).
            let mut verdict = interp.valid(&d.decision);
            let mut because: Vec<String> = verdict
                .explanation
                .because
                .iter()
                .map(|e| match &e.clause {
                    Some(c) => format!("{} ({c})", e.fact),
                    None => e.fact.clone(),
                })
                .collect();
            // A change of status dated only by a window that the verdict
            // turns on leaves it open: not judged, and why.
            if verdict.valid.is_some() {
                let asked = [charter_runtime::Value::Decision(Box::new(d.decision.clone()))];
                if let Some(open) = interp.window_unknown(ir::Builtin::Valid, &asked) {
                    verdict.valid = None;
                    because = open.because;
                } else {
                    // Judged alike either way; the explanation above is
                    // of the one day each change is put on.
                    because.extend(
                        interp
                            .windows_open(ir::Builtin::Valid, &asked)
                            .into_iter()
                            .map(|why| format!("judged alike whether or not the change had happened: {why}")),
                    );
                }
            }
            if verdict.valid == Some(false) {
                findings.push(at_meeting(Finding {
                    clause: verdict.explanation.because.iter().find_map(|e| e.clause.clone()),
                    decision: Some(d.id.clone()),
                    sources: d.sources.clone(),
                    inferred: d.inferred.iter().cloned().collect(),
                    ..finding(
                        FindingCode::InvalidDecision,
                        Severity::Violation,
                        m.date,
                        format!(
                            "decision `{}` at `{}` is not valid under the rules in force",
                            d.id, record.id
                        ),
                    )
                }));
            }
            let valid = verdict.valid;
            decisions.push(DecisionRow {
                id: d.id.clone(),
                kind: kind(d.decision.kind, &bundle.decision_kinds),
                valid,
                text: d.text.clone(),
                because,
                sources: d.sources.clone(),
                inferred: d.inferred.clone(),
            });
        }
        let unjudged = decisions.iter().filter(|d| d.valid.is_none()).count();
        if !record.attendance_known && unjudged > 0 {
            findings.push(at_meeting(Finding {
                clause: version
                    .and_then(|v| v.rule_at(m.kind).cite.as_ref())
                    .map(|c| c.clause.clone()),
                ..finding(
                    FindingCode::AttendanceUnknown,
                    Severity::Note,
                    m.date,
                    format!(
                        "`{}` records {} decision{} but {}, so {} cannot be judged",
                        record.id,
                        unjudged,
                        if unjudged == 1 { "" } else { "s" },
                        if record.attendance_partial {
                            "names only some of those present"
                        } else {
                            "not who was present"
                        },
                        if unjudged == 1 { "it" } else { "they" }
                    ),
                )
            }));
        }
        meetings.push(MeetingRow {
            id: record.id.clone(),
            kind: kind(m.kind, &bundle.meeting_kinds),
            date: date::IsoDay(m.date),
            precision: record.provenance.precision,
            when: match record.last_day {
                Some(last) => format!(
                    "{} until {}",
                    record.provenance.precision.describe(m.date),
                    date::format(last)
                ),
                None => record.provenance.precision.describe(m.date),
            },
            last_day: record.last_day.map(date::IsoDay),
            place: record.place.clone(),
            host: m.host.map(party),
            attendance_known: record.attendance_known,
            attendance_partial: record.attendance_partial,
            present: parties(&m.present),
            observers: parties(&m.observers),
            sources: record.provenance.sources.clone(),
            inferred: record.provenance.inferred.clone(),
            outside_text: outside.map(|k| k.name.clone()),
            decisions,
        });
    }
    Ok(meetings)
}

/// Cadence: one finding per due day and kind; an obligation of each member
/// names every member that missed it.
fn cadence_findings(c: &Audit<'_>, findings: &mut Vec<Finding>) -> Result<(), EvalError> {
    let (bundle, until, interp) = (c.bundle, c.until, c.interp);
    let party = |p: ir::PartyId| interp.party_name(p);
    let parties = |list: &[ir::PartyId]| list.iter().map(|p| party(*p)).collect::<Vec<_>>();
    let kind = kind_name;
    // Cadence: one finding per due day and kind; an obligation of each
    // member names every member that missed it.
    let missed = interp.violations(bundle.adopted, until)?;
    let mut i = 0;
    while let Some(v) = missed.get(i) {
        let same: Vec<&charter_runtime::value::Violation> = missed
            .iter()
            .skip(i)
            .take_while(|w| w.due == v.due && w.kind == v.kind && w.strength == v.strength)
            .collect();
        i += same.len().max(1);
        let who: Vec<ir::PartyId> = same.iter().filter_map(|w| w.party).collect();
        let (code, severity, strength) = match v.strength {
            ir::Strength::Must => (FindingCode::MissedMeeting, Severity::Violation, "must"),
            ir::Strength::Should => (FindingCode::MissedEncouragedMeeting, Severity::Advisory, "should"),
        };
        let of = if who.is_empty() {
            String::new()
        } else {
            format!(" of {}", parties(&who).join(", "))
        };
        // Meetings of the kind that the sources date only within a window
        // (or whose existence is inferred) near the due day: where in its
        // window one fell could move the due day or meet it, so the
        // finding is only possible.
        let every = interp
            .version_at(v.due)
            .and_then(|version| version.obligations.iter().find(|o| o.kind == v.kind))
            .map(|o| o.every);
        let near: Vec<&ir::MeetingRecord> = bundle
            .history
            .meetings
            .iter()
            .filter(|m| m.meeting.kind == v.kind && m.meeting.date <= until)
            .filter(|m| {
                // An inferred host leaves the meeting and its day stated.
                let approximate = !m.provenance.precision.is_exact()
                    || m.provenance
                        .inferred
                        .as_ref()
                        .is_some_and(|i| !i.date_only && !i.host_only);
                let first = m.meeting.date;
                let last = m.provenance.precision.latest(first);
                // Held anywhere in its window, it met the due day or moved
                // it only if the due day falls from its window's first day
                // to a period after its last.
                approximate
                    && first <= v.due
                    && every.is_some_and(|every| date::add(last, every, 1).is_none_or(|to| v.due <= to))
            })
            .collect();
        let uncertain = if near.is_empty() {
            String::new()
        } else {
            format!(
                "; {} may have met it",
                near.iter()
                    .map(|m| format!("`{}` ({})", m.id, m.provenance.precision.describe(m.meeting.date)))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        };
        findings.push(Finding {
            clause: Some(v.clause.trim_start_matches("§ ").to_string()),
            parties: parties(&who),
            certainty: if near.is_empty() {
                Certainty::Certain
            } else {
                Certainty::Possible
            },
            inferred: near.iter().filter_map(|m| m.provenance.inferred.clone()).collect(),
            ..finding(
                code,
                severity,
                v.due,
                format!(
                    "{}{of} due by {} and not recorded ({strength} {}){uncertain}",
                    kind(v.kind, &bundle.meeting_kinds),
                    date::format(v.due),
                    v.clause
                ),
            )
        });
    }
    Ok(())
}

/// Recorded meetings held sooner after the last of their kind (of their
/// host, for a cadence per member) than the shortest gap the cadence in
/// force sets: an advisory, certain where every day the records allow
/// gives a shorter gap, possible where only some do; none where the two
/// records' windows overlap, so that which came last is not known.
fn too_soon_findings(c: &Audit<'_>, findings: &mut Vec<Finding>) {
    let (bundle, until, interp) = (c.bundle, c.until, c.interp);
    let mut meetings: Vec<&ir::MeetingRecord> = bundle
        .history
        .meetings
        .iter()
        .filter(|m| m.meeting.date <= until)
        .collect();
    meetings.sort_by_key(|m| m.meeting.date);
    for (i, m) in meetings.iter().enumerate() {
        let Some(obligation) = interp
            .version_at(m.meeting.date)
            .and_then(|v| v.obligations.iter().find(|o| o.kind == m.meeting.kind))
        else {
            continue;
        };
        let Some(gap) = obligation.at_least else { continue };
        let Some(last) = meetings.get(..i).and_then(|before| {
            before.iter().rev().find(|p| {
                p.meeting.kind == m.meeting.kind && (!obligation.per_member || p.meeting.host == m.meeting.host)
            })
        }) else {
            continue;
        };
        let span = |r: &ir::MeetingRecord| (r.meeting.date, r.provenance.precision.latest(r.meeting.date));
        let ((last_first, last_last), (first, latest)) = (span(last), span(m));
        // Which came last is known only where the windows do not overlap.
        if last_last > first {
            continue;
        }
        // Too soon on every day the records allow, or on some.
        let certain = date::add(last_first, gap, 1).is_some_and(|due| latest < due);
        let possible = date::add(last_last, gap, 1).is_some_and(|due| first < due);
        if !possible {
            continue;
        }
        let when = |r: &ir::MeetingRecord| r.provenance.precision.describe(r.meeting.date);
        findings.push(Finding {
            clause: Some(obligation.cite.clause.clone()),
            certainty: if certain {
                Certainty::Certain
            } else {
                Certainty::Possible
            },
            meeting: Some(m.id.clone()),
            sources: m
                .provenance
                .sources
                .iter()
                .chain(&last.provenance.sources)
                .cloned()
                .collect(),
            possible_because: if certain {
                Vec::new()
            } else {
                vec!["the records' dates allow a gap as long as the cadence's shortest".to_string()]
            },
            ..finding(
                FindingCode::MeetingTooSoon,
                Severity::Advisory,
                m.meeting.date,
                format!(
                    "`{}` ({}, {}) {} sooner after `{}` ({}) than the text's cadence allows: at most every {} (§ {})",
                    m.id,
                    kind_name(m.meeting.kind, &bundle.meeting_kinds),
                    when(m),
                    if certain { "came" } else { "may have come" },
                    last.id,
                    when(last),
                    charter_runtime::value::duration_text(&gap),
                    obligation.cite.clause
                ),
            )
        });
    }
}

/// Interim arrangements past their period, under each version of the text.
fn interim_findings(c: &Audit<'_>, findings: &mut Vec<Finding>) -> Result<(), EvalError> {
    let (bundle, until, interp) = (c.bundle, c.until, c.interp);
    let tables = interp.tables();
    for version in &bundle.versions {
        for arrangement in &version.interim {
            let ends =
                date::add(version.from, arrangement.period, 1).ok_or(charter_runtime::EvalError::DateOutOfRange)?;
            if ends > until || arrangement.after_period.is_some() {
                continue;
            }
            // The further decisions recorded on it since the version began,
            // in date order, with whether each is valid.
            let mut further: Vec<(usize, &ir::DecisionRecord, &ir::FurtherDecision)> = bundle
                .history
                .decisions
                .iter()
                .enumerate()
                .filter(|(_, d)| d.decision.meeting.date >= version.from && d.decision.meeting.date <= until)
                .filter_map(|(i, d)| {
                    d.further
                        .as_ref()
                        .filter(|f| f.what == arrangement.key)
                        .map(|f| (i, d, f))
                })
                .collect();
            further.sort_by_key(|(_, d, _)| d.decision.meeting.date);
            let valid = further.iter().find(|(i, _, _)| tables.decided(Some(*i)));
            let period = format!(
                "{} for {} from {} ended on {}, pending further decision",
                arrangement.what,
                charter_runtime::value::duration_text(&arrangement.period),
                date::format(version.from),
                date::format(ends),
            );
            let described = |d: &ir::DecisionRecord, f: &ir::FurtherDecision| {
                format!(
                    "decision `{}` at `{}` on {} ({}{})",
                    d.id,
                    d.decision.meeting.id.as_deref().unwrap_or("a meeting"),
                    date::format(d.decision.meeting.date),
                    match f.outcome {
                        ir::Further::Continued => "continued",
                        ir::Further::Changed => "changed",
                        ir::Further::Relocated => "relocated",
                    },
                    f.detail.as_ref().map(|t| format!(": {t}")).unwrap_or_default()
                )
            };
            let message = match (valid, further.first()) {
                (Some((_, d, _)), _) if d.decision.meeting.date <= ends => continue,
                (Some((_, d, f)), _) => format!(
                    "{period}; the further decision came only after it, {}",
                    described(d, f)
                ),
                (None, Some((_, d, f))) => format!(
                    "{period}; a further decision is recorded, {}, but it is not valid or cannot be judged",
                    described(d, f)
                ),
                (None, None) => format!(
                    "{period}; no further decision is recorded, and the text says neither that it lapses nor that it continues (§ {})",
                    arrangement.cite.clause
                ),
            };
            let decision = valid.or(further.first()).map(|(_, d, _)| d);
            findings.push(Finding {
                clause: Some(arrangement.cite.clause.clone()),
                decision: decision.map(|d| d.id.clone()),
                sources: decision.map(|d| d.sources.clone()).unwrap_or_default(),
                ..finding(FindingCode::InterimPastPeriod, Severity::Advisory, ends, message)
            });
        }
    }
    Ok(())
}

/// Admissions the text conditions on a written application.
fn admission_findings(c: &Audit<'_>, findings: &mut Vec<Finding>) {
    let (bundle, until, interp) = (c.bundle, c.until, c.interp);
    let tables = interp.tables();
    let party = |p: ir::PartyId| interp.party_name(p);
    // Admissions the text conditions on a written application.
    if let Some(kind) = bundle.decision_kinds.iter().position(|k| k == "admission") {
        for (record, ok) in bundle.history.decisions.iter().zip(&tables.valid_records) {
            let d = &record.decision;
            if d.kind as usize != kind || !ok || d.meeting.date > until {
                continue;
            }
            for p in &d.subjects {
                let Some(breach) = charter_runtime::tables::application_breach(bundle, *p, d.meeting.date) else {
                    continue;
                };
                let clause = interp
                    .version_at(d.meeting.date)
                    .and_then(|v| v.observers.as_ref())
                    .map(|o| o.cite.clause.clone());
                let on = date::format(d.meeting.date);
                let (severity, message) = match breach {
                    charter_runtime::tables::ApplicationBreach::Late(applied) => (
                        Severity::Violation,
                        format!(
                            "decision `{}` admitted {} as an observer on {on}, but its written application is recorded only on {}: the rules admit only on a written application, so its status does not follow the decision",
                            record.id,
                            party(*p),
                            date::format(applied)
                        ),
                    ),
                    charter_runtime::tables::ApplicationBreach::Unrecorded => (
                        Severity::Advisory,
                        format!(
                            "decision `{}` admitted {} as an observer on {on}; the text admits only on a written application, and none is recorded (record it if a source gives it)",
                            record.id,
                            party(*p)
                        ),
                    ),
                };
                findings.push(Finding {
                    clause: clause.clone(),
                    parties: vec![party(*p)],
                    decision: Some(record.id.clone()),
                    sources: record.sources.clone(),
                    ..finding(
                        FindingCode::AdmissionWithoutApplication,
                        severity,
                        d.meeting.date,
                        message,
                    )
                });
            }
        }
    }
}

/// Applications: pending at the horizon, or decided with no valid decision
/// behind the outcome.
fn application_findings(c: &Audit<'_>, findings: &mut Vec<Finding>) {
    let (bundle, until, interp) = (c.bundle, c.until, c.interp);
    let tables = interp.tables();
    let party = |p: ir::PartyId| interp.party_name(p);
    // Applications: pending at the horizon, or decided with no valid
    // decision behind the outcome.
    for a in bundle.history.applications.iter().filter(|a| a.day <= until) {
        let version = interp.version_at(a.day);
        let clause = match a.status {
            ir::Status::Member => version
                .and_then(|v| v.membership.first())
                .map(|m| m.cite.clause.clone()),
            ir::Status::Pending
            | ir::Status::Observer
            | ir::Status::Invited
            | ir::Status::None
            | ir::Status::Suspended => version
                .and_then(|v| v.observers.as_ref())
                .map(|o| o.cite.clause.clone()),
        };
        let decided_by = a.decision.and_then(|d| bundle.history.decisions.get(d));
        let outcome_known = a.decided_on.is_none_or(|(d, _)| d <= until);
        let base = Finding {
            clause,
            parties: vec![party(a.party)],
            decision: decided_by.map(|d| d.id.clone()),
            sources: a.sources.clone(),
            inferred: a.inferred.iter().cloned().collect(),
            certainty: if a.precision.is_exact() {
                Certainty::Certain
            } else {
                Certainty::Possible
            },
            ..finding(FindingCode::ApplicationPending, Severity::Note, a.day, String::new())
        };
        let asked = format!(
            "{} {} {}",
            party(a.party),
            application_for(a.status),
            dated(a.precision, a.day)
        );
        match a.outcome {
            ir::Outcome::Pending => findings.push(Finding {
                day: date::IsoDay(until),
                message: format!("{asked}; no outcome is recorded by {}", date::format(until)),
                ..base
            }),
            ir::Outcome::Granted | ir::Outcome::Refused if !outcome_known => findings.push(Finding {
                day: date::IsoDay(until),
                message: format!("{asked}; its outcome comes after {}", date::format(until)),
                ..base
            }),
            // Observer status is admitted by decision (`observers ...
            // admitted by`); membership may come otherwise (`open to`).
            ir::Outcome::Granted | ir::Outcome::Refused
                if a.status == ir::Status::Observer
                    && version.is_some_and(|v| v.observers.is_some())
                    && !tables.decided(a.decision) =>
            {
                let by = match decided_by {
                    Some(d) => format!("decision `{}`, which is not valid", d.id),
                    None => "no recorded decision".to_string(),
                };
                findings.push(Finding {
                    gap: (a.outcome == ir::Outcome::Granted).then(|| (party(a.party), a.status)),
                    code: FindingCode::ApplicationUndecided.code(),
                    severity: Severity::Advisory,
                    day: date::IsoDay(a.decided_on.map_or(a.day, |(d, _)| d)),
                    message: format!(
                        "{asked}; the history records it {}{}, with {by} behind it, but the text admits observers by decision",
                        a.outcome.word(),
                        a.decided_on
                            .map(|(d, p)| format!(" {}", dated(p, d)))
                            .unwrap_or_default()
                    ),
                    ..base
                });
            }
            ir::Outcome::Granted | ir::Outcome::Refused | ir::Outcome::Withdrawn => {}
        }
    }
}

/// Declines for a day on which no term starts have no effect: say so.
fn decline_findings(c: &Audit<'_>, terms: &[charter_runtime::interp::Term], findings: &mut Vec<Finding>) {
    let (bundle, until, interp) = (c.bundle, c.until, c.interp);
    let party = |p: ir::PartyId| interp.party_name(p);
    // Declines for a day on which no term starts have no effect: say so.
    let starts: std::collections::BTreeSet<Day> = terms.iter().map(|t| t.start).collect();
    for (p, turn) in bundle.history.declines.iter().filter(|(_, turn)| *turn <= until) {
        if !starts.contains(turn) {
            let nearest = starts
                .range(..=*turn)
                .next_back()
                .or_else(|| starts.range(*turn..).next());
            findings.push(Finding {
                clause: bundle
                    .versions
                    .iter()
                    .find_map(|v| v.rotation.as_ref())
                    .map(|r| r.cite.clause.clone()),
                parties: vec![party(*p)],
                ..finding(
                    FindingCode::DeclineOffTurn,
                    Severity::Note,
                    *turn,
                    format!(
                        "{} is recorded as declining a turn starting {}, but no term of the rules starts that day{}: the decline has no effect",
                        party(*p),
                        date::format(*turn),
                        nearest
                            .map(|d| format!(" (the nearest starts {})", date::format(*d)))
                            .unwrap_or_default()
                    ),
                )
            });
        }
    }
}

/// Changes of status recorded as facts, against the rules' status.
fn status_change_findings(c: &Audit<'_>, findings: &mut Vec<Finding>) {
    let (bundle, until, interp) = (c.bundle, c.until, c.interp);
    let tables = interp.tables();
    let party = |p: ir::PartyId| interp.party_name(p);
    // Changes of status recorded as facts, against the rules' status.
    for change in bundle.history.status_changes.iter().filter(|c| c.day <= until) {
        let decided = tables.decided(change.decision);
        let rules = interp.status(change.party, change.day);
        if decided || rules == change.status {
            continue;
        }
        let version = interp.version_at(change.day);
        let (severity, clause, why) = match change.status {
            // Only a text that admits observers (by decision) is departed
            // from by one with none behind it; a text with no observer
            // status at all gives the record no rule to follow.
            ir::Status::Observer => match version.and_then(|v| v.observers.as_ref()) {
                Some(rule) => (
                    Severity::Violation,
                    Some(rule.cite.clause.clone()),
                    "the text admits observers by decision",
                ),
                None => (Severity::Advisory, None, "the text provides no observer status"),
            },
            ir::Status::Member => (
                Severity::Advisory,
                None,
                "no statement or valid decision makes it a member then",
            ),
            ir::Status::None | ir::Status::Pending | ir::Status::Invited => {
                (Severity::Note, None, "the text does not say how a party leaves")
            }
            ir::Status::Suspended => (
                Severity::Advisory,
                None,
                "no valid decision suspended it, and the text provides no suspension",
            ),
        };
        let by = match change.decision.and_then(|d| bundle.history.decisions.get(d)) {
            Some(d) => format!(" by decision `{}`, which is not valid", d.id),
            None => " with no decision recorded".to_string(),
        };
        findings.push(Finding {
            gap: change.decision.is_none().then(|| (party(change.party), change.status)),
            certainty: if change.precision.is_exact() {
                Certainty::Certain
            } else {
                Certainty::Possible
            },
            clause,
            parties: vec![party(change.party)],
            decision: change
                .decision
                .and_then(|d| bundle.history.decisions.get(d))
                .map(|d| d.id.clone()),
            sources: change.sources.clone(),
            inferred: change.inferred.iter().cloned().collect(),
            ..finding(
                FindingCode::StatusChangeUndecided,
                severity,
                change.day,
                format!(
                    "the history records that {} became {} {}{by}; the rules make it {} then ({why}){}",
                    party(change.party),
                    change.status.name(),
                    dated(change.precision, change.day),
                    rules.name(),
                    // How long the recorded status stands: to the next
                    // recorded change, or still at the horizon.
                    match bundle
                        .history
                        .status_changes
                        .iter()
                        .filter(|c| c.party == change.party && c.day > change.day && c.day <= until)
                        .min_by_key(|c| c.day)
                    {
                        Some(next) => format!(
                            "; the history holds it so until it became {} {}",
                            next.status.name(),
                            dated(next.precision, next.day)
                        ),
                        None => format!(
                            "; the history holds it so to the horizon ({}), where the rules still make it {}",
                            date::format(until),
                            interp.status(change.party, until).name()
                        ),
                    }
                ),
            )
        });
    }
}

/// What sources list, against the derivation.
fn snapshot_findings(c: &Audit<'_>, findings: &mut Vec<Finding>) {
    let (bundle, until, interp) = (c.bundle, c.until, c.interp);
    let tables = interp.tables();
    let party = |p: ir::PartyId| interp.party_name(p);
    let parties = |list: &[ir::PartyId]| list.iter().map(|p| party(*p)).collect::<Vec<_>>();
    // What sources list, against the derivation.
    for snapshot in bundle.history.snapshots.iter().filter(|s| s.day <= until) {
        let days = [snapshot.day, snapshot.precision.latest(snapshot.day).min(until)];
        let names = |list: &[ir::PartyId]| {
            let mut names = parties(list);
            names.sort();
            names
        };
        // Whether a record of `p`'s status by the snapshot's latest day
        // cites a source the snapshot cites (the same page, by address, or
        // the same citation).
        let cited = |sources: &[String]| -> Vec<String> {
            sources
                .iter()
                .flat_map(|s| {
                    let addresses: Vec<String> = s
                        .split_whitespace()
                        .filter(|w| w.starts_with("http://") || w.starts_with("https://"))
                        .map(|w| w.trim_end_matches([',', ';', ')', ']']).to_string())
                        .collect();
                    if addresses.is_empty() {
                        vec![s.clone()]
                    } else {
                        addresses
                    }
                })
                .collect()
        };
        let snapshot_cites = cited(&snapshot.sources);
        let same_source = |p: ir::PartyId| {
            bundle
                .history
                .status_changes
                .iter()
                .filter(|c| c.party == p && c.day <= days[1])
                .any(|c| cited(&c.sources).iter().any(|s| snapshot_cites.contains(s)))
        };
        let mut differences: Vec<(String, Vec<ir::PartyId>, bool)> = Vec::new();
        // A partial list (`and others`) says who was listed, not who was
        // not: only what it lists is compared.
        let mut compare =
            |what: &str, listed: &[ir::PartyId], partial: bool, derived: &dyn Fn(Day) -> Vec<ir::PartyId>| {
                let differ_on = |d: Day| {
                    let derived = derived(d);
                    let only_listed: Vec<ir::PartyId> =
                        listed.iter().copied().filter(|p| !derived.contains(p)).collect();
                    let only_derived: Vec<ir::PartyId> = if partial {
                        Vec::new()
                    } else {
                        derived.iter().copied().filter(|p| !listed.contains(p)).collect()
                    };
                    (only_listed, only_derived)
                };
                let (first, last) = (differ_on(days[0]), differ_on(days[1]));
                let differs = |(a, b): &(Vec<ir::PartyId>, Vec<ir::PartyId>)| !a.is_empty() || !b.is_empty();
                if differs(&first) || differs(&last) {
                    let (only_listed, only_derived) = if differs(&first) { first.clone() } else { last.clone() };
                    // A party whose recorded status rests on a record from the
                    // same source as the snapshot is one piece of evidence, not
                    // two to compare.
                    let independent = |list: Vec<ir::PartyId>| -> Vec<ir::PartyId> {
                        list.into_iter().filter(|p| !same_source(*p)).collect()
                    };
                    let (only_listed, only_derived) = (independent(only_listed), independent(only_derived));
                    if only_listed.is_empty() && only_derived.is_empty() {
                        return;
                    }
                    let mut text = Vec::new();
                    if !only_listed.is_empty() {
                        text.push(format!(
                            "lists {} as {what}, which the recorded view does not have",
                            names(&only_listed).join(", ")
                        ));
                    }
                    if !only_derived.is_empty() {
                        text.push(format!(
                            "does not list {} as {what}, which the recorded view has",
                            names(&only_derived).join(", ")
                        ));
                    }
                    let parties_named: Vec<ir::PartyId> = only_listed.into_iter().chain(only_derived).collect();
                    differences.push((text.join(", and "), parties_named, differs(&first) && differs(&last)));
                }
            };
        // What a source lists is evidence of what happened: it is checked
        // against the recorded view (the rules' status, changed by every
        // recorded change of status); departures of the records from the
        // rules are found above.
        let recorded_with = |status: ir::Status, d: Day| -> Vec<ir::PartyId> {
            (0..bundle.parties.len() as ir::PartyId)
                .filter(|p| tables.recorded_status(bundle, *p, d) == status)
                .collect()
        };
        if let Some(listed) = &snapshot.members {
            compare("a member", listed, snapshot.members_partial, &|d| {
                recorded_with(ir::Status::Member, d)
            });
        }
        if let Some(listed) = &snapshot.observers {
            compare("an observer", listed, snapshot.observers_partial, &|d| {
                recorded_with(ir::Status::Observer, d)
            });
        }
        if let Some(listed) = snapshot.chair {
            // The chair a source names is checked against the recorded
            // office where the history records one, else the rules' chair
            // (departures from the rules are found above).
            let derived = |d: Day| {
                tables
                    .recorded_chair(d)
                    .or_else(|| interp.term_at(d).ok().flatten().and_then(|t| t.chair))
                    .into_iter()
                    .collect::<Vec<_>>()
            };
            compare("the chair", &[listed], false, &derived);
        }
        for (text, named, both) in differences {
            findings.push(Finding {
                // Certain when the derivation differs on every day the date allows.
                certainty: if both && (snapshot.precision.is_exact() || days[0] != days[1]) {
                    Certainty::Certain
                } else {
                    Certainty::Possible
                },
                parties: parties(&named),
                sources: snapshot.sources.clone(),
                inferred: snapshot.inferred.iter().cloned().collect(),
                ..finding(
                    FindingCode::SnapshotDisagrees,
                    Severity::Advisory,
                    snapshot.day,
                    format!(
                        "a source dated {} {text} [{}]",
                        snapshot.precision.describe(snapshot.day),
                        snapshot.sources.join("; ")
                    ),
                )
            });
        }
    }
}

/// Duties with no evidence: members at the horizon with no recorded
/// designation for a role the text requires of each member.
fn duty_findings(c: &Audit<'_>, findings: &mut Vec<Finding>) {
    let (bundle, until, interp) = (c.bundle, c.until, c.interp);
    let party = |p: ir::PartyId| interp.party_name(p);
    let parties = |list: &[ir::PartyId]| list.iter().map(|p| party(*p)).collect::<Vec<_>>();
    // Duties with no evidence: members at the horizon with no recorded
    // designation for a role the text requires of each member.
    if let Some(version) = interp.version_at(until) {
        for duty in &version.member_duties {
            let missing: Vec<ir::PartyId> = interp
                .members(until)
                .into_iter()
                .filter(|p| {
                    !bundle
                        .history
                        .designations
                        .iter()
                        .any(|(q, role, on)| q == p && *role == duty.role && *on <= until)
                })
                .collect();
            if !missing.is_empty() {
                findings.push(Finding {
                    clause: Some(duty.cite.clause.clone()),
                    parties: parties(&missing),
                    ..finding(
                        FindingCode::NoDesignationRecorded,
                        Severity::Advisory,
                        until,
                        format!(
                            "no designation of {} {} recorded for {} ({} § {}): the history holds no evidence the duty was met",
                            article(&duty.role),
                            duty.role.replace('_', " "),
                            parties(&missing).join(", "),
                            match duty.strength {
                                ir::Strength::Must => "must",
                                ir::Strength::Should => "should",
                            },
                            duty.cite.clause
                        ),
                    )
                });
            }
        }
    }
}

/// The ids of the decisions recorded at a meeting.
fn record_decisions_at(bundle: &ir::Bundle, meeting: &str) -> Vec<String> {
    bundle
        .history
        .decisions
        .iter()
        .filter(|d| d.decision.meeting.id.as_deref() == Some(meeting))
        .map(|d| d.id.clone())
        .collect()
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
            qualify_periods(bundle, p, &mut periods);
            // The recorded meetings it attended (by the horizon).
            let mut attended: Vec<(Day, String)> = bundle
                .history
                .meetings
                .iter()
                .filter(|m| m.meeting.date <= until)
                .filter(|m| m.meeting.present.contains(&p) || m.meeting.observers.contains(&p))
                .map(|m| (m.meeting.date, m.id.clone()))
                .collect();
            attended.sort();
            let attended: Vec<String> = attended.into_iter().map(|(_, id)| id).collect();
            // The functions the text gives it (the Support Unit), with the
            // clause, and a standing of its own (one of the partners).
            let mut roles: Vec<String> = interp
                .version_at(until)
                .into_iter()
                .flat_map(|v| &v.roles)
                .filter(|r| r.parties.contains(&p))
                .map(ir::Role::described)
                .collect();
            for m in interp.version_at(until).into_iter().flat_map(|v| &v.membership) {
                let Some(g) = m
                    .standing
                    .filter(|_| m.party == p)
                    .and_then(|g| bundle.groups.get(g as usize))
                else {
                    continue;
                };
                let title = g.display_title();
                // Over the period the text gives it, as the text dates it.
                let period = match m.kind {
                    ir::MembershipKind::Observer { from, until, dating } => match until {
                        Some(u) => format!(", {} to {}", dating.from.describe(from), dating.until.describe(u)),
                        None => format!(", from {}", dating.from.describe(from)),
                    },
                    ir::MembershipKind::Member { .. }
                    | ir::MembershipKind::Pending { .. }
                    | ir::MembershipKind::Open
                    | ir::MembershipKind::Withdrawal { .. } => String::new(),
                };
                let line = format!(
                    "one of the {title}, attending as an observer (§ {}{period})",
                    m.cite.clause
                );
                if !roles.contains(&line) {
                    roles.push(line);
                }
            }
            // Its changes of status as recorded (the recorded view).
            let recorded: Vec<String> = bundle
                .history
                .status_changes
                .iter()
                .filter(|c| c.party == p && c.day <= until)
                .map(|c| format!("{} {}", c.status.name(), c.precision.describe(c.day)))
                .collect();
            let applications: Vec<String> = bundle
                .history
                .applications
                .iter()
                .filter(|a| a.party == p && a.day <= until)
                .map(|a| {
                    let outcome = match a.decided_on.filter(|(d, _)| *d <= until) {
                        Some((d, precision)) => format!("{} {}", a.outcome.word(), dated(precision, d)),
                        None if a.decided_on.is_some() => "pending".to_string(),
                        None => a.outcome.word().to_string(),
                    };
                    format!(
                        "{} {} ({outcome})",
                        application_for(a.status),
                        dated(a.precision, a.day)
                    )
                })
                .collect();
            let any = !periods.is_empty()
                || !attended.is_empty()
                || !roles.is_empty()
                || !recorded.is_empty()
                || !applications.is_empty();
            any.then(|| PartyTimeline {
                party: interp.party_name(p),
                periods,
                roles,
                attended,
                recorded,
                applications,
            })
        })
        .collect()
}

/// What an application asks for.
fn application_for(status: ir::Status) -> &'static str {
    match status {
        ir::Status::Member => "applied for membership",
        ir::Status::Pending | ir::Status::Observer | ir::Status::Invited | ir::Status::None | ir::Status::Suspended => {
            "applied for observer status"
        }
    }
}

fn push_period(periods: &mut Vec<Period>, status: ir::Status, from: Day, until: Option<Day>) {
    if status == ir::Status::None {
        return;
    }
    periods.push(Period {
        from: date::IsoDay(from),
        until: until.map(date::IsoDay),
        status: status.name().to_string(),
        from_as: None,
        until_as: None,
        inferred: Vec::new(),
    });
}

/// The recorded change of `party`'s standing dated `day`, if there is one.
pub(crate) fn membership_record(bundle: &ir::Bundle, party: ir::PartyId, day: Day) -> Option<&ir::Event> {
    bundle
        .history
        .events
        .iter()
        .find(|e| e.topic == "membership" && e.day == day && e.parties.contains(&party))
}

/// Each period's bounds as the records behind them date them: a bound on
/// a day that a record of the party's standing dates only approximately
/// (a broken silence "no later than", a join "in 2014") says so, and an
/// inferred record's reason is kept.
fn qualify_periods(bundle: &ir::Bundle, party: ir::PartyId, periods: &mut [Period]) {
    let record_on = |day: Day| membership_record(bundle, party, day);
    // A bound that a policy statement gives approximately says so too.
    let stated = |day: Day| -> Option<ir::Precision> {
        bundle
            .versions
            .iter()
            .flat_map(|v| &v.membership)
            .filter(|m| m.party == party)
            .find_map(|m| {
                let ends = match m.kind {
                    ir::MembershipKind::Member { from, until, dating }
                    | ir::MembershipKind::Observer { from, until, dating } => {
                        vec![(from, dating.from), (until.unwrap_or(from), dating.until)]
                    }
                    ir::MembershipKind::Withdrawal { on, precision } => vec![(on, precision)],
                    ir::MembershipKind::Pending { .. } | ir::MembershipKind::Open => Vec::new(),
                };
                ends.into_iter()
                    .find(|(d, p)| *d == day && !p.is_exact())
                    .map(|(_, p)| p)
            })
    };
    for period in periods {
        if let Some(p) = stated(period.from.0) {
            period.from_as = Some(p.describe(period.from.0));
        }
        if let Some(p) = period.until.and_then(|u| stated(u.0)) {
            period.until_as = period.until.map(|u| p.describe(u.0));
        }
        if let Some(e) = record_on(period.from.0) {
            let p = e.provenance.precision;
            if !p.is_exact() {
                period.from_as = Some(p.describe(period.from.0));
            }
            if let Some(inferred) = &e.provenance.inferred {
                period.inferred.push(inferred.why.clone());
            }
        }
        if let Some(until) = period.until {
            if let Some(e) = record_on(until.0) {
                let p = e.provenance.precision;
                if !p.is_exact() {
                    period.until_as = Some(p.describe(until.0));
                }
                if let Some(inferred) = &e.provenance.inferred {
                    if !period.inferred.contains(&inferred.why) {
                        period.inferred.push(inferred.why.clone());
                    }
                }
            }
        }
    }
}

/// ` (inferred: why)` after a period whose bounds rest on inferred
/// records, or nothing.
fn inferred_suffix(reasons: &[String]) -> String {
    if reasons.is_empty() {
        String::new()
    } else {
        format!(" (inferred: {})", reasons.join("; "))
    }
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
    line("CHAIR: terms as the rules derive them | the chair in office as the history records it".to_string());
    for t in &report.chair {
        let recorded = if t.recorded.is_empty() {
            "(nothing recorded)".to_string()
        } else {
            t.recorded.join(", then ")
        };
        line(format!(
            "  {} .. {}  {:<8} | {recorded}{}{}",
            t.start,
            t.end,
            {
                // The chair with co-chairs or vice-chairs beside it, or
                // equal co-chairs.
                let office = if t.chairs.len() > 1 && t.chair.is_none() {
                    t.chairs.join(" + ")
                } else {
                    t.chair.clone().unwrap_or_else(|| "(vacant)".to_string())
                };
                let co: Vec<&str> = t
                    .chairs
                    .iter()
                    .filter(|c| t.chair.as_ref().is_some_and(|chair| chair != *c))
                    .map(String::as_str)
                    .collect();
                let beside: Vec<String> = [
                    ("co-chair", co),
                    ("vice-chair", t.vice_chairs.iter().map(String::as_str).collect()),
                ]
                .into_iter()
                .filter(|(_, list)| !list.is_empty())
                .map(|(word, list)| format!("{word} {}", list.join(", ")))
                .collect();
                if beside.is_empty() {
                    office
                } else {
                    format!("{office} ({})", beside.join("; "))
                }
            },
            {
                let codes = t.finding_codes.join(", ");
                match (
                    t.departs,
                    t.new_departure,
                    t.departs_certainly,
                    t.unsettled_by.is_empty(),
                ) {
                    (true, false, _, _) => {
                        "   <- differs from the rules' sequence, with no finding in this term".to_string()
                    }
                    (true, true, true, _) => format!("   <- departs from the rules ({codes})"),
                    (true, true, false, true) => {
                        format!("   <- may depart from the rules (approximate dates; {codes})")
                    }
                    (true, true, false, false) => format!("   <- may depart from the rules ({codes})"),
                    (false, true, _, _) => format!("   <- the chair the rules name; findings in this term: {codes}"),
                    (false, false, _, _) => String::new(),
                }
            },
            if t.bounds_approximate {
                "   (bounds approximate: a record's date window)"
            } else {
                ""
            }
        ));
        if !t.unsettled_by.is_empty() {
            line(format!(
                "      (not settled: the rules give another term here had {} been valid, which is not known: who was present is not recorded)",
                t.unsettled_by.join(", ")
            ));
        }
    }
    if !report.recorded_chair.is_empty() {
        line("  recorded:".to_string());
        for o in &report.recorded_chair {
            let until = match (o.until.as_deref(), &o.party) {
                (Some(u), _) => format!(" .. {u}"),
                (None, Some(_)) => " .. (in office)".to_string(),
                (None, None) => " .. (still vacant)".to_string(),
            };
            let decision = match (&o.decision, o.decision_valid) {
                (Some(d), Some(false)) => format!(" by decision `{d}` (invalid)"),
                (Some(d), _) => format!(" by decision `{d}`"),
                (None, _) => String::new(),
            };
            line(format!(
                "    {}{until}  {}{}  {}{decision}{}{}",
                o.from,
                o.party.as_deref().unwrap_or("(none)"),
                o.role.as_deref().map(|r| format!(" ({r})")).unwrap_or_default(),
                o.how,
                o.inferred
                    .as_ref()
                    .map(|i| format!(" ({})", i.text()))
                    .unwrap_or_default(),
                bracketed(&o.sources)
            ));
        }
    }
    let chair_findings: Vec<&Finding> = report
        .findings
        .iter()
        .filter(|f| {
            [
                FindingCode::SuccessionOutOfOrder,
                FindingCode::TermOverrun,
                FindingCode::TermCutShort,
                FindingCode::DesignationBreach,
                FindingCode::RoleDeparts,
            ]
            .iter()
            .any(|c| c.code() == f.code)
        })
        .collect();
    for f in chair_findings {
        line(format!("  {}", finding_line(f)));
    }
    line(String::new());
    line("STATUS over time of every party that had a status or attended a recorded meeting".to_string());
    for party in &report.status {
        let periods: Vec<String> = party
            .periods
            .iter()
            .map(|p| match &p.until {
                Some(u) => format!(
                    "{} {} .. {}{}",
                    p.status,
                    p.from_as.clone().unwrap_or_else(|| p.from.to_string()),
                    p.until_as.clone().unwrap_or_else(|| u.to_string()),
                    inferred_suffix(&p.inferred)
                ),
                None => format!(
                    "{} from {}{}",
                    p.status,
                    p.from_as.clone().unwrap_or_else(|| p.from.to_string()),
                    inferred_suffix(&p.inferred)
                ),
            })
            .collect();
        let periods = if periods.is_empty() {
            "no status".to_string()
        } else {
            periods.join("; ")
        };
        let roles: String = party.roles.iter().map(|r| format!("; {r}")).collect();
        let attended = if party.attended.is_empty() {
            String::new()
        } else {
            format!("; attended {}", party.attended.join(", "))
        };
        let recorded = if party.recorded.is_empty() {
            String::new()
        } else {
            format!("; recorded: {}", party.recorded.join(", "))
        };
        let applications: String = party.applications.iter().map(|a| format!("; {a}")).collect();
        line(format!(
            "  {:<7} {periods}{roles}{attended}{recorded}{applications}",
            party.party
        ));
    }
    line(String::new());
    line("MEETINGS AND DECISIONS under the rules in force".to_string());
    if report.meetings.is_empty() {
        line("  (no meetings recorded)".to_string());
    }
    for m in &report.meetings {
        let date = &m.when;
        let present = if m.attendance_known {
            format!("{} present", m.present.len())
        } else if m.attendance_partial {
            format!("{} named present of more (a partial list)", m.present.len())
        } else {
            "attendance not recorded".to_string()
        };
        line(format!(
            "  {date}  {}{} `{}`{}{}, {present}{}",
            m.kind,
            m.outside_text
                .as_ref()
                .map(|n| format!(" ({n}; not a kind the text provides)"))
                .unwrap_or_default(),
            m.id,
            m.place.as_ref().map(|p| format!(" at {p}")).unwrap_or_default(),
            m.host.as_ref().map(|h| format!(", host {h}")).unwrap_or_default(),
            m.inferred
                .as_ref()
                .map(|i| format!(" ({})", i.text()))
                .unwrap_or_default(),
        ));
        for d in &m.decisions {
            line(format!(
                "    decision `{}` ({}): {}{}",
                d.id,
                d.kind,
                match d.valid {
                    Some(true) => "valid",
                    Some(false) => "INVALID",
                    None => "not judged",
                },
                d.text.as_ref().map(|t| format!(" - {t}")).unwrap_or_default()
            ));
            if let Some(i) = &d.inferred {
                line(format!("      ({})", i.text()));
            }
            for b in &d.because {
                line(format!("      because {b}"));
            }
        }
        for f in report
            .findings
            .iter()
            .filter(|f| f.meeting.as_deref() == Some(m.id.as_str()))
        {
            line(format!("    {}", finding_line(f)));
        }
        if !m.sources.is_empty() {
            line(format!("    source: {}", m.sources.join("; ")));
        }
    }
    let section = |codes: &[FindingCode]| -> Vec<&Finding> {
        let codes: Vec<String> = codes.iter().map(|c| c.code()).collect();
        report
            .findings
            .iter()
            .filter(|f| f.meeting.is_none() && codes.contains(&f.code))
            .collect()
    };
    line(String::new());
    line("CADENCE: meetings due and not recorded".to_string());
    let cadence = section(&[FindingCode::MissedMeeting, FindingCode::MissedEncouragedMeeting]);
    if cadence.is_empty() {
        line("  none".to_string());
    }
    for f in cadence {
        line(format!("  {}", finding_line(f)));
    }
    let rest = section(&[FindingCode::InterimPastPeriod, FindingCode::NoDesignationRecorded]);
    if !rest.is_empty() {
        line(String::new());
        line("INTERIM ARRANGEMENTS AND DUTIES".to_string());
        for f in rest {
            line(format!("  {}", finding_line(f)));
        }
    }
    // Every other finding, so that none goes unprinted.
    let shown: Vec<String> = [
        FindingCode::SuccessionOutOfOrder,
        FindingCode::TermOverrun,
        FindingCode::TermCutShort,
        FindingCode::DesignationBreach,
        FindingCode::MissedMeeting,
        FindingCode::MissedEncouragedMeeting,
        FindingCode::InterimPastPeriod,
        FindingCode::NoDesignationRecorded,
    ]
    .iter()
    .map(|c| c.code())
    .collect();
    let others: Vec<&Finding> = report
        .findings
        .iter()
        .filter(|f| f.meeting.is_none() && !shown.contains(&f.code))
        .collect();
    if !others.is_empty() {
        line(String::new());
        line("SOURCES AGAINST THE DERIVATION, AND OTHER FINDINGS".to_string());
        for f in others {
            line(format!("  {}", finding_line(f)));
        }
    }
    if !report.events.is_empty() {
        line(String::new());
        line("RECORDED EVENTS".to_string());
        for e in &report.events {
            line(format!(
                "  {}  {}{}{}",
                e.when,
                e.text,
                e.inferred
                    .as_ref()
                    .map(|i| format!(" ({})", i.text()))
                    .unwrap_or_default(),
                bracketed(&e.sources)
            ));
        }
    }
    if !report.notes.is_empty() {
        line(String::new());
        line("NOTES: what the history records with no rule of its own (events before the text was adopted, sources that disagree)".to_string());
        for n in &report.notes {
            line(format!(
                "  - {}{}{}",
                n.text,
                n.inferred
                    .as_ref()
                    .map(|i| format!(" ({})", i.text()))
                    .unwrap_or_default(),
                bracketed(&n.sources)
            ));
        }
    }
    line(String::new());
    match &report.coverage {
        Some(c) => {
            line(format!(
                "COVERAGE of {}: {} covered, {} marked non-normative, {} not covered ({}% covered or marked)",
                c.scope, c.covered, c.marked, c.not_covered, c.percent
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
        if let Some(reason) = &l.expected {
            line(format!("      expected by the policy: {reason}"));
        }
    }
    line(String::new());
    let s = &report.summary;
    line(format!(
        "{} violation{}, {} advisor{}, {} note{}",
        s.violations,
        if s.violations == 1 { "" } else { "s" },
        s.advisories,
        if s.advisories == 1 { "y" } else { "ies" },
        s.notes,
        if s.notes == 1 { "" } else { "s" },
    ));
    if !s.by_code.is_empty() {
        let codes: Vec<String> = s.by_code.iter().map(|(code, n)| format!("{code} {n}")).collect();
        line(format!("by code: {}", codes.join(", ")));
    }
    out
}

/// A record's date in a sentence: `on 2016-11-01`, `in 2016-11`, `no later
/// than 2013-08-31`.
fn dated(precision: Precision, day: Day) -> String {
    if precision.is_exact() {
        format!("on {}", date::format(day))
    } else {
        precision.describe(day)
    }
}

/// A record's sources after its text: `  [a; b]`, or nothing.
fn bracketed(sources: &[String]) -> String {
    if sources.is_empty() {
        String::new()
    } else {
        format!("  [{}]", sources.join("; "))
    }
}

/// One finding on one line: severity, code, what, and how sure.
fn finding_line(f: &Finding) -> String {
    let content: Vec<&str> = f
        .inferred
        .iter()
        .filter(|i| !i.date_only)
        .map(|i| i.why.as_str())
        .collect();
    let possible = match (f.certainty, content.is_empty()) {
        (Certainty::Certain, _) => String::new(),
        (Certainty::Possible, _) if !f.possible_because.is_empty() => {
            format!(" (possible: {})", f.possible_because.join("; "))
        }
        (Certainty::Possible, _) if !f.unjudged.is_empty() => format!(
            " (possible: it rests on whether {} {} valid, which is not known: who was present is not recorded)",
            f.unjudged.join(", "),
            if f.unjudged.len() == 1 { "was" } else { "were" }
        ),
        (Certainty::Possible, true) => " (possible: the record's date is approximate)".to_string(),
        (Certainty::Possible, false) => format!(
            " (possible: it rests on a record that is inferred, not stated: {})",
            content.join("; ")
        ),
    };
    let mut text = format!("{} [{}] {}{possible}", f.severity.name(), f.code, f.message);
    for related in &f.related {
        text.push_str(&format!("\n      the same gap: {related}"));
    }
    text
}

/// The audit of recorded compositions (`composition G P, ... from D`): on
/// each day in the record's period (up to the horizon) where a count can
/// change, where the text names the group's parties they govern, and a
/// record that lists others is `audit::composition-disagrees`; elsewhere
/// the record is the group, and one that does not hold the seats the text
/// gives the group in another is `audit::seats-unmet`. Each once per record
/// (and other group).
fn composition_findings(
    bundle: &ir::Bundle,
    state: &charter_runtime::Tables,
    until: Day,
    finding: &dyn Fn(FindingCode, Severity, Day, String) -> Finding,
    parties: &dyn Fn(&[ir::PartyId]) -> Vec<String>,
) -> Vec<Finding> {
    use charter_runtime::tables::{self, GroupEpochs};
    let words = tables::words_for(bundle.parties.len());
    let mut out = Vec::new();
    // A record the source dates only approximately may concern other days.
    let certainty = |record: &ir::Composition| {
        if record.dating.is_exact() {
            Certainty::Certain
        } else {
            Certainty::Possible
        }
    };
    for record in bundle.history.compositions.iter().filter(|c| c.from <= until) {
        let Some(group) = bundle.groups.get(record.group as usize) else {
            continue;
        };
        let text = GroupEpochs::build(group, words);
        let in_period = |d: Day| record.from <= d && record.until.is_none_or(|u| d < u) && d <= until;
        // Days on which what is compared can change.
        let mut days: Vec<Day> = std::iter::once(record.from)
            .chain(text.starts.iter().copied())
            .chain(group.seats.iter().map(|s| s.from))
            .chain(group.seats.iter().flat_map(|s| &s.of).flat_map(|o| {
                state
                    .groups
                    .get(*o as usize)
                    .into_iter()
                    .flat_map(|e| e.starts.iter().copied())
            }))
            .filter(|d| in_period(*d))
            .collect();
        days.sort_unstable();
        days.dedup();
        let mut listed = record.parties.clone();
        listed.sort_unstable();
        listed.dedup();
        let mut disagrees = false;
        let mut unmet: Vec<ir::GroupId> = Vec::new();
        for day in days {
            let named: Vec<ir::PartyId> = tables::parties(text.at(day)).collect();
            if !named.is_empty() {
                if named != listed && !disagrees {
                    disagrees = true;
                    let missing: Vec<ir::PartyId> = named.iter().filter(|p| !listed.contains(p)).copied().collect();
                    let extra: Vec<ir::PartyId> = listed.iter().filter(|p| !named.contains(p)).copied().collect();
                    let mut named_parties = missing.clone();
                    named_parties.extend(&extra);
                    // Certain where the text names others on a day the
                    // record certainly covers, whichever days it allows.
                    let (held_from, held_until) = certainly_held(record);
                    // Nor on a day the text's own period leaves open.
                    let text_open = |d: Day| group.open.iter().any(|(a, b)| *a <= d && d < *b);
                    let certainly_differs = std::iter::once(held_from)
                        .chain(text.starts.iter().copied())
                        .filter(|d| held_from <= *d && *d < held_until && *d <= until && !text_open(*d))
                        .any(|d| {
                            let named: Vec<ir::PartyId> = tables::parties(text.at(d)).collect();
                            !named.is_empty() && named != listed
                        });
                    out.push(Finding {
                        certainty: if certainly_differs {
                            Certainty::Certain
                        } else {
                            Certainty::Possible
                        },
                        clause: group.spans.first().map(|s| s.cite.clause.clone()),
                        parties: parties(&named_parties),
                        sources: record.sources.clone(),
                        inferred: record.inferred.iter().cloned().collect(),
                        possible_because: if text_open(day) {
                            vec![format!(
                                "the text dates the {}'s period only approximately",
                                group.title
                            )]
                        } else {
                            Vec::new()
                        },
                        ..finding(
                            FindingCode::CompositionDisagrees,
                            Severity::Advisory,
                            day,
                            format!(
                                "a source gives the {} from {} as {}, but on {} the text {} {}{}{}",
                                group.title,
                                record.dating.from.describe(record.from),
                                parties(&listed).join(", "),
                                date::format(day),
                                if text_open(day) { "may name" } else { "names" },
                                parties(&named).join(", "),
                                if missing.is_empty() {
                                    String::new()
                                } else {
                                    format!("; the source leaves out {}", parties(&missing).join(", "))
                                },
                                if extra.is_empty() {
                                    String::new()
                                } else {
                                    format!("; the text does not name {}", parties(&extra).join(", "))
                                },
                            ),
                        )
                    });
                }
                continue;
            }
            for seats in group
                .seats
                .iter()
                .filter(|s| s.from <= day && s.until.is_none_or(|u| day < u))
            {
                for other in &seats.of {
                    if unmet.contains(other) {
                        continue;
                    }
                    let from_other: Vec<ir::PartyId> = listed
                        .iter()
                        .copied()
                        .filter(|p| tables::contains(state.group_at_day(*other, day), *p))
                        .collect();
                    let held = from_other.len() as i64;
                    if held == seats.count {
                        continue;
                    }
                    unmet.push(*other);
                    let other_title = bundle
                        .groups
                        .get(*other as usize)
                        .map_or_else(|| format!("(undeclared group #{other})"), |g| g.title.clone());
                    out.push(Finding {
                        certainty: certainty(record),
                        clause: Some(seats.cite.clause.clone()),
                        parties: parties(&from_other),
                        sources: record.sources.clone(),
                        inferred: record.inferred.iter().cloned().collect(),
                        ..finding(
                            FindingCode::SeatsUnmet,
                            Severity::Violation,
                            day,
                            format!(
                                "the {} as a source gives it from {} has {held} of the {other_title} ({}) on {}, where the text gives them {} seat{}",
                                group.title,
                                record.dating.from.describe(record.from),
                                if from_other.is_empty() {
                                    "none".to_string()
                                } else {
                                    parties(&from_other).join(", ")
                                },
                                date::format(day),
                                seats.count,
                                if seats.count == 1 { "" } else { "s" }
                            ),
                        )
                    });
                }
            }
        }
    }
    out
}

/// The days a `composition` record's period covers whichever days its
/// dates allow: from the last day its start may be to the first day its
/// end may be (none where either is open-ended the wrong way).
fn certainly_held(record: &ir::Composition) -> (Day, Day) {
    let start = match record.dating.from {
        Precision::NoEarlierThan => date::LAST,
        p @ (Precision::Exact
        | Precision::NoLaterThan
        | Precision::InMonth
        | Precision::InYear
        | Precision::Between { .. }) => p.latest(record.from),
    };
    let end = match (record.until, record.dating.until) {
        (None, _) => date::LAST,
        (Some(_), Precision::NoLaterThan) => start,
        (
            Some(u),
            Precision::Exact
            | Precision::NoEarlierThan
            | Precision::InMonth
            | Precision::InYear
            | Precision::Between { .. },
        ) => u,
    };
    (start, end)
}

/// The indefinite article for `noun` as the sound of its first letters
/// suggests: `an` before a vowel (`an Ambassadors Meeting`), `a` before a
/// consonant or a vowel that sounds like one (`a European`, `a Union`, `a
/// one-day`).
fn article(noun: &str) -> &'static str {
    let lower = noun.trim_start().to_lowercase();
    let vowel = lower.starts_with(['a', 'e', 'i', 'o', 'u']);
    let sounds_like_a_consonant = ["eu", "uni", "use", "usu", "one", "once"]
        .iter()
        .any(|p| lower.starts_with(p));
    if vowel && !sounds_like_a_consonant {
        "an"
    } else {
        "a"
    }
}

#[cfg(test)]
mod article_tests {
    use super::article;

    #[test]
    fn the_article_follows_the_sound() {
        for (noun, expected) in [
            ("Ambassadors Meeting", "an"),
            ("expert meeting", "an"),
            ("Senior Officials Meeting", "a"),
            ("European Council", "a"),
            ("Union summit", "a"),
            ("one-day workshop", "a"),
            ("", "a"),
        ] {
            assert_eq!(article(noun), expected, "{noun}");
        }
    }
}
