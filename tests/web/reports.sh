#!/bin/sh
# tests/web/reports.sh KAOHE - issue 5's documents in `kaohe serve`: the
# workbook download (GET /years/Y/export.xlsx), the printable result
# notice, score sheet and follow-up report (the bytes `kaohe export
# html` writes), year over year (/compare?years=A,B with the rubric diff)
# and a unit's history chart (/units/U/history), with their role rules
# and the escaping of a unit named with <script>.  Two years as in
# tests/reports/reports.sh: 2024 under a rubric variant, 2025 with gh
# new (named "工会<script>...") and zcc gone.
# Run from the repository root.
set -u
K=$1
. tests/web/serve.inc
web_test_begin
command -v unzip >/dev/null || { echo "FAIL: unzip is missing (scripts/deps.sh installs it)"; exit 1; }

export KAOHE_USER=setup
export KAOHE_NOW=1767225600          # 2026-01-01: server and CLI agree on today
DB=$T/t.db; . tests/pg/store.inc
A=examples/college-2025.yaml
sed -e 's/name: 工会, kind/name: "工会<script>alert(1)<\/script>", kind/' \
    -e '/unit: zcc[,}]/d' -e '/{id: zcc,/d' "$A" >"$T/y2025.yaml"
grep -q 'script' "$T/y2025.yaml" || { echo "FAIL: the example has no unit 工会 to rename"; exit 1; }
sed -e 's/^year: 2025/year: 2024/' \
    -e 's/item: "1.6", phase: \([a-z]*\), inputs: {[^}]*}/item: "1.8", phase: \1, inputs: {ledger: true}/' \
    -e '/unit: gh[,}]/d' -e '/{id: gh,/d' -e '/{id: admin-7,/d' "$A" >"$T/y2024.yaml"
{
    new_store &&
    $K rubric import tests/reports/data/ideology-2024.yaml --db "$DB" &&
    $K year open 2024 --rubric ideology-2024 --db "$DB" &&
    $K import assessment "$T/y2024.yaml" --db "$DB" &&
    open_year 2025 "$T/y2025.yaml" &&
    for i in 1 2 3; do
        $K year advance 2024 --db "$DB" && $K year advance 2025 --db "$DB" || exit 1
    done &&
    advance_year 2024 1 &&
    add_users admin1:admin insp1:inspector aud1:auditor jd1:unit:jd &&
    assign_inspectors 2025 insp1:jd
} >"$T/setup.log" 2>&1 || setup_failed

start_server "$DB"

get() { curl -s -o "$T/body" -D "$T/head" -w '%{http_code}' -b "$T/$1.jar" "$B$2"; }
login() {
    s=$(curl -s -o "$T/body" -w '%{http_code}' -c "$T/$1.jar" -H 'Content-Type: application/json' \
        --data-binary "{\"user\":\"$1\",\"password\":\"password123\"}" "$B/api/v1/login")
    expect 200 "$s" "login $1"
}
for u in admin1 insp1 aud1 jd1; do login $u; done
noxss() {
    grep -q '<script>alert' "$T/body" && fail "XSS: unit name not escaped on $1"
    grep -q '工会&lt;script&gt;alert(1)&lt;/script&gt;' "$T/body" || fail "$1: escaped unit name missing"
}
sheets() { unzip -p "$1" xl/workbook.xml | grep -o '<sheet name="[^"]*"'; }

# -- links: dashboard, results page, follow-up page
expect 200 "$(get admin1 /)" "admin dashboard"
has 'id="nav-compare"' "admin dashboard"
expect 200 "$(get aud1 /)" "auditor dashboard"
has 'id="nav-compare"' "auditor dashboard"
expect 200 "$(get jd1 /)" "unit dashboard"
hasnt 'nav-compare' "unit dashboard"
expect 200 "$(get admin1 /years/2025/results)" "results page"
has 'id="download-xlsx" href=\|href="/years/2025/export.xlsx" id="download-xlsx"' "results page"
has 'href="/years/2025/notice" id="link-notice"' "results page"
has 'href="/years/2025/units/jd/sheet" id="link-sheet-jd"' "results page"
has 'href="/units/jd/history" id="link-history-jd"' "results page"

# -- the workbook (a draft: 2025 is in review)
expect 200 "$(get admin1 /years/2025/export.xlsx)" "admin workbook"
cp "$T/body" "$T/web.xlsx"
grep -qi '^content-type: application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' "$T/head" ||
    fail "workbook content type: $(grep -i content-type "$T/head")"
grep -qi "^content-disposition: attachment; filename=\"kaohe-2025.xlsx\"; filename\*=UTF-8''2025%E5%B9%B4" "$T/head" ||
    fail "workbook disposition: $(grep -i content-disposition "$T/head")"
