//! The IR: the contract between compiler and runtime. A `Bundle` is a
//! checked policy package with every name resolved to a dense index, every
//! date a day number and every collation done: the runtime never sees
//! source text and needs no collator.

use serde::{Deserialize, Serialize};

/// The calendar's types, defined with the calendar (`date`).
pub use crate::date::{Day, Duration, Unit};
/// Dense index into `Bundle::parties`.
pub type PartyId = u32;
/// Index into `Bundle::meeting_kinds`.
pub type MeetingKindId = u32;
/// Index into `Bundle::decision_kinds`.
pub type DecisionKindId = u32;
/// Index into `Bundle::groups`.
pub type GroupId = u32;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Bundle {
    pub title: String,
    pub reference: Option<String>,
    pub adopted: Day,
    pub parties: Vec<Party>,
    /// From each date on, the rank of every party in English alphabetical
    /// order of the sort names then in force (index = `PartyId`).
    pub order_epochs: Vec<OrderEpoch>,
    pub meeting_kinds: Vec<String>,
    /// Meeting kinds the history declares that the text does not provide
    /// (a briefing, an experts' group): no cadence, no host rule.
    #[serde(default)]
    pub outside_kinds: Vec<OutsideKind>,
    pub decision_kinds: Vec<String>,
    /// Named groups of parties (regions, constituencies, a committee's
    /// seats), in name order, with who belongs when and their seats.
    #[serde(default)]
    pub groups: Vec<Group>,
    /// The base text first, then one version per amendment in adoption
    /// order; the version in force on a day is the last one whose `from` is
    /// on or before it.
    pub versions: Vec<Version>,
    pub history: History,
    pub rules: Vec<Rule>,
    pub tests: Vec<Test>,
}

impl Bundle {
    /// The chairs the text names, as the latest version holds them (each
    /// amendment adds its parts to those before it). Where an amendment
    /// changes how the chair is chosen, they hold only over their era
    /// (`chair_model_at`).
    pub fn named_chairs(&self) -> Option<&PermanentChair> {
        self.versions.iter().rev().find_map(|v| v.permanent.as_ref())
    }

    /// The ways of choosing the chair one after another: a rotation, the
    /// chairs the text names, a designation. Each takes over on its own
    /// first day (a rotation's first term, the first chair named, a
    /// designation's adoption) and holds to the next's; amendments that
    /// keep the way and change its parts stay in its era, whose model is
    /// the latest version's.
    pub fn chair_eras(&self) -> Vec<ChairEra<'_>> {
        let mut eras: Vec<ChairEra<'_>> = Vec::new();
        for v in &self.versions {
            let Some(model) = v.chair_model() else {
                continue;
            };
            match eras.last_mut() {
                Some(last) if last.model.same_way(&model) => last.model = model,
                Some(_) | None => {
                    let from = match model {
                        ChairModel::Rotation(r) => r.start,
                        ChairModel::Named(p) => p.parts.first().map_or(v.from, |f| f.from),
                        ChairModel::Designated(_) => v.from,
                    };
                    // The ways before end where this one takes over; one
                    // that had not begun by then never runs (empty).
                    for e in &mut eras {
                        e.until = e.until.min(from);
                        e.from = e.from.min(e.until);
                    }
                    eras.push(ChairEra {
                        from,
                        until: crate::date::LAST,
                        first: model,
                        model,
                    });
                }
            }
        }
        eras
    }

    /// For each version, the index of the era (`chair_eras`) whose way of
    /// choosing the chair it states, if it states one.
    pub fn versions_by_chair_era(&self) -> Vec<Option<usize>> {
        let mut out = Vec::with_capacity(self.versions.len());
        let mut current: Option<(usize, ChairModel<'_>)> = None;
        for v in &self.versions {
            let Some(model) = v.chair_model() else {
                out.push(None);
                continue;
            };
            let index = match current {
                Some((i, way)) if way.same_way(&model) => i,
                Some((i, _)) => i + 1,
                None => 0,
            };
            current = Some((index, model));
            out.push(Some(index));
        }
        out
    }

    /// How the chair is chosen on `day`, as every reader of the chair asks
    /// it: with one way throughout, that way as first stated (a rotation,
    /// a designation) or the chairs named so far; where an amendment
    /// changes the way, the era's (`chair_model_at`).
    pub fn chair_way_on(&self, day: Day) -> Option<ChairModel<'_>> {
        if self.chair_eras().len() > 1 {
            return self.chair_model_at(day);
        }
        if let Some(r) = self.versions.iter().find_map(|v| v.rotation.as_ref()) {
            return Some(ChairModel::Rotation(r));
        }
        if let Some(p) = self.named_chairs() {
            return Some(ChairModel::Named(p));
        }
        self.versions
            .iter()
            .find_map(|v| v.designation.as_ref())
            .map(ChairModel::Designated)
    }

    /// The term lengths of a designated chair on `day`, as the last version
    /// of its era states them (each amendment's `term` dated from its day).
    pub fn designated_terms_on(&self, day: Day) -> Option<&[(Day, Duration)]> {
        let eras = self.chair_eras();
        let model = if eras.len() > 1 {
            eras.iter()
                .rev()
                .find(|e| e.from <= day && e.from < e.until)
                .or_else(|| eras.first())
                .map(|e| e.model)
        } else {
            self.versions
                .iter()
                .rev()
                .find_map(|v| v.designation.as_ref())
                .map(ChairModel::Designated)
        };
        match model {
            Some(ChairModel::Designated(d)) => Some(&d.terms),
            Some(ChairModel::Rotation(_) | ChairModel::Named(_)) | None => None,
        }
    }

    /// How the chair is chosen on `day`: the way of the era in force (or
    /// before the first, the first's), as `ChairEra::way` takes it.
    pub fn chair_model_at(&self, day: Day) -> Option<ChairModel<'_>> {
        let eras = self.chair_eras();
        let era = eras
            .iter()
            .rev()
            .find(|e| e.from <= day && e.from < e.until)
            .or_else(|| eras.first())?;
        Some(era.way())
    }
}

/// One way of choosing the chair.
#[derive(Debug, Clone, Copy)]
pub enum ChairModel<'a> {
    Rotation(&'a Rotation),
    Named(&'a PermanentChair),
    Designated(&'a Designation),
}

impl ChairModel<'_> {
    /// Whether both choose the chair the same way (their parts may differ).
    pub fn same_way(&self, other: &ChairModel<'_>) -> bool {
        matches!(
            (self, other),
            (ChairModel::Rotation(_), ChairModel::Rotation(_))
                | (ChairModel::Named(_), ChairModel::Named(_))
                | (ChairModel::Designated(_), ChairModel::Designated(_))
        )
    }
}

/// A way of choosing the chair over the days `[from, until)` it is in force.
#[derive(Debug, Clone, Copy)]
pub struct ChairEra<'a> {
    pub from: Day,
    pub until: Day,
    /// As its first version states it (a rotation, a designation: what
    /// its terms are worked out from, as with one way throughout).
    pub first: ChairModel<'a>,
    /// As its last version states it (named chairs: every part).
    pub model: ChairModel<'a>,
}

impl<'a> ChairEra<'a> {
    /// The way as every reader takes it: the chairs named in every
    /// version of the era, else the rotation or designation as first
    /// stated (as `chair_way_on` with one way throughout).
    pub fn way(&self) -> ChairModel<'a> {
        match self.model {
            ChairModel::Named(_) => self.model,
            ChairModel::Rotation(_) | ChairModel::Designated(_) => self.first,
        }
    }
}

