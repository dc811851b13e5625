//! `memview.MemoryView`: Python's `memoryview`, with memview underneath.
//!
//! # Design
//!
//! A [`PyMemoryView`] owns what it views, with no Rust lifetime:
//!
//! * the **base**, an `Arc<PyBufferGuard>`: the one `PyObject_GetBuffer(obj, PyBUF_FULL_RO)`
//!   made when the first view of an exporter was constructed (CPython's managed buffer). Every
//!   view derived from it — `MemoryView(m)`, slices, sub-views, casts, `toreadonly()` — shares
//!   the `Arc`, so `obj` is the same object and the exporter's buffer is released (exactly
//!   once, by the guard) when the last view sharing it is released or freed;
//! * its own **header**: where its bytes are — the storage (start, length, whether all of it
//!   is borrowed) of the memview view it was read from — and its geometry (offset, itemsize,
//!   shape, strides, suboffsets), the parsed format, the format text, `readonly`, and the
//!   contiguity flags. The first header is read from [`RawBuffer::as_view`] of the exporter's
//!   `Py_buffer` (which validates everything); the header of a derived view is read back from
//!   the memview view that computed it (`select_with`, `cast_format`), which memview proved to
//!   lie inside that storage. An indirect view whose first dereferences precede every axis (a
//!   row of a PIL image) is re-imported through `RawBuffer::as_view` with them followed, as
//!   its export describes it.
//!
//! Each operation rebuilds a [`MemoryView`] (or [`MemoryViewMut`]) from the header —
//! `ViewBase::from_format` (or `from_format_indirect`) on the remembered storage, which
//! validates the geometry again — uses it, and drops it before handing anything back to
//! Python. Two rules make that sound (see the `SAFETY` comments):
//!
//! 1. the view never outlives the base: it borrows the `Live` value that holds the `Arc`, and
//!    re-creating a storage memview already built on the same, still held, buffer is as valid
//!    as it was then;
//! 2. no Python code runs while a view exists: conversions from Python objects happen before a
//!    view is made, conversions to Python objects after it is dropped, and nothing in between
//!    calls into the interpreter (so no other Python code, finalizer or thread holding the GIL
//!    can write to the exporter's memory meanwhile — the guarantee CPython's own `memoryview`
//!    relies on). A writable view is made only for a writable header, and a source that could
//!    overlap it is copied out first, so a `MemoryViewMut` is the only access to its bytes
//!    while it lives. Pointers into the exporter's memory are derived from the exporter's own
//!    `buf` pointer (offset by address), never from a Rust reference, so writes carry its
//!    provenance.
//!
//! The format text is kept as the exporter wrote it (or as `cast` was given it): `format`
//! shows it and buffer exports carry it unchanged; memview parses it for decoding.

use std::collections::HashMap;
use std::ffi::{c_int, c_void, CStr, CString};
use std::ptr::NonNull;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock, PoisonError};

use pyo3::exceptions::{PyBufferError, PyOverflowError, PyTypeError, PyValueError};
use pyo3::ffi;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyInt, PyList, PyString, PyTuple};

use super::convert::{py_to_value, subscript, value_to_py, view_error};
use super::PyBufferGuard;
use crate::ffi::{AlignedBuffer, BufferError, Export, RawBuffer};
use crate::format::Format;
use crate::value::Value;
use crate::view::raw::{Exclusive, Shared, Storage};
use crate::view::{BufferFlags, MemoryView, MemoryViewMut, Order, SliceArg, ViewBase, MAX_NDIM};

/// One view of a Python buffer: where its bytes are (the storage of the memview view it was
/// read from) and its geometry, plus CPython's `Py_buffer` fields that are not memview's
/// (the format text, `readonly`).
#[derive(Clone)]
struct Header {
    /// The storage every view of this header is built on: the storage of a memview view made
    /// from the exporter's buffer (`start .. start + span`), and whether all of those bytes
    /// belong to it or only its elements' bytes (its `borrows_buffer`). The pointer carries
    /// the exporter's provenance (it is computed from the exporter's own `buf` pointer).
    start: *mut u8,
    span: usize,
    whole: bool,
    /// Byte offset of element `[0, ..., 0]` (of the first pointer slot, if indirect) in the
    /// storage.
    offset: usize,
    /// The format, parsed once.
    parsed: Arc<Format>,
    /// The format text shown and exported (CPython's: the exporter's text, `'B'` for a NULL
    /// format, or what `cast` was given).
    format: CString,
    itemsize: usize,
    shape: Vec<usize>,
    strides: Vec<isize>,
    suboffsets: Option<Vec<isize>>,
    readonly: bool,
    c_contiguous: bool,
    f_contiguous: bool,
}

// SAFETY: the header is plain data; its pointer is only dereferenced through views made
// under the rules of the module docs (GIL held, no Python code running).
unsafe impl Send for Header {}
// SAFETY: as for `Send`; nothing mutates a header after it is made.
unsafe impl Sync for Header {}

impl Header {
    fn ndim(&self) -> usize {
        self.shape.len()
    }

    /// Element `[0, ..., 0]` (CPython's `view.buf`).
    fn buf(&self) -> *mut c_void {
        self.start.wrapping_add(self.offset) as *mut c_void
    }

    /// The format text as a Rust string (exporters' formats are checked to be UTF-8).
    fn format_str(&self) -> &str {
        self.format.to_str().unwrap_or("B")
    }

    fn nbytes(&self) -> usize {
        self.shape.iter().product::<usize>() * self.itemsize
    }
}

/// The parsed format for `text`, shared: formats are parsed once per text (up to 256 texts
/// are kept), not once per view.
fn parsed_format(text: &CStr, parse: impl FnOnce() -> PyResult<Format>) -> PyResult<Arc<Format>> {
    static CACHE: OnceLock<Mutex<HashMap<CString, Arc<Format>>>> = OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    if let Some(f) = cache
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .get(text)
    {
        return Ok(f.clone());
    }
    let f = Arc::new(parse()?);
    let mut map = cache.lock().unwrap_or_else(PoisonError::into_inner);
    if map.len() >= 256 {
        map.clear();
    }
    map.insert(text.to_owned(), f.clone());
    Ok(f)
}

