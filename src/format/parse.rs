//! The parser: a cursor over the text and one `parse_*` function per grammar rule.
//!
//! There is no separate lexer. Each `parse_*` function documents where the cursor is when it
//! is called and where it leaves it. Recursion (`T{`, `X{`, `&`) is bounded by
//! [`MAX_DEPTH`], so no input can overflow the stack.

use super::ast::{
    Ast, ByteOrder, ByteOrderMark, Count, Function, Item, ItemType, Name, Shape, Span, Struct,
    TypeCode,
};
use super::error::{FormatError, FormatErrorKind};

/// How deep `T{`, `X{` and `&` may nest.
pub const MAX_DEPTH: usize = 64;

/// Parse a whole format string into a tree.
pub fn parse(input: &str) -> Result<Ast, FormatError> {
    Parser {
        input,
        pos: 0,
        depth: 0,
    }
    .parse_format()
}

/// Whitespace allowed between items: the ASCII set of C's `isspace` (which `struct` and NumPy
/// use).
pub(crate) fn is_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\r' | '\x0b' | '\x0c')
}

/// What stands in front of the type code of an item, for "dangling" errors.
#[derive(Clone)]
enum Before {
    /// Nothing: the item starts with its type.
    Nothing,
    /// A `&`.
    Pointer(Span),
    /// A shape or byte-order prefix (the last one).
    Prefix(Span, FormatErrorKind),
    /// A repeat count.
    Count(Span),
}

struct Parser<'s> {
    input: &'s str,
    pos: usize,
    depth: usize,
}

impl<'s> Parser<'s> {
    // ----- cursor -----

    /// The character at the cursor, `None` at the end.
    #[inline]
    fn char(&self) -> Option<char> {
        // Format text is almost always ASCII: one byte, no UTF-8 decoding.
        match self.input.as_bytes().get(self.pos) {
            Some(&b) if b.is_ascii() => Some(char::from(b)),
            Some(_) => self.input.get(self.pos..).and_then(|s| s.chars().next()),
            None => None,
        }
    }

    /// The character after the one at the cursor.
    fn peek(&self) -> Option<char> {
        let mut it = self.input.get(self.pos..)?.chars();
        it.next()?;
        it.next()
    }

    /// Move past the character at the cursor (no-op at the end).
    #[inline]
    fn bump(&mut self) {
        if let Some(c) = self.char() {
            self.pos += c.len_utf8();
        }
    }

    /// Move past `c` if it is at the cursor.
    fn bump_if(&mut self, c: char) -> bool {
        if self.char() == Some(c) {
            self.bump();
            true
        } else {
            false
        }
    }

    fn is_eof(&self) -> bool {
        self.pos >= self.input.len()
    }

    /// Move past any whitespace.
    fn skip_space(&mut self) {
        while self.char().is_some_and(is_space) {
            self.bump();
        }
    }

    /// The span of the character at the cursor (empty at the end).
    fn char_span(&self) -> Span {
        let len = self.char().map_or(0, char::len_utf8);
        Span::new(self.pos, self.pos + len)
    }

    fn error(&self, kind: FormatErrorKind, span: Span) -> FormatError {
        FormatError::new(kind, self.input, span.range())
    }

    /// Enter one level of `T{`, `X{` or `&` whose opener is `opener`.
    fn enter(&mut self, opener: Span) -> Result<(), FormatError> {
        if self.depth >= MAX_DEPTH {
            return Err(self.error(FormatErrorKind::NestingTooDeep { limit: MAX_DEPTH }, opener));
        }
        self.depth += 1;
        Ok(())
    }

    fn leave(&mut self) {
        self.depth = self.depth.saturating_sub(1);
    }

    // ----- grammar -----

