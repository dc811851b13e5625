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
//! only sound for the padding-free, fixed-layout types listed above.
//!
//! [`TypedView`] (from [`MemoryView::typed`](crate::view::MemoryView::typed)) and
//! [`TypedViewMut`] read and write elements of any byte order at any alignment and any byte
//! strides (including strides that are not a multiple of the element size, as for a field of a
//! packed struct). When the data happens to be native, aligned and evenly strided, a typed view
//! iterates through `ndarray` at full speed.
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

use std::fmt;

use half::f16;
use num_complex::Complex;

use crate::format::{Endian, Scalar, ScalarKind};

/// A Rust type that elements of a view can be read as, written from, and viewed as without
/// copying. Sealed: implemented for the primitive numeric types, `f16`, `bool` and complex
/// numbers only.
pub trait Element: sealed::Sealed + Copy + PartialEq + fmt::Debug + Send + Sync + 'static {
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

/// An [`Element`] for which every byte pattern is a valid value: every element type except
/// `bool`.
///
/// Writable byte views of `ndarray` arrays
/// ([`MemoryViewMut::from_array_mut`](crate::view::MemoryViewMut::from_array_mut),
/// [`MemoryViewMut::from_owned_array_mut`](crate::view::MemoryViewMut::from_owned_array_mut))
/// require it: a [`MemoryViewMut`](crate::view::MemoryViewMut) can write any byte
/// (`buffer_mut`, `assign`, a `cast` to `B`), and a byte other than 0 or 1 stored in a `bool`
/// array would be an invalid `bool`, which is undefined behaviour. A `bool` array is still
/// viewed read-only ([`MemoryView::from_array`](crate::view::MemoryView::from_array)); to
/// write, copy it into bytes, view those with format `?`, and convert back with
/// [`to_array::<bool>()`](crate::view::MemoryViewMut::to_array), which checks every byte:
///
/// ```
/// use memview::MemoryViewMut;
/// use ndarray::array;
///
/// let flags = array![[true, false], [false, true]];
/// let mut bytes: Vec<u8> = flags.iter().map(|&b| u8::from(b)).collect();
/// let mut view = MemoryViewMut::from_parts(&mut bytes, "?", flags.shape(), None, 0)?;
/// view.typed_mut::<bool>()?.set(&[0, 1], true)?;
/// let back = view.to_array::<bool>()?; // an error if a byte is neither 0 nor 1
/// assert_eq!(back, array![[true, true], [false, true]].into_dyn());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// ```compile_fail
/// let mut flags = ndarray::array![true, false];
/// // error: `bool` cannot back a writable byte view of an array
/// let view = memview::MemoryViewMut::from_array_mut(&mut flags);
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot back a writable byte view of an array",
    label = "a byte other than 0 or 1 written through the view would be an invalid `{Self}`",
    note = "view a `bool` array read-only with `MemoryView::from_array`, or copy it into bytes, \
            view those with `MemoryViewMut::from_parts(&mut bytes, \"?\", ..)` and read them back \
            with `to_array::<bool>()`, which checks every byte"
)]
pub trait PlainElement: Element + bytemuck::Pod {}

macro_rules! plain_element {
    ($($t:ty),*) => {$( impl PlainElement for $t {} )*};
}

plain_element!(
    u8,
    i8,
    u16,
    i16,
    u32,
    i32,
    u64,
    i64,
    usize,
    isize,
    f16,
    f32,
    f64,
    Complex<f32>,
    Complex<f64>
);

