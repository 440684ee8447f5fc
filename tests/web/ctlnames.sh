#!/bin/sh
# tests/web/ctlnames.sh KAOHE - names with control characters refused by
# the web forms (docs/DESIGN.md, "Names"): a unit added or renamed, a
# user added or named with a newline, a tab, U+0007, U+202E, bytes that
# are not UTF-8 or a name over 200 bytes is refused 422 naming the field
# by its label, and nothing is stored; an entry note and a claim with a
# control character come back with the typed text kept and the message
# beside the field, and nothing is stored.  A store written by an older
# version that already holds such names (set here with SQL) still shows
# them escaped: no raw markup, no direction override, on every page that
# names them.  Both engines (tests/pg/store.inc).  Run from the
# repository root.
set -u
K=$1
. tests/web/serve.inc
web_test_begin

export KAOHE_USER=setup
DB=$T/t.db; . tests/pg/store.inc
{
    new_store &&
    open_year 2025 examples/units-2025.csv &&
    add_users admin1:admin insp1:inspector jd1:unit:jd xx1:unit:xx
} >"$T/setup.log" 2>&1 || setup_failed

# The names an older version let in, written straight into the store
# before the server reads it: unit xx (its user xx1) and insp1's name.
NL='
'
RLO=$(printf '\342\200\256')
sql_q "$DB" "UPDATE unit SET name = '信息<b>工程</b>${NL}系${RLO}abc' WHERE id = 'xx'" ||
    { echo "FAIL: setting the old unit name"; exit 1; }
sql_q "$DB" "UPDATE app_user SET display_name = '李${RLO}明<i>x</i>' WHERE name = 'insp1'" ||
    { echo "FAIL: setting the old display name"; exit 1; }

start_server "$DB"
for u in admin1 insp1 jd1 xx1; do login $u; done
A=$(cat "$T/admin1.csrf")
J=$(cat "$T/jd1.csrf")

units() { $K units list --year 2025 --db "$DB"; }
users() { $K user list --db "$DB"; }
units >"$T/units.before" || fail "units list"
users >"$T/users.before" || fail "user list"
LONG=$(printf '%%E6%%9C%%BA%.0s' $(seq 67))   # 67 x 机: 201 bytes
# bad: WHAT NAME MESSAGE, the urlencoded NAME and the Chinese message it
# gets
bad() {
    cat <<EOF
newline %E5%9B%A2%0A%E5%A7%94 含有控制字符 U+000A（第 2 个字符
tab %E5%9B%A2%09%E5%A7%94 含有控制字符 U+0009（第 2 个字符
U+0007 %E5%9B%A2%07%E5%A7%94 含有控制字符 U+0007（第 2 个字符
U+202E %E5%9B%A2%E2%80%AE%E5%A7%94 含有文字方向控制符 U+202E（第 2 个字符）
0xFF %E5%9B%A2%FF%E5%A7%94 不是有效的 UTF-8 文本（字节 0xFF，第 2 个字符）
long $LONG 超过 200 字节（实为 201 字节）
EOF
}

# -- one unit added, one renamed, one user added, one named: each bad
# name is 422, the field named by its label, nothing stored
bad >"$T/bad"
while read -r what name msg; do
    expect 422 "$(post admin1 /admin/years/2025/units/add -d "csrf=$A&id=tw&name=$name&kind=office&branch=")" "unit add $what"
    has "名称：$msg" "unit add $what"
    expect 422 "$(post admin1 /admin/years/2025/units/rename -d "csrf=$A&id=jd&name=$name")" "unit rename $what"
    has "名称：$msg" "unit rename $what"
    expect 422 "$(post admin1 /admin/users -d "csrf=$A&name=insp9&role=inspector&password=password456&display_name=$name")" "user add $what"
    [ "$name" = "$LONG" ] && msg='姓名最多 64 字节，现有 201 字节'   # KH_USER_DISPLAY_MAX
    has "姓名：$msg" "user add $what"
    expect 422 "$(post admin1 /admin/users/jd1/name -d "csrf=$A&display_name=$name")" "user name $what"
    has "姓名：$msg" "user name $what"
done <"$T/bad"
units >"$T/units.after"
cmp -s "$T/units.before" "$T/units.after" || fail "a refused unit changed the units: $(diff "$T/units.before" "$T/units.after")"
users >"$T/users.after"
cmp -s "$T/users.before" "$T/users.after" || fail "a refused user changed the users: $(diff "$T/users.before" "$T/users.after")"

# -- the entry form: a note with U+0007 comes back with the text kept
# (the control character is not shown) and the message beside the item
$K year advance 2025 --db "$DB" >/dev/null || fail "advance"
F=/years/2025/units/jd/self
s=$(post jd1 $F --data-urlencode "csrf=$J" -d 'in_meetings.1.3=3' -d 'in_proofs.1.3=2' \
    -d 'version.1.3=0' -d 'note.1.3=%E4%BC%9A%E8%AE%AE%07%E8%AE%B0%E5%BD%95')
expect 422 "$s" "entry note with U+0007"
has '>会议记录</textarea>' "entry note: the typed text kept"
has '考核要点 1.3「备注」：含有控制字符 U+0007（第 3 个字符；只允许换行符和制表符）' "entry note: the message"
$K entry list --year 2025 --unit jd --db "$DB" | grep -q '1\.3' && fail "a refused note was stored"

# -- a claim: a description with U+202E comes back kept (the override
# shown as U+FFFD), its message beside the field, nothing written
s=$(post jd1 /years/2025/units/jd/claims -d "csrf=$J&kind=honour&description=%E8%8E%B7%E5%A5%96%E2%80%AE%E8%AE%B0%E5%BD%95")
expect 422 "$s" "claim with U+202E"
has 'id="claim-err-description"' "claim: the field's message"
has '含有文字方向控制符 U+202E（第 3 个字符）' "claim: the message"
has "获奖$(printf '\357\277\275')记录" "claim: the typed text kept"
[ -z "$($K claim list --year 2025 --db "$DB")" ] || fail "a refused claim was written"

# -- the names an older version stored: escaped wherever they show
shown() { # shown WHO PATH WHAT: the page is 200 and shows the old names safely
    expect 200 "$(get "$1" "$2")" "$3"
    grep -q "$RLO" "$T/body" && fail "$3: a raw U+202E on the page"
    grep -q '<b>工程</b>\|<i>x</i>' "$T/body" && fail "$3: the stored markup is live"
    return 0
}
shown admin1 /admin/years/2025 "the year page"
has '信息&lt;b&gt;工程&lt;/b&gt;' "the year page: the unit's name escaped"
shown admin1 /admin/users "the users page"
has '李�明&lt;i&gt;x&lt;/i&gt;' "the users page: the display name escaped"
shown xx1 / "xx1's home"
has '信息&lt;b&gt;工程&lt;/b&gt;' "xx1's header: the unit's name escaped"
shown insp1 / "insp1's home"
has '李�明&lt;i&gt;x&lt;/i&gt;' "insp1's header: the name escaped"
shown admin1 /years/2025/results "the results page"
shown admin1 /years/2025/units/xx/self "xx's self-check form"

[ "$fails" = 0 ] || { echo "$fails failure(s)"; exit 1; }
echo "ok"
