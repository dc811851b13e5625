//! # Python interop
//!
//! Behind the `python` feature (pyo3 0.30, CPython 3.11+; tested with CPython 3.11.7 with
//! NumPy 2.4.6 and CPython 3.12.1 with NumPy 2.5.5). Both directions go through the raw
//! `Py_buffer` of [`crate::ffi`], never through `pyo3::buffer::PyBuffer` (whose byte-order
//! check is inverted and which refuses buffers without strides):
//!
//! * **Import**: [`PyBufferGuard::get`] calls `PyObject_GetBuffer` on any exporter — `bytes`,
//!   `bytearray`, `array.array`, `mmap`, NumPy arrays of every dtype (structured, big-endian,
//!   strided, reversed), ctypes arrays and structures, `_testbuffer`'s PIL arrays — validates
//!   what it got, and holds it until it is dropped, when it calls `PyBuffer_Release` exactly
//!   once (with the GIL). Views borrow from the guard, so they cannot outlive the buffer.
//!   Because Python code may write to a buffer at any time, borrowing a view of it is
//!   `unsafe` ([`PyBufferGuard::as_view`]): the caller promises nothing mutates the object
//!   while the view lives. `bytes` objects are immutable and have a safe
//!   [`PyBufferGuard::view_of_bytes`]; [`PyBufferGuard::to_aligned`] copies safely.
//! * **Export**: [`RustBuffer`] is a Python class whose instances own Rust memory — an
//!   [`AlignedBuffer`] or an `ndarray::ArrayD<T>` — and export it through `__getbuffer__`,
//!   answering every request exactly as CPython's `memoryview` would (the answer is computed by
//!   [`MemoryView::request`]'s logic), so `memoryview()`, `numpy.asarray()`, `bytes()`,
//!   `struct.unpack_from()` and C extensions read it without copying. Each export holds a
//!   reference to the object, so the Rust memory lives as long as any consumer. The format
//!   consumers see is the [portable](crate::format::Format::portable) text, which NumPy lays
//!   out with memview's item size and offsets: `AlignedBuffer::zeroed("ib", ..)` (5-byte items
//!   by `struct`'s rules, 8 by NumPy's) is exported as `=ib`, so `np.asarray` reads a 5-byte
//!   record with `f1` at offset 4 instead of failing or reading the wrong bytes. Element
//!   formats (`d`, `<i`, `Zf`) and structs NumPy already reads alike keep their text.
//! * **`memoryview`**: [`PyMemoryView`] is the Python class `memview.MemoryView`, CPython's
//!   `memoryview` with memview underneath. It behaves as the builtin — CPython's own
//!   `Lib/test/test_buffer.py` runs against it (`tests/cpython_test_buffer.rs`, with the list
//!   of sites where it deliberately differs) — and also does what the builtin refuses:
//!   N-dimensional slicing and sub-views (`m[1:, ::2]`, `m[0]` of a 2-D view, `...`, `None`)
//!   and assignment to them, items of every format (struct formats, any byte order, `'e'`,
//!   `'Zd'`, strings, ctypes' formats), casts to any format. It exports the buffer protocol
//!   as CPython's does (format text unchanged, suboffsets for PIL-style views, exports
//!   counted). [`module`] builds the Python module `memview` for a program that embeds
//!   CPython to put in `sys.modules`.
//!
//! ```
//! use pyo3::prelude::*;
//!
//! Python::initialize();
//! Python::attach(|py| -> PyResult<()> {
//!     let sys = py.import("sys")?;
//!     sys.getattr("modules")?.set_item("memview", memview::python::module(py)?)?;
//!     py.run(
//!         c"import memview\n\
//!           x = bytes(range(12))\n\
//!           try:\n    memoryview(x).cast('B', [3, 4])[1:, ::2]\n\
//!           except NotImplementedError as e:\n    refused = str(e)\n\
//!           m = memview.MemoryView(x).cast('B', [3, 4])\n\
//!           assert m[1:, ::2].tolist() == [[4, 6], [8, 10]]\n\
//!           assert refused == 'multi-dimensional slicing is not implemented'",
//!         None,
//!         None,
//!     )
//! })?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! ```
//! use memview::ffi::AlignedBuffer;
//! use memview::python::{PyBufferGuard, RustBuffer};
//! use memview::BufferFlags;
//! use pyo3::prelude::*;
//! use pyo3::types::PyDict;
//!
//! Python::initialize();
//! Python::attach(|py| -> PyResult<()> {
//!     // Python -> Rust: a strided, big-endian NumPy array (or any other exporter).
//!     let arr = py.eval(c"__import__('array').array('h', [1, -2, 3])", None, None)?;
//!     let guard = PyBufferGuard::get(&arr, BufferFlags::FULL_RO)?;
//!     // SAFETY: nothing runs Python code while `view` is alive, so nothing writes to `arr`.
//!     let view = unsafe { guard.as_view() }?;
//!     assert_eq!(view.to_list()?.to_string(), "[1, -2, 3]");
//!
//!     // Rust -> Python: an owned buffer that memoryview() and struct read without copying.
//!     let mut buf = AlignedBuffer::zeroed("<d", &[2, 2])?;
//!     buf.view_mut().set(&[1, 0], 2.5)?;
//!     let obj = Bound::new(py, RustBuffer::from_aligned(buf, false))?;
//!     let env = PyDict::new(py);
//!     env.set_item("obj", &obj)?;
//!     let got = py.eval(c"(memoryview(obj).cast('B').cast('d', [2, 2]).tolist(), \
//!                          __import__('struct').unpack_from('<d', obj, 16))", None, Some(&env))?;
//!     assert_eq!(got.repr()?.to_string(), "([[0.0, 0.0], [2.5, 0.0]], (2.5,))");
//!     Ok(())
//! })?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Building and testing: pyo3 configures itself from `python3` on the `PATH` (or
//! `$PYO3_PYTHON`), and this package's build script records that interpreter's library
//! directory as the run path of its test binaries and examples, so `cargo test --features
//! python` loads the `libpython` of the interpreter that has NumPy with no environment
//! variables. A program of yours that embeds CPython needs the same (pyo3's
//! `pyo3_build_config::add_libpython_rpath_link_args()` in its build script, or
//! `LD_LIBRARY_PATH`).

