//! Element-wise work that goes through [`Value`]: `get`, `tolist`, `==`, `set`, `fill`, and the
//! format-equivalence rule of assignment.
//!
//! Byte positions come from the iterative walkers of the raw module (no per-element index
//! vector); each element is decoded or encoded by the codec.

#![forbid(unsafe_code)]

use crate::codec::{self, PackError};
use crate::format::{Format, Layout, ScalarKind};
use crate::value::Value;

use super::error::ViewError;
use super::raw::{Exclusive, Geometry, RawView, Shared, MAX_NDIM};

/// Normalise one index per axis (negative counts from the end) into `out[..ndim]`.
fn resolve_index(
    g: &Geometry,
    index: &[isize],
    out: &mut [usize; MAX_NDIM],
) -> Result<(), ViewError> {
    if index.len() != g.ndim() {
        return Err(ViewError::IndexCount {
            ndim: g.ndim(),
            given: index.len(),
        });
    }
    for (axis, (&i, &n)) in index.iter().zip(&g.shape).enumerate() {
        let resolved = if i < 0 {
            i as i128 + n as i128
        } else {
            i as i128
        };
        if resolved < 0 || resolved >= n as i128 {
            return Err(ViewError::IndexOutOfBounds {
                axis,
                index: i,
                size: n,
            });
        }
        out[axis] = resolved as usize;
    }
    Ok(())
}

/// `view[i, j, ...]`: decode the element at one index per axis.
pub(crate) fn get(
    raw: &RawView<Shared<'_>>,
    layout: &Layout,
    index: &[isize],
) -> Result<Value, ViewError> {
    let mut ix = [0usize; MAX_NDIM];
    resolve_index(raw.geom(), index, &mut ix)?;
    let ndim = raw.geom().ndim();
    let bytes = raw.item(&ix[..ndim]).ok_or(ViewError::IndexCount {
        ndim,
        given: index.len(),
    })?;
    Ok(codec::decode(layout, bytes)?)
}

/// `tolist()`: nested lists of decoded elements; the bare element for a 0-dim view.
///
/// Every list is allocated with `try_reserve_exact`, so a view that asks for more than memory
/// holds (`shape [2^62, 0]`: 2^62 empty lists; a broadcast of 2^40 items) is a
/// [`ViewError::AllocationFailed`], not a panic or an abort.
pub(crate) fn to_list(raw: &RawView<Shared<'_>>, layout: &Layout) -> Result<Value, ViewError> {
    // One scalar with an infallible decoder (every integer and float code, `?`, `c`): decode
    // straight into the nested lists, without the general codec's dispatch and `Result` per
    // element or the intermediate flat vector (`benches/codec.rs`: 8x slower otherwise).
    if let Some(fast) = layout.single_scalar().and_then(codec::FastScalar::of) {
        let g = raw.geom();
        // A C-contiguous view is one run of bytes: walk it in item-sized chunks.
        let run = !g.shape.contains(&0);
        if let Some(bytes) = raw.contiguous().filter(|_| run) {
            return nest_run(&g.shape, bytes, g.itemsize, fast);
        }
        let mut items = raw.items(false);
        return nest_with(&g.shape, &mut || items.next().map(|item| fast.decode(item)));
    }
    let g = raw.geom();
    let count = if g.shape.contains(&0) {
        0
    } else {
        g.shape
            .iter()
            .try_fold(1usize, |a, &n| a.checked_mul(n))
            .unwrap_or(usize::MAX)
    };
    let mut flat = list_with_capacity(count)?;
    for item in raw.items(false) {
        flat.push(codec::decode(layout, item)?);
    }
    let mut items = flat.into_iter();
    nest_with(&g.shape, &mut || items.next())
}

/// An empty list with room for `n` values, or [`ViewError::AllocationFailed`].
fn list_with_capacity(n: usize) -> Result<Vec<Value>, ViewError> {
    let mut v = Vec::new();
    v.try_reserve_exact(n)
        .map_err(|_| ViewError::AllocationFailed {
            bytes: n as u128 * std::mem::size_of::<Value>() as u128,
        })?;
    Ok(v)
}

/// Nested lists of `shape` from C-contiguous item bytes; each innermost list is one exact-size
/// extend over item-sized chunks.
fn nest_run(
    shape: &[usize],
    bytes: &[u8],
    itemsize: usize,
    fast: codec::FastScalar,
) -> Result<Value, ViewError> {
    match shape.split_first() {
        None => Ok(fast.decode(bytes)),
        Some((&n, [])) => {
            let mut list = list_with_capacity(n)?;
            list.extend(bytes.chunks_exact(itemsize).take(n).map(|b| fast.decode(b)));
            Ok(Value::List(list))
        }
        Some((&n, rest)) => {
            let step = rest.iter().product::<usize>() * itemsize;
            let mut list = list_with_capacity(n)?;
            for row in bytes.chunks(step.max(1)).take(n) {
                list.push(nest_run(rest, row, itemsize, fast)?);
            }
            Ok(Value::List(list))
        }
    }
}

/// Build nested lists of `shape` from the values `next` yields in C order.
fn nest_with(
    shape: &[usize],
    next: &mut impl FnMut() -> Option<Value>,
) -> Result<Value, ViewError> {
    match shape.split_first() {
        None => Ok(next().unwrap_or(Value::List(Vec::new()))),
        Some((&n, rest)) => {
            let mut list = list_with_capacity(n)?;
            for _ in 0..n {
                list.push(nest_with(rest, next)?);
            }
            Ok(Value::List(list))
        }
    }
}

