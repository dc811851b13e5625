//! Fuzz target `npy_header`: see `memview_fuzz::npy_header` (fuzz/src/lib.rs) for what it checks.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| memview_fuzz::npy_header(data));
