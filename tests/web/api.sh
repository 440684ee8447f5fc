#!/bin/sh
# tests/web/api.sh KAOHE - starts `kaohe serve` on a free loopback port with
# a store prepared through the CLI and drives the JSON API and the pages
# with curl: login, results, entry PUT (200, then 409 on a stale version),
# CSRF refusals, the role matrix (every role x every route, other units'
# ids), XSS in a note, logout.  Run from the repository root.
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

# req JAR METHOD PATH [BODY [CSRF]] -> prints the status, body in $T/body
req() {
    jar=$1 m=$2 p=$3 body=${4-} tok=${5-}
    set -- -s -o "$T/body" -w '%{http_code}' -b "$T/$jar.jar" -c "$T/$jar.jar" -X "$m"
    [ -n "$body" ] && set -- "$@" -H 'Content-Type: application/json' --data-binary "$body"
    [ -n "$tok" ] && set -- "$@" -H "X-CSRF-Token: $tok"
    curl "$@" "$B$p"
}
expect() { # expect WANT GOT WHAT
    [ "$1" = "$2" ] || fail "$3: expected $1, got $2 ($(head -c 200 "$T/body"))"
}
login() { # login NAME -> csrf token in $T/NAME.csrf
    s=$(req "$1" POST /api/v1/login "{\"user\":\"$1\",\"password\":\"password123\"}")
    expect 200 "$s" "login $1"
    sed -n 's/.*"csrf":"\([0-9a-f]*\)".*/\1/p' "$T/body" >"$T/$1.csrf"
    grep -q 'HttpOnly' "$T/$1.jar" || grep -q '#HttpOnly_' "$T/$1.jar" ||
        fail "login $1: cookie not HttpOnly"
}

# -- login, wrong password, anonymous
expect 401 "$(req anon POST /api/v1/login '{"user":"admin1","password":"wrong-password"}')" "wrong password"
expect 401 "$(req anon GET /api/v1/years/2025/results)" "anonymous results"
for u in admin1 insp1 aud1 jd1; do login $u; done
A=$(cat "$T/admin1.csrf") I=$(cat "$T/insp1.csrf") AU=$(cat "$T/aud1.csrf") J=$(cat "$T/jd1.csrf")

# -- results: section 8 JSON for admin and auditor
expect 200 "$(req admin1 GET /api/v1/years/2025/results)" "admin results"
grep -q '"rankings"' "$T/body" || fail "results JSON has no rankings"
$K results --year 2025 --format json --allow-missing --db "$DB" >"$T/cli.json" 2>/dev/null ||
    $K results --year 2025 --format json --db "$DB" >"$T/cli.json"
cmp -s "$T/body" "$T/cli.json" || fail "API results differ from kaohe results"
expect 200 "$(req aud1 GET /api/v1/years/2025/results)" "auditor results"
expect 403 "$(req insp1 GET /api/v1/years/2025/results)" "inspector results"
expect 403 "$(req jd1 GET /api/v1/years/2025/results)" "unit results"
expect 404 "$(req admin1 GET /api/v1/years/2031/results)" "unknown year"

# -- entries: GET, PUT 200 then 409 stale, 422 located, CSRF
E=/api/v1/years/2025/entries/jd/1.3/inspection
expect 200 "$(req insp1 GET $E)" "inspector GET entry"
V=$(sed -n 's/.*"version":\([0-9]*\).*/\1/p' "$T/body")
expect 200 "$(req insp1 PUT $E "{\"inputs\":{\"meetings\":1},\"note\":\"<script>alert(1)</script>\\\"><img src=x onerror=alert(2)>\",\"version\":$V}" "$I")" "PUT entry"
grep -q "\"version\":$((V + 1))" "$T/body" || fail "PUT did not return the new version"
expect 409 "$(req insp1 PUT $E "{\"inputs\":{\"meetings\":2},\"version\":$V}" "$I")" "PUT stale version"
expect 422 "$(req insp1 PUT $E "{\"inputs\":{\"meetings\":\"many\"},\"version\":$((V + 1))}" "$I")" "PUT bad value"
grep -q '"path"' "$T/body" && grep -q 'meetings' "$T/body" || fail "422 does not name the input"
expect 422 "$(req insp1 PUT $E '{"inputs":{}}' "$I")" "PUT without version"
expect 403 "$(req insp1 PUT $E "{\"inputs\":{},\"version\":$((V + 1))}")" "PUT without CSRF"
expect 403 "$(req insp1 PUT $E "{\"inputs\":{},\"version\":$((V + 1))}" "$A")" "PUT with another session's CSRF"
expect 403 "$(req insp1 PUT $E "{\"inputs\":{},\"version\":$((V + 1))}" 00000000000000000000000000000000)" "PUT wrong CSRF"
expect 403 "$(curl -s -o "$T/body" -w '%{http_code}' -b "$T/insp1.jar" -X PUT -H "X-CSRF-Token: $I" -H 'Origin: http://evil.example' --data-binary '{"inputs":{},"version":9}' "$B$E")" "cross-origin PUT"

