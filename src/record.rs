//! Records: Rust structs as typed elements, with formats from the compiler's own layout.
//!
//! `#[derive(memview::Record)]` on a `#[repr(C)]` or `#[repr(C, packed)]` struct implements
//! the [`Record`] trait: the type then knows its PEP 3118 [`Format`] (native byte order,
//! field names from the Rust field names, explicit `x` padding, sub-array shapes, nested
//! `T{...}` for record fields), whether it has padding bytes, and which bytes are valid
//! values of it.
//!
//! ```
//! use memview::Record;
//!
//! #[derive(Clone, Copy, Debug, PartialEq, Record)]
//! #[repr(C)]
//! struct Particle {
//!     id: u32,
//!     pos: [f64; 3],
//!     flag: bool,
//! }
//!
//! let format = Particle::format();
//! assert_eq!(format.as_str(), "T{I:id:4x(3)d:pos:?:flag:7x}");
//! assert_eq!(format.itemsize(), std::mem::size_of::<Particle>());
//! assert!(memview::record::has_padding::<Particle>());
//!
//! // Bytes in this layout (NumPy: np.dtype([('id','u4'),('pos','f8',3),('flag','?')],
//! // align=True)) read as the struct, with every `bool` byte checked:
//! let p = Particle { id: 7, pos: [1.0, 2.0, 3.0], flag: true };
//! let mut bytes = p.to_bytes();
//! assert_eq!(Particle::from_bytes(&bytes)?, p);
//! bytes[32] = 2;
//! assert_eq!(
//!     Particle::from_bytes(&bytes).unwrap_err().to_string(),
//!     "Particle.flag (bool at offset 32) holds 2: a bool must be 0 or 1"
//! );
//! # Ok::<(), memview::record::RecordError>(())
//! ```
//!
//! # What the derive accepts
//!
//! * Structs with named fields, and tuple structs (whose fields are named `f0`, `f1`, ... in
//!   the format, as NumPy names unnamed fields), with at least one field and no generic
//!   parameters (the format is computed and cached once per type).
//! * `#[repr(C)]`, `#[repr(C, align(N))]`, `#[repr(C, packed)]`, `#[repr(C, packed(N))]`.
//!   A record whose records are all unpacked is written in native `@` mode
//!   (`T{I:id:4x(3)d:pos:?:flag:7x}`); one that is or holds a packed record in `=` mode
//!   (native order, no alignment: `T{=I:id:(3)d:pos:?:flag:}`). Either way every offset is
//!   explicit, also the trailing padding, so the text means the same to memview and NumPy.
//! * Field types that are [`RecordField`]s: `u8 i8 u16 i16 u32 i32 u64 i64 usize isize f32
//!   f64`, [`half::f16`], `bool`, [`num_complex::Complex<f32>`], `Complex<f64>`, arrays
//!   `[T; N]` of field types (nested arrays are sub-arrays of several dimensions, `(2,3)f`),
//!   and other records (`T{...}`).
//!
//! Refused, with a compile error that says why and what to do instead: no `repr` or another
//! `repr` (`Rust`, `transparent`, integer), enums, unions, generic parameters, unit and empty
//! structs, references, raw pointers and tuples as fields, and any other field type (`char`,
//! `String`, a struct without the derive: "`char` cannot be a field of a memview record").
//!
//! A record unpacks from any format whose scalars correspond to its fields one by one, in any
//! byte order and at any offsets ([`unpack_as`](crate::unpack_as),
//! [`iter_unpack_as`](crate::iter_unpack_as)), for example a big-endian packed file:
//!
//! ```
//! # use memview::Record;
//! # #[derive(Clone, Copy, Debug, PartialEq, Record)]
//! # #[repr(C)]
//! # struct Particle { id: u32, pos: [f64; 3], flag: bool }
//! let v = |x: f64| memview::Value::from(x);
//! let fmt = ">I:id:(3)d:pos:?:flag:";
//! let bytes = memview::pack(">I3d?", &[7.into(), v(1.0), v(2.0), v(3.0), true.into()])?;
//! let p: Particle = memview::unpack_as(fmt, &bytes)?;
//! assert_eq!(p, Particle { id: 7, pos: [1.0, 2.0, 3.0], flag: true });
//! # Ok::<(), memview::PackError>(())
//! ```
//!
//! # Matching a view
//!
//! Two matches are defined, both scalar by scalar: a record and a format are flattened to
//! their scalars in field order (each element of a sub-array or array field, each field of a
//! nested record), and the *i*-th scalars are compared.
//!
//! * [`match_zero_copy`]: the view's bytes can be used as `T` values as they are. The item
//!   size is `size_of::<T>()`, and every scalar has the same kind, size and offset, in native
//!   byte order.
//! * [`read_plan`]: the values can be read, converting: the same kinds and sizes, at any
//!   offsets and in any byte order (a big-endian file; NumPy's packed default read into a
//!   `#[repr(C)]` type). The [`ReadPlan`] reads each item.
//!
//! In both, field names are compared wherever the view's format has one, at the same depth
//! of nesting (`T{I:id:...}` must call the first field `id`; an unnamed `I` matches any
//! name). A lone top-level `T{...}` counts as its fields, so `T{I:id:4x(3)d:pos:?:flag:7x}`,
//! `I:id:4x(3)d:pos:?:flag:7x` and `I4x3d?7x` all match `Particle`. Because only scalars are
//! compared, **a sub-array, a repeated field and a top-level count are the same thing**:
//! `(3)d`, `3d` and `ddd` all match `[f64; 3]` (the bytes are the same); names still
//! decide, so `d:x:d:y:d:z:` does not match a field called `pos`. Padding is not compared:
//! it holds no value.
//!
//! A failed match names the first scalar that differs, with its path, offset and type on both
//! sides ([`RecordError`]):
//!
//! ```
//! # use memview::Record;
//! # #[derive(Clone, Copy, Debug, PartialEq, Record)]
//! # #[repr(C)]
//! # struct Particle { id: u32, pos: [f64; 3], flag: bool }
//! use memview::format::Format;
//!
//! // NumPy's default (packed) layout of the same fields: 29 bytes, `pos` at offset 4.
//! let packed = Format::parse("T{=I:id:(3)d:pos:?:flag:}")?;
//! let err = memview::record::match_zero_copy::<Particle>(&packed, 40).unwrap_err();
//! assert_eq!(
//!     err.to_string(),
//!     "Particle.pos[0] is f64 at offset 8, but the view's pos[0] is 'd' (float, 8 bytes, \
//!      little-endian) at offset 4: the offsets differ"
//! );
//! // ... which a converting read handles.
//! assert!(memview::record::read_plan::<Particle>(&packed, 29).is_ok());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Soundness
//!
//! * **Validity.** A `bool` must be 0 or 1. [`Record::check_bytes`] (and
//!   [`RecordInfo::check_bytes`]) checks every `bool` field of an item, and names the field
//!   when one holds another byte; zero-copy readers must call it on every item first.
//!   [`RecordLayout::has_invalid_bytes`] says whether there is anything to check.
//! * **Padding.** Bytes that belong to no field are uninitialised in Rust memory: the bytes
//!   of a `T` with padding may never be handed out as `&[u8]`. [`has_padding`] says so at
//!   compile time, and [`require_no_padding`] turns it into a compile error in generic code
//!   that would do it, suggesting explicit padding fields. [`Record::to_bytes`] copies
//!   instead, with zeros in the padding. For the same reason a zero-copy *mutable* view of
//!   bytes as a `T` with padding must not be made: storing a `T` may leave its padding bytes
//!   uninitialised.
//! * [`Record`] is an `unsafe trait`: its [`LAYOUT`](Record::LAYOUT) is trusted by code that
//!   reinterprets bytes. The derive writes it from the compiler's layout; a hand-written
//!   impl must follow the rules in the trait's `# Safety` section.

