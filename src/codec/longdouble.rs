//! C `long double` formats ⇄ `f64`: the x87 80-bit extended format and IEEE binary128.
//!
//! Decoding rounds to the nearest `f64` (ties to even), with overflow to ±inf and gradual
//! underflow to subnormals and ±0, exactly like an x87 `fstp` to a `double` in the default
//! rounding mode. Encoding from `f64` is exact (both formats are wider than `f64`).
//!
//! x87 encodings that are not canonical are decoded as the hardware treats them:
//! pseudo-denormals (exponent 0, integer bit set) by their value, unnormals (exponent non-zero,
//! integer bit clear) and pseudo-infinities/-NaNs (exponent all ones, integer bit clear) as NaN.

/// Exponent bias shared by the x87 and binary128 formats.
const BIAS: i32 = 16383;

/// Round `sig * 2^exp2` (`sig != 0`) to a binary format with `prec` bits of precision
/// (counting the implicit bit) and normal exponents `emin..=emax`, ties to even.
///
/// Returns the magnitude's bit pattern (biased exponent and fraction, no sign bit); overflow
/// gives the infinity pattern and underflow goes through subnormals to zero.
pub(crate) fn round_binary(sig: u128, exp2: i32, prec: i32, emin: i32, emax: i32) -> u64 {
    let p1 = (prec - 1).unsigned_abs();
    let inf = u64::try_from(emax - emin + 2).unwrap_or(0) << p1;
    if sig == 0 {
        return 0;
    }
    let n = 128 - i32::try_from(sig.leading_zeros()).unwrap_or(128); // bit length, 1..=128
                                                                     // The value lies in [2^top, 2^(top+1)).
    let top = exp2.saturating_add(n - 1);
    if top > emax {
        return inf;
    }
    // Bits of precision the result keeps: `prec` for normals, fewer for subnormals (whose lowest
    // bit is worth 2^(emin - prec + 1)). `keep < 0` means below half the smallest subnormal.
    let keep = if top >= emin { prec } else { top - emin + prec };
    if keep < 0 {
        return 0;
    }
    let shift = n - keep; // bits to drop (negative: exact, shift left)
    let m: u128 = if shift <= 0 {
        sig.checked_shl((-shift).unsigned_abs()).unwrap_or(0)
    } else {
        let shift = shift.unsigned_abs();
        let kept = sig.checked_shr(shift).unwrap_or(0);
        let dropped = sig & 1u128.checked_shl(shift).map_or(u128::MAX, |b| b - 1);
        let half = 1u128 << (shift - 1);
        if dropped > half || (dropped == half && kept & 1 == 1) {
            kept + 1
        } else {
            kept
        }
    };
    let m = u64::try_from(m).unwrap_or(u64::MAX);
    if top >= emin {
        // m is in [2^(prec-1), 2^prec]; m == 2^prec carries into the exponent (up to the
        // infinity pattern), which the addition does on its own.
        (u64::try_from(top - emin).unwrap_or(0) << p1) + m
    } else {
        // Subnormal: m <= 2^(prec-1); equality is the smallest normal's pattern.
        m
    }
}

/// The nearest `f64` to `(-1)^negative * sig * 2^exp2`, ties to even.
fn round_to_f64(negative: bool, sig: u128, exp2: i32) -> f64 {
    let sign_bit = u64::from(negative) << 63;
    f64::from_bits(sign_bit | round_binary(sig, exp2, 53, -1022, 1023))
}

/// IEEE binary16 bits of the nearest half-precision value to `x` (ties to even, rounded
/// directly from `f64`, not through `f32`); overflow gives ±inf, NaN gives a quiet NaN with
/// `x`'s sign (CPython's `PyFloat_Pack2`).
pub(crate) fn f64_to_f16_bits(x: f64) -> u16 {
    let bits = x.to_bits();
    let sign: u16 = if bits >> 63 == 1 { 0x8000 } else { 0 };
    if x.is_nan() {
        return sign | 0x7e00;
    }
    if x.is_infinite() {
        return sign | 0x7c00;
    }
    let exp = i32::try_from((bits >> 52) & 0x7ff).unwrap_or(0);
    let frac = bits & ((1 << 52) - 1);
    let (sig, e2) = if exp == 0 {
        (frac, -1074)
    } else {
        (frac | (1 << 52), exp - 1075)
    };
    let magnitude = round_binary(u128::from(sig), e2, 11, -14, 15);
    sign | u16::try_from(magnitude).unwrap_or(0x7c00)
}

