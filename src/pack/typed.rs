//! Unpacking records straight into Rust values: [`unpack_as`], [`iter_unpack_as`] and the
//! [`FromRecord`] types (elements, arrays, `#[derive(Record)]` structs, and tuples of them).
//!
//! [`unpack`](super::unpack) and [`iter_unpack`](super::iter_unpack) build a [`Value`] per
//! field, because a format can hold anything (text, nested records, sub-arrays). When every
//! value of a record is a number, a Rust program usually wants the numbers: `(i32, u64)` for
//! `'<iQ'`, a `#[derive(Record)]` struct for a NumPy structured item. These functions check
//! once that the format's scalars match the Rust type's one by one, in order — kind and size,
//! like [`Element::matches`](crate::Element::matches), and field names where both sides have
//! them (see [`crate::record`]); the byte order and the offsets may be anything — and then
//! decode each record with plain loads, byte-swapping where the format's byte order is not the
//! host's. Nothing is allocated per record.
//!
//! `?` reads like Python's `struct`: any non-zero byte is `true`.
//!
//! [`Value`]: crate::Value

use std::fmt;
use std::iter::FusedIterator;
use std::marker::PhantomData;

use super::Struct;
use crate::codec::PackError;
use crate::format::{Scalar, ScalarKind};
use crate::record::{self, LeafReader, Mismatch, Mode, RecordError, RecordField, Root, Slot};

pub(crate) mod sealed {
    use crate::record::{LeafReader, Root};

