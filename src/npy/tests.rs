//! Headers of every version and kind of dtype, and hostile files: every one is an error that
//! names its numbers, never a panic.

use super::*;

/// A `.npy` file as `np.save` writes it: magic, version, header length, the dict padded with
/// spaces to a multiple of 64 bytes in all, a newline, then `data`.
fn npy_file(version: u8, dict: &str, data: &[u8]) -> Vec<u8> {
    let mut file = MAGIC.to_vec();
    file.extend_from_slice(&[version, 0]);
    let len_size = if version == 1 { 2 } else { 4 };
    let body: Vec<u8> = if version == 3 {
        dict.as_bytes().to_vec()
    } else {
        // Latin-1.
        dict.chars()
            .map(|c| u8::try_from(u32::from(c)).unwrap())
            .collect()
    };
    let unpadded = 8 + len_size + body.len() + 1;
    let header_len = body.len() + 1 + (64 - unpadded % 64) % 64;
    if version == 1 {
        file.extend_from_slice(&u16::try_from(header_len).unwrap().to_le_bytes());
    } else {
        file.extend_from_slice(&u32::try_from(header_len).unwrap().to_le_bytes());
    }
    file.extend_from_slice(&body);
    file.resize(8 + len_size + header_len - 1, b' ');
    file.push(b'\n');
    assert_eq!(file.len() % 64, 0);
    file.extend_from_slice(data);
    file
}

fn dict(descr: &str, fortran: bool, shape: &str) -> String {
    let order = if fortran { "True" } else { "False" };
    format!("{{'descr': {descr}, 'fortran_order': {order}, 'shape': {shape}, }}")
}

fn le_i32s(values: &[i32]) -> Vec<u8> {
    values.iter().flat_map(|v| v.to_le_bytes()).collect()
}

fn list_of(file: &[u8]) -> String {
    view(file).unwrap().to_list().unwrap().to_string()
}

fn err_of(file: &[u8]) -> NpyError {
    match view(file) {
        Ok(v) => panic!("expected an error, got a view of shape {:?}", v.shape()),
        Err(e) => e,
    }
}

// ----- versions ----------------------------------------------------------------------------

#[test]
fn version_1_0() {
    let file = npy_file(
        1,
        &dict("'<i4'", false, "(2, 3)"),
        &le_i32s(&[0, 1, 2, 3, 4, 5]),
    );
    let h = Header::parse(&file).unwrap();
    assert_eq!(h.version(), (1, 0));
    assert_eq!(h.descr(), "'<i4'");
    assert_eq!(h.format(), "<i");
    assert_eq!(h.shape(), &[2, 3]);
    assert!(!h.fortran_order());
    assert_eq!(h.data_offset(), 128);
    assert_eq!(h.note(), None);
    assert_eq!(h.data_len(), Ok(24));
    assert_eq!(h.strides(), Ok(vec![12, 4]));
    let v = h.view(&file).unwrap();
    assert_eq!(v.format().as_str(), "<i");
    assert_eq!((v.itemsize(), v.offset()), (4, 0));
    assert_eq!(v.to_list().unwrap().to_string(), "[[0, 1, 2], [3, 4, 5]]");
}

#[test]
fn version_2_0_has_a_four_byte_length() {
    let file = npy_file(2, &dict("'>u2'", false, "(3,)"), &[0, 1, 1, 0, 255, 255]);
    let h = Header::parse(&file).unwrap();
    assert_eq!(h.version(), (2, 0));
    assert_eq!(h.data_offset(), 128);
    assert_eq!(list_of(&file), "[1, 256, 65535]");
    // Latin-1 header text: byte 0xe9 is 'é' in a field name.
    let file = npy_file(2, &dict("[('\u{e9}', '|u1')]", false, "(1,)"), &[7]);
    assert_eq!(Header::parse(&file).unwrap().format(), "T{B:\u{e9}:}");
}

