//! Rows of small items with gaps between them, written with AVX-512's masked stores
//! ([`Spread::new`]) or read with its masked loads ([`Spread::gather`]), and rows of 17- to
//! 31-byte items gathered with its masked loads ([`Masked::gather_rows`]).
//!
//! A plain strided copy writes a destination such as `a[::2, ::2]` one item per store: 1-byte
//! items every other byte cost one store each, the same as ndarray's `assign`, and stores are
//! what such a loop is limited by (two per cycle). A masked store writes only the bytes its mask
//! selects — the others are not accessed at all, so the gaps, which may belong to someone else,
//! are neither read nor written — so one 64-byte store can put every item of a 64-byte block
//! of the destination in place: 32 one-byte items, 16 two-byte items, 4 doubles. The items
//! come from the contiguous source in one masked load (it reads only the bytes of those items)
//! and are moved to their places in the register by one byte permutation (`vpermb`).
//! Items too far apart to share a block (over 32 bytes from start to start) and of a size that
//! no single plain store moves (3, 5–7, 9–15, 17–31 bytes) are moved one masked load and one
//! masked store each, instead of two overlapping moves of each.
//!
//! Measured on AMD Zen 5 (`[::2, ::2]` scatters from a contiguous source, against the
//! item-by-item loop, one row per call): 1-, 2-, 4-, 8-byte items 0.2x, 0.35x, 0.5x, 0.78x the
//! time at 256², 29-byte items 0.9x up to 1024². A byte-order change costs nothing more: the
//! permutation places each item's bytes reversed. Two things decided the shape of the code:
//! the rows of a copy are walked inside the AVX-512 function (a call per row cost ~30 cycles,
//! half the time of 1-byte items at 256²), and the caller uses it beyond the caches (over 32
//! MiB) only for items at most 4 bytes apart: there the plain loop with software prefetches is
//! faster for wider items (4-byte items at 4096²: 1.39 ms against 1.88 ms), while closer ones
//! keep it busy one store per item (2-byte items at 8192×4096 on an Intel Xeon: 2.22 ms against
//! 1.78 ms with masked stores).
//!
//! Gathers are the same blocks the other way round: one masked load of a source block's
//! items (the gaps are not read), one permutation that packs them, one masked store. Measured
//! on an Intel Xeon (`[::2, ::2]` `to_bytes`, against the item-by-item loop): 1-byte items
//! 0.21x the time at 256² and 0.47x at 8192×4096, 2-byte 0.31x and 0.79x, 4-byte 0.54x at 256²
//! and 0.86x at 4096², 8-byte 0.90–1.02x (memory-bound from 1024² on). Where two blocks'
//! packed items fit 64 bytes (always so for items at most half their stride), two blocks
//! share one two-register permutation (`vpermt2b`) and one store.
//!
//! Under Miri, which has masked loads and stores but not `vpermb` or `vpermt2b`, the
//! permutations are done on arrays (the same bytes); the memory accesses — what Miri checks —
//! are the same.

/// Proof that the running CPU has AVX-512 F (foundation), BW (byte masks), VL (32-byte masked
/// moves) and VBMI (`vpermb`): made only by [`Masked::detect`]. Off x86-64 it cannot be made
/// at all (its field is uninhabited), so the kernels need no fallback there.
#[derive(Clone, Copy, Debug)]
pub(super) struct Masked(Proof);

#[cfg(target_arch = "x86_64")]
type Proof = ();
#[cfg(not(target_arch = "x86_64"))]
type Proof = std::convert::Infallible;

impl Masked {
    /// `Some` if the running CPU has the features.
    pub(super) fn detect() -> Option<Masked> {
        #[cfg(target_arch = "x86_64")]
        {
            (detected!("avx512f")
                && detected!("avx512bw")
                && detected!("avx512vl")
                && detected!("avx512vbmi"))
            .then_some(Masked(()))
        }
        #[cfg(not(target_arch = "x86_64"))]
        {
            None
        }
    }

