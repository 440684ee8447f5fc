#!/bin/sh
# tests/pg/test_bad.sh KAOHE - bad PostgreSQL targets (needs the cluster of
# tests/pg/cluster.sh, $KH_TEST_PG): a malformed URI, an unreachable
# server, a wrong password, another application's database, an empty
# database (only `kaohe init` makes a store), a store of a newer schema.
# Each is one line on stderr naming the problem, without the password,
# exit status 3, and nothing written to the database.
set -u
K=$1
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
export KAOHE_USER=tester
sock=$(printf "$KH_TEST_PG" x | sed 's/.*host=//')
tables() { # tables URI -> how many tables the database has
    psql -X -At -d "$1" -c "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'"
}
# bad WHAT WANT-TEXT ARGS... - runs kaohe, checks status 3, one line
# naming the problem, no password.
bad() {
    what=$1 want=$2
    shift 2
    "$K" "$@" >"$T/out" 2>"$T/err"
    rc=$?
    [ "$rc" = 3 ] || fail "$what: exit status $rc, expected 3 ($(cat "$T/err"))"
    [ "$(wc -l <"$T/err")" = 1 ] || fail "$what: not one line: $(cat "$T/err")"
    grep -q -- "$want" "$T/err" || fail "$what: no '$want' in: $(cat "$T/err")"
    grep -q 'wrong-pw\|secret-pw' "$T/err" && fail "$what: the password is shown"
    [ -s "$T/out" ] && fail "$what: output on stdout: $(cat "$T/out")"
    :
}

bad "malformed URI" "invalid URI query parameter" \
    check --db "postgresql://postgres@/x?host=$sock&colour=blue"
bad "unreachable server" "Connection refused" \
    check --db "postgresql://postgres@127.0.0.1:1/kaohe?connect_timeout=5"
bad "wrong password" "password authentication failed" \
    check --db "postgresql://kaohe_pw:wrong-pw@/postgres?host=$sock"
bad "wrong password (query)" "password=\*\*\*&sslmode=disable: access refused" \
    check --db "postgresql://kaohe_pw@/postgres?host=$sock&password=wrong-pw&sslmode=disable"
bad "no such database" 'database "kh_no_such_db" does not exist' \
    check --db "postgresql://postgres@/kh_no_such_db?host=$sock"

# Another application's database: refused, and left as it was.
other=$(sh tests/pg/newdb.sh)
psql -X -q -d "$other" -c "CREATE TABLE invoice (id int); INSERT INTO invoice VALUES (1)"
bad "another application's database" "not a kaohe database (a database of another program)" \
    init --db "$other"
bad "another application's database (results)" "not a kaohe database" \
    results --year 2025 --db "$other"
[ "$(tables "$other")" = 1 ] || fail "another application's database was changed"

# An empty database: only init makes a store there.
empty=$(sh tests/pg/newdb.sh)
bad "empty database" "create a store with 'kaohe init'" check --db "$empty"
bad "empty database (serve)" "create a store with 'kaohe init'" \
    serve --db "$empty" --listen 127.0.0.1:0
[ "$(tables "$empty")" = 0 ] || fail "an empty database got tables"
"$K" init --db "$empty" >/dev/null 2>"$T/err" || fail "init: $(cat "$T/err")"
"$K" check --db "$empty" >/dev/null 2>"$T/err" || fail "check after init: $(cat "$T/err")"

# A store of a newer kaohe: refused, version left alone.
psql -X -q -d "$empty" -c "UPDATE kaohe_schema SET version = 999"
bad "newer schema" "schema version 999 is newer" check --db "$empty"
[ "$(psql -X -At -d "$empty" -c 'SELECT version FROM kaohe_schema')" = 999 ] ||
    fail "the newer store was changed"

[ "$fails" = 0 ] || { echo "$fails failure(s)"; exit 1; }
echo "pg bad targets: ok"
