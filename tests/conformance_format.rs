//! Format strings against the oracles: CPython's `struct.calcsize` and NumPy's PEP 3118 parser,
//! plus the itemsizes NumPy and ctypes put in the buffers they export.
//!
//! Fixtures: `tests/fixtures/formats.tsv` and `exports.tsv`, written by
//! `python3 scripts/gen_fixtures.py` (see the headers of those files for every key).
//!
//! Where memview deliberately differs from an oracle the fixture still records the oracle's
//! answer, and the test asserts our documented behaviour (DESIGN.md §1):
//! * NumPy leniencies (`T{i` unterminated, text after a top-level `}`; `Ze`, `i<`, `()` are
//!   rejected by NumPy's raw parser too): the fixture says `expect=reject`, we must reject.
//! * Formats `struct` rejects only because they use PEP 3118 extensions (`T{}`, `(2)i`,
//!   `:name:`, `&`, `X{}`, `g`, `w`, `u`, `O`, `Z?`, `^`, mid-string byte order, native-only
//!   codes under `<`): `expect=accept`; no `struct` size to compare with.
//! * Exporter bugs (NumPy's and ctypes' `bug=` records): the format describes a different number
//!   of bytes than the exporter's itemsize; we follow the format, which must not be larger than
//!   the exporter's itemsize where the exporter pads (ctypes), and must equal NumPy's parser
//!   where NumPy mis-exports (its re-import disagrees with its own export).

#[path = "fixtures/reader.rs"]
mod reader;

use std::collections::BTreeSet;

use memview::format::{Dialect, FieldType, Format};
use reader::{guarded, leaves, Failures, Record};

/// Our top-level named fields as `name@offset`, unwrapping a lone unnamed `T{...}` the way
/// NumPy's parser unwraps it.
fn named_fields(f: &Format) -> Vec<String> {
    let mut fields = f.fields();
    if let [only] = fields {
        if let (None, true, FieldType::Struct(st)) = (&only.name, only.shape.is_empty(), &only.ty) {
            if only.offset == 0 && st.size == f.itemsize() {
                fields = &st.fields;
            }
        }
    }
    // A counted item at top level is several fields sharing one name (`3c:n:`); NumPy has one
    // sub-array field there, at the first one's offset.
    let mut seen = BTreeSet::new();
    fields
        .iter()
        .filter_map(|fl| fl.name.as_ref().map(|n| (n, fl.offset)))
        .filter(|(n, _)| seen.insert(n.to_string()))
        .map(|(n, off)| format!("{n}@{off}"))
        .collect()
}

fn show(fmt: &str) -> String {
    let mut s = format!("{fmt:?}");
    if s.len() > 90 {
        s.truncate(80);
        s.push_str("...\"");
    }
    s
}

/// Formats with a count or dimension of more than six digits. They are checked in
/// `conformance_format_limits.rs`, a separate test binary, because a layout that materialises
/// one field per repeat runs out of memory (an abort, which would hide every other result).
fn huge(fmt: &str) -> bool {
    fmt.split(|c: char| !c.is_ascii_digit())
        .any(|run| run.len() > 6)
}

fn check_format(r: &Record, fails: &mut Failures) {
    let fmt = r.req("fmt").to_string();
    let f2 = fmt.clone();
    let st = match guarded(move || Format::parse(&f2)) {
        Ok(x) => x,
        Err(p) => return fails.fail(format!("{} {}: Format::parse {p}", r.loc, show(&fmt))),
    };
    let f2 = fmt.clone();
    let np = match guarded(move || Format::parse_with(&f2, Dialect::NumPy)) {
        Ok(x) => x,
        Err(p) => return fails.fail(format!("{} {}: parse_with(NumPy) {p}", r.loc, show(&fmt))),
    };
    let why = r.req("why");
    match r.req("expect") {
        "accept" => {
            fails.expect(st.is_ok(), || {
                format!(
                    "{} {}: must be accepted ({why}); got {:?}",
                    r.loc,
                    show(&fmt),
                    st.as_ref().err().map(|e| e.to_string())
                )
            });
            fails.expect(np.is_ok(), || {
                format!(
                    "{} {}: NumPy dialect must accept ({why})",
                    r.loc,
                    show(&fmt)
                )
            });
        }
        "reject" => {
            fails.expect(st.is_err(), || {
                format!("{} {}: must be rejected ({why})", r.loc, show(&fmt))
            });
            fails.expect(np.is_err(), || {
                format!(
                    "{} {}: NumPy dialect must reject ({why})",
                    r.loc,
                    show(&fmt)
                )
            });
        }
        _ => {}
    }
    // struct dialect == CPython's struct, wherever struct accepts the format
    if let Some(size) = r.num::<usize>("struct_size") {
        if let Ok(f) = &st {
            fails.expect(f.itemsize() == size, || {
                format!(
                    "{} {}: itemsize {} != struct.calcsize {size}",
                    r.loc,
                    show(&fmt),
                    f.itemsize()
                )
            });
        }
    }
    // NumPy dialect == NumPy's parser, wherever NumPy accepts it without a leniency
    if let (Some(np_size), None, Ok(f)) = (r.num::<usize>("np_size"), r.get("np_lenient"), &np) {
        fails.expect(f.itemsize() == np_size, || {
            format!(
                "{} {}: NumPy-dialect itemsize {} != NumPy {np_size}",
                r.loc,
                show(&fmt),
                f.itemsize()
            )
        });
        let align: usize = r.num("np_align").unwrap();
        fails.expect(f.alignment() == align, || {
            format!(
                "{} {}: NumPy-dialect alignment {} != NumPy parser's {align}",
                r.loc,
                show(&fmt),
                f.alignment()
            )
        });
        if let Some(want) = r.get("np_leaves") {
            let mut got = Vec::new();
            let _ = leaves(f.fields(), 0, &mut got, 250);
            let got = got.join(",");
            fails.expect(got == want, || {
                format!(
                    "{} {}: scalars (offset:dtype)\n      ours  {got}\n      numpy {want}",
                    r.loc,
                    show(&fmt)
                )
            });
        }
        let np_names: BTreeSet<&str> = r
            .get("np_names")
            .map(|s| s.split('\x1f').collect())
            .unwrap_or_default();
        for n in named_fields(f) {
            fails.expect(np_names.contains(n.as_str()), || {
                format!(
                    "{} {}: our named field {n} is not in NumPy's {np_names:?}",
                    r.loc,
                    show(&fmt)
                )
            });
        }
    }
    // the struct layout never depends on the dialect except for top-level trailing padding
    if let (Ok(a), Ok(b)) = (&st, &np) {
        fails.expect(a.itemsize() <= b.itemsize(), || {
            format!(
                "{} {}: struct dialect {} > NumPy dialect {}",
                r.loc,
                show(&fmt),
                a.itemsize(),
                b.itemsize()
            )
        });
    }
}

