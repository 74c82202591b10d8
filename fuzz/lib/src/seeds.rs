//! Seed inputs for each target, made from the repository's policies
//! (`policies/`) and test cases (`tests/cases`): what libFuzzer starts
//! from, so that it mutates real text rather than finding the grammar
//! from nothing.

use std::path::{Path, PathBuf};

use crate::folder::{self, File};

/// Seed inputs: each a file name and its bytes.
pub type Seeds = Vec<(String, Vec<u8>)>;

/// Each target's seeds.
pub fn all() -> Vec<(&'static str, Seeds)> {
    let root = crate::repo_dir();
    let charter_files = files_under(&[root.join("policies"), root.join("tests/cases")], "charter");
    let texts: Vec<(String, Vec<u8>)> = charter_files
        .iter()
        .filter_map(|p| Some((seed_name(p), std::fs::read(p).ok()?)))
        .collect();
    let folders: Vec<(String, Vec<u8>)> = folders()
        .into_iter()
        .map(|(name, files)| (name, folder::encode(&files)))
        .collect();
    vec![
        ("parser", texts.clone()),
        ("fmt", texts),
        ("checker", folders.clone()),
        ("diff", folders),
        ("query", queries()),
        ("facts", facts()),
        ("lsp_framing", lsp_messages()),
        ("native", native()),
    ]
}

/// `policies/almaty/history.charter` -> `policies-almaty-history.charter`.
fn seed_name(path: &Path) -> String {
    let root = crate::repo_dir();
    let relative = path.strip_prefix(&root).unwrap_or(path);
    relative.display().to_string().replace('/', "-")
}