// Declaring an `unsafe trait` is the only `unsafe` here: it puts an obligation on
// implementors; this module performs no unsafe operation.
#![deny(unsafe_code)]

mod error;
mod layout;
mod leaves;

use std::any::TypeId;
use std::marker::PhantomData;
use std::sync::OnceLock;

pub use error::{LeafText, Problem, RecordError};
pub use layout::{check_layout, FieldLayout, FieldShape, RecordField, RecordLayout, ScalarType};
pub use leaves::{LeafReader, LeafWriter};

pub(crate) use leaves::Slot;
pub(crate) use leaves::{kind_text, plan, rust_path, LeafPair, Mismatch, Mode, Root};

use crate::format::Format;

/// A Rust struct whose values are records of a PEP 3118 format: the compiler's layout of
/// the struct, described field by field.
///
/// Implement it with `#[derive(Record)]` (feature `derive`, on by default) on a
/// `#[repr(C)]` or `#[repr(C, packed)]` struct whose fields are [`RecordField`]s: the scalar
/// element types, arrays of them, and other records. See the [module docs](self) for what a
/// record type gives.
///
/// # Safety
///
/// Code that reinterprets bytes as `Self` relies on [`LAYOUT`](Record::LAYOUT) and
/// [`cache`](Record::cache) (through the functions of [`memview::record`](self), never
/// through the provided methods, which an impl may override). An implementation must
/// guarantee:
///
/// 1. `LAYOUT.size == size_of::<Self>()` and `LAYOUT.align == align_of::<Self>()`.
/// 2. `LAYOUT.fields` lists **every** field of `Self`, in declaration order, which is offset
///    order (`Self` is `#[repr(C)]`, possibly `packed` or `align(N)`): for each field `f` of
///    type `F`, a [`FieldLayout`] with `offset == offset_of!(Self, f)` and
///    `shape == <F as RecordField>::SHAPE`. So every byte of `Self` is either inside a listed
///    field of a listed type, or padding, and `Self` holds nothing else (no references, no
///    interior mutability).
/// 3. `cache()` returns a reference to a `static` used by no other type (a wrong one is
///    detected and panics).
///
/// [`read_fields`](Record::read_fields) and [`write_fields`](Record::write_fields) must read
/// and write the fields in the order of `LAYOUT.fields`; that is a matter of correct values,
/// not of soundness. The derive writes all four items:
///
/// ```
/// # use memview::record::__private as p;
/// #[derive(Clone, Copy)]
/// #[repr(C)]
/// struct Pair {
///     a: u16,
///     b: [f32; 2],
/// }
///
/// // SAFETY: the layout is the compiler's (1, 2), listing both fields (2); the cache is
/// // a static of this impl (3).
/// unsafe impl memview::Record for Pair {
///     const LAYOUT: &'static p::RecordLayout = &p::RecordLayout::new(
///         "Pair",
///         size_of::<Pair>(),
///         align_of::<Pair>(),
///         false,
///         &[
///             p::FieldLayout::new("a", std::mem::offset_of!(Pair, a), <u16 as p::RecordField>::SHAPE),
///             p::FieldLayout::new("b", std::mem::offset_of!(Pair, b), <[f32; 2] as p::RecordField>::SHAPE),
///         ],
///     );
///     fn cache() -> &'static p::RecordCache {
///         static CACHE: p::RecordCache = p::RecordCache::new();
///         &CACHE
///     }
///     fn read_fields(r: &mut p::LeafReader<'_>) -> Self {
///         Pair { a: r.read(), b: r.read() }
///     }
///     fn write_fields(&self, w: &mut p::LeafWriter<'_>) {
///         w.write(self.a);
///         w.write(self.b);
///     }
/// }
/// const _: () = p::check_layout(<Pair as memview::Record>::LAYOUT);
///
/// assert_eq!(<Pair as memview::Record>::format().as_str(), "T{H:a:2x(2)f:b:}");
/// ```
#[allow(unsafe_code)] // declaring the trait; see the module's note
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a memview record",
    label = "not a `#[derive(Record)]` struct",
    note = "derive it: `#[derive(Clone, Copy, memview::Record)]` with `#[repr(C)]` or \
            `#[repr(C, packed)]`; its fields must be memview elements, arrays of them, or records"
)]
pub unsafe trait Record: Copy + Send + Sync + 'static {
    /// The compiler's layout of `Self`: size, alignment, and every field's name, offset and
    /// type.
    const LAYOUT: &'static RecordLayout;

    /// The per-type cache of the parsed format and the read plans (a `static` of this
    /// impl's own; see the safety rules).
    fn cache() -> &'static RecordCache;

    /// Builds a value from its fields, read in order (`Self { a: reader.read(), ... }`).
    fn read_fields(reader: &mut LeafReader<'_>) -> Self;

    /// Writes the fields in order (`writer.write(self.a); ...`).
    fn write_fields(&self, writer: &mut LeafWriter<'_>);

    /// The format of one item: a lone `T{...}` in native byte order, with field names,
    /// explicit padding (`x`) and sub-array shapes; its item size and field offsets are the
    /// compiler's. Parsed once and cached.
    fn format() -> &'static Format {
        info::<Self>().format()
    }

    /// Checks that `bytes` (exactly one item in this type's own layout) hold a valid `Self`:
    /// every `bool` field is 0 or 1.
    ///
    /// # Errors
    /// [`RecordError::BytesLength`], or [`RecordError::InvalidBool`] naming the field.
    fn check_bytes(bytes: &[u8]) -> Result<(), RecordError> {
        info::<Self>().check_bytes(bytes)
    }

    /// Reads a value from `bytes`, exactly one item in this type's own (native) layout, each
    /// `bool` checked. Safe: the bytes are decoded field by field, not reinterpreted.
    ///
    /// # Errors
    /// As [`check_bytes`](Record::check_bytes).
    fn from_bytes(bytes: &[u8]) -> Result<Self, RecordError> {
        let info = info::<Self>();
        info.check_bytes(bytes)?;
        Ok(Self::read_fields(&mut LeafReader::new(bytes, &info.native)))
    }

    /// The bytes of this value in its own (native) layout, with zeros for the padding: what
    /// exporting a record with padding copies instead of borrowing.
    fn to_bytes(&self) -> Vec<u8> {
        let info = info::<Self>();
        let mut out = vec![0; Self::LAYOUT.size];
        self.write_fields(&mut LeafWriter::new(&mut out, &info.native));
        out
    }
}

