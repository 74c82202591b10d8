//! The checker's diagnostics -> the list of their stable codes, each with a
//! one-line description. Codes are stable: tools and tests match on them.
//! The list is read off the stages' enums in [`crate::diagnostics`] (the
//! parser's included), never kept by hand; it feeds the docs test and the
//! test that every code has a case under `tests/cases/check/`.

pub use charter_grammar::CodeInfo;

/// Every code the checker can report, once each.
pub fn all() -> Vec<CodeInfo> {
    crate::diagnostics::all_codes()
}
