//! Lowering a syntax tree to a [`Layout`]: sizes, alignment, padding, offsets, byte order.
//!
//! One walk over the items, left to right, with the byte-order mode as running state (it is
//! changed by a prefix and stays in force, also across the `}` of a `T{...}`, as in NumPy).
//! Per item, following NumPy's `__dtype_from_pep3118`:
//!
//! 1. apply the item's prefix, if any, to the mode;
//! 2. find the element: a scalar sized for the mode, or a nested struct (lowered recursively;
//!    its alignment is the lcm of the alignments of its aligned items);
//! 3. if the mode is `@` *after* the element (a `T{...}` may have changed it), pad the offset
//!    to the element's alignment and fold that alignment into the struct's (lcm);
//! 4. add the item: one field, or at top level one field per repeat (`struct` semantics);
//!    `x` adds only bytes.
//!
//! At the end of a `T{...}` the size is padded to the struct's alignment if the mode is then
//! `@`. At the top level this happens only in the NumPy dialect. All arithmetic is checked and
//! sizes are limited to `isize::MAX`.
//!
//! NumPy also pads an element whose size is not a multiple of its alignment ("intra
//! padding"). That cannot happen here: scalar sizes are multiples of their alignment, and a
//! `T{...}` aligned in its parent ended in `@` mode, so it was padded to its alignment already.
//!
//! Pointers (`&`) and function pointers (`X{}`) are pointer-sized scalars; their pointee and
//! signature only describe other memory, so prefixes inside them do not change the mode here.

use super::ast::{Ast, ByteOrder, Item, ItemType, Span, TypeCode};
use super::error::{FormatError, FormatErrorKind};
use super::layout::{Endian, Field, FieldType, Layout, Scalar, ScalarKind, StructLayout};
use super::Dialect;

use std::collections::HashSet;
use std::ffi::{c_int, c_long, c_longlong, c_short};
use std::mem::{align_of, size_of};

/// Size and alignment of C `long double` on this host.
const LONG_DOUBLE: (usize, usize) = if cfg!(all(
    any(target_arch = "x86_64", target_arch = "aarch64"),
    not(target_os = "windows"),
    not(target_vendor = "apple")
)) {
    (16, 16)
} else if cfg!(all(target_arch = "x86", not(target_os = "windows"))) {
    (12, 4)
} else {
    (8, 8)
};

const PTR: (usize, usize) = (size_of::<*const u8>(), align_of::<*const u8>());

/// The scalar for `code` under `mode`, before counts: `(kind, size, alignment)`. For `s p u w x`
/// the size is that of one unit. A `const fn` so that the one-pass parser can tabulate it.
pub(super) const fn scalar_unit(code: TypeCode, mode: ByteOrder) -> (ScalarKind, usize, usize) {
    use ScalarKind as K;
    use TypeCode::*;
    let native = mode.native_sizes();
    /// The native size and alignment, or the standard size with the native alignment.
    const fn pick(native: bool, std: usize, nat: (usize, usize)) -> (usize, usize) {
        if native {
            nat
        } else {
            (std, nat.1)
        }
    }
    let (kind, (size, align)) = match code {
        Pad => (K::Pad, (1, 1)),
        Char => (K::Char, (1, 1)),
        SChar => (K::Int, (1, 1)),
        UChar => (K::UInt, (1, 1)),
        Bool => (K::Bool, (1, 1)),
        Short => (
            K::Int,
            pick(native, 2, (size_of::<c_short>(), align_of::<c_short>())),
        ),
        UShort => (
            K::UInt,
            pick(native, 2, (size_of::<c_short>(), align_of::<c_short>())),
        ),
        Int => (
            K::Int,
            pick(native, 4, (size_of::<c_int>(), align_of::<c_int>())),
        ),
        UInt => (
            K::UInt,
            pick(native, 4, (size_of::<c_int>(), align_of::<c_int>())),
        ),
        Long => (
            K::Int,
            pick(native, 4, (size_of::<c_long>(), align_of::<c_long>())),
        ),
        ULong => (
            K::UInt,
            pick(native, 4, (size_of::<c_long>(), align_of::<c_long>())),
        ),
        LongLong => (
            K::Int,
            pick(
                native,
                8,
                (size_of::<c_longlong>(), align_of::<c_longlong>()),
            ),
        ),
        ULongLong => (
            K::UInt,
            pick(
                native,
                8,
                (size_of::<c_longlong>(), align_of::<c_longlong>()),
            ),
        ),
        // Native-only codes keep their native size under every prefix.
        SSize => (K::Int, (size_of::<isize>(), align_of::<isize>())),
        Size => (K::UInt, (size_of::<usize>(), align_of::<usize>())),
        Half => (K::Float, (2, 2)),
        Float => (
            K::Float,
            pick(native, 4, (size_of::<f32>(), align_of::<f32>())),
        ),
        Double => (
            K::Float,
            pick(native, 8, (size_of::<f64>(), align_of::<f64>())),
        ),
        LongDouble => (K::LongDouble, LONG_DOUBLE),
        Bytes => (K::Bytes, (1, 1)),
        Pascal => (K::Pascal, (1, 1)),
        VoidPtr => (K::Pointer, PTR),
        Object => (K::Object, PTR),
        Ucs2 => (K::Ucs2, (2, 2)),
        Ucs4 => (K::Ucs4, (4, 4)),
        ComplexFloat => (
            K::Complex,
            pick(native, 8, (2 * size_of::<f32>(), align_of::<f32>())),
        ),
        ComplexDouble => (
            K::Complex,
            pick(native, 16, (2 * size_of::<f64>(), align_of::<f64>())),
        ),
        ComplexLongDouble => (K::Complex, (2 * LONG_DOUBLE.0, LONG_DOUBLE.1)),
    };
    (kind, size, align)
}

