//! The `diff` workload: `charter diff` of the Almaty policy with an
//! amendment (three-year terms), end to end from sources held in memory
//! (both checks and the comparison); the same on generated policies of 15,
//! 64 and 1,000 parties (a quorum added); and the exhaustive comparison of
//! valid decisions alone over 15, 64 and 1,000 parties (a quorum added over
//! one class of members; a member admitted, two classes). Times are
//! medians in milliseconds. Answers are checked before timing.

use std::collections::BTreeMap;
use std::hint::black_box;
use std::time::Instant;

use charter::diff::decisions::{compare, Class, Problem, Role, RuleKey};
use charter::diff::{diff, Diff, Input};
use charter::SourceFile;
use charter::{date, ir};

use crate::ensure;

fn median_ms(runs: usize, mut f: impl FnMut()) -> f64 {
    let mut times: Vec<f64> = (0..runs.max(1))
        .map(|_| {
            let start = Instant::now();
            f();
            start.elapsed().as_secs_f64() * 1e3
        })
        .collect();
    times.sort_by(f64::total_cmp);
    times.get(times.len() / 2).copied().unwrap_or_default()
}

fn diff_sources(old: &[SourceFile], new: &[SourceFile]) -> Diff {
    let (old, new) = (
        charter::Analysis::new(old.to_vec()),
        charter::Analysis::new(new.to_vec()),
    );
    let until = date::parse("2026-01-01").unwrap_or_default();
    diff(
        &Input {
            label: "old".to_string(),
            analysis: &old,
        },
        &Input {
            label: "new".to_string(),
            analysis: &new,
        },
        until,
    )
}

/// `sources` with the first `from` in any file replaced by `to`.
fn edited(sources: &[SourceFile], from: &str, to: &str) -> Result<Vec<SourceFile>, String> {
    let mut out = sources.to_vec();
    let file = out
        .iter_mut()
        .find(|f| f.text.contains(from))
        .ok_or_else(|| format!("diff workload: `{from}` is in no file"))?;
    file.text = file.text.replacen(from, to, 1);
    Ok(out)
}

fn problem(members: usize, admitted: usize, quorum: bool) -> Problem {
    let consensus = RuleKey::new(true, ir::DecisionRule::Consensus, None, false);
    let with_quorum = RuleKey::new(
        true,
        ir::DecisionRule::Consensus,
        quorum.then_some(ir::Quorum::Ratio(2, 3)),
        false,
    );
    let mut classes = vec![Class {
        before: Role::Member,
        after: Role::Member,
        size: members,
    }];
    if admitted > 0 {
        classes.push(Class {
            before: Role::Other,
            after: Role::Member,
            size: admitted,
        });
    }
    Problem {
        before: consensus,
        after: with_quorum,
        classes,
        others: 0,
    }
}

pub fn run(verify: bool) -> Result<BTreeMap<String, BTreeMap<&'static str, f64>>, String> {
    let runs = if verify { 1 } else { 5 };
    let mut out = BTreeMap::new();
    let almaty = charter::files::policy_sources(&crate::policy_dir()).map_err(|e| e.to_string())?;
    let amended = edited(&almaty, "    term 2 years\n", "    term 3 years\n")?;
    let found = diff_sources(&almaty, &amended);
    ensure(found.summary.errors == 0 && !found.chair.is_empty(), || {
        "diff: three-year terms change no chair".to_string()
    })?;
    if !verify {
        let took = median_ms(runs, || {
            black_box(diff_sources(&almaty, &amended));
        });
        out.insert("diff_almaty".to_string(), BTreeMap::from([("end_to_end_ms", took)]));
    }
    for parties in [15usize, 64, 1_000] {
        // The comparison alone: 4^n assignments per meeting and decision kind.
        let quorum = problem(parties, 0, true);
        let admit = problem(parties - 1, 1, false);
        let outcome = compare(&quorum).ok_or("diff: the comparison was refused")?;
        ensure(outcome.now_invalid.is_some(), || {
            format!("diff: a quorum over {parties} parties changes nothing")
        })?;
        let outcome = compare(&admit).ok_or("diff: the comparison was refused")?;
        ensure(outcome.now_invalid.is_some(), || {
            format!("diff: an admission of one of {parties} changes nothing")
        })?;
        if parties == 15 {
            ensure(outcome.domain.exact == Some(1u128 << 30), || {
                "diff: 4^15 assignments".to_string()
            })?;
        }
        // A generated policy of that size, end to end.
        let sources = crate::scale::sources(parties, 10);
        let changed = edited(&sources, "quorum 2\n", "quorum 2/3\n")?;
        let found = diff_sources(&sources, &changed);
        ensure(found.summary.errors == 0 && !found.decisions.is_empty(), || {
            format!("diff: a quorum of 2/3 over {parties} parties changes no decision")
        })?;
        if !verify {
            let mut row = BTreeMap::new();
            row.insert(
                "decisions_quorum_ms",
                median_ms(runs, || {
                    black_box(compare(&quorum));
                }),
            );
            row.insert(
                "decisions_admission_ms",
                median_ms(runs, || {
                    black_box(compare(&admit));
                }),
            );
            row.insert(
                "policy_end_to_end_ms",
                median_ms(runs.min(3), || {
                    black_box(diff_sources(&sources, &changed));
                }),
            );
            out.insert(format!("diff_{parties}_parties"), row);
        }
    }
    Ok(out)
}
