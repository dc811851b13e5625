//! Typed elements: the Rust types a view's scalars can be read as, and typed views.
//!
//! [`Element`] is implemented for `u8 i8 u16 i16 u32 i32 u64 i64 usize isize f32 f64`,
//! [`half::f16`], `bool`, [`num_complex::Complex<f32>`] and [`num_complex::Complex<f64>`].
//! An element type matches a format when the format is one scalar of the same kind
//! ([`ScalarKind`]) and size, in **any** byte order: `i64` matches `q`, `<q`, `>q`, `=q`, `!q`
//! and, where `long` is 8 bytes, native `l`; `u8` matches `B` but not `c` (`c` is a byte
//! string of length one, not a number); `bool` matches `?`; `f16` matches `e`;
//! `Complex<f32>` matches `Zf`.
//!
//! The trait is sealed: zero-copy conversion to `ndarray` reinterprets bytes as `T`, which is
//! only sound for the padding-free, fixed-layout types listed above. Your own structs join
//! them through `#[derive(Record)]` ([`crate::record`]): the typed and zero-copy methods take
//! any [`ArrayElement`], which is every `Element` and every `Record`.
//!
//! [`TypedView`] (from [`MemoryView::typed`](crate::view::ViewBase::typed)) and
//! [`TypedViewMut`] read and write elements of any byte order at any alignment and any byte
//! strides (including strides that are not a multiple of the element size, as for a field of a
//! packed struct). They wrap the view's own proven geometry and walk it with the view layer's
//! walkers; nothing is validated or walked twice. When the data happens to be native, aligned
//! and evenly strided, a typed view iterates through `ndarray` at full speed.
//!
//! ```
//! use memview::element::Element;
//! use memview::format::Endian;
//!
//! let bytes = [0x3f, 0xf8, 0, 0, 0, 0, 0, 0]; // 1.5 as a big-endian f64
//! assert_eq!(f64::read(&bytes, Endian::Big)?, 1.5);
//! assert!(bool::read(&[2], Endian::Little).is_err());
//! # Ok::<(), memview::element::ElementError>(())
//! ```

#![forbid(unsafe_code)]

mod array_element;
mod convert;
mod typed;
mod zero_copy;

pub use array_element::{ArrayElement, RecordPlan, ScalarPlan};
pub use typed::{TypedIter, TypedView, TypedViewMut};

pub(crate) use typed::typed_values;

pub(crate) use convert::convert_items;
pub(crate) use zero_copy::{check_direct, refusal};

use std::fmt;

use half::f16;
use num_complex::Complex;

use crate::codec::PackError;
use crate::format::{Endian, Scalar, ScalarKind};
use crate::record::RecordError;
use crate::view::ViewError;

