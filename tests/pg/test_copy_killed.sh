#!/bin/sh
# tests/pg/test_copy_killed.sh KAOHE - the PostgreSQL server process of a
# `kaohe store copy` (and of a `kaohe restore`) terminated in the middle
# of the bulk load, after the earlier tables (rubric, year, units,
# entries...) were loaded in the same transaction: the command fails as
# "cannot be reached" (exit 3) naming the table it was loading, and the
# target keeps nothing of it (as `kaohe init` made it), so the same
# command then goes through (needs $KH_TEST_PG).  To stop the load at a
# known place without timing, a second session holds a lock on table
# audit (loaded after the entries); the test terminates the backend
# that waits for it (within the 5 s lock timeout), then lets go.
set -u
K=$1
T=$(mktemp -d)
trap 'kill $holder 2>/dev/null; rm -rf "$T"' EXIT
holder=
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
export KAOHE_USER=setup KAOHE_NOW=1767225600 LC_ALL=C
unset KAOHE_DATA_DIR
SRC=$T/src.db
{
    $K init --db "$SRC" && $K rubric import rubrics/ideology-2020.yaml --db "$SRC" &&
    $K year open 2025 --rubric ideology-2020 --db "$SRC" &&
    $K import assessment examples/college-2025.yaml --db "$SRC" &&
    $K year advance 2025 --db "$SRC" &&
    $K backup --db "$SRC" --to "$T/bk"
} >"$T/setup.log" 2>&1 || { cat "$T/setup.log"; echo "FAIL: setup"; exit 1; }

# as_made URI WHAT: nothing but init's rows.
as_made() {
    n=$(psql -X -A -t -d "$1" -c "SELECT (SELECT count(*) FROM rubric) +
      (SELECT count(*) FROM year) + (SELECT count(*) FROM unit) +
      (SELECT count(*) FROM entry) + (SELECT count(*) FROM audit)")
    [ "$n" = 0 ] || fail "$2: $n rows left in the target"
}
# killed URI WHAT CMD...: runs CMD while audit is locked, terminates the
# backend that waits for the lock, and checks the outcome.
killed() {
    dst=$1 what=$2
    shift 2
    $K init --db "$dst" >/dev/null 2>&1 || { fail "$what: init"; return; }
    psql -X -q -d "$dst" -c "BEGIN; LOCK TABLE audit IN SHARE MODE;
      SELECT pg_sleep(30); COMMIT" >/dev/null 2>&1 &
    holder=$!
    i=0
    until [ "$(psql -X -A -t -d "$dst" -c "SELECT count(*) FROM pg_locks
      WHERE relation = 'audit'::regclass AND mode = 'ShareLock' AND
      granted")" = 1 ] || [ $i -ge 100 ]; do
        sleep 0.1; i=$((i + 1))
    done
    "$@" >"$T/out" 2>"$T/err" &
    cmd=$!
    i=0 pid=
    while [ -z "$pid" ] && [ $i -lt 40 ]; do
        sleep 0.1
        pid=$(psql -X -A -t -d "$dst" -c "SELECT pid FROM pg_stat_activity
          WHERE datname = current_database() AND wait_event_type = 'Lock'
          AND pid <> pg_backend_pid()")
        i=$((i + 1))
    done
    [ -n "$pid" ] || fail "$what: no backend waiting for the lock"
    # The earlier tables are in, uncommitted: the entries' COPY is done.
    psql -X -q -d "$dst" -c "SELECT pg_terminate_backend($pid)" >/dev/null
    wait $cmd
    rc=$?
    psql -X -q -d "$dst" -c "SELECT pg_terminate_backend(pid) FROM
      pg_stat_activity WHERE datname = current_database() AND
      pid <> pg_backend_pid()" >/dev/null
    wait $holder 2>/dev/null
    holder=
    [ "$rc" = 3 ] || fail "$what: exit status $rc ($(cat "$T/err"))"
    grep -q "cannot be reached while copying table audit" "$T/err" ||
        fail "$what: $(cat "$T/err")"
    as_made "$dst" "$what"
}

DST=$(sh tests/pg/newdb.sh) || exit 1
killed "$DST" "store copy" $K store copy --from "$SRC" --to "$DST" --data-dir "$T/d1"
$K store copy --from "$SRC" --to "$DST" --data-dir "$T/d1" >"$T/out" 2>"$T/err" ||
    fail "store copy after the kill: $(cat "$T/err")"
$K audit verify --db "$DST" >"$T/out" 2>&1 || fail "audit verify: $(cat "$T/out")"

R=$(sh tests/pg/newdb.sh) || exit 1
killed "$R" "restore" $K restore --from "$T/bk" --db "$R" --data-dir "$T/d2"
$K restore --from "$T/bk" --db "$R" --data-dir "$T/d2" >"$T/out" 2>"$T/err" ||
    fail "restore after the kill: $(cat "$T/err")"
tail -n 1 "$T/out" | grep -q "^check passed$" || fail "check after restore: $(cat "$T/out")"

[ "$fails" = 0 ] || { echo "$fails failure(s)"; exit 1; }
echo "pg copy killed mid-load: ok"
