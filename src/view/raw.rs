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
//! Everything outside this module is safe code that can only build a `RawView` through the
//! checked [`RawView::new`].

use std::ops::{Deref, DerefMut};

use super::error::ViewError;

/// The maximum number of dimensions (CPython's `PyBUF_MAX_NDIM`).
pub const MAX_NDIM: usize = 64;

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

    /// Check invariants 1–6 against a buffer of `len` bytes; each check names its number.
    pub(crate) fn validate(&self, len: usize) -> Result<(), ViewError> {
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
        // 6. an empty view reaches no byte: nothing more to check.
        if self.shape.contains(&0) {
            return Ok(());
        }
        // 5. the corner sums, with checked arithmetic, inside the buffer.
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

/// A buffer and a geometry that satisfies the invariant in the module docs.
#[derive(Clone, Debug)]
pub(crate) struct RawView<B> {
    buf: B,
    geom: Geometry,
}

impl<B: Bytes> RawView<B> {
    /// Validate `geom` against `buf` (invariants 1–6), then wrap them.
    pub(crate) fn new(buf: B, geom: Geometry) -> Result<Self, ViewError> {
        geom.validate(buf.len())?;
        // SAFETY: `validate` checked invariants 1–6 for this `buf.len()`, and the length of a
        // `&[u8]`/`&mut [u8]` never changes.
        Ok(unsafe { Self::new_unchecked(buf, geom) })
    }

    /// Wrap `buf` and `geom` without checking.
    ///
    /// # Safety
    ///
    /// `geom` must satisfy invariants 1–6 of the module docs for `buf.len()`:
    /// 1. `shape.len() == strides.len() <= 64`;
    /// 2. `itemsize >= 1`;
    /// 3. `Π shape * itemsize` fits `isize`;
    /// 4. `offset <= buf.len()`;
    /// 5. if no extent is zero, the corner sums `lo`/`hi` are computed without overflow, and
    ///    `0 <= lo`, `hi + itemsize <= buf.len()`.
    pub(crate) unsafe fn new_unchecked(buf: B, geom: Geometry) -> Self {
        debug_assert_eq!(geom.validate(buf.len()), Ok(()));
        RawView { buf, geom }
    }

    /// The geometry (proven valid for [`Self::buf`]).
    pub(crate) fn geom(&self) -> &Geometry {
        &self.geom
    }

    /// The whole underlying buffer.
    pub(crate) fn buf(&self) -> &[u8] {
        &self.buf
    }

    /// A shared view of the same bytes with the same geometry.
    pub(crate) fn reborrow(&self) -> RawView<&[u8]> {
        // SAFETY: same buffer (same length) and same geometry, which satisfies 1–6 because
        // `self` does.
        unsafe { RawView::new_unchecked(&*self.buf, self.geom.clone()) }
    }

    /// The bytes of the element at `index` (one index per axis, each `< shape[k]`), or `None`
    /// if the index has the wrong length or is out of bounds.
    pub(crate) fn item(&self, index: &[usize]) -> Option<&[u8]> {
        let p = self.position(index)?;
        // SAFETY: `position` checked `index` against the shape, so `p` is a reachable element
        // start and `p .. p + itemsize` is inside `buf` by invariant 5.
        Some(unsafe { self.buf.get_unchecked(p..p + self.geom.itemsize) })
    }

    /// Byte position of the element at `index`, after checking `index` against the shape.
    fn position(&self, index: &[usize]) -> Option<usize> {
        let g = &self.geom;
        if index.len() != g.ndim() || index.iter().zip(&g.shape).any(|(&i, &n)| i >= n) {
            return None;
        }
        // No extent is zero (each has an index below it), so invariant 5 applies: every partial
        // sum lies in `lo ..= hi`, inside `0 ..= isize::MAX`, so no step overflows.
        let mut p = g.offset as isize;
        for (&i, &s) in index.iter().zip(&g.strides) {
            p += i as isize * s;
        }
        Some(p as usize)
    }

    /// The elements in C order (last index fastest) or, with `fortran`, in F order.
    pub(crate) fn items(&self, fortran: bool) -> Items<'_> {
        Items {
            buf: &self.buf,
            offsets: Offsets::new(&self.geom, fortran, false),
        }
    }

    /// The longest contiguous runs of bytes in the given order, each passed to `f`; their
    /// concatenation is the view's `tobytes(order)`.
    pub(crate) fn for_each_run(&self, fortran: bool, mut f: impl FnMut(&[u8])) {
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
        // SAFETY: same buffer; reversing shape and strides together permutes the terms of the
        // sums in 3 and 5 and keeps 1, 2, 4 and 6, so the invariant still holds.
        unsafe { RawView::new_unchecked(self.buf, reversed(&self.geom)) }
    }
}