/// A Rust type that elements of a view can be read as, written from, and viewed as without
/// copying. Sealed: implemented for the primitive numeric types, `f16`, `bool` and complex
/// numbers only.
pub trait Element:
    sealed::Sealed + ArrayElement + Copy + PartialEq + fmt::Debug + Send + Sync + 'static
{
    /// The Rust name of the type, used in error messages (`"f64"`, `"Complex<f32>"`).
    const NAME: &'static str;
    /// The kind of scalar this type holds.
    const KIND: ScalarKind;
    /// The PEP 3118 type code used when exporting this type, in native byte order and size
    /// (`"q"` for `i64`, `"d"` for `f64`, `"Zf"` for `Complex<f32>`, `"?"` for `bool`).
    const FORMAT: &'static str;

    /// Whether a scalar of this kind and size holds values of this type, in any byte order.
    fn matches(scalar: &Scalar) -> bool {
        scalar.kind == Self::KIND && scalar.size == std::mem::size_of::<Self>()
    }

    /// Reads one value from the first `size_of::<Self>()` bytes of `bytes`, stored in the
    /// given byte order. The bytes need not be aligned.
    ///
    /// # Errors
    /// [`ElementError::BytesTooShort`] when `bytes` is shorter than the element;
    /// [`ElementError::InvalidBool`] (for `bool`) when the byte is neither 0 nor 1.
    fn read(bytes: &[u8], endian: Endian) -> Result<Self, ElementError> {
        let size = std::mem::size_of::<Self>();
        let Some(raw) = bytes.get(..size) else {
            return Err(ElementError::BytesTooShort {
                needed: size,
                got: bytes.len(),
            });
        };
        if let Some(byte) = Self::invalid_byte(raw) {
            return Err(ElementError::InvalidBool {
                byte,
                offset: 0,
                index: Vec::new(),
            });
        }
        Ok(Self::load(raw, !endian.is_native()))
    }

    /// Writes this value into the first `size_of::<Self>()` bytes of `out`, in the given byte
    /// order. `out` need not be aligned.
    ///
    /// # Errors
    /// [`ElementError::BytesTooShort`] when `out` is shorter than the element.
    fn write(self, out: &mut [u8], endian: Endian) -> Result<(), ElementError> {
        let size = std::mem::size_of::<Self>();
        let got = out.len();
        let Some(raw) = out.get_mut(..size) else {
            return Err(ElementError::BytesTooShort { needed: size, got });
        };
        self.store(raw, !endian.is_native());
        Ok(())
    }
}

/// Python-like text for a float (`inf`, `nan`, `2.5`, `1e+300`).
fn float_text(x: f64) -> String {
    if x.is_nan() {
        "nan".to_owned()
    } else if x.is_infinite() {
        if x > 0.0 { "inf" } else { "-inf" }.to_owned()
    } else {
        format!("{x:?}")
    }
}

pub(crate) use sealed::{Number, Unrepresentable};

pub(crate) mod sealed {
    use std::fmt;

    /// A number in a common representation, used for converting copies between formats.
    #[derive(Clone, Copy, Debug, PartialEq)]
    pub enum Number {
        Bool(bool),
        Int(i128),
        Float(f64),
        Complex(f64, f64),
    }

    impl fmt::Display for Number {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            match *self {
                Number::Bool(b) => write!(f, "{}", if b { "True" } else { "False" }),
                Number::Int(i) => write!(f, "{i}"),
                Number::Float(x) => write!(f, "{}", super::float_text(x)),
                Number::Complex(re, im) => {
                    let part = |x: f64| {
                        let t = super::float_text(x);
                        t.strip_suffix(".0").map(str::to_owned).unwrap_or(t)
                    };
                    let sign = if im.is_sign_negative() && !im.is_nan() {
                        ""
                    } else {
                        "+"
                    };
                    write!(f, "({}{sign}{}j)", part(re), part(im))
                }
            }
        }
    }

    /// Why a [`Number`] could not be converted to an element type.
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    pub enum Unrepresentable {
        /// Outside the target's range (or a finite float that would become infinite).
        OutOfRange,
        /// A non-integral float (or NaN, or infinity) converted to an integer type.
        NotInteger,
        /// A kind the target cannot hold at all (complex to real, number to bool).
        Kind,
    }

    /// The crate-private part of [`Element`](super::Element). Its supertraits make
    /// reinterpreting bytes as `Self` (checked for `bool`) and `Self` as bytes sound.
    pub trait Sealed: bytemuck::NoUninit + bytemuck::CheckedBitPattern {
        /// Reads `Self` from `raw` (at least `size_of::<Self>()` bytes, any alignment), in
        /// native order, byte-swapped when `swap`. For `bool` the byte must already have been
        /// validated (any non-zero byte reads as `true`).
        fn load(raw: &[u8], swap: bool) -> Self;
        /// [`load`](Self::load) byte-swapped, by a byte shuffle in a vector register where
        /// that is faster (floats; see [`Shuffles`](crate::view::raw::cpu::Shuffles)).
        #[inline(always)]
        fn load_swapped(raw: &[u8], shuffles: crate::view::raw::cpu::Shuffles) -> Self {
            let _ = shuffles;
            Self::load(raw, true)
        }
        /// The eight partial sums of `ndarray`'s unrolled sum over the whole 8-element blocks
        /// of `bytes` (elements byte-swapped), where wide shuffles make them faster than the
        /// element-by-element loop (floats with AVX2); else `None`.
        #[inline(always)]
        fn swapped_lanes(
            bytes: &[u8],
            shuffles: crate::view::raw::cpu::Shuffles,
        ) -> Option<[Self; 8]> {
            let _ = (bytes, shuffles);
            None
        }
        /// Writes `self` into `raw[..size_of::<Self>()]`, byte-swapped when `swap`.
        fn store(self, raw: &mut [u8], swap: bool);
        /// For `bool`: the first byte of `raw` if it is neither 0 nor 1.
        fn invalid_byte(raw: &[u8]) -> Option<u8> {
            let _ = raw;
            None
        }
        /// The value as a [`Number`].
        fn to_number(self) -> Number;
        /// The value closest to `n`, when `n` is representable (see the crate's conversion
        /// rules in [`crate::ndarray`]).
        fn from_number(n: Number) -> Result<Self, Unrepresentable>;
    }
}

