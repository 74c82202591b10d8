//! `charter diff` on the amendments under `tests/cases/diff/`: each case
//! is the Almaty policy with the edits its `case.json` lists applied and
//! its own `.charter` files added. The diff of the policy with the case is
//! snapshot in all four formats, and the sections that change are exactly
//! those the case expects.

use std::path::{Path, PathBuf};

use charter_cli::{self as cli, Cli};
use charter_tests::{cases_dir, repo_dir};
use clap::Parser as _;

fn charter(args: &[&str]) -> (u8, String, String) {
    let cli = Cli::try_parse_from(std::iter::once("charter").chain(args.iter().copied())).expect("valid command line");
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let status = cli::run(cli, &mut out, &mut err, false);
    (
        status,
        String::from_utf8_lossy(&out).into_owned(),
        String::from_utf8_lossy(&err).into_owned(),
    )
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

/// Builds the NEW policy of a case in a fresh directory; returns it.
pub fn build_case(case: &Path, into: &Path) -> serde_json::Value {
    let spec: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(case.join("case.json")).expect("case.json")).expect("JSON");
    let _ = std::fs::remove_dir_all(into);
    copy_dir(&repo_dir().join("policies/almaty"), into);
    for edit in spec["edits"].as_array().expect("edits") {
        let file = into.join(edit["file"].as_str().expect("file"));
        let (from, to) = (edit["from"].as_str().expect("from"), edit["to"].as_str().expect("to"));
        let text = std::fs::read_to_string(&file).expect("edited file");
        assert_eq!(
            text.matches(from).count(),
            1,
            "{}: the text to edit must occur once in {}: {from:?}",
            case.display(),
            file.display()
        );
        std::fs::write(&file, text.replacen(from, to, 1)).expect("write");
    }
    for entry in std::fs::read_dir(case).expect("case dir") {
        let path = entry.expect("entry").path();
        if path.extension().is_some_and(|e| e == "charter") {
            std::fs::copy(&path, into.join(path.file_name().expect("name"))).expect("copy");
        }
    }
    spec
}

fn scratch(name: &str) -> PathBuf {
    std::env::temp_dir().join(format!("charter-diff-{name}-{}", std::process::id()))
}

#[test]
fn diff_cases() {
    let old = repo_dir()
        .join("policies/almaty")
        .canonicalize()
        .expect("policies/almaty");
    let cases = charter_tests::sorted_dirs(&cases_dir().join("diff"));
    assert!(cases.len() >= 7, "{cases:?}");
    for case in cases {
        let name = case.file_name().expect("name").to_string_lossy().into_owned();
        let new = scratch(&name);
        let spec = build_case(&case, &new);
        let (old_s, new_s) = (old.display().to_string(), new.display().to_string());
        let shown = |text: &str| text.replace(&new_s, "NEW").replace(&old_s, "OLD");
        let run = |format: &str| {
            let (status, out, err) = charter(&["diff", &old_s, &new_s, "--until", "2026-01-01", "--format", format]);
            assert_eq!(status, 0, "{name} ({format}): {err}");
            shown(&out)
        };
        let json: serde_json::Value = serde_json::from_str(&run("json")).expect("JSON");
        // Exactly the sections the case expects change.
        let sections = [
            "diagnostics",
            "text",
            "procedure",
            "chair",
            "membership",
            "groups",
            "decisions",
            "attendance",
            "cadence",
            "rules",
            "history",
            "notes",
        ];
        let changed: Vec<&str> = sections
            .into_iter()
            .filter(|s| json[*s].as_array().is_some_and(|a| !a.is_empty()))
            .collect();
        let expected: Vec<&str> = spec["expect"]
            .as_array()
            .expect("expect")
            .iter()
            .filter_map(|v| v.as_str())
            .collect();
        assert_eq!(changed, expected, "{name}: sections with changes");
        // Every change in the set of valid decisions carries its smallest example.
        for d in json["decisions"].as_array().into_iter().flatten() {
            assert!(
                d["now_invalid"]["present"].is_array() || d["now_valid"]["present"].is_array(),
                "{name}: {d}"
            );
        }
        let semantic = expected
            .iter()
            .any(|s| !matches!(*s, "diagnostics" | "text" | "procedure" | "notes"));
        assert_eq!(json["summary"]["semantic"], semantic, "{name}");
        assert_eq!(json["summary"]["text_only"], !semantic, "{name}");
        // `--fail-on changes` gates on semantic changes only.
        let (status, _, _) = charter(&["diff", &old_s, &new_s, "--until", "2026-01-01", "--fail-on", "changes"]);
        assert_eq!(status, u8::from(semantic), "{name}: --fail-on changes");
        insta::assert_snapshot!(format!("diff-{name}-text"), run("text"));
        insta::assert_snapshot!(format!("diff-{name}-markdown"), run("markdown"));
        insta::assert_snapshot!(
            format!("diff-{name}-json"),
            serde_json::to_string_pretty(&json).expect("JSON")
        );
        let sarif: serde_json::Value = serde_json::from_str(&run("sarif")).expect("SARIF is JSON");
        crate::sarif::assert_valid(&sarif);
        insta::assert_snapshot!(
            format!("diff-{name}-sarif"),
            serde_json::to_string_pretty(&sarif).expect("JSON")
        );
        let _ = std::fs::remove_dir_all(&new);
    }
}

