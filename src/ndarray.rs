//! # From NumPy / to ndarray
//!
//! A [`MemoryView`] whose format is one scalar becomes an [`ndarray`] array in one
//! of two ways, named in a pair:
//!
//! | method | copies? | works when |
//! |---|---|---|
//! | [`as_array::<T>()`](MemoryView::as_array) / [`as_array_mut`](MemoryViewMut::as_array_mut) | no: the array borrows the view's bytes | the format is `T` in native byte order, the itemsize is `size_of::<T>()`, element `[0,…,0]` is aligned for `T`, and every axis of length > 1 steps a multiple of `size_of::<T>()` (mutable: elements also may not overlap) |
//! | [`to_array::<T>()`](MemoryView::to_array) | yes | the format's kind converts to `T` (below): any byte order, alignment and strides, also `long double` (`g`, `Zg`) |
//!
//! and a typed view, [`typed::<T>()`](MemoryView::typed), reads (and
//! [`typed_mut`](MemoryViewMut::typed_mut) writes) single elements as `T` in any layout
//! without building an array. When `as_array` refuses, the error names the fact, e.g.
//! `stride 12 on axis 0 is not a multiple of the element size 8` or
//! `format '>d' is big-endian, this host is little-endian: zero-copy needs native byte order`
//! (see [`ElementError`]); `to_array` then still gives the right values.
//!
//! This is where `memview` differs from the crates before it: PyO3's `PyBuffer<f32>` accepts a
//! big-endian `>f` buffer on a little-endian host and returns garbage, and rust-numpy turns the
//! byte stride 12 of a `complex64` field of a packed struct into an element stride of 1 and
//! reads wrong values. Here neither can happen: a zero-copy array is only made when byte order,
//! size, alignment and every stride fit `T`.
//!
//! ## From NumPy
//!
//! NumPy exports (through the buffer protocol, or a `.npy` file's header) a format, shape,
//! byte strides and a data pointer. Build a view from them and ask for an array:
//!
//! ```
//! use memview::MemoryView;
//!
//! // np.arange(6, dtype='<f8').reshape(2, 3).T  -> format 'd', shape (3, 2), strides (8, 24)
//! let data: Vec<f64> = (0..6).map(f64::from).collect();
//! let bytes: &[u8] = bytemuck::cast_slice(&data);
//! let view = MemoryView::from_parts(bytes, "d", &[3, 2], Some(&[8, 24]), 0)?;
//! let a = view.as_array::<f64>()?; // ArrayViewD<f64> over `data`, no copy
//! assert_eq!(a.as_ptr(), data.as_ptr());
//! assert_eq!(a.strides(), &[1, 3]);
//! assert_eq!(a[[2, 1]], 5.0);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Data that cannot be borrowed as `T` is refused with the reason, and copied on request:
//!
//! ```
//! use memview::element::ElementError;
//! use memview::MemoryView;
//!
//! // np.array([1.5, 2.5], dtype='>f4').tobytes()
//! let bytes = [0x3f, 0xc0, 0, 0, 0x40, 0x20, 0, 0];
//! let view = MemoryView::from_parts(&bytes, ">f", &[2], None, 0)?;
//! # if cfg!(target_endian = "little") {
//! assert!(matches!(view.as_array::<f32>(), Err(ElementError::ByteOrderNotNative { .. })));
//! # }
//! assert_eq!(view.to_array::<f32>()?.into_raw_vec_and_offset().0, vec![1.5, 2.5]);
//! assert_eq!(view.typed::<f32>()?.get(&[1])?, 2.5);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! A field of a record array is a strided view of its own
//! ([`field`](MemoryView::field)); the example program `examples/npy_to_ndarray.rs` turns a
//! `.npy` file into an `ArrayViewD<f64>` without copying.
//!
//! ## To NumPy (from ndarray)
//!
//! [`MemoryView::from_array`] and [`MemoryViewMut::from_array_mut`] describe an array's memory
//! as a view: format [`Element::FORMAT`] (native order, e.g. `"d"`, `"q"`, `"Zf"`), byte strides
//! = element strides × `size_of::<T>()`, offset of the first element. Standard and Fortran
//! layouts, transposed and reversed axes, row slices and broadcast (zero-stride) axes work; the
//! round trip `array → view → as_array` gives back the same pointer, shape and strides:
//!
//! ```
//! use memview::MemoryView;
//! use ndarray::{array, s};
//!
//! let a = array![[1i64, 2, 3], [4, 5, 6]];
//! let r = a.slice(s![.., ..;-1]);
//! let view = MemoryView::from_array(&r)?;
//! assert_eq!((view.format().as_str(), view.strides()), ("q", &[24isize, -8][..]));
//! let back = view.as_array::<i64>()?;
//! assert_eq!((back.as_ptr(), back.strides()), (r.as_ptr(), r.strides()));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! A view's buffer is one `&[u8]` from the lowest to the highest element, so an array whose
//! elements leave gaps (a stepped slice such as `s![.., ..;2]`, a column of a C-order array)
//! needs a buffer that also covers the values between them. Whether that is sound depends on
//! who owns those values:
//!
//! * an array **view** (`ArrayView`, `ArrayViewMut`, `&Array` sliced with `.slice(..)`) does
//!   not borrow the gaps, and another `ArrayViewMut` may be writing them
//!   (`multi_slice_mut`), so [`from_array`](MemoryView::from_array) and
//!   [`from_array_mut`](MemoryViewMut::from_array_mut) refuse it
//!   ([`ElementError::ArrayHasGaps`]). View the whole array and
//!   [`select`](MemoryView::select) from the view, or
//! * give the array that **owns** its data — an `Array` or `ArcArray`, sliced in place with
//!   `slice_move`/`slice_collapse`, reversed, transposed — to
//!   [`MemoryView::from_owned_array`] / [`MemoryViewMut::from_owned_array_mut`]: every value
//!   between its lowest and highest element belongs to its storage, is initialised, and is
//!   covered by the borrow of the whole array. (`CowArray` is not accepted: it may borrow; use
//!   `into_owned()` or `from_array`. ndarray's own `DataOwned` includes it, which is why these
//!   constructors take the sealed [`OwnedStorage`] instead.)
//!
//! ```
//! use memview::MemoryView;
//! use ndarray::{s, Array2};
//!
//! let a = Array2::from_shape_fn((3, 4), |(i, j)| (10 * i + j) as f64);
//! let stepped = a.slice_move(s![.., ..;2]);      // still owns all 12 values
//! let view = MemoryView::from_owned_array(&stepped)?;
//! assert_eq!((view.shape(), view.strides()), (&[3, 2][..], &[32isize, 16][..]));
//! assert_eq!(view.to_list()?.to_string(), "[[0.0, 2.0], [10.0, 12.0], [20.0, 22.0]]");
//! let back = view.as_array::<f64>()?;
//! assert_eq!((back.as_ptr(), back.strides()), (stepped.as_ptr(), stepped.strides()));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! The writable constructors take only [`PlainElement`] types, every [`Element`] but `bool`:
//! a [`MemoryViewMut`] can store any byte (`buffer_mut`, `assign`), and a byte other than 0 or
//! 1 in a `bool` array would be an invalid `bool`. Read a `bool` array with `from_array` /
//! `from_owned_array`, or write a copy (see [`PlainElement`]). Making a span over the gaps
//! takes a few lines of `unsafe`; they live with the view's other `unsafe` code (its raw
//! module, which writes down the facts about ndarray's owned storage they rely on), and this
//! module stays `forbid(unsafe_code)`.
//!
//! ## Which formats match which types
//!
//! `T` matches a format that is one scalar of the same kind and size, in any byte order
//! (native ones for zero-copy): `i8 i16 i32 i64 isize` ↔ `b h i q n` (and `l` of that size),
//! unsigned likewise with `B H I Q N L`, `f16 f32 f64` ↔ `e f d`, `bool` ↔ `?`,
//! `Complex<f32>`/`Complex<f64>` ↔ `Zf`/`Zd`. `c` (a one-byte string) does not match `u8`.
//! A `bool` is only read from bytes 0 and 1; any other byte is an error naming its offset.
//!
//! ## Converting copies
//!
//! `to_array::<T>()` converts between numeric formats by value, never by wrap-around, like
//! NumPy's `astype` followed by a check that nothing was lost beyond float rounding:
//!
//! * integer → integer: the value must fit (`value 40000 at index [1, 0] does not fit in i16`);
//! * integer or float → float: rounded to nearest; a finite value that would become infinite
//!   is an error (`1e300` to `f32`, `70000` to `f16`); NaN and infinities carry over;
//! * float → integer: only integral values in range (`2.0` → `2`; `2.5`, NaN and inf are
//!   errors naming the value and index);
//! * bool → any number (0 or 1); real → complex (imaginary part 0); complex → complex by
//!   parts;
//! * C `long double` (`g`, and `Zg` by parts; x87 80-bit extended on x86, IEEE binary128
//!   elsewhere, see the codec) → float or complex: rounded to the nearest `f64`, ties to even
//!   (NumPy's `float(longdouble)`), then to `T` as above — so to `f32`/`f16` a value is rounded
//!   twice, which can differ from a single rounding in the last bit for values halfway between
//!   two `f32`s; a *finite* long double beyond `f64`'s range (`1e4000`) is an error
//!   (`value ≈1.000e4000 at index [2] does not fit in f64`), not inf; NaN and infinities
//!   carry over;
//! * `long double` → integer: exact, from the long double itself rather than its `f64`
//!   rounding: `2**63 - 1` converts to `i64::MAX`, and `2 + 2**-60` is an error although
//!   its nearest `f64` is `2.0`;
//! * refused ([`ElementError::NotConvertible`]): complex → real, number → bool, and
//!   non-numeric formats (`c`, `s`, `w`, pointers, structs).
//!
//! [`Element`]: crate::element::Element
//! [`PlainElement`]: crate::element::PlainElement
//! [`Element::FORMAT`]: crate::element::Element::FORMAT

