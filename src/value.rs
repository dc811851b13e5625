//! [`Value`]: one decoded element of any format, printed exactly as Python's `repr` prints it.
//!
//! # Printing
//!
//! `Display` reproduces CPython's `repr` for the same data:
//!
//! * integers in decimal, `True` / `False`;
//! * floats with the shortest digits that round-trip, fixed notation when the decimal exponent
//!   is in `-4..16` and scientific otherwise (`1.0`, `0.0001`, `1e-05`, `1e+16`, `-0.0`, `nan`,
//!   `inf`);
//! * complex numbers like `complex.__repr__` (`(1+2j)`, `1j`, `(-0-1j)`, `(nan+infj)`);
//! * `bytes` and `str` with Python's choice of quote and its escapes (`b'Q\x00'`, `b"'"`,
//!   `'\u200b'`); which characters count as printable comes from a table generated from
//!   CPython 3.13's `str.isprintable` (Unicode 15.1);
//! * tuples `()`, `(1,)`, `(1, 2)`; records print as tuples; lists `[1, 2]`.
//!
//! # Parsing
//!
//! `FromStr` reads a Python literal back (`"(1, 2.5, b'ab', 'x')".parse::<Value>()`): what
//! `repr` prints, plus Python's other spellings of numbers (`0x1f`, `1_000`, `2e-3`); the
//! error ([`LiteralError`]) names the position. The same parser reads `.npy` headers
//! ([`crate::npy`]).
//!
//! ```
//! use memview::Value;
//! let v: Value = "(0x10, -2.5e0, b'a\\x00', [True, 1j])".parse()?;
//! assert_eq!(v.to_string(), "(16, -2.5, b'a\\x00', [True, 1j])");
//! assert_eq!(memview::pack("<hd", &[Value::from(16), "2.5".parse()?]).unwrap().len(), 10);
//! assert!("(1, ".parse::<Value>().is_err());
//! # Ok::<(), memview::value::LiteralError>(())
//! ```
//!
//! # Equality
//!
//! `PartialEq` follows Python's `==`: numbers compare by value across `int`, `float`, `bool`
//! and `complex` (exactly: `2**63 != 9.223372036854776e18` is decided without a lossy cast),
//! `bytes` never equals a number, NaN equals nothing (so there is no `Eq`), tuples and records
//! compare element-wise and equal each other (field names are ignored), a list never equals a
//! tuple.
//!
//! ```
//! use memview::Value;
//! assert_eq!(Value::from(1), Value::from(1.0));
//! assert_eq!(Value::from(true), Value::from(1u8));
//! assert_ne!(Value::from(&b"a"[..]), Value::from(97));
//! assert_eq!(Value::from(1e16).to_string(), "1e+16");
//! assert_eq!(Value::Tuple(vec![Value::from(1)]).to_string(), "(1,)");
//! ```

use std::fmt::{self, Display, Write as _};

use num_complex::{Complex, Complex64};

pub(crate) mod literal;
mod unicode;

pub use literal::LiteralError;

/// One decoded element (or part of one) of any PEP 3118 format.
///
/// See the crate docs ("Values") for which format decodes to which variant.
#[derive(Clone, Debug)]
pub enum Value {
    /// Any integer code (`b B h H i I l L q Q n N`), and addresses (`P & X{} O`).
    /// `i128` holds the full `i64` and `u64` ranges.
    Int(i128),
    /// `e f d g` (all decoded to `f64`).
    Float(f64),
    /// `?`.
    Bool(bool),
    /// `c`, `Ns`, `Np`: Python `bytes`.
    Bytes(Vec<u8>),
    /// `u`, `w`: Python `str` (trailing NULs stripped).
    Str(String),
    /// `Zf Zd Zg`: Python `complex`.
    Complex(Complex64),
    /// Several top-level items (`'ii'`): what `struct.unpack` returns.
    Tuple(Vec<Value>),
    /// A `T{...}` struct: field values with their names (`None` when unnamed); printed as a tuple.
    Record(Vec<(Option<String>, Value)>),
    /// A sub-array, or the result of `tolist` on a view with at least one dimension.
    List(Vec<Value>),
}