/// A named group of parties. Its members and seats come from the base
/// text and every amendment (an amendment adds to them).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Group {
    pub name: String,
    pub title: String,
    /// Each party's belonging over `[from, until)`.
    pub spans: Vec<GroupSpan>,
    /// The seats the text gives the group in other groups.
    pub seats: Vec<Seats>,
    /// For an office held by the chair's roles: which, and when (its
    /// holders follow the rules' terms of office).
    #[serde(default)]
    pub chair_roles: Vec<ChairRoleSpan>,
    /// For an office whose period the text gives only approximately: the
    /// days (`[earliest, latest)`) on which who holds it is unknown.
    #[serde(default)]
    pub open: Vec<(Day, Day)>,
    /// The days on which a `composition` record's date window leaves who
    /// belongs unknown, where the text names none of the group's parties
    /// (the record governs only there).
    #[serde(default)]
    pub recorded_open: Vec<(Day, Day)>,
}

impl Group {
    /// Its title, or its name where the text gives none.
    pub fn display_title(&self) -> &str {
        if self.title.is_empty() {
            &self.name
        } else {
            &self.title
        }
    }
}

/// An office held by the chair's roles: on each day, the chair of the
/// term before the one in force (`outgoing`), of the term in force, or of
/// the term after it (`incoming`), over `[from, until)`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChairRoleSpan {
    pub role: ChairRole,
    pub from: Day,
    pub until: Option<Day>,
    pub cite: Cite,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChairRole {
    Outgoing,
    Current,
    Incoming,
}

impl ChairRole {
    pub fn name(self) -> &'static str {
        match self {
            ChairRole::Outgoing => "the outgoing chair",
            ChairRole::Current => "the chair",
            ChairRole::Incoming => "the incoming chair",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GroupSpan {
    pub party: PartyId,
    pub from: Day,
    pub until: Option<Day>,
    pub cite: Cite,
    /// How exactly the text dates the period (its windows are the
    /// group's `open`).
    #[serde(default)]
    pub dating: Dating,
}

/// Over `[from, until)` the group holds exactly `count` parties of each
/// group of `of`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Seats {
    pub count: i64,
    pub of: Vec<GroupId>,
    pub from: Day,
    pub until: Option<Day>,
    pub cite: Cite,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PartyKind {
    State,
    InternationalOrganization,
    RegionalOrganization,
    CivilSociety,
    /// A company or business association (`private_sector`).
    PrivateSector,
}

impl PartyKind {
    /// The kind in words, as a hover or a report line says it.
    pub fn describe(self) -> &'static str {
        match self {
            PartyKind::State => "a state",
            PartyKind::InternationalOrganization => "an international organization",
            PartyKind::RegionalOrganization => "a regional organization",
            PartyKind::CivilSociety => "civil society",
            PartyKind::PrivateSector => "a private-sector body",
        }
    }

    /// Parties of the kind, as a class: "civil society bodies".
    pub fn plural(self) -> &'static str {
        match self {
            PartyKind::State => "states",
            PartyKind::InternationalOrganization => "international organizations",
            PartyKind::RegionalOrganization => "regional organizations",
            PartyKind::CivilSociety => "civil society bodies",
            PartyKind::PrivateSector => "private-sector bodies",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Party {
    pub id: String,
    pub kind: PartyKind,
    /// Official name and sort name, from a date on; the first from the
    /// beginning of time.
    pub names: Vec<PartyName>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PartyName {
    pub from: Day,
    pub official: String,
    pub sort: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrderEpoch {
    pub from: Day,
    pub rank: Vec<u32>,
}

/// A clause of the source text a rule comes from, for explanations.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cite {
    pub clause: String,
    pub quote: Option<String>,
}

/// The rules in force from a date.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Version {
    pub from: Day,
    /// `base` or the amendment's title.
    pub source: String,
    /// For an amendment: the recorded decision that adopted it.
    pub adopted_by: Option<String>,
    pub membership: Vec<Membership>,
    pub rotation: Option<Rotation>,
    /// A chair or co-chairs the text names (instead of a rotation).
    #[serde(default)]
    pub permanent: Option<PermanentChair>,
    /// A chair each elected by a decision (instead of a rotation).
    #[serde(default)]
    pub designation: Option<Designation>,
    pub obligations: Vec<Obligation>,
    pub consensus: Consensus,
    /// Decision kinds reserved to some meeting kinds.
    pub reservations: Vec<Reservation>,
    pub observers: Option<ObserverRule>,
    pub invitations: Option<Cite>,
    /// Arrangements made for a period, pending further decision.
    pub interim: Vec<Interim>,
    /// Parties the text itself gives a function (the Support Unit): the
    /// audit does not question their attendance.
    #[serde(default)]
    pub roles: Vec<Role>,
    /// Duties of each member to designate someone (`each member must
    /// designate national_coordinator`), which the audit looks for
    /// evidence of in the history's designation records.
    #[serde(default)]
    pub member_duties: Vec<Duty>,
    /// Meeting kinds the chair hosts (`chair must host ministerial`), with
    /// the clause that says so.
    #[serde(default)]
    pub host_duties: Vec<HostDuty>,
    /// Meeting kinds held by a body within the body (a committee): at its
    /// meetings the group's parties are the members.
    #[serde(default)]
    pub bodies: Vec<MeetingBody>,
    /// Decision rules for meetings of some kinds (`decisions at K by
    /// ...`), instead of `consensus`; the latest stated for a kind holds.
    #[serde(default)]
    pub kind_rules: Vec<KindRule>,
}

/// `decisions at K, ... by RULE ...`: the rule at meetings of those kinds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KindRule {
    pub kinds: Vec<MeetingKindId>,
    pub consensus: Consensus,
}

impl Version {
    /// The decision rule at a meeting of `kind`: the one stated for that
    /// kind, else the general one.
    pub fn rule_at(&self, kind: MeetingKindId) -> &Consensus {
        self.kind_rules
            .iter()
            .rev()
            .find(|r| r.kinds.contains(&kind))
            .map_or(&self.consensus, |r| &r.consensus)
    }

    /// The rights of `party` as an observer on `day`: those of the text's
    /// statement naming it an observer that day, else those the admission
    /// rule gives (`None`: attend only).
    pub fn observer_rights(&self, party: PartyId, day: Day) -> Option<&ObserverRights> {
        match self.named_observer(party, day) {
            Some(m) => m.rights.as_ref(),
            None => self.observers.as_ref().and_then(|r| r.rights.as_ref()),
        }
    }

    /// How this version has the chair chosen, if it says (lowering keeps
    /// one of the three).
    pub fn chair_model(&self) -> Option<ChairModel<'_>> {
        match (&self.rotation, &self.permanent, &self.designation) {
            (Some(r), _, _) => Some(ChairModel::Rotation(r)),
            (None, Some(p), _) => Some(ChairModel::Named(p)),
            (None, None, Some(d)) => Some(ChairModel::Designated(d)),
            (None, None, None) => None,
        }
    }

    /// The statement naming `party` an observer on `day`, if one does.
    pub fn named_observer(&self, party: PartyId, day: Day) -> Option<&Membership> {
        self.membership.iter().find(|m| {
            m.party == party
                && matches!(m.kind, MembershipKind::Observer { from, until, .. } if from <= day && until.is_none_or(|u| day < u))
        })
    }

    /// Whether an observer takes part in decisions at a meeting of `kind`
    /// on `day`: every observer where the decision rule counts observers
    /// present, else as its rights say.
    pub fn observer_decides(&self, party: PartyId, day: Day, kind: MeetingKindId) -> bool {
        self.rule_at(kind).observers_decide || self.observer_rights(party, day).is_some_and(|r| r.decide_at(kind))
    }

    /// Whether any observer may take part in decisions under this version.
    pub fn observers_may_decide(&self) -> bool {
        self.consensus.observers_decide
            || self.kind_rules.iter().any(|r| r.consensus.observers_decide)
            || self
                .membership
                .iter()
                .any(|m| m.rights.as_ref().is_some_and(|r| r.decide))
            || self
                .observers
                .as_ref()
                .and_then(|o| o.rights.as_ref())
                .is_some_and(|r| r.decide)
    }

    /// The group whose meetings those of `kind` are, if a body's.
    pub fn body_of(&self, kind: MeetingKindId) -> Option<&MeetingBody> {
        self.bodies.iter().find(|b| b.kind == kind)
    }
}

/// `meeting committee "..." of steering_committee`: meetings of this kind
/// are the group's; its parties on the day attend them, count for their
/// quorum and take their decisions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MeetingBody {
    pub kind: MeetingKindId,
    pub group: GroupId,
    pub cite: Cite,
}

