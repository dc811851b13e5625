//! The one module of the view layer that contains `unsafe`: a byte buffer together with a
//! [`Geometry`] that has been proven to stay inside it.
//!
//! # The strided invariant
//!
//! A [`RawView`] holds a buffer `buf` and a geometry `(offset, itemsize, shape, strides)`.
//! Its fields are private to this module; every value of the type satisfies:
//!
//! 1. `shape.len() == strides.len() <= MAX_NDIM` (64, CPython's `PyBUF_MAX_NDIM`).
//! 2. `itemsize >= 1`.
//! 3. The number of elements `Π shape[k]`, and `Π shape[k] * itemsize` (the view's `nbytes`),
//!    fit in `isize` without overflow.
//! 4. `offset <= buf.len()`.
//! 5. If no extent is zero: the two corner sums
//!    `lo = offset + Σ_{stride[k] < 0} (shape[k] - 1) * stride[k]` and
//!    `hi = offset + Σ_{stride[k] > 0} (shape[k] - 1) * stride[k]`, and every partial sum on the
//!    way, are computed without overflow in `isize`, and `0 <= lo` and `hi + itemsize <= buf.len()`.
//!    Every reachable element starts at `p = offset + Σ i[k] * stride[k]` with `0 <= i[k] < shape[k]`,
//!    and `lo <= p <= hi`, so its byte range `p .. p + itemsize` lies inside `buf`. More: any
//!    partial sum `offset + Σ_{k in S} i[k] * stride[k]` over a subset `S` of the axes also lies in
//!    `lo ..= hi`, so walking the indices one axis at a time never leaves that range.
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
//!      lies inside `buf`;
//!    - 7c. (not checkable: promised by the caller of the one `unsafe` constructor,
//!      [`RawView::new_indirect`]) for every reachable index, every later pointer slot is
//!      valid for reading a pointer and the element's `itemsize` bytes are valid for reads
//!      (and, for a `&mut [u8]` buffer, writes) for the buffer's lifetime, and no one else
//!      writes them meanwhile; for a `&mut [u8]` buffer they also lie outside `buf` and no
//!      one else accesses them at all.
//!
//!    Selecting and permuting axes of an indirect view only ever reaches a subset of the
//!    addresses the original reached, so 7c carries over to the result: those operations are
//!    done here ([`RawView::select`], [`RawView::permute`]) rather than by re-validating.
//!    Indirect views are never contiguous, so nothing reshapes or casts them.
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
//! and with `shape [0, 2]` any strides are valid.
//!
//! # What relies on it
//!
//! The walkers below ([`RawView::items`], [`RawView::for_each_run`], ...) compute positions with
//! plain arithmetic and slice the buffer with `get_unchecked`; point 5 is what makes that sound.
//! For indirect views they follow the pointers (point 7) and build each element's slice from
//! the pointer.
//! Everything outside this module is safe code that can only build a direct `RawView` through the
//! checked [`RawView::new`]; indirect ones come only from the `unsafe` [`RawView::new_indirect`]
//! and from selections of existing views.

use std::ops::{Deref, DerefMut};
use std::ptr;

use super::error::ViewError;

/// The maximum number of dimensions (CPython's `PyBUF_MAX_NDIM`).
pub const MAX_NDIM: usize = 64;

/// The size of a pointer slot in an indirect view.
const PTR: usize = std::mem::size_of::<*const u8>();

/// Offset, itemsize, shape and strides of a view, in bytes. Plain numbers: a `Geometry` on its
/// own promises nothing; [`RawView::new`] checks it against a buffer.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub(crate) struct Geometry {
    /// Byte index of element `[0, ..., 0]`.
    pub(crate) offset: usize,
    /// Bytes per element.
    pub(crate) itemsize: usize,
    /// Extent of each axis.
    pub(crate) shape: Vec<usize>,
    /// Byte step of each axis.
    pub(crate) strides: Vec<isize>,
    /// Pointer dereferences (suboffsets), for indirect views only (invariant 7).
    pub(crate) indirect: Option<Indirect>,
}

/// Where an indirect view dereferences pointers (invariant 7).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Indirect {
    /// For each axis, the level its stride is applied in (`0..=suboffsets.len()`).
    pub(crate) level: Vec<usize>,
    /// For each dereference, the byte offset added to the loaded pointer.
    pub(crate) suboffsets: Vec<isize>,
}

impl Indirect {
    /// From PEP 3118 suboffsets (one per axis; a value `>= 0` dereferences after that axis's
    /// stride), or `None` when none is `>= 0` (a direct layout).
    pub(crate) fn from_pep3118(suboffsets: &[isize]) -> Option<Indirect> {
        let mut level = Vec::with_capacity(suboffsets.len());
        let mut subs = Vec::new();
        for &s in suboffsets {
            level.push(subs.len());
            if s >= 0 {
                subs.push(s);
            }
        }
        (!subs.is_empty()).then_some(Indirect {
            level,
            suboffsets: subs,
        })
    }

    /// PEP 3118 suboffsets (one per axis), when the levels can be written that way: they never
    /// decrease along the axes and every level before the last has an axis (the one after whose
    /// stride the dereference happens). `None` otherwise (after a transpose, or after indexing
    /// away every axis of a level).
    pub(crate) fn to_pep3118(&self) -> Option<Vec<isize>> {
        let d = self.suboffsets.len();
        let mut out = vec![-1isize; self.level.len()];
        if self.level.windows(2).any(|w| w[1] < w[0]) {
            return None;
        }
        for (k, sub) in self.suboffsets.iter().enumerate() {
            let last = self.level.iter().rposition(|&l| l == k)?;
            out[last] = *sub;
        }
        // Each dereference sits on the last axis of its level, so the next axis is in the next
        // level; a level cannot be skipped because every level below `d` has an axis.
        debug_assert!(self.level.iter().all(|&l| l <= d));
        Some(out)
    }
}

impl Geometry {
    /// Number of axes.
    pub(crate) fn ndim(&self) -> usize {
        self.shape.len()
    }

