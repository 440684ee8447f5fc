#!/bin/sh
# tests/web/fail_full.sh KAOHE - a full disk through the real server
# (issue 9 item 3), without mocks: the store and its evidence directory
# sit on a 4 MiB tmpfs (mounting needs root: exit 77, skipped, when it
# cannot be mounted; `make check` runs as root), and once the server runs
# a filler file takes every byte left.  Then an evidence upload, the
# entry form's 保存全部 and the JSON entry PUT each answer 507 with the
# Chinese page (the form shown again with what was typed) or the JSON
# code disk_full, each logged on stderr; nothing is half-written (no file
# left in the evidence directory, the refused values not in the store).
# After the filler is removed the same requests succeed, the write
# acknowledged before the disk filled is there, and `kaohe check` passes.
# SQLite reports the full disk as SQLITE_FULL (its unix VFS maps a write
# failing with ENOSPC to it), the evidence writer its ENOSPC: both are the
# cause "full" (docs/DESIGN.md, "Failures").  Run from the repository
# root.
set -u
K=$(realpath "$1")
T=$(mktemp -d)
MNT=$T/mnt
PID=
mkdir "$MNT"
if ! mount -t tmpfs -o size=4m tmpfs "$MNT" 2>/dev/null; then
    echo "SKIP: cannot mount a tmpfs (needs root)"
    rm -rf "$T"
    exit 77
fi
cleanup() {
    [ -n "$PID" ] && kill "$PID" 2>/dev/null && wait "$PID" 2>/dev/null
    umount "$MNT"
    rm -rf "$T"
}
trap cleanup EXIT
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

export KAOHE_USER=setup KAOHE_NOW=1767225600
DB=$MNT/k.db
data=tests/store/data
{
    $K init --db "$DB" &&
    $K rubric import $data/mini-rubric.yaml --db "$DB" &&
    $K year open 2025 --rubric mini-2025 --db "$DB" &&
    $K import assessment $data/mini-2025.yaml --db "$DB" &&
    $K year advance 2025 --db "$DB" && $K year advance 2025 --db "$DB" &&
    echo password123 | $K user add admin1 --role admin --db "$DB"
} >"$T/setup.log" 2>&1 || { cat "$T/setup.log"; echo "FAIL: setup"; exit 1; }
{ printf '%%PDF-1.4\n'; head -c 300000 /dev/urandom; printf '\n%%%%EOF\n'; } >"$T/minutes.pdf"

. tests/web/serve.inc
# The server on the clock (KAOHE_NOW empty), a session marked seen every
# 2 s (--session-idle 10): reads on the full disk meet a failing mark.
KAOHE_NOW= start_server "$DB" --session-idle 10

s=$(curl -s -o "$T/body" -w '%{http_code}' --max-time 30 -c "$T/a.jar" \
    -H 'Content-Type: application/json' \
    --data-binary '{"user":"admin1","password":"password123"}' "$B/api/v1/login")
[ "$s" = 200 ] || { echo "FAIL: login $s"; exit 1; }
A=$(sed -n 's/.*"csrf":"\([0-9a-f]*\)".*/\1/p' "$T/body")

# send NAME CURL-ARGS... -> $T/NAME.{body,head,code}
send() {
    name=$1
    shift
    curl -s -o "$T/$name.body" -D "$T/$name.head" -w '%{http_code}' \
        --max-time 60 -b "$T/a.jar" "$@" >"$T/$name.code"
}
put() {   # NAME ITEM VERSION INPUTS
    send "$1" -X PUT -H "X-CSRF-Token: $A" -H 'Content-Type: application/json' \
        --data-binary "{\"inputs\":$4,\"version\":$3}" \
        "$B/api/v1/years/2025/entries/jd/$2/inspection"
}
NOTE='磁盘满时填写的说明 full-note-3'
form() {
    send form --data-urlencode "csrf=$A" -d 'in_meetings.1.3=5' \
        --data-urlencode "note.1.3=$NOTE" -d 'version.1.3=1' \
        "$B/years/2025/units/jd/inspection"
}
upload() {
    send upload -F "csrf=$A" -F "file=@$T/minutes.pdf;filename=会议记录.pdf" \
        "$B/years/2025/units/jd/inspection/1.3/evidence"
}
code() { cat "$T/$1.code"; }
has() { grep -q -- "$2" "$T/$1.body" || fail "$1: no $2 in $(head -c 300 "$T/$1.body")"; }

