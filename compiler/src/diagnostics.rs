//! Stage -> its diagnostics: one enum per checking stage, each variant
//! deriving its code, severity, message, labels and help from one
//! declaration (`thiserror` and `miette` derives). A stage builds a variant
//! and hands it to the sink, which keeps it as a [`Diagnostic`]. The list of
//! codes in [`crate::codes`] is read off these enums (`strum::EnumIter`,
//! doc comments via `strum::EnumMessage`), so it cannot drift from them.
//!
//! The first label of a variant is its primary one: the diagnostic's
//! position.

use charter_grammar::ast::Span;
use charter_grammar::{codes_of, CodeInfo};

use crate::limits::{MAX_CALL_DEPTH, MAX_DURATION_YEARS};

/// The diagnostics of grouping files into packages (one policy with its
/// amendments and histories).
#[derive(Debug, thiserror::Error, miette::Diagnostic, strum::EnumIter, strum::EnumMessage)]
pub enum PackageDiagnostic {
    /// two policy files share a title
    #[error("a policy titled `{title}` is already loaded")]
    #[diagnostic(
        code("charter::duplicate-policy"),
        help("amendments and histories name their policy by title, so titles must differ; give each policy its own")
    )]
    DuplicatePolicy {
        title: String,
        #[label("second policy with this title")]
        span: Span,
    },
    /// an amendment or history names two policies (one's title or `ref` is another's)
    #[error("`{name}` names {count} policies")]
    #[diagnostic(
        code("charter::duplicate-policy"),
        help("an amendment or history names its policy by title or `ref`: give each policy its own `ref`")
    )]
    NamesTwo {
        name: String,
        count: usize,
        #[label("which policy?")]
        span: Span,
    },
    /// an amendment or history names a policy that is not loaded
    #[error("no policy titled `{title}` is loaded")]
    #[diagnostic(code("charter::unknown-policy"))]
    UnknownPolicy {
        title: String,
        #[label("names no loaded policy")]
        span: Span,
        #[help]
        help: String,
    },
}

