//! Generic code that hands out a record's memory as bytes refuses a type with padding at
//! compile time.
use memview::Record;

#[derive(Clone, Copy, Record)]
#[repr(C)]
struct Padded {
    a: u8,
    b: u32,
}

fn export<T: Record>(items: &[T]) -> usize {
    memview::record::require_no_padding::<T>();
    items.len() * std::mem::size_of::<T>()
}

fn main() {
    export(&[Padded { a: 1, b: 2 }]);
}
