#!/bin/sh
# YAML aliases (issue 8, item 7): the example college written by PyYAML
# with every repeated mapping or list shared, so that yaml.dump emits
# anchors and aliases (&id001 / *id001), scores byte for byte like the
# file without them, and gives README's hand-worked figures.  The test fails if PyYAML wrote no alias at all.
# Usage: yaml_aliases.sh KAOHE   (run from the repository root)
set -eu
kaohe=$1
. tests/store/readme_figures.inc
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
R=rubrics/ideology-2020.yaml
A=examples/college-2025.yaml

python3 - "$A" "$tmp/aliased.yaml" <<'PY'
import json, sys, yaml

def share(x, seen):
    """Equal mappings and lists become one object, so yaml.dump aliases them."""
    if isinstance(x, dict):
        x = {k: share(v, seen) for k, v in x.items()}
    elif isinstance(x, list):
        x = [share(v, seen) for v in x]
    else:
        return x
    return seen.setdefault(json.dumps(x, sort_keys=True, ensure_ascii=False), x)

with open(sys.argv[1], encoding="utf-8") as f:
    data = yaml.safe_load(f)
with open(sys.argv[2], "w", encoding="utf-8") as f:
    yaml.dump(share(data, {}), f, allow_unicode=True, sort_keys=False)
PY

n=$(grep -c '\*id[0-9]' "$tmp/aliased.yaml" || true)
[ "$n" -gt 10 ] || { echo "yaml_aliases: PyYAML wrote only $n aliases"; exit 1; }
grep -q '&id001' "$tmp/aliased.yaml"

for f in json table csv; do
  "$kaohe" score --rubric "$R" --input "$A" --format $f >"$tmp/plain.$f"
  "$kaohe" score --rubric "$R" --input "$tmp/aliased.yaml" --format $f \
      >"$tmp/aliased.$f"
  cmp "$tmp/plain.$f" "$tmp/aliased.$f" || {
    echo "yaml_aliases: score ($f) of the aliased file differs"
    diff "$tmp/plain.$f" "$tmp/aliased.$f" | head -20
    exit 1
  }
done
readme_figures "$tmp/aliased.json"
# The same file through the store's import.
KAOHE_DB=$tmp/kaohe.db KAOHE_USER=tester
export KAOHE_DB KAOHE_USER
"$kaohe" init >/dev/null
"$kaohe" rubric import "$R" >/dev/null
"$kaohe" year open 2025 --rubric ideology-2020 >/dev/null
"$kaohe" import assessment "$tmp/aliased.yaml" >/dev/null
"$kaohe" results --year 2025 --format json >"$tmp/store.json"
cmp "$tmp/plain.json" "$tmp/store.json"
echo "yaml_aliases: $n aliases, scores identical"
