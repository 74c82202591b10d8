//! The editor support under `editors/vscode`: its TextMate grammar, run
//! over every file under `policies/` as an editor would, scopes comments,
//! strings, clause citations, dates, keywords, field accesses, type names
//! and party codes; every literal word of the language's grammar is a
//! keyword to it; the extension manifest names files that exist; and
//! `scripts/package-vscode` packages it into a `.vsix` without a question.

use std::collections::BTreeSet;
use std::path::Path;

use charter_tests::repo_dir;
use fancy_regex::Regex;

struct Grammar {
    /// (scope, pattern) in the grammar's order; the string's begin pattern is `"`.
    patterns: Vec<(String, Regex)>,
    string_scope: String,
}

fn load() -> Grammar {
    let path = repo_dir().join("editors/vscode/syntaxes/charter.tmLanguage.json");
    let json: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(path).expect("grammar")).expect("JSON");
    let repository = &json["repository"];
    let mut patterns = Vec::new();
    let mut string_scope = String::new();
    for include in json["patterns"].as_array().expect("patterns") {
        let name = include["include"].as_str().expect("include").trim_start_matches('#');
        let rule = &repository[name];
        let scope = rule["name"].as_str().expect("scope").to_string();
        if let Some(begin) = rule["begin"].as_str() {
            assert_eq!(
                (begin, rule["end"].as_str()),
                ("\"", Some("\"")),
                "only strings span begin/end"
            );
            string_scope = scope.clone();
            patterns.push((scope, Regex::new(begin).expect("begin")));
        } else {
            let pattern = rule["match"].as_str().expect("match");
            patterns.push((scope, Regex::new(pattern).unwrap_or_else(|e| panic!("{name}: {e}"))));
        }
    }
    Grammar { patterns, string_scope }
}

/// The scope of each byte of `line`, as a TextMate engine assigns them
/// (leftmost match first, then the first pattern); a string runs to its
/// unescaped closing quote.
fn scopes(grammar: &Grammar, line: &str) -> Vec<Option<String>> {
    let mut out = vec![None; line.len()];
    let mut at = 0;
    while at < line.len() {
        let mut best: Option<(usize, usize, &String)> = None;
        for (scope, regex) in &grammar.patterns {
            if let Ok(Some(m)) = regex.find_from_pos(line, at) {
                if m.end() > m.start() && best.is_none_or(|(s, _, _)| m.start() < s) {
                    best = Some((m.start(), m.end(), scope));
                }
            }
        }
        let Some((start, mut end, scope)) = best else { break };
        if *scope == grammar.string_scope {
            let bytes = line.as_bytes();
            let mut i = start + 1;
            while i < line.len() && bytes[i] != b'"' {
                i += if bytes[i] == b'\\' { 2 } else { 1 };
            }
            assert!(i < line.len(), "a string left open at the end of: {line}");
            end = i + 1;
        }
        for slot in &mut out[start..end.min(line.len())] {
            *slot = Some(scope.clone());
        }
        at = end;
    }
    out
}

