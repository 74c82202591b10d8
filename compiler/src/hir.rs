//! The resolved tree (HIR): what the checker hands to lowering. Every name
//! is a dense id, every date a calendar-checked day, every keyword a closed
//! enum, every expression carries its type and span. Only the checker
//! builds one (see [`crate::check::Checked`]); `lower` maps it to the IR
//! without looking anything up.
//!
//! Ids index the package's tables: `PartyId` into [`Package::parties`]
//! (declaration order), meeting and decision kinds and rules in name order,
//! meeting and decision records in the order the history gives them.
//!
//! Statements, blocks, history records and tests carry the file and span
//! they were written at, and the parts a later check points at (a date, a
//! party in a list, a rotation item) are [`Spanned`]: the temporal check,
//! the lints and the citation check read this tree, not the AST.

use charter_grammar::ast::Span;
use charter_runtime::ir::{self, Day};

use crate::package::FileId;
use crate::types::Type;

/// A value with the span it was written at, in the file of the statement,
/// block or record that holds it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Spanned<T> {
    pub node: T,
    pub span: Span,
}

pub type PartyId = ir::PartyId;
pub type MeetingKindId = ir::MeetingKindId;
pub type DecisionKindId = ir::DecisionKindId;
/// Index into [`Resolved::groups`] (name order).
pub type GroupId = u32;
/// Index into [`Package::rules`].
pub type RuleId = u32;
/// Index into [`Package::meetings`].
pub type MeetingId = u32;
/// Index into [`Package::decisions`].
pub type DecisionId = u32;

/// A checked package: a policy with its amendments and history, as
/// resolution made it ([`Resolved`], which it dereferences to), with its
/// typed rules and tests.
#[derive(Debug, Clone)]
pub struct Package {
    pub resolved: Resolved,
    pub rules: Vec<Rule>,
    pub tests: Vec<Test>,
}

impl std::ops::Deref for Package {
    type Target = Resolved;

    fn deref(&self) -> &Resolved {
        &self.resolved
    }
}

/// What resolved of a package some part of which did not: each part in
/// the place the complete tree has it, `None` (an error node) where that
/// part did not resolve, having reported its error. The checker's later
/// stages never read it (they take only a [`Resolved`]); the language
/// server answers from it while the folder has errors.
#[derive(Debug, Clone, Default)]
pub struct Partial {
    /// The declared parties, in declaration order.
    pub parties: Vec<Option<ir::Party>>,
    /// The statements of the policy as adopted.
    pub base: Vec<Option<Statement>>,
    /// The amendments in the order given; one that names an unknown
    /// meeting or holds a statement that does not resolve is an error node.
    pub amendments: Vec<Option<Amendment>>,
    /// The recorded meetings (with their decisions).
    pub meetings: Vec<Option<MeetingRecord>>,
    /// The history records other than meetings, in file order.
    pub events: Vec<Option<Event>>,
}

/// What resolution makes of a package's header, parties, statements, blocks
/// and history: everything of the tree but the typed rules and tests. The
/// temporal check, the lints and the citation check read this.
#[derive(Debug, Clone)]
pub struct Resolved {
    /// The file of the policy itself.
    pub policy_file: FileId,
    pub title: String,
    /// The title, where the header gives it.
    pub title_span: Span,
    pub reference: Option<String>,
    pub adopted: Day,
    /// The legal text the header names (`source "..."`), as written.
    pub source: Option<Spanned<String>>,
    /// How the source heads its clauses (`headings ...`; numbered when the
    /// header does not say).
    pub headings: Headings,
    /// The clauses whose sentences coverage counts (`covers ...`); every
    /// clause when empty.
    pub covers: Vec<String>,
    /// The clause blocks of the policy and its amendments, in file order.
    pub blocks: Vec<Block>,
    pub parties: Vec<ir::Party>,
    pub meeting_kinds: Vec<String>,
    /// Named groups of parties, in name order.
    pub groups: Vec<Group>,
    /// Meeting kinds the history declares (`meeting kind K "..."`): kinds
    /// the text does not provide.
    pub outside_kinds: Vec<ir::OutsideKind>,
    pub decision_kinds: Vec<String>,
    /// The statements of the policy as adopted.
    pub base: Vec<Statement>,
    /// Amendments in the order given (lowering orders them by date).
    pub amendments: Vec<Amendment>,
    /// Recorded meetings, each with its decisions; decision ids count
    /// through them in order.
    pub meetings: Vec<MeetingRecord>,
    /// History records other than meetings, in file order.
    pub events: Vec<Event>,
}

