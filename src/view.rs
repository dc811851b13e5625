//! N-dimensional views over byte buffers: [`MemoryView`] (shared) and [`MemoryViewMut`]
//! (writable), Python's `memoryview` generalised to every PEP 3118 format and to NumPy's basic
//! indexing. Both are one type, [`ViewBase`], over two storages ([`Shared`], [`Exclusive`]),
//! as ndarray's `ArrayView` and `ArrayViewMut` are one `ArrayBase`: every read method is
//! written once and works on both.
//!
//! A view is a buffer plus a [`Format`], an itemsize, a shape, byte strides (signed) and the
//! byte offset of element `[0, ..., 0]`. The geometry is validated once when the view is made
//! (every reachable byte inside the buffer, checked arithmetic, at most 64 dimensions); after
//! that, selecting, transposing, casting and copying are pure stride arithmetic, and element
//! access needs no further bounds checks. The invariant is written down in the private `raw`
//! module, the only one with `unsafe` code.
//!
//! # A tour, with the Python beside each step
//!
//! Construction and attributes:
//!
//! ```
//! use memview::{MemoryView, Order, Value};
//!
//! let bytes: Vec<u8> = (0..24).collect();
//! let m = MemoryView::new(&bytes);                    // m = memoryview(bytes(range(24)))
//! assert_eq!((m.format().as_str(), m.itemsize(), m.shape()), ("B", 1, &[24][..]));
//! let x = MemoryView::from_parts(&bytes, "B", &[2, 3, 4], None, 0)?; // m.cast('B', [2, 3, 4])
//! assert_eq!(x.strides(), &[12, 4, 1]);              // x.strides == (12, 4, 1)
//! assert_eq!((x.ndim(), x.len()?, x.nbytes()), (3, 2, 24));
//! assert!(x.is_c_contiguous() && !x.is_f_contiguous());
//! // Any layout that stays inside the buffer: negative strides, an offset, padding...
//! let rev = MemoryView::from_parts(&bytes, "B", &[3], Some(&[-2]), 4)?;
//! assert_eq!(rev.to_list()?.to_string(), "[4, 2, 0]");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Indexing and slicing, N-dimensional (NumPy basic indexing with Python's slice rules), from
//! subscript text or typed [`SliceArg`]s:
//!
//! ```
//! # use memview::{MemoryView, Order, SliceArg, Value};
//! # let bytes: Vec<u8> = (0..24).collect();
//! # let x = MemoryView::from_parts(&bytes, "B", &[2, 3, 4], None, 0)?;
//! let s = x.select("1:, ::-2, ...")?;                 // a[1:, ::-2, ...]   (NumPy)
//! assert_eq!((s.shape(), s.strides()), (&[1, 2, 4][..], &[12, -8, 1][..]));
//! let s = x.select("0, None")?;                       // a[0, None]
//! assert_eq!(s.shape(), &[1, 3, 4]);
//! let s = x.select_with(&[SliceArg::Ellipsis, SliceArg::Index(-1)])?; // a[..., -1]
//! assert_eq!(s.to_list()?.to_string(), "[[3, 7, 11], [15, 19, 23]]");
//! assert_eq!(x.get(&[1, 2, 3])?, Value::Int(23));       // a[1, 2, 3]
//! let e = x.select("5").unwrap_err();
//! assert_eq!(e.to_string(), "index 5 is out of bounds for axis 0 with size 2");
//! let t = x.transpose();                              // a.T
//! assert_eq!(t.shape(), &[4, 3, 2]);
//! assert_eq!(x.reshape(&[4, 6])?.shape(), &[4, 6]);   // a.reshape(4, 6)
//! let rows: Vec<String> = x.iter()?.map(|r| r.hex(None, 0).unwrap()).collect(); // for r in m
//! assert_eq!(rows.len(), 2);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Casting, reading out, comparing:
//!
//! ```
//! # use memview::{MemoryView, Order};
//! let bytes = [1u8, 0, 0, 0, 2, 0, 0, 0];
//! let m = MemoryView::new(&bytes);
//! let i = m.cast("<i", None)?;                        // m.cast('i')  (little-endian host)
//! assert_eq!(i.to_list()?.to_string(), "[1, 2]");     // m.cast('i').tolist()
//! let h = i.cast("<h", Some(&[2, 2]))?;               // CPython refuses i -> h; allowed here
//! assert_eq!(h.to_list()?.to_string(), "[[1, 0], [2, 0]]");
//! assert_eq!(h.to_bytes(Order::F), [1, 0, 2, 0, 0, 0, 0, 0]); // h.tobytes('F')
//! assert_eq!(m.hex(Some(':'), 4)?, "01000000:02000000");  // m.hex(':', 4)
//! let d = [1.0f64, 2.0].map(f64::to_le_bytes).concat();
//! assert!(i == MemoryView::from_parts(&d, "<d", &[2], None, 0)?); // == array('d', [1.0, 2.0])
//! assert!(m.cast("c", None)? != m);                   // b'\x01' != 1
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Writing, and buffer requests:
//!
//! ```
//! use memview::{BufferFlags, MemoryView, MemoryViewMut, Order};
//!
//! let mut data = *b"abcdef";                          // data = bytearray(b'abcdef')
//! let mut v = MemoryViewMut::new(&mut data);          // v = memoryview(data)
//! v.set(&[0], b'z')?;                                 // v[0] = ord('z')
//! v.assign("1:3", &MemoryView::new(b"12"))?;          // v[1:3] = b'12'
//! v.assign_within("3:6", "0:3")?;                     // v[3:6] = v[0:3]
//! assert_eq!(v.to_bytes(Order::C), b"z12z12");
//! v.select_mut("::2")?.fill(b'-')?;
//! assert_eq!(v.buffer()?, b"-1-z-2");
//! let info = v.as_view().select("::2")?.request(BufferFlags::FULL_RO)?;
//! assert_eq!((info.shape, info.strides), (Some(vec![3]), Some(vec![2])));
//! let e = v.as_view().request(BufferFlags::WRITABLE).unwrap_err();
//! assert_eq!(e.to_string(), "memoryview: underlying buffer is not writable");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Decisions (where CPython and NumPy are silent or disagree)
//!
//! * Where CPython accepts an input, the answer is CPython's. Beyond it: N-D sub-views and
//!   slicing, `...` and `None` on any view, item access and `to_list` for every format (structs,
//!   sub-arrays, non-native byte orders, `Zd`, `g`, `w`...), N-D assignment, and the casts
//!   listed below.
//! * A slice multiplies the stride by the step, as CPython does, even when the result is empty
//!   (`b"abc"[1:1:-1]` has stride -1; NumPy would keep 1). An empty selection keeps the offset.
//! * An empty view is contiguous in both orders (`PyBuffer_IsContiguous`), so it can be cast;
//!   CPython's 1-D flag says otherwise for empty negative-stride slices.
//! * `select("")` and `select("()")` both mean the empty tuple: the whole view, unchanged
//!   (on a 0-dim view, `get(&[])` reads the element).
//! * `len()` of a 0-dim view is an error (CPython 3.12+), and so is `iter()`.
//! * `MemoryView` is always read-only and `MemoryViewMut` always writable: a `WRITABLE` buffer
//!   request fails on the first and succeeds on the second.
//! * `cast` accepts everything CPython accepts with CPython's result (the format text is kept as
//!   given, `'@i'` stays `'@i'`), and also casts to any format (`'<i'`, `'hhi'`, `'T{...}'`),
//!   between two non-byte formats, N-D → N-D and of empty views, whenever the source is
//!   C-contiguous and the byte counts match.
//! * `==` compares values as CPython does; formats CPython's `struct` rejects (`'w'`, `'Zd'`)
//!   compare by their decoded values here instead of being always unequal.
//! * Assignment needs equal shapes and equivalent items: equal itemsizes and the same format text
//!   ignoring one leading `'@'`, or equal layouts (`'<i'` and `'=i'`).
//! * Setting values uses the codec's checks: out-of-range integers and float overflow are errors
//!   (CPython stores `inf` for `'f'`); the message says "invalid type" or "invalid value" as
//!   CPython's `TypeError`/`ValueError` does, followed by the reason.