/// A view that is not released: the shared base and this view's header.
#[derive(Clone)]
struct Live {
    base: Arc<PyBufferGuard>,
    header: Arc<Header>,
}

impl Live {
    /// The exporter's buffer as the first view's header.
    fn from_guard(guard: PyBufferGuard) -> PyResult<Live> {
        let raw = guard.raw_buffer();
        let anchor = raw.buf as *mut u8;
        let text = if raw.format.is_null() {
            c"B".to_owned()
        } else {
            // SAFETY: a successful `PyObject_GetBuffer` leaves `format` NULL or a C string
            // that lives until release; `get` checked it.
            unsafe { CStr::from_ptr(raw.format) }.to_owned()
        };
        let readonly = guard.readonly();
        let base = Arc::new(guard);
        let header = {
            // SAFETY: the guard holds the buffer until it is dropped, which `base` prevents
            // while `view` lives; no Python code runs until `view` is dropped (rule 2).
            let view = unsafe { base.as_view() }.map_err(import_error)?;
            header_of(&view, anchor, text, readonly, None)?
        };
        Ok(Live {
            base,
            header: Arc::new(header),
        })
    }

    /// A read-only view of this header.
    ///
    /// # Safety
    ///
    /// No Python code may run while the view lives (rule 2 of the module docs).
    unsafe fn view(&self) -> PyResult<MemoryView<'_>> {
        let h = &*self.header;
        let store = if h.whole {
            // SAFETY: `start .. start + span` is the whole storage of a memview view of the
            // exporter's buffer, all of whose bytes that view borrowed (8a); the base keeps the
            // buffer alive while `self` is borrowed, and the caller promises no writes
            // meanwhile.
            Shared::from_slice(unsafe { std::slice::from_raw_parts(h.start, h.span) })
        } else {
            let start =
                NonNull::new(h.start).ok_or_else(|| PyBufferError::new_err("NULL buffer"))?;
            // SAFETY: the storage of a memview view of the exporter's buffer (8b): the span
            // lies in one allocation and the reached bytes of this header's geometry — the
            // same geometry, validated again below — are valid for reads while the base
            // lives; the caller promises no writes meanwhile.
            unsafe { Shared::from_span(start, h.span) }
        };
        build(store, h)
    }

    /// A writable view of this header; the header must be writable.
    ///
    /// # Safety
    ///
    /// As for [`view`](Self::view), and no other view of the same memory may be alive.
    unsafe fn view_mut(&self) -> PyResult<MemoryViewMut<'_>> {
        let h = &*self.header;
        if h.readonly {
            return Err(PyTypeError::new_err("cannot modify read-only memory"));
        }
        let store = if h.whole {
            // SAFETY: as in `view`; a writable header comes from a buffer the exporter gave
            // writable (`readonly` 0), `start` carries the exporter's pointer's provenance, and
            // the caller promises exclusive access while the view lives.
            Exclusive::from_slice(unsafe { std::slice::from_raw_parts_mut(h.start, h.span) })
        } else {
            let start =
                NonNull::new(h.start).ok_or_else(|| PyBufferError::new_err("NULL buffer"))?;
            // SAFETY: as in `view`, writable and exclusive as above. A correct exporter of a
            // writable indirect buffer keeps its elements apart from its pointer slots.
            unsafe { Exclusive::from_span(start, h.span) }
        };
        build(store, h)
    }

    /// A view of the same base whose header is read back from `view`, a view derived from this
    /// one (a selection or cast of `self.view()`), with the format text `text`.
    fn derive(
        &self,
        view: &MemoryView<'_>,
        text: CString,
        parsed: Option<Arc<Format>>,
    ) -> PyResult<Live> {
        let header = header_of(view, self.header.start, text, self.header.readonly, parsed)?;
        Ok(Live {
            base: self.base.clone(),
            header: Arc::new(header),
        })
    }
}

/// A view of `h`'s geometry on `store`.
fn build<S: Storage>(store: S, h: &Header) -> PyResult<ViewBase<S>> {
    let view = match &h.suboffsets {
        None => ViewBase::from_format(
            store,
            h.parsed.clone(),
            Some(h.itemsize),
            &h.shape,
            Some(&h.strides),
            h.offset,
        ),
        // SAFETY: the geometry is that of a memview view of the exporter's buffer, whose
        // pointer slots and elements the exporter keeps valid while the base lives (the
        // contract `RawBuffer::as_view` was called under when the first view was made).
        Some(subs) => unsafe {
            ViewBase::from_format_indirect(
                store,
                h.parsed.clone(),
                Some(h.itemsize),
                &h.shape,
                &h.strides,
                subs,
                h.offset,
            )
        },
    };
    view.map_err(view_error)
}

