//! Fuzz target `literal`: see `memview_fuzz::literal` (fuzz/src/lib.rs) for what it checks.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| memview_fuzz::literal(data));
