//! A batch of one built-in query over days (`chair`, `next_chair`,
//! `term_start`, `term_end`, `members`), answered by native code straight
//! from the request's bytes to the response's: the calls are read without
//! building JSON values, each is asked of native code, and the answers are
//! written as JSON text. Anything else (another query, an argument that is
//! not a day, `explain`, a day native code declines or leaves open) goes
//! the general way, item by item or whole, so the answers are the same
//! (the tests compare both ways on every policy).

use std::fmt::Write as _;

use charter::ir::Builtin;
use charter::Value;

use crate::policy::Version;

/// One call of a batch as this path reads it: the day as the body writes
/// it, and the day.
#[derive(Clone, Copy)]
struct DayArg<'a> {
    text: &'a str,
    day: charter::ir::Day,
}

/// The calls of a batch as clients write them, `[{"args":
/// ["YYYY-MM-DD"]}, ...]` (JSON whitespace anywhere between tokens), read
/// by matching that one shape byte by byte; `None` for any other text (a
/// call with `explain` or another key order, a string with an escape, an
/// empty batch), which the general path then reads as it reads any body.
/// Reading a 10,000-call batch this way takes a fraction of a JSON
/// parser's time, which was most of the batch's.
fn canonical(body: &[u8]) -> Option<Vec<DayArg<'_>>> {
    fn space(body: &[u8], at: &mut usize) {
        while body.get(*at).is_some_and(|b| matches!(b, b' ' | b'\n' | b'\r' | b'\t')) {
            *at += 1;
        }
    }
    fn token(body: &[u8], at: &mut usize, token: &[u8]) -> Option<()> {
        space(body, at);
        let end = *at + token.len();
        (body.get(*at..end)? == token).then(|| *at = end)
    }
    let mut at = 0;
    token(body, &mut at, b"[")?;
    let mut calls = Vec::with_capacity(body.len() / 24);
    loop {
        for part in [&b"{"[..], b"\"args\"", b":", b"[", b"\""] {
            token(body, &mut at, part)?;
        }
        let text = std::str::from_utf8(body.get(at..at + 10)?).ok()?;
        at += 10;
        let day = charter::date::parse(text)?;
        // The closing quote follows the day at once.
        (body.get(at) == Some(&b'"')).then_some(())?;
        at += 1;
        token(body, &mut at, b"]")?;
        token(body, &mut at, b"}")?;
        calls.push(DayArg { text, day });
        space(body, &mut at);
        match body.get(at)? {
            b',' => at += 1,
            b']' => break,
            _ => return None,
        }
    }
    at += 1;
    space(body, &mut at);
    (at == body.len()).then_some(calls)
}

/// The built-in queries this path answers: one day in, native code out.
fn day_query(name: &str) -> Option<Builtin> {
    let builtin = Builtin::from_name(name)?;
    matches!(
        builtin,
        Builtin::Chair | Builtin::NextChair | Builtin::TermStart | Builtin::TermEnd | Builtin::Members
    )
    .then_some(builtin)
}

