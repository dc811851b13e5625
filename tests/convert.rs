//! Converting copies (`copy_from_converted`, `to_bytes_as`) against NumPy's `dst[...] = src`:
//! `tests/fixtures/convert.tsv` (written by `scripts/gen_convert_fixtures.py`) holds, for every
//! pair of numeric formats and every source value, NumPy's destination bytes — or "refuse"
//! where NumPy wraps or truncates silently, which memview must refuse, leaving the destination
//! untouched. Plus broadcasting, strided and byte-swapped layouts, and `to_bytes_as` orders.

use memview::format::Format;
use memview::{ElementError, MemoryView, MemoryViewMut, Order, Value, ViewError};

fn hex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

fn is_nan(v: &Value) -> bool {
    match v {
        Value::Float(x) => x.is_nan(),
        Value::Complex(c) => c.re.is_nan() || c.im.is_nan(),
        _ => false,
    }
}

fn little(format: &str) -> String {
    if format.starts_with(['<', '>']) {
        format.to_string()
    } else {
        format!("<{format}")
    }
}

#[test]
fn numpy_assignment_conformance() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/convert.tsv");
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("{path}: {e} (run python3 scripts/gen_convert_fixtures.py)"));
    let (mut ok, mut refused) = (0, 0);
    for (n, line) in text.lines().enumerate() {
        if line.starts_with('#') || line.is_empty() {
            continue;
        }
        let f: Vec<&str> = line.split('\t').collect();
        let (kind, src) = (f[0], hex(f[3]));
        // The fixture was written on a little-endian machine: its native codes are '<' ones
        // (none of them is `l`, `n`, `g` or `P`, whose sizes would differ).
        let (sf, df) = (&*little(f[1]), &*little(f[2]));
        let loc = format!("convert.tsv:{}: {sf} -> {df} from {}", n + 1, f[3]);
        let src_view = MemoryView::from_parts(&src, sf, &[1], None, 0).unwrap();
        let size = Format::parse(df).unwrap().itemsize();
        let mut out = vec![0u8; size];
        let result = {
            let mut dst = MemoryViewMut::from_parts(&mut out, df, &[1], None, 0).unwrap();
            dst.copy_from_converted(&src_view)
        };
        match kind {
            "ok" => {
                result.unwrap_or_else(|e| panic!("{loc}: refused ({e}), NumPy gives {}", f[4]));
                let want = hex(f[4]);
                let got_v = MemoryView::from_parts(&out, df, &[1], None, 0)
                    .unwrap()
                    .get(&[0])
                    .unwrap();
                let want_v = MemoryView::from_parts(&want, df, &[1], None, 0)
                    .unwrap()
                    .get(&[0])
                    .unwrap();
                if is_nan(&want_v) {
                    assert!(is_nan(&got_v), "{loc}: got {got_v}, NumPy gives {want_v}");
                } else {
                    assert_eq!(out, want, "{loc}: got {got_v}, NumPy gives {want_v}");
                }
                // The one-pass byte form agrees, byte for byte (NaN payloads included).
                let bytes = src_view.to_bytes_as(df, Order::C).unwrap();
                assert_eq!(bytes, out, "{loc}: to_bytes_as");
                ok += 1;
            }
            "refuse" => {
                let e = result.expect_err(&format!("{loc}: accepted, NumPy {}", f[4]));
                assert!(
                    matches!(
                        e,
                        ElementError::ValueOutOfRange { .. }
                            | ElementError::ValueNotInteger { .. }
                            | ElementError::NotConvertible { .. }
                    ),
                    "{loc}: {e:?}"
                );
                assert!(
                    out.iter().all(|&b| b == 0),
                    "{loc}: wrote {out:?} although it refused"
                );
                assert_eq!(
                    src_view
                        .to_bytes_as(df, Order::C)
                        .map_err(|e| e.to_string()),
                    Err(e.to_string()),
                    "{loc}: to_bytes_as"
                );
                refused += 1;
            }
            other => panic!("{loc}: unknown record kind {other}"),
        }
    }
    assert!(ok > 1500 && refused > 500, "{ok} ok, {refused} refused");
}

