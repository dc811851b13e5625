//! Typed views: the elements of a view read (and written) as `T`, in any byte order, at any
//! alignment and any byte strides. A typed view holds the view's own raw view — its storage
//! and proven geometry — and walks it with the raw module's rows; nothing is validated or
//! walked a second time.

use ndarray::ArrayViewD;

use crate::format::ScalarKind;
use crate::view::raw::{Exclusive, Lend, RawView, RowItems, Rows, Shared, Storage};
use crate::view::ViewBase;

use super::zero_copy::{check_direct, check_match};
use super::{Element, ElementError};

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

/// Checks that every element of a `bool` view is 0 or 1.
fn validate_bools(raw: &RawView<Shared<'_>>) -> Result<(), ElementError> {
    let base = raw.base() as usize;
    for (flat, item) in raw.items(false).enumerate() {
        if item[0] > 1 {
            let mut index = vec![0; raw.geom().ndim()];
            let mut rest = flat;
            for (k, &n) in raw.geom().shape.iter().enumerate().rev() {
                index[k] = rest % n;
                rest /= n;
            }
            return Err(ElementError::InvalidBool {
                byte: item[0],
                offset: item.as_ptr() as usize - base,
                index,
            });
        }
    }
    Ok(())
}

/// Checks `T` against a view for typed access (one scalar of `T`'s kind and size, a direct
/// view, valid bools) and returns whether reads swap bytes.
fn typed_check<T: Element, S: Storage>(view: &ViewBase<S>) -> Result<bool, ElementError> {
    let format = view.format();
    let scalar = check_match::<T>(format.as_str(), format.layout().single_scalar())?;
    check_direct(view.is_indirect())?;
    if T::KIND == ScalarKind::Bool {
        validate_bools(&view.raw().shared())?;
    }
    Ok(!scalar.endian.is_native())
}

/// The elements of `view` read as `T` (matching its format), in C order.
pub(crate) fn typed_values<T: Element, S: Storage>(
    view: &ViewBase<S>,
) -> Result<Vec<T>, ElementError> {
    let swap = typed_check::<T, S>(view)?;
    Ok(TypedView::new(view.raw().shared(), swap).to_vec())
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
    pub fn typed<'s, 'l, T: Element>(&'s self) -> Result<TypedView<'l, T>, ElementError>
    where
        S: Lend<'s, 'l>,
    {
        let swap = typed_check::<T, S>(self)?;
        Ok(TypedView::new(self.raw().lend(), swap))
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
    pub fn typed_mut<T: Element>(&mut self) -> Result<TypedViewMut<'_, T>, ElementError> {
        let swap = typed_check::<T, Exclusive<'a>>(self)?;
        Ok(TypedViewMut {
            raw: self.raw_mut().reborrow(),
            swap,
            _t: std::marker::PhantomData,
        })
    }
}

/// A read-only view whose elements are read as `T`, in any byte order and at any alignment.
///
/// Made by [`typed`](ViewBase::typed). Indices are `isize`; negative components count from
/// the end, as in Python.
#[derive(Clone, Debug)]
pub struct TypedView<'a, T: Element> {
    raw: RawView<Shared<'a>>,
    swap: bool,
    fast: Option<ArrayViewD<'a, T>>,
}

impl<'a, T: Element> TypedView<'a, T> {
    /// A typed view of `raw`, whose format was checked against `T` (`swap`: stored in the
    /// other byte order).
    fn new(raw: RawView<Shared<'a>>, swap: bool) -> Self {
        let fast = if swap {
            None
        } else {
            raw.array_view::<T>().ok()
        };
        TypedView { raw, swap, fast }
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
        Ok(T::load(item, self.swap))
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
                swap: self.swap,
            }),
        }
    }

    /// All elements in C order, copied into a `Vec`.
    pub fn to_vec(&self) -> Vec<T> {
        let mut v = Vec::with_capacity(self.len());
        self.iter().for_each(|x| v.push(x));
        v
    }

    /// The sum of all elements, added in the same order as `ndarray`'s `sum` on the same
    /// layout (eight-way unrolled over contiguous runs), so results agree bit for bit.
    pub fn sum(&self) -> T
    where
        T: num_traits::Zero,
    {
        match &self.fast {
            Some(a) => a.sum(),
            None if self.swap => strided_sum::<T, true>(&self.raw),
            None => strided_sum::<T, false>(&self.raw),
        }
    }
}

impl<'a, T: Element> IntoIterator for &TypedView<'a, T> {
    type Item = T;
    type IntoIter = TypedIter<'a, T>;
    fn into_iter(self) -> TypedIter<'a, T> {
        self.iter()
    }
}

