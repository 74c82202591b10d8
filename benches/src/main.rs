//! `charter-bench [--quick] [--json] [--verify]`: every workload on every
//! engine in one run, answers checked against the interpreter before
//! anything is timed. `--verify` checks every engine's answers and times
//! nothing (CI runs it, so a stale engine fails the build).
//!
//! W1 chair(d) for random dates 2013-2100; W2 valid(decision) for random
//! decisions; W3 may_attend(p, meeting) for random pairs; W4 compile
//! latency; W5 the exhaustive consensus space over 12 parties (2^24 cases);
//! W6 a prepared user-rule query: preparing it, and evaluating it; W7 the
//! language server: diagnostics after an edit, and hover.

use std::collections::BTreeMap;
use std::hint::black_box;
use std::time::{Duration, Instant};

mod diff;
mod lsp;
#[cfg(feature = "peers")]
mod peers;
mod scale;

use charter::ir;
use charter::native::{Attendance, DecisionRecord};
use charter_bench::*;

/// Sample size for checking each engine against the interpreter.
pub(crate) const CHECK_SAMPLE: usize = 10_000;

pub(crate) struct Sizes {
    /// Check answers only; time nothing.
    pub(crate) verify: bool,
    fast: usize,
    interp: usize,
    #[cfg_attr(
        not(feature = "peers"),
        expect(dead_code, reason = "only the peers (the `peers` feature) read it")
    )]
    pub(crate) peers: usize,
    compile_runs: usize,
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let quick = args.iter().any(|a| a == "--quick");
    let json = args.iter().any(|a| a == "--json");
    let verify = args.iter().any(|a| a == "--verify");
    if let Some(bad) = args
        .iter()
        .find(|a| !["--quick", "--json", "--verify"].contains(&a.as_str()))
    {
        eprintln!("usage: charter-bench [--quick] [--json] [--verify] (unknown argument `{bad}`)");
        std::process::exit(2);
    }
    let sizes = if verify {
        Sizes {
            verify: true,
            fast: CHECK_SAMPLE,
            interp: 0,
            peers: CHECK_SAMPLE,
            compile_runs: 1,
        }
    } else if quick {
        Sizes {
            verify: false,
            fast: 1_000_000,
            interp: 20_000,
            peers: 20_000,
            compile_runs: 5,
        }
    } else {
        // The interpreter and the peers run on the first inputs only: a
        // million W1 queries would take the interpreter minutes.
        Sizes {
            verify: false,
            fast: 1_000_000,
            interp: 100_000,
            peers: 200_000,
            compile_runs: 30,
        }
    };
    let scaled = |results| -> Result<_, String> {
        let mut scale = scale::run(sizes.verify)?;
        scale.extend(diff::run(sizes.verify)?);
        Ok((results, scale))
    };
    match run(&sizes).and_then(scaled) {
        Ok(_) if verify => {
            println!(
                "verified: every engine agrees with the interpreter on {CHECK_SAMPLE} inputs of W1-W3, on W5's count, on every scale policy and on every diff workload; W6's prepared query answers as the rule called by name; W7's language server (when built) reports and hovers as expected"
            );
        }
        Ok((results, scale)) => {
            if json {
                let mut doc = serde_json::to_value(&results).unwrap_or_default();
                if let Some(map) = doc.as_object_mut() {
                    map.insert("scale".to_string(), serde_json::to_value(&scale).unwrap_or_default());
                }
                println!("{}", serde_json::to_string(&doc).unwrap_or_default());
            } else {
                for (workload, engines) in &results {
                    println!("{workload}");
                    for (engine, value) in engines {
                        println!("  {engine:<24} {value:>14.2}");
                    }
                }
                println!("scale");
                for (size, row) in &scale {
                    println!("  {size}");
                    for (what, value) in row {
                        println!("    {what:<24} {value:>14.2}");
                    }
                }
            }
        }
        Err(e) => {
            eprintln!("charter-bench: {e}");
            std::process::exit(1);
        }
    }
}