#[derive(Debug, Clone)]
pub struct Amendment {
    pub file: FileId,
    pub title: String,
    pub meeting: MeetingId,
    pub decision: DecisionId,
    /// The adopting decision's name, as the IR names it.
    pub decision_name: String,
    /// Where the amendment names its adopting decision.
    pub decision_span: Span,
    /// The date of the meeting that adopted it.
    pub adopted_on: Day,
    pub statements: Vec<Statement>,
}

/// A normative statement with the clause it encodes.
#[derive(Debug, Clone)]
pub struct Statement {
    pub kind: StatementKind,
    pub cite: ir::Cite,
    pub file: FileId,
    pub span: Span,
}

/// A named group of parties.
#[derive(Debug, Clone)]
pub struct Group {
    pub name: String,
    pub title: String,
}

/// A clause block (`§ 3.ii quote "..." { ... }`): the legal text the
/// statements and rules inside it encode.
#[derive(Debug, Clone)]
pub struct Block {
    pub file: FileId,
    /// The clause number, as written after `§`.
    pub clause: Spanned<String>,
    pub quotes: Vec<Spanned<String>>,
    /// `non_normative "reason"`: the quoted sentences encode no rule.
    pub non_normative: Option<String>,
    /// Whether it holds statements or rules (and so should quote the text).
    pub encodes_rules: bool,
}

/// What a roster statement says of each party it lists.
#[derive(Debug, Clone, Copy)]
pub enum Membership {
    /// `members ... from D [until E]`: a member over `[from, until)`.
    /// Either day may be approximate (`dating`): `from` and `until` are
    /// then the days derivations use (the bound, or the window's first).
    Member {
        from: Spanned<Day>,
        until: Option<Spanned<Day>>,
        dating: ir::Dating,
    },
    /// `observers ... from F [until U]`: an observer the text names, over
    /// `[from, until)`.
    Observer {
        from: Spanned<Day>,
        until: Option<Spanned<Day>>,
        dating: ir::Dating,
    },
    /// `pending ... silence until D`.
    Pending { deadline: Spanned<Day> },
    /// `open to ...`: a member once the history records it joined.
    Open,
    /// `withdrawal P on D` (or `in 2020`, ...).
    Withdrawal { on: Spanned<Day>, precision: ir::Precision },
}

