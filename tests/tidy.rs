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
    let undocumented: Vec<String> = sources(&[
        "grammar", "compiler", "native", "analyses", "runtime", "charter", "server", "cli", "benches",
    ])
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
fn only_the_cli_and_facade_crates_read_files_or_print() {
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
    for path in sources(&["grammar", "compiler", "native", "analyses", "runtime"]) {
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
    assert!(
        found.is_empty(),
        "IO outside the CLI and facade crates:\n{}",
        found.join("\n")
    );
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
    let mut codes: std::collections::BTreeSet<String> = charter_compiler::codes::all()
        .into_iter()
        .map(|info| info.code)
        .collect();
    for path in sources(&["cli", "charter", "server"]) {
        let text = std::fs::read_to_string(&path).expect("readable");
        codes.extend(codes_after(&text, "code(\"", '"'));
    }
    // The Python package names its codes as string literals.
    for path in sources(&["python"]) {
        let text = std::fs::read_to_string(&path).expect("readable");
        codes.extend(codes_after(&text, "\"", '"'));
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

/// A fenced block of a Markdown file: its language, first line and text.
struct Example {
    language: String,
    line: usize,
    text: String,
}

fn fenced_blocks(markdown: &str) -> Vec<Example> {
    let mut out = Vec::new();
    let mut current: Option<Example> = None;
    for (index, line) in markdown.lines().enumerate() {
        let fence = line.trim_start().strip_prefix("```");
        match (&mut current, fence) {
            (None, Some(language)) => {
                current = Some(Example {
                    language: language.trim().to_string(),
                    line: index + 1,
                    text: String::new(),
                })
            }
            (None, None) => {}
            (Some(_), Some(_)) => out.extend(current.take()),
            (Some(example), None) => {
                example.text.push_str(line);
                example.text.push('\n');
            }
        }
    }
    out
}

impl Example {
    /// The codes it says it shows (`// expect: CODE ...` on its first line).
    fn expected(&self) -> Vec<String> {
        let first = self.text.lines().next().unwrap_or_default().trim();
        first
            .strip_prefix("// expect:")
            .map(|codes| codes.split_whitespace().map(str::to_string).collect())
            .unwrap_or_default()
    }

    /// The first line that is not a comment.
    fn head(&self) -> &str {
        self.text
            .lines()
            .map(str::trim)
            .find(|l| !l.is_empty() && !l.starts_with("//"))
            .unwrap_or_default()
    }

    fn is_policy(&self) -> bool {
        self.head().starts_with("charter \"")
    }

    fn is_other_file(&self) -> bool {
        self.head().starts_with("amendment \"") || self.head().starts_with("history for")
    }

    /// The `source "PATH"` its policy header names, if any.
    fn source_path(&self) -> Option<&str> {
        let line = self.text.lines().map(str::trim).find(|l| l.starts_with("source \""))?;
        line.strip_prefix("source \"")?.split('"').next()
    }
}

/// One policy of the docs with the files and fragments that follow it.
#[derive(Default)]
struct RunningExample {
    line: usize,
    policy: String,
    others: Vec<charter_compiler::SourceFile>,
}

/// docs/language.md's examples, read in order. A policy block (one that
/// starts `charter "..."`) starts a running example; the amendment and
/// history blocks after it are its other files, and every other block is a
/// fragment of its policy, added in the order the reader meets it; a policy
/// that names a `source` gets the ```` ```text ```` block before it. Each
/// running example must check without error and pass its tests. A block marked
/// `// expect: CODE ...` must draw those codes instead: alone if it is a
/// whole policy, else added to the policy it follows.
#[test]
fn the_language_docs_examples_check() {
    use charter_compiler::SourceFile;
    let docs = std::fs::read_to_string(repo_dir().join("docs/language.md")).expect("docs/language.md");
    let blocks = fenced_blocks(&docs);
    let mut examples: Vec<RunningExample> = Vec::new();
    let mut expectations: Vec<(usize, Vec<String>, String)> = Vec::new();
    let mut last_text: Option<&Example> = None;
    for block in &blocks {
        if block.language == "text" {
            last_text = Some(block);
            continue;
        }
        if block.language != "charter" {
            continue;
        }
        let expected = block.expected();
        let current = examples.last_mut();
        match (expected.is_empty(), block.is_policy(), current) {
            (false, true, _) => expectations.push((block.line, expected, block.text.clone())),
            (false, false, Some(current)) => {
                expectations.push((block.line, expected, format!("{}\n{}", current.policy, block.text)))
            }
            (true, true, _) => {
                let mut example = RunningExample {
                    line: block.line,
                    policy: block.text.clone(),
                    others: Vec::new(),
                };
                if let (Some(path), Some(text)) = (block.source_path(), last_text) {
                    // Beside the assembled policy (`docs/...`), in its folder.
                    example
                        .others
                        .push(SourceFile::legal_text(format!("docs/{path}"), text.text.clone()));
                }
                examples.push(example);
            }
            (true, false, Some(current)) if block.is_other_file() => current.others.push(SourceFile::charter(
                format!("docs/language.md:{}", block.line),
                block.text.clone(),
            )),
            (true, false, Some(current)) => {
                current.policy.push('\n');
                current.policy.push_str(&block.text);
            }
            (_, false, None) => panic!("docs/language.md:{}: a fragment before any policy", block.line),
        }
    }
    assert!(!examples.is_empty(), "docs/language.md has a policy example");
    for example in &examples {
        let mut sources = vec![SourceFile::charter(
            format!("docs/language.md:{} (assembled)", example.line),
            example.policy.clone(),
        )];
        sources.extend(example.others.iter().cloned());
        let result = charter_compiler::check(&sources);
        let errors: Vec<String> = sources
            .iter()
            .zip(&result.diagnostics)
            .flat_map(|(source, diagnostics)| {
                diagnostics
                    .iter()
                    .filter(|d| d.is_error())
                    .map(move |d| format!("{}: {} {}", source.name, d.code, d.message))
            })
            .collect();
        assert!(
            errors.is_empty(),
            "the example starting at docs/language.md:{} does not check:\n{}\n--- policy as assembled ---\n{}",
            example.line,
            errors.join("\n"),
            example.policy
        ); // Its tests must hold too: the docs state what the examples mean.
        for bundle in &result.bundles {
            let failed: Vec<String> = charter_runtime::Interpreter::new(bundle)
                .run_tests()
                .into_iter()
                .filter(|t| !t.failures.is_empty())
                .map(|t| format!("{}: {}", t.name, t.failures.join("; ")))
                .collect();
            assert!(
                failed.is_empty(),
                "tests of the example at docs/language.md:{} fail:\n{}",
                example.line,
                failed.join("\n")
            );
        }
    }
    assert!(!expectations.is_empty(), "docs/language.md shows some errors");
    for (line, codes, text) in expectations {
        let result = charter_compiler::check(&[SourceFile::charter("example", text)]);
        let drawn: Vec<&str> = result.diagnostics.iter().flatten().map(|d| d.code.as_str()).collect();
        for code in &codes {
            assert!(
                drawn.contains(&code.as_str()),
                "the example at docs/language.md:{line} should draw {code}, drew {drawn:?}"
            );
        }
    }
}

/// docs/semantics.md: every `QUERY => VALUE` line of its example blocks is
/// what `charter eval policies/almaty --query QUERY --format json` answers,
/// and every ```` ```sh ```` block prints what it shows.
#[test]
fn the_semantics_docs_examples_give_what_they_say() {
    let docs = std::fs::read_to_string(repo_dir().join("docs/semantics.md")).expect("docs/semantics.md");
    let mut checked = 0;
    for block in fenced_blocks(&docs) {
        if block.language.is_empty() {
            for line in block.text.lines().filter(|l| l.contains("=>")) {
                let (query, rest) = line.split_once("=>").expect("a `=>` line");
                let expected = rest.split("  (").next().unwrap_or_default().trim();
                let almaty = repo_dir().join("policies/almaty").display().to_string();
                let (status, out, err) =
                    super::charter(&["eval", &almaty, "--query", query.trim(), "--format", "json"]);
                assert_eq!(status, 0, "{query}: {err}");
                let json: serde_json::Value = serde_json::from_str(&out).expect("JSON");
                let expected: serde_json::Value = serde_json::from_str(expected).expect("a JSON value in the docs");
                assert_eq!(json["value"], expected, "docs/semantics.md:{}: {query}", block.line);
                checked += 1;
            }
        } else if block.language == "sh" {
            let mut lines = block.text.lines();
            let mut command = String::new();
            for line in lines.by_ref() {
                command.push_str(line.trim_end_matches('\\').trim());
                command.push(' ');
                if !line.ends_with('\\') {
                    break;
                }
            }
            let words = shell_words(&command);
            assert_eq!(
                words.first().map(String::as_str),
                Some("charter"),
                "docs/semantics.md:{}",
                block.line
            );
            let args = from_the_repository(words.get(1..).unwrap_or_default());
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            let (_, out, _) = super::charter(&args);
            let expected: String = lines.map(|l| format!("{l}\n")).collect();
            assert_eq!(out, expected, "docs/semantics.md:{}: {command}", block.line);
            checked += 1;
        }
    }
    assert!(checked > 0, "docs/semantics.md has examples");
}

/// Splits a command line as a POSIX shell would for the simple quoting
/// the docs use: words separated by spaces, `'...'` kept whole.
fn shell_words(command: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut current = String::new();
    let mut quoted = false;
    for c in command.chars() {
        match c {
            '\'' => quoted = !quoted,
            ' ' if !quoted => {
                if !current.is_empty() {
                    words.push(std::mem::take(&mut current));
                }
            }
            other => current.push(other),
        }
    }
    if !current.is_empty() {
        words.push(current);
    }
    words
}

/// The README's `charter` commands run: each one whose arguments are all
/// literal (no `PATH`-style placeholder) exits 0 and prints the `# ` lines
/// that follow it, when it is followed by any. (`charter build` writes
/// files, and is run by the C example's test instead.)
#[test]
fn the_readme_commands_run_and_print_what_it_shows() {
    let readme = std::fs::read_to_string(repo_dir().join("README.md")).expect("README.md");
    let mut ran = 0;
    for block in fenced_blocks(&readme).iter().filter(|b| b.language == "sh") {
        let lines: Vec<&str> = block.text.lines().collect();
        let mut index = 0;
        while let Some(line) = lines.get(index) {
            index += 1;
            if !line.starts_with("charter ") {
                continue;
            }
            let mut command = String::new();
            let mut current = *line;
            loop {
                let code = current.split(" #").next().unwrap_or_default();
                command.push_str(code.trim_end_matches('\\').trim());
                command.push(' ');
                if !code.trim_end().ends_with('\\') {
                    break;
                }
                current = lines.get(index).copied().unwrap_or_default();
                index += 1;
            }
            let mut expected = String::new();
            while let Some(output) = lines
                .get(index)
                .and_then(|l| l.strip_prefix("# ").or(l.strip_prefix("#")))
            {
                if !lines.get(index).is_some_and(|l| l.starts_with('#')) {
                    break;
                }
                expected.push_str(output);
                expected.push('\n');
                index += 1;
            }
            let words = shell_words(&command);
            let placeholder = words.iter().any(|w| {
                w.ends_with("...") || w.starts_with('[') || (w.len() > 1 && w.chars().all(|c| c.is_ascii_uppercase()))
            });
            // `charter build` writes files, and `charter serve` runs until
            // stopped: the C example's test and the server's tests
            // (cli/tests/serve.rs, which asks the README's `curl`) run them.
            if placeholder || words.get(1).is_some_and(|w| w == "build" || w == "serve") {
                continue;
            }
            let args = from_the_repository(words.get(1..).unwrap_or_default());
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            let (status, out, err) = super::charter(&args);
            assert_eq!(status, 0, "README.md:{}: `{command}` failed: {err}", block.line);
            if !expected.is_empty() {
                assert_eq!(out, expected, "README.md:{}: `{command}`", block.line);
            }
            ran += 1;
        }
    }
    assert!(ran >= 1, "the README shows commands");
}

/// The README's report sample is the report's real lines in their real
/// order: every sample line is in the report (a line ending `...` stands
/// for any line that starts the same), after the one before it.
#[test]
fn the_readme_report_sample_is_in_the_real_order() {
    let readme = std::fs::read_to_string(repo_dir().join("README.md")).expect("README.md");
    let sample = fenced_blocks(&readme)
        .into_iter()
        .find(|b| b.language == "text" && b.text.contains("CHAIR:"))
        .expect("a report sample");
    let until = sample
        .text
        .lines()
        .find_map(|l| l.strip_prefix("report until "))
        .and_then(|rest| rest.get(..10))
        .expect("the sample says its horizon")
        .to_string();
    let almaty = repo_dir().join("policies/almaty").display().to_string();
    let (status, out, err) = super::charter(&["report", &almaty, "--until", &until]);
    assert_eq!(status, 0, "{err}");
    // File names print as given; the sample shows them from the repository.
    let out = out.replace(&format!("{}/", repo_dir().display()), "");
    let report: Vec<&str> = out.lines().collect();
    let mut at = 0;
    for line in sample.text.lines().filter(|l| l.trim() != "...") {
        let (wanted, prefix) = match line.split_once("...") {
            Some((start, _)) => (start.trim_end(), true),
            None => (line, false),
        };
        let found = report
            .iter()
            .skip(at)
            .position(|r| if prefix { r.starts_with(wanted) } else { *r == wanted });
        let Some(offset) = found else {
            panic!(
                "README.md:{}: `{line}` is not in the report after line {at}:\n{out}",
                sample.line
            );
        };
        at += offset + 1;
    }
}

/// Every file the docs name in backticks (`docs/facts.md`, `hir.rs`,
/// `c/main.c`) is in the repository: the path from the root, or the end of
/// some file's path (the codemap names files inside the crate it is about).
#[test]
fn the_docs_name_no_missing_file() {
    let mut files: Vec<String> = Vec::new();
    let mut stack = vec![repo_dir()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("readable dir") {
            let path = entry.expect("entry").path();
            let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default();
            if name.starts_with('.') || name == "target" {
                continue;
            }
            if path.is_dir() {
                stack.push(path);
            } else {
                files.push(relative(&path));
            }
        }
    }
    let extensions = [
        ".md", ".rs", ".charter", ".txt", ".json", ".c", ".h", ".pest", ".toml", ".trycmd",
    ];
    // The files of docs/language.md's worked example, which a reader makes.
    let examples = ["lake-commission.charter", "source/rules-2020.txt"];
    let mut missing = Vec::new();
    for doc in [
        "README.md",
        "ARCHITECTURE.md",
        "BENCHMARKS.md",
        "docs/language.md",
        "docs/semantics.md",
        "docs/facts.md",
        "docs/server.md",
    ] {
        let Ok(text) = std::fs::read_to_string(repo_dir().join(doc)) else {
            missing.push(doc.to_string());
            continue;
        };
        for (index, token) in text.split('`').enumerate() {
            // Odd pieces are inside backticks.
            let named = index % 2 == 1
                && extensions.iter().any(|e| token.ends_with(e))
                && !token.contains(char::is_whitespace)
                && !token.contains('*')
                && !token.starts_with('.')
                && !examples.contains(&token);
            if named && !files.iter().any(|f| f == token || f.ends_with(&format!("/{token}"))) {
                missing.push(format!("{doc}: `{token}`"));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "the docs name files that are not there: {missing:?}"
    );
}

/// The rows of the Markdown table under `heading`: each row's cells, with
/// backticks removed.
fn table_rows(markdown: &str, heading: &str) -> Vec<Vec<String>> {
    markdown
        .split(heading)
        .nth(1)
        .unwrap_or_default()
        .lines()
        .skip_while(|l| !l.starts_with('|'))
        .take_while(|l| l.starts_with('|'))
        .skip(2)
        .map(|l| {
            l.trim_matches('|')
                .split('|')
                .map(|cell| cell.trim().replace('`', ""))
                .collect()
        })
        .collect()
}

/// docs/language.md lists the built-in queries, the record fields and the
/// statuses exactly as the runtime's tables (`ir::Builtin::ALL`,
/// `ir::Field::MEETING`/`DECISION`/`VIOLATION`, `ir::Status::ALL`) have
/// them, in the same order.
#[test]
fn the_language_docs_list_the_runtime_tables() {
    use charter_runtime::ir::{Builtin, Field, Status};
    let docs = std::fs::read_to_string(repo_dir().join("docs/language.md")).expect("docs/language.md");
    let builtins: Vec<String> = table_rows(&docs, "### 2.8 Built-in queries")
        .iter()
        .filter_map(|row| row.first()?.split('(').next().map(str::to_string))
        .collect();
    let expected: Vec<String> = Builtin::ALL.iter().map(|b| b.name().to_string()).collect();
    assert_eq!(builtins, expected, "docs/language.md § 2.8");

    let mut fields: Vec<(String, String)> = Vec::new();
    let mut record = String::new();
    for row in table_rows(&docs, "### 2.7 Record fields") {
        if let Some(name) = row.first().filter(|c| !c.is_empty()) {
            record = name.clone();
        }
        fields.extend(row.get(1).map(|f| (record.clone(), f.clone())));
    }
    let expected: Vec<(String, String)> = [
        ("meeting", &Field::MEETING[..]),
        ("decision", &Field::DECISION[..]),
        ("violation", &Field::VIOLATION[..]),
    ]
    .iter()
    .flat_map(|(record, list)| list.iter().map(|f| (record.to_string(), f.name().to_string())))
    .collect();
    assert_eq!(fields, expected, "docs/language.md § 2.7");

    let statuses: Vec<String> = table_rows(&docs, "### 2.5 Rules and types")
        .iter()
        .find(|row| row.first().is_some_and(|c| c == "status"))
        .and_then(|row| row.get(1))
        .map(|cell| cell.split(", ").map(str::to_string).collect())
        .unwrap_or_default();
    let expected: Vec<String> = Status::ALL.iter().map(|s| s.name().to_string()).collect();
    assert_eq!(statuses, expected, "docs/language.md § 2.5, the `status` type");
}

/// Command-line words as the docs write them, with paths made absolute:
/// the docs' paths are relative to the repository.
fn from_the_repository(words: &[String]) -> Vec<String> {
    words
        .iter()
        .map(|w| {
            let path = repo_dir().join(w);
            if w.contains('/') && path.exists() {
                path.display().to_string()
            } else {
                w.clone()
            }
        })
        .collect()
}

/// The `charter` program (every subcommand and the language server), the
/// benchmark, the Python package and the embedding example reach a policy only through the
/// facade crate `charter`: their manifests name no stage crate, and no
/// source of theirs names one.
#[test]
fn consumers_reach_policies_only_through_the_facade() {
    let stages = ["charter-compiler", "charter-grammar", "charter-runtime"];
    for consumer in ["cli", "server", "benches", "python"] {
        let manifest = std::fs::read_to_string(repo_dir().join(consumer).join("Cargo.toml")).expect("a manifest");
        let named: Vec<&str> = stages
            .iter()
            .copied()
            .filter(|stage| manifest.lines().any(|l| l.trim_start().starts_with(stage)))
            .collect();
        assert!(named.is_empty(), "{consumer}/Cargo.toml depends on {named:?}");
        assert!(
            manifest
                .lines()
                .any(|l| l.trim_start().starts_with("charter.workspace")),
            "{consumer} depends on the facade"
        );
    }
    let mut found = Vec::new();
    let mut files = sources(&["cli", "server", "benches", "python"]);
    files.push(repo_dir().join("examples/embed.rs"));
    files.push(repo_dir().join("benches/benches/workloads.rs"));
    for path in files {
        let text = std::fs::read_to_string(&path).expect("readable");
        for (n, line) in text.lines().enumerate() {
            if let Some(stage) = stages.iter().find(|s| line.contains(&s.replace('-', "_"))) {
                found.push(format!("{}:{}: {stage}", relative(&path), n + 1));
            }
        }
    }
    assert!(
        found.is_empty(),
        "a consumer reaches a stage crate:\n{}",
        found.join("\n")
    );
}

/// The workspace's crates depend on each other as ARCHITECTURE.md draws
/// them: its `crate-graph` block lists each crate's dependencies on the
/// others, and every manifest says exactly that (dev-dependencies aside).
#[test]
fn crate_graph_is_as_drawn() {
    let architecture = std::fs::read_to_string(repo_dir().join("ARCHITECTURE.md")).expect("ARCHITECTURE.md");
    let block = fenced_blocks(&architecture)
        .into_iter()
        .find(|b| b.language == "crate-graph")
        .expect("ARCHITECTURE.md has a crate-graph block");
    let drawn: std::collections::BTreeMap<String, std::collections::BTreeSet<String>> = block
        .text
        .lines()
        .filter_map(|line| line.split_once(':'))
        .map(|(name, deps)| {
            (
                name.trim().to_string(),
                deps.split_whitespace().map(str::to_string).collect(),
            )
        })
        .collect();
    let root = std::fs::read_to_string(repo_dir().join("Cargo.toml")).expect("Cargo.toml");
    let members: Vec<String> = root
        .lines()
        .find_map(|l| l.trim().strip_prefix("members = "))
        .expect("workspace members")
        .trim_matches(|c| c == '[' || c == ']')
        .split(',')
        .map(|m| m.trim().trim_matches('"').to_string())
        .filter(|m| m != "tests")
        .collect();
    let mut found = std::collections::BTreeMap::new();
    for member in &members {
        let manifest = std::fs::read_to_string(repo_dir().join(member).join("Cargo.toml")).expect("a manifest");
        let name = manifest
            .lines()
            .find_map(|l| l.trim().strip_prefix("name = "))
            .expect("a package name")
            .trim_matches('"')
            .to_string();
        // The [dependencies] table only.
        let deps: std::collections::BTreeSet<String> = manifest
            .split("\n[")
            .find(|section| section.starts_with("dependencies]"))
            .unwrap_or_default()
            .lines()
            .filter_map(|l| l.split_once(".workspace").map(|(dep, _)| dep.trim().to_string()))
            .filter(|dep| dep == "charter" || dep.starts_with("charter-"))
            .collect();
        found.insert(name, deps);
    }
    assert_eq!(
        found, drawn,
        "the manifests (left) against ARCHITECTURE.md's crate graph (right)"
    );
}

/// The modules of each crate import one another one way: no file reaches,
/// through `crate::` and `super::` paths, a file that reaches it back (the
/// crate root, which declares and re-exports the modules, aside).
#[test]
fn no_import_cycle_between_modules() {
    use std::collections::{BTreeMap, BTreeSet};
    let mut cycles = Vec::new();
    for krate in [
        "grammar", "compiler", "native", "analyses", "runtime", "charter", "server", "cli", "benches",
    ] {
        let src = repo_dir().join(krate).join("src");
        let files: Vec<PathBuf> = sources(&[krate]);
        let rel = |p: &std::path::Path| {
            p.strip_prefix(&src)
                .map(|r| r.to_string_lossy().replace('\\', "/"))
                .unwrap_or_default()
        };
        let roots = ["lib.rs", "main.rs"];
        let known: BTreeSet<String> = files.iter().map(|p| rel(p)).collect();
        // A module path (`a::b`) from `dir` as the file it names, if any.
        let file_of = |dir: &str, segments: &[&str]| -> Option<String> {
            for n in (1..=segments.len()).rev() {
                let base = segments[..n].join("/");
                let base = if dir.is_empty() { base } else { format!("{dir}/{base}") };
                for candidate in [format!("{base}.rs"), format!("{base}/mod.rs")] {
                    if known.contains(&candidate) {
                        return Some(candidate);
                    }
                }
            }
            None
        };
        let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for path in &files {
            let me = rel(path);
            if roots.contains(&me.as_str()) {
                continue;
            }
            let text = std::fs::read_to_string(path).expect("readable");
            // The directory `super::` names: a `mod.rs`'s parent's, or the file's own.
            let own_dir = me.rsplit_once('/').map_or("", |(d, _)| d).to_string();
            let parent_dir = if me.ends_with("mod.rs") {
                own_dir.rsplit_once('/').map_or("", |(d, _)| d).to_string()
            } else {
                own_dir.clone()
            };
            let code: String = text
                .lines()
                .filter(|l| !l.trim_start().starts_with("//"))
                .collect::<Vec<_>>()
                .join("\n");
            for (prefix, dir) in [("crate::", ""), ("super::", parent_dir.as_str())] {
                for (at, _) in code.match_indices(prefix) {
                    for path in module_paths(&code[at + prefix.len()..]) {
                        let segments: Vec<&str> = path.iter().map(String::as_str).collect();
                        if let Some(target) = file_of(dir, &segments) {
                            if target != me && !roots.contains(&target.as_str()) {
                                edges.entry(me.clone()).or_default().insert(target);
                            }
                        }
                    }
                }
            }
        }
        // Every pair of files that reach each other.
        let reach = |from: &String| -> BTreeSet<String> {
            let mut seen = BTreeSet::new();
            let mut stack = vec![from.clone()];
            while let Some(f) = stack.pop() {
                for next in edges.get(&f).into_iter().flatten() {
                    if seen.insert(next.clone()) {
                        stack.push(next.clone());
                    }
                }
            }
            seen
        };
        for a in edges.keys() {
            for b in reach(a) {
                if a < &b && reach(&b).contains(a) {
                    cycles.push(format!("{krate}/src/{a} <-> {krate}/src/{b}"));
                }
            }
        }
    }
    assert!(
        cycles.is_empty(),
        "modules that import each other:\n{}",
        cycles.join("\n")
    );
}

/// The module paths a `crate::`/`super::` path names from its text on:
/// one (`a::b::C`), or one per item of a group (`{a, b::{C, D}}`).
fn module_paths(rest: &str) -> Vec<Vec<String>> {
    let ident = |t: &str| -> Vec<String> {
        t.split(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':'))
            .next()
            .unwrap_or_default()
            .split("::")
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect()
    };
    let Some(group) = rest.strip_prefix('{') else {
        return vec![ident(rest)];
    };
    // The group's items at depth 0, up to its closing brace.
    let (mut depth, mut item, mut items) = (0usize, String::new(), Vec::new());
    for c in group.chars() {
        match c {
            '{' => depth += 1,
            '}' if depth == 0 => break,
            '}' => depth -= 1,
            ',' if depth == 0 => {
                items.push(std::mem::take(&mut item));
                continue;
            }
            _ => {}
        }
        item.push(c);
    }
    items.push(item);
    items
        .iter()
        .map(|i| ident(i.trim()))
        .filter(|p| !p.is_empty())
        .collect()
}

/// The library and CLI code is body-neutral: no body under policies/ is
/// named in it (by its folder's name, or the reference text's own word
/// "modalities"), outside a path to the repository's policies in a doc
/// example and the crates' own unit tests. A body's words belong in its
/// policy and history, where the report quotes them from.
#[test]
fn no_body_is_named_in_library_or_cli_code() {
    let mut names: Vec<String> = std::fs::read_dir(repo_dir().join("policies"))
        .expect("policies/")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.is_dir())
        .filter_map(|p| p.file_name().map(|n| n.to_string_lossy().to_string()))
        .filter_map(|n| n.split('-').next().map(str::to_lowercase))
        .collect();
    assert!(names.len() >= 5, "the bodies under policies/: {names:?}");
    names.push("modalities".to_string());
    let mut found = Vec::new();
    for path in sources(&["grammar", "compiler", "native", "analyses", "runtime", "charter", "cli"]) {
        let text = std::fs::read_to_string(&path).expect("readable");
        for (n, line) in text.lines().enumerate() {
            if line.trim_start().starts_with("#[cfg(test)]") {
                break;
            }
            if line.contains("policies/") {
                continue;
            }
            let lower = line.to_lowercase();
            let words: Vec<&str> = lower.split(|c: char| !c.is_alphanumeric()).collect();
            if let Some(name) = names.iter().find(|name| words.contains(&name.as_str())) {
                found.push(format!("{}:{}: `{name}`: {}", relative(&path), n + 1, line.trim()));
            }
        }
    }
    assert!(
        found.is_empty(),
        "a body named in library or CLI code:\n{}",
        found.join("\n")
    );
}