/// The answers of the batch `body` to `name` on `version`, as the JSON
/// text of the response and the number of answers with a value; `None`
/// when the batch is not of this shape (then the general path answers it).
/// An item native code cannot answer is answered by `general(i, day)`,
/// which gives the general path's item for the call at `i`.
pub fn answer(
    version: &Version,
    name: &str,
    body: &[u8],
    general: impl Fn(usize, &str) -> serde_json::Value,
) -> Option<(String, usize)> {
    let builtin = day_query(name)?;
    let jit = version.program.native().ok()?;
    let calls = canonical(body)?;
    let bundle = version.program.bundle();
    let parties: Vec<String> = bundle
        .parties
        .iter()
        .map(|p| serde_json::Value::String(p.id.clone()).to_string())
        .collect();
    let mut out = String::with_capacity(64 + 20 * calls.len());
    let _ = write!(
        out,
        "{{\"policy\":{},\"version\":{},\"query\":{},\"answers\":[",
        serde_json::Value::String(version.name.clone()),
        serde_json::Value::String(version.version.clone()),
        serde_json::Value::String(name.to_string())
    );
    let mut valued = 0;
    // Native code declines the query on every day where it declines it on
    // one for the policy (terms a windowed hand-over shifts): then the
    // general path answers the whole batch (on a blocking thread when it
    // is large). `chair` is asked in one native batch call; a day it leaves
    // open comes back `UNKNOWN_VALUE`, answered below.
    let days: Vec<i32> = calls.iter().map(|c| c.day).collect();
    let _answers_natively = jit.call(builtin, &[Value::Date(*days.first()?)])?;
    let mut chairs = Vec::new();
    if builtin == Builtin::Chair {
        chairs = vec![0; days.len()];
        jit.native().chair_batch(&days, &mut chairs);
    }
    for (i, call) in calls.iter().enumerate() {
        let DayArg { text, day } = *call;
        if i > 0 {
            out.push(',');
        }
        let answered = match chairs.get(i) {
            Some(&raw) if raw == charter::native::UNKNOWN_VALUE => false,
            Some(&raw) if raw == charter::native::NONE => write_value(&mut out, &Value::None, &parties, bundle),
            Some(&raw) => write_value(&mut out, &Value::Party(raw as charter::ir::PartyId), &parties, bundle),
            None => match jit.call(builtin, &[Value::Date(day)]) {
                Some(Ok(value)) => write_value(&mut out, &value, &parties, bundle),
                Some(Err(_)) | None => false,
            },
        };
        if answered {
            valued += 1;
        } else {
            let item = general(i, text);
            if item.get("value").is_some() {
                valued += 1;
            }
            out.push_str(&item.to_string());
        }
    }
    out.push_str("]}");
    Some((out, valued))
}

/// Writes `{"value": ...}` for a known value, as `Outcome::to_json` and
/// the general path write it; false (nothing written) for a party index
/// the policy does not have.
fn write_value(out: &mut String, value: &Value, parties: &[String], bundle: &charter::ir::Bundle) -> bool {
    let start = out.len();
    out.push_str("{\"value\":");
    match value {
        Value::None => out.push_str("null"),
        Value::Party(p) => match parties.get(*p as usize) {
            Some(text) => out.push_str(text),
            None => {
                out.truncate(start);
                return false;
            }
        },
        Value::Date(d) => {
            let _ = write!(out, "\"{}\"", charter::date::format(*d));
        }
        other @ (Value::Bool(_)
        | Value::Int(_)
        | Value::Duration(_)
        | Value::Status(_)
        | Value::MeetingKind(_)
        | Value::DecisionKind(_)
        | Value::Group(_)
        | Value::Meeting(_)
        | Value::Decision(_)
        | Value::Violation(_)
        | Value::Set(_)) => out.push_str(&other.to_json(bundle).to_string()),
    }
    out.push('}');
    true
}

#[cfg(test)]
#[expect(
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "a test stops at the first thing that is not as it should be"
)]
mod tests {
    use std::path::Path;

    use crate::api;
    use crate::policy::Policy;

    /// Every policy of the repository, each query this path answers, on
    /// the first of every month over its history (windows and term
    /// boundaries among them) and the calendar's ends: the answers read
    /// from the bytes by native code are the interpreter's, item for item
    /// (an item native code leaves open answered by the interpreter).
    #[test]
    fn native_day_batches_answer_as_the_interpreter() {
        let policies = Path::new(env!("CARGO_MANIFEST_DIR")).join("../policies");
        let mut folders: Vec<_> = std::fs::read_dir(&policies)
            .expect("policies")
            .map(|e| e.expect("entry").path())
            .collect();
        folders.sort();
        let mut compared = 0;
        for folder in folders {
            let name = folder.file_name().expect("name").to_string_lossy().into_owned();
            let load = |backend| {
                Policy::load(&name, &folder, backend)
                    .unwrap_or_else(|e| panic!("{name}: {e:?}"))
                    .current()
            };
            let (interpreted, native) = (load(charter::Backend::Interpreter), load(charter::Backend::Native));
            if native.program.native().is_err() {
                continue;
            }
            let adopted = native.program.bundle().adopted;
            let first = charter::date::to_date(adopted).map_or(2000, |d| i32::from(d.year())) - 1;
            let mut days = vec!["0001-01-01".to_string(), "9999-12-31".to_string()];
            for year in first..=2030 {
                for month in 1..=12 {
                    days.push(format!("{year:04}-{month:02}-01"));
                }
            }
            let calls: Vec<serde_json::Value> = days.iter().map(|d| serde_json::json!({ "args": [d] })).collect();
            let body = serde_json::to_vec(&calls).expect("JSON");
            for query in ["chair", "next_chair", "term_start", "term_end", "members"] {
                let (text, _) = api::day_batch(&native, query, &body).expect("a batch of days for native code");
                let fast: serde_json::Value = serde_json::from_str(&text).expect("JSON text");
                let general = api::batch(&interpreted, query, &calls);
                assert_eq!(fast["answers"], general["answers"], "{name}: {query}");
                assert_eq!(fast["query"], query);
                assert_eq!(fast["version"].as_str(), Some(native.version.as_str()));
                compared += calls.len();
            }
        }
        assert!(compared > 10_000, "{compared}");
    }