    /// The crate-private part of [`FromRecord`](super::FromRecord).
    pub trait Sealed: Sized {
        /// The Rust side of the match: the scalars of `Self`, in order.
        const ROOT: Root;
        /// Read one record through a plan checked against it.
        fn read(reader: &mut LeafReader<'_>) -> Self;
    }
}

/// A Rust type one record can be unpacked into without building [`Value`](crate::Value)s:
/// an [`Element`](crate::Element), an array `[T; N]`, a `#[derive(Record)]` struct (any
/// [`RecordField`]), or a tuple of up to twelve of them. Sealed.
///
/// The format's scalars are matched one by one with the Rust type's, in order (a sub-array
/// `(3)d`, a top-level count `3d` and `ddd` all give three `f64`s, for `[f64; 3]` or three
/// tuple members alike); see [`unpack_as`].
///
/// ```
/// let buf = memview::pack("<iQ?", &[(-1).into(), 7.into(), true.into()])?;
/// let (a, b, c): (i32, u64, bool) = memview::unpack_as("<iQ?", &buf)?;
/// assert_eq!((a, b, c), (-1, 7, true));
/// let xyz: [f32; 3] = memview::unpack_as(">3f", &memview::pack(">3f", &[1.0.into(), 2.0.into(), 0.5.into()])?)?;
/// assert_eq!(xyz, [1.0, 2.0, 0.5]);
/// // A sub-array field reads as an array inside a tuple:
/// let v = |x: f64| memview::Value::from(x);
/// let rec = memview::pack("<I3d?", &[5.into(), v(0.5), v(1.5), v(2.5), false.into()])?;
/// let (id, pos, flag): (u32, [f64; 3], bool) = memview::unpack_as("<I(3)d?", &rec)?;
/// assert_eq!((id, pos, flag), (5, [0.5, 1.5, 2.5], false));
/// # Ok::<(), memview::PackError>(())
/// ```
pub trait FromRecord: sealed::Sealed {}

impl<T: RecordField> sealed::Sealed for T {
    const ROOT: Root = Root::Shape(T::SHAPE);
    #[inline(always)]
    fn read(reader: &mut LeafReader<'_>) -> T {
        reader.read()
    }
}
impl<T: RecordField> FromRecord for T {}

macro_rules! tuple_record {
    ($($t:ident),+) => {
        impl<$($t: RecordField),+> sealed::Sealed for ($($t,)+) {
            const ROOT: Root = Root::Tuple(&[$($t::SHAPE),+]);
            #[inline(always)]
            fn read(reader: &mut LeafReader<'_>) -> Self {
                ($(reader.read::<$t>(),)+)
            }
        }
        impl<$($t: RecordField),+> FromRecord for ($($t,)+) {}
    };
}

tuple_record!(A);
tuple_record!(A, B);
tuple_record!(A, B, C);
tuple_record!(A, B, C, D);
tuple_record!(A, B, C, D, E);
tuple_record!(A, B, C, D, E, F);
tuple_record!(A, B, C, D, E, F, G);
tuple_record!(A, B, C, D, E, F, G, H);
tuple_record!(A, B, C, D, E, F, G, H, I);
tuple_record!(A, B, C, D, E, F, G, H, I, J);
tuple_record!(A, B, C, D, E, F, G, H, I, J, K);
tuple_record!(A, B, C, D, E, F, G, H, I, J, K, L);

/// A checked plan for reading records of `st` as `T`: one slot per scalar of `T`.
fn plan_for<T: FromRecord>(st: &Struct) -> Result<Box<[Slot]>, PackError> {
    let rust = std::any::type_name::<T>();
    let mismatch = match record::plan(T::ROOT, st.as_format(), st.size(), Mode::Convert) {
        Ok(slots) => return Ok(slots.into()),
        Err(m) => m,
    };
    if T::ROOT.has_record() {
        let name = match T::ROOT {
            Root::Shape(record::FieldShape::Record(r)) => r.name,
            Root::Record(r) => r.name,
            _ => rust,
        };
        return Err(PackError::Record(Box::new(RecordError::from_mismatch(
            name, mismatch,
        ))));
    }
    Err(match mismatch {
        Mismatch::Count { view, rust: n, .. } => PackError::RecordArity {
            values: view,
            rust_len: n,
            rust,
        },
        Mismatch::Leaf {
            index, view_scalar, ..
        } => PackError::RecordType {
            index,
            what: what_text(&view_scalar),
            rust,
        },
    })
}

/// `'d' (8 bytes, a float)`.
fn what_text(s: &Scalar) -> String {
    use ScalarKind as K;
    let kind = match s.kind {
        K::Pad => "padding",
        K::Char => "a byte",
        K::Int => "a signed integer",
        K::UInt => "an unsigned integer",
        K::Bool => "a bool",
        K::Float => "a float",
        K::LongDouble => "a long double",
        K::Complex => "a complex",
        K::Bytes | K::Pascal => "bytes",
        K::Ucs2 | K::Ucs4 => "text",
        K::Pointer => "a pointer",
        K::Object => "an object pointer",
    };
    format!("'{}' ({} bytes, {kind})", s.code, s.size)
}

impl Struct {
    /// Unpack exactly [`size`](Struct::size) bytes into a Rust value (see [`unpack_as`]).
    ///
    /// # Errors
    /// [`PackError::RecordArity`] / [`PackError::RecordType`] when the format's scalars do
    /// not match `T`, [`PackError::Record`] (naming the field) when `T` holds a record;
    /// [`PackError::UnpackSize`] when `buffer` is not one record long.
    pub fn unpack_as<T: FromRecord>(&self, buffer: &[u8]) -> Result<T, PackError> {
        let plan = plan_for::<T>(self)?;
        if buffer.len() != self.size() {
            return Err(PackError::UnpackSize { size: self.size() });
        }
        Ok(T::read(&mut LeafReader::new(buffer, &plan)))
    }

    /// Iterate over the consecutive records of `buffer` as Rust values (see
    /// [`iter_unpack_as`]).
    ///
    /// # Errors
    /// As [`unpack_as`](Struct::unpack_as) for the types, and as
    /// [`iter_unpack`](Struct::iter_unpack) for the buffer (`IterZeroSize`,
    /// `IterNotMultiple`).
    pub fn iter_unpack_as<'a, T: FromRecord>(
        &self,
        buffer: &'a [u8],
    ) -> Result<IterUnpackAs<'a, T>, PackError> {
        let plan = plan_for::<T>(self)?;
        let size = self.size();
        if size == 0 {
            return Err(PackError::IterZeroSize);
        }
        if !buffer.len().is_multiple_of(size) {
            return Err(PackError::IterNotMultiple { size });
        }
        Ok(IterUnpackAs {
            chunks: buffer.chunks_exact(size),
            plan,
            _t: PhantomData,
        })
    }
}