    /// Number of elements (`Π shape`); saturates, which cannot happen for a validated view.
    pub(crate) fn nelements(&self) -> usize {
        self.shape.iter().fold(1usize, |a, &n| a.saturating_mul(n))
    }

    /// `Π shape * itemsize`; saturates, which cannot happen for a validated view.
    pub(crate) fn nbytes(&self) -> usize {
        self.nelements().saturating_mul(self.itemsize)
    }

    /// `PyBuffer_IsContiguous(view, 'C')`: walking from the last axis, every axis of extent > 1
    /// has stride `itemsize * Π later extents`; an empty view is contiguous.
    pub(crate) fn is_c_contiguous(&self) -> bool {
        self.is_contiguous_in(self.ndim(), |k, n| n - 1 - k)
    }

    /// `PyBuffer_IsContiguous(view, 'F')`: as [`Self::is_c_contiguous`] from the first axis.
    pub(crate) fn is_f_contiguous(&self) -> bool {
        self.is_contiguous_in(self.ndim(), |k, _| k)
    }

    fn is_contiguous_in(&self, ndim: usize, axis: impl Fn(usize, usize) -> usize) -> bool {
        // Never for an indirect view, even an empty one (CPython: any suboffsets clear C and F).
        if self.indirect.is_some() {
            return false;
        }
        if self.shape.contains(&0) {
            return true;
        }
        let mut expected = self.itemsize as u128;
        for k in 0..ndim {
            let a = axis(k, ndim);
            let n = self.shape[a];
            if n > 1 && self.strides[a] as i128 != expected as i128 {
                return false;
            }
            expected = expected.saturating_mul(n as u128);
        }
        true
    }

    /// C-contiguous strides for `shape` and `itemsize`, or `None` on overflow.
    pub(crate) fn c_strides(shape: &[usize], itemsize: usize) -> Option<Vec<isize>> {
        let mut strides = vec![0isize; shape.len()];
        let mut step = isize::try_from(itemsize).ok()?;
        for (s, &n) in strides.iter_mut().zip(shape).rev() {
            *s = step;
            // An axis of extent 0 makes the view empty; keep the strides finite anyway.
            step = step.checked_mul(isize::try_from(n.max(1)).ok()?)?;
        }
        Some(strides)
    }

    /// Check invariants 1–6 (and 7a, 7b for an indirect view) against a buffer of `len` bytes;
    /// each check names its number.
    pub(crate) fn validate(&self, len: usize) -> Result<(), ViewError> {
        let Some(ind) = &self.indirect else {
            return self.validate_direct(len);
        };
        // 7a.
        let d = ind.suboffsets.len();
        if d == 0 || ind.level.len() != self.shape.len() || ind.level.iter().any(|&l| l > d) {
            return Err(ViewError::SuboffsetsInvalid {
                suboffsets: ind.suboffsets.clone(),
            });
        }
        // 1-4 for the whole view.
        self.validate_sizes(len)?;
        if self.shape.contains(&0) {
            return Ok(());
        }
        // 7b: the level-0 axes reach pointer slots inside the buffer.
        let axes: Vec<usize> = (0..self.ndim()).filter(|&k| ind.level[k] == 0).collect();
        let level0 = Geometry {
            offset: self.offset,
            itemsize: PTR,
            shape: axes.iter().map(|&k| self.shape[k]).collect(),
            strides: axes.iter().map(|&k| self.strides[k]).collect(),
            indirect: None,
        };
        level0.validate_corners(len)
    }

    /// Check invariants 1–6 for a direct view.
    fn validate_direct(&self, len: usize) -> Result<(), ViewError> {
        self.validate_sizes(len)?;
        // 6. an empty view reaches no byte: nothing more to check.
        if self.shape.contains(&0) {
            return Ok(());
        }
        self.validate_corners(len)
    }

    /// Invariants 1–4.
    fn validate_sizes(&self, len: usize) -> Result<(), ViewError> {
        // 1. ndim and strides length.
        if self.shape.len() > MAX_NDIM {
            return Err(ViewError::TooManyDimensions {
                ndim: self.shape.len(),
            });
        }
        if self.strides.len() != self.shape.len() {
            return Err(ViewError::StridesMismatch {
                shape_len: self.shape.len(),
                strides_len: self.strides.len(),
            });
        }
        // 2. itemsize.
        if self.itemsize == 0 {
            return Err(ViewError::ItemsizeZero);
        }
        // 3. element count and nbytes fit isize.
        let size_overflow = || ViewError::SizeOverflow {
            shape: self.shape.clone(),
            itemsize: self.itemsize,
        };
        let mut count: isize = 1;
        for &n in &self.shape {
            let n = isize::try_from(n).map_err(|_| size_overflow())?;
            count = count.checked_mul(n).ok_or_else(size_overflow)?;
        }
        let itemsize = isize::try_from(self.itemsize).map_err(|_| size_overflow())?;
        count.checked_mul(itemsize).ok_or_else(size_overflow)?;
        // 4. offset inside the buffer (or one past its end).
        if self.offset > len {
            return Err(ViewError::OffsetOutOfBounds {
                offset: self.offset,
                len,
            });
        }
        Ok(())
    }

    /// Invariant 5, for a geometry that satisfies 1–4 and has no zero extent.
    fn validate_corners(&self, len: usize) -> Result<(), ViewError> {
        // `offset <= len <= isize::MAX` by 4 and because slices never exceed isize::MAX bytes.
        let offset = isize::try_from(self.offset).map_err(|_| ViewError::OffsetOutOfBounds {
            offset: self.offset,
            len,
        })?;
        let (mut lo, mut hi) = (offset, offset);
        for (axis, (&n, &stride)) in self.shape.iter().zip(&self.strides).enumerate() {
            let overflow = ViewError::StrideOverflow {
                axis,
                extent: n,
                stride,
            };
            // `n >= 1` here, and `n - 1 <= isize::MAX` by 3.
            let span = ((n - 1) as isize)
                .checked_mul(stride)
                .ok_or_else(|| overflow.clone())?;
            if span < 0 {
                lo = lo.checked_add(span).ok_or(overflow)?;
            } else {
                hi = hi.checked_add(span).ok_or(overflow)?;
            }
        }
        let end = hi as i128 + self.itemsize as i128;
        if lo < 0 || end > len as i128 {
            return Err(ViewError::OutOfBounds {
                start: lo as i128,
                end,
                len,
            });
        }
        Ok(())
    }
}

