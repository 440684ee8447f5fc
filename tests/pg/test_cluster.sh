#!/bin/sh
# tests/pg/test_cluster.sh KAOHE - the stateless web instances (issue 10
# item 3) on real servers: the test cluster's PostgreSQL ($KH_TEST_PG,
# tests/pg/cluster.sh), two `kaohe serve` instances and nginx in front of
# both, configured from deploy/nginx/ (ports, certificate and paths
# rewritten; a throwaway self-signed certificate), all on loopback and
# started here with their pid and temp files under a temp dir.
#  - a login through nginx is served by each instance directly; a logout
#    through one instance ends the session on the other;
#  - a stream of entry writes through nginx (round robin: they alternate
#    between the instances); instance 2 is killed with SIGKILL in the
#    middle; every write answered 200 is in the audit log with its value
#    and version, `kaohe audit verify` passes, and instance 1 and nginx
#    keep serving;
#  - `kaohe user passwd` ends the user's sessions on every instance.
set -u
K=$1
T=$(mktemp -d)
P1= P2= NG=
cleanup() {
    for p in $P1 $P2; do kill "$p" 2>/dev/null && wait "$p" 2>/dev/null; done
    [ -n "$NG" ] && kill "$NG" 2>/dev/null && wait "$NG" 2>/dev/null
    rm -rf "$T"
}
trap cleanup EXIT
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
command -v nginx >/dev/null || { echo "FAIL: nginx missing (sh scripts/deps.sh)"; exit 1; }
[ -n "${KH_TEST_PG-}" ] || { echo "FAIL: needs the pg fixture (KH_TEST_PG)"; exit 1; }

export KAOHE_USER=setup KAOHE_DATA_DIR=$T/data
KAOHE_DB=$(sh tests/pg/newdb.sh) || exit 1
export KAOHE_DB
{
    $K init && $K rubric import rubrics/ideology-2020.yaml &&
    $K year open 2025 --rubric ideology-2020 &&
    $K import assessment examples/college-2025.yaml &&
    $K year advance 2025 && $K year advance 2025 &&
    echo password123 | $K user add insp1 --role inspector &&
    $K user assign insp1 --year 2025 --unit jd
} >"$T/setup.log" 2>&1 || { cat "$T/setup.log"; echo "FAIL: setup"; exit 1; }

# serve N - instance N on a free loopback port: sets PID_N and PORT_N
serve() {
    : >"$T/serve$1.log"   # a restarted instance: not up by the old log
    $K serve --listen 127.0.0.1:0 --behind-tls-proxy --access-log >"$T/serve$1.log" \
        2>"$T/serve$1.err" &
    eval "P$1=$!"
    i=0
    while ! grep -q listening "$T/serve$1.log" 2>/dev/null; do
        i=$((i + 1))
        [ $i -gt 100 ] && { cat "$T/serve$1.err"; echo "FAIL: instance $1 did not start"; exit 1; }
        sleep 0.1
    done
    eval "PORT$1=\$(sed -n 's/.*127\.0\.0\.1:\([0-9]*\).*/\1/p' \"\$T/serve$1.log\")"
}
serve 1
serve 2
# nginx: deploy/nginx/kaohe.conf with loopback ports, the test's
# certificate and the snippet from deploy/nginx/ (tests/pg/nginx.inc).
. tests/pg/nginx.inc
nginx_start "$T/ng" "$PORT1" "$PORT2" || exit 1
N=https://127.0.0.1:$SP
[ "$(curl -m 20 -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$HP/")" = 301 ] ||
    fail "plain HTTP is not redirected to HTTPS"

# -- a login through nginx is served by both instances
C=__Host-kh_session
s=$(curl -m 20 -sk -o "$T/body" -w '%{http_code}' -c "$T/jar" -H 'Content-Type: application/json' \
    --data-binary '{"user":"insp1","password":"password123"}' "$N/api/v1/login")
[ "$s" = 200 ] || { echo "FAIL: login through nginx: $s $(cat "$T/body")"; exit 1; }
CSRF=$(sed -n 's/.*"csrf":"\([0-9a-f]*\)".*/\1/p' "$T/body")
SID=$(awk -v c=$C '$6 == c { print $7 }' "$T/jar")
[ -n "$SID" ] && [ -n "$CSRF" ] || { echo "FAIL: no session cookie or CSRF token"; exit 1; }
E=/api/v1/years/2025/entries/jd/1.3/inspection
direct() { # direct PORT METHOD PATH -> status
    curl -m 20 -s -o "$T/body" -w '%{http_code}' -X "$2" -H "Cookie: $C=$SID" \
        -H "X-CSRF-Token: $CSRF" "http://127.0.0.1:$1$3"
}
for p in $PORT1 $PORT2; do
    s=$(direct $p GET $E)
    [ "$s" = 200 ] || fail "session not served by the instance on $p: $s"
