#!/bin/sh
# tests/web/onsite.sh KAOHE - the on-site inspection pages of `kaohe
# serve` for every role: admin plans visits (CSRF, located errors, one per
# unit, only while planning is open), the visits table sorted by date
# either way, each inspector's timetable, a unit's own visit, the
# printable 考核安排表; a visit's records: names for admin and auditor
# only, each such read audited, inspectors of the team or the unit
# without names, other inspectors and unit users refused; findings on the
# inspection form, escaped.  Run from the repository root.
set -u
K=$1
. tests/web/serve.inc
web_test_begin

export KAOHE_USER=setup
DB=$T/t.db; . tests/pg/store.inc
{
    new_store &&
    open_year 2025 examples/college-2025.yaml &&
    add_users admin1:admin insp1:inspector insp2:inspector insp3:inspector aud1:auditor \
        jd1:unit:jd xx1:unit:xx &&
    assign_inspectors 2025 insp1:jd insp2:jd insp3:xx
} >"$T/setup.log" 2>&1 || setup_failed

start_server "$DB"

for u in admin1 insp1 insp2 insp3 aud1 jd1 xx1; do login $u; done
A=$(cat "$T/admin1.csrf")
V=/years/2025/visits
PLAN="unit=jd&at=2025-12-10T09%3A00&place=%E6%9C%BA%E7%94%B5%E6%A5%BC301&lead=insp1&members=insp2&planned=symposium&planned=interview"

# planning: admin only, with CSRF, every bad value named, nothing written
expect 200 "$(get admin1 $V)" "admin visits page"
has 'id="visit-add"' "admin visits page"
has '尚未安排实地检查' "empty visits page"
expect 403 "$(post admin1 $V -d "$PLAN")" "plan without CSRF"
expect 403 "$(post jd1 $V -d "csrf=$(cat "$T/jd1.csrf")&$PLAN")" "unit plans a visit"
expect 403 "$(post aud1 $V -d "csrf=$(cat "$T/aud1.csrf")&$PLAN")" "auditor plans a visit"
expect 403 "$(post insp1 $V -d "csrf=$(cat "$T/insp1.csrf")&$PLAN")" "inspector plans a visit"
expect 422 "$(post admin1 $V -d "csrf=$A&unit=nope&at=2025-13-10T09%3A00&place=&lead=aud1&members=insp1,insp1&planned=picnic")" "bad visit"
for field in unit at place lead 'members\[1\]' planned; do has "<li>$field：" "bad visit errors"; done
LC_ALL=C $K visit list --year 2025 --db "$DB" | grep -q '^no visit planned in 2025' || fail "refused visit was written"
expect 303 "$(post admin1 $V -d "csrf=$A&$PLAN")" "plan jd"
expect 422 "$(post admin1 $V -d "csrf=$A&$PLAN")" "plan jd twice"
$K visit add --year 2025 --unit xx --at "2025-12-09 14:00" --place '<b>信息楼</b>' --lead insp3 --db "$DB" >/dev/null || fail "plan xx"

# the table, by date either way
expect 200 "$(get admin1 $V)" "admin visits page"
first=$(grep -o 'id="visit-[0-9]*"' "$T/body" | head -1)
[ "$first" = 'id="visit-2"' ] || fail "visits not by date: first is $first"
hasnt '<b>信息楼' "escaping"
expect 200 "$(get admin1 "$V?sort=desc")" "visits by date, newest first"
first=$(grep -o 'id="visit-[0-9]*"' "$T/body" | head -1)
[ "$first" = 'id="visit-1"' ] || fail "visits not by date descending: first is $first"
# each inspector sees the timetable of their own visits
expect 200 "$(get insp2 $V)" "insp2 timetable"
has '我的考核安排' "inspector timetable"; has 'id="visit-1"' "insp2 timetable"; hasnt 'id="visit-2"' "insp2 timetable"
hasnt 'id="visit-add"' "inspector timetable"
expect 200 "$(get insp3 $V)" "insp3 timetable"
has 'id="visit-2"' "insp3 timetable"; hasnt 'id="visit-1"' "insp3 timetable"
# a unit sees its own visit: date, place, team; no records link
expect 200 "$(get jd1 $V)" "unit visit"
has '2025年12月10日 09:00' "unit visit"; has '机电楼301' "unit visit"; has 'insp2' "unit visit team"
hasnt '信息楼' "unit sees another unit's visit"; hasnt "$V/1\"" "unit gets a records link"
# the printable timetable: readers only
expect 200 "$(get aud1 $V/print)" "auditor timetable print"
has '2025 年度考核安排表' "print"; has 'id="visit-1"' "print"; hasnt 'id="visit-add"' "print"
grep -q 'style=' "$T/body" && fail "print page has an inline style"
expect 403 "$(get insp1 $V/print)" "inspector print"
expect 403 "$(get jd1 $V/print)" "unit print"

