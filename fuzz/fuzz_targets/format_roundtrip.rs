//! Fuzz target `format_roundtrip`: see `memview_fuzz::format_roundtrip` (fuzz/src/lib.rs) for what it checks.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| memview_fuzz::format_roundtrip(data));
