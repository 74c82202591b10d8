//! `cargo +nightly fuzz run lsp_framing`: see fuzz/README.md.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| charter_fuzz::lsp_framing(data));
