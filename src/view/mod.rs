//! N-dimensional views over byte buffers: [`MemoryView`] (shared) and [`MemoryViewMut`]
//! (writable), Python's `memoryview` generalised to every PEP 3118 format and to NumPy's basic
//! indexing.
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
//! assert_eq!(v.buffer(), b"-1-z-2");
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
mod flags;
#[cfg(test)]
mod indirect_tests;
mod raw;
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
pub use raw::MAX_NDIM;
pub use select::{adjust_slice, parse_subscript, SliceArg};

use raw::{Geometry, Indirect, RawView};

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

/// The shared `'B'` format of [`MemoryView::new`].
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
fn geometry_for(
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
        Some(strides) => strides.to_vec(),
        None => Geometry::c_strides(shape, itemsize).ok_or_else(|| ViewError::SizeOverflow {
            shape: shape.to_vec(),
            itemsize,
        })?,
    };
    Ok(Geometry {
        offset,
        itemsize,
        shape: shape.to_vec(),
        strides,
        indirect: None,
    })
}

/// The geometry of an indirect view: as [`geometry_for`] with explicit strides, plus the
/// PEP 3118 suboffsets turned into levels.
fn indirect_geometry(
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
/// geometry is validated as a view's would be, then answered as [`MemoryView::request`] does.
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

/// A read-only N-dimensional view of a byte buffer.
///
/// Python's `memoryview(b'...')` is `MemoryView::new(bytes)`: 1-D, format `'B'`. Any other
/// layout is made with [`from_parts`](Self::from_parts). Cloning copies the shape and strides and
/// shares the format.
#[derive(Clone)]
pub struct MemoryView<'a> {
    raw: RawView<&'a [u8]>,
    format: Arc<Format>,
}

/// A writable N-dimensional view of a byte buffer: a [`MemoryView`] that can also `set`,
/// `fill` and `assign`. Read operations are available through [`as_view`](Self::as_view) and
/// directly for the common ones.
pub struct MemoryViewMut<'a> {
    raw: RawView<&'a mut [u8]>,
    format: Arc<Format>,
}

