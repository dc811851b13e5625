#!/usr/bin/env bash
# Fuzzing memview (issue 7).
#
#   scripts/fuzz.sh --smoke            replay the committed inputs (tests/fuzz_regressions/) as
#                                      ordinary tests; needs only stable cargo
#   scripts/fuzz.sh [SECONDS] [TARGET...]
#                                      run each target (all by default) for SECONDS (default 600)
#                                      with cargo-fuzz on nightly, one at a time, one worker, at
#                                      low priority; prints libFuzzer's final stats line
#   scripts/fuzz.sh --list             the targets
#
# Corpora live in fuzz/corpus/<target>/ (not committed). A crash leaves its input in
# fuzz/artifacts/<target>/; minimize it (`cargo +nightly fuzz tmin <target> <file>`), copy it to
# tests/fuzz_regressions/<target>/ and commit it with the fix: the replay test keeps it fixed.
set -euo pipefail
cd "$(dirname "$0")/.."

TARGETS=(format_parse format_roundtrip view_ops view_mut_ops literal npy_header)

case "${1:-}" in
  --smoke)
    exec cargo test --test fuzz_regressions
    ;;
  --list)
    printf '%s\n' "${TARGETS[@]}"
    exit 0
    ;;
  -h|--help)
    sed -n '2,16p' "$0"
    exit 0
    ;;
esac

secs=600
if [[ "${1:-}" =~ ^[0-9]+$ ]]; then
  secs=$1
  shift
fi
if [ "$#" -gt 0 ]; then
  TARGETS=("$@")
fi

if ! rustup run nightly rustc --version >/dev/null 2>&1; then
  echo "fuzz.sh: no nightly toolchain (rustup toolchain install nightly); skipping" >&2
  exit 0
fi
if ! cargo fuzz --version >/dev/null 2>&1; then
  echo "fuzz.sh: installing cargo-fuzz" >&2
  cargo install cargo-fuzz
fi

mkdir -p fuzz/logs
status=0
for t in "${TARGETS[@]}"; do
  mkdir -p "fuzz/corpus/$t"
  # Seed the corpus with the committed inputs.
  if [ -d "tests/fuzz_regressions/$t" ]; then
    cp -n tests/fuzz_regressions/"$t"/* "fuzz/corpus/$t/" 2>/dev/null || true
  fi
  log="fuzz/logs/$t.log"
  echo "=== $t: ${secs}s (log: $log)"
  if nice -n 19 cargo +nightly fuzz run -O "$t" -- \
      -max_total_time="$secs" -jobs=1 -workers=1 -rss_limit_mb=2048 -timeout=10 \
      -print_final_stats=1 >"$log" 2>&1; then
    grep -E '^#[0-9]+ *DONE|^stat::number_of_executed_units' "$log" | tail -2
  else
    status=1
    echo "!!! $t failed; the end of $log:"
    tail -40 "$log"
  fi
done
exit $status
