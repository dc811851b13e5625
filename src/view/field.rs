//! Field views: one named field of a struct format as a view of its own — same storage, the
//! parent's strides, the offset moved by the field's offset, the field's own format, and a
//! sub-array field's shape as trailing axes. NumPy's `recs['pos']`.

#![forbid(unsafe_code)]

use std::sync::Arc;

use crate::format::{Field, FieldType, Format};

use super::error::ViewError;
use super::raw::{Derivation, Exclusive, Lend, Storage};
use super::{MemoryView, MemoryViewMut, ViewBase};

/// The record's fields and the offset they are relative to: the fields of a single top-level
/// `T{...}` (NumPy's record format), else the top-level fields.
fn record_fields(format: &Format) -> (&[Field], usize) {
    match format.layout().top.fields.as_slice() {
        [f] if f.shape.is_empty() => match &f.ty {
            FieldType::Struct(s) => (&s.fields, f.offset),
            FieldType::Scalar(_) => (&format.layout().top.fields, 0),
        },
        fields => (fields, 0),
    }
}

/// Where field `name` lies in an item: its format, offset, and sub-array shape and strides.
struct FieldPart {
    format: Arc<Format>,
    offset: usize,
    itemsize: usize,
    shape: Vec<usize>,
    strides: Vec<isize>,
}

impl FieldPart {
    /// The raw derivation that views this part of each element.
    fn derivation(&self) -> Derivation<'_> {
        Derivation::Project {
            offset: self.offset,
            itemsize: self.itemsize,
            shape: &self.shape,
            strides: &self.strides,
        }
    }
}

fn field_part(format: &Format, name: &str) -> Result<FieldPart, ViewError> {
    let (fields, base) = record_fields(format);
    let Some(field) = fields.iter().find(|f| f.name.as_deref() == Some(name)) else {
        return Err(ViewError::FieldNotFound {
            name: name.to_owned(),
            format: format.as_str().to_owned(),
            available: fields.iter().filter_map(|f| f.name.clone()).collect(),
        });
    };
    let own = Format::of_type(&field.ty).ok_or_else(|| ViewError::FieldNotFound {
        name: name.to_owned(),
        format: format.as_str().to_owned(),
        available: Vec::new(),
    })?;
    // A sub-array's elements are packed at the type's size, C order.
    let size = field.ty.size();
    let mut strides = Vec::with_capacity(field.shape.len());
    let mut step = isize::try_from(size).unwrap_or(isize::MAX);
    for &n in field.shape.iter().rev() {
        strides.push(step);
        step = step.saturating_mul(isize::try_from(n).unwrap_or(isize::MAX));
    }
    strides.reverse();
    Ok(FieldPart {
        format: Arc::new(own),
        offset: base + field.offset,
        itemsize: size,
        shape: field.shape.clone(),
        strides,
    })
}

impl<S: Storage> ViewBase<S> {
    /// A view of the field `name` of a struct format (NumPy's `recs['b']`): the same memory,
    /// the parent's strides, the offset moved by the field's offset, and the field's own
    /// format; a sub-array field (`(2,3)d:m:`) adds trailing axes. Works for NumPy's record
    /// formats (`T{f:a:Zf:b:}`) and for named top-level items (`<i:a:<d:b:`).
    ///
    /// ```
    /// use memview::MemoryView;
    ///
    /// // NumPy's packed dtype [('a', '<f4'), ('b', '<c8')]: 12-byte records.
    /// let mut bytes = Vec::new();
    /// for k in 1..=3 {
    ///     bytes.extend_from_slice(&(k as f32 * 10.0).to_le_bytes());
    ///     bytes.extend_from_slice(&(k as f32).to_le_bytes());
    ///     bytes.extend_from_slice(&(-(k as f32)).to_le_bytes());
    /// }
    /// let records = MemoryView::from_parts(&bytes, "T{<f:a:<Zf:b:}", &[3], None, 0)?;
    /// let b = records.field("b")?;
    /// assert_eq!(b.strides(), &[12]);
    /// // A stride of 12 is not a multiple of 8: no zero-copy array, but a copy works.
    /// assert!(b.as_array::<num_complex::Complex<f32>>().is_err());
    /// let values = b.to_array::<num_complex::Complex<f32>>()?;
    /// assert_eq!(values[[1]], num_complex::Complex::new(2.0, -2.0));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    /// [`ViewError::FieldNotFound`] listing the available names;
    /// [`ViewError::RequiresSuboffsets`] for an indirect view.
    pub fn field<'s, 'l>(&'s self, name: &str) -> Result<MemoryView<'l>, ViewError>
    where
        S: Lend<'s, 'l>,
    {
        let part = field_part(self.format(), name)?;
        let raw = self.raw().lend_derived(part.derivation())?;
        Ok(ViewBase::from_raw(raw, part.format))
    }
}

impl<'a> ViewBase<Exclusive<'a>> {
    /// A writable view of the field `name` (see [`field`](ViewBase::field)).
    ///
    /// # Errors
    /// As [`field`](ViewBase::field).
    pub fn field_mut(&mut self, name: &str) -> Result<MemoryViewMut<'_>, ViewError> {
        let part = field_part(self.format(), name)?;
        let raw = self.raw_mut().reborrow_derived(part.derivation())?;
        Ok(ViewBase::from_raw(raw, part.format))
    }
}

impl<S: Storage> ViewBase<S> {
    /// The part of every item at `offset` whose format is `format` (one scalar), as a view of
    /// its own: the building block of a converting copy between two record layouts.
    pub(crate) fn part<'s, 'l>(
        &'s self,
        offset: usize,
        format: Arc<Format>,
    ) -> Result<MemoryView<'l>, ViewError>
    where
        S: Lend<'s, 'l>,
    {
        let raw = self.raw().lend_derived(scalar_part(offset, &format))?;
        Ok(ViewBase::from_raw(raw, format))
    }
}

impl<'a> ViewBase<Exclusive<'a>> {
    /// The writable part of every item at `offset` (see [`part`](ViewBase::part)).
    pub(crate) fn part_mut(
        &mut self,
        offset: usize,
        format: Arc<Format>,
    ) -> Result<MemoryViewMut<'_>, ViewError> {
        let raw = self
            .raw_mut()
            .reborrow_derived(scalar_part(offset, &format))?;
        Ok(ViewBase::from_raw(raw, format))
    }
}

/// The projection onto the one-scalar part of `format` at `offset` in every item.
fn scalar_part(offset: usize, format: &Format) -> Derivation<'static> {
    Derivation::Project {
        offset,
        itemsize: format.itemsize(),
        shape: &[],
        strides: &[],
    }
}
