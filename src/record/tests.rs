//! Unit tests of the record machinery that need its internals: the scalar table against
//! [`Element`], loads and stores in both byte orders, the layout checks, and the walks.
//! The derive and NumPy's layouts are tested in `tests/records.rs`.

use half::f16;
use num_complex::Complex;

use super::layout::ScalarField;
use super::leaves::{plan, view_leaf_count, LeafReader, LeafWriter, Mismatch, Mode, Root, Slot};
use super::*;
use crate::element::Element;
use crate::format::Endian;

fn check_scalar<T: RecordField + ScalarField + Element>(value: T) {
    let FieldShape::Scalar(s) = T::SHAPE else {
        panic!("{} is not a scalar", T::NAME)
    };
    // The same name, code, kind and size as the element type.
    assert_eq!(
        (s.rust, s.code, s.kind, s.size),
        (T::NAME, T::FORMAT, T::KIND, std::mem::size_of::<T>())
    );
    // Stores and loads agree with `Element` in both byte orders, at an odd offset.
    for endian in [Endian::Little, Endian::Big] {
        let swap = !endian.is_native();
        let mut ours = vec![0xAA; s.size + 3];
        ScalarField::store(value, &mut ours[3..], swap);
        let mut theirs = vec![0xAA; s.size + 3];
        value.write(&mut theirs[3..], endian).unwrap();
        assert_eq!(ours, theirs, "{} {endian:?}", T::NAME);
        assert_eq!(
            <T as ScalarField>::load(&ours[3..], swap),
            Some(T::read(&ours[3..], endian).unwrap())
        );
        // Through a plan: one slot.
        let slots = [Slot { offset: 3, swap }];
        assert_eq!(LeafReader::new(&ours, &slots).read::<T>(), value);
        let mut again = vec![0xAA; s.size + 3];
        LeafWriter::new(&mut again, &slots).write(value);
        assert_eq!(again, ours);
    }
    // Too few bytes: no value, no panic; a plan with no slot reads the default.
    assert_eq!(<T as ScalarField>::load(&vec![0; s.size - 1], false), None);
    assert_eq!(LeafReader::new(&[], &[]).read::<T>(), T::default());
}

#[test]
fn scalars_are_the_element_types() {
    check_scalar(0xA5u8);
    check_scalar(-5i8);
    check_scalar(0x1234u16);
    check_scalar(-2i16);
    check_scalar(0xDEAD_BEEFu32);
    check_scalar(-3i32);
    check_scalar(0x0102_0304_0506_0708u64);
    check_scalar(-4i64);
    check_scalar(usize::MAX - 5);
    check_scalar(-6isize);
    check_scalar(f16::from_f32(-1.5));
    check_scalar(1.25e-3f32);
    check_scalar(-2.5e300f64);
    check_scalar(true);
    check_scalar(Complex::new(1.5f32, -2.0));
    check_scalar(Complex::new(-0.25f64, 3.0));
}

static FIELDS: [FieldLayout; 2] = [
    FieldLayout::new("a", 0, <u32 as RecordField>::SHAPE),
    FieldLayout::new("b", 4, <[bool; 2] as RecordField>::SHAPE),
];
static LAYOUT: RecordLayout = RecordLayout::new("R", 8, 4, false, &FIELDS);
static NESTED_FIELDS: [FieldLayout; 2] = [
    FieldLayout::new("flag", 0, <bool as RecordField>::SHAPE),
    FieldLayout::new(
        "rs",
        4,
        &FieldShape::Array {
            len: 2,
            elem: &FieldShape::Record(&LAYOUT),
        },
    ),
];
static NESTED: RecordLayout = RecordLayout::new("N", 20, 4, false, &NESTED_FIELDS);

#[test]
fn layout_facts() {
    assert!(LAYOUT.has_padding()); // 2 bytes after b
    assert!(LAYOUT.has_invalid_bytes());
    assert_eq!(LAYOUT.leaf_count(), 3);
    assert_eq!(NESTED.leaf_count(), 7);
    assert_eq!(
        layout::format_text(&NESTED),
        "T{?:flag:3x(2)T{I:a:(2)?:b:2x}:rs:}"
    );
    let shape = FieldShape::Array {
        len: usize::MAX,
        elem: <[u8; 4] as RecordField>::SHAPE,
    };
    assert_eq!(shape.leaf_count(), usize::MAX); // saturates
                                                // Paths name array elements and nested fields.
    assert_eq!(rust_path(Root::Record(&NESTED), 0), "flag");
    assert_eq!(rust_path(Root::Record(&NESTED), 5), "rs[1].b[0]");
    static PARTS: [&FieldShape; 2] = [<u8 as RecordField>::SHAPE, <[f32; 2] as RecordField>::SHAPE];
    assert_eq!(rust_path(Root::Tuple(&PARTS), 2), "1[1]");
}

#[test]
#[should_panic(expected = "must not overlap")]
fn overlapping_fields_are_refused() {
    static BAD: [FieldLayout; 2] = [
        FieldLayout::new("a", 0, <u32 as RecordField>::SHAPE),
        FieldLayout::new("b", 2, <u32 as RecordField>::SHAPE),
    ];
    check_layout(&RecordLayout::new("Bad", 8, 4, false, &BAD));
}

#[test]
#[should_panic(expected = "ends past")]
fn fields_past_the_end_are_refused() {
    static BAD: [FieldLayout; 1] = [FieldLayout::new("a", 4, <u64 as RecordField>::SHAPE)];
    check_layout(&RecordLayout::new("Bad", 8, 4, false, &BAD));
}

#[test]
fn plans_walk_both_sides() {
    let f = Format::parse("<?:flag:3x(2)T{I:a:(2)?:b:2x}:rs:").unwrap();
    assert_eq!(view_leaf_count(&f), 7);
    let slots = plan(Root::Record(&NESTED), &f, 20, Mode::Convert).unwrap();
    let offsets: Vec<usize> = slots.iter().map(|s| s.offset).collect();
    assert_eq!(offsets, [0, 4, 8, 9, 12, 16, 17]);
    // Huge counts are counted, not walked.
    let huge = Format::parse("4611686018427387903B").unwrap();
    assert_eq!(view_leaf_count(&huge), 4611686018427387903);
    match plan(Root::Record(&NESTED), &huge, 1, Mode::Convert) {
        Err(Mismatch::Count {
            view,
            rust,
            missing: None,
            extra: Some(x),
        }) => {
            assert_eq!((view, rust), (4611686018427387903, 7));
            assert_eq!(x.path, "value 7");
        }
        other => panic!("{other:?}"),
    }
    // A value outside a (too small) item is refused, never read.
    let f = Format::parse("T{I:a:(2)?:b:2x}").unwrap();
    assert!(matches!(
        plan(Root::Record(&LAYOUT), &f, 5, Mode::Convert),
        Err(Mismatch::Leaf {
            problem: Problem::OutOfItem,
            index: 2,
            ..
        })
    ));
}
