//! `charter fmt`: every Charter file of the repository is in the canonical
//! layout, that layout does not depend on the one a file was given, and the
//! command's `--check` and `--stdout` do what CI and editors expect.

use std::path::{Path, PathBuf};

use charter_analyses::format::{format, FormatError};
use charter_tests::repo_dir;

use crate::random_policies::disturbed;

fn charter_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("read dir") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            charter_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "charter") {
            out.push(path);
        }
    }
}

fn repository_files() -> Vec<PathBuf> {
    let mut files = Vec::new();
    charter_files(&repo_dir().join("policies"), &mut files);
    charter_files(&repo_dir().join("tests/cases"), &mut files);
    files.sort();
    assert!(files.len() > 100, "{}", files.len());
    files
}

/// Every file under policies/ and tests/cases/ that parses is formatted;
/// disturbing its layout and formatting it again gives it back.
#[test]
fn every_charter_file_is_formatted_and_the_layout_is_canonical() {
    let mut formatted = 0;
    for (i, path) in repository_files().iter().enumerate() {
        let text = std::fs::read_to_string(path).expect("read");
        match format(&text) {
            Ok(canonical) => {
                assert!(
                    canonical == text,
                    "{} is not formatted: run `charter fmt` on it",
                    path.display()
                );
                let messy = disturbed(&text, 0x9e37_79b9_7f4a_7c15 ^ i as u64);
                assert_eq!(
                    format(&messy).as_deref(),
                    Ok(text.as_str()),
                    "{}\n{messy}",
                    path.display()
                );
                formatted += 1;
            }
            Err(FormatError::DoesNotParse) => {}
            Err(e @ FormatError::ChangesMeaning) => panic!("{}: {e}", path.display()),
        }
    }
    assert!(formatted > 100, "{formatted}");
}

