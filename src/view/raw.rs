//! The unsafe wall of the view layer: storage for a view's bytes and a [`Geometry`] proven to
//! stay inside it, the walkers and copy kernels that rely on that proof, and the spans of
//! `ndarray` arrays. Every `unsafe` block of the view layer is in this module or its
//! submodules ([`copy`](self::copy) holds the copy kernels, [`array`](self::array) the
//! `ndarray` spans and zero-copy arrays, [`cpu`](self::cpu) runs code compiled for CPU features
//! detected at run time; [`geometry`](self::geometry) is safe code).
//!
//! # The strided invariant
//!
//! A [`RawView`] holds a storage (a base pointer `buf`, a length `len` and a lifetime `'a`)
//! and a geometry `(offset, itemsize, shape, strides)`. Its fields are private to this module;
//! every value of the type satisfies:
//!
//! 1. `shape.len() == strides.len() <= MAX_NDIM` (64, CPython's `PyBUF_MAX_NDIM`).
//! 2. `itemsize >= 1`.
//! 3. The number of elements `Π shape[k]`, and `Π shape[k] * itemsize` (the view's `nbytes`),
//!    fit in `isize` without overflow.
//! 4. `offset <= len`.
//! 5. If no extent is zero: the two corner sums
//!    `lo = offset + Σ_{stride[k] < 0} (shape[k] - 1) * stride[k]` and
//!    `hi = offset + Σ_{stride[k] > 0} (shape[k] - 1) * stride[k]`, and every partial sum on the
//!    way, are computed without overflow in `isize`, and `0 <= lo` and `hi + itemsize <= len`.
//!    Every reachable element starts at `p = offset + Σ i[k] * stride[k]` with
//!    `0 <= i[k] < shape[k]`, and `lo <= p <= hi`, so its byte range `p .. p + itemsize` lies
//!    inside `buf .. buf + len`.
//!    More: any partial sum `offset + Σ_{k in S} i[k] * stride[k]` over a subset `S` of the
//!    axes also lies in `lo ..= hi`, so walking the indices one axis at a time never leaves
//!    that range.
//! 6. If some extent is zero, no element is reachable, and the strides are unconstrained
//!    (NumPy and CPython accept `shape [0, 3], strides [100, 100]` on any buffer).
//! 7. Indirect views (PEP 3118 suboffsets, PIL-style arrays of pointers) carry an
//!    [`Indirect`]: `D >= 1` dereferences and, for each axis, the *level* its stride is applied
//!    in (`0` = before the first dereference, `d` = after the `d`-th). An element's address is
//!    ```text
//!    p = buf + offset + Σ_{level[k] = 0} i[k] * stride[k]
//!    for d in 0..D:  p = *(p as *const *const u8) + suboffsets[d] + Σ_{level[k] = d+1} i[k] * stride[k]
//!    ```
//!    (PEP 3118's "a suboffset ≥ 0 on axis k: after applying axis k's stride, the bytes there
//!    hold a pointer; dereference it and add the suboffset" is the special case where the levels
//!    increase along the axes.) For such a view:
//!    - 7a. `level.len() == ndim`, `suboffsets.len() == D >= 1`, every level is `<= D`;
//!    - 7b. points 1–4 hold, and point 5 holds for the *level-0 axes only* with `itemsize`
//!      replaced by the size of a pointer: every pointer slot read at the first dereference
//!      lies inside `buf .. buf + len`;
//!    - 7c. (not checkable: promised by the caller of the one `unsafe` constructor,
//!      [`RawView::new_indirect`]) for every reachable index, every later pointer slot is
//!      valid for reading a pointer and the element's `itemsize` bytes are valid for reads
//!      (and, for [`Exclusive`] storage, writes) for `'a`, and no one else writes them
//!      meanwhile; for `Exclusive` storage they also lie outside `buf .. buf + len` and no one
//!      else accesses them at all.
//!
//!    Selecting and permuting axes of an indirect view only ever reaches a subset of the
//!    addresses the original reached, so 7c carries over to the result: those operations are
//!    done here ([`Geometry::select`], [`Geometry::permuted`]) rather than by re-validating.
//!    Indirect views are never contiguous, so nothing reshapes or casts them.
//! 8. **Storage.** `buf .. buf + len` lies inside one allocation (so `len <= isize::MAX` and
//!    every offset of point 5 is an in-bounds pointer offset), and the storage borrows bytes
//!    for `'a` in one of two ways, which it records:
//!    - 8a. *Whole buffer* (made from a `&'a [u8]` or `&'a mut [u8]`): every byte of
//!      `buf .. buf + len` is borrowed as that reference borrows it — valid for reads and
//!      written by no one else for [`Shared`], valid for reads and writes and accessed by no
//!      one else for [`Exclusive`].
//!    - 8b. *Elements only* (a span: made from an `ndarray` view whose elements leave gaps, or
//!      from a foreign buffer): only the **reached bytes** are borrowed as in 8a — for a direct
//!      view the bytes `p .. p + itemsize` of every reachable element, for an indirect one the
//!      pointer slots its level-0 axes reach. Nothing may be assumed about the other bytes of
//!      the span (the gaps between elements): they may be borrowed elsewhere, even mutably, so
//!      nothing here ever reads, writes or makes a reference covering them.
//!
//!    Every derived view reaches a subset of its parent's reached bytes, so 8b carries over:
//!    selections and permutations (point 7's argument), field projections (each new element
//!    lies inside one old element, checked by [`Geometry::project`]), and reshapes and casts of
//!    C-contiguous views (C-contiguous from the same offset over the same byte count: the same
//!    bytes, built so by [`Geometry::reshaped`] and [`Geometry::cast`]). A new geometry that is
//!    merely validated against `len` (a broadcast) is taken only by whole-buffer storage.
//!
//! Strides may be zero (an axis that repeats the same bytes, as NumPy's broadcasting does),
//! negative (reversed axes), and need **not** be multiples of the itemsize (a field view into a
//! packed struct is legal PEP 3118). Elements may overlap.
//!
//! ## Worked example
//!
//! A 12-byte buffer, `itemsize 2`, `shape [2, 3]`, `strides [6, -2]`, `offset 4`:
//!
//! ```text
//! index    [0,0] [0,1] [0,2] [1,0] [1,1] [1,2]
//! start      4     2     0    10     8     6        = 4 + 6*i0 - 2*i1
//! lo = 4 + (3-1)*(-2) = 0 >= 0;  hi = 4 + (2-1)*6 = 10;  hi + itemsize = 12 <= 12  -> valid
//! ```
//!
//! The same buffer with `shape [3, 2]`, `strides [0, 2]`, `offset 8` repeats bytes `8..12`
//! three times (`lo = 8`, `hi = 10`, `hi + 2 = 12`). With `offset 9` it is invalid (`hi + 2 = 13`),
//! and with `shape [0, 2]` any strides are valid. As an elements-only span (8b), the second
//! view borrows bytes `8..12` and nothing else; selecting `[:, 1]` from it leaves `10..12`.
//!
//! # What relies on it
//!
//! The walkers below ([`RawView::items`], [`RawView::rows`] for the typed path,
//! [`RawView::for_each_item_mut`]) and the copy kernels compute positions with plain
//! arithmetic and make slices of the reached bytes with `from_raw_parts`; points 5 and 8 are
//! what make that sound. For indirect views they follow the pointers (point 7) and build each
//! element's slice from the pointer. Everything outside this module is safe code that can
//! only build a direct `RawView` through the checked [`RawView::new`]; indirect ones come only
//! from the `unsafe` [`RawView::new_indirect`] and from selections of existing views, span
//! storage only from the `unsafe` [`Shared::from_span`] / [`Exclusive::from_span`] and the
//! `ndarray` spans of [`array`](self::array).

