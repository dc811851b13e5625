//! The one-pass path for plain `struct` formats (`simple.rs`) against the general parser and
//! lowerer: equal layouts, formats (their trees parsed on first use, spans included) and
//! errors, on tables and random text.

use super::corpus::{NUMPY_ACCEPTED, NUMPY_REJECTED, NUMPY_SUPERSET, STRUCT_CALCSIZE};
use super::*;
use proptest::prelude::*;

/// Checks, in both dialects, that what the one-pass path builds for `text` (if it takes it)
/// is what the general path builds, and that `Format::parse_with` (which tries the one-pass
/// path first) gives what the general path alone gives, errors included. Debug text (which
/// shows the tree, parsed on first use after the one-pass path) is compared besides `==`,
/// because `==` ignores trees and spans. Returns whether the one-pass path took
/// `text` in the struct dialect, so that tables can show it is not bypassed.
fn check(text: &str) -> bool {
    let mut taken = false;
    for dialect in [Dialect::Struct, Dialect::NumPy] {
        let general = Format::parse_general(text, dialect);
        if let Some(layout) = crate::format::simple::parse(text, dialect) {
            let g = general.as_ref().unwrap_or_else(|e| {
                panic!("{text:?} ({dialect:?}): one-pass path took it, general path:\n{e}")
            });
            assert_eq!(&layout, g.layout(), "{text:?} ({dialect:?})");
            taken |= dialect == Dialect::Struct;
        }
        let via = Format::parse_with(text, dialect);
        assert_eq!(via, general, "{text:?} ({dialect:?})");
        assert_eq!(format!("{via:?}"), format!("{general:?}"), "{text:?}");
        if let (Ok(v), Ok(g)) = (&via, &general) {
            assert_eq!(v.to_string(), g.to_string(), "{text:?}");
            assert_eq!(v.as_str(), text);
        }
    }
    taken
}

/// Formats in the one-pass subset: every struct code, counts (zero, folded, huge), every
/// prefix, whitespace where `struct` allows it.
const TAKEN: &[&str] = &[
    "",
    " ",
    " \t\n\r\x0b\x0c",
    "i",
    "<d",
    "<bBhHiIlLqQefd?sbBhHiIlLqQefd?s",
    "@bBhHiIlLqQnNefd?spPxc",
    "=bBhHiIlLqQefd?spxc",
    ">bBhHiIlLqQefd?spxc",
    "!bBhHiIlLqQefd?spxc",
    "^bBhHiIlLqQnNefd?spPxcg",
    "3i",
    "0i",
    "c0q",
    "qc0q",
    "ib",
    "i7x",
    "@ib",
    "=ib",
    "^ib",
    "<ib",
    "10s",
    "0s",
    "0p",
    "255p",
    "5x",
    "0x",
    "2xi",
    "x",
    "s",
    "nNPO",
    "g",
    "u",
    "w",
    "3u2w",
    "<3u2w",
    "< i",
    "<\t2h d",
    " i",
    "i i\t\nd ",
    "bi",
    "bq",
    "hq",
    "ehfd",
    "?c",
    "00012i",
    "4611686018427387903h",
    "9223372036854775807x",
    "9223372036854775807s",
    "1152921504606846975q",
];

/// Formats outside it, valid or not: the general path handles them.
const OTHERS: &[&str] = &[
    "<",
    "< ",
    "<>",
    " <i",
    "<<i",
    "<>i",
    "i<",
    "i<i",
    "i:a:",
    "i :a:",
    "i:a",
    ":a:i",
    "T{i}",
    "T{ib}",
    "(2)i",
    "(2,3)d",
    "Zd",
    "Zf",
    "Ze",
    "Z",
    "&i",
    "X{}",
    "X{i->d}",
    "t",
    "k",
    "é",
    "ié",
    "i\0",
    "\0",
    "3",
    "i3",
    "3 i",
    "3\ti",
    "i}",
    "}",
    "{",
    "i,",
    "4611686018427387904h",
    "9223372036854775808x",
    "1152921504606846976q",
    "99999999999999999999i",
    "18446744073709551616s",
    "9223372036854775807x1x",
    "4611686018427387903h1h",
];

