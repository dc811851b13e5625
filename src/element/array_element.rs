//! [`ArrayElement`]: the types whose values a view's items are typed as — every [`Element`]
//! (one scalar per item) and every [`Record`] (a struct per item). The generic methods
//! (`as_array`, `as_array_mut`, `typed`, `typed_mut`, `to_array`, `from_array` and their
//! siblings) take either through this one trait, so a record goes down exactly the path of
//! an `f64`.

use std::fmt;
use std::sync::Arc;

use half::f16;
use num_complex::Complex;

use crate::format::Format;
use crate::record::{self, ReadPlan, Record, RecordError};
use crate::view::raw::array::Reinterpret;
use crate::view::{ViewBase, ViewError};

use super::zero_copy::{check_match, check_zero_copy_format};
use super::{Element, ElementError};

/// A type that the items of a view can be viewed as without copying (`as_array`), read and
/// written as (`typed`, `typed_mut`, `to_array`), and whose arrays can be viewed
/// (`from_array`): every [`Element`] and every `#[derive(Record)]` struct ([`Record`]).
/// Sealed: implemented by memview for those two families only.
///
/// An element type matches a view whose format is one scalar of its kind and size; a record
/// type matches a view whose items hold its fields scalar by scalar (see [the record
/// docs](crate::record#matching-a-view)). Zero-copy access needs native byte order and the
/// type's own layout; typed access and `to_array` also read other byte orders and offsets,
/// and `to_array` converts fields of other sizes and kinds one by one with the scalar rules
/// (lossless widening always; narrowing or float to integer only when the value fits, else an
/// error naming the field, the element and the value).
///
/// ```
/// use memview::{MemoryView, Record};
///
/// #[derive(Clone, Copy, Debug, PartialEq, Record)]
/// #[repr(C)]
/// struct Point {
///     x: f32,
///     y: f32,
/// }
///
/// let points = ndarray::array![Point { x: 1.0, y: 2.0 }, Point { x: 3.0, y: 4.0 }];
/// let view = MemoryView::from_array(&points)?;
/// assert_eq!(view.format().as_str(), "T{f:x:f:y:}");
/// let back = view.as_array::<Point>()?;
/// assert_eq!(back.as_ptr(), points.as_ptr());
/// let ys = view.field("y")?.as_array::<f32>()?.iter().copied().collect::<Vec<_>>();
/// assert_eq!(ys, vec![2.0, 4.0]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub trait ArrayElement: sealed::Sealed + Reinterpret {}

impl<T: sealed::Sealed + Reinterpret> ArrayElement for T {}

/// How the items of one view are read and written as a scalar element: whether bytes are
/// swapped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ScalarPlan {
    pub(crate) swap: bool,
}

/// How the items of one view are read and written as a record: the per-scalar plan.
pub struct RecordPlan<T: Record>(pub(crate) Arc<ReadPlan<T>>);

impl<T: Record> Clone for RecordPlan<T> {
    fn clone(&self) -> Self {
        RecordPlan(Arc::clone(&self.0))
    }
}

impl<T: Record> fmt::Debug for RecordPlan<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RecordPlan")
            .field("itemsize", &self.0.itemsize())
            .field("native", &self.0.is_native())
            .finish()
    }
}

fn record_error(error: RecordError, index: Vec<usize>) -> ElementError {
    ElementError::Record {
        error: Box::new(error),
        index,
    }
}

pub(crate) mod sealed {
    use super::*;

