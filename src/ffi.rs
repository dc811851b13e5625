//! The raw C interface of PEP 3118: [`RawBuffer`], laid out exactly like CPython's `Py_buffer`.
//!
//! This module needs no Python: any C library that speaks the buffer protocol (or Rust code that
//! builds a `Py_buffer` by hand) can use it, and the optional `python` feature builds on it.
//!
//! * **Import**: [`RawBuffer::as_view`] / [`RawBuffer::as_view_mut`] turn a filled-in buffer into
//!   a [`MemoryView`] / [`MemoryViewMut`] without copying. What the exporter left NULL is filled
//!   in the way CPython's `PyMemoryView_FromBuffer` does (format `"B"`, C-contiguous strides, a
//!   1-D shape from `len`), and everything that can be checked is checked (ndim, itemsize, `len`
//!   against the shape, the format against the itemsize, overflow) with a typed [`BufferError`]
//!   instead of a crash.
//! * **Export**: [`Export::new`] answers a request with flags exactly as CPython's memoryview
//!   exporter (`memory_getbuf`) would, using [`MemoryView::request`], and owns the `shape`,
//!   `strides` and `format` arrays the filled [`RawBuffer`] points into; keep it alive until the
//!   consumer releases the buffer. The one difference from `memory_getbuf` is the format text:
//!   an export carries the view's [portable](crate::format::Format::portable) text, which
//!   NumPy's importer lays out with the view's own item size and offsets (`ib`, 5 bytes by
//!   `struct`'s rules but 8 by NumPy's, is exported as `=ib`); element formats and structs
//!   both read alike already keep their text.
//!
//! ```
//! use memview::ffi::{Export, RawBuffer};
//! use memview::{BufferFlags, MemoryView};
//!
//! let data: Vec<u8> = (0..12).collect();
//! let view = MemoryView::from_parts(&data, "<h", &[2, 3], None, 0)?;
//! // Export: what a C consumer asking for PyBUF_RECORDS_RO would receive.
//! let export = Export::new(&view.select("::-1")?, BufferFlags::RECORDS_RO)?;
//! let mut raw = RawBuffer::empty();
//! export.fill(&mut raw, std::ptr::null_mut());
//! assert_eq!((raw.ndim, raw.len, raw.itemsize, raw.readonly), (2, 12, 2, 1));
//! // Import it again.
//! // SAFETY: `raw` was filled by `export` from a view of `data`; both outlive `back`, and
//! // nothing writes to `data` meanwhile.
//! let back = unsafe { raw.as_view()? };
//! assert_eq!(back.strides(), &[-6, 2]);
//! assert_eq!(back.to_list()?.to_string(), "[[1798, 2312, 2826], [256, 770, 1284]]");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::ffi::{c_char, c_int, c_void, CStr, CString};
use std::fmt;
use std::ptr;
use std::sync::Arc;

use crate::format::{Format, FormatError};
use crate::view::raw::{Exclusive, Shared, Storage};
use crate::view::{
    indirect_geometry, BufferFlags, BufferInfo, Geometry, MemoryView, MemoryViewMut, RawView,
    ViewBase, ViewError, MAX_NDIM,
};

pub(crate) mod mmap;

/// CPython's `Py_buffer`, field for field (`Include/pybuffer.h`, CPython 3.x on every platform
/// except PyPy). A pointer to one can be passed to and from C, and cast to and from
/// `pyo3::ffi::Py_buffer`.
///
/// `obj` is an owned reference to the exporting Python object (`PyObject *`) when CPython made
/// the buffer; this module never touches it.
#[repr(C)]
#[derive(Debug)]
pub struct RawBuffer {
    /// Pointer to element `[0, ..., 0]` (not necessarily the lowest address the buffer reaches).
    pub buf: *mut c_void,
    /// The exporting object (`PyObject *`), or NULL.
    pub obj: *mut c_void,
    /// `product(shape) * itemsize`.
    pub len: isize,
    /// Bytes per item.
    pub itemsize: isize,
    /// Non-zero when the consumer must not write.
    pub readonly: c_int,
    /// Number of dimensions (0 to 64).
    pub ndim: c_int,
    /// NUL-terminated `struct`-style format, or NULL for `"B"`.
    pub format: *mut c_char,
    /// `ndim` extents, or NULL (then `ndim` is 1 and the extent is `len / itemsize`).
    pub shape: *mut isize,
    /// `ndim` byte strides, or NULL (C-contiguous).
    pub strides: *mut isize,
    /// `ndim` suboffsets, or NULL (no indirection).
    pub suboffsets: *mut isize,
    /// Private to the exporter.
    pub internal: *mut c_void,
}

impl RawBuffer {
    /// A buffer with every pointer NULL and every number 0 (what CPython initialises before
    /// calling an exporter).
    pub const fn empty() -> RawBuffer {
        RawBuffer {
            buf: ptr::null_mut(),
            obj: ptr::null_mut(),
            len: 0,
            itemsize: 0,
            readonly: 0,
            ndim: 0,
            format: ptr::null_mut(),
            shape: ptr::null_mut(),
            strides: ptr::null_mut(),
            suboffsets: ptr::null_mut(),
            internal: ptr::null_mut(),
        }
    }
}

impl Default for RawBuffer {
    fn default() -> Self {
        RawBuffer::empty()
    }
}

/// Why a [`RawBuffer`] could not become a view. Each variant names the offending numbers.
#[non_exhaustive]
#[derive(Clone, Debug, PartialEq)]
pub enum BufferError {
    /// `ndim` is negative or above 64.
    NdimOutOfRange {
        /// The exporter's `ndim`.
        ndim: c_int,
    },
    /// `len` is negative.
    LenNegative {
        /// The exporter's `len`.
        len: isize,
    },
    /// `itemsize` is zero or negative.
    ItemsizeNotPositive {
        /// The exporter's `itemsize`.
        itemsize: isize,
    },
    /// `shape` is NULL although `ndim` is above 1.
    ShapeNull {
        /// The exporter's `ndim`.
        ndim: usize,
    },
    /// A negative extent.
    ShapeNegative {
        /// The axis.
        axis: usize,
        /// Its extent.
        extent: isize,
    },
    /// `shape` is NULL and `len` is not a multiple of `itemsize`.
    LenNotMultiple {
        /// The exporter's `len`.
        len: usize,
        /// The exporter's `itemsize`.
        itemsize: usize,
    },
    /// `len` differs from `product(shape) * itemsize` (or that product overflows).
    LenMismatch {
        /// The exporter's `len`.
        len: usize,
        /// The shape.
        shape: Vec<usize>,
        /// The itemsize.
        itemsize: usize,
    },
    /// `buf` is NULL although the buffer has elements.
    BufNull,
    /// The format is not UTF-8.
    FormatNotUtf8,
    /// The format does not parse.
    Format(FormatError),
    /// The format's size differs from `itemsize` (and no known exporter quirk explains it).
    FormatItemsizeMismatch {
        /// The format text.
        format: String,
        /// The size of one item of the format.
        format_size: usize,
        /// The exporter's `itemsize`.
        itemsize: usize,
    },
    /// The bytes the elements reach span more than `isize::MAX` bytes, or wrap around the
    /// address space.
    SpanOverflow,
    /// A writable view was asked of a read-only buffer.
    ReadOnly,
    /// The view layer refused the geometry.
    View(ViewError),
}