/// The chair's duty to host meetings of a kind.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HostDuty {
    pub kind: MeetingKindId,
    pub strength: Strength,
    pub cite: Cite,
}

/// A member's duty to designate someone for a role.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Duty {
    pub role: String,
    pub strength: Strength,
    pub cite: Cite,
}

/// A function the text gives to parties, such as the Support Unit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Role {
    /// For people: `the Support Unit`.
    pub what: String,
    pub parties: Vec<PartyId>,
    pub cite: Cite,
    /// Held from this day (`support_unit X from D`); else from the text.
    #[serde(default)]
    pub from: Option<Day>,
    /// Held until this day, exclusive.
    #[serde(default)]
    pub until: Option<Day>,
    /// An office (`office KEY ... held by ...`): the group of its holders,
    /// which for one held by the chair's roles change with the terms.
    #[serde(default)]
    pub group: Option<GroupId>,
    /// How precisely the text gives `from` and `until` (`from in 2013`):
    /// on the days a window leaves open, whether the role is held is
    /// unknown ([`Role::open_on`]).
    #[serde(default)]
    pub dating: Dating,
}

impl Role {
    /// Whether the role is held on `day`.
    pub fn held_on(&self, day: Day) -> bool {
        self.from.is_none_or(|f| f <= day) && self.until.is_none_or(|u| day < u)
    }

    /// The windows the text leaves its period's ends in ([`Dating::windows`]).
    pub fn windows(&self, adopted: Day) -> Vec<(Day, Day)> {
        self.dating.windows(self.from, self.until, adopted)
    }

    /// Whether on `day` the text leaves it open whether the role is held
    /// (a window of its period's start or end straddles it).
    pub fn open_on(&self, day: Day, adopted: Day) -> Option<(Day, Day)> {
        self.windows(adopted).into_iter().find(|(a, b)| *a <= day && day < *b)
    }

    /// The role as the report names it: `the Support Unit (§ 3.iii)`,
    /// with its period where the text dates it (as the text dates it).
    pub fn described(&self) -> String {
        let (from, until) = (
            self.from.map(|f| self.dating.from.describe(f)),
            self.until.map(|u| self.dating.until.describe(u)),
        );
        let period = match (from, until) {
            (None, None) => String::new(),
            (Some(f), None) => format!(", from {f}"),
            (None, Some(u)) => format!(", until {u}"),
            (Some(f), Some(u)) => format!(", {f} to {u}"),
        };
        format!("{} (§ {}{period})", self.what, self.cite.clause)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum MembershipKind {
    /// A member over `[from, until)`.
    Member {
        from: Day,
        until: Option<Day>,
        #[serde(default)]
        dating: Dating,
    },
    /// An observer the text names, over `[from, until)`.
    Observer {
        from: Day,
        until: Option<Day>,
        #[serde(default)]
        dating: Dating,
    },
    /// Pending under a silence procedure from adoption through `deadline`
    /// (inclusive); a member from the day after unless silence was broken.
    Pending { deadline: Day },
    /// Membership is open: the party becomes a member when the history
    /// records that it joined.
    Open,
    /// Membership ends on this day.
    Withdrawal {
        on: Day,
        #[serde(default)]
        precision: Precision,
    },
}

/// How precisely a statement gives the days of a period (`members P from
/// between 2009-04-28 and 2018-12-31`): its days are then the ones
/// derivations use (the bound, or the window's first), as a record's are,
/// and the status tables leave the window's days unknown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Dating {
    pub from: Precision,
    pub until: Precision,
}

impl Dating {
    pub fn is_exact(self) -> bool {
        self.from.is_exact() && self.until.is_exact()
    }

    /// The windows a period `[from, until)` dated so leaves its ends in,
    /// as `[earliest, latest)`: "no later than" a start runs from
    /// `adopted`, "no later than" an end from the start (or the adoption);
    /// "no earlier than" runs to the end (or the calendar's end).
    pub fn windows(self, from: Option<Day>, until: Option<Day>, adopted: Day) -> Vec<(Day, Day)> {
        let last = Some(crate::date::LAST);
        let before_adoption = Some(adopted.saturating_sub(1));
        let start = from.map(|f| self.from.window(f, before_adoption, until.or(last)));
        let end = until.map(|u| self.until.window(u, from.or(before_adoption), last));
        start.into_iter().chain(end).filter(|(a, b)| a < b).collect()
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Membership {
    pub party: PartyId,
    pub kind: MembershipKind,
    pub cite: Cite,
    /// For an observer the text names: what it may do besides attending
    /// (`None`: attend only).
    #[serde(default)]
    pub rights: Option<ObserverRights>,
    /// For an observer the text names with a standing of its own (`as
    /// partners "partner organisations"`): the group of those holding it.
    #[serde(default)]
    pub standing: Option<GroupId>,
    /// Covered as one of a class the statement names as a whole
    /// (`observers civil_society from D`), not by name: the class.
    #[serde(default)]
    pub by_class: Option<PartyKind>,
}

/// What observers may do besides attending (`may speak, decide [at K]`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ObserverRights {
    pub speak: bool,
    /// Take part in decisions: their objections and votes count as a
    /// member's (the quorum counts members only).
    pub decide: bool,
    /// The meeting kinds where they have these rights; every kind when
    /// empty.
    #[serde(default)]
    pub at: Vec<MeetingKindId>,
}

impl ObserverRights {
    fn applies(&self, kind: MeetingKindId) -> bool {
        self.at.is_empty() || self.at.contains(&kind)
    }

    pub fn speak_at(&self, kind: MeetingKindId) -> bool {
        self.speak && self.applies(kind)
    }

    pub fn decide_at(&self, kind: MeetingKindId) -> bool {
        self.decide && self.applies(kind)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Eligible {
    Members,
    Parties(Vec<PartyId>),
    /// The members in a group on the day (`eligible council`).
    Group(GroupId),
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Rotation {
    pub eligible: Eligible,
    pub first: PartyId,
    pub start: Day,
    /// Term lengths: the first applies from the start, a later one to terms
    /// starting on or after its date.
    pub terms: Vec<(Day, Duration)>,
    pub voluntary: bool,
    /// When every eligible state declines a turn: `Some(true)` the outgoing
    /// chair stays, `Some(false)` or `None` (the text is silent) the chair
    /// is vacant for that term.
    pub all_decline: Option<bool>,
    /// The order the text gives (only these parties take turns, in this
    /// order); English alphabetical order of sort names when `None`.
    #[serde(default)]
    pub order: Option<Vec<PartyId>>,
    /// The chair alternates between these groups (after a chair from one,
    /// the next comes from the next group), each group's eligible states
    /// taking their turns in English alphabetical order.
    #[serde(default)]
    pub alternation: Option<Vec<GroupId>>,
    pub cite: Cite,
}

/// The chairs the text names: one after another, each part from its day
/// to the next part's (sorted by day, one part per day).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PermanentChair {
    pub parts: Vec<NamedChair>,
    pub cite: Cite,
}

/// The chair's office as the text names it from a day on: the chair, or
/// equal co-chairs (`parties`), co-chairs beside the one chair who do not
/// chair (`co_chairs`: `chairs(d)` lists them, `chair(d)` does not), and
/// vice-chairs (`vice_chairs(d)`; not in `chairs(d)`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NamedChair {
    pub from: Day,
    pub parties: Vec<PartyId>,
    #[serde(default)]
    pub co_chairs: Vec<PartyId>,
    #[serde(default)]
    pub vice_chairs: Vec<PartyId>,
    /// The clause that names it (the base text's, or an amendment's).
    pub cite: Cite,
}

impl NamedChair {
    /// The one chair, where the text names one (not equal co-chairs).
    pub fn chair(&self) -> Option<PartyId> {
        match self.parties.as_slice() {
            [one] => Some(*one),
            [] | [_, _, ..] => None,
        }
    }

