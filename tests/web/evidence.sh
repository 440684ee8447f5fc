#!/bin/sh
# tests/web/evidence.sh KAOHE - evidence on the self-check form of
# `kaohe serve`: upload (multipart, CSRF), listed on the form, download
# byte for byte with the entry's read rules (own unit, assigned
# inspector, auditor; not another unit), a refused type answered with a
# Chinese message and the reason, upload before the item is saved,
# counts on the progress table; several files in one upload, all or
# nothing (one bad file: nothing stored, the file named); remove and
# replace by the unit itself and admin, refused for another unit, an
# inspector, the auditor and outside the self-check state, audited; the
# unit's files listed on the inspector's form.  Run from the repository
# root.
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
    add_users admin1:admin insp1:inspector insp2:inspector aud1:auditor jd1:unit:jd \
        xx1:unit:xx &&
    assign_inspectors 2025 insp1:jd insp2:xx
} >"$T/setup.log" 2>&1 || setup_failed

start_server "$DB"

for u in admin1 insp1 insp2 aud1 jd1 xx1; do login $u; done
J=$(cat "$T/jd1.csrf") X=$(cat "$T/xx1.csrf")

printf '%%PDF-1.4\n%% minutes of the meeting 会议记录\n%%%%EOF\n' >"$T/会议记录.pdf"
printf 'MZ\220\000\003\000\000\000' >"$T/tool.exe"
U=/years/2025/units/jd/self/1.3/evidence

# upload before the entry exists: told to save first
expect 422 "$(post jd1 $U -F "csrf=$J" -F "file=@$T/会议记录.pdf")" "upload before save"
has '请先保存本项' "upload before save"
has '<li>会议记录.pdf：' "upload before save: the file is named"
# save the item, then upload
expect 303 "$(post jd1 /years/2025/units/jd/self/1.3 -d "csrf=$J&version=0&in_meetings=2&in_proofs=2&note=x")" "save item"
expect 403 "$(post jd1 $U -F "file=@$T/会议记录.pdf")" "upload without CSRF"
expect 403 "$(post xx1 $U -F "csrf=$X" -F "file=@$T/会议记录.pdf")" "another unit uploads"
expect 403 "$(post insp1 $U -F "csrf=$(cat "$T/insp1.csrf")" -F "file=@$T/会议记录.pdf")" "inspector uploads self evidence"
expect 422 "$(post jd1 $U -F "csrf=$J" -F "file=@$T/tool.exe")" "exe refused"
has '类型不符合要求' "exe refused"
has '<li>tool.exe：' "exe refused: the file is named"
grep -q 'Windows\|exe' "$T/body" || fail "exe refused: the reason does not say what the file is"
expect 303 "$(post jd1 $U -F "csrf=$J" -F "file=@$T/会议记录.pdf")" "upload pdf"
expect 200 "$(get jd1 /years/2025/units/jd/self)" "form after upload"
has 'id="evidence-1.3"' "form"
has '会议记录.pdf' "form lists the file"
H=$(sha256sum "$T/会议记录.pdf" | cut -c1-64)
D=/years/2025/units/jd/evidence/$H
grep -q "$D" "$T/body" || fail "form has no download link"

# download: byte for byte, the entry's read rules
for who in jd1 insp1 aud1 admin1; do
    expect 200 "$(curl -s -o "$T/got" -D "$T/h" -w '%{http_code}' -b "$T/$who.jar" "$B$D")" "$who downloads"
    cmp -s "$T/got" "$T/会议记录.pdf" || fail "$who: downloaded bytes differ"
done
grep -qi '^Content-Type: application/pdf' "$T/h" || fail "download content type"
grep -qi "^Content-Disposition: attachment; filename=\"evidence.pdf\"; filename\*=UTF-8''%E4%BC%9A" "$T/h" || fail "download disposition"
expect 403 "$(get xx1 $D)" "another unit downloads"
expect 403 "$(get insp2 $D)" "unassigned inspector downloads"
expect 404 "$(get xx1 /years/2025/units/xx/evidence/$H)" "hash under another unit"
expect 404 "$(get jd1 /years/2025/units/jd/evidence/0000)" "unknown hash"