impl Value {
    /// The Python type name of this value (`"int"`, `"float"`, `"bool"`, `"bytes"`, `"str"`,
    /// `"complex"`, `"tuple"` for tuples and records, `"list"`), as used in error messages.
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Int(_) => "int",
            Value::Float(_) => "float",
            Value::Bool(_) => "bool",
            Value::Bytes(_) => "bytes",
            Value::Str(_) => "str",
            Value::Complex(_) => "complex",
            Value::Tuple(_) | Value::Record(_) => "tuple",
            Value::List(_) => "list",
        }
    }

    /// Python's truth value (`bool(x)`): zero numbers and empty containers are false.
    pub fn is_truthy(&self) -> bool {
        match self {
            Value::Int(i) => *i != 0,
            Value::Float(f) => *f != 0.0,
            Value::Bool(b) => *b,
            Value::Bytes(b) => !b.is_empty(),
            Value::Str(s) => !s.is_empty(),
            Value::Complex(c) => c.re != 0.0 || c.im != 0.0,
            Value::Tuple(v) | Value::List(v) => !v.is_empty(),
            Value::Record(v) => !v.is_empty(),
        }
    }

    /// The integer value of an `Int` or `Bool` (Python's `operator.index`); `None` otherwise.
    pub fn as_int(&self) -> Option<i128> {
        match self {
            Value::Int(i) => Some(*i),
            Value::Bool(b) => Some(i128::from(*b)),
            _ => None,
        }
    }

    /// The value as a float, for `Float`, `Int` and `Bool` (Python's `float(x)` on real numbers;
    /// integers are rounded to nearest, ties to even); `None` otherwise.
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Value::Float(f) => Some(*f),
            // `as` from an integer to a float rounds to nearest, ties to even: exact like Python.
            Value::Int(i) => Some(*i as f64),
            Value::Bool(b) => Some(f64::from(u8::from(*b))),
            _ => None,
        }
    }

    /// The value as a complex number, for `Complex`, `Float`, `Int` and `Bool`; `None` otherwise.
    pub fn as_complex(&self) -> Option<Complex64> {
        match self {
            Value::Complex(c) => Some(*c),
            other => other.as_f64().map(|re| Complex64::new(re, 0.0)),
        }
    }

    /// The bytes of a `Bytes` value.
    pub fn as_bytes(&self) -> Option<&[u8]> {
        match self {
            Value::Bytes(b) => Some(b),
            _ => None,
        }
    }

    /// The text of a `Str` value.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }

    /// The items of a `Tuple` or `List`, or the values of a `Record`, in order (copied for records
    /// is avoided by returning an iterator).
    pub fn items(&self) -> Option<Items<'_>> {
        match self {
            Value::Tuple(v) | Value::List(v) => Some(Items::Plain(v.iter())),
            Value::Record(v) => Some(Items::Record(v.iter())),
            _ => None,
        }
    }

    /// The number of items of a `Tuple`, `Record` or `List`; `None` for scalars.
    pub fn len(&self) -> Option<usize> {
        match self {
            Value::Tuple(v) | Value::List(v) => Some(v.len()),
            Value::Record(v) => Some(v.len()),
            _ => None,
        }
    }

    /// Whether this is a container without items (`Some(true)` for `()` and `[]`); `None` for
    /// scalars.
    pub fn is_empty(&self) -> Option<bool> {
        self.len().map(|n| n == 0)
    }

    /// The numeric view of this value, for cross-type comparison.
    fn as_number(&self) -> Option<Number> {
        match self {
            Value::Int(i) => Some(Number::Int(*i)),
            Value::Bool(b) => Some(Number::Int(i128::from(*b))),
            Value::Float(f) => Some(Number::Float(*f)),
            Value::Complex(c) => Some(Number::Complex(c.re, c.im)),
            _ => None,
        }
    }
}

