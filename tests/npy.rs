//! `memview::npy` against `.npy` files NumPy wrote:
//!
//! * every file in `tests/fixtures/ndarray/` (`scripts/gen_npy_fixtures.py`, section 7): the
//!   dtype, format, shape, order and values that script saved, and zero-copy `ndarray` views;
//! * every file in `tests/fixtures/cli/` (`scripts/gen_cli_fixtures.py`): the values against
//!   Python's `repr(arr.tolist())` recorded in `cases.tsv`, and the broken files' errors.
//!
//! * the example program `examples/npy_to_ndarray.rs` on those files.
//!
//! No Python is needed: the fixtures are committed.

#[path = "fixtures/reader.rs"]
mod reader;

#[path = "../examples/npy_to_ndarray.rs"]
mod example;

use std::path::{Path, PathBuf};

use memview::npy::{self, Header, NpyError};
use memview::MemoryView;

fn fixture_dir(sub: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(sub)
}

/// The file's bytes in 8-byte-aligned storage (a `Vec<u8>` promises no alignment; NumPy aligns
/// the data to 64 bytes within the file), so zero-copy typed views are possible.
struct Aligned {
    storage: Vec<u64>,
    len: usize,
}

impl Aligned {
    fn read(path: &Path) -> Aligned {
        let raw = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let mut storage = vec![0u64; raw.len().div_ceil(8)];
        bytemuck::cast_slice_mut::<u64, u8>(&mut storage)[..raw.len()].copy_from_slice(&raw);
        Aligned {
            storage,
            len: raw.len(),
        }
    }

    fn bytes(&self) -> &[u8] {
        &bytemuck::cast_slice::<u64, u8>(&self.storage)[..self.len]
    }
}

/// The `.npy` files in a fixture directory, sorted.
fn npy_files(sub: &str) -> Vec<PathBuf> {
    let dir = fixture_dir(sub);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "npy"))
        .collect();
    files.sort();
    files
}

fn name_of(path: &Path) -> String {
    path.file_name().unwrap().to_string_lossy().into_owned()
}

/// What `scripts/gen_npy_fixtures.py` saved in each `.npy` file: descr as the header writes
/// it, the PEP 3118 format, shape, Fortran order, and `repr(arr.tolist())`.
struct Expected {
    name: &'static str,
    descr: &'static str,
    format: &'static str,
    itemsize: usize,
    shape: &'static [usize],
    fortran_order: bool,
    values: &'static str,
}

const NDARRAY_NPY: &[Expected] = &[
    Expected {
        // (np.arange(12, dtype="<f8").reshape(3, 4) - 5.5) / 2
        name: "c_f8.npy",
        descr: "'<f8'",
        format: "<d",
        itemsize: 8,
        shape: &[3, 4],
        fortran_order: false,
        values: "[[-2.75, -2.25, -1.75, -1.25], [-0.75, -0.25, 0.25, 0.75], \
                 [1.25, 1.75, 2.25, 2.75]]",
    },
    Expected {
        // np.asfortranarray(np.arange(6, dtype="<i4").reshape(2, 3))
        name: "fortran_i4.npy",
        descr: "'<i4'",
        format: "<i",
        itemsize: 4,
        shape: &[2, 3],
        fortran_order: true,
        values: "[[0, 1, 2], [3, 4, 5]]",
    },
    Expected {
        // np.array([1.5, 2.5, -3.25], dtype=">f4")
        name: "be_f4.npy",
        descr: "'>f4'",
        format: ">f",
        itemsize: 4,
        shape: &[3],
        fortran_order: false,
        values: "[1.5, 2.5, -3.25]",
    },
    Expected {
        // [("a", "<f4"), ("b", "<c8"), ("m", "<i2", (2,))], a = 1 2 3,
        // b = 1+1j 2-2j -3+0.5j, m = [1, 2] [3, 4] [5, 6]
        name: "packed_records.npy",
        descr: "[('a', '<f4'), ('b', '<c8'), ('m', '<i2', (2,))]",
        format: "T{<f:a:<Zf:b:(2)<h:m:}",
        itemsize: 16,
        shape: &[3],
        fortran_order: false,
        values: "[(1.0, (1+1j), [1, 2]), (2.0, (2-2j), [3, 4]), (3.0, (-3+0.5j), [5, 6])]",
    },
    Expected {
        // np.dtype([("a", "u1"), ("b", "<f8")], align=True), a = 1 2, b = 0.25 0.75
        name: "aligned_records.npy",
        descr: "[('a', '|u1'), ('', '|V7'), ('b', '<f8')]",
        format: "T{B:a:7x<d:b:}",
        itemsize: 16,
        shape: &[2],
        fortran_order: false,
        values: "[(1, 0.25), (2, 0.75)]",
    },
    Expected {
        // np.zeros((0, 3), dtype="<f8")
        name: "empty_f8.npy",
        descr: "'<f8'",
        format: "<d",
        itemsize: 8,
        shape: &[0, 3],
        fortran_order: false,
        values: "[]",
    },
    Expected {
        // np.array([[True, False], [False, True]])
        name: "bool.npy",
        descr: "'|b1'",
        format: "?",
        itemsize: 1,
        shape: &[2, 2],
        fortran_order: false,
        values: "[[True, False], [False, True]]",
    },
];