/// `g` with shape and strides reversed.
fn reversed(g: &Geometry) -> Geometry {
    Geometry {
        offset: g.offset,
        itemsize: g.itemsize,
        shape: g.shape.iter().rev().copied().collect(),
        strides: g.strides.iter().rev().copied().collect(),
        indirect: g.indirect.as_ref().map(|ind| Indirect {
            level: ind.level.iter().rev().copied().collect(),
            suboffsets: ind.suboffsets.clone(),
        }),
    }
}

mod sealed {
    pub trait Sealed {}
    impl Sealed for &[u8] {}
    impl Sealed for &mut [u8] {}
}

/// The buffers a [`RawView`] may hold: `&[u8]` and `&mut [u8]`, whose length never changes.
pub(crate) trait Bytes: Deref<Target = [u8]> + sealed::Sealed {}
impl Bytes for &[u8] {}
impl Bytes for &mut [u8] {}

/// One step of a selection, resolved against the shape by the caller (the `select` module)
/// and checked again by [`Geometry::select`]. `Index` and `Slice` use up the next axis of the
/// source; axes left over at the end are kept as they are.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum AxisOp {
    /// Fix the axis at `index` (`< extent`) and drop it.
    Index {
        /// The position.
        index: usize,
    },
    /// Keep `len` positions `start, start + step, ...` (all `< extent`) of the axis.
    Slice {
        /// The first position (inside the axis when `len > 0`; when `len == 0` it may be
        /// anything, and only moves the suboffset as CPython's `init_slice` does).
        start: isize,
        /// The step (non-zero).
        step: isize,
        /// The number of positions.
        len: usize,
    },
    /// Insert an axis of extent 1 and stride 0.
    NewAxis,
}

impl Geometry {
    /// The level of `axis` (0 for a direct view).
    fn level(&self, axis: usize) -> usize {
        self.indirect.as_ref().map_or(0, |ind| ind.level[axis])
    }

    /// Apply a selection plan. Every position it keeps is a position of `self`, so the result
    /// reaches a subset of the addresses `self` reaches: for direct views and level 0 the
    /// arithmetic is checked (and the caller re-validates), for deeper levels it is wrapping
    /// arithmetic, the same the address computation uses, so the subset is exact.
    pub(crate) fn select(&self, plan: &[AxisOp]) -> Result<Geometry, ViewError> {
        let ndim = self.ndim();
        let source_empty = self.shape.contains(&0);
        let mut shape = Vec::with_capacity(ndim + plan.len());
        let mut strides = Vec::with_capacity(ndim + plan.len());
        let mut levels = Vec::with_capacity(ndim + plan.len());
        // (level, shift) of each fixed or sliced axis.
        let mut shifts: Vec<(usize, isize)> = Vec::new();
        let mut axis = 0;
        for &op in plan {
            if op == AxisOp::NewAxis {
                shape.push(1);
                strides.push(0);
                levels.push(0);
                continue;
            }
            let (n, stride, level) = match self.shape.get(axis) {
                Some(&n) => (n, self.strides[axis], self.level(axis)),
                None => {
                    return Err(ViewError::TooManyIndices {
                        ndim,
                        given: axis + 1,
                    })
                }
            };
            let wrap = |i: usize| (i as isize).wrapping_mul(stride);
            match op {
                AxisOp::Index { index } => {
                    if index >= n {
                        return Err(ViewError::IndexOutOfBounds {
                            axis,
                            index: index as isize,
                            size: n,
                        });
                    }
                    shifts.push((level, wrap(index)));
                }
                AxisOp::Slice { start, step, len } => {
                    if step == 0 {
                        return Err(ViewError::SliceStepZero);
                    }
                    if len > 0 {
                        let last = start as i128 + (len as i128 - 1) * step as i128;
                        if start < 0 || start as usize >= n || last < 0 || last >= n as i128 {
                            return Err(ViewError::IndexOutOfBounds {
                                axis,
                                index: start,
                                size: n,
                            });
                        }
                    }
                    shifts.push((level, start.wrapping_mul(stride)));
                    shape.push(len);
                    strides.push(if level == 0 {
                        stride.saturating_mul(step)
                    } else {
                        stride.wrapping_mul(step)
                    });
                    levels.push(level);
                }
                AxisOp::NewAxis => {}
            }
            axis += 1;
        }
        for k in axis..ndim {
            shape.push(self.shape[k]);
            strides.push(self.strides[k]);
            levels.push(self.level(k));
        }
        if shape.len() > MAX_NDIM {
            return Err(ViewError::TooManyDimensions { ndim: shape.len() });
        }
        let mut offset = self.offset as i128;
        let mut indirect = self.indirect.clone();
        // The offset only moves when the result has elements (it must stay inside the buffer);
        // suboffsets always move, as CPython's `init_slice` moves them (nothing is reachable
        // through them in an empty view, so any value is harmless).
        let has_elements = !(source_empty || shape.contains(&0));
        for (level, shift) in shifts {
            match (level, indirect.as_mut()) {
                (0, _) | (_, None) => {
                    if has_elements {
                        offset += shift as i128;
                    }
                }
                (l, Some(ind)) => ind.suboffsets[l - 1] = ind.suboffsets[l - 1].wrapping_add(shift),
            }
        }
        if let Some(ind) = indirect.as_mut() {
            ind.level = levels;
        }
        let offset = usize::try_from(offset).map_err(|_| ViewError::OutOfBounds {
            start: offset,
            end: offset + self.itemsize as i128,
            len: 0,
        })?;
        Ok(Geometry {
            offset,
            itemsize: self.itemsize,
            shape,
            strides,
            indirect,
        })
    }

