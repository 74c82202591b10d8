//! The one integration-test binary. Data-driven: every case under
//! `tests/cases/check/` is checked, its codes compared with the case's own
//! `// expect:` line, and its rendered diagnostics compared with an insta
//! snapshot (`cargo insta review` to accept changes).

use std::collections::BTreeSet;

use charter_cli::{self as cli, Cli};
use charter_tests::{cases_dir, load_case, repo_dir, reported_codes};
use clap::Parser as _;

mod bad_input;
mod diff;
mod editors;
mod fmt;
mod fuzz_corpus;
mod limits;
mod sarif;
mod sources;
mod tidy;
mod writes;

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
    for entry in std::fs::read_dir(cases_dir().join("check")).expect("cases/check exists") {
        let path = entry.expect("readable entry").path();
        expected.extend(load_case(&path).expected_codes());
    }
    let missing: Vec<String> = charter_compiler::codes::all()
        .into_iter()
        .map(|info| info.code)
        // `internal` reports a bug in the checker; no input should reach it.
        .filter(|code| code != "charter::internal")
        .filter(|code| !expected.contains(code))
        .collect();
    assert!(
        missing.is_empty(),
        "codes with no case under tests/cases/check: {missing:?}"
    );
}

#[test]
fn many_errors_are_all_reported_in_json() {
    let case = load_case(&cases_dir().join("check/many-errors.charter"));
    let result = case.check();
    insta::assert_snapshot!(case.render_json(&result));
}

/// Runs the `charter` command line in-process; returns (status, stdout, stderr).
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

fn path(relative: &str) -> String {
    repo_dir().join(relative).display().to_string()
}

/// The Almaty policy checks without error or warning: its only warnings
/// are the drafter lints for the gaps in the 2013 text itself, each one
/// the policy expects (`expect ... because ...`, with the reason).
#[test]
fn almaty_policy_checks_clean() {
    let (status, _, err) = charter(&["check", "--deny-warnings", &path("policies/almaty")]);
    assert_eq!(status, 0, "{err}");
    assert!(
        err.contains("0 errors, 0 warnings (5 more expected by the policy"),
        "{err}"
    );
    let (_, out, _) = charter(&["check", "--format", "json", &path("policies/almaty")]);
    let records: Vec<serde_json::Value> = serde_json::from_str(&out).expect("JSON");
    let codes: BTreeSet<&str> = records.iter().filter_map(|r| r["code"].as_str()).collect();
    let gaps = [
        "charter::no-quorum",
        "charter::all-decline-unresolved",
        "charter::open-ended-interim",
        "charter::ambiguous-cadence",
    ];
    assert_eq!(codes, gaps.into_iter().collect::<BTreeSet<_>>(), "{out}");
    assert!(records.iter().all(|r| r["severity"] == "warning"), "{out}");
    assert!(
        records
            .iter()
            .all(|r| r["expected"].as_str().is_some_and(|why| why.contains("§ 3."))),
        "{out}"
    );
}

/// Every policy under `policies/` checks without error or warning
/// (`--deny-warnings`), passes its tests
/// on both backends, and reports; each has a source text whose covered
/// clauses are all encoded or marked.
#[test]
fn every_policy_checks_tests_and_reports() {
    let folders = charter_tests::policy_folders();
    assert!(folders.len() >= 2, "{folders:?}");
    for folder in folders {
        let folder = folder.display().to_string();
        // Every warning a body's text gives is written down as an `expect`.
        let (status, _, err) = charter(&["check", "--deny-warnings", &folder]);
        assert_eq!(status, 0, "{folder}: {err}");
        assert!(err.contains(" 0 errors, 0 warnings"), "{folder}: {err}");
        for backend in ["interp", "jit"] {
            let (status, out, err) = charter(&["test", &folder, "--backend", backend]);
            assert_eq!(status, 0, "{folder} ({backend}): {out}{err}");
            assert!(out.contains(" 0 failed"), "{folder} ({backend}): {out}");
        }
        let (status, out, err) = charter(&["report", &folder, "--until", "2026-01-01"]);
        assert_eq!(status, 0, "{folder}: {err}");
        assert!(out.contains("(100% covered or marked)"), "{folder}: {out}");
    }
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
    let records: Vec<serde_json::Value> = serde_json::from_str(&out).expect("stdout is a JSON array");
    let codes: BTreeSet<&str> = records.iter().filter_map(|r| r["code"].as_str()).collect();
    for code in [
        "charter::duplicate-statement",
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
    let (status, _, err) = charter(&["check", &path("tests/cases/check/history-valid/history.charter")]);
    assert_eq!(status, 0, "{err}");
}

/// `Program::call` (what the server, the Python package and embedders
/// ask) gives the interpreter's answer on native code for every built-in
/// query over one day, on every policy, on the first of every month over
/// its history and the calendar's ends: where a record dated by a window
/// leaves a term's bound open, native code declines and the interpreter
/// answers (native `next_chair` once answered none on colombo-process in
/// 2012, past the end of a term whose next start is dated by a month).
#[test]
fn every_policy_s_day_queries_agree_through_program_call() {
    let mut compared = 0;
    let folders = charter_tests::policy_folders();
    for folder in folders {
        let program = charter_compiler::Analysis::new(charter_tests::policy_sources(&folder))
            .program()
            .unwrap_or_else(|| panic!("{} does not check", folder.display()));
        let native = program.with_backend(charter_compiler::Backend::Native);
        let first = charter_runtime::date::to_date(program.bundle().adopted).map_or(2000, |d| i32::from(d.year())) - 1;
        let mut days = vec![charter_runtime::date::FIRST, charter_runtime::date::LAST];
        for year in first..=2030 {
            for month in 1..=12 {
                days.extend(charter_runtime::date::from_ymd(year as i16, month, 1));
            }
        }
        for name in [
            "chair",
            "chairs",
            "next_chair",
            "term_start",
            "term_end",
            "members",
            "observers",
        ] {
            for day in &days {
                let args = [charter_runtime::Value::Date(*day)];
                let (a, b) = (program.call(name, &args), native.call(name, &args));
                assert_eq!(
                    a.as_ref().map(|a| &a.value).map_err(ToString::to_string),
                    b.as_ref().map(|b| &b.value).map_err(ToString::to_string),
                    "{}: {name}({})",
                    folder.display(),
                    charter_runtime::date::format(*day)
                );
                compared += 1;
            }
        }
    }
    assert!(compared > 10_000, "{compared}");
}

/// Every line of every `tests/cases/eval/*.eval` case evaluates to its
/// expected JSON value on both backends (the interpreter and the JIT); the
/// transcript (with explanations) is snapshotted.
#[test]
fn eval_cases() {
    insta::glob!("cases/eval/*.eval", |path| {
        let case = charter_tests::load_eval_case(path);
        let sources = charter_tests::policy_sources(&case.policy);
        // One program answers every line: on the interpreter, and on
        // native code (the query compiled with the policy's rules).
        let program = charter_compiler::Analysis::new(sources)
            .program()
            .unwrap_or_else(|| panic!("{} does not check", case.policy.display()));
        let native = program.with_backend(charter_compiler::Backend::Native);
        let mut transcript = String::new();
        let mut mismatches = Vec::new();
        for line in &case.lines {
            let facts: Option<serde_json::Value> = line.facts.as_ref().map(|f| {
                serde_json::from_str(&std::fs::read_to_string(f).expect("facts file readable")).expect("facts are JSON")
            });
            let facts = facts
                .map(|json| program.facts(&json).expect("the facts fit the policy"))
                .unwrap_or_default();
            let Ok(prepared) = program.prepare(&line.query, &facts) else {
                panic!("`{}` does not compile against {}", line.query, case.policy.display())
            };
            let answer = prepared.explain(&facts).expect("evaluates");
            let (value, explanation) = (answer.value, answer.explanation);
            // The whole query, compiled natively, gives the same value (a
            // query of violations, a set of records, stays interpreted).
            let natively = native
                .prepare(&line.query, &facts)
                .expect("prepares")
                .eval(&facts)
                .expect("evaluates natively");
            let native_value = match natively.interpreted_because {
                None => Some(natively.value),
                Some(why) => {
                    // Native code answers from one rules' view: a policy
                    // whose view depends on decisions not judged, or whose
                    // chair terms follow a hand-over dated by a window, is
                    // answered by the interpreter, which works out each.
                    assert!(
                        line.query.contains("violations")
                            || why.contains("not judged")
                            || why.contains("dates only by a window"),
                        "`{}` is not native: {why}",
                        line.query
                    );
                    None
                }
            };
            if let Some(native_value) = native_value.filter(|v| *v != value) {
                mismatches.push(format!(
                    "{}: the JIT gives {native_value:?}, the interpreter {value:?}",
                    line.query
                ));
            }
            let actual = value.to_json(program.bundle());
            if actual != line.expected {
                mismatches.push(format!("{}: expected {}, got {actual}", line.query, line.expected));
            }
            transcript.push_str(&format!("{} => {actual}\n", line.query));
            if line.explain {
                transcript.push_str(&serde_json::to_string_pretty(&explanation).expect("serializes"));
                transcript.push('\n');
            }
        }
        assert!(mismatches.is_empty(), "{}:\n{}", path.display(), mismatches.join("\n"));
        insta::assert_snapshot!(transcript);
    });
}

#[test]
fn eval_cli_prints_json_value_and_explanation() {
    let facts = path("tests/cases/eval/som-2016-kgz-objects.json");
    let (status, out, err) = charter(&[
        "eval",
        &path("policies/almaty"),
        "--query",
        "valid(decision)",
        "--facts",
        &facts,
        "--format",
        "json",
        "--explain",
    ]);
    assert_eq!(status, 0, "{err}");
    let doc: serde_json::Value = serde_json::from_str(&out).expect("JSON on stdout");
    assert_eq!(doc["value"], serde_json::json!(false));
    let text = doc["explanation"].to_string();
    assert!(text.contains("KGZ") && text.contains("3.vi"), "{text}");
}

#[test]
fn charter_test_passes_on_almaty_and_reports_failures() {
    // Every `test` block of the policy's files runs, and passes.
    let blocks = charter_tests::policy_sources(&repo_dir().join("policies/almaty"))
        .iter()
        .filter(|f| !f.is_legal_text())
        .map(|f| f.text.lines().filter(|l| l.trim_start().starts_with("test \"")).count())
        .sum::<usize>();
    for backend in ["jit", "interp"] {
        let (status, out, err) = charter(&["test", "--backend", backend, &path("policies/almaty")]);
        assert_eq!(status, 0, "{out}{err}");
        assert!(out.trim_end().ends_with(&format!("{blocks} passed, 0 failed")), "{out}");
    }
    let (status, out, _) = charter(&["test", &path("tests/cases/test/failing.charter")]);
    assert_eq!(status, 1);
    assert!(out.contains("expected KGZ, got KAZ"), "{out}");
    assert!(out.contains("failing.charter:"), "{out}");
    assert!(out.trim_end().ends_with("1 passed, 1 failed"), "{out}");
}

mod properties {
    //! Properties of the semantics, checked on the Almaty policy over
    //! generated dates and decisions.

    use std::sync::OnceLock;

    use charter_runtime::ir::{self, Builtin, Day};
    use charter_runtime::{Interpreter, Value};
    use proptest::prelude::*;

    pub fn almaty() -> &'static ir::Bundle {
        static BUNDLE: OnceLock<ir::Bundle> = OnceLock::new();
        BUNDLE.get_or_init(|| {
            let sources = charter_tests::policy_sources(&charter_tests::repo_dir().join("policies/almaty"));
            let result = charter_compiler::check(&sources);
            result.bundles.into_iter().next().expect("the Almaty policy compiles")
        })
    }

    fn day(text: &str) -> Day {
        charter_runtime::date::parse(text).expect("valid date")
    }

    /// A decision at an unrecorded meeting of the Almaty policy, with the
    /// parties present and objecting given as bit masks.
    pub fn decision(d: Day, present: u64, objections: u64, kind: u32, meeting_kind: u32) -> ir::Decision {
        let n = almaty().parties.len() as u32;
        let set = |mask: u64| (0..n).filter(|p| mask & (1 << p) != 0).collect::<Vec<_>>();
        ir::Decision {
            kind,
            meeting: ir::Meeting {
                id: None,
                kind: meeting_kind,
                date: d,
                host: None,
                present: set(present),
                observers: vec![],
            },
            objections: set(objections),
            reservations: vec![],
            subjects: vec![],
            invited_to: None,
        }
    }

    fn query(interp: &Interpreter<'_>, builtin: Builtin, d: Day) -> Value {
        interp.call_builtin(builtin, &[Value::Date(d)]).expect("evaluates")
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(500))]

        #[test]
        fn terms_contain_their_dates_and_have_one_chair(d in day("2013-08-31")..day("2100-12-31")) {
            let interp = Interpreter::new(almaty());
            let Value::Date(start) = query(&interp, Builtin::TermStart, d) else { panic!("no term start on {d}") };
            let Value::Date(end) = query(&interp, Builtin::TermEnd, d) else { panic!("no term end on {d}") };
            prop_assert!(start <= d && d < end);
            let chair = query(&interp, Builtin::Chair, d);
            prop_assert!(matches!(chair, Value::Party(_)), "no chair on {}", d);
            prop_assert_eq!(&query(&interp, Builtin::Chair, start), &chair);
            prop_assert_eq!(&query(&interp, Builtin::Chair, end - 1), &chair);
            prop_assert_eq!(query(&interp, Builtin::NextChair, d), query(&interp, Builtin::Chair, end));
        }

        #[test]
        fn no_chair_before_the_first_term(d in day("1990-01-01")..day("2013-08-31")) {
            let interp = Interpreter::new(almaty());
            prop_assert_eq!(query(&interp, Builtin::Chair, d), Value::None);
        }

        #[test]
        fn consensus_without_member_objections_is_valid(
            d in day("2013-06-05")..day("2040-12-31"),
            present_mask in 1u32..(1 << 15),
            objection_mask in 0u32..(1 << 15),
            kind_choice in 0usize..3,
        ) {
            let bundle = almaty();
            let interp = Interpreter::new(bundle);
            let members = interp.members(d);
            let parties: Vec<u32> = (0..bundle.parties.len() as u32).collect();
            let present: Vec<u32> = parties.iter().copied().filter(|p| present_mask & (1 << p) != 0).collect();
            // Objections only from parties that are not members present.
            let objections: Vec<u32> = parties
                .iter()
                .copied()
                .filter(|p| objection_mask & (1 << p) != 0 && !(members.contains(p) && present.contains(p)))
                .collect();
            let meeting_kind = kind_choice as u32 % bundle.meeting_kinds.len() as u32;
            let ordinary = bundle.decision_kinds.iter().position(|k| k == "ordinary").expect("ordinary") as u32;
            let decision = ir::Decision {
                kind: ordinary,
                meeting: ir::Meeting { id: None, kind: meeting_kind, date: d, host: None, present: present.clone(), observers: vec![] },
                objections: objections.clone(),
                reservations: vec![],
                subjects: vec![],
                invited_to: None,
            };
            prop_assert_eq!(interp.valid(&decision).valid, Some(true), "{:?}", decision);
            // And one objection from a member present blocks it.
            if let Some(objector) = present.iter().find(|p| members.contains(p)) {
                let mut blocked = decision.clone();
                blocked.objections.push(*objector);
                prop_assert_eq!(interp.valid(&blocked).valid, Some(false));
            }
        }
    }
}

