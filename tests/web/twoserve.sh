#!/bin/sh
# tests/web/twoserve.sh KAOHE - two `kaohe serve` instances on one store
# (as behind nginx; on PostgreSQL as web.twoserve.pg): every kind of write
# through instance A (entries by the JSON API and the HTML form, records
# added and removed, a user's name) is seen by the very next read of the
# results through instance B, identity and gzip, equal to
# `kaohe results --allow-missing` computed by a third process.  B applies
# A's entry and record writes from the audit log (web_cache.c, catch_up):
# its stderr shows one build (its first read) and no rebuild for them.
# A roster import and a state change made elsewhere are not applied in
# place: B says it rebuilds the year, and still serves the right results.
# Run from the repository root.
set -u
K=$1
. tests/web/serve.inc
web_test_begin

export KAOHE_USER=setup
DB=$T/t.db; . tests/pg/store.inc
{
    new_store &&
    open_year 2025 examples/college-2025.yaml &&
    advance_year 2025 2 &&
    add_users admin1:admin
} >"$T/setup.log" 2>&1 || setup_failed

# Two instances, each with its own log directory ($T/a, $T/b).
TOP=$T
start_server_in a "$DB"; PA=$PID_IN; BA=$B
start_server_in b "$DB"; PB=$PID_IN; BB=$B

# One login through A; the session lives in the store, so B serves it.
api_login "$BA"

# B's results (identity and gzip) against a full computation.
check() { results_check "$BB" "$1"; }         # check WHAT
put() { entry_put "$BA" "$@" "two servers"; }  # put UNIT ITEM INPUTS-JSON VERSION (through A)
version() { entry_version "$BA" "$@"; }        # version UNIT ITEM (read through A)
builds() { grep -c 'results built from the store' "$TOP/b/serve.err"; }
rebuilds() { grep -c 'rebuil' "$TOP/b/serve.err"; }

check "before any write"   # B builds the year once, here
total_of() { # total_of UNIT (from the last JSON B served)
    grep "\"id\": \"$1\", \"name\"" "$T/got.json" | head -1 |
        sed -n 's/.*"total": \([0-9.]*\).*/\1/p'
}
jd0=$(total_of jd)

# Entries through A's JSON API: counts, judgements, choices, checks,
# across the ranking lists and the bottom edge; one removes an input.
n=0
for w in 'jd 1.3 {"meetings":0,"proofs":0}' \
         'jd 2.2 {"rating":0}' \
         'zzb 1.2 {"report":"none"}' \
         'zzb 1.1 {"documents":false}' \
         'xx 1.3 {"meetings":9,"proofs":9}' \
         'gh 1.2 {"report":"none"}' \
         'tsg 1.1 {"documents":false}' \
         'xx 1.3 {"meetings":null}'; do
    set -- $w
    n=$((n + 1))
    s=$(put "$1" "$2" "$3" "$(version "$1" "$2")")
    [ "$s" = 200 ] || { fail "PUT $n ($1 $2) through A: $s $(cat "$T/body")"; continue; }
    check "B after PUT $n through A ($1 $2 $3)"
done
[ "$jd0" != "$(total_of jd)" ] || fail "jd's total did not change on B ($jd0)"

# An entry through A's HTML form.
v=$(version zzb 1.3)
s=$(curl -s -o "$T/body" -w '%{http_code}' -b "$T/jar" \
    -d "csrf=$A&version=$v&in_meetings=1&in_proofs=0&note=form" \
    "$BA/years/2025/units/zzb/inspection/1.3")
[ "$s" = 303 ] || fail "form save through A: $s"
check "B after a form save through A"

# Records through A's inspection form: added, then one removed.
records_round "$BA" two " through A (read on B)"

# Several writes through A before B reads again: applied in one catch-up.
for w in 'jd 1.3 {"meetings":3,"proofs":1}' 'sf 2.2 {"rating":1}' \
         'jd 2.2 {"rating":2}' 'gh 1.1 {"documents":false}'; do
    set -- $w
    s=$(put "$1" "$2" "$3" "$(version "$1" "$2")")
    [ "$s" = 200 ] || fail "burst PUT ($1 $2) through A: $s $(cat "$T/body")"
done
check "B after four writes through A at once"

# A change that no cached year holds (a display name, by the CLI).
$K user name admin1 管理员 --db "$DB" >"$T/cli.log" 2>&1 ||
    fail "kaohe user name: $(cat "$T/cli.log")"
check "B after a display name changed elsewhere"

# Everything above was applied in place: one build, no rebuild.
[ "$(builds)" = 1 ] || fail "B built the year $(builds) times, expected 1: $(cat "$TOP/b/serve.err")"
[ "$(rebuilds)" = 0 ] || fail "B rebuilt for entry/record writes: $(cat "$TOP/b/serve.err")"
grep -q 'not applied' "$TOP/b/serve.err" && fail "B could not apply a write: $(cat "$TOP/b/serve.err")"

# A roster import elsewhere: B rebuilds that year, and is right.
printf '单位编号,姓名,积分\njd,张三,1\njd,李四,2\nxx,王五,9000\n' >"$T/xuexi.csv"
$K roster import "$T/xuexi.csv" --year 2025 --roster xuexi \
    --db "$DB" >"$T/cli.log" 2>&1 || fail "kaohe roster import: $(cat "$T/cli.log")"
check "B after a roster import elsewhere"
[ "$(rebuilds)" -ge 1 ] || fail "B did not say it rebuilds after a roster import: $(cat "$TOP/b/serve.err")"
[ "$(builds)" = 2 ] || fail "B built $(builds) times after the import, expected 2"

# A state change elsewhere (inspection -> review): rebuilt again.
$K year advance 2025 --db "$DB" >"$T/cli.log" 2>&1 ||
    fail "kaohe year advance: $(cat "$T/cli.log")"
check "B after a state change elsewhere"
[ "$(builds)" = 3 ] || fail "B built $(builds) times after the state change, expected 3"
curl -s -b "$T/jar" "$BB/years/2025/results" | grep -q "$(total_of jd)" ||
    fail "B's results page does not show jd's total"

# A applied its own writes in place: at most its first build.
ab=$(grep -c 'results built from the store' "$TOP/a/serve.err")
[ "$ab" -le 1 ] || fail "A rebuilt for its own writes: $(cat "$TOP/a/serve.err")"
kill -0 "$PA" 2>/dev/null || fail "instance A died"
kill -0 "$PB" 2>/dev/null || fail "instance B died"

[ $fails = 0 ] && echo "ok: two servers on one store"
[ $fails = 0 ]