/// Load a `[u8; N]` from the front of `raw`. Panics only if the caller broke the length
/// contract of [`sealed::Sealed::load`].
#[inline(always)]
fn front<const N: usize>(raw: &[u8]) -> [u8; N] {
    let mut a = [0u8; N];
    a.copy_from_slice(&raw[..N]);
    a
}

macro_rules! int_element {
    ($($t:ty => $kind:ident, $code:literal;)*) => {$(
        impl sealed::Sealed for $t {
            #[inline(always)]
            fn load(raw: &[u8], swap: bool) -> Self {
                let v = <$t>::from_ne_bytes(front(raw));
                if swap { v.swap_bytes() } else { v }
            }
            #[inline(always)]
            fn store(self, raw: &mut [u8], swap: bool) {
                let v = if swap { self.swap_bytes() } else { self };
                raw[..std::mem::size_of::<$t>()].copy_from_slice(&v.to_ne_bytes());
            }
            fn to_number(self) -> Number {
                Number::Int(self as i128)
            }
            fn from_number(n: Number) -> Result<Self, Unrepresentable> {
                match n {
                    Number::Bool(b) => Ok(b as $t),
                    Number::Int(i) => <$t>::try_from(i).map_err(|_| Unrepresentable::OutOfRange),
                    Number::Float(x) => {
                        if !x.is_finite() || x.fract() != 0.0 {
                            return Err(Unrepresentable::NotInteger);
                        }
                        // Every integral f64 in the i128 range converts exactly.
                        if !(-1.7e38..=1.7e38).contains(&x) {
                            return Err(Unrepresentable::OutOfRange);
                        }
                        <$t>::try_from(x as i128).map_err(|_| Unrepresentable::OutOfRange)
                    }
                    Number::Complex(..) => Err(Unrepresentable::Kind),
                }
            }
        }
        impl Element for $t {
            const NAME: &'static str = stringify!($t);
            const KIND: ScalarKind = ScalarKind::$kind;
            const FORMAT: &'static str = $code;
        }
    )*};
}

int_element! {
    u8 => UInt, "B";
    i8 => Int, "b";
    u16 => UInt, "H";
    i16 => Int, "h";
    u32 => UInt, "I";
    i32 => Int, "i";
    u64 => UInt, "Q";
    i64 => Int, "q";
    usize => UInt, "N";
    isize => Int, "n";
}

/// Narrow an `f64` to a float type: rounding is allowed, overflow of a finite value is not.
fn narrow<F>(
    x: f64,
    conv: impl Fn(f64) -> F,
    is_inf: impl Fn(&F) -> bool,
) -> Result<F, Unrepresentable> {
    let y = conv(x);
    if x.is_finite() && is_inf(&y) {
        Err(Unrepresentable::OutOfRange)
    } else {
        Ok(y)
    }
}

