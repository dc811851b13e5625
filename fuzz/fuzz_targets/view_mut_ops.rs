//! Fuzz target `view_mut_ops`: see `memview_fuzz::view_mut_ops` (fuzz/src/lib.rs) for what it checks.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| memview_fuzz::view_mut_ops(data));
