#!/usr/bin/env bash
# The province benchmark: plancheck against DuckDB on the kit's data, side by side.
#
#   benches/run.sh            # everything: A, B, agreement, 10M-row memory, one county
#   RUNS=7 benches/run.sh     # more runs per measurement (default 5)
#   SKIP_10M=1 benches/run.sh # without the ten-million-row memory check (it writes 300 MB)
#
# Data goes to target/bench/ (BENCH_DIR), never into the kit folder, which is read-only.
# The kit is ../shared/bench beside the repository (BENCH_KIT). DuckDB's peer needs
# `pip install duckdb==2.0.1`; the script installs it when it is missing.
#
# Runs of plancheck and DuckDB alternate, so that the load of a busy machine falls on
# both alike; each figure is the median of RUNS whole-process runs (cold start included)
# measured with /usr/bin/time (wall seconds, peak RSS).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
KIT=${BENCH_KIT:-$ROOT/../shared/bench}
WORK=${BENCH_DIR:-$ROOT/target/bench}
RUNS=${RUNS:-5}
BIN=$ROOT/target/release/plancheck
RULES=$ROOT/benches/province
DATA=$WORK/data
OUT=$WORK/out
LOG=$WORK/times.tsv

if [ ! -f "$KIT/gen.py" ]; then
    echo "no benchmark kit at $KIT (set BENCH_KIT)" >&2
    exit 2
fi
if [ ! -x /usr/bin/time ]; then
    echo "/usr/bin/time is needed (apt-get install time)" >&2
    exit 2
fi
python3 -c 'import duckdb' 2>/dev/null || pip install --quiet duckdb==2.0.1

(cd "$ROOT" && cargo build --release --quiet)
mkdir -p "$DATA" "$OUT"
if [ ! -f "$DATA/MANIFEST.txt" ]; then
    python3 "$KIT/gen.py" -o "$DATA" >/dev/null
fi

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')"
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"

A_RULES=(--rules "$RULES/plan.pcl" --rules "$RULES/indicators.pcl" --rules "$RULES/counties.pcl")
B_RULES=(--rules "$RULES/plan.pcl" --rules "$RULES/enterprises.pcl")

# measure NAME COMMAND...: one run, its wall time and peak RSS appended to $LOG.
measure() {
    local name=$1
    shift
    /usr/bin/time -f "%e %M" -o "$WORK/time.txt" "$@" >"$WORK/stdout.txt" 2>"$WORK/stderr.txt" || true
    printf '%s\t%s\n' "$name" "$(tail -1 "$WORK/time.txt")" >>"$LOG"
}

PLANCHECK_A=("$BIN" check "${A_RULES[@]}" --entity all --format jsonl "$DATA/counties.csv")
PLANCHECK_B=("$BIN" check "${B_RULES[@]}" --entity all --format jsonl "$DATA/counties.csv" "$DATA/enterprises.csv")
DUCKDB=(python3 "$KIT/peer_duckdb.py" --data "$DATA" --out "$OUT" --workload)

echo "plancheck A: ${PLANCHECK_A[*]}"
echo "plancheck B: ${PLANCHECK_B[*]}"
echo "DuckDB:      ${DUCKDB[*]} A|B"
: >"$LOG"
for _ in $(seq "$RUNS"); do
    measure plancheck.A "${PLANCHECK_A[@]}"
    cp "$WORK/stdout.txt" "$WORK/plancheck.A.lines"
    measure duckdb.A "${DUCKDB[@]}" A
    measure plancheck.B "${PLANCHECK_B[@]}"
    cp "$WORK/stdout.txt" "$WORK/plancheck.B.lines"
    measure duckdb.B "${DUCKDB[@]}" B
done

python3 - "$LOG" <<'EOF'
import statistics, sys
rows = {}
for line in open(sys.argv[1]):
    name, times = line.rstrip("\n").split("\t")
    wall, rss = times.split()
    rows.setdefault(name, []).append((float(wall), int(rss) / 1024))
