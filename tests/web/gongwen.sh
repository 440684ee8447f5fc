#!/bin/sh
# tests/web/gongwen.sh KAOHE - issue 14's 公文 downloads in `kaohe serve`
# (src/web/web_gongwen.c): the notice, score sheets, follow-up report and
# compilation as .docx and PDF, the bytes `kaohe export docx|pdf` write,
# with the role rules of the HTML pages they mirror: admin and auditor
# everything, a unit user its own sheet once published, an inspector its
# assigned units; the links on the results page.
# Run from the repository root.
set -u
K=$1
. tests/web/serve.inc
web_test_begin

export KAOHE_USER=setup
export KAOHE_NOW=1767225600
DB=$T/t.db; . tests/pg/store.inc
sed -e 's/^year: 2025/year: 2024/' examples/college-2025.yaml >"$T/y2024.yaml"
{
    new_store &&
    for y in 2024 2025; do
        $K year open $y --rubric ideology-2020 --db "$DB" || exit 1
    done &&
    $K import assessment "$T/y2024.yaml" --db "$DB" &&
    $K import assessment examples/college-2025.yaml --db "$DB" &&
    for i in 1 2 3 4; do $K year advance 2025 --db "$DB" || exit 1; done &&
    $K year set 2025 'number=晋市职院党〔2026〕3号' --db "$DB" &&
    add_users admin1:admin aud1:auditor insp1:inspector jd1:unit:jd &&
    assign_inspectors 2024 insp1:jd
} >"$T/setup.log" 2>&1 || setup_failed

start_server "$DB"

get() { curl -s -o "$T/body" -D "$T/head" -w '%{http_code}' -b "$T/$1.jar" "$B$2"; }
expect() {
    [ "$1" = "$2" ] || fail "$3: expected $1, got $2 ($(head -c 200 "$T/body" | tr '\n' ' '))"
}
for u in admin1 aud1 insp1 jd1; do login $u; done
: >"$T/anon.jar"
is_docx() { unzip -p "$T/body" word/document.xml 2>/dev/null | grep -q "$1" || fail "$2: not a docx with $1"; }
is_pdf() { head -c 5 "$T/body" | grep -q '%PDF-' || fail "$1: not a PDF"; }

# admin and auditor: every document, both formats
for who in admin1 aud1; do
    expect 200 "$(get $who /years/2025/notice.docx)" "$who notice.docx"
    is_docx '晋市职院党〔2026〕3号' "$who notice.docx"
    grep -qi 'content-type: application/vnd.openxmlformats-officedocument.wordprocessingml.document' "$T/head" ||
        fail "$who notice.docx content type"
    grep -qi "content-disposition: attachment; filename=\"kaohe-2025-document.docx\"; filename\*=UTF-8''" "$T/head" ||
        fail "$who notice.docx disposition: $(grep -i disposition "$T/head")"
    expect 200 "$(get $who /years/2025/notice.pdf)" "$who notice.pdf"
    is_pdf "$who notice.pdf"
    expect 200 "$(get $who /years/2025/followup/report.pdf)" "$who followup pdf"
    expect 200 "$(get $who /years/2025/compilation.docx)" "$who compilation"
    expect 200 "$(get $who /years/2025/units/xx/sheet.pdf)" "$who sheet xx"
done
# the bytes are those of the command line
get admin1 /years/2025/notice.docx >/dev/null
$K export docx --year 2025 --what notice --db "$DB" -o "$T/cli.docx"
cmp -s "$T/body" "$T/cli.docx" || fail "web notice.docx differs from kaohe export docx"

# a unit user: its own sheet of the published year only
expect 200 "$(get jd1 /years/2025/units/jd/sheet.docx)" "unit own sheet docx"
is_docx '机电工程系' "unit own sheet"
expect 200 "$(get jd1 /years/2025/units/jd/sheet.pdf)" "unit own sheet pdf"
is_pdf "unit own sheet pdf"
expect 403 "$(get jd1 /years/2025/units/xx/sheet.pdf)" "unit other sheet"
expect 403 "$(get jd1 /years/2024/units/jd/sheet.pdf)" "unit own sheet, draft year"
expect 403 "$(get jd1 /years/2025/notice.docx)" "unit notice"
expect 403 "$(get jd1 /years/2025/compilation.pdf)" "unit compilation"
# an inspector sees no score sheet, not even of an assigned unit (the
# policy of the printable sheet: docs/DESIGN.md); admin's draft is marked
expect 403 "$(get insp1 /years/2024/units/jd/sheet.docx)" "inspector assigned sheet"
expect 200 "$(get admin1 /years/2024/units/jd/sheet.docx)" "admin draft sheet"
is_docx '（草稿）' "admin draft sheet"
expect 403 "$(get insp1 /years/2024/units/xx/sheet.docx)" "inspector other sheet"
expect 403 "$(get insp1 /years/2024/notice.pdf)" "inspector notice"
# nobody logged in
s=$(get anon /years/2025/notice.pdf)
[ "$s" = 200 ] && fail "anonymous notice.pdf served"
# states and names
expect 409 "$(get admin1 /years/2024/followup/report.docx)" "draft follow-up"
expect 404 "$(get admin1 /years/2025/units/nosuch/sheet.pdf)" "unknown unit"
expect 404 "$(get admin1 /years/2025/notice.odt)" "unknown format"
# links beside the printable pages
expect 200 "$(get admin1 /years/2025/results)" "results page"
for id in download-notice-docx download-notice-pdf download-followup-docx \
          download-followup-pdf download-compilation-docx; do
    grep -q "id=\"$id\"" "$T/body" || fail "results page has no #$id"
done
grep -q '/years/2025/units/jd/sheet.pdf' "$T/body" || fail "results page has no sheet PDF link"

# the year's document settings in the admin pages
expect 200 "$(get admin1 /admin/years/2025)" "admin year page"
grep -q 'id="year-docset"' "$T/body" || fail "admin year page has no #year-docset"
grep -q 'value="晋市职院党〔2026〕3号"' "$T/body" || fail "#year-docset does not show the 文号"
A=$(cat "$T/admin1.csrf")
expect 303 "$(post admin1 /admin/years/2025/docset --data-urlencode "csrf=$A" \
    --data-urlencode 'number=晋市职院党〔2026〕9号' --data-urlencode 'cc=学院纪委、<b>组织部</b>' \
    --data-urlencode 'date=2026-12-08' --data-urlencode 'scale=10/100')" "docset save"
expect 200 "$(get admin1 /years/2025/notice.docx)" "notice after settings"
is_docx '晋市职院党〔2026〕9号' "notice with the new 文号"
is_docx '抄送：学院纪委、&lt;b&gt;组织部&lt;/b&gt;。' "notice with the new 抄送"
is_docx '2026年12月8日' "notice with the new date"
expect 422 "$(post admin1 /admin/years/2025/docset --data-urlencode "csrf=$A" \
    --data-urlencode 'number=不应保存' --data-urlencode 'date=2026-02-30')" "bad docset"
grep -q 'date' "$T/body" || fail "bad docset: the field is not named"
expect 200 "$(get admin1 /years/2025/notice.docx)" "notice after a refused save"
is_docx '晋市职院党〔2026〕9号' "refused save changed nothing"
expect 403 "$(post aud1 /admin/years/2025/docset --data-urlencode "csrf=$(cat "$T/aud1.csrf")" \
    --data-urlencode 'number=x')" "auditor docset"

[ $fails -eq 0 ] && echo "web gongwen: ok"
exit $fails