/// The diagnostics of name resolution: names that are unknown, defined
/// twice or reserved, keywords Charter does not know, records with fields
/// missing or repeated.
#[derive(Debug, thiserror::Error, miette::Diagnostic, strum::EnumIter, strum::EnumMessage)]
pub enum ResolveDiagnostic {
    /// a name used as a party is not declared
    #[error("unknown party `{name}`")]
    #[diagnostic(code("charter::unknown-party"))]
    UnknownParty {
        name: String,
        #[label("not a declared party")]
        span: Span,
        #[help]
        help: String,
    },
    /// two parties share an identifier
    #[error("party `{name}` is defined twice")]
    #[diagnostic(
        code("charter::duplicate-party"),
        help("rename one of the two, or remove the second if it repeats the first")
    )]
    DuplicateParty {
        name: String,
        #[label("defined again here")]
        span: Span,
        #[label("first defined here")]
        first: Option<Span>,
    },
    /// a party is named like a status, a decision kind or a class of parties
    #[error("a party cannot be called `{name}`: that name is a status, a decision kind or a class of parties")]
    #[diagnostic(
        code("charter::duplicate-name"),
        help("identify the party by another name, such as its ISO 3166-1 alpha-3 code or acronym")
    )]
    ReservedPartyName {
        name: String,
        #[label("reserved name")]
        span: Span,
    },
    /// a rule is named like a built-in query, which would shadow it
    #[error("a rule cannot be called `{name}`: that is a built-in query")]
    #[diagnostic(
        code("charter::duplicate-name"),
        help("rename the rule; a call to `{name}` always means the built-in query (docs/semantics.md)")
    )]
    RuleNamedLikeBuiltin {
        name: String,
        #[label("a built-in query's name")]
        span: Span,
    },
    /// two rules share a name
    #[error("rule `{name}` is defined twice")]
    #[diagnostic(
        code("charter::duplicate-rule"),
        help("rename one of the two, or remove the second if it repeats the first")
    )]
    DuplicateRule {
        name: String,
        #[label("defined again here")]
        span: Span,
        #[label("first defined here")]
        first: Option<Span>,
    },
    /// a group is not declared
    #[error("unknown group `{name}`")]
    #[diagnostic(code("charter::unknown-group"))]
    UnknownGroup {
        name: String,
        #[label("not a declared group")]
        span: Span,
        #[help]
        help: String,
    },
    /// an observer right other than `attend`, `speak` and `decide`
    #[error("unknown observer right `{name}`")]
    #[diagnostic(code("charter::unknown-right"))]
    UnknownRight {
        name: String,
        #[label("not a right observers may be given")]
        span: Span,
        #[help]
        help: String,
    },
    /// a number of seats that is not positive
    #[error("a group's seats must be a positive number")]
    #[diagnostic(
        code("charter::invalid-seats"),
        help("write how many parties the group holds from each of the others, at least 1 (`seats committee 5 each of african, european from DATE`)")
    )]
    InvalidSeats {
        #[label("not a positive number")]
        span: Span,
    },
    /// a meeting kind is not declared
    #[error("unknown meeting kind `{name}`")]
    #[diagnostic(code("charter::unknown-meeting"))]
    UnknownMeeting {
        name: String,
        #[label("not a declared meeting kind")]
        span: Span,
        #[help]
        help: String,
    },
    /// two meeting kinds share a name
    #[error("meeting kind `{name}` is defined twice")]
    #[diagnostic(
        code("charter::duplicate-meeting"),
        help("rename one of the two, or remove the second if it repeats the first")
    )]
    DuplicateMeeting {
        name: String,
        #[label("defined again here")]
        span: Span,
        #[label("first defined here")]
        first: Option<Span>,
    },
    /// a decision kind is not declared
    #[error("unknown decision kind `{name}`")]
    #[diagnostic(code("charter::unknown-decision-kind"))]
    UnknownDecisionKind {
        name: String,
        #[label("not a decision kind")]
        span: Span,
        #[help]
        help: String,
    },
    /// a statement that may appear once appears twice
    #[error("decision kind `{name}` is defined twice")]
    #[diagnostic(
        code("charter::duplicate-statement"),
        help("rename one of the two, or remove the second if it repeats the first")
    )]
    DuplicateDecisionKind {
        name: String,
        #[label("defined again here")]
        span: Span,
        #[label("first defined here")]
        first: Option<Span>,
    },
    /// a history meeting or decision that is not recorded
    #[error("no {what} `{name}` is recorded")]
    #[diagnostic(code("charter::unknown-record"))]
    UnknownRecord {
        /// `meeting` or `decision`.
        what: &'static str,
        name: String,
        #[label("not a recorded {what}")]
        span: Span,
        #[help]
        help: String,
    },
    /// a history meeting or decision that is not recorded
    #[error("decision `{decision}` was not taken at meeting `{meeting}`")]
    #[diagnostic(
        code("charter::unknown-record"),
        help("the history records it at meeting `{recorded_at}`")
    )]
    DecisionAtOtherMeeting {
        decision: String,
        meeting: String,
        recorded_at: String,
        #[label("recorded at another meeting")]
        span: Span,
    },
    /// two history records share an identifier
    #[error("{what} record `{name}` is defined twice")]
    #[diagnostic(
        code("charter::duplicate-record"),
        help("rename one of the two, or remove the second if it repeats the first")
    )]
    DuplicateRecord {
        /// `meeting` or `decision`.
        what: &'static str,
        name: String,
        #[label("defined again here")]
        span: Span,
        #[label("first defined here")]
        first: Option<Span>,
    },
    /// an organization kind other than `international` or `regional`, or a kind on a state
    #[error("unknown organization kind `{kind}`")]
    #[diagnostic(code("charter::unknown-org-kind"))]
    UnknownOrgKind {
        kind: String,
        #[label("not an organization kind")]
        span: Span,
        #[help]
        help: String,
    },
    /// an organization kind other than `international` or `regional`, or a kind on a state
    #[error("`kind` is for organizations, but `{party}` is not one")]
    #[diagnostic(
        code("charter::unknown-org-kind"),
        help("remove `kind`, or declare the party with `organization`")
    )]
    KindOnNonOrganization {
        party: String,
        #[label("only organizations have a kind")]
        span: Span,
    },
    /// an amendment adopted at a meeting whose kind may not amend
    #[error("meeting `{meeting}` is a `{kind}` meeting, which may not amend the policy")]
    #[diagnostic(code("charter::amendment-not-authorized"))]
    AmendmentNotAuthorized {
        meeting: String,
        kind: String,
        #[label("not authorized to amend")]
        span: Span,
        #[help]
        help: String,
    },
    /// an alphabetical order in a language Charter cannot collate
    #[error("no alphabetical order is known for `{language}`")]
    #[diagnostic(code("charter::unknown-language"))]
    UnknownLanguage {
        language: String,
        #[label("not a supported language")]
        span: Span,
        #[help]
        help: String,
    },
    /// an observer class is neither a class of parties nor a party
    #[error("`{class}` is neither a class of parties nor a party")]
    #[diagnostic(code("charter::unknown-party-class"))]
    UnknownPartyClass {
        class: String,
        #[label("unknown class")]
        span: Span,
        #[help]
        help: String,
    },
    /// a quorum of zero, or a ratio that is not a fraction between 0 and 1
    #[error("this quorum can never be met or is always met")]
    #[diagnostic(
        code("charter::invalid-quorum"),
        help("give a number of members present of at least 1, or a fraction such as `2/3` between 0 and 1")
    )]
    InvalidQuorum {
        #[label("invalid quorum")]
        span: Span,
    },
    /// an obligation strength other than `must` or `should`
    #[error("unknown obligation strength `{strength}`")]
    #[diagnostic(code("charter::unknown-strength"))]
    UnknownStrength {
        strength: String,
        #[label("not `must` or `should`")]
        span: Span,
        #[help]
        help: String,
    },
    /// a decision rule Charter does not know
    #[error("unknown decision rule `{rule}`")]
    #[diagnostic(code("charter::unknown-decision-rule"))]
    UnknownDecisionRule {
        rule: String,
        #[label("not a decision rule")]
        span: Span,
        #[help]
        help: String,
    },
    /// a status other than `member`, `pending`, `observer`, `invited`, `none`
    #[error("a state that breaks silence cannot become `{status}`")]
    #[diagnostic(
        code("charter::unknown-status"),
        help("write `becomes observer` or `becomes none`, as the record's source says")
    )]
    UnknownSilenceOutcome {
        status: String,
        #[label("not `observer` or `none`")]
        span: Span,
    },
    /// a status other than `member`, `pending`, `observer`, `invited`, `none`
    #[error("a recorded change of status cannot make a party `{status}`")]
    #[diagnostic(
        code("charter::unknown-status"),
        help("write `becomes member`, `becomes observer`, `becomes suspended` or `becomes none`, as the record's source says (`becomes member` again for a readmission)")
    )]
    UnknownStatusChange {
        status: String,
        #[label("not `member`, `observer`, `suspended` or `none`")]
        span: Span,
    },
    /// `headings` names no style of clause heading
    #[error("`{name}` is not a style of clause heading")]
    #[diagnostic(
        code("charter::unknown-headings"),
        help("write `headings numbered` (`1.`, `ii.`), `headings article` (`Article 3`, `(2)`, `(b)`), `headings rule` or `headings section`")
    )]
    UnknownHeadings {
        name: String,
        #[label("not `numbered`, `article`, `rule` or `section`")]
        span: Span,
    },
    /// `expect` names a code that is no warning Charter reports
    #[error("`{code}` is {}", if *error { "an error, which cannot be expected" } else { "not a code Charter reports" })]
    #[diagnostic(
        code("charter::bad-expect"),
        help("`expect` takes the code of a warning the text is known to give (`charter check --format short` prints each warning's code); an error must be fixed")
    )]
    BadExpect {
        code: String,
        /// Whether the code is an error's.
        error: bool,
        #[label("not a warning's code")]
        span: Span,
    },
    /// an application for a status other than membership or observer status
    #[error("an application cannot be for `{status}`")]
    #[diagnostic(
        code("charter::unknown-status"),
        help("write `application P for member ...` or `application P for observer ...`")
    )]
    UnknownApplication {
        status: String,
        #[label("not `member` or `observer`")]
        span: Span,
    },
    /// `further X ...` names no arrangement pending further decision
    #[error("`{name}` is not an arrangement pending further decision")]
    #[diagnostic(
        code("charter::unknown-record"),
        help("the policy's arrangements pending further decision: {known}")
    )]
    UnknownInterim {
        name: String,
        known: String,
        #[label("no interim arrangement of this name")]
        span: Span,
    },
    /// a record lacks a field it needs
    #[error("{what} `{name}` has no `{field}`")]
    #[diagnostic(code("charter::missing-field"))]
    MissingRecordField {
        /// `meeting` or `decision`.
        what: &'static str,
        name: String,
        field: &'static str,
        #[label("`{field}` missing")]
        span: Span,
        #[help]
        help: String,
    },
    /// a record gives the same field twice, or a decision more than one subject
    #[error("`{field}` is given twice")]
    #[diagnostic(
        code("charter::duplicate-field"),
        help("keep one; list several parties in one field, separated by commas")
    )]
    DuplicateRecordField {
        field: &'static str,
        #[label("given again here")]
        span: Span,
        #[label("first given here")]
        first: Span,
    },
    /// a record gives the same field twice, or a decision more than one subject
    #[error("decision `{decision}` gives `{field}` besides another subject")]
    #[diagnostic(
        code("charter::duplicate-field"),
        help("a decision admits, invites or elects: record each as its own decision")
    )]
    TwoSubjects {
        decision: String,
        field: &'static str,
        #[label("a second subject")]
        span: Span,
        #[label("first subject here")]
        first: Span,
    },
    /// warning: an objection or reservation by a party not recorded present
    #[error("`{party}` is listed under {list} but not recorded present at `{meeting}`")]
    #[diagnostic(
        code("charter::objector-not-present"),
        severity(Warning),
        help("consensus counts only members present; add the party to `present` if the source records it there")
    )]
    ObjectorNotPresent {
        party: String,
        /// `objections` or `reservations`.
        list: &'static str,
        meeting: String,
        #[label("not present")]
        span: Span,
    },
}

