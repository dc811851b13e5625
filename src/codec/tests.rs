//! Unit tests for the element codec. Expected bytes and values come from CPython 3.13's
//! `struct` and NumPy 2.4 (x86-64), run by hand; the fixture-based conformance tests live in
//! `tests/`.

use super::*;
use crate::format::{Format, StructLayout};

fn hex(s: &str) -> Vec<u8> {
    (0..s.len() / 2)
        .map(|i| u8::from_str_radix(&s[2 * i..2 * i + 2], 16).unwrap())
        .collect()
}

fn to_hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

fn layout(fmt: &str) -> Layout {
    Format::parse(fmt).unwrap().layout().clone()
}

/// The single scalar of a one-code format.
fn scalar(fmt: &str) -> Scalar {
    match &layout(fmt).top.fields[0].ty {
        FieldType::Scalar(s) => s.clone(),
        FieldType::Struct(_) => panic!("not a scalar: {fmt}"),
    }
}

fn enc(fmt: &str, v: impl Into<Value>) -> Result<Vec<u8>, PackError> {
    let s = scalar(fmt);
    let mut out = vec![0xAA; s.size];
    encode_scalar(&s, &v.into(), &mut out)?;
    Ok(out)
}

fn enc_err(fmt: &str, v: impl Into<Value>) -> String {
    enc(fmt, v).unwrap_err().to_string()
}

fn dec(fmt: &str, bytes: &[u8]) -> Value {
    decode_scalar(&scalar(fmt), bytes).unwrap()
}

/// (format, value, packed hex, repr of the unpacked value), from CPython 3.13.
const STRUCT_CASES: &[(&str, Value0, &str, &str)] = &[
    ("<b", Value0::I(-2), "fe", "-2"),
    (">B", Value0::I(200), "c8", "200"),
    ("<h", Value0::I(-2), "feff", "-2"),
    (">h", Value0::I(-2), "fffe", "-2"),
    ("<H", Value0::I(65535), "ffff", "65535"),
    (">H", Value0::I(258), "0102", "258"),
    ("<i", Value0::I(-100000), "6079feff", "-100000"),
    (">i", Value0::I(-100000), "fffe7960", "-100000"),
    ("<I", Value0::I(4000000000), "00286bee", "4000000000"),
    (">I", Value0::I(4000000000), "ee6b2800", "4000000000"),
    (
        "<q",
        Value0::I(-9223372036854775808),
        "0000000000000080",
        "-9223372036854775808",
    ),
    (
        ">q",
        Value0::I(-4611686018427387907),
        "bffffffffffffffd",
        "-4611686018427387907",
    ),
    (
        "<Q",
        Value0::I(18446744073709551615),
        "ffffffffffffffff",
        "18446744073709551615",
    ),
    (
        ">Q",
        Value0::I(9223372036854775813),
        "8000000000000005",
        "9223372036854775813",
    ),
    ("<l", Value0::I(-5), "fbffffff", "-5"),
    (">L", Value0::I(7), "00000007", "7"),
    ("@l", Value0::I(-5), "fbffffffffffffff", "-5"),
    ("@n", Value0::I(-7), "f9ffffffffffffff", "-7"),
    (
        "@N",
        Value0::I(18446744073709551615),
        "ffffffffffffffff",
        "18446744073709551615",
    ),
    (
        "@P",
        Value0::I(-1),
        "ffffffffffffffff",
        "18446744073709551615",
    ),
    ("<?", Value0::B(true), "01", "True"),
    (">?", Value0::B(false), "00", "False"),
    ("<e", Value0::F(1.5), "003e", "1.5"),
    (">e", Value0::F(-65504.0), "fbff", "-65504.0"),
    (
        "<f",
        Value0::F(3.1415927410125732),
        "db0f4940",
        "3.1415927410125732",
    ),
    (">f", Value0::F(-0.1), "bdcccccd", "-0.10000000149011612"),
    ("<d", Value0::F(1e300), "9c7500883ce4377e", "1e+300"),
    (">d", Value0::F(-0.0), "8000000000000000", "-0.0"),
    (
        ">d",
        Value0::F(f64::NEG_INFINITY),
        "fff0000000000000",
        "-inf",
    ),
    ("<f", Value0::F(f64::NAN), "0000c07f", "nan"),
    ("c", Value0::S(b"Q"), "51", "b'Q'"),
    ("5s", Value0::S(b"ab"), "6162000000", r"b'ab\x00\x00\x00'"),
    ("3s", Value0::S(b"abcdef"), "616263", "b'abc'"),
    ("0s", Value0::S(b"x"), "", "b''"),
    ("4p", Value0::S(b"ab"), "02616200", "b'ab'"),
    ("3p", Value0::S(b"abcdef"), "026162", "b'ab'"),
    ("p", Value0::S(b"abc"), "00", "b''"),
    ("0p", Value0::S(b"abc"), "", "b''"),
    // `e` rounding (cpython.md §1.8): half to even, subnormals, NaN, inf.
    ("<e", Value0::F(2049.0), "0068", "2048.0"),
    ("<e", Value0::F(2051.0), "0268", "2052.0"),
    ("<e", Value0::F(65519.0), "ff7b", "65504.0"),
    ("<e", Value0::F(5.96e-8), "0100", "5.960464477539063e-08"),
    ("<e", Value0::F(3.0e-8), "0100", "5.960464477539063e-08"),
    ("<e", Value0::F(2.9e-8), "0000", "0.0"),
    ("<e", Value0::F(f64::NAN), "007e", "nan"),
    ("<e", Value0::F(f64::NEG_INFINITY), "00fc", "-inf"),
    ("<e", Value0::F(6.1e-5), "ff03", "6.097555160522461e-05"),
    // 1 + 2^-11 + 2^-40: just above a tie; rounding via f32 first would give 1.0.
    ("<e", Value0::F(1.0004882812509095), "013c", "1.0009765625"),
    ("<e", Value0::F(1.00048828125), "003c", "1.0"),
    (
        "<f",
        Value0::F(3.4028235677973362e38),
        "ffff7f7f",
        "3.4028234663852886e+38",
    ),
    ("<f", Value0::F(1e-46), "00000000", "0.0"),
    // Ints and bools where floats are expected.
    ("<d", Value0::B(true), "000000000000f03f", "1.0"),
    ("<e", Value0::I(3), "0042", "3.0"),
    ("b", Value0::B(true), "01", "1"),
    (
        "P",
        Value0::I(-9223372036854775808),
        "0000000000000080",
        "9223372036854775808",
    ),
];

