#!/bin/sh
# Form benchmark (bench/web/form.sh): the server's CPU time per request
# for the largest grid form the app accepts - a department scorer's grid
# (POST /years/Y/dept, web_dept.c) of a generated year of $UNITS units
# in inspection, whose body as a browser posts it is just under the
# 1 MiB form cap (WEB_BODY_CAP) - with this tree's `kaohe serve` and,
# as the reference in the same run, the one built from $OLD_REF (main
# before the form index: every field looked up by a scan of the body).
# Two bodies (bench/web/grid_body.py, from the grid page as served):
#   - shown: every field as the page shows it (the values, the selected
#     options, the notes' text), i.e. 保存 of an unchanged grid: the
#     lookups, then one store write per cell holding a value;
#   - empty: the same fields with the values left empty and the notes
#     as shown: nothing to write, so the form's reading alone.
# Each server runs on its own copy of the store; CPU time is the
# server's user + system time (/proc/PID/stat) over the requests, per
# request.  Prints a Markdown section for docs/PERFORMANCE.md (also
# bench/out/form.md).
#
# Environment: UNITS (7000), N_OLD (1: requests per body on the old
# server, each takes seconds), N_NEW (10), OLD_REF (3d461e1), SEED,
# BUILD (build-bench), OLD_BUILD (build-bench-old), JOBS (2).
set -eu
cd "$(dirname "$0")/../.."

UNITS=${UNITS:-7000}
N_OLD=${N_OLD:-1}
N_NEW=${N_NEW:-10}
OLD_REF=${OLD_REF:-3d461e1}
SEED=${SEED:-20250101}
BUILD=${BUILD:-build-bench}
OLD_BUILD=${OLD_BUILD:-build-bench-old}
JOBS=${JOBS:-2}
RUBRIC=rubrics/ideology-2020.yaml
CAP=1048576            # WEB_BODY_CAP
OUT=bench/out
PW=bench-password-2025
export KAOHE_USER=bench

for tool in curl python3; do
    command -v $tool >/dev/null 2>&1 || { echo "bench/form: $tool is missing" >&2; exit 1; }
done

echo "bench/form: building (Release, $BUILD/ and $OLD_REF in $OLD_BUILD/)" >&2
cmake -S . -B "$BUILD" -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF -DKH_WERROR=OFF \
    >/dev/null
cmake --build "$BUILD" -j "$JOBS" --target kaohe gen_assess >/dev/null
if [ "$(cat "$OLD_BUILD/REF" 2>/dev/null)" != "$(git rev-parse "$OLD_REF")" ]; then
    rm -rf "$OLD_BUILD"
    mkdir -p "$OLD_BUILD/src"
    git archive "$OLD_REF" | tar -x -C "$OLD_BUILD/src"
    git rev-parse "$OLD_REF" >"$OLD_BUILD/REF"
fi
cmake -S "$OLD_BUILD/src" -B "$OLD_BUILD/b" -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF \
    -DKH_WERROR=OFF >/dev/null
cmake --build "$OLD_BUILD/b" -j "$JOBS" --target kaohe >/dev/null
K=$BUILD/kaohe
mkdir -p "$OUT"

T=$(mktemp -d)
SPID=
cleanup() {
    [ -n "$SPID" ] && { kill "$SPID" 2>/dev/null || true; wait "$SPID" 2>/dev/null || true; }
    rm -rf "$T"
}
trap cleanup EXIT INT TERM

echo "bench/form: preparing $UNITS units" >&2
"$BUILD/bench/gen_assess" --rubric "$RUBRIC" --units "$UNITS" --seed "$SEED" \
    -o "$T/year.json" >/dev/null 2>&1
DB=$T/year.db
$K init --db "$DB" >/dev/null
$K rubric import "$RUBRIC" --db "$DB" >/dev/null
$K year open 2025 --rubric ideology-2020 --db "$DB" >/dev/null
$K import assessment "$T/year.json" --db "$DB" >/dev/null
$K year advance 2025 --db "$DB" >/dev/null
$K year advance 2025 --db "$DB" >/dev/null
echo "$PW" | $K user add xcb --role department --provider 党委宣传部 --db "$DB" >/dev/null
cp "$DB" "$T/old.db"
cp "$DB" "$T/new.db"