#![forbid(unsafe_code)]

use ::ndarray::{ArrayD, ArrayViewD, ArrayViewMutD, IxDyn, ShapeBuilder};

use crate::element::{
    check_match, validate_bools, Element, ElementError, Number, Strided, TypedView, Unrepresentable,
};
use crate::format::{Scalar, ScalarKind};

/// Element strides for a zero-copy array: every axis of length > 1 must step a multiple of the
/// element size; shorter axes get their stride divided when it divides, else 0.
fn element_strides(geo: &Strided, size: usize) -> Result<Vec<isize>, ElementError> {
    geo.shape
        .iter()
        .zip(&geo.strides)
        .enumerate()
        .map(|(axis, (&n, &s))| {
            if s.unsigned_abs().is_multiple_of(size) {
                Ok(s / size as isize)
            } else if n <= 1 {
                Ok(0)
            } else {
                Err(ElementError::StrideNotMultiple {
                    axis,
                    stride: s,
                    element_size: size,
                })
            }
        })
        .collect()
}

/// `shape.strides(strides)` in ndarray's form (negative strides cast to `usize`).
fn stride_shape(shape: &[usize], estrides: &[isize]) -> ::ndarray::StrideShape<IxDyn> {
    let es: Vec<usize> = estrides.iter().map(|&s| s as usize).collect();
    IxDyn(shape).strides(IxDyn(&es))
}

fn shape_error(e: ::ndarray::ShapeError) -> ElementError {
    ElementError::View(format!("ndarray refused the layout: {e}"))
}

/// Checks alignment of element `[0, …, 0]` and the strides; returns the element strides and the
/// byte span `lo..hi` (or `None` for an empty view, with strides usable on an empty slice).
/// Element strides and the byte span of a zero-copy layout.
type ZeroCopyLayout = (Vec<isize>, Option<(usize, usize)>);

fn zero_copy_layout<T: Element>(
    buf_addr: usize,
    buf_len: usize,
    geo: &Strided,
) -> Result<ZeroCopyLayout, ElementError> {
    let size = std::mem::size_of::<T>();
    let align = std::mem::align_of::<T>();
    if geo.len() == 0 {
        // No element is reachable; keep the strides when the span they describe is inside the
        // buffer and aligned, else use zero strides over an empty slice.
        let es = element_strides(geo, size).unwrap_or_else(|_| vec![0; geo.shape.len()]);
        let full = Strided {
            offset: geo.offset,
            shape: geo.shape.iter().map(|&n| n.max(1)).collect(),
            strides: es.iter().map(|&s| s * size as isize).collect(),
        };
        if let Ok(Some((lo, hi))) = full.span(size, buf_len) {
            if buf_addr.wrapping_add(lo).is_multiple_of(align) {
                return Ok((es, Some((lo, hi))));
            }
        }
        // Zero strides over the empty range at the offset keep the pointer when possible.
        let at = (geo.offset <= buf_len && buf_addr.wrapping_add(geo.offset).is_multiple_of(align))
            .then_some((geo.offset, geo.offset));
        return Ok((vec![0; geo.shape.len()], at));
    }
    let es = element_strides(geo, size)?;
    let remainder = buf_addr.wrapping_add(geo.offset) % align;
    if remainder != 0 {
        return Err(ElementError::Misaligned {
            element: T::NAME,
            remainder,
            align,
        });
    }
    let span = geo.span(size, buf_len)?;
    Ok((es, span))
}

/// For a `bool` array whose span failed the checked cast: the element or gap byte at fault.
fn bool_span_error(buf: &[u8], geo: &Strided, lo: usize, hi: usize) -> ElementError {
    if let Err(e) = validate_bools(buf, geo) {
        return e;
    }
    match buf[lo..hi].iter().position(|&b| b > 1) {
        Some(i) => ElementError::BoolGap {
            byte: buf[lo + i],
            offset: lo + i,
        },
        None => ElementError::View("bytes do not form valid bools".to_owned()),
    }
}

/// A zero-copy `ndarray` view of the elements described by `geo` in `buf`, as `T` in native
/// byte order. The caller has checked the format (kind, size, byte order).
pub(crate) fn zero_copy<'a, T: Element>(
    buf: &'a [u8],
    geo: &Strided,
) -> Result<ArrayViewD<'a, T>, ElementError> {
    let (es, span) = zero_copy_layout::<T>(buf.as_ptr() as usize, buf.len(), geo)?;
    let data: &'a [T] = match span {
        None => &[],
        Some((lo, hi)) => match bytemuck::checked::try_cast_slice::<u8, T>(&buf[lo..hi]) {
            Ok(d) => d,
            Err(_) if T::KIND == ScalarKind::Bool => return Err(bool_span_error(buf, geo, lo, hi)),
            Err(e) => return Err(ElementError::View(format!("cannot reinterpret bytes: {e}"))),
        },
    };
    ArrayViewD::from_shape(stride_shape(&geo.shape, &es), data).map_err(shape_error)
}

/// Refuses layouts in which two elements could share a byte (ndarray's rule for mutable
/// arrays, stated in bytes so the message can name the axis).
pub(crate) fn check_no_overlap(geo: &Strided, size: usize) -> Result<(), ElementError> {
    if geo.shape.contains(&0) {
        return Ok(());
    }
    let mut axes: Vec<usize> = (0..geo.shape.len()).filter(|&k| geo.shape[k] > 1).collect();
    axes.sort_by_key(|&k| geo.strides[k].unsigned_abs());
    let mut span = size;
    for k in axes {
        let s = geo.strides[k];
        if s.unsigned_abs() < span {
            return Err(ElementError::Overlap {
                axis: k,
                len: geo.shape[k],
                stride: s,
                span,
            });
        }
        span = span.saturating_add((geo.shape[k] - 1).saturating_mul(s.unsigned_abs()));
    }
    Ok(())
}

/// The mutable counterpart of [`zero_copy`]; refuses overlapping elements.
pub(crate) fn zero_copy_mut<'a, T: Element>(
    buf: &'a mut [u8],
    geo: &Strided,
) -> Result<ArrayViewMutD<'a, T>, ElementError> {
    let (es, span) = zero_copy_layout::<T>(buf.as_ptr() as usize, buf.len(), geo)?;
    check_no_overlap(geo, std::mem::size_of::<T>())?;
    let data: &'a mut [T] = match span {
        None => &mut [],
        Some((lo, hi)) => {
            if T::KIND == ScalarKind::Bool
                && bytemuck::checked::try_cast_slice::<u8, T>(&buf[lo..hi]).is_err()
            {
                return Err(bool_span_error(buf, geo, lo, hi));
            }
            bytemuck::checked::try_cast_slice_mut::<u8, T>(&mut buf[lo..hi])
                .map_err(|e| ElementError::View(format!("cannot reinterpret bytes: {e}")))?
        }
    };
    ArrayViewMutD::from_shape(stride_shape(&geo.shape, &es), data).map_err(shape_error)
}