#[test]
fn fmt_check_lists_what_it_would_change_and_writes_nothing() {
    let dir = std::env::temp_dir().join(format!("charter-fmt-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("dir");
    let messy = "charter  \"T\"\n      adopted 2013-06-05\n\n\n\nstate AAA \"A\"    sort \"A\"   \n";
    let clean = "charter \"T\"\n  adopted 2013-06-05\n\nstate AAA \"A\" sort \"A\"\n";
    let (a, b, broken) = (dir.join("a.charter"), dir.join("b.charter"), dir.join("broken.charter"));
    std::fs::write(&a, messy).expect("write");
    std::fs::write(&b, clean).expect("write");
    std::fs::write(&broken, "charter \"T\" {").expect("write");
    let d = dir.display().to_string();
    let (status, out, err) = crate::charter(&["fmt", "--check", &d]);
    assert_eq!(status, 1, "{out}{err}");
    assert_eq!(out.trim(), a.display().to_string());
    assert!(err.contains("broken.charter: skipped"), "{err}");
    assert_eq!(
        std::fs::read_to_string(&a).expect("read"),
        messy,
        "--check writes nothing"
    );
    let (status, out, _) = crate::charter(&["fmt", "--stdout", &a.display().to_string()]);
    assert_eq!((status, out.as_str()), (0, clean));
    let (status, _, _) = crate::charter(&["fmt", &d]);
    assert_eq!(status, 0);
    assert_eq!(std::fs::read_to_string(&a).expect("read"), clean);
    assert_eq!(
        std::fs::read_to_string(&broken).expect("read"),
        "charter \"T\" {",
        "a file that does not parse is left as it is"
    );
    let (status, _, _) = crate::charter(&["fmt", "--check", &a.display().to_string(), &b.display().to_string()]);
    assert_eq!(status, 0);
    let _ = std::fs::remove_dir_all(&dir);
}

/// `charter test --coverage` names the rules, the arms of their branches
/// and the clauses the tests reached, and those they did not.
#[test]
fn test_coverage_names_what_the_tests_reached() {
    let dir = std::env::temp_dir().join(format!("charter-coverage-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("dir");
    let policy =
        "charter \"Small\"\n  adopted 2013-06-05\n\nstate AAA \"A\" sort \"A\"\nstate BBB \"B\" sort \"B\"\n\n\
                  § 1 quote \"members\" {\n  members AAA, BBB from 2013-06-05\n}\n\n\
                  § 2 quote \"rules\" {\n  rule big(p: party): bool = if member(p, 2014-01-01) then true else false\n  \
                  rule everyone(d: date): bool = all p in members(d): member(p, d)\n}\n\n\
                  § 3 quote \"meetings\" {\n  meeting plenary \"Plenary\" must every 1 year\n}\n\n\
                  test \"one arm\" {\n  assert big(AAA)\n}\n";
    let file = dir.join("small.charter");
    std::fs::write(&file, policy).expect("write");
    let (status, out, err) = crate::charter(&["test", &file.display().to_string(), "--coverage", "--format", "json"]);
    assert_eq!(status, 0, "{out}{err}");
    let json: serde_json::Value = serde_json::from_str(&out).expect("JSON");
    let coverage = &json["coverage"];
    let rules = coverage["rules"].as_array().expect("rules");
    let big = rules.iter().find(|r| r["rule"] == "big").expect("big");
    assert_eq!(big["called"], true);
    assert_eq!(big["branches"][0]["taken"], serde_json::json!(["then"]));
    assert_eq!(big["branches"][0]["missed"], serde_json::json!(["else"]));
    let everyone = rules.iter().find(|r| r["rule"] == "everyone").expect("everyone");
    assert_eq!(everyone["called"], false);
    assert_eq!(everyone["branches"][0]["missed"], serde_json::json!(["body"]));
    let clause = |c: &str| {
        coverage["clauses"]
            .as_array()
            .expect("clauses")
            .iter()
            .find(|x| x["clause"] == c)
            .cloned()
            .expect("clause")
    };
    assert_eq!(clause("1")["exercised"], true, "member reads § 1");
    assert_eq!(clause("2")["by"], serde_json::json!(["rule big"]));
    assert_eq!(clause("3")["exercised"], false, "no test asks for violations");
    assert_eq!(coverage["summary"]["arms_taken"], 1);
    assert_eq!(coverage["summary"]["arms"], 3);
    let (_, text, _) = crate::charter(&["test", &file.display().to_string(), "--coverage"]);
    assert!(
        text.contains("rule everyone (§ 2): never called") && text.contains("§ 3: no test exercises it"),
        "{text}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// A policy over parties P00..P79 whose body has a members list of
/// `parties` (by number) and a rule joining `terms` membership tests with
/// `and` and `or`, written on one line each.
fn wide_policy(parties: &[u8], terms: &[(u8, bool)]) -> String {
    let mut text = String::from("charter \"T\"\n  ref \"R/1\"\n  adopted 2013-06-05\n\n");
    for n in 0..80 {
        text.push_str(&format!("state P{n:02} \"P{n:02}\" sort \"P{n:02}\"\n"));
    }
    let list: Vec<String> = parties.iter().map(|n| format!("P{n:02}")).collect();
    let mut rule = String::new();
    for (i, (party, or)) in terms.iter().enumerate() {
        if i > 0 {
            rule.push_str(if *or { " or " } else { " and " });
        }
        rule.push_str(&format!("P{party:02} in members(d)"));
    }
    text.push_str(&format!(
        "§ 1 x quote \"q\" {{\n  members {} from 2013-06-05\n  rule r(d: date): bool = {rule}\n}}\n",
        list.join(", ")
    ));
    text
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig { cases: 64, ..Default::default() })]

    /// Wrapping: whatever the length of a list or an expression, the
    /// formatted file keeps its meaning (`format` checks the tree), has no
    /// line wider than the width (every line here can break), is
    /// idempotent, and comes back the same from a disturbed layout.
    #[test]
    fn long_lists_and_expressions_wrap_canonically(
        parties in proptest::collection::btree_set(0u8..80, 1..80),
        terms in proptest::collection::vec((0u8..80, proptest::bool::ANY), 1..12),
        seed in 1u64..u64::MAX,
    ) {
        use charter_analyses::format::WIDTH;
        let parties: Vec<u8> = parties.into_iter().collect();
        let text = wide_policy(&parties, &terms);
        let formatted = format(&text).expect("a generated policy formats");
        for line in formatted.lines() {
            proptest::prop_assert!(line.chars().count() <= WIDTH, "too wide: {}", line);
        }
        proptest::prop_assert_eq!(format(&formatted).expect("formats"), formatted.clone(), "idempotent");
        let messy = disturbed(&formatted, seed);
        proptest::prop_assert_eq!(format(&messy).expect("formats"), formatted.clone(), "\n{}", messy);
        // Short enough to fit: left on one line.
        if 5 * parties.len() + 30 <= WIDTH {
            proptest::prop_assert!(formatted.lines().any(|l| l.starts_with("  members ") && l.ends_with(" from 2013-06-05")));
        }
    }
}
