# bench/lib.sh - sourced by the benchmark scripts (bench/*/run.sh,
# bench/store/*.sh) right after `set -eu` and the `cd` to the repository
# root; not a benchmark itself.  It owns what they share: the defaults
# (BUILD, JOBS, SEED, RUBRIC, OUT, the bench user and password), the
# Release build (bench_build), the scratch directory whose servers and
# PostgreSQL cluster are stopped on exit (bench_tmp, bench_pg), a
# generated year (bench_gen) and its store (bench_year, bench_admin), and
# `kaohe serve` on a free loopback port (bench_serve, bench_stop).  A
# script sets its own defaults (UNITS, DURATION...) before or after.
BUILD=${BUILD:-build-bench}
JOBS=${JOBS:-2}
SEED=${SEED:-20250101}
RUBRIC=rubrics/ideology-2020.yaml
OUT=bench/out
PW=bench-password-2025
export KAOHE_USER=bench

# bench_need NAME TOOL...: stops the script NAME when a TOOL is missing
# (on the PATH or in /usr/sbin, where Debian puts nginx).
bench_need() {
    _b=$1
    shift
    for _t in "$@"; do
        command -v "$_t" >/dev/null 2>&1 || [ -x "/usr/sbin/$_t" ] ||
            { echo "$_b: $_t is missing (sh scripts/deps.sh bench)" >&2; exit 1; }
    done
}

# bench_build NAME TARGET...: builds TARGETs in Release in $BUILD ($JOBS
# jobs; warnings do not stop a timing build; BENCH_CMAKE_ARGS are added)
# and sets K (kaohe), GEN (bench/gen_assess) and MEASURE (bench/measure);
# makes $OUT.
bench_build() {
    _b=$1
    shift
    echo "$_b: building (Release, $BUILD/)" >&2
    cmake -S . -B "$BUILD" -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF \
        -DKH_WERROR=OFF ${BENCH_CMAKE_ARGS:-} >/dev/null
    cmake --build "$BUILD" -j "$JOBS" --target "$@" >/dev/null
    K=$BUILD/kaohe
    GEN=$BUILD/bench/gen_assess
    MEASURE=$BUILD/bench/measure
    mkdir -p "$OUT"
}

# bench_tmp: T, a fresh directory (mode 755: nginx's workers and the
# PostgreSQL cluster's user reach inside) removed on exit, after the
# processes in PIDS are stopped and the cluster of bench_pg (if any).
bench_tmp() {
    T=$(mktemp -d)
    chmod 0755 "$T"
    PIDS=
    BENCH_PG=
    trap bench_cleanup EXIT INT TERM
}
bench_cleanup() {
    for _p in $PIDS; do kill "$_p" 2>/dev/null || true; done
    for _p in $PIDS; do wait "$_p" 2>/dev/null || true; done
    [ -z "$BENCH_PG" ] || sh tests/pg/cluster.sh stop "$BENCH_PG" >/dev/null 2>&1 || true
    rm -rf "$T"
}

# bench_pg: a throwaway PostgreSQL 15 cluster in $T/pg with fsync on
# (tests/pg/cluster.sh), stopped on exit; exports KH_TEST_PG, its URI, for
# tests/pg/newdb.sh.
bench_pg() {
    KH_PG_FSYNC=on sh tests/pg/cluster.sh start "$T/pg" >/dev/null
    BENCH_PG=$T/pg
    KH_TEST_PG=$(cat "$T/pg/uri")
    export KH_TEST_PG
}

# bench_gen FILE UNITS: the generated assessment of UNITS units (every
# item, both phases; bench/gen_assess with $SEED) in FILE.
bench_gen() {
    "$GEN" --rubric "$RUBRIC" --units "$2" --seed "$SEED" -o "$1" >/dev/null 2>&1
}

# bench_year KAOHE DB FILE [STEPS]: the store DB (a file or a PostgreSQL
# URI) made by KAOHE with the 2020 rubric and year 2025 imported from
# the assessment FILE, then advanced STEPS states (default 2: inspection;
# 4: published).  Returns 1 at the first step that fails (also where
# `set -e` does not apply, as in `{ ...; } || exit 1`).
bench_year() {
    _k=$1 _db=$2 _n=${4:-2}
    $_k init --db "$_db" >/dev/null &&
    $_k rubric import "$RUBRIC" --db "$_db" >/dev/null &&
    $_k year open 2025 --rubric ideology-2020 --db "$_db" >/dev/null &&
    $_k import assessment "$3" --db "$_db" >/dev/null &&
    bench_advance "$_k" "$_db" "$_n"
}
# bench_advance KAOHE DB STEPS: year 2025 of DB moved STEPS states on.
bench_advance() {
    _a=$3
    while [ "$_a" -gt 0 ]; do
        $1 year advance 2025 --db "$2" >/dev/null || return 1
        _a=$((_a - 1))
    done
}
# bench_admin DB: the user admin1 (admin, password $PW) in the store DB.
bench_admin() {
    echo "$PW" | $K user add admin1 --role admin --db "$1" >/dev/null
}

# bench_serve NAME KAOHE DB [FLAG...]: `KAOHE serve` on DB at a free
# loopback port with FLAGs, its stdout in $T/NAME.log and stderr in
# $T/NAME.err; sets PID_NAME and PORT_NAME once it listens (30 s at the
# most, else the script stops) and adds it to the processes stopped on
# exit.
bench_serve() {
    _n=$1 _k=$2 _db=$3
    shift 3
    : >"$T/$_n.log"   # an old log's "listening" line is not this server's
    $_k serve --db "$_db" --listen 127.0.0.1:0 "$@" >"$T/$_n.log" 2>"$T/$_n.err" &
    eval "PID_$_n=$!"
    PIDS="$PIDS $!"
    _i=0
    while ! grep -q listening "$T/$_n.log" 2>/dev/null; do
        _i=$((_i + 1))
        [ $_i -gt 300 ] && { cat "$T/$_n.err" >&2; echo "bench: server $_n did not start" >&2; exit 1; }
        sleep 0.1
    done
    eval "PORT_$_n=\$(sed -n 's/.*127\.0\.0\.1:\([0-9]*\).*/\1/p' \"\$T/$_n.log\")"
}
# bench_stop NAME: stops the server of bench_serve NAME and waits for it.
bench_stop() {
    eval "_p=\$PID_$1"
    kill "$_p" 2>/dev/null || true
    wait "$_p" 2>/dev/null || true
    PIDS=$(echo " $PIDS " | sed "s/ $_p / /; s/^ *//; s/ *$//")
}
