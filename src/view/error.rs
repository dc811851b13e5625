//! [`ViewError`]: everything that can go wrong building, selecting, casting, reading or writing
//! a view, each variant carrying the numbers involved.

use std::fmt;

use crate::codec::PackError;
use crate::format::FormatError;

/// An error from a view operation. Every variant carries the numbers that explain it, and its
/// `Display` names them ("index 5 is out of bounds for axis 0 with size 3"). Where CPython's
/// `memoryview` raises for the same input, the message contains CPython's text.
#[non_exhaustive]
#[derive(Clone, Debug, PartialEq)]
pub enum ViewError {
    /// The format string did not parse (`from_parts(buf, "T{i", ...)`).
    Format(FormatError),
    /// An element could not be decoded (for example a `'w'` item holding an invalid code point).
    Pack(PackError),
    /// A value cannot be stored as an item of the view's format (`set(&[0], 256)` on `'B'`).
    /// The message says "invalid type" or "invalid value", as CPython's `TypeError` and
    /// `ValueError` do, followed by the codec's reason.
    InvalidValue {
        /// The view's format (without a leading `'@'`, as CPython prints it).
        format: String,
        /// Whether the value has the wrong type (CPython's `TypeError`) rather than a value out
        /// of range (`ValueError`).
        wrong_type: bool,
        /// Why the codec refused the value (boxed to keep `ViewError` small).
        error: Box<PackError>,
        /// The refused value: its Python type and `repr` (shortened past 80 characters).
        value: String,
    },
    /// More than 64 dimensions (`shape` of length 65).
    TooManyDimensions {
        /// The number of dimensions asked for.
        ndim: usize,
    },
    /// `strides` has a different length from `shape`.
    StridesMismatch {
        /// `shape.len()`.
        shape_len: usize,
        /// `strides.len()`.
        strides_len: usize,
    },
    /// The itemsize is zero (format `''` or `'0i'` without an explicit itemsize).
    ItemsizeZero,
    /// An explicit itemsize smaller than the format's size (`'i'` with itemsize 2).
    ItemsizeTooSmall {
        /// The itemsize given.
        itemsize: usize,
        /// The size of one item of the format.
        format_size: usize,
    },
    /// `product(shape) * itemsize` does not fit `isize`.
    SizeOverflow {
        /// The shape.
        shape: Vec<usize>,
        /// The itemsize.
        itemsize: usize,
    },
    /// A copy or list could not be allocated (`try_to_bytes` or `to_list` of a huge broadcast
    /// view, `tolist` of `shape [2^62, 0]`, which needs 2^62 empty lists): CPython's
    /// `MemoryError`.
    AllocationFailed {
        /// The number of bytes asked for (exact: it may exceed `usize`).
        bytes: u128,
    },
    /// `(extent - 1) * stride`, or the sum of such terms, does not fit `isize`.
    StrideOverflow {
        /// The axis whose term overflowed.
        axis: usize,
        /// Its extent.
        extent: usize,
        /// Its stride.
        stride: isize,
    },
    /// Some reachable element lies outside the buffer.
    OutOfBounds {
        /// First byte the view reaches (may be negative).
        start: i128,
        /// One past the last byte the view reaches.
        end: i128,
        /// The buffer's length.
        len: usize,
    },
    /// The offset of element `[0, ..., 0]` is past the end of the buffer.
    OffsetOutOfBounds {
        /// The offset.
        offset: usize,
        /// The buffer's length.
        len: usize,
    },
    /// An integer index outside `-size .. size`.
    IndexOutOfBounds {
        /// The axis (of the view being indexed).
        axis: usize,
        /// The index as given.
        index: isize,
        /// The axis' extent.
        size: usize,
    },
    /// A selection consumes more axes than the view has (`"0, 0"` on a 1-D view).
    TooManyIndices {
        /// The view's number of dimensions.
        ndim: usize,
        /// Integers and slices in the selection.
        given: usize,
    },
    /// `get`/`set` need exactly one index per dimension.
    IndexCount {
        /// The view's number of dimensions.
        ndim: usize,
        /// The number of indices given.
        given: usize,
    },
    /// More than one `...` in a selection.
    MultipleEllipsis,
    /// A slice with step 0.
    SliceStepZero,
    /// The subscript text is not a valid Python subscript.
    Subscript {
        /// The text.
        input: String,
        /// Byte position of the problem.
        position: usize,
        /// What was expected there.
        expected: &'static str,
    },
    /// An integer index in subscript text that does not fit `isize`.
    IndexOverflow {
        /// The integer as written.
        text: String,
    },
    /// `len()` of a 0-dim view.
    NoLength,
    /// `permute_axes` got the wrong number of axes.
    AxesCount {
        /// The view's number of dimensions.
        ndim: usize,
        /// The number of axes given.
        given: usize,
    },
    /// `permute_axes` got axes that are not a permutation of `0..ndim`.
    AxesNotPermutation {
        /// The axes given.
        axes: Vec<usize>,
    },
    /// `reshape` of a view that is not C-contiguous.
    ReshapeNotContiguous,
    /// `reshape` to a shape with a different number of elements.
    ReshapeSize {
        /// Elements in the view.
        elements: usize,
        /// The shape asked for.
        shape: Vec<usize>,
    },
    /// `cast` of a view that is not C-contiguous.
    CastNotContiguous,
    /// `cast` without a shape: the byte length is not a multiple of the new itemsize.
    CastLengthNotMultiple {
        /// The view's `nbytes`.
        nbytes: usize,
        /// The new format's itemsize.
        itemsize: usize,
    },
    /// `cast` with a shape: `product(shape) * itemsize` differs from the view's `nbytes`
    /// (or overflows).
    CastShapeMismatch {
        /// The shape asked for.
        shape: Vec<usize>,
        /// The new format's itemsize.
        itemsize: usize,
        /// The view's `nbytes`.
        nbytes: usize,
    },
    /// `hex` with a separator that is not ASCII.
    HexSeparatorNotAscii {
        /// The separator.
        sep: char,
    },
    /// An order other than `C`, `F` or `A`.
    OrderInvalid {
        /// The text given.
        text: String,
    },
    /// A buffer request asked for a writable buffer from a read-only view.
    NotWritable,
    /// A buffer request needs a C-contiguous buffer (`C_CONTIGUOUS`, or no `STRIDES`).
    NotCContiguous,
    /// A buffer request needs a Fortran-contiguous buffer.
    NotFContiguous,
    /// A buffer request needs a C- or Fortran-contiguous buffer.
    NotContiguous,
    /// A buffer request with `FORMAT` but without `ND`.
    FormatWithoutShape,
    /// A byte string of the wrong length for the layout it should fill.
    LengthMismatch {
        /// The bytes the layout needs.
        expected: usize,
        /// The bytes given.
        given: usize,
    },
    /// A buffer request without `INDIRECT` for a view that follows pointers (suboffsets).
    RequiresSuboffsets,
    /// An indirect view whose dereferences cannot be written as PEP 3118 suboffsets (its axes
    /// were permuted across a dereference, or every axis before a dereference was indexed
    /// away); copy it into a direct buffer first.
    SuboffsetsNotRepresentable,
    /// Suboffsets that do not fit the view (wrong length), or an indirect geometry given to a
    /// constructor for direct views.
    SuboffsetsInvalid {
        /// The suboffsets.
        suboffsets: Vec<isize>,
    },
    /// Shapes that do not broadcast (NumPy's rules: extents matched from the end must be equal
    /// or 1 in the source): `cannot broadcast shape [3, 2] to [3, 4]`.
    BroadcastShape {
        /// The shape being broadcast.
        from: Vec<usize>,
        /// The shape asked for.
        to: Vec<usize>,
    },
    /// A field (or another part of each item) that does not lie inside the item:
    /// `a field of 8 bytes at offset 4 does not lie inside the 8-byte item`.
    FieldOutsideItem {
        /// The part's offset inside the item.
        offset: usize,
        /// The part's size, including any sub-array it spans.
        size: usize,
        /// The item's size.
        itemsize: usize,
    },
    /// `field(name)`: the format has no field of that name.
    FieldNotFound {
        /// The name asked for.
        name: String,
        /// The view's format text.
        format: String,
        /// The names that do exist.
        available: Vec<String>,
    },
    /// The whole byte buffer was asked for (`buffer()`, `buffer_mut()`) of a view that borrows
    /// only the bytes of its elements: one made from an `ndarray` view whose elements leave
    /// gaps, or from a foreign buffer whose bytes between elements belong to someone else.
    BufferNotBorrowed {
        /// The length of the span from the lowest to the highest byte the view may reach.
        span: usize,
    },
    /// Assignment between views of different shapes.
    AssignShapeMismatch {
        /// The destination's shape.
        dst: Vec<usize>,
        /// The source's shape.
        src: Vec<usize>,
    },
    /// Assignment between views whose items are not equivalent (see `MemoryViewMut::assign`).
    AssignFormatMismatch {
        /// The destination's format.
        dst: String,
        /// The destination's itemsize.
        dst_itemsize: usize,
        /// The source's format.
        src: String,
        /// The source's itemsize.
        src_itemsize: usize,
    },
}

