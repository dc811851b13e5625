//! A parser for Python literals: the dict of a `.npy` header, and values typed as text.
//!
//! Accepted: integers (`12`, `-0x1f`, `0o17`, `0b101`, `1_000`), floats (`1.5`, `-2e-3`,
//! `inf`, `nan`), complex numbers (`2j`, `1+2j`, `(1-2.5j)`), `True`, `False`, `None`,
//! bytes (`b'..'`, `b".."` with Python's escapes), strings (`'..'`, `".."`, with `\n`, `\xNN`,
//! `\uNNNN`, `\UNNNNNNNN`), tuples `(1, 2)` / `(1,)` / `()`, lists `[1, 2]` and dicts
//! `{'a': 1}`. Anything else is an error naming the position. Brackets nest at most
//! [`MAX_DEPTH`] deep, so hostile input is an error, never a stack overflow; the parser is
//! linear in the length of the text.
//!
//! The crate uses [`Lit`] internally; the public face is [`Value`]'s `FromStr` implementation
//! (below) and [`LiteralError`].

use std::fmt;
use std::str::FromStr;

use crate::Value;

/// A parsed Python literal.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Lit {
    /// An integer (the `i128` range is enough for every struct code).
    Int(i128),
    /// A float.
    Float(f64),
    /// A complex number `(re, im)`.
    Complex(f64, f64),
    /// `True` or `False`.
    Bool(bool),
    /// `None`.
    None,
    /// `b'...'`.
    Bytes(Vec<u8>),
    /// `'...'`.
    Str(String),
    /// `(a, b)`.
    Tuple(Vec<Lit>),
    /// `[a, b]`.
    List(Vec<Lit>),
    /// `{k: v}` in order.
    Dict(Vec<(Lit, Lit)>),
}

/// Text that is not a Python literal, or a literal that has no [`Value`] (`None`, a dict):
/// what went wrong, and where when the text itself is at fault.
///
/// Returned by `str::parse::<Value>()` (and inside
/// [`NpyError::HeaderNotLiteral`](crate::npy::NpyError::HeaderNotLiteral)).
///
/// ```
/// use memview::Value;
///
/// let e = "[1 2]".parse::<Value>().unwrap_err();
/// assert_eq!(e.to_string(), "expected ',' or ']', found '2' (at character 4)");
/// assert_eq!(e.position(), Some(3));
/// assert_eq!("None".parse::<Value>().unwrap_err().to_string(), "None cannot be packed");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LiteralError {
    message: String,
    pos: Option<usize>,
}

impl LiteralError {
    /// What was expected or found (the message without the position).
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The byte position in the text where parsing failed; `None` when the text parsed but
    /// the literal has no [`Value`] (`None`, a dict).
    pub fn position(&self) -> Option<usize> {
        self.pos
    }
}

impl fmt::Display for LiteralError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.pos {
            Some(pos) => write!(f, "{} (at character {})", self.message, pos + 1),
            None => f.write_str(&self.message),
        }
    }
}

impl std::error::Error for LiteralError {}

/// Parse one literal that must make up the whole of `text` (surrounding spaces allowed).
pub(crate) fn parse(text: &str) -> Result<Lit, LiteralError> {
    let mut p = Parser {
        s: text,
        pos: 0,
        depth: 0,
    };
    p.ws();
    let lit = p.expr()?;
    p.ws();
    if p.pos < text.len() {
        return Err(p.err(format!("unexpected {:?} after the value", p.rest_preview())));
    }
    Ok(lit)
}

/// How deeply `(`, `[` and `{` may nest (deeper input is an error, never a stack overflow).
pub(crate) const MAX_DEPTH: usize = 64;

struct Parser<'a> {
    s: &'a str,
    pos: usize,
    depth: usize,
}

