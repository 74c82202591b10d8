//! Every diagnostic code the checker reports, with a one-line description.
//! Codes are stable: tools and tests match on them. `ALL` feeds the docs and
//! the test that every code has at least one case under `tests/cases/check/`.

pub use charter_grammar::limits::TOO_DEEP;
pub use charter_grammar::parse::codes::{INTERNAL, NUMBER_TOO_LARGE, SYNTAX};

macro_rules! codes {
    ($($name:ident = $code:literal : $what:literal;)*) => {
        $(#[doc = $what] pub const $name: &str = $code;)*
        /// `(code, description)` for every code, the parser's included.
        pub const ALL: &[(&str, &str)] = &[
            (SYNTAX, "the text does not follow the grammar"),
            (NUMBER_TOO_LARGE, "a number is too large to represent"),
            (TOO_DEEP, "brackets, `if`s or operators nest beyond the parser's limits"),
            (INTERNAL, "a bug in Charter: a stage met something the earlier stages should have ruled out (please report it)"),
            $(($code, $what),)*
        ];
    };
}

codes! {
    UNKNOWN_PARTY = "charter::unknown-party": "a name used as a party is not declared";
    DUPLICATE_PARTY = "charter::duplicate-party": "two parties share an identifier";
    UNKNOWN_RULE = "charter::unknown-rule": "a call names neither a rule nor a built-in query";
    DUPLICATE_RULE = "charter::duplicate-rule": "two rules share a name";
    UNKNOWN_MEETING = "charter::unknown-meeting": "a meeting kind is not declared";
    DUPLICATE_MEETING = "charter::duplicate-meeting": "two meeting kinds share a name";
    UNKNOWN_NAME = "charter::unknown-name": "a name in an expression means nothing here";
    UNKNOWN_TYPE = "charter::unknown-type": "a type name is not one of Charter's types";
    UNKNOWN_FIELD = "charter::unknown-field": "a record has no field of that name";
    MISSING_FIELD = "charter::missing-field": "a record lacks a field it needs";
    DUPLICATE_FIELD = "charter::duplicate-field": "a record gives the same field twice, or a decision more than one subject";
    TYPE_MISMATCH = "charter::type-mismatch": "a value has the wrong type for where it is used";
    WRONG_ARITY = "charter::wrong-arity": "a call passes the wrong number of arguments";
    DUPLICATE_NAME = "charter::duplicate-name": "a parameter or local name is bound twice, or a party is named like a status, decision kind or class of parties";
    RECURSIVE_RULE = "charter::recursive-rule": "rules call each other in a cycle, so evaluation might not end";
    CALL_CHAIN_TOO_DEEP = "charter::call-chain-too-deep": "a chain of rule calls longer than the evaluator's limit";
    INVALID_DATE = "charter::invalid-date": "a date that is not on the calendar";
    DATES_OUT_OF_ORDER = "charter::dates-out-of-order": "an interval or sequence of dates runs backwards";
    OVERLAPPING_INTERVALS = "charter::overlapping-intervals": "two statements cover the same party or term over overlapping dates";
    NON_POSITIVE_DURATION = "charter::non-positive-duration": "a term, cadence or period is zero";
    DURATION_OUT_OF_RANGE = "charter::duration-out-of-range": "a term shorter than a month, or a term, cadence or period longer than 100 years";
    DEADLINE_BEFORE_ADOPTION = "charter::deadline-before-adoption": "a deadline or start falls before the policy was adopted";
    EMPTY_ROTATION_POOL = "charter::empty-rotation-pool": "no state is eligible to chair when the rotation starts";
    INELIGIBLE_FIRST_CHAIR = "charter::ineligible-first-chair": "the first chair is not in the eligible pool";
    INCOMPLETE_ROTATION = "charter::incomplete-rotation": "a rotation lacks its first chair or term (a policy's, or one an amendment starts)";
    DUPLICATE_STATEMENT = "charter::duplicate-statement": "a statement that may appear once appears twice";
    UNKNOWN_STRENGTH = "charter::unknown-strength": "an obligation strength other than `must` or `should`";
    UNKNOWN_LANGUAGE = "charter::unknown-language": "an alphabetical order in a language Charter cannot collate";
    UNKNOWN_DECISION_RULE = "charter::unknown-decision-rule": "a decision rule other than `consensus`";
    UNKNOWN_DECISION_KIND = "charter::unknown-decision-kind": "a decision kind is not declared";
    UNKNOWN_PARTY_CLASS = "charter::unknown-party-class": "an observer class is neither a class of parties nor a party";
    UNKNOWN_ORG_KIND = "charter::unknown-org-kind": "an organization kind other than `international` or `regional`, or a kind on a state";
    UNKNOWN_STATUS = "charter::unknown-status": "a status other than `member`, `pending`, `observer`, `invited`, `none`";
    INVALID_QUORUM = "charter::invalid-quorum": "a quorum of zero, or a ratio that is not a fraction between 0 and 1";
    MISSING_HEADER_FIELD = "charter::missing-header-field": "a policy header lacks its adoption date";
    UNKNOWN_POLICY = "charter::unknown-policy": "an amendment or history names a policy that is not loaded";
    DUPLICATE_POLICY = "charter::duplicate-policy": "two policy files share a title";
    UNKNOWN_RECORD = "charter::unknown-record": "a history meeting or decision that is not recorded";
    DUPLICATE_RECORD = "charter::duplicate-record": "two history records share an identifier";
    AMENDMENT_NOT_AUTHORIZED = "charter::amendment-not-authorized": "an amendment adopted at a meeting whose kind may not amend";
    AMENDMENT_NOT_VALID = "charter::amendment-not-valid": "an amendment adopted by a decision that is not a valid amendment decision";
    MISSING_SOURCE = "charter::missing-source": "the policy names a source text that is not there";
    QUOTE_NOT_IN_SOURCE = "charter::quote-not-in-source": "a quote does not appear verbatim in the source text";
    UNKNOWN_CLAUSE = "charter::unknown-clause": "a `§` reference names a clause the source text does not have";
    UNCOVERED_SENTENCE = "charter::uncovered-sentence": "warning: a normative sentence of the source that no block quotes";
    NO_QUORUM = "charter::no-quorum": "warning (gap in the text): consensus with no quorum, so one member present can decide";
    ALL_DECLINE_UNRESOLVED = "charter::all-decline-unresolved": "warning (gap in the text): a voluntary rotation that says nothing of every state declining";
    OPEN_ENDED_INTERIM = "charter::open-ended-interim": "warning (gap in the text): an arrangement for a period, pending further decision, silent on what follows";
    AMBIGUOUS_CADENCE = "charter::ambiguous-cadence": "warning (gap in the text): a required cadence that does not say when it is counted from";
    DECLINE_NOT_VOLUNTARY = "charter::decline-not-voluntary": "warning: a recorded decline of a chair turn when the rotation is not voluntary (it is ignored)";
    MISSING_QUOTE = "charter::missing-quote": "warning: a clause block quotes no sentence of its clause";
    EMPTY_TEST = "charter::empty-test": "warning: a test asserts nothing";
    OBJECTOR_NOT_PRESENT = "charter::objector-not-present": "warning: an objection or reservation by a party not recorded present";
}
