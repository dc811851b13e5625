//! Typed views: the elements of a view read (and written) as `T`, in any byte order, at any
//! alignment and any byte strides. A typed view holds the view's own raw view — its storage
//! and proven geometry — and walks it with the raw module's rows; nothing is validated or
//! walked a second time.

use std::marker::PhantomData;

use ndarray::ArrayViewD;

use crate::view::raw::array::Refusal;
use crate::view::raw::cpu::{prefetch, with_byte_shuffles, Kernel, Shuffles, SUM_AHEAD};
use crate::view::raw::{Exclusive, Lend, RawView, RowItems, Rows, Shared, Storage};
use crate::view::ViewBase;

use super::array_element::sealed::Sealed;
use super::zero_copy::check_direct;
use super::{ArrayElement, Element, ElementError};

/// `index` (one component per axis, negative counting from the end) resolved against `shape`.
fn resolve(shape: &[usize], index: &[isize]) -> Result<Vec<usize>, ElementError> {
    if index.len() != shape.len() {
        return Err(ElementError::IndexCount {
            ndim: shape.len(),
            got: index.len(),
        });
    }
    index
        .iter()
        .zip(shape)
        .enumerate()
        .map(|(axis, (&i, &n))| {
            let k = if i < 0 {
                i as i128 + n as i128
            } else {
                i as i128
            };
            if k < 0 || k >= n as i128 {
                Err(ElementError::IndexOutOfBounds {
                    axis,
                    index: i,
                    len: n,
                })
            } else {
                Ok(k as usize)
            }
        })
        .collect()
}

/// Checks that every item holds a valid `T` through `plan` (a `bool`, alone or in a record,
/// is 0 or 1).
fn validate<T: ArrayElement>(
    raw: &RawView<Shared<'_>>,
    plan: &T::Plan,
) -> Result<(), ElementError> {
    let base = raw.base() as usize;
    for (flat, item) in raw.items(false).enumerate() {
        if let Some((at, byte)) = T::invalid_at(plan, item) {
            let mut index = vec![0; raw.geom().ndim()];
            let mut rest = flat;
            for (k, &n) in raw.geom().shape.iter().enumerate().rev() {
                index[k] = rest % n;
                rest /= n;
            }
            return Err(T::invalid_error(
                plan,
                at,
                byte,
                item.as_ptr() as usize - base,
                index,
            ));
        }
    }
    Ok(())
}

/// Checks `T` against a view for typed access (the format holds `T`'s scalars, a direct
/// view, valid bools) and returns the plan for reading and writing its items.
fn typed_check<T: ArrayElement, S: Storage>(view: &ViewBase<S>) -> Result<T::Plan, ElementError> {
    let plan = T::plan(view.format(), view.itemsize())?;
    check_direct(view.is_indirect())?;
    if T::checks(&plan) {
        validate::<T>(&view.raw().shared(), &plan)?;
    }
    Ok(plan)
}

/// A typed view of `view`'s elements through `raw` (the same elements, lent for `'a`): the
/// checks of [`typed_check`], with the zero-copy array made first where the items are native
/// (its own pass validates them, so they are not walked twice).
fn typed_view<'a, T: ArrayElement, S: Storage>(
    view: &ViewBase<S>,
    raw: RawView<Shared<'a>>,
) -> Result<TypedView<'a, T>, ElementError> {
    let plan = T::plan(view.format(), view.itemsize())?;
    check_direct(view.is_indirect())?;
    let fast = if T::is_native(&plan) {
        match raw.array_view::<T>() {
            Ok(a) => Some(a),
            Err(Refusal::Invalid {
                byte,
                offset,
                at,
                index,
            }) => return Err(T::invalid_error(&plan, at, byte, offset - at, index)),
            Err(_) => None,
        }
    } else {
        None
    };
    if fast.is_none() && T::checks(&plan) {
        validate::<T>(&raw, &plan)?;
    }
    Ok(TypedView { raw, plan, fast })
}

