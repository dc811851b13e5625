//! The static description of a record type's layout ([`RecordLayout`], written by the derive
//! from `size_of`, `align_of` and `offset_of!`), the [`RecordField`] types it is made of, and
//! the format text it prints as.

use std::fmt::Write as _;

use half::f16;
use num_complex::Complex;

use super::leaves::{LeafReader, LeafWriter};
use super::Record;
use crate::format::ScalarKind;

/// One scalar type that can be a record field: its Rust name, PEP 3118 code (native order and
/// size), kind and size.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct ScalarType {
    /// The Rust name, for messages (`"f64"`, `"Complex<f32>"`).
    pub rust: &'static str,
    /// The type code written in the format (`"d"`, `"Zf"`, `"?"`).
    pub code: &'static str,
    /// The kind of scalar.
    pub kind: ScalarKind,
    /// Size in bytes.
    pub size: usize,
}

/// The type of one record field: a scalar, an array of a field type, or a nested record.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum FieldShape {
    /// A scalar element type.
    Scalar(ScalarType),
    /// `[elem; len]`: `len` elements `elem.size()` bytes apart.
    Array {
        /// The number of elements.
        len: usize,
        /// The element type.
        elem: &'static FieldShape,
    },
    /// A nested record.
    Record(&'static RecordLayout),
}

impl FieldShape {
    /// Size in bytes (`size_of` of the Rust type).
    pub const fn size(&self) -> usize {
        match self {
            FieldShape::Scalar(s) => s.size,
            FieldShape::Array { len, elem } => *len * elem.size(),
            FieldShape::Record(r) => r.size,
        }
    }

    /// Whether a value of this type has bytes that belong to no field (padding), anywhere
    /// inside it.
    pub const fn has_padding(&self) -> bool {
        match self {
            FieldShape::Scalar(_) => false,
            FieldShape::Array { len, elem } => *len > 0 && elem.has_padding(),
            FieldShape::Record(r) => r.has_padding(),
        }
    }

    /// Whether some byte patterns are not valid values: it holds a `bool` (0 or 1 only).
    pub const fn has_invalid_bytes(&self) -> bool {
        match self {
            FieldShape::Scalar(s) => matches!(s.kind, ScalarKind::Bool),
            FieldShape::Array { len, elem } => *len > 0 && elem.has_invalid_bytes(),
            FieldShape::Record(r) => r.has_invalid_bytes(),
        }
    }

    /// The number of scalars in it (saturating).
    pub const fn leaf_count(&self) -> usize {
        match self {
            FieldShape::Scalar(_) => 1,
            FieldShape::Array { len, elem } => len.saturating_mul(elem.leaf_count()),
            FieldShape::Record(r) => r.leaf_count(),
        }
    }

    /// Whether a record is anywhere inside it.
    pub(crate) const fn has_record(&self) -> bool {
        match self {
            FieldShape::Scalar(_) => false,
            FieldShape::Array { elem, .. } => elem.has_record(),
            FieldShape::Record(_) => true,
        }
    }
}

/// One field of a record: its name in the format, byte offset and type.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct FieldLayout {
    /// The field's name (`"pos"`; `"f0"`, `"f1"`, ... for a tuple struct, as NumPy names
    /// unnamed fields).
    pub name: &'static str,
    /// `offset_of!(Record, field)`.
    pub offset: usize,
    /// The field's type.
    pub shape: &'static FieldShape,
}

impl FieldLayout {
    /// A field description (what the derive writes).
    pub const fn new(name: &'static str, offset: usize, shape: &'static FieldShape) -> Self {
        FieldLayout {
            name,
            offset,
            shape,
        }
    }
}

/// The compiler's layout of a record type: what [`Record::LAYOUT`] holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct RecordLayout {
    /// The Rust type's name, for messages.
    pub name: &'static str,
    /// `size_of::<Self>()`.
    pub size: usize,
    /// `align_of::<Self>()`.
    pub align: usize,
    /// Whether the struct is `#[repr(packed)]` (or `packed(N)`): its fields may sit at
    /// offsets that are not multiples of their alignment.
    pub packed: bool,
    /// Every field, in declaration order (which for `repr(C)` is offset order).
    pub fields: &'static [FieldLayout],
}

