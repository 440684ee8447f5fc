#!/bin/sh
# The cost of `kaohe backup` and `kaohe restore` of a large year on
# PostgreSQL (every table read in one snapshot into the backup's SQLite
# file, then the evidence), against the same backup of a SQLite store and
# `pg_dump -Fc` of the same database, in one run: builds (Release),
# starts a throwaway PostgreSQL 15 cluster (tests/pg/cluster.sh, fsync
# on), imports the UNITS-unit year (bench/gen_assess, default 3000, seed
# 20250101) into a SQLite file and a PostgreSQL database, advances both
# to inspection, then runs each command RUNS times (default 3) under
# bench/measure.  Prints Markdown rows for docs/PERFORMANCE.md.
#
# Usage: bench/store/backup.sh
# Environment: UNITS, RUNS, SEED, BUILD (build-bench), JOBS.
set -eu
cd "$(dirname "$0")/../.."
UNITS=${UNITS:-3000}
RUNS=${RUNS:-3}
SEED=${SEED:-20250101}
BUILD=${BUILD:-build-bench}
JOBS=${JOBS:-2}
RUBRIC=rubrics/ideology-2020.yaml
cmake -S . -B "$BUILD" -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF \
    >/dev/null
cmake --build "$BUILD" -j "$JOBS" --target kaohe gen_assess measure \
    >/dev/null
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
echo "store: $(wc -c <"$lite") bytes (SQLite); PostgreSQL database" \
     "$(psql -X -A -t -d "$uri" -c "SELECT pg_database_size('$dbname')") bytes"
for i in $(seq "$RUNS"); do
  r=$($M --stdout /dev/null -- $K backup --db "$lite" --to "$tmp/lite-bk$i")
  echo "| SQLite | \`kaohe backup\` run $i | $r |"
  r=$(KAOHE_DATA_DIR=$tmp/pg.data $M --stdout /dev/null -- \
      $K backup --db "$uri" --to "$tmp/pg-bk$i")
  echo "| PostgreSQL | \`kaohe backup\` run $i | $r |"
  r=$($M --stdout "$tmp/dump$i" -- pg_dump -Fc -d "$uri")
  echo "| PostgreSQL | \`pg_dump -Fc\` (reference, no evidence) run $i | $r |"
  to=$(sh tests/pg/newdb.sh)
  r=$($M --stdout /dev/null -- $K restore --from "$tmp/pg-bk$i" --db "$to" \
      --data-dir "$tmp/r$i.data")
  echo "| PostgreSQL | \`kaohe restore\` into a new database (with its check) run $i | $r |"
done
echo "backup directory: $(du -sb "$tmp/pg-bk1" | cut -f1) bytes;" \
     "pg_dump -Fc: $(wc -c <"$tmp/dump1") bytes"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