/// Decode the 10 significant bytes of an x87 extended value (little-endian image).
pub(crate) fn x87_to_f64(b: &[u8; 10]) -> f64 {
    let mut mant = [0u8; 8];
    mant.copy_from_slice(&b[..8]);
    let mant = u64::from_le_bytes(mant);
    let se = u16::from_le_bytes([b[8], b[9]]);
    let negative = se & 0x8000 != 0;
    let exp = i32::from(se & 0x7fff);
    let integer_bit = mant >> 63 == 1;
    if exp == 0x7fff {
        return if integer_bit && mant << 1 == 0 {
            if negative {
                f64::NEG_INFINITY
            } else {
                f64::INFINITY
            }
        } else {
            // NaN (quiet or signalling), pseudo-NaN or pseudo-infinity.
            let nan = f64::NAN;
            if negative {
                -nan
            } else {
                nan
            }
        };
    }
    if exp != 0 && !integer_bit {
        // Unnormal: an invalid operand for the x87, which yields the default NaN.
        return -f64::NAN;
    }
    // Denormals and pseudo-denormals use the minimum exponent 1 - BIAS.
    let e = if exp == 0 { 1 - BIAS } else { exp - BIAS };
    round_to_f64(negative, u128::from(mant), e - 63)
}

/// Encode an `f64` as the 10 significant bytes of an x87 extended value (little-endian image).
pub(crate) fn f64_to_x87(x: f64) -> [u8; 10] {
    let bits = x.to_bits();
    let negative = bits >> 63 == 1;
    let exp = i32::try_from((bits >> 52) & 0x7ff).unwrap_or(0);
    let frac = bits & ((1 << 52) - 1);
    let (e, mant): (u16, u64) = if exp == 0x7ff {
        // inf (frac 0) or NaN with its payload.
        (0x7fff, (1 << 63) | (frac << 11))
    } else if exp == 0 {
        if frac == 0 {
            (0, 0)
        } else {
            // Subnormal double: normalise; always a normal extended value.
            let lz = frac.leading_zeros(); // >= 12
            let mant = frac << lz;
            // value = frac * 2^-1074 = mant * 2^(-1074 - lz) = 1.xxx * 2^(63 - 1074 - lz)
            let e = 63 - 1074 - i32::try_from(lz).unwrap_or(0) + BIAS;
            (u16::try_from(e).unwrap_or(0), mant)
        }
    } else {
        let e = exp - 1023 + BIAS;
        (u16::try_from(e).unwrap_or(0), (1 << 63) | (frac << 11))
    };
    let se = e | if negative { 0x8000 } else { 0 };
    let mut out = [0u8; 10];
    out[..8].copy_from_slice(&mant.to_le_bytes());
    out[8..].copy_from_slice(&se.to_le_bytes());
    out
}

/// Decode an IEEE binary128 value (all 16 bytes, as a little-endian image).
pub(crate) fn binary128_to_f64(b: &[u8; 16]) -> f64 {
    let bits = u128::from_le_bytes(*b);
    let negative = bits >> 127 == 1;
    let exp = i32::try_from((bits >> 112) & 0x7fff).unwrap_or(0);
    let frac = bits & ((1u128 << 112) - 1);
    if exp == 0x7fff {
        let v = if frac == 0 { f64::INFINITY } else { f64::NAN };
        return if negative { -v } else { v };
    }
    let (e, sig) = if exp == 0 {
        (1 - BIAS, frac)
    } else {
        (exp - BIAS, frac | (1u128 << 112))
    };
    round_to_f64(negative, sig, e - 112)
}

/// Encode an `f64` as IEEE binary128 (all 16 bytes, as a little-endian image).
pub(crate) fn f64_to_binary128(x: f64) -> [u8; 16] {
    let bits = x.to_bits();
    let sign = u128::from(bits >> 63) << 127;
    let exp = i32::try_from((bits >> 52) & 0x7ff).unwrap_or(0);
    let frac = u128::from(bits & ((1 << 52) - 1));
    let (e, f): (u128, u128) = if exp == 0x7ff {
        (0x7fff, frac << 60)
    } else if exp == 0 {
        if frac == 0 {
            (0, 0)
        } else {
            // value = frac * 2^-1074; bit length n of frac; leading 1 at 2^(n-1-1074).
            let n = 128 - i32::try_from(frac.leading_zeros()).unwrap_or(128);
            let e = n - 1 - 1074 + BIAS;
            let f = (frac << (113 - n).unsigned_abs()) & ((1u128 << 112) - 1);
            (u128::try_from(e).unwrap_or(0), f)
        }
    } else {
        (u128::try_from(exp - 1023 + BIAS).unwrap_or(0), frac << 60)
    };
    (sign | (e << 112) | f).to_le_bytes()
}

