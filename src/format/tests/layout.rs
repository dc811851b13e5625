//! Layout rules: sizes, alignment, padding, fields, shapes, byte order, the tuple flag.

use super::*;

fn scalar(f: &Field) -> &Scalar {
    match &f.ty {
        FieldType::Scalar(s) => s,
        FieldType::Struct(_) => panic!("not a scalar: {f:?}"),
    }
}

fn inner(f: &Field) -> &StructLayout {
    match &f.ty {
        FieldType::Struct(s) => s,
        FieldType::Scalar(_) => panic!("not a struct: {f:?}"),
    }
}

#[test]
#[cfg(all(target_arch = "x86_64", target_os = "linux"))]
fn native_sizes_and_alignment_x86_64() {
    for (text, size, align) in [
        ("x", 1, 1),
        ("c", 1, 1),
        ("b", 1, 1),
        ("B", 1, 1),
        ("?", 1, 1),
        ("h", 2, 2),
        ("H", 2, 2),
        ("i", 4, 4),
        ("I", 4, 4),
        ("l", 8, 8),
        ("L", 8, 8),
        ("q", 8, 8),
        ("Q", 8, 8),
        ("n", 8, 8),
        ("N", 8, 8),
        ("e", 2, 2),
        ("f", 4, 4),
        ("d", 8, 8),
        ("g", 16, 16),
        ("Zf", 8, 4),
        ("Zd", 16, 8),
        ("Zg", 32, 16),
        ("s", 1, 1),
        ("p", 1, 1),
        ("P", 8, 8),
        ("O", 8, 8),
        ("&i", 8, 8),
        ("X{}", 8, 8),
        ("w", 4, 4),
        ("3w", 12, 4),
        ("u", 2, 2),
        ("3u", 6, 2),
    ] {
        let f = fmt(text);
        assert_eq!((f.itemsize(), f.alignment()), (size, align), "{text:?}");
        if let Some(field) = f.fields().first() {
            assert_eq!(scalar(field).align, align, "{text:?}");
        }
    }
}

#[test]
fn standard_sizes_without_alignment() {
    for prefix in ["=", "<", ">", "!"] {
        for (code, size) in [
            ("c", 1),
            ("b", 1),
            ("?", 1),
            ("h", 2),
            ("H", 2),
            ("i", 4),
            ("I", 4),
            ("l", 4),
            ("L", 4),
            ("q", 8),
            ("Q", 8),
            ("e", 2),
            ("f", 4),
            ("d", 8),
            ("Zf", 8),
            ("Zd", 16),
            ("w", 4),
            ("u", 2),
            ("5s", 5),
            ("5p", 5),
        ] {
            let text = format!("{prefix}{code}");
            let f = fmt(&text);
            assert_eq!(f.itemsize(), size, "{text:?}");
            assert_eq!(scalar(&f.fields()[0]).align, 1, "{text:?}");
            assert_eq!(f.alignment(), 1, "{text:?}");
            // No padding between items either.
            let two = format!("{prefix}b{code}");
            assert_eq!(size_of_text(&two), 1 + size, "{two:?}");
        }
    }
}

fn size_of_text(text: &str) -> usize {
    size(text)
}

#[test]
fn native_only_codes_keep_native_size_under_standard_prefixes() {
    let ptr = std::mem::size_of::<usize>();
    for prefix in ["=", "<", ">", "!", "^"] {
        for code in ["n", "N", "P", "O", "&i", "&<i", "X{}"] {
            let text = format!("{prefix}{code}");
            assert_eq!(size(&text), ptr, "{text:?}");
        }
        assert_eq!(
            size(&format!("{prefix}Zg")),
            2 * size(&format!("{prefix}g"))
        );
    }
    let f = fmt("<P");
    assert_eq!(scalar(&f.fields()[0]).endian, Endian::Little);
    let f = fmt(">O");
    assert_eq!(scalar(&f.fields()[0]).endian, Endian::Big);
    assert_eq!(scalar(&f.fields()[0]).kind, ScalarKind::Object);
}

