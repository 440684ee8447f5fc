#!/bin/sh
# `kaohe import assessment` killed with SIGKILL in the middle of a large
# import (while it writes entries): afterwards the store holds exactly
# what it held before and `kaohe check` is clean.
# Usage: sigkill.sh KAOHE   (run from the repository root)
set -eu
kaohe=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
KAOHE_DB=$tmp/kaohe.db; . tests/pg/store.inc
KAOHE_USER=tester
export KAOHE_DB KAOHE_USER
N=${KH_SIGKILL_UNITS:-10000}

"$kaohe" init >/dev/null
"$kaohe" rubric import tests/store/data/mini-rubric.yaml >/dev/null
"$kaohe" year open 2025 --rubric mini-2025 >/dev/null
"$kaohe" import assessment tests/store/data/mini-2025.yaml >/dev/null
"$kaohe" export assessment --year 2025 -o "$tmp/before.yaml"
"$kaohe" audit log >"$tmp/audit-before.txt"

# N units, every applicable item in both phases (1.4 is faculty-only).
awk -v n="$N" 'BEGIN {
  print "year: 2025"
  print "units:"
  for (i = 0; i < n; i++)
    printf "  - {id: u%d, name: 单位%d, kind: %s}\n", i, i,
           (i % 2 ? "office" : "faculty")
  print "entries:"
  split("self inspection", ph, " ")
  for (i = 0; i < n; i++)
    for (p = 1; p <= 2; p++) {
      printf "  - {unit: u%d, item: \"1.1\", phase: %s, inputs: {plan: true}}\n", i, ph[p]
      printf "  - {unit: u%d, item: \"1.2\", phase: %s, inputs: {report: late}}\n", i, ph[p]
      printf "  - {unit: u%d, item: \"1.3\", phase: %s, inputs: {meetings: %d}}\n", i, ph[p], i % 5
      if (i % 2 == 0)
        printf "  - {unit: u%d, item: \"1.4\", phase: %s, inputs: {lectures: true}}\n", i, ph[p]
      printf "  - {unit: u%d, item: \"2.1\", phase: %s, inputs: {study: 4}}\n", i, ph[p]
      printf "  - {unit: u%d, item: \"2.2\", phase: %s, inputs: {xuexi_below: %d, events: 1}}\n", i, ph[p], i % 3
    }
}' >"$tmp/big.yaml"

"$kaohe" import assessment "$tmp/big.yaml" --progress 2>"$tmp/progress" &
pid=$!
# Kill once it has written some entries (progress past 0), long before the
# commit: the remaining 99% of the rows are still to be written.
while ! grep -q 'entries [1-9]' "$tmp/progress" 2>/dev/null; do
  if ! kill -0 "$pid" 2>/dev/null; then
    echo "sigkill: the import ended before it could be killed:"
    cat "$tmp/progress"
    exit 1
  fi
  sleep 0.02
done
kill -9 "$pid"
rc=0
wait "$pid" || rc=$?
if [ "$rc" != 137 ]; then
  echo "sigkill: the import was not killed (exit status $rc)"
  exit 1
fi
[ -f "$KAOHE_DB-wal" ] || echo "sigkill: note: no WAL file left behind"

"$kaohe" check >"$tmp/check.txt" || {
  echo "sigkill: kaohe check failed after the kill:"
  cat "$tmp/check.txt"
  exit 1
}
"$kaohe" export assessment --year 2025 -o "$tmp/after.yaml"
"$kaohe" audit log >"$tmp/audit-after.txt"
cmp "$tmp/before.yaml" "$tmp/after.yaml" || {
  echo "sigkill: the year's data changed"
  exit 1
}
cmp "$tmp/audit-before.txt" "$tmp/audit-after.txt" || {
  echo "sigkill: the audit log changed"
  exit 1
}
echo "sigkill: store unchanged after SIGKILL, check clean"