#[derive(Debug, Clone)]
pub enum StatementKind {
    /// `office KEY "TITLE" held by P, ..., outgoing chair, chair, incoming
    /// chair [from D] [until E]`: an office other than the chair, the group
    /// `group` of its holders.
    Office {
        group: GroupId,
        title: String,
        parties: Vec<Spanned<PartyId>>,
        roles: Vec<ir::ChairRole>,
        from: Option<Spanned<Day>>,
        until: Option<Spanned<Day>>,
        dating: ir::Dating,
    },
    /// `members`, `pending`, `open to`, `withdrawal`: each party gets the
    /// same membership statement.
    Roster {
        parties: Vec<Spanned<PartyId>>,
        /// Classes of parties it names as a whole (`observers civil_society
        /// from D`): each declared party of the class, over the days no
        /// roster statement of its own covers (`Resolved::class_cover`).
        classes: Vec<PartyClass>,
        kind: Membership,
        /// For observers the text names: what they may do besides attending.
        rights: Option<ir::ObserverRights>,
        /// For observers the text names with a standing (`as partners`):
        /// the group of those holding it.
        standing: Option<GroupId>,
    },
    Rotation(Vec<Spanned<RotationItem>>),
    Meeting(MeetingDecl),
    Decisions {
        rule: Spanned<ir::DecisionRule>,
        of_members_present: bool,
        of_all_members: bool,
        /// Observers present take part in decisions.
        with_observers: bool,
        quorum: Option<ir::Quorum>,
        /// The meeting kinds the rule is for; the general rule when empty.
        at: Vec<MeetingKindId>,
    },
    /// `decision K reserved to ...` and `amendments by ...`.
    Reserve {
        decision: DecisionKindId,
        meetings: Vec<MeetingKindId>,
    },
    Observers {
        classes: Vec<PartyClass>,
        by: DecisionRule,
        /// Admitted only on a written application.
        written_application: bool,
        /// What those admitted may do besides attending.
        rights: Option<ir::ObserverRights>,
    },
    Invite {
        classes: Vec<PartyClass>,
        by: DecisionRule,
    },
    SupportUnit {
        parties: Vec<PartyId>,
        from: Option<ir::Day>,
        until: Option<ir::Day>,
        /// How precisely the text gives `from` and `until`.
        dating: ir::Dating,
        period: Option<Spanned<ir::Duration>>,
        pending_further_decision: bool,
        after_period: Option<bool>,
    },
    /// `group G ... P, ... from F [until U]`: the parties belong to the
    /// group over `[from, until)`.
    Group {
        group: GroupId,
        parties: Vec<Spanned<PartyId>>,
        /// `None` for `as recorded`: the text lists no parties.
        from: Option<Spanned<Day>>,
        until: Option<Spanned<Day>>,
        /// How exactly the text dates the period.
        dating: ir::Dating,
    },
    /// `seats G N each of A, B from F [until U]`: over `[from, until)` the
    /// group holds exactly N parties of each of the groups listed.
    Seats {
        group: GroupId,
        count: Spanned<i64>,
        of: Vec<GroupId>,
        from: Spanned<Day>,
        until: Option<Spanned<Day>>,
    },
    /// The chair hosts meetings of this kind.
    HostDuty {
        strength: ir::Strength,
        kind: MeetingKindId,
    },
    Designate {
        subject: charter_grammar::ast::DutySubject,
        strength: ir::Strength,
        role: String,
    },
    Location {
        place: String,
        provided_by: Option<PartyId>,
        pending_further_decision: bool,
    },
}

/// How observers are admitted or parties invited: by consensus, the one
/// rule those statements know (a body's general rule is an
/// [`ir::DecisionRule`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DecisionRule {
    Consensus,
}

/// Who an observer or invitation statement names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PartyClass {
    States,
    InternationalOrganizations,
    RegionalOrganizations,
    CivilSociety,
    PrivateSector,
    Party(PartyId),
}

impl PartyClass {
    /// The class a keyword names.
    pub fn from_keyword(name: &str) -> Option<PartyClass> {
        PartyClass::KEYWORDS
            .iter()
            .find(|(keyword, _)| *keyword == name)
            .map(|(_, class)| *class)
    }

    /// Whether a party of this kind is of the class.
    pub fn holds(self, party: PartyId, kind: ir::PartyKind) -> bool {
        match self {
            PartyClass::States => kind == ir::PartyKind::State,
            PartyClass::InternationalOrganizations => kind == ir::PartyKind::InternationalOrganization,
            PartyClass::RegionalOrganizations => kind == ir::PartyKind::RegionalOrganization,
            PartyClass::CivilSociety => kind == ir::PartyKind::CivilSociety,
            PartyClass::PrivateSector => kind == ir::PartyKind::PrivateSector,
            PartyClass::Party(p) => p == party,
        }
    }