#[test]
fn table_formats_agree() {
    for text in TAKEN {
        assert!(check(text), "{text:?} should take the one-pass path");
    }
    for text in OTHERS {
        assert!(!check(text), "{text:?} should take the general path");
    }
}

#[test]
fn corpus_formats_agree() {
    let texts = NUMPY_ACCEPTED
        .iter()
        .map(|&(_, t, _, _)| t)
        .chain(NUMPY_REJECTED.iter().map(|&(_, t)| t))
        .chain(NUMPY_SUPERSET.iter().map(|&(_, t, _)| t))
        .chain(STRUCT_CALCSIZE.iter().map(|&(t, _)| t));
    let taken = texts.filter(|t| check(t)).count();
    // Most of the `struct` oracle's formats are plain; the count shows they were compared.
    assert!(
        taken > 50,
        "only {taken} corpus formats took the one-pass path"
    );
}

/// Text in and around the subset: struct codes, counts, prefixes anywhere, whitespace, and
/// a few characters that leave it (names, braces, `Z`, non-ASCII).
fn arb_struct_text() -> impl Strategy<Value = String> {
    "[xcbB?hHiIlLqQnNefdgspPOwu<>=!@^0-9 \t:}TZ{(é]{0,24}"
}

/// Valid plain formats, mostly: a prefix, then counted codes with optional whitespace.
fn arb_plain_format() -> impl Strategy<Value = String> {
    let item = (
        "[ \t]{0,2}",
        prop::option::of(prop_oneof![0usize..20, any::<usize>()]),
        "[xcbB?hHiIlLqQnNefdgspPOwu]",
    )
        .prop_map(|(space, count, code)| {
            format!(
                "{space}{}{code}",
                count.map_or(String::new(), |c| c.to_string())
            )
        });
    (
        "[<>=!@^]?",
        prop::collection::vec(item, 0..40),
        "[ \t]{0,2}",
    )
        .prop_map(|(order, items, tail)| format!("{order}{}{tail}", items.concat()))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn random_struct_text_agrees(text in arb_struct_text()) {
        check(&text);
    }

    #[test]
    fn random_plain_formats_agree(text in arb_plain_format()) {
        check(&text);
    }

    #[test]
    fn struct_new_agrees_with_the_parsed_format(
        text in prop_oneof![arb_plain_format(), arb_struct_text()],
    ) {
        check_struct(&text);
    }
}

/// `Struct::new` (which lays plain formats out into its plan without a `Format`) against a
/// `Struct` of the parsed format: the same errors, size, values and format.
fn check_struct(text: &str) {
    use crate::Struct;
    let new = Struct::new(text);
    let parsed = Format::parse(text).map(Struct::from_format);
    match (new, parsed) {
        (Ok(new), Ok(parsed)) => {
            assert_eq!(new.size(), parsed.size(), "{text:?}");
            assert_eq!(new.value_count(), parsed.value_count(), "{text:?}");
            assert_eq!(new.format(), text);
            if new.size() <= 4096 {
                let bytes: Vec<u8> = (0..new.size()).map(|i| (i * 13 + 5) as u8).collect();
                // Compared as text: NaN values are not equal to themselves.
                let (a, b) = (new.unpack(&bytes), parsed.unpack(&bytes));
                assert_eq!(format!("{a:?}"), format!("{b:?}"), "{text:?}");
            }
            assert_eq!(new.as_format(), parsed.as_format(), "{text:?}");
            assert_eq!(new, parsed, "{text:?}");
        }
        (Err(a), Err(b)) => assert_eq!(a, b, "{text:?}"),
        (a, b) => panic!("{text:?}: {a:?} but {b:?}"),
    }
}
