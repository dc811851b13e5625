//! PEP 3118 — Python's buffer protocol — in Rust: format strings, the `struct` API, and
//! N-dimensional `memoryview`-style views over byte buffers, with zero-copy `ndarray` interop.
//!
//! The main types:
//!
//! * [`Format`](format::Format): a parsed PEP 3118 format string (`"<hT{i:x:d:y:}:pt:"`),
//!   with its item size, alignment and field offsets, in `struct`'s or NumPy's dialect.
//! * [`MemoryView`] / [`MemoryViewMut`]: a buffer seen as items of a format, with a shape and
//!   byte strides — Python's `memoryview`, generalised to N dimensions and every format. Both
//!   are one type, [`ViewBase`](view::ViewBase), over a shared or an exclusive storage.
//! * [`Value`]: one decoded element, printed exactly as Python's `repr` prints it.
//!
//! ```
//! use memview::{pack, unpack, MemoryView, Value};
//!
//! // struct.pack / struct.unpack, with Python's answers.
//! let bytes = pack("<hd?", &[Value::from(-2), Value::from(1.5), Value::from(true)])?;
//! assert_eq!(Value::Tuple(unpack("<hd?", &bytes)?).to_string(), "(-2, 1.5, True)");
//!
//! // memoryview(b'QUANTRIMANG')[0], bytes(mv[0:2]), mv[0:3].tolist()
//! let mv = MemoryView::new(b"QUANTRIMANG");
//! assert_eq!(mv.get(&[0])?.to_string(), "81");
//! assert_eq!(mv.select("0:2")?.to_bytes(memview::Order::C), b"QU");
//! assert_eq!(mv.select("0:3")?.to_list()?.to_string(), "[81, 85, 65]");
//!
//! // Beyond CPython: cast to 2-D, slice both axes, and read it as an ndarray without copying.
//! let data: Vec<u8> = (0..12).flat_map(|i| f64::from(i).to_le_bytes()).collect();
//! let m = MemoryView::from_parts(&data, "<d", &[3, 4], None, 0)?;
//! let sub = m.select("1:, ::-2")?;                    // NumPy: a[1:, ::-2]
//! assert_eq!(sub.to_list()?.to_string(), "[[7.0, 5.0], [11.0, 9.0]]");
//! # #[cfg(target_endian = "little")] {
//! let a = sub.as_array::<f64>()?;                      // shares memory with `data`
//! assert_eq!(a[[1, 0]], 11.0);
//! # }
//! # Ok::<(), memview::Error>(())
//! ```
//!
//! # Where to read on
//!
//! | Python | memview | module |
//! |---|---|---|
//! | `struct.calcsize/pack/unpack/pack_into/unpack_from/iter_unpack`, `struct.Struct` | [`calcsize`], [`pack()`], [`unpack`], [`pack_into`], [`unpack_from`], [`iter_unpack`], [`Struct`] | [`pack`](mod@pack) |
//! | PEP 3118 format strings, `np.dtype` from a buffer format | [`Format::parse`](format::Format::parse), [`Format::parse_with`](format::Format::parse_with) | [`format`](mod@format) |
//! | `memoryview`: `m[i]`, `m[a:b:c]`, `cast`, `tobytes`, `hex`, `tolist`, `==`, `m[i] = v`, `PyObject_GetBuffer` flags | [`MemoryView`], [`MemoryViewMut`], [`BufferFlags`] | [`view`](mod@view) |
//! | NumPy basic indexing `a[1:, ::-2, ..., None]`, `np.broadcast_to` | [`MemoryView::select`], [`MemoryView::broadcast_to`] | [`view`](mod@view) |
//! | `dst[...] = src` across dtypes, `a.astype(dt).tobytes()` | [`MemoryViewMut::copy_from_converted`], [`MemoryView::to_bytes_as`] | [`element`](mod@element) |
//! | `np.asarray(buf)` / `np.frombuffer` → `ArrayViewD`, and back (any strides, gaps included) | [`MemoryView::as_array`], [`MemoryView::to_array`], [`MemoryView::from_array`], [`MemoryViewMut::from_array_mut`] | [`ndarray`](mod@ndarray) ("From NumPy / to ndarray") |
//! | typed element access with any byte order and alignment | [`MemoryView::typed`], [`Element`] | [`element`](mod@element) |
//! | `np.load` / `np.save` / `np.savez` (header, dtype ⇄ format, aligned zero-copy views) | [`npy::load_mut`], [`npy::save`], [`npy::npz`], [`npy::view`] | [`npy`](mod@npy) |
//! | `struct.unpack`/`iter_unpack` straight into Rust numbers (`(i32, u64)`), no `Value`s | [`unpack_as`], [`iter_unpack_as`], [`FromRecord`] | [`pack`](mod@pack) |
//! | NumPy structured dtypes / C structs as Rust structs: `#[derive(Record)]`, the format of a `#[repr(C)]` type, zero-copy `as_array::<T>()`/`from_array`, converting `typed`/`to_array`, layout matching | [`Record`](trait@Record), [`element::ArrayElement`], [`record::match_zero_copy`], [`record::read_plan`] | [`record`](mod@record) |
//!
//! # Crate features
//!
//! * `derive` (default): `#[derive(Record)]`, from the workspace's proc-macro crate
//!   `memview-derive` (see [`record`](mod@record)). Without it the library depends on `ndarray`,
//!   `half`, `num-traits`, `num-complex` and `bytemuck` only. The `memview` command-line tool is a
//!   separate package of the workspace (`cli/`, `cargo install --path cli`; `cargo run --release`
//!   at the root runs its tour).
//! * `python`: the Python bridge, module `python` (pyo3): import any Python buffer exporter as
//!   a view without copying, and export Rust-owned buffers and `ndarray` arrays to
//!   `memoryview`, NumPy and `struct`. The raw `Py_buffer` interface ([`ffi`]) is always
//!   available.
//!
//! # Safety
//!
//! The crate root says `#![deny(unsafe_code)]`, and exactly three modules allow it:
//!
//! * the view layer's raw module (private: `view::raw` and its submodules `copy` and
//!   `array`), the wall behind which every view lives. Its type carries the view's invariants
//!   as a numbered list — every reachable byte inside the storage, proven once with checked
//!   arithmetic when the view is made, and which bytes the storage borrows (a whole buffer, or
//!   only the elements of an `ndarray` view with gaps) — and every `unsafe` block cites those
//!   numbers, or the facts about ndarray's views and owned storage it writes down (checked
//!   against ndarray 0.17.2). The walkers, the copy kernels and the zero-copy arrays are there;
//! * [`ffi`], which reads the pointers of a foreign `Py_buffer` and hands out exports;
//! * `python` (feature `python`), pyo3's buffer protocol in both directions.
//!
//! Everything else is safe code on top of them; most modules also say
//! `#![forbid(unsafe_code)]`. One item outside them carries `#[allow(unsafe_code)]`: the
//! declaration of the `unsafe trait` [`Record`](trait@Record), which performs no unsafe
//! operation but puts an obligation on hand-written impls (the derive writes its layout from
//! the compiler's). Miri runs the tests, with stacked and tree borrows, also as a
//! big-endian machine (see the README's development section).
//!
//! # Errors
//!
//! Bad input never panics: every operation returns a precise error whose message names the
//! numbers — [`FormatError`](format::FormatError) draws the format with carets under the
//! culprit, [`PackError`] and [`ViewError`] use CPython's messages where CPython has one,
//! [`ElementError`] names the stride, axis or alignment that failed.
//! [`Error`] wraps them all for `?`.

#![deny(unsafe_code)]

pub mod codec;
pub mod element;
mod error;
// `Py_buffer` in and out: reads the pointers a foreign exporter hands over.
#[allow(unsafe_code)]
pub mod ffi;
pub mod format;
pub mod ndarray;
pub mod npy;
pub mod pack;
// pyo3's buffer protocol, both directions.
#[cfg(feature = "python")]
#[allow(unsafe_code)]
pub mod python;
pub mod record;
pub mod value;
pub mod view;

pub use codec::PackError;
pub use element::{Element, ElementError};
pub use error::Error;
/// `#[derive(Record)]`: see [`Record`](trait@Record) and the [`record`](mod@record) module.
#[cfg(feature = "derive")]
pub use memview_derive::Record;
pub use pack::{
    calcsize, iter_unpack, iter_unpack_as, pack, pack_into, unpack, unpack_as, unpack_from,
    FromRecord, IterUnpack, IterUnpackAs, Struct,
};
#[doc(hidden)]
pub use record::__private;
pub use record::Record;
pub use value::Value;
pub use view::{BufferFlags, BufferInfo, MemoryView, MemoryViewMut, Order, SliceArg, ViewError};

/// The README's examples, compiled and run as doctests.
#[doc = include_str!("../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;
