//! PEP 3118 format strings: parsing (with spans), printing, and layout.
//!
//! [`Format::parse`] turns a format string such as `"<hT{i:x:d:y:}:pt:"` into a syntax tree
//! ([`Format::ast`], see [`ast`]) and lowers it to a [`Layout`] (sizes, offsets, byte order,
//! shapes) that the codec and the views use. Errors are [`FormatError`]s that point into the
//! text.
//!
//! ```
//! use memview::format::Format;
//!
//! let f = Format::parse("hT{i:x:d:y:}:pt:")?;
//! assert_eq!(f.itemsize(), 24);
//! assert_eq!(f.fields()[1].offset, 8);
//! assert_eq!(f.fields()[1].name.as_deref(), Some("pt"));
//! # Ok::<(), memview::format::FormatError>(())
//! ```
//!
//! # Grammar
//!
//! ```text
//! format     := ws* (item ws*)*  |  ws* (order ws*)*   -- only prefixes: the empty format
//! item       := (shape ws* | order ws*)* [count] type [ws* name]
//! shape      := '(' ws* dim ws* (',' ws* dim ws*)* ')'     dim, count := [0-9]+
//! order      := '@' | '=' | '<' | '>' | '!' | '^'
//! type       := 'x' | 'c' | 'b' | 'B' | '?' | 'h' | 'H' | 'i' | 'I' | 'l' | 'L' | 'q' | 'Q'
//!             | 'n' | 'N' | 'e' | 'f' | 'd' | 'g' | 's' | 'p' | 'P' | 'O' | 'w' | 'u'
//!             | 'Zf' | 'Zd' | 'Zg'
//!             | 'T{' ws* (item ws*)* '}'                    -- a struct
//!             | '&' item-without-name                       -- a pointer
//!             | 'X{' ws* (item ws*)* ['->' ws* item ws*] '}' -- a function pointer
//! name       := ':' [^:]* ':'
//! ws         := ' ' | '\t' | '\n' | '\r' | '\x0b' | '\x0c'
//! ```
//!
//! * A byte-order prefix may stand before any item and stays in force until the next one,
//!   **also after the `}` of a `T{...}`** (NumPy's rule; its exporter relies on it). Prefixes
//!   inside a pointee (`&<i`) or a function signature (`X{...}`) describe other memory and are
//!   scoped to it. Of several prefixes before one item the last wins (`@@i`, `<>i`).
//! * A shape and a prefix may come in either order (`(3)<h` as ctypes writes, `<(3)h`);
//!   several shapes join (`(2)(3)i` is `(2,3)i`); a count after a shape is an inner dimension
//!   (`(2)3i` is `(2,3)i`).
//! * Whitespace may separate items, and follow a shape or prefix, but not a count (`3 i` is an
//!   error, as in `struct`). Field names keep their spaces and may hold any character but `:`
//!   and NUL; the empty name `::` is allowed.
//! * `T{`, `X{` and `&` nest at most 64 deep (an error, never a stack overflow).
//! * `t` (bit fields) is rejected as unsupported.
//!
//! # Layout
//!
//! * `@` (the default): native sizes and alignment; padding is inserted before an item that
//!   needs it, even when its count is 0 (`qc0q` is 16).
//! * `^`: native sizes, no alignment. `= < > !`: standard sizes (`l` is 4), no alignment.
//! * Native-only codes (`n N P O g Zg & X{}`) keep their native size under `= < > !`
//!   (ctypes exports `<P`, `<O`, `&<i`, `<g`); `struct` rejects those.
//! * `T{...}` follows NumPy exactly: it is aligned to the lcm of the alignments of its aligned
//!   items, and padded to that at its end if the prefix in force *at its `}`* is `@`
//!   (`T{ib}` is 8, `T{i=b}` is 5). Whether a struct item is aligned in its parent also
//!   depends on the prefix in force at its `}` (`T{<b}i` is 5).
//! * At top level a count on a type other than `s p u w x` means that many separate fields
//!   (`2i` is two `i` fields, as `struct.unpack` returns two values); inside `T{...}`, or after
//!   a shape, it is a sub-array dimension (`T{2i}` has one field of shape `[2]`). For
//!   `s p u w` the count is the length of one value; for `x` it is the number of pad bytes.
//!   Such a count is stored once, as a [`Field`] with [`repeat`](Field::repeat) `n`, so
//!   `calcsize('4611686018427387903h')` costs one field, as in `struct`.
//! * `x` is padding, not a field, even when named (`x:pad:` keeps its name in the tree
//!   only). NumPy turns named padding into a `V1` field; nothing reads one, so we do not.
//! * `u` is UCS-2 (2 bytes per unit) as PEP 3118 says. ctypes exports `c_wchar` as `<u`
//!   with itemsize 4 on Linux; views accept an explicit itemsize larger than the format's.
//!
//! # Dialects
//!
//! The only difference is top-level trailing padding in `@` mode. [`Dialect::Struct`] (the
//! default) adds none, like `struct.calcsize` (`ib` is 5). [`Dialect::NumPy`] pads the top
//! level like a struct, like NumPy's importer (`ib` is 8, `i7x` is 12, `@ib=b` is 6), so
//! buffers exported by NumPy are read with NumPy's meaning.
//!
//! # Exporting
//!
//! Because of that difference, a struct format handed to NumPy as it is may be read at other
//! offsets. [`Format::portable`] gives the text exports carry ([`crate::ffi::Export`], the
//! Python bridge): this format's own text when NumPy's importer lays it out exactly as memview
//! does (`i`, `<d`, `T{ib}`), otherwise an explicit rewrite that both read alike (`ib` becomes
//! `=ib`); see [`PortableFormat`].
//!
//! # Differences from CPython and NumPy
//!
//! * Where CPython's `struct` accepts a format, sizes and offsets are identical in the struct
//!   dialect. We accept all of PEP 3118 besides (`struct` only knows a leading prefix).
//! * NumPy leniencies are errors here: an unterminated `T{i`, text after a top-level `}`
//!   (`i}garbage`), `Ze`/`Zb`, a prefix after the last item (`i<`), `()` and `(2,)`.
//! * NumPy rejects `p P u & X{} n N`, standard-size `g`/`Zg` and byte orders before shapes;
//!   we accept them.
//! * A top-level count gives separate fields (NumPy: one sub-array field); offsets and size
//!   agree.
//! * Duplicate field names in one struct are an error, as in NumPy.

