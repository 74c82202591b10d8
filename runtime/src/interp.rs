//! `ir::Bundle` + query -> `Value`: the reference interpreter. It is the
//! semantics of Charter: every other backend must agree with it on every
//! input. Precision matters more than speed here.

use std::collections::BTreeSet;

use serde::Serialize;

use crate::date;
use crate::ir::*;
use crate::tables::{self, Judgement, Standing, StatusQuestion, Tables, Terms, MAX_OPEN_PARTIES};
use crate::value::{Outcome, Unknown, Value, Violation};

/// Why an evaluation could not produce a value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EvalError {
    /// Integer arithmetic overflowed.
    #[error("integer arithmetic overflowed")]
    Overflow,
    /// Date arithmetic left the calendar.
    #[error("date arithmetic left the calendar")]
    DateOutOfRange,
    /// The IR is malformed (a bug in the compiler that produced it).
    #[error("malformed IR: {0}")]
    Malformed(String),
    /// A well-typed expression gave `none` where a value is needed: a
    /// comparison by order, arithmetic, a meeting's date (`term_start(d)`
    /// before the first term, say). Names the expression.
    #[error("`{0}` is none, so it {1}")]
    NoValue(String, &'static str),
    /// The answer depends on facts nobody recorded (not an error of the
    /// policy: an answer of its own, which the evaluators return as such).
    #[error("unknown: {}", .0.because.join("; "))]
    Unknown(Box<Unknown>),
}

/// One node of an explanation: what was established, from which clause.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Explanation {
    pub fact: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub clause: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub because: Vec<Explanation>,
}

impl Explanation {
    pub fn leaf(fact: impl Into<String>, clause: Option<&Cite>) -> Self {
        Explanation {
            fact: fact.into(),
            clause: clause.map(|c| format!("§ {}", c.clause)),
            because: Vec::new(),
        }
    }
}

pub use crate::tables::Term;

/// The outcome of `valid(decision)` with what blocked it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    /// `None`: not judged (who was present is not recorded, and what is
    /// recorded does not settle it).
    pub valid: Option<bool>,
    pub explanation: Explanation,
}

/// What decides whether a decision is valid: the facts
/// [`Interpreter::valid`] explains and [`Interpreter::is_valid`] reads.
struct ConsensusFacts<'b> {
    /// The decision rule at the meeting's kind.
    rule: &'b Consensus,
    /// Each reservation of the decision's kind, and whether the meeting's
    /// kind may take it.
    reservations: Vec<(&'b Reservation, bool)>,
    /// The members present, sorted.
    present: Vec<PartyId>,
    /// Those taking part in the decision: the members present, and the
    /// observers present where the text lets them; sorted.
    voting: Vec<PartyId>,
    /// Objections by members present (each blocks), and by others.
    blocking: Vec<PartyId>,
    ignored: Vec<PartyId>,
    /// The quorum in force, and whether it is met.
    quorum: Option<(&'b Quorum, bool)>,
    /// How many members there are on the day (of the body, at a body's
    /// meeting).
    members: i64,
    /// At a body's meeting, the body's group.
    body: Option<&'b Group>,
}

impl ConsensusFacts<'_> {
    /// Who counts, as the rule and quorum read them.
    fn tally(&self) -> Tally {
        Tally {
            present: self.present.len() as i64,
            voting: self.voting.len() as i64,
            against: self.blocking.len() as i64,
            members: self.members,
        }
    }

    /// `None`: the text states no rule and the tally does not settle it.
    fn valid(&self) -> Option<bool> {
        if self.reservations.iter().all(|(_, allowed)| *allowed) {
            self.rule.decides(self.tally())
        } else {
            Some(false)
        }
    }

    /// The rule alone, without the quorum (each is explained on its own).
    fn rule_met(&self) -> Option<bool> {
        crate::ir::decides(self.rule.rule, self.rule.of_all_members, None, self.tally())
    }
}

/// A meeting or decision kind by name. A bundle read from elsewhere may
/// name a kind it does not declare: said so, as the report says it.
fn kind_name(names: &[String], k: u32) -> String {
    names
        .get(k as usize)
        .cloned()
        .unwrap_or_else(|| format!("(undeclared kind #{k})"))
}

/// Where an interpreter finds the semantic core's tables.
enum Core<'b> {
    Own(Box<Tables>),
    Shared(&'b Tables),
}

pub struct Interpreter<'b> {
    pub bundle: &'b Bundle,
    core: Core<'b>,
    /// Rule results by rule and arguments. Rules are pure, so each call is
    /// evaluated once per interpreter: rules that call others many times
    /// (each calling the previous two, say) take polynomial time.
    memo: std::cell::RefCell<std::collections::HashMap<(u32, Vec<Value>), Value>>,
    /// Rule calls already explained: a repeat is a one-line reference, so
    /// an explanation grows with the calls made, not with the paths to them.
    explained: std::cell::RefCell<std::collections::HashSet<(u32, Vec<Value>)>>,
    /// What evaluation reached, when asked for (`charter test --coverage`).
    coverage: Option<std::cell::RefCell<Coverage>>,
}

/// What the evaluations of an interpreter reached: the rules called, the
/// arms of `if`s taken and the bodies of quantifiers and filters entered
/// (each by the address of its node in the bundle, which a caller matches
/// against the rules' bodies), and the built-in queries asked.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Coverage {
    pub rules: BTreeSet<u32>,
    /// (node address, arm): 0 the `then` arm, 1 the `else` arm, 2 a body.
    pub arms: std::collections::HashSet<(usize, u8)>,
    pub builtins: BTreeSet<&'static str>,
}

impl Coverage {
    /// The address [`Coverage::arms`] keys a node by.
    pub fn node(expr: &Expr) -> usize {
        std::ptr::from_ref(expr) as usize
    }
}

impl<'b> Interpreter<'b> {
    /// An interpreter that works out the policy's tables first (see
    /// [`Tables::build`]).
    pub fn new(bundle: &'b Bundle) -> Self {
        Interpreter {
            bundle,
            core: Core::Own(Box::new(Tables::build(bundle))),
            memo: Default::default(),
            explained: Default::default(),
            coverage: None,
        }
    }

    /// An interpreter answering from tables already built for `bundle`
    /// (by [`Tables::build`] on the same bundle), so that every
    /// interpreter of one compiled policy shares them.
    pub fn with_tables(bundle: &'b Bundle, tables: &'b Tables) -> Self {
        Interpreter {
            bundle,
            core: Core::Shared(tables),
            memo: Default::default(),
            explained: Default::default(),
            coverage: None,
        }
    }

    /// The same interpreter, recording what its evaluations reach.
    #[must_use]
    pub fn recording_coverage(mut self) -> Self {
        self.coverage = Some(Default::default());
        self
    }

    /// What evaluations reached so far, if recording.
    pub fn coverage(&self) -> Option<Coverage> {
        self.coverage.as_ref().map(|c| c.borrow().clone())
    }

    fn reached(&self, f: impl FnOnce(&mut Coverage)) {
        if let Some(coverage) = &self.coverage {
            f(&mut coverage.borrow_mut());
        }
    }

    /// The semantic core's tables this interpreter answers from.
    pub fn tables(&self) -> &Tables {
        match &self.core {
            Core::Own(tables) => tables,
            Core::Shared(tables) => tables,
        }
    }