use std::ffi::{c_int, c_void};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use pyo3::exceptions::PyBufferError;
use pyo3::ffi;
use pyo3::prelude::*;

use crate::element::ArrayElement;
use crate::ffi::{AlignedBuffer, BufferError, Export, OwnedRegion, RawBuffer};
use crate::format::Format;
use crate::view::raw::array::Reinterpret;
use crate::view::{request_for_layout, BufferFlags, MemoryView, MemoryViewMut, ViewError};

mod convert;
mod memoryview;

pub use memoryview::{PyMemoryView, PyMemoryViewIter};

/// The Python module `memview` (classes [`MemoryView`](PyMemoryView) and [`RustBuffer`]),
/// for a program that embeds CPython to put in `sys.modules` (see the module docs).
pub fn module(py: Python<'_>) -> PyResult<Bound<'_, PyModule>> {
    let m = PyModule::new(py, "memview")?;
    m.add_class::<PyMemoryView>()?;
    // As CPython registers `memoryview`.
    py.import("collections.abc")?
        .getattr("Sequence")?
        .call_method1("register", (py.get_type::<PyMemoryView>(),))?;
    m.add_class::<PyMemoryViewIter>()?;
    m.add_class::<RustBuffer>()?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(m)
}

// The two structs must be interchangeable (checked field by field in the tests).
const _: () = assert!(std::mem::size_of::<RawBuffer>() == std::mem::size_of::<ffi::Py_buffer>());
const _: () = assert!(std::mem::align_of::<RawBuffer>() == std::mem::align_of::<ffi::Py_buffer>());

fn buffer_error(e: impl std::fmt::Display) -> PyErr {
    PyBufferError::new_err(e.to_string())
}

impl From<BufferError> for PyErr {
    fn from(e: BufferError) -> PyErr {
        buffer_error(e)
    }
}

/// The exception class CPython's `memoryview` raises for the same failure (`IndexError`,
/// `TypeError`, `BufferError`, `MemoryError`, otherwise `ValueError`), with memview's message.
impl From<ViewError> for PyErr {
    fn from(e: ViewError) -> PyErr {
        convert::view_error(e)
    }
}

/// A buffer obtained from a Python object with `PyObject_GetBuffer`, released with
/// `PyBuffer_Release` exactly once, when the guard is dropped (attaching to the interpreter if
/// needed; after interpreter shutdown there is nothing left to release).
///
/// The `Py_buffer` lives in a `Box`, so exporters that point its fields at itself (`shape =
/// &view->len`, as `PyBuffer_FillInfo` does) stay valid when the guard moves.
pub struct PyBufferGuard {
    raw: Box<ffi::Py_buffer>,
    immutable: bool,
}

// SAFETY: the guard only holds the `Py_buffer` (and through it a reference to the exporter);
// releasing it attaches to the interpreter from whichever thread drops it, which is how
// CPython allows buffers to be released.
unsafe impl Send for PyBufferGuard {}
// SAFETY: every `&self` method only reads the header, which never changes while the guard
// lives; the exported memory is reached only through the `unsafe` view constructors, whose
// callers promise that nothing writes to it meanwhile.
unsafe impl Sync for PyBufferGuard {}

impl PyBufferGuard {
    /// `PyObject_GetBuffer(obj, flags)`, then check the answer: a header that cannot describe
    /// a valid view (ndim 65, negative `len`, NULL shape with ndim 2, a format that disagrees
    /// with the itemsize, ...) is a `BufferError`, and the buffer is released at once.
    pub fn get(obj: &Bound<'_, PyAny>, flags: BufferFlags) -> PyResult<PyBufferGuard> {
        let guard = Self::acquire(obj, flags)?;
        // Validate now (the guard releases on error). Only the header is read: `describe`
        // follows no data pointer.
        // SAFETY: a successful `PyObject_GetBuffer` fills the header per the buffer protocol:
        // `format` NULL or a C string, the arrays NULL or `ndim` long.
        unsafe { crate::ffi::describe(guard.raw_buffer()) }?;
        Ok(guard)
    }

    /// `PyObject_GetBuffer` without [`get`](Self::get)'s check of the header, for callers
    /// that make a view at once ([`as_view`](Self::as_view) checks everything `get` does).
    pub(crate) fn acquire(obj: &Bound<'_, PyAny>, flags: BufferFlags) -> PyResult<PyBufferGuard> {
        let mut raw = Box::new(ffi::Py_buffer::new());
        let bits = c_int::try_from(flags.bits()).map_err(buffer_error)?;
        // SAFETY: `obj` is a live object (we hold the GIL through `Bound`), `raw` a writable
        // `Py_buffer`.
        let rc = unsafe { ffi::PyObject_GetBuffer(obj.as_ptr(), &mut *raw, bits) };
        if rc != 0 {
            return Err(PyErr::fetch(obj.py()));
        }
        let immutable = obj.is_exact_instance_of::<pyo3::types::PyBytes>();
        Ok(PyBufferGuard { raw, immutable })
    }

    /// The buffer as [`RawBuffer`].
    pub fn raw_buffer(&self) -> &RawBuffer {
        // SAFETY: `RawBuffer` is `#[repr(C)]` with `Py_buffer`'s exact fields (same size and
        // alignment, asserted above; offsets tested).
        unsafe { &*(&*self.raw as *const ffi::Py_buffer as *const RawBuffer) }
    }

    /// Whether the exporter said the buffer is read-only.
    pub fn readonly(&self) -> bool {
        self.raw.readonly != 0
    }

    /// The exporting object (`view.obj`), if the exporter set one.
    pub fn obj<'py>(&self, py: Python<'py>) -> Option<Bound<'py, PyAny>> {
        // SAFETY: `obj` is NULL or a reference the buffer owns until release, which cannot
        // happen while `self` is borrowed.
        unsafe { Bound::from_borrowed_ptr_or_opt(py, self.raw.obj) }
    }

    /// A read-only view of the buffer (direct or indirect), borrowing the guard.
    ///
    /// # Safety
    ///
    /// Nothing may write to the exported memory while the view lives: no Python code that
    /// mutates the object (or another view of the same memory) may run, on this thread or
    /// another, until the view is dropped. (The exporter's own guarantees — the memory stays
    /// valid and in place until release — are what the guard relies on for the rest.)
    pub unsafe fn as_view(&self) -> Result<MemoryView<'_>, BufferError> {
        // SAFETY: the exporter filled the buffer per the protocol (points 1–3 of
        // `RawBuffer::as_view`), the memory stays valid until `self` releases it, which the
        // borrow prevents, and the caller promises point 4.
        unsafe { self.raw_buffer().as_view() }
    }

    /// A writable view; [`BufferError::ReadOnly`] unless the buffer was requested with
    /// `WRITABLE` (or the exporter chose to give a writable one).
    ///
    /// # Safety
    ///
    /// Nothing else may read or write the exported memory while the view lives (no Python
    /// code using the object, no other view), as for a `&mut`.
    pub unsafe fn as_view_mut(&mut self) -> Result<MemoryViewMut<'_>, BufferError> {
        // SAFETY: as in `as_view`; the caller promises exclusive access.
        unsafe { self.raw_buffer().as_view_mut() }
    }

    /// A view without `unsafe`, when the exporter is a `bytes` object (immutable by the
    /// language's rules); `None` for any other exporter.
    pub fn view_of_bytes(&self) -> Option<MemoryView<'_>> {
        if !self.immutable {
            return None;
        }
        // SAFETY: a `bytes` object's contents never change once it exists, and the guard
        // keeps it alive.
        unsafe { self.as_view() }.ok()
    }

    /// A C-contiguous copy (works for every layout, indirect ones included), made while the
    /// GIL is held and no Python code runs — the same guarantee CPython's own
    /// `memoryview.tobytes()` relies on.
    pub fn to_aligned(&self, _py: Python<'_>) -> Result<AlignedBuffer, BufferError> {
        // SAFETY: holding the GIL (the token) and running no Python code until the copy is
        // done: nothing in Python can write meanwhile.
        let view = unsafe { self.as_view() }?;
        Ok(AlignedBuffer::from_view(&view))
    }
}

