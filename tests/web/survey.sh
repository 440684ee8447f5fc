#!/bin/sh
# tests/web/survey.sh KAOHE - questionnaires in `kaohe serve` (issue 13
# section 4): the public answer form from a one-time code (no login; 404
# unknown, 410 used, 403 closed or not yet open, 422 with kept values and
# messages beside the fields, 303 to the thank-you page, a second submit
# of the same code refused and nothing stored twice, XSS in free text
# escaped, cross-site POST refused, rate limit on unknown codes, body
# cap), and the administration pages for every role (admin opens rounds,
# makes printable slips, closes; inspector sees the tally of assigned
# units with free text; auditor without free text; unit users nothing).
# Run from the repository root.
set -u
K=$1
. tests/web/serve.inc
web_test_begin

export KAOHE_USER=setup
DB=$T/t.db; . tests/pg/store.inc
# A query on the store, whichever engine it is on (its rows, |-separated).
q() {
    case $DB in
      postgres://*|postgresql://*) psql -X -qAt -d "$DB" -c "$1" ;;
      *) sqlite3 "$DB" "$1" ;;
    esac
}
Q=questionnaires/ideology-2020-students.yaml
{
    $K init --db "$DB" &&
    $K rubric import tests/data/questionnaire/rubric-source.yaml --db "$DB" &&
    open_year 2025 examples/units-2025.csv &&
    advance_year 2025 2 &&
    $K questionnaire import $Q --db "$DB" &&
    $K questionnaire round open --year 2025 --questionnaire ideology-2020-students \
        --audience 学生 --unit jd,xx --min 2 --db "$DB" &&
    $K questionnaire round open --year 2025 --questionnaire ideology-2020-students \
        --audience 学生 --unit jd --opens 2999-01-01T00:00:00Z --db "$DB" &&
    $K questionnaire codes --round 1 --unit jd --count 6 --db "$DB" >"$T/jd.csv" &&
    $K questionnaire codes --round 1 --unit xx --count 2 --db "$DB" >"$T/xx.csv" &&
    $K questionnaire codes --round 2 --unit jd --count 1 --db "$DB" >"$T/later.csv" &&
    add_users admin1:admin insp1:inspector &&
    assign_inspectors 2025 insp1:jd &&
    add_users insp2:inspector &&
    assign_inspectors 2025 insp2:xx &&
    add_users aud1:auditor jd1:unit:jd
} >"$T/setup.log" 2>&1 || setup_failed
code() { sed -n "$(($2 + 1))s/,.*//p" "$T/$1.csv"; }

start_server "$DB"

req() { curl -s -o "$T/body" -w '%{http_code}' "$@"; }
has() { grep -q -- "$1" "$T/body" || fail "$2: page has no $1"; }
hasnt() { ! grep -q -- "$1" "$T/body" || fail "$2: page shows $1"; }
responses() { q "SELECT COUNT(*) FROM q_response"; }

C1=$(code jd 1) C2=$(code jd 2) C3=$(code jd 3)
# ---- the public form ----
s=$(req "$B/q/$C1"); expect 200 "$s" "form"
has 'id="qform"' form; has 'name="q1" value="5"' form
has 'name="viewport"' form
hasnt 'kaohe.js' "form needs no script"
s=$(req "$B/q/0000000000000000"); expect 404 "$s" "unknown code"
has '答题码无效' "unknown code page"
s=$(req "$B/q/$(code later 1)"); expect 403 "$s" "round not yet open"
# 422: required missing, out of range number, unknown choice; kept values
s=$(req --data 'q1=4&q3=zz&q7=100001&q8=%3Cb%3Ekept%3C%2Fb%3E' "$B/q/$C1")
expect 422 "$s" "bad answers"
has 'id="error-q2"' "message beside q2"; has '此题为必答题' "required message"
has 'id="error-q3"' "message beside q3"; has '没有这个选项' "choice message"
has 'id="error-q7"' "message beside q7"
has 'name="q1" value="4" checked' "kept radio"
has '&lt;b&gt;kept&lt;/b&gt;' "kept text escaped"
hasnt '<b>kept' "kept text raw"
[ "$(responses)" = 0 ] || fail "422 stored something"
# a good answer: 303 to thanks, stored once; second submit 410
GOOD='q1=5&q2=4&q3=a&q4=5&q6=a&q6=b&q7=3000&q8=%3Cscript%3Ealert(1)%3C%2Fscript%3E'
s=$(req -D "$T/head" --data "$GOOD" "$B/q/$C1"); expect 303 "$s" "submit"
grep -qi '^Location: /q/thanks' "$T/head" || fail "submit: no redirect to thanks"
s=$(req "$B/q/thanks"); expect 200 "$s" "thanks"; has '感谢' thanks
s=$(req --data "$GOOD" "$B/q/$C1"); expect 410 "$s" "second submit"
s=$(req "$B/q/$C1"); expect 410 "$s" "used code form"
[ "$(responses)" = 1 ] || fail "double submit stored $(responses)"
# two taps at once: one stored
req --data "$GOOD" "$B/q/$C2" >"$T/tap1" & P1=$!
req --data "$GOOD" "$B/q/$C2" >"$T/tap2" & P2=$!
wait $P1 $P2
taps=$( (cat "$T/tap1"; echo; cat "$T/tap2"; echo) | sort | tr "\n" " ")
[ "$taps" = "303 410 " ] || fail "two taps: got $taps"
[ "$(responses)" = 2 ] || fail "two taps stored $(responses - 1)"
# the stored response has no column that leads to its code
case $DB in
  postgres://*|postgresql://*)
    cols=$(q "SELECT string_agg(column_name, ',' ORDER BY ordinal_position) FROM information_schema.columns WHERE table_name = 'q_response'") ;;
  *) cols=$(q "SELECT group_concat(name) FROM pragma_table_info('q_response')") ;;