/// The real value of a non-complex [`Number`] as `f64` (rounded to nearest for big integers).
fn real_of(n: Number) -> Result<f64, Unrepresentable> {
    match n {
        Number::Bool(b) => Ok(f64::from(u8::from(b))),
        Number::Int(i) => Ok(i as f64),
        Number::Float(x) => Ok(x),
        Number::Complex(..) => Err(Unrepresentable::Kind),
    }
}

impl sealed::Sealed for f64 {
    #[inline(always)]
    fn load(raw: &[u8], swap: bool) -> Self {
        let b = u64::load(raw, swap);
        f64::from_bits(b)
    }
    #[inline(always)]
    fn load_swapped(raw: &[u8], shuffles: crate::view::raw::cpu::Shuffles) -> Self {
        shuffles.swapped_f64(raw)
    }
    #[inline(always)]
    fn swapped_lanes(bytes: &[u8], shuffles: crate::view::raw::cpu::Shuffles) -> Option<[Self; 8]> {
        shuffles.swapped_f64_lanes(bytes)
    }
    #[inline(always)]
    fn store(self, raw: &mut [u8], swap: bool) {
        self.to_bits().store(raw, swap);
    }
    fn to_number(self) -> Number {
        Number::Float(self)
    }
    fn from_number(n: Number) -> Result<Self, Unrepresentable> {
        real_of(n)
    }
}

impl sealed::Sealed for f32 {
    #[inline(always)]
    fn load(raw: &[u8], swap: bool) -> Self {
        f32::from_bits(u32::load(raw, swap))
    }
    #[inline(always)]
    fn load_swapped(raw: &[u8], shuffles: crate::view::raw::cpu::Shuffles) -> Self {
        shuffles.swapped_f32(raw)
    }
    #[inline(always)]
    fn swapped_lanes(bytes: &[u8], shuffles: crate::view::raw::cpu::Shuffles) -> Option<[Self; 8]> {
        shuffles.swapped_f32_lanes(bytes)
    }
    #[inline(always)]
    fn store(self, raw: &mut [u8], swap: bool) {
        self.to_bits().store(raw, swap);
    }
    fn to_number(self) -> Number {
        Number::Float(f64::from(self))
    }
    fn from_number(n: Number) -> Result<Self, Unrepresentable> {
        narrow(real_of(n)?, |x| x as f32, |y| y.is_infinite())
    }
}

impl sealed::Sealed for f16 {
    #[inline(always)]
    fn load(raw: &[u8], swap: bool) -> Self {
        f16::from_bits(u16::load(raw, swap))
    }
    #[inline(always)]
    fn store(self, raw: &mut [u8], swap: bool) {
        self.to_bits().store(raw, swap);
    }
    fn to_number(self) -> Number {
        Number::Float(self.to_f64())
    }
    fn from_number(n: Number) -> Result<Self, Unrepresentable> {
        narrow(real_of(n)?, f16::from_f64, |y| y.is_infinite())
    }
}

macro_rules! float_element {
    ($($t:ty => $code:literal;)*) => {$(
        impl Element for $t {
            const NAME: &'static str = stringify!($t);
            const KIND: ScalarKind = ScalarKind::Float;
            const FORMAT: &'static str = $code;
        }
    )*};
}

float_element! {
    f16 => "e";
    f32 => "f";
    f64 => "d";
}

impl sealed::Sealed for bool {
    #[inline(always)]
    fn load(raw: &[u8], _swap: bool) -> Self {
        raw[0] != 0
    }
    #[inline(always)]
    fn store(self, raw: &mut [u8], _swap: bool) {
        raw[0] = u8::from(self);
    }
    fn invalid_byte(raw: &[u8]) -> Option<u8> {
        raw.first().copied().filter(|&b| b > 1)
    }
    fn to_number(self) -> Number {
        Number::Bool(self)
    }
    fn from_number(n: Number) -> Result<Self, Unrepresentable> {
        match n {
            Number::Bool(b) => Ok(b),
            _ => Err(Unrepresentable::Kind),
        }
    }
}

