#!/bin/sh
# tests/web/dept.sh KAOHE - a department scorer (部门评分员) of provider
# 党委宣传部: its grid shows exactly the inputs the rubric gives that
# provider (3.3, 3.4's 文明创建 input, 4.2) for every unit; saving writes
# only those, all or nothing, in the inspection only; the JSON entry API
# lets it write its inputs and refuses (403) another input of the same
# item, another item and the self phase; it reads the year's overview
# and rubric and reaches no other page.
# Run from the repository root.
set -u
K=$1
. tests/web/serve.inc
web_test_begin

export KAOHE_USER=setup
DB=$T/t.db; . tests/pg/store.inc
{
    new_store &&
    open_year 2025 examples/college-2025.yaml &&
    advance_year 2025 1 &&
    add_users admin1:admin aud1:auditor jd1:unit:jd &&
    echo password123 | $K user add xcb --role department --provider 党委宣传部 --db "$DB"
} >"$T/setup.log" 2>&1 || setup_failed

start_server "$DB"

put() {
    curl -s -o "$T/body" -w '%{http_code}' -b "$T/$1.jar" -X PUT \
        -H "X-CSRF-Token: $(cat "$T/$1.csrf")" -H 'Content-Type: application/json' \
        --data-binary "$3" "$B$2"
}
has() { grep -qF "$1" "$T/body" || fail "$2: page has no $1"; }
hasnt() { grep -qF "$1" "$T/body" && fail "$2: page has $1"; }
for u in admin1 aud1 jd1 xcb; do login $u; done
D=$(cat "$T/xcb.csrf")
G=/years/2025/dept
entry() { $K entry list --year 2025 --unit "$1" --item "$2" --db "$DB"; }

# the self-check: the grid is read-only, saving refused
expect 200 "$(get xcb $G)" "grid in the self-check"
hasnt 'id="dept-save"' "grid in the self-check"
expect 403 "$(post xcb $G -d "csrf=$D&v*jd*3.3*reports=2")" "save in the self-check"

