//! The example program prints exactly what CPython prints for the same steps.

#[path = "../examples/memoryview_basics.rs"]
mod basics;

/// Output of the equivalent Python (CPython 3.11):
///
/// ```python
/// data = bytearray(b'QUANTRIMANG'); mv = memoryview(data)
/// print(mv[0]); print(bytes(mv[0:2])); print(list(mv[0:3]))
/// mv[1] = 85; print(data); mv[0] = 90; print(data)
/// v = memoryview(b'abcefg'); print(v[1]); print(v[-1]); print(bytes(v[1:4]))
/// data = bytearray(b'abcefg'); v = memoryview(data); print(v.readonly)
/// v[0] = ord(b'z'); print(data); v[1:4] = b'123'; print(data); v[2:6] = b'spam'; print(data)
/// ```
const CPYTHON: &str = "\
81
b'QU'
[81, 85, 65]
bytearray(b'QUANTRIMANG')
bytearray(b'ZUANTRIMANG')
98
103
b'bce'
False
bytearray(b'zbcefg')
bytearray(b'z123fg')
bytearray(b'z1spam')
";

#[test]
fn memoryview_basics_prints_what_cpython_prints() {
    assert_eq!(basics::run().unwrap(), CPYTHON);
}