/// The diagnostics of type checking rules, tests and queries.
#[derive(Debug, thiserror::Error, miette::Diagnostic, strum::EnumIter, strum::EnumMessage)]
pub enum TypeDiagnostic {
    /// a parameter or local name is bound twice
    #[error("parameter `{name}` is declared twice")]
    #[diagnostic(code("charter::duplicate-name"), help("give each parameter its own name"))]
    DuplicateParameter {
        name: String,
        #[label("declared again here")]
        span: Span,
        #[label("first declared here")]
        first: Span,
    },
    /// a parameter or local name is bound twice
    #[error("`{name}` is bound twice in this test")]
    #[diagnostic(code("charter::duplicate-name"), help("give each `let` its own name"))]
    DuplicateLet {
        name: String,
        #[label("bound again here")]
        span: Span,
        #[label("first bound here")]
        first: Span,
    },
    /// a type name is not one of Charter's types
    #[error("unknown type `{name}`")]
    #[diagnostic(code("charter::unknown-type"))]
    UnknownType {
        name: String,
        #[label("not a type")]
        span: Span,
        #[help]
        help: String,
    },
    /// a type name is not one of Charter's types
    #[error("no record type `{name}`")]
    #[diagnostic(code("charter::unknown-type"))]
    UnknownRecordType {
        name: String,
        #[label("not a record type")]
        span: Span,
        #[help]
        help: String,
    },
    /// a value has the wrong type for where it is used
    #[error("expected `{expected}` for {context}, found `{actual}`")]
    #[diagnostic(code("charter::type-mismatch"))]
    Mismatch {
        expected: String,
        actual: String,
        context: String,
        #[label("this is `{actual}`")]
        span: Span,
        #[help]
        help: String,
    },
    /// a value has the wrong type for where it is used
    #[error("a quantifier ranges over a set, found `{actual}`")]
    #[diagnostic(
        code("charter::type-mismatch"),
        help("quantify over a set such as `members(d)` or `{{KAZ, KGZ}}`")
    )]
    NotASet {
        actual: String,
        #[label("this is `{actual}`")]
        span: Span,
    },
    /// a value has the wrong type for where it is used
    #[error("`{op}` cannot combine `{left}` and `{right}`")]
    #[diagnostic(code("charter::type-mismatch"))]
    Operands {
        op: &'static str,
        left: String,
        right: String,
        #[label("`{left}` {op} `{right}`")]
        span: Span,
        #[help]
        help: String,
    },
    /// a name in an expression means nothing here
    #[error("unknown name `{name}`")]
    #[diagnostic(code("charter::unknown-name"))]
    UnknownName {
        name: String,
        #[label("not defined here")]
        span: Span,
        #[help]
        help: String,
    },
    /// a record has no field of that name
    #[error("{message}")]
    #[diagnostic(code("charter::unknown-field"))]
    UnknownField {
        /// Says what has no such field (a value of an error type is
        /// described without its type).
        message: String,
        #[label("no such field")]
        span: Span,
        #[help]
        help: String,
    },
    /// a record gives the same field twice, or a decision more than one subject
    #[error("`{field}` is given twice")]
    #[diagnostic(code("charter::duplicate-field"), help("keep one of the two"))]
    DuplicateField {
        field: String,
        #[label("given again here")]
        span: Span,
        #[label("first given here")]
        first: Span,
    },
    /// a record lacks a field it needs
    #[error("this `{record}` record has no `{field}`")]
    #[diagnostic(code("charter::missing-field"), help("add `{field}: ...` inside the braces"))]
    MissingField {
        record: String,
        field: &'static str,
        #[label("`{field}` missing")]
        span: Span,
    },
    /// `chair(d)` where the text names co-chairs
    #[error("the text names co-chairs, so `{name}(d)` has no single answer")]
    #[diagnostic(
        code("charter::co-chairs"),
        help("ask `chairs(d)`, the set of the chairs in office on `d`")
    )]
    CoChairs {
        name: String,
        #[label("one chair asked for")]
        span: Span,
    },
    /// a call names neither a rule nor a built-in query
    #[error("no rule or query named `{name}`")]
    #[diagnostic(code("charter::unknown-rule"))]
    UnknownRule {
        name: String,
        #[label("unknown rule")]
        span: Span,
        #[help]
        help: String,
    },
    /// a call passes the wrong number of arguments
    #[error("`{name}` takes {expected}, but {given} given")]
    #[diagnostic(code("charter::wrong-arity"), help("call it as `{signature}`"))]
    WrongArity {
        name: String,
        /// `2 arguments`.
        expected: String,
        /// `1 was`, `3 were`.
        given: String,
        signature: String,
        #[label("{given_label}")]
        span: Span,
        /// `1 argument`.
        given_label: String,
    },
}

