#!/bin/sh
# tests/web/fail_busy.sh KAOHE - a busy store through the real server
# (issue 9 item 3).  Another process holds the writers' lock (SQLite:
# BEGIN IMMEDIATE kept open by python3's sqlite3; PostgreSQL: the
# writers' advisory lock held by psql, web.fail_busy.pg) past the store's
# busy timeout while six writes are sent (half a second apart): the entry
# form's 保存全部 (POST), the JSON entry PUT, an evidence upload, a unit's
# claim, a rectification report and a questionnaire answer.  Each answers 503 with
# Retry-After and the Chinese busy text (HTML) or the code "busy" (API);
# the forms that are shown again (the entry form, the claim, the
# questionnaire) keep what was typed; each writes one line to stderr with
# its request id, route, user and the store's message; nothing is
# written; --access-log writes one stdout line for each.  Once the lock
# is released the same six requests succeed and `kaohe check` passes.
# On PostgreSQL, a table lock held by psql in the middle of a write
# (LOCK TABLE entry, past lock_timeout) is busy too.  Loopback only,
# bounded (curl --max-time; the lock holders of serve.inc's hold_lock
# are killed at the latest on exit).  Run from the repository root.
set -u
K=$1
. tests/web/serve.inc
web_test_begin

export KAOHE_USER=setup
export KAOHE_NOW=1772323200   # 2026-03-01: sessions are never "seen" again
DB=$T/t.db; . tests/pg/store.inc
{
    new_store &&
    open_year 2025 examples/college-2025.yaml &&
    publish_year 2025 &&
    $K followup item add --year 2025 --unit yx --text 整改事项 \
        --deadline 2026-06-30 --db "$DB" &&
    open_year 2026 examples/units-2025.csv &&
    advance_year 2026 1 &&
    $K questionnaire import questionnaires/ideology-2020-students.yaml --db "$DB" &&
    $K questionnaire round open --year 2026 --questionnaire ideology-2020-students \
        --audience 学生 --unit jd --db "$DB" &&
    $K questionnaire codes --round 1 --unit jd --count 2 --db "$DB" >"$T/codes.csv" &&
    $K entry set --year 2026 --unit jd --item 1.3 --phase self \
        --input meetings=1 --input proofs=1 --db "$DB" &&
    add_users admin1:admin jd1:unit:jd yx1:unit:yx
} >"$T/setup.log" 2>&1 || setup_failed
CODE=$(sed -n '2s/,.*//p' "$T/codes.csv")
{ printf '%%PDF-1.4\n'; head -c 4000 /dev/urandom; printf '\n%%%%EOF\n'; } >"$T/minutes.pdf"

start_server "$DB" --threads 8 --access-log

login() {
    s=$(curl -s -o "$T/body" -w '%{http_code}' --max-time 30 -c "$T/$1.jar" \
        -H 'Content-Type: application/json' \
        --data-binary "{\"user\":\"$1\",\"password\":\"password123\"}" "$B/api/v1/login")
    [ "$s" = 200 ] || { echo "FAIL: login $1: $s"; exit 1; }
    sed -n 's/.*"csrf":"\([0-9a-f]*\)".*/\1/p' "$T/body"
}
A=$(login admin1)
J=$(login jd1)
Y=$(login yx1)
audit_n() { $K audit log --db "$DB" 2>/dev/null | wc -l; }