    /// The crate-private part of [`ArrayElement`](super::ArrayElement).
    pub trait Sealed: Copy + Send + Sync + 'static {
        /// The Rust name, for messages.
        const TYPE_NAME: &'static str;
        /// How to read and write the items of one view.
        type Plan: Clone + fmt::Debug + Send + Sync;
        /// The format of one value in native order (what `from_array` gives its view).
        fn export_format() -> Result<Arc<Format>, ElementError>;
        /// Checks that items of this format and size are values of `Self` as they are
        /// (the format part of zero-copy; the layout is the raw module's).
        fn check_zero_copy(format: &Format, itemsize: usize) -> Result<(), ElementError>;
        /// The plan for typed access to items of this format and size (the same kinds and
        /// sizes, any byte order; records: any offsets).
        fn plan(format: &Format, itemsize: usize) -> Result<Self::Plan, ElementError>;
        /// Whether reading through `plan` is reading the bytes as they are.
        fn is_native(plan: &Self::Plan) -> bool;
        /// Whether some items could hold bytes that are no value (a `bool` in them).
        fn checks(plan: &Self::Plan) -> bool;
        /// The first invalid byte of `item` (its offset in the item, and the byte).
        fn invalid_at(plan: &Self::Plan, item: &[u8]) -> Option<(usize, u8)>;
        /// The error for the invalid `byte` at offset `at` of the item at storage offset
        /// `item_offset`, element `index`.
        fn invalid_error(
            plan: &Self::Plan,
            at: usize,
            byte: u8,
            item_offset: usize,
            index: Vec<usize>,
        ) -> ElementError;
        /// Reads an item that [`invalid_at`](Self::invalid_at) accepted.
        fn load_item(plan: &Self::Plan, item: &[u8]) -> Self;
        /// Writes a value into an item, leaving bytes of no field as they are.
        fn store_item(plan: &Self::Plan, value: &Self, item: &mut [u8]);
        /// One whole item holding `value`, for filling items of `itemsize` bytes with a copy
        /// kernel: `None` when an item has bytes the value does not cover (which a fill must
        /// leave as they are).
        fn fill_item(plan: &Self::Plan, value: &Self, itemsize: usize) -> Option<Vec<u8>>;
        /// The values of `view` converted to `Self` when [`plan`](Self::plan) refuses its
        /// format (scalars: the numeric conversions; records: none).
        fn convert<S: crate::view::raw::Storage>(
            view: &ViewBase<S>,
            refused: ElementError,
        ) -> Result<Vec<Self>, ElementError>;
    }
}

/// The scalar elements' part: one scalar per item, read with or without swapping.
macro_rules! scalar_sealed {
    ($($t:ty),*) => {$(
        impl sealed::Sealed for $t {
            const TYPE_NAME: &'static str = <$t as Element>::NAME;
            type Plan = ScalarPlan;

            fn export_format() -> Result<Arc<Format>, ElementError> {
                Format::parse(<$t as Element>::FORMAT)
                    .map(Arc::new)
                    .map_err(|e| ElementError::View(ViewError::Format(e)))
            }

            fn check_zero_copy(format: &Format, itemsize: usize) -> Result<(), ElementError> {
                check_zero_copy_format::<$t>(format.as_str(), format.layout().single_scalar(), itemsize)
            }

            fn plan(format: &Format, _itemsize: usize) -> Result<ScalarPlan, ElementError> {
                let scalar = check_match::<$t>(format.as_str(), format.layout().single_scalar())?;
                Ok(ScalarPlan {
                    swap: !scalar.endian.is_native(),
                })
            }

            #[inline(always)]
            fn is_native(plan: &ScalarPlan) -> bool {
                !plan.swap
            }

            #[inline(always)]
            fn checks(_: &ScalarPlan) -> bool {
                <$t as Reinterpret>::INVALID_BYTES
            }

            #[inline(always)]
            fn invalid_at(_: &ScalarPlan, item: &[u8]) -> Option<(usize, u8)> {
                <$t as Reinterpret>::bool_bytes()
                    .iter()
                    .find_map(|&at| item.get(at).filter(|&&b| b > 1).map(|&b| (at, b)))
            }

            fn invalid_error(
                _: &ScalarPlan,
                at: usize,
                byte: u8,
                item_offset: usize,
                index: Vec<usize>,
            ) -> ElementError {
                ElementError::InvalidBool {
                    byte,
                    offset: item_offset + at,
                    index,
                }
            }

            #[inline(always)]
            fn load_item(plan: &ScalarPlan, item: &[u8]) -> $t {
                <$t as super::sealed::Sealed>::load(item, plan.swap)
            }

            #[inline(always)]
            fn fill_item(plan: &ScalarPlan, value: &$t, itemsize: usize) -> Option<Vec<u8>> {
                let mut item = vec![0u8; std::mem::size_of::<$t>()];
                (itemsize == item.len()).then(|| {
                    Self::store_item(plan, value, &mut item);
                    item
                })
            }

            #[inline(always)]
            fn store_item(plan: &ScalarPlan, value: &$t, item: &mut [u8]) {
                <$t as super::sealed::Sealed>::store(*value, item, plan.swap)
            }

            fn convert<S: crate::view::raw::Storage>(
                view: &ViewBase<S>,
                refused: ElementError,
            ) -> Result<Vec<$t>, ElementError> {
                let format = view.format();
                match format.layout().single_scalar() {
                    Some(_) if view.is_indirect() => Err(ElementError::View(ViewError::RequiresSuboffsets)),
                    Some(s) => super::convert_items::<$t>(&view.raw().shared(), format.as_str(), s),
                    None => match refused {
                        ElementError::FormatMismatch { .. } => Err(ElementError::NotConvertible {
                            format: format.as_str().to_owned(),
                            element: <$t as Element>::NAME,
                        }),
                        other => Err(other),
                    },
                }
            }
        }
    )*};
}