/// A short description of a scalar kind for messages (`"signed integer"`, `"float"`).
pub(crate) fn kind_name(kind: ScalarKind) -> &'static str {
    match kind {
        ScalarKind::Pad => "padding",
        ScalarKind::Char => "char",
        ScalarKind::Int => "signed integer",
        ScalarKind::UInt => "unsigned integer",
        ScalarKind::Bool => "bool",
        ScalarKind::Float => "float",
        ScalarKind::LongDouble => "long double",
        ScalarKind::Complex => "complex",
        ScalarKind::Bytes => "byte string",
        ScalarKind::Pascal => "Pascal string",
        ScalarKind::Ucs2 => "UCS-2 text",
        ScalarKind::Ucs4 => "UCS-4 text",
        ScalarKind::Pointer => "pointer",
        ScalarKind::Object => "object pointer",
    }
}

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
#[derive(Clone, Debug, PartialEq, Eq)]
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
    /// A zero-copy `bool` array must cover only valid bools, but a byte between the elements
    /// (the strides leave gaps) is neither 0 nor 1.
    BoolGap {
        /// The byte found.
        byte: u8,
        /// Its position in the underlying buffer.
        offset: usize,
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
    /// The view's layout reaches outside its buffer (a broken view; never expected).
    OutOfBounds {
        /// First byte needed.
        start: usize,
        /// One past the last byte needed.
        end: usize,
        /// Buffer length.
        len: usize,
    },
    /// `field(name)`: the format has no field of that name.
    FieldNotFound {
        /// The name asked for.
        name: String,
        /// The view's format text.
        format: String,
        /// The names that do exist.
        available: Vec<String>,
    },
    /// `from_array`: the array's elements, ignoring broadcast (zero-stride) axes, do not tile
    /// one block of memory, so a byte view would reach into gaps the array does not borrow.
    /// The message names both ways out: select from a view of the whole array, or, for an
    /// array that owns its data, `MemoryView::from_owned_array`, whose span may cover gaps.
    ArrayHasGaps {
        /// The array's shape.
        shape: Vec<usize>,
        /// Its strides, in elements.
        strides: Vec<isize>,
    },
    /// A view could not be built (from an `ndarray` or for a field).
    View(String),
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
                "the first element's address is {remainder} mod {align}; {element} needs alignment {align}"
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
            ElementError::BoolGap { byte, offset } => write!(
                f,
                "byte 0x{byte:02x} at offset {offset} lies between the elements and is not 0 or 1: \
                 a zero-copy bool array must span only valid bools"
            ),
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
            ElementError::OutOfBounds { start, end, len } => write!(
                f,
                "the view needs bytes {start}..{end}, the buffer has {len}"
            ),
            ElementError::FieldNotFound {
                name,
                format,
                available,
            } => {
                write!(f, "format '{format}' has no field named '{name}'")?;
                if available.is_empty() {
                    f.write_str(" (it has no named fields)")
                } else {
                    f.write_str("; its fields are ")?;
                    for (i, n) in available.iter().enumerate() {
                        if i > 0 {
                            f.write_str(", ")?;
                        }
                        write!(f, "'{n}'")?;
                    }
                    Ok(())
                }
            }
            ElementError::ArrayHasGaps { shape, strides } => write!(
                f,
                "an array with shape {shape:?} and element strides {strides:?} has gaps between \
                 its elements: a byte view would reach memory this borrowed array does not \
                 borrow; view the whole array and select from the view \
                 (`MemoryView::from_array(&whole)?.select(..)`), or, if the array owns its data \
                 (`Array`, `ArcArray`), use `MemoryView::from_owned_array` \
                 (`MemoryViewMut::from_owned_array_mut`)"
            ),
            ElementError::View(msg) => f.write_str(msg),
        }
    }
}

impl std::error::Error for ElementError {}

// ---------------------------------------------------------------------------------------------
// Strided walking over bytes (safe code: every position is bounds-checked by slicing).
// ---------------------------------------------------------------------------------------------

/// Offset, shape and byte strides of a view, detached from the view type. Positions are byte
/// indices into the view's whole buffer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Strided {
    /// Byte index of element `[0, …, 0]`.
    pub(crate) offset: usize,
    /// Extent of each axis.
    pub(crate) shape: Vec<usize>,
    /// Byte step of each axis.
    pub(crate) strides: Vec<isize>,
}

impl Strided {
    /// Number of elements.
    pub(crate) fn len(&self) -> usize {
        self.shape.iter().fold(1usize, |a, &n| a.saturating_mul(n))
    }