# -- role matrix: ROLE METHOD PATH PHASE-ALLOWED
S=/api/v1/years/2025/entries/jd/1.3/self
O=/api/v1/years/2025/entries/xx/1.3/inspection
OS=/api/v1/years/2025/entries/xx/1.3/self
while read -r who tok method path want; do
    body=
    [ "$method" = PUT ] && body='{"inputs":{},"version":99}'
    got=$(req "$who" "$method" "$path" "$body" "$(cat "$T/$who.csrf")")
    expect "$want" "$got" "matrix $who $method $path"
done <<MATRIX
admin1 A GET $E 200
admin1 A GET $S 200
admin1 A GET $O 200
admin1 A PUT $O 409
admin1 A PUT $S 403
aud1 AU GET $E 200
aud1 AU GET $OS 200
aud1 AU PUT $E 403
aud1 AU PUT $S 403
insp1 I GET $S 200
insp1 I GET $O 403
insp1 I GET $OS 403
insp1 I PUT $O 403
insp1 I PUT $S 403
jd1 J GET $S 200
jd1 J GET $E 403
jd1 J GET $OS 403
jd1 J GET $O 403
jd1 J PUT $E 403
jd1 J PUT $OS 403
jd1 J PUT $S 403
MATRIX
# (jd1 PUT own self: allowed by role, refused by the state inspection: 403.)

# -- pages: the role matrix on pages, XSS shown as text
expect 200 "$(req insp1 GET /years/2025/units/jd/inspection)" "inspector form"
grep -q '<script>alert' "$T/body" && fail "XSS: raw <script> in the inspection form"
grep -q '<img src=x' "$T/body" && fail "XSS: raw <img> in the inspection form"
grep -q '&lt;script&gt;alert(1)&lt;/script&gt;&quot;&gt;&lt;img src&#61;x onerror&#61;alert(2)&gt;\|&lt;script&gt;alert(1)&lt;/script&gt;&quot;&gt;&lt;img src=x onerror=alert(2)&gt;' "$T/body" ||
    fail "XSS: the note is not shown as text"
expect 403 "$(req insp1 GET /years/2025/units/xx/inspection)" "inspector other unit's form"
expect 403 "$(req jd1 GET /years/2025/units/xx/self)" "unit other unit's form"
expect 403 "$(req jd1 GET /years/2025/results)" "unit results page"
expect 403 "$(req jd1 GET /years/2025/results/jd)" "unit unpublished sheet"
expect 200 "$(req admin1 GET /years/2025/results)" "admin results page"
grep -q 'class="bottom"' "$T/body" || fail "results page marks no bottom units"
grep -q '<svg' "$T/body" || fail "results page has no chart"
expect 200 "$(req aud1 GET /years/2025/results/jd)" "auditor score sheet"
# (both conditions: a raw tag fails, and so does a page where the note
# is missing, which is what an escaper that writes nothing would give)
grep -q '<script>alert' "$T/body" && fail "XSS: raw <script> in the score sheet"
grep -q '&lt;script&gt;alert(1)' "$T/body" || fail "XSS: the note is not shown as text in the score sheet"
expect 200 "$(req jd1 GET /years/2025/rubric)" "rubric page"
expect 200 "$(req jd1 GET /)" "dashboard"
grep -q 'id="year-2025"' "$T/body" || fail "dashboard lists no year"
expect 303 "$(req anon GET /years/2025)" "anonymous page redirects to login"
# a page POST without the form's CSRF token
expect 403 "$(curl -s -o "$T/body" -w '%{http_code}' -b "$T/insp1.jar" -X POST --data 'version=0&in_meetings=1' "$B/years/2025/units/jd/inspection/1.3")" "form POST without CSRF"
expect 303 "$(curl -s -o "$T/body" -w '%{http_code}' -b "$T/insp1.jar" -X POST --data "csrf=$I&version=$((V + 1))&in_meetings=2&in_proofs=2&note=ok" "$B/years/2025/units/jd/inspection/1.3")" "form POST"
expect 409 "$(curl -s -o "$T/body" -w '%{http_code}' -b "$T/insp1.jar" -X POST --data "csrf=$I&version=$((V + 1))&in_meetings=2" "$B/years/2025/units/jd/inspection/1.3")" "form POST stale"

