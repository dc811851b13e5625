//! Views against CPython's `memoryview` (over `_testbuffer.ndarray`) and NumPy basic indexing.
//!
//! Fixture: `tests/fixtures/views.tsv`, written by `python3 scripts/gen_fixtures.py`; its header
//! documents every record kind and key. Values print as Python's `repr`, so `to_list()` is
//! compared as text with `repr(tolist())`.
//!
//! Where memview goes beyond CPython the fixture says what to expect instead of CPython's
//! refusal (DESIGN.md §1):
//! * `tolist` of struct formats (`'ii'`, `'<h'`, `'3s'`): `tolist_src=struct`, each element as
//!   `struct.unpack` gives it (CPython raises NotImplementedError);
//! * casts between two non-byte formats, N-D -> N-D, to non-native formats and of empty views:
//!   the `ours_*` keys;
//! * multi-dimensional selections: NumPy's answer (`src=numpy`);
//! * strides that are not multiples of the itemsize: `build` records with `ours=ok`, and
//!   `src=numpy` views.

#[path = "fixtures/reader.rs"]
mod reader;

use std::collections::HashMap;

use memview::format::{Dialect, Format};
use memview::{BufferFlags, MemoryView, MemoryViewMut, Order};
use reader::{guarded, hex, to_hex, Failures, Record};

/// The `REQUEST_FLAGS` order of the generator (views.tsv header).
const FLAGS: [u32; 22] = [
    0x0, 0x1, 0x4, 0x8, 0x18, 0x38, 0x58, 0x98, 0x118, 0x9, 0x8, 0x19, 0x18, 0x1D, 0x1C, 0x11D,
    0x11C, 0xC, 0x1C, 0x3C, 0x5C, 0x9C,
];

fn ints<T: std::str::FromStr>(s: &str) -> Vec<T> {
    if s.is_empty() {
        return Vec::new();
    }
    s.split(',')
        .map(|x| {
            x.parse()
                .unwrap_or_else(|_| panic!("bad integer {x:?} in list {s:?}"))
        })
        .collect()
}

fn list<T: ToString>(xs: &[T]) -> String {
    xs.iter().map(T::to_string).collect::<Vec<_>>().join(",")
}

/// The geometry of one `view` record.
struct Spec {
    fmt: String,
    /// NumPy's exports (`dialect=numpy`) are read in the NumPy dialect with their itemsize.
    numpy: Option<usize>,
    buf: Vec<u8>,
    shape: Vec<usize>,
    strides: Vec<isize>,
    offset: usize,
}

impl Spec {
    fn new(r: &Record) -> Spec {
        Spec {
            fmt: r.req("fmt").to_string(),
            numpy: (r.get("dialect") == Some("numpy")).then(|| r.num("itemsize").unwrap()),
            buf: hex(r.req("buf")),
            shape: ints(r.req("shape")),
            strides: ints(r.req("strides")),
            offset: r.num("offset").unwrap(),
        }
    }

    fn try_view(&self) -> Result<MemoryView<'_>, memview::ViewError> {
        match self.numpy {
            None => MemoryView::from_parts(
                &self.buf,
                &self.fmt,
                &self.shape,
                Some(&self.strides),
                self.offset,
            ),
            Some(itemsize) => MemoryView::from_format(
                &self.buf,
                Format::parse_with(&self.fmt, Dialect::NumPy)?,
                Some(itemsize),
                &self.shape,
                Some(&self.strides),
                self.offset,
            ),
        }
    }

    fn view(&self) -> MemoryView<'_> {
        self.try_view()
            .unwrap_or_else(|e| panic!("view of {:?}: {e}", self.fmt))
    }
}

/// `ok:<ndim>:<shape>:<strides>:<format>:<itemsize>:<readonly>` or `E:<message>`.
fn request_text(r: Result<memview::BufferInfo, memview::ViewError>) -> String {
    match r {
        Ok(info) => {
            let dash = |s: String| if s.is_empty() { "-".to_string() } else { s };
            format!(
                "ok:{}:{}:{}:{}:{}:{}",
                info.ndim,
                dash(info.shape.as_deref().map(list).unwrap_or_default()),
                dash(info.strides.as_deref().map(list).unwrap_or_default()),
                info.format.as_deref().unwrap_or("-"),
                info.itemsize,
                u8::from(info.readonly)
            )
        }
        Err(e) => format!("E:{e}"),
    }
}

