//! The `struct` module API: [`calcsize`], [`pack`], [`unpack`], [`pack_into`],
//! [`unpack_from`], [`iter_unpack`], and the compiled [`Struct`] they forward to.
//!
//! Results and error messages are CPython's (3.12+) wherever CPython accepts the format; on top
//! of that every PEP 3118 format works (`T{...}`, `(2,3)d`, `Zd`, `g`, `w`, `&i`, ...).
//!
//! Values map to the top-level fields of the format, one value per field, like the arguments
//! of Python's `struct.pack(fmt, *values)`: `'2i'` takes two `Int`s, `'10s'` one `Bytes`, a
//! `T{...}` field a `Tuple` (or `Record`), a sub-array field such as `'(2,3)d'` nested `List`s.
//!
//! ```
//! use memview::{pack, unpack, Value};
//! let bytes = pack("<hd?", &[Value::from(-2), Value::from(1.5), Value::from(true)])?;
//! assert_eq!(bytes.len(), 11);
//! let values = unpack("<hd?", &bytes)?;
//! assert_eq!(Value::Tuple(values).to_string(), "(-2, 1.5, True)");
//! # Ok::<(), memview::PackError>(())
//! ```
//!
//! The module-level functions parse the format on every call; for repeated use, compile it
//! once with [`Struct::new`].
//!
//! When the values are numbers and the program wants them as Rust numbers, [`unpack_as`] and
//! [`iter_unpack_as`] skip `Value` altogether: the format is checked once against a tuple or
//! array type (`(i32, u64)` for `'<iQ'`, any byte order), then each record is a few loads.

#![forbid(unsafe_code)]

/// The most values a record may have for the precomputed per-value decoding plan.
const FAST_PLAN_MAX: usize = 1 << 16;

use std::borrow::Cow;
use std::fmt;
use std::mem::ManuallyDrop;
use std::sync::OnceLock;

use crate::codec::{self, FastScalar, PackError};
use crate::format::{simple, Dialect, FieldType, Format, FormatError};
use crate::value::Value;

/// The size in bytes of the struct described by `fmt` (`struct.calcsize`).
///
/// ```
/// assert_eq!(memview::calcsize("qc0q")?, 16);
/// assert_eq!(memview::calcsize("T{ib}")?, 8);
/// # Ok::<(), memview::format::FormatError>(())
/// ```
pub fn calcsize(fmt: &str) -> Result<usize, FormatError> {
    Ok(Format::parse(fmt)?.itemsize())
}

/// Pack `values` according to `fmt` (`struct.pack(fmt, *values)`).
pub fn pack(fmt: &str, values: &[Value]) -> Result<Vec<u8>, PackError> {
    Struct::new(fmt)?.pack(values)
}

/// Unpack exactly `calcsize(fmt)` bytes; one value per top-level field (`struct.unpack`).
pub fn unpack(fmt: &str, buffer: &[u8]) -> Result<Vec<Value>, PackError> {
    Struct::new(fmt)?.unpack(buffer)
}

/// Pack `values` into `buffer` at `offset` (negative counts from the end), like
/// `struct.pack_into`. On error the buffer is unchanged.
pub fn pack_into(
    fmt: &str,
    buffer: &mut [u8],
    offset: isize,
    values: &[Value],
) -> Result<(), PackError> {
    Struct::new(fmt)?.pack_into(buffer, offset, values)
}

/// Unpack from `buffer` at `offset` (negative counts from the end), like `struct.unpack_from`.
pub fn unpack_from(fmt: &str, buffer: &[u8], offset: isize) -> Result<Vec<Value>, PackError> {
    Struct::new(fmt)?.unpack_from(buffer, offset)
}

