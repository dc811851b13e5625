//! The fuzz harness: one function per fuzz target, each taking the raw fuzzer input.
//!
//! This file is shared. The cargo-fuzz targets in `fuzz/fuzz_targets/` call these functions,
//! and `tests/fuzz_regressions.rs` in the main crate includes this file with `#[path]` and
//! replays the committed inputs in `tests/fuzz_regressions/<target>/` through the same
//! functions, so a crash found by the fuzzer stays a plain `cargo test` failure once it is
//! committed. That is why the input is decoded by the small [`Reader`] below rather than by
//! `arbitrary`: the main crate needs no extra dependency, and an input's meaning does not change
//! with a dependency's version.
//!
//! Every target asserts properties, not only "no panic": a view that was accepted reaches only
//! bytes inside its buffer (checked against a naive model of `offset + Σ i·stride`),
//! `to_bytes` has `nbytes` bytes and equals the model's bytes, casts keep the bytes, printed
//! formats parse back to equal trees, and so on. Work is capped (elements, bytes) so that a
//! valid but enormous broadcast view does not turn into an out-of-memory abort.

#![allow(dead_code)]

use memview::format::{Dialect, Endian, Format, ScalarKind};
use memview::{BufferFlags, MemoryView, MemoryViewMut, Order, SliceArg, Value};

/// Largest number of elements the harness walks with the naive model.
const MAX_ELEMENTS: usize = 4096;
/// Largest `nbytes` the harness copies out with `to_bytes`/`to_list`.
const MAX_BYTES: usize = 1 << 16;

/// Reads fuzzer bytes as a stream of choices; past the end every read gives zero.
pub struct Reader<'d> {
    data: &'d [u8],
}

impl<'d> Reader<'d> {
    /// A reader over `data`.
    pub fn new(data: &'d [u8]) -> Reader<'d> {
        Reader { data }
    }

    /// Whether all bytes were used.
    pub fn is_empty(&self) -> bool {
        self.data.is_empty()
    }

    /// One byte (0 at the end).
    pub fn byte(&mut self) -> u8 {
        match self.data.split_first() {
            Some((&b, rest)) => {
                self.data = rest;
                b
            }
            None => 0,
        }
    }

    /// Up to `n` bytes.
    pub fn bytes(&mut self, n: usize) -> &'d [u8] {
        let n = n.min(self.data.len());
        let (head, rest) = self.data.split_at(n);
        self.data = rest;
        head
    }

    /// A little-endian integer of `n <= 8` bytes.
    pub fn uint(&mut self, n: usize) -> u64 {
        self.bytes(n)
            .iter()
            .rev()
            .fold(0u64, |acc, &b| (acc << 8) | u64::from(b))
    }

    /// A size: usually small, sometimes an extreme value.
    pub fn size(&mut self) -> usize {
        let tag = self.byte();
        match tag % 16 {
            0..=9 => usize::from(tag / 16),
            10 => usize::from(self.byte()),
            11 => self.uint(2) as usize,
            12 => self.uint(8) as usize,
            13 => [
                usize::MAX,
                isize::MAX as usize,
                (isize::MAX as usize) + 1,
                1 << 32,
                (1 << 32) + 1,
                1 << 62,
                1 << 63,
                3 << 61,
                usize::MAX / 2 + 2,
                usize::MAX - 1,
                65,
                64,
                255,
                256,
                1 << 31,
                (1 << 31) - 1,
            ][usize::from(tag / 16)],
            _ => 1,
        }
    }

    /// A byte stride: usually small (either sign), sometimes an extreme value.
    pub fn stride(&mut self) -> isize {
        let tag = self.byte();
        let small = isize::from(tag / 16);
        match tag % 16 {
            0..=5 => small,
            6..=8 => -small,
            9 => isize::from(self.byte() as i8),
            10 => self.uint(2) as u16 as i16 as isize,
            11 => self.uint(8) as i64 as isize,
            12 => [
                isize::MIN,
                isize::MAX,
                isize::MIN + 1,
                isize::MAX - 1,
                1 << 32,
                -(1 << 32),
                1 << 62,
                -(1 << 62),
                isize::MAX / 2 + 1,
                isize::MIN / 2,
                i32::MAX as isize,
                i32::MIN as isize,
                0,
                -1,
                256,
                -256,
            ][usize::from(tag / 16)],
            _ => small * 4,
        }
    }

    /// A short string: raw bytes, lossily decoded.
    pub fn text(&mut self) -> String {
        let n = usize::from(self.byte() % 32);
        String::from_utf8_lossy(self.bytes(n)).into_owned()
    }
}

/// Formats the view target picks from (plus arbitrary text).
pub const FORMATS: &[&str] = &[
    "B",
    "b",
    "c",
    "?",
    "h",
    "<h",
    ">H",
    "i",
    "<i",
    ">i",
    "=I",
    "l",
    "q",
    ">q",
    "Q",
    "n",
    "N",
    "e",
    ">e",
    "f",
    "<f",
    ">f",
    "d",
    ">d",
    "=d",
    "g",
    "Zf",
    ">Zd",
    "s",
    "3s",
    "p",
    "3p",
    "u",
    "2w",
    "P",
    "O",
    "&i",
    "X{}",
    "ii",
    "<hd?",
    "bi",
    "T{i:a:d:b:}",
    "T{<b:x:>h:y:}",
    "(2)h",
    "(2,3)B",
    "T{(2)i:v:}",
    "x",
    "3x",
    "0i",
    "",
    "ix",
    "T{}",
    "2c",
    "T{i:a:}(2)h:b:",
    "^qc",
    "?",
    "<?",
    "@i",
    "bq",
    // Records (`Rec` below): its own layout, big-endian and packed, other sizes and kinds.
    "T{H:a:?:flag:x(2)f:b:}",
    ">H:a:?:flag:(2)f:b:",
    "H?2f",
    "<B:a:?:flag:(2)e:b:",
    "=i?2d",
];

/// Arbitrary format text or one from [`FORMATS`].
fn pick_format(r: &mut Reader<'_>) -> String {
    let b = r.byte();
    if usize::from(b) < FORMATS.len() * 4 {
        FORMATS[usize::from(b) % FORMATS.len()].to_string()
    } else {
        r.text()
    }
}

