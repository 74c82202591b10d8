//! Paths -> source files for the subcommands: finding, reading and writing
//! files is the facade's (`charter::files`); this module adds what the
//! program prints when loading fails.

use std::path::Path;

pub use charter::files::*;
use charter::SourceFile;

/// Reads the `.charter` files of a policy file or directory; on failure,
/// writes why and returns the exit status.
pub fn load_sources(path: &Path, err: &mut dyn std::io::Write) -> Result<Vec<SourceFile>, u8> {
    policy_sources(path).map_err(|e| {
        crate::print_error(err, &e);
        crate::EXIT_USAGE
    })
}

/// Writes the diagnostics of a failed check and returns the exit status:
/// 1 for errors in the policy, 2 when the path holds no single policy.
pub fn report_check_failure(
    path: &Path,
    sources: &[SourceFile],
    result: &charter::CheckResult,
    err: &mut dyn std::io::Write,
    color: bool,
) -> u8 {
    for (source, diagnostics) in sources.iter().zip(&result.diagnostics) {
        crate::json_errors::diagnostics(diagnostics, &source.name, &source.text);
        let _ = write!(
            err,
            "{}",
            charter::diagnostic::render_human(diagnostics, &source.name, &source.text, color)
        );
    }
    if result.errors() > 0 {
        return crate::EXIT_FINDINGS;
    }
    let error = if result.bundles.is_empty() {
        crate::error::CliError::NoPolicy(path.display().to_string())
    } else {
        crate::error::CliError::ManyPolicies {
            path: path.display().to_string(),
            count: result.bundles.len(),
        }
    };
    crate::print_error(err, &error);
    crate::EXIT_USAGE
}

/// Checks `sources` (read from `path`) into a program; on failure, writes
/// the diagnostics and returns the exit status.
pub fn program(
    path: &Path,
    sources: Vec<SourceFile>,
    err: &mut dyn std::io::Write,
    color: bool,
) -> Result<charter::Program, u8> {
    let analysis = charter::Analysis::new(sources);
    analysis
        .program()
        .ok_or_else(|| report_check_failure(path, analysis.files(), analysis.result(), err, color))
}

/// Reads and checks the policy in a policy file or a directory into a
/// program; on failure, writes the diagnostics and returns the exit status.
pub fn load_program(path: &Path, err: &mut dyn std::io::Write, color: bool) -> Result<charter::Program, u8> {
    let sources = load_sources(path, err)?;
    program(path, sources, err, color)
}
