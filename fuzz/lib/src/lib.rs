//! The bodies of Charter's fuzz targets, as plain functions of the input
//! bytes: `fuzz/fuzz_targets/*.rs` hands them to libFuzzer (nightly,
//! `cargo fuzz run`), and `tests/fuzz_corpus.rs` replays every file of
//! `fuzz/corpus/` and `fuzz/regressions/` through them on stable (the CI
//! smoke run). A target returns normally when Charter handled the input
//! as it should (an answer, or a coded error in its place); it panics,
//! with what went wrong, when it did not: a panic inside Charter, a
//! diagnostic without a code or with a span outside its text, a
//! "malformed IR" error from a policy that checked, a formatting that
//! changes the tree or is not idempotent, a fact that changes what a name
//! means, native code that answers otherwise than the interpreter.
//! fuzz/README.md says what each target feeds and checks.

pub mod differential;
pub mod folder;
pub mod generate;
pub mod programs;
pub mod seeds;

use std::collections::BTreeSet;
use std::sync::OnceLock;

use arbitrary::Unstructured;
use charter::{EvalError, EvalFailure, Outcome, SourceFile, SourceKind, Value};

/// A target's body.
pub type Body = fn(&[u8]);

/// Every target: its name (the folder under `fuzz/corpus` and
/// `fuzz/regressions`, and the libFuzzer binary) and its body.
pub const TARGETS: &[(&str, Body)] = &[
    ("parser", parser),
    ("checker", checker),
    ("query", query),
    ("facts", facts),
    ("fmt", fmt),
    ("diff", diff),
    ("lsp_framing", lsp_framing),
    ("native", native),
];

/// The body of the target named `name`.
pub fn target(name: &str) -> Option<Body> {
    TARGETS.iter().find(|(n, _)| *n == name).map(|(_, f)| *f)
}

/// The repository root (the targets read its policies).
pub fn repo_dir() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn known_codes() -> &'static BTreeSet<String> {
    static CODES: OnceLock<BTreeSet<String>> = OnceLock::new();
    CODES.get_or_init(|| charter_compiler::codes::all().into_iter().map(|c| c.code).collect())
}

/// Every diagnostic is one the checker documents, with a message, and its
/// spans on character boundaries of `text`; rendering it does not panic.
fn check_diagnostics(diagnostics: &[charter_grammar::Diagnostic], file: &str, text: &str) {
    for d in diagnostics {
        assert!(
            known_codes().contains(&d.code) && d.code != "charter::internal",
            "undocumented or internal code {} ({}) in {file}",
            d.code,
            d.message
        );
        assert!(!d.message.is_empty(), "{} without a message", d.code);
        for label in &d.labels {
            let (start, end) = (label.span.start, label.span.end);
            assert!(
                start <= end && end <= text.len() && text.is_char_boundary(start) && text.is_char_boundary(end),
                "{}: span {start}..{end} outside {file} ({} bytes)",
                d.code,
                text.len()
            );
        }
    }
    let _ = charter_grammar::diagnostic::render_human(diagnostics, file, text, false);
}

/// "Malformed IR" errors a well-typed query still reaches, an open
/// finding the targets let pass so that fuzzing goes on past it; every
/// other "malformed IR" error is a finding. None is open: F1's `none`
/// where a value is needed is `EvalError::NoValue` everywhere now.
pub const OPEN_MALFORMED: &[&str] = &[];

/// An evaluation error a program that checked may give: never "malformed
/// IR" (a bug of the compiler), however odd the question.
fn check_eval_error(error: &EvalError, what: &str) {
    if let EvalError::Malformed(message) = error {
        assert!(
            OPEN_MALFORMED.contains(&message.as_str()),
            "{what}: {error} (a policy that checked gave malformed IR)"
        );
    }
}