#[test]
fn version_3_0_is_utf8() {
    let file = npy_file(
        3,
        &dict("[('\u{3bb}', '<f8'), ('n', '<i2')]", false, "(1,)"),
        &{
            let mut d = 20.5f64.to_le_bytes().to_vec();
            d.extend_from_slice(&3i16.to_le_bytes());
            d
        },
    );
    let h = Header::parse(&file).unwrap();
    assert_eq!(h.version(), (3, 0));
    assert_eq!(h.format(), "T{<d:\u{3bb}:<h:n:}");
    assert_eq!(list_of(&file), "[(20.5, 3)]");
    // Invalid UTF-8 in a version 3 header.
    let mut bad = npy_file(3, &dict("'<f8'", false, "()"), &[0; 8]);
    bad[13] = 0xff;
    match Header::parse(&bad).unwrap_err() {
        NpyError::HeaderNotUtf8 { error } => assert_eq!(error.valid_up_to(), 1),
        other => panic!("{other:?}"),
    }
}

#[test]
fn other_versions_are_refused() {
    let mut file = npy_file(1, &dict("'<f8'", false, "()"), &[0; 8]);
    file[6] = 4;
    file[7] = 1;
    let e = Header::parse(&file).unwrap_err();
    assert_eq!(e, NpyError::VersionUnsupported { major: 4, minor: 1 });
    assert_eq!(
        e.to_string(),
        ".npy format version 4.1 is not supported (known: 1.0, 2.0, 3.0)"
    );
}

// ----- order, shapes -----------------------------------------------------------------------

#[test]
fn fortran_order_gives_column_major_strides() {
    // np.asfortranarray(np.arange(6).reshape(2, 3)): memory holds 0 3 1 4 2 5.
    let file = npy_file(
        1,
        &dict("'<i4'", true, "(2, 3)"),
        &le_i32s(&[0, 3, 1, 4, 2, 5]),
    );
    let h = Header::parse(&file).unwrap();
    assert!(h.fortran_order());
    assert_eq!(h.strides(), Ok(vec![4, 8]));
    let v = h.view(&file).unwrap();
    assert_eq!(v.strides(), &[4, 8]);
    assert_eq!(v.to_list().unwrap().to_string(), "[[0, 1, 2], [3, 4, 5]]");
    // 3-D, big-endian.
    let data: Vec<u8> = (0..24i16).flat_map(|i| i.to_be_bytes()).collect();
    let file = npy_file(1, &dict("'>i2'", true, "(2, 3, 4)"), &data);
    assert_eq!(view(&file).unwrap().strides(), &[2, 4, 12]);
}

#[test]
fn zero_d_and_empty_arrays() {
    let file = npy_file(1, &dict("'<f8'", false, "()"), &3.25f64.to_le_bytes());
    let v = view(&file).unwrap();
    assert_eq!(v.shape(), &[] as &[usize]);
    assert_eq!(v.to_list().unwrap().to_string(), "3.25");
    let file = npy_file(1, &dict("'<f8'", false, "(0, 3)"), &[]);
    let h = Header::parse(&file).unwrap();
    assert_eq!((h.data_len(), h.strides()), (Ok(0), Ok(vec![24, 8])));
    assert_eq!(list_of(&file), "[]");
    let file = npy_file(1, &dict("'<i2'", true, "(2, 0)"), &[]);
    assert_eq!(list_of(&file), "[[], []]");
    // A zero dimension makes any other dimension fit, as in NumPy.
    let file = npy_file(1, &dict("'<f8'", false, "(0, 4611686018427387904)"), &[]);
    assert_eq!(Header::parse(&file).unwrap().data_len(), Ok(0));
}

#[test]
fn trailing_bytes_are_ignored() {
    let mut file = npy_file(1, &dict("'|u1'", false, "(3,)"), &[1, 2, 3]);
    file.extend_from_slice(b"trailing junk");
    let h = Header::parse(&file).unwrap();
    assert_eq!(h.data(&file), Ok(&[1u8, 2, 3][..]));
    let v = h.view(&file).unwrap();
    assert_eq!(v.to_list().unwrap().to_string(), "[1, 2, 3]");
    assert_eq!(v.as_contiguous_bytes(), Some(&[1u8, 2, 3][..]));
}

#[test]
fn the_view_borrows_the_file() {
    let file = npy_file(1, &dict("'<f8'", false, "(2,)"), &[0; 16]);
    let v = view(&file).unwrap();
    let data = v.as_contiguous_bytes().unwrap();
    assert_eq!(data.as_ptr(), file[128..].as_ptr());
}

