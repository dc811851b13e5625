//! [`NpyError`]: why a `.npy` file could not be read, naming the bytes, keys and dtypes involved.

use std::fmt;
use std::path::{Path, PathBuf};

use crate::format::FormatError;
use crate::value::LiteralError;
use crate::view::ViewError;

/// Why a `.npy` file could not be read. Every variant carries what its message names: byte
/// counts and positions for truncated files, the offending header entry or dtype for bad
/// headers.
///
/// Messages about the header quote values the way Python prints them (`'<f8'`, `(3, 4)`).
///
/// ```
/// use memview::npy::{Header, NpyError};
///
/// let e = Header::parse(b"\x93NUMPY\x01\x00\x40\x00{'descr'").unwrap_err();
/// assert_eq!(e, NpyError::HeaderTruncated { header_len: 64, start: 10, file_len: 18 });
/// assert_eq!(
///     e.to_string(),
///     "truncated .npy file: the header claims 64 bytes after byte 10, but the file has only 18 bytes"
/// );
/// ```
#[non_exhaustive]
#[derive(Clone, Debug, PartialEq)]
pub enum NpyError {
    /// The file does not start with the magic `\x93NUMPY` (`b"PK\x03\x04..."`, a `.npz`).
    MagicMissing,
    /// The file ends inside the 8 bytes of magic and version (`b"\x93NUMPY\x01"`).
    VersionTruncated {
        /// The length of the file.
        file_len: usize,
    },
    /// A format version other than 1.0, 2.0 and 3.0 (`b"\x93NUMPY\x04\x00..."`).
    VersionUnsupported {
        /// The major version byte.
        major: u8,
        /// The minor version byte.
        minor: u8,
    },
    /// The file ends inside the header length field (2 bytes in version 1, 4 in versions 2
    /// and 3).
    HeaderLengthTruncated {
        /// The length of the file.
        file_len: usize,
    },
    /// The header length field claims more bytes than the file has
    /// (`b"\x93NUMPY\x02\x00\xff\xff\xff\xff{}"`).
    HeaderTruncated {
        /// The header length the file claims.
        header_len: usize,
        /// Where the header starts (10 in version 1, 12 in versions 2 and 3).
        start: usize,
        /// The length of the file.
        file_len: usize,
    },
    /// A version 3 header that is not UTF-8 (versions 1 and 2 are Latin-1, which every byte
    /// sequence is).
    HeaderNotUtf8 {
        /// The decoding error: `valid_up_to` counts from the start of the header text.
        error: std::str::Utf8Error,
    },
    /// The header is not a Python literal (`{'descr': '<i4', 'fortran_order': False, `).
    HeaderNotLiteral {
        /// What the literal parser found, and where in the header.
        error: LiteralError,
        /// The header text, without its padding.
        header: String,
    },
    /// The header is a literal but not a dict (`[1, 2]`).
    HeaderNotDict {
        /// The header text, without its padding.
        header: String,
    },
    /// One of the keys `'descr'`, `'fortran_order'`, `'shape'` is missing.
    KeyMissing {
        /// The missing key.
        key: &'static str,
        /// The header text, without its padding.
        header: String,
    },
    /// `'fortran_order'` is not `True` or `False` (`'fortran_order': 1`).
    FortranOrderInvalid {
        /// The value found, as Python prints it.
        found: String,
    },
    /// `'shape'` is not a tuple (`'shape': [3, 4]`, `'shape': 3`).
    ShapeNotTuple {
        /// The value found, as Python prints it.
        found: String,
    },
    /// A dimension in `'shape'` is not an integer (`'shape': (3, 4.0)`).
    DimensionNotInteger {
        /// The dimension found, as Python prints it.
        found: String,
    },
    /// A dimension in `'shape'` is negative (`'shape': (3, -1)`).
    DimensionNegative {
        /// The dimension.
        dim: i128,
    },
    /// A dimension in `'shape'` does not fit `usize` (`'shape': (2**64,)` written out).
    DimensionTooLarge {
        /// The dimension.
        dim: i128,
    },
    /// `'descr'` is neither a type string nor a list of fields (`'descr': 3`).
    DescrNotUnderstood {
        /// The descriptor, as Python prints it.
        descr: String,
    },
    /// A field of a structured `'descr'` is not a tuple (`[['x', '<i4']]`).
    FieldNotTuple {
        /// The field, as Python prints it.
        field: String,
    },
    /// A field tuple has neither 2 nor 3 items (`[('x',)]`).
    FieldItemCount {
        /// The field, as Python prints it.
        field: String,
    },
    /// A field name is neither a string nor a `(title, name)` pair of strings (`[(1, '<i4')]`).
    FieldNameNotString {
        /// The name, as Python prints it.
        name: String,
    },
    /// A field name contains `:` or NUL, which a PEP 3118 format cannot express
    /// (`[('a:b', '<i4')]`).
    FieldNameInexpressible {
        /// The name.
        name: String,
    },
    /// A field's type is neither a type string nor a list of fields (`[('x', 4)]`).
    FieldTypeInvalid {
        /// The type, as Python prints it.
        ty: String,
    },
    /// A sub-array field's shape is neither a tuple nor an integer (`[('x', '<i4', [2])]`).
    SubarrayShapeInvalid {
        /// The shape, as Python prints it.
        shape: String,
    },
    /// A sub-array dimension is not a non-negative integer (`[('x', '<i4', (-2,))]`).
    SubarrayDimensionInvalid {
        /// The dimension, as Python prints it.
        dim: String,
    },
    /// A type string with nothing after the byte order (`'<'`, `''`).
    TypestrEmpty {
        /// The type string.
        typestr: String,
    },
    /// A type string whose size does not fit `usize` (`'<V99999999999999999999'`).
    TypestrSizeInvalid {
        /// The type string.
        typestr: String,
        /// Its size digits.
        size: String,
    },
    /// A type string with no PEP 3118 equivalent (`'<f3'`, `'<i16'`, `'<M4'`).
    TypestrUnsupported {
        /// The type string.
        typestr: String,
    },
    /// An object array (`'|O'`): its data is pickled Python objects, not raw values.
    TypestrObject {
        /// The type string.
        typestr: String,
    },
    /// The translated format does not parse or lay out (`'|V0'` inside a struct, a sub-array
    /// too large for `usize`).
    FormatUnreadable {
        /// The header's `'descr'`, as Python prints it.
        descr: String,
        /// The format it translates to.
        format: String,
        /// Why the format engine refused it (boxed to keep `NpyError`, and so
        /// [`Error`](crate::Error), small).
        error: Box<FormatError>,
    },
    /// Fewer bytes follow the header than its shape and dtype need (`np.load` raises
    /// "EOF: reading array data"); bytes beyond the data are ignored, as `np.load` ignores
    /// them.
    DataTruncated {
        /// The header's shape.
        shape: Vec<usize>,
        /// The header's `'descr'`, as Python prints it.
        descr: String,
        /// The bytes of data the header implies; `None` when that number does not fit
        /// `usize` (`shape (2**40, 2**40)` of `'<f8'`).
        needed: Option<usize>,
        /// The bytes after the header.
        available: usize,
    },
    /// The data's view could not be made (an item size of 0 as for `'|S0'`, a shape whose
    /// strides overflow `isize`, more than 64 dimensions).
    View(ViewError),
    /// Writing: the view's format has no NumPy dtype (`P`, `&i`, `X{}`, `O`, `p`, `u`, `0s`),
    /// so it cannot be written as `.npy`.
    DtypeUnrepresentable {
        /// The view's format text.
        format: String,
        /// The field holding the item, as a dotted path of NumPy field names (`inner.p`,
        /// `f1`), or `None` when the whole format is that item.
        field: Option<String>,
        /// Its type code (`"P"`, `"&"`, `"X{}"`, `"O"`, `"p"`, `"u"`, `"s"`, `"w"`).
        code: String,
        /// Why NumPy has no dtype for it.
        reason: &'static str,
    },
    /// Writing: the header would be longer than the 4 GiB a `.npy` header length can say
    /// (a struct with hundreds of millions of fields).
    HeaderTooLong {
        /// The header's length in bytes, before padding.
        len: usize,
    },
    /// Reading or writing a file or stream failed.
    Io {
        /// The file, when there is one.
        path: Option<PathBuf>,
        /// What kind of failure (`NotFound`, `UnexpectedEof`, ...).
        kind: std::io::ErrorKind,
        /// The operating system's message.
        message: String,
    },
    /// [`NpyArray::view_mut`](super::NpyArray::view_mut) of an array that is memory-mapped
    /// read-only ([`load`](super::load)).
    ReadOnly,
    /// A `.npz` archive could not be read or written as a zip file.
    Zip {
        /// The zip library's message.
        message: String,
    },
    /// A `.npz` archive has no array of this name.
    NpzNameMissing {
        /// The name asked for (without `.npy`).
        name: String,
        /// The names the archive has.
        available: Vec<String>,
    },
    /// Writing a `.npz`: this name was given to an array already (`np.savez` refuses
    /// `savez(f, a, arr_0=b)` the same way).
    NpzNameDuplicate {
        /// The name (without `.npy`).
        name: String,
    },
    /// A member of a `.npz` archive is not a readable `.npy` file.
    NpzMember {
        /// The member's array name (without `.npy`).
        name: String,
        /// Why it could not be read.
        error: Box<NpyError>,
    },
}