#[cfg(test)]
mod api_tests;
mod copy;
mod error;
mod field;
mod flags;
// The one module of the view layer with `unsafe` code (see its invariant).
#[allow(unsafe_code)]
pub(crate) mod raw;
mod select;
#[cfg(test)]
mod tests;
mod values;

use std::fmt;
use std::str::FromStr;
use std::sync::{Arc, OnceLock};

use crate::format::Format;
use crate::value::Value;

pub use error::ViewError;
pub use flags::{BufferFlags, BufferInfo};
pub use raw::{Exclusive, Lend, Shared, Storage, MAX_NDIM};
pub use select::{adjust_slice, parse_subscript, SliceArg};

pub(crate) use raw::{Derivation, Geometry, Indirect, RawView};

/// The order in which `to_bytes` lays out the elements (CPython's `tobytes(order)`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum Order {
    /// Row-major: the last index varies fastest.
    #[default]
    C,
    /// Column-major (Fortran): the first index varies fastest.
    F,
    /// The physical order if the view is C- or F-contiguous, C order otherwise.
    A,
}

impl FromStr for Order {
    type Err = ViewError;

    /// `"C"`, `"F"` or `"A"` (CPython accepts exactly these, case-sensitively).
    fn from_str(s: &str) -> Result<Order, ViewError> {
        match s {
            "C" => Ok(Order::C),
            "F" => Ok(Order::F),
            "A" => Ok(Order::A),
            _ => Err(ViewError::OrderInvalid {
                text: s.to_string(),
            }),
        }
    }
}

/// The shared `'B'` format of [`ViewBase::new`].
fn byte_format() -> Arc<Format> {
    static BYTE: OnceLock<Arc<Format>> = OnceLock::new();
    BYTE.get_or_init(|| match Format::parse("B") {
        Ok(f) => Arc::new(f),
        Err(e) => unreachable!("'B' is a valid format: {e:?}"),
    })
    .clone()
}

