//! Copy kernels of the wall: gather (`tobytes`), scatter (writing C-order bytes into a view),
//! view-to-view copies, fill and `memmove` within a buffer — the hot loops of every copy,
//! written once over raw pointers so that no item pays a bounds check and no output is
//! zero-filled first.
//!
//! Everything rests on one kernel, [`copy_strided`]: `shape` items of `size` bytes from a
//! source walked with one set of strides to a destination walked with another. Its callers
//! prove its contract from the raw module's invariant: every position they pass is a reached
//! element of a validated view (points 5 and 8), or lies in the spare capacity of a `Vec` or
//! inside a slice they hold.

use std::mem::MaybeUninit;
use std::ptr;

use super::cpu::{self, prefetch};
use super::masked::{Masked, Spread};
use super::{Axes, Exclusive, Geometry, RawView, Storage};
use crate::view::error::ViewError;

/// Below this many bytes of inner-axis stride an item-by-item copy walks memory forwards well
/// enough; at or above it (a transpose: consecutive items a whole row apart) the copy goes in
/// tiles.
const TILE_STRIDE: usize = 256;
/// Items per side of a transpose tile: 32 source lines of 64 bytes stay in L1 while 32 output
/// rows are written.
const TILE: usize = 32;
/// Items per side of a transpose tile of items over 16 bytes moved 32 bytes at a time (`Wide`)
/// when a tile row reads at most [`SMALL_TILE_MAX_ROWS`] source rows: the tile's lines of both
/// sides (16 × 16 × 29 bytes each) then stay in L1, where 32-item tiles overflow it.
const SMALL_TILE: usize = 16;
/// The most source rows (items along the inner axis) for which a `Wide` transpose takes
/// [`SMALL_TILE`]s: with more, half-width bands each walk twice as many pages of the source.
/// Measured on an Intel Xeon (AVX-512; 16-item tiles with the destination prefetched a tile
/// ahead, against 32-item tiles without either): 29-byte items 0.83x the time at 256², 0.90x
/// at 512², 0.96x at 1024², 0.88x at 256×8192 (256 source rows); 17- and 31-byte items
/// 0.60-0.92x there (17 bytes at 256², within L2 and without the prefetch, 1.01-1.02x); with
/// 2048 or more source rows 16-item tiles took up to 1.15x longer.
const SMALL_TILE_MAX_ROWS: usize = 1024;

/// The most items along the inner axis of a transpose of items over 16 bytes that are copied
/// without tiles (one row's far lines: 2048 × 64 bytes = 128 KiB, and as many pages).
const UNTILED_MAX: usize = 2048;

/// One axis of a copy: extent, destination stride, source stride (bytes).
type Axis = (usize, isize, isize);

/// Whether [`copy_strided`] moves items as they are or with their bytes in reverse order (a
/// byte-order change of 2-, 4- and 8-byte scalars; other sizes move as they are).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Swap {
    /// Items as they are.
    Keep,
    /// Each 2-, 4- or 8-byte item's bytes reversed.
    Reverse,
}

/// Outputs from this size up are advised onto transparent huge pages (NumPy's threshold for
/// its array data, `1 << 22`).
const HUGE_OUTPUT_MIN: usize = 4 << 20;

/// Reserve room for `n` more bytes in `out`, and, for `n` of [`HUGE_OUTPUT_MIN`] or more on
/// Linux, advise the kernel to back the reserved 2 MiB-aligned part with transparent huge
/// pages, as NumPy does for its arrays: a fresh output's first touch then faults 2 MiB at a
/// time, not 4 KiB. Measured on AMD Zen 5 (a VM, THP mode `madvise`): `to_bytes` of
/// `[::2, ::2]` of 4096² doubles (a 32 MiB output) 11.1 ms → 5.8 ms, 6000² (72 MiB)
/// 21.5 ms → 11.0 ms. Memory the allocator hands back already touched (reused heap) keeps
/// its pages; where the kernel has no huge pages the advice fails and nothing changes.
fn reserve_output(out: &mut Vec<u8>, n: usize) {
    out.reserve(n);
    #[cfg(all(
        target_os = "linux",
        any(target_arch = "x86_64", target_arch = "aarch64"),
        not(miri)
    ))]
    if n >= HUGE_OUTPUT_MIN {
        use std::ffi::{c_int, c_void};
        /// `MADV_HUGEPAGE` on Linux (`asm-generic/mman-common.h`).
        const MADV_HUGEPAGE: c_int = 14;
        const HUGE_PAGE: usize = 2 << 20;
        unsafe extern "C" {
            /// `madvise(2)`, from the C library the standard library links on Linux.
            fn madvise(addr: *mut c_void, len: usize, advice: c_int) -> c_int;
        }
        let start = (out.as_mut_ptr() as usize).wrapping_add(out.len());
        let (from, to) = (
            start.next_multiple_of(HUGE_PAGE),
            (start + n) / HUGE_PAGE * HUGE_PAGE,
        );
        if to > from {
            // SAFETY: `from..to` lies inside `out`'s allocation (its spare capacity, which
            // `reserve` made at least `n` bytes from `start`: `start <= from < to <= start +
            // n`), page-aligned. `MADV_HUGEPAGE` is advice on how to back those pages; it
            // changes no byte and no mapping's validity, so nothing Rust relies on. Its result
            // is ignored: on failure (no THP support) the pages stay as they are.
            unsafe {
                madvise(from as *mut c_void, to - from, MADV_HUGEPAGE);
            }
        }
    }
}

