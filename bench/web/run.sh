#!/bin/sh
# Web benchmark (bench/web, issue 4 item 8): `kaohe serve` (Release build,
# build-bench/) against nginx serving the same bytes as static files, in
# the same run, both on loopback, measured with wrk at 64 connections:
#   - the results page and GET /api/v1/years/Y/results of the example
#     college (28 units) and of a generated 3,000-unit year (both published),
#     each as identity and with `Accept-Encoding: gzip` (kaohe sends its
#     once-compressed body; nginx the same gzip bytes, fetched from kaohe,
#     as a .gz beside the file with gzip_static on);
#   - PUT entry updates per second (wrk + bench/web/put.lua: CSRF header,
#     each request a different entry at its known version);
#   - the server's resident memory with 3,000 units (VmHWM, VmRSS).
# Prints a Markdown section for docs/PERFORMANCE.md (also written to
# bench/out/web.md) and then checks the targets of the issue: results page
# >= 30% of nginx's throughput with p99 < 20 ms, >= 1,000 updates/s,
# < 50 MB resident.  Exit status 1 when a target is missed.
#
# Environment: DURATION (10s), CONNS (64), THREADS (2), UNITS (3000),
# SEED, BUILD (build-bench), JOBS (2).
set -eu
cd "$(dirname "$0")/../.."

. bench/lib.sh
DURATION=${DURATION:-10s}
CONNS=${CONNS:-64}
THREADS=${THREADS:-2}
UNITS=${UNITS:-3000}

bench_need bench/web wrk nginx curl
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
bench_build bench/web kaohe gen_assess
bench_tmp

# ---- the two stores, prepared through the CLI
echo "bench/web: preparing the example college and $UNITS units" >&2
bench_year "$K" "$T/college.db" examples/college-2025.yaml 4
bench_admin "$T/college.db"
bench_gen "$T/big.json" "$UNITS"
bench_year "$K" "$T/big.db" "$T/big.json"
bench_admin "$T/big.db"
# one PUT target per inspection entry: path and the entry's inputs
sed -n 's|^{"unit":"\([^"]*\)","item":"\([^"]*\)","phase":"inspection","inputs":\({[^}]*}\).*|/api/v1/years/2025/entries/\1/\2/inspection\t\3|p' \
    "$T/big.json" >"$T/targets"

# ---- servers
login() { # login PORT NAME -> $NAME_SID, $NAME_CSRF
    curl -s -c "$T/$2.jar" -H 'Content-Type: application/json' \
        --data-binary "{\"user\":\"admin1\",\"password\":\"$PW\"}" \
        "http://127.0.0.1:$1/api/v1/login" >"$T/$2.login"
    eval "$2_SID=$(awk '/kh_session/{print $7}' "$T/$2.jar")"
    eval "$2_CSRF=$(sed -n 's/.*"csrf":"\([0-9a-f]*\)".*/\1/p' "$T/$2.login")"
}
bench_serve small "$K" "$T/college.db"
bench_serve big "$K" "$T/big.db"
login "$PORT_small" small
login "$PORT_big" big
# A login hashes the password with argon2id (libsodium's interactive
# limits: 64 MiB), which sets VmHWM by itself; record it, then reset the
# peak (clear_refs 5) so that VmHWM below is the peak while serving.
LOGIN_HWM=$(awk '/^VmHWM/{print $2}' "/proc/$PID_big/status")
echo 5 >"/proc/$PID_big/clear_refs" 2>/dev/null || true

# ---- PUT updates on the 3,000-unit year (in inspection)
echo "bench/web: PUT entry updates" >&2
KH_TARGETS=$T/targets KH_COOKIE="kh_session=$big_SID" KH_CSRF=$big_CSRF KH_THREADS=$THREADS \
    wrk -t"$THREADS" -c"$CONNS" -d"$DURATION" --latency -s bench/web/put.lua \
    "http://127.0.0.1:$PORT_big" >"$T/put.wrk"
bench_advance "$K" "$T/big.db" 2   # published