/// Whether two formats can be compared by their raw item bytes: the same single scalar (code
/// kind, size and byte order) of a kind whose bytes and values are equal together. Floats are
/// excluded (NaN, `-0.0`), and so are `p`, `u` and `w` (bytes that do not affect the value).
/// `?` qualifies only when both formats are exactly native `'?'` (CPython's raw `_Bool`
/// comparison: bytes `2` and `1` differ there but compare equal through `struct`).
fn raw_comparable(a: &Format, b: &Format) -> Option<usize> {
    let (sa, sb) = (a.layout().single_scalar()?, b.layout().single_scalar()?);
    if sa.kind != sb.kind || sa.size != sb.size || (sa.size > 1 && sa.endian != sb.endian) {
        return None;
    }
    let native_bool = |f: &Format| matches!(f.as_str(), "?" | "@?");
    match sa.kind {
        ScalarKind::Int
        | ScalarKind::UInt
        | ScalarKind::Char
        | ScalarKind::Bytes
        | ScalarKind::Pointer
        | ScalarKind::Object => Some(sa.size),
        ScalarKind::Bool if native_bool(a) && native_bool(b) => Some(1),
        _ => None,
    }
}

/// `==` with CPython's semantics: same ndim and shape (compared up to and including the first
/// zero extent), then element-wise equal values; an element that cannot be decoded makes the
/// views unequal.
pub(crate) fn equal(
    a: &RawView<Shared<'_>>,
    fa: &Format,
    b: &RawView<Shared<'_>>,
    fb: &Format,
) -> bool {
    let (ga, gb) = (a.geom(), b.geom());
    if ga.ndim() != gb.ndim() {
        return false;
    }
    for (&x, &y) in ga.shape.iter().zip(&gb.shape) {
        if x != y {
            return false;
        }
        if x == 0 {
            return true;
        }
    }
    if let Some(n) = raw_comparable(fa, fb) {
        if n == ga.itemsize && n == gb.itemsize {
            if let (Some(x), Some(y)) = (a.contiguous(), b.contiguous()) {
                // Both C-contiguous without padding: one memcmp.
                return x == y;
            }
        }
        return a
            .items(false)
            .zip(b.items(false))
            .all(|(x, y)| x[..n] == y[..n]);
    }
    let (la, lb) = (fa.layout(), fb.layout());
    // CPython's `struct_unpack_single`: an item that unpacks to a 1-tuple (`'h0c'`) compares
    // as the value inside it.
    let single = |v: Value| match v {
        Value::Tuple(mut t) if t.len() == 1 => t.pop().unwrap_or(Value::Tuple(t)),
        v => v,
    };
    a.items(false).zip(b.items(false)).all(|(x, y)| {
        match (codec::decode(la, x), codec::decode(lb, y)) {
            (Ok(u), Ok(v)) => single(u) == single(v),
            _ => false,
        }
    })
}

/// Encode `value` as one item of `layout` into a fresh buffer of `layout.size()` bytes.
pub(crate) fn encode_item(format: &Format, value: &Value) -> Result<Vec<u8>, ViewError> {
    let mut item = vec![0u8; format.layout().size()];
    codec::encode(format.layout(), value, &mut item).map_err(|error| {
        let wrong_type = match error {
            PackError::NotAnInteger
            | PackError::NotAFloat
            | PackError::NotAComplex
            | PackError::NotBytes { .. }
            | PackError::NotAString { .. }
            | PackError::ExpectedTuple { .. }
            | PackError::ExpectedList { .. } => true,
            // `'c'` takes bytes of length 1: other bytes are a wrong value, anything else a
            // wrong type.
            PackError::CharNotBytes1 => !matches!(value, Value::Bytes(_)),
            _ => false,
        };
        let text = format.as_str();
        ViewError::InvalidValue {
            format: text.strip_prefix('@').unwrap_or(text).to_string(),
            wrong_type,
            error: Box::new(error),
            value: describe_value(value),
        }
    })?;
    Ok(item)
}

/// `int 256`, `str 'abc'`: the type and `repr` of a refused value, shortened for messages.
fn describe_value(value: &Value) -> String {
    let repr = value.to_string();
    let mut short: String = repr.chars().take(80).collect();
    if short.len() < repr.len() {
        short.push_str("...");
    }
    format!("{} {short}", value.type_name())
}

/// `view[i, j, ...] = value`.
pub(crate) fn set(
    raw: &mut RawView<Exclusive<'_>>,
    format: &Format,
    index: &[isize],
    value: &Value,
) -> Result<(), ViewError> {
    let mut ix = [0usize; MAX_NDIM];
    resolve_index(raw.geom(), index, &mut ix)?;
    let item = encode_item(format, value)?;
    let ndim = raw.geom().ndim();
    let out = raw.item_mut(&ix[..ndim]).ok_or(ViewError::IndexCount {
        ndim,
        given: index.len(),
    })?;
    out[..item.len()].copy_from_slice(&item);
    Ok(())
}

/// Assignment's "equivalent formats": equal itemsizes, and either the same format text
/// (ignoring one leading `'@'`, CPython's rule) or equal layouts (same codes, sizes, offsets and
/// byte orders, e.g. `'<i'` and `'=i'`).
pub(crate) fn equivalent(a: &Format, a_itemsize: usize, b: &Format, b_itemsize: usize) -> bool {
    fn strip(s: &str) -> &str {
        s.strip_prefix('@').unwrap_or(s)
    }
    a_itemsize == b_itemsize && (strip(a.as_str()) == strip(b.as_str()) || a.layout() == b.layout())
}