esac
[ "$cols" = "id,round,unit,day,channel,answers" ] || fail "response columns: $cols"
q "SELECT hash FROM q_code" | grep -qi "$C1" && fail "code stored in clear"
# cross-site POST refused
s=$(req -H 'Origin: http://evil.example' --data "$GOOD" "$B/q/$C3")
expect 403 "$s" "cross-site post"
# body cap
head -c 70000 /dev/zero | tr '\0' 'a' >"$T/big"
s=$(req --data-binary "@$T/big" -H 'Content-Type: application/x-www-form-urlencoded' "$B/q/$C3")
expect 413 "$s" "body cap"
# a third and fourth response so jd is shown (min 2); xx one only
req --data "$GOOD" "$B/q/$C3" >/dev/null
req --data 'q1=1&q2=1&q3=d&q4=1&q8=xx-secret' "$B/q/$(code xx 1)" >/dev/null

# ---- roles on the administration pages ----
for u in admin1 insp1 insp2 aud1 jd1; do login $u; done
A=$(cat "$T/admin1.csrf")
s=$(req "$B/surveys"); expect 303 "$s" "surveys without login"
for u in admin1 insp1 aud1; do
    s=$(req -b "$T/$u.jar" "$B/surveys"); expect 200 "$s" "$u rounds"
    has 'id="round-1"' "$u rounds"
done
s=$(req -b "$T/jd1.jar" "$B/surveys"); expect 403 "$s" "unit rounds"
s=$(req -b "$T/jd1.jar" "$B/surveys/1/tally"); expect 403 "$s" "unit tally"
s=$(req -b "$T/admin1.jar" "$B/surveys/1"); expect 200 "$s" "admin round"
has 'id="codes-form"' "admin round"; has 'id="unit-jd"' "admin round"
s=$(req -b "$T/insp1.jar" "$B/surveys/1"); expect 200 "$s" "inspector round"
hasnt 'id="codes-form"' "inspector round"; hasnt 'id="unit-xx"' "inspector round"
# tallies: admin all + text; inspector assigned + text; auditor no text
s=$(req -b "$T/admin1.jar" "$B/surveys/1/tally"); expect 200 "$s" "admin tally"
has 'id="tally-jd"' "admin tally"; has 'id="tally-xx"' "admin tally"
has '&lt;script&gt;alert(1)&lt;/script&gt;' "admin tally text escaped"
hasnt '<script>alert' "admin tally raw script"
has '<ul class="bars"' "admin tally chart"; has '<meter min="0" max="100" value="' "admin tally bars"
has '<h4>1. ' "questions numbered as answered"; hasnt '<h4>q1' "no question ids"
has '答卷少于 2 份' "xx suppressed"; hasnt 'xx-secret' "suppressed text"
s=$(req -b "$T/insp1.jar" "$B/surveys/1/tally"); expect 200 "$s" "inspector tally"
has 'id="tally-jd"' "inspector tally"; hasnt 'id="tally-xx"' "inspector tally"
has 'id="texts-jd-q8"' "inspector sees text"
s=$(req -b "$T/insp2.jar" "$B/surveys/1/tally"); expect 200 "$s" "other inspector"
hasnt 'id="tally-jd"' "other inspector"
s=$(req -b "$T/aud1.jar" "$B/surveys/1/tally"); expect 200 "$s" "auditor tally"
has 'id="tally-jd"' "auditor tally"; hasnt 'id="texts-jd-q8"' "auditor free text"
# the inspection form shows the judgement the questionnaire suggests for
# 4.1 (rubric source: q1 percent_top2; jd answered 5, 5, 5 -> 100 % -> 4)
s=$(req -b "$T/insp1.jar" "$B/years/2025/units/jd/inspection"); expect 200 "$s" "inspection form"
has 'id="suggest-4.1-rating">问卷建议：4（第 1 轮，3 份答卷：第 1 题，选最高两项的占比 100%）' "suggestion on the form"
# the workbook: admin with free text, auditor without, inspector refused
s=$(req -b "$T/admin1.jar" "$B/surveys/1/tally.xlsx"); expect 200 "$s" "admin xlsx"
python3 -c 'import sys,zipfile; z=zipfile.ZipFile(sys.argv[1]); sys.exit(0 if b"alert(1)" in z.read("xl/sharedStrings.xml") else 1)' "$T/body" ||
    fail "admin xlsx has the free text"