    /// Everyone in the chair's office: the chair or equal co-chairs, then
    /// the co-chairs beside the chair.
    pub fn holders(&self) -> Vec<PartyId> {
        self.parties.iter().chain(&self.co_chairs).copied().collect()
    }

    /// The co-chairs: equal co-chairs, or those beside the one chair.
    pub fn all_co_chairs(&self) -> Vec<PartyId> {
        match self.chair() {
            Some(_) => self.co_chairs.clone(),
            None => self.holders(),
        }
    }

    /// Those in a seat of the office beside the chair.
    pub fn in_role(&self, role: OfficeRole) -> Vec<PartyId> {
        match role {
            OfficeRole::CoChair => self.all_co_chairs(),
            OfficeRole::ViceChair => self.vice_chairs.clone(),
        }
    }
}

impl PermanentChair {
    /// The part in force on `day`, if any has started.
    pub fn at(&self, day: Day) -> Option<&NamedChair> {
        self.parts.iter().rev().find(|p| p.from <= day)
    }
}

/// The decision that elects a designated chair: its kind and the kind of
/// meeting that takes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct DesignatedBy {
    pub decision: DecisionKindId,
    pub meeting: MeetingKindId,
}

/// A chair elected (`elects`) by a valid decision of the kind `by` names at
/// a meeting of its kind (or, where the text does not say how, chosen as
/// the history records), for a term of the length in force; with no
/// election the chair is vacant. Where `candidacy` is set, the elected
/// state must have announced its candidacy at least that long before.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Designation {
    /// How each chair is elected, or `None` where the text does not state
    /// it (`designated by unstated`): then no decision is asked for.
    pub by: Option<DesignatedBy>,
    pub candidacy: Option<Duration>,
    /// The groups the chair alternates between, where the text says so.
    #[serde(default)]
    pub alternation: Option<Vec<GroupId>>,
    /// As for a rotation: the first applies from the start, a later one to
    /// terms starting on or after its date.
    pub terms: Vec<(Day, Duration)>,
    pub cite: Cite,
}

/// The term length in force for a designated chair's term starting on
/// `start`: the last whose day is on or before it. Unlike a rotation's, a
/// designated chair has no term before the first a text dates (`term DUR
/// from D`): the office then lasts to the next election.
pub fn designated_term_at(terms: &[(Day, Duration)], start: Day) -> Option<Duration> {
    terms.iter().rev().find(|(from, _)| *from <= start).map(|(_, d)| *d)
}

/// The term length in force for a term starting on `start`: the last
/// whose day is on or before it, else the first.
pub fn term_length_at(terms: &[(Day, Duration)], start: Day) -> Option<Duration> {
    terms
        .iter()
        .rev()
        .find(|(from, _)| *from <= start)
        .or_else(|| terms.first())
        .map(|(_, d)| *d)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Strength {
    Must,
    Should,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Obligation {
    pub kind: MeetingKindId,
    pub strength: Strength,
    /// The longest gap: a meeting is due this long after the last.
    pub every: Duration,
    /// The shortest gap the text sets (`every 6 months to 1 year`): a
    /// meeting sooner than this after the last runs ahead of the cadence.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at_least: Option<Duration>,
    /// The day the cadence is counted from; the adoption date when the
    /// text does not say.
    pub anchor: Option<Day>,
    pub per_member: bool,
    pub hosted_by_chair: bool,
    pub cite: Cite,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub enum Quorum {
    Count(i64),
    Ratio(i64, i64),
}

/// Who counts in one decision, as its rule and quorum read them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tally {
    /// Members present (the quorum counts them).
    pub present: i64,
    /// Those taking part: members present, and observers present where the
    /// text lets them decide.
    pub voting: i64,
    /// Those taking part who object.
    pub against: i64,
    /// Every member of the meeting's body on its day.
    pub members: i64,
}

impl Quorum {
    /// Whether `present` members of `members` make the quorum.
    pub fn met(&self, present: i64, members: i64) -> bool {
        match *self {
            Quorum::Count(n) => present >= n,
            Quorum::Ratio(a, b) => present.saturating_mul(b) >= a.saturating_mul(members),
        }
    }
}

/// The one judgement of a decision that the interpreter, the tables, the
/// diff and (as mask arithmetic) native code all implement: the rule met
/// by those taking part (of every member where `of_all_members`), and the
/// quorum, if any, met by the members present.
///
/// `None` where the text states no rule and the tally does not settle it:
/// valid under every rule needs every member present and none objecting;
/// invalid under every rule, someone taking part and all of them objecting.
pub fn decides(rule: DecisionRule, of_all_members: bool, quorum: Option<&Quorum>, tally: Tally) -> Option<bool> {
    if quorum.is_some_and(|q| !q.met(tally.present, tally.members)) {
        return Some(false);
    }
    let base = if of_all_members { tally.members } else { tally.voting };
    let settled = if tally.against == 0 && tally.members > 0 && tally.present >= tally.members {
        Some(true)
    } else if tally.voting > 0 && tally.against == tally.voting {
        Some(false)
    } else {
        None
    };
    rule.met(tally.voting - tally.against, tally.against, base).or(settled)
}

impl Consensus {
    /// Whether this rule, with its quorum, passes a decision so tallied
    /// (`None`: the rule is not stated and the tally does not settle it).
    pub fn decides(&self, tally: Tally) -> Option<bool> {
        decides(self.rule, self.of_all_members, self.quorum.as_ref(), tally)
    }
}

/// How a body decides (`decisions by ...`) and the quorum every rule
/// needs. Only members vote or object: observers and invited parties never.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Consensus {
    pub quorum: Option<Quorum>,
    pub cite: Option<Cite>,
    #[serde(default)]
    pub rule: DecisionRule,
    /// The share a majority or unanimity counts is of every member, not
    /// only of those present (`of all members`).
    #[serde(default)]
    pub of_all_members: bool,
    /// Observers present take part in decisions as members do: their
    /// objections count (`of members and observers present`). The quorum
    /// counts members only.
    #[serde(default)]
    pub observers_decide: bool,
}

/// The rule a decision must meet. A member present who objects votes
/// against; every other member present votes in favour.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DecisionRule {
    /// No member present objects.
    #[default]
    Consensus,
    /// Every member counted (present, or all) is in favour.
    Unanimity,
    /// The votes in favour reach `num/den` of the members counted: more
    /// than that share when `strict` (a simple majority is more than 1/2),
    /// else at least it, the required number rounded up (or down where
    /// `round_down`).
    Majority {
        num: i64,
        den: i64,
        strict: bool,
        round_down: bool,
    },
    /// The text states no decision rule (`decisions by unstated`): a
    /// decision is valid only where every rule would pass it (every member
    /// present, none objecting), invalid where none would (every one
    /// taking part objecting), and otherwise not judged.
    Unstated,
}

impl DecisionRule {
    /// Whether `favour` votes in favour and `against` against, of `base`
    /// members counted, meet the rule (`None`: the rule is not stated and
    /// these votes do not settle it; see [`decides`]).
    pub fn met(self, favour: i64, against: i64, base: i64) -> Option<bool> {
        Some(match self {
            DecisionRule::Unstated => return None,
            DecisionRule::Consensus => against == 0,
            DecisionRule::Unanimity => against == 0 && favour >= base,
            DecisionRule::Majority {
                num,
                den,
                strict,
                round_down,
            } => {
                let need = num.saturating_mul(base);
                let mut have = favour.saturating_mul(den);
                if round_down {
                    have = have.saturating_add(den);
                }
                if strict || round_down {
                    have > need
                } else {
                    have >= need
                }
            }
        })
    }

