//! # From NumPy / to ndarray
//!
//! A [`MemoryView`] whose format is one scalar becomes an [`ndarray`] array in one
//! of two ways, named in a pair:
//!
//! | method | copies? | works when |
//! |---|---|---|
//! | [`as_array::<T>()`](crate::view::ViewBase::as_array) / [`as_array_mut`](MemoryViewMut::as_array_mut) | no: the array borrows the view's bytes | the format is `T` in native byte order, the itemsize is `size_of::<T>()`, element `[0,…,0]` is aligned for `T`, and every axis of length > 1 steps a multiple of `size_of::<T>()` (mutable: elements also may not overlap) |
//! | [`to_array::<T>()`](crate::view::ViewBase::to_array) | yes | the format's kind converts to `T` (below): any byte order, alignment and strides, also `long double` (`g`, `Zg`) |
//!
//! and a typed view, [`typed::<T>()`](crate::view::ViewBase::typed), reads (and
//! [`typed_mut`](MemoryViewMut::typed_mut) writes) single elements as `T` in any layout
//! without building an array. When `as_array` refuses, the error names the fact, e.g.
//! `stride 12 on axis 0 is not a multiple of the element size 8` or
//! `format '>d' is big-endian, this host is little-endian: zero-copy needs native byte order`
//! (see [`ElementError`]); `to_array` then still gives the right values.
//!
//! This is where `memview` differs from the crates before it: PyO3's `PyBuffer<f32>` accepts a
//! big-endian `>f` buffer on a little-endian host and returns garbage, and rust-numpy turns the
//! byte stride 12 of a `complex64` field of a packed struct into an element stride of 1 and
//! reads wrong values. Here neither can happen: a zero-copy array is only made when byte order,
//! size, alignment and every stride fit `T`.
//!
//! ## From NumPy
//!
//! NumPy exports (through the buffer protocol, or a `.npy` file's header) a format, shape,
//! byte strides and a data pointer. Build a view from them and ask for an array:
//!
//! ```
//! use memview::MemoryView;
//!
//! // np.arange(6, dtype='<f8').reshape(2, 3).T  -> format 'd', shape (3, 2), strides (8, 24)
//! let data: Vec<f64> = (0..6).map(f64::from).collect();
//! let bytes: &[u8] = bytemuck::cast_slice(&data);
//! let view = MemoryView::from_parts(bytes, "d", &[3, 2], Some(&[8, 24]), 0)?;
//! let a = view.as_array::<f64>()?; // ArrayViewD<f64> over `data`, no copy
//! assert_eq!(a.as_ptr(), data.as_ptr());
//! assert_eq!(a.strides(), &[1, 3]);
//! assert_eq!(a[[2, 1]], 5.0);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Data that cannot be borrowed as `T` is refused with the reason, and copied on request:
//!
//! ```
//! use memview::element::ElementError;
//! use memview::MemoryView;
//!
//! // np.array([1.5, 2.5], dtype='>f4').tobytes()
//! let bytes = [0x3f, 0xc0, 0, 0, 0x40, 0x20, 0, 0];
//! let view = MemoryView::from_parts(&bytes, ">f", &[2], None, 0)?;
//! # if cfg!(target_endian = "little") {
//! assert!(matches!(view.as_array::<f32>(), Err(ElementError::ByteOrderNotNative { .. })));
//! # }
//! assert_eq!(view.to_array::<f32>()?.into_raw_vec_and_offset().0, vec![1.5, 2.5]);
//! assert_eq!(view.typed::<f32>()?.get(&[1])?, 2.5);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! A field of a record array is a strided view of its own
//! ([`field`](crate::view::ViewBase::field)); the example program `examples/npy_to_ndarray.rs`
//! turns a `.npy` file into an `ArrayViewD<f64>` without copying.
//!
//! ## To NumPy (from ndarray)
//!
//! [`MemoryView::from_array`] and [`MemoryViewMut::from_array_mut`] describe an array's memory
//! as a view: format [`Element::FORMAT`] (native order, e.g. `"d"`, `"q"`, `"Zf"`), byte strides
//! = element strides × `size_of::<T>()`, offset of the first element. Standard and Fortran
//! layouts, transposed and reversed axes, row slices and broadcast (zero-stride) axes work; the
//! round trip `array → view → as_array` gives back the same pointer, shape and strides:
//!
//! ```
//! use memview::MemoryView;
//! use ndarray::{array, s};
//!
//! let a = array![[1i64, 2, 3], [4, 5, 6]];
//! let r = a.slice(s![.., ..;-1]);
//! let view = MemoryView::from_array(&r)?;
//! assert_eq!((view.format().as_str(), view.strides()), ("q", &[24isize, -8][..]));
//! let back = view.as_array::<i64>()?;
//! assert_eq!((back.as_ptr(), back.strides()), (r.as_ptr(), r.strides()));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! **Arrays whose elements leave gaps** — a stepped slice such as `s![.., ..;2]`, a column of
//! a C-order array, any slice of a borrowed `ArrayView` — are viewed without copying too. The
//! view then borrows only the bytes of the elements: the values between them may belong to
//! another live view (`multi_slice_mut` hands out interleaved `ArrayViewMut`s), so the view
//! never reads, writes or hands out a slice covering them (its
//! [`buffer`](crate::view::ViewBase::buffer) says so, with
//! [`ViewError::BufferNotBorrowed`]). Both directions keep
//! the pointer, shape and strides:
//!
//! ```
//! use memview::MemoryView;
//! use ndarray::{s, Array2};
//!
//! let a = Array2::from_shape_fn((3, 4), |(i, j)| (10 * i + j) as f64);
//! let stepped = a.slice(s![.., ..;2]);          // a borrowed ArrayView2 with gaps
//! let view = MemoryView::from_array(&stepped)?;
//! assert_eq!((view.shape(), view.strides()), (&[3, 2][..], &[32isize, 16][..]));
//! assert_eq!(view.to_list()?.to_string(), "[[0.0, 2.0], [10.0, 12.0], [20.0, 22.0]]");
//! let back = view.as_array::<f64>()?;            // the same memory again
//! assert_eq!((back.as_ptr(), back.strides()), (stepped.as_ptr(), stepped.strides()));
//! assert!(view.buffer().is_err());               // the gaps are not the view's
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Writable, two interleaved halves of one array at once:
//!
//! [`ViewError::BufferNotBorrowed`]: crate::ViewError::BufferNotBorrowed
//!
//! ```
//! use memview::MemoryViewMut;
//! use ndarray::{s, Array1};
//!
//! let mut a = Array1::from_iter(0..8i32);
//! let (mut even, mut odd) = a.multi_slice_mut((s![..;2], s![1..;2]));
//! let mut e = MemoryViewMut::from_array_mut(&mut even)?;
//! let mut o = MemoryViewMut::from_array_mut(&mut odd)?;
//! e.fill(-1)?;
//! o.typed_mut::<i32>()?.set(&[0], 100)?;
//! assert_eq!(a.to_vec(), [-1, 100, -1, 3, -1, 5, -1, 7]);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! An array that **owns** its data — an `Array` or `ArcArray`, sliced in place with
//! `slice_move`/`slice_collapse`, reversed, transposed — may also be given to
//! [`MemoryView::from_owned_array`] / [`MemoryViewMut::from_owned_array_mut`]: every value
//! between its lowest and highest element belongs to its storage and is covered by the borrow
//! of the whole array, so that view borrows (and [`buffer`](crate::view::ViewBase::buffer)
//! returns) the whole span, gaps included. (`CowArray` is not accepted there: it may borrow;
//! use `from_array`. ndarray's own `DataOwned` includes it, which is why these constructors
//! take the sealed [`OwnedStorage`] instead.)
//!
//! The writable constructors refuse, at compile time, element types with a `bool` (`bool`
//! itself, a record with a `bool` field): a [`MemoryViewMut`] can store any byte
//! (`buffer_mut`, `assign`), and a byte other than 0 or 1 in a `bool` would be an invalid
//! value. Read such an array with `from_array` / `from_owned_array`, or write a copy. Every
//! byte constructor also refuses, at compile time, a record type with padding bytes, which
//! are uninitialised in Rust memory (make the padding an explicit field, or copy). Making a
//! span over an array
//! takes a few lines of `unsafe`; they live with the view's other `unsafe` code (its raw
//! module, which writes down the facts about ndarray's storage and views they rely on, checked
//! against ndarray 0.17.2), and this module has none.
//!
//! ## Which formats match which types
//!
//! `T` matches a format that is one scalar of the same kind and size, in any byte order
//! (native ones for zero-copy): `i8 i16 i32 i64 isize` ↔ `b h i q n` (and `l` of that size),
//! unsigned likewise with `B H I Q N L`, `f16 f32 f64` ↔ `e f d`, `bool` ↔ `?`,
//! `Complex<f32>`/`Complex<f64>` ↔ `Zf`/`Zd`. `c` (a one-byte string) does not match `u8`.
//! A `bool` is only read from bytes 0 and 1; any other byte is an error naming its offset.
//!
//! ## Converting copies
//!
//! `to_array::<T>()` converts between numeric formats by value, never by wrap-around, like
//! NumPy's `astype` followed by a check that nothing was lost beyond float rounding:
//!
//! * integer → integer: the value must fit (`value 40000 at index [1, 0] does not fit in i16`);
//! * integer or float → float: rounded to nearest; a finite value that would become infinite
//!   is an error (`1e300` to `f32`, `70000` to `f16`); NaN and infinities carry over;
//! * float → integer: only integral values in range (`2.0` → `2`; `2.5`, NaN and inf are
//!   errors naming the value and index);
//! * bool → any number (0 or 1); real → complex (imaginary part 0); complex → complex by
//!   parts;
//! * C `long double` (`g`, and `Zg` by parts; x87 80-bit extended on x86, IEEE binary128
//!   elsewhere, see the codec) → float or complex: rounded to the nearest `f64`, ties to even
//!   (NumPy's `float(longdouble)`), then to `T` as above — so to `f32`/`f16` a value is rounded
//!   twice, which can differ from a single rounding in the last bit for values halfway between
//!   two `f32`s; a *finite* long double beyond `f64`'s range (`1e4000`) is an error
//!   (`value ≈1.000e4000 at index [2] does not fit in f64`), not inf; NaN and infinities
//!   carry over;
//! * `long double` → integer: exact, from the long double itself rather than its `f64`
//!   rounding: `2**63 - 1` converts to `i64::MAX`, and `2 + 2**-60` is an error although
//!   its nearest `f64` is `2.0`;
//! * refused ([`ElementError::NotConvertible`]): complex → real, number → bool, and
//!   non-numeric formats (`c`, `s`, `w`, pointers, structs).
//!
//! [`Element`]: crate::element::Element
//! [`Element::FORMAT`]: crate::element::Element::FORMAT

