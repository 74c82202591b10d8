//! Invariants of the source tree, checked as tests (rust-analyzer's tidy
//! habit): each module says what it does, and only the CLI crate does IO.

use std::path::{Path, PathBuf};

use super::repo_dir;

/// Every `.rs` file under the library crates' and the CLI's `src/`.
fn sources(crates: &[&str]) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack: Vec<PathBuf> = crates.iter().map(|c| repo_dir().join(c).join("src")).collect();
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("readable src dir") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

fn relative(path: &Path) -> String {
    path.strip_prefix(repo_dir()).unwrap_or(path).display().to_string()
}

#[test]
fn every_module_opens_with_a_doc_line() {
    let undocumented: Vec<String> = sources(&["grammar", "compiler", "runtime", "cli"])
        .iter()
        .filter(|p| {
            let text = std::fs::read_to_string(p).expect("readable");
            !text.starts_with("//!")
        })
        .map(|p| relative(p))
        .collect();
    assert!(
        undocumented.is_empty(),
        "modules without a `//!` first line: {undocumented:?}"
    );
}

#[test]
fn only_the_cli_crate_reads_files_or_prints() {
    let forbidden = [
        "std::fs",
        "println!",
        "eprintln!",
        "print!(",
        "eprint!(",
        "stdout()",
        "stderr()",
    ];
    let mut found = Vec::new();
    for path in sources(&["grammar", "compiler", "runtime"]) {
        let text = std::fs::read_to_string(&path).expect("readable");
        for (n, line) in text.lines().enumerate() {
            let code = line.trim_start();
            if code.starts_with("//") {
                continue;
            }
            if let Some(word) = forbidden.iter().find(|w| code.contains(*w)) {
                found.push(format!("{}:{}: {word}", relative(&path), n + 1));
            }
        }
    }
    assert!(found.is_empty(), "IO outside the CLI crate:\n{}", found.join("\n"));
}

/// The `charter::` codes that appear in `text` after `prefix`, up to the
/// closing `close`.
fn codes_after(text: &str, prefix: &str, close: char) -> std::collections::BTreeSet<String> {
    text.match_indices(prefix)
        .filter_map(|(at, _)| {
            let rest = text.get(at + prefix.len()..)?;
            let end = rest.find(close)?;
            let code = rest.get(..end)?;
            code.starts_with("charter::").then(|| code.to_string())
        })
        .collect()
}

#[test]
fn every_code_is_documented_and_every_documented_code_exists() {
    // What the program can print: the checker's codes, and the codes the
    // CLI's error types declare.
    let mut codes: std::collections::BTreeSet<String> = charter_compiler::codes::ALL
        .iter()
        .map(|(code, _)| (*code).to_string())
        .collect();
    for path in sources(&["cli"]) {
        let text = std::fs::read_to_string(&path).expect("readable");
        codes.extend(codes_after(&text, "code(\"", '"'));
    }
    assert!(codes.contains("charter::bad-facts"), "the CLI's codes were found");
    let docs = std::fs::read_to_string(repo_dir().join("docs/language.md")).expect("docs/language.md");
    // The code tables: rows that start with a code.
    let documented = codes_after(&docs, "\n| `", '`');
    let undocumented: Vec<&String> = codes.difference(&documented).collect();
    let unknown: Vec<&String> = documented.difference(&codes).collect();
    assert!(
        undocumented.is_empty(),
        "codes missing from the tables in docs/language.md: {undocumented:?}"
    );
    assert!(
        unknown.is_empty(),
        "docs/language.md lists codes nothing reports: {unknown:?}"
    );
}
