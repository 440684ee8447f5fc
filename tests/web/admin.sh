#!/bin/sh
# tests/web/admin.sh KAOHE - the administration pages, the audit log
# viewer, evidence and follow-up pages of `kaohe serve`, driven with curl
# as the browser would submit the forms (urlencoded and multipart):
# years opened, advanced and reopened (reason required), units imported
# by upload (CSV and XLSX, bad rows reported), rubric import and diff,
# users added and disabled, inspectors assigned through the grid (other
# inspectors' units kept), advancing only after its confirmation page
# (the units not complete listed; posting without the confirmation's
# field changes nothing), publishing shows what it freezes, reopening
# from inspection, one unit added and renamed, a password reset that ends
# the user's sessions; every POST refused
# without the CSRF token and for every role but admin; the audit viewer
# filtered and paginated; no state change by GET.  Run from the
# repository root.
set -u
K=$1
. tests/web/serve.inc
web_test_begin

export KAOHE_USER=setup
DB=$T/t.db; . tests/pg/store.inc
{
    new_store &&
    open_year 2025 examples/college-2025.yaml &&
    add_users admin1:admin insp1:inspector aud1:auditor jd1:unit:jd
} >"$T/setup.log" 2>&1 || setup_failed

start_server "$DB"

for u in admin1 insp1 aud1 jd1; do login $u; done
A=$(cat "$T/admin1.csrf")

# -- the header names the person, never the login: the role alone when no
# display name is set, the display name and role once it is
who() { sed -n 's/.*<span class="who" id="who">\(.*\)<\/span><a href="\/inbox.*/\1/p' "$T/body" | sed 's/<[^>]*>//g'; }
expect 200 "$(get insp1 /)" "inspector home"
[ "$(who)" = "考核组成员" ] || fail "header of insp1 without a display name: '$(who)'"
$K user name insp1 李明 --db "$DB" >/dev/null || fail "user name insp1"
expect 200 "$(get insp1 /)" "inspector home"
[ "$(who)" = "李明（考核组成员）" ] || fail "header of insp1 named 李明: '$(who)'"
expect 200 "$(get jd1 /)" "unit home"
[ "$(who)" = "机电工程系（被考核单位）" ] || fail "header of jd1: '$(who)'"

# -- only admin reaches the administration, for every route and method
for who in insp1 aud1 jd1; do
    tok=$(cat "$T/$who.csrf")
    for p in /admin/years /admin/years/2025 /admin/rubrics /admin/users \
             "/admin/rubrics/diff?a=ideology-2020&b=ideology-2020"; do
        expect 403 "$(get $who "$p")" "$who GET $p"
    done
    for p in /admin/years /admin/years/2025/advance /admin/years/2025/reopen \
             /admin/years/2025/assign /admin/users /admin/users/jd1/disable \
             /admin/years/2025/units/add /admin/years/2025/units/rename \
             /admin/users/jd1/password /admin/users/jd1/name; do
        expect 403 "$(post $who $p -d "csrf=$tok&year=2030&reason=x&name=x&disabled=1&from=draft&id=jd&kind=faculty&password=password999&i=insp1&a=jd%20insp1")" "$who POST $p"
    done
    expect 403 "$(get $who /admin/years/2025/advance)" "$who GET the confirmation"
    expect 403 "$(post $who /admin/years/2025/units/import -F "csrf=$tok" -F "file=@examples/units-2025.csv")" "$who units import"
    expect 403 "$(post $who /admin/rubrics/import -F "csrf=$tok" -F "file=@rubrics/ideology-2020.yaml")" "$who rubric import"
done
expect 303 "$(curl -s -o /dev/null -w '%{http_code}' "$B/admin/years")" "anonymous admin page"

