//! Replays the committed fuzz inputs without the fuzzer.
//!
//! `tests/fuzz_regressions/<target>/` holds inputs that once crashed (or otherwise exercised)
//! the fuzz target of that name; each is run through the same harness function the fuzzer
//! calls (`fuzz/src/lib.rs`, included below), so a fixed bug stays fixed under plain
//! `cargo test`. To add one: copy the minimized artifact from `fuzz/artifacts/<target>/` into
//! the directory (any file name), and commit it.

#[path = "../fuzz/src/lib.rs"]
mod harness;

use std::path::Path;

/// Runs every file in `tests/fuzz_regressions/<target>/` through `f`; returns how many ran.
fn replay(target: &str, f: fn(&[u8])) -> usize {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fuzz_regressions")
        .join(target);
    let mut files: Vec<_> = match std::fs::read_dir(&dir) {
        Ok(entries) => entries.filter_map(|e| e.ok()).map(|e| e.path()).collect(),
        Err(_) => return 0,
    };
    files.sort();
    let mut n = 0;
    for path in files.iter().filter(|p| p.is_file()) {
        if path.extension().is_some_and(|e| e == "md") {
            continue;
        }
        let data = std::fs::read(path).expect("readable regression input");
        if std::panic::catch_unwind(|| f(&data)).is_err() {
            panic!("fuzz regression {} failed", path.display());
        }
        n += 1;
    }
    n
}

#[test]
fn format_parse_regressions() {
    replay("format_parse", harness::format_parse);
}

#[test]
fn format_roundtrip_regressions() {
    replay("format_roundtrip", harness::format_roundtrip);
}

#[test]
fn view_ops_regressions() {
    replay("view_ops", harness::view_ops);
}

#[test]
fn view_mut_ops_regressions() {
    replay("view_mut_ops", harness::view_mut_ops);
}

#[test]
fn literal_regressions() {
    replay("literal", harness::literal);
}

#[test]
fn npy_header_regressions() {
    replay("npy_header", harness::npy_header);
}

/// The harness itself on a few hand-written inputs, so it is exercised (and kept compiling)
/// even while no regression input is committed.
#[test]
fn harness_smoke() {
    for data in [
        &b""[..],
        b"T{i:a:(2)h:b:}",
        b"<hd?",
        b"\x00\xff\x10\x20",
        &[4, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16],
    ] {
        harness::format_parse(data);
        harness::format_roundtrip(data);
        harness::view_ops(data);
        harness::view_mut_ops(data);
        harness::literal(data);
        harness::npy_header(data);
    }
    harness::literal(b"(1, -2.5, b'a\\x00', 'x', [True, 1j, None])");
    // A whole little-endian int16 .npy file, then the same header after the valid-prefix byte.
    let header = b"{'descr': '<i2', 'fortran_order': False, 'shape': (2,), }\n";
    let mut file = b"\x93NUMPY\x01\x00".to_vec();
    file.extend_from_slice(&(header.len() as u16).to_le_bytes());
    file.extend_from_slice(header);
    file.extend_from_slice(&[1, 0, 2, 0]);
    harness::npy_header(&file);
    harness::npy_header(&[&[1u8][..], &header[..], &[1, 0, 2, 0]].concat());
    // A 2x3 'B' view over 6 bytes, then a selection and a cast.
    let view = [
        0, 6, 7, 0, 0, 0, 2, 0x20, 0x30, 0, 0, 0, 0, 3, 0xf1, 0, 0, 1, 2, 3, 0, 0, 0, 0,
    ];
    harness::view_ops(&view);
    harness::view_mut_ops(&view);
}

/// Not the fuzzer, but a cheap stand-in where `cargo fuzz` is not installed: every target over
/// pseudo-random inputs (xorshift; the failing input is written to a file) for
/// `MEMVIEW_FUZZ_SECONDS` seconds each (default 5), from the seed `MEMVIEW_FUZZ_SEED` (default
/// a fixed one; another seed explores other inputs).
/// `MEMVIEW_FUZZ_SECONDS=60 cargo test --release --test fuzz_regressions -- --ignored`.
#[test]
#[ignore = "minutes of random inputs; run by hand"]
fn random_inputs() {
    let secs: u64 = std::env::var("MEMVIEW_FUZZ_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(5);
    let seed: u64 = std::env::var("MEMVIEW_FUZZ_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0x9e37_79b9_7f4a_7c15);
    type Target = (&'static str, fn(&[u8]));
    let targets: [Target; 4] = [
        ("view_ops", harness::view_ops),
        ("view_mut_ops", harness::view_mut_ops),
        ("format_roundtrip", harness::format_roundtrip),
        ("npy_header", harness::npy_header),
    ];
    for (name, f) in targets {
        let start = std::time::Instant::now();
        // Never zero, where xorshift would stay.
        let mut state = (seed ^ name.len() as u64).max(1);
        let mut runs = 0u64;
        while start.elapsed().as_secs() < secs {
            let mut next = || {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                state
            };
            let len = (next() % 512) as usize;
            let data: Vec<u8> = (0..len).map(|_| next() as u8).collect();
            if std::panic::catch_unwind(|| f(&data)).is_err() {
                let path = std::env::temp_dir().join(format!("memview-random-{name}.bin"));
                let _ = std::fs::write(&path, &data);
                panic!(
                    "{name}: input written to {} (copy it into tests/fuzz_regressions/{name}/)",
                    path.display()
                );
            }
            runs += 1;
        }
        eprintln!("{name}: {runs} random inputs from seed {seed}");
    }
}
