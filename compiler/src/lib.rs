//! The Charter compiler: checks policy files and turns them into evaluators.
//!
//! The pipeline reads from the module names: [`package`] groups files,
//! `wellformed` checks literal values, `resolve` resolves names into the
//! resolved tree ([`hir`]), [`typeck`] checks types, [`cycles`] checks
//! that rules terminate, `temporal` checks how dates relate and `lints`
//! warns drafters (both on the resolved tree); each stage's diagnostics are an enum in [`diagnostics`];
//! [`check()`] runs them in order; [`lower`] turns a checked
//! package into the runtime's IR, and [`codegen`] compiles that to native
//! code. [`embed`] is the API for programs that embed a policy:
//!
//! ```no_run
//! use charter_runtime::Evaluator;
//! let path = "policies/almaty/modalities-2013.charter";
//! let sources = [charter_compiler::SourceFile::charter(path, std::fs::read_to_string(path)?)];
//! let policy = charter_compiler::embed::compile(&sources)?;
//! let day = charter_runtime::date::parse("2016-01-01").expect("a date");
//! assert_eq!(policy.chair(day)?, policy.party("KGZ"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! The library does no IO: it takes [`SourceFile`]s and returns values and
//! diagnostics. The `charter` program (crate `charter-cli`) reads files,
//! prints, and offers `charter_cli::load` to read a policy folder.

mod amend;
pub mod check;
pub mod citations;
pub mod codegen;
pub mod codes;
pub mod coverage;
mod cycles;
pub mod diagnostics;
pub mod diff;
pub mod doc;
pub mod embed;
pub mod format;
pub mod hir;
mod lints;
mod lower;
pub mod package;
pub mod program;
pub mod query;
pub mod report;
mod resolve;
pub mod suggest;
mod temporal;
mod threads;
mod typeck;
mod types;
mod wellformed;

pub use check::{check, CheckResult};
pub use package::{SourceFile, SourceKind};
pub use program::{Analysis, Answer, Backend, EvalFailure, Facts, Prepared, Program};
pub use threads::set_parallel;

/// A built-in query's signature as a drafter reads it (`chair(d: date):
/// party`), for tools such as the language server; `None` for a name that
/// is no built-in.
pub fn builtin_signature(name: &str) -> Option<String> {
    let builtin = types::builtin(name)?;
    let params: Vec<String> = builtin
        .params
        .iter()
        .map(|(param, ty)| format!("{param}: {}", ty.to_type()))
        .collect();
    Some(format!("{name}({}): {}", params.join(", "), builtin.ret.to_type()))
}

/// The names of the built-in queries.
pub fn builtin_names() -> Vec<&'static str> {
    types::BUILTINS.iter().map(|b| b.query.name()).collect()
}
