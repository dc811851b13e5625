//! Records and NumPy, both ways, against real NumPy (embedded CPython; `python` feature):
//! an `Array<T>` of `#[derive(Record)]` structs exports as a structured array with the Rust
//! field names (zero-copy without padding, a copy with it), and NumPy structured arrays import
//! as `ArrayView<T>` without copying when the layout matches, with the first differing field
//! named when it does not.
#![cfg(feature = "python")]

use memview::python::{PyBufferGuard, RustBuffer};
use memview::{BufferFlags, Record};
use ndarray::{Array1, Array2};
use pyo3::prelude::*;
use pyo3::types::PyDict;
use std::ffi::CString;

#[derive(Clone, Copy, Debug, PartialEq, Record)]
#[repr(C)]
struct Particle {
    id: u32,
    pos: [f64; 3],
    flag: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Record)]
#[repr(C, packed)]
struct Packed {
    id: u32,
    pos: [f64; 3],
    flag: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Record)]
#[repr(C)]
struct Point {
    x: f32,
    y: f32,
    tag: [u16; 2],
}

#[derive(Clone, Copy, Debug, PartialEq, Record)]
#[repr(C)]
struct Segment {
    a: Point,
    b: Point,
    weight: f64,
}

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

fn particles(n: usize) -> Vec<Particle> {
    (0..n)
        .map(|i| Particle {
            id: 100 + i as u32,
            pos: [i as f64, 0.5 * i as f64, -(i as f64)],
            flag: i % 3 == 0,
        })
        .collect()
}

#[test]
fn records_export_as_structured_arrays_with_their_names() {
    with_py(|py| {
        let env = PyDict::new(py);
        run(py, &env, "import numpy as np");

        // With padding: copied (never a byte view of uninitialised padding), field names and
        // offsets as the compiler's, NumPy reads every value.
        let a = Array1::from(particles(5));
        let obj = Bound::new(py, RustBuffer::from_array(a.clone(), true).unwrap()).unwrap();
        env.set_item("obj", &obj).unwrap();
        run(
            py,
            &env,
            "x = np.asarray(obj)\n\
             assert x.dtype.names == ('id', 'pos', 'flag'), x.dtype\n\
             assert x.dtype.itemsize == 40, x.dtype\n\
             assert x.dtype.fields['pos'][1] == 8 and x.dtype.fields['flag'][1] == 32, x.dtype\n\
             assert x.dtype['pos'].shape == (3,)\n\
             assert x['id'].tolist() == [100, 101, 102, 103, 104]\n\
             assert x['pos'][:, 1].tolist() == [0.0, 0.5, 1.0, 1.5, 2.0]\n\
             assert x['flag'].tolist() == [True, False, False, True, False]",
        );

        // Without padding: zero-copy, NumPy sees Rust's memory (a write shows in Rust).
        let pts = Array2::from_shape_fn((2, 3), |(i, j)| Point {
            x: i as f32,
            y: j as f32,
            tag: [i as u16, j as u16],
        });
        let ptr = pts.as_ptr() as usize;
        let obj = Bound::new(py, RustBuffer::from_array(pts, false).unwrap()).unwrap();
        env.set_item("obj", &obj).unwrap();
        run(
            py,
            &env,
            "p = np.asarray(obj)\n\
             assert p.dtype.names == ('x', 'y', 'tag') and p.shape == (2, 3), p.dtype\n\
             assert p['y'].tolist() == [[0.0, 1.0, 2.0], [0.0, 1.0, 2.0]]\n\
             assert p['tag'][1, 2].tolist() == [1, 2]",
        );
        let addr: usize = eval(py, &env, "p.__array_interface__['data'][0]")
            .extract()
            .unwrap();
        assert_eq!(addr, ptr, "zero-copy export");

        // Nested records: NumPy nests the dtypes by name.
        let segs = Array1::from(vec![Segment {
            a: Point {
                x: 1.0,
                y: 2.0,
                tag: [3, 4],
            },
            b: Point {
                x: 5.0,
                y: 6.0,
                tag: [7, 8],
            },
            weight: 0.25,
        }]);
        let obj = Bound::new(py, RustBuffer::from_array(segs, true).unwrap()).unwrap();
        env.set_item("obj", &obj).unwrap();
        run(
            py,
            &env,
            "s = np.asarray(obj)\n\
             assert s.dtype.names == ('a', 'b', 'weight'), s.dtype\n\
             assert s.dtype['b'].names == ('x', 'y', 'tag'), s.dtype\n\
             assert s['b']['y'].tolist() == [6.0] and s['a']['tag'].tolist() == [[3, 4]]\n\
             assert s['weight'].tolist() == [0.25]",
        );
    });
}

