//! The element codec: one element of any [`Layout`] ⇄ bytes, and [`PackError`].
//!
//! # Decoding
//!
//! | kind | value |
//! |---|---|
//! | `b h i l q n` / `B H I L Q N` | `Int`, sign-extended / zero-extended |
//! | `P & X{} O` | `Int`, the address as an unsigned integer (never dereferenced) |
//! | `?` | `Bool`, true for any non-zero byte |
//! | `c` | `Bytes` of length 1 |
//! | `e f d` | `Float` (IEEE binary16/32/64 in either byte order, NaN and inf kept) |
//! | `g` | `Float`: the host's `long double` rounded to the nearest `f64` (x87 80-bit extended on x86, IEEE binary128 where `long double` is 16 bytes elsewhere, `f64` where it is 8) |
//! | `Zf Zd Zg` | `Complex` (two parts of the above) |
//! | `Ns` | `Bytes`, all N bytes (NULs kept) |
//! | `Np` | `Bytes`, `min(buf[0], N-1)` bytes after the length byte |
//! | `Nu` / `Nw` | `Str` from UCS-2 (surrogate pairs combined) / UCS-4, trailing NULs stripped; a lone surrogate or an invalid code point is an error |
//!
//! # Encoding
//!
//! Encoding checks types and ranges exactly as CPython 3.12+'s `struct.pack` does, with the
//! same messages (see [`PackError`]). Decisions where CPython has no answer:
//!
//! * `f`, `e`, `Zf` refuse finite values that overflow (newer CPython's rule, no silent inf);
//! * `g`, `Zg` store the `f64` exactly; the bytes of a 16-byte x87 `long double` after the 10
//!   significant ones are written as zeros;
//! * `u` / `w` accept a `Str`; text longer than the field (in UTF-16 code units for `u`) is an
//!   error rather than truncated (NumPy truncates silently; losing text silently is worse than
//!   refusing), shorter text is NUL-padded;
//! * `O` accepts only `0` (a NULL pointer): writing any other address would forge a
//!   `PyObject*`;
//! * `P & X{}` accept any integer a pointer can hold, signed or unsigned (like
//!   `PyLong_AsVoidPtr`);
//! * `?` stores the Python truth value of any value as 0 or 1;
//! * a `T{...}` value is a `Tuple` or `Record` (matched by position, names ignored); a sub-array
//!   value is a `List` (or `Tuple`) of the right length at every level.
//!
//! Padding bytes are written as zeros. On error, `out` may be partially written.

#![forbid(unsafe_code)]

use std::fmt;

use num_complex::Complex64;

use crate::format::{Endian, Field, FieldType, FormatError, Layout, Scalar, ScalarKind};
use crate::value::Value;

mod longdouble;

pub(crate) use longdouble::LongParts;

