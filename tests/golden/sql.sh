#!/bin/sh
# tests/golden/sql.sh SQL - runs SQL directly on the case's store, as a
# person tampering with it outside kaohe would: sqlite3 on a SQLite file,
# psql on a PostgreSQL URI (the golden.NAME.pg variants), so the cases
# that check what kaohe notices run on both engines.
set -eu
case $KAOHE_DB in
  postgres://*|postgresql://*)
    exec psql -X -q -v ON_ERROR_STOP=1 -d "$KAOHE_DB" -c "$1" >/dev/null ;;
  *)
    exec sqlite3 "$KAOHE_DB" "$1" ;;
esac
