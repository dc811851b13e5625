//! Hostile inputs: one table, each row an input built to break something (overflowing shapes,
//! extreme strides, offsets past the end, deep nesting, huge repeat counts, unterminated
//! syntax, NUL and non-ASCII text, zero itemsizes, bad selections, overlapping mutable arrays,
//! unstorable values) with the error variant it must produce and a piece of text its message
//! must contain (the offending value, as written). No row may panic.

use std::panic::{catch_unwind, AssertUnwindSafe};

use memview::element::ElementError;
use memview::format::{Format, FormatErrorKind};
use memview::{Error, MemoryView, MemoryViewMut, Order, PackError, SliceArg, Value, ViewError};

/// The format error kind inside any error that carries one.
fn format_kind(e: &Error) -> Option<&FormatErrorKind> {
    match e {
        Error::Format(e) | Error::View(ViewError::Format(e)) => Some(e.kind()),
        Error::Pack(PackError::Format(e)) => Some(e.kind()),
        _ => None,
    }
}

/// The codec error inside a failed `set`/`fill`.
fn invalid_value(e: &Error) -> Option<&PackError> {
    match e {
        Error::View(ViewError::InvalidValue { error, .. }) => Some(error.as_ref()),
        _ => None,
    }
}

struct Case {
    name: &'static str,
    run: fn() -> Result<(), Error>,
    expect: fn(&Error) -> bool,
    /// Text the message must contain: the offending value as the user wrote it.
    needle: &'static str,
}

/// `case!(name, expression returning Result<_, E>, pattern on Error, needle)`.
macro_rules! case {
    ($name:expr, $run:expr, $pat:pat, $needle:expr) => {
        Case {
            name: $name,
            run: || {
                $run.map(drop)?;
                Ok(())
            },
            expect: |e| matches!(e, $pat),
            needle: $needle,
        }
    };
}

/// As [`case!`] for errors that carry a `FormatErrorKind` (directly or wrapped).
macro_rules! fcase {
    ($name:expr, $text:expr, $kind:pat, $needle:expr) => {
        Case {
            name: $name,
            run: || {
                Format::parse(&$text).map(drop)?;
                Ok(())
            },
            expect: |e| matches!(format_kind(e), Some($kind)),
            needle: $needle,
        }
    };
}

/// As [`case!`] for a failed `set` whose codec error matches the pattern.
macro_rules! set_case {
    ($name:expr, $format:expr, $value:expr, $pat:pat, $needle:expr) => {
        Case {
            name: $name,
            run: || {
                let mut buf = [0u8; 64];
                let mut v = MemoryViewMut::from_parts(&mut buf, $format, &[1], None, 0)?;
                v.set(&[0], $value)?;
                Ok(())
            },
            expect: |e| matches!(invalid_value(e), Some($pat)),
            needle: $needle,
        }
    };
}

const B4: &[u8] = &[1, 2, 3, 4];
const B24: &[u8] = &[7; 24];

/// Nesting depth of the deep-format rows: far past the limit of 64 either way; smaller under
/// Miri, where rendering a 20,000-character error takes tens of seconds.
const DEEP: usize = if cfg!(miri) { 1_000 } else { 10_000 };

/// `"T{"` nested `n` deep around one `i`.
fn nested(open: &str, close: &str, n: usize) -> String {
    format!("{}i{}", open.repeat(n), close.repeat(n))
}

/// A format byte order that is not this host's.
const NON_NATIVE_I: &str = if cfg!(target_endian = "little") {
    ">i"
} else {
    "<i"
};