impl fmt::Display for BufferError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BufferError::NdimOutOfRange { ndim } => {
                write!(f, "ndim {ndim} is outside 0..={MAX_NDIM}")
            }
            BufferError::LenNegative { len } => write!(f, "len {len} is negative"),
            BufferError::ItemsizeNotPositive { itemsize } => {
                write!(f, "itemsize {itemsize} is not positive")
            }
            BufferError::ShapeNull { ndim } => {
                write!(
                    f,
                    "shape is NULL but ndim is {ndim} (only 1-D buffers may omit it)"
                )
            }
            BufferError::ShapeNegative { axis, extent } => {
                write!(f, "extent {extent} of axis {axis} is negative")
            }
            BufferError::LenNotMultiple { len, itemsize } => {
                write!(
                    f,
                    "shape is NULL and len {len} is not a multiple of itemsize {itemsize}"
                )
            }
            BufferError::LenMismatch {
                len,
                shape,
                itemsize,
            } => write!(
                f,
                "len {len} is not product(shape {shape:?}) * itemsize {itemsize}"
            ),
            BufferError::BufNull => write!(f, "buf is NULL but the buffer has elements"),
            BufferError::FormatNotUtf8 => write!(f, "the format is not UTF-8"),
            BufferError::Format(e) => write!(f, "{e}"),
            BufferError::FormatItemsizeMismatch {
                format,
                format_size,
                itemsize,
            } => write!(
                f,
                "format {format:?} describes {format_size}-byte items but itemsize is {itemsize}"
            ),
            BufferError::SpanOverflow => {
                write!(
                    f,
                    "the bytes the elements reach do not fit the address space"
                )
            }
            BufferError::ReadOnly => write!(f, "the buffer is read-only"),
            BufferError::View(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for BufferError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            // The messages already show the inner errors: chain on from their sources.
            BufferError::Format(e) => std::error::Error::source(e),
            BufferError::View(e) => std::error::Error::source(e),
            _ => None,
        }
    }
}

impl From<ViewError> for BufferError {
    fn from(e: ViewError) -> Self {
        BufferError::View(e)
    }
}

impl From<FormatError> for BufferError {
    fn from(e: FormatError) -> Self {
        BufferError::Format(e)
    }
}

/// A [`RawBuffer`] read out and checked: owned copies of what its pointers point to.
#[derive(Clone, Debug)]
pub(crate) struct Described {
    pub(crate) format: Arc<Format>,
    pub(crate) itemsize: usize,
    pub(crate) shape: Vec<usize>,
    pub(crate) strides: Vec<isize>,
    /// `Some` only when some suboffset is non-negative.
    pub(crate) suboffsets: Option<Vec<isize>>,
    /// Whether some extent is zero (no element is reachable).
    pub(crate) empty: bool,
}

/// Parse the exporter's format and reconcile it with its itemsize.
///
/// The format must describe items of exactly `itemsize` bytes, except for two exporter quirks
/// that are recognised and repaired:
/// * ctypes writes `<` (or `>`) for its native byte order but lays fields out with native
///   alignment (`Structure(c_uint8, c_uint32)` exports `T{<B:a:<I:b:}` with itemsize 8); when
///   the byte-order character is the host's, reading it as `@` gives the real layout;
/// * NumPy drops the trailing padding of a struct with an explicit itemsize (`T{b:a:}` with
///   itemsize 4, NumPy gh-7797); a single `T{...}` smaller than the itemsize is accepted with
///   the itemsize as the item stride.
fn reconcile_format(text: &str, itemsize: usize) -> Result<Format, BufferError> {
    let format = Format::parse(text)?;
    if format.itemsize() == itemsize {
        return Ok(format);
    }
    let native = if cfg!(target_endian = "little") {
        '<'
    } else {
        '>'
    };
    if text.contains(native) {
        let repaired = text.replace(native, "@");
        if let Ok(f) = Format::parse(&repaired) {
            if f.itemsize() == itemsize {
                return Ok(f);
            }
        }
    }
    let single_struct = text.starts_with("T{") && text.ends_with('}');
    if single_struct && format.itemsize() < itemsize {
        return Ok(format);
    }
    Err(BufferError::FormatItemsizeMismatch {
        format: text.to_string(),
        format_size: format.itemsize(),
        itemsize,
    })
}

/// Read `n` values from `p`.
///
/// # Safety
/// `p` must be valid for reads of `n` `isize`s (it need not be aligned).
unsafe fn read_array(p: *const isize, n: usize) -> Vec<isize> {
    // SAFETY: the caller guarantees `p .. p + n` is readable; `read_unaligned` tolerates any
    // alignment.
    (0..n)
        .map(|k| unsafe { ptr::read_unaligned(p.add(k)) })
        .collect()
}

/// The shared part of every import: read the header of `raw`, fill in what is NULL as CPython
/// does, and check everything that does not need the data.
///
/// # Safety
/// The pointer fields of `raw` must be as [`RawBuffer::as_view`] requires: `format` NULL or a
/// readable NUL-terminated string; `shape`, `strides`, `suboffsets` NULL or readable for `ndim`
/// values whenever `0 <= ndim <= 64` (they are not read otherwise).
pub(crate) unsafe fn describe(raw: &RawBuffer) -> Result<Described, BufferError> {
    let ndim = usize::try_from(raw.ndim)
        .ok()
        .filter(|&n| n <= MAX_NDIM)
        .ok_or(BufferError::NdimOutOfRange { ndim: raw.ndim })?;
    let len = usize::try_from(raw.len).map_err(|_| BufferError::LenNegative { len: raw.len })?;
    let itemsize = usize::try_from(raw.itemsize)
        .ok()
        .filter(|&n| n > 0)
        .ok_or(BufferError::ItemsizeNotPositive {
            itemsize: raw.itemsize,
        })?;
    let format_text = if raw.format.is_null() {
        // CPython's "B"; for wider items (a request without PyBUF_FORMAT keeps the itemsize)
        // the items are opaque bytes, read as `'<itemsize>s'`.
        if itemsize == 1 {
            "B".to_string()
        } else {
            format!("{itemsize}s")
        }
    } else {
        // SAFETY: the caller guarantees a non-NULL `format` is a readable C string.
        let c = unsafe { CStr::from_ptr(raw.format) };
        c.to_str()
            .map_err(|_| BufferError::FormatNotUtf8)?
            .to_string()
    };
    let format = Arc::new(reconcile_format(&format_text, itemsize)?);

    let shape: Vec<usize> = if raw.shape.is_null() {
        match ndim {
            0 => Vec::new(),
            1 => {
                if len % itemsize != 0 {
                    return Err(BufferError::LenNotMultiple { len, itemsize });
                }
                vec![len / itemsize]
            }
            _ => return Err(BufferError::ShapeNull { ndim }),
        }
    } else {
        // SAFETY: non-NULL `shape` is readable for `ndim <= 64` values (caller contract).
        let raw_shape = unsafe { read_array(raw.shape, ndim) };
        raw_shape
            .iter()
            .enumerate()
            .map(|(axis, &extent)| {
                usize::try_from(extent).map_err(|_| BufferError::ShapeNegative { axis, extent })
            })
            .collect::<Result<_, _>>()?
    };
    let mismatch = || BufferError::LenMismatch {
        len,
        shape: shape.clone(),
        itemsize,
    };
    // An empty shape holds no bytes, however large its other extents (`[2**62, 0]`): only a
    // product of non-zero extents can overflow.
    let nbytes = if shape.contains(&0) {
        0
    } else {
        shape
            .iter()
            .try_fold(itemsize, |a, &n| a.checked_mul(n))
            .filter(|&n| isize::try_from(n).is_ok())
            .ok_or_else(mismatch)?
    };
    if nbytes != len {
        return Err(mismatch());
    }
    let strides = if raw.strides.is_null() {
        // C-contiguous strides; cannot overflow since the product fits isize.
        let mut strides = vec![0isize; ndim];
        let mut step = itemsize as isize;
        for (s, &n) in strides.iter_mut().zip(&shape).rev() {
            *s = step;
            step = step.saturating_mul(n.max(1) as isize);
        }
        strides
    } else {
        // SAFETY: non-NULL `strides` is readable for `ndim` values (caller contract).
        unsafe { read_array(raw.strides, ndim) }
    };
    let suboffsets = if raw.suboffsets.is_null() {
        None
    } else {
        // SAFETY: non-NULL `suboffsets` is readable for `ndim` values (caller contract).
        let s = unsafe { read_array(raw.suboffsets, ndim) };
        // All negative means no indirection at all (CPython would still call the view PIL
        // and non-contiguous; the layout is the same as without them).
        s.iter().any(|&x| x >= 0).then_some(s)
    };
    let empty = shape.contains(&0);
    if raw.buf.is_null() && !empty {
        return Err(BufferError::BufNull);
    }
    Ok(Described {
        format,
        itemsize,
        shape,
        strides,
        suboffsets,
        empty,
    })
}

