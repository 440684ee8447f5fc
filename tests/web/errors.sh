#!/bin/sh
# tests/web/errors.sh KAOHE - server-side failures are neither dropped
# nor hidden: a store error while listing renders the Chinese error page
# with 500 (not a 200 page with an empty table) and writes one line to
# stderr (time, request id, route, user, the store's message), also for
# an anonymous questionnaire code; a busy
# store (another writer holds the writer lock: BEGIN IMMEDIATE on SQLite,
# the advisory lock on PostgreSQL) answers 503 with Retry-After, by the
# cause the store's driver gave, and the CLI exits 4 on it; --access-log
# writes one line per request.  On both engines (web.errors.pg).  Run
# from the repository root.
set -u
K=$1
. tests/web/serve.inc
web_test_begin

export KAOHE_USER=setup
DB=$T/t.db; . tests/pg/store.inc
sql() { KAOHE_DB=$DB sh tests/golden/sql.sh "$1"; }
{
    new_store &&
    open_year 2025 examples/college-2025.yaml &&
    advance_year 2025 2 &&
    add_users admin1:admin
} >"$T/setup.log" 2>&1 || setup_failed
start_server "$DB" --access-log

s=$(curl -s -o "$T/body" -w '%{http_code}' -c "$T/a.jar" -H 'Content-Type: application/json' \
    --data-binary '{"user":"admin1","password":"password123"}' "$B/api/v1/login")
[ "$s" = 200 ] || { echo "FAIL: login $s"; exit 1; }
A=$(sed -n 's/.*"csrf":"\([0-9a-f]*\)".*/\1/p' "$T/body")

# -- access log: one line per request, with the status
curl -s -o /dev/null -b "$T/a.jar" "$B/admin/users"
grep -q 'req=[0-9]* ip=127.0.0.1 user=admin1 "GET /admin/users" 200' "$T/serve.log" ||
    fail "no access log line: $(tail -3 "$T/serve.log")"

# -- a store error while listing users: 500, the error page, one stderr line
[ -s "$T/serve.err" ] && fail "stderr not empty before any failure: $(cat "$T/serve.err")"
# On PostgreSQL a missing table is damage (503, writes refused from then
# on: web.damaged.pg); an error the server raises while reading is not.
case $DB in
postgres*)
    sql "CREATE FUNCTION kh_unavailable() RETURNS boolean LANGUAGE plpgsql
      AS \$\$BEGIN RAISE EXCEPTION 'app_user is unavailable'; END\$\$;
      ALTER TABLE app_user RENAME TO app_user_gone;
      CREATE VIEW app_user AS SELECT * FROM app_user_gone WHERE kh_unavailable()" ;;
*)  sql 'ALTER TABLE app_user RENAME TO app_user_gone' ;;
esac || fail "sql"
s=$(curl -s -o "$T/body" -w '%{http_code}' -b "$T/a.jar" "$B/admin/users")
[ "$s" = 500 ] || fail "listing users on a broken store: $s, want 500"
grep -q 'id="error"' "$T/body" || fail "no error page"
grep -q '服务器内部错误' "$T/body" || fail "error page not in Chinese"
grep -q 'id="users"' "$T/body" && fail "the empty users table is shown"
grep -q 'req=[0-9]* route="GET /admin/users" user=admin1 status=[0-9]*: .*app_user' "$T/serve.err" ||
    fail "no failure line on stderr: $(cat "$T/serve.err")"
case $DB in
postgres*) sql 'DROP VIEW app_user; ALTER TABLE app_user_gone RENAME TO app_user' ;;
*)  sql 'ALTER TABLE app_user_gone RENAME TO app_user' ;;
esac || fail "sql back"
# The same for an anonymous questionnaire code (the code's lookup fails):
# logged and answered by the failure page, not a bare 500.
: >"$T/serve.err"
case $DB in
postgres*)
    sql "ALTER TABLE q_code RENAME TO q_code_gone;
      CREATE VIEW q_code AS SELECT * FROM q_code_gone
        WHERE (SELECT kh_unavailable())" ;;  # evaluated once, rows or none
*)  sql 'ALTER TABLE q_code RENAME TO q_code_gone' ;;
esac || fail "sql"
s=$(curl -s -o "$T/body" -w '%{http_code}' "$B/q/abcd2345abcd2345")
[ "$s" = 500 ] || fail "a questionnaire code on a broken store: $s, want 500"
grep -Eq 'req=[0-9]* route="GET /q/:arg" .*(q_code|a code)' "$T/serve.err" ||
    fail "no failure line for the questionnaire code: $(cat "$T/serve.err")"
case $DB in
postgres*) sql 'DROP VIEW q_code; ALTER TABLE q_code_gone RENAME TO q_code' ;;
*)  sql 'ALTER TABLE q_code_gone RENAME TO q_code' ;;
esac || fail "sql back"

# -- a busy store (another writer holds the lock past the busy timeout)
hold_lock
# The entry's current version (1, from the import): on PostgreSQL a write
# takes the writers' lock only after its version check, so a stale
# version would be refused (409) before it ever waited for the lock.
s=$(curl -s -o "$T/body" -D "$T/head" -w '%{http_code}' -b "$T/a.jar" -X PUT \
    -H "X-CSRF-Token: $A" -H 'Content-Type: application/json' \
    --data-binary '{"inputs":{"meetings":"1","proofs":"1"},"version":1}' \
    "$B/api/v1/years/2025/entries/jd/1.3/inspection")
[ "$s" = 503 ] || fail "write on a busy store: $s, want 503 ($(cat "$T/body"))"
grep -qi '^Retry-After: [0-9]' "$T/head" || fail "503 without Retry-After"
grep -q '"busy"' "$T/body" || fail "busy JSON code: $(cat "$T/body")"
grep -q 'route="PUT .*busy' "$T/serve.err" || fail "busy PUT not logged: $(cat "$T/serve.err")"
# The same through the CLI: exit status 4 (try again), nothing written.
$K entry set --year 2025 --unit jd --item 1.3 --phase inspection \
    --input meetings=1 --input proofs=1 --db "$DB" >"$T/cli.out" 2>"$T/cli.err"
rc=$?
[ $rc = 4 ] || fail "CLI write on a busy store: exit $rc, want 4 ($(cat "$T/cli.err"))"
grep -q busy "$T/cli.err" || fail "CLI busy message: $(cat "$T/cli.err")"
release_lock
$K audit log --db "$DB" 2>/dev/null | grep -q 'jd/1.3/inspection' &&
    fail "a write refused as busy is in the audit log"

kill -0 "$PID" 2>/dev/null || fail "the server died:$(server_gone)"
[ $fails -eq 0 ] && echo "ok: web errors" && exit 0
echo "$fails failure(s)"
exit 1