/// The geometry for a new view: itemsize from the format unless given (not smaller than the
/// format's size), C-contiguous strides unless given.
#[inline]
pub(crate) fn geometry_for(
    format: &Format,
    itemsize: Option<usize>,
    shape: &[usize],
    strides: Option<&[isize]>,
    offset: usize,
) -> Result<Geometry, ViewError> {
    let format_size = format.itemsize();
    let itemsize = match itemsize {
        Some(itemsize) if itemsize < format_size => {
            return Err(ViewError::ItemsizeTooSmall {
                itemsize,
                format_size,
            })
        }
        Some(itemsize) => itemsize,
        None => format_size,
    };
    if shape.len() > MAX_NDIM {
        return Err(ViewError::TooManyDimensions { ndim: shape.len() });
    }
    let strides = match strides {
        Some(strides) => strides.into(),
        None => Geometry::c_strides(shape, itemsize).ok_or_else(|| ViewError::SizeOverflow {
            shape: shape.to_vec(),
            itemsize,
        })?,
    };
    Ok(Geometry {
        offset,
        itemsize,
        shape: shape.into(),
        strides,
        indirect: None,
    })
}

/// The geometry of an indirect view: as [`geometry_for`] with explicit strides, plus the
/// PEP 3118 suboffsets turned into levels.
pub(crate) fn indirect_geometry(
    format: &Format,
    itemsize: Option<usize>,
    shape: &[usize],
    strides: &[isize],
    suboffsets: &[isize],
    offset: usize,
) -> Result<Geometry, ViewError> {
    if suboffsets.len() != shape.len() {
        return Err(ViewError::SuboffsetsInvalid {
            suboffsets: suboffsets.to_vec(),
        });
    }
    let mut geom = geometry_for(format, itemsize, shape, Some(strides), offset)?;
    geom.indirect = Indirect::from_pep3118(suboffsets);
    Ok(geom)
}

/// Answer a buffer request for a direct, C- or otherwise-strided layout over `span` bytes
/// without touching the bytes (for exporters whose data other threads may be writing): the
/// geometry is validated as a view's would be, then answered as [`ViewBase::request`] does.
#[cfg_attr(not(feature = "python"), allow(dead_code))]
#[allow(clippy::too_many_arguments)]
pub(crate) fn request_for_layout(
    format: &Format,
    itemsize: usize,
    shape: &[usize],
    strides: &[isize],
    offset: usize,
    span: usize,
    readonly: bool,
    flags: BufferFlags,
) -> Result<BufferInfo, ViewError> {
    let geom = geometry_for(format, Some(itemsize), shape, Some(strides), offset)?;
    geom.validate(span)?;
    flags::request(&geom, format.as_str(), readonly, flags)
}

/// An N-dimensional view of bytes: a storage `S` (how the bytes are borrowed), a [`Format`],
/// an itemsize, a shape, byte strides and the offset of element `[0, …, 0]`.
///
/// Use it through its two aliases, as ndarray's `ArrayBase` is used through `ArrayView` and
/// `ArrayViewMut`:
///
/// * [`MemoryView<'a>`](MemoryView) = `ViewBase<Shared<'a>>`: read-only, `Clone`; Python's
///   `memoryview(b'...')` is `MemoryView::new(bytes)`.
/// * [`MemoryViewMut<'a>`](MemoryViewMut) = `ViewBase<Exclusive<'a>>`: writable as well
///   (`set`, `fill`, `assign`, `copy_from`, the `_mut` selections).
///
/// Every read method is defined once, for both. Those that hand out borrowed data (sub-views,
/// slices, arrays) carry `where S: Lend<'s, 'l>`: from a `MemoryView<'a>` the result lives for
/// `'a`, from a `MemoryViewMut` for the borrow of the view (see [`Lend`]).
///
/// **What the storage borrows.** A view made from a byte slice (`new`, `from_parts`, ...)
/// borrows all of it, and [`buffer`](Self::buffer) returns it. A view of an `ndarray` view
/// whose elements leave gaps ([`from_array`](Self::from_array) of `a.slice(s![.., ..;2])`), or
/// of a strided foreign buffer, borrows only the bytes of its elements — the values between
/// them may be borrowed elsewhere, even mutably — so `buffer` says so instead of handing out
/// the span; everything else (selecting, copying, typed access, `as_array`) works the same.
#[derive(Clone)]
pub struct ViewBase<S: Storage> {
    raw: RawView<S>,
    format: Arc<Format>,
}

/// A read-only N-dimensional view of bytes (see [`ViewBase`]).
///
/// Python's `memoryview(b'...')` is `MemoryView::new(bytes)`: 1-D, format `'B'`. Any other
/// layout is made with [`from_parts`](ViewBase::from_parts). Cloning copies the shape and
/// strides and shares the format.
pub type MemoryView<'a> = ViewBase<Shared<'a>>;

/// A writable N-dimensional view of bytes (see [`ViewBase`]): a [`MemoryView`] that can also
/// `set`, `fill` and `assign`.
pub type MemoryViewMut<'a> = ViewBase<Exclusive<'a>>;

impl<S: Storage> ViewBase<S> {
    /// A 1-D view of `buf` with format `'B'`: Python's `memoryview(buf)`. `buf` is a `&[u8]`
    /// (or `&Vec<u8>`, `&[u8; N]`) for a `MemoryView`, a `&mut [u8]` for a `MemoryViewMut`.
    pub fn new(buf: impl Into<S>) -> Self {
        let store = buf.into();
        let len = store.parts().1;
        let geom = Geometry {
            offset: 0,
            itemsize: 1,
            shape: [len].into(),
            strides: [1].into(),
            indirect: None,
        };
        match RawView::new(store, geom) {
            Ok(raw) => ViewBase {
                raw,
                format: byte_format(),
            },
            // A slice never exceeds isize::MAX bytes, so this 1-D view is always valid.
            Err(e) => unreachable!("1-D byte view of a slice: {e}"),
        }
    }

