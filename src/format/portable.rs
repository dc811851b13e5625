//! Export formats that NumPy reads with memview's layout: [`Format::portable`] and
//! [`PortableFormat`] (whose docs give the rules).

use std::fmt::Write as _;

use super::ast::{ByteOrder, Item, ItemType, TypeCode};
use super::layout::{Endian, Field, FieldType, Layout, Scalar, ScalarKind, StructLayout};
use super::{Dialect, Format};

/// A format text for exporting a buffer, from [`Format::portable`]: NumPy and memview read it
/// with the same layout (when [`numpy_readable`](Self::numpy_readable)), and memview always
/// reads it with the layout of the format it was made from.
///
/// memview lays a format out with Python `struct`'s rules by default (no top-level trailing
/// padding: `ib` is 5 bytes), while NumPy's PEP 3118 importer uses its own (`ib` is 8). A
/// buffer exported with memview's text could therefore be read by NumPy at other offsets, or
/// refused. [`Format::portable`] gives a text that both read with the same layout:
///
/// 1. **Kept** when it already works: the format's own text is returned unchanged when
///    NumPy's importer (modelled by [`Dialect::NumPy`], plus the codes and spellings NumPy refuses)
///    lays it out exactly as memview does — every element format NumPy knows (`i`, `<d`, `Zf`,
///    `3s`, `n`), and structs such as `T{ib}`, `bd` or `T{=i:a:b:b:}`. A format laid out in NumPy's
///    dialect is kept only if the struct dialect (what memview's importers read) lays its text out
///    the same way too: NumPy's 8-byte `ix` is exported as `=i4x`. A text not in canonical form
///    (whitespace, `<>i`, `<(3)i`, `(2)(3)i`) is given in its canonical form (see
///    [`crate::format::ast`]), which NumPy's stricter grammar accepts.
/// 2. **Rewritten** otherwise, from memview's [`Layout`] (offsets are never derived from
///    characters written):
///    * every field at its exact offset, with explicit `x` padding before it (`3x`: both
///      parsers read a count on `x` as that many pad bytes), and explicit trailing padding up
///      to the item size;
///    * byte-order prefixes that switch NumPy's implicit alignment off, written only where the
///      mode changes (the mode is sticky, also across `}`, in both parsers): `=` for native
///      order, `<`/`>` for the other, with standard-size codes (`q`/`Q` for an 8-byte `l`,
///      `L`, `n`, `N`, as NumPy's own exporter writes them); `^` (native size, no alignment)
///      for `g`, `Zg` and `P`, which have no standard size. One-byte codes (`b B ? c s p`)
///      take no prefix: they read alike in every mode;
///    * names kept; nested `T{...}` rewritten the same way, its trailing padding written
///      inside its braces; sub-array shapes written before the prefix (`(3)=i`, the only
///      order NumPy accepts); top-level counts kept as counts (`=3qb`);
///    * named padding (`x:pad:`: a `V1` field in NumPy, no field in memview) loses its name;
///      so does a named item with a top-level count of 0 (`0h:a:`: no field in memview, a
///      zero-length field `a` in NumPy), which simply disappears.
///
/// Examples: `ib` → `=ib`; `lb` → `=qb`; `<bg` → `b^g`; `T{ib}b` → `T{=ib3x}b`;
/// `>i:a:@h:b:b:c:` → `>i:a:=h:b:b:c:`; `T{n:a:c:b:}` → `T{=q:a:c:b:7x}`.
///
/// The result has none of the bugs of NumPy's own exporter: a nested aligned struct's
/// trailing padding is written once, inside it (NumPy writes it after the `}` as well, and
/// its re-import shifts every later field); a sub-array of padded structs advances by the
/// struct's size (NumPy's exporter counts the bytes its format text consumed); the text
/// depends on nothing but the format and item size (NumPy's depends on the array's length
/// for packed structs of length ≤ 1); and `O` always carries an explicit prefix (NumPy's
/// omits it, so a packed `O` is re-imported aligned).
///
/// **Edge cases kept as they are.** A top-level unnamed count of 0 (`c0i`, `struct`'s way to
/// align the end) is kept: NumPy reads it as an extra zero-length field, which holds no bytes.
/// A single top-level field that is still a one-value tuple (`1i`, `(2)i0b`) keeps that
/// count, or gets an empty `0c` after it where a count would mean something else.
///
/// **What NumPy cannot read.** `P`, `&...`, `X{}` (NumPy has no pointer dtype), `p`, `u`,
/// `g`/`Zg`/`O` in the non-native byte order, and sub-arrays of empty strings (`(2)0s`) have
/// no NumPy spelling. Such a format is still given a text that memview reads with exactly the
/// original layout (pointers are written as `P`, which lays out and decodes like `&i` and
/// `X{}`): rewritten with explicit padding where NumPy's rules would move things (`Pb` →
/// `^Pb`), kept otherwise (`P`, `>g`, `&<i`). [`numpy_readable`](Self::numpy_readable) is
/// then `false`, and NumPy refuses the buffer rather than misreading it.
///
/// **Item sizes above the format's.** A view may have an explicit item size larger than its
/// format's (a NumPy struct with an explicit `itemsize`, NumPy gh-7797).
/// [`Format::portable_with_itemsize`] writes the extra bytes as top-level trailing padding
/// (`T{b:a:}` with item size 4 becomes `T{b:a:}3x`), so that the format describes the whole
/// item, as NumPy requires.
///
/// Whatever the text, memview reads it (in the struct dialect) with the original layout — the
/// same item size, offsets, shapes, names, scalar kinds, sizes and byte orders, and the same
/// tuple flag. This is checked on every call: were it ever to fail, the original text would be
/// returned (marked not NumPy-readable), and debug builds panic.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct PortableFormat {
    text: String,
    rewritten: bool,
    numpy: bool,
}

