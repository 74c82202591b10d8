//! The peers (Cedar and regorus) on W2 and W3, built only with the
//! `peers` feature (`cargo run --release -p charter-bench --features
//! peers`): compiling them takes longer than everything else the tests
//! build, so the tests and CI's `--verify` run without them. Before
//! anything is timed, each peer's answers are checked against the
//! interpreter's on the first inputs.

use std::collections::BTreeMap;
use std::hint::black_box;
use std::time::Instant;

use charter::native::Attendance;
use charter::{ir, Interpreter};
use charter_bench::{meeting, Almaty, Cedar, Rego};

use crate::{ensure, per_item, Results, Sizes, CHECK_SAMPLE};

pub(crate) struct Peers {
    cedar: Cedar,
    rego: Rego,
}

impl Peers {
    pub(crate) fn new() -> Result<Peers, String> {
        Ok(Peers {
            cedar: Cedar::new()?,
            rego: Rego::new()?,
        })
    }

    /// W2 `valid(decision)`: inputs built, answers checked, then timed.
    pub(crate) fn w2(
        &mut self,
        almaty: &Almaty,
        interp: &Interpreter<'_>,
        decisions: &[ir::Decision],
        sizes: &Sizes,
        results: &mut Results,
    ) -> Result<(), String> {
        let peer_n = sizes.peers.max(CHECK_SAMPLE).min(decisions.len());
        let build_start = Instant::now();
        let cedar_requests = decisions
            .iter()
            .take(peer_n)
            .map(|d| Cedar::decision_request(almaty, d))
            .collect::<Result<Vec<_>, _>>()?;
        let cedar_build = build_start.elapsed().as_nanos() as f64 / peer_n as f64;
        let build_start = Instant::now();
        let rego_inputs = decisions
            .iter()
            .take(peer_n)
            .map(|d| Rego::decision_input(almaty, d))
            .collect::<Result<Vec<_>, _>>()?;
        let rego_build = build_start.elapsed().as_nanos() as f64 / peer_n as f64;
        let (cedar, rego) = (&self.cedar, &mut self.rego);
        for (i, d) in decisions.iter().take(CHECK_SAMPLE.min(peer_n)).enumerate() {
            let expected = interp
                .valid(d)
                .valid
                .ok_or_else(|| format!("decision {i} is not judged"))?;
            ensure(cedar.allows(&cedar_requests[i]) == expected, || {
                format!("W2 Cedar decision {i}")
            })?;
            ensure(rego.eval(&rego_inputs[i], "data.charter.valid")? == expected, || {
                format!("W2 Rego decision {i}")
            })?;
        }
        if sizes.verify {
            return Ok(());
        }
        let w2 = results.entry("W2").or_default();
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
        Ok(())
    }

    /// W3 `may_attend(p, meeting)`: inputs built, answers checked, then timed.
    pub(crate) fn w3(
        &mut self,
        almaty: &Almaty,
        interp: &Interpreter<'_>,
        pairs: &[Attendance],
        sizes: &Sizes,
        results: &mut Results,
    ) -> Result<(), String> {
        let peer_n = sizes.peers.max(CHECK_SAMPLE).min(pairs.len());
        let cedar_requests = pairs
            .iter()
            .take(peer_n)
            .map(|p| Cedar::attend_request(almaty, p))
            .collect::<Result<Vec<_>, _>>()?;
        let rego_inputs = pairs
            .iter()
            .take(peer_n)
            .map(|p| Rego::attend_input(almaty, p))
            .collect::<Result<Vec<_>, _>>()?;
        let (cedar, rego) = (&self.cedar, &mut self.rego);
        for (i, p) in pairs.iter().take(CHECK_SAMPLE.min(peer_n)).enumerate() {
            let expected = interp.may_attend(p.party, &meeting(p.day));
            ensure(cedar.allows(&cedar_requests[i]) == expected, || {
                format!("W3 Cedar pair {i}")
            })?;
            ensure(
                rego.eval(&rego_inputs[i], "data.charter.may_attend")? == expected,
                || format!("W3 Rego pair {i}"),
            )?;
        }
        if sizes.verify {
            return Ok(());
        }
        let w3 = results.entry("W3").or_default();
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
        Ok(())
    }
}
