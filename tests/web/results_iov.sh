#!/bin/sh
# tests/web/results_iov.sh KAOHE - a results JSON of more blocks than a
# response may have pieces (WEB_IOV_MAX, the kernel's IOV_MAX): 16,000
# offices, each its own branch, make more than 1,024 blocks (8,000 did
# not).  libmicrohttpd
# cut such a gzip response short (curl: "transfer closed with outstanding
# read data remaining"); the server now sends the blocks joined
# (web_body_joined).  The gzip body must arrive whole and inflate to the
# identity body, which must be the results of `kaohe results`.
# Run from the repository root.
set -u
K=$1
. tests/web/serve.inc
web_test_begin

export KAOHE_USER=setup
DB=$T/t.db; . tests/pg/store.inc
awk 'BEGIN { print "id,name,kind,branch,branch_name";
             for (i = 1; i <= 16000; i++) printf "o%d,处室%d,office,b%d,第%d支部\n", i, i, i, i }' \
    >"$T/units.csv"
{
    new_store &&
    open_year 2025 "$T/units.csv" &&
    add_users admin1:admin
} >"$T/setup.log" 2>&1 || setup_failed

start_server "$DB"
curl -s -o /dev/null -c "$T/jar" -H 'Content-Type: application/json' \
    --data-binary '{"user":"admin1","password":"password123"}' "$B/api/v1/login"
curl -s -o "$T/gz" -w '%{http_code}' -H 'Accept-Encoding: gzip' -b "$T/jar" \
    "$B/api/v1/years/2025/results" >"$T/code" 2>"$T/curl.err"
rc=$?
[ $rc = 0 ] && [ "$(cat "$T/code")" = 200 ] ||
    fail "gzip results: curl exit $rc, HTTP $(cat "$T/code") $(cat "$T/curl.err")"
gunzip -c <"$T/gz" >"$T/inflated" 2>"$T/gunzip.err" ||
    fail "gzip results do not inflate: $(cat "$T/gunzip.err")"
curl -s -o "$T/plain" -b "$T/jar" "$B/api/v1/years/2025/results" ||
    fail "identity results"
cmp -s "$T/inflated" "$T/plain" || fail "gzip and identity results differ"
$K results --year 2025 --format json --allow-missing --db "$DB" >"$T/cli" 2>"$T/cli.err" ||
    fail "kaohe results: $(cat "$T/cli.err")"
cmp -s "$T/plain" "$T/cli" || fail "served results differ from kaohe results"
# a second read is sent from the joined bytes kept with the version
curl -s -o "$T/gz2" -H 'Accept-Encoding: gzip' -b "$T/jar" \
    "$B/api/v1/years/2025/results" || fail "second gzip read"
cmp -s "$T/gz" "$T/gz2" || fail "second gzip read differs"
[ $fails = 0 ] && echo "results_iov: all checks passed"
exit $fails
