//! CPython's own `Lib/test/test_buffer.py` (`TestBufferProtocol`, seeds 1 to 5, the `cpu`
//! resource on, NumPy blocked) with `memoryview` replaced by `memview.MemoryView`, in the
//! embedded interpreter the `python` feature links. The harness and the allow-list of
//! deliberate divergences (each with its reason) are in `tests/cpython_test_buffer.py`.
//!
//! Every test must pass, and on the versions the allow-list was checked against (3.11.7,
//! 3.12.1, 3.13.0) every listed site must be reached. Another interpreter:
//! `PYO3_PYTHON=$(pyenv root)/versions/3.13.0/bin/python3 CARGO_TARGET_DIR=target/py313 cargo
//! test --features python --test cpython_test_buffer -- --nocapture`. By hand,
//! `MEMVIEW_TEST_BUFFER_SEEDS=1,2` picks seeds, `MEMVIEW_TEST_BUFFER_VERBOSE=1` lists every
//! test, and `MEMVIEW_TEST_BUFFER_DISCOVER=1` tolerates and lists every divergence (to review
//! the allow-list).
#![cfg(feature = "python")]

use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};

const HARNESS: &str = include_str!("cpython_test_buffer.py");

fn harness(py: Python<'_>) -> PyResult<Bound<'_, PyModule>> {
    let sys = py.import("sys")?;
    sys.getattr("modules")?
        .set_item("memview", memview::python::module(py)?)?;
    PyModule::from_code(
        py,
        &std::ffi::CString::new(HARNESS)?,
        c"cpython_test_buffer.py",
        c"cpython_test_buffer",
    )
}

fn strings(v: &Bound<'_, PyAny>) -> Vec<String> {
    v.cast::<PyList>()
        .map(|l| l.iter().map(|x| x.str().unwrap().to_string()).collect())
        .unwrap_or_default()
}

#[test]
fn cpython_test_buffer_passes() {
    Python::initialize();
    Python::attach(|py| -> PyResult<()> {
        let h = harness(py)?;
        let verbose = std::env::var_os("MEMVIEW_TEST_BUFFER_VERBOSE").is_some();
        let kwargs = PyDict::new(py);
        kwargs.set_item("verbose", verbose)?;
        // MEMVIEW_TEST_BUFFER_DISCOVER=1 tolerates and lists every divergence (by hand).
        let discover = std::env::var_os("MEMVIEW_TEST_BUFFER_DISCOVER").is_some();
        kwargs.set_item("discover", discover)?;
        // MEMVIEW_TEST_BUFFER_SEEDS=1,2 runs only those seeds (by hand).
        if let Ok(seeds) = std::env::var("MEMVIEW_TEST_BUFFER_SEEDS") {
            let seeds: Vec<u64> = seeds
                .split(',')
                .map(|s| s.trim().parse().unwrap())
                .collect();
            kwargs.set_item("seeds", seeds)?;
        }
        let summary = h.getattr("run")?.call((), Some(&kwargs))?;
        let get = |k: &str| summary.get_item(k).unwrap();
        let version = get("python").to_string();
        let expected: usize = get("expected_tests").extract()?;
        println!("CPython {version}: TestBufferProtocol has {expected} tests");
        for run in get("runs").cast::<PyList>()?.iter() {
            println!("  {run}");
        }
        let hits = get("hits");
        println!("allowed divergences hit ({}):", hits.len()?);
        for (k, v) in hits.cast::<PyDict>()?.iter() {
            println!("  {k}\n      {v}");
        }
        let problems = strings(&get("problems"));
        for p in &problems {
            println!("PROBLEM {p}");
        }
        let unused = strings(&get("unused"));
        for u in &unused {
            println!("UNUSED allow-list entry {u}");
        }
        if let Some(extra) = h
            .getattr("run_python_buffer_protocol")?
            .call0()?
            .extract::<Option<Bound<'_, PyDict>>>()?
        {
            println!("TestPythonBufferProtocol (reported, not required): {extra}");
        }
        assert!(problems.is_empty(), "{} failing tests", problems.len());
        // Seed 1 runs every test; later seeds those that draw random numbers (the others
        // would repeat themselves exactly).
        let random_tests = get("random_tests").len()?;
        println!("{random_tests} tests draw random numbers and run under every seed");
        for (n, run) in get("runs").cast::<PyList>()?.iter().enumerate() {
            let tests: usize = run.get_item("tests")?.extract()?;
            assert_eq!(tests, if n == 0 { expected } else { random_tests }, "{run}");
        }
        // The allow-list is checked against these versions: no entry may be stale there.
        if ["3.11.", "3.12.", "3.13."]
            .iter()
            .any(|v| version.starts_with(v))
        {
            assert!(unused.is_empty(), "stale allow-list entries: {unused:?}");
        }
        Ok(())
    })
    .unwrap();
}