fn check_view(r: &Record, spec: &Spec, fails: &mut Failures) {
    let loc = format!("{} view {} {:?}", r.loc, r.req("id"), spec.fmt);
    let v = match spec.try_view() {
        Ok(v) => v,
        Err(e) => return fails.fail(format!("{loc}: from_parts failed: {e}")),
    };
    match v.to_list() {
        Ok(l) => {
            let got = l.to_string();
            let want = r.req("tolist");
            fails.expect(got == want, || {
                format!("{loc}: to_list\n      ours   {got}\n      python {want}")
            });
        }
        Err(e) => fails.fail(format!("{loc}: to_list failed: {e}")),
    }
    let c = r.req("c");
    for (order, key) in [(Order::C, "c"), (Order::F, "f"), (Order::A, "a")] {
        let want = r.get(key).unwrap_or(c);
        let got = to_hex(&v.to_bytes(order));
        fails.expect(got == want, || {
            format!("{loc}: to_bytes({order:?}) = {got}, expected {want}")
        });
    }
    let contig = r.req("contig");
    fails.expect(v.is_c_contiguous() == contig.contains('C'), || {
        format!(
            "{loc}: is_c_contiguous {} (PyBuffer_IsContiguous: {contig})",
            v.is_c_contiguous()
        )
    });
    fails.expect(v.is_f_contiguous() == contig.contains('F'), || {
        format!(
            "{loc}: is_f_contiguous {} (PyBuffer_IsContiguous: {contig})",
            v.is_f_contiguous()
        )
    });
    if let Some(bps) = r.num::<isize>("hex_bps") {
        let sep = r.req("hex_sep").chars().next();
        let got = v.hex(sep, bps);
        match (r.get("hex"), r.get("hex_err")) {
            (Some(want), _) => fails.expect(got.as_deref() == Ok(want), || {
                format!("{loc}: hex({sep:?}, {bps}) = {got:?}, expected {want:?}")
            }),
            (None, Some(err)) => {
                let msg = err.split_once(": ").map_or(err, |(_, m)| m);
                fails.expect(
                    got.as_ref()
                        .is_err_and(|e| e.to_string().contains(msg.trim_end_matches('.'))),
                    || format!("{loc}: hex({sep:?}, {bps}) = {got:?}, expected error {err:?}"),
                )
            }
            _ => {}
        }
    }
    if let Some(eq) = r.get("eq_self") {
        // `m == m` is False in Python when an element is NaN: compare two separate views.
        let same = spec.view() == v;
        fails.expect(same == (eq == "True"), || {
            format!("{loc}: view == view is {same}, CPython says {eq}")
        });
    }
    if let Some(req) = r.get("req") {
        for (flags, want) in FLAGS.iter().zip(req.split(';')) {
            let got = request_text(v.request(BufferFlags::from_bits(*flags)));
            fails.expect(got == want, || {
                format!("{loc}: request({flags:#x})\n      ours    {got}\n      cpython {want}")
            });
        }
    }
    if let Some(req) = r.get("req_rw") {
        let mut buf = spec.buf.clone();
        let m = MemoryViewMut::from_parts(
            &mut buf,
            &spec.fmt,
            &spec.shape,
            Some(&spec.strides),
            spec.offset,
        )
        .unwrap();
        let writable = FLAGS.iter().filter(|f| *f & 1 != 0);
        for (flags, want) in writable.zip(req.split(';')) {
            let got = request_text(m.request(BufferFlags::from_bits(*flags)));
            fails.expect(got == want, || {
                format!(
                    "{loc}: writable request({flags:#x})\n      ours    {got}\n      cpython {want}"
                )
            });
        }
    }
}

fn check_select(r: &Record, spec: &Spec, fails: &mut Failures) {
    let sel = r.req("sel");
    let loc = format!(
        "{} select {:?} on {:?} shape {:?} strides {:?} ({})",
        r.loc,
        sel,
        spec.fmt,
        spec.shape,
        spec.strides,
        r.req("src")
    );
    let v = spec.view();
    let got = v.select(sel);
    let Some(want_shape) = r.get("shape") else {
        return fails.expect(got.is_err(), || {
            format!(
                "{loc}: expected an error ({}), got shape {:?}",
                r.req("err"),
                got.as_ref().map(|s| s.shape().to_vec())
            )
        });
    };
    let s = match got {
        Ok(s) => s,
        Err(e) => return fails.fail(format!("{loc}: {e}")),
    };
    let shape = list(s.shape());
    let strides = list(s.strides());
    let want_strides = r.req("strides");
    // Deliberate: an empty slice multiplies the stride by the step, as CPython does
    // (`b"abc"[1:1:-1]` has stride -1, see the view module docs); NumPy leaves such strides
    // unscaled, so against NumPy the strides of zero-length axes are not compared.
    let strides_ok = if r.req("src") == "numpy" {
        let want: Vec<isize> = ints(want_strides);
        want.len() == s.ndim()
            && (0..s.ndim()).all(|k| s.shape()[k] == 0 || s.strides()[k] == want[k])
    } else {
        strides == want_strides
    };
    fails.expect(shape == want_shape && strides_ok, || {
        format!(
            "{loc}: shape/strides ({shape})/({strides}), expected ({want_shape})/({want_strides})"
        )
    });
    let c = to_hex(&s.to_bytes(Order::C));
    fails.expect(c == r.req("c"), || {
        format!("{loc}: to_bytes {c}, expected {}", r.req("c"))
    });
    match s.to_list() {
        Ok(l) => fails.expect(l.to_string() == r.req("tolist"), || {
            format!("{loc}: to_list {l}, expected {}", r.req("tolist"))
        }),
        Err(e) => fails.fail(format!("{loc}: to_list: {e}")),
    }
}