impl Parser<'_> {
    fn err(&self, message: impl Into<String>) -> LiteralError {
        LiteralError {
            message: message.into(),
            pos: Some(self.pos),
        }
    }

    fn peek(&self) -> Option<char> {
        self.s[self.pos..].chars().next()
    }

    fn rest_preview(&self) -> String {
        self.s[self.pos..].chars().take(10).collect()
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.pos += c.len_utf8();
        Some(c)
    }

    fn eat(&mut self, c: char) -> bool {
        if self.peek() == Some(c) {
            self.pos += c.len_utf8();
            true
        } else {
            false
        }
    }

    fn ws(&mut self) {
        while matches!(self.peek(), Some(c) if c.is_whitespace()) {
            self.bump();
        }
    }

    /// A value, with `a + bj` / `a - bj` complex sums on numbers. Cursor: before the value;
    /// after: just past it.
    fn expr(&mut self) -> Result<Lit, LiteralError> {
        let start = self.pos;
        let first = self.unary()?;
        let save = self.pos;
        self.ws();
        let sign = match self.peek() {
            Some('+') => 1.0,
            Some('-') => -1.0,
            _ => {
                self.pos = save;
                return Ok(first);
            }
        };
        self.bump();
        self.ws();
        let second = self.unary()?;
        let (re1, im1) = as_complex_parts(&first).ok_or_else(|| LiteralError {
            message: "only numbers can be added (as in 1+2j)".into(),
            pos: Some(start),
        })?;
        let (re2, im2) = as_complex_parts(&second).ok_or_else(|| LiteralError {
            message: "only numbers can be added (as in 1+2j)".into(),
            pos: Some(start),
        })?;
        Ok(match (first, second) {
            (Lit::Int(a), Lit::Int(b)) => {
                let sum = if sign > 0.0 {
                    a.checked_add(b)
                } else {
                    a.checked_sub(b)
                };
                Lit::Int(sum.ok_or_else(|| LiteralError {
                    message: "integer too large".into(),
                    pos: Some(start),
                })?)
            }
            (Lit::Complex(..), _) | (_, Lit::Complex(..)) => {
                Lit::Complex(re1 + sign * re2, im1 + sign * im2)
            }
            _ => Lit::Float(re1 + sign * re2),
        })
    }

    /// A value with optional leading `-`/`+` signs (counted in a loop, so any number of them
    /// is fine).
    fn unary(&mut self) -> Result<Lit, LiteralError> {
        let mut negative = false;
        let mut signs = 0usize;
        loop {
            if self.eat('-') {
                negative = !negative;
            } else if !self.eat('+') {
                break;
            }
            signs += 1;
            self.ws();
        }
        let pos = self.pos;
        let value = self.atom()?;
        if signs == 0 {
            return Ok(value);
        }
        match value {
            Lit::Int(i) if negative => i.checked_neg().map(Lit::Int).ok_or(LiteralError {
                message: "integer too large".into(),
                pos: Some(pos),
            }),
            Lit::Float(f) if negative => Ok(Lit::Float(-f)),
            Lit::Complex(re, im) if negative => Ok(Lit::Complex(-re, -im)),
            Lit::Bool(b) => Ok(Lit::Int(if negative {
                -i128::from(b)
            } else {
                i128::from(b)
            })),
            v @ (Lit::Int(_) | Lit::Float(_) | Lit::Complex(..)) => Ok(v),
            _ => Err(LiteralError {
                message: "'-' and '+' can only stand before a number".into(),
                pos: Some(pos),
            }),
        }
    }

    fn atom(&mut self) -> Result<Lit, LiteralError> {
        if matches!(self.peek(), Some('(' | '[' | '{')) {
            if self.depth >= MAX_DEPTH {
                return Err(self.err(format!("brackets nest more than {MAX_DEPTH} deep")));
            }
            self.depth += 1;
            let result = self.atom_inner();
            self.depth -= 1;
            return result;
        }
        self.atom_inner()
    }

    fn atom_inner(&mut self) -> Result<Lit, LiteralError> {
        match self.peek() {
            None => Err(self.err("expected a value, found the end of the text")),
            Some('(') => {
                self.bump();
                let (items, trailing_comma) = self.sequence(')')?;
                if items.len() == 1 && !trailing_comma {
                    Ok(items.into_iter().next().unwrap_or(Lit::None))
                } else {
                    Ok(Lit::Tuple(items))
                }
            }
            Some('[') => {
                self.bump();
                Ok(Lit::List(self.sequence(']')?.0))
            }
            Some('{') => {
                self.bump();
                self.dict()
            }
            Some('\'' | '"') => Ok(Lit::Str(self.string()?)),
            Some('b' | 'B')
                if matches!(self.s[self.pos + 1..].chars().next(), Some('\'' | '"')) =>
            {
                self.bump();
                let start = self.pos;
                let s = self.quoted(true)?;
                let mut out = Vec::with_capacity(s.len());
                for c in s.chars() {
                    let n = u32::from(c);
                    if n > 255 {
                        return Err(LiteralError {
                            message: format!(
                                "bytes can only contain ASCII characters and \\x escapes, found {c:?}"
                            ),
                            pos: Some(start),
                        });
                    }
                    out.push(n as u8);
                }
                Ok(Lit::Bytes(out))
            }
            Some(c) if c.is_ascii_digit() || c == '.' => self.number(),
            Some(c) if c.is_alphabetic() || c == '_' => {
                let start = self.pos;
                while matches!(self.peek(), Some(c) if c.is_alphanumeric() || c == '_') {
                    self.bump();
                }
                match &self.s[start..self.pos] {
                    "True" => Ok(Lit::Bool(true)),
                    "False" => Ok(Lit::Bool(false)),
                    "None" => Ok(Lit::None),
                    "inf" => Ok(Lit::Float(f64::INFINITY)),
                    "nan" => Ok(Lit::Float(f64::NAN)),
                    "infj" => Ok(Lit::Complex(0.0, f64::INFINITY)),
                    "nanj" => Ok(Lit::Complex(0.0, f64::NAN)),
                    word => Err(LiteralError {
                        message: format!(
                            "unknown name {word:?} (expected a number, True, False, b'..', '..', (..) or [..]; \
                             strings need quotes, which the shell may strip: write \"'abc'\")"
                        ),
                        pos: Some(start),
                    }),
                }
            }
            Some(c) => Err(self.err(format!("unexpected {c:?}, expected a value"))),
        }
    }

    /// Items up to `close`, comma separated; returns them and whether a comma came last.
    fn sequence(&mut self, close: char) -> Result<(Vec<Lit>, bool), LiteralError> {
        let mut items = Vec::new();
        let mut trailing = false;
        loop {
            self.ws();
            if self.eat(close) {
                return Ok((items, trailing));
            }
            if self.peek().is_none() {
                return Err(self.err(format!("missing {close:?}")));
            }
            items.push(self.expr()?);
            self.ws();
            trailing = self.eat(',');
            if !trailing {
                self.ws();
                if self.eat(close) {
                    return Ok((items, false));
                }
                return match self.peek() {
                    None => Err(self.err(format!("missing {close:?}"))),
                    Some(c) => Err(self.err(format!("expected ',' or {close:?}, found {c:?}"))),
                };
            }
        }
    }

    fn dict(&mut self) -> Result<Lit, LiteralError> {
        let mut items = Vec::new();
        loop {
            self.ws();
            if self.eat('}') {
                return Ok(Lit::Dict(items));
            }
            let key = self.expr()?;
            self.ws();
            if !self.eat(':') {
                return Err(self.err("expected ':' after a dict key"));
            }
            self.ws();
            let value = self.expr()?;
            items.push((key, value));
            self.ws();
            if !self.eat(',') {
                self.ws();
                if self.eat('}') {
                    return Ok(Lit::Dict(items));
                }
                return Err(self.err("expected ',' or '}' in a dict"));
            }
        }
    }

    fn string(&mut self) -> Result<String, LiteralError> {
        self.quoted(false)
    }

    /// A quoted string with Python escapes; for bytes, `\u`/`\U` are not escapes and
    /// characters are returned as code points 0..=255 via `\x`. Cursor: at the quote.
    fn quoted(&mut self, bytes: bool) -> Result<String, LiteralError> {
        let start = self.pos;
        let quote = self.bump().unwrap_or('\'');
        let mut out = String::new();
        loop {
            let c = self.bump().ok_or_else(|| LiteralError {
                message: format!("unterminated string (missing closing {quote})"),
                pos: Some(start),
            })?;
            if c == quote {
                return Ok(out);
            }
            if c != '\\' {
                if bytes && !c.is_ascii() {
                    return Err(LiteralError {
                        message: format!(
                            "bytes can only contain ASCII characters (write \\x{:02x}.. escapes for {c:?})",
                            u32::from(c)
                        ),
                        pos: Some(self.pos - c.len_utf8()),
                    });
                }
                out.push(c);
                continue;
            }
            let esc_pos = self.pos - 1;
            let e = self.bump().ok_or_else(|| LiteralError {
                message: "unterminated string (ends with a backslash)".into(),
                pos: Some(esc_pos),
            })?;
            match e {
                '\n' => {}
                '\\' => out.push('\\'),
                '\'' => out.push('\''),
                '"' => out.push('"'),
                'a' => out.push('\x07'),
                'b' => out.push('\x08'),
                'f' => out.push('\x0c'),
                'n' => out.push('\n'),
                'r' => out.push('\r'),
                't' => out.push('\t'),
                'v' => out.push('\x0b'),
                '0'..='7' => {
                    let mut n = e.to_digit(8).unwrap_or(0);
                    for _ in 0..2 {
                        match self.peek().and_then(|c| c.to_digit(8)) {
                            Some(d) => {
                                n = n * 8 + d;
                                self.bump();
                            }
                            None => break,
                        }
                    }
                    if bytes {
                        n &= 0xff;
                    }
                    out.push(char::from_u32(n).unwrap_or('\u{fffd}'));
                }
                'x' => out.push(self.hex_escape(2, esc_pos)?),
                'u' if !bytes => out.push(self.hex_escape(4, esc_pos)?),
                'U' if !bytes => out.push(self.hex_escape(8, esc_pos)?),
                other => {
                    // Python keeps unknown escapes as written.
                    out.push('\\');
                    out.push(other);
                }
            }
        }
    }

    fn hex_escape(&mut self, digits: usize, esc_pos: usize) -> Result<char, LiteralError> {
        let start = self.pos;
        for _ in 0..digits {
            match self.peek() {
                Some(c) if c.is_ascii_hexdigit() => {
                    self.bump();
                }
                _ => {
                    return Err(LiteralError {
                        message: format!(
                            "truncated escape: \\x, \\u, \\U need {digits} hex digits"
                        ),
                        pos: Some(esc_pos),
                    })
                }
            }
        }
        let n = u32::from_str_radix(&self.s[start..self.pos], 16).unwrap_or(u32::MAX);
        char::from_u32(n).ok_or_else(|| LiteralError {
            message: format!("escape \\U{n:08x} is not a valid code point"),
            pos: Some(esc_pos),
        })
    }

    /// An unsigned int, float or imaginary literal. Cursor: at the first digit or '.'.
    fn number(&mut self) -> Result<Lit, LiteralError> {
        let start = self.pos;
        let rest = &self.s[self.pos..];
        let radix = if rest.len() > 1 && rest.starts_with('0') {
            match rest.as_bytes()[1] {
                b'x' | b'X' => 16,
                b'o' | b'O' => 8,
                b'b' | b'B' => 2,
                _ => 10,
            }
        } else {
            10
        };
        if radix != 10 {
            self.pos += 2;
            let digits_start = self.pos;
            while matches!(self.peek(), Some(c) if c.is_ascii_alphanumeric() || c == '_') {
                self.bump();
            }
            let digits: String = self.s[digits_start..self.pos]
                .chars()
                .filter(|&c| c != '_')
                .collect();
            return i128::from_str_radix(&digits, radix)
                .map(Lit::Int)
                .map_err(|_| LiteralError {
                    message: format!(
                        "invalid base-{radix} integer {:?}",
                        &self.s[start..self.pos]
                    ),
                    pos: Some(start),
                });
        }
        let mut is_float = false;
        while let Some(c) = self.peek() {
            if c.is_ascii_digit() || c == '_' {
                self.bump();
            } else if c == '.' {
                is_float = true;
                self.bump();
            } else if c == 'e' || c == 'E' {
                is_float = true;
                self.bump();
                if matches!(self.peek(), Some('+' | '-')) {
                    self.bump();
                }
            } else {
                break;
            }
        }
        let text: String = self.s[start..self.pos]
            .chars()
            .filter(|&c| c != '_')
            .collect();
        let imaginary = self.eat('j') || self.eat('J');
        let bad = || LiteralError {
            message: format!("invalid number {:?}", &text),
            pos: Some(start),
        };
        if imaginary {
            let im: f64 = text.parse().map_err(|_| bad())?;
            return Ok(Lit::Complex(0.0, im));
        }
        if is_float {
            text.parse().map(Lit::Float).map_err(|_| bad())
        } else {
            if text.len() > 1 && text.starts_with('0') && text.chars().any(|c| c != '0') {
                return Err(LiteralError {
                    message: format!(
                        "leading zeros are not allowed in {text:?} (write 0o{} for octal)",
                        text.trim_start_matches('0')
                    ),
                    pos: Some(start),
                });
            }
            text.parse().map(Lit::Int).map_err(|_| LiteralError {
                message: format!("integer {text:?} is too large"),
                pos: Some(start),
            })
        }
    }
}