/// Copy `shape` items of `size` bytes, item `i` from `src + src_off + Σ i[k]·src_strides[k]` to
/// `dst + dst_off + Σ i[k]·dst_strides[k]`, in C order of `shape` (the last axis fastest; a
/// caller that wants F order passes the axes reversed). Later items overwrite earlier ones
/// where destination items overlap (zero strides).
///
/// Runs that are contiguous on both sides are merged into one `memcpy` each; otherwise items
/// of 1, 2, 4, 8 and 16 bytes are moved as fixed-size values along the innermost axis, in
/// tiles when one side steps a long way along it (a transpose, [`copy_tiles`]), and other sizes as
/// `size`-byte copies.
///
/// Items of 17 to 31 bytes copied into rows laid end to end move 32 bytes at a time where
/// `src_readable` allows: the source read past an item's end (bytes that are not copied), the
/// destination written past it (into the next item of the row, written next).
///
/// # Safety
///
/// For every index inside `shape`, the source item is valid for reads of `size` bytes and the
/// destination item for writes of `size` bytes, and no source item overlaps any destination
/// item. The `src_readable` bytes from `src` (0, or more) are valid for reads and overlap no
/// destination item. Every partial sum of the offsets (the positions of items and of row
/// starts, from the first item along any subset of the axes) stays inside the allocation of
/// its side, which holds when each side is the geometry of a validated view (invariant 5) or
/// a C-contiguous layout of the region written.
#[allow(clippy::too_many_arguments)]
pub(crate) unsafe fn copy_strided(
    dst: *mut u8,
    dst_off: isize,
    dst_strides: &[isize],
    src: *const u8,
    src_off: isize,
    src_strides: &[isize],
    shape: &[usize],
    size: usize,
    swap: Swap,
    src_readable: usize,
) {
    if shape.contains(&0) || size == 0 {
        return;
    }
    // Reversed items are never merged into runs, and only 2-, 4- and 8-byte items reverse.
    let swap = swap == Swap::Reverse && matches!(size, 2 | 4 | 8);
    let mut axes: Axes<Axis> = shape
        .iter()
        .zip(dst_strides.iter().zip(src_strides))
        .filter(|&(&n, _)| n != 1)
        .map(|(&n, (&d, &s))| (n, d, s))
        .collect();
    // Merge the innermost axes that continue a contiguous run on both sides.
    let mut run = size;
    while let Some(&(n, d, s)) = axes.last().filter(|_| !swap) {
        if d == run as isize && s == run as isize {
            // Fits: the run is at most the bytes of one side's view, which fit isize.
            run *= n;
            axes.pop();
        } else {
            break;
        }
    }
    if swap && axes.is_empty() {
        // One item (every extent 1): through the item kernel, which reverses it.
        axes.push((1, 0, 0));
    }
    let src_end = (src as usize).wrapping_add(src_readable);
    let dst = dst.wrapping_offset(dst_off);
    let src = src.wrapping_offset(src_off);
    if run > size || axes.is_empty() {
        // SAFETY: every position `each_block` passes is an item position of both sides (the
        // merged axes are laid end to end on both), so the caller's contract covers `run` bytes
        // from each; source and destination do not overlap.
        unsafe {
            each_block(dst, src, &axes, 0, |d, s| {
                ptr::copy_nonoverlapping(s, d, run);
            });
        }
        return;
    }
    // Items one at a time along the innermost axis, or in tiles of the last two.
    let nd = axes.len();
    let (n1, d1, s1) = axes[nd - 1];
    let far = |inner: isize, outer: isize| {
        inner.unsigned_abs() >= TILE_STRIDE && outer.unsigned_abs() < inner.unsigned_abs()
    };
    // Items over 16 bytes fill a quarter of a cache line or more, so a tile saves little
    // re-reading of the far side's lines, and its partly written lines cost more (measured on
    // 29-byte items moved as two 16-byte halves: tiles 1.4-1.9x slower than a plain walk up
    // to 1024 items per row, 0.75x at 4096): tiles only once one row's far lines (one each)
    // outgrow L2 and its TLB. Items moved 32 bytes at a time (`Wide`) gain from tiles at every
    // size (29-byte transposes, tiles against a plain walk: 0.6x at 256², 0.95x at 1024², 0.77x
    // at 2048²; 16- or 64-item tiles were no better).
    // (A plain 32-byte load may read past an item, so it needs readable bytes beyond the
    // source's items; a masked load does not.)
    let src_span = span(axes.iter().map(|&(n, _, s)| (n, s)), size);
    let dst_span = span(axes.iter().map(|&(n, d, _)| (n, d)), size);
    let wide = Wide::detect(src_span <= PREFETCH_SPAN);
    let moves_wide = (17..=31).contains(&size)
        && d1 == size as isize
        && (src_readable > 0 || wide.masked.is_some());
    let worth_tiling = size <= 16 || moves_wide || n1 > UNTILED_MAX;
    let tiled = nd >= 2 && worth_tiling && (far(s1, axes[nd - 2].2) || far(d1, axes[nd - 2].1));
    let outer = if tiled { nd - 2 } else { nd - 1 };
    // A transpose from a source beyond the caches that reads short runs of each far row:
    // prefetched a tile ahead.
    let next_tile = tiled && src_span > TILE_PREFETCH_SPAN && {
        let s0 = axes[nd - 2].2;
        s0 > 0 && s0 < MAX_GAP as isize
    };
    // Tiles of a transposed source gathered into packed rows (`d1 == size`): the
    // destination prefetched a tile ahead when large; 32-byte moves of items over 16 bytes in
    // smaller tiles when there are few source rows.
    let tiles = Tiles {
        side: if moves_wide && n1 <= SMALL_TILE_MAX_ROWS {
            SMALL_TILE
        } else {
            TILE
        },
        src_ahead: next_tile,
        dst_ahead: d1 == size as isize && dst_span >= TILE_WRITE_AHEAD_SPAN,
    };
    let steps = Steps::new(d1, s1);
    // Fills, and scatters from a contiguous row, into rows with gaps: as `Scatter::plan`
    // decides (masked stores, or the items one by one, the destination prefetched beyond the
    // caches). Gathers from rows with small gaps into packed rows: masked loads, a block at a
    // time, or the items one by one, the source prefetched when `walks_ahead` says so (but
    // not for the 32-byte moves of `Wide`, which gather as fast without: 29-byte items from a
    // 116 MiB source, 0.83x ndarray's time without, 0.93x with). The prefetches run past each
    // row's end into the next row's start.
    let next_row = |side: fn(&Axis) -> isize| outer.checked_sub(1).map_or(0, |k| side(&axes[k]));
    let scatter = (!tiled && (s1 == 0 || s1 == size as isize))
        .then(|| Scatter::plan(size, d1, dst_span, swap));
    let (spread, ahead) = match scatter {
        Some(Scatter::Masked(spread)) => (Some(spread), None),
        Some(Scatter::Ahead) => (
            None,
            Some(Ahead {
                dst: true,
                stride: d1 as usize,
                next_row: next_row(|&(_, d, _)| d),
            }),
        ),
        Some(Scatter::Plain) => (None, None),
        None if !tiled && d1 == size as isize => (
            Spread::gather(size, s1, swap),
            (walks_ahead(s1, size, src_span) && !moves_wide).then(|| Ahead {
                dst: false,
                stride: s1 as usize,
                next_row: next_row(|&(_, _, s)| s),
            }),
        ),
        None => (None, None),
    };
    if let Some(spread) = spread {
        // A fill's one source item, read once.
        // SAFETY: the caller's contract: the source item is valid for reads.
        let block =
            (s1 == 0).then(|| spread.fill_block(unsafe { std::slice::from_raw_parts(src, size) }));
        // The last outer axis is walked inside the kernel.
        let (rows, blocks) = last_outer(&axes[..outer]);
        // SAFETY: as for `copy_strided`: every row start is one of the caller's, each row
        // `n1` items `d1` apart in the destination and laid end to end (`s1 == size`) or one
        // item (`s1 == 0`) in the source, or (a gather) `s1` apart in the source and laid end
        // to end in the destination (`d1 == size`).
        unsafe {
            each_block(dst, src, blocks, 0, |d, s| match &block {
                Some(block) => spread.fill(d, block, rows, n1),
                None => spread.copy(d, s, rows, n1),
            })
        }
        return;
    }
    let by = if !swap {
        SwapBy::Load
    } else if d1 == size as isize && size == 8 && has_ssse3() {
        SwapBy::Pairs
    } else if d1 == size as isize && src_span > SWAP_AFTER_SPAN {
        SwapBy::After
    } else if has_movbe() {
        SwapBy::Movbe
    } else {
        SwapBy::Load
    };
    macro_rules! dispatch {
        ($n:literal) => {
            if swap {
                dispatch!($n, true)
            } else {
                dispatch!($n, false)
            }
        };
        ($n:literal, $swap:literal) => {
            // SAFETY: as for `copy_strided`: every item and row start is one of the caller's.
            unsafe {
                each_block(dst, src, &axes[..outer], 0, |d, s| {
                    if tiled {
                        // SAFETY: items `(i, j0..j0 + cols)` of the block.
                        copy_tiles(d, s, axes[nd - 2], (n1, d1, s1), tiles, |dr, sr, cols| {
                            copy_row_with::<$n, $swap>(by, dr, sr, &steps, cols)
                        });
                    } else {
                        pieces(ahead, d, s, (d1, s1), n1, |d, s, count| {
                            copy_row_with::<$n, $swap>(by, d, s, &steps, count)
                        });
                    }
                })
            }
        };
    }
    match size {
        1 => dispatch!(1, false),
        2 => dispatch!(2),
        4 => dispatch!(4),
        8 => dispatch!(8),
        16 => dispatch!(16, false),
        17..=31 if moves_wide => {
            if let (Some(masked), false) = (wide.masked, tiled) {
                // All rows of the last outer axis in one call of the AVX-512 code.
                let (rows, blocks) = last_outer(&axes[..outer]);
                // SAFETY: as for `copy_strided`; each row is `n1` items laid end to end in the
                // destination, `s1` apart in the source, every row start the caller's.
                unsafe {
                    each_block(dst, src, blocks, 0, |d, s| {
                        masked.gather_rows(d, s, rows, s1, n1, size)
                    })
                }
                return;
            }
            // SAFETY: as for `copy_strided`; the rows are laid end to end in the destination,
            // and `src_end` ends the bytes readable from the source.
            unsafe {
                each_block(dst, src, &axes[..outer], 0, |d, s| {
                    if tiled {
                        // SAFETY: items `(i, j0..j0 + cols)` of the block.
                        copy_tiles(d, s, axes[nd - 2], (n1, d1, s1), tiles, |dr, sr, cols| {
                            wide.row(dr, sr, s1, cols, size, src_end)
                        });
                    } else {
                        wide.row(d, s, s1, n1, size, src_end);
                    }
                })
            }
        }
        _ => {
            // SAFETY: as for `copy_strided`.
            unsafe {
                each_block(dst, src, &axes[..outer], 0, |d, s| {
                    if tiled {
                        // SAFETY: items `(i, j0..j0 + cols)` of the block.
                        copy_tiles(d, s, axes[nd - 2], (n1, d1, s1), tiles, |dr, sr, cols| {
                            copy_row_dyn(dr, d1, sr, s1, cols, size)
                        });
                    } else {
                        pieces(ahead, d, s, (d1, s1), n1, |d, s, count| {
                            copy_row_dyn(d, d1, s, s1, count, size)
                        });
                    }
                })
            }
        }
    }
}

/// The last of the `outer` axes of a copy, for a kernel that walks the rows along it itself
/// (one row, if there is none), and the axes left for [`each_block`].
fn last_outer(outer: &[Axis]) -> (Axis, &[Axis]) {
    match outer.split_last() {
        Some((&rows, rest)) => (rows, rest),
        None => ((1, 0, 0), outer),
    }
}

/// Call `f(dst_pos, src_pos)` for every index of `axes` (an odometer, the last axis fastest),
/// starting from `dst`, `src`.
///
/// # Safety
/// Every position visited must be one `f` may be called with (the caller's contract); the
/// positions are partial sums of item offsets, computed with wrapping pointer arithmetic and
/// only handed to `f`.
#[inline(always)]
unsafe fn each_block(
    dst: *mut u8,
    src: *const u8,
    axes: &[Axis],
    _depth: usize,
    mut f: impl FnMut(*mut u8, *const u8),
) {
    let nd = axes.len();
    let blocks: usize = axes.iter().map(|&(n, _, _)| n).product();
    let mut index = Axes::repeat(0usize, nd);
    let (mut d, mut s) = (dst, src);
    for _ in 0..blocks {
        f(d, s);
        for k in (0..nd).rev() {
            let (n, ds, ss) = axes[k];
            index[k] += 1;
            if index[k] < n {
                d = d.wrapping_offset(ds);
                s = s.wrapping_offset(ss);
                break;
            }
            index[k] = 0;
            let back = (n - 1) as isize;
            d = d.wrapping_offset(ds.wrapping_mul(-back));
            s = s.wrapping_offset(ss.wrapping_mul(-back));
        }
    }
}

/// A side of a copy at least this large (bytes from its lowest to its highest item) is
/// walked with software prefetches when its rows have small gaps: beyond the last-level cache
/// (32 MiB here), where every line comes from memory. Measured on AMD Zen 5 (`[::2, ::2]`,
/// prefetching 4 KiB ahead, against none): scatters of 4- and 8-byte items from 64 MiB
/// destinations 0.7x the time, 29-byte items 0.86x; gathers of 2- to 29-byte items from 64
/// MiB sources 0.56x-0.86x; within the caches the prefetches cost up to 1.15x. Under Miri,
/// 256 bytes, so that the tests' small layouts take this path too.
const PREFETCH_SPAN: usize = if cfg!(miri) { 256 } else { 32 << 20 };
/// Destination items at most this many bytes apart are written with masked stores
/// ([`Spread`]) at every size, not only within the caches: 16 or more items to a 64-byte
/// block, where the item-by-item loop is limited by its one store per item, not by memory.
/// Measured (`[::2, ::2]` of 2-byte items at 8192×4096, a 64 MiB destination): on an Intel
/// Xeon with AVX-512, `assign` 2.22 ms item by item with prefetches against 1.78 ms with masked
/// stores (ndarray 1.76–1.90 ms), `fill` 1.48 against 1.17 ms; on AMD Zen 5 the item-by-item
/// loop took 2.15 ms there, 6.2x its masked-store time at 4096² (0.35 ms) for twice the
/// items. Wider items gain from the prefetches instead (Xeon, 8192×4096, masked stores against
/// them: 4 bytes 1.08x the time, 8 bytes 1.22x, 29 bytes 1.20x).
const SPREAD_ANY_SPAN_STRIDE: usize = 4;

/// How packed items (a contiguous row, or a fill's one item) are written into destination
/// rows whose items lie apart: the one choice of [`copy_strided`]'s scatters and fills and of
/// [`convert_strided`]'s scatter out of its stage.
#[derive(Clone, Copy, Debug)]
enum Scatter {
    /// AVX-512 masked stores, a block of items at a time (reversing items' bytes in the same
    /// permutation where asked).
    Masked(Spread),
    /// Item by item, the destination prefetched ahead ([`pieces`]).
    Ahead,
    /// Item by item.
    Plain,
}

impl Scatter {
    /// The scatter of `size`-byte items into a destination of `span` bytes whose items are
    /// `stride` bytes apart (`reverse`: each item's bytes reversed): masked stores where
    /// [`Spread`] serves the row and the destination is within the caches or its items are
    /// close enough that one store per item is the limit ([`SPREAD_ANY_SPAN_STRIDE`]; beyond
    /// the caches the item-by-item loop with prefetches is faster, see `masked`); else item by
    /// item, with prefetches where [`walks_ahead`] says so.
    fn plan(size: usize, stride: isize, span: usize, reverse: bool) -> Scatter {
        let spread_pays = span <= PREFETCH_SPAN || stride.unsigned_abs() <= SPREAD_ANY_SPAN_STRIDE;
        match spread_pays
            .then(|| Spread::new(size, stride, reverse))
            .flatten()
        {
            Some(spread) => Scatter::Masked(spread),
            None if walks_ahead(stride, size, span) => Scatter::Ahead,
            None => Scatter::Plain,
        }
    }
}

