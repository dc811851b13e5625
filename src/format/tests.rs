//! Unit tests of the format engine.

use super::*;

fn size(text: &str) -> usize {
    Format::parse(text)
        .unwrap_or_else(|e| panic!("{text:?}: {e}"))
        .itemsize()
}

fn np_size(text: &str) -> usize {
    Format::parse_with(text, Dialect::NumPy)
        .unwrap_or_else(|e| panic!("{text:?}: {e}"))
        .itemsize()
}

#[test]
fn smoke() {
    assert_eq!(size("qc0q"), 16);
    assert_eq!(size("ib"), 5);
    assert_eq!(size("T{ib}"), 8);
    assert_eq!(size("T{i=b}"), 5);
    assert_eq!(size("T{<b}i"), 5);
    assert_eq!(np_size("ib"), 8);
    assert_eq!(np_size("ix"), 8);
    assert_eq!(np_size("i7x"), 12);
    assert_eq!(np_size("@ib=b"), 6);
    assert_eq!(size("=l"), 4);
    assert_eq!(size("l"), 8);
}