#[test]
fn caret_is_native_size_unaligned() {
    assert_eq!(size("^bi"), 5);
    assert_eq!(size("^bl"), 1 + std::mem::size_of::<std::ffi::c_long>());
    assert_eq!(np_size("^ix"), 5);
    assert_eq!(fmt("^bi").alignment(), 1);
    assert_eq!(scalar(&fmt("^i").fields()[0]).endian, Endian::NATIVE);
}

#[test]
fn endian_resolution() {
    let e = |t: &str| scalar(&fmt(t).fields()[0]).endian;
    assert_eq!(e("i"), Endian::NATIVE);
    assert_eq!(e("@i"), Endian::NATIVE);
    assert_eq!(e("=i"), Endian::NATIVE);
    assert_eq!(e("^i"), Endian::NATIVE);
    assert_eq!(e("<i"), Endian::Little);
    assert_eq!(e(">i"), Endian::Big);
    assert_eq!(e("!i"), Endian::Big);
}

#[test]
fn struct_dialect_alignment_rules() {
    // CPython's documented examples (x86-64).
    assert_eq!(size("qc"), 9);
    assert_eq!(size("qc0q"), 16);
    assert_eq!(size("ib"), 5);
    assert_eq!(size("ix"), 5);
    assert_eq!(size("i7x"), 11);
    assert_eq!(size("c0i"), 4);
    assert_eq!(size("h0c"), 2);
    assert_eq!(size(""), 0);
    // Zero counts align but add no field.
    let f = fmt("c0i");
    assert_eq!(f.fields().len(), 1);
    assert!(f.layout().tuple);
}

#[test]
fn struct_padding_follows_numpy() {
    assert_eq!(size("T{ib}"), 8);
    assert_eq!(size("T{ib}b"), 9);
    assert_eq!(np_size("T{ib}b"), 12);
    assert_eq!(size("T{i=b}"), 5);
    assert_eq!(size("T{<b}i"), 5);
    assert_eq!(size("bT{bi}"), 12);
    assert_eq!(size("(3)T{ix}"), 24);
    assert_eq!(size("@T{^i}xi"), 9);
    assert_eq!(size("=T{@ib}b"), 9);
    assert_eq!(np_size("=T{@ib}b"), 12);
    let f = fmt("T{ib}");
    let s = inner(&f.fields()[0]);
    assert_eq!((s.size, s.align), (8, 4));
    assert_eq!(offsets(&f), [0]);
}

#[test]
fn numpy_dialect_top_level_padding() {
    assert_eq!(np_size("ib"), 8);
    assert_eq!(np_size("ix"), 8);
    assert_eq!(np_size("i7x"), 12);
    assert_eq!(np_size("@ib=b"), 6);
    assert_eq!(size("@ib=b"), 6);
    assert_eq!(np_size("qc0q"), 16);
    assert_eq!(np_size("=ib"), 5);
    assert_eq!(np_size(""), 0);
    assert_eq!(np("ib").dialect(), Dialect::NumPy);
    assert_eq!(fmt("ib").dialect(), Dialect::Struct);
}

#[test]
fn mode_is_sticky_and_leaks_out_of_structs() {
    // `=` stays in force for following items.
    assert_eq!(size("=bib"), 6);
    // ... also after a struct's closing brace.
    assert_eq!(offsets(&fmt("T{<b}i")), [0, 1]);
    // `@` again re-enables alignment.
    assert_eq!(offsets(&fmt("b:a:>d:b:@i:c:")), [0, 1, 12]);
    assert_eq!(fmt("b:a:>d:b:@i:c:").alignment(), 4);
    // A prefix inside a pointee or a function signature does not leak.
    assert_eq!(offsets(&fmt("b&<ib")), [0, 8, 16]);
    assert_eq!(offsets(&fmt("bX{<i}b")), [0, 8, 16]);
    // The pointer itself uses the mode in force before it.
    let f = fmt(">&<i");
    assert_eq!(scalar(&f.fields()[0]).endian, Endian::Big);
    assert_eq!(scalar(&f.fields()[0]).code, "&");
    assert_eq!(scalar(&fmt("X{i->d}").fields()[0]).code, "X{}");
}