// ----- dtypes ------------------------------------------------------------------------------

fn fmt_of(descr: &str) -> Result<String, NpyError> {
    let file = npy_file(1, &dict(descr, false, "(1,)"), &[]);
    Header::parse(&file).map(|h| h.format().to_owned())
}

#[test]
fn simple_dtypes() {
    for (descr, format) in [
        ("'<f8'", "<d"),
        ("'>i2'", ">h"),
        ("'|u1'", "B"),
        ("'|i1'", "b"),
        ("'|b1'", "?"),
        ("'<u4'", "<I"),
        ("'<i8'", "<q"),
        ("'>u8'", ">Q"),
        ("'<f2'", "<e"),
        ("'>f4'", ">f"),
        ("'<c8'", "<Zf"),
        ("'>c16'", ">Zd"),
        ("'|S5'", "5s"),
        ("'|a2'", "2s"),
        ("'|V4'", "4s"),
        ("'<U3'", "<3w"),
        // One character is 4 bytes: the byte order stays.
        ("'>U1'", ">1w"),
        ("'<U1'", "<1w"),
        ("'=i4'", "=i"),
        ("'i4'", "=i"),
    ] {
        assert_eq!(fmt_of(descr).as_deref(), Ok(format), "{descr}");
    }
    // long double, where it is wider than double (16 bytes on x86-64 and aarch64 Linux).
    let g = crate::calcsize("g").unwrap();
    if g > 8 {
        assert_eq!(fmt_of(&format!("'<f{g}'")).as_deref(), Ok("<g"));
        assert_eq!(fmt_of(&format!("'>c{}'", 2 * g)).as_deref(), Ok(">Zg"));
    }
}

#[test]
fn structured_dtypes() {
    assert_eq!(
        fmt_of("[('x', '<i4'), ('y', '>f8', (2,))]").as_deref(),
        Ok("T{<i:x:(2)>d:y:}")
    );
    // Nested structs and a 2-D sub-array; a bare integer sub-array shape.
    assert_eq!(
        fmt_of("[('id', '<u2'), ('pos', [('x', '<f4'), ('y', '<f4')]), ('m', '|u1', (2, 3)), ('k', '<i2', 4)]")
            .as_deref(),
        Ok("T{<H:id:T{<f:x:<f:y:}:pos:(2,3)B:m:(4)<h:k:}")
    );
    // An empty sub-array shape is no sub-array.
    assert_eq!(fmt_of("[('x', '<i4', ())]").as_deref(), Ok("T{<i:x:}"));
    // The layout of the structured fixture tests/fixtures/ndarray/packed_records.npy.
    let mut data = Vec::new();
    for x in [1.0f32, 1.0, 1.0] {
        data.extend_from_slice(&x.to_le_bytes());
    }
    data.extend([1i16, 2].iter().flat_map(|v| v.to_le_bytes()));
    let file = npy_file(
        1,
        &dict(
            "[('a', '<f4'), ('b', '<c8'), ('m', '<i2', (2,))]",
            false,
            "(1,)",
        ),
        &data,
    );
    assert_eq!(view(&file).unwrap().itemsize(), 16);
    assert_eq!(list_of(&file), "[(1.0, (1+1j), [1, 2])]");
}

#[test]
fn titles_are_dropped_names_kept() {
    assert_eq!(
        fmt_of("[(('Temperature', 't'), '<f4'), ('n', '|u1')]").as_deref(),
        Ok("T{<f:t:B:n:}")
    );
}

#[test]
fn unnamed_void_fields_are_padding() {
    assert_eq!(
        fmt_of("[('a', '|i1'), ('', '|V3'), ('b', '<i4'), ('', '|V4')]").as_deref(),
        Ok("T{b:a:3x<i:b:4x}")
    );
    // np.dtype([('a', 'u1'), ('b', '<f8')], align=True), as np.save writes it.
    let mut data = vec![1u8, 0, 0, 0, 0, 0, 0, 0];
    data.extend_from_slice(&0.25f64.to_le_bytes());
    let file = npy_file(
        1,
        &dict("[('a', '|u1'), ('', '|V7'), ('b', '<f8')]", false, "(1,)"),
        &data,
    );
    let v = view(&file).unwrap();
    assert_eq!((v.format().as_str(), v.itemsize()), ("T{B:a:7x<d:b:}", 16));
    assert_eq!(v.to_list().unwrap().to_string(), "[(1, 0.25)]");
    // A named void field is bytes.
    assert_eq!(fmt_of("[('raw', '|V2')]").as_deref(), Ok("T{2s:raw:}"));
}

