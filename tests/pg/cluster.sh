#!/bin/sh
# tests/pg/cluster.sh start|stop DIR - a throwaway PostgreSQL 15 cluster for
# the test suites: initdb + pg_ctl into DIR as an unprivileged user (root
# may not run a server), listening only on a unix socket in DIR (no TCP),
# no system service.  `start` prints the URI template of its databases
# (%s is the database name) to DIR/uri; tests make one database each
# (tests/pg/newdb.sh).  Role kaohe_pw has a password (secret-pw), for the
# wrong-password test; everything else is trusted on the socket.  Tests
# run with fsync off; KH_PG_FSYNC=on for benchmarks (bench/store/engines.sh).
set -eu
cmd=$1 dir=$2
bin=${PGBIN:-/usr/lib/postgresql/15/bin}
user=${KH_PG_USER:-postgres}
as() {
    if [ "$(id -u)" = 0 ]; then runuser -u "$user" -- "$@"; else "$@"; fi
}
case $cmd in
start)
    # A cluster left by an interrupted run is stopped and replaced.
    if [ -f "$dir/data/postmaster.pid" ]; then
        as "$bin/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || :
    fi
    rm -rf "$dir"
    mkdir -p "$dir"
    [ "$(id -u)" = 0 ] && chown "$user" "$dir"
    as "$bin/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 \
        --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 ||
        { cat "$dir/initdb.log"; exit 1; }
    cat >"$dir/data/pg_hba.conf" <<HBA
local all kaohe_pw scram-sha-256
local all all trust
HBA
    as "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
        -o "-c listen_addresses='' -k $dir -c fsync=${KH_PG_FSYNC:-off} \
            -c max_connections=200" start >/dev/null ||
        { cat "$dir/server.log"; exit 1; }
    psql -X -q -h "$dir" -U postgres -d postgres -v ON_ERROR_STOP=1 \
        -c "CREATE ROLE kaohe_pw LOGIN PASSWORD 'secret-pw'" >/dev/null
    echo "postgresql://postgres@/%s?host=$dir" >"$dir/uri"
    ;;
stop)
    if [ -f "$dir/data/postmaster.pid" ]; then
        as "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null
    fi
    rm -rf "$dir"
    ;;
*)
    echo "usage: $0 start|stop DIR" >&2
    exit 2
    ;;
esac