    /// Gather rows of `n` items of `size` (17..=32) bytes, `ss` bytes apart in the source,
    /// into consecutive items from `d` (the rows as for [`Spread::copy`]): per item, a masked
    /// load of its `size` bytes (no byte past it is read, so unlike a plain 32-byte load it
    /// may end anywhere) and a plain 32-byte store, whose tail lands in the next item, written
    /// next; the last item's store of a row is masked. Measured on AMD Zen 5 (`[::2, ::2]` of
    /// 29-byte records at 256², the kernel alone): 0.88x ndarray's time, where plain 32-byte
    /// loads took 0.95x.
    ///
    /// # Safety
    /// `size` is 17..=32; for every row, the `n` source items from `s + r * s_step` are valid
    /// for reads, the `n * size` bytes from `d + r * d_step` for writes, and no source item
    /// overlaps a destination byte.
    #[cfg_attr(not(target_arch = "x86_64"), allow(unused_variables))] // no body there
    #[inline(always)]
    pub(super) unsafe fn gather_rows(
        self,
        d: *mut u8,
        s: *const u8,
        rows: Rows,
        ss: isize,
        n: usize,
        size: usize,
    ) {
        #[cfg(target_arch = "x86_64")]
        // SAFETY: `self` proves the features; the rows are the caller's.
        unsafe {
            gather_32(d, s, rows, ss, n, size)
        }
        #[cfg(not(target_arch = "x86_64"))]
        match self.0 {}
    }
}

/// How the items of a row with gaps are placed in a 64-byte block of the destination
/// ([`Spread::new`], a scatter), or taken from one of the source ([`Spread::gather`]), with
/// proof that the running CPU has the instructions: made only by those two, after detecting
/// them.
#[derive(Clone, Copy, Debug)]
pub(super) struct Spread {
    /// For each byte of a block of the destination, which byte of the source block goes
    /// there (scatters: bytes in gaps 0, never stored; gathers: bytes past the block's items
    /// 0, never stored).
    order: [u8; 64],
    /// Gathers whose two blocks' packed items fit one 64-byte store (`2 * per * size <= 64`):
    /// for each byte of that store, which byte of the two source blocks goes there (the
    /// second block's are 64 on, as `vpermt2b` numbers them). `None` for scatters and wider
    /// items.
    pair: Option<[u8; 64]>,
    /// The bytes of a block of the side with gaps that belong to items (bit `j`: byte `j`):
    /// what a scatter stores, what a gather loads.
    items: u64,
    /// The gaps are in the source: items `stride` bytes apart there are packed end to end.
    gather: bool,
    /// Items per block: `64 / stride` (at least 2), or 1 for items moved one at a time.
    per: usize,
    /// Bytes per item.
    size: usize,
    /// Bytes from the start of one destination item to the next.
    stride: usize,
    /// The CPU has the instructions.
    masked: Masked,
}

impl Spread {
    /// The placement of `size`-byte items `stride` bytes apart, if the running CPU has
    /// AVX-512 (F, BW, VL, VBMI) and masked moves serve the row: gaps between the items
    /// (`stride > size`), and either at least two items per 64-byte block (`stride <= 32`)
    /// or an item of 3, 5–7, 9–15 or 17–31 bytes (which no single plain move copies). With
    /// `reverse`, each item's bytes are placed in reverse order (a byte-order change, for
    /// which the permutation costs nothing more; only blocks of items, not one at a time).
    pub(super) fn new(size: usize, stride: isize, reverse: bool) -> Option<Spread> {
        Spread::make(size, stride, reverse, false)
    }

    /// The opposite direction: `size`-byte items `stride` bytes apart in the source, packed
    /// end to end in the destination, if the running CPU has the instructions and at least two
    /// items share a 64-byte block (`size < stride <= 32`). Each block of the source is one
    /// masked load of its items' bytes (no gap byte is read: the gaps may be someone else's,
    /// being written), one permutation and one masked store of `64 / stride` packed items,
    /// where the item-by-item loop moves one item per load and store. With `reverse`, each
    /// item's bytes are placed in reverse order.
    pub(super) fn gather(size: usize, stride: isize, reverse: bool) -> Option<Spread> {
        if stride > 32 {
            return None;
        }
        Spread::make(size, stride, reverse, true)
    }