/// One selection item.
fn slice_arg(r: &mut Reader<'_>) -> SliceArg {
    let opt = |r: &mut Reader<'_>| {
        if r.byte().is_multiple_of(3) {
            None
        } else {
            Some(r.stride())
        }
    };
    match r.byte() % 8 {
        0 | 1 => SliceArg::Index(r.stride()),
        2 => SliceArg::Ellipsis,
        3 => SliceArg::NewAxis,
        _ => SliceArg::Slice {
            start: opt(r),
            stop: opt(r),
            step: opt(r),
        },
    }
}

fn slice_args(r: &mut Reader<'_>) -> Vec<SliceArg> {
    let n = usize::from(r.byte() % 8);
    (0..n).map(|_| slice_arg(r)).collect()
}

fn index(r: &mut Reader<'_>, ndim: usize) -> Vec<isize> {
    let n = if r.byte().is_multiple_of(8) {
        ndim + 1
    } else {
        ndim
    };
    (0..n)
        .map(|_| {
            if r.byte().is_multiple_of(4) {
                r.stride()
            } else {
                isize::from(r.byte() % 8) - 2
            }
        })
        .collect()
}

fn value(r: &mut Reader<'_>) -> Value {
    match r.byte() % 10 {
        0 => Value::Int(i128::from(r.uint(8) as i64)),
        1 => Value::Int(i128::from(r.byte()) - 1),
        2 => Value::Float(f64::from_bits(r.uint(8))),
        3 => Value::Float(f64::from(r.byte()) / 4.0),
        4 => Value::Bool(r.byte() & 1 == 1),
        5 => Value::Bytes(r.bytes(4).to_vec()),
        6 => Value::Str(r.text()),
        7 => Value::Float(f64::NAN),
        8 => Value::Tuple(vec![Value::Int(1), Value::Float(2.0)]),
        _ => Value::Int(i128::from(r.uint(8)) << 40),
    }
}

/// How many values decoding one item of `layout` builds (saturating). A sub-array of a
/// zero-size type costs no bytes but one value per element, so `(100000,100000)0s` decodes
/// 10^10 values from an empty buffer; see
/// `tests/hostile.rs::zero_size_subarray_with_a_huge_shape`.
fn struct_values(fields: &[memview::format::Field]) -> usize {
    fields.iter().fold(1usize, |acc, f| {
        let count = f.shape.iter().fold(1usize, |a, &n| a.saturating_mul(n));
        let inner = match &f.ty {
            memview::format::FieldType::Struct(s) => struct_values(&s.fields),
            memview::format::FieldType::Scalar(_) => 1,
        };
        // The nested lists themselves: `(10^17)(0)w` has no element but 10^17 empty lists.
        let lists = list_nodes(&f.shape).unwrap_or(usize::MAX);
        acc.saturating_add(count.saturating_mul(inner))
            .saturating_add(lists)
    })
}

/// Whether one item of `format` decodes to few enough values to be worth decoding here.
fn decodable(format: &Format) -> bool {
    struct_values(format.fields()) <= MAX_ELEMENTS
}

// ------------------------------------------------------------------------------------------
// The naive model.
// ------------------------------------------------------------------------------------------

/// Number of elements of `shape`, or `None` when it exceeds `cap`.
fn capped_elements(shape: &[usize], cap: usize) -> Option<usize> {
    let mut n = 1usize;
    for &k in shape {
        n = n.checked_mul(k)?;
    }
    if shape.contains(&0) {
        return Some(0);
    }
    (n <= cap).then_some(n)
}

/// Start positions of every element in C (or F) order: `offset + Σ i·stride`, in `i128`.
fn model_positions(
    offset: usize,
    shape: &[usize],
    strides: &[isize],
    fortran: bool,
) -> Option<Vec<i128>> {
    let n = capped_elements(shape, MAX_ELEMENTS)?;
    let ndim = shape.len();
    let mut out = Vec::with_capacity(n);
    let mut idx = vec![0usize; ndim];
    for _ in 0..n {
        let p = idx
            .iter()
            .zip(strides)
            .fold(offset as i128, |acc, (&i, &s)| acc + i as i128 * s as i128);
        out.push(p);
        // Advance the odometer.
        for k in 0..ndim {
            let a = if fortran { k } else { ndim - 1 - k };
            idx[a] += 1;
            if idx[a] < shape[a] {
                break;
            }
            idx[a] = 0;
        }
    }
    Some(out)
}

/// The bytes of every element in the given order, checking that each lies inside `buf`.
fn model_bytes(
    buf: &[u8],
    itemsize: usize,
    offset: usize,
    shape: &[usize],
    strides: &[isize],
    fortran: bool,
) -> Option<Vec<u8>> {
    let positions = model_positions(offset, shape, strides, fortran)?;
    let mut out = Vec::new();
    for p in positions {
        let start = usize::try_from(p).unwrap_or_else(|_| panic!("element at {p} before buffer"));
        let end = start
            .checked_add(itemsize)
            .filter(|&e| e <= buf.len())
            .unwrap_or_else(|| {
                panic!(
                    "element at {start}..{} outside {}-byte buffer",
                    start as u128 + itemsize as u128,
                    buf.len()
                )
            });
        out.extend_from_slice(&buf[start..end]);
        if out.len() > MAX_BYTES {
            return None;
        }
    }
    Some(out)
}

