//! Selection: NumPy basic indexing with Python's slice rules and the subscript-text parser.
//!
//! Everything here resolves a selection against a shape into [`AxisOp`] steps; the raw module
//! checks each step as it applies it ([`Geometry::select`]), so nothing here needs to be
//! trusted. Reshapes and casts are the raw module's own ([`Geometry::reshaped`],
//! [`Geometry::cast`]): their results are valid by construction, so they are built there.

#![forbid(unsafe_code)]

use std::ops::{Range, RangeFrom, RangeFull, RangeTo};

use super::error::ViewError;
use super::raw::{Axes, AxisOp, Geometry};

/// One item of a selection, as in a Python subscript `view[a, b:c, ..., None]`.
///
/// The text form is parsed by [`parse_subscript`]; `SliceArg` is the typed form.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SliceArg {
    /// `i`: pick one position of an axis (negative counts from the end) and drop the axis.
    Index(isize),
    /// `start:stop:step` with Python's rules (`None` = the default for the step's sign;
    /// out-of-range bounds are clamped; a step of 0 is an error).
    Slice {
        /// `start`, or `None` for the default.
        start: Option<isize>,
        /// `stop`, or `None` for the default.
        stop: Option<isize>,
        /// `step`, or `None` for 1.
        step: Option<isize>,
    },
    /// `...`: as many full slices as needed to use up all axes (at most one per selection).
    Ellipsis,
    /// `None` (NumPy's `newaxis`): insert an axis of length 1 with stride 0.
    NewAxis,
}

impl SliceArg {
    /// `:` — the whole axis.
    pub const FULL: SliceArg = SliceArg::Slice {
        start: None,
        stop: None,
        step: None,
    };

    /// `start:stop:step` with every part optional.
    pub fn slice(start: Option<isize>, stop: Option<isize>, step: Option<isize>) -> SliceArg {
        SliceArg::Slice { start, stop, step }
    }

    /// Whether this item uses up one axis of the view (an integer or a slice).
    fn consumes_axis(self) -> bool {
        matches!(self, SliceArg::Index(_) | SliceArg::Slice { .. })
    }
}

impl From<isize> for SliceArg {
    fn from(i: isize) -> Self {
        SliceArg::Index(i)
    }
}

impl From<Range<isize>> for SliceArg {
    fn from(r: Range<isize>) -> Self {
        SliceArg::slice(Some(r.start), Some(r.end), None)
    }
}

impl From<RangeFrom<isize>> for SliceArg {
    fn from(r: RangeFrom<isize>) -> Self {
        SliceArg::slice(Some(r.start), None, None)
    }
}

impl From<RangeTo<isize>> for SliceArg {
    fn from(r: RangeTo<isize>) -> Self {
        SliceArg::slice(None, Some(r.end), None)
    }
}

impl From<RangeFull> for SliceArg {
    fn from(_: RangeFull) -> Self {
        SliceArg::FULL
    }
}

/// Python's `PySlice_Unpack` + `PySlice_AdjustIndices`: the resolved `(start, step, length)`
/// of `start:stop:step` over an axis of `length` elements.
///
/// ```
/// use memview::view::adjust_slice;
/// // list(range(10))[8:2:-3] == [8, 5]
/// assert_eq!(adjust_slice(10, Some(8), Some(2), Some(-3)), Ok((8, -3, 2)));
/// // list(range(3))[100:] == []
/// assert_eq!(adjust_slice(3, Some(100), None, None), Ok((3, 1, 0)));
/// ```
#[inline]
pub fn adjust_slice(
    length: usize,
    start: Option<isize>,
    stop: Option<isize>,
    step: Option<isize>,
) -> Result<(isize, isize, usize), ViewError> {
    // PySlice_Unpack.
    let step = step.unwrap_or(1);
    if step == 0 {
        return Err(ViewError::SliceStepZero);
    }
    // Allow `-step` without overflow.
    let step = step.max(-isize::MAX);
    let mut start = start.unwrap_or(if step < 0 { isize::MAX } else { 0 });
    let mut stop = stop.unwrap_or(if step < 0 { isize::MIN } else { isize::MAX });
    // PySlice_AdjustIndices. Extents of valid views fit isize; saturate for anything else.
    let length = isize::try_from(length).unwrap_or(isize::MAX);
    let clamp = |v: &mut isize| {
        if *v < 0 {
            *v += length;
            if *v < 0 {
                *v = if step < 0 { -1 } else { 0 };
            }
        } else if *v >= length {
            *v = if step < 0 { length - 1 } else { length };
        }
    };
    clamp(&mut start);
    clamp(&mut stop);
    let n = if step < 0 {
        if stop >= start {
            0
        } else if step == -1 {
            start - stop
        } else {
            (start - stop - 1) / (-step) + 1
        }
    } else if start >= stop {
        0
    } else if step == 1 {
        stop - start
    } else {
        (stop - start - 1) / step + 1
    };
    Ok((start, step, n as usize))
}

