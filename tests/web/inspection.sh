#!/bin/sh
# tests/web/inspection.sh KAOHE - the inspection pages of `kaohe serve`
# beyond the entries: a unit's bonus (特色加分) and negative (负面清单)
# records listed, added and removed by admin (CSRF, located errors on bad
# points, reason required, audited by the store, only in the inspection
# and review states, reasons shown as text), refused for the other roles;
# the propaganda department's items (rubric provider 党委宣传部) marked on
# the form and gathered on /years/Y/dept-items.  Run from the repository
# root.
set -u
K=$1
. tests/web/serve.inc
web_test_begin

export KAOHE_USER=setup
DB=$T/t.db; . tests/pg/store.inc
{
    new_store &&
    open_year 2025 examples/college-2025.yaml &&
    advance_year 2025 2 &&
    add_users admin1:admin insp1:inspector aud1:auditor jd1:unit:jd &&
    assign_inspectors 2025 insp1:jd
} >"$T/setup.log" 2>&1 || setup_failed

start_server "$DB"

for u in admin1 insp1 aud1 jd1; do login $u; done
A=$(cat "$T/admin1.csrf")
U=/years/2025/units/jd
nrec() { $K record list --year 2025 --unit jd --db "$DB" 2>/dev/null | grep -c "$1"; }

# -- the records section: the example's jd has one bonus record (2 points)
expect 200 "$(get admin1 $U/inspection)" "admin inspection form"
for id in records records-table record-add; do has "id=\"$id\"" "admin inspection form"; done
grep -q 'id="record-bonus-[0-9]*"><td>特色加分</td><td class="num">+2</td>' "$T/body" ||
    fail "the stored bonus record of jd is not listed"
grep -q 'id="record-remove-bonus-[0-9]*"' "$T/body" || fail "no remove form for admin"
expect 200 "$(get insp1 $U/inspection)" "assigned inspector's inspection form"
has 'id="records"' "inspector sees the records"
hasnt 'id="record-add"' "inspector inspection form"
hasnt 'id="record-remove-' "inspector inspection form"
expect 200 "$(get aud1 $U/inspection)" "auditor inspection form"
hasnt 'id="record-add"' "auditor inspection form"
expect 403 "$(get jd1 $U/inspection)" "unit user inspection form"

# -- add: admin only, with CSRF
XSS='%3Cscript%3Ealert(1)%3C%2Fscript%3E%22%3E%3Cimg%20src%3Dx%20onerror%3Dalert(2)%3E'
for who in insp1 aud1 jd1; do
    expect 403 "$(post $who $U/records -d "csrf=$(cat "$T/$who.csrf")&type=bonus&points=1&reason=x")" "$who adds a record"
done
expect 403 "$(post admin1 $U/records -d "type=bonus&points=1&reason=x")" "add without CSRF"
expect 403 "$(post admin1 $U/records -d "csrf=00000000000000000000000000000000&type=bonus&points=1&reason=x")" "add with a wrong CSRF token"
expect 405 "$(curl -s -o "$T/body" -w '%{http_code}' -b "$T/admin1.jar" -H "X-CSRF-Token: $A" -X PUT "$B$U/records")" "PUT records"
expect 404 "$(post admin1 /years/2025/units/nosuch/records -d "csrf=$A&type=bonus&points=1&reason=x")" "add for an unknown unit"
before=$(nrec .)
# bad points: located errors, nothing stored
expect 422 "$(post admin1 $U/records -d "csrf=$A&type=bonus&points=0&reason=x")" "zero points"
has 'id="errors"' "zero points"
has '<li>分值：' "zero points error names the field"
expect 422 "$(post admin1 $U/records -d "csrf=$A&type=negative&points=-1&reason=x")" "negative points"
has '<li>分值：' "negative points error names the field"
expect 422 "$(post admin1 $U/records -d "csrf=$A&type=bonus&points=1.255&reason=x")" "three decimals"
has '<li>分值：' "three decimals error names the field"
grep -q 'two decimal' "$T/body" || fail "three decimals: the message does not say why"
expect 422 "$(post admin1 $U/records -d "csrf=$A&type=bonus&points=abc&reason=x")" "not a number"
expect 422 "$(post admin1 $U/records -d "csrf=$A&type=bonus&points=1&reason=")" "no reason"
has '<li>理由：' "no reason error names the field"
expect 422 "$(post admin1 $U/records -d "csrf=$A&type=other&points=1&reason=x")" "bad type"
has '<li>类型：' "bad type error names the field"
# every error at once
expect 422 "$(post admin1 $U/records -d "csrf=$A&type=x&points=0.001&reason=")" "three errors"
[ "$(grep -o '<li>' "$T/body" | wc -l)" -ge 3 ] || fail "not every error reported: $(cat "$T/body")"
[ "$(nrec .)" = "$before" ] || fail "a refused record was stored"
# good ones, with a reason that tries to inject markup
expect 303 "$(post admin1 $U/records -d "csrf=$A&type=bonus&points=1.5&reason=$XSS")" "add bonus"
expect 303 "$(post admin1 $U/records -d "csrf=$A&type=negative&points=0.25&reason=neg-reason")" "add negative"
expect 200 "$(get admin1 "$U/inspection?record=1")" "form after adding"
has 'id="record-msg"' "form after adding"
grep -q '<td class="num">+1.5</td><td>&lt;script&gt;alert(1)&lt;/script&gt;&quot;&gt;&lt;img src=x onerror=alert(2)&gt;</td>' "$T/body" ||
    fail "bonus record not listed, or its reason not escaped"
