//! The writer's parts: NumPy's field names, the header's padding and version choice, the
//! descr of every kind of format, and the round trip format → descr → format.

use proptest::prelude::*;

use super::*;
use crate::format::{Dialect, Endian, Layout};
use crate::npy::{descr_to_format, Header};

fn descr(format: &str) -> Result<String, NpyError> {
    format_to_descr(&Format::parse(format).unwrap())
}

#[test]
fn field_names_are_numpys() {
    let names = |f: &str| numpy_names(Format::parse(f).unwrap().fields());
    assert_eq!(names("iii"), ["f0", "f1", "f2"]);
    // `_fix_names`: the lowest f<j> no field of the struct uses.
    assert_eq!(names("ii:f0:"), ["f1", "f0"]);
    assert_eq!(names("i:f1:ii"), ["f1", "f0", "f2"]);
    assert_eq!(names("i:a:i::i"), ["a", "", "f0"]);
}

#[test]
fn descrs_of_every_kind() {
    let g = crate::calcsize("g").unwrap();
    for (format, want) in [
        ("<d", "'<f8'".to_string()),
        (">d", "'>f8'".into()),
        ("b", "'|i1'".into()),
        ("B", "'|u1'".into()),
        ("?", "'|b1'".into()),
        ("c", "'|S1'".into()),
        ("5s", "'|S5'".into()),
        ("<3w", "'<U3'".into()),
        (">w", "'>U1'".into()),
        ("<e", "'<f2'".into()),
        (">Zf", "'>c8'".into()),
        ("<Zd", "'<c16'".into()),
        ("<l", "'<i4'".into()),
        ("<Q", "'<u8'".into()),
        (
            "@n",
            format!(
                "'{}i8'",
                if cfg!(target_endian = "little") {
                    '<'
                } else {
                    '>'
                }
            ),
        ),
        ("<g", format!("'<f{g}'")),
        (">Zg", format!("'>c{}'", 2 * g)),
        // Top level: a lone unnamed item is unwrapped, anything else is a struct.
        (
            "<hd?",
            "[('f0', '<i2'), ('f1', '<f8'), ('f2', '|b1')]".into(),
        ),
        ("<i:a:", "[('a', '<i4')]".into()),
        ("T{<i}", "[('f0', '<i4')]".into()),
        ("<2i", "('<i4', (2,))".into()),
        ("4c", "('|S1', (4,))".into()),
        ("(2,3)<d", "('<f8', (2, 3))".into()),
        ("<2ih", "[('f0', '<i4', (2,)), ('f1', '<i2')]".into()),
        // Padding, nested structs, sub-arrays of structs, trailing padding.
        (
            "<i4x<d",
            "[('f0', '<i4'), ('', '|V4'), ('f1', '<f8')]".into(),
        ),
        (
            "T{b:a:i:b:}",
            "[('a', '|i1'), ('', '|V3'), ('b', '<i4')]".into(),
        ),
        (
            "T{(2)T{<h:p:b:q:}:s:<d:t:}",
            "[('s', [('p', '<i2'), ('q', '|i1')], (2,)), ('t', '<f8')]".into(),
        ),
        (
            "T{ib}",
            "[('f0', '<i4'), ('f1', '|i1'), ('', '|V3')]".into(),
        ),
        ("T{x:pad:<i:a:}", "[('', '|V1'), ('a', '<i4')]".into()),
        // Names as Python prints them.
        ("<i:it's:", "[(\"it's\", '<i4')]".into()),
        ("<i:é:", "[('é', '<i4')]".into()),
        ("<i:tab\t:", "[('tab\\t', '<i4')]".into()),
    ] {
        let want = if cfg!(target_endian = "little") {
            want
        } else {
            // The native order of the hosts where the natively ordered cases run.
            want.replace("'<i4'), ('f1', '|i1')", "'>i4'), ('f1', '|i1')")
        };
        assert_eq!(descr(format).as_deref(), Ok(want.as_str()), "{format}");
    }
}