unzip -l "$T/web.xlsx" >"$T/list" 2>&1 || fail "the download is not a zip: $(head -c 200 "$T/list")"
grep -q 'xl/workbook.xml' "$T/list" || fail "no xl/workbook.xml in the download"
$K export xlsx --year 2025 -o "$T/cli.xlsx" --db "$DB" 2>/dev/null || fail "kaohe export xlsx"
sheets "$T/cli.xlsx" >"$T/cli.sheets"
sheets "$T/web.xlsx" >"$T/web.sheets"
[ -s "$T/cli.sheets" ] && cmp -s "$T/cli.sheets" "$T/web.sheets" ||
    fail "workbook sheets differ from kaohe export xlsx: $(diff "$T/cli.sheets" "$T/web.sheets" | head -5)"
grep -q '<sheet name="汇总"' "$T/web.sheets" || fail "no sheet 汇总"
expect 200 "$(get aud1 /years/2025/export.xlsx)" "auditor workbook"
expect 403 "$(get jd1 /years/2025/export.xlsx)" "unit workbook"
expect 403 "$(get insp1 /years/2025/export.xlsx)" "inspector workbook"
expect 404 "$(get admin1 /years/2031/export.xlsx)" "unknown year workbook"

# -- the printable pages
# The web app links the CLI's inline sheet (its Content-Security-Policy
# refuses inline styles): the CLI's file with its <style> block replaced
# by that link is the page, byte for byte, once the page's bar of links
# to its PDF and Word files (web only, never printed) is taken out.
linked() {
    grep -q '^<nav class="files" .*\.pdf" download>.*\.docx" download>' "$T/body" ||
        fail "$2: no links to the PDF and Word files"
    sed -i '/^<nav class="files" /d' "$T/body"
    sed '/^<style>$/,/^<\/style>$/c\
<link rel="stylesheet" href="/static/print.css">' "$1" >"$1.linked" && mv "$1.linked" "$1"
    grep -q '<style\| style=' "$T/body" && fail "$2: inline style (blocked by the policy)"
    grep -q '核验码 <span class="code">[0-9]*-[0-9a-f]\{8\}</span>' "$T/body" || fail "$2: no verification code"
    grep -q '生成于 20[0-9][0-9]年[0-9]*月[0-9]*日' "$T/body" || fail "$2: no Chinese date"
}
expect 200 "$(get admin1 /static/print.css)" "print stylesheet"
grep -qi '^content-type: text/css' "$T/head" || fail "print stylesheet: content type"
has 'th,td{border:0.6pt solid #000' "print stylesheet"
expect 200 "$(curl -s -o /dev/null -w '%{http_code}' "$B/static/print.css")" "print stylesheet, anonymous"
expect 200 "$(get admin1 /years/2025/notice)" "admin notice"
$K export html --year 2025 --what notice -o "$T/notice.html" --db "$DB" 2>/dev/null
linked "$T/notice.html" notice
cmp -s "$T/body" "$T/notice.html" || fail "notice page differs from kaohe export html --what notice"
grep -q '（草稿）' "$T/body" || fail "draft notice without （草稿）"
noxss "notice"
expect 200 "$(get aud1 /years/2025/notice)" "auditor notice"
expect 403 "$(get jd1 /years/2025/notice)" "unit notice"
expect 403 "$(get insp1 /years/2025/notice)" "inspector notice"
expect 200 "$(get admin1 /years/2025/units/gh/sheet)" "admin sheet of gh"
$K export html --year 2025 --what sheet --unit gh -o "$T/gh.html" --db "$DB" 2>/dev/null
linked "$T/gh.html" "sheet of gh"
cmp -s "$T/body" "$T/gh.html" || fail "sheet page differs from kaohe export html --what sheet"
noxss "score sheet"
expect 404 "$(get admin1 /years/2025/units/nosuch/sheet)" "unknown unit sheet"
# An inspector sees entries, never a score sheet (it carries the unit's
# place among all): the page, the API and the printable sheet agree.
expect 403 "$(get insp1 /years/2025/units/jd/sheet)" "inspector, assigned unit's sheet"
expect 403 "$(get insp1 /years/2025/units/zzb/sheet)" "inspector, another unit's sheet"
expect 403 "$(get jd1 /years/2025/units/jd/sheet)" "unit user, own sheet before publication"
expect 409 "$(get admin1 /years/2025/followup/report)" "follow-up report of a draft year"

$K year advance 2025 --db "$DB" >"$T/adv.log" 2>&1 || { cat "$T/adv.log"; fail "publish"; }
expect 200 "$(get jd1 /years/2025/units/jd/sheet)" "unit user, own published sheet"
$K export html --year 2025 --what sheet --unit jd -o "$T/jd.html" --db "$DB" 2>/dev/null
linked "$T/jd.html" "published sheet"
cmp -s "$T/body" "$T/jd.html" || fail "published sheet differs from kaohe export html"
grep -q '（草稿）' "$T/body" && fail "published sheet marked draft"
expect 403 "$(get jd1 /years/2025/units/zzb/sheet)" "unit user, another unit's published sheet"
expect 200 "$(get jd1 /years/2025)" "unit year page"
has 'href="/years/2025/units/jd/sheet"' "unit year page (own printable sheet)"
expect 200 "$(get admin1 /years/2025/followup)" "follow-up page"
has 'href="/years/2025/followup/report" id="link-followup-report"' "follow-up page"
expect 200 "$(get admin1 /years/2025/followup/report)" "follow-up report"
$K export html --year 2025 --what followup -o "$T/fu.html" --db "$DB" 2>/dev/null
linked "$T/fu.html" "follow-up report"
cmp -s "$T/body" "$T/fu.html" || fail "follow-up report differs from kaohe export html --what followup"
expect 403 "$(get jd1 /years/2025/followup/report)" "unit follow-up report"

