//! The `struct` API against CPython's `struct` module (3.12+ messages).
//!
//! Fixture: `tests/fixtures/struct.tsv`, written by `python3 scripts/gen_fixtures.py` (its
//! header documents the record kinds and keys). Values print as Python's `repr`, so results
//! are compared as text: `tuple_repr(unpack(..))` against `repr(struct.unpack(..))`, and
//! `PackError::to_string()` against the message CPython raises (without the exception type).
//!
//! Deliberate difference, marked `note=deviation: ...` in the fixture: CPython <= 3.13.0
//! stores +-inf when a finite value overflows native `'f'`; memview raises
//! `float too large to pack with f format`, as CPython does for `'<f'` (DESIGN.md §1).

#[path = "fixtures/reader.rs"]
mod reader;

use memview::Value;
use reader::{args, guarded, hex, to_hex, tuple_repr, Failures, Record};

/// The message part of a fixture error (`error: bad ...` -> `bad ...`).
fn message(err: &str) -> &str {
    err.split_once(": ").map_or(err, |(_, m)| m)
}

/// What the fixture expects: `Ok(text)` or `Err(message)`, with deviations applied.
fn expected(r: &Record) -> Result<String, String> {
    if let Some(note) = r.get("note") {
        assert!(
            note.starts_with("deviation: native 'f' overflow"),
            "{}: {note}",
            r.loc
        );
        return Err("float too large to pack with f format".to_string());
    }
    match (r.get("ok"), r.get("err")) {
        (Some(ok), None) => Ok(ok.to_string()),
        (None, Some(err)) => Err(message(err).to_string()),
        _ => panic!("{}: needs exactly one of ok/err", r.loc),
    }
}

fn compare(
    r: &Record,
    what: &str,
    got: Result<Result<String, String>, String>,
    fails: &mut Failures,
) {
    let want = expected(r);
    let got = match got {
        Ok(g) => g,
        Err(panic) => return fails.fail(format!("{} {what}: {panic}", r.loc)),
    };
    fails.expect(got == want, || {
        format!(
            "{} {what}:\n      expected {want:?}\n      got      {got:?}",
            r.loc
        )
    });
}

fn list_repr(rows: &[Vec<Value>]) -> String {
    let items: Vec<String> = rows.iter().map(|t| tuple_repr(t)).collect();
    format!("[{}]", items.join(", "))
}

#[test]
fn struct_matches_cpython() {
    let mut fails = Failures::default();
    for r in reader::read("struct.tsv") {
        let fmt = r.req("fmt").to_string();
        let shown = format!("{}({fmt:?}, ...)", r.kind);
        match r.kind.as_str() {
            "pack" => {
                let a = args(r.get("args").unwrap_or(""));
                let f = fmt.clone();
                let got = guarded(move || {
                    memview::pack(&f, &a)
                        .map(|b| to_hex(&b))
                        .map_err(|e| e.to_string())
                });
                compare(&r, &shown, got, &mut fails);
                // the packed bytes unpack to what CPython unpacks them to
                if let (Some(ok), Some(want)) = (r.get("ok"), r.get("unpacked")) {
                    let data = hex(ok);
                    let f = fmt.clone();
                    let got = guarded(move || memview::unpack(&f, &data).map(|v| tuple_repr(&v)));
                    match got {
                        Ok(Ok(s)) => fails.expect(s == want, || {
                            format!("{} unpack({fmt:?}) after pack: {s} != {want}", r.loc)
                        }),
                        Ok(Err(e)) => fails.fail(format!("{} unpack({fmt:?}): {e}", r.loc)),
                        Err(p) => fails.fail(format!("{} unpack({fmt:?}): {p}", r.loc)),
                    }
                }
            }
            "unpack" => {
                let data = hex(r.req("data"));
                let f = fmt.clone();
                let got = guarded(move || {
                    memview::unpack(&f, &data)
                        .map(|v| tuple_repr(&v))
                        .map_err(|e| e.to_string())
                });
                compare(&r, &shown, got, &mut fails);
            }
            "pack_into" => {
                let a = args(r.get("args").unwrap_or(""));
                let buflen: usize = r.num("buflen").unwrap();
                let offset: isize = r.num("offset").unwrap();
                let f = fmt.clone();
                let got = guarded(move || {
                    let mut buf = vec![0xaa_u8; buflen];
                    memview::pack_into(&f, &mut buf, offset, &a)
                        .map(|()| to_hex(&buf))
                        .map_err(|e| e.to_string())
                });
                compare(&r, &format!("{shown} offset {offset}"), got, &mut fails);
            }
            "unpack_from" => {
                let data = hex(r.req("data"));
                let offset: isize = r.num("offset").unwrap();
                let f = fmt.clone();
                let got = guarded(move || {
                    memview::unpack_from(&f, &data, offset)
                        .map(|v| tuple_repr(&v))
                        .map_err(|e| e.to_string())
                });
                compare(&r, &format!("{shown} offset {offset}"), got, &mut fails);
            }
            "iter_unpack" => {
                let data = hex(r.req("data"));
                let f = fmt.clone();
                let got = guarded(move || {
                    let it = memview::iter_unpack(&f, &data).map_err(|e| e.to_string())?;
                    let rows: Result<Vec<Vec<Value>>, _> =
                        it.map(|r| r.map(memview::pack::Record::into_vec)).collect();
                    rows.map(|rows| list_repr(&rows)).map_err(|e| e.to_string())
                });
                compare(&r, &shown, got, &mut fails);
            }
            other => panic!("{}: unknown record kind {other}", r.loc),
        }
    }
    fails.finish("struct.tsv");
}

/// `calcsize` agrees with every `struct`-valid format of the format fixtures, and errors where
/// `struct` errors for reasons that are errors in every dialect.
#[test]
fn calcsize_matches_cpython() {
    let mut fails = Failures::default();
    for r in reader::read("formats.tsv") {
        let fmt = r.req("fmt").to_string();
        // Huge counts are checked in conformance_format_limits.rs (an out-of-memory abort
        // there must not hide these results).
        if fmt
            .split(|c: char| !c.is_ascii_digit())
            .any(|run| run.len() > 6)
        {
            continue;
        }
        let f = fmt.clone();
        let got = match guarded(move || memview::calcsize(&f)) {
            Ok(g) => g,
            Err(p) => {
                fails.fail(format!("{} calcsize({fmt:?}): {p}", r.loc));
                continue;
            }
        };
        if let Some(size) = r.num::<usize>("struct_size") {
            fails.expect(got.as_ref().ok() == Some(&size), || {
                format!("{} calcsize({fmt:?}) = {got:?}, CPython says {size}", r.loc)
            });
        } else if r.get("expect") == Some("reject") {
            fails.expect(got.is_err(), || {
                format!("{} calcsize({fmt:?}) = {got:?}, must be an error", r.loc)
            });
        }
    }
    fails.finish("calcsize");
}