/// The resolved byte order of a mode on this host.
pub(super) fn endian(mode: ByteOrder) -> Endian {
    match mode {
        ByteOrder::Little => Endian::Little,
        ByteOrder::Big | ByteOrder::Network => Endian::Big,
        ByteOrder::Native | ByteOrder::NativeStandard | ByteOrder::NativeUnaligned => {
            Endian::NATIVE
        }
    }
}

/// Lower a parsed tree.
pub fn lower(ast: &Ast, input: &str, dialect: Dialect) -> Result<Layout, FormatError> {
    let mut lowerer = Lowerer {
        input,
        dialect,
        mode: ByteOrder::Native,
    };
    let (top, split) = lowerer.lower_items(&ast.items, true)?;
    let tuple = split || top.fields.len() != 1;
    Ok(Layout { top, tuple })
}

struct Lowerer<'s> {
    input: &'s str,
    dialect: Dialect,
    /// The byte-order mode in force.
    mode: ByteOrder,
}

/// `(a + m - 1) / m * m`, checked.
pub(super) fn align_up(offset: usize, align: usize) -> Option<usize> {
    match offset % align.max(1) {
        0 => Some(offset),
        r => offset.checked_add(align - r),
    }
}

fn gcd(mut a: usize, mut b: usize) -> usize {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}

/// The least common multiple of two alignments; `None` on overflow.
pub(super) fn lcm(a: usize, b: usize) -> Option<usize> {
    let g = gcd(a, b).max(1);
    (a / g).checked_mul(b)
}

/// The element of one item before shapes and counts.
struct Element {
    /// `None` for padding.
    ty: Option<FieldType>,
    size: usize,
    align: usize,
    /// Whether the count was folded into `size` (`s p u w x`).
    count_folded: bool,
}

