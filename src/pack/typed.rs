//! Unpacking records straight into Rust values: [`unpack_as`], [`iter_unpack_as`] and the
//! [`FromRecord`] types (tuples and arrays of [`Element`]s).
//!
//! [`unpack`](super::unpack) and [`iter_unpack`](super::iter_unpack) build a [`Value`] per
//! field, because a format can hold anything (text, nested records, sub-arrays). When every
//! value of a record is a number, a Rust program usually wants the numbers: `(i32, u64)` for
//! `'<iQ'`. These functions check once that the format's values match the Rust types one by
//! one — kind and size, like [`Element::matches`]; the byte order may be anything — and then
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
use crate::element::Element;
use crate::format::{FieldType, Scalar};

use sealed::Slot;

pub(crate) mod sealed {
    use crate::format::Scalar;

    /// Where one value of a record lies and how to read it.
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    pub struct Slot {
        /// Byte offset within the record; `offset + size_of::<T>() <= record size`.
        pub(super) offset: usize,
        /// Whether the stored byte order is not the host's.
        pub(super) swap: bool,
    }

    impl Slot {
        /// Read a `T` from `record`, which the plan that made this slot was checked against.
        #[inline(always)]
        pub(super) fn read<T: super::Element>(self, record: &[u8]) -> T {
            // `offset + size_of::<T>() <= record.len()`: checked when the plan was made
            // (`plan_for`) for records of exactly the struct's size, the only ones passed here.
            T::load(&record[self.offset..], self.swap)
        }
    }

    /// The crate-private part of [`FromRecord`](super::FromRecord).
    pub trait Sealed: Sized {
        /// The number of values.
        const LEN: usize;
        /// One slot per value.
        type Plan: Copy + std::fmt::Debug + Send + Sync + 'static;
        /// The plan for a record whose values are `scalars` (exactly `LEN` of them, each with
        /// its offset); `Err(k)` names the first value whose scalar does not match.
        fn plan(scalars: &[(usize, &Scalar)]) -> Result<Self::Plan, usize>;
        /// Read one record (at least the struct's size) through a plan made for it.
        fn read(record: &[u8], plan: &Self::Plan) -> Self;
    }
}

/// A Rust type one record can be unpacked into without building [`Value`](crate::Value)s: an
/// [`Element`] for a record of one value, a tuple of up to twelve `Element`s, or an array
/// `[T; N]` of one. Sealed.
///
/// ```
/// let buf = memview::pack("<iQ?", &[(-1).into(), 7.into(), true.into()])?;
/// let (a, b, c): (i32, u64, bool) = memview::unpack_as("<iQ?", &buf)?;
/// assert_eq!((a, b, c), (-1, 7, true));
/// let xyz: [f32; 3] = memview::unpack_as(">3f", &memview::pack(">3f", &[1.0.into(), 2.0.into(), 0.5.into()])?)?;
/// assert_eq!(xyz, [1.0, 2.0, 0.5]);
/// # Ok::<(), memview::PackError>(())
/// ```
pub trait FromRecord: sealed::Sealed {}

fn slot_for<T: Element>(offset: usize, s: &Scalar) -> Option<Slot> {
    T::matches(s).then(|| Slot {
        offset,
        swap: !s.endian.is_native(),
    })
}

impl<T: Element> sealed::Sealed for T {
    const LEN: usize = 1;
    type Plan = Slot;
    fn plan(scalars: &[(usize, &Scalar)]) -> Result<Slot, usize> {
        match scalars {
            [(offset, s)] => slot_for::<T>(*offset, s).ok_or(0),
            _ => Err(0),
        }
    }
    #[inline(always)]
    fn read(record: &[u8], plan: &Slot) -> T {
        plan.read(record)
    }
}
impl<T: Element> FromRecord for T {}

impl<T: Element, const N: usize> sealed::Sealed for [T; N] {
    const LEN: usize = N;
    type Plan = [Slot; N];
    fn plan(scalars: &[(usize, &Scalar)]) -> Result<[Slot; N], usize> {
        let mut plan = [Slot {
            offset: 0,
            swap: false,
        }; N];
        for (k, slot) in plan.iter_mut().enumerate() {
            let (offset, s) = scalars.get(k).ok_or(k)?;
            *slot = slot_for::<T>(*offset, s).ok_or(k)?;
        }
        Ok(plan)
    }
    #[inline(always)]
    fn read(record: &[u8], plan: &[Slot; N]) -> [T; N] {
        plan.map(|slot| slot.read(record))
    }
}
impl<T: Element, const N: usize> FromRecord for [T; N] {}

macro_rules! tuple_record {
    ($len:literal: $($t:ident $k:tt),+) => {
        impl<$($t: Element),+> sealed::Sealed for ($($t,)+) {
            const LEN: usize = $len;
            type Plan = [Slot; $len];
            fn plan(scalars: &[(usize, &Scalar)]) -> Result<[Slot; $len], usize> {
                Ok([$({
                    let (offset, s) = scalars.get($k).ok_or::<usize>($k)?;
                    slot_for::<$t>(*offset, s).ok_or::<usize>($k)?
                }),+])
            }
            #[inline(always)]
            fn read(record: &[u8], plan: &[Slot; $len]) -> Self {
                ($(plan[$k].read::<$t>(record),)+)
            }
        }
        impl<$($t: Element),+> FromRecord for ($($t,)+) {}
    };
}