#[test]
fn broadcast_strided_and_swapped() {
    // A (2, 3) destination of big-endian doubles at stride 16 (every other slot), filled from a
    // row of three little-endian i32s broadcast over both rows.
    let row = [1i32, -2, 30].map(i32::to_le_bytes).concat();
    let row = MemoryView::from_parts(&row, "<i", &[3], None, 0).unwrap();
    let mut buf = vec![0xAAu8; 2 * 3 * 16];
    {
        let mut dst =
            MemoryViewMut::from_parts(&mut buf, ">d", &[2, 3], Some(&[48, 16]), 0).unwrap();
        dst.copy_from_converted(&row).unwrap();
        assert_eq!(
            dst.to_list().unwrap().to_string(),
            "[[1.0, -2.0, 30.0], [1.0, -2.0, 30.0]]"
        );
    }
    // The gaps are untouched.
    for k in 0..6 {
        assert!(buf[16 * k + 8..16 * k + 16].iter().all(|&b| b == 0xAA));
    }
    // Shapes that do not broadcast.
    let mut small = [0u8; 8];
    let mut dst = MemoryViewMut::from_parts(&mut small, "<h", &[2, 2], None, 0).unwrap();
    assert_eq!(
        dst.copy_from_converted(&row).unwrap_err(),
        ElementError::View(ViewError::BroadcastShape {
            from: vec![3],
            to: vec![2, 2]
        })
    );
    // A refusal deep inside a strided source names the index, and nothing is written.
    let data = [1.0f64, 2.0, 3.5, 4.0].map(f64::to_ne_bytes).concat();
    let src = MemoryView::from_parts(&data, "d", &[2, 2], None, 0).unwrap();
    let t = src.transpose();
    assert_eq!(
        dst.copy_from_converted(&t).unwrap_err().to_string(),
        "value 3.5 at index [0, 1] is not an integer, so it does not convert to i16 exactly"
    );
    assert_eq!(small, [0; 8]);
}

#[test]
fn to_bytes_as_orders_and_errors() {
    let data: Vec<u8> = (0..6i16).flat_map(|x| x.to_be_bytes()).collect();
    let v = MemoryView::from_parts(&data, ">h", &[2, 3], None, 0).unwrap();
    let c = v.to_bytes_as("<i", Order::C).unwrap();
    let want_c: Vec<u8> = (0..6i32).flat_map(|x| x.to_le_bytes()).collect();
    assert_eq!(c, want_c);
    let f = v.to_bytes_as("<i", Order::F).unwrap();
    let want_f: Vec<u8> = [0, 3, 1, 4, 2, 5]
        .iter()
        .flat_map(|&x: &i32| x.to_le_bytes())
        .collect();
    assert_eq!(f, want_f);
    // 'A' of a C-contiguous view is C order.
    assert_eq!(v.to_bytes_as("<i", Order::A).unwrap(), want_c);
    // A transposed view is F-contiguous: 'A' follows memory.
    assert_eq!(v.transpose().to_bytes_as("<i", Order::A).unwrap(), want_c);
    assert!(matches!(
        v.to_bytes_as("T{i}", Order::C),
        Err(ElementError::NotConvertible { .. })
    ));
    assert!(matches!(
        v.to_bytes_as("i(", Order::C),
        Err(ElementError::View(ViewError::Format(_)))
    ));
    // Same kind and size, other byte order: a byte swap.
    assert_eq!(
        v.to_bytes_as("<h", Order::C).unwrap(),
        (0..6i16).flat_map(|x| x.to_le_bytes()).collect::<Vec<u8>>()
    );
    // Bools: only 0 and 1 are bools.
    let flags = MemoryView::from_parts(&[0, 1, 2], "?", &[3], None, 0).unwrap();
    assert!(matches!(
        flags.to_bytes_as("B", Order::C),
        Err(ElementError::InvalidBool { byte: 2, .. })
    ));
}