#![forbid(unsafe_code)]

use ::ndarray::{ArrayBase, ArrayD, ArrayViewD, ArrayViewMutD, Data, DataMut, Dimension, IxDyn};

use crate::element::{check_direct, refusal, typed_values, ArrayElement, ElementError};
use crate::view::raw::array::{self as spans, ArraySpan};
use crate::view::raw::{Exclusive, Lend, RawView, Shared, Storage};
use crate::view::{geometry_for, MemoryView, MemoryViewMut, ViewBase, ViewError};

use std::sync::Arc;

/// The storage of an `ndarray` array that owns its elements: [`ndarray::OwnedRepr`] (an
/// [`Array`](::ndarray::Array)) and [`ndarray::OwnedArcRepr`] (an
/// [`ArcArray`](::ndarray::ArcArray)). Sealed.
///
/// [`MemoryView::from_owned_array`] and [`MemoryViewMut::from_owned_array_mut`] take such
/// arrays and borrow their whole storage span, gaps included, because every value between the
/// lowest and the highest element belongs to the array (see the [module
/// docs](crate::ndarray#to-numpy-from-ndarray)). ndarray's own `DataOwned` is not used as the
/// bound: it also covers `CowRepr`, and a `CowArray` may be a borrowed view whose gaps belong
/// to someone else.
///
/// [`ndarray::OwnedRepr`]: ::ndarray::OwnedRepr
/// [`ndarray::OwnedArcRepr`]: ::ndarray::OwnedArcRepr
pub trait OwnedStorage: Data + owned::Sealed {}