    /// `format := ws* (order ws*)* EOF | item-list EOF`.
    ///
    /// Before: at the start of the input. After: at the end.
    fn parse_format(&mut self) -> Result<Ast, FormatError> {
        if let Some(nul) = self.input.find('\0') {
            return Err(self.error(FormatErrorKind::NulEmbedded, Span::new(nul, nul + 1)));
        }
        // `struct` accepts a format that is only a byte-order prefix (`calcsize('<') == 0`):
        // prefixes with nothing after them at all describe the empty format.
        self.skip_space();
        let start = self.pos;
        while self.char().and_then(ByteOrder::from_char).is_some() {
            self.bump();
            self.skip_space();
        }
        if !self.is_eof() {
            self.pos = start;
        }
        let items = self.parse_item_list(false)?;
        if !self.is_eof() {
            // parse_item_list stops only at the end or at '}'.
            return Err(self.error(FormatErrorKind::StructUnopened, self.char_span()));
        }
        Ok(Ast {
            items,
            span: Span::new(0, self.input.len()),
        })
    }

    /// `item-list := (ws* item)* ws*`.
    ///
    /// Before: at the first item or whitespace. After: at the end of the input, at a `}`, or
    /// (when `in_function`) at a `->`; none of these is consumed.
    fn parse_item_list(&mut self, in_function: bool) -> Result<Vec<Item>, FormatError> {
        // At most one item per remaining character; the common formats are short.
        let mut items = Vec::with_capacity((self.input.len() - self.pos).min(32));
        loop {
            self.skip_space();
            match self.char() {
                None | Some('}') => break,
                Some('-') if in_function && self.peek() == Some('>') => break,
                Some(_) => items.push(self.parse_item(true)?),
            }
        }
        Ok(items)
    }

    /// `item := (shape | byte-order) ws* ... [count] type [ws* name]`.
    ///
    /// Before: at the first character of the item (not whitespace). After: just past the
    /// type, or past the name if `with_name` and one follows.
    fn parse_item(&mut self, with_name: bool) -> Result<Item, FormatError> {
        self.parse_item_after(with_name, Before::Nothing)
    }

    /// [`parse_item`](Self::parse_item) for a pointee, with the `&` in `before`.
    fn parse_item_after(&mut self, with_name: bool, before: Before) -> Result<Item, FormatError> {
        let start = self.pos;
        let mut before = before;
        let mut shape: Option<Shape> = None;
        let mut byte_order = None;
        loop {
            match self.char() {
                Some('(') => {
                    let s = self.parse_shape()?;
                    before = Before::Prefix(s.span, FormatErrorKind::ShapeDangling);
                    shape = Some(match shape.take() {
                        None => s,
                        Some(mut prev) => {
                            prev.dims.extend(s.dims);
                            prev.span = s.span;
                            prev
                        }
                    });
                }
                Some(c) => match ByteOrder::from_char(c) {
                    Some(order) => {
                        let span = self.char_span();
                        self.bump();
                        byte_order = Some(ByteOrderMark { order, span });
                        before = Before::Prefix(span, FormatErrorKind::ByteOrderDangling);
                    }
                    None => break,
                },
                None => break,
            }
            self.skip_space();
        }
        let count = self.parse_count()?;
        if let Some(c) = count {
            before = Before::Count(c.span);
        }
        let ty = self.parse_type(before)?;
        let mut end = self.pos;
        let name = if with_name {
            let name = self.parse_name()?;
            if let Some(n) = &name {
                end = n.span.end;
            }
            name
        } else {
            None
        };
        Ok(Item {
            span: Span::new(start, end),
            shape,
            byte_order,
            count,
            ty,
            name,
        })
    }

    /// `shape := '(' ws* dim ws* (',' ws* dim ws*)* ')'`, `dim := digit+`.
    ///
    /// Before: at `(`. After: just past `)`.
    fn parse_shape(&mut self) -> Result<Shape, FormatError> {
        let open = self.pos;
        self.bump();
        let mut dims = Vec::new();
        loop {
            self.skip_space();
            match self.char() {
                None => {
                    return Err(
                        self.error(FormatErrorKind::ShapeUnclosed, Span::new(open, open + 1))
                    )
                }
                Some(c) if c.is_ascii_digit() => {
                    let (value, _) = self.parse_decimal(FormatErrorKind::ShapeDimensionOverflow)?;
                    dims.push(value);
                }
                Some(')') if dims.is_empty() => {
                    return Err(
                        self.error(FormatErrorKind::ShapeEmpty, Span::new(open, self.pos + 1))
                    )
                }
                Some(found) => {
                    return Err(self.error(
                        FormatErrorKind::ShapeDimensionMissing { found },
                        self.char_span(),
                    ))
                }
            }
            self.skip_space();
            match self.char() {
                Some(',') => self.bump(),
                Some(')') => {
                    self.bump();
                    return Ok(Shape {
                        dims,
                        span: Span::new(open, self.pos),
                    });
                }
                None => {
                    return Err(
                        self.error(FormatErrorKind::ShapeUnclosed, Span::new(open, open + 1))
                    )
                }
                Some(found) => {
                    return Err(self.error(
                        FormatErrorKind::ShapeSeparatorMissing { found },
                        self.char_span(),
                    ))
                }
            }
        }
    }