/// Checks everything a valid read-only view promises.
pub fn check_view(v: &MemoryView<'_>) {
    let (shape, strides) = (v.shape(), v.strides());
    assert_eq!(shape.len(), strides.len());
    assert!(v.ndim() <= 64);
    assert!(v.itemsize() >= 1);
    assert!(v.itemsize() >= v.format().itemsize());
    assert!(v.offset() <= v.buffer().unwrap().len());
    let nbytes = v.nbytes();
    let expected = if shape.contains(&0) {
        Some(0)
    } else {
        shape
            .iter()
            .try_fold(v.itemsize(), |a, &n| a.checked_mul(n))
    };
    assert_eq!(Some(nbytes), expected, "nbytes of {shape:?}");
    assert!(isize::try_from(nbytes).is_ok());
    let _ = format!("{v:?}");
    let _ = v.request(BufferFlags::FULL_RO);
    let _ = v.request(BufferFlags::from_bits(u32::from(shape.len() as u8)));

    let c = model_bytes(
        v.buffer().unwrap(),
        v.itemsize(),
        v.offset(),
        shape,
        strides,
        false,
    );
    let f = model_bytes(
        v.buffer().unwrap(),
        v.itemsize(),
        v.offset(),
        shape,
        strides,
        true,
    );
    if let (Some(c), Some(f)) = (c, f) {
        // The model's copies exist, so these allocations succeed.
        let bytes = v.try_to_bytes(Order::C).expect("to_bytes(C)");
        assert_eq!(bytes.len(), nbytes, "to_bytes(C) length");
        assert_eq!(bytes, c, "to_bytes(C) differs from the model");
        assert_eq!(
            v.try_to_bytes(Order::F).expect("to_bytes(F)"),
            f,
            "to_bytes(F) differs from the model"
        );
        assert_eq!(
            v.transpose().try_to_bytes(Order::C).expect("to_bytes(C)"),
            f,
            "transpose"
        );
        let a = v.try_to_bytes(Order::A).expect("to_bytes(A)");
        assert!(a == c || a == f, "to_bytes(A) is neither order");
        if v.is_c_contiguous() {
            match v.as_contiguous_bytes() {
                Some(b) => assert_eq!(b, &c[..]),
                None => panic!("C-contiguous view without contiguous bytes"),
            }
        }
        let hex = v.hex(Some(':'), 2).expect("ASCII separator");
        assert!(hex.len() >= 2 * nbytes);
        check_values(v);
        check_typed(v, &c);
    }
}

/// How many lists `to_list` builds: one per index prefix, up to the first zero extent. A view
/// with no elements can still ask for a great many (`shape [2^62, 0]`); see
/// `tests/hostile.rs::to_list_of_an_empty_view_with_a_huge_leading_axis`.
fn list_nodes(shape: &[usize]) -> Option<usize> {
    let (mut total, mut level) = (0usize, 1usize);
    for &n in shape {
        level = level.checked_mul(n)?;
        total = total.checked_add(level)?;
        if n == 0 {
            break;
        }
    }
    Some(total)
}

/// `to_list`, `get` and `iter` agree (compared through Python's repr, since NaN != NaN).
fn check_values(v: &MemoryView<'_>) {
    if list_nodes(v.shape()).is_none_or(|n| n > MAX_ELEMENTS) || !decodable(v.format()) {
        return;
    }
    let Ok(list) = v.to_list() else {
        return;
    };
    let mut flat = Vec::new();
    fn walk(depth: usize, shape: &[usize], x: &Value, out: &mut Vec<String>) {
        if depth == shape.len() {
            out.push(x.to_string());
            return;
        }
        match x {
            Value::List(items) => {
                assert_eq!(items.len(), shape[depth], "to_list extent at depth {depth}");
                for it in items {
                    walk(depth + 1, shape, it, out);
                }
            }
            other => panic!("to_list gave {other} at depth {depth} of {shape:?}"),
        }
    }
    walk(0, v.shape(), &list, &mut flat);
    let shape = v.shape();
    let mut idx = vec![0usize; shape.len()];
    for (k, expected) in flat.iter().enumerate().take(64) {
        let _ = k;
        let index: Vec<isize> = idx.iter().map(|&i| i as isize).collect();
        let got = v.get(&index).expect("get of an element to_list decoded");
        assert_eq!(&got.to_string(), expected, "get({index:?})");
        for a in (0..shape.len()).rev() {
            idx[a] += 1;
            if idx[a] < shape[a] {
                break;
            }
            idx[a] = 0;
        }
    }
    if let Ok(it) = v.iter() {
        assert_eq!(it.len(), shape[0]);
    }
}

macro_rules! typed_check {
    ($v:expr, $c:expr, $s:expr, $t:ty) => {{
        let size = std::mem::size_of::<$t>();
        let decode = |raw: &[u8]| -> $t {
            let mut a = [0u8; std::mem::size_of::<$t>()];
            a.copy_from_slice(&raw[..size]);
            match $s.endian {
                Endian::Little => <$t>::from_le_bytes(a),
                Endian::Big => <$t>::from_be_bytes(a),
            }
        };
        let itemsize = $v.itemsize();
        let expected: Vec<$t> = $c.chunks_exact(itemsize).map(decode).collect();
        if let Ok(t) = $v.typed::<$t>() {
            let got = t.to_vec();
            assert_eq!(got.len(), expected.len());
            for (g, e) in got.iter().zip(&expected) {
                assert_eq!(
                    g.to_ne_bytes(),
                    e.to_ne_bytes(),
                    "typed::<{}>",
                    stringify!($t)
                );
            }
        }
        if let Ok(a) = $v.as_array::<$t>() {
            assert_eq!(a.shape(), $v.shape());
            assert!($s.endian.is_native() && itemsize == size);
            for (g, e) in a.iter().zip(&expected) {
                assert_eq!(
                    g.to_ne_bytes(),
                    e.to_ne_bytes(),
                    "as_array::<{}>",
                    stringify!($t)
                );
            }
        }
        if let Ok(a) = $v.to_array::<$t>() {
            assert_eq!(a.shape(), $v.shape());
        }
    }};
}

/// A record type (written out as `#[derive(Record)]` writes it: the harness builds without
/// the derive feature): `u16`, `bool`, one byte of padding, `[f32; 2]`.
#[derive(Clone, Copy, Debug, PartialEq)]
#[repr(C)]
struct Rec {
    a: u16,
    flag: bool,
    b: [f32; 2],
}

// SAFETY: the layout is the compiler's (`size_of`, `align_of`, `offset_of!`) and lists every
// field; the cache is this impl's own static.
unsafe impl memview::Record for Rec {
    const LAYOUT: &'static memview::__private::RecordLayout =
        &memview::__private::RecordLayout::new(
            "Rec",
            std::mem::size_of::<Rec>(),
            std::mem::align_of::<Rec>(),
            false,
            &[
                memview::__private::FieldLayout::new(
                    "a",
                    std::mem::offset_of!(Rec, a),
                    <u16 as memview::__private::RecordField>::SHAPE,
                ),
                memview::__private::FieldLayout::new(
                    "flag",
                    std::mem::offset_of!(Rec, flag),
                    <bool as memview::__private::RecordField>::SHAPE,
                ),
                memview::__private::FieldLayout::new(
                    "b",
                    std::mem::offset_of!(Rec, b),
                    <[f32; 2] as memview::__private::RecordField>::SHAPE,
                ),
            ],
        );
    fn cache() -> &'static memview::__private::RecordCache {
        static CACHE: memview::__private::RecordCache = memview::__private::RecordCache::new();
        &CACHE
    }
    fn read_fields(r: &mut memview::__private::LeafReader<'_>) -> Self {
        Rec {
            a: r.read(),
            flag: r.read(),
            b: r.read(),
        }
    }
    fn write_fields(&self, w: &mut memview::__private::LeafWriter<'_>) {
        w.write(self.a);
        w.write(self.flag);
        w.write(self.b);
    }
}

