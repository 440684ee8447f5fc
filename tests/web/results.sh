#!/bin/sh
# tests/web/results.sh KAOHE - the results page of `kaohe serve` beyond
# the rankings: the per-category chart of each ranking list (inline SVG,
# no script, names escaped) and the self-check vs inspection gap table
# (large gaps highlighted), both in the print stylesheet; and a unit's
# own result through GET /api/v1/years/Y/units/U/result (refused for
# another unit, for unit users before publication and for inspectors).
# Run from the repository root.
set -u
K=$1
. tests/web/serve.inc
web_test_begin

export KAOHE_USER=setup
DB=$T/t.db; . tests/pg/store.inc
# a unit whose name needs escaping, to see it shown as text in the charts
sed 's/name: 工会, kind/name: "工会<script>alert(1)<\/script>", kind/' examples/college-2025.yaml >"$T/college.yaml"
grep -q 'script' "$T/college.yaml" || { echo "FAIL: the example has no unit 工会 to rename"; exit 1; }
{
    new_store &&
    open_year 2025 "$T/college.yaml" &&
    advance_year 2025 3 &&
    add_users admin1:admin insp1:inspector aud1:auditor jd1:unit:jd zzb1:unit:zzb &&
    assign_inspectors 2025 insp1:jd
} >"$T/setup.log" 2>&1 || setup_failed

start_server "$DB"

login() {
    s=$(curl -s -o "$T/body" -w '%{http_code}' -c "$T/$1.jar" -H 'Content-Type: application/json' \
        --data-binary "{\"user\":\"$1\",\"password\":\"password123\"}" "$B/api/v1/login")
    expect 200 "$s" "login $1"
}
for u in admin1 insp1 aud1 jd1 zzb1; do login $u; done

# -- the results page (year in review: provisional figures)
expect 200 "$(get admin1 /years/2025/results)" "admin results page"
cp "$T/body" "$T/results.html"
for id in chart-totals chart-categories-faculty chart-categories-office gaps; do
    has "id=\"$id\"" "results page"
done
# the five categories label each chart, in Chinese
for c in 体制机制 明确责任 意识形态价值引领 阵地管理 队伍建设; do
    n=$(grep -o "font-weight=\"bold\">$c<" "$T/body" | wc -l)
    [ "$n" -ge 2 ] || fail "category $c labels $n charts, expected 2"
done
# 机电工程系 (faculty) 体制机制: its percentage of 25 as a tooltip and a label
grep -q '<title>机电工程系 体制机制 22.5/25</title></rect><text [^>]*>90%<' "$T/body" ||
    fail "category chart: no tooltip for 机电工程系 体制机制"
# an office has no item 1.7: its 体制机制 is out of 19 (组织部 19 of 19 -> 100%, not 76%)
grep -q '<title>组织部 体制机制 19/19</title></rect><text [^>]*>100%<' "$T/body" ||
    fail "category chart: 组织部 体制机制 not out of the office's 19"
# only faculty units in the faculty chart: 组织部 is an office
grep 'id="chart-categories-faculty"' "$T/body" >"$T/fac.svg"
grep -q '组织部' "$T/fac.svg" && fail "an office unit in the faculty chart"
grep -q '机电工程系' "$T/fac.svg" || fail "机电工程系 missing from the faculty chart"
grep -q '%</text>' "$T/fac.svg" || fail "faculty chart shows no percentages"
# no script anywhere on the page, the unit's name shown as text
grep -q '<script>alert' "$T/body" && fail "XSS: a unit name not escaped on the results page"
has '工会&lt;script&gt;alert(1)&lt;/script&gt;' "escaped unit name"
grep -c '<script' "$T/body" | grep -qx 1 || fail "results page has a script other than the page script"
# gaps: 马克思主义学院 self 99.5, inspection 93 -> +6.5, highlighted;
# 组织部 97.87 vs 95.74 -> +2.13, not highlighted
grep -q '<tr id="gap-mks" class="gap-large"><td>马克思主义学院</td><td>[^<]*</td><td class="num">99.5</td><td class="num">93</td><td class="num diff">+6.5</td>' "$T/body" ||
    fail "gap row of mks: $(grep -o '<tr id="gap-mks".*' "$T/body" | head -c 300)"
