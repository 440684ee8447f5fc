#!/bin/sh
# tests/web/rectify.sh KAOHE - the rectification loop with the unit in
# it and a unit's own view (issue 12 sections 3 and 4) in `kaohe serve`:
# a talk names whom it was with; the bottom unit's home page shows its
# talk and its items with deadline colours (a text label beside the
# colour); it submits a rectification report with evidence (multipart,
# CSRF); another unit can neither report on it nor read it; admin returns
# it with a reason (none: 422), the unit reports again, admin accepts:
# the item is closed; the unit's own view (rank, sheet, gaps, findings,
# claims, items) for its own unit only; the printable compilation of
# good practices.  Run from the repository root.
set -u
K=$1
. tests/web/serve.inc
web_test_begin

export KAOHE_USER=setup
# a fixed clock: 2026-03-01
export KAOHE_NOW=1772323200
DB=$T/t.db; . tests/pg/store.inc
{
    new_store &&
    open_year 2025 examples/college-2025.yaml &&
    publish_year 2025 &&
    $K year open 2026 --rubric ideology-2020 --db "$DB" &&
    add_users admin1:admin insp1:inspector aud1:auditor yx1:unit:yx jz1:unit:jz jd1:unit:jd
} >"$T/setup.log" 2>&1 || setup_failed

start_server "$DB"

for u in admin1 insp1 aud1 yx1 jz1 jd1; do login $u; done
A=$(cat "$T/admin1.csrf")
Y=$(cat "$T/yx1.csrf")
J=$(cat "$T/jz1.csrf")
F=/years/2025/followup

# --- the talk names whom it was with; the talk form asks for it
expect 422 "$(post admin1 $F/talks -d "csrf=$A&unit=yx&date=2026-02-01&by=x&summary=x")" "talk without the people talked to"
has 'id="errors"' "talk without to"
expect 303 "$(post admin1 $F/talks --data-urlencode "csrf=$A" -d unit=yx -d date=2026-02-01 \
    --data-urlencode 'by=党委副书记 王五' --data-urlencode 'to=分管领导 李四、负责人 赵六' \
    --data-urlencode 'summary=就意识形态工作薄弱环节提醒谈话')" "add talk"