fn cases() -> Vec<Case> {
    use FormatErrorKind as K;
    use ViewError as V;
    vec![
        // ---- view construction: shapes, strides, offsets, ndim, itemsize ----
        case!(
            "shape product overflows usize",
            MemoryView::from_parts(&[], "B", &[usize::MAX, 2], None, 0),
            Error::View(V::SizeOverflow { .. }),
            "18446744073709551615"
        ),
        case!(
            "shape 2^32 x 2^32",
            MemoryView::from_parts(&[], "B", &[1 << 32, 1 << 32], None, 0),
            Error::View(V::SizeOverflow { .. }),
            "4294967296"
        ),
        case!(
            "shape past isize::MAX",
            MemoryView::from_parts(&[], "B", &[1 << 63], Some(&[1]), 0),
            Error::View(V::SizeOverflow { .. }),
            "9223372036854775808"
        ),
        case!(
            "element count fits isize, bytes do not",
            MemoryView::from_parts(&[], "i", &[1 << 62], Some(&[4]), 0),
            Error::View(V::SizeOverflow { .. }),
            "4611686018427387904"
        ),
        case!(
            "itemsize usize::MAX",
            MemoryView::from_parts_with_itemsize(B4, "B", usize::MAX, &[1], None, 0),
            Error::View(V::SizeOverflow { .. }),
            "18446744073709551615"
        ),
        case!(
            "stride isize::MIN reaches below the buffer",
            MemoryView::from_parts(B4, "B", &[2], Some(&[isize::MIN]), 0),
            Error::View(V::OutOfBounds { .. }),
            "-9223372036854775808"
        ),
        case!(
            "stride isize::MIN times 2 overflows",
            MemoryView::from_parts(B4, "B", &[3], Some(&[isize::MIN]), 0),
            Error::View(V::StrideOverflow { .. }),
            "-9223372036854775808"
        ),
        case!(
            "stride isize::MAX past the end",
            MemoryView::from_parts(B4, "B", &[2], Some(&[isize::MAX]), 0),
            Error::View(V::OutOfBounds { .. }),
            "9223372036854775808"
        ),
        case!(
            "stride isize::MAX times 2 overflows",
            MemoryView::from_parts(B4, "B", &[3], Some(&[isize::MAX]), 0),
            Error::View(V::StrideOverflow { .. }),
            "9223372036854775807"
        ),
        case!(
            "sum of two in-range stride terms overflows",
            MemoryView::from_parts(B4, "B", &[2, 2], Some(&[1 << 62, 1 << 62]), 0),
            Error::View(V::StrideOverflow { axis: 1, .. }),
            "4611686018427387904"
        ),
        case!(
            "negative stride reaches byte -1",
            MemoryView::from_parts(B4, "B", &[2], Some(&[-1]), 0),
            Error::View(V::OutOfBounds { start: -1, .. }),
            "-1..1"
        ),
        case!(
            "offset past the end",
            MemoryView::from_parts(B4, "B", &[0], None, 100),
            Error::View(V::OffsetOutOfBounds { offset: 100, .. }),
            "offset 100"
        ),
        case!(
            "offset usize::MAX",
            MemoryView::from_parts(B4, "B", &[1], None, usize::MAX),
            Error::View(V::OffsetOutOfBounds { .. }),
            "18446744073709551615"
        ),
        case!(
            "offset at the end with one element",
            MemoryView::from_parts(B4, "B", &[1], None, 4),
            Error::View(V::OutOfBounds { .. }),
            "4..5"
        ),
        case!(
            "offset near the end with a 4-byte item",
            MemoryView::from_parts(B4, "i", &[], None, 1),
            Error::View(V::OutOfBounds { .. }),
            "1..5"
        ),
        case!(
            "ndim 65",
            MemoryView::from_parts(B4, "B", &[1; 65], None, 0),
            Error::View(V::TooManyDimensions { ndim: 65 }),
            "65"
        ),
        case!(
            "ndim 65 with strides",
            MemoryView::from_parts(B4, "B", &[1; 65], Some(&[0; 65]), 0),
            Error::View(V::TooManyDimensions { ndim: 65 }),
            "65"
        ),
        case!(
            "strides shorter than shape",
            MemoryView::from_parts(B4, "B", &[2, 2], Some(&[1]), 0),
            Error::View(V::StridesMismatch { .. }),
            "1 entry"
        ),
        case!(
            "empty buffer, shape [1]",
            MemoryView::from_parts(&[], "B", &[1], None, 0),
            Error::View(V::OutOfBounds { len: 0, .. }),
            "0..1"
        ),
        case!(
            "empty buffer, shape [2, 3] of 'i'",
            MemoryView::from_parts(&[], "i", &[2, 3], None, 0),
            Error::View(V::OutOfBounds { len: 0, .. }),
            "0..24"
        ),
        case!(
            "empty buffer, 0-dim 'd'",
            MemoryView::from_parts(&[], "d", &[], None, 0),
            Error::View(V::OutOfBounds { len: 0, .. }),
            "0..8"
        ),
        case!(
            "itemsize 0 from the empty format",
            MemoryView::from_parts(B4, "", &[1], None, 0),
            Error::View(V::ItemsizeZero),
            "zero"
        ),
        case!(
            "itemsize 0 from '0i'",
            MemoryView::from_parts(B4, "0i", &[4], None, 0),
            Error::View(V::ItemsizeZero),
            "zero"
        ),
        case!(
            "explicit itemsize below the format's",
            MemoryView::from_parts_with_itemsize(B4, "i", 2, &[1], None, 0),
            Error::View(V::ItemsizeTooSmall {
                itemsize: 2,
                format_size: 4
            }),
            "itemsize 2"
        ),
        // ---- formats ----
        fcase!(
            "T{ nested 10,000 deep",
            nested("T{", "}", DEEP),
            K::NestingTooDeep { limit: 64 },
            "64"
        ),
        fcase!(
            "& nested 10,000 deep",
            nested("&", "", DEEP),
            K::NestingTooDeep { .. },
            "64"
        ),
        fcase!(
            "X{ nested 10,000 deep",
            nested("X{", "}", DEEP),
            K::NestingTooDeep { .. },
            "64"
        ),
        fcase!(
            "T{ opened 10,000 times, never closed",
            "T{".repeat(DEEP),
            K::NestingTooDeep { .. },
            "64"
        ),
        fcase!(
            "repeat count 2^64",
            "18446744073709551616i",
            K::RepeatCountOverflow,
            "18446744073709551616"
        ),
        fcase!(
            "string count 2^64",
            "18446744073709551616s",
            K::RepeatCountOverflow,
            "18446744073709551616"
        ),
        fcase!(
            "repeat count of 100 digits",
            "9".repeat(100) + "x",
            K::RepeatCountOverflow,
            "9999999999"
        ),
        fcase!(
            "shape dimension 2^64",
            "(18446744073709551616)i",
            K::ShapeDimensionOverflow,
            "18446744073709551616"
        ),
        fcase!(
            "itemsize past isize::MAX",
            "4611686018427387904h",
            K::SizeOverflow,
            "4611686018427387904"
        ),
        fcase!(
            "sub-array bytes overflow",
            "(4294967296,4294967296)x",
            K::SizeOverflow,
            "4294967296"
        ),
        fcase!(
            "struct padding overflows",
            "T{9223372036854775807xi}",
            K::SizeOverflow,
            "9223372036854775807"
        ),
        fcase!("unterminated T{", "T{", K::StructUnclosed, "T{"),
        fcase!(
            "unterminated T{ with a field",
            "T{i:a:",
            K::StructUnclosed,
            "T{"
        ),
        fcase!("unterminated (", "(", K::ShapeUnclosed, "("),
        fcase!("unterminated (2,", "(2,", K::ShapeUnclosed, "(2,"),
        fcase!("unterminated :name", "i:name", K::FieldNameUnclosed, "name"),
        fcase!(
            "unterminated :name in a struct",
            "T{i:name}",
            K::FieldNameUnclosed,
            "name"
        ),
        fcase!("NUL after an item", "i\0", K::NulEmbedded, "NUL"),
        fcase!("NUL in a field name", "i:a\0b:", K::NulEmbedded, "NUL"),
        fcase!("NUL alone", "\0", K::NulEmbedded, "NUL"),
        fcase!(
            "non-ASCII type code",
            "é",
            K::TypeCodeUnknown { found: 'é' },
            "'é'"
        ),
        fcase!(
            "emoji after an item",
            "i😀",
            K::TypeCodeUnknown { found: '😀' },
            "'😀'"
        ),
        fcase!(
            "byte-order mark",
            "\u{feff}i",
            K::TypeCodeUnknown { .. },
            "\u{feff}"
        ),
        fcase!(
            "unknown code",
            "k",
            K::TypeCodeUnknown { found: 'k' },
            "'k'"
        ),
        fcase!(
            "bit fields",
            "t",
            K::TypeCodeUnsupported { found: 't' },
            "'t'"
        ),
        fcase!(
            "Z without a float code",
            "Ze",
            K::ComplexCodeInvalid { found: Some('e') },
            "'e'"
        ),
        fcase!(
            "T without a brace",
            "Ti",
            K::BraceMissing { code: 'T' },
            "'T'"
        ),
        fcase!("dangling count", "3", K::RepeatCountDangling, "3"),
        fcase!("spaced count", "3 i", K::RepeatCountSpaced, "3 i"),
        fcase!("dangling byte order", "i<", K::ByteOrderDangling, "i<"),
        fcase!("dangling shape", "(2)", K::ShapeDangling, "(2)"),
        fcase!("dangling pointer", "&", K::PointerDangling, "&"),
        fcase!("empty shape", "()i", K::ShapeEmpty, "()"),
        fcase!(
            "trailing comma in a shape",
            "(2,)i",
            K::ShapeDimensionMissing { found: ')' },
            "')'"
        ),
        fcase!("stray }", "i}", K::StructUnopened, "}"),
        fcase!("unterminated X{", "X{i", K::FunctionUnclosed, "X{"),
        fcase!(
            "X{ -> without a return",
            "X{i->}",
            K::FunctionReturnMissing,
            "->"
        ),
        fcase!(
            "duplicate field name",
            "T{i:dup:i:dup:}",
            K::FieldNameDuplicate { .. },
            "\"dup\""
        ),
        fcase!("misplaced name", ":a:i", K::FieldNameMisplaced, ":a:"),
        case!(
            "from_parts with an unterminated T{",
            MemoryView::from_parts(B4, "T{i", &[1], None, 0),
            Error::View(V::Format(_)),
            "T{i"
        ),
        // ---- the struct API ----
        case!(
            "pack 256 as 'B'",
            memview::pack("B", &[Value::Int(256)]),
            Error::Pack(PackError::IntegerRange { .. }),
            "255"
        ),
        case!(
            "pack with a 2^64 repeat count",
            memview::pack("18446744073709551616i", &[]),
            Error::Pack(PackError::Format(_)),
            "18446744073709551616"
        ),
        case!(
            "unpack 3 bytes as 'i'",
            memview::unpack("i", &[1, 2, 3]),
            Error::Pack(PackError::UnpackSize { size: 4 }),
            "4 bytes"
        ),
        case!(
            "unpack_from at offset isize::MIN",
            memview::unpack_from("i", &[0; 8], isize::MIN),
            Error::Pack(PackError::OffsetOutOfRange { .. }),
            "-9223372036854775808"
        ),
        case!(
            "pack_into at offset isize::MAX",
            memview::pack_into("i", &mut [0; 8], isize::MAX, &[Value::Int(1)]),
            Error::Pack(PackError::BufferTooShort { .. }),
            "9223372036854775807"
        ),
        case!(
            "iter_unpack with the empty format",
            memview::iter_unpack("", &[0; 8]),
            Error::Pack(PackError::IterZeroSize),
            "length 0"
        ),
        case!(
            "pack 1e300 as 'f'",
            memview::pack("f", &[Value::Float(1e300)]),
            Error::Pack(PackError::FloatOverflow { .. }),
            "f format"
        ),
        case!(
            "pack too few values",
            memview::pack("2i", &[Value::Int(1)]),
            Error::Pack(PackError::ItemCount {
                expected: 2,
                got: 1,
                ..
            }),
            "got 1"
        ),
        // ---- casts ----
        case!(
            "cast to itemsize 0 ('')",
            MemoryView::new(B4).cast("", None),
            Error::View(V::ItemsizeZero),
            "zero"
        ),
        case!(
            "cast to itemsize 0 ('0i')",
            MemoryView::new(B4).cast("0i", None),
            Error::View(V::ItemsizeZero),
            "zero"
        ),
        case!(
            "cast 6 bytes to 'i'",
            MemoryView::new(&B24[..6]).cast("i", None),
            Error::View(V::CastLengthNotMultiple {
                nbytes: 6,
                itemsize: 4
            }),
            "6 bytes"
        ),
        case!(
            "cast to an overflowing shape",
            MemoryView::new(B4).cast("B", Some(&[usize::MAX, 2])),
            Error::View(V::CastShapeMismatch { .. }),
            "18446744073709551615"
        ),
        case!(
            "cast to a 65-dimensional shape",
            MemoryView::new(B4).cast("B", Some(&[1; 65])),
            Error::View(V::TooManyDimensions { ndim: 65 }),
            "65"
        ),
        case!(
            "cast of a strided view",
            MemoryView::new(B4).select("::2")?.cast("h", None),
            Error::View(V::CastNotContiguous),
            "C-contiguous"
        ),
        case!(
            "cast to an unterminated format",
            MemoryView::new(B4).cast("(", None),
            Error::View(V::Format(_)),
            "("
        ),
        // ---- selections and indexing ----
        case!(
            "index 5 of 3",
            MemoryView::new(&B24[..3]).select("5"),
            Error::View(V::IndexOutOfBounds { index: 5, .. }),
            "index 5"
        ),
        case!(
            "index -4 of 3",
            MemoryView::new(&B24[..3]).select("-4"),
            Error::View(V::IndexOutOfBounds { index: -4, .. }),
            "-4"
        ),
        case!(
            "index isize::MIN",
            MemoryView::new(B4).select_with(&[SliceArg::Index(isize::MIN)]),
            Error::View(V::IndexOutOfBounds { .. }),
            "-9223372036854775808"
        ),
        case!(
            "index isize::MAX",
            MemoryView::new(B4).select_with(&[SliceArg::Index(isize::MAX)]),
            Error::View(V::IndexOutOfBounds { .. }),
            "9223372036854775807"
        ),
        case!(
            "index past isize in text",
            MemoryView::new(B4).select("99999999999999999999"),
            Error::View(V::IndexOverflow { .. }),
            "99999999999999999999"
        ),
        case!(
            "step 0",
            MemoryView::new(B4).select("::0"),
            Error::View(V::SliceStepZero),
            "zero"
        ),
        case!(
            "step 0, typed",
            MemoryView::new(B4).select_with(&[SliceArg::slice(None, None, Some(0))]),
            Error::View(V::SliceStepZero),
            "zero"
        ),
        case!(
            "too many indices",
            MemoryView::new(B4).select("0, 0"),
            Error::View(V::TooManyIndices { ndim: 1, given: 2 }),
            "2 were indexed"
        ),
        case!(
            "two ellipses",
            MemoryView::new(B4).select("..., ..."),
            Error::View(V::MultipleEllipsis),
            "ellipsis"
        ),
        case!(
            "65 new axes",
            MemoryView::new(B4).select(&"None, ".repeat(65)),
            Error::View(V::TooManyDimensions { ndim: 66 }),
            "66"
        ),
        case!(
            "garbage subscript",
            MemoryView::new(B4).select("1:2:3:4"),
            Error::View(V::Subscript { .. }),
            "1:2:3:4"
        ),
        case!(
            "NUL in a subscript",
            MemoryView::new(B4).select("0\0"),
            Error::View(V::Subscript { .. }),
            "\\0"
        ),
        case!(
            "get with two indices on a 1-D view",
            MemoryView::new(B4).get(&[0, 0]),
            Error::View(V::IndexCount { ndim: 1, given: 2 }),
            "2 indices"
        ),
        case!(
            "get at isize::MAX",
            MemoryView::new(B4).get(&[isize::MAX]),
            Error::View(V::IndexOutOfBounds { .. }),
            "9223372036854775807"
        ),
        case!(
            "permute with a repeated axis",
            MemoryView::from_parts(B4, "B", &[2, 2], None, 0)?.permute_axes(&[0, 0]),
            Error::View(V::AxesNotPermutation { .. }),
            "[0, 0]"
        ),
        case!(
            "reshape to an overflowing shape",
            MemoryView::new(B4).reshape(&[usize::MAX, 2]),
            Error::View(V::ReshapeSize { .. }),
            "18446744073709551615"
        ),
        case!(
            "len of a 0-dim view",
            MemoryView::new(B4).select("0")?.len(),
            Error::View(V::NoLength),
            "0-dim"
        ),
        case!(
            "hex separator not ASCII",
            MemoryView::new(B4).hex(Some('é'), 1),
            Error::View(V::HexSeparatorNotAscii { sep: 'é' }),
            "'é'"
        ),
        case!(
            "order 'X'",
            "X".parse::<Order>(),
            Error::View(V::OrderInvalid { .. }),
            "\"X\""
        ),
        // ---- writes ----
        set_case!(
            "set 256 into 'B'",
            "B",
            256,
            PackError::IntegerRange { .. },
            "256"
        ),
        set_case!(
            "set -1 into 'Q'",
            "Q",
            -1,
            PackError::IntegerRange { .. },
            "-1"
        ),
        set_case!(
            "set 2^100 into 'q'",
            "q",
            Value::Int(1 << 100),
            PackError::IntegerRange { .. } | PackError::IntTooLarge,
            "1267650600228229401496703205376"
        ),
        set_case!(
            "set NaN into 'i'",
            "i",
            f64::NAN,
            PackError::NotAnInteger,
            "nan"
        ),
        set_case!(
            "set a str into 'i'",
            "i",
            Value::Str("seven".into()),
            PackError::NotAnInteger,
            "str"
        ),
        set_case!(
            "set bytes into 'd'",
            "d",
            Value::Bytes(b"ab".to_vec()),
            PackError::NotAFloat,
            "bytes"
        ),
        set_case!(
            "set 1e300 into 'f'",
            "f",
            1e300,
            PackError::FloatOverflow { .. },
            "1e+300"
        ),
        set_case!(
            "set 70000.0 into 'e'",
            "e",
            70000.0,
            PackError::FloatOverflow { .. },
            "70000.0"
        ),
        set_case!(
            "set two bytes into 'c'",
            "c",
            Value::Bytes(b"ab".to_vec()),
            PackError::CharNotBytes1,
            "b'ab'"
        ),
        set_case!(
            "set a str into '3s'",
            "3s",
            Value::Str("abc".into()),
            PackError::NotBytes { .. },
            "str"
        ),
        set_case!(
            "set 3 characters into '2w'",
            "2w",
            Value::Str("abc".into()),
            PackError::TextTooLong { len: 3, .. },
            "got 3"
        ),
        set_case!(
            "set an int into a struct",
            "T{i:a:d:b:}",
            1,
            PackError::ExpectedTuple { len: 2, .. },
            "int"
        ),
        case!(
            "set out of range index",
            MemoryViewMut::new(&mut [0; 3]).set(&[3], 1),
            Error::View(V::IndexOutOfBounds { index: 3, .. }),
            "index 3"
        ),
        case!(
            "set with no index on a 1-D view",
            MemoryViewMut::new(&mut [0; 3]).set(&[], 1),
            Error::View(V::IndexCount { given: 0, .. }),
            "0 indices"
        ),
        case!(
            "assign of another shape",
            MemoryViewMut::new(&mut [0; 4]).assign("0:2", &MemoryView::new(&[1, 2, 3])),
            Error::View(V::AssignShapeMismatch { .. }),
            "[3]"
        ),
        case!(
            "assign of another format",
            MemoryViewMut::new(&mut [0; 4])
                .copy_from(&MemoryView::from_parts(B4, "i", &[1], None, 0)?.cast("b", None)?),
            Error::View(V::AssignFormatMismatch { .. }),
            "\"b\""
        ),
        case!(
            "assign_within with step 0",
            MemoryViewMut::new(&mut [0; 4]).assign_within("::0", ":"),
            Error::View(V::SliceStepZero),
            "zero"
        ),
        // ---- typed access and ndarray ----
        case!(
            "as_array_mut over a zero stride",
            MemoryViewMut::from_parts(&mut [0; 4], "B", &[3], Some(&[0]), 0)?
                .as_array_mut::<u8>()
                .map(drop),
            Error::Element(ElementError::Overlap { stride: 0, .. }),
            "stride 0"
        ),
        case!(
            "as_array_mut over overlapping rows",
            MemoryViewMut::from_parts(&mut [0; 16], "B", &[3, 2], Some(&[1, 1]), 0)?
                .as_array_mut::<u8>()
                .map(drop),
            Error::Element(ElementError::Overlap { .. }),
            "stride 1"
        ),
        case!(
            "typed f64 on 'i'",
            MemoryView::from_parts(B4, "i", &[1], None, 0)?.typed::<f64>(),
            Error::Element(ElementError::FormatMismatch { .. }),
            "'i'"
        ),
        case!(
            "as_array on a non-native byte order",
            MemoryView::from_parts(B4, NON_NATIVE_I, &[1], None, 0)?.as_array::<i32>(),
            Error::Element(ElementError::ByteOrderNotNative { .. }),
            NON_NATIVE_I
        ),
        case!(
            "as_array with a stride of 2 bytes for u32",
            MemoryView::from_parts(&[0; 16], "I", &[2], Some(&[2]), 0)?.as_array::<u32>(),
            Error::Element(ElementError::StrideNotMultiple { stride: 2, .. }),
            "stride 2"
        ),
        case!(
            "as_array misaligned",
            MemoryView::from_parts(
                bytemuck::cast_slice::<u32, u8>(&[0u32; 4]),
                "I",
                &[2],
                None,
                1
            )?
            .as_array::<u32>(),
            Error::Element(ElementError::Misaligned { remainder: 1, .. }),
            "1"
        ),
        case!(
            "to_array u8 of 300",
            MemoryView::from_parts(&300i32.to_ne_bytes(), "i", &[1], None, 0)?.to_array::<u8>(),
            Error::Element(ElementError::ValueOutOfRange { .. }),
            "300"
        ),
        case!(
            "to_array i32 of NaN",
            MemoryView::from_parts(&f64::NAN.to_ne_bytes(), "d", &[1], None, 0)?.to_array::<i32>(),
            Error::Element(ElementError::ValueNotInteger { .. }),
            "nan"
        ),
        case!(
            "to_array i32 of 1.5",
            MemoryView::from_parts(&1.5f64.to_ne_bytes(), "d", &[1], None, 0)?.to_array::<i32>(),
            Error::Element(ElementError::ValueNotInteger { .. }),
            "1.5"
        ),
        case!(
            "typed bool over byte 2",
            MemoryView::from_parts(&[0, 2], "?", &[2], None, 0)?.typed::<bool>(),
            Error::Element(ElementError::InvalidBool { byte: 2, .. }),
            "2"
        ),
        case!(
            "field that does not exist",
            MemoryView::from_parts(&[0; 16], "T{i:a:d:b:}", &[], None, 0)?.field("zz"),
            Error::View(ViewError::FieldNotFound { .. }),
            "zz"
        ),
    ]
}

