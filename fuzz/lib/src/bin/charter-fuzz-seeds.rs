//! Writes the seed corpora under `fuzz/corpus/<target>/` from the
//! repository's policies and test cases (`cargo run -p charter-fuzz --bin
//! charter-fuzz-seeds`); files already there (seeds, and what libFuzzer
//! added) are kept.

fn main() {
    let root = charter_fuzz::repo_dir();
    let mut written = 0;
    for (target, seeds) in charter_fuzz::seeds::all() {
        let dir = root.join("fuzz/corpus").join(target);
        if let Err(e) = std::fs::create_dir_all(&dir) {
            eprintln!("cannot make {}: {e}", dir.display());
            std::process::exit(1);
        }
        for (name, bytes) in seeds {
            if let Err(e) = std::fs::write(dir.join(&name), bytes) {
                eprintln!("cannot write {name}: {e}");
                std::process::exit(1);
            }
            written += 1;
        }
    }
    println!("{written} seeds written under fuzz/corpus");
}