/// An error from packing or unpacking values.
///
/// `Display` is CPython's message for the same error where CPython has one (see the variants).
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum PackError {
    /// The format string is invalid.
    Format(FormatError),
    /// `'b' format requires -128 <= number <= 127`: an integer out of range for its code.
    IntegerRange {
        /// The type code (without byte-order prefix), e.g. `"b"`.
        code: &'static str,
        /// Smallest allowed value.
        min: i128,
        /// Largest allowed value.
        max: i128,
    },
    /// `required argument is not an integer`: an integer code got a non-integer.
    NotAnInteger,
    /// `required argument is not a float`: a float code got a non-number.
    NotAFloat,
    /// `required argument is not a complex`: a complex code got a non-number.
    NotAComplex,
    /// `float too large to pack with f format`: a finite value overflows `f`, `e` or `Zf`.
    FloatOverflow {
        /// `'f'` or `'e'`.
        code: char,
    },
    /// `char format requires a bytes object of length 1`.
    CharNotBytes1,
    /// `argument for 's' must be a bytes object` (also `'p'`).
    NotBytes {
        /// `'s'` or `'p'`.
        code: char,
    },
    /// `int too large to convert`: a `P`, `&` or `X{}` address out of pointer range, or an
    /// integer too large for `e`/`f` (CPython reports float overflow of an `int` this way).
    IntTooLarge,
    /// `argument for 'w' must be a str` (also `'u'`).
    NotAString {
        /// `'u'` or `'w'`.
        code: char,
    },
    /// `'3w' field holds 3 characters, got 4`: text too long for a `u`/`w` field.
    TextTooLong {
        /// `'u'` or `'w'`.
        code: char,
        /// Capacity in code units (UTF-16 for `u`, code points for `w`).
        capacity: usize,
        /// Length of the given text in the same units.
        len: usize,
    },
    /// `'u' data holds a lone surrogate 0xd800` / `'w' data holds an invalid code point 0x110000`.
    InvalidText {
        /// `'u'` or `'w'`.
        code: char,
        /// The offending code unit or code point.
        unit: u32,
    },
    /// `cannot pack a non-NULL PyObject pointer ('O' accepts only 0)`.
    ObjectPointer,
    /// `expected a tuple of 2 items for a struct, got int`: a `T{}` or top-level value of the
    /// wrong type or length.
    ExpectedTuple {
        /// Number of fields.
        len: usize,
        /// What was given (`"int"`, `"tuple of 3 items"`).
        found: String,
    },
    /// `expected a list of 3 items for a sub-array, got int`.
    ExpectedList {
        /// Length of this sub-array dimension.
        len: usize,
        /// What was given (`"int"`, `"list of 2 items"`).
        found: String,
    },
    /// `g` or `Zg` of a `long double` size this build cannot interpret.
    LongDoubleUnsupported {
        /// The size in bytes.
        size: usize,
    },
    /// `pack expected 2 items for packing (got 1)` (also `pack_into`).
    ItemCount {
        /// `"pack"` or `"pack_into"`.
        function: &'static str,
        /// Number of values the format takes.
        expected: usize,
        /// Number given.
        got: usize,
    },
    /// `unpack requires a buffer of 4 bytes`.
    UnpackSize {
        /// The format's size.
        size: usize,
    },
    /// `unpack_from requires a buffer of at least 9 bytes for unpacking 4 bytes at offset 5
    /// (actual buffer size is 8)` (also `pack_into ... for packing`).
    BufferTooShort {
        /// `"unpack_from"` or `"pack_into"`.
        function: &'static str,
        /// `size + offset`.
        needed: u128,
        /// The format's size.
        size: usize,
        /// The offset (after adding the buffer length to a negative one).
        offset: isize,
        /// The buffer length.
        actual: usize,
    },
    /// `not enough data to unpack 4 bytes at offset -3` / `no space to pack 4 bytes at offset -3`.
    NegativeOffsetTooLarge {
        /// `"unpack_from"` or `"pack_into"`.
        function: &'static str,
        /// The format's size.
        size: usize,
        /// The (negative) offset given.
        offset: isize,
    },
    /// A sub-array of empty elements (`'(100000,100000)0s'`, `'(10**17,0)i'`) would decode to
    /// more values than its bytes can justify: each costs no memory in the buffer but one
    /// [`Value`] (and its list) when decoded, so an element holding billions of them is refused
    /// rather than exhausting memory.
    ValueTooLarge {
        /// The shape of the sub-array.
        shape: Vec<usize>,
        /// Its size in bytes.
        bytes: usize,
    },
    /// `offset -9 out of range for 8-byte buffer`.
    OffsetOutOfRange {
        /// The (negative) offset given.
        offset: isize,
        /// The buffer length.
        len: usize,
    },
    /// `cannot iteratively unpack with a struct of length 0`.
    IterZeroSize,
    /// `iterative unpacking requires a buffer of a multiple of 2 bytes`.
    IterNotMultiple {
        /// The format's size.
        size: usize,
    },
    /// `buffer of 3 bytes is too small for an item of 4 bytes`: the codec was given too few bytes.
    ItemBufferTooSmall {
        /// Bytes the item needs.
        needed: usize,
        /// Bytes given.
        actual: usize,
    },
    /// `unpack_as`: the record has a different number of scalars than the Rust type (each
    /// element of a sub-array or nested record counted; `I(3)d?` has 5).
    RecordArity {
        /// Scalars per record in the format (saturating).
        values: usize,
        /// Values the Rust type holds.
        rust_len: usize,
        /// The Rust type's name.
        rust: &'static str,
    },
    /// `unpack_as`: scalar `index` of the record does not match the Rust type at that position
    /// (kind or size).
    RecordType {
        /// Position of the scalar in the record (each element of a sub-array counted).
        index: usize,
        /// What the format has there (`'d' (8 bytes, a float)`).
        what: String,
        /// The Rust type's name.
        rust: &'static str,
    },
    /// `unpack_as` into a type holding a [`Record`](crate::Record): the format does not hold
    /// its fields (the error names the field).
    Record(Box<crate::record::RecordError>),
}

impl fmt::Display for PackError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PackError::Format(e) => e.fmt(f),
            PackError::IntegerRange { code, min, max } => {
                write!(f, "'{code}' format requires {min} <= number <= {max}")
            }
            PackError::NotAnInteger => f.write_str("required argument is not an integer"),
            PackError::NotAFloat => f.write_str("required argument is not a float"),
            PackError::NotAComplex => f.write_str("required argument is not a complex"),
            PackError::FloatOverflow { code } => {
                write!(f, "float too large to pack with {code} format")
            }
            PackError::CharNotBytes1 => {
                f.write_str("char format requires a bytes object of length 1")
            }
            PackError::NotBytes { code } => {
                write!(f, "argument for '{code}' must be a bytes object")
            }
            PackError::IntTooLarge => f.write_str("int too large to convert"),
            PackError::NotAString { code } => write!(f, "argument for '{code}' must be a str"),
            PackError::TextTooLong {
                code,
                capacity,
                len,
            } => {
                let unit = if *code == 'u' {
                    "UTF-16 code units"
                } else {
                    "characters"
                };
                write!(
                    f,
                    "'{capacity}{code}' field holds {capacity} {unit}, got {len}"
                )
            }
            PackError::InvalidText { code: 'u', unit } => {
                write!(f, "'u' data holds a lone surrogate {unit:#06x}")
            }
            PackError::InvalidText { code, unit } => {
                write!(f, "'{code}' data holds an invalid code point {unit:#x}")
            }
            PackError::ObjectPointer => {
                f.write_str("cannot pack a non-NULL PyObject pointer ('O' accepts only 0)")
            }
            PackError::ExpectedTuple { len, found } => {
                write!(
                    f,
                    "expected a tuple of {len} items for a struct, got {found}"
                )
            }
            PackError::ExpectedList { len, found } => {
                write!(
                    f,
                    "expected a list of {len} items for a sub-array, got {found}"
                )
            }
            PackError::LongDoubleUnsupported { size } => {
                write!(
                    f,
                    "long double of {size} bytes is not supported on this platform"
                )
            }
            PackError::ItemCount {
                function,
                expected,
                got,
            } => {
                write!(
                    f,
                    "{function} expected {expected} items for packing (got {got})"
                )
            }
            PackError::UnpackSize { size } => write!(f, "unpack requires a buffer of {size} bytes"),
            PackError::BufferTooShort {
                function,
                needed,
                size,
                offset,
                actual,
            } => {
                let verb = if *function == "pack_into" {
                    "packing"
                } else {
                    "unpacking"
                };
                write!(
                    f,
                    "{function} requires a buffer of at least {needed} bytes for {verb} {size} \
                     bytes at offset {offset} (actual buffer size is {actual})"
                )
            }
            PackError::NegativeOffsetTooLarge {
                function,
                size,
                offset,
            } => {
                if *function == "pack_into" {
                    write!(f, "no space to pack {size} bytes at offset {offset}")
                } else {
                    write!(
                        f,
                        "not enough data to unpack {size} bytes at offset {offset}"
                    )
                }
            }
            PackError::OffsetOutOfRange { offset, len } => {
                write!(f, "offset {offset} out of range for {len}-byte buffer")
            }
            PackError::ValueTooLarge { shape, bytes } => write!(
                f,
                "a sub-array of shape {shape:?} in {bytes} bytes would decode to more than \
                 {EMPTY_VALUE_BUDGET} values beyond one per byte"
            ),
            PackError::IterZeroSize => {
                f.write_str("cannot iteratively unpack with a struct of length 0")
            }
            PackError::IterNotMultiple { size } => write!(
                f,
                "iterative unpacking requires a buffer of a multiple of {size} bytes"
            ),
            PackError::ItemBufferTooSmall { needed, actual } => write!(
                f,
                "buffer of {actual} bytes is too small for an item of {needed} bytes"
            ),
            PackError::RecordArity {
                values,
                rust_len,
                rust,
            } => write!(
                f,
                "unpack_as: the format has {values} scalar{} per record, but {rust} holds \
                 {rust_len}",
                if *values == 1 { "" } else { "s" }
            ),
            PackError::RecordType { index, what, rust } => write!(
                f,
                "unpack_as: value {index} of the record is {what}, which does not match the Rust \
                 type at that position in {rust}"
            ),
            PackError::Record(e) => write!(f, "unpack_as: {e}"),
        }
    }
}