/// Iterate over consecutive records of `fmt` in `buffer` (`struct.iter_unpack`).
///
/// The checks (non-zero size, length a multiple of it) happen up front; the items are
/// `Result`s because decoding `u`/`w` text can still fail on invalid code points. Each record
/// is a [`Record`]: a slice of values (one per top-level field) that compares equal to the
/// `Vec<Value>` [`unpack`] returns, stored inline for records of up to three values.
///
/// ```
/// let buf = memview::pack("<hh", &[1.into(), 2.into()])?;
/// let rows: Vec<_> = memview::iter_unpack("<h", &buf)?.collect::<Result<_, _>>()?;
/// assert_eq!(rows, vec![vec![1.into()], vec![2.into()]]);
/// # Ok::<(), memview::PackError>(())
/// ```
pub fn iter_unpack<'a>(fmt: &str, buffer: &'a [u8]) -> Result<IterUnpack<'a>, PackError> {
    IterUnpack::new(Cow::Owned(Struct::new(fmt)?), buffer)
}

/// How [`Struct`] decodes one record.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Plan {
    /// Every top-level field is a scalar with an infallible fast decoder, lying within the
    /// record: (offset, decoder) pairs.
    Fast(Vec<(usize, FastScalar)>),
    /// Anything else: the general codec.
    General,
}

/// A compiled format (Python's `struct.Struct`): parse once, pack and unpack many times.
///
/// ```
/// use memview::{Struct, Value};
/// let s = Struct::new("<iQ")?;
/// assert_eq!(s.size(), 12);
/// let bytes = s.pack(&[Value::from(-1), Value::from(u64::MAX)])?;
/// assert_eq!(s.unpack(&bytes)?, vec![Value::from(-1), Value::from(u64::MAX)]);
/// # Ok::<(), memview::PackError>(())
/// ```
#[derive(Clone)]
pub struct Struct {
    /// The format text as given.
    text: Box<str>,
    /// The record's size in bytes.
    size: usize,
    /// Values per record.
    count: usize,
    /// The parsed format. [`Struct::new`] lays a plain `struct` format (an optional byte
    /// order, then counts and one-letter codes) out in one pass straight into the plan, as
    /// CPython's `struct.Struct` compiles its codes, and parses the [`Format`] on first use:
    /// building its 30 fields and dropping them was half of `Struct::new` of a 30-field
    /// format (callgrind, `benches/sweep.rs` `fixed`).
    format: OnceLock<Format>,
    plan: Plan,
}

impl PartialEq for Struct {
    /// Equal formats (text, dialect and layout).
    fn eq(&self, other: &Struct) -> bool {
        self.as_format() == other.as_format()
    }
}

impl Eq for Struct {}

impl fmt::Debug for Struct {
    /// The format (parsed if it was not yet) and the plan.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Struct")
            .field("format", self.as_format())
            .field("plan", &self.plan)
            .finish()
    }
}

/// Every value's offset and fast decoder, when each is a plain scalar inside the record;
/// `count` is the number of values.
fn fast_plan(format: &Format, size: usize, count: usize) -> Option<Vec<(usize, FastScalar)>> {
    let mut plan = Vec::with_capacity(count);
    for f in format.fields() {
        let FieldType::Scalar(s) = &f.ty else {
            return None;
        };
        if !f.shape.is_empty() {
            return None;
        }
        let fast = FastScalar::of(s)?;
        // The copies lie back to back; the last one ends at `offset + repeat * size`.
        if f.repeat.checked_mul(s.size)?.checked_add(f.offset)? > size {
            return None;
        }
        if f.repeat == 1 {
            plan.push((f.offset, fast));
        } else {
            plan.extend(f.copy_offsets().map(|offset| (offset, fast)));
        }
    }
    Some(plan)
}

impl Struct {
    /// Compile `fmt` (in the `struct` dialect).
    pub fn new(fmt: &str) -> Result<Struct, FormatError> {
        if let Some(st) = Struct::one_pass(fmt) {
            return Ok(st);
        }
        Ok(Struct::from_format(Format::parse(fmt)?))
    }

