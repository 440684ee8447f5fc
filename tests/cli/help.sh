#!/bin/sh
# Every command and subcommand answers --help on stdout with exit 0,
# writes nothing to stderr and touches no store (a --help that went on to
# run the command once crashed on a NULL file name).  The text is checked
# too: standard output holds that subcommand's own usage line
# ("Usage: kaohe year open ..." or an indented "kaohe year open ..." in a
# group's text), so a --help answering with another text, or with the
# usage on stderr, fails.
set -u
kaohe=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export KAOHE_DB="$tmp/none.db"
fail=0
while IFS= read -r c; do
  [ -z "$c" ] && continue
  # shellcheck disable=SC2086
  "$kaohe" $c --help >"$tmp/out" 2>"$tmp/err"
  rc=$?
  if [ "$rc" != 0 ] || [ -s "$tmp/err" ] || [ ! -s "$tmp/out" ]; then
    echo "FAIL: kaohe $c --help: exit $rc"; head -3 "$tmp/err"; fail=1
  elif ! grep -Eq "^(Usage: +| +)kaohe $c( |\$)" "$tmp/out"; then
    echo "FAIL: kaohe $c --help: no usage line 'kaohe $c ...' on stdout"
    head -3 "$tmp/out"; fail=1
  fi
done <<'LIST'
score
explain
rubric check
rubric show
rubric import
rubric export
rubric list
rubric diff
init
year open
year advance
year reopen
year list
units import
units list
roster import
import assessment
export assessment
export xlsx
export html
compare
entry set
entry list
record add
record remove
record list
results
audit log
audit verify
audit sign
audit keygen
backup
restore
check
user add
user assign
user list
user passwd
user disable
evidence add
evidence get
evidence list
followup list
followup talk add
followup item add
followup item close
practice add
practice list
serve
LIST
# The top level: its usage and every command it lists.
"$kaohe" --help >"$tmp/out" 2>"$tmp/err"
if [ $? != 0 ] || [ -s "$tmp/err" ] || ! grep -q '^Usage: kaohe COMMAND' "$tmp/out"; then
  echo "FAIL: kaohe --help"; fail=1
fi
for c in score explain rubric init year units import export entry roster \
         record results compare audit check evidence followup practice user \
         serve; do
  grep -Eq "^  $c " "$tmp/out" || { echo "FAIL: kaohe --help lists no $c"; fail=1; }
done
if [ -e "$KAOHE_DB" ]; then echo "FAIL: --help created a store"; fail=1; fi
[ "$fail" = 0 ] && echo "all --help texts ok"
exit $fail