    /// The classes a statement names by keyword.
    pub const KEYWORDS: [(&'static str, PartyClass); 5] = [
        ("states", PartyClass::States),
        ("international_organizations", PartyClass::InternationalOrganizations),
        ("regional_organizations", PartyClass::RegionalOrganizations),
        ("civil_society", PartyClass::CivilSociety),
        ("private_sector", PartyClass::PrivateSector),
    ];
}

/// Alphabetical orders Charter can collate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Collation {
    English,
}

#[derive(Debug, Clone)]
pub enum RotationItem {
    EligibleMembers,
    EligibleParties(Vec<PartyId>),
    /// `eligible G`: the members in group G on the day.
    EligibleGroup(GroupId),
    Order(Collation),
    /// The order the text gives: only these parties take turns, in it.
    FixedOrder(Vec<Spanned<PartyId>>),
    /// The chair alternates between these groups, each group's states in
    /// English alphabetical order.
    Alternating(Vec<GroupId>),
    First {
        party: Spanned<PartyId>,
        from: Spanned<Day>,
    },
    Term {
        length: ir::Duration,
        from: Option<Day>,
    },
    Voluntary,
    AllDecline {
        outgoing_stays: bool,
    },
    /// The text names the chair or equal co-chairs (`parties`), and
    /// co-chairs beside the one chair (`co_chairs`), from a day on.
    Permanent {
        parties: Vec<Spanned<PartyId>>,
        co_chairs: Vec<Spanned<PartyId>>,
        vice_chairs: Vec<Spanned<PartyId>>,
        from: Spanned<Day>,
    },
    /// Each chair is elected by a decision of this kind at a meeting of
    /// this kind, or (`None`) chosen by a procedure the text does not state.
    Designated {
        by: Option<ir::DesignatedBy>,
    },
    /// A candidacy must be announced at least this long before the election.
    Candidacy(ir::Duration),
}

#[derive(Debug, Clone)]
pub struct MeetingDecl {
    pub kind: MeetingKindId,
    /// `of G`: the meetings are the group's, whose parties are their members.
    pub body: Option<GroupId>,
    /// `None` for a kind the text sets no cadence for.
    pub cadence: Option<Cadence>,
    pub host: Option<Host>,
}

