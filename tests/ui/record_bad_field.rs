//! A field type that is not an element, an array of them, or a record.
use memview::Record;

#[derive(Clone, Copy)]
#[repr(C)]
struct NotARecord {
    a: u32,
}

#[derive(Clone, Copy, Record)]
#[repr(C)]
struct Holder {
    ok: u32,
    c: char,
    inner: [NotARecord; 2],
}

fn main() {}
