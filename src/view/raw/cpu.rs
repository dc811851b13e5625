//! Code compiled for CPU features beyond the target's baseline, chosen at run time.
//!
//! Byte-swapping loops are where this pays: the default `x86_64` target has SSE2 only, which
//! has no byte shuffle, so LLVM swaps one element at a time (`bswap` in a general register and
//! a move back), and a byte-swapped sum runs ~5× slower than the native one. The same safe
//! loop compiled with SSSE3 swaps two doubles per `pshufb` (with AVX2, four per `vpshufb`) and
//! keeps pace with the native sum.
//! The code is the same either way — only the instructions chosen differ — so results are bit
//! for bit the same (no floating-point reassociation is enabled by a target feature).
//!
//! Under Miri, `is_x86_feature_detected!` reports only the features enabled at compile time,
//! so the plain path is the one checked there; the AVX2 and SSSE3 paths differ only in code
//! generation.

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
pub struct Shuffles(());

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
            kernel.run(Some(Shuffles(())))
        }
        #[target_feature(enable = "ssse3")]
        fn ssse3<K: Kernel>(kernel: K) -> K::Output {
            kernel.run(Some(Shuffles(())))
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
