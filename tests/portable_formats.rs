//! `Format::portable`: the format text every export carries.
//!
//! For every format of the conformance corpus (`tests/fixtures/formats.tsv`) and for random
//! struct formats, the portable text must be read by memview with exactly the original layout,
//! and — when it is marked NumPy-readable — by memview's model of NumPy's importer
//! (`Dialect::NumPy`) too. Where the fixture records what NumPy's real parser made of the very
//! same text (the text was kept), NumPy's item size and scalar offsets must be ours. Golden
//! strings pin the rewrites, including the cases NumPy's own exporter gets wrong (see
//! `PortableFormat`). The same texts are checked against the real NumPy in `python_bridge.rs`.

#[path = "fixtures/reader.rs"]
mod reader;

#[path = "fixtures/portable.rs"]
mod portable;

use memview::format::{Dialect, Field, FieldType, Format, ScalarKind};
use portable::{arb_format, leaves, same};
use proptest::prelude::*;
use reader::{Failures, Record};

/// Whether `text` uses something NumPy has no spelling for: pointers, Pascal or UCS-2
/// strings, or `g`/`Zg`/`O` after a non-native byte order.
fn inexpressible(f: &Format) -> bool {
    fn any(fields: &[Field]) -> bool {
        fields.iter().any(|fl| match &fl.ty {
            FieldType::Scalar(s) => match s.kind {
                ScalarKind::Pointer | ScalarKind::Pascal | ScalarKind::Ucs2 => true,
                ScalarKind::LongDouble | ScalarKind::Object => !s.endian.is_native(),
                ScalarKind::Complex => s.size > 16 && !s.endian.is_native(),
                _ => false,
            },
            FieldType::Struct(st) => any(&st.fields),
        })
    }
    any(f.fields())
}

/// Whether some field is a sub-array of empty strings (`(2)0s`), which NumPy cannot build
/// ("invalid itemsize in generic type tuple").
fn zero_size_string_array(fields: &[Field]) -> bool {
    fields.iter().any(|fl| match &fl.ty {
        FieldType::Scalar(s) => {
            !fl.shape.is_empty()
                && s.size == 0
                && matches!(s.kind, ScalarKind::Bytes | ScalarKind::Ucs4)
        }
        FieldType::Struct(st) => zero_size_string_array(&st.fields),
    })
}

/// Check one format; `Err` describes the first problem.
fn check(f: &Format) -> Result<(), String> {
    let p = f.portable();
    let text = p.as_str();
    let back =
        Format::parse(text).map_err(|e| format!("portable {text:?} does not parse:\n{e}"))?;
    same(f.layout(), back.layout())
        .map_err(|e| format!("memview reads {text:?} differently: {e}"))?;
    if p.numpy_readable() {
        let np = Format::parse_with(text, Dialect::NumPy)
            .map_err(|e| format!("NumPy dialect rejects {text:?}: {e}"))?;
        same(f.layout(), np.layout())
            .map_err(|e| format!("NumPy dialect reads {text:?} differently: {e}"))?;
    } else if !inexpressible(f) && !zero_size_string_array(f.fields()) {
        return Err(format!(
            "{text:?} is marked not NumPy-readable without a reason"
        ));
    }
    // Element formats NumPy knows come out unchanged.
    if let (Some(s), 1) = (f.layout().single_scalar(), f.ast().items.len()) {
        let std_prefix = f.as_str().contains(['<', '>', '=', '!']);
        let known = match s.code {
            "P" | "p" | "u" | "&" | "X{}" => false,
            "g" | "Zg" | "n" | "N" => !std_prefix,
            "O" => s.endian.is_native(),
            _ => true,
        };
        if known && f.as_str() == f.to_string() && text != f.as_str() {
            return Err(format!(
                "element format {:?} rewritten as {text:?}",
                f.as_str()
            ));
        }
    }
    if p.is_rewritten() != (text != f.as_str()) {
        return Err(format!("is_rewritten() is wrong for {text:?}"));
    }
    Ok(())
}

fn huge(fmt: &str) -> bool {
    fmt.split(|c: char| !c.is_ascii_digit())
        .any(|run| run.len() > 6)
}