#[test]
fn item_sizes_beyond_the_format_pad_the_end() {
    let f = Format::parse("<d").unwrap();
    let d = dtype_of(&f, 12).unwrap();
    assert_eq!(d.descr, "[('f0', '<f8'), ('', '|V4')]");
    let f = Format::parse("(2)<h").unwrap();
    assert_eq!(
        dtype_of(&f, 6).unwrap(),
        Dtype {
            descr: "[('f0', '<i2', (2,)), ('', '|V2')]".into(),
            extra_shape: vec![]
        }
    );
}

/// The header as NumPy writes it for `np.zeros(shape, descr)` (NumPy 2.4.6, by hand).
#[test]
fn headers_match_numpy_byte_for_byte() {
    let h = header_bytes("'<f8'", false, &[3, 4]).unwrap();
    let mut want =
        b"\x93NUMPY\x01\x00\x76\x00{'descr': '<f8', 'fortran_order': False, 'shape': (3, 4), }"
            .to_vec();
    // 20 spaces for the growth axis (21 - len('3')), then padding to 127, then '\n'.
    want.resize(127, b' ');
    want.push(b'\n');
    assert_eq!(h, want);
    // The growth axis is the last one in Fortran order; none for a 0-d array.
    let text = |h: &[u8]| String::from_utf8_lossy(&h[10..]).trim_end().to_owned();
    let f = header_bytes("'<i2'", true, &[2, 12345]).unwrap();
    let body = String::from_utf8_lossy(&f[10..]).into_owned();
    assert!(body.starts_with(&format!(
        "{{'descr': '<i2', 'fortran_order': True, 'shape': (2, 12345), }}{}",
        " ".repeat(16)
    )));
    let z = header_bytes("'<f8'", false, &[]).unwrap();
    assert_eq!(z.len(), 128);
    assert_eq!(
        text(&z),
        "{'descr': '<f8', 'fortran_order': False, 'shape': (), }"
    );
    // NumPy's padding is never empty: 1 to 64 spaces (here exactly 64 would be 0 mod 64).
    for n in 0..200usize {
        let name = "n".repeat(n);
        let d = format!("[('{name}', '<i4')]");
        let h = header_bytes(&d, false, &[1]).unwrap();
        assert_eq!(h.len() % 64, 0, "{n}");
        let parsed = Header::parse(&h).unwrap();
        assert_eq!(parsed.data_offset(), h.len());
        let spaces = h.iter().rev().skip(1).take_while(|&&b| b == b' ').count();
        // 20 for the growth axis (its length is one digit), then 1 to 64 of padding.
        assert!((21..=84).contains(&spaces), "{n}: {spaces}");
    }
}

#[test]
fn versions_follow_length_and_encoding() {
    let fields = |n: usize| {
        let items: Vec<String> = (0..n).map(|i| format!("('f{i:05}', '<i2')")).collect();
        format!("[{}]", items.join(", "))
    };
    // Version 1.0 up to a 65535-byte header, then 2.0: np.save of np.zeros(1, [('f00000',
    // '<i2'), ...]) switches between 3444 and 3445 fields (NumPy 2.4.6).
    for (n, major) in [(3000, 1), (3444, 1), (3445, 2), (3500, 2)] {
        let h = header_bytes(&fields(n), false, &[1]).unwrap();
        assert_eq!((h[6], h[7]), (major, 0), "{n} fields");
        assert_eq!(h.len() % 64, 0);
        assert_eq!(Header::parse(&h).unwrap().data_offset(), h.len());
    }
    // Latin-1 names stay in 1.0; anything beyond needs UTF-8 and 3.0.
    let h = header_bytes("[('é', '<i4')]", false, &[2]).unwrap();
    assert_eq!((h[6], h[10 + 13]), (1, 0xe9));
    let h = header_bytes("[('ā', '<i4')]", false, &[2]).unwrap();
    assert_eq!(h[6], 3);
    assert_eq!(Header::parse(&h).unwrap().descr(), "[('ā', '<i4')]");
}

