#!/bin/sh
# The 公文 of issue 14 read back by real readers: python3-docx reads the
# .docx paragraphs and tables; LibreOffice (headless, its own profile)
# converts every .docx and the workbook in one run; pdftotext finds the
# 文号, the Chinese date, every unit and 抄送 in LibreOffice's PDFs and in
# kaohe's own; the workbook's totals are number cells.  Names, notes and
# records holding markup or a formula stay text; a draft year says
# （文号待定） and （草稿） and carries the watermark.
# Usage: gongwen.sh KAOHE   (run from the repository root)
set -eu
kaohe=$1
here=tests/reports
tmp=$(mktemp -d); [ -n "${KEEP:-}" ] && echo "kept: $tmp"
trap '[ -n "${KEEP:-}" ] || rm -rf "$tmp"' EXIT
KAOHE_DB=$tmp/kaohe.db
KAOHE_USER=tester
KAOHE_NOW=1767225600          # 2026-01-01
export KAOHE_DB KAOHE_USER KAOHE_NOW
fail() { echo "gongwen: $*"; exit 1; }
py=/usr/bin/python3           # Debian's, with python3-docx
for tool in $py soffice pdftotext unzip; do
  command -v $tool >/dev/null || fail "$tool is missing (scripts/deps.sh installs it)"
done
$py -c 'import docx' 2>/dev/null || fail "python3-docx is missing (scripts/deps.sh)"

sed -e 's/{id: tw, name: 团委,/{id: tw, name: "=1+2<b>团委<\/b>",/' \
    examples/college-2025.yaml >"$tmp/y2025.yaml"
sed -e 's/^year: 2025/year: 2024/' "$tmp/y2025.yaml" >"$tmp/y2024.yaml"
"$kaohe" init >/dev/null
"$kaohe" rubric import rubrics/ideology-2020.yaml >/dev/null
for y in 2024 2025; do
  "$kaohe" year open $y --rubric ideology-2020 >/dev/null
  "$kaohe" import assessment "$tmp/y$y.yaml" >/dev/null
  for i in 1 2 3; do "$kaohe" year advance $y >/dev/null; done
done
"$kaohe" practice add --year 2025 --unit jd --title '<b>课程思政</b>' \
    --text '=HYPERLINK("http://x") 每月一次专题学习' >/dev/null
"$kaohe" year advance 2025 >/dev/null
"$kaohe" year set 2025 'number=晋市职院党〔2026〕3号' date=2026-12-07 >/dev/null
"$kaohe" year set 2024 date=2026-12-07 >/dev/null
"$kaohe" followup item add --year 2025 --unit ys --text '<b>完善</b>专题会议记录' \
    --deadline 2026-03-31 >/dev/null
"$kaohe" results --year 2025 --format json >"$tmp/r2025.json"
"$kaohe" results --year 2024 --format json >"$tmp/r2024.json"

mkdir "$tmp/in" "$tmp/lo" "$tmp/own"
for f in docx pdf; do
  for w in notice followup compilation; do
    "$kaohe" export $f --year 2025 --what $w -o "$tmp/in/$w.$f" ||
      fail "export $f $w failed"
  done
  "$kaohe" export $f --year 2025 --what sheet --unit tw -o "$tmp/in/sheet.$f"
  "$kaohe" export $f --year 2024 --what notice -o "$tmp/in/draft.$f" 2>"$tmp/err"
  grep -q 'is not a published' "$tmp/err" || grep -q 'draft' "$tmp/err" ||
    fail "no draft warning: $(cat "$tmp/err")"
done
"$kaohe" export xlsx --year 2025 -o "$tmp/in/book.xlsx"
"$kaohe" year set 2025 scale=10/100 >/dev/null
"$kaohe" export handover --year 2025 --format xlsx -o "$tmp/in/handover.xlsx"

# the workbook's heading row is as tall as its two-line headings
# (意识形态阵地引领 wraps in its 10-unit column)
unzip -p "$tmp/in/book.xlsx" xl/worksheets/sheet1.xml |
  grep -q '<row r="2"[^>]* ht="31.5" customHeight="1"' ||
  fail "汇总's heading row has no height for its two-line headings"

# python3-docx reads them back
for w in notice sheet followup compilation; do
  $py $here/gongwen_check.py docx "$tmp/in/$w.docx" "$tmp/r2025.json" $w ||
    fail "$w.docx read back by python3-docx"