/// The per-type cache of a [`Record`] (its [`RecordInfo`]), held in a `static` of the
/// type's impl.
#[derive(Debug, Default)]
pub struct RecordCache {
    cell: OnceLock<(TypeId, RecordInfo)>,
}

impl RecordCache {
    /// An empty cache, for a `static`.
    pub const fn new() -> Self {
        RecordCache {
            cell: OnceLock::new(),
        }
    }
}

/// What memview derives once from a record type's [`LAYOUT`](Record::LAYOUT): its parsed
/// format, the native place of every scalar, and where its `bool`s are.
#[derive(Debug)]
pub struct RecordInfo {
    layout: &'static RecordLayout,
    format: Format,
    native: Box<[Slot]>,
    /// `(scalar index, offset)` of each `bool`.
    bools: Box<[(usize, usize)]>,
    /// The offset of each `bool`.
    bool_bytes: Box<[usize]>,
}

impl RecordInfo {
    fn build(layout: &'static RecordLayout) -> RecordInfo {
        check_layout(layout);
        let text = layout::format_text(layout);
        let format = Format::parse(&text).unwrap_or_else(|e| {
            panic!(
                "memview bug: the format {text:?} of {} does not parse: {e}",
                layout.name
            )
        });
        let (native, bools) = leaves::native_slots(layout);
        // The format must describe exactly the compiler's layout.
        let same = format.itemsize() == layout.size
            && plan(Root::Record(layout), &format, layout.size, Mode::ZeroCopy).as_deref()
                == Ok(&native[..]);
        assert!(
            same,
            "memview bug: the format {text:?} does not lay out like {}",
            layout.name
        );
        let bool_bytes = bools.iter().map(|&(_, offset)| offset).collect();
        RecordInfo {
            layout,
            format,
            native: native.into(),
            bools: bools.into(),
            bool_bytes,
        }
    }

