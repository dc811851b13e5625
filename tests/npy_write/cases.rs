//! Shared by `tests/npy_write.rs` and `tests/npy_numpy.rs`: the cases of
//! `tests/fixtures/npy_write/cases.tsv` (see `scripts/gen_npy_write_fixtures.py`), and a
//! directory of files memview writes with a manifest for `scripts/check_npy_with_numpy.py`.

#![allow(dead_code)]

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use memview::format::{Dialect, Format};
use memview::npy::{self, npz, Header};
use memview::{MemoryView, Order};

pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/npy_write")
        .join(name)
}

/// One line of `cases.tsv`.
#[derive(Clone, Debug)]
pub enum Case {
    /// memview reads `file` and writes it again: the same bytes.
    Resave { file: String },
    /// memview reads `base`, applies `op` (a selection, `T`, or `T|selection`), writes
    /// `expected`'s bytes.
    Select {
        base: String,
        op: String,
        expected: String,
    },
    /// memview views `data` with `format` (NumPy dialect) and `shape`, writes `expected`.
    Format {
        format: String,
        shape: Vec<usize>,
        itemsize: usize,
        data: String,
        expected: String,
    },
    /// An `.npz` from NumPy with these array names.
    Npz { file: String, names: Vec<String> },
}

pub fn all() -> Vec<Case> {
    let text = std::fs::read_to_string(fixture("cases.tsv")).expect("cases.tsv");
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
        .map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            let s = |i: usize| f[i].to_string();
            match f[0] {
                "resave" => Case::Resave { file: s(1) },
                "select" => Case::Select {
                    base: s(1),
                    op: s(2),
                    expected: s(3),
                },
                "format" => Case::Format {
                    format: s(1),
                    shape: f[2].split(',').map(|d| d.parse().unwrap()).collect(),
                    itemsize: f[3].parse().unwrap(),
                    data: s(4),
                    expected: s(5),
                },
                "npz" => Case::Npz {
                    file: s(1),
                    names: f[2].split(',').map(String::from).collect(),
                },
                other => panic!("unknown case kind {other:?} in {l:?}"),
            }
        })
        .collect()
}

