//! `cargo +nightly fuzz run diff`: see fuzz/README.md.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| charter_fuzz::diff(data));
