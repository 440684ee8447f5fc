#!/bin/sh
# tests/web/i18n.sh KAOHE - the JSON API's errors carry message_zh, the
# catalogue's Chinese (po/zh_CN.po), beside the English message, whatever
# the server's own locale (it runs in LC_ALL=C here): a value the store
# refuses with its place, a body the API refuses, a missing version.
# Run from the repository root.
set -u
K=$1
. tests/web/serve.inc
web_test_begin
export LC_ALL=C KAOHE_USER=setup
DB=$T/t.db; . tests/pg/store.inc
{
    new_store &&
    open_year 2025 examples/college-2025.yaml &&
    advance_year 2025 2 &&
    add_users insp1:inspector &&
    assign_inspectors 2025 insp1:jd
} >"$T/setup.log" 2>&1 || setup_failed

start_server "$DB"

req() { # req METHOD PATH [BODY [CSRF]] -> status, body in $T/body
    m=$1 p=$2 body=${3-} tok=${4-}
    set -- -s -o "$T/body" -w '%{http_code}' -b "$T/c.jar" -c "$T/c.jar" -X "$m"
    [ -n "$body" ] && set -- "$@" -H 'Content-Type: application/json' --data-binary "$body"
    [ -n "$tok" ] && set -- "$@" -H "X-CSRF-Token: $tok"
    curl "$@" "$B$p"
}
expect() { [ "$1" = "$2" ] || fail "$3: expected $1, got $2 ($(head -c 300 "$T/body"))"; }
has() { grep -qF -- "$1" "$T/body" || fail "$2: no $1 in $(head -c 400 "$T/body")"; }

# A login without a password: the API's own message, English and Chinese.
expect 422 "$(req POST /api/v1/login '{"user":"insp1"}')" "login without password"
has '"path":"password","message":"a password is required","message_zh":"「密码」：请输入密码"' "login"
expect 422 "$(req POST /api/v1/login '[1]')" "login with an array"
has '"message_zh":"请求正文必须是 JSON 对象"' "array body"

expect 200 "$(req POST /api/v1/login '{"user":"insp1","password":"password123"}')" "login"
I=$(sed -n 's/.*"csrf":"\([0-9a-f]*\)".*/\1/p' "$T/body")
E=/api/v1/years/2025/entries/jd/1.3/inspection
expect 200 "$(req GET $E)" "GET entry"
V=$(sed -n 's/.*"version":\([0-9]*\).*/\1/p' "$T/body")
cp "$T/body" "$T/before"

# A value the engine refuses: its place, the English and the Chinese with
# the place named (the unit's name, the item, the input's label).
expect 422 "$(req PUT $E "{\"inputs\":{\"meetings\":\"many\"},\"version\":$V}" "$I")" "bad value"
has '"message":"unit \"jd\" item \"1.3\": expected a whole number \u003e= 0, got a string \"many\""' "bad value English"
has '"message_zh":"机电工程系 考核要点 1.3（检查）「相关会议记录」：此处应为大于或等于 0 的整数，实际为 字符串 \"many\""' "bad value Chinese"
has '"path":"entry jd/1.3/inspection.inputs.meetings"' "bad value place"
expect 422 "$(req PUT $E '{"inputs":{}}' "$I")" "no version"
has '"message_zh":"「所编辑的版本号」：须给出所编辑的版本号（新记录为 0）"' "no version Chinese"
# Another unit's entry: 403, its title in English and in Chinese.
expect 403 "$(req GET /api/v1/years/2025/entries/xx/1.3/inspection)" "unassigned unit"
has '"message":"Access denied","message_zh":"无权访问"' "403 message_zh"
# Nothing changed.
expect 200 "$(req GET $E)" "GET entry after"
cmp -s "$T/before" "$T/body" || fail "a refused PUT changed the entry"

[ $fails -eq 0 ] && echo "web i18n: ok"
exit $((fails > 0))
