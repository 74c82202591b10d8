//! The `scale` workload: generated policies of 10, 100 and 1,000 parties
//! with 10, 1,000 and 10,000 recorded meetings (each with a decision), and
//! queries for days to 9999-12-31. For each size: the time to an
//! interpreter-ready and to a native evaluator, and the time per query of
//! both. Answers are checked against the interpreter before timing.

use std::collections::BTreeMap;
use std::hint::black_box;
use std::time::Instant;

use charter::{date, ir, Evaluator, Value};

use crate::{ensure, per_item};

pub const PARTIES: [usize; 3] = [10, 100, 1_000];
pub const RECORDS: [usize; 3] = [10, 1_000, 10_000];

/// A policy of `parties` states, members from days spread over two years
/// (so membership changes often), with a two-year rotation, and a history
/// of `records` meetings with a decision each.
pub fn sources(parties: usize, records: usize) -> Vec<charter::SourceFile> {
    let mut policy = String::from("charter \"Scale\"\n  ref \"S/1\"\n  adopted 2013-06-05\n\n");
    for i in 0..parties {
        policy.push_str(&format!("state P{i:04} \"State {i}\" sort \"State {i:04}\"\n"));
    }
    policy.push_str("§ 1 quote \"q\" {\n");
    let adopted = date::parse("2013-06-05").unwrap_or_default();
    for i in 0..parties {
        let from = adopted + (i as i32 % 24) * 30;
        policy.push_str(&format!("  members P{i:04} from {}\n", date::format(from)));
    }
    policy.push_str(
        "  chair {\n    eligible members\n    order alphabetical english\n    first P0000 from 2013-08-31\n    term 2 years\n  }\n",
    );
    policy.push_str(
        "  meeting ministerial must every 2 years from 2013-06-05\n  meeting som must every 1 year from 2013-06-05\n",
    );
    policy.push_str("  amendments by ministerial\n  decisions by consensus of members present quorum 2\n");
    policy.push_str(
        "  rule chaired_by_a_member(m: meeting): bool = m.host == chair(m.date) and member(m.host, m.date)\n}\n",
    );
    let mut history = String::from("history for \"Scale\"\n\n");
    for k in 0..records {
        let day = adopted + 800 + k as i32;
        let p = |j: usize| format!("P{:04}", (k * 7 + j * 13) % parties);
        history.push_str(&format!(
            "meeting m{k} {{\n  kind som\n  date {}\n  host {}\n  present {}, {}, {}\n  decision d{k} {{\n    kind ordinary\n    objections none\n  }}\n}}\n",
            date::format(day),
            p(0),
            p(0),
            p(1),
            p(2)
        ));
    }
    vec![
        charter::SourceFile::charter("scale.charter", policy),
        charter::SourceFile::charter("history.charter", history),
    ]
}

/// A legal text of `n` sentences under § 3 and a policy that quotes each
/// (half covered by rules' blocks, half marked non-normative).
pub fn cited(n: usize) -> Vec<charter::SourceFile> {
    let mut text = String::from("3. Rules\n");
    for k in 0..n {
        text.push_str(&format!("Sentence number {k} says what rule {k} requires.\n"));
    }
    let mut policy = String::from(
        "charter \"Cited\"\n  ref \"C/1\"\n  adopted 2013-06-05\n  source \"text.txt\"\n\nstate P1 \"One\"\n\n",
    );
    for k in 0..n {
        policy.push_str(&format!(
            "§ 3\n  quote \"Sentence number {k} says what rule {k} requires.\"\n{{\n  non_normative \"generated\"\n}}\n"
        ));
    }
    vec![
        charter::SourceFile::charter("cited.charter", policy),
        charter::SourceFile::legal_text("text.txt", text),
    ]
}

/// Milliseconds to check a policy quoting each of `n` sentences, after
/// checking that every sentence is found and marked.
pub fn citations(n: usize, verify: bool) -> Result<f64, String> {
    let sources = cited(n);
    let start = Instant::now();
    let checked = charter::Analysis::new(sources);
    let took = ms(start);
    let coverage = checked.coverage().first();
    let counts = coverage.map(|c| c.counts());
    ensure(
        counts.is_some_and(|(covered, marked, missing)| covered + marked == n && missing == 0),
        || format!("coverage of {n} quoted sentences: {counts:?}"),
    )?;
    Ok(if verify { 0.0 } else { took })
}

fn ms(start: Instant) -> f64 {
    start.elapsed().as_secs_f64() * 1e3
}

