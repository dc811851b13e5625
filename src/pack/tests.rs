//! Unit tests for the `struct` API; expected results and messages from CPython 3.13.

use super::*;

fn v<T: Into<Value>>(x: T) -> Value {
    x.into()
}

fn err<T: std::fmt::Debug>(r: Result<T, PackError>) -> String {
    r.unwrap_err().to_string()
}

fn tuple(values: Vec<Value>) -> String {
    Value::Tuple(values).to_string()
}

#[test]
fn calcsize_and_round_trip() {
    assert_eq!(calcsize("ci").unwrap(), 8);
    assert_eq!(calcsize("qc0q").unwrap(), 16);
    assert_eq!(calcsize("").unwrap(), 0);
    assert!(calcsize("z").is_err());
    let b = pack("<hd?", &[v(-2), v(1.5), v(true)]).unwrap();
    assert_eq!(tuple(unpack("<hd?", &b).unwrap()), "(-2, 1.5, True)");
    assert_eq!(pack("", &[]).unwrap(), b"");
    assert_eq!(tuple(unpack("", b"").unwrap()), "()");
    assert_eq!(tuple(unpack("3x", b"abc").unwrap()), "()");
    assert_eq!(pack("3x", &[]).unwrap(), b"\0\0\0");
    assert_eq!(tuple(unpack("0s", b"").unwrap()), "(b'',)");
    assert_eq!(pack("3p", &[v(b"abcdef")]).unwrap(), b"\x02ab");
}

#[test]
fn values_map_to_top_level_fields() {
    // '2i' takes two values; '10s' one; 'T{ii}' one tuple; '(2)i' one list.
    assert_eq!(Struct::new("2i").unwrap().value_count(), 2);
    assert_eq!(Struct::new("10s").unwrap().value_count(), 1);
    let b = pack("<T{ii}", &[Value::Tuple(vec![v(1), v(2)])]).unwrap();
    assert_eq!(b, [1, 0, 0, 0, 2, 0, 0, 0]);
    assert_eq!(tuple(unpack("<T{ii}", &b).unwrap()), "((1, 2),)");
    let b = pack("<(2)i", &[Value::List(vec![v(1), v(2)])]).unwrap();
    assert_eq!(tuple(unpack("<(2)i", &b).unwrap()), "([1, 2],)");
    let b = pack("<i3w", &[v(7), v("hé")]).unwrap();
    assert_eq!(tuple(unpack("<i3w", &b).unwrap()), "(7, 'hé')");
    let b = pack("Zd", &[v(num_complex::Complex64::new(1.0, 2.0))]).unwrap();
    assert_eq!(tuple(unpack("Zd", &b).unwrap()), "((1+2j),)");
}