/// The header of `view`, a view of the exporter's buffer whose storage starts at the same
/// address as the pointer `anchor` has or at another one in the same allocation (`anchor`
/// gives the provenance).
///
/// An indirect view whose first dereferences precede every axis (a row of a PIL image) is
/// stored with them followed, as its buffer export describes it: PEP 3118 cannot describe it
/// otherwise.
fn header_of(
    view: &MemoryView<'_>,
    anchor: *mut u8,
    text: CString,
    readonly: bool,
    parsed: Option<Arc<Format>>,
) -> PyResult<Header> {
    if !view.is_empty() && view.raw().resolve_leading().is_some() {
        let (ptr, info) = view
            .export_request(BufferFlags::FULL_RO)
            .map_err(view_error)?;
        let shape: Vec<isize> = info.shape.iter().flatten().map(|&n| n as isize).collect();
        let strides = info.strides.unwrap_or_default();
        let raw = RawBuffer {
            buf: ptr as *mut c_void,
            obj: std::ptr::null_mut(),
            len: info.len as isize,
            itemsize: info.itemsize as isize,
            readonly: 1,
            ndim: shape.len() as c_int,
            format: text.as_ptr() as *mut _,
            shape: shape.as_ptr() as *mut isize,
            strides: strides.as_ptr() as *mut isize,
            suboffsets: info
                .suboffsets
                .as_ref()
                .map_or(std::ptr::null_mut(), |s| s.as_ptr() as *mut isize),
            internal: std::ptr::null_mut(),
        };
        // SAFETY: `raw` points into locals for this call (1); it describes the elements `view`
        // reaches, after the leading dereferences memview just followed, so the exporter's
        // guarantees for `view` (2, 3) carry over; nothing runs Python code meanwhile (4).
        let resolved = unsafe { raw.as_view() }?;
        return header_of(&resolved, ptr as *mut u8, text, readonly, parsed);
    }
    let base = view.raw().base();
    let start = anchor.wrapping_byte_offset((base as isize).wrapping_sub(anchor as isize));
    // An empty view reaches no byte: its storage is not needed, and its geometry need not
    // be expressible as PEP 3118 suboffsets.
    let suboffsets = if view.is_empty() {
        None
    } else {
        view.suboffsets().map_err(view_error)?
    };
    let (start, span, whole, offset) = if view.is_empty() {
        (NonNull::<u8>::dangling().as_ptr(), 0, true, 0)
    } else {
        (
            start,
            view.raw().span_len(),
            view.borrows_buffer(),
            view.offset(),
        )
    };
    Ok(Header {
        start,
        span,
        whole,
        offset,
        parsed: match parsed {
            Some(p) => p,
            // The exporter's text: memview read it (repairing ctypes' and NumPy's quirks) as
            // `view.format()`, which depends on the text and the itemsize only.
            None => parsed_format(&text_key(&text, view.itemsize()), || {
                Ok(view.format().clone())
            })?,
        },
        format: text,
        itemsize: view.itemsize(),
        shape: view.shape().to_vec(),
        strides: view.strides().to_vec(),
        suboffsets,
        readonly,
        c_contiguous: view.is_c_contiguous(),
        f_contiguous: view.is_f_contiguous(),
    })
}

/// A buffer that cannot be imported: CPython's `ValueError` for more than 64 dimensions,
/// `BufferError` for everything else that makes the header invalid.
fn import_error(e: BufferError) -> PyErr {
    match e {
        BufferError::NdimOutOfRange { ndim } if ndim > 0 => PyValueError::new_err(format!(
            "memoryview: number of dimensions must not exceed 64, got {ndim}"
        )),
        e => e.into(),
    }
}

/// The cache key of an exporter's format: its text, a `\x01` byte and the itemsize in decimal
/// (how `RawBuffer::as_view` reads a text depends on the itemsize; a cast's text, parsed in the
/// `struct` dialect alone, is its own key).
fn text_key(text: &CStr, itemsize: usize) -> CString {
    let mut bytes = text.to_bytes().to_vec();
    bytes.push(1);
    bytes.extend_from_slice(itemsize.to_string().as_bytes());
    CString::new(bytes).unwrap_or_default()
}

fn released() -> PyErr {
    PyValueError::new_err("operation forbidden on released memoryview object")
}

/// What one buffer export holds until the consumer releases it.
struct ExportState {
    export: Export,
    /// Keeps the base alive for the consumer (the view cannot be released while exported
    /// anyway).
    _live: Live,
}

/// Python's `memoryview`, implemented on memview: `memview.MemoryView(obj)`.
///
/// It behaves as CPython's builtin (the same attributes, methods, errors and buffer exports;
/// CPython's `Lib/test/test_buffer.py` runs against it), and goes beyond it where CPython
/// refuses:
///
/// * **N-dimensional indexing** with NumPy's basic rules: `m[1:, ::2]`, `m[0]` (a sub-view of
///   an N-D view), `m[..., 0]`, `m[None]`, `m[()]` (the whole view), and assignment to any such
///   selection from a buffer of the same structure (`m[:, 0] = other`). Too many indices stay
///   CPython's `TypeError`, a zero step its `ValueError`;
/// * **every format memview decodes**: `tolist()`, `m[i]`, `m[i] = v`, iteration and `==` work
///   for struct formats (`'lh'`, `'T{i:x:d:y:}'`), any byte order (`'<i'`, `'>d'`), `'e'`,
///   `'g'`, complex `'Zd'`, strings `'5s'`, `'u'`/`'w'` and ctypes' formats (CPython raises
///   `NotImplementedError`, and calls views of formats `struct` rejects unequal to anything);
/// * **`cast` to any format** memview parses (`m.cast('<i')`, `m.cast('lh')`); the other rules
///   of `cast` are CPython's (one side a byte format, 1-D → N-D or N-D → 1-D, no zeros).
///
/// Other deliberate differences: contiguity follows `PyBuffer_IsContiguous` also for 1-D
/// views (an empty `m[1:1:-1]` is contiguous and can be cast; CPython's flag says otherwise);
/// an exporter's all-negative suboffsets are dropped (the layout is direct, so the view is
/// contiguous); `'f'`/`'e'` values out of range are a `ValueError` where CPython 3.11 stores
/// `inf`; `'?'` items compare by truth value, not by raw byte; `sys.getsizeof` is this
/// object's size; the object takes no part in garbage collection (a reference cycle through
/// a view is not collected). `len()` of a 0-dim view follows the running interpreter (1 on
/// 3.11, `TypeError` on 3.12+), and `_from_flags` (3.12+) exists on every version.
///
/// Like CPython's, the view cannot keep C code that released the GIL (in another thread) from
/// touching the same buffer meanwhile; within Python, every access is ordered by the GIL.
#[pyclass(module = "memview", name = "MemoryView", frozen, weakref)]
pub struct PyMemoryView {
    live: Mutex<Option<Live>>,
    exports: AtomicUsize,
    hash: OnceLock<isize>,
}

impl PyMemoryView {
    fn with_live(live: Live) -> PyMemoryView {
        PyMemoryView {
            live: Mutex::new(Some(live)),
            exports: AtomicUsize::new(0),
            hash: OnceLock::new(),
        }
    }

    /// The view's base and header, or `ValueError` if it was released.
    fn live(&self) -> PyResult<Live> {
        self.live
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
            .ok_or_else(released)
    }

    /// `memoryview(obj)`: a view of any exporter (a full read-only request, as CPython makes),
    /// or a new view sharing the base of one of ours.
    pub fn from_object(obj: &Bound<'_, PyAny>) -> PyResult<PyMemoryView> {
        Self::from_object_and_flags(obj, BufferFlags::FULL_RO)
    }

