#!/bin/sh
# tests/web/routes.sh KAOHE - the role x route matrix read from the route
# table itself (`kaohe serve --dump-routes`), so that a route added
# without a policy rule, or reachable by a role it does not list, fails
# here.  For every route and every role (anonymous and the four roles):
#   - a route without a rule (action "-") fails;
#   - anonymous on a route that needs a login: 401 (API) or 303 (pages);
#   - a logged-in role the route does not list: 403, refused before the
#     CSRF check (the page is not the "expired" one);
#   - a listed role on a POST/PUT with a wrong CSRF token gets past the
#     gate to the CSRF refusal when the rule does not depend on the unit;
#     on a GET never 401 or 405, and never 403 when the rule does not
#     depend on the unit.
# A department scorer (部门评分员) is one of the roles: it opens the year's
# overview and rubric (200), its grid, and nothing else; every write
# route outside its grid is 403 for it.
# Then 404, 405 with Allow, and the path checks (%00, %2F, %252F).
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
    advance_year 2025 2 &&
    add_users admin1:admin insp1:inspector aud1:auditor jd1:unit:jd &&
    echo password123 | $K user add xcb --role department --provider 党委宣传部 --db "$DB" &&
    assign_inspectors 2025 insp1:jd
} >"$T/setup.log" 2>&1 || setup_failed

$K serve --dump-routes >"$T/routes" || { echo "FAIL: --dump-routes"; exit 1; }
n=$(wc -l <"$T/routes")
[ "$n" -ge 40 ] || fail "the route table has $n rows"

start_server "$DB"

for u in admin1 insp1 aud1 jd1 xcb; do
    s=$(curl -s -o "$T/body" -w '%{http_code}' -c "$T/$u.jar" -X POST \
        -H 'Content-Type: application/json' \
        --data-binary "{\"user\":\"$u\",\"password\":\"password123\"}" "$B/api/v1/login")
    [ "$s" = 200 ] || { echo "FAIL: login $u: $s"; exit 1; }
done
touch "$T/anon.jar"

# req JAR METHOD PATH -> status; body in $T/body, headers in $T/head
req() {
    curl -s -o "$T/body" -D "$T/head" -w '%{http_code}' -b "$T/$1.jar" \
        -X "$2" -H 'X-CSRF-Token: 00000000000000000000000000000000' \
        --data-binary '' "$B$3"
}
req_get() {
    curl -s -o "$T/body" -D "$T/head" -w '%{http_code}' -b "$T/$1.jar" "$B$2"
}
csrf_refusal() { grep -q '"csrf"\|页面已过期' "$T/body"; }

