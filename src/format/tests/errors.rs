//! Every error kind: the kind, the span, and the rendered text (golden strings).

use super::*;

/// `(input, kind, span)` for every kind.
fn cases() -> Vec<(&'static str, FormatErrorKind, std::ops::Range<usize>)> {
    use FormatErrorKind::*;
    vec![
        ("i\0i", NulEmbedded, 1..2),
        ("k", TypeCodeUnknown { found: 'k' }, 0..1),
        ("3<i", TypeCodeUnknown { found: '<' }, 1..2),
        ("i:ü:é", TypeCodeUnknown { found: 'é' }, 5..7),
        ("i-", TypeCodeUnknown { found: '-' }, 1..2),
        ("t", TypeCodeUnsupported { found: 't' }, 0..1),
        ("Ze", ComplexCodeInvalid { found: Some('e') }, 0..2),
        ("iZ", ComplexCodeInvalid { found: None }, 1..2),
        ("Ti", BraceMissing { code: 'T' }, 0..1),
        ("X", BraceMissing { code: 'X' }, 0..1),
        ("3", RepeatCountDangling, 0..1),
        ("T{i12}", RepeatCountDangling, 3..5),
        ("3 i", RepeatCountSpaced, 1..2),
        ("99999999999999999999i", RepeatCountOverflow, 0..20),
        ("18446744073709551616x", RepeatCountOverflow, 0..20),
        ("i<", ByteOrderDangling, 1..2),
        ("T{i> }", ByteOrderDangling, 3..4),
        ("<:a:", ByteOrderDangling, 0..1),
        ("(2)", ShapeDangling, 0..3),
        ("&", PointerDangling, 0..1),
        ("T{&}", PointerDangling, 2..3),
        ("(2", ShapeUnclosed, 0..1),
        ("(2,", ShapeUnclosed, 0..1),
        ("()i", ShapeEmpty, 0..2),
        ("( )i", ShapeEmpty, 0..3),
        ("(2,)i", ShapeDimensionMissing { found: ')' }, 3..4),
        ("(-1)i", ShapeDimensionMissing { found: '-' }, 1..2),
        ("(2 3)i", ShapeSeparatorMissing { found: '3' }, 3..4),
        ("(99999999999999999999)i", ShapeDimensionOverflow, 1..21),
        ("T{i", StructUnclosed, 0..2),
        ("i}garbage", StructUnopened, 1..2),
        ("}", StructUnopened, 0..1),
        ("X{i", FunctionUnclosed, 0..2),
        ("X{->ii}", FunctionUnclosed, 0..2),
        ("X{i->}", FunctionReturnMissing, 3..5),
        ("i:a", FieldNameUnclosed, 1..3),
        (":a:i", FieldNameMisplaced, 0..3),
        ("i:a::b:", FieldNameMisplaced, 4..7),
        (
            "T{i:a:d:a:}",
            FieldNameDuplicate { name: "a".into() },
            7..10,
        ),
        ("i:a:i:a:", FieldNameDuplicate { name: "a".into() }, 5..8),
        ("4611686018427387904h", SizeOverflow, 0..20),
    ]
}

#[test]
fn kinds_and_spans() {
    for (input, kind, span) in cases() {
        let e = Format::parse(input).unwrap_err();
        assert_eq!((e.kind(), e.span()), (&kind, span), "{input:?}");
        assert_eq!(e.input(), input);
    }
}

