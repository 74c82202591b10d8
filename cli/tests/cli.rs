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
