//! The Charter compiler: checks policy files and turns them into evaluators.
//!
//! The pipeline reads from the module names: [`package`] groups files,
//! `wellformed` checks literal values, `resolve` resolves names into the
//! resolved tree ([`hir`]), [`typeck`] checks types, [`cycles`] checks
//! that rules terminate, `temporal` checks how dates relate and `lints`
//! warns drafters (both on the resolved tree); each stage's diagnostics are an enum in [`diagnostics`];
//! [`check()`] runs them in order; [`lower`] turns a checked
//! package into the runtime's IR, and [`codegen`] compiles that to native
//! code. [`program`] keeps a check as a value: an [`Analysis`] of every
//! file (errors and all) and, for one policy that checked, a [`Program`]
//! that answers questions and prepared queries:
//!
//! ```no_run
//! let path = "policies/almaty/modalities-2013.charter";
//! let sources = vec![charter_compiler::SourceFile::charter(path, std::fs::read_to_string(path)?)];
//! let program = charter_compiler::Analysis::new(sources).program().ok_or("the policy has errors")?;
//! let day = charter_runtime::date::parse("2016-01-01").expect("a date");
//! let chair = program.call("chair", &[charter_runtime::Value::Date(day)])?.value;
//! assert_eq!(chair.to_text(program.bundle()), "KGZ");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! The library does no IO: it takes [`SourceFile`]s and returns values and
//! diagnostics. The facade crate `charter` reads policy folders and is what
//! programs embed.

mod amend;
mod check;
pub mod citations;
pub mod codes;
mod cycles;
mod diagnostics;
mod hir;
mod limits;
mod lints;
mod lower;
mod package;
pub mod program;
mod query;
mod resolve;
mod suggest;
mod temporal;
mod typeck;
mod types;
mod wellformed;

/// Native code (the `charter-native` crate), as the compiler's own stage.
pub use charter_native as codegen;
pub use charter_runtime::threads::set_parallel;
pub use check::CheckResult;
pub use package::{names_policy, SourceFile, SourceKind};
pub use program::{Analysis, Answer, Backend, EvalFailure, Facts, Prepared, Program};
pub use suggest::did_you_mean;

/// Checks a set of files together: a history or amendment is checked
/// against the policy it names, which must be among `files`. To keep the
/// checked packages and ask them questions, see [`Analysis`].
pub fn check(files: &[SourceFile]) -> CheckResult {
    check_threads(files, charter_runtime::threads::parallel())
}

/// [`check()`] on one thread, or on two where the files are large enough to
/// gain from it (whatever [`set_parallel`] says): the answer is the same.
pub fn check_threads(files: &[SourceFile], two: bool) -> CheckResult {
    check::with_parse(files, two, |parsed, helper| {
        check::analyze(files, &parsed, helper, lower::lower).0
    })
}

/// A built-in query's signature as a drafter reads it (`chair(d: date):
/// party`), for tools such as the language server; `None` for a name that
/// is no built-in.
pub fn builtin_signature(name: &str) -> Option<String> {
    let builtin = types::builtin(name)?;
    let params: Vec<String> = builtin
        .params
        .iter()
        .map(|(param, ty)| format!("{param}: {}", types::to_type(*ty)))
        .collect();
    Some(format!(
        "{name}({}): {}",
        params.join(", "),
        types::to_type(builtin.ret)
    ))
}

/// The names of the built-in queries.
pub fn builtin_names() -> Vec<&'static str> {
    charter_runtime::ir::Builtin::ALL.iter().map(|b| b.name()).collect()
}