/// A transposed source at least this large is prefetched a tile ahead ([`copy_tiles`]).
/// Measured on AMD Zen 5, against no prefetch: 29-byte items at 1024² (a 29 MiB source)
/// 0.96x the time, 2048² 0.93x; 8-byte items at 2048² 0.81x; at 256² (2 MiB, within L3) up to
/// 1.16x slower, so not there. Under Miri, 256 bytes.
const TILE_PREFETCH_SPAN: usize = if cfg!(miri) { 256 } else { 4 << 20 };
/// A transpose's destination of packed rows at least this large has its next tile's lines
/// prefetched while a tile is copied ([`copy_tiles`]): the tile's stores, one run in each of
/// its destination rows, then find their lines in cache rather than wait for them. Measured
/// on an Intel Xeon (2 MiB L2), `a.T` to C-order bytes, against no prefetch in the same
/// tiles: 29-byte items 0.94x the time at 256² (a 1.8 MiB destination), 0.94x at 4096², 0.90x
/// at 8192×256; 1- to 8-byte items 0.57-0.86x at 4096², 0.72-0.79x at 8192×4096, 0.78-0.97x
/// at 1024² (2- and 4-byte items at 2048² 0.93-1.05x); 17-byte items at 256² (1.1 MiB, within
/// L2 with the source) 1.04-1.16x slower, so not there. Under Miri, 256 bytes.
const TILE_WRITE_AHEAD_SPAN: usize = if cfg!(miri) { 256 } else { 3 << 19 };
/// How far beyond the items being copied the prefetches run (bytes).
const AHEAD: usize = 4096;
/// Bytes of the prefetched side per piece of a row copied item by item.
const PIECE: usize = 256;
/// The largest gap between items of a prefetched side: farther apart, each item is a line
/// of its own, and the prefetcher of the CPU follows.
const MAX_GAP: usize = 256;

/// Whether a side `span` bytes large whose `size`-byte items lie `stride` bytes apart is
/// walked with software prefetches ([`pieces`]): beyond the caches ([`PREFETCH_SPAN`]), with
/// gaps between its items, at most [`MAX_GAP`] bytes apart.
fn walks_ahead(stride: isize, size: usize, span: usize) -> bool {
    stride > size as isize && stride <= MAX_GAP as isize && span > PREFETCH_SPAN
}

/// The side of each row that [`pieces`] prefetches.
#[derive(Clone, Copy)]
struct Ahead {
    /// The destination (written), or the source (read).
    dst: bool,
    /// Bytes from one item of that side to the next.
    stride: usize,
    /// Bytes from a row's first item of that side to the next row's (0 for a single row).
    next_row: isize,
}

/// Copy one row of `n` items, from `d` and `s` with strides `(ds, ss)`, as `row(d, s,
/// count)` does; with `ahead`, in pieces of about [`PIECE`] bytes of that side, each after
/// prefetching that side's lines up to [`AHEAD`] bytes past the piece — past the row's end,
/// the start of the next row (which the previous row's pieces prefetched for this one).
#[inline(always)]
fn pieces(
    ahead: Option<Ahead>,
    d: *mut u8,
    s: *const u8,
    (ds, ss): (isize, isize),
    n: usize,
    mut row: impl FnMut(*mut u8, *const u8, usize),
) {
    let Some(Ahead {
        dst,
        stride,
        next_row,
    }) = ahead
    else {
        return row(d, s, n);
    };
    let far = if dst { d as *const u8 } else { s };
    let per = (PIECE / stride).max(1);
    // Offsets from `far`: the row's items end before `total`, which fits, as the row is
    // inside its side's span; the lines of offsets from `total` on are the next row's.
    let total = n * stride;
    let mut next = AHEAD.min(total);
    let mut i = 0;
    while i < n {
        let count = per.min(n - i);
        let upto = (i + count) * stride + AHEAD;
        while next < upto {
            let line = if next < total {
                far.wrapping_add(next)
            } else {
                far.wrapping_offset(next_row).wrapping_add(next - total)
            };
            prefetch(line);
            next += 64;
        }
        let k = i as isize;
        row(d.wrapping_offset(k * ds), s.wrapping_offset(k * ss), count);
        i += count;
    }
}

/// One, two, three and four inner strides of each side, for [`copy_row`]'s unrolled loop.
/// Made once per copy, not per row, through [`std::hint::black_box`]: knowing that
/// `d[1] == d[0] + d[0]`, LLVM rewrites the four addresses into a chain of adds, one per
/// item, which limits the loop to one item per cycle; and hiding them per row cost a store
/// and a reload each row (256² assignments: ~10% of the time).
#[derive(Clone, Copy)]
struct Steps {
    d: [isize; 4],
    s: [isize; 4],
}

impl Steps {
    #[inline(always)]
    fn new(ds: isize, ss: isize) -> Steps {
        let times = |x: isize| [1, 2, 3, 4].map(|k| x.wrapping_mul(k));
        std::hint::black_box(Steps {
            d: times(ds),
            s: times(ss),
        })
    }
}

/// Whether the running CPU has SSSE3 (a byte shuffle in a vector register).
#[inline]
fn has_ssse3() -> bool {
    detected!("ssse3")
}

/// Whether the running CPU has MOVBE (a load or store that reverses the bytes).
#[inline]
fn has_movbe() -> bool {
    detected!("movbe")
}

/// How [`copy_row_with`] reverses items' bytes (when it does).
#[derive(Clone, Copy, PartialEq, Eq)]
enum SwapBy {
    /// As each item is loaded, with the baseline's instructions (`bswap`).
    Load,
    /// As each item is loaded, in one instruction (MOVBE; only if [`has_movbe`] said so).
    Movbe,
    /// Rows copied as they are, then reversed in place 32 bytes at a time (only for a
    /// destination whose rows are contiguous).
    After,
    /// 8-byte items loaded two at a time into one vector register, reversed there with one
    /// shuffle and stored together (only for a destination whose rows are contiguous, and
    /// only if [`has_ssse3`] said so).
    Pairs,
}

/// The source span beyond which a swapping copy into contiguous rows copies each row as it
/// is and then swaps it in place ([`SwapBy::After`]). Measured on AMD Zen 5 (1 MiB L2) for
/// `[::2, ::2]` of doubles, swapped over plain: swapping on load (MOVBE) 1.03x at a 0.5 MiB
/// source, 1.11x at 2 MiB, 1.21x at 8 MiB (fewer loads in flight from L3); copying then
/// swapping 1.22x, 1.20x, 1.18x (the second pass over the row in L1 costs ~0.2 cycles an item).
/// (Doubles now take [`SwapBy::Pairs`] where the CPU has SSSE3; this serves 2- and 4-byte
/// items, and doubles without it.) Under Miri, 64 bytes, so that the small layouts of the
/// tests take this path too.
const SWAP_AFTER_SPAN: usize = if cfg!(miri) { 64 } else { 4 << 20 };

/// Bytes from the lowest to the highest byte of the items of one side of a copy (`size`
/// each), given each axis's extent and that side's stride.
fn span(axes: impl Iterator<Item = (usize, isize)>, size: usize) -> usize {
    axes.fold(size, |acc, (n, stride)| {
        acc.saturating_add((n - 1).saturating_mul(stride.unsigned_abs()))
    })
}

/// [`copy_row`], reversing items' bytes as `by` says when `SWAP`: two doubles per shuffle
/// ([`copy_row_swapped_pairs`]); a plain copy of the row and [`cpu::reverse_each`] over it;
/// or MOVBE loads in a function compiled with it, where the baseline's load + `bswap` made a
/// swapped strided gather of 8-byte items on AMD Zen 5 1.4-1.8x the plain one (0.49 against
/// 0.28 ns per item at 64 Ki items; with MOVBE, 0.28).
///
/// # Safety
/// As for [`copy_row`]; `by` is [`SwapBy::Movbe`] only if the running CPU has MOVBE,
/// [`SwapBy::Pairs`] only if it has SSSE3, and either of [`SwapBy::Pairs`] and
/// [`SwapBy::After`] only if the destination's items are `N` bytes apart.
#[inline(always)]
unsafe fn copy_row_with<const N: usize, const SWAP: bool>(
    by: SwapBy,
    d: *mut u8,
    s: *const u8,
    steps: &Steps,
    n: usize,
) {
    #[cfg(target_arch = "x86_64")]
    if SWAP && N == 8 && by == SwapBy::Pairs {
        // SAFETY: the CPU has SSSE3 (our caller's word, from `has_ssse3`); the destination's
        // items are 8 bytes apart (`Pairs` is chosen only then), and the row is the caller's.
        return unsafe { copy_row_swapped_pairs(d, s, steps.s[0], n) };
    }
    if SWAP && by == SwapBy::After {
        // SAFETY: the caller's contract: the row is `n` items laid end to end from `d`, all
        // written by the plain copy before they are reversed in place.
        unsafe {
            copy_row::<N, false>(d, s, steps, n);
            cpu::reverse_each::<N>(std::slice::from_raw_parts_mut(d, n * N));
        }
        return;
    }
    #[cfg(target_arch = "x86_64")]
    if SWAP && by == SwapBy::Movbe {
        /// [`copy_row`] with swapping, with MOVBE enabled.
        ///
        /// # Safety
        /// As for [`copy_row`], on a CPU with MOVBE.
        #[target_feature(enable = "movbe")]
        unsafe fn swapped<const N: usize>(d: *mut u8, s: *const u8, steps: &Steps, n: usize) {
            // SAFETY: the caller's contract.
            unsafe { copy_row::<N, true>(d, s, steps, n) }
        }
        // SAFETY: the CPU has MOVBE (our caller's word, from `has_movbe`), and the row is
        // the caller's.
        return unsafe { swapped::<N>(d, s, steps, n) };
    }
    // SAFETY: the caller's contract.
    unsafe { copy_row::<N, SWAP>(d, s, steps, n) }
}

