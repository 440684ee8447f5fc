#!/bin/sh
# tests/web/sched.sh KAOHE - the year on a schedule in `kaohe serve`
# (docs/SCHEDULE.md): the dates form, self-check submission (422 with the
# missing items, 200, 409 twice), the lock on self entries (409 naming the
# submission), the return (admin only, a reason required), the unit's
# inbox (its own only, marked read one by one), the progress list as JSON
# and page for every role (a unit never, an inspector only their units),
# CSRF refusals.  SQLite and PostgreSQL (tests/pg/store.inc).
set -u
K=$1
. tests/web/serve.inc
web_test_begin

export KAOHE_USER=setup
# 2026-01-01 08:00 Beijing; the self-check is due 2025-12-30: two days late
export KAOHE_NOW=1767225600
DB=$T/t.db; . tests/pg/store.inc
{
    $K init --db "$DB" &&
    $K rubric import tests/store/data/mini-rubric.yaml --db "$DB" &&
    $K year open 2025 --rubric mini-2025 --db "$DB" &&
    $K import assessment tests/store/data/mini-2025.yaml --db "$DB" &&
    advance_year 2025 1 &&
    $K year dates 2025 --selfcheck-due 2025-12-30 --inspect-from 2026-01-05 \
        --inspect-to 2026-01-20 --review-due 2026-02-01 --publish 2026-02-10 \
        --db "$DB" &&
    add_users admin1:admin insp1:inspector aud1:auditor jd1:unit:jd xx1:unit:xx &&
    assign_inspectors 2025 insp1:xx
} >"$T/setup.log" 2>&1 || setup_failed

start_server "$DB"

# req JAR METHOD PATH [BODY [CSRF]] -> prints the status, body in $T/body
req() {
    jar=$1 m=$2 p=$3 body=${4-} tok=${5-}
    set -- -s -m 20 -o "$T/body" -w '%{http_code}' -b "$T/$jar.jar" -c "$T/$jar.jar" -X "$m"
    [ -n "$body" ] && set -- "$@" -H 'Content-Type: application/json' --data-binary "$body"
    [ -n "$tok" ] && set -- "$@" -H "X-CSRF-Token: $tok"
    curl "$@" "$B$p"
}
# form JAR PATH FIELDS... (urlencoded; the jar's csrf added)
form() {
    jar=$1 p=$2; shift 2
    set -- -s -m 20 -o "$T/body" -w '%{http_code}' -b "$T/$jar.jar" \
        --data-urlencode "csrf=$(cat "$T/$jar.csrf")" "$@"
    curl "$@" "$B$p"
}
expect() { # expect WANT GOT WHAT
    [ "$1" = "$2" ] || fail "$3: expected $1, got $2 ($(head -c 300 "$T/body"))"
}
has() { grep -q -- "$1" "$T/body" || fail "$2: no '$1' in $(head -c 400 "$T/body")"; }
hasnt() { ! grep -q -- "$1" "$T/body" || fail "$2: '$1' shown"; }
login() {
    s=$(req "$1" POST /api/v1/login "{\"user\":\"$1\",\"password\":\"password123\"}")
    expect 200 "$s" "login $1"
    sed -n 's/.*"csrf":"\([0-9a-f]*\)".*/\1/p' "$T/body" >"$T/$1.csrf"
}
for u in admin1 insp1 aud1 jd1 xx1; do login $u; done
A=$(cat "$T/admin1.csrf") AU=$(cat "$T/aud1.csrf") I=$(cat "$T/insp1.csrf")
J=$(cat "$T/jd1.csrf") X=$(cat "$T/xx1.csrf")
P=/api/v1/years/2025/progress
S=/api/v1/years/2025/units

# -- progress: admin and auditor all units, inspector theirs, unit never
expect 200 "$(req admin1 GET $P)" "admin progress"
has '"unit":"zzb"' "admin progress lists every unit"
has '"unit":"jd","name":"机电工程系","applicable":6,"filled":6' "jd's counts"
has '"days_late":2' "two China days late"
expect 200 "$(req aud1 GET $P)" "auditor progress"
expect 200 "$(req insp1 GET $P)" "inspector progress"
has '"unit":"xx"' "inspector sees their unit"
hasnt '"unit":"jd"' "inspector sees another unit"
expect 403 "$(req jd1 GET $P)" "unit progress"
expect 403 "$(req jd1 GET /years/2025/progress)" "unit progress page"
expect 401 "$(req anon GET $P)" "anonymous progress"