grep -q '<tr id="gap-zzb"><td>组织部</td>.*<td class="num diff">+2.13</td>' "$T/body" ||
    fail "gap row of zzb: $(grep -o '<tr id="gap-zzb".*' "$T/body" | head -c 300)"
# the gap table and the charts print (the print stylesheet styles them)
expect 200 "$(get admin1 /static/kaohe.css)" "stylesheet"
sed -n '/@media print/,$p' "$T/body" >"$T/print.css"
grep -q 'svg.chart' "$T/print.css" || fail "print stylesheet does not style the charts"
grep -q 'gap-large' "$T/print.css" || fail "print stylesheet does not mark large gaps"
expect 200 "$(get aud1 /years/2025/results)" "auditor results page"
has 'id="gaps"' "auditor results page"
expect 403 "$(get insp1 /years/2025/results)" "inspector results page"
expect 403 "$(get jd1 /years/2025/results)" "unit results page"

# -- a unit's own result: GET /api/v1/years/Y/units/U/result
R=/api/v1/years/2025/units
expect 200 "$(get admin1 $R/jd/result)" "admin unit result before publication"
grep -q '"unit":{"id":"jd","name":"机电工程系"' "$T/body" || fail "unit result has no unit object"
expect 200 "$(get aud1 $R/zzb/result)" "auditor unit result before publication"
expect 403 "$(get jd1 $R/jd/result)" "unit user, own result before publication"
expect 403 "$(get insp1 $R/jd/result)" "inspector unit result (assigned unit)"
expect 404 "$(get admin1 $R/nosuch/result)" "unknown unit"
expect 404 "$(get admin1 /api/v1/years/2031/units/jd/result)" "unknown year"
$K year advance 2025 --db "$DB" >"$T/adv.log" 2>&1 || { cat "$T/adv.log"; fail "publish"; }
expect 200 "$(get jd1 $R/jd/result)" "unit user, own published result"
cp "$T/body" "$T/jd.json"
# the unit object is the one of the frozen results JSON, figure for figure
$K results --year 2025 --format json --db "$DB" >"$T/all.json"
want=$(grep '"id": "jd", "name"' "$T/all.json" | sed 's/^ *//; s/,$//; s/": /":/g; s/, "/,"/g; s/ *}$/}/')
[ -n "$want" ] && grep -qF "\"unit\":$want,\"ranks\":" "$T/jd.json" ||
    fail "unit object differs from kaohe results: want $want in $(cat "$T/jd.json")"
grep -q '"state":"published"' "$T/jd.json" || fail "unit result: state"
grep -q '"ranks":\[{"ranking":"faculty","name":"各系（按支部）","level":"branch","row":{"id":"jd",[^}]*"rank":4' "$T/jd.json" ||
    fail "unit result: faculty rank row of jd: $(cat "$T/jd.json")"
expect 403 "$(get jd1 $R/zzb/result)" "unit user, another unit's published result"
expect 403 "$(get zzb1 $R/jd/result)" "unit user, another unit's published result (2)"
expect 200 "$(get zzb1 $R/zzb/result)" "office unit, own published result"
grep -q '"level":"unit","row":{"id":"zzb","name":"组织部","score":95.74,"rank":2,"bottom":false}' "$T/body" ||
    fail "unit result: office rank row of zzb: $(cat "$T/body")"
expect 403 "$(get insp1 $R/jd/result)" "inspector unit result after publication"
expect 200 "$(get aud1 $R/jd/result)" "auditor unit result after publication"
$K audit log --db "$DB" | grep -q 'GET /api/v1/years/:year/units/:unit/result: role' || fail "refusals of unit results not audited"

[ $fails -eq 0 ] && echo "ok: web results" && exit 0
echo "$fails failure(s)"
exit 1
