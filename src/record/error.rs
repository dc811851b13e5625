//! [`RecordError`]: why bytes or a view do not hold a record type.

use std::fmt;

/// One scalar of a record, described for a message: its path, offset and type.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct LeafText {
    /// The field path (`pos[1]`, `inner.x`; on the view's side `value 3` when a field on the
    /// way has no name).
    pub path: String,
    /// The byte offset in the item; `None` for a scalar of a tuple, which has no fixed
    /// layout.
    pub offset: Option<usize>,
    /// The type: the Rust name (`f64`), or the format's code with kind, size and byte order
    /// (`'>d' (float, 8 bytes, big-endian)`).
    pub ty: String,
}

/// What differs between a record's scalar and the view's scalar at the same position.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Problem {
    /// The view names a field on the way differently.
    Name,
    /// Different kinds (float vs integer, signed vs unsigned, ...).
    Kind,
    /// Same kind, different size.
    Size,
    /// Different byte offsets (zero-copy only).
    Offset,
    /// The view's scalar is not in native byte order (zero-copy only).
    ByteOrder,
    /// The view's scalar lies outside the item (an item size smaller than the format's).
    OutOfItem,
}

impl Problem {
    fn text(self) -> &'static str {
        match self {
            Problem::Name => "the field names differ",
            Problem::Kind => "the kinds differ",
            Problem::Size => "the sizes differ",
            Problem::Offset => "the offsets differ",
            Problem::ByteOrder => {
                "the view's byte order is not this host's; zero-copy needs native byte order \
                 (a converting copy reads it)"
            }
            Problem::OutOfItem => "the view's value lies outside its item",
        }
    }
}

/// Why a view or bytes do not hold a record type `T`: the item size, a field that differs
/// (named by its path, offset and type on both sides), or an invalid byte.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum RecordError {
    /// `the view's item size is 36 bytes, but Particle is 40 bytes`.
    ItemsizeMismatch {
        /// The record type.
        record: &'static str,
        /// `size_of` of the record type.
        size: usize,
        /// The view's item size.
        itemsize: usize,
    },
    /// The view's format has a different number of scalars than the record; the first
    /// unmatched scalar is named.
    FieldCount {
        /// The record type.
        record: &'static str,
        /// Scalars per item in the view (each element of a sub-array counted; saturating).
        view: usize,
        /// Scalars in the record.
        rust: usize,
        /// The first scalar of the record with no counterpart in the view.
        missing: Option<Box<LeafText>>,
        /// The first scalar of the view with no counterpart in the record.
        extra: Option<Box<LeafText>>,
    },
    /// A scalar of the record and the view's scalar at the same position differ.
    FieldMismatch {
        /// The record type.
        record: &'static str,
        /// What differs (the first check that failed: name, kind, size, offset, byte order).
        problem: Problem,
        /// The record's scalar.
        rust: Box<LeafText>,
        /// The view's scalar.
        view: Box<LeafText>,
    },
    /// A slice of bytes is not one item long.
    BytesLength {
        /// The record type.
        record: &'static str,
        /// `size_of` of the record type.
        size: usize,
        /// The bytes given.
        got: usize,
    },
    /// A `bool` field holds a byte other than 0 or 1.
    InvalidBool {
        /// The record type.
        record: &'static str,
        /// The field path (`flag`, `inner.flags[2]`).
        path: String,
        /// Its byte offset in the item.
        offset: usize,
        /// The byte found.
        byte: u8,
    },
}

/// `f64 at offset 8`, or `f64` without an offset.
struct TypeAt<'a>(&'a LeafText);

impl fmt::Display for TypeAt<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0.offset {
            Some(o) => write!(f, "{} at offset {o}", self.0.ty),
            None => f.write_str(&self.0.ty),
        }
    }
}

impl fmt::Display for RecordError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RecordError::ItemsizeMismatch {
                record,
                size,
                itemsize,
            } => write!(
                f,
                "the view's item size is {itemsize} bytes, but {record} is {size} bytes"
            ),
            RecordError::FieldCount {
                record,
                view,
                rust,
                missing,
                extra,
            } => {
                write!(
                    f,
                    "the view's format has {view} scalar{} per item, {record} has {rust}",
                    if *view == 1 { "" } else { "s" }
                )?;
                if let Some(m) = missing {
                    write!(
                        f,
                        ": {record}.{} ({}) has no counterpart",
                        m.path,
                        TypeAt(m)
                    )?;
                }
                if let Some(x) = extra {
                    write!(
                        f,
                        ": the view's {} ({}) has no counterpart",
                        x.path,
                        TypeAt(x)
                    )?;
                }
                Ok(())
            }
            RecordError::FieldMismatch {
                record,
                problem,
                rust,
                view,
            } => write!(
                f,
                "{record}.{} is {}, but the view's {} is {}: {}",
                rust.path,
                TypeAt(rust),
                view.path,
                TypeAt(view),
                problem.text()
            ),
            RecordError::BytesLength { record, size, got } => write!(
                f,
                "{record} is {size} bytes, but {got} {} given",
                if *got == 1 { "byte was" } else { "bytes were" }
            ),
            RecordError::InvalidBool {
                record,
                path,
                offset,
                byte,
            } => write!(
                f,
                "{record}.{path} (bool at offset {offset}) holds {byte}: a bool must be 0 or 1"
            ),
        }
    }
}

impl std::error::Error for RecordError {}