/// Checks everything `as_array` needs besides strides and alignment: the format matches `T`,
/// byte order is native, and the itemsize is `T`'s size.
pub(crate) fn check_zero_copy_format<T: Element>(
    format: &str,
    scalar: Option<&Scalar>,
    itemsize: usize,
) -> Result<(), ElementError> {
    let s = check_match::<T>(format, scalar)?;
    if !s.endian.is_native() {
        return Err(ElementError::ByteOrderNotNative {
            format: format.to_owned(),
            endian: s.endian,
        });
    }
    if itemsize != std::mem::size_of::<T>() {
        return Err(ElementError::ItemsizeMismatch {
            itemsize,
            element: T::NAME,
            element_size: std::mem::size_of::<T>(),
        });
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Converting copies.
// ---------------------------------------------------------------------------------------------

/// Whether a converting copy from `src` to `T` is allowed (see the module docs).
fn convertible<T: Element>(src: &Scalar) -> bool {
    use ScalarKind::*;
    let numeric_target = matches!(T::KIND, Int | UInt | Float | Complex);
    match (src.kind, src.size) {
        (Bool, 1) => true,
        (Int | UInt, 1 | 2 | 4 | 8) | (Float, 2 | 4 | 8) | (LongDouble, _) => numeric_target,
        (Complex, 8 | 16) => T::KIND == Complex,
        (Complex, _) => src.code == "Zg" && T::KIND == Complex,
        _ => false,
    }
}

/// Whether `s` is a C `long double` (`g`) or a complex of two (`Zg`) wider than `f64`, read
/// through the codec rather than [`read_number`]. (Where `long double` is `double`, `g` and
/// `Zg` are read like `d` and `Zd`.)
fn is_wide_long_double(s: &Scalar) -> bool {
    match s.kind {
        ScalarKind::LongDouble => s.size != 8,
        ScalarKind::Complex => s.code == "Zg" && s.size != 16,
        _ => false,
    }
}

/// The exact value of a finite `long double`: `(-1)^negative · sig · 2^exp2`.
#[derive(Clone, Copy, Debug)]
struct LongParts {
    negative: bool,
    sig: u128,
    exp2: i32,
}

/// The exact value of a `long double` of `raw.len()` bytes (not 8) stored in `endian` order,
/// or `None` for an infinity or NaN. The format is the codec's choice
/// (`codec::long_double_format`): x87 80-bit extended in the first 10 bytes of the
/// little-endian image on x86, IEEE binary128 elsewhere; an encoding the x87 treats as NaN
/// (unnormal, pseudo-infinity) is `None` too.
fn long_double_parts(raw: &[u8], endian: crate::format::Endian) -> Option<LongParts> {
    let n = raw.len().min(16);
    let mut img = [0u8; 16];
    img[..n].copy_from_slice(&raw[..n]);
    if endian == crate::format::Endian::Big {
        img[..n].reverse();
    }
    if cfg!(any(target_arch = "x86", target_arch = "x86_64")) {
        x87_parts(&img)
    } else {
        binary128_parts(&img)
    }
}

/// Exponent bias of the x87 extended and binary128 formats.
const LONG_BIAS: i32 = 16383;

/// [`long_double_parts`] of an x87 extended value (the first 10 bytes of `img`).
fn x87_parts(img: &[u8; 16]) -> Option<LongParts> {
    let mut m = [0u8; 8];
    m.copy_from_slice(&img[..8]);
    let mant = u64::from_le_bytes(m);
    let se = u16::from_le_bytes([img[8], img[9]]);
    let exp = i32::from(se & 0x7fff);
    if exp == 0x7fff || (exp != 0 && mant >> 63 == 0) {
        return None;
    }
    Some(LongParts {
        negative: se >> 15 == 1,
        sig: u128::from(mant),
        exp2: exp.max(1) - LONG_BIAS - 63,
    })
}

/// [`long_double_parts`] of an IEEE binary128 value.
fn binary128_parts(img: &[u8; 16]) -> Option<LongParts> {
    let bits = u128::from_le_bytes(*img);
    let exp = i32::try_from((bits >> 112) & 0x7fff).unwrap_or(0x7fff);
    if exp == 0x7fff {
        return None;
    }
    let frac = bits & ((1u128 << 112) - 1);
    Some(LongParts {
        negative: bits >> 127 == 1,
        sig: if exp == 0 {
            frac
        } else {
            frac | (1u128 << 112)
        },
        exp2: exp.max(1) - LONG_BIAS - 112,
    })
}

impl LongParts {
    /// The value as an integer when it is one and fits `i128` (`Ok(None)` when integral but
    /// larger), or `Err(())` when it has a fractional part.
    fn integer(self) -> Result<Option<i128>, ()> {
        if self.sig == 0 {
            return Ok(Some(0));
        }
        let magnitude = if self.exp2 >= 0 {
            let bits = 128 - self.sig.leading_zeros();
            if bits + self.exp2.unsigned_abs() > 127 {
                return Ok(None);
            }
            self.sig << self.exp2.unsigned_abs()
        } else {
            let shift = self.exp2.unsigned_abs();
            // `sig < 2^113`, so shifting out 128 bits or more drops a non-zero fraction.
            if shift >= 128 || self.sig & ((1u128 << shift) - 1) != 0 {
                return Err(());
            }
            self.sig >> shift
        };
        // `magnitude < 2^127`.
        let m = i128::try_from(magnitude).map_err(|_| ())?;
        Ok(Some(if self.negative { -m } else { m }))
    }

    /// Approximate decimal text (`≈1.000e4000`), for values `f64` cannot show.
    fn approx_text(self) -> String {
        let log10 = (self.sig as f64).log10() + f64::from(self.exp2) * std::f64::consts::LOG10_2;
        let mut e = log10.floor();
        let mut m = 10f64.powf(log10 - e);
        if m >= 9.9995 {
            m = 1.0;
            e += 1.0;
        }
        let sign = if self.negative { "-" } else { "" };
        format!("≈{sign}{m:.3}e{e}")
    }
}

/// Why a wide `long double` gave no number for the target.
enum LongMiss {
    /// The codec cannot decode it on this platform (PowerPC's double-double).
    Unsupported(String),
    /// A finite value beyond `f64`'s range (text of the value).
    OutOfRange(String),
    /// A value with a fractional part, for an integer target (text of the value).
    NotInteger(String),
}

/// One wide `long double` (`g`) or complex pair (`Zg`) as a [`Number`] for a target of kind
/// `target`: integers exactly from the long double itself, floats through the codec's
/// nearest-`f64` rounding, with finite values beyond `f64`'s range refused.
fn read_long_number(s: &Scalar, raw: &[u8], target: ScalarKind) -> Result<Number, LongMiss> {
    use crate::value::Value;
    let value = crate::codec::decode_scalar(s, &raw[..s.size])
        .map_err(|e| LongMiss::Unsupported(e.to_string()))?;
    // A part decoded to ±inf although finite was out of `f64`'s range.
    let checked = |x: f64, part: &[u8]| -> Result<(f64, Option<LongParts>), LongMiss> {
        let parts = long_double_parts(part, s.endian);
        match parts {
            Some(p) if x.is_infinite() => Err(LongMiss::OutOfRange(p.approx_text())),
            _ => Ok((x, parts)),
        }
    };
    match value {
        Value::Float(x) => {
            let (x, parts) = checked(x, raw)?;
            if !matches!(target, ScalarKind::Int | ScalarKind::UInt) {
                return Ok(Number::Float(x));
            }
            match parts.map(LongParts::integer) {
                Some(Ok(Some(i))) => Ok(Number::Int(i)),
                Some(Err(())) if x.fract() == 0.0 => Err(LongMiss::NotInteger(format!(
                    "{} (nearest f64; the long double has a fractional part)",
                    Number::Float(x)
                ))),
                // Non-integral with a non-integral f64, too large for i128, inf or NaN:
                // the f64 rules give the same answer.
                _ => Ok(Number::Float(x)),
            }
        }
        Value::Complex(c) => {
            let half = s.size / 2;
            let (re, _) = checked(c.re, &raw[..half])?;
            let (im, _) = checked(c.im, &raw[half..s.size])?;
            Ok(Number::Complex(re, im))
        }
        other => Err(LongMiss::Unsupported(format!(
            "the codec decoded a '{}' element as {other}",
            s.code
        ))),
    }
}

/// Reads one number of scalar type `s` from `raw` (`raw.len() >= s.size`).
fn read_number(s: &Scalar, raw: &[u8]) -> Result<Number, u8> {
    use crate::element::sealed::Sealed;
    let swap = !s.endian.is_native();
    Ok(match (s.kind, s.size) {
        (ScalarKind::Bool, _) => match raw[0] {
            0 => Number::Bool(false),
            1 => Number::Bool(true),
            b => return Err(b),
        },
        (ScalarKind::Int, 1) => Number::Int(i8::load(raw, swap).into()),
        (ScalarKind::Int, 2) => Number::Int(i16::load(raw, swap).into()),
        (ScalarKind::Int, 4) => Number::Int(i32::load(raw, swap).into()),
        (ScalarKind::Int, _) => Number::Int(i64::load(raw, swap).into()),
        (ScalarKind::UInt, 1) => Number::Int(u8::load(raw, swap).into()),
        (ScalarKind::UInt, 2) => Number::Int(u16::load(raw, swap).into()),
        (ScalarKind::UInt, 4) => Number::Int(u32::load(raw, swap).into()),
        (ScalarKind::UInt, _) => Number::Int(u64::load(raw, swap).into()),
        (ScalarKind::Float, 2) => half::f16::load(raw, swap).to_number(),
        (ScalarKind::Float, 4) => f32::load(raw, swap).to_number(),
        // `g` reaches here only where `long double` is `double` (8 bytes).
        (ScalarKind::Float | ScalarKind::LongDouble, _) => f64::load(raw, swap).to_number(),
        (_, 8) => num_complex::Complex::<f32>::load(raw, swap).to_number(),
        _ => num_complex::Complex::<f64>::load(raw, swap).to_number(),
    })
}

/// `to_array`: a zero-copy view copied when possible, else a strided read (with byte swapping),
/// else a value-checked numeric conversion.
pub(crate) fn to_array_impl<T: Element>(
    buf: &[u8],
    format: &str,
    scalar: Option<&Scalar>,
    geo: &Strided,
) -> Result<ArrayD<T>, ElementError> {
    let shape = IxDyn(&geo.shape);
    if let Some(s) = scalar.filter(|s| T::matches(s)) {
        let _ = s;
        let typed = TypedView::<T>::new(buf, format, scalar, geo.clone())?;
        return ArrayD::from_shape_vec(shape, typed.to_vec()).map_err(shape_error);
    }
    let Some(s) = scalar.filter(|s| convertible::<T>(s)) else {
        return Err(ElementError::NotConvertible {
            format: format.to_owned(),
            element: T::NAME,
        });
    };
    geo.span(s.size, buf.len())?;
    let wide = is_wide_long_double(s);
    let mut out = Vec::with_capacity(geo.len());
    geo.try_for_each_position(|flat, p| {
        let raw = &buf[p..p + s.size];
        let n = if wide {
            read_long_number(s, raw, T::KIND).map_err(|miss| {
                let (index, element) = (geo.unravel(flat), T::NAME);
                match miss {
                    LongMiss::Unsupported(why) => ElementError::View(format!(
                        "cannot convert format '{format}' to {element}: {why}"
                    )),
                    LongMiss::OutOfRange(value) => ElementError::ValueOutOfRange {
                        value,
                        index,
                        element,
                    },
                    LongMiss::NotInteger(value) => ElementError::ValueNotInteger {
                        value,
                        index,
                        element,
                    },
                }
            })?
        } else {
            read_number(s, raw).map_err(|byte| ElementError::InvalidBool {
                byte,
                offset: p,
                index: geo.unravel(flat),
            })?
        };
        let v = <T as crate::element::sealed::Sealed>::from_number(n).map_err(|why| {
            let (value, index, element) = (n.to_string(), geo.unravel(flat), T::NAME);
            match why {
                Unrepresentable::NotInteger => ElementError::ValueNotInteger {
                    value,
                    index,
                    element,
                },
                Unrepresentable::OutOfRange => ElementError::ValueOutOfRange {
                    value,
                    index,
                    element,
                },
                Unrepresentable::Kind => ElementError::NotConvertible {
                    format: format.to_owned(),
                    element,
                },
            }
        })?;
        out.push(v);
        Ok(())
    })?;
    ArrayD::from_shape_vec(shape, out).map_err(shape_error)
}

// ---------------------------------------------------------------------------------------------
// Owned storage.
// ---------------------------------------------------------------------------------------------

/// The storage of an `ndarray` array that owns its elements: [`ndarray::OwnedRepr`] (an
/// [`Array`](::ndarray::Array)) and [`ndarray::OwnedArcRepr`] (an
/// [`ArcArray`](::ndarray::ArcArray)). Sealed.
///
/// [`MemoryView::from_owned_array`] and [`MemoryViewMut::from_owned_array_mut`] take such
/// arrays even when their elements leave gaps, because every value between the lowest and the
/// highest element belongs to the array (see the [module docs](crate::ndarray#to-numpy-from-ndarray)).
/// ndarray's own `DataOwned` is not used as the bound: it also covers `CowRepr`, and a
/// `CowArray` may be a borrowed view whose gaps belong to someone else.
///
/// [`ndarray::OwnedRepr`]: ::ndarray::OwnedRepr
/// [`ndarray::OwnedArcRepr`]: ::ndarray::OwnedArcRepr
pub trait OwnedStorage: Data + owned::Sealed {}

impl<A> OwnedStorage for ::ndarray::OwnedRepr<A> {}
impl<A> OwnedStorage for ::ndarray::OwnedArcRepr<A> {}

mod owned {
    use ::ndarray::{ArcArray, Array, ArrayBase, Data, Dimension};

    use crate::view::{MemoryView, MemoryViewMut};

    /// The bytes from an array's lowest to its highest element, the byte offset of element
    /// `[0, …, 0]` in them, and the array's shape and element strides.
    pub type Span<B> = (B, usize, Vec<usize>, Vec<isize>);

    /// The per-storage part of [`OwnedStorage`](super::OwnedStorage), private so that only
    /// the two owned representations can implement it. The spans come from the view's raw
    /// module, which holds the `unsafe` code and its argument.
    pub trait Sealed: Data {
        fn span<D: Dimension>(a: &ArrayBase<Self, D>) -> Option<Span<&[u8]>>
        where
            Self::Elem: bytemuck::NoUninit;
        fn span_mut<D: Dimension>(a: &mut ArrayBase<Self, D>) -> Option<Span<&mut [u8]>>
        where
            Self::Elem: bytemuck::Pod;
    }

    impl<A> Sealed for ::ndarray::OwnedRepr<A> {
        fn span<D: Dimension>(a: &Array<A, D>) -> Option<Span<&[u8]>>
        where
            Self::Elem: bytemuck::NoUninit,
        {
            MemoryView::owned_array_span(a)
        }
        fn span_mut<D: Dimension>(a: &mut Array<A, D>) -> Option<Span<&mut [u8]>>
        where
            Self::Elem: bytemuck::Pod,
        {
            MemoryViewMut::owned_array_span_mut(a)
        }
    }

    impl<A> Sealed for ::ndarray::OwnedArcRepr<A> {
        fn span<D: Dimension>(a: &ArcArray<A, D>) -> Option<Span<&[u8]>>
        where
            Self::Elem: bytemuck::NoUninit,
        {
            MemoryView::arc_array_span(a)
        }
        fn span_mut<D: Dimension>(a: &mut ArcArray<A, D>) -> Option<Span<&mut [u8]>>
        where
            Self::Elem: bytemuck::Pod,
        {
            MemoryViewMut::arc_array_span_mut(a)
        }
    }
}

/// The format of `T` (`T::FORMAT`, always valid).
fn element_format<T: Element>() -> Result<Arc<Format>, ElementError> {
    Format::parse(T::FORMAT)
        .map(Arc::new)
        .map_err(|e| ElementError::View(e.to_string()))
}

fn span_overflow(shape: &[usize]) -> ElementError {
    ElementError::View(format!(
        "the span of an array with shape {shape:?} overflows isize"
    ))
}

// ---------------------------------------------------------------------------------------------
// The view methods.
// ---------------------------------------------------------------------------------------------

use std::sync::Arc;

use ::ndarray::{ArrayBase, Axis, Data, DataMut, Dimension};

use crate::element::{PlainElement, TypedViewMut};
use crate::format::{Field, FieldType, Format, StructLayout};
use crate::view::{MemoryView, MemoryViewMut};

fn strided(offset: usize, shape: &[usize], strides: &[isize]) -> Strided {
    Strided {
        offset,
        shape: shape.to_vec(),
        strides: strides.to_vec(),
    }
}

/// Typed access and ndarray conversion read elements at `offset + Σ i·stride` of the buffer;
/// an indirect (suboffset) view's buffer holds pointers there. Copy such a view into a direct
/// buffer first (`AlignedBuffer::from_view` in the `ffi` module, or `to_bytes`).
fn direct(indirect: bool) -> Result<(), ElementError> {
    if indirect {
        Err(view_error(crate::view::ViewError::RequiresSuboffsets))
    } else {
        Ok(())
    }
}

fn view_error(e: crate::view::ViewError) -> ElementError {
    ElementError::View(e.to_string())
}

impl<'a> MemoryView<'a> {
    /// The direct geometry; a view that follows pointers (suboffsets) has none, so every
    /// typed and ndarray path refuses it rather than read the pointer table as data.
    fn geo(&self) -> Result<Strided, ElementError> {
        direct(self.is_indirect())?;
        Ok(strided(self.offset(), self.shape(), self.strides()))
    }

    /// A typed view whose elements read as `T`: any byte order (swapped on read), any
    /// alignment, any strides. The format must be one scalar of `T`'s kind and size
    /// (see [`Element`]).
    ///
    /// ```
    /// use memview::MemoryView;
    ///
    /// // Two big-endian f32 values, stored one byte off alignment.
    /// let bytes = [0u8, 0x3f, 0xc0, 0, 0, 0x40, 0x20, 0, 0];
    /// let view = MemoryView::from_parts(&bytes, ">f", &[2], None, 1)?;
    /// let typed = view.typed::<f32>()?;
    /// assert_eq!(typed.to_vec(), vec![1.5, 2.5]);
    /// assert_eq!(typed.get(&[-1])?, 2.5);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    /// [`ElementError::FormatMismatch`] when the format is not one scalar matching `T`;
    /// [`ElementError::InvalidBool`] when `T` is `bool` and an element is neither 0 nor 1.
    pub fn typed<T: Element>(&self) -> Result<TypedView<'a, T>, ElementError> {
        let format = self.format();
        TypedView::new(
            self.buffer(),
            format.as_str(),
            format.layout().single_scalar(),
            self.geo()?,
        )
    }

    /// The elements as an `ndarray` view **sharing this view's memory** (no copy), for any
    /// shape, negative and zero strides, 0-dim and empty views.
    ///
    /// # Errors
    /// Each names the fact that prevents a zero-copy view; [`to_array`](Self::to_array) makes
    /// a converting copy in all these cases:
    /// [`FormatMismatch`](ElementError::FormatMismatch),
    /// [`ByteOrderNotNative`](ElementError::ByteOrderNotNative),
    /// [`ItemsizeMismatch`](ElementError::ItemsizeMismatch) (padded items),
    /// [`StrideNotMultiple`](ElementError::StrideNotMultiple),
    /// [`Misaligned`](ElementError::Misaligned),
    /// [`InvalidBool`](ElementError::InvalidBool) / [`BoolGap`](ElementError::BoolGap) for `bool`.
    pub fn as_array<T: Element>(&self) -> Result<ArrayViewD<'a, T>, ElementError> {
        let format = self.format();
        check_zero_copy_format::<T>(
            format.as_str(),
            format.layout().single_scalar(),
            self.itemsize(),
        )?;
        zero_copy(self.buffer(), &self.geo()?)
    }

    /// A new `ndarray` holding the elements converted to `T`: swaps bytes, handles any
    /// alignment and strides, and converts between numeric formats with the value checks
    /// described in the [module docs](crate::ndarray#converting-copies).
    ///
    /// # Errors
    /// [`NotConvertible`](ElementError::NotConvertible) for kinds that do not convert;
    /// [`ValueOutOfRange`](ElementError::ValueOutOfRange) /
    /// [`ValueNotInteger`](ElementError::ValueNotInteger) naming the first value that does not
    /// fit and its index; [`InvalidBool`](ElementError::InvalidBool).
    pub fn to_array<T: Element>(&self) -> Result<ArrayD<T>, ElementError> {
        let format = self.format();
        to_array_impl(
            self.buffer(),
            format.as_str(),
            format.layout().single_scalar(),
            &self.geo()?,
        )
    }

    /// A view of the field `name` of a struct format: same buffer, the parent's strides, the
    /// offset moved by the field's offset, and the field's own format; a sub-array field
    /// (`(2,3)d:m:`) adds trailing axes. Works for NumPy's record formats (`T{f:a:Zf:b:}`) and
    /// for named top-level items (`<i:a:<d:b:`).
    ///
    /// ```
    /// use memview::MemoryView;
    ///
    /// // NumPy's packed dtype [('a', '<f4'), ('b', '<c8')]: 12-byte records.
    /// let mut bytes = Vec::new();
    /// for k in 1..=3 {
    ///     bytes.extend_from_slice(&(k as f32 * 10.0).to_le_bytes());
    ///     bytes.extend_from_slice(&(k as f32).to_le_bytes());
    ///     bytes.extend_from_slice(&(-(k as f32)).to_le_bytes());
    /// }
    /// let records = MemoryView::from_parts(&bytes, "T{<f:a:<Zf:b:}", &[3], None, 0)?;
    /// let b = records.field("b")?;
    /// assert_eq!(b.strides(), &[12]);
    /// // A stride of 12 is not a multiple of 8: no zero-copy array, but a copy works.
    /// assert!(b.as_array::<num_complex::Complex<f32>>().is_err());
    /// let values = b.to_array::<num_complex::Complex<f32>>()?;
    /// assert_eq!(values[[1]], num_complex::Complex::new(2.0, -2.0));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    /// [`ElementError::FieldNotFound`] listing the available names.
    pub fn field(&self, name: &str) -> Result<MemoryView<'a>, ElementError> {
        direct(self.is_indirect())?;
        let (format, shape, strides, offset) = field_parts(
            self.format(),
            name,
            self.shape(),
            self.strides(),
            self.offset(),
        )?;
        MemoryView::from_format(self.buffer(), format, None, &shape, Some(&strides), offset)
            .map_err(view_error)
    }

    /// A view of an `ndarray` array's memory, without copying: format `T::FORMAT` (native
    /// order), byte strides = element strides × `size_of::<T>()`, offset pointing at the
    /// array's first element. Works for standard and Fortran layout, transposed and permuted
    /// axes, reversed (negatively strided) axes, row slices and broadcast (zero-stride) axes.
    ///
    /// ```
    /// use memview::MemoryView;
    /// use ndarray::{array, s};
    ///
    /// let a = array![[1.0f64, 2.0, 3.0], [4.0, 5.0, 6.0]];
    /// let t = a.t();
    /// let rev = t.slice(s![..;-1, ..]);
    /// let view = MemoryView::from_array(&rev)?;
    /// assert_eq!(view.format().as_str(), "d");
    /// assert_eq!(view.strides(), &[-8, 24]);
    /// let back = view.as_array::<f64>()?;
    /// assert_eq!(back.as_ptr(), rev.as_ptr());
    /// assert_eq!(back, rev.into_dyn());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    /// [`ElementError::ArrayHasGaps`] when, ignoring broadcast axes, the elements do not tile
    /// one block of memory (a stepped slice such as `s![..;2]`, or a column of a C-order
    /// array): a view reaching into the gaps could alias memory borrowed mutably elsewhere.
    /// View the whole array and [`select`](Self::select) from the view instead, or, for an
    /// array that owns its data, use [`from_owned_array`](Self::from_owned_array).
    pub fn from_array<T, S, D>(a: &'a ArrayBase<S, D>) -> Result<MemoryView<'a>, ElementError>
    where
        T: Element,
        S: Data<Elem = T>,
        D: Dimension,
    {
        let v = a.view().into_dyn();
        let size = std::mem::size_of::<T>();
        let shape = v.shape().to_vec();
        let strides = byte_strides(v.strides(), size)?;
        let format =
            Arc::new(Format::parse(T::FORMAT).map_err(|e| ElementError::View(e.to_string()))?);
        if v.is_empty() {
            return MemoryView::from_format(&[], format, None, &shape, Some(&strides), 0)
                .map_err(view_error);
        }
        // Broadcast axes repeat memory: drop them, and the rest must tile one block.
        let mut block = v.clone();
        for k in (0..shape.len()).rev() {
            if block.strides()[k] == 0 {
                block = block.index_axis_move(Axis(k), 0);
            }
        }
        let Some(elements) = block.to_slice_memory_order() else {
            return Err(ElementError::ArrayHasGaps {
                shape,
                strides: v.strides().to_vec(),
            });
        };
        let bytes: &'a [u8] = bytemuck::cast_slice(elements);
        let offset = (v.as_ptr() as usize).wrapping_sub(bytes.as_ptr() as usize);
        MemoryView::from_format(bytes, format, None, &shape, Some(&strides), offset)
            .map_err(view_error)
    }
}

