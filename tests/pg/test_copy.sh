#!/bin/sh
# tests/pg/test_copy.sh KAOHE - `kaohe store copy` from a SQLite store with a
# published year, users, evidence and follow-up to a fresh PostgreSQL
# database (needs $KH_TEST_PG): the copy passes `kaohe check` and `kaohe
# audit verify` with the same chain head, shows the same results, users,
# audit log and evidence, and takes new writes; a second copy into the
# used target, and a copy without a data directory, are refused and change
# nothing.
set -u
K=$1
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
export KAOHE_USER=setup KAOHE_NOW=1767225600
unset KAOHE_DATA_DIR
SRC=$T/src.db
{
    $K init --db "$SRC" && $K rubric import rubrics/ideology-2020.yaml --db "$SRC" &&
    $K year open 2025 --rubric ideology-2020 --db "$SRC" &&
    $K import assessment examples/college-2025.yaml --db "$SRC" &&
    $K year advance 2025 --db "$SRC" && $K year advance 2025 --db "$SRC" &&
    $K evidence add --year 2025 --unit jd --item 1.3 --phase inspection \
        tests/evidence/data/会议记录.pdf --db "$SRC" &&
    $K year advance 2025 --db "$SRC" && $K year advance 2025 --allow-missing --db "$SRC" &&
    $K followup item add --year 2025 --unit yx --text 完善专题会议记录 \
        --deadline 2026-03-31 --db "$SRC" &&
    echo password123 | $K user add admin1 --role admin --db "$SRC" &&
    echo password123 | $K user add jd1 --role unit --unit jd --db "$SRC"
} >"$T/setup.log" 2>&1 || { cat "$T/setup.log"; echo "FAIL: setup"; exit 1; }
DST=$(sh tests/pg/newdb.sh) || exit 1

# Without a data directory the target cannot hold evidence: refused.
$K store copy --from "$SRC" --to "$DST" >"$T/out" 2>"$T/err" &&
    fail "copy without --data-dir accepted"
grep -q -- '--data-dir' "$T/err" || fail "no hint at --data-dir: $(cat "$T/err")"

LC_ALL=C $K store copy --from "$SRC" --to "$DST" --data-dir "$T/dst.data" >"$T/out" 2>"$T/err" ||
    fail "copy: $(cat "$T/err")"
grep -q 'evidence files' "$T/out" || fail "copy output: $(cat "$T/out")"
export KAOHE_DATA_DIR=$T/dst.data
$K check --db "$DST" >"$T/check" 2>&1 || fail "check on the copy: $(cat "$T/check")"
for cmd in "audit verify" "audit log" "results --year 2025" "user list" \
           "followup list --year 2025" \
           "evidence list --year 2025" "export assessment --year 2025"; do
    # shellcheck disable=SC2086
    $K $cmd --db "$SRC" >"$T/a" 2>&1
    # shellcheck disable=SC2086
    $K $cmd --db "$DST" >"$T/b" 2>&1
    cmp -s "$T/a" "$T/b" || fail "$cmd differs: $(diff "$T/a" "$T/b" | head -5)"
done
h=$(sha256sum tests/evidence/data/会议记录.pdf | cut -c1-64)
$K evidence get "$h" -o "$T/got.pdf" --db "$DST" >/dev/null 2>"$T/err" ||
    fail "evidence get: $(cat "$T/err")"
cmp -s "$T/got.pdf" tests/evidence/data/会议记录.pdf || fail "evidence file differs"

# The copy goes on: new ids (identity columns) and audit records follow
# the copied ones.
$K followup item add --year 2025 --unit yx --text 健全工作机制 \
    --deadline 2026-04-30 --db "$DST" >/dev/null 2>"$T/err" ||
    fail "follow-up item on the copy: $(cat "$T/err")"
[ "$($K followup list --year 2025 --db "$DST" | grep -c '健全工作机制\|完善专题会议记录')" = 2 ] ||
    fail "follow-up items after the copy: $($K followup list --year 2025 --db "$DST")"
$K followup talk add --year 2025 --unit yx --date 2025-12-30 --by 王五 \
    --summary 谈话 --db "$DST" >/dev/null 2>"$T/err" ||
    fail "follow-up talk on the copy: $(cat "$T/err")"
echo password123 | $K user add insp1 --role inspector --db "$DST" >/dev/null 2>"$T/err" ||
    fail "user add on the copy: $(cat "$T/err")"
$K audit verify --db "$DST" >"$T/v" 2>&1 || fail "audit verify after a write: $(cat "$T/v")"

# A second copy into the used target: refused, nothing changed.
before=$($K audit log --db "$DST" | grep -c '^#')
$K store copy --from "$SRC" --to "$DST" >"$T/out" 2>"$T/err"
rc=$?
[ "$rc" = 1 ] || fail "copy into a used store: exit status $rc ($(cat "$T/err"))"
grep -q 'not empty' "$T/err" || fail "copy into a used store: $(cat "$T/err")"
[ "$($K audit log --db "$DST" | grep -c '^#')" = "$before" ] || fail "used target changed"

[ "$fails" = 0 ] || { echo "$fails failure(s)"; exit 1; }
echo "pg store copy: ok"