    /// A view of `buf` with the given format (`struct` dialect), shape, byte strides
    /// (`None` = C-contiguous) and byte offset of element `[0, ..., 0]`; the itemsize is the
    /// format's size.
    pub fn from_parts(
        buf: impl Into<S>,
        format: &str,
        shape: &[usize],
        strides: Option<&[isize]>,
        offset: usize,
    ) -> Result<Self, ViewError> {
        Self::from_format(buf, Format::parse(format)?, None, shape, strides, offset)
    }

    /// As [`from_parts`](Self::from_parts) with an explicit itemsize, which may exceed the
    /// format's size (items with trailing padding, as NumPy and ctypes export them) but not be
    /// smaller.
    pub fn from_parts_with_itemsize(
        buf: impl Into<S>,
        format: &str,
        itemsize: usize,
        shape: &[usize],
        strides: Option<&[isize]>,
        offset: usize,
    ) -> Result<Self, ViewError> {
        let format = Format::parse(format)?;
        Self::from_format(buf, format, Some(itemsize), shape, strides, offset)
    }

    /// The general constructor: an already parsed format (any dialect), an optional explicit
    /// itemsize, shape, optional strides and offset.
    #[inline]
    pub fn from_format(
        buf: impl Into<S>,
        format: impl Into<Arc<Format>>,
        itemsize: Option<usize>,
        shape: &[usize],
        strides: Option<&[isize]>,
        offset: usize,
    ) -> Result<Self, ViewError> {
        let format = format.into();
        let geom = geometry_for(&format, itemsize, shape, strides, offset)?;
        Ok(ViewBase {
            raw: RawView::new(buf.into(), geom)?,
            format,
        })
    }

    /// A view from its validated parts.
    pub(crate) fn from_raw(raw: RawView<S>, format: Arc<Format>) -> Self {
        ViewBase { raw, format }
    }

    /// The raw view (storage and proven geometry).
    pub(crate) fn raw(&self) -> &RawView<S> {
        &self.raw
    }

    /// The format of one item.
    pub fn format(&self) -> &Format {
        &self.format
    }

    /// The shared format of one item.
    pub(crate) fn format_arc(&self) -> &Arc<Format> {
        &self.format
    }

    /// Bytes per item (at least the format's size; more when items carry trailing padding).
    pub fn itemsize(&self) -> usize {
        self.raw.geom().itemsize
    }

    /// Number of dimensions (0 to 64).
    pub fn ndim(&self) -> usize {
        self.raw.geom().ndim()
    }

    /// Extent of each axis.
    pub fn shape(&self) -> &[usize] {
        &self.raw.geom().shape
    }

    /// Byte step of each axis (may be zero or negative, and need not be a multiple of the
    /// itemsize).
    pub fn strides(&self) -> &[isize] {
        &self.raw.geom().strides
    }

    /// Byte offset of element `[0, ..., 0]` from the start of the storage (the start of
    /// [`buffer`](Self::buffer) when the view borrows it).
    pub fn offset(&self) -> usize {
        self.raw.geom().offset
    }

    /// `product(shape) * itemsize`: the size of the data in C order, not the span.
    pub fn nbytes(&self) -> usize {
        self.raw.geom().nbytes()
    }

    /// Number of elements, `product(shape)` (1 for a 0-dim view).
    pub fn num_elements(&self) -> usize {
        self.raw.geom().nelements()
    }

    /// `len(view)`: the extent of the first axis; [`ViewError::NoLength`] for a 0-dim view.
    pub fn len(&self) -> Result<usize, ViewError> {
        self.shape().first().copied().ok_or(ViewError::NoLength)
    }

    /// Whether the view has no elements (some extent is zero).
    pub fn is_empty(&self) -> bool {
        self.shape().contains(&0)
    }

    /// C-contiguous in the sense of `PyBuffer_IsContiguous(view, 'C')`: axes of extent 1
    /// may have any stride, and an empty view is contiguous.
    pub fn is_c_contiguous(&self) -> bool {
        self.raw.geom().is_c_contiguous()
    }

    /// Fortran-contiguous (`PyBuffer_IsContiguous(view, 'F')`).
    pub fn is_f_contiguous(&self) -> bool {
        self.raw.geom().is_f_contiguous()
    }

    /// C- or Fortran-contiguous (`PyBuffer_IsContiguous(view, 'A')`).
    pub fn is_contiguous(&self) -> bool {
        self.is_c_contiguous() || self.is_f_contiguous()
    }

    /// Whether the view follows pointers (PEP 3118 suboffsets, a PIL-style layout). Such a
    /// view is never contiguous, cannot be cast or reshaped, and [`buffer`](Self::buffer)
    /// holds its first pointers rather than its elements.
    pub fn is_indirect(&self) -> bool {
        self.raw.geom().indirect.is_some()
    }

