#!/bin/sh
# tests/pg/test_late_lock.sh KAOHE - an entry write takes the writers'
# advisory lock only for its audit append and commit (docs/STORE.md,
# "Concurrency on PostgreSQL"); needs $KH_TEST_PG (tests/pg/cluster.sh).
#  1. While another session holds the writers' lock, a writer of one
#     entry gets as far as its row (it waits on the advisory lock, its
#     UPDATE done) and a second writer of the same entry at the same
#     version waits on that row, not on the advisory lock; when the lock
#     is released the first wins and the second fails its version check.
#  2. A state change queued for the lock before a writer that already
#     passed its state check commits first; the writer re-checks under
#     the lock and is refused (exit 1, the state named), nothing written.
#  4. (run before 3) A deadlock between a writer waiting for the lock
#     with its row and the lock's holder wanting that row is retried
#     inside the store: the write succeeds (exit 0), the chain verifies.
#  3. A stream: two writers, each its own entry and a shared one
#     (without --version), 15 rounds each, while a third process advances
#     the year from self_check to inspection mid-stream.  Every write
#     that exited 0 is in the audit log, each entry's versions follow
#     1, 2, 3 ... with no gap or repeat, no self entry was written after
#     the advance, every refusal names the state, and the chain verifies.
set -u
K=$1
T=$(mktemp -d)
HOLDER=
trap '[ -n "$HOLDER" ] && kill "$HOLDER" 2>/dev/null; rm -rf "$T"' EXIT
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
[ -n "${KH_TEST_PG-}" ] || { echo "FAIL: needs the pg fixture (KH_TEST_PG)"; exit 1; }
export KAOHE_USER=setup KAOHE_DATA_DIR=$T/data
LOCK=1801547624

# fresh DB STATE-ADVANCES: the example college, advanced N times
fresh() {
    KAOHE_DB=$(sh tests/pg/newdb.sh) || exit 1
    export KAOHE_DB
    {
        $K init && $K rubric import rubrics/ideology-2020.yaml &&
        $K year open 2025 --rubric ideology-2020 &&
        $K import assessment examples/college-2025.yaml &&
        i=0 && while [ $i -lt "$1" ]; do $K year advance 2025 || exit 1; i=$((i + 1)); done
    } >"$T/setup.log" 2>&1 || { cat "$T/setup.log"; echo "FAIL: setup"; exit 1; }
}
q() { psql -X -At -d "$KAOHE_DB" -c "$1"; }
# waiting KIND: backends waiting on the writers' lock (advisory) or on a
# row's transaction (transactionid)
waiting() {
    case $1 in
    advisory) q "SELECT count(*) FROM pg_locks WHERE NOT granted AND locktype = 'advisory' AND objid = $LOCK" ;;
    *) q "SELECT count(*) FROM pg_locks WHERE NOT granted AND locktype = 'transactionid'" ;;
    esac
}
# until_waiting KIND N: polls (bounded: 60 s) until N backends wait
until_waiting() {
    _i=0
    while [ "$(waiting "$1")" -lt "$2" ]; do
        _i=$((_i + 1))
        [ $_i -gt 600 ] && { echo "FAIL: no $2 waiter(s) on $1 after 60 s"; release; exit 1; }
        sleep 0.1
    done
}
# hold: another session takes the writers' lock until $T/release exists
hold() {
    rm -f "$T/release"
    ( psql -X -q -d "$KAOHE_DB" -v ON_ERROR_STOP=1 >"$T/holder.log" 2>&1 <<SQL
BEGIN;
SELECT pg_advisory_xact_lock($LOCK);
\! touch $T/held; while [ ! -e $T/release ]; do sleep 0.1; done
COMMIT;
SQL
    ) &
    HOLDER=$!
    _i=0
    until [ -e "$T/held" ]; do
        _i=$((_i + 1)); [ $_i -gt 600 ] && { fail "holder did not start"; return 1; }
        sleep 0.1
    done
    rm -f "$T/held"
}
release() { touch "$T/release"; wait "$HOLDER"; HOLDER=; }
set_entry() { # set_entry OUT UNIT PHASE VALUE [--version V]
    _o=$1 _u=$2 _p=$3 _v=$4
    shift 4
    $K entry set --year 2025 --unit "$_u" --item 1.3 --phase "$_p" \
        --input meetings="$_v" "$@" >"$T/$_o.out" 2>"$T/$_o.err"
    echo $? >"$T/$_o.rc"
}
version_of() { # version_of UNIT PHASE
    $K entry list --year 2025 --unit "$1" --item 1.3 |
        sed -n "s/^$1  1\.3  $2  v\([0-9]*\) .*/\1/p"
}