hasnt '<script>alert' "XSS: reason"
hasnt '<img src=x' "XSS: reason"
grep -q '<td>负面清单扣分</td><td class="num">−0.25</td><td>neg-reason</td>' "$T/body" ||
    fail "negative record not listed"
NEG=$(sed -n 's/.*id="record-remove-negative-\([0-9]*\)".*/\1/p' "$T/body" | head -1)
[ -n "$NEG" ] || fail "no remove form for the negative record"
$K audit log --year 2025 --unit jd --db "$DB" >"$T/audit" 2>&1
grep -q 'bonus.add' "$T/audit" || fail "bonus add not audited"
grep -q 'negative.add' "$T/audit" || fail "negative add not audited"
# the score follows: jd's total in the JSON now counts the negative 0.25
expect 200 "$(get admin1 /api/v1/years/2025/units/jd/result)" "jd result"
grep -q '"negative":0.25' "$T/body" || fail "the negative record does not count: $(head -c 600 "$T/body")"

# -- remove: admin only, reason required, only the unit's own records
expect 403 "$(post insp1 $U/records/negative-$NEG/remove -d "csrf=$(cat "$T/insp1.csrf")&reason=x")" "inspector removes"
expect 403 "$(post aud1 $U/records/negative-$NEG/remove -d "csrf=$(cat "$T/aud1.csrf")&reason=x")" "auditor removes"
expect 403 "$(post admin1 $U/records/negative-$NEG/remove -d "reason=x")" "remove without CSRF"
expect 404 "$(post admin1 /years/2025/units/xx/records/negative-$NEG/remove -d "csrf=$A&reason=x")" "remove through another unit"
expect 404 "$(post admin1 $U/records/bonus-999999/remove -d "csrf=$A&reason=x")" "remove an unknown record"
expect 404 "$(post admin1 $U/records/negative-x/remove -d "csrf=$A&reason=x")" "remove a malformed id"
expect 422 "$(post admin1 $U/records/negative-$NEG/remove -d "csrf=$A&reason=")" "remove without reason"
has '<li>理由：' "remove without reason"
expect 303 "$(post admin1 $U/records/negative-$NEG/remove -d "csrf=$A&reason=entered-by-mistake")" "remove"
expect 200 "$(get admin1 $U/inspection)" "form after removing"
hasnt "record-negative-$NEG\"" "removed record"
$K audit log --year 2025 --unit jd --db "$DB" >"$T/audit" 2>&1
grep -q 'entered-by-mistake' "$T/audit" || fail "removal not audited with its reason"

# -- the propaganda department's items: 3.3, 3.4 (its 文明创建 input) and
# 4.2 of the 2020 rubric name provider 党委宣传部, and no other item does
expect 200 "$(get admin1 $U/inspection)" "admin inspection form"
for it in 3.3 3.4 4.2; do
    grep -q "<section class=\"item [a-z]*\" id=\"item-$it\".*<span class=\"dept\">[^<]*党委宣传部</span></h3>" "$T/body" ||
        fail "item $it not marked as supplied by the department"
