//! Under `--format json`, a command that fails says why on stdout too: the
//! errors it prints for a person on stderr are gathered here while it runs
//! and printed, when it fails, as one JSON document — `{"errors": [...]}`
//! for `eval`, `report` and `test`, the diagnostics array itself for
//! `check` — each error as `charter check --format json` prints a
//! diagnostic (`code`, `severity`, `message`, `help`, and `file`, `line`,
//! `column` where it has a place). Gathering is per thread, so commands
//! run side by side (the tests) do not mix their errors.

use std::cell::RefCell;

use charter::diagnostic::{Diagnostic, JsonDiagnostic};

thread_local! {
    static GATHERED: RefCell<Option<Vec<serde_json::Value>>> = const { RefCell::new(None) };
}

/// Runs `command`, gathering the errors it prints when `on`; returns its
/// exit status and what was gathered.
pub fn gather(on: bool, command: impl FnOnce() -> u8) -> (u8, Vec<serde_json::Value>) {
    if !on {
        return (command(), Vec::new());
    }
    let outer = GATHERED.with(|g| g.replace(Some(Vec::new())));
    let status = command();
    let gathered = GATHERED.with(|g| g.replace(outer)).unwrap_or_default();
    (status, gathered)
}

/// Gathers an error outside the checker (a file, facts, evaluation), if
/// errors are being gathered.
pub fn error(error: &dyn miette::Diagnostic) {
    push(|| {
        serde_json::json!({
            "code": error.code().map_or_else(|| "charter::error".to_string(), |c| c.to_string()),
            "severity": "error",
            "message": error.to_string(),
            "help": error.help().map(|h| h.to_string()),
        })
    });
}

/// Gathers the diagnostics of one file (or of the query, `<query>`), if
/// errors are being gathered.
pub fn diagnostics(diagnostics: &[Diagnostic], file: &str, text: &str) {
    for d in diagnostics {
        push(|| serde_json::to_value(JsonDiagnostic::new(d, file, text)).unwrap_or_default());
    }
}

fn push(value: impl FnOnce() -> serde_json::Value) {
    GATHERED.with(|g| {
        if let Some(list) = g.borrow_mut().as_mut() {
            list.push(value());
        }
    });
}

/// Prints what a failed command gathered on `out`: `{"errors": [...]}`, or
/// for `check` (whose JSON is a diagnostics array) the array itself.
pub fn print(out: &mut dyn std::io::Write, gathered: Vec<serde_json::Value>, as_array: bool) {
    let doc = if as_array {
        serde_json::Value::Array(gathered)
    } else {
        serde_json::json!({ "errors": gathered })
    };
    let _ = writeln!(out, "{}", serde_json::to_string_pretty(&doc).unwrap_or_default());
}
