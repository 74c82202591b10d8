//! Confined sources: a policy reads its legal text only inside its own
//! folder. A `source` that leaves it — `..`, an absolute path, a symlink to
//! a file or a folder outside — is `charter::source-outside-policy`, and no
//! command's output (check in each format, report, doc, diff in each
//! format) holds any text of the file outside.

use std::path::{Path, PathBuf};

use charter_tests::cases_dir;

/// The secret every variant tries to print: a line of a file outside the
/// policy's folder that a near-miss quote would make the closest passage.
const SECRET: &str = "API_TOKEN=hunter2";

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("charter-sources-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch dir");
    dir
}

/// A policy (the quote-not-in-source case, its quote one word off) in
/// `dir/policy`, naming `source`; `dir/secret/token.txt` is the legal text
/// with the secret in the very sentence the quote misses.
fn policy_naming(dir: &Path, source: &str) -> PathBuf {
    let case = cases_dir().join("check/quote-not-in-source");
    let policy = std::fs::read_to_string(case.join("policy.charter")).expect("case");
    let text = std::fs::read_to_string(case.join("source/text.txt")).expect("case text");
    let secret = dir.join("secret");
    std::fs::create_dir_all(&secret).expect("secret dir");
    std::fs::write(
        secret.join("token.txt"),
        text.replace("The term of office", &format!("{SECRET} The term of office")),
    )
    .expect("secret");
    let folder = dir.join("policy");
    std::fs::create_dir_all(&folder).expect("policy dir");
    let policy = policy.replace("source \"source/text.txt\"", &format!("source \"{source}\""));
    assert!(policy.contains(source), "the case names its source");
    std::fs::write(folder.join("policy.charter"), policy).expect("policy");
    folder
}

/// Runs every command that reads the policy and its legal text; each must
/// report the code, fail, and print nothing of the secret.
fn refused_everywhere(folder: &Path, dir: &Path) {
    let f = folder.display().to_string();
    let page = dir.join("page").display().to_string();
    let runs: Vec<Vec<&str>> = vec![
        vec!["check", &f],
        vec!["check", "--format", "json", &f],
        vec!["check", "--coverage", &f],
        vec!["report", &f, "--until", "2020-01-01"],
        vec!["test", &f],
        vec!["eval", &f, "--query", "chair(2014-01-01)"],
        vec!["doc", &f, "-o", &page, "--until", "2020-01-01"],
        vec!["diff", &f, &f],
        vec!["diff", "--format", "markdown", &f, &f],
        vec!["diff", "--format", "json", &f, &f],
        vec!["diff", "--format", "sarif", &f, &f],
    ];
    for args in runs {
        let (status, out, err) = crate::charter(&args);
        assert_ne!(status, 0, "{args:?}: {out}{err}");
        assert!(
            format!("{out}{err}").contains("source-outside-policy"),
            "{args:?}: no code:\n{out}{err}"
        );
        for shown in [&out, &err] {
            assert!(
                !shown.contains(SECRET) && !shown.contains("hunter2"),
                "{args:?} printed the secret:\n{shown}"
            );
        }
    }
    assert!(!dir.join("page/index.html").exists(), "doc wrote a page");
}

#[test]
fn a_source_up_and_out_of_the_folder_is_refused() {
    let dir = scratch("dotdot");
    let folder = policy_naming(&dir, "../secret/token.txt");
    refused_everywhere(&folder, &dir);
    let (_, _, err) = crate::charter(&["check", &folder.display().to_string()]);
    assert!(err.contains("`..` leads out of the policy's folder"), "{err}");
    // Folded back in, `..` is fine: `source/../source/text.txt`.
    let inside = scratch("dotdot-inside");
    let folder = policy_naming(&inside, "source/../source/text.txt");
    std::fs::create_dir_all(folder.join("source")).expect("dir");
    std::fs::copy(
        cases_dir().join("check/quote-not-in-source/source/text.txt"),
        folder.join("source/text.txt"),
    )
    .expect("copy");
    let (status, _, err) = crate::charter(&["check", &folder.display().to_string()]);
    assert_eq!(status, 1, "{err}");
    assert!(
        err.contains("quote-not-in-source") && err.contains("the closest passage"),
        "{err}"
    );
    assert!(!err.contains("source-outside-policy"), "{err}");
    let _ = std::fs::remove_dir_all(&dir);
    let _ = std::fs::remove_dir_all(&inside);
}