#![forbid(unsafe_code)]

pub mod ast;
mod error;
mod layout;
mod lower;
mod parse;
mod portable;
mod print;
pub(crate) mod simple;

use std::fmt;
use std::hash::{Hash, Hasher};
use std::sync::OnceLock;

pub use ast::Ast;
pub use error::{FormatError, FormatErrorKind};
pub use layout::{Endian, Field, FieldType, Layout, Scalar, ScalarKind, StructLayout};
pub use parse::MAX_DEPTH;
pub use portable::PortableFormat;

/// Which rules decide top-level trailing padding in native `@` mode.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum Dialect {
    /// Python's `struct`: no trailing padding at top level (`calcsize('ib') == 5`).
    #[default]
    Struct,
    /// NumPy's PEP 3118 importer: the top level is padded like a struct (`'ib'` is 8).
    NumPy,
}

/// A parsed and laid-out format string.
///
/// Two formats are equal when their text, dialect and layout are.
#[derive(Clone)]
pub struct Format {
    text: String,
    dialect: Dialect,
    /// The syntax tree: set by the general parser, which lowers from it; for plain `struct`
    /// formats, laid out in one pass without a tree, parsed from `text` on first use (what
    /// `Struct::new` is given needs none: building and dropping the tree of a 30-field
    /// format was ~2,100 of its ~9,000 instructions). A function of `text`, so equality,
    /// hashing and `Debug` treat it as if it had always been set.
    ast: OnceLock<Ast>,
    layout: Layout,
}

impl PartialEq for Format {
    fn eq(&self, other: &Format) -> bool {
        // The tree follows from the text.
        self.text == other.text && self.dialect == other.dialect && self.layout == other.layout
    }
}

impl Eq for Format {}

impl Hash for Format {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.text.hash(state);
        self.dialect.hash(state);
        self.layout.hash(state);
    }
}

impl fmt::Debug for Format {
    /// All four parts, the tree parsed if it was not yet.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Format")
            .field("text", &self.text)
            .field("dialect", &self.dialect)
            .field("ast", self.ast())
            .field("layout", &self.layout)
            .finish()
    }
}

impl Format {
    /// Parse `text` in the `struct` dialect.
    pub fn parse(text: &str) -> Result<Format, FormatError> {
        Self::parse_with(text, Dialect::Struct)
    }

    /// Parse `text` in the given dialect.
    pub fn parse_with(text: &str, dialect: Dialect) -> Result<Format, FormatError> {
        // Plain `struct` formats in one pass; everything else, and every error, below.
        if let Some(layout) = simple::parse(text, dialect) {
            return Ok(Format {
                text: text.to_owned(),
                dialect,
                ast: OnceLock::new(),
                layout,
            });
        }
        Self::parse_general(text, dialect)
    }

    /// [`parse_with`](Self::parse_with) without the one-pass path for plain `struct`
    /// formats: the parser and lowerer for every format, which the tests hold that path to.
    fn parse_general(text: &str, dialect: Dialect) -> Result<Format, FormatError> {
        let ast = parse::parse(text)?;
        let layout = lower::lower(&ast, text, dialect)?;
        Ok(Format {
            text: text.to_owned(),
            dialect,
            ast: OnceLock::from(ast),
            layout,
        })
    }

    /// The text as given.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The dialect this format was laid out with.
    pub fn dialect(&self) -> Dialect {
        self.dialect
    }

    /// The syntax tree. For plain `struct` formats, which are laid out in one pass without
    /// one, it is parsed from the text on the first call.
    pub fn ast(&self) -> &Ast {
        self.ast.get_or_init(|| match parse::parse(&self.text) {
            Ok(ast) => ast,
            Err(e) => unreachable!("{:?} parsed when the format was made: {e}", self.text),
        })
    }

    /// The lowered layout.
    pub fn layout(&self) -> &Layout {
        &self.layout
    }

    /// Item size in bytes.
    pub fn itemsize(&self) -> usize {
        self.layout.size()
    }

    /// Alignment in bytes.
    pub fn alignment(&self) -> usize {
        self.layout.align()
    }

    /// The top-level fields.
    pub fn fields(&self) -> &[Field] {
        &self.layout.top.fields
    }
}

impl std::str::FromStr for Format {
    type Err = FormatError;

    /// [`Format::parse`] (the struct dialect).
    fn from_str(text: &str) -> Result<Format, FormatError> {
        Format::parse(text)
    }
}

impl fmt::Display for Format {
    /// The canonical text (see [`ast`]); it parses back to an equal tree and layout.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self.ast(), f)
    }
}

#[cfg(test)]
mod tests;