impl<A> OwnedStorage for ::ndarray::OwnedRepr<A> {}
impl<A> OwnedStorage for ::ndarray::OwnedArcRepr<A> {}

mod owned {
    use ::ndarray::{ArcArray, Array, ArrayBase, Data, Dimension};

    use crate::view::raw::array::{self as spans, ArraySpan, Reinterpret};
    use crate::view::raw::{Exclusive, Shared};

    /// The per-storage part of [`OwnedStorage`](super::OwnedStorage), private so that only
    /// the two owned representations can implement it. The spans come from the view's raw
    /// module, which holds the `unsafe` code and its argument.
    pub trait Sealed: Data {
        fn span<D: Dimension>(a: &ArrayBase<Self, D>) -> Option<ArraySpan<Shared<'_>>>
        where
            Self::Elem: Reinterpret;
        fn span_mut<D: Dimension>(a: &mut ArrayBase<Self, D>) -> Option<ArraySpan<Exclusive<'_>>>
        where
            Self::Elem: Reinterpret;
    }

    impl<A> Sealed for ::ndarray::OwnedRepr<A> {
        fn span<D: Dimension>(a: &Array<A, D>) -> Option<ArraySpan<Shared<'_>>>
        where
            A: Reinterpret,
        {
            spans::owned_span(a)
        }
        fn span_mut<D: Dimension>(a: &mut Array<A, D>) -> Option<ArraySpan<Exclusive<'_>>>
        where
            A: Reinterpret,
        {
            spans::owned_span_mut(a)
        }
    }

