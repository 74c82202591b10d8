//! `cargo +nightly fuzz run fmt`: see fuzz/README.md.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| charter_fuzz::fmt(data));
