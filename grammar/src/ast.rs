//! The abstract syntax tree: what `parse` produces from source text. Every
//! node carries the byte span it came from, so every later diagnostic can
//! point at the text a drafter wrote. The AST knows nothing of meaning: names
//! are unresolved strings, dates are unvalidated numbers.

use serde::Serialize;

/// A byte range `[start, end)` in one source file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl From<Span> for miette::SourceSpan {
    fn from(span: Span) -> Self {
        (span.start, span.end.saturating_sub(span.start)).into()
    }
}

impl Span {
    pub fn new(start: usize, end: usize) -> Self {
        Span { start, end }
    }

    /// The smallest span covering both.
    pub fn to(self, other: Span) -> Span {
        Span {
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }
}

/// A name as written: a party identifier, a rule, a meeting kind, a variable.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Ident {
    pub name: String,
    pub span: Span,
}

/// A string literal with its escapes resolved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Str {
    pub value: String,
    pub span: Span,
}

/// A `YYYY-MM-DD` literal; the checker decides whether it names a real day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct DateLit {
    pub year: i16,
    pub month: i8,
    pub day: i8,
    pub span: Span,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum DurationUnit {
    Days,
    Months,
    Years,
}

/// `2 years`, `6 months`, `30 days`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct DurationLit {
    pub amount: i64,
    pub unit: DurationUnit,
    pub span: Span,
}