    /// `PyMemoryView_FromObjectAndFlags`: as [`from_object`](Self::from_object) with the
    /// request `flags` (what the exporter leaves out is filled in as CPython does: format
    /// `'B'`, C-contiguous strides, a 1-D shape from `len`).
    pub fn from_object_and_flags(
        obj: &Bound<'_, PyAny>,
        flags: BufferFlags,
    ) -> PyResult<PyMemoryView> {
        if let Ok(m) = obj.cast::<PyMemoryView>() {
            return Ok(PyMemoryView::with_live(m.get().live()?));
        }
        // SAFETY: `obj` is a live object; the check only reads its type.
        if unsafe { ffi::PyObject_CheckBuffer(obj.as_ptr()) } == 0 {
            return Err(PyTypeError::new_err(format!(
                "memoryview: a bytes-like object is required, not '{}'",
                obj.get_type().name()?
            )));
        }
        let guard = PyBufferGuard::acquire(obj, flags)?;
        Ok(PyMemoryView::with_live(Live::from_guard(guard)?))
    }

    /// How many buffers this view currently exports.
    pub fn exports(&self) -> usize {
        self.exports.load(Ordering::SeqCst)
    }

    /// A new Python view with `live`'s base and header.
    fn wrap(py: Python<'_>, live: Live) -> PyResult<Py<PyMemoryView>> {
        Py::new(py, PyMemoryView::with_live(live))
    }

    /// The element at `index` (one per axis), decoded.
    fn element<'py>(py: Python<'py>, live: &Live, index: &[isize]) -> PyResult<Bound<'py, PyAny>> {
        let value = {
            // SAFETY: no Python code runs while `view` lives (rule 2).
            let view = unsafe { live.view() }?;
            view.get(index).map_err(view_error)?
        };
        value_to_py(py, &value)
    }

    /// The sub-view selected by `args`.
    fn select(live: &Live, args: &[SliceArg]) -> PyResult<Live> {
        // SAFETY: no Python code runs while `view` lives (rule 2).
        let view = unsafe { live.view() }?;
        let sub = view.select_with(args).map_err(view_error)?;
        live.derive(
            &sub,
            live.header.format.clone(),
            Some(live.header.parsed.clone()),
        )
    }

    /// `m[key]` for a key already split into `args`.
    fn getitem(
        slf: &Bound<'_, Self>,
        live: &Live,
        args: &[SliceArg],
        tuple: bool,
    ) -> PyResult<Py<PyAny>> {
        let py = slf.py();
        let header = &live.header;
        if header.ndim() == 0 && !tuple && args == [SliceArg::Ellipsis] {
            return Ok(slf.clone().into_any().unbind());
        }
        check_key(header, args, tuple)?;
        if let Some(index) = element_index(header, args) {
            return Ok(Self::element(py, live, &index)?.unbind());
        }
        Ok(Self::wrap(py, Self::select(live, args)?)?.into_any())
    }
}

/// The index of the element `args` picks, if it picks one (one integer per axis).
fn element_index(header: &Header, args: &[SliceArg]) -> Option<Vec<isize>> {
    if args.len() != header.ndim() {
        return None;
    }
    args.iter()
        .map(|a| match a {
            SliceArg::Index(i) => Some(*i),
            _ => None,
        })
        .collect()
}

/// CPython's checks of a subscript, with its exception classes and messages: 0-dim views
/// take only `()` and `...`; more indices than axes is a `TypeError`; an integer out of
/// range an `IndexError` naming the dimension (1-based) for tuples.
fn check_key(header: &Header, args: &[SliceArg], tuple: bool) -> PyResult<()> {
    let ndim = header.ndim();
    let consumes = |a: &&SliceArg| matches!(a, SliceArg::Index(_) | SliceArg::Slice { .. });
    let consuming = args.iter().filter(consumes).count();
    if ndim == 0 && consuming > 0 {
        return Err(PyTypeError::new_err("invalid indexing of 0-dim memory"));
    }
    if consuming > ndim {
        return Err(PyTypeError::new_err(format!(
            "cannot index {ndim}-dimension view with {}-element tuple",
            args.len()
        )));
    }
    if args.iter().filter(|a| **a == SliceArg::Ellipsis).count() > 1 {
        return Err(pyo3::exceptions::PyIndexError::new_err(
            "an index can only have a single ellipsis ('...')",
        ));
    }
    let mut axis = 0;
    for arg in args {
        match arg {
            SliceArg::Index(i) => {
                let n = header.shape[axis] as isize;
                if *i < -n || *i >= n {
                    let msg = if tuple {
                        format!("index out of bounds on dimension {}", axis + 1)
                    } else {
                        "index out of range".to_string()
                    };
                    return Err(pyo3::exceptions::PyIndexError::new_err(msg));
                }
                axis += 1;
            }
            SliceArg::Slice { .. } => axis += 1,
            SliceArg::Ellipsis => axis += ndim - consuming,
            SliceArg::NewAxis => {}
        }
    }
    Ok(())
}

/// CPython's `equiv_shape`: the same number of dimensions and equal extents up to and
/// including the first zero.
fn equiv_shape(a: &[usize], b: &[usize]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    for (x, y) in a.iter().zip(b) {
        if x != y {
            return false;
        }
        if *x == 0 {
            break;
        }
    }
    true
}

/// The other operand of `==` or of a slice assignment: one of ours, or any exporter's buffer.
enum Operand {
    Ours(Live),
    Foreign(PyBufferGuard),
}

impl Operand {
    /// `PyObject_GetBuffer(obj, PyBUF_FULL_RO)`, or the live view of one of ours.
    fn get(obj: &Bound<'_, PyAny>) -> PyResult<Operand> {
        if let Ok(m) = obj.cast::<PyMemoryView>() {
            return m.get().live().map(Operand::Ours);
        }
        PyBufferGuard::acquire(obj, BufferFlags::FULL_RO).map(Operand::Foreign)
    }

    /// The format text (CPython's: `'B'` for a NULL format).
    fn format(&self) -> String {
        match self {
            Operand::Ours(live) => live.header.format_str().to_string(),
            Operand::Foreign(guard) => {
                let raw = guard.raw_buffer();
                if raw.format.is_null() {
                    "B".to_string()
                } else {
                    // SAFETY: a non-NULL format of a held buffer is a C string (`get` read it).
                    unsafe { CStr::from_ptr(raw.format) }
                        .to_string_lossy()
                        .into_owned()
                }
            }
        }
    }