    /// The record's layout.
    pub fn layout(&self) -> &'static RecordLayout {
        self.layout
    }

    /// The format of one item (see [`Record::format`]).
    pub fn format(&self) -> &Format {
        &self.format
    }

    /// The number of scalars in one item.
    pub fn leaf_count(&self) -> usize {
        self.native.len()
    }

    /// The byte offsets of the `bool` scalars in an item: the bytes that must be 0 or 1.
    pub fn bool_offsets(&self) -> impl ExactSizeIterator<Item = usize> + '_ {
        self.bool_bytes.iter().copied()
    }

    /// The byte offsets of the `bool` scalars in an item, as a slice.
    pub(crate) fn bool_bytes(&self) -> &[usize] {
        &self.bool_bytes
    }

    /// Checks one item in the record's own layout (see [`Record::check_bytes`]).
    ///
    /// # Errors
    /// [`RecordError::BytesLength`] when `bytes` is not one item long;
    /// [`RecordError::InvalidBool`] naming the first `bool` field that is not 0 or 1.
    pub fn check_bytes(&self, bytes: &[u8]) -> Result<(), RecordError> {
        check_item(self.layout, self.layout.size, &self.bools, bytes)
    }
}

/// Checks that `item` is one item of `size` bytes whose `bools` (scalar index, offset in
/// the item) are 0 or 1, naming the first field that is not.
fn check_item(
    layout: &'static RecordLayout,
    size: usize,
    bools: &[(usize, usize)],
    item: &[u8],
) -> Result<(), RecordError> {
    if item.len() != size {
        return Err(RecordError::BytesLength {
            record: layout.name,
            size,
            got: item.len(),
        });
    }
    for &(leaf, offset) in bools {
        match item.get(offset) {
            Some(0 | 1) => {}
            other => {
                return Err(RecordError::InvalidBool {
                    record: layout.name,
                    path: rust_path(Root::Record(layout), leaf),
                    offset,
                    byte: other.copied().unwrap_or(0),
                })
            }
        }
    }
    Ok(())
}