# The six writes, each to its own files ($T/NAME.body, .head, .code).
send() {
    name=$1 jar=$2
    shift 2
    curl -sS -o "$T/$name.body" -D "$T/$name.head" -w '%{http_code}' \
        --max-time 60 ${jar:+-b "$T/$jar.jar"} "$@" >"$T/$name.code" \
        2>"$T/$name.curl"
}
# why NAME got no answer (000): curl's own message, and the server's
# stderr if it is gone (an ASan report ends there)
noanswer() {
    [ "$(cat "$T/$1.code")" = 000 ] || return 0
    echo "curl: $(cat "$T/$1.curl")"
    server_gone
}
NOTE='忙时填写的说明 busy-note-7'
DESC='忙时申报的特色做法 busy-claim-7'
TEXT='忙时报送的整改情况 busy-report-7'
ANSWER='忙时填写的意见 busy-answer-7'
form() {
    send form jd1 --data-urlencode "csrf=$J" -d 'in_meetings.1.3=2' \
        -d 'in_proofs.1.3=3' --data-urlencode "note.1.3=$NOTE" -d 'version.1.3=1' \
        "$B/years/2026/units/jd/self"
}
put() {
    send put admin1 -X PUT -H "X-CSRF-Token: $A" -H 'Content-Type: application/json' \
        --data-binary '{"inputs":{"documents":true},"version":0}' \
        "$B/api/v1/years/2026/entries/jd/1.1/self"
}
upload() {
    send upload jd1 -F "csrf=$J" -F "file=@$T/minutes.pdf;filename=会议记录.pdf" \
        "$B/years/2026/units/jd/self/1.3/evidence"
}
claim() {
    send claim jd1 --data-urlencode "csrf=$J" -d kind=honour \
        --data-urlencode "description=$DESC" "$B/years/2026/units/jd/claims"
}
report() {
    send report yx1 -F "csrf=$Y" -F "text=$TEXT" \
        "$B/years/2025/units/yx/followup/1/report"
}
answer() {
    send answer '' -d 'q1=5&q2=4&q3=a&q4=5&q6=a&q6=b&q7=3000' \
        --data-urlencode "q8=$ANSWER" "$B/q/$CODE"
}
ALL="form put upload claim report answer"
# all [GAP]: the six together, each started GAP seconds (0) after the
# one before; waits for these six only (not the server).  On the busy
# store each write holds its server thread for the busy timeout (5 s),
# and libmicrohttpd lets one thread accept several waiting connections
# at once: a write read early that waited behind two others there was
# past the server's 15 s connection timeout when answered and was closed
# without its 503 (curl 000; docs/DESIGN.md, "Busy-store tests").  Half
# a second apart, each finds a thread not already blocked.
all() {
    pids=
    for w in $ALL; do
        $w &
        pids="$pids $!"
        sleep "${1:-0}"
    done
    for p in $pids; do wait "$p"; done
}

# -- hold the writers' lock
before=$(audit_n)
hold_lock
: >"$T/serve.err"   # only this phase's lines from here
acc0=$(wc -l <"$T/serve.log")
all 0.5

has() { grep -q -- "$2" "$T/$1.body" || fail "$1: no $2 in $(head -c 300 "$T/$1.body")"; }
for w in $ALL; do
    c=$(cat "$T/$w.code")
    [ "$c" = 503 ] || fail "$w on a busy store: $c, want 503 ($(head -c 300 "$T/$w.body")$(noanswer $w))"
    grep -qi '^Retry-After: [0-9]' "$T/$w.head" || fail "$w: 503 without Retry-After"
