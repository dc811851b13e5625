//! Records as sequences of scalars ("leaves"): walking a Rust layout and a format side by
//! side, matching them (zero-copy or converting), and reading/writing records through the
//! resulting per-leaf plan.

use std::fmt::Write as _;

use super::error::{LeafText, Problem, RecordError};
use super::layout::{FieldLayout, FieldShape, RecordLayout, ScalarField, ScalarType};
use crate::format::{Endian, Field, FieldType, Format, Scalar, ScalarKind};

/// Where one scalar of a record lies in an item, and whether its bytes are swapped.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) struct Slot {
    pub(crate) offset: usize,
    pub(crate) swap: bool,
}

/// Reads a record's scalars, one after another, from an item's bytes through a plan (what
/// [`Record::read_fields`](super::Record::read_fields) is given).
///
/// Reading never fails or panics: the plan was checked against the item (one slot per
/// scalar, each inside the item); a scalar the plan does not cover reads as zero.
#[derive(Debug)]
pub struct LeafReader<'a> {
    item: &'a [u8],
    slots: &'a [Slot],
    next: usize,
}

impl<'a> LeafReader<'a> {
    pub(crate) fn new(item: &'a [u8], slots: &'a [Slot]) -> Self {
        LeafReader {
            item,
            slots,
            next: 0,
        }
    }

    /// Reads the next field, of type `F`.
    #[inline(always)]
    pub fn read<F: super::RecordField>(&mut self) -> F {
        F::read_leaves(self)
    }

    #[inline(always)]
    pub(crate) fn scalar<S: ScalarField>(&mut self) -> S {
        let k = self.next;
        self.next += 1;
        match self.slots.get(k) {
            // In bounds: a plan's slots lie inside the items it is used on.
            Some(s) => S::load_front(&self.item[s.offset..], s.swap),
            None => S::default(),
        }
    }
}

/// Writes a record's scalars, one after another, into an item's bytes through a plan (what
/// [`Record::write_fields`](super::Record::write_fields) is given). Bytes no slot covers
/// (padding) are left as they are.
#[derive(Debug)]
pub struct LeafWriter<'a> {
    item: &'a mut [u8],
    slots: std::slice::Iter<'a, Slot>,
}

impl<'a> LeafWriter<'a> {
    pub(crate) fn new(item: &'a mut [u8], slots: &'a [Slot]) -> Self {
        LeafWriter {
            item,
            slots: slots.iter(),
        }
    }

    /// Writes the next field, of type `F`.
    #[inline(always)]
    pub fn write<F: super::RecordField>(&mut self, value: F) {
        value.write_leaves(self)
    }

    #[inline(always)]
    pub(crate) fn scalar<S: ScalarField>(&mut self, value: S) {
        if let Some(s) = self.slots.next() {
            if let Some(out) = self.item.get_mut(s.offset..) {
                value.store(out, s.swap);
            }
        }
    }
}

/// The Rust side of a match: a record type, or the parts of a tuple (from
/// [`FromRecord`](crate::FromRecord)).
#[derive(Clone, Copy, Debug)]
pub enum Root {
    /// One field type: a scalar, an array or a record (whose fields are the top level).
    Shape(&'static FieldShape),
    /// A tuple: its parts are the top level, unnamed.
    Tuple(&'static [&'static FieldShape]),
    /// A record: its fields are the top level.
    Record(&'static RecordLayout),
}

impl Root {
    /// The number of scalars (saturating).
    pub(crate) fn leaf_count(self) -> usize {
        match self {
            Root::Shape(s) => s.leaf_count(),
            Root::Record(r) => r.leaf_count(),
            Root::Tuple(parts) => parts
                .iter()
                .fold(0usize, |n, p| n.saturating_add(p.leaf_count())),
        }
    }

    /// Whether a record is anywhere inside (then mismatches are described by field paths).
    pub(crate) fn has_record(self) -> bool {
        match self {
            Root::Shape(s) => s.has_record(),
            Root::Record(_) => true,
            Root::Tuple(parts) => parts.iter().any(|p| p.has_record()),
        }
    }
}

/// One scalar of the Rust side.
#[derive(Clone, Copy, Debug)]
pub(crate) struct RustLeaf {
    pub(crate) offset: usize,
    pub(crate) scalar: &'static ScalarType,
}

enum RustFrame {
    Fields {
        fields: &'static [FieldLayout],
        next: usize,
        base: usize,
    },
    Tuple {
        parts: &'static [&'static FieldShape],
        next: usize,
    },
    Array {
        elem: &'static FieldShape,
        len: usize,
        next: usize,
        base: usize,
    },
}

