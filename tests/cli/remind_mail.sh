#!/bin/sh
# tests/cli/remind_mail.sh KAOHE - `kaohe remind` and its optional mail:
# the reminders are made once; --send-mail sends each message not mailed
# yet to its user's address from the mail config, over SMTP to a sink this
# test starts on a loopback port (a few lines of python3 socketserver),
# with a UTF-8 subject (RFC 2047) and body; users without an address get
# no mail; a second run sends nothing; a bad config is refused with its
# line and sends nothing; mail is off unless asked for.
set -u
K=$1
T=$(mktemp -d)
SINK=
cleanup() {
    [ -n "$SINK" ] && kill "$SINK" 2>/dev/null && wait "$SINK" 2>/dev/null
    rm -rf "$T"
}
trap cleanup EXIT
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

export KAOHE_USER=setup KAOHE_NOW=1767225600   # 2026-01-01 08:00 Beijing
export KAOHE_DB=$T/t.db
{
    $K init &&
    $K rubric import tests/store/data/mini-rubric.yaml &&
    $K year open 2025 --rubric mini-2025 &&
    $K import assessment tests/store/data/mini-2025.yaml &&
    $K year advance 2025 &&
    $K year dates 2025 --selfcheck-due 2026-01-04 --inspect-from 2026-01-05 \
        --inspect-to 2026-01-20 --review-due 2026-02-01 --publish 2026-02-10 &&
    echo password123 | $K user add jd1 --role unit --unit jd &&
    echo password123 | $K user add xx1 --role unit --unit xx
} >"$T/setup.log" 2>&1 || { cat "$T/setup.log"; echo "FAIL: setup"; exit 1; }

mkdir "$T/mail"
cat >"$T/sink.py" <<'PY'
import os, socketserver, sys
out = sys.argv[1]
class H(socketserver.StreamRequestHandler):
    def handle(self):
        w = lambda s: self.wfile.write((s + "\r\n").encode())
        w("220 sink")
        rcpt = []
        while True:
            line = self.rfile.readline()
            if not line:
                return
            cmd = line.decode("utf-8", "replace").strip()
            u = cmd.upper()
            if u.startswith("RCPT TO:"):
                rcpt.append(cmd[8:]); w("250 ok")
            elif u == "DATA":
                w("354 go"); body = b""
                while True:
                    l = self.rfile.readline()
                    if not l or l in (b".\r\n", b".\n"):
                        break
                    body += l
                n = len(os.listdir(out))
                with open(os.path.join(out, "mail.%d" % n), "wb") as f:
                    f.write(("RCPT " + " ".join(rcpt) + "\n").encode() + body)
                rcpt = []; w("250 queued")
            elif u == "QUIT":
                w("221 bye"); return
            else:
                w("250 ok")
socketserver.TCPServer.allow_reuse_address = True
s = socketserver.TCPServer(("127.0.0.1", 0), H)
with open(sys.argv[2] + ".tmp", "w") as f:
    f.write(str(s.server_address[1]))
os.rename(sys.argv[2] + ".tmp", sys.argv[2])
s.serve_forever()
PY
python3 "$T/sink.py" "$T/mail" "$T/port" &
SINK=$!
i=0
while [ ! -f "$T/port" ]; do
    i=$((i + 1)); [ $i -gt 100 ] && { echo "FAIL: the sink did not start"; exit 1; }
    sleep 0.1
done
PORT=$(cat "$T/port")
cat >"$T/mail.conf" <<EOF2
# kaohe mail
smtp_url = smtp://127.0.0.1:$PORT
from = kaohe@example.edu.cn
address.jd1 = jd1@example.edu.cn
EOF2

# off by default: reminders only
out=$($K remind 2>&1) || fail "remind: $out"
[ "$out" = "2 reminders added" ] || fail "first run: $out"
[ -z "$(ls "$T/mail")" ] || fail "mail sent without --send-mail"
# a bad config: refused with its line, nothing sent
printf 'smtp_url = smtp://127.0.0.1:%s\nfrom = kaohe@example.edu.cn\nadress.jd1 = x@y.cn\naddress.xx1 = not-an-address\n' "$PORT" >"$T/bad.conf"
$K remind --send-mail --mail-config "$T/bad.conf" >"$T/out" 2>"$T/err"
[ $? = 1 ] || fail "bad config not refused"
grep -q "bad.conf:3:1: adress.jd1: unknown key" "$T/err" || fail "unknown key not located: $(cat "$T/err")"
grep -q "bad.conf:4:1: xx1: \"not-an-address\" is not a mail address" "$T/err" || fail "bad address not located: $(cat "$T/err")"
[ -z "$(ls "$T/mail")" ] || fail "mail sent with a bad config"
$K remind --send-mail >/dev/null 2>&1; [ $? = 2 ] || fail "--send-mail without a config is not a usage error"
# the mail: jd1 has an address, xx1 none
out=$($K remind --send-mail --mail-config "$T/mail.conf" 2>&1) || fail "send: $out"
printf '%s\n' "$out" | grep -q '^1 messages mailed$' || fail "send: $out"
[ "$(ls "$T/mail" | wc -l)" = 1 ] || fail "expected one mail, got $(ls "$T/mail")"
m=$T/mail/mail.0
grep -q '^RCPT <jd1@example.edu.cn>' "$m" || fail "recipient: $(head -1 "$m")"
python3 - "$m" <<'PY' || fail "the mail's subject or body"
import email, email.header, sys
raw = open(sys.argv[1], "rb").read().split(b"\n", 1)[1]
msg = email.message_from_bytes(raw)
subj = str(email.header.make_header(email.header.decode_header(msg["Subject"])))
assert msg["Subject"].startswith("=?UTF-8?B?"), msg["Subject"]
assert subj == "考核提醒 2025", subj
assert msg.get_content_charset() == "utf-8"
body = msg.get_payload(decode=True).decode("utf-8")
assert "自查截止" in body and "还有 3 天" in body, body
PY
# once: nothing left to send
out=$($K remind --send-mail --mail-config "$T/mail.conf" 2>&1) || fail "again: $out"
printf '%s\n' "$out" | grep -q '^0 reminders added$' || fail "again: $out"
printf '%s\n' "$out" | grep -q '^0 messages mailed$' || fail "again: $out"
[ "$(ls "$T/mail" | wc -l)" = 1 ] || fail "a message mailed twice"

[ $fails -eq 0 ] && echo "ok" || exit 1