/// Whether the running CPU has the x86 feature `$name` (`false` on other architectures).
/// (Defined before the submodules, so that the copy kernels and the masked ones share it.)
macro_rules! detected {
    ($name:tt) => {{
        #[cfg(target_arch = "x86_64")]
        {
            std::arch::is_x86_feature_detected!($name)
        }
        #[cfg(not(target_arch = "x86_64"))]
        {
            false
        }
    }};
}

pub(crate) mod array;
mod axes;
pub(crate) mod copy;
pub(crate) mod cpu;
mod geometry;
mod masked;

use std::fmt;
use std::marker::PhantomData;
use std::ptr::{self, NonNull};

use super::error::ViewError;
use super::select::SliceArg;
use sealed::Sealed as _;

pub(crate) use axes::Axes;
pub use geometry::MAX_NDIM;
pub(crate) use geometry::{reversed, AxisOp, Geometry, Indirect};

// ---------------------------------------------------------------------------------------------
// Storage (invariant 8).
// ---------------------------------------------------------------------------------------------

/// The storage of a read-only view ([`MemoryView`](crate::MemoryView)): shared access to bytes
/// for `'a` — a whole `&'a [u8]`, or only the bytes of the view's elements (see
/// [`ViewBase`](crate::view::ViewBase)). Copying it copies the borrow, as for `&'a [u8]`.
#[derive(Clone, Copy)]
pub struct Shared<'a> {
    buf: NonNull<u8>,
    len: usize,
    whole: bool,
    life: PhantomData<&'a [u8]>,
}

/// The storage of a writable view ([`MemoryViewMut`](crate::MemoryViewMut)): exclusive access
/// to bytes for `'a` — a whole `&'a mut [u8]`, or only the bytes of the view's elements.
pub struct Exclusive<'a> {
    buf: NonNull<u8>,
    len: usize,
    whole: bool,
    life: PhantomData<&'a mut [u8]>,
}

// SAFETY: a `Shared<'a>` grants exactly what a `&'a [u8]` grants over the bytes it borrows
// (invariant 8), and `&[u8]` is `Send` and `Sync`.
unsafe impl Send for Shared<'_> {}
// SAFETY: as for `Send`.
unsafe impl Sync for Shared<'_> {}
// SAFETY: an `Exclusive<'a>` grants exactly what a `&'a mut [u8]` grants over the bytes it
// borrows (invariant 8), and `&mut [u8]` is `Send` and `Sync`.
unsafe impl Send for Exclusive<'_> {}
// SAFETY: as for `Send`; through `&Exclusive` only reads are possible.
unsafe impl Sync for Exclusive<'_> {}

impl<'a> Shared<'a> {
    /// Storage that borrows all of `bytes` (8a).
    pub(crate) fn from_slice(bytes: &'a [u8]) -> Shared<'a> {
        Shared {
            buf: NonNull::from(bytes).cast(),
            len: bytes.len(),
            whole: true,
            life: PhantomData,
        }
    }

    /// Storage that borrows only the reached bytes of the views built on it (8b).
    ///
    /// # Safety
    /// `buf .. buf + len` lies inside one allocation, and the reached bytes of every view that
    /// will be built on this storage (checked against `len` by [`RawView::new`]) are valid for
    /// reads for `'a` and written by no one meanwhile.
    pub(crate) unsafe fn from_span(buf: NonNull<u8>, len: usize) -> Shared<'a> {
        Shared {
            buf,
            len,
            whole: false,
            life: PhantomData,
        }
    }
}

impl<'a> Exclusive<'a> {
    /// Storage that borrows all of `bytes` (8a).
    pub(crate) fn from_slice(bytes: &'a mut [u8]) -> Exclusive<'a> {
        let len = bytes.len();
        Exclusive {
            buf: NonNull::from(bytes).cast(),
            len,
            whole: true,
            life: PhantomData,
        }
    }

    /// Storage that borrows only the reached bytes of the views built on it (8b), writably.
    ///
    /// # Safety
    /// `buf .. buf + len` lies inside one allocation, `buf` may be written through, and the
    /// reached bytes of every view that will be built on this storage are valid for reads and
    /// writes for `'a` and accessed by no one else meanwhile.
    pub(crate) unsafe fn from_span(buf: NonNull<u8>, len: usize) -> Exclusive<'a> {
        Exclusive {
            buf,
            len,
            whole: false,
            life: PhantomData,
        }
    }
}

impl<'a, B: AsRef<[u8]> + ?Sized> From<&'a B> for Shared<'a> {
    /// All of the bytes of a `&[u8]`, `&Vec<u8>`, `&[u8; N]`, ...
    fn from(bytes: &'a B) -> Shared<'a> {
        Shared::from_slice(bytes.as_ref())
    }
}

impl<'a, B: AsMut<[u8]> + ?Sized> From<&'a mut B> for Exclusive<'a> {
    /// All of the bytes of a `&mut [u8]`, `&mut Vec<u8>`, `&mut [u8; N]`, ...
    fn from(bytes: &'a mut B) -> Exclusive<'a> {
        Exclusive::from_slice(bytes.as_mut())
    }
}

