#!/bin/sh
# ctest bench.gen_assess: the benchmark's generator is deterministic, its
# output is a valid assessment that `kaohe score` accepts, and measure
# reports a result line and passes the command's exit status through.
# Usage: check_gen.sh GEN_ASSESS KAOHE MEASURE   (from the repository root)
set -u
gen=$1 kaohe=$2 measure=$3
rubric=rubrics/ideology-2020.yaml
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "check_gen: $*" >&2; exit 1; }

"$gen" --rubric "$rubric" --units 60 --seed 7 -o "$tmp/a.json" 2>"$tmp/a.log" ||
  fail "gen_assess failed: $(cat "$tmp/a.log")"
"$gen" --rubric "$rubric" --units 60 --seed 7 -o "$tmp/b.json" 2>/dev/null ||
  fail "gen_assess failed (second run)"
cmp -s "$tmp/a.json" "$tmp/b.json" || fail "same seed, different output"
"$gen" --rubric "$rubric" --units 60 --seed 8 -o "$tmp/c.json" 2>/dev/null ||
  fail "gen_assess failed (seed 8)"
cmp -s "$tmp/a.json" "$tmp/c.json" && fail "different seeds, same output"
grep -q 'entries=[1-9]' "$tmp/a.log" || fail "no entry count: $(cat "$tmp/a.log")"

"$measure" --stdout "$tmp/score.json" -- "$kaohe" score --rubric "$rubric" \
  --input "$tmp/a.json" --format json >"$tmp/m.out" 2>"$tmp/m.err" ||
  fail "kaohe score rejected the generated file: $(head -20 "$tmp/m.err")"
grep -Eq '^wall=[0-9]+\.[0-9]{3}s maxrss=[0-9]+KiB user=[0-9.]+s sys=[0-9.]+s$' "$tmp/m.out" ||
  fail "bad measure line: $(cat "$tmp/m.out")"
grep -q '"u000060"' "$tmp/score.json" || fail "unit u000060 not in the scores"
grep -q '"people":\[{"name"' "$tmp/a.json" || fail "no roster was generated"
grep -q '"note":' "$tmp/a.json" || fail "no note was generated"

"$measure" -- sh -c 'exit 5' >/dev/null
[ $? = 5 ] || fail "measure did not pass the exit status through"
exit 0