# -- year over year
expect 200 "$(get admin1 '/compare?years=2024,2025')" "admin compare"
cp "$T/body" "$T/compare.html"
has 'id="compare"' "compare page"
has 'id="rubric-changed"' "compare page"
has 'id="rubric-diff"' "compare page"
grep -A3 'id="rubric-diff"' "$T/body" | grep -q '1\.8' || fail "rubric diff does not name item 1.8"
has '<tr id="cmp-gh" class="new">' "compare page (new unit)"
has '<tr id="cmp-zcc" class="gone">' "compare page (gone unit)"
noxss "compare page"
# the change of each unit as `kaohe compare` computes it
$K compare --years 2024,2025 --format csv --db "$DB" >"$T/cmp.csv" 2>/dev/null
for u in jd zzb mks; do
    ch=$(grep "^$u," "$T/cmp.csv" | cut -d, -f8 | sed "s/^'//")
    [ -n "$ch" ] || { fail "no change for $u in kaohe compare"; continue; }
    grep -o "<tr id=\"cmp-$u\" class=\"both\">.*" "$T/body" |
        grep -q "<td class=\"num\">$ch</td><td class=\"num\">[^<]*</td>" ||
        fail "compare row $u lacks change $ch: $(grep -o "<tr id=\"cmp-$u\".*" "$T/body" | head -c 400)"
done
grep -q '<td class="num">[+-][0-9]' "$T/body" || fail "compare page shows no change"
# an absent unit is "本年度未参加考核", ranks are "rank of N" compared by
# percentile, names (not codes) link to the history, picked by name
grep -o '<tr id="cmp-zcc" class="gone">.*' "$T/body" | grep -q '<td>本年度未参加考核</td>' ||
    fail "gone unit not shown as 本年度未参加考核"
grep -q '撤销' "$T/body" && fail "compare page still says 撤销"
has 'id="rank-note"' "compare page: the percentile note"
grep -o '<tr id="cmp-jd" class="both">.*' "$T/body" | grep -q '<td class="num">[0-9]*/[0-9]*</td>' ||
    fail "compare row jd: rank not shown as rank/N"
grep -o '<tr id="cmp-jd" class="both">.*' "$T/body" | grep -q '<td><a href="/units/jd/history">机电工程系</a></td>' ||
    fail "compare row jd: the name does not link to its history"
grep -q '<td>jd</td>' "$T/body" && fail "compare page shows the code jd"
has '<option value="jd">机电工程系</option>' "compare page: unit picker by name"
s=$(curl -s -o /dev/null -D "$T/h" -w '%{http_code}' -b "$T/admin1.jar" "$B/compare?unit=jd")
[ "$s" = 303 ] && grep -qi '^Location: /units/jd/history' "$T/h" || fail "picking jd: $s $(grep -i location "$T/h")"
expect 200 "$(get admin1 /units/jd/history)" "history of jd"
has '<title>历年走势：机电工程系' "history title names the unit"
expect 200 "$(get aud1 '/compare?years=2024,2025')" "auditor compare"
expect 200 "$(get admin1 /compare)" "compare form"
has 'id="compare-form"' "compare form"
expect 403 "$(get jd1 '/compare?years=2024,2025')" "unit compare"
expect 403 "$(get insp1 '/compare?years=2024,2025')" "inspector compare"
expect 400 "$(get admin1 '/compare?years=2024')" "compare, one year"
has 'id="errors"' "compare, one year"
expect 404 "$(get admin1 '/compare?years=2024,2031')" "compare, unknown year"
has '2031' "compare, unknown year"
expect 200 "$(get admin1 /units/jd/history)" "history"
has '<svg' "history page"
has 'id="history"' "history page"
expect 200 "$(get aud1 /units/gh/history)" "auditor history of gh"
noxss "history chart"
expect 403 "$(get jd1 /units/jd/history)" "unit history"
expect 404 "$(get admin1 /units/nosuch/history)" "unknown unit history"

# refusals are audited
$K audit log --db "$DB" >"$T/audit" 2>&1
for why in 'GET /years/:year/export.xlsx: role' \
    'GET /years/:year/units/:unit/sheet: role' 'GET /compare: role'; do
    grep -q "$why" "$T/audit" || fail "refusal not audited: $why"
done

[ $fails -eq 0 ] && echo "ok: web reports" && exit 0
echo "$fails failure(s)"
exit 1
