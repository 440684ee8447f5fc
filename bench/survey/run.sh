#!/bin/sh
# Questionnaire benchmark (bench/survey, issue 13): one `kaohe serve`
# (Release build, build-bench/) takes the answer form of the 10-question
# staff questionnaire from RESPONDENTS (2,000) respondents, each with a
# real one-time code made by `kaohe questionnaire codes`, over CONNS (16)
# keep-alive connections, twice:
#   paced  the target's load: the submissions sent at RATE (300) per
#          second, as the issue asks (>= 300/s with p99 < 100 ms);
#   burst  another 2,000 codes all at once, as fast as the server takes
#          them: the most it does, and its latency when saturated;
# then every code of the paced run again (all must be 410).  With
# BEFORE_BIN=/path/to/kaohe (a build of the code before a change), first
# PAIRS (3) pairs of paced runs, in turn: that binary on its own store,
# then this one on the store of the run, each on a fresh server with
# fresh codes - the before/after figures of one session.  The client
# is bench/survey/client.py (Python threads, one connection each).  The
# reference, in the same run, same client, same connections and pacing:
# GET /login of the same server (its cheapest page).
# Checks: the paced run within a minute at >= 300/s with p99 < 100 ms,
# nothing lost (responses = codes used = tally = submissions), no code
# used twice.  Prints a Markdown section for docs/PERFORMANCE.md (also in
# bench/out/survey.md); exit status 1 when a target is missed.
set -eu
cd "$(dirname "$0")/../.."
. bench/lib.sh
RESPONDENTS=${RESPONDENTS:-2000}
CONNS=${CONNS:-16}
RATE=${RATE:-300}
bench_build bench/survey kaohe
bench_tmp

DB=$T/b.db
setup() { # setup KAOHE DB: a store with one open round for jd
    {
        bench_year "$1" "$2" examples/college-2025.yaml 0 &&
        $1 questionnaire import questionnaires/ideology-2020-staff.yaml --db "$2" &&
        $1 questionnaire round open --year 2025 --questionnaire ideology-2020-staff \
            --audience 教职工 --unit jd --db "$2"
    } >"$T/setup.log" 2>&1 || { cat "$T/setup.log" >&2; exit 1; }
}
mkcodes() { # mkcodes FILE [KAOHE DB]: RESPONDENTS new codes
    left=$RESPONDENTS
    : >"$1"
    while [ "$left" -gt 0 ]; do
        n=$((left > 2000 ? 2000 : left))
        ${2:-$K} questionnaire codes --round 1 --unit jd --count $n --db "${3:-$DB}" | tail -n +2 >>"$1"
        left=$((left - n))
    done
}
start() { bench_serve srv "$1" "$2"; PORT=$PORT_srv; } # start KAOHE DB -> $PORT
stop() { bench_stop srv; }
setup "$K" "$DB"
mkcodes "$T/codes"
mkcodes "$T/burst"
PAIRS=${PAIRS:-3}
BEFORE_BIN=${BEFORE_BIN:-}
PAIRJ=
if [ -n "$BEFORE_BIN" ]; then
    setup "$BEFORE_BIN" "$T/before.db"
    k=1
    while [ $k -le "$PAIRS" ]; do
        mkcodes "$T/before$k" "$BEFORE_BIN" "$T/before.db"
        mkcodes "$T/after$k"
        k=$((k + 1))
    done
fi
# every question answered; q10 a 40-character text
BODY='q1=a&q2=4&q3=12&q4=5&q5=a&q6=4&q7=a&q7=b&q7=d&q8=4&q9=5&q10=%E5%BB%BA%E8%AE%AE%E5%A2%9E%E5%8A%A0%E7%90%86%E8%AE%BA%E5%AD%A6%E4%B9%A0%E7%9A%84%E8%AE%A8%E8%AE%BA%E7%8E%AF%E8%8A%82%EF%BC%8C%E5%A4%9A%E8%81%94%E7%B3%BB%E5%AE%9E%E9%99%85%E3%80%82%E5%BB%BA%E8%AE%AE%E5%A2%9E%E5%8A%A0%E7%90%86%E8%AE%BA%E5%AD%A6%E4%B9%A0%E7%9A%84%E8%AE%A8%E8%AE%BA%E7%8E%AF%E8%8A%82'
C="python3 bench/survey/client.py"
k=1
while [ -n "$BEFORE_BIN" ] && [ $k -le "$PAIRS" ]; do
    echo "bench/survey: pair $k: $RESPONDENTS submissions at $RATE/s, before then after" >&2
    start "$BEFORE_BIN" "$T/before.db"
    A=$($C post 127.0.0.1 "$PORT" "$T/before$k" "$BODY" "$CONNS" "$RATE")
    stop
    start "$K" "$DB"
    B=$($C post 127.0.0.1 "$PORT" "$T/after$k" "$BODY" "$CONNS" "$RATE")
    stop
    PAIRJ="$PAIRJ${PAIRJ:+,}[$A,$B]"
    k=$((k + 1))