    /// The byte range `lo..hi` covered by elements of `size` bytes, or `None` when the view has
    /// no elements. Errors when the range is not inside a buffer of `buf_len` bytes.
    pub(crate) fn span(
        &self,
        size: usize,
        buf_len: usize,
    ) -> Result<Option<(usize, usize)>, ElementError> {
        if self.shape.contains(&0) {
            return Ok(None);
        }
        let mut lo = self.offset as i128;
        let mut hi = self.offset as i128 + size as i128;
        for (&n, &s) in self.shape.iter().zip(&self.strides) {
            let ext = (n as i128 - 1) * s as i128;
            if ext < 0 {
                lo += ext;
            } else {
                hi += ext;
            }
        }
        if lo < 0 || hi > buf_len as i128 {
            return Err(ElementError::OutOfBounds {
                start: lo.max(0) as usize,
                end: hi.clamp(0, usize::MAX as i128) as usize,
                len: buf_len,
            });
        }
        Ok(Some((lo as usize, hi as usize)))
    }

    /// Byte position of the element at `index` (negative components count from the end).
    pub(crate) fn position(&self, index: &[isize]) -> Result<usize, ElementError> {
        if index.len() != self.shape.len() {
            return Err(ElementError::IndexCount {
                ndim: self.shape.len(),
                got: index.len(),
            });
        }
        let mut pos = self.offset as isize;
        for (axis, ((&i, &n), &s)) in index.iter().zip(&self.shape).zip(&self.strides).enumerate() {
            let k = if i < 0 { i + n as isize } else { i };
            if k < 0 || k as usize >= n {
                return Err(ElementError::IndexOutOfBounds {
                    axis,
                    index: i,
                    len: n,
                });
            }
            pos += k * s;
        }
        Ok(pos as usize)
    }

    /// The multi-index of the `flat`-th element in C order.
    pub(crate) fn unravel(&self, mut flat: usize) -> Vec<usize> {
        let mut index = vec![0; self.shape.len()];
        for (k, &n) in self.shape.iter().enumerate().rev() {
            if n > 0 {
                index[k] = flat % n;
                flat /= n;
            }
        }
        index
    }

    /// Calls `f(flat, position)` for every element in C order, stopping at the first error.
    pub(crate) fn try_for_each_position<E>(
        &self,
        mut f: impl FnMut(usize, usize) -> Result<(), E>,
    ) -> Result<(), E> {
        let mut walk = Walk::new(self);
        let mut flat = 0;
        while let Some(p) = walk.next_position() {
            f(flat, p)?;
            flat += 1;
        }
        Ok(())
    }

    /// Calls `f(position)` for every element in C order.
    pub(crate) fn for_each_position(&self, mut f: impl FnMut(usize)) {
        let mut walk = Walk::new(self);
        while let Some(p) = walk.next_position() {
            f(p);
        }
    }
}

/// A C-order cursor over the element positions of a [`Strided`].
#[derive(Clone, Debug)]
struct Walk {
    shape: Vec<usize>,
    strides: Vec<isize>,
    index: Vec<usize>,
    pos: isize,
    remaining: usize,
}

impl Walk {
    fn new(s: &Strided) -> Walk {
        Walk {
            shape: s.shape.clone(),
            strides: s.strides.clone(),
            index: vec![0; s.shape.len()],
            pos: s.offset as isize,
            remaining: s.len(),
        }
    }

    /// Moves to the next element along axes `..=axis` (carrying into slower axes).
    #[inline]
    fn carry(&mut self, mut axis: usize) {
        loop {
            self.index[axis] += 1;
            self.pos = self.pos.wrapping_add(self.strides[axis]);
            if self.index[axis] < self.shape[axis] || axis == 0 {
                return;
            }
            self.pos = self
                .pos
                .wrapping_sub(self.strides[axis].wrapping_mul(self.shape[axis] as isize));
            self.index[axis] = 0;
            axis -= 1;
        }
    }

    #[inline]
    fn next_position(&mut self) -> Option<usize> {
        if self.remaining == 0 {
            return None;
        }
        let p = self.pos as usize;
        self.remaining -= 1;
        if self.remaining > 0 {
            self.carry(self.shape.len() - 1);
        }
        Some(p)
    }