/// A small policy whose decision rule is `rule`, with three members, a
/// fourth from 2015, an observer from 2014 and a bystander.
fn small_policy(rule: &str, reservation: &str) -> Vec<charter_compiler::SourceFile> {
    let text = format!(
        "charter \"Small\"\n  adopted 2013-06-05\n\n\
         state AAA \"Aland\" sort \"Aland\"\nstate BBB \"Bland\" sort \"Bland\"\nstate CCC \"Cland\" sort \"Cland\"\n\
         state DDD \"Dland\" sort \"Dland\"\nstate OBS \"Oland\" sort \"Oland\"\nstate XXX \"Xland\" sort \"Xland\"\n\n\
         § 1 quote \"rules\" {{\n  members AAA, BBB, CCC from 2013-06-05\n  members DDD from 2015-01-01\n  observers OBS from 2014-01-01\n  \
         meeting plenary \"Plenary\"\n  meeting committee \"Committee\"\n  decision ordinary\n  decision amendment\n  {rule}\n  {reservation}\n}}\n"
    );
    vec![charter_compiler::SourceFile::charter("small.charter", text)]
}

/// The diff's counts of valid decisions, and its smallest examples, agree
/// with the evaluator's own `valid` on every one of the 4^6 assignments of
/// presence and objection, for each pair of rules.
#[test]
fn exhaustive_decision_counts_agree_with_the_evaluator() {
    use charter_runtime::{date, ir, tables::Tables};
    let rules = [
        ("decisions by consensus of members present", "amendments by plenary"),
        (
            "decisions by consensus of members present quorum 2",
            "amendments by plenary",
        ),
        (
            "decisions by majority 2/3 of members present",
            "amendments by plenary, committee",
        ),
        (
            "decisions by simple majority of all members quorum 1/2",
            "amendments by committee",
        ),
        (
            "decisions by consensus of members and observers present",
            "amendments by plenary",
        ),
        (
            "decisions by unanimity of members present quorum 3",
            "amendments by plenary",
        ),
    ];
    for (i, before) in rules.iter().enumerate() {
        for after in rules.iter().skip(i + 1) {
            let (old_sources, new_sources) = (small_policy(before.0, before.1), small_policy(after.0, after.1));
            let (old_analysis, new_analysis) = (
                charter_compiler::Analysis::new(old_sources),
                charter_compiler::Analysis::new(new_sources),
            );
            assert_eq!(old_analysis.errors() + new_analysis.errors(), 0, "{before:?} {after:?}");
            let input = |label: &str, analysis| charter_analyses::diff::Input {
                label: label.to_string(),
                analysis,
            };
            let diff = charter_analyses::diff::diff(
                &input("old", &old_analysis),
                &input("new", &new_analysis),
                date::parse("2020-01-01").expect("date"),
            );
            let (old_bundle, new_bundle) = (&old_analysis.result().bundles[0], &new_analysis.result().bundles[0]);
            let (old_tables, new_tables) = (Tables::build(old_bundle), Tables::build(new_bundle));
            assert!(!diff.decisions.is_empty(), "{before:?} → {after:?}: no change found");
            // Completeness: wherever some assignment's validity differs, a
            // row covers that meeting, decision kind and day.
            for day in ["2013-06-05", "2014-01-01", "2015-01-01", "2019-06-01"] {
                let day = date::parse(day).expect("date");
                for (k, meeting) in old_bundle.meeting_kinds.iter().enumerate() {
                    for (d, decision) in old_bundle.decision_kinds.iter().enumerate() {
                        let parties = old_bundle.parties.len() as u32;
                        let differs = (0..(1u32 << (2 * parties))).any(|mask| {
                            let decision = ir::Decision {
                                kind: d as u32,
                                meeting: ir::Meeting {
                                    id: None,
                                    kind: k as u32,
                                    date: day,
                                    host: None,
                                    present: (0..parties).filter(|p| mask & (1 << (2 * p)) != 0).collect(),
                                    observers: Vec::new(),
                                },
                                objections: (0..parties).filter(|p| mask & (1 << (2 * p + 1)) != 0).collect(),
                                reservations: Vec::new(),
                                subjects: Vec::new(),
                                invited_to: None,
                            };
                            old_tables.is_valid(old_bundle, &decision) != new_tables.is_valid(new_bundle, &decision)
                        });
                        let covered = diff.decisions.iter().any(|r| {
                            r.meetings.contains(meeting)
                                && r.decisions.contains(decision)
                                && date::parse(&r.from).expect("date") <= day
                                && r.until.as_ref().is_none_or(|u| day < date::parse(u).expect("date"))
                        });
                        assert_eq!(
                            differs,
                            covered,
                            "{before:?} → {after:?} at {meeting}/{decision} on {}",
                            date::format(day)
                        );
                    }
                }
            }
            for row in &diff.decisions {
                let day = date::parse(&row.from).expect("date");
                for meeting in &row.meetings {
                    for decision in &row.decisions {
                        let kind =
                            |b: &ir::Bundle| b.meeting_kinds.iter().position(|k| k == meeting).expect("kind") as u32;
                        let dkind =
                            |b: &ir::Bundle| b.decision_kinds.iter().position(|k| k == decision).expect("kind") as u32;
                        let make = |b: &ir::Bundle, present: &[u32], objecting: &[u32]| ir::Decision {
                            kind: dkind(b),
                            meeting: ir::Meeting {
                                id: None,
                                kind: kind(b),
                                date: day,
                                host: None,
                                present: present.to_vec(),
                                observers: Vec::new(),
                            },
                            objections: objecting.to_vec(),
                            reservations: Vec::new(),
                            subjects: Vec::new(),
                            invited_to: None,
                        };
                        let parties = old_bundle.parties.len() as u32;
                        let (mut was_valid, mut is_valid) = (0u128, 0u128);
                        for mask in 0..(1u32 << (2 * parties)) {
                            let present: Vec<u32> = (0..parties).filter(|p| mask & (1 << (2 * p)) != 0).collect();
                            let objecting: Vec<u32> = (0..parties).filter(|p| mask & (1 << (2 * p + 1)) != 0).collect();
                            was_valid +=
                                u128::from(old_tables.is_valid(old_bundle, &make(old_bundle, &present, &objecting)));
                            is_valid +=
                                u128::from(new_tables.is_valid(new_bundle, &make(new_bundle, &present, &objecting)));
                        }
                        let what = format!("{before:?} → {after:?} at {meeting}/{decision} from {}", row.from);
                        assert_eq!(row.valid_before.exact, Some(was_valid), "{what}");
                        assert_eq!(row.valid_after.exact, Some(is_valid), "{what}");
                        assert_eq!(row.domain.exact, Some(1u128 << (2 * parties)), "{what}");
                        // The smallest example changes as stated.
                        let id = |b: &ir::Bundle, code: &String| {
                            b.parties.iter().position(|p| &p.id == code).expect("party") as u32
                        };
                        for (example, valid_before) in [(&row.now_invalid, true), (&row.now_valid, false)] {
                            let Some(e) = example else { continue };
                            let ids =
                                |b: &ir::Bundle, list: &[String]| list.iter().map(|c| id(b, c)).collect::<Vec<_>>();
                            let was = old_tables.is_valid(
                                old_bundle,
                                &make(old_bundle, &ids(old_bundle, &e.present), &ids(old_bundle, &e.objecting)),
                            );
                            let is = new_tables.is_valid(
                                new_bundle,
                                &make(new_bundle, &ids(new_bundle, &e.present), &ids(new_bundle, &e.objecting)),
                            );
                            assert_eq!((was, is), (valid_before, !valid_before), "{what}: example {e:?}");
                        }
                    }
                }
            }
        }
    }
}