/// A row of `n` 8-byte items, `ss` bytes apart in the source, to consecutive items from `d`,
/// each item's bytes reversed: two items loaded into one 16-byte register, reversed there by
/// one `pshufb` and stored together, four items per iteration.
///
/// Against the other ways of swapping a strided gather of doubles into a `Vec` (`[::2, ::2]`,
/// swapped time over the plain gather's, AMD Zen 5): swap on load with MOVBE 1.03 at 256², 1.11
/// at 512², 1.21 at 1024²; copy then swap the row in place 1.22, 1.20, 1.18; this 1.03, 0.97,
/// 1.06 (one store per two items, and plain loads).
///
/// # Safety
/// As for [`copy_row`] with `N = 8` and the destination's items 8 bytes apart; the running CPU
/// has SSSE3.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "ssse3")]
unsafe fn copy_row_swapped_pairs(d: *mut u8, s: *const u8, ss: isize, n: usize) {
    use std::arch::x86_64::*;
    let order = cpu::reversing_order(8);
    // SAFETY: `order` holds 32 bytes; this reads the first 16, unaligned (SSE2).
    let order = unsafe { _mm_loadu_si128(order.as_ptr().cast()) };
    let [ss2, ss3, ss4] = [2, 3, 4].map(|k| ss.wrapping_mul(k));
    let (mut d, mut s) = (d, s);
    for _ in 0..n / 4 {
        // SAFETY: the caller's contract: the next four source items (at `s + k·ss`, `k < 4`)
        // are valid for reads of 8 bytes (`_mm_loadl_epi64` reads 8, unaligned), and the next
        // four destination items, 32 bytes from `d`, for writes (two unaligned 16-byte
        // stores); each `offset` stays inside its side's allocation. SSSE3 for the shuffle is
        // the caller's word; the rest is SSE2, the x86-64 baseline.
        unsafe {
            let a = _mm_loadl_epi64(s as *const __m128i);
            let b = _mm_loadl_epi64(s.offset(ss) as *const __m128i);
            let c = _mm_loadl_epi64(s.offset(ss2) as *const __m128i);
            let e = _mm_loadl_epi64(s.offset(ss3) as *const __m128i);
            let low = _mm_shuffle_epi8(_mm_unpacklo_epi64(a, b), order);
            let high = _mm_shuffle_epi8(_mm_unpacklo_epi64(c, e), order);
            _mm_storeu_si128(d as *mut __m128i, low);
            _mm_storeu_si128(d.add(16) as *mut __m128i, high);
        }
        d = d.wrapping_add(32);
        s = s.wrapping_offset(ss4);
    }
    for _ in 0..n % 4 {
        // SAFETY: the caller's contract, item by item.
        unsafe {
            let item = ptr::read_unaligned(s as *const u64);
            ptr::write_unaligned(d as *mut u64, item.swap_bytes());
        }
        d = d.wrapping_add(8);
        s = s.wrapping_offset(ss);
    }
}

/// `n` items of `N` bytes, `steps.d[0]`/`steps.s[0]` bytes apart.
///
/// Unrolled by four with the four positions computed from one base: stepping one pointer per
/// item makes each address wait for the previous one (one item per cycle at best), where
/// ndarray's loops, which LLVM unrolls, store two small items per cycle (a strided fill of
/// 1-byte items: 1.8x ndarray's time before, parity after).
///
/// # Safety
/// Each item is valid for the copy and the two sides do not overlap ([`copy_strided`]).
#[inline(always)]
unsafe fn copy_row<const N: usize, const SWAP: bool>(
    d: *mut u8,
    s: *const u8,
    steps: &Steps,
    n: usize,
) {
    let Steps {
        d: [ds, ds2, ds3, ds4],
        s: [ss, ss2, ss3, ss4],
    } = *steps;
    // The item as stored: reversed for a byte-order change (`[u8; N]::reverse` is one
    // `bswap` for 2, 4 and 8 bytes).
    let fix = |mut item: [u8; N]| {
        if SWAP {
            item.reverse();
        }
        item
    };
    let mut d = d;
    let mut left = n;
    if ss == 0 {
        // A fill: the one source item is read once, not once per item (the compiler cannot
        // know that the writes leave it unchanged).
        // SAFETY: the caller's contract: the source item is valid for reads.
        let item = fix(unsafe { ptr::read_unaligned(s as *const [u8; N]) });
        while left >= 4 {
            // SAFETY: the caller's contract: the next four items (`left >= 4` remain) are
            // valid for writes, `ds` apart, so each `offset` to one of them stays inside the
            // allocation that holds them all.
            unsafe {
                ptr::write_unaligned(d as *mut [u8; N], item);
                ptr::write_unaligned(d.offset(ds) as *mut [u8; N], item);
                ptr::write_unaligned(d.offset(ds2) as *mut [u8; N], item);
                ptr::write_unaligned(d.offset(ds3) as *mut [u8; N], item);
            }
            d = d.wrapping_offset(ds4);
            left -= 4;
        }
        for _ in 0..left {
            // SAFETY: the caller's contract, item by item.
            unsafe { ptr::write_unaligned(d as *mut [u8; N], item) };
            d = d.wrapping_offset(ds);
        }
        return;
    }
    let mut s = s;
    while left >= 4 {
        // SAFETY: the caller's contract: the next four items of each side (`left >= 4`
        // remain) are valid, `ds`/`ss` apart, so each `offset` to one of them stays inside
        // its side's allocation; unaligned reads and writes of `[u8; N]`, the reads first (the
        // sides do not overlap, so the order is only for speed).
        unsafe {
            let a = fix(ptr::read_unaligned(s as *const [u8; N]));
            let b = fix(ptr::read_unaligned(s.offset(ss) as *const [u8; N]));
            let c = fix(ptr::read_unaligned(s.offset(ss2) as *const [u8; N]));
            let e = fix(ptr::read_unaligned(s.offset(ss3) as *const [u8; N]));
            ptr::write_unaligned(d as *mut [u8; N], a);
            ptr::write_unaligned(d.offset(ds) as *mut [u8; N], b);
            ptr::write_unaligned(d.offset(ds2) as *mut [u8; N], c);
            ptr::write_unaligned(d.offset(ds3) as *mut [u8; N], e);
        }
        d = d.wrapping_offset(ds4);
        s = s.wrapping_offset(ss4);
        left -= 4;
    }
    for _ in 0..left {
        // SAFETY: the caller's contract, item by item; unaligned reads and writes of `[u8; N]`.
        unsafe {
            ptr::write_unaligned(
                d as *mut [u8; N],
                fix(ptr::read_unaligned(s as *const [u8; N])),
            )
        };
        d = d.wrapping_offset(ds);
        s = s.wrapping_offset(ss);
    }
}

/// [`copy_row`] for items of `N..=2N` bytes: two fixed-size moves per item, from its start
/// and to its end (overlapping in the middle), instead of a call to `memcpy`.
///
/// # Safety
/// As for [`copy_row`], with `N <= size <= 2 * N`: both moves lie inside the item.
#[inline(always)]
unsafe fn copy_row_pair<T: Copy>(
    d: *mut u8,
    ds: isize,
    s: *const u8,
    ss: isize,
    n: usize,
    size: usize,
) {
    // Moved as integers (`T` is `u16` .. `u128` or a pair of `u128`), which stay in
    // registers: as `[u8; N]` the values went through one stack slot, a store and a reload
    // per move that serialised the loop (29-byte items: ~1.3x ndarray's per-item time).
    let tail = size - std::mem::size_of::<T>();
    let (mut d, mut s) = (d, s);
    for _ in 0..n {
        // SAFETY: the caller's contract, item by item: `0..N` and `tail..size` are inside the
        // item of `size` bytes on both sides; unaligned reads and writes of `T` (plain
        // integers: any bytes are a value), both reads before the writes (the sides do not
        // overlap, so the order is only for speed).
        unsafe {
            let head = ptr::read_unaligned(s as *const T);
            let end = ptr::read_unaligned(s.add(tail) as *const T);
            ptr::write_unaligned(d as *mut T, head);
            ptr::write_unaligned(d.add(tail) as *mut T, end);
        }
        d = d.wrapping_offset(ds);
        s = s.wrapping_offset(ss);
    }
}

/// [`copy_row`] for items of any size: two fixed-size moves up to 64 bytes
/// ([`copy_row_pair`]), `memcpy` beyond.
///
/// # Safety
/// As for [`copy_row`].
#[inline(always)]
unsafe fn copy_row_dyn(d: *mut u8, ds: isize, s: *const u8, ss: isize, n: usize, size: usize) {
    // SAFETY: each arm is the caller's contract, with the size in the pair's range.
    unsafe {
        match size {
            2..=3 => copy_row_pair::<u16>(d, ds, s, ss, n, size),
            4..=7 => copy_row_pair::<u32>(d, ds, s, ss, n, size),
            8..=15 => copy_row_pair::<u64>(d, ds, s, ss, n, size),
            16..=31 => copy_row_pair::<u128>(d, ds, s, ss, n, size),
            32..=64 => copy_row_pair::<[u128; 2]>(d, ds, s, ss, n, size),
            _ => {
                let (mut d, mut s) = (d, s);
                for _ in 0..n {
                    // SAFETY: the caller's contract, item by item.
                    ptr::copy_nonoverlapping(s, d, size);
                    d = d.wrapping_offset(ds);
                    s = s.wrapping_offset(ss);
                }
            }
        }
    }
}

/// Rows of items of 17 to 31 bytes laid end to end in the destination, one 32-byte move per
/// item (the next item's store overwrites what this one wrote past its end), with AVX's
/// 32-byte registers when the running CPU has them, and AVX-512's masked loads, which read
/// the item's bytes only, when it has those ([`Masked::gather_rows`]).
///
/// Against two overlapping 16-byte moves per item ([`copy_row_pair`]), `[::2, ::2]` of 29-byte
/// records on AMD Zen 5: 0.92x the time at 256², 0.74x at 1024², 0.59x at 2048² with AVX (the
/// second, overlapping store of each item is what it saves); 0.96x, 0.91x, 0.78x as two
/// 16-byte halves without.
#[derive(Clone, Copy)]
struct Wide {
    /// The running CPU has AVX (32-byte registers).
    avx: bool,
    /// It has AVX-512's masked loads: [`Masked::gather_rows`].
    masked: Option<Masked>,
}

impl Wide {
    /// What the running CPU has; masked loads only if `masked` (for sources within the
    /// caches: from memory they were slower than plain loads, `[::2, ::2]` of 29-byte records
    /// from a 116 MiB source 1.07x ndarray's time against 0.83x).
    #[inline]
    fn detect(masked: bool) -> Wide {
        Wide {
            avx: detected!("avx"),
            masked: Masked::detect().filter(|_| masked),
        }
    }

