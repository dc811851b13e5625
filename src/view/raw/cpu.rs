//! Code compiled for CPU features beyond the target's baseline, chosen at run time.
//!
//! Byte-swapping loops are where this pays: the default `x86_64` target has SSE2 only, which
//! has no byte shuffle, so LLVM swaps one element at a time (`bswap` in a general register and
//! a move back), and a byte-swapped sum runs ~5× slower than the native one. The same safe
//! loop compiled with SSSE3 swaps two doubles per `pshufb`. Where LLVM's choice still falls
//! short, a few loops are written with intrinsics: loads swapped in a vector register
//! ([`Shuffles::swapped_f64`]), a sum's eight lanes in two 32-byte registers
//! ([`Shuffles::swapped_f64_lanes`]), a row swapped in place 32 bytes at a time
//! ([`reverse_each`]). Each adds the same values in the same order as the plain code — only
//! the instructions differ — so results are bit for bit the same (no floating-point
//! reassociation is enabled by a target feature).
//!
//! Under Miri, `is_x86_feature_detected!` reports only the features enabled at compile time,
//! so the plain path is the one checked there; the tests compare the AVX2 and SSSE3 paths
//! with the plain answers on the real CPU.

/// Work for [`with_byte_shuffles`]: a value holding its inputs, whose `run` is
/// `#[inline(always)]` (as should be what it calls), so that it is compiled into the SSSE3
/// function. A closure does not do: it is a function of its own, which codegen may place in
/// another unit and call out of line (it did: the sum stayed on SSE2 shuffles).
pub(crate) trait Kernel {
    /// What the work gives.
    type Output;
    /// Do the work, with `shuffles` when the running CPU has byte shuffles. Implementations
    /// mark it `#[inline(always)]`.
    fn run(self, shuffles: Option<Shuffles>) -> Self::Output;
}

/// Proof that the running CPU has SSSE3's byte shuffle (`pshufb`): made only by
/// [`with_byte_shuffles`], after detecting it, for the kernel it runs.
///
/// LLVM swaps a lone float (a strided one, which no loop vectorises) in a general register
/// (`bswap`) and moves it to a vector register (`movq`) even with SSSE3 enabled; on AMD Zen 5
/// that made the byte-swapped sum of `::2` doubles 1.3x the native one (0.64 against 0.49
/// ns per element), while loading it straight into a vector register and swapping it there
/// with `pshufb` runs at the native speed.
#[derive(Clone, Copy, Debug)]
pub struct Shuffles {
    /// Whether the running CPU also has AVX2 (32-byte shuffles and adds).
    wide: bool,
}

impl Shuffles {
    /// The first 8 bytes of `raw` as an `f64` stored in the other byte order. Panics if `raw`
    /// is shorter (as `Sealed::load` does).
    #[inline(always)]
    pub(crate) fn swapped_f64(self, raw: &[u8]) -> f64 {
        let bytes: &[u8; 8] = front(raw);
        #[cfg(target_arch = "x86_64")]
        {
            use std::arch::x86_64::*;
            let _ = self;
            // SAFETY: `_mm_loadl_epi64` reads 8 bytes, with no alignment requirement, from
            // `bytes`, which holds 8; `_mm_shuffle_epi8` needs SSSE3, which `self` proves the
            // running CPU has (`with_byte_shuffles` detected it before making a `Shuffles`);
            // the rest is SSE2, the x86-64 baseline.
            unsafe {
                let v = _mm_loadl_epi64(bytes.as_ptr().cast::<__m128i>());
                let order = _mm_set_epi8(-1, -1, -1, -1, -1, -1, -1, -1, 0, 1, 2, 3, 4, 5, 6, 7);
                _mm_cvtsd_f64(_mm_castsi128_pd(_mm_shuffle_epi8(v, order)))
            }
        }
        #[cfg(not(target_arch = "x86_64"))]
        {
            let _ = self;
            f64::from_bits(u64::from_ne_bytes(*bytes).swap_bytes())
        }
    }

    /// The first 4 bytes of `raw` as an `f32` stored in the other byte order, as
    /// [`swapped_f64`](Self::swapped_f64).
    #[inline(always)]
    pub(crate) fn swapped_f32(self, raw: &[u8]) -> f32 {
        let bytes: &[u8; 4] = front(raw);
        #[cfg(target_arch = "x86_64")]
        {
            use std::arch::x86_64::*;
            let _ = self;
            // SAFETY: `_mm_loadu_si32` reads 4 bytes, with no alignment requirement, from
            // `bytes`, which holds 4; SSSE3 as in `swapped_f64`.
            unsafe {
                let v = _mm_loadu_si32(bytes.as_ptr());
                let order =
                    _mm_set_epi8(-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, 0, 1, 2, 3);
                _mm_cvtss_f32(_mm_castsi128_ps(_mm_shuffle_epi8(v, order)))
            }
        }
        #[cfg(not(target_arch = "x86_64"))]
        {
            let _ = self;
            f32::from_bits(u32::from_ne_bytes(*bytes).swap_bytes())
        }
    }
}

