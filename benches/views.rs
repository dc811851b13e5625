//! Views against copies, and the byte-moving hot paths against their plain baselines.
//!
//! Groups (each benchmark asserts its answer once, outside the timed loop):
//! * `view_vs_copy`: building a view (`from_parts` + `select` + `as_array`) vs `to_vec` and
//!   `ndarray`'s `to_owned` of the same doubles.
//! * `to_bytes_contiguous`: `to_bytes` vs allocate + `copy_from_slice`.
//! * `to_bytes_strided`: `to_bytes` of `[::2, ::2]` of a 4096×4096 f64 array vs `ndarray`'s
//!   `as_standard_layout().into_owned()` of the same slice.
//! * `to_bytes_transposed`: `to_bytes` of a transposed view vs the same in `ndarray`.
//! * `typed_sum`: the sum of a stride-2 f64 view through `typed` and `as_array`, vs `ndarray`;
//!   and through `typed` on byte-swapped (non-native order) data.
//! * `cast`, `select`, `assign`: the view operations vs their `ndarray` / slice equivalents.

mod common;

use std::hint::black_box;

use common::{bytes_of, checksum, checksum_f64, doubles, quick, SIZES};
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use memview::{MemoryView, MemoryViewMut, Order, SliceArg};
use ndarray::{s, ArrayView1, ArrayView2, ArrayViewD};

/// `(rows, cols)` of a near-square 2-D array of `bytes / 8` doubles (16×32, 256×512, 2048×4096).
fn square_shape(bytes: usize) -> (usize, usize) {
    let n = bytes / 8;
    let cols = 1usize << n.ilog2().div_ceil(2);
    (n / cols, cols)
}

/// The view being measured in `view_vs_copy`: all doubles but the first and last.
fn build_view(bytes: &[u8], n: usize) -> ArrayViewD<'_, f64> {
    let view = MemoryView::from_parts(bytes, "d", &[n], None, 0).expect("valid view");
    let inner = view.select("1:-1").expect("valid selection");
    inner.as_array::<f64>().expect("zero-copy f64 view")
}

fn view_vs_copy(c: &mut Criterion) {
    let mut g = c.benchmark_group("view_vs_copy");
    quick(&mut g);
    for (label, size) in SIZES {
        let n = size / 8;
        let data = doubles(n);
        let bytes: &[u8] = bytemuck::cast_slice(&data);
        let inner = &data[1..n - 1];
        let expected = checksum_f64(inner);
        // The answers: the view sees exactly the inner doubles, and the copies hold them.
        let a = build_view(bytes, n);
        assert_eq!(a.as_slice().map(checksum_f64), Some(expected));
        assert_eq!(checksum_f64(&inner.to_vec()), expected);
        let owned = ArrayView1::from(inner).to_owned();
        assert_eq!(owned.as_slice().map(checksum_f64), Some(expected));

        g.bench_function(BenchmarkId::new("view", label), |b| {
            b.iter(|| build_view(black_box(bytes), n))
        });
        g.bench_function(BenchmarkId::new("to_vec", label), |b| {
            b.iter(|| black_box(inner).to_vec())
        });
        let nd = ArrayView1::from(inner);
        g.bench_function(BenchmarkId::new("ndarray_to_owned", label), |b| {
            b.iter(|| black_box(&nd).to_owned())
        });
    }
    g.finish();
}

fn to_bytes_contiguous(c: &mut Criterion) {
    let mut g = c.benchmark_group("to_bytes_contiguous");
    quick(&mut g);
    for (label, size) in SIZES {
        let data = doubles(size / 8);
        let bytes: &[u8] = bytemuck::cast_slice(&data);
        let expected = checksum(bytes);
        let view = MemoryView::from_parts(bytes, "d", &[size / 8], None, 0).expect("valid view");
        assert_eq!(checksum(&view.to_bytes(Order::C)), expected);
        let copy = |src: &[u8]| {
            let mut out = vec![0u8; src.len()];
            out.copy_from_slice(src);
            out
        };
        assert_eq!(checksum(&copy(bytes)), expected);

        g.throughput(Throughput::Bytes(size as u64));
        g.bench_function(BenchmarkId::new("to_bytes", label), |b| {
            b.iter(|| black_box(&view).to_bytes(Order::C))
        });
        g.bench_function(BenchmarkId::new("copy_from_slice", label), |b| {
            b.iter(|| copy(black_box(bytes)))
        });
    }
    g.finish();
}

