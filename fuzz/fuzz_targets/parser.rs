//! `cargo +nightly fuzz run parser`: see fuzz/README.md.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| charter_fuzz::parser(data));