# -- pages render with their forms
expect 200 "$(get admin1 /admin/years)" "years page"
has 'id="year-open"' "years page"
has 'id="admin-year-2025"' "years page"
expect 200 "$(get admin1 /admin/years/2025)" "year page"
for id in year-advance units-import units unit-add unit-rename; do has "id=\"$id\"" "year page"; done
has 'id="assign-grid"' "year page: the assignment grid"
expect 200 "$(get admin1 /admin/rubrics)" "rubrics page"
for id in rubric-import rubric-diff rubrics; do has "id=\"$id\"" "rubrics page"; done
expect 200 "$(get admin1 /admin/users)" "users page"
# a user with a display name (姓名): named in the list; a bad one refused
# naming the field, and nothing added
expect 303 "$(post admin1 /admin/users --data-urlencode "csrf=$A" -d "name=insp3&role=inspector&password=password456" --data-urlencode "display_name=张伟")" "add inspector with a name"
expect 200 "$(get admin1 /admin/users)" "users page"
grep -q '<tr id="user-insp3"><td>张伟</td>' "$T/body" || fail "users page: insp3 not listed as 张伟"
expect 422 "$(post admin1 /admin/users -d "csrf=$A&name=insp4&role=inspector&password=password456&display_name=%E5%BC%A0%01")" "display name with a control character"
has '姓名' "refused display name: the field"
expect 200 "$(get admin1 /admin/users)" "users page"
grep -q 'id="user-insp4"' "$T/body" && fail "a user with a refused display name was added"
for id in user-add users user-toggle-jd1 user-pw-jd1; do has "id=\"$id\"" "users page"; done
has '<option value="jd">机电工程系</option>' "users page: the unit picker by name"
grep -Eq '<td[^>]*>jd</td>' "$T/body" && fail "users page shows the unit's code"


# -- no CSRF token, a wrong one, a foreign origin: refused, nothing changes
expect 403 "$(post admin1 /admin/years -d 'year=2030&rubric=ideology-2020')" "open year without CSRF"
expect 403 "$(post admin1 /admin/years -d 'csrf=00000000000000000000000000000000&year=2030&rubric=ideology-2020')" "open year wrong CSRF"
expect 403 "$(post admin1 /admin/years/2025/units/import -F "file=@examples/units-2025.csv")" "upload without CSRF"
expect 403 "$(post admin1 /admin/years -H 'Origin: http://evil.example' -d "csrf=$A&year=2030&rubric=ideology-2020")" "cross-origin open year"
$K year list 2030 --db "$DB" >/dev/null 2>&1 && fail "year 2030 opened by a refused request"
# GET never changes state: advance's GET is its confirmation page
expect 200 "$(get admin1 /admin/years/2025/advance)" "GET advance"
has 'id="advance-confirm"' "GET advance shows the confirmation"
$K year list 2025 --db "$DB" | grep -q draft || fail "GET advance changed the year"

# -- units import by upload: CSV, then bad rows located, then XLSX
expect 303 "$(post admin1 /admin/years/2025/units/import -F "csrf=$A" -F "file=@examples/units-2025.csv")" "units import CSV"
printf '编号,名称,类别,支部编号,支部名称\njd,机电工程系,nosuchkind,jd,x\n,无编号,faculty,,\n' >"$T/bad.csv"
expect 422 "$(post admin1 /admin/years/2025/units/import -F "csrf=$A" -F "file=@$T/bad.csv")" "units import bad rows"
has 'id="errors"' "bad units import"
grep -q 'nosuchkind' "$T/body" || fail "bad units import: the bad kind is not named"
[ "$(grep -o '<li>' "$T/body" | wc -l)" -ge 2 ] || fail "bad units import: not every bad row reported"
expect 303 "$(post admin1 /admin/years/2025/units/import -F "csrf=$A" -F "file=@examples/units-2025.xlsx")" "units import XLSX"
expect 200 "$(get admin1 /admin/years/2025)" "year page after import"
has '机电工程系' "year page after import"
# over the 20 MiB cap
head -c 21000000 /dev/zero >"$T/huge.csv"
expect 413 "$(post admin1 /admin/years/2025/units/import -F "csrf=$A" -F "file=@$T/huge.csv")" "upload over 20 MiB"