fn to_bytes_strided(c: &mut Criterion) {
    let mut g = c.benchmark_group("to_bytes_strided");
    quick(&mut g);
    let (rows, cols) = (4096, 4096);
    let data = doubles(rows * cols);
    let bytes: &[u8] = bytemuck::cast_slice(&data);
    let view = MemoryView::from_parts(bytes, "d", &[rows, cols], None, 0).expect("valid view");
    let sel = view.select("::2, ::2").expect("valid selection");
    let nd = ArrayView2::from_shape((rows, cols), &data[..]).expect("shape");
    let nd_sel = nd.slice(s![..;2, ..;2]);
    let expected = checksum_f64(nd_sel.iter());
    assert_eq!(checksum(&sel.to_bytes(Order::C)), expected);
    let owned = nd_sel.as_standard_layout().into_owned();
    assert_eq!(owned.as_slice().map(checksum_f64), Some(expected));

    g.throughput(Throughput::Bytes(sel.nbytes() as u64));
    g.bench_function("to_bytes/4096x4096[::2,::2]", |b| {
        b.iter(|| black_box(&sel).to_bytes(Order::C))
    });
    g.bench_function("ndarray_standard_layout/4096x4096[::2,::2]", |b| {
        b.iter(|| black_box(&nd_sel).as_standard_layout().into_owned())
    });
    g.finish();
}

fn to_bytes_transposed(c: &mut Criterion) {
    let mut g = c.benchmark_group("to_bytes_transposed");
    quick(&mut g);
    for (label, size) in SIZES {
        let (rows, cols) = square_shape(size);
        let data = doubles(rows * cols);
        let bytes: &[u8] = bytemuck::cast_slice(&data);
        let view = MemoryView::from_parts(bytes, "d", &[rows, cols], None, 0).expect("valid view");
        let t = view.transpose();
        let nd = ArrayView2::from_shape((rows, cols), &data[..]).expect("shape");
        let nd_t = nd.t();
        let expected = checksum_f64(nd_t.iter());
        assert_eq!(checksum(&t.to_bytes(Order::C)), expected);
        let owned = nd_t.as_standard_layout().into_owned();
        assert_eq!(owned.as_slice().map(checksum_f64), Some(expected));

        g.throughput(Throughput::Bytes(size as u64));
        g.bench_function(BenchmarkId::new("to_bytes", label), |b| {
            b.iter(|| black_box(&t).to_bytes(Order::C))
        });
        g.bench_function(BenchmarkId::new("ndarray_standard_layout", label), |b| {
            b.iter(|| black_box(&nd_t).as_standard_layout().into_owned())
        });
    }
    g.finish();
}

fn typed_sum(c: &mut Criterion) {
    let mut g = c.benchmark_group("typed_sum");
    quick(&mut g);
    for (label, size) in SIZES {
        let n = size / 8;
        let data = doubles(n);
        let bytes: &[u8] = bytemuck::cast_slice(&data);
        // The same values stored in the other byte order (aligned, so only the swap differs).
        let swapped: Vec<f64> = data
            .iter()
            .map(|x| f64::from_bits(x.to_bits().swap_bytes()))
            .collect();
        let swapped_bytes: &[u8] = bytemuck::cast_slice(&swapped);
        let other = if cfg!(target_endian = "little") {
            ">d"
        } else {
            "<d"
        };
        let view = MemoryView::from_parts(bytes, "d", &[n], None, 0).expect("valid view");
        let sel = view.select("::2").expect("valid selection");
        let sw = MemoryView::from_parts(swapped_bytes, other, &[n], None, 0).expect("valid view");
        let sw_sel = sw.select("::2").expect("valid selection");
        let nd = ArrayView1::from(&data[..]);
        let nd_sel = nd.slice(s![..;2]);
        // Small integers: every summation order gives the same exact answer.
        let expected: f64 = data.iter().step_by(2).sum();
        assert_eq!(sel.typed::<f64>().expect("typed").sum(), expected);
        assert_eq!(sel.as_array::<f64>().expect("as_array").sum(), expected);
        assert_eq!(nd_sel.sum(), expected);
        assert_eq!(sw_sel.typed::<f64>().expect("typed").sum(), expected);

        g.throughput(Throughput::Bytes((size / 2) as u64));
        g.bench_function(BenchmarkId::new("typed", label), |b| {
            b.iter(|| black_box(&sel).typed::<f64>().expect("typed").sum())
        });
        g.bench_function(BenchmarkId::new("as_array", label), |b| {
            b.iter(|| black_box(&sel).as_array::<f64>().expect("as_array").sum())
        });
        g.bench_function(BenchmarkId::new("ndarray", label), |b| {
            b.iter(|| black_box(&nd_sel).sum())
        });
        g.bench_function(BenchmarkId::new("typed_swapped", label), |b| {
            b.iter(|| black_box(&sw_sel).typed::<f64>().expect("typed").sum())
        });
    }
    g.finish();
}