impl Described {
    /// The first pointer slots of an indirect buffer as a geometry of their own (the axes up to
    /// and including the first non-negative suboffset, with pointer-sized items), or the
    /// elements' geometry for a direct one: what the view's storage must cover.
    fn reached(&self) -> Geometry {
        let (axes, itemsize) = match &self.suboffsets {
            None => (self.shape.len(), self.itemsize),
            Some(subs) => (
                subs.iter().position(|&s| s >= 0).unwrap_or(subs.len() - 1) + 1,
                std::mem::size_of::<*const u8>(),
            ),
        };
        Geometry {
            offset: 0,
            itemsize,
            shape: self.shape[..axes].into(),
            strides: self.strides[..axes].into(),
            indirect: None,
        }
    }

    /// Where the storage starts (the lowest reached byte), its length, `buf`'s offset in it,
    /// and whether the reached bytes tile it exactly (so that all of it is theirs); checked
    /// not to wrap.
    fn storage(&self, buf: *mut c_void) -> Result<(*mut u8, usize, usize, bool), BufferError> {
        if self.empty {
            return Ok((ptr::NonNull::<u8>::dangling().as_ptr(), 0, 0, true));
        }
        let reached = self.reached();
        let (lo, end) = reached
            .extent()
            .map_err(|_| BufferError::SpanOverflow)?
            .ok_or(BufferError::SpanOverflow)?;
        let span = (end - lo) as usize;
        let addr = buf as usize;
        let start = addr
            .checked_add_signed(lo)
            .ok_or(BufferError::SpanOverflow)?;
        start.checked_add(span).ok_or(BufferError::SpanOverflow)?;
        let offset = lo.unsigned_abs();
        let tiles = Geometry { offset, ..reached }.memory_block() == Some((0, span));
        // `wrapping_offset` keeps `buf`'s provenance; the contract makes the result in bounds.
        Ok(((buf as *mut u8).wrapping_offset(lo), span, offset, tiles))
    }
}

impl RawBuffer {
    /// A read-only view of the buffer, without copying; direct or indirect (suboffsets).
    ///
    /// NULL fields are filled in as CPython does: `format` NULL means `"B"` (for items wider
    /// than one byte, which CPython would misread one byte per item, `'<itemsize>s'`);
    /// `strides` NULL means C-contiguous; `shape` NULL is allowed for `ndim` 0 and 1 (then the
    /// extent is `len / itemsize`). Checked: `0 <= ndim <= 64`, `itemsize > 0`, `len >= 0`,
    /// extents `>= 0`, `len == product(shape) * itemsize`, the format parses and its size
    /// matches `itemsize` (repairing the ctypes and NumPy quirks described in the crate docs),
    /// `buf` not NULL when there are elements, and no arithmetic overflow when computing which
    /// bytes the elements reach. All-negative suboffsets are ignored (the layout is direct).
    ///
    /// A strided buffer's view borrows only the bytes of its elements: the exporter's bytes
    /// between them are never read (nor handed out by [`buffer`](crate::view::ViewBase::buffer)),
    /// so they may belong to anyone.
    ///
    /// # Safety
    ///
    /// For the whole lifetime `'a`:
    /// 1. `format` is NULL or points to a NUL-terminated string readable until this call
    ///    returns; `shape`, `strides` and `suboffsets` are NULL or point to `ndim` readable
    ///    `isize`s (not read unless `0 <= ndim <= 64`).
    /// 2. Direct buffer (no suboffset `>= 0`): the *span* of the elements — from the lowest
    ///    byte any element covers, `buf + Σ_{strides[k] < 0} (shape[k] - 1) * strides[k]`, to
    ///    the highest, `buf + Σ_{strides[k] > 0} (shape[k] - 1) * strides[k] + itemsize - 1` —
    ///    lies in one allocation, and every element's `itemsize` bytes are valid for reads
    ///    (nothing is required when some extent is 0). This is what every correct exporter
    ///    guarantees, and what `len` does *not* say for strided buffers.
    /// 3. Indirect buffer (PEP 3118 suboffsets, e.g. PIL-style arrays): the same holds for the
    ///    first pointer slots (the axes up to and including the first suboffset `>= 0`, with
    ///    items the size of a pointer); and for every index inside the shape, following PEP
    ///    3118 (after axis `k`'s stride, when `suboffsets[k] >= 0`, load the pointer there and
    ///    add `suboffsets[k]`), every later pointer slot is valid for reading a pointer and the
    ///    element's `itemsize` bytes are valid for reads.
    /// 4. No one writes to any of those bytes during `'a` (for a Python exporter: no Python
    ///    code or other thread mutates the object while the view lives).
    pub unsafe fn as_view<'a>(&self) -> Result<MemoryView<'a>, BufferError> {
        // SAFETY: point 1 of this function's contract is `describe`'s contract.
        let d = unsafe { describe(self) }?;
        let (start, span, offset, tiles) = d.storage(self.buf)?;
        let store = if tiles {
            // SAFETY: the reached bytes tile the span, so by points 2 and 3 all `span` bytes
            // from `start` are readable for `'a` in one allocation (for an empty view `start`
            // is dangling and `span` 0), and by 4 nothing mutates them meanwhile.
            Shared::from_slice(unsafe { std::slice::from_raw_parts(start, span) })
        } else {
            // SAFETY: by points 2 and 3 the span lies in one allocation and the reached bytes
            // (the elements, or the first pointer slots) are readable for `'a`; by 4 nothing
            // mutates them. `start` is non-null (the view is non-empty, so `buf` is not NULL,
            // checked, and the span does not wrap).
            unsafe {
                Shared::from_span(ptr::NonNull::new(start).ok_or(BufferError::BufNull)?, span)
            }
        };
        Ok(match &d.suboffsets {
            None => MemoryView::from_format(
                store,
                d.format,
                Some(d.itemsize),
                &d.shape,
                Some(&d.strides),
                offset,
            )?,
            // SAFETY: point 3 is `from_format_indirect`'s contract (the first slots are in the
            // storage, which it checks), point 4 its "no one writes".
            Some(subs) => unsafe {
                MemoryView::from_format_indirect(
                    store,
                    d.format,
                    Some(d.itemsize),
                    &d.shape,
                    &d.strides,
                    subs,
                    offset,
                )?
            },
        })
    }

