//! `cargo +nightly fuzz run checker`: see fuzz/README.md.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| charter_fuzz::checker(data));
