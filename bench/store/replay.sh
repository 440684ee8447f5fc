#!/bin/sh
# The cost of `kaohe check` (its audit replay) on a large year, this tree
# against a reference build, in one run: each builds (Release), imports
# the UNITS-unit year (bench/gen_assess, default 3000, seed 20250101) into
# a fresh SQLite store (its rosters come with the file) and advances it
# to inspection, then runs `kaohe check` RUNS times (default 3) under bench/measure.
# Prints Markdown rows for docs/PERFORMANCE.md.
#
# Usage: bench/store/replay.sh [REF_KAOHE]   (REF_KAOHE: the reference
# binary, e.g. main's Release build; none: this tree only)
# Environment: UNITS, RUNS, SEED, BUILD (build-bench), JOBS.
set -eu
cd "$(dirname "$0")/../.."
UNITS=${UNITS:-3000}
RUNS=${RUNS:-3}
SEED=${SEED:-20250101}
BUILD=${BUILD:-build-bench}
JOBS=${JOBS:-2}
REF=${1:-}
RUBRIC=rubrics/ideology-2020.yaml
cmake -S . -B "$BUILD" -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF \
    >/dev/null
cmake --build "$BUILD" -j "$JOBS" --target kaohe gen_assess measure \
    >/dev/null
mkdir -p bench/out
f=bench/out/replay-assess-$UNITS.json
"$BUILD/bench/gen_assess" --rubric "$RUBRIC" --units "$UNITS" \
    --seed "$SEED" -o "$f" >/dev/null 2>&1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export KAOHE_USER=bench
run() {   # run NAME KAOHE
  db=$tmp/$1.db
  K=$2
  $K init --db "$db" >/dev/null
  $K rubric import "$RUBRIC" --db "$db" >/dev/null
  $K year open 2025 --rubric ideology-2020 --db "$db" >/dev/null
  $K import assessment "$f" --db "$db" >/dev/null
  $K year advance 2025 --db "$db" >/dev/null
  $K year advance 2025 --db "$db" >/dev/null
  for i in $(seq "$RUNS"); do
    r=$("$BUILD/bench/measure" --stdout /dev/null -- $K check --db "$db")
    echo "| $1 | \`kaohe check\` run $i | $r |"
  done
}
[ -n "$REF" ] && run reference "$REF"
run "this tree" "$BUILD/kaohe"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