/// How far ahead of the block being added [`Shuffles::swapped_f64_lanes`] prefetches (bytes),
/// and about how far along its row the byte-swapped sum of a strided row does. Measured on an
/// Intel Xeon, byte-swapped sums of `f64` views against no prefetch (criterion, old and new
/// builds interleaved, two runs each): contiguous 0.92-0.96x the time at 256² doubles,
/// 0.94-0.99x at 2048² (32 MiB; then 0.98-1.00x the native sum's time, where it had been
/// 1.04-1.11x), 0.84-0.86x at 8192×4096; `::2` 0.98x at 1024², 0.69-0.75x at 4096²,
/// 0.91-0.92x at 8192×4096. 512 bytes gained less, 4096 bytes nothing at 8192×4096. (`f32`
/// sums take the same prefetches, not measured separately.)
pub(crate) const SUM_AHEAD: usize = 2048;

/// Ask the CPU to bring the line holding `p` into its caches (nothing off x86-64): a hint for
/// a loop that will read there soon.
#[inline(always)]
pub(crate) fn prefetch(p: *const u8) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: a prefetch is a hint: it accesses no memory the program can observe and never
    // faults, whatever the address.
    unsafe {
        std::arch::x86_64::_mm_prefetch::<{ std::arch::x86_64::_MM_HINT_T0 }>(p.cast())
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = p;
}

/// The eight partial sums of `ndarray`'s unrolled sum (lane `k` adds elements `k`, `k + 8`,
/// ... in order, from zero) over the whole 8-element blocks of `bytes`, elements stored in the
/// other byte order, with four doubles or eight floats per AVX2 add; `None` without AVX2.
///
/// LLVM vectorises the same loop with SSE registers, two lanes each: with the shuffles, 1.1-1.25x
/// the native sum's time (AMD Zen 5) though both wait on the same chains of adds; a 32-byte
/// shuffle and add per four lanes halves the instructions around those chains. Each lane adds
/// the same values in the same order either way, so the bits are the same. Each block first
/// prefetches the line [`SUM_AHEAD`] bytes on.
macro_rules! swapped_lanes {
    ($name:ident, $t:ty, $n:literal, $setzero:ident, $add:ident, $cast:ident, $store:ident) => {
        #[doc = concat!("Partial sums of `", stringify!($t), "`s; see `swapped_lanes`.")]
        #[inline(always)]
        pub(crate) fn $name(self, bytes: &[u8]) -> Option<[$t; 8]> {
            #[cfg(target_arch = "x86_64")]
            if self.wide {
                #[target_feature(enable = "avx2")]
                fn lanes(bytes: &[u8]) -> [$t; 8] {
                    use std::arch::x86_64::*;
                    const PER: usize = 32 / $n;
                    let order = reversing_order($n);
                    let mut acc = [$setzero(); 8 / PER];
                    // SAFETY: every load reads 32 bytes, unaligned, from a slice that holds
                    // them (`order`, or a 32-byte chunk of a block); AVX2 is enabled here, and
                    // the running CPU has it (`with_byte_shuffles` detected it before making
                    // a wide `Shuffles`).
                    unsafe {
                        let order = _mm256_loadu_si256(order.as_ptr().cast());
                        for block in bytes.as_chunks::<{ 8 * $n }>().0 {
                            prefetch(block.as_ptr().wrapping_add(SUM_AHEAD));
                            for (a, part) in acc.iter_mut().zip(block.as_chunks::<32>().0) {
                                let v = _mm256_loadu_si256(part.as_ptr().cast());
                                *a = $add(*a, $cast(_mm256_shuffle_epi8(v, order)));
                            }
                        }
                        let mut out = [0.0; 8];
                        for (a, part) in acc.iter().zip(out.as_chunks_mut::<PER>().0) {
                            $store(part.as_mut_ptr(), *a);
                        }
                        out
                    }
                }
                // SAFETY: the running CPU has AVX2 (`wide`: detected by `with_byte_shuffles`).
                return Some(unsafe { lanes(bytes) });
            }
            let _ = (self, bytes);
            None
        }
    };
}