/// Golden dumps of the IR the Almaty policy and the amended case lower to.
#[test]
fn ir_dumps() {
    for (name, policy) in [("almaty", "policies/almaty"), ("amended", "tests/cases/eval/amended")] {
        let sources = charter_tests::policy_sources(&repo_dir().join(policy));
        let result = charter_compiler::check(&sources);
        let bundle = result.bundles.first().expect("compiles");
        insta::assert_snapshot!(format!("ir_{name}"), charter_runtime::dump::dump(bundle));
        let json = serde_json::to_string(bundle).expect("serializes");
        let back: charter_runtime::ir::Bundle = serde_json::from_str(&json).expect("deserializes");
        assert_eq!(&back, bundle, "the IR round-trips through JSON");
    }
}

#[test]
fn almaty_coverage_is_complete() {
    let (status, out, err) = charter(&["check", "--coverage", &path("policies/almaty")]);
    assert_eq!(status, 0, "{err}");
    assert!(out.contains("0 not covered (100% covered or marked)"), "{out}");
    assert!(!out.contains("NOT COVERED"), "{out}");
    let (_, out, _) = charter(&["check", "--coverage", "--format", "json", &path("policies/almaty")]);
    let doc: serde_json::Value = serde_json::from_str(&out).expect("JSON");
    let sentences = doc["coverage"][0]["sentences"].as_array().expect("sentences");
    // The JSON lists the sentences the text summary counts.
    assert!(out_text_counts(&path("policies/almaty")).contains(&format!("{} sentences:", sentences.len())));
    assert!(sentences.iter().all(|s| s["state"] != "not_covered"));
}

fn out_text_counts(policy: &str) -> String {
    charter(&["check", "--coverage", policy]).1
}

/// Changing one word of a quote in the Almaty policy makes `charter check`
/// fail and show the passage of the source the quote should match.
#[test]
fn a_tampered_almaty_quote_fails_with_the_closest_passage() {
    let dir = std::env::temp_dir().join(format!("charter-tampered-{}", std::process::id()));
    let source_dir = dir.join("source");
    std::fs::create_dir_all(&source_dir).expect("temp dir");
    let policy = std::fs::read_to_string(repo_dir().join("policies/almaty/modalities-2013.charter")).expect("policy");
    let tampered = policy.replace(
        "quote \"The term of office will be two years.\"",
        "quote \"The term of office will be three years.\"",
    );
    assert_ne!(policy, tampered, "the quote to tamper with is in the policy");
    std::fs::write(dir.join("modalities-2013.charter"), tampered).expect("write policy");
    std::fs::copy(
        repo_dir().join("policies/almaty/source/operating-modalities-2013.txt"),
        source_dir.join("operating-modalities-2013.txt"),
    )
    .expect("copy source");
    let (status, _, err) = charter(&["check", &dir.display().to_string()]);
    assert_eq!(status, 1, "{err}");
    assert!(err.contains("charter::quote-not-in-source"), "{err}");
    assert!(err.contains("\"The term of office will be two years.\""), "{err}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// Every finding code of `charter report` is drawn by a case under
/// `tests/cases/report/` (a policy folder), whose report is a snapshot;
/// `--deny CODE` and `--deny-violations` gate on the findings.
#[test]
fn report_cases() {
    let mut drawn: BTreeSet<String> = BTreeSet::new();
    let repo = format!("{}/", repo_dir().display());
    let mut dirs: Vec<std::path::PathBuf> = std::fs::read_dir(cases_dir().join("report"))
        .expect("cases/report exists")
        .map(|e| e.expect("readable entry").path())
        .collect();
    dirs.sort();
    for dir in &dirs {
        let dir = dir.display().to_string();
        let name = dir.rsplit('/').next().unwrap_or_default().to_string();
        let (status, text, err) = charter(&["report", &dir, "--until", "2016-12-31"]);
        assert_eq!(status, 0, "{dir}: {err}");
        // Paths relative to the repository, wherever it is checked out.
        let cases = format!("{}/", cases_dir().display());
        let text = text.replace(&cases, "tests/cases/").replace(&repo, "");
        insta::assert_snapshot!(format!("report_case_{name}"), text);
        let (_, json, _) = charter(&["report", &dir, "--until", "2016-12-31", "--format", "json"]);
        let doc: serde_json::Value = serde_json::from_str(&json).expect("one JSON document");
        for finding in doc["findings"].as_array().expect("findings") {
            for key in [
                "code",
                "severity",
                "certainty",
                "day",
                "clause",
                "parties",
                "sources",
                "message",
            ] {
                assert!(finding.get(key).is_some(), "{key} missing in {finding}");
            }
            drawn.insert(finding["code"].as_str().expect("code").to_string());
        }
    }
    let missing: Vec<String> = charter_analyses::report::FindingCode::all()
        .into_iter()
        .filter(|code| !drawn.contains(code))
        .collect();
    assert!(
        missing.is_empty(),
        "finding codes with no case under tests/cases/report: {missing:?}"
    );
    let docs = std::fs::read_to_string(repo_dir().join("docs/findings.md")).expect("docs/findings.md");
    let undocumented: Vec<String> = charter_analyses::report::FindingCode::all()
        .into_iter()
        .filter(|code| !docs.contains(&format!("| `{code}` |")))
        .collect();
    assert!(
        undocumented.is_empty(),
        "finding codes missing from docs/findings.md: {undocumented:?}"
    );

    let case = path("tests/cases/report/findings");
    let gate = |extra: &[&str]| {
        let mut args = vec!["report", case.as_str(), "--until", "2016-12-31"];
        args.extend_from_slice(extra);
        charter(&args)
    };
    assert_eq!(gate(&["--deny", "host-not-chair"]).0, 1);
    assert_eq!(gate(&["--deny", "audit::invalid-decision"]).0, 1);
    assert_eq!(gate(&["--deny-violations"]).0, 1);
    // Before the hand-over, nothing the gates deny has happened yet.
    let early = |extra: &[&str]| {
        let mut args = vec!["report", case.as_str(), "--until", "2013-06-04"];
        args.extend_from_slice(extra);
        charter(&args).0
    };
    assert_eq!(early(&["--deny", "host-not-chair", "--deny-violations"]), 0);
    let (status, _, err) = gate(&["--deny", "host-not-chiar"]);
    assert_eq!(status, 2, "{err}");
    assert!(err.contains("charter::unknown-finding-code"), "{err}");
    assert!(err.contains("did you mean `audit::host-not-chair`"), "{err}");
}

/// The report on the Almaty policy with its history, in text and JSON, at a
/// fixed horizon so the snapshot does not change with the calendar.
#[test]
fn almaty_report() {
    let (status, text, err) = charter(&["report", &path("policies/almaty"), "--until", "2026-11-22"]);
    assert_eq!(status, 0, "{err}");
    let repo = format!("{}/", repo_dir().display());
    insta::assert_snapshot!("report_almaty_text", text.replace(&repo, ""));
    let (status, json, err) = charter(&[
        "report",
        &path("policies/almaty"),
        "--until",
        "2026-11-22",
        "--format",
        "json",
    ]);
    assert_eq!(status, 0, "{err}");
    let doc: serde_json::Value = serde_json::from_str(&json).expect("one JSON document");
    for key in [
        "policy", "chair", "status", "meetings", "findings", "coverage", "lints", "summary",
    ] {
        assert!(doc.get(key).is_some(), "{key} missing");
    }
    assert_eq!(doc["coverage"]["not_covered"], 0);
    assert_eq!(doc["chair"][0]["chair"], "KAZ");
    insta::assert_snapshot!("report_almaty_json", json.replace(&repo, ""));
}

mod explained {
    //! Answers computed without explanations (what queries use) equal the
    //! explained ones (what `--explain` and the report show).

    use charter_runtime::Interpreter;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(1000))]

        #[test]
        fn answers_equal_explained_answers(
            d in 15_000i32..26_000,
            present in any::<u64>(),
            objections in any::<u64>(),
            kind in 0u32..6,
            meeting_kind in 0u32..3,
        ) {
            let bundle = super::properties::almaty();
            let interp = Interpreter::new(bundle);
            let n = bundle.parties.len() as u32;
            let decision = super::properties::decision(d, present, objections, kind, meeting_kind);
            prop_assert_eq!(Some(interp.is_valid(&decision)), interp.valid(&decision).valid);
            for p in 0..n {
                prop_assert_eq!(interp.status(p, d), interp.status_explained(p, d).0, "status of {} on {}", p, d);
            }
        }
    }
}

mod shared_terms {
    //! The interpreter's table of terms, shared between queries.

    use charter_runtime::ir::Builtin;
    use charter_runtime::{Interpreter, Value};
    use proptest::prelude::*;

    fn query(interp: &Interpreter<'_>, builtin: Builtin, d: i32) -> Value {
        interp.call_builtin(builtin, &[Value::Date(d)]).expect("evaluates")
    }

    fn day(text: &str) -> i32 {
        charter_runtime::date::parse(text).expect("valid date")
    }

    proptest! {
        // Each case works the terms out afresh for every day, up to the
        // calendar's end: a few cases are enough.
        #![proptest_config(ProptestConfig::with_cases(16))]

        /// One table of terms shared by every query, asked for days in any
        /// order (far ahead first, then back), gives what a fresh
        /// interpreter works out for each day alone.
        #[test]
        fn shared_terms_answer_like_a_fresh_interpreter(
            days in proptest::collection::vec(day("1990-01-01")..charter_runtime::date::LAST, 1..8)
        ) {
            let tables = charter_runtime::Tables::build(super::properties::almaty());
            for d in days {
                let shared = Interpreter::with_tables(super::properties::almaty(), &tables);
                let fresh = Interpreter::new(super::properties::almaty());
                for builtin in [Builtin::Chair, Builtin::TermStart, Builtin::TermEnd, Builtin::NextChair] {
                    prop_assert_eq!(query(&shared, builtin, d), query(&fresh, builtin, d), "{:?} on day {}", builtin, d);
                }
                // A term's first day is in that term; its last day too.
                if let Value::Date(start) = query(&shared, Builtin::TermStart, d) {
                    prop_assert_eq!(query(&shared, Builtin::TermStart, start), Value::Date(start));
                    let Value::Date(end) = query(&shared, Builtin::TermEnd, d) else {
                        return Err(TestCaseError::fail(format!("a term start but no end on day {d}")));
                    };
                    prop_assert_eq!(query(&shared, Builtin::TermStart, end - 1), Value::Date(start));
                }
            }
        }

    }
}

mod differential {
    //! The JIT must mean exactly what the interpreter means.

    use charter_compiler::codegen::Jit;
    use charter_runtime::ir::{self, Builtin};
    use charter_runtime::{Interpreter, Value};
    use proptest::prelude::*;

    fn almaty() -> &'static ir::Bundle {
        super::properties::almaty()
    }

    fn jit() -> &'static Jit {
        static JIT: std::sync::OnceLock<Jit> = std::sync::OnceLock::new();
        JIT.get_or_init(|| {
            Jit::compile(almaty(), &charter_runtime::Tables::build(almaty()))
                .expect("the Almaty policy compiles to native code")
        })
    }

    fn both(builtin: Builtin, args: &[Value]) -> (Value, Value) {
        let interp = Interpreter::new(almaty());
        (
            interp.call_builtin(builtin, args).expect("interpreter evaluates"),
            jit()
                .call(builtin, args)
                .expect("native code answers")
                .expect("native code knows"),
        )
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        #[test]
        fn date_queries_agree(d in -20_000i32..120_000) {
            for builtin in [Builtin::Chair, Builtin::NextChair, Builtin::TermStart, Builtin::TermEnd, Builtin::Members] {
                let (a, b) = both(builtin, &[Value::Date(d)]);
                prop_assert_eq!(a, b, "{:?} on day {}", builtin, d);
            }
            for p in 0..almaty().parties.len() as u32 {
                let (a, b) = both(Builtin::Member, &[Value::Party(p), Value::Date(d)]);
                prop_assert_eq!(a, b, "member({}, {})", p, d);
                let meeting = ir::Meeting { id: None, kind: 0, date: d, host: None, present: vec![], observers: vec![] };
                let (a, b) = both(Builtin::MayAttend, &[Value::Party(p), Value::Meeting(Box::new(meeting))]);
                prop_assert_eq!(a, b, "may_attend({}, {})", p, d);
            }
        }

        #[test]
        fn decisions_agree(
            d in 15_000i32..26_000,
            present in any::<u64>(),
            objections in any::<u64>(),
            kind in 0u32..6,
            meeting_kind in 0u32..3,
        ) {
            let decision = super::properties::decision(d, present, objections, kind, meeting_kind);
            let (a, b) = both(Builtin::Valid, &[Value::Decision(Box::new(decision.clone()))]);
            prop_assert_eq!(&a, &b);
            // The same decision among others at its meeting, judged by
            // `valid_sets` (the meeting once, the sets as columns).
            let record = jit().record(&decision).expect("a record");
            let words = jit().native().words();
            let sets = |r: &[u64], at: usize| r.get(2 + at * words..2 + (at + 1) * words).map(<[u64]>::to_vec).unwrap_or_default();
            // Nine pairs: two turns of four, then one; the decision's sets sixth.
            let present: Vec<u64> = [vec![0; 5 * words], sets(&record, 0), vec![u64::MAX; 3 * words]].concat();
            let objections: Vec<u64> = [vec![u64::MAX; 5 * words], sets(&record, 1), vec![0; 3 * words]].concat();
            let mut out = [9u8; 9];
            prop_assert!(jit().native().valid_sets(&record, &present, &objections, &mut out).is_some());
            prop_assert_eq!(Value::Bool(out[5] == 1), a);
            prop_assert!(out.iter().all(|o| *o <= 1));
        }

        /// The batch entry points answer each item as the single calls do,
        /// for every length (unrolled loops and their tails), and write
        /// nothing past the items.
        #[test]
        fn batches_agree_with_single_calls(
            items in proptest::collection::vec((0u32..20, -2_000i32..120_000), 0..14),
        ) {
            let native = jit().native();
            let pairs: Vec<charter_compiler::codegen::Attendance> = items
                .iter()
                .map(|(party, day)| charter_compiler::codegen::Attendance { party: *party, day: *day })
                .collect();
            let mut out = vec![7u8; pairs.len() + 1];
            native.may_attend_batch(&pairs, &mut out[..pairs.len()]);
            for (pair, got) in pairs.iter().zip(&out) {
                prop_assert_eq!(*got, u8::from(native.may_attend(pair.party, pair.day)), "may_attend({}, {})", pair.party, pair.day);
            }
            prop_assert_eq!(out.last(), Some(&7u8));
            let days: Vec<i32> = items.iter().map(|(_, day)| *day).collect();
            let mut chairs = vec![-7i32; days.len() + 1];
            native.chair_batch(&days, &mut chairs[..days.len()]);
            for (day, got) in days.iter().zip(&chairs) {
                prop_assert_eq!(*got, native.chair(*day), "chair({})", day);
            }
            prop_assert_eq!(chairs.last(), Some(&-7i32));
        }
    }
}

