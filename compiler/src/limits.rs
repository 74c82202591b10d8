//! The limits the checker enforces on what a policy may say, in one place
//! (the stages enforce them; the diagnostics quote them).

/// The longest chain of rule calls a policy may have, counting the rule
/// first called (a rule that calls no rule is a chain of 1).
pub const MAX_CALL_DEPTH: usize = 32;

/// The longest term, cadence or period: a century.
pub const MAX_DURATION_YEARS: i64 = 100;
