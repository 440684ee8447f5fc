#!/bin/sh
# The round trip of issue 3: for the example college, `kaohe score` on the
# file, `kaohe results` from the store after `kaohe import assessment`, and
# `kaohe score` on `kaohe export assessment` give identical output (JSON,
# and the table and CSV as well); once published, the frozen results are
# the same too.  The figures themselves are checked against README's
# hand-worked walkthrough (readme_figures.inc).
# Usage: roundtrip.sh KAOHE   (run from the repository root)
set -eu
kaohe=$1
. tests/store/readme_figures.inc
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
KAOHE_DB=$tmp/kaohe.db; . tests/pg/store.inc
KAOHE_USER=tester
export KAOHE_DB KAOHE_USER
R=rubrics/ideology-2020.yaml
A=examples/college-2025.yaml
Y=$(sed -n 's/^year:[[:space:]]*\([0-9]*\).*/\1/p' "$A" | head -1)

"$kaohe" init >/dev/null
"$kaohe" rubric import "$R" >/dev/null
"$kaohe" year open "$Y" --rubric ideology-2020 >/dev/null
"$kaohe" import assessment "$A" >/dev/null
"$kaohe" export assessment --year "$Y" -o "$tmp/export.yaml"
for f in json table csv; do
  "$kaohe" score --rubric "$R" --input "$A" --format $f >"$tmp/file.$f"
  "$kaohe" results --year "$Y" --format $f >"$tmp/store.$f"
  "$kaohe" score --rubric "$R" --input "$tmp/export.yaml" --format $f \
      >"$tmp/export.$f"
  cmp "$tmp/file.$f" "$tmp/store.$f" || {
    echo "roundtrip: results ($f) differ from score on the file"
    diff "$tmp/file.$f" "$tmp/store.$f" | head -20
    exit 1
  }
  cmp "$tmp/file.$f" "$tmp/export.$f" || {
    echo "roundtrip: score on the export ($f) differs"
    diff "$tmp/file.$f" "$tmp/export.$f" | head -20
    exit 1
  }
done
readme_figures "$tmp/file.json"
# The rubric comes back byte for byte.
"$kaohe" rubric export ideology-2020 -o "$tmp/rubric.yaml"
cmp "$R" "$tmp/rubric.yaml"
# Published: the snapshot gives the same figures.
for i in 1 2 3 4; do "$kaohe" year advance "$Y" >/dev/null; done
"$kaohe" results --year "$Y" --format json >"$tmp/frozen.json"
cmp "$tmp/file.json" "$tmp/frozen.json"
readme_figures "$tmp/frozen.json"
"$kaohe" check >/dev/null
echo "roundtrip: score, results, export and snapshot agree"
