//! `charter test PATH`: run every `test` block of a policy package.

use std::path::PathBuf;

use super::{files, EXIT_FINDINGS, EXIT_OK, EXIT_USAGE};

#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  charter test policies/almaty\n  charter test policies/almaty --backend jit --run chair\n  charter test policies/almaty --coverage --threshold 60"
)]
pub struct TestArgs {
    /// A policy file, or a directory holding a policy with its amendments and history
    pub path: PathBuf,
    /// Evaluator: the reference interpreter (`interp`, the default) or native code compiled with cranelift (`jit`)
    #[arg(long, value_enum, default_value_t)]
    pub backend: super::Backend,
    /// Also say which rules, rule branches and clauses the tests exercised
    /// (recorded by the interpreter, whatever the backend)
    #[arg(long)]
    pub coverage: bool,
    /// Output format (JSON: the outcomes, and the coverage if asked)
    #[arg(long, value_enum, default_value_t)]
    pub format: super::Format,
    /// With --coverage: fail (exit 1) when less than PCT percent of the
    /// rules, rule arms and clauses together are reached
    #[arg(long, value_name = "PCT", requires = "coverage", value_parser = percent)]
    pub threshold: Option<f64>,
    /// Run only the tests whose name matches this regular expression
    #[arg(long, value_name = "REGEX", value_parser = regex_arg)]
    pub run: Option<regex::Regex>,
}

fn percent(text: &str) -> Result<f64, String> {
    match text.trim_end_matches('%').parse::<f64>() {
        Ok(p) if (0.0..=100.0).contains(&p) => Ok(p),
        Ok(_) | Err(_) => Err("a percentage from 0 to 100".to_string()),
    }
}

fn regex_arg(text: &str) -> Result<regex::Regex, String> {
    regex::Regex::new(text).map_err(|e| format!("not a regular expression: {e}"))
}

pub fn run(args: &TestArgs, out: &mut dyn std::io::Write, err: &mut dyn std::io::Write, color: bool) -> u8 {
    let program = match files::load_program(&args.path, err, color) {
        Ok(program) => program,
        Err(status) => return status,
    };
    let program = program.with_backend(match args.backend {
        super::Backend::Interp => charter::Backend::Interpreter,
        super::Backend::Jit => charter::Backend::Native,
    });
    // Coverage is what the interpreter reaches running the tests again.
    let coverage = args.coverage.then(|| charter::test_coverage(&program));
    let run = program.run_tests();
    if let Some(why) = run.interpreted.first() {
        let _ = writeln!(
            err,
            "note: {} test step(s) ran on the interpreter ({why})",
            run.interpreted.len()
        );
    }
    let all = run.outcomes.len();
    let outcomes: Vec<_> = run
        .outcomes
        .into_iter()
        .filter(|o| args.run.as_ref().is_none_or(|r| r.is_match(&o.name)))
        .collect();
    let filtered_out = all - outcomes.len();
    let mut text = String::new();
    let (mut passed, mut failed) = (0, 0);
    for outcome in &outcomes {
        if outcome.failures.is_empty() {
            passed += 1;
            text.push_str(&format!("ok     {}\n", outcome.name));
        } else {
            failed += 1;
            text.push_str(&format!("FAILED {}\n", outcome.name));
            for failure in &outcome.failures {
                text.push_str(&format!("  {failure}\n"));
            }
        }
    }
    if filtered_out > 0 {
        text.push_str(&format!(
            "{passed} passed, {failed} failed, {filtered_out} filtered out by --run\n"
        ));
    } else {
        text.push_str(&format!("{passed} passed, {failed} failed\n"));
    }
    if let Some(coverage) = &coverage {
        text.push_str(&charter::coverage::render(coverage));
    }
    // Rules called, arms taken and clauses exercised, of all of them.
    let below = coverage.as_ref().zip(args.threshold).and_then(|(c, threshold)| {
        let s = &c.summary;
        let all = s.rules + s.arms + s.clauses;
        let reached = s.rules_called + s.arms_taken + s.clauses_exercised;
        let pct = if all == 0 {
            100.0
        } else {
            100.0 * reached as f64 / all as f64
        };
        (pct < threshold).then(|| {
            format!(
                "coverage {pct:.1}% ({reached} of {all} rules, arms and clauses) is below the threshold {threshold}%"
            )
        })
    });
    if args.format == super::Format::Json {
        let tests: Vec<serde_json::Value> = outcomes
            .iter()
            .map(|o| serde_json::json!({ "name": o.name, "passed": o.failures.is_empty(), "failures": o.failures }))
            .collect();
        let mut doc =
            serde_json::json!({ "tests": tests, "passed": passed, "failed": failed, "filtered_out": filtered_out });
        if let (Some(coverage), Some(map)) = (&coverage, doc.as_object_mut()) {
            map.insert(
                "coverage".to_string(),
                serde_json::to_value(coverage).unwrap_or_default(),
            );
        }
        text = serde_json::to_string_pretty(&doc).unwrap_or_default();
        text.push('\n');
    }
    if write!(out, "{text}").is_err() {
        return EXIT_USAGE;
    }
    if let Some(below) = &below {
        let _ = writeln!(err, "{below}");
    }
    if failed > 0 || below.is_some() {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    }
}