# ---- the same bytes for nginx
mkdir -p "$T/www"
fetch() { # fetch PORT SID PATH FILE [ACCEPT-ENCODING]
    code=$(curl -s -o "$4" -w '%{http_code}' -b "kh_session=$2" \
        ${5:+-H "Accept-Encoding: $5"} "http://127.0.0.1:$1$3")
    [ "$code" = 200 ] || { echo "bench/web: GET $3 -> $code" >&2; exit 1; }
}
fetch "$PORT_small" "$small_SID" /years/2025/results "$T/www/small.html"
fetch "$PORT_small" "$small_SID" /api/v1/years/2025/results "$T/www/small.json"
fetch "$PORT_big" "$big_SID" /years/2025/results "$T/www/big.html"
fetch "$PORT_big" "$big_SID" /api/v1/years/2025/results "$T/www/big.json"
# kaohe's gzip bodies, byte for byte, for nginx's gzip_static
for set in small big; do
    eval port=\$PORT_$set sid=\$${set}_SID
    fetch "$port" "$sid" /years/2025/results "$T/www/$set.html.gz" gzip
    fetch "$port" "$sid" /api/v1/years/2025/results "$T/www/$set.json.gz" gzip
    for f in html json; do
        gzip -dc "$T/www/$set.$f.gz" | cmp -s - "$T/www/$set.$f" ||
            { echo "bench/web: $set.$f.gz is not $set.$f" >&2; exit 1; }
    done
done
chmod 644 "$T"/www/*
for t in body proxy fastcgi uwsgi scgi; do mkdir -p "$T/ngx-$t"; done
NPORT=""
for p in 18931 28931 38931 48931; do
    cat >"$T/nginx.conf" <<CONF
worker_processes auto;
daemon off;
pid $T/nginx.pid;
error_log $T/nginx-error.log;
events { worker_connections 1024; }
http {
    access_log off;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 1000000;
    client_body_temp_path $T/ngx-body;
    proxy_temp_path $T/ngx-proxy;
    fastcgi_temp_path $T/ngx-fastcgi;
    uwsgi_temp_path $T/ngx-uwsgi;
    scgi_temp_path $T/ngx-scgi;
    types { text/html html; application/json json; }
    gzip_static on;
    gzip_vary on;
    server {
        listen 127.0.0.1:$p;
        root $T/www;
    }
}
CONF
    "$NGINX" -c "$T/nginx.conf" -p "$T" >/dev/null 2>&1 &
    npid=$!
    sleep 0.5
    if kill -0 "$npid" 2>/dev/null &&
       curl -s -o /dev/null "http://127.0.0.1:$p/small.json"; then
        NPORT=$p
        PIDS="$PIDS $npid"
        break
    fi
    kill "$npid" 2>/dev/null || true
    wait "$npid" 2>/dev/null || true
done
[ -n "$NPORT" ] || { echo "bench/web: nginx did not start" >&2; cat "$T/nginx-error.log" >&2; exit 1; }

# ---- wrk runs: NAME URL [COOKIE [ACCEPT-ENCODING]]
run() {
    name=$1 url=$2 cookie=${3-} ae=${4-}
    echo "bench/web: $name" >&2
    set -- -t"$THREADS" -c"$CONNS" -d"$DURATION" --latency
    [ -n "$cookie" ] && set -- "$@" -H "Cookie: kh_session=$cookie"
    [ -n "$ae" ] && set -- "$@" -H "Accept-Encoding: $ae"
    wrk "$@" "$url" >"$T/$name.wrk"
}
# nginx must really send the .gz (gzip_static) for the gzip rows
code=$(curl -s -o /dev/null -D "$T/ngx.h" -w '%{http_code}' -H 'Accept-Encoding: gzip' \
    "http://127.0.0.1:$NPORT/big.html")
grep -qi '^content-encoding: gzip' "$T/ngx.h" ||
    { echo "bench/web: nginx does not send the .gz files" >&2; exit 1; }
for set in small big; do
    eval port=\$PORT_$set sid=\$${set}_SID
    for enc in "" gz; do
        ae=$([ -n "$enc" ] && echo gzip || true)
        run "$set-page$enc" "http://127.0.0.1:$port/years/2025/results" "$sid" "$ae"
        run "$set-page$enc-nginx" "http://127.0.0.1:$NPORT/$set.html" "" "$ae"
        run "$set-api$enc" "http://127.0.0.1:$port/api/v1/years/2025/results" "$sid" "$ae"
        run "$set-api$enc-nginx" "http://127.0.0.1:$NPORT/$set.json" "" "$ae"
    done
done

# ---- parse: requests/s, p50, p99 (ms), non-2xx, errors
rps() { awk '/^Requests\/sec:/{print $2}' "$T/$1.wrk"; }
pct() { # pct NAME 50% -> ms
    awk -v p="$2" '$1 == p {
        v = $2; u = v; sub(/[0-9.]+/, "", u); sub(/[a-z]+$/, "", v);
        if (u == "us") v /= 1000; else if (u == "s") v *= 1000; else if (u == "m") v *= 60000;
        printf "%.2f", v }' "$T/$1.wrk"
}
bad() { # non-2xx responses and socket errors
    n=$(awk '/Non-2xx/{print $NF}' "$T/$1.wrk"); e=$(awk '/Socket errors/{print $0}' "$T/$1.wrk")
    echo "${n:-0}${e:+ ($e)}"
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.0f%%", 100 * a / b }'; }

HWM=$(awk '/^VmHWM/{print $2}' "/proc/$PID_big/status")
RSS=$(awk '/^VmRSS/{print $2}' "/proc/$PID_big/status")
SHWM=$(awk '/^VmHWM/{print $2}' "/proc/$PID_small/status")
PUTRPS=$(rps put)
PUTLINE=$(grep '^put:' "$T/put.wrk" || echo "put: ?")

{
echo "### Run of $(date -u +%Y-%m-%d) ($(nproc) cores, load $(cut -d' ' -f1 /proc/loadavg) at the end)"
echo
echo "\`sh bench/web/run.sh\` — wrk $(wrk -v 2>&1 | awk 'NR==1{print $2}'), \`wrk -t$THREADS -c$CONNS -d$DURATION --latency\`"
echo "(with \`-H 'Cookie: kh_session=…'\` for kaohe), nginx $("$NGINX" -v 2>&1 | sed 's|.*nginx/||')"
echo "(\`worker_processes auto\`, sendfile) serving the same bytes as static files;"
echo "wrk, kaohe and nginx share the machine's cores. Release build, \`kaohe serve\`"
echo "with its default thread pool ($(sed -n 's/.*(\([0-9]*\) threads).*/\1/p' "$T/big.log") threads)."
echo
echo "Rows marked gzip: both wrk runs send \`Accept-Encoding: gzip\`; kaohe sends the"
echo "body it compressed once when the year's cache was built, nginx the same"
echo "bytes from a .gz beside the file (\`gzip_static on\`). Bytes: as sent."
echo
echo "| what | bytes | kaohe req/s | p50 ms | p99 ms | nginx req/s | nginx p50 / p99 ms | kaohe / nginx | non-2xx |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|"
for set in small big; do
    label=$([ $set = small ] && echo "example college (28 units)" || echo "$UNITS units")
    for kind in page pagegz api apigz; do
        case $kind in
        page) what="results page"; f=$set.html ;;
        pagegz) what="results page, gzip"; f=$set.html.gz ;;
        api) what="GET …/results"; f=$set.json ;;
        apigz) what="GET …/results, gzip"; f=$set.json.gz ;;
        esac
        echo "| $what, $label | $(stat -c %s "$T/www/$f") | $(rps $set-$kind) | $(pct $set-$kind 50%) | $(pct $set-$kind 99%) | $(rps $set-$kind-nginx) | $(pct $set-$kind-nginx 50%) / $(pct $set-$kind-nginx 99%) | $(ratio "$(rps $set-$kind)" "$(rps $set-$kind-nginx)") | $(bad $set-$kind) |"
    done