    impl<A> Sealed for ::ndarray::OwnedArcRepr<A> {
        fn span<D: Dimension>(a: &ArcArray<A, D>) -> Option<ArraySpan<Shared<'_>>>
        where
            A: Reinterpret,
        {
            spans::arc_span(a)
        }
        fn span_mut<D: Dimension>(a: &mut ArcArray<A, D>) -> Option<ArraySpan<Exclusive<'_>>>
        where
            A: Reinterpret,
        {
            spans::arc_span_mut(a)
        }
    }
}

/// The view of an array span with `T`'s format; `None` (an overflowing span) as
/// [`ViewError::SizeOverflow`].
fn span_view<T: ArrayElement, S: Storage>(
    span: Option<ArraySpan<S>>,
    shape: &[usize],
) -> Result<ViewBase<S>, ElementError> {
    let span = span.ok_or_else(|| ViewError::SizeOverflow {
        shape: shape.to_vec(),
        itemsize: std::mem::size_of::<T>(),
    })?;
    let format = T::export_format()?;
    let geom = geometry_for(&format, None, &span.shape, Some(&span.strides), span.offset)?;
    Ok(ViewBase::from_raw(RawView::new(span.store, geom)?, format))
}

impl<S: Storage> ViewBase<S> {
    /// The elements as an `ndarray` view **sharing this view's memory** (no copy), for any
    /// shape, negative and zero strides, gaps between elements, 0-dim and empty views.
    ///
    /// # Errors
    /// Each names the fact that prevents a zero-copy view; [`to_array`](Self::to_array) makes
    /// a converting copy in all these cases:
    /// [`FormatMismatch`](ElementError::FormatMismatch),
    /// [`ByteOrderNotNative`](ElementError::ByteOrderNotNative),
    /// [`ItemsizeMismatch`](ElementError::ItemsizeMismatch) (padded items),
    /// [`StrideNotMultiple`](ElementError::StrideNotMultiple),
    /// [`Misaligned`](ElementError::Misaligned),
    /// [`InvalidBool`](ElementError::InvalidBool) for `bool`.
    pub fn as_array<'s, 'l, T: ArrayElement>(&'s self) -> Result<ArrayViewD<'l, T>, ElementError>
    where
        S: Lend<'s, 'l>,
    {
        let format = self.format();
        check_direct(self.is_indirect())?;
        T::check_zero_copy(format, self.itemsize())?;
        self.raw()
            .array_view::<T>()
            .map_err(|r| refusal::<T>(r, format, self.itemsize(), self.shape()))
    }

    /// A new `ndarray` holding the elements converted to `T`: swaps bytes, handles any
    /// alignment and strides, and converts between numeric formats with the value checks
    /// described in the [module docs](crate::ndarray#converting-copies).
    ///
    /// # Errors
    /// [`NotConvertible`](ElementError::NotConvertible) for kinds that do not convert;
    /// [`ValueOutOfRange`](ElementError::ValueOutOfRange) /
    /// [`ValueNotInteger`](ElementError::ValueNotInteger) naming the first value that does not
    /// fit and its index; [`InvalidBool`](ElementError::InvalidBool).
    pub fn to_array<T: ArrayElement>(&self) -> Result<ArrayD<T>, ElementError> {
        let values = match T::plan(self.format(), self.itemsize()) {
            Ok(_) => typed_values::<T, S>(self)?,
            Err(refused) => T::convert(self, refused)?,
        };
        ArrayD::from_shape_vec(IxDyn(self.shape()), values).map_err(|_| {
            ElementError::View(ViewError::SizeOverflow {
                shape: self.shape().to_vec(),
                itemsize: self.itemsize(),
            })
        })
    }
}

impl<'a> ViewBase<Exclusive<'a>> {
    /// A mutable `ndarray` view sharing this view's memory. Besides the refusals of
    /// [`as_array`](ViewBase::as_array), elements must not overlap
    /// ([`ElementError::Overlap`]: zero strides, or strides that interleave).
    ///
    /// ```
    /// use memview::MemoryViewMut;
    ///
    /// let mut data = [0f64; 6];
    /// let bytes: &mut [u8] = bytemuck::cast_slice_mut(&mut data);
    /// let mut view = MemoryViewMut::from_parts(bytes, "d", &[2, 3], None, 0)?;
    /// view.as_array_mut::<f64>()?.fill(1.5);
    /// assert_eq!(data, [1.5; 6]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    /// As [`as_array`](ViewBase::as_array), plus [`ElementError::Overlap`].
    pub fn as_array_mut<T: ArrayElement>(&mut self) -> Result<ArrayViewMutD<'_, T>, ElementError> {
        const { spans::assert_no_padding::<T>() };
        let itemsize = self.itemsize();
        check_direct(self.is_indirect())?;
        T::check_zero_copy(self.format(), itemsize)?;
        let (shape, format) = (self.shape().to_vec(), Arc::clone(self.format_arc()));
        self.raw_mut()
            .array_view_mut::<T>()
            .map_err(|r| refusal::<T>(r, &format, itemsize, &shape))
    }

