#!/bin/sh
# tests/web/backup.sh KAOHE - kaohe backup while `kaohe serve` takes
# entry PUTs: an inspector's loop of versioned PUTs (bounded: 300) runs
# against the server; the backup is made in the middle of it; the copy is
# restored (restore runs kaohe check; kaohe audit verify passes on it) and
# holds every PUT acknowledged (200) before the backup started.  On
# PostgreSQL too (tests/pg/store.inc): the copy is restored into a new,
# empty database.  Run from the repository root.
set -u
export LC_ALL=C   # the CLI's result lines in English
K=$1
T=$(mktemp -d)
PID= SP=
cleanup() {
    touch "$T/stop"
    [ -n "$SP" ] && wait "$SP" 2>/dev/null
    [ -n "$PID" ] && kill "$PID" 2>/dev/null && wait "$PID" 2>/dev/null
    rm -rf "$T"
}
trap cleanup EXIT
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

export KAOHE_USER=setup
DB=$T/t.db
. tests/pg/store.inc
D=tests/store/data
{
    $K init --db "$DB" &&
    $K rubric import $D/mini-rubric.yaml --db "$DB" &&
    $K year open 2025 --rubric mini-2025 --db "$DB" &&
    $K import assessment $D/mini-2025.yaml --db "$DB" &&
    $K year advance 2025 --db "$DB" &&
    $K year advance 2025 --db "$DB" &&
    echo password123 | $K user add insp1 --role inspector --db "$DB" &&
    $K user assign insp1 --year 2025 --unit jd --db "$DB"
} >"$T/setup.log" 2>&1 || { cat "$T/setup.log"; echo "FAIL: setup"; exit 1; }

. tests/web/serve.inc
start_server "$DB"

curl -s -o "$T/login" -c "$T/jar" -H 'Content-Type: application/json' \
    --data-binary '{"user":"insp1","password":"password123"}' \
    "$B/api/v1/login"
CSRF=$(sed -n 's/.*"csrf":"\([0-9a-f]*\)".*/\1/p' "$T/login")
[ -n "$CSRF" ] || { echo "FAIL: login"; exit 1; }
E=/api/v1/years/2025/entries/jd/1.3/inspection

# The storm: each 200 appends the version it acknowledged to $T/ack.
storm() {
    curl -s -o "$T/get" -b "$T/jar" "$B$E"
    v=$(sed -n 's/.*"version":\([0-9]*\).*/\1/p' "$T/get")
    i=0
    while [ $i -lt 300 ] && [ ! -e "$T/stop" ]; do
        i=$((i + 1))
        code=$(curl -s -o "$T/put" -w '%{http_code}' -b "$T/jar" -X PUT \
            -H 'Content-Type: application/json' -H "X-CSRF-Token: $CSRF" \
            --data-binary "{\"inputs\":{\"meetings\":$((i % 7))},\"version\":$v}" "$B$E")
        [ "$code" = 200 ] || { echo "PUT $i: $code $(cat "$T/put")" >"$T/storm.err"; return; }
        v=$(sed -n 's/.*"version":\([0-9]*\).*/\1/p' "$T/put")
        echo "$v" >>"$T/ack"
    done
}
storm &
SP=$!
n=0
while [ "$(cat "$T/ack" 2>/dev/null | wc -l)" -lt 20 ] && [ $n -lt 300 ] &&
    [ ! -s "$T/storm.err" ]; do
    sleep 0.1; n=$((n + 1))
done
before=$(tail -n 1 "$T/ack" 2>/dev/null)
$K backup --db "$DB" --to "$T/bk" >"$T/bk.out" 2>&1 || fail "backup: $(cat "$T/bk.out")"
touch "$T/stop"
wait "$SP"
[ -s "$T/storm.err" ] && fail "storm: $(cat "$T/storm.err")"
[ -n "$before" ] || fail "no PUT acknowledged before the backup"
if [ -n "${KH_TEST_PG-}" ]; then
    R=$(sh tests/pg/newdb.sh) || { echo "FAIL: no PostgreSQL database"; exit 1; }
    set -- --db "$R" --data-dir "$T/r.db.data"
else
    R=$T/r.db
    set -- --db "$R"
fi
$K restore --from "$T/bk" "$@" >"$T/r.out" 2>&1 || fail "restore: $(cat "$T/r.out")"
tail -n 1 "$T/r.out" | grep -q '^check passed$' || fail "check of the copy: $(cat "$T/r.out")"
$K audit verify --db "$R" >"$T/v.out" 2>&1 || fail "audit verify of the copy: $(cat "$T/v.out")"
got=$(sql_q "$R" "SELECT version FROM entry WHERE year = 2025 AND
  unit = 'jd' AND item = '1.3' AND phase = 'inspection'")
[ "${got:-0}" -ge "${before:-1}" ] 2>/dev/null ||
    fail "the copy has version $got, version $before was acknowledged before the backup"
echo "PUTs acknowledged: $before before the backup, $(wc -l <"$T/ack") in all; copy at version $got"
[ $fails -eq 0 ] && echo "ok: web backup" && exit 0
echo "$fails failure(s)"
exit 1