impl fmt::Debug for Shared<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        debug_storage(f, "Shared", self.len, self.whole)
    }
}

impl fmt::Debug for Exclusive<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        debug_storage(f, "Exclusive", self.len, self.whole)
    }
}

fn debug_storage(f: &mut fmt::Formatter<'_>, name: &str, len: usize, whole: bool) -> fmt::Result {
    f.debug_struct(name)
        .field("len", &len)
        .field("borrows", &if whole { "buffer" } else { "elements" })
        .finish()
}

pub(crate) mod sealed {
    use super::{Exclusive, Shared};
    use std::ptr::NonNull;

    /// The crate-private part of [`Storage`](super::Storage).
    pub trait Sealed {
        /// `(buf, len, whole)` (invariant 8).
        fn parts(&self) -> (NonNull<u8>, usize, bool);
    }

    impl Sealed for Shared<'_> {
        fn parts(&self) -> (NonNull<u8>, usize, bool) {
            (self.buf, self.len, self.whole)
        }
    }

    impl Sealed for Exclusive<'_> {
        fn parts(&self) -> (NonNull<u8>, usize, bool) {
            (self.buf, self.len, self.whole)
        }
    }

    /// The crate-private part of [`Lend`](super::Lend).
    pub trait Lends<'s, 'l> {
        /// Shared storage of the same bytes for `'l`.
        fn lend(&'s self) -> Shared<'l>;
    }
}

/// How a view holds its bytes: [`Shared`] (a [`MemoryView`](crate::MemoryView)) or
/// [`Exclusive`] (a [`MemoryViewMut`](crate::MemoryViewMut)). Sealed.
pub trait Storage: sealed::Sealed {
    /// Whether a view with this storage is read-only.
    const READONLY: bool;
}

impl Storage for Shared<'_> {
    const READONLY: bool = true;
}

impl Storage for Exclusive<'_> {
    const READONLY: bool = false;
}

/// `S: Lend<'s, 'l>`: a view with storage `S`, borrowed for `'s`, lends its bytes read-only
/// for `'l`. A [`MemoryView<'a>`](crate::MemoryView) lends them for its whole `'a` (shared
/// bytes stay shared, however briefly the view itself is borrowed), so `m.select(..)`,
/// `m.as_array()`, `m.buffer()` outlive `m`; a [`MemoryViewMut`](crate::MemoryViewMut) lends
/// them only for `'s`, the borrow of the view, after which it may write again. Sealed; the
/// read methods of [`ViewBase`](crate::view::ViewBase) carry it as `where S: Lend<'s, 'l>`,
/// and the compiler picks `'l`.
pub trait Lend<'s, 'l>: Storage + sealed::Lends<'s, 'l> {}

impl<'s, 'l, S: Storage + sealed::Lends<'s, 'l>> Lend<'s, 'l> for S {}

impl<'s, 'a: 's> sealed::Lends<'s, 'a> for Shared<'a> {
    fn lend(&'s self) -> Shared<'a> {
        *self
    }
}

impl<'s, 'a: 's> sealed::Lends<'s, 's> for Exclusive<'a> {
    fn lend(&'s self) -> Shared<'s> {
        // A shared reborrow of the exclusive bytes for `'s`, as `&*r` of a `&mut [u8]`.
        Shared {
            buf: self.buf,
            len: self.len,
            whole: self.whole,
            life: PhantomData,
        }
    }
}

impl<'a> Exclusive<'a> {
    /// A writable reborrow for the borrow of `self`, as `&mut *r` of a `&mut [u8]`.
    fn reborrow(&mut self) -> Exclusive<'_> {
        Exclusive {
            buf: self.buf,
            len: self.len,
            whole: self.whole,
            life: PhantomData,
        }
    }