#[test]
fn every_ndarray_fixture_reads_as_saved() {
    let files = npy_files("ndarray");
    assert!(files.len() >= NDARRAY_NPY.len(), "{files:?}");
    for want in NDARRAY_NPY {
        assert!(
            files.iter().any(|p| name_of(p) == want.name),
            "{} is missing (run python3 scripts/gen_npy_fixtures.py)",
            want.name
        );
    }
    for path in &files {
        let name = name_of(path);
        let file = Aligned::read(path);
        let file = file.bytes();
        let header = Header::parse(file).unwrap_or_else(|e| panic!("{name}: {e}"));
        let view = header.view(file).unwrap_or_else(|e| panic!("{name}: {e}"));
        // NumPy pads the header so the data is 64-byte aligned, and writes nothing after it.
        assert_eq!(header.data_offset() % 64, 0, "{name}");
        assert_eq!(
            header.data_offset() + header.data_len().unwrap(),
            file.len(),
            "{name}"
        );
        let Some(want) = NDARRAY_NPY.iter().find(|w| w.name == name) else {
            // A file added to the generator since: it must at least read.
            view.to_list().unwrap_or_else(|e| panic!("{name}: {e}"));
            continue;
        };
        assert_eq!(header.version(), (1, 0), "{name}");
        assert_eq!(header.descr(), want.descr, "{name}");
        assert_eq!(header.format(), want.format, "{name}");
        assert_eq!(header.shape(), want.shape, "{name}");
        assert_eq!(header.fortran_order(), want.fortran_order, "{name}");
        assert_eq!(view.format().as_str(), want.format, "{name}");
        assert_eq!(view.itemsize(), want.itemsize, "{name}");
        assert_eq!(view.shape(), want.shape, "{name}");
        assert_eq!(view.to_list().unwrap().to_string(), want.values, "{name}");
        // Contiguous in the saved order, and the view's bytes are the file's data bytes.
        let order = if want.fortran_order {
            memview::Order::F
        } else {
            memview::Order::C
        };
        assert_eq!(
            view.to_bytes(order),
            &file[header.data_offset()..],
            "{name}"
        );
    }
}

#[test]
fn zero_copy_ndarray_views() {
    let path = fixture_dir("ndarray").join("c_f8.npy");
    let file = Aligned::read(&path);
    let file = file.bytes();
    let header = Header::parse(file).unwrap();
    let view = npy::view(file).unwrap();
    if cfg!(target_endian = "little") {
        let a = view.as_array::<f64>().unwrap();
        assert_eq!(
            a.as_ptr().cast::<u8>(),
            file[header.data_offset()..].as_ptr()
        );
        assert_eq!(a.shape(), &[3, 4]);
        assert_eq!(a[[2, 3]], 2.75);
        assert_eq!(a.sum(), 0.0);
    }

    // Fortran order: a column-major ArrayViewD, same values.
    let file = Aligned::read(&fixture_dir("ndarray").join("fortran_i4.npy"));
    let view = npy::view(file.bytes()).unwrap();
    if cfg!(target_endian = "little") {
        let a = view.as_array::<i32>().unwrap();
        assert_eq!(a.strides(), &[1, 2]);
        let want = ndarray::arr2(&[[0, 1, 2], [3, 4, 5]]).into_dyn();
        assert_eq!(a, want);
    }

    // Big-endian data: no zero-copy view on a little-endian host, a converting copy instead.
    let file = Aligned::read(&fixture_dir("ndarray").join("be_f4.npy"));
    let view = npy::view(file.bytes()).unwrap();
    assert_eq!(
        view.to_array::<f32>().unwrap(),
        ndarray::arr1(&[1.5f32, 2.5, -3.25]).into_dyn()
    );
    if cfg!(target_endian = "little") {
        assert!(view.as_array::<f32>().is_err());
    }
}

#[test]
fn record_fields_from_a_npy_file() {
    let file = Aligned::read(&fixture_dir("ndarray").join("aligned_records.npy"));
    let view = npy::view(file.bytes()).unwrap();
    // The second record's 'b' field: offset 8 within a 16-byte record.
    let b = MemoryView::from_parts(
        view.as_contiguous_bytes().unwrap(),
        "<d",
        &[2],
        Some(&[16]),
        8,
    )
    .unwrap();
    assert_eq!(b.to_list().unwrap().to_string(), "[0.25, 0.75]");
}

/// Every `view '{dir}/X.npy' --no-header` case of `cases.tsv`: Python's `repr(arr.tolist())`.
fn cli_expectations() -> Vec<(String, String)> {
    reader::read("cli/cases.tsv")
        .into_iter()
        .filter(|r| r.kind == "run")
        .filter_map(|r| {
            let args = r.req("args");
            let name = args
                .strip_prefix("view '{dir}/")?
                .strip_suffix("' --no-header")?;
            let stdout = r.req("stdout");
            Some((name.to_owned(), stdout.strip_suffix('\n')?.to_owned()))
        })
        .collect()
}