impl RecordLayout {
    /// A record description (what the derive writes).
    pub const fn new(
        name: &'static str,
        size: usize,
        align: usize,
        packed: bool,
        fields: &'static [FieldLayout],
    ) -> Self {
        RecordLayout {
            name,
            size,
            align,
            packed,
            fields,
        }
    }

    /// [`check_layout`] in a `const` (what the derive writes): `self`, or a compile error
    /// when the layout is inconsistent.
    ///
    /// # Panics
    /// As [`check_layout`].
    pub const fn checked(self) -> Self {
        check_layout(&self);
        self
    }

    /// Whether some bytes of the record belong to no field: gaps between fields, trailing
    /// padding, or padding inside a field's type. Such bytes are uninitialised in Rust memory,
    /// so a record with padding may never be handed out as `&[u8]`.
    pub const fn has_padding(&self) -> bool {
        let mut covered = 0usize;
        let mut i = 0;
        while i < self.fields.len() {
            let shape = self.fields[i].shape;
            if shape.has_padding() {
                return true;
            }
            covered += shape.size();
            i += 1;
        }
        // Fields do not overlap (`check_layout`), so they cover the record iff their sizes
        // add up to its size.
        covered != self.size
    }

    /// Whether a field anywhere inside is a `bool`, so that bytes must be checked
    /// ([`Record::check_bytes`]) before they are read as this type.
    pub const fn has_invalid_bytes(&self) -> bool {
        let mut i = 0;
        while i < self.fields.len() {
            if self.fields[i].shape.has_invalid_bytes() {
                return true;
            }
            i += 1;
        }
        false
    }

    /// The number of scalars in the record (saturating).
    pub const fn leaf_count(&self) -> usize {
        let mut n = 0usize;
        let mut i = 0;
        while i < self.fields.len() {
            n = n.saturating_add(self.fields[i].shape.leaf_count());
            i += 1;
        }
        n
    }

    /// Whether this record and every record nested in it are `repr(C)` without `packed`, so
    /// that the format can be written in native `@` mode (which aligns). Otherwise it is
    /// written in `=` mode (native order, no alignment), every offset by explicit padding.
    fn all_aligned(&self) -> bool {
        !self.packed && self.fields.iter().all(|f| shape_all_aligned(f.shape))
    }
}

fn shape_all_aligned(shape: &FieldShape) -> bool {
    match shape {
        FieldShape::Scalar(_) => true,
        FieldShape::Array { elem, .. } => shape_all_aligned(elem),
        FieldShape::Record(r) => r.all_aligned(),
    }
}

/// Compile-time consistency check of a [`RecordLayout`] (the derive calls it in a `const`,
/// so a wrong layout is a compile error): the alignment is a power of two dividing the size,
/// and the fields, in declaration order, do not overlap and end within the record.
///
/// # Panics
/// At compile time (in a `const`), when the layout is inconsistent.
pub const fn check_layout(layout: &RecordLayout) {
    assert!(
        layout.align.is_power_of_two() && layout.size.is_multiple_of(layout.align),
        "memview::Record: LAYOUT.align must be a power of two dividing LAYOUT.size"
    );
    let mut end = 0usize;
    let mut i = 0;
    while i < layout.fields.len() {
        let f = &layout.fields[i];
        assert!(
            f.offset >= end,
            "memview::Record: LAYOUT.fields must be in offset order and must not overlap"
        );
        end = f.offset + f.shape.size();
        assert!(
            end <= layout.size,
            "memview::Record: a field of LAYOUT ends past LAYOUT.size"
        );
        i += 1;
    }
}

/// The format text of one item of `layout`: a lone `T{...}` with every field named, every gap
/// written as explicit `x` padding (also the trailing padding), sub-arrays as `(shape)` and
/// nested records as nested `T{...}`. `@` mode when no record in it is packed, else `=`.
pub(crate) fn format_text(layout: &RecordLayout) -> String {
    let mut out = String::new();
    let prefix = if layout.all_aligned() { "" } else { "=" };
    write_record(&mut out, layout, prefix);
    out
}

