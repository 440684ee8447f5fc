#!/bin/sh
# tests/e2e/run.sh KAOHE SCREENS [SCRIPT] - one end-to-end browser test:
# tests/e2e/SCRIPT.js (year.js, the default; fullyear.js the continuous
# year of issue 12, sched, claims, rectify, onsite, forms, admin, print,
# survey, ctlnames), each on the helpers of tests/e2e/lib.js: playwright-core from
# tests/e2e/package-lock.json driving Debian's chromium.  Fails, never
# skips, when node, npm or chromium is missing (scripts/deps.sh installs
# them).  Run from the repository root.
set -u
K=$1
SCREENS=$2
D=tests/e2e
for tool in node npm; do
    command -v $tool >/dev/null 2>&1 ||
        { echo "FAIL: $tool is missing (make deps installs Debian's nodejs and npm)"; exit 1; }
done
[ -x "${KH_CHROMIUM:-/usr/bin/chromium}" ] ||
    { echo "FAIL: ${KH_CHROMIUM:-/usr/bin/chromium} is missing (apt-get install chromium)"; exit 1; }
if [ ! -f $D/node_modules/playwright-core/package.json ]; then
    # One install at a time (CTest runs two browser tests at once and
    # `npm ci` starts by removing node_modules); offline first: a machine
    # that ran this before has the package cached.
    (
        flock 9 || exit 1
        [ -f $D/node_modules/playwright-core/package.json ] && exit 0
        cd $D && { npm ci --offline --no-audit --no-fund >/dev/null 2>&1 ||
                   npm ci --no-audit --no-fund; }
    ) 9>"${TMPDIR:-/tmp}/kaohe-e2e-npm.lock" ||
        { echo "FAIL: npm ci in $D"; exit 1; }
fi
# The server under test may be the ASan build: leaks are checked at its exit.
exec node $D/${3:-year}.js "$K" "$SCREENS"
