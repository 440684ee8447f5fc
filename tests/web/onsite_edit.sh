#!/bin/sh
# tests/web/onsite_edit.sh KAOHE - names, not logins, on the on-site
# pages (unit, lead, members, interviewer and recorder pickers; teams and
# records shown by display name), and corrections of on-site records:
# the author or an admin corrects a symposium, an interview and a
# finding and removes a finding; another team member, a unit user and an
# auditor are refused; bad values are named with nothing changed; a
# record of another visit is not found; every correction is audited; no
# correction once the year is past review.  Both engines
# (tests/pg/store.inc).  Run from the repository root.
set -u
K=$1
. tests/web/serve.inc
web_test_begin

export KAOHE_USER=setup
DB=$T/t.db; . tests/pg/store.inc
{
    new_store &&
    open_year 2025 examples/college-2025.yaml &&
    add_users admin1:admin insp1:inspector insp2:inspector aud1:auditor jd1:unit:jd &&
    $K user name insp1 李明 --db "$DB" &&
    $K user name insp2 '王<b>芳</b>' --db "$DB" &&
    assign_inspectors 2025 insp1:jd insp2:jd &&
    $K visit add --year 2025 --unit xx --at "2025-12-09 14:00" --place 信息楼 --lead insp1 --db "$DB" &&
    advance_year 2025 2
} >"$T/setup.log" 2>&1 || setup_failed

start_server "$DB"

get() { curl -s -m 20 -o "$T/body" -w '%{http_code}' -b "$T/$1.jar" "$B$2"; }
post() {
    jar=$1 p=$2
    shift 2
    curl -s -m 20 -o "$T/body" -w '%{http_code}' -b "$T/$jar.jar" \
        --data-urlencode "csrf=$(cat "$T/$jar.csrf")" "$@" "$B$p"
}
has() { grep -q -- "$1" "$T/body" || fail "$2: page has no $1"; }
hasnt() { ! grep -q -- "$1" "$T/body" || fail "$2: page shows $1"; }
login() {
    s=$(curl -s -m 20 -o "$T/body" -w '%{http_code}' -c "$T/$1.jar" -H 'Content-Type: application/json' \
        --data-binary "{\"user\":\"$1\",\"password\":\"password123\"}" "$B/api/v1/login")
    expect 200 "$s" "login $1"
    sed -n 's/.*"csrf":"\([0-9a-f]*\)".*/\1/p' "$T/body" >"$T/$1.csrf"
}
for u in admin1 insp1 insp2 aud1 jd1; do login $u; done
V=/years/2025/visits
show() { $K visit show "$1" --db "$DB" 2>&1; }

# ---- names, not logins ----
expect 200 "$(get admin1 $V)" "visits page"
has '<option value="jd">机电工程系</option>' "unit picker shows the unit's name"
has '<option value="insp1">李明</option>' "lead picker shows the display name"
has 'name="members" value="insp2"> 王&lt;b&gt;芳&lt;/b&gt;</label>' "member box, name escaped"
has '组长 李明' "the team by name"
hasnt '组长 insp1' "no login in the team"
# a visit planned through the pickers (members as boxes)
expect 303 "$(post admin1 $V --data 'unit=jd&at=2025-12-10T09%3A00&lead=insp1&members=insp2&planned=symposium' --data-urlencode 'place=机电楼301')" "plan jd with the pickers"
show 2 >/dev/null
$K visit list --year 2025 --db "$DB" | grep -q '李明' || fail "visit list shows the lead's name"
expect 200 "$(get insp1 $V/2)" "records page"
has '<select name="interviewer" required>' "interviewer picker"
has '<option value="insp2">王&lt;b&gt;芳&lt;/b&gt;</option>' "team member by name"
has '<option value="2.2">2.2 ' "item picker"

