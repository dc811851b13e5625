//! The geometry of a view — offset, itemsize, shape, strides and, for PEP 3118 indirect
//! (PIL-style) views, where pointers are followed — and the checks of invariants 1–7 of the
//! raw module (see its docs): plain numbers and checked arithmetic, no `unsafe`. A `Geometry`
//! on its own promises nothing; [`RawView`](super::RawView)'s constructors check it against
//! a buffer, and the derivations here ([`Geometry::select`], [`Geometry::permuted`]) only ever
//! reach a subset of the addresses of the geometry they start from.

#![forbid(unsafe_code)]

use super::super::error::ViewError;
use super::super::select::{self, SliceArg};
use super::axes::{Axes, INLINE};

/// The maximum number of dimensions (CPython's `PyBUF_MAX_NDIM`).
pub const MAX_NDIM: usize = 64;

/// The size of a pointer slot in an indirect view.
pub(crate) const PTR: usize = std::mem::size_of::<*const u8>();

/// Offset, itemsize, shape and strides of a view, in bytes. Plain numbers: a `Geometry` on its
/// own promises nothing; [`RawView::new`](super::RawView::new) checks it against a buffer.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub(crate) struct Geometry {
    /// Byte index of element `[0, ..., 0]`.
    pub(crate) offset: usize,
    /// Bytes per element.
    pub(crate) itemsize: usize,
    /// Extent of each axis.
    pub(crate) shape: Axes<usize>,
    /// Byte step of each axis.
    pub(crate) strides: Axes<isize>,
    /// Pointer dereferences (suboffsets), for indirect views only (invariant 7).
    /// (Boxed: rare, and it keeps a direct geometry small to move.)
    pub(crate) indirect: Option<Box<Indirect>>,
}

/// Where an indirect view dereferences pointers (invariant 7).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Indirect {
    /// For each axis, the level its stride is applied in (`0..=suboffsets.len()`).
    pub(crate) level: Axes<usize>,
    /// For each dereference, the byte offset added to the loaded pointer.
    pub(crate) suboffsets: Vec<isize>,
}