    /// The batch as clients write it is read by matching its shape; any
    /// other text is serde's to read, with the same days.
    #[test]
    fn the_canonical_shape_is_read_and_nothing_else() {
        let days = |calls: Option<Vec<super::DayArg<'_>>>| calls.map(|c| c.iter().map(|d| d.day).collect::<Vec<_>>());
        let day = charter::date::parse("2016-01-01").expect("a day");
        let next = day + 1;
        for text in [
            r#"[{"args":["2016-01-01"]},{"args":["2016-01-02"]}]"#,
            " [ { \"args\" : [ \"2016-01-01\" ] } ,\n\t{\"args\":[\"2016-01-02\"]} ] \n",
        ] {
            assert_eq!(days(super::canonical(text.as_bytes())), Some(vec![day, next]), "{text}");
        }
        for text in [
            "[]",
            r#"[{"args":["2016-01-01"]}"#,
            r#"[{"args":["2016-01-01"]}] x"#,
            r#"[{"args":["2016-01-01"]},]"#,
            r#"[{"args":["2016\u002d01-01"]}]"#,
            r#"[{"args":["2016-02-30"]}]"#,
            r#"[{"args":["2016-01-01"],"explain":false}]"#,
            r#"[{"explain":false,"args":["2016-01-01"]}]"#,
            r#"[{"args":["2016-01-01","2016-01-02"]}]"#,
            r#"{"args":["2016-01-01"]}"#,
        ] {
            assert!(super::canonical(text.as_bytes()).is_none(), "{text}");
        }
        // What the shape does not read goes the general way.
        let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join("../policies/almaty");
        let native = Policy::load("almaty", &folder, charter::Backend::Native)
            .expect("almaty")
            .current();
        for text in [
            r#"[{"args":["2016-01-01"],"explain":false}]"#,
            r#"[{"args":["2016\u002d01-01"]}]"#,
            r#"[[["2016-01-01"]]]"#,
        ] {
            assert!(api::day_batch(&native, "chair", text.as_bytes()).is_none(), "{text}");
        }
    }

    /// What is not a batch of days goes the general way whole.
    #[test]
    fn other_bodies_are_not_this_path_s() {
        let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join("../policies/almaty");
        let native = Policy::load("almaty", &folder, charter::Backend::Native)
            .expect("almaty")
            .current();
        for (query, body) in [
            ("chair", r#"[{"args": ["2016-01-01"], "explain": true}]"#),
            ("chair", r#"[{"args": ["2016-13-01"]}]"#),
            ("chair", r#"[{"args": ["2016-01-01"], "args": ["2016-01-02"]}]"#),
            ("chair", r#"[{"args": ["2016-01-01"], "other": 1}]"#),
            ("chair", r#"[{"args": ["2016-01-01", "2016-01-02"]}]"#),
            ("member", r#"[{"args": ["KAZ", "2016-01-01"]}]"#),
            ("valid", r#"[{"args": ["2016-01-01"]}]"#),
            ("chair", r#"{"args": ["2016-01-01"]}"#),
            ("chair", r#"[[["2016-01-01"]]]"#),
            ("chair", r#"[[["2016-01-01"], false]]"#),
        ] {
            assert!(
                api::day_batch(&native, query, body.as_bytes()).is_none(),
                "{query} {body}"
            );
        }
    }
}