/// The elements of `view` read as `T` (matching its format), in C order.
pub(crate) fn typed_values<T: ArrayElement, S: Storage>(
    view: &ViewBase<S>,
) -> Result<Vec<T>, ElementError> {
    Ok(typed_view::<T, S>(view, view.raw().shared())?.to_vec())
}

impl<S: Storage> ViewBase<S> {
    /// A typed view whose elements read as `T`: any byte order (swapped on read), any
    /// alignment, any strides. The format must be one scalar of `T`'s kind and size
    /// (see [`Element`]).
    ///
    /// ```
    /// use memview::MemoryView;
    ///
    /// // Two big-endian f32 values, stored one byte off alignment.
    /// let bytes = [0u8, 0x3f, 0xc0, 0, 0, 0x40, 0x20, 0, 0];
    /// let view = MemoryView::from_parts(&bytes, ">f", &[2], None, 1)?;
    /// let typed = view.typed::<f32>()?;
    /// assert_eq!(typed.to_vec(), vec![1.5, 2.5]);
    /// assert_eq!(typed.get(&[-1])?, 2.5);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    /// [`ElementError::FormatMismatch`] when the format is not one scalar matching `T`;
    /// [`ElementError::InvalidBool`] when `T` is `bool` and an element is neither 0 nor 1;
    /// [`ElementError::View`] for an indirect (suboffset) view, whose buffer holds pointers.
    pub fn typed<'s, 'l, T: ArrayElement>(&'s self) -> Result<TypedView<'l, T>, ElementError>
    where
        S: Lend<'s, 'l>,
    {
        typed_view::<T, S>(self, self.raw().lend())
    }
}

impl<'a> ViewBase<Exclusive<'a>> {
    /// A typed view that can also write elements (`set`, `fill`, `assign`), in the view's
    /// byte order, at any alignment and strides.
    ///
    /// ```
    /// use memview::MemoryViewMut;
    ///
    /// let mut bytes = [0u8; 9];
    /// let mut view = MemoryViewMut::from_parts(&mut bytes, ">H", &[4], None, 1)?;
    /// let mut typed = view.typed_mut::<u16>()?;
    /// typed.set(&[0], 0x0102)?;
    /// typed.set(&[-1], 7)?;
    /// assert_eq!(typed.to_vec(), vec![0x0102, 0, 0, 7]);
    /// assert_eq!(&bytes[..3], &[0, 1, 2]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    /// As [`typed`](ViewBase::typed).
    pub fn typed_mut<T: ArrayElement>(&mut self) -> Result<TypedViewMut<'_, T>, ElementError> {
        let plan = typed_check::<T, Exclusive<'a>>(self)?;
        Ok(TypedViewMut {
            raw: self.raw_mut().reborrow(),
            plan,
        })
    }
}

/// A read-only view whose elements are read as `T`, in any byte order and at any alignment.
///
/// Made by [`typed`](ViewBase::typed). Indices are `isize`; negative components count from
/// the end, as in Python.
#[derive(Clone, Debug)]
pub struct TypedView<'a, T: ArrayElement> {
    raw: RawView<Shared<'a>>,
    plan: T::Plan,
    fast: Option<ArrayViewD<'a, T>>,
}

impl<'a, T: ArrayElement> TypedView<'a, T> {
    /// A typed view of `raw`, whose format and items were checked against `T` (`plan`: how
    /// to read them).
    fn new(raw: RawView<Shared<'a>>, plan: T::Plan) -> Self {
        let fast = if T::is_native(&plan) {
            raw.array_view::<T>().ok()
        } else {
            None
        };
        TypedView { raw, plan, fast }
    }

    /// Number of dimensions.
    pub fn ndim(&self) -> usize {
        self.raw.geom().ndim()
    }

    /// Extent of each axis.
    pub fn shape(&self) -> &[usize] {
        &self.raw.geom().shape
    }

    /// Byte strides of each axis.
    pub fn strides(&self) -> &[isize] {
        &self.raw.geom().strides
    }

    /// Number of elements.
    pub fn len(&self) -> usize {
        self.raw.geom().nelements()
    }

