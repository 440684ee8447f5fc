#!/bin/sh
# Cluster benchmark (bench/cluster, issue 10): the generated 3,000-unit
# year in inspection on PostgreSQL (a throwaway cluster from
# tests/pg/cluster.sh with fsync on), served by one and by two
# `kaohe serve` instances behind nginx (deploy/nginx/kaohe.conf through
# tests/pg/nginx.inc, TLS, as tests/pg/test_cluster.sh runs it), and the
# same year on SQLite with one instance for comparison, in one run:
#   - entry updates per second: wrk, $CONNS connections, $DURATION, every
#     request a real versioned PUT of an inspection entry
#     (bench/deadline/mix.lua at 100% writes, each configuration its own
#     part of the entries, so every PUT is a new version);
#   - results reads: the same wrk at 0% writes (the results page and
#     GET …/results in turn, gzip): req/s, p50, p99;
#   - CPU seconds used by the kaohe instances, nginx and PostgreSQL in
#     each run (/proc), the load average, and on PostgreSQL how many
#     writers waited on the writers' advisory lock (pg_locks, sampled
#     every 0.2 s);
#   - one instance behind nginx is the reference of two behind nginx
#     (the same nginx, TLS and proxy work), one instance direct shows
#     what nginx costs.
# Prints a Markdown section for docs/PERFORMANCE.md (also
# bench/out/cluster.md) and checks the targets: two instances >= 1.6x
# one instance's update rate; read p99 < 20 ms at 64 connections (two
# instances behind nginx).  Exit status 1 when a target is missed.
#
# Also, independent of the machine's load: the statements one entry
# write sends while it holds the writers' lock (its round trips under
# the lock, from the server's statement log of one `kaohe entry set`),
# and the CPU time per request of each component.
#
# Environment: DURATION (15s), CONNS (64), THREADS (2), UNITS (3000),
# SEED (20250101), BUILD (build-bench), JOBS (2), NG_WORKERS (nginx
# worker processes: 1, or auto as in Debian's nginx.conf).  Run as root (the
# PostgreSQL cluster runs as user postgres) from anywhere.
set -eu
cd "$(dirname "$0")/../.."

. bench/lib.sh
DURATION=${DURATION:-15s}
CONNS=${CONNS:-64}
THREADS=${THREADS:-2}
UNITS=${UNITS:-3000}
NG_WORKERS=${NG_WORKERS:-1}
export NG_WORKERS

bench_need bench/cluster wrk curl nginx psql openssl
bench_build bench/cluster kaohe gen_assess
bench_tmp

echo "bench/cluster: PostgreSQL (fsync on)" >&2
bench_pg
PGDB=$(sh tests/pg/newdb.sh)
PM=$(head -1 "$T/pg/data/postmaster.pid")

echo "bench/cluster: $UNITS units on both engines" >&2
bench_gen "$T/big.json" "$UNITS"
export KAOHE_DATA_DIR=$T/data
for db in "$PGDB" "$T/big.db"; do
    bench_year "$K" "$db" "$T/big.json"
    bench_admin "$db"
done
sed -n 's|^{"unit":"\([^"]*\)","item":"\([^"]*\)","phase":"inspection","inputs":\({[^}]*}\).*|/api/v1/years/2025/entries/\1/\2/inspection\t\3|p' \
    "$T/big.json" >"$T/targets"

bench_serve p1 "$K" "$PGDB" --behind-tls-proxy
bench_serve p2 "$K" "$PGDB" --behind-tls-proxy
bench_serve s1 "$K" "$T/big.db" --behind-tls-proxy   # the same settings as p1

. tests/pg/nginx.inc
NG_ACCESS_LOG=off
nginx_start "$T/ng1" "$PORT_p1" "$PORT_p1" >&2 || exit 1
NG1=$NG SP1=$SP
PIDS="$PIDS $NG1"
nginx_start "$T/ng2" "$PORT_p1" "$PORT_p2" >&2 || exit 1
NG2=$NG SP2=$SP
PIDS="$PIDS $NG2"