fn cast(c: &mut Criterion) {
    let mut g = c.benchmark_group("cast");
    quick(&mut g);
    for (label, size) in SIZES {
        let (rows, cols) = square_shape(size);
        let data = doubles(rows * cols);
        let bytes: &[u8] = bytemuck::cast_slice(&data);
        let raw = MemoryView::new(bytes);
        fn cast_2d<'a>(v: &MemoryView<'a>, shape: &[usize]) -> MemoryView<'a> {
            v.cast("d", Some(shape)).expect("valid cast")
        }
        fn nd_cast(b: &[u8], shape: (usize, usize)) -> ArrayView2<'_, f64> {
            ArrayView2::from_shape(shape, bytemuck::cast_slice(b)).expect("shape")
        }
        let out = cast_2d(&raw, &[rows, cols]);
        assert_eq!(
            (out.shape(), out.strides()),
            (&[rows, cols][..], &[cols as isize * 8, 8][..])
        );
        assert_eq!(
            out.get(&[-1, -1]).expect("in bounds"),
            data[rows * cols - 1].into()
        );
        assert_eq!(
            nd_cast(bytes, (rows, cols))[[rows - 1, cols - 1]],
            data[rows * cols - 1]
        );

        g.bench_function(BenchmarkId::new("cast", label), |b| {
            b.iter(|| cast_2d(black_box(&raw), &[rows, cols]))
        });
        g.bench_function(BenchmarkId::new("bytemuck_ndarray", label), |b| {
            b.iter(|| nd_cast(black_box(bytes), (rows, cols)))
        });
    }
    g.finish();
}

fn select(c: &mut Criterion) {
    let mut g = c.benchmark_group("select");
    quick(&mut g);
    for (label, size) in SIZES {
        let (rows, cols) = square_shape(size);
        let data = doubles(rows * cols);
        let bytes: &[u8] = bytemuck::cast_slice(&data);
        let view = MemoryView::from_parts(bytes, "d", &[rows, cols], None, 0).expect("valid view");
        let nd = ArrayView2::from_shape((rows, cols), &data[..]).expect("shape");
        let args = [
            SliceArg::slice(Some(1), Some(-1), Some(2)),
            SliceArg::slice(None, None, Some(3)),
        ];
        let text = view.select("1:-1:2, ::3").expect("valid selection");
        let typed = view.select_with(&args).expect("valid selection");
        let nd_sel = nd.slice(s![1..rows - 1;2, ..;3]);
        let expected = checksum_f64(nd_sel.iter());
        assert_eq!(checksum(&text.to_bytes(Order::C)), expected);
        assert_eq!(checksum(&typed.to_bytes(Order::C)), expected);

        g.bench_function(BenchmarkId::new("select", label), |b| {
            b.iter(|| black_box(&view).select("1:-1:2, ::3").expect("valid"))
        });
        g.bench_function(BenchmarkId::new("select_with", label), |b| {
            b.iter(|| black_box(&view).select_with(&args).expect("valid"))
        });
        g.bench_function(BenchmarkId::new("ndarray_slice", label), |b| {
            b.iter(|| black_box(&nd).slice(s![1..rows - 1;2, ..;3]))
        });
    }
    g.finish();
}

fn assign(c: &mut Criterion) {
    let mut g = c.benchmark_group("assign");
    quick(&mut g);
    for (label, size) in SIZES {
        let n = size / 8;
        let src_data = doubles(n);
        let src_bytes: &[u8] = bytemuck::cast_slice(&src_data);
        let src = MemoryView::from_parts(src_bytes, "d", &[n], None, 0).expect("valid view");
        let expected = checksum(src_bytes);
        // Shifted right by one element: what `a[1:] = a[:-1]` leaves.
        let mut shifted = src_data.clone();
        shifted.copy_within(0..n - 1, 1);
        let expected_shift = checksum_f64(&shifted);

        let mut dst = vec![0u8; size];
        {
            let mut mv = MemoryViewMut::from_parts(&mut dst, "d", &[n], None, 0).expect("valid");
            mv.assign(":", &src).expect("assignable");
        }
        assert_eq!(checksum(&dst), expected);
        let mut within = bytes_of(&src_data);
        {
            let mut mv = MemoryViewMut::from_parts(&mut within, "d", &[n], None, 0).expect("valid");
            mv.assign_within("1:", ":-1").expect("assignable");
        }
        assert_eq!(checksum(&within), expected_shift);
        let mut within_base = bytes_of(&src_data);
        within_base.copy_within(0..size - 8, 8);
        assert_eq!(checksum(&within_base), expected_shift);

        g.throughput(Throughput::Bytes(size as u64));
        let mut mv = MemoryViewMut::from_parts(&mut dst, "d", &[n], None, 0).expect("valid");
        g.bench_function(BenchmarkId::new("assign", label), |b| {
            b.iter(|| mv.assign(":", black_box(&src)).expect("assignable"))
        });
        let mut plain = vec![0u8; size];
        g.bench_function(BenchmarkId::new("copy_from_slice", label), |b| {
            b.iter(|| plain.copy_from_slice(black_box(src_bytes)))
        });
        let mut mv = MemoryViewMut::from_parts(&mut within, "d", &[n], None, 0).expect("valid");
        g.bench_function(BenchmarkId::new("assign_within_overlap", label), |b| {
            b.iter(|| mv.assign_within("1:", ":-1").expect("assignable"))
        });
        g.bench_function(BenchmarkId::new("copy_within", label), |b| {
            b.iter(|| within_base.copy_within(0..size - 8, 8))
        });
    }
    g.finish();
}

criterion_group!(
    benches,
    view_vs_copy,
    to_bytes_contiguous,
    to_bytes_strided,
    to_bytes_transposed,
    typed_sum,
    cast,
    select,
    assign
);
criterion_main!(benches);
