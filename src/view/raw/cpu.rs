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
    /// Do the work. Implementations mark it `#[inline(always)]`.
    fn run(self) -> Self::Output;
}

/// Runs `kernel` compiled with AVX2 (32-byte shuffles and adds) or else SSSE3 enabled when the
/// running CPU has it (x86-64), else as is.
#[inline]
pub(crate) fn with_byte_shuffles<K: Kernel>(kernel: K) -> K::Output {
    #[cfg(target_arch = "x86_64")]
    {
        #[target_feature(enable = "avx2")]
        fn avx2<K: Kernel>(kernel: K) -> K::Output {
            kernel.run()
        }
        #[target_feature(enable = "ssse3")]
        fn ssse3<K: Kernel>(kernel: K) -> K::Output {
            kernel.run()
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
    kernel.run()
}

#[cfg(test)]
mod tests {
    /// Both paths give the kernel's answer (the feature changes code generation only).
    #[test]
    fn runs_the_kernel_once() {
        struct Swaps<'a>(&'a mut i32);
        impl super::Kernel for Swaps<'_> {
            type Output = u64;
            #[inline(always)]
            fn run(self) -> u64 {
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
