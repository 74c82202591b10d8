//! The syntax of the Charter language: the pest grammar (`charter.pest`, the
//! only definition of the syntax), the AST with byte spans, the parser from
//! text to AST, and the diagnostic type every stage of the compiler reports in.
//!
//! This crate knows nothing of meaning: it does not resolve names, check
//! types or evaluate anything. Tools that only need syntax (formatters,
//! editors) can depend on it alone.

pub mod ast;
pub mod diagnostic;
pub mod limits;
pub mod parse;

pub use diagnostic::{codes_of, CodeInfo, Diagnostic, JsonDiagnostic, Label, Severity};
pub use parse::{parse, parse_policy_header, parse_query, ParseDiagnostic, Parsed};
