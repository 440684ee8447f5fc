#!/bin/sh
# The audit head signed with a key kept outside the store: verify --key
# accepts the signed store, and refuses another key, a stored signature
# altered outside kaohe (sqlite3 or psql: tests/golden/sql.sh), and a log
# whose signed record was cut off with meta.audit_head rewritten; a secret
# key file is mode 0600.  On PostgreSQL too (tests/pg/store.inc).
set -u
export LC_ALL=C   # the CLI's result lines in English
kaohe=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export KAOHE_DB="$tmp/k.db" KAOHE_USER=tester KAOHE_NOW=1767225600
. tests/pg/store.inc
data=$(dirname "$0")/data
fail=0
die() { echo "FAIL: $*"; fail=1; }
run() { "$kaohe" "$@" >"$tmp/out" 2>"$tmp/err"; echo $? >"$tmp/rc"; }
"$kaohe" init >/dev/null &&
  "$kaohe" rubric import "$data/mini-rubric.yaml" >/dev/null &&
  "$kaohe" year open 2025 --rubric mini-2025 >/dev/null &&
  "$kaohe" import assessment "$data/mini-2025.yaml" >/dev/null ||
  { echo "setup failed"; exit 1; }
run audit keygen --out "$tmp/a"
[ "$(cat "$tmp/rc")" = 0 ] || die "keygen: exit $(cat "$tmp/rc")"
[ "$(stat -c %a "$tmp/a.key")" = 600 ] || die "secret key not mode 0600"
run audit keygen --out "$tmp/a"
[ "$(cat "$tmp/rc")" = 3 ] || die "keygen over an existing key: exit $(cat "$tmp/rc")"
"$kaohe" audit keygen --out "$tmp/b" >/dev/null || die "second keygen"
run audit verify --key "$tmp/a.pub"
[ "$(cat "$tmp/rc")" = 1 ] && grep -q "never signed" "$tmp/err" ||
  die "verify before signing: $(cat "$tmp/err")"
run audit sign --key "$tmp/a.pub"
[ "$(cat "$tmp/rc")" = 1 ] && grep -q "not a kaohe secret key file" "$tmp/err" ||
  die "signing with a public key: $(cat "$tmp/err")"
run audit sign --key "$tmp/a.key"
grep -q "^audit log head signed: 10:" "$tmp/out" || die "sign: $(cat "$tmp/out" "$tmp/err")"
"$kaohe" year advance 2025 >/dev/null || die "advance"
run audit verify --key "$tmp/a.pub"
[ "$(cat "$tmp/rc")" = 0 ] && grep -q "^signature valid: head 10:" "$tmp/out" ||
  die "verify signed: $(cat "$tmp/out" "$tmp/err")"
run audit verify --key "$tmp/b.pub"
[ "$(cat "$tmp/rc")" = 1 ] && grep -q "does not match the key" "$tmp/err" ||
  die "verify with another key: $(cat "$tmp/err")"
# Cut the log back to record 9 and rewrite the head: the chain alone
# passes, the signed head 10 does not.
sh tests/golden/sql.sh "DELETE FROM audit WHERE seq >= 10; UPDATE meta SET
  value = (SELECT seq || ' ' || hash FROM audit WHERE seq = 9)
  WHERE key = 'audit_head'" || die "cutting the log"
"$kaohe" audit verify >/dev/null 2>&1 || die "the cut chain itself should verify"
run audit verify --key "$tmp/a.pub"
[ "$(cat "$tmp/rc")" = 1 ] &&
  grep -q "^audit record 10: missing, but the head 10:" "$tmp/err" ||
  die "cut log: $(cat "$tmp/err")"
sh tests/golden/sql.sh "UPDATE meta SET value = replace(value, ' ', ' 00')
  WHERE key = 'audit_signature'" || die "altering the signature"
run audit verify --key "$tmp/a.pub"
[ "$(cat "$tmp/rc")" = 1 ] && grep -q "signature of the audit head is malformed" "$tmp/err" ||
  die "altered signature: $(cat "$tmp/err")"
exit $fail