# -- rubric import (same text: no change) and a changed version, diff
expect 303 "$(post admin1 /admin/rubrics/import -F "csrf=$A" -F "file=@rubrics/ideology-2020.yaml")" "rubric import"
sed 's/^title: .*/title: "changed title"/' rubrics/ideology-2020.yaml >"$T/r2.yaml"
expect 303 "$(post admin1 /admin/rubrics/import -F "csrf=$A" -F "file=@$T/r2.yaml")" "rubric import v2"
printf 'id: broken\nitems: [\n' >"$T/bad.yaml"
expect 422 "$(post admin1 /admin/rubrics/import -F "csrf=$A" -F "file=@$T/bad.yaml")" "rubric import broken"
has 'id="errors"' "broken rubric"
H1=$(sha256sum rubrics/ideology-2020.yaml | cut -c1-12)
H2=$(sha256sum "$T/r2.yaml" | cut -c1-12)
expect 200 "$(get admin1 "/admin/rubrics/diff?a=ideology-2020@$H1&b=ideology-2020@$H2")" "rubric diff"
has 'id="rubric-diff-out"' "rubric diff"
has 'changed title' "rubric diff"
expect 422 "$(get admin1 "/admin/rubrics/diff?a=nosuch&b=ideology-2020")" "diff unknown version"

# -- users: add (unit user needs a unit), XSS-ish name refused, disable logs out
expect 303 "$(post admin1 /admin/users -d "csrf=$A&name=insp2&role=inspector&unit=&password=password456")" "add inspector"
expect 422 "$(post admin1 /admin/users -d "csrf=$A&name=u2&role=unit&unit=&password=password456")" "unit user without unit"
expect 422 "$(post admin1 /admin/users -d "csrf=$A&name=u3&role=auditor&password=short")" "short password"
expect 409 "$(post admin1 /admin/users -d "csrf=$A&name=insp2&role=inspector&password=password456")" "duplicate user"
expect 200 "$(get admin1 /admin/users)" "users page"
has 'id="user-insp2"' "users page after add"
expect 303 "$(post admin1 /admin/users/jd1/disable -d "csrf=$A&disabled=1")" "disable jd1"
expect 401 "$(curl -s -o "$T/body" -w '%{http_code}' -b "$T/jd1.jar" "$B/api/v1/me")" "disabled user's session ended"
expect 401 "$(curl -s -o "$T/body" -w '%{http_code}' -H 'Content-Type: application/json' --data-binary '{"user":"jd1","password":"password123"}' "$B/api/v1/login")" "disabled user cannot log in"
expect 422 "$(post admin1 /admin/users/admin1/disable -d "csrf=$A&disabled=1")" "admin disables self"
expect 303 "$(post admin1 /admin/users/jd1/disable -d "csrf=$A&disabled=0")" "enable jd1"
login jd1