/// Depth-first walk over the scalars of a Rust layout, in field order.
pub(crate) struct RustWalk {
    stack: Vec<RustFrame>,
    /// A scalar entered (with its offset), not yet yielded.
    single: Option<(&'static ScalarType, usize)>,
    /// Whether offsets mean anything (not for a tuple root).
    fixed: bool,
}

impl RustWalk {
    pub(crate) fn new(root: Root) -> Self {
        let mut walk = RustWalk {
            stack: Vec::new(),
            single: None,
            fixed: !matches!(root, Root::Tuple(_)),
        };
        match root {
            Root::Tuple(parts) => walk.stack.push(RustFrame::Tuple { parts, next: 0 }),
            Root::Shape(shape) => walk.enter(shape, 0),
            Root::Record(r) => walk.stack.push(RustFrame::Fields {
                fields: r.fields,
                next: 0,
                base: 0,
            }),
        }
        walk
    }

    fn enter(&mut self, shape: &'static FieldShape, base: usize) {
        match shape {
            FieldShape::Scalar(s) => self.single = Some((s, base)),
            FieldShape::Array { len, elem } => self.stack.push(RustFrame::Array {
                elem,
                len: *len,
                next: 0,
                base,
            }),
            FieldShape::Record(r) => self.stack.push(RustFrame::Fields {
                fields: r.fields,
                next: 0,
                base,
            }),
        }
    }

    /// The next scalar.
    pub(crate) fn next_leaf(&mut self) -> Option<RustLeaf> {
        loop {
            if let Some((scalar, offset)) = self.single.take() {
                return Some(RustLeaf { offset, scalar });
            }
            let (shape, base) = match self.stack.last_mut()? {
                RustFrame::Fields { fields, next, base } => match fields.get(*next) {
                    Some(f) => {
                        *next += 1;
                        (f.shape, *base + f.offset)
                    }
                    None => {
                        self.stack.pop();
                        continue;
                    }
                },
                RustFrame::Tuple { parts, next } => match parts.get(*next) {
                    Some(p) => {
                        *next += 1;
                        (*p, 0)
                    }
                    None => {
                        self.stack.pop();
                        continue;
                    }
                },
                RustFrame::Array {
                    elem,
                    len,
                    next,
                    base,
                } => {
                    if *next < *len {
                        *next += 1;
                        (*elem, *base + (*next - 1) * elem.size())
                    } else {
                        self.stack.pop();
                        continue;
                    }
                }
            };
            self.enter(shape, base);
        }
    }

    /// The names of the fields the current scalar is in, outermost first (`None` for a
    /// tuple part).
    fn names(&self) -> impl Iterator<Item = Option<&'static str>> + '_ {
        self.stack.iter().filter_map(|f| match f {
            RustFrame::Fields { fields, next, .. } => Some(Some(fields[next - 1].name)),
            RustFrame::Tuple { .. } => Some(None),
            RustFrame::Array { .. } => None,
        })
    }

    /// The path of the current scalar: `pos[1]`, `inner.x`, `1.pos[0]` for a tuple part,
    /// `[2]` in a bare array, empty for a lone scalar.
    fn path(&self) -> String {
        let mut out = String::new();
        for f in &self.stack {
            match f {
                RustFrame::Fields { fields, next, .. } => {
                    if !out.is_empty() {
                        out.push('.');
                    }
                    out.push_str(fields[next - 1].name);
                }
                RustFrame::Tuple { next, .. } => {
                    if !out.is_empty() {
                        out.push('.');
                    }
                    let _ = write!(out, "{}", next - 1);
                }
                RustFrame::Array { next, .. } => {
                    let _ = write!(out, "[{}]", next - 1);
                }
            }
        }
        out
    }
}

/// The path of Rust scalar number `index` of `root` (for messages).
pub(crate) fn rust_path(root: Root, index: usize) -> String {
    let mut walk = RustWalk::new(root);
    for _ in 0..index {
        walk.next_leaf();
    }
    walk.next_leaf();
    walk.path()
}

struct ViewFrame<'f> {
    fields: &'f [Field],
    base: usize,
    /// The field being walked (index into `fields`).
    field: usize,
    /// The next element of it: copy-major (`repeat`), then the sub-array in C order.
    next: usize,
}