#[derive(Debug, Clone)]
pub struct Cadence {
    pub strength: ir::Strength,
    /// The longest gap between meetings (`every 2 years`; `every 6 months
    /// to 1 year`: the year).
    pub every: Spanned<ir::Duration>,
    /// The shortest (`every 6 months to 1 year`: the six months), if the
    /// text sets one.
    pub at_least: Option<Spanned<ir::Duration>>,
    pub anchor: Option<Day>,
    pub per_member: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Host {
    Chair,
    Party(PartyId),
}

/// A recorded meeting.
#[derive(Debug, Clone)]
pub struct MeetingRecord {
    /// Its place among the package's history records (for the order of
    /// events on one day).
    pub position: usize,
    pub name: String,
    pub kind: MeetingKindId,
    pub date: Day,
    pub precision: ir::Precision,
    pub place: Option<String>,
    pub host: Option<PartyId>,
    pub present: Vec<PartyId>,
    /// Whether the record says who was present (`present ...`); without
    /// it attendance is not known, which is not the same as nobody.
    pub attendance_known: bool,
    /// Whether the record's `present` list names only some of those
    /// present (`present ... and others`): who was there, not who was not.
    pub attendance_partial: bool,
    /// The last day of a meeting of several days.
    pub last_day: Option<Day>,
    pub observers: Vec<PartyId>,
    pub sources: Vec<String>,
    /// Why the record's date or content is inferred, where it is.
    pub inferred: Option<ir::Inferred>,
    pub decisions: Vec<DecisionRecord>,
}

/// A recorded decision, taken at the meeting that holds it.
#[derive(Debug, Clone)]
pub struct DecisionRecord {
    pub name: String,
    /// Where it is recorded (its id).
    pub file: FileId,
    pub span: Span,
    pub kind: DecisionKindId,
    pub objections: Vec<PartyId>,
    pub reservations: Vec<PartyId>,
    pub subject: Subject,
    pub text: Option<String>,
    /// The decision's own sources (the meeting's are on the meeting).
    pub sources: Vec<String>,
    /// Why the record's content (or date) is inferred, where it is.
    pub inferred: Option<ir::Inferred>,
}

/// Whom a decision is about.
#[derive(Debug, Clone)]
pub enum Subject {
    Nobody,
    Admits(Vec<PartyId>),
    Invites {
        parties: Vec<PartyId>,
        /// The meeting invited to, by name.
        to: Option<String>,
    },
    Elects {
        party: PartyId,
        /// From when, and how exactly the source dates it; `None`: from
        /// the meeting's date.
        from: Option<(Day, ir::Precision)>,
    },
    /// The further decision an interim arrangement awaits.
    Further(ir::FurtherDecision),
}

/// How a legal text heads its top-level clauses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Headings {
    /// `1.`, `2.` ..., with roman sub-clauses `i.`, `ii.` ...
    #[default]
    Numbered,
    /// A word and a number: `Article 3`, `Rule 3`, `Section 3`; paragraphs
    /// `(2)` or `2.` and points `(b)` within.
    Word(&'static str),
}

impl Headings {
    /// Every style a header may name, with its keyword.
    pub const ALL: [(&'static str, Headings); 4] = [
        ("numbered", Headings::Numbered),
        ("article", Headings::Word("Article")),
        ("rule", Headings::Word("Rule")),
        ("section", Headings::Word("Section")),
    ];
}

/// What a state becomes when it breaks the silence procedure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AfterSilence {
    Observer,
    None,
}

/// A history record other than a meeting.
#[derive(Debug, Clone)]
pub struct Event {
    /// Its place among the package's history records.
    pub position: usize,
    pub file: FileId,
    pub span: Span,
    pub kind: EventKind,
    pub sources: Vec<String>,
    /// Why the record's date or content is inferred, where it is.
    pub inferred: Option<ir::Inferred>,
}

#[derive(Debug, Clone)]
pub enum EventKind {
    Decline {
        party: PartyId,
        turn: Spanned<Day>,
    },
    Handover {
        to: PartyId,
        on: Day,
        precision: ir::Precision,
        /// The meeting and decision that decided it, by name.
        decided_by: Option<(String, String)>,
        /// The term its source states for this chairmanship (`for 1 year`).
        stated_term: Option<ir::Duration>,
    },
    /// A seat of the chair's office beside the chair recorded taken.
    RoleTaken {
        party: PartyId,
        role: ir::OfficeRole,
        on: Day,
        precision: ir::Precision,
    },
    /// The chair's office recorded vacant from `on`.
    Vacancy {
        on: Day,
        precision: ir::Precision,
    },
    SilenceBroken {
        party: PartyId,
        on: Day,
        precision: ir::Precision,
        becomes: AfterSilence,
    },
    Joined {
        party: PartyId,
        on: Day,
        precision: ir::Precision,
    },
    /// A candidacy for the chair announced.
    Candidacy {
        party: PartyId,
        on: Day,
        precision: ir::Precision,
    },
    /// The chair's office extended until a day.
    Extension {
        party: PartyId,
        until: Day,
        precision: ir::Precision,
        /// The meeting and decision that decided it, by name.
        decided_by: Option<(String, String)>,
    },
    Designation {
        party: PartyId,
        role: String,
        on: Day,
        precision: ir::Precision,
        person: Option<String>,
    },
    /// A change of status, decided or as a recorded fact.
    StatusChange {
        party: PartyId,
        status: ir::Status,
        on: Day,
        precision: ir::Precision,
        /// The meeting and decision that decided it, by name.
        decided_by: Option<(String, String)>,
    },
    /// What a source lists on a day; each list, when given, is whole
    /// unless marked partial (`and others`).
    Snapshot {
        on: Day,
        precision: ir::Precision,
        members: Option<Vec<PartyId>>,
        observers: Option<Vec<PartyId>>,
        chair: Option<PartyId>,
        members_partial: bool,
        observers_partial: bool,
    },
    Note {
        text: String,
    },
    /// A group's parties over `[from, until)`, as a source gives them.
    Composition {
        group: GroupId,
        parties: Vec<PartyId>,
        from: Day,
        until: Option<Day>,
        /// How exactly the source dates the period.
        dating: ir::Dating,
    },
    /// An application for membership or observer status and its outcome.
    Application {
        party: PartyId,
        /// `Member` or `Observer`.
        status: ir::Status,
        on: Day,
        precision: ir::Precision,
        outcome: ir::Outcome,
        /// When the outcome came, as the source dates it.
        decided_on: Option<(Day, ir::Precision)>,
        /// The meeting and decision that decided it, by name.
        decided_by: Option<(String, String)>,
    },
}

/// A user rule: `rule name(params): ret = body`.
#[derive(Debug, Clone)]
pub struct Rule {
    pub name: String,
    pub params: Vec<(String, Type)>,
    pub ret: Type,
    pub body: Expr,
}

/// A `test` block.
#[derive(Debug, Clone)]
pub struct Test {
    pub name: Spanned<String>,
    pub file: FileId,
    pub steps: Vec<TestStep>,
}

#[derive(Debug, Clone)]
pub enum TestStep {
    Let(Expr),
    Assert {
        expr: Expr,
        file: String,
        line: usize,
        column: usize,
        text: String,
    },
}

/// A typed, resolved expression.
#[derive(Debug, Clone)]
pub struct Expr {
    pub kind: ExprKind,
    pub ty: Type,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub enum ExprKind {
    Bool(bool),
    Int(i64),
    Date(Day),
    Duration(ir::Duration),
    None,
    /// A rule parameter, `let`, quantified variable or fact, by slot.
    Local(u32),
    Party(PartyId),
    Status(ir::Status),
    Group(GroupId),
    MeetingKind(MeetingKindId),
    DecisionKind(DecisionKindId),
    Meeting(MeetingId),
    Decision(DecisionId),
    Set(Vec<Expr>),
    MeetingLit(Vec<(ir::Field, Expr)>),
    DecisionLit(Vec<(ir::Field, Expr)>),
    Builtin(ir::Builtin, Vec<Expr>),
    Rule(RuleId, Vec<Expr>),
    Field(Box<Expr>, ir::Field),
    Not(Box<Expr>),
    Neg(Box<Expr>),
    Binary(ir::BinOp, Box<Expr>, Box<Expr>),
    If(Box<Expr>, Box<Expr>, Box<Expr>),
    Quantifier {
        all: bool,
        slot: u32,
        set: Box<Expr>,
        body: Box<Expr>,
    },
    /// `{x in S | cond}`: binds the element to `slot`.
    Filter {
        slot: u32,
        set: Box<Expr>,
        cond: Box<Expr>,
    },
}

impl Statement {
    /// The items of a rotation statement.
    pub fn rotation(&self) -> Option<&[Spanned<RotationItem>]> {
        match &self.kind {
            StatementKind::Rotation(items) => Some(items),
            StatementKind::Office { .. }
            | StatementKind::Roster { .. }
            | StatementKind::Meeting(_)
            | StatementKind::Decisions { .. }
            | StatementKind::Reserve { .. }
            | StatementKind::Observers { .. }
            | StatementKind::Invite { .. }
            | StatementKind::SupportUnit { .. }
            | StatementKind::Designate { .. }
            | StatementKind::HostDuty { .. }
            | StatementKind::Group { .. }
            | StatementKind::Seats { .. }
            | StatementKind::Location { .. } => None,
        }
    }
}

impl Resolved {
    /// Each declared party of the classes a roster statement names as a
    /// whole (`observers civil_society from D`), over the days of its
    /// period `[from, until)` that no roster statement naming the party by
    /// itself covers: a member's or named observer's period, a pending
    /// state's (its silence governs its status throughout), a withdrawal's
    /// days from it on. A party with a statement of its own has that
    /// status where it applies, and the class's around it.
    pub fn class_cover(
        &self,
        classes: &[PartyClass],
        from: Day,
        until: Option<Day>,
    ) -> Vec<(PartyId, Day, Option<Day>)> {
        let mut out = Vec::new();
        if classes.is_empty() {
            return out;
        }
        for (id, party) in (0..).zip(&self.parties) {
            if !classes.iter().any(|class| class.holds(id, party.kind)) {
                continue;
            }
            // The days its own statements cover, as `[start, end)`.
            let mut own: Vec<(Day, Day)> = self
                .statements()
                .filter_map(|s| {
                    let StatementKind::Roster { parties, kind, .. } = &s.kind else {
                        return None;
                    };
                    parties.iter().any(|p| p.node == id).then_some(kind)
                })
                .filter_map(|kind| match kind {
                    Membership::Member { from, until, .. } | Membership::Observer { from, until, .. } => {
                        Some((from.node, until.map_or(charter_runtime::date::LAST, |u| u.node)))
                    }
                    Membership::Pending { .. } => Some((Day::MIN, charter_runtime::date::LAST)),
                    Membership::Withdrawal { on, .. } => Some((on.node, charter_runtime::date::LAST)),
                    Membership::Open => None,
                })
                .collect();
            own.sort_unstable();
            // The class's period less those days.
            let end = until.unwrap_or(charter_runtime::date::LAST);
            let mut start = from;
            for (a, b) in own {
                if b <= start || a >= end {
                    continue;
                }
                if a > start {
                    out.push((id, start, Some(a)));
                }
                start = start.max(b);
            }
            if start < end {
                out.push((id, start, until.filter(|u| *u == end)));
            }
        }
        out
    }

