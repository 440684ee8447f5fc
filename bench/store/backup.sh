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
. bench/lib.sh
UNITS=${UNITS:-3000}
RUNS=${RUNS:-3}
bench_build bench/store/backup kaohe gen_assess measure
f=$OUT/backup-assess-$UNITS.json
bench_gen "$f" "$UNITS"
bench_tmp
bench_pg
M=$MEASURE
setup() {   # setup STORE DATA
  bench_year "$K" "$1" "$f"
  KAOHE_DATA_DIR=$2 $K evidence add --db "$1" --year 2025 --unit u000001 \
    --item 1.3 --phase inspection tests/evidence/data/会议记录.pdf >/dev/null
}
lite=$T/k.db
setup "$lite" "$lite.data"
uri=$(sh tests/pg/newdb.sh)
setup "$uri" "$T/pg.data"
dbname=$(printf '%s' "$uri" | sed 's|^[^/]*//[^/]*/\([^?]*\).*|\1|')
echo "store: $(wc -c <"$lite") bytes (SQLite); PostgreSQL database" \
     "$(psql -X -A -t -d "$uri" -c "SELECT pg_database_size('$dbname')") bytes"
for i in $(seq "$RUNS"); do
  r=$($M --stdout /dev/null -- $K backup --db "$lite" --to "$T/lite-bk$i")
  echo "| SQLite | \`kaohe backup\` run $i | $r |"
  r=$(KAOHE_DATA_DIR=$T/pg.data $M --stdout /dev/null -- \
      $K backup --db "$uri" --to "$T/pg-bk$i")
  echo "| PostgreSQL | \`kaohe backup\` run $i | $r |"
  r=$($M --stdout "$T/dump$i" -- pg_dump -Fc -d "$uri")
  echo "| PostgreSQL | \`pg_dump -Fc\` (reference, no evidence) run $i | $r |"
  to=$(sh tests/pg/newdb.sh)
  r=$($M --stdout /dev/null -- $K restore --from "$T/pg-bk$i" --db "$to" \
      --data-dir "$T/r$i.data")
  echo "| PostgreSQL | \`kaohe restore\` into a new database (with its check) run $i | $r |"
done
echo "backup directory: $(du -sb "$T/pg-bk1" | cut -f1) bytes;" \
     "pg_dump -Fc: $(wc -c <"$T/dump1") bytes"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
