//! The one integration-test binary. Data-driven: every case under
//! `tests/cases/check/` is checked, its codes compared with the case's own
//! `// expect:` line, and its rendered diagnostics compared with an insta
//! snapshot (`cargo insta review` to accept changes).

use std::collections::BTreeSet;

use charter_compiler::cli::{self, Cli};
use charter_tests::{cases_dir, load_case, repo_dir, reported_codes};
use clap::Parser as _;

#[test]
fn check_cases() {
    insta::glob!("cases/check/*", |path| {
        let case = load_case(path);
        let result = case.check();
        assert_eq!(
            reported_codes(&result),
            case.expected_codes(),
            "codes reported for {} differ from its `// expect:` line",
            path.display()
        );
        insta::assert_snapshot!(case.render_human(&result));
    });
}

#[test]
fn every_code_has_a_case() {
    let mut expected: BTreeSet<String> = BTreeSet::new();
    let mut count = 0;
    for entry in std::fs::read_dir(cases_dir().join("check")).expect("cases/check exists") {
        let path = entry.expect("readable entry").path();
        expected.extend(load_case(&path).expected_codes());
        count += 1;
    }
    let missing: Vec<&str> = charter_compiler::codes::ALL
        .iter()
        .map(|(code, _)| *code)
        .filter(|code| !expected.contains(*code))
        .collect();
    assert!(
        missing.is_empty(),
        "codes with no case under tests/cases/check: {missing:?}"
    );
    assert!(count >= 40, "only {count} check cases");
}

#[test]
fn many_errors_are_all_reported_in_json() {
    let case = load_case(&cases_dir().join("check/many-errors.charter"));
    let result = case.check();
    insta::assert_snapshot!(case.render_json(&result));
}

/// Runs the `charter` command line in-process; returns (status, stdout, stderr).
fn charter(args: &[&str]) -> (u8, String, String) {
    let cli = Cli::try_parse_from(std::iter::once("charter").chain(args.iter().copied()))
        .expect("valid command line");
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let status = cli::run(cli, &mut out, &mut err, false);
    (
        status,
        String::from_utf8_lossy(&out).into_owned(),
        String::from_utf8_lossy(&err).into_owned(),
    )
}

fn path(relative: &str) -> String {
    repo_dir().join(relative).display().to_string()
}

#[test]
fn almaty_policy_checks_clean() {
    let (status, _, err) = charter(&["check", &path("policies/almaty")]);
    assert_eq!(status, 0, "{err}");
    assert!(err.contains("0 errors, 0 warnings"), "{err}");
}

#[test]
fn check_exit_statuses() {
    let (status, _, err) = charter(&["check", &path("tests/cases/check/many-errors.charter")]);
    assert_eq!(status, 1, "{err}");
    let (status, _, err) = charter(&["check", &path("tests/cases/check/no-such-file.charter")]);
    assert_eq!(status, 2, "{err}");
    assert!(err.contains("cannot read"), "{err}");
    let (status, _, _) = charter(&["check", &path("tests/cases/check/missing-quote.charter")]);
    assert_eq!(status, 0);
    let (status, _, _) = charter(&[
        "check",
        "--deny-warnings",
        &path("tests/cases/check/missing-quote.charter"),
    ]);
    assert_eq!(status, 1);
    assert!(
        Cli::try_parse_from(["charter", "check"]).is_err(),
        "a path is required"
    );
}

#[test]
fn check_json_names_code_and_position() {
    let (status, out, _) = charter(&[
        "check",
        "--format",
        "json",
        &path("tests/cases/check/many-errors.charter"),
    ]);
    assert_eq!(status, 1);
    let records: Vec<serde_json::Value> =
        serde_json::from_str(&out).expect("stdout is a JSON array");
    let codes: BTreeSet<&str> = records.iter().filter_map(|r| r["code"].as_str()).collect();
    for code in [
        "charter::unknown-party",
        "charter::type-mismatch",
        "charter::overlapping-intervals",
        "charter::recursive-rule",
    ] {
        assert!(codes.contains(code), "{code} missing from {out}");
    }
    for record in &records {
        for key in [
            "code",
            "severity",
            "message",
            "file",
            "line",
            "column",
            "end_line",
            "end_column",
            "help",
        ] {
            assert!(record.get(key).is_some(), "{key} missing from {record}");
        }
        assert!(record["line"].as_u64().is_some_and(|l| l > 0));
    }
}

#[test]
fn a_history_checked_alone_finds_its_policy_beside_it() {
    let (status, _, err) = charter(&[
        "check",
        &path("tests/cases/check/history-valid/history.charter"),
    ]);
    assert_eq!(status, 0, "{err}");
}