    /// The rules in force on a day: the last version from on or before it
    /// (the base text before any amendment).
    pub fn version_at(&self, day: Day) -> Option<&'b Version> {
        tables::version_at(self.bundle, day)
    }

    pub fn party_name(&self, party: PartyId) -> String {
        self.bundle
            .parties
            .get(party as usize)
            .map_or_else(|| format!("#{party}"), |p| p.id.clone())
    }

    // -------------------------------------------------------------- membership

    /// The status of a party on a day, with the clause that decides it:
    /// its membership standing, then, if it is not a member, whether a valid
    /// decision admitted it as an observer or invited it that day.
    pub fn status_explained(&self, party: PartyId, day: Day) -> (Status, Explanation) {
        // A change of status a valid decision made overrides the standing.
        let decided = self
            .tables()
            .status_changes
            .get(party as usize)
            .and_then(|list| list.iter().rev().find(|(on, _, _)| *on <= day))
            .and_then(|(_, status, i)| Some((*status, self.bundle.history.status_changes.get(*i)?)));
        if let Some((status, change)) = decided {
            if status == Status::None && self.invited_on(party, day) {
                return self.invited_explained(party, day);
            }
            if let Some(record) = change.decision.and_then(|d| self.bundle.history.decisions.get(d)) {
                return (
                    status,
                    Explanation {
                        fact: format!(
                            "{} became {} on {} by decision `{}`",
                            self.party_name(party),
                            status.name(),
                            change.precision.describe(change.day),
                            record.id
                        ),
                        clause: None,
                        because: vec![self.valid(&record.decision).explanation],
                    },
                );
            }
        }
        let (status, why) = self.standing(party, day);
        let mut explained = (status, self.explain_standing(party, day, why));
        if status == Status::None {
            if let Some(admission) = self.admission(party, day) {
                explained = (Status::Observer, admission);
            } else if self.invited_on(party, day) {
                explained = self.invited_explained(party, day);
            }
        }
        explained
    }

    fn invited_explained(&self, party: PartyId, day: Day) -> (Status, Explanation) {
        let name = self.party_name(party);
        (
            Status::Invited,
            Explanation::leaf(
                format!("{name} is invited to a meeting on {}", date::format(day)),
                self.version_at(day).and_then(|v| v.invitations.as_ref()),
            ),
        )
    }

    /// The status of a party on a day, as [`Interpreter::status_explained`]
    /// decides it, with no explanation built.
    pub fn status(&self, party: PartyId, day: Day) -> Status {
        self.tables().status(party, day)
    }

    /// Membership standing alone, with why: the facts
    /// [`Interpreter::explain_standing`] puts in words.
    fn standing(&self, party: PartyId, day: Day) -> (Status, Standing<'b>) {
        let Some(version) = self.version_at(day) else {
            return (Status::None, Standing::NoRules);
        };
        let history = &self.bundle.history;
        let entries: Vec<&'b Membership> = version.membership.iter().filter(|m| m.party == party).collect();
        let silences: Vec<(Day, bool)> = history
            .silences
            .iter()
            .filter(|s| s.party == party)
            .map(|s| (s.day, s.observer))
            .collect();
        let joins: Vec<Day> = history
            .joins
            .iter()
            .filter(|j| j.party == party)
            .map(|j| j.day)
            .collect();
        tables::standing(self.bundle, &entries, &silences, &joins, day)
    }

    /// Why a party may attend a meeting or not: its standing, or at a
    /// body's meeting whether it sits on the body.
    fn attendance_explained(&self, party: PartyId, meeting: &Meeting) -> Explanation {
        let Some(body) = self.version_at(meeting.date).and_then(|v| v.body_of(meeting.kind)) else {
            return self.status_explained(party, meeting.date).1;
        };
        let title = self
            .bundle
            .groups
            .get(body.group as usize)
            .map_or_else(|| format!("(undeclared group #{})", body.group), |g| g.title.clone());
        let sits = tables::contains(self.tables().group_at_day(body.group, meeting.date), party);
        let invited = !sits && self.invited_to(party, meeting);
        Explanation::leaf(
            format!(
                "meetings of kind `{}` are the {title}'s; {} {} on {}{}",
                kind_name(&self.bundle.meeting_kinds, meeting.kind),
                self.party_name(party),
                if sits { "sits on it" } else { "does not sit on it" },
                date::format(meeting.date),
                if invited {
                    ", and is invited to this meeting"
                } else {
                    ""
                }
            ),
            Some(&body.cite),
        )
    }

    /// Why a party has the standing it has, in words, with the clause.
    fn explain_standing(&self, party: PartyId, day: Day, why: Standing<'_>) -> Explanation {
        let name = self.party_name(party);
        match why {
            Standing::NoRules => Explanation::leaf(format!("no rules are in force on {}", date::format(day)), None),
            Standing::NotMember => Explanation::leaf(format!("{name} is not a member on {}", date::format(day)), None),
            Standing::MemberFrom(from, cite) => {
                Explanation::leaf(format!("{name} is a member from {}", date::format(from)), Some(cite))
            }
            Standing::ObserverFrom(from, cite, None) => Explanation::leaf(
                format!("the text names {name} an observer from {}", date::format(from)),
                Some(cite),
            ),
            Standing::ObserverFrom(from, cite, Some(class)) => Explanation::leaf(
                format!(
                    "the text makes {} observers, and {name}, {}, is one from {} (where no statement of its own gives it a status)",
                    class.plural(),
                    class.describe(),
                    date::format(from)
                ),
                Some(cite),
            ),
            Standing::BrokeSilence(on, became, cite) => Explanation::leaf(
                format!(
                    "{name} broke the silence procedure on {} and became {}",
                    date::format(on),
                    became.name()
                ),
                Some(cite),
            ),
            Standing::SilenceEnded(deadline, cite) => Explanation::leaf(
                format!(
                    "{name} became a member when the silence procedure ended on {} unbroken",
                    date::format(deadline)
                ),
                Some(cite),
            ),
            Standing::Pending(deadline, cite) => Explanation::leaf(
                format!(
                    "{name} is pending under the silence procedure until {}",
                    date::format(deadline)
                ),
                Some(cite),
            ),
            Standing::Joined(on) => Explanation::leaf(format!("{name} joined on {} (history)", date::format(on)), None),
            Standing::Withdrew(on, cite) => {
                Explanation::leaf(format!("{name} withdrew on {}", date::format(on)), Some(cite))
            }
        }
    }

    pub fn members(&self, day: Day) -> Vec<PartyId> {
        self.tables().members(day).collect()
    }

    pub fn observers(&self, day: Day) -> Vec<PartyId> {
        (0..self.bundle.parties.len() as u32)
            .filter(|p| self.status(*p, day) == Status::Observer)
            .collect()
    }

    /// The valid admission decision that made `party` an observer by `day`.
    fn admitted(&self, party: PartyId, day: Day) -> Option<&'b DecisionRecord> {
        let kind = self.decision_kind("admission")?;
        self.bundle.history.decisions.iter().find(|record| {
            let d = &record.decision;
            d.kind == kind
                && d.meeting.date <= day
                && d.subjects.contains(&party)
                && self.may_be_observer(party, d.meeting.date)
                && self.is_valid(d)
        })
    }

    /// [`Interpreter::admitted`], explained.
    fn admission(&self, party: PartyId, day: Day) -> Option<Explanation> {
        let record = self.admitted(party, day)?;
        let d = &record.decision;
        Some(Explanation {
            fact: format!(
                "{} was admitted as an observer by decision `{}` on {}",
                self.party_name(party),
                record.id,
                date::format(d.meeting.date)
            ),
            clause: self
                .version_at(d.meeting.date)
                .and_then(|v| v.observers.as_ref())
                .map(|o| format!("§ {}", o.cite.clause)),
            because: vec![self.valid(d).explanation],
        })
    }

    /// Whether the observer rule in force admits parties of this kind (civil
    /// society is invited per meeting, never admitted as an observer).
    fn may_be_observer(&self, party: PartyId, day: Day) -> bool {
        tables::may_be_observer(self.bundle, party, day)
    }

    fn invited_on(&self, party: PartyId, day: Day) -> bool {
        self.tables().invited_on(party, day)
    }

    /// Whether a valid invitation decision invites `party` to `meeting`.
    fn invited_to(&self, party: PartyId, meeting: &Meeting) -> bool {
        meeting
            .id
            .as_deref()
            .is_some_and(|id| self.tables().invited_to(party, id))
    }

    fn decision_kind(&self, name: &str) -> Option<DecisionKindId> {
        self.bundle
            .decision_kinds
            .iter()
            .position(|k| k == name)
            .map(|i| i as u32)
    }

    // -------------------------------------------------------------- rotation

    fn rotation(&self) -> Option<&'b Rotation> {
        self.bundle.versions.iter().find_map(|v| v.rotation.as_ref())
    }

    fn term_length(&self, start: Day) -> Option<Duration> {
        let rotation = self
            .version_at(start)
            .and_then(|v| v.rotation.as_ref())
            .or_else(|| self.rotation())?;
        crate::ir::term_length_at(&rotation.terms, start)
    }

    /// The term of office that contains `day`, if the rotation has started.
    pub fn term_at(&self, day: Day) -> Result<Option<Term>, EvalError> {
        Ok(self.terms()?.at(day))
    }

    /// The chairs in office on `day`: the co-chairs the text names, or the
    /// one chair of the term (none when vacant).
    pub fn chairs(&self, day: Day) -> Result<Vec<PartyId>, EvalError> {
        if let Some(ChairModel::Named(p)) = self.bundle.chair_way_on(day) {
            // Before the first chair the text names, nobody holds it.
            return Ok(p.at(day).map_or_else(Vec::new, NamedChair::holders));
        }
        Ok(self.term_at(day)?.and_then(|t| t.chair).into_iter().collect())
    }

    /// Those the text names in a seat of the chair's office beside the chair
    /// on `day` (co-chairs, vice-chairs): only a chair the text names has
    /// them, so none under a rotation or a designation.
    pub fn in_role(&self, role: OfficeRole, day: Day) -> Vec<PartyId> {
        match self.bundle.chair_way_on(day) {
            Some(ChairModel::Named(p)) => p.at(day).map_or_else(Vec::new, |part| part.in_role(role)),
            Some(ChairModel::Rotation(_) | ChairModel::Designated(_)) | None => Vec::new(),
        }
    }

    /// Every term that starts before `until`, in order.
    pub fn terms_before(&self, until: Day) -> Result<Vec<Term>, EvalError> {
        Ok(self.terms()?.before(until).collect())
    }

    fn terms(&self) -> Result<&Terms, EvalError> {
        self.tables()
            .terms
            .as_ref()
            .map_err(|e| EvalError::Malformed(e.to_string()))
    }

    // -------------------------------------------------------------- decisions

    /// Whether a decision is valid, with what made it so or blocked it.
    /// What decides whether a decision is valid; `None` when no rules are
    /// in force on its day.
    fn consensus(&self, decision: &Decision) -> Option<ConsensusFacts<'b>> {
        let meeting = &decision.meeting;
        let version = self.version_at(meeting.date)?;
        let reservations = version
            .reservations
            .iter()
            .filter(|r| r.decision == decision.kind)
            .map(|r| (r, r.meetings.contains(&meeting.kind)))
            .collect();
        // The members at the meeting: a body's meetings are its group's.
        let at_meeting = self.tables().meeting_members(self.bundle, meeting);
        let mut present: Vec<PartyId> = meeting
            .present
            .iter()
            .copied()
            .filter(|p| tables::contains(at_meeting, *p))
            .collect();
        present.sort_unstable();
        present.dedup();
        // Who takes part: the members present, and the observers present
        // where the text lets them.
        let mut voting = present.clone();
        if version.observers_may_decide() {
            // Observers attend as `present` or as `observers` of the meeting.
            voting.extend(meeting.present.iter().chain(&meeting.observers).copied().filter(|p| {
                tables::contains(self.tables().epochs.observers_at(meeting.date), *p)
                    && version.observer_decides(*p, meeting.date, meeting.kind)
            }));
            voting.sort_unstable();
            voting.dedup();
        }
        let (blocking, ignored) = decision
            .objections
            .iter()
            .partition(|p| voting.binary_search(p).is_ok());
        let members = at_meeting.iter().map(|w| i64::from(w.count_ones())).sum::<i64>();
        let rule = version.rule_at(meeting.kind);
        let quorum = rule
            .quorum
            .as_ref()
            .map(|quorum| (quorum, quorum.met(present.len() as i64, members)));
        Some(ConsensusFacts {
            rule,
            reservations,
            voting,
            present,
            blocking,
            ignored,
            quorum,
            members,
            body: version
                .body_of(meeting.kind)
                .and_then(|b| self.bundle.groups.get(b.group as usize)),
        })
    }

    /// Whether a decision is valid, as [`Interpreter::valid`] decides it,
    /// with no explanation built.
    /// (A decision not judged is not valid.)
    pub fn is_valid(&self, decision: &Decision) -> bool {
        self.judgement(decision) == Judgement::Valid
    }

    /// Whether a decision is valid, with what made it so or blocked it.
    pub fn valid(&self, decision: &Decision) -> Verdict {
        let judgement = self.judgement(decision);
        let original = decision;
        // Where who was present is not recorded, those who objected were
        // there; nothing is known of anyone else.
        let assumed;
        let decision = if self.tables().attendance_unknown(&decision.meeting) {
            let mut d = decision.clone();
            d.meeting.present = decision.objections.clone();
            d.meeting.observers = decision.objections.clone();
            assumed = d;
            &assumed
        } else {
            decision
        };
        let meeting = &decision.meeting;
        let Some(facts) = self.consensus(decision) else {
            return Verdict {
                valid: Some(false),
                explanation: Explanation::leaf("no rules are in force", None),
            };
        };
        let when = date::format(meeting.date);
        // Whose members count: the process's, or at a body's meeting the body's.
        let of_body = facts.body.map_or_else(String::new, |g| format!(" of the {}", g.title));
        // A kind beyond the bundle's tables (a decision built by hand, not
        // read from facts) is named by nothing, as it always was here.
        let name = |names: &[String], k: u32| names.get(k as usize).cloned().unwrap_or_default();
        let kind_name = name(&self.bundle.decision_kinds, decision.kind);
        let meeting_kind = name(&self.bundle.meeting_kinds, meeting.kind);
        let mut blockers = Vec::new();
        let mut grounds = Vec::new();
        for (reservation, allowed) in &facts.reservations {
            if *allowed {
                grounds.push(Explanation::leaf(
                    format!("a `{meeting_kind}` meeting may take decisions of kind `{kind_name}`"),
                    Some(&reservation.cite),
                ));
            } else {
                let allowed: Vec<String> = reservation
                    .meetings
                    .iter()
                    .filter_map(|k| self.bundle.meeting_kinds.get(*k as usize))
                    .map(|k| format!("`{k}`"))
                    .collect();
                blockers.push(Explanation::leaf(
                    format!(
                        "decisions of kind `{kind_name}` are reserved to {} meetings; this meeting is `{meeting_kind}`",
                        allowed.join(", ")
                    ),
                    Some(&reservation.cite),
                ));
            }
        }
        let consensus_cite = facts.rule.cite.as_ref();
        let rule = facts.rule.rule;
        if rule == DecisionRule::Consensus {
            for objector in &facts.blocking {
                blockers.push(Explanation::leaf(
                    format!(
                        "{} objected, {} present on {when}, so there is no consensus",
                        self.party_name(*objector),
                        if facts.present.binary_search(objector).is_ok() {
                            format!("a member{of_body}")
                        } else {
                            "an observer taking part in decisions".to_string()
                        }
                    ),
                    consensus_cite,
                ));
            }
        } else {
            let against = facts.blocking.len();
            let favour = facts.voting.len() - against;
            let counted = if facts.rule.of_all_members {
                format!("{} members{of_body}", facts.members)
            } else if facts.voting.len() > facts.present.len() {
                format!("{} members{of_body} and observers present", facts.voting.len())
            } else {
                format!("{} members{of_body} present", facts.present.len())
            };
            let against_names: Vec<String> = facts.blocking.iter().map(|p| self.party_name(*p)).collect();
            let fact = format!(
                "{favour} in favour, {against} against{} of {counted}; the rule is {}",
                if against_names.is_empty() {
                    String::new()
                } else {
                    format!(" ({})", against_names.join(", "))
                },
                rule.describe()
            );
            match facts.rule_met() {
                Some(true) if rule == DecisionRule::Unstated => grounds.push(Explanation::leaf(
                    format!("{fact}: every member present and none objecting, it passes under any rule"),
                    consensus_cite,
                )),
                Some(false) if rule == DecisionRule::Unstated => blockers.push(Explanation::leaf(
                    format!("{fact}: everyone taking part objecting, it fails under any rule"),
                    consensus_cite,
                )),
                Some(true) => grounds.push(Explanation::leaf(format!("{fact}: met"), consensus_cite)),
                Some(false) | None => blockers.push(Explanation::leaf(format!("{fact}: not met"), consensus_cite)),
            }
        }
        if !facts.ignored.is_empty() {
            let ignored: Vec<String> = facts.ignored.iter().map(|p| self.party_name(*p)).collect();
            grounds.push(Explanation::leaf(
                format!(
                    "objections by {} do not {}: not members{of_body} present",
                    ignored.join(", "),
                    if rule == DecisionRule::Consensus {
                        "block"
                    } else {
                        "count"
                    }
                ),
                consensus_cite,
            ));
        }
        if let Some((quorum, met)) = facts.quorum {
            let have = facts.present.len();
            let need = match quorum {
                Quorum::Count(n) => format!("{n}"),
                Quorum::Ratio(a, b) => format!("{a}/{b} of {}", facts.members),
            };
            let fact = format!("{have} members{of_body} present, quorum {need}");
            if met {
                grounds.push(Explanation::leaf(format!("{fact}: met"), consensus_cite));
            } else {
                blockers.push(Explanation::leaf(format!("{fact}: not met"), consensus_cite));
            }
        }
        let fact =
            |what: &str| format!("the `{kind_name}` decision at the `{meeting_kind}` meeting of {when} is {what}");
        if judgement == Judgement::Unjudged {
            let mut because = vec![Explanation::leaf(self.unjudged_because(original), None)];
            because.extend(grounds);
            return Verdict {
                valid: None,
                explanation: Explanation {
                    fact: fact("not known to be valid or invalid"),
                    clause: consensus_cite.map(|c| format!("§ {}", c.clause)),
                    because,
                },
            };
        }
        let valid = facts.valid().unwrap_or(false);
        if valid && rule == DecisionRule::Consensus {
            grounds.push(Explanation::leaf(
                format!("no member{of_body} present objected ({} present)", facts.present.len()),
                consensus_cite,
            ));
        }
        Verdict {
            valid: Some(valid),
            explanation: Explanation {
                fact: fact(if valid { "valid" } else { "invalid" }),
                clause: consensus_cite.map(|c| format!("§ {}", c.clause)),
                because: if valid { grounds } else { blockers },
            },
        }
    }

    /// Whether a party may attend a meeting: members and pending states,
    /// admitted observers, and civil society invited to that meeting.
    /// At a body's meeting (a committee's), the group's parties on the day
    /// and those invited to it.
    pub fn may_attend(&self, party: PartyId, meeting: &Meeting) -> bool {
        self.may_attend_as(party, meeting, self.status(party, meeting.date))
    }

    /// [`Interpreter::may_attend`] for a party of status `status` on the
    /// meeting's day.
    fn may_attend_as(&self, party: PartyId, meeting: &Meeting, status: Status) -> bool {
        if let Some(body) = self.version_at(meeting.date).and_then(|v| v.body_of(meeting.kind)) {
            return tables::contains(self.tables().group_at_day(body.group, meeting.date), party)
                || self.invited_to(party, meeting);
        }
        match status {
            Status::Member | Status::Pending | Status::Observer => true,
            Status::Invited | Status::None | Status::Suspended => self.invited_to(party, meeting),
        }
    }

    /// Whether a party may speak at a meeting: members and pending states,
    /// and observers the text gives the right to speak at meetings of its
    /// kind; at a body's meeting, those who sit on the body.
    pub fn may_speak(&self, party: PartyId, meeting: &Meeting) -> bool {
        self.may_speak_as(party, meeting, self.status(party, meeting.date))
    }

    /// [`Interpreter::may_speak`] for a party of status `status` on the
    /// meeting's day.
    fn may_speak_as(&self, party: PartyId, meeting: &Meeting, status: Status) -> bool {
        let Some(version) = self.version_at(meeting.date) else {
            return false;
        };
        if let Some(body) = version.body_of(meeting.kind) {
            return tables::contains(self.tables().group_at_day(body.group, meeting.date), party);
        }
        match status {
            Status::Member | Status::Pending => true,
            Status::Observer => version
                .observer_rights(party, meeting.date)
                .is_some_and(|r| r.speak_at(meeting.kind)),
            Status::Invited | Status::None | Status::Suspended => false,
        }
    }

    /// Why a party may speak at a meeting or not.
    fn speaking_explained(&self, party: PartyId, meeting: &Meeting) -> Explanation {
        let version = self.version_at(meeting.date);
        if version.and_then(|v| v.body_of(meeting.kind)).is_some() {
            return self.attendance_explained(party, meeting);
        }
        let (status, why) = self.status_explained(party, meeting.date);
        if status != Status::Observer {
            return why;
        }
        let kind = kind_name(&self.bundle.meeting_kinds, meeting.kind);
        let name = self.party_name(party);
        // The statement that gives the observer its rights: the one naming
        // it, else the admission rule.
        let named = version.and_then(|v| v.named_observer(party, meeting.date));
        let (rights, cite) = match named {
            Some(m) => (m.rights.as_ref(), Some(&m.cite)),
            None => {
                let rule = version.and_then(|v| v.observers.as_ref());
                (rule.and_then(|r| r.rights.as_ref()), rule.map(|r| &r.cite))
            }
        };
        let speaks = rights.is_some_and(|r| r.speak_at(meeting.kind));
        Explanation {
            fact: format!(
                "{name} is an observer on {}, and the text {} observers the floor at `{kind}` meetings",
                date::format(meeting.date),
                if speaks { "gives" } else { "does not give" }
            ),
            clause: cite.map(|c| format!("§ {}", c.clause)),
            because: vec![why],
        }
    }

    // -------------------------------------------------------------- cadence

    /// Each missed meeting obligation whose due date falls in `[from, to]`.
    /// A cadence is counted from the policy's adoption: the first meeting of
    /// a kind is due one period after adoption, each later one a period
    /// after the one before.
    pub fn violations(&self, from: Day, to: Day) -> Result<Vec<Violation>, EvalError> {
        let mut out = Vec::new();
        let Some(version) = self.version_at(to) else {
            return Ok(out);
        };
        for obligation in &version.obligations {
            let hosts: Vec<Option<PartyId>> = if obligation.per_member {
                let mut all: BTreeSet<PartyId> = BTreeSet::new();
                all.extend(self.members(from));
                all.extend(self.members(to));
                all.into_iter().map(Some).collect()
            } else {
                vec![None]
            };
            for host in hosts {
                let mut held: Vec<Day> = self
                    .bundle
                    .history
                    .meetings
                    .iter()
                    .filter(|m| m.meeting.kind == obligation.kind && (host.is_none() || m.meeting.host == host))
                    .map(|m| m.meeting.date)
                    .collect();
                held.sort_unstable();
                let mut last = obligation.anchor.unwrap_or(self.bundle.adopted);
                // Each step moves `last` forward by at least a day, so this
                // ends by `to`: linear in the horizon, a binary search of
                // the meetings held per step.
                // A due date past the calendar's end is past `to`.
                while let Some(due) = date::add(last, obligation.every, 1) {
                    if due > to || due <= last {
                        break;
                    }
                    let latest = held
                        .partition_point(|d| *d <= due)
                        .checked_sub(1)
                        .and_then(|i| held.get(i))
                        .filter(|d| **d > last);
                    match latest {
                        Some(met) => last = *met,
                        None => {
                            let applies = host.is_none_or(|p| self.status(p, due) == Status::Member);
                            if due >= from && applies {
                                out.push(Violation {
                                    due,
                                    kind: obligation.kind,
                                    party: host,
                                    strength: obligation.strength,
                                    clause: format!("§ {}", obligation.cite.clause),
                                });
                            }
                            last = due;
                        }
                    }
                }
            }
        }
        out.sort();
        Ok(out)
    }

    // -------------------------------------------------------------- expressions

    /// Evaluates an expression with the given locals.
    pub fn eval(&self, expr: &Expr, locals: &mut Vec<Value>) -> Result<Value, EvalError> {
        Ok(match expr {
            Expr::Bool(b) => Value::Bool(*b),
            Expr::Int(i) => Value::Int(*i),
            Expr::Date(d) => Value::Date(*d),
            Expr::Duration(d) => Value::Duration(*d),
            Expr::None => Value::None,
            Expr::Party(p) => Value::Party(*p),
            Expr::Status(s) => Value::Status(*s),
            Expr::MeetingKind(k) => Value::MeetingKind(*k),
            Expr::DecisionKind(k) => Value::DecisionKind(*k),
            Expr::Group(g) => Value::Group(*g),
            Expr::MeetingRecord(i) => {
                let record = self
                    .bundle
                    .history
                    .meetings
                    .get(*i as usize)
                    .ok_or_else(|| malformed("meeting record"))?;
                Value::Meeting(Box::new(record.meeting.clone()))
            }
            Expr::DecisionRecord(i) => {
                let record = self
                    .bundle
                    .history
                    .decisions
                    .get(*i as usize)
                    .ok_or_else(|| malformed("decision record"))?;
                Value::Decision(Box::new(record.decision.clone()))
            }
            Expr::Local(slot) => locals
                .get(*slot as usize)
                .cloned()
                .ok_or_else(|| malformed("local slot"))?,
            Expr::Set(items) => {
                let mut set = BTreeSet::new();
                for item in items {
                    set.insert(self.eval(item, locals)?);
                }
                Value::Set(set)
            }
            Expr::MeetingLit(fields) => Value::Meeting(Box::new(self.meeting_literal(fields, locals)?)),
            Expr::DecisionLit(fields) => {
                let mut decision = Decision {
                    kind: 0,
                    meeting: empty_meeting(),
                    objections: Vec::new(),
                    reservations: Vec::new(),
                    subjects: Vec::new(),
                    invited_to: None,
                };
                for (field, expr) in fields {
                    let value = self.eval(expr, locals)?;
                    match (field, value) {
                        (Field::Kind | Field::Meeting, Value::None) => {
                            return Err(EvalError::NoValue(
                                self.source_text(expr, locals),
                                if *field == Field::Kind {
                                    "cannot be a decision's kind"
                                } else {
                                    "cannot be a decision's meeting"
                                },
                            ))
                        }
                        (Field::Kind, Value::DecisionKind(k)) => decision.kind = k,
                        (Field::Meeting, Value::Meeting(m)) => decision.meeting = *m,
                        (Field::Objections, v) => decision.objections = party_list(&v),
                        (Field::Reservations, v) => decision.reservations = party_list(&v),
                        (Field::Subjects, v) => decision.subjects = party_list(&v),
                        _ => return Err(malformed("decision field")),
                    }
                }
                Value::Decision(Box::new(decision))
            }
            Expr::Builtin(builtin, args) => {
                self.reached(|c| {
                    c.builtins.insert(builtin.name());
                });
                let values = self.eval_all(args, locals)?;
                // A set counted, a decision judged, a meeting attended or a
                // group named must be one: `none` there has no answer.
                let needed = if *builtin == Builtin::Count {
                    Some((0, "cannot be counted"))
                } else if *builtin == Builtin::Valid {
                    Some((0, "is no decision to judge"))
                } else if *builtin == Builtin::Group {
                    Some((0, "names no group"))
                } else if matches!(builtin, Builtin::MayAttend | Builtin::MaySpeak) {
                    Some((1, "is no meeting to attend"))
                } else {
                    None
                };
                if let Some((at, what)) = needed {
                    if let (Some(Value::None), Some(arg)) = (values.get(at), args.get(at)) {
                        return Err(EvalError::NoValue(self.source_text(arg, locals), what));
                    }
                }
                self.call_builtin(*builtin, &values)?
            }
            Expr::Rule(index, args) => {
                self.reached(|c| {
                    c.rules.insert(*index);
                });
                let rule = self.rule(*index)?;
                let frame = self.eval_all(args, locals)?;
                let key = (*index, frame);
                if let Some(value) = self.memo.borrow().get(&key) {
                    return Ok(value.clone());
                }
                let value = self.eval(&rule.body, &mut key.1.clone())?;
                self.memo.borrow_mut().insert(key, value.clone());
                value
            }
            Expr::Field(base, field) => {
                let base = self.eval(base, locals)?;
                if let (Value::Meeting(m), Field::Present) = (&base, field) {
                    if self.tables().attendance_unknown(m) {
                        let id = m.id.as_deref().unwrap_or("the meeting");
                        return Err(Unknown::because(if self.attendance_partial(m) {
                            format!("the record of {id} names only some of those present")
                        } else {
                            format!("who was present at {id} is not recorded")
                        }));
                    }
                }
                field_of(&base, *field)?
            }
            Expr::Not(e) => Value::Bool(!self.truth_of(e, locals)?),
            Expr::Neg(e) => match self.eval(e, locals)? {
                Value::Int(i) => Value::Int(i.checked_neg().ok_or(EvalError::Overflow)?),
                Value::None => return Err(EvalError::NoValue(self.source_text(e, locals), "cannot be negated")),
                Value::Bool(_)
                | Value::Date(_)
                | Value::Duration(_)
                | Value::Party(_)
                | Value::Status(_)
                | Value::MeetingKind(_)
                | Value::DecisionKind(_)
                | Value::Group(_)
                | Value::Meeting(_)
                | Value::Decision(_)
                | Value::Violation(_)
                | Value::Set(_) => return Err(malformed("negation of a non-integer")),
            },
            Expr::Binary(op, lhs, rhs) => self.binary(*op, lhs, rhs, locals)?,
            Expr::If(cond, then, otherwise) => {
                let taken = self.truth_of(cond, locals)?;
                self.reached(|c| {
                    c.arms.insert((Coverage::node(expr), u8::from(!taken)));
                });
                if taken {
                    self.eval(then, locals)?
                } else {
                    self.eval(otherwise, locals)?
                }
            }
            Expr::Quantifier { all, slot, set, body } => {
                let Value::Set(items) = self.needed(set, locals, "has no members to go through")? else {
                    return Err(malformed("quantifier over a non-set"));
                };
                let slot = *slot as usize;
                let mut result = *all;
                for item in items {
                    self.reached(|c| {
                        c.arms.insert((Coverage::node(expr), 2));
                    });
                    locals.truncate(slot);
                    locals.push(item);
                    let holds = self.truth_of(body, locals)?;
                    if holds != *all {
                        result = !*all;
                        break;
                    }
                }
                locals.truncate(slot);
                Value::Bool(result)
            }
            Expr::Filter { slot, set, cond } => {
                let Value::Set(items) = self.needed(set, locals, "has no members to go through")? else {
                    return Err(malformed("filter over a non-set"));
                };
                let slot = *slot as usize;
                let mut kept = std::collections::BTreeSet::new();
                for item in items {
                    self.reached(|c| {
                        c.arms.insert((Coverage::node(expr), 2));
                    });
                    locals.truncate(slot);
                    locals.push(item.clone());
                    if self.truth_of(cond, locals)? {
                        kept.insert(item);
                    }
                }
                locals.truncate(slot);
                Value::Set(kept)
            }
        })
    }

    fn eval_all(&self, args: &[Expr], locals: &mut Vec<Value>) -> Result<Vec<Value>, EvalError> {
        args.iter().map(|arg| self.eval(arg, locals)).collect()
    }

    fn rule(&self, index: u32) -> Result<&'b Rule, EvalError> {
        self.bundle
            .rules
            .get(index as usize)
            .ok_or_else(|| malformed("rule index"))
    }

    /// Every day on which a party's status can change: adoption, each
    /// version, membership boundaries, the day after each silence deadline,
    /// broken silences, joins, and meeting days (admissions and invitations
    /// take effect on them; an invitation ends the day after).
    pub fn change_points(&self) -> std::collections::BTreeSet<Day> {
        let bundle = self.bundle;
        let mut days = std::collections::BTreeSet::new();
        days.insert(bundle.adopted);
        for v in &bundle.versions {
            days.insert(v.from);
            for m in &v.membership {
                match &m.kind {
                    MembershipKind::Member { from, until, dating }
                    | MembershipKind::Observer { from, until, dating } => {
                        // A day a window may end on is one too.
                        days.insert(*from);
                        days.insert(dating.from.latest(*from));
                        days.extend(until);
                        days.extend(until.map(|u| dating.until.latest(u)));
                    }
                    MembershipKind::Pending { deadline } => {
                        days.insert(deadline.saturating_add(1));
                    }
                    MembershipKind::Withdrawal { on, precision } => {
                        days.insert(*on);
                        days.insert(precision.latest(*on));
                    }
                    MembershipKind::Open => {}
                }
            }
        }
        let history = &bundle.history;
        days.extend(history.silences.iter().map(|s| s.day));
        days.extend(history.joins.iter().map(|j| j.day));
        days.extend(history.status_changes.iter().map(|c| c.day));
        for m in &history.meetings {
            days.insert(m.meeting.date);
            days.insert(m.meeting.date.saturating_add(1));
        }
        days.extend(history.decisions.iter().map(|d| d.decision.meeting.date));
        days
    }

    fn meeting_literal(&self, fields: &[(Field, Expr)], locals: &mut Vec<Value>) -> Result<Meeting, EvalError> {
        let mut meeting = empty_meeting();
        for (field, expr) in fields {
            let value = self.eval(expr, locals)?;
            match (field, value) {
                (Field::Kind, Value::MeetingKind(k)) => meeting.kind = k,
                (Field::Date, Value::Date(d)) => meeting.date = d,
                (Field::Date, Value::None) => {
                    return Err(EvalError::NoValue(
                        self.source_text(expr, locals),
                        "cannot be a meeting's date",
                    ))
                }
                (Field::Kind, Value::None) => {
                    return Err(EvalError::NoValue(
                        self.source_text(expr, locals),
                        "cannot be a meeting's kind",
                    ))
                }
                (Field::Host, Value::Party(p)) => meeting.host = Some(p),
                (Field::Host, Value::None) => meeting.host = None,
                (Field::Present, v) => meeting.present = party_list(&v),
                (Field::Observers, v) => meeting.observers = party_list(&v),
                _ => return Err(malformed("meeting field")),
            }
        }
        Ok(meeting)
    }

    /// Calls a built-in query on evaluated arguments. Where the rules'
    /// view depends on decisions not judged, an answer any possible world
    /// gives otherwise is unknown, with the answers possible.
    pub fn call_builtin(&self, builtin: Builtin, args: &[Value]) -> Result<Value, EvalError> {
        let value = self.call_in_world(builtin, args)?;
        let tables = self.tables();
        if tables.unjudged_deciding.is_empty() || !builtin.follows_decisions() {
            return Ok(value);
        }
        let because = || {
            let names: Vec<String> = tables
                .unjudged_deciding
                .iter()
                .filter_map(|d| self.bundle.history.decisions.get(*d))
                .map(|r| {
                    format!(
                        "`{}` at {}",
                        r.id,
                        r.decision.meeting.id.as_deref().unwrap_or("a recorded meeting")
                    )
                })
                .collect();
            format!(
                "the rules' view depends on whether {} {} valid, and who was present is not recorded",
                names.join(", "),
                if names.len() == 1 { "was" } else { "were" }
            )
        };
        if let Some(from) = tables.unknown_from(self.bundle) {
            let day = args.iter().find_map(|a| match a {
                Value::Date(d) => Some(*d),
                Value::Meeting(m) => Some(m.date),
                Value::Decision(d) => Some(d.meeting.date),
                Value::Bool(_)
                | Value::Int(_)
                | Value::Duration(_)
                | Value::None
                | Value::Party(_)
                | Value::Status(_)
                | Value::MeetingKind(_)
                | Value::DecisionKind(_)
                | Value::Group(_)
                | Value::Violation(_)
                | Value::Set(_) => None,
            });
            if day.is_none_or(|d| d >= from) {
                return Err(Unknown::because(because()));
            }
            return Ok(value);
        }
        let mut possible = vec![value.clone()];
        for world in &tables.worlds {
            let other = Interpreter::with_tables(self.bundle, world).call_in_world(builtin, args)?;
            if !possible.contains(&other) {
                possible.push(other);
            }
        }
        if possible.len() == 1 {
            return Ok(value);
        }
        possible.sort();
        Err(EvalError::Unknown(Box::new(Unknown {
            because: vec![because()],
            possible,
        })))
    }

    /// Where a designated chair's term starts at a taking of office the
    /// sources date only by a window, the answers on the days it leaves
    /// open are unknown: the chair (it may not have changed hands yet), and
    /// the start or end of a term bounded by it.
    fn chair_window_settles(&self, builtin: Builtin, d: Day) -> Result<(), EvalError> {
        let windows = &self.tables().chair_windows;
        if windows.is_empty() {
            return Ok(());
        }
        let term = self.term_at(d)?;
        let open: Vec<&tables::ChairWindow> = windows
            .iter()
            .filter(|w| match builtin {
                Builtin::TermStart => w.straddles(d) || term.is_some_and(|t| t.start == w.start),
                Builtin::TermEnd => w.straddles(d) || term.is_some_and(|t| t.end == w.start),
                Builtin::Chair | Builtin::Chairs | Builtin::NextChair => w.changes && w.straddles(d),
                // Only a chair the text names, on exact days, has them.
                Builtin::CoChairs | Builtin::ViceChairs => false,
                Builtin::Member
                | Builtin::Status
                | Builtin::Members
                | Builtin::Observers
                | Builtin::Group
                | Builtin::RecordedChair
                | Builtin::RecordedStatus
                | Builtin::Valid
                | Builtin::MayAttend
                | Builtin::MaySpeak
                | Builtin::Violations
                | Builtin::Count => false,
            })
            .collect();
        if open.is_empty() {
            return Ok(());
        }
        let mut possible: Vec<Value> = Vec::new();
        if builtin == Builtin::Chair {
            for w in &open {
                for day in [w.start.saturating_sub(1), w.start, w.latest] {
                    let chair = self
                        .term_at(day)?
                        .and_then(|t| t.chair)
                        .map_or(Value::None, Value::Party);
                    if !possible.contains(&chair) {
                        possible.push(chair);
                    }
                }
            }
            possible.sort();
        }
        let because = open.iter().map(|w| w.describe()).collect();
        Err(EvalError::Unknown(Box::new(Unknown { because, possible })))
    }

    /// Who belongs to group `g` on `d` (`group(g, d)`): unknown where an
    /// office's period or the chair's terms its holders follow leave it
    /// open.
    pub fn group_on(&self, g: GroupId, d: Day) -> Result<Vec<PartyId>, EvalError> {
        self.office_settles(g, d)?;
        Ok(self.tables().group_at(g, d).collect())
    }

    /// Who holds an office held by the chair's roles on `d` follows the
    /// terms before, in force and after `d`'s. A taking of office dated
    /// only by a window leaves them open only on the days it straddles
    /// (wherever in it the term starts, the chairs before and after it are
    /// the same); a decided hand-over dated by a window moves the terms
    /// after it, so the holders are unknown where it falls within the
    /// terms around `d`.
    fn office_settles(&self, g: GroupId, d: Day) -> Result<(), EvalError> {
        let tables = self.tables();
        // A period the text (or a record of a group it does not name)
        // gives only approximately: unknown on the days its window leaves
        // open.
        let group = self.bundle.groups.get(g as usize);
        let open = |windows: &'b [(Day, Day)]| windows.iter().find(|(a, b)| *a <= d && d < *b);
        // A record governs only where the text names none of its parties.
        let text_names =
            group.is_some_and(|group| group.spans.iter().any(|s| s.from <= d && s.until.is_none_or(|u| d < u)));
        if let Some((who, (earliest, latest))) = group.and_then(|group| {
            open(&group.open).map(|w| ("the text dates the period", w)).or_else(|| {
                open(&group.recorded_open)
                    .filter(|_| !text_names)
                    .map(|w| ("the history dates a composition", w))
            })
        }) {
            // Every change a window leaves open on `d` made, or none yet
            // (an office of the chair's roles: sampled at the window's ends).
            let possible = match group.filter(|group| group.chair_roles.is_empty()) {
                Some(group) => window_sets(self.bundle, g, group, d, tables::words_for(self.bundle.parties.len())),
                None => holders_on(tables, g, [earliest.saturating_sub(1), d, *latest]),
            };
            let title = self.bundle.groups.get(g as usize).map_or_else(String::new, |group| {
                if group.title.is_empty() {
                    group.name.clone()
                } else {
                    group.title.clone()
                }
            });
            return Err(EvalError::Unknown(Box::new(Unknown {
                because: vec![format!(
                    "{who} of the {title} only to between {} and {}, so on {} it may not have started or ended yet",
                    date::format(*earliest),
                    date::format(*latest),
                    date::format(d)
                )],
                possible,
            })));
        }
        let by_chair = self
            .bundle
            .groups
            .get(g as usize)
            .is_some_and(|g| !g.chair_roles.is_empty());
        if by_chair {
            // Terms that could not be worked out leave the roles' holders
            // unknown, not absent.
            self.terms()?;
        }
        if !by_chair || (tables.chair_windows.is_empty() && tables.term_shifts.is_empty()) {
            return Ok(());
        }
        let term = self.term_at(d)?;
        let first = match term {
            Some(t) => self.term_at(t.start.saturating_sub(1))?.map_or(t.start, |p| p.start),
            None => d,
        };
        let last = match term {
            Some(t) => self.term_at(t.end)?.map_or(t.end, |n| n.end),
            None => d.saturating_add(1),
        };
        let meets = |earliest: Day, latest: Day| earliest < last && first < latest.max(earliest.saturating_add(1));
        // Even a window in which the same chair takes office again moves a
        // term's bounds, and with them who is outgoing or incoming.
        let straddling: Vec<&tables::ChairWindow> = tables.chair_windows.iter().filter(|w| w.straddles(d)).collect();
        // The holders with the taking of office not yet made (as the day
        // before the window) or made (as its last day), where one window
        // is open; with more, not worked out.
        let possible = match (straddling.as_slice(), tables.term_shifts.is_empty()) {
            ([w], true) => holders_on(tables, g, [d, w.earliest.saturating_sub(1), w.latest]),
            // More than one window open, or terms a hand-over moves: not
            // worked out.
            ([], _) | ([_, _, ..], _) | ([_], false) => Vec::new(),
        };
        let mut because: Vec<String> = straddling
            .iter()
            .map(|w| format!("the office follows the chair's terms, and {}", w.describe()))
            .collect();
        because.extend(tables.term_shifts.iter().filter(|s| meets(s.earliest, s.latest)).map(|s| {
            format!(
                "the office follows the chair's terms, which a decided {} of {} the history dates only to between {} and {} moves",
                if s.extension { "extension" } else { "hand-over" },
                self.party_name(s.party),
                date::format(s.earliest),
                date::format(s.latest)
            )
        }));
        if because.is_empty() {
            return Ok(());
        }
        Err(EvalError::Unknown(Box::new(Unknown { because, possible })))
    }

    /// Where the rules' terms follow a decided hand-over or extension its
    /// record dates only by a window, an answer on the terms that differs
    /// with the record on the window's first or last day is unknown, with
    /// the answers possible (see [`tables::TermShift`]).
    fn term_shifts_settle(&self, builtin: Builtin, d: Day) -> Result<(), EvalError> {
        let shifts = &self.tables().term_shifts;
        if shifts.is_empty() || matches!(self.bundle.chair_way_on(d), Some(ChairModel::Named(_))) {
            return Ok(());
        }
        let answer = |terms: &Terms| -> Value {
            let term = terms.at(d);
            let party = |p: Option<PartyId>| p.map_or(Value::None, Value::Party);
            match builtin {
                Builtin::Chair => party(term.and_then(|t| t.chair)),
                Builtin::Chairs => Value::parties(term.and_then(|t| t.chair)),
                Builtin::NextChair => party(term.and_then(|t| terms.at(t.end)).and_then(|t| t.chair)),
                Builtin::TermStart => term.map_or(Value::None, |t| Value::Date(t.start)),
                Builtin::TermEnd => term.map_or(Value::None, |t| Value::Date(t.end)),
                Builtin::Member
                | Builtin::Status
                | Builtin::Members
                | Builtin::Observers
                | Builtin::Group
                | Builtin::RecordedChair
                | Builtin::RecordedStatus
                | Builtin::Valid
                | Builtin::MayAttend
                | Builtin::MaySpeak
                | Builtin::Violations
                | Builtin::Count => Value::None,
                // Only a chair the text names has them (no shift applies).
                Builtin::CoChairs | Builtin::ViceChairs => Value::Set(BTreeSet::new()),
            }
        };
        let now = answer(self.terms()?);
        let mut possible = vec![now.clone()];
        let mut because = Vec::new();
        for shift in shifts {
            let moved: Vec<Value> = shift.placements().map(answer).collect();
            if moved.iter().all(|v| *v == now) {
                continue;
            }
            for v in moved {
                if !possible.contains(&v) {
                    possible.push(v);
                }
            }
            let from = if shift.extension {
                format!("the end of {}'s extended office", self.party_name(shift.party))
            } else {
                format!("{}'s taking of office", self.party_name(shift.party))
            };
            because.push(format!(
                "the rules' terms run from {from}, which the history dates only to between {} and {}",
                date::format(shift.earliest),
                date::format(shift.latest)
            ));
        }
        if because.is_empty() {
            return Ok(());
        }
        possible.sort();
        Err(EvalError::Unknown(Box::new(Unknown { because, possible })))
    }

    /// Where a change of status dated only by a window leaves a built-in
    /// query's answer open on its day (see `status_window_settles`): why,
    /// and the answers possible. The audit asks this before it states a
    /// judgement derived from the one day such a change is put on.
    pub fn window_unknown(&self, builtin: Builtin, args: &[Value]) -> Option<Unknown> {
        match self.status_window_settles(builtin, args) {
            Err(EvalError::Unknown(u)) => Some(*u),
            Ok(()) | Err(_) => None,
        }
    }

    /// Where a change of status the rules' view follows (or, for
    /// `recorded_status`, the recorded view) is dated by a window, the
    /// answers on the days it leaves open are unknown where the status
    /// before and after the change would give different answers: the
    /// status itself, membership, the members or observers, attending or
    /// speaking at a meeting, and a decision's validity (its meeting's
    /// members or deciding observers may differ).
    fn status_window_settles(&self, builtin: Builtin, args: &[Value]) -> Result<(), EvalError> {
        let tables = self.tables();
        let windows = if builtin == Builtin::RecordedStatus {
            &tables.recorded_status_windows
        } else {
            &tables.status_windows
        };
        if windows.is_empty() {
            return Ok(());
        }
        let Some(question) = StatusQuestion::of(builtin, args, tables::observers_decide(self.bundle)) else {
            return Ok(());
        };
        let open: Vec<&tables::StatusWindow> = windows.iter().filter(|w| question.leaves_open(w)).collect();
        if open.is_empty() {
            return Ok(());
        }
        let mut possible: Vec<Value> = Vec::new();
        // Why a decision is not judged in some world, if it is not.
        let mut unjudged = None;
        let mut add = |v: Value| {
            if !possible.contains(&v) {
                possible.push(v);
            }
        };
        match question {
            StatusQuestion::Status(p, d) | StatusQuestion::Member(p, d) => {
                let now = if builtin == Builtin::RecordedStatus {
                    tables.recorded_status(self.bundle, p, d)
                } else {
                    self.status(p, d)
                };
                for status in open.iter().flat_map(|w| [w.before, w.after]).chain([now]) {
                    add(if builtin == Builtin::Member {
                        Value::Bool(status == Status::Member)
                    } else {
                        Value::Status(status)
                    });
                }
            }
            StatusQuestion::Members(d) | StatusQuestion::Observers(d) if open.len() <= MAX_OPEN_PARTIES => {
                let members = matches!(question, StatusQuestion::Members(_));
                let (now, wanted) = if members {
                    (self.members(d), Status::Member)
                } else {
                    (self.observers(d), Status::Observer)
                };
                let now: BTreeSet<PartyId> = now.into_iter().collect();
                for mask in 0u32..(1 << open.len()) {
                    let mut set = now.clone();
                    for (i, w) in open.iter().enumerate() {
                        let status = if mask & (1 << i) == 0 { w.before } else { w.after };
                        if status == wanted {
                            set.insert(w.party);
                        } else {
                            set.remove(&w.party);
                        }
                    }
                    add(Value::parties(set));
                }
            }
            // Attending or speaking: the answers for each status the
            // party may have (the meeting's invitations and a body's seats
            // do not change with it).
            StatusQuestion::Attend(p, d) | StatusQuestion::Speak(p, d) => {
                let Some(Value::Meeting(meeting)) = args.get(1) else {
                    return Ok(());
                };
                let attend = matches!(question, StatusQuestion::Attend(..));
                for status in open.iter().flat_map(|w| [w.before, w.after]).chain([self.status(p, d)]) {
                    add(Value::Bool(if attend {
                        self.may_attend_as(p, meeting, status)
                    } else {
                        self.may_speak_as(p, meeting, status)
                    }));
                }
            }
            // A decision: judged in every world the open changes make (each
            // before or after the meeting), and in the tables' own.
            StatusQuestion::Valid(..) if open.len() <= MAX_OPEN_PARTIES => {
                let Some(Value::Decision(decision)) = args.first() else {
                    return Ok(());
                };
                let known = !tables.attendance_unknown(&decision.meeting);
                let mut judgements = vec![self.judgement(decision)];
                for mask in 0u32..(1 << open.len()) {
                    let statuses: Vec<(PartyId, Status)> = open
                        .iter()
                        .enumerate()
                        .map(|(i, w)| (w.party, if mask & (1 << i) == 0 { w.before } else { w.after }))
                        .collect();
                    let judged = tables.judge_as(self.bundle, decision, known, &statuses);
                    if !judgements.contains(&judged) {
                        judgements.push(judged);
                    }
                }
                if judgements.len() == 1 {
                    return Ok(());
                }
                for judged in judgements {
                    match judged {
                        Judgement::Valid => add(Value::Bool(true)),
                        Judgement::Invalid => add(Value::Bool(false)),
                        Judgement::Unjudged => {
                            add(Value::Bool(true));
                            add(Value::Bool(false));
                            unjudged = Some(self.unjudged_because(decision));
                        }
                    }
                }
            }
            StatusQuestion::Members(_) | StatusQuestion::Observers(_) | StatusQuestion::Valid(..) => {}
        }
        possible.sort();
        if possible.len() == 1 {
            return Ok(());
        }
        let mut because: Vec<String> = open.iter().map(|w| self.window_because(w, question.day())).collect();
        because.extend(unjudged);
        Err(EvalError::Unknown(Box::new(Unknown { because, possible })))
    }

    /// Why a window leaves a status open on `day`, in words.
    fn window_because(&self, w: &tables::StatusWindow, day: Day) -> String {
        format!(
            "{} dates {}'s change from {} to {} only to between {} and {}, so on {} it may not have happened yet",
            self.who_dates(w.record),
            self.party_name(w.party),
            w.before.name(),
            w.after.name(),
            date::format(w.earliest),
            date::format(w.latest),
            date::format(day)
        )
    }

    /// The windows open on a built-in query's day that bear on its answer,
    /// in words, whether or not they change it: an answer they leave alike
    /// is given from the one day each change is put on, and the audit says
    /// that it holds either way.
    pub fn windows_open(&self, builtin: Builtin, args: &[Value]) -> Vec<String> {
        let tables = self.tables();
        let Some(question) = StatusQuestion::of(builtin, args, tables::observers_decide(self.bundle)) else {
            return Vec::new();
        };
        tables
            .status_windows
            .iter()
            .filter(|w| question.leaves_open(w))
            .map(|w| {
                let day = question.day();
                format!(
                    "{}; the explanation takes it as {}",
                    self.window_because(w, day),
                    self.status(w.party, day).name()
                )
            })
            .collect()
    }

    /// Who dates a change of status only by a window: the history, or the
    /// text's clause whose statement does.
    fn who_dates(&self, record: crate::tables::StatusRecord) -> String {
        use crate::tables::StatusRecord;
        match record {
            StatusRecord::Statement { version, index, .. } => self
                .bundle
                .versions
                .get(version)
                .and_then(|v| v.membership.get(index))
                .map_or_else(|| "the text".to_string(), |m| format!("the text (§ {})", m.cite.clause)),
            StatusRecord::Silence(_) | StatusRecord::Join(_) | StatusRecord::Change(_) => "the history".to_string(),
        }
    }

    /// The chair in office on `d` as the history records it; unknown where
    /// a record the sources date only by a window (or a one-sided bound)
    /// may or may not have happened by then, with the chairs possible.
    fn recorded_chair_on(&self, d: Day) -> Result<Value, EvalError> {
        let as_recorded = self.tables().recorded_chair(d).map_or(Value::None, Value::Party);
        let windows = &self.tables().office_windows;
        let straddling: Vec<&crate::ir::OfficeWindow> = windows.iter().filter(|w| w.straddles(d)).collect();
        if straddling.is_empty() {
            return Ok(as_recorded);
        }
        let name = |p: Option<PartyId>| p.map_or_else(|| "vacant".to_string(), |p| self.party_name(p));
        let mut possible = vec![as_recorded];
        for w in &straddling {
            for p in [w.before, w.party] {
                let value = p.map_or(Value::None, Value::Party);
                if !possible.contains(&value) {
                    possible.push(value);
                }
            }
        }
        possible.sort();
        let because: Vec<String> = straddling
            .iter()
            .map(|w| {
                format!(
                    "the history dates the change from {} to {} only to between {} and {}, so on {} it may not have happened yet",
                    name(w.before),
                    name(w.party),
                    date::format(w.earliest),
                    date::format(w.latest),
                    date::format(d)
                )
            })
            .collect();
        Err(EvalError::Unknown(Box::new(Unknown { because, possible })))
    }

    /// A decision's judgement: by its meeting's attendance where recorded,
    /// else only as far as what is recorded settles it.
    pub fn judgement(&self, decision: &Decision) -> Judgement {
        let tables = self.tables();
        tables.judge(self.bundle, decision, !tables.attendance_unknown(&decision.meeting))
    }

    /// Why a decision is not judged, in words: who was present is not
    /// recorded, or the text states no decision rule.
    fn unjudged_because(&self, decision: &Decision) -> String {
        if self.tables().attendance_unknown(&decision.meeting) {
            let id = decision.meeting.id.as_deref().unwrap_or("the meeting");
            if self.attendance_partial(&decision.meeting) {
                format!(
                    "the record of {id} names only some of those present, so whether anyone else objected and how many took part is not known"
                )
            } else {
                format!(
                    "who was present at {id} is not recorded, so whether a member objected and how many took part is not known"
                )
            }
        } else {
            "the text states no decision rule (`decisions by unstated`), and the decision passes under some rules and not others: not every member was present, or some objected and some did not".to_string()
        }
    }

    /// Whether `meeting` is a recorded meeting whose record names only
    /// some of those present.
    fn attendance_partial(&self, meeting: &Meeting) -> bool {
        meeting.id.as_ref().is_some_and(|id| {
            self.bundle
                .history
                .meetings
                .iter()
                .any(|m| m.attendance_partial && &m.id == id)
        })
    }

    /// `expr`'s value, which must not be `none` (`what` says why).
    fn needed(&self, expr: &Expr, locals: &mut Vec<Value>, what: &'static str) -> Result<Value, EvalError> {
        let value = self.eval(expr, locals)?;
        if value == Value::None {
            return Err(EvalError::NoValue(self.source_text(expr, locals), what));
        }
        Ok(value)
    }

    /// `expr` as a condition: true or false, never `none`.
    fn truth_of(&self, expr: &Expr, locals: &mut Vec<Value>) -> Result<bool, EvalError> {
        truth(&self.needed(expr, locals, "is neither true nor false")?)
    }

    /// Calls a built-in query in this interpreter's world alone.
    fn call_in_world(&self, builtin: Builtin, args: &[Value]) -> Result<Value, EvalError> {
        let day = |i: usize| match args.get(i) {
            Some(Value::Date(d)) => Ok(Some(*d)),
            Some(Value::None) => Ok(None),
            _ => Err(malformed("expected a date argument")),
        };
        let party = |i: usize| match args.get(i) {
            Some(Value::Party(p)) => Ok(Some(*p)),
            Some(Value::None) => Ok(None),
            _ => Err(malformed("expected a party argument")),
        };
        if matches!(
            builtin,
            Builtin::Chair | Builtin::Chairs | Builtin::NextChair | Builtin::TermStart | Builtin::TermEnd
        ) {
            if let Some(d) = day(0)? {
                self.chair_window_settles(builtin, d)?;
                self.term_shifts_settle(builtin, d)?;
            }
        }
        self.status_window_settles(builtin, args)?;
        if builtin == Builtin::Group {
            if let (Some(Value::Group(g)), Some(d)) = (args.first(), day(1)?) {
                self.office_settles(*g, d)?;
            }
        }
        Ok(match builtin {
            Builtin::Member => match (party(0)?, day(1)?) {
                (Some(p), Some(d)) => Value::Bool(self.status(p, d) == Status::Member),
                _ => Value::Bool(false),
            },
            Builtin::Status => match (party(0)?, day(1)?) {
                (Some(p), Some(d)) => Value::Status(self.status(p, d)),
                _ => Value::None,
            },
            Builtin::Members => day(0)?.map_or(Value::Set(BTreeSet::new()), |d| Value::parties(self.members(d))),
            Builtin::Observers => day(0)?.map_or(Value::Set(BTreeSet::new()), |d| Value::parties(self.observers(d))),
            Builtin::Group => match (args.first(), day(1)?) {
                (Some(Value::Group(g)), Some(d)) => Value::parties(self.tables().group_at(*g, d)),
                (Some(Value::Group(_)), None) => Value::Set(BTreeSet::new()),
                _ => return Err(malformed("expected a group argument")),
            },
            Builtin::Chairs => match day(0)? {
                Some(d) => Value::parties(self.chairs(d)?),
                None => Value::Set(BTreeSet::new()),
            },
            Builtin::CoChairs => day(0)?.map_or(Value::Set(BTreeSet::new()), |d| {
                Value::parties(self.in_role(OfficeRole::CoChair, d))
            }),
            Builtin::ViceChairs => day(0)?.map_or(Value::Set(BTreeSet::new()), |d| {
                Value::parties(self.in_role(OfficeRole::ViceChair, d))
            }),
            Builtin::Chair => match day(0)? {
                Some(d) => self.term_at(d)?.and_then(|t| t.chair).map_or(Value::None, Value::Party),
                None => Value::None,
            },
            Builtin::RecordedStatus => match (party(0)?, day(1)?) {
                (Some(p), Some(d)) => Value::Status(self.tables().recorded_status(self.bundle, p, d)),
                _ => Value::None,
            },
            Builtin::RecordedChair => match day(0)? {
                Some(d) => self.recorded_chair_on(d)?,
                None => Value::None,
            },
            Builtin::NextChair => match day(0)? {
                Some(d) => match self.term_at(d)? {
                    Some(term) => self
                        .term_at(term.end)?
                        .and_then(|t| t.chair)
                        .map_or(Value::None, Value::Party),
                    None => Value::None,
                },
                None => Value::None,
            },
            Builtin::TermStart => match day(0)? {
                Some(d) => self.term_at(d)?.map_or(Value::None, |t| Value::Date(t.start)),
                None => Value::None,
            },
            Builtin::TermEnd => match day(0)? {
                Some(d) => self.term_at(d)?.map_or(Value::None, |t| Value::Date(t.end)),
                None => Value::None,
            },
            Builtin::Valid => match args.first() {
                Some(Value::Decision(d)) => match self.judgement(d) {
                    Judgement::Valid => Value::Bool(true),
                    Judgement::Invalid => Value::Bool(false),
                    Judgement::Unjudged => return Err(Unknown::because(self.unjudged_because(d))),
                },
                _ => return Err(malformed("valid() of a non-decision")),
            },
            Builtin::MayAttend => match (party(0)?, args.get(1)) {
                (Some(p), Some(Value::Meeting(m))) => Value::Bool(self.may_attend(p, m)),
                (None, Some(Value::Meeting(_))) => Value::Bool(false),
                _ => return Err(malformed("may_attend() arguments")),
            },
            Builtin::MaySpeak => match (party(0)?, args.get(1)) {
                (Some(p), Some(Value::Meeting(m))) => Value::Bool(self.may_speak(p, m)),
                (None, Some(Value::Meeting(_))) => Value::Bool(false),
                _ => return Err(malformed("may_speak() arguments")),
            },
            Builtin::Violations => match (day(0)?, day(1)?) {
                (Some(from), Some(to)) => Value::Set(
                    self.violations(from, to)?
                        .into_iter()
                        .map(|v| Value::Violation(Box::new(v)))
                        .collect(),
                ),
                _ => Value::Set(BTreeSet::new()),
            },
            Builtin::Count => match args.first() {
                Some(Value::Set(items)) => Value::Int(items.len() as i64),
                _ => return Err(malformed("count() of a non-set")),
            },
        })
    }

    fn binary(&self, op: BinOp, lhs: &Expr, rhs: &Expr, locals: &mut Vec<Value>) -> Result<Value, EvalError> {
        // The logical operators short-circuit.
        // An unknown side leaves the answer unknown unless the other side
        // decides it whichever way the unknown falls (Kleene's logic).
        let logic = |decides_on: bool, negate_left: bool, locals: &mut Vec<Value>| -> Result<Value, EvalError> {
            let left = self.truth_of(lhs, locals).map(|b| b != negate_left);
            match left {
                Ok(l) if l == decides_on => Ok(Value::Bool(decides_on)),
                Ok(_) => Ok(Value::Bool(self.truth_of(rhs, locals)?)),
                Err(EvalError::Unknown(unknown)) => match self.truth_of(rhs, locals) {
                    Ok(r) if r == decides_on => Ok(Value::Bool(decides_on)),
                    Ok(_) => Err(EvalError::Unknown(unknown)),
                    Err(EvalError::Unknown(other)) => Err(EvalError::Unknown(Box::new(unknown.and(&other)))),
                    Err(e) => Err(e),
                },
                Err(e) => Err(e),
            }
        };
        match op {
            BinOp::And => return logic(false, false, locals),
            BinOp::Or => return logic(true, false, locals),
            BinOp::Implies => return logic(true, true, locals),
            // The operators below evaluate both sides first.
            BinOp::Eq
            | BinOp::Ne
            | BinOp::Lt
            | BinOp::Le
            | BinOp::Gt
            | BinOp::Ge
            | BinOp::In
            | BinOp::Add
            | BinOp::Sub
            | BinOp::Mul => {}
        }
        let a = self.eval(lhs, locals)?;
        let b = self.eval(rhs, locals)?;
        // `none` has no order, and multiplies or negates to nothing.
        if matches!(op, BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge | BinOp::Mul) {
            let what = if op == BinOp::Mul {
                "cannot be multiplied"
            } else {
                "has no order to compare"
            };
            for (value, expr) in [(&a, lhs), (&b, rhs)] {
                if *value == Value::None {
                    return Err(EvalError::NoValue(self.source_text(expr, locals), what));
                }
            }
        }
        Ok(match (op, &a, &b) {
            (BinOp::Eq, _, _) => Value::Bool(a == b),
            (BinOp::Ne, _, _) => Value::Bool(a != b),
            (BinOp::Lt, _, _) => Value::Bool(ordered(&a, &b)? == std::cmp::Ordering::Less),
            (BinOp::Le, _, _) => Value::Bool(ordered(&a, &b)? != std::cmp::Ordering::Greater),
            (BinOp::Gt, _, _) => Value::Bool(ordered(&a, &b)? == std::cmp::Ordering::Greater),
            (BinOp::Ge, _, _) => Value::Bool(ordered(&a, &b)? != std::cmp::Ordering::Less),
            (BinOp::In, _, Value::Set(items)) => Value::Bool(items.contains(&a)),
            (BinOp::In, _, Value::None) => {
                return Err(EvalError::NoValue(
                    self.source_text(rhs, locals),
                    "has no members to look in",
                ))
            }
            (BinOp::Add, Value::Int(x), Value::Int(y)) => Value::Int(int(x.checked_add(*y))?),
            (BinOp::Sub, Value::Int(x), Value::Int(y)) => Value::Int(int(x.checked_sub(*y))?),
            (BinOp::Mul, Value::Int(x), Value::Int(y)) => Value::Int(int(x.checked_mul(*y))?),
            (BinOp::Add, Value::Date(d), Value::Duration(p)) | (BinOp::Add, Value::Duration(p), Value::Date(d)) => {
                Value::Date(date::add(*d, *p, 1).ok_or(EvalError::DateOutOfRange)?)
            }
            (BinOp::Sub, Value::Date(d), Value::Duration(p)) => {
                Value::Date(date::add(*d, *p, -1).ok_or(EvalError::DateOutOfRange)?)
            }
            (BinOp::Sub, Value::Date(x), Value::Date(y)) => Value::Int(i64::from(*x) - i64::from(*y)),
            // Arithmetic with an absent date stays absent.
            (BinOp::Add | BinOp::Sub, Value::None, _) | (BinOp::Add | BinOp::Sub, _, Value::None) => Value::None,
            _ => return Err(malformed("operands of a binary operator")),
        })
    }

    /// Evaluates an expression and explains the value: the tree of rules,
    /// queries and cited clauses that produced it.
    pub fn explain(&self, expr: &Expr, locals: &mut Vec<Value>) -> Result<(Outcome, Explanation), EvalError> {
        let value = match Outcome::of(self.eval(expr, locals))? {
            Outcome::Known(value) => value,
            Outcome::Unknown(unknown) => {
                let explanation = self.unknown_explained(expr, &unknown, locals)?;
                return Ok((Outcome::Unknown(unknown), explanation));
            }
        };
        let shown = value.to_text(self.bundle);
        let explanation = match expr {
            Expr::Builtin(builtin, args) => {
                let values = self.eval_all(args, locals)?;
                let call = format!(
                    "{}({}) = {shown}",
                    builtin.name(),
                    values
                        .iter()
                        .map(|v| v.to_text(self.bundle))
                        .collect::<Vec<_>>()
                        .join(", ")
                );
                match (builtin, values.as_slice()) {
                    (Builtin::Valid, [Value::Decision(d)]) => self.valid(d).explanation,
                    (Builtin::Member | Builtin::Status, [Value::Party(p), Value::Date(d)]) => Explanation {
                        fact: call,
                        clause: None,
                        because: vec![self.status_explained(*p, *d).1],
                    },
                    (Builtin::MayAttend, [Value::Party(p), Value::Meeting(m)]) => Explanation {
                        fact: call,
                        clause: None,
                        because: vec![self.attendance_explained(*p, m)],
                    },
                    (Builtin::MaySpeak, [Value::Party(p), Value::Meeting(m)]) => Explanation {
                        fact: call,
                        clause: None,
                        because: vec![self.speaking_explained(*p, m)],
                    },
                    (
                        Builtin::Chair
                        | Builtin::Chairs
                        | Builtin::CoChairs
                        | Builtin::ViceChairs
                        | Builtin::TermStart
                        | Builtin::TermEnd,
                        [Value::Date(d)],
                    ) => Explanation {
                        fact: call,
                        clause: None,
                        because: self
                            .term_explanation(*d)?
                            .into_iter()
                            .chain(self.era_change_explanation(*d)?)
                            .collect(),
                    },
                    (Builtin::RecordedStatus, [Value::Party(p), Value::Date(d)]) => Explanation {
                        fact: call,
                        clause: None,
                        because: vec![self.recorded_status_explained(*p, *d)],
                    },
                    (Builtin::RecordedChair, [Value::Date(d)]) => Explanation {
                        fact: call,
                        clause: None,
                        because: self.recorded_office(*d).into_iter().collect(),
                    },
                    (Builtin::NextChair, [Value::Date(d)]) => {
                        let mut because: Vec<Explanation> = self.term_explanation(*d)?.into_iter().collect();
                        if let Some(term) = self.term_at(*d)? {
                            because.extend(self.term_explanation(term.end)?);
                        }
                        Explanation {
                            fact: call,
                            clause: None,
                            because,
                        }
                    }
                    _ => Explanation::leaf(call, None),
                }
            }
            Expr::Rule(index, args) => {
                let rule = self.rule(*index)?;
                let mut frame = self.eval_all(args, locals)?;
                let shown_args: Vec<String> = frame.iter().map(|v| self.short_text(v)).collect();
                let fact = format!("rule {}({}) = {shown}", rule.name, shown_args.join(", "));
                if !self.explained.borrow_mut().insert((*index, frame.clone())) {
                    return Ok((
                        Outcome::Known(value),
                        Explanation::leaf(format!("{fact} (explained above)"), None),
                    ));
                }
                let (_, body) = self.explain(&rule.body, &mut frame)?;
                Explanation {
                    fact,
                    clause: None,
                    because: vec![body],
                }
            }
            Expr::Binary(_, lhs, rhs) => self.compound(expr, &shown, &[lhs, rhs], locals)?,
            Expr::Not(e) | Expr::Neg(e) | Expr::Field(e, _) => self.compound(expr, &shown, &[e], locals)?,
            Expr::If(c, a, b) => self.compound(expr, &shown, &[c, a, b], locals)?,
            Expr::Bool(_)
            | Expr::Int(_)
            | Expr::Date(_)
            | Expr::Duration(_)
            | Expr::None
            | Expr::Party(_)
            | Expr::Status(_)
            | Expr::MeetingKind(_)
            | Expr::DecisionKind(_)
            | Expr::Group(_)
            | Expr::MeetingRecord(_)
            | Expr::DecisionRecord(_)
            | Expr::Local(_)
            | Expr::Set(_)
            | Expr::MeetingLit(_)
            | Expr::DecisionLit(_)
            | Expr::Quantifier { .. }
            | Expr::Filter { .. } => Explanation::leaf(format!("{} = {shown}", self.source_text(expr, locals)), None),
        };
        Ok((Outcome::Known(value), explanation))
    }

    /// Why `expr` is unknown: a decision's verdict, a rule's body, the
    /// parts of a compound, else the facts not recorded it depends on.
    fn unknown_explained(
        &self,
        expr: &Expr,
        unknown: &Unknown,
        locals: &mut Vec<Value>,
    ) -> Result<Explanation, EvalError> {
        let fact = format!("{} is unknown", self.source_text(expr, locals));
        let reasons = || {
            unknown
                .because
                .iter()
                .map(|why| Explanation::leaf(why.clone(), None))
                .collect()
        };
        let because = match expr {
            Expr::Builtin(Builtin::Valid, args) => match self.eval_all(args, locals).as_deref() {
                Ok([Value::Decision(d)]) if self.judgement(d) == Judgement::Unjudged => vec![self.valid(d).explanation],
                Ok(_) | Err(_) => reasons(),
            },
            Expr::Rule(index, args) => match self.eval_all(args, locals) {
                Ok(mut frame) => {
                    let rule = self.rule(*index)?;
                    vec![self.explain(&rule.body, &mut frame)?.1]
                }
                Err(_) => reasons(),
            },
            Expr::Binary(_, lhs, rhs) => vec![self.explain(lhs, locals)?.1, self.explain(rhs, locals)?.1],
            Expr::Not(e) | Expr::Field(e, _) => vec![self.explain(e, locals)?.1],
            Expr::If(c, a, b) => {
                let mut parts = vec![self.explain(c, locals)?.1];
                parts.push(self.explain(a, locals)?.1);
                parts.push(self.explain(b, locals)?.1);
                parts
            }
            Expr::Bool(_)
            | Expr::Int(_)
            | Expr::Date(_)
            | Expr::Duration(_)
            | Expr::None
            | Expr::Party(_)
            | Expr::Status(_)
            | Expr::MeetingKind(_)
            | Expr::DecisionKind(_)
            | Expr::Group(_)
            | Expr::MeetingRecord(_)
            | Expr::DecisionRecord(_)
            | Expr::Local(_)
            | Expr::Set(_)
            | Expr::MeetingLit(_)
            | Expr::DecisionLit(_)
            | Expr::Builtin(..)
            | Expr::Neg(_)
            | Expr::Quantifier { .. }
            | Expr::Filter { .. } => reasons(),
        };
        Ok(Explanation {
            fact,
            clause: None,
            because,
        })
    }

    /// A value in an explanation: a meeting or decision by its id, or in
    /// short; any other value as `to_text` gives it.
    fn short_text(&self, v: &Value) -> String {
        if let Value::Meeting(m) = v {
            m.id.clone()
                .unwrap_or_else(|| format!("the meeting of {}", date::format(m.date)))
        } else if let Value::Decision(d) = v {
            format!("the decision at the meeting of {}", date::format(d.meeting.date))
        } else {
            v.to_text(self.bundle)
        }
    }

    /// An expression as a drafter wrote it, with the values of the locals
    /// in scope (a rule's arguments) in place of their names.
    pub fn source_text(&self, e: &Expr, locals: &[Value]) -> String {
        let list = |items: &[Expr]| {
            items
                .iter()
                .map(|i| self.source_text(i, locals))
                .collect::<Vec<_>>()
                .join(", ")
        };
        // An operand that is itself an operation is bracketed.
        let operand = |x: &Expr| {
            if matches!(x, Expr::Binary(..) | Expr::If(..) | Expr::Quantifier { .. }) {
                format!("({})", self.source_text(x, locals))
            } else {
                self.source_text(x, locals)
            }
        };
        let b = self.bundle;
        match e {
            Expr::Bool(v) => v.to_string(),
            Expr::Int(i) => i.to_string(),
            Expr::Date(d) => date::format(*d),
            Expr::Duration(d) => crate::value::duration_text(d),
            Expr::None => "none".to_string(),
            Expr::Party(p) => b
                .parties
                .get(*p as usize)
                .map_or_else(|| "?".to_string(), |x| x.id.clone()),
            Expr::Status(st) => st.name().to_string(),
            // A bundle read from elsewhere may name a kind it does not
            // declare: said so, as the report says it.
            Expr::MeetingKind(k) => kind_name(&b.meeting_kinds, *k),
            Expr::DecisionKind(k) => kind_name(&b.decision_kinds, *k),
            Expr::Group(g) => b
                .groups
                .get(*g as usize)
                .map_or_else(|| format!("(undeclared group #{g})"), |x| x.name.clone()),
            Expr::MeetingRecord(i) => b
                .history
                .meetings
                .get(*i as usize)
                .map_or_else(|| "?".to_string(), |m| m.id.clone()),
            Expr::DecisionRecord(i) => b
                .history
                .decisions
                .get(*i as usize)
                .map_or_else(|| "?".to_string(), |d| d.id.clone()),
            Expr::Local(slot) => locals
                .get(*slot as usize)
                .map_or_else(|| format!("x{slot}"), |v| self.short_text(v)),
            Expr::Set(items) => format!("{{{}}}", list(items)),
            Expr::MeetingLit(_) => "meeting { ... }".to_string(),
            Expr::DecisionLit(_) => "decision { ... }".to_string(),
            Expr::Builtin(builtin, args) => format!("{}({})", builtin.name(), list(args)),
            Expr::Rule(i, args) => format!(
                "{}({})",
                b.rules.get(*i as usize).map_or("?", |r| r.name.as_str()),
                list(args)
            ),
            // A field of a value: the field's value itself.
            Expr::Field(..) => self
                .eval(e, &mut locals.to_vec())
                .map_or_else(|_| "?".to_string(), |v| v.to_text(b)),
            Expr::Not(x) => format!("not {}", operand(x)),
            Expr::Neg(x) => format!("-{}", operand(x)),
            Expr::Binary(op, l, r) => {
                let symbol = match op {
                    BinOp::Implies => "implies",
                    BinOp::Or => "or",
                    BinOp::And => "and",
                    BinOp::Eq => "==",
                    BinOp::Ne => "!=",
                    BinOp::Lt => "<",
                    BinOp::Le => "<=",
                    BinOp::Gt => ">",
                    BinOp::Ge => ">=",
                    BinOp::In => "in",
                    BinOp::Add => "+",
                    BinOp::Sub => "-",
                    BinOp::Mul => "*",
                };
                format!("{} {symbol} {}", operand(l), operand(r))
            }
            Expr::If(c, t, f) => format!(
                "if {} then {} else {}",
                self.source_text(c, locals),
                self.source_text(t, locals),
                self.source_text(f, locals)
            ),
            Expr::Quantifier { all, set, .. } => format!(
                "{} x in {}: ...",
                if *all { "all" } else { "any" },
                self.source_text(set, locals)
            ),
            Expr::Filter { set, .. } => format!("{{x in {} | ...}}", self.source_text(set, locals)),
        }
    }

    fn compound(
        &self,
        expr: &Expr,
        shown: &str,
        parts: &[&Expr],
        locals: &mut Vec<Value>,
    ) -> Result<Explanation, EvalError> {
        let mut because = Vec::new();
        for part in parts {
            if matches!(
                part,
                Expr::Builtin(..) | Expr::Rule(..) | Expr::Binary(..) | Expr::Not(_) | Expr::If(..)
            ) {
                because.push(self.explain(part, locals)?.1);
            }
        }
        Ok(Explanation {
            fact: format!("{} = {shown}", self.source_text(expr, locals)),
            clause: None,
            because,
        })
    }

    /// Why the term containing `day` runs when it does with the chair it has.
    /// Why a party has its recorded status: the record, or the rules.
    fn recorded_status_explained(&self, party: PartyId, day: Day) -> Explanation {
        let record = self
            .bundle
            .history
            .status_changes
            .iter()
            .filter(|c| c.party == party && c.day <= day)
            .max_by_key(|c| c.day);
        match record {
            Some(c) => {
                let by = c
                    .decision
                    .and_then(|i| self.bundle.history.decisions.get(i))
                    .map(|d| format!(" by decision `{}`", d.id))
                    .unwrap_or_default();
                Explanation::leaf(
                    format!(
                        "the history records that {} became {} {}{by} [{}]",
                        self.party_name(party),
                        c.status.name(),
                        c.precision.describe(c.day),
                        c.sources.join("; ")
                    ),
                    None,
                )
            }
            None => self.status_explained(party, day).1,
        }
    }

    /// The record that puts the recorded chair in office on `day`, or
    /// that records the office vacant.
    fn recorded_office(&self, day: Day) -> Option<Explanation> {
        let history = &self.bundle.history;
        let h = history.handovers.iter().filter(|h| h.day <= day).max_by_key(|h| h.day);
        // A taking of office on the day of a vacancy fills it.
        let vacancy = history
            .vacancies
            .iter()
            .filter(|v| v.day <= day && h.is_none_or(|h| v.day > h.day))
            .max_by_key(|v| v.day);
        if let Some(v) = vacancy {
            let sources = if v.sources.is_empty() {
                String::new()
            } else {
                format!(" [{}]", v.sources.join("; "))
            };
            return Some(Explanation::leaf(
                format!(
                    "the history records the chair's office vacant {}{}{sources}",
                    if v.precision.is_exact() { "from " } else { "" },
                    v.precision.describe(v.day)
                ),
                None,
            ));
        }
        let h = h?;
        let how = if h.election {
            "was elected chair"
        } else {
            "took the chair"
        };
        let by = h
            .decision
            .and_then(|i| self.bundle.history.decisions.get(i))
            .map(|d| format!(" by decision `{}`", d.id))
            .unwrap_or_default();
        let sources = if h.sources.is_empty() {
            String::new()
        } else {
            format!(" [{}]", h.sources.join("; "))
        };
        Some(Explanation::leaf(
            format!(
                "the history records that {} {how} {}{by}{sources}",
                self.party_name(h.to),
                h.precision.describe(h.day)
            ),
            None,
        ))
    }

    /// Where an amendment changes how the chair is chosen on the day the
    /// term containing `day` ends: that it does, and how.
    fn era_change_explanation(&self, day: Day) -> Result<Option<Explanation>, EvalError> {
        let Some(term) = self.term_at(day)? else {
            return Ok(None);
        };
        let eras = self.bundle.chair_eras();
        let Some(next) = eras
            .iter()
            .skip(1)
            .find(|e| e.from < e.until && term.start < e.from && e.from <= term.end)
        else {
            return Ok(None);
        };
        let (how, cite) = match next.model {
            ChairModel::Rotation(r) => ("a rotation", &r.cite),
            ChairModel::Named(p) => ("the chairs the text names", &p.cite),
            ChairModel::Designated(d) => ("designation", &d.cite),
        };
        let then = if next.from == term.end {
            "the term ends then".to_string()
        } else {
            format!(
                "the office in force runs on until the first chair so chosen takes office ({})",
                date::format(term.end)
            )
        };
        Ok(Some(Explanation::leaf(
            format!(
                "from {} the chair is chosen another way, by {how}: {then}",
                date::format(next.from)
            ),
            Some(cite),
        )))
    }

    /// Why the chair is who it is where the text names it or has it
    /// designated by decision rather than rotated.
    fn model_explanation(&self, day: Day) -> Result<Explanation, EvalError> {
        let b = self.bundle;
        let way = b.chair_way_on(day);
        if let Some(ChairModel::Named(p)) = way {
            let named = |part: &NamedChair| {
                let names: Vec<String> = part.parties.iter().map(|q| self.party_name(*q)).collect();
                let what = if names.len() > 1 { "co-chairs" } else { "chair" };
                let seat = |list: &[PartyId], word: &str| {
                    (!list.is_empty()).then(|| {
                        let names: Vec<String> = list.iter().map(|q| self.party_name(*q)).collect();
                        format!("{} {word}", names.join(" and "))
                    })
                };
                let beside: Vec<String> = [seat(&part.co_chairs, "co-chair"), seat(&part.vice_chairs, "vice-chair")]
                    .into_iter()
                    .flatten()
                    .collect();
                let beside = if beside.is_empty() {
                    String::new()
                } else {
                    format!(" ({})", beside.join(", "))
                };
                format!(
                    "{} {what}{beside} from {}",
                    names.join(" and "),
                    date::format(part.from)
                )
            };
            return Ok(match (p.at(day), p.parts.first()) {
                (Some(part), _) => Explanation::leaf(format!("the text names {}", named(part)), Some(&part.cite)),
                (None, Some(first)) => Explanation::leaf(
                    format!("the text names {}, after {}", named(first), date::format(day)),
                    Some(&first.cite),
                ),
                (None, None) => Explanation::leaf("the text names no chair", Some(&p.cite)),
            });
        }
        let Some(ChairModel::Designated(d)) = way else {
            return Ok(Explanation::leaf("the policy has no chair rotation", None));
        };
        let how = match d.by {
            Some(by) => format!(
                "elected by a valid `{}` decision at a `{}` meeting",
                kind_name(&b.decision_kinds, by.decision),
                kind_name(&b.meeting_kinds, by.meeting)
            ),
            None => "chosen (in a way the text does not state)".to_string(),
        };
        Ok(match self.term_at(day)? {
            Some(Term {
                chair: Some(c),
                start,
                end,
            }) => {
                // What the history holds behind the taking of office: a
                // valid election, or a gap the rules bridge by following the
                // record (the audit asks for the missing record).
                let took_office = b.history.handovers.iter().rfind(|h| h.to == c && h.day == start);
                let (name, from, until) = (self.party_name(c), date::format(start), date::format(end));
                let fact = match took_office.map(|h| tables::designation_breach(b, &self.tables().valid_records, d, h)) {
                    Some(Some(tables::DesignationBreach::NoRecordedDecision)) => format!(
                        "{name} took office on {from} as the history records it, with no decision recorded: the text has the chair {how}, and the rules follow the record, for a term until {until}"
                    ),
                    Some(Some(tables::DesignationBreach::CandidacyUnrecorded { .. })) => format!(
                        "{name} was {how} from {from} for a term until {until}; no candidacy is recorded (the rules follow the election)"
                    ),
                    Some(_) | None => format!("{name} was {how} from {from} for a term until {until}"),
                };
                Explanation::leaf(fact, Some(&d.cite))
            }
            Some(Term { chair: None, start, .. }) => Explanation::leaf(
                format!(
                    "no chair was {how} for the term from {}: the office is vacant",
                    date::format(start)
                ),
                Some(&d.cite),
            ),
            None => Explanation::leaf(format!("no chair was {how} by {}", date::format(day)), Some(&d.cite)),
        })
    }

    fn term_explanation(&self, day: Day) -> Result<Option<Explanation>, EvalError> {
        let Some(ChairModel::Rotation(rotation)) = self.bundle.chair_way_on(day) else {
            return self.model_explanation(day).map(Some);
        };
        let cite = Some(&rotation.cite);
        let Some(term) = self.term_at(day)? else {
            return Ok(Some(Explanation::leaf(
                format!(
                    "the rotation starts on {}, after {}",
                    date::format(rotation.start),
                    date::format(day)
                ),
                cite,
            )));
        };
        let chair = term.chair.map_or_else(|| "nobody".to_string(), |c| self.party_name(c));
        let mut because = Vec::new();
        if term.start == rotation.start {
            because.push(Explanation::leaf(
                format!(
                    "the first chair is {} from {}",
                    self.party_name(rotation.first),
                    date::format(rotation.start)
                ),
                cite,
            ));
        } else if let Some(previous) = self.term_at(term.start - 1)? {
            if let Some((to, _)) = self.tables().honoured.iter().find(|(_, on)| *on == term.start) {
                because.push(Explanation::leaf(
                    format!(
                        "a valid recorded decision hands the chair to {} on {}",
                        self.party_name(*to),
                        date::format(term.start)
                    ),
                    None,
                ));
            } else {
                let outgoing = previous
                    .chair
                    .map_or_else(|| "nobody".to_string(), |c| self.party_name(c));
                let fixed = self
                    .version_at(term.start)
                    .and_then(|v| v.rotation.as_ref())
                    .and_then(|r| r.order.as_ref());
                let alternation = self
                    .version_at(term.start)
                    .and_then(|v| v.rotation.as_ref())
                    .and_then(|r| r.alternation.as_ref());
                let order = match (fixed, alternation) {
                    (Some(list), _) => format!(
                        "the order the text gives ({})",
                        list.iter().map(|p| self.party_name(*p)).collect::<Vec<_>>().join(", ")
                    ),
                    (None, Some(groups)) => format!(
                        "alternation between {} (each group's states in English alphabetical order, after the last chair it gave)",
                        groups
                            .iter()
                            .map(|g| self.bundle.groups.get(*g as usize).map_or("?", |x| x.name.as_str()))
                            .collect::<Vec<_>>()
                            .join(" and ")
                    ),
                    (None, None) => "English alphabetical order".to_string(),
                };
                because.push(Explanation::leaf(
                    format!(
                        "{chair} follows {outgoing} in {order} of the states eligible on {}",
                        date::format(term.start)
                    ),
                    cite,
                ));
                for (p, _) in self
                    .bundle
                    .history
                    .declines
                    .iter()
                    .filter(|(_, turn)| *turn == term.start)
                {
                    because.push(Explanation::leaf(
                        format!(
                            "{} declined the turn starting {}",
                            self.party_name(*p),
                            date::format(term.start)
                        ),
                        cite,
                    ));
                }
            }
        }
        // Why the term ends when it does: a decided hand-over, a decided
        // extension, or the term's length.
        let tables = self.tables();
        if let Some((to, _)) = tables.honoured.iter().find(|(_, on)| *on == term.end) {
            because.push(Explanation::leaf(
                format!(
                    "a valid recorded decision hands the chair to {} on {}, ending the term",
                    self.party_name(*to),
                    date::format(term.end)
                ),
                None,
            ));
        } else if let Some((p, _)) = tables
            .extended
            .iter()
            .find(|(p, until)| *until == term.end && term.chair == Some(*p))
        {
            because.push(Explanation::leaf(
                format!(
                    "a valid recorded decision extends the office of {} until {}",
                    self.party_name(*p),
                    date::format(term.end)
                ),
                None,
            ));
        } else if let Some(length) = self.term_length(term.start) {
            because.push(Explanation::leaf(
                format!("a term lasts {}", crate::value::duration_text(&length)),
                cite,
            ));
        }
        Ok(Some(Explanation {
            fact: format!(
                "{chair} chairs from {} until {}",
                date::format(term.start),
                date::format(term.end)
            ),
            clause: cite.map(|c| format!("§ {}", c.clause)),
            because,
        }))
    }

    /// Runs every test; returns one outcome per test.
    pub fn run_tests(&self) -> Vec<TestOutcome> {
        self.bundle
            .tests
            .iter()
            .map(|test| {
                let mut locals = Vec::new();
                let mut failures = Vec::new();
                for step in &test.steps {
                    match step {
                        TestStep::Let(expr) => match self.eval(expr, &mut locals) {
                            Ok(v) => locals.push(v),
                            Err(e) => {
                                failures.push(let_failure(&e));
                                break;
                            }
                        },
                        TestStep::Assert {
                            expr,
                            file,
                            line,
                            column,
                            text,
                        } => {
                            let outcome = self.assertion(expr, &mut locals);
                            if let Some(detail) = outcome {
                                failures.push(assertion_failure(file, *line, *column, text, &detail));
                            }
                        }
                    }
                }
                TestOutcome {
                    name: test.name.clone(),
                    failures,
                }
            })
            .collect()
    }

    /// `None` when the assertion holds; otherwise what was expected and found.
    fn assertion(&self, expr: &Expr, locals: &mut Vec<Value>) -> Option<String> {
        if let Expr::Binary(op @ (BinOp::Eq | BinOp::Ne), lhs, rhs) = expr {
            let actual = self.eval(lhs, locals);
            let expected = actual.as_ref().ok().map(|_| self.eval(rhs, locals));
            equality_failure(*op == BinOp::Eq, actual, expected, self.bundle)
        } else {
            truth_failure(self.eval(expr, locals), self.bundle)
        }
    }
}