/// Compiles the C program `source` (its header in `dir`) with the system C
/// compiler and links it with `object`; returns the program.
fn link_c(dir: &std::path::Path, source: &std::path::Path, object: &std::path::Path, name: &str) -> std::path::PathBuf {
    let program = dir.join(name);
    let cc = std::env::var("CC").unwrap_or_else(|_| "cc".to_string());
    let compiled = std::process::Command::new(&cc)
        .args(["-O2", "-Wall", "-Werror", "-I"])
        .arg(dir)
        .arg(source)
        .arg(object)
        .arg("-o")
        .arg(&program)
        .output()
        .unwrap_or_else(|e| panic!("the C compiler `{cc}` must be installed to test the object file: {e}"));
    assert!(
        compiled.status.success(),
        "{}",
        String::from_utf8_lossy(&compiled.stderr)
    );
    program
}

/// The object file's built-in entry points say unknown where a record the
/// sources date only by a window leaves the answer open, as the
/// interpreter does: `charter_may_attend` and `charter_member` give
/// `CHARTER_UNKNOWN`, the chair's entry points `CHARTER_UNKNOWN_VALUE`,
/// `charter_members` returns `CHARTER_UNKNOWN`, `charter_valid` and its
/// batch 2; an answer both sides of the window give alike stays 0 or 1.
#[test]
fn the_object_file_says_unknown_inside_a_window() {
    let dir = std::env::temp_dir().join(format!("charter-aot-windows-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let day = |text: &str| charter_runtime::date::parse(text).expect("a date");
    let build = |policy: &str, name: &str| {
        let object = dir.join(format!("{name}.o"));
        let header = dir.join("charter_policy.h");
        let (status, _, err) = charter(&[
            "build",
            &path(policy),
            "-o",
            &object.display().to_string(),
            "--header",
            &header.display().to_string(),
        ]);
        assert_eq!(status, 0, "{err}");
        object
    };
    // KGZ's broken silence (pending -> none) is dated no later than
    // 2014-06-30; KAZ's (pending -> observer) in 2014-03.
    let object = build("tests/cases/eval/status-windows", "windows");
    let program = format!(
        r#"#include <stdio.h>
#include "charter_policy.h"
int main(void) {{
    printf("%d %d %d ", charter_may_attend(CHARTER_PARTY_KGZ, {}), charter_may_attend(CHARTER_PARTY_KGZ, {}), charter_may_attend(CHARTER_PARTY_KGZ, {}));
    printf("%d %d %d\n", charter_may_attend(CHARTER_PARTY_KAZ, {}), charter_member(CHARTER_PARTY_KAZ, {}), CHARTER_UNKNOWN);
    return 0;
}}
"#,
        day("2014-01-01"),
        day("2014-05-01"),
        day("2014-07-01"),
        day("2014-03-10"),
        day("2014-03-10"),
    );
    let c = dir.join("windows.c");
    std::fs::write(&c, program).expect("C written");
    let run = std::process::Command::new(link_c(&dir, &c, &object, "windows"))
        .output()
        .expect("runs");
    assert_eq!(String::from_utf8_lossy(&run.stdout), "1 4 0 1 0 4\n");
    // Khartoum's chair: a taking of office dated between 2014-11-28 and
    // 2014-11-30; Egypt in office in mid-2015, as `charter eval` says.
    let object = build("policies/khartoum", "khartoum");
    let program = format!(
        r#"#include <stdio.h>
#include "charter_policy.h"
int main(void) {{
    int32_t open = {};
    printf("%d %d\n", charter_chair(open) == CHARTER_UNKNOWN_VALUE, charter_chair({}) == CHARTER_PARTY_EGY);
    int32_t days[2] = {{ open, {} }};
    int32_t out[2];
    charter_chair_batch(days, 2, out);
    printf("%d %d\n", out[0] == CHARTER_UNKNOWN_VALUE, out[1] == charter_chair(days[1]));
    return 0;
}}
"#,
        day("2014-11-29"),
        day("2015-06-01"),
        day("2015-06-01"),
    );
    let c = dir.join("khartoum.c");
    std::fs::write(&c, program).expect("C written");
    let run = std::process::Command::new(link_c(&dir, &c, &object, "khartoum"))
        .output()
        .expect("runs");
    assert_eq!(String::from_utf8_lossy(&run.stdout), "1 1\n1 1\n");
    // Puebla: the Dominican Republic's joining is dated between 1999-01-29
    // and 2000-03-23, so the members are open. A decision nobody objected
    // to is valid whichever way the joining falls; one the Dominican
    // Republic objected to at the meeting is valid only if it had not yet
    // joined: not judged (2), as the interpreter's unknown.
    let object = build("policies/puebla", "puebla");
    let program = format!(
        r#"#include <stdio.h>
#include <string.h>
#include "charter_policy.h"
int main(void) {{
    uint64_t set[CHARTER_PARTY_WORDS];
    printf("%d %d ", charter_members({}, set) == CHARTER_UNKNOWN, charter_members({}, set));
    struct charter_decision d;
    memset(&d, 0, sizeof d);
    d.kind = CHARTER_DECISION_ORDINARY;
    d.meeting_kind = CHARTER_MEETING_VICE_MINISTERIAL;
    d.date = {};
    uint8_t out[1], sets[1];
    charter_valid_batch(&d, 1, out);
    uint64_t present[CHARTER_PARTY_WORDS] = {{0}}, objections[CHARTER_PARTY_WORDS] = {{0}};
    charter_valid_sets(&d, present, objections, 1, sets);
    printf("%d %d %d ", charter_valid(&d), out[0], sets[0]);
    d.present[CHARTER_PARTY_DOM / 64] |= 1ull << (CHARTER_PARTY_DOM % 64);
    d.objections[CHARTER_PARTY_DOM / 64] |= 1ull << (CHARTER_PARTY_DOM % 64);
    charter_valid_batch(&d, 1, out);
    charter_valid_sets(&d, d.present, d.objections, 1, sets);
    printf("%d %d %d\n", charter_valid(&d), out[0], sets[0]);
    return 0;
}}
"#,
        day("1999-06-01"),
        day("2001-01-01"),
        day("1999-06-01"),
    );
    let c = dir.join("puebla.c");
    std::fs::write(&c, program).expect("C written");
    let run = std::process::Command::new(link_c(&dir, &c, &object, "puebla"))
        .output()
        .expect("runs");
    assert_eq!(String::from_utf8_lossy(&run.stdout), "1 0 1 1 1 2 2 2\n");
    let _ = std::fs::remove_dir_all(&dir);
}

/// `charter build` writes an object file and header that the system C
/// compiler links with `examples/c/main.c`; the program's answers are the
/// interpreter's for the policy with its history (Iran, an observer since
/// 2013, takes no turn, so Kyrgyzstan chairs from 2029).
#[test]
fn c_example_links_the_object_file_and_answers() {
    let dir = std::env::temp_dir().join(format!("charter-aot-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let object = dir.join("policy.o");
    let header = dir.join("charter_policy.h");
    let (status, _, err) = charter(&[
        "build",
        &path("policies/almaty"),
        "-o",
        &object.display().to_string(),
        "--header",
        &header.display().to_string(),
    ]);
    assert_eq!(status, 0, "{err}");
    let program = link_c(&dir, &repo_dir().join("examples/c/main.c"), &object, "almaty");
    let run = std::process::Command::new(&program).output().expect("the example runs");
    assert!(run.status.success());
    let out = String::from_utf8_lossy(&run.stdout);
    let expected = "\
chair 2013-08-30 none
chair 2013-09-01 KAZ
chair 2015-08-31 KGZ
chair 2017-08-31 TJK
chair 2019-08-31 TUR
chair 2021-08-31 AFG
chair 2023-08-31 AZE
chair 2029-08-31 TJK
valid ordinary, no objection: 1
valid ordinary, KGZ objects: 0
valid amendment at a SOM: 0
valid amendment at a Ministerial: 1
host_is_chair(ministerial 2016-06-01 hosted by KGZ): 1
host_is_chair(ministerial 2016-06-01 hosted by TJK): 0
";
    assert_eq!(out, expected);
    let _ = std::fs::remove_dir_all(&dir);
}

/// A policy of 100 parties asked about a day in 2500: the JIT, the object
/// file from `charter build` (linked from C) and the interpreter give the
/// same chair, term, membership and validity.
#[test]
fn a_hundred_parties_in_2500_answer_natively_everywhere() {
    use charter_compiler::codegen::Jit;
    use charter_runtime::{date, Interpreter, Tables};

    let dir = std::env::temp_dir().join(format!("charter-crowd-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let mut policy = String::from("charter \"Crowd\"\n  ref \"C/1\"\n  adopted 2013-06-05\n\n");
    for i in 0..100 {
        policy.push_str(&format!("state P{i:03} \"State {i}\" sort \"State {i:03}\"\n"));
    }
    policy.push_str("§ 1 quote \"q\" {\n");
    for i in 0..99 {
        policy.push_str(&format!("  members P{i:03} from 2013-06-05\n"));
    }
    policy.push_str("  pending P099 under silence until 2013-09-01\n  withdrawal P050 on 2100-01-01\n");
    policy.push_str("  chair {\n    eligible members\n    order alphabetical english\n    first P000 from 2013-08-31\n    term 2 years\n  }\n");
    policy.push_str("  meeting ministerial must every 2 years from 2013-06-05\n  amendments by ministerial\n  decisions by consensus of members present\n}\n");
    let file = dir.join("crowd.charter");
    std::fs::write(&file, &policy).expect("policy written");
    let sources = vec![charter_compiler::SourceFile::charter("crowd.charter", policy.clone())];
    let result = charter_compiler::check(&sources);
    let bundle = result
        .bundles
        .first()
        .unwrap_or_else(|| panic!("{:?}", result.diagnostics));
    assert_eq!(bundle.parties.len(), 100);
    let tables = Tables::build(bundle);
    let interp = Interpreter::with_tables(bundle, &tables);
    let jit = Jit::compile(bundle, &tables).expect("100 parties compile to native code");
    let day = date::parse("2500-03-01").expect("a date");
    let term = interp.term_at(day).expect("terms").expect("a term in 2500");
    let chair = term.chair.expect("a chair in 2500");
    assert_eq!(jit.chair(day), Some(chair));
    assert_eq!(jit.native().term_start(day), term.start);
    assert_eq!(jit.native().term_end(day), term.end);
    for p in [0u32, 50, 70, 99] {
        assert_eq!(
            jit.native().member(p, day),
            interp.status(p, day) == charter_runtime::ir::Status::Member,
            "P{p}"
        );
    }
    let decision = |objections: Vec<u32>| charter_runtime::ir::Decision {
        kind: 0,
        meeting: charter_runtime::ir::Meeting {
            id: None,
            kind: 0,
            date: day,
            host: None,
            present: (0..100).collect(),
            observers: vec![],
        },
        objections,
        reservations: vec![],
        subjects: vec![],
        invited_to: None,
    };
    let cases = [vec![], vec![70], vec![50]];
    let expected: Vec<bool> = cases.iter().map(|o| interp.is_valid(&decision(o.clone()))).collect();
    assert_eq!(
        expected,
        [true, false, true],
        "P050 withdrew in 2100: its objection does not block"
    );
    for (o, e) in cases.iter().zip(&expected) {
        assert_eq!(jit.valid(&decision(o.clone())), Some(Some(*e)), "objections {o:?}");
    }

    let object = dir.join("crowd.o");
    let header = dir.join("charter_policy.h");
    let (status, _, err) = charter(&[
        "build",
        &file.display().to_string(),
        "-o",
        &object.display().to_string(),
        "--header",
        &header.display().to_string(),
    ]);
    assert_eq!(status, 0, "{err}");
    let program = format!(
        r#"#include <stdio.h>
#include <string.h>
#include "charter_policy.h"
int main(void) {{
    int32_t day = {day};
    printf("%d %d %d\n", charter_chair(day), charter_term_start(day), charter_term_end(day));
    printf("%d %d %d %d\n", charter_member(0, day), charter_member(50, day), charter_member(70, day), charter_member(99, day));
    struct charter_decision d;
    memset(&d, 0, sizeof d);
    d.date = day;
    for (int p = 0; p < 100; p++) CHARTER_SET_ADD(d.present, p);
    printf("%d", charter_valid(&d));
    CHARTER_SET_ADD(d.objections, 70);
    printf(" %d", charter_valid(&d));
    memset(d.objections, 0, sizeof d.objections);
    CHARTER_SET_ADD(d.objections, 50);
    printf(" %d\n", charter_valid(&d));
    return 0;
}}
"#
    );
    let c = dir.join("crowd.c");
    std::fs::write(&c, program).expect("C written");
    let binary = link_c(&dir, &c, &object, "crowd");
    let run = std::process::Command::new(&binary).output().expect("the program runs");
    let member = |p: u32| i32::from(interp.status(p, day) == charter_runtime::ir::Status::Member);
    let want = format!(
        "{chair} {} {}\n{} {} {} {}\n{} {} {}\n",
        term.start,
        term.end,
        member(0),
        member(50),
        member(70),
        member(99),
        i32::from(expected[0]),
        i32::from(expected[1]),
        i32::from(expected[2]),
    );
    assert_eq!(String::from_utf8_lossy(&run.stdout), want);
    let _ = std::fs::remove_dir_all(&dir);
}

/// The embedding API answers typed and by-name queries the same with and
/// without native code, and reports bad queries as values.
#[test]
fn embedding_api() {
    use charter_runtime::{date, Evaluator, QueryError, Value};

    let native = charter::load(repo_dir().join("policies/almaty"))
        .expect("loads")
        .with_backend(charter::Backend::Native);
    assert!(native.native().is_ok());
    let interpreted = native.with_backend(charter::Backend::Interpreter);
    let kgz = native.party("KGZ").expect("KGZ");
    for day in ["2013-08-30", "2015-08-31", "2029-08-31", "2250-01-01"] {
        let d = date::parse(day).expect("date");
        assert_eq!(native.chair(d), interpreted.chair(d), "{day}");
        assert_eq!(native.member(kgz, d), interpreted.member(kgz, d), "{day}");
        let q = [Value::Date(d)];
        assert_eq!(native.query("term_end", &q), interpreted.query("term_end", &q), "{day}");
    }
    assert_eq!(native.chair(date::parse("2015-08-31").expect("date")), Ok(Some(kgz)));
    assert!(matches!(
        native.query("chair", &[]),
        Err(QueryError::WrongArity {
            expected: 1,
            found: 0,
            ..
        })
    ));
    assert!(matches!(native.query("nope", &[]), Err(QueryError::UnknownQuery(_))));
    assert!(matches!(
        native.query("chair", &[Value::Int(3)]),
        Err(QueryError::Eval(_))
    ));
    let meeting = charter_runtime::ir::Meeting {
        id: None,
        kind: 0,
        date: date::parse("2016-06-01").expect("date"),
        host: Some(kgz),
        present: vec![],
        observers: vec![],
    };
    let args = [Value::Meeting(Box::new(meeting))];
    // The rule runs natively in `native` (its native code has it), and
    // answers as the interpreter does.
    let index = native
        .bundle()
        .rules
        .iter()
        .position(|r| r.name == "host_is_chair")
        .expect("the rule");
    let jit = native.native().expect("native code");
    assert_eq!(
        jit.native().call_rule(index, &args, native.bundle()),
        Ok(Ok(Value::Bool(true)))
    );
    assert_eq!(native.query("host_is_chair", &args), Ok(Value::Bool(true)));
    assert_eq!(interpreted.query("host_is_chair", &args), Ok(Value::Bool(true)));
    assert!(charter::load("/no/such/policy").is_err());
}

pub(crate) mod random_policies {
    //! Differential testing on generated policies: small random rosters
    //! (members, silence procedures, withdrawals, joins, broken silences),
    //! rotations with declines and hand-overs, quorum settings, and random
    //! queries and decisions. The JIT and the interpreter must agree on
    //! every one: 2,000 policies in every test run (sized for CI's two
    //! cores), more in a deep run (`CHARTER_PROPTEST_CASES=20000
    //! scripts/test`).

    use charter_compiler::codegen::Jit;
    use charter_runtime::ir::{self, Builtin};
    use charter_runtime::{date, Interpreter, Value};
    use proptest::prelude::*;

    const SORT_NAMES: &[&str] = &[
        "Aland", "Éire", "alpha", "Beta", "beta", "Öland", "Zeta", "Ürün", "Costa", "côte", "Delta", "Ísland",
    ];

    #[derive(Debug, Clone)]
    enum Standing {
        Member { from: i32, until: Option<i32> },
        Pending { deadline: i32, broken: Option<(i32, bool)> },
        Open { joins: Option<i32> },
        None,
    }

    #[derive(Debug, Clone)]
    struct Policy {
        adopted: i32,
        standings: Vec<(Standing, Option<i32>)>,
        sort: Vec<usize>,
        rename: Option<(usize, i32, usize)>,
        first_offset: i32,
        term: (i64, &'static str),
        voluntary: bool,
        all_decline_stays: Option<bool>,
        quorum: Option<(i64, i64)>,
        declines: Vec<(usize, i64)>,
        handovers: Vec<(usize, i32)>,
        /// Further states, members from adoption onwards on days of their
        /// own, so the policy has more than 64 parties and many epochs.
        crowd: usize,
    }

    fn day(d: i32) -> String {
        date::format(d)
    }

    /// A record's day as a source might give it, chosen by the day itself
    /// so that shrinking keeps it: exactly, by its month, or only as a
    /// bound ("no later than", which runs from the party's change before).
    fn dated(d: i32) -> String {
        match d.rem_euclid(4) {
            0 => format!("on no later than {}", day(d)),
            1 => format!("in {}", day(d).get(..7).unwrap_or_default()),
            _ => format!("on {}", day(d)),
        }
    }

    impl Policy {
        fn source(&self) -> String {
            let mut s = format!(
                "charter \"Random policy\"\n  ref \"R/1\"\n  adopted {}\n\n",
                day(self.adopted)
            );
            for (i, sort) in self.sort.iter().enumerate() {
                s.push_str(&format!(
                    "state S{i} \"State {i}\" sort \"{}\"\n",
                    SORT_NAMES[*sort % SORT_NAMES.len()]
                ));
                if let Some((party, on, name)) = self.rename {
                    if party == i {
                        s.push_str(&format!(
                            "  renamed {} \"State {i} renamed\" sort \"{}\"\n",
                            day(on),
                            SORT_NAMES[name % SORT_NAMES.len()]
                        ));
                    }
                }
            }
            for k in 0..self.crowd {
                s.push_str(&format!("state C{k:03} \"Crowd {k}\" sort \"Crowd {k:03}\"\n"));
            }
            s.push_str("§ 1 quote \"q\" {\n");
            for k in 0..self.crowd {
                s.push_str(&format!(
                    "  members C{k:03} from {}\n",
                    day(self.adopted + 37 * k as i32)
                ));
            }
            for (i, (standing, withdrawal)) in self.standings.iter().enumerate() {
                match standing {
                    Standing::Member { from, until } => {
                        s.push_str(&format!("  members S{i} from {}", day(*from)));
                        if let Some(u) = until {
                            s.push_str(&format!(" until {}", day(*u)));
                        }
                        s.push('\n');
                    }
                    Standing::Pending { deadline, .. } => {
                        s.push_str(&format!("  pending S{i} under silence until {}\n", day(*deadline)))
                    }
                    Standing::Open { .. } => s.push_str(&format!("  open to S{i}\n")),
                    Standing::None => {}
                }
                if let Some(on) = withdrawal {
                    s.push_str(&format!("  withdrawal S{i} on {}\n", day(*on)));
                }
            }
            s.push_str("  chair {\n    eligible members\n    order alphabetical english\n");
            s.push_str(&format!(
                "    first S0 from {}\n",
                day(self.adopted + self.first_offset)
            ));
            s.push_str(&format!("    term {} {}\n", self.term.0, self.term.1));
            if self.voluntary {
                s.push_str("    voluntary\n");
            }
            match self.all_decline_stays {
                Some(true) => s.push_str("    when all decline outgoing stays\n"),
                Some(false) => s.push_str("    when all decline vacant\n"),
                None => {}
            }
            s.push_str("  }\n  meeting ministerial must every 2 years from 2000-01-01\n  meeting som must every 1 year from 2000-01-01\n");
            s.push_str("  amendments by ministerial\n  decisions by consensus");
            match self.quorum {
                Some((n, 0)) => s.push_str(&format!(" quorum {n}")),
                Some((a, b)) => s.push_str(&format!(" quorum {a}/{b}")),
                None => {}
            }
            s.push_str("\n}\n");
            s
        }

        fn history(&self) -> String {
            let mut h = String::from("history for \"Random policy\"\n");
            for (i, (standing, _)) in self.standings.iter().enumerate() {
                match standing {
                    Standing::Pending {
                        broken: Some((on, observer)),
                        ..
                    } => {
                        h.push_str(&format!(
                            "silence S{i} broken {} becomes {}\n",
                            dated(*on),
                            if *observer { "observer" } else { "none" }
                        ));
                    }
                    Standing::Open { joins: Some(on) } => h.push_str(&format!("joined S{i} {}\n", dated(*on))),
                    _ => {}
                }
            }
            let start = self.adopted + self.first_offset;
            for (party, k) in &self.declines {
                // A decline on a regular term boundary, where it can matter.
                let unit = match self.term.1 {
                    "years" => ir::Unit::Years,
                    _ => ir::Unit::Months,
                };
                let turn = date::add(
                    start,
                    ir::Duration {
                        amount: self.term.0,
                        unit,
                    },
                    *k,
                )
                .unwrap_or(start);
                h.push_str(&format!("decline S{} turn {}\n", party % self.sort.len(), day(turn)));
            }
            for (party, on) in &self.handovers {
                h.push_str(&format!(
                    "handover to S{} on {}\n",
                    party % self.sort.len(),
                    day(start + on)
                ));
            }
            h
        }
    }

    prop_compose! {
        fn policy()(
            n in 2usize..8,
            adopted in 10_000i32..20_000,
        )(
            sort in proptest::collection::vec(0usize..12, n),
            standings in proptest::collection::vec((0u8..4, 0i32..800, proptest::option::of(100i32..3000), 30i32..400, proptest::option::of((0i32..400, any::<bool>())), proptest::option::of(0i32..3000), proptest::option::weighted(0.2, 500i32..5000)), n),
            rename in proptest::option::of((0usize..8, 0i32..6000, 0usize..12)),
            first_offset in 0i32..300,
            term in prop_oneof![(1i64..4).prop_map(|n| (n, "years")), (6i64..30).prop_map(|n| (n, "months"))],
            voluntary in any::<bool>(),
            all_decline_stays in proptest::option::of(any::<bool>()),
            quorum in prop_oneof![Just(None), (1i64..4).prop_map(|n| Some((n, 0))), (1i64..3, 2i64..4).prop_map(|(a, b)| Some((a.min(b), b)))],
            declines in proptest::collection::vec((0usize..8, 1i64..12), 0..4),
            handovers in proptest::collection::vec((0usize..8, 100i32..6000), 0..2),
            crowd in prop_oneof![3 => Just(0usize), 1 => Just(70usize)],
            adopted in Just(adopted),
        ) -> Policy {
            let standings = standings
                .into_iter()
                .enumerate()
                .map(|(i, (kind, from, until, deadline, broken, joins, withdrawal))| {
                    // S0 is a member from adoption, so the rotation can start with it.
                    let standing = match if i == 0 { 0 } else { kind } {
                        0 => Standing::Member { from: if i == 0 { adopted } else { adopted + from }, until: until.map(|u| adopted + from + u).filter(|_| i != 0) },
                        1 => Standing::Pending { deadline: adopted + deadline, broken: broken.map(|(b, o)| (adopted + b.min(deadline), o)) },
                        2 => Standing::Open { joins: joins.map(|j| adopted + j) },
                        _ => Standing::None,
                    };
                    let withdrawal = withdrawal.filter(|_| i != 0 && matches!(standing, Standing::Member { until: None, .. })).map(|w| adopted + 900 + w);
                    (standing, withdrawal)
                })
                .collect();
            let rename = rename.map(|(p, on, s)| (p % sort.len(), adopted + on, s));
            Policy { adopted, standings, sort, rename, first_offset, term, voluntary, all_decline_stays, quorum, declines, handovers, crowd }
        }
    }

    fn cases() -> u32 {
        std::env::var("CHARTER_PROPTEST_CASES")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(2_000)
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: cases(), ..ProptestConfig::default() })]

        #[test]
        fn jit_agrees_with_the_interpreter(
            policy in policy(),
            days in proptest::collection::vec(-500i32..16_000, 4),
            far in proptest::collection::vec(-1_000_000i32..3_000_000, 2),
            decisions in proptest::collection::vec((0i32..16_000, any::<u16>(), any::<u16>(), 0u32..2, 0u32..2, any::<u64>()), 2),
        ) {
            let sources = vec![
                charter_compiler::SourceFile::charter("policy.charter", policy.source()),
                charter_compiler::SourceFile::charter("history.charter", policy.history()),
            ];
            let result = charter_compiler::check(&sources);
            let bundle = result.bundles.first();
            prop_assert!(bundle.is_some(), "generated policy does not check:\n{}\n{}\n{:?}", policy.source(), policy.history(), result.diagnostics);
            let bundle = bundle.expect("checked above");
            let interp = Interpreter::new(bundle);
            let jit = Jit::compile(bundle, interp.tables()).expect("compiles to native code");
            let ask = |b: Builtin, args: &[Value]| -> Result<(), TestCaseError> {
                // A record dated only by a window leaves some answers
                // unknown: both backends say so on the same days.
                let a = interp.call_builtin(b, args);
                let n = jit.call(b, args).expect("native code answers");
                let same = matches!(
                    (&a, &n),
                    (Err(charter_runtime::EvalError::Unknown(_)), Err(charter_runtime::EvalError::Unknown(_)))
                ) || a == n;
                prop_assert!(same, "{:?}({:?}): interpreter {:?}, native {:?} on\n{}\n{}", b, args, a, n, policy.source(), policy.history());
                Ok(())
            };
            // Days near adoption, and any day to the calendar's end and past it.
            let days: Vec<i32> = days.iter().map(|o| policy.adopted + o).chain(far).collect();
            for day in &days {
                let d = Value::Date(*day);
                for b in [Builtin::Chair, Builtin::NextChair, Builtin::TermStart, Builtin::TermEnd, Builtin::Members] {
                    ask(b, std::slice::from_ref(&d))?;
                }
                ask(Builtin::Member, &[Value::Party(1), d.clone()])?;
                ask(Builtin::Member, &[Value::Party(bundle.parties.len() as u32 - 1), d.clone()])?;
                for p in 0..bundle.parties.len() as u32 {
                    let meeting = ir::Meeting { id: None, kind: 0, date: *day, host: None, present: vec![], observers: vec![] };
                    ask(Builtin::MayAttend, &[Value::Party(p), Value::Meeting(Box::new(meeting))])?;
                }
            }
            let n = policy.sort.len() as u32;
            for (offset, present, objections, kind, meeting, crowd) in decisions {
                // The policy's own states by the masks; the crowd (after
                // them) present by `crowd`'s bits, one of them objecting.
                let crowd_ids = (0..policy.crowd as u32).map(|k| n + k);
                let set = |mask: u16| (0..n).filter(|p| mask & (1 << p) != 0).collect::<Vec<_>>();
                let mut present = set(present);
                present.extend(crowd_ids.clone().filter(|p| crowd & (1 << (p % 64)) != 0));
                let mut objections = set(objections);
                objections.extend(crowd_ids.clone().filter(|p| u64::from(*p) == n as u64 + crowd % 97));
                let decision = ir::Decision {
                    kind: if kind == 0 { 1 } else { 5 },
                    meeting: ir::Meeting { id: None, kind: meeting, date: policy.adopted + offset, host: None, present, observers: vec![] },
                    objections,
                    reservations: vec![],
                    subjects: vec![],
                    invited_to: None,
                };
                ask(Builtin::Valid, &[Value::Decision(Box::new(decision))])?;
            }
        }
    }

    /// Random well-typed expressions of a type, written as Charter source,
    /// over a policy's states `S0..Sn`, its meeting kinds and the rules
    /// generated before (deterministic from a seed).
    struct Gen {
        seed: u64,
        parties: usize,
        /// Earlier rules: name and signature (`p` party, `d` date) -> type.
        rules: Vec<(String, &'static str)>,
    }

    impl Gen {
        fn next(&mut self, n: u64) -> u64 {
            self.seed ^= self.seed << 13;
            self.seed ^= self.seed >> 7;
            self.seed ^= self.seed << 17;
            self.seed % n.max(1)
        }

        fn party(&mut self, depth: u32) -> String {
            match if depth == 0 { self.next(3) } else { self.next(8) } {
                0 => "p".to_string(),
                1 => format!("S{}", self.next(self.parties as u64)),
                2 => "none".to_string(),
                3 => format!("chair({})", self.date(depth - 1)),
                4 => format!("next_chair({})", self.date(depth - 1)),
                5 => format!(
                    "(if {} then {} else {})",
                    self.boolean(depth - 1),
                    self.party(depth - 1),
                    self.party(depth - 1)
                ),
                6 => self.call("party", depth).unwrap_or_else(|| "p".to_string()),
                _ => format!(
                    "(meeting {{ kind: ministerial, date: {}, host: {} }}).host",
                    self.date(depth - 1),
                    self.party(depth - 1)
                ),
            }
        }

        fn date(&mut self, depth: u32) -> String {
            let literal = |g: &mut Gen| date::format(10_000 + g.next(12_000) as i32);
            match if depth == 0 { self.next(2) } else { self.next(9) } {
                0 => "d".to_string(),
                1 => literal(self),
                2 => format!("({} + {} months)", self.date(depth - 1), self.next(30)),
                3 => format!("({} - {} years)", self.date(depth - 1), self.next(5)),
                4 => format!("({} + {} days)", self.date(depth - 1), self.next(800)),
                5 => format!("term_start({})", self.date(depth - 1)),
                6 => format!("term_end({})", self.date(depth - 1)),
                7 => format!(
                    "(if {} then {} else {})",
                    self.boolean(depth - 1),
                    self.date(depth - 1),
                    self.date(depth - 1)
                ),
                _ => self.call("date", depth).unwrap_or_else(|| "d".to_string()),
            }
        }

        fn int(&mut self, depth: u32) -> String {
            match if depth == 0 { 0 } else { self.next(8) } {
                0 => format!("{}", self.next(1000)),
                1 => format!("({} + {})", self.int(depth - 1), self.int(depth - 1)),
                2 => format!("({} - {})", self.int(depth - 1), self.int(depth - 1)),
                3 => format!("({} * {})", self.int(depth - 1), self.int(depth - 1)),
                4 => format!("count({})", self.set(depth - 1)),
                5 => format!("({} - {})", self.date(depth - 1), self.date(depth - 1)),
                6 => format!(
                    "(if {} then {} else {})",
                    self.boolean(depth - 1),
                    self.int(depth - 1),
                    self.int(depth - 1)
                ),
                _ => self.call("int", depth).unwrap_or_else(|| "1".to_string()),
            }
        }

        fn set(&mut self, depth: u32) -> String {
            match if depth == 0 { self.next(2) } else { self.next(5) } {
                0 => format!(
                    "members({})",
                    if depth == 0 {
                        "d".to_string()
                    } else {
                        self.date(depth - 1)
                    }
                ),
                1 => format!(
                    "{{S0, {}}}",
                    if depth == 0 {
                        "p".to_string()
                    } else {
                        self.party(depth - 1)
                    }
                ),
                2 => format!("observers({})", self.date(depth - 1)),
                3 => format!(
                    "(meeting {{ kind: som, date: {}, present: {} }}).present",
                    self.date(depth - 1),
                    self.set(depth - 1)
                ),
                _ => format!(
                    "(if {} then {} else {})",
                    self.boolean(depth - 1),
                    self.set(depth - 1),
                    self.set(depth - 1)
                ),
            }
        }

        fn boolean(&mut self, depth: u32) -> String {
            if depth == 0 {
                return if self.next(2) == 0 { "true" } else { "false" }.to_string();
            }
            let d = depth - 1;
            match self.next(16) {
                0 => format!("not {}", self.boolean(d)),
                1 => format!("({} and {})", self.boolean(d), self.boolean(d)),
                2 => format!("({} or {})", self.boolean(d), self.boolean(d)),
                3 => format!("({} implies {})", self.boolean(d), self.boolean(d)),
                4 => format!("({} < {})", self.int(d), self.int(d)),
                5 => format!("({} <= {})", self.date(d), self.date(d)),
                6 => format!("({} == {})", self.party(d), self.party(d)),
                7 => format!("member({}, {})", self.party(d), self.date(d)),
                8 => format!("({} in {})", self.party(d), self.set(d)),
                9 => format!("(all q in {}: member(q, {}))", self.set(d), self.date(d)),
                10 => format!("(any q in {}: q == {})", self.set(d), self.party(d)),
                11 => format!(
                    "valid(decision {{ kind: {}, meeting: meeting {{ kind: {}, date: {}, present: {} }}, objections: {} }})",
                    ["ordinary", "amendment"][self.next(2) as usize],
                    ["ministerial", "som"][self.next(2) as usize],
                    self.date(d),
                    self.set(d),
                    self.set(d)
                ),
                12 => format!("may_attend({}, meeting {{ kind: som, date: {} }})", self.party(d), self.date(d)),
                13 => format!("(status({}, {}) == {})", self.party(d), self.date(d), ["member", "pending", "observer", "none"][self.next(4) as usize]),
                14 => format!("({} != {})", self.int(d), self.int(d)),
                _ => self.call("bool", d + 1).unwrap_or_else(|| "true".to_string()),
            }
        }

        /// A call to an earlier rule returning `ty`, if there is one.
        fn call(&mut self, ty: &str, depth: u32) -> Option<String> {
            let candidates: Vec<String> = self
                .rules
                .iter()
                .filter(|(_, t)| *t == ty)
                .map(|(n, _)| n.clone())
                .collect();
            if candidates.is_empty() || depth == 0 {
                return None;
            }
            let name = candidates.get(self.next(candidates.len() as u64) as usize)?.clone();
            Some(format!("{name}({}, {})", self.party(depth - 1), self.date(depth - 1)))
        }
    }

    /// `text` with its layout disturbed: each line indented anew, runs of
    /// spaces and tabs between tokens (never inside strings or comments),
    /// trailing blanks added and blank lines repeated, from `seed`.
    pub fn disturbed(text: &str, mut seed: u64) -> String {
        let mut next = |n: u64| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed % n
        };
        let mut out = String::new();
        for line in text.lines() {
            // Blank-line groups are the author's: kept, however many lines.
            if line.trim().is_empty() {
                out.push_str(&"\n".repeat(1 + next(3) as usize));
                continue;
            }
            out.push_str(&" ".repeat(next(7) as usize));
            let (mut in_string, mut comment, mut escaped) = (false, false, false);
            for c in line.trim_start().chars() {
                if c == '/' && !in_string {
                    comment = true;
                }
                if c == '"' && !comment && !escaped {
                    in_string = !in_string;
                }
                escaped = in_string && c == '\\' && !escaped;
                let code = !in_string && !comment;
                if c == ' ' && code {
                    out.push_str(["  ", "\t", " \t ", " "][next(4) as usize]);
                } else if code && matches!(c, ',' | ')' | ':') {
                    // Spaces before a comma, a closing parenthesis or a
                    // colon: the formatter takes them out.
                    out.push_str(["", " ", "  "][next(3) as usize]);
                    out.push(c);
                } else if code && c == '(' {
                    out.push(c);
                    out.push_str(["", " ", "\t"][next(3) as usize]);
                } else {
                    out.push(c);
                }
            }
            out.push_str(["", "  ", "\t"][next(3) as usize]);
            out.push('\n');
        }
        out
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: (cases() / 20).max(50), ..ProptestConfig::default() })]

        /// Formatting keeps what a policy says (the same IR), is idempotent,
        /// and gives one layout whatever the layout it was given.
        #[test]
        fn formatting_keeps_the_meaning_and_is_canonical(policy in policy(), seed in 1u64..u64::MAX) {
            use charter_analyses::format::format;
            let texts = [policy.source(), policy.history()];
            let check = |texts: &[String]| {
                let sources: Vec<_> = texts
                    .iter()
                    .zip(["policy.charter", "history.charter"])
                    .map(|(t, name)| charter_compiler::SourceFile::charter(name, t.clone()))
                    .collect();
                charter_compiler::check(&sources).bundles
            };
            let mut formatted = Vec::new();
            for text in &texts {
                let canonical = format(text).expect("a generated file formats");
                let messy = disturbed(text, seed);
                prop_assert_eq!(format(&messy).expect("a disturbed file formats"), canonical.clone(), "\n{}", messy);
                prop_assert_eq!(format(&canonical).expect("formats"), canonical.clone(), "idempotent");
                formatted.push(canonical);
            }
            let (before, after) = (check(&texts), check(&formatted));
            prop_assert_eq!(before.len(), 1);
            prop_assert_eq!(before, after, "the IR changed");
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: (cases() / 20).max(50), ..ProptestConfig::default() })]

        /// Generated rules over generated policies, compiled natively and
        /// applied to random arguments, give the interpreter's values and
        /// errors.
        #[test]
        fn native_rules_agree_with_the_interpreter(
            policy in policy(),
            seed in 1u64..u64::MAX,
            args in proptest::collection::vec((0u32..12, -2_000i32..30_000), 6),
        ) {
            let mut generator = Gen { seed, parties: policy.sort.len(), rules: Vec::new() };
            let mut rules = String::new();
            for (i, ty) in ["bool", "int", "date", "party", "bool", "int"].into_iter().enumerate() {
                let body = match ty {
                    "bool" => generator.boolean(3),
                    "int" => generator.int(3),
                    "date" => generator.date(3),
                    _ => generator.party(3),
                };
                rules.push_str(&format!("  rule r{i}(p: party, d: date): {ty} = {body}\n"));
                generator.rules.push((format!("r{i}"), ty));
            }
            let source = format!("{}§ 9 quote \"r\" {{\n{rules}}}\n", policy.source());
            let sources = vec![
                charter_compiler::SourceFile::charter("policy.charter", source.clone()),
                charter_compiler::SourceFile::charter("history.charter", policy.history()),
            ];
            let result = charter_compiler::check(&sources);
            let bundle = result.bundles.first();
            prop_assert!(bundle.is_some(), "generated rules do not check:\n{}\n{:?}", rules, result.diagnostics);
            let bundle = bundle.expect("checked above");
            let interp = Interpreter::new(bundle);
            let jit = Jit::compile(bundle, interp.tables()).expect("compiles to native code");
            for (index, rule) in bundle.rules.iter().enumerate() {
                for (p, d) in &args {
                    let party = if (*p as usize) < policy.sort.len() { Value::Party(*p) } else { Value::None };
                    let day = Value::Date(policy.adopted + d);
                    let call = ir::Expr::Rule(index as u32, vec![ir::Expr::Local(0), ir::Expr::Local(1)]);
                    let expected = interp.eval(&call, &mut vec![party.clone(), day.clone()]);
                    let native = jit.native().call_rule(index, &[party.clone(), day.clone()], bundle);
                    let native = match native {
                        Ok(answer) => answer,
                        Err(why) => return Err(TestCaseError::fail(format!("{} is not native: {why}\n{rules}", rule.name))),
                    };
                    let same = match (&expected, &native) {
                        (Ok(a), Ok(b)) => a == b,
                        (Err(charter_runtime::EvalError::Malformed(_)), Err(charter_runtime::EvalError::Malformed(_))) => true,
                        // Native code does not name the expression that was none.
                        (Err(charter_runtime::EvalError::NoValue(..)), Err(charter_runtime::EvalError::NoValue(..))) => true,
                        // Nor what an unknown answer depends on.
                        (Err(charter_runtime::EvalError::Unknown(_)), Err(charter_runtime::EvalError::Unknown(_))) => true,
                        (Err(a), Err(b)) => a == b,
                        _ => false,
                    };
                    prop_assert!(same, "{}({:?}, {:?}): interpreter {:?}, native {:?}\n{}", rule.name, party, day, expected, native, rules);
                }
            }
        }
    }
}