    /// The next run along the last axis, as `(start, stride, count)`: the rest of the current
    /// row (or the whole element of a 0-dim view), after which the cursor is at the start of
    /// the following row. `None` at the end.
    #[inline]
    fn next_row(&mut self) -> Option<(usize, isize, usize)> {
        if self.remaining == 0 {
            return None;
        }
        let nd = self.shape.len();
        if nd == 0 {
            self.remaining = 0;
            return Some((self.pos as usize, 0, 1));
        }
        let last = nd - 1;
        let s = self.strides[last];
        let start = self.index[last];
        let count = (self.shape[last] - start).min(self.remaining);
        let p = self.pos as usize;
        self.remaining -= count;
        if self.remaining > 0 && last > 0 {
            // Back to the row start, then step the slower axes.
            self.pos = self.pos.wrapping_sub(s.wrapping_mul(start as isize));
            self.index[last] = 0;
            self.carry(last - 1);
        }
        Some((p, s, count))
    }

    /// Folds over whole or partial rows: calls `row(acc, start, stride, count)` for each run
    /// along the last axis.
    #[inline]
    fn fold_rows<B>(&mut self, init: B, mut row: impl FnMut(B, usize, isize, usize) -> B) -> B {
        let mut acc = init;
        while let Some((start, stride, count)) = self.next_row() {
            acc = row(acc, start, stride, count);
        }
        acc
    }
}

/// The run of [`TypedIter`] being stepped through: `left` elements from byte `pos`, `stride`
/// bytes apart. Caching it makes `next` a bounds check and an add; the odometer of [`Walk`]
/// runs once per row (element by element it made `next` ~5x slower than `fold`).
#[derive(Clone, Copy, Debug, Default)]
struct Run {
    pos: isize,
    stride: isize,
    left: usize,
}

/// Sequential fold of `count` elements starting at byte `start`, `stride` bytes apart.
#[inline(always)]
fn fold_run<T: Element, B, const SWAP: bool>(
    buf: &[u8],
    start: usize,
    stride: isize,
    count: usize,
    mut acc: B,
    f: &mut impl FnMut(B, T) -> B,
) -> B {
    let size = std::mem::size_of::<T>();
    if stride == size as isize || count <= 1 {
        let bytes = &buf[start..start + count * size];
        for raw in bytes.chunks_exact(size) {
            acc = f(acc, T::load(raw, SWAP));
        }
    } else {
        let mut p = start as isize;
        for _ in 0..count {
            acc = f(acc, T::load(&buf[p as usize..p as usize + size], SWAP));
            p = p.wrapping_add(stride);
        }
    }
    acc
}

/// ndarray's eight-way unrolled sum, over packed elements in `bytes` (read with swapping).
#[inline(always)]
fn unrolled_sum<T, const SWAP: bool>(bytes: &[u8]) -> T
where
    T: Element + num_traits::Zero,
{
    let size = std::mem::size_of::<T>();
    let mut acc = T::zero();
    let mut p = [T::zero(); 8];
    let mut blocks = bytes.chunks_exact(8 * size);
    for block in &mut blocks {
        for (acc_k, raw) in p.iter_mut().zip(block.chunks_exact(size)) {
            *acc_k = *acc_k + T::load(raw, SWAP);
        }
    }
    acc = acc + (p[0] + p[4]);
    acc = acc + (p[1] + p[5]);
    acc = acc + (p[2] + p[6]);
    acc = acc + (p[3] + p[7]);
    for raw in blocks.remainder().chunks_exact(size) {
        acc = acc + T::load(raw, SWAP);
    }
    acc
}

/// Sum in the same association order as `ndarray`'s `sum` on the same layout.
fn strided_sum<T, const SWAP: bool>(buf: &[u8], geo: &Strided) -> T
where
    T: Element + num_traits::Zero,
{
    let size = std::mem::size_of::<T>();
    if let Some((lo, hi)) = memory_block(geo, size) {
        return unrolled_sum::<T, SWAP>(&buf[lo..hi]);
    }
    let mut walk = Walk::new(geo);
    walk.fold_rows(T::zero(), |acc, start, stride, count| {
        if stride == size as isize || count <= 1 {
            acc + unrolled_sum::<T, SWAP>(&buf[start..start + count * size])
        } else {
            acc + fold_run::<T, T, SWAP>(buf, start, stride, count, T::zero(), &mut |a, x| a + x)
        }
    })
}