#[test]
fn datetimes_are_int64_ticks_with_a_note() {
    let data: Vec<u8> = [0i64, 86400, -1]
        .iter()
        .flat_map(|v| v.to_le_bytes())
        .collect();
    let file = npy_file(1, &dict("'<M8[s]'", false, "(3,)"), &data);
    let h = Header::parse(&file).unwrap();
    assert_eq!(h.format(), "<q");
    assert_eq!(
        h.note(),
        Some("datetime64[s] values are shown as int64 tick counts (PEP 3118 has no date type)")
    );
    assert_eq!(list_of(&file), "[0, 86400, -1]");
    let file = npy_file(1, &dict("'>m8[ns]'", false, "(1,)"), &[0; 8]);
    let h = Header::parse(&file).unwrap();
    assert_eq!(h.format(), ">q");
    assert!(h.note().unwrap().starts_with("timedelta64[ns] values"));
    // Inside a struct too.
    assert_eq!(fmt_of("[('t', '<M8[D]')]").as_deref(), Ok("T{<q:t:}"));
}

#[test]
fn object_arrays_are_refused() {
    let e = fmt_of("'|O'").unwrap_err();
    assert_eq!(
        e,
        NpyError::TypestrObject {
            typestr: "|O".into()
        }
    );
    assert_eq!(
        e.to_string(),
        "dtype \"|O\" is an object array: its data is pickled Python objects, not raw values"
    );
    assert!(matches!(
        fmt_of("[('x', '<i4'), ('o', '|O')]"),
        Err(NpyError::TypestrObject { .. })
    ));
}

#[test]
fn bad_descriptors() {
    let cases: &[(&str, NpyError)] = &[
        (
            "'<f3'",
            NpyError::TypestrUnsupported {
                typestr: "<f3".into(),
            },
        ),
        (
            "'<i16'",
            NpyError::TypestrUnsupported {
                typestr: "<i16".into(),
            },
        ),
        (
            "'<i4junk'",
            NpyError::TypestrUnsupported {
                typestr: "<i4junk".into(),
            },
        ),
        (
            "'<M4'",
            NpyError::TypestrUnsupported {
                typestr: "<M4".into(),
            },
        ),
        (
            "'<'",
            NpyError::TypestrEmpty {
                typestr: "<".into(),
            },
        ),
        ("''", NpyError::TypestrEmpty { typestr: "".into() }),
        (
            "'|V99999999999999999999999'",
            NpyError::TypestrSizeInvalid {
                typestr: "|V99999999999999999999999".into(),
                size: "99999999999999999999999".into(),
            },
        ),
        ("3", NpyError::DescrNotUnderstood { descr: "3".into() }),
        (
            "[['x', '<i4']]",
            NpyError::FieldNotTuple {
                field: "['x', '<i4']".into(),
            },
        ),
        (
            "[('x',)]",
            NpyError::FieldItemCount {
                field: "('x',)".into(),
            },
        ),
        (
            "[(1, '<i4')]",
            NpyError::FieldNameNotString { name: "1".into() },
        ),
        (
            "[(('t', 2), '<i4')]",
            NpyError::FieldNameNotString { name: "2".into() },
        ),
        (
            "[('a:b', '<i4')]",
            NpyError::FieldNameInexpressible { name: "a:b".into() },
        ),
        ("[('x', 4)]", NpyError::FieldTypeInvalid { ty: "4".into() }),
        (
            "[('x', '<i4', [2])]",
            NpyError::SubarrayShapeInvalid {
                shape: "[2]".into(),
            },
        ),
        (
            "[('x', '<i4', (-2,))]",
            NpyError::SubarrayDimensionInvalid { dim: "-2".into() },
        ),
    ];
    for (descr, want) in cases {
        assert_eq!(fmt_of(descr).as_ref(), Err(want), "{descr}");
    }
    assert_eq!(
        fmt_of("[('x', '<i4'), ('y', '<f3')]")
            .unwrap_err()
            .to_string(),
        "dtype \"<f3\" has no PEP 3118 equivalent"
    );
    assert_eq!(
        fmt_of("[['x', '<i4']]").unwrap_err().to_string(),
        "dtype field ['x', '<i4'] is not a tuple"
    );
}

