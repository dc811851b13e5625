#!/usr/bin/env bash
# Run the tests that exercise memview's unsafe code under Miri, on the host and on a
# big-endian target (s390x), where native / '<' / '>' handling must still hold.
#
#   scripts/miri.sh            full run: the unsafe-touching lib unit tests and the
#                              integration tests listed below, on both targets
#   scripts/miri.sh --ci       sampled run for CI (a few minutes): fewer tests, proptest
#                              cases cut to a handful (tests check cfg!(miri))
#   scripts/miri.sh --host     only the host target (also: --s390x for only the big-endian one)
#   --no-simd / --simd-only    on the host, leave out the SIMD pass / run only it (CI runs the
#                              SIMD pass and s390x in a second lane, beside the host passes)
#
# Needs a nightly toolchain; installs the miri and rust-src components when missing, and skips
# (exit 0, with a message) when nightly itself is not available. Exits non-zero on any Miri
# error or test failure. Extra flags for Miri go in MIRIFLAGS as usual.
set -euo pipefail
cd "$(dirname "$0")/.."

mode=full
targets=(host s390x-unknown-linux-gnu)
simd=yes
for arg in "$@"; do
  case "$arg" in
    --ci) mode=ci ;;
    --host) targets=(host) ;;
    --s390x) targets=(s390x-unknown-linux-gnu) ;;
    --no-simd) simd=no ;;
    --simd-only) simd=only; targets=(host) ;;
    -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
    *) echo "miri.sh: unknown argument $arg" >&2; exit 2 ;;
  esac
done

if ! command -v rustup >/dev/null 2>&1 || ! rustup run nightly rustc --version >/dev/null 2>&1; then
  echo "miri.sh: no nightly toolchain (rustup toolchain install nightly); skipping Miri"
  exit 0
fi
if ! cargo +nightly miri --version >/dev/null 2>&1; then
  echo "miri.sh: installing the miri and rust-src components for nightly"
  rustup component add --toolchain nightly miri rust-src
fi

# Miri's own target dir, so its builds never invalidate the normal ones.
export CARGO_TARGET_DIR="${MIRI_TARGET_DIR:-${CARGO_TARGET_DIR:-target}/miri-run}"
export CARGO_TERM_COLOR=never
# Default flags: isolation off (the fuzz-regression replay reads its input files); stacked
# borrows are checked (the default). Setting MIRIFLAGS replaces these defaults.
export MIRIFLAGS="${MIRIFLAGS:--Zmiri-disable-isolation}"

# Lib unit tests: the modules with or next to unsafe code (the raw view wall, typed element
# reads, ndarray zero-copy, the Py_buffer import, suboffset views), as name filters; in full mode also the codec
# (safe code, but byte order is its business, which s390x checks). The format modules
# are `forbid(unsafe_code)` and are covered by the normal test run.
lib_filters_full=(view:: element:: ndarray:: ffi:: codec:: pack:: value::)
# CI samples (ndarray::tests holds the owned-array span, `from_owned_array`'s unsafe):
# everything in those modules except the slow model sweeps (under Miri
# `view::api_tests::no_panics` takes ~190 s, `equality_model` ~25 s, `view::tests::walks` and
# `selection_matches` ~35 s together; they run in full mode).
lib_filters_ci=(ffi:: view::api_tests::oracle view::api_tests::writing
                view::api_tests::multi_dimensional view::api_tests::from_parts
                view::tests::worked view::tests::testbuffer view::flags view::copy
                view::select view::raw::cpu ndarray::tests)
# On the big-endian target CI runs what depends on byte order (format import, item access,
# casts, writes); the stride walks are byte-order-free and covered on the host.
lib_filters_ci_be=(ffi:: view::api_tests::oracle view::api_tests::writing
                   view::flags view::copy::tests::converting ndarray::tests)
# Integration tests (each a separate binary), as `binary` or `binary:name-filter`.
# (suboffsets: PIL views, which follow pointers: the one place raw addresses are read.)
tests_full=(hostile properties fuzz_regressions suboffsets ndarray_interop view_examples convert
            npy_write records)
# suboffsets' fixture sweep takes over 10 minutes under Miri, so CI runs only the lib's
# ffi::indirect_tests for the pointer-following code. The ndarray_interop samples are the
# spans of borrowed views with gaps (two interleaved ArrayViewMuts written at once) and the
# zero-copy refusals; convert exercises the raw zip walker and the converting gather; records: arrays of
# #[derive(Record)] structs viewed zero-copy (gaps, fields, writes), converting views, and
# the bool-validity pass (the NumPy fixture sweep takes minutes under Miri: full mode only).
tests_ci=(hostile properties ndarray_interop:interleaved ndarray_interop:from_array
          convert:broadcast_strided convert:to_bytes_as_matches convert:byte_order
          convert:to_bytes_as_in_runs
          records:arrays_of_records records:record_views
          records:zero_copy_checks)
# A second pass under tree borrows (host only, CI and full mode): the spans of borrowed views,
# whose gaps other views may be writing, are where the two aliasing models could disagree. Of
# the copies, the test that writes strided destinations between other views' items (the
# gathers, transposes and converting copies run under stacked borrows and in the SIMD pass;
# under tree borrows they took 210 of this pass's 228 s).
lib_filters_tree=(ndarray::tests view::copy::tests::strided_writes ffi::tests)
tests_tree=(ndarray_interop:interleaved ndarray_interop:from_array properties:borrowed
            properties:owned records:arrays_of_records)

