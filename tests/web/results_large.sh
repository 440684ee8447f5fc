#!/bin/sh
# tests/web/results_large.sh KAOHE - the results page of a year with more
# than 300 units stays a summary (web_pages.c RESULTS_FULL_MAX): rankings
# whose unit names link to the score sheets, branch means and only the
# large self-check gaps; no per-unit charts and no second list of every
# unit.  A year of 28 units (tests/web/results.sh) shows everything.
# Run from the repository root.
set -u
K=$1
. tests/web/serve.inc
web_test_begin

export KAOHE_USER=setup
DB=$T/t.db; . tests/pg/store.inc
# 301 offices, each its own branch; no entries: provisional results with
# missing items at 0 (every unit scores 0, so every one is in the bottom)
{
    echo "id,name,kind,branch,branch_name"
    i=1
    while [ $i -le 301 ]; do
        echo "o$i,处室$i,office,b$i,第${i}支部"
        i=$((i + 1))
    done
    echo "x1,\"名称<script>alert(1)</script>\",office,bx,支部x"
} >"$T/units.csv"
{
    new_store &&
    open_year 2025 "$T/units.csv" &&
    add_users admin1:admin
} >"$T/setup.log" 2>&1 || setup_failed

start_server "$DB"
curl -s -o /dev/null -c "$T/jar" -H 'Content-Type: application/json' \
    --data-binary '{"user":"admin1","password":"password123"}' "$B/api/v1/login"
code=$(curl -s -o "$T/body" -w '%{http_code}' -b "$T/jar" "$B/years/2025/results")
[ "$code" = 200 ] || fail "results page: HTTP $code"
grep -q 'id="results-compact"' "$T/body" || fail "no compact-mode note"
grep -q '本年度共 302 个单位' "$T/body" || fail "unit count not stated"
grep -q 'id="ranking-office"' "$T/body" || fail "no office ranking"
for id in chart-totals chart-categories-office sheets; do
    grep -q "id=\"$id\"" "$T/body" && fail "compact page still has #$id"
done
grep -q 'id="gaps"' "$T/body" || fail "no gap table"
# no self entries: no large gaps, so the compact gap table has no rows
grep -q 'id="gap-' "$T/body" && fail "compact gap table lists small gaps"
# ranking names link to the score sheets
grep -q '<a href="/years/2025/results/o7">处室7</a>' "$T/body" ||
    fail "ranking row does not link to its sheet"
grep -q '<script>alert' "$T/body" && fail "unit name not escaped"
grep -q '名称&lt;script&gt;alert(1)&lt;/script&gt;' "$T/body" ||
    fail "escaped unit name missing"
size=$(wc -c <"$T/body")
[ "$size" -lt 400000 ] || fail "compact page is $size bytes"
[ $fails = 0 ] && echo "results_large: all checks passed"
exit $fails
