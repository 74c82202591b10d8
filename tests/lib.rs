//! Helpers shared by the data-driven tests: load a case (a file, or a
//! directory of files checked together), run the checker, render the result
//! the way `charter check` does, and read the case's stated expectation.
//!
//! A case states its expectation on its first line (in a directory case, in
//! `policy.charter`): `// expect: charter::unknown-party, charter::type-mismatch`
//! (the set of codes reported) or `// expect: ok` (no diagnostics at all).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use charter_compiler::{CheckResult, SourceFile};
use charter_grammar::diagnostic::{render_human, JsonDiagnostic};

/// `tests/cases` in the source tree.
pub fn cases_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("cases")
}

/// The repository root.
pub fn repo_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// A loaded case: its files, named relative to `tests/cases`, in sorted order.
pub struct Case {
    pub files: Vec<SourceFile>,
}

/// Loads a case file, or every `.charter` file of a case directory.
pub fn load_case(path: &Path) -> Case {
    let mut paths: Vec<PathBuf> = if path.is_dir() {
        std::fs::read_dir(path)
            .unwrap_or_else(|e| panic!("cannot list {}: {e}", path.display()))
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|e| e == "charter"))
            .collect()
    } else {
        vec![path.to_path_buf()]
    };
    paths.sort();
    let mut files: Vec<SourceFile> = paths
        .iter()
        .map(|p| {
            SourceFile::charter(
                p.display().to_string(),
                std::fs::read_to_string(p).unwrap_or_else(|e| panic!("cannot read {}: {e}", p.display())),
            )
        })
        .collect();
    charter_cli::files::add_legal_texts(&mut files);
    // Name files relative to tests/cases, so snapshots do not depend on
    // where the repository is checked out.
    let root = format!("{}/", cases_dir().display());
    for file in &mut files {
        file.name = file.name.strip_prefix(&root).unwrap_or(&file.name).to_string();
    }
    Case { files }
}

impl Case {
    /// The codes stated on the `// expect:` line; an empty set for `ok`.
    pub fn expected_codes(&self) -> BTreeSet<String> {
        let header = self
            .files
            .iter()
            .find(|f| f.name.ends_with("policy.charter"))
            .or_else(|| self.files.first())
            .and_then(|f| f.text.lines().next())
            .and_then(|line| line.strip_prefix("// expect:"))
            .unwrap_or_else(|| {
                panic!(
                    "case {:?} has no `// expect:` first line",
                    self.files.first().map(|f| &f.name)
                )
            });
        header
            .split(',')
            .map(str::trim)
            .filter(|c| !c.is_empty() && *c != "ok")
            .map(String::from)
            .collect()
    }

    pub fn check(&self) -> CheckResult {
        charter_compiler::check(&self.files)
    }

    /// Every diagnostic rendered as `charter check` shows it, without colour
    /// (a warning the policy expects is not shown).
    pub fn render_human(&self, result: &CheckResult) -> String {
        let mut out = String::new();
        for (file, diagnostics) in self.files.iter().zip(&result.diagnostics) {
            let shown: Vec<_> = diagnostics.iter().filter(|d| d.expected.is_none()).cloned().collect();
            out.push_str(&render_human(&shown, &file.name, &file.text, false));
        }
        out.push_str(&format!(
            "{} error(s), {} warning(s)\n",
            result.errors(),
            result.warnings()
        ));
        out
    }

    pub fn render_json(&self, result: &CheckResult) -> String {
        let records: Vec<JsonDiagnostic> = self
            .files
            .iter()
            .zip(&result.diagnostics)
            .flat_map(|(file, ds)| ds.iter().map(|d| JsonDiagnostic::new(d, &file.name, &file.text)))
            .collect();
        serde_json::to_string_pretty(&records).unwrap_or_default()
    }
}

/// The set of codes a check reported (not those of warnings the policy
/// expects).
pub fn reported_codes(result: &CheckResult) -> BTreeSet<String> {
    result
        .diagnostics
        .iter()
        .flatten()
        .filter(|d| d.expected.is_none())
        .map(|d| d.code.to_string())
        .collect()
}

/// One line of an `.eval` case: `[explain] QUERY [with FACTS.json] => JSON`.
pub struct EvalLine {
    pub explain: bool,
    pub query: String,
    pub facts: Option<String>,
    pub expected: serde_json::Value,
}

/// An `.eval` case: the policy it evaluates (`// policy: PATH`, relative to
/// the case file) and its lines.
pub struct EvalCase {
    pub policy: PathBuf,
    pub lines: Vec<EvalLine>,
}

pub fn load_eval_case(path: &Path) -> EvalCase {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let dir = path.parent().unwrap_or(Path::new("."));
    let mut policy = None;
    let mut lines = Vec::new();
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
        if let Some(rest) = line.strip_prefix("// policy:") {
            policy = Some(dir.join(rest.trim()));
            continue;
        }
        if line.starts_with("//") {
            continue;
        }
        let (lhs, expected) = line
            .split_once(" => ")
            .unwrap_or_else(|| panic!("no ` => ` in `{line}`"));
        let (explain, lhs) = match lhs.strip_prefix("explain ") {
            Some(rest) => (true, rest),
            None => (false, lhs),
        };
        let (query, facts) = match lhs.rsplit_once(" with ") {
            Some((q, f)) if f.ends_with(".json") => (q, Some(dir.join(f).display().to_string())),
            _ => (lhs, None),
        };
        lines.push(EvalLine {
            explain,
            query: query.to_string(),
            facts,
            expected: serde_json::from_str(expected).unwrap_or_else(|e| panic!("bad expected JSON in `{line}`: {e}")),
        });
    }
    EvalCase {
        policy: policy.unwrap_or_else(|| panic!("{} has no `// policy:` line", path.display())),
        lines,
    }
}

/// The sources of a policy file or directory.
pub fn policy_sources(path: &Path) -> Vec<SourceFile> {
    charter_cli::files::policy_sources(path).unwrap_or_else(|e| panic!("{e}"))
}

/// The folders in `dir`, sorted.
pub fn sorted_dirs(dir: &Path) -> Vec<PathBuf> {
    let mut folders: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("entry").path())
        .filter(|p| p.is_dir())
        .collect();
    folders.sort();
    folders
}

/// The folders under `policies/`, sorted.
pub fn policy_folders() -> Vec<PathBuf> {
    sorted_dirs(&repo_dir().join("policies"))
}