# -- submission: missing items listed, nothing written
expect 422 "$(req xx1 POST $S/xx/submit '{"report":"自查报告"}' "$X")" "submit with items missing"
has '"path":"items"' "missing items placed"
has '1.4' "missing item 1.4 named"
has '联系思政课教师' "missing item's text"
expect 200 "$(req admin1 GET $P)" "progress after a refused submit"
has '"unit":"xx","name":"信息工程系","applicable":6,"filled":0,"scored":6,"evidence":0,"submitted":false' "refused submit wrote nothing"
# roles, CSRF, bad values
expect 403 "$(req xx1 POST $S/jd/submit '{"report":"x"}' "$X")" "unit submits another unit"
expect 403 "$(req aud1 POST $S/jd/submit '{"report":"x"}' "$AU")" "auditor submits"
expect 403 "$(req insp1 POST $S/xx/submit '{"report":"x"}' "$I")" "inspector submits"
expect 403 "$(req jd1 POST $S/jd/submit '{"report":"x"}')" "submit without CSRF"
expect 422 "$(req jd1 POST $S/jd/submit '{"report":"   "}' "$J")" "blank report"
has '"path":"report"' "blank report placed"
expect 422 "$(req jd1 POST $S/jd/submit '{"report":7}' "$J")" "report not a text"
expect 422 "$(req jd1 POST $S/jd/submit '{"report":"x","scan":"00"}' "$J")" "unknown scan"
has '"path":"scan"' "scan placed"
expect 422 "$(req jd1 POST $S/jd/submit 'not json' "$J")" "body not JSON"
# accepted, audited, then locked
expect 200 "$(req jd1 POST $S/jd/submit '{"report":"本单位自查情况良好"}' "$J")" "submit"
$K audit log --db "$DB" 2>/dev/null | grep -q 'selfcheck.submit' || fail "submit not audited"
expect 409 "$(req jd1 POST $S/jd/submit '{"report":"again"}' "$J")" "submit twice"
E=/api/v1/years/2025/entries/jd/1.3/self
expect 200 "$(req jd1 GET $E)" "entry get"
V=$(sed -n 's/.*"version":\([0-9]*\).*/\1/p' "$T/body")
expect 409 "$(req jd1 PUT $E "{\"inputs\":{\"meetings\":1},\"version\":$V}" "$J")" "PUT after submit"
has '"error":"submitted"' "409 says submitted"
has '已提交' "409 in Chinese"
expect 409 "$(form jd1 /years/2025/units/jd/self/1.3 --data-urlencode version=$V --data-urlencode in_meetings=2)" "form save after submit"
has '自查已提交' "the form's 409 says the self-check is submitted"
expect 409 "$(req admin1 PUT $E "{\"inputs\":{\"meetings\":1},\"version\":$V}" "$A")" "admin PUT after submit"
expect 200 "$(req jd1 GET /years/2025/units/jd/self)" "self form after submit"
has 'id="selfcheck-state"' "submission block on the form"
hasnt 'id="selfcheck-submit"' "submit form after submit"

# -- return: admin only, a reason required
expect 403 "$(req jd1 POST $S/jd/return '{"reason":"x"}' "$J")" "unit returns"
expect 403 "$(req aud1 POST $S/jd/return '{"reason":"x"}' "$AU")" "auditor returns"
expect 403 "$(req insp1 POST $S/jd/return '{"reason":"x"}' "$I")" "inspector returns"
expect 422 "$(req admin1 POST $S/jd/return '{"reason":""}' "$A")" "return without reason"
has '"path":"reason"' "reason placed"
expect 409 "$(req admin1 POST $S/xx/return '{"reason":"x"}' "$A")" "return of one not submitted"
expect 200 "$(req admin1 GET /years/2025/units/jd/self)" "admin self form"
has 'id="selfcheck-return"' "return form for admin"
expect 200 "$(req admin1 POST $S/jd/return '{"reason":"请补充<b>会议记录</b>"}' "$A")" "return"
expect 200 "$(req jd1 PUT $E "{\"inputs\":{\"meetings\":3},\"version\":$V}" "$J")" "PUT after return"