impl From<FormatError> for ViewError {
    fn from(e: FormatError) -> Self {
        ViewError::Format(e)
    }
}

impl From<PackError> for ViewError {
    fn from(e: PackError) -> Self {
        ViewError::Pack(e)
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("{n} {one}")
    } else {
        format!("{n} {many}")
    }
}

impl fmt::Display for ViewError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use ViewError::*;
        match self {
            Format(e) => write!(f, "invalid format: {e}"),
            Pack(e) => write!(f, "cannot decode item: {e}"),
            InvalidValue {
                format,
                wrong_type,
                error,
                value,
            } => {
                let kind = if *wrong_type { "type" } else { "value" };
                write!(
                    f,
                    "memoryview: invalid {kind} for format '{format}': {error} (got {value})"
                )
            }
            TooManyDimensions { ndim } => write!(
                f,
                "number of dimensions must not exceed 64, got {ndim}"
            ),
            StridesMismatch {
                shape_len,
                strides_len,
            } => write!(
                f,
                "shape has {} but strides has {}",
                plural(*shape_len, "dimension", "dimensions"),
                plural(*strides_len, "entry", "entries")
            ),
            ItemsizeZero => f.write_str("itemsize must not be zero"),
            ItemsizeTooSmall {
                itemsize,
                format_size,
            } => write!(
                f,
                "itemsize {itemsize} is smaller than the format's size {format_size}"
            ),
            SizeOverflow { shape, itemsize } => write!(
                f,
                "product(shape) * itemsize overflows isize: shape {shape:?}, itemsize {itemsize}"
            ),
            AllocationFailed { bytes } => write!(f, "cannot allocate {bytes} bytes"),
            StrideOverflow {
                axis,
                extent,
                stride,
            } => write!(
                f,
                "byte offsets overflow isize at axis {axis} (extent {extent}, stride {stride})"
            ),
            OutOfBounds { start, end, len } => {
                write!(f, "needs bytes {start}..{end}, buffer has {len}")
            }
            OffsetOutOfBounds { offset, len } => {
                write!(f, "offset {offset} is past the end of the {len}-byte buffer")
            }
            IndexOutOfBounds { axis, index, size } => write!(
                f,
                "index {index} is out of bounds for axis {axis} with size {size}"
            ),
            TooManyIndices { ndim, given } => write!(
                f,
                "too many indices: view is {ndim}-dimensional, but {given} were indexed"
            ),
            IndexCount { ndim, given } => write!(
                f,
                "cannot index {ndim}-dimension view with {}",
                plural(*given, "index", "indices")
            ),
            MultipleEllipsis => f.write_str("an index can only have a single ellipsis ('...')"),
            SliceStepZero => f.write_str("slice step cannot be zero"),
            Subscript {
                input,
                position,
                expected,
            } => write!(
                f,
                "invalid subscript {input:?}: expected {expected} at byte {position}"
            ),
            IndexOverflow { text } => write!(
                f,
                "cannot fit '{text}' into an index-sized integer"
            ),
            NoLength => f.write_str("0-dim memory has no length"),
            AxesCount { ndim, given } => write!(
                f,
                "axes don't match view: view is {ndim}-dimensional, but {given} axes were given"
            ),
            AxesNotPermutation { axes } => {
                write!(f, "axes {axes:?} are not a permutation of 0..{}", axes.len())
            }
            ReshapeNotContiguous => f.write_str("reshape is restricted to C-contiguous views"),
            ReshapeSize { elements, shape } => write!(
                f,
                "cannot reshape {} into shape {shape:?}",
                plural(*elements, "element", "elements")
            ),
            CastNotContiguous => {
                f.write_str("memoryview: casts are restricted to C-contiguous views")
            }
            CastLengthNotMultiple { nbytes, itemsize } => write!(
                f,
                "memoryview: length is not a multiple of itemsize ({nbytes} bytes, itemsize {itemsize})"
            ),
            CastShapeMismatch {
                shape,
                itemsize,
                nbytes,
            } => write!(
                f,
                "memoryview: product(shape) * itemsize != buffer size (shape {shape:?}, itemsize {itemsize}, buffer size {nbytes})"
            ),
            HexSeparatorNotAscii { sep } => write!(f, "sep must be ASCII. (got {sep:?})"),
            OrderInvalid { text } => write!(f, "order must be 'C', 'F' or 'A', not {text:?}"),
            NotWritable => f.write_str("memoryview: underlying buffer is not writable"),
            NotCContiguous => f.write_str("memoryview: underlying buffer is not C-contiguous"),
            NotFContiguous => {
                f.write_str("memoryview: underlying buffer is not Fortran contiguous")
            }
            NotContiguous => f.write_str("memoryview: underlying buffer is not contiguous"),
            LengthMismatch { expected, given } => {
                write!(f, "the layout needs {expected} bytes, {given} were given")
            }
            RequiresSuboffsets => f.write_str("memoryview: underlying buffer requires suboffsets"),
            SuboffsetsNotRepresentable => f.write_str(
                "the view's pointer dereferences cannot be written as PEP 3118 suboffsets \
                 (axes permuted across a dereference, or a level indexed away); copy it first",
            ),
            SuboffsetsInvalid { suboffsets } => {
                write!(f, "invalid suboffsets {suboffsets:?} for this view")
            }
            FormatWithoutShape => f.write_str(
                "memoryview: cannot cast to unsigned bytes if the format flag is present",
            ),
            BroadcastShape { from, to } => {
                write!(f, "cannot broadcast shape {from:?} to {to:?}")
            }
            FieldOutsideItem {
                offset,
                size,
                itemsize,
            } => write!(
                f,
                "a field of {size} bytes at offset {offset} does not lie inside the {itemsize}-byte item"
            ),
            FieldNotFound {
                name,
                format,
                available,
            } => {
                write!(f, "format '{format}' has no field named '{name}'")?;
                if available.is_empty() {
                    f.write_str(" (it has no named fields)")
                } else {
                    f.write_str("; its fields are ")?;
                    for (i, n) in available.iter().enumerate() {
                        if i > 0 {
                            f.write_str(", ")?;
                        }
                        write!(f, "'{n}'")?;
                    }
                    Ok(())
                }
            }
            BufferNotBorrowed { span } => write!(
                f,
                "this view borrows only the bytes of its elements, not the {span}-byte span \
                 between them (it views an ndarray view with gaps or a strided foreign \
                 buffer, whose other bytes may be borrowed elsewhere): read the elements with \
                 to_bytes, as_contiguous_bytes, get, typed or as_array instead"
            ),
            AssignShapeMismatch { dst, src } => write!(
                f,
                "memoryview assignment: lvalue and rvalue have different structures (shape {dst:?} vs {src:?})"
            ),
            AssignFormatMismatch {
                dst,
                dst_itemsize,
                src,
                src_itemsize,
            } => write!(
                f,
                "memoryview assignment: lvalue and rvalue have different structures (format {dst:?} itemsize {dst_itemsize} vs {src:?} itemsize {src_itemsize})"
            ),
        }
    }
}

impl std::error::Error for ViewError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            // The messages already show the inner errors: chain on from their sources.
            ViewError::Format(e) => std::error::Error::source(e),
            ViewError::Pack(e) => std::error::Error::source(e),
            ViewError::InvalidValue { error, .. } => std::error::Error::source(error.as_ref()),
            _ => None,
        }
    }
}
