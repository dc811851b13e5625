//! Formats with huge counts or dimensions (`9223372036854775807x`, `(99999999999,9)i`):
//! sizes near `isize::MAX` must be computed (or refused as overflow) without materialising
//! anything per repeat. Kept in its own test binary because a failure here is typically an
//! out-of-memory abort, which would hide the results of `conformance_format.rs`.
//!
//! Fixture: `tests/fixtures/formats.tsv` (see `conformance_format.rs`).

#[path = "fixtures/reader.rs"]
mod reader;

use memview::format::{Dialect, Format};
use reader::Failures;

fn huge(fmt: &str) -> bool {
    fmt.split(|c: char| !c.is_ascii_digit())
        .any(|run| run.len() > 6)
}

fn check(fmt: &str, r: &reader::Record, fails: &mut Failures) {
    for d in [Dialect::Struct, Dialect::NumPy] {
        let got = Format::parse_with(fmt, d).map(|f| f.itemsize());
        match r.req("expect") {
            "accept" => fails.expect(got.is_ok(), || {
                format!("{} {fmt:?} ({d:?}): must be accepted, got {got:?}", r.loc)
            }),
            "reject" => fails.expect(got.is_err(), || {
                format!("{} {fmt:?} ({d:?}): must be rejected, got {got:?}", r.loc)
            }),
            _ => {}
        }
        if let (Some(size), Dialect::Struct) = (r.num::<usize>("struct_size"), d) {
            fails.expect(got.as_ref().ok() == Some(&size), || {
                format!("{} {fmt:?}: {got:?}, struct.calcsize says {size}", r.loc)
            });
        }
    }
}

#[test]
fn huge_counts_are_sized_not_materialised() {
    let mut fails = Failures::default();
    for r in reader::read("formats.tsv") {
        let fmt = r.req("fmt");
        if huge(fmt) {
            check(fmt, &r, &mut fails);
        }
    }
    fails.finish("huge formats");
}
