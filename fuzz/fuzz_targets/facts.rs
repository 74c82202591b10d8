//! `cargo +nightly fuzz run facts`: see fuzz/README.md.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| charter_fuzz::facts(data));
