//! `memview::npy` writing, loading and `.npz`, against files NumPy wrote
//! (`scripts/gen_npy_write_fixtures.py`, `tests/fixtures/npy_write/cases.tsv`):
//!
//! * **byte-identical output**: for every `np.save` fixture, memview writes the same array —
//!   read back, selected, transposed, or viewed from raw bytes with a PEP 3118 format — and the
//!   bytes (header text, padding, version, data) equal NumPy's;
//! * `.npz` archives from `np.savez` and `np.savez_compressed` read as the arrays saved alone;
//!   archives memview writes read back the same;
//! * the loaders (`load`, `load_mut`, `read`, `from_bytes`): ownership, alignment, the copy
//!   for misaligned data, read-only maps;
//! * formats NumPy cannot represent are refused with the field named;
//! * a property test: random views (shapes, strides, formats, byte orders) written and read
//!   back give the same values and shape, Fortran order when the view is Fortran-contiguous.
//!
//! `tests/npy_numpy.rs` (feature `python`) has NumPy itself load what memview writes. To check
//! a directory of files by hand: `MEMVIEW_NPY_OUT=DIR cargo test --test npy_write
//! writes_a_checkable_directory`, then `python3 scripts/check_npy_with_numpy.py DIR`.

#[path = "npy_write/cases.rs"]
mod cases;

use std::path::{Path, PathBuf};

use memview::format::{Dialect, Format};
use memview::npy::{self, npz, Header, NpyError};
use memview::{MemoryView, Order};
use proptest::prelude::*;

use cases::{fixture, Case};

fn written(view: &MemoryView<'_>) -> Vec<u8> {
    let mut out = Vec::new();
    npy::write(view, &mut out).unwrap_or_else(|e| panic!("write {view:?}: {e}"));
    out
}

/// Where two byte strings first differ, shown as text around it (headers are text).
fn diff(a: &[u8], b: &[u8]) -> String {
    let at = a
        .iter()
        .zip(b)
        .position(|(x, y)| x != y)
        .unwrap_or(a.len().min(b.len()));
    let from = at.saturating_sub(40);
    format!(
        "lengths {} and {}, first difference at byte {at}:\n  memview: {:?}\n  numpy:   {:?}",
        a.len(),
        b.len(),
        String::from_utf8_lossy(&a[from..(at + 40).min(a.len())]),
        String::from_utf8_lossy(&b[from..(at + 40).min(b.len())]),
    )
}

fn assert_same_bytes(ours: &[u8], numpy: &[u8], what: &str) {
    assert!(ours == numpy, "{what}: {}", diff(ours, numpy));
}

#[test]
fn resaved_files_are_byte_identical() {
    let mut n = 0;
    for case in cases::all() {
        let Case::Resave { file } = case else {
            continue;
        };
        let a = npy::load_mut(fixture(&file)).unwrap_or_else(|e| panic!("{file}: {e}"));
        let original = std::fs::read(fixture(&file)).unwrap();
        assert_same_bytes(&written(&a.view()), &original, &file);
        n += 1;
    }
    assert!(n >= 50, "only {n} resave cases");
}

#[test]
fn selections_and_transposes_are_byte_identical() {
    let mut n = 0;
    for case in cases::all() {
        let Case::Select { base, op, expected } = case else {
            continue;
        };
        let a = npy::load_mut(fixture(&base)).unwrap();
        let mut v = a.view();
        let sel = match op.strip_prefix('T') {
            Some(rest) => {
                v = v.transpose();
                rest.strip_prefix('|').unwrap_or(rest).to_owned()
            }
            None => op.clone(),
        };
        if !sel.is_empty() {
            v = v
                .select(&sel)
                .unwrap_or_else(|e| panic!("{base}[{sel}]: {e}"));
        }
        let numpy = std::fs::read(fixture(&expected)).unwrap();
        let ours = written(&v);
        assert_same_bytes(&ours, &numpy, &format!("{base} {op:?} ({expected})"));
        // And the view memview reads back is the selection.
        assert_eq!(npy::from_bytes(ours).unwrap().view(), v, "{base} {op:?}");
        n += 1;
    }
    assert!(n >= 20, "only {n} select cases");
}