    /// `digit+` as a `usize`; `overflow` is the error when it does not fit.
    ///
    /// Before: at the first digit. After: past the last digit.
    fn parse_decimal(&mut self, overflow: FormatErrorKind) -> Result<(usize, Span), FormatError> {
        let start = self.pos;
        let mut value: Option<usize> = Some(0);
        while let Some(d) = self.char().and_then(|c| c.to_digit(10)) {
            value = value
                .and_then(|v| v.checked_mul(10))
                .and_then(|v| v.checked_add(d as usize));
            self.bump();
        }
        let span = Span::new(start, self.pos);
        match value {
            Some(v) => Ok((v, span)),
            None => Err(self.error(overflow, span)),
        }
    }

    /// `count := digit+` (optional).
    ///
    /// Before: at the first digit, or at something else (then nothing is consumed). After:
    /// past the last digit.
    fn parse_count(&mut self) -> Result<Option<Count>, FormatError> {
        if !self.char().is_some_and(|c| c.is_ascii_digit()) {
            return Ok(None);
        }
        let (value, span) = self.parse_decimal(FormatErrorKind::RepeatCountOverflow)?;
        Ok(Some(Count { value, span }))
    }

    /// `type := code | 'Z' [fdg] | 'T{' item-list '}' | 'X{' ... '}' | '&' item`.
    ///
    /// Before: at the type. After: just past it.
    fn parse_type(&mut self, before: Before) -> Result<ItemType, FormatError> {
        let span = self.char_span();
        let c = match self.char() {
            Some(c) if c != '}' && c != ':' => c,
            _ => return Err(self.dangling(before)),
        };
        if is_space(c) {
            return Err(match before {
                Before::Count(_) => self.error(FormatErrorKind::RepeatCountSpaced, span),
                _ => self.error(FormatErrorKind::TypeCodeUnknown { found: c }, span),
            });
        }
        if let Some(code) = TypeCode::from_char(c) {
            self.bump();
            return Ok(ItemType::Code(code, span));
        }
        match c {
            'Z' => self.parse_complex(),
            'T' => self.parse_struct().map(ItemType::Struct),
            'X' => self.parse_function().map(ItemType::Function),
            '&' => self.parse_pointer(),
            't' => Err(self.error(FormatErrorKind::TypeCodeUnsupported { found: c }, span)),
            found => Err(self.error(FormatErrorKind::TypeCodeUnknown { found }, span)),
        }
    }

    /// The error for an item that stops before its type (at the end, `}` or `:`).
    fn dangling(&self, before: Before) -> FormatError {
        match before {
            Before::Nothing if self.char() == Some(':') => {
                // A name where an item should start: cover the whole name if it is closed.
                let end = self
                    .input
                    .get(self.pos + 1..)
                    .and_then(|rest| rest.find(':'))
                    .map_or(self.pos + 1, |i| self.pos + i + 2);
                self.error(
                    FormatErrorKind::FieldNameMisplaced,
                    Span::new(self.pos, end),
                )
            }
            Before::Nothing => match self.char() {
                // Only reachable for '}' at the start of an item list, handled by callers.
                Some(found) => {
                    self.error(FormatErrorKind::TypeCodeUnknown { found }, self.char_span())
                }
                None => self.error(FormatErrorKind::PointerDangling, self.char_span()),
            },
            Before::Pointer(span) => self.error(FormatErrorKind::PointerDangling, span),
            Before::Prefix(span, kind) => self.error(kind, span),
            Before::Count(span) => self.error(FormatErrorKind::RepeatCountDangling, span),
        }
    }