scalar_sealed!(u8, i8, u16, i16, u32, i32, u64, i64, usize, isize, f32, f64, f16, bool);
scalar_sealed!(Complex<f32>, Complex<f64>);

impl<T: Record> sealed::Sealed for T {
    const TYPE_NAME: &'static str = T::LAYOUT.name;
    type Plan = RecordPlan<T>;

    fn export_format() -> Result<Arc<Format>, ElementError> {
        Ok(Arc::new(T::format().clone()))
    }

    fn check_zero_copy(format: &Format, itemsize: usize) -> Result<(), ElementError> {
        record::match_zero_copy::<T>(format, itemsize).map_err(|e| record_error(e, Vec::new()))
    }

    fn plan(format: &Format, itemsize: usize) -> Result<RecordPlan<T>, ElementError> {
        record::read_plan::<T>(format, itemsize)
            .map(|p| RecordPlan(Arc::new(p)))
            .map_err(|e| record_error(e, Vec::new()))
    }

    fn is_native(plan: &RecordPlan<T>) -> bool {
        plan.0.is_native()
    }

    #[inline(always)]
    fn checks(_: &RecordPlan<T>) -> bool {
        <T as Reinterpret>::INVALID_BYTES
    }

    fn invalid_at(plan: &RecordPlan<T>, item: &[u8]) -> Option<(usize, u8)> {
        plan.0.invalid(item)
    }

    fn invalid_error(
        plan: &RecordPlan<T>,
        at: usize,
        byte: u8,
        _item_offset: usize,
        index: Vec<usize>,
    ) -> ElementError {
        record_error(plan.0.bool_error(at, byte), index)
    }

    #[inline(always)]
    fn load_item(plan: &RecordPlan<T>, item: &[u8]) -> T {
        plan.0.read_checked(item)
    }

    #[inline(always)]
    fn store_item(plan: &RecordPlan<T>, value: &T, item: &mut [u8]) {
        plan.0.write(value, item)
    }

    fn fill_item(_: &RecordPlan<T>, _: &T, _: usize) -> Option<Vec<u8>> {
        // Padding and bytes of no field are left as they are: each item is written field by
        // field.
        None
    }

    fn convert<S: crate::view::raw::Storage>(
        view: &ViewBase<S>,
        refused: ElementError,
    ) -> Result<Vec<T>, ElementError> {
        // Scalars of other sizes or kinds are converted; another number of scalars or other
        // names are refused, naming the first.
        let pairs = record::leaf_pairs::<T>(view.format(), view.itemsize())
            .map_err(|e| record_error(e, Vec::new()))?;
        super::check_direct(view.is_indirect())?;
        let shape = view.shape();
        let overflow = || ViewError::SizeOverflow {
            shape: shape.to_vec(),
            itemsize: std::mem::size_of::<T>(),
        };
        let n = view.raw().geom().nelements();
        let len = n
            .checked_mul(std::mem::size_of::<T>())
            .ok_or_else(overflow)?;
        let own = Arc::new(T::format().clone());
        let source = ViewBase::from_raw(view.raw().shared(), Arc::clone(view.format_arc()));
        let mut bytes = vec![0u8; len];
        {
            let mut dst = crate::MemoryViewMut::from_format(
                &mut bytes,
                Arc::clone(&own),
                None,
                shape,
                None,
                0,
            )?;
            for (i, pair) in pairs.iter().enumerate() {
                let field = |error: ElementError| ElementError::Field {
                    record: T::LAYOUT.name,
                    path: record::leaf_path::<T>(i),
                    error: Box::new(error),
                };
                let from = Format::of_type(&crate::format::FieldType::Scalar(pair.view.clone()))
                    .ok_or_else(|| field(refused.clone()))?;
                let to = Format::parse(pair.rust.code).map_err(ViewError::Format)?;
                let src = source.part(pair.view_offset, Arc::new(from))?;
                dst.part_mut(pair.rust_offset, Arc::new(to))?
                    .copy_from_converted(&src)
                    .map_err(field)?;
            }
        }
        let converted = crate::MemoryView::from_format(&bytes, own, None, shape, None, 0)?;
        super::typed_values::<T, _>(&converted)
    }
}