impl<'a> MemoryView<'a> {
    /// A view of an array that **owns** its data (`Array`, `ArcArray`), without copying, for
    /// any layout: besides what [`from_array`](Self::from_array) takes, elements that leave
    /// gaps — a stepped slice (`a.slice_move(s![.., ..;2])`), a column, reversed and transposed
    /// axes in any combination. The view's buffer spans the array's storage from its lowest
    /// to its highest element (gaps included: they belong to the array, are initialised, and
    /// stay borrowed with it); format, strides and offset are as in `from_array`, and
    /// `as_array` gives back the same pointer, shape and strides.
    ///
    /// ```
    /// use memview::MemoryView;
    /// use ndarray::{s, Array2};
    ///
    /// let a = Array2::from_shape_fn((3, 4), |(i, j)| (10 * i + j) as i32);
    /// let col = a.slice_move(s![..;-1, 1]); // column 1, bottom to top: gaps of 3 values
    /// let view = MemoryView::from_owned_array(&col)?;
    /// assert_eq!((view.format().as_str(), view.strides()), ("i", &[-16isize][..]));
    /// assert_eq!(view.to_list()?.to_string(), "[21, 11, 1]");
    /// assert_eq!(view.as_array::<i32>()?.as_ptr(), col.as_ptr());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    /// None for a valid array in practice; [`ElementError::View`] if the span's size would
    /// overflow.
    pub fn from_owned_array<T, S, D>(a: &'a ArrayBase<S, D>) -> Result<MemoryView<'a>, ElementError>
    where
        T: Element,
        S: OwnedStorage<Elem = T>,
        D: Dimension,
    {
        let Some((bytes, offset, shape, estrides)) = <S as owned::Sealed>::span(a) else {
            return Err(span_overflow(a.shape()));
        };
        let strides = byte_strides(&estrides, std::mem::size_of::<T>())?;
        MemoryView::from_format(
            bytes,
            element_format::<T>()?,
            None,
            &shape,
            Some(&strides),
            offset,
        )
        .map_err(view_error)
    }
}

/// Element strides × size, checked.
fn byte_strides(estrides: &[isize], size: usize) -> Result<Vec<isize>, ElementError> {
    estrides
        .iter()
        .map(|&s| {
            s.checked_mul(size as isize)
                .ok_or_else(|| ElementError::View(format!("stride {s} × {size} overflows")))
        })
        .collect()
}

impl<'a> MemoryViewMut<'a> {
    /// The direct geometry; a view that follows pointers (suboffsets) has none, so every
    /// typed and ndarray path refuses it rather than read the pointer table as data.
    fn geo(&self) -> Result<Strided, ElementError> {
        direct(self.is_indirect())?;
        Ok(strided(self.offset(), self.shape(), self.strides()))
    }