#[test]
fn public_descr_to_format() {
    assert_eq!(descr_to_format("<f8").as_deref(), Ok("<d"));
    assert_eq!(descr_to_format(" '|b1' ").as_deref(), Ok("?"));
    assert_eq!(descr_to_format("\"<U2\"").as_deref(), Ok("<2w"));
    assert_eq!(
        descr_to_format("[('x', '<i4'), ('', '|V4')]").as_deref(),
        Ok("T{<i:x:4x}")
    );
    assert!(matches!(
        descr_to_format("[('x', '<i4'"),
        Err(NpyError::HeaderNotLiteral { .. })
    ));
}

#[test]
fn unreadable_formats_and_views() {
    // A sub-array too large for the format engine.
    let file = npy_file(
        1,
        &dict("[('x', '<f8', (99999999999999999999,))]", false, "(1,)"),
        &[],
    );
    let h = Header::parse(&file).unwrap();
    let e = h.view(&file).unwrap_err();
    assert!(matches!(e, NpyError::FormatUnreadable { .. }), "{e:?}");
    assert!(
        e.to_string().starts_with(
            "dtype [('x', '<f8', (99999999999999999999,))] translates to the format \
             'T{(99999999999999999999)<d:x:}', which memview cannot read: "
        ),
        "{e}"
    );
    // The message shows the format error; the chain does not repeat it.
    assert!(std::error::Error::source(&e).is_none());
    // Item size 0.
    let file = npy_file(1, &dict("'|S0'", false, "(3,)"), &[]);
    assert_eq!(err_of(&file), NpyError::View(ViewError::ItemsizeZero));
    // More than 64 dimensions.
    let shape = format!("({})", vec!["1"; 65].join(", "));
    let file = npy_file(1, &dict("'|u1'", false, &shape), &[0]);
    assert_eq!(
        err_of(&file),
        NpyError::View(ViewError::TooManyDimensions { ndim: 65 })
    );
}

// ----- hostile headers ---------------------------------------------------------------------

#[test]
fn not_npy() {
    assert!(!is_npy(b"PK\x03\x04"));
    assert_eq!(Header::parse(b"").unwrap_err(), NpyError::MagicMissing);
    assert_eq!(
        Header::parse(b"\x93NUMP").unwrap_err(),
        NpyError::MagicMissing
    );
    assert_eq!(
        NpyError::MagicMissing.to_string(),
        "not a .npy file (it does not start with \\x93NUMPY)"
    );
}

#[test]
fn truncated_everywhere() {
    let file = npy_file(1, &dict("'<i4'", false, "(3, 4)"), &le_i32s(&[7; 12]));
    assert_eq!(
        Header::parse(&file[..7]).unwrap_err(),
        NpyError::VersionTruncated { file_len: 7 }
    );
    assert_eq!(
        Header::parse(&file[..9]).unwrap_err(),
        NpyError::HeaderLengthTruncated { file_len: 9 }
    );
    let e = Header::parse(&file[..40]).unwrap_err();
    assert_eq!(
        e,
        NpyError::HeaderTruncated {
            header_len: 118,
            start: 10,
            file_len: 40
        }
    );
    assert_eq!(
        e.to_string(),
        "truncated .npy file: the header claims 118 bytes after byte 10, but the file has only 40 bytes"
    );
    assert_eq!(
        NpyError::VersionTruncated { file_len: 7 }.to_string(),
        "truncated .npy file: 7 bytes, the header is incomplete"
    );
    assert_eq!(
        NpyError::HeaderLengthTruncated { file_len: 9 }.to_string(),
        "truncated .npy file: 9 bytes, the header length is missing"
    );
    // Every prefix is an error (or, from the data on, a truncated-data error); none panics.
    for n in 0..file.len() {
        let e = err_of(&file[..n]);
        if n >= 128 {
            assert!(matches!(e, NpyError::DataTruncated { .. }), "{n}: {e:?}");
        }
    }
    assert!(view(&file).is_ok());
}

