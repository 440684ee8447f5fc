#!/bin/sh
# tests/web/source.sh KAOHE - questionnaire-suggested judgements on the
# inspection form (the rubric's `source:`, docs/SURVEY.md): the
# suggestion with its figure and the buttons 采用建议 / 改判 for who may
# write; keeping it in one click; an override refused without a reason
# or equal to the suggestion (422 naming the field, nothing written);
# the override with its reason; the score sheet's explanation saying
# which; every role (unit users and auditors cannot decide; an inspector
# only for assigned units); CSRF.  Both engines (tests/pg/store.inc).
# Run from the repository root.
set -u
K=$1
. tests/web/serve.inc
web_test_begin

export KAOHE_USER=setup
DB=$T/t.db
. tests/pg/store.inc
{
    new_store &&
    open_year 2025 examples/units-2025.csv &&
    advance_year 2025 2 &&
    $K questionnaire import questionnaires/ideology-2020-students.yaml --db "$DB" &&
    $K questionnaire round open --year 2025 --questionnaire ideology-2020-students \
        --audience 学生 --unit jd,xx,jg --min 2 --db "$DB" &&
    $K questionnaire import-responses tests/data/questionnaire/paper-suggest.csv \
        --round 1 --db "$DB" &&
    add_users admin1:admin insp1:inspector &&
    $K user assign insp1 --year 2025 --unit jd --unit xx --db "$DB" &&
    add_users insp2:inspector &&
    assign_inspectors 2025 insp2:jg &&
    add_users aud1:auditor xx1:unit:xx
} >"$T/setup.log" 2>&1 || setup_failed

start_server "$DB"

req() { curl -s -m 20 -o "$T/body" -w '%{http_code}' "$@"; }
has() { grep -q -- "$1" "$T/body" || fail "$2: page has no $1"; }
hasnt() { ! grep -q -- "$1" "$T/body" || fail "$2: page shows $1"; }
login() {
    s=$(curl -s -m 20 -o "$T/body" -w '%{http_code}' -c "$T/$1.jar" -H 'Content-Type: application/json' \
        --data-binary "{\"user\":\"$1\",\"password\":\"password123\"}" "$B/api/v1/login")
    expect 200 "$s" "login $1"
    sed -n 's/.*"csrf":"\([0-9a-f]*\)".*/\1/p' "$T/body" >"$T/$1.csrf"
}
for u in admin1 insp1 insp2 aud1 xx1; do login $u; done
decisions() { $K questionnaire decisions --year 2025 --db "$DB" 2>&1; }
U=/years/2025/units
# post USER UNIT FIELDS...: the item form of 4.1 sent to its source route
post() {
    u=$1 unit=$2; shift 2
    req -b "$T/$u.jar" --data-urlencode "csrf=$(cat "$T/$u.csrf")" \
        --data-urlencode "version.4.1=0" "$@" "$B$U/$unit/inspection/4.1/source"
}

# ---- the form: suggestion, figure, buttons for who may write ----
s=$(req -b "$T/insp1.jar" "$B$U/xx/inspection"); expect 200 "$s" "inspection form"
has 'id="suggest-4.1-rating">问卷建议：4（第 1 轮，3 份答卷：第 1 题，选最高两项的占比 100%）' "suggestion with its figure"
has 'id="keep-4.1-rating"' "keep button"; has 'id="override-4.1-rating"' "override button"
has 'id="reason-4.1-rating"' "reason field"
has "formaction=\"$U/xx/inspection/4.1/source\"" "buttons post the item form to the source route"
s=$(req -b "$T/aud1.jar" "$B$U/xx/inspection"); expect 200 "$s" "auditor form"
has 'id="suggest-4.1-rating"' "auditor sees the suggestion"
hasnt 'id="keep-4.1-rating"' "auditor gets no button"
s=$(req -b "$T/insp2.jar" "$B$U/jg/inspection"); expect 200 "$s" "jg form"
has 'id="suggest-4.1-rating">问卷建议：暂无' "jg below the minimum: none"
hasnt 'id="keep-4.1-rating"' "no button without a suggestion"

