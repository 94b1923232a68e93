#!/usr/bin/env bash
# Runs every fuzz target (or the ones named) for SECONDS each and prints the
# executions libFuzzer reports. Crashes land in fuzz/artifacts/<target>/;
# turn each into a fixture under tests/ with its snapshot.
#
#   scripts/fuzz.sh 600                 # every target, ten minutes each
#   scripts/fuzz.sh 60 parse_rules      # one target
#
# Needs cargo-fuzz (`cargo install cargo-fuzz`) and the nightly toolchain that
# libFuzzer's sanitizer flags require.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
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
  log="fuzz/$target.log"
  cargo +nightly fuzz run "$target" "$corpus" -- -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 >"$log" 2>&1 || {
    echo "$target: FAILED (see $log and fuzz/artifacts/$target/)"
    continue
  }
  runs=$(grep -Eo 'Done [0-9]+ runs' "$log" | tail -1 || true)
  echo "$target: ${runs:-no summary} in ${seconds}s, no crash"
done