    /// Whether the view has no elements.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Whether reads go straight through a zero-copy `ndarray` view (native byte order,
    /// aligned, strides multiples of the element size).
    pub fn is_zero_copy(&self) -> bool {
        self.fast.is_some()
    }

    /// The element at `index` (one component per axis; negative components count from the end).
    ///
    /// # Errors
    /// [`ElementError::IndexCount`] or [`ElementError::IndexOutOfBounds`].
    pub fn get(&self, index: &[isize]) -> Result<T, ElementError> {
        let ix = resolve(self.shape(), index)?;
        let item = self.raw.item(&ix).ok_or(ElementError::IndexCount {
            ndim: self.ndim(),
            got: index.len(),
        })?;
        Ok(T::load_item(&self.plan, item))
    }

    /// All elements in C (row-major) order.
    pub fn iter(&self) -> TypedIter<'a, T> {
        match &self.fast {
            // ndarray's element-by-element `next` over a strided `IxDyn` array steps a dynamic
            // index (~70 instructions per element, callgrind); the rows below are a few.
            // Contiguous arrays keep ndarray's slice iterator.
            Some(a) if a.is_standard_layout() => TypedIter(IterInner::Fast(a.clone().into_iter())),
            _ => TypedIter(IterInner::Strided {
                array: self.fast.clone(),
                rows: self.raw.rows(),
                row: RowItems::empty(),
                plan: self.plan.clone(),
            }),
        }
    }

    /// All elements in C order, copied into a `Vec`.
    pub fn to_vec(&self) -> Vec<T> {
        let mut v = Vec::with_capacity(self.len());
        self.iter().for_each(|x| v.push(x));
        v
    }
}

impl<T: Element + num_traits::Zero> TypedView<'_, T> {
    /// The sum of all elements, added in the same order as `ndarray`'s `sum` on the same
    /// layout (eight-way unrolled over contiguous runs), so results agree bit for bit.
    pub fn sum(&self) -> T {
        match &self.fast {
            Some(a) => a.sum(),
            // Byte-swapping loops vectorise only with a byte shuffle (SSSE3 on x86-64); the
            // same code either way, so the same association order and the same bits.
            None if !<T as Sealed>::is_native(&self.plan) => {
                with_byte_shuffles(SwappedSum(&self.raw, PhantomData::<T>))
            }
            None => strided_sum::<T, false>(&self.raw, None),
        }
    }
}

impl<'a, T: ArrayElement> IntoIterator for &TypedView<'a, T> {
    type Item = T;
    type IntoIter = TypedIter<'a, T>;
    fn into_iter(self) -> TypedIter<'a, T> {
        self.iter()
    }
}

/// ndarray's eight-way unrolled sum, over packed elements in `bytes` (read with swapping).
#[inline(always)]
fn unrolled_sum<T, const SWAP: bool>(bytes: &[u8], shuffles: Option<Shuffles>) -> T
where
    T: Element + num_traits::Zero,
{
    let size = std::mem::size_of::<T>();
    let mut acc = T::zero();
    let mut blocks = bytes.chunks_exact(8 * size);
    let lanes = match shuffles.filter(|_| SWAP) {
        Some(sh) => T::swapped_lanes(bytes, sh),
        None => None,
    };
    let p = lanes.unwrap_or_else(|| {
        let mut p = [T::zero(); 8];
        for block in &mut blocks {
            for (acc_k, raw) in p.iter_mut().zip(block.chunks_exact(size)) {
                *acc_k = *acc_k + T::load(raw, SWAP);
            }
        }
        p
    });
    acc = acc + (p[0] + p[4]);
    acc = acc + (p[1] + p[5]);
    acc = acc + (p[2] + p[6]);
    acc = acc + (p[3] + p[7]);
    for raw in blocks.remainder().chunks_exact(size) {
        acc = acc + T::load(raw, SWAP);
    }
    acc
}