/// Apply a selection to a geometry (NumPy basic indexing).
///
/// Strides of sliced axes become `stride * step` as in CPython (saturating when the product
/// overflows, which only happens for axes of length 0 or 1, whose stride is never used). The
/// offset moves to the first selected element; when the result is empty it stays where it was,
/// since an empty view reaches no byte.
#[cfg(test)]
pub(crate) fn apply(g: &Geometry, args: &[SliceArg]) -> Result<Geometry, ViewError> {
    g.select(&plan(g, args)?)
}

/// Resolve a selection against the shape: one [`AxisOp`] per item (Python's slice rules,
/// negative indices, `...` expanded); the raw module applies it to the strides and offsets.
pub(crate) fn plan(g: &Geometry, args: &[SliceArg]) -> Result<Axes<AxisOp>, ViewError> {
    ops(&g.shape, args)?.collect()
}

/// The steps of a selection, resolved one at a time as the raw module applies them
/// ([`Geometry::select_args`]): making a sub-view stores no plan. The up-front checks (one
/// `...` at most, no more axes used than there are) are done by [`ops`]; each step's own
/// error (an index or a zero step) comes when that step is reached, in the order of `args`.
pub(crate) struct Ops<'a> {
    shape: &'a [usize],
    args: std::slice::Iter<'a, SliceArg>,
    /// The next axis of the source to use up.
    axis: usize,
    /// How many full slices an `...` stands for.
    ellipsis_len: usize,
    /// Full slices of the `...` being expanded still to come.
    fill: usize,
}

/// Check a selection against a shape and resolve it lazily (see [`Ops`]).
#[inline]
pub(crate) fn ops<'a>(shape: &'a [usize], args: &'a [SliceArg]) -> Result<Ops<'a>, ViewError> {
    let ndim = shape.len();
    let mut ellipses = 0;
    let mut consumed = 0;
    for a in args {
        ellipses += usize::from(*a == SliceArg::Ellipsis);
        consumed += usize::from(a.consumes_axis());
    }
    if ellipses > 1 {
        return Err(ViewError::MultipleEllipsis);
    }
    if consumed > ndim {
        return Err(ViewError::TooManyIndices {
            ndim,
            given: consumed,
        });
    }
    Ok(Ops {
        shape,
        args: args.iter(),
        axis: 0,
        ellipsis_len: ndim - consumed,
        fill: 0,
    })
}

impl Iterator for Ops<'_> {
    type Item = Result<AxisOp, ViewError>;

    #[inline]
    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if self.fill > 0 {
                self.fill -= 1;
                let len = self.shape[self.axis];
                self.axis += 1;
                return Some(Ok(AxisOp::Slice {
                    start: 0,
                    step: 1,
                    len,
                }));
            }
            // `ops` checked that the args use up at most `shape.len()` axes, so every
            // `self.shape[self.axis]` below is inside the shape.
            let op = match *self.args.next()? {
                SliceArg::Index(i) => {
                    let (axis, n) = (self.axis, self.shape[self.axis]);
                    self.axis += 1;
                    // `n` fits isize for any valid view; a negative index counts from the end.
                    let idx = if i < 0 {
                        i.checked_add_unsigned(n)
                    } else {
                        Some(i)
                    };
                    match idx.and_then(|k| usize::try_from(k).ok()).filter(|&k| k < n) {
                        Some(index) => Ok(AxisOp::Index { index }),
                        None => Err(ViewError::IndexOutOfBounds {
                            axis,
                            index: i,
                            size: n,
                        }),
                    }
                }
                SliceArg::Slice { start, stop, step } => {
                    let n = self.shape[self.axis];
                    self.axis += 1;
                    adjust_slice(n, start, stop, step).map(|(start, step, len)| AxisOp::Slice {
                        start,
                        step,
                        len,
                    })
                }
                SliceArg::Ellipsis => {
                    self.fill = self.ellipsis_len;
                    continue;
                }
                SliceArg::NewAxis => Ok(AxisOp::NewAxis),
            };
            return Some(op);
        }
    }
}