/// One parsed file.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct File {
    pub kind: FileKind,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum FileKind {
    Policy(PolicyFile),
    Amendment(AmendmentFile),
    History(HistoryFile),
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PolicyFile {
    pub header: PolicyHeader,
    pub items: Vec<Item>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PolicyHeader {
    pub title: Str,
    pub fields: Vec<HeaderField>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum HeaderField {
    Ref(Str),
    Adopted(DateLit),
    Source(Str),
    /// `headings article`: how the source heads its clauses.
    Headings(Ident),
    /// `covers 1, 2`: the clauses coverage is counted over.
    Covers(Vec<Str>),
    /// `expect "CODE" because "REASON"`: a warning the text is known to
    /// give, not reported.
    Expect {
        code: Str,
        reason: Str,
    },
}

/// `amendment "title" to "policy" adopted by meeting M decision D`
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AmendmentFile {
    pub title: Str,
    pub policy: Str,
    pub meeting: Ident,
    pub decision: Ident,
    pub header_span: Span,
    pub items: Vec<Item>,
}

/// `history for "policy"` and its records.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HistoryFile {
    pub policy: Str,
    pub header_span: Span,
    pub records: Vec<Record>,
}

/// A top-level or block-level item of a policy or amendment.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum Item {
    Party(PartyDecl),
    Block(ClauseBlock),
    Rule(RuleDecl),
    Test(TestDecl),
    Stmt(Stmt),
    NonNormative(Str),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum PartyKind {
    State,
    Organization,
    CivilSociety,
    /// `private_sector`: a company, a business association
    PrivateSector,
}

/// `state KAZ "Republic of Kazakhstan" sort "Kazakhstan" renamed ...`
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PartyDecl {
    pub kind: PartyKind,
    pub id: Ident,
    pub official_name: Str,
    pub sort_name: Option<Str>,
    /// `kind international` on an organization.
    pub org_kind: Option<Ident>,
    pub renames: Vec<Rename>,
    pub span: Span,
}

/// `renamed 2022-06-01 "Republic of Türkiye" sort "Türkiye"`
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Rename {
    pub on: DateLit,
    pub official_name: Str,
    pub sort_name: Option<Str>,
    pub span: Span,
}

/// `§ 3.ii chairmanship quote "..." { ... }`
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ClauseBlock {
    pub clause: ClauseRef,
    pub label: Option<Ident>,
    pub quotes: Vec<Str>,
    pub items: Vec<Item>,
    pub span: Span,
}

/// `3.ii` in `§ 3.ii`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ClauseRef {
    pub text: String,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Stmt {
    pub kind: StmtKind,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum StmtKind {
    /// `office troika "Troika" held by outgoing chair, chair, incoming
    /// chair [from D] [until E]`: an office other than the chair
    Office {
        name: Ident,
        title: Option<Str>,
        holders: Vec<Holder>,
        from: Option<DateSpec>,
        until: Option<DateSpec>,
    },
    /// `members KAZ, KGZ from 2013-06-05 [until 2020-01-01]`; either day
    /// may be approximate, as in a record (`from between 2009-04-28 and
    /// 2018-12-31`, `until in 2020`)
    Members {
        parties: Vec<Ident>,
        from: DateSpec,
        until: Option<DateSpec>,
    },
    /// `observers IRN, PAK from 2013-06-05 [until 2020-01-01]`: observers
    /// the text itself names
    NamedObservers {
        parties: Vec<Ident>,
        from: DateSpec,
        until: Option<DateSpec>,
        /// `as partners "partner organisations"`: the standing the text
        /// gives them, a group of those holding it, with its title.
        standing: Option<(Ident, Option<Str>)>,
        rights: Option<ObserverRights>,
    },
    /// `pending IRN, PAK under silence until 2013-08-31`
    Pending { parties: Vec<Ident>, deadline: DateLit },
    /// `open to UZB, TKM`
    OpenTo { parties: Vec<Ident> },
    /// `withdrawal AZE on 2020-01-01` (or `in 2020`, `between D1 and D2`)
    Withdrawal { party: Ident, on: DateSpec },
    /// `each member must designate national_coordinator`
    Designate {
        subject: DutySubject,
        strength: Ident,
        role: Ident,
    },
    /// `chair must host ministerial`
    HostDuty { strength: Ident, kind: Ident },
    /// `chair { ... }`
    Rotation(Vec<RotationItem>),
    /// `support_unit UNHCR, IOM for 2 years pending further decision`
    SupportUnit {
        parties: Vec<Ident>,
        /// `from D`: held from that day (else from the text's adoption);
        /// approximate as a record's date may be (`from in 2013`).
        from: Option<DateSpec>,
        /// `until D`: held until that day.
        until: Option<DateSpec>,
        period: Option<DurationLit>,
        pending_further_decision: bool,
        /// `then lapses` (false) / `then continues` (true) after the period.
        after_period: Option<bool>,
    },
    /// `located "the capital" provided by KAZ pending further decision`
    Location {
        place: Str,
        provided_by: Option<Ident>,
        pending_further_decision: bool,
    },
    /// `observers states, international_organizations admitted by consensus`
    Observers {
        classes: Vec<Ident>,
        by: Ident,
        /// `on written application`
        written: bool,
        rights: Option<ObserverRights>,
    },
    /// `invite civil_society per meeting by consensus`
    Invite { classes: Vec<Ident>, by: Ident },
    /// `meeting ministerial "title" must every 2 years [per member] [hosted by chair]`
    Meeting(MeetingDecl),
    /// `decisions by consensus [of members present] [quorum 2/3]`
    Decisions {
        by: RuleName,
        of_members_present: bool,
        /// `of all members`: the share counts every member, present or not
        of_all_members: bool,
        /// `of members and observers present`: observers take part
        with_observers: bool,
        quorum: Option<Quorum>,
        /// `at K, ...`: the meeting kinds the rule is for (every other
        /// kind's when empty).
        at: Vec<Ident>,
    },
    /// `decision election reserved to ministerial`
    DecisionKind { kind: Ident, reserved_to: Vec<Ident> },
    /// `amendments by ministerial`
    Amendments { by: Vec<Ident> },
    /// `group african "African states" EGY, ETH from 2014-11-28 [until D]`
    Group {
        name: Ident,
        title: Option<Str>,
        parties: Vec<Ident>,
        /// `None` for `as recorded` (no parties listed); either day may be
        /// approximate (`from in 2017`).
        from: Option<DateSpec>,
        until: Option<DateSpec>,
    },
    /// `seats committee 5 each of african, european from D [until E]`
    Seats {
        group: Ident,
        count: i64,
        count_span: Span,
        of: Vec<Ident>,
        from: DateLit,
        until: Option<DateLit>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum DutySubject {
    EachMember,
    Chair,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RotationItem {
    pub kind: RotationItemKind,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum RotationItemKind {
    /// `eligible members`
    EligibleMembers,
    /// `eligible KAZ, KGZ`
    EligibleParties(Vec<Ident>),
    /// `order alphabetical english`
    OrderAlphabetical { language: Ident },
    /// `order EGY, ITA, ETH`: the order the text gives
    OrderFixed(Vec<Ident>),
    /// `order alternating african, european`: between groups
    OrderAlternating(Vec<Ident>),
    /// `first KAZ from 2013-08-31`
    First { party: Ident, from: DateLit },
    /// `term 2 years [from 2013-08-31]`
    Term { length: DurationLit, from: Option<DateLit> },
    /// `voluntary`
    Voluntary,
    /// `when all decline outgoing stays` (true) / `when all decline vacant` (false)
    AllDecline { outgoing_stays: bool },
    /// `permanent AUS, IDN from 2002-02-28`
    /// `permanent P[, Q] [co_chair R, ...] [vice_chair V, ...] from D`
    Permanent {
        parties: Vec<Ident>,
        co_chairs: Vec<Ident>,
        vice_chairs: Vec<Ident>,
        from: DateLit,
    },
    /// `designated by decision presidency at vice_ministerial` (the decision
    /// kind and the meeting kind), or `designated by unstated` (`None`: the
    /// text does not say how the chair is chosen)
    Designated { by: Option<(Ident, Ident)> },
    /// `candidacy 1 year before`
    Candidacy { before: DurationLit },
}

/// A seat of the chair's office beside the chair.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum OfficeRole {
    /// `co_chair`
    CoChair,
    /// `vice_chair`
    ViceChair,
}

/// `may speak, decide [at K, ...]`: what observers may do besides attending.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ObserverRights {
    /// `attend`, `speak`, `decide` (checked when resolved).
    pub rights: Vec<Ident>,
    /// The meeting kinds they apply at; every kind when empty.
    pub at: Vec<Ident>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MeetingDecl {
    pub kind: Ident,
    pub title: Option<Str>,
    /// `of steering_committee`: the group whose meetings these are.
    pub body: Option<Ident>,
    /// `must every 2 years ...`; `None` for a kind the text sets no cadence
    /// for.
    pub cadence: Option<Cadence>,
    pub host: Option<HostRule>,
}

/// `must|should every DURATION [to DURATION] [from DATE] [per member]`
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Cadence {
    pub strength: Ident,
    pub every: DurationLit,
    /// `every 6 months to 1 year`: the longest gap, `every` then being the
    /// shortest.
    pub to: Option<DurationLit>,
    /// `from DATE`: the day the cadence is counted from.
    pub anchor: Option<DateLit>,
    pub per_member: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum HostRule {
    Chair(Span),
    Party(Ident),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Quorum {
    /// At least this many members present.
    Count { count: i64, span: Span },
    /// At least this fraction of the members present.
    Ratio {
        numerator: i64,
        denominator: i64,
        span: Span,
    },
}

/// `rule name(p: party, d: date): bool = expr`
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RuleDecl {
    pub name: Ident,
    pub params: Vec<Param>,
    pub ret: TypeExpr,
    pub body: Expr,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Param {
    pub name: Ident,
    pub ty: TypeExpr,
    pub span: Span,
}

/// A type as written: `bool`, `party`, `set<party>`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum TypeExpr {
    Named(Ident),
    Set(Box<TypeExpr>, Span),
}

impl TypeExpr {
    pub fn span(&self) -> Span {
        match self {
            TypeExpr::Named(ident) => ident.span,
            TypeExpr::Set(_, span) => *span,
        }
    }
}

/// `test "name" { let x = ...  assert ... }`
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TestDecl {
    pub name: Str,
    pub stmts: Vec<TestStmt>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum TestStmt {
    Let { name: Ident, value: Expr, span: Span },
    Assert { expr: Expr, span: Span },
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum ExprKind {
    Bool(bool),
    Int(i64),
    Date(DateLit),
    Duration(DurationLit),
    None,
    /// A party, a variable, a meeting or decision kind, a status: the
    /// checker decides which.
    Name(Ident),
    Set(Vec<Expr>),
    /// `meeting { kind: ministerial, date: 2015-06-01 }`
    Record {
        kind: Ident,
        fields: Vec<(Ident, Expr)>,
    },
    Call {
        func: Ident,
        args: Vec<Expr>,
    },
    Field {
        base: Box<Expr>,
        field: Ident,
    },
    Unary {
        op: UnaryOp,
        operand: Box<Expr>,
    },
    Binary {
        op: BinaryOp,
        lhs: Box<Expr>,
        rhs: Box<Expr>,
    },
    If {
        cond: Box<Expr>,
        then: Box<Expr>,
        otherwise: Box<Expr>,
    },
    /// `all x in S: body`, `any x in S: body`
    Quantifier {
        kind: QuantifierKind,
        var: Ident,
        set: Box<Expr>,
        body: Box<Expr>,
    },
    /// `{x in S | cond}`: the elements of `S` for which `cond` holds
    Filter {
        var: Ident,
        set: Box<Expr>,
        cond: Box<Expr>,
    },
}

/// The rule after `decisions by`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum RuleName {
    /// `consensus`, `unanimity`, or a word the checker does not know
    Named(Ident),
    /// `majority 2/3 [rounded up|down]`; `simple majority` or `majority`
    /// (more than half) when `ratio` is `None`
    Majority {
        ratio: Option<Quorum>,
        round_down: bool,
        span: Span,
    },
}

impl RuleName {
    pub fn span(&self) -> Span {
        match self {
            RuleName::Named(ident) => ident.span,
            RuleName::Majority { span, .. } => *span,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum UnaryOp {
    Not,
    Neg,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum BinaryOp {
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

impl BinaryOp {
    pub fn symbol(self) -> &'static str {
        match self {
            BinaryOp::Implies => "implies",
            BinaryOp::Or => "or",
            BinaryOp::And => "and",
            BinaryOp::Eq => "==",
            BinaryOp::Ne => "!=",
            BinaryOp::Lt => "<",
            BinaryOp::Le => "<=",
            BinaryOp::Gt => ">",
            BinaryOp::Ge => ">=",
            BinaryOp::In => "in",
            BinaryOp::Add => "+",
            BinaryOp::Sub => "-",
            BinaryOp::Mul => "*",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum QuantifierKind {
    All,
    Any,
}

/// How precisely a source dates an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum DatePrecision {
    Exact,
    NoLaterThan,
    NoEarlierThan,
    /// `in 2016-11`: some day of that month (`date` is its first day).
    InMonth,
    /// `in 2016`: some day of that year (`date` is its first day).
    InYear,
    /// `between D1 and D2`: some day from `date` (D1) through D2.
    Between(DateLit),
}

/// Who holds an office: a party, or one of the chair's roles.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum Holder {
    Party(Ident),
    Chair { role: ChairRole, span: Span },
}

/// The chair of the term before the one in force, of the term in force,
/// or of the term after it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChairRole {
    Outgoing,
    Current,
    Incoming,
}

/// `2013-06-05`, `no later than 2013-08-31`, `in 2016-11`, `in 2016`,
/// `between 2016-10-01 and 2016-11-30`
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct DateSpec {
    pub precision: DatePrecision,
    pub date: DateLit,
    pub span: Span,
}

/// `source "summary-report-2013" para 12`
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SourceRef {
    pub document: Str,
    pub paragraph: Option<Str>,
    pub span: Span,
}

/// A history record: something that happened, with its sources.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Record {
    pub kind: RecordKind,
    pub sources: Vec<SourceRef>,
    /// `inferred [date] "why"`: the record's date (or its content) is
    /// inferred, not stated by its sources (each mark given).
    pub inferred: Vec<Inferred>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum RecordKind {
    Meeting(MeetingRecord),
    /// `decline KGZ turn 2015-08-31`
    Decline {
        party: Ident,
        turn: DateLit,
    },
    /// `designate KAZ national_coordinator on 2013-07-01 "name"`
    Designation {
        party: Ident,
        role: Ident,
        on: DateSpec,
        person: Option<Str>,
    },
    /// `silence IRN broken on 2013-08-20 becomes observer`
    SilenceBroken {
        party: Ident,
        on: DateSpec,
        becomes: Ident,
    },
    /// `handover to PAK on 2019-10-01 by meeting M decision D`
    Handover {
        to: Ident,
        on: DateSpec,
        decided_by: Option<(Ident, Ident)>,
        /// `for 1 year`: the term the source states for this chairmanship.
        stated_term: Option<DurationLit>,
    },
    /// `handover to HUN as co_chair on 2006-01-01`: a seat of the chair's
    /// office beside the chair (a co-chair, a vice-chair) taken
    RoleTaken {
        to: Ident,
        role: OfficeRole,
        on: DateSpec,
    },
    /// `vacancy in 2013-05`: the chair's office vacant from that day
    Vacancy {
        on: DateSpec,
    },
    /// `extension KAZ until 2016-10-01 [by meeting M decision D]`
    Extension {
        party: Ident,
        until: DateSpec,
        decided_by: Option<(Ident, Ident)>,
    },
    /// `joined TKM on 2014-01-01`
    Joined {
        party: Ident,
        on: DateSpec,
    },
    /// `candidacy MEX on 2018-06-01`: a candidacy for the chair announced
    Candidacy {
        party: Ident,
        on: DateSpec,
    },
    /// A party that first appears in the history (a later observer, an
    /// organization or NGO the text does not name), declared as in a policy.
    Party(PartyDecl),
    /// `status P becomes member|observer|none on DATE [by meeting M decision D]`
    Status {
        party: Ident,
        becomes: Ident,
        on: DateSpec,
        decided_by: Option<(Ident, Ident)>,
    },
    /// `meeting kind briefing "Briefing for ambassadors"`: a kind of meeting
    /// the text does not provide.
    MeetingKind {
        id: Ident,
        name: Str,
    },
    /// `application ITA for observer on 2023-03-28 [OUTCOME]`
    Application {
        party: Ident,
        /// `member` or `observer`.
        status: Ident,
        on: DateSpec,
        outcome: Option<ApplicationOutcome>,
    },
    /// `snapshot in 2015-10 members ... observers ... chair ...`: what a
    /// source lists on a day (each list, when given, is the whole list).
    Snapshot {
        on: DateSpec,
        members: Option<Vec<Ident>>,
        observers: Option<Vec<Ident>>,
        chair: Option<Ident>,
        /// `members P, ... and others`, `observers P, ... and others`:
        /// the source names only some (a partial list).
        members_partial: bool,
        observers_partial: bool,
    },
    /// `composition council AUS, BGD from D [until E]`: a group's parties
    /// over those days.
    Composition {
        group: Ident,
        parties: Vec<Ident>,
        /// Either day may be approximate (`from no later than D`).
        from: DateSpec,
        until: Option<DateSpec>,
    },
    /// `note "..."`
    Note {
        text: Str,
    },
    Test(TestDecl),
}

/// `inferred "why"` (the record's content is inferred), `inferred date
/// "why"` (only its date is) or `inferred host "why"` (only a meeting's
/// host is).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Inferred {
    pub date_only: bool,
    pub host_only: bool,
    pub why: Str,
}

/// What became of an application: `pending`, or `granted`, `refused` or
/// `withdrawn`, with the day and the decision when known.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ApplicationOutcome {
    pub outcome: Outcome,
    pub on: Option<DateSpec>,
    pub decided_by: Option<(Ident, Ident)>,
    pub span: Span,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Pending,
    Granted,
    Refused,
    Withdrawn,
}

impl Outcome {
    pub fn from_word(word: &str) -> Option<Outcome> {
        match word {
            "pending" => Some(Outcome::Pending),
            "granted" => Some(Outcome::Granted),
            "refused" => Some(Outcome::Refused),
            "withdrawn" => Some(Outcome::Withdrawn),
            _ => None,
        }
    }

    pub fn word(self) -> &'static str {
        match self {
            Outcome::Pending => "pending",
            Outcome::Granted => "granted",
            Outcome::Refused => "refused",
            Outcome::Withdrawn => "withdrawn",
        }
    }
}

/// What a further decision on an interim arrangement did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Further {
    Continued,
    Changed,
    Relocated,
}

impl Further {
    pub fn from_word(word: &str) -> Option<Further> {
        match word {
            "continued" => Some(Further::Continued),
            "changed" => Some(Further::Changed),
            "relocated" => Some(Further::Relocated),
            _ => None,
        }
    }

    pub fn word(self) -> &'static str {
        match self {
            Further::Continued => "continued",
            Further::Changed => "changed",
            Further::Relocated => "relocated",
        }
    }
}

/// `meeting id { kind ... date ... decision d { ... } }`
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MeetingRecord {
    pub id: Ident,
    pub fields: Vec<MeetingField>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MeetingField {
    pub kind: MeetingFieldKind,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum MeetingFieldKind {
    Kind(Ident),
    Date(DateSpec),
    /// The last day of a meeting of several days.
    Until(DateLit),
    Place(Str),
    Host(Ident),
    /// `present P, ... [and others]`: `partial` where the source names
    /// only some of those present.
    Present {
        parties: Vec<Ident>,
        partial: bool,
    },
    Observers(Vec<Ident>),
    Source(SourceRef),
    /// `inferred [date] "why"`
    Inferred(Inferred),
    Decision(DecisionRecord),
}

/// `decision id { kind ordinary objections none ... }`
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DecisionRecord {
    pub id: Ident,
    pub fields: Vec<DecisionField>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DecisionField {
    pub kind: DecisionFieldKind,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum DecisionFieldKind {
    Kind(Ident),
    Objections(Vec<Ident>),
    Reservations(Vec<Ident>),
    Admits(Vec<Ident>),
    Invites {
        parties: Vec<Ident>,
        to: Option<Ident>,
    },
    Elects {
        party: Ident,
        from: Option<DateSpec>,
    },
    /// `further support_unit relocated "Astana"`
    Further {
        what: Ident,
        outcome: Further,
        detail: Option<Str>,
    },
    Text(Str),
    Source(SourceRef),
    /// `inferred [date] "why"`
    Inferred(Inferred),
}