/// Iterator over the items of a tuple, record or list (see [`Value::items`]).
#[derive(Clone, Debug)]
pub enum Items<'a> {
    /// Items of a tuple or list.
    Plain(std::slice::Iter<'a, Value>),
    /// Values of a record.
    Record(std::slice::Iter<'a, (Option<String>, Value)>),
}

impl<'a> Iterator for Items<'a> {
    type Item = &'a Value;

    fn next(&mut self) -> Option<&'a Value> {
        match self {
            Items::Plain(it) => it.next(),
            Items::Record(it) => it.next().map(|(_, v)| v),
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        match self {
            Items::Plain(it) => it.size_hint(),
            Items::Record(it) => it.size_hint(),
        }
    }
}

impl ExactSizeIterator for Items<'_> {}

// ---------------------------------------------------------------------------------------------
// Equality
// ---------------------------------------------------------------------------------------------

/// A number, for Python's mixed-type `==`.
#[derive(Clone, Copy)]
enum Number {
    Int(i128),
    Float(f64),
    Complex(f64, f64),
}

/// Exact `int == float`, as CPython's `float_richcompare` does it (no rounding of the int).
fn int_eq_float(i: i128, f: f64) -> bool {
    // 2^127 as f64 (exact); every integral f64 in [-2^127, 2^127) converts to i128 exactly.
    const TWO_127: f64 = 170_141_183_460_469_231_731_687_303_715_884_105_728.0;
    if !f.is_finite() || f.fract() != 0.0 || !(-TWO_127..TWO_127).contains(&f) {
        return false;
    }
    // Exact: f is integral and within range (checked above).
    f as i128 == i
}

fn real_eq(a: Number, b: Number) -> bool {
    match (a, b) {
        (Number::Int(x), Number::Int(y)) => x == y,
        (Number::Int(i), Number::Float(f)) | (Number::Float(f), Number::Int(i)) => {
            int_eq_float(i, f)
        }
        (Number::Float(x), Number::Float(y)) => x == y,
        (Number::Complex(re, im), other) | (other, Number::Complex(re, im)) => match other {
            Number::Complex(re2, im2) => re == re2 && im == im2,
            real => im == 0.0 && real_eq(Number::Float(re), real),
        },
    }
}

impl PartialEq for Value {
    /// Python's `==` (see the module docs).
    fn eq(&self, other: &Value) -> bool {
        if let (Some(a), Some(b)) = (self.as_number(), other.as_number()) {
            return real_eq(a, b);
        }
        match (self, other) {
            (Value::Bytes(a), Value::Bytes(b)) => a == b,
            (Value::Str(a), Value::Str(b)) => a == b,
            (Value::List(a), Value::List(b)) => a == b,
            (Value::Tuple(_) | Value::Record(_), Value::Tuple(_) | Value::Record(_)) => {
                match (self.items(), other.items()) {
                    (Some(a), Some(b)) => a.len() == b.len() && a.zip(b).all(|(x, y)| x == y),
                    _ => false,
                }
            }
            _ => false,
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Printing
// ---------------------------------------------------------------------------------------------

/// Append Python's `repr` of a float (`add_dot_0`: `float.__repr__` appends `.0` to integral
/// values in fixed notation, `complex.__repr__` does not; `force_sign`: print `+` for
/// non-negative values, as complex does for the imaginary part).
fn write_float(out: &mut String, x: f64, add_dot_0: bool, force_sign: bool) {
    if x.is_nan() {
        // CPython prints NaN without its sign bit ("nan", "+nan" with the sign flag).
        out.push_str(if force_sign { "+nan" } else { "nan" });
        return;
    }
    if x.is_sign_negative() {
        out.push('-');
    } else if force_sign {
        out.push('+');
    }
    if x.is_infinite() {
        out.push_str("inf");
        return;
    }
    let (digits, exp) = shortest_digits(x.abs());
    if (-4..16).contains(&exp) {
        let decpt = exp + 1; // digits[..decpt] is the integer part
        if decpt <= 0 {
            out.push_str("0.");
            for _ in decpt..0 {
                out.push('0');
            }
            out.push_str(&digits);
        } else {
            let decpt = decpt.unsigned_abs() as usize;
            if decpt >= digits.len() {
                out.push_str(&digits);
                for _ in digits.len()..decpt {
                    out.push('0');
                }
                if add_dot_0 {
                    out.push_str(".0");
                }
            } else {
                let (int_part, frac_part) = digits.split_at(decpt);
                out.push_str(int_part);
                out.push('.');
                out.push_str(frac_part);
            }
        }
    } else {
        let (first, rest) = digits.split_at(digits.len().min(1));
        out.push_str(first);
        if !rest.is_empty() {
            out.push('.');
            out.push_str(rest);
        }
        // Python: at least two exponent digits, always signed.
        let _ = write!(
            out,
            "e{}{:02}",
            if exp < 0 { '-' } else { '+' },
            exp.unsigned_abs()
        );
    }
}

/// Split Rust's `{:e}` output ("1.2345e-5") into its digits ("12345") and exponent (-5).
fn split_sci(sci: &str) -> (String, i32) {
    let (mantissa, exp_text) = sci.split_once('e').unwrap_or((sci, "0"));
    let digits = mantissa.chars().filter(char::is_ascii_digit).collect();
    (digits, parse_exponent(exp_text))
}

/// The shortest digits that round-trip to `a` (finite, non-negative) and the decimal exponent
/// of the first digit, as CPython's `repr` chooses them.
///
/// Rust's `{:e}` already gives the shortest round-tripping digits closest to `a`. The two
/// differ only when `a` lies exactly halfway between two equally short candidates that both
/// round-trip: CPython's dtoa picks the even one (`-0.00052356719970703125` prints as
/// `...0312`), Rust the one above.
fn shortest_digits(a: f64) -> (String, i32) {
    let (digits, exp) = split_sci(&format!("{a:e}"));
    let odd = digits.bytes().last().is_some_and(|d| (d - b'0') % 2 == 1);
    if !odd {
        return (digits, exp);
    }
    let n = digits.len();
    // Necessary for a tie: correctly rounded to n+1 digits, the value ends in 5.
    let (longer, _) = split_sci(&format!("{a:.n$e}"));
    if !longer.ends_with('5') {
        return (digits, exp);
    }
    // Exact decimal expansion (1100 digits cover every double exactly).
    let (exact, exact_exp) = split_sci(&format!("{a:.1100e}"));
    let exact = exact.trim_end_matches('0');
    if exact_exp != exp || exact.len() != n + 1 || !exact.ends_with('5') {
        return (digits, exp);
    }
    // The two candidates are `truncated` and `truncated + 1`; take the even one.
    let truncated = &exact[..n];
    let alternative = if truncated == digits {
        increment(truncated)
    } else {
        Some(truncated.to_owned())
    };
    match alternative {
        Some(alt) if alt.len() == n && round_trips(&alt, exp, a) => (alt, exp),
        _ => (digits, exp),
    }
}

/// `digits + 1` in the last place, `None` on a carry out of the first digit.
fn increment(digits: &str) -> Option<String> {
    let mut bytes = digits.as_bytes().to_vec();
    for b in bytes.iter_mut().rev() {
        if *b == b'9' {
            *b = b'0';
        } else {
            *b += 1;
            return String::from_utf8(bytes).ok();
        }
    }
    None
}

/// Whether `0.d1d2... * 10^(exp+1)` parses back to exactly `a`.
fn round_trips(digits: &str, exp: i32, a: f64) -> bool {
    let (first, rest) = digits.split_at(digits.len().min(1));
    format!("{first}.{rest}e{exp}").parse::<f64>() == Ok(a)
}

/// Parse the exponent Rust's `{:e}` printed (an optional `-` and decimal digits).
fn parse_exponent(text: &str) -> i32 {
    let (negative, digits) = match text.strip_prefix('-') {
        Some(d) => (true, d),
        None => (false, text),
    };
    let magnitude = digits.bytes().fold(0i32, |acc, b| {
        acc.saturating_mul(10)
            .saturating_add(i32::from(b.wrapping_sub(b'0')))
    });
    if negative {
        -magnitude
    } else {
        magnitude
    }
}

/// Python's `repr` of a complex number.
fn write_complex(out: &mut String, c: Complex64) {
    if c.re == 0.0 && c.re.is_sign_positive() {
        write_float(out, c.im, false, false);
        out.push('j');
    } else {
        out.push('(');
        write_float(out, c.re, false, false);
        write_float(out, c.im, false, true);
        out.push_str("j)");
    }
}

/// Python's `repr` of a `bytes` object.
fn write_bytes(out: &mut String, b: &[u8]) {
    let quote = if b.contains(&b'\'') && !b.contains(&b'"') {
        b'"'
    } else {
        b'\''
    };
    out.push('b');
    out.push(char::from(quote));
    for &c in b {
        match c {
            b'\\' => out.push_str("\\\\"),
            b'\t' => out.push_str("\\t"),
            b'\n' => out.push_str("\\n"),
            b'\r' => out.push_str("\\r"),
            _ if c == quote => {
                out.push('\\');
                out.push(char::from(c));
            }
            0x20..=0x7e => out.push(char::from(c)),
            _ => {
                let _ = write!(out, "\\x{c:02x}");
            }
        }
    }
    out.push(char::from(quote));
}

/// Python's `repr` of a `str` object.
fn write_str(out: &mut String, s: &str) {
    let quote = if s.contains('\'') && !s.contains('"') {
        '"'
    } else {
        '\''
    };
    out.push(quote);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            _ if c == quote => {
                out.push('\\');
                out.push(c);
            }
            ' '..='~' => out.push(c),
            _ if !c.is_ascii() && unicode::is_printable(c) => out.push(c),
            _ => {
                let code = u32::from(c);
                let _ = if code <= 0xff {
                    write!(out, "\\x{code:02x}")
                } else if code <= 0xffff {
                    write!(out, "\\u{code:04x}")
                } else {
                    write!(out, "\\U{code:08x}")
                };
            }
        }
    }
    out.push(quote);
}

fn write_seq<'a>(
    out: &mut String,
    items: impl ExactSizeIterator<Item = &'a Value>,
    open: char,
    close: char,
    one_comma: bool,
) {
    out.push(open);
    let n = items.len();
    for (i, v) in items.enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        write_value(out, v);
    }
    if n == 1 && one_comma {
        out.push(',');
    }
    out.push(close);
}