    /// The PEP 3118 suboffsets (one per axis, `-1` where no pointer is followed), or
    /// `None` for a direct view. An indirect view whose dereferences no longer fit that
    /// form (axes permuted across a dereference) gives
    /// [`ViewError::SuboffsetsNotRepresentable`].
    pub fn suboffsets(&self) -> Result<Option<Vec<isize>>, ViewError> {
        match &self.raw.geom().indirect {
            None => Ok(None),
            Some(ind) => ind
                .to_pep3118()
                .map(Some)
                .ok_or(ViewError::SuboffsetsNotRepresentable),
        }
    }

    /// Whether the view is read-only: `true` for a `MemoryView`, `false` for a
    /// `MemoryViewMut`.
    pub fn readonly(&self) -> bool {
        S::READONLY
    }

    /// The address of element `[0, …, 0]` (ndarray's `as_ptr`): for handing on, comparing, or
    /// checking that two views share memory. For an indirect view, the address of its first
    /// pointer slot.
    pub fn as_ptr(&self) -> *const u8 {
        self.raw.base().wrapping_add(self.offset())
    }

    /// Whether the view borrows its whole buffer (made from a byte slice), rather than only
    /// the bytes of its elements (a view of an `ndarray` view with gaps, a strided foreign
    /// buffer); only then does [`buffer`](Self::buffer) answer.
    pub fn borrows_buffer(&self) -> bool {
        self.raw.borrows_whole()
    }

