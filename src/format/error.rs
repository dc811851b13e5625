//! Errors in format strings: a kind, the format text and the byte span of the culprit.
//!
//! There is one renderer, [`FormatError`]'s `Display`: the message (what was expected), then
//! the format on its own line with `^` carets under the span. Columns are counted in
//! characters, so carets line up under non-ASCII field names too.

use std::fmt;
use std::ops::Range;

/// An error in a format string.
///
/// Carries what went wrong ([`kind`](FormatError::kind)), the whole format text
/// ([`input`](FormatError::input)) and the byte range of the culprit in it
/// ([`span`](FormatError::span)).
///
/// ```
/// use memview::format::{Format, FormatErrorKind};
///
/// let err = Format::parse("T{i").unwrap_err();
/// assert_eq!(err.kind(), &FormatErrorKind::StructUnclosed);
/// assert_eq!(err.span(), 0..2);
/// assert_eq!(
///     err.to_string(),
///     "unclosed struct: expected '}' to close this 'T{'\nT{i\n^^",
/// );
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FormatError {
    kind: FormatErrorKind,
    input: String,
    span: Range<usize>,
}

impl FormatError {
    /// Build an error. `span` is clamped to the input and to character boundaries.
    pub(crate) fn new(kind: FormatErrorKind, input: &str, span: Range<usize>) -> FormatError {
        let clamp = |mut i: usize| {
            i = i.min(input.len());
            while !input.is_char_boundary(i) {
                i -= 1;
            }
            i
        };
        let start = clamp(span.start);
        let end = clamp(span.end).max(start);
        FormatError {
            kind,
            input: input.to_owned(),
            span: start..end,
        }
    }

    /// What went wrong.
    pub fn kind(&self) -> &FormatErrorKind {
        &self.kind
    }

    /// The whole format string that was being parsed.
    pub fn input(&self) -> &str {
        &self.input
    }

    /// The byte range of the culprit in [`input`](FormatError::input) (empty at the end of the
    /// input when something is missing there).
    pub fn span(&self) -> Range<usize> {
        self.span.clone()
    }
}

/// What went wrong in a format string.
///
/// Names are noun first, then the problem. Each variant shows an input that produces it.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum FormatErrorKind {
    /// A NUL character anywhere in the format, even in a field name: `"i\0"`.
    NulEmbedded,
    /// A character where a type code was expected that is not one: `"k"`, `"3<i"`, `"é"`
    /// (non-ASCII is allowed only inside field names), `"i-"`.
    TypeCodeUnknown {
        /// The offending character.
        found: char,
    },
    /// A PEP 3118 type code this crate does not implement: `"t"` (bit fields).
    TypeCodeUnsupported {
        /// The type code.
        found: char,
    },
    /// `Z` not followed by `f`, `d` or `g`: `"Ze"`, `"Z"`.
    ComplexCodeInvalid {
        /// The character after `Z`, `None` at the end of the input.
        found: Option<char>,
    },
    /// `T` or `X` not followed by `{`: `"Ti"`, `"X"`.
    BraceMissing {
        /// The code that needs a brace (`'T'` or `'X'`).
        code: char,
    },
    /// A repeat count with no type code after it: `"3"`, `"T{i3}"`.
    RepeatCountDangling,
    /// Whitespace between a repeat count and its type code: `"3 i"` (as in `struct`).
    RepeatCountSpaced,
    /// A repeat count too large for `usize`: `"99999999999999999999i"`.
    RepeatCountOverflow,
    /// A byte-order prefix with no item after it: `"i<"`, `"T{i>}"`. (A format that is only
    /// a prefix, `"<"`, is the empty format, as in `struct`.)
    ByteOrderDangling,
    /// A sub-array shape with no item after it: `"(2)"`.
    ShapeDangling,
    /// A `&` with no pointee type after it: `"&"`, `"T{&}"`.
    PointerDangling,
    /// A `(` shape that is never closed: `"(2"`, `"(2,"`.
    ShapeUnclosed,
    /// A shape with no dimensions: `"()i"`.
    ShapeEmpty,
    /// A shape where a dimension (a decimal number) was expected: `"(2,)i"`, `"(a)i"`.
    ShapeDimensionMissing {
        /// What was found instead.
        found: char,
    },
    /// A dimension followed by something other than `,` or `)`: `"(2 3)i"`.
    ShapeSeparatorMissing {
        /// What was found instead.
        found: char,
    },
    /// A shape dimension too large for `usize`: `"(99999999999999999999)i"`.
    ShapeDimensionOverflow,
    /// A `T{` never closed by `}`: `"T{i"`.
    StructUnclosed,
    /// A `}` with no `T{` to close: `"i}"`.
    StructUnopened,
    /// An `X{` not closed by `}` (it holds argument items, optionally `->` and one return item):
    /// `"X{i"`, `"X{->ii}"`.
    FunctionUnclosed,
    /// `->` inside `X{...}` with no return item after it: `"X{i->}"`.
    FunctionReturnMissing,
    /// A `:name` with no closing `:`: `"i:a"`.
    FieldNameUnclosed,
    /// A `:name:` that does not follow an item: `":a:i"`, `"i:a::b:"`.
    FieldNameMisplaced,
    /// The same field name twice in one struct: `"T{i:a:i:a:}"`.
    FieldNameDuplicate {
        /// The repeated name.
        name: String,
    },
    /// `T{`, `X{` and `&` nested deeper than the limit: `"T{"` repeated 65 times.
    NestingTooDeep {
        /// The maximum depth.
        limit: usize,
    },
    /// The item size exceeds `isize::MAX` bytes: `"4611686018427387904h"`.
    SizeOverflow,
}