$K year advance 2025 --db "$DB" >/dev/null || fail "advance to inspection"
expect 200 "$(get xcb $G)" "grid"
has 'id="dept-save"' "grid"
# exactly the provider's inputs: 3.3 reports, 3.4 civility, 4.2 rating
for f in 'v*jd*3.3*reports' 'v*jd*3.4*civility' 'v*jd*4.2*rating'; do has "name=\"$f\"" "grid"; done
hasnt 'v*jd*3.4*brand' "grid (3.4's other inputs)"
hasnt 'v*jd*1.1*' "grid (another item)"
[ "$(grep -o '<tr id="grid-' "$T/body" | wc -l)" = 28 ] || fail "grid: not one row per unit"
# the year's overview and rubric: read-only; other pages: refused
for p in /years/2025 /years/2025/rubric; do expect 200 "$(get xcb $p)" "department GET $p"; done
has 'id="rubric"' "department rubric page"
expect 200 "$(get xcb /years/2025)" "department year page"
has 'id="dept-items"' "department year page: its items"
has '<a href="/years/2025/rubric#item-4.2">4.2</a>' "department year page: 4.2 is its item"
hasnt '#item-1.1"' "department year page: another item"
hasnt '/units/' "department year page: a unit's page"
for p in /years/2025/units/jd/inspection /years/2025/results /years/2025/claims /years/2025/visits /admin; do
    expect 403 "$(get xcb $p)" "department GET $p"
done
expect 403 "$(get jd1 $G)" "unit reads the grid"
expect 200 "$(get aud1 $G)" "auditor reads the grid"
hasnt 'id="dept-save"' "auditor grid"
expect 403 "$(post admin1 $G -d "csrf=$(cat "$T/admin1.csrf")&v*jd*3.3*reports=2")" "admin saves the grid"

# saving: all or nothing, bad values named
before=$(entry jd 3.3)
expect 422 "$(post xcb $G --data-urlencode "csrf=$D" --data-urlencode 'v*jd*3.3*reports=3' --data-urlencode 'v*xx*4.2*rating=9')" "bad grid"
has 'id="grid-err-xx-4.2"' "bad grid: the message beside xx's 4.2"
has 'name="v*jd*3.3*reports" aria-label="机电工程系 考核要点 3.3 宣传报道" value="3"' "bad grid: jd's typed 3.3 kept"
[ "$(entry jd 3.3)" = "$before" ] || fail "a refused grid wrote jd's 3.3"

# notes: a judgement below full marks needs one, written with the value
has 'name="n*xx*4.2"' "grid: the note of xx's 4.2"
has '低于满分' "grid: the hint beside the note says when it is required"
hasnt 'name="n*xx*3.3"' "grid: a note where no judgement is"
before=$(entry xx 4.2)
A0=$($K audit log --year 2025 --unit xx --db "$DB" | grep -c '^#')
expect 422 "$(post xcb $G --data-urlencode "csrf=$D" --data-urlencode 'v*xx*4.2*rating=3' --data-urlencode 'n*xx*4.2=' --data-urlencode 'v*jd*3.3*reports=5')" "below full marks without a note"
has 'id="grid-err-xx-4.2"' "no note: the message beside xx's 4.2"
grep -A2 'id="grid-err-xx-4.2"' "$T/body" | grep -q '说明' || fail "no note: the message does not ask for the note: $(grep -A2 'grid-err-xx' "$T/body" | head -3)"
has 'name="v*xx*4.2*rating" aria-label="信息工程系 考核要点 4.2 按规定履行审批手续" value="3"' "no note: the typed 3 kept"
has 'name="v*jd*3.3*reports" aria-label="机电工程系 考核要点 3.3 宣传报道" value="5"' "no note: another typed value kept"
[ "$(entry xx 4.2)" = "$before" ] || fail "a refused note-less judgement was written: $(entry xx 4.2)"
[ "$($K audit log --year 2025 --unit xx --db "$DB" | grep -c '^#')" = "$A0" ] || fail "a refused grid was audited"
expect 303 "$(post xcb $G --data-urlencode "csrf=$D" --data-urlencode 'v*xx*4.2*rating=3' --data-urlencode 'n*xx*4.2=1场讲座未履行审批手续')" "below full marks with a note"
entry xx 4.2 | grep -q '"rating": *3.*note: 1场讲座未履行审批手续' || fail "grid did not write xx's 4.2 with its note: $(entry xx 4.2)"
$K audit log --year 2025 --unit xx --db "$DB" | grep -q '1场讲座未履行审批手续' || fail "the grid's note is not audited"
expect 200 "$(get xcb $G)" "grid after the note"
has '1场讲座未履行审批手续</textarea>' "grid shows the stored note"
expect 303 "$(post xcb $G --data-urlencode "csrf=$D" --data-urlencode 'v*jd*3.3*reports=3' --data-urlencode 'v*jd*3.4*civility=false' --data-urlencode 'v*jd*1.1*documents=false')" "save the grid"
entry jd 3.3 | grep -q '"reports": *3' || fail "grid did not write jd's 3.3: $(entry jd 3.3)"
entry jd 3.4 | grep -q '"civility": *false' || fail "grid did not write jd's 3.4: $(entry jd 3.4)"
entry jd 3.4 | grep -q '"brand"' || fail "grid dropped jd's other 3.4 inputs: $(entry jd 3.4)"
entry jd 1.1 | grep -q '"documents": *false' && fail "grid wrote an item of no provider"

# the JSON entry API, within the provider's inputs
E=/api/v1/years/2025/entries
expect 200 "$(get xcb $E/jd/3.3/inspection)" "department reads its entry"
ver() { get xcb "$1" >/dev/null; sed -n 's/.*"version":\([0-9]*\).*/\1/p' "$T/body"; }
V=$(ver $E/jd/3.3/inspection)
expect 200 "$(put xcb $E/jd/3.3/inspection "{\"inputs\":{\"reports\":4},\"version\":$V}")" "department writes 3.3"
V=$(ver $E/xx/3.4/inspection)
expect 200 "$(put xcb $E/xx/3.4/inspection "{\"inputs\":{\"civility\":true},\"version\":$V}")" "department writes 3.4 civility"
expect 403 "$(put xcb $E/xx/3.4/inspection '{"inputs":{"brand":true},"version":0}')" "department writes 3.4 brand"
expect 403 "$(put xcb $E/jd/1.1/inspection '{"inputs":{"documents":true},"version":0}')" "department writes 1.1"
expect 403 "$(get xcb $E/jd/1.1/inspection)" "department reads 1.1"
expect 403 "$(put xcb $E/jd/3.3/self '{"inputs":{"reports":1},"version":0}')" "department writes a self entry"
entry jd 3.3 | grep -q '"reports": *4' || fail "API write of 3.3 lost"

[ $fails -eq 0 ] && echo "ok: web dept" && exit 0
echo "$fails failure(s)"
exit 1