impl std::error::Error for PackError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            // The message already shows the inner error: chain on from its source.
            PackError::Format(e) => std::error::Error::source(e),
            PackError::Record(e) => std::error::Error::source(&**e),
            _ => None,
        }
    }
}

impl From<FormatError> for PackError {
    fn from(e: FormatError) -> PackError {
        PackError::Format(e)
    }
}

/// Describe a value for `Expected*` errors: `"int"`, `"tuple of 3 items"`.
fn describe(v: &Value) -> String {
    match v.len() {
        Some(n) => format!("{} of {n} items", v.type_name()),
        None => v.type_name().to_owned(),
    }
}

// ---------------------------------------------------------------------------------------------
// Scalars
// ---------------------------------------------------------------------------------------------

fn too_small(needed: usize, actual: usize) -> PackError {
    PackError::ItemBufferTooSmall { needed, actual }
}

/// The first `N` bytes of `b` as an array (the caller has checked the length).
fn array<const N: usize>(b: &[u8]) -> Result<[u8; N], PackError> {
    b.first_chunk::<N>().copied().ok_or(too_small(N, b.len()))
}

/// Read an unsigned integer of `b.len()` (at most 16) bytes.
fn read_uint(b: &[u8], endian: Endian) -> Result<u128, PackError> {
    let little = endian == Endian::Little;
    Ok(match b.len() {
        1 => u128::from(b[0]),
        2 => {
            let a = array::<2>(b)?;
            u128::from(if little {
                u16::from_le_bytes(a)
            } else {
                u16::from_be_bytes(a)
            })
        }
        4 => {
            let a = array::<4>(b)?;
            u128::from(if little {
                u32::from_le_bytes(a)
            } else {
                u32::from_be_bytes(a)
            })
        }
        8 => {
            let a = array::<8>(b)?;
            u128::from(if little {
                u64::from_le_bytes(a)
            } else {
                u64::from_be_bytes(a)
            })
        }
        n if n <= 16 => {
            let fold = |acc: u128, &byte: &u8| (acc << 8) | u128::from(byte);
            if little {
                b.iter().rev().fold(0, fold)
            } else {
                b.iter().fold(0, fold)
            }
        }
        n => return Err(PackError::LongDoubleUnsupported { size: n }),
    })
}

/// Write the low `out.len()` bytes of `u` (two's complement) in `endian` order.
fn write_uint(u: u128, endian: Endian, out: &mut [u8]) {
    match endian {
        Endian::Little => {
            for (d, s) in out.iter_mut().zip(u.to_le_bytes()) {
                *d = s;
            }
        }
        Endian::Big => {
            for (d, s) in out.iter_mut().rev().zip(u.to_le_bytes()) {
                *d = s;
            }
        }
    }
}

fn read_f16(b: &[u8], endian: Endian) -> Result<f64, PackError> {
    let a = array::<2>(b)?;
    let h = match endian {
        Endian::Little => half::f16::from_le_bytes(a),
        Endian::Big => half::f16::from_be_bytes(a),
    };
    Ok(h.to_f64())
}

fn read_f32(b: &[u8], endian: Endian) -> Result<f64, PackError> {
    let a = array::<4>(b)?;
    Ok(f64::from(match endian {
        Endian::Little => f32::from_le_bytes(a),
        Endian::Big => f32::from_be_bytes(a),
    }))
}

fn read_f64(b: &[u8], endian: Endian) -> Result<f64, PackError> {
    let a = array::<8>(b)?;
    Ok(match endian {
        Endian::Little => f64::from_le_bytes(a),
        Endian::Big => f64::from_be_bytes(a),
    })
}

/// Decode an IEEE float of `b.len()` bytes (2, 4 or 8).
fn read_float(b: &[u8], endian: Endian) -> Result<f64, PackError> {
    match b.len() {
        2 => read_f16(b, endian),
        4 => read_f32(b, endian),
        8 => read_f64(b, endian),
        n => Err(PackError::LongDoubleUnsupported { size: n }),
    }
}