    /// A writable view of the buffer, without copying; as [`as_view`](Self::as_view), and
    /// [`BufferError::ReadOnly`] when `readonly` is non-zero.
    ///
    /// # Safety
    ///
    /// As for [`as_view`](Self::as_view), and: in points 2 and 3 the elements' bytes must also
    /// be valid for writes; for an indirect buffer they must lie outside the span of the first
    /// pointer slots; and point 4 becomes: during `'a` no one else reads or writes any of
    /// those bytes (no other view, Rust reference or Python object is used to access them).
    pub unsafe fn as_view_mut<'a>(&self) -> Result<MemoryViewMut<'a>, BufferError> {
        if self.readonly != 0 {
            return Err(BufferError::ReadOnly);
        }
        // SAFETY: point 1 of this function's contract is `describe`'s contract.
        let d = unsafe { describe(self) }?;
        let (start, span, offset, tiles) = d.storage(self.buf)?;
        let store = if tiles {
            // SAFETY: as in `as_view`, valid for writes too, and by 4 accessed by no one else.
            Exclusive::from_slice(unsafe { std::slice::from_raw_parts_mut(start, span) })
        } else {
            // SAFETY: as in `as_view`; the reached bytes are valid for reads and writes and
            // accessed by no one else for `'a` (2, 3, 4); `buf` came from the exporter as a
            // writable pointer.
            unsafe {
                Exclusive::from_span(ptr::NonNull::new(start).ok_or(BufferError::BufNull)?, span)
            }
        };
        Ok(match &d.suboffsets {
            None => MemoryViewMut::from_format(
                store,
                d.format,
                Some(d.itemsize),
                &d.shape,
                Some(&d.strides),
                offset,
            )?,
            // SAFETY: points 3 and 4 (writable, exclusive, outside the first slots) are
            // `from_format_indirect`'s contract for a writable view.
            Some(subs) => unsafe {
                MemoryViewMut::from_format_indirect(
                    store,
                    d.format,
                    Some(d.itemsize),
                    &d.shape,
                    &d.strides,
                    subs,
                    offset,
                )?
            },
        })
    }
}

impl<S: Storage> ViewBase<S> {
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
    /// pointer, and the element's `itemsize` bytes at the end must be valid for reads, for the
    /// lifetime of `buf`'s borrow; and no one may write those bytes meanwhile. For a writable
    /// view ([`MemoryViewMut`]) the elements' bytes must also be valid for writes, lie outside
    /// `buf`, and not be read or written by anyone else during the borrow (the view has
    /// exclusive access, as a `&mut` would).
    pub unsafe fn from_parts_indirect(
        buf: impl Into<S>,
        format: &str,
        shape: &[usize],
        strides: &[isize],
        suboffsets: &[isize],
        offset: usize,
    ) -> Result<Self, ViewError> {
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
        buf: impl Into<S>,
        format: impl Into<Arc<Format>>,
        itemsize: Option<usize>,
        shape: &[usize],
        strides: &[isize],
        suboffsets: &[isize],
        offset: usize,
    ) -> Result<Self, ViewError> {
        let format = format.into();
        let geom = indirect_geometry(&format, itemsize, shape, strides, suboffsets, offset)?;
        let raw = if geom.indirect.is_some() {
            // SAFETY: 7c (for the storage's kind) is this function's contract.
            unsafe { RawView::new_indirect(buf.into(), geom)? }
        } else {
            RawView::new(buf.into(), geom)?
        };
        Ok(ViewBase::from_raw(raw, format))
    }
}

/// The exporter's side of one buffer request: the answer to the flags (CPython's
/// `memory_getbuf`), and the heap storage that the filled [`RawBuffer`] points into.
///
/// **Format.** When the request asks for a format, the export carries
/// [`Format::portable_with_itemsize`] of the view's format and item size rather than the
/// format's own text: a text NumPy's PEP 3118 importer lays out with exactly the view's item
/// size, field offsets, scalar types and byte orders, and that memview reads back with the
/// same layout. It is the view's own text for every element format NumPy knows (`i`, `<d`,
/// `Zf`, `3s`) and for structs both already read alike (`T{ib}`, `bd`); other structs are
/// written out with explicit padding and prefixes (`ib`, 5 bytes by `struct`'s rules but 8 by
/// NumPy's, becomes `=ib`; see [`PortableFormat`](crate::format::PortableFormat)). Formats
/// NumPy cannot express at all (`P`, `&i`, `u`, ...) keep a text memview reads identically.
///
/// [`MemoryView::request`] itself stays CPython-identical (it answers with the view's own
/// text, as `memory_getbuf` answers with the memoryview's): only what leaves the process
/// through an `Export` changes, and [`info`](Export::info) shows the exported text.
///
/// The arrays live in their own heap allocations, so moving the `Export` (into a `Box`, into
/// `RawBuffer::internal`, ...) does not move them. Drop it only after the consumer has released
/// the buffer.
#[derive(Debug)]
pub struct Export {
    buf: *mut c_void,
    info: BufferInfo,
    format: Option<CString>,
    shape: Option<Box<[isize]>>,
    strides: Option<Box<[isize]>>,
    suboffsets: Option<Box<[isize]>>,
}

// SAFETY: `Export` holds a data pointer only to hand it to a consumer; it never dereferences
// it, and the arrays it owns are plain heap data.
unsafe impl Send for Export {}
// SAFETY: as for `Send`: no method reads through `buf`.
unsafe impl Sync for Export {}

/// The portable text of `format` for the items of `info`, if the request asked for a format.
fn portable_for(format: &Format, info: &BufferInfo) -> Option<String> {
    info.format
        .as_ref()
        .map(|_| format.portable_with_itemsize(info.itemsize).into_string())
}

fn to_isize(v: &[usize]) -> Box<[isize]> {
    // Extents of a validated view fit isize (their product does).
    v.iter().map(|&n| n as isize).collect()
}