    /// Reorder the axes: axis `k` of the result is axis `axes[k]` of `self`; `axes` must be a
    /// permutation (checked).
    pub(crate) fn permuted(&self, axes: &[usize]) -> Result<Geometry, ViewError> {
        if axes.len() != self.ndim() {
            return Err(ViewError::AxesCount {
                ndim: self.ndim(),
                given: axes.len(),
            });
        }
        let mut seen = [false; MAX_NDIM];
        for &a in axes {
            if a >= self.ndim() || std::mem::replace(&mut seen[a], true) {
                return Err(ViewError::AxesNotPermutation {
                    axes: axes.to_vec(),
                });
            }
        }
        Ok(Geometry {
            offset: self.offset,
            itemsize: self.itemsize,
            shape: axes.iter().map(|&a| self.shape[a]).collect(),
            strides: axes.iter().map(|&a| self.strides[a]).collect(),
            indirect: self.indirect.as_ref().map(|ind| Indirect {
                level: axes.iter().map(|&a| ind.level[a]).collect(),
                suboffsets: ind.suboffsets.clone(),
            }),
        })
    }
}

/// The start of the element at `index` of an indirect view: invariant 7's address formula.
///
/// # Safety
///
/// `buf` points to the buffer of a [`RawView`] whose geometry is `g` (so invariants 1–7 hold),
/// `g.indirect` is `ind`, and `index[k] < g.shape[k]` for every axis.
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
        // SAFETY: for `d == 0`, `p` is a pointer slot reached by the level-0 axes, inside
        // `buf` by 7b; for `d > 0` it is a later slot, valid for reading a pointer by 7c.
        // `read_unaligned` keeps the stored pointer's provenance and needs no alignment.
        let q = unsafe { ptr::read_unaligned(p as *const *const u8) };
        p = q.wrapping_offset(sub.wrapping_add(sum(d + 1)));
    }
    p
}

/// A buffer and a geometry that satisfies the invariant in the module docs.
#[derive(Clone, Debug)]
pub(crate) struct RawView<B> {
    buf: B,
    geom: Geometry,
}

impl<B: Bytes> RawView<B> {
    /// Validate a direct `geom` against `buf` (invariants 1–6), then wrap them. An indirect
    /// geometry is refused: only [`Self::new_indirect`] and selections make those.
    pub(crate) fn new(buf: B, geom: Geometry) -> Result<Self, ViewError> {
        if let Some(ind) = &geom.indirect {
            return Err(ViewError::SuboffsetsInvalid {
                suboffsets: ind.suboffsets.clone(),
            });
        }
        geom.validate(buf.len())?;
        // SAFETY: `validate` checked invariants 1–6 for this `buf.len()`, 7 does not apply,
        // and the length of a `&[u8]`/`&mut [u8]` never changes.
        Ok(unsafe { Self::new_unchecked(buf, geom) })
    }

    /// Validate what can be checked of an indirect (or direct) `geom` (invariants 1–6, 7a,
    /// 7b), then wrap them.
    ///
    /// # Safety
    ///
    /// Invariant 7c: for every index inside the shape, every pointer slot after the first
    /// (level-0) one is valid for reading a pointer, and the element's `itemsize` bytes are
    /// valid for reads — and, when `B` is `&mut [u8]`, for writes — for as long as `buf` is
    /// borrowed, and no one else writes them meanwhile; for `&mut [u8]` they also lie outside
    /// `buf` and no one else accesses them at all.
    pub(crate) unsafe fn new_indirect(buf: B, geom: Geometry) -> Result<Self, ViewError> {
        geom.validate(buf.len())?;
        // SAFETY: 1–6, 7a and 7b were just checked; 7c is this function's contract.
        Ok(unsafe { Self::new_unchecked(buf, geom) })
    }

    /// A view of `buf` with a geometry derived from a valid view of the same buffer.
    ///
    /// # Safety
    ///
    /// `geom` was computed by [`Geometry::select`] or [`Geometry::permuted`] from the geometry
    /// of a valid `RawView` over this same buffer (so it reaches a subset of its addresses and
    /// 7c carries over).
    unsafe fn derived(buf: B, geom: Geometry) -> Result<Self, ViewError> {
        geom.validate(buf.len())?;
        // SAFETY: 1–6, 7a, 7b were just checked; 7c holds by this function's contract.
        Ok(unsafe { Self::new_unchecked(buf, geom) })
    }

    /// Wrap `buf` and `geom` without checking.
    ///
    /// # Safety
    ///
    /// `geom` must satisfy invariants 1–7 of the module docs for `buf.len()`:
    /// 1. `shape.len() == strides.len() <= 64`;
    /// 2. `itemsize >= 1`;
    /// 3. `Π shape * itemsize` fits `isize`;
    /// 4. `offset <= buf.len()`;
    /// 5. if no extent is zero, the corner sums `lo`/`hi` are computed without overflow, and
    ///    `0 <= lo`, `hi + itemsize <= buf.len()` (for an indirect view: over the level-0 axes,
    ///    with the size of a pointer for `itemsize`);
    /// 7. for an indirect view, the pointers it follows are valid as 7c says.
    pub(crate) unsafe fn new_unchecked(buf: B, geom: Geometry) -> Self {
        debug_assert_eq!(geom.validate(buf.len()), Ok(()));
        RawView { buf, geom }
    }

    /// The geometry (proven valid for [`Self::buf`]).
    pub(crate) fn geom(&self) -> &Geometry {
        &self.geom
    }

