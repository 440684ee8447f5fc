#!/bin/sh
# tests/web/fail_no500.sh [KAOHE] - no handler answers a failure with a
# 500 of its own (issue 9 item 3): a store failure goes through web_fail
# (its cause decides: busy 503 with Retry-After, full 507, else 500, and
# one log line), anything else that is the server's fault through
# web_fail_why (logged the same way).  So no call of an error page
# (web_error_page, web_error_json, web_errors_page,
# web_admin_errors_page) in src/web/ may name the status 500, except in
# web_http.c, where web_fail itself answers.  Calls are read whole, across
# lines.  The kaohe argument is not used.  Run from the repository root.
set -u
fails=0
for f in src/web/*.c; do
    case $f in src/web/web_http.c) continue ;; esac
    # Each call up to its ';' on one line, then the ones naming 500.
    hits=$(tr '\n' ' ' <"$f" |
        grep -oE 'web_(error_page|error_json|errors_page|admin_errors_page)\([^;]*;' |
        grep -E '(^|[^0-9])500([^0-9]|$)')
    if [ -n "$hits" ]; then
        echo "FAIL: $f answers 500 itself (use web_fail / web_fail_why):"
        echo "$hits" | sed 's/  */ /g; s/^/    /'
        fails=$((fails + 1))
    fi
done
# The check must see the calls it is about: web_http.c has its own.
tr '\n' ' ' <src/web/web_http.c | grep -qE 'web_error_page\(r, a\.status' ||
    { echo "FAIL: the check does not find web_fail's own answer"; fails=$((fails + 1)); }
[ $fails -eq 0 ] && echo "ok: no direct 500 in src/web" && exit 0
exit 1