fn as_complex_parts(l: &Lit) -> Option<(f64, f64)> {
    match *l {
        Lit::Int(i) => Some((i as f64, 0.0)),
        Lit::Float(f) => Some((f, 0.0)),
        Lit::Complex(re, im) => Some((re, im)),
        Lit::Bool(b) => Some((f64::from(u8::from(b)), 0.0)),
        _ => None,
    }
}

/// Python's `repr` of a literal (`'<f8'`, `(3,)`, `[('x', '<i4')]`), for messages.
impl fmt::Display for Lit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fn join(f: &mut fmt::Formatter<'_>, items: &[Lit]) -> fmt::Result {
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    f.write_str(", ")?;
                }
                write!(f, "{item}")?;
            }
            Ok(())
        }
        match self {
            Lit::Int(i) => write!(f, "{i}"),
            Lit::Float(x) => write!(f, "{}", Value::Float(*x)),
            Lit::Complex(re, im) => {
                write!(
                    f,
                    "{}",
                    Value::Complex(num_complex::Complex64::new(*re, *im))
                )
            }
            Lit::Bool(true) => f.write_str("True"),
            Lit::Bool(false) => f.write_str("False"),
            Lit::None => f.write_str("None"),
            Lit::Bytes(b) => write!(f, "{}", Value::Bytes(b.clone())),
            Lit::Str(s) => write!(f, "{}", Value::Str(s.clone())),
            Lit::Tuple(items) if items.len() == 1 => write!(f, "({},)", items[0]),
            Lit::Tuple(items) => {
                f.write_str("(")?;
                join(f, items)?;
                f.write_str(")")
            }
            Lit::List(items) => {
                f.write_str("[")?;
                join(f, items)?;
                f.write_str("]")
            }
            Lit::Dict(items) => {
                f.write_str("{")?;
                for (i, (k, v)) in items.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{k}: {v}")?;
                }
                f.write_str("}")
            }
        }
    }
}

