#!/bin/sh
# The WAL's bound under a write storm (bench/store/wal_storm): a year of
# UNITS units (default 3000) in inspection, WRITES single-entry writes
# (default 20000) while READERS threads (default 4) rebuild the year's
# results in a loop on their own connections; once with SQLite's own
# passive checkpoints only (limit 0, what kaohe did before) and once with
# kaohe's WAL limit (16 MiB), in the same run.  Prints a Markdown table
# for docs/PERFORMANCE.md.
#
# Environment: UNITS, WRITES, READERS, SEED, BUILD (build-bench), JOBS.
set -eu
cd "$(dirname "$0")/../.."
. bench/lib.sh
UNITS=${UNITS:-3000}
WRITES=${WRITES:-20000}
READERS=${READERS:-4}
bench_build bench/store/wal kaohe gen_assess wal_storm
f=$OUT/wal-assess-$UNITS.json
bench_gen "$f" "$UNITS"
rows=""
for limit in 0 16777216; do
  db=$OUT/wal-$UNITS-$limit.db
  rm -rf "$db" "$db-wal" "$db-shm" "$db.data"
  bench_year "$K" "$db" "$f"
  size=$(stat -c %s "$db")
  echo "bench/store/wal: limit $limit" >&2
  line=$("$BUILD/bench/wal_storm" "$db" 2025 1.3 "$WRITES" "$READERS" "$limit")
  echo "bench/store/wal:   $line" >&2
  get() { printf '%s\n' "$line" | sed -n "s/.*$1=\([0-9.]*\).*/\1/p"; }
  mib() { awk -v b="$1" 'BEGIN { printf "%.1f", b / 1048576 }'; }
  rows="$rows| $([ "$limit" = 0 ] && echo "SQLite passive checkpoints only (before)" || echo "kaohe's limit, 16 MiB (after)") | $(mib "$size") MiB | $(mib "$(get wal_max)") MiB | $(mib "$(get wal_end)") MiB | $(get rate) | $(get reads) |
"
done
load=$(cut -d' ' -f1-3 /proc/loadavg)
cat <<MD
\`sh bench/store/wal.sh\` (UNITS=$UNITS WRITES=$WRITES READERS=$READERS),
Release build, load average $load when it ended.

| checkpoints | store | WAL max | WAL at the end | writes/s | full-year reads |
|---|---:|---:|---:|---:|---:|
$rows
MD