impl PortableFormat {
    /// The text.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The text, owned.
    pub fn into_string(self) -> String {
        self.text
    }

    /// Whether the text differs from the format's own ([`Format::as_str`]).
    pub fn is_rewritten(&self) -> bool {
        self.rewritten
    }

    /// Whether NumPy's importer accepts the text and lays it out as memview does (the same
    /// item size, field offsets, scalar types and byte orders). `false` for formats NumPy
    /// cannot express (`P`, `&`, `X{}`, `p`, `u`, non-native `g`/`Zg`/`O`, `(2)0s`); NumPy
    /// then refuses the buffer.
    pub fn numpy_readable(&self) -> bool {
        self.numpy
    }
}

impl Format {
    /// A text for exporting buffers of this format that NumPy's importer lays out exactly as
    /// memview does, and that memview reads with this format's layout: this format's own text
    /// when that already holds (`i`, `<d`, `Zf`, `3s`, `T{ib}`, `bd`), otherwise an explicit
    /// rewrite (`ib` becomes `=ib`, `lb` becomes `=qb`). See [`PortableFormat`] for the rules
    /// and for what NumPy cannot read.
    ///
    /// ```
    /// use memview::format::Format;
    ///
    /// assert_eq!(Format::parse("<d")?.portable().as_str(), "<d");
    /// // `struct` rules: 5 bytes; NumPy's `@` rules would pad to 8.
    /// assert_eq!(Format::parse("ib")?.portable().as_str(), "=ib");
    /// // A nested struct followed by a field, at top level: NumPy would pad the whole to 12.
    /// assert_eq!(Format::parse("T{i:a:b:b:}:s:b:c:")?.portable().as_str(), "T{=i:a:b:b:3x}:s:b:c:");
    /// # Ok::<(), memview::format::FormatError>(())
    /// ```
    pub fn portable(&self) -> PortableFormat {
        self.portable_with_itemsize(self.itemsize())
    }

    /// As [`portable`](Self::portable), for items of `itemsize` bytes: when that is larger
    /// than the format's size, the rest is written as top-level trailing padding (`T{b:a:}`
    /// with item size 4 gives `T{b:a:}3x`). An `itemsize` smaller than the format's size is
    /// ignored (no view can have one).
    pub fn portable_with_itemsize(&self, itemsize: usize) -> PortableFormat {
        portable(self, itemsize.max(self.itemsize()))
    }
}

impl Format {
    /// The format of one value of `ty` (the type of a field): the bare native type code when
    /// it means the same (`d`, `Zf`), otherwise the explicit text [`PortableFormat`] writes
    /// (`>d`, `3s`, `T{=i:a:b:b:3x}`), parsed back. Its layout has `ty`'s size, offsets, shapes,
    /// names, scalar kinds, sizes and byte orders. `None` only if no text reads back that way,
    /// which lowering never produces.
    pub(crate) fn of_type(ty: &FieldType) -> Option<Format> {
        let want = Layout {
            top: StructLayout {
                size: ty.size(),
                align: 1,
                fields: vec![Field {
                    name: None,
                    offset: 0,
                    shape: Vec::new(),
                    ty: ty.clone(),
                    repeat: 1,
                }],
            },
            tuple: false,
        };
        let bare = match ty {
            FieldType::Scalar(s) if s.endian.is_native() => Format::parse(s.code).ok(),
            _ => None,
        };
        bare.filter(|f| same_layout(f.layout(), &want))
            .or_else(|| Format::parse(&rewrite(&want)?).ok())
            .filter(|f| same_layout(f.layout(), &want))
    }
}