impl Lit {
    /// The [`Value`] this literal stands for; `None` and dicts have none.
    fn into_value(self) -> Result<Value, LiteralError> {
        let no_value = |what: &str| LiteralError {
            message: format!("{what} cannot be packed"),
            pos: None,
        };
        Ok(match self {
            Lit::Int(i) => Value::Int(i),
            Lit::Float(f) => Value::Float(f),
            Lit::Complex(re, im) => Value::Complex(num_complex::Complex64::new(re, im)),
            Lit::Bool(b) => Value::Bool(b),
            Lit::Bytes(b) => Value::Bytes(b),
            Lit::Str(s) => Value::Str(s),
            Lit::Tuple(items) => Value::Tuple(
                items
                    .into_iter()
                    .map(Lit::into_value)
                    .collect::<Result<_, _>>()?,
            ),
            Lit::List(items) => Value::List(
                items
                    .into_iter()
                    .map(Lit::into_value)
                    .collect::<Result<_, _>>()?,
            ),
            Lit::None => return Err(no_value("None")),
            Lit::Dict(_) => return Err(no_value("a dict")),
        })
    }
}

/// Parse a Python literal into the [`Value`] it denotes, as `ast.literal_eval` would read it
/// and as [`pack`](crate::pack()) takes it: `12`, `-0x1f`, `1.5`, `inf`, `1+2j`, `True`,
/// `b'ab\x00'`, `'text'`, `(1, 2.5)` (a tuple, for a `T{...}` field or several items),
/// `[1, 2]` (a list, for a sub-array). `None` and dicts have no `Value` and are refused.
///
/// This is the parser that reads `.npy` headers (module [`npy`](crate::npy)); `Display` of a
/// `Value` prints text this parses back (records come back as tuples).
///
/// ```
/// use memview::{pack, Value};
///
/// let v: Value = "(-2, 1.5, True)".parse()?;
/// assert_eq!(v, Value::Tuple(vec![Value::Int(-2), Value::Float(1.5), Value::Bool(true)]));
/// let Value::Tuple(items) = v else { unreachable!() };
/// assert_eq!(pack("<hd?", &items)?, b"\xfe\xff\x00\x00\x00\x00\x00\x00\xf8\x3f\x01");
/// assert_eq!("(1-2.5j)".parse::<Value>()?.to_string(), "(1-2.5j)");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
impl FromStr for Value {
    type Err = LiteralError;