#[test]
fn api_errors_have_cpython_messages() {
    assert_eq!(
        err(pack("ii", &[v(1)])),
        "pack expected 2 items for packing (got 1)"
    );
    let mut buf = [0u8; 8];
    assert_eq!(
        err(pack_into("<i", &mut buf, 0, &[])),
        "pack_into expected 1 items for packing (got 0)"
    );
    assert_eq!(
        err(pack_into("<i", &mut buf, -3, &[v(1)])),
        "no space to pack 4 bytes at offset -3"
    );
    assert_eq!(
        err(pack_into("<i", &mut buf, -9, &[v(1)])),
        "offset -9 out of range for 8-byte buffer"
    );
    let mut small = [0u8; 4];
    assert_eq!(
        err(pack_into("<i", &mut small, 1, &[v(1)])),
        "pack_into requires a buffer of at least 5 bytes for packing 4 bytes at offset 1 (actual buffer size is 4)"
    );
    assert_eq!(
        err(pack_into("<i", &mut small, 10, &[v(1)])),
        "pack_into requires a buffer of at least 14 bytes for packing 4 bytes at offset 10 (actual buffer size is 4)"
    );
    assert_eq!(
        err(unpack("<i", b"abc")),
        "unpack requires a buffer of 4 bytes"
    );
    assert_eq!(
        err(unpack("<i", b"abcde")),
        "unpack requires a buffer of 4 bytes"
    );
    assert_eq!(
        err(unpack_from("<i", b"abcdefgh", 5)),
        "unpack_from requires a buffer of at least 9 bytes for unpacking 4 bytes at offset 5 (actual buffer size is 8)"
    );
    assert_eq!(
        err(unpack_from("<i", b"abcdefgh", -3)),
        "not enough data to unpack 4 bytes at offset -3"
    );
    assert_eq!(
        err(unpack_from("<i", b"abcdefgh", -9)),
        "offset -9 out of range for 8-byte buffer"
    );
    assert_eq!(
        err(unpack_from("", b"", 1)),
        "unpack_from requires a buffer of at least 1 bytes for unpacking 0 bytes at offset 1 (actual buffer size is 0)"
    );
    assert_eq!(
        err(unpack_from("", b"", -1)),
        "offset -1 out of range for 0-byte buffer"
    );
    assert_eq!(
        err(unpack_from("<h", b"abcdefgh", 100)),
        "unpack_from requires a buffer of at least 102 bytes for unpacking 2 bytes at offset 100 (actual buffer size is 8)"
    );
    assert_eq!(
        err(iter_unpack("0i", b"")),
        "cannot iteratively unpack with a struct of length 0"
    );
    assert_eq!(
        err(iter_unpack("<h", b"abc")),
        "iterative unpacking requires a buffer of a multiple of 2 bytes"
    );
    assert_eq!(
        err(pack("<i", &[v("x")])),
        "required argument is not an integer"
    );
    assert_eq!(
        err(pack("ci", &[v(b"a"), v(5.0)])),
        "required argument is not an integer"
    );
    // Extreme offsets do not overflow.
    assert_eq!(
        err(unpack_from("<i", b"abcdefgh", isize::MAX)),
        format!(
            "unpack_from requires a buffer of at least {} bytes for unpacking 4 bytes at offset {} (actual buffer size is 8)",
            isize::MAX as u128 + 4,
            isize::MAX
        )
    );
    assert_eq!(
        err(unpack_from("<i", b"abcdefgh", isize::MIN)),
        format!("offset {} out of range for 8-byte buffer", isize::MIN)
    );
    // A format error is a PackError::Format.
    assert!(matches!(pack("z", &[]), Err(PackError::Format(_))));
}

#[test]
fn offsets() {
    assert_eq!(
        tuple(unpack_from("<i", b"abcdefgh", -4).unwrap()),
        "(1751606885,)"
    );
    assert_eq!(
        tuple(unpack_from("<h", b"abcdefgh", 6).unwrap()),
        "(26727,)"
    );
    let mut b = [0u8; 8];
    pack_into("<h", &mut b, -2, &[v(0x4142)]).unwrap();
    assert_eq!(&b, b"\0\0\0\0\0\0BA");
    pack_into("<h", &mut b, 1, &[v(0x4142)]).unwrap();
    assert_eq!(&b, b"\0BA\0\0\0BA");
    // A failed pack_into leaves the buffer unchanged.
    assert!(pack_into("<hh", &mut b, 0, &[v(1), v(1 << 20)]).is_err());
    assert_eq!(&b, b"\0BA\0\0\0BA");
}

#[test]
fn iter_unpack_records() {
    let buf: Vec<u8> = (0..24).collect();
    let rows: Vec<String> = iter_unpack("<iQ", &buf)
        .unwrap()
        .map(|r| tuple(r.unwrap().into_vec()))
        .collect();
    assert_eq!(
        rows,
        [
            "(50462976, 795458214266537220)",
            "(252579084, 1663540288323457296)"
        ]
    );
    assert_eq!(iter_unpack("<h", b"").unwrap().count(), 0);
    let s = Struct::new("<h").unwrap();
    let mut it = s.iter_unpack(b"\x01\x00\x02\x00\x03\x00").unwrap();
    assert_eq!(it.len(), 3);
    assert_eq!(it.next_back().unwrap().unwrap(), vec![v(3)]);
    assert_eq!(it.nth(1).unwrap().unwrap(), vec![v(2)]);
    assert!(it.next().is_none());
    // Non-plain formats go through the general path.
    let rows: Vec<_> = iter_unpack("T{B(2)B}", b"\x01\x02\x03\x04\x05\x06")
        .unwrap()
        .map(|r| tuple(r.unwrap().into_vec()))
        .collect();
    assert_eq!(rows, ["((1, [2, 3]),)", "((4, [5, 6]),)"]);
    // Invalid text surfaces as an item error.
    let mut it = iter_unpack("<w", b"\x00\x00\x11\x00").unwrap();
    assert!(it.next().unwrap().is_err());
}