    /// Give up writing, for all of `'a`.
    fn into_shared(self) -> Shared<'a> {
        Shared {
            buf: self.buf,
            len: self.len,
            whole: self.whole,
            life: PhantomData,
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The view.
// ---------------------------------------------------------------------------------------------

/// The start of the element at `index` of an indirect view: invariant 7's address formula.
///
/// # Safety
///
/// `buf` is the base of the storage of a [`RawView`] whose geometry is `g` (so invariants 1–8
/// hold), `g.indirect` is `ind`, and `index[k] < g.shape[k]` for every axis.
unsafe fn indirect_address(
    buf: *const u8,
    g: &Geometry,
    ind: &Indirect,
    index: &[usize],
) -> *const u8 {
    let sum = |level: usize| {
        index
            .iter()
            .zip(&g.strides)
            .zip(&ind.level)
            .filter(|&(_, &l)| l == level)
            .fold(0isize, |a, ((&i, &s), _)| {
                a.wrapping_add((i as isize).wrapping_mul(s))
            })
    };
    let mut p = buf.wrapping_add(g.offset).wrapping_offset(sum(0));
    for (d, &sub) in ind.suboffsets.iter().enumerate() {
        // SAFETY: for `d == 0`, `p` is a pointer slot reached by the level-0 axes, inside the
        // storage by 7b and borrowed by 8; for `d > 0` it is a later slot, valid for reading a
        // pointer by 7c. `read_unaligned` keeps the stored pointer's provenance and needs no
        // alignment.
        let q = unsafe { ptr::read_unaligned(p as *const *const u8) };
        p = q.wrapping_offset(sub.wrapping_add(sum(d + 1)));
    }
    p
}

/// A storage and a geometry that satisfy the invariant in the module docs.
#[derive(Clone, Debug)]
pub(crate) struct RawView<S> {
    store: S,
    geom: Geometry,
}

/// A view derived from another over the same bytes ([`RawView::lend_derived`],
/// [`RawView::reborrow_derived`]).
#[derive(Clone, Copy, Debug)]
pub(crate) enum Derivation<'p> {
    /// A selection plan ([`Geometry::select`]).
    Select(&'p [AxisOp]),
    /// A selection, resolved as it is applied ([`Geometry::select_args`]).
    SelectArgs(&'p [SliceArg]),
    /// An axis permutation ([`Geometry::permuted`]).
    Permute(&'p [usize]),
    /// The axes reversed.
    Transpose,
    /// NumPy's `broadcast_to` ([`Geometry::broadcast_to`]).
    Broadcast(&'p [usize]),
    /// A part of each element ([`Geometry::project`]).
    Project {
        /// Offset of the part inside the item.
        offset: usize,
        /// Size of one element of the part.
        itemsize: usize,
        /// A sub-array's shape.
        shape: &'p [usize],
        /// A sub-array's strides.
        strides: &'p [isize],
    },
    /// A new shape of a C-contiguous view ([`Geometry::reshaped`]).
    Reshape(&'p [usize]),
    /// A C-contiguous view's bytes as items of another size ([`Geometry::cast`]).
    Cast {
        /// The new itemsize.
        itemsize: usize,
        /// The new shape (1-D when `None`).
        shape: Option<&'p [usize]>,
    },
}

impl<S: Storage> RawView<S> {
    /// Validate a direct `geom` against the storage (invariants 1–6), then wrap them. An
    /// indirect geometry is refused: only [`Self::new_indirect`] and selections make those.
    /// Elements-only storage (8b) promised its reached bytes for whatever view is built on
    /// it, so this holds for it too.
    #[inline]
    pub(crate) fn new(store: S, geom: Geometry) -> Result<Self, ViewError> {
        if let Some(ind) = &geom.indirect {
            return Err(ViewError::SuboffsetsInvalid {
                suboffsets: ind.suboffsets.clone(),
            });
        }
        geom.validate(store.parts().1)?;
        // SAFETY: `validate` checked invariants 1–6 for the storage's length, 7 does not apply,
        // and 8 holds for every storage value.
        Ok(unsafe { Self::new_unchecked(store, geom) })
    }

    /// Validate what can be checked of an indirect (or direct) `geom` (invariants 1–6, 7a,
    /// 7b), then wrap them.
    ///
    /// # Safety
    ///
    /// Invariant 7c: for every index inside the shape, every pointer slot after the first
    /// (level-0) one is valid for reading a pointer, and the element's `itemsize` bytes are
    /// valid for reads — and, for [`Exclusive`] storage, for writes — for the storage's
    /// lifetime, and no one else writes them meanwhile; for `Exclusive` storage they also lie
    /// outside the storage's bytes and no one else accesses them at all.
    pub(crate) unsafe fn new_indirect(store: S, geom: Geometry) -> Result<Self, ViewError> {
        geom.validate(store.parts().1)?;
        // SAFETY: 1–6, 7a and 7b were just checked; 7c is this function's contract.
        Ok(unsafe { Self::new_unchecked(store, geom) })
    }

    /// Wrap `store` and `geom` without checking.
    ///
    /// # Safety
    ///
    /// `geom` must satisfy invariants 1–8 of the module docs for `store`.
    #[inline]
    unsafe fn new_unchecked(store: S, geom: Geometry) -> Self {
        debug_assert_eq!(geom.validate(store.parts().1), Ok(()));
        RawView { store, geom }
    }

    /// The geometry (proven valid for the storage).
    pub(crate) fn geom(&self) -> &Geometry {
        &self.geom
    }

    /// The storage's base pointer: where offset 0 is (for exports, which hand it on).
    pub(crate) fn base(&self) -> *const u8 {
        self.store.parts().0.as_ptr()
    }

    /// The length of the storage's span.
    pub(crate) fn span_len(&self) -> usize {
        self.store.parts().1
    }

    /// Whether the storage borrows its whole buffer (8a) rather than the elements only (8b).
    pub(crate) fn borrows_whole(&self) -> bool {
        self.store.parts().2
    }

    /// The bytes of a C-contiguous (with `fortran`, F-contiguous) direct view as one slice,
    /// its elements in that order (empty for an empty view), `None` otherwise.
    ///
    /// # Safety
    /// The storage's bytes are borrowed for reads for `'b` (`'a` of `Shared<'a>`, or the
    /// borrow of `self`).
    #[inline]
    pub(crate) unsafe fn lying_bytes<'b>(&self, fortran: bool) -> Option<&'b [u8]> {
        let g = &self.geom;
        let lies = if fortran {
            g.is_f_contiguous()
        } else {
            g.is_c_contiguous()
        };
        if !lies {
            return None;
        }
        if g.shape.contains(&0) {
            return Some(&[]);
        }
        // SAFETY: a non-empty C- or F-contiguous direct view's elements (`is_*_contiguous` is
        // false for an indirect one) tile `offset .. offset + nbytes` exactly, so these are
        // reached bytes (5), borrowed for reads for `'b` (the caller's word).
        Some(unsafe { std::slice::from_raw_parts(self.base().wrapping_add(g.offset), g.nbytes()) })
    }

    /// A shared view of the same bytes and geometry, for the borrow of `self`.
    pub(crate) fn shared(&self) -> RawView<Shared<'_>> {
        let (buf, len, whole) = self.store.parts();
        // SAFETY: the same bytes, borrowed as `self` borrows them but shared and only for the
        // borrow of `self` (during which nothing can write through `self`), and the same
        // geometry, so 1–8 hold.
        unsafe {
            RawView::new_unchecked(
                Shared {
                    buf,
                    len,
                    whole,
                    life: PhantomData,
                },
                self.geom.clone(),
            )
        }
    }

    /// A shared view of the same bytes and geometry for `'l` (see [`Lend`]).
    pub(crate) fn lend<'s, 'l>(&'s self) -> RawView<Shared<'l>>
    where
        S: Lend<'s, 'l>,
    {
        // SAFETY: `lend` gives shared storage of the same bytes for `'l` (the whole `'a` of a
        // shared view, or the borrow of an exclusive one), so 1–8 still hold.
        unsafe { RawView::new_unchecked(self.store.lend(), self.geom.clone()) }
    }

    /// The geometry a derivation gives, whether it reaches a subset of this view's reached
    /// bytes (so that elements-only storage may take it), and whether it is valid by
    /// construction (so that it need not be validated again).
    #[inline]
    fn derived_geometry(&self, d: Derivation<'_>) -> Result<(Geometry, bool, bool), ViewError> {
        let g = &self.geom;
        Ok(match d {
            // A selection or permutation reaches a subset of the addresses (point 7's
            // argument, and 8b). Valid by construction: a kept axis of extent >= 2 steps
            // `stride * step` with `|step| * (len - 1) <= n - 1`, which cannot overflow; and
            // every partial sum of the new geometry, added to its offset, is a full position
            // of this view (the axes left out sit at their slice's start), so inside
            // `lo ..= hi` (5); the element count does not grow (3); `select` checks the
            // dimension count (1) and the offset (4).
            Derivation::Select(plan) => (g.select(plan)?, true, true),
            Derivation::SelectArgs(args) => (g.select_args(args)?, true, true),
            Derivation::Permute(axes) => (g.permuted(axes)?, true, true),
            // Reversing shape, strides and levels together permutes the terms of the sums in
            // 3, 5 and 7 and keeps 1, 2, 4 and 6: the same addresses.
            Derivation::Transpose => (reversed(g), true, true),
            // Every position of a broadcast is a position of this (direct) view, but the
            // element count may grow past `isize` (3): validated.
            Derivation::Broadcast(shape) => (g.broadcast_to(shape)?, true, false),
            // Each new element lies inside an old one (checked by `project`), so the corner
            // sums stay in `lo ..= hi` and `hi' + itemsize' <= hi + itemsize` (5), and the new
            // byte count is at most the old one (3).
            Derivation::Project {
                offset,
                itemsize,
                shape,
                strides,
            } => (g.project(offset, itemsize, shape, strides)?, true, true),
            // A reshape or cast of a C-contiguous view: C-contiguous from the same offset over
            // the same number of bytes (both checked by them), so exactly the same bytes (8b)
            // and valid by construction: 1, 2 and 3 are checked there (the new byte count is
            // the old one), the offset is kept (4), and the new elements reach `offset ..
            // offset + nbytes`, which the old ones reach (5, 6).
            Derivation::Reshape(shape) => (g.reshaped(shape)?, true, true),
            Derivation::Cast { itemsize, shape } => (g.cast(itemsize, shape)?, true, true),
        })
    }

    /// Wrap `store` (the same bytes as this view's, lent or reborrowed) and a derived `geom`:
    /// validated unless `valid` (valid by construction), and for elements-only storage only
    /// when `subset` holds.
    ///
    /// # Safety
    ///
    /// `store` borrows the same bytes as `self.store`, as `lend` or `reborrow` give them, and
    /// `(geom, subset, valid)` came from [`Self::derived_geometry`] of this view.
    #[inline]
    unsafe fn wrap_derived<T: Storage>(
        store: T,
        (geom, subset, valid): (Geometry, bool, bool),
    ) -> Result<RawView<T>, ViewError> {
        let (_, len, whole) = store.parts();
        if !whole && !subset {
            return Err(ViewError::BufferNotBorrowed { span: len });
        }
        if !valid {
            geom.validate(len)?;
        }
        // SAFETY: 1–6, 7a, 7b were just checked, or hold by construction (`valid`, argued in
        // `derived_geometry`, and re-checked in debug builds by `new_unchecked`); 7c carries
        // over from this view (every derivation reaches a subset of its addresses, and a
        // reshape or cast is direct); 8b holds when the storage is elements-only
        // because then `subset` holds.
        Ok(unsafe { RawView::new_unchecked(store, geom) })
    }

    /// A shared view derived from this one (a selection, transpose, cast, field...), for `'l`.
    #[inline]
    pub(crate) fn lend_derived<'s, 'l>(
        &'s self,
        d: Derivation<'_>,
    ) -> Result<RawView<Shared<'l>>, ViewError>
    where
        S: Lend<'s, 'l>,
    {
        let derived = self.derived_geometry(d)?;
        // SAFETY: `lend` gives the same bytes, shared for `'l`; the geometry is derived here.
        unsafe { Self::wrap_derived(self.store.lend(), derived) }
    }

    /// For a non-empty indirect view whose first dereferences come before any axis's stride
    /// (no axis at level 0: a row of a PIL image, its row axis indexed away), follow those
    /// dereferences now. Returns the address they lead to and the geometry of the rest of the
    /// view relative to it (offset 0; direct when no dereference is left, otherwise the
    /// remaining levels and suboffsets, shifted). `None` for a direct or empty view, or when an
    /// axis is applied before the first dereference.
    ///
    /// Nothing is dereferenced beyond the pointer slots every element's address goes through;
    /// the address returned is only handed on (to a buffer export), never read here.
    pub(crate) fn resolve_leading(&self) -> Option<(*const u8, Geometry)> {
        let ind = self.geom.indirect.as_ref()?;
        if self.geom.nelements() == 0 || ind.level.contains(&0) {
            return None;
        }
        let mut p = self.base().wrapping_add(self.geom.offset);
        let mut done = 0;
        while done < ind.suboffsets.len() && !ind.level.contains(&done) {
            // SAFETY: no axis is applied before this dereference, so every element's address
            // (invariant 7's formula) goes through this one slot. For `done == 0` it is at
            // `buf + offset`, inside the storage by 7b and reached, so borrowed (8) (the view is
            // non-empty, so point 5 holds for the level-0 axes, here none:
            // `offset + size_of::<*const u8>() <= len`); for `done > 0` it is a later slot on the
            // way to a reachable element, valid for reading a pointer by 7c. `read_unaligned`
            // keeps the stored pointer's provenance.
            let q = unsafe { ptr::read_unaligned(p as *const *const u8) };
            p = q.wrapping_offset(ind.suboffsets[done]);
            done += 1;
        }
        let indirect = (done < ind.suboffsets.len()).then(|| {
            Box::new(Indirect {
                level: ind.level.iter().map(|&l| l.saturating_sub(done)).collect(),
                suboffsets: ind.suboffsets[done..].to_vec(),
            })
        });
        let geom = Geometry {
            offset: 0,
            indirect,
            ..self.geom.clone()
        };
        Some((p, geom))
    }

    /// The start of the element at a checked `index` (every `index[k] < shape[k]`).
    fn address(&self, index: &[usize]) -> *const u8 {
        let g = &self.geom;
        let buf = self.base();
        match &g.indirect {
            // SAFETY: `self` is a valid view (1–8) over its storage, `ind` is its indirection,
            // and the caller checked `index` against the shape.
            Some(ind) => unsafe { indirect_address(buf, g, ind, index) },
            None => {
                // No extent is zero (each has an index below it), so invariant 5 applies:
                // every partial sum lies in `lo ..= hi`, inside `0 ..= isize::MAX`.
                let mut p = g.offset as isize;
                for (&i, &s) in index.iter().zip(&g.strides) {
                    p += i as isize * s;
                }
                buf.wrapping_add(p as usize)
            }
        }
    }

    /// Whether `index` has one position per axis, each inside the shape.
    fn in_shape(&self, index: &[usize]) -> bool {
        let g = &self.geom;
        index.len() == g.ndim() && index.iter().zip(&g.shape).all(|(&i, &n)| i < n)
    }
}

impl<'a> RawView<Shared<'a>> {
    /// The whole buffer, when the storage borrows it all (8a); `None` for elements-only
    /// storage, whose gaps are not ours to read.
    pub(crate) fn whole_buffer(&self) -> Option<&'a [u8]> {
        let Shared {
            buf, len, whole, ..
        } = self.store;
        // SAFETY: whole-buffer storage (8a) borrows all `len` bytes from `buf` for `'a`.
        whole.then(|| unsafe { std::slice::from_raw_parts(buf.as_ptr(), len) })
    }

    /// The bytes of the element at `index` (one index per axis, each `< shape[k]`), or `None`
    /// if the index has the wrong length or is out of bounds.
    pub(crate) fn item(&self, index: &[usize]) -> Option<&'a [u8]> {
        if !self.in_shape(index) {
            return None;
        }
        let p = self.address(index);
        // SAFETY: `index` is inside the shape, so `p` starts a reachable element: inside the
        // storage by invariant 5 and borrowed for `'a` by 8 (direct), or valid for reads for
        // `'a` by 7c (indirect).
        Some(unsafe { std::slice::from_raw_parts(p, self.geom.itemsize) })
    }

    /// The bytes of a C-contiguous direct view as one slice (empty for an empty view), `None`
    /// otherwise.
    pub(crate) fn contiguous(&self) -> Option<&'a [u8]> {
        // SAFETY: this storage borrows its bytes for `'a` (8).
        unsafe { self.lying_bytes(false) }
    }

    /// When the elements tile one block of memory in some axis order (see
    /// [`Geometry::memory_block`]), that block.
    pub(crate) fn block(&self) -> Option<&'a [u8]> {
        let (start, end) = self.geom.memory_block()?;
        // SAFETY: the elements tile `start .. end` exactly, so it consists of reached bytes
        // (5, 8), borrowed for `'a`.
        Some(unsafe { std::slice::from_raw_parts(self.base().wrapping_add(start), end - start) })
    }

    /// The elements in C order (last index fastest) or, with `fortran`, in F order.
    pub(crate) fn items(&self, fortran: bool) -> Items<'a> {
        let g = &self.geom;
        let walk = match &g.indirect {
            None => Walk::Direct(Cursor::new(g, fortran)),
            Some(_) => Walk::Indirect(Odometer::new(&g.shape, fortran)),
        };
        Items {
            buf: self.base(),
            geom: self.geom.clone(),
            walk,
            life: PhantomData,
        }
    }

    /// The C-order rows of a direct view: each the rest of one run along the last axis (a
    /// 0-dim view is one row of one element). `None` for an indirect view.
    pub(crate) fn rows(&self) -> Option<Rows<'a>> {
        if self.geom.indirect.is_some() {
            return None;
        }
        Some(Rows {
            buf: self.base(),
            itemsize: self.geom.itemsize,
            cursor: Cursor::new(&self.geom, false),
            life: PhantomData,
        })
    }
}

impl<'a> RawView<Exclusive<'a>> {
    /// Give up writing: the same bytes and geometry, shared for `'a`.
    pub(crate) fn into_shared(self) -> RawView<Shared<'a>> {
        let RawView { store, geom } = self;
        // SAFETY: same bytes, now only shared, for the same lifetime, and the same geometry.
        unsafe { RawView::new_unchecked(store.into_shared(), geom) }
    }