/// A check on two threads (files parsed in two halves, citations checked
/// beside typing) says exactly what a check on one says: the same
/// diagnostics in the same order, the same IR, the same coverage. Every
/// policy and check case, made large enough to be split (a long comment
/// added to its first file), with its files in both orders.
mod threads {
    use charter_compiler::check_threads;
    use charter_compiler::SourceFile;
    use charter_tests::{cases_dir, policy_sources, repo_dir};

    fn same_on_one_and_two_threads(mut files: Vec<SourceFile>, what: &str) -> bool {
        let padding = format!(
            "\n{}\n",
            "// padding to pass the size where a check uses two threads\n".repeat(600)
        );
        let Some(first) = files.iter_mut().find(|f| !f.is_legal_text()) else {
            return false;
        };
        first.text.push_str(&padding);
        let charter_files = files.iter().filter(|f| !f.is_legal_text()).count();
        for order in [false, true] {
            if order {
                files.reverse();
            }
            let one = format!("{:?}", check_threads(&files, false));
            let two = format!("{:?}", check_threads(&files, true));
            assert_eq!(one, two, "{what}: one thread and two disagree");
        }
        charter_files >= 2
    }

    #[test]
    fn a_check_on_two_threads_says_what_one_does() {
        let mut split = 0;
        for entry in std::fs::read_dir(repo_dir().join("policies")).expect("policies/") {
            let path = entry.expect("entry").path();
            split += usize::from(same_on_one_and_two_threads(
                policy_sources(&path),
                &path.display().to_string(),
            ));
        }
        for entry in std::fs::read_dir(cases_dir().join("check")).expect("cases/check") {
            let path = entry.expect("entry").path();
            let files = if path.is_dir() {
                policy_sources(&path)
            } else {
                let text = std::fs::read_to_string(&path).expect("readable case");
                vec![SourceFile::charter(path.display().to_string(), text)]
            };
            split += usize::from(same_on_one_and_two_threads(files, &path.display().to_string()));
        }
        // Some of them have two files or more, so the parse is split.
        assert!(split >= 5, "only {split} inputs were split");
    }
}