s=$(req -b "$T/aud1.jar" "$B/surveys/1/tally.xlsx"); expect 200 "$s" "auditor xlsx"
python3 -c 'import sys,zipfile; z=zipfile.ZipFile(sys.argv[1]); sys.exit(1 if b"alert(1)" in z.read("xl/sharedStrings.xml") else 0)' "$T/body" ||
    fail "auditor xlsx without free text"
s=$(req -b "$T/insp1.jar" "$B/surveys/1/tally.xlsx"); expect 403 "$s" "inspector xlsx"
s=$(req -b "$T/jd1.jar" "$B/surveys/1/tally.xlsx"); expect 403 "$s" "unit xlsx"
# only admin changes: inspector POST refused
s=$(req -b "$T/insp1.jar" --data "csrf=$(cat "$T/insp1.csrf")&unit=jd&count=3" "$B/surveys/1/codes")
expect 403 "$s" "inspector codes"
s=$(req -b "$T/admin1.jar" --data "unit=jd&count=3" "$B/surveys/1/codes")
expect 403 "$s" "codes without csrf"
# admin: printable slips with QR codes; bad count 422
s=$(req -b "$T/admin1.jar" --data "csrf=$A&unit=jd&count=3" "$B/surveys/1/codes")
expect 200 "$s" "admin codes"
[ "$(grep -o '<div class="slip">' "$T/body" | wc -l)" = 3 ] || fail "3 slips"
has '<svg xmlns' "QR svg"
NEW=$(grep -o '/q/[0-9a-z]\{16\}' "$T/body" | head -1)
s=$(req "$B$NEW"); expect 200 "$s" "new code opens the form"
s=$(req -b "$T/admin1.jar" --data "csrf=$A&unit=jd&count=0" "$B/surveys/1/codes")
expect 422 "$s" "bad count"; has '份数' "bad count place"
s=$(req -b "$T/admin1.jar" --data "csrf=$A&unit=zz&count=2" "$B/surveys/1/codes")
expect 422 "$s" "unit not in round"
# open a round through the form (bad, then good)
# (its bad values: tests/web/survey_open.sh)
s=$(req -b "$T/admin1.jar" --data "csrf=$A&year=2025&questionnaire=nope&audience=x&unit=jd" "$B/surveys")
expect 422 "$s" "open unknown questionnaire"
s=$(req -b "$T/admin1.jar" --data "csrf=$A&year=2025&questionnaire=ideology-2020-students&audience=%E6%95%99%E5%B8%88&unit=jd&unit=xx&min=3" "$B/surveys")
expect 303 "$s" "open round"
# close round 1: its codes then get 403
s=$(req -b "$T/admin1.jar" --data "csrf=$A" "$B/surveys/1/close"); expect 422 "$s" "close unconfirmed"
has '确认' "close unconfirmed: the box named"
s=$(req "$B$NEW"); expect 200 "$s" "unconfirmed close left the round open"
s=$(req -b "$T/admin1.jar" --data "csrf=$A&confirm=1" "$B/surveys/1/close"); expect 303 "$s" "close"
s=$(req "$B$NEW"); expect 403 "$s" "closed round form"
s=$(req --data "$GOOD" "$B$NEW"); expect 403 "$s" "closed round post"
# rate limit: unknown codes from one address
for i in 1 2 3 4 5; do req "$B/q/zzzzzzzzzzzzzzz$i" >/dev/null; done
s=$(req "$B/q/$C3"); expect 429 "$s" "throttled address"
# every change was audited, none names a code
$K audit verify --db "$DB" >/dev/null 2>&1 || fail "audit chain"
q "SELECT count(*) FROM audit WHERE action='survey.response'" | grep -qx 4 || fail "response audit"

[ $fails = 0 ] && echo "survey: ok"
exit $fails