#[test]
fn top_level_counts_split_into_fields() {
    let f = fmt("2i");
    assert_eq!(offsets(&f), [0, 4]);
    assert!(f.fields().iter().all(|f| f.shape.is_empty()));
    assert!(f.layout().tuple);
    let f = fmt("3T{b}");
    assert_eq!(offsets(&f), [0, 1, 2]);
    let f = fmt("0i");
    assert!(f.fields().is_empty());
    assert!(f.layout().tuple);
    let f = fmt("1i");
    assert_eq!(f.fields().len(), 1);
    assert!(
        f.layout().tuple,
        "a written count gives a tuple, like struct.unpack"
    );
    // Names are shared by the copies.
    let f = fmt("2i:a:");
    assert!(f.fields().iter().all(|f| f.name.as_deref() == Some("a")));
}

#[test]
fn counts_inside_structs_are_dimensions() {
    let f = fmt("T{2i3c}");
    let s = inner(&f.fields()[0]);
    assert_eq!(s.fields.len(), 2);
    assert_eq!(s.fields[0].shape, [2]);
    assert_eq!(s.fields[1].shape, [3]);
    assert_eq!(s.fields[1].offset, 8);
    assert_eq!(s.size, 12);
    // A count of 1 adds no dimension (NumPy); 0 does.
    let f = fmt("T{1i0i}");
    let s = inner(&f.fields()[0]);
    assert!(s.fields[0].shape.is_empty());
    assert_eq!(s.fields[1].shape, [0]);
    assert_eq!(s.size, 4);
}

#[test]
fn shapes() {
    let f = fmt("(2,3)d");
    assert_eq!(f.fields()[0].shape, [2, 3]);
    assert_eq!(f.itemsize(), 48);
    assert!(!f.layout().tuple);
    let f = fmt("(2)3i");
    assert_eq!(f.fields()[0].shape, [2, 3]);
    assert_eq!(f.itemsize(), 24);
    assert!(!f.layout().tuple);
    assert_eq!(fmt("(2)(3)i").fields()[0].shape, [2, 3]);
    assert_eq!(fmt("<(3)h").itemsize(), 6);
    assert_eq!(fmt("(3)<h").itemsize(), 6);
    assert_eq!(fmt("( 2 , 3 )i").fields()[0].shape, [2, 3]);
    assert_eq!(fmt("(0)i").itemsize(), 0);
    // A shape on a string code keeps the string length as the element size.
    let f = fmt("(2)3s");
    assert_eq!(f.fields()[0].shape, [2]);
    assert_eq!(f.fields()[0].ty.size(), 3);
    assert_eq!(f.itemsize(), 6);
    // A shaped sub-array of structs.
    let f = fmt("(2,2)T{b:x:i:y:}:pts:");
    assert_eq!(f.fields()[0].shape, [2, 2]);
    assert_eq!(f.fields()[0].size(), 32);
    assert_eq!(f.fields()[0].name.as_deref(), Some("pts"));
    // `(shape)x` is padding.
    let f = fmt("(2,3)x");
    assert!(f.fields().is_empty());
    assert_eq!(f.itemsize(), 6);
}

#[test]
fn strings_fold_the_count() {
    for (text, size, kind) in [
        ("10s", 10, ScalarKind::Bytes),
        ("0s", 0, ScalarKind::Bytes),
        ("3p", 3, ScalarKind::Pascal),
        ("4w", 16, ScalarKind::Ucs4),
        ("4u", 8, ScalarKind::Ucs2),
    ] {
        let f = fmt(text);
        assert_eq!(f.fields().len(), 1, "{text:?}");
        assert_eq!(scalar(&f.fields()[0]).size, size, "{text:?}");
        assert_eq!(scalar(&f.fields()[0]).kind, kind, "{text:?}");
        assert!(f.fields()[0].shape.is_empty());
        assert!(!f.layout().tuple, "{text:?}");
        assert!(f.layout().single_scalar().is_some(), "{text:?}");
    }
    assert_eq!(scalar(&fmt("10s").fields()[0]).code, "s");
}

