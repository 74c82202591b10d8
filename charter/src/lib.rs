//! Charter's one API, as `cedar-policy` stands over `cedar-policy-core`:
//! load a policy folder (or files held in memory) into a checked
//! [`Program`], then ask it questions — built-in queries and rules by name,
//! or query text prepared once and evaluated many times with facts. The
//! `charter` program, its language server, the benchmark and embedding
//! programs all reach a policy through this crate.
//!
//! ```no_run
//! let program = charter::load("policies/almaty")?;
//! let day = charter::date::parse("2016-01-01").expect("a date");
//! let chair = program.call("chair", &[charter::Value::Date(day)])?;
//! assert_eq!(chair.value.to_text(program.bundle()), "KGZ");
//!
//! let facts = charter::Facts::none();
//! let query = program.prepare("next_chair(2016-01-01)", &facts).map_err(charter::QueryFailed)?;
//! assert_eq!(query.eval(&facts)?.value.to_text(program.bundle()), "TJK");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! A [`Program`] is immutable, `Send + Sync` and cheap to clone: one check
//! answers every question asked of it, from any thread. Native code
//! (cranelift) is compiled on first native use ([`Backend::Native`]); the
//! interpreter is the reference and answers whatever native code cannot.

pub mod files;

/// Quotes against the legal text: how a quote and a sentence are compared
/// (whitespace and typography folded), and the coverage of its clauses.
pub mod citations {
    pub use charter_compiler::citations::{confined, fold, legal_text_name, normalized, Coverage, CoverageState};
}

/// The audit of a recorded history against the rules (`charter report`;
/// docs/findings.md): [`audit`] makes one.
pub mod report {
    pub use charter_analyses::report::{
        max_horizon, render_text, Finding, FindingCode, Report, Severity, MAX_HORIZON_YEARS,
    };
    pub use charter_analyses::ReportError;
}

/// What an amendment changes, in the body's terms (`charter diff`;
/// docs/diff.md): two analyses, compared.
pub mod diff {
    pub use charter_analyses::diff::{decisions, diff, normalized, render, Diff, Input};
}

/// Native code's entry points for programs that ask many questions at once
/// (the batch calls over columns of days, decisions and attendances), as
/// `Program::native` compiles them; `NONE` is the "no party" / "no day"
/// they answer with, `UNKNOWN_VALUE` (a party or day) and `UNKNOWN_ANSWER`
/// (a truth) what they give where the sources leave the answer open.
pub mod native {
    pub use charter_native::fold::{NONE, UNKNOWN_ANSWER, UNKNOWN_VALUE};
    pub use charter_native::{header_word, record_words, Attendance, DecisionRecord, Jit, NativeCode};
}

/// What a policy's own tests reach (`charter test --coverage`):
/// [`test_coverage`] makes one.
pub mod coverage {
    pub use charter_analyses::coverage::{render, TestCoverage};
}

pub use charter_compiler::did_you_mean;
pub use charter_compiler::program::{ObjectFiles, TestRun};
pub use charter_compiler::set_parallel;
pub use charter_runtime::interp::TestOutcome;

/// Lays out a Charter file the one canonical way (`charter fmt`): only
/// whitespace changes, and the result must parse to the same tree.
pub fn format(text: &str) -> Result<String, FormatError> {
    charter_analyses::format::format(text)
}

/// Diagnostics as the `charter` program renders them.
pub mod diagnostic {
    pub use charter_grammar::diagnostic::{render_human, JsonDiagnostic, Severity};
    pub use charter_grammar::Diagnostic;
}

use std::path::Path;

pub use charter_analyses::format::FormatError;
pub use charter_analyses::{audit, page, test_coverage};
pub use charter_compiler::program::{MeetingInfo, Name, NameKind, PartyFacts, PartyInfo, Symbol, SymbolKind};
pub use charter_compiler::{
    Analysis, Answer, Backend, CheckResult, EvalFailure, Facts, Prepared, Program, SourceFile, SourceKind,
};
pub use charter_grammar::ast::Span;
pub use charter_grammar::diagnostic::Severity;
pub use charter_grammar::KEYWORDS;
pub use charter_runtime::facts::FactError;
/// The IR the policy lowers to: parties, kinds, meetings and decisions as
/// values a query takes.
pub use charter_runtime::ir;
pub use charter_runtime::ir::{Bundle, Day, PartyId};
pub use charter_runtime::{date, EvalError, Evaluator, Explanation, Interpreter, Outcome, QueryError, Unknown, Value};
pub use files::FileError;

/// One diagnostic with its places as a tool reads them: the file's name,
/// 1-based lines and columns (in characters) and byte spans.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Diagnostic {
    /// Stable, `charter::unknown-party`: docs/language.md § 3 lists them.
    pub code: String,
    pub severity: Severity,
    pub message: String,
    /// The file the diagnostic is in (for a query: `<query>`).
    pub file: String,
    /// The primary label's place (the first label), or the file's start.
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
    /// Every label, the primary one first.
    pub labels: Vec<Label>,
    pub help: Option<String>,
    /// For a warning the policy expects: the `expect`'s reason.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expected: Option<String>,
}

/// A place a diagnostic points at, with the text shown under it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Label {
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
    /// Byte offsets into the file's text.
    pub start: usize,
    pub end: usize,
    pub text: String,
}

