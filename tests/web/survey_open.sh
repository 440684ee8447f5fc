#!/bin/sh
# tests/web/survey_open.sh KAOHE - opening a questionnaire round in the
# web application (issue 11 item 5, names not codes): the form offers the
# questionnaire by its title and the year's units by name, grouped by
# ranking list with an "all of this list" box; it works without
# JavaScript (the year is a GET form); its bad values (an unknown unit, no
# unit, a unit of another year, an unknown list, a time that is not one)
# are refused with the place named and nothing written; a good one opens
# the round with the units picked, its times taken as Beijing time and
# shown back as Beijing time.
# Both engines (tests/pg/store.inc).  Run from the repository root.
set -u
K=$1
. tests/web/serve.inc
web_test_begin

export KAOHE_USER=setup
DB=$T/t.db; . tests/pg/store.inc
printf '编号,名称,类别,支部编号,支部名称\nzz,新设工程系,faculty,zz,新设工程系党支部\n' >"$T/units-2026.csv"
{
    new_store &&
    open_year 2025 examples/units-2025.csv &&
    advance_year 2025 2 &&
    open_year 2026 "$T/units-2026.csv" &&
    $K questionnaire import questionnaires/ideology-2020-students.yaml --db "$DB" &&
    add_users admin1:admin insp1:inspector
} >"$T/setup.log" 2>&1 || setup_failed

start_server "$DB"

req() { curl -s -o "$T/body" -w '%{http_code}' "$@"; }
has() { grep -q -- "$1" "$T/body" || fail "$2: page has no $1"; }
hasnt() { ! grep -q -- "$1" "$T/body" || fail "$2: page shows $1"; }
rounds() { $K questionnaire round list --db "$DB" 2>&1 | grep -c '^[0-9]'; }
login admin1; login insp1
A=$(cat "$T/admin1.csrf")
open() { req -b "$T/admin1.jar" --data "csrf=$A&$1" "$B/surveys"; }
Q='questionnaire=ideology-2020-students&audience=%E5%AD%A6%E7%94%9F'

# ---- the form: names, grouped by list, the year by a GET form ----
s=$(req -b "$T/admin1.jar" "$B/surveys?year=2025"); expect 200 "$s" "form 2025"
has 'id="round-open"' "form"; has 'id="round-year"' "year picker"
has '<option value="2025" selected>' "year 2025 chosen"
has 'name="unit" value="jd"> 机电工程系' "jd by name"
has 'id="units-faculty"><legend>各系（按支部）' "faculties grouped by their list"
has 'id="units-office"><legend>各部门（按处室）' "offices grouped by their list"
has 'name="all" value="faculty"> 本类全部单位' "all of a list"
has '<option value="ideology-2020-students">' "questionnaire by id in the value"
hasnt '>ideology-2020-students<' "questionnaire shown by its title"
has 'type="datetime-local"' "times picked"
hasnt '新设工程系' "2026's unit on 2025's form"
s=$(req -b "$T/admin1.jar" "$B/surveys?year=2026"); expect 200 "$s" "form 2026"
has 'name="unit" value="zz"> 新设工程系' "2026's unit"
s=$(req -b "$T/insp1.jar" "$B/surveys"); expect 200 "$s" "inspector rounds"
hasnt 'id="round-open"' "inspector has no form"

