//! Between Python objects and memview's values: [`Value`] ⇄ Python objects (as `struct` and
//! `memoryview` unpack and pack them), Python subscripts ⇄ [`SliceArg`]s, and [`ViewError`] ⇄
//! the exception classes CPython's `memoryview` raises.

use pyo3::exceptions::{
    PyBufferError, PyIndexError, PyMemoryError, PyOverflowError, PyTypeError, PyValueError,
};
use pyo3::ffi;
use pyo3::prelude::*;
use pyo3::types::{
    PyBool, PyByteArray, PyBytes, PyComplex, PyEllipsis, PyFloat, PyInt, PyList, PyNone, PySlice,
    PyString, PyTuple,
};

use crate::value::Value;
use crate::view::{SliceArg, ViewError};

/// The Python exception CPython's `memoryview` raises for the same failure, with memview's
/// message (which starts with CPython's text where CPython has one).
pub(crate) fn view_error(e: ViewError) -> PyErr {
    use ViewError::*;
    let msg = e.to_string();
    match e {
        IndexOutOfBounds { .. } | IndexOverflow { .. } => PyIndexError::new_err(msg),
        InvalidValue {
            wrong_type: true, ..
        }
        | TooManyIndices { .. }
        | IndexCount { .. }
        | NoLength
        | CastNotContiguous
        | CastLengthNotMultiple { .. }
        | CastShapeMismatch { .. } => PyTypeError::new_err(msg),
        AllocationFailed { .. } => PyMemoryError::new_err(msg),
        NotWritable
        | NotCContiguous
        | NotFContiguous
        | NotContiguous
        | FormatWithoutShape
        | RequiresSuboffsets
        | SuboffsetsNotRepresentable => PyBufferError::new_err(msg),
        _ => PyValueError::new_err(msg),
    }
}

/// A decoded value as the Python object `struct.unpack` / `memoryview.tolist` gives: `int`,
/// `float`, `bool`, `bytes`, `str`, `complex`, tuples (also for records) and lists.
pub(crate) fn value_to_py<'py>(py: Python<'py>, v: &Value) -> PyResult<Bound<'py, PyAny>> {
    Ok(match v {
        Value::Int(i) => int_to_py(py, *i)?,
        Value::Float(f) => PyFloat::new(py, *f).into_any(),
        Value::Bool(b) => PyBool::new(py, *b).to_owned().into_any(),
        Value::Bytes(b) => PyBytes::new(py, b).into_any(),
        Value::Str(s) => PyString::new(py, s).into_any(),
        Value::Complex(c) => PyComplex::from_doubles(py, c.re, c.im).into_any(),
        // `struct.unpack`'s 1-tuple stands for its item, as in CPython's `memoryview` and
        // `_testbuffer` ('h 0c' reads as an int).
        Value::Tuple(items) if items.len() == 1 => value_to_py(py, &items[0])?,
        Value::Tuple(items) => {
            let items = items
                .iter()
                .map(|x| value_to_py(py, x))
                .collect::<PyResult<Vec<_>>>()?;
            PyTuple::new(py, items)?.into_any()
        }
        Value::Record(fields) => {
            let items = fields
                .iter()
                .map(|(_, x)| value_to_py(py, x))
                .collect::<PyResult<Vec<_>>>()?;
            PyTuple::new(py, items)?.into_any()
        }
        Value::List(items) => list_to_py(py, items)?,
    })
}

