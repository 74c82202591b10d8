//! Command lines -> exit statuses and output: the `charter` program run as a
//! process on the cases under `tests/cmd/` (each `$` line a command, its
//! output below it, `? N` its exit status; see trycmd's docs). Paths in the
//! cases are relative to this crate's directory.

#![allow(
    clippy::panic,
    reason = "a test stops at the first thing that is not as it should be"
)]

#[test]
fn cli() {
    trycmd::TestCases::new()
        .register_bin("charter", trycmd::cargo::cargo_bin!("charter"))
        .case("tests/cmd/*.trycmd");
}

/// `--color always` colours what is printed for people even into a pipe,
/// `--color never` never does, and `auto` (the default) does not colour a
/// pipe (nor a terminal where NO_COLOR is set).
#[test]
fn color_follows_the_flag() {
    let run = |args: &[&str]| {
        let output = std::process::Command::new(trycmd::cargo::cargo_bin!("charter"))
            .args(args)
            .arg("check")
            .arg("../tests/cases/check/quote-in-another-clause")
            .output()
            .unwrap_or_else(|e| panic!("charter runs: {e}"));
        assert_eq!(output.status.code(), Some(1), "{args:?}");
        String::from_utf8_lossy(&output.stderr).contains('\u{1b}')
    };
    assert!(run(&["--color", "always"]), "always colours");
    assert!(!run(&["--color", "never"]), "never does not");
    assert!(!run(&[]), "auto does not colour a pipe");
}

/// `-` reads standard input wherever a file is read: a file to check or
/// format, the policy, the query or the facts of `eval` (one of them).
#[test]
fn a_dash_reads_standard_input() {
    use std::io::Write as _;
    let run = |args: &[&str], input: &str| {
        let mut child = std::process::Command::new(trycmd::cargo::cargo_bin!("charter"))
            .args(args)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("charter runs: {e}"));
        if let Some(mut stdin) = child.stdin.take() {
            // A command refused before it reads its input (a usage error)
            // may have exited already: the pipe is then closed.
            match stdin.write_all(input.as_bytes()) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
                Err(e) => panic!("stdin: {e}"),
            }
        }
        let output = child.wait_with_output().unwrap_or_else(|e| panic!("charter ends: {e}"));
        (
            output.status.code(),
            String::from_utf8_lossy(&output.stdout).into_owned(),
            String::from_utf8_lossy(&output.stderr).into_owned(),
        )
    };
    let read = |path: &str| std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let unformatted = read("tests/cmd/fmt/unformatted.charter");
    let (status, out, _) = run(&["fmt", "-"], &unformatted);
    assert_eq!(status, Some(0));
    assert!(out.contains("\n  members KAZ, KGZ from 2013-06-05\n"), "{out}");
    assert_eq!(run(&["fmt", "--check", "-"], &unformatted).0, Some(1));
    assert_eq!(
        run(&["fmt", "--check", "-"], &out).0,
        Some(0),
        "formatted text is formatted"
    );
    let (status, out, _) = run(&["check", "-", "--format", "short"], "charter \"x\"\n  ref\n");
    assert_eq!(status, Some(1));
    assert!(out.starts_with("<stdin>:"), "{out}");
    let (status, out, err) = run(&["eval", "../policies/almaty", "--query", "-"], "chair(2017-09-01)\n");
    assert_eq!((status, out.as_str()), (Some(0), "TJK\n"), "{err}");
    let (status, out, err) = run(
        &["eval", "../policies/almaty", "--query", "chair(d)", "--facts", "-"],
        r#"{"d": "2017-09-01"}"#,
    );
    assert_eq!((status, out.as_str()), (Some(0), "TJK\n"), "{err}");
    let policy = read("../tests/cases/eval/last-day/policy.charter");
    let (status, out, err) = run(&["eval", "-", "--query", "chair(9999-12-31)"], &policy);
    assert_eq!((status, out.as_str()), (Some(0), "KAZ\n"), "{err}");
    let (status, _, err) = run(&["eval", "-", "--query", "-"], &policy);
    assert_eq!(status, Some(2), "{err}");
    assert!(err.contains("charter::usage"), "{err}");
}

/// Every example in a subcommand's `--help` is a command line charter
/// accepts (the words up to a pipe or a redirection).
#[test]
fn every_help_example_parses() {
    use clap::{CommandFactory as _, Parser as _};
    let mut checked = 0;
    let root = charter_cli::Cli::command();
    for sub in root.get_subcommands() {
        let help = sub.get_after_help().map(|h| h.to_string()).unwrap_or_default();
        let examples: Vec<&str> = help
            .lines()
            .skip_while(|l| !l.starts_with("Examples:"))
            .skip(1)
            .map(str::trim)
            .filter(|l| l.starts_with("charter ") || l.contains("| charter "))
            .collect();
        assert!(
            !examples.is_empty(),
            "`charter {}` has no examples in its help",
            sub.get_name()
        );
        for example in examples {
            let line = example.rsplit("| ").next().unwrap_or(example);
            let line = line.split(['>', '<', '(']).next().unwrap_or(line).replace("&&", "");
            let words: Vec<String> = line
                .split_whitespace()
                .map(|w| w.trim_matches('\'').to_string())
                .take_while(|w| w != "&&")
                .collect();
            if let Err(e) = charter_cli::Cli::try_parse_from(&words) {
                panic!("`{example}` in `charter {} --help` does not parse: {e}", sub.get_name());
            }
            checked += 1;
        }
    }
    assert!(checked >= 10, "{checked}");
}