fn diff_of(old: &str, new: &str) -> charter_analyses::diff::Diff {
    let (old_sources, new_sources) = (
        vec![charter_compiler::SourceFile::charter("old.charter", old)],
        vec![charter_compiler::SourceFile::charter("new.charter", new)],
    );
    let (old_analysis, new_analysis) = (
        charter_compiler::Analysis::new(old_sources),
        charter_compiler::Analysis::new(new_sources),
    );
    assert_eq!(
        old_analysis.errors() + new_analysis.errors(),
        0,
        "{:?}{:?}",
        old_analysis.diagnostics(),
        new_analysis.diagnostics()
    );
    let input = |label: &str, analysis| charter_analyses::diff::Input {
        label: label.to_string(),
        analysis,
    };
    charter_analyses::diff::diff(
        &input("old", &old_analysis),
        &input("new", &new_analysis),
        charter_runtime::date::parse("2020-01-01").expect("date"),
    )
}

/// User rules are compared over their bounded domains: a changed answer
/// with an example argument, a rule whose domain is unbounded named as not
/// compared, rules added and removed; a rule whose body changed but whose
/// answers did not is no semantic change.
#[test]
fn rule_answers_are_compared_over_their_domains() {
    let policy = |rules: &str| {
        format!(
            "charter \"Small\"\n  adopted 2013-06-05\n\n\
             state AAA \"Aland\" sort \"Aland\"\nstate BBB \"Bland\" sort \"Bland\"\nstate DDD \"Dland\" sort \"Dland\"\n\n\
             § 1 quote \"rules\" {{\n  members AAA, BBB from 2013-06-05\n  members DDD from 2015-01-01\n  meeting plenary \"Plenary\"\n}}\n\n{rules}\n"
        )
    };
    let old = policy(
        "rule founding(p: party): bool = member(p, 2014-01-01)\n\
         rule member_then(p: party, d: date): bool = member(p, d)\n\
         rule big(n: int): bool = n > 2\n\
         rule same(p: party): bool = member(p, 2016-01-01)\n\
         rule gone(): bool = true\n",
    );
    let new = policy(
        "rule founding(p: party): bool = member(p, 2016-01-01)\n\
         rule member_then(p: party, d: date): bool = member(p, d)\n\
         rule big(n: int): bool = n > 3\n\
         rule same(p: party): bool = member(p, 2017-01-01)\n\
         rule fresh(): bool = false\n",
    );
    let diff = diff_of(&old, &new);
    let rule = |name: &str| diff.rules.iter().find(|r| r.rule == name);
    let founding = rule("founding").expect("founding changed");
    assert_eq!(
        (founding.change, founding.compared, founding.differing),
        ("answers", 3, 1)
    );
    let example = founding.example.as_ref().expect("an example");
    assert_eq!(example.arguments, vec![serde_json::json!("DDD")]);
    assert_eq!(
        (&example.before, &example.after),
        (&serde_json::json!(false), &serde_json::json!(true))
    );
    assert!(rule("member_then").is_none(), "unchanged answers");
    assert!(rule("same").is_none(), "a changed body with the same answers");
    let big = rule("big").expect("big is named");
    assert_eq!(big.change, "not-compared");
    assert!(
        big.reason.as_deref().is_some_and(|r| r.contains("int")),
        "{:?}",
        big.reason
    );
    assert_eq!(rule("gone").map(|r| r.change), Some("removed"));
    assert_eq!(rule("fresh").map(|r| r.change), Some("added"));
    assert!(diff.summary.semantic);
}

