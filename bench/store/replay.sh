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
. bench/lib.sh
UNITS=${UNITS:-3000}
RUNS=${RUNS:-3}
REF=${1:-}
bench_build bench/store/replay kaohe gen_assess measure
f=$OUT/replay-assess-$UNITS.json
bench_gen "$f" "$UNITS"
bench_tmp
run() {   # run NAME KAOHE
  db=$T/$1.db
  K=$2
  bench_year "$K" "$db" "$f"
  for i in $(seq "$RUNS"); do
    r=$("$MEASURE" --stdout /dev/null -- $K check --db "$db")
    echo "| $1 | \`kaohe check\` run $i | $r |"
  done
}
[ -n "$REF" ] && run reference "$REF"
run "this tree" "$BUILD/kaohe"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
