//! Fuzz target `format_parse`: see `memview_fuzz::format_parse` (fuzz/src/lib.rs) for what it checks.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| memview_fuzz::format_parse(data));