/// The cached [`RecordInfo`] of `T`.
///
/// # Panics
/// When `T::cache()` is the cache of another type (a broken hand-written impl).
pub fn info<T: Record>() -> &'static RecordInfo {
    let (id, info) = T::cache()
        .cell
        .get_or_init(|| (TypeId::of::<T>(), RecordInfo::build(T::LAYOUT)));
    assert!(
        *id == TypeId::of::<T>(),
        "memview::Record::cache of {} returns the cache of another type",
        T::LAYOUT.name
    );
    info
}

/// Whether `T` has padding bytes (gaps between fields, at the end, or inside a field's
/// type): a `const fn`, usable in `const` assertions.
pub const fn has_padding<T: Record>() -> bool {
    T::LAYOUT.has_padding()
}

/// A compile-time guard for generic code that hands out the memory of `T` values as bytes
/// (exporting an `Array<T>` as a byte buffer): calling it with a `T` that has padding is a
/// compile error (when the call is compiled, i.e. by `cargo build`, not `cargo check`), since
/// padding bytes are uninitialised and no `&[u8]` may cover them. At run time it does
/// nothing.
///
/// ```compile_fail
/// #[derive(Clone, Copy, memview::Record)]
/// #[repr(C)]
/// struct Padded {
///     a: u8,
///     b: u32, // 3 bytes of padding before it
/// }
/// memview::record::require_no_padding::<Padded>(); // error: ... has padding bytes
/// ```
///
/// The fix is to make the padding an explicit field, whose bytes are then initialised:
///
/// ```
/// #[derive(Clone, Copy, memview::Record)]
/// #[repr(C)]
/// struct Explicit {
///     a: u8,
///     _pad: [u8; 3],
///     b: u32,
/// }
/// memview::record::require_no_padding::<Explicit>();
/// ```
#[inline(always)]
pub fn require_no_padding<T: Record>() {
    const {
        assert!(
            !T::LAYOUT.has_padding(),
            "this record type has padding bytes, which are uninitialised, so its values cannot \
             be viewed as bytes: make the padding explicit with fields such as \
             `_pad: [u8; 3]`, or use `#[repr(C, packed)]`, or copy with `Record::to_bytes`"
        )
    }
}

