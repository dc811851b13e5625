//! PEP 3118 format strings: parsing (with spans), printing, and layout.
//!
//! TEMPORARY SKELETON: the format-engine helper replaces the bodies below (and adds ast.rs,
//! parse.rs, print.rs, error.rs, lower.rs). The public signatures are the contract other
//! modules code against.

mod layout;

pub use layout::{Endian, Field, FieldType, Layout, Scalar, ScalarKind, StructLayout};

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
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Format {
    text: String,
    layout: Layout,
    dialect: Dialect,
}

/// An error in a format string (placeholder; the real one carries kind, input and span).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FormatError {
    input: String,
}

impl Format {
    /// Parse `text` in the `struct` dialect.
    pub fn parse(text: &str) -> Result<Format, FormatError> {
        Self::parse_with(text, Dialect::Struct)
    }

    /// Parse `text` in the given dialect.
    pub fn parse_with(text: &str, dialect: Dialect) -> Result<Format, FormatError> {
        let _ = (text, dialect);
        todo!("format engine")
    }

    /// The text as given.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The dialect this format was laid out with.
    pub fn dialect(&self) -> Dialect {
        self.dialect
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