/// If the elements exactly tile one block of memory (in any axis order, any stride signs),
/// that block's byte range.
pub(crate) fn memory_block(geo: &Strided, size: usize) -> Option<(usize, usize)> {
    let mut axes: Vec<usize> = (0..geo.shape.len())
        .filter(|&k| geo.shape[k] != 1)
        .collect();
    if geo.shape.contains(&0) {
        return None;
    }
    axes.sort_by_key(|&k| geo.strides[k].unsigned_abs());
    let mut expect = size;
    let mut lo = geo.offset as isize;
    for &k in &axes {
        if geo.strides[k].unsigned_abs() != expect {
            return None;
        }
        if geo.strides[k] < 0 {
            lo += (geo.shape[k] as isize - 1) * geo.strides[k];
        }
        expect = expect.checked_mul(geo.shape[k])?;
    }
    Some((lo as usize, lo as usize + expect))
}

/// Checks that every element byte of a `bool` view is 0 or 1.
pub(crate) fn validate_bools(buf: &[u8], geo: &Strided) -> Result<(), ElementError> {
    let mut bad = None;
    let mut flat = 0usize;
    let mut walk = Walk::new(geo);
    while let Some(p) = walk.next_position() {
        let b = buf[p];
        if b > 1 {
            bad = Some((b, p, flat));
            break;
        }
        flat += 1;
    }
    match bad {
        None => Ok(()),
        Some((byte, offset, flat)) => Err(ElementError::InvalidBool {
            byte,
            offset,
            index: geo.unravel(flat),
        }),
    }
}

/// Checks that `scalar` matches `T`, returning the scalar.
pub(crate) fn check_match<'s, T: Element>(
    format: &str,
    scalar: Option<&'s Scalar>,
) -> Result<&'s Scalar, ElementError> {
    match scalar {
        Some(s) if T::matches(s) => Ok(s),
        _ => Err(ElementError::FormatMismatch {
            format: format.to_owned(),
            scalar: scalar.map(|s| (s.kind, s.size)),
            element: T::NAME,
            element_kind: T::KIND,
            element_size: std::mem::size_of::<T>(),
        }),
    }
}

// ---------------------------------------------------------------------------------------------
// Typed views.
// ---------------------------------------------------------------------------------------------

/// A read-only view whose elements are read as `T`, in any byte order and at any alignment.
///
/// Made by [`MemoryView::typed`](crate::view::MemoryView::typed). Indices are `isize`;
/// negative components count from the end, as in Python.
#[derive(Clone, Debug)]
pub struct TypedView<'a, T: Element> {
    buf: &'a [u8],
    geo: Strided,
    swap: bool,
    fast: Option<ndarray::ArrayViewD<'a, T>>,
}

impl<'a, T: Element> TypedView<'a, T> {
    /// Checks `T` against the format and builds the view. `buf` is the whole buffer.
    pub(crate) fn new(
        buf: &'a [u8],
        format: &str,
        scalar: Option<&Scalar>,
        geo: Strided,
    ) -> Result<Self, ElementError> {
        let scalar = check_match::<T>(format, scalar)?;
        let size = std::mem::size_of::<T>();
        geo.span(size, buf.len())?;
        if T::KIND == ScalarKind::Bool {
            validate_bools(buf, &geo)?;
        }
        let swap = !scalar.endian.is_native();
        let fast = if swap {
            None
        } else {
            crate::ndarray::zero_copy::<T>(buf, &geo).ok()
        };
        Ok(TypedView {
            buf,
            geo,
            swap,
            fast,
        })
    }

    /// Number of dimensions.
    pub fn ndim(&self) -> usize {
        self.geo.shape.len()
    }

    /// Extent of each axis.
    pub fn shape(&self) -> &[usize] {
        &self.geo.shape
    }

    /// Byte strides of each axis.
    pub fn strides(&self) -> &[isize] {
        &self.geo.strides
    }

    /// Number of elements.
    pub fn len(&self) -> usize {
        self.geo.len()
    }

    /// Whether the view has no elements.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Whether reads go straight through a zero-copy `ndarray` view (native byte order,
    /// aligned, strides multiples of the element size).
    pub fn is_zero_copy(&self) -> bool {
        self.fast.is_some()
    }

    /// The element at `index` (one component per axis; negative components count from the end).
    ///
    /// # Errors
    /// [`ElementError::IndexCount`] or [`ElementError::IndexOutOfBounds`].
    pub fn get(&self, index: &[isize]) -> Result<T, ElementError> {
        let p = self.geo.position(index)?;
        Ok(T::load(
            &self.buf[p..p + std::mem::size_of::<T>()],
            self.swap,
        ))
    }