/// Whether the items of a view with this `format` and `itemsize` are `T` values as they
/// are (see [the module docs](self#matching-a-view)): the item size is `size_of::<T>()`, and
/// every scalar has `T`'s kind, size and offset, in native byte order, with names equal
/// where the format has them. Zero-copy readers must still check alignment, strides and
/// (when [`RecordLayout::has_invalid_bytes`]) every item's bytes
/// ([`RecordInfo::check_bytes`]).
///
/// # Errors
/// [`RecordError::ItemsizeMismatch`], [`RecordError::FieldCount`] or
/// [`RecordError::FieldMismatch`], naming the first scalar that differs.
pub fn match_zero_copy<T: Record>(format: &Format, itemsize: usize) -> Result<(), RecordError> {
    let layout = T::LAYOUT;
    if itemsize != layout.size {
        return Err(RecordError::ItemsizeMismatch {
            record: layout.name,
            size: layout.size,
            itemsize,
        });
    }
    plan(Root::Record(layout), format, itemsize, Mode::ZeroCopy)
        .map(drop)
        .map_err(|m| RecordError::from_mismatch(layout.name, m))
}

/// A checked plan for reading items of a view's format as `T` values, converting byte order
/// and offsets (see [`read_plan`]).
#[derive(Debug)]
pub struct ReadPlan<T: Record> {
    slots: Box<[Slot]>,
    itemsize: usize,
    /// `(scalar index, offset in the view's item)` of each `bool`.
    bools: Box<[(usize, usize)]>,
    _t: PhantomData<fn() -> T>,
}

impl<T: Record> Clone for ReadPlan<T> {
    fn clone(&self) -> Self {
        ReadPlan {
            slots: self.slots.clone(),
            itemsize: self.itemsize,
            bools: self.bools.clone(),
            _t: PhantomData,
        }
    }
}

impl<T: Record> ReadPlan<T> {
    /// The item size of the view this plan was made for.
    pub fn itemsize(&self) -> usize {
        self.itemsize
    }

    /// Whether reading is a plain copy: every scalar at `T`'s own offset, in native order.
    pub fn is_native(&self) -> bool {
        self.itemsize == T::LAYOUT.size && *self.slots == info::<T>().native[..]
    }

    /// Reads one item (exactly [`itemsize`](Self::itemsize) bytes), checking each `bool`.
    ///
    /// # Errors
    /// [`RecordError::BytesLength`] when `item` is not one item long;
    /// [`RecordError::InvalidBool`] naming the field.
    pub fn read(&self, item: &[u8]) -> Result<T, RecordError> {
        check_item(T::LAYOUT, self.itemsize, &self.bools, item)?;
        Ok(T::read_fields(&mut LeafReader::new(item, &self.slots)))
    }
}