/// How this build interprets a `long double` of a given size.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum LongDouble {
    /// `long double` is `double`.
    Double,
    /// x87 80-bit extended, in 10 of the bytes.
    X87,
    /// IEEE binary128.
    Binary128,
}

fn long_double_format(size: usize) -> Result<LongDouble, PackError> {
    const X86: bool = cfg!(any(target_arch = "x86", target_arch = "x86_64"));
    // PowerPC's 16-byte long double is IBM double-double, which is not supported.
    const PPC: bool = cfg!(any(target_arch = "powerpc", target_arch = "powerpc64"));
    match size {
        8 => Ok(LongDouble::Double),
        10..=16 if X86 => Ok(LongDouble::X87),
        16 if !PPC => Ok(LongDouble::Binary128),
        _ => Err(PackError::LongDoubleUnsupported { size }),
    }
}

/// The little-endian image of `b` (reversed when big-endian), in a 16-byte buffer.
fn le_image(b: &[u8], endian: Endian) -> [u8; 16] {
    let mut buf = [0u8; 16];
    for (d, s) in buf.iter_mut().zip(b) {
        *d = *s;
    }
    if endian == Endian::Big {
        buf[..b.len().min(16)].reverse();
    }
    buf
}

/// The exact value of a `long double` (`g`) of `b.len()` bytes wider than a `double`, stored
/// in `endian` order, as this build interprets it (x87 extended on x86, IEEE binary128
/// elsewhere); `None` for infinities and NaNs, for an 8-byte `long double` (a `double`), and
/// where the format is not supported.
pub(crate) fn long_double_parts(b: &[u8], endian: Endian) -> Option<longdouble::LongParts> {
    match long_double_format(b.len()).ok()? {
        LongDouble::Double => None,
        LongDouble::X87 => longdouble::x87_parts(&le_image(b, endian)),
        LongDouble::Binary128 => longdouble::binary128_parts(&le_image(b, endian)),
    }
}

fn read_long_double(b: &[u8], endian: Endian) -> Result<f64, PackError> {
    match long_double_format(b.len())? {
        LongDouble::Double => read_f64(b, endian),
        LongDouble::X87 => Ok(longdouble::x87_to_f64(&array::<10>(&le_image(b, endian))?)),
        LongDouble::Binary128 => Ok(longdouble::binary128_to_f64(&le_image(b, endian))),
    }
}

fn write_long_double(x: f64, endian: Endian, out: &mut [u8]) -> Result<(), PackError> {
    let mut image = [0u8; 16];
    match long_double_format(out.len())? {
        LongDouble::Double => image[..8].copy_from_slice(&x.to_le_bytes()),
        LongDouble::X87 => image[..10].copy_from_slice(&longdouble::f64_to_x87(x)),
        LongDouble::Binary128 => image = longdouble::f64_to_binary128(x),
    }
    let n = out.len().min(16);
    let image = &mut image[..n];
    if endian == Endian::Big {
        image.reverse();
    }
    out[..n].copy_from_slice(image);
    Ok(())
}

/// Decode one real part of a complex value of `b.len()` bytes.
fn read_complex_part(code: &str, b: &[u8], endian: Endian) -> Result<f64, PackError> {
    if code == "Zg" {
        read_long_double(b, endian)
    } else {
        read_float(b, endian)
    }
}

fn strip_trailing_nuls(mut s: String) -> String {
    let n = s.trim_end_matches('\0').len();
    s.truncate(n);
    s
}

fn read_ucs2(b: &[u8], endian: Endian) -> Result<String, PackError> {
    let units = b.chunks_exact(2).map(|c| {
        let a = [c[0], c[1]];
        match endian {
            Endian::Little => u16::from_le_bytes(a),
            Endian::Big => u16::from_be_bytes(a),
        }
    });
    let s = char::decode_utf16(units)
        .map(|r| {
            r.map_err(|e| PackError::InvalidText {
                code: 'u',
                unit: u32::from(e.unpaired_surrogate()),
            })
        })
        .collect::<Result<String, _>>()?;
    Ok(strip_trailing_nuls(s))
}

fn read_ucs4(b: &[u8], endian: Endian) -> Result<String, PackError> {
    let s = b
        .chunks_exact(4)
        .map(|c| {
            let a = [c[0], c[1], c[2], c[3]];
            let u = match endian {
                Endian::Little => u32::from_le_bytes(a),
                Endian::Big => u32::from_be_bytes(a),
            };
            char::from_u32(u).ok_or(PackError::InvalidText { code: 'w', unit: u })
        })
        .collect::<Result<String, _>>()?;
    Ok(strip_trailing_nuls(s))
}