/// Reorder the axes: axis `k` of the result is axis `axes[k]` of `g`.
#[cfg(test)]
pub(crate) fn permute(g: &Geometry, axes: &[usize]) -> Result<Geometry, ViewError> {
    g.permuted(axes)
}

/// Parse Python subscript text into a selection.
///
/// Grammar (whitespace allowed between tokens): an optional pair of parentheses around a
/// comma-separated list of items, with an optional trailing comma; an item is `...` (or
/// `Ellipsis`), `None`, an integer, or a slice `[start]:[stop][:[step]]` whose parts are
/// integers or `None`. Integers are Python literals: an optional sign, decimal digits with
/// single `_` separators, or `0x`/`0o`/`0b` forms.
///
/// The empty string and `"()"` both mean the empty tuple `view[()]`, which selects the whole
/// view unchanged (and, on a 0-dim view, is what reads its element). `"1,"` is the tuple
/// `(1,)`, the same selection as `"1"`.
///
/// Slice bounds that do not fit `isize` are clamped, as Python clamps them; an integer index
/// that does not fit is [`ViewError::IndexOverflow`].
///
/// ```
/// use memview::view::{parse_subscript, SliceArg};
/// assert_eq!(
///     parse_subscript("1:, ::-2, ..., None")?,
///     [
///         SliceArg::slice(Some(1), None, None),
///         SliceArg::slice(None, None, Some(-2)),
///         SliceArg::Ellipsis,
///         SliceArg::NewAxis,
///     ]
/// );
/// assert_eq!(parse_subscript("()")?, []);
/// # Ok::<(), memview::view::ViewError>(())
/// ```
pub fn parse_subscript(text: &str) -> Result<Vec<SliceArg>, ViewError> {
    let mut p = Parser { text, pos: 0 };
    p.skip_ws();
    let parens = p.eat("(");
    let items = p.parse_items()?;
    if parens {
        p.skip_ws();
        if !p.eat(")") {
            return Err(p.error("',' or ')'"));
        }
    }
    p.skip_ws();
    if p.pos != text.len() {
        return Err(p.error(if parens {
            "end of input"
        } else {
            "',' or end of input"
        }));
    }
    Ok(items)
}

/// An integer literal: its value (clamped to `isize`, as Python clamps slice bounds), whether it
/// fits without clamping, and where its text is (made a `String` only for an error).
struct Int {
    value: isize,
    fits: bool,
    text: std::ops::Range<usize>,
}

/// Cursor over subscript text; `pos` is a byte index at a char boundary.
struct Parser<'t> {
    text: &'t str,
    pos: usize,
}