/// `counts`: (kept, rewritten, kept texts checked against NumPy's recorded answer).
fn check_record(r: &Record, fails: &mut Failures, counts: &mut (usize, usize, usize)) {
    let fmt = r.req("fmt");
    let Ok(f) = Format::parse(fmt) else {
        return fails.check();
    };
    if let Err(e) = check(&f) {
        return fails.fail(format!("{} {fmt:?}: {e}", r.loc));
    }
    let p = f.portable();
    if p.as_str() != f.as_str() {
        counts.1 += 1;
        return fails.check();
    }
    counts.0 += 1;
    // Kept as written and NumPy-readable: what NumPy's real parser made of this very text
    // (recorded in the fixture, on x86-64 Linux) must be our layout.
    if !cfg!(all(target_arch = "x86_64", target_os = "linux")) {
        return fails.check();
    }
    let (Some(np_size), true, None) = (
        r.num::<usize>("np_size"),
        p.numpy_readable(),
        r.get("np_lenient"),
    ) else {
        return fails.check();
    };
    counts.2 += 1;
    fails.expect(np_size == f.itemsize(), || {
        format!(
            "{} {fmt:?} kept, but NumPy's itemsize is {np_size}, ours {}",
            r.loc,
            f.itemsize()
        )
    });
    if let Some(want) = r.get("np_leaves") {
        let mut got = Vec::new();
        if leaves(f.fields(), 0, &mut got, 250).is_some() {
            let got = got.join(",");
            fails.expect(got == want, || {
                format!("{} {fmt:?} kept:\n    ours  {got}\n    numpy {want}", r.loc)
            });
        }
    }
}

#[test]
fn corpus_portable_texts_keep_the_layout() {
    let mut fails = Failures::default();
    let mut counts = (0, 0, 0);
    for r in reader::read("formats.tsv") {
        if !huge(r.req("fmt")) {
            check_record(&r, &mut fails, &mut counts);
        }
    }
    // The corpus has both kinds in numbers.
    let (kept, rewritten, oracle) = counts;
    eprintln!("kept {kept}, rewritten {rewritten}, kept and checked against NumPy {oracle}");
    assert!(
        kept > 1000 && rewritten > 300,
        "kept {kept}, rewritten {rewritten}"
    );
    if cfg!(all(target_arch = "x86_64", target_os = "linux")) {
        assert!(
            oracle > 500,
            "only {oracle} kept texts checked against NumPy"
        );
    }
    fails.finish("portable formats");
}

/// Formats laid out in NumPy's dialect (a view made from what NumPy exported, `ix` = 8 bytes)
/// export as a text that memview's own importer, which reads the struct dialect, lays out the
/// same way: kept only when both dialects agree on it (`ix` becomes `=i4x`).
#[test]
fn numpy_dialect_formats_export_for_memview_too() {
    let mut fails = Failures::default();
    let mut rewritten = 0;
    for r in reader::read("formats.tsv") {
        let fmt = r.req("fmt");
        if huge(fmt) {
            continue;
        }
        let Ok(f) = Format::parse_with(fmt, Dialect::NumPy) else {
            continue;
        };
        rewritten += usize::from(f.portable().is_rewritten());
        if let Err(e) = check(&f) {
            fails.fail(format!("{} {fmt:?} (NumPy dialect): {e}", r.loc));
        }
    }
    assert!(
        rewritten > 100,
        "only {rewritten} NumPy-dialect formats rewritten"
    );
    let ix = Format::parse_with("ix", Dialect::NumPy).unwrap();
    assert_eq!(ix.itemsize(), 8);
    assert_eq!(ix.portable().as_str(), "=i4x");
    fails.finish("NumPy-dialect portable formats");
}

