//! `charter eval PATH --query EXPR`: answer one compliance question.

use std::path::PathBuf;

use charter::diagnostic::render_human;
use charter::Explanation;

use super::{files, Format, EXIT_FINDINGS, EXIT_OK, EXIT_USAGE};
use crate::error::CliError;

#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  charter eval policies/almaty --query 'chair(2016-01-01)'\n  charter eval policies/almaty --query 'valid(baku_declaration)' --explain\n  charter eval policies/almaty --query 'member(KAZ, d)' --facts facts.json --fail\n  echo 'next_chair(2016-01-01)' | charter eval policies/almaty --query -"
)]
pub struct EvalArgs {
    /// A policy file, or a directory holding a policy with its amendments and history (`-`: the policy's text on standard input)
    pub path: PathBuf,
    /// The expression to evaluate, e.g. `chair(2016-01-01)` (`-`: read it from standard input)
    #[arg(long)]
    pub query: String,
    /// A JSON file whose top-level keys become named values in the query (`-`: standard input)
    #[arg(long)]
    pub facts: Option<PathBuf>,
    /// Output format
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
    /// Explain the answer: the rules, facts and clauses that produced it
    #[arg(long)]
    pub explain: bool,
    /// Evaluator: the reference interpreter (`interp`, the default) or native code compiled with cranelift (`jit`)
    #[arg(long, value_enum, default_value_t)]
    pub backend: super::Backend,
    /// Exit 1 when the answer is false, none or an empty set (3 when it is unknown)
    #[arg(long, conflicts_with = "fail_defined")]
    pub fail: bool,
    /// Exit 1 when the answer is true, a value or a set with members (3 when it is unknown)
    #[arg(long)]
    pub fail_defined: bool,
}

/// Exit status of `eval --fail` or `--fail-defined` when the answer is
/// unknown: neither the answer that passes nor the one that fails.
pub const EXIT_UNKNOWN: u8 = 3;

pub fn run(args: &EvalArgs, out: &mut dyn std::io::Write, err: &mut dyn std::io::Write, color: bool) -> u8 {
    let stdin_users = [
        files::is_stdin(&args.path),
        args.query == files::STDIN,
        args.facts.as_deref().is_some_and(files::is_stdin),
    ];
    if stdin_users.iter().filter(|u| **u).count() > 1 {
        crate::print_error(
            err,
            &CliError::Usage {
                message: "standard input (`-`) can give only one of the policy, the query and the facts".to_string(),
                help: "put the others in files".to_string(),
            },
        );
        return EXIT_USAGE;
    }
    let query = if args.query == files::STDIN {
        match files::read_text(std::path::Path::new(files::STDIN)) {
            Ok(text) => text.trim_end().to_string(),
            Err(e) => {
                crate::print_error(err, &e);
                return EXIT_USAGE;
            }
        }
    } else {
        args.query.clone()
    };
    let sources = match files::load_sources(&args.path, err) {
        Ok(sources) => sources,
        Err(status) => return status,
    };
    let facts = match &args.facts {
        None => None,
        Some(path) => {
            let text = match files::read_text(path) {
                Ok(text) => text,
                Err(e) => {
                    crate::print_error(err, &e);
                    return EXIT_USAGE;
                }
            };
            match charter::parse_facts(&text) {
                Ok(json) => Some(json),
                Err(e) => {
                    crate::print_error(err, &CliError::bad_facts(path, &e));
                    return EXIT_FINDINGS;
                }
            }
        }
    };
    let backend = match args.backend {
        super::Backend::Jit => charter::Backend::Native,
        super::Backend::Interp => charter::Backend::Interpreter,
    };
    let program = match files::program(&args.path, sources, err, color) {
        Ok(program) => program.with_backend(backend),
        Err(status) => return status,
    };
    let facts = match facts.as_ref().map(|json| program.facts(json)).transpose() {
        Ok(facts) => facts.unwrap_or_else(charter::Facts::none),
        Err(e) => {
            let name = args.facts.as_deref().unwrap_or(std::path::Path::new("<facts>"));
            crate::print_error(err, &CliError::bad_facts(name, &e));
            return EXIT_FINDINGS;
        }
    };
    let prepared = match program.prepare(&query, &facts) {
        Ok(prepared) => prepared,
        Err(diagnostics) => {
            crate::json_errors::diagnostics(&diagnostics, "<query>", &query);
            let _ = write!(err, "{}", render_human(&diagnostics, "<query>", &query, color));
            return EXIT_FINDINGS;
        }
    };
    // Explanations are the interpreter's.
    let answer = if args.explain {
        prepared.explain(&facts)
    } else {
        prepared.eval(&facts)
    };
    let answer = match answer {
        Ok(answer) => answer,
        Err(e) => {
            let error = CliError::Eval {
                what: "query",
                message: e.to_string(),
            };
            crate::print_error(err, &error);
            return EXIT_FINDINGS;
        }
    };
    if let Some(why) = &answer.interpreted_because {
        let _ = writeln!(err, "note: using the interpreter: {why}");
    }
    let (value, explanation) = (answer.value, answer.explanation);
    let bundle = program.bundle();
    let text = match args.format {
        Format::Json => {
            let mut doc = serde_json::Map::new();
            doc.insert("value".to_string(), value.to_json(bundle));
            if let Some(e) = &explanation {
                doc.insert("explanation".to_string(), serde_json::to_value(e).unwrap_or_default());
            }
            serde_json::to_string_pretty(&doc).unwrap_or_default()
        }
        Format::Human => {
            let mut text = value.to_text(bundle);
            if let Some(e) = &explanation {
                text.push('\n');
                tree(e, 0, &mut text);
            }
            text
        }
    };
    if writeln!(out, "{}", text.trim_end()).is_err() {
        return EXIT_USAGE;
    }
    if !(args.fail || args.fail_defined) {
        return EXIT_OK;
    }
    // Defined: true, a value, a set with members.
    let defined = match &value {
        charter::Outcome::Unknown(_) => return EXIT_UNKNOWN,
        charter::Outcome::Known(known) => match known {
            charter::Value::Bool(b) => *b,
            charter::Value::None => false,
            charter::Value::Set(items) => !items.is_empty(),
            charter::Value::Int(_)
            | charter::Value::Date(_)
            | charter::Value::Duration(_)
            | charter::Value::Party(_)
            | charter::Value::Status(_)
            | charter::Value::MeetingKind(_)
            | charter::Value::DecisionKind(_)
            | charter::Value::Group(_)
            | charter::Value::Meeting(_)
            | charter::Value::Decision(_)
            | charter::Value::Violation(_) => true,
        },
    };
    if defined == args.fail_defined {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    }
}

/// An explanation as an indented tree, one fact a line, clause at the end.
fn tree(e: &Explanation, depth: usize, out: &mut String) {
    out.push_str(&"  ".repeat(depth));
    out.push_str(if depth == 0 { "" } else { "because " });
    out.push_str(&e.fact);
    if let Some(clause) = &e.clause {
        out.push_str(&format!("  [{clause}]"));
    }
    out.push('\n');
    for child in &e.because {
        tree(child, depth + 1, out);
    }
}