    fn from_str(text: &str) -> Result<Value, LiteralError> {
        parse(text)?.into_value()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scalars() {
        assert_eq!(parse("12"), Ok(Lit::Int(12)));
        assert_eq!(parse("-0x1F"), Ok(Lit::Int(-31)));
        assert_eq!(parse("1_000"), Ok(Lit::Int(1000)));
        assert_eq!(parse("1.5e3"), Ok(Lit::Float(1500.0)));
        assert_eq!(parse("-2"), Ok(Lit::Int(-2)));
        assert_eq!(parse("True"), Ok(Lit::Bool(true)));
        assert_eq!(parse("1+2j"), Ok(Lit::Complex(1.0, 2.0)));
        assert_eq!(parse("(1-2.5j)"), Ok(Lit::Complex(1.0, -2.5)));
        assert_eq!(parse("-1j"), Ok(Lit::Complex(-0.0, -1.0)));
        assert_eq!(parse(r"b'a\x00\n'"), Ok(Lit::Bytes(b"a\x00\n".to_vec())));
        assert_eq!(parse(r"'h\u00e9'"), Ok(Lit::Str("hé".into())));
        assert!(parse("012").is_err());
        assert!(parse("abc").is_err());
        assert!(parse("b'\u{e9}'").is_err());
    }

    #[test]
    fn containers() {
        assert_eq!(parse("(1,)"), Ok(Lit::Tuple(vec![Lit::Int(1)])));
        assert_eq!(parse("(1)"), Ok(Lit::Int(1)));
        assert_eq!(parse("()"), Ok(Lit::Tuple(vec![])));
        assert_eq!(
            parse("[1, [2, 3]]"),
            Ok(Lit::List(vec![
                Lit::Int(1),
                Lit::List(vec![Lit::Int(2), Lit::Int(3)])
            ]))
        );
        let d = parse("{'descr': '<f8', 'fortran_order': False, 'shape': (3, 4), }").unwrap();
        match d {
            Lit::Dict(items) => assert_eq!(items.len(), 3),
            other => panic!("{other:?}"),
        }
        assert!(parse("(1, 2").is_err());
        assert!(parse(&"[".repeat(100_000)).is_err());
        assert!(parse(&"-".repeat(100_000)).is_err());
        assert!(parse("[1 2]").is_err());
    }
}
