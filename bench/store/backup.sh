#!/bin/sh
# The cost of `kaohe backup`, `kaohe restore` and `kaohe store copy` of a
# large year on both engines, before and after the bulk load (COPY FROM
# STDIN on PostgreSQL), against `pg_dump -Fc` / `pg_restore` of the same
# database, in one run.  Builds this tree (Release, BUILD) and, as the
# reference "before", the row-at-a-time code of BASE_REF (default
# 3d461e1, the last commit before the bulk load; `git archive` into
# BASE_BUILD-src, built in BASE_BUILD; BASE_REF=none skips it); starts a
# throwaway PostgreSQL 15 cluster (tests/pg/cluster.sh, fsync on);
# imports the UNITS-unit year (bench/gen_assess, default 3000, seed
# 20250101) into a SQLite file and a PostgreSQL database, advances both to
# inspection with one evidence file; then, each under bench/measure:
#   - kaohe backup of each store (PostgreSQL -> the backup's SQLite file
#     is the copy "back"), and pg_dump -Fc of the database;
#   - kaohe restore of the PostgreSQL backup into a new database (now and
#     before) and into a new SQLite file; pg_restore --single-transaction
#     of the dump into a new database;
#   - kaohe store copy of the SQLite store into a new database (now and
#     before).
# Rows/s is the store's rows (every table) over the wall time.  RUNS
# (default 1) rounds of this tree's commands; the slow "before" commands
# run once.  Prints Markdown rows for docs/PERFORMANCE.md.
#
# Usage: bench/store/backup.sh
# Environment: UNITS, RUNS, SEED, BUILD (build-bench), BASE_REF,
# BASE_BUILD (build-bench-base), JOBS.
set -eu
cd "$(dirname "$0")/../.."
UNITS=${UNITS:-3000}
RUNS=${RUNS:-1}
SEED=${SEED:-20250101}
BUILD=${BUILD:-build-bench}
BASE_REF=${BASE_REF:-3d461e1}
BASE_BUILD=${BASE_BUILD:-build-bench-base}
JOBS=${JOBS:-2}
RUBRIC=rubrics/ideology-2020.yaml
cmake -S . -B "$BUILD" -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF \
    >/dev/null
cmake --build "$BUILD" -j "$JOBS" --target kaohe gen_assess measure \
    >/dev/null
B=
if [ "$BASE_REF" != none ]; then
  if [ ! -x "$BASE_BUILD/kaohe" ] ||
     [ "$(cat "$BASE_BUILD/ref" 2>/dev/null)" != "$BASE_REF" ]; then
    rm -rf "$BASE_BUILD-src" "$BASE_BUILD"
    mkdir -p "$BASE_BUILD-src"
    git archive "$BASE_REF" | tar -x -C "$BASE_BUILD-src"
    cmake -S "$BASE_BUILD-src" -B "$BASE_BUILD" -DCMAKE_BUILD_TYPE=Release \
        -DBUILD_TESTING=OFF >/dev/null
    cmake --build "$BASE_BUILD" -j "$JOBS" --target kaohe >/dev/null
    echo "$BASE_REF" >"$BASE_BUILD/ref"
  fi
  B=$BASE_BUILD/kaohe
fi
mkdir -p bench/out
f=bench/out/backup-assess-$UNITS.json
"$BUILD/bench/gen_assess" --rubric "$RUBRIC" --units "$UNITS" \
    --seed "$SEED" -o "$f" >/dev/null 2>&1