fn write_value(out: &mut String, v: &Value) {
    match v {
        Value::Int(i) => {
            let _ = write!(out, "{i}");
        }
        Value::Float(f) => write_float(out, *f, true, false),
        Value::Bool(b) => out.push_str(if *b { "True" } else { "False" }),
        Value::Bytes(b) => write_bytes(out, b),
        Value::Str(s) => write_str(out, s),
        Value::Complex(c) => write_complex(out, *c),
        Value::Tuple(items) => write_seq(out, items.iter(), '(', ')', true),
        Value::Record(fields) => write_seq(out, Items::Record(fields.iter()), '(', ')', true),
        Value::List(items) => write_seq(out, items.iter(), '[', ']', false),
    }
}

impl Display for Value {
    /// Python's `repr` of the value.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut s = String::new();
        write_value(&mut s, self);
        f.write_str(&s)
    }
}

// ---------------------------------------------------------------------------------------------
// Conversions
// ---------------------------------------------------------------------------------------------

macro_rules! from_int {
    ($($t:ty)*) => {$(
        impl From<$t> for Value {
            /// An `Int`.
            fn from(x: $t) -> Value {
                Value::Int(i128::from(x))
            }
        }
    )*};
}
from_int!(i8 i16 i32 i64 i128 u8 u16 u32 u64);