    /// `complex := 'Z' ('f' | 'd' | 'g')`.
    ///
    /// Before: at `Z`. After: past the second letter.
    fn parse_complex(&mut self) -> Result<ItemType, FormatError> {
        let start = self.pos;
        self.bump();
        let found = self.char();
        match found.and_then(TypeCode::complex_from_char) {
            Some(code) => {
                self.bump();
                Ok(ItemType::Code(code, Span::new(start, self.pos)))
            }
            None => {
                let end = self.pos + found.map_or(0, char::len_utf8);
                Err(self.error(
                    FormatErrorKind::ComplexCodeInvalid { found },
                    Span::new(start, end),
                ))
            }
        }
    }

    /// `'T' '{'` or `'X' '{'`; returns the span of the two characters.
    ///
    /// Before: at the letter. After: past `{`.
    fn parse_opener(&mut self, code: char) -> Result<Span, FormatError> {
        let start = self.pos;
        self.bump();
        if !self.bump_if('{') {
            return Err(self.error(
                FormatErrorKind::BraceMissing { code },
                Span::new(start, start + 1),
            ));
        }
        let opener = Span::new(start, self.pos);
        self.enter(opener)?;
        Ok(opener)
    }

    /// `struct := 'T{' item-list '}'`.
    ///
    /// Before: at `T`. After: past `}`.
    fn parse_struct(&mut self) -> Result<Struct, FormatError> {
        let opener = self.parse_opener('T')?;
        let items = self.parse_item_list(false)?;
        if !self.bump_if('}') {
            return Err(self.error(FormatErrorKind::StructUnclosed, opener));
        }
        self.leave();
        Ok(Struct {
            items,
            span: Span::new(opener.start, self.pos),
        })
    }

    /// `function := 'X{' item-list [ '->' ws* item ws* ] '}'`.
    ///
    /// Before: at `X`. After: past `}`.
    fn parse_function(&mut self) -> Result<Function, FormatError> {
        let opener = self.parse_opener('X')?;
        let args = self.parse_item_list(true)?;
        let mut ret = None;
        if self.char() == Some('-') {
            let arrow = Span::new(self.pos, self.pos + 2);
            self.bump();
            self.bump();
            self.skip_space();
            if matches!(self.char(), None | Some('}')) {
                return Err(self.error(FormatErrorKind::FunctionReturnMissing, arrow));
            }
            ret = Some(Box::new(self.parse_item(true)?));
            self.skip_space();
        }
        if !self.bump_if('}') {
            return Err(self.error(FormatErrorKind::FunctionUnclosed, opener));
        }
        self.leave();
        Ok(Function {
            args,
            ret,
            span: Span::new(opener.start, self.pos),
        })
    }

    /// `pointer := '&' item` (the pointee has no name; a name after it names the pointer).
    ///
    /// Before: at `&`. After: past the pointee.
    fn parse_pointer(&mut self) -> Result<ItemType, FormatError> {
        let amp = self.char_span();
        self.enter(amp)?;
        self.bump();
        let pointee = self.parse_item_after(false, Before::Pointer(amp))?;
        self.leave();
        Ok(ItemType::Pointer(Box::new(pointee)))
    }

    /// `name := ws* ':' [^:]* ':'` (optional).
    ///
    /// Before: just past an item's type. After: past the closing `:`, or where it was if no
    /// name follows.
    fn parse_name(&mut self) -> Result<Option<Name>, FormatError> {
        let save = self.pos;
        self.skip_space();
        if self.char() != Some(':') {
            self.pos = save;
            return Ok(None);
        }
        let open = self.pos;
        let rest = self.input.get(open + 1..).unwrap_or("");
        match rest.find(':') {
            Some(len) => {
                let text = rest.get(..len).unwrap_or("").to_owned();
                self.pos = open + 1 + len + 1;
                Ok(Some(Name {
                    text,
                    span: Span::new(open, self.pos),
                }))
            }
            None => Err(self.error(
                FormatErrorKind::FieldNameUnclosed,
                Span::new(open, self.input.len()),
            )),
        }
    }
}