/// A `const`-friendly stand-in for `Value` in the table above.
#[derive(Clone, Copy)]
enum Value0 {
    I(i128),
    F(f64),
    B(bool),
    S(&'static [u8]),
}

impl From<Value0> for Value {
    fn from(v: Value0) -> Value {
        match v {
            Value0::I(i) => Value::Int(i),
            Value0::F(f) => Value::Float(f),
            Value0::B(b) => Value::Bool(b),
            Value0::S(s) => Value::Bytes(s.to_vec()),
        }
    }
}

#[test]
fn scalars_match_cpython_struct() {
    for &(fmt, v, want_hex, want_repr) in STRUCT_CASES {
        let bytes = enc(fmt, v).unwrap_or_else(|e| panic!("{fmt}: {e}"));
        assert_eq!(to_hex(&bytes), want_hex, "pack {fmt}");
        assert_eq!(dec(fmt, &bytes).to_string(), want_repr, "unpack {fmt}");
    }
}

#[test]
fn unpack_special_cases() {
    assert_eq!(dec("<e", &hex("007c")).to_string(), "inf");
    assert_eq!(dec(">e", &hex("7e00")).to_string(), "nan");
    assert_eq!(dec("4p", b"\x09abc").to_string(), "b'abc'");
    assert_eq!(dec("1p", b"\x05").to_string(), "b''");
    assert_eq!(dec("?", b"\x02").to_string(), "True");
    assert_eq!(dec("<?", b"\x80").to_string(), "True");
    assert_eq!(dec("c", b"\x00").to_string(), r"b'\x00'");
    let long = enc("300p", vec![b'a'; 300]).unwrap();
    assert_eq!(&long[..3], b"\xffaa");
    assert_eq!(long.len(), 300);
    // All 299 data bytes are copied even though the length byte says 255 (CPython).
    assert_eq!(long[299], b'a');
    assert_eq!(dec("300p", &long), Value::Bytes(vec![b'a'; 255]));
    // The `e` NaN sign is kept, as CPython does (`pack('<e', -nan) == b'\x00\xfe'`).
    assert_eq!(enc("<e", -f64::NAN).unwrap(), hex("00fe"));
}

#[test]
fn every_kind_round_trips_in_both_byte_orders() {
    let samples: &[(&str, Value)] = &[
        ("b", Value::from(-128)),
        ("B", Value::from(255)),
        ("h", Value::from(-32768)),
        ("H", Value::from(65535)),
        ("i", Value::from(i32::MIN)),
        ("I", Value::from(u32::MAX)),
        ("l", Value::from(-1)),
        ("L", Value::from(u32::MAX)),
        ("q", Value::from(i64::MIN)),
        ("Q", Value::from(u64::MAX)),
        ("?", Value::from(true)),
        ("e", Value::from(-0.5)),
        ("f", Value::from(1.25)),
        ("d", Value::from(-1e-300)),
        ("g", Value::from(1.0 / 3.0)),
        ("g", Value::from(-5e-324)),
        ("Zf", Value::from(Complex64::new(1.5, -2.0))),
        ("Zd", Value::from(Complex64::new(0.1, 1e300))),
        ("Zg", Value::from(Complex64::new(-0.0, f64::INFINITY))),
        ("c", Value::from(b"z")),
        ("4s", Value::from(b"ab\0d")),
        ("5p", Value::from(b"abc")),
        ("3u", Value::from("a😀")),
        ("3w", Value::from("é€😀")),
        ("3w", Value::from("a\0b")), // an embedded NUL is kept, trailing ones stripped
        ("P", Value::from(u64::MAX)),
        ("n", Value::from(i64::MIN)),
        ("N", Value::from(u64::MAX)),
        ("O", Value::from(0)),
        ("&i", Value::from(0x1234_5678u32)),
        ("X{}", Value::from(8)),
    ];
    for (code, v) in samples {
        let mut images = Vec::new();
        for prefix in ["<", ">"] {
            let fmt = format!("{prefix}{code}");
            let s = scalar(&fmt);
            let mut out = vec![0xAA; s.size];
            encode_scalar(&s, v, &mut out).unwrap_or_else(|e| panic!("{fmt}: {e}"));
            let back = decode_scalar(&s, &out).unwrap();
            assert_eq!(&back, v, "{fmt}");
            assert_eq!(back.to_string(), v.to_string(), "{fmt}");
            images.push(out);
        }
        // Big-endian is the byte reversal of little-endian for every single-unit scalar.
        let single_unit = !matches!(*code, "Zf" | "Zd" | "Zg" | "4s" | "5p" | "3u" | "3w");
        if single_unit {
            let mut rev = images[0].clone();
            rev.reverse();
            assert_eq!(rev, images[1], "{code}");
        }
    }
}

#[test]
fn text_decoding() {
    // UCS-2 surrogate pair, trailing NULs stripped.
    assert_eq!(dec("<3u", &hex("3dd800de0000")), Value::from("😀"));
    assert_eq!(
        dec(">2u", &hex("0061 0000".replace(' ', "").as_str())),
        Value::from("a")
    );
    assert_eq!(
        dec("<3w", &hex("410000000000000000000000")),
        Value::from("A")
    );
    assert_eq!(dec("<w", &hex("00000000")), Value::from(""));
    let lone = decode_scalar(&scalar("<2u"), &hex("00d84100")).unwrap_err();
    assert_eq!(
        lone,
        PackError::InvalidText {
            code: 'u',
            unit: 0xd800
        }
    );
    assert_eq!(lone.to_string(), "'u' data holds a lone surrogate 0xd800");
    let bad = decode_scalar(&scalar(">w"), &hex("00110000")).unwrap_err();
    assert_eq!(
        bad.to_string(),
        "'w' data holds an invalid code point 0x110000"
    );
    let surrogate = decode_scalar(&scalar("<w"), &hex("00d80000")).unwrap_err();
    assert_eq!(
        surrogate.to_string(),
        "'w' data holds an invalid code point 0xd800"
    );
    // Encoding pads with NULs.
    assert_eq!(enc("<3w", "é").unwrap(), hex("e90000000000000000000000"));
    assert_eq!(enc(">2u", "😀").unwrap(), hex("d83dde00"));
}

#[test]
fn long_double_bytes_match_numpy() {
    // np.longdouble(x).tobytes() on x86-64 (bytes 10..16 are unspecified there; we write 0).
    if long_double_format(16) != Ok(LongDouble::X87) {
        return;
    }
    let cases: &[(f64, &str)] = &[
        (1.0, "0000000000000080ff3f"),
        (-2.5, "00000000000000a000c0"),
        (0.1, "00d0ccccccccccccfb3f"),
        (1e-310, "00005831875b4493f93b"),
    ];
    for &(x, want) in cases {
        let mut want = hex(want);
        want.resize(16, 0);
        assert_eq!(enc("<g", x).unwrap(), want);
        assert_eq!(dec("<g", &want), Value::from(x));
        let mut big = want.clone();
        big.reverse();
        assert_eq!(enc(">g", x).unwrap(), big);
        assert_eq!(dec(">g", &big), Value::from(x));
    }
    // A value only representable in extended precision rounds to nearest.
    let mut third = hex("abaaaaaaaaaaaaaafd3f"); // 1/3 in 64 bits of mantissa
    third.resize(16, 0);
    assert_eq!(dec("<g", &third), Value::from(1.0 / 3.0));
    // Zg: two long doubles.
    let mut z = enc("<g", 1.0).unwrap();
    z.extend(enc("<g", -2.0).unwrap());
    assert_eq!(dec("<Zg", &z).to_string(), "(1-2j)");
}

#[test]
fn encode_errors_have_cpython_messages() {
    let cases: &[(&str, Value, &str)] = &[
        (
            "b",
            Value::from(128),
            "'b' format requires -128 <= number <= 127",
        ),
        (
            "<B",
            Value::from(-1),
            "'B' format requires 0 <= number <= 255",
        ),
        (
            "=h",
            Value::from(40000),
            "'h' format requires -32768 <= number <= 32767",
        ),
        (
            "!H",
            Value::from(-1),
            "'H' format requires 0 <= number <= 65535",
        ),
        (
            "<i",
            Value::from(1u64 << 31),
            "'i' format requires -2147483648 <= number <= 2147483647",
        ),
        (
            "I",
            Value::from(-1),
            "'I' format requires 0 <= number <= 4294967295",
        ),
        (
            "<l",
            Value::from(1u64 << 40),
            "'l' format requires -2147483648 <= number <= 2147483647",
        ),
        (
            "l",
            Value::Int(1 << 70),
            "'l' format requires -9223372036854775808 <= number <= 9223372036854775807",
        ),
        (
            ">q",
            Value::from(1u64 << 63),
            "'q' format requires -9223372036854775808 <= number <= 9223372036854775807",
        ),
        (
            "<Q",
            Value::from(-1),
            "'Q' format requires 0 <= number <= 18446744073709551615",
        ),
        (
            "n",
            Value::from(1u64 << 63),
            "'n' format requires -9223372036854775808 <= number <= 9223372036854775807",
        ),
        (
            "N",
            Value::from(-1),
            "'N' format requires 0 <= number <= 18446744073709551615",
        ),
        ("i", Value::from(1.0), "required argument is not an integer"),
        ("i", Value::from("1"), "required argument is not an integer"),
        (
            "Q",
            Value::from(b"a"),
            "required argument is not an integer",
        ),
        ("P", Value::from(1.0), "required argument is not an integer"),
        ("P", Value::Int(1 << 64), "int too large to convert"),
        ("P", Value::Int(-(1 << 63) - 1), "int too large to convert"),
        ("d", Value::from("x"), "required argument is not a float"),
        (
            "e",
            Value::from(Complex64::new(1.0, 0.0)),
            "required argument is not a float",
        ),
        ("g", Value::from(b"x"), "required argument is not a float"),
        (
            "<e",
            Value::from(65520.0),
            "float too large to pack with e format",
        ),
        (
            "<e",
            Value::from(-65520.0),
            "float too large to pack with e format",
        ),
        (
            "<f",
            Value::from(1e300),
            "float too large to pack with f format",
        ),
        (
            "f",
            Value::from(1e300),
            "float too large to pack with f format",
        ),
        (
            "<f",
            Value::from(3.4028235677973366e38),
            "float too large to pack with f format",
        ),
        ("<e", Value::from(70000), "int too large to convert"),
        (
            "Zf",
            Value::from(Complex64::new(0.0, 1e39)),
            "float too large to pack with f format",
        ),
        ("Zd", Value::from("x"), "required argument is not a complex"),
        (
            "c",
            Value::from(b"ab"),
            "char format requires a bytes object of length 1",
        ),
        (
            "c",
            Value::from(1),
            "char format requires a bytes object of length 1",
        ),
        (
            "c",
            Value::from("a"),
            "char format requires a bytes object of length 1",
        ),
        (
            "s",
            Value::from(1),
            "argument for 's' must be a bytes object",
        ),
        (
            "3s",
            Value::from("abc"),
            "argument for 's' must be a bytes object",
        ),
        (
            "p",
            Value::from(1),
            "argument for 'p' must be a bytes object",
        ),
        ("w", Value::from(b"a"), "argument for 'w' must be a str"),
        (
            "2u",
            Value::from("abc"),
            "'2u' field holds 2 UTF-16 code units, got 3",
        ),
        (
            "u",
            Value::from("😀"),
            "'1u' field holds 1 UTF-16 code units, got 2",
        ),
        (
            "2w",
            Value::from("abc"),
            "'2w' field holds 2 characters, got 3",
        ),
        (
            "O",
            Value::from(1),
            "cannot pack a non-NULL PyObject pointer ('O' accepts only 0)",
        ),
        (
            "O",
            Value::from(0.0),
            "cannot pack a non-NULL PyObject pointer ('O' accepts only 0)",
        ),
    ];
    for (fmt, v, want) in cases {
        assert_eq!(enc_err(fmt, v.clone()), *want, "{fmt} {v}");
    }
}

#[test]
fn padding_scalar_writes_zeros_and_decodes_to_unit() {
    let pad = Scalar {
        code: "x",
        kind: ScalarKind::Pad,
        size: 3,
        align: 1,
        endian: Endian::Little,
    };
    let mut out = [0xAA; 3];
    encode_scalar(&pad, &Value::from(5), &mut out).unwrap();
    assert_eq!(out, [0; 3]);
    assert_eq!(decode_scalar(&pad, b"abc").unwrap().to_string(), "()");
    // `3x` at top level is not a field: an element of `'3xi'` is just the int.
    let l = layout("<3xi");
    assert_eq!(decode(&l, &[9, 9, 9, 1, 0, 0, 0]).unwrap().to_string(), "1");
    let mut out = [0xAA; 7];
    encode(&l, &Value::from(1), &mut out).unwrap();
    assert_eq!(out, [0, 0, 0, 1, 0, 0, 0]);
}

#[test]
fn bool_packs_truthiness() {
    for (v, want) in [
        (Value::from(5), 1u8),
        (Value::from(0), 0),
        (Value::from(0.0), 0),
        (Value::from(f64::NAN), 1),
        (Value::from(&b""[..]), 0),
        (Value::from("x"), 1),
        (Value::Tuple(vec![]), 0),
    ] {
        assert_eq!(enc("?", v.clone()).unwrap(), vec![want], "{v}");
    }
}

#[test]
fn short_buffers_are_errors_not_panics() {
    for fmt in ["i", "<d", "g", "Zd", "4s", "4p", "2u", "w", "c", "?", "P"] {
        let s = scalar(fmt);
        for n in 0..s.size {
            let buf = vec![0u8; n];
            assert_eq!(
                decode_scalar(&s, &buf),
                Err(PackError::ItemBufferTooSmall {
                    needed: s.size,
                    actual: n
                })
            );
            let mut out = vec![0u8; n];
            assert!(encode_scalar(&s, &Value::from(0), &mut out).is_err());
        }
    }
    assert_eq!(
        decode(&layout("ii"), &[0; 7]).unwrap_err().to_string(),
        "buffer of 7 bytes is too small for an item of 8 bytes"
    );
}

#[test]
fn layouts_decode_to_tuples_records_and_lists() {
    let l = layout("<hd?");
    let mut buf = vec![0u8; l.size()];
    let v = Value::Tuple(vec![(-2).into(), 1.5.into(), true.into()]);
    encode(&l, &v, &mut buf).unwrap();
    assert_eq!(decode(&l, &buf).unwrap().to_string(), "(-2, 1.5, True)");

    let l = layout("i");
    assert!(!l.tuple);
    assert_eq!(decode(&l, &7i32.to_ne_bytes()).unwrap().to_string(), "7");

    let l = layout("T{i:a:(2)h:b:T{c:x:}:c:}");
    let v = decode(&l, &[1, 0, 0, 0, 2, 0, 3, 0, b'q', 0, 0, 0]).unwrap();
    assert_eq!(v.to_string(), "(1, [2, 3], (b'q',))");
    match &v {
        Value::Record(fields) => {
            let names: Vec<_> = fields.iter().map(|(n, _)| n.as_deref()).collect();
            assert_eq!(names, [Some("a"), Some("b"), Some("c")]);
        }
        other => panic!("{other:?}"),
    }
    // Encode accepts the record back, or a plain tuple, and zeroes padding.
    let mut out = vec![0xAA; l.size()];
    encode(&l, &v, &mut out).unwrap();
    assert_eq!(out, [1, 0, 0, 0, 2, 0, 3, 0, b'q', 0, 0, 0]);
    let as_tuple = Value::Tuple(vec![
        1.into(),
        vec![Value::from(2), 3.into()].into(),
        Value::Tuple(vec![b"q".into()]),
    ]);
    let mut out2 = vec![0xAA; l.size()];
    encode(&l, &as_tuple, &mut out2).unwrap();
    assert_eq!(out, out2);

    // Sub-arrays are nested lists in C order.
    let l = layout("(2,3)B");
    let v = decode(&l, &[0, 1, 2, 3, 4, 5]).unwrap();
    assert_eq!(v.to_string(), "[[0, 1, 2], [3, 4, 5]]");
    let mut out = vec![0; 6];
    encode(&l, &v, &mut out).unwrap();
    assert_eq!(out, [0, 1, 2, 3, 4, 5]);

    // A sub-array of structs.
    let l = layout("T{2T{B:x:B:y:}:p:}");
    let v = decode(&l, &[1, 2, 3, 4]).unwrap();
    assert_eq!(v.to_string(), "([(1, 2), (3, 4)],)");

    // Empty format: an empty tuple.
    assert_eq!(decode(&layout(""), &[]).unwrap().to_string(), "()");
}

#[test]
fn layout_encode_shape_errors() {
    let l = layout("T{ii}");
    let mut out = vec![0; 8];
    let err = encode(&l, &Value::from(1), &mut out).unwrap_err();
    assert_eq!(
        err.to_string(),
        "expected a tuple of 2 items for a struct, got int"
    );
    let err = encode(&l, &Value::Tuple(vec![1.into()]), &mut out).unwrap_err();
    assert_eq!(
        err.to_string(),
        "expected a tuple of 2 items for a struct, got tuple of 1 items"
    );
    let err = encode(&l, &Value::List(vec![1.into(), 2.into()]), &mut out).unwrap_err();
    assert_eq!(
        err.to_string(),
        "expected a tuple of 2 items for a struct, got list of 2 items"
    );

    let l = layout("(2,2)B");
    let mut out = vec![0; 4];
    let err = encode(&l, &Value::List(vec![1.into(), 2.into()]), &mut out).unwrap_err();
    assert_eq!(
        err.to_string(),
        "expected a list of 2 items for a sub-array, got int"
    );
    let err = encode(&l, &Value::List(vec![]), &mut out).unwrap_err();
    assert_eq!(
        err.to_string(),
        "expected a list of 2 items for a sub-array, got list of 0 items"
    );

    let l = layout("ii");
    let err = encode(&l, &Value::from(1), &mut [0; 8]).unwrap_err();
    assert_eq!(
        err.to_string(),
        "expected a tuple of 2 items for a struct, got int"
    );
}

#[test]
fn hand_built_layout() {
    // A layout built without the parser: `>H` at offset 2 after 2 padding bytes, named.
    let s = Scalar {
        code: "H",
        kind: ScalarKind::UInt,
        size: 2,
        align: 1,
        endian: Endian::Big,
    };
    let l = Layout {
        top: StructLayout {
            size: 4,
            align: 1,
            fields: vec![Field {
                name: Some("v".into()),
                offset: 2,
                shape: vec![],
                ty: FieldType::Scalar(s),
                repeat: 1,
            }],
        },
        tuple: false,
    };
    let mut out = vec![0xAA; 4];
    encode(&l, &Value::from(0x0102), &mut out).unwrap();
    assert_eq!(out, [0, 0, 1, 2]);
    assert_eq!(decode(&l, &out).unwrap(), Value::from(258));
    // A field that claims to lie outside the struct is an error, not a panic.
    let mut bad = l.clone();
    bad.top.fields[0].offset = 3;
    assert!(decode(&bad, &out).is_err());
    assert!(encode(&bad, &Value::from(1), &mut out).is_err());
    bad.top.fields[0].offset = usize::MAX;
    assert!(decode(&bad, &out).is_err());
    bad.top.fields[0].offset = 0;
    bad.top.fields[0].shape = vec![usize::MAX, 2];
    assert!(decode(&bad, &out).is_err());
}

mod properties {
    use super::*;
    use proptest::prelude::*;