/// Views of any struct format as records: zero-copy only over valid `bool` bytes, every path
/// agreeing on the values it gives, converting copies (other sizes and kinds) never panicking.
fn check_record(v: &MemoryView<'_>) {
    let zero_copy = v.as_array::<Rec>();
    let typed = v.typed::<Rec>();
    let copied = v.to_array::<Rec>();
    if let Ok(a) = &zero_copy {
        assert_eq!(a.len(), v.num_elements());
        assert!(a.iter().all(|r| (r.flag as u8) <= 1));
        let t = typed.as_ref().expect("typed where as_array works");
        assert_eq!(t.to_vec().len(), a.len());
        let c = copied.as_ref().expect("to_array where as_array works");
        for (x, y) in a.iter().zip(c.iter()) {
            assert_eq!(x.a, y.a);
            assert_eq!(x.flag, y.flag);
            assert_eq!(x.b.map(f32::to_bits), y.b.map(f32::to_bits));
        }
    }
    if let Ok(t) = &typed {
        let vals = t.to_vec();
        assert_eq!(vals.len(), v.num_elements());
        if let Ok(c) = &copied {
            for (x, y) in vals.iter().zip(c.iter()) {
                assert_eq!((x.a, x.flag), (y.a, y.flag));
                assert_eq!(x.b.map(f32::to_bits), y.b.map(f32::to_bits));
            }
        }
    }
}

/// `typed`, `as_array` and `to_array` agree with the model's bytes.
fn check_typed(v: &MemoryView<'_>, c: &[u8]) {
    let Some(s) = v.format().layout().single_scalar().cloned() else {
        let _ = v.as_array::<u8>();
        let _ = v.to_array::<f64>();
        check_record(v);
        return;
    };
    match (s.kind, s.size) {
        (ScalarKind::UInt, 1) => typed_check!(v, c, s, u8),
        (ScalarKind::Int, 1) => typed_check!(v, c, s, i8),
        (ScalarKind::UInt, 2) => typed_check!(v, c, s, u16),
        (ScalarKind::Int, 2) => typed_check!(v, c, s, i16),
        (ScalarKind::UInt, 4) => typed_check!(v, c, s, u32),
        (ScalarKind::Int, 4) => typed_check!(v, c, s, i32),
        (ScalarKind::UInt, 8) => typed_check!(v, c, s, u64),
        (ScalarKind::Int, 8) => typed_check!(v, c, s, i64),
        (ScalarKind::Float, 4) => typed_check!(v, c, s, f32),
        (ScalarKind::Float, 8) => typed_check!(v, c, s, f64),
        (ScalarKind::Bool, 1) => {
            let ok = c.chunks_exact(v.itemsize()).all(|e| e[0] <= 1);
            if let Ok(a) = v.as_array::<bool>() {
                assert!(ok, "as_array::<bool> over a byte that is not 0 or 1");
                assert_eq!(a.len(), v.num_elements());
            }
            if let Ok(t) = v.typed::<bool>() {
                assert!(ok, "typed::<bool> over a byte that is not 0 or 1");
                assert_eq!(t.to_vec().len(), v.num_elements());
            }
            let _ = v.to_array::<i32>();
        }
        _ => {
            let _ = v.to_array::<f64>();
            let _ = v.as_array::<f32>();
        }
    }
}

// ------------------------------------------------------------------------------------------
// Targets.
// ------------------------------------------------------------------------------------------

/// Check one parse result: layout consistency, and the printed text parses back equal.
fn check_format(text: &str, dialect: Dialect) {
    match Format::parse_with(text, dialect) {
        Ok(f) => {
            let layout = f.layout();
            assert_eq!(f.itemsize(), layout.size());
            assert!(isize::try_from(f.itemsize()).is_ok(), "itemsize fits isize");
            assert!(f.alignment() >= 1);
            for field in f.fields() {
                let end = field
                    .shape
                    .iter()
                    .try_fold(field.ty.size(), |a, &n| a.checked_mul(n))
                    .and_then(|n| n.checked_add(field.offset));
                match end {
                    Some(end) => assert!(
                        end <= f.itemsize(),
                        "field at {} of {} bytes past itemsize {} in {text:?}",
                        field.offset,
                        field.size(),
                        f.itemsize()
                    ),
                    None => panic!("field extent overflows in {text:?}"),
                }
            }
            let printed = f.to_string();
            match Format::parse_with(&printed, dialect) {
                Ok(g) => {
                    assert_eq!(g.ast(), f.ast(), "{text:?} printed as {printed:?}");
                    assert_eq!(g.layout(), f.layout(), "{text:?} printed as {printed:?}");
                    assert_eq!(g.to_string(), printed, "printing is not idempotent");
                }
                Err(e) => panic!("{text:?} printed as {printed:?}, which fails: {e}"),
            }
        }
        Err(e) => {
            let span = e.span();
            assert!(span.start <= span.end && span.end <= text.len());
            assert!(text.is_char_boundary(span.start) && text.is_char_boundary(span.end));
            assert_eq!(e.input(), text);
            let shown = e.to_string();
            assert!(!shown.is_empty());
        }
    }
}

/// Target `format_parse`: arbitrary bytes as a format string, both dialects; also the struct
/// API's `calcsize`/`unpack` on whatever parses.
pub fn format_parse(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    for dialect in [Dialect::Struct, Dialect::NumPy] {
        check_format(&text, dialect);
    }
    let small = Format::parse(&text).is_ok_and(|f| decodable(&f));
    if let Ok(size) = memview::calcsize(&text) {
        if size <= MAX_BYTES && small {
            let bytes: Vec<u8> = (0..size).map(|i| i as u8).collect();
            let _ = memview::unpack(&text, &bytes);
            let _ = memview::unpack(&text, &bytes[..size / 2]);
        }
    }
}

