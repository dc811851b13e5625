//! With the `python` feature, record the directory of the interpreter's `libpython` as the run
//! path of this package's test binaries and examples, so that `cargo test --features python`
//! loads the library of the interpreter pyo3 was configured for (the one with NumPy) without
//! `LD_LIBRARY_PATH`. Without the feature this does nothing.

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    #[cfg(feature = "python")]
    pyo3_build_config::add_libpython_rpath_link_args();
}
