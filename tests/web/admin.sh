#!/bin/sh
# tests/web/admin.sh KAOHE - the administration pages, the audit log
# viewer, evidence and follow-up pages of `kaohe serve`, driven with curl
# as the browser would submit the forms (urlencoded and multipart):
# years opened, advanced and reopened (reason required), units imported
# by upload (CSV and XLSX, bad rows reported), rubric import and diff,
# users added and disabled, inspectors assigned; every POST refused
# without the CSRF token and for every role but admin; the audit viewer
# filtered and paginated; no state change by GET.  Run from the
# repository root.
set -u
K=$1
T=$(mktemp -d)
PID=
cleanup() {
    [ -n "$PID" ] && kill "$PID" 2>/dev/null && wait "$PID" 2>/dev/null
    rm -rf "$T"
}
trap cleanup EXIT
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

export KAOHE_USER=setup
DB=$T/t.db; . tests/pg/store.inc
{
    $K init --db "$DB" &&
    $K rubric import rubrics/ideology-2020.yaml --db "$DB" &&
    $K year open 2025 --rubric ideology-2020 --db "$DB" &&
    $K import assessment examples/college-2025.yaml --db "$DB" &&
    echo password123 | $K user add admin1 --role admin --db "$DB" &&
    echo password123 | $K user add insp1 --role inspector --db "$DB" &&
    echo password123 | $K user add aud1 --role auditor --db "$DB" &&
    echo password123 | $K user add jd1 --role unit --unit jd --db "$DB"
} >"$T/setup.log" 2>&1 || { cat "$T/setup.log"; echo "FAIL: setup"; exit 1; }

. tests/web/serve.inc
start_server "$DB"

# get JAR PATH -> status, body in $T/body
get() { curl -s -o "$T/body" -w '%{http_code}' -b "$T/$1.jar" "$B$2"; }
# post JAR PATH CURL-ARGS... -> status (form fields as -d or -F)
post() {
    jar=$1 p=$2
    shift 2
    curl -s -o "$T/body" -w '%{http_code}' -b "$T/$jar.jar" "$@" "$B$p"
}
expect() { # expect WANT GOT WHAT
    [ "$1" = "$2" ] || fail "$3: expected $1, got $2 ($(head -c 300 "$T/body" | tr '\n' ' '))"
}
has() { grep -q "$1" "$T/body" || fail "$2: page has no $1"; }
login() { # login NAME -> csrf token in $T/NAME.csrf
    s=$(curl -s -o "$T/body" -w '%{http_code}' -c "$T/$1.jar" -H 'Content-Type: application/json' \
        --data-binary "{\"user\":\"$1\",\"password\":\"password123\"}" "$B/api/v1/login")
    expect 200 "$s" "login $1"
    sed -n 's/.*"csrf":"\([0-9a-f]*\)".*/\1/p' "$T/body" >"$T/$1.csrf"
}
for u in admin1 insp1 aud1 jd1; do login $u; done
A=$(cat "$T/admin1.csrf")

# -- only admin reaches the administration, for every route and method
for who in insp1 aud1 jd1; do
    tok=$(cat "$T/$who.csrf")
    for p in /admin/years /admin/years/2025 /admin/rubrics /admin/users \
             "/admin/rubrics/diff?a=ideology-2020&b=ideology-2020"; do
        expect 403 "$(get $who "$p")" "$who GET $p"
    done
    for p in /admin/years /admin/years/2025/advance /admin/years/2025/reopen \
             /admin/years/2025/assign /admin/users /admin/users/jd1/disable; do
        expect 403 "$(post $who $p -d "csrf=$tok&year=2030&reason=x&name=x&disabled=1")" "$who POST $p"
    done
    expect 403 "$(post $who /admin/years/2025/units/import -F "csrf=$tok" -F "file=@examples/units-2025.csv")" "$who units import"
    expect 403 "$(post $who /admin/rubrics/import -F "csrf=$tok" -F "file=@rubrics/ideology-2020.yaml")" "$who rubric import"
done
expect 303 "$(curl -s -o /dev/null -w '%{http_code}' "$B/admin/years")" "anonymous admin page"

# -- pages render with their forms
expect 200 "$(get admin1 /admin/years)" "years page"
has 'id="year-open"' "years page"
has 'id="admin-year-2025"' "years page"
expect 200 "$(get admin1 /admin/years/2025)" "year page"
for id in year-advance units-import assign units assignments; do has "id=\"$id\"" "year page"; done
expect 200 "$(get admin1 /admin/rubrics)" "rubrics page"
for id in rubric-import rubric-diff rubrics; do has "id=\"$id\"" "rubrics page"; done
expect 200 "$(get admin1 /admin/users)" "users page"
for id in user-add users user-toggle-jd1; do has "id=\"$id\"" "users page"; done