    /// A plain `struct` format whose every value has a fast decoder, laid out in one pass
    /// into the plan without a [`Format`]; `None` for any other format (and every error),
    /// which [`Format::parse`] handles.
    fn one_pass(fmt: &str) -> Option<Struct> {
        // One step per field unless counts repeat them.
        let mut plan = Vec::with_capacity(fmt.len());
        let summary = simple::scan(fmt, Dialect::Struct, |item| {
            let fast = FastScalar::of_parts(item.kind, item.size, item.endian)?;
            if item.copies > FAST_PLAN_MAX - plan.len() {
                return None;
            }
            // The scan lays the copies out back to back within the record.
            plan.extend((0..item.copies).map(|i| (item.offset + i * item.size, fast)));
            Some(())
        })?;
        Some(Struct {
            text: fmt.into(),
            size: summary.size,
            count: plan.len(),
            format: OnceLock::new(),
            plan: Plan::Fast(plan),
        })
    }

    /// Use an already parsed format (in any dialect).
    pub fn from_format(format: Format) -> Struct {
        let size = format.itemsize();
        // The fast plan lists every value; a huge top-level count (`'100000000i'`) stays on
        // the general path rather than allocating a plan as long as the record.
        let count = format.layout().value_count();
        let fast = (count <= FAST_PLAN_MAX)
            .then(|| fast_plan(&format, size, count))
            .flatten();
        let plan = fast.map_or(Plan::General, Plan::Fast);
        Struct {
            text: format.as_str().into(),
            size,
            count,
            format: OnceLock::from(format),
            plan,
        }
    }

    /// The format text as given (Python's `Struct.format`).
    pub fn format(&self) -> &str {
        &self.text
    }

    /// The parsed format.
    pub fn as_format(&self) -> &Format {
        self.format.get_or_init(|| match Format::parse(&self.text) {
            Ok(format) => format,
            Err(e) => unreachable!("{:?} was laid out when the Struct was made: {e}", self.text),
        })
    }

    /// The size in bytes of one record (Python's `Struct.size`).
    pub fn size(&self) -> usize {
        self.size
    }

    /// How many values [`pack`](Struct::pack) takes and [`unpack`](Struct::unpack) returns
    /// (one per top-level field; `s`/`p` count as one, `x` as none).
    pub fn value_count(&self) -> usize {
        self.count
    }

    fn check_count(&self, function: &'static str, got: usize) -> Result<(), PackError> {
        let expected = self.value_count();
        if got == expected {
            Ok(())
        } else {
            Err(PackError::ItemCount {
                function,
                expected,
                got,
            })
        }
    }

    /// Pack `values` (one per top-level field) into a new buffer of [`size`](Struct::size)
    /// bytes, padding zeroed.
    pub fn pack(&self, values: &[Value]) -> Result<Vec<u8>, PackError> {
        self.check_count("pack", values.len())?;
        let mut out = vec![0u8; self.size()];
        codec::encode_fields(self.as_format().layout(), values, &mut out)?;
        Ok(out)
    }

    /// Pack `values` into `buffer` at `offset`; a negative offset counts from the end.
    /// CPython's checks and messages; on error the buffer is unchanged.
    pub fn pack_into(
        &self,
        buffer: &mut [u8],
        offset: isize,
        values: &[Value],
    ) -> Result<(), PackError> {
        self.check_count("pack_into", values.len())?;
        let start = self.resolve_offset("pack_into", buffer.len(), offset)?;
        let packed = self.pack(values)?;
        let end = start.saturating_add(packed.len());
        // resolve_offset proved start + size <= len.
        if let Some(dst) = buffer.get_mut(start..end) {
            dst.copy_from_slice(&packed);
        }
        Ok(())
    }