/// Policy text: the parser, the query parser and the header parser say
/// what is wrong with a coded diagnostic placed in the text.
pub fn parser(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let parsed = charter_grammar::parse(text);
    check_diagnostics(&parsed.diagnostics, "<fuzz>", text);
    if parsed.file.is_none() {
        assert!(
            parsed.diagnostics.iter().any(charter_grammar::Diagnostic::is_error),
            "a file that does not parse, with no error"
        );
    }
    if let Err(diagnostics) = charter_grammar::parse_query(text) {
        assert!(!diagnostics.is_empty(), "a query refused with no diagnostic");
        check_diagnostics(&diagnostics, "<query>", text);
    }
    let _ = charter_grammar::parse_policy_header(text);
}

/// The files of `folder` as the checker takes them: a file a policy names
/// as its `source` is its legal text, every other file Charter text (as
/// `charter::from_files` and the `charter` program decide).
fn sources(folder: &[folder::File]) -> Vec<SourceFile> {
    let mut sources: Vec<SourceFile> = folder
        .iter()
        .map(|f| SourceFile::charter(f.name.clone(), f.text.clone()))
        .collect();
    let legal: Vec<String> = sources.iter().filter_map(charter::files::named_legal_text).collect();
    for source in &mut sources {
        if legal.contains(&source.name) {
            source.kind = SourceKind::LegalText;
        }
    }
    sources
}

/// Days every program is asked about: its adoption, the calendar's ends.
fn probe_days(bundle: &charter::Bundle) -> Vec<i32> {
    let mut days = vec![bundle.adopted, bundle.adopted + 400, charter::date::LAST];
    if let Some(first) = charter::date::parse("0001-01-01") {
        days.push(first);
    }
    days
}

/// A whole folder (policy, amendments, history, legal text), edited word
/// by word: every diagnostic coded and placed; a folder that checks
/// answers the built-in queries and audits its history without a
/// "malformed IR" error.
pub fn checker(data: &[u8]) {
    let (files, edits) = folder::decode(data);
    let files = folder::apply(&files, &edits);
    if files.is_empty() {
        return;
    }
    let analysis = charter::Analysis::new(sources(&files));
    for (file, diagnostics) in analysis.files().iter().zip(analysis.diagnostics()) {
        check_diagnostics(diagnostics, &file.name, &file.text);
    }
    let _ = charter::render(&analysis, false);
    let Some(program) = analysis.program() else {
        return;
    };
    for day in probe_days(program.bundle()) {
        for builtin in ["chair", "next_chair", "term_start", "term_end", "members"] {
            let answer = program.call(builtin, &[Value::Date(day)]);
            if let Err(charter::QueryError::Eval(e)) = &answer {
                check_eval_error(e, &format!("{builtin}({})", charter::date::format(day)));
            }
        }
    }
    let until = (program.bundle().adopted + 3 * 365).min(charter::date::LAST);
    if let Err(charter::report::ReportError::Eval(e)) = charter::audit(&program, until, true) {
        check_eval_error(&e, "the audit");
    }
}

/// The query, facts and policy an input names: the first line names a
/// policy (`policies/almaty`), the query follows, and facts JSON after a
/// NUL byte, if any.
fn query_input(data: &[u8]) -> Option<(charter::Program, String, Option<String>)> {
    let text = std::str::from_utf8(data).ok()?;
    let (name, rest) = text.split_once('\n').unwrap_or((text, ""));
    let program = programs::get(name.trim())?;
    let (query, facts) = match rest.split_once('\0') {
        Some((q, f)) => (q.to_string(), Some(f.to_string())),
        None => (rest.to_string(), None),
    };
    Some((program, query, facts))
}

/// Facts text decoded against `program`; `None` (after checking the
/// error says where) when it is refused.
fn decode_facts(program: &charter::Program, text: &str) -> Option<charter::Facts> {
    let refused = |e: &charter::FactError| {
        assert!(
            e.path.starts_with('$') && !e.message.is_empty(),
            "a facts error with no JSON path or message: {e:?}"
        );
    };
    let json = charter::parse_facts(text).map_err(|e| refused(&e)).ok()?;
    program.facts(&json).map_err(|e| refused(&e)).ok()
}

