//! PIL-style (suboffset) views against CPython: each case of `tests/fixtures/suboffsets/pil.tsv`
//! (written by `scripts/gen_suboffset_fixtures.py` from `_testbuffer.ndarray(..., flags=ND_PIL)`)
//! is rebuilt in Rust-owned memory — the same pointer table, the same pointed-to bytes at the
//! same relative offsets — and every value, byte string, selection, request answer and
//! assignment is compared with what CPython read. Runs under Miri too
//! (`MIRIFLAGS=-Zmiri-disable-isolation cargo +nightly miri test --test suboffsets`).

#[path = "fixtures/reader.rs"]
mod reader;

use std::mem::size_of;
use std::ptr;

use memview::{BufferFlags, MemoryView, MemoryViewMut, Order, Value};
use reader::{hex, read, to_hex, Record};

const PTR: usize = size_of::<*const u8>();

fn list<T: std::str::FromStr>(s: &str) -> Vec<T>
where
    T::Err: std::fmt::Debug,
{
    if s.is_empty() {
        return Vec::new();
    }
    s.split(',').map(|x| x.trim().parse().unwrap()).collect()
}

/// The case's layout in Rust memory: the pointed-to bytes, and a pointer table whose slot for
/// row `i` sits at `offset + i * strides[0]` and points at `data + table[i]`.
struct Pil {
    data: Vec<u8>,
    table: Vec<u8>,
    offset: usize,
    fmt: String,
    shape: Vec<usize>,
    strides: Vec<isize>,
    suboffsets: Vec<isize>,
}

impl Pil {
    fn new(r: &Record) -> Pil {
        let shape: Vec<usize> = list(r.req("shape"));
        let strides: Vec<isize> = list(r.req("strides"));
        let rel: Vec<usize> = list(r.req("table"));
        let mut pil = Pil {
            data: hex(r.req("data")),
            table: vec![0; shape[0] * PTR],
            offset: if strides[0] < 0 {
                (shape[0] - 1) * PTR
            } else {
                0
            },
            fmt: r.req("fmt").to_string(),
            suboffsets: list(r.req("suboffsets")),
            shape,
            strides,
        };
        pil.point_rows(&rel);
        pil
    }

    /// Write the row pointers (derived from a unique borrow of `data`, so they may write).
    fn point_rows(&mut self, rel: &[usize]) {
        let base = self.data.as_mut_ptr();
        for (i, &off) in rel.iter().enumerate() {
            let slot = (self.offset as isize + i as isize * self.strides[0]) as usize;
            assert!(slot + PTR <= self.table.len() && off <= self.data.len());
            // SAFETY: `slot .. slot + PTR` is inside `table` (asserted); the stored pointer
            // keeps `data`'s provenance.
            unsafe {
                ptr::write_unaligned(
                    self.table.as_mut_ptr().add(slot) as *mut *const u8,
                    base.wrapping_add(off),
                )
            };
        }
    }

    fn view(&self) -> MemoryView<'_> {
        // SAFETY: the table points into `self.data` at the offsets CPython's own layout used,
        // so every element CPython read is inside `data`; `data` is borrowed with `self`.
        unsafe {
            MemoryView::from_parts_indirect(
                &self.table,
                &self.fmt,
                &self.shape,
                &self.strides,
                &self.suboffsets,
                self.offset,
            )
        }
        .unwrap()
    }

    fn view_mut(&mut self) -> MemoryViewMut<'_> {
        let format = memview::format::Format::parse(&self.fmt).unwrap();
        // SAFETY: as in `view`; the pointers were derived from `data.as_mut_ptr()`, `data` is
        // outside `table`, and `&mut self` makes this the only access to both.
        unsafe {
            MemoryViewMut::from_format_indirect(
                &mut self.table,
                format,
                None,
                &self.shape,
                &self.strides,
                &self.suboffsets,
                self.offset,
            )
        }
        .unwrap()
    }
}

fn records() -> Vec<Record> {
    read("suboffsets/pil.tsv")
}