    /// A writable view of a mutable `ndarray` array's memory, without copying, for any layout
    /// (see [`MemoryView::from_array`]): when the elements leave gaps, the view borrows only
    /// the elements, so two interleaved `ArrayViewMut`s (from `multi_slice_mut`) can be
    /// viewed at once. `T` must not hold a `bool` (nor padding): the view can write any byte,
    /// and one other than 0 or 1 would be an invalid `bool` (a compile error names this and
    /// the alternatives: read-only with `from_array`, or write a copy).
    ///
    /// ```compile_fail
    /// let mut flags = ndarray::array![true, false];
    /// // error: this element type holds a `bool` ... cannot be viewed as writable bytes
    /// let view = memview::MemoryViewMut::from_array_mut(&mut flags);
    /// ```
    ///
    /// ```
    /// use memview::MemoryViewMut;
    /// use ndarray::Array2;
    ///
    /// let mut a = Array2::<i32>::zeros((2, 3));
    /// {
    ///     let mut view = MemoryViewMut::from_array_mut(&mut a)?;
    ///     view.typed_mut::<i32>()?.set(&[1, 2], 7)?;
    /// }
    /// assert_eq!(a[[1, 2]], 7);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    /// None for a valid array in practice; [`ElementError::View`] if the span's size would
    /// overflow.
    pub fn from_array_mut<T, R, D>(
        a: &'a mut ArrayBase<R, D>,
    ) -> Result<MemoryViewMut<'a>, ElementError>
    where
        T: ArrayElement,
        R: DataMut<Elem = T>,
        D: Dimension,
    {
        const { spans::assert_writable::<T>() };
        let shape = a.shape().to_vec();
        span_view::<T, _>(spans::view_span_mut(a.view_mut()), &shape)
    }