/// Accessors shared by both view types.
macro_rules! accessors {
    () => {
        /// The format of one item.
        pub fn format(&self) -> &Format {
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

        /// Byte index in [`buffer`](Self::buffer) of element `[0, ..., 0]`.
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
    };
}

impl<'a> MemoryView<'a> {
    /// A 1-D view of `buf` with format `'B'` (Python's `memoryview(buf)`).
    pub fn new(buf: &'a [u8]) -> MemoryView<'a> {
        let geom = Geometry {
            offset: 0,
            itemsize: 1,
            shape: vec![buf.len()],
            strides: vec![1],
            indirect: None,
        };
        match RawView::new(buf, geom) {
            Ok(raw) => MemoryView {
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
        buf: &'a [u8],
        format: &str,
        shape: &[usize],
        strides: Option<&[isize]>,
        offset: usize,
    ) -> Result<MemoryView<'a>, ViewError> {
        Self::from_format(buf, Format::parse(format)?, None, shape, strides, offset)
    }

    /// As [`from_parts`](Self::from_parts) with an explicit itemsize, which may exceed the
    /// format's size (items with trailing padding, as NumPy and ctypes export them) but not be
    /// smaller.
    pub fn from_parts_with_itemsize(
        buf: &'a [u8],
        format: &str,
        itemsize: usize,
        shape: &[usize],
        strides: Option<&[isize]>,
        offset: usize,
    ) -> Result<MemoryView<'a>, ViewError> {
        Self::from_format(
            buf,
            Format::parse(format)?,
            Some(itemsize),
            shape,
            strides,
            offset,
        )
    }

    /// The general constructor: an already parsed format (any dialect), an optional explicit
    /// itemsize, shape, optional strides and offset.
    pub fn from_format(
        buf: &'a [u8],
        format: impl Into<Arc<Format>>,
        itemsize: Option<usize>,
        shape: &[usize],
        strides: Option<&[isize]>,
        offset: usize,
    ) -> Result<MemoryView<'a>, ViewError> {
        let format = format.into();
        let geom = geometry_for(&format, itemsize, shape, strides, offset)?;
        Ok(MemoryView {
            raw: RawView::new(buf, geom)?,
            format,
        })
    }

    /// A view of a PEP 3118 *indirect* (PIL-style) layout: `suboffsets` has one entry per axis,
    /// and a value `>= 0` on axis `k` means that after applying axis `k`'s stride the bytes
    /// there hold a pointer, which is read (native size and byte order, any alignment),
    /// dereferenced, and offset by the suboffset. `buf` holds the first pointers (everything the
    /// axes up to the first non-negative suboffset reach, which is checked); all-negative
    /// suboffsets give an ordinary direct view.
    ///
    /// ```
    /// use memview::MemoryView;
    ///
    /// // Two rows of three bytes, in separate allocations, and a table of pointers to them.
    /// let rows = [[1u8, 2, 3], [4, 5, 6]];
    /// let table: Vec<u8> = rows.iter().flat_map(|r| (r.as_ptr() as usize).to_ne_bytes()).collect();
    /// let ptr = std::mem::size_of::<usize>() as isize;
    /// // SAFETY: the pointers in `table` point to `rows`, which outlives the view and is not
    /// // written while it lives.
    /// let m = unsafe {
    ///     MemoryView::from_parts_indirect(&table, "B", &[2, 3], &[ptr, 1], &[0, -1], 0)?
    /// };
    /// assert_eq!(m.to_list()?.to_string(), "[[1, 2, 3], [4, 5, 6]]");
    /// assert_eq!(m.select("::-1, 1:")?.to_bytes(memview::Order::F), [5, 2, 6, 3]);
    /// assert!(!m.is_c_contiguous() && m.cast("B", None).is_err());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// (The doctest stores addresses as integers for brevity; code checked with Miri's strict
    /// provenance should write the pointers themselves, e.g. with `ptr::write_unaligned`.)
    ///
    /// # Safety
    ///
    /// For every index inside `shape`, following the pointers as described above: every
    /// pointer slot after the first (which lies in `buf`, checked) must be valid for reading a
    /// pointer, and the element's `itemsize` bytes at the end must be valid for reads, for all
    /// of `'a`; and no one may write those bytes during `'a`.
    pub unsafe fn from_parts_indirect(
        buf: &'a [u8],
        format: &str,
        shape: &[usize],
        strides: &[isize],
        suboffsets: &[isize],
        offset: usize,
    ) -> Result<MemoryView<'a>, ViewError> {
        let format = Format::parse(format)?;
        // SAFETY: this function's contract is `from_format_indirect`'s.
        unsafe { Self::from_format_indirect(buf, format, None, shape, strides, suboffsets, offset) }
    }

    /// [`from_parts_indirect`](Self::from_parts_indirect) with a parsed format and an optional
    /// explicit itemsize.
    ///
    /// # Safety
    ///
    /// As for [`from_parts_indirect`](Self::from_parts_indirect).
    pub unsafe fn from_format_indirect(
        buf: &'a [u8],
        format: impl Into<Arc<Format>>,
        itemsize: Option<usize>,
        shape: &[usize],
        strides: &[isize],
        suboffsets: &[isize],
        offset: usize,
    ) -> Result<MemoryView<'a>, ViewError> {
        let format = format.into();
        let geom = indirect_geometry(&format, itemsize, shape, strides, suboffsets, offset)?;
        let raw = if geom.indirect.is_some() {
            // SAFETY: 7c is this function's contract (read-only, for `'a`).
            unsafe { RawView::new_indirect(buf, geom)? }
        } else {
            RawView::new(buf, geom)?
        };
        Ok(MemoryView { raw, format })
    }

    accessors!();

    /// The whole underlying buffer (not only the bytes this view reaches).
    pub fn buffer(&self) -> &'a [u8] {
        self.raw.slice()
    }

    /// Always `true`: a `MemoryView` cannot write.
    pub fn readonly(&self) -> bool {
        true
    }

    /// A read-only view of the same data (`memoryview.toreadonly()`); for a `MemoryView` this
    /// is a clone.
    pub fn to_readonly(&self) -> MemoryView<'a> {
        self.clone()
    }

    /// If the view is C-contiguous, its bytes as one slice of the buffer, without copying.
    pub fn as_contiguous_bytes(&self) -> Option<&'a [u8]> {
        let g = self.raw.geom();
        if !g.is_c_contiguous() {
            return None;
        }
        if g.shape.contains(&0) {
            return Some(&[]);
        }
        self.buffer().get(g.offset..g.offset + g.nbytes())
    }

    fn with_geometry(&self, geom: Geometry) -> Result<MemoryView<'a>, ViewError> {
        Ok(MemoryView {
            raw: RawView::new(self.buffer(), geom)?,
            format: self.format.clone(),
        })
    }

    /// Select with Python subscript text (NumPy basic indexing): `"1:, ::-2, ..."`,
    /// `"0, None"`, `"()"`. See [`parse_subscript`] for the grammar and [`select_with`]
    /// for the semantics.
    ///
    /// [`select_with`]: Self::select_with
    pub fn select(&self, subscript: &str) -> Result<MemoryView<'a>, ViewError> {
        self.select_with(&parse_subscript(subscript)?)
    }

    /// Select with typed items: integers drop an axis (negative ones count from the end),
    /// slices follow Python's rules, `Ellipsis` stands for as many full slices as needed and
    /// `NewAxis` inserts an axis of length 1 with stride 0. Axes not mentioned are kept.
    /// Integer-only keys (one per axis) give a 0-dim view.
    pub fn select_with(&self, args: &[SliceArg]) -> Result<MemoryView<'a>, ViewError> {
        let plan = select::plan(self.raw.geom(), args)?;
        Ok(MemoryView {
            raw: self.raw.select(&plan)?,
            format: self.format.clone(),
        })
    }

    /// The view with its axes reversed (NumPy's `.T`).
    pub fn transpose(&self) -> MemoryView<'a> {
        MemoryView {
            raw: self.raw.transposed(),
            format: self.format.clone(),
        }
    }

    /// The view with axis `k` of the result taken from axis `axes[k]` (NumPy's `transpose(axes)`).
    pub fn permute_axes(&self, axes: &[usize]) -> Result<MemoryView<'a>, ViewError> {
        Ok(MemoryView {
            raw: self.raw.permute(axes)?,
            format: self.format.clone(),
        })
    }

    /// The same elements in a new shape; the view must be C-contiguous.
    pub fn reshape(&self, shape: &[usize]) -> Result<MemoryView<'a>, ViewError> {
        self.with_geometry(select::reshape(self.raw.geom(), shape)?)
    }

    /// `memoryview.cast(format, shape)`: reinterpret the bytes of a C-contiguous view as items
    /// of `format` (parsed in the `struct` dialect), 1-D when `shape` is `None`.
    pub fn cast(&self, format: &str, shape: Option<&[usize]>) -> Result<MemoryView<'a>, ViewError> {
        self.cast_format(Format::parse(format)?, shape)
    }

    /// [`cast`](Self::cast) to an already parsed format.
    pub fn cast_format(
        &self,
        format: impl Into<Arc<Format>>,
        shape: Option<&[usize]>,
    ) -> Result<MemoryView<'a>, ViewError> {
        let format = format.into();
        let geom = select::cast(self.raw.geom(), format.itemsize(), shape)?;
        Ok(MemoryView {
            raw: RawView::new(self.buffer(), geom)?,
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
        values::get(&self.raw, self.format.layout(), index)
    }

    /// `tolist()`: nested lists of the decoded elements, or the element itself for a 0-dim
    /// view. Works for every format, structs and sub-arrays included.
    /// [`ViewError::AllocationFailed`] when the lists cannot be allocated (a huge broadcast,
    /// or `shape [2^62, 0]`, which has no elements but 2^62 empty lists).
    pub fn to_list(&self) -> Result<Value, ViewError> {
        values::to_list(&self.raw, self.format.layout())
    }

    /// The sub-views along the first axis (`view[0]`, `view[1]`, ...); for a 1-D view these
    /// are 0-dim views. [`ViewError::NoLength`] for a 0-dim view.
    pub fn iter(&self) -> Result<Iter<'a>, ViewError> {
        let len = self.len()?;
        Ok(Iter {
            view: self.clone(),
            next: 0,
            len,
        })
    }

    /// Answer a buffer request as CPython's memoryview exporter does (a `MemoryView` is
    /// read-only, so any `WRITABLE` request fails).
    pub fn request(&self, flags: BufferFlags) -> Result<BufferInfo, ViewError> {
        flags::request(self.raw.geom(), self.format.as_str(), true, flags)
    }

    /// What a buffer export hands out (see [`export_parts`]).
    pub(crate) fn export_request(
        &self,
        flags: BufferFlags,
    ) -> Result<(*const u8, BufferInfo), ViewError> {
        export_parts(&self.raw, self.format.as_str(), true, flags)
    }
}