impl<T: Record> ReadPlan<T> {
    /// The offset (in the view's item) and value of the first `bool` byte of `item` that is
    /// neither 0 nor 1.
    pub(crate) fn invalid(&self, item: &[u8]) -> Option<(usize, u8)> {
        self.bools
            .iter()
            .find_map(|&(_, offset)| match item.get(offset) {
                Some(0 | 1) => None,
                other => Some((offset, other.copied().unwrap_or(0))),
            })
    }

    /// The error for the `bool` at `offset` of the view's item holding `byte`.
    pub(crate) fn bool_error(&self, offset: usize, byte: u8) -> RecordError {
        let layout = T::LAYOUT;
        let leaf = self
            .bools
            .iter()
            .find(|&&(_, o)| o == offset)
            .map_or(0, |&(leaf, _)| leaf);
        RecordError::InvalidBool {
            record: layout.name,
            path: rust_path(Root::Record(layout), leaf),
            offset,
            byte,
        }
    }

    /// Reads one item whose `bool`s were checked ([`invalid`](Self::invalid) gave `None`).
    /// `item` is one item of the view this plan was made for.
    #[inline]
    pub(crate) fn read_checked(&self, item: &[u8]) -> T {
        T::read_fields(&mut LeafReader::new(item, &self.slots))
    }

    /// Writes `value`'s fields into `item` (one item of the view this plan was made for), in
    /// the view's byte order and at its offsets; bytes of no field are left as they are.
    #[inline]
    pub(crate) fn write(&self, value: &T, item: &mut [u8]) {
        value.write_fields(&mut LeafWriter::new(item, &self.slots));
    }
}

/// A converting match (see [the module docs](self#matching-a-view)): the items of a view
/// with this `format` and `itemsize` hold `T`'s fields one by one, scalar by scalar with the
/// same kind and size, at any offsets and in any byte order. The plan reads each item.
///
/// # Errors
/// [`RecordError::FieldCount`] or [`RecordError::FieldMismatch`] naming the first scalar
/// that differs.
pub fn read_plan<T: Record>(format: &Format, itemsize: usize) -> Result<ReadPlan<T>, RecordError> {
    let layout = T::LAYOUT;
    let slots = plan(Root::Record(layout), format, itemsize, Mode::Convert)
        .map_err(|m| RecordError::from_mismatch(layout.name, m))?;
    let bools = info::<T>()
        .bools
        .iter()
        .filter_map(|&(leaf, _)| Some((leaf, slots.get(leaf)?.offset)))
        .collect();
    Ok(ReadPlan {
        slots: slots.into(),
        itemsize,
        bools,
        _t: PhantomData,
    })
}

/// The scalars of `T` paired with those of a view's items in order, for a converting copy
/// that also changes sizes and kinds (`to_array` when [`read_plan`] refuses): names and the
/// number of scalars must agree, as for [`read_plan`].
pub(crate) fn leaf_pairs<T: Record>(
    format: &Format,
    itemsize: usize,
) -> Result<Vec<LeafPair>, RecordError> {
    let layout = T::LAYOUT;
    leaves::leaf_pairs(Root::Record(layout), format, itemsize)
        .map_err(|m| RecordError::from_mismatch(layout.name, m))
}

/// The field path of `T`'s `index`-th scalar (`pos[1]`, `inner.x`).
pub(crate) fn leaf_path<T: Record>(index: usize) -> String {
    rust_path(Root::Record(T::LAYOUT), index)
}

/// What `#[derive(Record)]` expands to refers to these, through `memview::__private`.
#[doc(hidden)]
pub mod __private {
    pub use super::layout::{check_layout, FieldLayout, FieldShape, RecordField, RecordLayout};
    pub use super::leaves::{LeafReader, LeafWriter};
    pub use super::RecordCache;
}

#[cfg(test)]
mod tests;