/// An `int`, through the C API's 64-bit constructors when the value fits.
fn int_to_py(py: Python<'_>, i: i128) -> PyResult<Bound<'_, PyAny>> {
    let ptr = if let Ok(v) = i64::try_from(i) {
        // SAFETY: a plain constructor; the result is a new reference or NULL with an error.
        unsafe { ffi::PyLong_FromLongLong(v) }
    } else if let Ok(v) = u64::try_from(i) {
        // SAFETY: as above.
        unsafe { ffi::PyLong_FromUnsignedLongLong(v) }
    } else {
        return Ok(i.into_pyobject(py)?.into_any());
    };
    // SAFETY: `ptr` is a new reference or NULL with an exception set.
    unsafe { Bound::from_owned_ptr_or_err(py, ptr) }
}

/// A `list` of the values, filled in place (no intermediate vector).
fn list_to_py<'py>(py: Python<'py>, items: &[Value]) -> PyResult<Bound<'py, PyAny>> {
    let n = isize::try_from(items.len())
        .map_err(|_| pyo3::exceptions::PyMemoryError::new_err("list too long"))?;
    // SAFETY: `PyList_New` returns a new list of `n` NULL slots, or NULL with an error.
    let list = unsafe { Bound::from_owned_ptr_or_err(py, ffi::PyList_New(n)) }?;
    for (k, item) in items.iter().enumerate() {
        let obj = value_to_py(py, item)?;
        // SAFETY: `list` is a list we just made with `n` slots, `k < n`, and slot `k` is still
        // NULL; `SET_ITEM` steals the new reference `into_ptr` hands over. If a later item
        // fails, the list is dropped with NULL slots, which `list_dealloc` allows.
        unsafe { ffi::PyList_SET_ITEM(list.as_ptr(), k as isize, obj.into_ptr()) };
    }
    Ok(list)
}

fn invalid_type(format: &str) -> PyErr {
    PyTypeError::new_err(format!("memoryview: invalid type for format '{format}'"))
}

fn invalid_value(format: &str) -> PyErr {
    PyValueError::new_err(format!("memoryview: invalid value for format '{format}'"))
}

/// CPython's `fix_error_int`: a conversion's `TypeError` becomes "invalid type", its
/// `OverflowError` or `ValueError` "invalid value"; anything else propagates unchanged.
fn fix_error(py: Python<'_>, e: PyErr, format: &str) -> PyErr {
    if e.is_instance_of::<PyTypeError>(py) {
        invalid_type(format)
    } else if e.is_instance_of::<PyOverflowError>(py) || e.is_instance_of::<PyValueError>(py) {
        invalid_value(format)
    } else {
        e
    }
}

/// The item code of a format that holds one scalar: the format without one leading byte-order
/// character (`@ = < > !`) and spaces, when a single character remains (`'i'`, `'<d'`, `'@c'`),
/// or `Z` for a complex code (`'Zd'`). `None` for everything else (structs, counts).
pub(crate) fn scalar_code(format: &str) -> Option<char> {
    let body: String = format.chars().filter(|c| !c.is_whitespace()).collect();
    let body = body
        .strip_prefix(['@', '=', '<', '>', '!'])
        .unwrap_or(body.as_str());
    let mut chars = body.chars();
    match (chars.next(), chars.next(), chars.next()) {
        (Some(c), None, None) => Some(c),
        (Some('Z'), Some(_), None) => Some('Z'),
        _ => None,
    }
}

/// An integer through `__index__` (`PyNumber_Index`), as `i128`.
fn index_value(obj: &Bound<'_, PyAny>, format: &str) -> PyResult<Value> {
    let py = obj.py();
    // SAFETY: `obj` is a live object; `PyIndex_Check` only reads its type.
    if unsafe { ffi::PyIndex_Check(obj.as_ptr()) } == 0 {
        return Err(invalid_type(format));
    }
    // SAFETY: as above; the result is a new reference or NULL with an exception set.
    let index = unsafe { Bound::from_owned_ptr_or_err(py, ffi::PyNumber_Index(obj.as_ptr())) }
        .map_err(|e| fix_error(py, e, format))?;
    let i: i128 = index.extract().map_err(|_| invalid_value(format))?;
    Ok(Value::Int(i))
}

/// A float through `PyFloat_AsDouble` (`__float__`, or `__index__`).
fn float_value(obj: &Bound<'_, PyAny>, format: &str) -> PyResult<f64> {
    let py = obj.py();
    // SAFETY: `obj` is a live object.
    let d = unsafe { ffi::PyFloat_AsDouble(obj.as_ptr()) };
    if d == -1.0 {
        if let Some(e) = PyErr::take(py) {
            return Err(fix_error(py, e, format));
        }
    }
    Ok(d)
}