/// A JSON string literal.
fn json_str(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if u32::from(c) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// What NumPy must find in a file memview wrote for `view`.
fn entry(name: &str, file: &[u8], view: &MemoryView<'_>) -> String {
    let h = Header::parse(file).expect("own header");
    let shape: Vec<String> = h.shape().iter().map(ToString::to_string).collect();
    format!(
        "{{\"name\": {}, \"descr\": {}, \"shape\": [{}], \"fortran_order\": {}, \"version\": [{}, {}], \"format\": {}, \"data_hex\": \"{}\"}}",
        json_str(name),
        json_str(h.descr()),
        shape.join(", "),
        h.fortran_order(),
        h.version().0,
        h.version().1,
        json_str(view.format().as_str()),
        hex(&view.to_bytes(Order::C)),
    )
}

/// Every view this test suite writes for NumPy to check: the fixtures re-written, their
/// selections, the format cases, and more views made in memview (casts, fields, big-endian,
/// Fortran order, explicit item sizes), each with a file name.
pub fn for_each_view(mut f: impl FnMut(&str, &MemoryView<'_>)) {
    for case in all() {
        match case {
            Case::Resave { file } => {
                let a = npy::load_mut(fixture(&file)).unwrap();
                f(
                    &format!("resave-{}", file.trim_end_matches(".npy")),
                    &a.view(),
                );
            }
            Case::Select { base, op, expected } => {
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
                    v = v.select(&sel).unwrap();
                }
                f(&format!("select-{}", expected.trim_end_matches(".npy")), &v);
            }
            Case::Format {
                format,
                shape,
                data,
                expected,
                ..
            } => {
                let bytes = std::fs::read(fixture(&data)).unwrap();
                let fm = Format::parse_with(&format, Dialect::NumPy).unwrap();
                let v = MemoryView::from_format(&bytes, fm, None, &shape, None, 0).unwrap();
                f(&format!("format-{}", expected.trim_end_matches(".npy")), &v);
            }
            Case::Npz { .. } => {}
        }
    }
    // Views made in memview.
    let data: Vec<u8> = (0..480u32).map(|i| (i * 37 % 256) as u8).collect();
    let b = MemoryView::new(&data);
    let made: Vec<(&str, MemoryView<'_>)> = vec![
        ("cast-le-i4", b.cast("<i", Some(&[8, 15])).unwrap()),
        (
            "cast-be-f8-F",
            b.cast(">d", Some(&[6, 10])).unwrap().transpose(),
        ),
        (
            "cast-be-u2-strided",
            b.cast(">H", Some(&[12, 20]))
                .unwrap()
                .select("1::3, ::-2")
                .unwrap(),
        ),
        (
            "cast-c16-be",
            b.cast(">Zd", Some(&[30])).unwrap().select("::-4").unwrap(),
        ),
        (
            "cast-struct",
            b.cast("T{<i:id:(3)>f:pos:?:ok:3x}", None).unwrap(),
        ),
        (
            "cast-tuple",
            b.cast("<hd?5x", None).unwrap().select("::3").unwrap(),
        ),
        (
            "cast-subarray",
            b.cast("(2,3)<f", Some(&[20]))
                .unwrap()
                .select("::-2")
                .unwrap(),
        ),
        (
            "cast-bytes",
            b.cast("8s", Some(&[6, 10]))
                .unwrap()
                .select(":, 1::2")
                .unwrap(),
        ),
        (
            "broadcast",
            b.cast("<q", Some(&[60]))
                .unwrap()
                .select("None, 2:5")
                .unwrap(),
        ),
        (
            "zero-d",
            b.cast("<d", Some(&[60])).unwrap().select("7").unwrap(),
        ),
        (
            "empty",
            b.cast("<d", Some(&[6, 10])).unwrap().select("3:3").unwrap(),
        ),
    ];
    for (name, v) in &made {
        f(name, v);
    }
    // A field of a packed record array (stride 13, not a multiple of 4) and a nested field.
    let rec = npy::load_mut(fixture("packed.npy")).unwrap();
    f("field-b", &rec.view().field("b").unwrap());
    f(
        "field-m-reversed",
        &rec.view().select("::-1").unwrap().field("m").unwrap(),
    );
    let nested = npy::load_mut(fixture("nested.npy")).unwrap();
    f("field-s", &nested.view().field("s").unwrap());
    // Explicit item size larger than the format (NumPy gh-7797).
    let padded = MemoryView::from_parts_with_itemsize(&data, "<i", 12, &[40], None, 0).unwrap();
    f("itemsize-padded", &padded);
}

/// Write [`for_each_view`]'s views to `dir` as `.npy`, plus `stored.npz` and
/// `compressed.npz` holding the first views, and `manifest.json`; returns the number of
/// arrays written.
pub fn write_checkable_directory(dir: &Path) -> Result<usize, Box<dyn std::error::Error>> {
    std::fs::create_dir_all(dir)?;
    let mut entries = Vec::new();
    let mut count = 0;
    let mut stored = npz::Writer::create(dir.join("stored.npz"))?;
    let mut compressed = npz::Writer::create_compressed(dir.join("compressed.npz"))?;
    let mut stored_members = Vec::new();
    let mut compressed_members = Vec::new();
    let mut err = None;
    for_each_view(|name, view| {
        if err.is_some() {
            return;
        }
        let file = format!("{name}.npy").replace('/', "_");
        let path = dir.join(&file);
        let result = (|| -> Result<(), Box<dyn std::error::Error>> {
            npy::save(view, &path)?;
            let bytes = std::fs::read(&path)?;
            entries.push(format!(
                "{{\"file\": {}, \"array\": {}}}",
                json_str(&file),
                entry(name, &bytes, view)
            ));
            if count % 3 == 0 {
                let member = stored.add_positional(view)?;
                stored_members.push(entry(&member, &bytes, view));
            } else if count % 3 == 1 {
                compressed.add(name, view)?;
                compressed_members.push(entry(name, &bytes, view));
            }
            Ok(())
        })();
        match result {
            Ok(()) => count += 1,
            Err(e) => err = Some(format!("{name}: {e}")),
        }
    });
    if let Some(e) = err {
        return Err(e.into());
    }
    stored.finish()?;
    compressed.finish()?;
    entries.push(format!(
        "{{\"file\": \"stored.npz\", \"members\": [{}]}}",
        stored_members.join(", ")
    ));
    entries.push(format!(
        "{{\"file\": \"compressed.npz\", \"members\": [{}]}}",
        compressed_members.join(", ")
    ));
    std::fs::write(
        dir.join("manifest.json"),
        format!("[\n{}\n]\n", entries.join(",\n")),
    )?;
    Ok(count)
}
