//! The plain `struct` formats in one pass: what `Struct::new` is mostly given.
//!
//! [`parse`] covers `[order] ws* ((count) code ws*)*`: an optional byte-order prefix as the
//! first character, then items of an optional repeat count and a one-letter type code,
//! with whitespace between items; that is, CPython's `struct` syntax. It builds the same
//! [`Layout`] as `parse::parse` followed by `lower::lower`, directly from the text, with no
//! syntax tree: `Format` parses the tree on first use ([`Format::ast`](super::Format::ast)),
//! which `Struct::new` never makes.
//!
//! Anything else (`T{`, `X{`, `&`, shapes, names, `Z` codes, prefixes after the start,
//! non-ASCII, a format that is only a prefix) and every input that is an error (an unknown
//! code, a dangling count, an overflow) returns `None`: the general parser then handles it,
//! so every error and every PEP 3118 extension still comes from one place. The tests check
//! that both give equal results (`tests/simple.rs`).
//!
//! Why it exists: for the 30-field `'<bBhHiIlLqQefd?s...'` the general path spent ~18,600
//! instructions (2.5 µs) in `Struct::new`, CPython's `struct.Struct` ~440 ns. Building
//! (and dropping) the 30 tree items alone cost ~2,100 of the instructions left after the
//! general path was skipped.

use super::ast::{ByteOrder, TypeCode};
use super::layout::{Endian, Field, FieldType, Layout, Scalar, ScalarKind, StructLayout};
use super::lower::{align_up, endian, lcm, scalar_unit};
use super::parse::is_space;
use super::Dialect;

/// One type code as the lowerer sizes it under native or standard sizes: `scalar_unit`,
/// `TypeCode::count_is_size` and `TypeCode::as_str` looked up at once.
#[derive(Clone, Copy)]
struct Unit {
    kind: ScalarKind,
    /// The size of one unit (`s p u w x`) or of the value.
    size: usize,
    /// The alignment under `@`.
    align: usize,
    /// Whether the count is part of the size (`s p u w x`).
    folded: bool,
    /// The code's text.
    text: &'static str,
}

/// Each ASCII byte's [`Unit`] under `mode`'s sizes, `None` if it is not a one-letter code.
/// Tabulated because the matches behind it were ~35 instructions per item.
const fn units(mode: ByteOrder) -> [Option<Unit>; 128] {
    let mut table = [None; 128];
    let mut i = 0;
    while i < TypeCode::ALL.len() {
        let code = TypeCode::ALL[i];
        if let [byte] = code.as_str().as_bytes() {
            let (kind, size, align) = scalar_unit(code, mode);
            table[*byte as usize] = Some(Unit {
                kind,
                size,
                align,
                folded: code.count_is_size(),
                text: code.as_str(),
            });
        }
        i += 1;
    }
    table
}

/// [`units`] with native sizes (`@`, `^`, and no prefix).
static NATIVE: [Option<Unit>; 128] = units(ByteOrder::Native);

/// [`units`] with standard sizes (`= < > !`).
static STANDARD: [Option<Unit>; 128] = units(ByteOrder::NativeStandard);

/// One item of a plain `struct` format as [`scan`] lays it out: `copies` values of `size`
/// bytes each, back to back from `offset`. Padding (`x`) and zero-count items are not
/// reported.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Item {
    /// Byte offset of the first copy.
    pub offset: usize,
    /// What the value is.
    pub kind: ScalarKind,
    /// Bytes per copy (for `s p u w`, the count folded in).
    pub size: usize,
    /// The alignment the lowerer records: the native one under `@`, else 1.
    pub align: usize,
    /// How many copies (at least 1).
    pub copies: usize,
    /// Byte order of the value.
    pub endian: Endian,
    /// The type code's text.
    pub code: &'static str,
}

/// What [`scan`] found besides the items.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Summary {
    /// The record's size in bytes.
    pub size: usize,
    /// The record's alignment.
    pub align: usize,
    /// Whether the record decodes to a tuple (not exactly one value of one item).
    pub tuple: bool,
}