    fn make(size: usize, stride: isize, reverse: bool, gather: bool) -> Option<Spread> {
        let stride = usize::try_from(stride).ok()?;
        if size == 0 || stride <= size || (reverse && stride > 32) {
            return None;
        }
        let per = if stride <= 32 {
            64 / stride
        } else if size <= 32 && !size.is_power_of_two() {
            1
        } else {
            return None;
        };
        let masked = Masked::detect()?;
        let mut order = [0u8; 64];
        let mut items = 0u64;
        for i in 0..per {
            for b in 0..size {
                // Below 64: `per * stride <= 64` for blocks, `size <= 32` for one item.
                let j = if per == 1 { b } else { i * stride + b };
                let from = if reverse { size - 1 - b } else { b };
                if gather {
                    // Packed byte `i * size + b` is byte `from` of the item at `j - b`.
                    order[i * size + b] = (j - b + from) as u8;
                } else {
                    order[j] = (i * size + from) as u8;
                }
                items |= 1 << j;
            }
        }
        // Two blocks' packed items, one after the other: the first block's bytes as `order`
        // places them, the second's from the other register.
        let pair = (gather && per >= 2 && 2 * per * size <= 64).then(|| {
            let mut pair = [0u8; 64];
            let (first, second) = pair.split_at_mut(per * size);
            first.copy_from_slice(&order[..per * size]);
            for (to, &from) in second.iter_mut().zip(&order[..per * size]) {
                // `from < per * stride <= 64`.
                *to = 64 + from;
            }
            pair
        });
        Some(Spread {
            order,
            pair,
            items,
            gather,
            per,
            size,
            stride,
            masked,
        })
    }

    /// Copy `rows` rows of `n` items each from `s`, where a row's items lie end to end, to
    /// `d`, where they are `stride` bytes apart (for a [`gather`](Self::gather): from `s`,
    /// where they are `stride` bytes apart, to `d`, where they lie end to end); `rows = (count,
    /// d_step, s_step)`: row `r` starts `r * d_step` and `r * s_step` bytes on. All rows in
    /// one call of the AVX-512 code, so that its set-up (a call, the pattern into a register)
    /// is paid once, not per row (1-byte items at 256²: ~30 cycles a row of four blocks).
    ///
    /// # Safety
    /// For every row, the `n` items of the side with gaps (`size` bytes from `p + r * step +
    /// i * stride`, `p` and `step` that side's) are valid for writes (a scatter's destination)
    /// or reads (a gather's source), the `n * size` bytes from the other side's row start for
    /// reads or writes, and no source byte is a destination item's.
    #[cfg_attr(not(target_arch = "x86_64"), allow(unused_variables))] // no body there
    #[inline(always)]
    pub(super) unsafe fn copy(&self, d: *mut u8, s: *const u8, rows: Rows, n: usize) {
        #[cfg(target_arch = "x86_64")]
        // SAFETY: `self.masked` proves the running CPU has the features (`new` detected
        // them); the rows are the caller's.
        unsafe {
            let Masked(()) = self.masked;
            if self.per == 1 {
                one_each(self, d, s, rows, n)
            } else {
                blocks(self, d, s, rows, n, None)
            }
        }
        #[cfg(not(target_arch = "x86_64"))]
        match self.masked.0 {}
    }

    /// A block of the destination with `item` (`size` bytes) in every item's place, for
    /// [`fill`](Self::fill).
    pub(super) fn fill_block(&self, item: &[u8]) -> [u8; 64] {
        let mut block = [0u8; 64];
        for (j, b) in block.iter_mut().enumerate() {
            if self.items >> j & 1 == 1 {
                *b = item[self.order[j] as usize % self.size];
            }
        }
        block
    }

    /// Write the item of `block` (made by [`fill_block`](Self::fill_block)) to `rows` rows of
    /// `n` items from `d`, `stride` bytes apart (the rows as for [`copy`](Self::copy); their
    /// source step is not used).
    ///
    /// # Safety
    /// The destination items are valid for writes.
    #[cfg_attr(not(target_arch = "x86_64"), allow(unused_variables))] // no body there
    #[inline(always)]
    pub(super) unsafe fn fill(&self, d: *mut u8, block: &[u8; 64], rows: Rows, n: usize) {
        let rows = (rows.0, rows.1, 0);
        #[cfg(target_arch = "x86_64")]
        // SAFETY: `self.masked` proves the running CPU has the features (`new` detected
        // them); the destination items are the caller's, and with a fill block `blocks` reads
        // no source.
        unsafe {
            let Masked(()) = self.masked;
            blocks(self, d, std::ptr::null(), rows, n, Some(block))
        }
        #[cfg(not(target_arch = "x86_64"))]
        match self.masked.0 {}
    }
}

