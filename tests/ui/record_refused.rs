//! What `#[derive(Record)]` refuses before type checking, with the reason.
use memview::Record;

#[derive(Clone, Copy, Record)]
struct NoRepr {
    a: u32,
}

#[derive(Clone, Copy, Record)]
#[repr(transparent)]
struct Transparent {
    a: u32,
}

#[derive(Clone, Copy, Record)]
#[repr(Rust)]
struct RustRepr {
    a: u32,
}

#[derive(Clone, Copy, Record)]
#[repr(packed)]
struct PackedWithoutC {
    a: u32,
}

#[derive(Clone, Copy, Record)]
#[repr(u8)]
enum Enum {
    A,
}

#[derive(Clone, Copy, Record)]
#[repr(C)]
union Union {
    a: u32,
    b: f32,
}

#[derive(Clone, Copy, Record)]
#[repr(C)]
struct Generic<T> {
    a: T,
}

#[derive(Clone, Copy, Record)]
#[repr(C)]
struct Reference {
    a: &'static u32,
}

#[derive(Clone, Copy, Record)]
#[repr(C)]
struct Pointer {
    a: [*const u8; 2],
}

#[derive(Clone, Copy, Record)]
#[repr(C)]
struct Tuple {
    a: (u8, u16),
}

#[derive(Clone, Copy, Record)]
#[repr(C)]
struct Unit;

fn main() {}