/// Depth-first walk over the scalars of a format's item.
pub(crate) struct ViewWalk<'f> {
    stack: Vec<ViewFrame<'f>>,
}

/// One scalar of the view's side.
pub(crate) struct ViewLeaf<'f> {
    pub(crate) offset: usize,
    pub(crate) scalar: &'f Scalar,
}

/// The top-level fields of `format` with their base offset: a lone `T{...}` counts as its
/// fields.
fn top_fields(format: &Format) -> (&[Field], usize) {
    let layout = format.layout();
    match layout.top.fields.as_slice() {
        [f] if !layout.tuple && f.repeat == 1 && f.shape.is_empty() => match &f.ty {
            FieldType::Struct(inner) => (&inner.fields, f.offset),
            FieldType::Scalar(_) => (&layout.top.fields, 0),
        },
        fields => (fields, 0),
    }
}

/// The number of scalars in one item of `format` (a lone `T{...}` counts as its fields),
/// saturating.
pub(crate) fn view_leaf_count(format: &Format) -> usize {
    fn count(fields: &[Field]) -> usize {
        fields.iter().fold(0usize, |n, f| {
            let per = match &f.ty {
                FieldType::Scalar(_) => 1,
                FieldType::Struct(s) => count(&s.fields),
            };
            n.saturating_add(f.repeat.saturating_mul(f.count()).saturating_mul(per))
        })
    }
    count(top_fields(format).0)
}

impl<'f> ViewWalk<'f> {
    pub(crate) fn new(format: &'f Format) -> Self {
        let (fields, base) = top_fields(format);
        ViewWalk {
            stack: vec![ViewFrame {
                fields,
                base,
                field: 0,
                next: 0,
            }],
        }
    }

    pub(crate) fn next_leaf(&mut self) -> Option<ViewLeaf<'f>> {
        loop {
            let frame = self.stack.last_mut()?;
            let Some(f) = frame.fields.get(frame.field) else {
                self.stack.pop();
                continue;
            };
            let per_copy = f.count();
            if frame.next >= f.repeat.saturating_mul(per_copy) {
                frame.field += 1;
                frame.next = 0;
                continue;
            }
            let k = frame.next;
            frame.next += 1;
            let (copy, elem) = (k / per_copy, k % per_copy);
            // Offsets inside a laid-out format fit `usize` (the layout computed them).
            let offset = frame.base + f.offset + copy * f.size() + elem * f.ty.size();
            match &f.ty {
                FieldType::Scalar(s) => return Some(ViewLeaf { offset, scalar: s }),
                FieldType::Struct(s) => self.stack.push(ViewFrame {
                    fields: &s.fields,
                    base: offset,
                    field: 0,
                    next: 0,
                }),
            }
        }
    }

    /// The names of the fields the current scalar is in, outermost first (`None` where a
    /// field has no name or the empty name).
    fn names(&self) -> impl Iterator<Item = Option<&'f str>> + '_ {
        self.stack.iter().map(|fr| {
            fr.fields[fr.field]
                .name
                .as_deref()
                .filter(|n| !n.is_empty())
        })
    }

    /// The path of the current scalar when every field it is in is named (`pos[1]`,
    /// `inner.x`); `None` otherwise.
    fn path(&self) -> Option<String> {
        let mut out = String::new();
        for (depth, fr) in self.stack.iter().enumerate() {
            let f = &fr.fields[fr.field];
            let name = f.name.as_deref().filter(|n| !n.is_empty())?;
            if depth > 0 {
                out.push('.');
            }
            out.push_str(name);
            let k = fr.next - 1;
            let per_copy = f.count();
            if f.repeat > 1 {
                let _ = write!(out, "[{}]", k / per_copy);
            }
            let mut rest = k % per_copy;
            let mut idx = vec![0; f.shape.len()];
            for (i, d) in f.shape.iter().enumerate().rev() {
                idx[i] = rest % d;
                rest /= d;
            }
            for i in idx {
                let _ = write!(out, "[{i}]");
            }
        }
        Some(out)
    }
}