impl Drop for PyBufferGuard {
    fn drop(&mut self) {
        let raw: *mut ffi::Py_buffer = &mut *self.raw;
        // If the interpreter is gone, so is everything the buffer referred to.
        let _ = Python::try_attach(|_| {
            // SAFETY: `raw` was filled by a successful `PyObject_GetBuffer` and is released
            // only here, once; we are attached to the interpreter.
            unsafe { ffi::PyBuffer_Release(raw) }
        });
    }
}

impl std::fmt::Debug for PyBufferGuard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PyBufferGuard")
            .field("len", &self.raw.len)
            .field("itemsize", &self.raw.itemsize)
            .field("ndim", &self.raw.ndim)
            .field("readonly", &self.readonly())
            .finish()
    }
}

/// The exported format for an element type or record: its native format, with `n`/`N`
/// (which NumPy only reads outside structs, and `struct` only in native mode) spelled as the
/// equal-size `q`/`Q`/`i`/`I`.
fn element_format<T: ArrayElement>() -> Result<Arc<Format>, crate::Error> {
    let format = T::export_format()?;
    let text = match (format.as_str(), std::mem::size_of::<T>()) {
        ("n", 8) => "q",
        ("N", 8) => "Q",
        ("n", 4) => "i",
        ("N", 4) => "I",
        _ => return Ok(format),
    };
    Ok(Arc::new(Format::parse(text)?))
}

