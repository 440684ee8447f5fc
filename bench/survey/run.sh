#!/bin/sh
# Questionnaire benchmark (bench/survey, issue 13): RESPONDENTS (2,000)
# respondents, each with a real one-time code made by `kaohe
# questionnaire codes`, POST the answer form of a 10-question
# questionnaire to one `kaohe serve` (Release build, build-bench/) over
# CONNS (16) keep-alive connections, all at once; then every code is
# POSTed again.  Measured with bench/survey/client.py (Python threads, one
# connection each): submissions per second, p50/p99 latency, statuses.
# The reference, in the same run with the same client and connections:
# GET /login of the same server, as many requests (the cheapest page:
# what the client and HTTP stack cost by themselves).
# Checks the targets: all stored (303 each) within a minute, >= 300
# submissions/s, p99 < 100 ms, nothing lost (responses = codes used =
# RESPONDENTS), no code used twice (the second pass is all 410 and adds
# nothing).  Prints a Markdown section for docs/PERFORMANCE.md (also in
# bench/out/survey.md); exit status 1 when a target is missed.
set -eu
cd "$(dirname "$0")/../.."
RESPONDENTS=${RESPONDENTS:-2000}
CONNS=${CONNS:-16}
BUILD=${BUILD:-build-bench}
JOBS=${JOBS:-2}
OUT=bench/out
export KAOHE_USER=bench
mkdir -p "$OUT"

echo "bench/survey: building (Release, $BUILD/)" >&2
cmake -S . -B "$BUILD" -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF -DKH_WERROR=OFF \
    >/dev/null
cmake --build "$BUILD" -j "$JOBS" --target kaohe >/dev/null
K=$BUILD/kaohe
T=$(mktemp -d)
PID=
cleanup() { [ -n "$PID" ] && kill "$PID" 2>/dev/null && wait "$PID" 2>/dev/null; rm -rf "$T"; }
trap cleanup EXIT INT TERM

DB=$T/b.db
{
    $K init --db "$DB"
    $K rubric import rubrics/ideology-2020.yaml --db "$DB"
    $K year open 2025 --rubric ideology-2020 --db "$DB"
    $K import assessment examples/college-2025.yaml --db "$DB"
    $K questionnaire import questionnaires/ideology-2020-staff.yaml --db "$DB"
    $K questionnaire round open --year 2025 --questionnaire ideology-2020-staff \
        --audience 教职工 --unit jd --db "$DB"
} >"$T/setup.log" 2>&1 || { cat "$T/setup.log" >&2; exit 1; }
left=$RESPONDENTS
: >"$T/codes"
while [ "$left" -gt 0 ]; do
    n=$((left > 2000 ? 2000 : left))
    $K questionnaire codes --round 1 --unit jd --count $n --db "$DB" | tail -n +2 >>"$T/codes"
    left=$((left - n))
done

$K serve --db "$DB" --listen 127.0.0.1:0 >"$T/serve.log" 2>"$T/serve.err" &
PID=$!
i=0
while ! grep -q listening "$T/serve.log" 2>/dev/null; do
    i=$((i + 1)); [ $i -gt 100 ] && { cat "$T/serve.err" >&2; exit 1; }; sleep 0.1
done
PORT=$(sed -n 's/.*127\.0\.0\.1:\([0-9]*\).*/\1/p' "$T/serve.log")
# every question answered; q10 a 40-character text
BODY='q1=a&q2=4&q3=12&q4=5&q5=a&q6=4&q7=a&q7=b&q7=d&q8=4&q9=5&q10=%E5%BB%BA%E8%AE%AE%E5%A2%9E%E5%8A%A0%E7%90%86%E8%AE%BA%E5%AD%A6%E4%B9%A0%E7%9A%84%E8%AE%A8%E8%AE%BA%E7%8E%AF%E8%8A%82%EF%BC%8C%E5%A4%9A%E8%81%94%E7%B3%BB%E5%AE%9E%E9%99%85%E3%80%82%E5%BB%BA%E8%AE%AE%E5%A2%9E%E5%8A%A0%E7%90%86%E8%AE%BA%E5%AD%A6%E4%B9%A0%E7%9A%84%E8%AE%A8%E8%AE%BA%E7%8E%AF%E8%8A%82'
C="python3 bench/survey/client.py"
echo "bench/survey: reference GET /login x $RESPONDENTS" >&2
REF=$($C get 127.0.0.1 "$PORT" /login "$RESPONDENTS" "$CONNS")
echo "bench/survey: $RESPONDENTS submissions" >&2
SUB=$($C post 127.0.0.1 "$PORT" "$T/codes" "$BODY" "$CONNS")
echo "bench/survey: every code again" >&2
AGAIN=$($C post 127.0.0.1 "$PORT" "$T/codes" "$BODY" "$CONNS")
kill "$PID"; wait "$PID" 2>/dev/null || true; PID=
STORED=$(sqlite3 "$DB" "SELECT COUNT(*) FROM q_response")
USED=$(sqlite3 "$DB" "SELECT COUNT(*) FROM q_code WHERE used = 1")
TALLY=$($K questionnaire tally --round 1 --format json --db "$DB" |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["units"][0]["responses"])')

python3 - "$REF" "$SUB" "$AGAIN" "$STORED" "$USED" "$TALLY" "$RESPONDENTS" "$CONNS" \
    "$(nproc)" "$(sqlite3 --version | cut -d' ' -f1)" >"$OUT/survey.md" <<'PY'
import json, sys
ref, sub, again = (json.loads(a) for a in sys.argv[1:4])
stored, used, tally, n, conns, cpus, sq = sys.argv[4:11]
n = int(n)
ok = lambda b: "met" if b else "**missed**"
rows = [("GET /login (reference)", ref), ("POST /q/CODE, each code once", sub),
        ("POST /q/CODE, each code again", again)]
print("| run | requests | seconds | per second | p50 ms | p99 ms | max ms | statuses |")
print("|---|---:|---:|---:|---:|---:|---:|---|")
for name, r in rows:
    st = ", ".join("%s: %d" % kv for kv in sorted(r["status"].items()))
    print("| %s | %d | %.2f | %.0f | %.2f | %.2f | %.2f | %s |" % (
        name, r["requests"], r["seconds"], r["rate"], r["p50_ms"],
        r["p99_ms"], r["max_ms"], st))
print()
t = [("all %d within a minute" % n, sub["seconds"] <= 60),
     (">= 300 submissions/s (%.0f)" % sub["rate"], sub["rate"] >= 300),
     ("p99 < 100 ms (%.2f)" % sub["p99_ms"], sub["p99_ms"] < 100),
     ("every submission stored: 303 x %d" % n, sub["status"] == {"303": n}),
     ("nothing lost: %s responses, %s codes used, tally %s" % (stored, used, tally),
      int(stored) == n and int(used) == n and int(tally) == n),
     ("no code used twice: second pass all 410", again["status"] == {"410": n})]
for name, good in t:
    print("- %s: %s" % (name, ok(good)))
print()
print("%d connections, %s CPUs shared by client and server, SQLite %s." % (int(conns), cpus, sq))
sys.exit(0 if all(g for _, g in t) else 1)
PY
rc=$?
cat "$OUT/survey.md"
exit $rc