#[test]
fn struct_accessors() {
    let s = Struct::new("<iQ").unwrap();
    assert_eq!(s.size(), 12);
    assert_eq!(s.format(), "<iQ");
    assert_eq!(s.as_format().itemsize(), 12);
    assert_eq!(s.value_count(), 2);
    let b = s.pack(&[v(-1), v(u64::MAX)]).unwrap();
    assert_eq!(s.unpack(&b).unwrap(), vec![v(-1), v(u64::MAX)]);
    assert_eq!(s.unpack_from(&b, 0).unwrap(), vec![v(-1), v(u64::MAX)]);
    let mut out = [0u8; 14];
    s.pack_into(&mut out, 2, &[v(1), v(2)]).unwrap();
    assert_eq!(s.unpack_from(&out, -12).unwrap(), vec![v(1), v(2)]);
}

#[test]
fn allocation_free_forms() {
    let s = Struct::new("<iQ").unwrap();
    let buf = pack("<iQ<iQ", &[v(-1), v(2), v(3), v(u64::MAX)]).unwrap();
    let mut it = s.iter_unpack(&buf).unwrap();
    let mut rec = vec![v("junk")];
    assert!(it.next_into(&mut rec).unwrap().is_ok());
    assert_eq!(rec, [v(-1), v(2)]);
    assert!(it.next_into(&mut rec).unwrap().is_ok());
    assert_eq!(rec, [v(3), v(u64::MAX)]);
    assert!(it.next_into(&mut rec).is_none());
    s.unpack_into(&buf[..12], &mut rec).unwrap();
    assert_eq!(rec, [v(-1), v(2)]);
    assert_eq!(
        err(s.unpack_into(&buf, &mut rec)),
        "unpack requires a buffer of 12 bytes"
    );
    // General formats work too.
    let g = Struct::new("T{ii}w").unwrap();
    let b = g.pack(&[Value::Tuple(vec![v(1), v(2)]), v("x")]).unwrap();
    g.unpack_into(&b, &mut rec).unwrap();
    assert_eq!(tuple(rec), "((1, 2), 'x')");
}

#[test]
fn fast_and_general_paths_agree() {
    // Every fast-path code, in both byte orders, against the general codec.
    let bytes: Vec<u8> = (0u8..64)
        .map(|i| i.wrapping_mul(37).wrapping_add(11))
        .collect();
    for prefix in ["<", ">", "@", "="] {
        for code in [
            "b", "B", "h", "H", "i", "I", "l", "L", "q", "Q", "e", "f", "d", "?", "c", "s", "0s",
            "5s",
        ] {
            let fmt = format!("{prefix}{code}{code}");
            let s = Struct::new(&fmt).unwrap();
            assert!(matches!(s.plan, Plan::Fast(_)), "{fmt}");
            let n = s.size();
            let fast = s.unpack(&bytes[..n]).unwrap();
            let general = codec::decode_fields(s.as_format().layout(), &bytes[..n]).unwrap();
            assert_eq!(
                Value::Tuple(fast).to_string(),
                Value::Tuple(general).to_string(),
                "{fmt}"
            );
        }
    }
    for fmt in ["n", "N", "P"] {
        assert!(
            matches!(Struct::new(fmt).unwrap().plan, Plan::Fast(_)),
            "{fmt}"
        );
    }
    for fmt in ["70000s", "p", "3p", "g", "Zd", "w", "T{i}", "(2)i"] {
        assert_eq!(Struct::new(fmt).unwrap().plan, Plan::General, "{fmt}");
    }
}

#[test]
fn one_pass_structs_equal_parsed_ones() {
    // `Struct::new` lays plain formats out without a `Format`; everything it reports must be
    // what the parsed format says, and its `Format` (made on first use) that format.
    for fmt in [
        "",
        "<",
        "i",
        " <2h x 3s ?",
        "@bq",
        "=bq",
        ">i0q",
        "!3e2x",
        "@ci5s2d",
        "<bBhHiIlLqQefd?sbBhHiIlLqQefd?s",
        "@nNP",
        "65536x",
        "65536B",
        "65537B",
        "3x",
        "0i",
        "p",
        "<T{i}",
        "10000000000000000000000i",
        "i<",
    ] {
        let parsed = Format::parse(fmt).map(Struct::from_format);
        let new = Struct::new(fmt);
        match (&new, &parsed) {
            (Ok(new), Ok(parsed)) => {
                assert_eq!(new.plan, parsed.plan, "{fmt:?}");
                assert_eq!(new.size(), parsed.size(), "{fmt:?}");
                assert_eq!(new.value_count(), parsed.value_count(), "{fmt:?}");
                assert_eq!(new.format(), fmt);
                assert_eq!(new, parsed, "{fmt:?}");
                assert_eq!(new.as_format(), parsed.as_format(), "{fmt:?}");
                assert_eq!(format!("{new:?}"), format!("{parsed:?}"), "{fmt:?}");
                let bytes: Vec<u8> = (0..new.size()).map(|i| (i * 7) as u8).collect();
                // As text: NaN values are not equal to themselves.
                let want = format!("{:?}", parsed.unpack(&bytes));
                assert_eq!(format!("{:?}", new.unpack(&bytes)), want, "{fmt:?}");
                assert_eq!(format!("{:?}", new.clone().unpack(&bytes)), want, "{fmt:?}");
            }
            (Err(a), Err(b)) => assert_eq!(a.to_string(), b.to_string(), "{fmt:?}"),
            _ => panic!("{fmt:?}: {new:?} but {parsed:?}"),
        }
    }
}