/// A Python object owning Rust memory and exporting it through the buffer protocol.
///
/// From Python it is a read-only-attribute object (`format`, `shape`, `strides`, `itemsize`,
/// `readonly`, `nbytes`, `exports`) that `memoryview()`, `numpy.asarray()`, `bytes()` and
/// `struct.unpack_from()` accept. Requests are answered as CPython's `memoryview` answers them
/// (`WRITABLE` on a read-only buffer, `ND` on a non-C-contiguous one, ... fail with its
/// messages, as `BufferError`), except that the format exported is the portable text of the
/// buffer's format and item size (see [`Export`]), computed once.
#[pyclass(module = "memview", name = "RustBuffer", frozen)]
pub struct RustBuffer {
    region: OwnedRegion,
    format: Arc<Format>,
    /// What exports carry: `format.portable_with_itemsize(itemsize)`, computed once.
    portable: String,
    itemsize: usize,
    shape: Vec<usize>,
    strides: Vec<isize>,
    offset: usize,
    readonly: bool,
    exports: AtomicUsize,
}

// SAFETY: the region's bytes are only ever accessed through raw pointers handed to buffer
// consumers (who synchronise through the GIL or their own locks, as for any Python buffer);
// Rust code here reads only the geometry fields, which never change.
unsafe impl Send for RustBuffer {}
// SAFETY: as for `Send`.
unsafe impl Sync for RustBuffer {}