    /// A writable view derived from this one (a selection, transpose, cast, field...),
    /// borrowing `self`.
    #[inline]
    pub(crate) fn reborrow_derived(
        &mut self,
        d: Derivation<'_>,
    ) -> Result<RawView<Exclusive<'_>>, ViewError> {
        let derived = self.derived_geometry(d)?;
        // SAFETY: `reborrow` gives the same bytes, exclusive for the borrow of `self`; the
        // geometry is derived here.
        unsafe { Self::wrap_derived(self.store.reborrow(), derived) }
    }

    /// A writable view of the same bytes and geometry, borrowing `self`.
    pub(crate) fn reborrow(&mut self) -> RawView<Exclusive<'_>> {
        let geom = self.geom.clone();
        // SAFETY: same bytes (exclusive for the borrow of `self`) and the same geometry.
        unsafe { RawView::new_unchecked(self.store.reborrow(), geom) }
    }

    /// The whole buffer, writable, when the storage borrows it all (8a) and the view is
    /// direct. Writing bytes cannot break invariants 1–6, which only concern the length; for
    /// an indirect view, overwriting the pointers would break 7, so it gets `None`.
    pub(crate) fn whole_buffer_mut(&mut self) -> Option<&mut [u8]> {
        let (buf, len, whole) = self.store.parts();
        // SAFETY: whole-buffer storage (8a) borrows all `len` bytes exclusively; the slice
        // lives for the borrow of `self`, during which nothing else uses the storage.
        (whole && self.geom.indirect.is_none())
            .then(|| unsafe { std::slice::from_raw_parts_mut(buf.as_ptr(), len) })
    }

    /// The storage's base pointer, with write permission (derived from the exclusive borrow).
    pub(crate) fn base_mut(&mut self) -> *mut u8 {
        self.store.buf.as_ptr()
    }

    /// The start of the element at a checked `index`, as a pointer that may be written
    /// through (derived from the exclusive storage for direct views, from the stored pointers
    /// for indirect ones).
    fn address_mut(&mut self, index: &[usize]) -> *mut u8 {
        match &self.geom.indirect {
            Some(ind) => {
                // SAFETY: as in `address`.
                unsafe { indirect_address(self.base(), &self.geom, ind, index) as *mut u8 }
            }
            None => {
                let p = self.address(index) as usize - self.base() as usize;
                self.base_mut().wrapping_add(p)
            }
        }
    }

    /// The writable bytes of the element at `index`, or `None` if out of bounds.
    pub(crate) fn item_mut(&mut self, index: &[usize]) -> Option<&mut [u8]> {
        if !self.in_shape(index) {
            return None;
        }
        let n = self.geom.itemsize;
        let p = self.address_mut(index);
        // SAFETY: as in `item`: a reachable element, inside the storage (5) and exclusively
        // borrowed (8), or valid for writes and not otherwise accessed (7c); `&mut self` makes
        // this the only borrow handed out.
        Some(unsafe { std::slice::from_raw_parts_mut(p, n) })
    }

    /// Each element's bytes, writable, one at a time in C (or F) order. Elements may overlap
    /// (zero strides), which is why this takes a callback rather than returning an iterator.
    pub(crate) fn for_each_item_mut(&mut self, fortran: bool, mut f: impl FnMut(&mut [u8])) {
        let n = self.geom.itemsize;
        if self.geom.indirect.is_some() {
            let mut odo = Odometer::new(&self.geom.shape, fortran);
            while let Some(index) = odo.current() {
                let p = self.address_mut(index);
                // SAFETY: `index` is inside the shape; the element is valid for writes by 7c
                // and the borrow ends before the next element is handed out.
                f(unsafe { std::slice::from_raw_parts_mut(p, n) });
                odo.advance();
            }
            return;
        }
        let buf = self.base_mut();
        let mut cursor = Cursor::new(&self.geom, fortran);
        while let Some(p) = cursor.next() {
            // SAFETY: `p` is a reachable element start, in bounds by invariant 5 and
            // exclusively borrowed by 8; the borrow ends before the next element is handed out.
            f(unsafe { std::slice::from_raw_parts_mut(buf.wrapping_add(p), n) });
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Walkers.
// ---------------------------------------------------------------------------------------------

/// Iterator over the elements of a [`RawView`], as byte slices of `itemsize` bytes.
#[derive(Clone, Debug)]
pub(crate) struct Items<'a> {
    buf: *const u8,
    geom: Geometry,
    walk: Walk,
    life: PhantomData<&'a [u8]>,
}

#[derive(Clone, Debug)]
enum Walk {
    Direct(Cursor),
    Indirect(Odometer),
}

impl<'a> Iterator for Items<'a> {
    type Item = &'a [u8];

    #[inline]
    fn next(&mut self) -> Option<&'a [u8]> {
        let n = self.geom.itemsize;
        match &mut self.walk {
            Walk::Direct(cursor) => {
                let p = cursor.next()?;
                // SAFETY: the cursor was built from the validated geometry of the view whose
                // storage `buf` is, and yields reachable element starts: `p .. p + itemsize`
                // is inside the storage by invariant 5 and borrowed for `'a` by 8.
                Some(unsafe { std::slice::from_raw_parts(self.buf.wrapping_add(p), n) })
            }
            Walk::Indirect(odo) => {
                let index = odo.current()?;
                let ind = self.geom.indirect.as_ref()?;
                // SAFETY: `geom` is the valid indirect geometry of the view whose storage
                // `buf` is, and the odometer only yields indices inside the shape.
                let p = unsafe { indirect_address(self.buf, &self.geom, ind, index) };
                odo.advance();
                // SAFETY: a reachable element: valid for reads for `'a` by 7c.
                Some(unsafe { std::slice::from_raw_parts(p, n) })
            }
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let n = match &self.walk {
            Walk::Direct(c) => c.remaining(),
            Walk::Indirect(o) => o.remaining,
        };
        (n, Some(n))
    }
}

impl ExactSizeIterator for Items<'_> {}

// SAFETY: `Items` hands out `&'a [u8]` of bytes borrowed by a `Shared<'a>` storage (or,
// through 7c, of pointed-to elements valid for `'a`), exactly like an iterator of `&'a [u8]`
// slices; `buf` is only an address into them.
unsafe impl Send for Items<'_> {}
// SAFETY: as for `Send`.
unsafe impl Sync for Items<'_> {}

/// The C-order rows of a direct view ([`RawView::rows`]).
#[derive(Clone, Debug)]
pub(crate) struct Rows<'a> {
    buf: *const u8,
    itemsize: usize,
    cursor: Cursor,
    life: PhantomData<&'a [u8]>,
}