#[test]
fn records_inline_and_on_the_heap() {
    // Two values: inline. Every Record method agrees with the Vec that unpack returns.
    let buf = pack("<iQ", &[v(-1), v(7u64)]).unwrap();
    let r = iter_unpack("<iQ", &buf).unwrap().next().unwrap().unwrap();
    let want = unpack("<iQ", &buf).unwrap();
    assert_eq!(r, want);
    assert_eq!(want, r);
    assert_eq!(r, [v(-1), v(7)]);
    assert_eq!(r, want[..]);
    assert_eq!(want[..], r);
    assert_eq!(r.len(), 2);
    assert_eq!(&r[..], &want[..]);
    assert_eq!(format!("{r:?}"), format!("{want:?}"));
    assert_eq!(r.clone(), r);
    assert_eq!((&r).into_iter().count(), 2);
    let mut it = r.clone().into_iter();
    assert_eq!(it.len(), 2);
    assert_eq!(it.next_back(), Some(v(7)));
    assert_eq!(it.next(), Some(v(-1)));
    assert_eq!(it.next(), None);
    assert_eq!(r.clone().into_iter().collect::<Vec<_>>(), want);
    assert_eq!(Vec::from(r.clone()), want);
    let mut m = r.clone();
    m[0] = v(5);
    assert_eq!(m.into_vec(), [v(5), v(7)]);
    assert_ne!(r, [v(-1)]);
    // A heap value stored into an inline record of numbers is still dropped (Miri checks
    // for leaks).
    let mut m = iter_unpack("<bb", &[1, 2])
        .unwrap()
        .next()
        .unwrap()
        .unwrap();
    m[1] = Value::Bytes(vec![7; 100]);
    assert_eq!(m[1].to_string().len(), 403);
    drop(m);
    // Exactly three values: still inline; four, or a general format: a Vec inside.
    for fmt in ["<bbb", "<bbbb", "<bbbbb", "T{bb}", "<w", ""] {
        let s = Struct::new(fmt).unwrap();
        let n = s.value_count();
        let values: Vec<Value> = match fmt {
            "T{bb}" => vec![Value::Tuple(vec![v(1), v(2)])],
            "<w" => vec![v("x")],
            _ => (1..=n as i64).map(v).collect(),
        };
        let bytes = s.pack(&values).unwrap();
        let mut doubled = bytes.clone();
        doubled.extend_from_slice(&bytes);
        if s.size() == 0 {
            assert!(s.iter_unpack(&doubled).is_err());
            continue;
        }
        for r in s.iter_unpack(&doubled).unwrap() {
            let r = r.unwrap();
            assert_eq!(r, values, "{fmt}");
            assert_eq!(r.len(), n, "{fmt}");
            assert_eq!(r.clone().into_iter().collect::<Vec<_>>(), values, "{fmt}");
            assert_eq!(r.into_vec(), values, "{fmt}");
        }
    }
    let heap = Record::from(vec![v(1), v(2), v(3), v(4), v(5)]);
    assert_eq!(heap.len(), 5);
    assert_eq!(heap.into_iter().next_back(), Some(v(5)));
}

mod typed {
    use super::*;
    use half::f16;
    use num_complex::Complex;
    use proptest::prelude::*;