    /// The whole underlying buffer (for an indirect view: the buffer holding the first
    /// pointers, not the elements).
    pub(crate) fn buf(&self) -> &[u8] {
        &self.buf
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
        let mut p = self.buf.as_ptr().wrapping_add(self.geom.offset);
        let mut done = 0;
        while done < ind.suboffsets.len() && !ind.level.contains(&done) {
            // SAFETY: no axis is applied before this dereference, so every element's address
            // (invariant 7's formula) goes through this one slot. For `done == 0` it is at
            // `buf + offset`, inside `buf` by 7b (the view is non-empty, so point 5 holds for the
            // level-0 axes, here none: `offset + size_of::<*const u8>() <= buf.len()`); for
            // `done > 0` it is a later slot on the way to a reachable element (the view is
            // non-empty), valid for reading a pointer by 7c. `read_unaligned` keeps the stored
            // pointer's provenance.
            let q = unsafe { ptr::read_unaligned(p as *const *const u8) };
            p = q.wrapping_offset(ind.suboffsets[done]);
            done += 1;
        }
        let indirect = (done < ind.suboffsets.len()).then(|| Indirect {
            level: ind.level.iter().map(|&l| l.saturating_sub(done)).collect(),
            suboffsets: ind.suboffsets[done..].to_vec(),
        });
        let geom = Geometry {
            offset: 0,
            indirect,
            ..self.geom.clone()
        };
        Some((p, geom))
    }

    /// A shared view of the same bytes with the same geometry.
    pub(crate) fn reborrow(&self) -> RawView<&[u8]> {
        // SAFETY: same buffer (same length) and same geometry, which satisfies 1–7 because
        // `self` does (7c for a shared borrow asks less than for `B`).
        unsafe { RawView::new_unchecked(&*self.buf, self.geom.clone()) }
    }

    /// The start of the element at a checked `index` (every `index[k] < shape[k]`).
    fn address(&self, index: &[usize]) -> *const u8 {
        let g = &self.geom;
        match &g.indirect {
            // SAFETY: `self` is a valid view (1–7) over `self.buf`, `ind` is its indirection,
            // and the caller checked `index` against the shape.
            Some(ind) => unsafe { indirect_address(self.buf.as_ptr(), g, ind, index) },
            None => {
                // No extent is zero (each has an index below it), so invariant 5 applies:
                // every partial sum lies in `lo ..= hi`, inside `0 ..= isize::MAX`.
                let mut p = g.offset as isize;
                for (&i, &s) in index.iter().zip(&g.strides) {
                    p += i as isize * s;
                }
                self.buf.as_ptr().wrapping_add(p as usize)
            }
        }
    }

    /// Whether `index` has one position per axis, each inside the shape.
    fn in_shape(&self, index: &[usize]) -> bool {
        let g = &self.geom;
        index.len() == g.ndim() && index.iter().zip(&g.shape).all(|(&i, &n)| i < n)
    }

    /// The bytes of the element at `index` (one index per axis, each `< shape[k]`), or `None`
    /// if the index has the wrong length or is out of bounds.
    pub(crate) fn item(&self, index: &[usize]) -> Option<&[u8]> {
        if !self.in_shape(index) {
            return None;
        }
        let p = self.address(index);
        // SAFETY: `index` is inside the shape, so `p` starts a reachable element: inside `buf`
        // by invariant 5 (direct), or valid for reads for `buf`'s borrow by 7c (indirect).
        Some(unsafe { std::slice::from_raw_parts(p, self.geom.itemsize) })
    }

    /// The elements in C order (last index fastest) or, with `fortran`, in F order.
    pub(crate) fn items(&self, fortran: bool) -> Items<'_> {
        let walk = match &self.geom.indirect {
            None => Walk::Direct(Offsets::new(&self.geom, fortran, false)),
            Some(_) => Walk::Indirect(Odometer::new(&self.geom.shape, fortran)),
        };
        Items {
            buf: &self.buf,
            geom: &self.geom,
            walk,
        }
    }

    /// The longest contiguous runs of bytes in the given order, each passed to `f`; their
    /// concatenation is the view's `tobytes(order)`. (For an indirect view each run is one
    /// element.)
    pub(crate) fn for_each_run(&self, fortran: bool, mut f: impl FnMut(&[u8])) {
        if self.geom.indirect.is_some() {
            self.items(fortran).for_each(f);
            return;
        }
        let offsets = Offsets::new(&self.geom, fortran, true);
        let run = offsets.run;
        for p in offsets {
            // SAFETY: `Offsets` yields starts of runs of `run` bytes that consist of whole
            // reachable elements laid end to end (see `Offsets::new`), so by invariant 5 the
            // range is inside `buf`.
            f(unsafe { self.buf.get_unchecked(p..p + run) });
        }
    }
}

impl<'a> RawView<&'a [u8]> {
    /// The whole buffer, for its full lifetime.
    pub(crate) fn slice(&self) -> &'a [u8] {
        self.buf
    }

    /// The same bytes with the axes in reverse order (NumPy's `.T`).
    pub(crate) fn transposed(&self) -> RawView<&'a [u8]> {
        // SAFETY: same buffer; reversing shape, strides and levels together permutes the
        // terms of the sums in 3, 5 and 7 and keeps 1, 2, 4 and 6, so the invariant still
        // holds and the same addresses are reached.
        unsafe { RawView::new_unchecked(self.buf, reversed(&self.geom)) }
    }

    /// A selection of this view (see [`Geometry::select`]).
    pub(crate) fn select(&self, plan: &[AxisOp]) -> Result<RawView<&'a [u8]>, ViewError> {
        let geom = self.geom.select(plan)?;
        // SAFETY: `geom` comes from `Geometry::select` of this view's geometry, same buffer.
        unsafe { RawView::derived(self.buf, geom) }
    }

    /// This view with its axes permuted (see [`Geometry::permuted`]).
    pub(crate) fn permute(&self, axes: &[usize]) -> Result<RawView<&'a [u8]>, ViewError> {
        let geom = self.geom.permuted(axes)?;
        // SAFETY: `geom` comes from `Geometry::permuted` of this view's geometry, same buffer.
        unsafe { RawView::derived(self.buf, geom) }
    }
}