serve() { # serve BINARY DB -> SPID, B
    "$1" serve --db "$2" --listen 127.0.0.1:0 >"$T/serve.log" 2>"$T/serve.err" &
    SPID=$!
    i=0
    while ! grep -q listening "$T/serve.log" 2>/dev/null; do
        i=$((i + 1))
        [ $i -gt 300 ] && { cat "$T/serve.err" >&2; echo "bench/form: server did not start" >&2; exit 1; }
        sleep 0.1
    done
    B=http://127.0.0.1:$(sed -n 's/.*127\.0\.0\.1:\([0-9]*\).*/\1/p' "$T/serve.log")
}
stop() {
    kill "$SPID"
    wait "$SPID" || true
    SPID=
}
ticks() { awk '{ print $14 + $15 }' "/proc/$SPID/stat"; }
HZ=$(getconf CLK_TCK)

# measure NAME BODY N: N posts of BODY; "CPU-ms-per-request STATUSES"
measure() {
    c0=$(ticks)
    codes=
    k=0
    while [ $k -lt "$3" ]; do
        codes="$codes $(curl -s -o "$T/$1.out" -w '%{http_code}' --max-time 600 -b "$T/jar" \
            -H 'Content-Type: application/x-www-form-urlencoded' \
            --data-binary @"$2" "$B/years/2025/dept")"
        k=$((k + 1))
    done
    c1=$(ticks)
    echo "$(awk -v t=$((c1 - c0)) -v hz="$HZ" -v n="$3" 'BEGIN { printf "%.1f", 1000 * t / hz / n }') $(echo $codes | tr ' ' '\n' | sort | uniq -c | awk '{ printf "%s%s×%s", (NR > 1 ? ", " : ""), $1, $2 }')"
}

run_server() { # run_server NAME BINARY DB N
    serve "$2" "$3"
    curl -s -c "$T/jar" -H 'Content-Type: application/json' \
        --data-binary "{\"user\":\"xcb\",\"password\":\"$PW\"}" "$B/api/v1/login" >"$T/login"
    csrf=$(sed -n 's/.*"csrf":"\([0-9a-f]*\)".*/\1/p' "$T/login")
    code=$(curl -s -o "$T/grid.html" -w '%{http_code}' -b "$T/jar" "$B/years/2025/dept")
    [ "$code" = 200 ] || { echo "bench/form: GET the grid: $code" >&2; exit 1; }
    python3 bench/web/grid_body.py "$T/grid.html" "$csrf" "$T/body" >"$T/sizes"
    for b in shown empty; do
        [ "$(stat -c %s "$T/body.$b")" -le $CAP ] ||
            { echo "bench/form: the $b body passes the 1 MiB cap (fewer UNITS)" >&2; exit 1; }
    done
    echo "bench/form: $1 server, body empty" >&2
    eval "$1_empty=\$(measure $1-empty \"\$T/body.empty\" $4)"
    echo "bench/form: $1 server, body shown" >&2
    eval "$1_shown=\$(measure $1-shown \"\$T/body.shown\" $4)"
    stop
}
run_server old "$OLD_BUILD/b/kaohe" "$T/old.db" "$N_OLD"
run_server new "$K" "$T/new.db" "$N_NEW"
read -r FIELDS BSHOWN BEMPTY <"$T/sizes"

cpu() { echo "${1%% *}"; }
codes() { echo "${1#* }"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.0f×", a / b }'; }
{
echo "### Run of $(date -u '+%Y-%m-%d %H:%M') UTC ($(nproc) cores, load $(cut -d' ' -f1 /proc/loadavg) at the end)"
echo
echo "\`sh bench/web/form.sh\` (UNITS=$UNITS, N_OLD=$N_OLD, N_NEW=$N_NEW): a department"
echo "scorer's grid of $UNITS units (3.3, 3.4, 4.2 and 4.2's note for each: $FIELDS fields with"
echo "the CSRF token) posted to \`kaohe serve\` (Release build) built from this tree and,"
echo "as the reference in the same run, from $OLD_REF ($(git log -1 --format=%cs "$OLD_REF"),"
echo "main before the form index). Server CPU time (user + system) per request."
echo
echo "| body | bytes (cap 1,048,576) | before: CPU ms / request | answers | after: CPU ms / request | answers | before / after |"
echo "|---|---:|---:|---|---:|---|---:|"
echo "| empty values, notes as shown (no writes: reading the form alone) | $BEMPTY | $(cpu "$old_empty") | $(codes "$old_empty") | $(cpu "$new_empty") | $(codes "$new_empty") | $(ratio "$(cpu "$old_empty")" "$(cpu "$new_empty")") |"
echo "| every field as shown (保存 of the unchanged grid) | $BSHOWN | $(cpu "$old_shown") | $(codes "$old_shown") | $(cpu "$new_shown") | $(codes "$new_shown") | $(ratio "$(cpu "$old_shown")" "$(cpu "$new_shown")") |"
} | tee "$OUT/form.md"