# ---- 1. writers overlap up to their rows; one row, one winner
fresh 2
v=$(version_of jd inspection)
[ -n "$v" ] || { echo "FAIL: no version of jd/1.3"; exit 1; }
hold || exit 1
KAOHE_USER=one set_entry one jd inspection 41 --version "$v" &
W1=$!
until_waiting advisory 1
KAOHE_USER=two set_entry two jd inspection 42 --version "$v" &
W2=$!
until_waiting transactionid 1
[ "$(waiting advisory)" = 1 ] ||
    fail "the second writer of jd/1.3 waits on the writers' lock, not on the row"
# a writer of another entry also gets to its row while the lock is held
KAOHE_USER=three set_entry three xx inspection 43 &
W3=$!
until_waiting advisory 2
release
wait $W1 $W2 $W3
[ "$(cat "$T/one.rc")" = 0 ] || fail "first writer: $(cat "$T/one.err")"
[ "$(cat "$T/three.rc")" = 0 ] || fail "writer of xx: $(cat "$T/three.err")"
[ "$(cat "$T/two.rc")" = 1 ] && grep -q "changed meanwhile\|not $v" "$T/two.err" ||
    fail "second writer of jd/1.3: exit $(cat "$T/two.rc"), $(cat "$T/two.err")"
[ "$(version_of jd inspection)" = $((v + 1)) ] || fail "jd/1.3 not at version $((v + 1))"
$K export assessment --year 2025 | grep 'unit: "jd", item: "1.3", phase: inspection' |
    grep -q '{"meetings": 41,' || fail "jd/1.3 does not hold the winner's value"
$K audit verify >"$T/verify" 2>&1 || fail "audit verify (1): $(cat "$T/verify")"

# ---- 2. a state change that got the lock first is re-checked
fresh 1
before=$($K audit log | grep -c '^#')
hold || exit 1
$K year advance 2025 >"$T/adv.out" 2>&1 &
ADV=$!
until_waiting advisory 1
KAOHE_USER=late set_entry late jd self 77 &
W=$!
until_waiting advisory 2
release
wait $ADV $W
grep -q "state inspection" "$T/adv.out" || fail "advance: $(cat "$T/adv.out")"
[ "$(cat "$T/late.rc")" = 1 ] && grep -q "needs state self_check" "$T/late.err" ||
    fail "write after the state change: exit $(cat "$T/late.rc"), $(cat "$T/late.err")"
[ "$($K audit log | grep -c '^#')" = $((before + 1)) ] ||
    fail "audit records: only the advance expected"
$K export assessment --year 2025 | grep 'unit: "jd", item: "1.3", phase: self' |
    grep -q '"meetings": 77' && fail "the refused write is stored"
$K audit verify >"$T/verify" 2>&1 || fail "audit verify (2): $(cat "$T/verify")"

# ---- 4. a deadlock is retried inside the store, never shown: while
# the writer waits for the writers' lock holding its row, the lock's
# holder wants that row (a no-op UPDATE, as a merge import would); the
# writer's deadlock check (4 s, PGOPTIONS, under the 5 s lock_timeout;
# the holder's 60 s) breaks
# the cycle by failing the writer, which kaohe runs again
fresh 2
rm -f "$T/release"
( psql -X -q -d "$KAOHE_DB" -v ON_ERROR_STOP=1 >"$T/holder.log" 2>&1 <<SQL
SET deadlock_timeout = '60s';
BEGIN;
SELECT pg_advisory_xact_lock($LOCK);
\! touch $T/held; while [ ! -e $T/release ]; do sleep 0.1; done
UPDATE entry SET note = note WHERE year = 2025 AND unit = 'jd' AND item = '1.3' AND phase = 'inspection';
COMMIT;
SQL
    echo $? >"$T/holder.rc" ) &
HOLDER=$!
_i=0
until [ -e "$T/held" ]; do
    _i=$((_i + 1)); [ $_i -gt 600 ] && { echo "FAIL: holder did not start"; exit 1; }
    sleep 0.1
done
PGOPTIONS="-c deadlock_timeout=4s" KAOHE_USER=dl set_entry dl jd inspection 55 &
W=$!
until_waiting advisory 1
touch "$T/release"
wait $HOLDER $W
HOLDER=
[ "$(cat "$T/holder.rc")" = 0 ] || fail "lock holder: $(cat "$T/holder.log")"
[ "$(cat "$T/dl.rc")" = 0 ] || fail "writer in a deadlock: exit $(cat "$T/dl.rc"), $(cat "$T/dl.err")"
$K export assessment --year 2025 | grep 'unit: "jd", item: "1.3", phase: inspection' |
    grep -q '{"meetings": 55,' || fail "the retried write is not stored"