# Sessions (the __Host- cookie of --behind-tls-proxy, taken from the
# header: a Secure cookie over plain HTTP stays out of curl's jar):
# PostgreSQL's through nginx, good on both instances; SQLite's directly.
login() { # login URL FILE -> "COOKIE CSRF"
    curl -sk -D "$2.head" -H 'Content-Type: application/json' \
        --data-binary "{\"user\":\"admin1\",\"password\":\"$PW\"}" "$1/api/v1/login" >"$2.body"
    echo "$(sed -n 's/^[Ss]et-[Cc]ookie: \([^;]*kh_session=[^;]*\);.*/\1/p' "$2.head" | head -1) $(sed -n 's/.*"csrf":"\([0-9a-f]*\)".*/\1/p' "$2.body")"
}
set -- $(login "https://127.0.0.1:$SP2" "$T/pg.jar"); PGC=$1 PGT=$2
set -- $(login "http://127.0.0.1:$PORT_s1" "$T/s.jar"); SC=$1 ST=$2
# warm each instance's cache (its first build) before measuring
for u in "http://127.0.0.1:$PORT_p1" "http://127.0.0.1:$PORT_p2"; do
    curl -s -o /dev/null -b "$PGC" "$u/api/v1/years/2025/results"
done
curl -s -o /dev/null -b "$SC" "http://127.0.0.1:$PORT_s1/api/v1/years/2025/results"

ticks() { # ticks PID... -> utime + stime of them and their children, in ticks
    for p in "$@"; do
        for c in $p $(ps -o pid= --ppid "$p" 2>/dev/null); do
            awk '{print $14 + $15}' "/proc/$c/stat" 2>/dev/null || :
        done
    done | awk '{s += $1} END {print s + 0}'
}
HZ=$(getconf CLK_TCK)
waiters() { # waiters FILE: samples "HELD WAITING" of the writers' advisory lock
    while :; do
        psql -X -At -F' ' -d "$PGDB" -c "SELECT count(*) FILTER (WHERE granted),
            count(*) FILTER (WHERE NOT granted) FROM pg_locks WHERE
            locktype = 'advisory' AND objid = 1801547624" >>"$1" 2>/dev/null || :
        sleep 0.2
    done
}

# run NAME URL COOKIE CSRF PCT PART PGPIDS -> $T/NAME.wrk, $T/NAME.cpu
run() {
    _name=$1 _url=$2 _ck=$3 _tok=$4 _pct=$5 _part=$6
    echo "bench/cluster: $_name" >&2
    : >"$T/$_name.wait"
    WPID=
    if [ "$_pct" != 0 ] && [ "${_url#*$PORT_s1}" = "$_url" ]; then
        waiters "$T/$_name.wait" &
        WPID=$!
    fi
    _k0=$(ticks $PID_p1 $PID_p2 $PID_s1) _n0=$(ticks $NG1 $NG2) _p0=$(ticks "$PM")
    KH_TARGETS=$T/targets KH_COOKIE=$_ck KH_CSRF=$_tok \
    KH_THREADS=$THREADS KH_WRITE_PCT=$_pct KH_PART=$_part KH_PARTS=3 \
        wrk -t"$THREADS" -c"$CONNS" -d"$DURATION" --timeout 30s --latency -s bench/deadline/mix.lua "$_url" \
        >"$T/$_name.wrk"
    _k1=$(ticks $PID_p1 $PID_p2 $PID_s1) _n1=$(ticks $NG1 $NG2) _p1=$(ticks "$PM")
    [ -n "$WPID" ] && { kill "$WPID" 2>/dev/null || :; wait "$WPID" 2>/dev/null || :; }
    echo "$(( (_k1 - _k0) )) $(( (_n1 - _n0) )) $(( (_p1 - _p0) ))" >"$T/$_name.cpu"
}
N1=https://127.0.0.1:$SP1
N2=https://127.0.0.1:$SP2
run pg1-write "$N1" "$PGC" "$PGT" 100 0
run pg2-write "$N2" "$PGC" "$PGT" 100 1
run pg1d-write "http://127.0.0.1:$PORT_p1" "$PGC" "$PGT" 100 2
run sq1-write "http://127.0.0.1:$PORT_s1" "$SC" "$ST" 100 0
run pg1-read "$N1" "$PGC" "$PGT" 0 0
run pg2-read "$N2" "$PGC" "$PGT" 0 0
run pg1d-read "http://127.0.0.1:$PORT_p1" "$PGC" "$PGT" 0 0
run sq1-read "http://127.0.0.1:$PORT_s1" "$SC" "$ST" 0 0
LOAD=$(cut -d' ' -f1-3 /proc/loadavg)