    /// Formats covering every kind, nesting, shapes, padding and both byte orders.
    const FORMATS: &[&str] = &[
        "<bBhHiIlLqQ",
        ">bBhHiIlLqQ",
        "@nNP",
        "<e>e<f>f<d>d",
        "<g",
        ">g",
        "<Zf>Zd<Zg",
        "?c",
        "5s",
        "5p",
        "p",
        "0p",
        "<3u",
        ">3u",
        "<2w",
        ">2w",
        "T{<i:a:(2,2)>h:b:T{c:x:?}:c:}",
        "(2)T{B3x}",
        "<i3xq",
        "&i X{} O",
        "(0)i",
        "",
    ];

    proptest! {
        /// Decoding arbitrary bytes never panics, and whatever decodes encodes back without
        /// panicking.
        #[test]
        fn decode_any_bytes(idx in 0..FORMATS.len(), seed in proptest::collection::vec(any::<u8>(), 0..96)) {
            let l = layout(FORMATS[idx]);
            let mut bytes = seed;
            bytes.resize(l.size(), 0x5A);
            if let Ok(v) = decode(&l, &bytes) {
                let mut out = vec![0u8; l.size()];
                let _ = encode(&l, &v, &mut out);
            }
            // Too-short buffers are errors.
            if l.size() > 0 {
                prop_assert!(decode(&l, &bytes[..l.size() - 1]).is_err());
            }
        }

        /// Integer formats round-trip bytes exactly.
        #[test]
        fn integer_bytes_round_trip(big in any::<bool>(), bytes in proptest::collection::vec(any::<u8>(), 32)) {
            let fmt = if big { ">bBhHiIqQ?c" } else { "<bBhHiIqQ?c" };
            let l = layout(fmt);
            let mut b = bytes;
            b[30] &= 1; // the bool stores 0 or 1
            let v = decode(&l, &b).unwrap();
            let mut out = vec![0u8; l.size()];
            encode(&l, &v, &mut out).unwrap();
            prop_assert_eq!(out, b);
        }

        /// Any value, for any format, encodes to an error or to bytes, never a panic.
        #[test]
        fn encode_any_value(idx in 0..FORMATS.len(), i in any::<i128>(), f in any::<f64>(), pick in 0..6u8) {
            let l = layout(FORMATS[idx]);
            let v = match pick {
                0 => Value::Int(i),
                1 => Value::Float(f),
                2 => Value::Bytes(i.to_le_bytes().to_vec()),
                3 => Value::Str(format!("{f}")),
                4 => Value::Tuple(vec![Value::Int(i); l.value_count()]),
                _ => Value::List(vec![Value::Float(f); 2]),
            };
            let mut out = vec![0u8; l.size()];
            let _ = encode(&l, &v, &mut out);
        }
    }
}

/// `'f'` keeps a NaN's sign and the top of its payload, quieted, as CPython does on x86-64
/// (`struct.pack('<f', x)` for these doubles); done explicitly, since `as` leaves them
/// unspecified (and Miri varies them).
#[test]
fn f32_nan_bits_are_cpythons() {
    for (double, want) in [
        ("000000000000f8ff", "0000c0ff"), // -nan
        ("0000002000f8ff7f", "01c0ff7f"), // a payload
        ("000000000000f4ff", "0000e0ff"), // signalling, negative: quieted
    ] {
        let x = f64::from_le_bytes(hex(double).try_into().unwrap());
        assert!(x.is_nan());
        assert_eq!(to_hex(&enc("<f", Value0::F(x)).unwrap()), want, "{double}");
    }
}