    /// Unpack a buffer of exactly [`size`](Struct::size) bytes into one value per top-level
    /// field.
    pub fn unpack(&self, buffer: &[u8]) -> Result<Vec<Value>, PackError> {
        if buffer.len() != self.size() {
            return Err(PackError::UnpackSize { size: self.size() });
        }
        self.unpack_record(buffer)
    }

    /// Unpack from `buffer` at `offset` (negative counts from the end); the buffer may be
    /// longer than needed.
    pub fn unpack_from(&self, buffer: &[u8], offset: isize) -> Result<Vec<Value>, PackError> {
        let start = self.resolve_offset("unpack_from", buffer.len(), offset)?;
        let rest = buffer.get(start..).unwrap_or_default();
        self.unpack_record(rest)
    }

    /// Iterate over the consecutive records of `buffer` (`Struct.iter_unpack`).
    pub fn iter_unpack<'a>(&'a self, buffer: &'a [u8]) -> Result<IterUnpack<'a>, PackError> {
        IterUnpack::new(Cow::Borrowed(self), buffer)
    }

    /// CPython's offset rules for `pack_into` and `unpack_from`: returns the start index, with
    /// `start + size <= len` guaranteed.
    fn resolve_offset(
        &self,
        function: &'static str,
        len: usize,
        offset: isize,
    ) -> Result<usize, PackError> {
        let size = self.size();
        // All arithmetic in i128: no overflow for any isize/usize inputs.
        let (size_w, len_w) = (size as i128, len as i128);
        let mut off = offset as i128;
        if off < 0 {
            if off + size_w > 0 {
                return Err(PackError::NegativeOffsetTooLarge {
                    function,
                    size,
                    offset,
                });
            }
            if off + len_w < 0 {
                return Err(PackError::OffsetOutOfRange { offset, len });
            }
            off += len_w;
        }
        if len_w - off < size_w {
            return Err(PackError::BufferTooShort {
                function,
                needed: u128::try_from(size_w + off).unwrap_or(0),
                size,
                // off is either the given non-negative offset or offset + len in [0, len].
                offset: isize::try_from(off).unwrap_or(offset),
                actual: len,
            });
        }
        usize::try_from(off).map_err(|_| PackError::OffsetOutOfRange { offset, len })
    }

    /// Decode one record from the start of `bytes` (at least `size` bytes).
    fn unpack_record(&self, bytes: &[u8]) -> Result<Vec<Value>, PackError> {
        match &self.plan {
            // Collecting from a mapped slice iterator allocates once and writes each value in
            // place. Every field lies within `size` bytes (checked in `from_format`).
            Plan::Fast(steps) if bytes.len() >= self.size() => Ok(steps
                .iter()
                .map(|&(offset, f)| f.decode(bytes.get(offset..).unwrap_or_default()))
                .collect()),
            _ => codec::decode_fields(self.as_format().layout(), bytes),
        }
    }

    /// Like [`unpack_record`](Self::unpack_record), appending to `out` (no allocation once
    /// `out` has room).
    fn unpack_record_into(&self, bytes: &[u8], out: &mut Vec<Value>) -> Result<(), PackError> {
        match &self.plan {
            Plan::Fast(steps) if bytes.len() >= self.size() => {
                out.extend(
                    steps
                        .iter()
                        .map(|&(offset, f)| f.decode(bytes.get(offset..).unwrap_or_default())),
                );
                Ok(())
            }
            _ => {
                out.extend(codec::decode_fields(self.as_format().layout(), bytes)?);
                Ok(())
            }
        }
    }