    /// A writable view of an array that **owns** its data (`Array`, `ArcArray`), without
    /// copying, borrowing its whole storage span (gaps included; see
    /// [`MemoryView::from_owned_array`]). Writes through the view change the array. An
    /// `ArcArray` that shares its storage is first made unique (ndarray's copy on write), so
    /// its strides may then be those of the copy. `T` must not hold a `bool` (nor padding),
    /// as for [`from_array_mut`](Self::from_array_mut)).
    ///
    /// ```
    /// use memview::MemoryViewMut;
    /// use ndarray::{array, s};
    ///
    /// let a = array![[1.0f32, 2.0, 3.0], [4.0, 5.0, 6.0]];
    /// let mut every_other = a.slice_move(s![.., ..;2]);
    /// {
    ///     let mut view = MemoryViewMut::from_owned_array_mut(&mut every_other)?;
    ///     view.typed_mut::<f32>()?.set(&[1, 1], -1.0)?;
    ///     view.as_array_mut::<f32>()?[[0, 0]] = 0.5;
    /// }
    /// assert_eq!(every_other, array![[0.5, 3.0], [4.0, -1.0]]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    /// None for a valid array in practice; [`ElementError::View`] if the span's size would
    /// overflow.
    pub fn from_owned_array_mut<T, R, D>(
        a: &'a mut ArrayBase<R, D>,
    ) -> Result<MemoryViewMut<'a>, ElementError>
    where
        T: ArrayElement,
        R: OwnedStorage<Elem = T> + DataMut,
        D: Dimension,
    {
        const { spans::assert_writable::<T>() };
        let shape = a.shape().to_vec();
        span_view::<T, _>(<R as owned::Sealed>::span_mut(a), &shape)
    }
}