expect 303 "$(post admin1 $F/items -d "csrf=$A&unit=yx&text=item-red&deadline=2026-02-01")" "add overdue item"
expect 303 "$(post admin1 $F/items -d "csrf=$A&unit=yx&text=item-yellow&deadline=2026-03-15")" "add item due soon"
expect 303 "$(post admin1 $F/items -d "csrf=$A&unit=yx&text=item-green&deadline=2026-06-30")" "add item on schedule"
expect 303 "$(post admin1 $F/items -d "csrf=$A&unit=jz&text=item-of-jz&deadline=2026-06-30")" "add jz item"
IDS=$($K followup list --year 2025 --format json --db "$DB" | python3 -c '
import json, sys
d = json.load(sys.stdin)
ids = {i["text"]: i["id"] for u in d["units"] for i in u["items"]}
print(ids["item-yellow"], ids["item-of-jz"])')
YI=${IDS% *}
JI=${IDS#* }

# --- the bottom unit's home page: its talk, its items most urgent first
expect 200 "$(get yx1 /)" "unit home"
has '分管领导 李四、负责人 赵六' "home: people talked to"
has '谈话对象' "home: label of the people talked to"
has 'id="followup-2025"' "home: follow-up section"
has 'id="link-view-2025"' "home: link to the own view"
has 'class="fu fu-red">已逾期' "home: red item labelled"
has 'class="fu fu-yellow">临近期限' "home: yellow item labelled"
has 'class="fu fu-green">按期推进' "home: green item labelled"
tr -d '\n' <"$T/body" | grep -q 'item-red.*item-yellow.*item-green' || fail "home: items not most urgent first"
hasnt 'item-of-jz' "home of yx shows jz's item"
has "id=\"report-form-$YI\"" "home: report form"
expect 200 "$(get jd1 /)" "home of a unit not in the bottom places"
hasnt 'id="followup-2025"' "home of jd"

# --- reports: role, unit, CSRF, bad values
R=/years/2025/units/yx/followup/$YI/report
expect 403 "$(post jz1 $R -F "csrf=$J" -F 'text=x')" "another unit posts on yx's item"
expect 404 "$(post jz1 /years/2025/units/jz/followup/$YI/report -F "csrf=$J" -F 'text=x')" "jz reports on yx's item under its own unit"
expect 403 "$(post admin1 $R -F "csrf=$A" -F 'text=x')" "admin submits for the unit"
expect 403 "$(post yx1 $R -F 'text=x')" "report without CSRF"
expect 422 "$(post yx1 $R -F "csrf=$Y" -F 'text= ')" "blank report"
has 'id="errors"' "blank report"
printf 'not a document' >"$T/evil.exe"
expect 422 "$(post yx1 $R -F "csrf=$Y" -F 'text=ok' -F "file=@$T/evil.exe")" "report with a bad file"
[ "$($K followup list --year 2025 --format json --db "$DB" | grep -c '"added_by"')" = 0 ] || fail "refused reports were stored"
expect 303 "$(post yx1 $R -F "csrf=$Y" -F 'text=已修订制度并组织学习' -F "file=@tests/evidence/data/整改报告.docx")" "submit report"
expect 409 "$(post yx1 $R -F "csrf=$Y" -F 'text=again')" "second report while one waits"
expect 403 "$(post yx1 /years/2026/units/yx/followup/$YI/report -F "csrf=$Y" -F 'text=x')" "report in a year not published"

# --- admin returns it (a reason is required), the unit reports again
expect 200 "$(get admin1 $F)" "admin follow-up page"
RID=$(sed -n 's/.*id="report-accept-\([0-9]*\)".*/\1/p' "$T/body" | head -1)
[ -n "$RID" ] || fail "no accept form on the follow-up page"
has '已修订制度并组织学习' "follow-up page: report text"
expect 200 "$(get aud1 $F)" "auditor follow-up page"
hasnt 'id="report-accept-' "auditor sees decision forms"
expect 403 "$(post yx1 $F/reports/$RID/accept -d "csrf=$Y")" "unit accepts its own report"
expect 403 "$(post aud1 $F/reports/$RID/accept -d "csrf=$(cat "$T/aud1.csrf")")" "auditor accepts"
expect 422 "$(post admin1 $F/reports/$RID/return -d "csrf=$A&reason=")" "return without a reason"
expect 303 "$(post admin1 $F/reports/$RID/return --data-urlencode "csrf=$A" --data-urlencode 'reason=缺少学习记录')" "return"
expect 409 "$(post admin1 $F/reports/$RID/accept -d "csrf=$A")" "accept a returned report"
expect 200 "$(get yx1 /)" "unit home after the return"
has '缺少学习记录' "home: the reason"
has "id=\"report-form-$YI\"" "home: form to report again"
expect 303 "$(post yx1 $R -F "csrf=$Y" -F 'text=补充学习记录后再次报送')" "report again"
expect 200 "$(get admin1 $F)" "admin follow-up page"
RID2=$(sed -n 's/.*id="report-accept-\([0-9]*\)".*/\1/p' "$T/body" | head -1)
[ -n "$RID2" ] && [ "$RID2" != "$RID" ] || fail "no new report to accept"
expect 404 "$(post admin1 $F/reports/99999/accept -d "csrf=$A")" "accept an unknown report"
expect 303 "$(post admin1 $F/reports/$RID2/accept -d "csrf=$A")" "accept"
expect 200 "$(get yx1 /)" "unit home after acceptance"
has 'class="fu fu-grey">已销号' "home: closed item"
hasnt "id=\"report-form-$YI\"" "home: form on a closed item"
$K audit log --year 2025 --db "$DB" >"$T/audit"
for a in followup.report followup.return followup.accept; do
    grep -q "$a" "$T/audit" || fail "no $a audit record"
done

# --- the unit's own view
V=/years/2025/units/yx/view
expect 200 "$(get yx1 $V)" "own view"
for id in rank sheet explain gaps findings claims followup-2025; do has "id=\"$id\"" "own view"; done
has 'id="claims-none"' "own view: the unit's claims (none filed)"
expect 403 "$(get jz1 $V)" "another unit's view"
expect 403 "$(get insp1 $V)" "inspector on a unit's view"
expect 200 "$(get aud1 $V)" "auditor on a unit's view"
hasnt 'id="report-form-' "auditor's view has report forms"
expect 403 "$(get yx1 /years/2026/units/yx/view)" "own view before publication"
expect 404 "$(get admin1 /years/2025/units/nosuch/view)" "view of an unknown unit"

# --- the compilation of good practices
expect 303 "$(post admin1 /years/2025/practices --data-urlencode "csrf=$A" -d unit=jd \
    --data-urlencode 'title=课程思政<b>' --data-urlencode 'text=做法')" "add practice"
expect 200 "$(get admin1 $F)" "follow-up page"
has '<select name="unit" required><option value="' "practice unit picker"
expect 200 "$(get aud1 /years/2025/compilation)" "compilation"
has '课程思政&lt;b&gt;' "compilation: practice escaped"
expect 403 "$(get yx1 /years/2025/compilation)" "unit on the compilation"
expect 409 "$(get admin1 /years/2026/compilation)" "compilation before publication"
expect 200 "$(get admin1 /years/2025/notice)" "notice"
has '有效做法和特色经验' "notice: good practices"

[ $fails -eq 0 ] && echo "ok: web rectify" && exit 0
echo "$fails failure(s)"
exit 1