    /// Copy one row of `n` items of `size` (17..=31) bytes, `ss` apart in the source, to
    /// consecutive items from `d`: 32-byte moves for all but the last item when the highest of
    /// them leaves 32 bytes before `src_end`, else (and for the last) [`copy_row_pair`].
    ///
    /// # Safety
    /// As for [`copy_row`], with the destination's items `size` bytes apart, and every byte
    /// from the row's source items up to `src_end` valid for reads and no destination item.
    #[inline(always)]
    unsafe fn row(
        self,
        d: *mut u8,
        s: *const u8,
        ss: isize,
        n: usize,
        size: usize,
        src_end: usize,
    ) {
        if let Some(masked) = self.masked {
            // SAFETY: the caller's contract; `size` is 17..=31.
            return unsafe { masked.gather_rows(d, s, (1, 0, 0), ss, n, size) };
        }
        let ds = size as isize;
        // The source item farthest along of the first `n - 1`.
        let far = if ss >= 0 {
            (s as usize).wrapping_add((n.saturating_sub(2)).wrapping_mul(ss as usize))
        } else {
            s as usize
        };
        if n < 2 || far > src_end.wrapping_sub(32) || src_end < 32 {
            // SAFETY: the caller's contract; `size` is in the pair's range.
            return unsafe { copy_row_pair::<u128>(d, ds, s, ss, n, size) };
        }
        #[inline(always)]
        unsafe fn moves(d: *mut u8, s: *const u8, ss: isize, n: usize, size: usize) {
            let (mut d, mut s) = (d, s);
            for _ in 0..n - 1 {
                // SAFETY: the 32 bytes from `s` are readable (the caller checked the highest
                // item against `src_end`); those from `d` are this item and the start of the
                // next one of the row (`size` >= 17, so at most 15 bytes of it), which is
                // written after this.
                unsafe {
                    let v = ptr::read_unaligned(s as *const [u128; 2]);
                    ptr::write_unaligned(d as *mut [u128; 2], v);
                }
                d = d.wrapping_add(size);
                s = s.wrapping_offset(ss);
            }
            // SAFETY: the last item, exactly.
            unsafe { copy_row_pair::<u128>(d, size as isize, s, ss, 1, size) }
        }
        #[cfg(target_arch = "x86_64")]
        if self.avx {
            #[target_feature(enable = "avx")]
            unsafe fn avx(d: *mut u8, s: *const u8, ss: isize, n: usize, size: usize) {
                // SAFETY: the caller's contract.
                unsafe { moves(d, s, ss, n, size) }
            }
            // SAFETY: the running CPU has AVX (`detect`); the row is as `moves` needs.
            return unsafe { avx(d, s, ss, n, size) };
        }
        // SAFETY: the row is as `moves` needs (checked above).
        unsafe { moves(d, s, ss, n, size) }
    }
}

/// How [`copy_tiles`] walks a block.
#[derive(Clone, Copy)]
struct Tiles {
    /// Items per side of a tile.
    side: usize,
    /// Each tile first prefetches the source lines of the next one (only for a source whose
    /// `outer` stride is positive and below [`MAX_GAP`]): a tile's rows of the source are far
    /// apart, so the CPU's prefetcher, which follows a few streams, does not see them coming.
    src_ahead: bool,
    /// Each tile first prefetches the destination lines of the next one (only for a
    /// destination whose `inner` stride is its item size: packed rows).
    dst_ahead: bool,
}

/// A 2-D block (`outer` rows of `inner` items) in square tiles of `tiles.side` items, so that
/// the lines one side reads or writes across stay in cache: `row(dst, src, count)` copies one
/// row piece (the inner stride is `inner`'s).
///
/// # Safety
/// As for [`copy_row`], over the whole block, for `row`.
#[inline(always)]
unsafe fn copy_tiles(
    d: *mut u8,
    s: *const u8,
    outer: Axis,
    inner: Axis,
    tiles: Tiles,
    mut row: impl FnMut(*mut u8, *const u8, usize),
) {
    let ((n0, d0, s0), (n1, d1, s1)) = (outer, inner);
    let side = tiles.side;
    for i0 in (0..n0).step_by(side) {
        let rows = (n0 - i0).min(side);
        for j0 in (0..n1).step_by(side) {
            let cols = (n1 - j0).min(side);
            // The next tile's items along the inner axis.
            let next = (j0 + side).min(n1)..(j0 + 2 * side).min(n1);
            if tiles.src_ahead {
                // The next tile's source: for each of its `j`, the items `i0..i0 + rows`,
                // `s0` (0 < s0 < MAX_GAP) apart.
                let seg = rows * s0 as usize;
                for j in next.clone() {
                    let first = s.wrapping_offset(s0 * i0 as isize + s1 * j as isize);
                    for at in (0..seg + 64).step_by(64) {
                        prefetch(first.wrapping_add(at));
                    }
                }
            }
            if tiles.dst_ahead && !next.is_empty() {
                // The next tile's destination: for each of its rows `i`, the items
                // `next`, `d1` (> 0) apart.
                let seg = next.len() * d1 as usize;
                for i in i0..i0 + rows {
                    let first = d.wrapping_offset(d0 * i as isize + d1 * next.start as isize);
                    for at in (0..seg + 63).step_by(64) {
                        prefetch(first.wrapping_add(at));
                    }
                }
            }
            for i in i0..i0 + rows {
                let (i, j) = (i as isize, j0 as isize);
                let dr = d.wrapping_offset(d0.wrapping_mul(i).wrapping_add(d1.wrapping_mul(j)));
                let sr = s.wrapping_offset(s0.wrapping_mul(i).wrapping_add(s1.wrapping_mul(j)));
                row(dr, sr, cols);
            }
        }
    }
}

/// Call `f(dst_item, src_item)` for every pair of items at the same index of two direct
/// layouts of the same `shape`, in C order, the destination's `dst_size` bytes writable.
///
/// # Safety
/// As for [`copy_strided`], with `dst_size` and `src_size` bytes per item on each side (no
/// source item overlaps a destination item; every item position is valid for its side).
#[allow(clippy::too_many_arguments)]
unsafe fn zip_strided(
    dst: *mut u8,
    dst_strides: &[isize],
    dst_size: usize,
    src: *const u8,
    src_strides: &[isize],
    src_size: usize,
    shape: &[usize],
    mut f: impl FnMut(&mut [u8], &[u8]),
) {
    if shape.contains(&0) {
        return;
    }
    let axes: Axes<Axis> = shape
        .iter()
        .zip(dst_strides.iter().zip(src_strides))
        .map(|(&n, (&d, &s))| (n, d, s))
        .collect();
    let (inner, outer) = match axes.split_last() {
        Some((&inner, outer)) => (inner, outer),
        None => ((1, 0, 0), &[][..]),
    };
    let (n1, d1, s1) = inner;
    // SAFETY: every position `each_block` and the row loop visit is an item of both layouts
    // (the caller's contract); the slices made cover exactly one item of each, and each
    // destination slice lives only for its call of `f`.
    unsafe {
        each_block(dst, src, outer, 0, |d, s| {
            let (mut d, mut s) = (d, s);
            for _ in 0..n1 {
                f(
                    std::slice::from_raw_parts_mut(d, dst_size),
                    std::slice::from_raw_parts(s, src_size),
                );
                d = d.wrapping_offset(d1);
                s = s.wrapping_offset(s1);
            }
        });
    }
}

/// The conversion of one item: `M` bytes in ([`RunMap::new`]'s `M`), `N` bytes out. Implemented
/// by the element module for each pair of element types and byte orders (types with no
/// value: the conversion is a function of the types alone), so that [`RunMap`] can name a
/// loop over runs of items compiled for that pair.
pub(crate) trait ItemMap {
    /// `item` (`M` bytes) converted, as `N` bytes.
    fn map<const N: usize>(item: &[u8]) -> [u8; N];
}

/// A converter of runs of packed items, `from` bytes each, into as many packed items of `to`
/// bytes: a loop of this module ([`map_run`]) over one [`ItemMap`], compiled for the running
/// CPU's widest vectors. The loop writes every byte of the output it is given (an item at a
/// time, each the whole array [`ItemMap::map`] returns), so an output may be uninitialised
/// memory, such as a `Vec`'s spare capacity: this is what lets `to_bytes_as` convert straight
/// into its output in one pass, where a closure over `&mut [u8]` needed a zero-filled or staged
/// output first.
///
/// One instance per pair of element types and byte orders serves both converting copies
/// (`copy_from_converted`, into initialised items) and `to_bytes_as` (into spare capacity).
#[derive(Clone, Copy)]
pub(crate) struct RunMap {
    /// [`map_run`] for one [`ItemMap`] and sizes.
    run: fn(&mut [MaybeUninit<u8>], &[u8]),
    /// Bytes per source item.
    from: usize,
    /// Bytes per converted item.
    to: usize,
}

impl RunMap {
    /// The run converter of `T`, from items of `M` bytes to items of `N` bytes.
    pub(crate) fn new<T: ItemMap, const M: usize, const N: usize>() -> Self {
        RunMap {
            run: map_run::<T, M, N>,
            from: M,
            to: N,
        }
    }

    /// Convert the items of `inp` into `out`, writing every byte of it. Panics unless `out`
    /// holds whole items, as many as `inp` (a bug of the caller, never left half-written).
    fn apply(self, out: &mut [MaybeUninit<u8>], inp: &[u8]) {
        (self.run)(out, inp)
    }

    /// [`apply`](Self::apply) into initialised bytes.
    fn apply_init(self, out: &mut [u8], inp: &[u8]) {
        // SAFETY: `[u8]` and `[MaybeUninit<u8>]` have the same layout; `map_run` only writes
        // initialised bytes (whole arrays of `u8`), never an uninitialised one, so `out`
        // stays initialised.
        let out = unsafe { &mut *(ptr::from_mut(out) as *mut [MaybeUninit<u8>]) };
        self.apply(out, inp)
    }
}

/// The loop of a [`RunMap`]: every `N`-byte item of `out` written with `T`'s conversion of
/// the `M`-byte item of `inp` at the same index, under [`cpu::with_wide_vectors`].
fn map_run<T: ItemMap, const M: usize, const N: usize>(out: &mut [MaybeUninit<u8>], inp: &[u8]) {
    cpu::with_wide_vectors(MapRun::<T, M, N> {
        out,
        inp,
        map: std::marker::PhantomData,
    })
}

/// The work of [`map_run`], as a [`cpu::Kernel`] so that the loop is compiled with the vector
/// instructions the running CPU has.
struct MapRun<'a, T, const M: usize, const N: usize> {
    out: &'a mut [MaybeUninit<u8>],
    inp: &'a [u8],
    map: std::marker::PhantomData<T>,
}