/// One `Program` holds the checked policy: three queries prepared once are
/// answered from several threads at once, on the interpreter and on native
/// code, each time as `charter eval` answers them.
#[test]
fn a_program_answers_prepared_queries_from_threads_as_charter_eval_does() {
    let almaty = path("policies/almaty");
    let facts_file = path("tests/cases/eval/som-2016-kgz-objects.json");
    let program = charter::load(&almaty).expect("loads");
    let json = charter::parse_facts(&std::fs::read_to_string(&facts_file).expect("facts")).expect("JSON");
    let facts = program.facts(&json).expect("the facts fit");
    let queries = [
        "valid(decision)",
        "host_is_chair(meeting { kind: ministerial, date: 2016-06-01, host: KAZ })",
        "members(decision.meeting.date)",
    ];
    let expected: Vec<serde_json::Value> = queries
        .iter()
        .map(|query| {
            let args = [
                "eval",
                &almaty,
                "--query",
                query,
                "--facts",
                &facts_file,
                "--format",
                "json",
            ];
            let (status, out, err) = charter(&args);
            assert_eq!(status, 0, "{query}: {err}");
            serde_json::from_str::<serde_json::Value>(&out).expect("JSON")["value"].clone()
        })
        .collect();
    let prepared: Vec<(charter::Prepared, charter::Prepared)> = queries
        .iter()
        .map(|query| {
            let interpreted = program.prepare(query, &facts).expect("prepares");
            let native = program
                .with_backend(charter::Backend::Native)
                .prepare(query, &facts)
                .expect("prepares");
            (interpreted, native)
        })
        .collect();
    std::thread::scope(|scope| {
        for _ in 0..4 {
            scope.spawn(|| {
                for _ in 0..50 {
                    for ((interpreted, native), want) in prepared.iter().zip(&expected) {
                        for (query, backend) in [(interpreted, "interpreter"), (native, "native code")] {
                            let answer = query.eval(&facts).expect("evaluates");
                            assert_eq!(answer.interpreted_because, None, "{backend} answered");
                            assert_eq!(&answer.value.to_json(program.bundle()), want, "{backend}");
                        }
                    }
                }
            });
        }
    });
    // Facts of another type than the query was prepared with are refused.
    let other = program
        .facts(&serde_json::json!({ "decision": 3 }))
        .expect("an integer is a fact");
    assert!(matches!(
        prepared[0].0.eval(&other),
        Err(charter::EvalFailure::Facts(_))
    ));
    // The same policy from files in memory gives the same answers.
    let files: Vec<(String, String)> = charter::files::policy_sources(std::path::Path::new(&almaty))
        .expect("reads")
        .into_iter()
        .map(|f| (f.name, f.text))
        .collect();
    let in_memory = charter::from_files(files).expect("checks from memory");
    let facts = in_memory.facts(&json).expect("the facts fit");
    for (query, want) in queries.iter().zip(&expected) {
        let answer = in_memory
            .prepare(query, &facts)
            .expect("prepares")
            .eval(&facts)
            .expect("evaluates");
        assert_eq!(&answer.value.to_json(in_memory.bundle()), want, "{query} from memory");
    }
}