    /// All elements in C (row-major) order.
    pub fn iter(&self) -> TypedIter<'_, T> {
        match &self.fast {
            // ndarray's element-by-element `next` over a strided `IxDyn` array steps a dynamic
            // index (~70 instructions per element, callgrind); the cached run below is a few.
            // Contiguous arrays keep ndarray's slice iterator.
            Some(a) if a.is_standard_layout() => TypedIter(IterInner::Fast(a.iter())),
            _ => TypedIter(IterInner::Strided {
                array: self.fast.clone(),
                buf: self.buf,
                walk: Walk::new(&self.geo),
                run: Run::default(),
                swap: self.swap,
            }),
        }
    }

    /// All elements in C order, copied into a `Vec`.
    pub fn to_vec(&self) -> Vec<T> {
        let mut v = Vec::with_capacity(self.len());
        self.iter().for_each(|x| v.push(x));
        v
    }

    /// The sum of all elements, added in the same order as `ndarray`'s `sum` on the same
    /// layout (eight-way unrolled over contiguous runs), so results agree bit for bit.
    pub fn sum(&self) -> T
    where
        T: num_traits::Zero,
    {
        match &self.fast {
            Some(a) => a.sum(),
            None if self.swap => strided_sum::<T, true>(self.buf, &self.geo),
            None => strided_sum::<T, false>(self.buf, &self.geo),
        }
    }
}

impl<'v, 'a, T: Element> IntoIterator for &'v TypedView<'a, T> {
    type Item = T;
    type IntoIter = TypedIter<'v, T>;
    fn into_iter(self) -> TypedIter<'v, T> {
        self.iter()
    }
}

/// Iterator over the elements of a typed view in C order, returning `T` by value.
#[derive(Clone, Debug)]
pub struct TypedIter<'a, T: Element>(IterInner<'a, T>);

#[derive(Clone, Debug)]
enum IterInner<'a, T: Element> {
    Fast(ndarray::iter::Iter<'a, T, ndarray::IxDyn>),
    Strided {
        /// The same elements as an ndarray view (aligned native data), for a `fold` that has
        /// not been preceded by `next`: ndarray's strided fold is the faster one.
        array: Option<ndarray::ArrayView<'a, T, ndarray::IxDyn>>,
        buf: &'a [u8],
        /// Positioned after `run`.
        walk: Walk,
        run: Run,
        swap: bool,
    },
}

impl<T: Element> Iterator for TypedIter<'_, T> {
    type Item = T;

    #[inline]
    fn next(&mut self) -> Option<T> {
        match &mut self.0 {
            IterInner::Fast(it) => it.next().copied(),
            IterInner::Strided {
                buf,
                walk,
                run,
                swap,
                ..
            } => {
                if run.left == 0 {
                    let (pos, stride, left) = walk.next_row()?;
                    *run = Run {
                        pos: pos as isize,
                        stride,
                        left,
                    };
                }
                let p = run.pos as usize;
                run.pos = run.pos.wrapping_add(run.stride);
                run.left -= 1;
                Some(T::load(&buf[p..p + std::mem::size_of::<T>()], *swap))
            }
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let n = match &self.0 {
            IterInner::Fast(it) => it.len(),
            IterInner::Strided { walk, run, .. } => walk.remaining + run.left,
        };
        (n, Some(n))
    }

    fn fold<B, F>(self, init: B, mut f: F) -> B
    where
        F: FnMut(B, T) -> B,
    {
        match self.0 {
            IterInner::Fast(it) => it.fold(init, |acc, x| f(acc, *x)),
            IterInner::Strided {
                array: Some(a),
                walk,
                run,
                ..
            } if run.left == 0 && walk.remaining == a.len() => {
                a.iter().fold(init, |acc, x| f(acc, *x))
            }
            IterInner::Strided {
                buf,
                mut walk,
                run,
                swap,
                ..
            } => {
                let mut row = |acc, start: usize, stride, count| {
                    if swap {
                        fold_run::<T, B, true>(buf, start, stride, count, acc, &mut f)
                    } else {
                        fold_run::<T, B, false>(buf, start, stride, count, acc, &mut f)
                    }
                };
                // The rest of the run `next` started, then whole rows.
                let acc = if run.left > 0 {
                    row(init, run.pos as usize, run.stride, run.left)
                } else {
                    init
                };
                walk.fold_rows(acc, row)
            }
        }
    }
}