/// Rows of a copy: how many, and the bytes from one row's first item to the next row's in
/// the destination and in the source.
pub(super) type Rows = (usize, isize, isize);

/// The lowest `k` bits (`k < 64`).
#[cfg(target_arch = "x86_64")]
#[inline(always)]
fn low(k: usize) -> u64 {
    (1u64 << k) - 1
}

/// Blocks of `per` items: one masked load of `per * size` bytes from `s` (or, for a fill, the
/// ready `block`), one permutation, one masked store of the items' bytes at `d`; for a gather,
/// one masked load of the items' bytes from `s`, one permutation, one masked store of `per *
/// size` bytes at `d` — or, where two blocks' packed items fit 64 bytes, two blocks at a time:
/// two masked loads, one two-register permutation (`vpermt2b`) and one store of `2 * per *
/// size` bytes: half the stores. Measured on an Intel Xeon (`[::2, ::2]` `to_bytes`,
/// criterion, two rounds against a block at a time): at 256² 0.85–0.90x the time for 4- and
/// 8-byte items (1 and 2 bytes 0.99–1.03x: fixed costs dominate those copies), 0.91–0.96x for
/// 1–8 bytes at 1024² and 1–4 bytes at 2048² (8 bytes 1.00–1.01x), 0.93–1.01x at 4096².
///
/// The blocks start at the first item, wherever it lies in its cache line. (Starting them at
/// the line instead, the first block's bytes before the first item masked out, measured
/// slower on AMD Zen 5 — `[::2, ::2]` scatters at 256² from lines at 16 bytes: 1-byte items
/// 1.27x the time, 4-byte 1.29x, 8-byte 1.15x.)
///
/// # Safety
/// The CPU has AVX-512 F, BW, VBMI; the rows are as [`Spread::copy`] needs (`s` is not read
/// when `fill` is given). (`spread` is one `Spread::new` made: `per * stride <= 64`, or `per == 1`
/// and `size <= 32`.)
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,avx512bw,avx512vbmi")]
unsafe fn blocks(
    spread: &Spread,
    d: *mut u8,
    s: *const u8,
    (rows, d_step, s_step): Rows,
    n: usize,
    fill: Option<&[u8; 64]>,
) {
    use std::arch::x86_64::*;
    let Spread {
        ref order,
        pair,
        items,
        gather,
        per,
        size,
        stride,
        ..
    } = *spread;
    // SAFETY: `order`, `pair` and a fill block hold 64 bytes, read unaligned.
    let (order, pair, fill) = unsafe {
        (
            _mm512_loadu_si512(order.as_ptr().cast()),
            pair.map(|p| _mm512_loadu_si512(p.as_ptr().cast())),
            fill.map(|b| _mm512_loadu_si512(b.as_ptr().cast())),
        )
    };
    // One block: the masked load reads the bytes of `s` that `take` selects, the masked store
    // writes the bytes of `d` that `mask` selects; neither touches any other byte.
    macro_rules! block {
        ($d:expr, $s:expr, $take:expr, $mask:expr) => {
            // SAFETY: our caller's contract: the selected bytes from `s` are the source bytes
            // of this block's items (not read for a fill), those from `d` its items.
            unsafe {
                let v = match fill {
                    Some(v) => v,
                    None => permute(order, _mm512_maskz_loadu_epi8($take, $s.cast())),
                };
                _mm512_mask_storeu_epi8($d.cast(), $mask, v);
            }
        };
    }
    let (full, last) = (n / per, n % per);
    // Per block: the packed side's bytes, the bytes of the side with gaps (which `items`
    // selects), and for the last block of a row those of its `last` items (`last * stride <
    // per * stride <= 64`).
    let (full_masks, last_masks) = (
        (low(per * size), items),
        (low(last * size), items & low(last * stride)),
    );
    // A scatter loads packed items and stores them spaced; a gather the other way round.
    let ((take, mask), (last_take, last_mask), (d_len, s_len)) = if gather {
        let swap = |(packed, spaced): (u64, u64)| (spaced, packed);
        (
            swap(full_masks),
            swap(last_masks),
            (per * size, per * stride),
        )
    } else {
        (full_masks, last_masks, (per * stride, per * size))
    };
    // With the mask of two gathered blocks' packed bytes (`2 * per * size <= 64` where `pair`
    // is made).
    let pair = pair.map(|pair| (pair, u64::MAX >> (64 - 2 * d_len)));
    for r in 0..rows as isize {
        let (mut d, mut s) = (d.wrapping_offset(r * d_step), s.wrapping_offset(r * s_step));
        let mut full = full;
        if let Some((pair, pair_mask)) = pair {
            while full >= 2 {
                // SAFETY: our caller's contract: the bytes `take` selects from `s` and from
                // `s + s_len` are the source items of two whole blocks of this row, and the
                // `2 * d_len` bytes `pair_mask` selects from `d` their packed places.
                unsafe {
                    let first = _mm512_maskz_loadu_epi8(take, s.cast());
                    let second = _mm512_maskz_loadu_epi8(take, s.wrapping_add(s_len).cast());
                    _mm512_mask_storeu_epi8(d.cast(), pair_mask, permute2(first, pair, second));
                }
                d = d.wrapping_add(2 * d_len);
                s = s.wrapping_add(2 * s_len);
                full -= 2;
            }
        }
        for _ in 0..full {
            block!(d, s, take, mask);
            d = d.wrapping_add(d_len);
            s = s.wrapping_add(s_len);
        }
        if last > 0 {
            block!(d, s, last_take, last_mask);
        }
    }
}