impl From<usize> for Value {
    /// An `Int`.
    fn from(x: usize) -> Value {
        // usize is at most 64 bits on every supported platform, so this is lossless.
        Value::Int(x as i128)
    }
}

impl From<isize> for Value {
    /// An `Int`.
    fn from(x: isize) -> Value {
        // isize is at most 64 bits on every supported platform, so this is lossless.
        Value::Int(x as i128)
    }
}

impl From<f64> for Value {
    /// A `Float`.
    fn from(x: f64) -> Value {
        Value::Float(x)
    }
}

impl From<f32> for Value {
    /// A `Float` (exact).
    fn from(x: f32) -> Value {
        Value::Float(f64::from(x))
    }
}

impl From<half::f16> for Value {
    /// A `Float` (exact).
    fn from(x: half::f16) -> Value {
        Value::Float(x.to_f64())
    }
}

impl From<bool> for Value {
    /// A `Bool`.
    fn from(x: bool) -> Value {
        Value::Bool(x)
    }
}

impl From<&[u8]> for Value {
    /// `Bytes`.
    fn from(x: &[u8]) -> Value {
        Value::Bytes(x.to_vec())
    }
}

impl<const N: usize> From<&[u8; N]> for Value {
    /// `Bytes` (so `Value::from(b"abc")` works).
    fn from(x: &[u8; N]) -> Value {
        Value::Bytes(x.to_vec())
    }
}

