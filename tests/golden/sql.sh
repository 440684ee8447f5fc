#!/bin/sh
# tests/golden/sql.sh SQL - runs SQL on the case's store behind kaohe's
# back (to tamper with it), on SQLite or PostgreSQL as $KAOHE_DB says.
set -eu
case $KAOHE_DB in
  postgres://*|postgresql://*) psql -X -q -v ON_ERROR_STOP=1 -d "$KAOHE_DB" -c "$1" ;;
  *) sqlite3 "$KAOHE_DB" "$1" ;;
esac