tmp=$(mktemp -d)
chmod 0755 "$tmp"   # the cluster's user reaches its directory inside
pg=$tmp/pg
trap 'sh tests/pg/cluster.sh stop "$pg" >/dev/null 2>&1; rm -rf "$tmp"' EXIT
KH_PG_FSYNC=on sh tests/pg/cluster.sh start "$pg" >/dev/null
KH_TEST_PG=$(cat "$pg/uri")
export KH_TEST_PG KAOHE_USER=bench
K=$BUILD/kaohe
M=$BUILD/bench/measure
setup() {   # setup STORE DATA
  $K init --db "$1" >/dev/null
  $K rubric import "$RUBRIC" --db "$1" >/dev/null
  $K year open 2025 --rubric ideology-2020 --db "$1" >/dev/null
  $K import assessment "$f" --db "$1" >/dev/null
  $K year advance 2025 --db "$1" >/dev/null
  $K year advance 2025 --db "$1" >/dev/null
  KAOHE_DATA_DIR=$2 $K evidence add --db "$1" --year 2025 --unit u000001 \
    --item 1.3 --phase inspection tests/evidence/data/会议记录.pdf >/dev/null
}
lite=$tmp/k.db
setup "$lite" "$lite.data"
uri=$(sh tests/pg/newdb.sh)
setup "$uri" "$tmp/pg.data"
dbname=$(printf '%s' "$uri" | sed 's|^[^/]*//[^/]*/\([^?]*\).*|\1|')
rows=$(sqlite3 "$lite" "SELECT name FROM sqlite_master WHERE type = 'table'
  AND name NOT LIKE 'sqlite%'" |
  sed 's/.*/SELECT count(*) FROM &;/' | sqlite3 "$lite" | awk '{ s += $1 } END { print s }')
echo "store: $(wc -c <"$lite") bytes (SQLite), $rows rows; PostgreSQL database" \
     "$(psql -X -A -t -d "$uri" -c "SELECT pg_database_size('$dbname')") bytes"
# row LABEL WHAT CMD...: one Markdown row with the figures and rows/s.
row() {
  label=$1 what=$2
  shift 2
  r=$("$M" --stdout /dev/null -- "$@") || { echo "FAILED: $what" >&2; exit 1; }
  w=$(printf '%s\n' "$r" | sed 's/^wall=\([0-9.]*\)s.*/\1/')
  echo "| $label | $what | $r | $(awk -v n="$rows" -v w="$w" 'BEGIN { printf "%.0f", n / w }') |"
}
echo "| store | command | figures | rows/s |"
echo "|---|---|---|---|"
for i in $(seq "$RUNS"); do
  row SQLite "\`kaohe backup\` run $i" $K backup --db "$lite" --to "$tmp/lite-bk$i"
  row PostgreSQL "\`kaohe backup\` (into SQLite: the copy back) run $i" \
    env KAOHE_DATA_DIR="$tmp/pg.data" $K backup --db "$uri" --to "$tmp/pg-bk$i"
  row PostgreSQL "\`pg_dump -Fc\` (reference, no evidence) run $i" \
    pg_dump -Fc -d "$uri" -f "$tmp/dump$i"
  row PostgreSQL "\`kaohe restore\` into a new database (with its check) run $i" \
    $K restore --from "$tmp/pg-bk$i" --db "$(sh tests/pg/newdb.sh)" \
    --data-dir "$tmp/r$i.data"
  row SQLite "\`kaohe restore\` of the same backup into a new file (with its check) run $i" \
    $K restore --from "$tmp/pg-bk$i" --db "$tmp/r$i.db"
  to=$(sh tests/pg/newdb.sh)
  row PostgreSQL "\`pg_restore --single-transaction\` of the dump (reference) run $i" \
    pg_restore --single-transaction -d "$to" "$tmp/dump$i"
  row "SQLite → PostgreSQL" "\`kaohe store copy\` run $i" \
    $K store copy --from "$lite" --to "$(sh tests/pg/newdb.sh)" --data-dir "$tmp/c$i.data"
done
if [ -n "$B" ]; then
  row PostgreSQL "before (row at a time, $BASE_REF): \`kaohe backup\`" \
    env KAOHE_DATA_DIR="$tmp/pg.data" $B backup --db "$uri" --to "$tmp/pg-bk-base"
  row PostgreSQL "before (row at a time, $BASE_REF): \`kaohe restore\` into a new database" \
    $B restore --from "$tmp/pg-bk1" --db "$(sh tests/pg/newdb.sh)" \
    --data-dir "$tmp/rb.data"
  row "SQLite → PostgreSQL" "before (row at a time, $BASE_REF): \`kaohe store copy\`" \
    $B store copy --from "$lite" --to "$(sh tests/pg/newdb.sh)" --data-dir "$tmp/cb.data"
fi
echo "backup directory: $(du -sb "$tmp/pg-bk1" | cut -f1) bytes;" \
     "pg_dump -Fc: $(wc -c <"$tmp/dump1") bytes"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