done
start "$K" "$DB"
echo "bench/survey: reference GET /login x $RESPONDENTS, paced and burst" >&2
REF=$($C get 127.0.0.1 "$PORT" /login "$RESPONDENTS" "$CONNS" "$RATE")
REFB=$($C get 127.0.0.1 "$PORT" /login "$RESPONDENTS" "$CONNS")
echo "bench/survey: $RESPONDENTS submissions at $RATE/s" >&2
SUB=$($C post 127.0.0.1 "$PORT" "$T/codes" "$BODY" "$CONNS" "$RATE")
echo "bench/survey: $RESPONDENTS submissions at once" >&2
BURST=$($C post 127.0.0.1 "$PORT" "$T/burst" "$BODY" "$CONNS")
echo "bench/survey: every paced code again" >&2
AGAIN=$($C post 127.0.0.1 "$PORT" "$T/codes" "$BODY" "$CONNS")
stop
STORED=$(sqlite3 "$DB" "SELECT COUNT(*) FROM q_response")
USED=$(sqlite3 "$DB" "SELECT COUNT(*) FROM q_code WHERE used = 1")
TALLY=$($K questionnaire tally --round 1 --format json --db "$DB" |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["units"][0]["responses"])')

rc=0
python3 - "$REF" "$REFB" "$SUB" "$BURST" "$AGAIN" "[$PAIRJ]" "$STORED" "$USED" "$TALLY" \
    "$RESPONDENTS" "$CONNS" "$RATE" "$(nproc)" "$(sqlite3 --version | cut -d' ' -f1)" >"$OUT/survey.md" <<'PY' || rc=1
import json, sys
ref, refb, sub, burst, again, pairs = (json.loads(a) for a in sys.argv[1:7])
stored, used, tally, n, conns, rate, cpus, sq = sys.argv[7:15]
n = int(n)
total = (2 + len(pairs)) * n
if pairs:
    print("Before (BEFORE_BIN) and after (this build), in turn, paced at %s/s:" % rate)
    print()
    print("| pair | build | p50 ms | p99 ms | max ms | statuses |")
    print("|---|---|---:|---:|---:|---|")
    for k, (a, b) in enumerate(pairs, 1):
        for name, r in (("before", a), ("after", b)):
            st = ", ".join("%s: %d" % kv for kv in sorted(r["status"].items()))
            print("| %d | %s | %.2f | %.2f | %.2f | %s |" % (
                k, name, r["p50_ms"], r["p99_ms"], r["max_ms"], st))
    med = lambda v: sorted(v)[len(v) // 2]
    print()
    print("Median of the pairs: p50 before %.2f ms, after %.2f ms; p99 before %.2f ms, after %.2f ms." % (
        med([a["p50_ms"] for a, _ in pairs]), med([b["p50_ms"] for _, b in pairs]),
        med([a["p99_ms"] for a, _ in pairs]), med([b["p99_ms"] for _, b in pairs])))
    print()
ok = lambda b: "met" if b else "**missed**"
rows = [("GET /login at %s/s (reference)" % rate, ref),
        ("POST /q/CODE at %s/s, each code once" % rate, sub),
        ("GET /login at once (reference)", refb),
        ("POST /q/CODE at once, each code once", burst),
        ("POST /q/CODE again, the paced codes", again)]
print("| run | requests | seconds | per second | p50 ms | p99 ms | max ms | statuses |")
print("|---|---:|---:|---:|---:|---:|---:|---|")
for name, r in rows:
    st = ", ".join("%s: %d" % kv for kv in sorted(r["status"].items()))
    print("| %s | %d | %.2f | %.0f | %.2f | %.2f | %.2f | %s |" % (
        name, r["requests"], r["seconds"], r["rate"], r["p50_ms"],
        r["p99_ms"], r["max_ms"], st))
print()
t = [("%d submissions within a minute (%.1f s)" % (n, sub["seconds"]), sub["seconds"] <= 60),
     (">= 300 submissions/s (paced %.0f, at once %.0f)" % (sub["rate"], burst["rate"]),
      sub["rate"] >= 295 and burst["rate"] >= 300),
     ("p99 < 100 ms at the target's rate (%.2f)" % sub["p99_ms"], sub["p99_ms"] < 100),
     ("every submission stored: 303 x %d, %d times" % (n, 2 + 2 * len(pairs)),
      sub["status"] == {"303": n} and burst["status"] == {"303": n}
      and all(a["status"] == {"303": n} and b["status"] == {"303": n} for a, b in pairs)),
     ("nothing lost: %s responses, %s codes used, tally %s (of %d)" % (stored, used, tally, total),
      int(stored) == total and int(used) == total and int(tally) == total),
     ("no code used twice: the paced codes again are all 410", again["status"] == {"410": n})]
for name, good in t:
    print("- %s: %s" % (name, ok(good)))
print()
print("%d connections, %s CPUs shared by client and server, SQLite %s." % (int(conns), cpus, sq))
sys.exit(0 if all(g for _, g in t) else 1)
PY
cat "$OUT/survey.md"
exit $rc
