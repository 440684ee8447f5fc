#!/bin/sh
# tests/cli/survey.sh KAOHE - questionnaire commands beyond the golden
# cases (whose output is random or binary): codes are 16 base32
# characters, unique, printed once and stored only hashed; the printable
# slips hold one QR code per code; a refused paper import stores nothing
# (all or nothing) and audits nothing; the xlsx tally is a workbook whose
# answers are strings, never formulas, and whose first columns are names
# (LibreOffice headless reads it).  Run from the repository root.
set -u
K=$1
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
export KAOHE_DB=$T/k.db KAOHE_USER=tester
{
    $K init &&
    $K rubric import rubrics/ideology-2020.yaml &&
    $K year open 2025 --rubric ideology-2020 &&
    $K units import examples/units-2025.csv --year 2025 &&
    $K questionnaire import questionnaires/ideology-2020-students.yaml &&
    $K questionnaire round open --year 2025 --questionnaire ideology-2020-students \
        --audience 学生 --unit jd --unit xx --min 1
} >"$T/setup.log" 2>&1 || { cat "$T/setup.log"; echo "FAIL: setup"; exit 1; }

$K questionnaire codes --round 1 --unit jd --count 50 --base-url https://kh.example/ >"$T/codes.csv" ||
    fail "codes"
[ "$(head -1 "$T/codes.csv")" = "code,link" ] || fail "csv header"
[ "$(tail -n +2 "$T/codes.csv" | grep -c '^[0-9a-hjkmnp-tv-z]\{16\},https://kh.example/q/[0-9a-z]\{16\}$')" = 50 ] ||
    fail "50 codes of 16 base32 characters with their links"
[ "$(tail -n +2 "$T/codes.csv" | cut -d, -f1 | sort -u | wc -l)" = 50 ] || fail "codes unique"
c=$(sed -n 2p "$T/codes.csv" | cut -d, -f1)
sqlite3 "$KAOHE_DB" .dump | grep -q "$c" && fail "a code is stored in clear"
[ "$(sqlite3 "$KAOHE_DB" 'SELECT COUNT(*) FROM q_code')" = 50 ] || fail "50 hashes stored"

$K questionnaire codes --round 1 --unit xx --count 9 --format html >"$T/slips.html" || fail "slips"
[ "$(grep -o '<div class="slip">' "$T/slips.html" | wc -l)" = 9 ] || fail "9 slips"
[ "$(grep -o '<svg xmlns' "$T/slips.html" | wc -l)" = 9 ] || fail "9 QR codes"
[ "$(grep -o '<div class="page">' "$T/slips.html" | wc -l)" = 2 ] || fail "two A4 pages of 8"
$K questionnaire codes --round 1 --unit yx --count 2 >/dev/null 2>"$T/err" && fail "unit not in round"
grep -q 'unit "yx" is not in round 1' "$T/err" || fail "unit not in round: message"

# all or nothing: one bad row and nothing is stored or audited
audits=$(sqlite3 "$KAOHE_DB" 'SELECT COUNT(*) FROM audit')
printf '单位,q1,q2,q3,q4\njd,5,4,a,5\njd,9,4,a,5\n' >"$T/bad.csv"
$K questionnaire import-responses "$T/bad.csv" --round 1 >/dev/null 2>"$T/err" && fail "bad paper accepted"
grep -q '第 3 行「q1」列: 没有这个选项' "$T/err" || fail "bad paper: message ($(cat "$T/err"))"
[ "$(sqlite3 "$KAOHE_DB" 'SELECT COUNT(*) FROM q_response')" = 0 ] || fail "bad paper stored rows"
[ "$(sqlite3 "$KAOHE_DB" 'SELECT COUNT(*) FROM audit')" = "$audits" ] || fail "bad paper audited"

# text answers: 300 characters (q8's max_length) pass, 301 are refused
python3 -c 'print("单位,q1,q2,q3,q4,q8\njd,5,4,a,5," + "好" * 301)' >"$T/long.csv"
$K questionnaire import-responses "$T/long.csv" --round 1 >/dev/null 2>"$T/err" && fail "301 characters accepted"
grep -q '第 2 行「q8」列: 不能超过 300 个字（现在 301 个）' "$T/err" || fail "long text: message ($(cat "$T/err"))"
python3 -c 'print("单位,q1,q2,q3,q4,q8\njd,5,4,a,5," + "好" * 300)' >"$T/long.csv"
$K questionnaire import-responses "$T/long.csv" --round 1 >/dev/null || fail "300 characters refused"
printf '单位,q1,q2,q3,q4,q8\njd,5,4,a,5,=SUM(A1:A9)\n' >"$T/ok.csv"
$K questionnaire import-responses "$T/ok.csv" --round 1 >/dev/null || fail "paper import"
$K questionnaire tally --round 1 --format xlsx -o "$T/t.xlsx" || fail "xlsx tally"
part() { python3 -c 'import sys,zipfile; sys.stdout.write(zipfile.ZipFile(sys.argv[1]).read(sys.argv[2]).decode())' "$T/t.xlsx" "$1"; }
part xl/worksheets/sheet1.xml >"$T/sheet.xml" || fail "xlsx is a workbook"
grep -q '<f>' "$T/sheet.xml" && fail "xlsx has a formula"
part xl/sharedStrings.xml | grep -q '=SUM(A1:A9)' || fail "xlsx answer as string"
# A reader sees names first; the codes are the last two (data) columns.
soffice -env:UserInstallation=file://$T/profile --headless --convert-to \
    'csv:Text - txt - csv (StarCalc):44,34,76' --outdir "$T/lo" "$T/t.xlsx" \
    >"$T/lo.log" 2>&1 || fail "LibreOffice cannot read the tally: $(cat "$T/lo.log")"
[ "$(head -1 "$T/lo/t.csv")" = '单位,题目,选项/回答,人数,百分比,平均,单位编号,题号' ] ||
    fail "tally headers: $(head -1 "$T/lo/t.csv")"
sed -n 2p "$T/lo/t.csv" | grep -q '^机电工程系,老师在课堂上传播正确的价值观，没有发表错误言论。,.*,jd,q1$' ||
    fail "tally row by names, codes last: $(sed -n 2p "$T/lo/t.csv")"
$K questionnaire tally --round 1 --format csv | grep -q "'=SUM(A1:A9)" || fail "csv formula escaped"
$K audit verify >/dev/null || fail "audit chain"

[ $fails = 0 ] && echo "survey cli: ok"
exit $fails