/// Grammar-directed format text from the fuzzer's choices (reaches deep structure that random
/// bytes rarely do).
fn gen_items(r: &mut Reader<'_>, depth: usize, out: &mut String, budget: &mut usize) {
    const CODES: &[&str] = &[
        "x", "c", "b", "B", "?", "h", "H", "i", "I", "l", "L", "q", "Q", "n", "N", "e", "f", "d",
        "g", "s", "p", "P", "O", "w", "u", "Zf", "Zd", "Zg",
    ];
    const ORDERS: &[&str] = &["@", "=", "<", ">", "!", "^"];
    let n = usize::from(r.byte() % 5);
    for k in 0..n {
        if *budget == 0 || r.is_empty() {
            return;
        }
        *budget -= 1;
        let choice = r.byte();
        if choice & 1 == 1 {
            out.push_str(ORDERS[usize::from(choice >> 1) % ORDERS.len()]);
        }
        if choice & 2 == 2 {
            let dims = 1 + usize::from(r.byte() % 3);
            let parts: Vec<String> = (0..dims).map(|_| (r.byte() % 4).to_string()).collect();
            out.push('(');
            out.push_str(&parts.join(","));
            out.push(')');
        }
        if choice & 4 == 4 {
            out.push_str(&(r.byte() % 5).to_string());
        }
        match r.byte() % 8 {
            0 if depth < 4 => {
                out.push_str("T{");
                gen_items(r, depth + 1, out, budget);
                out.push('}');
            }
            1 if depth < 4 => {
                out.push('&');
                out.push_str(CODES[usize::from(r.byte()) % CODES.len()]);
            }
            2 if depth < 4 => {
                out.push_str("X{");
                gen_items(r, depth + 1, out, budget);
                if r.byte() & 1 == 1 {
                    out.push_str("->");
                    out.push_str(CODES[usize::from(r.byte()) % CODES.len()]);
                }
                out.push('}');
            }
            _ => out.push_str(CODES[usize::from(r.byte()) % CODES.len()]),
        }
        if choice & 8 == 8 {
            out.push(':');
            out.push_str(&format!("f{depth}_{k}"));
            out.push(':');
        }
        if choice & 16 == 16 {
            out.push(' ');
        }
    }
}

/// Target `format_roundtrip`: a grammar-generated format; print → parse gives an equal tree and
/// layout; `unpack → pack → unpack` is the identity on values.
pub fn format_roundtrip(data: &[u8]) {
    let mut r = Reader::new(data);
    let mut text = String::new();
    let mut budget = 40;
    gen_items(&mut r, 0, &mut text, &mut budget);
    let dialect = if r.byte() & 1 == 1 {
        Dialect::NumPy
    } else {
        Dialect::Struct
    };
    check_format(&text, dialect);
    let Ok(f) = Format::parse(&text) else {
        return;
    };
    check_portable(&f, f.itemsize() + usize::from(r.byte() % 4));
    let size = f.itemsize();
    if size > MAX_BYTES || !decodable(&f) {
        return;
    }
    let bytes: Vec<u8> = (0..size).map(|_| r.byte()).collect();
    let Ok(values) = memview::unpack(&text, &bytes) else {
        return;
    };
    match memview::pack(&text, &values) {
        Ok(packed) => {
            assert_eq!(packed.len(), size);
            let again = memview::unpack(&text, &packed)
                .unwrap_or_else(|e| panic!("{text:?}: unpack of packed bytes failed: {e}"));
            let show = |v: &[Value]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
            assert_eq!(
                show(&again),
                show(&values),
                "{text:?}: unpack(pack(values))"
            );
        }
        Err(e) => {
            // Only values that can be read but not written back: object pointers.
            let msg = e.to_string();
            assert!(
                text.contains('O') || text.contains('g'),
                "{text:?}: pack of unpacked values failed: {msg}"
            );
        }
    }
}

/// Every scalar of a layout, flattened through counts, sub-arrays and nested structs, as
/// `(offset, kind, size, byte order)` (little for byte-wise items); `None` past `limit` of
/// them.
fn scalar_leaves(
    fields: &[memview::format::Field],
    base: usize,
    out: &mut Vec<(usize, ScalarKind, usize, Endian)>,
    limit: usize,
) -> Option<()> {
    use memview::format::FieldType;
    for f in fields {
        let size = f.ty.size();
        for k in 0..f.count().saturating_mul(f.repeat) {
            if out.len() >= limit {
                return None;
            }
            let off = base + f.offset + k * size;
            match &f.ty {
                FieldType::Scalar(s) if s.kind != ScalarKind::Pad => {
                    // Byte order means nothing for single bytes and byte strings.
                    let bytewise =
                        s.size == 1 || matches!(s.kind, ScalarKind::Bytes | ScalarKind::Pascal);
                    let endian = if bytewise { Endian::Little } else { s.endian };
                    out.push((off, s.kind, s.size, endian))
                }
                FieldType::Scalar(_) => {}
                FieldType::Struct(st) => scalar_leaves(&st.fields, off, out, limit)?,
            }
        }
    }
    Some(())
}

/// The export text of `f` (`Format::portable_with_itemsize`) reads, in memview's struct
/// dialect, with `f`'s item size and every scalar at the same offset with the same kind, size
/// and byte order (`portable` also checks this itself, with a debug assertion); and when it
/// claims NumPy can read it, NumPy's dialect reads it the same way.
fn check_portable(f: &Format, itemsize: usize) {
    let p = f.portable_with_itemsize(itemsize);
    let text = p.as_str();
    let mut want = Vec::new();
    if scalar_leaves(f.fields(), 0, &mut want, MAX_ELEMENTS).is_none() {
        return;
    }
    let dialects: &[Dialect] = if p.numpy_readable() {
        &[Dialect::Struct, Dialect::NumPy]
    } else {
        &[Dialect::Struct]
    };
    for &dialect in dialects {
        let g = Format::parse_with(text, dialect).unwrap_or_else(|e| {
            panic!("export text {text:?} of {f} does not parse ({dialect:?}): {e}")
        });
        let mut got = Vec::new();
        let complete = scalar_leaves(g.fields(), 0, &mut got, MAX_ELEMENTS).is_some();
        if !p.is_rewritten() && itemsize == f.itemsize() && dialect == Dialect::Struct {
            assert_eq!(text, f.to_string(), "a kept text is the canonical one");
        }
        let size = if dialect == Dialect::Struct && itemsize > f.itemsize() && !p.is_rewritten() {
            // A kept text cannot carry extra item bytes; the view's itemsize does.
            itemsize
        } else {
            g.itemsize()
        };
        assert_eq!(
            size, itemsize,
            "export text {text:?} of {f} ({dialect:?}): item size"
        );
        if complete {
            assert_eq!(
                got, want,
                "export text {text:?} of {f} ({dialect:?}): scalars"
            );
        }
    }
}

