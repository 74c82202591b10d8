//! Criterion benches of the same workloads (`cargo bench -p charter-bench`),
//! on fewer inputs; `charter-bench --json` gives the one-run table.

use std::hint::black_box;

use charter_bench::*;
use criterion::{criterion_group, criterion_main, Criterion};

fn workloads(c: &mut Criterion) {
    let Ok(almaty) = Almaty::load() else { return };
    let Some(native) = almaty.native() else { return };
    let interp = almaty.interpreter();
    let hand = Handwritten::new(&almaty);
    let mut rng = Rng::new(7);
    let days = w1_days(10_000, &mut rng);
    let decisions = w2_decisions(&almaty, 10_000, &mut rng);
    let records = records(&almaty, &decisions);
    let record_words = words(&records);
    let pairs = w3_pairs(&almaty, 10_000, &mut rng);

    let mut w1 = c.benchmark_group("W1 chair");
    let mut out = vec![0i32; days.len()];
    w1.bench_function("charter_jit (10k batch)", |b| {
        b.iter(|| native.chair_batch(black_box(&days), &mut out))
    });
    w1.bench_function("handwritten (10k)", |b| {
        b.iter(|| days.iter().map(|d| hand.chair(black_box(*d))).sum::<i32>())
    });
    w1.bench_function("charter_interp (1)", |b| {
        b.iter(|| interp_chair(&interp, black_box(days[0])))
    });
    w1.finish();

    let mut w2 = c.benchmark_group("W2 valid");
    let mut vout = vec![0u8; records.len()];
    w2.bench_function("charter_jit (10k batch)", |b| {
        b.iter(|| native.valid_batch(black_box(&record_words), &mut vout))
    });
    w2.bench_function("handwritten (10k)", |b| {
        b.iter(|| records.iter().filter(|r| hand.valid(black_box(r))).count())
    });
    w2.bench_function("charter_interp (1)", |b| {
        b.iter(|| interp.valid(black_box(&decisions[0])).valid)
    });
    #[cfg(feature = "peers")]
    if let (Ok(cedar), Ok(request)) = (Cedar::new(), Cedar::decision_request(&almaty, &decisions[0])) {
        w2.bench_function("cedar (1)", |b| b.iter(|| cedar.allows(black_box(&request))));
    }
    #[cfg(feature = "peers")]
    if let (Ok(mut rego), Ok(input)) = (Rego::new(), Rego::decision_input(&almaty, &decisions[0])) {
        w2.bench_function("regorus (1)", |b| {
            b.iter(|| rego.eval(black_box(&input), "data.charter.valid"))
        });
    }
    w2.finish();

    let mut w3 = c.benchmark_group("W3 may_attend");
    let mut aout = vec![0u8; pairs.len()];
    w3.bench_function("charter_jit (10k batch)", |b| {
        b.iter(|| native.may_attend_batch(black_box(&pairs), &mut aout))
    });
    w3.bench_function("handwritten (10k)", |b| {
        b.iter(|| pairs.iter().filter(|p| hand.may_attend(black_box(p))).count())
    });
    w3.finish();
}

criterion_group!(benches, workloads);
criterion_main!(benches);