/// Sum in the same association order as `ndarray`'s `sum` on the same layout: one unrolled
/// fold when the elements tile a block of memory, else row by row (unrolled over contiguous
/// rows, a plain fold over strided ones). Always inlined, so that a caller compiled with
/// extra CPU features compiles it with them.
#[inline(always)]
fn strided_sum<T, const SWAP: bool>(raw: &RawView<Shared<'_>>, shuffles: Option<Shuffles>) -> T
where
    T: Element + num_traits::Zero,
{
    // Items padded beyond `T` (an explicit itemsize) are never packed `T`s.
    let packed = raw.geom().itemsize == std::mem::size_of::<T>();
    if let Some(block) = raw.block().filter(|_| packed) {
        return unrolled_sum::<T, SWAP>(block, shuffles);
    }
    let Some(rows) = raw.rows() else {
        return T::zero();
    };
    // A loop over `next`, not `fold`: `Rows::fold` stayed out of line, and with it the
    // row loops, compiled without the caller's byte shuffles.
    let mut acc = T::zero();
    for row in rows {
        acc = acc
            + match row.contiguous().filter(|_| packed) {
                Some(bytes) => unrolled_sum::<T, SWAP>(bytes, shuffles),
                None => match shuffles.filter(|_| SWAP) {
                    Some(sh) => {
                        // About `SUM_AHEAD` bytes on along the row, at least the next item.
                        let stride = row.stride();
                        let ahead = stride.wrapping_mul(
                            (SUM_AHEAD / stride.unsigned_abs().max(1)).max(1) as isize,
                        );
                        row.items().fold(T::zero(), |a, x| {
                            prefetch(x.as_ptr().wrapping_offset(ahead));
                            a + T::load_swapped(x, sh)
                        })
                    }
                    None => row.items().fold(T::zero(), |a, x| a + T::load(x, SWAP)),
                },
            };
    }
    acc
}

/// [`strided_sum`] with byte swapping, as a [`Kernel`] for [`with_byte_shuffles`].
struct SwappedSum<'r, 'a, T>(&'r RawView<Shared<'a>>, PhantomData<T>);

impl<T: Element + num_traits::Zero> Kernel for SwappedSum<'_, '_, T> {
    type Output = T;
    #[inline(always)]
    fn run(self, shuffles: Option<Shuffles>) -> T {
        strided_sum::<T, true>(self.0, shuffles)
    }
}

/// Iterator over the elements of a typed view in C order, returning `T` by value.
#[derive(Clone, Debug)]
pub struct TypedIter<'a, T: ArrayElement>(IterInner<'a, T>);

#[derive(Clone, Debug)]
enum IterInner<'a, T: ArrayElement> {
    Fast(ndarray::iter::Iter<'a, T, ndarray::IxDyn>),
    Strided {
        /// The same elements as an ndarray view (aligned native data), for a `fold` that has
        /// not been preceded by `next`: ndarray's strided fold is the faster one.
        array: Option<ArrayViewD<'a, T>>,
        /// The rows after `row` (`None` only for an indirect view, which typed views refuse).
        rows: Option<Rows<'a>>,
        /// The rest of the current row.
        row: RowItems<'a>,
        plan: T::Plan,
    },
}

impl<T: ArrayElement> Iterator for TypedIter<'_, T> {
    type Item = T;

    #[inline]
    fn next(&mut self) -> Option<T> {
        match &mut self.0 {
            IterInner::Fast(it) => it.next().copied(),
            IterInner::Strided {
                rows, row, plan, ..
            } => {
                let item = match row.next() {
                    Some(item) => item,
                    None => {
                        *row = rows.as_mut()?.next()?.items();
                        row.next()?
                    }
                };
                Some(T::load_item(plan, item))
            }
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let n = match &self.0 {
            IterInner::Fast(it) => it.len(),
            IterInner::Strided { rows, row, .. } => {
                row.len() + rows.as_ref().map_or(0, Rows::remaining)
            }
        };
        (n, Some(n))
    }

    fn fold<B, F>(self, init: B, mut f: F) -> B
    where
        F: FnMut(B, T) -> B,
    {
        match self.0 {
            IterInner::Fast(it) => it.fold(init, |acc, x| f(acc, *x)),
            IterInner::Strided {
                array: Some(a),
                rows: Some(rows),
                row,
                ..
            } if row.len() == 0 && rows.remaining() == a.len() => {
                a.iter().fold(init, |acc, x| f(acc, *x))
            }
            IterInner::Strided {
                rows, row, plan, ..
            } => {
                let load = |x: &[u8]| T::load_item(&plan, x);
                // The rest of the row `next` started, then whole rows.
                let acc = row.fold(init, |acc, x| f(acc, load(x)));
                match rows {
                    None => acc,
                    Some(rows) => rows.fold(acc, |acc, r| match r.contiguous() {
                        Some(bytes) => bytes
                            .chunks_exact(r.itemsize())
                            .fold(acc, |acc, x| f(acc, load(x))),
                        None => r.items().fold(acc, |acc, x| f(acc, load(x))),
                    }),
                }
            }
        }
    }
}

