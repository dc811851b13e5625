//! Format parsing, `struct`-style unpacking and `to_list`: the paths that go through `Value`.
//!
//! Groups (each benchmark asserts its answer once, outside the timed loop):
//! * `format_parse`: `Format::parse` (both dialects) and `Struct::new` of a 1-field and a
//!   30-field format.
//! * `iter_unpack`: one million 12-byte records, `<iQ` and a named `T{...}`, in records per
//!   second, through the iterator and through the allocation-free `next_into`; beside them the
//!   typed `iter_unpack_as::<(i32, u64)>` and the zero-copy alternative, typed views of the
//!   record fields (neither builds `Value`s).
//! * `to_list`: `to_list` of one million doubles, beside building the same `Value`s from a
//!   slice and copying the doubles out through `typed`.

mod common;

use std::hint::black_box;

use common::{int, quick, records, RECORDS};
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use memview::format::{Dialect, Format};
use memview::{iter_unpack, iter_unpack_as, MemoryView, Struct, Value};

/// One field.
const FMT_1: &str = "<d";
/// Thirty fields, every standard-size code twice (the same string is given to CPython's
/// `struct` and to NumPy by `benches/compare.py`).
const FMT_30: &str = "<bBhHiIlLqQefd?sbBhHiIlLqQefd?s";
/// The 12-byte record, plain and as a struct with named fields.
const FMT_IQ: &str = "<iQ";
const FMT_NAMED: &str = "T{<i:id:Q:count:}";

fn format_parse(c: &mut Criterion) {
    let mut g = c.benchmark_group("format_parse");
    quick(&mut g);
    let f30 = Format::parse(FMT_30).expect("valid format");
    assert_eq!((f30.fields().len(), f30.itemsize()), (30, 108));
    let f1 = Format::parse(FMT_1).expect("valid format");
    assert_eq!((f1.fields().len(), f1.itemsize()), (1, 8));
    let n30 = Format::parse_with(FMT_30, Dialect::NumPy).expect("valid format");
    assert_eq!((n30.fields().len(), n30.itemsize()), (30, 108));
    assert_eq!(Struct::new(FMT_30).expect("valid").size(), 108);

    for (label, fmt) in [("1-field", FMT_1), ("30-field", FMT_30)] {
        g.bench_function(format!("parse/{label}"), |b| {
            b.iter(|| Format::parse(black_box(fmt)).expect("valid"))
        });
        g.bench_function(format!("parse_numpy/{label}"), |b| {
            b.iter(|| Format::parse_with(black_box(fmt), Dialect::NumPy).expect("valid"))
        });
        g.bench_function(format!("struct_new/{label}"), |b| {
            b.iter(|| Struct::new(black_box(fmt)).expect("valid"))
        });
    }
    g.finish();
}

/// The checksum of one record, whichever shape it was decoded to.
fn record_sum(r: &[Value]) -> i128 {
    match r {
        [a, b] => int(a) ^ int(b),
        [Value::Record(fields)] => match &fields[..] {
            [(_, a), (_, b)] => int(a) ^ int(b),
            _ => panic!("expected two fields"),
        },
        _ => panic!("unexpected record shape"),
    }
}

fn unpack_all(fmt: &str, buf: &[u8]) -> i128 {
    let mut acc: i128 = 0;
    for r in iter_unpack(fmt, buf).expect("valid") {
        acc = acc.wrapping_add(record_sum(&r.expect("decodes")));
    }
    acc
}

fn unpack_all_into(fmt: &str, buf: &[u8]) -> i128 {
    let mut acc: i128 = 0;
    let mut it = iter_unpack(fmt, buf).expect("valid");
    let mut record = Vec::new();
    while let Some(r) = it.next_into(&mut record) {
        r.expect("decodes");
        acc = acc.wrapping_add(record_sum(&record));
    }
    acc
}

/// The same records through the typed `iter_unpack_as`: the values as `(i32, u64)`.
fn unpack_all_as(fmt: &str, buf: &[u8]) -> i128 {
    let mut acc: i128 = 0;
    for (a, b) in iter_unpack_as::<(i32, u64)>(fmt, buf).expect("valid") {
        acc = acc.wrapping_add(i128::from(a) ^ i128::from(b));
    }
    acc
}