# -- assignments: the grid shows the state and is saved as a whole; an
# inspector not in the posted grid keeps every unit (the bug: assigning
# one inspector wiped the others' units)
expect 200 "$(post admin1 /admin/years/2025/assign -d "csrf=$A&i=insp1&i=insp2&a=jd%20insp1&a=xx%20insp1&a=jd%20insp2")" "assign through the grid"
has 'id="assign-added"' "assignment diff"
grep -o '<ul id="assign-added">.*</ul>' "$T/body" | grep -q '李明 — 机电工程系' || fail "diff does not name insp1 by its display name: 李明 — 机电工程系"
LC_ALL=C $K user list --db "$DB" >"$T/users" 2>&1
grep -q 'insp1 *2025: jd, xx' "$T/users" || fail "insp1 not assigned jd, xx ($(cat "$T/users"))"
expect 200 "$(get admin1 /admin/years/2025)" "year page after assign"
grep -q 'value="xx insp1" aria-label="[^"]*" checked' "$T/body" || fail "grid does not show insp1/xx checked"
grep -q 'value="xx insp2" aria-label="[^"]*" checked' "$T/body" && fail "grid shows insp2/xx checked"
# insp2 alone: insp1 keeps jd and xx
expect 200 "$(post admin1 /admin/years/2025/assign -d "csrf=$A&i=insp2&a=xx%20insp2")" "assign insp2 alone"
grep -o '<ul id="assign-removed">.*</ul>' "$T/body" | grep -q 'insp2 — 机电工程系' || fail "diff does not show insp2 losing jd"
LC_ALL=C $K user list --db "$DB" >"$T/users" 2>&1
grep -q 'insp1 *2025: jd, xx' "$T/users" || fail "regression: assigning insp2 wiped insp1's units ($(cat "$T/users"))"
grep -q 'insp2 *2025: xx$' "$T/users" || fail "insp2 not exactly xx"
# all or nothing: one bad cell and nothing changes
expect 422 "$(post admin1 /admin/years/2025/assign -d "csrf=$A&i=insp1&i=insp2&a=jd%20insp2&a=nosuch%20insp1")" "grid with an unknown unit"
has '2025 年度中没有单位' "unknown unit named in Chinese"
expect 422 "$(post admin1 /admin/years/2025/assign -d "csrf=$A&i=jd1&a=jd%20jd1")" "assign a unit user"
expect 422 "$(post admin1 /admin/years/2025/assign -d "csrf=$A&i=insp1&a=jd")" "malformed cell"
LC_ALL=C $K user list --db "$DB" >"$T/users2" 2>&1
cmp -s "$T/users" "$T/users2" || fail "a refused grid changed assignments"
# an inspector without a display name: the grid marks the login and links
# to the users page, where the name form is open; a bad name is refused
# naming the field and changes nothing; a good one names the column
expect 200 "$(get admin1 /admin/years/2025)" "year page"
grep -q '账号 insp2<br><a class="set-name" href="/admin/users#user-insp2">设置姓名</a>' "$T/body" ||
    fail "grid: insp2 without a name has no link to set one"
grep -q '<th scope="col">李明</th>' "$T/body" || fail "grid: insp1 not by its name"
expect 200 "$(get admin1 /admin/users)" "users page"
grep -q '<details open><summary>设置姓名</summary><form method="post" action="/admin/users/insp2/name" id="user-name-insp2">' "$T/body" ||
    fail "users page: no open name form for insp2"
expect 422 "$(post admin1 /admin/users/insp2/name -d "csrf=$A&display_name=%E5%BC%A0%01")" "a name with a control character"
has '姓名' "refused name: the field"
expect 422 "$(post admin1 /admin/users/insp2/name -d "csrf=$A&display_name=")" "an empty name"
expect 404 "$(post admin1 /admin/users/nosuch/name --data-urlencode "csrf=$A" --data-urlencode "display_name=王五")" "name an unknown user"
LC_ALL=C $K user list --db "$DB" | grep -q 'insp2.*王' && fail "a refused name was set"
expect 303 "$(post admin1 /admin/users/insp2/name --data-urlencode "csrf=$A" --data-urlencode "display_name=王五")" "name insp2"
expect 200 "$(get admin1 /admin/years/2025)" "year page"
grep -q '<th scope="col">王五</th>' "$T/body" || fail "grid: insp2 not by its new name"
grep -q 'set-name' "$T/body" && fail "grid still offers to set a name"