med = {k: (statistics.median(w for w, _ in v), statistics.median(m for _, m in v)) for k, v in rows.items()}
print("%-12s %10s %10s   (median of %d runs)" % ("run", "wall s", "peak MiB", len(rows["plancheck.A"])))
for k in ("plancheck.A", "duckdb.A", "plancheck.B", "duckdb.B"):
    print("%-12s %10.3f %10.1f" % (k, *med[k]))
for w in "AB":
    p, d = med["plancheck." + w], med["duckdb." + w]
    ok = p[0] <= d[0] / 2 and p[1] <= d[1] / 2
    print("workload %s: time %.2f x DuckDB's, memory %.2f x DuckDB's (target <= 0.5 each): %s"
          % (w, p[0] / d[0], p[1] / d[1], "met" if ok else "NOT met"))
EOF

for w in A B; do
    python3 "$ROOT/benches/to_peer_lines.py" "$WORK/plancheck.$w.lines" "$OUT" "plancheck.$w"
done
# R1-R13 in one run (the whole folder), for the kit's `all` group.
"$BIN" check --rules "$RULES" --entity all --format jsonl "$DATA/counties.csv" "$DATA/enterprises.csv" \
    >"$WORK/plancheck.all.lines" 2>/dev/null || true
python3 "$ROOT/benches/to_peer_lines.py" "$WORK/plancheck.all.lines" "$OUT" plancheck
python3 "$KIT/peer_duckdb.py" --data "$DATA" --out "$OUT" 2>/dev/null
python3 "$KIT/check_agree.py" --out "$OUT" --data "$DATA" | grep -v '^    R'

# One county's submission, end to end.
county=()
for _ in $(seq 20); do
    start=$(date +%s%N)
    "$BIN" check --rules "$ROOT/rules/jianwei" "$ROOT"/examples/missed-2025/*.csv >/dev/null 2>&1 || true
    county+=($(( ($(date +%s%N) - start) / 1000 )))
done
printf '%s\n' "${county[@]}" | python3 -c '
import statistics, sys
us = [int(x) for x in sys.stdin]
m = statistics.median(us) / 1000
print("one county (examples/missed-2025, rules/jianwei): median %.1f ms of %d runs (target < 20 ms): %s"
      % (m, len(us), "met" if m < 20 else "NOT met"))'

if [ -z "${SKIP_10M:-}" ]; then
    BIG=$WORK/data-10m
    if [ ! -f "$BIG/MANIFEST.txt" ]; then
        python3 "$KIT/gen.py" -n 10000000 -o "$BIG" >/dev/null
    fi
    : >"$WORK/rows.tsv"
    for _ in 1 2 3; do
        for dir in "$DATA" "$BIG"; do
            /usr/bin/time -f "%e %M" -o "$WORK/time.txt" "$BIN" check "${B_RULES[@]}" --entity all \
                --format jsonl "$dir/counties.csv" "$dir/enterprises.csv" >/dev/null 2>&1 || true
            printf '%s\t%s\n' "$(basename "$dir")" "$(tail -1 "$WORK/time.txt")" >>"$WORK/rows.tsv"
        done
    done
    python3 - "$WORK/rows.tsv" <<'EOF'
import statistics, sys
rows = {}
for line in open(sys.argv[1]):
    name, times = line.rstrip("\n").split("\t")
    wall, rss = times.split()
    rows.setdefault(name, []).append((float(wall), int(rss) / 1024))
one = statistics.median(m for _, m in rows["data"])
ten = statistics.median(m for _, m in rows["data-10m"])
print("workload B, 1M rows: %.1f MiB in %.2f s; 10M rows: %.1f MiB in %.2f s; ratio %.2f (target <= 1.5): %s"
      % (one, statistics.median(w for w, _ in rows["data"]), ten,
         statistics.median(w for w, _ in rows["data-10m"]), ten / one, "met" if ten <= 1.5 * one else "NOT met"))
EOF
fi
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