done
grep -q '"error":"busy"' "$T/put.body" || fail "put: JSON code is not busy: $(cat "$T/put.body")"
grep -q '"message_zh":"服务暂时不可用"' "$T/put.body" || fail "put: no Chinese message"
for w in form upload claim report answer; do has $w '系统繁忙'; done
# The forms shown again keep what was typed.
has form 'id="entry"'; has form "$NOTE"; has form 'value="2"'; has form 'value="3"'
has form '未保存'
has claim 'id="claim-add"'; has claim "$DESC"
has answer 'id="qform"'; has answer "$ANSWER"
# One line each on stderr: request id, route, user, the store's message.
line() {   # NAME 'METHOD PATTERN' USER
    n=$(grep -c "req=[0-9]* route=\"$2\" user=$3 status=[0-9]*: .*busy" "$T/serve.err")
    [ "$n" = 1 ] || fail "$1: $n log lines for $2 as $3, want 1: $(cat "$T/serve.err")"
}
line form 'POST /years/:year/units/:unit/:phase' jd1
line put 'PUT /api/v1/years/:year/entries/:unit/:arg/:phase' admin1
line upload 'POST /years/:year/units/:unit/:phase/:arg/evidence' jd1
line claim 'POST /years/:year/units/:unit/claims' jd1
line report 'POST /years/:year/units/:unit/followup/:arg/report' yx1
line answer 'POST /q/:arg' -
grep -q '^kaohe serve: 20[0-9-]*T[0-9:]*Z req=' "$T/serve.err" || fail "log lines without the time"
[ "$(grep -c 'status=' "$T/serve.err")" = 6 ] || fail "not six failure lines: $(cat "$T/serve.err")"
# --access-log: one stdout line per request, with its status.
tail -n +$((acc0 + 1)) "$T/serve.log" >"$T/access"
[ "$(grep -c '" 503$' "$T/access")" = 6 ] && [ "$(wc -l <"$T/access")" = 6 ] ||
    fail "not one access line per busy request: $(cat "$T/access")"
grep -q '^20[0-9-]*T[0-9:]*Z req=[0-9]* ip=127.0.0.1 user=yx1 "POST /years/2025/units/yx/followup/1/report" 503$' "$T/access" ||
    fail "access line of the report: $(cat "$T/access")"

# -- release: nothing was written; the same requests now pass
release_lock
[ "$(audit_n)" = "$before" ] || fail "a busy write reached the audit log"

# PostgreSQL: a table lock in the middle of the write (psql holds
# `LOCK TABLE entry IN ACCESS EXCLUSIVE MODE`; the store's lock_timeout
# ends the wait, SQLSTATE 55P03) is busy too.
case $DB in
postgres*)
    hold_psql 'BEGIN; LOCK TABLE entry IN ACCESS EXCLUSIVE MODE;'
    wait_until 'table lock holder' pg_holds "SELECT count(*) FROM pg_locks l
        JOIN pg_class c ON c.oid = l.relation WHERE c.relname = 'entry' AND
        l.mode = 'AccessExclusiveLock' AND l.granted AND
        l.database = $PG_THIS_DB"
    : >"$T/serve.err"
    put
    [ "$(cat "$T/put.code")" = 503 ] || fail "PUT under a table lock: $(cat "$T/put.code") $(cat "$T/put.body")"
    grep -qi '^Retry-After: [0-9]' "$T/put.head" || fail "table lock: 503 without Retry-After"
    grep -q '"error":"busy"' "$T/put.body" || fail "table lock: not busy: $(cat "$T/put.body")"
    line put 'PUT /api/v1/years/:year/entries/:unit/:arg/:phase' admin1
    release_lock
    [ "$(audit_n)" = "$before" ] || fail "a write under the table lock reached the audit log" ;;
esac
all
for w in form upload claim report answer; do
    c=$(cat "$T/$w.code")
    [ "$c" = 303 ] || fail "$w after the lock: $c, want 303 ($(head -c 300 "$T/$w.body")$(noanswer $w))"
done
c=$(cat "$T/put.code")
[ "$c" = 200 ] || fail "put after the lock: $c, want 200 ($(cat "$T/put.body")$(noanswer put))"
$K entry list --year 2026 --unit jd --item 1.3 --db "$DB" 2>&1 | grep -q "$NOTE" ||
    fail "the form's values were not saved after the lock"
$K check --db "$DB" >"$T/check.out" 2>&1 || fail "kaohe check: $(cat "$T/check.out")"

kill -0 "$PID" 2>/dev/null || fail "the server died:$(server_gone)"
[ $fails -eq 0 ] && echo "ok: web busy" && exit 0
echo "$fails failure(s)"
exit 1
