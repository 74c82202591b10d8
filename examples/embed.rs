//! Embedding Charter in a Rust program: load the Almaty policy once, then
//! ask it questions. Run from the repository root:
//!
//!     cargo run --release -p charter --example embed
//!
//! The policy is checked once at load into a `charter::Program`; asked for
//! native code, it compiles it on first use. Every answer is a `Result`,
//! never a panic.

use charter::ir::{Decision, Meeting};
use charter::{date, Evaluator, Value};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let policy = charter::load("policies/almaty")?.with_backend(charter::Backend::Native);
    match policy.native() {
        Ok(_) => println!("native code: true"),
        Err(why) => println!("native code: false ({why})"),
    }

    let name = |p: Option<u32>| {
        p.and_then(|p| policy.bundle().parties.get(p as usize))
            .map_or("none", |x| x.id.as_str())
    };
    for day in ["2013-08-30", "2015-08-31", "2017-08-31", "2023-08-31"] {
        let d = date::parse(day).ok_or("bad date")?;
        println!("chair on {day}: {}", name(policy.chair(d)?));
    }

    let party = |id: &str| policy.party(id).ok_or(format!("no party {id}"));
    let kind = |names: &[String], k: &str| {
        names
            .iter()
            .position(|n| n == k)
            .map(|i| i as u32)
            .ok_or(format!("no kind {k}"))
    };
    let som = Meeting {
        id: None,
        kind: kind(&policy.bundle().meeting_kinds, "senior_officials")?,
        date: date::parse("2016-09-19").ok_or("bad date")?,
        host: Some(party("KAZ")?),
        present: ["KAZ", "KGZ", "TJK", "AFG", "AZE", "TUR"]
            .iter()
            .map(|p| party(p))
            .collect::<Result<_, _>>()?,
        observers: vec![],
    };
    let mut decision = Decision {
        kind: kind(&policy.bundle().decision_kinds, "ordinary")?,
        meeting: som,
        objections: vec![],
        reservations: vec![],
        subjects: vec![],
        invited_to: None,
    };
    println!("ordinary decision, no objection: valid = {}", policy.valid(&decision)?);
    decision.objections = vec![party("KGZ")?];
    println!("ordinary decision, KGZ objects: valid = {}", policy.valid(&decision)?);

    // Any query or rule by name, with values as arguments.
    let answer = policy.query(
        "next_chair",
        &[Value::Date(date::parse("2016-01-01").ok_or("bad date")?)],
    )?;
    println!("next_chair(2016-01-01) = {}", answer.to_text(policy.bundle()));
    match policy.query("no_such_query", &[]) {
        Err(e) => println!("an unknown query is an error value: {e}"),
        Ok(v) => println!("unexpected: {v:?}"),
    }

    // A query prepared once and evaluated with facts many times.
    let facts = policy.facts(&serde_json::json!({
        "m": { "kind": "ministerial", "date": "2016-06-01", "host": "KGZ" }
    }))?;
    let prepared = policy
        .prepare("host_is_chair(m)", &facts)
        .map_err(charter::QueryFailed)?;
    println!(
        "host_is_chair(ministerial 2016-06-01 hosted by KGZ) = {}",
        prepared.eval(&facts)?.value.to_text(policy.bundle())
    );
    Ok(())
}
