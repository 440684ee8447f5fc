#!/bin/sh
# kaohe backup during a write storm, then restore: two writers keep
# setting entries (bounded: at most 400 writes each) while the backup
# runs; the restored store passes kaohe check (run by restore), and every
# write acknowledged before the backup started is in it (the entry's
# version in the copy is at least the version acknowledged) and kaohe
# audit verify passes on it.  A damaged backup, an existing target, a
# backup directory that exists and is not empty, and one that cannot be
# written are refused and change nothing.  On PostgreSQL too
# (tests/pg/store.inc): the store is read in one snapshot into the
# backup's SQLite file and restored into a new, empty database.
set -u
export LC_ALL=C   # the CLI's result lines in English
kaohe=$1
tmp=$(mktemp -d)
ro=
trap 'touch "$tmp/stop"; wait; [ -n "$ro" ] && umount "$ro"; rm -rf "$tmp"' EXIT
export KAOHE_DB="$tmp/k.db" KAOHE_USER=tester KAOHE_NOW=1767225600
. tests/pg/store.inc
# restore_to: the restore target - a new empty database on PostgreSQL
# (with its own data directory, not $KAOHE_DATA_DIR, the source's), a
# file otherwise; the restored evidence is in $tmp/NAME.db.data.
restore_to() {
  if [ -n "${KH_TEST_PG-}" ]; then
    R=$(sh tests/pg/newdb.sh) || { echo "FAIL: no PostgreSQL database"; exit 1; }
    set -- --db "$R" --data-dir "$tmp/$1.db.data"
  else
    R=$tmp/$1.db
    set -- --db "$R"
  fi
  "$kaohe" restore --from "$tmp/bk" "$@" >"$tmp/out" 2>"$tmp/err"
}
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
restore_to r || die "restore: $(cat "$tmp/out" "$tmp/err")"
tail -n 1 "$tmp/out" | grep -q "^check passed$" || die "check after restore: $(cat "$tmp/out")"
"$kaohe" audit verify --db "$R" >"$tmp/out" 2>"$tmp/err" ||
  die "audit verify of the copy: $(cat "$tmp/err")"
for u in jd xx; do
  [ -s "$tmp/before.$u" ] || { die "writer $u acknowledged nothing"; continue; }
  want=$(cut -d' ' -f2 "$tmp/before.$u")
  got=$(sql_q "$R" "SELECT version FROM entry WHERE year = 2025
    AND unit = '$u' AND item = '1.3' AND phase = 'inspection'")
  [ "$got" -ge "$want" ] 2>/dev/null ||
    die "$u/1.3/inspection: version $got in the copy, $want acknowledged before the backup"
done
[ "$(find "$tmp/r.db.data/evidence" -type f | wc -l)" = 2 ] || die "evidence not restored"

# Refusals: nothing written.
"$kaohe" backup --to "$tmp/bk" >/dev/null 2>"$tmp/err"
[ $? = 1 ] && grep -q "^--to: $tmp/bk exists and is not an empty directory" "$tmp/err" ||
  die "backup over a directory: $(cat "$tmp/err")"
# An empty directory (made ready by an admin) is taken.
mkdir "$tmp/empty"
"$kaohe" backup --to "$tmp/empty" >/dev/null 2>"$tmp/err" &&
  [ -f "$tmp/empty/MANIFEST" ] || die "backup into an empty directory: $(cat "$tmp/err")"
# A directory that cannot be written (a read-only mount as root, whom
# modes do not stop; mode 0555 otherwise): exit 3, nothing left.
mkdir "$tmp/ro"
if mount -t tmpfs -o ro,size=64k tmpfs "$tmp/ro" 2>/dev/null; then
  ro=$tmp/ro
else
  chmod 555 "$tmp/ro"
fi
"$kaohe" backup --to "$tmp/ro/bk" >/dev/null 2>"$tmp/err"
[ $? = 3 ] && grep -q "^$tmp/ro/bk: cannot make directory: " "$tmp/err" &&
  [ "$(wc -l <"$tmp/err")" = 1 ] || die "backup into a read-only directory: $(cat "$tmp/err")"
[ -z "$(ls -A "$tmp/ro")" ] || die "a refused backup left $(ls -A "$tmp/ro")"
# PostgreSQL without a data directory: no evidence to take, refused.
if [ -n "${KH_TEST_PG-}" ]; then
  env -u KAOHE_DATA_DIR "$kaohe" backup --to "$tmp/nodata" >/dev/null 2>"$tmp/err"
  [ $? = 1 ] && grep -q "^--data-dir: a store on PostgreSQL keeps its evidence" "$tmp/err" &&
    [ ! -e "$tmp/nodata" ] || die "backup without a data directory: $(cat "$tmp/err")"
fi
# Restore over a store: the file (without --force) or a database that
# holds data.
head_of() { sql_q "$1" "SELECT value FROM meta WHERE key = 'audit_head'"; }
h0=$(head_of "$R")
if [ -n "${KH_TEST_PG-}" ]; then
  "$kaohe" restore --from "$tmp/bk" --db "$R" --data-dir "$tmp/r.db.data" >/dev/null 2>"$tmp/err"
  [ $? = 1 ] && grep -q ": the target store is not empty" "$tmp/err" &&
    [ "$(wc -l <"$tmp/err")" = 1 ] || die "restore over a database: $(cat "$tmp/err")"
  "$kaohe" restore --from "$tmp/bk" --db "$R" --data-dir "$tmp/r.db.data" --force >/dev/null 2>"$tmp/err"
  [ $? = 1 ] && grep -q "^--force: a PostgreSQL database is never replaced" "$tmp/err" ||
    die "restore --force over a database: $(cat "$tmp/err")"
else
  cp "$tmp/r.db" "$tmp/r.copy"
  "$kaohe" restore --from "$tmp/bk" --db "$tmp/r.db" >/dev/null 2>"$tmp/err"
  [ $? = 1 ] && grep -q "^--db: $tmp/r.db exists" "$tmp/err" || die "restore over a store: $(cat "$tmp/err")"
  cmp -s "$tmp/r.db" "$tmp/r.copy" || die "a refused restore changed the store"
fi
[ "$(head_of "$R")" = "$h0" ] || die "a refused restore changed the audit head"
f=$(find "$tmp/bk/evidence" -type f | head -n 1)
printf 'x' >>"$f"
restore_to r2
[ $? = 1 ] && grep -q "damaged (size or SHA-256 differs from the manifest)" "$tmp/err" ||
  die "damaged backup: $(cat "$tmp/err")"
[ -e "$tmp/r2.db" ] || [ -e "$tmp/r2.db.data" ] && die "a refused restore wrote files"
if [ -n "${KH_TEST_PG-}" ]; then
  n=$(sql_q "$R" "SELECT count(*) FROM information_schema.tables WHERE
    table_schema = current_schema()")
  [ "$n" = 0 ] || die "a refused restore made $n tables in the database"
fi
exit $fail