impl<'a> RawView<&'a mut [u8]> {
    /// Give up writing: the same bytes and geometry, shared for `'a`.
    pub(crate) fn into_shared(self) -> RawView<&'a [u8]> {
        let RawView { buf, geom } = self;
        // SAFETY: same buffer (same length) and same geometry, which satisfies 1–6 because
        // `self` does.
        unsafe { RawView::new_unchecked(buf, geom) }
    }
}

impl<B: Bytes + DerefMut> RawView<B> {
    /// The whole underlying buffer, writable. Writing bytes cannot break the invariant, which
    /// only concerns the buffer's length.
    pub(crate) fn buf_mut(&mut self) -> &mut [u8] {
        &mut self.buf
    }

    /// A writable view of the same bytes with the same geometry, borrowing `self`.
    pub(crate) fn reborrow_mut(&mut self) -> RawView<&mut [u8]> {
        // SAFETY: same buffer (same length) and same geometry, which satisfies 1–6 because
        // `self` does.
        unsafe { RawView::new_unchecked(&mut *self.buf, self.geom.clone()) }
    }

    /// [`Self::transposed`], writable.
    pub(crate) fn transposed_mut(&mut self) -> RawView<&mut [u8]> {
        let geom = reversed(&self.geom);
        // SAFETY: as in `transposed`: reversing the axes keeps invariants 1–6.
        unsafe { RawView::new_unchecked(&mut *self.buf, geom) }
    }

    /// The writable bytes of the element at `index`, or `None` if out of bounds.
    pub(crate) fn item_mut(&mut self, index: &[usize]) -> Option<&mut [u8]> {
        let p = self.position(index)?;
        let n = self.geom.itemsize;
        // SAFETY: as in `item`: `p` is a reachable element start, in bounds by invariant 5.
        Some(unsafe { self.buf.get_unchecked_mut(p..p + n) })
    }

    /// Each element's bytes, writable, one at a time in C (or F) order. Elements may overlap
    /// (zero strides), which is why this takes a callback rather than returning an iterator.
    pub(crate) fn for_each_item_mut(&mut self, fortran: bool, mut f: impl FnMut(&mut [u8])) {
        let offsets = Offsets::new(&self.geom, fortran, false);
        let n = self.geom.itemsize;
        for p in offsets {
            // SAFETY: `p` is a reachable element start, in bounds by invariant 5; the borrow
            // ends before the next element is handed out.
            f(unsafe { self.buf.get_unchecked_mut(p..p + n) });
        }
    }

    /// The longest contiguous runs, writable, in C (or F) order.
    pub(crate) fn for_each_run_mut(&mut self, fortran: bool, mut f: impl FnMut(&mut [u8])) {
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
    offsets: Offsets,
}

impl<'b> Iterator for Items<'b> {
    type Item = &'b [u8];

    fn next(&mut self) -> Option<&'b [u8]> {
        let p = self.offsets.next()?;
        let n = self.offsets.run;
        // SAFETY: `Offsets` was built from the validated geometry of the view `buf` belongs to,
        // and yields reachable element starts; `p .. p + itemsize` is in bounds by invariant 5.
        Some(unsafe { self.buf.get_unchecked(p..p + n) })
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.offsets.size_hint()
    }
}

impl ExactSizeIterator for Items<'_> {}

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
