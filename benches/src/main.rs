//! `charter-bench [--quick] [--json] [--verify]`: every workload on every
//! engine in one run, answers checked against the interpreter before
//! anything is timed. `--verify` checks every engine's answers and times
//! nothing (CI runs it, so a stale engine fails the build).
//!
//! W1 chair(d) for random dates 2013-2100; W2 valid(decision) for random
//! decisions; W3 may_attend(p, meeting) for random pairs; W4 compile
//! latency; W5 the exhaustive consensus space over 12 parties (2^24 cases).

use std::collections::BTreeMap;
use std::hint::black_box;
use std::time::{Duration, Instant};

mod diff;
mod scale;

use charter_bench::*;
use charter_compiler::codegen::{Attendance, DecisionRecord};
use charter_runtime::ir;

/// Sample size for checking each engine against the interpreter.
const CHECK_SAMPLE: usize = 10_000;

struct Sizes {
    /// Check answers only; time nothing.
    verify: bool,
    fast: usize,
    interp: usize,
    peers: usize,
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
                "verified: every engine agrees with the interpreter on {CHECK_SAMPLE} inputs of W1-W3, on W5's count, on every scale policy and on every diff workload"
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

type Results = BTreeMap<&'static str, BTreeMap<&'static str, f64>>;

/// Nanoseconds per item of running `f` over `n` items (cycling `inputs`).
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
    let mut cedar = Cedar::new()?;
    let mut rego = Rego::new()?;
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
    let peer_n = sizes.peers.max(CHECK_SAMPLE).min(decisions.len());
    let build_start = Instant::now();
    let cedar_requests = decisions
        .iter()
        .take(peer_n)
        .map(|d| Cedar::decision_request(&almaty, d))
        .collect::<Result<Vec<_>, _>>()?;
    let cedar_build = build_start.elapsed().as_nanos() as f64 / peer_n as f64;
    let build_start = Instant::now();
    let rego_inputs = decisions
        .iter()
        .take(peer_n)
        .map(|d| Rego::decision_input(&almaty, d))
        .collect::<Result<Vec<_>, _>>()?;
    let rego_build = build_start.elapsed().as_nanos() as f64 / peer_n as f64;
    let record_words = words(&records);
    let mut valid_out = vec![0u8; records.len()];
    native.valid_batch(&record_words, &mut valid_out);
    for i in 0..CHECK_SAMPLE {
        let expected = interp.valid(&decisions[i]).valid;
        ensure(interp.is_valid(&decisions[i]) == expected, || {
            format!("W2 interpreter's unexplained answer, decision {i}")
        })?;
        ensure((valid_out[i] != 0) == expected, || format!("W2 JIT decision {i}"))?;
        ensure(hand.valid(&records[i]) == expected, || {
            format!("W2 hand-written decision {i}")
        })?;
        ensure(cedar.allows(&cedar_requests[i]) == expected, || {
            format!("W2 Cedar decision {i}")
        })?;
        ensure(rego.eval(&rego_inputs[i], "data.charter.valid")? == expected, || {
            format!("W2 Rego decision {i}")
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
        w2.insert(
            "cedar",
            per_item(peer_n, |i| {
                black_box(cedar.allows(black_box(&cedar_requests[i])));
            }),
        );
        w2.insert("cedar_input_construction", cedar_build);
        let mut rego_failed = None;
        w2.insert(
            "regorus",
            per_item(peer_n, |i| {
                if let Err(e) = rego.eval(black_box(&rego_inputs[i]), "data.charter.valid") {
                    rego_failed = Some(e);
                }
            }),
        );
        if let Some(e) = rego_failed {
            return Err(e);
        }
        w2.insert("regorus_input_construction", rego_build);
        results.insert("W2", w2);
    }
    let _ = &mut cedar;

    // ---------------------------------------------------------------- W3
    let pairs = w3_pairs(&almaty, sizes.fast, &mut rng);
    let peer_n = sizes.peers.max(CHECK_SAMPLE).min(pairs.len());
    let cedar_requests = pairs
        .iter()
        .take(peer_n)
        .map(|p| Cedar::attend_request(&almaty, p))
        .collect::<Result<Vec<_>, _>>()?;
    let rego_inputs = pairs
        .iter()
        .take(peer_n)
        .map(|p| Rego::attend_input(&almaty, p))
        .collect::<Result<Vec<_>, _>>()?;
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
        ensure(cedar.allows(&cedar_requests[i]) == expected, || {
            format!("W3 Cedar pair {i}")
        })?;
        ensure(
            rego.eval(&rego_inputs[i], "data.charter.may_attend")? == expected,
            || format!("W3 Rego pair {i}"),
        )?;
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
        w3.insert(
            "cedar",
            per_item(peer_n, |i| {
                black_box(cedar.allows(black_box(&cedar_requests[i])));
            }),
        );
        let mut rego_failed = None;
        w3.insert(
            "regorus",
            per_item(peer_n, |i| {
                if let Err(e) = rego.eval(black_box(&rego_inputs[i]), "data.charter.may_attend") {
                    rego_failed = Some(e);
                }
            }),
        );
        if let Some(e) = rego_failed {
            return Err(e);
        }
        results.insert("W3", w3);
    }

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
            let compiled = charter_cli::load(policy_dir()).map_err(|e| e.to_string())?;
            jit_times.push(start.elapsed());
            black_box(compiled.is_native());
            let start = Instant::now();
            let sources = charter_cli::files::policy_sources(&policy_dir()).map_err(|e| e.to_string())?;
            let checked = charter_compiler::check(&sources);
            let tables = checked.bundles.first().map(charter_runtime::Tables::build);
            ir_times.push(start.elapsed());
            // The native half alone: checked IR and tables to native code.
            if let (Some(bundle), Some(tables)) = (checked.bundles.first(), &tables) {
                let start = Instant::now();
                let jit = charter_compiler::codegen::Jit::compile(bundle, tables);
                compile_times.push(start.elapsed());
                black_box(jit.is_ok());
            }
            black_box((checked.bundles.len(), tables));
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
    Ok(results)
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
        date: charter_runtime::date::parse("2016-09-19").unwrap_or_default(),
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
            let expected = interp.valid(&decision).valid;
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