/// The diagnostics of the rule call graph.
#[derive(Debug, thiserror::Error, miette::Diagnostic, strum::EnumIter, strum::EnumMessage)]
pub enum CycleDiagnostic {
    /// rules call each other in a cycle, so evaluation might not end
    #[error("{message}")]
    #[diagnostic(
        code("charter::recursive-rule"),
        help("Charter rules may not recurse, so that every evaluation ends; quantify over a set with `all` or `any` instead")
    )]
    Recursion {
        /// Names the rule calling itself, or the cycle.
        message: String,
        #[label("this call closes the cycle")]
        span: Span,
    },
    /// a chain of rule calls longer than the evaluator's limit
    #[error("rule `{rule}` starts a chain of {depth} rule calls")]
    #[diagnostic(
        code("charter::call-chain-too-deep"),
        help("a chain of rule calls may be at most {MAX_CALL_DEPTH} rules long; call the rules at the end of the chain directly")
    )]
    ChainTooDeep {
        rule: String,
        depth: usize,
        #[label("the chain goes on through this call")]
        span: Span,
    },
}

/// The diagnostics of what cannot become a checked value: dates off the
/// calendar, durations out of range, header fields missing or repeated, a
/// statement given twice in a file, renames out of order.
#[derive(Debug, thiserror::Error, miette::Diagnostic, strum::EnumIter, strum::EnumMessage)]
pub enum WellFormedDiagnostic {
    /// a date that is not on the calendar
    #[error("`{date}` is not a calendar date")]
    #[diagnostic(code("charter::invalid-date"))]
    InvalidDate {
        date: String,
        #[label("no such day")]
        span: Span,
        #[help]
        help: String,
    },
    /// a statement that may appear once appears twice
    #[error("the header gives `{field}` twice")]
    #[diagnostic(
        code("charter::duplicate-statement"),
        help("a policy has one reference, one adoption date and one source")
    )]
    DuplicateHeaderField {
        field: &'static str,
        #[label("given again here")]
        span: Span,
        #[label("first given here")]
        first: Span,
    },
    /// a statement that may appear once appears twice
    #[error("a second `{kind}` statement")]
    #[diagnostic(
        code("charter::duplicate-statement"),
        help("a policy states `{kind}` once; to change it later, write an amendment")
    )]
    DuplicateStatement {
        kind: &'static str,
        #[label("stated again here")]
        span: Span,
        #[label("first stated here")]
        first: Span,
    },
    /// a policy header lacks its adoption date
    #[error("policy `{title}` gives no adoption date")]
    #[diagnostic(
        code("charter::missing-header-field"),
        help("add `adopted YYYY-MM-DD` after the title: deadlines and rules in force are counted from it")
    )]
    NoAdoptionDate {
        title: String,
        #[label("no `adopted` date")]
        span: Span,
    },
    /// a term, cadence or period is zero
    #[error("{what} must be longer than zero")]
    #[diagnostic(
        code("charter::non-positive-duration"),
        help("give a positive length such as `1 year`")
    )]
    NonPositive {
        what: &'static str,
        #[label("zero length")]
        span: Span,
    },
    /// a term shorter than a month, or a term, cadence or period longer than 100 years
    #[error("{what} is longer than {MAX_DURATION_YEARS} years")]
    #[diagnostic(
        code("charter::duration-out-of-range"),
        help("Charter accepts lengths of at most {MAX_DURATION_YEARS} years")
    )]
    TooLong {
        what: &'static str,
        #[label("too long")]
        span: Span,
    },
    /// a term shorter than a month, or a term, cadence or period longer than 100 years
    #[error("a term of office is shorter than a month")]
    #[diagnostic(
        code("charter::duration-out-of-range"),
        help("Charter accepts terms of office from `1 month` to `100 years`")
    )]
    TermTooShort {
        #[label("too short")]
        span: Span,
    },
    /// a cadence range whose shortest gap is not shorter than its longest
    #[error("a meeting cadence's shortest gap is not shorter than its longest")]
    #[diagnostic(
        code("charter::cadence-range"),
        help(
            "write the shorter gap first: `every 6 months to 1 year` is at most every 6 months and at least every year"
        )
    )]
    CadenceRange {
        #[label("from the shortest gap to the longest")]
        span: Span,
    },
    /// an interval or sequence of dates runs backwards
    #[error("dates out of order: {why}")]
    #[diagnostic(code("charter::dates-out-of-order"), help("swap the dates or correct the later one"))]
    OutOfOrder {
        why: &'static str,
        #[label("this date is not after")]
        span: Span,
        #[label("this one")]
        first: Span,
    },
}

