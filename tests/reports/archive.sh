#!/bin/sh
# The year's archive (issue 14): a published year with evidence packed,
# unpacked and verified; then one file changed, one removed, one added
# and results.json swapped, each named by `kaohe archive verify`; a
# draft year refused.
# Usage: archive.sh KAOHE   (run from the repository root)
set -eu
kaohe=$1
tmp=$(mktemp -d); [ -n "${KEEP:-}" ] && echo "kept: $tmp"
trap '[ -n "${KEEP:-}" ] || rm -rf "$tmp"' EXIT
KAOHE_DB=$tmp/kaohe.db
KAOHE_USER=tester
KAOHE_NOW=1767225600
export KAOHE_DB KAOHE_USER KAOHE_NOW
fail() { echo "archive: $*"; exit 1; }
py=/usr/bin/python3
ev=tests/evidence/data

"$kaohe" init >/dev/null
"$kaohe" rubric import tests/store/data/mini-rubric.yaml >/dev/null
"$kaohe" year open 2025 --rubric mini-2025 >/dev/null
"$kaohe" import assessment tests/store/data/mini-2025.yaml >/dev/null
"$kaohe" year advance 2025 >/dev/null
"$kaohe" year advance 2025 >/dev/null
"$kaohe" evidence add --year 2025 --unit jd --item 1.3 --phase inspection \
    $ev/会议记录.pdf $ev/现场照片.png >/dev/null
"$kaohe" year advance 2025 >/dev/null

# a year not published is refused, nothing written
"$kaohe" archive --year 2025 -o "$tmp/draft.zip" 2>"$tmp/err" &&
  fail "a year in review was archived"
grep -q 'only published or closed years are archived' "$tmp/err" ||
  fail "refusal message: $(cat "$tmp/err")"
[ -e "$tmp/draft.zip" ] && fail "a file was left for a refused archive"
ls "$tmp" | grep -q tmp && fail "a temporary file was left: $(ls "$tmp")"

"$kaohe" year advance 2025 >/dev/null
"$kaohe" archive --year 2025 -o "$tmp/a.zip" >/dev/null || fail "archive failed"
"$kaohe" archive verify "$tmp/a.zip" >"$tmp/out" || fail "fresh archive does not verify: $(cat "$tmp/out")"
grep -q 'every file matches the MANIFEST' "$tmp/out" || fail "verify summary: $(cat "$tmp/out")"

# what the archive keeps
mkdir "$tmp/x"
(cd "$tmp/x" && unzip -q ../a.zip) || fail "unzip"
for f in MANIFEST notice.docx notice.pdf sheets/jd.pdf sheets/dbgs.pdf \
         workbook.xlsx followup.pdf followup.csv results.json results.txt \
         results.csv audit.jsonl rubric.yaml \
         evidence/jd/1.3/会议记录.pdf evidence/jd/1.3/现场照片.png; do
  [ -s "$tmp/x/$f" ] || fail "$f missing from the archive"
done
cmp "$tmp/x/evidence/jd/1.3/会议记录.pdf" $ev/会议记录.pdf || fail "evidence changed"
cmp "$tmp/x/rubric.yaml" tests/store/data/mini-rubric.yaml || fail "rubric not byte for byte"
"$kaohe" results --year 2025 --format json | cmp - "$tmp/x/results.json" ||
  fail "results.json is not the frozen snapshot"
# every file's SHA-256 as sha256sum sees it
(cd "$tmp/x" && sed -n '/^$/,$p' MANIFEST | sed 1d | sha256sum -c --quiet) ||
  fail "MANIFEST hashes disagree with sha256sum"
snap=$("$kaohe" year list 2025 | awk 'NR==2 {print $NF}')
grep -q "^snapshot-sha256: $snap" "$tmp/x/MANIFEST" || fail "snapshot hash not in MANIFEST"
head=$("$kaohe" audit log | grep -c '^#')
grep -q "^audit-chain-head: [0-9a-f]\{64\} (record $head)" "$tmp/x/MANIFEST" ||
  fail "audit chain head not in MANIFEST: $(sed -n 4p "$tmp/x/MANIFEST")"
grep -q '"action": "year.advance"' "$tmp/x/audit.jsonl" || fail "audit records"

# tampering: changed, missing, unlisted, another snapshot
cp "$tmp/a.zip" "$tmp/t.zip"
$py - "$tmp/t.zip" <<'PY'
import sys, zipfile
src = sys.argv[1]
with zipfile.ZipFile(src) as z:
    items = [(i, z.read(i.filename)) for i in z.infolist()]
with zipfile.ZipFile(src, "w") as z:
    for info, data in items:
        if info.filename == "sheets/jd.pdf":
            continue                       # removed
        if info.filename == "evidence/jd/1.3/现场照片.png":
            data = data[:-1] + b"x"        # changed
        z.writestr(info, data)
    z.writestr("extra.txt", b"not archived by kaohe")
PY
"$kaohe" archive verify "$tmp/t.zip" >"$tmp/out" 2>"$tmp/err" &&
  fail "a tampered archive verified"
grep -q '^sheets/jd.pdf: missing from the archive' "$tmp/err" || fail "removed file not named: $(cat "$tmp/err")"
grep -q '^evidence/jd/1.3/现场照片.png: changed' "$tmp/err" || fail "changed file not named: $(cat "$tmp/err")"
grep -q '^extra.txt: not listed in the MANIFEST' "$tmp/err" || fail "added file not named: $(cat "$tmp/err")"
[ "$(wc -l <"$tmp/err")" -eq 3 ] || fail "unexpected messages: $(cat "$tmp/err")"

# results.json and its MANIFEST line both replaced: the snapshot hash says so
cp "$tmp/a.zip" "$tmp/s.zip"
$py - "$tmp/s.zip" <<'PY'
import sys, zipfile
src = sys.argv[1]
with zipfile.ZipFile(src) as z:
    items = [(i, z.read(i.filename)) for i in z.infolist()]
new = b'{"forged": true}\n'
with zipfile.ZipFile(src, "w") as z:
    for info, data in items:
        if info.filename == "results.json":
            data = new
        z.writestr(info, data)
PY
$py - "$tmp/s.zip" <<'PY'
import hashlib, sys, zipfile
src = sys.argv[1]
with zipfile.ZipFile(src) as z:
    items = [(i, z.read(i.filename)) for i in z.infolist()]
res = dict((i.filename, d) for i, d in items)["results.json"]
h = hashlib.sha256(res).hexdigest()
with zipfile.ZipFile(src, "w") as z:
    for info, data in items:
        if info.filename == "MANIFEST":
            lines = data.decode().split("\n")
            lines = [(h + "  results.json") if l.endswith("  results.json") else l
                     for l in lines]
            data = "\n".join(lines).encode()
        z.writestr(info, data)
PY
"$kaohe" archive verify "$tmp/s.zip" >"$tmp/out" 2>"$tmp/err" &&
  fail "a forged snapshot verified"
grep -q '^results.json: is not the published snapshot' "$tmp/err" ||
  fail "forged snapshot not named: $(cat "$tmp/err")"

# not a zip
echo nonsense >"$tmp/n.zip"
"$kaohe" archive verify "$tmp/n.zip" 2>"$tmp/err" && fail "nonsense verified"
grep -q 'not a readable zip archive' "$tmp/err" || fail "nonsense message: $(cat "$tmp/err")"
echo "archive: ok"