# ---- one entry write's statements, logged by the server: how many of
# them run while it holds the writers' lock (from pg_advisory_xact_lock
# to COMMIT) and how many in all (BEGIN to COMMIT)
U1=$(sed -n '1s|^/api/v1/years/2025/entries/\([^/]*\)/\([^/]*\)/.*|\1 \2|p' "$T/targets")
LOGFROM=$(wc -l <"$T/pg/server.log")
# (the cluster's log lines start "DATE TIME.MS UTC [PID] LOG:  ...")
PGOPTIONS="-c log_statement=all" \
    $K entry set --year 2025 --unit "${U1%% *}" --item "${U1#* }" --phase inspection \
    --note "bench/cluster statement count" --db "$PGDB" >/dev/null || :
tail -n +"$((LOGFROM + 1))" "$T/pg/server.log" |
    grep -E 'LOG:  (statement|execute [^:]*):' >"$T/stmts" || :
SPAN=$(awk '
    function ms(t) { split(t, a, ":"); return (a[1] * 3600 + a[2] * 60 + a[3]) * 1000 }
    /BEGIN/ { b = NR } /pg_advisory_xact_lock/ { l = NR; lt = $2 } /COMMIT/ { c = NR; ct = $2 }
    END { if (b && l && c) printf "%d of its %d (%.1f ms from the lock to the commit)", c - l + 1, c - b + 1, ms(ct) - ms(lt); else print "?" }' "$T/stmts")
# The disk's flush, the floor of a commit with fsync on (a reference).
FSYNC=$(/usr/lib/postgresql/15/bin/pg_test_fsync -s 1 -f "$T/pg/fsync.tmp" 2>/dev/null |
        awk '$1 == "fdatasync" { print $4 / 1000; exit }')

# ---- after the runs: both instances serve what a full rescore says
SAME=yes
$K results --year 2025 --format json --allow-missing --db "$PGDB" >"$T/full.json"
for u in "http://127.0.0.1:$PORT_p1" "http://127.0.0.1:$PORT_p2"; do
    curl -s -o "$T/served.json" -b "$PGC" "$u/api/v1/years/2025/results"
    cmp -s "$T/served.json" "$T/full.json" || SAME=NO
done
REBUILDS=$(cat "$T/p1.err" "$T/p2.err" | grep -c 'results built from the store' || :)

# ---- parse
rps() { awk '/^Requests\/sec:/{print $2}' "$T/$1.wrk"; }
pct() { # pct NAME 99% -> ms
    awk -v p="$2" '$1 == p {
        v = $2; u = v; sub(/[0-9.]+/, "", u); sub(/[a-z]+$/, "", v);
        if (u == "us") v /= 1000; else if (u == "s") v *= 1000; else if (u == "m") v *= 60000;
        printf "%.2f", v }' "$T/$1.wrk"
}
mixline() { sed -n 's/^mix: //p' "$T/$1.wrk"; }
cpu() { # cpu NAME FIELD(1 kaohe, 2 nginx, 3 postgres) -> seconds
    awk -v f="$2" -v hz="$HZ" '{printf "%.1f", $f / hz}' "$T/$1.cpu"
}
wait_mean() { # wait_mean NAME FIELD(1 held, 2 waiting) -> mean over the samples
    awk -v f="$2" '{s += $f; n++} END {if (n) printf "%.2f", s / n; else print "—"}' "$T/$1.wait"
}
hold_ms() { # hold_ms NAME: the lock's share of time / writes per second
    awk -v r="$(rps $1)" '{s += $1; n++} END {if (n && r > 0) printf "%.1f", 1000 * s / n / r; else print "—"}' "$T/$1.wait"
}
cpu_per() { # cpu_per NAME -> "kaohe / nginx / PostgreSQL" ms of CPU per request
    awk -v hz="$HZ" -v n="$(awk '/requests in/ {print $1}' "$T/$1.wrk")" \
        '{ if (n > 0) printf "%.2f / %.2f / %.2f", 1000 * $1 / hz / n, 1000 * $2 / hz / n, 1000 * $3 / hz / n }' "$T/$1.cpu"
}
errs() { sed -n 's/^ *Socket errors: //p' "$T/$1.wrk"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
row() { # row NAME LABEL
    echo "| $2 | $(rps $1) | $(pct $1 50%) | $(pct $1 99%) | $(mixline $1)$(errs $1 | sed 's/^./; &/') | $(cpu $1 1) | $(cpu $1 2) | $(cpu $1 3) | $(wait_mean $1 1) / $(wait_mean $1 2) | $(hold_ms $1) |"
}

{
echo "### Run of $(date -u +%Y-%m-%d) $(date -u +%H:%M) UTC ($(nproc) cores, load $LOAD at the end)"
echo
echo "\`sh bench/cluster/run.sh\` (DURATION=$DURATION) — wrk $(wrk -v 2>&1 | awk 'NR==1{print $2}'),"
echo "\`wrk -t$THREADS -c$CONNS -d$DURATION --latency -s bench/deadline/mix.lua\` against \`kaohe serve\`"
echo "(Release) on the $UNITS-unit year in inspection (\`bench/gen_assess --units $UNITS --seed $SEED\`)."
echo "PostgreSQL 15 with fsync on (tests/pg/cluster.sh, unix socket); nginx from"
echo "deploy/nginx/kaohe.conf with TLS (tests/pg/nginx.inc), worker_processes $NG_WORKERS. \"Updates\" are"
echo "100% versioned PUTs of inspection entries, \"reads\" the results page and"
echo "\`GET …/results\` in turn (gzip). CPU is seconds used during the run by the"
echo "kaohe instances, nginx and PostgreSQL; \"lock held / waiters\" the mean number of"
echo "writers holding / waiting for the writers' advisory lock (pg_locks, every"
echo "0.2 s), and \"lock held per write\" the share of time it was held divided"
echo "by the writes per second. Worker threads per instance: $(sed -n 's/.*(\([0-9]*\) threads).*/\1/p' "$T/p1.log")."
echo "wrk, the servers and the machine's other work share the cores."
echo
echo "| configuration | req/s | p50 ms | p99 ms | requests | kaohe CPU s | nginx CPU s | PostgreSQL CPU s | lock held / waiters | lock held per write ms |"
echo "|---|---:|---:|---:|---|---:|---:|---:|---:|---:|"
row pg1-write "updates, PostgreSQL, 1 instance behind nginx"
row pg2-write "updates, PostgreSQL, 2 instances behind nginx"
row pg1d-write "updates, PostgreSQL, 1 instance direct"
row sq1-write "updates, SQLite, 1 instance direct"
row pg1-read "reads, PostgreSQL, 1 instance behind nginx"
row pg2-read "reads, PostgreSQL, 2 instances behind nginx"
row pg1d-read "reads, PostgreSQL, 1 instance direct"
row sq1-read "reads, SQLite, 1 instance direct"
echo
echo "CPU per request (ms, all requests of the run, whatever the load): $(cpu_per pg1-write) PostgreSQL updates one instance, $(cpu_per pg2-write) two;"
echo "$(cpu_per pg1-read) reads behind nginx, $(cpu_per pg1d-read) direct (kaohe / nginx / PostgreSQL)."
echo "Statements of one entry write under the writers' lock: $SPAN."
echo "The disk's fdatasync of one 8 kB write (\`pg_test_fsync -s 1\`, same run): ${FSYNC:-?} ms."
echo "Two instances against one (both behind nginx): updates $(ratio "$(rps pg2-write)" "$(rps pg1-write)")×,"
echo "reads $(ratio "$(rps pg2-read)" "$(rps pg1-read)")×. PostgreSQL against SQLite (one instance, direct):"
echo "updates $(ratio "$(rps pg1d-write)" "$(rps sq1-write)")×, reads $(ratio "$(rps pg1d-read)" "$(rps sq1-read)")×."
echo "Both instances' results after the runs equal a full rescore: **$SAME**; full builds"
echo "of the year by the two PostgreSQL instances over the whole run: $REBUILDS (each one's"
echo "first read; the other's writes were applied from the audit log). Their stderr:"
echo "$(cat "$T/p1.err" "$T/p2.err" | sed 's/^kaohe serve: //' | sort | uniq -c | sed 's/^ */  /' | head -8)"
} | tee "$OUT/cluster.md"

# ---- targets
miss=0
r=$(awk -v a="$(rps pg2-write)" -v b="$(rps pg1-write)" 'BEGIN { print (a >= 1.6 * b) }')
[ "$r" = 1 ] || { echo "bench/cluster: MISSED: two instances below 1.6x one instance's updates" >&2; miss=1; }
r=$(awk -v a="$(pct pg2-read 99%)" 'BEGIN { print (a < 20) }')
[ "$r" = 1 ] || { echo "bench/cluster: MISSED: read p99 >= 20 ms (two instances)" >&2; miss=1; }
[ "$SAME" = yes ] || { echo "bench/cluster: MISSED: served results differ from a full rescore" >&2; miss=1; }
[ $miss = 0 ] && echo "bench/cluster: all targets met" >&2
exit $miss