#[test]
fn formats_are_written_as_numpy_imports_them() {
    let mut n = 0;
    for case in cases::all() {
        let Case::Format {
            format,
            shape,
            itemsize,
            data,
            expected,
        } = case
        else {
            continue;
        };
        let bytes = std::fs::read(fixture(&data)).unwrap();
        let f = Format::parse_with(&format, Dialect::NumPy).unwrap();
        assert_eq!(f.itemsize(), itemsize, "{format}: NumPy's item size");
        let view = MemoryView::from_format(&bytes, f, None, &shape, None, 0).unwrap();
        let numpy = std::fs::read(fixture(&expected)).unwrap();
        assert_same_bytes(&written(&view), &numpy, &format);
        n += 1;
    }
    assert!(n >= 25, "only {n} format cases");
}

#[test]
fn numpy_archives_read_as_the_arrays_saved_alone() {
    let mut n = 0;
    for case in cases::all() {
        let Case::Npz { file, names } = case else {
            continue;
        };
        let arrays = npz::read(fixture(&file)).unwrap_or_else(|e| panic!("{file}: {e}"));
        let got: Vec<&str> = arrays.iter().map(|(name, _)| name.as_str()).collect();
        assert_eq!(got, names, "{file}");
        let stem = file.strip_suffix(".npz").unwrap();
        for (name, array) in &arrays {
            let alone = npy::load_mut(fixture(&format!("{stem}-{name}.npy"))).unwrap();
            assert_eq!(array.header(), alone.header(), "{file}: {name}");
            assert_eq!(array.data(), alone.data(), "{file}: {name}");
            assert_eq!(array.data().as_ptr() as usize % array.alignment(), 0);
            n += 1;
        }
        // By name, by index, and the errors.
        let mut r = npz::Reader::open(fixture(&file)).unwrap();
        assert_eq!(r.len(), names.len());
        assert_eq!(
            r.by_name("rec").unwrap().view().to_list().unwrap(),
            r.by_index(names.iter().position(|n| n == "rec").unwrap())
                .unwrap()
                .view()
                .to_list()
                .unwrap()
        );
        assert_eq!(
            r.by_name("nope").unwrap_err(),
            NpyError::NpzNameMissing {
                name: "nope".into(),
                available: names.iter().map(|s| s.to_string()).collect(),
            }
        );
    }
    assert_eq!(n, 8);
}

/// Every fixture array, written by memview into one archive (stored, then deflated), reads
/// back with the same header and bytes.
#[test]
fn archives_round_trip() {
    for compressed in [false, true] {
        let mut w = if compressed {
            npz::Writer::new_compressed(std::io::Cursor::new(Vec::new()))
        } else {
            npz::Writer::new(std::io::Cursor::new(Vec::new()))
        };
        let mut expected = Vec::new();
        for case in cases::all() {
            let Case::Resave { file } = case else {
                continue;
            };
            let a = npy::load_mut(fixture(&file)).unwrap();
            let name = w.add_positional(&a.view()).unwrap();
            expected.push((name, std::fs::read(fixture(&file)).unwrap()));
        }
        let bytes = w.finish().unwrap().into_inner();
        let mut r = npz::Reader::new(std::io::Cursor::new(bytes)).unwrap();
        assert_eq!(r.len(), expected.len());
        for (i, (name, file)) in expected.iter().enumerate() {
            assert_eq!(r.names()[i], *name);
            let a = r.by_name(name).unwrap();
            assert_eq!(*a.header(), Header::parse(file).unwrap(), "{name}");
            assert_eq!(a.data(), Header::parse(file).unwrap().data(file).unwrap());
        }
    }
}