impl<T: ArrayElement> ExactSizeIterator for TypedIter<'_, T> {}

/// A mutable view whose elements are read and written as `T`, in any byte order and at any
/// alignment.
///
/// Made by [`typed_mut`](ViewBase::typed_mut).
#[derive(Debug)]
pub struct TypedViewMut<'v, T: ArrayElement> {
    raw: RawView<Exclusive<'v>>,
    plan: T::Plan,
}

impl<'v, T: ArrayElement> TypedViewMut<'v, T> {
    /// A read-only typed view of the same elements.
    pub fn as_typed(&self) -> TypedView<'_, T> {
        TypedView::new(self.raw.shared(), self.plan.clone())
    }

    /// Number of dimensions.
    pub fn ndim(&self) -> usize {
        self.raw.geom().ndim()
    }

    /// Extent of each axis.
    pub fn shape(&self) -> &[usize] {
        &self.raw.geom().shape
    }

    /// Number of elements.
    pub fn len(&self) -> usize {
        self.raw.geom().nelements()
    }

    /// Whether the view has no elements.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The element at `index`.
    ///
    /// # Errors
    /// [`ElementError::IndexCount`] or [`ElementError::IndexOutOfBounds`].
    pub fn get(&self, index: &[isize]) -> Result<T, ElementError> {
        self.as_typed().get(index)
    }

    /// Writes `value` at `index`, in the view's byte order.
    ///
    /// # Errors
    /// [`ElementError::IndexCount`] or [`ElementError::IndexOutOfBounds`].
    pub fn set(&mut self, index: &[isize], value: T) -> Result<(), ElementError> {
        let ix = resolve(self.shape(), index)?;
        let (ndim, got) = (self.ndim(), index.len());
        let item = self
            .raw
            .item_mut(&ix)
            .ok_or(ElementError::IndexCount { ndim, got })?;
        T::store_item(&self.plan, &value, item);
        Ok(())
    }

    /// Writes `value` into every element (the bytes of its fields; bytes of an item that
    /// belong to no field of `T` are left as they are).
    pub fn fill(&mut self, value: T) {
        let plan = &self.plan;
        match T::fill_item(plan, &value, self.raw.geom().itemsize) {
            // The item is exactly an element, so `fill_item` cannot refuse it.
            Some(item) => {
                let _ = self.raw.fill_item(&item);
            }
            None => self
                .raw
                .for_each_item_mut(false, |item| T::store_item(plan, &value, item)),
        }
    }

    /// Writes `values` (in C order) into the elements.
    ///
    /// # Errors
    /// [`ElementError::LengthMismatch`] when `values.len()` is not the number of elements.
    pub fn assign(&mut self, values: &[T]) -> Result<(), ElementError> {
        if values.len() != self.len() {
            return Err(ElementError::LengthMismatch {
                given: values.len(),
                expected: self.len(),
            });
        }
        let plan = &self.plan;
        let mut it = values.iter();
        self.raw.for_each_item_mut(false, |item| {
            if let Some(v) = it.next() {
                T::store_item(plan, v, item);
            }
        });
        Ok(())
    }

    /// All elements in C order.
    pub fn to_vec(&self) -> Vec<T> {
        self.as_typed().to_vec()
    }
}