# counts on the progress table
expect 200 "$(get admin1 /years/2025)" "progress"
grep -q 'id="unit-jd">.*<td class="num evidence-count">1</td>' "$T/body" || fail "progress: jd evidence count"
grep -q 'id="unit-xx">.*<td class="num evidence-count">0</td>' "$T/body" || fail "progress: xx evidence count"

# the same bytes attached by another unit under its own name: each unit
# downloads them under the name attached to its entry
cp "$T/会议记录.pdf" "$T/xx-minutes.pdf"
expect 303 "$(post xx1 /years/2025/units/xx/self/1.3 -d "csrf=$X&version=0&in_meetings=2&in_proofs=2&note=x")" "xx saves item"
expect 303 "$(post xx1 /years/2025/units/xx/self/1.3/evidence -F "csrf=$X" -F "file=@$T/xx-minutes.pdf")" "xx uploads the same bytes"
expect 200 "$(curl -s -o "$T/got" -D "$T/h" -w '%{http_code}' -b "$T/xx1.jar" "$B/years/2025/units/xx/evidence/$H")" "xx downloads"
grep -qi "^Content-Disposition: .*filename\*=UTF-8''xx-minutes.pdf" "$T/h" ||
    fail "xx gets another unit's file name: $(grep -i disposition "$T/h")"
expect 200 "$(curl -s -o "$T/got" -D "$T/h" -w '%{http_code}' -b "$T/jd1.jar" "$B$D")" "jd downloads again"
grep -qi "^Content-Disposition: .*filename\*=UTF-8''%E4%BC%9A" "$T/h" || fail "jd's own name lost"

# a PDF-prefixed HTML polyglot named .html is stored as .pdf
printf '%%PDF-1.4\n<html><script>alert(1)</script></html>\n%%%%EOF\n' >"$T/poly.html"
expect 303 "$(post jd1 $U -F "csrf=$J" -F "file=@$T/poly.html")" "polyglot upload"
expect 200 "$(get jd1 /years/2025/units/jd/self)" "form after polyglot"
has 'poly.pdf' "polyglot renamed"
grep -q 'poly\.html' "$T/body" && fail "polyglot kept its .html name"
P=$(sha256sum "$T/poly.html" | cut -c1-64)
curl -s -o /dev/null -D "$T/h" -b "$T/jd1.jar" "$B/years/2025/units/jd/evidence/$P"
grep -qi "^Content-Disposition: .*filename\*=UTF-8''poly.pdf" "$T/h" || fail "polyglot download name: $(grep -i disposition "$T/h")"
grep -qi '^Content-Type: application/pdf' "$T/h" || fail "polyglot content type"

$K audit log --db "$DB" | grep -q evidence || fail "upload not audited"

# -- several files at once, all or nothing
printf '\211PNG\r\n\032\n\000\000\000\rIHDR\000\000\000\001\000\000\000\001\010\000\000\000\000' >"$T/photo.png"
printf '%%PDF-1.4\n%% second\n%%%%EOF\n' >"$T/plan.pdf"
U4=/years/2025/units/jd/self/1.4/evidence
expect 303 "$(post jd1 /years/2025/units/jd/self/1.4 -d "csrf=$J&version=0&has_plan=1&in_plan=true&has_proofs=1&in_proofs=true&note=x")" "save 1.4"
expect 422 "$(post jd1 $U4 -F "csrf=$J" -F "file=@$T/photo.png" -F "file=@$T/tool.exe" -F "file=@$T/plan.pdf")" "three files, one bad"
has '<li>tool.exe：' "three files, one bad: the bad one is named"
grep -q '<li>photo.png：\|<li>plan.pdf：' "$T/body" && fail "good files reported as refused"
expect 200 "$(get jd1 /years/2025/units/jd/self)" "form after a refused upload"
sed -n '/id="item-1.4"/,/id="evidence-1.4"/p' "$T/body" | grep -q 'photo.png\|plan.pdf' &&
    fail "a refused upload stored some of its files"