/// How an assertion `actual == expected` (`equal`) or `!=` fails, if it
/// does; `expected` is `None` when `actual` already failed (it is not
/// evaluated then).
pub fn equality_failure(
    equal: bool,
    actual: Result<Value, EvalError>,
    expected: Option<Result<Value, EvalError>>,
    bundle: &Bundle,
) -> Option<String> {
    let actual = match actual {
        Ok(v) => v,
        Err(e) => return Some(format!("error: {e}")),
    };
    let expected = match expected {
        Some(Ok(v)) => v,
        Some(Err(e)) => return Some(format!("error: {e}")),
        None => return Some("error: the expected value was not evaluated".to_string()),
    };
    let holds = (actual == expected) == equal;
    (!holds).then(|| {
        let relation = if equal { "expected" } else { "expected anything but" };
        format!(
            "{relation} {}, got {}",
            expected.to_text(bundle),
            actual.to_text(bundle)
        )
    })
}

/// How an assertion that should be true fails, if it does.
pub fn truth_failure(value: Result<Value, EvalError>, bundle: &Bundle) -> Option<String> {
    match value {
        Ok(Value::Bool(true)) => None,
        Ok(v) => Some(format!("expected true, got {}", v.to_text(bundle))),
        Err(e) => Some(format!("error: {e}")),
    }
}