/// Comparing a policy with itself finds nothing, in every section.
#[test]
fn a_policy_does_not_differ_from_itself() {
    let almaty = repo_dir().join("policies/almaty").display().to_string();
    let (status, out, err) = charter(&[
        "diff",
        &almaty,
        &almaty,
        "--until",
        "2026-01-01",
        "--format",
        "json",
        "--fail-on",
        "changes",
    ]);
    assert_eq!(status, 0, "{err}");
    let json: serde_json::Value = serde_json::from_str(&out).expect("JSON");
    for section in [
        "text",
        "procedure",
        "chair",
        "membership",
        "decisions",
        "attendance",
        "cadence",
        "rules",
        "history",
        "notes",
    ] {
        assert_eq!(json[section], serde_json::json!([]), "{section}");
    }
    assert_eq!(json["summary"]["semantic"], false);
}

/// A side with errors: they are listed with their side, nothing else is
/// compared, and the exit status is 1.
#[test]
fn errors_stop_the_comparison() {
    let almaty = repo_dir().join("policies/almaty").display().to_string();
    let broken = scratch("broken");
    let _ = std::fs::remove_dir_all(&broken);
    copy_dir(&repo_dir().join("policies/almaty"), &broken);
    let file = broken.join("modalities-2013.charter");
    let text = std::fs::read_to_string(&file).expect("read");
    std::fs::write(
        &file,
        text.replacen("members KAZ, KGZ, TJK,", "members KAZ, KZG, TJK,", 1),
    )
    .expect("write");
    let (status, out, _) = charter(&["diff", &almaty, &broken.display().to_string(), "--format", "json"]);
    assert_eq!(status, 1);
    let json: serde_json::Value = serde_json::from_str(&out).expect("JSON");
    assert_eq!(json["diagnostics"][0]["side"], "new");
    assert_eq!(json["diagnostics"][0]["code"], "charter::unknown-party");
    assert_eq!(json["chair"], serde_json::json!([]));
    assert!(json["summary"]["errors"].as_u64().is_some_and(|n| n > 0));
    let _ = std::fs::remove_dir_all(&broken);
}