#[test]
fn data_too_short_names_the_byte_counts() {
    let file = npy_file(
        1,
        &dict("'<i4'", false, "(3, 4)"),
        &le_i32s(&[1, 2, 3, 4, 5]),
    );
    let e = err_of(&file);
    assert_eq!(
        e,
        NpyError::DataTruncated {
            shape: vec![3, 4],
            descr: "'<i4'".into(),
            needed: Some(48),
            available: 20
        }
    );
    assert_eq!(
        e.to_string(),
        "truncated .npy file: the header says shape (3, 4) of dtype '<i4' (48 bytes of data), \
         but only 20 bytes follow the header"
    );
    let h = Header::parse(&file).unwrap();
    assert_eq!(h.data(&file), Err(e));
    // A 1-D shape prints as Python's one-tuple.
    let file = npy_file(1, &dict("'<i4'", false, "(3,)"), &[]);
    assert!(err_of(&file)
        .to_string()
        .contains("shape (3,) of dtype '<i4' (12 bytes of data), but only 0 bytes"));
}

#[test]
fn huge_header_length() {
    // Version 2: a 4 GiB header in a 20-byte file.
    let mut file = MAGIC.to_vec();
    file.extend_from_slice(&[2, 0, 0xff, 0xff, 0xff, 0xff]);
    file.extend_from_slice(b"{}      ");
    assert_eq!(
        Header::parse(&file).unwrap_err(),
        NpyError::HeaderTruncated {
            header_len: 0xffff_ffff,
            start: 12,
            file_len: 20
        }
    );
    // Version 1: 65535 bytes claimed.
    let mut file = MAGIC.to_vec();
    file.extend_from_slice(&[1, 0, 0xff, 0xff]);
    file.extend_from_slice(b"{'descr': '<f8'");
    assert!(matches!(
        Header::parse(&file).unwrap_err(),
        NpyError::HeaderTruncated {
            header_len: 65535,
            ..
        }
    ));
    // A genuinely large header (1 MiB of padding) is read; its cost is its length.
    let padded = format!("{}{}", dict("'<i2'", false, "(2,)"), " ".repeat(1 << 20));
    let file = npy_file(2, &padded, &[1, 0, 2, 0]);
    assert_eq!(list_of(&file), "[1, 2]");
}

#[test]
fn header_that_is_not_a_dict() {
    let file = npy_file(1, "[1, 2]", &[]);
    let e = Header::parse(&file).unwrap_err();
    assert_eq!(
        e,
        NpyError::HeaderNotDict {
            header: "[1, 2]".into()
        }
    );
    assert_eq!(e.to_string(), ".npy header is not a dict: [1, 2]");
    let file = npy_file(
        1,
        "{'descr': '<i4', 'fortran_order': False, 'shape': (3, 4), ",
        &[],
    );
    let e = Header::parse(&file).unwrap_err();
    assert!(matches!(e, NpyError::HeaderNotLiteral { .. }), "{e:?}");
    assert!(
        e.to_string()
            .starts_with(".npy header is not a Python dict literal: "),
        "{e}"
    );
    assert!(
        e.to_string()
            .ends_with("\n  header: {'descr': '<i4', 'fortran_order': False, 'shape': (3, 4),"),
        "{e}"
    );
    // Nesting deep enough to overflow a recursive parser's stack.
    let deep = format!("{{'descr': {}", "[".repeat(100_000));
    let file = npy_file(2, &deep, &[]);
    match Header::parse(&file).unwrap_err() {
        NpyError::HeaderNotLiteral { error, .. } => {
            assert!(error.message().contains("nest"), "{error}")
        }
        other => panic!("{other:?}"),
    }
    // Python expressions that are not literals.
    let file = npy_file(
        1,
        "{'descr': __import__('os'), 'fortran_order': False, 'shape': ()}",
        &[],
    );
    assert!(matches!(
        Header::parse(&file),
        Err(NpyError::HeaderNotLiteral { .. })
    ));
}