fn cases(all: &[Record]) -> Vec<(usize, &Record)> {
    all.iter()
        .filter(|r| r.kind == "case")
        .map(|r| (r.num::<usize>("id").unwrap(), r))
        .collect()
}

/// Parse a flat Python list repr of ints or floats.
fn values(repr: &str) -> Vec<Value> {
    let inner = repr.trim_start_matches('[').trim_end_matches(']');
    inner
        .split(", ")
        .filter(|s| !s.is_empty())
        .map(|s| match s.parse::<i64>() {
            Ok(i) => Value::Int(i.into()),
            Err(_) => Value::Float(s.parse().unwrap()),
        })
        .collect()
}

#[test]
fn values_bytes_and_items_match_cpython() {
    let all = records();
    for (_, r) in cases(&all) {
        let pil = Pil::new(r);
        let m = pil.view();
        assert!(m.is_indirect(), "{}", r.loc);
        assert_eq!(m.itemsize(), r.num::<usize>("itemsize").unwrap());
        assert_eq!(
            m.to_list().unwrap().to_string(),
            r.req("tolist"),
            "{}",
            r.loc
        );
        assert_eq!(to_hex(&m.to_bytes(Order::C)), r.req("c"), "{}", r.loc);
        assert_eq!(to_hex(&m.to_bytes(Order::F)), r.req("f"), "{}", r.loc);
        assert_eq!(to_hex(&m.to_bytes(Order::A)), r.req("a"), "{}", r.loc);
        assert_eq!(r.req("contig"), "00");
        assert!(!m.is_c_contiguous() && !m.is_f_contiguous());
        assert_eq!(m.suboffsets().unwrap().unwrap(), pil.suboffsets);
        for item in r.req("items").split(';') {
            let (idx, repr) = item.split_once(':').unwrap();
            let idx: Vec<isize> = list(idx);
            assert_eq!(m.get(&idx).unwrap().to_string(), repr, "{} {idx:?}", r.loc);
        }
        // Equality with a direct copy of the same values, and with a different one.
        let copy = m.to_bytes(Order::C);
        let direct = MemoryView::from_parts(&copy, &pil.fmt, &pil.shape, None, 0).unwrap();
        assert!(m == direct, "{}", r.loc);
        assert!(direct == m, "{}", r.loc);
        assert!(m.to_readonly() == m);
        if pil.shape[0] > 1 {
            assert!(m.select("::-1").unwrap() != direct, "{}", r.loc);
        }
    }
}

#[test]
fn selections_adjust_the_suboffsets_like_cpython() {
    let all = records();
    let cases = cases(&all);
    let mut n = 0;
    for s in all.iter().filter(|r| r.kind == "slice") {
        let case = cases[s.num::<usize>("case").unwrap()].1;
        let pil = Pil::new(case);
        let m = pil.view();
        let v = m.select(s.req("key")).unwrap();
        let loc = format!("{} [{}]", s.loc, s.req("key"));
        assert_eq!(v.shape(), &list::<usize>(s.req("shape"))[..], "{loc}");
        assert_eq!(v.strides(), &list::<isize>(s.req("strides"))[..], "{loc}");
        assert_eq!(
            v.suboffsets().unwrap().unwrap(),
            list::<isize>(s.req("suboffsets")),
            "{loc}"
        );
        assert_eq!(v.to_list().unwrap().to_string(), s.req("tolist"), "{loc}");
        assert_eq!(to_hex(&v.to_bytes(Order::C)), s.req("c"), "{loc}");
        n += 1;
    }
    assert!(n >= 50, "{n} slice records");
}

#[test]
fn requests_answer_like_the_memoryview_exporter() {
    let all = records();
    let cases = cases(&all);
    for q in all.iter().filter(|r| r.kind == "req") {
        let pil = Pil::new(cases[q.num::<usize>("case").unwrap()].1);
        let m = pil.view();
        let flags = BufferFlags::from_bits(q.num("flags").unwrap());
        let got = match m.request(flags) {
            Ok(info) => {
                assert_eq!(info.suboffsets.as_deref(), Some(&pil.suboffsets[..]));
                "ok".to_string()
            }
            Err(e) => e.to_string(),
        };
        assert_eq!(got, q.req("result"), "{} {flags:?}", q.loc);
    }
}