# the inspection: planning is closed, records come in
$K year advance 2025 --db "$DB" >/dev/null && $K year advance 2025 --db "$DB" >/dev/null || fail "advance"
{
    $K visit symposium 1 --date 2025-12-10 --place 会议室 --host 书记 --recorder insp2 --group 教师=12 --outline 提纲 --minutes 纪要 --db "$DB" &&
    $K visit interview 1 --category 支部书记 --name 王秘密 --interviewer insp1 --recorder insp2 --start "2025-12-10 10:00" --end "2025-12-10 10:40" --place 办公室 --summary 访谈摘要 --db "$DB" &&
    $K visit finding --interview 1 --item 2.2 --direction problem --text '<script>alert(1)</script>述职不具体' --db "$DB"
} >"$T/rec.log" 2>&1 || { cat "$T/rec.log"; fail "records"; }
reads() { $K audit log --db "$DB" | grep -c 'interview.read'; }
[ "$(reads)" = 0 ] || fail "a read audited before any read"
expect 200 "$(get admin1 $V/1)" "admin records"
has '王秘密' "admin sees the name"; has '访谈摘要' "admin records"
[ "$(reads)" = 1 ] || fail "admin's read of a name not audited"
expect 200 "$(get aud1 $V/1)" "auditor records"
has '王秘密' "auditor sees the name"
[ "$(reads)" = 2 ] || fail "auditor's read of a name not audited"
expect 200 "$(get insp2 $V/1)" "team inspector records"
has '访谈摘要' "inspector sees the interview"; hasnt '王秘密' "inspector sees the name"
[ "$(reads)" = 2 ] || fail "a read without names audited"
expect 403 "$(get insp3 $V/1)" "inspector of another unit"
expect 403 "$(get jd1 $V/1)" "unit reads records"
expect 404 "$(get admin1 /years/2024/visits/1)" "visit under another year"
expect 404 "$(get admin1 $V/99)" "unknown visit"
# recording on the web: the team (and admin); the rules named by field
I2=$(cat "$T/insp2.csrf")
expect 200 "$(get insp2 $V/1)" "team records page"
for id in symposium-add interview-add finding-add; do has "id=\"$id\"" "team records page"; done
expect 200 "$(get aud1 $V/1)" "auditor records page"
hasnt 'id="interview-add"' "auditor gets recording forms"
IV="category=%E6%95%99%E5%B8%88&interviewer=insp2&recorder=insp2&start=2025-12-10T11%3A00&end=2025-12-10T10%3A00&place=x&summary=y"
expect 422 "$(post insp2 $V/1/interviews -d "csrf=$I2&$IV")" "interviewer is the recorder"
has '<li>recorder：' "one person"; has '<li>end：' "end before start"
expect 403 "$(post insp3 $V/1/interviews -d "csrf=$(cat "$T/insp3.csrf")&$IV")" "inspector outside the team records"
expect 403 "$(post jd1 $V/1/interviews -d "csrf=$(cat "$T/jd1.csrf")&$IV")" "unit records"
expect 403 "$(post aud1 $V/1/interviews -d "csrf=$(cat "$T/aud1.csrf")&$IV")" "auditor records"
IV="category=%E6%95%99%E5%B8%88&interviewer=insp2&recorder=insp1&start=2025-12-10T11%3A00&end=2025-12-10T11%3A30&place=x&summary=web-interview"
expect 303 "$(post insp2 $V/1/interviews -d "csrf=$I2&$IV")" "team member records an interview"
expect 303 "$(post insp2 $V/1/symposiums -d "csrf=$I2&date=2025-12-10&place=p&host=h&recorder=r&groups=%E8%81%8C%E5%B7%A5%3D5%EF%BC%8C%E5%AD%A6%E7%94%9F%3D9&outline=o&minutes=web-minutes")" "team member records a symposium"
expect 422 "$(post insp2 $V/1/symposiums -d "csrf=$I2&date=2025-12-10&place=p&host=h&recorder=r&groups=%E6%95%99%E5%B8%88&outline=o&minutes=m")" "symposium group without a count"
has '<li>groups\[0\]：' "group without a count"
expect 403 "$(post insp2 $V/2/findings -d "csrf=$I2&source=interview&record=1&item=2.2&text=x")" "finding under a visit of another team"
expect 422 "$(post admin1 $V/2/findings -d "csrf=$A&source=interview&record=1&item=2.2&text=x")" "finding on a record of another visit"
has "<li>record：" "record of another visit"
expect 422 "$(post insp2 $V/1/findings -d "csrf=$I2&source=symposium&record=2&item=99.9&text=x")" "finding on an unknown item"
has '<li>item：' "unknown item"
expect 303 "$(post insp2 $V/1/findings -d "csrf=$I2&source=symposium&record=2&item=3.1&direction=good&text=web-finding")" "team member records a finding"
expect 200 "$(get insp2 $V/1)" "records after recording"
has 'web-interview' "web interview"; has "职工 5；学生 9" "web symposium groups (职 shares a byte with ，)"; has 'web-finding' "web finding"
# the finding on the scorer's form, escaped
expect 200 "$(get insp1 /years/2025/units/jd/inspection)" "inspection form"
grep -q 'id="findings-2.2">实地检查所见' "$T/body" || fail "finding not on item 2.2"
has '述职不具体' "finding"; hasnt '<script>alert' "finding escaped"
expect 200 "$(get insp3 /years/2025/units/xx/inspection)" "other unit's form"
hasnt '述职不具体' "finding on another unit's form"

# after the inspection no visit is planned any more (the route's states)
$K year advance 2025 --allow-missing --db "$DB" >/dev/null || fail "advance to review"
expect 403 "$(post admin1 $V -d "csrf=$A&unit=jg&at=2025-12-11T09%3A00&place=x&lead=insp1")" "plan in review"
expect 200 "$(get admin1 $V)" "visits page in review"
hasnt 'id="visit-add"' "planning form in review"

[ $fails -eq 0 ] && echo "ok: web onsite" && exit 0
echo "$fails failure(s)"
exit 1
