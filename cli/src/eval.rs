//! `charter eval PATH --query EXPR`: answer one compliance question.

use std::path::PathBuf;

use charter_grammar::diagnostic::render_human;
use charter_runtime::{Explanation, Interpreter};

use super::{files, Format, EXIT_FINDINGS, EXIT_OK, EXIT_USAGE};
use crate::error::CliError;
use charter_compiler::query::{self, QueryError};

#[derive(Debug, clap::Args)]
pub struct EvalArgs {
    /// A policy file, or a directory holding a policy with its amendments and history
    pub path: PathBuf,
    /// The expression to evaluate, e.g. `chair(2016-01-01)`
    #[arg(long)]
    pub query: String,
    /// A JSON file whose top-level keys become named values in the query
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
}

pub fn run(args: &EvalArgs, out: &mut dyn std::io::Write, err: &mut dyn std::io::Write, color: bool) -> u8 {
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
                    return EXIT_FINDINGS;
                }
            };
            match charter_runtime::facts::parse(&text) {
                Ok(json) => Some(json),
                Err(e) => {
                    crate::print_error(err, &CliError::bad_facts(path, &e));
                    return EXIT_FINDINGS;
                }
            }
        }
    };
    let compiled = match query::compile(&sources, &args.query, facts.as_ref()) {
        Ok(q) => q,
        Err(QueryError::Check(result)) => {
            return files::report_check_failure(&args.path, &sources, &result, err, color)
        }
        Err(QueryError::Facts(e)) => {
            let name = args.facts.as_deref().unwrap_or(std::path::Path::new("<facts>"));
            crate::print_error(err, &CliError::bad_facts(name, &e));
            return EXIT_FINDINGS;
        }
        Err(QueryError::Query(diagnostics)) => {
            let _ = write!(err, "{}", render_human(&diagnostics, "<query>", &args.query, color));
            return EXIT_FINDINGS;
        }
    };
    let interpreter = Interpreter::new(&compiled.bundle);
    let mut locals = compiled.facts.clone();
    let answer = if args.explain {
        // Explanations are the interpreter's.
        interpreter
            .explain(&compiled.expr, &mut locals)
            .map(|(v, e)| (v, Some(e)))
    } else {
        match native_answer(args.backend, &compiled, interpreter.tables(), err) {
            Some(answer) => answer.map(|v| (v, None)),
            None => interpreter.eval(&compiled.expr, &mut locals).map(|v| (v, None)),
        }
    };
    let (value, explanation) = match answer {
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
    let text = match args.format {
        Format::Json => {
            let mut doc = serde_json::Map::new();
            doc.insert("value".to_string(), value.to_json(&compiled.bundle));
            if let Some(e) = &explanation {
                doc.insert("explanation".to_string(), serde_json::to_value(e).unwrap_or_default());
            }
            serde_json::to_string_pretty(&doc).unwrap_or_default()
        }
        Format::Human => {
            let mut text = value.to_text(&compiled.bundle);
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
    EXIT_OK
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

/// The query answered by native code when `--backend jit` asks for it, or
/// `None` (with a note on stderr) when it cannot be compiled.
fn native_answer(
    backend: super::Backend,
    compiled: &query::Query,
    tables: &charter_runtime::Tables,
    err: &mut dyn std::io::Write,
) -> Option<Result<charter_runtime::Value, charter_runtime::EvalError>> {
    use charter_compiler::codegen::{lang, CallError, Jit};
    if backend != super::Backend::Jit {
        return None;
    }
    let locals = compiled
        .facts
        .iter()
        .map(|v| lang::NTy::of_value(v).map(lang::Local::Ty))
        .collect::<Result<Vec<_>, _>>();
    let query = match locals {
        Ok(locals) => lang::Query {
            expr: compiled.expr.clone(),
            locals,
        },
        Err(why) => {
            let _ = writeln!(err, "note: using the interpreter: a fact is not native ({why})");
            return None;
        }
    };
    let jit = match Jit::with_queries(&compiled.bundle, tables, std::slice::from_ref(&query)) {
        Ok(jit) => jit,
        Err(e) => {
            let _ = writeln!(err, "note: using the interpreter: {e}");
            return None;
        }
    };
    match jit.native().call_query(0, &compiled.facts, &compiled.bundle) {
        Ok(answer) => Some(answer),
        Err(CallError::NotNative(why)) => {
            let _ = writeln!(err, "note: using the interpreter: the query is not native ({why})");
            None
        }
        Err(e) => {
            let _ = writeln!(err, "note: using the interpreter: {e}");
            None
        }
    }
}