impl Diagnostic {
    /// Places a checker diagnostic in the text of the file named `file`:
    /// its primary place as `charter check --format json` gives it, and
    /// every label.
    pub fn new(diagnostic: &charter_grammar::Diagnostic, file: &str, text: &str) -> Diagnostic {
        let json = charter_grammar::diagnostic::JsonDiagnostic::new(diagnostic, file, text);
        let lines = charter_grammar::diagnostic::LineIndex::new(text);
        let labels: Vec<Label> = diagnostic
            .labels
            .iter()
            .map(|label| {
                let (line, column) = lines.line_column(label.span.start);
                let (end_line, end_column) = lines.line_column(label.span.end);
                Label {
                    line,
                    column,
                    end_line,
                    end_column,
                    start: label.span.start,
                    end: label.span.end,
                    text: label.text.clone(),
                }
            })
            .collect();
        Diagnostic {
            code: json.code,
            severity: json.severity,
            message: json.message,
            file: json.file,
            line: json.line,
            column: json.column,
            end_line: json.end_line,
            end_column: json.end_column,
            labels,
            help: json.help,
            expected: json.expected,
        }
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// The IR of a program as a stable text dump (`charter ir`).
pub fn dump_ir(bundle: &Bundle) -> String {
    charter_runtime::dump::dump(bundle)
}

/// The signature of a built-in query as a drafter reads it (`chair(d:
/// date): party`); `None` for a name that is no built-in.
pub fn builtin_signature(name: &str) -> Option<String> {
    charter_compiler::builtin_signature(name)
}

/// The names of the built-in queries.
pub fn builtin_names() -> Vec<&'static str> {
    charter_compiler::builtin_names()
}

/// Every diagnostic of an analysis, file by file, each placed in its file.
pub fn diagnostics(analysis: &Analysis) -> Vec<Diagnostic> {
    analysis
        .files()
        .iter()
        .zip(analysis.diagnostics())
        .flat_map(|(file, list)| list.iter().map(|d| Diagnostic::new(d, &file.name, &file.text)))
        .collect()
}

/// The diagnostics of an analysis as the `charter` program prints them.
pub fn render(analysis: &Analysis, color: bool) -> String {
    analysis
        .files()
        .iter()
        .zip(analysis.diagnostics())
        .map(|(file, list)| charter_grammar::diagnostic::render_human(list, &file.name, &file.text, color))
        .collect()
}

/// Why a folder or a set of files did not become a [`Program`].
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum LoadError {
    /// A file could not be found or read.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Files(#[from] FileError),
    /// The files hold errors, or other than one policy.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Check(#[from] CheckFailed),
}

/// Files that did not check into one policy: the whole analysis, its
/// diagnostics placed in their files, and how many policies it found.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
#[error("{}", self.summary())]
#[diagnostic(code("charter::policy-does-not-check"))]
pub struct CheckFailed {
    pub analysis: Analysis,
    pub diagnostics: Vec<Diagnostic>,
}

impl CheckFailed {
    fn new(analysis: Analysis) -> CheckFailed {
        CheckFailed {
            diagnostics: diagnostics(&analysis),
            analysis,
        }
    }

    /// How many policies checked without error (a program needs one).
    pub fn policies(&self) -> usize {
        self.analysis.result().bundles.len()
    }

    fn summary(&self) -> String {
        let errors = self.analysis.errors();
        if errors > 0 {
            format!(
                "the policy does not check ({errors} errors):\n{}",
                render(&self.analysis, false)
            )
        } else {
            format!("expected one policy, found {}", self.policies())
        }
    }
}

/// A query that does not parse or check: its diagnostics, spans into the
/// query text.
#[derive(Debug, thiserror::Error)]
#[error("the query does not check: {}", .0.iter().map(|d| d.message.as_str()).collect::<Vec<_>>().join("; "))]
pub struct QueryFailed(pub Vec<charter_grammar::Diagnostic>);

/// Parses a facts document strictly (no duplicate keys, JSON only); decode
/// it against a program with [`Program::facts`].
pub fn parse_facts(text: &str) -> Result<serde_json::Value, FactError> {
    charter_runtime::facts::parse(text)
}

/// Reads, checks and analyses the policy in a file or directory (its
/// amendments, history and the legal texts it names), errors and all.
pub fn analyze(path: impl AsRef<Path>) -> Result<Analysis, FileError> {
    Ok(Analysis::new(files::policy_sources(path.as_ref())?))
}

/// Reads and checks the policy in a file or directory into a [`Program`].
pub fn load(path: impl AsRef<Path>) -> Result<Program, LoadError> {
    let analysis = analyze(path)?;
    analysis.program().ok_or_else(|| CheckFailed::new(analysis).into())
}

/// Checks files held in memory (name -> text) into a [`Program`]: a file a
/// policy names as its `source` (relative to the policy's own name) is its
/// legal text; every other file is Charter text. The same files on disk
/// give the same program as [`load`].
pub fn from_files<N: Into<String>, T: Into<String>>(
    files: impl IntoIterator<Item = (N, T)>,
) -> Result<Program, CheckFailed> {
    let mut sources: Vec<SourceFile> = files
        .into_iter()
        .map(|(name, text)| SourceFile::charter(name, text))
        .collect();
    let legal: Vec<String> = sources.iter().filter_map(files::named_legal_text).collect();
    for source in &mut sources {
        if legal.contains(&charter_compiler::citations::normalized(&source.name)) {
            source.kind = SourceKind::LegalText;
        }
    }
    let analysis = Analysis::new(sources);
    analysis.program().ok_or_else(|| CheckFailed::new(analysis))
}