impl<'a> RawView<&'a mut [u8]> {
    /// Give up writing: the same bytes and geometry, shared for `'a`.
    pub(crate) fn into_shared(self) -> RawView<&'a [u8]> {
        let RawView { buf, geom } = self;
        // SAFETY: same buffer (same length) and same geometry, which satisfies 1–7 because
        // `self` does.
        unsafe { RawView::new_unchecked(buf, geom) }
    }
}

impl<B: Bytes + DerefMut> RawView<B> {
    /// The whole underlying buffer, writable. Writing bytes cannot break invariants 1–6,
    /// which only concern the buffer's length. (For an indirect view, overwriting the pointers
    /// would break 7, so this is crate-private and only used on direct views.)
    pub(crate) fn buf_mut(&mut self) -> &mut [u8] {
        &mut self.buf
    }

    /// A writable view of the same bytes with the same geometry, borrowing `self`.
    pub(crate) fn reborrow_mut(&mut self) -> RawView<&mut [u8]> {
        // SAFETY: same buffer (same length) and same geometry, which satisfies 1–7 because
        // `self` does.
        unsafe { RawView::new_unchecked(&mut *self.buf, self.geom.clone()) }
    }

    /// [`Self::transposed`], writable.
    pub(crate) fn transposed_mut(&mut self) -> RawView<&mut [u8]> {
        let geom = reversed(&self.geom);
        // SAFETY: as in `transposed`: reversing the axes keeps invariants 1–7.
        unsafe { RawView::new_unchecked(&mut *self.buf, geom) }
    }

    /// [`RawView::select`], writable.
    pub(crate) fn select_mut(&mut self, plan: &[AxisOp]) -> Result<RawView<&mut [u8]>, ViewError> {
        let geom = self.geom.select(plan)?;
        // SAFETY: `geom` comes from `Geometry::select` of this view's geometry, same buffer.
        unsafe { RawView::derived(&mut *self.buf, geom) }
    }

    /// [`RawView::permute`], writable.
    pub(crate) fn permute_mut(&mut self, axes: &[usize]) -> Result<RawView<&mut [u8]>, ViewError> {
        let geom = self.geom.permuted(axes)?;
        // SAFETY: `geom` comes from `Geometry::permuted` of this view's geometry, same buffer.
        unsafe { RawView::derived(&mut *self.buf, geom) }
    }

    /// The start of the element at a checked `index`, as a pointer that may be written
    /// through (derived from the unique borrow of `buf` for direct views, from the stored
    /// pointers for indirect ones).
    fn address_mut(&mut self, index: &[usize]) -> *mut u8 {
        match &self.geom.indirect {
            Some(ind) => {
                // SAFETY: as in `address`.
                unsafe { indirect_address(self.buf.as_ptr(), &self.geom, ind, index) as *mut u8 }
            }
            None => {
                let p = self.address(index) as usize - self.buf.as_ptr() as usize;
                self.buf.as_mut_ptr().wrapping_add(p)
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
        // SAFETY: as in `item`: a reachable element, inside `buf` (5) or valid for writes and
        // not otherwise accessed during the borrow (7c); `&mut self` makes this the only
        // borrow handed out.
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
        let offsets = Offsets::new(&self.geom, fortran, false);
        for p in offsets {
            // SAFETY: `p` is a reachable element start, in bounds by invariant 5; the borrow
            // ends before the next element is handed out.
            f(unsafe { self.buf.get_unchecked_mut(p..p + n) });
        }
    }

    /// The longest contiguous runs, writable, in C (or F) order.
    pub(crate) fn for_each_run_mut(&mut self, fortran: bool, mut f: impl FnMut(&mut [u8])) {
        if self.geom.indirect.is_some() {
            self.for_each_item_mut(fortran, f);
            return;
        }
        let offsets = Offsets::new(&self.geom, fortran, true);
        let run = offsets.run;
        for p in offsets {
            // SAFETY: as in `for_each_run`: a run of whole reachable elements, in bounds by 5.
            f(unsafe { self.buf.get_unchecked_mut(p..p + run) });
        }
    }
}

/// Iterator over the elements of a [`RawView`], as byte slices of `itemsize` bytes.
#[derive(Clone, Debug)]
pub(crate) struct Items<'b> {
    buf: &'b [u8],
    geom: &'b Geometry,
    walk: Walk,
}

#[derive(Clone, Debug)]
enum Walk {
    Direct(Offsets),
    Indirect(Odometer),
}

impl<'b> Iterator for Items<'b> {
    type Item = &'b [u8];