#[test]
fn missing_and_repeated_keys() {
    let file = npy_file(1, "{'descr': '<i4', 'shape': (3,)}", &[]);
    let e = Header::parse(&file).unwrap_err();
    assert_eq!(
        e,
        NpyError::KeyMissing {
            key: "fortran_order",
            header: "{'descr': '<i4', 'shape': (3,)}".into()
        }
    );
    assert_eq!(
        e.to_string(),
        ".npy header has no \"fortran_order\" entry: {'descr': '<i4', 'shape': (3,)}"
    );
    // The last of a repeated key counts; unknown keys are ignored.
    let file = npy_file(
        1,
        "{'descr': '<f8', 'descr': '|u1', 'fortran_order': False, 'shape': (2,), 'extra': None}",
        &[5, 6],
    );
    assert_eq!(list_of(&file), "[5, 6]");
}

#[test]
fn bad_fortran_order_and_shape() {
    let h = |fortran: &str, shape: &str| {
        let text = format!("{{'descr': '<i4', 'fortran_order': {fortran}, 'shape': {shape}}}");
        Header::parse(&npy_file(1, &text, &[])).unwrap_err()
    };
    let e = h("1", "(3,)");
    assert_eq!(e, NpyError::FortranOrderInvalid { found: "1".into() });
    assert_eq!(
        e.to_string(),
        ".npy header: 'fortran_order' is 1, not True/False"
    );
    let e = h("False", "[3, 4]");
    assert_eq!(
        e,
        NpyError::ShapeNotTuple {
            found: "[3, 4]".into()
        }
    );
    assert_eq!(e.to_string(), ".npy header: 'shape' is [3, 4], not a tuple");
    assert_eq!(
        h("False", "3"),
        NpyError::ShapeNotTuple { found: "3".into() }
    );
    let e = h("False", "(3, 4.0)");
    assert_eq!(
        e,
        NpyError::DimensionNotInteger {
            found: "4.0".into()
        }
    );
    assert_eq!(
        e.to_string(),
        ".npy header: bad 'shape': dimension 4.0 is not an integer"
    );
    assert_eq!(
        h("False", "(3, '4')"),
        NpyError::DimensionNotInteger {
            found: "'4'".into()
        }
    );
    assert_eq!(
        h("False", "(True,)"),
        NpyError::DimensionNotInteger {
            found: "True".into()
        }
    );
    let e = h("False", "(3, -1)");
    assert_eq!(e, NpyError::DimensionNegative { dim: -1 });
    assert_eq!(
        e.to_string(),
        ".npy header: bad 'shape': negative dimension -1"
    );
    let big = 1i128 << 70;
    let e = h("False", &format!("({big},)"));
    assert_eq!(e, NpyError::DimensionTooLarge { dim: big });
    assert!(e
        .to_string()
        .contains(&format!("dimension {big} is larger than")));
    // Larger than i128: the literal parser refuses it.
    assert!(matches!(
        h("False", &format!("({},)", "9".repeat(50))),
        NpyError::HeaderNotLiteral { .. }
    ));
}

#[test]
fn shape_whose_product_overflows() {
    let file = npy_file(
        1,
        &dict("'<f8'", false, "(4294967296, 4294967296)"),
        &[0; 64],
    );
    let h = Header::parse(&file).unwrap();
    assert_eq!(
        h.data_len(),
        Err(NpyError::View(ViewError::SizeOverflow {
            shape: vec![1 << 32, 1 << 32],
            itemsize: 8
        }))
    );
    // Fits usize but not isize.
    let file = npy_file(1, &dict("'|u1'", false, "(9223372036854775808,)"), &[]);
    assert!(matches!(
        Header::parse(&file).unwrap().data_len(),
        Err(NpyError::View(ViewError::SizeOverflow { .. }))
    ));
    let file = npy_file(
        1,
        &dict("'<f8'", false, "(4294967296, 4294967296)"),
        &[0; 64],
    );
    let e = err_of(&file);
    assert_eq!(
        e,
        NpyError::DataTruncated {
            shape: vec![1 << 32, 1 << 32],
            descr: "'<f8'".into(),
            needed: None,
            available: 64
        }
    );
    assert_eq!(
        e.to_string(),
        "truncated .npy file: the header says shape (4294967296, 4294967296) of dtype '<f8' \
         (too many bytes of data), but only 64 bytes follow the header"
    );
    // Strides that overflow although the array is empty.
    let file = npy_file(1, &dict("'<f8'", true, "(0, 4611686018427387904, 4)"), &[]);
    let e = err_of(&file);
    assert!(
        matches!(
            e,
            NpyError::View(ViewError::SizeOverflow { itemsize: 8, .. })
        ),
        "{e:?}"
    );
}

