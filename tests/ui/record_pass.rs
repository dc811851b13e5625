//! What `#[derive(Record)]` accepts, in a crate that forbids unsafe code.
#![forbid(unsafe_code)]

use memview::Record;

#[derive(Clone, Copy, Record)]
#[repr(C)]
struct Inner {
    x: f32,
    flags: [[bool; 2]; 2],
}

#[derive(Clone, Copy, Record)]
#[repr(C, packed(2))]
struct Outer {
    tag: u8,
    inner: Inner,
    r#type: u64,
    z: num_complex::Complex<f64>,
    h: half::f16,
    cells: [Inner; 2],
}

#[derive(Clone, Copy, Record)]
#[repr(C, align(16))]
struct Tuple(i8, usize, isize);

fn main() {
    assert_eq!(Outer::format().as_str(), "T{=B:tag:xT{f:x:(2,2)?:flags:}:inner:Q:type:Zd:z:e:h:(2)T{f:x:(2,2)?:flags:}:cells:}");
    assert_eq!(Tuple::format().itemsize(), 32);
    assert!(memview::record::has_padding::<Tuple>());
    memview::record::require_no_padding::<Inner>();
}