    /// Whether one objection by one who takes part blocks a decision
    /// whoever else is present (consensus and unanimity).
    pub fn one_objection_blocks(self) -> bool {
        match self {
            DecisionRule::Consensus | DecisionRule::Unanimity => true,
            DecisionRule::Majority { .. } | DecisionRule::Unstated => false,
        }
    }

    /// The rule as the text states it.
    pub fn describe(self) -> String {
        match self {
            DecisionRule::Unstated => "a rule the text does not state".to_string(),
            DecisionRule::Consensus => "consensus".to_string(),
            DecisionRule::Unanimity => "unanimity".to_string(),
            DecisionRule::Majority {
                num: 1,
                den: 2,
                strict: true,
                ..
            } => "a simple majority".to_string(),
            DecisionRule::Majority {
                num,
                den,
                strict,
                round_down,
            } => format!(
                "a majority of {} {num}/{den}{}",
                if strict { "more than" } else { "at least" },
                if round_down {
                    ", the required number rounded down"
                } else {
                    ""
                }
            ),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Reservation {
    pub decision: DecisionKindId,
    pub meetings: Vec<MeetingKindId>,
    pub cite: Cite,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ObserverRule {
    /// Admitted only on a written application (a recorded application for
    /// observer status on or before the admitting meeting).
    #[serde(default)]
    pub written_application: bool,
    pub states: bool,
    pub international: bool,
    pub regional: bool,
    /// Civil society and the private sector, where the text admits them
    /// as observers (not only invites them meeting by meeting).
    #[serde(default)]
    pub civil_society: bool,
    #[serde(default)]
    pub private_sector: bool,
    pub parties: Vec<PartyId>,
    pub cite: Cite,
    /// What observers admitted under the rule may do besides attending.
    #[serde(default)]
    pub rights: Option<ObserverRights>,
}

/// An arrangement for a period from the version's start, pending further
/// decision (the Support Unit for two years).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Interim {
    /// The name a further decision gives it (`further support_unit ...`).
    #[serde(default)]
    pub key: String,
    pub what: String,
    pub period: Duration,
    /// `Some(true)` it continues after the period, `Some(false)` it lapses,
    /// `None` the text is silent.
    pub after_period: Option<bool>,
    pub cite: Cite,
}

/// What happened, as recorded.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct History {
    pub meetings: Vec<MeetingRecord>,
    pub decisions: Vec<DecisionRecord>,
    pub declines: Vec<(PartyId, Day)>,
    /// The chair taking office as recorded: hand-overs, and elections by a
    /// recorded decision (`elects X from D`). The rules' terms follow only
    /// those decided by a valid decision; all of them are the recorded view.
    pub handovers: Vec<Handover>,
    /// The chair's office recorded vacant (`vacancy in 2013-05`): an office
    /// that ended with no successor, until the next taking of office.
    #[serde(default)]
    pub vacancies: Vec<Vacancy>,
    /// Seats of the chair's office beside the chair recorded taken
    /// (`handover to HUN as co_chair on D`): the recorded view only, never
    /// followed as a taking of the chair. Each sits beside the chair in
    /// office until the next taking of the chair or vacancy.
    #[serde(default)]
    pub roles_taken: Vec<RoleTaken>,
    /// Silence procedures recorded broken.
    pub silences: Vec<Silence>,
    /// Parties recorded joining as members.
    pub joins: Vec<Join>,
    /// Recorded changes of status. The rules' status follows those a valid
    /// recorded decision decided; `recorded_status` follows them all.
    #[serde(default)]
    pub status_changes: Vec<StatusChange>,
    /// What sources list on a day, for the audit to check the derivation.
    #[serde(default)]
    pub snapshots: Vec<Snapshot>,
    /// Applications for membership or observer status.
    #[serde(default)]
    pub applications: Vec<Application>,
    /// Extensions of a chair's office past its term. The rules' terms
    /// follow those a valid recorded decision decided.
    #[serde(default)]
    pub extensions: Vec<Extension>,
    /// Candidacies for the chair announced: party, day.
    #[serde(default)]
    pub candidacies: Vec<(PartyId, Day)>,
    /// Designations recorded: party, role, day.
    #[serde(default)]
    pub designations: Vec<(PartyId, String, Day)>,
    /// Every record other than meetings, as the report lists them.
    pub events: Vec<Event>,
    /// Findings with no rule of their own, such as sources that disagree.
    pub notes: Vec<Note>,
    /// Groups' parties as sources give them. A group's parties on a day
    /// are those the text names, or where it names none that day (a
    /// committee chosen by decision), the recorded composition.
    #[serde(default)]
    pub compositions: Vec<Composition>,
}

/// A group's parties over `[from, until)`, as a source gives them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Composition {
    pub group: GroupId,
    pub parties: Vec<PartyId>,
    pub from: Day,
    pub until: Option<Day>,
    /// How exactly the source dates the period.
    #[serde(default)]
    pub dating: Dating,
    pub sources: Vec<String>,
    #[serde(default)]
    pub inferred: Option<Inferred>,
}

/// A meeting kind the text does not provide, declared in the history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutsideKind {
    pub kind: MeetingKindId,
    /// What the sources call it.
    pub name: String,
    pub sources: Vec<String>,
}

/// What became of an application.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Pending,
    Granted,
    Refused,
    Withdrawn,
}

impl Outcome {
    pub fn word(self) -> &'static str {
        match self {
            Outcome::Pending => "pending",
            Outcome::Granted => "granted",
            Outcome::Refused => "refused",
            Outcome::Withdrawn => "withdrawn",
        }
    }
}

/// A recorded application for membership or observer status.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Application {
    pub party: PartyId,
    /// `Member` or `Observer`.
    pub status: Status,
    pub day: Day,
    pub precision: Precision,
    pub outcome: Outcome,
    /// When the outcome came, as the source dates it.
    pub decided_on: Option<(Day, Precision)>,
    /// The recorded decision (index into `History::decisions`) behind the
    /// outcome.
    pub decision: Option<usize>,
    pub sources: Vec<String>,
    pub inferred: Option<Inferred>,
}

/// What a further decision on an interim arrangement did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Further {
    Continued,
    Changed,
    Relocated,
}

/// A decision on an arrangement made for a period pending further decision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FurtherDecision {
    /// The arrangement (`support_unit`).
    pub what: String,
    pub outcome: Further,
    pub detail: Option<String>,
}

impl History {
    /// The recorded office over time: each taking of office (`Some`) and
    /// each recorded vacancy (`None`), in day order. Of two records on one
    /// day, a taking of office wins over a vacancy, and of two takings of
    /// office the later in the history.
    pub fn recorded_offices(&self) -> Vec<(Day, Option<PartyId>)> {
        let mut offices: Vec<(Day, Option<PartyId>)> = self
            .vacancies
            .iter()
            .map(|v| (v.day, None))
            .chain(self.handovers.iter().map(|h| (h.day, Some(h.to))))
            .collect();
        offices.sort_by_key(|(day, _)| *day);
        offices
    }