/// What a match requires of each scalar beyond kind and size.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Mode {
    /// Same offset, native byte order: the item's bytes are a valid `T` as they are.
    ZeroCopy,
    /// Any offset and byte order: a converting read.
    Convert,
    /// Any offset, byte order, and also another size or kind: a converting copy scalar by
    /// scalar (the caller converts each value and refuses what does not convert or fit).
    Widen,
}

/// A failed match, before it is worded for its caller.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Mismatch {
    /// The view has `view` scalars, the Rust side `rust`; `missing`/`extra` is the first
    /// unmatched one.
    Count {
        view: usize,
        rust: usize,
        missing: Option<Box<LeafText>>,
        extra: Option<Box<LeafText>>,
    },
    /// Scalar `index` differs.
    Leaf {
        index: usize,
        problem: Problem,
        rust: Box<LeafText>,
        view: Box<LeafText>,
        view_scalar: Scalar,
    },
}

fn endian_text(e: Endian) -> &'static str {
    match e {
        Endian::Little => "little-endian",
        Endian::Big => "big-endian",
    }
}

pub(crate) fn kind_text(kind: ScalarKind) -> &'static str {
    match kind {
        ScalarKind::Pad => "padding",
        ScalarKind::Char => "char",
        ScalarKind::Int => "signed integer",
        ScalarKind::UInt => "unsigned integer",
        ScalarKind::Bool => "bool",
        ScalarKind::Float => "float",
        ScalarKind::LongDouble => "long double",
        ScalarKind::Complex => "complex",
        ScalarKind::Bytes => "byte string",
        ScalarKind::Pascal => "Pascal string",
        ScalarKind::Ucs2 => "UCS-2 text",
        ScalarKind::Ucs4 => "UCS-4 text",
        ScalarKind::Pointer => "pointer",
        ScalarKind::Object => "object pointer",
    }
}

/// `'d' (float, 8 bytes, little-endian)`.
pub(crate) fn view_type_text(s: &Scalar) -> String {
    let order = if s.size > 1 {
        format!(", {}", endian_text(s.endian))
    } else {
        String::new()
    };
    format!(
        "'{}' ({}, {} byte{}{order})",
        s.code,
        kind_text(s.kind),
        s.size,
        if s.size == 1 { "" } else { "s" }
    )
}

fn rust_text(walk: &RustWalk, leaf: &RustLeaf) -> Box<LeafText> {
    Box::new(LeafText {
        path: walk.path(),
        offset: walk.fixed.then_some(leaf.offset),
        ty: leaf.scalar.rust.to_owned(),
    })
}

fn view_text(walk: &ViewWalk<'_>, leaf: &ViewLeaf<'_>, index: usize) -> Box<LeafText> {
    Box::new(LeafText {
        path: walk.path().unwrap_or_else(|| format!("value {index}")),
        offset: Some(leaf.offset),
        ty: view_type_text(leaf.scalar),
    })
}

/// Match `root` against the items of `format` whose size is `itemsize` (at least the
/// format's), scalar by scalar in order: same kind and size, names equal wherever both sides
/// have one at the same depth, and in [`Mode::ZeroCopy`] also the same offset and native
/// byte order. Returns one slot per scalar of `root`, each inside the item.
pub(crate) fn plan(
    root: Root,
    format: &Format,
    itemsize: usize,
    mode: Mode,
) -> Result<Vec<Slot>, Mismatch> {
    walk_pairs(root, format, itemsize, mode, |_, _| {})
}

/// One scalar of a record and its counterpart in a view's item, for a converting copy.
#[derive(Clone, Debug)]
pub(crate) struct LeafPair {
    /// The scalar's offset in the record's own layout, and its type.
    pub(crate) rust_offset: usize,
    pub(crate) rust: &'static ScalarType,
    /// The counterpart's offset in the view's item, and its scalar.
    pub(crate) view_offset: usize,
    pub(crate) view: Scalar,
}

/// The scalars of `root` paired with those of `format` in order ([`Mode::Widen`]: names
/// compared, kinds and sizes left to the caller's conversion).
pub(crate) fn leaf_pairs(
    root: Root,
    format: &Format,
    itemsize: usize,
) -> Result<Vec<LeafPair>, Mismatch> {
    let mut pairs = Vec::with_capacity(root.leaf_count());
    walk_pairs(root, format, itemsize, Mode::Widen, |r, v| {
        pairs.push(LeafPair {
            rust_offset: r.offset,
            rust: r.scalar,
            view_offset: v.offset,
            view: v.scalar.clone(),
        })
    })?;
    Ok(pairs)
}