pub(crate) type Results = BTreeMap<&'static str, BTreeMap<&'static str, f64>>;

/// Nanoseconds per item of running `f` over `n` items (cycling `inputs`).
/// Never inlined: each timed loop is compiled on its own, so an engine's
/// figure does not move with unrelated edits to the function around it
/// (the hand-written baseline once gained an instruction and four stack
/// loads per query from the register pressure of `run`).
#[inline(never)]
pub(crate) fn per_item(n: usize, mut f: impl FnMut(usize)) -> f64 {
    let start = Instant::now();
    for i in 0..n {
        f(i);
    }
    start.elapsed().as_nanos() as f64 / n.max(1) as f64
}

pub(crate) fn ensure(ok: bool, what: impl FnOnce() -> String) -> Result<(), String> {
    if ok {
        Ok(())
    } else {
        Err(format!("answers differ from the interpreter's: {}", what()))
    }
}

fn run(sizes: &Sizes) -> Result<Results, String> {
    let almaty = Almaty::load()?;
    let native = almaty.native().ok_or("no native code")?;
    let interp = almaty.interpreter();
    let hand = Handwritten::new(&almaty);
    #[cfg(feature = "peers")]
    let mut peers = peers::Peers::new()?;
    let mut rng = Rng::new(0x00C4_A27E_2013);
    let mut results = Results::new();

    // ---------------------------------------------------------------- W1
    let days = w1_days(sizes.fast, &mut rng);
    let mut out = vec![0i32; days.len()];
    native.chair_batch(&days, &mut out);
    for (i, d) in days.iter().take(CHECK_SAMPLE).enumerate() {
        let expected = interp_chair(&interp, *d);
        ensure(out[i] == expected, || format!("W1 JIT chair on day {d}"))?;
        ensure(hand.chair(*d) == expected, || {
            format!("W1 hand-written chair on day {d}")
        })?;
        ensure(hand.chair_calendar(*d) == expected, || {
            format!("W1 hand-written calendar chair on day {d}")
        })?;
    }
    if !sizes.verify {
        let mut w1 = BTreeMap::new();
        w1.insert("charter_jit", {
            let start = Instant::now();
            native.chair_batch(black_box(&days), &mut out);
            black_box(&out);
            start.elapsed().as_nanos() as f64 / days.len() as f64
        });
        w1.insert(
            "charter_jit_per_call",
            per_item(days.len(), |i| {
                black_box(native.chair(black_box(days[i])));
            }),
        );
        w1.insert(
            "handwritten",
            per_item(days.len(), |i| {
                black_box(hand.chair(black_box(days[i])));
            }),
        );
        w1.insert(
            "handwritten_calendar",
            per_item(days.len(), |i| {
                black_box(hand.chair_calendar(black_box(days[i])));
            }),
        );
        w1.insert(
            "charter_interp",
            per_item(sizes.interp, |i| {
                black_box(interp_chair(&interp, black_box(days[i % days.len()])));
            }),
        );
        results.insert("W1", w1);
    }

    // ---------------------------------------------------------------- W2
    let decisions = w2_decisions(&almaty, sizes.fast, &mut rng);
    let records: Vec<DecisionRecord> = records(&almaty, &decisions);
    ensure(records.len() == decisions.len(), || "W2 records".to_string())?;
    let record_words = words(&records);
    let mut valid_out = vec![0u8; records.len()];
    native.valid_batch(&record_words, &mut valid_out);
    for i in 0..CHECK_SAMPLE {
        let expected = interp
            .valid(&decisions[i])
            .valid
            .ok_or_else(|| format!("W2 decision {i} is not judged"))?;
        ensure(interp.is_valid(&decisions[i]) == expected, || {
            format!("W2 interpreter's unexplained answer, decision {i}")
        })?;
        ensure((valid_out[i] != 0) == expected, || format!("W2 JIT decision {i}"))?;
        ensure(hand.valid(&records[i]) == expected, || {
            format!("W2 hand-written decision {i}")
        })?;
    }
    if !sizes.verify {
        let mut w2 = BTreeMap::new();
        w2.insert("charter_jit", {
            let start = Instant::now();
            native.valid_batch(black_box(&record_words), &mut valid_out);
            black_box(&valid_out);
            start.elapsed().as_nanos() as f64 / records.len() as f64
        });
        w2.insert(
            "charter_jit_per_call",
            per_item(records.len(), |i| {
                black_box(native.valid(black_box(record_words.get(i * 4..i * 4 + 4).unwrap_or_default())));
            }),
        );
        w2.insert(
            "handwritten",
            per_item(records.len(), |i| {
                black_box(hand.valid(black_box(&records[i])));
            }),
        );
        w2.insert(
            "charter_interp",
            per_item(sizes.interp.min(decisions.len()), |i| {
                black_box(interp.is_valid(black_box(&decisions[i])));
            }),
        );
        results.insert("W2", w2);
    }
    #[cfg(feature = "peers")]
    peers.w2(&almaty, &interp, &decisions, sizes, &mut results)?;

    // ---------------------------------------------------------------- W3
    let pairs = w3_pairs(&almaty, sizes.fast, &mut rng);
    let mut attend_out = vec![0u8; pairs.len()];
    native.may_attend_batch(&pairs, &mut attend_out);
    for (i, p) in pairs.iter().take(CHECK_SAMPLE).enumerate() {
        let expected = interp.may_attend(p.party, &meeting(p.day));
        ensure(
            interp.status(p.party, p.day) == interp.status_explained(p.party, p.day).0,
            || format!("W3 interpreter's unexplained status, pair {i}"),
        )?;
        ensure((attend_out[i] != 0) == expected, || format!("W3 JIT pair {i}"))?;
        ensure(hand.may_attend(p) == expected, || format!("W3 hand-written pair {i}"))?;
    }
    if !sizes.verify {
        let mut w3 = BTreeMap::new();
        w3.insert("charter_jit", {
            let start = Instant::now();
            native.may_attend_batch(black_box(&pairs), &mut attend_out);
            black_box(&attend_out);
            start.elapsed().as_nanos() as f64 / pairs.len() as f64
        });
        w3.insert(
            "handwritten",
            per_item(pairs.len(), |i| {
                black_box(hand.may_attend(black_box(&pairs[i])));
            }),
        );
        w3.insert(
            "charter_interp",
            per_item(sizes.interp.min(pairs.len()), |i| {
                let p = &pairs[i];
                black_box(interp.may_attend(p.party, &meeting(p.day)));
            }),
        );
        results.insert("W3", w3);
    }
    #[cfg(feature = "peers")]
    peers.w3(&almaty, &interp, &pairs, sizes, &mut results)?;

    // ---------------------------------------------------------------- W4
    if !sizes.verify {
        let median = |mut v: Vec<Duration>| {
            v.sort();
            v.get(v.len() / 2).map_or(0.0, |d| d.as_nanos() as f64)
        };
        let mut jit_times = Vec::new();
        let mut ir_times = Vec::new();
        let mut compile_times = Vec::new();
        for _ in 0..sizes.compile_runs {
            let start = Instant::now();
            let program = charter::load(policy_dir()).map_err(|e| e.to_string())?;
            black_box(program.native().is_ok());
            jit_times.push(start.elapsed());
            // A ready program on the interpreter: read, checked, tables built.
            let start = Instant::now();
            let program = charter::load(policy_dir()).map_err(|e| e.to_string())?;
            ir_times.push(start.elapsed());
            // The native half alone: checked IR and tables to native code.
            let start = Instant::now();
            let jit = charter::native::Jit::compile(program.bundle(), program.tables());
            compile_times.push(start.elapsed());
            black_box(jit.is_ok());
        }
        let mut w4 = BTreeMap::new();
        w4.insert("charter_jit", median(jit_times));
        w4.insert("charter_interp", median(ir_times));
        w4.insert("charter_jit_compile_only", median(compile_times));
        results.insert("W4", w4);
    }

    // ---------------------------------------------------------------- W5
    let (valid, nanos) = w5(&almaty)?;
    let mut w5 = BTreeMap::new();
    w5.insert("charter_jit", nanos);
    w5.insert("valid_cases", valid as f64);
    results.insert("W5", w5);

    // ---------------------------------------------------------------- W6
    results.insert("W6", w6(&almaty, sizes.verify)?);

    // ---------------------------------------------------------------- W7
    if let Some(w7) = lsp::run(sizes.verify)? {
        if !sizes.verify {
            results.insert("W7", w7);
        }
    }
    Ok(results)
}