/// Decode one scalar from the first `s.size` bytes of `bytes`.
///
/// `x` (padding) decodes to the empty tuple, as `struct.unpack('x', ...)` returns `()`.
pub fn decode_scalar(s: &Scalar, bytes: &[u8]) -> Result<Value, PackError> {
    let b = bytes.get(..s.size).ok_or(too_small(s.size, bytes.len()))?;
    let e = s.endian;
    Ok(match s.kind {
        ScalarKind::Pad => Value::Tuple(Vec::new()),
        ScalarKind::Char => Value::Bytes(b.to_vec()),
        ScalarKind::Int => {
            let u = read_uint(b, e)?;
            // Sign-extend from `size` bytes (1..=16, checked by read_uint; 0 bytes read as 0).
            let shift = 128 - 8 * u32::try_from(b.len()).unwrap_or(16);
            Value::Int(if b.is_empty() {
                0
            } else {
                ((u << shift) as i128) >> shift
            })
        }
        ScalarKind::UInt | ScalarKind::Pointer | ScalarKind::Object => {
            let u = read_uint(b, e)?;
            // Sizes up to 8 bytes always fit; a 16-byte unsigned above i128::MAX cannot occur
            // from any format code, but is reported rather than wrapped.
            Value::Int(
                i128::try_from(u)
                    .map_err(|_| PackError::LongDoubleUnsupported { size: b.len() })?,
            )
        }
        ScalarKind::Bool => Value::Bool(b.iter().any(|&x| x != 0)),
        ScalarKind::Float => Value::Float(read_float(b, e)?),
        ScalarKind::LongDouble => Value::Float(read_long_double(b, e)?),
        ScalarKind::Complex => {
            let (re, im) = b.split_at(b.len() / 2);
            let re = read_complex_part(s.code, re, e)?;
            let im = read_complex_part(s.code, &im[..re_len(b.len())], e)?;
            Value::Complex(Complex64::new(re, im))
        }
        ScalarKind::Bytes => Value::Bytes(b.to_vec()),
        ScalarKind::Pascal => match b.split_first() {
            Some((&n, rest)) => {
                let n = usize::from(n).min(rest.len());
                Value::Bytes(rest[..n].to_vec())
            }
            None => Value::Bytes(Vec::new()),
        },
        ScalarKind::Ucs2 => Value::Str(read_ucs2(b, e)?),
        ScalarKind::Ucs4 => Value::Str(read_ucs4(b, e)?),
    })
}

/// Length of one part of a complex of `size` bytes.
fn re_len(size: usize) -> usize {
    size / 2
}

/// A pre-resolved decoder for the scalars that cannot fail to decode (integers, addresses,
/// IEEE floats, bools, chars): the hot path of `unpack`/`iter_unpack`, with kind, size and
/// byte order decided once per format instead of once per value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum FastScalar {
    /// Signed integer of 1, 2, 4 or 8 bytes.
    I8,
    I16(Endian),
    I32(Endian),
    I64(Endian),
    /// Unsigned integer (or address) of 1, 2, 4 or 8 bytes.
    U8,
    U16(Endian),
    U32(Endian),
    U64(Endian),
    F16(Endian),
    F32(Endian),
    F64(Endian),
    Bool,
    Char,
    /// `Ns` of at most `u16::MAX` bytes: the bytes as they are.
    Bytes(u16),
}

macro_rules! read_as {
    ($t:ty, $e:expr, $b:expr) => {{
        let a = read_array($b);
        match $e {
            Endian::Little => <$t>::from_le_bytes(a),
            Endian::Big => <$t>::from_be_bytes(a),
        }
    }};
}

impl FastScalar {
    /// The fast decoder for `s`, if it has one.
    #[inline]
    pub(crate) fn of(s: &Scalar) -> Option<FastScalar> {
        Self::of_parts(s.kind, s.size, s.endian)
    }

    /// The fast decoder for a scalar of `kind`, `size` bytes and byte order `e`, if it has
    /// one.
    #[inline]
    pub(crate) fn of_parts(kind: ScalarKind, size: usize, e: Endian) -> Option<FastScalar> {
        use FastScalar as F;
        Some(match (kind, size) {
            (ScalarKind::Int, 1) => F::I8,
            (ScalarKind::Int, 2) => F::I16(e),
            (ScalarKind::Int, 4) => F::I32(e),
            (ScalarKind::Int, 8) => F::I64(e),
            (ScalarKind::UInt | ScalarKind::Pointer | ScalarKind::Object, 1) => F::U8,
            (ScalarKind::UInt | ScalarKind::Pointer | ScalarKind::Object, 2) => F::U16(e),
            (ScalarKind::UInt | ScalarKind::Pointer | ScalarKind::Object, 4) => F::U32(e),
            (ScalarKind::UInt | ScalarKind::Pointer | ScalarKind::Object, 8) => F::U64(e),
            (ScalarKind::Float, 2) => F::F16(e),
            (ScalarKind::Float, 4) => F::F32(e),
            (ScalarKind::Float, 8) => F::F64(e),
            (ScalarKind::Bool, 1) => F::Bool,
            (ScalarKind::Char, 1) => F::Char,
            (ScalarKind::Bytes, n) => F::Bytes(u16::try_from(n).ok()?),
            _ => return None,
        })
    }

    /// Decode from the start of `b`, which the caller has checked holds the scalar's size in
    /// bytes (missing bytes would read as zeros, or be left out of an `s` string; this never
    /// fails and never panics).
    #[inline(always)]
    pub(crate) fn decode(self, b: &[u8]) -> Value {
        use FastScalar as F;
        match self {
            F::I8 => Value::Int(i128::from(i8::from_ne_bytes(read_array(b)))),
            F::I16(e) => Value::Int(i128::from(read_as!(i16, e, b))),
            F::I32(e) => Value::Int(i128::from(read_as!(i32, e, b))),
            F::I64(e) => Value::Int(i128::from(read_as!(i64, e, b))),
            F::U8 => Value::Int(i128::from(u8::from_ne_bytes(read_array(b)))),
            F::U16(e) => Value::Int(i128::from(read_as!(u16, e, b))),
            F::U32(e) => Value::Int(i128::from(read_as!(u32, e, b))),
            F::U64(e) => Value::Int(i128::from(read_as!(u64, e, b))),
            F::F16(e) => Value::Float(read_as!(half::f16, e, b).to_f64()),
            F::F32(e) => Value::Float(f64::from(read_as!(f32, e, b))),
            F::F64(e) => Value::Float(read_as!(f64, e, b)),
            F::Bool => Value::Bool(read_array::<1>(b) != [0]),
            F::Char => Value::Bytes(read_array::<1>(b).to_vec()),
            F::Bytes(n) => Value::Bytes(b.get(..usize::from(n)).unwrap_or(b).to_vec()),
        }
    }
}