    fn next(&mut self) -> Option<&'b [u8]> {
        let n = self.geom.itemsize;
        match &mut self.walk {
            Walk::Direct(offsets) => {
                let p = offsets.next()?;
                // SAFETY: `Offsets` was built from the validated geometry of the view `buf`
                // belongs to, and yields reachable element starts; `p .. p + itemsize` is in
                // bounds by invariant 5.
                Some(unsafe { self.buf.get_unchecked(p..p + n) })
            }
            Walk::Indirect(odo) => {
                let index = odo.current()?;
                let ind = self.geom.indirect.as_ref()?;
                // SAFETY: `geom` is the valid indirect geometry of the view over `buf`, and
                // the odometer only yields indices inside the shape.
                let p = unsafe { indirect_address(self.buf.as_ptr(), self.geom, ind, index) };
                odo.advance();
                // SAFETY: a reachable element: valid for reads for `buf`'s borrow `'b` by 7c.
                Some(unsafe { std::slice::from_raw_parts(p, n) })
            }
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        match &self.walk {
            Walk::Direct(o) => o.size_hint(),
            Walk::Indirect(o) => (o.remaining, Some(o.remaining)),
        }
    }
}

impl ExactSizeIterator for Items<'_> {}

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

/// Odometer over the start positions of elements (or of merged contiguous runs) of a validated
/// geometry. Private to this module: only built from the geometry of a `RawView`.
#[derive(Clone, Debug)]
struct Offsets {
    /// `(extent, stride)` of the walked axes, innermost first.
    axes: Vec<(usize, isize)>,
    counters: Vec<usize>,
    pos: isize,
    remaining: usize,
    /// Bytes per yielded position: `itemsize`, or the merged run length.
    run: usize,
}

impl Offsets {
    /// Walk `g` in C order (or F order with `fortran`). With `merge`, the innermost axes that
    /// continue a contiguous run (stride equal to the bytes so far, or extent 1) are folded into
    /// `run`, so each position starts `run / itemsize` consecutive elements.
    fn new(g: &Geometry, fortran: bool, merge: bool) -> Offsets {
        let ndim = g.ndim();
        let axis = |k: usize| if fortran { k } else { ndim - 1 - k };
        let empty = g.shape.contains(&0);
        let mut run = g.itemsize;
        let mut inner = 0;
        if merge && !empty {
            while inner < ndim {
                let a = axis(inner);
                let n = g.shape[a];
                if n == 1 || g.strides[a] == run as isize {
                    // Fits: `run <= nbytes`, which fits isize by invariant 3.
                    run *= n;
                    inner += 1;
                } else {
                    break;
                }
            }
        }
        let axes: Vec<(usize, isize)> = (inner..ndim)
            .map(axis)
            .map(|a| (g.shape[a], g.strides[a]))
            .collect();
        let remaining = if empty {
            0
        } else {
            axes.iter().map(|&(n, _)| n).product()
        };
        Offsets {
            counters: vec![0; axes.len()],
            axes,
            pos: g.offset as isize,
            remaining,
            run,
        }
    }
}

impl Iterator for Offsets {
    type Item = usize;

    fn next(&mut self) -> Option<usize> {
        if self.remaining == 0 {
            return None;
        }
        self.remaining -= 1;
        let current = self.pos as usize;
        if self.remaining > 0 {
            // Advance the odometer. Every intermediate `pos` is a partial sum of the kind
            // invariant 5 bounds, so plain arithmetic cannot overflow.
            for k in 0..self.axes.len() {
                let (n, s) = self.axes[k];
                if self.counters[k] + 1 < n {
                    self.counters[k] += 1;
                    self.pos += s;
                    break;
                }
                self.pos -= (n - 1) as isize * s;
                self.counters[k] = 0;
            }
        }
        Some(current)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.remaining, Some(self.remaining))
    }
}

// ---------------------------------------------------------------------------------------------
// Appended for the ndarray interop (issue 4; the public API is in `src/ndarray.rs`): the bytes
// of an array that owns its storage, gaps between the elements included.
// ---------------------------------------------------------------------------------------------

/// The byte span of an owned `ndarray` array (`Array`, `ArcArray`) whose elements need not
/// tile one block (`a.slice_move(s![.., ..;2])`, reversed or transposed axes).
///
/// A view over such an array needs one `&[u8]` from the lowest to the highest element, which
/// also covers the values between the elements. For an array *view* those values may be
/// borrowed mutably elsewhere (`multi_slice_mut`), so `from_array` refuses; for an array that
/// owns its storage the span is sound because of these facts about ndarray's owned storage
/// (numbered so the `SAFETY` comments below can cite them; they complement the view
/// invariant 1–7 above, which `MemoryView::from_format` then checks as for any buffer):
///
/// * **O1 (one allocation).** An `Array<A, D>` (`OwnedRepr`) keeps its elements in one
///   vector of `len` values of `A`; an `ArcArray` shares one such vector through an `Arc`.
///   Element `i` of the array is at `as_ptr() + Σ i[k]·strides[k]` (in units of `A`) and lies
///   among those `len` values. `as_ptr()` is the vector's pointer offset by ndarray (it is never
///   re-derived from a reference to one element), so it carries the provenance of the whole
///   allocation, and offsets to any of the `len` values stay inside it.
/// * **O2 (initialised).** All `len` values are initialised, also those that slicing left out
///   of the array: the safe constructors fill the whole vector, and for owned arrays
///   `ArrayBase::assume_init` requires the promise to cover "all of the array's storage". With
///   `A: NoUninit` every byte of those values is initialised (no padding).
/// * **O3 (shared borrow).** While `&'a` the array is held, nothing writes to its storage:
///   an `Array` owns it alone; an `ArcArray` writes only to storage it holds uniquely, and any
///   other clone sharing this one's storage first copies it (copy on write: `Arc::get_mut`
///   fails while this array exists). `A: NoUninit` also rules out interior mutability
///   (`NoUninit: Copy`, and no `UnsafeCell` is `Copy`).
/// * **O4 (exclusive borrow).** While `&'a mut` the array is held, nothing else accesses its
///   storage: an `Array` owns it, and for an `ArcArray` `as_mut_ptr` first makes the storage
///   unique (`Arc::make_mut`, or a fresh copy), after which no other clone refers to it. The
///   array's shape and strides are read *after* that call (unsharing may change them).
///   With `A: Pod` any bytes written through the span form valid values of `A`.
mod owned_span {
    use bytemuck::{NoUninit, Pod};
    use ndarray::{ArcArray, Array, Dimension};

    use crate::view::{MemoryView, MemoryViewMut};

    /// The bytes of an owned array's span, the byte offset of element `[0, …, 0]` in them, and
    /// the array's shape and element strides as they were when the span was taken.
    pub(crate) type OwnedSpan<B> = (B, usize, Vec<usize>, Vec<isize>);

    /// The lowest element's offset from the first (`<= 0`) and the number of values from the
    /// lowest to the highest element, in units of the element; `None` for an empty array or on
    /// overflow (which a valid array cannot reach).
    fn element_span(shape: &[usize], strides: &[isize]) -> Option<(isize, usize)> {
        if shape.contains(&0) {
            return None;
        }
        let (mut lo, mut hi) = (0isize, 0isize);
        for (&n, &s) in shape.iter().zip(strides) {
            let d = isize::try_from(n - 1).ok()?.checked_mul(s)?;
            if d < 0 {
                lo = lo.checked_add(d)?;
            } else {
                hi = hi.checked_add(d)?;
            }
        }
        let len = usize::try_from(hi.checked_sub(lo)?.checked_add(1)?).ok()?;
        Some((lo, len))
    }