fn write_record(out: &mut String, layout: &RecordLayout, prefix: &str) {
    out.push_str("T{");
    out.push_str(prefix);
    let mut at = 0;
    for f in layout.fields {
        write_pad(out, f.offset - at);
        let mut dims = Vec::new();
        let mut shape = f.shape;
        while let FieldShape::Array { len, elem } = shape {
            dims.push(*len);
            shape = elem;
        }
        if !dims.is_empty() {
            out.push('(');
            for (i, d) in dims.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                let _ = write!(out, "{d}");
            }
            out.push(')');
        }
        match shape {
            FieldShape::Scalar(s) => out.push_str(s.code),
            FieldShape::Record(r) => write_record(out, r, ""),
            FieldShape::Array { .. } => unreachable!("arrays were unwrapped above"),
        }
        let _ = write!(out, ":{}:", f.name);
        at = f.offset + f.shape.size();
    }
    write_pad(out, layout.size - at);
    out.push('}');
}

fn write_pad(out: &mut String, n: usize) {
    match n {
        0 => {}
        1 => out.push('x'),
        n => {
            let _ = write!(out, "{n}x");
        }
    }
}

pub(crate) mod sealed {
    /// Only the types memview knows the layout of are record fields.
    #[diagnostic::on_unimplemented(
        message = "`{Self}` cannot be a field of a memview record",
        label = "not a memview element, an array of them, or a `#[derive(Record)]` struct"
    )]
    pub trait Sealed {}
}

/// A type that can be a field of a [`Record`]: the scalar element types (`u8 i8 u16 i16 u32
/// i32 u64 i64 usize isize f32 f64`, [`half::f16`], `bool`, [`num_complex::Complex<f32>`],
/// `Complex<f64>`), arrays `[T; N]` of field types, and records. Sealed: a new field type is
/// made by deriving [`Record`](macro@crate::Record) for a struct.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be a field of a memview record",
    label = "not a memview element, an array of them, or a `#[derive(Record)]` struct",
    note = "record fields are u8 i8 u16 i16 u32 i32 u64 i64 usize isize f32 f64 half::f16 bool \
            num_complex::Complex<f32> Complex<f64>, arrays [T; N] of those, and structs with \
            #[derive(memview::Record)]"
)]
pub trait RecordField: sealed::Sealed + Copy + Send + Sync + 'static {
    /// The layout of this type.
    const SHAPE: &'static FieldShape;

    /// Reads this value from the reader's next scalars.
    #[doc(hidden)]
    fn read_leaves(reader: &mut LeafReader<'_>) -> Self;

    /// Writes this value to the writer's next scalars.
    #[doc(hidden)]
    fn write_leaves(self, writer: &mut LeafWriter<'_>);
}

/// A scalar field type: how it loads from and stores to bytes of either order.
pub(crate) trait ScalarField: Copy + Default {
    const N: usize;
    fn load(raw: &[u8], swap: bool) -> Option<Self>;
    fn store(self, raw: &mut [u8], swap: bool);
    /// Loads from the first `N` bytes of `raw`, which has at least `N`.
    ///
    /// # Panics
    /// When `raw` is shorter (callers index through checked plans).
    #[inline(always)]
    fn load_front(raw: &[u8], swap: bool) -> Self {
        Self::load(&raw[..Self::N], swap).unwrap_or_default()
    }
}

macro_rules! int_field {
    ($($t:ty => $kind:ident, $code:literal;)*) => {$(
        impl ScalarField for $t {
            const N: usize = std::mem::size_of::<$t>();
            #[inline(always)]
            fn load(raw: &[u8], swap: bool) -> Option<Self> {
                let v = <$t>::from_ne_bytes(raw.get(..Self::N)?.try_into().ok()?);
                Some(if swap { v.swap_bytes() } else { v })
            }
            #[inline(always)]
            fn store(self, raw: &mut [u8], swap: bool) {
                let v = if swap { self.swap_bytes() } else { self };
                if let Some(out) = raw.get_mut(..Self::N) {
                    out.copy_from_slice(&v.to_ne_bytes());
                }
            }
        }
        scalar_field!($t, stringify!($t), $code, $kind);
    )*};
}

macro_rules! bits_field {
    ($($t:ty => $bits:ty, $name:expr, $code:literal;)*) => {$(
        impl ScalarField for $t {
            const N: usize = std::mem::size_of::<$t>();
            #[inline(always)]
            fn load(raw: &[u8], swap: bool) -> Option<Self> {
                <$bits>::load(raw, swap).map(<$t>::from_bits)
            }
            #[inline(always)]
            fn store(self, raw: &mut [u8], swap: bool) {
                self.to_bits().store(raw, swap);
            }
        }
        scalar_field!($t, $name, $code, Float);
    )*};
}

macro_rules! complex_field {
    ($($t:ty => $name:literal, $code:literal;)*) => {$(
        impl ScalarField for Complex<$t> {
            const N: usize = 2 * std::mem::size_of::<$t>();
            #[inline(always)]
            fn load(raw: &[u8], swap: bool) -> Option<Self> {
                let h = std::mem::size_of::<$t>();
                Some(Complex::new(<$t>::load(raw, swap)?, <$t>::load(raw.get(h..)?, swap)?))
            }
            #[inline(always)]
            fn store(self, raw: &mut [u8], swap: bool) {
                let h = std::mem::size_of::<$t>();
                self.re.store(raw, swap);
                if let Some(rest) = raw.get_mut(h..) {
                    self.im.store(rest, swap);
                }
            }
        }
        scalar_field!(Complex<$t>, $name, $code, Complex);
    )*};
}

macro_rules! scalar_field {
    ($t:ty, $name:expr, $code:literal, $kind:ident) => {
        impl sealed::Sealed for $t {}
        impl RecordField for $t {
            const SHAPE: &'static FieldShape = &FieldShape::Scalar(ScalarType {
                rust: $name,
                code: $code,
                kind: ScalarKind::$kind,
                size: std::mem::size_of::<$t>(),
            });
            #[inline(always)]
            fn read_leaves(reader: &mut LeafReader<'_>) -> Self {
                reader.scalar::<$t>()
            }
            #[inline(always)]
            fn write_leaves(self, writer: &mut LeafWriter<'_>) {
                writer.scalar::<$t>(self)
            }
        }
    };
}