/// What a buffer export of a view hands out: the address of element `[0, ..., 0]` and the
/// answer to `flags` ([`flags::request`]). An indirect view whose first dereferences come before
/// any axis (a row of a PIL image: CPython and PEP 3118 cannot express the view itself) is
/// exported with those dereferences followed, as the plain (or less indirect) buffer they lead
/// to; everything else exactly as [`MemoryView::request`] answers.
fn export_parts<B: raw::Bytes>(
    raw: &RawView<B>,
    format: &str,
    readonly: bool,
    flags: BufferFlags,
) -> Result<(*const u8, BufferInfo), ViewError> {
    if let Some((base, geom)) = raw.resolve_leading() {
        let info = flags::request(&geom, format, readonly, flags)?;
        return Ok((base.wrapping_add(info.offset), info));
    }
    let info = flags::request(raw.geom(), format, readonly, flags)?;
    Ok((raw.buf().as_ptr().wrapping_add(info.offset), info))
}

impl<'a> MemoryViewMut<'a> {
    /// A writable 1-D view of `buf` with format `'B'` (Python's `memoryview(bytearray)`).
    pub fn new(buf: &'a mut [u8]) -> MemoryViewMut<'a> {
        let geom = Geometry {
            offset: 0,
            itemsize: 1,
            shape: vec![buf.len()],
            strides: vec![1],
            indirect: None,
        };
        match RawView::new(buf, geom) {
            Ok(raw) => MemoryViewMut {
                raw,
                format: byte_format(),
            },
            // A slice never exceeds isize::MAX bytes, so this 1-D view is always valid.
            Err(e) => unreachable!("1-D byte view of a slice: {e}"),
        }
    }

    /// As [`MemoryView::from_parts`], writable.
    pub fn from_parts(
        buf: &'a mut [u8],
        format: &str,
        shape: &[usize],
        strides: Option<&[isize]>,
        offset: usize,
    ) -> Result<MemoryViewMut<'a>, ViewError> {
        Self::from_format(buf, Format::parse(format)?, None, shape, strides, offset)
    }