/// The Python object `obj` as the value of one item of a format, for `m[i] = obj`.
///
/// For a single-code format the rules are those of CPython's `pack_single` (which
/// `memoryview` uses for its native formats, and which this extends to the same codes in
/// any byte order and to the codes it does not support): integer codes take objects with
/// `__index__`, float codes anything `float()` takes through `__float__`/`__index__`, `?` any
/// object's truth value, `c` a `bytes` of length 1, `P` an `int` (negative ones wrap, as
/// `PyLong_AsVoidPtr` lets them). A wrong type is `TypeError`, an out-of-range value
/// `ValueError` ("memoryview: invalid type/value for format 'i'"). Other formats (structs,
/// counts, strings) take the Python value as `struct.pack` would: a tuple for several items,
/// `bytes`/`bytearray` for `s`, `str` for `u`/`w`; the codec then checks each field.
pub(crate) fn py_to_value(obj: &Bound<'_, PyAny>, format: &str) -> PyResult<Value> {
    let shown = format.strip_prefix('@').unwrap_or(format);
    match scalar_code(format) {
        Some('b' | 'B' | 'h' | 'H' | 'i' | 'I' | 'l' | 'L' | 'q' | 'Q' | 'n' | 'N') => {
            index_value(obj, shown)
        }
        Some('f' | 'd' | 'e' | 'g') => Ok(Value::Float(float_value(obj, shown)?)),
        Some('?') => Ok(Value::Bool(obj.is_truthy()?)),
        Some('c') => {
            let b = obj.cast::<PyBytes>().map_err(|_| invalid_type(shown))?;
            if b.as_bytes().len() != 1 {
                return Err(invalid_value(shown));
            }
            Ok(Value::Bytes(b.as_bytes().to_vec()))
        }
        Some('P') => {
            let i = obj.cast::<PyInt>().map_err(|_| invalid_type(shown))?;
            if let Ok(u) = i.extract::<u64>() {
                return Ok(Value::Int(i128::from(u)));
            }
            let v: i64 = i.extract().map_err(|_| invalid_value(shown))?;
            // PyLong_AsVoidPtr: a negative int is stored as its two's complement.
            Ok(Value::Int(i128::from(v as u64)))
        }
        Some('Z') => generic_value(obj, shown).and_then(|v| match v {
            Value::Int(_) | Value::Float(_) | Value::Bool(_) | Value::Complex(_) => Ok(v),
            _ => Err(invalid_type(shown)),
        }),
        _ => {
            let value = generic_value(obj, shown)?;
            // A format of one value in tuple form ('h 0c') takes the value itself, as
            // `struct.pack` does.
            let one = crate::format::Format::parse(format)
                .is_ok_and(|f| f.layout().tuple && f.layout().value_count() == 1);
            Ok(match value {
                Value::Tuple(_) => value,
                v if one => Value::Tuple(vec![v]),
                v => v,
            })
        }
    }
}

