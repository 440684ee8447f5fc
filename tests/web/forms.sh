#!/bin/sh
# tests/web/forms.sh KAOHE - the entry form without JavaScript (issue 11
# item 1): 保存全部 posts every item at once; the valid items are saved
# (each its own write), a refused item comes back with every typed value
# kept and its Chinese message beside the field, naming the item and the
# field; a saved 否 looks different from an untouched item; a stale
# version is refused beside its item; one hint per field; the keepalive
# route; an expired login sends the user to the login page and back to
# the form, and a hostile `next` is never followed.  Both engines
# (tests/pg/store.inc).  Run from the repository root.
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
    add_users jd1:unit:jd
} >"$T/setup.log" 2>&1 || setup_failed

start_server "$DB" --session-idle 10

F=/years/2025/units/jd/self
E=/api/v1/years/2025/entries/jd
login() { # login JAR: the HTML form, then the token from /api/v1/me
    curl -s -o /dev/null -c "$T/$1" -d "user=jd1&password=password123" "$B/login"
    curl -s -b "$T/$1" "$B/api/v1/me" | sed -n 's/.*"csrf":"\([0-9a-f]*\)".*/\1/p'
}
get() { curl -s -o "$T/body" -w '%{http_code}' -b "$T/jar" "$B$1"; }
post() { # post PATH ARGS...: an urlencoded form
    p=$1
    shift
    curl -s -o "$T/body" -w '%{http_code}' -b "$T/jar" "$@" "$B$p"
}
# section ITEM: the item's section of the last page, on one line
section() { tr '\n' ' ' <"$T/body" | sed -n "s|.*\\(<section[^>]*id=\"item-$1\".*\\)|\\1|p" | sed 's|</section>.*||'; }
entry() { curl -s -b "$T/jar" "$B$E/$1/self"; }

A=$(login jar)
[ -n "$A" ] || { echo "FAIL: no login"; exit 1; }

# -- the empty form: one form, every item untouched, one hint per field
expect 200 "$(get $F)" "form"
grep -q '<form method="post" id="entry" action="/years/2025/units/jd/self"' "$T/body" || fail "no whole form"
[ "$(grep -o 'class="status empty"' "$T/body" | wc -l)" = 25 ] || fail "25 untouched items expected"
[ "$(section 2.2 | grep -o '步长' | wc -l)" = 1 ] || fail "2.2: the step is not said exactly once: $(section 2.2)"
grep -q 'id="save-all"' "$T/body" || fail "no 保存全部"
grep -q '<b id="filled-n">0</b> / <b id="applicable-n">25</b>' "$T/body" || fail "progress 0 / 25"

# -- 保存全部 with two refused items: 1.3 (a count that is no number) and
# 2.2 (below full marks without a reason); 1.1 (否), 1.2 and 1.4 pass.
s=$(post $F --data-urlencode "csrf=$A" \
    -d 'in_documents.1.1=false' -d 'version.1.1=0' -d 'note.1.1=' \
    -d 'in_report.1.2=late' -d 'version.1.2=0' --data-urlencode 'note.1.2=上半年迟报' \
    -d 'in_meetings.1.3=3' -d 'in_proofs.1.3=abc' -d 'version.1.3=0' --data-urlencode 'note.1.3=会议3次' \
    -d 'in_plan.1.4=true' -d 'in_proofs.1.4=true' -d 'version.1.4=0' -d 'note.1.4=' \
    -d 'in_rating.2.2=3.5' -d 'version.2.2=0' -d 'note.2.2=' \
    -d 'version.1.5=0' -d 'note.1.5=')
expect 422 "$s" "保存全部 with refused items"
grep -q '已保存 3 项；2 项未保存' "$T/body" || fail "no summary of saved and refused items"
s22=$(section 2.2)
echo "$s22" | grep -q 'name="in_rating.2.2" form="entry" value="3.5"' || fail "2.2: typed 3.5 not kept"
echo "$s22" | grep -q '<span class="field-error" role="alert">考核要点 2.2「第一责任人履责情况」：评分 3.5 低于满分 4 分，须在备注中说明理由</span>' ||
    fail "2.2: no Chinese message beside the field: $s22"
echo "$s22" | grep -q 'class="status error"' || fail "2.2 not marked 有误"
s13=$(section 1.3)
echo "$s13" | grep -q 'name="in_meetings.1.3" form="entry" value="3"' || fail "1.3: typed meetings not kept"
echo "$s13" | grep -q 'name="in_proofs.1.3" form="entry" value="abc"' || fail "1.3: typed proofs not kept"
echo "$s13" | grep -q '>会议3次</textarea>' || fail "1.3: typed note not kept"
echo "$s13" | grep -q 'field-error" role="alert">考核要点 1.3「相关印证材料」：' || fail "1.3: no message beside 相关印证材料: $s13"
grep -q 'class="field-error"[^<]*\(entries\[\|inputs\.\|"jd"\)' "$T/body" && fail "a message shows a code or a data path"
section 1.2 | grep -q 'value="late" checked' || fail "1.2: saved choice not shown"
section 1.1 | grep -q 'value="false" checked' || fail "1.1: saved 否 not shown"
section 1.1 | grep -q 'class="status saved"' || fail "1.1: saved 否 not marked 已保存"
section 1.5 | grep -q 'class="status empty"' || fail "1.5: untouched item not marked 未填"
section 1.5 | grep -q 'checked' && fail "1.5: an untouched item shows a value"
# the store: the valid items saved, the refused ones not
entry 1.1 | grep -q '"documents": *false' || fail "1.1 否 not stored: $(entry 1.1)"
entry 1.2 | grep -q '"note":"上半年迟报"' || fail "1.2 not stored: $(entry 1.2)"
entry 1.4 | grep -q '"plan": *true' || fail "1.4 not stored"
entry 1.3 | grep -q '"version":0' || fail "refused 1.3 was stored: $(entry 1.3)"
entry 2.2 | grep -q '"version":0' || fail "refused 2.2 was stored"
entry 1.5 | grep -q '"version":0' || fail "untouched 1.5 was stored"

