//! Charter's errors -> Python exceptions of `charter._types`, each with its
//! stable code (`charter::...`). Nothing here panics: an exception that
//! cannot be built is itself the error raised.

use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyList, PyModule};

/// Which exception class of `charter._types` is raised.
#[derive(Debug, Clone, Copy)]
pub enum Class {
    /// A wrong Python type or number of arguments (also a `TypeError`).
    Type,
    /// A value Charter cannot read (also a `ValueError`).
    Value,
    /// A file that cannot be read (also an `OSError`).
    File,
    /// Evaluation failed.
    Eval,
}

impl Class {
    fn name(self) -> &'static str {
        match self {
            Class::Type => "CharterTypeError",
            Class::Value => "CharterValueError",
            Class::File => "CharterFileError",
            Class::Eval => "EvalError",
        }
    }
}

static TYPES: PyOnceLock<Py<PyModule>> = PyOnceLock::new();

/// The module of the classes answers and errors are made of.
pub fn types(py: Python<'_>) -> PyResult<&Bound<'_, PyModule>> {
    TYPES
        .get_or_try_init(py, || py.import("charter._types").map(Bound::unbind))
        .map(|module| module.bind(py))
}

/// An exception of `class` with `code` and `message`.
pub fn error(py: Python<'_>, class: Class, code: &str, message: impl Into<String>, help: Option<&str>) -> PyErr {
    let message: String = message.into();
    let made = types(py)
        .and_then(|module| module.getattr(class.name()))
        .and_then(|class| class.call1((code, message, help)));
    match made {
        Ok(instance) => PyErr::from_value(instance),
        Err(e) => e,
    }
}

/// A wrong Python type where Charter expects a value of its own.
pub fn type_error(py: Python<'_>, message: impl Into<String>) -> PyErr {
    error(py, Class::Type, "charter::type-mismatch", message, None)
}

/// `charter::bad-facts` as a `ValueError`.
pub fn bad_facts(py: Python<'_>, message: impl Into<String>) -> PyErr {
    error(
        py,
        Class::Value,
        "charter::bad-facts",
        message,
        Some("docs/facts.md shows how each value is written"),
    )
}

/// "did you mean `X`?" for a name among `candidates`.
pub fn suggestion<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<String> {
    charter::did_you_mean(name, candidates).map(|best| format!("did you mean `{best}`?"))
}

/// The stable code of an error that carries one.
pub fn code_of(error: &dyn miette::Diagnostic) -> String {
    error
        .code()
        .map_or_else(|| "charter::internal".to_string(), |code| code.to_string())
}

/// A checker diagnostic as a `charter.Diagnostic`, rendered as the
/// `charter` program prints it.
pub fn diagnostic<'py>(
    py: Python<'py>,
    diagnostic: &charter::diagnostic::Diagnostic,
    file: &str,
    text: &str,
) -> PyResult<Bound<'py, PyAny>> {
    let placed = charter::Diagnostic::new(diagnostic, file, text);
    let rendered = charter::diagnostic::render_human(std::slice::from_ref(diagnostic), file, text, false);
    let severity = match placed.severity {
        charter::Severity::Error => "error",
        charter::Severity::Warning => "warning",
    };
    types(py)?.getattr("Diagnostic")?.call1((
        placed.code,
        severity,
        placed.message,
        placed.file,
        placed.line,
        placed.column,
        placed.end_line,
        placed.end_column,
        placed.help,
        rendered.trim_end().to_string(),
        placed.expected,
    ))
}

/// Every diagnostic of an analysis, file by file.
pub fn diagnostics<'py>(py: Python<'py>, analysis: &charter::Analysis) -> PyResult<Bound<'py, PyList>> {
    let list = PyList::empty(py);
    for (file, found) in analysis.files().iter().zip(analysis.diagnostics()) {
        for d in found {
            list.append(diagnostic(py, d, &file.name, &file.text)?)?;
        }
    }
    Ok(list)
}

/// `charter.CheckError` for files that did not check into one policy.
pub fn check_failed(py: Python<'_>, failed: &charter::CheckFailed) -> PyErr {
    let made = || -> PyResult<Bound<'_, PyAny>> {
        let list = diagnostics(py, &failed.analysis)?;
        let rendered = charter::render(&failed.analysis, false);
        let message = failed.to_string();
        let summary = message.lines().next().unwrap_or_default().trim_end_matches(':');
        let rendered = if rendered.trim().is_empty() {
            summary.to_string()
        } else {
            format!("{summary}:\n{}", rendered.trim_end())
        };
        types(py)?
            .getattr("CheckError")?
            .call1((code_of(failed), summary.to_string(), list, rendered))
    };
    match made() {
        Ok(instance) => PyErr::from_value(instance),
        Err(e) => e,
    }
}

/// `charter.QueryError` for a query that does not parse or check.
pub fn query_failed(py: Python<'_>, query: &str, found: &[charter::diagnostic::Diagnostic]) -> PyErr {
    let made = || -> PyResult<Bound<'_, PyAny>> {
        let list = PyList::empty(py);
        for d in found {
            list.append(diagnostic(py, d, "<query>", query)?)?;
        }
        let code = found
            .first()
            .map_or_else(|| "charter::internal".to_string(), |d| d.code.clone());
        let message = found.iter().map(|d| d.message.as_str()).collect::<Vec<_>>().join("; ");
        let rendered = charter::diagnostic::render_human(found, "<query>", query, false);
        types(py)?
            .getattr("QueryError")?
            .call1((code, message, list, rendered.trim_end().to_string()))
    };
    match made() {
        Ok(instance) => PyErr::from_value(instance),
        Err(e) => e,
    }
}

/// A failed load: files that cannot be read, or that do not check.
pub fn load_failed(py: Python<'_>, failed: &charter::LoadError) -> PyErr {
    match failed {
        charter::LoadError::Files(e) => error(py, Class::File, &code_of(e), e.to_string(), None),
        charter::LoadError::Check(e) => check_failed(py, e),
    }
}

/// A query by name that could not be answered.
pub fn query_error(py: Python<'_>, failed: &charter::QueryError) -> PyErr {
    match failed {
        charter::QueryError::UnknownQuery(name) => error(
            py,
            Class::Value,
            "charter::unknown-rule",
            failed.to_string(),
            suggestion(name, charter::builtin_names()).as_deref(),
        ),
        charter::QueryError::WrongArity { .. } => {
            error(py, Class::Type, "charter::wrong-arity", failed.to_string(), None)
        }
        charter::QueryError::Eval(e) => eval_error(py, e),
    }
}

/// An evaluation that raised an error (an unknown is an answer, not this).
pub fn eval_error(py: Python<'_>, failed: &charter::EvalError) -> PyErr {
    error(py, Class::Eval, "charter::eval", failed.to_string(), None)
}