impl From<Vec<u8>> for Value {
    /// `Bytes`.
    fn from(x: Vec<u8>) -> Value {
        Value::Bytes(x)
    }
}

impl From<&str> for Value {
    /// `Str`.
    fn from(x: &str) -> Value {
        Value::Str(x.to_owned())
    }
}

impl From<String> for Value {
    /// `Str`.
    fn from(x: String) -> Value {
        Value::Str(x)
    }
}

impl From<Complex<f64>> for Value {
    /// `Complex`.
    fn from(x: Complex<f64>) -> Value {
        Value::Complex(x)
    }
}

impl From<Complex<f32>> for Value {
    /// `Complex` (exact).
    fn from(x: Complex<f32>) -> Value {
        Value::Complex(Complex64::new(f64::from(x.re), f64::from(x.im)))
    }
}

impl From<Vec<Value>> for Value {
    /// A `List`.
    fn from(x: Vec<Value>) -> Value {
        Value::List(x)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(v: impl Into<Value>) -> String {
        v.into().to_string()
    }

    #[test]
    fn float_repr_matches_python() {
        // Expected strings from CPython 3.13 `repr(float)`.
        let cases: &[(f64, &str)] = &[
            (1.0, "1.0"),
            (0.0, "0.0"),
            (-0.0, "-0.0"),
            (1e16, "1e+16"),
            (1e-5, "1e-05"),
            (0.0001, "0.0001"),
            (123456789012345.0, "123456789012345.0"),
            (1234567890123456.0, "1234567890123456.0"),
            (12345678901234567.0, "1.2345678901234568e+16"),
            (1.5e300, "1.5e+300"),
            (0.1, "0.1"),
            (0.1 + 0.2, "0.30000000000000004"),
            (1.0 / 3.0, "0.3333333333333333"),
            (-2.5, "-2.5"),
            (100.0, "100.0"),
            (1e15, "1000000000000000.0"),
            (9999999999999998.0, "9999999999999998.0"),
            // Exact ties between two shortest candidates go to the even digit, like CPython.
            (-549.0 / 1_048_576.0, "-0.0005235671997070312"),
            (0.00012345, "0.00012345"),
            (0.000012345, "1.2345e-05"),
            (5e-324, "5e-324"),
            (f64::MAX, "1.7976931348623157e+308"),
            (f64::MIN_POSITIVE, "2.2250738585072014e-308"),
            (f64::NAN, "nan"),
            (-f64::NAN, "nan"),
            (f64::INFINITY, "inf"),
            (f64::NEG_INFINITY, "-inf"),
            (65504.0, "65504.0"),
            (1e22, "1e+22"),
            (1.5e-7, "1.5e-07"),
            (9.223372036854776e18, "9.223372036854776e+18"),
        ];
        for &(x, want) in cases {
            assert_eq!(r(x), want, "{x:e}");
        }
    }

    #[test]
    fn complex_repr_matches_python() {
        let c = |re: f64, im: f64| r(Complex64::new(re, im));
        let nan = f64::NAN;
        let inf = f64::INFINITY;
        assert_eq!(c(1.0, 2.0), "(1+2j)");
        assert_eq!(c(0.0, 1.0), "1j");
        assert_eq!(c(-0.0, -1.0), "(-0-1j)");
        assert_eq!(c(nan, inf), "(nan+infj)");
        assert_eq!(c(1e16, 0.0), "(1e+16+0j)");
        assert_eq!(c(0.0, 0.0), "0j");
        assert_eq!(c(-0.0, 0.0), "(-0+0j)");
        assert_eq!(c(0.0, -0.0), "-0j");
        assert_eq!(c(1.5, 2.25), "(1.5+2.25j)");
        assert_eq!(c(1.0, -nan), "(1+nanj)");
        assert_eq!(c(-nan, 1.0), "(nan+1j)");
        assert_eq!(c(0.0, -nan), "nanj");
        assert_eq!(c(1.0, -inf), "(1-infj)");
        assert_eq!(c(0.1, 1e-5), "(0.1+1e-05j)");
        assert_eq!(c(123456789012345.0, 0.5), "(123456789012345+0.5j)");
    }

    #[test]
    fn bytes_repr_matches_python() {
        assert_eq!(r(&b"Q\x00"[..]), r"b'Q\x00'");
        assert_eq!(r(&b"'"[..]), r#"b"'""#);
        assert_eq!(r(&b"'\""[..]), r#"b'\'"'"#);
        assert_eq!(r(&b"\""[..]), r#"b'"'"#);
        assert_eq!(r(&b"\t\n\r\\"[..]), r"b'\t\n\r\\'");
        assert_eq!(r(&b"\x7f\x80\xff\x1b "[..]), r"b'\x7f\x80\xff\x1b '");
        assert_eq!(r(&b""[..]), "b''");
        assert_eq!(r(b"abc"), "b'abc'");
    }

    #[test]
    fn str_repr_matches_python() {
        assert_eq!(r("abc"), "'abc'");
        assert_eq!(r("it's"), "\"it's\"");
        assert_eq!(r("'\""), r#"'\'"'"#);
        assert_eq!(r("a\tb\nc\rd\\"), r"'a\tb\nc\rd\\'");
        assert_eq!(r("\x00\x1f\x7f"), r"'\x00\x1f\x7f'");
        // From CPython 3.13: repr of non-ASCII.
        assert_eq!(r("é€😀"), "'é€😀'");
        assert_eq!(r("\u{a0}\u{ad}"), r"'\xa0\xad'");
        assert_eq!(r("\u{200b}\u{2028}\u{3000}"), r"'\u200b\u2028\u3000'");
        assert_eq!(
            r("\u{e000}\u{10ffff}\u{e0001}"),
            r"'\ue000\U0010ffff\U000e0001'"
        );
        assert_eq!(r("\u{378}"), r"'\u0378'"); // unassigned
        assert_eq!(r("\u{85}"), r"'\x85'");
        assert_eq!(r(""), "''");
    }

    #[test]
    fn container_repr_matches_python() {
        let t = |v: Vec<Value>| Value::Tuple(v).to_string();
        assert_eq!(t(vec![]), "()");
        assert_eq!(t(vec![1.into()]), "(1,)");
        assert_eq!(t(vec![1.into(), 2.0.into()]), "(1, 2.0)");
        assert_eq!(r(vec![Value::from(1), 2.into()]), "[1, 2]");
        assert_eq!(r(Vec::<Value>::new()), "[]");
        assert_eq!(r(vec![Value::from(1)]), "[1]");
        let rec = Value::Record(vec![(Some("a".into()), 1.into()), (None, b"x".into())]);
        assert_eq!(rec.to_string(), "(1, b'x')");
        let one = Value::Record(vec![(Some("a".into()), true.into())]);
        assert_eq!(one.to_string(), "(True,)");
        assert_eq!(r(false), "False");
        assert_eq!(r(-5i8), "-5");
        assert_eq!(r(u64::MAX), "18446744073709551615");
        assert_eq!(r(i64::MIN), "-9223372036854775808");
        let nested = Value::List(vec![Value::Tuple(vec![Value::List(vec![])]), 1.5f32.into()]);
        assert_eq!(nested.to_string(), "[([],), 1.5]");
    }

    #[test]
    fn equality_follows_python() {
        let v = Value::from;
        assert_eq!(Value::from(1), Value::from(1.0));
        assert_eq!(Value::from(true), Value::from(1));
        assert_eq!(Value::from(true), Value::from(1.0));
        assert_eq!(Value::from(false), Value::from(-0.0));
        assert_ne!(Value::from(&b"a"[..]), Value::from(97));
        assert_ne!(Value::from("a"), Value::from(&b"a"[..]));
        assert_ne!(v(f64::NAN), v(f64::NAN));
        let nan_tuple = Value::Tuple(vec![f64::NAN.into()]);
        assert_ne!(nan_tuple, nan_tuple.clone());
        // 2**63 vs float(2**63) is equal; 2**63 - 1 is not (a lossy cast would say equal).
        assert_eq!(Value::from(1u64 << 63), v(9.223372036854776e18));
        assert_ne!(Value::from(i64::MAX), v(9.223372036854776e18));
        assert_ne!(Value::Int(i128::MAX), v(1.7014118346046923e38));
        assert_eq!(Value::Int(i128::MIN), v(-1.7014118346046923e38));
        assert_ne!(Value::from(1), v(1.5));
        assert_ne!(Value::from(1), v(f64::INFINITY));
        assert_eq!(Value::from(Complex64::new(2.0, 0.0)), Value::from(2));
        assert_eq!(Value::from(2.0), Value::from(Complex64::new(2.0, -0.0)));
        assert_ne!(Value::from(Complex64::new(2.0, 1.0)), Value::from(2));
        assert_eq!(
            Value::from(Complex64::new(1.0, 2.0)),
            Value::from(Complex64::new(1.0, 2.0))
        );
        let rec = Value::Record(vec![(Some("a".into()), 1.into()), (None, 2.into())]);
        let tup = Value::Tuple(vec![1.0.into(), true.into()]);
        assert_ne!(rec, tup);
        let tup2 = Value::Tuple(vec![1.0.into(), 2.into()]);
        assert_eq!(rec, tup2);
        assert_eq!(tup2, rec);
        assert_ne!(Value::List(vec![1.into(), 2.into()]), tup2);
        assert_eq!(
            Value::List(vec![1.into(), 2.into()]),
            Value::List(vec![1.0.into(), 2.0.into()])
        );
        assert_ne!(
            Value::List(vec![1.into()]),
            Value::List(vec![1.into(), 2.into()])
        );
        assert_eq!(Value::from("é"), Value::from(String::from("é")));
    }

    #[test]
    fn conversions() {
        assert!(matches!(Value::from(usize::MAX), Value::Int(i) if i == i128::from(u64::MAX)));
        assert!(matches!(Value::from(-1isize), Value::Int(-1)));
        assert!(matches!(Value::from(half::f16::from_f32(0.5)), Value::Float(f) if f == 0.5));
        assert!(
            matches!(Value::from(Complex::<f32>::new(1.0, 2.0)), Value::Complex(c) if c.im == 2.0)
        );
        assert!(matches!(Value::from(vec![1u8]), Value::Bytes(_)));
        assert!(matches!(Value::from(vec![Value::from(1)]), Value::List(_)));
        assert_eq!(Value::from(3).as_f64(), Some(3.0));
        assert_eq!(Value::from(true).as_int(), Some(1));
        assert!(Value::from(0.0).as_int().is_none());
        assert!(!Value::from(0.0).is_truthy());
        assert!(Value::from(&b"\x00"[..]).is_truthy());
        assert_eq!(Value::Tuple(vec![]).is_empty(), Some(true));
        assert_eq!(Value::from(1).len(), None);
    }
}