/// [`Masked::gather_rows`]'s loop.
///
/// # Safety
/// The CPU has AVX-512 F, BW, VL; the rows are as [`Masked::gather_rows`] needs.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,avx512bw,avx512vl")]
unsafe fn gather_32(d: *mut u8, s: *const u8, rows: Rows, ss: isize, n: usize, size: usize) {
    use std::arch::x86_64::*;
    let Some(last) = n.checked_sub(1) else {
        return;
    };
    // `size <= 32`: the item's bytes of a 32-byte register.
    let mask = low(size) as u32;
    let (count, d_step, s_step) = rows;
    for r in 0..count as isize {
        let (mut d, mut s) = (d.wrapping_offset(r * d_step), s.wrapping_offset(r * s_step));
        for _ in 0..last {
            // SAFETY: our caller's contract: the masked load reads this source item's `size`
            // bytes and nothing else; the plain store writes this item and at most 15 bytes of
            // the next one (`size >= 17`), which is written after it.
            unsafe {
                let v = _mm256_maskz_loadu_epi8(mask, s.cast());
                _mm256_storeu_si256(d.cast(), v);
            }
            d = d.wrapping_add(size);
            s = s.wrapping_offset(ss);
        }
        // SAFETY: the row's last item: its `size` bytes on each side, and nothing else.
        unsafe { _mm256_mask_storeu_epi8(d.cast(), mask, _mm256_maskz_loadu_epi8(mask, s.cast())) }
    }
}

/// One item per masked load and masked store of 32 bytes (items of at most 32 bytes).
///
/// # Safety
/// The CPU has AVX-512 F, BW, VL; `spread.size <= 32`; the rows are as [`Spread::copy`]
/// needs.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,avx512bw,avx512vl")]
unsafe fn one_each(spread: &Spread, d: *mut u8, s: *const u8, rows: Rows, n: usize) {
    use std::arch::x86_64::*;
    let mask = spread.items as u32;
    let (count, d_step, s_step) = rows;
    for r in 0..count as isize {
        let (mut d, mut s) = (d.wrapping_offset(r * d_step), s.wrapping_offset(r * s_step));
        for _ in 0..n {
            // SAFETY: our caller's contract: the `size` bytes `mask` selects are this item's,
            // on each side; no other byte is accessed.
            unsafe {
                let v = _mm256_maskz_loadu_epi8(mask, s.cast());
                _mm256_mask_storeu_epi8(d.cast(), mask, v);
            }
            d = d.wrapping_add(spread.stride);
            s = s.wrapping_add(spread.size);
        }
    }
}