# -- the same page corrected: saved, back to the form (303)
s=$(post $F --data-urlencode "csrf=$A" \
    -d 'in_documents.1.1=false' -d 'version.1.1=1' -d 'note.1.1=' \
    -d 'in_meetings.1.3=3' -d 'in_proofs.1.3=2' -d 'version.1.3=0' --data-urlencode 'note.1.3=会议3次' \
    -d 'in_rating.2.2=3.5' -d 'version.2.2=0' --data-urlencode 'note.2.2=对批评错误观点着墨不多')
expect 303 "$s" "保存全部 corrected"
entry 2.2 | grep -q '"rating": *3.5' || fail "2.2 not stored after the correction: $(entry 2.2)"
entry 1.3 | grep -q '"proofs": *2' || fail "1.3 not stored after the correction"
entry 1.1 | grep -q '"version":1' || fail "unchanged 1.1 written again: $(entry 1.1)"
expect 200 "$(get $F)" "form after saving"
grep -q '<b id="filled-n">5</b> / <b id="applicable-n">25</b>' "$T/body" || fail "progress 5 / 25"

# -- a stale version: refused beside the item, the typed value kept (409)
s=$(post $F --data-urlencode "csrf=$A" -d 'in_report.1.2=none' -d 'version.1.2=0' -d 'note.1.2=x')
expect 409 "$s" "stale version"
section 1.2 | grep -q '考核要点 1.2：您打开本表后，此项已被他人保存' || fail "1.2: no conflict message: $(section 1.2)"
section 1.2 | grep -q 'value="none" checked' || fail "1.2: the typed choice is not kept"
entry 1.2 | grep -q '"report": *"late"' || fail "the stale save changed 1.2"
# the one-item POST of older clients: the same form on a refusal
s=$(post $F/2.2 --data-urlencode "csrf=$A" -d 'in_rating=9' -d 'version=1' -d 'note=')
expect 422 "$s" "one-item POST out of range"
section 2.2 | grep -q 'value="9"' || fail "one-item POST: the typed value is not kept"
section 2.2 | grep -q 'class="field-error"' || fail "one-item POST: no message beside the field"
# no CSRF token: refused, nothing saved
s=$(post $F -d 'in_report.1.2=none' -d 'version.1.2=1')
expect 403 "$s" "保存全部 without the token"

# -- the keepalive route
s=$(curl -s -o "$T/body" -w '%{http_code}' -b "$T/jar" -X POST -H "X-CSRF-Token: $A" "$B/api/v1/keepalive")
expect 200 "$s" "keepalive"
grep -q '"idle":10' "$T/body" || fail "keepalive does not say the idle time"
s=$(curl -s -o "$T/body" -w '%{http_code}' -b "$T/jar" -X POST "$B/api/v1/keepalive")
expect 403 "$s" "keepalive without the token"
s=$(curl -s -o "$T/body" -w '%{http_code}' -X POST "$B/api/v1/keepalive")
expect 401 "$s" "keepalive without a session"
# kept alive past the idle time by keepalives (3 x 4 s > 10 s)
for i in 1 2 3; do
    sleep 4
    s=$(curl -s -o /dev/null -w '%{http_code}' -b "$T/jar" -X POST -H "X-CSRF-Token: $A" "$B/api/v1/keepalive")
    [ "$s" = 200 ] || fail "keepalive $i: $s"
done
expect 200 "$(get $F)" "the form after keepalives"

# -- an expired login: to the login page with next, then back to the form
sleep 11
s=$(curl -s -o "$T/body" -w '%{http_code} %{redirect_url}' -b "$T/jar" "$B$F")
expect "303 $B/login?next=%2Fyears%2F2025%2Funits%2Fjd%2Fself&expired=1" "$s" "expired login"
s=$(curl -s -o "$T/body" -w '%{http_code}' "$B/login?next=%2Fyears%2F2025%2Funits%2Fjd%2Fself&expired=1")
expect 200 "$s" "login page after expiry"
grep -q '登录已超时，请重新登录' "$T/body" || fail "no 登录已超时 message"
grep -q '<input type="hidden" name="next" value="/years/2025/units/jd/self">' "$T/body" || fail "login form does not carry next"
s=$(curl -s -o "$T/body" -w '%{http_code} %{redirect_url}' -c "$T/jar2" \
    -d "user=jd1&password=password123" --data-urlencode "next=$F" "$B/login")
expect "303 $B$F" "$s" "login returns to the form"
# hostile next values: never followed, the login lands on /
for n in '//evil.example/x' 'https://evil.example/' '/\evil.example' \
         'javascript:alert(1)' ' /x' "/x$(printf '\r')Set-Cookie:a=b" \
         '/%0d%0aSet-Cookie:a=b x' 'evil.example'; do
    s=$(curl -s -o "$T/body" -w '%{http_code} %{redirect_url}' -c "$T/jar3" \
        -d "user=jd1&password=password123" --data-urlencode "next=$n" "$B/login")
    expect "303 $B/" "$s" "login with next=$n"
    s=$(curl -s -o "$T/body" -w '%{http_code}' -G --data-urlencode "next=$n" "$B/login")
    grep -q 'name="next"' "$T/body" && fail "login form carries next=$n"
done

[ "$fails" = 0 ] || { echo "$fails failure(s)"; exit 1; }
echo "ok"
