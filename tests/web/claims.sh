#!/bin/sh
# tests/web/claims.sh KAOHE - bonus claims (特色加分申报) on the web for
# every role: a unit files claims for itself only (CSRF, located errors,
# nothing written when refused, the self-check only) and sees only its
# own; admin approves (points above the kind's ceiling refused first) and
# rejects (reason required) in the inspection; the approval is a bonus
# record; the unit sees both decisions; inspectors, auditors and
# department scorers cannot file or decide.  Run from the repository root.
set -u
K=$1
. tests/web/serve.inc
web_test_begin

export KAOHE_USER=setup
DB=$T/t.db; . tests/pg/store.inc
{
    new_store &&
    open_year 2025 examples/college-2025.yaml &&
    advance_year 2025 1 &&
    add_users admin1:admin insp1:inspector aud1:auditor &&
    echo password123 | $K user add xcb --role department --provider 党委宣传部 --db "$DB" &&
    add_users jd1:unit:jd xx1:unit:xx &&
    assign_inspectors 2025 insp1:jd
} >"$T/setup.log" 2>&1 || setup_failed

start_server "$DB"

for u in admin1 insp1 aud1 xcb jd1 xx1; do login $u; done
A=$(cat "$T/admin1.csrf")
J=$(cat "$T/jd1.csrf")
X=$(cat "$T/xx1.csrf")
C=/years/2025/claims
claims() { $K claim list --year 2025 --db "$DB"; }

# filing: the unit's own, with CSRF, bad values named beside their
# fields (typed values kept), nothing written
expect 200 "$(get jd1 $C)" "unit claims page"
has 'id="claim-add"' "unit claims page"
has 'id="claims-none"' "empty claims page"
expect 403 "$(post jd1 /years/2025/units/jd/claims -d 'kind=honour&description=x')" "file without CSRF"
expect 403 "$(post jd1 /years/2025/units/xx/claims -d "csrf=$J&kind=honour&description=x")" "file for another unit"
for u in insp1 aud1 xcb; do
    expect 403 "$(post $u /years/2025/units/jd/claims -d "csrf=$(cat "$T/$u.csrf")&kind=honour&description=x")" "$u files a claim"
done
expect 422 "$(post jd1 /years/2025/units/jd/claims -d "csrf=$J&kind=medal&description=")" "bad claim"
has 'id="claim-err-kind"' "bad claim errors"
has 'id="claim-err-description"' "bad claim errors"
has 'id="claim-add"' "bad claim: the form again"
[ -z "$(claims)" ] || fail "a refused claim was written: $(claims)"

# a claim carries its own files (multipart): each bad file refused beside
# the file field by name, the typed values kept, nothing written (no
# claim, no evidence, no audit record)
printf '%%PDF-1.4\n%% kaohe\n' >"$T/通报.pdf"
printf '\211PNG\r\n\032\n0000' >"$T/photo.png"
printf 'MZ\220\000' >"$T/tool.pdf"
: >"$T/empty.pdf"
{ printf '%%PDF-1.4\n'; head -c 21000000 /dev/zero; } >"$T/big.pdf"
audits() { $K audit log --year 2025 --db "$DB" | grep -c '^#'; }
A0=$(audits)
U=/years/2025/units/jd/claims
file_post() { post jd1 $U -F "csrf=$J" -F kind=honour -F 'description=带附件的申报' "$@"; }
expect 422 "$(file_post -F "file=@$T/tool.pdf")" "a file of another type"
has 'id="claim-err-file"' "another type: message beside the file field"
grep -A3 'id="claim-err-file"' "$T/body" | grep -q 'tool.pdf' || fail "another type: the refused file is not named"
has '带附件的申报' "another type: the description is kept"
has 'value="honour" selected' "another type: the kind is kept"
expect 422 "$(file_post -F "file=@$T/photo.png" -F "file=@$T/empty.pdf")" "an empty file"
grep -A3 'id="claim-err-file"' "$T/body" | grep -q 'empty.pdf' || fail "empty file not named"
expect 422 "$(file_post -F "file=@$T/big.pdf")" "a file over 20 MB"
grep -A3 'id="claim-err-file"' "$T/body" | grep -q 'big.pdf' || fail "big file not named"
set -- ; for i in 1 2 3 4 5 6 7 8 9 10 11; do set -- "$@" -F "file=@$T/photo.png;filename=p$i.png"; done
expect 422 "$(file_post "$@")" "eleven files"
has 'id="claim-err-file"' "eleven files"
expect 422 "$(post jd1 $U -F "csrf=$J" -F kind=medal -F description=x -F "file=@$T/photo.png")" "a good file, a bad kind"
[ -z "$(claims)" ] || fail "a refused claim with files was written: $(claims)"
[ "$(audits)" = "$A0" ] || fail "a refused claim with files wrote something: $($K audit log --year 2025 --db "$DB" | tail -4)"

