//! Strided copies over matrices larger than the copy kernels' "beyond the caches" threshold
//! (32 MiB), checked item by item against plain loops: the paths that only such sizes take
//! natively — scatters and fills whose destination is prefetched ahead, gathers that prefetch a
//! source with gaps too wide for masked loads, the converting copy's prefetched scatter out of
//! its stage, transposes that prefetch their next tile — with the CPU's real instructions.
//! (Under Miri the same paths run at 256 bytes, in the library's unit tests; these sizes are
//! too large for it.)

#![cfg(not(miri))]

use memview::{MemoryView, MemoryViewMut, Order, Value};

/// Bytes of each destination matrix: past the 32 MiB threshold.
const BIG: usize = 34 << 20;
/// Columns: odd, so that rows end in the middle of blocks of items and of pieces.
const COLS: usize = 4099;

fn pattern(n: usize, seed: u32) -> Vec<u8> {
    (0..n as u32)
        .map(|i| (i.wrapping_mul(2_654_435_761).wrapping_add(seed) >> 13) as u8)
        .collect()
}

/// The items `(i, j)` of `[::rs, ::cs]` of a `rows × COLS` matrix of `k`-byte items, in C
/// order, as byte offsets.
fn selected(rows: usize, k: usize, (rs, cs): (usize, usize)) -> impl Iterator<Item = usize> {
    (0..rows)
        .step_by(rs)
        .flat_map(move |i| (0..COLS).step_by(cs).map(move |j| (i * COLS + j) * k))
}

fn format_of(k: usize) -> String {
    match k {
        2 => "<H".into(),
        4 => "<I".into(),
        8 => "<Q".into(),
        _ => format!("{k}s"),
    }
}

#[test]
fn strided_copies_beyond_the_caches_match_plain_loops() {
    for k in [2, 4, 8, 16, 29] {
        let fmt = format_of(k);
        let rows = BIG / (COLS * k) + 1;
        let data = pattern(rows * COLS * k, k as u32);
        let v = MemoryView::from_parts(&data, &fmt, &[rows, COLS], None, 0).unwrap();

        // Gathers: masked loads (`::2`, items 2k apart), and items 5k apart, beyond the masked
        // loads' reach for 8 bytes and more (prefetched ahead).
        for (sub, steps) in [("::2, ::2", (2, 2)), ("::3, ::5", (3, 5))] {
            let want: Vec<u8> = selected(rows, k, steps)
                .flat_map(|p| data[p..p + k].iter().copied())
                .collect();
            let got = v.select(sub).unwrap().to_bytes(Order::C);
            assert!(got == want, "{k}-byte items: to_bytes of [{sub}]");
        }

        // Scatter: `assign` into `[::2, ::2]`, every other byte left as it was.
        let (hr, hc) = (rows.div_ceil(2), COLS.div_ceil(2));
        let src_bytes = pattern(hr * hc * k, 7 + k as u32);
        let src = MemoryView::from_parts(&src_bytes, &fmt, &[hr, hc], None, 0).unwrap();
        let mut want = data.clone();
        for (n, p) in selected(rows, k, (2, 2)).enumerate() {
            want[p..p + k].copy_from_slice(&src_bytes[n * k..n * k + k]);
        }
        let mut out = data.clone();
        MemoryViewMut::from_parts(&mut out, &fmt, &[rows, COLS], None, 0)
            .unwrap()
            .assign("::2, ::2", &src)
            .unwrap();
        assert!(out == want, "{k}-byte items: assign into [::2, ::2]");

        // Fill of `[::2, ::3]`.
        let (value, item): (Value, Vec<u8>) = match k {
            2 | 4 | 8 => (
                Value::Int(0x0102_0304_0506_0708 & ((1i128 << (8 * k)) - 1)),
                0x0102_0304_0506_0708u64.to_le_bytes()[..k].to_vec(),
            ),
            _ => {
                let item: Vec<u8> = (1..=k as u8).collect();
                (Value::Bytes(item.clone()), item)
            }
        };
        let mut want = data.clone();
        for p in selected(rows, k, (2, 3)) {
            want[p..p + k].copy_from_slice(&item);
        }
        let mut out = data.clone();
        let mut m = MemoryViewMut::from_parts(&mut out, &fmt, &[rows, COLS], None, 0).unwrap();
        m.select_mut("::2, ::3").unwrap().fill(value).unwrap();
        assert!(out == want, "{k}-byte items: fill of [::2, ::3]");
    }
}

#[test]
fn converting_copies_beyond_the_caches_match_plain_loops() {
    let rows = BIG / (COLS * 8) + 1;
    let data = pattern(rows * COLS * 8, 3);
    let (hr, hc) = (rows.div_ceil(2), COLS.div_ceil(2));
    // `<i` and `>d` sources, the half-size packed matrices `copy_from_converted` writes into
    // `[::2, ::2]` of a `<d` matrix.
    let ints: Vec<i32> = (0..(hr * hc) as i32)
        .map(|i| i.wrapping_mul(7919) - 1000)
        .collect();
    let int_bytes: Vec<u8> = ints.iter().flat_map(|x| x.to_le_bytes()).collect();
    let doubles: Vec<f64> = ints.iter().map(|&x| f64::from(x) / 8.0).collect();
    let double_bytes: Vec<u8> = doubles.iter().flat_map(|x| x.to_be_bytes()).collect();
    for (fmt, bytes, values) in [
        (
            "<i",
            &int_bytes,
            ints.iter().map(|&x| f64::from(x)).collect::<Vec<_>>(),
        ),
        (">d", &double_bytes, doubles.clone()),
    ] {
        let src = MemoryView::from_parts(bytes, fmt, &[hr, hc], None, 0).unwrap();
        let mut want = data.clone();
        for (n, p) in selected(rows, 8, (2, 2)).enumerate() {
            want[p..p + 8].copy_from_slice(&values[n].to_le_bytes());
        }
        let mut out = data.clone();
        MemoryViewMut::from_parts(&mut out, "<d", &[rows, COLS], None, 0)
            .unwrap()
            .select_mut("::2, ::2")
            .unwrap()
            .copy_from_converted(&src)
            .unwrap();
        assert!(out == want, "{fmt} into [::2, ::2] of <d");
    }
}

#[test]
fn transposes_beyond_the_caches_match_plain_loops() {
    // Sources over 4 MiB (their next tile prefetched) into outputs over 1.5 MiB (the next
    // tile's destination prefetched).
    for k in [1, 2, 4, 8, 29] {
        let fmt = if k == 1 { "B".into() } else { format_of(k) };
        let (rows, cols) = (1001, (5 << 20) / (1001 * k) + 1);
        let data = pattern(rows * cols * k, 11);
        let v = MemoryView::from_parts(&data, &fmt, &[rows, cols], None, 0).unwrap();
        let mut want = Vec::with_capacity(data.len());
        for j in 0..cols {
            for i in 0..rows {
                let p = (i * cols + j) * k;
                want.extend_from_slice(&data[p..p + k]);
            }
        }
        assert!(
            v.transpose().to_bytes(Order::C) == want,
            "{k}-byte items: transposed to_bytes"
        );
        assert!(
            v.to_bytes(Order::F) == want,
            "{k}-byte items: to_bytes in F order"
        );
    }
}