#[test]
fn assignment_writes_through_the_pointers_like_cpython() {
    let all = records();
    let cases = cases(&all);
    for a in all.iter().filter(|r| r.kind == "assign") {
        let mut pil = Pil::new(cases[a.num::<usize>("case").unwrap()].1);
        let shape: Vec<usize> = list(a.req("src_shape"));
        let vals = values(a.req("src_values"));
        let fmt = format!("{}{}", vals.len(), pil.fmt);
        let src_bytes = memview::pack(&fmt, &vals).unwrap();
        let src = MemoryView::from_parts(&src_bytes, &pil.fmt, &shape, None, 0).unwrap();
        let mut m = pil.view_mut();
        m.assign(a.req("key"), &src).unwrap();
        assert_eq!(
            m.to_list().unwrap().to_string(),
            a.req("tolist"),
            "{}",
            a.loc
        );
    }
}

/// Beyond CPython: every selection (integers on any axis, negative steps, new axes), transposes
/// and permutations of a PIL view read the same values as the same operation on a direct copy.
#[test]
fn beyond_cpython_matches_a_direct_copy() {
    let all = records();
    for (_, r) in cases(&all) {
        let pil = Pil::new(r);
        let m = pil.view();
        let copy = m.to_bytes(Order::C);
        let d = MemoryView::from_parts(&copy, &pil.fmt, &pil.shape, None, 0).unwrap();
        let keys: &[&str] = match pil.shape.len() {
            1 => &["0", "-1", "None, ::-1", "...", "1::2, None"],
            2 => &[
                "0",
                "-1",
                ":, 0",
                ":, -1",
                "1, -2",
                "::-1, 1",
                "None, ::2, ::-1",
                "..., 1",
            ],
            _ => &[
                "0",
                ":, 1",
                ":, :, 0",
                "1, ::-1",
                "-1, 0, ::-1",
                "..., 1, None",
                "::-1, 2, 1",
            ],
        };
        for k in keys {
            let (a, b) = (m.select(k).unwrap(), d.select(k).unwrap());
            assert_eq!(
                a.to_list().unwrap(),
                b.to_list().unwrap(),
                "{} [{k}]",
                r.loc
            );
            assert_eq!(
                a.to_bytes(Order::F),
                b.to_bytes(Order::F),
                "{} [{k}]",
                r.loc
            );
            assert!(a == b);
        }
        assert_eq!(
            m.transpose().to_list().unwrap(),
            d.transpose().to_list().unwrap()
        );
        let ndim = pil.shape.len();
        let rot: Vec<usize> = (0..ndim).map(|k| (k + 1) % ndim).collect();
        assert_eq!(
            m.permute_axes(&rot).unwrap().to_bytes(Order::C),
            d.permute_axes(&rot).unwrap().to_bytes(Order::C)
        );
        assert!(m.cast("B", None).is_err());
    }
}

/// Typed access and ndarray conversion read elements at `offset + Σ i·stride` of the buffer;
/// for an indirect view that is the pointer table, so each of them must refuse (and the
/// copying paths in `view` give the values).
#[test]
fn typed_and_ndarray_paths_refuse_indirect_views() {
    let all = records();
    let (_, r) = cases(&all)
        .into_iter()
        .find(|(_, r)| {
            let f = r.req("fmt");
            f == "B" || f == "@B"
        })
        .expect("a PIL case with format 'B'");
    let mut pil = Pil::new(r);
    let m = pil.view();
    let msg = "memoryview: underlying buffer requires suboffsets";
    assert_eq!(m.typed::<u8>().unwrap_err().to_string(), msg);
    assert_eq!(m.as_array::<u8>().unwrap_err().to_string(), msg);
    assert_eq!(m.to_array::<u8>().unwrap_err().to_string(), msg);
    assert!(m.field("x").is_err());
    let mut w = pil.view_mut();
    assert_eq!(w.typed_mut::<u8>().unwrap_err().to_string(), msg);
    assert_eq!(w.as_array_mut::<u8>().unwrap_err().to_string(), msg);
}