fn portable(format: &Format, itemsize: usize) -> PortableFormat {
    let own = format.layout();
    let padded = itemsize != own.size();
    let canonical = format.to_string();
    let keep = |numpy: bool| {
        let rewritten = canonical != format.as_str();
        PortableFormat {
            text: if rewritten {
                canonical.clone()
            } else {
                format.as_str().to_string()
            },
            rewritten,
            numpy,
        }
    };
    let syntax_ok = numpy_syntax_ok(format);
    // A format laid out in another dialect (NumPy's `ix` is 8 bytes) is kept only if the
    // struct dialect, which every memview importer uses, reads its text the same way.
    let struct_reads_it = format.dialect() == Dialect::Struct
        || Format::parse(&canonical).is_ok_and(|f| same_layout(f.layout(), own));
    let agrees = !padded && struct_reads_it && numpy_agrees(format, &canonical, own);
    if syntax_ok && agrees {
        return keep(true);
    }
    let mut want = own.clone();
    want.top.size = itemsize;
    let text = match rewrite(&want) {
        Some(t) => t,
        None => {
            invariant_broken(format_args!("cannot rewrite {:?}", format.as_str()));
            return keep(false);
        }
    };
    let parsed = match Format::parse(&text) {
        Ok(f) if same_layout(f.layout(), &want) => f,
        other => {
            invariant_broken(format_args!(
                "{:?} rewritten as {text:?}, which memview reads differently: {other:?}",
                format.as_str()
            ));
            return keep(false);
        }
    };
    let numpy = numpy_syntax_ok(&parsed) && numpy_agrees(&parsed, &text, &want);
    if !numpy && agrees {
        // Nothing NumPy reads either way, and NumPy's rules would not move anything: keep the
        // text as written (`P`, `>g`, `&<i`).
        return keep(false);
    }
    PortableFormat {
        rewritten: text != format.as_str(),
        text,
        numpy,
    }
}

/// A rewrite that memview would read with another layout is a bug: loud in debug builds (the
/// tests), the original text in release builds.
fn invariant_broken(what: std::fmt::Arguments<'_>) {
    if cfg!(debug_assertions) {
        panic!("Format::portable: {what}");
    }
}

/// Whether memview's model of NumPy's importer lays `text` (the canonical text of `format`)
/// out as `want`.
fn numpy_agrees(format: &Format, text: &str, want: &Layout) -> bool {
    // A single scalar fills its item: NumPy's trailing padding (to its alignment) adds nothing.
    if format.layout().single_scalar().is_some() && format.layout() == want {
        return true;
    }
    Format::parse_with(text, Dialect::NumPy).is_ok_and(|f| same_layout(f.layout(), want))
}

/// Whether NumPy's parser accepts every code of `format` with the meaning memview gives it:
/// no `P p u & X{}` (NumPy refuses them), `n`/`N` only alone (only NumPy's fast path for single
/// items knows them), `g`/`Zg` only with native sizes (NumPy has no standard size for them),
/// `O` only in native byte order (NumPy ignores a byte order on `O`), and no named padding
/// (NumPy makes it a `V` field; memview does not).
fn numpy_syntax_ok(format: &Format) -> bool {
    let items = &format.ast().items;
    let mut mode = ByteOrder::Native;
    items_ok(items, &mut mode, true)
}