impl<T: Element> ExactSizeIterator for TypedIter<'_, T> {}

/// A mutable view whose elements are read and written as `T`, in any byte order and at any
/// alignment.
///
/// Made by [`MemoryViewMut::typed_mut`](crate::view::MemoryViewMut::typed_mut).
#[derive(Debug)]
pub struct TypedViewMut<'v, T: Element> {
    buf: &'v mut [u8],
    geo: Strided,
    swap: bool,
    _t: std::marker::PhantomData<T>,
}

impl<'v, T: Element> TypedViewMut<'v, T> {
    /// Checks `T` against the format and builds the view. `buf` is the whole buffer.
    pub(crate) fn new(
        buf: &'v mut [u8],
        format: &str,
        scalar: Option<&Scalar>,
        geo: Strided,
    ) -> Result<Self, ElementError> {
        let scalar = check_match::<T>(format, scalar)?;
        geo.span(std::mem::size_of::<T>(), buf.len())?;
        if T::KIND == ScalarKind::Bool {
            validate_bools(buf, &geo)?;
        }
        let swap = !scalar.endian.is_native();
        Ok(TypedViewMut {
            buf,
            geo,
            swap,
            _t: std::marker::PhantomData,
        })
    }

    /// A read-only typed view of the same elements.
    pub fn as_typed(&self) -> TypedView<'_, T> {
        let fast = if self.swap {
            None
        } else {
            crate::ndarray::zero_copy::<T>(self.buf, &self.geo).ok()
        };
        TypedView {
            buf: self.buf,
            geo: self.geo.clone(),
            swap: self.swap,
            fast,
        }
    }

    /// Number of dimensions.
    pub fn ndim(&self) -> usize {
        self.geo.shape.len()
    }

    /// Extent of each axis.
    pub fn shape(&self) -> &[usize] {
        &self.geo.shape
    }

    /// Number of elements.
    pub fn len(&self) -> usize {
        self.geo.len()
    }

    /// Whether the view has no elements.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The element at `index`.
    ///
    /// # Errors
    /// [`ElementError::IndexCount`] or [`ElementError::IndexOutOfBounds`].
    pub fn get(&self, index: &[isize]) -> Result<T, ElementError> {
        let p = self.geo.position(index)?;
        Ok(T::load(
            &self.buf[p..p + std::mem::size_of::<T>()],
            self.swap,
        ))
    }

    /// Writes `value` at `index`, in the view's byte order.
    ///
    /// # Errors
    /// [`ElementError::IndexCount`] or [`ElementError::IndexOutOfBounds`].
    pub fn set(&mut self, index: &[isize], value: T) -> Result<(), ElementError> {
        let p = self.geo.position(index)?;
        value.store(&mut self.buf[p..p + std::mem::size_of::<T>()], self.swap);
        Ok(())
    }

    /// Writes `value` into every element.
    pub fn fill(&mut self, value: T) {
        let size = std::mem::size_of::<T>();
        let (buf, swap) = (&mut *self.buf, self.swap);
        self.geo
            .for_each_position(|p| value.store(&mut buf[p..p + size], swap));
    }

    /// Writes `values` (in C order) into the elements.
    ///
    /// # Errors
    /// [`ElementError::View`] when `values.len()` is not the number of elements.
    pub fn assign(&mut self, values: &[T]) -> Result<(), ElementError> {
        if values.len() != self.len() {
            return Err(ElementError::View(format!(
                "{} values given for a view of {} elements",
                values.len(),
                self.len()
            )));
        }
        let size = std::mem::size_of::<T>();
        let (buf, swap) = (&mut *self.buf, self.swap);
        let mut it = values.iter();
        self.geo.for_each_position(|p| {
            if let Some(v) = it.next() {
                v.store(&mut buf[p..p + size], swap);
            }
        });
        Ok(())
    }

    /// All elements in C order.
    pub fn to_vec(&self) -> Vec<T> {
        self.as_typed().to_vec()
    }
}
