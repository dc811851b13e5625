//! Moving bytes: `tobytes` in any order, and `hex`. The copying itself is the raw module's
//! gather kernel ([`RawView::gather_into`]): a contiguous view is one `memcpy`, a strided one
//! moves fixed-size items (or tiles, for transposes) straight into the output's spare
//! capacity, with no zero-fill pass and no per-item bounds check.

#![forbid(unsafe_code)]

use super::error::ViewError;
use super::raw::{RawView, Storage};
use super::Order;

/// Whether `order` walks the view in Fortran order (CPython's `tobytes` rule for `'A'`:
/// the physical order when the view is F- but not C-contiguous, C order otherwise).
pub(crate) fn walks_fortran<S: Storage>(raw: &RawView<S>, order: Order) -> bool {
    let g = raw.geom();
    match order {
        Order::C => false,
        Order::F => true,
        Order::A => !g.is_c_contiguous() && g.is_f_contiguous(),
    }
}

/// `tobytes(order)`; like `Vec::with_capacity`, aborts if the allocation fails.
pub(crate) fn to_bytes<S: Storage>(raw: &RawView<S>, order: Order) -> Vec<u8> {
    let mut out = Vec::with_capacity(raw.geom().nbytes());
    raw.gather_into(walks_fortran(raw, order), &mut out);
    out
}

/// `tobytes(order)`, with [`ViewError::AllocationFailed`] when the output cannot be allocated
/// (a broadcast view of 2^40 items over one byte).
pub(crate) fn try_to_bytes<S: Storage>(
    raw: &RawView<S>,
    order: Order,
) -> Result<Vec<u8>, ViewError> {
    let n = raw.geom().nbytes();
    let mut out = Vec::new();
    out.try_reserve_exact(n)
        .map_err(|_| ViewError::AllocationFailed { bytes: n as u128 })?;
    raw.gather_into(walks_fortran(raw, order), &mut out);
    Ok(out)
}