#[test]
fn every_cli_fixture_reads_as_numpy_lists_it() {
    let expected = cli_expectations();
    assert!(expected.len() >= 25, "{}", expected.len());
    let broken = [
        "truncated_data.npy",
        "truncated_header.npy",
        "bad_header.npy",
        "object.npy",
    ];
    let mut checked = 0;
    for path in npy_files("cli") {
        let name = name_of(&path);
        if broken.contains(&name.as_str()) {
            continue;
        }
        let file = Aligned::read(&path);
        let view = npy::view(file.bytes()).unwrap_or_else(|e| panic!("{name}: {e}"));
        let list = view.to_list().unwrap_or_else(|e| panic!("{name}: {e}"));
        if let Some((_, want)) = expected.iter().find(|(n, _)| *n == name) {
            assert_eq!(list.to_string(), *want, "{name}");
            checked += 1;
        }
    }
    assert!(checked >= 25, "only {checked} files compared");
}

#[test]
fn cli_fixture_headers() {
    let read = |name: &str| Aligned::read(&fixture_dir("cli").join(name));
    let file = read("v2.npy");
    assert_eq!(Header::parse(file.bytes()).unwrap().version(), (2, 0));
    let file = read("v3_utf8.npy");
    assert_eq!(Header::parse(file.bytes()).unwrap().version(), (3, 0));
    let file = read("datetime.npy");
    let h = Header::parse(file.bytes()).unwrap();
    assert_eq!(h.format(), "<q");
    assert!(
        h.note().unwrap().starts_with("datetime64"),
        "{:?}",
        h.note()
    );
    let file = read("i4_be_fortran_3d.npy");
    let h = Header::parse(file.bytes()).unwrap();
    assert_eq!((h.format(), h.fortran_order()), (">i", true));
    assert_eq!(h.strides().unwrap(), vec![4, 8, 24]);
    let file = read("records_titled.npy");
    let h = Header::parse(file.bytes()).unwrap();
    assert!(h.descr().contains("(("), "{}", h.descr());
}

#[test]
fn broken_cli_fixtures() {
    let read = |name: &str| Aligned::read(&fixture_dir("cli").join(name));
    // i4_2d.npy (shape (3, 4), 48 bytes of data) cut 20 bytes into the data.
    let file = read("truncated_data.npy");
    let e = npy::view(file.bytes()).unwrap_err();
    assert_eq!(
        e,
        NpyError::DataTruncated {
            shape: vec![3, 4],
            descr: "'<i4'".into(),
            needed: Some(48),
            available: 20
        }
    );
    // Cut at byte 40, inside the header.
    let file = read("truncated_header.npy");
    assert!(matches!(
        npy::view(file.bytes()).unwrap_err(),
        NpyError::HeaderTruncated {
            start: 10,
            file_len: 40,
            ..
        }
    ));
    // The dict's closing brace is missing.
    let file = read("bad_header.npy");
    assert!(matches!(
        npy::view(file.bytes()).unwrap_err(),
        NpyError::HeaderNotLiteral { .. }
    ));
    let file = read("object.npy");
    assert!(matches!(
        npy::view(file.bytes()).unwrap_err(),
        NpyError::TypestrObject { .. }
    ));
}

/// The example program converts the shipped NumPy file into a zero-copy `ArrayViewD<f64>`
/// (it asserts the pointer itself), and falls back to copies or lists for the others.
#[test]
fn example_npy_to_ndarray() {
    let run = |name: &str| {
        let path = fixture_dir("ndarray").join(name);
        example::run(path.to_str().unwrap()).unwrap_or_else(|e| panic!("{name}: {e}"))
    };
    let out = run("c_f8.npy");
    assert!(
        out.starts_with(
            "c_f8.npy: .npy v1.0, dtype '<f8', format \"<d\", shape [3, 4], strides [32, 8], \
             data at byte 128\n"
        ),
        "{out}"
    );
    if cfg!(target_endian = "little") {
        assert!(
            out.contains(
                "zero-copy ArrayViewD<f64> (points at byte 128 of the file, as loaded):\n"
            ),
            "{out}"
        );
        assert!(out.ends_with("sum = 0\n"), "{out}");
    }
    let out = run("fortran_i4.npy");
    assert!(out.contains("strides [4, 8]"), "{out}");
    assert!(
        out.contains("converting copy to f64:\n[[0, 1, 2],\n [3, 4, 5]]"),
        "{out}"
    );
    let out = run("be_f4.npy");
    assert!(out.contains("[1.5, 2.5, -3.25]"), "{out}");
    let out = run("packed_records.npy");
    assert!(
        out.ends_with("[(1.0, (1+1j), [1, 2]), (2.0, (2-2j), [3, 4]), (3.0, (-3+0.5j), [5, 6])]\n"),
        "{out}"
    );
}