impl Indirect {
    /// From PEP 3118 suboffsets (one per axis; a value `>= 0` dereferences after that axis's
    /// stride), or `None` when none is `>= 0` (a direct layout).
    pub(crate) fn from_pep3118(suboffsets: &[isize]) -> Option<Box<Indirect>> {
        let mut level = Vec::with_capacity(suboffsets.len());
        let mut subs = Vec::new();
        for &s in suboffsets {
            level.push(subs.len());
            if s >= 0 {
                subs.push(s);
            }
        }
        (!subs.is_empty()).then(|| {
            Box::new(Indirect {
                level: level.into(),
                suboffsets: subs,
            })
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
    #[inline]
    pub(crate) fn ndim(&self) -> usize {
        self.shape.len()
    }

    /// Number of elements (`Π shape`); saturates, which cannot happen for a validated view.
    #[inline]
    pub(crate) fn nelements(&self) -> usize {
        self.shape.iter().fold(1usize, |a, &n| a.saturating_mul(n))
    }

    /// `Π shape * itemsize`; saturates, which cannot happen for a validated view.
    #[inline]
    pub(crate) fn nbytes(&self) -> usize {
        self.nelements().saturating_mul(self.itemsize)
    }

    /// `PyBuffer_IsContiguous(view, 'C')`: walking from the last axis, every axis of extent > 1
    /// has stride `itemsize * Π later extents`; an empty view is contiguous.
    #[inline]
    pub(crate) fn is_c_contiguous(&self) -> bool {
        self.is_contiguous_in(self.ndim(), |k, n| n - 1 - k)
    }

    /// `PyBuffer_IsContiguous(view, 'F')`: as [`Self::is_c_contiguous`] from the first axis.
    pub(crate) fn is_f_contiguous(&self) -> bool {
        self.is_contiguous_in(self.ndim(), |k, _| k)
    }

    #[inline]
    fn is_contiguous_in(&self, ndim: usize, axis: impl Fn(usize, usize) -> usize) -> bool {
        // Never for an indirect view, even an empty one (CPython: any suboffsets clear C and F).
        if self.indirect.is_some() {
            return false;
        }
        let (shape, strides) = (&self.shape[..], &self.strides[..]);
        if shape.contains(&0) {
            return true;
        }
        // `expected` stays below the byte count of a valid view's elements, which fits isize;
        // for other geometries it may saturate, and then no (non-negative) stride matches it.
        let mut expected = self.itemsize;
        for k in 0..ndim {
            let a = axis(k, ndim);
            let n = shape[a];
            if n > 1 && (strides[a] < 0 || strides[a] as usize != expected) {
                return false;
            }
            expected = expected.saturating_mul(n);
        }
        true
    }

    /// C-contiguous strides for `shape` and `itemsize`, or `None` on overflow, and when an
    /// extent or the itemsize does not fit `isize` (invariant 3), even in an empty shape:
    /// `reshaped` and `cast` rely on it for `[2^64 - 1, 0]`.
    /// For an empty shape (some extent 0) the strides are never used (invariant 6): they
    /// saturate instead of overflowing, so `[66, 0, 2^62]` has strides too.
    #[inline]
    pub(crate) fn c_strides(shape: &[usize], itemsize: usize) -> Option<Axes<isize>> {
        let empty = shape.contains(&0);
        let mut step = isize::try_from(itemsize).ok()?;
        // The stride of an axis of extent `n`, after the later axes'.
        let mut next = |n: usize| -> Option<isize> {
            let stride = step;
            let n = isize::try_from(n.max(1)).ok()?;
            step = if empty {
                step.saturating_mul(n)
            } else {
                step.checked_mul(n)?
            };
            Some(stride)
        };
        if shape.len() <= INLINE {
            // Fixed indices (the loop unrolls), so the strides are built in registers and
            // stored once. Written one by one into memory and then moved as a list, they cost a
            // stalled load (a 16-byte load of 8-byte stores just made): a 2-D `cast_format`
            // took 49–52 ns that way and 44–47 ns this way (criterion, Intel Xeon).
            let mut buf = [0isize; INLINE];
            for k in (0..INLINE).rev() {
                if k < shape.len() {
                    buf[k] = next(shape[k])?;
                }
            }
            return Some(Axes::inline(shape.len(), buf));
        }
        let mut strides = Axes::repeat(0isize, shape.len());
        for (s, &n) in strides.iter_mut().zip(shape).rev() {
            *s = next(n)?;
        }
        Some(strides)
    }

    /// Check invariants 1–6 (and 7a, 7b for an indirect view) against a buffer of `len` bytes;
    /// each check names its number.
    #[inline]
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
    #[inline]
    fn validate_direct(&self, len: usize) -> Result<(), ViewError> {
        self.validate_sizes(len)?;
        // 6. an empty view reaches no byte: nothing more to check.
        if self.shape.contains(&0) {
            return Ok(());
        }
        self.validate_corners(len)
    }

    /// Invariants 1–4.
    #[inline]
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
            shape: self.shape.to_vec(),
            itemsize: self.itemsize,
        };
        // The product is 0 when some extent is, whatever the others: checking the running
        // product axis by axis would refuse `[2^62, 2^62, 0]` but accept its transpose.
        let mut count: isize = if self.shape.contains(&0) { 0 } else { 1 };
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
    #[inline]
    fn validate_corners(&self, len: usize) -> Result<(), ViewError> {
        // `offset <= len <= isize::MAX` by 4 and because slices never exceed isize::MAX bytes.
        let offset = isize::try_from(self.offset).map_err(|_| ViewError::OffsetOutOfBounds {
            offset: self.offset,
            len,
        })?;
        let (lo, hi) = corner_sums(&self.shape, &self.strides, offset)?;
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

    /// The bytes the elements reach, relative to element `[0, …, 0]`: `lo ..= 0 < end`
    /// (`lo = Σ_{stride < 0} (n - 1)·stride`, `end = Σ_{stride > 0} (n - 1)·stride +
    /// itemsize`), or `None` when some extent is zero. The one computation of a view's extent:
    /// exporters and importers of raw buffers and the `ndarray` spans use it.
    ///
    /// # Errors
    /// [`ViewError::StrideOverflow`] / [`ViewError::SizeOverflow`] when a sum, or the span's
    /// length `end - lo`, does not fit `isize`.
    pub(crate) fn extent(&self) -> Result<Option<(isize, isize)>, ViewError> {
        if self.shape.contains(&0) {
            return Ok(None);
        }
        let (lo, hi) = corner_sums(&self.shape, &self.strides, 0)?;
        let too_big = || ViewError::SizeOverflow {
            shape: self.shape.to_vec(),
            itemsize: self.itemsize,
        };
        let end = isize::try_from(self.itemsize)
            .ok()
            .and_then(|n| hi.checked_add(n))
            .ok_or_else(too_big)?;
        end.checked_sub(lo).ok_or_else(too_big)?;
        Ok(Some((lo, end)))
    }

    /// If the elements exactly tile one block of memory — in some order of the axes, with any
    /// stride signs, axes of extent 1 ignored — that block as `start .. end` byte positions.
    /// `None` for an empty or indirect view, and when elements leave gaps or overlap.
    pub(crate) fn memory_block(&self) -> Option<(usize, usize)> {
        if self.indirect.is_some() || self.shape.contains(&0) {
            return None;
        }
        let mut axes: Axes<usize> = (0..self.ndim()).filter(|&k| self.shape[k] != 1).collect();
        axes.sort_by_key(|&k| self.strides[k].unsigned_abs());
        let mut expect = self.itemsize;
        let mut lo = self.offset as isize;
        for &k in &axes {
            if self.strides[k].unsigned_abs() != expect {
                return None;
            }
            if self.strides[k] < 0 {
                // A partial corner sum: inside the buffer for a validated geometry (5).
                lo += (self.shape[k] as isize - 1) * self.strides[k];
            }
            expect = expect.checked_mul(self.shape[k])?;
        }
        Some((lo as usize, lo as usize + expect))
    }

    /// A part of each element as the elements of a new geometry (a field of a struct): the
    /// bytes `field_offset .. field_offset + itemsize` of every element, with a sub-array's
    /// axes (`sub_shape`, `sub_strides`, non-negative) appended after the view's own. Every
    /// byte the result reaches is a byte of one of `self`'s elements.
    ///
    /// # Errors
    /// [`ViewError::FieldOutsideItem`] when the part does not lie inside the item;
    /// [`ViewError::TooManyDimensions`]; [`ViewError::RequiresSuboffsets`] for an indirect
    /// view.
    pub(crate) fn project(
        &self,
        field_offset: usize,
        itemsize: usize,
        sub_shape: &[usize],
        sub_strides: &[isize],
    ) -> Result<Geometry, ViewError> {
        if self.indirect.is_some() {
            return Err(ViewError::RequiresSuboffsets);
        }
        let outside = || ViewError::FieldOutsideItem {
            offset: field_offset,
            size: itemsize,
            itemsize: self.itemsize,
        };
        if itemsize == 0 || sub_shape.len() != sub_strides.len() {
            return Err(outside());
        }
        // The furthest byte a sub-array element reaches, from the field's start.
        let mut reach = itemsize;
        if !sub_shape.contains(&0) {
            for (&n, &s) in sub_shape.iter().zip(sub_strides) {
                let step = usize::try_from(s).map_err(|_| outside())?;
                reach = (n - 1)
                    .checked_mul(step)
                    .and_then(|d| reach.checked_add(d))
                    .ok_or_else(outside)?;
            }
        }
        if field_offset
            .checked_add(reach)
            .is_none_or(|end| end > self.itemsize)
        {
            return Err(outside());
        }
        let ndim = self.ndim() + sub_shape.len();
        if ndim > MAX_NDIM {
            return Err(ViewError::TooManyDimensions { ndim });
        }
        let mut shape = self.shape.clone();
        shape.extend_from_slice(sub_shape);
        let mut strides = self.strides.clone();
        strides.extend_from_slice(sub_strides);
        // The offset moves only when the result has elements (then `offset + itemsize <= len`
        // and the field lies inside the item); an empty view keeps its offset, which may be
        // anywhere up to the buffer's end (4).
        let empty = self.shape.contains(&0) || sub_shape.contains(&0);
        Ok(Geometry {
            offset: if empty {
                self.offset
            } else {
                self.offset + field_offset
            },
            itemsize,
            shape,
            strides,
            indirect: None,
        })
    }
}

impl Geometry {
    /// NumPy's `broadcast_to(shape)`: axes are matched from the end; an axis of extent 1
    /// repeats (stride 0) to any extent, missing leading axes are added with stride 0, equal
    /// extents keep their stride. Every position of the result is a position of `self`.
    ///
    /// # Errors
    /// [`ViewError::BroadcastShape`] when an extent neither matches nor is 1, or `shape` has
    /// fewer axes; [`ViewError::TooManyDimensions`]; [`ViewError::RequiresSuboffsets`] for an
    /// indirect view.
    pub(crate) fn broadcast_to(&self, shape: &[usize]) -> Result<Geometry, ViewError> {
        if self.indirect.is_some() {
            return Err(ViewError::RequiresSuboffsets);
        }
        if shape.len() > MAX_NDIM {
            return Err(ViewError::TooManyDimensions { ndim: shape.len() });
        }
        let refuse = || ViewError::BroadcastShape {
            from: self.shape.to_vec(),
            to: shape.to_vec(),
        };
        let extra = shape.len().checked_sub(self.ndim()).ok_or_else(refuse)?;
        let mut strides = Axes::repeat(0isize, shape.len());
        for (k, (&n, &s)) in self.shape.iter().zip(&self.strides).enumerate() {
            let want = shape[extra + k];
            strides[extra + k] = match (n, want) {
                (n, w) if n == w => s,
                (1, _) => 0,
                _ => return Err(refuse()),
            };
        }
        Ok(Geometry {
            offset: self.offset,
            itemsize: self.itemsize,
            shape: shape.into(),
            strides,
            indirect: None,
        })
    }
}

/// The multi-index of the `flat`-th element in C order of `shape` (for messages naming an
/// element).
pub(crate) fn unravel(shape: &[usize], mut flat: usize) -> Vec<usize> {
    let mut index = vec![0; shape.len()];
    for (k, &n) in shape.iter().enumerate().rev() {
        if n > 0 {
            index[k] = flat % n;
            flat /= n;
        }
    }
    index
}

/// The corner sums of invariant 5 from `start`: `(start + Σ_{s < 0} (n-1)·s, start +
/// Σ_{s > 0} (n-1)·s)` for extents `n >= 1`, with every partial sum checked.
#[inline]
fn corner_sums(
    shape: &[usize],
    strides: &[isize],
    start: isize,
) -> Result<(isize, isize), ViewError> {
    let (mut lo, mut hi) = (start, start);
    for (axis, (&n, &stride)) in shape.iter().zip(strides).enumerate() {
        let overflow = || ViewError::StrideOverflow {
            axis,
            extent: n,
            stride,
        };
        let span = isize::try_from(n.saturating_sub(1))
            .ok()
            .and_then(|m| m.checked_mul(stride))
            .ok_or_else(overflow)?;
        if span < 0 {
            lo = lo.checked_add(span).ok_or_else(overflow)?;
        } else {
            hi = hi.checked_add(span).ok_or_else(overflow)?;
        }
    }
    Ok((lo, hi))
}

/// `g` with shape and strides reversed.
pub(crate) fn reversed(g: &Geometry) -> Geometry {
    Geometry {
        offset: g.offset,
        itemsize: g.itemsize,
        shape: g.shape.iter().rev().copied().collect(),
        strides: g.strides.iter().rev().copied().collect(),
        indirect: g.indirect.as_ref().map(|ind| {
            Box::new(Indirect {
                level: ind.level.iter().rev().copied().collect(),
                suboffsets: ind.suboffsets.clone(),
            })
        }),
    }
}

/// One step of a selection, resolved against the shape by the caller (the `select` module)
/// and checked again by [`Geometry::select`]. `Index` and `Slice` use up the next axis of the
/// source; axes left over at the end are kept as they are.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
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
    #[default]
    NewAxis,
}

impl AxisOp {
    /// Check that the step consumes an axis of extent `n` sensibly: an index below `n`; a
    /// slice with a non-zero step whose positions all lie in `0..n`.
    #[inline]
    fn check(self, axis: usize, n: usize) -> Result<(), ViewError> {
        match self {
            AxisOp::Index { index } if index >= n => Err(ViewError::IndexOutOfBounds {
                axis,
                index: index as isize,
                size: n,
            }),
            AxisOp::Slice { step: 0, .. } => Err(ViewError::SliceStepZero),
            AxisOp::Slice { start, step, len } if len > 0 => {
                // `last` is inside the axis exactly when it is computed without overflow and
                // lands in `0..n` (`n - 1 <= isize::MAX` positions apart from `start`).
                let last = isize::try_from(len - 1)
                    .ok()
                    .and_then(|k| k.checked_mul(step))
                    .and_then(|d| d.checked_add(start));
                let inside = |p: isize| usize::try_from(p).is_ok_and(|p| p < n);
                if !inside(start) || !last.is_some_and(inside) {
                    Err(ViewError::IndexOutOfBounds {
                        axis,
                        index: start,
                        size: n,
                    })
                } else {
                    Ok(())
                }
            }
            _ => Ok(()),
        }
    }
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
    #[inline]
    pub(crate) fn select(&self, plan: &[AxisOp]) -> Result<Geometry, ViewError> {
        if self.indirect.is_none() {
            return self.select_direct(plan.iter().map(|&op| Ok(op)));
        }
        let ndim = self.ndim();
        let source_empty = self.shape.contains(&0);
        let mut shape = Axes::new();
        let mut strides = Axes::new();
        let mut levels = Axes::new();
        // (level, shift) of each fixed or sliced axis.
        let mut shifts: Axes<(usize, isize)> = Axes::new();
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
                    op.check(axis, n)?;
                    shifts.push((level, wrap(index)));
                }
                AxisOp::Slice { start, step, len } => {
                    op.check(axis, n)?;
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
        for &(level, shift) in shifts.iter() {
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

    /// Resolve a selection ([`select::ops`]) and apply it: for a direct view step by step as
    /// the steps are resolved, with no plan stored; an indirect one takes the whole plan.
    #[inline]
    pub(crate) fn select_args(&self, args: &[SliceArg]) -> Result<Geometry, ViewError> {
        if self.indirect.is_none() {
            self.select_direct(select::ops(&self.shape, args)?)
        } else {
            self.select(&select::plan(self, args)?)
        }
    }

    /// [`Geometry::select`] for a direct view, in one pass over the steps (each checked here,
    /// whoever resolved it): every kept position is a position of `self`, the offset is moved
    /// (checked) only when the result has elements.
    #[inline]
    fn select_direct(
        &self,
        plan: impl IntoIterator<Item = Result<AxisOp, ViewError>>,
    ) -> Result<Geometry, ViewError> {
        let ndim = self.ndim();
        let mut shape = Axes::new();
        let mut strides = Axes::new();
        let mut shift: i128 = 0;
        let mut empty = self.shape.contains(&0);
        let mut axis = 0;
        for op in plan {
            let op = op?;
            let (n, stride) = match op {
                AxisOp::NewAxis => {
                    shape.push(1);
                    strides.push(0);
                    continue;
                }
                _ => match self.shape.get(axis) {
                    Some(&n) => (n, self.strides[axis]),
                    None => {
                        return Err(ViewError::TooManyIndices {
                            ndim,
                            given: axis + 1,
                        })
                    }
                },
            };
            match op {
                AxisOp::Index { index } => {
                    op.check(axis, n)?;
                    shift += index as i128 * stride as i128;
                }
                AxisOp::Slice { start, step, len } => {
                    op.check(axis, n)?;
                    if len > 0 {
                        shift += start as i128 * stride as i128;
                    }
                    empty |= len == 0;
                    shape.push(len);
                    strides.push(stride.saturating_mul(step));
                }
                AxisOp::NewAxis => {}
            }
            axis += 1;
        }
        shape.extend_from_slice(&self.shape[axis.min(ndim)..]);
        strides.extend_from_slice(&self.strides[axis.min(ndim)..]);
        if shape.len() > MAX_NDIM {
            return Err(ViewError::TooManyDimensions { ndim: shape.len() });
        }
        // The offset only moves when the result has elements (it must stay inside the buffer).
        let offset = if empty {
            self.offset as i128
        } else {
            self.offset as i128 + shift
        };
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
            indirect: None,
        })
    }

    /// Give a C-contiguous geometry a new shape with the same number of elements. Valid by
    /// construction (no re-validation): the result is C-contiguous from the same offset over the
    /// same number of bytes, so it reaches exactly the bytes `self` reaches.
    #[inline]
    pub(crate) fn reshaped(&self, shape: &[usize]) -> Result<Geometry, ViewError> {
        let g = self;
        if shape.len() > MAX_NDIM {
            return Err(ViewError::TooManyDimensions { ndim: shape.len() });
        }
        if !g.is_c_contiguous() {
            return Err(ViewError::ReshapeNotContiguous);
        }
        let elements = g.nelements();
        let product = shape.iter().try_fold(1usize, |a, &n| a.checked_mul(n));
        if product != Some(elements) {
            return Err(ViewError::ReshapeSize {
                elements,
                shape: shape.to_vec(),
            });
        }
        let strides =
            Geometry::c_strides(shape, g.itemsize).ok_or_else(|| ViewError::SizeOverflow {
                shape: shape.to_vec(),
                itemsize: g.itemsize,
            })?;
        Ok(Geometry {
            offset: g.offset,
            itemsize: g.itemsize,
            shape: shape.into(),
            strides,
            indirect: None,
        })
    }

    /// `memoryview.cast` on the geometry: the bytes of a C-contiguous view reinterpreted as items
    /// of `itemsize` bytes, 1-D (`shape` `None`) or with the given shape. Check order follows
    /// CPython's `memoryview_cast_impl` for the checks it shares. Valid by construction, as
    /// [`reshaped`](Self::reshaped): C-contiguous from the same offset over the same bytes.
    #[inline]
    pub(crate) fn cast(
        &self,
        itemsize: usize,
        shape: Option<&[usize]>,
    ) -> Result<Geometry, ViewError> {
        let g = self;
        if !g.is_c_contiguous() {
            return Err(ViewError::CastNotContiguous);
        }
        if let Some(shape) = shape {
            if shape.len() > MAX_NDIM {
                return Err(ViewError::TooManyDimensions { ndim: shape.len() });
            }
        }
        if itemsize == 0 {
            return Err(ViewError::ItemsizeZero);
        }
        let nbytes = g.nbytes();
        if !nbytes.is_multiple_of(itemsize) {
            return Err(ViewError::CastLengthNotMultiple { nbytes, itemsize });
        }
        let shape: Axes<usize> = match shape {
            None => [nbytes / itemsize].into(),
            Some(shape) => {
                let product = shape
                    .iter()
                    .try_fold(itemsize, |a, &n| a.checked_mul(n))
                    .filter(|&p| isize::try_from(p).is_ok());
                if product != Some(nbytes) {
                    return Err(ViewError::CastShapeMismatch {
                        shape: shape.to_vec(),
                        itemsize,
                        nbytes,
                    });
                }
                shape.into()
            }
        };
        let strides =
            Geometry::c_strides(&shape, itemsize).ok_or_else(|| ViewError::SizeOverflow {
                shape: shape.to_vec(),
                itemsize,
            })?;
        Ok(Geometry {
            offset: g.offset,
            itemsize,
            shape,
            strides,
            indirect: None,
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
            indirect: self.indirect.as_ref().map(|ind| {
                Box::new(Indirect {
                    level: axes.iter().map(|&a| ind.level[a]).collect(),
                    suboffsets: ind.suboffsets.clone(),
                })
            }),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::Geometry;

    /// `c_strides` over inline (up to four axes) and longer shapes: each stride the product
    /// of the itemsize and the later extents (extents of 0 counted as 1); `None` when a
    /// non-empty shape's byte count overflows `isize`; saturated when the shape is empty.
    #[test]
    fn c_strides_are_products_of_later_extents() {
        let big = 1usize << 62;
        let shapes: [&[usize]; 12] = [
            &[],
            &[5],
            &[64, 64],
            &[2, 3, 4],
            &[2, 3, 4, 5],
            &[2, 3, 4, 5, 6],
            &[1, 2, 1, 3, 1, 4, 1],
            &[66, 0, big],
            &[0, big, big, big, big],
            &[big, 4],
            &[3, big, 2, 2, 2],
            &[1, 1, 1, 1, 1, 1, 1, 1, 1],
        ];
        for shape in shapes {
            for itemsize in [1usize, 8, 29] {
                let mut want = vec![0isize; shape.len()];
                let mut step = itemsize as i128;
                for (w, &n) in want.iter_mut().zip(shape).rev() {
                    *w = step.min(isize::MAX as i128) as isize;
                    step = step.saturating_mul(n.max(1) as i128);
                }
                let got = Geometry::c_strides(shape, itemsize);
                if !shape.contains(&0) && step > isize::MAX as i128 {
                    assert_eq!(got, None, "shape {shape:?}, itemsize {itemsize}");
                } else {
                    let got = got.unwrap_or_else(|| panic!("shape {shape:?}, {itemsize}"));
                    assert_eq!(&got[..], &want[..], "shape {shape:?}, itemsize {itemsize}");
                }
            }
        }
    }
}