impl NpyError {
    /// An I/O error, with the path of the file when there is one.
    pub(crate) fn io(path: Option<&Path>, e: &std::io::Error) -> NpyError {
        NpyError::Io {
            path: path.map(Path::to_path_buf),
            kind: e.kind(),
            message: e.to_string(),
        }
    }

    /// The same error, naming `path` if it is an I/O error that names no file yet.
    pub(crate) fn with_path(self, path: &Path) -> NpyError {
        match self {
            NpyError::Io {
                path: None,
                kind,
                message,
            } => NpyError::Io {
                path: Some(path.to_path_buf()),
                kind,
                message,
            },
            other => other,
        }
    }
}

/// Python's repr of a shape: `()`, `(3,)`, `(3, 4)`.
pub(crate) fn shape_repr(shape: &[usize]) -> String {
    match shape {
        [one] => format!("({one},)"),
        _ => {
            let dims: Vec<String> = shape.iter().map(ToString::to_string).collect();
            format!("({})", dims.join(", "))
        }
    }
}

impl fmt::Display for NpyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NpyError::MagicMissing => {
                f.write_str("not a .npy file (it does not start with \\x93NUMPY)")
            }
            NpyError::VersionTruncated { file_len } => write!(
                f,
                "truncated .npy file: {file_len} bytes, the header is incomplete"
            ),
            NpyError::VersionUnsupported { major, minor } => write!(
                f,
                ".npy format version {major}.{minor} is not supported (known: 1.0, 2.0, 3.0)"
            ),
            NpyError::HeaderLengthTruncated { file_len } => write!(
                f,
                "truncated .npy file: {file_len} bytes, the header length is missing"
            ),
            NpyError::HeaderTruncated {
                header_len,
                start,
                file_len,
            } => write!(
                f,
                "truncated .npy file: the header claims {header_len} bytes after byte {start}, \
                 but the file has only {file_len} bytes"
            ),
            NpyError::HeaderNotUtf8 { error } => {
                write!(f, ".npy header is not valid UTF-8: {error}")
            }
            NpyError::HeaderNotLiteral { error, header } => write!(
                f,
                ".npy header is not a Python dict literal: {error}\n  header: {header}"
            ),
            NpyError::HeaderNotDict { header } => {
                write!(f, ".npy header is not a dict: {header}")
            }
            NpyError::KeyMissing { key, header } => {
                write!(f, ".npy header has no {key:?} entry: {header}")
            }
            NpyError::FortranOrderInvalid { found } => {
                write!(f, ".npy header: 'fortran_order' is {found}, not True/False")
            }
            NpyError::ShapeNotTuple { found } => {
                write!(f, ".npy header: 'shape' is {found}, not a tuple")
            }
            NpyError::DimensionNotInteger { found } => write!(
                f,
                ".npy header: bad 'shape': dimension {found} is not an integer"
            ),
            NpyError::DimensionNegative { dim } => {
                write!(f, ".npy header: bad 'shape': negative dimension {dim}")
            }
            NpyError::DimensionTooLarge { dim } => write!(
                f,
                ".npy header: bad 'shape': dimension {dim} is larger than {}",
                usize::MAX
            ),
            NpyError::DescrNotUnderstood { descr } => write!(
                f,
                "dtype descriptor {descr} is neither a type string nor a list of fields"
            ),
            NpyError::FieldNotTuple { field } => {
                write!(f, "dtype field {field} is not a tuple")
            }
            NpyError::FieldItemCount { field } => {
                write!(f, "dtype field {field} should have 2 or 3 items")
            }
            NpyError::FieldNameNotString { name } => {
                write!(f, "dtype field name {name} is not a string")
            }
            NpyError::FieldNameInexpressible { name } => write!(
                f,
                "field name {name:?} contains ':' or NUL, which a PEP 3118 format cannot express"
            ),
            NpyError::FieldTypeInvalid { ty } => {
                write!(f, "dtype field type {ty} is not understood")
            }
            NpyError::SubarrayShapeInvalid { shape } => {
                write!(f, "sub-array shape {shape} is not a tuple")
            }
            NpyError::SubarrayDimensionInvalid { dim } => {
                write!(f, "sub-array dimension {dim} is not a count")
            }
            NpyError::TypestrEmpty { typestr } => write!(f, "empty dtype string {typestr:?}"),
            NpyError::TypestrSizeInvalid { typestr, size } => {
                write!(f, "dtype {typestr:?}: size {size:?} is not a number")
            }
            NpyError::TypestrUnsupported { typestr } => {
                write!(f, "dtype {typestr:?} has no PEP 3118 equivalent")
            }
            NpyError::TypestrObject { typestr } => write!(
                f,
                "dtype {typestr:?} is an object array: its data is pickled Python objects, \
                 not raw values"
            ),
            NpyError::FormatUnreadable {
                descr,
                format,
                error,
            } => write!(
                f,
                "dtype {descr} translates to the format {}, which memview cannot read: {error}",
                crate::Value::Str(format.clone())
            ),
            NpyError::DataTruncated {
                shape,
                descr,
                needed,
                available,
            } => {
                write!(
                    f,
                    "truncated .npy file: the header says shape {} of dtype {descr} (",
                    shape_repr(shape)
                )?;
                match needed {
                    Some(n) => write!(f, "{n}")?,
                    None => f.write_str("too many")?,
                }
                write!(
                    f,
                    " bytes of data), but only {available} bytes follow the header"
                )
            }
            NpyError::View(e) => write!(f, "cannot view the .npy data: {e}"),
            NpyError::DtypeUnrepresentable {
                format,
                field,
                code,
                reason,
            } => {
                write!(
                    f,
                    "format {} has no NumPy dtype, so it cannot be written as .npy: ",
                    crate::Value::Str(format.clone())
                )?;
                if let Some(field) = field {
                    write!(f, "field {} is ", crate::Value::Str(field.clone()))?;
                }
                write!(f, "{}, {reason}", crate::Value::Str(code.clone()))
            }
            NpyError::HeaderTooLong { len } => write!(
                f,
                "the .npy header would be {len} bytes, more than a header length can say (4 GiB)"
            ),
            NpyError::Io {
                path,
                kind: _,
                message,
            } => match path {
                Some(p) => write!(f, "{}: {message}", p.display()),
                None => write!(f, "I/O error: {message}"),
            },
            NpyError::ReadOnly => f.write_str(
                "the array is memory-mapped read-only (npy::load); \
                 npy::load_mut or npy::from_bytes give a writable copy",
            ),
            NpyError::Zip { message } => write!(f, "not a readable .npz (zip) archive: {message}"),
            NpyError::NpzNameMissing { name, available } => {
                let names: Vec<String> = available
                    .iter()
                    .map(|n| crate::Value::Str(n.clone()).to_string())
                    .collect();
                write!(
                    f,
                    "the .npz archive has no array {}; it has [{}]",
                    crate::Value::Str(name.clone()),
                    names.join(", ")
                )
            }
            NpyError::NpzNameDuplicate { name } => write!(
                f,
                "the .npz archive already has an array {}",
                crate::Value::Str(name.clone())
            ),
            NpyError::NpzMember { name, error } => write!(
                f,
                "array {} of the .npz archive: {error}",
                crate::Value::Str(name.clone())
            ),
        }
    }
}

impl std::error::Error for NpyError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            // The messages already show the inner errors: chain on from their sources.
            NpyError::HeaderNotUtf8 { error } => std::error::Error::source(error),
            NpyError::HeaderNotLiteral { error, .. } => std::error::Error::source(error),
            NpyError::FormatUnreadable { error, .. } => std::error::Error::source(error.as_ref()),
            NpyError::View(e) => std::error::Error::source(e),
            NpyError::NpzMember { error, .. } => std::error::Error::source(error.as_ref()),
            _ => None,
        }
    }
}

impl From<ViewError> for NpyError {
    fn from(e: ViewError) -> NpyError {
        NpyError::View(e)
    }
}
