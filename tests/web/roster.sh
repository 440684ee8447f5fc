#!/bin/sh
# tests/web/roster.sh KAOHE - rosters (学习强国) in `kaohe serve`: the
# admin's page /admin/years/Y/rosters and its upload, all or nothing
# (a file with bad rows is refused with 第 N 行「COLUMN」列 messages and
# nothing changes), refused for the other roles and without CSRF, and
# the warning on the results page and a unit's form while an item counts
# from a roster that is not loaded for it.  Run from the repository root.
set -u
K=$1
. tests/web/serve.inc
web_test_begin

export KAOHE_USER=setup
DB=$T/t.db; . tests/pg/store.inc
{
    new_store &&
    open_year 2025 examples/units-2025.csv &&
    advance_year 2025 1 &&
    add_users admin1:admin insp1:inspector aud1:auditor jd1:unit:jd jg1:unit:jg &&
    assign_inspectors 2025 insp1:jd
} >"$T/setup.log" 2>&1 || setup_failed

start_server "$DB"

for u in admin1 insp1 aud1 jd1 jg1; do login $u; done
A=$(cat "$T/admin1.csrf")
P=/admin/years/2025/rosters
people() { $K export assessment --year 2025 --db "$DB" 2>/dev/null | grep -c '张三\|李四\|王五\|赵六' ; }

# -- before any roster: the warnings
expect 200 "$(get admin1 /years/2025/results)" "results page"
has 'id="roster-missing"' "results page without a roster"
has '考核要点 3.2「学习强国年度积分不足5000分的人数」' "results warning names the item"
has '个单位尚未导入名册' "results warning"
# how many units the results page says lack the roster
missing() { sed -n 's/.*：有 \([0-9][0-9]*\) 个单位尚未导入名册.*/\1/p' "$T/body" | head -1; }
missing_before=$(missing)
[ -n "$missing_before" ] || fail "results warning: no count"
expect 200 "$(get jd1 /years/2025/units/jd/self)" "jd form"
has 'id="roster-missing"' "jd form without a roster"
has '本单位的名册尚未导入' "jd form warning"
expect 200 "$(get admin1 /admin/years/2025)" "admin year page"
has "href=\"$P\" id=\"link-rosters\"" "admin year page links the rosters"

# -- the page: admin only
expect 200 "$(get admin1 $P)" "rosters page"
has 'id="roster-import"' "rosters page"
has '<option value="xuexi">考核要点 3.2' "roster picked by its item and label"
for u in aud1 insp1 jd1; do
    expect 403 "$(get $u $P)" "$u opens the rosters page"
    expect 403 "$(post $u $P -F "csrf=$(cat "$T/$u.csrf")" -F roster=xuexi -F "file=@examples/xuexi-2025.csv")" "$u imports a roster"
done
expect 403 "$(post admin1 $P -F roster=xuexi -F "file=@examples/xuexi-2025.csv")" "import without CSRF"

# -- bad values: located, nothing changed
before=$(people)
printf '\357\273\277单位编号,姓名,积分\njd,张三,6000\njd,,4000\nxx,王五,abc\nnosuch,赵六,100\n' >"$T/bad.csv"
expect 422 "$(post admin1 $P -F "csrf=$A" -F roster=xuexi -F "file=@$T/bad.csv")" "bad roster"
has '<li>第 3 行「姓名」列：' "empty name located"
has '<li>第 4 行「积分」列：' "bad points located"
has '<li>第 5 行「单位编号」列：' "unknown unit located"
has 'nosuch' "unknown unit named"
[ "$(people)" = "$before" ] || fail "a refused roster changed the store"
expect 422 "$(post admin1 $P -F "csrf=$A" -F roster=nosuch -F "file=@examples/xuexi-2025.csv")" "unknown roster"
has '请选择评分体系使用的名册' "unknown roster"
expect 422 "$(post admin1 $P -F "csrf=$A" -F roster=xuexi)" "no file"
expect 200 "$(get jd1 /years/2025/units/jd/self)" "jd form after refusals"
has 'id="roster-missing"' "jd form still warns after refused imports"

# -- a good file
expect 303 "$(post admin1 $P -F "csrf=$A" -F roster=xuexi -F "file=@examples/xuexi-2025.csv")" "import"
[ "$(people)" -gt "$before" ] || fail "the roster is not in the store"
expect 200 "$(get admin1 "$P?ok=1")" "rosters page after import"
has '名册已导入' "import confirmed"
grep -q '<td class="num">4</td><td class="num">8</td>' "$T/body" || fail "rosters table: 4 units, 8 people"
expect 200 "$(get jd1 /years/2025/units/jd/self)" "jd form after import"
hasnt 'id="roster-missing"' "jd form after import"
# the results page's box (made once per cached year) counts the import
expect 200 "$(get admin1 /years/2025/results)" "results page after import"
[ "$(missing)" = $((missing_before - 4)) ] ||
    fail "results warning after import: $(missing) units, want $((missing_before - 4))"
expect 200 "$(get jg1 /years/2025/units/jg/self)" "jg form (not in the file)"
has 'id="roster-missing"' "jg form: jg has no roster"
$K audit log --db "$DB" | grep -q roster || fail "roster import not audited"

# -- after the review: refused with a message
for i in 1 2 3; do $K year advance 2025 --allow-missing --db "$DB" >/dev/null 2>&1; done
expect 200 "$(get admin1 $P)" "rosters page, published"
hasnt 'id="roster-import"' "published: no upload form"
expect 422 "$(post admin1 $P -F "csrf=$A" -F roster=xuexi -F "file=@examples/xuexi-2025.csv")" "import when published"
[ "$(people)" -gt "$before" ] || fail "refused import changed the roster"

[ $fails -eq 0 ] && echo "ok: web roster" && exit 0
echo "$fails failure(s)"
exit 1
