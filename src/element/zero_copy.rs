//! The checks of zero-copy and typed access that concern the format: `T` against the view's
//! scalar (kind and size; native byte order and `T`'s size as the itemsize for zero-copy), and
//! the naming of the layout refusals of the raw module (strides, alignment, overlap, invalid
//! bools) as [`ElementError`]s.

use crate::format::{Format, Scalar};
use crate::view::raw::array::Refusal;
use crate::view::ViewError;

use super::{ArrayElement, Element, ElementError};

/// Checks that `scalar` matches `T`, returning the scalar.
pub(crate) fn check_match<'s, T: Element>(
    format: &str,
    scalar: Option<&'s Scalar>,
) -> Result<&'s Scalar, ElementError> {
    match scalar {
        Some(s) if T::matches(s) => Ok(s),
        _ => Err(ElementError::FormatMismatch {
            format: format.to_owned(),
            scalar: scalar.map(|s| (s.kind, s.size)),
            element: T::NAME,
            element_kind: T::KIND,
            element_size: std::mem::size_of::<T>(),
        }),
    }
}

/// Typed access and ndarray conversion read elements at `offset + Σ i·stride` of the buffer;
/// an indirect (suboffset) view's buffer holds pointers there. Copy such a view into a direct
/// buffer first (`AlignedBuffer::from_view` in the `ffi` module, or `to_bytes`).
pub(crate) fn check_direct(indirect: bool) -> Result<(), ElementError> {
    if indirect {
        Err(ElementError::View(ViewError::RequiresSuboffsets))
    } else {
        Ok(())
    }
}

/// Checks everything `as_array` needs besides the layout: the format matches `T`, byte order
/// is native, and the itemsize is `T`'s size.
pub(crate) fn check_zero_copy_format<T: Element>(
    format: &str,
    scalar: Option<&Scalar>,
    itemsize: usize,
) -> Result<(), ElementError> {
    let s = check_match::<T>(format, scalar)?;
    if !s.endian.is_native() {
        return Err(ElementError::ByteOrderNotNative {
            format: format.to_owned(),
            endian: s.endian,
        });
    }
    if itemsize != std::mem::size_of::<T>() {
        return Err(ElementError::ItemsizeMismatch {
            itemsize,
            element: T::NAME,
            element_size: std::mem::size_of::<T>(),
        });
    }
    Ok(())
}

/// The error for a layout the raw module refused to view as `T` without copying (`format`:
/// the view's, which matched `T`).
pub(crate) fn refusal<T: ArrayElement>(
    r: Refusal,
    format: &Format,
    itemsize: usize,
    shape: &[usize],
) -> ElementError {
    let size = std::mem::size_of::<T>();
    match r {
        Refusal::Indirect => ElementError::View(ViewError::RequiresSuboffsets),
        Refusal::Itemsize => ElementError::ItemsizeMismatch {
            itemsize,
            element: T::TYPE_NAME,
            element_size: size,
        },
        Refusal::Stride { axis, stride } => ElementError::StrideNotMultiple {
            axis,
            stride,
            element_size: size,
        },
        Refusal::Misaligned { remainder } => ElementError::Misaligned {
            element: T::TYPE_NAME,
            remainder,
            align: std::mem::align_of::<T>(),
        },
        // A `bool` (alone, or a field of a record) other than 0 or 1.
        Refusal::Invalid {
            byte,
            offset,
            at,
            index,
        } => match T::plan(format, itemsize) {
            Ok(plan) => T::invalid_error(&plan, at, byte, offset - at, index),
            Err(e) => e,
        },
        Refusal::Extents => ElementError::View(ViewError::SizeOverflow {
            shape: shape.to_vec(),
            itemsize,
        }),
        Refusal::Overlap {
            axis,
            len,
            stride,
            span,
        } => ElementError::Overlap {
            axis,
            len,
            stride,
            span,
        },
    }
}
