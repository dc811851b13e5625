//! [`Value`]: one decoded element of any format, printed exactly as Python's `repr` prints it.

use num_complex::Complex64;

/// One decoded element (or part of one) of any PEP 3118 format.
///
/// See the crate docs ("Values") for which format decodes to which variant.
#[derive(Clone, Debug)]
pub enum Value {
    /// Any integer code (`b B h H i I l L q Q n N`), and addresses (`P & X{} O`).
    /// `i128` holds the full `i64` and `u64` ranges.
    Int(i128),
    /// `e f d g` (all decoded to `f64`).
    Float(f64),
    /// `?`.
    Bool(bool),
    /// `c`, `Ns`, `Np`: Python `bytes`.
    Bytes(Vec<u8>),
    /// `u`, `w`: Python `str` (trailing NULs stripped).
    Str(String),
    /// `Zf Zd Zg`: Python `complex`.
    Complex(Complex64),
    /// Several top-level items (`'ii'`): what `struct.unpack` returns.
    Tuple(Vec<Value>),
    /// A `T{...}` struct: field values with their names (`None` when unnamed); printed as a tuple.
    Record(Vec<(Option<String>, Value)>),
    /// A sub-array, or the result of `tolist` on a view with at least one dimension.
    List(Vec<Value>),
}
