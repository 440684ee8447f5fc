#!/bin/sh
# tests/web/gzip.sh KAOHE - the cached results page and results JSON are
# served gzip-compressed when Accept-Encoding allows it: the gzip body
# decompresses to exactly the identity body (head and tail of the page
# included), q=0, a malformed q and no header give identity, and every
# such response says Vary: Accept-Encoding.  Run from the repository root.
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

start_server "$DB"

code=$(curl -s -o "$T/login" -w '%{http_code}' -c "$T/jar" -H 'Content-Type: application/json' \
    --data-binary '{"user":"admin1","password":"password123"}' "$B/api/v1/login")
[ "$code" = 200 ] || { echo "FAIL: login: $code"; exit 1; }

# get NAME PATH [ACCEPT-ENCODING] -> body in $T/NAME, headers in $T/NAME.h
# (curl does not decode: the bytes as sent)
get() {
    if [ $# -ge 3 ]; then
        curl -s -b "$T/jar" -D "$T/$1.h" -o "$T/$1" -H "Accept-Encoding: $3" "$B$2"
    else
        curl -s -b "$T/jar" -D "$T/$1.h" -o "$T/$1" "$B$2"
    fi
    grep -q '^HTTP/1.1 200' "$T/$1.h" || fail "$1: $(head -1 "$T/$1.h")"
}
hdr() { grep -i "^$2:" "$T/$1.h" | tr -d '\r' | sed 's/^[^:]*: *//'; }

for what in page:/years/2025/results json:/api/v1/years/2025/results; do
    n=${what%%:*} p=${what#*:}
    get "$n-id" "$p"
    get "$n-gz" "$p" gzip
    get "$n-q0" "$p" "gzip;q=0, identity"
    get "$n-q0x" "$p" "gzip; q=0.000"
    get "$n-bad" "$p" "gzip;q=2"
    get "$n-star" "$p" "*;q=0.5"
    get "$n-starno" "$p" "gzip;q=0, *"
    get "$n-many" "$p" "deflate, br;q=1.0, GZip ;Q=0.3"
    [ "$(hdr "$n-id" Content-Encoding)" = "" ] || fail "$n: identity has Content-Encoding"
    for v in id gz q0 q0x bad star starno many; do
        [ "$(hdr "$n-$v" Vary)" = "Accept-Encoding" ] || fail "$n-$v: no Vary: Accept-Encoding"
    done
    for v in gz star many; do
        [ "$(hdr "$n-$v" Content-Encoding)" = gzip ] || fail "$n-$v: not gzip"
        gzip -t "$T/$n-$v" 2>/dev/null || fail "$n-$v: not a valid gzip body"
        gzip -dc "$T/$n-$v" >"$T/$n-$v.d" 2>/dev/null
        cmp -s "$T/$n-$v.d" "$T/$n-id" || fail "$n-$v: decompressed body differs from identity"
        [ "$(hdr "$n-$v" Content-Length)" = "$(wc -c <"$T/$n-$v" | tr -d ' ')" ] ||
            fail "$n-$v: Content-Length is not the gzip length"
    done
    for v in q0 q0x bad starno; do
        [ "$(hdr "$n-$v" Content-Encoding)" = "" ] || fail "$n-$v: gzip although refused"
        cmp -s "$T/$n-$v" "$T/$n-id" || fail "$n-$v: not the identity body"
    done
    s=$(wc -c <"$T/$n-gz") b=$(wc -c <"$T/$n-id")
    [ "$s" -lt "$b" ] || fail "$n: gzip ($s) not smaller than identity ($b)"
done
# The page's frame is per session (user name, CSRF token) around the
# cached body: it must be inside the compressed page too.
grep -q 'id="who"' "$T/page-gz.d" 2>/dev/null || fail "page: gzip body lacks the session's header"
grep -q '</main>' "$T/page-gz.d" 2>/dev/null || fail "page: gzip body lacks the page end"
# Pages without a cached body stay identity and are unchanged.
get dash / gzip
[ "$(hdr dash Content-Encoding)" = "" ] || fail "dashboard: unexpected Content-Encoding"

# After a change the cache is rebuilt: the gzip body follows it.
CSRF=$(sed -n 's/.*"csrf":"\([0-9a-f]*\)".*/\1/p' "$T/login")
curl -s -o /dev/null -b "$T/jar" -X POST -H "X-CSRF-Token: $CSRF" "$B/api/v1/logout"
$K year advance 2025 --db "$DB" >/dev/null 2>&1 || fail "year advance"
code=$(curl -s -o "$T/login" -w '%{http_code}' -c "$T/jar" -H 'Content-Type: application/json' \
    --data-binary '{"user":"admin1","password":"password123"}' "$B/api/v1/login")
[ "$code" = 200 ] || fail "second login: $code"
get json2-id /api/v1/years/2025/results
get json2-gz /api/v1/years/2025/results "gzip, deflate"
gzip -dc "$T/json2-gz" 2>/dev/null | cmp -s - "$T/json2-id" || fail "after a change: gzip differs from identity"

if [ $fails -ne 0 ]; then
    echo "$fails failure(s)"
    exit 1
fi
echo "gzip: all passed"