/// Walk `text` if it is a valid plain `struct` format (see the module docs), handing each
/// value-bearing [`Item`] to `item` in order; `None` for anything else, which the general
/// parser is to handle, or as soon as `item` returns `None`.
#[inline]
pub(crate) fn scan(
    text: &str,
    dialect: Dialect,
    mut item: impl FnMut(Item) -> Option<()>,
) -> Option<Summary> {
    let bytes = text.as_bytes();
    let mut pos = 0;
    let mut mode = ByteOrder::Native;
    let mut prefixed = false;
    if let Some(order) = bytes
        .first()
        .and_then(|&b| ByteOrder::from_char(char::from(b)))
    {
        mode = order;
        prefixed = true;
        pos = 1;
    }
    let units = if mode.native_sizes() {
        &NATIVE
    } else {
        &STANDARD
    };
    let (mut items, mut reported) = (0usize, 0usize);
    let (mut offset, mut common, mut split_any) = (0usize, 1usize, false);
    while let Some(&first) = bytes.get(pos) {
        // The common item, a code alone, is one table load; whitespace and counts are
        // looked for only when that fails.
        let (unit, count) = match units.get(usize::from(first)) {
            Some(&Some(unit)) => (unit, None),
            _ if is_space(char::from(first)) => {
                pos += 1;
                continue;
            }
            _ if first.is_ascii_digit() => {
                let mut value = 0usize;
                while let Some(&d) = bytes.get(pos).filter(|d| d.is_ascii_digit()) {
                    value = value.checked_mul(10)?.checked_add(usize::from(d - b'0'))?;
                    pos += 1;
                }
                ((*units.get(usize::from(*bytes.get(pos)?))?)?, Some(value))
            }
            _ => return None,
        };
        let Unit {
            kind,
            size: unit,
            align: native_align,
            folded,
            text,
        } = unit;
        pos += 1;
        items += 1;
        // Lowering, as `lower::Lowerer::lower_items` does for a top-level code item without
        // shape or name under a mode that no later prefix changes.
        // A count is the size of one value (`s p u w x`) or a number of copies.
        let (size, copies) = match count {
            None => (unit, 1),
            Some(n) if folded => (
                unit.checked_mul(n).filter(|&s| s <= isize::MAX as usize)?,
                1,
            ),
            Some(n) => {
                split_any = true;
                (unit, n)
            }
        };
        let align = if mode.aligned() {
            offset = align_up(offset, native_align)?;
            common = lcm(common, native_align)?;
            native_align
        } else {
            1
        };
        let total = if copies == 1 {
            size
        } else {
            copies.checked_mul(size)?
        };
        let end = offset
            .checked_add(total)
            .filter(|&e| e <= isize::MAX as usize)?;
        if kind != ScalarKind::Pad && copies > 0 {
            reported += 1;
            item(Item {
                offset,
                kind,
                size,
                align,
                copies,
                endian: endian(mode),
                code: text,
            })?;
        }
        offset = end;
    }
    if items == 0 && prefixed {
        // Only a prefix (and whitespace): the general parser's special case.
        return None;
    }
    let mut size = offset;
    if dialect == Dialect::NumPy && mode.aligned() {
        size = align_up(size, common).filter(|&s| s <= isize::MAX as usize)?;
    }
    Some(Summary {
        size,
        align: common,
        tuple: split_any || reported != 1,
    })
}

/// The layout of `text` if it is a valid plain `struct` format (see the module docs);
/// `None` for anything else, which the general parser is to handle.
pub(super) fn parse(text: &str, dialect: Dialect) -> Option<Layout> {
    // At most one field per byte.
    let mut fields = Vec::with_capacity(text.len());
    let summary = scan(text, dialect, |item| {
        fields.push(Field {
            name: None,
            offset: item.offset,
            shape: Vec::new(),
            ty: FieldType::Scalar(Scalar {
                code: item.code,
                kind: item.kind,
                size: item.size,
                align: item.align,
                endian: item.endian,
            }),
            repeat: item.copies,
        });
        Some(())
    })?;
    let top = StructLayout {
        size: summary.size,
        align: summary.align,
        fields,
    };
    Some(Layout {
        top,
        tuple: summary.tuple,
    })
}