/// `vpermb`: byte `j` of the result is byte `order[j] % 64` of `v`. Under Miri, which does
/// not have the instruction, the same on arrays.
#[cfg(target_arch = "x86_64")]
#[inline]
#[target_feature(enable = "avx512f,avx512bw,avx512vbmi")]
fn permute(
    order: std::arch::x86_64::__m512i,
    v: std::arch::x86_64::__m512i,
) -> std::arch::x86_64::__m512i {
    #[cfg(not(miri))]
    {
        std::arch::x86_64::_mm512_permutexvar_epi8(order, v)
    }
    // Under Miri: `vpermt2b` with `v` as both tables picks byte `order[j] % 64` of `v`.
    #[cfg(miri)]
    {
        permute2(v, order, v)
    }
}

/// `vpermt2b`: byte `j` of the result is byte `order[j] % 64` of `a` if `order[j] % 128 <
/// 64`, else of `b`. Under Miri, which does not have the instruction (nor `vpermb`, which
/// [`permute`] then asks of this), the same on arrays.
#[cfg(target_arch = "x86_64")]
#[inline]
#[target_feature(enable = "avx512f,avx512bw,avx512vbmi")]
fn permute2(
    a: std::arch::x86_64::__m512i,
    order: std::arch::x86_64::__m512i,
    b: std::arch::x86_64::__m512i,
) -> std::arch::x86_64::__m512i {
    #[cfg(not(miri))]
    {
        std::arch::x86_64::_mm512_permutex2var_epi8(a, order, b)
    }
    #[cfg(miri)]
    {
        // SAFETY: 64-byte vectors and arrays of 64 bytes have the same size, and any bytes are
        // a value of either.
        unsafe {
            let (a, o, b): ([u8; 64], [u8; 64], [u8; 64]) = (
                std::mem::transmute(a),
                std::mem::transmute(order),
                std::mem::transmute(b),
            );
            std::mem::transmute(std::array::from_fn::<u8, 64, _>(|j| {
                let from = if o[j] & 64 == 0 { &a } else { &b };
                from[o[j] as usize % 64]
            }))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Spread;

    /// Every row length, item size and gap that `new` accepts gives the item-by-item
    /// answer, the gaps untouched, from every position in a cache line.
    #[test]
    fn rows_and_fills_match_item_by_item() {
        let Some(_) = Spread::new(1, 2, false) else {
            return; // no AVX-512 here: nothing to compare
        };
        let sizes: Vec<usize> = if cfg!(miri) {
            vec![1, 3, 8, 29]
        } else {
            (1..32).collect()
        };
        let starts: Vec<usize> = if cfg!(miri) {
            vec![0, 5, 8, 63]
        } else {
            (0..64).collect()
        };
        for size in sizes {
            for stride in size + 1..=if cfg!(miri) { size + 1 } else { 70 } {
                let Some(spread) = Spread::new(size, stride as isize, false) else {
                    continue;
                };
                // Reversing blocks: each item's bytes in reverse order, from a later start.
                if let Some(reversing) = Spread::new(size, stride as isize, true) {
                    let n = 2 * reversing.per + 1;
                    let src: Vec<u8> = (0..n * size).map(|i| i as u8).collect();
                    let mut got = vec![0xeeu8; 7 + n * stride];
                    // SAFETY: `n` items from byte 7, `stride` apart, fit; `src` holds `n * size`.
                    unsafe { reversing.copy(got.as_mut_ptr().add(7), src.as_ptr(), (1, 0, 0), n) };
                    let mut want = vec![0xeeu8; 7 + n * stride];
                    for i in 0..n {
                        let to = 7 + i * stride;
                        want[to..to + size].copy_from_slice(&src[i * size..][..size]);
                        want[to..to + size].reverse();
                    }
                    assert_eq!(got, want, "reversed: size {size}, stride {stride}");
                }
                let counts = [0, 1, 2, 3, spread.per, 2 * spread.per + 1, 67];
                for (&at, n) in starts
                    .iter()
                    .flat_map(|at| counts.iter().map(move |&n| (at, n)))
                {
                    let len = 64 + at + n * stride + 5;
                    let src: Vec<u8> = (0..n * size).map(|i| (i * 7 + 1) as u8 | 1).collect();
                    let item: Vec<u8> = (0..size as u8).map(|b| b | 0x80).collect();
                    let block = spread.fill_block(&item);
                    for fill in [false, true] {
                        let mut got = vec![0xeeu8; len];
                        let start = got.as_ptr().align_offset(64) + at;
                        // SAFETY: `n` items of `size` from `start`, `stride` apart, fit in
                        // `len`; `src` holds `n * size` bytes; distinct vectors.
                        unsafe {
                            let d = got.as_mut_ptr().add(start);
                            if fill {
                                spread.fill(d, &block, (1, 0, 0), n)
                            } else {
                                spread.copy(d, src.as_ptr(), (1, 0, 0), n)
                            }
                        }
                        let mut want = vec![0xeeu8; len];
                        for i in 0..n {
                            let to = start + i * stride;
                            let from = if fill {
                                &item[..]
                            } else {
                                &src[i * size..][..size]
                            };
                            want[to..to + size].copy_from_slice(from);
                        }
                        assert_eq!(
                            got, want,
                            "size {size}, stride {stride}, {n} items from {at}, fill {fill}"
                        );
                    }
                }
            }
        }
    }

    /// Gathers: every item size and gap that `gather` accepts, both byte orders, every row
    /// length class, from every position in a cache line, give the item-by-item answer, and
    /// write nothing past the packed items. Two rows in one call, the second from a source row
    /// `row` bytes on.
    #[test]
    fn gathers_match_item_by_item() {
        let Some(_) = Spread::gather(1, 2, false) else {
            return; // no AVX-512 here: nothing to compare
        };
        let sizes: Vec<usize> = if cfg!(miri) {
            vec![1, 2, 3, 8]
        } else {
            (1..32).collect()
        };
        let starts: Vec<usize> = if cfg!(miri) {
            vec![0, 63]
        } else {
            (0..64).collect()
        };
        for size in sizes {
            for stride in size + 1..=if cfg!(miri) { size + 2 } else { 34 } {
                for reverse in [false, true] {
                    let Some(spread) = Spread::gather(size, stride as isize, reverse) else {
                        assert!(stride > 32, "size {size}, stride {stride}");
                        continue;
                    };
                    // Whole blocks one, two and three (pairs and a single block after
                    // them), each with and without a partial block.
                    let per = spread.per;
                    let counts: &[usize] = if cfg!(miri) {
                        &[0, per + 1, 2 * per + 1, 3 * per]
                    } else {
                        &[0, 1, 2, per, per + 1, 2 * per, 2 * per + 1, 3 * per, 67]
                    };
                    for (&at, &n) in starts
                        .iter()
                        .flat_map(|at| counts.iter().map(move |n| (at, n)))
                    {
                        let row = n * stride + 3;
                        let src: Vec<u8> =
                            (0..64 + at + 2 * row).map(|i| (i * 7 + 1) as u8).collect();
                        let start = src.as_ptr().align_offset(64) + at;
                        let mut got = vec![0xeeu8; 2 * n * size + 9];
                        // SAFETY: two rows of `n` items of `size` bytes, `stride` apart, from
                        // `start` and `start + row`, inside `src`; `2 * n * size` bytes of `got`
                        // from 0; distinct vectors.
                        unsafe {
                            spread.copy(
                                got.as_mut_ptr(),
                                src.as_ptr().add(start),
                                (2, (n * size) as isize, row as isize),
                                n,
                            )
                        };
                        let mut want = vec![0xeeu8; 2 * n * size + 9];
                        for (k, out) in want.chunks_mut(size).take(2 * n).enumerate() {
                            let from = start + (k / n) * row + (k % n) * stride;
                            out.copy_from_slice(&src[from..from + size]);
                            if reverse {
                                out.reverse();
                            }
                        }
                        assert_eq!(
                            got, want,
                            "size {size}, stride {stride}, {n} items from {at}, reverse {reverse}"
                        );
                    }
                }
            }
        }
    }
}
