//! Records (`#[derive(Record)]`): every fixture type's format against the compiler's layout
//! and NumPy's, every NumPy-made fixture (`tests/fixtures/records/`, written by
//! `scripts/gen_record_fixtures.py`) read value by value through `unpack_as`/`iter_unpack_as`,
//! the converting read plan and, where the layout is the file's, the zero-copy match; and a
//! property test: random values through `T`, through `Value`s, agree.

#[path = "fixtures/reader.rs"]
mod reader;

use std::mem::{offset_of, size_of};

use half::f16;
use num_complex::Complex;
use proptest::prelude::*;

use memview::format::{FieldType, Format, StructLayout};
use memview::record::{self, FieldShape, Problem, RecordError, RecordLayout};
use memview::{npy, FromRecord, Record, Struct, Value};

// ----------------------------------------------------------------------------------------
// The record types, one per NumPy dtype of the fixtures.
// ----------------------------------------------------------------------------------------

#[derive(Clone, Copy, Debug, PartialEq, Record)]
#[repr(C)]
struct Particle {
    id: u32,
    pos: [f64; 3],
    flag: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Record)]
#[repr(C, packed)]
struct ParticlePacked {
    id: u32,
    pos: [f64; 3],
    flag: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Record)]
#[repr(C)]
struct Inner {
    x: f32,
    y: f32,
}

#[derive(Clone, Copy, Debug, PartialEq, Record)]
#[repr(C, packed)]
struct InnerPacked {
    x: f32,
    y: f32,
}

#[derive(Clone, Copy, Debug, PartialEq, Record)]
#[repr(C)]
struct Outer {
    tag: u8,
    inner: Inner,
    n: i64,
}

#[derive(Clone, Copy, Debug, PartialEq, Record)]
#[repr(C, packed)]
struct OuterPacked {
    tag: u8,
    inner: Inner,
    n: i64,
}

#[derive(Clone, Copy, Debug, PartialEq, Record)]
#[repr(C)]
struct OuterInnerPacked {
    tag: u8,
    inner: InnerPacked,
    n: i64,
}

#[derive(Clone, Copy, Debug, PartialEq, Record)]
#[repr(C)]
struct Grid {
    m: [[f32; 3]; 2],
    k: u16,
}

#[derive(Clone, Copy, Debug, PartialEq, Record)]
#[repr(C)]
struct Cloud {
    n: u32,
    pts: [Inner; 3],
}

#[derive(Clone, Copy, Debug, PartialEq, Record)]
#[repr(C)]
struct Flags {
    a: bool,
    b: [bool; 3],
    c: u8,
}

#[derive(Clone, Copy, Debug, PartialEq, Record)]
#[repr(C)]
struct Half {
    h: f16,
    v: [f16; 2],
    i: i8,
}

#[derive(Clone, Copy, Debug, PartialEq, Record)]
#[repr(C)]
struct Cplx {
    z: Complex<f64>,
    w: Complex<f32>,
    k: i32,
}

#[derive(Clone, Copy, Debug, PartialEq, Record)]
#[repr(C, packed)]
struct CplxPacked {
    z: Complex<f64>,
    w: Complex<f32>,
    k: i32,
}

#[derive(Clone, Copy, Debug, PartialEq, Record)]
#[repr(C)]
struct Ints {
    g: i64,
    h: u64,
    e: i32,
    f: u32,
    c: i16,
    d: u16,
    a: i8,
    b: u8,
    z: [u8; 2],
}

#[derive(Clone, Copy, Debug, PartialEq, Record)]
#[repr(C)]
struct Padded {
    a: u8,
    b: f64,
    c: u8,
}

#[derive(Clone, Copy, Debug, PartialEq, Record)]
#[repr(C)]
struct Pair(u16, f32);

#[derive(Clone, Copy, Debug, PartialEq, Record)]
#[repr(C)]
struct Sizes {
    u: usize,
    i: isize,
}

#[derive(Clone, Copy, Debug, PartialEq, Record)]
#[repr(C)]
struct L1 {
    c: i16,
    d: u8,
}

#[derive(Clone, Copy, Debug, PartialEq, Record)]
#[repr(C)]
struct L2 {
    b: L1,
    e: f32,
}

#[derive(Clone, Copy, Debug, PartialEq, Record)]
#[repr(C)]
struct Deep {
    a: L2,
    f: u8,
}

#[derive(Clone, Copy, Debug, PartialEq, Record)]
#[repr(C, align(16))]
struct Vec3A {
    x: f32,
    y: f32,
    z: f32,
}

#[derive(Clone, Copy, Debug, PartialEq, Record)]
#[repr(C, packed(2))]
struct Packed2 {
    a: u8,
    b: u32,
    c: u16,
}

#[derive(Clone, Copy, Debug, PartialEq, Record)]
#[repr(C, packed)]
struct Mixed {
    a: i32,
    b: f64,
}

#[derive(Clone, Copy, Debug, PartialEq, Record)]
#[repr(C)]
struct One {
    v: f64,
}

#[derive(Clone, Copy, Debug, PartialEq, Record)]
#[repr(C)]
struct Tagged {
    name: [u8; 16],
    val: f32,
}

#[derive(Clone, Copy, Debug, PartialEq, Record)]
#[repr(C)]
struct Cube {
    c: [[[i8; 2]; 2]; 2],
    s: i16,
}

