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
T=$(mktemp -d)
PA= PB=
cleanup() {
    for p in $PA $PB; do kill "$p" 2>/dev/null && wait "$p" 2>/dev/null; done
    rm -rf "$T"
}
trap cleanup EXIT
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

export KAOHE_USER=setup
DB=$T/t.db; . tests/pg/store.inc
{
    $K init --db "$DB" &&
    $K rubric import rubrics/ideology-2020.yaml --db "$DB" &&
    $K year open 2025 --rubric ideology-2020 --db "$DB" &&
    $K import assessment examples/college-2025.yaml --db "$DB" &&
    $K year advance 2025 --db "$DB" &&
    $K year advance 2025 --db "$DB" &&
    echo password123 | $K user add admin1 --role admin --db "$DB"
} >"$T/setup.log" 2>&1 || { cat "$T/setup.log"; echo "FAIL: setup"; exit 1; }

# Two instances, each with its own log directory (serve.inc uses $T).
. tests/web/serve.inc
TOP=$T
mkdir "$TOP/a" "$TOP/b"
T=$TOP/a; start_server "$DB"; PA=$PID; BA=$B
T=$TOP/b; start_server "$DB"; PB=$PID; BB=$B
T=$TOP

# One login through A; the session lives in the store, so B serves it.
curl -s -o "$T/body" -c "$T/jar" -H 'Content-Type: application/json' \
    --data-binary '{"user":"admin1","password":"password123"}' "$BA/api/v1/login"
A=$(sed -n 's/.*"csrf":"\([0-9a-f]*\)".*/\1/p' "$T/body")
[ -n "$A" ] || { echo "FAIL: login"; exit 1; }

# B's results (identity and gzip) against a full computation.
check() { # check WHAT
    curl -s -o "$T/got.json" -b "$T/jar" "$BB/api/v1/years/2025/results"
    curl -s -o "$T/got.gz" -b "$T/jar" -H 'Accept-Encoding: gzip' \
        "$BB/api/v1/years/2025/results"
    $K results --year 2025 --format json --allow-missing --db "$DB" \
        >"$T/want.json" 2>"$T/want.err" || { fail "$1: kaohe results: $(cat "$T/want.err")"; return; }
    cmp -s "$T/got.json" "$T/want.json" ||
        fail "$1: B's results differ from a full rescore: $(diff "$T/want.json" "$T/got.json" | head -5 | tr '\n' ' ')"
    gzip -dc "$T/got.gz" 2>/dev/null | cmp -s - "$T/want.json" ||
        fail "$1: B's gzip results differ from a full rescore"
}
put() { # put UNIT ITEM INPUTS-JSON VERSION -> status (through A)
    curl -s -o "$T/body" -w '%{http_code}' -b "$T/jar" -X PUT \
        -H "X-CSRF-Token: $A" -H 'Content-Type: application/json' \
        --data-binary "{\"inputs\":$3,\"note\":\"two servers\",\"version\":$4}" \
        "$BA/api/v1/years/2025/entries/$1/$2/inspection"
}
version() { # version UNIT ITEM -> the entry's version (read through A)
    curl -s -b "$T/jar" "$BA/api/v1/years/2025/entries/$1/$2/inspection" |
        sed -n 's/.*"version":\([0-9]*\).*/\1/p'
}
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
U=/years/2025/units/gh
s=$(curl -s -o "$T/body" -w '%{http_code}' -b "$T/jar" \
    -d "csrf=$A&type=negative&points=7&reason=two" "$BA$U/records")
[ "$s" = 303 ] || fail "negative record through A: $s"
check "B after a negative record through A"
s=$(curl -s -o "$T/body" -w '%{http_code}' -b "$T/jar" \
    -d "csrf=$A&type=bonus&points=1.5&reason=two" "$BA$U/records")
[ "$s" = 303 ] || fail "bonus record through A: $s"
check "B after a bonus record through A"
ref=$(curl -s -b "$T/jar" "$BA$U/inspection" |
      sed -n 's/.*id="record-remove-negative-\([0-9]*\)".*/negative-\1/p' | head -1)
if [ -n "$ref" ]; then
    s=$(curl -s -o "$T/body" -w '%{http_code}' -b "$T/jar" \
        -d "csrf=$A&reason=undo" "$BA$U/records/$ref/remove")
    [ "$s" = 303 ] || fail "remove the negative record through A: $s"
    check "B after a record removed through A"
else
    fail "no negative record to remove on A's form"
fi

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