fn describe(found: char) -> String {
    match found {
        ' ' => "a space".to_owned(),
        '\t' => "a tab".to_owned(),
        '\n' | '\r' | '\x0b' | '\x0c' => "a line break".to_owned(),
        c if c.is_control() => format!("the control character {:?}", c),
        c => format!("'{c}'"),
    }
}

impl fmt::Display for FormatErrorKind {
    /// The message alone, without the input and carets.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use FormatErrorKind::*;
        match self {
            NulEmbedded => f.write_str("embedded NUL character: a format may not contain NUL"),
            TypeCodeUnknown { found } if !found.is_ascii() => write!(
                f,
                "expected a type code, found {} (non-ASCII characters are allowed only in field names)",
                describe(*found)
            ),
            TypeCodeUnknown {
                found: found @ ('@' | '=' | '<' | '>' | '!' | '^' | '('),
            } => write!(
                f,
                "expected a type code, found '{found}' (shapes and byte-order prefixes go before the repeat count)"
            ),
            TypeCodeUnknown { found } => {
                write!(f, "expected a type code, found {}", describe(*found))
            }
            TypeCodeUnsupported { found: 't' } => {
                f.write_str("unsupported type code 't': bit fields are not supported")
            }
            TypeCodeUnsupported { found } => write!(f, "unsupported type code '{found}'"),
            ComplexCodeInvalid { found: None } => {
                f.write_str("expected 'f', 'd' or 'g' after 'Z', found the end of the format")
            }
            ComplexCodeInvalid { found: Some(c) } => write!(
                f,
                "expected 'f', 'd' or 'g' after 'Z', found {}",
                describe(*c)
            ),
            BraceMissing { code } => write!(f, "expected '{{' after '{code}'"),
            RepeatCountDangling => f.write_str("expected a type code after this repeat count"),
            RepeatCountSpaced => f.write_str(
                "expected a type code right after the repeat count, found whitespace",
            ),
            RepeatCountOverflow => f.write_str("repeat count too large"),
            ByteOrderDangling => f.write_str("expected an item after this byte-order prefix"),
            ShapeDangling => f.write_str("expected an item after this shape"),
            PointerDangling => f.write_str("expected a pointee type after '&'"),
            ShapeUnclosed => f.write_str("unclosed shape: expected ')'"),
            ShapeEmpty => f.write_str("empty shape: expected at least one dimension"),
            ShapeDimensionMissing { found } => write!(
                f,
                "expected a dimension (a decimal number), found {}",
                describe(*found)
            ),
            ShapeSeparatorMissing { found } => write!(
                f,
                "expected ',' or ')' after a dimension, found {}",
                describe(*found)
            ),
            ShapeDimensionOverflow => f.write_str("shape dimension too large"),
            StructUnclosed => f.write_str("unclosed struct: expected '}' to close this 'T{'"),
            StructUnopened => f.write_str("unmatched '}': no 'T{' or 'X{' is open"),
            FunctionUnclosed => f.write_str(
                "unclosed function pointer: expected '}' to close this 'X{' \
                 (after '->' comes exactly one return item)",
            ),
            FunctionReturnMissing => f.write_str("expected a return item after '->'"),
            FieldNameUnclosed => f.write_str("unclosed field name: expected a closing ':'"),
            FieldNameMisplaced => f.write_str("a field name must follow an item"),
            FieldNameDuplicate { name } => write!(f, "duplicate field name {name:?} in one struct"),
            NestingTooDeep { limit } => write!(
                f,
                "nesting too deep: at most {limit} levels of 'T{{', 'X{{' and '&'"
            ),
            SizeOverflow => f.write_str("total size too large (more than isize::MAX bytes)"),
        }
    }
}

/// A character as drawn on the input line: control characters would break the line or the
/// caret columns, so they are replaced by one visible character each.
fn visible(c: char) -> char {
    match c {
        '\0' => '\u{2400}',
        c if c.is_control() => ' ',
        c => c,
    }
}

impl fmt::Display for FormatError {
    /// The message, then the input on its own line, then carets under the span.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "{}", self.kind)?;
        let line: String = self.input.chars().map(visible).collect();
        writeln!(f, "{line}")?;
        let before = self.input.get(..self.span.start).unwrap_or("");
        let inside = self.input.get(self.span.clone()).unwrap_or("");
        let col = before.chars().count();
        let width = inside.chars().count().max(1);
        write!(f, "{}{}", " ".repeat(col), "^".repeat(width))
    }
}

impl std::error::Error for FormatError {}