/// Calls `$f::<T>($args)` for the type named `$name` (the fixtures' `rust=` key), and for
/// `$name = "*"` once per type.
macro_rules! each_type {
    ($name:expr, $f:ident $args:tt) => {
        each_type!(@ $name, $f $args, Particle ParticlePacked Inner InnerPacked Outer
            OuterPacked OuterInnerPacked Grid Cloud Flags Half Cplx CplxPacked Ints Padded Pair
            Sizes L1 L2 Deep Vec3A Packed2 Mixed One Tagged Cube)
    };
    (@ $name:expr, $f:ident $args:tt, $($t:ident)*) => {{
        let name: &str = $name;
        let mut found = false;
        $(
            if name == "*" || name == stringify!($t) {
                found = true;
                $f::<$t> $args;
            }
        )*
        assert!(found, "no record type {name}");
    }};
}

// ----------------------------------------------------------------------------------------
// Formats against the compiler's layout.
// ----------------------------------------------------------------------------------------

/// The derive's `LAYOUT` is the compiler's: checked field by field with `offset_of!`.
macro_rules! assert_offsets {
    ($t:ty: $($field:tt => $name:literal),*) => {{
        let layout = <$t as Record>::LAYOUT;
        assert_eq!(layout.size, size_of::<$t>(), "{}", stringify!($t));
        assert_eq!(layout.align, std::mem::align_of::<$t>(), "{}", stringify!($t));
        let want: Vec<(&str, usize)> = vec![$(($name, offset_of!($t, $field))),*];
        let got: Vec<(&str, usize)> = layout.fields.iter().map(|f| (f.name, f.offset)).collect();
        assert_eq!(got, want, "{}", stringify!($t));
    }};
}

#[test]
fn layouts_are_the_compilers() {
    assert_offsets!(Particle: id => "id", pos => "pos", flag => "flag");
    assert_offsets!(ParticlePacked: id => "id", pos => "pos", flag => "flag");
    assert_offsets!(Inner: x => "x", y => "y");
    assert_offsets!(InnerPacked: x => "x", y => "y");
    assert_offsets!(Outer: tag => "tag", inner => "inner", n => "n");
    assert_offsets!(OuterPacked: tag => "tag", inner => "inner", n => "n");
    assert_offsets!(OuterInnerPacked: tag => "tag", inner => "inner", n => "n");
    assert_offsets!(Grid: m => "m", k => "k");
    assert_offsets!(Cloud: n => "n", pts => "pts");
    assert_offsets!(Flags: a => "a", b => "b", c => "c");
    assert_offsets!(Half: h => "h", v => "v", i => "i");
    assert_offsets!(Cplx: z => "z", w => "w", k => "k");
    assert_offsets!(CplxPacked: z => "z", w => "w", k => "k");
    assert_offsets!(Ints: g => "g", h => "h", e => "e", f => "f", c => "c", d => "d",
        a => "a", b => "b", z => "z");
    assert_offsets!(Padded: a => "a", b => "b", c => "c");
    assert_offsets!(Pair: 0 => "f0", 1 => "f1");
    assert_offsets!(Sizes: u => "u", i => "i");
    assert_offsets!(L1: c => "c", d => "d");
    assert_offsets!(L2: b => "b", e => "e");
    assert_offsets!(Deep: a => "a", f => "f");
    assert_offsets!(Vec3A: x => "x", y => "y", z => "z");
    assert_offsets!(Packed2: a => "a", b => "b", c => "c");
    assert_offsets!(Mixed: a => "a", b => "b");
    assert_offsets!(One: v => "v");
    assert_offsets!(Tagged: name => "name", val => "val");
    assert_offsets!(Cube: c => "c", s => "s");
}

/// The format's struct (at `base` in the item) against a record layout, recursively: names,
/// offsets, sub-array shapes, scalar kinds and sizes, native order, total size.
fn assert_struct_is(st: &StructLayout, layout: &RecordLayout, what: &str) {
    assert_eq!(st.size, layout.size, "{what}: size");
    assert_eq!(st.fields.len(), layout.fields.len(), "{what}: field count");
    for (f, rf) in st.fields.iter().zip(layout.fields) {
        let what = format!("{what}.{}", rf.name);
        assert_eq!(f.name.as_deref(), Some(rf.name), "{what}: name");
        assert_eq!(f.offset, rf.offset, "{what}: offset");
        assert_eq!(f.repeat, 1, "{what}: repeat");
        let mut dims = Vec::new();
        let mut shape = rf.shape;
        while let FieldShape::Array { len, elem } = shape {
            dims.push(*len);
            shape = elem;
        }
        assert_eq!(f.shape, dims, "{what}: shape");
        match (&f.ty, shape) {
            (FieldType::Scalar(s), FieldShape::Scalar(rs)) => {
                assert_eq!((s.kind, s.size), (rs.kind, rs.size), "{what}: scalar");
                assert!(s.size == 1 || s.endian.is_native(), "{what}: byte order");
            }
            (FieldType::Struct(inner), FieldShape::Record(rl)) => {
                assert_struct_is(inner, rl, &what)
            }
            (ty, shape) => panic!("{what}: {ty:?} vs {shape:?}"),
        }
    }
}

fn check_format<T: Record>() {
    let layout = T::LAYOUT;
    let format = T::format();
    // The text parses (in both dialects) to the compiler's layout.
    for f in [
        Format::parse(format.as_str()).unwrap(),
        Format::parse_with(format.as_str(), memview::format::Dialect::NumPy).unwrap(),
    ] {
        assert_eq!(f.itemsize(), size_of::<T>(), "{}", layout.name);
        match f.fields() {
            [top] => match &top.ty {
                FieldType::Struct(st) => assert_struct_is(st, layout, layout.name),
                other => panic!("{}: {other:?}", layout.name),
            },
            other => panic!("{}: {other:?}", layout.name),
        }
    }
    // Cached: the same object every time.
    assert!(std::ptr::eq(T::format(), format));
    // The type matches its own format zero-copy; its own bytes read back.
    record::match_zero_copy::<T>(format, size_of::<T>()).unwrap();
    assert!(record::read_plan::<T>(format, size_of::<T>())
        .unwrap()
        .is_native());
    assert_eq!(record::info::<T>().leaf_count(), layout.leaf_count());
}