impl RustBuffer {
    /// Export an [`AlignedBuffer`] (writable unless `readonly`).
    pub fn from_aligned(buf: AlignedBuffer, readonly: bool) -> RustBuffer {
        // The C strides of the layout `AlignedBuffer` validated, as its view has them.
        let strides = buf.view().strides().to_vec();
        let (region, format, itemsize, shape) = buf.into_region();
        RustBuffer {
            region,
            portable: format.portable_with_itemsize(itemsize).into_string(),
            format,
            itemsize,
            shape,
            strides,
            offset: 0,
            readonly,
            exports: AtomicUsize::new(0),
        }
    }

    /// Export an `ndarray` array without copying its elements: any layout ndarray allows
    /// (standard, Fortran, sliced, reversed, broadcast-free), with the element type's format
    /// (`'d'` for `f64`, `'Zf'` for `Complex<f32>`, ...) or the record type's
    /// (`T{I:id:4x(3)d:pos:?:flag:7x}` for a `#[derive(Record)]` struct, which NumPy reads as
    /// a structured array with the field names).
    ///
    /// A record type with padding bytes is the exception: those bytes are uninitialised in
    /// Rust memory and must not be handed to Python, so its values are copied, in C order,
    /// into a zeroed buffer of the same format (the export is then C-contiguous).
    ///
    /// # Errors
    /// [`crate::Error::View`] when the byte strides overflow (not for a valid array).
    pub fn from_array<T: ArrayElement, D: ::ndarray::Dimension>(
        array: ::ndarray::Array<T, D>,
        readonly: bool,
    ) -> Result<RustBuffer, crate::Error> {
        if <T as Reinterpret>::PADDING {
            let mut buf = AlignedBuffer::zeroed_format(T::export_format()?, None, array.shape())?;
            // The values in C order (the buffer's), whatever the array's layout.
            let values: Vec<T> = array.iter().copied().collect();
            buf.view_mut().typed_mut::<T>()?.assign(&values)?;
            return Ok(RustBuffer::from_aligned(buf, readonly));
        }
        let size = std::mem::size_of::<T>();
        let array = array.into_dyn();
        let shape = array.shape().to_vec();
        let strides: Vec<isize> = array
            .strides()
            .iter()
            .map(|&s| s.checked_mul(size as isize))
            .collect::<Option<_>>()
            .ok_or(ViewError::SizeOverflow {
                shape: shape.clone(),
                itemsize: size,
            })?;
        let (mut vec, first) = array.into_raw_vec_and_offset();
        let ptr = vec.as_mut_ptr() as *mut u8;
        let len = vec.len() * size;
        let offset = first.unwrap_or(0) * size;
        let format = element_format::<T>()?;
        let region = OwnedRegion {
            ptr,
            len,
            _owner: Box::new(vec),
        };
        let out = RustBuffer {
            region,
            portable: format.portable_with_itemsize(size).into_string(),
            format,
            itemsize: size,
            shape,
            strides,
            offset,
            readonly,
            exports: AtomicUsize::new(0),
        };
        // Check the layout the way a view would (ndarray's own invariants make it valid).
        out.answer(BufferFlags::FULL_RO)?;
        Ok(out)
    }