int_field! {
    u8 => UInt, "B";
    i8 => Int, "b";
    u16 => UInt, "H";
    i16 => Int, "h";
    u32 => UInt, "I";
    i32 => Int, "i";
    u64 => UInt, "Q";
    i64 => Int, "q";
    usize => UInt, "N";
    isize => Int, "n";
}

bits_field! {
    f16 => u16, "f16", "e";
    f32 => u32, "f32", "f";
    f64 => u64, "f64", "d";
}

complex_field! {
    f32 => "Complex<f32>", "Zf";
    f64 => "Complex<f64>", "Zd";
}

impl ScalarField for bool {
    const N: usize = 1;
    /// Any non-zero byte is `true` (Python's `struct`); checked reads validate first.
    #[inline(always)]
    fn load(raw: &[u8], _swap: bool) -> Option<Self> {
        raw.first().map(|&b| b != 0)
    }
    #[inline(always)]
    fn store(self, raw: &mut [u8], _swap: bool) {
        if let Some(b) = raw.first_mut() {
            *b = u8::from(self);
        }
    }
}
scalar_field!(bool, "bool", "?", Bool);

impl<T: RecordField, const N: usize> sealed::Sealed for [T; N] {}

impl<T: RecordField, const N: usize> RecordField for [T; N] {
    const SHAPE: &'static FieldShape = &FieldShape::Array {
        len: N,
        elem: T::SHAPE,
    };
    #[inline]
    fn read_leaves(reader: &mut LeafReader<'_>) -> Self {
        std::array::from_fn(|_| T::read_leaves(reader))
    }
    #[inline]
    fn write_leaves(self, writer: &mut LeafWriter<'_>) {
        for x in self {
            x.write_leaves(writer);
        }
    }
}

impl<T: Record> sealed::Sealed for T {}

impl<T: Record> RecordField for T {
    const SHAPE: &'static FieldShape = &FieldShape::Record(T::LAYOUT);
    #[inline]
    fn read_leaves(reader: &mut LeafReader<'_>) -> Self {
        T::read_fields(reader)
    }
    #[inline]
    fn write_leaves(self, writer: &mut LeafWriter<'_>) {
        self.write_fields(writer)
    }
}