/// The first `N` bytes of `b`, zeros if it is shorter (callers check lengths beforehand).
#[inline(always)]
fn read_array<const N: usize>(b: &[u8]) -> [u8; N] {
    b.first_chunk::<N>().copied().unwrap_or([0; N])
}

// ---------------------------------------------------------------------------------------------
// Scalar encoding
// ---------------------------------------------------------------------------------------------

/// `(min, max)` of a `size`-byte integer.
fn int_bounds(signed: bool, size: usize) -> (i128, i128) {
    let bits = u32::try_from(size.saturating_mul(8)).unwrap_or(u32::MAX);
    if signed {
        if bits >= 128 || bits == 0 {
            (i128::MIN, i128::MAX)
        } else {
            (-(1i128 << (bits - 1)), (1i128 << (bits - 1)) - 1)
        }
    } else if bits >= 127 || bits == 0 {
        (0, i128::MAX)
    } else {
        (0, (1i128 << bits) - 1)
    }
}

fn int_arg(v: &Value) -> Result<i128, PackError> {
    v.as_int().ok_or(PackError::NotAnInteger)
}

fn float_arg(v: &Value) -> Result<f64, PackError> {
    v.as_f64().ok_or(PackError::NotAFloat)
}

/// Write an IEEE float of `out.len()` bytes (2, 4 or 8), refusing finite overflow.
fn write_float(x: f64, endian: Endian, out: &mut [u8]) -> Result<(), PackError> {
    let little = endian == Endian::Little;
    match out.len() {
        2 => {
            let h = half::f16::from_bits(longdouble::f64_to_f16_bits(x));
            if x.is_finite() && h.is_infinite() {
                return Err(PackError::FloatOverflow { code: 'e' });
            }
            out.copy_from_slice(&if little {
                h.to_le_bytes()
            } else {
                h.to_be_bytes()
            });
        }
        4 => {
            // `as` rounds to nearest, ties to even, and overflows to inf (refused here). A NaN's
            // sign and payload after `as` are unspecified (Miri picks them at random), so they
            // are kept explicitly, as x86-64 and AArch64 conversions (and so CPython) keep them:
            // the sign, the top 23 bits of the payload, the quiet bit set.
            let y = if x.is_nan() {
                let b = x.to_bits();
                let sign = ((b >> 63) as u32) << 31;
                let top = ((b >> 29) & 0x007f_ffff) as u32;
                f32::from_bits(sign | 0x7fc0_0000 | top)
            } else {
                x as f32
            };
            if x.is_finite() && y.is_infinite() {
                return Err(PackError::FloatOverflow { code: 'f' });
            }
            out.copy_from_slice(&if little {
                y.to_le_bytes()
            } else {
                y.to_be_bytes()
            });
        }
        8 => out.copy_from_slice(&if little {
            x.to_le_bytes()
        } else {
            x.to_be_bytes()
        }),
        n => return Err(PackError::LongDoubleUnsupported { size: n }),
    }
    Ok(())
}

/// CPython turns an `OverflowError` raised while packing an `int` into
/// `int too large to convert` (`pack('<e', 70000)`).
fn int_overflow(err: PackError, value: &Value) -> PackError {
    match err {
        PackError::FloatOverflow { .. } if value.as_int().is_some() => PackError::IntTooLarge,
        other => other,
    }
}

fn text_arg(v: &Value, code: char) -> Result<&str, PackError> {
    v.as_str().ok_or(PackError::NotAString { code })
}