fn items_ok(items: &[Item], mode: &mut ByteOrder, top: bool) -> bool {
    let alone = top && items.len() == 1;
    items.iter().all(|item| {
        if let Some(mark) = item.byte_order {
            *mode = mark.order;
        }
        let folded = matches!(item.ty, ItemType::Code(code, _) if code.count_is_size());
        match (item.count.map(|c| c.value), item.shape.is_some()) {
            // A zero count at top level is no field in memview (`c0i` only aligns), but a
            // zero-length sub-array field in NumPy: harmless (it holds no bytes) unless it
            // is named, when NumPy's field names would differ (and may clash).
            (Some(0), false) if top && !folded && item.name.is_some() => return false,
            // NumPy cannot give a shape to a zero-length sub-array or string (`(2)0i`,
            // `(2)0s`: "invalid itemsize in generic type tuple").
            (Some(0), true) => return false,
            // A counted struct under a shape: a sub-array of sub-arrays, which NumPy refuses
            // when the struct is empty; written as one shape instead.
            (Some(n), true) if n != 1 && matches!(item.ty, ItemType::Struct(_)) => return false,
            _ => {}
        }
        match &item.ty {
            ItemType::Code(code, _) => match code {
                TypeCode::VoidPtr | TypeCode::Pascal | TypeCode::Ucs2 => false,
                TypeCode::SSize | TypeCode::Size => {
                    alone
                        && item.shape.is_none()
                        && item.count.is_none()
                        && item.name.is_none()
                        && mode.native_sizes()
                }
                TypeCode::LongDouble | TypeCode::ComplexLongDouble => mode.native_sizes(),
                TypeCode::Object => resolved(*mode).is_native(),
                TypeCode::Pad => item.name.is_none(),
                _ => true,
            },
            ItemType::Struct(s) => items_ok(&s.items, mode, false),
            ItemType::Pointer(_) | ItemType::Function(_) => false,
        }
    })
}

fn resolved(mode: ByteOrder) -> Endian {
    match mode {
        ByteOrder::Little => Endian::Little,
        ByteOrder::Big | ByteOrder::Network => Endian::Big,
        _ => Endian::NATIVE,
    }
}

/// Whether two layouts are the same for every reader: item size, the tuple flag, and per
/// field (recursively) name, offset, shape, repeat, scalar kind, size and — where it matters
/// (multi-byte values) — byte order. Type codes (`l` vs `q`) and the alignment memview records
/// are not compared: they do not change where or how a value is stored.
fn same_layout(a: &Layout, b: &Layout) -> bool {
    a.tuple == b.tuple && same_struct(&a.top, &b.top)
}

fn same_struct(a: &StructLayout, b: &StructLayout) -> bool {
    a.size == b.size
        && a.fields.len() == b.fields.len()
        && a.fields
            .iter()
            .zip(&b.fields)
            .all(|(x, y)| same_field(x, y))
}

fn same_field(a: &Field, b: &Field) -> bool {
    a.name == b.name
        && a.offset == b.offset
        && a.shape == b.shape
        && a.repeat == b.repeat
        && match (&a.ty, &b.ty) {
            (FieldType::Scalar(x), FieldType::Scalar(y)) => same_scalar(x, y),
            (FieldType::Struct(x), FieldType::Struct(y)) => same_struct(x, y),
            _ => false,
        }
}

fn same_scalar(a: &Scalar, b: &Scalar) -> bool {
    a.kind == b.kind && a.size == b.size && (!endian_matters(a) || a.endian == b.endian)
}

/// Byte order means nothing for one-byte values and byte strings.
fn endian_matters(s: &Scalar) -> bool {
    !matches!(
        s.kind,
        ScalarKind::Pad
            | ScalarKind::Char
            | ScalarKind::Bool
            | ScalarKind::Bytes
            | ScalarKind::Pascal
    ) && s.size > 1
}

/// Write `layout` explicitly (see [`PortableFormat`]); `None` only if the layout's offsets were
/// not increasing, which lowering never produces.
fn rewrite(layout: &Layout) -> Option<String> {
    let fields = &layout.top.fields;
    // One top-level field whose value is still a one-element tuple (`1i`, `(2)i0b`): keep a
    // count that makes it one (`1i`), or where a count would mean something else (a shape, a
    // string length), an empty counted item at the end (`0c`).
    let mut marker = false;
    let mut count_one = false;
    if let ([only], true) = (fields.as_slice(), layout.tuple) {
        if only.repeat == 1 {
            let folded = matches!(&only.ty, FieldType::Scalar(s) if count_is_size(s.kind));
            if only.shape.is_empty() && !folded {
                count_one = true;
            } else {
                marker = true;
            }
        }
    }
    let mut w = Writer {
        out: String::new(),
        mode: ByteOrder::Native,
        count_one,
    };
    let pos = w.body(fields, true)?;
    w.pad(layout.top.size.checked_sub(pos)?);
    if marker {
        w.out.push_str("0c");
    }
    Some(w.out)
}

fn count_is_size(kind: ScalarKind) -> bool {
    matches!(
        kind,
        ScalarKind::Bytes | ScalarKind::Pascal | ScalarKind::Ucs2 | ScalarKind::Ucs4
    )
}