#[test]
fn padding_is_not_a_field() {
    let f = fmt("b3xi");
    assert_eq!(offsets(&f), [0, 4]);
    let f = fmt("bx:pad:i");
    assert_eq!(offsets(&f), [0, 4]);
    let f = fmt("ix");
    assert_eq!(f.fields().len(), 1);
    assert!(!f.layout().tuple);
    assert!(fmt("x").fields().is_empty());
    assert!(fmt("x").layout().tuple);
}

#[test]
fn tuple_flag() {
    for (text, tuple) in [
        ("i", false),
        ("<d", false),
        ("T{ii}", false),
        ("(2)i", false),
        ("10s", false),
        ("i:a:", false),
        (" i ", false),
        ("ix", false),
        ("&i", false),
        ("", true),
        ("ii", true),
        ("2i", true),
        ("1i", true),
        ("0i", true),
        ("0ii", true),
        ("x", true),
    ] {
        assert_eq!(fmt(text).layout().tuple, tuple, "{text:?}");
    }
}

#[test]
fn single_scalar() {
    assert_eq!(
        fmt("<d").layout().single_scalar().map(|s| s.code),
        Some("d")
    );
    assert!(fmt("i:a:").layout().single_scalar().is_none());
    assert!(fmt("ii").layout().single_scalar().is_none());
    assert!(fmt("(2)i").layout().single_scalar().is_none());
    assert!(fmt("ix").layout().single_scalar().is_none());
}

#[test]
fn scalar_kinds_and_codes() {
    for (text, kind, code) in [
        ("c", ScalarKind::Char, "c"),
        ("b", ScalarKind::Int, "b"),
        ("B", ScalarKind::UInt, "B"),
        ("?", ScalarKind::Bool, "?"),
        ("q", ScalarKind::Int, "q"),
        ("N", ScalarKind::UInt, "N"),
        ("e", ScalarKind::Float, "e"),
        ("g", ScalarKind::LongDouble, "g"),
        ("Zd", ScalarKind::Complex, "Zd"),
        ("p", ScalarKind::Pascal, "p"),
        ("P", ScalarKind::Pointer, "P"),
        ("&i", ScalarKind::Pointer, "&"),
        ("X{}", ScalarKind::Pointer, "X{}"),
        ("O", ScalarKind::Object, "O"),
        ("w", ScalarKind::Ucs4, "w"),
        ("u", ScalarKind::Ucs2, "u"),
    ] {
        let f = fmt(text);
        let s = scalar(&f.fields()[0]);
        assert_eq!((s.kind, s.code), (kind, code), "{text:?}");
    }
}

#[test]
fn names_and_nested_offsets() {
    let f = fmt("T{i:a:T{d:x:}:n:}:outer:");
    assert_eq!(f.fields()[0].name.as_deref(), Some("outer"));
    let outer = inner(&f.fields()[0]);
    assert_eq!(outer.fields[1].name.as_deref(), Some("n"));
    assert_eq!(outer.fields[1].offset, 8);
    assert_eq!(outer.align, 8);
    let f = fmt("i:my field:d: x :i::");
    let names: Vec<_> = f.fields().iter().map(|f| f.name.clone()).collect();
    assert_eq!(
        names,
        [
            Some("my field".into()),
            Some(" x ".into()),
            Some(String::new())
        ]
    );
    assert_eq!(fmt("i:ü:").fields()[0].name.as_deref(), Some("ü"));
}