/// The report line of a failed assertion.
pub fn assertion_failure(file: &str, line: usize, column: usize, text: &str, detail: &str) -> String {
    format!("{file}:{line}:{column}: assertion failed: `{text}`\n    {detail}")
}

/// The report line of a `let` that could not be evaluated.
pub fn let_failure(e: &EvalError) -> String {
    format!("a `let` could not be evaluated: {e}")
}

/// The result of one `test` block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TestOutcome {
    pub name: String,
    pub failures: Vec<String>,
}

/// Integers range over ±(2^63 - 1): the range is symmetric, so negation
/// never overflows and native code keeps `i64::MIN` for an absent value.
fn int(result: Option<i64>) -> Result<i64, EvalError> {
    result.filter(|i| *i != i64::MIN).ok_or(EvalError::Overflow)
}

fn malformed(what: &str) -> EvalError {
    EvalError::Malformed(what.to_string())
}

fn truth(v: &Value) -> Result<bool, EvalError> {
    let Value::Bool(b) = v else {
        return Err(malformed("a non-boolean condition"));
    };
    Ok(*b)
}

fn ordered(a: &Value, b: &Value) -> Result<std::cmp::Ordering, EvalError> {
    match (a, b) {
        (Value::Int(x), Value::Int(y)) => Ok(x.cmp(y)),
        (Value::Date(x), Value::Date(y)) => Ok(x.cmp(y)),
        (Value::Duration(x), Value::Duration(y)) if x.unit == y.unit => Ok(x.amount.cmp(&y.amount)),
        _ => Err(malformed("comparison of unordered values")),
    }
}