/// Golden texts, for x86-64 Linux sizes (`l` and `n` are 8 bytes, `g` 16, little-endian).
#[test]
#[cfg(all(target_arch = "x86_64", target_os = "linux"))]
fn golden_portable_texts() {
    // (format, portable text, NumPy-readable)
    let cases: &[(&str, &str, bool)] = &[
        // element formats: unchanged
        ("i", "i", true),
        ("<d", "<d", true),
        ("Zf", "Zf", true),
        ("3s", "3s", true),
        ("n", "n", true),
        ("=l", "=l", true),
        ("B", "B", true),
        // top-level trailing padding: struct says 5, NumPy 8
        ("ib", "=ib", true),
        ("ix", "=ix", true),
        ("lb", "=qb", true),
        ("3lb", "=3qb", true),
        // already the same for both: unchanged
        ("bg", "bg", true),
        ("bd", "bd", true),
        ("T{ib}", "T{ib}", true),
        ("2T{ib}", "2T{ib}", true),
        ("T{>i:a:d:b:}", "T{>i:a:d:b:}", true),
        ("<i:a:(2)>h:b:b:c:@d:d:", "<i:a:(2)>h:b:b:c:@d:d:", true),
        // no standard size for g / Zg: `^`
        ("<bg", "b^g", true),
        ("gb", "^gb", true),
        ("Zgb", "^Zgb", true),
        ("<g", "^g", true),
        // (b) a nested aligned struct followed by a field; its padding inside the braces
        ("T{T{i:a:b:b:}:s:b:c:}", "T{T{i:a:b:b:}:s:b:c:}", true),
        ("T{i:a:b:b:}:s:b:c:", "T{=i:a:b:b:3x}:s:b:c:", true),
        ("T{ib}b", "T{=ib3x}b", true),
        // (c) a sub-array of padded structs
        ("(3)T{i:a:b:b:}:s:b:c:", "(3)T{=i:a:b:b:3x}:s:b:c:", true),
        ("T{(3)T{i:a:b:b:}:s:i:c:}", "T{(3)T{i:a:b:b:}:s:i:c:}", true),
        // (d) a packed struct: the same text whatever the array's length
        ("T{=i:f0:b:f1:}", "T{=i:f0:b:f1:}", true),
        // (f) `O` at a misaligned offset always carries its prefix
        ("<bOg", "b=O^g", true),
        ("Ob", "=Ob", true),
        ("=bO", "=bO", true),
        // big-endian and mixed byte orders
        (">i:a:@h:b:b:c:", ">i:a:=h:b:b:c:", true),
        (">q@hb", ">q=hb", true),
        ("<h>i@b", "<h>i@b", true),
        // n/N inside structs: q/Q
        ("T{n:a:}", "T{=q:a:}", true),
        ("bN", "b7x=Q", true),
        // named padding: NumPy would make it a field
        ("bx:pad:i", "b3x=i", true),
        // a one-element tuple stays one
        ("i0b", "i0b", true),
        ("0h:a:(3)Zf", "(3)=Zf0c", true),
        // canonical form for spellings NumPy refuses
        ("<(3)i", "(3)<i", true),
        ("(2)(3)i", "(2,3)i", true),
        // nothing NumPy can read: kept, or rewritten for memview alone
        ("P", "P", false),
        ("&<i", "&<i", false),
        (">g", ">g", false),
        ("3u", "3u", false),
        ("Pb", "^Pb", false),
        ("T{b&i}", "T{b&i}", false),
        ("&ib", "^Pb", false),
    ];
    let mut bad = Vec::new();
    for &(fmt, want, numpy) in cases {
        let f = Format::parse(fmt).unwrap();
        let p = f.portable();
        if (p.as_str(), p.numpy_readable()) != (want, numpy) {
            bad.push(format!(
                "{fmt:?}: got ({:?}, {}), want ({want:?}, {numpy})",
                p.as_str(),
                p.numpy_readable()
            ));
        }
        if let Err(e) = check(&f) {
            bad.push(format!("{fmt:?}: {e}"));
        }
    }
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}

#[test]
fn explicit_itemsize_is_trailing_padding() {
    for (fmt, itemsize, want) in [
        ("T{b:a:}", 4, "T{b:a:}3x"),
        ("i", 8, "=i4x"),
        ("ib", 8, "=ib3x"),
        ("ib", 5, "=ib"),
        ("ib", 2, "=ib"),
        ("T{ib}", 12, "T{=ib3x}4x"),
        ("B", 1, "B"),
    ] {
        let f = Format::parse(fmt).unwrap();
        let p = f.portable_with_itemsize(itemsize);
        assert_eq!(p.as_str(), want, "{fmt:?} at {itemsize}");
        assert!(p.numpy_readable());
        let back = Format::parse(p.as_str()).unwrap();
        assert_eq!(back.itemsize(), itemsize.max(f.itemsize()));
        let np = Format::parse_with(p.as_str(), Dialect::NumPy).unwrap();
        assert_eq!(np.itemsize(), itemsize.max(f.itemsize()));
        for (a, b) in [(&back, &f), (&np, &f)] {
            assert_eq!(a.fields().len(), b.fields().len());
            for (x, y) in a.fields().iter().zip(b.fields()) {
                assert_eq!((x.offset, &x.name, x.size()), (y.offset, &y.name, y.size()));
            }
        }
    }
}

fn config(cases: u32) -> ProptestConfig {
    ProptestConfig {
        cases: std::env::var("PROPTEST_CASES")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(if cfg!(miri) { 2 } else { cases }),
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

proptest! {
    #![proptest_config(config(3000))]

    #[test]
    fn random_struct_formats_keep_the_layout(text in arb_format()) {
        // Duplicate names and similar are parse errors: nothing to export.
        if let Ok(f) = Format::parse(&text) {
            if let Err(e) = check(&f) {
                return Err(TestCaseError::fail(format!("{text:?}: {e}")));
            }
            // Padding to a larger item size keeps every field where it was.
            let p = f.portable_with_itemsize(f.itemsize() + 3);
            let back = Format::parse(p.as_str()).unwrap();
            prop_assert_eq!(back.itemsize(), f.itemsize() + 3);
            prop_assert_eq!(back.fields().len(), f.fields().len());
        }
    }
}