# ---- records by insp1, a finding ----
SYM='date=2025-12-10&host=x&recorder=y&outline=o&minutes=m'
expect 303 "$(post insp1 $V/2/symposiums --data "$SYM" --data-urlencode 'place=会议室' --data-urlencode 'groups=教师=12')" "symposium"
expect 303 "$(post insp1 $V/2/interviews --data 'category=c&interviewer=insp1&recorder=insp2&start=2025-12-10T10%3A00&end=2025-12-10T10%3A30&place=p&summary=s' --data-urlencode 'name=王五')" "interview"
expect 303 "$(post insp1 $V/2/findings --data 'source=symposium&record=1&item=2.2&direction=problem&text=first')" "finding"
expect 200 "$(get admin1 $V/2)" "records with numbers"
has '发现 #1（2.2 问题）：first' "finding shown with its number"
has '访谈人 李明，记录人 王&lt;b&gt;芳&lt;/b&gt;' "interview people by name"
has 'id="corrections"' "corrections section"

# ---- who may correct ----
FIX='record=1&date=2025-12-11&host=x2&recorder=y&outline=o&minutes=m2&place=p2&groups=%E6%95%99%E5%B8%88%3D13'
expect 403 "$(post insp2 $V/2/symposiums/edit --data "$FIX")" "another team member corrects"
expect 403 "$(post jd1 $V/2/symposiums/edit --data "$FIX")" "unit user corrects"
expect 403 "$(post aud1 $V/2/symposiums/edit --data "$FIX")" "auditor corrects"
expect 403 "$(curl -s -m 20 -o "$T/body" -w '%{http_code}' -b "$T/insp1.jar" --data "csrf=0&$FIX" "$B$V/2/symposiums/edit")" "no CSRF"
show 2 | grep -q '2025-12-10，会议室' || fail "refused corrections changed the record"
# bad values: named, nothing written
expect 422 "$(post insp1 $V/2/symposiums/edit --data 'record=1&date=2025-02-30&host=&recorder=y&outline=o&minutes=m&place=p&groups=x')" "bad correction"
has '<li>date：' "date named"; has '<li>host：' "host named"
show 2 | grep -q '2025-12-10，会议室' || fail "bad correction changed the record"
expect 400 "$(post insp1 $V/2/symposiums/edit --data 'record=abc&date=2025-12-11')" "no record number"
expect 404 "$(post insp1 $V/1/symposiums/edit --data "$FIX")" "record of another visit"
# the author, then admin
expect 303 "$(post insp1 $V/2/symposiums/edit --data "$FIX")" "author corrects"
show 2 | grep -q '座谈会 #1：2025-12-11，p2；主持人 x2' || fail "symposium corrected: $(show 2 | head -2)"
expect 303 "$(post admin1 $V/2/interviews/edit --data 'record=1&category=c2&interviewer=insp2&recorder=insp1&start=2025-12-10T10%3A00&end=2025-12-10T10%3A45&place=p&summary=s2')" "admin corrects an interview"
show 2 | grep -q '个别访谈 #1：c2，2025-12-10 10:00 至 10:45' || fail "interview corrected"
expect 422 "$(post insp1 $V/2/findings/edit --data 'record=1&item=9.9&direction=good&text=')" "bad finding correction"
has '<li>item：' "item named"; has '<li>text：' "text named"
expect 303 "$(post insp1 $V/2/findings/edit --data 'record=1&item=3.1&direction=good&text=second')" "finding corrected"
show 2 | grep -q '发现 #1（3.1 亮点）：second' || fail "finding corrected: $(show 2)"
expect 403 "$(post insp2 $V/2/findings/remove --data 'record=1')" "another member removes"
expect 303 "$(post insp1 $V/2/findings/remove --data 'record=1')" "author removes the finding"
show 2 | grep -q '发现 #1' && fail "finding still there"
expect 404 "$(post insp1 $V/2/findings/remove --data 'record=1')" "removed twice"
for a in symposium.set interview.set finding.set finding.remove; do
    $K audit log --db "$DB" | grep -q " $a " || fail "audit $a"
done

# ---- past review: no correction ----
$K year advance 2025 --db "$DB" >/dev/null && $K year advance 2025 --db "$DB" >/dev/null
s=$(post insp1 $V/2/symposiums/edit --data "$FIX")
[ "$s" = 403 ] || [ "$s" = 409 ] || fail "correction after review: got $s"

[ $fails -eq 0 ] && echo "ok: web onsite_edit"
exit $fails
