//! PEP 3118 format strings: parsing (with spans), printing, and layout.

mod layout;

pub use layout::{Endian, Field, FieldType, Layout, Scalar, ScalarKind, StructLayout};