# -- one unit added and renamed (draft), refusals located, nothing changed
expect 303 "$(post admin1 /admin/years/2025/units/add -d "csrf=$A&id=tw2&name=%E5%85%B1%E9%9D%92%E5%9B%A2&kind=office&branch=")" "add a unit"
$K units list --year 2025 --db "$DB" | grep -q '^tw2 *共青团' || fail "unit tw2 not added"
expect 422 "$(post admin1 /admin/years/2025/units/add -d "csrf=$A&id=tw3&name=%E5%85%B1%E9%9D%92%E5%9B%A2&kind=office")" "add a unit with a taken name"
has '名称：' "taken name located by the field's label"
expect 422 "$(post admin1 /admin/years/2025/units/add -d "csrf=$A&id=b%20d&name=x&kind=office")" "add a unit with a bad code"
has '单位编号：' "bad code located"
expect 422 "$(post admin1 /admin/years/2025/units/add -d "csrf=$A&id=tw4&name=y&kind=nokind")" "add a unit with a bad kind"
has '类别：' "bad kind located"
expect 303 "$(post admin1 /admin/years/2025/units/rename -d "csrf=$A&id=tw2&name=%E5%9B%A2%E5%A7%94%E4%BA%8C")" "rename a unit"
$K units list --year 2025 --db "$DB" | grep -q '^tw2 *团委二' || fail "unit tw2 not renamed"
expect 422 "$(post admin1 /admin/years/2025/units/rename -d "csrf=$A&id=tw2&name=")" "rename to nothing"
expect 422 "$(post admin1 /admin/years/2025/units/rename -d "csrf=$A&id=nosuch&name=z")" "rename an unknown unit"
$K units list --year 2025 --db "$DB" | grep -c . | grep -q "^$(($(tail -n +2 examples/units-2025.csv | grep -c .) + 1))$" || fail "refused unit forms changed the list"

# -- password reset by the admin: the user's sessions end, the new one works
expect 422 "$(post admin1 /admin/users/jd1/password -d "csrf=$A&password=short")" "short password"
expect 200 "$(curl -s -o "$T/body" -w '%{http_code}' -b "$T/jd1.jar" "$B/api/v1/me")" "jd1 still logged in after a refused reset"
expect 303 "$(post admin1 /admin/users/jd1/password -d "csrf=$A&password=newpassword1")" "password reset"
expect 401 "$(curl -s -o "$T/body" -w '%{http_code}' -b "$T/jd1.jar" "$B/api/v1/me")" "reset ends jd1's session"
expect 200 "$(curl -s -o "$T/body" -w '%{http_code}' -c "$T/jd1.jar" -H 'Content-Type: application/json' --data-binary '{"user":"jd1","password":"newpassword1"}' "$B/api/v1/login")" "jd1 logs in with the new password"
expect 404 "$(post admin1 /admin/users/nosuch/password -d "csrf=$A&password=newpassword1")" "reset an unknown user"
expect 200 "$(get admin1 /api/v1/me)" "the admin's own session stays"

