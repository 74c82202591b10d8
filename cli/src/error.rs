//! Failures of the `charter` program outside the checker's diagnostics ->
//! one enum: file errors, facts, evaluation, native code and command-line
//! values. Each variant carries its stable code and help, so `print_error`
//! prints them all one way; docs/language.md § 3.2 lists the codes (a tidy
//! test keeps the two in step).

use std::path::Path;

use charter::FileError;

#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum CliError {
    #[error(transparent)]
    #[diagnostic(transparent)]
    File(#[from] FileError),
    #[error("{file}: {path}: {message}")]
    #[diagnostic(code("charter::bad-facts"), help("docs/facts.md shows how each value is written"))]
    BadFacts {
        file: String,
        path: String,
        message: String,
    },
    #[error("the {what} could not be evaluated: {message}")]
    #[diagnostic(code("charter::eval"))]
    Eval { what: &'static str, message: String },
    #[error("{0}")]
    #[diagnostic(
        code("charter::codegen"),
        help("`charter eval` and `charter test` answer without native code on the interpreter (`--backend interp`, the default); an object file needs the policy to compile")
    )]
    Codegen(String),
    #[error("`--until {0}` is not a date written YYYY-MM-DD")]
    #[diagnostic(code("charter::invalid-date"))]
    InvalidUntil(String),
    #[error("`--deny {code}` names no finding code")]
    #[diagnostic(code("charter::unknown-finding-code"))]
    UnknownFindingCode {
        code: String,
        #[help]
        help: String,
    },
    #[error("`--until {until}` is more than {years} years after the policy's adoption")]
    #[diagnostic(code("charter::horizon-too-far"), help("give an earlier `--until`"))]
    HorizonTooFar { until: String, years: i64 },
    #[error("git: {message}")]
    #[diagnostic(
        code("charter::git"),
        help("`--base` reads the policy through git: run it inside a git work tree, and name a revision it has (a branch, a tag or a commit)")
    )]
    Git { message: String },
    #[error("the language server stopped: {0}")]
    #[diagnostic(
        code("charter::lsp"),
        help("a message is `Content-Length: N` and a blank line, then N bytes (at most 64 MiB) of JSON-RPC")
    )]
    Lsp(String),
    #[error("{message}")]
    #[diagnostic(code("charter::usage"), help("{help}"))]
    Usage { message: String, help: String },
    #[error("`{0}` holds no policy")]
    #[diagnostic(code("charter::no-policy"))]
    NoPolicy(String),
    #[error("`{path}` holds {count} policies")]
    #[diagnostic(code("charter::many-policies"), help("name one policy file or its own directory"))]
    ManyPolicies { path: String, count: usize },
}

impl CliError {
    /// A facts file that does not fit, with where in the JSON.
    pub fn bad_facts(file: &Path, error: &charter::FactError) -> CliError {
        CliError::BadFacts {
            file: file.display().to_string(),
            path: error.path.clone(),
            message: error.message.clone(),
        }
    }
}