done
echo
echo "PUT entry updates ($UNITS-unit year in inspection, wrk + \`bench/web/put.lua\`,"
echo "each request a different entry at its version, so each is a real write"
echo "with its audit record): **$PUTRPS updates/s**, p50 $(pct put 50%) ms, p99 $(pct put 99%) ms"
echo "($PUTLINE)."
echo
echo "Resident memory of \`kaohe serve\` with $UNITS units after all of the above:"
echo "peak while serving (VmHWM, reset after the login) $((HWM / 1024)) MiB, VmRSS at the end $((RSS / 1024)) MiB;"
echo "the peak including the login's argon2id hash was $((LOGIN_HWM / 1024)) MiB (example college server: $((SHWM / 1024)) MiB, login included)."
} | tee "$OUT/web.md"

# ---- targets (the results page as browsers ask for it: with gzip)
miss=0
for set in small big; do
    r=$(awk -v a="$(rps $set-pagegz)" -v b="$(rps $set-pagegz-nginx)" 'BEGIN { print (a >= 0.3 * b) }')
    [ "$r" = 1 ] || { echo "bench/web: MISSED: $set results page (gzip) below 30% of nginx" >&2; miss=1; }
    r=$(awk -v a="$(pct $set-pagegz 99%)" 'BEGIN { print (a < 20) }')
    [ "$r" = 1 ] || { echo "bench/web: MISSED: $set results page (gzip) p99 >= 20 ms" >&2; miss=1; }
done
r=$(awk -v a="$PUTRPS" 'BEGIN { print (a >= 1000) }')
[ "$r" = 1 ] || { echo "bench/web: MISSED: PUT below 1,000 updates/s" >&2; miss=1; }
[ "$HWM" -lt $((50 * 1024)) ] || { echo "bench/web: MISSED: resident memory >= 50 MB" >&2; miss=1; }
[ $miss = 0 ] && echo "bench/web: all targets met" >&2
exit $miss