#[test]
fn archive_names_follow_numpy() {
    let data = [1u8, 2, 3];
    let v = MemoryView::new(&data);
    let mut w = npz::Writer::new(std::io::Cursor::new(Vec::new()));
    assert_eq!(w.add_positional(&v).unwrap(), "arr_0");
    w.add("x", &v).unwrap();
    assert_eq!(w.add_positional(&v).unwrap(), "arr_1");
    // np.savez(f, a, arr_0=b): "Cannot use un-named variables and keyword arr_0".
    assert_eq!(
        w.add("arr_0", &v).unwrap_err(),
        NpyError::NpzNameDuplicate {
            name: "arr_0".into()
        }
    );
    // A refused format starts no member.
    let p = MemoryView::from_parts(&[0u8; 8], "P", &[1], None, 0).unwrap();
    assert!(matches!(
        w.add("p", &p),
        Err(NpyError::DtypeUnrepresentable { .. })
    ));
    let bytes = w.finish().unwrap().into_inner();
    let r = npz::Reader::new(std::io::Cursor::new(bytes)).unwrap();
    assert_eq!(r.names(), ["arr_0", "x", "arr_1"]);
}

#[test]
fn broken_archives_are_errors() {
    let e = npz::Reader::new(std::io::Cursor::new(b"PK\x03\x04 not really".to_vec()))
        .err()
        .unwrap();
    assert!(matches!(e, NpyError::Zip { .. }), "{e:?}");
    assert!(
        e.to_string()
            .starts_with("not a readable .npz (zip) archive: "),
        "{e}"
    );
    // A member that is not a .npy file.
    let mut zip = zip_with(&[("junk.npy", b"hello".as_slice())]);
    let e = zip.by_name("junk").unwrap_err();
    assert_eq!(
        e,
        NpyError::NpzMember {
            name: "junk".into(),
            error: Box::new(NpyError::MagicMissing)
        }
    );
    assert_eq!(
        e.to_string(),
        "array 'junk' of the .npz archive: not a .npy file (it does not start with \\x93NUMPY)"
    );
    // A member cut short: the header announces more data than the member holds.
    let mut file = Vec::new();
    npy::write(&MemoryView::new(&[7u8; 100]), &mut file).unwrap();
    file.truncate(file.len() - 10);
    let mut zip = zip_with(&[("cut.npy", file.as_slice())]);
    assert!(matches!(
        zip.by_name("cut").unwrap_err(),
        NpyError::NpzMember { error, .. }
            if *error == NpyError::DataTruncated {
                shape: vec![100], descr: "'|u1'".into(), needed: Some(100), available: 90
            }
    ));
    let e = npz::read("/nonexistent/x.npz").err().unwrap();
    assert!(
        matches!(&e, NpyError::Io { path: Some(p), kind: std::io::ErrorKind::NotFound, .. }
        if p == Path::new("/nonexistent/x.npz")),
        "{e:?}"
    );
}

/// An archive with raw members, written by memview's writer's zip (any bytes as a member).
fn zip_with(members: &[(&str, &[u8])]) -> npz::Reader<std::io::Cursor<Vec<u8>>> {
    // Write real .npy members through npz::Writer, then patch their bytes: simpler to build
    // the archive by hand with the stored method, which `Writer` uses.
    let mut out = std::io::Cursor::new(Vec::new());
    {
        let mut z = RawZip::default();
        for (name, data) in members {
            z.add(name, data);
        }
        z.finish(&mut out);
    }
    npz::Reader::new(std::io::Cursor::new(out.into_inner())).unwrap()
}

/// A minimal stored-only zip writer (local headers, central directory, end record), so that
/// broken members can be packed without the `zip` crate (not a dev-dependency).
#[derive(Default)]
struct RawZip {
    body: Vec<u8>,
    central: Vec<u8>,
    count: u16,
}

impl RawZip {
    fn add(&mut self, name: &str, data: &[u8]) {
        let crc = crc32(data);
        let offset = self.body.len() as u32;
        let common = |v: &mut Vec<u8>| {
            v.extend_from_slice(&20u16.to_le_bytes()); // version needed
            v.extend_from_slice(&0u16.to_le_bytes()); // flags
            v.extend_from_slice(&0u16.to_le_bytes()); // stored
            v.extend_from_slice(&0u32.to_le_bytes()); // time, date
            v.extend_from_slice(&crc.to_le_bytes());
            v.extend_from_slice(&(data.len() as u32).to_le_bytes());
            v.extend_from_slice(&(data.len() as u32).to_le_bytes());
            v.extend_from_slice(&(name.len() as u16).to_le_bytes());
            v.extend_from_slice(&0u16.to_le_bytes()); // extra length
        };
        self.body.extend_from_slice(b"PK\x03\x04");
        common(&mut self.body);
        self.body.extend_from_slice(name.as_bytes());
        self.body.extend_from_slice(data);
        self.central.extend_from_slice(b"PK\x01\x02");
        self.central.extend_from_slice(&20u16.to_le_bytes()); // version made by
        common(&mut self.central);
        self.central.extend_from_slice(&[0; 6]); // comment length, disk, internal attributes
        self.central.extend_from_slice(&0u32.to_le_bytes()); // external attrs
        self.central.extend_from_slice(&offset.to_le_bytes());
        self.central.extend_from_slice(name.as_bytes());
        self.count += 1;
    }

