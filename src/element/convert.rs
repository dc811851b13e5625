//! Converting copies: the elements of a view of one numeric format read as another type,
//! by value and never by wrap-around (see "Converting copies" in the `ndarray` module docs).

use crate::codec::{self, LongParts};
use crate::format::{Scalar, ScalarKind};
use crate::value::Value;
use crate::view::raw::{RawView, Shared};

use super::sealed::Sealed;
use super::{Element, ElementError, Number, Unrepresentable};

/// Whether a converting copy from `src` to `T` is allowed.
pub(crate) fn convertible<T: Element>(src: &Scalar) -> bool {
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
