//! The bad-input catalogue (`tests/bad-input/catalogue.txt`, issue 29):
//! each row an input (files written into a fresh folder), a command line,
//! the exit status, and the code or answer expected. Every row runs the
//! `charter` program in-process; a row that no longer holds fails with
//! its name and what was printed.

use std::path::{Path, PathBuf};

use charter_cli::Cli;
use clap::Parser as _;

use super::repo_dir;

#[derive(Debug, Default)]
struct Row {
    name: String,
    files: Vec<(String, Vec<u8>)>,
    copies: Vec<(String, String)>,
    run: Vec<String>,
    exit: Option<u8>,
    codes: Vec<String>,
    stdout: Option<String>,
    has: Vec<String>,
}

/// `\n`, `\t`, `\\`, `\"` and `\xNN` in a row's file text, as bytes.
fn unescape(text: &str) -> Vec<u8> {
    let mut out = Vec::new();
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            let mut buf = [0; 4];
            out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
            continue;
        }
        match chars.next() {
            Some('n') => out.push(b'\n'),
            Some('t') => out.push(b'\t'),
            Some('x') => {
                let hex: String = chars.by_ref().take(2).collect();
                out.push(u8::from_str_radix(&hex, 16).unwrap_or_else(|_| panic!("bad \\x{hex}")));
            }
            Some(other) => out.push(other as u8),
            None => out.push(b'\\'),
        }
    }
    out
}

/// Words of a command line; double quotes group words.
fn words(line: &str) -> Vec<String> {
    let (mut out, mut word, mut quoted, mut any) = (Vec::new(), String::new(), false, false);
    for c in line.chars() {
        match c {
            '"' => {
                quoted = !quoted;
                any = true;
            }
            ' ' if !quoted => {
                if any {
                    out.push(std::mem::take(&mut word));
                }
                any = false;
            }
            other => {
                word.push(other);
                any = true;
            }
        }
    }
    if any {
        out.push(word);
    }
    out
}

fn catalogue() -> Vec<Row> {
    let path = repo_dir().join("tests/bad-input/catalogue.txt");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut rows: Vec<Row> = Vec::new();
    for line in text.lines() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            rows.push(Row {
                name: name.to_string(),
                ..Row::default()
            });
            continue;
        }
        let row = rows
            .last_mut()
            .unwrap_or_else(|| panic!("a line before the first row: {line}"));
        let (key, value) = line
            .split_once(": ")
            .unwrap_or_else(|| panic!("[{}]: no `key: value` in {line}", row.name));
        match key {
            "why" => {}
            "file" | "copy" => {
                let (name, content) = value
                    .split_once(" = ")
                    .unwrap_or_else(|| panic!("[{}]: no ` = ` in {line}", row.name));
                if key == "file" {
                    row.files.push((name.to_string(), unescape(content)));
                } else {
                    row.copies.push((name.to_string(), content.to_string()));
                }
            }
            "run" => row.run = words(value),
            "exit" => row.exit = Some(value.parse().unwrap_or_else(|_| panic!("[{}]: exit {value}", row.name))),
            "code" => row.codes.push(value.to_string()),
            "stdout" => row.stdout = Some(value.to_string()),
            "has" => row.has.push(value.to_string()),
            other => panic!("[{}]: unknown key `{other}`", row.name),
        }
    }
    rows
}

/// Runs `charter ARGS` in-process: the status, stdout and stderr (a
/// command line clap refuses is `charter::usage`, as the program prints it).
fn charter(args: &[String]) -> (u8, String, String) {
    match Cli::try_parse_from(std::iter::once("charter".to_string()).chain(args.iter().cloned())) {
        Ok(cli) => {
            let (mut out, mut err) = (Vec::new(), Vec::new());
            let status = charter_cli::run(cli, &mut out, &mut err, false);
            (
                status,
                String::from_utf8_lossy(&out).into_owned(),
                String::from_utf8_lossy(&err).into_owned(),
            )
        }
        Err(e) => {
            let (mut out, mut err) = (Vec::new(), Vec::new());
            let status = charter_cli::usage_error(&e, &mut out, &mut err);
            (
                status,
                String::from_utf8_lossy(&out).into_owned(),
                String::from_utf8_lossy(&err).into_owned(),
            )
        }
    }
}

fn folder(row: &Row) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("bad-input").join(&row.name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    // A name may hold folders (`drafts/x.charter`): they are made.
    let parent = |name: &str| {
        if let Some(parent) = dir.join(name).parent() {
            std::fs::create_dir_all(parent).unwrap_or_else(|e| panic!("{}: {e}", parent.display()));
        }
    };
    for (name, bytes) in &row.files {
        parent(name);
        std::fs::write(dir.join(name), bytes).unwrap_or_else(|e| panic!("{name}: {e}"));
    }
    for (name, from) in &row.copies {
        parent(name);
        std::fs::copy(repo_dir().join(from), dir.join(name)).unwrap_or_else(|e| panic!("{from}: {e}"));
    }
    dir
}

#[test]
fn every_row_of_the_bad_input_catalogue_holds() {
    let rows = catalogue();
    assert!(rows.len() >= 20, "the catalogue has {} rows", rows.len());
    let mut failures = Vec::new();
    for row in &rows {
        assert!(
            !row.run.is_empty() && row.exit.is_some(),
            "[{}] needs `run` and `exit`",
            row.name
        );
        let dir = folder(row);
        let args: Vec<String> = row
            .run
            .iter()
            .map(|w| {
                w.replace("{dir}", &dir.display().to_string())
                    .replace("{repo}", &repo_dir().display().to_string())
            })
            .collect();
        let (status, out, err) = charter(&args);
        let printed = format!("{out}{err}");
        let mut wrong = Vec::new();
        if Some(status) != row.exit {
            wrong.push(format!("exit {status}, not {:?}", row.exit));
        }
        for code in &row.codes {
            if !printed.contains(code.as_str()) {
                wrong.push(format!("no {code}"));
            }
        }
        for text in &row.has {
            if !printed.contains(text.as_str()) {
                wrong.push(format!("no `{text}`"));
            }
        }
        if let Some(expected) = &row.stdout {
            if out.trim() != expected {
                wrong.push(format!("stdout `{}`, not `{expected}`", out.trim()));
            }
        }
        if !wrong.is_empty() {
            failures.push(format!(
                "[{}] {}: {}\n{}",
                row.name,
                args.join(" "),
                wrong.join("; "),
                printed
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
