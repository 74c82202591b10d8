//! The CI example (examples/ci/) run as CI would run it: its script, with
//! the same commands and flags, in a two-commit git repository made here —
//! the Almaty policy, then a pull request that adds a quorum.

#![allow(
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "a test stops at the first thing that is not as it should be"
)]

use std::path::{Path, PathBuf};
use std::process::Command;

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create dir");
    for entry in std::fs::read_dir(from).expect("read dir") {
        let path = entry.expect("entry").path();
        let target = to.join(path.file_name().expect("name"));
        if path.is_dir() {
            copy_dir(&path, &target);
        } else {
            std::fs::copy(&path, &target).expect("copy");
        }
    }
}

/// Runs a command in `dir` with `charter` on the PATH; (status, stdout, stderr).
fn run(dir: &Path, program: &str, args: &[&str]) -> (i32, String, String) {
    let bin = Path::new(env!("CARGO_BIN_EXE_charter"))
        .parent()
        .expect("bin dir")
        .to_path_buf();
    let path = std::env::join_paths(
        std::iter::once(bin).chain(std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default())),
    )
    .expect("PATH");
    let output = Command::new(program)
        .args(args)
        .current_dir(dir)
        .env("PATH", path)
        .env("GIT_AUTHOR_NAME", "Charter test")
        .env("GIT_AUTHOR_EMAIL", "test@example.org")
        .env("GIT_COMMITTER_NAME", "Charter test")
        .env("GIT_COMMITTER_EMAIL", "test@example.org")
        .output()
        .unwrap_or_else(|e| panic!("cannot run {program}: {e}"));
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

fn edit(file: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(file).expect("read");
    assert_eq!(text.matches(from).count(), 1, "{from:?} in {}", file.display());
    std::fs::write(file, text.replacen(from, to, 1)).expect("write");
}

#[test]
fn the_ci_example_runs_on_a_two_commit_repository() {
    let dir = std::env::temp_dir().join(format!("charter-ci-example-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    copy_dir(&repo_root().join("policies/almaty"), &dir.join("policies/almaty"));
    copy_dir(&repo_root().join("examples/ci"), &dir.join("examples/ci"));
    let git = |args: &[&str]| {
        let (status, out, err) = run(&dir, "git", args);
        assert_eq!(status, 0, "git {args:?}: {out}{err}");
        out
    };
    git(&["init", "-q", "-b", "main"]);
    git(&["add", "-A"]);
    git(&["commit", "-qm", "the Almaty policy"]);
    // The pull request: a quorum of two thirds.
    let policy = dir.join("policies/almaty/modalities-2013.charter");
    edit(
        &policy,
        "  decisions by consensus of members present\n",
        "  decisions by consensus of members present quorum 2/3\n",
    );
    git(&["commit", "-qam", "a quorum of two thirds"]);

    // The workflow's step, as it runs it.
    let (status, out, err) = run(&dir, "bash", &["examples/ci/charter-pr.sh", "HEAD~1", "charter-out"]);
    assert_eq!(status, 0, "{out}{err}");
    let comment = std::fs::read_to_string(dir.join("charter-out/diff.md")).expect("diff.md");
    assert!(comment.contains("**semantic changes**"), "{comment}");
    assert!(comment.contains("<summary>Decisions"), "{comment}");
    assert!(comment.contains("HEAD~1:policies/almaty"), "{comment}");
    let sarif: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("charter-out/sarif/almaty.sarif")).expect("SARIF"))
            .expect("SARIF is JSON");
    assert_eq!(sarif["version"], "2.1.0");
    let results = sarif["runs"][0]["results"].as_array().expect("results");
    assert!(
        results.iter().any(|r| r["ruleId"] == "diff::decisions"
            && r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                .as_str()
                .is_some_and(|u| u.ends_with("modalities-2013.charter"))),
        "{sarif}"
    );

    // A gate on semantic changes fails; the work tree is read, not the index.
    let (status, _, _) = run(
        &dir,
        "charter",
        &["diff", "policies/almaty", "--base", "HEAD~1", "--fail-on", "changes"],
    );
    assert_eq!(status, 1);
    let (status, out, _) = run(&dir, "charter", &["diff", "policies/almaty", "--base", "HEAD"]);
    assert_eq!(status, 0);
    assert!(out.contains("\nno change"), "{out}");
    // An uncommitted change that gives the history new violations fails the script.
    edit(&policy, "    term 2 years\n", "    term 3 years\n");
    let (status, out, err) = run(&dir, "bash", &["examples/ci/charter-pr.sh", "HEAD", "charter-out"]);
    assert_eq!(status, 1, "{out}{err}");
    // The work tree was not touched by reading the base revision.
    assert!(std::fs::read_to_string(&policy).expect("read").contains("term 3 years"));
    // A revision git does not know is a usage error with its code.
    let (status, _, err) = run(
        &dir,
        "charter",
        &["diff", "policies/almaty", "--base", "no-such-branch"],
    );
    assert_eq!(status, 2, "{err}");
    assert!(err.contains("charter::git"), "{err}");
    let _ = std::fs::remove_dir_all(&dir);
}
