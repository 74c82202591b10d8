//! The Charter compiler: checks policy files and turns them into evaluators.
//!
//! The pipeline reads from the module names: [`package`] groups files,
//! [`resolve`] resolves names, [`typeck`] checks types, [`cycles`] checks
//! that rules terminate, [`temporal`] checks dates, [`lints`] warns
//! drafters; [`check`] runs them in order. The library does no IO: only the
//! [`cli`] module reads files and prints.

pub mod amend;
pub mod check;
pub mod citations;
pub mod cli;
pub mod codegen;
pub mod codes;
pub mod cycles;
pub mod embed;
pub mod lints;
pub mod lower;
pub mod package;
pub mod query;
pub mod report;
pub mod resolve;
pub mod suggest;
pub mod temporal;
pub mod typeck;
pub mod types;

pub use check::{check, CheckResult};
pub use package::SourceFile;