impl Export {
    /// Answer `flags` for a read-only view, with CPython's errors (`WRITABLE` always fails).
    /// The format, when requested, is the view's portable text (see above).
    ///
    /// An indirect view that PEP 3118 cannot describe only because its first dereferences come
    /// before any axis (a row of a PIL image, its row axis indexed away) is exported with those
    /// pointers followed: as the direct (or less indirect) buffer they lead to.
    pub fn new(view: &MemoryView<'_>, flags: BufferFlags) -> Result<Export, ViewError> {
        let (buf, info) = view.export_request(flags)?;
        let portable = portable_for(view.format(), &info);
        Ok(Export::with_format(buf as *mut c_void, info, portable))
    }

    /// Answer `flags` for a writable view; the consumer may write through the pointer for as
    /// long as the view's borrow lasts. The format is the portable text, as for
    /// [`new`](Export::new).
    pub fn new_mut(view: &mut MemoryViewMut<'_>, flags: BufferFlags) -> Result<Export, ViewError> {
        let (buf, info) = view.export_request_mut(flags)?;
        let portable = portable_for(view.format(), &info);
        Ok(Export::with_format(buf as *mut c_void, info, portable))
    }

    /// An export of the answer `info` for a buffer whose element `[0, ..., 0]` is at `buf`
    /// (for exporters that keep their data behind a raw pointer). Nothing is dereferenced
    /// here; whoever reads the filled [`RawBuffer`] relies on `buf` and `info` agreeing.
    ///
    /// A format in `info` is replaced by its portable text ([`Format::portable_with_itemsize`]
    /// for `info.itemsize`); one that does not parse is passed on as it is.
    pub fn from_info(buf: *mut c_void, info: BufferInfo) -> Export {
        let portable = info.format.as_deref().and_then(|text| {
            Format::parse(text)
                .ok()
                .map(|f| f.portable_with_itemsize(info.itemsize).into_string())
        });
        Export::with_format(buf, info, portable)
    }

    /// An export of `info` with its format (if the request asked for one) replaced by
    /// `portable` (if given).
    pub(crate) fn with_format(
        buf: *mut c_void,
        mut info: BufferInfo,
        portable: Option<String>,
    ) -> Export {
        if let (Some(format), Some(text)) = (&mut info.format, portable) {
            *format = text;
        }
        Export {
            buf,
            // A format never contains NUL: the parser rejects it.
            format: info.format.as_deref().and_then(|f| CString::new(f).ok()),
            shape: info.shape.as_deref().map(to_isize),
            strides: info.strides.as_deref().map(|s| s.into()),
            suboffsets: info.suboffsets.as_deref().map(|s| s.into()),
            info,
        }
    }

    /// The answer, as plain values (with the exported, portable format text).
    pub fn info(&self) -> &BufferInfo {
        &self.info
    }

    /// Fill `out` as the exporter must: `buf`, `len`, `itemsize`, `readonly`, `ndim`, and the
    /// `format`/`shape`/`strides`/`suboffsets` pointers (NULL where the request left them out)
    /// into storage owned by `self`. `obj` is set to `obj`; `internal` is left as it is.
    pub fn fill(&self, out: &mut RawBuffer, obj: *mut c_void) {
        fn ptr_of(b: &Option<Box<[isize]>>) -> *mut isize {
            b.as_ref()
                .map_or(ptr::null_mut(), |b| b.as_ptr() as *mut isize)
        }
        out.buf = self.buf;
        out.obj = obj;
        out.len = self.info.len as isize;
        out.itemsize = self.info.itemsize as isize;
        out.readonly = c_int::from(self.info.readonly);
        out.ndim = self.info.ndim as c_int;
        out.format = self
            .format
            .as_ref()
            .map_or(ptr::null_mut(), |f| f.as_ptr() as *mut c_char);
        // CPython exports a 0-dim view with NULL shape and strides (`_testbuffer.cmp_contig`
        // and other consumers check this), not pointers to empty arrays.
        let zero_dim = self.info.ndim == 0;
        out.shape = if zero_dim {
            ptr::null_mut()
        } else {
            ptr_of(&self.shape)
        };
        out.strides = if zero_dim {
            ptr::null_mut()
        } else {
            ptr_of(&self.strides)
        };
        out.suboffsets = ptr_of(&self.suboffsets);
    }
}

/// Memory an exporter hands out through raw pointers: `len` bytes at `ptr`, kept alive by
/// `_owner` (a `Vec` whose heap block is `ptr`; moving the `Vec` does not move the block, and
/// no Rust reference to the block is made while the region lives).
#[cfg_attr(not(feature = "python"), allow(dead_code))]
pub(crate) struct OwnedRegion {
    pub(crate) ptr: *mut u8,
    pub(crate) len: usize,
    pub(crate) _owner: Box<dyn std::any::Any + Send + Sync>,
}

/// 16 bytes, 16-aligned: the unit of an [`AlignedBuffer`]'s storage.
#[derive(Clone, Copy, bytemuck::Pod, bytemuck::Zeroable)]
#[repr(C, align(16))]
struct Block([u8; 16]);

/// An owned, C-contiguous buffer of items of a format, aligned to 16 bytes (enough for every
/// PEP 3118 type, `long double` and complex included): what Rust code hands to Python or C
/// (see `memview::python`), and where [`AlignedBuffer::from_view`] copies any view — strided,
/// reversed or indirect — to make it direct and contiguous.
///
/// ```
/// use memview::ffi::AlignedBuffer;
/// use memview::{MemoryView, Order};
///
/// let mut a = AlignedBuffer::zeroed("<i", &[2, 3])?;
/// a.view_mut().set(&[1, 2], 7)?;
/// assert_eq!(a.as_bytes().as_ptr() as usize % 16, 0);
/// let t = AlignedBuffer::from_view(&a.view().transpose());
/// assert_eq!((t.shape(), t.view().get(&[2, 1])?.to_string()), (&[3, 2][..], "7".to_string()));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone)]
pub struct AlignedBuffer {
    blocks: Vec<Block>,
    len: usize,
    format: Arc<Format>,
    itemsize: usize,
    shape: Vec<usize>,
}

impl AlignedBuffer {
    /// A zero-filled buffer of `shape` items of `format` (itemsize = the format's size).
    pub fn zeroed(format: &str, shape: &[usize]) -> Result<AlignedBuffer, ViewError> {
        Self::zeroed_format(Arc::new(Format::parse(format)?), None, shape)
    }

    /// A zero-filled buffer with a parsed format and an optional explicit itemsize (not smaller
    /// than the format's size).
    pub fn zeroed_format(
        format: Arc<Format>,
        itemsize: Option<usize>,
        shape: &[usize],
    ) -> Result<AlignedBuffer, ViewError> {
        let itemsize = itemsize.unwrap_or(format.itemsize());
        // Validate the layout the way a view would (ndim, itemsize, overflow).
        let len = shape
            .iter()
            .try_fold(itemsize, |a, &n| a.checked_mul(n))
            .filter(|&n| isize::try_from(n).is_ok())
            .ok_or_else(|| ViewError::SizeOverflow {
                shape: shape.to_vec(),
                itemsize,
            })?;
        let blocks = vec![Block([0; 16]); len.div_ceil(16)];
        let buf = AlignedBuffer {
            blocks,
            len,
            format,
            itemsize,
            shape: shape.to_vec(),
        };
        MemoryView::from_format(
            buf.as_bytes(),
            buf.format.clone(),
            Some(itemsize),
            shape,
            None,
            0,
        )?;
        Ok(buf)
    }