# ---- bad values: refused with the place named, nothing written ----
n0=$(rounds)
s=$(open "year=2025&$Q&unit=nope"); expect 422 "$s" "unknown unit"
has 'id="error-unit">' "unknown unit: beside the units"; has 'nope' "unknown unit named"
s=$(open "year=2025&$Q"); expect 422 "$s" "no unit"
has '请至少选择一个单位' "no unit message"
s=$(open "year=2025&$Q&unit=jd&unit=zz&all=office&min=7&opens=2025-11-03T08:00"); expect 422 "$s" "unit of another year"
has 'id="error-unit">新设工程系 不是 2025 年度的考核单位' "other year's unit by name, beside the units"
# the form comes back with every value kept (no link that loses them)
has 'id="round-open"' "refused: the form again"
has 'id="open-year">年度：2025' "refused: the year shown"
has 'name="unit" value="jd" checked' "refused: jd kept"
has 'name="unit" value="xx">' "refused: xx left unticked"
has 'name="all" value="office" checked' "refused: the offices' box kept"
has 'name="audience" required placeholder="学生" value="学生"' "refused: audience kept"
has 'name="min" type="number" inputmode="numeric" min="1" max="1000" value="7"' "refused: minimum kept"
has 'value="2025-11-03T08:00"' "refused: opening time kept"
has '<option value="ideology-2020-students" selected>' "refused: questionnaire kept"
s=$(open "year=2025&$Q&all=nope"); expect 422 "$s" "unknown list"
has 'nope' "unknown list named"
s=$(open "year=2025&$Q&unit=jd&opens=2025-13-01T08:00"); expect 422 "$s" "bad time"
has 'id="error-opens">' "bad time: beside the opening time"
s=$(open "year=2025&$Q&unit=jd&closes=2025-02-30T08:00"); expect 422 "$s" "no such day"
has 'id="error-closes">' "no such day: beside the closing time"
s=$(open "year=2025&$Q&unit=jd&opens=2025-11-03T08:00&closes=2025-11-03T07:59"); expect 422 "$s" "closes before opens"
has 'id="error-closes">必须晚于开始时间' "closes before opens: beside the closing time"
s=$(open "year=2025&$Q&unit=jd&min=0"); expect 422 "$s" "bad min"
has 'id="error-min">' "bad min: beside the minimum"
s=$(open "year=2025&questionnaire=&audience=x&unit=jd"); expect 422 "$s" "no questionnaire"
has 'id="error-questionnaire">请选择问卷' "no questionnaire: beside the field"
s=$(open "year=2025&questionnaire=nope&audience=x&unit=jd"); expect 422 "$s" "unknown questionnaire"
has 'class="msg error">存储中没有问卷' "unknown questionnaire: above the form"
hasnt '\-\-unit' "no option names on the page"
s=$(open "year=1999&$Q&unit=jd"); expect 422 "$s" "year without units"
has 'class="msg error">1999 年度不存在' "year not stored: said above the form"
s=$(req -b "$T/insp1.jar" --data "csrf=$(cat "$T/insp1.csrf")&year=2025&$Q&unit=jd" "$B/surveys")
expect 403 "$s" "inspector opens"
s=$(req -b "$T/admin1.jar" --data "year=2025&$Q&unit=jd" "$B/surveys")
expect 403 "$s" "open without csrf"
[ "$(rounds)" = "$n0" ] || fail "a refused form wrote a round ($(rounds) rounds, was $n0)"

# ---- good: a whole list plus one office; Beijing time stored as UTC ----
s=$(req -D "$T/head" -b "$T/admin1.jar" --data "csrf=$A&year=2025&$Q&all=faculty&unit=dbgs&unit=jd&min=3&opens=2025-11-03T08:00&closes=2025-11-30+18:30" "$B/surveys")
expect 303 "$s" "open by list"
grep -qi '^Location: /surveys/1' "$T/head" || fail "open: not sent to the round"
$K questionnaire round list --year 2025 --db "$DB" >"$T/list" 2>&1
grep -q 'units 4 .*from 2025-11-03T00:00:00Z to 2025-11-30T10:30:00Z' "$T/list" ||
    fail "round: 3 faculties + 1 office, times in UTC: $(cat "$T/list")"
s=$(req -b "$T/admin1.jar" "$B/surveys/1"); expect 200 "$s" "round page"
has '2025年11月3日 08:00' "opening time in Beijing time"
has '<td>机电工程系</td>' "units by name"; has '<td>党委办公室</td>' "office by name"
hasnt '00:00:00Z' "no UTC stamp"

[ $fails = 0 ] && echo "survey_open: ok"
exit $fails