    /// As [`MemoryView::from_parts_with_itemsize`], writable.
    pub fn from_parts_with_itemsize(
        buf: &'a mut [u8],
        format: &str,
        itemsize: usize,
        shape: &[usize],
        strides: Option<&[isize]>,
        offset: usize,
    ) -> Result<MemoryViewMut<'a>, ViewError> {
        Self::from_format(
            buf,
            Format::parse(format)?,
            Some(itemsize),
            shape,
            strides,
            offset,
        )
    }

    /// As [`MemoryView::from_format`], writable.
    pub fn from_format(
        buf: &'a mut [u8],
        format: impl Into<Arc<Format>>,
        itemsize: Option<usize>,
        shape: &[usize],
        strides: Option<&[isize]>,
        offset: usize,
    ) -> Result<MemoryViewMut<'a>, ViewError> {
        let format = format.into();
        let geom = geometry_for(&format, itemsize, shape, strides, offset)?;
        Ok(MemoryViewMut {
            raw: RawView::new(buf, geom)?,
            format,
        })
    }

    /// [`MemoryView::from_format_indirect`], writable.
    ///
    /// # Safety
    ///
    /// As for [`MemoryView::from_parts_indirect`], and: the elements' bytes must also be valid
    /// for writes, must lie outside `buf`, and must not be read or written by anyone else
    /// during `'a` (the view has exclusive access, as a `&mut` would).
    pub unsafe fn from_format_indirect(
        buf: &'a mut [u8],
        format: impl Into<Arc<Format>>,
        itemsize: Option<usize>,
        shape: &[usize],
        strides: &[isize],
        suboffsets: &[isize],
        offset: usize,
    ) -> Result<MemoryViewMut<'a>, ViewError> {
        let format = format.into();
        let geom = indirect_geometry(&format, itemsize, shape, strides, suboffsets, offset)?;
        let raw = if geom.indirect.is_some() {
            // SAFETY: 7c for `&mut [u8]` is this function's contract.
            unsafe { RawView::new_indirect(buf, geom)? }
        } else {
            RawView::new(buf, geom)?
        };
        Ok(MemoryViewMut { raw, format })
    }

    accessors!();

    /// The whole underlying buffer.
    pub fn buffer(&self) -> &[u8] {
        self.raw.buf()
    }

    /// The whole underlying buffer, writable. For an indirect view this is an empty slice:
    /// its buffer holds the pointers the view follows, and overwriting them would be unsound.
    pub fn buffer_mut(&mut self) -> &mut [u8] {
        if self.is_indirect() {
            return &mut [];
        }
        self.raw.buf_mut()
    }

    /// Always `false`: a `MemoryViewMut` can write.
    pub fn readonly(&self) -> bool {
        false
    }

    /// A read-only view of the same data, borrowing this one.
    pub fn as_view(&self) -> MemoryView<'_> {
        MemoryView {
            raw: self.raw.reborrow(),
            format: self.format.clone(),
        }
    }

    /// `memoryview.toreadonly()`: the same as [`as_view`](Self::as_view).
    pub fn to_readonly(&self) -> MemoryView<'_> {
        self.as_view()
    }

    /// Give up writing: a read-only view for the whole lifetime `'a`.
    pub fn into_view(self) -> MemoryView<'a> {
        MemoryView {
            raw: self.raw.into_shared(),
            format: self.format,
        }
    }

    /// A writable view of the same data, borrowing this one (so that `self` can be used again
    /// afterwards).
    pub fn reborrow(&mut self) -> MemoryViewMut<'_> {
        MemoryViewMut {
            raw: self.raw.reborrow_mut(),
            format: self.format.clone(),
        }
    }

    fn with_geometry(&mut self, geom: Geometry) -> Result<MemoryViewMut<'_>, ViewError> {
        Ok(MemoryViewMut {
            raw: RawView::new(self.raw.buf_mut(), geom)?,
            format: self.format.clone(),
        })
    }

    /// [`MemoryView::select`], writable.
    pub fn select_mut(&mut self, subscript: &str) -> Result<MemoryViewMut<'_>, ViewError> {
        let args = parse_subscript(subscript)?;
        self.select_with_mut(&args)
    }

    /// [`MemoryView::select_with`], writable.
    pub fn select_with_mut(&mut self, args: &[SliceArg]) -> Result<MemoryViewMut<'_>, ViewError> {
        let plan = select::plan(self.raw.geom(), args)?;
        Ok(MemoryViewMut {
            raw: self.raw.select_mut(&plan)?,
            format: self.format.clone(),
        })
    }

    /// [`MemoryView::permute_axes`], writable.
    pub fn permute_axes_mut(&mut self, axes: &[usize]) -> Result<MemoryViewMut<'_>, ViewError> {
        Ok(MemoryViewMut {
            raw: self.raw.permute_mut(axes)?,
            format: self.format.clone(),
        })
    }

    /// [`MemoryView::transpose`], writable.
    pub fn transpose_mut(&mut self) -> MemoryViewMut<'_> {
        MemoryViewMut {
            raw: self.raw.transposed_mut(),
            format: self.format.clone(),
        }
    }

    /// [`MemoryView::reshape`], writable.
    pub fn reshape_mut(&mut self, shape: &[usize]) -> Result<MemoryViewMut<'_>, ViewError> {
        let geom = select::reshape(self.raw.geom(), shape)?;
        self.with_geometry(geom)
    }

    /// [`MemoryView::cast`], writable.
    pub fn cast_mut(
        &mut self,
        format: &str,
        shape: Option<&[usize]>,
    ) -> Result<MemoryViewMut<'_>, ViewError> {
        let format = Arc::new(Format::parse(format)?);
        let geom = select::cast(self.raw.geom(), format.itemsize(), shape)?;
        Ok(MemoryViewMut {
            raw: RawView::new(self.raw.buf_mut(), geom)?,
            format,
        })
    }

    /// [`MemoryView::to_bytes`] (aborts, like `Vec`, if the output cannot be allocated).
    pub fn to_bytes(&self, order: Order) -> Vec<u8> {
        copy::to_bytes(&self.raw, order)
    }

    /// [`MemoryView::try_to_bytes`].
    pub fn try_to_bytes(&self, order: Order) -> Result<Vec<u8>, ViewError> {
        copy::try_to_bytes(&self.raw, order)
    }

    /// [`MemoryView::hex`].
    pub fn hex(&self, sep: Option<char>, bytes_per_sep: isize) -> Result<String, ViewError> {
        copy::hex(&self.try_to_bytes(Order::C)?, sep, bytes_per_sep)
    }

    /// [`MemoryView::get`].
    pub fn get(&self, index: &[isize]) -> Result<Value, ViewError> {
        values::get(&self.raw, self.format.layout(), index)
    }

    /// [`MemoryView::to_list`].
    pub fn to_list(&self) -> Result<Value, ViewError> {
        values::to_list(&self.raw, self.format.layout())
    }

    /// `view[i, j, ...] = value`: encode `value` into the element at one index per axis, with
    /// the codec's type and range checks (no silent float overflow).
    pub fn set(&mut self, index: &[isize], value: impl Into<Value>) -> Result<(), ViewError> {
        values::set(&mut self.raw, &self.format, index, &value.into())
    }

    /// Store `value` in every element.
    pub fn fill(&mut self, value: impl Into<Value>) -> Result<(), ViewError> {
        values::fill(&mut self.raw, &self.format, &value.into())
    }

    /// `view[selection] = src`: copy `src` into the selected part of this view.
    ///
    /// The shapes must be equal and the items equivalent: equal itemsizes, and the same format
    /// text ignoring one leading `'@'` (CPython's rule) or equal layouts (`'<i'` and `'=i'`).
    /// Borrowing rules keep `src` from aliasing this view; to copy between two parts of the
    /// same buffer use [`assign_within`](Self::assign_within).
    pub fn assign(&mut self, selection: &str, src: &MemoryView<'_>) -> Result<(), ViewError> {
        self.select_mut(selection)?.copy_from(src)
    }

    /// Copy `src` into the whole of this view (same rules as [`assign`](Self::assign)).
    pub fn copy_from(&mut self, src: &MemoryView<'_>) -> Result<(), ViewError> {
        self.check_assignable(&src.format, src.itemsize(), src.shape())?;
        match src.as_contiguous_bytes() {
            Some(bytes) => copy::write_c_order(&mut self.raw, bytes),
            None => copy::write_c_order(&mut self.raw, &src.to_bytes(Order::C)),
        }
        Ok(())
    }

    /// `view[dst] = view[src]` within this one buffer, with `memmove` semantics: the result is
    /// as if the source were copied out before anything was written, however the two
    /// selections overlap.
    ///
    /// When both selections are C-contiguous this is one `copy_within` (`memmove`) of the
    /// buffer; otherwise the source is copied out first.
    pub fn assign_within(&mut self, dst: &str, src: &str) -> Result<(), ViewError> {
        let (src_run, shape) = {
            let src = self.as_view().select(src)?;
            let run = src.is_c_contiguous().then(|| (src.offset(), src.nbytes()));
            (run, src.shape().to_vec())
        };
        let format = self.format.clone();
        let itemsize = self.itemsize();
        let dst_run = {
            let d = self.select_mut(dst)?;
            d.check_assignable(&format, itemsize, &shape)?;
            d.is_c_contiguous().then(|| d.offset())
        };
        if let (Some((from, n)), Some(to)) = (src_run, dst_run) {
            // Both are single runs of `n` bytes in this buffer (the selections are valid views
            // of it); `copy_within` has memmove semantics and checks the ranges.
            if n > 0 {
                self.raw.buf_mut().copy_within(from..from + n, to);
            }
            return Ok(());
        }
        // The general case: copy the source out, then write it in C order.
        let bytes = self.as_view().select(src)?.to_bytes(Order::C);
        let mut dst = self.select_mut(dst)?;
        copy::write_c_order(&mut dst.raw, &bytes);
        Ok(())
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

    /// Answer a buffer request as CPython's memoryview exporter does for a writable view.
    pub fn request(&self, flags: BufferFlags) -> Result<BufferInfo, ViewError> {
        flags::request(self.raw.geom(), self.format.as_str(), false, flags)
    }

    /// What a writable buffer export hands out (see [`export_parts`]). For a direct view the
    /// address derives from the unique borrow, since consumers write through it; an indirect
    /// view's buffer only holds pointers, which are read.
    pub(crate) fn export_request_mut(
        &mut self,
        flags: BufferFlags,
    ) -> Result<(*mut u8, BufferInfo), ViewError> {
        let (base, info) = export_parts(&self.raw, self.format.as_str(), false, flags)?;
        if self.is_indirect() {
            return Ok((base as *mut u8, info));
        }
        let buf = self.raw.buf_mut().as_mut_ptr();
        Ok((buf.wrapping_add(info.offset), info))
    }
}