fn check_get(r: &Record, spec: &Spec, fails: &mut Failures) {
    let index: Vec<isize> = ints(r.req("index"));
    let loc = format!(
        "{} get {index:?} on {:?} shape {:?}",
        r.loc, spec.fmt, spec.shape
    );
    let got = spec.view().get(&index);
    match r.get("ok") {
        Some(want) => fails.expect(got.as_ref().is_ok_and(|x| x.to_string() == want), || {
            format!("{loc}: {got:?}, expected {want}")
        }),
        None => fails.expect(got.is_err(), || {
            format!("{loc}: {got:?}, expected an error ({})", r.req("err"))
        }),
    }
}

fn check_cast(r: &Record, spec: &Spec, fails: &mut Failures) {
    let fmt = r.req("fmt");
    let cshape: Option<Vec<usize>> = match r.req("cshape") {
        "none" => None,
        s => Some(ints(s)),
    };
    let loc = format!(
        "{} cast({fmt:?}, {cshape:?}) of {:?} shape {:?} strides {:?}",
        r.loc, spec.fmt, spec.shape, spec.strides
    );
    let v = spec.view();
    let got = v.cast(fmt, cshape.as_deref());
    // What we must do: CPython's answer, or ours where we lift a CPython restriction.
    let (ok, shape, strides, tolist) = match r.get("ours") {
        Some(ours) => (
            ours == "ok",
            r.get("ours_shape"),
            r.get("ours_strides"),
            r.get("ours_tolist"),
        ),
        None => (
            r.get("err").is_none(),
            r.get("shape"),
            r.get("strides"),
            r.get("tolist"),
        ),
    };
    let c = match (ok, got) {
        (true, Ok(c)) => c,
        (true, Err(e)) => return fails.fail(format!("{loc}: {e}")),
        (false, Ok(c)) => {
            return fails.fail(format!(
                "{loc}: expected an error ({}), got shape {:?}",
                r.req("err"),
                c.shape()
            ))
        }
        (false, Err(e)) => {
            // CPython's message is part of ours where CPython refuses the same cast.
            let err = r.req("err");
            let msg = err.split_once(": ").map_or(err, |(_, m)| m);
            return fails.expect(
                r.get("ours").is_some() || e.to_string().contains(msg),
                || format!("{loc}: error {e:?} does not contain CPython's {msg:?}"),
            );
        }
    };
    let (shape, strides, tolist) = (shape.unwrap(), strides.unwrap(), tolist.unwrap());
    fails.expect(
        list(c.shape()) == shape && list(c.strides()) == strides,
        || {
            format!(
                "{loc}: shape/strides ({})/({}), expected ({shape})/({strides})",
                list(c.shape()),
                list(c.strides())
            )
        },
    );
    if let Some(f) = r.get("format") {
        fails.expect(c.format().as_str() == f, || {
            format!("{loc}: format {:?}, expected {f:?}", c.format().as_str())
        });
    }
    match c.to_list() {
        Ok(l) => fails.expect(l.to_string() == tolist, || {
            format!("{loc}: to_list {l}, expected {tolist}")
        }),
        Err(e) => fails.fail(format!("{loc}: to_list: {e}")),
    }
}

/// A writable copy of the view's buffer.
fn writable<'b>(spec: &Spec, buf: &'b mut [u8]) -> MemoryViewMut<'b> {
    MemoryViewMut::from_parts(
        buf,
        &spec.fmt,
        &spec.shape,
        Some(&spec.strides),
        spec.offset,
    )
    .unwrap_or_else(|e| panic!("writable view of {:?}: {e}", spec.fmt))
}

