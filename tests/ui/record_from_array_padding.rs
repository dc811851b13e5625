//! Viewing an array of a record with padding as bytes (`from_array`) is a compile error that
//! says why and what to do: the padding bytes are uninitialised.
use memview::{MemoryView, Record};

#[derive(Clone, Copy, Record)]
#[repr(C)]
struct Particle {
    id: u32,
    pos: [f64; 3],
    flag: bool,
}

fn main() {
    let a = ndarray::Array1::from(vec![Particle { id: 1, pos: [0.0; 3], flag: true }]);
    let _ = MemoryView::from_array(&a);
}
