//! The syntax tree of a format string, with byte spans.
//!
//! The tree records what was written, normalised only where the meaning cannot change:
//! several shapes in front of one item are joined (`(2)(3)i` has the shape `[2, 3]`), of several
//! byte-order prefixes in front of one item the last one is kept (`<>i` is `>i`), and whitespace
//! is dropped. Printing a tree ([`Display`](std::fmt::Display)) gives the canonical text, which
//! parses back to an equal tree.
//!
//! **Spans never take part in equality or hashing**: two trees are equal when their structure
//! is, wherever in the text their parts were.

use std::fmt;
use std::hash::{Hash, Hasher};
use std::ops::Range;

/// A byte range in the format text.
///
/// All spans compare equal (and hash alike), so that trees compare by structure only.
#[derive(Clone, Copy, Debug, Default)]
pub struct Span {
    /// Byte offset of the first byte.
    pub start: usize,
    /// Byte offset one past the last byte.
    pub end: usize,
}

impl Span {
    /// A span from `start` to `end`.
    pub fn new(start: usize, end: usize) -> Span {
        Span { start, end }
    }

    /// The span as a range.
    pub fn range(&self) -> Range<usize> {
        self.start..self.end
    }
}

impl PartialEq for Span {
    /// Always `true`: spans do not take part in tree equality.
    fn eq(&self, _: &Span) -> bool {
        true
    }
}

impl Eq for Span {}

impl Hash for Span {
    /// Hashes nothing, consistently with [`PartialEq`].
    fn hash<H: Hasher>(&self, _: &mut H) {}
}

/// A whole format string: a list of items.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Ast {
    /// The top-level items in order.
    pub items: Vec<Item>,
    /// The whole input.
    pub span: Span,
}

/// One item: `[shape] [byte order] [count] type [:name:]` (shape and byte order in either
/// order when written).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Item {
    /// From the first prefix to the end of the name (or of the type).
    pub span: Span,
    /// The sub-array shape `(2,3)`, if any.
    pub shape: Option<Shape>,
    /// The byte-order prefix written in front of this item, if any (it stays in force for the
    /// following items).
    pub byte_order: Option<ByteOrderMark>,
    /// The repeat count, if written.
    pub count: Option<Count>,
    /// The type.
    pub ty: ItemType,
    /// The `:name:`, if any.
    pub name: Option<Name>,
}

/// A sub-array shape: `(2,3)`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Shape {
    /// The dimensions, outermost first; never empty.
    pub dims: Vec<usize>,
    /// From `(` to `)` (of the last shape, if several were written).
    pub span: Span,
}

/// A byte-order prefix as written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ByteOrderMark {
    /// Which prefix.
    pub order: ByteOrder,
    /// Its one byte.
    pub span: Span,
}

/// The byte-order/size/alignment prefixes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum ByteOrder {
    /// `@`: native order, native sizes, native alignment (the default).
    #[default]
    Native,
    /// `=`: native order, standard sizes, no alignment.
    NativeStandard,
    /// `<`: little-endian, standard sizes, no alignment.
    Little,
    /// `>`: big-endian, standard sizes, no alignment.
    Big,
    /// `!`: network order (big-endian), standard sizes, no alignment.
    Network,
    /// `^`: native order, native sizes, no alignment.
    NativeUnaligned,
}

impl ByteOrder {
    /// The prefix for a character, if it is one.
    pub fn from_char(c: char) -> Option<ByteOrder> {
        Some(match c {
            '@' => ByteOrder::Native,
            '=' => ByteOrder::NativeStandard,
            '<' => ByteOrder::Little,
            '>' => ByteOrder::Big,
            '!' => ByteOrder::Network,
            '^' => ByteOrder::NativeUnaligned,
            _ => return None,
        })
    }

    /// The prefix character.
    pub fn as_char(self) -> char {
        match self {
            ByteOrder::Native => '@',
            ByteOrder::NativeStandard => '=',
            ByteOrder::Little => '<',
            ByteOrder::Big => '>',
            ByteOrder::Network => '!',
            ByteOrder::NativeUnaligned => '^',
        }
    }

    /// Whether items take their native sizes (`@` and `^`); otherwise standard sizes.
    pub const fn native_sizes(self) -> bool {
        matches!(self, ByteOrder::Native | ByteOrder::NativeUnaligned)
    }

    /// Whether items are aligned (only `@`).
    pub fn aligned(self) -> bool {
        self == ByteOrder::Native
    }
}

/// A repeat count as written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Count {
    /// Its value.
    pub value: usize,
    /// Its digits.
    pub span: Span,
}

/// A field name as written.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Name {
    /// The text between the colons (may be empty; never contains `:` or NUL).
    pub text: String,
    /// From the opening to the closing `:`.
    pub span: Span,
}

/// The type of an item.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum ItemType {
    /// A one- or two-letter type code.
    Code(TypeCode, Span),
    /// `T{...}`.
    Struct(Struct),
    /// `&item`: a pointer; the pointee (which has no name) only documents what it points to.
    Pointer(Box<Item>),
    /// `X{args->ret}`: a function pointer.
    Function(Function),
}