/// The diagnostics of how checked dates relate: intervals that run
/// backwards or overlap, deadlines before adoption, a rotation that cannot
/// start.
#[derive(Debug, thiserror::Error, miette::Diagnostic, strum::EnumIter, strum::EnumMessage)]
pub enum TemporalDiagnostic {
    /// a chair statement names two chair models
    #[error("the chair statement gives both `{first}` and `{second}`")]
    #[diagnostic(
        code("charter::conflicting-chair-models"),
        help("a chair is named by the text (`permanent`), designated by a decision (`designated by ...`), or rotates from a `first` chair: keep the one the text says")
    )]
    ConflictingChairModels {
        first: &'static str,
        second: &'static str,
        #[label("a second way to choose the chair")]
        span: Span,
    },
    /// an amendment changes how the chair is chosen from a day before it is adopted
    #[error("this changes how the chair is chosen, from {before} to {after}, from {from}: before the amendment was adopted ({adopted})")]
    #[diagnostic(
        code("charter::chair-model-change"),
        help("the chairs before the amendment served under the rules then in force: date the new way's first chair or first term on or after the amendment's adoption")
    )]
    ChairModelChange {
        before: &'static str,
        after: &'static str,
        from: String,
        adopted: String,
        #[label("before the amendment is adopted")]
        span: Span,
    },
    /// a group the text names does not hold the seats the text gives it
    #[error("on {day}, `{group}` has {held} parties of `{other}`, but the text gives it {seats}")]
    #[diagnostic(
        code("charter::seats-unmet"),
        help("list the group's parties as the text names them for each period (`group {group} P, ... from DATE until DATE`), or correct the number of seats")
    )]
    SeatsUnmet {
        group: String,
        other: String,
        day: String,
        held: i64,
        seats: i64,
        #[label("{seats} from each")]
        span: Span,
    },
    /// a deadline or start falls before the policy was adopted
    #[error("{what}")]
    #[diagnostic(code("charter::deadline-before-adoption"))]
    BeforeAdoption {
        /// What falls before adoption, as a sentence.
        what: &'static str,
        #[label("{label}")]
        span: Span,
        label: &'static str,
        #[help]
        help: &'static str,
    },
    /// a history record puts a party that is not a state in the chair
    #[error("`{party}` is not a state, so it cannot take the chair")]
    #[diagnostic(
        code("charter::chair-not-a-state"),
        help("only states chair; check the party code, or record the organization's role in a `note`")
    )]
    ChairNotAState {
        party: String,
        #[label("not a state")]
        span: Span,
    },
    /// a `joined` record for a party to whom no statement opens membership
    #[error("`{party}` joins, but no statement opens membership to it")]
    #[diagnostic(
        code("charter::joined-not-open"),
        help("`joined` records a party to whom the text opens membership (`open to {party}`); for another party, record how it became a member in a `note`, or amend the policy")
    )]
    JoinedNotOpen {
        party: String,
        #[label("membership was never open to it")]
        span: Span,
    },
    /// a `silence P broken` record for a party the text never put under the silence procedure
    #[error("`{party}` breaks the silence procedure, but the text never put it under one")]
    #[diagnostic(
        code("charter::silence-not-pending"),
        help("only a party listed in a `pending ... under silence` statement can break the silence; for another party, record its change of status with `status {party} becomes ...`")
    )]
    SilenceNotPending {
        party: String,
        #[label("never pending")]
        span: Span,
    },
    /// an interval or sequence of dates runs backwards
    #[error("`{party}` withdraws before its membership starts")]
    #[diagnostic(
        code("charter::dates-out-of-order"),
        help("a withdrawal comes after the party became a member; check the date")
    )]
    WithdrawalBeforeMembership {
        party: String,
        #[label("withdrawal on or before membership")]
        span: Span,
    },
    /// two statements cover the same party or term over overlapping dates
    #[error("`{party}` is given membership twice over overlapping dates")]
    #[diagnostic(
        code("charter::overlapping-intervals"),
        help("state each period of membership once; end the first with `until` before the next begins")
    )]
    OverlappingMembership {
        party: String,
        #[label("overlaps an earlier statement")]
        span: Span,
        #[label("first stated here")]
        first: Option<Span>,
    },
    /// two statements cover the same party or term over overlapping dates
    #[error("two term lengths are in force from the same day")]
    #[diagnostic(
        code("charter::overlapping-intervals"),
        help("give one term length, or date the change with `term N years from YYYY-MM-DD`")
    )]
    OverlappingTerms {
        #[label("overlapping term")]
        span: Span,
        #[label("already in force here")]
        first: Span,
    },
    /// an office or standing whose holders are not settled day by day used where a derivation needs them
    #[error("`{office}`, {why}, cannot be {what}")]
    #[diagnostic(
        code("charter::group-not-settled"),
        help("who holds it on some days is not settled: name the parties that hold it with exact days (`group NAME P, ... from YYYY-MM-DD` or `office NAME held by P, ... from YYYY-MM-DD`), or date the group's `composition` records to the day")
    )]
    GroupNotSettled {
        office: String,
        why: &'static str,
        what: &'static str,
        #[label("uses it here")]
        span: Span,
    },
    /// two chairs the text names take office on the same day
    #[error("two chairs the text names take office on the same day")]
    #[diagnostic(
        code("charter::overlapping-intervals"),
        help("date each chair from the day it takes office; name co-chairs in one item (`permanent A, B from ...` or `permanent A co_chair B from ...`)")
    )]
    OverlappingChairs {
        #[label("this chair's day")]
        span: Span,
        #[label("is this one's")]
        first: Span,
    },
    /// a party named in two seats of the chair's office from one day
    #[error("`{party}` is named {first} and {second} from the same day")]
    #[diagnostic(
        code("charter::office-seat-twice"),
        help("name each party in one seat of the chair's office: the chair, a co-chair (`co_chair`) or a vice-chair (`vice_chair`)")
    )]
    OfficeSeatTwice {
        party: String,
        first: &'static str,
        second: &'static str,
        #[label("named again here")]
        span: Span,
        #[label("first named here")]
        earlier: Span,
    },
    /// a rotation lacks its first chair or term (a policy's, or one an amendment starts)
    #[error("the chair rotation has no `{missing}`")]
    #[diagnostic(
        code("charter::incomplete-rotation"),
        help("a rotation needs `first PARTY from YYYY-MM-DD` and `term N years`")
    )]
    IncompleteRotation {
        missing: String,
        #[label("incomplete rotation")]
        span: Span,
    },
    /// no state is eligible to chair when the rotation starts
    #[error("no state is eligible to chair on {date}, when the rotation starts")]
    #[diagnostic(
        code("charter::empty-rotation-pool"),
        help("make states members before the first term starts, or start the rotation later")
    )]
    EmptyPool {
        date: String,
        #[label("nobody to chair")]
        span: Span,
    },
    /// the first chair is not in the eligible pool
    #[error("`{party}` is not eligible to chair when the rotation starts")]
    #[diagnostic(
        code("charter::ineligible-first-chair"),
        help("on that day the eligible states are {pool}")
    )]
    IneligibleFirstChair {
        party: String,
        pool: String,
        #[label("not in the eligible pool")]
        span: Span,
    },
    /// a rotation lacks its first chair or term (a policy's, or one an amendment starts)
    #[error("this amendment starts a chair rotation with no `{missing}`")]
    #[diagnostic(
        code("charter::incomplete-rotation"),
        help("the rules in force before it have no rotation to change: state `first PARTY from YYYY-MM-DD` and `term N years`")
    )]
    AmendmentRotationIncomplete {
        /// The missing items, joined: `first` or `term`.
        missing: String,
        #[label("no rotation to amend")]
        span: Span,
    },
}