impl<T: ItemMap, const M: usize, const N: usize> cpu::Kernel for MapRun<'_, T, M, N> {
    type Output = ();

    #[inline(always)]
    fn run(self, _: Option<cpu::Shuffles>) {
        let (outs, rest) = self.out.as_chunks_mut::<N>();
        let (inps, _) = self.inp.as_chunks::<M>();
        assert!(
            rest.is_empty() && inps.len() == outs.len(),
            "a run converter's output holds as many whole items as its input"
        );
        for (o, i) in outs.iter_mut().zip(inps) {
            // SAFETY: `MaybeUninit<[u8; N]>` has the layout of `[u8; N]`, which is that of
            // `[MaybeUninit<u8>; N]` (`MaybeUninit<T>` has `T`'s layout): the cast views the
            // same `N` bytes, so the item is written whole in one store (per byte, Miri's
            // time for the CI's conversion tests grew by a quarter).
            let o = unsafe { &mut *ptr::from_mut(o).cast::<MaybeUninit<[u8; N]>>() };
            o.write(T::map::<N>(i));
        }
    }
}

/// Bytes of each staging buffer of [`convert_strided`]: with two of them, well inside L1. Under
/// Miri, 256, so that the tests' short rows take the pieces path too.
const STAGE: usize = if cfg!(miri) { 256 } else { 8 << 10 };

/// A converting copy in runs: `convert(out, inp)` turns `inp`, items of `src_size` bytes laid
/// end to end, into as many items of `dst_size` bytes laid end to end in `out` — so that a
/// conversion loop over packed items (which the compiler vectorises) does the work, not a call
/// per item. Runs that are contiguous on both sides are converted in place; a strided source
/// row is first gathered into a packed staging buffer, and a strided destination row is
/// converted into one and then scattered by the copy kernels (AVX-512 masked stores where
/// [`Spread`] serves, several short rows per call).
///
/// Measured on AMD Zen 5 (`<i` into the `[::2, ::2]` of a 256² `<d` matrix, against 2.2 µs
/// for the same-format copy): 4.3 µs item by item through the element codec, 3.0 µs in runs
/// (the scatter from the stage costs what the same-format copy does; the conversion loop,
/// with AVX-512, ~0.6 µs). Staging buffers of 8 KiB, aligned to cache lines, measured best
/// (4 KiB and 16 KiB slower; unaligned, whose blocks split lines, 3.5 µs).
///
/// The destination's bytes may be uninitialised (a `Vec`'s spare capacity): `convert` only
/// writes them ([`RunMap`]: this module's loop, which writes every byte of its output).
///
/// # Safety
/// As for [`copy_strided`], with `convert`'s item sizes, both at most [`STAGE`] / 4 bytes:
/// every item position is valid for its side (the destination's for writes), and no source
/// item overlaps a destination item.
unsafe fn convert_strided(
    dst: *mut u8,
    dst_strides: &[isize],
    src: *const u8,
    src_strides: &[isize],
    shape: &[usize],
    convert: RunMap,
) {
    let (src_size, dst_size) = (convert.from, convert.to);
    if shape.contains(&0) {
        return;
    }
    let mut axes: Axes<Axis> = shape
        .iter()
        .zip(dst_strides.iter().zip(src_strides))
        .filter(|&(&n, _)| n != 1)
        .map(|(&n, (&d, &s))| (n, d, s))
        .collect();
    // Merge the innermost axes that continue a packed run on both sides.
    let mut run = 1usize;
    while let Some(&(n, d, s)) = axes.last() {
        // Fits: a run is at most the items of one side's view.
        if d == (run * dst_size) as isize && s == (run * src_size) as isize {
            run *= n;
            axes.pop();
        } else {
            break;
        }
    }
    if run > 1 || axes.is_empty() {
        // SAFETY: every position `each_block` passes starts `run` items laid end to end on
        // both sides (the merged axes), the caller's items; the slices cover exactly them and
        // live for one call of `convert` (the destination's as `MaybeUninit`, which it only
        // writes); no source item overlaps a destination item.
        unsafe {
            each_block(dst, src, &axes, 0, |d, s| {
                convert.apply(
                    std::slice::from_raw_parts_mut(d.cast::<MaybeUninit<u8>>(), run * dst_size),
                    std::slice::from_raw_parts(s, run * src_size),
                )
            });
        }
        return;
    }
    let Some((&(n1, d1, s1), outer)) = axes.split_last() else {
        return;
    };
    let (rows, blocks) = last_outer(outer);
    let packed_src = s1 == src_size as isize;
    let packed_dst = d1 == dst_size as isize;
    // Fits: a row is at most the items of the source's view.
    let adjacent_src = packed_src
        && outer
            .last()
            .is_some_and(|&(_, _, sr)| sr == (n1 * src_size) as isize);
    // Items per staged piece: as many whole rows as fit, or a piece of one long row.
    let per = STAGE / dst_size.max(src_size);
    let dst_span = span(axes.iter().map(|&(n, d, _)| (n, d)), dst_size);
    // The stage's rows go out as `copy_strided` scatters a contiguous row, chosen on the span
    // of the whole destination (a piece's own span would never reach beyond the caches).
    // With prefetches there, `<i` into the `[::2, ::2]` of a `<d` matrix on an Intel Xeon,
    // criterion, two rounds interleaved: 4096² 8.0 ms without, 3.9-4.2 ms with, the
    // same-format copy 5.0-5.3 ms; 8192×4096 18.8 ms against 15.9-16.7 ms, the same-format
    // copy 14.9-15.7 ms. (Prefetching a strided source into the stage, as `to_bytes_as`
    // gathers one, measured within noise.)
    let scatter = (!packed_dst).then(|| Scatter::plan(dst_size, d1, dst_span, false));
    let (from_stage, into_stage) = (
        Steps::new(d1, dst_size as isize),
        Steps::new(src_size as isize, s1),
    );
    let (nr, dr, sr) = rows;
    let (group, piece) = if n1 <= per { (per / n1, n1) } else { (1, per) };
    // The staging buffers, left uninitialised (zeroing both cost ~5% of a 256² copy): the
    // gathered source items are read only after they are written, and `convert` only writes
    // the output stage, whose bytes are copied out only after it wrote them.
    // Aligned to cache lines, so that the blocks read from them split no lines.
    #[repr(C, align(64))]
    struct Stage([MaybeUninit<u8>; STAGE]);
    let mut stage_in = Stage([MaybeUninit::uninit(); STAGE]);
    let mut stage_out = Stage([MaybeUninit::uninit(); STAGE]);
    let stage_in = stage_in.0.as_mut_ptr().cast::<u8>();
    let stage_out = stage_out.0.as_mut_ptr().cast::<u8>();
    // SAFETY: every row start `each_block` and the loops below reach is one of the caller's
    // (the rows of the last outer axis `dr`/`sr` apart, pieces of `piece` items along the
    // row); each slice made covers the items of one piece of one side (the destination's as
    // `MaybeUninit`, which `convert` only writes), or a part of a staging buffer (locals,
    // which overlap neither side); the copies move whole items between a staging buffer and
    // the caller's items, out of the output stage only the items `convert` just wrote
    // (`pieces` hands a row's items on in consecutive parts, the same items).
    unsafe {
        each_block(dst, src, blocks, 0, |d, s| {
            let mut r = 0;
            while r < nr {
                let count = group.min(nr - r);
                let (d, s) = (
                    d.wrapping_offset(dr.wrapping_mul(r as isize)),
                    s.wrapping_offset(sr.wrapping_mul(r as isize)),
                );
                let mut j = 0;
                while j < n1 {
                    let m = piece.min(n1 - j);
                    let (d, s) = (
                        d.wrapping_offset(d1.wrapping_mul(j as isize)),
                        s.wrapping_offset(s1.wrapping_mul(j as isize)),
                    );
                    // Whole rows from a source whose rows lie end to end, into the stage:
                    // one run for all of them.
                    let (runs, m_run) = if adjacent_src && m == n1 && !packed_dst {
                        (1, count * m)
                    } else {
                        (count, m)
                    };
                    for k in 0..runs {
                        let (dk, sk) = (
                            d.wrapping_offset(dr.wrapping_mul(k as isize)),
                            s.wrapping_offset(sr.wrapping_mul(k as isize)),
                        );
                        let m = m_run;
                        let inp = if packed_src {
                            std::slice::from_raw_parts(sk, m * src_size)
                        } else {
                            copy_row_sized(stage_in, sk, &into_stage, m, src_size);
                            std::slice::from_raw_parts(stage_in, m * src_size)
                        };
                        let out = if packed_dst {
                            dk
                        } else {
                            stage_out.add(k * m * dst_size)
                        };
                        convert.apply(
                            std::slice::from_raw_parts_mut(
                                out.cast::<MaybeUninit<u8>>(),
                                m * dst_size,
                            ),
                            inp,
                        );
                    }
                    if let Some(scatter) = scatter {
                        let staged = stage_out.cast_const();
                        match scatter {
                            Scatter::Masked(spread) => {
                                spread.copy(d, staged, (count, dr, (m * dst_size) as isize), m)
                            }
                            Scatter::Ahead | Scatter::Plain => {
                                let ahead = matches!(scatter, Scatter::Ahead).then(|| Ahead {
                                    dst: true,
                                    stride: d1 as usize,
                                    next_row: next_start(dr, d1, (j, m, n1)),
                                });
                                for k in 0..count {
                                    pieces(
                                        ahead,
                                        d.wrapping_offset(dr.wrapping_mul(k as isize)),
                                        staged.add(k * m * dst_size),
                                        (d1, dst_size as isize),
                                        m,
                                        |d, s, n| copy_row_sized(d, s, &from_stage, n, dst_size),
                                    );
                                }
                            }
                        }
                    }
                    j += m;
                }
                r += count;
            }
        });
    }
}

/// For [`pieces`] over the piece of `m` items from item `j` of a row of `n` items (`stride`
/// bytes from item to item, rows `row` bytes apart): the offset from the piece's first item to
/// where the walk goes on — the row's next item, or at the row's end the next row's first.
/// Wrapping: the offsets only aim prefetches, which are never dereferenced.
fn next_start(row: isize, stride: isize, (j, m, n): (usize, usize, usize)) -> isize {
    if j + m < n {
        stride.wrapping_mul(m as isize)
    } else {
        row.wrapping_sub(stride.wrapping_mul(j as isize))
    }
}

/// [`copy_row`] for a size known only at run time: the fixed-size loops for 1, 2, 4, 8 and 16
/// bytes, [`copy_row_dyn`] for others.
///
/// # Safety
/// As for [`copy_row`], with `steps` the strides of the two sides.
#[inline(always)]
unsafe fn copy_row_sized(d: *mut u8, s: *const u8, steps: &Steps, n: usize, size: usize) {
    // SAFETY: the caller's contract.
    unsafe {
        match size {
            1 => copy_row::<1, false>(d, s, steps, n),
            2 => copy_row::<2, false>(d, s, steps, n),
            4 => copy_row::<4, false>(d, s, steps, n),
            8 => copy_row::<8, false>(d, s, steps, n),
            16 => copy_row::<16, false>(d, s, steps, n),
            _ => copy_row_dyn(d, steps.d[0], s, steps.s[0], n, size),
        }
    }
}