    /// Decode one record into `out`, replacing its contents. When `out` already holds one
    /// value per field (the previous record) and the plan is `Fast`, the values are overwritten
    /// in place, and old values that own no heap memory are forgotten instead of dropped: the
    /// out-of-line `drop_in_place::<Value>` call per field was a fifth of the per-record cost of
    /// `next_into` (callgrind, `benches/codec.rs`).
    fn overwrite_record(&self, bytes: &[u8], out: &mut Vec<Value>) -> Result<(), PackError> {
        match &self.plan {
            Plan::Fast(steps) if bytes.len() >= self.size() && out.len() == steps.len() => {
                for (slot, &(offset, f)) in out.iter_mut().zip(steps) {
                    let old =
                        std::mem::replace(slot, f.decode(bytes.get(offset..).unwrap_or_default()));
                    if matches!(old, Value::Int(_) | Value::Float(_) | Value::Bool(_)) {
                        std::mem::forget(old);
                    }
                }
                Ok(())
            }
            _ => {
                out.clear();
                self.unpack_record_into(bytes, out)
            }
        }
    }

    /// Unpack a buffer of exactly [`size`](Struct::size) bytes into `out` (cleared first),
    /// reusing its allocation: the allocation-free form of [`unpack`](Struct::unpack).
    pub fn unpack_into(&self, buffer: &[u8], out: &mut Vec<Value>) -> Result<(), PackError> {
        if buffer.len() != self.size() {
            return Err(PackError::UnpackSize { size: self.size() });
        }
        out.clear();
        self.unpack_record_into(buffer, out)
    }
}

/// Iterator over the records of a buffer, from [`iter_unpack`] or [`Struct::iter_unpack`].
#[derive(Clone, Debug)]
pub struct IterUnpack<'a> {
    st: Cow<'a, Struct>,
    chunks: std::slice::ChunksExact<'a, u8>,
    /// The `Fast` plan copied out of `st` when it fits a [`Record`] inline: no `Cow` or
    /// `Vec` indirection per record.
    small: Option<SmallPlan>,
}

/// A `Fast` plan of at most [`Record::INLINE`] values, by value.
#[derive(Clone, Copy, Debug)]
struct SmallPlan {
    len: usize,
    /// No step decodes to a value that owns heap memory (every one but `c`).
    plain: bool,
    steps: [(usize, FastScalar); Record::INLINE],
}

impl SmallPlan {
    fn of(st: &Struct) -> Option<SmallPlan> {
        let Plan::Fast(steps) = &st.plan else {
            return None;
        };
        let mut plan = SmallPlan {
            len: steps.len(),
            plain: steps
                .iter()
                .all(|(_, f)| !matches!(f, FastScalar::Char | FastScalar::Bytes(_))),
            steps: [(0, FastScalar::U8); Record::INLINE],
        };
        if steps.len() > Record::INLINE {
            return None;
        }
        for (slot, &step) in plan.steps.iter_mut().zip(steps) {
            *slot = step;
        }
        Some(plan)
    }

    /// Decode one record into `values`, a fresh [`Record::EMPTY`]'s slots; `bytes` is one
    /// whole record (each field lies within it, checked in `Struct::from_format`), so no
    /// value reads past it. The slots past the record's values keep the heap-free
    /// placeholder, and so do the overwritten ones: forgetting them is free (an explicit loop
    /// rather than `array::from_fn`, which did not inline: callgrind, `benches/codec.rs`).
    #[inline(always)]
    fn decode_into(&self, bytes: &[u8], values: &mut [Value; Record::INLINE]) {
        for (slot, &(offset, f)) in values.iter_mut().zip(&self.steps).take(self.len) {
            let decoded = f.decode(bytes.get(offset..).unwrap_or_default());
            std::mem::forget(std::mem::replace(slot, decoded));
        }
    }
}

