#!/bin/sh
# Evidence added on a full disk is a storage failure (exit 3, the
# system's message), not invalid input (exit 1), and changes nothing:
# the store sits on a 1 MiB tmpfs (needs root to mount; skipped
# otherwise) and the evidence file is larger than the space left.  On
# PostgreSQL (tests/pg/store.inc) the database is the server's and the
# data directory (evidence) is on the tmpfs.
set -u
kaohe=$(realpath "$1")
tmp=$(mktemp -d)
mnt="$tmp/mnt"
mkdir "$mnt"
if ! mount -t tmpfs -o size=1m tmpfs "$mnt" 2>/dev/null; then
  echo "SKIP: cannot mount a tmpfs (not root)"
  rm -rf "$tmp"
  exit 0
fi
trap 'umount "$mnt"; rm -rf "$tmp"' EXIT
export KAOHE_DB="$mnt/k.db" KAOHE_USER=tester KAOHE_NOW=1767225600
. tests/pg/store.inc
data=$(dirname "$0")/data
fail=0
die() { echo "FAIL: $*"; fail=1; }
for c in init "rubric import $data/mini-rubric.yaml" \
  "year open 2025 --rubric mini-2025" "import assessment $data/mini-2025.yaml" \
  "year advance 2025" "year advance 2025"; do
  # shellcheck disable=SC2086
  "$kaohe" $c >/dev/null 2>&1 || { echo "setup failed: $c"; exit 1; }
done
big="$tmp/big.pdf"
{ printf '%%PDF-1.4\n'; head -c 2000000 /dev/urandom; printf '\n%%%%EOF\n'; } >"$big"
counts() {
  sql_q "$KAOHE_DB" "SELECT (SELECT count(*) FROM evidence) || ' ' ||
    (SELECT count(*) FROM audit)"
}
before=$(counts)
"$kaohe" evidence add --year 2025 --unit jd --item 1.3 --phase inspection \
  "$big" >"$tmp/out" 2>"$tmp/err"
rc=$?
[ "$rc" = 3 ] || die "exit $rc, expected 3: $(cat "$tmp/err")"
grep -q "No space left on device" "$tmp/err" || die "message: $(cat "$tmp/err")"
after=$(counts)
[ "$before" = "$after" ] || die "the store changed: $before -> $after"
left=$(find "$mnt/k.db.data" -type f 2>/dev/null | wc -l)
[ "$left" = 0 ] || die "$left file(s) left in the data directory"
exit $fail