#[test]
fn huge_sizes_are_errors() {
    assert_eq!(err("4611686018427387904h"), FormatErrorKind::SizeOverflow);
    assert_eq!(err("9223372036854775808x"), FormatErrorKind::SizeOverflow);
    assert_eq!(size("9223372036854775807x"), 9223372036854775807);
    assert_eq!(err("bi9223372036854775807x"), FormatErrorKind::SizeOverflow);
    assert_eq!(
        err("(4294967296,4294967296)i"),
        FormatErrorKind::SizeOverflow
    );
    assert_eq!(
        err("T{9223372036854775807x}i"),
        FormatErrorKind::SizeOverflow
    );
    assert_eq!(err("4611686018427387904w"), FormatErrorKind::SizeOverflow);
    assert_eq!(
        err("2305843009213693952T{i}"),
        FormatErrorKind::SizeOverflow
    );
    // NumPy dialect trailing padding can overflow too.
    assert!(Format::parse_with("9223372036854775806xi", Dialect::NumPy).is_err());
    assert_eq!(
        Format::parse("4611686018427387904h").unwrap_err().span(),
        0..20
    );
}

#[test]
fn format_accessors_and_display() {
    let f = fmt(" < (2, 3) h :a: ");
    assert_eq!(f.as_str(), " < (2, 3) h :a: ");
    assert_eq!(f.to_string(), "(2,3)<h:a:");
    assert_eq!(f.ast().items.len(), 1);
    assert_eq!(fmt("@@i").to_string(), "@i");
    assert_eq!(fmt("!i").to_string(), "!i");
}

#[test]
fn from_str() {
    let f: Format = "<hd".parse().unwrap();
    assert_eq!(f.itemsize(), 10);
    assert!("T{".parse::<Format>().is_err());
}

#[test]
fn structs_ending_in_native_mode_are_padded_to_their_alignment() {
    // The invariant that makes NumPy's "intra padding" unnecessary (see lower.rs).
    fn check(s: &StructLayout, text: &str) {
        assert_eq!(s.size % s.align, 0, "{text}: {s:?}");
        for f in &s.fields {
            if let FieldType::Struct(inner) = &f.ty {
                check(inner, text);
            }
        }
    }
    for text in [
        "T{ib}",
        "T{gb}",
        "T{Zgb}",
        "T{T{qb}b}",
        "3T{ix}",
        "T{3wb}",
        "T{=b@i}",
    ] {
        check(&np(text).layout().top, text);
    }
    // Ending in another mode leaves the struct unpadded, and then it is not aligned either.
    let f = fmt("T{i=b}b");
    assert_eq!(offsets(&f), [0, 5]);
}

#[test]
fn top_level_counts_are_stored_once() {
    // struct sizes any count whose total fits; we store the count, not the copies.
    let f = fmt("4611686018427387903h");
    assert_eq!(f.fields().len(), 1);
    assert_eq!(f.fields()[0].repeat, 4611686018427387903);
    assert_eq!(f.layout().value_count(), 4611686018427387903);
    assert_eq!(size("4611686018427387903h"), 9223372036854775806);
    assert_eq!(size("65537B"), 65537);
    assert_eq!(fmt("40000i40000i").layout().value_count(), 80000);
    assert_eq!(fmt("99999999999T{}").layout().value_count(), 99999999999);
    let f = fmt("b3i");
    let offsets: Vec<usize> = f.fields()[1].copy_offsets().collect();
    assert_eq!(offsets, [4, 8, 12]);
    // A zero count makes no field but still aligns.
    assert_eq!(fmt("c0q").fields().len(), 1);
    assert_eq!(size("qc0q"), 16);
    // Shapes and counts inside structs make one field with repeat 1, whatever the count.
    assert_eq!(fmt("(4611686018427387903)h").fields()[0].repeat, 1);
    assert_eq!(fmt("T{4611686018427387903h}").fields()[0].repeat, 1);
    assert_eq!(size("9223372036854775807x"), 9223372036854775807);
}

#[test]
fn many_names_are_checked_in_linear_time() {
    let text: String = (0..50_000).map(|k| format!("b:n{k}:")).collect();
    assert_eq!(fmt(&text).fields().len(), 50_000);
}
