#!/usr/bin/env bash
# Runs every fuzz target (or the ones named) for SECONDS each and prints the
# executions libFuzzer reports. Crashes land in fuzz/artifacts/<target>/;
# turn each into a fixture under tests/ with its snapshot.
#
#   scripts/fuzz.sh 600                 # every target, ten minutes each
#   scripts/fuzz.sh 60 parse_rules      # one target
#   SANITIZER=address scripts/fuzz.sh 600
#   RUNS=10000000 scripts/fuzz.sh 3600  # stop at ten million executions or an hour
#
# Targets are built with debug assertions and overflow checks on, so an
# arithmetic overflow is a crash, not a silent wrap. The sanitizer defaults to
# none: plancheck forbids unsafe code (Cargo.toml), so AddressSanitizer only
# watches the dependencies, and it costs about three quarters of the
# executions; run with SANITIZER=address now and then to cover those.
#
# Needs cargo-fuzz (`cargo install cargo-fuzz`) and the nightly toolchain that
# libFuzzer's sanitizer flags require.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
sanitizer=${SANITIZER:-none}
run_limit=()
if [ -n "${RUNS:-}" ]; then run_limit=(-runs="$RUNS"); fi
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  mapfile -t targets < <(cargo +nightly fuzz list)
fi
mkdir -p fuzz/corpus
for target in "${targets[@]}"; do
  corpus="fuzz/corpus/$target"
  mkdir -p "$corpus"
  # Seed the corpus with the project's own inputs so the fuzzer starts from real files.
  case "$target" in
    parse_rules|check_rules) cp rules/*/*.pcl tests/fixtures/rules/*.pcl "$corpus"/ 2>/dev/null || true ;;
    read_long_csv|read_record_csv) cp examples/*/*.csv tests/fixtures/data/*/* "$corpus"/ 2>/dev/null || true ;;
  esac
  if [ -d "fuzz/seeds/$target" ]; then cp "fuzz/seeds/$target"/* "$corpus"/; fi
  log="fuzz/$target.log"
  cargo +nightly fuzz run --sanitizer "$sanitizer" --debug-assertions "$target" "$corpus" -- -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 "${run_limit[@]}" >"$log" 2>&1 || {
    echo "$target: FAILED (see $log and fuzz/artifacts/$target/)"
    continue
  }
  runs=$(grep -Eo 'Done [0-9]+ runs' "$log" | tail -1 || true)
  echo "$target: ${runs:-no summary} (limit ${seconds}s${RUNS:+ or $RUNS runs}, sanitizer: $sanitizer), no crash"
done
