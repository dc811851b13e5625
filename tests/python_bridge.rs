//! The Python bridge against CPython itself (embedded): every exporter imported without copying
//! reads the values Python reads, and Rust-owned buffers exported to Python read back the values
//! Rust wrote, through `memoryview`, NumPy and `struct`. Needs the `python` feature, NumPy, and
//! `_testbuffer` (CPython's test module).
#![cfg(feature = "python")]

use memview::ffi::AlignedBuffer;
use memview::python::{PyBufferGuard, RustBuffer};
use memview::{BufferFlags, Order};
use pyo3::prelude::*;
use pyo3::types::PyDict;
use std::ffi::CString;

fn with_py<R>(f: impl FnOnce(Python<'_>) -> R) -> R {
    Python::initialize();
    Python::attach(f)
}

fn eval<'py>(py: Python<'py>, env: &Bound<'py, PyDict>, code: &str) -> Bound<'py, PyAny> {
    let c = CString::new(code).unwrap();
    py.eval(&c, Some(env), None)
        .unwrap_or_else(|e| panic!("{code}: {e}"))
}

fn run(py: Python<'_>, env: &Bound<'_, PyDict>, code: &str) {
    let c = CString::new(code).unwrap();
    py.run(&c, Some(env), None)
        .unwrap_or_else(|e| panic!("{code}: {e}"));
}

fn env(py: Python<'_>) -> Bound<'_, PyDict> {
    let env = PyDict::new(py);
    run(
        py,
        &env,
        "import array, ctypes, struct, numpy as np\nfrom _testbuffer import ndarray, ND_PIL, ND_WRITABLE\n\
         # NumPy's tolist leaves sub-array fields of packed records as arrays; nest them as lists.\n\
         def L(x):\n    if isinstance(x, (list, np.ndarray)):\n        return L(x.tolist()) if isinstance(x, np.ndarray) else [L(y) for y in x]\n    \
         if isinstance(x, tuple):\n        return tuple(L(y) for y in x)\n    return x",
    );
    env
}

/// Import `expr`'s buffer; compare `to_list` with Python's `tolist` (`py_list`, an expression
/// over `o`) and `to_bytes` with `tobytes()`.
fn check_import(py: Python<'_>, env: &Bound<'_, PyDict>, expr: &str, py_list: &str) {
    let obj = eval(py, env, expr);
    env.set_item("o", &obj).unwrap();
    let guard =
        PyBufferGuard::get(&obj, BufferFlags::FULL_RO).unwrap_or_else(|e| panic!("{expr}: {e}"));
    // SAFETY: no Python code runs while `view` is alive, except the reads below, which do
    // not write.
    let view = unsafe { guard.as_view() }.unwrap_or_else(|e| panic!("{expr}: {e}"));
    let rust = view.to_list().unwrap().to_string();
    let python = eval(py, env, py_list).repr().unwrap().to_string();
    assert_eq!(rust, python, "{expr}");
    // memoryview.tobytes copies items whole (padding included), as `to_bytes` does.
    let c_bytes: Vec<u8> = eval(py, env, "memoryview(o).tobytes()").extract().unwrap();
    assert_eq!(view.to_bytes(Order::C), c_bytes, "{expr}");
    // Zero copy: the view's element [0, ...] is where the exporter's buffer says.
    if !view.is_empty() && !view.is_indirect() {
        let p = view.as_ptr() as usize;
        assert_eq!(p, guard.raw_buffer().buf as usize, "{expr}");
    }
}

#[test]
fn builtin_exporters() {
    with_py(|py| {
        let env = env(py);
        check_import(py, &env, "b'hello'", "list(o)");
        check_import(py, &env, "bytearray(b'\\x00\\xff')", "list(o)");
        check_import(py, &env, "b''", "list(o)");
        for code in ["b", "B", "h", "H", "i", "I", "l", "L", "q", "Q", "f", "d"] {
            check_import(
                py,
                &env,
                &format!("array.array('{code}', [1, 2, 3, 100])"),
                "o.tolist()",
            );
        }
        check_import(
            py,
            &env,
            "array.array('d', [1.5, -0.0, float('inf')])",
            "o.tolist()",
        );
        check_import(
            py,
            &env,
            "memoryview(bytes(range(24))).cast('i', [2, 3])",
            "o.tolist()",
        );
        check_import(py, &env, "memoryview(bytes(range(24)))[::-3]", "o.tolist()");
        // The immutable-bytes shortcut.
        let b = eval(py, &env, "b'abc'");
        let g = PyBufferGuard::get(&b, BufferFlags::FULL_RO).unwrap();
        assert_eq!(g.view_of_bytes().unwrap().to_bytes(Order::C), b"abc");
        let ba = eval(py, &env, "bytearray(b'abc')");
        assert!(PyBufferGuard::get(&ba, BufferFlags::FULL_RO)
            .unwrap()
            .view_of_bytes()
            .is_none());
    });
}

#[test]
fn numpy_exporters() {
    with_py(|py| {
        let env = env(py);
        let dtypes = [
            "'i1'", "'u1'", "'<i2'", "'>i2'", "'<u4'", "'>i8'", "'<u8'", "'f2'", "'>f4'", "'<f8'",
            "'>f8'", "'c8'", "'>c16'", "'?'", "'U2'", "'>U2'",
        ];
        for dt in dtypes {
            let base = format!("np.arange(24).astype({dt})");
            check_import(py, &env, &base, "o.tolist()");
            check_import(py, &env, &format!("{base}.reshape(2, 3, 4)"), "o.tolist()");
            check_import(
                py,
                &env,
                &format!("{base}.reshape(4, 6)[::-2, 1::3]"),
                "o.tolist()",
            );
            check_import(py, &env, &format!("{base}.reshape(4, 6).T"), "o.tolist()");
        }
        // `Ns` items decode as `struct` returns them, trailing NULs kept (NumPy strips them).
        check_import(
            py,
            &env,
            "np.array([[b'a', b'bcd'], [b'', b'ef']], 'S3')[:, ::-1]",
            "np.vectorize(lambda b: b.ljust(3, b'\\0'), otypes=[object])(o).tolist()",
        );
        for dt in [
            "[('a', 'i1'), ('b', '<i4')]",
            "np.dtype([('a', 'i1'), ('b', '<i4')], align=True)",
            "[('x', '<f8'), ('y', '<i2', (2, 2))]",
            "[('u', '<U2'), ('c', '<c8'), ('q', '>u8')]",
        ] {
            let base = format!("np.zeros(4, {dt})");
            run(py, &env, &format!("r = {base}\nfor i, n in enumerate(r.dtype.names): r[n] = np.arange(4).reshape((4,) + (1,) * (r[n].ndim - 1)) + i"));
            check_import(py, &env, "r", "L(o.tolist())");
            check_import(py, &env, "r[::-1]", "L(o.tolist())");
            let first = eval(py, &env, "r.dtype.names[0]").to_string();
            check_import(py, &env, &format!("r['{first}'][1:]"), "L(o.tolist())");
        }
        // 0-dim, empty, broadcast (zero stride, read-only).
        check_import(py, &env, "np.array(3.25)", "o.tolist()");
        check_import(py, &env, "np.zeros((0, 3), 'i4')", "o.tolist()");
        check_import(
            py,
            &env,
            "np.broadcast_to(np.arange(3), (2, 3))",
            "o.tolist()",
        );
    });
}

#[test]
fn ctypes_exporters() {
    with_py(|py| {
        let env = env(py);
        check_import(py, &env, "(ctypes.c_float * 3)(1.5, 2.5, -3)", "list(o)");
        check_import(
            py,
            &env,
            "(ctypes.c_int16 * 2 * 3)()",
            "[list(r) for r in o]",
        );
        check_import(py, &env, "(ctypes.c_double * 2)(1, 2)", "list(o)");
        run(
            py,
            &env,
            "class S(ctypes.Structure):\n    _fields_ = [('a', ctypes.c_uint8), ('b', ctypes.c_uint32)]\n\
             class T(ctypes.Structure):\n    _fields_ = [('a', ctypes.c_int32), ('b', ctypes.c_double)]",
        );
        // ctypes writes '<' but lays the fields out natively: b is at offset 4, not 1.
        check_import(py, &env, "S(7, 70000)", "(o.a, o.b)");
        check_import(py, &env, "T(-1, 2.5)", "(o.a, o.b)");
        check_import(
            py,
            &env,
            "(S * 2)(S(1, 2), S(3, 4))",
            "[(s.a, s.b) for s in o]",
        );
    });
}

#[test]
fn pil_exporters() {
    with_py(|py| {
        let env = env(py);
        check_import(
            py,
            &env,
            "ndarray(list(range(12)), shape=[3, 4], format='B', flags=ND_PIL)",
            "o.tolist()",
        );
        check_import(
            py,
            &env,
            "ndarray([i * 3 for i in range(24)], shape=[2, 3, 4], strides=[-48, 16, -4], offset=60, format='i', flags=ND_PIL)",
            "o.tolist()",
        );
        check_import(
            py,
            &env,
            "ndarray([1.5, 2.5, 3.5], shape=[3], format='d', flags=ND_PIL)",
            "o.tolist()",
        );
        // Without INDIRECT the exporter refuses, with its own message.
        let o = eval(
            py,
            &env,
            "ndarray(list(range(4)), shape=[2, 2], format='B', flags=ND_PIL)",
        );
        let e = PyBufferGuard::get(&o, BufferFlags::RECORDS_RO).unwrap_err();
        assert!(e.to_string().contains("BufferError"), "{e}");
        // Writable PIL import: write through the pointers, Python sees it.
        let o = eval(
            py,
            &env,
            "ndarray(list(range(12)), shape=[3, 4], format='B', flags=ND_PIL|ND_WRITABLE)",
        );
        env.set_item("w", &o).unwrap();
        {
            let mut g = PyBufferGuard::get(&o, BufferFlags::FULL).unwrap();
            // SAFETY: no Python code touches `w` while `v` lives.
            let mut v = unsafe { g.as_view_mut() }.unwrap();
            v.select_mut(":, 1").unwrap().fill(99).unwrap();
        }
        assert_eq!(
            eval(py, &env, "w.tolist()").repr().unwrap().to_string(),
            "[[0, 99, 2, 3], [4, 99, 6, 7], [8, 99, 10, 11]]"
        );
    });
}

#[test]
fn release_happens_exactly_once() {
    with_py(|py| {
        let env = env(py);
        let ba = eval(py, &env, "bytearray(b'abcd')");
        env.set_item("ba", &ba).unwrap();
        let g = PyBufferGuard::get(&ba, BufferFlags::FULL_RO).unwrap();
        // An export blocks resizing...
        let e = py.run(c"ba.append(1)", Some(&env), None).unwrap_err();
        assert!(e.to_string().contains("BufferError"), "{e}");
        let g2 = PyBufferGuard::get(&ba, BufferFlags::FULL).unwrap();
        drop(g);
        assert!(py.run(c"ba.append(1)", Some(&env), None).is_err());
        drop(g2);
        // ... and both are released now.
        run(py, &env, "ba.append(1)\nassert len(ba) == 5");
        // Exporters' errors come through as Python exceptions.
        let b = eval(py, &env, "b'x'");
        let e = PyBufferGuard::get(&b, BufferFlags::WRITABLE).unwrap_err();
        assert!(e.to_string().contains("not writable"), "{e}");
        let i = eval(py, &env, "3");
        assert!(PyBufferGuard::get(&i, BufferFlags::FULL_RO).is_err());
    });
}

#[test]
fn export_aligned_buffers() {
    with_py(|py| {
        let env = env(py);
        let mut buf = AlignedBuffer::zeroed("i", &[2, 3]).unwrap();
        for k in 0..6 {
            buf.view_mut().set(&[k / 3, k % 3], k * 10 - 20).unwrap();
        }
        let obj = Bound::new(py, RustBuffer::from_aligned(buf, false)).unwrap();
        env.set_item("rb", &obj).unwrap();
        let got = eval(py, &env, "(memoryview(rb).tolist(), memoryview(rb).format, memoryview(rb).strides, \
                                  np.asarray(rb).tolist(), np.asarray(rb).dtype.str, struct.unpack_from('<3i', rb, 12), bytes(rb)[:4])");
        assert_eq!(
            got.repr().unwrap().to_string(),
            "([[-20, -10, 0], [10, 20, 30]], 'i', (12, 4), [[-20, -10, 0], [10, 20, 30]], '<i4', (10, 20, 30), b'\\xec\\xff\\xff\\xff')"
        );
        // Writes from Python land in Rust memory, and the object stays alive while exported.
        run(
            py,
            &env,
            "a = np.asarray(rb)\na[1, 2] = 7\nm = memoryview(rb)\ndel rb",
        );
        assert_eq!(obj.get().exports(), 2);
        assert_eq!(eval(py, &env, "m.tolist()[1][2]").to_string(), "7");
        run(py, &env, "m.release()\ndel a");
        assert_eq!(obj.get().exports(), 0);
        // memoryview's answers to request flags, with its messages.
        let ro = Bound::new(
            py,
            RustBuffer::from_aligned(AlignedBuffer::zeroed("B", &[4]).unwrap(), true),
        )
        .unwrap();
        env.set_item("ro", &ro).unwrap();
        run(py, &env, "assert memoryview(ro).readonly\n\
                       try:\n    ndarray(ro, getbuf=0x1)\nexcept BufferError as e:\n    msg = str(e)\n\
                       assert msg == 'memoryview: underlying buffer is not writable', msg");
        let st = Bound::new(
            py,
            RustBuffer::from_array(
                ::ndarray::Array2::<f64>::zeros((2, 3)).reversed_axes(),
                false,
            )
            .unwrap(),
        )
        .unwrap();
        env.set_item("st", &st).unwrap();
        run(
            py,
            &env,
            "try:\n    ndarray(st, getbuf=0x8)\nexcept BufferError as e:\n    msg = str(e)\n\
                       assert msg == 'memoryview: underlying buffer is not C-contiguous', msg\n\
                       assert ndarray(st, getbuf=0x58).shape == (3, 2)",
        );
    });
}

#[test]
fn export_ndarrays() {
    use ::ndarray::{s, Array, Array1, Array2, Array3};
    use num_complex::Complex;
    with_py(|py| {
        let env = env(py);
        let cases: Vec<(Bound<'_, RustBuffer>, &str, &str)> = vec![
            (
                Bound::new(
                    py,
                    RustBuffer::from_array(
                        Array::from_shape_fn((2, 3), |(i, j)| (10 * i + j) as f64 + 0.5),
                        false,
                    )
                    .unwrap(),
                )
                .unwrap(),
                "[[0.5, 1.5, 2.5], [10.5, 11.5, 12.5]]",
                "d",
            ),
            (
                Bound::new(
                    py,
                    RustBuffer::from_array(
                        Array2::from_shape_fn((3, 4), |(i, j)| (i * 4 + j) as i16)
                            .slice_move(s![..;-1, 1..;2]),
                        true,
                    )
                    .unwrap(),
                )
                .unwrap(),
                "[[9, 11], [5, 7], [1, 3]]",
                "h",
            ),
            (
                Bound::new(
                    py,
                    RustBuffer::from_array(Array1::from(vec![true, false, true]), false).unwrap(),
                )
                .unwrap(),
                "[True, False, True]",
                "?",
            ),
            (
                Bound::new(
                    py,
                    RustBuffer::from_array(Array1::from(vec![Complex::new(1.0f32, -2.0)]), false)
                        .unwrap(),
                )
                .unwrap(),
                "[(1-2j)]",
                "Zf",
            ),
            (
                Bound::new(
                    py,
                    RustBuffer::from_array(
                        Array3::<u64>::from_shape_fn((2, 2, 2), |(a, b, c)| {
                            (a * 100 + b * 10 + c) as u64
                        })
                        .permuted_axes([2, 0, 1]),
                        false,
                    )
                    .unwrap(),
                )
                .unwrap(),
                "[[[0, 10], [100, 110]], [[1, 11], [101, 111]]]",
                "Q",
            ),
            (
                Bound::new(
                    py,
                    RustBuffer::from_array(Array1::from(vec![-5isize, 6]), false).unwrap(),
                )
                .unwrap(),
                "[-5, 6]",
                "q",
            ),
            (
                Bound::new(
                    py,
                    RustBuffer::from_array(Array1::from(vec![half::f16::from_f32(1.5)]), false)
                        .unwrap(),
                )
                .unwrap(),
                "[1.5]",
                "e",
            ),
        ];
        for (obj, list, fmt) in cases {
            env.set_item("x", &obj).unwrap();
            assert_eq!(
                eval(py, &env, "np.asarray(x).tolist()")
                    .repr()
                    .unwrap()
                    .to_string(),
                list
            );
            if fmt != "Zf" {
                // `_testbuffer` reads through `struct`, which has no complex codes.
                assert_eq!(
                    eval(py, &env, "ndarray(x, getbuf=0x11c).tolist()")
                        .repr()
                        .unwrap()
                        .to_string(),
                    list
                );
            }
            assert_eq!(eval(py, &env, "memoryview(x).format").to_string(), fmt);
            // Round trip: import the export again.
            let g = PyBufferGuard::get(&obj, BufferFlags::FULL_RO).unwrap();
            // SAFETY: nothing writes `x` while the view lives.
            let back = unsafe { g.as_view() }.unwrap();
            assert_eq!(back.to_list().unwrap().to_string(), list);
        }
    });
}

#[test]
fn hostile_exporter_headers_are_errors() {
    // An exporter may hand out anything; a C-level lie is simulated by editing the header of a
    // real buffer and reading it through `RawBuffer::as_view`.
    with_py(|py| {
        let env = env(py);
        let b = eval(py, &env, "bytes(range(16))");
        let g = PyBufferGuard::get(&b, BufferFlags::FULL_RO).unwrap();
        let mut raw = memview::ffi::RawBuffer { ..*g.raw_buffer() };
        raw.ndim = 65;
        // SAFETY: the header is rejected before anything is read.
        assert!(unsafe { raw.as_view() }.is_err());
        raw.ndim = 2;
        raw.shape = std::ptr::null_mut();
        // SAFETY: as above.
        assert!(unsafe { raw.as_view() }.is_err());
        raw.ndim = 1;
        raw.len = -1;
        // SAFETY: as above.
        assert!(unsafe { raw.as_view() }.is_err());
    });
}

// ---- exported struct formats: what NumPy makes of them ----

#[path = "fixtures/portable.rs"]
mod portable;
#[path = "fixtures/reader.rs"]
mod reader;

use memview::format::{Field, FieldType, Format, Layout, Scalar, ScalarKind};
use memview::Value;
use std::sync::Arc;

/// A value for one scalar, different for every call (`n` counts calls).
fn scalar_value(s: &Scalar, n: &mut i64) -> Value {
    *n += 1;
    let k = *n;
    let letters = |len: usize| -> String {
        (0..len)
            .map(|i| char::from(b'a' + ((k as usize + i) % 26) as u8))
            .collect()
    };
    match s.kind {
        ScalarKind::Int | ScalarKind::UInt | ScalarKind::Pointer => Value::Int((k % 100).into()),
        ScalarKind::Object => Value::Int(0),
        ScalarKind::Bool => Value::Bool(k % 2 == 1),
        ScalarKind::Float | ScalarKind::LongDouble => Value::Float(k as f64 + 0.5),
        ScalarKind::Complex => Value::Complex(num_complex::Complex64::new(k as f64, -0.5)),
        ScalarKind::Char => Value::Bytes(letters(1).into_bytes()),
        ScalarKind::Bytes | ScalarKind::Pascal => Value::Bytes(letters(s.size).into_bytes()),
        ScalarKind::Ucs4 => Value::Str(letters(s.size / 4)),
        ScalarKind::Ucs2 => Value::Str(letters(s.size / 2)),
        ScalarKind::Pad => unreachable!("padding is not a field"),
    }
}

fn field_value(f: &Field, n: &mut i64) -> Value {
    fn element(ty: &FieldType, n: &mut i64) -> Value {
        match ty {
            FieldType::Scalar(s) => scalar_value(s, n),
            FieldType::Struct(st) => Value::Record(
                st.fields
                    .iter()
                    .map(|f| (f.name.clone(), field_value(f, n)))
                    .collect(),
            ),
        }
    }
    fn shaped(ty: &FieldType, dims: &[usize], n: &mut i64) -> Value {
        match dims.split_first() {
            None => element(ty, n),
            Some((&d, rest)) => Value::List((0..d).map(|_| shaped(ty, rest, n)).collect()),
        }
    }
    shaped(&f.ty, &f.shape, n)
}

/// A distinct value for one whole item of `layout`.
fn item_value(layout: &Layout, n: &mut i64) -> Value {
    if layout.tuple {
        let mut values = Vec::new();
        for f in &layout.top.fields {
            for _ in 0..f.repeat {
                values.push(field_value(f, n));
            }
        }
        Value::Tuple(values)
    } else {
        field_value(&layout.top.fields[0], n)
    }
}

/// `(name, offset)` of the named fields NumPy shows at top level (it unwraps a lone unnamed
/// struct that fills the item).
fn named_offsets(f: &Format, itemsize: usize) -> Vec<(String, usize)> {
    let mut fields = f.fields();
    if let [only] = fields {
        if let (None, true, FieldType::Struct(st)) = (&only.name, only.shape.is_empty(), &only.ty) {
            if only.offset == 0 && st.size == itemsize {
                fields = &st.fields;
            }
        }
    }
    fields
        .iter()
        .filter_map(|fl| fl.name.clone().map(|n| (n, fl.offset)))
        .collect()
}

const NUMPY_LAYOUT: &str = "\
def leaves(dt, base, out):
    if dt.names:
        for name in dt.names:
            sub, off = dt.fields[name][:2]
            leaves(sub, base + off, out)
    elif dt.subdtype is not None:
        b, shape = dt.subdtype
        for k in range(int(np.prod(shape))):
            leaves(b, base + k * b.itemsize, out)
    elif dt.kind != 'V':
        out.append(f'{base}:{dt.str}')
    return out
def np_layout(a):
    # NumPy moves sub-array dimensions of the item into the array's shape: put them back.
    inner = a.shape[1:]
    out = []
    for idx in np.ndindex(*inner):
        leaves(a.dtype, sum(i * s for i, s in zip(idx, a.strides[1:])), out)
    return a.dtype.itemsize * int(np.prod(inner)), ','.join(out)
def N(x):
    if isinstance(x, list):
        return [N(y) for y in x]
    if isinstance(x, tuple):
        return tuple(N(y) for y in x)
    if x is None:
        return 0
    if isinstance(x, np.longdouble):
        return float(x)
    return x
";

/// Export `buf` through `RustBuffer` and check in NumPy: `memoryview(obj).format` is the
/// portable text, and `np.asarray(obj)` has the item size, every scalar's offset and type, the
/// named fields' offsets and the values memview itself reads.
fn check_struct_export(
    py: Python<'_>,
    env: &Bound<'_, PyDict>,
    buf: AlignedBuffer,
    want_text: &str,
) {
    let format = buf.format().clone();
    let itemsize = buf.itemsize();
    let label = format!(
        "{:?} (itemsize {itemsize}, shape {:?})",
        format.as_str(),
        buf.shape()
    );
    let portable = format.portable_with_itemsize(itemsize);
    assert_eq!(portable.as_str(), want_text, "{label}");
    assert!(portable.numpy_readable(), "{label}");
    let mut leaves = Vec::new();
    portable::leaves(format.fields(), 0, &mut leaves, 10_000);
    let values = buf.view().to_list().unwrap().to_string();
    let names = named_offsets(&format, itemsize);
    let obj = Bound::new(py, RustBuffer::from_aligned(buf, false)).unwrap();
    env.set_item("obj", &obj).unwrap();
    assert_eq!(
        eval(py, env, "memoryview(obj).format").to_string(),
        want_text,
        "{label}"
    );
    let got: (usize, String) = eval(py, env, "np_layout(np.asarray(obj))")
        .extract()
        .unwrap();
    assert_eq!(
        got,
        (itemsize, leaves.join(",")),
        "{label}: (itemsize, leaves)"
    );
    for (name, offset) in names {
        env.set_item("name", &name).unwrap();
        let off: usize = eval(py, env, "np.asarray(obj).dtype.fields[name][1]")
            .extract()
            .unwrap();
        assert_eq!(off, offset, "{label}: field {name:?}");
    }
    // A single top-level field is the value itself in memview; NumPy keeps it as a one-field
    // record unless it unwraps it (an unnamed item filling the whole item).
    let layout = format.layout();
    let wrapped = !layout.tuple
        && !matches!(&layout.top.fields[..], [f] if f.name.is_none() && f.offset == 0 && f.size() == itemsize);
    let np_values = if wrapped {
        "repr(N(L(np.asarray(obj)[np.asarray(obj).dtype.names[0]].tolist())))"
    } else {
        "repr(N(L(np.asarray(obj).tolist())))"
    };
    let np_values = eval(py, env, np_values).to_string();
    assert_eq!(np_values, values, "{label}: values");
    // Writes from NumPy land where memview reads them.
    run(
        py,
        env,
        "a = np.asarray(obj)\nif len(a): a[-1] = a[0]\ndel a",
    );
    let g = PyBufferGuard::get(&obj, BufferFlags::FULL_RO).unwrap();
    // SAFETY: no Python code runs while `back` lives.
    let back = unsafe { g.as_view() }.unwrap();
    assert_eq!(back.itemsize(), itemsize, "{label}");
    if back.shape()[0] > 1 {
        assert_eq!(
            back.get(&[-1]).unwrap().to_string(),
            back.get(&[0]).unwrap().to_string(),
            "{label}"
        );
    }
}

#[test]
fn export_struct_formats_numpy_reads_them() {
    with_py(|py| {
        let env = env(py);
        run(py, &env, NUMPY_LAYOUT);
        let cases = [
            // top-level trailing padding: `struct` says 5 bytes, NumPy's `@` rules 8
            ("ib", "=ib"),
            ("lb", "=qb"),
            ("T{i:a:h:b:}:s:", "T{i:a:h:b:}:s:"),
            ("bd", "bd"),
            // (b) a nested aligned struct followed by a field
            ("T{T{i:a:b:b:}:s:b:c:}", "T{T{i:a:b:b:}:s:b:c:}"),
            ("T{i:a:b:b:}:s:b:c:", "T{=i:a:b:b:3x}:s:b:c:"),
            // (c) a sub-array of padded structs
            ("(3)T{i:a:b:b:}:s:b:c:", "(3)T{=i:a:b:b:3x}:s:b:c:"),
            ("T{(3)T{i:a:b:b:}:s:i:c:}", "T{(3)T{i:a:b:b:}:s:i:c:}"),
            // (d) a packed struct: the same text for every length
            ("T{=i:f0:b:f1:}", "T{=i:f0:b:f1:}"),
            // (f) `O` at a misaligned offset, next to a long double
            ("<bOg", "b=O^g"),
            ("bg", "bg"),
            ("<bg", "b^g"),
            // byte orders
            (">i:a:@h:b:b:c:", ">i:a:=h:b:b:c:"),
            ("T{>i:a:d:b:}", "T{>i:a:d:b:}"),
            ("<h:a:>i:b:@b:c:Zf:d:", "<h:a:>i:b:@b:c:Zf:d:"),
            ("T{b:a:i:b:}:s:b:c:", "T{b:a:3x=i:b:}:s:b:c:"),
            // strings, booleans, half floats, named padding
            ("?3s2we", "?3s=2we"),
            ("bx:pad:i:v:", "b3x=i:v:"),
            ("T{n:a:c:b:}", "T{=q:a:c:b:7x}"),
        ];
        for (fmt, want) in cases {
            for len in [0, 1, 2] {
                let mut buf = AlignedBuffer::zeroed(fmt, &[len]).unwrap();
                let layout = buf.format().layout().clone();
                let mut n = 0;
                for i in 0..len {
                    let v = item_value(&layout, &mut n);
                    buf.view_mut()
                        .set(&[i as isize], v.clone())
                        .unwrap_or_else(|e| panic!("{fmt:?}: set {v}: {e}"));
                }
                check_struct_export(py, &env, buf, want);
            }
        }
        // gh-7797: a struct whose item size is larger than its format's (NumPy's own export
        // of such a dtype cannot be read back); the rest is written as trailing padding.
        let f = Arc::new(Format::parse("T{b:a:}").unwrap());
        for len in [0, 1, 2] {
            let mut buf = AlignedBuffer::zeroed_format(f.clone(), Some(4), &[len]).unwrap();
            for i in 0..len {
                buf.view_mut()
                    .set(
                        &[i as isize],
                        Value::Record(vec![(Some("a".into()), Value::Int(i as i128 + 5))]),
                    )
                    .unwrap();
            }
            check_struct_export(py, &env, buf, "T{b:a:}3x");
        }
    });
}

/// Every NumPy-readable portable text — the whole format corpus and random struct formats —
/// exported through `RustBuffer` and read by the real NumPy (`np.asarray`, its C fast path and
/// Python parser) has memview's item size and the same scalar at every offset.
#[test]
fn portable_formats_match_real_numpy() {
    use proptest::strategy::{Strategy, ValueTree};
    use proptest::test_runner::TestRunner;
    let mut texts: Vec<String> = reader::read("formats.tsv")
        .iter()
        .map(|r| r.req("fmt").to_string())
        .filter(|t| {
            !t.split(|c: char| !c.is_ascii_digit())
                .any(|run| run.len() > 4)
        })
        .collect();
    let mut runner = TestRunner::deterministic();
    let strategy = portable::arb_format();
    for _ in 0..3000 {
        texts.push(strategy.new_tree(&mut runner).unwrap().current());
    }
    with_py(|py| {
        let env = env(py);
        run(py, &env, NUMPY_LAYOUT);
        run(
            py,
            &env,
            "def check_all(cases):\n    bad = []\n    for obj, text, size, want in cases:\n        \
             try:\n            if memoryview(obj).format != text:\n                bad.append((text, 'memoryview format', memoryview(obj).format))\n                continue\n            \
             got = np_layout(np.asarray(obj))\n        except Exception as e:\n            got = repr(e)\n        \
             if got != (size, want):\n            bad.append((text, got, (size, want)))\n    return bad",
        );
        let cases = pyo3::types::PyList::empty(py);
        let (mut readable, mut rewritten) = (0, 0);
        for text in &texts {
            let Ok(f) = Format::parse(text) else { continue };
            let p = f.portable();
            let mut leaves = Vec::new();
            if !p.numpy_readable()
                || f.itemsize() == 0
                || f.itemsize() > 1 << 16
                || portable::leaves(f.fields(), 0, &mut leaves, 2000).is_none()
            {
                continue;
            }
            readable += 1;
            rewritten += usize::from(p.as_str() != f.as_str());
            let buf = AlignedBuffer::zeroed(text, &[1]).unwrap();
            let obj = Bound::new(py, RustBuffer::from_aligned(buf, true)).unwrap();
            cases
                .append((obj, p.as_str(), f.itemsize(), leaves.join(",")))
                .unwrap();
        }
        env.set_item("cases", &cases).unwrap();
        let bad = eval(py, &env, "check_all(cases)");
        let n_bad = bad.len().unwrap();
        assert!(
            n_bad == 0,
            "{n_bad} of {readable} portable texts read differently by NumPy:\n{}",
            bad.repr().unwrap()
        );
        assert!(
            readable > 2000 && rewritten > 500,
            "{readable} checked, {rewritten} rewritten"
        );
    });
}

// ---------------------------------------------------------------------------------------------
// memview.MemoryView (CPython's own test_buffer.py runs in tests/cpython_test_buffer.rs).
// ---------------------------------------------------------------------------------------------

/// `env(py)` with the `memview` module registered (as an embedding program does) and imported.
fn memview_env(py: Python<'_>) -> Bound<'_, PyDict> {
    let env = env(py);
    let sys = py.import("sys").unwrap();
    sys.getattr("modules")
        .unwrap()
        .set_item("memview", memview::python::module(py).unwrap())
        .unwrap();
    run(
        py,
        &env,
        "import memview, io, sys\nfrom memview import MemoryView as M\nfrom _testbuffer import *\n\
         def raises(exc, f, *args, **kw):\n    try:\n        f(*args, **kw)\n    except exc as e:\n        return str(e)\n    \
         raise AssertionError(f'{exc.__name__} not raised')",
    );
    env
}

#[test]
fn memoryview_nd_slicing_where_cpython_refuses() {
    with_py(|py| {
        let env = memview_env(py);
        run(
            py,
            &env,
            "x = np.arange(12, dtype=np.int16).reshape(3, 4)\n\
             assert 'not implemented' in raises(NotImplementedError, memoryview(x).__getitem__, (slice(1, None), slice(None, None, 2)))\n\
             m = M(x)\n\
             s = m[1:, ::2]\n\
             assert s.tolist() == x[1:, ::2].tolist() == [[4, 6], [8, 10]]\n\
             assert (s.shape, s.strides, s.format, s.obj is x) == ((2, 2), (8, 4), 'h', True)\n\
             assert m[1].tolist() == [4, 5, 6, 7] and m[..., 0].tolist() == [0, 4, 8]\n\
             assert m[None].shape == (1, 3, 4) and m[()].tolist() == x.tolist() and m[2, -1] == 11\n\
             assert m[::-1, 1:3].tolist() == x[::-1, 1:3].tolist()\n\
             # Sub-view assignment from any buffer of the same structure; element assignment.\n\
             w = np.zeros((3, 4), dtype=np.int16)\n\
             mw = M(w)\n\
             mw[:, 1] = np.array([7, 8, 9], dtype=np.int16)\n\
             mw[0] = M(x)[2]\n\
             mw[2, 3] = -5\n\
             assert w.tolist() == [[8, 9, 10, 11], [0, 8, 0, 0], [0, 9, 0, -5]], w.tolist()\n\
             assert 'different structures' in raises(ValueError, mw.__setitem__, (slice(None), 1), np.zeros(2, np.int16))\n\
             assert raises(TypeError, mw.__setitem__, 0, [1, 2, 3, 4]) == \"a bytes-like object is required, not 'list'\"\n\
             assert raises(IndexError, m.__getitem__, (0, 4)) == 'index out of bounds on dimension 2'\n\
             assert raises(TypeError, m.__getitem__, (0, 0, 0)) == 'cannot index 2-dimension view with 3-element tuple'\n\
             assert raises(ValueError, m.__getitem__, (slice(None), slice(0, 1, 0))) == 'slice step cannot be zero'\n\
             # PIL-style exporters slice the same way.\n\
             p = ndarray(list(range(12)), shape=[3, 4], format='B', flags=ND_PIL)\n\
             assert M(p)[1:, ::-2].tolist() == [[7, 5], [11, 9]] and M(p)[1].tolist() == [4, 5, 6, 7]",
        );
    });
}

#[test]
fn memoryview_exports_as_cpython_does() {
    with_py(|py| {
        let env = memview_env(py);
        run(
            py,
            &env,
            "import ctypes\n\
             class P(ctypes.Structure):\n    _fields_ = [('x', ctypes.c_int16), ('y', ctypes.c_double)]\n\
             pt = (P * 2)()\n\
             m = M(pt)\n\
             # The format text goes out unchanged, with obj set to the view itself.\n\
             c = memoryview(m)\n\
             assert (c.format, c.obj is m, c.shape, c.itemsize) == (memoryview(pt).format, True, (2,), 16)\n\
             assert m.tolist() == [(0, 0.0), (0, 0.0)]\n\
             # Exports are counted: release() while exported is CPython's BufferError.\n\
             assert raises(BufferError, m.release) == 'memoryview has 1 exported buffer'\n\
             c.release()\n\
             m.release()\n\
             assert 'released' in repr(m) and raises(ValueError, len, m) == 'operation forbidden on released memoryview object'\n\
             # Requests are answered as memory_getbuf answers them (here by _testbuffer's consumer).\n\
             s = M(bytearray(range(12)))[::2]\n\
             assert raises(BufferError, ndarray, s, getbuf=PyBUF_ND) == 'memoryview: underlying buffer is not C-contiguous'\n\
             assert raises(BufferError, ndarray, M(b'ab'), getbuf=PyBUF_WRITABLE) == 'memoryview: underlying buffer is not writable'\n\
             assert ndarray(s, getbuf=PyBUF_STRIDES).tobytes() == bytes(range(0, 12, 2))\n\
             # Suboffsets for PIL-style views, read back by C code.\n\
             p = M(ndarray(list(range(12)), shape=[3, 4], format='B', flags=ND_PIL))\n\
             q = ndarray(p[1:, ::-1], getbuf=PyBUF_FULL_RO)\n\
             assert q.suboffsets == p[1:, ::-1].suboffsets != () and q.tolist() == [[7, 6, 5, 4], [11, 10, 9, 8]]\n\
             assert raises(BufferError, ndarray, p, getbuf=PyBUF_RECORDS_RO) == 'memoryview: underlying buffer requires suboffsets'\n\
             assert get_pointer(p, [2, 3]) == 11 and cmp_contig(M(b'abc'), b'abc')\n\
             # io.BytesIO and NumPy read exports without copying.\n\
             assert io.BytesIO(M(np.arange(3, dtype='<i4'))).read() == np.arange(3, dtype='<i4').tobytes()\n\
             a = np.arange(6.0).reshape(2, 3)\n\
             v = np.asarray(M(a)[:, ::2])\n\
             assert v.tolist() == [[0.0, 2.0], [3.0, 5.0]] and np.shares_memory(v, a)",
        );
    });
}

#[test]
fn memoryview_reads_every_format() {
    with_py(|py| {
        let env = memview_env(py);
        run(
            py,
            &env,
            "import struct\n\
             b = struct.pack('<lh', 7, -2) + struct.pack('<lh', 8, 3)\n\
             m = M(b).cast('<lh')\n\
             assert (m.tolist(), m.itemsize, m[1]) == ([(7, -2), (8, 3)], 6, (8, 3))\n\
             assert raises(TypeError, M(b).cast('i').cast, 'h') == 'memoryview: cannot cast between two non-byte formats'\n\
             w = M(bytearray(8)).cast('>i')\n\
             w[1] = 258\n\
             assert w.obj == b'\\x00' * 6 + b'\\x01\\x02' and w.tolist() == [0, 258]\n\
             assert raises(ValueError, w.__setitem__, 0, 2**40).startswith(\"memoryview: invalid value for format '>i'\")\n\
             r = np.zeros(2, dtype=[('a', '<u2'), ('b', '<f8')])\n\
             r['a'] = [1, 2]\n\
             assert M(r).tolist() == [(1, 0.0), (2, 0.0)] and M(np.array([1+2j])).tolist() == [(1+2j)]\n\
             assert M(np.array(['ab'], dtype='<U3')).tolist() == ['ab']\n\
             # Equality by value across formats, as CPython's struct-based comparison.\n\
             assert M(np.array([1, 2], dtype='>i8')) == M(np.array([1.0, 2.0])) == array.array('b', [1, 2])\n\
             assert M(np.array([float('nan')])) != M(np.array([float('nan')]))\n\
             assert hash(M(b'abc')) == hash(b'abc') and raises(ValueError, hash, M(bytearray(b'x')))",
        );
    });
}

#[test]
fn memoryview_zero_dim_length_follows_the_interpreter() {
    with_py(|py| {
        let env = memview_env(py);
        run(
            py,
            &env,
            "z = M(ndarray(5, shape=[], format='i'))\n\
             assert (z.ndim, z.shape, z[()], z.tolist()) == (0, (), 5, 5)\n\
             if sys.version_info >= (3, 12):\n    assert raises(TypeError, len, z) == '0-dim memory has no length'\n\
             else:\n    assert len(z) == len(memoryview(ndarray(5, shape=[], format='i'))) == 1\n\
             assert raises(TypeError, iter, z) == 'invalid indexing of 0-dim memory'",
        );
    });
}

#[test]
fn memoryview_module_for_embedding() {
    with_py(|py| {
        let m = memview::python::module(py).unwrap();
        assert_eq!(m.name().unwrap().to_string(), "memview");
        let env = PyDict::new(py);
        env.set_item("memview", &m).unwrap();
        let mut buf = AlignedBuffer::zeroed("<d", &[2, 3]).unwrap();
        buf.view_mut().set(&[1, 2], 2.5).unwrap();
        let rb = Bound::new(py, RustBuffer::from_aligned(buf, false)).unwrap();
        env.set_item("rb", &rb).unwrap();
        let got = eval(py, &env, "memview.MemoryView(rb)[:, 2].tolist()");
        assert_eq!(got.repr().unwrap().to_string(), "[0.0, 2.5]");
        // A Rust-created view, handed to Python; it holds one export of `rb`.
        let mv = Bound::new(py, memview::python::PyMemoryView::from_object(&rb).unwrap()).unwrap();
        env.set_item("mv", &mv).unwrap();
        assert_eq!(
            eval(
                py,
                &env,
                "(type(mv).__module__, type(mv).__name__, mv.shape, rb.exports)"
            )
            .repr()
            .unwrap()
            .to_string(),
            "('memview', 'MemoryView', (2, 3), 1)"
        );
    });
}
