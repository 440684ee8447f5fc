#!/bin/sh
# YAML aliases benchmark (bench/yaml): the cost of resolving anchors and
# aliases in the reader.  Generates a synthetic assessment (gen_assess),
# writes it as YAML twice with PyYAML: plain, and with every repeated
# mapping or list shared so that yaml.dump emits &id/*id aliases; then
# measures `kaohe score --format json` on both with each binary given
# (the first is the one under test, the others references measured in
# the same run), and checks that every output is the same.  CPU time is
# shown beside wall time: on a shared machine it is the steadier figure.
# Usage: sh bench/yaml/run.sh KAOHE [REFERENCE_KAOHE...]
# Environment: UNITS (3000), RUNS (3), SEED, BUILD (build: where
# bench/gen_assess and bench/measure are built).
set -eu
UNITS=${UNITS:-3000}
RUNS=${RUNS:-3}
SEED=${SEED:-20250101}
BUILD=${BUILD:-build}
RUBRIC=rubrics/ideology-2020.yaml
OUT=bench/out
mkdir -p "$OUT"
"$BUILD/bench/gen_assess" --rubric "$RUBRIC" --units "$UNITS" --seed "$SEED" \
    -o "$OUT/yaml-$UNITS.json" >/dev/null 2>&1
python3 - "$OUT/yaml-$UNITS.json" "$OUT/yaml-$UNITS.yaml" "$OUT/yaml-$UNITS-alias.yaml" <<'PY'
import json, sys, yaml
Dumper = getattr(yaml, "CDumper", yaml.Dumper)
def share(x, seen):
    if isinstance(x, dict):
        x = {k: share(v, seen) for k, v in x.items()}
    elif isinstance(x, list):
        x = [share(v, seen) for v in x]
    else:
        return x
    return seen.setdefault(json.dumps(x, sort_keys=True, ensure_ascii=False), x)
data = json.load(open(sys.argv[1], encoding="utf-8"))
for path, d in ((sys.argv[2], data), (sys.argv[3], share(data, {}))):
    with open(path, "w", encoding="utf-8") as f:
        yaml.dump(d, f, Dumper=Dumper, allow_unicode=True, sort_keys=False,
                  default_flow_style=None)
PY
median() { sort -n | awk '{ v[NR] = $1 }
  END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
aliases=$(grep -c '\*id[0-9]' "$OUT/yaml-$UNITS-alias.yaml" || true)
echo "| binary | input | bytes | wall (median of $RUNS) | CPU user+sys (median) | peak RSS (max) |"
echo "|---|---|---:|---:|---:|---:|"
for k in "$@"; do
  for f in "$OUT/yaml-$UNITS.yaml" "$OUT/yaml-$UNITS-alias.yaml"; do
    walls="" cpus="" rss=0
    for r in $(seq "$RUNS"); do
      line=$("$BUILD/bench/measure" --stdout "$OUT/yaml-out.json" -- "$k" score \
             --rubric "$RUBRIC" --input "$f" --format json 2>/dev/null) || {
        echo "| $k | $(basename "$f") | $(stat -c %s "$f") | refused | - | - |"
        continue 2
      }
      set -- $(printf '%s\n' "$line" |
               sed -n 's/^wall=\([0-9.]*\)s maxrss=\([0-9]*\)KiB user=\([0-9.]*\)s sys=\([0-9.]*\)s.*/\1 \2 \3 \4/p')
      walls="$walls $1"
      cpus="$cpus $(echo "$3 + $4" | bc)"
      [ "$2" -gt "$rss" ] && rss=$2
    done
    cmp -s "$OUT/yaml-out.json" "$OUT/yaml-$UNITS.ref.json" 2>/dev/null ||
      if [ -f "$OUT/yaml-$UNITS.ref.json" ]; then
        echo "bench/yaml: $k on $f gives other results" >&2; exit 1
      else
        cp "$OUT/yaml-out.json" "$OUT/yaml-$UNITS.ref.json"
      fi
    echo "| $k | $(basename "$f") | $(stat -c %s "$f") | $(printf '%s\n' $walls | median) s | $(printf '%s\n' $cpus | median) s | $rss KiB |"
  done
done
rm -f "$OUT/yaml-$UNITS.ref.json" "$OUT/yaml-out.json"
echo "($UNITS units; the aliased file holds $aliases aliases; load $(cut -d' ' -f1 /proc/loadavg))"
