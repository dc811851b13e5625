//! Compile-time behaviour of `#[derive(Record)]` and the padding guard, pinned with trybuild
//! (`tests/ui/record_*.rs`; refresh the `.stderr` files with `TRYBUILD=overwrite`).

#[test]
fn derive_accepts_and_refuses() {
    let t = trybuild::TestCases::new();
    t.pass("tests/ui/record_pass.rs");
    t.compile_fail("tests/ui/record_refused.rs");
    t.compile_fail("tests/ui/record_bad_field.rs");
    t.compile_fail("tests/ui/record_padding.rs");
    t.compile_fail("tests/ui/record_from_array_padding.rs");
    t.compile_fail("tests/ui/record_from_array_mut_bool.rs");
}