    /// A read-only view.
    ///
    /// # Safety
    ///
    /// No Python code may run while the view lives.
    unsafe fn view(&self) -> PyResult<MemoryView<'_>> {
        match self {
            // SAFETY: the caller's promise is `Live::view`'s contract.
            Operand::Ours(live) => unsafe { live.view() },
            // SAFETY: the guard holds the buffer while borrowed; the caller promises that no
            // Python code (the only writer) runs while the view lives.
            Operand::Foreign(guard) => unsafe { guard.as_view() }.map_err(import_error),
        }
    }
}

/// Whether items of `format` decode to a 1-tuple (`'h 0c'`, `'i x'`: one value in
/// `struct.unpack`'s tuple form).
fn one_tuple(format: &Format) -> bool {
    format.layout().tuple && format.layout().value_count() == 1
}

/// `value` with every 1-tuple replaced by its item (tuples only arise at item level).
fn unwrap_one_tuples(value: Value) -> Value {
    match value {
        Value::Tuple(mut items) if items.len() == 1 => unwrap_one_tuples(items.remove(0)),
        Value::List(items) => Value::List(items.into_iter().map(unwrap_one_tuples).collect()),
        other => other,
    }
}

/// `'B'`, `'b'` or `'c'`, optionally after `'@'`: CPython's byte formats (hashable, and
/// castable to and from anything in CPython).
fn is_byte_format(text: &str) -> bool {
    matches!(text.strip_prefix('@').unwrap_or(text), "B" | "b" | "c")
}

/// `tobytes`' order argument.
fn order_of(order: Option<&str>) -> PyResult<Order> {
    match order {
        None | Some("C") => Ok(Order::C),
        Some("F") => Ok(Order::F),
        Some("A") => Ok(Order::A),
        Some(_) => Err(PyValueError::new_err("order must be 'C', 'F' or 'A'")),
    }
}

/// `hex`'s separator: one ASCII character, as `str` or `bytes`.
fn hex_sep(sep: Option<&Bound<'_, PyAny>>) -> PyResult<Option<char>> {
    let Some(sep) = sep else { return Ok(None) };
    let chars: Vec<char> = if let Ok(s) = sep.cast::<PyString>() {
        s.to_str()?.chars().collect()
    } else if let Ok(b) = sep.cast::<PyBytes>() {
        b.as_bytes().iter().map(|&c| char::from(c)).collect()
    } else {
        return Err(PyTypeError::new_err("sep must be str or bytes."));
    };
    match chars[..] {
        [c] if c.is_ascii() => Ok(Some(c)),
        [_] => Err(PyValueError::new_err("sep must be ASCII.")),
        _ => Err(PyValueError::new_err("sep must be length 1.")),
    }
}

/// `cast`'s shape: a list or tuple of positive integers whose product, times the itemsize,
/// fits `isize` (CPython's `copy_shape`, with its messages).
fn cast_shape(shape: &Bound<'_, PyAny>, itemsize: usize) -> PyResult<Vec<usize>> {
    let items: Vec<Bound<'_, PyAny>> = if let Ok(l) = shape.cast::<PyList>() {
        l.iter().collect()
    } else if let Ok(t) = shape.cast::<PyTuple>() {
        t.iter().collect()
    } else {
        return Err(PyTypeError::new_err("shape must be a list or a tuple"));
    };
    if items.len() > MAX_NDIM {
        return Err(PyValueError::new_err(
            "memoryview: number of dimensions must not exceed 64",
        ));
    }
    let mut len = itemsize.max(1) as isize;
    let mut out = Vec::with_capacity(items.len());
    for item in &items {
        let i = item.cast::<PyInt>().map_err(|_| {
            PyTypeError::new_err("memoryview.cast(): elements of shape must be integers")
        })?;
        let x: isize = i.extract().map_err(|_| {
            PyOverflowError::new_err("Python int too large to convert to C ssize_t")
        })?;
        if x <= 0 {
            return Err(PyValueError::new_err(
                "memoryview.cast(): elements of shape must be integers > 0",
            ));
        }
        if x > isize::MAX / len {
            return Err(PyValueError::new_err(
                "memoryview.cast(): product(shape) > SSIZE_MAX",
            ));
        }
        len *= x;
        out.push(x as usize);
    }
    Ok(out)
}

#[pymethods]
impl PyMemoryView {
    /// `MemoryView(object)`: a view of any object that exports a buffer.
    #[new]
    #[pyo3(signature = (object))]
    fn py_new(object: &Bound<'_, PyAny>) -> PyResult<PyMemoryView> {
        PyMemoryView::from_object(object)
    }

    /// `memoryview._from_flags(object, flags)` (CPython 3.12+): a view of the buffer `object`
    /// exports for the request `flags`.
    #[classmethod]
    #[pyo3(name = "_from_flags")]
    fn py_from_flags(
        _cls: &Bound<'_, pyo3::types::PyType>,
        object: &Bound<'_, PyAny>,
        flags: c_int,
    ) -> PyResult<PyMemoryView> {
        let flags = u32::try_from(flags)
            .map_err(|_| PyValueError::new_err(format!("invalid buffer flags {flags}")))?;
        PyMemoryView::from_object_and_flags(object, BufferFlags::from_bits(flags))
    }

    /// The exporting object (`view.obj`; `None` if the exporter set none).
    #[getter]
    fn obj(&self, py: Python<'_>) -> PyResult<Option<Py<PyAny>>> {
        Ok(self.live()?.base.obj(py).map(Bound::unbind))
    }

    /// `product(shape) * itemsize`.
    #[getter]
    fn nbytes(&self) -> PyResult<usize> {
        Ok(self.live()?.header.nbytes())
    }

    /// Whether the memory is read-only.
    #[getter]
    fn readonly(&self) -> PyResult<bool> {
        Ok(self.live()?.header.readonly)
    }

    /// Bytes per item.
    #[getter]
    fn itemsize(&self) -> PyResult<usize> {
        Ok(self.live()?.header.itemsize)
    }