fn files_under(dirs: &[PathBuf], extension: &str) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack: Vec<PathBuf> = dirs.to_vec();
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == extension) {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

/// A folder as the checker takes it: every `.charter` file and the legal
/// texts (`.txt`) below it, named from the folder.
fn read_folder(dir: &Path) -> Vec<File> {
    let mut paths = files_under(&[dir.to_path_buf()], "charter");
    paths.extend(files_under(&[dir.to_path_buf()], "txt"));
    paths
        .iter()
        .filter_map(|p| {
            Some(File {
                name: p.strip_prefix(dir).ok()?.display().to_string(),
                text: std::fs::read_to_string(p).ok()?,
            })
        })
        .collect()
}

/// Every policy folder, every case folder and every single-file case.
fn folders() -> Vec<(String, Vec<File>)> {
    let root = crate::repo_dir();
    let mut out = Vec::new();
    for base in [
        "policies",
        "tests/cases/check",
        "tests/cases/eval",
        "tests/cases/report",
        "tests/cases/diff",
        "tests/cases/test",
    ] {
        for entry in std::fs::read_dir(root.join(base)).into_iter().flatten().flatten() {
            let path = entry.path();
            let files = if path.is_dir() {
                read_folder(&path)
            } else if path.extension().is_some_and(|e| e == "charter") {
                std::fs::read_to_string(&path)
                    .map(|text| {
                        vec![File {
                            name: "policy.charter".into(),
                            text,
                        }]
                    })
                    .unwrap_or_default()
            } else {
                continue;
            };
            if !files.is_empty() {
                out.push((seed_name(&path), files));
            }
        }
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

/// Every line of every `.eval` case: its policy, the query, and its facts.
fn queries() -> Vec<(String, Vec<u8>)> {
    let root = crate::repo_dir();
    let mut out = Vec::new();
    for case in files_under(&[root.join("tests/cases/eval")], "eval") {
        let Some(policy) = crate::programs::eval_policy(&case) else {
            continue;
        };
        let text = std::fs::read_to_string(&case).unwrap_or_default();
        for (n, line) in text
            .lines()
            .map(str::trim)
            .filter(|l| !l.starts_with("//") && !l.is_empty())
            .enumerate()
        {
            let Some((lhs, _)) = line.split_once(" => ") else {
                continue;
            };
            let lhs = lhs.strip_prefix("explain ").unwrap_or(lhs);
            let mut seed = format!("{policy}\n");
            match lhs.rsplit_once(" with ") {
                Some((query, facts)) if facts.ends_with(".json") => {
                    seed.push_str(query);
                    seed.push('\0');
                    seed.push_str(&std::fs::read_to_string(case.with_file_name(facts)).unwrap_or_default());
                }
                _ => seed.push_str(lhs),
            }
            out.push((format!("{}-{n}", seed_name(&case)), seed.into_bytes()));
        }
    }
    out
}

/// Every facts file of the eval cases against its policy, and facts of
/// each shape against the Almaty policy.
fn facts() -> Vec<(String, Vec<u8>)> {
    let root = crate::repo_dir();
    let mut out = Vec::new();
    for json in files_under(&[root.join("tests/cases/eval")], "json") {
        let text = std::fs::read_to_string(&json).unwrap_or_default();
        out.push((seed_name(&json), format!("policies/almaty\n{text}").into_bytes()));
    }
    for (name, json) in [
        (
            "shapes",
            r#"{"a": true, "b": 3, "c": "2016-01-01", "d": "KAZ", "e": null, "f": ["KAZ", "KGZ"]}"#,
        ),
        (
            "meeting",
            r#"{"m": {"kind": "ministerial", "date": "2016-01-01", "host": "KAZ", "present": ["KAZ"]}}"#,
        ),
        (
            "decision",
            r#"{"x": {"kind": "ordinary", "meeting": {"kind": "ministerial", "date": "2016-01-01"}, "objections": []}}"#,
        ),
        (
            "edges",
            r#"{"a": "0001-01-01", "b": "9999-12-31", "c": 9223372036854775807, "d": -1}"#,
        ),
    ] {
        out.push((
            format!("almaty-{name}.json"),
            format!("policies/almaty\n{json}").into_bytes(),
        ));
    }
    out
}

/// Framed language-server messages an editor sends.
fn lsp_messages() -> Vec<(String, Vec<u8>)> {
    let frame = |body: &str| format!("Content-Length: {}\r\n\r\n{body}", body.len());
    let policy =
        std::fs::read_to_string(crate::repo_dir().join("tests/cases/check/duplicate-name.charter")).unwrap_or_default();
    let open = serde_json::json!({
        "jsonrpc": "2.0", "method": "textDocument/didOpen",
        "params": {"textDocument": {"uri": "file:///tmp/policy.charter", "languageId": "charter", "version": 1, "text": policy}}
    });
    vec![
        ("initialize".into(), frame(r#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"capabilities":{}}}"#)),
        (
            "session".into(),
            [
                frame(r#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"capabilities":{}}}"#),
                frame(r#"{"jsonrpc":"2.0","method":"initialized","params":{}}"#),
                frame(&open.to_string()),
                frame(r#"{"jsonrpc":"2.0","id":2,"method":"textDocument/hover","params":{"textDocument":{"uri":"file:///tmp/policy.charter"},"position":{"line":3,"character":8}}}"#),
                frame(r#"{"jsonrpc":"2.0","id":3,"method":"shutdown"}"#),
                frame(r#"{"jsonrpc":"2.0","method":"exit"}"#),
            ]
            .concat(),
        ),
        ("response".into(), frame(r#"{"jsonrpc":"2.0","id":"a","result":null}"#)),
        ("error-response".into(), frame(r#"{"jsonrpc":"2.0","id":7,"error":{"code":-32601,"message":"no"}}"#)),
        ("two-headers".into(), format!("Content-Type: application/vscode-jsonrpc; charset=utf-8\r\n{}", frame("{}"))),
        ("empty-body".into(), "Content-Length: 0\r\n\r\n".into()),
        ("not-json".into(), frame("hello")),
    ]
    .into_iter()
    .map(|(n, t): (String, String)| (n, t.into_bytes()))
    .collect()
}

/// Generated policies need no text to start from: bytes of a fixed
/// sequence, so the seeds are the same on every run.
fn native() -> Vec<(String, Vec<u8>)> {
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    (0..16)
        .map(|i| {
            let bytes = (0..64 + 32 * i)
                .map(|_| {
                    seed ^= seed << 13;
                    seed ^= seed >> 7;
                    seed ^= seed << 17;
                    seed as u8
                })
                .collect();
            (format!("generated-{i:02}"), bytes)
        })
        .collect()
}