    /// The whole underlying buffer (not only the bytes this view reaches); for an indirect
    /// view, the buffer holding its first pointers.
    ///
    /// # Errors
    /// [`ViewError::BufferNotBorrowed`] for a view that borrows only its elements' bytes
    /// (see [`ViewBase`]); its elements are still read with `to_bytes`,
    /// `as_contiguous_bytes`, `get`, `typed` or `as_array`.
    pub fn buffer<'s, 'l>(&'s self) -> Result<&'l [u8], ViewError>
    where
        S: Lend<'s, 'l>,
    {
        self.raw
            .lend()
            .whole_buffer()
            .ok_or(ViewError::BufferNotBorrowed {
                span: self.raw.span_len(),
            })
    }

    /// A read-only view of the same data: a clone for a `MemoryView`, a view borrowing this
    /// one for a `MemoryViewMut`.
    pub fn as_view<'s, 'l>(&'s self) -> MemoryView<'l>
    where
        S: Lend<'s, 'l>,
    {
        ViewBase {
            raw: self.raw.lend(),
            format: self.format.clone(),
        }
    }

    /// `memoryview.toreadonly()`: the same as [`as_view`](Self::as_view).
    pub fn to_readonly<'s, 'l>(&'s self) -> MemoryView<'l>
    where
        S: Lend<'s, 'l>,
    {
        self.as_view()
    }

    /// If the view is C-contiguous, its bytes as one slice, without copying.
    pub fn as_contiguous_bytes<'s, 'l>(&'s self) -> Option<&'l [u8]>
    where
        S: Lend<'s, 'l>,
    {
        self.raw.lend().contiguous()
    }

    /// A read-only view with this view's format and another raw view.
    #[inline]
    fn shared_with<'l>(&self, raw: RawView<Shared<'l>>) -> MemoryView<'l> {
        ViewBase {
            raw,
            format: self.format.clone(),
        }
    }

    /// Select with Python subscript text (NumPy basic indexing): `"1:, ::-2, ..."`,
    /// `"0, None"`, `"()"`. See [`parse_subscript`] for the grammar and [`select_with`]
    /// for the semantics.
    ///
    /// [`select_with`]: Self::select_with
    pub fn select<'s, 'l>(&'s self, subscript: &str) -> Result<MemoryView<'l>, ViewError>
    where
        S: Lend<'s, 'l>,
    {
        self.select_with(&parse_subscript(subscript)?)
    }

    /// Select with typed items: integers drop an axis (negative ones count from the end),
    /// slices follow Python's rules, `Ellipsis` stands for as many full slices as needed and
    /// `NewAxis` inserts an axis of length 1 with stride 0. Axes not mentioned are kept.
    /// Integer-only keys (one per axis) give a 0-dim view.
    #[inline]
    pub fn select_with<'s, 'l>(&'s self, args: &[SliceArg]) -> Result<MemoryView<'l>, ViewError>
    where
        S: Lend<'s, 'l>,
    {
        Ok(self.shared_with(self.raw.lend_derived(Derivation::SelectArgs(args))?))
    }

    /// The view with its axes reversed (NumPy's `.T`).
    pub fn transpose<'s, 'l>(&'s self) -> MemoryView<'l>
    where
        S: Lend<'s, 'l>,
    {
        match self.raw.lend_derived(Derivation::Transpose) {
            Ok(raw) => self.shared_with(raw),
            // Reversing the axes of a valid view always gives a valid view.
            Err(e) => unreachable!("transpose of a valid view: {e}"),
        }
    }

    /// The view with axis `k` of the result taken from axis `axes[k]` (NumPy's `transpose(axes)`).
    pub fn permute_axes<'s, 'l>(&'s self, axes: &[usize]) -> Result<MemoryView<'l>, ViewError>
    where
        S: Lend<'s, 'l>,
    {
        Ok(self.shared_with(self.raw.lend_derived(Derivation::Permute(axes))?))
    }

    /// The same elements in a new shape; the view must be C-contiguous.
    pub fn reshape<'s, 'l>(&'s self, shape: &[usize]) -> Result<MemoryView<'l>, ViewError>
    where
        S: Lend<'s, 'l>,
    {
        Ok(self.shared_with(self.raw.lend_derived(Derivation::Reshape(shape))?))
    }

    /// NumPy's `np.broadcast_to(view, shape)`: the same elements repeated to `shape` with
    /// zero strides (axes matched from the end; extents of 1 repeat, missing leading axes are
    /// added). Read-only, as NumPy's result is.
    ///
    /// ```
    /// use memview::MemoryView;
    /// let row = MemoryView::new(&[1, 2, 3]);
    /// let b = row.broadcast_to(&[2, 3])?;
    /// assert_eq!((b.strides(), b.to_list()?.to_string()), (&[0isize, 1][..], "[[1, 2, 3], [1, 2, 3]]".into()));
    /// assert!(row.broadcast_to(&[3, 2]).is_err());
    /// # Ok::<(), memview::ViewError>(())
    /// ```
    pub fn broadcast_to<'s, 'l>(&'s self, shape: &[usize]) -> Result<MemoryView<'l>, ViewError>
    where
        S: Lend<'s, 'l>,
    {
        Ok(self.shared_with(self.raw.lend_derived(Derivation::Broadcast(shape))?))
    }

    /// `memoryview.cast(format, shape)`: reinterpret the bytes of a C-contiguous view as items
    /// of `format` (parsed in the `struct` dialect), 1-D when `shape` is `None`.
    pub fn cast<'s, 'l>(
        &'s self,
        format: &str,
        shape: Option<&[usize]>,
    ) -> Result<MemoryView<'l>, ViewError>
    where
        S: Lend<'s, 'l>,
    {
        self.cast_format(Format::parse(format)?, shape)
    }

    /// [`cast`](Self::cast) to an already parsed format.
    pub fn cast_format<'s, 'l>(
        &'s self,
        format: impl Into<Arc<Format>>,
        shape: Option<&[usize]>,
    ) -> Result<MemoryView<'l>, ViewError>
    where
        S: Lend<'s, 'l>,
    {
        let format = format.into();
        let itemsize = format.itemsize();
        Ok(ViewBase {
            raw: self
                .raw
                .lend_derived(Derivation::Cast { itemsize, shape })?,
            format,
        })
    }

    /// `tobytes(order)`: the elements' bytes, in C, Fortran or physical (`A`) order.
    ///
    /// Like `Vec`, this fails only when the output cannot be allocated, and then it does what
    /// `Vec::with_capacity` does (the allocation-error handler aborts the process). A valid
    /// view can ask for far more than its buffer (a broadcast with zero strides, shape
    /// `[2^40]` over one byte): use [`try_to_bytes`](Self::try_to_bytes) when the view comes
    /// from untrusted input.
    pub fn to_bytes(&self, order: Order) -> Vec<u8> {
        copy::to_bytes(&self.raw, order)
    }

    /// [`to_bytes`](Self::to_bytes), with [`ViewError::AllocationFailed`] (naming the byte
    /// count) instead of an abort when the output cannot be allocated.
    ///
    /// ```
    /// use memview::{MemoryView, Order, ViewError};
    /// let huge = MemoryView::from_parts(&[7u8], "B", &[1 << 60], Some(&[0]), 0)?;
    /// assert_eq!(
    ///     huge.try_to_bytes(Order::C),
    ///     Err(ViewError::AllocationFailed { bytes: 1 << 60 })
    /// );
    /// assert!(huge.to_list().is_err());
    /// # Ok::<(), ViewError>(())
    /// ```
    pub fn try_to_bytes(&self, order: Order) -> Result<Vec<u8>, ViewError> {
        copy::try_to_bytes(&self.raw, order)
    }

    /// `hex(sep, bytes_per_sep)` of the C-order bytes: `sep` between groups of
    /// `|bytes_per_sep|` bytes, counted from the right when positive and from the left when
    /// negative; 0 means no separators.
    pub fn hex(&self, sep: Option<char>, bytes_per_sep: isize) -> Result<String, ViewError> {
        copy::hex(&self.try_to_bytes(Order::C)?, sep, bytes_per_sep)
    }

    /// `view[i, j, ...]`: decode the element at one index per axis (negative indices count
    /// from the end). A 0-dim view takes `&[]`.
    pub fn get(&self, index: &[isize]) -> Result<Value, ViewError> {
        values::get(&self.raw.shared(), self.format.layout(), index)
    }

    /// `tolist()`: nested lists of the decoded elements, or the element itself for a 0-dim
    /// view. Works for every format, structs and sub-arrays included.
    /// [`ViewError::AllocationFailed`] when the lists cannot be allocated (a huge broadcast,
    /// or `shape [2^62, 0]`, which has no elements but 2^62 empty lists).
    pub fn to_list(&self) -> Result<Value, ViewError> {
        values::to_list(&self.raw.shared(), self.format.layout())
    }

    /// The sub-views along the first axis (`view[0]`, `view[1]`, ...); for a 1-D view these
    /// are 0-dim views. [`ViewError::NoLength`] for a 0-dim view.
    pub fn iter<'s, 'l>(&'s self) -> Result<Iter<'l>, ViewError>
    where
        S: Lend<'s, 'l>,
    {
        let len = self.len()?;
        Ok(Iter {
            view: self.as_view(),
            next: 0,
            len,
        })
    }

    /// Answer a buffer request as CPython's memoryview exporter does (a read-only view
    /// refuses `WRITABLE`).
    pub fn request(&self, flags: BufferFlags) -> Result<BufferInfo, ViewError> {
        flags::request(self.raw.geom(), self.format.as_str(), S::READONLY, flags)
    }

    /// What a buffer export of this view hands out: the address of element `[0, ..., 0]` and
    /// the answer to `flags` ([`flags::request`]). An indirect view whose first dereferences
    /// come before any axis (a row of a PIL image: CPython and PEP 3118 cannot express the view
    /// itself) is exported with those dereferences followed, as the plain (or less indirect)
    /// buffer they lead to; everything else exactly as [`request`](Self::request) answers.
    pub(crate) fn export_request(
        &self,
        flags: BufferFlags,
    ) -> Result<(*const u8, BufferInfo), ViewError> {
        let format = self.format.as_str();
        if let Some((base, geom)) = self.raw.resolve_leading() {
            let info = flags::request(&geom, format, S::READONLY, flags)?;
            return Ok((base.wrapping_add(info.offset), info));
        }
        let info = flags::request(self.raw.geom(), format, S::READONLY, flags)?;
        Ok((self.raw.base().wrapping_add(info.offset), info))
    }
}

impl<'a> ViewBase<Exclusive<'a>> {
    /// The whole underlying buffer, writable.
    ///
    /// # Errors
    /// [`ViewError::BufferNotBorrowed`] for a view that borrows only its elements' bytes, and
    /// for an indirect view, whose buffer holds the pointers it follows (overwriting them would
    /// be unsound).
    pub fn buffer_mut(&mut self) -> Result<&mut [u8], ViewError> {
        let span = self.raw.span_len();
        self.raw
            .whole_buffer_mut()
            .ok_or(ViewError::BufferNotBorrowed { span })
    }

    /// Give up writing: a read-only view for the whole lifetime `'a`.
    pub fn into_view(self) -> MemoryView<'a> {
        ViewBase {
            raw: self.raw.into_shared(),
            format: self.format,
        }
    }

    /// A writable view of the same data, borrowing this one (so that `self` can be used again
    /// afterwards).
    pub fn reborrow(&mut self) -> MemoryViewMut<'_> {
        ViewBase {
            raw: self.raw.reborrow(),
            format: self.format.clone(),
        }
    }

    /// [`select`](ViewBase::select), writable.
    pub fn select_mut(&mut self, subscript: &str) -> Result<MemoryViewMut<'_>, ViewError> {
        let args = parse_subscript(subscript)?;
        self.select_with_mut(&args)
    }

    /// [`select_with`](ViewBase::select_with), writable.
    pub fn select_with_mut(&mut self, args: &[SliceArg]) -> Result<MemoryViewMut<'_>, ViewError> {
        let format = self.format.clone();
        Ok(ViewBase {
            raw: self.raw.reborrow_derived(Derivation::SelectArgs(args))?,
            format,
        })
    }

    /// [`permute_axes`](ViewBase::permute_axes), writable.
    pub fn permute_axes_mut(&mut self, axes: &[usize]) -> Result<MemoryViewMut<'_>, ViewError> {
        let format = self.format.clone();
        Ok(ViewBase {
            raw: self.raw.reborrow_derived(Derivation::Permute(axes))?,
            format,
        })
    }

    /// [`transpose`](ViewBase::transpose), writable.
    pub fn transpose_mut(&mut self) -> MemoryViewMut<'_> {
        let format = self.format.clone();
        match self.raw.reborrow_derived(Derivation::Transpose) {
            Ok(raw) => ViewBase { raw, format },
            // Reversing the axes of a valid view always gives a valid view.
            Err(e) => unreachable!("transpose of a valid view: {e}"),
        }
    }

    /// [`reshape`](ViewBase::reshape), writable.
    pub fn reshape_mut(&mut self, shape: &[usize]) -> Result<MemoryViewMut<'_>, ViewError> {
        let format = self.format.clone();
        Ok(ViewBase {
            raw: self.raw.reborrow_derived(Derivation::Reshape(shape))?,
            format,
        })
    }

    /// [`cast`](ViewBase::cast), writable.
    pub fn cast_mut(
        &mut self,
        format: &str,
        shape: Option<&[usize]>,
    ) -> Result<MemoryViewMut<'_>, ViewError> {
        let format = Arc::new(Format::parse(format)?);
        let itemsize = format.itemsize();
        Ok(ViewBase {
            raw: self
                .raw
                .reborrow_derived(Derivation::Cast { itemsize, shape })?,
            format,
        })
    }

    /// `view[i, j, ...] = value`: encode `value` into the element at one index per axis, with
    /// the codec's type and range checks (no silent float overflow).
    pub fn set(&mut self, index: &[isize], value: impl Into<Value>) -> Result<(), ViewError> {
        values::set(&mut self.raw, &self.format, index, &value.into())
    }

    /// Store `value` in every element.
    pub fn fill(&mut self, value: impl Into<Value>) -> Result<(), ViewError> {
        let item = values::encode_item(&self.format, &value.into())?;
        self.raw.fill_item(&item)
    }

    /// `view[selection] = src`: copy `src` into the selected part of this view.
    ///
    /// The shapes must be equal and the items equivalent: equal itemsizes, and the same format
    /// text ignoring one leading `'@'` (CPython's rule) or equal layouts (`'<i'` and `'=i'`).
    /// Borrowing rules keep `src` from aliasing this view; to copy between two parts of the
    /// same buffer use [`assign_within`](Self::assign_within).
    pub fn assign<T: Storage>(
        &mut self,
        selection: &str,
        src: &ViewBase<T>,
    ) -> Result<(), ViewError> {
        self.select_mut(selection)?.copy_from(src)
    }

    /// Copy `src` into the whole of this view (same rules as [`assign`](Self::assign)),
    /// element by element straight from `src`'s memory.
    pub fn copy_from<T: Storage>(&mut self, src: &ViewBase<T>) -> Result<(), ViewError> {
        self.check_assignable(&src.format, src.itemsize(), src.shape())?;
        self.raw.copy_from(&src.raw)
    }

    /// `view[dst] = view[src]` within this one buffer, with `memmove` semantics: the result is
    /// as if the source were copied out before anything was written, however the two
    /// selections overlap.
    ///
    /// When both selections are C-contiguous this is one `memmove`; otherwise the source is
    /// copied out first.
    pub fn assign_within(&mut self, dst: &str, src: &str) -> Result<(), ViewError> {
        let src_plan = select::plan(self.raw.geom(), &parse_subscript(src)?)?;
        let dst_plan = select::plan(self.raw.geom(), &parse_subscript(dst)?)?;
        // Shapes are checked by the copy; the items are this view's on both sides.
        self.raw.copy_within(&dst_plan, &src_plan)
    }

    fn check_assignable(
        &self,
        format: &Format,
        itemsize: usize,
        shape: &[usize],
    ) -> Result<(), ViewError> {
        if !values::equivalent(&self.format, self.itemsize(), format, itemsize) {
            return Err(ViewError::AssignFormatMismatch {
                dst: self.format.as_str().to_string(),
                dst_itemsize: self.itemsize(),
                src: format.as_str().to_string(),
                src_itemsize: itemsize,
            });
        }
        if self.shape() != shape {
            return Err(ViewError::AssignShapeMismatch {
                dst: self.shape().to_vec(),
                src: shape.to_vec(),
            });
        }
        Ok(())
    }

    /// The raw view, writable.
    pub(crate) fn raw_mut(&mut self) -> &mut RawView<Exclusive<'a>> {
        &mut self.raw
    }