    /// The format text, as the exporter (or `cast`) gave it.
    #[getter]
    fn format(&self) -> PyResult<String> {
        Ok(self.live()?.header.format_str().to_string())
    }

    /// Number of dimensions.
    #[getter]
    fn ndim(&self) -> PyResult<usize> {
        Ok(self.live()?.header.ndim())
    }

    /// The shape, as a tuple.
    #[getter]
    fn shape<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        PyTuple::new(py, &self.live()?.header.shape)
    }

    /// The byte strides, as a tuple.
    #[getter]
    fn strides<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        PyTuple::new(py, &self.live()?.header.strides)
    }

    /// The PEP 3118 suboffsets, as a tuple (empty for a direct view).
    #[getter]
    fn suboffsets<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        let live = self.live()?;
        PyTuple::new(py, live.header.suboffsets.as_deref().unwrap_or(&[]))
    }

    /// C-contiguous (`PyBuffer_IsContiguous(view, 'C')`).
    #[getter]
    fn c_contiguous(&self) -> PyResult<bool> {
        Ok(self.live()?.header.c_contiguous)
    }

    /// Fortran-contiguous.
    #[getter]
    fn f_contiguous(&self) -> PyResult<bool> {
        Ok(self.live()?.header.f_contiguous)
    }

    /// C- or Fortran-contiguous.
    #[getter]
    fn contiguous(&self) -> PyResult<bool> {
        let live = self.live()?;
        Ok(live.header.c_contiguous || live.header.f_contiguous)
    }

    /// Release the buffer (this view's share of it); `BufferError` while the view itself is
    /// exported. Further use raises `ValueError`; releasing again does nothing.
    fn release(&self) -> PyResult<()> {
        let old = {
            let mut live = self.live.lock().unwrap_or_else(PoisonError::into_inner);
            if live.is_none() {
                return Ok(());
            }
            let n = self.exports();
            if n > 0 {
                return Err(PyBufferError::new_err(format!(
                    "memoryview has {n} exported buffer{}",
                    if n == 1 { "" } else { "s" }
                )));
            }
            live.take()
        };
        // Dropped outside the lock: the last reference releases the exporter's buffer, which
        // may run Python code.
        drop(old);
        Ok(())
    }

    fn __enter__(slf: Bound<'_, Self>) -> PyResult<Bound<'_, Self>> {
        slf.get().live()?;
        Ok(slf)
    }

    #[pyo3(signature = (*_args))]
    fn __exit__(&self, _args: &Bound<'_, PyTuple>) -> PyResult<()> {
        self.release()
    }

    fn __repr__(slf: &Bound<'_, Self>) -> String {
        let state = if slf.get().live().is_ok() {
            ""
        } else {
            "released "
        };
        format!("<{state}memory at {:#x}>", slf.as_ptr() as usize)
    }

    /// The elements as (nested) lists; the element itself for a 0-dim view.
    fn tolist(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        let live = self.live()?;
        let value = {
            // SAFETY: no Python code runs while the view lives (rule 2).
            let view = unsafe { live.view() }?;
            view.to_list().map_err(view_error)?
        };
        Ok(value_to_py(py, &value)?.unbind())
    }

    /// The bytes of the elements in `order` (`None` or `'C'`, `'F'`, `'A'`).
    #[pyo3(signature = (order=None))]
    fn tobytes<'py>(&self, py: Python<'py>, order: Option<&str>) -> PyResult<Bound<'py, PyBytes>> {
        let live = self.live()?;
        let order = order_of(order)?;
        let bytes = {
            // SAFETY: no Python code runs while the view lives (rule 2).
            let view = unsafe { live.view() }?;
            view.try_to_bytes(order).map_err(view_error)?
        };
        Ok(PyBytes::new(py, &bytes))
    }

    /// `bytes.hex` of `tobytes()`, with an optional one-character separator every
    /// `bytes_per_sep` bytes (counted from the right; from the left if negative).
    #[pyo3(signature = (sep=None, bytes_per_sep=1))]
    fn hex(&self, sep: Option<&Bound<'_, PyAny>>, bytes_per_sep: isize) -> PyResult<String> {
        let live = self.live()?;
        let sep = hex_sep(sep)?;
        // SAFETY: no Python code runs while the view lives (rule 2).
        let view = unsafe { live.view() }?;
        view.hex(sep, bytes_per_sep).map_err(view_error)
    }

    /// A read-only view of the same memory.
    fn toreadonly(&self, py: Python<'_>) -> PyResult<Py<PyMemoryView>> {
        let live = self.live()?;
        let header = Header {
            readonly: true,
            ..(*live.header).clone()
        };
        Self::wrap(
            py,
            Live {
                base: live.base,
                header: Arc::new(header),
            },
        )
    }

    /// The bytes of a C-contiguous view as items of `format`, 1-D or with `shape` (a list or
    /// tuple). CPython's rules (one side a byte format `B`/`b`/`c`, 1-D → N-D or N-D → 1-D, no
    /// zeros in the shape), except that the format may be any that memview parses (`'<i'`,
    /// `'ii'`, `'T{h:a:d:b:}'`), not only a native single character.
    #[pyo3(signature = (format, shape=None))]
    fn cast(
        &self,
        py: Python<'_>,
        format: &str,
        shape: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Py<PyMemoryView>> {
        let live = self.live()?;
        let header = &live.header;
        if !header.c_contiguous {
            return Err(PyTypeError::new_err(
                "memoryview: casts are restricted to C-contiguous views",
            ));
        }
        if (shape.is_some() || header.ndim() != 1) && header.shape.contains(&0) {
            return Err(PyTypeError::new_err(
                "memoryview: cannot cast view with zeros in shape or strides",
            ));
        }
        if let Some(shape) = shape {
            if !(shape.is_instance_of::<PyList>() || shape.is_instance_of::<PyTuple>()) {
                return Err(PyTypeError::new_err("shape must be a list or a tuple"));
            }
            let n = shape.len()?;
            if n > MAX_NDIM {
                return Err(PyValueError::new_err(
                    "memoryview: number of dimensions must not exceed 64",
                ));
            }
            if header.ndim() != 1 && n != 1 {
                return Err(PyTypeError::new_err(
                    "memoryview: cast must be 1D -> ND or ND -> 1D",
                ));
            }
        }
        let text = CString::new(format).map_err(|_| {
            PyValueError::new_err("memoryview: destination format must not contain NUL")
        })?;
        let parsed = parsed_format(&text, || {
            Format::parse(format).map_err(|e| {
                PyValueError::new_err(format!("memoryview: invalid destination format: {e}"))
            })
        })?;
        if !is_byte_format(header.format_str()) && !is_byte_format(format) {
            return Err(PyTypeError::new_err(
                "memoryview: cannot cast between two non-byte formats",
            ));
        }
        let itemsize = parsed.itemsize();
        if itemsize == 0 || header.nbytes() % itemsize != 0 {
            return Err(PyTypeError::new_err(
                "memoryview: length is not a multiple of itemsize",
            ));
        }
        let shape = shape.map(|s| cast_shape(s, itemsize)).transpose()?;
        let cast = {
            // SAFETY: no Python code runs while the view lives (rule 2).
            let view = unsafe { live.view() }?;
            let cast = view
                .cast_format(parsed.clone(), shape.as_deref())
                .map_err(view_error)?;
            live.derive(&cast, text, Some(parsed))?
        };
        Self::wrap(py, cast)
    }

    fn __getitem__(slf: &Bound<'_, Self>, key: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        let live = slf.get().live()?;
        let (args, tuple) = subscript(key)?;
        Self::getitem(slf, &live, &args, tuple)
    }

    fn __setitem__(&self, key: &Bound<'_, PyAny>, value: &Bound<'_, PyAny>) -> PyResult<()> {
        let live = self.live()?;
        if live.header.readonly {
            return Err(PyTypeError::new_err("cannot modify read-only memory"));
        }
        let (args, tuple) = subscript(key)?;
        let header = &live.header;
        let target = if header.ndim() == 0 && !tuple && args == [SliceArg::Ellipsis] {
            live.clone()
        } else {
            check_key(header, &args, tuple)?;
            if let Some(index) = element_index(header, &args) {
                let v = py_to_value(value, header.format_str())?;
                // SAFETY: the value is converted; no Python code runs while the view lives,
                // and no other view exists (rule 2).
                let mut view = unsafe { live.view_mut() }?;
                return view.set(&index, v).map_err(view_error);
            }
            Self::select(&live, &args)?
        };
        let dst = &target.header;
        if dst.ndim() == 0 {
            let v = py_to_value(value, dst.format_str())?;
            // SAFETY: as above.
            let mut view = unsafe { target.view_mut() }?;
            return view.set(&[], v).map_err(view_error);
        }
        // A selection of several elements: from a buffer of the same structure (CPython's
        // `equiv_structure`: format text equal but for a leading '@', itemsize, shape).
        let src = Operand::get(value)?;
        let strip = |s: &str| s.strip_prefix('@').unwrap_or(s).to_string();
        let copy = {
            // SAFETY: no Python code runs while the view lives (rule 2).
            let src_view = unsafe { src.view() }?;
            if strip(&src.format()) != strip(dst.format_str())
                || src_view.itemsize() != dst.itemsize
                || !equiv_shape(&dst.shape, src_view.shape())
            {
                return Err(PyValueError::new_err(
                    "memoryview assignment: lvalue and rvalue have different structures",
                ));
            }
            if src_view.is_empty() {
                return Ok(());
            }
            // Copied out first: the source may overlap the destination.
            AlignedBuffer::from_view(&src_view)
        };
        drop(src);
        // SAFETY: no Python code runs while the view lives, and the source is a private copy
        // (rule 2).
        let mut view = unsafe { target.view_mut() }?;
        view.copy_from(&copy.view()).map_err(view_error)
    }

    fn __delitem__(&self, _key: &Bound<'_, PyAny>) -> PyResult<()> {
        let live = self.live()?;
        if live.header.readonly {
            return Err(PyTypeError::new_err("cannot modify read-only memory"));
        }
        Err(PyTypeError::new_err("cannot delete memory"))
    }

    /// The extent of the first axis. A 0-dim view has length 1 on CPython 3.11 and none on
    /// 3.12+ (`TypeError`), as the running interpreter's `memoryview`.
    fn __len__(&self, py: Python<'_>) -> PyResult<usize> {
        let live = self.live()?;
        match live.header.shape.first() {
            Some(&n) => Ok(n),
            None if py.version_info() >= (3, 12) => {
                Err(PyTypeError::new_err("0-dim memory has no length"))
            }
            None => Ok(1),
        }
    }

    fn __iter__(slf: &Bound<'_, Self>) -> PyResult<PyMemoryViewIter> {
        let live = slf.get().live()?;
        let Some(&len) = live.header.shape.first() else {
            return Err(PyTypeError::new_err("invalid indexing of 0-dim memory"));
        };
        Ok(PyMemoryViewIter {
            view: slf.clone().unbind(),
            next: AtomicUsize::new(0),
            len,
            reversed: false,
        })
    }

    /// `reversed(m)`: the items along the first axis, last first (CPython gets there through
    /// the sequence protocol).
    fn __reversed__(slf: &Bound<'_, Self>) -> PyResult<PyMemoryViewIter> {
        let iter = Self::__iter__(slf)?;
        Ok(PyMemoryViewIter {
            reversed: true,
            ..iter
        })
    }

    fn __richcmp__(
        slf: &Bound<'_, Self>,
        other: &Bound<'_, PyAny>,
        op: pyo3::basic::CompareOp,
    ) -> PyResult<Py<PyAny>> {
        use pyo3::basic::CompareOp;
        let py = slf.py();
        let eq = match op {
            CompareOp::Eq => true,
            CompareOp::Ne => false,
            _ => return Ok(py.NotImplemented()),
        };
        let equal = match slf.get().live() {
            // Released views equal only themselves.
            Err(_) => slf.is(other),
            Ok(live) => {
                let released_other = other
                    .cast::<PyMemoryView>()
                    .is_ok_and(|m| m.get().live().is_err());
                if released_other {
                    slf.is(other)
                } else {
                    let Ok(operand) = Operand::get(other) else {
                        return Ok(py.NotImplemented());
                    };
                    let equal = {
                        // SAFETY: no Python code runs while the views live (rule 2).
                        let (a, b) = unsafe { (live.view()?, operand.view()?) };
                        if a.shape() != b.shape() {
                            equiv_shape(a.shape(), b.shape())
                        } else if one_tuple(a.format()) || one_tuple(b.format()) {
                            // CPython compares what `struct.unpack` gives, with a 1-tuple
                            // standing for its item ('h 0c' equals 'h').
                            match (a.to_list(), b.to_list()) {
                                (Ok(x), Ok(y)) => unwrap_one_tuples(x) == unwrap_one_tuples(y),
                                _ => false,
                            }
                        } else {
                            a == b
                        }
                    };
                    drop(operand);
                    equal
                }
            }
        };
        Ok(pyo3::types::PyBool::new(py, equal == eq)
            .to_owned()
            .into_any()
            .unbind())
    }

    /// `hash(m)`: for read-only views of format `'B'`, `'b'` or `'c'`, the hash of
    /// `m.tobytes()` (after hashing `m.obj`, whose error propagates), cached.
    fn __hash__(&self, py: Python<'_>) -> PyResult<isize> {
        if let Some(h) = self.hash.get() {
            return Ok(*h);
        }
        let live = self.live()?;
        if !live.header.readonly {
            return Err(PyValueError::new_err(
                "cannot hash writable memoryview object",
            ));
        }
        if !is_byte_format(live.header.format_str()) {
            return Err(PyValueError::new_err(
                "memoryview: hashing is restricted to formats 'B', 'b' or 'c'",
            ));
        }
        if let Some(obj) = live.base.obj(py) {
            obj.hash()?;
        }
        let bytes = {
            // SAFETY: no Python code runs while the view lives (rule 2).
            let view = unsafe { live.view() }?;
            view.try_to_bytes(Order::C).map_err(view_error)?
        };
        let h = PyBytes::new(py, &bytes).hash()?;
        Ok(*self.hash.get_or_init(|| h))
    }

    /// `bf_getbuffer`: answer `flags` as CPython's `memory_getbuf` does, with this view's
    /// format text unchanged and `obj` set to the view; counted in the view's exports.
    ///
    /// # Safety
    ///
    /// Called by CPython with a writable `Py_buffer`.
    unsafe fn __getbuffer__(
        slf: Bound<'_, Self>,
        view: *mut ffi::Py_buffer,
        flags: c_int,
    ) -> PyResult<()> {
        if view.is_null() {
            return Err(PyBufferError::new_err("view is NULL"));
        }
        // SAFETY: CPython passes a valid, writable `Py_buffer`; `RawBuffer` has its layout.
        let out = unsafe { &mut *(view as *mut RawBuffer) };
        let this = slf.get();
        let answer = || -> PyResult<ExportState> {
            let live = this.live()?;
            let flags = BufferFlags::from_bits(flags as u32);
            let header = &live.header;
            if flags.contains(BufferFlags::WRITABLE) && header.readonly {
                return Err(PyBufferError::new_err(
                    "memoryview: underlying buffer is not writable",
                ));
            }
            let mut info = {
                // SAFETY: no Python code runs while the view lives (rule 2).
                let v = unsafe { live.view() }?;
                v.request(BufferFlags::from_bits(
                    flags.bits() & !BufferFlags::WRITABLE.bits(),
                ))
                .map_err(view_error)?
            };
            info.readonly = header.readonly;
            let text = info
                .format
                .as_ref()
                .map(|_| header.format_str().to_string());
            let export = Export::with_format(header.buf(), info, text);
            Ok(ExportState {
                export,
                _live: live.clone(),
            })
        };
        match answer() {
            Ok(state) => {
                let state = Box::new(state);
                // The consumer's buffer holds a new reference to the view.
                state
                    .export
                    .fill(out, slf.clone().into_ptr() as *mut c_void);
                if out.ndim == 0 {
                    // CPython exports a 0-dim view with NULL shape and strides (consumers
                    // such as `_testbuffer.cmp_contig` compare the pointers' NULL-ness).
                    out.shape = std::ptr::null_mut();
                    out.strides = std::ptr::null_mut();
                }
                out.internal = Box::into_raw(state) as *mut c_void;
                this.exports.fetch_add(1, Ordering::SeqCst);
                Ok(())
            }
            Err(e) => {
                // The protocol: on failure `obj` must be NULL.
                out.obj = std::ptr::null_mut();
                Err(e)
            }
        }
    }

    /// `bf_releasebuffer`: free what `__getbuffer__` allocated and count the export out.
    ///
    /// # Safety
    ///
    /// Called by CPython once per successful `__getbuffer__`, with the same `Py_buffer`.
    unsafe fn __releasebuffer__(&self, view: *mut ffi::Py_buffer) {
        // SAFETY: `view` is the buffer `__getbuffer__` filled; `internal` is the state it
        // leaked there, freed exactly once (CPython calls this once per export).
        unsafe {
            let internal = (*view).internal;
            if !internal.is_null() {
                drop(Box::from_raw(internal as *mut ExportState));
                (*view).internal = std::ptr::null_mut();
            }
        }
        self.exports.fetch_sub(1, Ordering::SeqCst);
    }
}

/// The iterator of a [`PyMemoryView`]: its items along the first axis (elements of a 1-D
/// view, sub-views of an N-D one), in order or reversed.
#[pyclass(module = "memview", name = "MemoryViewIterator", frozen)]
pub struct PyMemoryViewIter {
    view: Py<PyMemoryView>,
    next: AtomicUsize,
    len: usize,
    reversed: bool,
}

#[pymethods]
impl PyMemoryViewIter {
    fn __iter__(slf: Bound<'_, Self>) -> Bound<'_, Self> {
        slf
    }

    fn __next__(&self, py: Python<'_>) -> PyResult<Option<Py<PyAny>>> {
        let i = self.next.fetch_add(1, Ordering::SeqCst);
        if i >= self.len {
            return Ok(None);
        }
        let view = self.view.bind(py);
        let live = view.get().live()?;
        let i = if self.reversed { self.len - 1 - i } else { i };
        let index = isize::try_from(i).map_err(|_| released())?;
        PyMemoryView::getitem(view, &live, &[SliceArg::Index(index)], false).map(Some)
    }
}