    /// A buffer holding a copy of `bytes` (exactly `product(shape) * itemsize` of them) as
    /// `shape` items of `format`.
    pub fn from_bytes(
        bytes: &[u8],
        format: &str,
        shape: &[usize],
    ) -> Result<AlignedBuffer, ViewError> {
        let mut buf = Self::zeroed(format, shape)?;
        if bytes.len() != buf.len {
            return Err(ViewError::LengthMismatch {
                expected: buf.len,
                given: bytes.len(),
            });
        }
        buf.as_bytes_mut().copy_from_slice(bytes);
        Ok(buf)
    }

    /// A C-contiguous copy of any view (`PyBuffer_ToContiguous` into a new buffer): same
    /// format, itemsize and shape; strides, offsets and suboffsets are gone.
    pub fn from_view(view: &MemoryView<'_>) -> AlignedBuffer {
        let bytes = view.to_bytes(crate::Order::C);
        let len = bytes.len();
        let mut blocks = vec![Block([0; 16]); len.div_ceil(16)];
        bytemuck::cast_slice_mut::<Block, u8>(&mut blocks)[..len].copy_from_slice(&bytes);
        AlignedBuffer {
            blocks,
            len,
            format: Arc::new(view.format().clone()),
            itemsize: view.itemsize(),
            shape: view.shape().to_vec(),
        }
    }

    /// The bytes, in C order.
    pub fn as_bytes(&self) -> &[u8] {
        &bytemuck::cast_slice::<Block, u8>(&self.blocks)[..self.len]
    }

    /// The bytes, writable.
    pub fn as_bytes_mut(&mut self) -> &mut [u8] {
        &mut bytemuck::cast_slice_mut::<Block, u8>(&mut self.blocks)[..self.len]
    }

    /// The format of one item.
    pub fn format(&self) -> &Format {
        &self.format
    }

    /// Bytes per item.
    pub fn itemsize(&self) -> usize {
        self.itemsize
    }

    /// The shape.
    pub fn shape(&self) -> &[usize] {
        &self.shape
    }

    /// A view of the items.
    pub fn view(&self) -> MemoryView<'_> {
        match MemoryView::from_format(
            self.as_bytes(),
            self.format.clone(),
            Some(self.itemsize),
            &self.shape,
            None,
            0,
        ) {
            Ok(v) => v,
            // The layout was validated when the buffer was made.
            Err(e) => unreachable!("validated layout: {e}"),
        }
    }

    /// A writable view of the items.
    pub fn view_mut(&mut self) -> MemoryViewMut<'_> {
        let (format, itemsize, shape) = (self.format.clone(), self.itemsize, self.shape.clone());
        match MemoryViewMut::from_format(
            self.as_bytes_mut(),
            format,
            Some(itemsize),
            &shape,
            None,
            0,
        ) {
            Ok(v) => v,
            // The layout was validated when the buffer was made.
            Err(e) => unreachable!("validated layout: {e}"),
        }
    }

    /// Take the storage apart for an exporter: the data pointer (writable, derived from the
    /// owning `Vec`), the byte length, and the owner to keep alive (moving it does not move
    /// the data).
    #[cfg_attr(not(feature = "python"), allow(dead_code))]
    pub(crate) fn into_region(self) -> (OwnedRegion, Arc<Format>, usize, Vec<usize>) {
        let mut blocks = self.blocks;
        let ptr = blocks.as_mut_ptr() as *mut u8;
        let region = OwnedRegion {
            ptr,
            len: self.len,
            _owner: Box::new(blocks),
        };
        (region, self.format, self.itemsize, self.shape)
    }
}

impl fmt::Debug for AlignedBuffer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AlignedBuffer")
            .field("format", &self.format.as_str())
            .field("itemsize", &self.itemsize)
            .field("shape", &self.shape)
            .finish()
    }
}

/// Indirect views over Rust-owned pointer tables (the unsafe constructors above).
#[cfg(test)]
mod indirect_tests;

#[cfg(test)]
mod tests {
    use super::*;
    use std::mem::{align_of, offset_of, size_of};

    /// Offsets of `Py_buffer`'s fields as `ctypes` computes them for CPython 3.11/3.12/3.13 on
    /// x86-64 Linux (`Include/pybuffer.h`): buf 0, obj 8, len 16, itemsize 24, readonly 32,
    /// ndim 36, format 40, shape 48, strides 56, suboffsets 64, internal 72; size 80.
    #[cfg(target_pointer_width = "64")]
    #[test]
    fn layout_is_cpythons() {
        assert_eq!(size_of::<RawBuffer>(), 80);
        assert_eq!(align_of::<RawBuffer>(), 8);
        let offsets = [
            offset_of!(RawBuffer, buf),
            offset_of!(RawBuffer, obj),
            offset_of!(RawBuffer, len),
            offset_of!(RawBuffer, itemsize),
            offset_of!(RawBuffer, readonly),
            offset_of!(RawBuffer, ndim),
            offset_of!(RawBuffer, format),
            offset_of!(RawBuffer, shape),
            offset_of!(RawBuffer, strides),
            offset_of!(RawBuffer, suboffsets),
            offset_of!(RawBuffer, internal),
        ];
        assert_eq!(offsets, [0, 8, 16, 24, 32, 36, 40, 48, 56, 64, 72]);
    }

    fn raw_for(buf: &[u8], len: isize, itemsize: isize, ndim: c_int) -> RawBuffer {
        RawBuffer {
            buf: buf.as_ptr() as *mut c_void,
            len,
            itemsize,
            ndim,
            readonly: 1,
            ..RawBuffer::empty()
        }
    }

    #[test]
    fn nulls_are_filled_in_like_cpython() {
        let data: Vec<u8> = (0..6).collect();
        let raw = raw_for(&data, 6, 1, 1);
        // SAFETY: `raw` points to `data` (6 readable bytes), no arrays.
        let v = unsafe { raw.as_view() }.unwrap();
        assert_eq!(
            (v.format().as_str(), v.shape(), v.strides()),
            ("B", &[6usize][..], &[1isize][..])
        );
        // 0-dim, shape NULL.
        let raw = raw_for(&data, 1, 1, 0);
        // SAFETY: as above.
        let v = unsafe { raw.as_view() }.unwrap();
        assert_eq!(v.ndim(), 0);
        assert_eq!(v.to_list().unwrap().to_string(), "0");
        // N-D with strides NULL: C strides.
        let mut shape = [2isize, 3];
        let mut raw = raw_for(&data, 6, 1, 2);
        raw.shape = shape.as_mut_ptr();
        // SAFETY: `shape` holds 2 values; the span is the 6 bytes of `data`.
        let v = unsafe { raw.as_view() }.unwrap();
        assert_eq!(v.strides(), &[3, 1]);
    }