// SAFETY: as for `Items`.
unsafe impl Send for Rows<'_> {}
// SAFETY: as for `Items`.
unsafe impl Sync for Rows<'_> {}

impl<'a> Rows<'a> {
    /// Elements not yet handed out.
    pub(crate) fn remaining(&self) -> usize {
        self.cursor.remaining()
    }
}

impl<'a> Iterator for Rows<'a> {
    type Item = Row<'a>;

    #[inline]
    fn next(&mut self) -> Option<Row<'a>> {
        let (pos, stride, count) = self.cursor.next_row()?;
        Some(Row {
            ptr: self.buf.wrapping_add(pos),
            stride,
            count,
            itemsize: self.itemsize,
            life: PhantomData,
        })
    }
}

/// `count` elements of `itemsize` bytes, `stride` bytes apart, from `ptr`: reached bytes of a
/// view, borrowed for `'a`. Made only by [`Rows`].
#[derive(Clone, Copy, Debug)]
pub(crate) struct Row<'a> {
    ptr: *const u8,
    stride: isize,
    count: usize,
    itemsize: usize,
    life: PhantomData<&'a [u8]>,
}

impl<'a> Row<'a> {
    /// The bytes of one element.
    pub(crate) fn itemsize(&self) -> usize {
        self.itemsize
    }

