#!/bin/sh
# Runs one golden CLI case.  A case is a directory holding:
#   cmd           the kaohe arguments, one line, shell words; run from the
#                 repository root, so paths are repository-relative
#   expected.out  exact standard output (optional; default: must be empty)
#   expected.err  exact standard error (optional; default: must be empty)
#   expected.rc   exit status (optional; default 0)
#   stdin         standard input (optional)
#   locale        the locale the case runs in, e.g. zh_CN.UTF-8 for the
#                 messages in Chinese (optional; default C: English)
#   setup         commands run first, one per line (optional): kaohe
#                 arguments, or a shell command after "! " (which finds
#                 the kaohe under test in $KAOHE_BIN); each must
#                 succeed; their output is not compared
#   after         commands run after cmd, same syntax as setup, to show
#                 the state cmd left (optional): each must succeed; its
#                 standard output is appended to cmd's after a line
#                 "## after: LINE", so a change that did not happen, or
#                 a refused one that did, fails the case
# Every case gets a fresh store: KAOHE_DB is $TMP/kaohe.db (a new
# temporary directory), KAOHE_USER is "tester" and KAOHE_NOW fixes the
# time stamps; the directory's name is shown as $TMP in the output (and is
# $KH_TMP to the case's commands).
# Set KH_GOLDEN_UPDATE=1 to rewrite the expected files from the run (with
# $KH_TEST_PG: the expected.pg.* files, kept only where they differ).
# With $KH_TEST_PG set (the golden.NAME.pg variants) the store is a fresh
# PostgreSQL database instead, KAOHE_DATA_DIR is $TMP/kaohe.db.data, and
# its URI is shown as $TMP/kaohe.db, so the same expected files serve both
# engines.  A case whose output must differ on PostgreSQL keeps it in
# expected.pg.out / expected.pg.err / expected.pg.rc; a case about the
# SQLite file itself (a `sqlite-only` file says why) exits 77 (skipped).
set -u
kaohe=$1
dir=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
KAOHE_DB="$tmp/kaohe.db"
pg=
if [ -n "${KH_TEST_PG-}" ]; then
  if [ -f "$dir/sqlite-only" ]; then
    echo "skipped on PostgreSQL: $(cat "$dir/sqlite-only")"; exit 77
  fi
  KAOHE_DATA_DIR="$tmp/kaohe.db.data"; export KAOHE_DATA_DIR
  pg=$(sh tests/pg/newdb.sh) || { echo "no PostgreSQL database"; exit 1; }
  KAOHE_DB=$pg
fi
# Messages in English unless the case asks for a locale (po/zh_CN.po).
LC_ALL=C
[ -f "$dir/locale" ] && LC_ALL=$(cat "$dir/locale")
export LC_ALL
KAOHE_USER=tester
KAOHE_NOW=1767225600
KAOHE_BIN=$kaohe
KH_TMP=$tmp
export KAOHE_DB KAOHE_USER KAOHE_NOW KAOHE_BIN KH_TMP
if [ -f "$dir/setup" ]; then
  while IFS= read -r line || [ -n "$line" ]; do
    case $line in ''|'#'*) continue ;; esac
    case $line in
      '! '*) sh -c "${line#! }" >"$tmp/setup.out" 2>&1 </dev/null ;;
      *) (eval "set -- $line"; "$kaohe" "$@") >"$tmp/setup.out" 2>&1 </dev/null ;;
    esac || { echo "setup failed: $line"; cat "$tmp/setup.out"; exit 1; }
  done <"$dir/setup"
fi
args=$(cat "$dir/cmd")
if [ -f "$dir/stdin" ]; then in="$dir/stdin"; else in=/dev/null; fi
eval "set -- $args"
"$kaohe" "$@" <"$in" >"$tmp/out.raw" 2>"$tmp/err.raw"
rc=$?
if [ -f "$dir/after" ]; then
  while IFS= read -r line || [ -n "$line" ]; do
    case $line in ''|'#'*) continue ;; esac
    echo "## after: $line" >>"$tmp/out.raw"
    case $line in
      '! '*) sh -c "${line#! }" >>"$tmp/out.raw" 2>"$tmp/after.err" </dev/null ;;
      *) (eval "set -- $line"; "$kaohe" "$@") >>"$tmp/out.raw" 2>"$tmp/after.err" </dev/null ;;
    esac || { echo "after failed: $line"; cat "$tmp/after.err"; exit 1; }
  done <"$dir/after"
fi
for s in out err; do
  if [ -n "$pg" ]; then
    sed -e "s|$pg|$tmp/kaohe.db|g" "$tmp/$s.raw" >"$tmp/$s.pg"
    mv "$tmp/$s.pg" "$tmp/$s.raw"
  fi
  # A password's digest (audit user.add/user.passwd) follows its salted
  # hash, which differs at every run.
  sed -e "s|$tmp|\$TMP|g" -e 's/pwdigest=[0-9a-f]\{16\}/pwdigest=HEX/g' \
    "$tmp/$s.raw" >"$tmp/$s"
done
want_rc=0
[ -f "$dir/expected.rc" ] && want_rc=$(cat "$dir/expected.rc")
x=
[ -n "$pg" ] && x=.pg
[ -n "$pg" ] && [ -f "$dir/expected.pg.rc" ] && want_rc=$(cat "$dir/expected.pg.rc")
if [ "${KH_GOLDEN_UPDATE:-}" = 1 ] && [ -n "$pg" ]; then
  # PostgreSQL: an expected.pg.* file only where the output differs.
  for s in out err; do
    if cmp -s "$tmp/$s" "$dir/expected.$s" 2>/dev/null ||
       { [ ! -s "$tmp/$s" ] && [ ! -f "$dir/expected.$s" ]; }; then
      rm -f "$dir/expected.pg.$s"
    else
      cp "$tmp/$s" "$dir/expected.pg.$s"
    fi
  done
  echo "updated $dir (PostgreSQL)"
  exit 0
fi
if [ "${KH_GOLDEN_UPDATE:-}" = 1 ]; then
  cp "$tmp/out" "$dir/expected.out"; [ -s "$dir/expected.out" ] || rm -f "$dir/expected.out"
  cp "$tmp/err" "$dir/expected.err"; [ -s "$dir/expected.err" ] || rm -f "$dir/expected.err"
  if [ "$rc" != 0 ]; then echo "$rc" >"$dir/expected.rc"; else rm -f "$dir/expected.rc"; fi
  echo "updated $dir"
  exit 0
fi
fail=0
if [ "$rc" != "$want_rc" ]; then
  echo "exit status $rc, expected $want_rc"; fail=1
fi
for s in out err; do
  want="$dir/expected.$s"
  [ -n "$x" ] && [ -f "$dir/expected$x.$s" ] && want="$dir/expected$x.$s"
  if [ -f "$want" ]; then
    if ! cmp -s "$want" "$tmp/$s"; then
      echo "std$s differs:"; diff -u "$want" "$tmp/$s" | head -40; fail=1
    fi
  elif [ -s "$tmp/$s" ]; then
    echo "unexpected std$s:"; head -20 "$tmp/$s"; fail=1
  fi
done
exit $fail