/// The diagnostics of the text's citations: quotes and clauses checked
/// against the source text.
#[derive(Debug, thiserror::Error, miette::Diagnostic, strum::EnumIter, strum::EnumMessage)]
pub enum CitationDiagnostic {
    /// the policy names a source text that is not there
    #[error("the source text `{path}` is not loaded")]
    #[diagnostic(
        code("charter::missing-source"),
        help("the path is relative to the policy file; put the legal text there, or correct the path")
    )]
    MissingSource {
        path: String,
        #[label("source not found")]
        span: Span,
    },
    /// the policy names a source text outside its own folder (an absolute path, a `..` that leaves the folder, or a symlink that leads out); it is not read
    #[error("the source text `{path}` is outside the policy's folder")]
    #[diagnostic(
        code("charter::source-outside-policy"),
        help("a policy reads its legal text only from its own folder and the folders below it: put the text there and name it by a relative path such as `source/text.txt`")
    )]
    SourceOutsidePolicy {
        path: String,
        #[label("{why}")]
        span: Span,
        /// How the path leaves the folder.
        why: String,
    },
    /// a `§` reference names a clause the source text does not have
    #[error("the source has no clause `§ {clause}`")]
    #[diagnostic(code("charter::unknown-clause"))]
    UnknownClause {
        clause: String,
        #[label("no such clause")]
        span: Span,
        #[help]
        help: String,
    },
    /// a quote does not appear verbatim in the source text
    #[error("this quote does not appear in the source text")]
    #[diagnostic(code("charter::quote-not-in-source"))]
    QuoteNotInSource {
        #[label("not found verbatim")]
        span: Span,
        #[help]
        help: Option<String>,
    },
    /// a quote that is in the source, but not in the clause its block
    /// cites: it would be credited to the wrong clause
    #[error("this quote is not in § {clause} of the source, the clause its block cites")]
    #[diagnostic(code("charter::quote-in-another-clause"))]
    QuoteInAnotherClause {
        clause: String,
        #[label("not in § {clause}")]
        span: Span,
        #[help]
        help: String,
    },
    /// warning: a normative sentence of the source that no block quotes
    #[error("a sentence of § {clause} is neither encoded nor marked non-normative: \"{sentence}\"")]
    #[diagnostic(
        code("charter::uncovered-sentence"),
        severity(Warning),
        help("quote it in the block that encodes it, or in a block with `non_normative \"reason\"`")
    )]
    UncoveredSentence {
        clause: String,
        sentence: String,
        #[label("in this source")]
        span: Span,
    },
}

