#!/bin/sh
# tests/web/followup.sh KAOHE - the follow-up page of a published year in
# `kaohe serve`: bottom units listed, talks and rectification items added
# by admin (CSRF, located errors), an overdue item marked, an item
# closed, a good practice recorded; auditor reads, inspector and unit
# users are refused (and audited); text shown escaped.  Run from the
# repository root.
set -u
K=$1
. tests/web/serve.inc
web_test_begin

export KAOHE_USER=setup
# a fixed clock: 2026-03-01, so a deadline in February is overdue
export KAOHE_NOW=1772323200
DB=$T/t.db; . tests/pg/store.inc
{
    new_store &&
    open_year 2025 examples/college-2025.yaml &&
    publish_year 2025 &&
    $K year open 2024 --rubric ideology-2020 --db "$DB" &&
    add_users admin1:admin insp1:inspector aud1:auditor yx1:unit:yx
} >"$T/setup.log" 2>&1 || setup_failed

start_server "$DB"

for u in admin1 insp1 aud1 yx1; do login $u; done
A=$(cat "$T/admin1.csrf")
F=/years/2025/followup

expect 200 "$(get admin1 $F)" "admin follow-up page"
for id in followup-yx followup-jz talk-add item-add practice-add; do has "id=\"$id\"" "follow-up page"; done
has '<select name="unit" required><option value="jd">机电工程系</option>' "the practice form picks the unit by name"
expect 403 "$(get insp1 $F)" "inspector follow-up page"
expect 403 "$(get yx1 $F)" "unit follow-up page"
expect 403 "$(post yx1 $F/talks -d "csrf=$(cat "$T/yx1.csrf")&unit=yx&date=2026-02-01&by=x&summary=x")" "unit adds a talk"
expect 403 "$(post aud1 $F/items -d "csrf=$(cat "$T/aud1.csrf")&unit=yx&text=x&deadline=2026-02-01")" "auditor adds an item"
expect 403 "$(post admin1 $F/talks -d "unit=yx&date=2026-02-01&by=x&summary=x")" "talk without CSRF"

expect 303 "$(post admin1 $F/talks -d "csrf=$A&unit=yx&date=2026-02-01&by=%E5%AE%A3%E4%BC%A0%E9%83%A8&to=x&summary=%3Cscript%3Ealert(1)%3C%2Fscript%3E")" "add talk"
expect 422 "$(post admin1 $F/talks -d "csrf=$A&unit=yx&date=2026-02-30&by=x&summary=x")" "talk on a bad date"
expect 422 "$(post admin1 $F/talks -d "csrf=$A&unit=yx&date=2026-03-02&by=x&summary=x")" "talk in the future"
has 'id="errors"' "bad date"
expect 422 "$(post admin1 $F/talks -d "csrf=$A&unit=jd&date=2026-02-01&by=x&summary=x")" "talk with a unit not in the bottom list"
expect 422 "$(post admin1 $F/items -d "csrf=$A&unit=yx&text=&deadline=2026-02-01")" "item without text"
expect 303 "$(post admin1 $F/items -d "csrf=$A&unit=yx&text=overdue-item&deadline=2026-02-01")" "add overdue item"
expect 303 "$(post admin1 $F/items -d "csrf=$A&unit=jz&text=later-item&deadline=2026-12-31")" "add later item"
expect 200 "$(get aud1 $F)" "auditor follow-up page"
grep -q 'class="overdue"><td>overdue-item' "$T/body" || fail "overdue item not marked"
grep -q 'class="overdue"><td>later-item' "$T/body" && fail "item not yet due marked overdue"
grep -q '<script>alert' "$T/body" && fail "XSS: talk summary not escaped"
has '&lt;script&gt;alert(1)' "talk summary"
grep -q 'id="item-close-' "$T/body" && fail "auditor sees close forms"
expect 200 "$(get admin1 $F)" "admin follow-up page"
ID=$(sed -n 's/.*id="item-close-\([0-9]*\)".*/\1/p' "$T/body" | head -1)
[ -n "$ID" ] || fail "no close form"
# the year in the URL is checked: item $ID belongs to 2025, not 2024
expect 422 "$(post admin1 /years/2024/followup/items/$ID/close -d "csrf=$A&date=2026-03-01")" "close an item under another year"
has 'id="errors"' "close under another year"
expect 422 "$(post admin1 $F/items/$ID/close -d "csrf=$A&date=2026-02-20")" "close before the item was recorded"
expect 303 "$(post admin1 $F/items/$ID/close -d "csrf=$A&date=2026-03-01")" "close item (still open after the wrong year)"
expect 422 "$(post admin1 $F/items/$ID/close -d "csrf=$A&date=2026-03-02")" "close a closed item"
expect 303 "$(post admin1 /years/2025/practices -d "csrf=$A&unit=jd&title=good-practice&text=details")" "add practice"
expect 200 "$(get admin1 $F)" "page after changes"
has '已完成（2026年3月1日）' "closed item"
has 'good-practice' "practice"
$K followup list --year 2025 --db "$DB" | grep -q 'overdue-item' || fail "item not in the store"

[ $fails -eq 0 ] && echo "ok: web followup" && exit 0
echo "$fails failure(s)"
exit 1