fn party_list(v: &Value) -> Vec<PartyId> {
    let Value::Set(items) = v else {
        return Vec::new();
    };
    items
        .iter()
        .filter_map(|i| if let Value::Party(p) = i { Some(*p) } else { None })
        .collect()
}

fn empty_meeting() -> Meeting {
    Meeting {
        id: None,
        kind: 0,
        date: 0,
        host: None,
        present: Vec::new(),
        observers: Vec::new(),
    }
}

fn field_of(base: &Value, field: Field) -> Result<Value, EvalError> {
    Ok(match (base, field) {
        (Value::Meeting(m), Field::Kind) => Value::MeetingKind(m.kind),
        (Value::Meeting(m), Field::Date) => Value::Date(m.date),
        (Value::Meeting(m), Field::Host) => m.host.map_or(Value::None, Value::Party),
        (Value::Meeting(m), Field::Present) => Value::parties(m.present.iter().copied()),
        (Value::Meeting(m), Field::Observers) => Value::parties(m.observers.iter().copied()),
        (Value::Decision(d), Field::Kind) => Value::DecisionKind(d.kind),
        (Value::Decision(d), Field::Meeting) => Value::Meeting(Box::new(d.meeting.clone())),
        (Value::Decision(d), Field::Objections) => Value::parties(d.objections.iter().copied()),
        (Value::Decision(d), Field::Reservations) => Value::parties(d.reservations.iter().copied()),
        (Value::Decision(d), Field::Subjects) => Value::parties(d.subjects.iter().copied()),
        (Value::Violation(v), Field::Kind) => Value::MeetingKind(v.kind),
        (Value::Violation(v), Field::Due) => Value::Date(v.due),
        (Value::Violation(v), Field::Party) => v.party.map_or(Value::None, Value::Party),
        (Value::Violation(v), Field::Must) => Value::Bool(v.strength == Strength::Must),
        (Value::None, _) => Value::None,
        _ => return Err(malformed("field of a value that lacks it")),
    })
}