/// Every scalar leaf of a layout: absolute offset, kind, size, and byte order where it
/// matters. A `c` is a one-byte string (NumPy's `S1`).
fn leaves(layout: &Layout) -> Vec<(usize, ScalarKind, usize, Option<Endian>)> {
    fn walk(
        fields: &[Field],
        base: usize,
        out: &mut Vec<(usize, ScalarKind, usize, Option<Endian>)>,
    ) {
        for f in fields {
            for start in f.copy_offsets() {
                for k in 0..f.count() {
                    let at = base + start + k * f.ty.size();
                    match &f.ty {
                        FieldType::Scalar(s) => {
                            let kind = if s.kind == ScalarKind::Char {
                                ScalarKind::Bytes
                            } else {
                                s.kind
                            };
                            let order = (s.size > 1
                                && !matches!(kind, ScalarKind::Bytes | ScalarKind::Bool))
                            .then_some(s.endian);
                            out.push((at, kind, s.size, order));
                        }
                        FieldType::Struct(st) => walk(&st.fields, at, out),
                    }
                }
            }
        }
    }
    let mut out = Vec::new();
    walk(&layout.top.fields, 0, &mut out);
    out
}

/// Formats with a NumPy dtype, from pieces: scalars with byte orders, counts, shapes and
/// names, padding, nested structs.
fn arb_format() -> impl Strategy<Value = String> {
    let scalar = prop::sample::select(vec![
        "b", "B", "?", "c", "h", "H", "i", "I", "l", "L", "q", "Q", "e", "f", "d", "Zf", "Zd", "g",
        "Zg", "3s", "2w", "x", "3x",
    ]);
    let order = prop::sample::select(vec!["", "", "<", ">", "=", "@", "^"]);
    let item = (
        order,
        prop::option::of(1usize..4),
        prop::option::of((1usize..3, 1usize..3)),
        scalar,
    )
        .prop_map(|(o, count, shape, code)| {
            let mut s = String::new();
            if let Some((a, b)) = shape {
                s.push_str(&format!("({a},{b})"));
            }
            s.push_str(o);
            // `g`/`Zg` have no standard size under `<`/`>`: fine in memview, and written.
            if let (Some(n), false) = (count, code.starts_with(char::is_numeric)) {
                s.push_str(&n.to_string());
            }
            s.push_str(code);
            s
        });
    let leaf = prop::collection::vec(item, 1..4).prop_map(|items| items.concat());
    leaf.prop_recursive(3, 12, 4, |inner| {
        (
            prop::collection::vec(inner, 1..3),
            prop::option::of(1usize..3),
            any::<bool>(),
        )
            .prop_map(|(parts, shape, named)| {
                let body = parts.concat();
                let mut s = String::new();
                if let Some(n) = shape {
                    s.push_str(&format!("({n})"));
                }
                s.push_str(&format!("T{{{body}}}"));
                if named {
                    s.push_str(":s:");
                }
                s
            })
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(if cfg!(miri) { 8 } else { 1000 }))]

    /// format → descr → format lays out the same scalars at the same offsets in items of the
    /// same size (names aside: unnamed fields gain NumPy's `f<j>`; `c` becomes `1s`; a
    /// top-level count becomes a sub-array).
    #[test]
    fn descr_round_trips(text in arb_format(), numpy in any::<bool>()) {
        let dialect = if numpy { Dialect::NumPy } else { Dialect::Struct };
        let Ok(format) = Format::parse_with(&text, dialect) else {
            return Ok(()); // duplicate names, a pad-only struct: not what this tests
        };
        prop_assume!(format.itemsize() > 0);
        let d = format_to_descr(&format).unwrap();
        let back_text = descr_to_format(&d).unwrap();
        let back = Format::parse_with(&back_text, Dialect::NumPy).unwrap();
        prop_assert_eq!(back.itemsize(), format.itemsize(), "{} -> {} -> {}", text, d, back_text);
        prop_assert_eq!(leaves(back.layout()), leaves(format.layout()), "{} -> {} -> {}", text, d, back_text);
        // The descr a file written with it carries parses back too.
        let header = header_bytes(&d, false, &[2]).unwrap();
        let parsed = Header::parse(&header).unwrap();
        prop_assert_eq!(parsed.format(), back_text.as_str());
    }
}