/// Every word charter.pest matches literally: its `kw_` rules, its other
/// atomic words (`unstated`, `alternating`, ...) and the units of a
/// duration.
fn keywords() -> BTreeSet<String> {
    let pest = std::fs::read_to_string(repo_dir().join("grammar/charter.pest")).expect("charter.pest");
    let atomic = Regex::new(r#"(?m)^\w+\s*=\s*@\{\s*"(\w+)"\s*~\s*!ident_char"#).expect("regex");
    let mut words: BTreeSet<String> = atomic
        .captures_iter(&pest)
        .map(|c| c.expect("capture")[1].to_string())
        .collect();
    let units = Regex::new(r"(?m)^duration_unit\s*=\s*@\{\s*\(([^)]*)\)").expect("regex");
    let units = units.captures(&pest).expect("regex").expect("duration_unit");
    words.extend(units[1].split('|').map(|w| w.trim().trim_matches('"').to_string()));
    words
}

/// Words the checker reads from an identifier in one place each
/// (compiler/src/resolve.rs): a duty's strength, a decision rule, the
/// language of an alphabetical order. An editor shows them as keywords.
const CONTEXTUAL: [&str; 5] = ["must", "should", "consensus", "unanimity", "english"];

/// The type names of a rule's signature.
const TYPES: [&str; 7] = ["bool", "int", "date", "party", "meeting", "decision", "set"];

#[test]
fn the_textmate_grammar_scopes_every_policy() {
    let grammar = load();
    let keywords = keywords();
    assert!(keywords.len() > 80, "{}", keywords.len());
    for word in ["unstated", "alternating", "years", "month", "day"] {
        assert!(keywords.contains(word), "charter.pest's literal words miss `{word}`");
    }
    for keyword in keywords.iter().map(String::as_str).chain(CONTEXTUAL) {
        let scoped = scopes(&grammar, keyword);
        let scope = scoped[0].clone().unwrap_or_default();
        assert!(
            scoped.iter().all(|s| s.as_deref() == Some(scope.as_str()))
                && [
                    "keyword.control",
                    "keyword.operator",
                    "keyword.other",
                    "constant.language"
                ]
                .iter()
                .any(|k| scope.starts_with(k)),
            "keyword `{keyword}` is scoped {scope:?}"
        );
    }
    let word = Regex::new(r"\b[A-Za-z_][A-Za-z0-9_]*\b").expect("regex");
    let date = Regex::new(r"\b\d{4}-\d{2}-\d{2}\b").expect("regex");
    let mut lines = 0;
    for folder in std::fs::read_dir(repo_dir().join("policies")).expect("policies") {
        let folder = folder.expect("entry").path();
        for file in std::fs::read_dir(&folder).expect("folder") {
            let path = file.expect("entry").path();
            if path.extension().is_none_or(|e| e != "charter") {
                continue;
            }
            check_file(&grammar, &keywords, &word, &date, &path);
            lines += std::fs::read_to_string(&path).expect("read").lines().count();
        }
    }
    assert!(lines > 1000, "{lines}");
}

fn check_file(grammar: &Grammar, keywords: &BTreeSet<String>, word: &Regex, date: &Regex, path: &Path) {
    let text = std::fs::read_to_string(path).expect("read");
    let declared: BTreeSet<String> = Regex::new(r"(?m)^\s*(?:state|organization|civil_society)\s+([A-Z][A-Z0-9_]+)")
        .expect("regex")
        .captures_iter(&text)
        .map(|c| c.expect("capture")[1].to_string())
        .collect();
    for (n, line) in text.lines().enumerate() {
        let scoped = scopes(grammar, line);
        let at = |i: usize| scoped.get(i).cloned().flatten().unwrap_or_default();
        let place = format!("{}:{}: {line}", path.display(), n + 1);
        // Our own reading of the line: where strings and the comment are.
        let (mut in_string, mut escaped, mut comment) = (false, false, None);
        for (i, c) in line.char_indices() {
            if in_string {
                assert!(
                    at(i).starts_with("string"),
                    "{place}: byte {i} of a string is {:?}",
                    at(i)
                );
                if escaped {
                    escaped = false;
                } else if c == '\\' {
                    escaped = true;
                } else if c == '"' {
                    in_string = false;
                }
            } else if c == '"' {
                in_string = true;
                assert!(at(i).starts_with("string"), "{place}: a string's quote is {:?}", at(i));
            } else if line[i..].starts_with("//") {
                comment = Some(i);
                break;
            }
        }
        if let Some(start) = comment {
            assert!(
                (start..line.len()).all(|i| at(i).starts_with("comment")),
                "{place}: comment"
            );
        }
        let code_end = comment.unwrap_or(line.len());
        for m in word.find_iter(&line[..code_end]) {
            let m = m.expect("match");
            let scope = at(m.start());
            if ["string", "constant.numeric", "entity.name.section"]
                .iter()
                .any(|s| scope.starts_with(s))
            {
                continue;
            }
            let before = &line[..m.start()];
            if before.ends_with('.') && !before.ends_with("..") {
                assert!(
                    scope.starts_with("variable.other.member"),
                    "{place}: field `{}` is {scope:?}",
                    m.as_str()
                );
            } else if TYPES.contains(&m.as_str()) && (before.ends_with(": ") || before.ends_with('<')) {
                assert!(
                    scope.starts_with("storage.type"),
                    "{place}: type `{}` is {scope:?}",
                    m.as_str()
                );
            } else if keywords.contains(m.as_str()) || CONTEXTUAL.contains(&m.as_str()) {
                assert!(
                    scope.starts_with("keyword")
                        || scope.starts_with("constant.language")
                        || scope.starts_with("support.function"),
                    "{place}: keyword `{}` is {scope:?}",
                    m.as_str()
                );
            } else if declared.contains(m.as_str()) {
                assert!(
                    scope.starts_with("variable.other.constant.party"),
                    "{place}: party `{}` is {scope:?}",
                    m.as_str()
                );
            }
        }
        for m in date.find_iter(&line[..code_end]) {
            let m = m.expect("match");
            if !at(m.start()).starts_with("string") {
                assert!(at(m.start()).starts_with("constant.numeric.date"), "{place}: date");
            }
        }
        for (i, _) in line[..code_end].match_indices('§') {
            if !at(i).starts_with("string") {
                assert!(at(i).starts_with("entity.name.section"), "{place}: clause");
            }
        }
    }
}

#[test]
fn the_extension_manifest_names_files_that_exist() {
    let dir = repo_dir().join("editors/vscode");
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("package.json")).expect("package.json")).expect("JSON");
    let main = manifest["main"].as_str().expect("main");
    assert!(dir.join(main).is_file(), "{main}");
    let language = &manifest["contributes"]["languages"][0];
    assert_eq!(language["extensions"][0], ".charter");
    let config = language["configuration"].as_str().expect("configuration");
    serde_json::from_str::<serde_json::Value>(&std::fs::read_to_string(dir.join(config)).expect("config"))
        .expect("JSON");
    let grammar = &manifest["contributes"]["grammars"][0];
    assert_eq!(grammar["scopeName"], "source.charter");
    assert!(dir.join(grammar["path"].as_str().expect("path")).is_file());
    let script = std::fs::read_to_string(dir.join(main)).expect("extension.js");
    assert!(
        script.contains(r#"args: ["lsp"]"#),
        "the extension starts `charter lsp`"
    );
}