    #[test]
    fn negative_strides_reach_below_buf() {
        let data: Vec<u8> = (0..6).collect();
        let mut shape = [3isize];
        let mut strides = [-2isize];
        let mut raw = raw_for(&data[4..], 3, 1, 1);
        raw.shape = shape.as_mut_ptr();
        raw.strides = strides.as_mut_ptr();
        // `buf` must keep the provenance of all of `data`.
        raw.buf = data.as_ptr().wrapping_add(4) as *mut c_void;
        // SAFETY: the span is bytes 0..5 of `data`.
        let v = unsafe { raw.as_view() }.unwrap();
        assert_eq!(v.to_bytes(crate::Order::C), [4, 2, 0]);
        // A strided import borrows only its elements: bytes 0, 2 and 4 of the 5-byte span.
        assert!(v.buffer().is_err());
        assert!(!v.borrows_buffer());
    }

    #[test]
    fn hostile_headers_are_errors() {
        let data = [0u8; 8];
        let mut shape = [2isize, 2];
        let mut neg = [-1isize, 2];
        let cases: Vec<(RawBuffer, BufferError)> = vec![
            (
                raw_for(&data, 8, 1, 65),
                BufferError::NdimOutOfRange { ndim: 65 },
            ),
            (
                raw_for(&data, 8, 1, -1),
                BufferError::NdimOutOfRange { ndim: -1 },
            ),
            (
                raw_for(&data, -8, 1, 1),
                BufferError::LenNegative { len: -8 },
            ),
            (
                raw_for(&data, 8, 0, 1),
                BufferError::ItemsizeNotPositive { itemsize: 0 },
            ),
            (
                raw_for(&data, 8, -4, 1),
                BufferError::ItemsizeNotPositive { itemsize: -4 },
            ),
            (raw_for(&data, 8, 1, 2), BufferError::ShapeNull { ndim: 2 }),
            (
                raw_for(&data, 7, 2, 1),
                BufferError::LenNotMultiple {
                    len: 7,
                    itemsize: 2,
                },
            ),
            (
                RawBuffer {
                    shape: neg.as_mut_ptr(),
                    ..raw_for(&data, 8, 1, 2)
                },
                BufferError::ShapeNegative {
                    axis: 0,
                    extent: -1,
                },
            ),
            (
                RawBuffer {
                    shape: shape.as_mut_ptr(),
                    ..raw_for(&data, 8, 1, 2)
                },
                BufferError::LenMismatch {
                    len: 8,
                    shape: vec![2, 2],
                    itemsize: 1,
                },
            ),
            (
                RawBuffer {
                    buf: ptr::null_mut(),
                    ..raw_for(&data, 8, 1, 1)
                },
                BufferError::BufNull,
            ),
        ];
        for (raw, expected) in cases {
            // SAFETY: every pointer is NULL or points to live arrays of `ndim` values (or is
            // not read because the header is rejected first).
            let got = unsafe { raw.as_view() }.unwrap_err();
            assert_eq!(got, expected);
            assert!(!got.to_string().is_empty());
        }
    }

    #[test]
    fn huge_strides_are_overflow_errors() {
        let data = [0u8; 8];
        let mut shape = [2isize, 2];
        let mut strides = [isize::MAX, isize::MAX];
        let raw = RawBuffer {
            shape: shape.as_mut_ptr(),
            strides: strides.as_mut_ptr(),
            ..raw_for(&data, 4, 1, 2)
        };
        // SAFETY: arrays of 2 values; the header is rejected before any data is read.
        let e = unsafe { raw.as_view() }.unwrap_err();
        assert_eq!(e, BufferError::SpanOverflow);
        // A huge extent next to a zero one is an empty buffer of 0 bytes, not an overflow:
        // what memview exports for such a view imports back.
        let mut shape = [1isize << 62, 0, 6];
        let mut strides = [15isize, 0, 7];
        let raw = RawBuffer {
            shape: shape.as_mut_ptr(),
            strides: strides.as_mut_ptr(),
            ..raw_for(&data, 0, 4, 3)
        };
        // SAFETY: arrays of 3 values; no element is reachable.
        let v = unsafe { raw.as_view() }.unwrap();
        assert_eq!((v.shape(), v.nbytes()), (&[1 << 62, 0, 6][..], 0));
        assert_eq!(v.to_bytes(crate::Order::C), b"");
    }

    #[test]
    fn formats_are_reconciled_with_itemsize() {
        // ctypes: `Structure(c_uint8, c_uint32)` on a little-endian host.
        #[cfg(target_endian = "little")]
        {
            let f = reconcile_format("T{<B:a:<I:b:}", 8).unwrap();
            assert_eq!(f.itemsize(), 8);
        }
        // NumPy gh-7797: explicit itemsize, trailing padding missing.
        assert_eq!(reconcile_format("T{b:a:}", 4).unwrap().itemsize(), 1);
        assert_eq!(
            reconcile_format("i", 8).unwrap_err(),
            BufferError::FormatItemsizeMismatch {
                format: "i".into(),
                format_size: 4,
                itemsize: 8
            }
        );
        assert!(matches!(
            reconcile_format("T{i", 4),
            Err(BufferError::Format(_))
        ));
    }

    #[test]
    fn export_answers_like_memory_getbuf() {
        let data: Vec<u8> = (0..12).collect();
        let v = MemoryView::from_parts(&data, "i", &[3], None, 0).unwrap();
        let e = Export::new(&v, BufferFlags::SIMPLE).unwrap();
        let mut raw = RawBuffer::empty();
        e.fill(&mut raw, ptr::null_mut());
        assert_eq!((raw.ndim, raw.len, raw.itemsize), (1, 12, 4));
        assert!(raw.shape.is_null() && raw.strides.is_null() && raw.format.is_null());
        assert_eq!(
            Export::new(&v, BufferFlags::FORMAT).unwrap_err(),
            ViewError::FormatWithoutShape
        );
        assert_eq!(
            Export::new(&v, BufferFlags::WRITABLE).unwrap_err(),
            ViewError::NotWritable
        );
        let e = Export::new(&v.select("::-1").unwrap(), BufferFlags::FULL_RO).unwrap();
        e.fill(&mut raw, ptr::null_mut());
        assert_eq!(raw.buf as *const u8, data.as_ptr().wrapping_add(8));
        // SAFETY: the exported arrays live in `e`, alive here.
        let (fmt, strides) = unsafe { (CStr::from_ptr(raw.format), *raw.strides) };
        assert_eq!((fmt.to_str().unwrap(), strides), ("i", -4));
        // Round trip.
        // SAFETY: `raw` describes a view of `data`, alive and unmodified.
        let back = unsafe { raw.as_view() }.unwrap();
        assert_eq!(
            back.to_list().unwrap().to_string(),
            v.select("::-1").unwrap().to_list().unwrap().to_string()
        );
    }

