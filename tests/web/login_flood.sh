#!/bin/sh
# tests/web/login_flood.sh KAOHE - a flood of anonymous logins cannot
# exhaust the server's memory (issue 9, hostile client).  Each login runs
# argon2id with 64 MiB; the server runs at most WEB_HASH_MAX at once
# (src/web/web.h), whatever its thread count.  Loopback only, bounded:
#   1. the server runs 8 worker threads (--threads, more than
#      WEB_HASH_MAX, so that without the bound 8 hashes would run at once);
#   2. FLOOD concurrent wrong logins from 20 source addresses (127.0.0.2
#      and up, each under the per-address connection and throttle
#      limits) for names that do not exist (the dummy hash still runs);
#   3. every answer is 401, 403, 429 or 503 (a 503 carries Retry-After);
#   4. the server's peak resident memory (VmHWM) stays under
#      64 MiB x WEB_HASH_MAX + 64 MiB;
#   5. a correct login afterwards works (200).
# It prints the figures it measured.  On PostgreSQL too (tests/pg/store.inc:
# the throttle's counts live in the store).  Run from the repository root.
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
FLOOD=24   # 3 a worker thread: each waits at most WEB_HASH_WAIT_MS or hashes, so a
           # loaded test machine still answers every one inside WEB_CONN_TIMEOUT
HASH_MAX=$(sed -n 's/^#define WEB_HASH_MAX \([0-9]*\).*/\1/p' src/web/web.h)
[ -n "$HASH_MAX" ] || { echo "FAIL: WEB_HASH_MAX not found in src/web/web.h"; exit 1; }
HWM_BOUND_KB=$(( (64 * HASH_MAX + 64) * 1024 ))

export KAOHE_USER=setup
DB=$T/t.db
. tests/pg/store.inc
{
    $K init --db "$DB" &&
    echo password123 | $K user add admin1 --role admin --db "$DB"
} >"$T/setup.log" 2>&1 || { cat "$T/setup.log"; echo "FAIL: setup"; exit 1; }

# AddressSanitizer keeps freed blocks in quarantine (resident): without
# it the peak is what the server itself holds at once.
ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}quarantine_size_mb=0"
export ASAN_OPTIONS
. tests/web/serve.inc
start_server "$DB" --threads 8

hwm() { sed -n 's/^VmHWM:[[:space:]]*\([0-9]*\) kB/\1/p' "/proc/$PID/status"; }
before=$(hwm)
t0=$(date +%s%N)

pids=
i=0
while [ $i -lt $FLOOD ]; do
    src=127.0.0.$((2 + i % 20))
    curl -s -o /dev/null -D "$T/h.$i" -w '%{http_code}' --max-time 60 \
         --interface "$src" -X POST -H 'Content-Type: application/json' \
         --data-binary "{\"user\":\"ghost$i\",\"password\":\"wrong-password\"}" \
         "$B/api/v1/login" >"$T/code.$i" 2>/dev/null &
    pids="$pids $!"
    i=$((i + 1))
done
wait $pids   # each bounded by curl's --max-time
ms=$(( ($(date +%s%N) - t0) / 1000000 ))   # printed, not asserted

n401=0 n429=0 n503=0 nother=0
i=0
while [ $i -lt $FLOOD ]; do
    c=$(cat "$T/code.$i" 2>/dev/null)
    case "$c" in
    401|403) n401=$((n401 + 1)) ;;
    429) n429=$((n429 + 1)) ;;
    503) n503=$((n503 + 1))
         grep -qi '^Retry-After: ' "$T/h.$i" ||
             fail "login $i: 503 without Retry-After" ;;
    *) nother=$((nother + 1)); fail "login $i: answered '$c'" ;;
    esac
    i=$((i + 1))
done
after=$(hwm)
echo "login flood: $FLOOD logins, 8 threads, WEB_HASH_MAX $HASH_MAX:" \
     "401 $n401, 429 $n429, 503 $n503, other $nother;" \
     "VmHWM ${before} kB before, ${after} kB after (bound $HWM_BOUND_KB kB);" \
     "flood answered in $ms ms"
[ -n "$after" ] || fail "no VmHWM for the server"
[ -n "$after" ] && [ "$after" -ge "$HWM_BOUND_KB" ] &&
    fail "peak resident memory $after kB >= $HWM_BOUND_KB kB"
[ $((n401 + n503)) -gt 0 ] || fail "no login reached the password check"

# A real user gets in once the flood is over.
c=$(curl -s -o "$T/body" -w '%{http_code}' --max-time 30 -X POST \
    -H 'Content-Type: application/json' \
    --data-binary '{"user":"admin1","password":"password123"}' "$B/api/v1/login")
[ "$c" = 200 ] || fail "correct login after the flood: $c ($(head -c 200 "$T/body"))"

kill -0 "$PID" 2>/dev/null || fail "server died"
[ $fails -eq 0 ] && echo "login_flood: all passed"
exit $((fails > 0))
