#!/bin/sh
# The audit replay gives no false alarm: a year is built with every kind
# of write kaohe makes (draft import with rosters and branch names, units
# import and rename, dates, document settings, roster import, entries,
# records, users and their assignments, self-check submission and
# return, visits with their symposium and interview records and findings
# (added, corrected, removed), evidence, the states up to publication,
# follow-up, good practices; in a second year on the full rubric bonus
# claims with their files and their decision, a questionnaire round, its
# codes and answers, and the inspectors' decisions on its suggestions)
# and `kaohe check` must pass after each one.  At the end one direct UPDATE must make it fail (the test can
# fail).  Runs on PostgreSQL too (tests/pg/store.inc).
# Usage: replay_year.sh KAOHE   (run from the repository root)
set -eu
kaohe=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
KAOHE_DB=$tmp/kaohe.db; . tests/pg/store.inc
KAOHE_USER=tester
KAOHE_NOW=1767225600
export KAOHE_DB KAOHE_USER KAOHE_NOW
n=0
# k ARGS...: a kaohe write that must succeed, then a check that must pass.
k() {
  "$kaohe" "$@" >"$tmp/out" 2>&1 </dev/null ||
    { echo "replay_year: kaohe $* failed:"; cat "$tmp/out"; exit 1; }
  checked "$*"
}
checked() {
  n=$((n + 1))
  "$kaohe" check >"$tmp/check" 2>&1 ||
    { echo "replay_year: check fails after: $1"; cat "$tmp/check"; exit 1; }
}
pw() {   # pw LOGIN ARGS...: user add with a password on stdin
  l=$1; shift
  printf 'Replay-Secret-1\n' | "$kaohe" user add "$l" "$@" >"$tmp/out" 2>&1 ||
    { echo "replay_year: user add $l failed:"; cat "$tmp/out"; exit 1; }
  checked "user add $l"
}
k init
k rubric import tests/store/data/mini-rubric.yaml
k year open 2025 --rubric mini-2025
k import assessment tests/store/data/mini-2025.yaml
k units import tests/store/data/units-2025.csv --year 2025
k units rename xx --year 2025 --name 信息工程学院
k units add tw --year 2025 --name 团委 --kind office --branch admin
k year dates 2025 --selfcheck-due 2026-01-10 --inspect-from 2026-01-12 \
  --inspect-to 2026-01-20 --review-due 2026-01-25 --publish 2026-02-10
k year set 2025 number=晋市职院党〔2026〕3号
k year set 2025 number=
k year advance 2025
k selfcheck submit --year 2025 --unit jd --report 报告
k selfcheck return --year 2025 --unit jd --reason 缺少会议记录
k selfcheck submit --year 2025 --unit jd --report 补充会议记录后的报告
k roster import tests/store/data/roster-xuexi.csv --year 2025 --roster xuexi
k roster import tests/store/data/roster-xuexi-new.csv --year 2025 --roster xuexi
k year advance 2025
k entry set --year 2025 --unit jd --item 1.3 --phase inspection --input meetings=2
k record add --year 2025 --unit jd --type bonus --points 1 --reason 先进集体
k record remove --year 2025 --type bonus --id 1 --reason 复核撤销
pw li --role inspector
pw jdu --role unit --unit jd
pw boss --role admin
pw zhao --role inspector
k user name li 李明
k user assign li --year 2025 --unit jd --unit xx
k user assign li --year 2025 --unit zzb
k user disable jdu
k user enable jdu
printf 'Replay-Secret-2\n' | "$kaohe" user passwd li >/dev/null 2>&1
checked "user passwd li"
k user assign zhao --year 2025 --unit jd
k visit add --year 2025 --unit jd --at "2025-12-30 09:00" --place 会议室 --lead li \
  --member zhao --planned symposium,interview
k visit set 1 --place 机电楼301 --used 座谈会,查阅资料
k visit symposium 1 --date 2025-12-30 --place 会议室 --host 张书记 --recorder zhao \
  --group 教师=12 --group 学生=30 --outline "一、理论学习" --minutes "与会教师反映……"