$K audit verify >"$T/verify" 2>&1 || fail "audit verify (4): $(cat "$T/verify")"

# ---- 3. a stream with a state change in the middle
fresh 1
ROUNDS=15
# writer NAME OWN-UNIT BASE - ROUNDS rounds: own entry, then the shared one
writer() {
    i=1
    while [ $i -le $ROUNDS ]; do
        for u in "$2" yx; do
            val=$(($3 + i))
            KAOHE_USER=w-$1 $K entry set --year 2025 --unit $u --item 1.3 \
                --phase self --input meetings=$val >/dev/null 2>"$T/e"
            rc=$?
            echo "$u $val $rc" >>"$T/writes.$1"
            [ $rc = 0 ] || sed "s/^/$u $val: /" "$T/e" >>"$T/refused.$1"
        done
        [ $i = 5 ] && touch "$T/go.$1"
        i=$((i + 1))
    done
}
writer a jd 100 &
A=$!
writer b xx 200 &
B=$!
_i=0
until [ -e "$T/go.a" ] && [ -e "$T/go.b" ]; do
    _i=$((_i + 1)); [ $_i -gt 1200 ] && break
    sleep 0.1
done
$K year advance 2025 >"$T/adv3.out" 2>&1 || fail "advance mid-stream: $(cat "$T/adv3.out")"
wait $A $B
# the log as "SEQ ACTION UNIT OLDVERSION NEWVERSION MEETINGS" per record
$K audit log --year 2025 | awk '
    /^#/ { if (seq) print seq, act, unit, ov, nv, m
           seq = substr($1, 2); act = $4; unit = ($6 == "unit") ? $7 : "-"
           ov = "-"; nv = "-"; m = "-"; next }
    $1 == "old:" && match($0, /"version": [0-9]+/) { ov = substr($0, RSTART + 11, RLENGTH - 11) }
    $1 == "new:" { if (match($0, /"version": [0-9]+/)) nv = substr($0, RSTART + 11, RLENGTH - 11)
                   if (match($0, /"meetings": [0-9]+/)) m = substr($0, RSTART + 12, RLENGTH - 12) }
    END { if (seq) print seq, act, unit, ov, nv, m }' >"$T/log"
adv=$(awk '$2 == "year.advance" { s = $1 } END { print s + 0 }' "$T/log")
[ "$adv" -gt 0 ] || fail "no year.advance record"
cat "$T"/writes.* >"$T/writes"
awk '$3 == 0' "$T/writes" | while read -r u val rc; do
    grep -q "^[0-9]* entry.set $u [0-9-]* [0-9]* $val\$" "$T/log" ||
        echo "$u meetings=$val exited 0 but is not in the audit log"
done >"$T/missing"
[ -s "$T/missing" ] && fail "$(cat "$T/missing")"
ok=$(awk '$3 == 0' "$T/writes" | wc -l)
sets=$(grep -c ' entry\.set ' "$T/log")
[ "$ok" = "$sets" ] || fail "$ok writes exited 0 but $sets entry.set records"
late=$(awk -v a="$adv" '$2 == "entry.set" && $1 > a' "$T/log")
[ -z "$late" ] || fail "self entries written after the advance: $late"
for u in jd xx yx; do
    awk -v u="$u" '$2 == "entry.set" && $3 == u {
        if (prev != "" && ($4 != prev || $5 != prev + 1)) print "version " $4 " -> " $5 " after " prev
        prev = $5 }' "$T/log" >"$T/seq.$u"
    [ -s "$T/seq.$u" ] && fail "$u/1.3 versions not sequential: $(cat "$T/seq.$u")"
done
[ "$(awk '$3 != 0' "$T/writes" | wc -l)" -gt 0 ] ||
    fail "no write came after the advance (the stream ended too early)"
if [ -n "$(cat "$T"/refused.* 2>/dev/null)" ]; then
    grep -v "needs state self_check" "$T"/refused.* >"$T/other" &&
        fail "refusals other than the state: $(cat "$T/other")"
fi
$K audit verify >"$T/verify" 2>&1 || fail "audit verify (3): $(cat "$T/verify")"
$K check >"$T/check" 2>&1 || fail "check: $(cat "$T/check")"

[ "$fails" = 0 ] || { echo "$fails failure(s)"; exit 1; }
echo "pg late writers' lock: ok ($ok writes stored, advance at record $adv)"
