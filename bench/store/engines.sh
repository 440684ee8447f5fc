#!/bin/sh
# bench/store/engines.sh - bench/store/run.sh on both engines in one run:
# SQLite (a file, the reference) and PostgreSQL 15 (a local cluster started
# here by tests/pg/cluster.sh, unix socket, fsync on), the same data and
# build.  Prints both Markdown sections for docs/PERFORMANCE.md.
# Environment: as run.sh (UNITS defaults to 2000 here).
set -eu
cd "$(dirname "$0")/../.."
export UNITS=${UNITS:-2000}
dir=$(pwd)/bench/out/pg
trap 'sh tests/pg/cluster.sh stop "$dir" >/dev/null 2>&1 || :' EXIT
KH_PG_FSYNC=on sh tests/pg/cluster.sh start "$dir"
KH_TEST_PG=$(cat "$dir/uri")
export KH_TEST_PG
sh bench/store/run.sh
BENCH_DB=$(sh tests/pg/newdb.sh) sh bench/store/run.sh