expect 303 "$(post jd1 $U4 -F "csrf=$J" -F "file=@$T/photo.png" -F "file=@$T/plan.pdf")" "two files"
expect 200 "$(get jd1 /years/2025/units/jd/self)" "form after two files"
sed -n '/id="item-1.4"/,/id="evidence-1.4"/p' "$T/body" >"$T/block"
grep -q 'photo.png' "$T/block" && grep -q 'plan.pdf' "$T/block" || fail "both files listed"
grep -q 'multiple' "$T/block" || fail "the upload input takes several files"
grep -q 'class="evidence-remove"' "$T/block" || fail "no remove form for the unit"
PH=$(sha256sum "$T/photo.png" | cut -c1-64)
PL=$(sha256sum "$T/plan.pdf" | cut -c1-64)
set --; i=0; while [ $i -lt 11 ]; do set -- "$@" -F "file=@$T/plan.pdf"; i=$((i + 1)); done
expect 422 "$(post jd1 $U4 -F "csrf=$J" "$@")" "eleven files"
set --
has '10' "eleven files: the limit is named"

# -- remove and replace: the uploader's side only
R=/years/2025/units/jd/self/1.4/evidence/remove
RP=/years/2025/units/jd/self/1.4/evidence/replace
expect 403 "$(post xx1 $R -d "csrf=$X&sha256=$PH")" "another unit removes"
expect 403 "$(post insp1 $R -d "csrf=$(cat "$T/insp1.csrf")&sha256=$PH")" "inspector removes"
expect 403 "$(post aud1 $R -d "csrf=$(cat "$T/aud1.csrf")&sha256=$PH")" "auditor removes"
expect 403 "$(post insp1 $RP -F "csrf=$(cat "$T/insp1.csrf")" -F "sha256=$PH" -F "file=@$T/plan.pdf")" "inspector replaces"
expect 403 "$(post xx1 $RP -F "csrf=$X" -F "sha256=$PH" -F "file=@$T/plan.pdf")" "another unit replaces"
expect 403 "$(post jd1 $R -d "sha256=$PH")" "remove without CSRF"
expect 404 "$(post jd1 $R -d "csrf=$J&sha256=$H")" "remove a file not on this item"
expect 303 "$(post jd1 $R -d "csrf=$J&sha256=$PH")" "unit removes its file"
expect 200 "$(get jd1 /years/2025/units/jd/self)" "form after remove"
sed -n '/id="item-1.4"/,/id="evidence-1.4"/p' "$T/body" | grep -q 'photo.png' && fail "removed file still listed"
$K audit log --db "$DB" | grep -q 'evidence.detach' || fail "removal not audited"
expect 422 "$(post jd1 $RP -F "csrf=$J" -F "sha256=$PL" -F "file=@$T/tool.exe")" "replace with an exe"
expect 200 "$(get jd1 /years/2025/units/jd/self)" "form after a refused replace"
sed -n '/id="item-1.4"/,/id="evidence-1.4"/p' "$T/body" | grep -q 'plan.pdf' || fail "refused replace removed the old file"
expect 303 "$(post jd1 $RP -F "csrf=$J" -F "sha256=$PL" -F "file=@$T/photo.png")" "unit replaces plan.pdf by photo.png"
expect 200 "$(get jd1 /years/2025/units/jd/self)" "form after replace"
sed -n '/id="item-1.4"/,/id="evidence-1.4"/p' "$T/body" >"$T/block"
grep -q 'plan.pdf' "$T/block" && fail "replaced file still listed"
grep -q 'photo.png' "$T/block" || fail "replacement not listed"
expect 303 "$(post admin1 $R -d "csrf=$(cat "$T/admin1.csrf")&sha256=$PH")" "admin removes"

# -- the inspector's form lists the unit's files; no remove for inspectors
$K year advance 2025 --db "$DB" >"$T/adv.log" 2>&1 || { cat "$T/adv.log"; fail "advance"; }
expect 403 "$(post jd1 $R -d "csrf=$J&sha256=$H")" "unit removes after self-check"
expect 200 "$(get insp1 /years/2025/units/jd/inspection)" "inspection form"
sed -n '/id="item-1.3"/,/id="evidence-1.3"/p' "$T/body" >"$T/block"
grep -q 'class="evidence-block evidence-self"' "$T/block" || fail "inspection form: no unit evidence block"
grep -q "href=\"/years/2025/units/jd/evidence/$H\">会议记录.pdf</a>" "$T/block" || fail "inspection form: the unit's file is not linked"
grep -q 'class="evidence-remove"' "$T/body" && fail "inspection form: a remove form for the inspector"

[ $fails -eq 0 ] && echo "ok: web evidence" && exit 0
echo "$fails failure(s)"
exit 1