    /// [`MemoryView::typed`], borrowing this view.
    ///
    /// # Errors
    /// As [`MemoryView::typed`].
    pub fn typed<T: Element>(&self) -> Result<TypedView<'_, T>, ElementError> {
        let format = self.format();
        TypedView::new(
            self.buffer(),
            format.as_str(),
            format.layout().single_scalar(),
            self.geo()?,
        )
    }

    /// A typed view that can also write elements (`set`, `fill`, `assign`), in the view's
    /// byte order, at any alignment and strides.
    ///
    /// ```
    /// use memview::MemoryViewMut;
    ///
    /// let mut bytes = [0u8; 9];
    /// let mut view = MemoryViewMut::from_parts(&mut bytes, ">H", &[4], None, 1)?;
    /// let mut typed = view.typed_mut::<u16>()?;
    /// typed.set(&[0], 0x0102)?;
    /// typed.set(&[-1], 7)?;
    /// assert_eq!(typed.to_vec(), vec![0x0102, 0, 0, 7]);
    /// assert_eq!(&bytes[..3], &[0, 1, 2]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    /// As [`MemoryView::typed`].
    pub fn typed_mut<T: Element>(&mut self) -> Result<TypedViewMut<'_, T>, ElementError> {
        let geo = self.geo()?;
        let format = Arc::new(self.format().clone());
        TypedViewMut::new(
            self.buffer_mut(),
            format.as_str(),
            format.layout().single_scalar(),
            geo,
        )
    }

    /// [`MemoryView::as_array`], borrowing this view.
    ///
    /// # Errors
    /// As [`MemoryView::as_array`].
    pub fn as_array<T: Element>(&self) -> Result<ArrayViewD<'_, T>, ElementError> {
        let format = self.format();
        check_zero_copy_format::<T>(
            format.as_str(),
            format.layout().single_scalar(),
            self.itemsize(),
        )?;
        zero_copy(self.buffer(), &self.geo()?)
    }

    /// A mutable `ndarray` view sharing this view's memory. Besides the refusals of
    /// [`MemoryView::as_array`], elements must not overlap
    /// ([`ElementError::Overlap`]: zero strides, or strides that interleave).
    ///
    /// ```
    /// use memview::MemoryViewMut;
    ///
    /// let mut data = [0f64; 6];
    /// let bytes: &mut [u8] = bytemuck::cast_slice_mut(&mut data);
    /// let mut view = MemoryViewMut::from_parts(bytes, "d", &[2, 3], None, 0)?;
    /// view.as_array_mut::<f64>()?.fill(1.5);
    /// assert_eq!(data, [1.5; 6]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    /// As [`MemoryView::as_array`], plus [`ElementError::Overlap`].
    pub fn as_array_mut<T: Element>(&mut self) -> Result<ArrayViewMutD<'_, T>, ElementError> {
        let itemsize = self.itemsize();
        let geo = self.geo()?;
        {
            let format = self.format();
            check_zero_copy_format::<T>(
                format.as_str(),
                format.layout().single_scalar(),
                itemsize,
            )?;
        }
        zero_copy_mut(self.buffer_mut(), &geo)
    }

    /// [`MemoryView::to_array`].
    ///
    /// # Errors
    /// As [`MemoryView::to_array`].
    pub fn to_array<T: Element>(&self) -> Result<ArrayD<T>, ElementError> {
        self.as_view().to_array()
    }

    /// [`MemoryView::field`], borrowing this view.
    ///
    /// # Errors
    /// As [`MemoryView::field`].
    pub fn field(&self, name: &str) -> Result<MemoryView<'_>, ElementError> {
        self.as_view().field(name)
    }

    /// A writable view of the field `name` (see [`MemoryView::field`]).
    ///
    /// # Errors
    /// As [`MemoryView::field`].
    pub fn field_mut(&mut self, name: &str) -> Result<MemoryViewMut<'_>, ElementError> {
        direct(self.is_indirect())?;
        let (format, shape, strides, offset) = field_parts(
            self.format(),
            name,
            self.shape(),
            self.strides(),
            self.offset(),
        )?;
        MemoryViewMut::from_format(
            self.buffer_mut(),
            format,
            None,
            &shape,
            Some(&strides),
            offset,
        )
        .map_err(view_error)
    }

    /// A writable view of a mutable `ndarray` array's memory, without copying (see
    /// [`MemoryView::from_array`]). `T` must be a [`PlainElement`], so not `bool`: the view can
    /// write any byte, and one other than 0 or 1 would be an invalid `bool` (a compile error
    /// names this and the alternatives: read-only with `from_array`, or write a copy).
    ///
    /// ```
    /// use memview::MemoryViewMut;
    /// use ndarray::Array2;
    ///
    /// let mut a = Array2::<i32>::zeros((2, 3));
    /// {
    ///     let mut view = MemoryViewMut::from_array_mut(&mut a)?;
    ///     view.typed_mut::<i32>()?.set(&[1, 2], 7)?;
    /// }
    /// assert_eq!(a[[1, 2]], 7);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    /// [`ElementError::ArrayHasGaps`] when the elements do not tile one block of memory (for
    /// an array that owns its data, [`from_owned_array_mut`](Self::from_owned_array_mut)
    /// takes those too).
    pub fn from_array_mut<T, S, D>(
        a: &'a mut ArrayBase<S, D>,
    ) -> Result<MemoryViewMut<'a>, ElementError>
    where
        T: PlainElement,
        S: DataMut<Elem = T>,
        D: Dimension,
    {
        let size = std::mem::size_of::<T>();
        let shape = a.shape().to_vec();
        let estrides = a.strides().to_vec();
        let strides = byte_strides(&estrides, size)?;
        let format =
            Arc::new(Format::parse(T::FORMAT).map_err(|e| ElementError::View(e.to_string()))?);
        if a.is_empty() {
            return MemoryViewMut::from_format(&mut [], format, None, &shape, Some(&strides), 0)
                .map_err(view_error);
        }
        // Offset of the logical first element from the lowest address, in elements.
        let low: usize = shape
            .iter()
            .zip(&estrides)
            .filter(|&(_, &s)| s < 0)
            .map(|(&n, &s)| (n - 1) * s.unsigned_abs())
            .sum();
        let gaps = ElementError::ArrayHasGaps {
            shape: shape.clone(),
            strides: estrides.clone(),
        };
        let elements = a.as_slice_memory_order_mut().ok_or(gaps)?;
        let bytes: &'a mut [u8] = bytemuck::cast_slice_mut(elements);
        MemoryViewMut::from_format(bytes, format, None, &shape, Some(&strides), low * size)
            .map_err(view_error)
    }

    /// A writable view of an array that **owns** its data (`Array`, `ArcArray`), without
    /// copying, for any layout including gaps between the elements (see
    /// [`MemoryView::from_owned_array`]). Writes through the view change the array. An
    /// `ArcArray` that shares its storage is first made unique (ndarray's copy on write), so
    /// its strides may then be those of the copy. `T` must be a [`PlainElement`] (not `bool`,
    /// as for [`from_array_mut`](Self::from_array_mut)).
    ///
    /// ```
    /// use memview::MemoryViewMut;
    /// use ndarray::{array, s};
    ///
    /// let a = array![[1.0f32, 2.0, 3.0], [4.0, 5.0, 6.0]];
    /// let mut every_other = a.slice_move(s![.., ..;2]);
    /// {
    ///     let mut view = MemoryViewMut::from_owned_array_mut(&mut every_other)?;
    ///     view.typed_mut::<f32>()?.set(&[1, 1], -1.0)?;
    ///     view.as_array_mut::<f32>()?[[0, 0]] = 0.5;
    /// }
    /// assert_eq!(every_other, array![[0.5, 3.0], [4.0, -1.0]]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    /// None for a valid array in practice; [`ElementError::View`] if the span's size would
    /// overflow.
    pub fn from_owned_array_mut<T, S, D>(
        a: &'a mut ArrayBase<S, D>,
    ) -> Result<MemoryViewMut<'a>, ElementError>
    where
        T: PlainElement,
        S: OwnedStorage<Elem = T> + DataMut,
        D: Dimension,
    {
        let overflow = span_overflow(a.shape());
        let Some((bytes, offset, shape, estrides)) = <S as owned::Sealed>::span_mut(a) else {
            return Err(overflow);
        };
        let strides = byte_strides(&estrides, std::mem::size_of::<T>())?;
        MemoryViewMut::from_format(
            bytes,
            element_format::<T>()?,
            None,
            &shape,
            Some(&strides),
            offset,
        )
        .map_err(view_error)
    }
}