/// Target `literal`: any text that parses as a Python literal prints (`Display`, Python's
/// `repr`) as a text that parses back to an equal value (Python's `==`; `repr` is not always
/// a fixed point in Python either: `repr(-----10j)` is `(-0-10j)`, which evaluates to `-10j`,
/// equal to it). NaN equals nothing, so values printing a `nan` are only re-parsed.
pub fn literal(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let Ok(v) = text.parse::<Value>() else {
        return;
    };
    let printed = v.to_string();
    let again: Value = printed
        .parse()
        .unwrap_or_else(|e| panic!("{text:?} printed as {printed:?}, which does not parse: {e}"));
    if !printed.contains("nan") {
        assert!(
            again == v,
            "{text:?} printed as {printed:?} parses to {again}, not an equal value"
        );
    }
}

/// Target `npy_header`: any bytes given as a `.npy` file are either refused with an error or
/// give a view over exactly the data bytes that follow the header, inside the file.
pub fn npy_header(data: &[u8]) {
    use memview::npy;
    // Inputs that do not start like a `.npy` file and have an odd first byte get a valid
    // prefix, so the fuzzer reaches the dict parser quickly; real files are taken as they are.
    let mut file = Vec::new();
    if !npy::is_npy(data) && data.first().is_some_and(|b| b & 1 == 1) {
        file.extend_from_slice(b"\x93NUMPY\x01\x00");
        let n = u16::try_from(data.len() - 1).unwrap_or(u16::MAX);
        file.extend_from_slice(&n.to_le_bytes());
        file.extend_from_slice(&data[1..]);
    } else {
        file.extend_from_slice(data);
    }
    let Ok(header) = npy::Header::parse(&file) else {
        return;
    };
    assert!(header.data_offset() <= file.len());
    let Ok(view) = header.view(&file) else {
        return;
    };
    assert_eq!(view.shape(), header.shape());
    assert_eq!(view.format().as_str(), header.format());
    if view.nbytes() <= MAX_BYTES {
        let bytes = view
            .try_to_bytes(Order::C)
            .expect("a small view copies out");
        assert_eq!(bytes.len(), view.nbytes());
        let data = header.data(&file).expect("the view's data");
        if !header.fortran_order() {
            assert_eq!(
                &bytes[..],
                &data[..bytes.len()],
                "C-order data is the file's bytes"
            );
        }
    }
}

/// Build a view from the fuzzer's choices: buffer length, format, itemsize, shape, strides,
/// offset. Returns the parts so the mutable target can rebuild the same view.
struct Parts {
    buf: Vec<u8>,
    format: Result<Format, memview::format::FormatError>,
    itemsize: Option<usize>,
    shape: Vec<usize>,
    strides: Option<Vec<isize>>,
    offset: usize,
}

fn parts(r: &mut Reader<'_>) -> Parts {
    let len = match r.byte() % 4 {
        0 => usize::from(r.byte() % 16),
        1 => usize::from(r.byte()),
        2 => r.uint(2) as usize % 5000,
        _ => usize::from(r.byte() % 64),
    };
    let fill = r.byte();
    let buf: Vec<u8> = (0..len)
        .map(|i| (i as u8).wrapping_mul(fill | 1).wrapping_add(fill))
        .collect();
    let text = pick_format(r);
    let dialect = if r.byte() & 1 == 1 {
        Dialect::NumPy
    } else {
        Dialect::Struct
    };
    let format = Format::parse_with(&text, dialect);
    let itemsize = match r.byte() % 4 {
        0 => Some(r.size()),
        _ => None,
    };
    let ndim = match r.byte() {
        250..=255 => 65,
        b => usize::from(b % 5),
    };
    let shape: Vec<usize> = (0..ndim).map(|_| r.size()).collect();
    let strides = match r.byte() % 3 {
        0 => None,
        _ => {
            let extra = usize::from(r.byte().is_multiple_of(16));
            Some((0..ndim + extra).map(|_| r.stride()).collect())
        }
    };
    let offset = match r.byte() % 3 {
        0 => 0,
        1 => usize::from(r.byte()),
        _ => r.size(),
    };
    Parts {
        buf,
        format,
        itemsize,
        shape,
        strides,
        offset,
    }
}

/// Target `view_ops`: construct a read-only view from arbitrary parts; if accepted, check it and
/// then select, cast, transpose, reshape, field, get and compare, checking each result.
pub fn view_ops(data: &[u8]) {
    let mut r = Reader::new(data);
    let p = parts(&mut r);
    let Ok(format) = p.format.clone() else {
        return;
    };
    let v = match MemoryView::from_format(
        &p.buf,
        format,
        p.itemsize,
        &p.shape,
        p.strides.as_deref(),
        p.offset,
    ) {
        Ok(v) => v,
        Err(e) => {
            let _ = e.to_string();
            return;
        }
    };
    check_view(&v);
    let mut current = v.clone();
    for _ in 0..16 {
        if r.is_empty() {
            break;
        }
        match r.byte() % 10 {
            0 | 1 => {
                let args = slice_args(&mut r);
                if let Ok(s) = current.select_with(&args) {
                    check_view(&s);
                    current = s;
                }
            }
            2 => {
                let text = r.text();
                if let Ok(s) = current.select(&text) {
                    check_view(&s);
                    current = s;
                }
            }
            3 => {
                let fmt = pick_format(&mut r);
                let shape: Option<Vec<usize>> = match r.byte() % 3 {
                    0 => None,
                    n => Some((0..usize::from(n)).map(|_| r.size()).collect()),
                };
                if let Ok(c) = current.cast(&fmt, shape.as_deref()) {
                    assert!(current.is_c_contiguous());
                    assert_eq!(c.nbytes(), current.nbytes(), "cast keeps nbytes");
                    check_view(&c);
                    if c.nbytes() <= MAX_BYTES {
                        assert_eq!(c.try_to_bytes(Order::C), current.try_to_bytes(Order::C));
                    }
                    current = c;
                }
            }
            4 if decodable(current.format()) => {
                let index = index(&mut r, current.ndim());
                if let Ok(x) = current.get(&index) {
                    let _ = x.to_string();
                }
            }
            5 => {
                let ndim = current.ndim();
                let mut axes: Vec<usize> = (0..ndim).collect();
                for k in (1..ndim).rev() {
                    axes.swap(k, usize::from(r.byte()) % (k + 1));
                }
                if r.byte().is_multiple_of(8) {
                    axes.push(0);
                }
                if let Ok(t) = current.permute_axes(&axes) {
                    check_view(&t);
                    current = t;
                }
            }
            6 => {
                let shape: Vec<usize> = (0..usize::from(r.byte() % 4)).map(|_| r.size()).collect();
                if let Ok(t) = current.reshape(&shape) {
                    assert_eq!(t.num_elements(), current.num_elements());
                    check_view(&t);
                    current = t;
                }
            }
            7 => {
                let names = ["a", "b", "v", "x", "y", ""];
                if let Ok(f) = current.field(names[usize::from(r.byte()) % names.len()]) {
                    check_view(&f);
                }
            }
            8 if current.num_elements() <= MAX_ELEMENTS && decodable(current.format()) => {
                let other = current.clone();
                let _ = current == other;
                let _ = current == v;
            }
            _ => {
                current = v.clone();
            }
        }
    }
    check_export(&current);
}

