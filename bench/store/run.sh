#!/bin/sh
# Store benchmark (bench/store): builds kaohe in Release (build-bench/),
# generates a synthetic assessment of N units (default 10000; every item,
# both phases) with bench/gen_assess and measures on a fresh store:
#   1. `kaohe import assessment` of the whole file (one transaction)
#   2. `kaohe results --year 2025 --format json` from the store (median of
#      RUNS runs; target: under 1 s for 10k units)
#   3. single-entry updates per second with WAL: through the API
#      (bench/entry_rate, one process) and through the CLI (one `kaohe
#      entry set` process per update)
# Prints a Markdown section for docs/PERFORMANCE.md.
#
# Environment: UNITS (10000), RUNS (3), UPDATES (2000), CLI_UPDATES (200),
# SEED, BUILD (build-bench), JOBS (2), BENCH_CMAKE_ARGS (extra cmake
# arguments, e.g. -DKH_WERROR=OFF), BENCH_DB (the store: default a fresh
# file in bench/out; a postgresql:// URI of an empty database measures
# PostgreSQL, see bench/store/engines.sh).
set -eu
cd "$(dirname "$0")/../.."

. bench/lib.sh
UNITS=${UNITS:-10000}
RUNS=${RUNS:-3}
UPDATES=${UPDATES:-2000}
CLI_UPDATES=${CLI_UPDATES:-200}
bench_build bench/store kaohe gen_assess measure entry_rate
KAOHE=$K
RATE=$BUILD/bench/entry_rate

f=$OUT/store-assess-$UNITS.json
db=${BENCH_DB:-$OUT/store-$UNITS.db}
echo "bench/store: generating $UNITS units -> $f" >&2
stats=$("$GEN" --rubric "$RUBRIC" --units "$UNITS" --seed "$SEED" -o "$f" 2>&1)
entries=$(printf '%s\n' "$stats" | sed -n 's/.*entries=\([0-9]*\).*/\1/p')
size=$(stat -c %s "$f")

case $db in
  postgres://*|postgresql://*) engine="PostgreSQL $(psql -X -At -d "$db" -c 'SHOW server_version')" ;;
  *) rm -f "$db" "$db-wal" "$db-shm"; engine="SQLite $(pkg-config --modversion sqlite3 2>/dev/null || echo '?')" ;;
esac
export KAOHE_DB=$db KAOHE_USER=bench
"$KAOHE" init >/dev/null
"$KAOHE" rubric import "$RUBRIC" >/dev/null
"$KAOHE" year open 2025 --rubric ideology-2020 >/dev/null

