//! The `memoryview` examples that introduce the concept, in Rust, printing exactly what CPython
//! prints for the Python beside each step.
//!
//! Run with `cargo run --example memoryview_basics`.

use std::error::Error;
use std::fmt::Write;

use memview::{MemoryView, MemoryViewMut, Order, Value};

/// Python's `repr(bytearray(data))`.
fn bytearray(data: &[u8]) -> String {
    format!("bytearray({})", Value::from(data))
}

/// Run the examples and return what they print.
pub fn run() -> Result<String, Box<dyn Error>> {
    let mut out = String::new();

    // data = bytearray(b'QUANTRIMANG'); mv = memoryview(data)
    let mut data = *b"QUANTRIMANG";
    let mut mv = MemoryViewMut::new(&mut data);
    writeln!(out, "{}", mv.get(&[0])?)?; // print(mv[0])
    let head = mv.as_view().select("0:2")?.to_bytes(Order::C);
    writeln!(out, "{}", Value::from(head))?; // print(bytes(mv[0:2]))
    writeln!(out, "{}", mv.as_view().select("0:3")?.to_list()?)?; // print(list(mv[0:3]))
    mv.set(&[1], 85)?; // mv[1] = 85 (b'U' is already 85)
    writeln!(out, "{}", bytearray(mv.buffer()?))?; // print(data)
    mv.set(&[0], 90)?; // mv[0] = 90
    writeln!(out, "{}", bytearray(mv.buffer()?))?; // print(data)

    // v = memoryview(b'abcefg')
    let v = MemoryView::new(b"abcefg");
    writeln!(out, "{}", v.get(&[1])?)?; // print(v[1])
    writeln!(out, "{}", v.get(&[-1])?)?; // print(v[-1])
    writeln!(out, "{}", Value::from(v.select("1:4")?.to_bytes(Order::C)))?; // print(bytes(v[1:4]))

    // data = bytearray(b'abcefg'); v = memoryview(data)
    let mut data = *b"abcefg";
    let mut v = MemoryViewMut::new(&mut data);
    writeln!(out, "{}", Value::Bool(v.readonly()))?; // print(v.readonly)
    v.set(&[0], b'z')?; // v[0] = ord(b'z')
    writeln!(out, "{}", bytearray(v.buffer()?))?; // print(data)
    v.assign("1:4", &MemoryView::new(b"123"))?; // v[1:4] = b'123'
    writeln!(out, "{}", bytearray(v.buffer()?))?; // print(data)
    v.assign("2:6", &MemoryView::new(b"spam"))?; // v[2:6] = b'spam'
    writeln!(out, "{}", bytearray(v.buffer()?))?; // print(data)
    Ok(out)
}

#[allow(dead_code)] // not called when a test includes this file
fn main() -> Result<(), Box<dyn Error>> {
    print!("{}", run()?);
    Ok(())
}