cells=0
while read -r methods pattern roles action body scope; do
    [ "$action" = "-" ] && fail "route $pattern has no policy rule"
    path=$(printf '%s' "$pattern" | sed 's/:year/2025/; s/:unit/jd/; s/:phase/self/; s/:arg/1.3/')
    case $pattern in /api/*) api=1 ;; *) api=0 ;; esac
    for m in G P U; do
        case $methods in *$m*) ;; *) continue ;; esac
        case $m in G) method=GET ;; P) method=POST ;; U) method=PUT ;; esac
        for who in anon admin1 insp1 jd1 aud1 xcb; do
            case $who in
            anon) role=anon ;; admin1) role=admin ;; insp1) role=inspector ;;
            jd1) role=unit ;; aud1) role=auditor ;; xcb) role=department ;;
            esac
            cells=$((cells + 1))
            if [ $method = GET ]; then got=$(req_get $who "$path"); else got=$(req $who $method "$path"); fi
            what="$who $method $pattern"
            case ",$roles," in
            *",$role,"*)
                case $got:$action in 401:anyone) ;;  # a login with no password
                401:*|405:*) fail "$what: listed role got $got" ;; esac
                case $method:$action in
                *:survey-answer)  # no login; the code decides (unknown, then throttled)
                    case $got in 404|429) ;; *) fail "$what: expected 404 or 429 for an unknown code, got $got" ;; esac ;;
                GET:anyone|GET:signed-in|GET:read-all|GET:admin|GET:survey-read)
                    [ "$got" = 403 ] && fail "$what: refused by a rule that does not depend on the unit" ;;
                GET:*|*:anyone) ;;
                *:signed-in|*:read-all|*:admin)
                    [ "$got" = 403 ] && csrf_refusal || fail "$what: expected the CSRF refusal, got $got" ;;
                *)  # depends on the unit and phase: the policy or the CSRF check
                    [ "$got" = 403 ] || fail "$what: expected 403 (policy or CSRF), got $got" ;;
                esac ;;
            *)
                if [ "$role" = anon ]; then
                    want=303; [ $api = 1 ] && want=401
                    [ "$got" = "$want" ] || fail "$what: anonymous got $got, want $want"
                else
                    [ "$got" = 403 ] || fail "$what: role not listed got $got, want 403"
                    csrf_refusal && fail "$what: the role check came after the CSRF check"
                fi ;;
            esac
        done
    done
done <"$T/routes"
[ "$cells" -ge 200 ] || fail "only $cells role x route cells tried"

# the department scorer: the year's overview and rubric read-only, its
# grid; every write outside its grid and its own session refused; no
# unit's pages
for p in /years/2025 /years/2025/rubric /years/2025/dept /; do
    [ "$(req_get xcb $p)" = 200 ] || fail "department GET $p: $(req_get xcb $p)"
done
req_get xcb /years/2025 >/dev/null
grep -q 'href="/years/2025/dept"' "$T/body" || fail "department year page: no link to its grid"
grep -q 'id="progress"' "$T/body" && fail "department year page shows the units' progress"
req_get xcb / >/dev/null
grep -q 'href="/years/2025/rubric"' "$T/body" || fail "department home: no link to the rubric"
grep -q 'href="/years/2025"' "$T/body" || fail "department home: no link to the year"
while read -r methods pattern roles action body scope; do
    case $methods in *P*|*U*) ;; *) continue ;; esac
    case $pattern in /years/:year/dept|/login|/logout|/password|/inbox/:arg/read|/api/v1/login|/api/v1/logout|/api/v1/keepalive|/q/:arg) continue ;; esac
    path=$(printf '%s' "$pattern" | sed 's/:year/2025/; s/:unit/jd/; s/:phase/self/; s/:arg/1.3/')
    case $methods in *P*) m=POST ;; *) m=PUT ;; esac
    [ "$pattern" = /api/v1/years/:year/entries/:unit/:arg/:phase ] && m=PUT
    got=$(req xcb $m "$path")
    [ "$got" = 403 ] || fail "department $m $pattern: $got, want 403"
done <"$T/routes"
for p in /years/2025/units/jd/self /years/2025/units/jd/inspection /years/2025/results \
         /years/2025/results/jd /years/2025/claims /years/2025/visits /years/2025/progress \
         /years/2025/units/jd/sheet /audit /admin/years; do
    [ "$(req_get xcb $p)" = 403 ] || fail "department GET $p: $(req_get xcb $p), want 403"
done

# 404, 405 with Allow, malformed paths
[ "$(req_get admin1 /nosuch)" = 404 ] || fail "unknown path not 404"
[ "$(req admin1 PUT /years/2025)" = 405 ] || fail "PUT on a page not 405"
grep -qi '^Allow: GET, HEAD' "$T/head" || fail "405 without Allow: $(cat "$T/head")"
[ "$(req admin1 DELETE /api/v1/years/2025/entries/jd/1.3/self)" = 405 ] || fail "DELETE entry not 405"
grep -qi '^Allow: GET, HEAD, PUT' "$T/head" || fail "405 entry without Allow GET, HEAD, PUT"
for p in /years/2025/units/jd%00/self /years/2025/units/j%2Fd/self \
         /years/2025/units/j%5Cd/self /years/2025/units/j%252Fd/self; do
    [ "$(req_get admin1 "$p")" = 400 ] || fail "$p not 400"
done

echo "$cells role x route cells"
[ $fails -eq 0 ] && echo "ok: web routes" && exit 0
echo "$fails failure(s)"
exit 1
