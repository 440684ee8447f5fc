#!/bin/sh
# tests/lint/rules.sh [ROOT] - the rules of docs/DESIGN.md that a search
# of the source can check, over lib/ and src/ (CTest lint.rules; about a
# second, deterministic):
#   1. SQL only inside lib/store/: no string literal starting with a SQL
#      statement elsewhere;
#   2. only lib/store/db.c includes sqlite3.h or libpq-fe.h;
#   3. HTML escaping only in lib/base/html.c: no entity literal (&lt;
#      &gt; &amp; &quot; &#39;) elsewhere, except the lines listed in
#      tests/lint/entities.allow: the &amp; separating a query string's
#      fields inside an href (src/web/web_audit.c) and the &quot; inside
#      the watermark's VML style attribute (lib/docs/docx_pkg.c), both
#      constant text of a known attribute.
# Prints each offending line; exits 1 when there is one.
set -u
root=${1:-.}
cd "$root" || exit 2
fails=0
bad() { echo "lint: $1"; printf '%s\n' "$2" | sed 's/^/  /'; fails=$((fails + 1)); }

sql=$(grep -rnE '"(SELECT|INSERT INTO|UPDATE [a-z_]+ SET|DELETE FROM|CREATE (TABLE|INDEX)|ALTER TABLE|DROP TABLE|PRAGMA) ' \
      lib src --include=*.c --include=*.h | grep -v '^lib/store/')
[ -z "$sql" ] || bad "SQL outside lib/store/ (docs/STORE.md)" "$sql"

drv=$(grep -rnE '#include <(sqlite3|libpq-fe)\.h>' lib src include \
      --include=*.c --include=*.h | grep -v '^lib/store/db\.c:')
[ -z "$drv" ] || bad "a database driver outside lib/store/db.c" "$drv"

ent=$(grep -rnE '&(lt|gt|amp|quot|#39);' lib src --include=*.c --include=*.h |
      grep -v '^lib/base/html\.c:' |
      grep -v -F -f tests/lint/entities.allow)
[ -z "$ent" ] || bad "an HTML entity written by hand (kh_html_*, lib/base/html.c)" "$ent"

[ $fails -eq 0 ] && echo "ok: lint rules" && exit 0
exit 1