/// Warnings about gaps in the text and doubtful records: the policy checks,
/// but a reader should look again.
#[derive(Debug, thiserror::Error, miette::Diagnostic, strum::EnumIter, strum::EnumMessage)]
pub enum LintDiagnostic {
    /// warning: a clause block quotes no sentence of its clause
    #[error("clause block `§ {clause}` quotes nothing")]
    #[diagnostic(
        code("charter::missing-quote"),
        severity(Warning),
        help("quote the sentence this block encodes (`quote \"...\"` before `{{`), so a reader can trace the rule to the text")
    )]
    MissingQuote {
        clause: String,
        #[label("no `quote`")]
        span: Span,
    },
    /// warning: a recorded decline of a chair turn when the rotation is not voluntary (it is ignored)
    #[error("`{party}` declines a chair turn, but the rotation is not voluntary")]
    #[diagnostic(
        code("charter::decline-not-voluntary"),
        severity(Warning),
        help("only a `voluntary` rotation lets a state decline its turn; the rotation skips nobody for this record")
    )]
    DeclineNotVoluntary {
        party: String,
        #[label("decline ignored")]
        span: Span,
    },
    /// warning (a default applied): no decision rule is written, so decisions are judged by consensus of the members present
    #[error("the policy writes no decision rule, so Charter judges decisions by consensus of the members present")]
    #[diagnostic(
        code("charter::decision-rule-defaulted"),
        severity(Warning),
        help("if the text states a rule, write it (`decisions by consensus of members present`, `decisions by simple majority`, ...); if it states none, write `decisions by unstated`, so that a decision the rule would settle is unknown rather than judged by a rule no source states")
    )]
    DecisionRuleDefaulted {
        #[label("no `decisions by ...` in this policy or its amendments")]
        span: Span,
    },
    /// warning: an `expect` that no warning of its code met
    #[error("`{code}` was expected but not reported")]
    #[diagnostic(
        code("charter::unfulfilled-expect"),
        severity(Warning),
        help("the text no longer gives this warning (a change fixed it): remove the `expect`")
    )]
    UnfulfilledExpect {
        code: String,
        #[label("no such warning in this policy's folder")]
        span: Span,
    },
    /// warning (gap in the text): consensus with no quorum, so one member present can decide
    #[error("the decision rule states no quorum, so a single member present can {decide}")]
    #[diagnostic(
        code("charter::no-quorum"),
        severity(Warning),
        help("if the text means a quorum, add it (`quorum 2/3` of members, or `quorum 5` members present); a drafter might propose one in an amendment")
    )]
    NoQuorum {
        /// `reach consensus`, or `decide` under another rule
        decide: &'static str,
        #[label("no quorum")]
        span: Span,
    },
    /// warning (gap in the text): a voluntary rotation that says nothing of every state declining
    #[error("the rotation is voluntary but the text does not say what happens when every eligible state declines")]
    #[diagnostic(
        code("charter::all-decline-unresolved"),
        severity(Warning),
        help("Charter leaves the chair vacant for that term; a drafter might add `when all decline outgoing stays` (or `vacant`) to the text")
    )]
    AllDeclineUnresolved {
        #[label("no rule for when all decline")]
        span: Span,
    },
    /// warning (gap in the text): an arrangement for a period, pending further decision, silent on what follows
    #[error("an arrangement for a fixed period, pending further decision, does not say what follows the period")]
    #[diagnostic(
        code("charter::open-ended-interim"),
        severity(Warning),
        help("the report flags it once the period has passed with no further decision recorded; a drafter might add `then continues` or `then lapses`")
    )]
    OpenEndedInterim {
        #[label("and after this?")]
        span: Span,
    },
    /// warning (gap in the text): a required cadence that does not say when it is counted from
    #[error("`{kind}` must meet every {every}, but the text does not say counted from when")]
    #[diagnostic(
        code("charter::ambiguous-cadence"),
        severity(Warning),
        help("Charter counts from the policy's adoption ({adopted}); a drafter might state it, e.g. `every ... from {adopted}`")
    )]
    AmbiguousCadence {
        kind: String,
        /// `2 years`.
        every: String,
        adopted: String,
        #[label("counted from when?")]
        span: Span,
    },
    /// warning: a decision admits as an observer a party that is a member that day
    #[error("decision `{decision}` admits `{party}` as an observer, but `{party}` is a member then")]
    #[diagnostic(
        code("charter::admits-a-member"),
        severity(Warning),
        help("an admission makes a party an observer only if it has no status; if the member became an observer, record `status {party} becomes observer on ... by meeting ... decision {decision}`")
    )]
    AdmitsAMember {
        decision: String,
        party: String,
        #[label("already a member")]
        span: Span,
    },
    /// warning: a record names a decision that is about something else
    #[error("this {what} names decision `{decision}`, which {about}")]
    #[diagnostic(
        code("charter::decision-unrelated"),
        severity(Warning),
        help("name the decision that decided it, or drop `by meeting ... decision ...` and let the audit judge it as a fact")
    )]
    DecisionUnrelated {
        /// `hand-over`, `change of status`, `application`.
        what: &'static str,
        decision: String,
        /// What the decision is about, as a clause.
        about: String,
        #[label("decided by an unrelated decision")]
        span: Span,
    },
    /// warning: a test asserts nothing
    #[error("test `{name}` asserts nothing")]
    #[diagnostic(
        code("charter::empty-test"),
        severity(Warning),
        help("add `assert EXPR`; a test without assertions always passes")
    )]
    EmptyTest {
        name: String,
        #[label("no `assert`")]
        span: Span,
    },
}

