//! The CI smoke run of the fuzz targets (fuzz/README.md): every input of
//! `fuzz/corpus/<target>/` and `fuzz/regressions/<target>/` through the
//! target's body, on stable, as libFuzzer runs it on nightly. A
//! regression is an input a fuzzer once found failing; it stays here so
//! the failure cannot come back.

use std::path::{Path, PathBuf};

fn inputs(dir: &Path) -> Vec<PathBuf> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.is_file())
                .collect()
        })
        .unwrap_or_default();
    paths.sort();
    paths
}

fn replay(target: &str) {
    let body = charter_fuzz::target(target).unwrap_or_else(|| panic!("no target {target}"));
    let fuzz = charter_tests::repo_dir().join("fuzz");
    let corpus = inputs(&fuzz.join("corpus").join(target));
    assert!(!corpus.is_empty(), "fuzz/corpus/{target} has no seeds");
    let regressions = inputs(&fuzz.join("regressions").join(target));
    for path in corpus.iter().chain(&regressions) {
        let data = std::fs::read(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
        let outcome = std::panic::catch_unwind(|| body(&data));
        assert!(outcome.is_ok(), "{target} fails on {}", path.display());
    }
}

macro_rules! targets {
    ($($name:ident),*) => {
        $(#[test] fn $name() { replay(stringify!($name)); })*

        /// Every target has a test above.
        #[test]
        fn every_target_is_replayed() {
            let named: Vec<&str> = vec![$(stringify!($name)),*];
            let targets: Vec<&str> = charter_fuzz::TARGETS.iter().map(|(n, _)| *n).collect();
            assert_eq!(named, targets);
        }
    };
}

targets!(parser, checker, query, facts, fmt, diff, lsp_framing, native);

/// The deep differential run (fuzz/README.md, "Deep differential run") in
/// small: a few thousand questions of a fixed seed, native code against
/// the interpreter, no divergence.
#[test]
fn differential_smoke() {
    let config = charter_fuzz::differential::Config {
        queries: 3_000,
        seed: 29,
        per_policy: 500,
        ..Default::default()
    };
    let mut divergences = Vec::new();
    let summary = charter_fuzz::differential::run(&config, |event| match event {
        charter_fuzz::differential::Event::Divergence { divergence, .. } => divergences.push(divergence.to_string()),
        charter_fuzz::differential::Event::Broken { why, .. } => divergences.push(why.to_string()),
        charter_fuzz::differential::Event::Policy { .. } => {}
    });
    assert_eq!(summary.queries, 3_000);
    assert!(
        summary.rules > 0 && summary.builtins > 0 && summary.texts > 0,
        "{summary:?}"
    );
    assert!(divergences.is_empty(), "{}", divergences.join("\n\n"));
}