# -- no CSRF token, a wrong one, a foreign origin: refused, nothing changes
expect 403 "$(post admin1 /admin/years -d 'year=2030&rubric=ideology-2020')" "open year without CSRF"
expect 403 "$(post admin1 /admin/years -d 'csrf=00000000000000000000000000000000&year=2030&rubric=ideology-2020')" "open year wrong CSRF"
expect 403 "$(post admin1 /admin/years/2025/units/import -F "file=@examples/units-2025.csv")" "upload without CSRF"
expect 403 "$(post admin1 /admin/years -H 'Origin: http://evil.example' -d "csrf=$A&year=2030&rubric=ideology-2020")" "cross-origin open year"
$K year list 2030 --db "$DB" >/dev/null 2>&1 && fail "year 2030 opened by a refused request"
# GET never changes state
expect 405 "$(get admin1 /admin/years/2025/advance)" "GET advance"

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

# -- assignments: replace semantics
expect 303 "$(post admin1 /admin/years/2025/assign -d "csrf=$A&user=insp1&u_jd=1&u_xx=1")" "assign"
$K user list --db "$DB" >"$T/users" 2>&1
expect 200 "$(get admin1 /admin/years/2025)" "year page after assign"
grep -q '<td>insp1</td><td>xx</td>' "$T/body" || fail "assignment insp1/xx not listed"
expect 303 "$(post admin1 /admin/years/2025/assign -d "csrf=$A&user=insp1&u_jd=1")" "reassign"
get admin1 /admin/years/2025 >/dev/null
grep -q '<td>insp1</td><td>xx</td>' "$T/body" && fail "assignment not replaced"
expect 422 "$(post admin1 /admin/years/2025/assign -d "csrf=$A&user=jd1&u_jd=1")" "assign a unit user"

# -- year transitions: open, advance, reopen needs a reason
expect 303 "$(post admin1 /admin/years -d "csrf=$A&year=2026&rubric=ideology-2020@$H1")" "open 2026"
expect 422 "$(post admin1 /admin/years -d "csrf=$A&year=2026&rubric=ideology-2020")" "open 2026 again"
expect 422 "$(post admin1 /admin/years/2026/advance -d "csrf=$A")" "advance 2026 without units"
expect 303 "$(post admin1 /admin/years/2025/advance -d "csrf=$A")" "advance 2025 to self_check"
expect 303 "$(post admin1 /admin/years/2025/advance -d "csrf=$A")" "advance 2025 to inspection"
expect 303 "$(post admin1 /admin/years/2025/advance -d "csrf=$A")" "advance 2025 to review"
expect 422 "$(post admin1 /admin/years/2025/reopen -d "csrf=$A&reason=")" "reopen without reason"
expect 303 "$(post admin1 /admin/years/2025/reopen -d "csrf=$A&reason=%E5%A4%8D%E6%A0%B8")" "reopen with reason"
expect 200 "$(get admin1 /admin/years/2025)" "year page"
has '实地检查' "reopened year state"
expect 404 "$(get admin1 /admin/years/2031)" "unknown year"

# -- audit viewer: admin and auditor only, filters, pages, verify
expect 403 "$(get insp1 /audit)" "inspector audit"
expect 403 "$(get jd1 /audit)" "unit audit"
expect 200 "$(get aud1 /audit)" "auditor audit"
has 'id="audit-verify"' "audit page"
has '哈希链完整' "audit verify"
has 'id="audit-next"' "audit pagination"
expect 200 "$(get admin1 '/audit?action=year.reopen')" "audit filter action"
has '复核' "audit filter action"
grep -q 'web.login' "$T/body" && fail "audit filter action shows other actions"
expect 200 "$(get admin1 '/audit?actor=insp1&action=web.refused')" "audit filter actor"
has 'web.refused' "refusals audited"
grep -q '<td>admin1</td>' "$T/body" && fail "audit filter actor shows other actors"
expect 200 "$(get admin1 '/audit?year=2025&unit=jd&page=999')" "audit year/unit, page past the end"
expect 200 "$(get admin1 '/audit?actor=%3Cscript%3E')" "audit filter XSS"
grep -q '<script>' "$T/body" && fail "audit filter echoes raw <script>"

$K audit verify --db "$DB" >/dev/null 2>&1 || fail "audit chain broken"

[ $fails -eq 0 ] && echo "ok: web admin" && exit 0
echo "$fails failure(s)"
exit 1