impl Element for bool {
    const NAME: &'static str = "bool";
    const KIND: ScalarKind = ScalarKind::Bool;
    const FORMAT: &'static str = "?";
}

macro_rules! complex_element {
    ($($t:ty => $code:literal, $name:literal;)*) => {$(
        impl sealed::Sealed for Complex<$t> {
            #[inline(always)]
            fn load(raw: &[u8], swap: bool) -> Self {
                const H: usize = std::mem::size_of::<$t>();
                Complex::new(<$t>::load(raw, swap), <$t>::load(&raw[H..], swap))
            }
            #[inline(always)]
            fn store(self, raw: &mut [u8], swap: bool) {
                const H: usize = std::mem::size_of::<$t>();
                self.re.store(raw, swap);
                self.im.store(&mut raw[H..], swap);
            }
            fn to_number(self) -> Number {
                Number::Complex(f64::from(self.re), f64::from(self.im))
            }
            fn from_number(n: Number) -> Result<Self, Unrepresentable> {
                let (re, im) = match n {
                    Number::Complex(re, im) => (re, im),
                    other => (real_of(other)?, 0.0),
                };
                Ok(Complex::new(
                    <$t>::from_number(Number::Float(re))?,
                    <$t>::from_number(Number::Float(im))?,
                ))
            }
        }
        impl Element for Complex<$t> {
            const NAME: &'static str = $name;
            const KIND: ScalarKind = ScalarKind::Complex;
            const FORMAT: &'static str = $code;
        }
    )*};
}

complex_element! {
    f32 => "Zf", "Complex<f32>";
    f64 => "Zd", "Complex<f64>";
}

/// A short description of a scalar kind for messages (`"signed integer"`, `"float"`).
pub(crate) use crate::record::kind_text as kind_name;

fn endian_name(e: Endian) -> &'static str {
    match e {
        Endian::Little => "little-endian",
        Endian::Big => "big-endian",
    }
}

/// Formats an index as `[1, 2]`.
struct IndexText<'a>(&'a [usize]);

impl fmt::Display for IndexText<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[")?;
        for (i, x) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            write!(f, "{x}")?;
        }
        f.write_str("]")
    }
}