impl Lowerer<'_> {
    fn overflow(&self, span: Span) -> FormatError {
        FormatError::new(FormatErrorKind::SizeOverflow, self.input, span.range())
    }

    /// Lower a list of items as one struct; `top` for the whole format. Returns the layout and
    /// whether a top-level count split an item into separate fields.
    fn lower_items(
        &mut self,
        items: &[Item],
        top: bool,
    ) -> Result<(StructLayout, bool), FormatError> {
        let mut offset: usize = 0;
        let mut common: usize = 1;
        let mut fields = Vec::with_capacity(items.len());
        let mut split_any = false;
        // Made on the first name only: most formats have none.
        let mut names: Option<HashSet<&str>> = None;
        for item in items {
            if let Some(mark) = item.byte_order {
                self.mode = mark.order;
            }
            let count = item.count.map(|c| c.value);
            let elem = self.element(item, count.unwrap_or(1))?;
            let overflow = || self.overflow(item.span);
            let align = if self.mode.aligned() { elem.align } else { 1 };
            if self.mode.aligned() {
                offset = align_up(offset, align).ok_or_else(overflow)?;
                common = lcm(common, align).ok_or_else(overflow)?;
            }
            let elem_ty = elem.ty.map(|ty| match ty {
                FieldType::Scalar(mut s) => {
                    s.align = align;
                    FieldType::Scalar(s)
                }
                other => other,
            });
            // Dimensions: the shape, then the count unless it was folded or splits the item.
            let mut shape: Vec<usize> = item.shape.as_ref().map_or(Vec::new(), |s| s.dims.clone());
            let mut copies = 1usize;
            match count {
                Some(n) if !elem.count_folded => {
                    if top && item.shape.is_none() {
                        copies = n;
                        split_any = true;
                    } else if n != 1 {
                        shape.push(n);
                    }
                }
                _ => {}
            }
            let elements = shape
                .iter()
                .try_fold(copies, |acc, &d| acc.checked_mul(d))
                .ok_or_else(overflow)?;
            let total = elements.checked_mul(elem.size).ok_or_else(overflow)?;
            let end = offset
                .checked_add(total)
                .filter(|&e| e <= isize::MAX as usize)
                .ok_or_else(overflow)?;
            if let Some(ty) = elem_ty.filter(|_| copies > 0) {
                let name = item.name.as_ref().map(|n| n.text.clone());
                if let Some(n) = &item.name {
                    if !names
                        .get_or_insert_with(HashSet::new)
                        .insert(n.text.as_str())
                    {
                        return Err(FormatError::new(
                            FormatErrorKind::FieldNameDuplicate {
                                name: n.text.clone(),
                            },
                            self.input,
                            n.span.range(),
                        ));
                    }
                }
                fields.push(Field {
                    name,
                    offset,
                    shape,
                    ty,
                    repeat: copies,
                });
            }
            offset = end;
        }
        let mut size = offset;
        if (!top || self.dialect == Dialect::NumPy) && self.mode.aligned() {
            size = align_up(size, common)
                .filter(|&s| s <= isize::MAX as usize)
                .ok_or_else(|| self.overflow(items.last().map_or(Span::default(), |i| i.span)))?;
        }
        Ok((
            StructLayout {
                size,
                align: common,
                fields,
            },
            split_any,
        ))
    }

    /// The element of `item` (its type, without shape or splitting count) under the mode in
    /// force after it. `count` is the written count or 1.
    fn element(&mut self, item: &Item, count: usize) -> Result<Element, FormatError> {
        let mode = self.mode;
        let pointer = |code: &'static str| {
            let (size, align) = PTR;
            Element {
                ty: Some(FieldType::Scalar(Scalar {
                    code,
                    kind: ScalarKind::Pointer,
                    size,
                    align,
                    endian: endian(mode),
                })),
                size,
                align,
                count_folded: false,
            }
        };
        Ok(match &item.ty {
            ItemType::Code(code, _) => {
                let (kind, unit, align) = scalar_unit(*code, mode);
                let folded = code.count_is_size();
                let size = if folded {
                    unit.checked_mul(count)
                        .filter(|&s| s <= isize::MAX as usize)
                        .ok_or_else(|| self.overflow(item.span))?
                } else {
                    unit
                };
                let ty = (kind != ScalarKind::Pad).then(|| {
                    FieldType::Scalar(Scalar {
                        code: code.as_str(),
                        kind,
                        size,
                        align,
                        endian: endian(mode),
                    })
                });
                Element {
                    ty,
                    size,
                    align,
                    count_folded: folded,
                }
            }
            ItemType::Struct(s) => {
                let (layout, _) = self.lower_items(&s.items, false)?;
                let (size, align) = (layout.size, layout.align);
                Element {
                    ty: Some(FieldType::Struct(layout)),
                    size,
                    align,
                    count_folded: false,
                }
            }
            ItemType::Pointer(_) => pointer("&"),
            ItemType::Function(_) => pointer("X{}"),
        })
    }
}