/// ndarray's eight-way unrolled sum, over packed elements in `bytes` (read with swapping).
#[inline(always)]
fn unrolled_sum<T, const SWAP: bool>(bytes: &[u8]) -> T
where
    T: Element + num_traits::Zero,
{
    let size = std::mem::size_of::<T>();
    let mut acc = T::zero();
    let mut p = [T::zero(); 8];
    let mut blocks = bytes.chunks_exact(8 * size);
    for block in &mut blocks {
        for (acc_k, raw) in p.iter_mut().zip(block.chunks_exact(size)) {
            *acc_k = *acc_k + T::load(raw, SWAP);
        }
    }
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
/// rows, a plain fold over strided ones).
fn strided_sum<T, const SWAP: bool>(raw: &RawView<Shared<'_>>) -> T
where
    T: Element + num_traits::Zero,
{
    // Items padded beyond `T` (an explicit itemsize) are never packed `T`s.
    let packed = raw.geom().itemsize == std::mem::size_of::<T>();
    if let Some(block) = raw.block().filter(|_| packed) {
        return unrolled_sum::<T, SWAP>(block);
    }
    let Some(rows) = raw.rows() else {
        return T::zero();
    };
    rows.fold(T::zero(), |acc, row| {
        match row.contiguous().filter(|_| packed) {
            Some(bytes) => acc + unrolled_sum::<T, SWAP>(bytes),
            None => acc + row.items().fold(T::zero(), |a, x| a + T::load(x, SWAP)),
        }
    })
}

/// Iterator over the elements of a typed view in C order, returning `T` by value.
#[derive(Clone, Debug)]
pub struct TypedIter<'a, T: Element>(IterInner<'a, T>);

#[derive(Clone, Debug)]
enum IterInner<'a, T: Element> {
    Fast(ndarray::iter::Iter<'a, T, ndarray::IxDyn>),
    Strided {
        /// The same elements as an ndarray view (aligned native data), for a `fold` that has
        /// not been preceded by `next`: ndarray's strided fold is the faster one.
        array: Option<ArrayViewD<'a, T>>,
        /// The rows after `row` (`None` only for an indirect view, which typed views refuse).
        rows: Option<Rows<'a>>,
        /// The rest of the current row.
        row: RowItems<'a>,
        swap: bool,
    },
}

impl<T: Element> Iterator for TypedIter<'_, T> {
    type Item = T;

    #[inline]
    fn next(&mut self) -> Option<T> {
        match &mut self.0 {
            IterInner::Fast(it) => it.next().copied(),
            IterInner::Strided {
                rows, row, swap, ..
            } => {
                let item = match row.next() {
                    Some(item) => item,
                    None => {
                        *row = rows.as_mut()?.next()?.items();
                        row.next()?
                    }
                };
                Some(T::load(item, *swap))
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
                rows, row, swap, ..
            } => {
                let load = |x: &[u8]| {
                    if swap {
                        T::load(x, true)
                    } else {
                        T::load(x, false)
                    }
                };
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

impl<T: Element> ExactSizeIterator for TypedIter<'_, T> {}

/// A mutable view whose elements are read and written as `T`, in any byte order and at any
/// alignment.
///
/// Made by [`typed_mut`](ViewBase::typed_mut).
#[derive(Debug)]
pub struct TypedViewMut<'v, T: Element> {
    raw: RawView<Exclusive<'v>>,
    swap: bool,
    _t: std::marker::PhantomData<T>,
}

impl<'v, T: Element> TypedViewMut<'v, T> {
    /// A read-only typed view of the same elements.
    pub fn as_typed(&self) -> TypedView<'_, T> {
        TypedView::new(self.raw.shared(), self.swap)
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
        value.store(item, self.swap);
        Ok(())
    }

    /// Writes `value` into every element.
    pub fn fill(&mut self, value: T) {
        let mut item = vec![0u8; std::mem::size_of::<T>()];
        value.store(&mut item, self.swap);
        // The item is exactly an element (the format matched `T`), so this cannot fail.
        let _ = self.raw.fill_item(&item);
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
        let swap = self.swap;
        let mut it = values.iter();
        self.raw.for_each_item_mut(false, |item| {
            if let Some(v) = it.next() {
                v.store(item, swap);
            }
        });
        Ok(())
    }

    /// All elements in C order.
    pub fn to_vec(&self) -> Vec<T> {
        self.as_typed().to_vec()
    }
}