/// Shape and strides of `g` in walk order (reversed for F order).
fn walk_axes(g: &Geometry, fortran: bool) -> (Axes<usize>, Axes<isize>) {
    let (mut shape, mut strides) = (g.shape.clone(), g.strides.clone());
    if fortran {
        shape.reverse();
        strides.reverse();
    }
    (shape, strides)
}

impl<S: Storage> RawView<S> {
    /// Append the view's bytes in C order (F order with `fortran`) to `out`: `nbytes` bytes,
    /// written straight into `out`'s spare capacity (reserved here if missing; a caller that
    /// must not abort on a failed allocation reserves first with `try_reserve_exact`).
    pub(crate) fn gather_into(&self, fortran: bool, out: &mut Vec<u8>) {
        self.gather(fortran, out, Swap::Keep);
    }

    /// [`gather_into`](Self::gather_into) with each item's bytes reversed: the bytes of the
    /// same scalars in the other byte order (for items of 2, 4 or 8 bytes; others are
    /// appended as they are).
    pub(crate) fn gather_swapped_into(&self, fortran: bool, out: &mut Vec<u8>) {
        self.gather(fortran, out, Swap::Reverse);
    }

    fn gather(&self, fortran: bool, out: &mut Vec<u8>, swap: Swap) {
        let g = &self.geom;
        let n = g.nbytes();
        // The bytes in the order asked for, as they lie: one copy, without the kernel's axis
        // set-up (~45 ns a call, a tenth of copying 64 KiB).
        if swap == Swap::Keep || !matches!(g.itemsize, 2 | 4 | 8) {
            // SAFETY: `self`'s bytes are borrowed at least for reads while `self` is (8).
            if let Some(bytes) = unsafe { self.lying_bytes(fortran) } {
                reserve_output(out, bytes.len());
                out.extend_from_slice(bytes);
                return;
            }
        }
        if g.indirect.is_some() {
            let reverse = swap == Swap::Reverse && matches!(g.itemsize, 2 | 4 | 8);
            self.shared().items(fortran).for_each(|item| {
                let at = out.len();
                out.extend_from_slice(item);
                if reverse {
                    out[at..].reverse();
                }
            });
            return;
        }
        reserve_output(out, n);
        let len = out.len();
        let (shape, strides) = walk_axes(g, fortran);
        let dst_strides =
            Geometry::c_strides(&shape, g.itemsize).unwrap_or_else(|| Axes::repeat(0, shape.len()));
        // SAFETY: the source items are the reached elements of this validated direct view (5,
        // 8: borrowed for reads); the destination is the C-contiguous layout of `nbytes`
        // bytes at the end of `out`, inside its reserved capacity (`c_strides` cannot fail
        // for a valid view, whose `nbytes` fits isize by 3); a `Vec`'s spare capacity
        // overlaps no other allocation.
        unsafe {
            copy_strided(
                out.as_mut_ptr().add(len),
                0,
                &dst_strides,
                self.base(),
                g.offset as isize,
                &strides,
                &shape,
                g.itemsize,
                swap,
                self.span_len(),
            );
            // SAFETY: the copy initialised exactly `n` bytes after `len` (the items tile the
            // C-contiguous layout of `nbytes` bytes), within the capacity.
            out.set_len(len + n);
        }
    }
}

impl<S: Storage> RawView<S> {
    /// Append `f(item)` for every item in C order (F order with `fortran`) to `out`: `N` bytes
    /// per item, written straight into `out`'s spare capacity — the converting counterpart
    /// of [`gather_into`](Self::gather_into), with no zero-filled output to overwrite.
    ///
    /// # Errors
    /// [`ViewError::SizeOverflow`] when `N` bytes per item do not fit in `isize`.
    pub(crate) fn gather_map_into<const N: usize>(
        &self,
        fortran: bool,
        out: &mut Vec<u8>,
        mut f: impl FnMut(&[u8]) -> [u8; N],
    ) -> Result<(), ViewError> {
        let g = &self.geom;
        let n = self.bytes_as(N)?;
        if g.indirect.is_some() || n == 0 {
            self.shared()
                .items(fortran)
                .for_each(|item| out.extend_from_slice(&f(item)));
            return Ok(());
        }
        reserve_output(out, n);
        let len = out.len();
        let (shape, strides) = walk_axes(g, fortran);
        let axes: Axes<Axis> = match Geometry::c_strides(&shape, N) {
            Some(dst_strides) => shape
                .iter()
                .zip(dst_strides.iter().zip(&strides))
                .map(|(&n, (&d, &s))| (n, d, s))
                .collect(),
            None => return Ok(()),
        };
        let (inner, outer) = match axes.split_last() {
            Some((&inner, outer)) => (inner, outer),
            None => ((1, 0, 0), &[][..]),
        };
        let (n1, _, s1) = inner;
        let size = g.itemsize;
        // SAFETY: the source positions are the reached elements of this validated direct view
        // (5, 8: borrowed for reads, `itemsize` bytes each, nonempty by the check above); the
        // destination positions are the C-contiguous layout of the items, `N` bytes each, at
        // the end of `out`, inside the capacity reserved above (`c_strides` of a shape whose
        // `n` bytes fit isize cannot fail); a `Vec`'s spare capacity overlaps no other
        // allocation, so no source slice aliases a destination byte.
        unsafe {
            each_block(
                out.as_mut_ptr().add(len),
                self.base().wrapping_add(g.offset),
                outer,
                0,
                |d, s| {
                    let (mut d, mut s) = (d, s);
                    for _ in 0..n1 {
                        let bytes = f(std::slice::from_raw_parts(s, size));
                        ptr::copy_nonoverlapping(bytes.as_ptr(), d, N);
                        d = d.add(N);
                        s = s.wrapping_offset(s1);
                    }
                },
            );
            // SAFETY: the walk wrote `N` bytes at every one of the item positions,
            // which tile `len .. len + n` exactly, within the capacity.
            out.set_len(len + n);
        }
        Ok(())
    }

    /// The bytes of this view's items at `size` bytes each (the output of a converting
    /// gather), or [`ViewError::SizeOverflow`] when they do not fit in `isize`.
    fn bytes_as(&self, size: usize) -> Result<usize, ViewError> {
        let g = &self.geom;
        (g.nelements().checked_mul(size))
            .filter(|&n| n <= isize::MAX as usize)
            .ok_or_else(|| ViewError::SizeOverflow {
                shape: g.shape.to_vec(),
                itemsize: size,
            })
    }

    /// Whether the items that a walk of this view in C order (F with `fortran`) visits one
    /// after another lie end to end: its innermost axis of more than one item (the last, or
    /// the first with `fortran`) steps `itemsize` bytes, or it has none; never for an indirect
    /// view.
    pub(crate) fn walks_packed(&self, fortran: bool) -> bool {
        let g = &self.geom;
        let mut axes = (g.shape.iter().zip(g.strides.iter())).filter(|&(&n, _)| n > 1);
        let inner = if fortran {
            axes.next()
        } else {
            axes.next_back()
        };
        g.indirect.is_none() && inner.is_none_or(|(_, &s)| s == g.itemsize as isize)
    }

    /// The runs form of [`gather_map_into`](Self::gather_map_into): append every item, in C
    /// order (F with `fortran`), converted by `convert` ([`RunMap`]: its own loop, writing
    /// every byte) straight into `out`'s spare capacity — in one pass, with no staging copy
    /// and no zero-filled output — on runs of items that lie end to end (the innermost axes a
    /// walk reads end to end, merged); a strided source through a staging buffer
    /// ([`convert_strided`]). One item at a time for indirect views and items over a quarter
    /// of a stage.
    ///
    /// Measured on AMD Zen 5 (`to_bytes_as("<d")` of a contiguous 128² `<i` matrix, the
    /// sweep's `convert/packed_as_le_i/256x256`, against converting into a stage in L1 and
    /// copying it out): 3.06 → 2.64 µs, where `to_bytes` of a `<d` matrix of the output's size
    /// (a `memcpy`) took 2.71 µs; at 512², memory-bound, 97 µs either way.
    ///
    /// # Errors
    /// [`ViewError::SizeOverflow`] when `convert`'s output items do not fit in `isize` bytes.
    /// Panics when this view's items are not `convert`'s input size (a caller's bug).
    pub(crate) fn gather_runs_into(
        &self,
        fortran: bool,
        out: &mut Vec<u8>,
        convert: RunMap,
    ) -> Result<(), ViewError> {
        let g = &self.geom;
        assert_eq!(
            g.itemsize, convert.from,
            "a run converter for this view's items"
        );
        let n = self.bytes_as(convert.to)?;
        if g.indirect.is_some() || convert.to.max(g.itemsize) > STAGE / 4 {
            self.shared().items(fortran).for_each(|item| {
                let at = out.len();
                out.resize(at + convert.to, 0);
                convert.apply_init(&mut out[at..], item);
            });
            return Ok(());
        }
        reserve_output(out, n);
        let len = out.len();
        let (shape, strides) = walk_axes(g, fortran);
        let Some(dst_strides) = Geometry::c_strides(&shape, convert.to) else {
            return Ok(());
        };
        // SAFETY: the source items are the reached elements of this validated direct view (5,
        // 8: borrowed for reads, `itemsize` bytes each, `convert`'s input size, asserted
        // above); the destination is the C-contiguous layout of `n` bytes at the end of
        // `out`, inside the capacity reserved above (`c_strides` of a shape whose `n` fits
        // isize cannot fail), valid for writes (uninitialised, which `convert_strided` allows);
        // a `Vec`'s spare capacity overlaps no other allocation; both item sizes are within a
        // quarter of a stage (checked above).
        unsafe {
            convert_strided(
                out.as_mut_ptr().add(len),
                &dst_strides,
                self.base().wrapping_add(g.offset),
                &strides,
                &shape,
                convert,
            );
            // SAFETY: the copy wrote `convert.to` bytes at every one of the items' positions
            // (`RunMap` writes every byte of each output it is given), which tile
            // `len .. len + n` exactly, within the capacity.
            out.set_len(len + n);
        }
        Ok(())
    }
}