/// A Python object as a [`Value`] by its type alone (the codec checks it against the format).
fn generic_value(obj: &Bound<'_, PyAny>, format: &str) -> PyResult<Value> {
    if let Ok(b) = obj.cast::<PyBool>() {
        return Ok(Value::Bool(b.is_true()));
    }
    if obj.is_instance_of::<PyInt>() {
        return index_value(obj, format);
    }
    if let Ok(f) = obj.cast::<PyFloat>() {
        return Ok(Value::Float(f.value()));
    }
    if let Ok(c) = obj.cast::<PyComplex>() {
        return Ok(Value::Complex(num_complex::Complex64::new(
            c.real(),
            c.imag(),
        )));
    }
    if let Ok(b) = obj.cast::<PyBytes>() {
        return Ok(Value::Bytes(b.as_bytes().to_vec()));
    }
    if let Ok(b) = obj.cast::<PyByteArray>() {
        return Ok(Value::Bytes(b.to_vec()));
    }
    if let Ok(s) = obj.cast::<PyString>() {
        return Ok(Value::Str(s.to_str()?.to_string()));
    }
    if let Ok(t) = obj.cast::<PyTuple>() {
        let items = t
            .iter()
            .map(|x| generic_value(&x, format))
            .collect::<PyResult<Vec<_>>>()?;
        return Ok(Value::Tuple(items));
    }
    if let Ok(l) = obj.cast::<PyList>() {
        let items = l
            .iter()
            .map(|x| generic_value(&x, format))
            .collect::<PyResult<Vec<_>>>()?;
        return Ok(Value::List(items));
    }
    // SAFETY: `obj` is a live object; `PyIndex_Check` only reads its type.
    if unsafe { ffi::PyIndex_Check(obj.as_ptr()) } != 0 {
        return index_value(obj, format);
    }
    if obj.hasattr("__float__")? {
        return Ok(Value::Float(float_value(obj, format)?));
    }
    Err(invalid_type(format))
}

/// `PyNumber_AsSsize_t(key, IndexError)`: an index, with `IndexError` ("cannot fit 'int'
/// into an index-sized integer") when it does not fit.
fn as_index(key: &Bound<'_, PyAny>) -> PyResult<isize> {
    // SAFETY: `key` is a live object, `PyExc_IndexError` a live exception type.
    let i = unsafe { ffi::PyNumber_AsSsize_t(key.as_ptr(), ffi::PyExc_IndexError) };
    if i == -1 {
        if let Some(e) = PyErr::take(key.py()) {
            return Err(e);
        }
    }
    Ok(i)
}

/// One item of a subscript, or `None` when it is not an index, slice, `...` or `None`.
fn slice_arg(item: &Bound<'_, PyAny>) -> PyResult<Option<SliceArg>> {
    // SAFETY: `item` is a live object; `PyIndex_Check` only reads its type.
    if unsafe { ffi::PyIndex_Check(item.as_ptr()) } != 0 {
        return as_index(item).map(|i| Some(SliceArg::Index(i)));
    }
    if let Ok(slice) = item.cast::<PySlice>() {
        let (mut start, mut stop, mut step) = (0isize, 0isize, 0isize);
        // SAFETY: `slice` is a live slice object and the out-pointers are valid. Unpack
        // fills Python's defaults for `None`, clamps out-of-range bounds, and refuses a zero
        // step with "slice step cannot be zero".
        let rc = unsafe { ffi::PySlice_Unpack(slice.as_ptr(), &mut start, &mut stop, &mut step) };
        if rc < 0 {
            return Err(PyErr::fetch(item.py()));
        }
        return Ok(Some(SliceArg::slice(Some(start), Some(stop), Some(step))));
    }
    if item.is_instance_of::<PyEllipsis>() {
        return Ok(Some(SliceArg::Ellipsis));
    }
    if item.is_instance_of::<PyNone>() {
        return Ok(Some(SliceArg::NewAxis));
    }
    Ok(None)
}

/// A subscript key as [`SliceArg`]s (NumPy's basic indexing: integers, slices, `...`, `None`,
/// or a tuple of them), and whether it was a tuple. Anything else is CPython's `TypeError`
/// "memoryview: invalid slice key".
pub(crate) fn subscript(key: &Bound<'_, PyAny>) -> PyResult<(Vec<SliceArg>, bool)> {
    let invalid = || PyTypeError::new_err("memoryview: invalid slice key");
    if let Ok(t) = key.cast::<PyTuple>() {
        let mut args = Vec::with_capacity(t.len());
        for item in t.iter() {
            args.push(slice_arg(&item)?.ok_or_else(invalid)?);
        }
        return Ok((args, true));
    }
    let arg = slice_arg(key)?.ok_or_else(invalid)?;
    Ok((vec![arg], false))
}