/// A policy with an error, given as files in memory, is refused with its
/// diagnostics as values: code, severity, file, line and column of the
/// primary label, its byte span, and the help.
#[test]
fn a_policy_with_errors_gives_typed_diagnostics() {
    let sources = charter::files::policy_sources(std::path::Path::new(&path("policies/almaty"))).expect("reads");
    let files: Vec<(String, String)> = sources
        .into_iter()
        .map(|f| {
            let text = f.text.replacen("members KAZ, KGZ, TJK,", "members KAZ, KZG, TJK,", 1);
            (f.name, text)
        })
        .collect();
    let policy = files
        .iter()
        .find(|(name, _)| name.ends_with("modalities-2013.charter"))
        .expect("the policy file")
        .clone();
    let Err(failed) = charter::from_files(files) else {
        panic!("a misspelt party checks")
    };
    let errors: Vec<&charter::Diagnostic> = failed.diagnostics.iter().filter(|d| d.is_error()).collect();
    assert_eq!(errors.len(), 1, "{errors:?}");
    let d = errors[0];
    assert_eq!(d.code, "charter::unknown-party");
    assert_eq!(d.file, policy.0);
    let at = policy.1.find("KZG").expect("the typo");
    let line = policy.1[..at].matches('\n').count() + 1;
    let column = at - policy.1[..at].rfind('\n').map_or(0, |i| i + 1) + 1;
    assert_eq!((d.line, d.column), (line, column));
    assert_eq!((d.labels[0].start, d.labels[0].end), (at, at + 3));
    assert!(d.help.as_deref().is_some_and(|h| h.contains("KGZ")), "{:?}", d.help);
    // The analysis is kept whole: its names answer while the error stands.
    let kgz = failed.analysis.lookup(0, "KGZ").expect("KGZ is declared");
    assert_eq!(kgz.kind, charter::NameKind::Party);
    assert!(failed.analysis.program().is_none());
}

/// While one statement of the text does not resolve, what the text's other
/// statements and the history say of a party still answers, from the parts
/// that resolved, and says how many parts it cannot show; once the error
/// is fixed the same records answer from the checked tree, with the text's
/// statement back.
#[test]
fn party_facts_answer_from_the_parts_that_resolve() {
    let sources = charter::files::policy_sources(std::path::Path::new(&path("policies/almaty"))).expect("reads");
    let good: Vec<(String, String)> = sources.into_iter().map(|f| (f.name, f.text)).collect();
    let broken: Vec<(String, String)> = good
        .iter()
        .map(|(name, text)| {
            (
                name.clone(),
                text.replacen("members KAZ, KGZ, TJK,", "members KAZ, KZG, TJK,", 1),
            )
        })
        .collect();
    let facts = |analysis: &charter::Analysis| {
        let history = analysis
            .files()
            .iter()
            .position(|f| f.name.ends_with("history.charter"))
            .expect("the history file");
        let info = analysis.party(history, "KGZ").expect("KGZ is declared");
        assert_eq!(info.kind, Some(charter::ir::PartyKind::State));
        analysis.party_facts(history, "KGZ").expect("KGZ has facts")
    };
    let Err(failed) = charter::from_files(broken) else {
        panic!("a misspelt party checks")
    };
    let partial = facts(&failed.analysis);
    let whole = facts(charter::from_files(good).expect("almaty checks").analysis());
    assert_eq!(partial.unresolved, 1, "the one statement with the typo");
    assert_eq!(whole.unresolved, 0);
    assert_eq!(partial.recorded, whole.recorded, "the history resolved whole");
    assert!(
        whole
            .recorded
            .iter()
            .any(|(line, _)| line == "took the chair between 2016-10-01 and 2016-11-30"),
        "{:?}",
        whole.recorded
    );
    assert!(
        whole
            .recorded
            .iter()
            .any(|(line, sources)| line.starts_with("designated national_coordinator") && !sources.is_empty()),
        "{:?}",
        whole.recorded
    );
    let founding = ("member from 2013-06-05".to_string(), "2.1".to_string());
    assert!(
        whole.text.iter().any(|(line, _)| line == &founding.0),
        "{:?}",
        whole.text
    );
    assert!(
        !partial.text.iter().any(|(line, _)| line == &founding.0),
        "{:?}",
        partial.text
    );
}

/// Generated histories where some meetings' attendance is not recorded,
/// and generated formulas over what they leave open (`valid(d)` of their
/// decisions, `P in m.present`): the interpreter and native code give the
/// same answer, `true` or `false` only when every way the unrecorded facts
/// could fall agrees (else unknown), and, where each open fact is read
/// once, the answer whenever they all agree.
mod unknowns {
    use charter_compiler::{Analysis, Backend, Facts, SourceFile};
    use charter_runtime::{Outcome, Value};
    use proptest::prelude::*;

    #[derive(Debug, Clone)]
    enum F {
        Atom(usize),
        Const(bool),
        Not(Box<F>),
        And(Box<F>, Box<F>),
        Or(Box<F>, Box<F>),
        Implies(Box<F>, Box<F>),
    }

    fn formula(atoms: usize) -> impl Strategy<Value = F> {
        let leaf = prop_oneof![3 => (0..atoms).prop_map(F::Atom), 1 => any::<bool>().prop_map(F::Const)];
        leaf.prop_recursive(4, 16, 2, |inner| {
            prop_oneof![
                inner.clone().prop_map(|f| F::Not(Box::new(f))),
                (inner.clone(), inner.clone()).prop_map(|(a, b)| F::And(Box::new(a), Box::new(b))),
                (inner.clone(), inner.clone()).prop_map(|(a, b)| F::Or(Box::new(a), Box::new(b))),
                (inner.clone(), inner).prop_map(|(a, b)| F::Implies(Box::new(a), Box::new(b))),
            ]
        })
    }

    fn text(f: &F, atoms: &[String]) -> String {
        match f {
            F::Atom(i) => format!("({})", atoms[*i]),
            F::Const(b) => b.to_string(),
            F::Not(a) => format!("(not {})", text(a, atoms)),
            F::And(a, b) => format!("({} and {})", text(a, atoms), text(b, atoms)),
            F::Or(a, b) => format!("({} or {})", text(a, atoms), text(b, atoms)),
            F::Implies(a, b) => format!("({} implies {})", text(a, atoms), text(b, atoms)),
        }
    }

    fn truth(f: &F, values: &[bool]) -> bool {
        match f {
            F::Atom(i) => values[*i],
            F::Const(b) => *b,
            F::Not(a) => !truth(a, values),
            F::And(a, b) => truth(a, values) && truth(b, values),
            F::Or(a, b) => truth(a, values) || truth(b, values),
            F::Implies(a, b) => !truth(a, values) || truth(b, values),
        }
    }

    fn uses(f: &F, counts: &mut [usize]) {
        match f {
            F::Atom(i) => counts[*i] += 1,
            F::Const(_) => {}
            F::Not(a) => uses(a, counts),
            F::And(a, b) | F::Or(a, b) | F::Implies(a, b) => {
                uses(a, counts);
                uses(b, counts);
            }
        }
    }

    const PARTIES: [&str; 3] = ["KAZ", "KGZ", "TJK"];