impl Shuffles {
    swapped_lanes!(
        swapped_f64_lanes,
        f64,
        8,
        _mm256_setzero_pd,
        _mm256_add_pd,
        _mm256_castsi256_pd,
        _mm256_storeu_pd
    );
    swapped_lanes!(
        swapped_f32_lanes,
        f32,
        4,
        _mm256_setzero_ps,
        _mm256_add_ps,
        _mm256_castsi256_ps,
        _mm256_storeu_ps
    );
}

/// The `pshufb` control that reverses the bytes of every `n`-byte item (`n` divides 16) of a
/// 16- or 32-byte register: within each 16-byte lane, byte `i` takes the byte at the mirror
/// of its position in its item.
#[cfg(target_arch = "x86_64")]
#[inline(always)]
pub(crate) fn reversing_order(n: usize) -> [u8; 32] {
    std::array::from_fn(|i| {
        let lane = i % 16;
        (lane / n * n + (n - 1 - lane % n)) as u8
    })
}

/// The first `N` bytes of `raw` as an array reference; panics if `raw` is shorter.
#[inline(always)]
fn front<const N: usize>(raw: &[u8]) -> &[u8; N] {
    match raw.first_chunk() {
        Some(bytes) => bytes,
        None => panic!("{N} bytes to load, {} given", raw.len()),
    }
}

/// Runs `kernel` compiled with AVX2 (32-byte shuffles and adds) or else SSSE3 enabled when the
/// running CPU has it (x86-64), else as is.
#[inline]
pub(crate) fn with_byte_shuffles<K: Kernel>(kernel: K) -> K::Output {
    #[cfg(target_arch = "x86_64")]
    {
        #[target_feature(enable = "avx2")]
        fn avx2<K: Kernel>(kernel: K) -> K::Output {
            kernel.run(Some(Shuffles { wide: true }))
        }
        #[target_feature(enable = "ssse3")]
        fn ssse3<K: Kernel>(kernel: K) -> K::Output {
            kernel.run(Some(Shuffles { wide: false }))
        }
        if std::arch::is_x86_feature_detected!("avx2") {
            // SAFETY: the only requirement for calling a `#[target_feature(enable = "avx2")]`
            // function is that the running CPU supports AVX2 (and what it implies), which was
            // detected just above. `avx2` itself is safe code (it runs the kernel).
            return unsafe { avx2(kernel) };
        }
        if std::arch::is_x86_feature_detected!("ssse3") {
            // SAFETY: the only requirement for calling a `#[target_feature(enable = "ssse3")]`
            // function is that the running CPU supports SSSE3, which was detected just above.
            // `ssse3` itself is safe code (it runs the kernel), so nothing else is assumed.
            return unsafe { ssse3(kernel) };
        }
    }
    kernel.run(None)
}

/// Runs `kernel` compiled with AVX-512 (F, BW, VL, DQ: 64-byte registers, conversions between
/// 64-bit integers and floats) when the running CPU has it, else as
/// [`with_byte_shuffles`] does. For loops that gain from the width: converting runs of
/// scalars (32-bit integers to doubles on AMD Zen 5, 16 Ki items converted in runs: 1.6 µs
/// on SSE2, 0.9 µs on AVX2, 0.6 µs on AVX-512). Kept apart from `with_byte_shuffles`, whose
/// sums were measured with AVX2.
#[inline]
pub(crate) fn with_wide_vectors<K: Kernel>(kernel: K) -> K::Output {
    #[cfg(target_arch = "x86_64")]
    {
        #[target_feature(enable = "avx2,avx512f,avx512bw,avx512vl,avx512dq")]
        fn avx512<K: Kernel>(kernel: K) -> K::Output {
            kernel.run(Some(Shuffles { wide: true }))
        }
        if detected!("avx2")
            && detected!("avx512f")
            && detected!("avx512bw")
            && detected!("avx512vl")
            && detected!("avx512dq")
        {
            // SAFETY: the only requirement for calling a `#[target_feature]` function is that
            // the running CPU supports the features it enables, detected just above. `avx512`
            // itself is safe code (it runs the kernel).
            return unsafe { avx512(kernel) };
        }
    }
    with_byte_shuffles(kernel)
}