/// Why a typed access, a zero-copy `ndarray` view, a converting copy or a field view failed.
///
/// Every variant names the fact that failed; `Display` renders a one-line message.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum ElementError {
    /// The view's format is not one scalar of `T`'s kind and size
    /// (`format 'i' (4-byte signed integer) does not match f64 (8-byte float)`).
    FormatMismatch {
        /// The view's format text.
        format: String,
        /// The format's scalar kind and size, or `None` when it is not a single scalar.
        scalar: Option<(ScalarKind, usize)>,
        /// The element type's name.
        element: &'static str,
        /// The element type's kind.
        element_kind: ScalarKind,
        /// The element type's size in bytes.
        element_size: usize,
    },
    /// A converting copy between two kinds that do not convert (complex to real, number to
    /// bool, text to number): `cannot convert format 'Zd' (16-byte complex) to f64`.
    NotConvertible {
        /// The view's format text.
        format: String,
        /// The element type's name.
        element: &'static str,
    },
    /// The view's itemsize differs from the element size (a padded item): zero-copy needs
    /// the elements packed at their own size.
    ItemsizeMismatch {
        /// The view's itemsize.
        itemsize: usize,
        /// The element type's name.
        element: &'static str,
        /// The element type's size.
        element_size: usize,
    },
    /// Zero-copy needs native byte order: `format '>d' is big-endian, this host is little-endian`.
    ByteOrderNotNative {
        /// The view's format text.
        format: String,
        /// The format's byte order.
        endian: Endian,
    },
    /// The first element's address is not a multiple of `T`'s alignment.
    Misaligned {
        /// The element type's name.
        element: &'static str,
        /// `address % align` of element `[0, …, 0]`.
        remainder: usize,
        /// `align_of::<T>()`.
        align: usize,
    },
    /// A byte stride on an axis of length > 1 is not a multiple of the element size.
    StrideNotMultiple {
        /// The axis.
        axis: usize,
        /// Its stride in bytes.
        stride: isize,
        /// The element size in bytes.
        element_size: usize,
    },
    /// A mutable array would have overlapping (or possibly overlapping) elements: the stride of
    /// `axis` does not step past the bytes spanned by the axes with smaller strides.
    Overlap {
        /// The axis.
        axis: usize,
        /// Its length.
        len: usize,
        /// Its stride in bytes.
        stride: isize,
        /// Bytes already covered by one element plus the faster-varying axes.
        span: usize,
    },
    /// A byte that should hold a `bool` is neither 0 nor 1.
    InvalidBool {
        /// The byte found.
        byte: u8,
        /// Its position in the underlying buffer.
        offset: usize,
        /// The element's index in the view (empty for a single read).
        index: Vec<usize>,
    },
    /// A value does not fit the target type of a converting copy or a write.
    ValueOutOfRange {
        /// The value, as Python would print it.
        value: String,
        /// The element's index.
        index: Vec<usize>,
        /// The target type's name.
        element: &'static str,
    },
    /// A non-integral (or non-finite) float converted to an integer type.
    ValueNotInteger {
        /// The value, as Python would print it.
        value: String,
        /// The element's index.
        index: Vec<usize>,
        /// The target type's name.
        element: &'static str,
    },
    /// A byte slice too short for one element.
    BytesTooShort {
        /// Bytes needed.
        needed: usize,
        /// Bytes given.
        got: usize,
    },
    /// An index with the wrong number of components.
    IndexCount {
        /// The view's number of dimensions.
        ndim: usize,
        /// Components given.
        got: usize,
    },
    /// An index component out of range (negative indices count from the end).
    IndexOutOfBounds {
        /// The axis.
        axis: usize,
        /// The index given.
        index: isize,
        /// The axis length.
        len: usize,
    },
    /// `TypedViewMut::assign`: the number of values is not the number of elements.
    LengthMismatch {
        /// Values given.
        given: usize,
        /// Elements in the view.
        expected: usize,
    },
    /// A C `long double` this platform's codec cannot decode (PowerPC's double-double):
    /// `cannot convert format 'g' to f64: ...`.
    Undecodable {
        /// The view's format text.
        format: String,
        /// The element type's name.
        element: &'static str,
        /// The codec's reason (boxed to keep `ElementError` small).
        error: Box<PackError>,
    },
    /// A view operation failed (building a view of an `ndarray`, a typed view of an indirect
    /// view, an overflowing span).
    View(ViewError),
    /// A view's items are not values of a record type: the format differs (the first field
    /// that differs, by path, offset and type on both sides), or an item holds an invalid
    /// byte (then `index` is the element's index).
    Record {
        /// Why, from the record layer.
        error: Box<RecordError>,
        /// The element's index in the view, when one element is at fault (else empty).
        index: Vec<usize>,
    },
    /// A converting copy into a record type failed at one of its fields (a value that does
    /// not fit, a kind that does not convert): `Particle.id: value -1 at index [2] does not
    /// fit in u32`.
    Field {
        /// The record type.
        record: &'static str,
        /// The field's path (`pos[1]`, `inner.x`).
        path: String,
        /// What failed for that field.
        error: Box<ElementError>,
    },
}

impl From<ViewError> for ElementError {
    fn from(e: ViewError) -> ElementError {
        ElementError::View(e)
    }
}