    /// Where the span starts, its length in bytes and the byte offset of the first element.
    fn byte_span<A>(first: *const A, lo: isize, len: usize) -> Option<(*const u8, usize, usize)> {
        let size = std::mem::size_of::<A>();
        let bytes = len.checked_mul(size)?;
        let offset = lo.unsigned_abs().checked_mul(size)?;
        Some((first.wrapping_offset(lo).cast::<u8>(), bytes, offset))
    }

    /// The span of a shared owned array with its shape and element strides (taken by value so
    /// they are returned with it); the empty span for an empty array; `None` only on overflow.
    ///
    /// # Safety
    /// `first`, `shape` and `strides` are those of an `Array` or `ArcArray` of `A` that stays
    /// borrowed (shared) for `'b`, so that O1–O3 hold for `'b`.
    unsafe fn span<'b, A: NoUninit>(
        first: *const A,
        shape: Vec<usize>,
        strides: Vec<isize>,
    ) -> Option<OwnedSpan<&'b [u8]>> {
        if shape.contains(&0) {
            return Some((&[][..], 0, shape, strides));
        }
        let (lo, len) = element_span(&shape, &strides)?;
        let (start, bytes, offset) = byte_span(first, lo, len)?;
        // SAFETY: `start .. start + bytes` are the values from the lowest to the highest
        // element, all inside the array's one allocation and reachable from `first`'s
        // provenance (O1); they are initialised bytes (O2) that nothing writes for `'b` (O3);
        // `bytes <= isize::MAX` because they lie in one allocation.
        let bytes = unsafe { std::slice::from_raw_parts(start, bytes) };
        Some((bytes, offset, shape, strides))
    }

    /// The writable span of an exclusively borrowed owned array, as [`span`] gives the shared
    /// one.
    ///
    /// # Safety
    /// `first`, `shape` and `strides` are those of an `Array` or `ArcArray` of `A` that stays
    /// mutably borrowed for `'b`, taken after `as_mut_ptr` (so O1, O2 and O4 hold for `'b`).
    unsafe fn span_mut<'b, A: Pod>(
        first: *mut A,
        shape: Vec<usize>,
        strides: Vec<isize>,
    ) -> Option<OwnedSpan<&'b mut [u8]>> {
        if shape.contains(&0) {
            return Some((&mut [][..], 0, shape, strides));
        }
        let (lo, len) = element_span(&shape, &strides)?;
        let (start, bytes, offset) = byte_span(first.cast_const(), lo, len)?;
        // SAFETY: as in `span` (O1, O2): the values from the lowest to the highest element,
        // initialised, inside one allocation; `start` keeps `first`'s provenance, which came
        // from `as_mut_ptr` and so permits writes. Nothing else reads or writes them for `'b`
        // (O4), and any bytes written form valid `A` values (`A: Pod`).
        let bytes = unsafe { std::slice::from_raw_parts_mut(start.cast_mut(), bytes) };
        Some((bytes, offset, shape, strides))
    }

    impl<'a> MemoryView<'a> {
        /// The bytes of an `Array`'s storage from its lowest to its highest element (empty for
        /// an empty array), for [`MemoryView::from_owned_array`].
        pub(crate) fn owned_array_span<A: NoUninit, D: Dimension>(
            a: &'a Array<A, D>,
        ) -> Option<OwnedSpan<&'a [u8]>> {
            let (shape, strides) = (a.shape().to_vec(), a.strides().to_vec());
            // SAFETY: pointer, shape and strides of an `Array`, borrowed for `'a` (O1–O3).
            unsafe { span(a.as_ptr(), shape, strides) }
        }

        /// [`Self::owned_array_span`] for an `ArcArray`.
        pub(crate) fn arc_array_span<A: NoUninit, D: Dimension>(
            a: &'a ArcArray<A, D>,
        ) -> Option<OwnedSpan<&'a [u8]>> {
            let (shape, strides) = (a.shape().to_vec(), a.strides().to_vec());
            // SAFETY: pointer, shape and strides of an `ArcArray`, borrowed for `'a` (O1–O3).
            unsafe { span(a.as_ptr(), shape, strides) }
        }
    }

    impl<'a> MemoryViewMut<'a> {
        /// The writable bytes of an `Array`'s storage from its lowest to its highest element,
        /// for [`MemoryViewMut::from_owned_array_mut`].
        pub(crate) fn owned_array_span_mut<A: Pod, D: Dimension>(
            a: &'a mut Array<A, D>,
        ) -> Option<OwnedSpan<&'a mut [u8]>> {
            let first = a.as_mut_ptr();
            let (shape, strides) = (a.shape().to_vec(), a.strides().to_vec());
            // SAFETY: pointer (from `as_mut_ptr`), shape and strides of an `Array`, mutably
            // borrowed for `'a` and not used again here (O1, O2, O4).
            unsafe { span_mut(first, shape, strides) }
        }

        /// [`Self::owned_array_span_mut`] for an `ArcArray`: its storage is made unique first.
        pub(crate) fn arc_array_span_mut<A: Pod, D: Dimension>(
            a: &'a mut ArcArray<A, D>,
        ) -> Option<OwnedSpan<&'a mut [u8]>> {
            // Unshares the storage (copy on write); shape and strides are read afterwards.
            let first = a.as_mut_ptr();
            let (shape, strides) = (a.shape().to_vec(), a.strides().to_vec());
            // SAFETY: pointer from `as_mut_ptr` (storage now unique), shape and strides read
            // after it, of an `ArcArray` mutably borrowed for `'a` and not used again here
            // (O1, O2, O4).
            unsafe { span_mut(first, shape, strides) }
        }
    }
}