impl<'a> IterUnpack<'a> {
    fn new(st: Cow<'a, Struct>, buffer: &'a [u8]) -> Result<IterUnpack<'a>, PackError> {
        let size = st.size();
        if size == 0 {
            return Err(PackError::IterZeroSize);
        }
        if !buffer.len().is_multiple_of(size) {
            return Err(PackError::IterNotMultiple { size });
        }
        Ok(IterUnpack {
            small: SmallPlan::of(&st),
            st,
            chunks: buffer.chunks_exact(size),
        })
    }

    /// Decode one record (a whole chunk): the small plan inline at the call site, anything
    /// else out of line (when both were one function it was not inlined into callers, and
    /// `next` cost twice `next_into`: criterion, `benches/codec.rs`).
    ///
    /// Both ways write into one `item`, made before the branch: the small plan fills its
    /// slots in place, `general` overwrites it through a reference. When each way returned
    /// its own record, the two were merged through a stack copy, and the small plan's values
    /// were copied twice more on their way out: 24 ns per `<iQ` record, now 13.5 ns
    /// (criterion, `benches/sweep.rs`), at about the same instruction count (callgrind).
    #[inline(always)]
    fn record(&self, chunk: &[u8]) -> Result<Record, PackError> {
        let mut item = Ok(Record::EMPTY);
        match (&self.small, &mut item) {
            (Some(plan), Ok(Record(Repr::Inline { len, plain, values }))) => {
                *len = plan.len;
                *plain = plan.plain;
                plan.decode_into(chunk, values);
            }
            _ => self.general(chunk, &mut item),
        }
        item
    }

    /// Decode a record that the small plan does not cover into `out`, out of line.
    #[inline(never)]
    fn general(&self, chunk: &[u8], out: &mut Result<Record, PackError>) {
        *out = self.st.unpack_record(chunk).map(Record::from);
    }
}

impl IterUnpack<'_> {
    /// Decode the next record into `out` (cleared first), reusing its allocation; `None` at
    /// the end. The allocation-free alternative to [`next`](Iterator::next):
    ///
    /// ```
    /// let buf = memview::pack("<iQ<iQ", &[1.into(), 2.into(), 3.into(), 4.into()])?;
    /// let mut it = memview::iter_unpack("<iQ", &buf)?;
    /// let mut record = Vec::new();
    /// let mut sum = 0;
    /// while let Some(r) = it.next_into(&mut record) {
    ///     r?;
    ///     sum += record[1].as_int().unwrap_or(0);
    /// }
    /// assert_eq!(sum, 6);
    /// # Ok::<(), memview::PackError>(())
    /// ```
    pub fn next_into(&mut self, out: &mut Vec<Value>) -> Option<Result<(), PackError>> {
        let chunk = self.chunks.next()?;
        Some(self.st.overwrite_record(chunk, out))
    }
}

impl Iterator for IterUnpack<'_> {
    type Item = Result<Record, PackError>;

    // Always inlined: called out of line, the 160-byte item went through memory and `next`
    // cost ~3x `next_into` per record (criterion, `benches/codec.rs`).
    #[inline(always)]
    fn next(&mut self) -> Option<Self::Item> {
        self.chunks.next().map(|c| self.record(c))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.chunks.size_hint()
    }

    fn nth(&mut self, n: usize) -> Option<Self::Item> {
        self.chunks.nth(n).map(|c| self.record(c))
    }
}

impl ExactSizeIterator for IterUnpack<'_> {}

impl DoubleEndedIterator for IterUnpack<'_> {
    fn next_back(&mut self) -> Option<Self::Item> {
        self.chunks.next_back().map(|c| self.record(c))
    }
}

impl std::iter::FusedIterator for IterUnpack<'_> {}

/// One record from [`IterUnpack`]: the values of its top-level fields, like the `Vec<Value>`
/// of [`unpack`], but without a heap allocation for records of up to [`Record::INLINE`]
/// values (`'<iQ'`, `'<hd?'`, ...), which are kept inline.
///
/// It dereferences to `[Value]` (index it, iterate it, `len()`, pattern-match
/// `&record[..]`), iterates by value with `into_iter()`, converts with
/// [`into_vec`](Record::into_vec) (or `Vec::from`), and compares equal to a `Vec<Value>` or
/// `[Value]` holding equal values (Python `==` per value).
///
/// ```
/// use memview::{pack::Record, Value};
/// let buf = memview::pack("<iQ", &[Value::from(-1), Value::from(7u64)])?;
/// let record: Record = memview::iter_unpack("<iQ", &buf)?.next().unwrap()?;
/// assert_eq!(record.len(), 2);
/// assert_eq!(record[1], Value::from(7));
/// assert_eq!(record, vec![Value::from(-1), Value::from(7)]);
/// assert_eq!(Value::Tuple(record.into_vec()).to_string(), "(-1, 7)");
/// # Ok::<(), memview::PackError>(())
/// ```
#[derive(Clone)]
pub struct Record(Repr);