# -- year transitions: each advance is confirmed; posting without the
# confirmation's field only shows the confirmation (nothing changes); a
# stale confirmation is a conflict; reopen needs a reason
expect 303 "$(post admin1 /admin/years -d "csrf=$A&year=2026&rubric=ideology-2020@$H1")" "open 2026"
expect 422 "$(post admin1 /admin/years -d "csrf=$A&year=2026&rubric=ideology-2020")" "open 2026 again"
expect 422 "$(post admin1 /admin/years/2026/advance -d "csrf=$A&from=draft")" "advance 2026 without units"
expect 200 "$(post admin1 /admin/years/2025/advance -d "csrf=$A")" "advance without confirming"
has 'id="advance-confirm"' "unconfirmed advance shows the confirmation"
$K year list 2025 --db "$DB" | grep -q draft || fail "an unconfirmed advance moved the year"
expect 303 "$(post admin1 /admin/years/2025/advance -d "csrf=$A&from=draft")" "advance 2025 to self_check"
expect 409 "$(post admin1 /admin/years/2025/advance -d "csrf=$A&from=draft")" "a second submit of the same confirmation"
$K year list 2025 --db "$DB" | grep -q self_check || fail "a stale confirmation moved the year"
expect 200 "$(get admin1 /admin/years/2025/advance)" "confirmation in self_check"
has 'id="incomplete"' "the units not complete are listed"
has '共青团\|团委二' "the new unit (no entries) is listed by name"
grep -q '<td>tw2</td>' "$T/body" && fail "the confirmation shows a unit code"
has 'id="incomplete-count"' "the count of units not complete"
expect 303 "$(post admin1 /admin/years/2025/advance -d "csrf=$A&from=self_check")" "advance 2025 to inspection"
expect 303 "$(post admin1 /admin/years/2025/reopen -d "csrf=$A&reason=%E8%87%AA%E6%9F%A5%E8%A1%A5%E5%85%85")" "reopen inspection to self_check"
$K year list 2025 --db "$DB" | grep -q self_check || fail "reopen did not go back to self_check"
expect 303 "$(post admin1 /admin/years/2025/advance -d "csrf=$A&from=self_check")" "advance 2025 to inspection again"
expect 303 "$(post admin1 /admin/years/2025/advance -d "csrf=$A&from=inspection")" "advance 2025 to review"
expect 200 "$(get admin1 /admin/years/2025/advance)" "confirmation of publishing"
for id in freeze freeze-ranking-0 freeze-ranking-1 incomplete allow_missing; do has "$id" "publishing confirmation"; done
has 'class="bottom"' "the bottom three marked"
has '末位' "the bottom named"
expect 422 "$(post admin1 /admin/years/2025/reopen -d "csrf=$A&reason=")" "reopen without reason"
has '理由：' "reopen without reason located"
expect 303 "$(post admin1 /admin/years/2025/reopen -d "csrf=$A&reason=%E5%A4%8D%E6%A0%B8")" "reopen with reason"
expect 200 "$(get admin1 /admin/years/2025)" "year page"
has '实地检查' "reopened year state"
expect 404 "$(get admin1 /admin/years/2031)" "unknown year"
expect 404 "$(get admin1 /admin/years/2031/advance)" "confirmation of an unknown year"

# -- audit viewer: admin and auditor only, names not codes, filters, pages
expect 403 "$(get insp1 /audit)" "inspector audit"
expect 403 "$(get jd1 /audit)" "unit audit"
expect 200 "$(get aud1 /audit)" "auditor audit"
has 'id="audit-verify"' "audit page"
has '哈希链完整' "audit verify"
has 'id="audit-next"' "audit pagination"
has '年度退回上一阶段' "action names in Chinese"
has '实地检查 → 自查' "reopen summarised by state names"
has '<details>' "the raw record one click away"
grep -q '[0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]Z</td>' "$T/body" && fail "audit shows UTC T…Z times in a column"
grep -q '<td>[0-9]*年[0-9]*月[0-9]*日 [0-9][0-9]:[0-9][0-9]</td>' "$T/body" || fail "audit has no Beijing time"
expect 200 "$(get admin1 '/audit?action=year.reopen')" "audit filter action"
has '复核' "audit filter action"
grep -q 'data-action="web.login"' "$T/body" && fail "audit filter action shows other actions"
expect 200 "$(get admin1 '/audit?actor=insp1&action=web.refused')" "audit filter actor"
has 'data-action="web.refused"' "refusals audited"
grep -q '<td>admin1</td>' "$T/body" && fail "audit filter actor shows other actors"
expect 200 "$(get admin1 '/audit?year=2025&unit=jd&page=999')" "audit year/unit, page past the end"
has '<option value="jd" selected>机电工程系</option>' "the unit filter picks by name"
expect 200 "$(get admin1 '/audit?actor=%3Cscript%3E')" "audit filter XSS"
grep -q '<script>' "$T/body" && fail "audit filter echoes raw <script>"

$K audit verify --db "$DB" >/dev/null 2>&1 || fail "audit chain broken"

[ $fails -eq 0 ] && echo "ok: web admin" && exit 0
echo "$fails failure(s)"
exit 1