impl Parser<'_> {
    #[inline]
    fn rest(&self) -> &str {
        &self.text[self.pos..]
    }

    #[inline]
    fn peek(&self) -> Option<char> {
        // ASCII, the usual case, without decoding UTF-8.
        match self.text.as_bytes().get(self.pos) {
            Some(&b) if b.is_ascii() => Some(char::from(b)),
            _ => self.rest().chars().next(),
        }
    }

    fn eat(&mut self, s: &str) -> bool {
        if self.rest().starts_with(s) {
            self.pos += s.len();
            true
        } else {
            false
        }
    }

    /// Eat the keyword `word` if it is not followed by an identifier character.
    fn eat_word(&mut self, word: &str) -> bool {
        let rest = self.rest();
        if rest.starts_with(word)
            && !rest[word.len()..]
                .chars()
                .next()
                .is_some_and(|c| c.is_alphanumeric() || c == '_')
        {
            self.pos += word.len();
            true
        } else {
            false
        }
    }

    #[inline]
    fn skip_ws(&mut self) {
        while let Some(c) = self.peek().filter(|c| c.is_whitespace()) {
            self.pos += c.len_utf8();
        }
    }

    fn error(&self, expected: &'static str) -> ViewError {
        ViewError::Subscript {
            input: self.text.to_string(),
            position: self.pos,
            expected,
        }
    }

    /// Before: at the first item (or the end of the list). After: past the last item and its
    /// trailing comma, if any.
    fn parse_items(&mut self) -> Result<Vec<SliceArg>, ViewError> {
        let mut items = Vec::with_capacity(4);
        loop {
            self.skip_ws();
            if self.pos == self.text.len() || self.peek() == Some(')') {
                // The empty list, or a trailing comma.
                break;
            }
            items.push(self.parse_item()?);
            self.skip_ws();
            if !self.eat(",") {
                break;
            }
        }
        Ok(items)
    }

    /// Before: at the start of an item. After: just past it.
    fn parse_item(&mut self) -> Result<SliceArg, ViewError> {
        let first = self.peek();
        if (first == Some('.') && self.eat("..."))
            || (first == Some('E') && self.eat_word("Ellipsis"))
        {
            return Ok(SliceArg::Ellipsis);
        }
        let item_start = self.pos;
        let start = self.parse_bound()?;
        self.skip_ws();
        if !self.eat(":") {
            return match start {
                Some(Some(i)) if i.fits => Ok(SliceArg::Index(i.value)),
                Some(Some(i)) => Err(ViewError::IndexOverflow {
                    text: self.text[i.text].to_string(),
                }),
                Some(None) => Ok(SliceArg::NewAxis),
                None => {
                    self.pos = item_start;
                    Err(self.error("an integer, a slice, '...' or 'None'"))
                }
            };
        }
        self.skip_ws();
        let stop = self.parse_bound()?;
        self.skip_ws();
        let step = if self.eat(":") {
            self.skip_ws();
            self.parse_bound()?
        } else {
            None
        };
        let value = |b: Option<Option<Int>>| b.flatten().map(|i| i.value);
        Ok(SliceArg::Slice {
            start: value(start),
            stop: value(stop),
            step: value(step),
        })
    }

    /// An optional slice bound: `None` when absent, `Some(None)` for the word `None`,
    /// `Some(Some(int))` for an integer. Before: at the bound. After: past it.
    fn parse_bound(&mut self) -> Result<Option<Option<Int>>, ViewError> {
        if self.peek() == Some('N') && self.eat_word("None") {
            return Ok(Some(None));
        }
        match self.peek() {
            Some(c) if c.is_ascii_digit() || c == '-' || c == '+' => {
                Ok(Some(Some(self.parse_int()?)))
            }
            _ => Ok(None),
        }
    }

    /// Before: at a sign or digit. After: past the literal.
    fn parse_int(&mut self) -> Result<Int, ViewError> {
        let start = self.pos;
        let mut negative = false;
        while let Some(c @ ('-' | '+')) = self.peek() {
            negative ^= c == '-';
            self.pos += 1;
            self.skip_ws();
        }
        let bytes = self.text.as_bytes();
        let radix = match (bytes.get(self.pos), bytes.get(self.pos + 1)) {
            (Some(b'0'), Some(b'x' | b'X')) => 16,
            (Some(b'0'), Some(b'o' | b'O')) => 8,
            (Some(b'0'), Some(b'b' | b'B')) => 2,
            _ => 10,
        };
        if radix != 10 {
            self.pos += 2;
        }
        let mut magnitude: u128 = 0;
        let mut digits = 0;
        let mut prev_digit = false;
        // `0x_1f` is valid Python; in decimal a `_` must follow a digit.
        let mut leading_underscore = radix != 10;
        while let Some(c) = self.peek() {
            if c == '_' && (prev_digit || (leading_underscore && digits == 0)) {
                prev_digit = false;
                leading_underscore = false;
            } else if let Some(d) = c.to_digit(radix) {
                magnitude = magnitude
                    .saturating_mul(radix as u128)
                    .saturating_add(d as u128);
                digits += 1;
                prev_digit = true;
            } else {
                break;
            }
            self.pos += 1;
        }
        if digits == 0 || !prev_digit {
            return Err(self.error("digits"));
        }
        let text = start..self.pos;
        let limit = if negative {
            isize::MIN.unsigned_abs() as u128
        } else {
            isize::MAX as u128
        };
        let fits = magnitude <= limit;
        let value = if !fits {
            if negative {
                isize::MIN
            } else {
                isize::MAX
            }
        } else if negative {
            (magnitude as i128).wrapping_neg() as isize
        } else {
            magnitude as isize
        };
        Ok(Int { value, fits, text })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sl(start: Option<isize>, stop: Option<isize>, step: Option<isize>) -> SliceArg {
        SliceArg::slice(start, stop, step)
    }

    #[test]
    fn parses_the_forms_python_accepts() {
        use SliceArg::*;
        let cases: &[(&str, Vec<SliceArg>)] = &[
            ("", vec![]),
            ("()", vec![]),
            (" ( ) ", vec![]),
            ("0", vec![Index(0)]),
            ("-1", vec![Index(-1)]),
            ("- 1", vec![Index(-1)]),
            ("+3", vec![Index(3)]),
            ("1,", vec![Index(1)]),
            ("(1,)", vec![Index(1)]),
            ("(1, 2)", vec![Index(1), Index(2)]),
            ("1_000", vec![Index(1000)]),
            ("0x1f, 0o17, 0b101", vec![Index(31), Index(15), Index(5)]),
            (":", vec![SliceArg::FULL]),
            ("::", vec![SliceArg::FULL]),
            ("1:", vec![sl(Some(1), None, None)]),
            (":2", vec![sl(None, Some(2), None)]),
            ("::-2", vec![sl(None, None, Some(-2))]),
            ("1:5:2", vec![sl(Some(1), Some(5), Some(2))]),
            (" 1 : 5 : 2 ", vec![sl(Some(1), Some(5), Some(2))]),
            ("None:None:None", vec![SliceArg::FULL]),
            (
                "1:, ::-2, ...",
                vec![sl(Some(1), None, None), sl(None, None, Some(-2)), Ellipsis],
            ),
            ("0, None", vec![Index(0), NewAxis]),
            ("Ellipsis, None", vec![Ellipsis, NewAxis]),
            ("...,...", vec![Ellipsis, Ellipsis]),
            (
                "99999999999999999999999:",
                vec![sl(Some(isize::MAX), None, None)],
            ),
            (
                "-99999999999999999999999:",
                vec![sl(Some(isize::MIN), None, None)],
            ),
            ("-9223372036854775808", vec![Index(isize::MIN)]),
        ];
        for (text, want) in cases {
            assert_eq!(&parse_subscript(text).unwrap(), want, "{text:?}");
        }
    }

    #[test]
    fn rejects_malformed_text_with_position() {
        let cases: &[(&str, usize, &str)] = &[
            (",", 0, "an integer, a slice, '...' or 'None'"),
            ("1,,2", 2, "an integer, a slice, '...' or 'None'"),
            ("1 2", 2, "',' or end of input"),
            ("(1", 2, "',' or ')'"),
            ("1)", 1, "',' or end of input"),
            ("x", 0, "an integer, a slice, '...' or 'None'"),
            ("1:x", 2, "',' or end of input"),
            ("1__0", 2, "digits"),
            ("1_", 2, "digits"),
            ("-", 1, "digits"),
            ("Nonesuch", 0, "an integer, a slice, '...' or 'None'"),
            ("1.5", 1, "',' or end of input"),
        ];
        for &(text, position, expected) in cases {
            assert_eq!(
                parse_subscript(text),
                Err(ViewError::Subscript {
                    input: text.to_string(),
                    position,
                    expected
                }),
                "{text:?}"
            );
        }
        let e = parse_subscript("1 2").unwrap_err();
        assert_eq!(
            e.to_string(),
            "invalid subscript \"1 2\": expected ',' or end of input at byte 2"
        );
    }

    #[test]
    fn huge_index_is_an_overflow_error() {
        let e = parse_subscript("2_0000000000000000000").unwrap_err();
        assert_eq!(
            e,
            ViewError::IndexOverflow {
                text: "2_0000000000000000000".into()
            }
        );
        assert_eq!(
            e.to_string(),
            "cannot fit '2_0000000000000000000' into an index-sized integer"
        );
    }

    #[test]
    fn adjust_slice_matches_python() {
        // Computed with Python: len(range(n)[s]) and range(n)[s].start for each case.
        type Case = (usize, Option<isize>, Option<isize>, Option<isize>);
        let cases: &[(Case, (isize, isize, usize))] = &[
            ((10, None, None, None), (0, 1, 10)),
            ((10, None, None, Some(-1)), (9, -1, 10)),
            ((10, Some(-3), None, None), (7, 1, 3)),
            ((10, Some(-30), Some(30), Some(3)), (0, 3, 4)),
            ((10, Some(30), Some(-30), Some(-3)), (9, -3, 4)),
            ((0, None, None, Some(-1)), (-1, -1, 0)),
            ((3, Some(1), Some(1), Some(-1)), (1, -1, 0)),
            ((3, None, None, Some(isize::MIN)), (2, -isize::MAX, 1)),
            ((3, None, None, Some(isize::MAX)), (0, isize::MAX, 1)),
            ((5, Some(isize::MIN), Some(isize::MAX), None), (0, 1, 5)),
        ];
        for &((n, a, b, c), want) in cases {
            assert_eq!(adjust_slice(n, a, b, c), Ok(want), "{n} {a:?}:{b:?}:{c:?}");
        }
        assert_eq!(
            adjust_slice(3, None, None, Some(0)),
            Err(ViewError::SliceStepZero)
        );
    }
}
