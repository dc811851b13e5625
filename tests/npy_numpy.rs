//! memview's `.npy`/`.npz` files against NumPy itself (embedded CPython): NumPy's `np.load`
//! reads every file memview writes back equal (dtype, shape, Fortran order, version, values),
//! `np.save` of the same array writes the very same bytes, and memview reads what NumPy saves
//! (`np.save`, `np.savez`, `np.savez_compressed`). Needs the `python` feature and NumPy.
#![cfg(feature = "python")]

#[path = "npy_write/cases.rs"]
mod cases;

use std::ffi::CString;
use std::path::PathBuf;

use memview::ffi::AlignedBuffer;
use memview::npy::{self, npz, Header};
use memview::python::RustBuffer;
use memview::{MemoryView, Order};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict};

fn with_py<R>(f: impl FnOnce(Python<'_>) -> R) -> R {
    Python::initialize();
    Python::attach(f)
}

fn run(py: Python<'_>, env: &Bound<'_, PyDict>, code: &str) {
    let c = CString::new(code).unwrap();
    py.run(&c, Some(env), None)
        .unwrap_or_else(|e| panic!("{code}: {e}"));
}

fn eval<'py>(py: Python<'py>, env: &Bound<'py, PyDict>, code: &str) -> Bound<'py, PyAny> {
    let c = CString::new(code).unwrap();
    py.eval(&c, Some(env), None)
        .unwrap_or_else(|e| panic!("{code}: {e}"))
}

fn env(py: Python<'_>) -> Bound<'_, PyDict> {
    let env = PyDict::new(py);
    run(
        py,
        &env,
        "import io, runpy, warnings, numpy as np\nwarnings.simplefilter('ignore', UserWarning)",
    );
    env
}

fn temp_dir(name: &str) -> PathBuf {
    std::env::temp_dir().join(format!("memview-npy-numpy-{}-{name}", std::process::id()))
}

/// `scripts/check_npy_with_numpy.py` on a directory of everything the tests write.
#[test]
fn numpy_loads_every_file_memview_writes() {
    let dir = temp_dir("checked");
    let written = cases::write_checkable_directory(&dir).unwrap();
    let script = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/scripts/check_npy_with_numpy.py"
    );
    with_py(|py| {
        let env = env(py);
        env.set_item("script", script).unwrap();
        env.set_item("directory", dir.to_str().unwrap()).unwrap();
        run(
            py,
            &env,
            "checked, failed, problems = runpy.run_path(script)['check'](directory)",
        );
        let (checked, failed, problems): (usize, usize, Vec<String>) =
            eval(py, &env, "(checked, failed, problems)")
                .extract()
                .unwrap();
        assert!(
            problems.is_empty(),
            "NumPy disagrees:\n{}",
            problems.join("\n")
        );
        assert_eq!(failed, 0);
        // Every .npy, plus the members of the two archives.
        assert!(checked > written, "{checked} checked, {written} written");
        println!(
            "NumPy {}: {checked} arrays loaded and equal",
            np_version(py, &env)
        );
    });
    std::fs::remove_dir_all(&dir).unwrap();
}

fn np_version(py: Python<'_>, env: &Bound<'_, PyDict>) -> String {
    eval(py, env, "np.__version__").extract().unwrap()
}

/// For every view the tests write, `np.save` of the array NumPy makes of the same buffer (the
/// view exported through memview's Python bridge) gives the same bytes as `npy::write`.
#[test]
fn np_save_of_the_same_array_writes_the_same_bytes() {
    with_py(|py| {
        let env = env(py);
        let mut n = 0;
        let mut skipped = Vec::new();
        cases::for_each_view(|name, view| {
            if !view.format().portable().numpy_readable() {
                // NumPy cannot import the buffer ('>g': no standard-size long double in its
                // PEP 3118 parser), though np.save writes such arrays: the fixture tests
                // compare those files with np.save's output instead.
                skipped.push(name.to_owned());
                return;
            }
            let mut ours = Vec::new();
            npy::write(view, &mut ours).unwrap();
            let fortran = Header::parse(&ours).unwrap().fortran_order();
            // Export a C-contiguous copy (of the transpose, for a Fortran-order file).
            let copy = if fortran {
                AlignedBuffer::from_view(&view.transpose())
            } else {
                AlignedBuffer::from_view(view)
            };
            let obj = Bound::new(py, RustBuffer::from_aligned(copy, true)).unwrap();
            env.set_item("obj", obj).unwrap();
            env.set_item("fortran", fortran).unwrap();
            run(
                py,
                &env,
                "a = np.asarray(obj)\nif fortran:\n    a = a.T\nf = io.BytesIO()\nnp.save(f, a)\nsaved = f.getvalue()",
            );
            let theirs: Vec<u8> = eval(py, &env, "saved").extract().unwrap();
            assert!(
                ours == theirs,
                "{name}: memview wrote\n  {:?}\nnp.save wrote\n  {:?}",
                String::from_utf8_lossy(&ours[..ours.len().min(200)]),
                String::from_utf8_lossy(&theirs[..theirs.len().min(200)])
            );
            n += 1;
        });
        assert!(n >= 100, "{n}");
        assert!(skipped.len() <= 4, "{skipped:?}");
        println!(
            "{n} views: np.save wrote the same bytes; skipped (NumPy cannot import): {skipped:?}"
        );
    });
}

/// Arrays NumPy makes and saves — many dtypes, orders, slices — read by memview: the header
/// NumPy wrote, and the elements' bytes.
#[test]
fn memview_reads_what_numpy_saves() {
    with_py(|py| {
        let env = env(py);
        run(
            py,
            &env,
            r#"
rng = np.random.default_rng(7)
def arr(dt, shape):
    b = rng.integers(0, 256, int(np.prod(shape)) * np.dtype(dt).itemsize, dtype=np.uint8)
    a = np.frombuffer(b.tobytes(), dt).reshape(shape).copy()
    for name in (a.dtype.names or ()):
        if a.dtype[name].kind == 'b':
            a[name] = a[name].view(np.uint8) & 1
    if a.dtype.kind == 'b':
        a = a.view(np.uint8) & 1
        a = a.astype(bool)
    if a.dtype.kind == 'U':
        a = np.full(shape, 'aé∑', dt)
    return a
dtypes = ['?', 'i1', 'u1', '<i2', '>u2', '<i4', '>i4', '<u8', '>i8', '<f2', '>f4', '<f8',
          '>f8', '<c8', '>c16', 'S4', '<U3', '>U2', np.longdouble,
          [('a', '<i4'), ('b', '>f8')],
          np.dtype([('a', 'u1'), ('b', '<f8'), ('c', '?')], align=True),
          [('x', 'u1'), ('s', [('p', '<i2'), ('q', '>f4')], (2,)), ('m', '<f8', (2, 3))]]
arrays = []
for dt in dtypes:
    a = arr(dt, (4, 6))
    arrays += [a, np.asfortranarray(a), a[::-1, ::2], a.T[1:3], a[2], a[0, 0]]
def value_mask(dtype, n):
    # Copies of structured arrays leave padding bytes undefined: compare values only.
    if dtype.names is None:
        return b'\x01' * (dtype.itemsize * n)
    probe = np.zeros(1, dtype)
    probe[...] = np.frombuffer(b'\xff' * dtype.itemsize, dtype)
    return (probe.view(np.uint8) != 0).astype(np.uint8).tobytes() * n
saved = []
for a in arrays:
    f = io.BytesIO()
    np.save(f, a)
    saved.append((f.getvalue(), np.ascontiguousarray(a).tobytes(), value_mask(a.dtype, a.size)))
z = io.BytesIO()
np.savez(z, *arrays[:6], named=arrays[7])
zc = io.BytesIO()
np.savez_compressed(zc, *arrays[12:18], named=arrays[20])
archives = [(z.getvalue(), ['named'] + [f'arr_{i}' for i in range(6)]),
            (zc.getvalue(), ['named'] + [f'arr_{i}' for i in range(6)])]
"#,
        );
        let saved: Vec<(Vec<u8>, Vec<u8>, Vec<u8>)> = eval(py, &env, "saved").extract().unwrap();
        assert!(saved.len() >= 120);
        for (i, (file, c_bytes, mask)) in saved.iter().enumerate() {
            let a = npy::from_bytes(file.clone()).unwrap_or_else(|e| panic!("#{i}: {e}"));
            let ours = a.view().to_bytes(Order::C);
            assert_eq!(ours.len(), c_bytes.len(), "#{i}");
            for (k, ((x, y), m)) in ours.iter().zip(c_bytes).zip(mask).enumerate() {
                assert!(*m == 0 || x == y, "#{i} {}: byte {k}", a.header().descr());
            }
            assert_eq!(a.data().as_ptr() as usize % a.alignment(), 0);
            // And memview writes it back as NumPy did.
            let mut again = Vec::new();
            npy::write(&a.view(), &mut again).unwrap();
            assert!(again == *file, "#{i}: {}", a.header().descr());
        }
        let archives: Vec<(Vec<u8>, Vec<String>)> = eval(py, &env, "archives").extract().unwrap();
        for (bytes, names) in archives {
            let mut r = npz::Reader::new(std::io::Cursor::new(bytes)).unwrap();
            assert_eq!(r.names(), names);
            for name in &names {
                let a = r.by_name(name).unwrap();
                assert!(a.view().num_elements() > 0, "{name}");
            }
        }
        let compressed: Bound<'_, PyBytes> = eval(py, &env, "zc.getvalue()").extract().unwrap();
        let mut r = npz::Reader::new(std::io::Cursor::new(compressed.as_bytes().to_vec())).unwrap();
        let named = r.by_name("named").unwrap();
        let (file, _, _) = &saved[20];
        assert_eq!(
            named.header(),
            npy::from_bytes(file.clone()).unwrap().header()
        );
    });
}

/// `npy::load` maps a file NumPy wrote; NumPy sees the changes memview writes to a copy.
#[test]
fn numpy_round_trip_through_a_file() {
    let dir = temp_dir("roundtrip");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("a.npy");
    with_py(|py| {
        let env = env(py);
        env.set_item("path", path.to_str().unwrap()).unwrap();
        run(
            py,
            &env,
            "np.save(path, np.arange(12, dtype='>f8').reshape(3, 4).T)",
        );
        // SAFETY: nothing writes the file while `a` lives (Python runs only after it is dropped).
        let a = unsafe { npy::load(&path) }.unwrap();
        assert!(a.is_mapped() && a.header().fortran_order());
        let mut b = npy::load_mut(&path).unwrap();
        drop(a);
        b.view_mut().unwrap().set(&[3, 2], -1.5).unwrap();
        let sel = b.view().select("::-1").unwrap();
        npy::save(&sel, &path).unwrap();
        let got: String = eval(py, &env, "repr(np.load(path).tolist())")
            .extract()
            .unwrap();
        assert_eq!(
            got,
            "[[3.0, 7.0, -1.5], [2.0, 6.0, 10.0], [1.0, 5.0, 9.0], [0.0, 4.0, 8.0]]"
        );
        let dtype: String = eval(py, &env, "np.load(path).dtype.str").extract().unwrap();
        assert_eq!(dtype, ">f8");
        let v = MemoryView::new(b"abc");
        npy::save(&v, &path).unwrap();
        let got: String = eval(py, &env, "repr(np.load(path))").extract().unwrap();
        assert_eq!(got, "array([97, 98, 99], dtype=uint8)");
    });
    std::fs::remove_dir_all(&dir).unwrap();
}