    /// A meeting: whether attendance is recorded (0: no; 1: yes; 2: a
    /// partial list), who was present (a mask), who objected to its
    /// decision (a mask).
    fn history(meetings: &[(u8, u8, u8)]) -> String {
        let list = |mask: u8| -> Vec<&str> {
            PARTIES
                .iter()
                .enumerate()
                .filter(|(i, _)| mask & (1 << i) != 0)
                .map(|(_, p)| *p)
                .collect()
        };
        let mut out = String::from("history for \"Unjudged case\"\n\n");
        for (i, (known, present, objections)) in meetings.iter().enumerate() {
            out.push_str(&format!(
                "meeting m{i} {{\n  kind senior_officials\n  date 2014-0{}-01\n  host KAZ\n",
                i + 1
            ));
            let present = list(*present | 1);
            match known {
                0 => {}
                1 => out.push_str(&format!("  present {}\n", present.join(", "))),
                _ => out.push_str(&format!("  present {} and others\n", present.join(", "))),
            }
            let objections = list(*objections);
            let objections = if objections.is_empty() {
                "none".to_string()
            } else {
                objections.join(", ")
            };
            out.push_str(&format!(
                "  decision d{i} {{ kind ordinary objections {objections} }}\n}}\n\n"
            ));
        }
        out
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

        #[test]
        fn answers_are_known_only_when_every_way_the_unknowns_fall_agrees(
            meetings in proptest::collection::vec((0u8..3, 0u8..8, 0u8..8), 1..4),
            formulas in proptest::collection::vec(formula(6), 4),
        ) {
            let policy = std::fs::read_to_string(charter_tests::cases_dir().join("eval/unjudged/policy.charter"))
                .expect("the case policy");
            let program = Analysis::new(vec![
                SourceFile::charter("policy.charter", policy),
                SourceFile::charter("history.charter", history(&meetings)),
            ])
            .program();
            prop_assert!(program.is_some(), "the generated history does not check:\n{}", history(&meetings));
            let program = program.expect("checked above");
            let native = program.with_backend(Backend::Native);
            let facts = Facts::none();
            let n = meetings.len();
            let atoms: Vec<String> = (0..6)
                .map(|i| if i % 2 == 0 { format!("valid(d{})", (i / 2) % n) } else { format!("{} in m{}.present", PARTIES[i / 2], (i / 2) % n) })
                .collect();
            // Each atom alone: a known truth, or open.
            let known: Vec<Option<bool>> = atoms
                .iter()
                .map(|a| match program.prepare(a, &facts).expect("prepares").eval(&facts).expect("evaluates").value {
                    Outcome::Known(Value::Bool(b)) => Some(b),
                    Outcome::Known(other) => panic!("{a} gave {other:?}"),
                    Outcome::Unknown(_) => None,
                })
                .collect();
            for f in &formulas {
                let query = text(f, &atoms);
                let interpreted = program.prepare(&query, &facts).expect("prepares").eval(&facts).expect("evaluates").value;
                let compiled = native.prepare(&query, &facts).expect("prepares").eval(&facts);
                let compiled = compiled.expect("evaluates natively");
                prop_assert!(compiled.interpreted_because.is_none(), "{} is not native: {:?}", query, compiled.interpreted_because);
                prop_assert_eq!(&compiled.value, &interpreted, "{}", query);
                // Every way the open atoms could fall (open atoms naming
                // the same text fall the same way).
                let open: Vec<usize> = (0..atoms.len()).filter(|i| known[*i].is_none()).collect();
                let mut results = BTreeSet::new();
                for assignment in 0u32..(1 << open.len()) {
                    let values: Vec<bool> = (0..atoms.len())
                        .map(|i| known[i].unwrap_or_else(|| {
                            let first = atoms.iter().position(|a| *a == atoms[i]).unwrap_or(i);
                            let slot = open.iter().position(|o| *o == first).unwrap_or(0);
                            assignment & (1 << slot) != 0
                        }))
                        .collect();
                    results.insert(truth(f, &values));
                }
                match &interpreted {
                    Outcome::Known(Value::Bool(b)) => prop_assert!(results.len() == 1 && results.contains(b), "{} gave {} but could be {:?}", query, b, results),
                    Outcome::Known(other) => prop_assert!(false, "{} gave {:?}", query, other),
                    Outcome::Unknown(_) => {
                        let mut counts = vec![0; atoms.len()];
                        uses(f, &mut counts);
                        let distinct: BTreeSet<&String> = atoms.iter().collect();
                        let read_once = distinct.len() == atoms.len() && open.iter().all(|i| counts[*i] <= 1);
                        prop_assert!(!(read_once && results.len() == 1), "{} is unknown though every way gives {:?}", query, results);
                    }
                }
            }
        }
    }

    use std::collections::BTreeSet;
}

/// Generated histories of takings of office (and vacancies) dated exactly,
/// by a month, by two bounds or by one: `recorded_chair(d)` on every day
/// around them gives, in the interpreter and in native code alike, the
/// chair every placement of the records' days within what their sources
/// allow agrees on, and is unknown, with exactly the chairs possible,
/// where placements disagree.
mod windows {
    use charter_compiler::{Analysis, Backend, Facts, SourceFile};
    use charter_runtime::{Outcome, Value};
    use proptest::prelude::*;
    use std::collections::BTreeSet;

    const WHO: [&str; 4] = ["KAZ", "KGZ", "TJK", "vacant"];

    /// One record a month: who (an index into `WHO`) and how it is dated
    /// (0: on the 10th; 1: in the month; 2: between the 5th and the
    /// 20th; 3: no later than the 15th; 4: no earlier than the 15th).
    fn record(month: usize, who: usize, dating: u8) -> (String, i64, i64) {
        let day = |d: u32| format!("2014-{:02}-{d:02}", month + 1);
        let what = match WHO.get(who) {
            Some(&"vacant") | None => "vacancy".to_string(),
            Some(p) => format!("handover to {p}"),
        };
        let (when, first, last) = match dating {
            0 => (format!("on {}", day(10)), 10, 10),
            1 => (format!("in 2014-{:02}", month + 1), 1, 0),
            2 => (format!("between {} and {}", day(5), day(20)), 5, 20),
            3 => (format!("on no later than {}", day(15)), 15, 15),
            _ => (format!("on no earlier than {}", day(15)), 15, 15),
        };
        (format!("{what} {when} source \"s{month}\"\n"), first, last)
    }

    /// A chair designated in a way the text does not state, with no term:
    /// the rules' chair follows every recorded taking of office.
    const DESIGNATED: &str = "charter \"Unjudged case\"\n  ref \"Case/windows\"\n  adopted 2013-06-05\n\nstate KAZ \"Republic of Kazakhstan\" sort \"Kazakhstan\"\nstate KGZ \"Kyrgyz Republic\" sort \"Kyrgyz Republic\"\nstate TJK \"Republic of Tajikistan\" sort \"Tajikistan\"\n\n§ 1 quote \"chosen\" {\n  members KAZ, KGZ, TJK from 2013-06-05\n  chair {\n    designated by unstated\n  }\n  decisions by unstated\n}\n";

    proptest! {
        #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

        #[test]
        fn the_recorded_chair_is_known_only_where_every_placement_agrees(
            records in proptest::collection::vec((0usize..4, 0u8..5), 1..5),
        ) {
            check_windows(&records, "recorded_chair", None)?;
        }

        #[test]
        fn a_designated_chair_is_known_only_where_every_placement_agrees(
            records in proptest::collection::vec((0usize..3, 0u8..5), 1..5),
        ) {
            check_windows(&records, "chair", Some(DESIGNATED))?;
        }
    }

    /// A member, two states pending under a silence procedure until the
    /// end of 2014: the rules' status follows a broken silence; the
    /// recorded view, every recorded change of status.
    const PENDING: &str = "charter \"Status windows\"\n  ref \"Case/status-windows\"\n  adopted 2014-01-01\n\nstate KAZ \"Republic of Kazakhstan\" sort \"Kazakhstan\"\nstate KGZ \"Kyrgyz Republic\" sort \"Kyrgyz Republic\"\nstate TJK \"Republic of Tajikistan\" sort \"Tajikistan\"\n\n§ 1 quote \"members\" {\n  members TJK from 2014-01-01\n}\n\n§ 2 quote \"silence\" {\n  pending KAZ, KGZ under silence until 2014-12-31\n}\n\n§ 3 quote \"meetings\" {\n  meeting ministerial must every 1 year\n  decisions by consensus of members present\n}\n";

    const STATUSES: [&str; 4] = ["member", "observer", "none", "suspended"];

    proptest! {
        #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

        #[test]
        fn a_recorded_status_is_known_only_where_every_placement_agrees(
            records in proptest::collection::vec((0usize..4, 0u8..5), 1..5),
        ) {
            // TJK's recorded changes, one a month; before them, its status
            // as the text gives it.
            let dated: Vec<Dated> = records
                .iter()
                .enumerate()
                .map(|(month, (status, dating))| Dated { month, dating: *dating, value: Value::Status(status_named(STATUSES[*status])) })
                .collect();
            let mut history = String::from("history for \"Status windows\"\n\n");
            for (month, (status, dating)) in records.iter().enumerate() {
                history.push_str(&format!("status TJK becomes {} {}\n", STATUSES[*status], dated_as(month, *dating)));
            }
            let windows = windows_of(&dated, Some(1), None);
            let tjk = party_value(PENDING, "TJK");
            let question = Question {
                name: "recorded_status",
                args: Box::new(move |day, _| vec![tjk.clone(), day]),
                answer: Box::new(|v: &Value| v.clone()),
                text: Some("recorded_status(TJK, day)"),
            };
            check_placements(PENDING, &history, &windows, Value::Status(status_named("member")), &[question])?;
        }

        #[test]
        fn a_status_from_a_broken_silence_is_known_only_where_every_placement_agrees(
            month in 0usize..12,
            dating in 0u8..5,
            observer in any::<bool>(),
        ) {
            let becomes = if observer { "observer" } else { "none" };
            let history = format!("history for \"Status windows\"\n\nsilence KAZ broken {} becomes {becomes}\n", dated_as(month, dating));
            let dated = [Dated { month, dating, value: Value::Status(status_named(becomes)) }];
            // Pending from the adoption day: a bound alone runs from the
            // day after it.
            let windows = windows_of(&dated, Some(1), None);
            let kaz = party_value(PENDING, "KAZ");
            let with_kaz = || -> Box<dyn Fn(Value, Value) -> Vec<Value>> {
                let kaz = kaz.clone();
                Box::new(move |day, _| vec![kaz.clone(), day])
            };
            let is = |wanted: Status| Box::new(move |v: &Value| Value::Bool(*v == Value::Status(wanted))) as Box<dyn Fn(&Value) -> Value>;
            let questions = [
                Question { name: "status", args: with_kaz(), answer: Box::new(|v: &Value| v.clone()), text: Some("status(KAZ, day)") },
                Question { name: "member", args: with_kaz(), answer: is(Status::Member), text: None },
                Question {
                    name: "observers",
                    args: Box::new(|day, _| vec![day]),
                    text: Some("observers(day)"),
                    answer: {
                        let kaz = kaz.clone();
                        Box::new(move |v: &Value| {
                            Value::Set(if *v == Value::Status(Status::Observer) { [kaz.clone()].into_iter().collect() } else { BTreeSet::new() })
                        })
                    },
                },
                Question {
                    name: "may_attend",
                    text: None,
                    args: {
                        let kaz = kaz.clone();
                        Box::new(move |_, meeting| vec![kaz.clone(), meeting])
                    },
                    answer: Box::new(|v: &Value| Value::Bool(matches!(v, Value::Status(Status::Pending | Status::Observer)))),
                },
            ];
            check_placements(PENDING, &history, &windows, Value::Status(status_named("pending")), &questions)?;
        }
    }

    /// Two members, and a third state whose joining the history dates;
    /// decisions by consensus of the members present, or (`{RULE}`
    /// replaced) by another rule.
    const JOINING: &str = "charter \"Joining window\"\n  ref \"Case/joining-window\"\n  adopted 2014-01-01\n\nstate AAA \"Aland\" sort \"Aland\"\nstate BBB \"Bergland\" sort \"Bergland\"\nstate CCC \"Cisland\" sort \"Cisland\"\n\n§ 1 quote \"members\" {\n  members AAA, BBB from 2014-01-01\n  open to CCC\n}\n\n§ 2 quote \"meetings\" {\n  meeting ministerial must every 1 year\n  decisions by {RULE} quorum 1\n}\n";

    proptest! {
        #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

        /// A decision at a meeting inside the window of a joining: valid
        /// or invalid only where it is so whether or not the state had
        /// joined by the meeting's day, on both backends; who was present
        /// and objected, and the rule, are generated.
        #[test]
        fn a_decision_is_known_only_where_every_placement_of_a_joining_agrees(
            month in 0usize..12,
            dating in 0u8..5,
            present in proptest::collection::vec(any::<bool>(), 3),
            objecting in proptest::collection::vec(any::<bool>(), 3),
            rule in 0usize..4,
        ) {
            let rules = ["consensus of members present", "majority 1/2 of all members", "majority 2/3 of members present", "unstated"];
            let policy = JOINING.replace("{RULE}", rules[rule]);
            let history = format!("history for \"Joining window\"\n\njoined CCC {}\n", dated_as(month, dating));
            let dated = [Dated { month, dating, value: Value::Status(Status::Member) }];
            // With no change of status before it, a bound alone runs from
            // the adoption (day 1, not the day after).
            let windows = windows_of(&dated, Some(0), None);
            let names = ["AAA", "BBB", "CCC"];
            let here: Vec<usize> = (0..3).filter(|i| present[*i]).collect();
            let against: Vec<usize> = here.iter().copied().filter(|i| objecting[*i]).collect();
            let list = |who: &[usize]| who.iter().map(|i| names[*i]).collect::<Vec<_>>().join(", ");
            let text = format!(
                "valid(decision {{ kind: ordinary, meeting: meeting {{ kind: ministerial, date: day, present: {{{}}} }}, objections: {{{}}} }})",
                list(&here),
                list(&against)
            );
            // The rule worked by hand for CCC's status on the day.
            let answer = move |v: &Value| {
                let joined = *v == Value::Status(Status::Member);
                let member = |i: usize| i < 2 || joined;
                let voting = here.iter().filter(|i| member(**i)).count();
                let no = against.iter().filter(|i| member(**i)).count();
                let members = if joined { 3 } else { 2 };
                if voting == 0 {
                    return Value::Bool(false);
                }
                match rule {
                    0 => Value::Bool(no == 0),
                    1 => Value::Bool(2 * (voting - no) >= members),
                    2 => Value::Bool(3 * (voting - no) >= 2 * voting),
                    // No rule stated: valid only where every rule passes
                    // it, invalid where none does, else either.
                    _ if voting == members && no == 0 => Value::Bool(true),
                    _ if no == voting => Value::Bool(false),
                    _ => Value::None,
                }
            };
            let question = Question {
                name: "valid",
                args: Box::new(|_, _| Vec::new()),
                answer: Box::new(answer),
                text: Some(Box::leak(text.into_boxed_str())),
            };
            check_placements(&policy, &history, &windows, Value::Status(Status::None), &[question])?;
        }
    }

    use charter_runtime::ir::Status;

    /// The value of party `name` declared in `policy`.
    fn party_value(policy: &str, name: &str) -> Value {
        let program = Analysis::new(vec![SourceFile::charter("policy.charter", policy.to_string())])
            .program()
            .expect("the policy checks");
        match program
            .prepare(name, &Facts::none())
            .expect("prepares")
            .eval(&Facts::none())
            .expect("evaluates")
            .value
        {
            Outcome::Known(v) => v,
            Outcome::Unknown(u) => panic!("{name} is unknown: {u:?}"),
        }
    }