# -- score preview: the item's score for inputs not saved
P=/api/v1/years/2025/preview/jd/1.3/inspection
expect 200 "$(req insp1 GET $E)" "entry after form POST"
SAVED=$(sed -n 's/.*"score":\([0-9.]*\).*/\1/p' "$T/body")
VS=$(sed -n 's/.*"version":\([0-9]*\).*/\1/p' "$T/body")
expect 200 "$(req insp1 POST $P '{"inputs":{"meetings":"2","proofs":"2"}}' "$I")" "preview"
grep -q "\"score\":$SAVED}" "$T/body" || fail "preview score differs from the saved one ($SAVED): $(cat "$T/body")"
expect 200 "$(req insp1 POST $P '{"inputs":{"meetings":"0","proofs":"0"}}' "$I")" "preview zero"
grep -q "\"score\":$SAVED}" "$T/body" && fail "preview ignores its inputs"
expect 422 "$(req insp1 POST $P '{"inputs":{"meetings":"many"}}' "$I")" "preview bad value"
grep -q 'meetings' "$T/body" || fail "preview 422 does not name the input"
expect 403 "$(req insp1 POST $P '{"inputs":{}}')" "preview without CSRF"
expect 403 "$(req jd1 POST $P '{"inputs":{}}' "$J")" "unit previews inspection"
expect 403 "$(req insp1 POST /api/v1/years/2025/preview/xx/1.3/inspection '{"inputs":{}}' "$I")" "preview other unit"
expect 200 "$(req insp1 GET $E)" "entry after preview"
grep -q "\"version\":$VS," "$T/body" || fail "preview changed the entry"
expect 200 "$(req insp1 GET /years/2025/units/jd/inspection)" "form with preview"
grep -q '<form method="post" id="entry" action="/years/2025/units/jd/inspection" data-year="2025" data-phase="inspection" data-unit="jd"' "$T/body" || fail "form has no settings for the script"
curl -s "$B/static/kaohe.js" | grep -q "/preview/" || fail "script does not preview"

# -- headers
curl -s -D "$T/h" -o /dev/null -b "$T/admin1.jar" "$B/"
for h in "Content-Security-Policy: default-src 'self'; script-src 'self'" \
         "X-Content-Type-Options: nosniff" "Referrer-Policy: same-origin" \
         "Cache-Control: no-store" "frame-ancestors 'none'"; do
    grep -qi "$h" "$T/h" || fail "missing header: $h"
done

# -- body cap
head -c 1100000 /dev/zero | tr '\0' a >"$T/big"
expect 413 "$(curl -s -o "$T/body" -w '%{http_code}' -b "$T/insp1.jar" -X PUT -H "X-CSRF-Token: $I" --data-binary @"$T/big" "$B$E")" "body over 1 MiB"

# -- logout: the session is gone on the server
JDSID=$(awk '/kh_session/{print $7}' "$T/jd1.jar")
expect 200 "$(req jd1 POST /api/v1/logout '' "$J")" "logout"
expect 401 "$(curl -s -o "$T/body" -w '%{http_code}' -b "kh_session=$JDSID" "$B/api/v1/me")" "old session id after logout"
expect 401 "$(req jd1 GET /api/v1/me)" "after logout"

# -- throttling: 5 failures lock the account
for k in 1 2 3 4 5; do req anon POST /api/v1/login '{"user":"aud1","password":"wrong-password"}' >/dev/null; done
expect 429 "$(req anon2 POST /api/v1/login '{"user":"aud1","password":"password123"}')" "throttled login"

# -- audit log: logins, failures and refusals recorded
$K audit log --db "$DB" >"$T/audit" 2>&1
for a in web.login web.login_failed web.refused web.logout web.login_throttled; do
    grep -q "$a" "$T/audit" || fail "audit log has no $a"
done
$K audit verify --db "$DB" >/dev/null 2>&1 || fail "audit chain broken"

# -- graceful stop
kill -TERM "$PID"
wait "$PID"; rc=$?
PID=
[ $rc -eq 0 ] || fail "serve exit status $rc after SIGTERM"
grep -q stopping "$T/serve.log" || fail "no graceful stop"

[ $fails -eq 0 ] && echo "ok: web api" && exit 0
echo "$fails failure(s)"
exit 1