/// `scripts/package-vscode` packages the extension without asking anything
/// (stdin is closed: a question would fail it), and the `.vsix` holds what
/// VS Code needs: the manifest with its license, the LICENSE, the grammar
/// as the repository has it, the client script and its dependency.
#[test]
fn the_extension_packages_into_a_vsix_without_a_question() {
    let out = repo_dir().join("target/tmp/editors-test/charter.vsix");
    let _ = std::fs::remove_file(&out);
    let run = std::process::Command::new(repo_dir().join("scripts/package-vscode"))
        .arg(&out)
        .stdin(std::process::Stdio::null())
        .output()
        .expect("scripts/package-vscode runs (it needs node and npm)");
    assert!(
        run.status.success(),
        "scripts/package-vscode failed:\n{}{}",
        String::from_utf8_lossy(&run.stdout),
        String::from_utf8_lossy(&run.stderr)
    );
    let mut vsix = zip::ZipArchive::new(std::fs::File::open(&out).expect("the .vsix")).expect("a zip archive");
    let mut read = |name: &str| -> String {
        let mut entry = vsix
            .by_name(name)
            .unwrap_or_else(|e| panic!("the .vsix has no {name}: {e}"));
        let mut text = String::new();
        std::io::Read::read_to_string(&mut entry, &mut text).expect("UTF-8");
        text
    };
    let manifest: serde_json::Value = serde_json::from_str(&read("extension/package.json")).expect("JSON");
    assert_eq!(manifest["license"], "Apache-2.0");
    assert_eq!(manifest["main"], "./extension.js");
    assert!(read("extension/LICENSE.txt").contains("Apache License"));
    let grammar =
        std::fs::read_to_string(repo_dir().join("editors/vscode/syntaxes/charter.tmLanguage.json")).expect("grammar");
    assert_eq!(read("extension/syntaxes/charter.tmLanguage.json"), grammar);
    assert!(read("extension/extension.js").contains("vscode-languageclient/node"));
    let client: serde_json::Value =
        serde_json::from_str(&read("extension/node_modules/vscode-languageclient/package.json")).expect("JSON");
    assert_eq!(client["name"], "vscode-languageclient");
    assert!(read("extension.vsixmanifest").contains("Microsoft.VisualStudio.Code"));
}