fn debug_view(
    f: &mut fmt::Formatter<'_>,
    name: &str,
    format: &Format,
    g: &Geometry,
    len: usize,
) -> fmt::Result {
    f.debug_struct(name)
        .field("format", &format.as_str())
        .field("itemsize", &g.itemsize)
        .field("shape", &g.shape)
        .field("strides", &g.strides)
        .field("offset", &g.offset)
        .field("indirect", &g.indirect)
        .field("buffer_len", &len)
        .finish()
}

impl fmt::Debug for MemoryView<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        debug_view(
            f,
            "MemoryView",
            &self.format,
            self.raw.geom(),
            self.raw.buf().len(),
        )
    }
}

impl fmt::Debug for MemoryViewMut<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        debug_view(
            f,
            "MemoryViewMut",
            &self.format,
            self.raw.geom(),
            self.raw.buf().len(),
        )
    }
}

/// Iterator over the sub-views along the first axis of a view; see [`MemoryView::iter`].
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
/// formats compare their bytes directly.
impl<'b> PartialEq<MemoryView<'b>> for MemoryView<'_> {
    fn eq(&self, other: &MemoryView<'b>) -> bool {
        values::equal(&self.raw, &self.format, &other.raw, &other.format)
    }
}

/// As for [`MemoryView`].
impl<'b> PartialEq<MemoryViewMut<'b>> for MemoryViewMut<'_> {
    fn eq(&self, other: &MemoryViewMut<'b>) -> bool {
        values::equal(&self.raw, &self.format, &other.raw, &other.format)
    }
}

/// As for [`MemoryView`].
impl<'b> PartialEq<MemoryView<'b>> for MemoryViewMut<'_> {
    fn eq(&self, other: &MemoryView<'b>) -> bool {
        values::equal(&self.raw, &self.format, &other.raw, &other.format)
    }
}

/// As for [`MemoryView`].
impl<'b> PartialEq<MemoryViewMut<'b>> for MemoryView<'_> {
    fn eq(&self, other: &MemoryViewMut<'b>) -> bool {
        values::equal(&self.raw, &self.format, &other.raw, &other.format)
    }
}