k visit symposium-set 1 --date 2025-12-30 --place 会议室 --host 张书记 --recorder zhao \
  --group 教师=13 --group 学生=30 --outline "一、理论学习" --minutes "更正：与会教师反映……"
k visit interview 1 --category 支部书记 --name 王五 --interviewer li --recorder zhao \
  --start "2025-12-30 10:00" --end "2025-12-30 10:30" --place 办公室 --summary 支部工作情况
k visit interview 1 --category 教师 --interviewer zhao --recorder li \
  --start "2025-12-30 11:00" --end "2025-12-30 11:30" --place 办公室 --summary 备课情况
k visit interview-set 1 --category 支部书记 --name 王六 --interviewer zhao --recorder li \
  --start "2025-12-30 10:00" --end "2025-12-30 10:40" --place 办公室 --summary 更正后的摘要
k visit finding --interview 1 --item 2.2 --direction problem --text 述职不具体
k visit finding --symposium 1 --item 2.2 --direction good --text 学习扎实
k visit finding-set 1 --item 1.1 --direction good --text 已更正
k visit finding-remove 2
printf '%%PDF-1.4\n%%replay\n' >"$tmp/a.pdf"
k evidence add --year 2025 --unit jd --item 1.3 --phase inspection "$tmp/a.pdf"
k year advance 2025
k year advance 2025 --allow-missing
k followup talk add --year 2025 --unit tw --date 2026-01-01 --by 王五 --summary 提醒
k followup item add --year 2025 --unit tw --text 整改 --deadline 2026-03-31
k followup item add --year 2025 --unit tw --text 整改二 --deadline 2026-03-31
k followup item close 2 --date 2026-01-01
k followup report add 1 --year 2025 --unit tw --text 已整改
k followup report return 1 --reason 材料不足
k followup report add 1 --year 2025 --unit tw --text 已补充材料 --evidence "$tmp/a.pdf"
k followup report accept 2
k practice add --year 2025 --unit jd --title 思政课联系制度 --text 系领导每学期听课讲课，建立台账
# A second year on the full rubric: claims with files, a questionnaire
# round with codes and answers, the decisions on its suggestions.
k rubric import rubrics/ideology-2020.yaml
k year open 2026 --rubric ideology-2020
k units import examples/units-2025.csv --year 2026
k year advance 2026
k claim add --year 2026 --unit jd --kind honour --description 辅导员获市级表彰 \
  --file tests/evidence/data/会议记录.pdf --file tests/evidence/data/现场照片.png
k claim add --year 2026 --unit xx --kind article --description 发表理论文章
k year advance 2026
k claim decide --year 2026 --id 1 --approve --points 2
k claim decide --year 2026 --id 2 --reject --reason 不符合条件
k questionnaire import questionnaires/ideology-2020-students.yaml
k questionnaire round open --year 2026 --questionnaire ideology-2020-students \
  --audience 学生 --unit jd,xx,jg --min 2
k questionnaire codes --round 1 --unit jd --count 4
k questionnaire codes --round 1 --unit jd --count 2
k questionnaire import-responses tests/data/questionnaire/paper-suggest.csv --round 1
k questionnaire override --year 2026 --unit jd --item 4.1 --value 3 \
  --reason 座谈会上学生普遍反映课堂纪律良好 --note 问卷与座谈会所见略有出入
k questionnaire keep --year 2026 --unit xx --item 4.1
# The test can fail: a roster changed behind kaohe's back is named.
sh tests/golden/sql.sh "UPDATE roster SET value = 1 WHERE unit = 'jd'"
if "$kaohe" check >"$tmp/check" 2>&1; then
  echo "replay_year: check passed after a direct UPDATE of a roster"; exit 1
fi
grep -q "roster xuexi" "$tmp/check" ||
  { echo "replay_year: the roster is not named:"; cat "$tmp/check"; exit 1; }
echo "replay_year: check passed after each of $n writes"