/// Query text with facts against a real policy (the eval path): refused
/// with coded diagnostics placed in the query, or answered; the
/// interpreter's explained answer is its plain one.
pub fn query(data: &[u8]) {
    let Some((program, query, facts)) = query_input(data) else {
        return;
    };
    let facts = match facts {
        Some(text) => match decode_facts(&program, &text) {
            Some(facts) => facts,
            None => return,
        },
        None => charter::Facts::none(),
    };
    let prepared = match program.prepare(&query, &facts) {
        Ok(prepared) => prepared,
        Err(diagnostics) => {
            assert!(!diagnostics.is_empty(), "a query refused with no diagnostic");
            check_diagnostics(&diagnostics, "<query>", &query);
            return;
        }
    };
    let plain = prepared.eval(&facts);
    let explained = prepared.explain(&facts);
    match (&plain, &explained) {
        (Ok(a), Ok(b)) => assert_eq!(a.value, b.value, "explained and plain answers of `{query}`"),
        (Err(EvalFailure::Eval(a)), Err(EvalFailure::Eval(b))) => {
            check_eval_error(a, &query);
            assert_eq!(a, b, "explained and plain errors of `{query}`");
        }
        _ => panic!("`{query}`: plain {plain:?}, explained {explained:?}"),
    }
    if let Ok(answer) = plain {
        if let Outcome::Known(value) = answer.value {
            let _ = value.to_json(program.bundle());
            let _ = value.to_text(program.bundle());
        }
    }
}

/// Facts JSON against a real policy: refused with a JSON path, or every
/// fact decoded means itself in a query (its name names it and nothing
/// else) and decodes again from its JSON.
pub fn facts(data: &[u8]) {
    let Some((program, _, _)) = query_input(data) else {
        return;
    };
    let text = std::str::from_utf8(data).unwrap_or_default();
    let json_text = text.split_once('\n').map_or("", |(_, rest)| rest);
    let Some(facts) = decode_facts(&program, json_text) else {
        return;
    };
    for (name, value) in facts.values() {
        // The fact read back by its name gives the fact.
        match program.prepare(name, &facts) {
            Ok(prepared) => match prepared.eval(&facts) {
                Ok(answer) => assert_eq!(
                    answer.value,
                    Outcome::Known(value.clone()),
                    "the fact `{name}` is not what `{name}` means in a query"
                ),
                Err(e) => panic!("the fact `{name}` read back: {e}"),
            },
            Err(diagnostics) => panic!(
                "the fact `{name}` was accepted but no query can name it: {:?}",
                diagnostics.iter().map(|d| &d.message).collect::<Vec<_>>()
            ),
        }
        // Its JSON decodes to it again (sets, dates, parties, numbers).
        if matches!(
            value,
            Value::Bool(_) | Value::Int(_) | Value::Date(_) | Value::Party(_) | Value::None | Value::Set(_)
        ) {
            let mut doc = serde_json::Map::new();
            doc.insert(name.clone(), value.to_json(program.bundle()));
            let again = program.facts(&serde_json::Value::Object(doc));
            let again = again.unwrap_or_else(|e| panic!("the fact `{name}` as JSON is refused: {e}"));
            assert_eq!(
                again.values().first().map(|(_, v)| v),
                Some(value),
                "`{name}` round trip"
            );
        }
    }
}

/// The tree of a file without positions (as `charter diff` compares
/// trees).
fn tree(file: &charter_grammar::ast::File) -> serde_json::Value {
    charter::diff::normalized(&file.kind)
}

/// `fmt`: a file that parses formats; the result parses to the same tree
/// and formats to itself.
pub fn fmt(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let before = charter_grammar::parse(text).file;
    match (charter::format(text), before) {
        (Ok(formatted), Some(before)) => {
            let after = charter_grammar::parse(&formatted)
                .file
                .unwrap_or_else(|| panic!("the formatted text does not parse:\n{formatted}"));
            assert!(
                tree(&before) == tree(&after),
                "formatting changed the tree:\n{formatted}"
            );
            let again = charter::format(&formatted);
            assert_eq!(again.as_ref().ok(), Some(&formatted), "formatting is not idempotent");
        }
        (Err(charter::FormatError::DoesNotParse), None) => {}
        (result, before) => panic!(
            "format gave {:?} for a file that {}",
            result.map(|_| "a text"),
            if before.is_some() { "parses" } else { "does not parse" }
        ),
    }
}