#[test]
fn formats_lay_out_like_the_compiler() {
    each_type!("*", check_format());
    let text = |f: &Format| f.as_str().to_owned();
    assert_eq!(text(Particle::format()), "T{I:id:4x(3)d:pos:?:flag:7x}");
    assert_eq!(text(ParticlePacked::format()), "T{=I:id:(3)d:pos:?:flag:}");
    assert_eq!(text(Outer::format()), "T{B:tag:3xT{f:x:f:y:}:inner:4xq:n:}");
    assert_eq!(
        text(OuterPacked::format()),
        "T{=B:tag:T{f:x:f:y:}:inner:q:n:}"
    );
    assert_eq!(
        text(OuterInnerPacked::format()),
        "T{=B:tag:T{f:x:f:y:}:inner:7xq:n:}"
    );
    assert_eq!(text(Grid::format()), "T{(2,3)f:m:H:k:2x}");
    assert_eq!(text(Cloud::format()), "T{I:n:(3)T{f:x:f:y:}:pts:}");
    assert_eq!(text(Pair::format()), "T{H:f0:2xf:f1:}");
    assert_eq!(text(Vec3A::format()), "T{f:x:f:y:f:z:4x}");
    assert_eq!(text(Packed2::format()), "T{=B:a:xI:b:H:c:}");
    assert_eq!(text(Sizes::format()), "T{N:u:n:i:}");
    assert_eq!(text(Cube::format()), "T{(2,2,2)b:c:h:s:}");
    assert_eq!(text(Deep::format()), "T{T{T{h:c:B:d:x}:b:f:e:}:a:B:f:3x}");
}

#[test]
fn padding_and_validity_are_known_at_compile_time() {
    const { assert!(record::has_padding::<Particle>()) };
    const { assert!(!record::has_padding::<ParticlePacked>()) };
    let padded = |l: &RecordLayout| l.has_padding();
    assert!(padded(Padded::LAYOUT));
    assert!(padded(Deep::LAYOUT)); // padding inside L1 and after f
    assert!(padded(Vec3A::LAYOUT)); // align(16) adds 4 bytes
    assert!(padded(Packed2::LAYOUT)); // packed(2) still pads after `a`
    assert!(padded(OuterInnerPacked::LAYOUT));
    for l in [
        Ints::LAYOUT,
        Cube::LAYOUT,
        Tagged::LAYOUT,
        Flags::LAYOUT,
        Cloud::LAYOUT,
        Mixed::LAYOUT,
        OuterPacked::LAYOUT,
    ] {
        assert!(!padded(l), "{}", l.name);
    }
    assert!(Particle::LAYOUT.has_invalid_bytes());
    assert!(Flags::LAYOUT.has_invalid_bytes());
    assert!(!Cplx::LAYOUT.has_invalid_bytes());
    record::require_no_padding::<Ints>();
    record::require_no_padding::<ParticlePacked>();
    assert_eq!(
        record::info::<Flags>().bool_offsets().collect::<Vec<_>>(),
        [0, 1, 2, 3]
    );
    // `to_bytes` zeroes the padding.
    let p = Padded {
        a: 1,
        b: -0.0,
        c: 2,
    };
    let b = p.to_bytes();
    assert_eq!(&b[1..8], &[0; 7]);
    assert_eq!(&b[17..], &[0; 7]);
    assert_eq!(Padded::from_bytes(&b).unwrap(), p);
}

// ----------------------------------------------------------------------------------------
// NumPy's fixtures.
// ----------------------------------------------------------------------------------------

struct Fixture {
    name: String,
    itemsize: usize,
    count: usize,
    order: String,
    offsets: Vec<(String, usize)>,
    rust: String,
    same_layout: bool,
    items: Vec<Vec<String>>,
}

fn fixtures() -> Vec<Fixture> {
    let records = reader::read("records/records.tsv");
    let mut out: Vec<Fixture> = Vec::new();
    for r in &records {
        match r.kind.as_str() {
            "fixture" => out.push(Fixture {
                name: r.req("name").to_owned(),
                itemsize: r.num("itemsize").unwrap(),
                count: r.num("count").unwrap(),
                order: r.req("order").to_owned(),
                offsets: r
                    .req("offsets")
                    .split(',')
                    .map(|p| {
                        let (n, o) = p.split_once(':').unwrap();
                        (n.to_owned(), o.parse().unwrap())
                    })
                    .collect(),
                rust: r.req("rust").to_owned(),
                same_layout: r.req("same_layout") == "1",
                items: Vec::new(),
            }),
            "item" => {
                let fx = out.last_mut().expect("an item before its fixture");
                assert_eq!(fx.name, r.req("name"), "{}", r.loc);
                assert_eq!(
                    fx.items.len(),
                    r.num::<usize>("index").unwrap(),
                    "{}",
                    r.loc
                );
                fx.items
                    .push(r.req("values").split(' ').map(str::to_owned).collect());
            }
            other => panic!("{}: unknown record kind {other}", r.loc),
        }
    }
    out
}

