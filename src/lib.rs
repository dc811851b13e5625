//! memview: PEP 3118 buffers in Rust.

pub mod codec;
pub mod element;
pub mod format;
pub mod ndarray;
pub mod pack;
pub mod value;
pub mod view;

pub use codec::PackError;
pub use pack::{calcsize, iter_unpack, pack, pack_into, unpack, unpack_from, IterUnpack, Struct};
pub use value::Value;
pub use view::{BufferFlags, BufferInfo, MemoryView, MemoryViewMut, Order, SliceArg, ViewError};