/// A view exported through `ffi::Export` (the `Py_buffer` a C or Python consumer gets, with
/// the portable format text) imports back as the same view: geometry, bytes and values.
fn check_export(v: &MemoryView<'_>) {
    use memview::ffi::{Export, RawBuffer};
    let Ok(e) = Export::new(v, BufferFlags::FULL_RO) else {
        return;
    };
    let mut raw = RawBuffer::empty();
    e.fill(&mut raw, std::ptr::null_mut());
    // SAFETY: `raw` describes `v`'s bytes, borrowed (and unwritten) for this whole function;
    // its shape, strides and format arrays live in `e`, alive until the end.
    let back = unsafe { raw.as_view() }.unwrap_or_else(|err| {
        panic!(
            "export of {} does not import back: {err}; {:?} view itemsize {} shape {:?}",
            v.format(),
            e.info(),
            v.itemsize(),
            v.shape()
        )
    });
    assert_eq!(back.shape(), v.shape());
    assert_eq!(back.strides(), v.strides());
    assert_eq!(back.itemsize(), v.itemsize());
    if v.nbytes() <= MAX_BYTES {
        assert_eq!(back.try_to_bytes(Order::C), v.try_to_bytes(Order::C));
        if list_nodes(v.shape()).is_some_and(|n| n <= MAX_ELEMENTS) && decodable(v.format()) {
            let show = |m: &MemoryView<'_>| m.to_list().map(|x| x.to_string());
            assert_eq!(
                show(&back),
                show(v),
                "values through the export text {:?} of {:?}",
                back.format().as_str(),
                v.format().as_str()
            );
        }
    }
}

/// Write `item` at every position of `positions` in `buf` (the model of element-wise writes).
fn model_write(buf: &mut [u8], positions: &[i128], items: &[u8], itemsize: usize) {
    for (k, &p) in positions.iter().enumerate() {
        let p = p as usize;
        buf[p..p + itemsize].copy_from_slice(&items[k * itemsize..(k + 1) * itemsize]);
    }
}

/// Target `view_mut_ops`: the writable side: `set`/`get`, `fill`, `assign_within` with
/// overlapping selections (against the model of "copy the source out, then write in C order"),
/// `as_array_mut` (never over overlapping elements).
pub fn view_mut_ops(data: &[u8]) {
    let mut r = Reader::new(data);
    let mut p = parts(&mut r);
    let Ok(format) = p.format.clone() else {
        return;
    };
    let mut v = match MemoryViewMut::from_format(
        &mut p.buf,
        format,
        p.itemsize,
        &p.shape,
        p.strides.as_deref(),
        p.offset,
    ) {
        Ok(v) => v,
        Err(_) => return,
    };
    check_view(&v.as_view());
    for _ in 0..8 {
        if r.is_empty() {
            break;
        }
        match r.byte() % 6 {
            5 if v.num_elements() <= MAX_ELEMENTS => check_converted(&mut v, &mut r),
            0 if decodable(v.format()) => {
                let index = index(&mut r, v.ndim());
                let x = value(&mut r);
                let before = v.buffer().unwrap().to_vec();
                match v.set(&index, x.clone()) {
                    Ok(()) => {
                        let got = v.get(&index).expect("get after a successful set");
                        let kind = v.format().layout().single_scalar().map(|s| s.kind);
                        if matches!(kind, Some(ScalarKind::Int | ScalarKind::UInt))
                            && matches!(x, Value::Int(_))
                        {
                            assert_eq!(got, x, "set then get");
                        }
                    }
                    Err(e) => {
                        let _ = e.to_string();
                        assert_eq!(v.buffer().unwrap(), &before[..], "a failed set wrote bytes");
                    }
                }
            }
            // Element-wise work costs one step per element, and zero strides make
            // 2^62 elements out of one byte: only small views are filled.
            1 if v.num_elements() <= MAX_ELEMENTS => {
                let x = value(&mut r);
                let before = v.buffer().unwrap().to_vec();
                if v.fill(x).is_err() {
                    assert_eq!(
                        v.buffer().unwrap(),
                        &before[..],
                        "a failed fill wrote bytes"
                    );
                }
            }
            2 => {
                let dst = slice_args(&mut r);
                let src = slice_args(&mut r);
                let dst_text = subscript_text(&dst);
                let src_text = subscript_text(&src);
                let before = v.buffer().unwrap().to_vec();
                // The model: the source's C-order bytes, then the destination's positions.
                let model = (|| {
                    let view = v.as_view();
                    let s = view.select_with(&src).ok()?;
                    let d = view.select_with(&dst).ok()?;
                    let sb = model_bytes(
                        s.buffer().unwrap(),
                        s.itemsize(),
                        s.offset(),
                        s.shape(),
                        s.strides(),
                        false,
                    )?;
                    let dp = model_positions(d.offset(), d.shape(), d.strides(), false)?;
                    Some((sb, dp, d.itemsize()))
                })();
                let view = v.as_view();
                let big = |a: &[SliceArg]| {
                    view.select_with(a)
                        .is_ok_and(|s| s.num_elements() > MAX_ELEMENTS)
                };
                if big(&dst) || big(&src) {
                    continue;
                }
                match v.assign_within(&dst_text, &src_text) {
                    Ok(()) => {
                        if let Some((sb, dp, itemsize)) = model {
                            let mut expected = before;
                            model_write(&mut expected, &dp, &sb, itemsize);
                            assert_eq!(
                                v.buffer().unwrap(),
                                &expected[..],
                                "assign_within({dst_text}, {src_text})"
                            );
                        }
                    }
                    Err(_) => assert_eq!(
                        v.buffer().unwrap(),
                        &before[..],
                        "a failed assign wrote bytes"
                    ),
                }
            }
            3 => {
                check_as_array_mut(&mut v);
            }
            _ => {
                let args = slice_args(&mut r);
                if let Ok(mut s) = v.select_with_mut(&args) {
                    check_view(&s.as_view());
                    check_as_array_mut(&mut s);
                }
            }
        }
    }
    check_view(&v.as_view());
}