#[test]
fn an_absolute_source_is_refused() {
    let dir = scratch("absolute");
    let secret = dir.join("secret/token.txt").display().to_string();
    let folder = policy_naming(&dir, &secret);
    refused_everywhere(&folder, &dir);
    let (_, _, err) = crate::charter(&["check", &folder.display().to_string()]);
    assert!(err.contains("an absolute path"), "{err}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[cfg(unix)]
#[test]
fn a_symlink_out_of_the_folder_is_refused() {
    let dir = scratch("symlink");
    let folder = policy_naming(&dir, "token.txt");
    std::os::unix::fs::symlink(dir.join("secret/token.txt"), folder.join("token.txt")).expect("symlink");
    refused_everywhere(&folder, &dir);
    let (_, _, err) = crate::charter(&["check", &folder.display().to_string()]);
    assert!(err.contains("a symlink that leads out of the policy's folder"), "{err}");
    // A symlinked folder on the way out is refused too.
    let through = scratch("symlink-dir");
    let folder = policy_naming(&through, "texts/token.txt");
    std::os::unix::fs::symlink(through.join("secret"), folder.join("texts")).expect("symlink");
    refused_everywhere(&folder, &through);
    // A symlink that stays inside the folder is followed.
    let inside = scratch("symlink-inside");
    let folder = policy_naming(&inside, "link.txt");
    std::fs::create_dir_all(folder.join("source")).expect("dir");
    std::fs::copy(
        cases_dir().join("check/quote-not-in-source/source/text.txt"),
        folder.join("source/text.txt"),
    )
    .expect("copy");
    std::os::unix::fs::symlink("source/text.txt", folder.join("link.txt")).expect("symlink");
    let (status, _, err) = crate::charter(&["check", &folder.display().to_string()]);
    assert_eq!(status, 1, "{err}");
    assert!(err.contains("the closest passage"), "{err}");
    assert!(!err.contains("source-outside-policy"), "{err}");
    for dir in [dir, through, inside] {
        let _ = std::fs::remove_dir_all(&dir);
    }
}

/// Another policy's legal text, loaded in the same check, is not this
/// policy's: a source is looked for in the policy's own folder only.
#[test]
fn a_source_is_looked_for_in_the_policys_own_folder_only() {
    let dir = scratch("other-folder");
    let case = cases_dir().join("check/quote-not-in-source");
    let policy = std::fs::read_to_string(case.join("policy.charter")).expect("case");
    let text = std::fs::read_to_string(case.join("source/text.txt")).expect("case text");
    // `b` has the text; `a` names the same relative path but has none.
    for (name, title) in [("a", "Citation case A"), ("b", "Citation case B")] {
        let folder = dir.join(name);
        std::fs::create_dir_all(folder.join("source")).expect("dir");
        let policy = policy.replace("Citation case", title).replace("Case/cite", title);
        std::fs::write(folder.join("policy.charter"), policy).expect("policy");
    }
    std::fs::write(
        dir.join("b/source/text.txt"),
        text.replace("The term of office", &format!("{SECRET} The term of office")),
    )
    .expect("text");
    let (status, out, err) = crate::charter(&["check", &dir.display().to_string()]);
    assert_eq!(status, 1, "{out}{err}");
    let a = err.split("b/policy.charter").next().unwrap_or_default();
    assert!(a.contains("missing-source"), "{err}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// The sentences of every legal text in the repository, as coverage counts
/// them (docs/language.md, "Sentences"): each policy's covered clauses,
/// one sentence a line with its clause. A change to the splitting shows
/// here, sentence by sentence.
#[test]
fn every_legal_text_splits_into_sentences_as_recorded() {
    let policies = charter_tests::repo_dir().join("policies");
    let mut bodies: Vec<PathBuf> = std::fs::read_dir(&policies)
        .expect("policies/")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_dir())
        .collect();
    bodies.sort();
    assert!(!bodies.is_empty());
    for body in bodies {
        let name = body
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default()
            .to_string();
        let program = charter::load(&body).unwrap_or_else(|e| panic!("{name} does not load: {e:?}"));
        let mut lines = String::new();
        for coverage in program.analysis().coverage() {
            lines.push_str(&format!("# {} ({})\n", coverage.source, coverage.policy));
            for sentence in &coverage.sentences {
                lines.push_str(&format!("§ {}: {}\n", sentence.clause, sentence.text));
            }
        }
        assert!(lines.lines().count() > 1, "{name} has no sentences");
        insta::assert_snapshot!(format!("sentences-{name}"), lines);
    }
}