# ---- who may decide ----
s=$(post xx1 xx --data 'source=keep rating'); expect 403 "$s" "unit user keeps"
s=$(post aud1 xx --data 'source=keep rating'); expect 403 "$s" "auditor keeps"
s=$(post insp2 xx --data 'source=keep rating'); expect 403 "$s" "inspector of another unit"
s=$(req -b "$T/insp1.jar" --data 'csrf=0&version.4.1=0&source=keep rating' "$B$U/xx/inspection/4.1/source")
expect 403 "$s" "wrong CSRF token"
s=$(req -b "$T/insp1.jar" --data-urlencode "csrf=$(cat "$T/insp1.csrf")" --data 'version.4.1=0&source=keep rating' "$B$U/xx/self/4.1/source")
[ "$s" = 404 ] || [ "$s" = 403 ] || fail "self phase: expected 403 or 404, got $s"
s=$(post insp1 xx --data 'source=explode rating'); expect 400 "$s" "unknown button"
[ "$(decisions)" = "no decisions" ] || fail "refused decisions wrote something: $(decisions)"

# ---- keep in one click ----
s=$(post insp1 xx --data 'source=keep rating' --data 'in_rating.4.1='); expect 303 "$s" "keep"
decisions | grep -q '^xx  4.1  rating  问卷建议：第 1 轮，3 份答卷，建议 4，检查组采用' ||
    fail "keep recorded: $(decisions)"
$K entry list --year 2025 --unit xx --item 4.1 --db "$DB" | grep -q '"rating": 4' ||
    fail "keep set the value"
s=$(req -b "$T/insp1.jar" "$B$U/xx/inspection"); expect 200 "$s" "form after keep"
has '<span class="decided">已采用</span>' "the form says it was kept"

# ---- overrides: refused without a reason, equal to the suggestion ----
s=$(post insp1 jd --data 'source=override rating' --data 'in_rating.4.1=3' --data-urlencode 'reason_rating.4.1=  ' --data-urlencode 'note.4.1=说明')
expect 422 "$s" "override without a reason"
has '改判理由：改判必须填写理由' "names the reason field"
s=$(post insp1 jd --data 'source=override rating' --data 'in_rating.4.1=2.5' --data-urlencode 'reason_rating.4.1=见座谈会' --data-urlencode 'note.4.1=说明')
expect 422 "$s" "override equal to the suggestion"
has '改判分值：2.5 就是问卷建议值' "names the value field"
s=$(post insp1 jd --data 'source=override rating' --data 'in_rating.4.1=<b>x' --data-urlencode 'reason_rating.4.1=见座谈会')
expect 422 "$s" "override not a number"
has '“&lt;b&gt;x”不是评分' "bad value escaped and named"
decisions | grep -q '^jd' && fail "refused overrides wrote a decision"
$K entry list --year 2025 --unit jd --db "$DB" | grep -q 4.1 && fail "refused overrides wrote the entry"

# ---- the override with its reason (admin may too) ----
s=$(post admin1 jd --data 'source=override rating' --data 'in_rating.4.1=3' \
    --data-urlencode 'reason_rating.4.1=座谈会上<script>学生</script>反映良好' --data-urlencode 'note.4.1=问卷与座谈会所见略有出入')
expect 303 "$s" "override"
decisions | grep -q '^jd  4.1  rating  问卷建议：第 1 轮，6 份答卷，建议 2.5，检查组改判为 3，理由：座谈会上<script>学生</script>反映良好' ||
    fail "override recorded: $(decisions)"
s=$(req -b "$T/insp1.jar" "$B$U/jd/inspection"); expect 200 "$s" "form after override"
has '已改判为 3，理由：座谈会上&lt;script&gt;学生&lt;/script&gt;反映良好' "the form says why, escaped"
hasnt '<script>学生' "reason not raw"

# ---- the score sheet's explanation says which ----
s=$(req -b "$T/admin1.jar" "$B/years/2025/results/xx"); expect 200 "$s" "xx sheet"
has '问卷建议：第 1 轮，3 份答卷，建议 4，检查组采用' "sheet: kept"
s=$(req -b "$T/admin1.jar" "$B/years/2025/results/jd"); expect 200 "$s" "jd sheet"
has '检查组改判为 3，理由：座谈会上&lt;script&gt;' "sheet: overridden with the reason"
$K audit log --db "$DB" | grep -q 'source.keep' || fail "audit source.keep"
$K audit log --db "$DB" | grep -q 'source.override' || fail "audit source.override"

[ $fails -eq 0 ] && echo "source: all passed"
exit $fails