    /// What a writable buffer export hands out (see [`ViewBase::export_request`]). For a
    /// direct view the address derives from the exclusive storage, since consumers write
    /// through it; an indirect view's buffer only holds pointers, which are read.
    pub(crate) fn export_request_mut(
        &mut self,
        flags: BufferFlags,
    ) -> Result<(*mut u8, BufferInfo), ViewError> {
        let (base, info) = self.export_request(flags)?;
        if self.is_indirect() {
            return Ok((base as *mut u8, info));
        }
        Ok((self.raw.base_mut().wrapping_add(info.offset), info))
    }
}

impl<S: Storage> fmt::Debug for ViewBase<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let g = self.raw.geom();
        let name = if S::READONLY {
            "MemoryView"
        } else {
            "MemoryViewMut"
        };
        f.debug_struct(name)
            .field("format", &self.format.as_str())
            .field("itemsize", &g.itemsize)
            .field("shape", &g.shape)
            .field("strides", &g.strides)
            .field("offset", &g.offset)
            .field("indirect", &g.indirect)
            .field("buffer_len", &self.raw.span_len())
            .field("borrows_buffer", &self.raw.borrows_whole())
            .finish()
    }
}

/// Iterator over the sub-views along the first axis of a view; see [`ViewBase::iter`].
#[derive(Clone, Debug)]
pub struct Iter<'a> {
    view: MemoryView<'a>,
    next: usize,
    len: usize,
}

impl<'a> Iterator for Iter<'a> {
    type Item = MemoryView<'a>;

    fn next(&mut self) -> Option<MemoryView<'a>> {
        if self.next >= self.len {
            return None;
        }
        let i = isize::try_from(self.next).ok()?;
        self.next += 1;
        self.view.select_with(&[SliceArg::Index(i)]).ok()
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let n = self.len - self.next;
        (n, Some(n))
    }
}

impl ExactSizeIterator for Iter<'_> {}

/// `==` with CPython's `memoryview` semantics: equal shapes (no broadcasting) and element-wise
/// equal values across formats (`'i'` `[1, 2]` equals `'d'` `[1.0, 2.0]`); NaN is unequal to
/// itself, `'c'` items are bytes and never equal integers. Views of identical integer-like
/// formats compare their bytes directly. Any two views compare, shared or writable.
impl<S: Storage, T: Storage> PartialEq<ViewBase<T>> for ViewBase<S> {
    fn eq(&self, other: &ViewBase<T>) -> bool {
        values::equal(
            &self.raw.shared(),
            &self.format,
            &other.raw.shared(),
            &other.format,
        )
    }
}