    /// Every statement: the policy's, then each amendment's, in the order
    /// given.
    pub fn statements(&self) -> impl Iterator<Item = &Statement> {
        self.base
            .iter()
            .chain(self.amendments.iter().flat_map(|a| a.statements.iter()))
    }

    /// The party an id names.
    #[expect(
        clippy::indexing_slicing,
        reason = "party ids are made by resolution from this package's own party table"
    )]
    pub fn party(&self, id: PartyId) -> &ir::Party {
        &self.parties[id as usize]
    }

    /// The name of the decision kind an id names.
    #[expect(
        clippy::indexing_slicing,
        reason = "decision kind ids are made by resolution from this package's own table of kinds"
    )]
    pub fn decision_kind(&self, id: DecisionKindId) -> &str {
        &self.decision_kinds[id as usize]
    }

    /// The recorded decision an id names (ids count through the meetings'
    /// decisions in order).
    #[expect(
        clippy::expect_used,
        reason = "decision ids are made by resolution counting through these meetings' decisions"
    )]
    pub fn decision(&self, id: DecisionId) -> &DecisionRecord {
        self.meetings
            .iter()
            .flat_map(|m| m.decisions.iter())
            .nth(id as usize)
            .expect("a decision id names one of the package's recorded decisions")
    }

    /// The name of the meeting kind an id names.
    #[expect(
        clippy::indexing_slicing,
        reason = "meeting kind ids are made by resolution from this package's own table of kinds"
    )]
    pub fn meeting_kind(&self, id: MeetingKindId) -> &str {
        &self.meeting_kinds[id as usize]
    }

    /// The group an id names.
    #[expect(
        clippy::indexing_slicing,
        reason = "group ids are made by resolution from this package's own table of groups"
    )]
    pub fn group(&self, id: GroupId) -> &Group {
        &self.groups[id as usize]
    }
}