/// A prepared user-rule query (`host_is_chair(m)` with the meeting as a
/// fact) on the interpreter: the time to prepare it against a loaded
/// program, and to evaluate it, each the median of many; its answers
/// checked against the rule called by name on both backends.
fn w6(almaty: &Almaty, verify: bool) -> Result<BTreeMap<&'static str, f64>, String> {
    let program = almaty.program.with_backend(charter::Backend::Interpreter);
    let mut rng = Rng::new(6);
    let kinds = ["ministerial", "senior_officials"];
    let facts: Vec<charter::Facts> = (0..64)
        .map(|i| {
            let host = &almaty.party_ids[rng.below(6) as usize];
            let date = charter::date::format(rng.day_between(
                charter::date::parse("2013-09-01").unwrap_or_default(),
                charter::date::parse("2030-12-31").unwrap_or_default(),
            ));
            let json = serde_json::json!({ "m": { "kind": kinds[i % 2], "date": date, "host": host } });
            program.facts(&json).map_err(|e| e.to_string())
        })
        .collect::<Result<_, _>>()?;
    let text = "host_is_chair(m)";
    let prepared = program
        .prepare(text, &facts[0])
        .map_err(|d| format!("W6 query: {d:?}"))?;
    for f in &facts {
        let answer = prepared.eval(f).map_err(|e| e.to_string())?.value;
        let args: Vec<charter::Value> = f.values().iter().map(|(_, v)| v.clone()).collect();
        for backend in [charter::Backend::Interpreter, charter::Backend::Native] {
            let called = program
                .with_backend(backend)
                .call("host_is_chair", &args)
                .map_err(|e| e.to_string())?;
            if called.value != answer {
                return Err(format!(
                    "W6: prepared {answer:?}, called on {backend:?} {:?}",
                    called.value
                ));
            }
        }
    }
    let mut out = BTreeMap::new();
    if verify {
        return Ok(out);
    }
    let median = |mut v: Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v.get(v.len() / 2).copied().unwrap_or_default()
    };
    let mut prepare = Vec::new();
    for _ in 0..2_000 {
        let start = Instant::now();
        black_box(program.prepare(black_box(text), &facts[0]).is_ok());
        prepare.push(start.elapsed().as_nanos() as f64);
    }
    let mut eval = Vec::new();
    for round in 0..200 {
        let start = Instant::now();
        for f in &facts {
            black_box(prepared.eval(black_box(f)).is_ok());
        }
        eval.push(start.elapsed().as_nanos() as f64 / facts.len() as f64);
        black_box(round);
    }
    out.insert("charter_prepare", median(prepare));
    out.insert("charter_interp_eval", median(eval));
    Ok(out)
}