    fn finish(self, out: &mut std::io::Cursor<Vec<u8>>) {
        use std::io::Write;
        out.write_all(&self.body).unwrap();
        out.write_all(&self.central).unwrap();
        let mut end = b"PK\x05\x06".to_vec();
        end.extend_from_slice(&[0; 4]);
        end.extend_from_slice(&self.count.to_le_bytes());
        end.extend_from_slice(&self.count.to_le_bytes());
        end.extend_from_slice(&(self.central.len() as u32).to_le_bytes());
        end.extend_from_slice(&(self.body.len() as u32).to_le_bytes());
        end.extend_from_slice(&0u16.to_le_bytes());
        out.write_all(&end).unwrap();
    }
}

fn crc32(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in data {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 != 0 {
                (crc >> 1) ^ 0xedb8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

// ----- loaders ------------------------------------------------------------------------------

fn temp_path(name: &str) -> PathBuf {
    std::env::temp_dir().join(format!("memview-npy-write-{}-{name}", std::process::id()))
}

#[test]
fn load_maps_and_load_mut_owns() {
    let path = fixture("fortran_2d.npy");
    // SAFETY: the committed fixture is not modified while the test runs.
    let mapped = unsafe { npy::load(&path) }.unwrap();
    assert!(mapped.is_mapped() && !mapped.copied_for_alignment());
    assert_eq!(mapped.alignment(), 8);
    assert_eq!(mapped.view().strides(), &[8, 24]);
    let mut owned = npy::load_mut(&path).unwrap();
    assert!(!owned.is_mapped() && !owned.copied_for_alignment());
    assert_eq!(mapped.view(), owned.view());
    assert_eq!(owned.data().as_ptr() as usize % 16, 0);
    #[cfg(target_endian = "little")]
    {
        let a = mapped.view().as_array::<f64>().unwrap();
        assert_eq!(a.as_ptr(), mapped.data().as_ptr() as *const f64);
        assert_eq!(a.shape(), &[3, 4]);
    }
    let mut m = mapped;
    assert_eq!(m.view_mut().unwrap_err(), NpyError::ReadOnly);
    owned.view_mut().unwrap().set(&[2, 3], 0.5).unwrap();
    assert_eq!(owned.view().get(&[2, 3]).unwrap().to_string(), "0.5");
    assert_eq!(
        owned.to_string(),
        ".npy array: shape (3, 4), dtype '<f8', Fortran order, in memory"
    );
    assert_eq!(
        m.to_string(),
        ".npy array: shape (3, 4), dtype '<f8', Fortran order, memory-mapped"
    );
}

/// A `.npy` file whose data starts at `data_offset` (any number: NumPy uses multiples of 64),
/// holding `values` as `<f8`.
fn file_at(data_offset: usize, values: &[f64]) -> Vec<u8> {
    let dict = format!(
        "{{'descr': '<f8', 'fortran_order': False, 'shape': ({},), }}",
        values.len()
    );
    let header_len = data_offset - 10;
    assert!(header_len > dict.len());
    let mut file = b"\x93NUMPY\x01\x00".to_vec();
    file.extend_from_slice(&(header_len as u16).to_le_bytes());
    file.extend_from_slice(format!("{dict:<w$}\n", w = header_len - 1).as_bytes());
    for v in values {
        file.extend_from_slice(&v.to_le_bytes());
    }
    file
}

#[test]
fn misaligned_data_is_copied_and_says_so() {
    let values = [1.5, -2.0, 4.25];
    // Data at offset 99 in the file: 3 mod 8 for every mapping (page-aligned).
    let file = file_at(99, &values);
    let path = temp_path("misaligned.npy");
    std::fs::write(&path, &file).unwrap();
    // SAFETY: the test's own temporary file is not modified while mapped.
    let a = unsafe { npy::load(&path) }.unwrap();
    assert!(a.copied_for_alignment() && !a.is_mapped());
    assert_eq!(a.data().as_ptr() as usize % 8, 0);
    assert_eq!(a.view().to_list().unwrap().to_string(), "[1.5, -2.0, 4.25]");
    assert_eq!(
        a.to_string(),
        ".npy array: shape (3,), dtype '<f8', C order, in memory \
         (copied to be aligned: the data was at an address 3 mod 8)"
    );
    assert!(
        format!("{a:?}").contains("copied_for_alignment: true"),
        "{a:?}"
    );
    // A mapped file stays read-only even when its data was copied.
    let mut a = a;
    assert_eq!(a.view_mut().unwrap_err(), NpyError::ReadOnly);
    // load_mut reads into aligned memory: nothing to copy.
    let b = npy::load_mut(&path).unwrap();
    assert!(!b.copied_for_alignment());
    assert_eq!(b.view(), a.view());
    std::fs::remove_file(&path).unwrap();

    // from_bytes keeps the Vec when the data is aligned in it, copies otherwise.
    let mut shift = 0;
    let (mut kept, mut copied) = (false, false);
    while !(kept && copied) && shift < 16 {
        let file = file_at(96 + shift, &values);
        let remainder = (file.as_ptr() as usize + 96 + shift) % 8;
        let a = npy::from_bytes(file).unwrap();
        assert_eq!(a.copied_for_alignment(), remainder != 0, "shift {shift}");
        assert_eq!(a.data().as_ptr() as usize % 8, 0);
        assert_eq!(a.view().to_list().unwrap().to_string(), "[1.5, -2.0, 4.25]");
        kept |= remainder == 0;
        copied |= remainder != 0;
        shift += 1;
    }
    assert!(kept && copied);
}

#[test]
fn read_takes_any_reader_and_stops_after_the_data() {
    let mut stream = Vec::new();
    let a: Vec<u8> = (0..6).collect();
    npy::write(
        &MemoryView::from_parts(&a, "B", &[2, 3], None, 0).unwrap(),
        &mut stream,
    )
    .unwrap();
    npy::write(&MemoryView::new(b"xyz"), &mut stream).unwrap();
    let mut r = std::io::Cursor::new(stream);
    let first = npy::read(&mut r).unwrap();
    let second = npy::read(&mut r).unwrap();
    assert_eq!(
        first.view().to_list().unwrap().to_string(),
        "[[0, 1, 2], [3, 4, 5]]"
    );
    assert_eq!(second.view().to_bytes(Order::C), b"xyz");
    assert_eq!(npy::read(&mut r).unwrap_err(), NpyError::MagicMissing);
    // A header announcing far more than the stream holds costs only what is there.
    let mut file = file_at(128, &[1.0]);
    let header = "{'descr': '<f8', 'fortran_order': False, 'shape': (1000000000000,), }";
    file[10..10 + header.len()].copy_from_slice(header.as_bytes());
    assert_eq!(
        npy::read(std::io::Cursor::new(&file)).unwrap_err(),
        NpyError::DataTruncated {
            shape: vec![1_000_000_000_000],
            descr: "'<f8'".into(),
            needed: Some(8_000_000_000_000),
            available: 8
        }
    );
    let path = temp_path("huge-claim.npy");
    std::fs::write(&path, &file).unwrap();
    assert!(matches!(
        npy::load_mut(&path),
        Err(NpyError::DataTruncated { available: 8, .. })
    ));
    // SAFETY: the test's own temporary file is not modified while mapped.
    let mapped = unsafe { npy::load(&path) };
    assert!(matches!(mapped, Err(NpyError::DataTruncated { .. })));
    std::fs::remove_file(&path).unwrap();
    // Short headers and missing files.
    for cut in [0, 3, 7, 9, 50] {
        assert!(
            npy::read(std::io::Cursor::new(&file[..cut])).is_err(),
            "{cut}"
        );
        assert!(npy::from_bytes(file[..cut].to_vec()).is_err(), "{cut}");
    }
    let e = npy::load_mut("/nonexistent/a.npy").unwrap_err();
    assert!(e.to_string().starts_with("/nonexistent/a.npy: "), "{e}");
}

/// The E0716 complaint: `npy::view(&std::fs::read(p)?)?` borrows a temporary. The loader owns.
#[test]
fn loader_replaces_borrowing_a_temporary() -> Result<(), memview::Error> {
    let a = npy::load_mut(fixture("s_lef8.npy"))?;
    let v = a.view();
    assert_eq!(v.shape(), &[2, 3]);
    #[cfg(target_endian = "little")]
    assert_eq!(v.as_array::<f64>()?.len(), 6);
    Ok(())
}

// ----- what cannot be written ---------------------------------------------------------------

#[test]
fn unrepresentable_formats_name_the_part() {
    let bytes = [0u8; 64];
    let cases: &[(&str, Option<&str>, &str)] = &[
        ("P", None, "P"),
        ("&i", None, "&"),
        ("X{}", None, "X{}"),
        ("O", None, "O"),
        ("4p", None, "p"),
        ("<3u", None, "u"),
        ("T{<i:a:P:ptr:}", Some("ptr"), "P"),
        ("<iT{<h:x:O:obj:}:inner:", Some("inner.obj"), "O"),
        ("T{<i<d&<i}", Some("f2"), "&"),
        ("T{0s:empty:<i:n:}", Some("empty"), "s"),
        ("<i:a:(2)0w:b:", Some("b"), "w"),
    ];
    for &(format, field, code) in cases {
        let f = Format::parse(format).unwrap();
        let view = MemoryView::from_format(&bytes, f, None, &[1], None, 0).unwrap();
        let e = npy::write(&view, &mut Vec::new()).unwrap_err();
        match &e {
            NpyError::DtypeUnrepresentable {
                format: fm,
                field: fd,
                code: c,
                ..
            } => {
                assert_eq!(
                    (fm.as_str(), fd.as_deref(), c.as_str()),
                    (format, field, code)
                );
            }
            other => panic!("{format}: {other:?}"),
        }
        assert!(e.to_string().contains(&format!("'{code}'")), "{e}");
    }
    let e = npy::format_to_descr(&Format::parse("T{<i:a:P:ptr:}").unwrap()).unwrap_err();
    assert_eq!(
        e.to_string(),
        "format 'T{<i:a:P:ptr:}' has no NumPy dtype, so it cannot be written as .npy: \
         field 'ptr' is 'P', a pointer: NumPy has no pointer dtype"
    );
    // `save` refuses before creating the file.
    let path = temp_path("refused.npy");
    let view = MemoryView::from_parts(&bytes, "P", &[1], None, 0).unwrap();
    assert!(npy::save(&view, &path).is_err());
    assert!(!path.exists());
}

#[test]
fn indirect_views_are_written_as_their_elements() {
    let rows = [[1u8, 2, 3], [4, 5, 6]];
    let table: Vec<u8> = rows
        .iter()
        .flat_map(|r| (r.as_ptr() as usize).to_ne_bytes())
        .collect();
    let ptr = std::mem::size_of::<usize>() as isize;
    // SAFETY: the pointers in `table` point to `rows`, which outlives the view and is not
    // written while it lives.
    let m = unsafe {
        MemoryView::from_parts_indirect(&table, "B", &[2, 3], &[ptr, 1], &[0, -1], 0).unwrap()
    };
    let file = written(&m.select("::-1").unwrap());
    assert_eq!(
        npy::view(&file).unwrap().to_list().unwrap().to_string(),
        "[[4, 5, 6], [1, 2, 3]]"
    );
}

#[test]
fn io_errors_are_reported() {
    struct Full;
    impl std::io::Write for Full {
        fn write(&mut self, _: &[u8]) -> std::io::Result<usize> {
            Err(std::io::Error::new(
                std::io::ErrorKind::StorageFull,
                "disk full",
            ))
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let e = npy::write(&MemoryView::new(b"abc"), &mut Full).unwrap_err();
    assert_eq!(
        e,
        NpyError::Io {
            path: None,
            kind: std::io::ErrorKind::StorageFull,
            message: "disk full".into()
        }
    );
    assert_eq!(e.to_string(), "I/O error: disk full");
    let e = npy::save(&MemoryView::new(b"abc"), "/nonexistent/dir/a.npy").unwrap_err();
    assert!(matches!(
        &e,
        NpyError::Io {
            path: Some(_),
            kind: std::io::ErrorKind::NotFound,
            ..
        }
    ));
}

// ----- big, strided, broadcast --------------------------------------------------------------

#[test]
fn large_strided_views_are_written_in_pieces() {
    // 3 MiB of elements in a reversed, stepped view: written in pieces of whole rows.
    let data: Vec<u8> = (0..(6usize << 20)).map(|i| (i % 251) as u8).collect();
    let m = MemoryView::from_parts(&data, "<H", &[1536, 2048], None, 0).unwrap();
    for sel in ["::-1, ::2", "::2", "..., ::-1"] {
        let v = m.select(sel).unwrap();
        let file = written(&v);
        let back = npy::view(&file).unwrap();
        assert_eq!(back.to_bytes(Order::C), v.to_bytes(Order::C), "{sel}");
    }
    // One row larger than a piece: recursion into rows.
    let tall = MemoryView::from_parts(&data, "B", &[2, 3 << 20], None, 0).unwrap();
    let v = tall.select(":, ::-1").unwrap();
    assert_eq!(
        npy::view(&written(&v)).unwrap().to_bytes(Order::C),
        v.to_bytes(Order::C)
    );
    // A broadcast (zero-stride) view.
    let b = MemoryView::from_parts(&data[..8], "<d", &[3, 1 << 17], Some(&[0, 0]), 0).unwrap();
    let file = written(&b);
    assert_eq!(file.len(), 128 + 8 * 3 * (1 << 17));
    assert_eq!(
        npy::view(&file).unwrap().to_bytes(Order::C),
        b.to_bytes(Order::C)
    );
}

#[test]
fn items_larger_than_their_format_get_trailing_padding() {
    let data: Vec<u8> = (0..32).collect();
    let v = MemoryView::from_parts_with_itemsize(&data, "<d", 16, &[2], None, 0).unwrap();
    let file = written(&v);
    let h = Header::parse(&file).unwrap();
    assert_eq!(h.descr(), "[('f0', '<f8'), ('', '|V8')]");
    let back = npy::view(&file).unwrap();
    assert_eq!(back.itemsize(), 16);
    assert_eq!(
        back.field("f0").unwrap().to_list().unwrap(),
        v.to_list().unwrap()
    );
    assert_eq!(back.to_bytes(Order::C), data);
}

// ----- a directory for NumPy ----------------------------------------------------------------

/// Write every fixture and a set of views (sliced, cast, structured, big-endian, Fortran) to
/// `$MEMVIEW_NPY_OUT` (or a temporary directory), with `manifest.json` for
/// `scripts/check_npy_with_numpy.py`.
#[test]
fn writes_a_checkable_directory() {
    let keep = std::env::var_os("MEMVIEW_NPY_OUT").map(PathBuf::from);
    let dir = keep.clone().unwrap_or_else(|| temp_path("checkable"));
    let written = cases::write_checkable_directory(&dir).unwrap();
    assert!(written >= 100, "{written}");
    let manifest = std::fs::read_to_string(dir.join("manifest.json")).unwrap();
    assert!(manifest.starts_with('[') && manifest.trim_end().ends_with(']'));
    if keep.is_none() {
        std::fs::remove_dir_all(&dir).unwrap();
    }
}

// ----- property: write then read --------------------------------------------------------------

/// Element formats (NumPy dialect, each with a dtype) and how to fill them with valid bytes.
const FORMATS: &[&str] = &[
    "<i",
    ">i",
    "<H",
    ">q",
    "b",
    "B",
    "?",
    "<e",
    ">f",
    "<d",
    ">d",
    "<Zf",
    ">Zd",
    "3s",
    "<2w",
    ">w",
    "T{<h:a:>d:b:}",
    "T{b:a:<i:b:}",
    "T{(2)<i:m:?:f:}",
    "<hd?",
    "T{T{<h:x:b:y:}:p:3s:t:}",
    "c",
    "(2)<f",
];

fn valid_bytes(format: &Format, raw: Vec<u8>) -> Vec<u8> {
    use memview::format::{Endian, Field, FieldType, Scalar, ScalarKind};
    // Bools must be 0 or 1 and UCS-4 units code points: fix those bytes, keep the rest.
    fn fix(s: &Scalar, bytes: &mut [u8]) {
        match s.kind {
            ScalarKind::Bool => bytes.iter_mut().for_each(|b| *b &= 1),
            ScalarKind::Ucs4 => {
                for unit in bytes.chunks_mut(4) {
                    let keep = if s.endian == Endian::Little { 0 } else { 3 };
                    for (k, b) in unit.iter_mut().enumerate() {
                        if k != keep {
                            *b = 0;
                        }
                    }
                }
            }
            _ => {}
        }
    }
    fn walk(fields: &[Field], base: usize, out: &mut [u8]) {
        for field in fields {
            for start in field.copy_offsets() {
                let start = base + start;
                match &field.ty {
                    FieldType::Scalar(s) => fix(s, &mut out[start..start + field.size()]),
                    FieldType::Struct(st) => {
                        for k in 0..field.count() {
                            walk(&st.fields, start + k * st.size, out);
                        }
                    }
                }
            }
        }
    }
    let mut out = raw;
    let size = format.itemsize();
    for item in 0..out.len() / size {
        walk(&format.layout().top.fields, item * size, &mut out);
    }
    out
}

fn arb_view() -> impl Strategy<Value = (usize, Vec<usize>, Vec<u8>, String, bool)> {
    (
        0..FORMATS.len(),
        prop::collection::vec(1usize..4, 0..4),
        any::<u64>(),
        prop::collection::vec(0u8..5, 0..4),
    )
        .prop_map(|(fi, shape, seed, ops)| {
            let format = Format::parse_with(FORMATS[fi], Dialect::NumPy).unwrap();
            let n: usize = shape.iter().product::<usize>() * 4 * format.itemsize();
            let mut state = seed | 1;
            let raw: Vec<u8> = (0..n)
                .map(|_| {
                    state ^= state << 13;
                    state ^= state >> 7;
                    state ^= state << 17;
                    state as u8
                })
                .collect();
            let bytes = valid_bytes(&format, raw);
            let ops: String = ops.iter().map(|o| char::from(b'0' + o)).collect();
            (fi, shape, bytes, ops, seed % 2 == 0)
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(if cfg!(miri) { 4 } else { 256 }))]

    /// Write any view, read it back: the same values (as Python prints them), the shape
    /// (plus a top-level sub-array's axes), and Fortran order exactly when the view is
    /// Fortran- but not C-contiguous.
    #[test]
    fn write_then_view_round_trips((fi, shape, bytes, ops, transpose) in arb_view()) {
        let format = Format::parse_with(FORMATS[fi], Dialect::NumPy).unwrap();
        let mut big = shape.clone();
        if let Some(first) = big.first_mut() { *first *= 4; }
        let base = MemoryView::from_format(&bytes, format, None, &big, None, 0).unwrap();
        let mut v = base.clone();
        if !shape.is_empty() {
            // ops: 0 keep, 1 reverse the first axis, 2 step 2, 3 take the first quarter,
            // 4 reverse the last axis.
            for op in ops.chars() {
                let sel = match op {
                    '1' => "::-1",
                    '2' => "::2",
                    '3' => ":1",
                    '4' => "..., ::-1",
                    _ => ":",
                };
                v = v.select(sel).unwrap();
            }
        }
        if transpose { v = v.transpose(); }
        let file = written(&v);
        let header = Header::parse(&file).unwrap();
        let back = npy::view(&file).unwrap();
        prop_assert_eq!(
            header.fortran_order(),
            !v.is_c_contiguous() && v.is_f_contiguous() && back.shape() == v.shape()
        );
        prop_assert_eq!(&back.shape()[..v.ndim()], v.shape());
        prop_assert_eq!(
            back.to_list().unwrap().to_string(),
            v.to_list().unwrap().to_string()
        );
        prop_assert_eq!(back.to_bytes(Order::C), v.to_bytes(Order::C));
    }
}
