#!/bin/sh
# tests/web/form_fields.sh KAOHE - a form body read once (web_formidx.c)
# through the server:
#   1. a repeated field: its first value is the one saved (the department
#      grid, the user form), the later ones ignored;
#   2. a grid form of exactly WEB_FORM_FIELDS_MAX (65,536) fields is
#      read and saved; one field more is a 413 whose Chinese page names
#      the cap, and nothing is written;
#   3. 100,000 tiny fields (a user form padded with "a="), 20 times: 413
#      naming the cap, no user added, each answered within curl's 30 s
#      bound, and the server's resident memory grows by less than
#      RSS_BOUND_KB (the fields are counted before anything is
#      allocated); 70,000 under /api/ are the JSON error
#      too_many_fields;
#   4. a JSON body is not read as a form: 70,000 "=&" inside a JSON
#      submission are not refused 413 (the handler's own answer).
# Run from the repository root.
set -u
K=$1
. tests/web/serve.inc
web_test_begin
# Under ASan freed blocks stay in its quarantine: 20 bodies of 300 KB
# grow the server by some 19 MiB, an index of 100,000 fields built for
# each (3.5 MiB) would add 70 MiB more; without ASan it grows by < 1 MiB.
RSS_BOUND_KB=32768
CAP=65536

export KAOHE_USER=setup
DB=$T/t.db
{
    new_store &&
    open_year 2025 examples/college-2025.yaml &&
    advance_year 2025 2 &&
    add_users admin1:admin &&
    echo password123 | $K user add xcb --role department --provider 党委宣传部 --db "$DB"
} >"$T/setup.log" 2>&1 || setup_failed

start_server "$DB"
for u in admin1 xcb; do login $u; done
A=$(cat "$T/admin1.csrf")
D=$(cat "$T/xcb.csrf")
G=/years/2025/dept
entry() { $K entry list --year 2025 --unit "$1" --item "$2" --db "$DB"; }
users() { $K user list --db "$DB" | grep -c "$1"; }
form() { # form JAR PATH BODY-FILE -> the status (urlencoded body)
    curl -s -o "$T/body" -w '%{http_code}' --max-time 30 -b "$T/$1.jar" \
        -H 'Content-Type: application/x-www-form-urlencoded' \
        --data-binary @"$3" "$B$2"
}
# pad N: N fields "a=" joined by '&' (no newline)
pad() { awk -v n="$1" 'BEGIN { for (i = 0; i < n; i++) printf "%sa=", i ? "&" : "" }'; }
cap_page() { # the 413 page names the cap in Chinese
    grep -q "最多只能包含 $CAP 个字段" "$T/body" || fail "$1: the 413 page does not name the cap: $(head -c 300 "$T/body")"
}

# 1. a repeated field: the first value wins
expect 303 "$(post xcb $G --data-urlencode "csrf=$D" --data-urlencode 'v*jd*3.3*reports=3' \
    --data-urlencode 'v*jd*3.3*reports=5')" "grid with a repeated cell"
entry jd 3.3 | grep -q '"reports": *3' || fail "repeated cell: the first value is not the saved one: $(entry jd 3.3)"
expect 303 "$(post admin1 /admin/users -d "csrf=$A&name=dup1&name=dup2&role=auditor&password=password123&password=x")" "user form with repeated fields"
[ "$(users dup1)" = 1 ] && [ "$(users dup2)" = 0 ] || fail "repeated user name: the first is not the one added: $($K user list --db "$DB")"

# 2. at the cap: the grid's cells, then filler fields up to 65,536
{ printf 'csrf=%s&v*jd*3.3*reports=4&v*gh*3.3*reports=2&' "$D"; pad $((CAP - 3)); } >"$T/at-cap"
expect 303 "$(form xcb $G "$T/at-cap")" "a grid form of exactly $CAP fields"
entry jd 3.3 | grep -q '"reports": *4' || fail "the form at the cap did not save jd's 3.3: $(entry jd 3.3)"
entry gh 3.3 | grep -q '"reports": *2' || fail "the form at the cap did not save gh's 3.3: $(entry gh 3.3)"
{ printf 'csrf=%s&v*jd*3.3*reports=1&' "$D"; pad $((CAP - 1)); } >"$T/over-cap"
expect 413 "$(form xcb $G "$T/over-cap")" "a grid form of $CAP + 1 fields"
cap_page "one field over the cap"
entry jd 3.3 | grep -q '"reports": *4' || fail "the form over the cap wrote jd's 3.3: $(entry jd 3.3)"
# segments without '=' are no fields: the same grid with 10 bare "x" more
{ printf 'csrf=%s&v*jd*3.3*reports=5&' "$D"; pad $((CAP - 2)); printf '&x&x&x&x&x&x&x&x&x&x'; } >"$T/bare"
expect 303 "$(form xcb $G "$T/bare")" "the cap counts fields, not bare segments"

# 3. 100,000 tiny fields, 20 times: 413, nothing added, memory bounded
{ printf 'csrf=%s&name=flood1&role=auditor&password=password123&' "$A"; pad 100000; } >"$T/flood"
rss() { awk '/^VmRSS/{print $2}' "/proc/$PID/status"; }
expect 413 "$(form admin1 /admin/users "$T/flood")" "100,000 fields"
cap_page "100,000 fields"
r0=$(rss)
codes=
for k in $(seq 20); do codes="$codes $(form admin1 /admin/users "$T/flood")"; done
r1=$(rss)
echo "100,000 fields x 20: answers$codes; VmRSS ${r0} -> ${r1} KiB"
[ "$(echo $codes | tr ' ' '\n' | sort -u)" = 413 ] || fail "100,000 fields: answers$codes, want 413 each"
[ $((r1 - r0)) -lt $RSS_BOUND_KB ] || fail "100,000 fields: the server grew by $((r1 - r0)) KiB"
[ "$(users flood1)" = 0 ] || fail "100,000 fields: the user was added"
expect 200 "$(get admin1 /admin/users)" "the server answers after the flood"
# under /api/: the JSON error
{ printf 'csrf=%s&' "$A"; pad 70000; } >"$T/api-flood"
expect 413 "$(form admin1 /api/v1/years/2025/units/jd/return "$T/api-flood")" "70,000 fields under /api/"
grep -q '"error":"too_many_fields"' "$T/body" || fail "the API's 413 is not too_many_fields: $(head -c 200 "$T/body")"

# 4. a JSON body is not read as a form
{ printf '{"report":"'; awk 'BEGIN { for (i = 0; i < 70000; i++) printf "=&" }'; printf '"}'; } >"$T/json"
s=$(curl -s -o "$T/body" -w '%{http_code}' -b "$T/admin1.jar" -H "X-CSRF-Token: $A" \
    -H 'Content-Type: application/json' --data-binary @"$T/json" "$B/api/v1/years/2025/units/jd/submit")
[ "$s" != 413 ] || fail "a JSON body of 70,000 '=&' was read as a form (413)"

[ $fails = 0 ] && echo "PASS" || { echo "$fails failure(s)"; exit 1; }