fn run_case(c: &Case) -> Result<(), String> {
    let outcome =
        catch_unwind(AssertUnwindSafe(c.run)).map_err(|_| format!("{}: panicked", c.name))?;
    let err = match outcome {
        Ok(()) => return Err(format!("{}: accepted, expected an error", c.name)),
        Err(e) => e,
    };
    if !(c.expect)(&err) {
        return Err(format!("{}: wrong error {err:?} ({err})", c.name));
    }
    let msg = err.to_string();
    if !msg.contains(c.needle) {
        return Err(format!(
            "{}: message {msg:?} does not name {:?}",
            c.name, c.needle
        ));
    }
    Ok(())
}

#[test]
fn hostile_inputs_give_typed_errors_that_name_the_value() {
    let cases = cases();
    assert!(cases.len() >= 60, "the table has {} rows", cases.len());
    let failures: Vec<String> = cases.iter().filter_map(|c| run_case(c).err()).collect();
    assert!(
        failures.is_empty(),
        "{} of {} hostile cases failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

#[test]
fn case_names_are_unique() {
    let cases = cases();
    let mut names: Vec<&str> = cases.iter().map(|c| c.name).collect();
    names.sort_unstable();
    let before = names.len();
    names.dedup();
    assert_eq!(names.len(), before);
}

/// A failed write leaves the buffer as it was (no partial struct writes).
#[test]
fn failed_writes_change_nothing() {
    let mut buf = [0xAAu8; 16];
    let mut v = MemoryViewMut::from_parts(&mut buf, "T{i:a:d:b:}", &[1], None, 0).unwrap();
    let bad = Value::Tuple(vec![Value::Int(1), Value::Str("x".into())]);
    assert!(v.set(&[0], bad.clone()).is_err());
    assert!(v.fill(bad).is_err());
    assert_eq!(buf, [0xAA; 16]);
}

/// Found by the `view_ops` fuzz target (inputs in tests/fuzz_regressions/view_ops/): a view with
/// no elements is accepted whatever its other extents, but `to_list` builds one list per index
/// prefix, `2^62` of them here, and panicked with "capacity overflow" in `Vec::with_capacity`
/// (src/view/values.rs, `nest`); with `[2^40, 0]` it aborted on allocation failure instead.
/// Fixed: every list is allocated with `try_reserve_exact`, and the failure is
/// `ViewError::AllocationFailed`.
#[test]
#[cfg_attr(
    miri,
    ignore = "asks for a terabyte: Miri tries to allocate it and is killed"
)]
fn to_list_of_an_empty_view_with_a_huge_leading_axis() {
    for (shape, format) in [
        ([1usize << 62, 0], "B"),
        ([1 << 40, 0], "B"),
        ([1 << 40, 0], "T{w}"),
    ] {
        let v = MemoryView::from_parts(&[], format, &shape, None, 0).unwrap();
        assert_eq!(v.nbytes(), 0);
        let outcome = catch_unwind(AssertUnwindSafe(|| v.to_list().map(drop)));
        assert!(outcome.is_ok(), "to_list panicked");
        let err = outcome.unwrap().unwrap_err();
        assert!(
            matches!(err, memview::ViewError::AllocationFailed { bytes } if bytes >= 32 << 40),
            "{err}"
        );
        assert!(err.to_string().starts_with("cannot allocate "), "{err}");
        assert_eq!(v.try_to_bytes(memview::Order::C), Ok(Vec::new()));
    }
}