// ---------------------------------------------------------------------------------------------
// Field views.
// ---------------------------------------------------------------------------------------------

/// The record's fields and the offset they are relative to: the fields of a single top-level
/// `T{...}` (NumPy's record format), else the top-level fields.
fn record_fields(format: &Format) -> (&[Field], usize) {
    match format.layout().top.fields.as_slice() {
        [f] if f.shape.is_empty() => match &f.ty {
            FieldType::Struct(s) => (&s.fields, f.offset),
            FieldType::Scalar(_) => (&format.layout().top.fields, 0),
        },
        fields => (fields, 0),
    }
}

type FieldParts = (Format, Vec<usize>, Vec<isize>, usize);

fn field_parts(
    format: &Format,
    name: &str,
    shape: &[usize],
    strides: &[isize],
    offset: usize,
) -> Result<FieldParts, ElementError> {
    let (fields, base) = record_fields(format);
    let Some(field) = fields.iter().find(|f| f.name.as_deref() == Some(name)) else {
        return Err(ElementError::FieldNotFound {
            name: name.to_owned(),
            format: format.as_str().to_owned(),
            available: fields.iter().filter_map(|f| f.name.clone()).collect(),
        });
    };
    let ftext = type_text(&field.ty)?;
    let fformat = Format::parse(&ftext).map_err(|e| ElementError::View(e.to_string()))?;
    let same = match (&field.ty, fformat.layout().top.fields.as_slice()) {
        (ty, [f]) => f.shape.is_empty() && f.offset == 0 && same_type(ty, &f.ty),
        _ => false,
    };
    if !same || fformat.itemsize() != field.ty.size() {
        return Err(ElementError::View(format!(
            "cannot express the type of field '{name}' as a format (tried '{ftext}')"
        )));
    }
    let mut shape = shape.to_vec();
    let mut strides = strides.to_vec();
    let mut step = field.ty.size() as isize;
    let mut sub = Vec::with_capacity(field.shape.len());
    for &n in field.shape.iter().rev() {
        sub.push(step);
        step = step.saturating_mul(n as isize);
    }
    sub.reverse();
    shape.extend_from_slice(&field.shape);
    strides.extend(sub);
    let offset = offset
        .checked_add(base + field.offset)
        .ok_or_else(|| ElementError::View("field offset overflows".to_owned()))?;
    Ok((fformat, shape, strides, offset))
}