done
# golden text: what python3-docx reads, against tests/reports/data
# (KH_GOLDEN_UPDATE=1 rewrites them)
for w in notice sheet followup compilation draft; do
  $py $here/gongwen_check.py dump "$tmp/in/$w.docx" >"$tmp/$w.txt" ||
    fail "$w.docx: python3-docx cannot read it"
  if [ -n "${KH_GOLDEN_UPDATE:-}" ]; then
    cp "$tmp/$w.txt" "$here/data/gongwen-$w.txt"
  else
    diff -u "$here/data/gongwen-$w.txt" "$tmp/$w.txt" >"$tmp/diff" ||
      fail "$w.docx text differs from $here/data/gongwen-$w.txt: $(head -40 "$tmp/diff")"
  fi
done
unzip -p "$tmp/in/draft.docx" word/header1.xml | grep -q 'string="草稿"' ||
  fail "draft docx without the watermark"

# LibreOffice converts every file in one run
soffice -env:UserInstallation=file://$tmp/profile --headless \
    --convert-to pdf --outdir "$tmp/lo" "$tmp"/in/*.docx >"$tmp/lo.log" 2>&1 ||
  fail "LibreOffice failed: $(cat "$tmp/lo.log")"
soffice -env:UserInstallation=file://$tmp/profile --headless \
    --convert-to fods --outdir "$tmp/lo" "$tmp/in/book.xlsx" \
    "$tmp/in/handover.xlsx" >>"$tmp/lo.log" 2>&1 ||
  fail "LibreOffice failed on the workbook: $(cat "$tmp/lo.log")"
for w in notice sheet followup compilation draft; do
  [ -s "$tmp/lo/$w.pdf" ] || fail "LibreOffice did not convert $w.docx: $(cat "$tmp/lo.log")"
done
$py $here/gongwen_check.py fods "$tmp/lo/book.fods" "$tmp/r2025.json" ||
  fail "workbook as LibreOffice reads it"
$py $here/gongwen_check.py fods "$tmp/lo/handover.fods" "$tmp/r2025.json" ||
  fail "handover workbook as LibreOffice reads it"

# pdftotext finds the content, in LibreOffice's PDF and in kaohe's own
for src in lo in; do
  pdftotext "$tmp/$src/notice.pdf" "$tmp/$src/notice.txt" ||
    fail "$src/notice.pdf is not a PDF"
  $py $here/gongwen_check.py text "$tmp/$src/notice.txt" "$tmp/r2025.json" notice ||
    fail "$src/notice.pdf text"
  pdftotext "$tmp/$src/draft.pdf" "$tmp/$src/draft.txt"
  $py $here/gongwen_check.py text "$tmp/$src/draft.txt" "$tmp/r2024.json" draft ||
    fail "$src/draft.pdf text"
  for w in sheet followup compilation; do
    pdftotext "$tmp/$src/$w.pdf" "$tmp/$src/$w.txt" || fail "$src/$w.pdf"
  done
  grep -q '<b>完善</b>' "$tmp/$src/followup.txt" || fail "$src/followup.pdf lost the text"
  grep -q '=HYPERLINK' "$tmp/$src/compilation.txt" || fail "$src/compilation.pdf lost the text"
  tr -d ' \n' <"$tmp/$src/sheet.txt" | grep -q '=1+2<b>团委</b>' ||
    fail "$src/sheet.pdf lost the unit name"
done
pdfinfo "$tmp/in/notice.pdf" | grep -q 'Page size: *595.* x 841.*' ||
  fail "kaohe's PDF is not A4: $(pdfinfo "$tmp/in/notice.pdf")"

# every unit's sheet at once
mkdir "$tmp/all"
"$kaohe" export docx --year 2025 --what sheet --all -o "$tmp/all" || fail "--all"
n=$($py -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["units"]))' "$tmp/r2025.json")
[ "$(ls "$tmp/all" | grep -c '\.docx$')" = "$n" ] || fail "--all wrote $(ls "$tmp/all" | wc -l) files for $n units"
cmp -s "$tmp/all/tw.docx" "$tmp/in/sheet.docx" || fail "--all's tw.docx differs from --unit tw"

# bad input: nothing written, located messages
"$kaohe" export docx --year 2025 --what sheet --unit nosuch -o "$tmp/x.docx" 2>"$tmp/err" &&
  fail "unknown unit accepted"
grep -q -- '--unit' "$tmp/err" || fail "unknown unit message: $(cat "$tmp/err")"
[ -e "$tmp/x.docx" ] && fail "a file was written for an unknown unit"
"$kaohe" export pdf --year 2024 --what followup -o "$tmp/x.pdf" 2>"$tmp/err" &&
  fail "follow-up of a draft year exported"
grep -q 'not published' "$tmp/err" || fail "draft follow-up message: $(cat "$tmp/err")"
"$kaohe" export docx --year 2025 --what memo -o "$tmp/x.docx" 2>"$tmp/err" &&
  fail "--what memo accepted"
grep -q 'notice, sheet, followup or compilation' "$tmp/err" || fail "bad --what message"
echo "gongwen: ok"