/// A valid broadcast view (zero stride) of 2^40 one-byte items over a 1-byte buffer: copying it
/// out cannot be allocated; `try_to_bytes`, `to_list` and `hex` say so instead of aborting.
#[test]
#[cfg_attr(
    miri,
    ignore = "asks for a terabyte: Miri tries to allocate it and is killed"
)]
fn copies_of_a_huge_broadcast_view_fail_cleanly() {
    let buf = [7u8];
    for format in ["B", "T{B}"] {
        let v = MemoryView::from_parts(&buf, format, &[1 << 40], Some(&[0]), 0).unwrap();
        assert_eq!(v.nbytes(), 1 << 40);
        assert_eq!(
            v.try_to_bytes(memview::Order::C),
            Err(memview::ViewError::AllocationFailed { bytes: 1 << 40 })
        );
        assert_eq!(
            v.to_list(),
            Err(memview::ViewError::AllocationFailed { bytes: 32 << 40 })
        );
        assert!(v.hex(None, 0).is_err());
    }
}

/// Found by the `format_roundtrip` and `format_parse` fuzz targets (inputs in
/// tests/fuzz_regressions/): a sub-array of a zero-size type costs no bytes, so the size check
/// (`SizeOverflow`) never fires, but decoding one item built one value per element:
/// `unpack("(100000,100000)0s", &[])` tried to build 10^10 values and the process aborted on
/// allocation failure; `(988888888888888888)(0)w` has no element but 10^17 empty lists.
/// Fixed in the codec: a sub-array may decode to at most 2^16 values beyond two per byte it
/// spans, otherwise `PackError::ValueTooLarge`. The formats themselves stay valid (NumPy and
/// PEP 3118 allow empty items); only decoding them is refused.
#[test]
fn zero_size_subarray_with_a_huge_shape() {
    for text in [
        "(100000,100000)0s",
        "(100000,100000)T{}",
        "T{(100000,100000)0s:a:}",
        "(988888888888888888)(0)w",
        "(100000000000000000,0)i",
    ] {
        let f = Format::parse(text).unwrap();
        assert_eq!(f.itemsize(), 0, "{text}");
        let err = memview::unpack(text, &[]).unwrap_err();
        assert!(
            matches!(err, memview::PackError::ValueTooLarge { .. }),
            "{text}: {err}"
        );
        assert!(err.to_string().contains("sub-array of shape"), "{err}");
        let v = MemoryView::from_parts_with_itemsize(&[0u8; 1], text, 1, &[1], None, 0).unwrap();
        assert!(v.to_list().is_err(), "{text}");
    }
    // Small empty sub-arrays still decode, as NumPy's tolist does.
    assert_eq!(
        memview::Value::Tuple(memview::unpack("(2,3)0s", &[]).unwrap()).to_string(),
        "([[b'', b'', b''], [b'', b'', b'']],)"
    );
}