/// Encode one scalar into the first `s.size` bytes of `out`.
///
/// Checks and messages follow CPython 3.12+'s `struct.pack` (see the module docs for the codes
/// CPython lacks). `x` (padding) writes zeros and ignores the value.
pub fn encode_scalar(s: &Scalar, value: &Value, out: &mut [u8]) -> Result<(), PackError> {
    let actual = out.len();
    let out = out.get_mut(..s.size).ok_or(too_small(s.size, actual))?;
    let e = s.endian;
    match s.kind {
        ScalarKind::Pad => out.fill(0),
        ScalarKind::Char => match value {
            Value::Bytes(b) if b.len() == 1 && out.len() == 1 => out.copy_from_slice(b),
            _ => return Err(PackError::CharNotBytes1),
        },
        ScalarKind::Int | ScalarKind::UInt => {
            let n = int_arg(value)?;
            let (min, max) = int_bounds(s.kind == ScalarKind::Int, s.size);
            if n < min || n > max {
                return Err(PackError::IntegerRange {
                    code: s.code,
                    min,
                    max,
                });
            }
            write_uint(n as u128, e, out);
        }
        ScalarKind::Pointer => {
            let n = int_arg(value)?;
            let (min, _) = int_bounds(true, s.size);
            let (_, max) = int_bounds(false, s.size);
            if n < min || n > max {
                return Err(PackError::IntTooLarge);
            }
            write_uint(n as u128, e, out);
        }
        ScalarKind::Object => match value.as_int() {
            Some(0) => out.fill(0),
            _ => return Err(PackError::ObjectPointer),
        },
        ScalarKind::Bool => {
            out.fill(0);
            write_uint(u128::from(value.is_truthy()), e, out);
        }
        ScalarKind::Float => {
            write_float(float_arg(value)?, e, out).map_err(|err| int_overflow(err, value))?
        }
        ScalarKind::LongDouble => write_long_double(float_arg(value)?, e, out)?,
        ScalarKind::Complex => {
            let c = value.as_complex().ok_or(PackError::NotAComplex)?;
            let (re, im) = out.split_at_mut(re_len(s.size));
            let im = &mut im[..re.len()];
            if s.code == "Zg" {
                write_long_double(c.re, e, re)?;
                write_long_double(c.im, e, im)?;
            } else {
                write_float(c.re, e, re).map_err(|err| int_overflow(err, value))?;
                write_float(c.im, e, im)?;
            }
        }
        ScalarKind::Bytes => {
            let b = value.as_bytes().ok_or(PackError::NotBytes { code: 's' })?;
            let n = b.len().min(out.len());
            out[..n].copy_from_slice(&b[..n]);
            out[n..].fill(0);
        }
        ScalarKind::Pascal => {
            let b = value.as_bytes().ok_or(PackError::NotBytes { code: 'p' })?;
            if let Some((len_byte, data)) = out.split_first_mut() {
                // CPython copies min(len, N-1) bytes but stores at most 255 as the length.
                let n = b.len().min(data.len());
                *len_byte = u8::try_from(n).unwrap_or(u8::MAX);
                data[..n].copy_from_slice(&b[..n]);
                data[n..].fill(0);
            }
        }
        ScalarKind::Ucs2 => {
            let text = text_arg(value, 'u')?;
            let capacity = out.len() / 2;
            let len = text.encode_utf16().count();
            if len > capacity {
                return Err(PackError::TextTooLong {
                    code: 'u',
                    capacity,
                    len,
                });
            }
            out.fill(0);
            for (chunk, unit) in out.chunks_exact_mut(2).zip(text.encode_utf16()) {
                write_uint(u128::from(unit), e, chunk);
            }
        }
        ScalarKind::Ucs4 => {
            let text = text_arg(value, 'w')?;
            let capacity = out.len() / 4;
            let len = text.chars().count();
            if len > capacity {
                return Err(PackError::TextTooLong {
                    code: 'w',
                    capacity,
                    len,
                });
            }
            out.fill(0);
            for (chunk, c) in out.chunks_exact_mut(4).zip(text.chars()) {
                write_uint(u128::from(u32::from(c)), e, chunk);
            }
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Layouts
// ---------------------------------------------------------------------------------------------

/// `offset + count * size` of a field, checked (`Field::size` does not check).
fn field_end(f: &Field, actual: usize) -> Result<usize, PackError> {
    f.shape
        .iter()
        .try_fold(f.ty.size(), |acc, &d| acc.checked_mul(d))
        .and_then(|size| f.offset.checked_add(size))
        .ok_or(too_small(usize::MAX, actual))
}

/// The bytes of `f` within `bytes` (which start at the enclosing struct).
fn field_bytes<'b>(f: &Field, bytes: &'b [u8]) -> Result<&'b [u8], PackError> {
    let end = field_end(f, bytes.len())?;
    bytes.get(f.offset..end).ok_or(too_small(end, bytes.len()))
}

fn field_bytes_mut<'b>(f: &Field, bytes: &'b mut [u8]) -> Result<&'b mut [u8], PackError> {
    let actual = bytes.len();
    let end = field_end(f, actual)?;
    bytes.get_mut(f.offset..end).ok_or(too_small(end, actual))
}

fn decode_type(ty: &FieldType, bytes: &[u8]) -> Result<Value, PackError> {
    match ty {
        FieldType::Scalar(s) => decode_scalar(s, bytes),
        FieldType::Struct(st) => st
            .fields
            .iter()
            .map(|f| Ok((f.name.clone(), decode_field(f, bytes)?)))
            .collect::<Result<Vec<_>, PackError>>()
            .map(Value::Record),
    }
}

/// Decode a sub-array of `shape` elements of `ty` packed in C order from `bytes`.
fn decode_array(ty: &FieldType, shape: &[usize], bytes: &[u8]) -> Result<Value, PackError> {
    let Some((&n, rest)) = shape.split_first() else {
        return decode_type(ty, bytes);
    };
    let step = rest
        .iter()
        .try_fold(ty.size(), |acc, &d| acc.checked_mul(d))
        .ok_or(too_small(usize::MAX, bytes.len()))?;
    let mut items = Vec::with_capacity(n.min(bytes.len().max(1)));
    for i in 0..n {
        let start = i
            .checked_mul(step)
            .ok_or(too_small(usize::MAX, bytes.len()))?;
        let sub = bytes.get(start..).ok_or(too_small(start, bytes.len()))?;
        items.push(decode_array(ty, rest, sub)?);
    }
    Ok(Value::List(items))
}

/// Decode one field (scalar, record, or nested lists for a sub-array).
pub(crate) fn decode_field(f: &Field, bytes: &[u8]) -> Result<Value, PackError> {
    let b = field_bytes(f, bytes)?;
    check_value_count(f)?;
    decode_array(&f.ty, &f.shape, b)
}

/// How many values a field may decode to beyond one per byte it spans (lists of empty
/// elements cost a `Value` each but no bytes).
const EMPTY_VALUE_BUDGET: usize = 1 << 16;

/// Refuse a sub-array whose lists and elements outnumber its bytes by more than
/// [`EMPTY_VALUE_BUDGET`]: only empty elements or zero-length axes can do that, and decoding
/// them would build billions of values from no data.
fn check_value_count(f: &Field) -> Result<(), PackError> {
    let mut level = 1usize;
    let mut nodes = 1usize;
    for &d in &f.shape {
        level = level.saturating_mul(d);
        nodes = nodes.saturating_add(level);
    }
    let bytes = f.size();
    if nodes > bytes.saturating_mul(2).saturating_add(EMPTY_VALUE_BUDGET) {
        return Err(PackError::ValueTooLarge {
            shape: f.shape.clone(),
            bytes,
        });
    }
    Ok(())
}

