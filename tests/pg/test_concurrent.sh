#!/bin/sh
# tests/pg/test_concurrent.sh KAOHE - several kaohe processes write to one
# PostgreSQL store at once (needs $KH_TEST_PG, tests/pg/cluster.sh):
#  - four writers, 12 entry updates each: every update is stored, and the
#    audit chain has one record per update, no fork, no gap;
#  - pairs of writers race on the same entry with the same --version:
#    exactly one of each pair wins, the other is refused (exit 1).
set -u
K=$1
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
export KAOHE_USER=setup KAOHE_DATA_DIR=$T/data
KAOHE_DB=$(sh tests/pg/newdb.sh) || exit 1
export KAOHE_DB
{
    $K init && $K rubric import rubrics/ideology-2020.yaml &&
    $K year open 2025 --rubric ideology-2020 &&
    $K import assessment examples/college-2025.yaml &&
    $K year advance 2025 && $K year advance 2025
} >"$T/setup.log" 2>&1 || { cat "$T/setup.log"; echo "FAIL: setup"; exit 1; }
audits() { $K audit log | grep -c '^#'; }
before=$(audits)

# writer UNIT - 12 updates of UNIT's 1.3 inspection entry
writer() {
    i=1
    while [ $i -le 12 ]; do
        KAOHE_USER=w-$1 $K entry set --year 2025 --unit "$1" --item 1.3 \
            --phase inspection --input meetings=$((i + 20)) >/dev/null 2>>"$T/err.$1" ||
            echo "$1 $i" >>"$T/failed"
        i=$((i + 1))
    done
}
for u in jd xx jg jz; do writer $u & done
wait
[ -s "$T/failed" ] && fail "refused writes: $(cat "$T/failed"; cat "$T"/err.*)"
after=$(audits)
[ "$after" = $((before + 48)) ] || fail "audit records: $before + 48 expected, got $after"
for u in jd xx jg jz; do
    $K export assessment --year 2025 | grep "unit: \"$u\", item: \"1.3\", phase: inspection" |
        grep -q '{"meetings": 32,' || fail "$u: last update missing"
done
$K audit verify >"$T/verify" 2>&1 || fail "audit verify: $(cat "$T/verify")"

# Version races: both writers hold version V; one may win.
v=$($K entry list --year 2025 --unit yx --item 1.3 |
    sed -n 's/^yx  1\.3  inspection  v\([0-9]*\) .*/\1/p')
[ -n "$v" ] || { echo "FAIL: no version of yx/1.3"; exit 1; }
round=1
while [ $round -le 5 ]; do
    for w in a b; do
        ( KAOHE_USER=race-$w $K entry set --year 2025 --unit yx --item 1.3 \
            --phase inspection --input meetings=$((round + 40)) --version "$v" \
            >/dev/null 2>"$T/race.$w"; echo $? >"$T/rc.$w" ) &
    done
    wait
    wins=$(cat "$T/rc.a" "$T/rc.b" | grep -c '^0$')
    ones=$(cat "$T/rc.a" "$T/rc.b" | grep -c '^1$')
    { [ "$wins" = 1 ] && [ "$ones" = 1 ]; } ||
        fail "race $round at version $v: exit statuses $(cat "$T/rc.a") $(cat "$T/rc.b") ($(cat "$T/race.a" "$T/race.b"))"
    v=$((v + 1))
    round=$((round + 1))
done
$K audit verify >"$T/verify" 2>&1 || fail "audit verify after races: $(cat "$T/verify")"
$K check >"$T/check" 2>&1 || fail "check: $(cat "$T/check")"

[ "$fails" = 0 ] || { echo "$fails failure(s)"; exit 1; }
echo "pg concurrent writers: ok"
