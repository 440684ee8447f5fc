#!/bin/sh
# Scoring benchmark (bench/score): builds kaohe in Release (build-bench/),
# generates synthetic assessments of 1k, 10k and 50k units (every item,
# both phases) under bench/out/, and measures `kaohe score --format json`
# on each: median wall time and maximum peak RSS over RUNS runs.  Prints a
# Markdown section ready for docs/PERFORMANCE.md, then checks the targets.
#
# Environment: SIZES (default "1000 10000 50000"), RUNS (3), SEED,
# BUILD (build-bench), JOBS (2).
set -eu
cd "$(dirname "$0")/../.."

. bench/lib.sh
SIZES=${SIZES:-"1000 10000 50000"}
RUNS=${RUNS:-3}
bench_build bench/score kaohe gen_assess measure
KAOHE=$K

median() { sort -n | awk '{ v[NR] = $1 }
  END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# The process alone (dynamic loading of its libraries, no work): a fixed
# cost in every row below, which dominates the smallest input.
base_walls="" base_rss=0
for r in 1 2 3; do
  set -- $("$MEASURE" --stdout /dev/null -- "$KAOHE" --version |
           sed -n 's/^wall=\([0-9.]*\)s maxrss=\([0-9]*\)KiB.*/\1 \2/p')
  base_walls="$base_walls $1"
  [ "$2" -gt "$base_rss" ] && base_rss=$2
done
base_wall=$(printf '%s\n' $base_walls | median)

rows=""
for n in $SIZES; do
  f=$OUT/assess-$n.json
  echo "bench/score: generating $n units -> $f" >&2
  stats=$("$GEN" --rubric "$RUBRIC" --units "$n" --seed "$SEED" -o "$f" 2>&1)
  entries=$(printf '%s\n' "$stats" | sed -n 's/.*entries=\([0-9]*\).*/\1/p')
  size=$(stat -c %s "$f")
  load=$(cut -d' ' -f1 /proc/loadavg)
  walls="" cpus="" rss_max=0
  r=1
  while [ "$r" -le "$RUNS" ]; do
    line=$("$MEASURE" --stdout /dev/null -- "$KAOHE" score --rubric "$RUBRIC" \
           --input "$f" --format json) || {
      echo "bench/score: kaohe score failed on $f" >&2
      exit 1
    }
    echo "bench/score:   $n units run $r: $line" >&2
    set -- $(printf '%s\n' "$line" |
             sed -n 's/^wall=\([0-9.]*\)s maxrss=\([0-9]*\)KiB user=\([0-9.]*\)s sys=\([0-9.]*\)s$/\1 \2 \3 \4/p')
    [ $# = 4 ] || { echo "bench/score: bad measure line: $line" >&2; exit 1; }
    walls="$walls $1"
    cpus="$cpus $(awk -v u="$3" -v s="$4" 'BEGIN { print u + s }')"
    [ "$2" -gt "$rss_max" ] && rss_max=$2
    r=$((r + 1))
  done
  wall=$(printf '%s\n' $walls | median)
  best=$(printf '%s\n' $walls | sort -n | head -1)
  cpu=$(printf '%s\n' $cpus | median)
  rows="$rows$n $entries $size $wall $cpu $rss_max $load $best
"
done

compiler=$(sed -n 's/^CMAKE_C_COMPILER:[A-Z]*=//p' "$BUILD/CMakeCache.txt")
cpu=$(sed -n 's/^model name[[:space:]]*:[[:space:]]*//p' /proc/cpuinfo | head -1)
mem=$(awk '/^MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo)
printf '%s' "$rows" | awk -v runs="$RUNS" -v cpu="$cpu" -v ncpu="$(nproc)" \
    -v base_wall="$base_wall" -v base_rss="$base_rss" \
    -v mem="$mem" -v kernel="$(uname -r)" -v cc="$("${compiler:-cc}" --version | head -1)" \
    -v date="$(date +%Y-%m-%d)" -v rev="$(git rev-parse --short HEAD 2>/dev/null || echo unknown)" '
function mb(b) { return sprintf("%.1f MB", b / 1e6) }
function grp(n,   s) {   # 50000 -> 50 000
  s = sprintf("%d", n)
  while (match(s, /[0-9][0-9][0-9][0-9]([^0-9]|$)/))
    s = substr(s, 1, RSTART) " " substr(s, RSTART + 1)
  return s
}
# Linear (affine: a fixed start-up cost plus a cost per unit): the
# marginal cost per unit between successive sizes stays within 1.5x.
function linear(name, col,   i, u, lo, hi, ok, list) {
  list = ""
  for (i = 2; i <= NR; i++) {
    u = (col[i] - col[i - 1]) * 1e6 / (n[i] - n[i - 1])
    if (i == 2 || u < lo) lo = u
    if (i == 2 || u > hi) hi = u
    list = list sprintf("%s%s→%s: %.1f", i > 2 ? ", " : "", grp(n[i - 1]), grp(n[i]), u)
  }
  ok = lo > 0 && hi / lo < 1.5
  printf "- time linear in units, by %s (marginal µs/unit within 1.5x): %s (%s)\n", name, ok ? "met" : "MISSED", list
  return ok
}
{ n[NR] = $1; e[NR] = $2; sz[NR] = $3; w[NR] = $4; c[NR] = $5; rss[NR] = $6; ld[NR] = $7; b[NR] = $8 }
END {
  print "Measured " date " at commit " rev ": " ncpu " cores (" cpu "), " mem " RAM,"
  print "Linux " kernel ", " cc ", Release build."
  print "Wall and CPU (user + sys) are medians of " runs " runs (best wall in brackets),"
  print "peak RSS the maximum; load is the 1-minute load average before the runs"
  print "(the machine is shared: under load, wall time exceeds CPU time)."
  printf "The process alone (`kaohe --version`): %.3f s wall, %s peak RSS.\n", base_wall, mb(base_rss * 1024)
  print ""
  print "| units | entries | input file | wall | CPU | µs / unit (wall / CPU) | peak RSS | RSS / file | (RSS − process alone) / file | load |"
  print "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
  for (i = 1; i <= NR; i++)
    printf "| %s | %s | %s | %.3f s (%.3f) | %.3f s | %.1f / %.1f | %s | %.2f× | %.2f× | %.2f |\n", grp(n[i]), grp(e[i]),
           mb(sz[i]), w[i], b[i], c[i], w[i] * 1e6 / n[i], c[i] * 1e6 / n[i], mb(rss[i] * 1024),
           rss[i] * 1024 / sz[i], (rss[i] - base_rss) * 1024 / sz[i], ld[i]
  print ""
  # Targets from the bench/score issue.
  ok = 1
  for (i = 1; i <= NR; i++)
    if (n[i] == 10000) {
      printf "- 10k units in under 1 s (wall): %s (%.3f s)\n", (w[i] < 1.0) ? "met" : "MISSED", w[i]
      if (w[i] >= 1.0) ok = 0
    }
  worst = 0; wnet = 0
  for (i = 1; i <= NR; i++) {
    if (rss[i] * 1024 / sz[i] > worst) { worst = rss[i] * 1024 / sz[i]; wi = i }
    if ((rss[i] - base_rss) * 1024 / sz[i] > wnet) wnet = (rss[i] - base_rss) * 1024 / sz[i]
  }
  printf "- peak memory under 3x the input size: %s (worst %.2fx, at %s units; %.2fx without the process alone)\n", (worst < 3) ? "met" : "MISSED", worst, grp(n[wi]), wnet
  if (worst >= 3) ok = 0
  if (NR >= 2) {
    if (!linear("wall", w)) ok = 0
    if (!linear("CPU", c)) ok = 0
  }
  if (!ok) { print ""; print "Some targets were missed." }
}'