/// `bytes.hex(sep, bytes_per_sep)`: lowercase hex, with `sep` between groups of
/// `|bytes_per_sep|` bytes counted from the right (positive) or the left (negative).
pub(crate) fn hex(
    bytes: &[u8],
    sep: Option<char>,
    bytes_per_sep: isize,
) -> Result<String, ViewError> {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    if let Some(sep) = sep {
        if !sep.is_ascii() {
            return Err(ViewError::HexSeparatorNotAscii { sep });
        }
    }
    let group = bytes_per_sep.unsigned_abs();
    let sep = sep.filter(|_| group > 0);
    let n = bytes.len();
    let mut out = String::with_capacity(n.saturating_mul(3));
    for (i, &b) in bytes.iter().enumerate() {
        if let Some(sep) = sep {
            let boundary = if bytes_per_sep > 0 {
                (n - i).is_multiple_of(group)
            } else {
                i.is_multiple_of(group)
            };
            if i > 0 && boundary {
                out.push(sep);
            }
        }
        out.push(DIGITS[usize::from(b >> 4)] as char);
        out.push(DIGITS[usize::from(b & 15)] as char);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::MemoryView;

    /// The item-by-item and tiled copies agree with the item walk on every layout they take:
    /// each fixed itemsize and every size class of the other sizes, strided, reversed,
    /// transposed with partial tiles, 3-D, in C and F order.
    #[test]
    fn strided_and_transposed_copies_match_item_order() {
        let len = if cfg!(miri) { 16_000u32 } else { 3_300_000 };
        let buf: Vec<u8> = (0..len).map(|i| (i * 7 % 251) as u8).collect();
        // Every size class of the item kernels: the fixed sizes, the overlapping pairs of
        // 2, 4, 8, 16 and 32 bytes at both ends of their ranges, and `memcpy` beyond 64
        // (under Miri, which is slow here, one pair and `memcpy` on a smaller buffer).
        let odd: &[usize] = if cfg!(miri) {
            &[29, 65]
        } else {
            &[3, 5, 7, 9, 12, 15, 17, 29, 31, 32, 33, 48, 64, 65, 100]
        };
        let odd: Vec<(String, usize)> = odd.iter().map(|&n| (format!("{n}s"), n)).collect();
        let fixed = [("B", 1), ("<H", 2), ("<I", 4), ("<Q", 8), ("<Zd", 16)];
        let all = fixed.iter().map(|&(f, n)| (f.to_owned(), n)).chain(odd);
        for (fmt, size) in all {
            let fmt = fmt.as_str();
            // Under Miri, shapes just past one transpose tile (32) on the long side, and few
            // rows (each item is compared byte by byte, which Miri runs slowly).
            let (v_shape, w_shape): (&[usize], &[usize]) = if cfg!(miri) {
                (&[3, 34], &[2, 2, 34])
            } else {
                (&[33, 70], &[5, 6, 40])
            };
            let v = MemoryView::from_parts(&buf, fmt, v_shape, None, 0).unwrap();
            let w = MemoryView::from_parts(&buf, fmt, w_shape, None, 0).unwrap();
            // Items over 16 bytes are tiled only past `UNTILED_MAX` (2048) items per row, and
            // only when rows are 256 bytes or more apart.
            let long: &[usize] = if cfg!(miri) { &[3, 34] } else { &[2049, 16] };
            let long = MemoryView::from_parts(&buf, fmt, long, None, 0).unwrap();
            // A buffer that ends where the view does: the items within 32 bytes of its end
            // are never read past (17- to 31-byte items move 32 bytes at a time elsewhere).
            let tight = &buf[..v_shape.iter().product::<usize>() * size];
            let t = MemoryView::from_parts(tight, fmt, v_shape, None, 0).unwrap();
            let cases = [
                t.select("::2, ::3").unwrap(),
                t.select("::-1, ::-2").unwrap(),
                t.select(":, 1:").unwrap(),
                t.transpose(),
                long.transpose(),
                v.clone(),
                v.select("::2, ::3").unwrap(),
                v.select("::-1, ::-2").unwrap(),
                v.transpose(),
                v.select("1:, ::2").unwrap().transpose(),
                w.transpose(),
                w.permute_axes(&[2, 0, 1]).unwrap(),
                w.select("::2, :, ::-3").unwrap(),
            ];
            for (k, c) in cases.iter().enumerate() {
                let expected: Vec<u8> = c.raw().shared().items(false).flatten().copied().collect();
                assert_eq!(c.to_bytes(Order::C), expected, "{fmt} case {k}");
                let f: Vec<u8> = c.raw().shared().items(true).flatten().copied().collect();
                assert_eq!(c.to_bytes(Order::F), f, "{fmt} case {k} F");
                assert_eq!(c.to_bytes(Order::C).len(), c.nbytes());
                assert_eq!(c.nbytes() % size, 0);
            }
        }
    }

    /// Copies into strided destinations (from a contiguous source, from a strided one, and
    /// fills) write exactly the destination's items, each with its value, and leave every
    /// other byte as it was: the masked-store rows (gaps up to 32 bytes, and items of odd
    /// sizes one by one), the prefetched rows of large destinations (under Miri every
    /// destination over 256 bytes counts as large) and the plain loops, from several
    /// alignments.
    #[test]
    fn strided_writes_touch_only_their_items() {
        use crate::{MemoryViewMut, Value};
        let sizes: &[usize] = if cfg!(miri) {
            &[1, 3, 8, 29]
        } else {
            &[1, 2, 3, 4, 5, 8, 12, 16, 17, 29, 31, 33]
        };
        let (shape, selections): (&[usize], &[&str]) = if cfg!(miri) {
            (&[4, 24], &["::2, ::2", "1::3, 3::5", ":, ::-2"])
        } else {
            (
                &[9, 300],
                &[
                    "::2, ::2",
                    "1::3, 3::5",
                    ":, ::-2",
                    "::2, 5:290:2",
                    "::-1, 1::4",
                    "2:5, ::9",
                ],
            )
        };
        let starts: &[usize] = if cfg!(miri) { &[1] } else { &[0, 1, 5] };
        for &size in sizes {
            let fmt = format!("{size}s");
            for &start in starts {
                let len = start + shape.iter().product::<usize>() * size;
                let original: Vec<u8> = (0..len).map(|i| (i * 13 % 251) as u8).collect();
                for sel in selections {
                    for mode in ["contiguous", "strided", "fill"] {
                        let mut buf = original.clone();
                        let at = buf.as_ptr() as usize;
                        let mut whole =
                            MemoryViewMut::from_parts(&mut buf, &fmt, shape, None, start).unwrap();
                        let mut dst = whole.select_mut(sel).unwrap();
                        let places: Vec<usize> = (dst.raw().shared().items(false))
                            .map(|item| item.as_ptr() as usize - at)
                            .collect();
                        let dims = dst.shape().to_vec();
                        // Source item `k` of the model: contiguous, every other item of a
                        // twice-longer buffer, or the one fill item.
                        let values: Vec<u8> = (0..2 * places.len() * size)
                            .map(|i| (i * 7 + 3) as u8 | 0x80)
                            .collect();
                        let item: Vec<u8> = (0..size as u8).map(|b| b ^ 0x5a).collect();
                        let source = |k: usize| match mode {
                            "contiguous" => &values[k * size..][..size],
                            "strided" => &values[2 * k * size..][..size],
                            _ => &item[..],
                        };
                        match mode {
                            "contiguous" => {
                                let src = MemoryView::from_parts(&values, &fmt, &dims, None, 0);
                                dst.copy_from(&src.unwrap()).unwrap();
                            }
                            "strided" => {
                                let mut strides = vec![2 * size as isize; dims.len()];
                                for k in (0..dims.len().saturating_sub(1)).rev() {
                                    strides[k] = strides[k + 1] * dims[k + 1] as isize;
                                }
                                let src =
                                    MemoryView::from_parts(&values, &fmt, &dims, Some(&strides), 0);
                                dst.copy_from(&src.unwrap()).unwrap();
                            }
                            _ => dst.fill(Value::Bytes(item.clone())).unwrap(),
                        }
                        drop(whole);
                        let mut want = original.clone();
                        for (k, &p) in places.iter().enumerate() {
                            want[p..p + size].copy_from_slice(source(k));
                        }
                        assert_eq!(buf, want, "{fmt} from {start}, [{sel}], {mode}");
                    }
                }
            }
        }
    }

    /// Converting copies go in packed runs (`convert_strided`): staged gathers of strided
    /// sources, staged scatters into strided destinations (masked stores or the plain loop),
    /// several short rows per run, pieces of rows longer than a stage, broadcast and reversed
    /// sources. Every pair gives the item-by-item answer and leaves every byte outside the
    /// destination's items as it was.
    #[test]
    fn converting_copies_in_runs_match_item_by_item() {
        use crate::{pack::Struct, MemoryViewMut, Value};
        // (source format, destination format), integers that every pair holds exactly.
        let pairs: &[(&str, &str)] = if cfg!(miri) {
            &[("<i", ">d"), ("B", "<H")]
        } else {
            &[
                ("<i", "<d"),
                ("<i", ">d"),
                (">H", "<I"),
                ("B", "<H"),
                ("<d", "<f"),
                ("<h", "<q"),
                (">f", "<Zd"),
            ]
        };
        // The bytes of the values -20..80 in `fmt`.
        let table = |fmt: &str| -> Vec<Vec<u8>> {
            let s = Struct::new(fmt).unwrap();
            (-20i64..80)
                .map(|v| {
                    let value = if fmt.ends_with(['d', 'f']) {
                        Value::Float(v as f64)
                    } else if fmt.ends_with("Zd") {
                        Value::Complex(num_complex::Complex64::new(v as f64, 0.0))
                    } else {
                        Value::Int(v.into())
                    };
                    s.pack(&[value]).unwrap_or_default()
                })
                .collect()
        };
        // Rows longer than a stage (8 KiB; 256 bytes under Miri) go in pieces.
        let (shape, selections): (&[usize], &[&str]) = if cfg!(miri) {
            (&[3, 70], &["::2, ::2", ":, ::-3", "::2, :"])
        } else {
            (
                &[7, 2300],
                &[
                    "::2, ::2",
                    ":, ::-3",
                    "1:3, :",
                    "::2, :",
                    "::-1, 5:2000:7",
                    "2:5, ::9",
                ],
            )
        };
        for &(sf, df) in pairs {
            let (s_bytes, d_bytes) = (table(sf), table(df));
            let encode = |bytes: &[Vec<u8>], v: i64| bytes[(v + 20) as usize].clone();
            let (ss, ds) = (s_bytes[20].len(), d_bytes[20].len());
            let len = 1 + shape.iter().product::<usize>() * ds;
            let original: Vec<u8> = (0..len).map(|i| (i * 13 % 251) as u8).collect();
            for sel in selections {
                for mode in ["packed", "gapped", "strided", "reversed", "rows", "columns"] {
                    let mut buf = original.clone();
                    let at = buf.as_ptr() as usize;
                    let mut whole =
                        MemoryViewMut::from_parts(&mut buf, df, shape, None, 1).unwrap();
                    let mut dst = whole.select_mut(sel).unwrap();
                    let places: Vec<usize> = (dst.raw().shared().items(false))
                        .map(|item| item.as_ptr() as usize - at)
                        .collect();
                    let dims = dst.shape().to_vec();
                    let (rows, cols) = (dims[0], dims[1]);
                    // The source's values, in C order of the source view made below.
                    let count = match mode {
                        "rows" => cols,
                        "columns" => rows,
                        _ => rows * cols,
                    };
                    let values: Vec<i64> = (0..count as i64).map(|k| k * 7 % 100 - 20).collect();
                    let values = if sf.starts_with(['>', 'B']) && sf != ">f" {
                        values.iter().map(|v| v.abs()).collect()
                    } else {
                        values
                    };
                    // "gapped": packed rows, 3 items apart.
                    let spaced = |k: usize| match mode {
                        "strided" => 2 * k,
                        "gapped" => k + k / cols * 3,
                        _ => k,
                    };
                    let mut bytes = vec![0u8; spaced(count) * ss + ss];
                    for (k, &v) in values.iter().enumerate() {
                        bytes[spaced(k) * ss..][..ss].copy_from_slice(&encode(&s_bytes, v));
                    }
                    let (src_shape, strides): (Vec<usize>, Vec<isize>) = match mode {
                        "rows" => (vec![cols], vec![ss as isize]),
                        "columns" => (vec![rows, 1], vec![ss as isize, 0]),
                        "strided" => (
                            dims.clone(),
                            vec![(2 * cols * ss) as isize, 2 * ss as isize],
                        ),
                        "reversed" => (dims.clone(), vec![(cols * ss) as isize, -(ss as isize)]),
                        "gapped" => (dims.clone(), vec![((cols + 3) * ss) as isize, ss as isize]),
                        _ => (dims.clone(), vec![(cols * ss) as isize, ss as isize]),
                    };
                    let start = if mode == "reversed" {
                        (cols - 1) * ss
                    } else {
                        0
                    };
                    let src = MemoryView::from_parts(&bytes, sf, &src_shape, Some(&strides), start)
                        .unwrap();
                    dst.copy_from_converted(&src).unwrap();
                    drop(whole);
                    let mut want = original.clone();
                    for (k, &p) in places.iter().enumerate() {
                        let (i, j) = (k / cols, k % cols);
                        let v = match mode {
                            "rows" => values[j],
                            "columns" => values[i],
                            "reversed" => values[i * cols + (cols - 1 - j)],
                            _ => values[k],
                        };
                        want[p..p + ds].copy_from_slice(&encode(&d_bytes, v));
                    }
                    assert_eq!(buf, want, "{sf} to {df}, [{sel}], {mode}");
                    // `to_bytes_as` of the same source (not broadcast: the destination's
                    // shape), in runs into a fresh output or item by item: the destination's
                    // items just written, in C order and in F order.
                    if !matches!(mode, "rows" | "columns") {
                        let item = |k: usize| &want[places[k]..places[k] + ds];
                        let c: Vec<u8> = (0..rows * cols).flat_map(item).copied().collect();
                        let f: Vec<u8> = (0..rows * cols)
                            .flat_map(|k| item(k % rows * cols + k / rows))
                            .copied()
                            .collect();
                        for (order, want) in [(Order::C, c), (Order::F, f)] {
                            let got = src.to_bytes_as(df, order).unwrap();
                            assert_eq!(got, want, "{sf} as {df}, [{sel}], {mode}, {order:?}");
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn hex_groups_like_cpython() {
        // Outputs from CPython 3.11 `bytes.hex`.
        let b = [0xb9, 0x01, 0xef];
        assert_eq!(hex(&b, None, 1).unwrap(), "b901ef");
        assert_eq!(hex(&b, Some(':'), 1).unwrap(), "b9:01:ef");
        assert_eq!(hex(&b, Some(':'), 2).unwrap(), "b9:01ef");
        assert_eq!(hex(&b, Some(':'), -2).unwrap(), "b901:ef");
        assert_eq!(hex(&b, Some(':'), 0).unwrap(), "b901ef");
        assert_eq!(hex(&b, Some(':'), 3).unwrap(), "b901ef");
        assert_eq!(hex(&b, Some(':'), 100).unwrap(), "b901ef");
        assert_eq!(hex(&b, Some(':'), isize::MIN).unwrap(), "b901ef");
        assert_eq!(hex(&b, None, 2).unwrap(), "b901ef");
        let five = [1, 2, 3, 4, 5];
        assert_eq!(hex(&five, Some(' '), 2).unwrap(), "01 0203 0405");
        assert_eq!(hex(&five, Some(' '), -2).unwrap(), "0102 0304 05");
        assert_eq!(hex(&[], Some('-'), 2).unwrap(), "");
        assert_eq!(
            hex(&b, Some('é'), 1),
            Err(ViewError::HexSeparatorNotAscii { sep: 'é' })
        );
        assert_eq!(
            ViewError::HexSeparatorNotAscii { sep: 'é' }.to_string(),
            "sep must be ASCII. (got 'é')"
        );
    }
}