/// Equal types, ignoring alignment (the composed text is unaligned, with explicit padding).
fn same_type(a: &FieldType, b: &FieldType) -> bool {
    match (a, b) {
        (FieldType::Scalar(x), FieldType::Scalar(y)) => {
            x.kind == y.kind && x.size == y.size && (x.endian == y.endian || x.size == 1)
        }
        (FieldType::Struct(x), FieldType::Struct(y)) => {
            x.size == y.size
                && x.fields.len() == y.fields.len()
                && x.fields.iter().zip(&y.fields).all(|(f, g)| {
                    f.name == g.name
                        && f.offset == g.offset
                        && f.shape == g.shape
                        && same_type(&f.ty, &g.ty)
                })
        }
        _ => false,
    }
}

/// The type code for a scalar of this kind and size under a standard-size prefix.
fn standard_code(s: &Scalar) -> Option<String> {
    use ScalarKind::*;
    Some(match (s.kind, s.size) {
        (Int, 1) => "b".into(),
        (Int, 2) => "h".into(),
        (Int, 4) => "i".into(),
        (Int, 8) => "q".into(),
        (UInt, 1) => "B".into(),
        (UInt, 2) => "H".into(),
        (UInt, 4) => "I".into(),
        (UInt, 8) => "Q".into(),
        (Float, 2) => "e".into(),
        (Float, 4) => "f".into(),
        (Float, 8) => "d".into(),
        (Complex, 8) => "Zf".into(),
        (Complex, 16) => "Zd".into(),
        (Bool, 1) => "?".into(),
        (Char, 1) => "c".into(),
        (Bytes, n) => format!("{n}s"),
        (Pascal, n) => format!("{n}p"),
        (Ucs2, n) => format!("{}u", n / 2),
        (Ucs4, n) => format!("{}w", n / 4),
        (Pointer, _) => "P".into(),
        (Object, _) => "O".into(),
        (LongDouble, _) => "g".into(),
        _ => return None,
    })
}