#[test]
fn formats_agree_with_struct_and_numpy() {
    let mut fails = Failures::default();
    for r in reader::read("formats.tsv") {
        if !huge(r.req("fmt")) {
            check_format(&r, &mut fails);
        }
    }
    fails.finish("formats.tsv");
}

#[test]
fn exported_itemsizes_match_the_exporters() {
    let mut fails = Failures::default();
    for r in reader::read("exports.tsv") {
        let Some(fmt) = r.get("fmt") else { continue };
        let want: usize = r.num("itemsize").unwrap();
        let numpy = r.req("exporter") == "numpy";
        let dialect = if numpy {
            Dialect::NumPy
        } else {
            Dialect::Struct
        };
        let parsed = Format::parse_with(fmt, dialect);
        let desc = r.req("desc");
        match (r.get("bug"), parsed) {
            (None, Ok(f)) => fails.expect(f.itemsize() == want, || {
                format!(
                    "{} {} ({desc}): itemsize {} != exporter's {want}",
                    r.loc,
                    show(fmt),
                    f.itemsize()
                )
            }),
            (None, Err(e)) => fails.fail(format!(
                "{} {} ({desc}): exported format rejected: {e}",
                r.loc,
                show(fmt)
            )),
            // NumPy mis-exports: formats.tsv already checks we read it as NumPy's parser does.
            (Some(_), _) if numpy => fails.check(),
            // ctypes: where NumPy can read the format, we read it the same (`<` formats have
            // one layout in both dialects), whatever ctypes claims (bitfields are exported as
            // whole ints, so the format can even be larger than the item).
            (Some(_), Ok(f)) if r.get("np_size").is_some() => {
                let np: usize = r.num("np_size").unwrap();
                fails.expect(f.itemsize() == np, || {
                    format!(
                        "{} {} ({desc}): itemsize {} != NumPy's reading {np}",
                        r.loc,
                        show(fmt),
                        f.itemsize()
                    )
                })
            }
            // otherwise the exporter's itemsize includes padding the format does not describe
            // (ctypes < 3.12 emits no `x`); from_parts_with_itemsize accepts that, so we must
            // not be larger.
            (Some(_), Ok(f)) => fails.expect(f.itemsize() <= want, || {
                format!(
                    "{} {} ({desc}): itemsize {} > ctypes' {want}",
                    r.loc,
                    show(fmt),
                    f.itemsize()
                )
            }),
            // 'z'/'Z' and similar non-PEP codes: rejecting is right.
            (Some(_), Err(_)) => fails.check(),
        }
        // an exported buffer's format must also be readable in the other dialect
        let other = if numpy {
            Dialect::Struct
        } else {
            Dialect::NumPy
        };
        if r.get("bug").is_none() {
            fails.expect(Format::parse_with(fmt, other).is_ok(), || {
                format!("{} {}: rejected in {other:?} dialect", r.loc, show(fmt))
            });
        }
    }
    fails.finish("exports.tsv");
}

/// The printed form of every accepted format re-parses to the same layout.
#[test]
fn display_round_trips_for_fixture_formats() {
    let mut fails = Failures::default();
    for r in reader::read("formats.tsv") {
        let fmt = r.req("fmt");
        if fmt.len() > 2000 || huge(fmt) {
            continue;
        }
        for d in [Dialect::Struct, Dialect::NumPy] {
            let Ok(f) = Format::parse_with(fmt, d) else {
                continue;
            };
            let printed = f.to_string();
            match Format::parse_with(&printed, d) {
                Ok(g) => fails.expect(g.layout() == f.layout(), || {
                    format!(
                        "{} {} ({d:?}): printed as {printed:?}, which lays out differently",
                        r.loc,
                        show(fmt)
                    )
                }),
                Err(e) => fails.fail(format!(
                    "{} {} ({d:?}): printed as {printed:?}, which does not parse: {e}",
                    r.loc,
                    show(fmt)
                )),
            }
        }
    }
    fails.finish("round trip");
}
