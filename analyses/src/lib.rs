//! Charter's analyses of checked policies, each a consumer of the
//! compiler's `Analysis` and `Program`: the audit of a recorded history
//! ([`report`]), what an amendment changes ([`diff`]), what the policy's
//! tests reach ([`coverage`]), the policy's HTML page ([`doc`]) and the
//! canonical layout ([`format`]). None reads a file or parses one again:
//! each reads the analysis's parse and the program's tables.

pub mod coverage;
pub mod diff;
pub mod doc;
pub mod format;
pub mod report;

use charter_compiler::Program;
use charter_runtime::ir::Day;
use charter_runtime::EvalError;

/// Why the audit could not be made.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ReportError {
    /// The horizon is further from the policy's adoption than a report looks.
    #[error("the horizon {until} is more than {years} years after the policy's adoption")]
    HorizonTooFar { until: Day, years: i64 },
    /// Evaluating the history raised an error.
    #[error(transparent)]
    Eval(#[from] EvalError),
}

/// The audit of `program`'s recorded history against its rules until
/// `until`, with the check's warnings as its last section when `lints`.
pub fn audit(program: &Program, until: Day, lints: bool) -> Result<report::Report, ReportError> {
    if until > report::max_horizon(program.bundle()) {
        return Err(ReportError::HorizonTooFar {
            until,
            years: report::MAX_HORIZON_YEARS,
        });
    }
    let analysis = program.analysis();
    let warnings: Vec<report::Warnings<'_>> = if lints {
        analysis
            .files()
            .iter()
            .zip(analysis.diagnostics())
            .map(|(source, diagnostics)| report::Warnings {
                file: &source.name,
                text: &source.text,
                diagnostics,
            })
            .collect()
    } else {
        Vec::new()
    };
    Ok(report::build(
        program.bundle(),
        analysis.coverage().first(),
        &warnings,
        until,
    )?)
}

/// `program`'s HTML page (`charter doc`) showing `report`.
pub fn page(program: &Program, report: &report::Report) -> String {
    doc::page(program.analysis(), program.bundle(), report)
}

/// What `program`'s tests reach, recorded by the interpreter running them.
#[expect(
    clippy::expect_used,
    reason = "the interpreter was made recording just above, and a recording interpreter always has its coverage"
)]
pub fn test_coverage(program: &Program) -> coverage::TestCoverage {
    let recording = program.interpreter().recording_coverage();
    recording.run_tests();
    let reached = recording.coverage().expect("a recording interpreter");
    coverage::report(program.bundle(), program.analysis(), &reached)
}