impl<'a> ViewBase<Shared<'a>> {
    /// A view of an `ndarray` array's memory, without copying: format `T::FORMAT` (native
    /// order), byte strides = element strides × `size_of::<T>()`, offset pointing at the
    /// array's first element. Any layout: standard and Fortran, transposed and permuted axes,
    /// reversed (negatively strided) axes, broadcast (zero-stride) axes, and elements that
    /// leave gaps (stepped slices, columns), for which the view borrows only the elements
    /// (see the [module docs](crate::ndarray#to-numpy-from-ndarray)). `as_array` gives back
    /// the same pointer, shape and strides.
    ///
    /// ```
    /// use memview::MemoryView;
    /// use ndarray::{array, s};
    ///
    /// let a = array![[1.0f64, 2.0, 3.0], [4.0, 5.0, 6.0]];
    /// let t = a.t();
    /// let rev = t.slice(s![..;-1, ..]);
    /// let view = MemoryView::from_array(&rev)?;
    /// assert_eq!(view.format().as_str(), "d");
    /// assert_eq!(view.strides(), &[-8, 24]);
    /// let back = view.as_array::<f64>()?;
    /// assert_eq!(back.as_ptr(), rev.as_ptr());
    /// assert_eq!(back, rev.into_dyn());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    /// None for a valid array in practice; [`ElementError::View`] if the span's size would
    /// overflow.
    pub fn from_array<T, R, D>(a: &'a ArrayBase<R, D>) -> Result<MemoryView<'a>, ElementError>
    where
        T: ArrayElement,
        R: Data<Elem = T>,
        D: Dimension,
    {
        const { spans::assert_no_padding::<T>() };
        span_view::<T, _>(spans::view_span(&a.view()), a.shape())
    }

    /// A view of an array that **owns** its data (`Array`, `ArcArray`), without copying, for
    /// any layout, borrowing its whole storage from the lowest to the highest element (gaps
    /// included: they belong to the array, are initialised, and stay borrowed with it), so
    /// that [`buffer`](ViewBase::buffer) returns that span; otherwise as
    /// [`from_array`](Self::from_array).
    ///
    /// ```
    /// use memview::MemoryView;
    /// use ndarray::{s, Array2};
    ///
    /// let a = Array2::from_shape_fn((3, 4), |(i, j)| (10 * i + j) as i32);
    /// let col = a.slice_move(s![..;-1, 1]); // column 1, bottom to top: gaps of 3 values
    /// let view = MemoryView::from_owned_array(&col)?;
    /// assert_eq!((view.format().as_str(), view.strides()), ("i", &[-16isize][..]));
    /// assert_eq!(view.to_list()?.to_string(), "[21, 11, 1]");
    /// assert_eq!(view.as_array::<i32>()?.as_ptr(), col.as_ptr());
    /// assert_eq!(view.buffer()?.len(), 9 * 4);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    /// None for a valid array in practice; [`ElementError::View`] if the span's size would
    /// overflow.
    pub fn from_owned_array<T, R, D>(a: &'a ArrayBase<R, D>) -> Result<MemoryView<'a>, ElementError>
    where
        T: ArrayElement,
        R: OwnedStorage<Elem = T>,
        D: Dimension,
    {
        const { spans::assert_no_padding::<T>() };
        span_view::<T, _>(<R as owned::Sealed>::span(a), a.shape())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn owned_spans_cover_the_gaps() {
        use ::ndarray::{Array2, Axis, Slice};
        // The `unsafe` span of an owned array (checked under Miri): every value from the
        // lowest to the highest element, read and written. (`s![..;-2, 1..;2]`; the macro
        // expands to `allow(unsafe_code)`, which this module forbids.)
        let mut b = Array2::from_shape_fn((3, 4), |(i, j)| (4 * i + j) as u16);
        b.slice_axis_inplace(Axis(0), Slice::new(0, None, -2));
        b.slice_axis_inplace(Axis(1), Slice::new(1, None, 2));
        assert_eq!(
            b,
            Array2::from_shape_vec((2, 2), vec![9, 11, 1, 3]).unwrap()
        );
        let view = MemoryView::from_owned_array(&b).unwrap();
        let expect: Vec<u8> = (1u16..=11).flat_map(u16::to_ne_bytes).collect();
        assert_eq!(view.buffer().unwrap(), expect.as_slice());
        assert_eq!(view.offset(), 16);
        let mut view = MemoryViewMut::from_owned_array_mut(&mut b).unwrap();
        for byte in view.buffer_mut().unwrap() {
            *byte = 0xff;
        }
        assert_eq!(b, Array2::from_elem((2, 2), u16::MAX));
        let (storage, _) = b.into_raw_vec_and_offset();
        assert_eq!(storage[0], 0);
        assert_eq!(&storage[1..], &[u16::MAX; 11]);
    }
}