#[test]
fn mutated_headers_never_panic() {
    let data: Vec<u8> = (0..=255).collect();
    let base = npy_file(
        1,
        &dict(
            "[('a', '<i4'), ('', '|V4'), ('b', '>f8', (2, 3))]",
            true,
            "(2, 3)",
        ),
        &data,
    );
    for pos in 0..base.len().min(140) {
        for byte in [0u8, b'(', b')', b'[', b'\'', b'-', b'9', 0xff, b'\\', b','] {
            let mut file = base.clone();
            file[pos] = byte;
            for v in [1, 2, 3] {
                file[6] = v;
                if let Ok(h) = Header::parse(&file) {
                    let _ = h.data_len();
                    let _ = h.strides();
                    if let Ok(view) = h.view(&file) {
                        let _ = view.to_list();
                    }
                }
            }
        }
    }
}

// ----- errors in the crate-wide Error ------------------------------------------------------

#[test]
fn wraps_into_the_crate_error() {
    let e: crate::Error = NpyError::MagicMissing.into();
    assert_eq!(e.to_string(), NpyError::MagicMissing.to_string());
    assert!(matches!(e, crate::Error::Npy(NpyError::MagicMissing)));
}

// ----- Python literals as values -----------------------------------------------------------

#[test]
fn values_from_python_literals() {
    use crate::Value;
    let v: Value = "(-2, 1.5, True, b'a\\x00', 'h\\u00e9', [1, 2], 1+2j, -0x1f)"
        .parse()
        .unwrap();
    assert_eq!(
        v.to_string(),
        "(-2, 1.5, True, b'a\\x00', 'hé', [1, 2], (1+2j), -31)"
    );
    assert_eq!("inf".parse::<Value>(), Ok(Value::Float(f64::INFINITY)));
    let e = "None".parse::<Value>().unwrap_err();
    assert_eq!((e.message(), e.position()), ("None cannot be packed", None));
    assert_eq!(
        "(1, {'a': 1})".parse::<Value>().unwrap_err().to_string(),
        "a dict cannot be packed"
    );
    let e = "abc".parse::<Value>().unwrap_err();
    assert_eq!(e.position(), Some(0));
    assert!(e.to_string().starts_with("unknown name \"abc\""), "{e}");
    assert!(e.to_string().ends_with("(at character 1)"), "{e}");
    // i128::MIN cannot be negated: an error, not an overflow panic.
    let min = "-(-170141183460469231731687303715884105727 - 1)";
    assert_eq!(
        min.parse::<Value>().unwrap_err().message(),
        "integer too large"
    );
    assert_eq!(
        "-170141183460469231731687303715884105727 - 1".parse::<Value>(),
        Ok(Value::Int(i128::MIN))
    );
}

#[test]
fn literal_repr_round_trips() {
    for text in [
        "[('x', '<i4'), ('y', '>f8', (2,))]",
        "{'descr': '<f8', 'fortran_order': False, 'shape': (3, 4)}",
        "(1,)",
        "()",
        "[1.5, -0.0, inf, nan, None, True, b'\\xff', (1+2j)]",
        "'it\\'s'",
    ] {
        let lit = pylit::parse(text).unwrap();
        let printed = lit.to_string();
        let again = pylit::parse(&printed).unwrap();
        assert_eq!(printed, again.to_string(), "{text}");
    }
    assert_eq!(
        pylit::parse("[('x', '<i4'), ('y', '>f8', (2,))]")
            .unwrap()
            .to_string(),
        "[('x', '<i4'), ('y', '>f8', (2,))]"
    );
}