/// The diagnostics of amendments checked against the rules in force when
/// they were adopted (run on the lowered IR).
#[derive(Debug, thiserror::Error, miette::Diagnostic, strum::EnumIter, strum::EnumMessage)]
pub enum AmendDiagnostic {
    /// an amendment adopted by a decision that is not a valid amendment decision
    #[error("decision `{decision}` is of kind `{kind}`, not `amendment`")]
    #[diagnostic(
        code("charter::amendment-not-valid"),
        help("record the adopting decision with `kind amendment` in the history")
    )]
    NotAnAmendmentDecision {
        decision: String,
        kind: String,
        #[label("not an amendment decision")]
        span: Span,
    },
    /// an amendment adopted by a decision that is not a valid amendment decision
    #[error("decision `{decision}`, which adopted this amendment, is not valid")]
    #[diagnostic(
        code("charter::amendment-not-valid"),
        help("{reasons}; an amendment takes effect only when validly adopted")
    )]
    InvalidAdoption {
        decision: String,
        /// Why the decision is not valid, joined.
        reasons: String,
        #[label("invalid decision")]
        span: Span,
    },
    /// an amendment adopted by a decision at a meeting whose attendance is not recorded
    #[error("whether decision `{decision}`, which adopted this amendment, was valid is not known")]
    #[diagnostic(
        code("charter::amendment-adoption-unjudged"),
        severity(Warning),
        help("{reasons}; record who was present (`present ...`) at the meeting so the adoption can be judged; the amendment is applied as written")
    )]
    UnjudgedAdoption {
        decision: String,
        /// Why the decision is not judged.
        reasons: String,
        #[label("not judged")]
        span: Span,
    },
}

/// A stage met something an earlier stage should have ruled out: a bug in
/// Charter, never a guess.
#[derive(Debug, thiserror::Error, miette::Diagnostic, strum::EnumIter, strum::EnumMessage)]
pub enum InternalDiagnostic {
    /// a bug in Charter: a stage met something the earlier stages should have ruled out (please report it)
    #[error("the checker found no error in {what} but could not resolve all of it")]
    #[diagnostic(
        code("charter::internal"),
        help("this is a bug in Charter: please report it with the {what}")
    )]
    Unresolved {
        /// `this policy`, `the query`.
        what: &'static str,
        #[label("not resolved")]
        span: Span,
    },
}

/// Every code the checker reports, parser's included, once each, in the
/// order the stages run.
pub fn all_codes() -> Vec<CodeInfo> {
    let mut all = Vec::new();
    for stage in [
        codes_of::<charter_grammar::ParseDiagnostic>(),
        codes_of::<InternalDiagnostic>(),
        codes_of::<PackageDiagnostic>(),
        codes_of::<ResolveDiagnostic>(),
        codes_of::<TypeDiagnostic>(),
        codes_of::<WellFormedDiagnostic>(),
        codes_of::<CycleDiagnostic>(),
        codes_of::<TemporalDiagnostic>(),
        codes_of::<CitationDiagnostic>(),
        codes_of::<LintDiagnostic>(),
        codes_of::<AmendDiagnostic>(),
    ] {
        for info in stage {
            if !all.iter().any(|known: &CodeInfo| known.code == info.code) {
                all.push(info);
            }
        }
    }
    all
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_variant_declares_a_code_and_a_description() {
        let undescribed: Vec<String> = all_codes()
            .into_iter()
            .filter(|info| !info.code.starts_with("charter::") || info.description.is_empty())
            .map(|info| info.code)
            .collect();
        assert!(undescribed.is_empty(), "{undescribed:?}");
    }

    #[test]
    fn a_typed_diagnostic_keeps_its_labels_in_order_and_its_severity() {
        let d: charter_grammar::Diagnostic = WellFormedDiagnostic::OutOfOrder {
            why: "a term ends before it starts",
            span: Span::new(10, 12),
            first: Span::new(1, 3),
        }
        .into();
        assert_eq!(d.code, "charter::dates-out-of-order");
        assert!(d.is_error());
        assert_eq!(d.span(), Span::new(10, 12));
        assert_eq!(d.labels.len(), 2);
        let w: charter_grammar::Diagnostic = LintDiagnostic::NoQuorum {
            decide: "reach consensus",
            span: Span::new(0, 1),
        }
        .into();
        assert!(!w.is_error());
    }
}
