//! Records (`#[derive(Record)]`): the sum of one field (`pos[1]`) over 1M `Particle`s held in
//! a byte buffer (NumPy's `align=True` layout), through each way memview reads them, against
//! the same sum over a plain `&[Particle]`:
//!
//! * `plain_slice`: `slice.iter().map(|p| p.pos[1]).sum()` — the baseline.
//! * `as_array`: `from_parts` + `as_array::<Particle>()` (zero-copy) + the same iterator sum;
//!   the view is made inside the timed closure.
//! * `as_array_made_once`: the same sum over an `ArrayView1<Particle>` made once, outside the
//!   timed closure (what reading through the zero-copy array costs, without making it).
//! * `field_as_array`: `field("pos")` + `as_array::<f64>()` (zero-copy, an `n × 3` array with
//!   a 40-byte row stride) + the sum of column 1.
//! * `typed`: `typed::<Particle>()` iterated (zero-copy underneath here).
//! * `iter_unpack_as`: decoding each record into a `Particle` (no zero-copy: safe for any
//!   layout and byte order).
//! * `values`: `iter_unpack` into dynamic `Value`s, then picking `pos[1]`.
//!
//! * `plain_slice_u8_flag` / `as_array_u8_flag`: the same with `flag: u8` instead of `bool`.
//!   A `bool` field costs `as_array` one pass over the items to check that every flag byte is
//!   0 or 1 (zero-copy must never make a `&bool` of another byte); a type without `bool` has
//!   no invalid bytes, so nothing is read before the array is handed out.
//!
//! Every path's answer is checked against the baseline before timing.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use memview::ffi::AlignedBuffer;
use memview::{MemoryView, Record, Value};

#[derive(Clone, Copy, Debug, PartialEq, Record)]
#[repr(C)]
struct Particle {
    id: u32,
    pos: [f64; 3],
    flag: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Record)]
#[repr(C)]
struct ParticleU8 {
    id: u32,
    pos: [f64; 3],
    flag: u8,
}

const N: usize = 1 << 20;

fn particles() -> Vec<Particle> {
    (0..N)
        .map(|i| Particle {
            id: i as u32,
            pos: [i as f64, (i % 1000) as f64 * 0.25, 1.0],
            flag: i % 2 == 0,
        })
        .collect()
}

fn pos1_of_value(v: &Value) -> f64 {
    match v {
        Value::List(xs) | Value::Tuple(xs) => match &xs[1] {
            Value::Float(x) => *x,
            other => panic!("pos[1] is {other:?}"),
        },
        other => panic!("pos is {other:?}"),
    }
}

fn records(c: &mut Criterion) {
    let plain = particles();
    let mut buf = AlignedBuffer::zeroed(Particle::format().as_str(), &[N]).expect("buffer");
    buf.view_mut()
        .typed_mut::<Particle>()
        .expect("typed")
        .assign(&plain)
        .expect("assign");
    let bytes = buf.as_bytes();
    let fmt = Particle::format().as_str();

    let baseline = |s: &[Particle]| s.iter().map(|p| p.pos[1]).sum::<f64>();
    let via_array = |b: &[u8]| {
        let v = MemoryView::from_parts(b, fmt, &[N], None, 0).expect("view");
        let a = v.as_array::<Particle>().expect("zero-copy");
        a.iter().map(|p| p.pos[1]).sum::<f64>()
    };
    let via_field = |b: &[u8]| {
        let v = MemoryView::from_parts(b, fmt, &[N], None, 0).expect("view");
        let pos = v.field("pos").expect("field");
        let a = pos.as_array::<f64>().expect("zero-copy");
        a.index_axis(ndarray::Axis(1), 1).sum()
    };
    let via_typed = |b: &[u8]| {
        let v = MemoryView::from_parts(b, fmt, &[N], None, 0).expect("view");
        let t = v.typed::<Particle>().expect("typed");
        t.iter().map(|p| p.pos[1]).sum::<f64>()
    };
    let via_unpack = |b: &[u8]| {
        memview::iter_unpack_as::<Particle>(fmt, b)
            .expect("iter_unpack_as")
            .map(|p| p.pos[1])
            .sum::<f64>()
    };
    let via_values = |b: &[u8]| {
        memview::iter_unpack(fmt, b)
            .expect("iter_unpack")
            .map(|r| {
                let r = r.expect("record");
                // The format is one `T{...}`: each record unpacks to one struct value.
                match &r[0] {
                    Value::Record(fields) => pos1_of_value(&fields[1].1),
                    other => panic!("a struct, not {other:?}"),
                }
            })
            .sum::<f64>()
    };

    let want = baseline(&plain);
    assert_eq!(via_array(bytes), want);
    assert_eq!(via_field(bytes), want);
    assert_eq!(via_typed(bytes), want);
    assert_eq!(via_unpack(bytes), want);
    assert_eq!(via_values(bytes), want);

    let plain_u8: Vec<ParticleU8> = plain
        .iter()
        .map(|p| ParticleU8 {
            id: p.id,
            pos: p.pos,
            flag: p.flag as u8,
        })
        .collect();
    let fmt_u8 = ParticleU8::format().as_str();
    let mut buf_u8 = AlignedBuffer::zeroed(fmt_u8, &[N]).expect("buffer");
    buf_u8
        .view_mut()
        .typed_mut::<ParticleU8>()
        .expect("typed")
        .assign(&plain_u8)
        .expect("assign");
    let bytes_u8 = buf_u8.as_bytes();
    let baseline_u8 = |s: &[ParticleU8]| s.iter().map(|p| p.pos[1]).sum::<f64>();
    let via_array_u8 = |b: &[u8]| {
        let v = MemoryView::from_parts(b, fmt_u8, &[N], None, 0).expect("view");
        let a = v.as_array::<ParticleU8>().expect("zero-copy");
        a.iter().map(|p| p.pos[1]).sum::<f64>()
    };
    assert_eq!(baseline_u8(&plain_u8), want);
    assert_eq!(via_array_u8(bytes_u8), want);

    let mut g = c.benchmark_group("records_sum_pos1_1M");
    g.throughput(Throughput::Elements(N as u64));
    g.sample_size(20);
    g.bench_function("plain_slice", |b| b.iter(|| baseline(black_box(&plain))));
    g.bench_function("as_array", |b| b.iter(|| via_array(black_box(bytes))));
    // The zero-copy array made (and its flags checked) once, outside the timing: the cost of
    // reading through it, against the plain slice.
    let view = MemoryView::from_parts(bytes, fmt, &[N], None, 0).expect("view");
    let made = view.as_array::<Particle>().expect("zero-copy");
    assert_eq!(made.iter().map(|p| p.pos[1]).sum::<f64>(), want);
    g.bench_function("as_array_made_once", |b| {
        b.iter(|| black_box(&made).iter().map(|p| p.pos[1]).sum::<f64>())
    });
    g.bench_function("field_as_array", |b| b.iter(|| via_field(black_box(bytes))));
    g.bench_function("typed", |b| b.iter(|| via_typed(black_box(bytes))));
    g.bench_function("iter_unpack_as", |b| {
        b.iter(|| via_unpack(black_box(bytes)))
    });
    g.bench_function("plain_slice_u8_flag", |b| {
        b.iter(|| baseline_u8(black_box(&plain_u8)))
    });
    g.bench_function("as_array_u8_flag", |b| {
        b.iter(|| via_array_u8(black_box(bytes_u8)))
    });
    g.sample_size(10);
    g.bench_function("values", |b| b.iter(|| via_values(black_box(bytes))));
    g.finish();
}

criterion_group!(benches, records);
criterion_main!(benches);
