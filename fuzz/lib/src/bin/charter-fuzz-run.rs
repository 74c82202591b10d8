//! Runs a fuzz target's body on files, on stable, to reproduce a finding
//! or replay a corpus: `cargo run -p charter-fuzz --bin charter-fuzz-run
//! -- TARGET FILE_OR_DIR...`. Prints each input that fails; exits 1 if
//! any does.

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some((target, paths)) = args.split_first() else {
        eprintln!("usage: charter-fuzz-run TARGET FILE_OR_DIR...");
        std::process::exit(2);
    };
    let Some(body) = charter_fuzz::target(target) else {
        eprintln!("no target {target}");
        std::process::exit(2);
    };
    let mut files = Vec::new();
    for path in paths.iter().map(std::path::PathBuf::from) {
        match std::fs::read_dir(&path) {
            Ok(entries) => files.extend(entries.filter_map(|e| e.ok().map(|e| e.path()))),
            Err(_) => files.push(path),
        }
    }
    files.sort();
    let mut failed = 0;
    let start = std::time::Instant::now();
    for file in &files {
        let Ok(data) = std::fs::read(file) else {
            continue;
        };
        let one = std::time::Instant::now();
        if std::panic::catch_unwind(|| body(&data)).is_err() {
            failed += 1;
            eprintln!("FAILED: {}", file.display());
        }
        let took = one.elapsed();
        if took.as_millis() > 1000 {
            eprintln!("slow ({} ms): {}", took.as_millis(), file.display());
        }
    }
    eprintln!(
        "{} inputs, {failed} failed, {:.1} s",
        files.len(),
        start.elapsed().as_secs_f64()
    );
    std::process::exit(i32::from(failed > 0));
}
