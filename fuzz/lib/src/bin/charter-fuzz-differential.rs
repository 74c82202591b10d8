//! The deep differential run (issue 29, item 7; fuzz/README.md): native
//! code against the interpreter on generated policies, user rules, groups
//! and majorities, many questions per compiled policy, from a seed.
//!
//! ```sh
//! cargo run --release -p charter-fuzz --bin charter-fuzz-differential -- --queries 10000000 --seed 29
//! ```
//!
//! Prints a progress line a minute, each divergence with its reproducer
//! (the policy's text, its history and the question), and a summary;
//! exits 1 on any divergence or generated policy that does not check.

use std::time::{Duration, Instant};

use charter_fuzz::differential::{self, Config, Event};

const USAGE: &str = "usage: charter-fuzz-differential [--queries N] [--seed S] [--per-policy N] [--rules N] [--texts N] [--first-policy K] [--print N]";

fn parse(args: &[String]) -> Result<Config, String> {
    let mut config = Config::default();
    let mut args = args.iter();
    while let Some(flag) = args.next() {
        let value = args.next().ok_or_else(|| format!("{flag} wants a value"))?;
        let number = || {
            value
                .replace('_', "")
                .parse::<u64>()
                .map_err(|e| format!("{flag} {value}: {e}"))
        };
        match flag.as_str() {
            "--queries" => config.queries = number()?,
            "--seed" => config.seed = number()?,
            "--per-policy" => config.per_policy = number()?.max(1),
            "--rules" => config.rules = number()? as usize,
            "--texts" => config.texts = number()? as usize,
            "--first-policy" => config.first_policy = number()?,
            "--print" => config.print = number()? as usize,
            _ => return Err(format!("unknown option {flag}")),
        }
    }
    Ok(config)
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let config = match parse(&args) {
        Ok(config) => config,
        Err(why) => {
            eprintln!("{why}\n{USAGE}");
            std::process::exit(2);
        }
    };
    let start = Instant::now();
    let mut last = Instant::now();
    let seed = config.seed;
    let summary = differential::run(&config, |event| match event {
        Event::Policy { policy, summary } => {
            if last.elapsed() >= Duration::from_secs(60) {
                last = Instant::now();
                eprintln!(
                    "{:>6.0} s  policy {policy}  {} queries  {} divergences",
                    start.elapsed().as_secs_f64(),
                    summary.queries,
                    summary.divergences
                );
            }
        }
        Event::Divergence { policy, divergence } => {
            println!("DIVERGENCE (seed {seed}, policy {policy}: --seed {seed} --first-policy {policy})\n{divergence}");
        }
        Event::Broken { policy, why } => {
            println!("GENERATED POLICY REFUSED (seed {seed}, policy {policy})\n{why}");
        }
    });
    let elapsed = start.elapsed().as_secs_f64();
    println!(
        "seed {seed}: {} queries compared ({} built-in, {} rule, {} query-text; {} of them the same error; {} not native, not counted) \
         on {} policies ({} rules, {} query texts, {} questions each), {} divergences, {} refused policies, {elapsed:.1} s",
        summary.queries,
        summary.builtins,
        summary.rules,
        summary.texts,
        summary.errors,
        summary.not_native,
        summary.policies,
        config.rules,
        config.texts,
        config.per_policy,
        summary.divergences,
        summary.broken,
    );
    std::process::exit(i32::from(summary.divergences > 0 || summary.broken > 0));
}