/// `diff` of a folder and the folder edited: no panic, every rendering
/// made; a folder compared with itself changes nothing.
pub fn diff(data: &[u8]) {
    let (old, edits) = folder::decode(data);
    if old.is_empty() {
        return;
    }
    let new = folder::apply(&old, &edits);
    let until = charter::date::parse("2030-01-01").unwrap_or_default();
    let old_analysis = charter::Analysis::new(sources(&old));
    let new_analysis = charter::Analysis::new(sources(&new));
    let input = |label: &str, analysis| charter::diff::Input {
        label: label.to_string(),
        analysis,
    };
    let result = charter::diff::diff(&input("old", &old_analysis), &input("new", &new_analysis), until);
    let _ = charter::diff::render::text(&result);
    let _ = charter::diff::render::markdown(&result);
    let _ = charter::diff::render::sarif(&result);
    let _ = serde_json::to_string(&result);
    if old == new {
        assert!(
            !result.summary.semantic && result.summary.text == 0,
            "a folder compared with itself changes: {:?}",
            result.summary
        );
    }
}

/// `charter lsp`'s transport (`charter_cli::lsp::transport`): every
/// message is read whole or refused, never allocating past
/// [`MAX_MESSAGE_BYTES`](charter_cli::lsp::MAX_MESSAGE_BYTES) whatever its
/// `Content-Length` says; a body that is no JSON-RPC message gets a
/// JSON-RPC error response (the session goes on); a message read writes
/// out and reads back the same.
pub fn lsp_framing(data: &[u8]) {
    use charter_cli::lsp::transport::{decode, read_body};
    let mut reader = std::io::BufReader::new(data);
    for _ in 0..64 {
        match read_body(&mut reader) {
            Ok(Some(body)) => {
                assert!(
                    body.len() as u64 <= charter_cli::lsp::MAX_MESSAGE_BYTES,
                    "a body past the limit was read"
                );
                match decode(&body) {
                    Ok(message) => {
                        let mut written = Vec::new();
                        message
                            .clone()
                            .write(&mut written)
                            .unwrap_or_else(|e| panic!("a message read does not write: {e}"));
                        let again = read_body(&mut std::io::BufReader::new(&written[..]))
                            .unwrap_or_else(|e| panic!("a message written does not frame: {e}"))
                            .unwrap_or_else(|| panic!("a message written is empty"));
                        let again = decode(&again).unwrap_or_else(|e| panic!("a message written does not decode: {e}"));
                        assert_eq!(format!("{again:?}"), format!("{message:?}"), "round trip");
                    }
                    Err(response) => {
                        assert_eq!(response["jsonrpc"], "2.0", "{response}");
                        assert!(
                            response["error"]["code"].is_i64(),
                            "an error response has a code: {response}"
                        );
                        assert!(response["error"]["message"].is_string(), "{response}");
                    }
                }
            }
            Ok(None) | Err(_) => break,
        }
    }
}

/// Native code against the interpreter (the reference) on a generated
/// policy, history and user rules: every built-in query on days near the
/// adoption and at the calendar's ends, every rule on generated arguments,
/// and generated queries over facts, prepared for each backend
/// (`differential`, which the deep mode shares).
pub fn native(data: &[u8]) {
    let mut choices = generate::Choices(Unstructured::new(data));
    let subject = differential::Subject::generate(&mut choices, differential::TARGET_RULES, 4)
        .unwrap_or_else(|why| panic!("{why}"));
    for question in differential::target_questions(&subject, &mut choices) {
        if let Err(divergence) = subject.ask(&question) {
            panic!("{divergence}");
        }
    }
}
