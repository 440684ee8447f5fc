#!/bin/sh
# tests/web/damaged.sh KAOHE - the damaged-store path of `kaohe serve`
# (issue 9 item 2): once a connection meets a damaged page, writes are
# refused with 503 (code "damaged", Retry-After) and each refusal is
# logged on stderr.  The store is checked at start (so it is damaged
# only once the server runs): pages in the middle of the file are
# overwritten (dd conv=notrunc, after the setup's connections closed and
# checkpointed the WAL), then the year's results are read, which loads
# those pages.  Loopback only, bounded (curl --max-time).
# On PostgreSQL (web.damaged.pg, KH_TEST_PG set as for the scripts that
# source tests/pg/store.inc) the damage is the server's own: the
# connections killed, the database renamed, a table dropped
# (tests/web/damaged_pg.inc).
# Run from the repository root.
set -u
K=$1
T=$(mktemp -d)
PID=
cleanup() {
    [ -n "$PID" ] && kill "$PID" 2>/dev/null && wait "$PID" 2>/dev/null
    rm -rf "$T"
}
trap cleanup EXIT
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
if [ -n "${KH_TEST_PG-}" ]; then
    . tests/web/damaged_pg.inc
fi

export KAOHE_USER=setup
DB=$T/t.db
{
    $K init --db "$DB" &&
    $K rubric import rubrics/ideology-2020.yaml --db "$DB" &&
    $K year open 2025 --rubric ideology-2020 --db "$DB" &&
    $K import assessment examples/college-2025.yaml --db "$DB" &&
    $K year advance 2025 --db "$DB" &&
    $K year advance 2025 --db "$DB" &&
    echo password123 | $K user add admin1 --role admin --db "$DB"
} >"$T/setup.log" 2>&1 || { cat "$T/setup.log"; echo "FAIL: setup"; exit 1; }
[ -s "$DB-wal" ] && { echo "FAIL: setup left a WAL (not checkpointed)"; exit 1; }

. tests/web/serve.inc
start_server "$DB"

# req METHOD PATH [BODY [CSRF]] -> prints the status; body in $T/body,
# headers in $T/head
req() {
    m=$1 p=$2 body=${3-} tok=${4-}
    set -- -s -o "$T/body" -D "$T/head" -w '%{http_code}' --max-time 30 \
        -b "$T/jar" -c "$T/jar" -X "$m"
    [ -n "$body" ] && set -- "$@" -H 'Content-Type: application/json' --data-binary "$body"
    [ -n "$tok" ] && set -- "$@" -H "X-CSRF-Token: $tok"
    curl "$@" "$B$p"
}

# Before the damage: a login (a write) works.
c=$(req POST /api/v1/login '{"user":"admin1","password":"password123"}')
[ "$c" = 200 ] || { fail "login before the damage: $c"; exit 1; }
CSRF=$(sed -n 's/.*"csrf":"\([0-9a-f]*\)".*/\1/p' "$T/body")
c=$(req POST /api/v1/keepalive '' "$CSRF")
case "$c" in 2??) ;; *) fail "a write before the damage: $c" ;; esac

# Overwrite the middle half of the file, page-aligned, leaving page 1.
pages=$(( $(wc -c <"$DB") / 4096 ))
[ "$pages" -ge 16 ] || { fail "store too small to damage: $pages pages"; exit 1; }
dd if=/dev/urandom of="$DB" bs=4096 seek=$((pages / 4)) count=$((pages / 2)) \
   conv=notrunc 2>/dev/null || { fail "dd"; exit 1; }

# Reads that load the damaged pages: the year's results (bounded tries:
# each thread has its own connection; one meeting the damage is enough).
met=0 i=0
while [ $i -lt 6 ] && [ $met -eq 0 ]; do
    c=$(req GET /api/v1/years/2025/results)
    case "$c" in 500|503) met=1 ;; esac
    i=$((i + 1))
done
[ $met -eq 1 ] || fail "reading the damaged year never failed (last $c)"

# Every write now: 503 "damaged" with Retry-After, logged on stderr.
i=0
while [ $i -lt 3 ]; do
    c=$(req POST /api/v1/keepalive '' "$CSRF")
    [ "$c" = 503 ] || fail "write $i after the damage: $c, not 503"
    grep -q '"damaged"' "$T/body" || fail "write $i: body is not code damaged: $(head -c 200 "$T/body")"
    grep -qi '^Retry-After: ' "$T/head" || fail "write $i: 503 without Retry-After"
    i=$((i + 1))
done
# One line when the damage is met (whatever the read answered), one per
# refused write (its route is "-" when this thread's connection could not
# even be opened on the damaged file).
grep -q 'GET .*damaged' "$T/serve.err" ||
    fail "the damage met by a read is not logged: $(cat "$T/serve.err")"
n=$(grep -c 'POST .*status=8: .*damaged' "$T/serve.err")
[ "$n" -ge 3 ] || fail "refused writes logged $n times, not 3: $(cat "$T/serve.err")"
kill -0 "$PID" 2>/dev/null || fail "server died"

[ $fails -eq 0 ] && echo "damaged: all passed"
exit $((fails > 0))