/// The scalars of a decoded value, depth-first, as Python prints them.
fn flatten(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Tuple(xs) | Value::List(xs) => xs.iter().for_each(|x| flatten(x, out)),
        Value::Record(fields) => fields.iter().for_each(|(_, x)| flatten(x, out)),
        other => out.push(other.to_string()),
    }
}

fn scalars_of_bytes(format: &str, bytes: &[u8]) -> Vec<String> {
    let mut out = Vec::new();
    for v in memview::unpack(format, bytes).unwrap() {
        flatten(&v, &mut out);
    }
    out
}

/// The scalars of a `T`, through its own bytes and the `Value` decoder.
fn scalars<T: Record>(t: &T) -> Vec<String> {
    scalars_of_bytes(T::format().as_str(), &t.to_bytes())
}

fn is_native(order: &str) -> bool {
    match order {
        "none" => true,
        "little" => cfg!(target_endian = "little"),
        "big" => cfg!(target_endian = "big"),
        _ => false,
    }
}

fn check_fixture<T: Record + FromRecord>(fx: &Fixture) {
    let what = format!("{} as {}", fx.name, T::LAYOUT.name);
    let path = format!(
        "{}/tests/fixtures/records/{}.npy",
        env!("CARGO_MANIFEST_DIR"),
        fx.name
    );
    let file = std::fs::read(&path).unwrap();
    let view = npy::view(&file).unwrap();
    let header = npy::Header::parse(&file).unwrap();
    let data = header.data(&file).unwrap();
    assert_eq!(view.itemsize(), fx.itemsize, "{what}");
    assert_eq!(view.shape(), [fx.count], "{what}");
    assert_eq!(fx.items.len(), fx.count, "{what}");

    // NumPy's layout is the Rust type's where the fixture says so.
    if fx.same_layout {
        assert_eq!(fx.itemsize, size_of::<T>(), "{what}");
        let rust: Vec<(String, usize)> = T::LAYOUT
            .fields
            .iter()
            .map(|f| (f.name.to_owned(), f.offset))
            .collect();
        assert_eq!(rust, fx.offsets, "{what}");
    }

    // The zero-copy match: exactly where the layout is the file's and the order native.
    let zero_copy = record::match_zero_copy::<T>(view.format(), view.itemsize());
    let expect_zero_copy = fx.same_layout && is_native(&fx.order);
    assert_eq!(zero_copy.is_ok(), expect_zero_copy, "{what}: {zero_copy:?}");
    if fx.same_layout && !expect_zero_copy {
        assert!(
            matches!(
                zero_copy,
                Err(RecordError::FieldMismatch {
                    problem: Problem::ByteOrder,
                    ..
                })
            ),
            "{what}: {zero_copy:?}"
        );
    }

    let st = Struct::new(view.format().as_str()).unwrap();
    assert_eq!(st.size(), fx.itemsize, "{what}");
    let plan = record::read_plan::<T>(view.format(), view.itemsize()).unwrap();
    assert_eq!(plan.is_native(), expect_zero_copy, "{what}");
    let typed: Vec<T> = memview::iter_unpack_as(view.format().as_str(), data)
        .unwrap()
        .collect();
    assert_eq!(typed.len(), fx.count, "{what}");
    for (i, (item, want)) in data.chunks_exact(fx.itemsize).zip(&fx.items).enumerate() {
        let what = format!("{what}, item {i}");
        // memview's own decoding of NumPy's bytes agrees with NumPy.
        assert_eq!(
            &scalars_of_bytes(view.format().as_str(), item),
            want,
            "{what}"
        );
        // The typed paths, value by value.
        assert_eq!(&scalars(&typed[i]), want, "{what}: iter_unpack_as");
        let one: T = st.unpack_as(item).unwrap();
        assert_eq!(&scalars(&one), want, "{what}: unpack_as");
        assert_eq!(
            &scalars(&plan.read(item).unwrap()),
            want,
            "{what}: read plan"
        );
        if expect_zero_copy {
            // The bytes are a valid `T` as they are.
            T::check_bytes(item).unwrap();
            assert_eq!(&scalars(&T::from_bytes(item).unwrap()), want, "{what}");
        }
    }

    // The view paths, through the generic methods that take `f64` too: a typed view and a
    // converting copy read every fixture; the zero-copy array exactly where the layout is
    // the file's (pointer equality), with the first differing field named otherwise.
    let owned = npy::from_bytes(file.clone()).unwrap();
    let view = owned.view();
    let typed = view.typed::<T>().unwrap();
    assert_eq!(typed.is_zero_copy(), expect_zero_copy, "{what}");
    let by_typed = typed.to_vec();
    let by_copy = view.to_array::<T>().unwrap();
    assert_eq!(by_copy.shape(), [fx.count], "{what}");
    for (i, want) in fx.items.iter().enumerate() {
        assert_eq!(&scalars(&by_typed[i]), want, "{what}, item {i}: typed");
        assert_eq!(&scalars(&by_copy[i]), want, "{what}, item {i}: to_array");
        assert_eq!(&scalars(&typed.get(&[i as isize]).unwrap()), want, "{what}");
    }
    match view.as_array::<T>() {
        Ok(a) => {
            assert!(
                expect_zero_copy,
                "{what}: zero-copy where the layout differs"
            );
            assert_eq!(a.as_ptr().cast::<u8>(), owned.data().as_ptr(), "{what}");
            for (i, want) in fx.items.iter().enumerate() {
                assert_eq!(&scalars(&a[i]), want, "{what}, item {i}: as_array");
            }
        }
        Err(e) => {
            assert!(!expect_zero_copy, "{what}: {e}");
            let text = e.to_string();
            assert!(
                text.contains(T::LAYOUT.name) && !text.is_empty(),
                "{what}: the refusal names the type: {text}"
            );
        }
    }
}