/// `to_bytes_as` (which converts straight into the output's spare capacity) gives the bytes of
/// `copy_from_converted` into a fresh C-contiguous view, in C, F and A order, for strided,
/// reversed, transposed, broadcast (zero-stride), 0-d and empty sources, and
/// refuses with the same error (its index in the source's own C order).
#[test]
fn to_bytes_as_matches_the_converting_copy_on_every_layout() {
    let data: Vec<u8> = (0..4 * 6 * 8u32).map(|i| (i * 37 % 251) as u8).collect();
    let doubles: Vec<u8> = (0..24)
        .flat_map(|i| (f64::from(i) * 0.5).to_be_bytes())
        .collect();
    fn view<'a>(
        bytes: &'a [u8],
        fmt: &str,
        shape: &[usize],
        strides: Option<&[isize]>,
        offset: usize,
    ) -> MemoryView<'a> {
        MemoryView::from_parts(bytes, fmt, shape, strides, offset).unwrap()
    }
    let (d, f) = (&data[..], &doubles[..]);
    let cases: Vec<(MemoryView<'_>, &str)> = vec![
        (view(d, "<i", &[4, 6], None, 0), "<q"),
        (view(d, ">H", &[4, 6], Some(&[48, 8]), 2), "<i"),
        (view(d, "<h", &[4, 6], None, 0).transpose(), ">d"),
        (view(d, "B", &[4, 6], Some(&[-24, 3]), 72), "<H"),
        (view(d, "<I", &[3, 5], Some(&[0, 4]), 0), "<Q"),
        (view(d, "<I", &[], None, 4), ">Q"),
        (view(d, "<I", &[3, 0], None, 0), ">Q"),
        (view(f, ">d", &[4, 6], None, 0), "<d"),
        (view(f, ">d", &[4, 3], Some(&[48, 16]), 8), "<f"),
        (view(f, ">d", &[4, 6], None, 0), "<Zd"),
        (view(f, ">d", &[4, 6], None, 0), "<e"),
        (view(f, ">d", &[4, 6], None, 0), "<h"),
        (view(f, ">d", &[2, 2], Some(&[96, 16]), 0), "<h"),
    ];
    for (k, (src, df)) in cases.iter().enumerate() {
        for order in [Order::C, Order::F, Order::A] {
            let fortran = match order {
                Order::C => false,
                Order::F => true,
                Order::A => !src.is_c_contiguous() && src.is_f_contiguous(),
            };
            // The reference: copy_from_converted into a C-contiguous destination of the
            // shape walked (the transpose's for F order), then its bytes.
            let (shape, walked) = if fortran {
                let mut s = src.shape().to_vec();
                s.reverse();
                (s, src.transpose())
            } else {
                (src.shape().to_vec(), src.clone())
            };
            let size = memview::format::Format::parse(df).unwrap().itemsize();
            let mut want = vec![0u8; size * shape.iter().product::<usize>()];
            let reference = MemoryViewMut::from_parts(&mut want, df, &shape, None, 0)
                .unwrap()
                .copy_from_converted(&walked);
            let got = src.to_bytes_as(df, order);
            match reference {
                Ok(()) => assert_eq!(got.unwrap(), want, "case {k}, {order:?}"),
                // Refusals name the first value in the source's own C order.
                Err(_) => {
                    let e = got.unwrap_err();
                    let mut c = vec![0u8; size * src.shape().iter().product::<usize>()];
                    let c_err = MemoryViewMut::from_parts(&mut c, df, src.shape(), None, 0)
                        .unwrap()
                        .copy_from_converted(src)
                        .unwrap_err();
                    assert_eq!(e, c_err, "case {k}, {order:?}");
                }
            }
        }
    }
}

/// A view's shape, strides (C-contiguous when `None`) and offset.
type Layout<'a> = (&'a [usize], Option<Vec<isize>>, usize);