# -- the inbox: the unit's users see the reason, nobody else
expect 200 "$(req jd1 GET /inbox)" "jd1 inbox"
has '请补充&lt;b&gt;会议记录&lt;/b&gt;' "reason in the inbox, escaped"
has 'id="unread"' "unread count in the header"
ID=$(sed -n 's/.*<li id="m-\([0-9]*\)" class="unread">.*请补充.*/\1/p' "$T/body" | head -1)
[ -n "$ID" ] || fail "no unread message id"
expect 200 "$(req xx1 GET /inbox)" "xx1 inbox"
hasnt '请补充' "another unit reads the message"
expect 404 "$(form xx1 /inbox/$ID/read)" "another user marks it read"
expect 403 "$(curl -s -m 20 -o "$T/body" -w '%{http_code}' -b "$T/jd1.jar" -X POST "$B/inbox/$ID/read")" "mark read without CSRF"
expect 303 "$(form jd1 /inbox/$ID/read)" "mark read"
expect 200 "$(req jd1 GET /inbox)" "inbox after read"
has "<li id=\"m-$ID\" class=\"read\">" "marked read"

# -- the forms: submit with a missing item (xx), then return through the form
expect 422 "$(form xx1 /years/2025/units/xx/selfcheck --data-urlencode report=报告 --data-urlencode confirm=1)" "form submit with items missing"
has '<li>自查表：考核要点 1.3「专题会议」尚未填写' "form lists the missing items by name"
has '专题会议' "form names a missing item"
expect 303 "$(form jd1 /years/2025/units/jd/selfcheck --data-urlencode 'report=第二次提交')" "form submit"
expect 422 "$(form admin1 /years/2025/units/jd/selfcheck/return --data-urlencode reason=)" "form return without reason"
expect 403 "$(form jd1 /years/2025/units/jd/selfcheck/return --data-urlencode reason=x)" "unit form return"
expect 303 "$(form admin1 /years/2025/units/jd/selfcheck/return --data-urlencode reason=再补充)" "form return"

# -- the progress page, late filter
expect 200 "$(req admin1 GET '/years/2025/progress?late=1&sort=late')" "progress page"
has '信息工程系' "late unit listed"
expect 200 "$(req insp1 GET /years/2025/progress)" "inspector page"
has '信息工程系' "inspector's unit"
hasnt '机电工程系' "inspector sees another unit on the page"

# -- the list as a workbook: names, for the same roles
xlsx_text() { python3 -c 'import sys,zipfile;z=zipfile.ZipFile(sys.argv[1]);print(z.read("xl/sharedStrings.xml").decode())' "$T/body"; }
expect 200 "$(req admin1 GET /years/2025/progress.xlsx)" "progress xlsx"
xlsx_text | grep -q '信息工程系' || fail "xlsx lacks a unit name"
xlsx_text | grep -q '逾期天数' || fail "xlsx lacks its headings"
expect 200 "$(req insp1 GET /years/2025/progress.xlsx)" "inspector xlsx"
xlsx_text | grep -q '机电工程系' && fail "inspector's xlsx lists another unit"
expect 403 "$(req jd1 GET /years/2025/progress.xlsx)" "unit xlsx"

# -- the dates: admin form, located errors, nothing written
expect 422 "$(form admin1 /admin/years/2025/dates --data-urlencode selfcheck_due=2026-02-30 --data-urlencode inspect_from=2026-01-05 --data-urlencode inspect_to=2026-01-01 --data-urlencode review_due=x --data-urlencode publish=2026-02-10)" "bad dates"
has '<li>自查截止：' "bad date named by its label"
has '<li>实地检查结束：' "order error named by its label"
hasnt 'selfcheck_due' "a field's code shown"
$K year dates 2025 --db "$DB" | grep -q '2025-12-30' || fail "bad dates were written"
expect 403 "$(form aud1 /admin/years/2025/dates --data-urlencode selfcheck_due=2026-01-02)" "auditor sets dates"
expect 303 "$(form admin1 /admin/years/2025/dates --data-urlencode selfcheck_due=2026-01-04 --data-urlencode inspect_from=2026-01-05 --data-urlencode inspect_to=2026-01-20 --data-urlencode review_due=2026-02-01 --data-urlencode publish=2026-02-10)" "dates set"
expect 200 "$(req jd1 GET /)" "unit home"
has 'id="dates-2025"' "dates on the unit's home page"
has '还有 3 天' "days left in China days"
expect 200 "$(req admin1 GET /)" "admin home"
has 'id="counts-2025"' "counts on the admin's home page"

expect 200 "$(req insp1 GET /)" "inspector home"
has '已提交 0 / 1 个单位' "inspector's counts over their own unit"

[ $fails -eq 0 ] && echo "ok" || exit 1