#[test]
fn numpy_fixtures_read_value_by_value() {
    let all = fixtures();
    assert!(all.len() >= 20, "{} fixtures", all.len());
    for fx in &all {
        if fx.rust == "Sizes" && size_of::<usize>() != 8 {
            continue;
        }
        each_type!(fx.rust.as_str(), check_fixture(fx));
    }
}

#[test]
fn bool_bytes_are_checked_on_every_checked_path() {
    let file = std::fs::read(format!(
        "{}/tests/fixtures/records/flags.npy",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap();
    let view = npy::view(&file).unwrap();
    let header = npy::Header::parse(&file).unwrap();
    let mut item = header.data(&file).unwrap()[5..10].to_vec();
    item[2] = 2; // b[1]
    let want = RecordError::InvalidBool {
        record: "Flags",
        path: "b[1]".into(),
        offset: 2,
        byte: 2,
    };
    assert_eq!(
        want.to_string(),
        "Flags.b[1] (bool at offset 2) holds 2: a bool must be 0 or 1"
    );
    assert_eq!(Flags::check_bytes(&item), Err(want.clone()));
    assert_eq!(Flags::from_bytes(&item), Err(want.clone()));
    let plan = record::read_plan::<Flags>(view.format(), view.itemsize()).unwrap();
    assert_eq!(plan.read(&item), Err(want));
    // Python's struct rule in unpack_as: any non-zero byte is True.
    let f: Flags = memview::unpack_as(view.format().as_str(), &item).unwrap();
    assert!(f.b[1]);
    assert_eq!(
        Flags::check_bytes(&item[..4]),
        Err(RecordError::BytesLength {
            record: "Flags",
            size: 5,
            got: 4
        })
    );
}

// ----------------------------------------------------------------------------------------
// Mismatches name the field.
// ----------------------------------------------------------------------------------------

fn zero_copy_err<T: Record>(format: &str, itemsize: usize) -> String {
    record::match_zero_copy::<T>(&Format::parse(format).unwrap(), itemsize)
        .unwrap_err()
        .to_string()
}

#[test]
fn mismatches_name_the_first_differing_field() {
    // Equivalent spellings all match.
    for f in [
        "T{I:id:4x(3)d:pos:?:flag:7x}",
        "I:id:4x(3)d:pos:?:flag:7x",
        "I4x3d?7x",
        "@I4xddd?7x",
        "T{I:id:4x3d:pos:?:flag:7x}",
        "=I:id:4x3d:pos:?:flag:7x",
    ] {
        let f = Format::parse(f).unwrap();
        record::match_zero_copy::<Particle>(&f, 40).unwrap_or_else(|e| panic!("{f}: {e}"));
    }
    assert_eq!(
        zero_copy_err::<Particle>("T{I:id:4x(3)d:pos:?:flag:7x}", 48),
        "the view's item size is 48 bytes, but Particle is 40 bytes"
    );
    assert_eq!(
        zero_copy_err::<Particle>("T{I:id:4x(3)d:position:?:flag:7x}", 40),
        format!(
            "Particle.pos[0] is f64 at offset 8, but the view's position[0] is 'd' (float, 8 \
             bytes, {}) at offset 8: the field names differ",
            native_word()
        )
    );
    assert_eq!(
        zero_copy_err::<Particle>("T{I:id:4x(3)f:pos:12x?:flag:7x}", 40),
        format!(
            "Particle.pos[0] is f64 at offset 8, but the view's pos[0] is 'f' (float, 4 bytes, \
             {}) at offset 8: the sizes differ",
            native_word()
        )
    );
    assert_eq!(
        zero_copy_err::<Particle>("T{I:id:4x(2)d:pos:q?:flag:7x}", 40),
        format!(
            "Particle.pos[2] is f64 at offset 24, but the view's value 3 is 'q' (signed integer, 8 \
             bytes, {}) at offset 24: the kinds differ",
            native_word()
        )
    );
    assert_eq!(
        zero_copy_err::<Particle>("T{I:id:4x(3)d:pos:7x?:flag:}", 40),
        format!(
            "Particle.flag is bool at offset 32, but the view's flag is '?' (bool, 1 byte) at \
             offset 39: the offsets differ"
        )
    );
    let (other, other_word) = if cfg!(target_endian = "little") {
        (">", "big-endian")
    } else {
        ("<", "little-endian")
    };
    assert_eq!(
        zero_copy_err::<Particle>(&format!("{other}I:id:4x(3)d:pos:?:flag:7x"), 40),
        format!(
            "Particle.id is u32 at offset 0, but the view's id is 'I' (unsigned integer, 4 \
             bytes, {other_word}) at offset 0: the view's byte order is not this host's; \
             zero-copy needs native byte order (a converting copy reads it)"
        )
    );
    assert_eq!(
        zero_copy_err::<Particle>("T{I:id:4x(3)d:pos:8x}", 40),
        "the view's format has 4 scalars per item, Particle has 5: Particle.flag (bool at \
         offset 32) has no counterpart"
    );
    assert_eq!(
        zero_copy_err::<Inner>("ffB", 8),
        format!(
            "the view's format has 3 scalars per item, Inner has 2: the view's value 2 ('B' \
             (unsigned integer, 1 byte) at offset 8) has no counterpart"
        )
    );
    // Nested paths.
    assert_eq!(
        zero_copy_err::<Cloud>("T{I:n:(3)T{f:x:i:y:}:pts:}", 28),
        format!(
            "Cloud.pts[0].y is f32 at offset 8, but the view's pts[0].y is 'i' (signed \
             integer, 4 bytes, {}) at offset 8: the kinds differ",
            native_word()
        )
    );
    // Unpacking a record names the field too.
    assert_eq!(
        memview::unpack_as::<Outer>("<B:tag:T{f:x:f:w:}:inner:q:n:", &[0; 17])
            .unwrap_err()
            .to_string(),
        "unpack_as: Outer.inner.y is f32 at offset 8, but the view's inner.w is 'f' (float, 4 \
         bytes, little-endian) at offset 5: the field names differ"
    );
}

fn native_word() -> &'static str {
    if cfg!(target_endian = "little") {
        "little-endian"
    } else {
        "big-endian"
    }
}

#[test]
fn records_inside_tuples_and_arrays() {
    let v = |x: f64| Value::from(x);
    let bytes = memview::pack(
        ">hT{ff}T{ff}",
        &[
            Value::from(-3),
            Value::Tuple(vec![v(1.0), v(2.0)]),
            Value::Tuple(vec![v(3.0), v(4.5)]),
        ],
    )
    .unwrap();
    let (k, pts): (i16, [Inner; 2]) = memview::unpack_as(">hT{ff}T{ff}", &bytes).unwrap();
    assert_eq!(k, -3);
    assert_eq!(pts, [Inner { x: 1.0, y: 2.0 }, Inner { x: 3.0, y: 4.5 }]);
    let (k, a, b): (i16, InnerPacked, [f32; 2]) =
        memview::unpack_as(">hT{ff}T{ff}", &bytes).unwrap();
    assert_eq!((k, { a.x }, { a.y }, b), (-3, 1.0, 2.0, [3.0, 4.5]));
    // A mismatch inside a tuple's record names it by position and field.
    let err = memview::unpack_as::<(i16, [Inner; 2])>(">hT{f:x:f:y:}T{f:x:i:y:}", &bytes)
        .unwrap_err()
        .to_string();
    assert!(
        err.ends_with(".1[1].y is f32, but the view's value 4 is 'i' (signed integer, 4 bytes, big-endian) at offset 14: the kinds differ"),
        "{err}"
    );
}

// ----------------------------------------------------------------------------------------
// Random values through T and through Values agree.
// ----------------------------------------------------------------------------------------

fn finite_f64() -> impl Strategy<Value = f64> {
    prop_oneof![
        any::<f64>().prop_filter("finite", |x| x.is_finite()),
        Just(0.0),
        Just(-0.0)
    ]
}

fn finite_f32() -> impl Strategy<Value = f32> {
    any::<f32>().prop_filter("finite", |x| x.is_finite())
}

fn finite_f16() -> impl Strategy<Value = f16> {
    any::<u16>()
        .prop_map(f16::from_bits)
        .prop_filter("finite", |x| x.is_finite())
}

/// `t` → bytes → `Value`s → bytes (pack) → `T` again, in the native format and in a
/// big-endian packed rewrite of it; the values also equal `want`.
fn round_trip<T: Record + FromRecord + PartialEq + std::fmt::Debug>(t: T, want: &[String]) {
    let format = T::format().as_str();
    let bytes = t.to_bytes();
    let values = memview::unpack(format, &bytes).unwrap();
    let mut got = Vec::new();
    values.iter().for_each(|v| flatten(v, &mut got));
    assert_eq!(got, want);
    assert_eq!(memview::pack(format, &values).unwrap(), bytes);
    assert_eq!(memview::unpack_as::<T>(format, &bytes).unwrap(), t);
    assert_eq!(T::from_bytes(&bytes).unwrap(), t);
    // Big-endian and packed: every `@`/`=` becomes `>` and the padding goes.
    let be = strip_padding(&format.replace('=', "").replacen("T{", "T{>", 1));
    let packed = memview::pack(&be, &values).unwrap();
    assert_eq!(memview::unpack_as::<T>(&be, &packed).unwrap(), t, "{be}");
    let plan = record::read_plan::<T>(&Format::parse(&be).unwrap(), packed.len()).unwrap();
    assert_eq!(plan.read(&packed).unwrap(), t, "{be}");
}

/// Remove the `Nx` / `x` padding items from a format text (outside `:names:`).
fn strip_padding(f: &str) -> String {
    let mut out = String::new();
    let mut digits = String::new();
    let mut in_name = false;
    for c in f.chars() {
        if c == ':' {
            in_name = !in_name;
            out.push_str(&digits);
            digits.clear();
            out.push(c);
        } else if in_name {
            out.push(c);
        } else if c.is_ascii_digit() {
            digits.push(c);
        } else if c == 'x' {
            digits.clear();
        } else {
            out.push_str(&digits);
            digits.clear();
            out.push(c);
        }
    }
    out
}

fn f(x: f64) -> String {
    Value::from(x).to_string()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(if cfg!(miri) { 2 } else { 64 }))]

    #[test]
    fn particles_agree(id in any::<u32>(), pos in [finite_f64(), finite_f64(), finite_f64()], flag in any::<bool>()) {
        let want = vec![id.to_string(), f(pos[0]), f(pos[1]), f(pos[2]), Value::from(flag).to_string()];
        round_trip(Particle { id, pos, flag }, &want);
        round_trip(ParticlePacked { id, pos, flag }, &want);
    }

    #[test]
    fn nested_records_agree(tag in any::<u8>(), x in finite_f32(), y in finite_f32(), n in any::<i64>()) {
        let want = vec![tag.to_string(), f(x.into()), f(y.into()), n.to_string()];
        let inner = Inner { x, y };
        round_trip(Outer { tag, inner, n }, &want);
        round_trip(OuterPacked { tag, inner, n }, &want);
        round_trip(OuterInnerPacked { tag, inner: InnerPacked { x, y }, n }, &want);
    }

    #[test]
    fn mixed_scalars_agree(
        h in finite_f16(), v in [finite_f16(), finite_f16()], i in any::<i8>(),
        re in finite_f64(), im in finite_f64(), wre in finite_f32(), wim in finite_f32(),
        k in any::<i32>(), b in any::<[bool; 3]>(), u in any::<usize>(), s in any::<isize>(),
    ) {
        let fx = |x: f16| f(x.to_f64());
        round_trip(Half { h, v, i }, &[fx(h), fx(v[0]), fx(v[1]), i.to_string()]);
        let z = Complex::new(re, im);
        let w = Complex::new(wre, wim);
        let c = |re: f64, im: f64| Value::Complex(Complex::new(re, im)).to_string();
        let want = [c(re, im), c(wre.into(), wim.into()), k.to_string()];
        round_trip(Cplx { z, w, k }, &want);
        round_trip(CplxPacked { z, w, k }, &want);
        let bb = |x: bool| Value::from(x).to_string();
        round_trip(Flags { a: b[0], b, c: i as u8 }, &[bb(b[0]), bb(b[0]), bb(b[1]), bb(b[2]), (i as u8).to_string()]);
        round_trip(Sizes { u, i: s }, &[u.to_string(), s.to_string()]);
    }
}