fn unpack(c: &mut Criterion) {
    let mut g = c.benchmark_group("iter_unpack");
    quick(&mut g);
    let (buf, expected) = records();
    assert_eq!(Struct::new(FMT_NAMED).expect("valid").size(), 12);
    for fmt in [FMT_IQ, FMT_NAMED] {
        assert_eq!(unpack_all(fmt, &buf), expected);
        assert_eq!(unpack_all_into(fmt, &buf), expected);
        assert_eq!(unpack_all_as(fmt, &buf), expected);
    }
    if let Some(Ok(first)) = iter_unpack(FMT_NAMED, &buf).expect("valid").next() {
        assert_eq!(first[0].to_string(), "(-500000, 0)");
    }

    g.throughput(Throughput::Elements(RECORDS as u64));
    g.bench_function("iter/<iQ", |b| {
        b.iter(|| unpack_all(FMT_IQ, black_box(&buf)))
    });
    g.bench_function("next_into/<iQ", |b| {
        b.iter(|| unpack_all_into(FMT_IQ, black_box(&buf)))
    });
    g.bench_function("iter_as/<iQ", |b| {
        b.iter(|| unpack_all_as(FMT_IQ, black_box(&buf)))
    });
    g.bench_function("iter_as/T{named}", |b| {
        b.iter(|| unpack_all_as(FMT_NAMED, black_box(&buf)))
    });
    g.bench_function("iter/T{named}", |b| {
        b.iter(|| unpack_all(FMT_NAMED, black_box(&buf)))
    });
    g.bench_function("next_into/T{named}", |b| {
        b.iter(|| unpack_all_into(FMT_NAMED, black_box(&buf)))
    });
    // The zero-copy alternative: a view of the records, one typed view per field.
    let records = MemoryView::from_parts(&buf, FMT_NAMED, &[RECORDS], None, 0).expect("valid");
    assert_eq!(typed_fields(&records), expected);
    g.bench_function("typed_fields/T{named}", |b| {
        b.iter(|| typed_fields(black_box(&records)))
    });
    g.finish();
}

/// The record checksum through field views (`field("id")`, `field("count")`) copied out as
/// `i32` and `u64` columns: no `Value`s at all.
fn typed_fields(records: &MemoryView<'_>) -> i128 {
    let id = records.field("id").expect("field");
    let count = records.field("count").expect("field");
    // `to_vec` goes through the typed iterator's `fold` (run by run); a `zip` of two typed
    // iterators would step each element by element.
    let ids = id.typed::<i32>().expect("typed").to_vec();
    let counts = count.typed::<u64>().expect("typed").to_vec();
    ids.iter().zip(&counts).fold(0i128, |acc, (&a, &q)| {
        acc.wrapping_add(i128::from(a) ^ i128::from(q))
    })
}

fn to_list(c: &mut Criterion) {
    let mut g = c.benchmark_group("to_list");
    quick(&mut g);
    let data: Vec<f64> = (0..RECORDS).map(|i| i as f64 * 0.5 - 1000.0).collect();
    let bytes: &[u8] = bytemuck::cast_slice(&data);
    let view = MemoryView::from_parts(bytes, "d", &[RECORDS], None, 0).expect("valid view");
    let check = |v: &Value| match v {
        Value::List(items) => {
            assert_eq!(items.len(), data.len());
            assert!(items.iter().zip(&data).all(|(a, &b)| *a == Value::Float(b)));
        }
        other => panic!("expected a list, got a {}", other.type_name()),
    };
    check(&view.to_list().expect("decodes"));
    let from_slice = |d: &[f64]| Value::List(d.iter().map(|&x| Value::Float(x)).collect());
    check(&from_slice(&data));
    assert_eq!(view.typed::<f64>().expect("typed").to_vec(), data);

    g.throughput(Throughput::Elements(RECORDS as u64));
    g.bench_function("to_list/1M d", |b| {
        b.iter(|| black_box(&view).to_list().expect("decodes"))
    });
    g.bench_function("values_from_slice/1M d", |b| {
        b.iter(|| from_slice(black_box(&data)))
    });
    g.bench_function("typed_to_vec/1M d", |b| {
        b.iter(|| black_box(&view).typed::<f64>().expect("typed").to_vec())
    });
    g.finish();
}

criterion_group!(benches, format_parse, unpack, to_list);
criterion_main!(benches);