done
# a second login, ended through instance 1, is gone on instance 2
SID0=$SID
curl -m 20 -sk -o "$T/body2" -c "$T/jar2" -H 'Content-Type: application/json' \
    --data-binary '{"user":"insp1","password":"password123"}' "$N/api/v1/login"
SID=$(awk -v c=$C '$6 == c { print $7 }' "$T/jar2")
CSRF2=$CSRF CSRF=$(sed -n 's/.*"csrf":"\([0-9a-f]*\)".*/\1/p' "$T/body2")
[ "$(direct "$PORT2" GET $E)" = 200 ] || fail "second session not served"
s=$(direct "$PORT1" POST /api/v1/logout)
[ "$s" = 200 ] || [ "$s" = 204 ] || fail "logout through instance 1: $s"
s=$(direct "$PORT2" GET $E)
[ "$s" = 401 ] || fail "logged-out session still served by instance 2: $s"
SID=$SID0 CSRF=$CSRF2

# -- a stream of writes through nginx; instance 2 dies in the middle
version() { # the entry's version, read through nginx
    curl -m 20 -sk -H "Cookie: $C=$SID" "$N$E" | sed -n 's/.*"version":\([0-9]*\).*/\1/p'
}
writer() {
    v=$(version)
    i=1
    while [ $i -le 60 ]; do
        val=$((1000 + i))
        s=$(curl -m 20 -sk -o "$T/w.body" -w '%{http_code}' -X PUT -H "Cookie: $C=$SID" \
            -H "X-CSRF-Token: $CSRF" -H 'Content-Type: application/json' \
            --data-binary "{\"inputs\":{\"meetings\":$val},\"version\":$v}" "$N$E")
        if [ "$s" = 200 ]; then
            v=$(sed -n 's/.*"version":\([0-9]*\).*/\1/p' "$T/w.body")
            echo "$val $v" >>"$T/acked"
        else
            echo "$val $s" >>"$T/refused"
            v=$(version)
        fi
        i=$((i + 1))
    done
}
: >"$T/acked"
writer &
W=$!
i=0
while [ "$(wc -l <"$T/acked")" -lt 20 ] && [ $i -lt 600 ]; do
    i=$((i + 1))
    sleep 0.05
done
kill -9 "$P2"
wait "$P2" 2>/dev/null
P2=
wait $W
acked=$(wc -l <"$T/acked")
[ "$acked" -ge 40 ] || fail "only $acked of 60 writes acknowledged ($(cat "$T/refused" 2>/dev/null | tr '\n' ' '))"
# both instances took writes (nginx alternates between them)
for n in 1 2; do
    grep -q "PUT $E" "$T/serve$n.log" || fail "instance $n took no write"
done
LC_ALL=C $K audit log >"$T/audit" 2>&1 || fail "audit log: $(head -3 "$T/audit")"
missing=0
while read -r val ver; do
    grep -q "  new: {\"inputs\": {\"meetings\": $val[,}].*\"version\": $ver}" "$T/audit" ||
        { missing=$((missing + 1)); echo "acknowledged write lost: meetings=$val version $ver"; }
done <"$T/acked"
[ $missing = 0 ] || fail "$missing acknowledged writes not in the store"
$K audit verify >"$T/verify" 2>&1 || fail "audit verify: $(cat "$T/verify")"
$K check >"$T/check" 2>&1 || fail "check: $(cat "$T/check")"

# -- the survivor keeps serving, directly and through nginx
[ "$(direct "$PORT1" GET $E)" = 200 ] || fail "instance 1 stopped serving"
for k in 1 2 3 4; do
    s=$(curl -m 20 -sk -o /dev/null -w '%{http_code}' -H "Cookie: $C=$SID" "$N$E")
    [ "$s" = 200 ] || fail "nginx after the kill: request $k got $s"
done

# -- a password changed through the CLI ends the session on every instance
echo password456 | $K user passwd insp1 >"$T/passwd" 2>&1 || fail "user passwd: $(cat "$T/passwd")"
[ "$(direct "$PORT1" GET $E)" = 401 ] || fail "session survived kaohe user passwd"

[ $fails = 0 ] && echo "ok: cluster (acknowledged $acked writes, instance 2 killed)"
exit $((fails > 0))