expect 303 "$(post jd1 /years/2025/units/jd/claims -d "csrf=$J&kind=honour" --data-urlencode 'description=辅导员获市级<b>表彰</b>')" "jd files claim 1"
expect 303 "$(post jd1 /years/2025/units/jd/claims -d "csrf=$J&kind=article&description=发表理论文章")" "jd files claim 2"
expect 303 "$(post xx1 /years/2025/units/xx/claims -d "csrf=$X&kind=project&description=精品项目")" "xx files claim 3"
expect 303 "$(file_post -F "file=@$T/通报.pdf" -F "file=@$T/photo.png")" "jd files claim 4 with two files"
claims | grep -q '^    通报.pdf ' || fail "claim 4 lists no 通报.pdf: $(claims)"
claims | grep -q '^    photo.png ' || fail "claim 4 lists no photo.png: $(claims)"
$K audit log --year 2025 --db "$DB" | grep -q 'claim.file .*claim#4' || fail "claim files not audited"
expect 200 "$(get jd1 $C)" "jd claims page"
has 'class="claim-files"' "jd claims page: the claim's files"
has '通报.pdf</a>' "jd claims page: the file's name"
has '17 字节' "jd claims page: the file's size"
has '年' "jd claims page: Beijing time"
F=$(sed -n 's|.*href="\(/years/2025/units/jd/claim-files/[0-9a-f]*\)">通报.pdf.*|\1|p' "$T/body" | head -1)
[ -n "$F" ] || fail "no open link of 通报.pdf"
expect 200 "$(get jd1 "$F")" "jd opens its claim's file"
head -c 8 "$T/body" | grep -q '%PDF-1.4' || fail "the claim's file is not the PDF"
expect 200 "$(get aud1 "$F")" "auditor opens the claim's file"
expect 200 "$(get admin1 "$F")" "admin opens the claim's file"
expect 403 "$(get xx1 "$F")" "another unit opens jd's claim's file"
expect 404 "$(get xx1 "$(echo "$F" | sed 's|/units/jd/|/units/xx/|')")" "jd's file under xx's path"
expect 404 "$(get jd1 /years/2025/units/jd/claim-files/0000000000000000000000000000000000000000000000000000000000000000)" "an unknown claim file"
expect 403 "$(get insp1 "$F")" "inspector opens a claim's file"
expect 200 "$(get jd1 $C)" "jd claims page"
has 'id="claim-1"' "jd claims page"
has 'id="claim-2"' "jd claims page"
hasnt 'id="claim-3"' "jd claims page (another unit's claim)"
has '&lt;b&gt;表彰' "jd claims page (escaped)"
expect 200 "$(get xx1 $C)" "xx claims page"
hasnt 'id="claim-1"' "xx claims page (another unit's claim)"
has 'id="claim-3"' "xx claims page"
expect 403 "$(get insp1 $C)" "inspector reads claims"
expect 403 "$(get xcb $C)" "department reads claims"
expect 200 "$(get aud1 $C)" "auditor reads claims"
has 'id="claim-3"' "auditor claims page"
hasnt 'id="claim-approve-1"' "auditor has no decision forms"
# deciding waits for the inspection
expect 403 "$(post admin1 $C/1/decide -d "csrf=$A&decision=approve&points=1")" "decide during self-check"