impl RawView<Exclusive<'_>> {
    /// Write `src` (exactly `nbytes` bytes, in C order of the elements, or F order with
    /// `fortran`) into the view.
    ///
    /// # Errors
    /// [`ViewError::LengthMismatch`] when `src` has another length.
    pub(crate) fn scatter_from(&mut self, fortran: bool, src: &[u8]) -> Result<(), ViewError> {
        let g = &self.geom;
        let n = g.nbytes();
        if src.len() != n {
            return Err(ViewError::LengthMismatch {
                expected: n,
                given: src.len(),
            });
        }
        if g.indirect.is_some() {
            let size = g.itemsize;
            let mut chunks = src.chunks_exact(size.max(1));
            self.for_each_item_mut(fortran, |item| {
                if let Some(c) = chunks.next() {
                    item.copy_from_slice(c);
                }
            });
            return Ok(());
        }
        let (shape, strides) = walk_axes(g, fortran);
        let src_strides =
            Geometry::c_strides(&shape, g.itemsize).unwrap_or_else(|| Axes::repeat(0, shape.len()));
        let (offset, itemsize) = (g.offset as isize, g.itemsize);
        // SAFETY: the destination items are the reached elements of this validated direct
        // view, exclusively borrowed (5, 8); the source is the C-contiguous layout of `nbytes`
        // bytes of `src`, a shared borrow, which cannot overlap bytes this view borrows
        // exclusively.
        unsafe {
            copy_strided(
                self.base_mut(),
                offset,
                &strides,
                src.as_ptr(),
                0,
                &src_strides,
                &shape,
                itemsize,
                Swap::Keep,
                0,
            );
        }
        Ok(())
    }

    /// Copy the elements of `src` (same shape and itemsize) into this view's, in C order,
    /// without an intermediate buffer when both are direct.
    ///
    /// # Errors
    /// [`ViewError::AssignShapeMismatch`] for different shapes,
    /// [`ViewError::LengthMismatch`] for different item sizes.
    pub(crate) fn copy_from<T: Storage>(&mut self, src: &RawView<T>) -> Result<(), ViewError> {
        self.copy_items_from(src, Swap::Keep)
    }

    /// [`copy_from`](Self::copy_from) with each item's bytes reversed: the same scalars in
    /// the other byte order (for items of 2, 4 or 8 bytes; others are copied as they are).
    ///
    /// # Errors
    /// As [`copy_from`](Self::copy_from).
    pub(crate) fn copy_swapped_from<T: Storage>(
        &mut self,
        src: &RawView<T>,
    ) -> Result<(), ViewError> {
        self.copy_items_from(src, Swap::Reverse)
    }

    fn copy_items_from<T: Storage>(
        &mut self,
        src: &RawView<T>,
        swap: Swap,
    ) -> Result<(), ViewError> {
        let (g, h) = (&self.geom, &src.geom);
        if g.shape != h.shape {
            return Err(ViewError::AssignShapeMismatch {
                dst: g.shape.to_vec(),
                src: h.shape.to_vec(),
            });
        }
        if g.itemsize != h.itemsize {
            return Err(ViewError::LengthMismatch {
                expected: g.itemsize,
                given: h.itemsize,
            });
        }
        if g.indirect.is_some() || h.indirect.is_some() {
            let mut bytes = Vec::new();
            src.gather(false, &mut bytes, swap);
            return self.scatter_from(false, &bytes);
        }
        let (shape, dst_strides, src_strides) =
            (g.shape.clone(), g.strides.clone(), h.strides.clone());
        let (dst_off, src_off, size) = (g.offset as isize, h.offset as isize, g.itemsize);
        // SAFETY: both sides are validated direct views of the same shape and itemsize, every
        // item a reached element (5, 8): the source's borrowed for reads, the destination's
        // exclusively. A shared borrow and an exclusive one never cover the same bytes, so no
        // source item overlaps a destination item.
        unsafe {
            copy_strided(
                self.base_mut(),
                dst_off,
                &dst_strides,
                src.base(),
                src_off,
                &src_strides,
                &shape,
                size,
                swap,
                0,
            );
        }
        Ok(())
    }

    /// Call `f(dst_item, src_item)` for the elements of this view and `src` (the same shape,
    /// checked) at the same index, in C order: the element-wise core of converting copies.
    ///
    /// # Errors
    /// [`ViewError::AssignShapeMismatch`] for different shapes.
    pub(crate) fn zip_with<T: Storage>(
        &mut self,
        src: &RawView<T>,
        f: impl FnMut(&mut [u8], &[u8]),
    ) -> Result<(), ViewError> {
        self.zip(src, f)
    }

    /// The runs form of [`zip_with`](Self::zip_with): `convert` turns runs of source items
    /// laid end to end into as many destination items laid end to end, on runs of up to a few
    /// thousand items in C order, staged through packed buffers where a side is strided
    /// ([`convert_strided`]); one item at a time for indirect views and items over a quarter
    /// of a stage.
    ///
    /// # Errors
    /// [`ViewError::AssignShapeMismatch`] for different shapes. Panics when the items are not
    /// `convert`'s sizes (a caller's bug).
    pub(crate) fn zip_runs_with<T: Storage>(
        &mut self,
        src: &RawView<T>,
        convert: RunMap,
    ) -> Result<(), ViewError> {
        let (g, h) = (&self.geom, &src.geom);
        assert_eq!(
            (h.itemsize, g.itemsize),
            (convert.from, convert.to),
            "a run converter for these views' items"
        );
        let direct = g.indirect.is_none() && h.indirect.is_none();
        if g.shape != h.shape || !direct || g.itemsize.max(h.itemsize) > STAGE / 4 {
            return self.zip(src, |d, s| convert.apply_init(d, s));
        }
        let (shape, dst_strides, src_strides) =
            (g.shape.clone(), g.strides.clone(), h.strides.clone());
        let dst = self.base_mut().wrapping_add(self.geom.offset);
        let src = src.base().wrapping_add(src.geom.offset);
        // SAFETY: both sides are validated direct views of the same shape (checked above),
        // every item a reached element of its side (5, 8), of `convert`'s sizes (asserted
        // above): the source's borrowed for reads, the destination's exclusively; a shared and
        // an exclusive borrow never cover the same bytes; the item sizes are within a quarter
        // of a stage (checked above).
        unsafe { convert_strided(dst, &dst_strides, src, &src_strides, &shape, convert) };
        Ok(())
    }

    /// [`zip_with`](Self::zip_with).
    fn zip<T: Storage>(
        &mut self,
        src: &RawView<T>,
        mut f: impl FnMut(&mut [u8], &[u8]),
    ) -> Result<(), ViewError> {
        let (g, h) = (&self.geom, &src.geom);
        if g.shape != h.shape {
            return Err(ViewError::AssignShapeMismatch {
                dst: g.shape.to_vec(),
                src: h.shape.to_vec(),
            });
        }
        if g.indirect.is_some() || h.indirect.is_some() {
            let shared = src.shared();
            let mut items = shared.items(false);
            self.for_each_item_mut(false, |d| {
                if let Some(s) = items.next() {
                    f(d, s);
                }
            });
            return Ok(());
        }
        let (shape, dst_strides, src_strides) =
            (g.shape.clone(), g.strides.clone(), h.strides.clone());
        let (dst_off, src_off) = (g.offset, h.offset);
        let (dst_size, src_size) = (g.itemsize, h.itemsize);
        let dst = self.base_mut().wrapping_add(dst_off);
        let src = src.base().wrapping_add(src_off);
        // SAFETY: both sides are validated direct views of the same shape, every item a
        // reached element of its side (5, 8): the source's borrowed for reads, the
        // destination's exclusively; a shared and an exclusive borrow never cover the same
        // bytes.
        unsafe {
            zip_strided(
                dst,
                &dst_strides,
                dst_size,
                src,
                &src_strides,
                src_size,
                &shape,
                &mut f,
            );
        }
        Ok(())
    }

    /// Store `item` (at most `itemsize` bytes; the rest of each element is left as it is) in
    /// every element.
    ///
    /// # Errors
    /// [`ViewError::LengthMismatch`] when `item` is longer than an element.
    pub(crate) fn fill_item(&mut self, item: &[u8]) -> Result<(), ViewError> {
        let g = &self.geom;
        if item.len() > g.itemsize {
            return Err(ViewError::LengthMismatch {
                expected: g.itemsize,
                given: item.len(),
            });
        }
        if g.indirect.is_some() {
            self.for_each_item_mut(false, |out| out[..item.len()].copy_from_slice(item));
            return Ok(());
        }
        let (shape, strides, offset) = (g.shape.clone(), g.strides.clone(), g.offset as isize);
        let zeros = Axes::repeat(0isize, shape.len());
        // SAFETY: the destination items are the first `item.len() <= itemsize` bytes of each
        // reached element of this validated direct view, exclusively borrowed (5, 8); the
        // source, read again for every item (stride 0), is `item`, a shared borrow that
        // cannot overlap them.
        unsafe {
            copy_strided(
                self.base_mut(),
                offset,
                &strides,
                item.as_ptr(),
                0,
                &zeros,
                &shape,
                item.len(),
                Swap::Keep,
                0,
            );
        }
        Ok(())
    }

    /// `view[dst] = view[src]` for two geometries derived from this view's by selection
    /// (`Geometry::select` of `self.geom`), with `memmove` semantics: as if the source were
    /// copied out first. One `memmove` when both are C-contiguous, else through a copy.
    ///
    /// # Errors
    /// [`ViewError::AssignShapeMismatch`]; [`ViewError::AllocationFailed`] when the source
    /// cannot be copied out.
    pub(crate) fn copy_within(
        &mut self,
        dst: &[super::AxisOp],
        src: &[super::AxisOp],
    ) -> Result<(), ViewError> {
        let from = self.geom.select(src)?;
        let to = self.geom.select(dst)?;
        if from.shape != to.shape {
            return Err(ViewError::AssignShapeMismatch {
                dst: to.shape.to_vec(),
                src: from.shape.to_vec(),
            });
        }
        let n = from.nbytes();
        if from.indirect.is_none() && from.is_c_contiguous() && to.is_c_contiguous() {
            if n > 0 {
                let base = self.base_mut();
                // SAFETY: both geometries are selections of this validated direct view, so
                // each is valid for the storage, and being non-empty and C-contiguous each
                // covers `offset .. offset + n` with reached bytes (5, 8), exclusively
                // borrowed; `ptr::copy` allows the two ranges to overlap.
                unsafe { ptr::copy(base.add(from.offset), base.add(to.offset), n) };
            }
            return Ok(());
        }
        let mut bytes = Vec::new();
        bytes
            .try_reserve_exact(n)
            .map_err(|_| ViewError::AllocationFailed { bytes: n as u128 })?;
        self.lend_derived(super::Derivation::Select(src))?
            .gather_into(false, &mut bytes);
        self.reborrow_derived(super::Derivation::Select(dst))?
            .scatter_from(false, &bytes)
    }
}