# -- a write acknowledged before the disk fills
put ack 1.1 1 '{"plan":false}'
[ "$(code ack)" = 200 ] || { echo "FAIL: write before the disk filled: $(code ack) $(cat "$T/ack.body")"; exit 1; }

# -- fill the disk: every byte left goes to the filler
dd if=/dev/zero of="$MNT/filler" bs=4096 2>/dev/null
[ "$(df --output=avail "$MNT" | tail -1 | tr -d ' ')" = 0 ] || fail "the disk is not full: $(df "$MNT")"
: >"$T/serve.err"
ev_before=$(find "$MNT/k.db.data" -type f 2>/dev/null | wc -l)

upload
form
put put 1.2 1 '{"report":"on_time"}'
for w in upload form put; do
    [ "$(code $w)" = 507 ] || fail "$w on a full disk: $(code $w), want 507 ($(head -c 300 "$T/$w.body"))"
done
has upload '服务器存储空间已满'
has form '服务器存储空间已满'; has form 'id="entry"'; has form "$NOTE"; has form 'value="5"'
grep -q '"error":"disk_full"' "$T/put.body" || fail "put: JSON code is not disk_full: $(cat "$T/put.body")"
grep -q '"message_zh":"服务器存储空间已满"' "$T/put.body" || fail "put: no Chinese message"
line() {   # NAME 'METHOD PATTERN' TEXT (the session's seen marks aside)
    n=$(grep -v 'marking a session seen' "$T/serve.err" |
        grep -c "req=[0-9]* route=\"$2\" user=admin1 status=[0-9]*: .*$3")
    [ "$n" = 1 ] || fail "$1: $n log lines for $2 with \"$3\", want 1: $(cat "$T/serve.err")"
}
line upload 'POST /years/:year/units/:unit/:phase/:arg/evidence' 'No space left on device'
line form 'POST /years/:year/units/:unit/:phase' 'full'
line put 'PUT /api/v1/years/:year/entries/:unit/:arg/:phase' 'full'
# A read is not refused for its session's seen mark (a hint: logged).
sleep 3
s=$(curl -s -o "$T/body" -w '%{http_code}' --max-time 30 -b "$T/a.jar" "$B/years/2025/units/jd/inspection")
[ "$s" = 200 ] || fail "reading the form on the full disk: $s ($(head -c 300 "$T/body"))"
grep -q 'route="GET /years/:year/units/:unit/:phase" .*disk full while marking a session seen' "$T/serve.err" ||
    fail "the failed seen mark is not logged: $(cat "$T/serve.err")"
# Nothing half-written: no file left beside the stored ones.
ev_after=$(find "$MNT/k.db.data" -type f 2>/dev/null | wc -l)
[ "$ev_after" = "$ev_before" ] || fail "the upload left files: $(find "$MNT/k.db.data" -type f)"

# -- space again: nothing of the refused writes is there, the
# acknowledged one is, and the same requests now pass
rm -f "$MNT/filler"
$K entry list --year 2025 --unit jd --db "$DB" >"$T/entries" 2>&1
grep -q "1.1  inspection  v2  {\"plan\": false}" "$T/entries" ||
    fail "the write acknowledged before the disk filled is lost: $(cat "$T/entries")"
grep -q "$NOTE" "$T/entries" && fail "a refused save reached the store"
grep -q '1.2  inspection  v1 ' "$T/entries" || fail "a refused PUT reached the store"
$K check --db "$DB" >"$T/check.out" 2>&1 || fail "kaohe check after the disk was full: $(cat "$T/check.out")"
upload
form
put put 1.2 1 '{"report":"on_time"}'
[ "$(code upload)" = 303 ] || fail "upload after space was freed: $(code upload)"
[ "$(code form)" = 303 ] || fail "form after space was freed: $(code form) $(head -c 300 "$T/form.body")"
[ "$(code put)" = 200 ] || fail "put after space was freed: $(code put) $(cat "$T/put.body")"
kill "$PID" 2>/dev/null; wait "$PID" 2>/dev/null; PID=
$K check --db "$DB" >"$T/check.out" 2>&1 || fail "kaohe check at the end: $(cat "$T/check.out")"
$K entry list --year 2025 --unit jd --db "$DB" 2>&1 | grep -q "$NOTE" || fail "the form's retry is not stored"

[ $fails -eq 0 ] && echo "ok: web disk full" && exit 0
echo "$fails failure(s)"
exit 1