// ----------------------------------------------------------------------------------------
// Arrays of records as views and back, zero-copy.
// ----------------------------------------------------------------------------------------

#[derive(Clone, Copy, Debug, PartialEq, Record)]
#[repr(C)]
struct Pt {
    x: f32,
    y: f32,
    tag: [u16; 2],
}

fn pt(i: usize, j: usize) -> Pt {
    Pt {
        x: i as f32,
        y: j as f32 + 0.5,
        tag: [i as u16, j as u16],
    }
}

#[test]
fn arrays_of_records_view_without_copying() {
    use ndarray::{s, Array2, Axis, Slice};

    let a = Array2::from_shape_fn((3, 4), |(i, j)| pt(i, j));
    let view = memview::MemoryView::from_array(&a).unwrap();
    assert_eq!(view.format().as_str(), "T{f:x:f:y:(2)H:tag:}");
    assert_eq!((view.itemsize(), view.strides()), (12, &[48isize, 12][..]));
    let back = view.as_array::<Pt>().unwrap();
    assert_eq!(back.as_ptr(), a.as_ptr());
    assert_eq!(back, a.view().into_dyn());

    // A stepped, reversed slice leaves gaps: still zero-copy both ways.
    let stepped = a.slice(s![..;-1, 1..;2]);
    let view = memview::MemoryView::from_array(&stepped).unwrap();
    assert!(!view.borrows_buffer());
    assert_eq!(view.strides(), &[-48, 24]);
    let back = view.as_array::<Pt>().unwrap();
    assert_eq!(back.as_ptr(), stepped.as_ptr());
    assert_eq!(back, stepped.into_dyn());
    // A field of it: `y` of every element, as f32, at the field's address.
    let ys = view.field("y").unwrap();
    let ys = ys.as_array::<f32>().unwrap();
    assert_eq!(ys.as_ptr(), std::ptr::addr_of!(stepped[[0, 0]].y));
    assert_eq!(
        ys.iter().copied().collect::<Vec<_>>(),
        vec![1.5, 3.5, 1.5, 3.5, 1.5, 3.5]
    );
    // The sub-array field is an extra axis.
    let tags = view.field("tag").unwrap();
    assert_eq!(tags.shape(), &[3, 2, 2]);
    assert_eq!(tags.as_array::<u16>().unwrap()[[0, 1, 0]], 2);

    // Owned arrays borrow their whole span.
    let mut owned = a.clone();
    owned.slice_axis_inplace(Axis(1), Slice::new(0, None, 3));
    let view = memview::MemoryView::from_owned_array(&owned).unwrap();
    assert!(view.borrows_buffer());
    assert_eq!(view.as_array::<Pt>().unwrap().as_ptr(), owned.as_ptr());

    // Writable: typed writes, zero-copy writes, and the array sees them.
    let mut m = a.clone();
    {
        let mut view = memview::MemoryViewMut::from_array_mut(&mut m).unwrap();
        view.typed_mut::<Pt>()
            .unwrap()
            .set(&[2, 3], pt(9, 9))
            .unwrap();
        view.as_array_mut::<Pt>().unwrap()[[0, 0]].tag = [7, 7];
        let mut col = view.select_mut("..., 1").unwrap();
        col.typed_mut::<Pt>().unwrap().fill(pt(5, 5));
    }
    assert_eq!(m[[2, 3]], pt(9, 9));
    assert_eq!(m[[0, 0]].tag, [7, 7]);
    assert_eq!(m.column(1).to_vec(), vec![pt(5, 5); 3]);
    assert_eq!(m[[1, 2]], pt(1, 2));
}

