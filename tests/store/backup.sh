#!/bin/sh
# kaohe backup during a write storm, then restore: two writers keep
# setting entries (bounded: at most 400 writes each) while the backup
# runs; the restored store passes kaohe check (run by restore), and every
# write acknowledged before the backup started is in it (the entry's
# version in the copy is at least the version acknowledged).  A damaged
# backup, an existing target and an existing backup directory are
# refused and change nothing.
set -u
export LC_ALL=C   # the CLI's result lines in English
kaohe=$1
tmp=$(mktemp -d)
trap 'touch "$tmp/stop"; wait; rm -rf "$tmp"' EXIT
export KAOHE_DB="$tmp/k.db" KAOHE_USER=tester KAOHE_NOW=1767225600
data=$(dirname "$0")/data
ev=$(dirname "$0")/../evidence/data
fail=0
die() { echo "FAIL: $*"; fail=1; }
for c in init "rubric import $data/mini-rubric.yaml" \
  "year open 2025 --rubric mini-2025" "import assessment $data/mini-2025.yaml" \
  "year advance 2025" "year advance 2025"; do
  # shellcheck disable=SC2086
  "$kaohe" $c >/dev/null 2>&1 || { echo "setup failed: $c"; exit 1; }
done
"$kaohe" evidence add --year 2025 --unit jd --item 1.3 --phase inspection \
  "$ev/会议记录.pdf" "$ev/现场照片.png" >/dev/null || { echo "setup: evidence"; exit 1; }

# writer UNIT: sets UNIT/1.3/inspection until told to stop; each
# acknowledged write appends "UNIT VERSION" to $tmp/ack.UNIT.
writer() {
  i=0
  while [ $i -lt 400 ] && [ ! -e "$tmp/stop" ]; do
    i=$((i + 1))
    out=$("$kaohe" entry set --year 2025 --unit "$1" --item 1.3 \
      --phase inspection --input meetings=$((i % 7)) --note "w$i" 2>&1) &&
      echo "$1 ${out##*version }" >>"$tmp/ack.$1"
  done
}
writer jd &
writer xx &
n=0
while [ "$(cat "$tmp"/ack.* 2>/dev/null | wc -l)" -lt 20 ] && [ $n -lt 300 ]; do
  sleep 0.1; n=$((n + 1))
done
# What was acknowledged before the backup started.
for u in jd xx; do tail -n 1 "$tmp/ack.$u" >"$tmp/before.$u" 2>/dev/null; done
"$kaohe" backup --to "$tmp/bk" >"$tmp/out" 2>"$tmp/err" ||
  die "backup: $(cat "$tmp/err")"
during=$(cat "$tmp"/ack.* | wc -l)
touch "$tmp/stop"
wait
echo "acknowledged writes: $(cat "$tmp"/before.* | wc -l) units before, $during when the backup ended"
grep -q "^备份完成：数据库 [0-9]* 字节，证据文件 2 个$" "$tmp/out" ||
  die "backup report: $(cat "$tmp/out")"
"$kaohe" restore --from "$tmp/bk" --db "$tmp/r.db" >"$tmp/out" 2>"$tmp/err" ||
  die "restore: $(cat "$tmp/out" "$tmp/err")"
tail -n 1 "$tmp/out" | grep -q "^check passed$" || die "check after restore: $(cat "$tmp/out")"
for u in jd xx; do
  [ -s "$tmp/before.$u" ] || { die "writer $u acknowledged nothing"; continue; }
  want=$(cut -d' ' -f2 "$tmp/before.$u")
  got=$(sqlite3 "$tmp/r.db" "SELECT version FROM entry WHERE year = 2025
    AND unit = '$u' AND item = '1.3' AND phase = 'inspection'")
  [ "$got" -ge "$want" ] 2>/dev/null ||
    die "$u/1.3/inspection: version $got in the copy, $want acknowledged before the backup"
done
[ "$(find "$tmp/r.db.data/evidence" -type f | wc -l)" = 2 ] || die "evidence not restored"

# Refusals: nothing written.
"$kaohe" backup --to "$tmp/bk" >/dev/null 2>"$tmp/err"
[ $? = 1 ] && grep -q "^--to: $tmp/bk exists" "$tmp/err" || die "backup over a directory: $(cat "$tmp/err")"
cp "$tmp/r.db" "$tmp/r.copy"
"$kaohe" restore --from "$tmp/bk" --db "$tmp/r.db" >/dev/null 2>"$tmp/err"
[ $? = 1 ] && grep -q "^--db: $tmp/r.db exists" "$tmp/err" || die "restore over a store: $(cat "$tmp/err")"
cmp -s "$tmp/r.db" "$tmp/r.copy" || die "a refused restore changed the store"
f=$(find "$tmp/bk/evidence" -type f | head -n 1)
printf 'x' >>"$f"
"$kaohe" restore --from "$tmp/bk" --db "$tmp/r2.db" >/dev/null 2>"$tmp/err"
[ $? = 1 ] && grep -q "damaged (size or SHA-256 differs from the manifest)" "$tmp/err" ||
  die "damaged backup: $(cat "$tmp/err")"
[ -e "$tmp/r2.db" ] || [ -e "$tmp/r2.db.data" ] && die "a refused restore wrote files"
exit $fail