    #[test]
    fn numbers_in_any_byte_order() {
        let b = pack("<iQ", &[v(-5), v(u64::MAX)]).unwrap();
        assert_eq!(unpack_as::<(i32, u64)>("<iQ", &b).unwrap(), (-5, u64::MAX));
        let b = pack(">hd", &[v(-2), v(0.25)]).unwrap();
        assert_eq!(unpack_as::<(i16, f64)>(">hd", &b).unwrap(), (-2, 0.25));
        let b = pack("!e", &[v(1.5)]).unwrap();
        assert_eq!(unpack_as::<f16>("!e", &b).unwrap(), f16::from_f32(1.5));
        assert_eq!(
            unpack_as::<(f16,)>("!e", &b).unwrap(),
            (f16::from_f32(1.5),)
        );
        let c = Value::Complex(num_complex::Complex64::new(1.0, -2.0));
        let b = pack(">Zd<Zf", &[c.clone(), c]).unwrap();
        assert_eq!(
            unpack_as::<(Complex<f64>, Complex<f32>)>(">Zd<Zf", &b).unwrap(),
            (Complex::new(1.0, -2.0), Complex::new(1.0f32, -2.0))
        );
        let b = pack("<3f", &[v(1.0), v(2.0), v(-0.5)]).unwrap();
        assert_eq!(unpack_as::<[f32; 3]>("<3f", &b).unwrap(), [1.0, 2.0, -0.5]);
        assert_eq!(
            unpack_as::<(f32, f32, f32)>("<3f", &b).unwrap(),
            (1.0, 2.0, -0.5)
        );
    }

    #[test]
    fn padding_alignment_and_bools_follow_struct() {
        // Native alignment puts the q at 8; `x` is skipped; `?` is true for any non-zero byte.
        let mut b = pack("@bq", &[v(-1), v(1i64 << 40)]).unwrap();
        assert_eq!(b.len(), 16);
        assert_eq!(unpack_as::<(i8, i64)>("@bq", &b).unwrap(), (-1, 1 << 40));
        b = vec![7, 0, 0, 2, 1];
        assert_eq!(
            unpack_as::<(u8, bool, u8)>("<B2x?B", &b).unwrap(),
            (7, true, 1)
        );
        assert!(unpack_as::<(u8, bool)>("<B2x?B", &b).is_err());
        assert_eq!(tuple(unpack("<B2x?B", &b).unwrap()), "(7, True, 1)");
    }

    #[test]
    fn mismatches_name_the_value_and_the_type() {
        let b = pack("<iQ", &[v(1), v(2)]).unwrap();
        assert_eq!(
            err(unpack_as::<(i32, i64)>("<iQ", &b)),
            "unpack_as: value 1 of the record is 'Q' (8 bytes, an unsigned integer), which does \
             not match the Rust type at that position in (i32, i64)"
        );
        assert_eq!(
            err(unpack_as::<(i64, u64)>("<iQ", &b)),
            "unpack_as: value 0 of the record is 'i' (4 bytes, a signed integer), which does \
             not match the Rust type at that position in (i64, u64)"
        );
        assert_eq!(
            err(unpack_as::<[i32; 3]>("<iQ", &b)),
            "unpack_as: the format has 2 scalars per record, but [i32; 3] holds 3"
        );
        assert_eq!(
            err(unpack_as::<(i32, u64)>("<iQ", &b[..11])),
            "unpack requires a buffer of 12 bytes"
        );
        // Scalars are counted one by one: a sub-array of 2 is 2 (it was "2 values").
        assert_eq!(
            err(unpack_as::<(i32, i32)>("i(2)i", &[0; 12])),
            "unpack_as: the format has 3 scalars per record, but (i32, i32) holds 2"
        );
        assert_eq!(
            err(unpack_as::<(u32, f64, bool)>("T{I(3)d?}", &[0; 40])),
            "unpack_as: the format has 5 scalars per record, but (u32, f64, bool) holds 3"
        );
        assert_eq!(
            err(unpack_as::<(u32, [f64; 3], u8)>("<I(3)d?", &[0; 29])),
            "unpack_as: value 4 of the record is '?' (1 bytes, a bool), which does not match \
             the Rust type at that position in (u32, [f64; 3], u8)"
        );
        assert_eq!(
            err(unpack_as::<(u8, u8)>("c3s", &[0; 4])),
            "unpack_as: value 0 of the record is 'c' (1 bytes, a byte), which does not match \
             the Rust type at that position in (u8, u8)"
        );
        assert!(matches!(
            unpack_as::<u8>("B(", &[0]),
            Err(PackError::Format(_))
        ));
        assert_eq!(
            err(iter_unpack_as::<(i32, u64)>("<iQ", &[0; 13])),
            "iterative unpacking requires a buffer of a multiple of 12 bytes"
        );
    }