/// Every present x objecting combination over the first 12 parties at a
/// Senior Officials Meeting on 2016-09-19, judged with the batch entry
/// point; returns the number of valid decisions and the total nanoseconds.
fn w5(almaty: &Almaty) -> Result<(u64, f64), String> {
    let native = almaty.native().ok_or("no native code")?;
    let interp = almaty.interpreter();
    let hand = Handwritten::new(almaty);
    let kind = |names: &[String], k: &str| names.iter().position(|n| n == k).unwrap_or_default() as u32;
    let template = DecisionRecord {
        kind: kind(&almaty.decision_kinds, "ordinary"),
        meeting_kind: kind(&almaty.meeting_kinds, "senior_officials"),
        date: charter::date::parse("2016-09-19").unwrap_or_default(),
        reserved: 0,
        present: 0,
        objections: 0,
    };
    const CHUNK: usize = 1 << 16;
    // The meeting once, and the sets as two columns (one word each: the
    // policy has fewer than 64 parties), judged by `charter_valid_sets`.
    let meeting = template.words();
    let mut present = vec![0u64; CHUNK];
    let mut objections = vec![0u64; CHUNK];
    let mut out = vec![0u8; CHUNK];
    let fill = |present: &mut [u64], objections: &mut [u64], chunk: usize| {
        for (i, (p, o)) in present.iter_mut().zip(objections.iter_mut()).enumerate() {
            let combo = (chunk * CHUNK + i) as u64;
            *p = combo & 0xFFF;
            *o = combo >> 12;
        }
    };
    const CHUNKS: usize = (1usize << 24) / CHUNK;
    // Timed: evaluation and counting only, not writing the inputs.
    let mut valid = 0u64;
    let mut nanos = 0.0;
    for chunk in 0..CHUNKS {
        fill(&mut present, &mut objections, chunk);
        let start = Instant::now();
        native
            .valid_sets(&meeting, &present, &objections, &mut out)
            .ok_or("W5 meeting record")?;
        valid += out.iter().map(|b| u64::from(*b)).sum::<u64>();
        nanos += start.elapsed().as_nanos() as f64;
    }
    // Untimed: every 16th chunk again, sampled against the interpreter
    // and the hand-written engine.
    let mut checked = 0usize;
    for chunk in (0..CHUNKS).step_by(16) {
        if checked >= CHECK_SAMPLE {
            break;
        }
        fill(&mut present, &mut objections, chunk);
        native
            .valid_sets(&meeting, &present, &objections, &mut out)
            .ok_or("W5 meeting record")?;
        for ((p, o), ok) in present.iter().zip(&objections).zip(&out).step_by(97).take(700) {
            let r = DecisionRecord {
                present: *p,
                objections: *o,
                ..template
            };
            let set = |mask: u64| (0..12u32).filter(|p| mask & (1 << p) != 0).collect::<Vec<_>>();
            let decision = ir::Decision {
                kind: r.kind,
                meeting: ir::Meeting {
                    id: None,
                    kind: r.meeting_kind,
                    date: r.date,
                    host: None,
                    present: set(r.present),
                    observers: vec![],
                },
                objections: set(r.objections),
                reservations: vec![],
                subjects: vec![],
                invited_to: None,
            };
            let expected = interp
                .valid(&decision)
                .valid
                .ok_or_else(|| format!("W5 case {r:?} is not judged"))?;
            ensure((*ok != 0) == expected && hand.valid(&r) == expected, || {
                format!("W5 case {r:?}")
            })?;
            checked += 1;
        }
    }
    // Each member among the 12 has 3 of 4 (present, objecting) combinations
    // that do not block; each other party never blocks. The members on that
    // day are the interpreter's (observers such as Iran and Pakistan, which
    // broke the silence procedure, never block).
    let members = interp.members(template.date).iter().filter(|p| **p < 12).count() as u32;
    ensure(valid == 3u64.pow(members) * 4u64.pow(12 - members), || {
        format!("W5 counted {valid} valid cases")
    })?;
    let _ = Attendance::default();
    Ok((valid, nanos))
}
