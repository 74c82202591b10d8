//! Command lines -> exit statuses and output: the `charter` program run as a
//! process on the cases under `tests/cmd/` (each `$` line a command, its
//! output below it, `? N` its exit status; see trycmd's docs). Paths in the
//! cases are relative to this crate's directory.

#[test]
fn cli() {
    trycmd::TestCases::new()
        .register_bin("charter", trycmd::cargo::cargo_bin!("charter"))
        .case("tests/cmd/*.trycmd");
}