    /// The recorded office's records, as `recorded_offices` orders them,
    /// each with the days its source allows it to have happened on: a day
    /// dated exactly, a month, a year or two bounds give their window; "no
    /// later than D" runs from the day after the record before it (D
    /// itself for the first), "no earlier than D" to the day before the
    /// record after it (D itself for the last). On a day inside a window,
    /// before its last day, the record may or may not have happened yet.
    pub fn recorded_office_windows(&self) -> Vec<OfficeWindow> {
        let mut records: Vec<(Day, Precision, Option<PartyId>)> = self
            .vacancies
            .iter()
            .map(|v| (v.day, v.precision, None))
            .chain(self.handovers.iter().map(|h| (h.day, h.precision, Some(h.to))))
            .collect();
        records.sort_by_key(|(day, _, _)| *day);
        let days: Vec<Day> = records.iter().map(|(day, _, _)| *day).collect();
        records
            .iter()
            .enumerate()
            .map(|(i, (day, precision, party))| {
                let previous = i.checked_sub(1).and_then(|j| records.get(j));
                let (earliest, latest) = precision.window(*day, previous.map(|(d, _, _)| *d), days.get(i + 1).copied());
                OfficeWindow {
                    earliest,
                    latest,
                    party: *party,
                    before: previous.and_then(|(_, _, p)| *p),
                }
            })
            .collect()
    }
}

/// One record of the recorded office and the days it may have happened on
/// (see [`History::recorded_office_windows`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct OfficeWindow {
    pub earliest: Day,
    pub latest: Day,
    /// Who took office (`None`: the office recorded vacant).
    pub party: Option<PartyId>,
    /// Who held it by the record before (`None`: nobody, or vacant).
    pub before: Option<PartyId>,
}

impl OfficeWindow {
    /// Whether, on `day`, the recorded office is not known: the record may
    /// or may not have happened yet, and it changes who holds the office.
    pub fn straddles(&self, day: Day) -> bool {
        self.earliest <= day && day < self.latest && self.party != self.before
    }
}

/// A silence procedure recorded broken: from `day` the party is an
/// observer (`observer`) or has no status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Silence {
    pub party: PartyId,
    pub day: Day,
    pub precision: Precision,
    pub observer: bool,
}

/// A party recorded joining as a member on `day`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Join {
    pub party: PartyId,
    pub day: Day,
    pub precision: Precision,
}

/// The chair's office recorded vacant from a day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Vacancy {
    pub day: Day,
    pub precision: Precision,
    pub sources: Vec<String>,
    pub inferred: Option<Inferred>,
}

/// A seat of the chair's office beside the chair, recorded taken.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoleTaken {
    pub party: PartyId,
    pub role: OfficeRole,
    pub day: Day,
    pub precision: Precision,
    pub sources: Vec<String>,
    pub inferred: Option<Inferred>,
}

/// A seat of the chair's office beside the chair.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OfficeRole {
    CoChair,
    ViceChair,
}

impl OfficeRole {
    /// As the report writes it: "co-chair", "vice-chair".
    pub fn word(self) -> &'static str {
        match self {
            OfficeRole::CoChair => "co-chair",
            OfficeRole::ViceChair => "vice-chair",
        }
    }
}

/// A chair's office extended until a day, as recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Extension {
    pub party: PartyId,
    pub until: Day,
    pub precision: Precision,
    /// The recorded decision (index into `History::decisions`) that
    /// decided it, if any.
    pub decision: Option<usize>,
    pub sources: Vec<String>,
    pub inferred: Option<Inferred>,
}

/// A recorded change of a party's status.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusChange {
    pub party: PartyId,
    /// `Member`, `Observer` or `None`.
    pub status: Status,
    pub day: Day,
    pub precision: Precision,
    /// The recorded decision (index into `History::decisions`) that decided it.
    pub decision: Option<usize>,
    pub sources: Vec<String>,
    #[serde(default)]
    pub inferred: Option<Inferred>,
}

/// What a source lists on a day: the whole list of members, of observers,
/// or the chair (each only when given).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Snapshot {
    pub day: Day,
    pub precision: Precision,
    pub members: Option<Vec<PartyId>>,
    pub observers: Option<Vec<PartyId>>,
    pub chair: Option<PartyId>,
    /// Whether a list names only some (`and others`): it then says who
    /// was a member (or observer), not who was not.
    #[serde(default)]
    pub members_partial: bool,
    #[serde(default)]
    pub observers_partial: bool,
    pub sources: Vec<String>,
    #[serde(default)]
    pub inferred: Option<Inferred>,
}

/// A recorded taking of office by the chair.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Handover {
    pub to: PartyId,
    pub day: Day,
    pub precision: Precision,
    /// The recorded decision (index into `History::decisions`) that
    /// decided it, if any.
    pub decision: Option<usize>,
    /// An election (`elects`) rather than a hand-over record.
    pub election: bool,
    /// The term its source states for this one chairmanship (`handover to
    /// P on D for 1 year`): a fact of the record, compared with when the
    /// office ended (`audit::stated-term-differs`), never a rule.
    #[serde(default)]
    pub stated_term: Option<Duration>,
    pub sources: Vec<String>,
    #[serde(default)]
    pub inferred: Option<Inferred>,
}

/// How exactly a source dates a record. A record dated "no later than D"
/// (or "no earlier than D") takes effect on D.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Precision {
    #[default]
    Exact,
    NoLaterThan,
    NoEarlierThan,
    /// Some day of the month that starts on the record's day.
    InMonth,
    /// Some day of the year that starts on the record's day.
    InYear,
    /// Some day from the record's day through `latest`.
    Between {
        latest: Day,
    },
}

impl Precision {
    /// The days a record dated `day` with this precision may have happened
    /// on, in a sequence of records where the one before it is dated
    /// `previous` and the one after it `next`: a window gives its own first
    /// and last days; "no later than D" runs from the day after `previous`
    /// (D alone without one) to D; "no earlier than D" from D to the day
    /// before `next` (D alone without one).
    pub fn window(self, day: Day, previous: Option<Day>, next: Option<Day>) -> (Day, Day) {
        match self {
            Precision::NoLaterThan => (previous.map_or(day, |p| p.saturating_add(1).min(day)), day),
            Precision::NoEarlierThan => (day, next.map_or(day, |n| n.saturating_sub(1).max(day))),
            Precision::Exact | Precision::InMonth | Precision::InYear | Precision::Between { .. } => {
                (day, self.latest(day))
            }
        }
    }

    /// The last day a record dated `day` with this precision may fall on:
    /// `day` itself unless the date is a window. Derivations that need one
    /// day use `day`, the window's first (or the one bound a source gives).
    pub fn latest(self, day: Day) -> Day {
        let window = |unit: Unit| {
            crate::date::add(day, Duration { amount: 1, unit }, 1)
                .map_or(crate::date::LAST, |next| next.saturating_sub(1))
        };
        match self {
            Precision::Exact | Precision::NoLaterThan | Precision::NoEarlierThan => day,
            Precision::InMonth => window(Unit::Months),
            Precision::InYear => window(Unit::Years),
            Precision::Between { latest } => latest.max(day),
        }
    }

    /// Whether the sources date the record to the day.
    pub fn is_exact(self) -> bool {
        self == Precision::Exact
    }

    /// The record's date as its source gives it.
    pub fn describe(self, day: Day) -> String {
        let d = crate::date::format(day);
        match self {
            Precision::Exact => d,
            Precision::NoLaterThan => format!("no later than {d}"),
            Precision::NoEarlierThan => format!("no earlier than {d}"),
            Precision::InMonth => format!("in {}", d.get(..7).unwrap_or(&d)),
            Precision::InYear => format!("in {}", d.get(..4).unwrap_or(&d)),
            Precision::Between { latest } => format!("between {d} and {}", crate::date::format(latest)),
        }
    }
}