/// The holders of group `g` on each of `days`, each set once, in order:
/// the answers possible where a window leaves them open.
/// The sets a group may hold on `d`, where windows of its text's periods
/// or of its `composition` records leave changes open: with every such
/// change made by `d` (at its window's first day), and with none made yet
/// (after its window).
fn window_sets(bundle: &Bundle, g: GroupId, group: &Group, d: Day, words: usize) -> Vec<Value> {
    // An end dated approximately moves within its own window, where that
    // window holds `d`: to its first day, to `d` itself (made last, so the
    // latest record), or past its last (not yet).
    let moved = |dating: Dating, from: Day, until: Option<Day>, made: Option<bool>| -> (Day, Option<Day>) {
        let windows = dating.windows(Some(from), until, bundle.adopted);
        let shift = |day: Day, precision: Precision| {
            if precision.is_exact() {
                return day;
            }
            windows
                .iter()
                .find(|(a, b)| *a <= day && day <= *b && *a <= d && d < *b)
                .map_or(day, |(a, b)| match made {
                    Some(true) => *a,
                    None => d,
                    Some(false) => *b,
                })
        };
        (shift(from, dating.from), until.map(|u| shift(u, dating.until)))
    };
    let mut possible: Vec<Value> = Vec::new();
    for made in [Some(true), None, Some(false)] {
        let mut variant = group.clone();
        for s in &mut variant.spans {
            (s.from, s.until) = moved(s.dating, s.from, s.until, made);
        }
        let records: Vec<Composition> = bundle
            .history
            .compositions
            .iter()
            .filter(|c| c.group == g)
            .map(|c| {
                let mut c = c.clone();
                (c.from, c.until) = moved(c.dating, c.from, c.until, made);
                c
            })
            .collect();
        let records: Vec<&Composition> = records.iter().collect();
        let epochs = tables::GroupEpochs::of_parts(&variant, &records, words);
        let holders = Value::parties(tables::parties(epochs.at(d)));
        if !possible.contains(&holders) {
            possible.push(holders);
        }
    }
    possible.sort();
    possible
}

fn holders_on(tables: &Tables, g: GroupId, days: [Day; 3]) -> Vec<Value> {
    let mut possible: Vec<Value> = Vec::new();
    for day in days {
        let holders = Value::parties(tables.group_at(g, day));
        if !possible.contains(&holders) {
            possible.push(holders);
        }
    }
    possible.sort();
    possible
}
