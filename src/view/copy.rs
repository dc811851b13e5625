//! Moving bytes: `tobytes` in any order, writing C-order bytes into a view, and `hex`.
//!
//! Copies go run by run: [`RawView::for_each_run`] merges the innermost axes that are laid out
//! contiguously, so a contiguous view is one `memcpy` and a strided one is one `memcpy` per
//! longest contiguous run.

#![forbid(unsafe_code)]

use super::error::ViewError;
use super::raw::{Bytes, RawView};
use super::Order;

/// Whether `order` walks the view in Fortran order (CPython's `tobytes` rule for `'A'`:
/// the physical order when the view is F- but not C-contiguous, C order otherwise).
pub(crate) fn walks_fortran<B: Bytes>(raw: &RawView<B>, order: Order) -> bool {
    let g = raw.geom();
    match order {
        Order::C => false,
        Order::F => true,
        Order::A => !g.is_c_contiguous() && g.is_f_contiguous(),
    }
}

/// `tobytes(order)`; like `Vec::with_capacity`, aborts if the allocation fails.
pub(crate) fn to_bytes<B: Bytes>(raw: &RawView<B>, order: Order) -> Vec<u8> {
    let mut out = Vec::with_capacity(raw.geom().nbytes());
    fill_bytes(raw, order, &mut out);
    out
}

/// `tobytes(order)`, with [`ViewError::AllocationFailed`] when the output cannot be allocated
/// (a broadcast view of 2^40 items over one byte).
pub(crate) fn try_to_bytes<B: Bytes>(raw: &RawView<B>, order: Order) -> Result<Vec<u8>, ViewError> {
    let n = raw.geom().nbytes();
    let mut out = Vec::new();
    out.try_reserve_exact(n)
        .map_err(|_| ViewError::AllocationFailed { bytes: n as u128 })?;
    fill_bytes(raw, order, &mut out);
    Ok(out)
}

/// Append the view's bytes in `order` to `out` (which has room for them).
fn fill_bytes<B: Bytes>(raw: &RawView<B>, order: Order, out: &mut Vec<u8>) {
    raw.for_each_run(walks_fortran(raw, order), |run| out.extend_from_slice(run));
}

/// Write `data` (exactly `nbytes` bytes, in C order of the view's elements) into the view.
pub(crate) fn write_c_order(raw: &mut RawView<&mut [u8]>, data: &[u8]) {
    debug_assert_eq!(data.len(), raw.geom().nbytes());
    let mut rest = data;
    raw.for_each_run_mut(false, |run| {
        let (head, tail) = rest.split_at(run.len().min(rest.len()));
        run[..head.len()].copy_from_slice(head);
        rest = tail;
    });
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