/// A byte-order change of the same scalar (`>d` to `<d`, `<H` to `>H`, ...) is the copy
/// kernel with each item reversed: checked against the plain bytes reversed item by item and
/// against the values, on strided, reversed, transposed, zero-stride, one-item, 0-d and empty
/// layouts, C and F order, for 2-, 4- and 8-byte integers and floats (NaN payloads kept).
#[test]
fn byte_order_changes_reverse_every_item() {
    let data: Vec<u8> = (0..4 * 6 * 8u32).map(|i| (i * 37 % 251) as u8).collect();
    let other = |f: &str| {
        let (order, code) = f.split_at(1);
        format!("{}{code}", if order == "<" { ">" } else { "<" })
    };
    // Under Miri (slow here), one format per width class.
    let formats: &[&str] = if cfg!(miri) {
        &[">H", ">d"]
    } else {
        &[">H", "<h", ">i", "<I", ">q", "<Q", ">e", "<f", ">d"]
    };
    for &fmt in formats {
        let size = memview::format::Format::parse(fmt).unwrap().itemsize();
        let layouts: Vec<Layout<'_>> = vec![
            (&[4, 3], None, 0),
            (
                &[2, 3],
                Some(vec![2 * 6 * size as isize, 2 * size as isize]),
                0,
            ),
            (
                &[4, 3],
                Some(vec![-(3 * size as isize), size as isize]),
                9 * size,
            ),
            (&[3, 4], Some(vec![size as isize, 3 * size as isize]), 0),
            (&[3, 4], Some(vec![0, size as isize]), size),
            (&[1], None, size),
            (&[], None, 2 * size),
            (&[2, 0], None, 0),
        ];
        for (shape, strides, offset) in layouts {
            let src =
                MemoryView::from_parts(&data, fmt, shape, strides.as_deref(), offset).unwrap();
            let to = other(fmt);
            for order in [Order::C, Order::F] {
                let plain = src.to_bytes(order);
                let want: Vec<u8> = plain
                    .chunks(size)
                    .flat_map(|c| c.iter().rev().copied())
                    .collect();
                let got = src.to_bytes_as(&to, order).unwrap();
                assert_eq!(got, want, "{fmt} -> {to} {shape:?} {strides:?} {order:?}");
            }
            let mut out = vec![0u8; size * shape.iter().product::<usize>()];
            let mut dst = MemoryViewMut::from_parts(&mut out, &to, shape, None, 0).unwrap();
            dst.copy_from_converted(&src).unwrap();
            let want: Vec<u8> = src
                .to_bytes(Order::C)
                .chunks(size)
                .flat_map(|c| c.iter().rev().copied())
                .collect();
            assert_eq!(out, want, "{fmt} -> {to} {shape:?} copy_from_converted");
            // Into every other item of every other row (NumPy's `dst[::2, ::2] = src`, gaps
            // between the items): those items change, and nothing else.
            if let &[rows, cols] = shape {
                let whole_shape = [2 * rows, 2 * cols];
                let n = size * whole_shape[0] * whole_shape[1];
                let mut out: Vec<u8> = (0..n).map(|i| (i % 7) as u8 ^ 0x55).collect();
                let mut expect = out.clone();
                let mut whole =
                    MemoryViewMut::from_parts(&mut out, &to, &whole_shape, None, 0).unwrap();
                let mut every_other = whole.select_mut("::2, ::2").unwrap();
                every_other.copy_from_converted(&src).unwrap();
                for (k, item) in want.chunks(size).enumerate() {
                    let at = (2 * (k / cols) * whole_shape[1] + 2 * (k % cols)) * size;
                    expect[at..at + size].copy_from_slice(item);
                }
                assert_eq!(out, expect, "{fmt} -> {to} {shape:?} into [::2, ::2]");
            }
        }
    }
    // A transpose long enough for the kernel's tiles (rows 320 bytes apart), odd extents.
    let rows = if cfg!(miri) { 5 } else { 41 };
    let big: Vec<u8> = (0..rows * 40 * 8u32)
        .map(|i| (i * 13 % 253) as u8)
        .collect();
    let formats: &[&str] = if cfg!(miri) {
        &[">d"]
    } else {
        &[">d", "<H", ">i"]
    };
    for &fmt in formats {
        let size = memview::format::Format::parse(fmt).unwrap().itemsize();
        let cols = big.len() / size / rows as usize;
        let v = MemoryView::from_parts(&big, fmt, &[rows as usize, cols], None, 0).unwrap();
        let t = v.transpose();
        let to = other(fmt);
        for order in [Order::C, Order::F] {
            let want: Vec<u8> = t
                .to_bytes(order)
                .chunks(size)
                .flat_map(|c| c.iter().rev().copied())
                .collect();
            assert_eq!(
                t.to_bytes_as(&to, order).unwrap(),
                want,
                "{fmt} transposed {order:?}"
            );
        }
        let mut out = vec![0u8; big.len()];
        let mut dst =
            MemoryViewMut::from_parts(&mut out, &to, &[cols, rows as usize], None, 0).unwrap();
        dst.copy_from_converted(&t).unwrap();
        let want: Vec<u8> = t
            .to_bytes(Order::C)
            .chunks(size)
            .flat_map(|c| c.iter().rev().copied())
            .collect();
        assert_eq!(out, want, "{fmt} transposed copy_from_converted");
    }
    // Sources spanning more than L2 (over 4 MiB), odd row lengths: 2- and 4-byte items are
    // copied as they are, then swapped in place 32 bytes at a time (a tail shorter than 32
    // bytes); doubles take the two-per-register swap where the CPU has SSSE3 (a tail of 1-3).
    if !cfg!(miri) {
        let huge: Vec<u8> = (0..(5usize << 20) as u32)
            .map(|i| (i * 29 % 251) as u8)
            .collect();
        for fmt in [">d", "<f", ">H"] {
            let size = memview::format::Format::parse(fmt).unwrap().itemsize();
            let cols = 1003;
            let rows = huge.len() / size / cols;
            let v =
                MemoryView::from_parts(&huge[..rows * cols * size], fmt, &[rows, cols], None, 0)
                    .unwrap();
            let to = other(fmt);
            for sub in ["::2, ::3", "::-1, 1:", "::2"] {
                let sv = v.select(sub).unwrap();
                let want: Vec<u8> = sv
                    .to_bytes(Order::C)
                    .chunks(size)
                    .flat_map(|c| c.iter().rev().copied())
                    .collect();
                assert_eq!(sv.to_bytes_as(&to, Order::C).unwrap(), want, "{fmt} {sub}");
            }
        }
    }
    // Same byte order, same scalar: the bytes as they are.
    let v = MemoryView::from_parts(&data, "<i", &[2, 3], Some(&[48, 8]), 4).unwrap();
    assert_eq!(v.to_bytes_as("<i", Order::C).unwrap(), v.to_bytes(Order::C));
    assert_eq!(v.to_bytes_as("<l", Order::F).unwrap(), v.to_bytes(Order::F));
}