done
[ "$(grep -o 'class="dept"' "$T/body" | wc -l)" = 3 ] || fail "other items marked as the department's"
expect 200 "$(get admin1 /years/2025)" "year page"
has 'id="nav-dept-items"' "admin year page"
expect 200 "$(get admin1 /years/2025/dept-items)" "admin dept-items page"
has 'id="dept-items"' "dept-items page"
for it in '3.3 围绕学院中心工作' '3.4 ' '4.2 '; do has "<th>$it" "dept-items header"; done
[ "$(grep -o '<th>[0-9]\.[0-9] ' "$T/body" | wc -l)" = 3 ] || fail "dept-items page: not exactly 3 item columns"
[ "$(grep -o '<tr id="dept-' "$T/body" | wc -l)" = 28 ] || fail "dept-items page: not one row per unit (28)"
grep -q '<a id="dept-edit-jd" href="/years/2025/units/jd/inspection#item-3.3">填写</a>' "$T/body" ||
    fail "dept-items page: no edit link for jd: $(grep -o '<tr id="dept-jd".*' "$T/body" | head -c 400)"
# 3.3 of jd scored 4 in the example; after clearing it, the cell says 未评
grep -q '<tr id="dept-jd"><td>机电工程系</td><td>[^<]*</td><td class="num">4</td>' "$T/body" ||
    fail "dept-items page: jd's 3.3 score: $(grep -o '<tr id="dept-jd".*' "$T/body" | head -c 400)"
# clear it (the input removed through the API), then the cell says 未评
EI=/api/v1/years/2025/entries/jd/3.3/inspection
curl -s -o "$T/body" -b "$T/admin1.jar" "$B$EI"
VI=$(sed -n 's/.*"version":\([0-9]*\).*/\1/p' "$T/body")
expect 200 "$(curl -s -o "$T/body" -w '%{http_code}' -b "$T/admin1.jar" -X PUT -H "X-CSRF-Token: $A" \
    -H 'Content-Type: application/json' --data-binary "{\"inputs\":{\"reports\":null},\"version\":$VI}" "$B$EI")" "clear jd's 3.3"
expect 200 "$(get admin1 /years/2025/dept-items)" "dept-items after clearing"
grep -q '<tr id="dept-jd"><td>机电工程系</td><td>[^<]*</td><td class="num todo">未评</td>' "$T/body" ||
    fail "dept-items page: jd's cleared 3.3 is not 未评: $(grep -o '<tr id="dept-jd".*' "$T/body" | head -c 400)"
expect 200 "$(get aud1 /years/2025/dept-items)" "auditor dept-items page"
hasnt 'id="dept-edit-' "auditor dept-items page"
expect 403 "$(get insp1 /years/2025/dept-items)" "inspector dept-items page"
expect 403 "$(get jd1 /years/2025/dept-items)" "unit dept-items page"
expect 404 "$(get admin1 /years/2031/dept-items)" "dept-items of an unknown year"
# a rubric that names no provider (the standard's text does not count):
# no marks, no columns
sed -e '/^ *provider: 党委宣传部}$/d' -e 's/points: 3,$/points: 3}/' \
    -e '/^ *provider: 党委宣传部/d' -e 's/^id: ideology-2020/id: ideology-nodept/' \
    rubrics/ideology-2020.yaml >"$T/nodept.yaml"
grep -q provider "$T/nodept.yaml" && fail "nodept.yaml still names a provider"
{
    $K rubric import "$T/nodept.yaml" --db "$DB" &&
    $K year open 2026 --rubric ideology-nodept --db "$DB" &&
    $K units import examples/units-2025.csv --year 2026 --db "$DB"
} >"$T/nodept.log" 2>&1 || { cat "$T/nodept.log"; fail "a year on a rubric without department items"; }
expect 200 "$(get admin1 /years/2026/dept-items)" "dept-items without department items"
has '没有为任何考核项注明提供部门' "dept-items without department items"
expect 200 "$(get admin1 /years/2026/units/jd/inspection)" "inspection form without department items"
hasnt 'class="dept"' "inspection form of a rubric without department items"

# -- the states the store allows: not after publication
$K year advance 2025 --db "$DB" >/dev/null 2>&1 &&
$K year advance 2025 --allow-missing --db "$DB" >"$T/adv.log" 2>&1 || { cat "$T/adv.log"; fail "publish"; }
expect 200 "$(get admin1 $U/inspection)" "form after publication"
hasnt 'id="record-add"' "published year's form"
hasnt 'id="record-remove-' "published year's form"
has 'id="records"' "published year's form still lists"
expect 403 "$(post admin1 $U/records -d "csrf=$A&type=bonus&points=1&reason=late")" "add after publication"

[ $fails -eq 0 ] && echo "ok: web inspection" && exit 0
echo "$fails failure(s)"
exit 1
