//! `charter check PATH...`: check files and report diagnostics.

use std::path::PathBuf;

use charter_grammar::diagnostic::{render_human, JsonDiagnostic};

use super::{files, Format, EXIT_FINDINGS, EXIT_OK, EXIT_USAGE};

#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// Files or directories (searched recursively for `*.charter`)
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// Output format
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
    /// Fail (exit 1) on warnings too
    #[arg(long)]
    pub deny_warnings: bool,
}

pub fn run(args: &CheckArgs, out: &mut dyn std::io::Write, err: &mut dyn std::io::Write, color: bool) -> u8 {
    let paths = match files::collect(&args.paths) {
        Ok(paths) => paths,
        Err(e) => return usage_error(err, &e.to_string()),
    };
    if paths.is_empty() {
        return usage_error(err, "no `.charter` files found in the paths given");
    }
    let mut sources = Vec::new();
    for path in &paths {
        match files::read(path) {
            Ok(source) => sources.push(source),
            Err(e) => return usage_error(err, &e.to_string()),
        }
    }
    let reported = sources.len();
    sources.extend(files::context_for(&paths, &sources));
    let result = crate::check(&sources);
    let shown = result.diagnostics.iter().take(reported);
    let (mut errors, mut warnings) = (0, 0);
    let mut json = Vec::new();
    let mut human = String::new();
    for (source, diagnostics) in sources.iter().zip(shown) {
        errors += diagnostics.iter().filter(|d| d.is_error()).count();
        warnings += diagnostics.iter().filter(|d| !d.is_error()).count();
        match args.format {
            Format::Json => json.extend(
                diagnostics
                    .iter()
                    .map(|d| JsonDiagnostic::new(d, &source.name, &source.text)),
            ),
            Format::Human => human.push_str(&render_human(diagnostics, &source.name, &source.text, color)),
        }
    }
    let written = match args.format {
        Format::Json => serde_json::to_string_pretty(&json)
            .map_err(std::io::Error::other)
            .and_then(|s| writeln!(out, "{s}")),
        Format::Human => write!(err, "{human}").and_then(|()| {
            writeln!(
                err,
                "checked {reported} file{}: {errors} error{}, {warnings} warning{}",
                if reported == 1 { "" } else { "s" },
                if errors == 1 { "" } else { "s" },
                if warnings == 1 { "" } else { "s" }
            )
        }),
    };
    if written.is_err() {
        return EXIT_USAGE;
    }
    if errors > 0 || (args.deny_warnings && warnings > 0) {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    }
}

fn usage_error(err: &mut dyn std::io::Write, message: &str) -> u8 {
    // Nothing more can be done if stderr itself is gone.
    let _ = writeln!(err, "error: {message}");
    EXIT_USAGE
}