    /// Bytes from one element of the row to the next.
    pub(crate) fn stride(&self) -> isize {
        self.stride
    }

    /// The elements as one slice, when they lie end to end (`stride == itemsize`, or a
    /// single element).
    #[inline]
    pub(crate) fn contiguous(&self) -> Option<&'a [u8]> {
        (self.count <= 1 || self.stride == self.itemsize as isize).then(|| {
            // SAFETY: `count` elements laid end to end from `ptr`, each reached (the cursor of
            // a validated view yielded this row): inside the storage (5), borrowed for `'a`
            // (8).
            unsafe { std::slice::from_raw_parts(self.ptr, self.count * self.itemsize) }
        })
    }

    /// The elements one by one.
    #[inline]
    pub(crate) fn items(self) -> RowItems<'a> {
        RowItems { row: self }
    }
}

/// The elements of a [`Row`], advancing by its stride.
#[derive(Clone, Copy, Debug)]
pub(crate) struct RowItems<'a> {
    row: Row<'a>,
}

impl<'a> RowItems<'a> {
    /// An exhausted iterator.
    pub(crate) fn empty() -> RowItems<'a> {
        RowItems {
            row: Row {
                ptr: ptr::null(),
                stride: 0,
                count: 0,
                itemsize: 0,
                life: PhantomData,
            },
        }
    }
}