/// The numeric formats a converting copy reads from.
const NUMERIC: [&str; 16] = [
    "?", "b", "B", "<h", ">H", "<i", ">I", "<q", ">Q", "<e", ">e", "<f", ">f", "<d", ">d", "<Zd",
];

/// `copy_from_converted` from a random numeric source broadcast to the view's shape (its
/// trailing axes, or a single value): a refusal writes nothing; a success writes only element
/// bytes, and, when no two elements overlap, exactly what `to_bytes_as` says the source's
/// values are in the view's format.
fn check_converted(v: &mut MemoryViewMut<'_>, r: &mut Reader<'_>) {
    let format = NUMERIC[usize::from(r.byte()) % NUMERIC.len()];
    let Ok(src_format) = memview::format::Format::parse(format) else {
        return;
    };
    let keep = usize::from(r.byte()) % (v.ndim() + 1);
    let shape = v.shape()[v.ndim() - keep..].to_vec();
    let Some(n) = capped_elements(&shape, MAX_ELEMENTS) else {
        return;
    };
    let data = r.bytes(n * src_format.itemsize()).to_vec();
    if data.len() < n * src_format.itemsize() {
        return;
    }
    let Ok(src) = MemoryView::from_parts(&data, format, &shape, None, 0) else {
        return;
    };
    let before = v.buffer().unwrap().to_vec();
    let positions = model_positions(v.offset(), v.shape(), v.strides(), false);
    match v.copy_from_converted(&src) {
        Err(e) => {
            let _ = e.to_string();
            assert_eq!(
                v.buffer().unwrap(),
                &before[..],
                "a refused conversion wrote bytes"
            );
        }
        Ok(()) => {
            let Some(positions) = positions else {
                return;
            };
            let size = v.format().itemsize();
            let mut touched = vec![false; before.len()];
            for &p in &positions {
                for t in &mut touched[p as usize..p as usize + size] {
                    *t = true;
                }
            }
            let after = v.buffer().unwrap();
            for (k, (a, b)) in after.iter().zip(&before).enumerate() {
                assert!(
                    touched[k] || a == b,
                    "byte {k} outside the elements was written"
                );
            }
            let mut sorted = positions.clone();
            sorted.sort_unstable();
            let distinct = sorted.windows(2).all(|w| w[1] - w[0] >= size as i128);
            let dst_format = v.format().as_str().to_string();
            if distinct && v.itemsize() == size {
                let broadcast = src.broadcast_to(v.shape()).unwrap();
                let want = broadcast
                    .to_bytes_as(&dst_format, Order::C)
                    .expect("what copy_from_converted accepted converts");
                let got = v.to_bytes(Order::C);
                // NaN payloads may differ between the two paths only if they were computed
                // differently; both go through the same conversion, so compare bytes.
                assert_eq!(got, want, "{format} -> {dst_format}");
            }
        }
    }
}

/// `as_array_mut` succeeds only when no two elements share a byte; writing through it changes
/// exactly the elements' bytes.
fn check_as_array_mut(v: &mut MemoryViewMut<'_>) {
    let Some(s) = v.format().layout().single_scalar().cloned() else {
        return;
    };
    let size = s.size;
    let positions = model_positions(v.offset(), v.shape(), v.strides(), false);
    let before = v.buffer().unwrap().to_vec();
    let ok = match (s.kind, size) {
        (ScalarKind::UInt, 1) => v.as_array_mut::<u8>().map(|mut a| a.fill(0xA5)).is_ok(),
        (ScalarKind::Int, 2) => v.as_array_mut::<i16>().map(|mut a| a.fill(-23131)).is_ok(),
        (ScalarKind::Int, 4) => v
            .as_array_mut::<i32>()
            .map(|mut a| a.fill(-1515870811))
            .is_ok(),
        (ScalarKind::Float, 8) => v
            .as_array_mut::<f64>()
            .map(|mut a| a.fill(f64::from_bits(0xA5A5_A5A5_A5A5_A5A5)))
            .is_ok(),
        _ => return,
    };
    if !ok {
        assert_eq!(v.buffer().unwrap(), &before[..]);
        return;
    }
    let Some(mut positions) = positions else {
        return;
    };
    positions.sort_unstable();
    for w in positions.windows(2) {
        assert!(
            w[1] - w[0] >= size as i128,
            "as_array_mut over overlapping elements at {} and {}",
            w[0],
            w[1]
        );
    }
    let mut expected = before;
    for &p in &positions {
        let p = p as usize;
        expected[p..p + size].fill(0xA5);
    }
    assert_eq!(
        v.buffer().unwrap(),
        &expected[..],
        "as_array_mut wrote outside its elements"
    );
}

/// Python subscript text for typed selection items.
fn subscript_text(args: &[SliceArg]) -> String {
    let part = |a: &SliceArg| match *a {
        SliceArg::Index(i) => i.to_string(),
        SliceArg::Ellipsis => "...".to_string(),
        SliceArg::NewAxis => "None".to_string(),
        SliceArg::Slice { start, stop, step } => {
            let s = |x: Option<isize>| x.map_or(String::new(), |v| v.to_string());
            format!("{}:{}:{}", s(start), s(stop), s(step))
        }
    };
    let parts: Vec<String> = args.iter().map(part).collect();
    if parts.len() == 1 {
        format!("{},", parts[0])
    } else {
        parts.join(", ")
    }
}
