//! `cargo +nightly fuzz run query`: see fuzz/README.md.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| charter_fuzz::query(data));
