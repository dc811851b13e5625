//! The lowered form of a format string: sizes, offsets, byte order and shapes.
//!
//! A [`Layout`] is what the codec and the views work with. It is produced from the syntax tree
//! by `lower.rs` and never changes afterwards.

/// Concrete byte order of one scalar, with native order already resolved for this host.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Endian {
    /// Least significant byte first.
    Little,
    /// Most significant byte first.
    Big,
}

impl Endian {
    /// The byte order of the machine this code runs on.
    pub const NATIVE: Endian = if cfg!(target_endian = "little") {
        Endian::Little
    } else {
        Endian::Big
    };

    /// Whether this is the host's byte order.
    pub fn is_native(self) -> bool {
        self == Self::NATIVE
    }
}

/// What kind of value a scalar holds; the size is in [`Scalar::size`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ScalarKind {
    /// `x`: padding, produces no value.
    Pad,
    /// `c`: one byte, decoded as `bytes` of length 1.
    Char,
    /// `b h i l q n`: two's-complement signed integer of `size` bytes.
    Int,
    /// `B H I L Q N`: unsigned integer of `size` bytes.
    UInt,
    /// `?`: boolean, one byte.
    Bool,
    /// `e f d`: IEEE binary16/32/64 (by `size` 2/4/8).
    Float,
    /// `g`: C `long double`; on x86-64 the 80-bit x87 extended format in 16 bytes.
    LongDouble,
    /// `Zf Zd Zg`: complex; `size` is the size of both parts together.
    Complex,
    /// `Ns`: a byte string of `size` bytes, one value.
    Bytes,
    /// `Np`: a Pascal string of `size` bytes (first byte is the length), one value.
    Pascal,
    /// `Nu`: UCS-2 text of `size / 2` code units.
    Ucs2,
    /// `Nw`: UCS-4 text of `size / 4` code points.
    Ucs4,
    /// `P`, `&x`, `X{}`: an address, decoded as an unsigned integer, never dereferenced.
    Pointer,
    /// `O`: a `PyObject*`, decoded as its address.
    Object,
}

/// One scalar item: its type code, kind, size in bytes and byte order.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Scalar {
    /// The canonical type code as written without prefix or count (`"i"`, `"Zd"`, `"s"`, `"&"`,
    /// `"X{}"`).
    pub code: &'static str,
    /// The kind of value.
    pub kind: ScalarKind,
    /// Size in bytes (for `s p u w` this includes the count).
    pub size: usize,
    /// Alignment in bytes used in native (`@`) mode; 1 when the mode does not align.
    pub align: usize,
    /// Byte order, resolved.
    pub endian: Endian,
}

/// The type of one field.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum FieldType {
    /// A single scalar.
    Scalar(Scalar),
    /// A nested `T{...}` struct.
    Struct(StructLayout),
}

impl FieldType {
    /// Size in bytes of one element of this type.
    pub fn size(&self) -> usize {
        match self {
            FieldType::Scalar(s) => s.size,
            FieldType::Struct(s) => s.size,
        }
    }
}

/// One value-producing field of a struct (padding `x` is not a field, only an offset gap).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Field {
    /// The `:name:` if one was given.
    pub name: Option<String>,
    /// Byte offset from the start of the enclosing struct.
    pub offset: usize,
    /// Sub-array shape (from `(2,3)` and, inside `T{}`, from a repeat count); empty for one
    /// element.
    pub shape: Vec<usize>,
    /// The element type; elements of a sub-array are packed at `ty.size()` apart, C order.
    pub ty: FieldType,
    /// How many consecutive copies of this field there are: a top-level repeat count
    /// (`'3i'`) is stored once with `repeat == 3` rather than as three fields, so that
    /// `'4611686018427387903h'` costs one field, not 4.6e18. Copy `k` starts at
    /// `offset + k * size()` and is its own value in the tuple `struct.unpack` returns.
    /// Always 1 inside `T{...}` and for items without a top-level count.
    pub repeat: usize,
}

impl Field {
    /// Number of elements (product of `shape`, 1 when `shape` is empty).
    pub fn count(&self) -> usize {
        self.shape.iter().product()
    }

    /// Total bytes one copy of this field spans (`count * ty.size()`).
    pub fn size(&self) -> usize {
        self.count() * self.ty.size()
    }

    /// Byte offsets of the [`repeat`](Field::repeat) copies of this field, in order.
    pub fn copy_offsets(&self) -> impl ExactSizeIterator<Item = usize> + '_ {
        let size = self.size();
        (0..self.repeat).map(move |k| self.offset + k * size)
    }
}

/// A struct: its fields in order, total size (with trailing padding where the rules add it)
/// and alignment.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Default)]
pub struct StructLayout {
    /// Total size in bytes.
    pub size: usize,
    /// Alignment in bytes (1 when nothing in it is aligned).
    pub align: usize,
    /// Value-producing fields in order.
    pub fields: Vec<Field>,
}

/// The lowered layout of a whole format string.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Layout {
    /// The top level, laid out like a struct (for the `struct` dialect without trailing padding).
    pub top: StructLayout,
    /// How one element decodes: `true` when it is a tuple of the top-level fields
    /// (`struct.unpack` semantics, zero or several fields); `false` when the format has exactly
    /// one top-level field, which is then the value itself (`'i'` → int, `'T{ii}'` → record,
    /// `'(2)i'` → list).
    pub tuple: bool,
}

impl Layout {
    /// Item size in bytes.
    pub fn size(&self) -> usize {
        self.top.size
    }

    /// Alignment in bytes.
    pub fn align(&self) -> usize {
        self.top.align
    }

    /// How many values one element has at top level: the number of top-level fields with
    /// each [`repeat`](Field::repeat) counted (what `struct.pack` takes and `struct.unpack`
    /// returns). Saturates at `usize::MAX`.
    pub fn value_count(&self) -> usize {
        self.top
            .fields
            .iter()
            .fold(0usize, |n, f| n.saturating_add(f.repeat))
    }

    /// The single scalar this format consists of, if it is exactly one scalar without shape,
    /// count or name (`'d'`, `'<i'`, `'=q'`); `None` otherwise.
    pub fn single_scalar(&self) -> Option<&Scalar> {
        match (self.tuple, self.top.fields.as_slice()) {
            (false, [f]) if f.shape.is_empty() && f.name.is_none() && f.offset == 0 => {
                match &f.ty {
                    FieldType::Scalar(s) if s.size == self.top.size => Some(s),
                    _ => None,
                }
            }
            _ => None,
        }
    }
}
