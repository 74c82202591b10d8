//! `charter check PATH...`: check files and report diagnostics, and with
//! `--coverage` which sentences of the legal text the policy encodes.

use std::path::PathBuf;

use charter::citations::{Coverage, CoverageState};
use charter::diagnostic::{render_human, JsonDiagnostic};

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
    /// Also report which sentences of the source's section 3 are covered,
    /// marked non-normative, or not covered
    #[arg(long)]
    pub coverage: bool,
}

pub fn run(args: &CheckArgs, out: &mut dyn std::io::Write, err: &mut dyn std::io::Write, color: bool) -> u8 {
    let paths = match files::collect(&args.paths) {
        Ok(paths) => paths,
        Err(e) => return usage_error(err, &e),
    };
    if paths.is_empty() {
        let paths = args.paths.clone();
        return usage_error(err, &files::FileError::NoFiles { paths });
    }
    let mut sources = Vec::new();
    for path in &paths {
        match files::read(path) {
            Ok(source) => sources.push(source),
            Err(e) => return usage_error(err, &e),
        }
    }
    let reported = sources.len();
    sources.extend(files::context_for(&paths, &sources));
    files::add_legal_texts(&mut sources);
    let analysis = charter::Analysis::new(sources);
    // The files named are reported in full; of the policy files loaded as
    // their context, only errors (they keep the named files from checking).
    let shown = analysis.diagnostics().iter().enumerate().map(|(i, diagnostics)| {
        if i < reported {
            diagnostics.clone()
        } else {
            diagnostics.iter().filter(|d| d.is_error()).cloned().collect()
        }
    });
    let (mut errors, mut warnings) = (0, 0);
    let mut json = Vec::new();
    let mut human = String::new();
    for (source, diagnostics) in analysis.files().iter().zip(shown) {
        let diagnostics = &diagnostics;
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
    let plural = |n: usize| if n == 1 { "" } else { "s" };
    let written = match args.format {
        Format::Json => {
            let doc = if args.coverage {
                serde_json::json!({ "diagnostics": json, "coverage": analysis.coverage() })
            } else {
                serde_json::json!(json)
            };
            serde_json::to_string_pretty(&doc)
                .map_err(std::io::Error::other)
                .and_then(|s| writeln!(out, "{s}"))
        }
        Format::Human => write!(err, "{human}")
            .and_then(|()| {
                writeln!(
                    err,
                    "checked {reported} file{}: {errors} error{}, {warnings} warning{}",
                    plural(reported),
                    plural(errors),
                    plural(warnings)
                )
            })
            .and_then(|()| match args.coverage {
                true if analysis.coverage().is_empty() => {
                    writeln!(out, "coverage: no policy here names its source text")
                }
                true => analysis
                    .coverage()
                    .iter()
                    .try_for_each(|c| write!(out, "{}", coverage_text(c))),
                false => Ok(()),
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

fn usage_error(err: &mut dyn std::io::Write, error: &files::FileError) -> u8 {
    crate::print_error(err, error);
    EXIT_USAGE
}

/// Coverage as a table: one line a sentence, then the totals.
pub fn coverage_text(coverage: &Coverage) -> String {
    let mut text = format!("coverage of {} by `{}`\n", coverage.scope(), coverage.policy);
    for sentence in &coverage.sentences {
        let (state, note) = match &sentence.state {
            CoverageState::Covered { by } => ("covered    ", format!(" (by {by})")),
            CoverageState::Marked { reason } => ("marked     ", format!(" (non-normative: {reason})")),
            CoverageState::NotCovered => ("NOT COVERED", String::new()),
        };
        let excerpt: String = sentence.text.chars().take(72).collect();
        let ellipsis = if sentence.text.chars().count() > 72 { "..." } else { "" };
        text.push_str(&format!(
            "  {state} § {:<6} \"{excerpt}{ellipsis}\"{note}\n",
            sentence.clause
        ));
    }
    let (covered, marked, missing) = coverage.counts();
    let total = covered + marked + missing;
    let percent = ((covered + marked) * 100).checked_div(total).unwrap_or(100);
    text.push_str(&format!(
        "{total} sentences: {covered} covered, {marked} marked non-normative, {missing} not covered ({percent}% covered or marked)\n"
    ));
    text
}
