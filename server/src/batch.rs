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
pub(crate) struct DayArg<'a> {
    pub(crate) text: &'a str,
    pub(crate) day: charter::ir::Day,
}

/// The calls of a batch as clients write them, `[{"args":
/// ["YYYY-MM-DD"]}, ...]` (JSON whitespace anywhere between tokens), read
/// by matching that one shape byte by byte; `None` for any other text (a
/// call with `explain` or another key order, a string with an escape, an
/// empty batch), which the general path then reads as it reads any body.
/// Reading a 10,000-call batch this way takes a fraction of a JSON
/// parser's time, which was most of the batch's.
pub(crate) fn canonical(body: &[u8]) -> Option<Vec<DayArg<'_>>> {
    let mut at = 0;
    token(body, &mut at, b"[")?;
    let mut calls = Vec::with_capacity(body.len() / 24);
    loop {
        calls.push(day_call(body, &mut at)?);
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

/// One call as clients write it, `{"args": ["YYYY-MM-DD"]}` (JSON
/// whitespace anywhere between tokens), the whole body; `None` for any
/// other text.
pub(crate) fn canonical_one(body: &[u8]) -> Option<DayArg<'_>> {
    let mut at = 0;
    let call = day_call(body, &mut at)?;
    space(body, &mut at);
    (at == body.len()).then_some(call)
}

/// The call `{"args": ["YYYY-MM-DD"]}` at `at` (after any whitespace),
/// with `at` moved past it.
fn day_call<'a>(body: &'a [u8], at: &mut usize) -> Option<DayArg<'a>> {
    for part in [&b"{"[..], b"\"args\"", b":", b"[", b"\""] {
        token(body, at, part)?;
    }
    let text = std::str::from_utf8(body.get(*at..*at + 10)?).ok()?;
    *at += 10;
    let day = charter::date::parse(text)?;
    // The closing quote follows the day at once.
    (body.get(*at) == Some(&b'"')).then_some(())?;
    *at += 1;
    token(body, at, b"]")?;
    token(body, at, b"}")?;
    Some(DayArg { text, day })
}

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

/// The answer to one call of `name` on `version` (`body` a call of the
/// shape [`canonical_one`] reads), written by native code as the response's
/// JSON text, as the general path writes it (`policy`, `version`, `query`,
/// `value`); `None` for any other query or body, or an answer native code
/// does not give or leaves open (the general path then says why).
pub fn answer_one(version: &Version, name: &str, body: &[u8]) -> Option<String> {
    let builtin = day_query(name)?;
    let jit = version.program.native().ok()?;
    let call = canonical_one(body)?;
    let value = jit.call(builtin, &[Value::Date(call.day)])?.ok()?;
    let bundle = version.program.bundle();
    let mut written = String::new();
    write_value(&mut written, &value, &version.party_json, bundle).then_some(())?;
    let mut out = String::with_capacity(96 + written.len());
    let _ = write!(
        out,
        "{{\"policy\":{},\"version\":{},\"query\":{},",
        serde_json::Value::String(version.name.clone()),
        serde_json::Value::String(version.version.clone()),
        serde_json::Value::String(name.to_string())
    );
    // `{"value":...}` less its opening brace.
    out.push_str(written.get(1..)?);
    Some(out)
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
    let parties = &version.party_json;
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
            Some(&raw) if raw == charter::native::NONE => write_value(&mut out, &Value::None, parties, bundle),
            Some(&raw) => write_value(&mut out, &Value::Party(raw as charter::ir::PartyId), parties, bundle),
            None => match jit.call(builtin, &[Value::Date(day)]) {
                Some(Ok(value)) => write_value(&mut out, &value, parties, bundle),
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