#[test]
fn record_views_of_other_layouts_read_and_write_converting() {
    // The same fields big-endian and packed: typed access reads and writes them as `Pt`,
    // zero-copy is refused naming the field, to_array copies.
    let fmt = ">f:x:f:y:(2)H:tag:";
    let mut bytes = vec![0u8; 3 * 12];
    {
        let mut view = memview::MemoryViewMut::from_parts(&mut bytes, fmt, &[3], None, 0).unwrap();
        let mut t = view.typed_mut::<Pt>().unwrap();
        t.assign(&[pt(0, 1), pt(2, 3), pt(4, 5)]).unwrap();
    }
    assert_eq!(&bytes[4..8], &1.5f32.to_be_bytes());
    assert_eq!(&bytes[32..36], &[0, 4, 0, 5]);
    let view = memview::MemoryView::from_parts(&bytes, fmt, &[3], None, 0).unwrap();
    assert_eq!(
        view.to_array::<Pt>()
            .unwrap()
            .iter()
            .copied()
            .collect::<Vec<_>>(),
        vec![pt(0, 1), pt(2, 3), pt(4, 5)]
    );
    if cfg!(target_endian = "little") {
        assert_eq!(
            view.as_array::<Pt>().unwrap_err().to_string(),
            "Pt.x is f32 at offset 0, but the view's x is 'f' (float, 4 bytes, big-endian) at \
             offset 0: the view's byte order is not this host's; zero-copy needs native byte \
             order (a converting copy reads it)"
        );
    }
    // A format whose fields differ is refused by every path, naming the field.
    let other =
        memview::MemoryView::from_parts(&bytes, "f:x:i:y:(2)H:tag:", &[3], None, 0).unwrap();
    let e = other.typed::<Pt>().unwrap_err().to_string();
    assert!(
        e.starts_with("Pt.y is f32 at offset 4, but the view's y is 'i'"),
        "{e}"
    );
    // ... but a converting copy converts i32 to f32 where every value is exact.
    let ys: Vec<f32> = other
        .to_array::<Pt>()
        .unwrap()
        .iter()
        .map(|p| p.y)
        .collect();
    let want: Vec<f32> = (0..3)
        .map(|i| i32::from_ne_bytes(bytes[12 * i + 4..12 * i + 8].try_into().unwrap()) as f32)
        .collect();
    assert_eq!(ys, want);
}

