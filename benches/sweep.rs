//! The size sweep of issue #14: the byte-moving paths over 2-D matrices of five sizes and five
//! item sizes, each beside its `ndarray` (or plain-slice) baseline, and the fixed costs of
//! making views.
//!
//! Sizes 256², 1024², 2048², 4096² and 8192×4096; items of 1, 2, 4 and 8 bytes (`u8` .. `u64`,
//! formats `B` .. `Q`) and a 29-byte record (format `29s`, `[u8; 29]` in ndarray). Groups, each
//! named after one operation, with the implementations as functions and `<rows>x<cols>_<k>B`
//! as the parameter (`strided/memview/1024x1024_8B`):
//! * `strided`: `select("::2, ::2")` + `to_bytes(C)` vs `slice(s![..;2, ..;2]).to_owned()`.
//! * `transposed`: `transpose()` + `to_bytes(C)` vs `t().as_standard_layout().into_owned()`.
//! * `contiguous`: `to_bytes(C)` vs `Vec::with_capacity` + `extend_from_slice`.
//! * `strided_assign`: `assign("::2, ::2", &src)` vs `slice_mut(s![..;2, ..;2]).assign(&src)`.
//! * `strided_fill`: `select_mut("::2, ::2")` + `fill` vs `slice_mut(..).fill`.
//! * `lines` in `strided` and `strided_assign`: the same copy's cache lines touched once each
//!   and no item moved ([`touch_lines`]), the memory-traffic reference of both.
//! * `convert` (doubles only, parameter `<rows>x<cols>`): `copy_from_converted` of a `>d`
//!   and of a `<i` source into the `[::2, ::2]` of a `<d` matrix, vs `copy_from` of a `<d`
//!   source (the same-format copy); and `to_bytes_as("<d", C)` of the `[::2, ::2]` of a `>d`
//!   and of a `<i` matrix, vs `to_bytes(C)` of the same selection of a `<d` matrix.
//! * `swapped_sum` (doubles only, 1-D over the whole matrix): `typed::<f64>()?.sum()` of native and
//!   byte-swapped data, contiguous and `::2`.
//! * `fixed`: view making (`from_format` over a parsed format, and `from_parts` from the text
//!   `"d"`, + `select_with` + `as_array`), `select_with` alone, `cast_format` (parsed) and
//!   `cast` (text), `Struct::new` (1 and 30 fields), `iter_unpack` of 1M `<iQ` records, beside
//!   their `ndarray` / `bytemuck` baselines (CPython's are in `benches/compare.py`).
//!
//! Every benchmark checks its answer once before it is timed (against the baseline's result
//! and against a plain loop). `benches/compare.py` runs this bench group by group with the
//! NumPy/CPython side after each group and prints the ratio tables of BENCHMARKS.md.
//!
//! Environment: `SWEEP_ONLY=strided,strided_fill` runs only those groups (the data of the others is
//! never built); `SWEEP_SIZES=256x256,1024x1024` only those sizes. In test mode
//! (`cargo bench -- --test`, `cargo test --benches`) only 256² is swept unless `SWEEP_SIZES`
//! says otherwise, so CI stays fast (`SWEEP_SIZES=8192x4096 cargo bench --bench sweep --
//! --test` checks the answers of the largest size).

mod common;

use std::alloc::{GlobalAlloc, Layout, System};
use std::hint::black_box;
use std::sync::Arc;
use std::time::Duration;

use bytemuck::Pod;
use common::{int, records};
use criterion::measurement::WallTime;
use criterion::{
    criterion_group, criterion_main, BenchmarkGroup, BenchmarkId, Criterion, SamplingMode,
};
use memview::format::Format;
use memview::{iter_unpack, MemoryView, MemoryViewMut, Order, SliceArg, Struct, Value};
use ndarray::{s, Array2, ArrayView2, ArrayViewD, ArrayViewMut2};

/// Both sides' allocations of [`ALIGNED_FROM`] bytes and more start on a page boundary
/// (through [`PageAligned`]), so that where `malloc` happens to place an output relative to its
/// source is the same for memview and the baseline. Unaligned, it decided some cells: the
/// same 256 KiB `memcpy` takes 2.01 µs when the output lies a multiple of 4 KiB after the
/// source and 2.33 µs when it lies 1-64 bytes past one (4 KiB aliasing of loads and stores),
/// and in this sweep whichever of the pair ran first after a size change got the worse place
/// (contiguous 256² 4 B, 2.18 µs against 2.05 µs for the second, with either order; page
/// aligned, 2.06-2.08 against 2.05-2.07).
#[global_allocator]
static ALLOCATOR: PageAligned = PageAligned;

/// Allocations from this size up are page-aligned.
const ALIGNED_FROM: usize = 64 << 10;

/// The page size the big blocks are aligned to.
const PAGE: usize = 4096;

