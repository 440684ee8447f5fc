#!/bin/sh
# scripts/demo.sh KAOHE [DB] - `make demo`: creates (when absent) a demo
# store with the 2020 rubric, the example college in year 2025 in the
# inspection state and one user per role, then serves it on
# http://127.0.0.1:8080 and prints the demo logins.  Demo passwords only:
# never use this store for real data.
set -eu
K=$1
DB=${2:-demo.db}
PW=kaohe-demo-2025
export KAOHE_USER=demo
if [ ! -f "$DB" ]; then
    echo "demo: creating $DB"
    $K init --db "$DB"
    $K rubric import rubrics/ideology-2020.yaml --db "$DB"
    $K year open 2025 --rubric ideology-2020 --db "$DB"
    $K import assessment examples/college-2025.yaml --db "$DB"
    $K year advance 2025 --db "$DB"    # -> self_check
    $K year advance 2025 --db "$DB"    # -> inspection
    echo "$PW" | $K user add admin --role admin --db "$DB"
    echo "$PW" | $K user add inspector --role inspector --db "$DB"
    echo "$PW" | $K user add auditor --role auditor --db "$DB"
    echo "$PW" | $K user add jd --role unit --unit jd --db "$DB"
    $K user assign inspector --year 2025 --unit jd xx jg --db "$DB" 2>/dev/null ||
        $K user assign inspector --year 2025 --unit jd --unit xx --unit jg --db "$DB"
fi
# The year's standings as the store computes them, before serving.
$K results --year 2025 --db "$DB" --format table
cat <<MSG

  kaohe demo: http://127.0.0.1:8080/
  logins (password $PW for each):
    admin      管理员
    inspector  考核组成员 (units jd, xx, jg)
    jd         被考核单位 机电工程系
    auditor    审计员
  Ctrl-C stops the server.

MSG
exec $K serve --db "$DB" --listen 127.0.0.1:8080