    #[test]
    fn a_lone_struct_reads_as_its_fields() {
        let b = pack("<iQ", &[v(-3), v(9)]).unwrap();
        let named = "T{<i:id:Q:count:}";
        assert_eq!(unpack_as::<(i32, u64)>(named, &b).unwrap(), (-3, 9));
        // Inside it, sub-arrays and nested records are read scalar by scalar.
        assert_eq!(unpack_as::<[i32; 2]>("<T{2i}", &b[..8]).unwrap(), [-3, 9]);
        assert_eq!(
            unpack_as::<(i32, i32)>("<T{iT{i}}", &b[..8]).unwrap(),
            (-3, 9)
        );
        assert_eq!(
            unpack_as::<(i32, [i32; 1])>("<iT{i}", &b[..8]).unwrap(),
            (-3, [9])
        );
        // Huge counts are refused by arity, not allocated.
        assert_eq!(
            err(unpack_as::<u8>(
                "4611686018427387903x4611686018427387903B",
                &[]
            )),
            "unpack_as: the format has 4611686018427387903 scalars per record, but u8 holds 1"
        );
    }

    #[test]
    fn sub_arrays_read_as_arrays_or_separate_values() {
        let values = [v(7), v(0.5), v(1.5), v(-2.5), v(true)];
        for fmt in [
            "<I(3)d?",
            "<I3d?",
            "<Iddd?",
            "<T{I:id:4x(3)d:pos:?:flag:7x}",
        ] {
            let b = pack("<I3d?", &values).unwrap();
            let b = if fmt.starts_with("<T") {
                // NumPy's aligned layout of the same fields, in explicit padding.
                pack("<I4x3d?7x", &values).unwrap()
            } else {
                b
            };
            let want = (7u32, [0.5, 1.5, -2.5], true);
            assert_eq!(
                unpack_as::<(u32, [f64; 3], bool)>(fmt, &b).unwrap(),
                want,
                "{fmt}"
            );
            assert_eq!(
                unpack_as::<(u32, f64, f64, f64, bool)>(fmt, &b).unwrap(),
                (7, 0.5, 1.5, -2.5, true),
                "{fmt}"
            );
            let rows: Vec<(u32, [f64; 3], bool)> = iter_unpack_as(fmt, &b).unwrap().collect();
            assert_eq!(rows, [want], "{fmt}");
        }
        // Arrays of arrays, and 2-D sub-arrays.
        let b: Vec<u8> = (0..6i16).flat_map(i16::to_be_bytes).collect();
        assert_eq!(
            unpack_as::<[[i16; 3]; 2]>(">(2,3)h", &b).unwrap(),
            [[0, 1, 2], [3, 4, 5]]
        );
    }

    #[test]
    fn iterator_walks_both_ways() {
        let values: Vec<Value> = (0..10).flat_map(|k| [v(-k), v(k * 100)]).collect();
        let fmt = "<iQ".repeat(10);
        let b = pack(&fmt, &values).unwrap();
        let st = Struct::new("<iQ").unwrap();
        let it = st.iter_unpack_as::<(i32, u64)>(&b).unwrap();
        assert_eq!(it.len(), 10);
        let all: Vec<(i32, u64)> = it.clone().collect();
        assert_eq!(
            all,
            (0..10).map(|k| (-k, k as u64 * 100)).collect::<Vec<_>>()
        );
        assert_eq!(it.clone().next_back(), Some((-9, 900)));
        assert_eq!(it.clone().nth(3), Some((-3, 300)));
        assert_eq!(it.clone().nth(10), None);
        assert!(format!("{it:?}").contains("remaining: 10"));
        assert_eq!(iter_unpack_as::<(i32, u64)>("<iQ", &[]).unwrap().count(), 0);
    }

    proptest! {
        /// The typed path agrees with the `Value` path on every record.
        #[test]
        fn agrees_with_unpack(bytes in proptest::collection::vec(any::<u8>(), 25), big in any::<bool>()) {
            let fmt = if big { ">hQ?xfbd" } else { "<hQ?xfbd" };
            let typed = unpack_as::<(i16, u64, bool, f32, i8, f64)>(fmt, &bytes).unwrap();
            let values = unpack(fmt, &bytes).unwrap();
            let expect = vec![
                v(typed.0), v(typed.1), v(typed.2), v(f64::from(typed.3)), v(typed.4), v(typed.5),
            ];
            // By text: NaN != NaN, but both print `nan`.
            prop_assert_eq!(tuple(values), tuple(expect));
        }
    }
}
