//! Unit tests of the format engine: NumPy corpus and `struct` oracle tables, layout rules,
//! parser, error kinds with golden rendered text, and property tests.

mod corpus;
mod errors;
mod layout;
mod parse;
mod props;
mod simple;

use super::*;

/// Parse in the struct dialect, panicking with the rendered error.
fn fmt(text: &str) -> Format {
    Format::parse(text).unwrap_or_else(|e| panic!("{text:?}:\n{e}"))
}

/// Parse in the NumPy dialect, panicking with the rendered error.
fn np(text: &str) -> Format {
    Format::parse_with(text, Dialect::NumPy).unwrap_or_else(|e| panic!("{text:?}:\n{e}"))
}

fn size(text: &str) -> usize {
    fmt(text).itemsize()
}

fn np_size(text: &str) -> usize {
    np(text).itemsize()
}

/// Top-level field offsets.
/// Offsets of the top-level values (each copy of a repeated field counted).
fn offsets(f: &Format) -> Vec<usize> {
    f.fields().iter().flat_map(|f| f.copy_offsets()).collect()
}

/// Offsets of the leaves: nested structs (without a shape) are flattened to absolute offsets.
fn leaves(fields: &[Field], base: usize, out: &mut Vec<usize>) {
    for f in fields {
        for offset in f.copy_offsets() {
            match &f.ty {
                FieldType::Struct(s) if f.shape.is_empty() => leaves(&s.fields, base + offset, out),
                _ => out.push(base + offset),
            }
        }
    }
}

/// The error kind for `text` in the struct dialect.
fn err(text: &str) -> FormatErrorKind {
    match Format::parse(text) {
        Ok(f) => panic!("{text:?} parsed, itemsize {}", f.itemsize()),
        Err(e) => e.kind().clone(),
    }
}