fn order_prefix(s: &Scalar) -> &'static str {
    match s.endian {
        e if e.is_native() => "=",
        crate::format::Endian::Little => "<",
        crate::format::Endian::Big => ">",
    }
}

/// PEP 3118 text for a scalar: the bare native code when that means the same (`d`, `Zf`),
/// else a byte-order prefix and the standard code of that size (`>d`, `<q`).
fn scalar_text(s: &Scalar) -> Result<String, ElementError> {
    let std = standard_code(s);
    let bare = match s.kind {
        ScalarKind::Bytes | ScalarKind::Pascal | ScalarKind::Ucs2 | ScalarKind::Ucs4 => std.clone(),
        _ => Some(s.code.to_owned()),
    };
    let mut candidates = Vec::new();
    if s.endian.is_native() {
        candidates.extend(bare);
    }
    if let Some(code) = std {
        candidates.push(format!("{}{code}", order_prefix(s)));
    }
    for text in candidates {
        if let Ok(f) = Format::parse(&text) {
            if let Some(t) = f.layout().single_scalar() {
                if t.kind == s.kind && t.size == s.size && t.endian == s.endian {
                    return Ok(text);
                }
            }
        }
    }
    Err(ElementError::View(format!(
        "cannot express a {}-byte {} as a format",
        s.size,
        crate::element::kind_name(s.kind)
    )))
}

/// PEP 3118 text for a struct: every scalar with an explicit byte order (so no implicit
/// alignment) and explicit `x` padding, so offsets and size are exactly the layout's.
fn struct_text(st: &StructLayout) -> Result<String, ElementError> {
    let mut out = String::from("T{");
    let mut at = 0usize;
    for f in &st.fields {
        if f.offset > at {
            out.push_str(&format!("{}x", f.offset - at));
        }
        if !f.shape.is_empty() {
            let dims: Vec<String> = f.shape.iter().map(|n| n.to_string()).collect();
            out.push_str(&format!("({})", dims.join(",")));
        }
        match &f.ty {
            FieldType::Scalar(s) => {
                let code = standard_code(s).ok_or_else(|| {
                    ElementError::View(format!(
                        "cannot express a {}-byte {} as a format",
                        s.size,
                        crate::element::kind_name(s.kind)
                    ))
                })?;
                out.push_str(order_prefix(s));
                out.push_str(&code);
            }
            FieldType::Struct(inner) => out.push_str(&struct_text(inner)?),
        }
        if let Some(name) = &f.name {
            out.push_str(&format!(":{name}:"));
        }
        at = f.offset + f.size();
    }
    if st.size > at {
        out.push_str(&format!("{}x", st.size - at));
    }
    out.push('}');
    Ok(out)
}

fn type_text(ty: &FieldType) -> Result<String, ElementError> {
    match ty {
        FieldType::Scalar(s) => scalar_text(s),
        FieldType::Struct(st) => struct_text(st),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn x87(hex: &str) -> [u8; 16] {
        let mut b = [0u8; 16];
        for (i, byte) in b.iter_mut().take(hex.len() / 2).enumerate() {
            *byte = u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).unwrap();
        }
        b
    }

    fn binary128(sign_exp: u16, frac: u128) -> [u8; 16] {
        ((u128::from(sign_exp) << 112) | frac).to_le_bytes()
    }

    #[test]
    fn x87_parts_are_exact() {
        // np.longdouble(x).tobytes()[:10].hex() on x86-64.
        let one = x87_parts(&x87("0000000000000080ff3f")).unwrap();
        assert_eq!(one.integer(), Ok(Some(1)));
        let minus = x87_parts(&x87("00000000000000a000c0")).unwrap(); // -2.5
        assert_eq!(minus.integer(), Err(()));
        assert!(minus.negative);
        // 2**63 - 1: 63 one bits below exponent 62.
        let max = x87_parts(&x87("feffffffffffffff3d40")).unwrap();
        assert_eq!(max.integer(), Ok(Some(i128::from(i64::MAX))));
        // 2**200 is integral but beyond i128.
        let big = x87_parts(&x87("0000000000000080c740")).unwrap();
        assert_eq!(big.integer(), Ok(None));
        // inf, NaN and an unnormal (integer bit clear) have no parts.
        assert!(x87_parts(&x87("0000000000000080ff7f")).is_none());
        assert!(x87_parts(&x87("00000000000000c0ff7f")).is_none());
        assert!(x87_parts(&x87("0000000000000000ff3f")).is_none());
        // The smallest denormal is non-integral; zero is 0.
        assert_eq!(
            x87_parts(&x87("01000000000000000000")).unwrap().integer(),
            Err(())
        );
        assert_eq!(
            x87_parts(&x87("00000000000000000080")).unwrap().integer(),
            Ok(Some(0))
        );
    }

    #[test]
    fn binary128_parts_are_exact() {
        assert_eq!(
            binary128_parts(&binary128(0x3fff, 0)).unwrap().integer(),
            Ok(Some(1))
        );
        // -3 = -1.5 * 2^1.
        let m3 = binary128_parts(&binary128(0xc000, 1u128 << 111)).unwrap();
        assert_eq!(m3.integer(), Ok(Some(-3)));
        // 1.5 is not an integer; 2**112 + 1 is (all fraction bits used).
        assert_eq!(
            binary128_parts(&binary128(0x3fff, 1u128 << 111))
                .unwrap()
                .integer(),
            Err(())
        );
        let wide = binary128_parts(&binary128(0x3fff + 112, 1)).unwrap();
        assert_eq!(wide.integer(), Ok(Some((1i128 << 112) + 1)));
        assert!(binary128_parts(&binary128(0x7fff, 0)).is_none());
        assert!(binary128_parts(&binary128(0xffff, 1)).is_none());
        // Subnormal: exponent field 0.
        assert_eq!(
            binary128_parts(&binary128(0, 1)).unwrap().integer(),
            Err(())
        );
    }

    #[test]
    fn approx_text_of_huge_values() {
        // 1e4000 and the largest x87 value (about 1.19e4932).
        let huge = x87_parts(&x87("618c55fe2383bad1e673")).unwrap();
        assert_eq!(huge.approx_text(), "≈1.000e4000");
        let max = x87_parts(&x87("fffffffffffffffffe7f")).unwrap();
        assert_eq!(max.approx_text(), "≈1.190e4932");
        let neg = LongParts {
            negative: true,
            sig: 1,
            exp2: 1024,
        };
        assert_eq!(neg.approx_text(), "≈-1.798e308");
    }

    #[test]
    fn owned_spans_cover_the_gaps() {
        use ::ndarray::{Array2, Slice};
        // The `unsafe` span of an owned array (checked under Miri): every value from the
        // lowest to the highest element, read and written. (`s![..;-2, 1..;2]`; the macro
        // expands to `allow(unsafe_code)`, which this module forbids.)
        let mut b = Array2::from_shape_fn((3, 4), |(i, j)| (4 * i + j) as u16);
        b.slice_axis_inplace(Axis(0), Slice::new(0, None, -2));
        b.slice_axis_inplace(Axis(1), Slice::new(1, None, 2));
        assert_eq!(
            b,
            Array2::from_shape_vec((2, 2), vec![9, 11, 1, 3]).unwrap()
        );
        let view = MemoryView::from_owned_array(&b).unwrap();
        let expect: Vec<u8> = (1u16..=11).flat_map(u16::to_ne_bytes).collect();
        assert_eq!(view.buffer(), expect.as_slice());
        assert_eq!(view.offset(), 16);
        let mut view = MemoryViewMut::from_owned_array_mut(&mut b).unwrap();
        for byte in view.buffer_mut() {
            *byte = 0xff;
        }
        assert_eq!(b, Array2::from_elem((2, 2), u16::MAX));
        let (storage, _) = b.into_raw_vec_and_offset();
        assert_eq!(storage[0], 0);
        assert_eq!(&storage[1..], &[u16::MAX; 11]);
    }
}