#[test]
fn zero_copy_checks_every_bool_byte() {
    // Aligned memory holding three `Particle`s; the flag of element 1 set to 2: every zero-copy
    // and typed path refuses, naming the element and the field; a 1 there is accepted.
    let mut words = vec![0u64; 3 * 5];
    let bytes: &mut [u8] = bytemuck::cast_slice_mut(&mut words);
    let fmt = Particle::format().as_str();
    bytes[40 + 32] = 2;
    let view = memview::MemoryView::from_parts(&*bytes, fmt, &[3], None, 0).unwrap();
    let want = "element [1]: Particle.flag (bool at offset 32) holds 2: a bool must be 0 or 1";
    assert_eq!(view.as_array::<Particle>().unwrap_err().to_string(), want);
    assert_eq!(view.typed::<Particle>().unwrap_err().to_string(), want);
    assert_eq!(view.to_array::<Particle>().unwrap_err().to_string(), want);
    let rev = view.select("::-1").unwrap();
    assert!(rev
        .as_array::<Particle>()
        .unwrap_err()
        .to_string()
        .starts_with("element [1]: "));
    bytes[40 + 32] = 1;
    let view = memview::MemoryView::from_parts(&*bytes, fmt, &[3], None, 0).unwrap();
    let a = view.as_array::<Particle>().unwrap();
    assert_eq!(
        a.iter().map(|p| p.flag).collect::<Vec<_>>(),
        [false, true, false]
    );
    assert_eq!(a.as_ptr().cast::<u8>(), bytes.as_ptr());
}

#[test]
fn to_array_widens_and_checks_fields_of_other_sizes() {
    // Other sizes and kinds, field by field: f16 -> f32 and u8 -> u16 widen; values that do
    // not fit are refused naming the field, the element and the value, as for scalars.
    let fmt = "<e:x:<e:y:(2)b:tag:";
    let mut bytes = Vec::new();
    for (x, y, t0, t1) in [(1.5f32, 2.0f32, 3i8, 4i8), (-0.5, 8.0, 0, 127)] {
        bytes.extend_from_slice(&f16::from_f32(x).to_le_bytes());
        bytes.extend_from_slice(&f16::from_f32(y).to_le_bytes());
        bytes.extend_from_slice(&[t0 as u8, t1 as u8]);
    }
    let view = memview::MemoryView::from_parts(&bytes, fmt, &[2], None, 0).unwrap();
    // Typed access needs the same sizes; the converting copy does not.
    assert!(view.typed::<Pt>().is_err());
    let a = view.to_array::<Pt>().unwrap();
    assert_eq!(
        a.iter().copied().collect::<Vec<_>>(),
        vec![
            Pt {
                x: 1.5,
                y: 2.0,
                tag: [3, 4]
            },
            Pt {
                x: -0.5,
                y: 8.0,
                tag: [0, 127]
            }
        ]
    );
    bytes[11] = 0xff; // tag[1] of element 1: -1, not a u16
    let view = memview::MemoryView::from_parts(&bytes, fmt, &[2], None, 0).unwrap();
    assert_eq!(
        view.to_array::<Pt>().unwrap_err().to_string(),
        "Pt.tag[1]: value -1 at index [1] does not fit in u16"
    );
    // Names and the number of fields still decide.
    let other =
        memview::MemoryView::from_parts(&bytes, "<e:x:<e:z:(2)b:tag:", &[2], None, 0).unwrap();
    let e = other.to_array::<Pt>().unwrap_err().to_string();
    assert!(e.contains("names differ"), "{e}");
    let fewer = memview::MemoryView::from_parts(&bytes[..4], "<e:x:<e:y:", &[1], None, 0).unwrap();
    assert!(fewer.to_array::<Pt>().is_err());
}