    #[test]
    fn exports_carry_the_portable_format() {
        // `struct`'s 5-byte `ib` would be 8 bytes to NumPy: exported as `=ib`.
        let data: Vec<u8> = (0..10).collect();
        let v = MemoryView::from_parts(&data, "ib", &[2], None, 0).unwrap();
        assert_eq!(
            v.request(BufferFlags::FULL_RO).unwrap().format.unwrap(),
            "ib"
        );
        let e = Export::new(&v, BufferFlags::FULL_RO).unwrap();
        assert_eq!(e.info().format.as_deref(), Some("=ib"));
        let mut raw = RawBuffer::empty();
        e.fill(&mut raw, ptr::null_mut());
        // SAFETY: the exported arrays live in `e`.
        let fmt = unsafe { CStr::from_ptr(raw.format) };
        assert_eq!(fmt.to_str().unwrap(), "=ib");
        // SAFETY: `raw` describes a view of `data`, alive and unmodified.
        let back = unsafe { raw.as_view() }.unwrap();
        assert_eq!(back.to_list().unwrap(), v.to_list().unwrap());
        // Element formats keep their text; no format requested, none exported.
        let v = MemoryView::from_parts(&data[..8], "<d", &[1], None, 0).unwrap();
        let e = Export::new(&v, BufferFlags::RECORDS_RO).unwrap();
        assert_eq!(e.info().format.as_deref(), Some("<d"));
        assert_eq!(
            Export::new(&v, BufferFlags::ND).unwrap().info().format,
            None
        );
        // from_info: the same rewrite, padded to an explicit itemsize; text that does not
        // parse is passed on.
        let mut info = v.request(BufferFlags::FULL_RO).unwrap();
        info.format = Some("T{b:a:}".into());
        info.itemsize = 4;
        let e = Export::from_info(ptr::null_mut(), info.clone());
        assert_eq!(e.info().format.as_deref(), Some("T{b:a:}3x"));
        info.format = Some("T{".into());
        assert_eq!(
            Export::from_info(ptr::null_mut(), info)
                .info()
                .format
                .as_deref(),
            Some("T{")
        );
        // Writable exports too.
        let mut data = [0u8; 9];
        let mut w = MemoryViewMut::from_parts(&mut data, "qb", &[1], None, 0).unwrap();
        let e = Export::new_mut(&mut w, BufferFlags::FULL).unwrap();
        assert_eq!(e.info().format.as_deref(), Some("=qb"));
    }

    #[test]
    fn writable_round_trip() {
        let mut data = [0u8; 8];
        {
            let mut v = MemoryViewMut::from_parts(&mut data, "<h", &[4], None, 0).unwrap();
            let e = Export::new_mut(&mut v, BufferFlags::FULL).unwrap();
            let mut raw = RawBuffer::empty();
            e.fill(&mut raw, ptr::null_mut());
            assert_eq!(raw.readonly, 0);
            // SAFETY: the only access to `data` during `w`'s life is through `w` (`v` and `e`
            // are not used until `w` is gone).
            let mut w = unsafe { raw.as_view_mut() }.unwrap();
            w.set(&[2], 513).unwrap();
        }
        assert_eq!(data, [0, 0, 0, 0, 1, 2, 0, 0]);
        let raw = RawBuffer {
            readonly: 1,
            ..raw_for(&data, 8, 1, 1)
        };
        // SAFETY: not reached past the read-only check.
        let e = unsafe { raw.as_view_mut() }.unwrap_err();
        assert_eq!(e, BufferError::ReadOnly);
    }

    #[test]
    fn indirect_buffers_import_and_export() {
        const P: usize = std::mem::size_of::<*const u8>();
        let rows = [[1u8, 2, 3], [4, 5, 6]];
        let mut table = [0u8; 2 * P];
        for (i, r) in rows.iter().enumerate() {
            // SAFETY: slot `i` is inside `table`; the pointer keeps `rows`' provenance.
            unsafe {
                ptr::write_unaligned(table.as_mut_ptr().add(i * P) as *mut *const u8, r.as_ptr())
            };
        }
        let mut shape = [2isize, 3];
        let mut strides = [P as isize, 1];
        let mut subs = [0isize, -1];
        let raw = RawBuffer {
            shape: shape.as_mut_ptr(),
            strides: strides.as_mut_ptr(),
            suboffsets: subs.as_mut_ptr(),
            ..raw_for(&table, 6, 1, 2)
        };
        // SAFETY: the table holds two pointers to the rows, alive and unwritten meanwhile.
        let v = unsafe { raw.as_view() }.unwrap();
        assert_eq!(v.to_list().unwrap().to_string(), "[[1, 2, 3], [4, 5, 6]]");
        assert_eq!(v.suboffsets().unwrap(), Some(vec![0, -1]));
        // Export it again: only INDIRECT requests succeed.
        assert_eq!(
            Export::new(&v, BufferFlags::RECORDS_RO).unwrap_err(),
            ViewError::RequiresSuboffsets
        );
        let e = Export::new(&v.select(":, ::-1").unwrap(), BufferFlags::FULL_RO).unwrap();
        let mut out = RawBuffer::empty();
        e.fill(&mut out, ptr::null_mut());
        // SAFETY: `out` describes the same table and rows.
        let back = unsafe { out.as_view() }.unwrap();
        assert_eq!(
            back.to_list().unwrap().to_string(),
            "[[3, 2, 1], [6, 5, 4]]"
        );
        // SAFETY: `e`'s arrays are alive.
        assert_eq!(unsafe { *out.suboffsets }, 2);
        // One row (the axis before the dereference indexed away) has no suboffsets form; it
        // is exported with its pointer followed, as the plain buffer of that row, so even a
        // consumer that does not follow suboffsets can take it.
        let row = v.select("1, ::-1").unwrap();
        assert_eq!(row.suboffsets(), Err(ViewError::SuboffsetsNotRepresentable));
        assert_eq!(
            row.request(BufferFlags::FULL_RO),
            Err(ViewError::SuboffsetsNotRepresentable)
        );
        let e = Export::new(&row, BufferFlags::RECORDS_RO).unwrap();
        let mut out = RawBuffer::empty();
        e.fill(&mut out, ptr::null_mut());
        assert!(out.suboffsets.is_null());
        assert_eq!(out.buf as *const u8, rows[1].as_ptr().wrapping_add(2));
        assert_eq!((out.ndim, out.len, out.itemsize), (1, 3, 1));
        // SAFETY: `out` describes the second row, alive and unwritten.
        let back = unsafe { out.as_view() }.unwrap();
        assert_eq!(back.to_list().unwrap().to_string(), "[6, 5, 4]");
        assert_eq!(back.strides(), &[-1]);
        // A single element: both levels gone.
        let e = Export::new(&v.select("0, 2").unwrap(), BufferFlags::FULL_RO).unwrap();
        e.fill(&mut out, ptr::null_mut());
        assert_eq!(
            (out.ndim, out.buf as *const u8),
            (0, rows[0].as_ptr().wrapping_add(2))
        );
        // Transposed across the dereference: still no PEP 3118 form, still an error.
        assert_eq!(
            Export::new(&v.transpose(), BufferFlags::FULL_RO).unwrap_err(),
            ViewError::SuboffsetsNotRepresentable
        );
        // Empty: nothing is dereferenced, the error stays.
        assert_eq!(
            Export::new(&v.select("1, 3:").unwrap(), BufferFlags::FULL_RO).unwrap_err(),
            ViewError::SuboffsetsNotRepresentable
        );
        // The first pointer slots are checked against the span they must lie in.
        // SAFETY: `raw.shape` points to `shape`, alive and not borrowed.
        unsafe { *raw.shape = -1 };
        // SAFETY: rejected before any pointer is followed.
        assert!(unsafe { raw.as_view() }.is_err());
    }
}