impl fmt::Display for ElementError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ElementError::FormatMismatch {
                format,
                scalar,
                element,
                element_kind,
                element_size,
            } => {
                write!(f, "format '{format}' ")?;
                match scalar {
                    Some((kind, size)) => write!(f, "({size}-byte {})", kind_name(*kind))?,
                    None => f.write_str("(not a single scalar)")?,
                }
                write!(
                    f,
                    " does not match {element} ({element_size}-byte {})",
                    kind_name(*element_kind)
                )
            }
            ElementError::NotConvertible { format, element } => {
                write!(f, "cannot convert format '{format}' to {element}")
            }
            ElementError::ItemsizeMismatch {
                itemsize,
                element,
                element_size,
            } => write!(
                f,
                "itemsize {itemsize} is not the size {element_size} of {element}: \
                 padded items cannot be viewed without copying"
            ),
            ElementError::ByteOrderNotNative { format, endian } => write!(
                f,
                "format '{format}' is {}, this host is {}: zero-copy needs native byte order",
                endian_name(*endian),
                endian_name(Endian::NATIVE)
            ),
            ElementError::Misaligned {
                element,
                remainder,
                align,
            } => write!(
                f,
                "the first element's address is {remainder} mod {align}, and {element} needs \
                 alignment {align}: typed::<{element}>() reads the data in place at any \
                 alignment, to_array::<{element}>() copies it into an aligned array, and for a \
                 .npy file npy::load_mut, npy::from_bytes or unsafe npy::load keep the data \
                 aligned (a Vec<u8> from std::fs::read promises none)"
            ),
            ElementError::StrideNotMultiple {
                axis,
                stride,
                element_size,
            } => write!(
                f,
                "stride {stride} on axis {axis} is not a multiple of the element size {element_size}"
            ),
            ElementError::Overlap {
                axis,
                len,
                stride,
                span,
            } => write!(
                f,
                "stride {stride} on axis {axis} (length {len}) does not step past the {span} bytes \
                 spanned by one element and the faster axes: elements may overlap, \
                 which a mutable array cannot allow"
            ),
            ElementError::InvalidBool {
                byte,
                offset,
                index,
            } => {
                write!(f, "byte 0x{byte:02x} at offset {offset}")?;
                if !index.is_empty() {
                    write!(f, " (index {})", IndexText(index))?;
                }
                f.write_str(" is not a valid bool (0 or 1)")
            }
            ElementError::ValueOutOfRange {
                value,
                index,
                element,
            } => write!(
                f,
                "value {value} at index {} does not fit in {element}",
                IndexText(index)
            ),
            ElementError::ValueNotInteger {
                value,
                index,
                element,
            } => write!(
                f,
                "value {value} at index {} is not an integer, so it does not convert to {element} exactly",
                IndexText(index)
            ),
            ElementError::BytesTooShort { needed, got } => {
                write!(f, "an element needs {needed} bytes, got {got}")
            }
            ElementError::IndexCount { ndim, got } => write!(
                f,
                "index has {got} components, the view has {ndim} dimensions"
            ),
            ElementError::IndexOutOfBounds { axis, index, len } => write!(
                f,
                "index {index} is out of bounds for axis {axis} with length {len}"
            ),
            ElementError::LengthMismatch { given, expected } => write!(
                f,
                "{given} values given for a view of {expected} elements"
            ),
            ElementError::Undecodable {
                format,
                element,
                error,
            } => write!(f, "cannot convert format '{format}' to {element}: {error}"),
            ElementError::View(e) => e.fmt(f),
            ElementError::Field {
                record,
                path,
                error,
            } => write!(f, "{record}.{path}: {error}"),
            ElementError::Record { error, index } => {
                if !index.is_empty() {
                    write!(f, "element {}: ", IndexText(index))?;
                }
                error.fmt(f)
            }
        }
    }
}

impl std::error::Error for ElementError {}
