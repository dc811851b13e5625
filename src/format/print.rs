//! Printing a syntax tree as canonical format text.
//!
//! The canonical form has no whitespace, writes a shape before the byte-order prefix (the
//! order NumPy's parser requires), joins shapes, keeps only the last prefix of an item and
//! writes counts as plain decimals. It parses back to an equal tree.

use std::fmt::{self, Display, Formatter, Write};

use super::ast::{Ast, Item, ItemType};

impl Display for Ast {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write_items(f, &self.items)
    }
}

impl Display for Item {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write_item(f, self)
    }
}

fn write_items(f: &mut Formatter<'_>, items: &[Item]) -> fmt::Result {
    items.iter().try_for_each(|item| write_item(f, item))
}

/// A sub-array shape as written before an item: `(2,3)`.
pub(super) fn write_shape(f: &mut impl Write, dims: &[usize]) -> fmt::Result {
    f.write_char('(')?;
    for (k, d) in dims.iter().enumerate() {
        if k > 0 {
            f.write_char(',')?;
        }
        write!(f, "{d}")?;
    }
    f.write_char(')')
}

fn write_item(f: &mut Formatter<'_>, item: &Item) -> fmt::Result {
    if let Some(shape) = &item.shape {
        write_shape(f, &shape.dims)?;
    }
    if let Some(mark) = item.byte_order {
        f.write_char(mark.order.as_char())?;
    }
    if let Some(count) = item.count {
        write!(f, "{}", count.value)?;
    }
    match &item.ty {
        ItemType::Code(code, _) => f.write_str(code.as_str())?,
        ItemType::Struct(s) => {
            f.write_str("T{")?;
            write_items(f, &s.items)?;
            f.write_char('}')?;
        }
        ItemType::Pointer(pointee) => {
            f.write_char('&')?;
            write_item(f, pointee)?;
        }
        ItemType::Function(func) => {
            f.write_str("X{")?;
            write_items(f, &func.args)?;
            if let Some(ret) = &func.ret {
                f.write_str("->")?;
                write_item(f, ret)?;
            }
            f.write_char('}')?;
        }
    }
    if let Some(name) = &item.name {
        write!(f, ":{}:", name.text)?;
    }
    Ok(())
}