/// `to_bytes_as` in runs (the source's items read end to end in the walk's order, converted
/// straight into the output), at the edges of the runs: a 0-d view, empty shapes, axes of
/// length 1, blocks of merged axes with gaps between them, an F-order walk of a transposed
/// view, a misaligned source, and every byte-order pair. Each answer is the item-by-item one:
/// each item of the source in the walk's order unpacked and packed again in the destination's
/// format.
#[test]
fn to_bytes_as_in_runs_at_the_edges() {
    use memview::pack::Struct;
    let data: Vec<u8> = (0..4096u32).map(|i| (i * 7 % 23) as u8).collect();
    // (source format, destination format): the values (bytes below 23) fit every pair.
    let pairs = [
        ("<i", "<d"),
        ("<i", ">d"),
        (">H", "<I"),
        (">H", ">q"),
        ("<h", ">f"),
        ("B", "<f"),
    ];
    // (shape, strides or None for C-contiguous, offset, order, selection or "")
    type Case = (
        &'static [usize],
        Option<&'static [isize]>,
        usize,
        Order,
        &'static str,
    );
    let cases: &[Case] = &[
        (&[], None, 0, Order::C, ""),
        (&[0, 5], None, 0, Order::C, ""),
        (&[3, 0], None, 0, Order::F, ""),
        (&[1, 7, 1], None, 0, Order::C, ""),
        (&[4, 3, 5], None, 0, Order::C, "::2"),
        (&[4, 3, 5], None, 0, Order::C, "1:, :2"),
        (&[6, 9], None, 1, Order::C, ""),
        (&[6, 9], None, 3, Order::F, "T"),
        (&[6, 9], None, 0, Order::A, "T"),
        (&[5, 4], None, 2, Order::F, ""),
    ];
    for (sf, df) in pairs {
        let (s, d) = (Struct::new(sf).unwrap(), Struct::new(df).unwrap());
        for &(shape, strides, offset, order, sel) in cases {
            let n: usize = shape.iter().product();
            let bytes = &data[..offset + n * s.size()];
            let whole = MemoryView::from_parts(bytes, sf, shape, strides, offset).unwrap();
            let v = match sel {
                "" => whole,
                "T" => whole.transpose(),
                sel => whole.select(sel).unwrap(),
            };
            let want: Vec<u8> = v
                .to_bytes(order)
                .chunks(s.size())
                .flat_map(|item| d.pack(&s.unpack(item).unwrap()).unwrap())
                .collect();
            let got = v.to_bytes_as(df, order).unwrap();
            assert_eq!(
                got, want,
                "{sf} to {df}, {shape:?} +{offset} [{sel}] {order:?}"
            );
        }
    }
}
