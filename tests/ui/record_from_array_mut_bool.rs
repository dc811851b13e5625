//! A writable byte view of an array of a record with a `bool` field is a compile error: a
//! byte other than 0 or 1 written through it would be an invalid `bool`.
use memview::{MemoryViewMut, Record};

#[derive(Clone, Copy, Record)]
#[repr(C, packed)]
struct Flagged {
    id: u32,
    flag: bool,
}

fn main() {
    let mut a = ndarray::Array1::from(vec![Flagged { id: 1, flag: true }]);
    let _ = MemoryViewMut::from_array_mut(&mut a);
}