#[test]
fn rendered_text() {
    for (input, expected) in [
        (
            "i\0i",
            "embedded NUL character: a format may not contain NUL\ni␀i\n ^",
        ),
        (
            "k",
            "expected a type code, found 'k'\nk\n^",
        ),
        (
            "3<i",
            "expected a type code, found '<' (shapes and byte-order prefixes go before the repeat count)\n3<i\n ^",
        ),
        (
            "i:ü:é",
            "expected a type code, found 'é' (non-ASCII characters are allowed only in field names)\ni:ü:é\n    ^",
        ),
        (
            "i-",
            "expected a type code, found '-'\ni-\n ^",
        ),
        (
            "t",
            "unsupported type code 't': bit fields are not supported\nt\n^",
        ),
        (
            "Ze",
            "expected 'f', 'd' or 'g' after 'Z', found 'e'\nZe\n^^",
        ),
        (
            "iZ",
            "expected 'f', 'd' or 'g' after 'Z', found the end of the format\niZ\n ^",
        ),
        (
            "Ti",
            "expected '{' after 'T'\nTi\n^",
        ),
        (
            "X",
            "expected '{' after 'X'\nX\n^",
        ),
        (
            "3",
            "expected a type code after this repeat count\n3\n^",
        ),
        (
            "T{i12}",
            "expected a type code after this repeat count\nT{i12}\n   ^^",
        ),
        (
            "3 i",
            "expected a type code right after the repeat count, found whitespace\n3 i\n ^",
        ),
        (
            "99999999999999999999i",
            "repeat count too large\n99999999999999999999i\n^^^^^^^^^^^^^^^^^^^^",
        ),
        (
            "18446744073709551616x",
            "repeat count too large\n18446744073709551616x\n^^^^^^^^^^^^^^^^^^^^",
        ),
        (
            "i<",
            "expected an item after this byte-order prefix\ni<\n ^",
        ),
        (
            "T{i> }",
            "expected an item after this byte-order prefix\nT{i> }\n   ^",
        ),
        (
            "<:a:",
            "expected an item after this byte-order prefix\n<:a:\n^",
        ),
        (
            "(2)",
            "expected an item after this shape\n(2)\n^^^",
        ),
        (
            "&",
            "expected a pointee type after '&'\n&\n^",
        ),
        (
            "T{&}",
            "expected a pointee type after '&'\nT{&}\n  ^",
        ),
        (
            "(2",
            "unclosed shape: expected ')'\n(2\n^",
        ),
        (
            "(2,",
            "unclosed shape: expected ')'\n(2,\n^",
        ),
        (
            "()i",
            "empty shape: expected at least one dimension\n()i\n^^",
        ),
        (
            "( )i",
            "empty shape: expected at least one dimension\n( )i\n^^^",
        ),
        (
            "(2,)i",
            "expected a dimension (a decimal number), found ')'\n(2,)i\n   ^",
        ),
        (
            "(-1)i",
            "expected a dimension (a decimal number), found '-'\n(-1)i\n ^",
        ),
        (
            "(2 3)i",
            "expected ',' or ')' after a dimension, found '3'\n(2 3)i\n   ^",
        ),
        (
            "(99999999999999999999)i",
            "shape dimension too large\n(99999999999999999999)i\n ^^^^^^^^^^^^^^^^^^^^",
        ),
        (
            "T{i",
            "unclosed struct: expected '}' to close this 'T{'\nT{i\n^^",
        ),
        (
            "i}garbage",
            "unmatched '}': no 'T{' or 'X{' is open\ni}garbage\n ^",
        ),
        (
            "}",
            "unmatched '}': no 'T{' or 'X{' is open\n}\n^",
        ),
        (
            "X{i",
            "unclosed function pointer: expected '}' to close this 'X{' (after '->' comes exactly one return item)\nX{i\n^^",
        ),
        (
            "X{->ii}",
            "unclosed function pointer: expected '}' to close this 'X{' (after '->' comes exactly one return item)\nX{->ii}\n^^",
        ),
        (
            "X{i->}",
            "expected a return item after '->'\nX{i->}\n   ^^",
        ),
        (
            "i:a",
            "unclosed field name: expected a closing ':'\ni:a\n ^^",
        ),
        (
            ":a:i",
            "a field name must follow an item\n:a:i\n^^^",
        ),
        (
            "i:a::b:",
            "a field name must follow an item\ni:a::b:\n    ^^^",
        ),
        (
            "T{i:a:d:a:}",
            "duplicate field name \"a\" in one struct\nT{i:a:d:a:}\n       ^^^",
        ),
        (
            "i:a:i:a:",
            "duplicate field name \"a\" in one struct\ni:a:i:a:\n     ^^^",
        ),
        (
            "4611686018427387904h",
            "total size too large (more than isize::MAX bytes)\n4611686018427387904h\n^^^^^^^^^^^^^^^^^^^^",
        ),
    ] {
        let e = Format::parse(input).unwrap_err();
        assert_eq!(e.to_string(), expected, "{input:?}");
    }
}

#[test]
fn carets_count_characters_not_bytes() {
    // The culprit starts at byte 7 but at character column 6.
    let e = Format::parse("T{i:ü:ééé}").unwrap_err();
    assert_eq!(e.span(), 7..9);
    assert_eq!(e.to_string().lines().last(), Some("      ^"), "{e}");
}

#[test]
fn control_characters_keep_the_columns() {
    let e = Format::parse("i\t\nk").unwrap_err();
    assert_eq!(e.to_string(), "expected a type code, found 'k'\ni  k\n   ^");
}

#[test]
fn missing_things_point_past_the_end() {
    let e = Format::parse("iZ").unwrap_err();
    assert_eq!(e.span(), 1..2);
    let e = Format::parse("T{ii").unwrap_err();
    assert_eq!(e.span(), 0..2);
    let e = Format::parse("&&").unwrap_err();
    assert_eq!(e.kind(), &FormatErrorKind::PointerDangling);
    assert_eq!(e.span(), 1..2);
}

#[test]
fn error_traits() {
    let e = Format::parse("k").unwrap_err();
    let boxed: Box<dyn std::error::Error> = Box::new(e.clone());
    assert_eq!(boxed.to_string(), e.to_string());
    assert_eq!(e.kind().to_string(), "expected a type code, found 'k'");
    assert_eq!(e, Format::parse("k").unwrap_err());
    assert_ne!(e, Format::parse("K").unwrap_err());
}

#[test]
fn struct_module_errors_are_errors_here() {
    // What CPython's struct rejects with a message, we reject too.
    for text in [
        "3",
        "i\0",
        "4611686018427387904h",
        "9223372036854775808x",
        "3 i",
        "z",
    ] {
        assert!(Format::parse(text).is_err(), "{text:?}");
    }
}