/// The system allocator, with blocks of [`ALIGNED_FROM`] bytes or more (and alignment up to a
/// page) placed on a page boundary inside a block one page larger, whose address is kept in
/// the 8 bytes before the one handed out. (Not `posix_memalign`: glibc serves big aligned
/// blocks with a fresh `mmap` each time, so every call paid page faults.)
struct PageAligned;

impl PageAligned {
    /// Whether blocks of `layout` are placed on a page boundary.
    fn aligned(layout: Layout) -> bool {
        layout.size() >= ALIGNED_FROM && layout.align() <= PAGE
    }

    /// The layout of the system block that holds a page-aligned block of `layout`.
    fn outer(layout: Layout) -> Option<Layout> {
        Layout::from_size_align(layout.size().checked_add(PAGE)?, 16).ok()
    }

    /// A block of `layout`, zeroed with `zeroed`: `System`'s, placed on a page boundary
    /// inside one a page larger when `aligned(layout)`.
    ///
    /// # Safety
    /// `layout` has a non-zero size.
    unsafe fn place(layout: Layout, zeroed: bool) -> *mut u8 {
        let big = Self::aligned(layout);
        let Some(asked) = (if big {
            Self::outer(layout)
        } else {
            Some(layout)
        }) else {
            return std::ptr::null_mut();
        };
        // SAFETY: `asked` has a non-zero size (the caller's, or one page more).
        let base = unsafe {
            if zeroed {
                System.alloc_zeroed(asked)
            } else {
                System.alloc(asked)
            }
        };
        if !big || base.is_null() {
            return base;
        }
        // The first page boundary at least 8 bytes in: at most `PAGE` bytes in (the base is
        // 16-aligned), so the block's `size` bytes end inside the `size + PAGE` allocated.
        let at = (base as usize + 8).next_multiple_of(PAGE) - base as usize;
        // SAFETY: `at <= PAGE`, inside the allocation; the 8 bytes before it too (`at >= 8`),
        // 8-aligned (`at` and the base are).
        unsafe {
            let block = base.add(at);
            block.cast::<*mut u8>().sub(1).write(base);
            block
        }
    }
}