/// A `T{...}` struct.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Struct {
    /// The items inside the braces.
    pub items: Vec<Item>,
    /// From `T` to `}`.
    pub span: Span,
}

/// An `X{...}` function pointer: argument items, then optionally `->` and a return item.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Function {
    /// The argument items.
    pub args: Vec<Item>,
    /// The return item after `->`.
    pub ret: Option<Box<Item>>,
    /// From `X` to `}`.
    pub span: Span,
}

/// The type codes that are written as one or two letters.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TypeCode {
    /// `x`: a pad byte.
    Pad,
    /// `c`: char (one byte of `bytes`).
    Char,
    /// `b`: signed char.
    SChar,
    /// `B`: unsigned char.
    UChar,
    /// `?`: `_Bool`.
    Bool,
    /// `h`: short.
    Short,
    /// `H`: unsigned short.
    UShort,
    /// `i`: int.
    Int,
    /// `I`: unsigned int.
    UInt,
    /// `l`: long.
    Long,
    /// `L`: unsigned long.
    ULong,
    /// `q`: long long.
    LongLong,
    /// `Q`: unsigned long long.
    ULongLong,
    /// `n`: `ssize_t` (native only in `struct`).
    SSize,
    /// `N`: `size_t` (native only in `struct`).
    Size,
    /// `e`: IEEE binary16.
    Half,
    /// `f`: float.
    Float,
    /// `d`: double.
    Double,
    /// `g`: long double.
    LongDouble,
    /// `s`: `char[]`, the count is the length.
    Bytes,
    /// `p`: Pascal string, the count is the total length.
    Pascal,
    /// `P`: `void *`.
    VoidPtr,
    /// `O`: `PyObject *`.
    Object,
    /// `u`: UCS-2 text, the count is the number of code units.
    Ucs2,
    /// `w`: UCS-4 text, the count is the number of code points.
    Ucs4,
    /// `Zf`: complex float.
    ComplexFloat,
    /// `Zd`: complex double.
    ComplexDouble,
    /// `Zg`: complex long double.
    ComplexLongDouble,
}

impl TypeCode {
    /// The code for a single letter (not `Z`, `T`, `X`, `&`), if it is one.
    pub fn from_char(c: char) -> Option<TypeCode> {
        use TypeCode::*;
        Some(match c {
            'x' => Pad,
            'c' => Char,
            'b' => SChar,
            'B' => UChar,
            '?' => Bool,
            'h' => Short,
            'H' => UShort,
            'i' => Int,
            'I' => UInt,
            'l' => Long,
            'L' => ULong,
            'q' => LongLong,
            'Q' => ULongLong,
            'n' => SSize,
            'N' => Size,
            'e' => Half,
            'f' => Float,
            'd' => Double,
            'g' => LongDouble,
            's' => Bytes,
            'p' => Pascal,
            'P' => VoidPtr,
            'O' => Object,
            'u' => Ucs2,
            'w' => Ucs4,
            _ => return None,
        })
    }

    /// The complex code for the letter after `Z`, if it is one.
    pub fn complex_from_char(c: char) -> Option<TypeCode> {
        match c {
            'f' => Some(TypeCode::ComplexFloat),
            'd' => Some(TypeCode::ComplexDouble),
            'g' => Some(TypeCode::ComplexLongDouble),
            _ => None,
        }
    }

    /// The code as written (`"i"`, `"Zd"`).
    pub const fn as_str(self) -> &'static str {
        use TypeCode::*;
        match self {
            Pad => "x",
            Char => "c",
            SChar => "b",
            UChar => "B",
            Bool => "?",
            Short => "h",
            UShort => "H",
            Int => "i",
            UInt => "I",
            Long => "l",
            ULong => "L",
            LongLong => "q",
            ULongLong => "Q",
            SSize => "n",
            Size => "N",
            Half => "e",
            Float => "f",
            Double => "d",
            LongDouble => "g",
            Bytes => "s",
            Pascal => "p",
            VoidPtr => "P",
            Object => "O",
            Ucs2 => "u",
            Ucs4 => "w",
            ComplexFloat => "Zf",
            ComplexDouble => "Zd",
            ComplexLongDouble => "Zg",
        }
    }

    /// Whether a repeat count gives the size of one value rather than a number of values
    /// (`s p u w`, and `x` whose count is a number of pad bytes).
    pub const fn count_is_size(self) -> bool {
        matches!(
            self,
            TypeCode::Bytes | TypeCode::Pascal | TypeCode::Ucs2 | TypeCode::Ucs4 | TypeCode::Pad
        )
    }

    /// All codes, for tests and generators.
    pub const ALL: [TypeCode; 28] = {
        use TypeCode::*;
        [
            Pad,
            Char,
            SChar,
            UChar,
            Bool,
            Short,
            UShort,
            Int,
            UInt,
            Long,
            ULong,
            LongLong,
            ULongLong,
            SSize,
            Size,
            Half,
            Float,
            Double,
            LongDouble,
            Bytes,
            Pascal,
            VoidPtr,
            Object,
            Ucs2,
            Ucs4,
            ComplexFloat,
            ComplexDouble,
            ComplexLongDouble,
        ]
    };
}

impl fmt::Display for TypeCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
