//! Helpers shared by the benchmark binaries: sizes, test data and checksums.
//!
//! Every benchmark checks its answer against a checksum computed once outside the timed loop,
//! so a benchmark cannot silently measure the wrong thing; CI runs them in test mode
//! (`cargo bench -- --test`), where each routine runs once.

#![allow(dead_code)]

use std::time::Duration;

use criterion::measurement::WallTime;
use criterion::BenchmarkGroup;
use memview::Value;

/// The buffer sizes most benchmarks sweep: 4 KiB, 1 MiB, 64 MiB.
pub const SIZES: [(&str, usize); 3] = [("4KiB", 4 << 10), ("1MiB", 1 << 20), ("64MiB", 64 << 20)];

/// Short runs: the 64 MiB cases must stay affordable on a loaded 2-core machine.
pub fn quick(group: &mut BenchmarkGroup<'_, WallTime>) {
    group
        .sample_size(10)
        .warm_up_time(Duration::from_millis(300))
        .measurement_time(Duration::from_millis(1500));
}

/// `n` doubles whose sums are exact in any order (small integers), so every way of adding
/// them gives the same bits.
pub fn doubles(n: usize) -> Vec<f64> {
    (0..n).map(|i| (i % 1024) as f64 - 300.0).collect()
}

/// The native bytes of `data`.
pub fn bytes_of(data: &[f64]) -> Vec<u8> {
    bytemuck::cast_slice(data).to_vec()
}

/// An order-sensitive 64-bit checksum of a byte string (FNV-1a over 8-byte words).
pub fn checksum(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325 ^ bytes.len() as u64;
    let mut words = bytes.chunks_exact(8);
    for w in &mut words {
        let x = u64::from_le_bytes(w.try_into().unwrap_or([0; 8]));
        h = (h ^ x).wrapping_mul(0x0000_0100_0000_01b3);
    }
    for &b in words.remainder() {
        h = (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// The checksum of the native bytes of some doubles.
pub fn checksum_f64<'a>(values: impl IntoIterator<Item = &'a f64>) -> u64 {
    let v: Vec<f64> = values.into_iter().copied().collect();
    checksum(bytemuck::cast_slice(&v))
}

/// Records in `RECORDS`-record benchmarks of `iter_unpack` (`<iQ`).
pub const RECORDS: usize = 1_000_000;

/// One million `<iQ` records and the checksum of their fields.
pub fn records() -> (Vec<u8>, i128) {
    let mut buf = Vec::with_capacity(RECORDS * 12);
    let mut sum: i128 = 0;
    for i in 0..RECORDS {
        let a = (i as i32).wrapping_mul(7919).wrapping_sub(500_000);
        let q = (i as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15);
        buf.extend_from_slice(&a.to_le_bytes());
        buf.extend_from_slice(&q.to_le_bytes());
        sum = sum.wrapping_add(i128::from(a) ^ i128::from(q));
    }
    (buf, sum)
}

pub fn int(v: &Value) -> i128 {
    match v {
        Value::Int(i) => *i,
        other => panic!("expected an int, got {other}"),
    }
}