#[test]
fn structured_arrays_import_zero_copy_when_the_layout_matches() {
    with_py(|py| {
        let env = PyDict::new(py);
        run(
            py,
            &env,
            "import numpy as np\n\
             fields = [('id', '<u4'), ('pos', '<f8', (3,)), ('flag', '?')]\n\
             aligned = np.zeros(4, dtype=np.dtype(fields, align=True))\n\
             packed = np.zeros(4, dtype=np.dtype(fields))\n\
             big = np.zeros(4, dtype=np.dtype([('id', '>u4'), ('pos', '>f8', (3,)), ('flag', '?')], align=True))\n\
             for a in (aligned, packed, big):\n    a['id'] = [7, 8, 9, 10]\n    a['pos'][:, 1] = [0.5, 1.5, 2.5, 3.5]\n    a['flag'] = [True, False, True, False]",
        );
        let little = cfg!(target_endian = "little");

        // align=True is #[repr(C)]: zero-copy, the same address.
        let aligned = eval(py, &env, "aligned");
        let guard = PyBufferGuard::get(&aligned, BufferFlags::FULL_RO).unwrap();
        // SAFETY: no Python code runs while the view is alive.
        let view = unsafe { guard.as_view() }.unwrap();
        let a = view.as_array::<Particle>().unwrap();
        let addr: usize = eval(py, &env, "aligned.__array_interface__['data'][0]")
            .extract()
            .unwrap();
        assert_eq!(a.as_ptr() as usize, addr);
        assert_eq!(a[2].id, 9);
        let mean = a.iter().map(|p| p.pos[1]).sum::<f64>() / a.len() as f64;
        assert_eq!(mean, 2.0);
        assert_eq!(
            view.field("pos").unwrap().as_array::<f64>().unwrap()[[3, 1]],
            3.5
        );

        // NumPy's default (packed) is #[repr(C, packed)]; into #[repr(C)] it is a converting
        // copy, and the zero-copy refusal names the first field that moved.
        let packed = eval(py, &env, "packed");
        let guard = PyBufferGuard::get(&packed, BufferFlags::FULL_RO).unwrap();
        // SAFETY: as above.
        let view = unsafe { guard.as_view() }.unwrap();
        let p = view.as_array::<Packed>().unwrap();
        assert_eq!({ p[1].id }, 8);
        let err = view.as_array::<Particle>().unwrap_err().to_string();
        assert_eq!(
            err,
            "the view's item size is 29 bytes, but Particle is 40 bytes"
        );
        let copied = view.to_array::<Particle>().unwrap();
        assert_eq!(copied[3].pos[1], 3.5);
        assert!(!copied[3].flag);

        // Big-endian: zero-copy refused on a little-endian host (naming the field), read by
        // typed access and to_array.
        let big = eval(py, &env, "big");
        let guard = PyBufferGuard::get(&big, BufferFlags::FULL_RO).unwrap();
        // SAFETY: as above.
        let view = unsafe { guard.as_view() }.unwrap();
        if little {
            let err = view.as_array::<Particle>().unwrap_err().to_string();
            assert!(
                err.starts_with("Particle.id is u32 at offset 0, but the view's id is"),
                "{err}"
            );
            assert!(err.contains("big-endian"), "{err}");
        }
        let t = view.typed::<Particle>().unwrap();
        assert_eq!(t.get(&[0]).unwrap().id, 7);
        assert_eq!(view.to_array::<Particle>().unwrap()[2].pos[1], 2.5);

        // An invalid bool byte is an error on every path, naming the field and the element.
        run(py, &env, "aligned.view(np.uint8).reshape(4, 40)[1, 32] = 2");
        let guard = PyBufferGuard::get(&aligned, BufferFlags::FULL_RO).unwrap();
        // SAFETY: as above.
        let view = unsafe { guard.as_view() }.unwrap();
        let want = "element [1]: Particle.flag (bool at offset 32) holds 2: a bool must be 0 or 1";
        assert_eq!(view.as_array::<Particle>().unwrap_err().to_string(), want);
        assert_eq!(view.typed::<Particle>().unwrap_err().to_string(), want);
        assert_eq!(view.to_array::<Particle>().unwrap_err().to_string(), want);
    });
}

#[test]
fn a_round_trip_keeps_values_and_names() {
    with_py(|py| {
        let env = PyDict::new(py);
        run(py, &env, "import numpy as np");
        let a = Array1::from(particles(3));
        let obj = Bound::new(py, RustBuffer::from_array(a.clone(), true).unwrap()).unwrap();
        env.set_item("obj", &obj).unwrap();
        let back = eval(py, &env, "np.ascontiguousarray(np.asarray(obj)[::-1])");
        let guard = PyBufferGuard::get(&back, BufferFlags::FULL_RO).unwrap();
        // SAFETY: no Python code runs while the view is alive.
        let view = unsafe { guard.as_view() }.unwrap();
        let got = view.as_array::<Particle>().unwrap();
        let want: Vec<Particle> = a.iter().rev().copied().collect();
        assert_eq!(got.iter().copied().collect::<Vec<_>>(), want);
    });
}