/// Decode the top-level fields of one element, one value per field (what `struct.unpack`
/// returns as a tuple).
pub(crate) fn decode_fields(layout: &Layout, bytes: &[u8]) -> Result<Vec<Value>, PackError> {
    let bytes = bytes
        .get(..layout.size())
        .ok_or(too_small(layout.size(), bytes.len()))?;
    let mut values = Vec::with_capacity(layout.value_count().min(bytes.len().max(1)));
    for f in &layout.top.fields {
        for offset in f.copy_offsets() {
            let b = bytes.get(offset..).ok_or(too_small(offset, bytes.len()))?;
            values.push(decode_field_at0(f, b)?);
        }
    }
    Ok(values)
}

/// Decode one copy of `f` that starts at the beginning of `bytes`.
fn decode_field_at0(f: &Field, bytes: &[u8]) -> Result<Value, PackError> {
    let size = f.size();
    let b = bytes.get(..size).ok_or(too_small(size, bytes.len()))?;
    check_value_count(f)?;
    decode_array(&f.ty, &f.shape, b)
}

/// Decode one element of `layout` from the start of `bytes` (`bytes.len() >= layout.size()`):
/// a `Tuple` of the top-level fields when `layout.tuple`, otherwise the single field's value.
pub fn decode(layout: &Layout, bytes: &[u8]) -> Result<Value, PackError> {
    match (layout.tuple, layout.top.fields.as_slice()) {
        (false, [f]) => {
            let bytes = bytes
                .get(..layout.size())
                .ok_or(too_small(layout.size(), bytes.len()))?;
            decode_field(f, bytes)
        }
        _ => decode_fields(layout, bytes).map(Value::Tuple),
    }
}

fn encode_type(ty: &FieldType, value: &Value, out: &mut [u8]) -> Result<(), PackError> {
    match ty {
        FieldType::Scalar(s) => encode_scalar(s, value, out),
        FieldType::Struct(st) => {
            let items = match value {
                Value::Tuple(_) | Value::Record(_) => value.items(),
                _ => None,
            };
            match items {
                Some(items) if items.len() == st.fields.len() => {
                    let actual = out.len();
                    let out = out.get_mut(..st.size).ok_or(too_small(st.size, actual))?;
                    out.fill(0);
                    for (f, v) in st.fields.iter().zip(items) {
                        encode_field(f, v, out)?;
                    }
                    Ok(())
                }
                _ => Err(PackError::ExpectedTuple {
                    len: st.fields.len(),
                    found: describe(value),
                }),
            }
        }
    }
}

fn encode_array(
    ty: &FieldType,
    shape: &[usize],
    value: &Value,
    out: &mut [u8],
) -> Result<(), PackError> {
    let Some((&n, rest)) = shape.split_first() else {
        return encode_type(ty, value, out);
    };
    let items = match value {
        Value::List(v) | Value::Tuple(v) if v.len() == n => v,
        _ => {
            return Err(PackError::ExpectedList {
                len: n,
                found: describe(value),
            })
        }
    };
    let actual = out.len();
    let step = rest
        .iter()
        .try_fold(ty.size(), |acc, &d| acc.checked_mul(d))
        .ok_or(too_small(usize::MAX, actual))?;
    for (i, v) in items.iter().enumerate() {
        let start = i.checked_mul(step).ok_or(too_small(usize::MAX, actual))?;
        let sub = out.get_mut(start..).ok_or(too_small(start, actual))?;
        encode_array(ty, rest, v, sub)?;
    }
    Ok(())
}

/// Encode one field's value into the enclosing struct's bytes `out`.
pub(crate) fn encode_field(f: &Field, value: &Value, out: &mut [u8]) -> Result<(), PackError> {
    let b = field_bytes_mut(f, out)?;
    encode_array(&f.ty, &f.shape, value, b)
}

/// Encode the top-level fields of one element from one value per field (what `struct.pack`
/// takes), zeroing padding. The caller checks `values.len()`; extra or missing values are an
/// [`PackError::ExpectedTuple`] error here.
pub(crate) fn encode_fields(
    layout: &Layout,
    values: &[Value],
    out: &mut [u8],
) -> Result<(), PackError> {
    let count = layout.value_count();
    if values.len() != count {
        return Err(PackError::ExpectedTuple {
            len: count,
            found: format!("tuple of {} items", values.len()),
        });
    }
    let actual = out.len();
    let out = out
        .get_mut(..layout.size())
        .ok_or(too_small(layout.size(), actual))?;
    out.fill(0);
    let copies = layout
        .top
        .fields
        .iter()
        .flat_map(|f| f.copy_offsets().map(move |offset| (f, offset)));
    for ((f, offset), v) in copies.zip(values) {
        let size = f.size();
        let b = offset
            .checked_add(size)
            .and_then(|end| out.get_mut(offset..end))
            .ok_or(too_small(offset.saturating_add(size), actual))?;
        encode_array(&f.ty, &f.shape, v, b)?;
    }
    Ok(())
}

/// Encode one element of `layout` into `out[..layout.size()]` (padding zeroed): `value` is a
/// `Tuple` (or `Record`) of the top-level fields when `layout.tuple`, otherwise the single
/// field's value.
pub fn encode(layout: &Layout, value: &Value, out: &mut [u8]) -> Result<(), PackError> {
    match (layout.tuple, layout.top.fields.as_slice()) {
        (false, [f]) => {
            let actual = out.len();
            let out = out
                .get_mut(..layout.size())
                .ok_or(too_small(layout.size(), actual))?;
            out.fill(0);
            encode_field(f, value, out)
        }
        _ => match value {
            Value::Tuple(items) => encode_fields(layout, items, out),
            Value::Record(items) => {
                let items: Vec<Value> = items.iter().map(|(_, v)| v.clone()).collect();
                encode_fields(layout, &items, out)
            }
            _ => Err(PackError::ExpectedTuple {
                len: layout.value_count(),
                found: describe(value),
            }),
        },
    }
}

#[cfg(test)]
mod tests;