    /// The answer to a request: CPython's memoryview logic on this layout.
    fn answer(&self, flags: BufferFlags) -> Result<Export, ViewError> {
        let info = request_for_layout(
            &self.format,
            self.itemsize,
            &self.shape,
            &self.strides,
            self.offset,
            self.region.len,
            self.readonly,
            flags,
        )?;
        let buf = self.region.ptr.wrapping_add(info.offset) as *mut c_void;
        let portable = info.format.as_ref().map(|_| self.portable.clone());
        Ok(Export::with_format(buf, info, portable))
    }

    /// How many consumers currently hold a buffer of this object.
    pub fn exports(&self) -> usize {
        self.exports.load(Ordering::SeqCst)
    }
}

#[pymethods]
impl RustBuffer {
    /// `bf_getbuffer`: fill `view` for `flags`, or fail with the memoryview exporter's error.
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
        let export = match this.answer(BufferFlags::from_bits(flags as u32)) {
            Ok(e) => Box::new(e),
            Err(e) => {
                // The protocol: on failure `obj` must be NULL.
                out.obj = std::ptr::null_mut();
                return Err(buffer_error(e));
            }
        };
        // The consumer's buffer holds a new reference to `slf`, keeping the memory alive.
        export.fill(out, slf.clone().into_ptr() as *mut c_void);
        out.internal = Box::into_raw(export) as *mut c_void;
        this.exports.fetch_add(1, Ordering::SeqCst);
        Ok(())
    }

    /// `bf_releasebuffer`: free what `__getbuffer__` allocated for this export.
    ///
    /// # Safety
    ///
    /// Called by CPython once per successful `__getbuffer__`, with the same `Py_buffer`.
    unsafe fn __releasebuffer__(&self, view: *mut ffi::Py_buffer) {
        // SAFETY: `view` is the buffer `__getbuffer__` filled; `internal` is the `Export` it
        // leaked there, released exactly once (CPython calls this once per export).
        unsafe {
            let internal = (*view).internal;
            if !internal.is_null() {
                drop(Box::from_raw(internal as *mut Export));
                (*view).internal = std::ptr::null_mut();
            }
        }
        self.exports.fetch_sub(1, Ordering::SeqCst);
    }

    /// The format of one item, as memview holds it (exports carry its portable text, which
    /// `memoryview(obj).format` shows).
    #[getter(format)]
    fn py_format(&self) -> String {
        self.format.as_str().to_string()
    }

    /// The shape.
    #[getter(shape)]
    fn py_shape(&self) -> Vec<usize> {
        self.shape.clone()
    }

    /// The byte strides.
    #[getter(strides)]
    fn py_strides(&self) -> Vec<isize> {
        self.strides.clone()
    }

    /// Bytes per item.
    #[getter(itemsize)]
    fn py_itemsize(&self) -> usize {
        self.itemsize
    }

    /// Whether consumers may not write.
    #[getter(readonly)]
    fn py_readonly(&self) -> bool {
        self.readonly
    }

    /// `product(shape) * itemsize`.
    #[getter(nbytes)]
    fn py_nbytes(&self) -> usize {
        self.shape.iter().product::<usize>() * self.itemsize
    }

    /// How many buffers are currently exported.
    #[getter(exports)]
    fn py_exports(&self) -> usize {
        self.exports()
    }

    fn __repr__(&self) -> String {
        format!(
            "<memview.RustBuffer format={:?} shape={:?} strides={:?} readonly={}>",
            self.format.as_str(),
            self.shape,
            self.strides,
            self.readonly
        )
    }
}