/// Unpack one record of `fmt` (exactly `calcsize(fmt)` bytes) into a Rust value: an
/// [`Element`](crate::Element), an array, a `#[derive(Record)]` struct, or a tuple of them (see
/// [`FromRecord`]). The typed counterpart of
/// [`unpack`](super::unpack).
///
/// ```
/// let buf = memview::pack(">hd", &[(-2).into(), 0.25.into()])?;
/// assert_eq!(memview::unpack_as::<(i16, f64)>(">hd", &buf)?, (-2, 0.25));
/// // The format must hold exactly these types, in any byte order:
/// let err = memview::unpack_as::<(i16, f32)>(">hd", &buf).unwrap_err();
/// assert_eq!(
///     err.to_string(),
///     "unpack_as: value 1 of the record is 'd' (8 bytes, a float), which does not match \
///      the Rust type at that position in (i16, f32)"
/// );
/// # Ok::<(), memview::PackError>(())
/// ```
///
/// # Errors
/// As [`Struct::unpack_as`], and [`PackError::Format`] for an invalid format.
pub fn unpack_as<T: FromRecord>(fmt: &str, buffer: &[u8]) -> Result<T, PackError> {
    Struct::new(fmt)?.unpack_as(buffer)
}

/// Iterate over the consecutive records of `fmt` in `buffer` as Rust values: the typed
/// counterpart of [`iter_unpack`](super::iter_unpack), with the types checked once up front
/// and no allocation per record.
///
/// ```
/// let buf = memview::pack("<iQ<iQ", &[(-1).into(), 10.into(), 2.into(), 20.into()])?;
/// let rows: Vec<(i32, u64)> = memview::iter_unpack_as("<iQ", &buf)?.collect();
/// assert_eq!(rows, [(-1, 10), (2, 20)]);
/// let total: u64 = memview::iter_unpack_as::<(i32, u64)>("<iQ", &buf)?.map(|(_, q)| q).sum();
/// assert_eq!(total, 30);
/// # Ok::<(), memview::PackError>(())
/// ```
///
/// # Errors
/// As [`Struct::iter_unpack_as`], and [`PackError::Format`] for an invalid format.
pub fn iter_unpack_as<'a, T: FromRecord>(
    fmt: &str,
    buffer: &'a [u8],
) -> Result<IterUnpackAs<'a, T>, PackError> {
    Struct::new(fmt)?.iter_unpack_as(buffer)
}

/// Iterator over the records of a buffer as Rust values, from [`iter_unpack_as`] or
/// [`Struct::iter_unpack_as`].
pub struct IterUnpackAs<'a, T: FromRecord> {
    chunks: std::slice::ChunksExact<'a, u8>,
    plan: Box<[Slot]>,
    _t: PhantomData<fn() -> T>,
}

impl<T: FromRecord> Clone for IterUnpackAs<'_, T> {
    fn clone(&self) -> Self {
        IterUnpackAs {
            chunks: self.chunks.clone(),
            plan: self.plan.clone(),
            _t: PhantomData,
        }
    }
}

impl<T: FromRecord> fmt::Debug for IterUnpackAs<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("IterUnpackAs")
            .field("remaining", &self.chunks.len())
            .field("plan", &self.plan)
            .finish()
    }
}

impl<T: FromRecord> Iterator for IterUnpackAs<'_, T> {
    type Item = T;

    #[inline]
    fn next(&mut self) -> Option<T> {
        let plan = &self.plan;
        self.chunks
            .next()
            .map(|c| T::read(&mut LeafReader::new(c, plan)))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.chunks.size_hint()
    }

    fn nth(&mut self, n: usize) -> Option<T> {
        let plan = &self.plan;
        self.chunks
            .nth(n)
            .map(|c| T::read(&mut LeafReader::new(c, plan)))
    }
}

impl<T: FromRecord> DoubleEndedIterator for IterUnpackAs<'_, T> {
    fn next_back(&mut self) -> Option<T> {
        let plan = &self.plan;
        self.chunks
            .next_back()
            .map(|c| T::read(&mut LeafReader::new(c, plan)))
    }
}

impl<T: FromRecord> ExactSizeIterator for IterUnpackAs<'_, T> {}

impl<T: FromRecord> FusedIterator for IterUnpackAs<'_, T> {}