/// Reverses the bytes of each `N`-byte item of `bytes` (a byte-order change of a run of
/// scalars), 32 bytes per AVX2 `vpshufb` when the running CPU has it; a last part shorter
/// than `N` is left as it is.
///
/// After a plain gather of a large source, this costs less than swapping each item as it is
/// gathered: `[::2, ::2]` of doubles from an 8 MiB source, swapped over plain, 1.21x with
/// MOVBE loads, 1.18x as a plain gather and this pass (the pass alone ~0.2 cycles an item).
pub(crate) fn reverse_each<const N: usize>(bytes: &mut [u8]) {
    #[inline(always)]
    fn plain<const N: usize>(bytes: &mut [u8]) {
        for item in bytes.as_chunks_mut::<N>().0 {
            item.reverse();
        }
    }
    #[cfg(target_arch = "x86_64")]
    {
        #[target_feature(enable = "avx2")]
        fn avx2<const N: usize>(bytes: &mut [u8]) {
            use std::arch::x86_64::*;
            let order = reversing_order(N);
            let (blocks, rest) = bytes.as_chunks_mut::<32>();
            // SAFETY: `order` holds 32 bytes, read unaligned; AVX2 is enabled here (and the
            // running CPU has it: `reverse_each` detected it before calling).
            let order = unsafe { _mm256_loadu_si256(order.as_ptr().cast()) };
            for block in blocks {
                // SAFETY: `block` holds 32 bytes, read and written unaligned; AVX2 as above.
                unsafe {
                    let v = _mm256_loadu_si256(block.as_ptr().cast());
                    let v = _mm256_shuffle_epi8(v, order);
                    _mm256_storeu_si256(block.as_mut_ptr().cast(), v);
                }
            }
            plain::<N>(rest);
        }
        if N > 1 && 16 % N == 0 && std::arch::is_x86_feature_detected!("avx2") {
            // SAFETY: the only requirement for calling a `#[target_feature(enable = "avx2")]`
            // function is that the running CPU has AVX2, detected just above.
            return unsafe { avx2::<N>(bytes) };
        }
    }
    plain::<N>(bytes);
}

#[cfg(test)]
mod tests {
    /// The shuffled loads read what a plain byte swap reads, from any offset.
    #[test]
    fn shuffled_loads_swap_bytes() {
        struct Loads<'a>(&'a [u8]);
        impl super::Kernel for Loads<'_> {
            type Output = Vec<(u64, u32)>;
            #[inline(always)]
            fn run(self, shuffles: Option<super::Shuffles>) -> Self::Output {
                let Some(sh) = shuffles else {
                    return Vec::new();
                };
                (0..self.0.len() - 8)
                    .map(|i| {
                        let at = &self.0[i..];
                        (sh.swapped_f64(at).to_bits(), sh.swapped_f32(at).to_bits())
                    })
                    .collect()
            }
        }
        let bytes: Vec<u8> = (0..40u8).map(|i| i.wrapping_mul(73) ^ 0x5a).collect();
        let got = super::with_byte_shuffles(Loads(&bytes));
        for (i, &(d, f)) in got.iter().enumerate() {
            let want_d = u64::from_ne_bytes(bytes[i..i + 8].try_into().unwrap()).swap_bytes();
            let want_f = u32::from_ne_bytes(bytes[i..i + 4].try_into().unwrap()).swap_bytes();
            assert_eq!((d, f), (want_d, want_f), "offset {i}");
        }
        #[cfg(all(target_arch = "x86_64", not(miri)))]
        if std::arch::is_x86_feature_detected!("ssse3") {
            assert_eq!(got.len(), 32);
        }
    }

    /// Every whole item reversed, for each width and for lengths around the 32-byte blocks;
    /// a part shorter than an item left alone.
    #[test]
    fn reverse_each_reverses_every_item() {
        fn check<const N: usize>() {
            for len in [0, 1, N, 31, 32, 33, 64 + N, 95, 96, 100] {
                let bytes: Vec<u8> = (0..len as u8).map(|i| i.wrapping_mul(37) ^ 0xa5).collect();
                let mut got = bytes.clone();
                super::reverse_each::<N>(&mut got);
                let mut want = bytes.clone();
                for item in want.chunks_exact_mut(N) {
                    item.reverse();
                }
                assert_eq!(got, want, "{N} bytes, {len}");
            }
        }
        check::<2>();
        check::<4>();
        check::<8>();
        check::<16>();
        check::<3>();
    }

    /// Both paths give the kernel's answer (the feature changes code generation only).
    #[test]
    fn runs_the_kernel_once() {
        struct Swaps<'a>(&'a mut i32);
        impl super::Kernel for Swaps<'_> {
            type Output = u64;
            #[inline(always)]
            fn run(self, _: Option<super::Shuffles>) -> u64 {
                *self.0 += 1;
                (0..100u64)
                    .map(u64::swap_bytes)
                    .fold(0u64, u64::wrapping_add)
            }
        }
        let mut calls = 0;
        let v = super::with_byte_shuffles(Swaps(&mut calls));
        assert_eq!(calls, 1);
        assert_eq!(
            v,
            (0..100u64)
                .map(u64::swap_bytes)
                .fold(0u64, u64::wrapping_add)
        );
    }
}