#[derive(Clone)]
enum Repr {
    /// The first `len` values are the record's; the rest are [`Record::PLACEHOLDER`]s.
    /// `ManuallyDrop`: [`Record`]'s `Drop` releases the values that own heap memory with
    /// an inline check of each value's variant; the array's drop glue would call the
    /// out-of-line `drop_in_place::<Value>` for all four slots (a quarter of the cost of
    /// `next` for `<iQ`: callgrind, `benches/codec.rs`).
    Inline {
        len: usize,
        /// Known to hold only heap-free values, so dropping is a no-op. Set by the decoder,
        /// cleared whenever the values are handed out mutably.
        plain: bool,
        values: ManuallyDrop<[Value; Record::INLINE]>,
    },
    Heap(Vec<Value>),
}

impl Drop for Record {
    // Inlined: a record of plain numbers (the common case) drops with one test.
    #[inline]
    fn drop(&mut self) {
        if let Repr::Inline {
            plain: false,
            len,
            values,
        } = &mut self.0
        {
            Record::release(values.get_mut(..*len).unwrap_or_default());
        }
    }
}

impl Record {
    /// The most values a record keeps inline (larger ones use a `Vec`).
    pub const INLINE: usize = 3;

    /// What fills the unused inline slots: owns no heap memory, so dropping it is free.
    const PLACEHOLDER: Value = Value::Int(0);

    /// The inline record of no values, which the small plan fills in place.
    const EMPTY: Record = Record(Repr::Inline {
        len: 0,
        plain: true,
        values: ManuallyDrop::new([Record::PLACEHOLDER; Record::INLINE]),
    });

    /// Drop the values in `slots` that own heap memory, leaving placeholders; after it every
    /// slot is heap-free and forgetting the array leaks nothing.
    #[inline(never)]
    fn release(slots: &mut [Value]) {
        for slot in slots {
            if !matches!(slot, Value::Int(_) | Value::Float(_) | Value::Bool(_)) {
                drop(std::mem::replace(slot, Record::PLACEHOLDER));
            }
        }
    }

    /// The values, as a slice.
    #[inline]
    pub fn as_slice(&self) -> &[Value] {
        match &self.0 {
            Repr::Inline { len, values, .. } => values.get(..*len).unwrap_or_default(),
            Repr::Heap(v) => v,
        }
    }

    /// The values, as a mutable slice.
    pub fn as_mut_slice(&mut self) -> &mut [Value] {
        match &mut self.0 {
            Repr::Inline { len, plain, values } => {
                // The caller may store any value: drop has to look again.
                *plain = false;
                values.get_mut(..*len).unwrap_or_default()
            }
            Repr::Heap(v) => v,
        }
    }

    /// The values as a `Vec` (what [`unpack`] returns); allocates for inline records.
    pub fn into_vec(mut self) -> Vec<Value> {
        match self.take() {
            Repr::Inline { len, values, .. } => ManuallyDrop::into_inner(values)
                .into_iter()
                .take(len)
                .collect(),
            Repr::Heap(v) => v,
        }
    }

    /// Move the representation out, leaving an empty heap record (which drops for free).
    fn take(&mut self) -> Repr {
        std::mem::replace(&mut self.0, Repr::Heap(Vec::new()))
    }
}