    fn status_named(name: &str) -> Status {
        match name {
            "member" => Status::Member,
            "observer" => Status::Observer,
            "pending" => Status::Pending,
            "suspended" => Status::Suspended,
            _ => Status::None,
        }
    }

    /// How [`record`] dates a record of month `month`, with its source.
    fn dated_as(month: usize, dating: u8) -> String {
        let (line, _, _) = record(month, 0, dating);
        let when = line.trim_start_matches("handover to KAZ ");
        when.split(" source").next().unwrap_or(when).to_string()
    }

    /// A record generated for month `month` with dating `dating` (see
    /// [`record`]) that gives `value`.
    struct Dated {
        month: usize,
        dating: u8,
        value: Value,
    }

    fn ordinal(month: usize, day: i64) -> i64 {
        let starts = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334];
        starts.get(month).copied().unwrap_or(0) + day
    }

    const MONTH_LENGTH: [i64; 12] = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

    /// Each record's window as days of 2014 by the sources' own words: a
    /// bound alone runs from the day after the change before it (the
    /// record before, else `first`, a day of the year) or to the day
    /// before the change after it (the record after, else `last`).
    fn windows_of(records: &[Dated], first: Option<i64>, last: Option<i64>) -> Vec<(i64, i64, Value)> {
        let day_of = |r: &Dated| ordinal(r.month, record(r.month, 0, r.dating).1);
        records
            .iter()
            .enumerate()
            .map(|(i, r)| {
                let (_, first_day, last_day) = record(r.month, 0, r.dating);
                let (earliest, latest) = match r.dating {
                    1 => (ordinal(r.month, 1), ordinal(r.month, MONTH_LENGTH[r.month])),
                    3 => (
                        match i.checked_sub(1).and_then(|j| records.get(j)) {
                            Some(before) => day_of(before) + 1,
                            None => first.map_or(ordinal(r.month, 15), |f| f + 1).min(ordinal(r.month, 15)),
                        },
                        ordinal(r.month, 15),
                    ),
                    4 => (
                        ordinal(r.month, 15),
                        match records.get(i + 1) {
                            Some(after) => day_of(after) - 1,
                            None => last.map_or(ordinal(r.month, 15), |l| l - 1).max(ordinal(r.month, 15)),
                        },
                    ),
                    _ => (ordinal(r.month, first_day), ordinal(r.month, last_day)),
                };
                (earliest, latest, r.value.clone())
            })
            .collect()
    }

    /// A built-in query asked of a day (its arguments given the day as a
    /// date and as a meeting of kind `ministerial` on it), with what it
    /// answers given the value the records leave (`none`: true or false,
    /// a world that does not settle it either).
    struct Question {
        name: &'static str,
        args: Box<dyn Fn(Value, Value) -> Vec<Value>>,
        answer: Box<dyn Fn(&Value) -> Value>,
        /// The query asked as text over a fact `day` (compiled once), for
        /// a built-in native code answers only in compiled queries;
        /// otherwise called by name.
        text: Option<&'static str>,
    }

    /// Every question asked on each probe day of 2014, against every
    /// placement of the records' days in their windows: the value after
    /// the last record that happened by the probe (`initial` where none
    /// did), mapped by the question to its answer. Known only where every
    /// placement agrees, and then that answer; otherwise unknown with
    /// exactly the answers possible where it lists them; native code as
    /// the interpreter.
    fn check_placements(
        policy: &str,
        history: &str,
        windows: &[(i64, i64, Value)],
        initial: Value,
        questions: &[Question],
    ) -> Result<(), TestCaseError> {
        let program = Analysis::new(vec![
            SourceFile::charter("policy.charter", policy.to_string()),
            SourceFile::charter("history.charter", history.to_string()),
        ])
        .program();
        prop_assert!(program.is_some(), "the generated history does not check:\n{}", history);
        let program = program.expect("checked above");
        let native = program.with_backend(Backend::Native);
        let known = |text: &str| match program
            .prepare(text, &Facts::none())
            .expect("prepares")
            .eval(&Facts::none())
            .expect("evaluates")
            .value
        {
            Outcome::Known(v) => v,
            Outcome::Unknown(u) => panic!("{text} is unknown: {u:?}"),
        };
        let facts_on = |day: Value| {
            let Value::Date(d) = day else { panic!("a date") };
            let date = charter_runtime::date::format(d);
            program.facts(&serde_json::json!({ "day": date })).expect("a date fact")
        };
        let (Value::Date(new_year), Value::Meeting(meeting)) = (
            known("2014-01-01"),
            known("meeting { kind: ministerial, date: 2014-01-01 }"),
        ) else {
            panic!("a date and a meeting");
        };
        let prepared: Vec<_> = questions
            .iter()
            .map(|q| {
                q.text.map(|text| {
                    let facts = facts_on(Value::Date(new_year));
                    (
                        program.prepare(text, &facts).expect("prepares"),
                        native.prepare(text, &facts).expect("prepares"),
                    )
                })
            })
            .collect();
        // The days around every bound a record can have (each month's
        // first and last, the 5th, 10th, 15th and 20th) and the days next
        // to them.
        let probes = (0..12).flat_map(|m| {
            [
                1,
                2,
                4,
                5,
                6,
                9,
                10,
                11,
                14,
                15,
                16,
                19,
                20,
                21,
                MONTH_LENGTH[m] - 1,
                MONTH_LENGTH[m],
            ]
            .into_iter()
            .map(move |d| ordinal(m, d))
        });
        for probe in probes {
            let choices: Vec<Vec<bool>> = windows
                .iter()
                .map(|(e, l, _)| {
                    [(*e <= probe).then_some(true), (*l > probe).then_some(false)]
                        .into_iter()
                        .flatten()
                        .collect()
                })
                .collect();
            let combos: usize = choices.iter().map(Vec::len).product();
            let day = new_year + probe as i32 - 1;
            let mut on_day = meeting.clone();
            on_day.date = day;
            for (question, prepared) in questions.iter().zip(&prepared) {
                let args = (question.args)(Value::Date(day), Value::Meeting(on_day.clone()));
                let query = format!("{}({args:?}) on day {probe} of 2014", question.name);
                let mut outcomes: BTreeSet<Value> = BTreeSet::new();
                for mut k in 0..combos {
                    let mut value = initial.clone();
                    for (i, c) in choices.iter().enumerate() {
                        let happened = c[k % c.len()];
                        k /= c.len();
                        if happened {
                            value = windows[i].2.clone();
                        }
                    }
                    match (question.answer)(&value) {
                        // Either: the world itself leaves it open.
                        Value::None => outcomes.extend([Value::Bool(false), Value::Bool(true)]),
                        answer => {
                            outcomes.insert(answer);
                        }
                    }
                }
                let (interpreted, compiled) = match prepared {
                    Some((interpreter, compiled)) => {
                        let facts = facts_on(Value::Date(day));
                        (
                            interpreter.eval(&facts).expect("evaluates").value,
                            compiled.eval(&facts).expect("evaluates natively"),
                        )
                    }
                    None => (
                        program.call(question.name, &args).expect("evaluates").value,
                        native.call(question.name, &args).expect("evaluates natively"),
                    ),
                };
                prop_assert!(compiled.interpreted_because.is_none(), "{} is not native", query);
                match (&interpreted, &compiled.value) {
                    (Outcome::Known(a), Outcome::Known(b)) => prop_assert_eq!(a, b, "{}", query),
                    (Outcome::Unknown(_), Outcome::Unknown(_)) => {}
                    (a, b) => prop_assert!(
                        false,
                        "{}: the interpreter gives {:?}, native code {:?}\n{}",
                        query,
                        a,
                        b,
                        history
                    ),
                }
                match interpreted {
                    Outcome::Known(v) => prop_assert!(
                        outcomes.len() == 1 && outcomes.contains(&v),
                        "{} gave {:?} but could be {:?}\n{}",
                        query,
                        v,
                        outcomes,
                        history
                    ),
                    Outcome::Unknown(u) => {
                        prop_assert!(
                            outcomes.len() > 1,
                            "{} is unknown though every placement gives {:?}\n{}",
                            query,
                            outcomes,
                            history
                        );
                        if !u.possible.is_empty() {
                            let possible: BTreeSet<Value> = u.possible.iter().cloned().collect();
                            prop_assert_eq!(possible, outcomes, "{}\n{}", query, history);
                        }
                    }
                }
            }
        }
        Ok(())
    }

    /// `QUERY(d)` on every day through the generated records, against every
    /// placement of their days (see the module's comment).
    fn check_windows(records: &[(usize, u8)], builtin: &str, policy: Option<&str>) -> Result<(), TestCaseError> {
        {
            let policy = match policy {
                Some(text) => text.to_string(),
                None => std::fs::read_to_string(charter_tests::cases_dir().join("eval/unjudged/policy.charter"))
                    .expect("the case policy"),
            };
            let mut history = String::from("history for \"Unjudged case\"\n\n");
            for (month, (who, dating)) in records.iter().enumerate() {
                history.push_str(&record(month, *who, *dating).0);
            }
            let program = Analysis::new(vec![
                SourceFile::charter("policy.charter", policy),
                SourceFile::charter("history.charter", history.clone()),
            ])
            .program();
            prop_assert!(program.is_some(), "the generated history does not check:\n{}", history);
            let program = program.expect("checked above");
            let native = program.with_backend(Backend::Native);
            let facts = Facts::none();
            let value_of = |text: &str| match program
                .prepare(text, &facts)
                .expect("prepares")
                .eval(&facts)
                .expect("evaluates")
                .value
            {
                Outcome::Known(v) => v,
                Outcome::Unknown(u) => panic!("{text} is unknown: {u:?}"),
            };
            let parties: Vec<Value> = WHO
                .iter()
                .map(|w| if *w == "vacant" { Value::None } else { value_of(w) })
                .collect();
            // Each record's window as days of the year (`dayno`): the
            // earliest and latest day it may have happened on, by the
            // sources' own words.
            let ordinal = |month: usize, day: i64| -> i64 {
                let starts = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334];
                starts.get(month).copied().unwrap_or(0) + day
            };
            let month_length = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
            let mut windows: Vec<(i64, i64, Value)> = Vec::new();
            for (month, (who, dating)) in records.iter().enumerate() {
                let (_, first, last) = record(month, *who, *dating);
                let (earliest, latest) = match dating {
                    1 => (ordinal(month, 1), ordinal(month, month_length[month])),
                    // No later than: from the day after the record before.
                    3 => (
                        if month == 0 {
                            ordinal(month, 15)
                        } else {
                            ordinal(
                                month - 1,
                                record(month - 1, records[month - 1].0, records[month - 1].1).1,
                            ) + 1
                        },
                        ordinal(month, 15),
                    ),
                    // No earlier than: to the day before the record after.
                    4 => (
                        ordinal(month, 15),
                        match records.get(month + 1) {
                            Some((w, d)) => ordinal(month + 1, record(month + 1, *w, *d).1) - 1,
                            None => ordinal(month, 15),
                        },
                    ),
                    _ => (ordinal(month, first), ordinal(month, last)),
                };
                windows.push((earliest, latest, parties[*who].clone()));
            }
            // The days around every bound a record can have (each month's
            // first and last, the 5th, 10th, 15th and 20th) and the days
            // next to them.
            let probes: Vec<i64> = (0..=records.len())
                .flat_map(|m| {
                    let last = month_length.get(m).copied().unwrap_or(31);
                    [1, 4, 5, 6, 9, 10, 11, 14, 15, 16, 19, 20, 21, last - 1, last]
                        .into_iter()
                        .map(move |d| ordinal(m, d))
                })
                .collect();
            for probe in probes {
                // Every placement: each record happened by the probe or not,
                // as its window allows.
                let mut outcomes: BTreeSet<Value> = BTreeSet::new();
                let choices: Vec<Vec<bool>> = windows
                    .iter()
                    .map(|(e, l, _)| {
                        let mut c = Vec::new();
                        if *e <= probe {
                            c.push(true);
                        }
                        if *l > probe {
                            c.push(false);
                        }
                        c
                    })
                    .collect();
                let combos: usize = choices.iter().map(Vec::len).product();
                for mut k in 0..combos {
                    let mut chair = Value::None;
                    for (i, c) in choices.iter().enumerate() {
                        let happened = c[k % c.len()];
                        k /= c.len();
                        if happened {
                            chair = windows[i].2.clone();
                        }
                    }
                    outcomes.insert(chair);
                }
                let (month, day) = {
                    let starts = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334];
                    let m = starts.iter().rposition(|s| *s < probe).unwrap_or(0);
                    (m + 1, probe - starts[m])
                };
                let query = format!("{builtin}(2014-{month:02}-{day:02})");
                let interpreted = program
                    .prepare(&query, &facts)
                    .expect("prepares")
                    .eval(&facts)
                    .expect("evaluates")
                    .value;
                let compiled = native
                    .prepare(&query, &facts)
                    .expect("prepares")
                    .eval(&facts)
                    .expect("evaluates natively");
                prop_assert!(compiled.interpreted_because.is_none(), "{} is not native", query);
                match (&interpreted, &compiled.value) {
                    (Outcome::Known(a), Outcome::Known(b)) => prop_assert_eq!(a, b, "{}", query),
                    (Outcome::Unknown(_), Outcome::Unknown(_)) => {}
                    (a, b) => prop_assert!(
                        false,
                        "{}: the interpreter gives {:?}, native code {:?}\n{}",
                        query,
                        a,
                        b,
                        history
                    ),
                }
                match interpreted {
                    Outcome::Known(v) => prop_assert!(
                        outcomes.len() == 1 && outcomes.contains(&v),
                        "{} gave {:?} but could be {:?}\n{}",
                        query,
                        v,
                        outcomes,
                        history
                    ),
                    Outcome::Unknown(u) => {
                        let possible: BTreeSet<Value> = u.possible.iter().cloned().collect();
                        prop_assert!(
                            outcomes.len() > 1,
                            "{} is unknown though every placement gives {:?}\n{}",
                            query,
                            outcomes,
                            history
                        );
                        prop_assert_eq!(possible, outcomes, "{}\n{}", query, history);
                    }
                }
            }
        }
        Ok(())
    }
}