/// [`plan`]'s walk, calling `each` with every matched pair.
fn walk_pairs(
    root: Root,
    format: &Format,
    itemsize: usize,
    mode: Mode,
    mut each: impl FnMut(&RustLeaf, &ViewLeaf<'_>),
) -> Result<Vec<Slot>, Mismatch> {
    let mut rust = RustWalk::new(root);
    let mut view = ViewWalk::new(format);
    let (view_count, rust_count) = (view_leaf_count(format), root.leaf_count());
    if view_count != rust_count {
        // Name the first scalar of the longer side that the other has no counterpart for.
        let shorter = view_count.min(rust_count);
        let mut missing = None;
        let mut extra = None;
        if rust_count > shorter {
            for _ in 0..shorter {
                rust.next_leaf();
            }
            missing = rust.next_leaf().map(|r| rust_text(&rust, &r));
        } else {
            for _ in 0..shorter {
                view.next_leaf();
            }
            extra = view.next_leaf().map(|v| view_text(&view, &v, shorter));
        }
        return Err(Mismatch::Count {
            view: view_count,
            rust: rust_count,
            missing,
            extra,
        });
    }
    let mut slots = Vec::with_capacity(rust_count);
    let count_error = |missing, extra| Mismatch::Count {
        view: view_count,
        rust: rust_count,
        missing,
        extra,
    };
    loop {
        let index = slots.len();
        let (r, v) = match (rust.next_leaf(), view.next_leaf()) {
            (None, None) => return Ok(slots),
            (Some(r), None) => return Err(count_error(Some(rust_text(&rust, &r)), None)),
            (None, Some(v)) => return Err(count_error(None, Some(view_text(&view, &v, index)))),
            (Some(r), Some(v)) => (r, v),
        };
        let names_differ = rust
            .names()
            .zip(view.names())
            .any(|(rn, vn)| matches!((rn, vn), (Some(a), Some(b)) if a != b));
        let s = v.scalar;
        let problem = if names_differ {
            Some(Problem::Name)
        } else if mode != Mode::Widen && s.kind != r.scalar.kind {
            Some(Problem::Kind)
        } else if mode != Mode::Widen && s.size != r.scalar.size {
            Some(Problem::Size)
        } else if v
            .offset
            .checked_add(s.size)
            .is_none_or(|end| end > itemsize)
        {
            Some(Problem::OutOfItem)
        } else if mode == Mode::ZeroCopy && v.offset != r.offset {
            Some(Problem::Offset)
        } else if mode == Mode::ZeroCopy && s.size > 1 && !s.endian.is_native() {
            Some(Problem::ByteOrder)
        } else {
            None
        };
        if let Some(problem) = problem {
            return Err(Mismatch::Leaf {
                index,
                problem,
                rust: rust_text(&rust, &r),
                view: view_text(&view, &v, index),
                view_scalar: s.clone(),
            });
        }
        each(&r, &v);
        slots.push(Slot {
            offset: v.offset,
            swap: s.size > 1 && !s.endian.is_native(),
        });
    }
}

/// The slots of the native layout of `layout`, and the bool scalars among them (scalar
/// index, offset).
pub(crate) fn native_slots(layout: &'static RecordLayout) -> (Vec<Slot>, Vec<(usize, usize)>) {
    let mut walk = RustWalk::new(Root::Record(layout));
    let mut slots = Vec::new();
    let mut bools = Vec::new();
    while let Some(leaf) = walk.next_leaf() {
        if leaf.scalar.kind == ScalarKind::Bool {
            bools.push((slots.len(), leaf.offset));
        }
        slots.push(Slot {
            offset: leaf.offset,
            swap: false,
        });
    }
    (slots, bools)
}

impl RecordError {
    /// Word a [`Mismatch`] of a record (or a root holding records) named `record`.
    pub(crate) fn from_mismatch(record: &'static str, m: Mismatch) -> RecordError {
        match m {
            Mismatch::Count {
                view,
                rust,
                missing,
                extra,
            } => RecordError::FieldCount {
                record,
                view,
                rust,
                missing,
                extra,
            },
            Mismatch::Leaf {
                problem,
                rust,
                view,
                ..
            } => RecordError::FieldMismatch {
                record,
                problem,
                rust,
                view,
            },
        }
    }
}
