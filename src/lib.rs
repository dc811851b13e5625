//! memview: PEP 3118 buffers in Rust.

pub mod format;
pub mod value;

pub use value::Value;