// SAFETY: small blocks are `System`'s, as asked for. A big one (`aligned`) is a page-aligned
// part of a `System` block one page larger, which holds its `size` bytes (`place`); freeing it
// frees that `System` block, whose address `place` wrote just before the block handed out (the
// caller never writes there: it is outside the block).
unsafe impl GlobalAlloc for PageAligned {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller's non-zero size.
        unsafe { Self::place(layout, false) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller's non-zero size.
        unsafe { Self::place(layout, true) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` came from `alloc` with this layout: a big block has its `System`
        // block's address just before it, and that block's layout is `outer(layout)`.
        unsafe {
            match Self::outer(layout).filter(|_| Self::aligned(layout)) {
                Some(outer) => System.dealloc(ptr.cast::<*mut u8>().sub(1).read(), outer),
                None => System.dealloc(ptr, layout),
            }
        }
    }
}

/// The swept matrix shapes.
const SHAPES: [(usize, usize); 5] = [
    (256, 256),
    (1024, 1024),
    (2048, 2048),
    (4096, 4096),
    (8192, 4096),
];

/// Whether criterion runs each routine once to check it (`--test`, or no `--bench` flag as
/// under `cargo test --benches`).
fn test_mode() -> bool {
    let args: Vec<String> = std::env::args().collect();
    args.iter().any(|a| a == "--test") || !args.iter().any(|a| a == "--bench")
}

/// The shapes to sweep: those `SWEEP_SIZES` names, else all of them (only the smallest in
/// test mode).
fn shapes() -> Vec<(usize, usize)> {
    match std::env::var("SWEEP_SIZES") {
        Ok(list) => SHAPES
            .into_iter()
            .filter(|(r, c)| list.split(',').any(|s| s.trim() == format!("{r}x{c}")))
            .collect(),
        Err(_) if test_mode() => SHAPES[..1].to_vec(),
        Err(_) => SHAPES.to_vec(),
    }
}

/// Whether group `name` is to run (`SWEEP_ONLY` unset, or naming it).
fn wanted(name: &str) -> bool {
    match std::env::var("SWEEP_ONLY") {
        Ok(list) => list.split(',').any(|s| s.trim() == name),
        Err(_) => true,
    }
}

/// Criterion settings for one case moving `bytes` bytes: short runs, and for the big cases
/// flat sampling (one iteration per sample once an iteration takes longer than the target).
fn configure(g: &mut BenchmarkGroup<'_, WallTime>, bytes: usize) {
    g.sample_size(10);
    if bytes >= 64 << 20 {
        g.sampling_mode(SamplingMode::Flat)
            .warm_up_time(Duration::from_millis(10))
            .measurement_time(Duration::from_millis(500));
    } else if bytes >= 4 << 20 {
        g.sampling_mode(SamplingMode::Flat)
            .warm_up_time(Duration::from_millis(100))
            .measurement_time(Duration::from_millis(500));
    } else {
        g.sampling_mode(SamplingMode::Auto)
            .warm_up_time(Duration::from_millis(200))
            .measurement_time(Duration::from_millis(500));
    }
}

/// One item type of the sweep: its `ndarray` element, its memview format and a fill value.
trait Item: Pod + Send + Sync {
    const FORMAT: &'static str;
    /// The value `fill` stores, as the element and as a memview `Value`.
    fn fill_value() -> (Self, Value);
}

macro_rules! int_item {
    ($t:ty, $fmt:literal) => {
        impl Item for $t {
            const FORMAT: &'static str = $fmt;
            fn fill_value() -> (Self, Value) {
                let v = <$t>::MAX / 3;
                (v, Value::from(v))
            }
        }
    };
}
int_item!(u8, "B");
int_item!(u16, "H");
int_item!(u32, "I");
int_item!(u64, "Q");

impl Item for [u8; 29] {
    const FORMAT: &'static str = "29s";
    fn fill_value() -> (Self, Value) {
        let v: [u8; 29] = std::array::from_fn(|i| b'a' + i as u8);
        (v, Value::from(&v))
    }
}

/// `n` items whose bytes are a fixed pseudo-random function of `seed` and their position.
fn pattern<T: Pod>(n: usize, seed: u64) -> Vec<T> {
    let mut v = vec![T::zeroed(); n];
    let bytes: &mut [u8] = bytemuck::cast_slice_mut(&mut v);
    let mut words = bytes.chunks_exact_mut(8);
    let mut x = seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
    for w in &mut words {
        // xorshift64: cheap, and no two neighbouring items are equal.
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        w.copy_from_slice(&x.to_le_bytes());
    }
    for (i, b) in words.into_remainder().iter_mut().enumerate() {
        *b = (x >> (8 * i)) as u8;
    }
    v
}

/// Whether two item slices hold the same bytes (one `memcmp`, also for `[u8; 29]`).
fn same<T: Pod>(a: &[T], b: &[T]) -> bool {
    bytemuck::cast_slice::<T, u8>(a) == bytemuck::cast_slice::<T, u8>(b)
}

fn label(rows: usize, cols: usize, k: usize) -> String {
    format!("{rows}x{cols}_{k}B")
}

/// `[::2, ::2]` of a C-ordered `rows × cols` matrix, by a plain loop.
fn every_other<T: Copy>(data: &[T], rows: usize, cols: usize) -> Vec<T> {
    let mut out = Vec::with_capacity(rows.div_ceil(2) * cols.div_ceil(2));
    for r in (0..rows).step_by(2) {
        out.extend(data[r * cols..(r + 1) * cols].iter().step_by(2));
    }
    out
}

/// The matrix after `[::2, ::2] = src` (row-major `src` of the half shape), by a plain loop.
fn with_every_other<T: Copy>(data: &[T], cols: usize, src: &[T]) -> Vec<T> {
    let mut out = data.to_vec();
    let half = cols.div_ceil(2);
    for (i, row) in src.chunks(half).enumerate() {
        for (j, &x) in row.iter().enumerate() {
            out[2 * i * cols + 2 * j] = x;
        }
    }
    out
}

/// The memory-traffic reference of a `[::2, ::2]` copy (the `lines` function of the `strided`
/// and `strided_assign` groups): a loop that touches each cache line the copy must move once —
/// one load per 64 bytes of every row the source side spans, one store per 64 bytes of the
/// destination's (a one-byte store brings the line in and writes it back whole, as the
/// copy's stores do) — and moves no item. Rows of the source `(start, len)` pair with rows of
/// the destination in order. A copy that takes about this time spends it on its lines, not
/// on its instructions, and no rewriting of its loop moves fewer lines. It is a reference,
/// not a strict lower bound: one access per line is not the fastest way to bring lines in
/// (on AMD Zen 5 memview's gather of 29-byte items at 256² takes 0.91x its time).
fn touch_lines(
    src: &[u8],
    src_rows: &[(usize, usize)],
    dst: &mut [u8],
    dst_rows: &[(usize, usize)],
) -> u8 {
    let mut acc = 0u8;
    for (&(s0, sn), &(d0, dn)) in src_rows.iter().zip(dst_rows) {
        let row = &src[s0..s0 + sn];
        for k in (0..sn).step_by(64) {
            acc ^= row[k];
        }
        acc ^= row[sn - 1];
        // Stores of a value that does not wait for the loads.
        let row = &mut dst[d0..d0 + dn];
        for k in (0..dn).step_by(64) {
            row[k] = k as u8;
        }
        row[dn - 1] = 0;
    }
    acc
}

/// The byte spans `(start, len)` of the rows of `[::2, ::2]` in a C-ordered `rows × cols`
/// matrix of `k`-byte items: from each even row's first item to the end of its last even one.
fn every_other_rows(rows: usize, cols: usize, k: usize) -> Vec<(usize, usize)> {
    let last = (cols - 1) / 2 * 2;
    (0..rows)
        .step_by(2)
        .map(|r| (r * cols * k, last * k + k))
        .collect()
}

/// The byte spans of the `rows` rows of a packed matrix whose rows are `len` bytes.
fn packed_rows(rows: usize, len: usize) -> Vec<(usize, usize)> {
    (0..rows).map(|r| (r * len, len)).collect()
}

fn view<'a>(bytes: &'a [u8], format: &str, rows: usize, cols: usize) -> MemoryView<'a> {
    MemoryView::from_parts(bytes, format, &[rows, cols], None, 0).expect("valid view")
}

fn view_mut<'a>(bytes: &'a mut [u8], format: &str, rows: usize, cols: usize) -> MemoryViewMut<'a> {
    MemoryViewMut::from_parts(bytes, format, &[rows, cols], None, 0).expect("valid view")
}

fn strided_case<T: Item>(g: &mut BenchmarkGroup<'_, WallTime>, rows: usize, cols: usize) {
    let k = size_of::<T>();
    configure(g, rows * cols * k);
    let data: Vec<T> = pattern(rows * cols, 1);
    let bytes: &[u8] = bytemuck::cast_slice(&data);
    let mv = view(bytes, T::FORMAT, rows, cols);
    let nd = ArrayView2::from_shape((rows, cols), &data[..]).expect("shape");
    let expected = every_other(&data, rows, cols);
    let ours = mv.select("::2, ::2").expect("valid").to_bytes(Order::C);
    assert_eq!(ours, bytemuck::cast_slice::<T, u8>(&expected));
    let theirs = nd.slice(s![..;2, ..;2]).to_owned();
    assert!(same(theirs.as_slice().expect("C order"), &expected));
    drop((expected, ours, theirs));

    let id = label(rows, cols, k);
    g.bench_function(BenchmarkId::new("memview", &id), |b| {
        b.iter(|| {
            black_box(&mv)
                .select("::2, ::2")
                .expect("valid")
                .to_bytes(Order::C)
        })
    });
    g.bench_function(BenchmarkId::new("ndarray", &id), |b| {
        b.iter(|| black_box(&nd).slice(s![..;2, ..;2]).to_owned())
    });
    // Into one output buffer, kept: the copies' fresh outputs land on the same pages each call.
    let (src_rows, out_rows) = (
        every_other_rows(rows, cols, k),
        packed_rows(rows.div_ceil(2), cols.div_ceil(2) * k),
    );
    let mut out = vec![0u8; rows.div_ceil(2) * cols.div_ceil(2) * k];
    g.bench_function(BenchmarkId::new("lines", &id), |b| {
        b.iter(|| touch_lines(black_box(bytes), &src_rows, &mut out, &out_rows))
    });
}

fn transposed_case<T: Item>(g: &mut BenchmarkGroup<'_, WallTime>, rows: usize, cols: usize) {
    let k = size_of::<T>();
    configure(g, rows * cols * k);
    let data: Vec<T> = pattern(rows * cols, 2);
    let bytes: &[u8] = bytemuck::cast_slice(&data);
    let mv = view(bytes, T::FORMAT, rows, cols);
    let nd = ArrayView2::from_shape((rows, cols), &data[..]).expect("shape");
    let mut expected = Vec::with_capacity(rows * cols);
    for c in 0..cols {
        expected.extend(data[c..].iter().step_by(cols));
    }
    let ours = mv.transpose().to_bytes(Order::C);
    assert_eq!(ours, bytemuck::cast_slice::<T, u8>(&expected));
    let theirs = nd.t().as_standard_layout().into_owned();
    assert!(same(theirs.as_slice().expect("C order"), &expected));
    drop((expected, ours, theirs));

    let id = label(rows, cols, k);
    g.bench_function(BenchmarkId::new("memview", &id), |b| {
        b.iter(|| black_box(&mv).transpose().to_bytes(Order::C))
    });
    g.bench_function(BenchmarkId::new("ndarray", &id), |b| {
        b.iter(|| black_box(&nd).t().as_standard_layout().into_owned())
    });
}

fn contiguous_case<T: Item>(g: &mut BenchmarkGroup<'_, WallTime>, rows: usize, cols: usize) {
    let k = size_of::<T>();
    configure(g, rows * cols * k);
    let data: Vec<T> = pattern(rows * cols, 3);
    let bytes: &[u8] = bytemuck::cast_slice(&data);
    let mv = view(bytes, T::FORMAT, rows, cols);
    let copy = |src: &[u8]| {
        let mut out = Vec::with_capacity(src.len());
        out.extend_from_slice(src);
        out
    };
    assert_eq!(mv.to_bytes(Order::C), bytes);
    assert_eq!(copy(bytes), bytes);

    let id = label(rows, cols, k);
    g.bench_function(BenchmarkId::new("memview", &id), |b| {
        b.iter(|| black_box(&mv).to_bytes(Order::C))
    });
    g.bench_function(BenchmarkId::new("extend_from_slice", &id), |b| {
        b.iter(|| copy(black_box(bytes)))
    });
}

fn assign_case<T: Item>(g: &mut BenchmarkGroup<'_, WallTime>, rows: usize, cols: usize) {
    let k = size_of::<T>();
    configure(g, rows * cols * k);
    let orig: Vec<T> = pattern(rows * cols, 4);
    let (hr, hc) = (rows.div_ceil(2), cols.div_ceil(2));
    let src_data: Vec<T> = pattern(hr * hc, 5);
    let src_bytes: &[u8] = bytemuck::cast_slice(&src_data);
    let src = view(src_bytes, T::FORMAT, hr, hc);
    let nd_src = ArrayView2::from_shape((hr, hc), &src_data[..]).expect("shape");
    let expected = with_every_other(&orig, cols, &src_data);
    let mut ours = orig.clone();
    view_mut(bytemuck::cast_slice_mut(&mut ours), T::FORMAT, rows, cols)
        .assign("::2, ::2", &src)
        .expect("assignable");
    assert!(same(&ours, &expected));
    let mut theirs = orig;
    ArrayViewMut2::from_shape((rows, cols), &mut theirs[..])
        .expect("shape")
        .slice_mut(s![..;2, ..;2])
        .assign(&nd_src);
    assert!(same(&theirs, &expected));
    drop((expected, theirs));

    let id = label(rows, cols, k);
    let mut mv = view_mut(bytemuck::cast_slice_mut(&mut ours), T::FORMAT, rows, cols);
    g.bench_function(BenchmarkId::new("memview", &id), |b| {
        b.iter(|| mv.assign("::2, ::2", black_box(&src)).expect("assignable"))
    });
    // The same buffer as memview's: two buffers' pages can sit differently in the caches
    // (a 512 KiB destination measured 0.87x in one process and 1.05x in another).
    let mut nd = ArrayViewMut2::from_shape((rows, cols), &mut ours[..]).expect("shape");
    g.bench_function(BenchmarkId::new("ndarray", &id), |b| {
        b.iter(|| nd.slice_mut(s![..;2, ..;2]).assign(black_box(&nd_src)))
    });
    // Last, as it overwrites a byte of each line of the destination's rows.
    let (src_rows, dst_rows) = (packed_rows(hr, hc * k), every_other_rows(rows, cols, k));
    let dst: &mut [u8] = bytemuck::cast_slice_mut(&mut ours);
    g.bench_function(BenchmarkId::new("lines", &id), |b| {
        b.iter(|| touch_lines(black_box(src_bytes), &src_rows, dst, &dst_rows))
    });
}

fn fill_case<T: Item>(g: &mut BenchmarkGroup<'_, WallTime>, rows: usize, cols: usize) {
    let k = size_of::<T>();
    configure(g, rows * cols * k);
    let orig: Vec<T> = pattern(rows * cols, 6);
    let (item, value) = T::fill_value();
    let filled = vec![item; rows.div_ceil(2) * cols.div_ceil(2)];
    let expected = with_every_other(&orig, cols, &filled);
    drop(filled);
    let mut ours = orig.clone();
    view_mut(bytemuck::cast_slice_mut(&mut ours), T::FORMAT, rows, cols)
        .select_mut("::2, ::2")
        .expect("valid")
        .fill(value.clone())
        .expect("fits");
    assert!(same(&ours, &expected));
    let mut theirs = orig;
    ArrayViewMut2::from_shape((rows, cols), &mut theirs[..])
        .expect("shape")
        .slice_mut(s![..;2, ..;2])
        .fill(item);
    assert!(same(&theirs, &expected));
    drop((expected, theirs));

    let id = label(rows, cols, k);
    let mut mv = view_mut(bytemuck::cast_slice_mut(&mut ours), T::FORMAT, rows, cols);
    g.bench_function(BenchmarkId::new("memview", &id), |b| {
        b.iter(|| {
            mv.select_mut("::2, ::2")
                .expect("valid")
                .fill(black_box(value.clone()))
                .expect("fits")
        })
    });
    // The same buffer as memview's: two buffers' pages can sit differently in the caches
    // (a 512 KiB destination measured 0.87x in one process and 1.05x in another).
    let mut nd = ArrayViewMut2::from_shape((rows, cols), &mut ours[..]).expect("shape");
    g.bench_function(BenchmarkId::new("ndarray", &id), |b| {
        b.iter(|| nd.slice_mut(s![..;2, ..;2]).fill(black_box(item)))
    });
}

/// Runs `case` over every shape and item size as one criterion group, if it is wanted.
macro_rules! item_sweep {
    ($fn_name:ident, $group:literal, $case:ident) => {
        fn $fn_name(c: &mut Criterion) {
            if !wanted($group) {
                return;
            }
            let mut g = c.benchmark_group($group);
            for (rows, cols) in shapes() {
                $case::<u8>(&mut g, rows, cols);
                $case::<u16>(&mut g, rows, cols);
                $case::<u32>(&mut g, rows, cols);
                $case::<u64>(&mut g, rows, cols);
                $case::<[u8; 29]>(&mut g, rows, cols);
            }
            g.finish();
        }
    };
}

item_sweep!(strided, "strided", strided_case);
item_sweep!(transposed, "transposed", transposed_case);
item_sweep!(contiguous, "contiguous", contiguous_case);
item_sweep!(assign, "strided_assign", assign_case);
item_sweep!(fill, "strided_fill", fill_case);

/// Small integers stored as doubles: every conversion and summation order is exact.
fn small_doubles(n: usize, seed: usize) -> Vec<f64> {
    (0..n)
        .map(|i| ((i.wrapping_mul(7919) + seed) % 2048) as f64 - 1000.0)
        .collect()
}

/// The non-native spelling of `d`.
fn swapped_double() -> &'static str {
    if cfg!(target_endian = "little") {
        ">d"
    } else {
        "<d"
    }
}

fn convert(c: &mut Criterion) {
    if !wanted("convert") {
        return;
    }
    let mut g = c.benchmark_group("convert");
    for (rows, cols) in shapes() {
        configure(&mut g, rows * cols * 8);
        let (hr, hc) = (rows / 2, cols / 2);
        let values = small_doubles(hr * hc, 7);
        let swapped: Vec<u64> = values.iter().map(|x| x.to_bits().swap_bytes()).collect();
        let ints: Vec<i32> = values.iter().map(|&x| x as i32).collect();
        let (native_b, swapped_b, ints_b): (&[u8], &[u8], &[u8]) = (
            bytemuck::cast_slice(&values),
            bytemuck::cast_slice(&swapped),
            bytemuck::cast_slice(&ints),
        );
        let src_same = view(native_b, "<d", hr, hc);
        let src_be = view(swapped_b, swapped_double(), hr, hc);
        let src_int = view(ints_b, "<i", hr, hc);

        let orig = small_doubles(rows * cols, 3);
        let expected = with_every_other(&orig, cols, &values);
        let mut dst = orig.clone();
        for (name, src) in [("same", &src_same), ("be", &src_be), ("int", &src_int)] {
            dst.copy_from_slice(&orig);
            let mut m = view_mut(bytemuck::cast_slice_mut(&mut dst), "<d", rows, cols);
            let mut sel = m.select_mut("::2, ::2").expect("valid");
            if name == "same" {
                sel.copy_from(src).expect("assignable");
            } else {
                sel.copy_from_converted(src).expect("convertible");
            }
            assert!(dst == expected, "{name}");
        }

        let id = format!("{rows}x{cols}");
        // `to_bytes_as`: `[::2, ::2]` of a full `>d` / `<i` matrix as `<d` bytes, beside the
        // same-format `to_bytes` of a `<d` matrix (NumPy: `a[::2, ::2].astype("<f8")`).
        let full = small_doubles(rows * cols, 13);
        let full_be_data: Vec<u64> = full.iter().map(|x| x.to_bits().swap_bytes()).collect();
        let full_int_data: Vec<i32> = full.iter().map(|&x| x as i32).collect();
        let every = every_other(&full, rows, cols);
        let expected_bytes: &[u8] = bytemuck::cast_slice(&every);
        let full_same = view(bytemuck::cast_slice(&full), "<d", rows, cols);
        let full_be = view(
            bytemuck::cast_slice(&full_be_data),
            swapped_double(),
            rows,
            cols,
        );
        let full_int = view(bytemuck::cast_slice(&full_int_data), "<i", rows, cols);
        let sel = |v: &MemoryView<'_>| v.select("::2, ::2").expect("valid").to_bytes(Order::C);
        let sel_as = |v: &MemoryView<'_>| {
            v.select("::2, ::2")
                .expect("valid")
                .to_bytes_as("<d", Order::C)
                .expect("convertible")
        };
        assert_eq!(sel(&full_same), expected_bytes);
        assert_eq!(sel_as(&full_be), expected_bytes);
        assert_eq!(sel_as(&full_int), expected_bytes);
        drop(every);
        g.bench_function(BenchmarkId::new("to_bytes_same", &id), |b| {
            b.iter(|| sel(black_box(&full_same)))
        });
        g.bench_function(BenchmarkId::new("to_bytes_as_be_d", &id), |b| {
            b.iter(|| sel_as(black_box(&full_be)))
        });
        g.bench_function(BenchmarkId::new("to_bytes_as_le_i", &id), |b| {
            b.iter(|| sel_as(black_box(&full_int)))
        });

        // `to_bytes_as` of a contiguous `<i` matrix (half shape), which converts in runs,
        // beside its same-format `to_bytes` (NumPy: `a.astype("<f8")`).
        assert_eq!(
            src_int.to_bytes_as("<d", Order::C).expect("convertible"),
            native_b
        );
        g.bench_function(BenchmarkId::new("packed_same", &id), |b| {
            b.iter(|| black_box(&src_same).to_bytes(Order::C))
        });
        g.bench_function(BenchmarkId::new("packed_as_le_i", &id), |b| {
            b.iter(|| {
                black_box(&src_int)
                    .to_bytes_as("<d", Order::C)
                    .expect("convertible")
            })
        });

        let mut m = view_mut(bytemuck::cast_slice_mut(&mut dst), "<d", rows, cols);
        g.bench_function(BenchmarkId::new("copy_from_same", &id), |b| {
            b.iter(|| {
                m.select_mut("::2, ::2")
                    .expect("valid")
                    .copy_from(black_box(&src_same))
                    .expect("assignable")
            })
        });
        g.bench_function(BenchmarkId::new("converted_be_d", &id), |b| {
            b.iter(|| {
                m.select_mut("::2, ::2")
                    .expect("valid")
                    .copy_from_converted(black_box(&src_be))
                    .expect("convertible")
            })
        });
        g.bench_function(BenchmarkId::new("converted_le_i", &id), |b| {
            b.iter(|| {
                m.select_mut("::2, ::2")
                    .expect("valid")
                    .copy_from_converted(black_box(&src_int))
                    .expect("convertible")
            })
        });
    }
    g.finish();
}

fn sum(c: &mut Criterion) {
    if !wanted("swapped_sum") {
        return;
    }
    let mut g = c.benchmark_group("swapped_sum");
    for (rows, cols) in shapes() {
        let n = rows * cols;
        configure(&mut g, n * 8);
        let data = small_doubles(n, 11);
        let swapped: Vec<u64> = data.iter().map(|x| x.to_bits().swap_bytes()).collect();
        let native = MemoryView::from_parts(bytemuck::cast_slice(&data), "d", &[n], None, 0)
            .expect("valid view");
        let other = MemoryView::from_parts(
            bytemuck::cast_slice(&swapped),
            swapped_double(),
            &[n],
            None,
            0,
        )
        .expect("valid view");
        let native_2 = native.select("::2").expect("valid");
        let other_2 = other.select("::2").expect("valid");
        let all: f64 = data.iter().sum();
        let half: f64 = data.iter().step_by(2).sum();
        let id = format!("{rows}x{cols}");
        for (name, v, expected) in [
            ("native", &native, all),
            ("swapped", &other, all),
            ("native_step2", &native_2, half),
            ("swapped_step2", &other_2, half),
        ] {
            assert_eq!(v.typed::<f64>().expect("typed").sum(), expected, "{name}");
            g.bench_function(BenchmarkId::new(name, &id), |b| {
                b.iter(|| black_box(v).typed::<f64>().expect("typed").sum())
            });
        }
    }
    g.finish();
}

/// Thirty fields, every standard-size code twice (the same string as benches/codec.rs and
/// benches/compare.py).
const FMT_30: &str = "<bBhHiIlLqQefd?sbBhHiIlLqQefd?s";

/// A 64×64 view over a parsed format, `[1::2, ::-1]` of it, as an ndarray view.
fn make<'a>(bytes: &'a [u8], format: &Arc<Format>, args: &[SliceArg]) -> ArrayViewD<'a, f64> {
    let v = MemoryView::from_format(bytes, format.clone(), None, &[64, 64], None, 0)
        .expect("valid view");
    let sel = v.select_with(args).expect("valid selection");
    sel.as_array::<f64>().expect("zero-copy f64 view")
}

/// The same with `bytemuck` and ndarray.
fn nd_make(bytes: &[u8]) -> ArrayView2<'_, f64> {
    nd_cast(bytes).slice_move(s![1..;2, ..;-1])
}

/// 64×64 doubles over `bytes` with `bytemuck` and ndarray.
fn nd_cast(bytes: &[u8]) -> ArrayView2<'_, f64> {
    ArrayView2::from_shape((64, 64), bytemuck::cast_slice::<u8, f64>(bytes)).expect("shape")
}

fn fixed(c: &mut Criterion) {
    if !wanted("fixed") {
        return;
    }
    let mut g = c.benchmark_group("fixed");
    g.sample_size(20)
        .warm_up_time(Duration::from_millis(200))
        .measurement_time(Duration::from_millis(700));

    let data = small_doubles(64 * 64, 5);
    let bytes: &[u8] = bytemuck::cast_slice(&data);
    let format = Arc::new(Format::parse("d").expect("valid format"));
    // `[1::2, ::-1]`, typed and as ndarray's `s![1..;2, ..;-1]`.
    let args = [
        SliceArg::slice(Some(1), None, Some(2)),
        SliceArg::slice(None, None, Some(-1)),
    ];
    let nd = ArrayView2::from_shape((64, 64), &data[..]).expect("shape");
    let expected: Array2<f64> = nd.slice(s![1..;2, ..;-1]).to_owned();
    assert_eq!(make(bytes, &format, &args), expected.view().into_dyn());
    g.bench_function("view_make/memview", |b| {
        b.iter(|| make(black_box(bytes), &format, &args))
    });
    // The same from the format's text (`from_parts`, which parses `"d"` every time).
    let make_text = |bytes| {
        MemoryView::from_parts(bytes, "d", &[64, 64], None, 0)
            .expect("valid view")
            .select_with(&args)
            .expect("valid selection")
            .as_array::<f64>()
            .expect("zero-copy f64 view")
    };
    assert_eq!(make_text(bytes), expected.view().into_dyn());
    g.bench_function("view_make/memview_text", |b| {
        b.iter(|| make_text(black_box(bytes)))
    });
    assert_eq!(nd_make(bytes), expected);
    g.bench_function("view_make/ndarray", |b| {
        b.iter(|| nd_make(black_box(bytes)))
    });

    let v = MemoryView::from_format(bytes, format.clone(), None, &[64, 64], None, 0)
        .expect("valid view");
    let sel = v.select_with(&args).expect("valid");
    assert_eq!(
        sel.as_array::<f64>().expect("view"),
        expected.view().into_dyn()
    );
    g.bench_function("select_with/memview", |b| {
        b.iter(|| black_box(&v).select_with(black_box(&args)).expect("valid"))
    });
    assert_eq!(nd.slice(s![1..;2, ..;-1]), expected);
    g.bench_function("select_with/ndarray", |b| {
        b.iter(|| black_box(&nd).slice(s![1..;2, ..;-1]))
    });

    let raw = MemoryView::new(bytes);
    let cast = raw
        .cast_format(format.clone(), Some(&[64, 64]))
        .expect("valid cast");
    assert_eq!(cast.as_array::<f64>().expect("view"), nd.into_dyn());
    g.bench_function("cast/memview", |b| {
        b.iter(|| {
            black_box(&raw)
                .cast_format(format.clone(), Some(&[64, 64]))
                .expect("valid cast")
        })
    });
    let cast_text = raw.cast("d", Some(&[64, 64])).expect("valid cast");
    assert_eq!(cast_text.as_array::<f64>().expect("view"), nd.into_dyn());
    g.bench_function("cast/memview_text", |b| {
        b.iter(|| {
            black_box(&raw)
                .cast(black_box("d"), Some(&[64, 64]))
                .expect("valid cast")
        })
    });
    assert_eq!(nd_cast(bytes), nd);
    g.bench_function("cast/bytemuck_ndarray", |b| {
        b.iter(|| nd_cast(black_box(bytes)))
    });

    for (name, fmt, fields) in [("1-field", "<d", 1), ("30-field", FMT_30, 30)] {
        let st = Struct::new(fmt).expect("valid format");
        assert_eq!(
            st.unpack(&vec![0; st.size()]).expect("unpacks").len(),
            fields
        );
        g.bench_function(BenchmarkId::new("struct_new", name), |b| {
            b.iter(|| Struct::new(black_box(fmt)).expect("valid"))
        });
    }

    let (buf, expected) = records();
    let mut acc: i128 = 0;
    for r in iter_unpack("<iQ", &buf).expect("valid") {
        match &r.expect("decodes")[..] {
            [a, b] => acc = acc.wrapping_add(int(a) ^ int(b)),
            _ => panic!("two fields"),
        }
    }
    assert_eq!(acc, expected);
    g.sample_size(10).sampling_mode(SamplingMode::Flat);
    g.bench_function("iter_unpack/<iQ 1M", |b| {
        b.iter(|| {
            for r in iter_unpack("<iQ", black_box(&buf)).expect("valid") {
                black_box(r.expect("decodes"));
            }
        })
    });
    g.finish();
}

criterion_group! {
    name = benches;
    // 10,000 bootstrap resamples instead of 100,000: the sweep has ~330 benchmarks of 10-20
    // samples each, compare.py reads only the median, and the analysis time adds up.
    config = Criterion::default().nresamples(10_000);
    targets = strided, transposed, contiguous, assign, fill, convert, sum, fixed
}
criterion_main!(benches);