$K year advance 2025 --db "$DB" >/dev/null || fail "advance to inspection"
expect 403 "$(post jd1 /years/2025/units/jd/claims -d "csrf=$J&kind=honour&description=late")" "file during inspection"
expect 200 "$(get admin1 $C)" "admin claims page"
has 'id="claim-approve-1"' "admin claims page"
has 'id="claim-reject-2"' "admin claims page"
for u in jd1 aud1 insp1; do
    expect 403 "$(post $u $C/1/decide -d "csrf=$(cat "$T/$u.csrf")&decision=approve&points=1")" "$u decides"
done
expect 422 "$(post admin1 $C/1/decide -d "csrf=$A&decision=approve&points=5.01")" "approve above the ceiling"
has '<li>points' "approve above the ceiling"
$K record list --year 2025 --unit jd --db "$DB" | grep -q '表彰' && fail "a refused approval wrote a record"
expect 422 "$(post admin1 $C/1/decide -d "csrf=$A&decision=approve&points=abc")" "approve with bad points"
expect 303 "$(post admin1 $C/1/decide -d "csrf=$A&decision=approve&points=2")" "approve claim 1"
expect 422 "$(post admin1 $C/2/decide -d "csrf=$A&decision=reject&reason=")" "reject without reason"
has '<li>reason' "reject without reason"
expect 303 "$(post admin1 $C/2/decide -d "csrf=$A&decision=reject" --data-urlencode 'reason=期刊不在认定范围')" "reject claim 2"
expect 409 "$(post admin1 $C/2/decide -d "csrf=$A&decision=approve&points=1")" "decide twice"
expect 404 "$(post admin1 $C/99/decide -d "csrf=$A&decision=approve&points=1")" "unknown claim"
$K record list --year 2025 --unit jd --db "$DB" | grep -q '+2 .*表彰' || fail "approval made no bonus record: $($K record list --year 2025 --unit jd --db "$DB")"
$K results --year 2025 --format json --db "$DB" 2>/dev/null | grep -q '"id": *"jd".*"bonus": *2' ||
    $K results --year 2025 --db "$DB" >/dev/null 2>&1 || fail "results after the approval"

# the unit sees both decisions
expect 200 "$(get jd1 $C)" "jd claims page after the decisions"
has 'claim-state approved' "jd sees the approval"
has 'claim-state rejected' "jd sees the rejection"
has '期刊不在认定范围' "jd sees the reason"
hasnt 'claim-approve' "unit has no decision forms"
$K audit log --year 2025 --db "$DB" | grep -q 'claim.approve' || fail "approval not audited"
$K audit log --year 2025 --db "$DB" | grep -q 'claim.reject' || fail "rejection not audited"

# a negative item from the rubric's catalogue, its points in the case's range
R=/years/2025/units/jd/records
expect 200 "$(get admin1 /years/2025/units/jd/inspection)" "inspection form"
has 'id="record-case"' "inspection form: the negative-list catalogue"
expect 422 "$(post admin1 $R -d "csrf=$A&type=negative&case=minor&points=3&reason=")" "case points out of range"
has '<li>points' "case points out of range"
expect 422 "$(post admin1 $R -d "csrf=$A&type=negative&case=other&points=1&reason=")" "other without a reason"
$K record list --year 2025 --unit jd --db "$DB" | grep -q negative && fail "a refused negative item was written"
expect 303 "$(post admin1 $R -d "csrf=$A&type=negative&case=minor&points=1.5" --data-urlencode 'reason=宣传栏未审核')" "negative item of case minor"
$K record list --year 2025 --unit jd --db "$DB" | grep -q -- '-1.5  有实施细则第十七条情形，情节较轻: 宣传栏未审核' ||
    fail "the record does not name its case: $($K record list --year 2025 --unit jd --db "$DB")"
expect 200 "$(get admin1 /years/2025/units/jd/sheet)" "score sheet"
has '情节较轻' "the score sheet names the case"

[ $fails -eq 0 ] && echo "ok: web claims" && exit 0
echo "$fails failure(s)"
exit 1
