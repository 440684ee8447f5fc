#!/bin/sh
# Runs every libFuzzer target of a KH_FUZZ build for longer than `make
# check` does (20 s each), one after another on one core, from its
# committed corpus plus the tests' and examples' data of its kind.
#   sh scripts/fuzz_long.sh BUILD_DIR [SECONDS] [TARGET...]
# BUILD_DIR: a build configured with -DKH_SANITIZE=ON -DKH_FUZZ=ON (clang).
# SECONDS: per target, 600 by default.  Work goes to $KH_FUZZ_WORK
# (/tmp/kaohe-fuzz): WORK/NAME/corpus (grown), WORK/NAME/crash-* etc.
# (anything found), WORK/NAME/log.  New corpus entries worth keeping are
# merged back by hand (-merge=1), crashing inputs go to
# tests/fuzz/corpus/NAME/ with the fix.
set -eu
build=$1
secs=${2:-600}
shift
[ $# -gt 0 ] && shift
root=$(cd "$(dirname "$0")/.." && pwd)
work=${KH_FUZZ_WORK:-/tmp/kaohe-fuzz}
targets=${*:-$(cd "$root/tests/fuzz" && ls fuzz_*.c | sed 's/\.c$//')}

# The data of each target's kind that the tests already use.
seeds() {
  case $1 in
    fuzz_assess) ls "$root"/examples/*.yaml ;;
    fuzz_rubric) ls "$root"/rubrics/*.yaml ;;
    fuzz_questionnaire) ls "$root"/questionnaires/*.yaml ;;
    fuzz_table) ls "$root"/examples/*.csv "$root"/examples/*.xlsx ;;
    fuzz_doc) ls "$root"/examples/*.yaml "$root"/rubrics/*.yaml \
                 "$root"/questionnaires/*.yaml ;;
    *) ;;
  esac
}

for t in $targets; do
  d=$work/$t
  mkdir -p "$d/corpus"
  cp "$root/tests/fuzz/corpus/$t"/* "$d/corpus/"
  for f in $(seeds "$t"); do cp "$f" "$d/corpus/"; done
  echo "fuzz: $t for ${secs}s from $(ls "$d/corpus" | wc -l) inputs"
  rc=0
  (cd "$d" && "$build/tests/fuzz/$t" -max_total_time="$secs" -jobs=1 \
     -rss_limit_mb=2048 -timeout=30 -artifact_prefix="$d/" corpus \
     >"$d/log" 2>&1) || rc=$?
  # -jobs=1 runs one worker whose output is fuzz-0.log.
  [ -f "$d/fuzz-0.log" ] && tail -3 "$d/fuzz-0.log"
  echo "fuzz: $t exit $rc, corpus $(ls "$d/corpus" | wc -l) inputs," \
       "found: $(ls "$d" | grep -c -E '^(crash|leak|timeout|oom)-' || true)"
done
