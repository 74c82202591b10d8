//! `charter check PATH...`: check files and report diagnostics, and with
//! `--coverage` which sentences of the legal text the policy encodes.

use std::path::PathBuf;

use charter::citations::{Coverage, CoverageState};
use charter::diagnostic::{render_human, JsonDiagnostic};

use super::{files, EXIT_FINDINGS, EXIT_OK, EXIT_USAGE};

/// `charter check --format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum CheckFormat {
    /// Rendered diagnostics for people (on stderr)
    #[default]
    Human,
    /// One JSON document for tools
    Json,
    /// One line a diagnostic, `FILE:LINE:COLUMN: SEVERITY[CODE]: MESSAGE`, for editors and CI annotations
    Short,
    /// SARIF 2.1.0, for code scanning
    Sarif,
}

#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  charter check policies/almaty\n  charter check --deny-warnings --format short policies\n  charter check --coverage policies/almaty\n  charter check --format sarif policies > charter.sarif"
)]
pub struct CheckArgs {
    /// Files or directories (searched recursively for `*.charter`; `-`: a file's text on standard input)
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// Output format
    #[arg(long, value_enum, default_value_t)]
    pub format: CheckFormat,
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
    let (mut errors, mut warnings, mut expected) = (0, 0, 0);
    let mut json = Vec::new();
    let mut human = String::new();
    for (source, diagnostics) in analysis.files().iter().zip(shown) {
        // A warning the policy expects (`expect ... because ...`) is in
        // the JSON and SARIF (with its reason), not counted or printed.
        expected += diagnostics.iter().filter(|d| d.expected.is_some()).count();
        let diagnostics: Vec<_> = match args.format {
            CheckFormat::Json | CheckFormat::Sarif => diagnostics,
            CheckFormat::Short | CheckFormat::Human => {
                diagnostics.into_iter().filter(|d| d.expected.is_none()).collect()
            }
        };
        let diagnostics = &diagnostics;
        errors += diagnostics.iter().filter(|d| d.is_error()).count();
        warnings += diagnostics
            .iter()
            .filter(|d| !d.is_error() && d.expected.is_none())
            .count();
        match args.format {
            CheckFormat::Json | CheckFormat::Short | CheckFormat::Sarif => json.extend(
                diagnostics
                    .iter()
                    .map(|d| JsonDiagnostic::new(d, &source.name, &source.text)),
            ),
            CheckFormat::Human => human.push_str(&render_human(diagnostics, &source.name, &source.text, color)),
        }
    }
    let plural = |n: usize| if n == 1 { "" } else { "s" };
    let mut summary = format!(
        "checked {reported} file{}: {errors} error{}, {warnings} warning{}",
        plural(reported),
        plural(errors),
        plural(warnings)
    );
    if expected > 0 {
        summary.push_str(&format!(
            " ({expected} more expected by the policy: `charter report` lists them)"
        ));
    }
    let written = match args.format {
        CheckFormat::Short => json
            .iter()
            .try_for_each(|d| writeln!(out, "{}", short_line(d)))
            .and_then(|()| writeln!(err, "{summary}")),
        CheckFormat::Sarif => serde_json::to_string_pretty(&sarif(&json))
            .map_err(std::io::Error::other)
            .and_then(|s| writeln!(out, "{s}")),
        CheckFormat::Json => {
            let doc = if args.coverage {
                serde_json::json!({ "diagnostics": json, "coverage": analysis.coverage() })
            } else {
                serde_json::json!(json)
            };
            serde_json::to_string_pretty(&doc)
                .map_err(std::io::Error::other)
                .and_then(|s| writeln!(out, "{s}"))
        }
        CheckFormat::Human => write!(err, "{human}")
            .and_then(|()| writeln!(err, "{summary}"))
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

/// A diagnostic on one line: `FILE:LINE:COLUMN: SEVERITY[CODE]: MESSAGE`
/// (and ` (help: ...)` where it has one), as compilers print them.
fn short_line(d: &JsonDiagnostic) -> String {
    let mut line = format!(
        "{}:{}:{}: {}[{}]: {}",
        d.file,
        d.line,
        d.column,
        severity(d),
        d.code,
        d.message.replace('\n', " ")
    );
    if let Some(help) = &d.help {
        line.push_str(&format!(" (help: {})", help.replace('\n', " ")));
    }
    line
}

fn severity(d: &JsonDiagnostic) -> &'static str {
    match d.severity {
        charter::diagnostic::Severity::Error => "error",
        charter::diagnostic::Severity::Warning => "warning",
    }
}

/// The diagnostics as SARIF 2.1.0: one result each, with its rule (the
/// code), level and place.
fn sarif(diagnostics: &[JsonDiagnostic]) -> serde_json::Value {
    let mut codes: Vec<&str> = diagnostics.iter().map(|d| d.code.as_str()).collect();
    codes.sort_unstable();
    codes.dedup();
    let rules: Vec<serde_json::Value> = codes
        .iter()
        .map(|code| {
            serde_json::json!({
                "id": code,
                "shortDescription": { "text": format!("charter check: {code}") },
            })
        })
        .collect();
    let results: Vec<serde_json::Value> = diagnostics
        .iter()
        .map(|d| {
            let mut text = d.message.clone();
            if let Some(help) = &d.help {
                text.push_str(&format!("\nhelp: {help}"));
            }
            let mut result = serde_json::json!({
                "ruleId": d.code,
                "level": severity(d),
                "message": { "text": text },
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": { "uri": d.file.replace('\\', "/") },
                        "region": {
                            "startLine": d.line.max(1),
                            "startColumn": d.column.max(1),
                            "endLine": d.end_line.max(d.line).max(1),
                            "endColumn": if d.end_line > d.line { d.end_column.max(1) } else { d.end_column.max(d.column).max(1) },
                        }
                    }
                }],
            });
            // A warning the policy expects: suppressed in source, with
            // the `expect`'s reason as the justification.
            if let (Some(reason), Some(map)) = (&d.expected, result.as_object_mut()) {
                map.insert(
                    "suppressions".to_string(),
                    serde_json::json!([{ "kind": "inSource", "justification": reason }]),
                );
            }
            result
        })
        .collect();
    serde_json::json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": { "name": "charter", "version": env!("CARGO_PKG_VERSION"), "rules": rules } },
            "results": results,
        }]
    })
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