impl<'a> Iterator for RowItems<'a> {
    type Item = &'a [u8];

    #[inline(always)]
    fn next(&mut self) -> Option<&'a [u8]> {
        let r = &mut self.row;
        if r.count == 0 {
            return None;
        }
        // SAFETY: one of the row's reached elements (see `Row::contiguous`).
        let item = unsafe { std::slice::from_raw_parts(r.ptr, r.itemsize) };
        r.count -= 1;
        // The next element of the row (or one stride past the last, never dereferenced).
        r.ptr = r.ptr.wrapping_offset(r.stride);
        Some(item)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.row.count, Some(self.row.count))
    }

    /// A counted loop, always inlined: the default `fold` over `next` tested each item's
    /// `Option` (a null-pointer check) and stayed out of line, so a caller compiled with
    /// byte shuffles (`with_byte_shuffles`) did not get them: the byte-swapped strided sum
    /// was 1.4x the native one (`benches/sweep.rs` `swapped_sum`).
    #[inline(always)]
    fn fold<B, F>(self, init: B, mut f: F) -> B
    where
        F: FnMut(B, &'a [u8]) -> B,
    {
        let r = self.row;
        let mut acc = init;
        let mut ptr = r.ptr;
        for _ in 0..r.count {
            // SAFETY: one of the row's reached elements, as in `next`.
            acc = f(acc, unsafe { std::slice::from_raw_parts(ptr, r.itemsize) });
            // The next element of the row (or one stride past the last, never dereferenced).
            ptr = ptr.wrapping_offset(r.stride);
        }
        acc
    }
}

impl ExactSizeIterator for RowItems<'_> {}

// SAFETY: as for `Items`.
unsafe impl Send for Row<'_> {}
// SAFETY: as for `Items`.
unsafe impl Sync for Row<'_> {}
// SAFETY: as for `Items`.
unsafe impl Send for RowItems<'_> {}
// SAFETY: as for `Items`.
unsafe impl Sync for RowItems<'_> {}

/// Every index inside a shape, in C or F order, one at a time.
#[derive(Clone, Debug)]
struct Odometer {
    shape: Vec<usize>,
    index: Vec<usize>,
    remaining: usize,
    fortran: bool,
}

impl Odometer {
    fn new(shape: &[usize], fortran: bool) -> Odometer {
        Odometer {
            shape: shape.to_vec(),
            index: vec![0; shape.len()],
            // Fits: the element count of a valid view fits isize (3).
            remaining: shape.iter().product(),
            fortran,
        }
    }

    /// The current index, or `None` when done.
    fn current(&self) -> Option<&[usize]> {
        (self.remaining > 0).then_some(&self.index[..])
    }

    fn advance(&mut self) {
        if self.remaining == 0 {
            return;
        }
        self.remaining -= 1;
        let ndim = self.shape.len();
        for k in 0..ndim {
            let a = if self.fortran { k } else { ndim - 1 - k };
            if self.index[a] + 1 < self.shape[a] {
                self.index[a] += 1;
                return;
            }
            self.index[a] = 0;
        }
    }
}

/// A cursor over the element positions of a direct validated geometry, in C order (or F order,
/// walking the axes reversed), that steps the odometer once per row: within a row the next
/// position is one add. Positions are byte offsets from the storage's base.
#[derive(Clone, Debug)]
struct Cursor {
    /// `(extent, stride)` of the walked axes, outermost first.
    axes: Axes<(usize, isize)>,
    index: Axes<usize>,
    /// The position of the current row's start.
    row: isize,
    /// The next position in the current row and the elements left in it.
    pos: isize,
    left: usize,
    /// Elements after the current row.
    after: usize,
}

impl Cursor {
    fn new(g: &Geometry, fortran: bool) -> Cursor {
        let mut axes: Axes<(usize, isize)> = g
            .shape
            .iter()
            .copied()
            .zip(g.strides.iter().copied())
            .collect();
        if fortran {
            axes.reverse();
        }
        let total: usize = if g.shape.contains(&0) {
            0
        } else {
            // Fits: the element count of a valid view fits isize (3).
            g.shape.iter().product()
        };
        let first_row = match axes.last() {
            Some(&(n, _)) => n.min(total),
            None => total,
        };
        Cursor {
            index: Axes::repeat(0, axes.len()),
            axes,
            row: g.offset as isize,
            pos: g.offset as isize,
            left: first_row,
            after: total - first_row,
        }
    }

    fn remaining(&self) -> usize {
        self.left + self.after
    }

    /// The innermost axis's stride (0 for a 0-dim view).
    fn inner_stride(&self) -> isize {
        self.axes.last().map_or(0, |&(_, s)| s)
    }

    /// Move to the start of the next row (the odometer over all but the innermost axis).
    /// Every position reached is a partial sum of invariant 5, so plain arithmetic cannot
    /// overflow.
    fn next_row_start(&mut self) {
        let nd = self.axes.len();
        let inner = self.axes.last().map_or(1, |&(n, _)| n);
        for k in (0..nd.saturating_sub(1)).rev() {
            let (n, s) = self.axes[k];
            if self.index[k] + 1 < n {
                self.index[k] += 1;
                self.row += s;
                break;
            }
            self.row -= (n - 1) as isize * s;
            self.index[k] = 0;
        }
        self.pos = self.row;
        self.left = inner.min(self.after);
        self.after -= self.left;
    }

    #[inline]
    fn next(&mut self) -> Option<usize> {
        if self.left == 0 {
            if self.after == 0 {
                return None;
            }
            self.next_row_start();
        }
        let p = self.pos;
        self.left -= 1;
        if self.left > 0 {
            self.pos += self.inner_stride();
        }
        Some(p as usize)
    }

    /// The rest of the current row as `(start, stride, count)`, after which the cursor is at
    /// the next row.
    #[inline]
    fn next_row(&mut self) -> Option<(usize, isize, usize)> {
        if self.left == 0 {
            if self.after == 0 {
                return None;
            }
            self.next_row_start();
        }
        let row = (self.pos as usize, self.inner_stride(), self.left);
        self.left = 0;
        Some(row)
    }
}