/// Checks the native answers on days to the calendar's end and, unless
/// `verify`, times everything. Keys are `parties_N_records_R`.
pub fn run(verify: bool) -> Result<BTreeMap<String, BTreeMap<&'static str, f64>>, String> {
    let mut out = BTreeMap::new();
    for n in [30, 300, 3_000] {
        let took = citations(n, verify)?;
        if !verify {
            out.insert(format!("citations_{n}_sentences"), BTreeMap::from([("check_ms", took)]));
        }
    }
    for parties in PARTIES {
        for records in RECORDS {
            let sources = sources(parties, records);
            let start = Instant::now();
            let interpreted = charter::Analysis::new(sources)
                .program()
                .ok_or_else(|| format!("the scale policy ({parties} parties, {records} records) does not check"))?;
            let ready_interp = ms(start);
            let start = Instant::now();
            let native = interpreted.with_backend(charter::Backend::Native);
            let jit = native
                .native()
                .map_err(|why| format!("no native code for {parties} parties: {why}"))?;
            let ready_native = ms(start) + ready_interp;
            let interp = interpreted.interpreter();
            // Days from before adoption to the calendar's end.
            let first = date::parse("2010-01-01").unwrap_or_default();
            let days: Vec<i32> = (0..2_000)
                .map(|i| first + ((i64::from(i) * 1_466_443) % i64::from(date::LAST - first)) as i32)
                .chain([date::LAST])
                .collect();
            let all: Vec<u32> = (0..parties as u32).collect();
            let decision = |d: i32| ir::Decision {
                kind: 0,
                meeting: ir::Meeting {
                    id: None,
                    kind: 1,
                    date: d,
                    host: None,
                    present: all.clone(),
                    observers: vec![],
                },
                objections: vec![(d as u32 * 31) % parties as u32],
                reservations: vec![],
                subjects: vec![],
                invited_to: None,
            };
            let decisions: Vec<ir::Decision> = days.iter().map(|d| decision(*d)).collect();
            let rule = native
                .bundle()
                .rules
                .iter()
                .position(|r| r.name == "chaired_by_a_member")
                .ok_or("the scale rule")?;
            let meetings: Vec<Value> = days
                .iter()
                .map(|d| {
                    Value::Meeting(Box::new(ir::Meeting {
                        id: None,
                        kind: 1,
                        date: *d,
                        host: Some((*d as u32 * 17) % parties as u32),
                        present: vec![],
                        observers: vec![],
                    }))
                })
                .collect();
            for (i, d) in days.iter().enumerate() {
                let expected = interp.term_at(*d).map_err(|e| e.to_string())?.and_then(|t| t.chair);
                ensure(native.chair(*d) == Ok(expected), || {
                    format!("scale {parties}/{records}: chair on day {d}")
                })?;
                ensure(
                    native.valid(&decisions[i]) == Ok(interp.is_valid(&decisions[i])),
                    || format!("scale {parties}/{records}: valid on day {d}"),
                )?;
                let by_rule = jit
                    .native()
                    .call_rule(rule, std::slice::from_ref(&meetings[i]), native.bundle());
                let call = ir::Expr::Rule(rule as u32, vec![ir::Expr::Local(0)]);
                let interpreted_rule = interp.eval(&call, &mut vec![meetings[i].clone()]);
                ensure(by_rule == Ok(interpreted_rule), || {
                    format!("scale {parties}/{records}: rule on day {d}")
                })?;
            }
            if verify {
                continue;
            }
            let mut row = BTreeMap::new();
            row.insert("ready_interp_ms", ready_interp);
            row.insert("ready_native_ms", ready_native);
            let n = days.len();
            row.insert(
                "chair_native_ns",
                per_item(n * 50, |i| {
                    black_box(jit.chair(black_box(days[i % n])));
                }),
            );
            row.insert(
                "chair_interp_ns",
                per_item(n * 5, |i| {
                    black_box(interpreted.chair(black_box(days[i % n])).ok());
                }),
            );
            let records_words: Vec<Vec<u64>> = decisions.iter().filter_map(|d| jit.record(d)).collect();
            row.insert(
                "valid_native_ns",
                per_item(n * 20, |i| {
                    black_box(jit.native().valid(black_box(&records_words[i % n])));
                }),
            );
            row.insert(
                "valid_interp_ns",
                per_item(n, |i| {
                    black_box(interp.is_valid(black_box(&decisions[i % n])));
                }),
            );
            row.insert(
                "rule_native_by_value_ns",
                per_item(n * 5, |i| {
                    black_box(
                        jit.native()
                            .call_rule(rule, std::slice::from_ref(&meetings[i % n]), native.bundle())
                            .ok(),
                    );
                }),
            );
            out.insert(format!("parties_{parties}_records_{records}"), row);
        }
    }
    Ok(out)
}
