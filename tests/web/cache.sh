#!/bin/sh
# tests/web/cache.sh KAOHE - the results cache of `kaohe serve` under
# writes (web_cache.c): after every PUT of an entry through the server
# (answered 200) the very next GET of the results JSON, identity and
# gzip, equals `kaohe results --allow-missing` computed from the store by
# another process (no stale read, the incremental result equals a full
# rescore); the same after a change made by another process (the CLI:
# the server must notice and rebuild), after records added and removed
# through the inspection form, after a refused (stale) PUT and after an
# entry removed by emptying its input; the results page shows the new
# total; a unit's entry GET shows its new score; eight writers at once,
# each reading its write back after its 200; a stop in a write storm.
# Run from the repository root.
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
api_login "$B"

# The served results (identity and gzip) against a full computation.
check() { results_check "$B" "$1"; }        # check WHAT
put() { entry_put "$B" "$@" "cache test"; }  # put UNIT ITEM INPUTS-JSON VERSION
version() { entry_version "$B" "$@"; }       # version UNIT ITEM

check "before any write"
total_of() { # total_of UNIT (from the last served JSON)
    grep "\"id\": \"$1\", \"name\"" "$T/got.json" | head -1 |
        sed -n 's/.*"total": \([0-9.]*\).*/\1/p'
}
jd0=$(total_of jd)

# Writes that move units across the ranking lists and the bottom edge:
# counts, judgements, choices and checks of faculties and offices.
n=0
for w in 'jd 1.3 {"meetings":0,"proofs":0}' \
         'jd 2.2 {"rating":0}' \
         'zzb 1.2 {"report":"none"}' \
         'zzb 1.1 {"documents":false}' \
         'xx 1.3 {"meetings":9,"proofs":9}' \
         'gh 1.2 {"report":"none"}' \
         'jd 2.2 {"rating":4}' \
         'tsg 1.1 {"documents":false}' \
         'dzb 1.3 {"meetings":0,"proofs":0}' \
         'zzb 1.2 {"report":"on_time"}'; do
    set -- $w
    n=$((n + 1))
    v=$(version "$1" "$2")
    s=$(put "$1" "$2" "$3" "$v")
    [ "$s" = 200 ] || { fail "PUT $n ($1 $2): $s $(cat "$T/body")"; continue; }
    check "after PUT $n ($1 $2 $3)"
done
jd1=$(total_of jd)
[ "$jd0" != "$jd1" ] || fail "jd's total did not change ($jd0): the writes were not real"

# The results page shows the new total too.
curl -s -o "$T/page" -b "$T/jar" "$B/years/2025/results"
grep -q "$jd1" "$T/page" || fail "results page does not show jd's new total $jd1"

# An entry GET scores the stored inputs.
curl -s -o "$T/body" -b "$T/jar" "$B/api/v1/years/2025/entries/jd/1.3/inspection"
grep -q '"score":0[,}]' "$T/body" || fail "entry GET: jd 1.3 should score 0: $(cat "$T/body")"

# A stale version is refused and changes nothing.
s=$(put jd 1.3 '{"meetings":5}' 1)
[ "$s" = 409 ] || fail "stale PUT: expected 409, got $s"
check "after a refused PUT"

# Another process changes the store: the server notices and applies it.
$K entry set --year 2025 --unit jd --item 1.3 --phase inspection \
    --input meetings=4 --input proofs=1 --note cli --db "$DB" >"$T/cli.log" 2>&1 ||
    fail "kaohe entry set: $(cat "$T/cli.log")"
check "after a change by another process"
s=$(put jd 1.3 '{"meetings":1}' "$(version jd 1.3)")
[ "$s" = 200 ] || fail "PUT after the CLI change: $s"
check "a PUT after the other process's change"

# Removing an input (null) through the API.
s=$(put xx 1.3 '{"meetings":null}' "$(version xx 1.3)")
[ "$s" = 200 ] || fail "PUT removing an input: $s $(cat "$T/body")"
check "after removing an input"

# Records through the inspection form: added, then removed.
records_round "$B" cache

# An entry saved through the HTML form (POST, then the redirect).
v=$(version zzb 1.3)
s=$(curl -s -o "$T/body" -w '%{http_code}' -b "$T/jar" \
    -d "csrf=$A&version=$v&in_meetings=1&in_proofs=0&note=form" \
    "$B/years/2025/units/zzb/inspection/1.3")
[ "$s" = 303 ] || fail "form save: $s"
check "after a form save"

# Writers at once, each on its own unit: every 200 shows in the very
# next read, though the write's refresh runs on the publisher thread
# while its connection waits (web_http.c); then the whole equals a full
# rescore.  storm_writer UNIT ROUNDS: item 1.1 (documents: 3 points or
# 0) set false and true in turn, the results read after each 200.
storm_writer() {
    _i=0
    while [ $_i -lt "$2" ]; do
        _i=$((_i + 1))
        _d=true
        [ $((_i % 2)) = 1 ] && _d=false
        _s=$(curl -s -o /dev/null -w '%{http_code}' -b "$T/jar" -X PUT \
            -H "X-CSRF-Token: $A" -H 'Content-Type: application/json' \
            --data-binary "{\"inputs\":{\"documents\":$_d},\"note\":\"storm\",\"version\":$(version "$1" 1.1)}" \
            "$B/api/v1/years/2025/entries/$1/1.1/inspection")
        [ "$_s" = 200 ] || { echo "$1 round $_i: PUT answered $_s"; continue; }
        _got=$(curl -s -b "$T/jar" "$B/api/v1/years/2025/results" |
               grep "\"id\": \"$1\", \"name\"" | head -1 |
               sed -n 's/.*"1\.1": \([0-9.]*\).*/\1/p')
        case $_d:$_got in
        false:0 | true:3) ;;
        *) echo "$1 round $_i: documents=$_d, but the next read has 1.1 = '$_got'" ;;
        esac
    done
}
for u in jd xx jg jz yx sf ys mks; do
    storm_writer $u 6 >"$T/storm.$u" 2>&1 &
    PIDS="$PIDS $!"
done
for p in $PIDS; do wait "$p"; done
PIDS=
for u in jd xx jg jz yx sf ys mks; do
    [ -s "$T/storm.$u" ] && fail "writers at once: $(cat "$T/storm.$u")"
done
check "after writers at once"

# Writes through the server and the CLI's entry were applied, not
# rebuilt: the year was built from the store once (at the first read),
# and no write failed to apply.
builds=$(grep -c 'results built from the store' "$T/serve.err")
[ "$builds" = 1 ] || fail "expected 1 full build, got $builds: $(cat "$T/serve.err")"
grep -q 'not applied' "$T/serve.err" && fail "a write was not applied: $(cat "$T/serve.err")"

# Stopped in the middle of a write storm: the parked writes are
# answered or their connections closed, the server ends cleanly (no
# sanitizer report), and every write answered 200 is in the store.
for u in jd xx jg jz; do
    storm_writer $u 40 >/dev/null 2>&1 &
    PIDS="$PIDS $!"
done
sleep 1
kill -TERM "$PID"
wait "$PID"
rc=$?
PID=
[ "$rc" = 0 ] || fail "server stopped during writes: exit $rc"
grep -E 'Sanitizer|runtime error' "$T/serve.err" && fail "server stopped during writes: sanitizer report"
for p in $PIDS; do wait "$p"; done
PIDS=
$K check --db "$DB" >"$T/check.log" 2>&1 || fail "kaohe check after the stop: $(cat "$T/check.log")"

[ $fails = 0 ] && echo "ok: web cache"
[ $fails = 0 ]