/// A record's date or content inferred rather than stated by its sources.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Inferred {
    /// Only the date is inferred (the fact is stated): the record's
    /// precision already says how far the date is known.
    pub date_only: bool,
    /// Only a meeting's host is inferred (the meeting and its day are
    /// stated): a finding on its host is possible, one on its being held
    /// is not.
    #[serde(default)]
    pub host_only: bool,
    pub why: String,
}

impl Inferred {
    /// The reason as the report prints it.
    pub fn text(&self) -> String {
        if self.date_only {
            format!("date inferred: {}", self.why)
        } else if self.host_only {
            format!("host inferred: {}", self.why)
        } else {
            format!("inferred: {}", self.why)
        }
    }
}

/// Where a record comes from.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Provenance {
    pub precision: Precision,
    /// `document` or `document, paragraph`.
    pub sources: Vec<String>,
    /// Why the record's date or content is inferred rather than stated by
    /// its sources, where it is.
    #[serde(default)]
    pub inferred: Option<Inferred>,
}

/// A recorded event, described for people.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event {
    pub day: Day,
    /// `chair`, `membership` or `coordinator`.
    pub topic: String,
    pub text: String,
    pub provenance: Provenance,
    /// The parties whose standing or office the record concerns.
    #[serde(default)]
    pub parties: Vec<PartyId>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Note {
    pub text: String,
    pub sources: Vec<String>,
    #[serde(default)]
    pub inferred: Option<Inferred>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MeetingRecord {
    pub id: String,
    pub meeting: Meeting,
    pub place: Option<String>,
    pub provenance: Provenance,
    /// Whether the record says who was present. When it does not, the
    /// meeting's `present` is empty and its decisions cannot be judged.
    #[serde(default = "known")]
    pub attendance_known: bool,
    /// Whether the record's list of those present is partial (`present
    /// ... and others`): `present` holds who was there, not everyone, and
    /// its decisions are judged only where the unlisted could not change
    /// them. (`attendance_known` is then false.)
    #[serde(default)]
    pub attendance_partial: bool,
    /// The last day of a meeting of several days (its decisions are judged
    /// on its first, `meeting.date`).
    #[serde(default)]
    pub last_day: Option<Day>,
}

fn known() -> bool {
    true
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DecisionRecord {
    pub id: String,
    pub decision: Decision,
    pub text: Option<String>,
    pub sources: Vec<String>,
    /// A further decision on an interim arrangement.
    #[serde(default)]
    pub further: Option<FurtherDecision>,
    /// Why the record is inferred rather than stated, where it is.
    #[serde(default)]
    pub inferred: Option<Inferred>,
}

/// A meeting as a value: recorded, written in a test, or read from facts.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Meeting {
    /// The recorded meeting's id, if it is one.
    pub id: Option<String>,
    pub kind: MeetingKindId,
    pub date: Day,
    pub host: Option<PartyId>,
    pub present: Vec<PartyId>,
    pub observers: Vec<PartyId>,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Decision {
    pub kind: DecisionKindId,
    pub meeting: Meeting,
    pub objections: Vec<PartyId>,
    pub reservations: Vec<PartyId>,
    /// Parties admitted as observers or invited, for those kinds.
    pub subjects: Vec<PartyId>,
    /// For an invitation to another meeting: that meeting's id.
    pub invited_to: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Rule {
    pub name: String,
    pub params: Vec<String>,
    /// The type of each parameter, and of the result.
    pub param_types: Vec<Type>,
    pub returns: Type,
    pub body: Expr,
}

/// The type of a value, as the checker gave it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Type {
    Bool,
    Int,
    Date,
    Duration,
    Party,
    Status,
    MeetingKind,
    DecisionKind,
    Group,
    Meeting,
    Decision,
    Violation,
    Set(Box<Type>),
    /// The type of `none`.
    None,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Test {
    pub name: String,
    pub steps: Vec<TestStep>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum TestStep {
    /// Bind the value to the next local slot.
    Let(Expr),
    Assert {
        expr: Expr,
        /// 1-based line and column of the assertion in its file.
        file: String,
        line: usize,
        column: usize,
        text: String,
    },
}

/// A parameter or result type of a built-in query.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BuiltinType {
    Bool,
    Int,
    Date,
    Party,
    Status,
    Meeting,
    Decision,
    Group,
    PartySet,
    ViolationSet,
    /// A set of anything (`count`).
    AnySet,
}

/// A built-in query's parameters (name and type) and result type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Signature {
    pub params: &'static [(&'static str, BuiltinType)],
    pub ret: BuiltinType,
}

/// What of the text a built-in query reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reads {
    /// Membership and observer statements.
    Membership,
    /// The chair: rotation, permanent or designated chairs.
    Chair,
    /// Who may attend in which role.
    Roles,
    /// Decision rules (consensus, by kind) and reservations.
    Decisions,
    /// Sub-bodies' composition and rights.
    Bodies,
    /// Meeting obligations and host duties.
    Obligations,
    /// Groups of parties and their seats.
    Groups,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, strum::EnumIter)]
#[serde(rename_all = "snake_case")]
pub enum Builtin {
    Member,
    Status,
    Members,
    Observers,
    Group,
    Chair,
    Chairs,
    CoChairs,
    ViceChairs,
    NextChair,
    RecordedChair,
    RecordedStatus,
    TermStart,
    TermEnd,
    Valid,
    MayAttend,
    MaySpeak,
    Violations,
    Count,
}

