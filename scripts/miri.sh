#!/usr/bin/env bash
# Run the tests that exercise memview's unsafe code under Miri, on the host and on a
# big-endian target (s390x), where native / '<' / '>' handling must still hold.
#
#   scripts/miri.sh            full run: the unsafe-touching lib unit tests and the
#                              integration tests listed below, on both targets
#   scripts/miri.sh --ci       sampled run for CI (a few minutes): fewer tests, proptest
#                              cases cut to a handful (tests check cfg!(miri))
#   scripts/miri.sh --host     only the host target (also: --s390x for only the big-endian one)
#
# Needs a nightly toolchain; installs the miri and rust-src components when missing, and skips
# (exit 0, with a message) when nightly itself is not available. Exits non-zero on any Miri
# error or test failure. Extra flags for Miri go in MIRIFLAGS as usual.
set -euo pipefail
cd "$(dirname "$0")/.."

mode=full
targets=(host s390x-unknown-linux-gnu)
for arg in "$@"; do
  case "$arg" in
    --ci) mode=ci ;;
    --host) targets=(host) ;;
    --s390x) targets=(s390x-unknown-linux-gnu) ;;
    -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
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
# reads, ndarray zero-copy, the Py_buffer import), as name filters. The format/codec modules
# are `forbid(unsafe_code)` and are covered by the normal test run.
lib_filters_full=(view:: element:: ndarray:: ffi::)
lib_filters_ci=(view::raw view::api_tests view::tests::worked view::tests::testbuffer
                view::tests::walks view::tests::selection_matches element:: ndarray:: ffi::)
# Integration tests (each a separate binary).
tests_full=(hostile properties fuzz_regressions ndarray_interop view_examples)
tests_ci=(hostile properties fuzz_regressions)

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

status=0
for target in "${targets[@]}"; do
  target_args=()
  label="host ($(rustc +nightly -vV | sed -n 's/^host: //p'))"
  if [ "$target" != host ]; then
    target_args=(--target "$target")
    label="$target (big-endian)"
  fi
  echo "=== miri on $label, $mode mode"
  start=$SECONDS
  test_args=()
  for t in "${tests[@]}"; do
    if [ -f "tests/$t.rs" ]; then
      test_args+=(--test "$t")
    fi
  done
  # No default features: the CLI (clap, memmap2) has no unsafe of ours worth Miri's time.
  if ! run cargo +nightly miri test --no-default-features "${target_args[@]}" --lib -- \
      "${lib_filters[@]}"; then
    status=1
  fi
  if [ "${#test_args[@]}" -gt 0 ]; then
    if ! run cargo +nightly miri test --no-default-features "${target_args[@]}" \
        "${test_args[@]}"; then
      status=1
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