field() { printf '%s\n' "$1" | sed -n "s/.*$2=\([0-9.]*\).*/\1/p"; }
median() {
  printf '%s\n' $1 | sort -n |
    awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

echo "bench/store: import" >&2
line=$("$MEASURE" --stdout /dev/null -- "$KAOHE" import assessment "$f")
echo "bench/store:   $line" >&2
imp_wall=$(field "$line" wall)
imp_cpu=$(printf '%s\n' "$line" | awk '{ for (i = 1; i <= NF; i++) { split($i, kv, "="); sub("s$", "", kv[2]); if (kv[1] == "user" || kv[1] == "sys") c += kv[2] } } END { printf "%.2f", c }')
imp_rss=$(field "$line" maxrss)
dbsize=$(stat -c %s "$db" 2>/dev/null ||
         psql -X -At -d "$db" -c 'SELECT pg_database_size(current_database())')

walls="" cpus="" rss_max=0
r=1
while [ "$r" -le "$RUNS" ]; do
  line=$("$MEASURE" --stdout /dev/null -- "$KAOHE" results --year 2025 \
         --format json)
  echo "bench/store:   results run $r: $line" >&2
  walls="$walls $(field "$line" wall)"
  cpus="$cpus $(printf '%s\n' "$line" | awk '{ for (i = 1; i <= NF; i++) { split($i, kv, "="); sub("s$", "", kv[2]); if (kv[1] == "user" || kv[1] == "sys") c += kv[2] } } END { printf "%.2f", c }')"
  m=$(field "$line" maxrss)
  [ "$m" -gt "$rss_max" ] && rss_max=$m
  r=$((r + 1))
done
# For comparison: the same figures computed from the file.
swalls=""
r=1
while [ "$r" -le "$RUNS" ]; do
  line=$("$MEASURE" --stdout /dev/null -- "$KAOHE" score --rubric "$RUBRIC" \
         --input "$f" --format json)
  echo "bench/store:   score run $r: $line" >&2
  swalls="$swalls $(field "$line" wall)"
  r=$((r + 1))
done
score_wall=$(median "$swalls")
res_wall=$(median "$walls")
res_cpu=$(median "$cpus")
load=$(cut -d' ' -f1-3 /proc/loadavg)
# The store's results are the file's results.
"$KAOHE" results --year 2025 --format json >"$OUT/store-results.json"
"$KAOHE" score --rubric "$RUBRIC" --input "$f" --format json \
    >"$OUT/store-score.json"
cmp -s "$OUT/store-results.json" "$OUT/store-score.json" || {
  echo "bench/store: results from the store differ from kaohe score" >&2
  exit 1
}

"$KAOHE" year advance 2025 >/dev/null
"$KAOHE" year advance 2025 >/dev/null
echo "bench/store: $UPDATES updates through the API" >&2
api=$("$RATE" "$db" 2025 u000002 1.3 meetings "$UPDATES")
echo "bench/store:   $api" >&2
api_rate=$(field "$api" rate)

echo "bench/store: $CLI_UPDATES updates through the CLI" >&2
t0=$(date +%s.%N)
i=0
while [ "$i" -lt "$CLI_UPDATES" ]; do
  "$KAOHE" entry set --year 2025 --unit u000003 --item 1.3 \
      --phase inspection --input meetings=$((i % 4 + 1)) >/dev/null
  i=$((i + 1))
done
t1=$(date +%s.%N)
cli_rate=$(awk -v n="$CLI_UPDATES" -v a="$t0" -v b="$t1" \
           'BEGIN {printf "%.0f", n / (b - a)}')
"$KAOHE" check >/dev/null

cpu=$(sed -n 's/^model name[[:space:]]*:[[:space:]]*//p' /proc/cpuinfo | head -1)
mem=$(awk '/^MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo)
cat <<MD
## Store (bench/store)

\`sh bench/store/run.sh\` on $cpu, $mem RAM, $(nproc) cores, $engine,
Release build; SQLite in WAL mode with synchronous=NORMAL on the local disk
(PostgreSQL: bench/store/engines.sh's local cluster, fsync on).
Load average when it ran: $load (the machine is shared: wall times include
waiting for a core; CPU is user + system time of the process).
Data: \`bench/gen_assess --rubric $RUBRIC --units $UNITS --seed $SEED\`
($entries entries, $size bytes of JSON).

| what | figure |
|---|---|
| \`kaohe import assessment\` ($UNITS units, one transaction) | ${imp_wall} s wall, ${imp_cpu} s CPU, peak RSS ${imp_rss} KiB, store $dbsize bytes |
| \`kaohe results --format json\` from the store (median of $RUNS) | ${res_wall} s wall, ${res_cpu} s CPU, peak RSS ${rss_max} KiB |
| for comparison: \`kaohe score\` on the file (median of $RUNS) | ${score_wall} s wall |
| single-entry updates, API (\`kh_store_entry_set\`, one process) | ${api_rate} updates/s |
| single-entry updates, CLI (one \`kaohe entry set\` process each) | ${cli_rate} updates/s |

Target: results from the store under 1 s for 10k units (checked on the
CPU time).
MD
# The target is for an otherwise idle machine: on a shared one the wall
# time includes waiting for a core, so the check uses the CPU time.
awk -v c="$res_cpu" -v n="$UNITS" 'BEGIN {
  if (n >= 10000 && c >= 1.0) { print "bench/store: results target missed" > "/dev/stderr"; exit 1 } }'