/// A folder with two policies (an error: `charter::duplicate-policy`) compared
/// with itself has no text change: each file is compared with itself, not
/// with the other policy (a draft differing only in layout once read as a
/// layout change; found by the `diff` fuzz target, F7).
#[test]
fn a_folder_with_two_policies_does_not_differ_from_itself() {
    let folder = scratch("two-policies");
    let _ = std::fs::remove_dir_all(&folder);
    copy_dir(&repo_dir().join("policies/almaty"), &folder);
    let text = std::fs::read_to_string(folder.join("modalities-2013.charter")).expect("read");
    std::fs::write(folder.join("draft.charter"), format!("// a draft\n{text}")).expect("write");
    let path = folder.display().to_string();
    let (status, out, _) = charter(&["diff", &path, &path, "--format", "json"]);
    assert_eq!(status, 1, "the folder has errors");
    let json: serde_json::Value = serde_json::from_str(&out).expect("JSON");
    assert!(
        json["diagnostics"]
            .as_array()
            .is_some_and(|d| d.iter().any(|d| d["code"] == "charter::duplicate-policy")),
        "{}",
        json["diagnostics"]
    );
    assert_eq!(json["text"], serde_json::json!([]), "{}", json["text"]);
    assert_eq!(json["summary"]["text"], 0);
    // Nor against the folder without the draft: the draft is no layout
    // change of the policy it copies.
    let almaty = repo_dir().join("policies/almaty").display().to_string();
    let (_, out, _) = charter(&["diff", &almaty, &path, "--format", "json"]);
    let json: serde_json::Value = serde_json::from_str(&out).expect("JSON");
    let layout = json["text"]
        .as_array()
        .is_some_and(|t| t.iter().any(|c| c["change"] == "layout"));
    assert!(!layout, "{}", json["text"]);
    let _ = std::fs::remove_dir_all(&folder);
}