/// The exact value of a finite `long double`: `(-1)^negative · sig · 2^exp2`. Converting
/// copies use it where rounding to `f64` first would lose the answer (integers beyond 2^53,
/// values beyond `f64`'s range).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct LongParts {
    /// The sign.
    pub(crate) negative: bool,
    /// The significand.
    pub(crate) sig: u128,
    /// The power of two it is scaled by.
    pub(crate) exp2: i32,
}

/// [`LongParts`] of an x87 extended value (the first 10 bytes of a little-endian image), or
/// `None` for an infinity, NaN, or an encoding the x87 treats as NaN (unnormal,
/// pseudo-infinity).
pub(crate) fn x87_parts(img: &[u8; 16]) -> Option<LongParts> {
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
        exp2: exp.max(1) - BIAS - 63,
    })
}

/// [`LongParts`] of an IEEE binary128 value (a little-endian image), or `None` for an
/// infinity or NaN.
pub(crate) fn binary128_parts(img: &[u8; 16]) -> Option<LongParts> {
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
        exp2: exp.max(1) - BIAS - 112,
    })
}

impl LongParts {
    /// The value as an integer when it is one and fits `i128` (`Ok(None)` when integral but
    /// larger), or `Err(())` when it has a fractional part.
    pub(crate) fn integer(self) -> Result<Option<i128>, ()> {
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
    pub(crate) fn approx_text(self) -> String {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn x87(hex: &str) -> [u8; 10] {
        let mut b = [0u8; 10];
        for (i, byte) in b.iter_mut().enumerate() {
            *byte = u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).unwrap();
        }
        b
    }

    /// `np.longdouble(x).tobytes()[:10].hex()` from NumPy 2.4 on x86-64.
    const NUMPY: &[(f64, &str)] = &[
        (1.0, "0000000000000080ff3f"),
        (-2.5, "00000000000000a000c0"),
        (0.1, "00d0ccccccccccccfb3f"),
        (1e300, "00e0ac0340e421bfe343"),
        (5e-324, "0000000000000080cd3b"),
        (1e-310, "00005831875b4493f93b"),
        (2.2250738585072014e-308, "0000000000000080013c"),
        (1.7976931348623157e308, "00f8fffffffffffffe43"),
        (f64::INFINITY, "0000000000000080ff7f"),
        (f64::NEG_INFINITY, "0000000000000080ffff"),
        (f64::NAN, "00000000000000c0ff7f"),
        (0.0, "00000000000000000000"),
        (-0.0, "00000000000000000080"),
    ];

    #[test]
    fn x87_matches_numpy_both_ways() {
        for &(x, hex) in NUMPY {
            let b = x87(hex);
            assert_eq!(f64_to_x87(x), b, "encode {x:e}");
            let back = x87_to_f64(&b);
            assert!(
                back.to_bits() == x.to_bits() || (x.is_nan() && back.is_nan()),
                "{x:e}"
            );
        }
    }

    #[test]
    fn x87_rounds_to_nearest_even() {
        // 1 + 2^-53 (exactly half an ulp of f64): ties to even -> 1.0.
        let mut b = f64_to_x87(1.0);
        b[1] = 0x04; // mantissa bit 10 = 2^-53 relative to the integer bit 63
        assert_eq!(x87_to_f64(&b), 1.0);
        // Slightly above half -> rounds up to 1 + 2^-52.
        b[0] = 0x01;
        assert_eq!(x87_to_f64(&b), 1.0 + f64::EPSILON);
        // 1 + 3*2^-53 ties to even -> 1 + 2^-51.
        let mut b = f64_to_x87(1.0);
        b[1] = 0x0c;
        assert_eq!(x87_to_f64(&b), 1.0 + 2.0 * f64::EPSILON);
        // Largest extended value overflows to inf.
        assert_eq!(x87_to_f64(&x87("fffffffffffffffffe7f")), f64::INFINITY);
        // Just below f64::MAX + half ulp rounds to MAX; all-ones mantissa at MAX's exponent
        // rounds up to inf.
        assert_eq!(x87_to_f64(&x87("fffffffffffffffffe43")), f64::INFINITY);
        assert_eq!(x87_to_f64(&x87("fffbfffffffffffffe43")), f64::MAX);
        // Smallest extended denormal underflows to 0, keeping the sign.
        assert_eq!(
            x87_to_f64(&x87("01000000000000000080")).to_bits(),
            (-0.0f64).to_bits()
        );
        // 2^-1075 exactly: tie between 0 and 2^-1074 -> 0; a bit more -> 2^-1074.
        let half_min = x87("0000000000000080cc3b");
        assert_eq!(x87_to_f64(&half_min), 0.0);
        let above = x87("0100000000000080cc3b");
        assert_eq!(x87_to_f64(&above), 5e-324);
        // Subnormal rounding: 1.5 * 2^-1074 -> ties to even -> 2 * 2^-1074.
        let one_half = x87("00000000000000c0cd3b");
        assert_eq!(x87_to_f64(&one_half), 1e-323);
        // Rounding up from the largest subnormal gives the smallest normal.
        let just_below_min = x87("ffffffffffffffff003c");
        assert_eq!(x87_to_f64(&just_below_min), f64::MIN_POSITIVE);
    }

    #[test]
    fn x87_noncanonical_encodings() {
        // Pseudo-denormal (exp 0, integer bit set) = 2^-16382, far below f64 range.
        assert_eq!(x87_to_f64(&x87("00000000000000800000")), 0.0);
        // Unnormal (exp != 0, integer bit clear) -> NaN.
        assert!(x87_to_f64(&x87("0000000000000040ff3f")).is_nan());
        // Pseudo-infinity (exp all ones, integer bit clear) -> NaN.
        assert!(x87_to_f64(&x87("0000000000000000ff7f")).is_nan());
        // Signalling NaN stays NaN.
        assert!(x87_to_f64(&x87("0100000000000080ff7f")).is_nan());
    }

    #[test]
    fn x87_round_trips_every_class() {
        let samples = [
            1.0,
            -1.0,
            0.5,
            std::f64::consts::PI,
            1e-310,
            5e-324,
            -2.2250738585072014e-308,
            f64::MAX,
            f64::MIN_POSITIVE,
            1e16,
            123456789.125,
        ];
        for x in samples {
            assert_eq!(x87_to_f64(&f64_to_x87(x)).to_bits(), x.to_bits(), "{x:e}");
            assert_eq!(
                binary128_to_f64(&f64_to_binary128(x)).to_bits(),
                x.to_bits(),
                "{x:e}"
            );
        }
    }

    #[test]
    fn f16_rounds_directly_from_f64() {
        let h = |x: f64| f64_to_f16_bits(x);
        assert_eq!(h(1.0), 0x3c00);
        assert_eq!(h(65504.0), 0x7bff);
        assert_eq!(h(65519.0), 0x7bff);
        assert_eq!(h(65520.0), 0x7c00);
        assert_eq!(h(-65520.0), 0xfc00);
        assert_eq!(h(2049.0), 0x6800);
        assert_eq!(h(2051.0), 0x6802);
        assert_eq!(h(5.96e-8), 0x0001);
        assert_eq!(h(3.0e-8), 0x0001);
        assert_eq!(h(2.9e-8), 0x0000);
        assert_eq!(h(-0.0), 0x8000);
        assert_eq!(h(6.1e-5), 0x03ff);
        assert_eq!(h(6.103515625e-05), 0x0400);
        assert_eq!(h(1.0 + 2f64.powi(-11) + 2f64.powi(-40)), 0x3c01);
        assert_eq!(h(f64::MIN_POSITIVE), 0);
        assert_eq!(h(f64::MAX), 0x7c00);
        assert_eq!(h(-f64::NAN), 0xfe00);
        // Every f16 converts back to itself.
        for b in 0..=u16::MAX {
            let x = half::f16::from_bits(b);
            if !x.is_nan() {
                assert_eq!(h(x.to_f64()), b);
            }
        }
    }

    #[test]
    fn binary128_known_values() {
        // 1.0 = 0x3fff << 112.
        let one = f64_to_binary128(1.0);
        assert_eq!(u128::from_le_bytes(one), 0x3fffu128 << 112);
        assert_eq!(
            u128::from_le_bytes(f64_to_binary128(-2.0)),
            (0xc000u128) << 112
        );
        assert_eq!(
            binary128_to_f64(&((0x7fffu128 << 112).to_le_bytes())),
            f64::INFINITY
        );
        assert!(binary128_to_f64(&(((0x7fffu128 << 112) | 1).to_le_bytes())).is_nan());
        // 1 + 2^-60 rounds to 1.0; max binary128 overflows.
        assert_eq!(
            binary128_to_f64(&(((0x3fffu128 << 112) | (1 << 52)).to_le_bytes())),
            1.0
        );
        assert_eq!(
            binary128_to_f64(&(u128::MAX >> 1).wrapping_sub(1 << 112).to_le_bytes()),
            f64::INFINITY
        );
        // Smallest double subnormal: 2^-1074.
        let tiny = f64_to_binary128(5e-324);
        assert_eq!(binary128_to_f64(&tiny), 5e-324);
        assert_eq!(
            u128::from_le_bytes(tiny) >> 112,
            u128::try_from(-1074 + BIAS).unwrap()
        );
    }
}

/// The exact parts of long doubles ([`LongParts`]), as converting copies read them.
#[cfg(test)]
mod parts_tests {
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
}
