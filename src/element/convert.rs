//! Converting copies: the elements of a view of one numeric format read as another type,
//! by value and never by wrap-around (see "Converting copies" in the `ndarray` module docs).

use crate::codec::{self, LongParts};
use crate::format::{Format, Scalar, ScalarKind};
use crate::value::Value;
use std::marker::PhantomData;

use crate::view::raw::copy::{ItemMap, RunMap};
use crate::view::raw::{Derivation, Exclusive, RawView, Shared, Storage};
use crate::view::{MemoryViewMut, Order, ViewBase, ViewError};

use super::sealed::Sealed;
use super::{Element, ElementError, Number, Unrepresentable};

/// Whether a converting copy from `src` to `T` is allowed.
pub(crate) fn convertible<T: Element>(src: &Scalar) -> bool {
    convertible_to(src, T::KIND)
}

/// Whether a converting copy from `src` to a scalar of kind `target` is allowed: numbers to
/// numbers (complex only to complex), bools to anything numeric, nothing to bool but bool.
fn convertible_to(src: &Scalar, target: ScalarKind) -> bool {
    use ScalarKind::*;
    let numeric_target = matches!(target, Int | UInt | Float | LongDouble | Complex);
    match (src.kind, src.size) {
        (Bool, 1) => target == Bool || numeric_target,
        (Int | UInt, 1 | 2 | 4 | 8) | (Float, 2 | 4 | 8) | (LongDouble, _) => numeric_target,
        (Complex, 8 | 16) => target == Complex,
        (Complex, _) => src.code == "Zg" && target == Complex,
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

/// Why a wide `long double` gave no number for the target.
enum LongMiss {
    /// The codec cannot decode it on this platform (PowerPC's double-double).
    Unsupported(crate::codec::PackError),
    /// A finite value beyond `f64`'s range (text of the value).
    OutOfRange(String),
    /// A value with a fractional part, for an integer target (text of the value).
    NotInteger(String),
}

/// One wide `long double` (`g`) or complex pair (`Zg`) as a [`Number`] for a target of kind
/// `target`: integers exactly from the long double itself, floats through the codec's
/// nearest-`f64` rounding, with finite values beyond `f64`'s range refused.
fn read_long_number(s: &Scalar, raw: &[u8], target: ScalarKind) -> Result<Number, LongMiss> {
    let value = codec::decode_scalar(s, &raw[..s.size]).map_err(LongMiss::Unsupported)?;
    // A part decoded to ±inf although finite was out of `f64`'s range.
    let checked = |x: f64, part: &[u8]| -> Result<(f64, Option<LongParts>), LongMiss> {
        let parts = codec::long_double_parts(part, s.endian);
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
        // The codec decodes `g` to a float and `Zg` to a complex; anything else would be a
        // codec bug, read as the value it is.
        _ => Ok(Number::Float(f64::NAN)),
    }
}

/// Reads one number of scalar type `s` from `raw` (`raw.len() >= s.size`); `Err(byte)` for a
/// `bool` byte other than 0 or 1.
pub(crate) fn read_number(s: &Scalar, raw: &[u8]) -> Result<Number, u8> {
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

/// The multi-index of the `flat`-th element in C order of `shape`.
fn unravel(shape: &[usize], mut flat: usize) -> Vec<usize> {
    let mut index = vec![0; shape.len()];
    for (k, &n) in shape.iter().enumerate().rev() {
        if n > 0 {
            index[k] = flat % n;
            flat /= n;
        }
    }
    index
}

/// The elements of a direct view whose format is the one scalar `s`, converted to `T` in C
/// order, with the value checks of the module docs; the first refused value is named with
/// its index.
pub(crate) fn convert_items<T: Element>(
    raw: &RawView<Shared<'_>>,
    format: &str,
    s: &Scalar,
) -> Result<Vec<T>, ElementError> {
    if !convertible::<T>(s) {
        return Err(ElementError::NotConvertible {
            format: format.to_owned(),
            element: T::NAME,
        });
    }
    let shape = &raw.geom().shape;
    let wide = is_wide_long_double(s);
    let base = raw.base() as usize;
    let mut out = Vec::with_capacity(raw.geom().nelements());
    for (flat, item) in raw.items(false).enumerate() {
        let n = if wide {
            read_long_number(s, item, T::KIND).map_err(|miss| {
                let (index, element) = (unravel(shape, flat), T::NAME);
                match miss {
                    LongMiss::Unsupported(error) => ElementError::Undecodable {
                        format: format.to_owned(),
                        element,
                        error: Box::new(error),
                    },
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
            read_number(s, item).map_err(|byte| ElementError::InvalidBool {
                byte,
                offset: item.as_ptr() as usize - base,
                index: unravel(shape, flat),
            })?
        };
        let v = T::from_number(n).map_err(|why| {
            let (value, index, element) = (n.to_string(), unravel(shape, flat), T::NAME);
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
    }
    Ok(out)
}

// ---------------------------------------------------------------------------------------------
// Converting copies between views.
// ---------------------------------------------------------------------------------------------

/// Whether every value of scalar type `src` converts to `dst` without a value check (the
/// widenings: a wider integer of a compatible sign, a float at least as wide, an integer into a
/// float that holds its range, bools into numbers — bools are still checked for 0 and 1).
fn infallible(src: &Scalar, dst: &Scalar) -> bool {
    use ScalarKind::*;
    let (s, d) = (src.size, dst.size);
    let part = |k: ScalarKind, n: usize| if k == Complex { n / 2 } else { n };
    match (src.kind, dst.kind) {
        (Int, Int) | (UInt, UInt) => d >= s,
        (UInt, Int) => d > s,
        (Int | UInt, Float | Complex) => {
            let d = part(dst.kind, d);
            // f16 holds integers up to 65504; f32 and f64 hold every 64-bit integer's range.
            d >= 4 || s == 1 || (s == 2 && src.kind == Int && d == 2)
        }
        (Float, Float | Complex) => part(dst.kind, d) >= s,
        (Complex, Complex) => d >= s,
        _ => false,
    }
}

/// When converting `src` to `dst` only moves bytes — the same kind (integer or real float)
/// and size, so every value is kept bit for bit, as NumPy's byte-order casts keep NaN
/// payloads — whether the bytes of each item are reversed (`Some(true)`: another byte order)
/// or kept (`Some(false)`). `None` when values must be converted.
fn byte_move(src: &Scalar, dst: &Scalar) -> Option<bool> {
    use ScalarKind::*;
    let same = src.kind == dst.kind && src.size == dst.size;
    if !same || !matches!(src.kind, Int | UInt | Float) || !matches!(src.size, 1 | 2 | 4 | 8) {
        return None;
    }
    Some(src.size > 1 && src.endian.is_native() != dst.endian.is_native())
}

/// The error for the value `n` of the element at C-order position `flat` that does not
/// convert to `element`.
fn value_error(
    why: Unrepresentable,
    n: Number,
    shape: &[usize],
    flat: usize,
    format: &str,
    element: &'static str,
) -> ElementError {
    let (value, index) = (n.to_string(), unravel(shape, flat));
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
}

/// One converting copy from `S` to `D` (both plain element types, `M` and `N` bytes), `src`
/// already broadcast to `dst`'s shape. When the pair can fail, every value is checked first,
/// so that a refused value leaves the destination unchanged.
fn convert_loop<S: Element, D: Element, const M: usize, const N: usize>(
    dst: &mut RawView<Exclusive<'_>>,
    src: &RawView<Shared<'_>>,
    swaps: (bool, bool),
    check: bool,
    format: &str,
) -> Result<(), ElementError> {
    if check {
        check_values::<S, D>(src, swaps.0, format)?;
    }
    if (dst.geom().itemsize, src.geom().itemsize) != (N, M) {
        // Items with padding after the scalar: one at a time.
        dst.zip_with(src, |d, s| convert_item::<S, D>(s, d, swaps))?;
        return Ok(());
    }
    dst.zip_runs_with(src, run_map::<S, D, M, N>(swaps))?;
    Ok(())
}

/// The conversion of runs of packed `S` items (`M` bytes) into packed `D` items (`N` bytes),
/// in the byte orders `swaps` says: one loop per byte-order pair, so that each is a plain
/// conversion loop, compiled for the running CPU's vector width ([`RunMap`]). The same four
/// loops serve `copy_from_converted` and `to_bytes_as`.
fn run_map<S: Element, D: Element, const M: usize, const N: usize>(
    (sswap, dswap): (bool, bool),
) -> RunMap {
    match (sswap, dswap) {
        (false, false) => RunMap::new::<Conv<S, D, false, false>, M, N>(),
        (false, true) => RunMap::new::<Conv<S, D, false, true>, M, N>(),
        (true, false) => RunMap::new::<Conv<S, D, true, false>, M, N>(),
        (true, true) => RunMap::new::<Conv<S, D, true, true>, M, N>(),
    }
}

/// The conversion of one `S` item into a `D` item, each stored in the other byte order where
/// `SSWAP` / `DSWAP`: the [`ItemMap`] of a [`RunMap`].
struct Conv<S, D, const SSWAP: bool, const DSWAP: bool>(PhantomData<(S, D)>);

impl<S: Element, D: Element, const SSWAP: bool, const DSWAP: bool> ItemMap
    for Conv<S, D, SSWAP, DSWAP>
{
    #[inline(always)]
    fn map<const N: usize>(item: &[u8]) -> [u8; N] {
        convert_to::<S, D, N>(item, (SSWAP, DSWAP))
    }
}

/// [`convert_item`] into a new array of the `N` bytes of a `D`.
#[inline(always)]
fn convert_to<S: Element, D: Element, const N: usize>(item: &[u8], swaps: (bool, bool)) -> [u8; N] {
    let mut bytes = [0u8; N];
    convert_item::<S, D>(item, &mut bytes, swaps);
    bytes
}

/// `to_bytes_as` between element types (`M` and `N` bytes): the values checked (when
/// `check`), then converted into `out`'s spare capacity, in C order (F with `fortran`). In
/// runs ([`RawView::gather_runs_into`]: straight into the output, one pass) when the walk
/// reads the source's items end to end; else item by item, which is faster from a strided
/// source (the runs path gathers it into a stage first). Measured on AMD Zen 5
/// (`benches/sweep.rs`, `<i` to `<d`): a contiguous 128², 512² source 2.64 µs, 97 µs in runs
/// (`to_bytes` of a `<d` matrix of the output's size 2.71 µs, 143 µs). In an earlier session,
/// when runs still went through a stage: a contiguous 128², 512² source 3.6 µs, 63 µs item by
/// item against 1.8 µs, 34 µs in runs; the `[::2, ::2]` of 256², 1024², 4096² sources
/// 3.9 µs, 65 µs, 4.4 ms item by item against 6.0 µs, 93 µs, 5.1 ms in runs.
fn gather_loop<S: Element, D: Element, const M: usize, const N: usize>(
    src: &RawView<Shared<'_>>,
    fortran: bool,
    swaps: (bool, bool),
    check: bool,
    format: &str,
    out: &mut Vec<u8>,
) -> Result<(), ElementError> {
    if check {
        check_values::<S, D>(src, swaps.0, format)?;
    }
    if src.geom().itemsize == M && src.walks_packed(fortran) {
        src.gather_runs_into(fortran, out, run_map::<S, D, M, N>(swaps))?;
        return Ok(());
    }
    src.gather_map_into::<N>(fortran, out, |s| convert_to::<S, D, N>(s, swaps))?;
    Ok(())
}

/// The first element of `src` (in C order) that is an invalid `bool` or does not convert to
/// `D`, as the error `copy_from_converted` reports.
fn check_values<S: Element, D: Element>(
    src: &RawView<Shared<'_>>,
    sswap: bool,
    format: &str,
) -> Result<(), ElementError> {
    let shape = &src.geom().shape;
    let base = src.base() as usize;
    for (flat, item) in src.items(false).enumerate() {
        if let Some(byte) = S::invalid_byte(item) {
            return Err(ElementError::InvalidBool {
                byte,
                offset: item.as_ptr() as usize - base,
                index: unravel(shape, flat),
            });
        }
        let n = S::load(item, sswap).to_number();
        if let Err(why) = D::from_number(n) {
            return Err(value_error(why, n, shape, flat, format, D::NAME));
        }
    }
    Ok(())
}

/// Convert the `S` in `src` into the `D` bytes of `out`. The values were checked first (or
/// convert infallibly), so `from_number` succeeds.
#[inline(always)]
fn convert_item<S: Element, D: Element>(src: &[u8], out: &mut [u8], (sswap, dswap): (bool, bool)) {
    if let Ok(v) = D::from_number(S::load(src, sswap).to_number()) {
        v.store(out, dswap);
    }
}

/// Calls `$body` with `$T` the element type of scalar `$s`, or evaluates `$other` for scalars
/// with no element type (`g`, `Zg` wider than a double).
macro_rules! with_element_type {
    ($s:expr, $T:ident => $body:expr, else $other:expr) => {
        match ($s.kind, $s.size) {
            (ScalarKind::Bool, 1) => {
                type $T = bool;
                $body
            }
            (ScalarKind::Int, 1) => {
                type $T = i8;
                $body
            }
            (ScalarKind::Int, 2) => {
                type $T = i16;
                $body
            }
            (ScalarKind::Int, 4) => {
                type $T = i32;
                $body
            }
            (ScalarKind::Int, 8) => {
                type $T = i64;
                $body
            }
            (ScalarKind::UInt, 1) => {
                type $T = u8;
                $body
            }
            (ScalarKind::UInt, 2) => {
                type $T = u16;
                $body
            }
            (ScalarKind::UInt, 4) => {
                type $T = u32;
                $body
            }
            (ScalarKind::UInt, 8) => {
                type $T = u64;
                $body
            }
            (ScalarKind::Float, 2) => {
                type $T = half::f16;
                $body
            }
            (ScalarKind::Float, 4) => {
                type $T = f32;
                $body
            }
            (ScalarKind::Float | ScalarKind::LongDouble, 8) => {
                type $T = f64;
                $body
            }
            (ScalarKind::Complex, 8) => {
                type $T = num_complex::Complex<f32>;
                $body
            }
            (ScalarKind::Complex, 16) if $s.code != "Zg" => {
                type $T = num_complex::Complex<f64>;
                $body
            }
            _ => $other,
        }
    };
}

/// A converting copy where one side is a C `long double` wider than `double` (`g`, `Zg`):
/// element by element through [`Number`], with the long double encoded by the codec
/// (nearest value) and the other side's value checks.
fn convert_slow(
    dst: &mut RawView<Exclusive<'_>>,
    src: &RawView<Shared<'_>>,
    (ss, ds): (&Scalar, &Scalar),
    format: &str,
) -> Result<(), ElementError> {
    let shape = src.geom().shape.clone();
    let base = src.base() as usize;
    let read = |flat: usize, item: &[u8]| -> Result<Number, ElementError> {
        if is_wide_long_double(ss) {
            read_long_number(ss, item, ds.kind).map_err(|miss| match miss {
                LongMiss::Unsupported(error) => ElementError::Undecodable {
                    format: format.to_owned(),
                    element: "long double",
                    error: Box::new(error),
                },
                LongMiss::OutOfRange(value) => ElementError::ValueOutOfRange {
                    value,
                    index: unravel(&shape, flat),
                    element: "f64",
                },
                LongMiss::NotInteger(value) => ElementError::ValueNotInteger {
                    value,
                    index: unravel(&shape, flat),
                    element: "an integer",
                },
            })
        } else {
            read_number(ss, item).map_err(|byte| ElementError::InvalidBool {
                byte,
                offset: item.as_ptr() as usize - base,
                index: unravel(&shape, flat),
            })
        }
    };
    // The destination's bytes for one number: a typed element, or the codec's encoding.
    let encode = |n: Number, out: &mut [u8]| -> Result<(), Unrepresentable> {
        with_element_type!(ds, D => {
            D::from_number(n)?.store(out, !ds.endian.is_native());
            Ok(())
        }, else {
            let value = match n {
                Number::Complex(re, im) => Value::Complex(num_complex::Complex64::new(re, im)),
                Number::Bool(b) => Value::Float(f64::from(u8::from(b))),
                Number::Int(i) => Value::Float(i as f64),
                Number::Float(x) => Value::Float(x),
            };
            codec::encode_scalar(ds, &value, out).map_err(|_| Unrepresentable::Kind)
        })
    };
    // Check everything first, so that a refusal leaves the destination unchanged.
    let mut scratch = vec![0u8; ds.size];
    for (flat, item) in src.items(false).enumerate() {
        let n = read(flat, item)?;
        encode(n, &mut scratch)
            .map_err(|why| value_error(why, n, &shape, flat, format, "the destination"))?;
    }
    let mut flat = 0usize;
    dst.zip_with(src, |d, s| {
        if let Ok(n) = read(flat, s) {
            let _ = encode(n, d);
        }
        flat += 1;
    })?;
    Ok(())
}

impl<S: Storage> ViewBase<S> {
    /// `np.asarray(view).astype(format).tobytes(order)`: the elements converted, value by value,
    /// into the bytes of another one-scalar `format` (any byte order and width:
    /// `">d"` to `"<d"`, `"<i"` to `"<d"`, `"?"` to `"B"`), in C, F or physical order, in one
    /// pass, with the checks of [`copy_from_converted`](ViewBase::copy_from_converted).
    ///
    /// ```
    /// use memview::{MemoryView, Order};
    ///
    /// let big = [0x3f, 0xf8, 0, 0, 0, 0, 0, 0, 0x40, 0x04, 0, 0, 0, 0, 0, 0]; // 1.5, 2.5 as >d
    /// let v = MemoryView::from_parts(&big, ">d", &[2], None, 0)?;
    /// let little = v.to_bytes_as("<d", Order::C)?;
    /// assert_eq!(little, [1.5f64.to_le_bytes(), 2.5f64.to_le_bytes()].concat());
    /// assert_eq!(v.to_bytes_as("<h", Order::C).unwrap_err().to_string(),
    ///            "value 1.5 at index [0] is not an integer, so it does not convert to i16 exactly");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    /// As [`copy_from_converted`](ViewBase::copy_from_converted); a format that does not parse
    /// is [`ElementError::View`].
    pub fn to_bytes_as(&self, format: &str, order: Order) -> Result<Vec<u8>, ElementError> {
        let format = Format::parse(format).map_err(ViewError::from)?;
        let fortran = match order {
            Order::C => false,
            Order::F => true,
            Order::A => !self.is_c_contiguous() && self.is_f_contiguous(),
        };
        let mut shape = self.shape().to_vec();
        let n = self
            .num_elements()
            .checked_mul(format.itemsize())
            .ok_or_else(|| ViewError::SizeOverflow {
                shape: shape.clone(),
                itemsize: format.itemsize(),
            })?;
        let mut out = Vec::new();
        out.try_reserve_exact(n)
            .map_err(|_| ViewError::AllocationFailed { bytes: n as u128 })?;
        if let Some(done) = gather_converted(
            &self.raw().shared(),
            fortran,
            self.format(),
            &format,
            &mut out,
        ) {
            done?;
            return Ok(out);
        }
        out.resize(n, 0);
        let (src, mut dst);
        if fortran {
            // The F-order bytes of this view are the C-order bytes of its transpose.
            shape.reverse();
            src = self.raw().shared().lend_derived(Derivation::Transpose)?;
            dst = MemoryViewMut::from_format(&mut out, format, None, &shape, None, 0)?;
        } else {
            src = self.raw().shared();
            dst = MemoryViewMut::from_format(&mut out, format, None, &shape, None, 0)?;
        }
        convert_into(&mut dst, &src, self.format())?;
        Ok(out)
    }
}

impl<'a> ViewBase<Exclusive<'a>> {
    /// NumPy's `dst[...] = src` between formats: the elements of `src` (broadcast to this
    /// view's shape, as NumPy broadcasts) converted value by value into this view's format —
    /// another byte order, width or kind (`>d` into `<d`, `<i` into `<d`, `d` into `h`, `?`
    /// into `B`), each side a single numeric scalar. Conversions follow the rules of
    /// [`to_array`](ViewBase::to_array): widening always; narrowing, float to integer and
    /// float to a narrower float only when the value fits (integral and in range; rounding of
    /// floats allowed, overflow to infinity not); complex only to complex. Where NumPy would
    /// wrap or truncate silently this refuses instead, naming the first value that does not
    /// fit and its index — and then nothing has been written.
    ///
    /// ```
    /// use memview::{MemoryView, MemoryViewMut};
    ///
    /// let src = [1i32, -2, 300].map(i32::to_le_bytes).concat();
    /// let src = MemoryView::from_parts(&src, "<i", &[3], None, 0)?;
    /// let mut out = [0u8; 24];
    /// let mut dst = MemoryViewMut::from_parts(&mut out, ">d", &[3], None, 0)?;
    /// dst.copy_from_converted(&src)?;                          // dst[...] = src
    /// assert_eq!(dst.to_list()?.to_string(), "[1.0, -2.0, 300.0]");
    ///
    /// let mut small = [0u8; 3];
    /// let mut bytes = MemoryViewMut::from_parts(&mut small, "b", &[3], None, 0)?;
    /// let e = bytes.copy_from_converted(&src).unwrap_err();
    /// assert_eq!(e.to_string(), "value 300 at index [2] does not fit in i8");
    /// assert_eq!(small, [0, 0, 0]);                               // nothing written
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    /// [`ElementError::NotConvertible`] for formats that are not one numeric scalar or kinds
    /// that do not convert; [`ElementError::View`] with
    /// [`ViewError::BroadcastShape`] for shapes that do not broadcast;
    /// [`ElementError::ValueOutOfRange`] / [`ElementError::ValueNotInteger`] naming the first
    /// value that does not fit; [`ElementError::InvalidBool`].
    pub fn copy_from_converted<S: Storage>(
        &mut self,
        src: &ViewBase<S>,
    ) -> Result<(), ElementError> {
        let shape = self.shape().to_vec();
        let src_raw = src
            .raw()
            .shared()
            .lend_derived(Derivation::Broadcast(&shape))?;
        convert_into(self, &src_raw, src.format())
    }
}

/// `to_bytes_as` for two element types, one scalar each (no padding): the converted bytes
/// appended to `out` without a zero-filled buffer first. `None` for anything else (long
/// doubles, formats that do not convert), which the general path handles and refuses.
fn gather_converted(
    src: &RawView<Shared<'_>>,
    fortran: bool,
    src_format: &Format,
    dst_format: &Format,
    out: &mut Vec<u8>,
) -> Option<Result<(), ElementError>> {
    let ss = src_format.layout().single_scalar()?;
    let ds = dst_format.layout().single_scalar()?;
    if !convertible_to(ss, ds.kind) || dst_format.itemsize() != ds.size {
        return None;
    }
    if let Some(reverse) = byte_move(ss, ds).filter(|_| src.geom().itemsize == ss.size) {
        // The copy kernel's gather, reversing each item's bytes for another byte order.
        if reverse {
            src.gather_swapped_into(fortran, out);
        } else {
            src.gather_into(fortran, out);
        }
        return Some(Ok(()));
    }
    let swaps = (!ss.endian.is_native(), !ds.endian.is_native());
    let check = !infallible(ss, ds) || ss.kind == ScalarKind::Bool;
    let format = dst_format.as_str();
    with_element_type!(ss, S => {
        with_element_type!(ds, D => {
            Some(gather_loop::<S, D, { std::mem::size_of::<S>() }, { std::mem::size_of::<D>() }>(
                src, fortran, swaps, check, format, out,
            ))
        }, else None)
    }, else None)
}

/// The converting copy of `src` (already of `dst`'s shape, with format `src_format`) into
/// `dst`.
fn convert_into(
    dst: &mut ViewBase<Exclusive<'_>>,
    src: &RawView<Shared<'_>>,
    src_format: &Format,
) -> Result<(), ElementError> {
    let not_convertible = |element| ElementError::NotConvertible {
        format: src_format.as_str().to_owned(),
        element,
    };
    let src_scalar = src_format.layout().single_scalar().cloned();
    let (Some(ss), Some(ds)) = (src_scalar, dst.format().layout().single_scalar().cloned()) else {
        return Err(not_convertible("a single numeric scalar"));
    };
    if !convertible_to(&ss, ds.kind) {
        return Err(not_convertible(super::kind_name(ds.kind)));
    }
    let sizes = (src.geom().itemsize, dst.raw().geom().itemsize);
    if let Some(reverse) = byte_move(&ss, &ds).filter(|_| sizes == (ss.size, ss.size)) {
        // The copy kernel, reversing each item's bytes for another byte order.
        let raw = dst.raw_mut();
        if reverse {
            raw.copy_swapped_from(src)?;
        } else {
            raw.copy_from(src)?;
        }
        return Ok(());
    }
    let swaps = (!ss.endian.is_native(), !ds.endian.is_native());
    let check = !infallible(&ss, &ds) || ss.kind == ScalarKind::Bool;
    let dst_format = dst.format().as_str().to_owned();
    let raw = dst.raw_mut();
    with_element_type!(ss, S => {
        with_element_type!(ds, D => {
            convert_loop::<S, D, { std::mem::size_of::<S>() }, { std::mem::size_of::<D>() }>(
                raw, src, swaps, check, &dst_format,
            )
        }, else convert_slow(raw, src, (&ss, &ds), &dst_format))
    }, else convert_slow(raw, src, (&ss, &ds), &dst_format))
}