impl From<Vec<Value>> for Record {
    fn from(values: Vec<Value>) -> Record {
        Record(Repr::Heap(values))
    }
}

impl From<Record> for Vec<Value> {
    fn from(record: Record) -> Vec<Value> {
        record.into_vec()
    }
}

impl std::ops::Deref for Record {
    type Target = [Value];

    #[inline]
    fn deref(&self) -> &[Value] {
        self.as_slice()
    }
}

impl std::ops::DerefMut for Record {
    fn deref_mut(&mut self) -> &mut [Value] {
        self.as_mut_slice()
    }
}

impl AsRef<[Value]> for Record {
    fn as_ref(&self) -> &[Value] {
        self.as_slice()
    }
}

impl std::fmt::Debug for Record {
    /// Like the `Vec<Value>` it stands for: `[Int(1), Int(2)]`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.as_slice()).finish()
    }
}

impl PartialEq for Record {
    fn eq(&self, other: &Record) -> bool {
        self.as_slice() == other.as_slice()
    }
}

impl PartialEq<[Value]> for Record {
    fn eq(&self, other: &[Value]) -> bool {
        self.as_slice() == other
    }
}

impl PartialEq<Vec<Value>> for Record {
    fn eq(&self, other: &Vec<Value>) -> bool {
        self.as_slice() == other.as_slice()
    }
}

impl<const N: usize> PartialEq<[Value; N]> for Record {
    fn eq(&self, other: &[Value; N]) -> bool {
        self.as_slice() == other.as_slice()
    }
}

impl PartialEq<Record> for Vec<Value> {
    fn eq(&self, other: &Record) -> bool {
        self.as_slice() == other.as_slice()
    }
}

impl PartialEq<Record> for [Value] {
    fn eq(&self, other: &Record) -> bool {
        self == other.as_slice()
    }
}

impl<'r> IntoIterator for &'r Record {
    type Item = &'r Value;
    type IntoIter = std::slice::Iter<'r, Value>;

    fn into_iter(self) -> Self::IntoIter {
        self.as_slice().iter()
    }
}

impl IntoIterator for Record {
    type Item = Value;
    type IntoIter = RecordIntoIter;

    fn into_iter(mut self) -> RecordIntoIter {
        RecordIntoIter(match self.take() {
            Repr::Inline { len, values, .. } => {
                IntoIterRepr::Inline(ManuallyDrop::into_inner(values).into_iter().take(len))
            }
            Repr::Heap(v) => IntoIterRepr::Heap(v.into_iter()),
        })
    }
}

/// The by-value iterator over a [`Record`]'s values (`record.into_iter()`).
#[derive(Clone, Debug)]
pub struct RecordIntoIter(IntoIterRepr);

#[derive(Clone, Debug)]
enum IntoIterRepr {
    Inline(std::iter::Take<std::array::IntoIter<Value, { Record::INLINE }>>),
    Heap(std::vec::IntoIter<Value>),
}

impl Iterator for RecordIntoIter {
    type Item = Value;

    fn next(&mut self) -> Option<Value> {
        match &mut self.0 {
            IntoIterRepr::Inline(it) => it.next(),
            IntoIterRepr::Heap(it) => it.next(),
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        match &self.0 {
            IntoIterRepr::Inline(it) => it.size_hint(),
            IntoIterRepr::Heap(it) => it.size_hint(),
        }
    }
}

impl DoubleEndedIterator for RecordIntoIter {
    fn next_back(&mut self) -> Option<Value> {
        match &mut self.0 {
            IntoIterRepr::Inline(it) => it.next_back(),
            IntoIterRepr::Heap(it) => it.next_back(),
        }
    }
}

impl ExactSizeIterator for RecordIntoIter {}

impl std::iter::FusedIterator for RecordIntoIter {}

mod typed;
pub use typed::{iter_unpack_as, unpack_as, FromRecord, IterUnpackAs};

#[cfg(test)]
mod tests;