# The SIMD pass (host, x86-64): the strided/transposed gathers (32-byte moves of 17- to
# 31-byte items), the masked-store scatters and fills (AVX-512), the CPU-feature helpers,
# byte-order-changing copies (two doubles per shuffle, rows swapped in place) and
# byte-swapped sums (32-byte lanes), converting runs (AVX-512 conversion loops, in place
# and straight into a fresh output).
lib_filters_simd=(view::copy::tests::strided view::copy::tests::converting view::raw::cpu
                  view::raw::masked)
tests_simd=(convert:byte_order convert:broadcast_strided convert:to_bytes_as_in_runs
            ndarray_interop:swapped_sums)

if [ "$mode" = ci ]; then
  lib_filters=("${lib_filters_ci[@]}")
  tests=("${tests_ci[@]}")
else
  lib_filters=("${lib_filters_full[@]}")
  tests=("${tests_full[@]}")
fi

run() {
  echo "+ $*"
  "$@"
}

# run_tests [cargo args] -- entry...: each entry `binary` or `binary:filter`, one cargo call per
# entry that has a filter and one for all plain binaries.
run_tests() {
  local cargo_args=() plain=() rc=0 entry
  while [ "$#" -gt 0 ] && [ "$1" != -- ]; do cargo_args+=("$1"); shift; done
  shift
  for entry in "$@"; do
    local bin="${entry%%:*}"
    [ -f "tests/$bin.rs" ] || continue
    if [ "$entry" = "$bin" ]; then
      plain+=(--test "$bin")
    else
      run cargo +nightly miri test -p memview "${cargo_args[@]}" --test "$bin" -- "${entry#*:}" || rc=1
    fi
  done
  if [ "${#plain[@]}" -gt 0 ]; then
    run cargo +nightly miri test -p memview "${cargo_args[@]}" "${plain[@]}" || rc=1
  fi
  return "$rc"
}

status=0
for target in "${targets[@]}"; do
  filters=("${lib_filters[@]}")
  if [ "$mode" = ci ] && [ "$target" != host ]; then
    filters=("${lib_filters_ci_be[@]}")
  fi
  target_args=()
  label="host ($(rustc +nightly -vV | sed -n 's/^host: //p'))"
  if [ "$target" != host ]; then
    target_args=(--target "$target")
    label="$target (big-endian)"
    # A dev-dependency (criterion -> alloca) compiles a C file in its build script. Miri never
    # links or runs native code, so without a cross compiler the host's C compiler may stand in
    # (its object file is archived and never used).
    cc_var="CC_$(echo "$target" | tr '-' '_')"
    ar_var="AR_$(echo "$target" | tr '-' '_')"
    if ! command -v s390x-linux-gnu-gcc >/dev/null 2>&1 && [ -z "${!cc_var:-}" ]; then
      export "$cc_var=${CC:-cc}" "$ar_var=${AR:-ar}"
    fi
  fi
  start=$SECONDS
  if [ "$simd" != only ]; then
    echo "=== miri on $label, $mode mode"
    # The library package only: the CLI (its own package) has no unsafe of ours worth Miri's
    # time.
    if ! run cargo +nightly miri test -p memview "${target_args[@]}" --lib -- \
        "${filters[@]}"; then
      status=1
    fi
    run_tests "${target_args[@]}" -- "${tests[@]}" || status=1
  fi
  if [ "$target" = host ] && [ "$simd" != only ]; then
    echo "=== tree borrows on $label"
    MIRIFLAGS="$MIRIFLAGS -Zmiri-tree-borrows" run cargo +nightly miri test -p memview --lib \
      -- "${lib_filters_tree[@]}" || status=1
    MIRIFLAGS="$MIRIFLAGS -Zmiri-tree-borrows" run_tests -- "${tests_tree[@]}" || status=1
  fi
  if [ "$target" = host ] && [ "$simd" != no ]; then
    # Under Miri, run-time CPU detection reports only compile-time features, so the SSSE3,
    # AVX, AVX2, MOVBE and AVX-512 kernels (byte-swapping gathers and sums, 32-byte moves,
    # masked stores) run only when compiled in: a pass with them enabled, in its own target
    # dir (other flags, other builds), over the tests that reach each of them. (Miri has
    # AVX-512's masked loads and stores but not its byte permutation, which the masked
    # kernel does on arrays under Miri.)
    if [ "$(uname -m)" = x86_64 ]; then
      features="+ssse3,+avx,+avx2,+movbe,+avx512f,+avx512bw,+avx512vl,+avx512vbmi,+avx512dq"
      echo "=== SIMD kernels on $label ($features compiled in)"
      CARGO_TARGET_DIR="$CARGO_TARGET_DIR-simd" \
        RUSTFLAGS="${RUSTFLAGS:-} -C target-feature=$features" \
        run cargo +nightly miri test -p memview --lib -- "${lib_filters_simd[@]}" || status=1
      CARGO_TARGET_DIR="$CARGO_TARGET_DIR-simd" \
        RUSTFLAGS="${RUSTFLAGS:-} -C target-feature=$features" \
        run_tests -- "${tests_simd[@]}" || status=1
    fi
  fi
  echo "=== $label: $((SECONDS - start)) s"
done

if [ "$status" -ne 0 ]; then
  echo "miri.sh: FAILED (see above)"
else
  echo "miri.sh: ok"
fi
exit "$status"