/// `ok` (or, for a deviation, the error memview must give) against what happened.
fn check_write(
    r: &Record,
    loc: &str,
    got: Result<String, memview::ViewError>,
    fails: &mut Failures,
) {
    if let Some(note) = r.get("note") {
        // Deliberate: CPython <= 3.13 stores inf for a finite value that overflows 'f'.
        assert!(
            note.starts_with("deviation: CPython <= 3.13 stores inf"),
            "{loc}: {note}"
        );
        return fails.expect(
            got.as_ref()
                .is_err_and(|e| e.to_string().contains("invalid value for format")),
            || format!("{loc}: {got:?}, expected an overflow error ({note})"),
        );
    }
    match (r.get("ok"), r.get("err")) {
        (Some(want), _) => fails.expect(got.as_deref() == Ok(want), || {
            format!("{loc}: {got:?}, expected {want}")
        }),
        (None, Some(err)) => {
            // CPython's message ("memoryview: invalid type for format 'B'") is part of ours.
            let msg = err.split_once(": ").map_or(err, |(_, m)| m);
            fails.expect(
                got.as_ref().is_err_and(|e| e.to_string().contains(msg)),
                || format!("{loc}: {got:?}, expected an error containing {msg:?}"),
            )
        }
        _ => panic!("{loc}: needs ok or err"),
    }
}

fn check_set(r: &Record, spec: &Spec, fails: &mut Failures) {
    let index: Vec<isize> = ints(r.req("index"));
    let value = reader::args(r.req("args")).remove(0);
    let loc = format!(
        "{} set {index:?} = {value} on {:?} shape {:?}",
        r.loc, spec.fmt, spec.shape
    );
    let mut buf = spec.buf.clone();
    let mut w = writable(spec, &mut buf);
    let got = w
        .set(&index, value)
        .and_then(|()| w.to_list())
        .map(|l| l.to_string());
    check_write(r, &loc, got, fails);
}

fn check_assign(r: &Record, spec: &Spec, fails: &mut Failures) {
    let sel = r.req("sel");
    let src_buf = hex(r.req("src"));
    let loc = format!(
        "{} assign {sel:?} on {:?} shape {:?} strides {:?}",
        r.loc, spec.fmt, spec.shape, spec.strides
    );
    let n = src_buf.len() / Format::parse(&spec.fmt).unwrap().itemsize();
    let src = MemoryView::from_parts(&src_buf, &spec.fmt, &[n], None, 0).unwrap();
    let mut buf = spec.buf.clone();
    let mut w = writable(spec, &mut buf);
    let got = w
        .assign(sel, &src)
        .and_then(|()| w.to_list())
        .map(|l| l.to_string());
    check_write(r, &loc, got, fails);
}

fn check_build(r: &Record, fails: &mut Failures) {
    let fmt = r.req("fmt");
    let buf = vec![0u8; r.num("buflen").unwrap()];
    let shape: Vec<usize> = ints(r.req("shape"));
    let strides: Vec<isize> = ints(r.req("strides"));
    let offset: usize = r.num("offset").unwrap();
    let got = MemoryView::from_parts(&buf, fmt, &shape, Some(&strides), offset);
    let want_ok = r.req("ours") == "ok";
    fails.expect(got.is_ok() == want_ok, || {
        format!(
            "{} from_parts({fmt:?}, len {}, shape {shape:?}, strides {strides:?}, offset {offset}): \
             {:?}, expected {} (CPython: {})",
            r.loc,
            buf.len(),
            got.as_ref().err(),
            if want_ok { "a view" } else { "an error" },
            r.req("err")
        )
    });
}

#[test]
fn views_agree_with_memoryview_and_numpy() {
    let records = reader::read("views.tsv");
    let mut specs: HashMap<String, Spec> = HashMap::new();
    let mut fails = Failures::default();
    for r in &records {
        if r.kind == "view" {
            let spec = Spec::new(r);
            check_view(r, &spec, &mut fails);
            specs.insert(r.req("id").to_string(), spec);
        }
    }
    for r in &records {
        let spec = r.get("id").and_then(|id| specs.get(id));
        let res = guarded(std::panic::AssertUnwindSafe(|| {
            let mut f = Failures::default();
            match (r.kind.as_str(), spec) {
                ("view", _) => {}
                ("select", Some(s)) => check_select(r, s, &mut f),
                ("get", Some(s)) => check_get(r, s, &mut f),
                ("cast", Some(s)) => check_cast(r, s, &mut f),
                ("set", Some(s)) => check_set(r, s, &mut f),
                ("assign", Some(s)) => check_assign(r, s, &mut f),
                ("eq", Some(a)) => {
                    let b = &specs[r.req("other")];
                    let want = r.req("result") == "True";
                    let got = a.view() == b.view();
                    f.expect(got == want, || {
                        format!(
                            "{} {:?} {:?} == {:?} {:?}: {got}, CPython says {want}",
                            r.loc, a.fmt, a.shape, b.fmt, b.shape
                        )
                    });
                }
                ("build", _) => check_build(r, &mut f),
                (k, _) => panic!("{}: unknown record kind {k} or id", r.loc),
            }
            f
        }));
        match res {
            Ok(f) => fails.absorb(f),
            Err(p) => fails.fail(format!("{} {}: {p}", r.loc, r.kind)),
        }
    }
    fails.finish("views.tsv");
}