impl Builtin {
    pub fn name(self) -> &'static str {
        match self {
            Builtin::Member => "member",
            Builtin::Status => "status",
            Builtin::Members => "members",
            Builtin::Observers => "observers",
            Builtin::Group => "group",
            Builtin::Chair => "chair",
            Builtin::Chairs => "chairs",
            Builtin::CoChairs => "co_chairs",
            Builtin::ViceChairs => "vice_chairs",
            Builtin::NextChair => "next_chair",
            Builtin::RecordedChair => "recorded_chair",
            Builtin::RecordedStatus => "recorded_status",
            Builtin::TermStart => "term_start",
            Builtin::TermEnd => "term_end",
            Builtin::Valid => "valid",
            Builtin::MayAttend => "may_attend",
            Builtin::MaySpeak => "may_speak",
            Builtin::Violations => "violations",
            Builtin::Count => "count",
        }
    }

    /// Every built-in query, in the order the docs list them.
    pub const ALL: [Builtin; 19] = [
        Builtin::Member,
        Builtin::Status,
        Builtin::Members,
        Builtin::Observers,
        Builtin::Group,
        Builtin::Chair,
        Builtin::Chairs,
        Builtin::CoChairs,
        Builtin::ViceChairs,
        Builtin::NextChair,
        Builtin::RecordedStatus,
        Builtin::RecordedChair,
        Builtin::TermStart,
        Builtin::TermEnd,
        Builtin::Valid,
        Builtin::MayAttend,
        Builtin::MaySpeak,
        Builtin::Violations,
        Builtin::Count,
    ];

    pub fn from_name(name: &str) -> Option<Builtin> {
        Builtin::ALL.into_iter().find(|b| b.name() == name)
    }

    /// Its parameters (name and type) and result type: the one declaration
    /// the type checker, the evaluators' arity checks and the docs' tools
    /// read (a new query must say its signature here).
    pub fn signature(self) -> Signature {
        use BuiltinType as T;
        let (params, ret): (&'static [(&'static str, BuiltinType)], BuiltinType) = match self {
            Builtin::Member => (&[("party", T::Party), ("date", T::Date)], T::Bool),
            Builtin::Status | Builtin::RecordedStatus => (&[("party", T::Party), ("date", T::Date)], T::Status),
            Builtin::Members | Builtin::Observers | Builtin::Chairs | Builtin::CoChairs | Builtin::ViceChairs => {
                (&[("date", T::Date)], T::PartySet)
            }
            Builtin::Group => (&[("group", T::Group), ("date", T::Date)], T::PartySet),
            Builtin::Chair | Builtin::NextChair | Builtin::RecordedChair => (&[("date", T::Date)], T::Party),
            Builtin::TermStart | Builtin::TermEnd => (&[("date", T::Date)], T::Date),
            Builtin::Valid => (&[("decision", T::Decision)], T::Bool),
            Builtin::MayAttend | Builtin::MaySpeak => (&[("party", T::Party), ("meeting", T::Meeting)], T::Bool),
            Builtin::Violations => (&[("from", T::Date), ("to", T::Date)], T::ViolationSet),
            Builtin::Count => (&[("set", T::AnySet)], T::Int),
        };
        Signature { params, ret }
    }

    /// Which statements of the text the query reads, for test coverage
    /// (a clause is exercised when a query reading it is asked).
    /// Whether the answer reads the rules' view that recorded decisions
    /// shape (membership, the chair, invitations): where a decision not
    /// judged decided something, such an answer may be unknown.
    pub fn follows_decisions(self) -> bool {
        match self {
            Builtin::Member
            | Builtin::Status
            | Builtin::Members
            | Builtin::Observers
            | Builtin::RecordedStatus
            | Builtin::Chair
            | Builtin::Chairs
            | Builtin::NextChair
            | Builtin::TermStart
            | Builtin::TermEnd
            | Builtin::Valid
            | Builtin::MayAttend
            | Builtin::MaySpeak
            | Builtin::Violations => true,
            // Only a chair the text names has co-chairs and vice-chairs,
            // and no decision changes it.
            Builtin::Group | Builtin::RecordedChair | Builtin::Count | Builtin::CoChairs | Builtin::ViceChairs => false,
        }
    }

    pub fn reads(self) -> &'static [Reads] {
        match self {
            Builtin::Member | Builtin::Status | Builtin::Members | Builtin::Observers | Builtin::RecordedStatus => {
                &[Reads::Membership]
            }
            Builtin::Chair
            | Builtin::Chairs
            | Builtin::CoChairs
            | Builtin::ViceChairs
            | Builtin::NextChair
            | Builtin::TermStart
            | Builtin::TermEnd => &[Reads::Chair],
            Builtin::Valid => &[Reads::Membership, Reads::Decisions, Reads::Bodies],
            Builtin::MayAttend => &[Reads::Membership, Reads::Roles, Reads::Bodies],
            Builtin::MaySpeak => &[Reads::Membership, Reads::Bodies],
            Builtin::Violations => &[Reads::Obligations],
            Builtin::Group => &[Reads::Groups],
            Builtin::RecordedChair | Builtin::Count => &[],
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Member,
    Pending,
    Observer,
    Invited,
    None,
    /// A member or observer whose participation a recorded change of
    /// status suspended: neither a member nor an observer, and it attends
    /// only where invited.
    Suspended,
}

impl Status {
    /// Every status.
    pub const ALL: [Status; 6] = [
        Status::Member,
        Status::Pending,
        Status::Observer,
        Status::Invited,
        Status::None,
        Status::Suspended,
    ];

    pub fn from_name(name: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|s| s.name() == name)
    }

    pub fn name(self) -> &'static str {
        match self {
            Status::Member => "member",
            Status::Pending => "pending",
            Status::Observer => "observer",
            Status::Invited => "invited",
            Status::None => "none",
            Status::Suspended => "suspended",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    Kind,
    Date,
    Host,
    Present,
    Observers,
    Meeting,
    Objections,
    Reservations,
    Subjects,
    Due,
    Party,
    /// Of a violation: whether the missed obligation is a `must`.
    Must,
}

impl Field {
    /// Every record field, the one table the checker, lowering and docs use.
    pub const ALL: [Field; 12] = [
        Field::Kind,
        Field::Date,
        Field::Host,
        Field::Present,
        Field::Observers,
        Field::Meeting,
        Field::Objections,
        Field::Reservations,
        Field::Subjects,
        Field::Due,
        Field::Party,
        Field::Must,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Field::Kind => "kind",
            Field::Date => "date",
            Field::Host => "host",
            Field::Present => "present",
            Field::Observers => "observers",
            Field::Meeting => "meeting",
            Field::Objections => "objections",
            Field::Reservations => "reservations",
            Field::Subjects => "subjects",
            Field::Due => "due",
            Field::Party => "party",
            Field::Must => "must",
        }
    }

    pub fn from_name(name: &str) -> Option<Field> {
        Field::ALL.into_iter().find(|f| f.name() == name)
    }

    /// The fields of a meeting record.
    pub const MEETING: [Field; 5] = [Field::Kind, Field::Date, Field::Host, Field::Present, Field::Observers];

    /// The fields of a decision record.
    pub const DECISION: [Field; 5] = [
        Field::Kind,
        Field::Meeting,
        Field::Objections,
        Field::Reservations,
        Field::Subjects,
    ];

    /// The fields of a violation, as `violations(from, to)` lists them.
    pub const VIOLATION: [Field; 4] = [Field::Kind, Field::Due, Field::Party, Field::Must];
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BinOp {
    Implies,
    Or,
    And,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    In,
    Add,
    Sub,
    Mul,
}

/// A typed, resolved expression.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Expr {
    Bool(bool),
    Int(i64),
    Date(Day),
    Duration(Duration),
    None,
    Party(PartyId),
    Status(Status),
    MeetingKind(MeetingKindId),
    DecisionKind(DecisionKindId),
    Group(GroupId),
    /// A recorded meeting, by index into `History::meetings`.
    MeetingRecord(u32),
    /// A recorded decision, by index into `History::decisions`.
    DecisionRecord(u32),
    /// A local: a rule parameter, a `let`, a quantified variable, by slot.
    Local(u32),
    Set(Vec<Expr>),
    MeetingLit(Vec<(Field, Expr)>),
    DecisionLit(Vec<(Field, Expr)>),
    Builtin(Builtin, Vec<Expr>),
    /// A call to `Bundle::rules[index]`.
    Rule(u32, Vec<Expr>),
    Field(Box<Expr>, Field),
    Not(Box<Expr>),
    Neg(Box<Expr>),
    Binary(BinOp, Box<Expr>, Box<Expr>),
    If(Box<Expr>, Box<Expr>, Box<Expr>),
    /// `all` (true) or `any` (false); binds the element to `slot`.
    Quantifier {
        all: bool,
        slot: u32,
        set: Box<Expr>,
        body: Box<Expr>,
    },
    /// `{x in S | cond}`: the elements of `set` for which `cond` holds;
    /// binds the element to `slot`.
    Filter {
        slot: u32,
        set: Box<Expr>,
        cond: Box<Expr>,
    },
}

#[cfg(test)]
mod builtin_catalogue {
    use super::Builtin;
    use strum::IntoEnumIterator as _;

    /// `Builtin::ALL` (the docs' order) lists every query once, and each
    /// is found by its name: a new query is missing from no list, since
    /// every list of queries is read off `ALL` and `signature`.
    #[test]
    fn all_lists_every_builtin_once_by_its_name() {
        for builtin in Builtin::iter() {
            assert_eq!(Builtin::ALL.iter().filter(|b| **b == builtin).count(), 1, "{builtin:?}");
            assert_eq!(Builtin::from_name(builtin.name()), Some(builtin));
        }
        assert_eq!(Builtin::ALL.len(), Builtin::iter().count());
    }
}