struct Writer {
    out: String,
    /// The byte-order mode in force for the next item (sticky, as in both parsers).
    mode: ByteOrder,
    /// Write a count on top-level fields even when it is 1.
    count_one: bool,
}

impl Writer {
    fn pad(&mut self, n: usize) {
        match n {
            0 => {}
            1 => self.out.push('x'),
            n => {
                let _ = write!(self.out, "{n}x");
            }
        }
    }

    /// Write `fields` with padding between them; returns the end of the last one.
    fn body(&mut self, fields: &[Field], top: bool) -> Option<usize> {
        let mut pos = 0usize;
        for f in fields {
            self.pad(f.offset.checked_sub(pos)?);
            self.field(f, top)?;
            pos = f.offset.checked_add(f.size().checked_mul(f.repeat)?)?;
        }
        Some(pos)
    }

    fn field(&mut self, f: &Field, top: bool) -> Option<()> {
        if !f.shape.is_empty() {
            // Writing to a `String` cannot fail.
            let _ = super::print::write_shape(&mut self.out, &f.shape);
        }
        let count = (top && (f.repeat != 1 || self.count_one)).then_some(f.repeat);
        match &f.ty {
            FieldType::Scalar(s) => {
                let (order, code, unit) = spelling(s);
                if let Some(order) = order {
                    if order != self.mode {
                        self.out.push(order.as_char());
                        self.mode = order;
                    }
                }
                if let Some(n) = count {
                    let _ = write!(self.out, "{n}");
                }
                match unit {
                    Some(unit) if s.size / unit != 1 => {
                        let _ = write!(self.out, "{}", s.size / unit);
                    }
                    _ => {}
                }
                self.out.push_str(code);
            }
            FieldType::Struct(st) => {
                if let Some(n) = count {
                    let _ = write!(self.out, "{n}");
                }
                self.out.push_str("T{");
                let end = self.body(&st.fields, false)?;
                self.pad(st.size.checked_sub(end)?);
                self.out.push('}');
            }
        }
        if let Some(name) = &f.name {
            let _ = write!(self.out, ":{name}:");
        }
        Some(())
    }
}

/// How to write one scalar: the prefix it needs (`None` for one-byte codes, which read alike
/// in every mode), the code, and for codes whose count is a size (`s p u w`) the unit size.
fn spelling(s: &Scalar) -> (Option<ByteOrder>, &'static str, Option<usize>) {
    use ScalarKind as K;
    let standard = if s.endian.is_native() {
        ByteOrder::NativeStandard
    } else if s.endian == Endian::Little {
        ByteOrder::Little
    } else {
        ByteOrder::Big
    };
    // Codes with no standard size keep their native size under `<`/`>` in memview.
    let native_size = if s.endian.is_native() {
        ByteOrder::NativeUnaligned
    } else {
        standard
    };
    let std = |code| (Some(standard), code, None);
    match (s.kind, s.size) {
        (K::Pad, _) => (None, "x", Some(1)),
        (K::Char, _) => (None, "c", None),
        (K::Bool, _) => (None, "?", None),
        (K::Int, 1) => (None, "b", None),
        (K::UInt, 1) => (None, "B", None),
        (K::Int, 2) => std("h"),
        (K::UInt, 2) => std("H"),
        (K::Int, 4) => std("i"),
        (K::UInt, 4) => std("I"),
        (K::Int, 8) => std("q"),
        (K::UInt, 8) => std("Q"),
        (K::Float, 2) => std("e"),
        (K::Float, 4) => std("f"),
        (K::Float, 8) => std("d"),
        (K::Complex, 8) => std("Zf"),
        (K::Complex, 16) => std("Zd"),
        (K::Complex, _) => (Some(native_size), "Zg", None),
        (K::LongDouble, _) => (Some(native_size), "g", None),
        (K::Bytes, _) => (None, "s", Some(1)),
        (K::Pascal, _) => (None, "p", Some(1)),
        (K::Ucs2, _) => (Some(standard), "u", Some(2)),
        (K::Ucs4, _) => (Some(standard), "w", Some(4)),
        (K::Pointer, _) => (Some(native_size), "P", None),
        (K::Object, _) => std("O"),
        // Sizes with no standard code (none on the platforms Rust supports): the code as
        // parsed, with native sizes.
        (_, _) => (Some(native_size), s.code, None),
    }
}