tuple_record!(1: A 0);
tuple_record!(2: A 0, B 1);
tuple_record!(3: A 0, B 1, C 2);
tuple_record!(4: A 0, B 1, C 2, D 3);
tuple_record!(5: A 0, B 1, C 2, D 3, E 4);
tuple_record!(6: A 0, B 1, C 2, D 3, E 4, F 5);
tuple_record!(7: A 0, B 1, C 2, D 3, E 4, F 5, G 6);
tuple_record!(8: A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7);
tuple_record!(9: A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8);
tuple_record!(10: A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9);
tuple_record!(11: A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9, K 10);
tuple_record!(12: A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9, K 10, L 11);

/// A checked plan for reading records of `st` as `T`.
fn plan_for<T: FromRecord>(st: &Struct) -> Result<T::Plan, PackError> {
    let rust = std::any::type_name::<T>();
    let size = st.size();
    // A record that is one `T{...}` (NumPy's structured item) reads as its fields.
    let (fields, base) = match st.as_format().fields() {
        [f] if f.repeat == 1 && f.shape.is_empty() => match &f.ty {
            FieldType::Struct(inner) if inner.fields.len() == T::LEN => {
                (&inner.fields[..], f.offset)
            }
            _ => (st.as_format().fields(), 0),
        },
        fields => (fields, 0),
    };
    let values = fields
        .iter()
        .fold(0usize, |n, f| n.saturating_add(f.repeat));
    if values != T::LEN {
        return Err(PackError::RecordArity {
            values,
            rust_len: T::LEN,
            rust,
        });
    }
    let mut scalars = Vec::with_capacity(values);
    for field in fields {
        for offset in field.copy_offsets() {
            let offset = base.saturating_add(offset);
            let index = scalars.len();
            let mismatch = |what: String| PackError::RecordType { index, what, rust };
            match &field.ty {
                FieldType::Scalar(s) if field.shape.is_empty() => {
                    // A layout never places a value past the record's end; checked anyway,
                    // since `Slot::read` relies on it.
                    if offset.checked_add(s.size).is_none_or(|end| end > size) {
                        return Err(mismatch(format!("'{}' at offset {offset}", s.code)));
                    }
                    scalars.push((offset, s));
                }
                FieldType::Scalar(s) => {
                    return Err(mismatch(format!(
                        "a sub-array {:?} of '{}'",
                        field.shape, s.code
                    )))
                }
                FieldType::Struct(_) => return Err(mismatch("a nested T{...} record".into())),
            }
        }
    }
    T::plan(&scalars).map_err(|index| PackError::RecordType {
        index,
        what: scalars.get(index).map_or_else(String::new, |(_, s)| {
            format!("'{}' ({} bytes, {})", s.code, s.size, kind_text(s))
        }),
        rust,
    })
}

fn kind_text(s: &Scalar) -> &'static str {
    use crate::format::ScalarKind as K;
    match s.kind {
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
    }
}

impl Struct {
    /// Unpack exactly [`size`](Struct::size) bytes into a Rust value (see [`unpack_as`]).
    ///
    /// # Errors
    /// [`PackError::RecordArity`] / [`PackError::RecordType`] when the format's values do not
    /// match `T`; [`PackError::UnpackSize`] when `buffer` is not one record long.
    pub fn unpack_as<T: FromRecord>(&self, buffer: &[u8]) -> Result<T, PackError> {
        let plan = plan_for::<T>(self)?;
        if buffer.len() != self.size() {
            return Err(PackError::UnpackSize { size: self.size() });
        }
        Ok(T::read(buffer, &plan))
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
/// [`Element`], a tuple of them, or an array (see [`FromRecord`]). The typed counterpart of
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
    plan: T::Plan,
    _t: PhantomData<fn() -> T>,
}

impl<T: FromRecord> Clone for IterUnpackAs<'_, T> {
    fn clone(&self) -> Self {
        IterUnpackAs {
            chunks: self.chunks.clone(),
            plan: self.plan,
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
        self.chunks.next().map(|c| T::read(c, plan))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.chunks.size_hint()
    }

    fn nth(&mut self, n: usize) -> Option<T> {
        let plan = &self.plan;
        self.chunks.nth(n).map(|c| T::read(c, plan))
    }
}

impl<T: FromRecord> DoubleEndedIterator for IterUnpackAs<'_, T> {
    fn next_back(&mut self) -> Option<T> {
        let plan = &self.plan;
        self.chunks.next_back().map(|c| T::read(c, plan))
    }
}

impl<T: FromRecord> ExactSizeIterator for IterUnpackAs<'_, T> {}

impl<T: FromRecord> FusedIterator for IterUnpackAs<'_, T> {}
