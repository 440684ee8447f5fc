#!/bin/sh
# scripts/fresh-debian.sh [ROOT] - proves the repository's contract on a
# fresh Debian 12: a minbase bookworm root (debootstrap) with this
# repository cloned into /root/kaohe, where `make demo` and then
# `make check` run as root inside chroot with only PATH, HOME and
# LANG=C.UTF-8 set, as a new admin would.  Not part of `make check` (an
# hour or more: apt downloads, two builds, every test).  Run as root on a
# Debian host from the repository: `sh scripts/fresh-debian.sh
# /var/tmp/kaohe-fresh`.  ROOT is made when absent (about 200 MB, then
# about 3 GB once the packages are in); an existing ROOT is reused, so a
# second run skips debootstrap and the downloads (delete it for a truly
# fresh one).  The logs land in ROOT/root/fresh-*.log, the timings on
# standard output.
#   KH_FRESH_MIRROR  the Debian mirror (http://deb.debian.org/debian)
#   KH_FRESH_STEPS   which steps to run (default "demo check")
#   KH_FRESH_REUSE   1: keep the previous clone's build trees
#   KH_FRESH_CHECK   ctest arguments for `make check` (CTEST_ARGS), e.g.
#                    "-R '^e2e|^fuzz'" for two groups (quote a regex with
#                    | or parentheses; no $: make expands it); the default
#                    runs them all
# The mounts (/proc, /sys, /dev, /dev/pts, /dev/shm) are undone on any
# exit, and processes left running in ROOT (a server a failed test
# started) are ended first, each by its id.
set -eu
[ "$(id -u)" = 0 ] || { echo "fresh-debian: run as root" >&2; exit 2; }
SRC=$(cd "$(dirname "$0")/.." && pwd)
ROOT=${1:-/var/tmp/kaohe-fresh}
# An absolute, resolved path: processes are found by their root directory
# (/proc/PID/root), and "/" would name every process on the machine.
mkdir -p "$ROOT"
ROOT=$(cd "$ROOT" && pwd -P)
[ "$ROOT" != / ] || { echo "fresh-debian: ROOT may not be /" >&2; exit 2; }
MIRROR=${KH_FRESH_MIRROR:-http://deb.debian.org/debian}
STEPS=${KH_FRESH_STEPS:-demo check}
PORT=8080   # scripts/demo.sh serves there

stamp() { date -u +%H:%M:%S; }
say() { echo "fresh-debian $(stamp): $*"; }

# Processes whose root directory is ROOT (left by a failed step).
inside() {
    for p in /proc/[0-9]*; do
        r=$(readlink "$p/root" 2>/dev/null) || continue
        [ "$r" != "$ROOT" ] || echo "${p#/proc/}"
    done
    return 0
}
cleanup() {
    set +e
    pids=$(inside)
    if [ -n "$pids" ]; then
        say "ending processes left in $ROOT: $pids"
        # shellcheck disable=SC2086
        kill $pids 2>/dev/null || :
        sleep 3
        pids=$(inside)
        # shellcheck disable=SC2086
        [ -z "$pids" ] || kill -9 $pids 2>/dev/null || :
    fi
    for m in dev/shm dev/pts dev sys proc; do
        while mountpoint -q "$ROOT/$m"; do
            umount "$ROOT/$m" 2>/dev/null || umount -l "$ROOT/$m" || break
        done
    done
    set -e
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

if [ ! -x "$ROOT/bin/sh" ]; then
    command -v debootstrap >/dev/null 2>&1 || {
        apt-get update -qq && apt-get install -y -qq debootstrap; }
    say "debootstrap --variant=minbase bookworm $ROOT"
    t0=$(date +%s)
    debootstrap --variant=minbase bookworm "$ROOT" "$MIRROR" >"$ROOT.debootstrap.log" 2>&1 ||
        { tail -20 "$ROOT.debootstrap.log"; exit 1; }
    # What the Debian installer writes: the release, its updates and the
    # security archive (chromium is updated only there).
    cat >"$ROOT/etc/apt/sources.list" <<EOF
deb $MIRROR bookworm main
deb $MIRROR bookworm-updates main
deb http://deb.debian.org/debian-security bookworm-security main
EOF
    say "debootstrap took $(( $(date +%s) - t0 )) s"
fi
cp /etc/resolv.conf "$ROOT/etc/resolv.conf"
cleanup    # the mounts of a run that was killed too hard for its trap

mount -t proc proc "$ROOT/proc"
mount -t sysfs sys "$ROOT/sys"
mount --bind /dev "$ROOT/dev"
mount --bind /dev/pts "$ROOT/dev/pts"
mount -t tmpfs -o mode=1777 shm "$ROOT/dev/shm"

# The repository as committed (HEAD), cloned afresh each run (a previous
# clone's build trees go with it); KH_FRESH_REUSE=1 moves the existing
# clone to HEAD instead and keeps its build trees (faster, less fresh).
if [ "${KH_FRESH_REUSE-}" = 1 ] && [ -d "$ROOT/root/kaohe/.git" ]; then
    git -C "$ROOT/root/kaohe" fetch -q "$SRC" HEAD
    git -C "$ROOT/root/kaohe" reset -q --hard FETCH_HEAD
else
    rm -rf "$ROOT/root/kaohe"
    git clone -q "$SRC" "$ROOT/root/kaohe"
fi

# run LOG COMMAND - COMMAND in the chroot's /root/kaohe, with what a fresh
# root login has and nothing of this shell's environment.
run() {
    log=$1; shift
    env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
        HOME=/root LANG=C.UTF-8 TERM=dumb \
        chroot "$ROOT" sh -c "cd /root/kaohe && $*" >"$ROOT/root/$log" 2>&1
}

# The two packages the README asks a new admin to install by hand: make
# (to run `make demo`; minbase has none) and git (to clone).
say "apt-get install make git"
run fresh-apt.log "apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends make git ca-certificates" ||
    { tail -20 "$ROOT/root/fresh-apt.log"; exit 1; }

# A site's own certificate authorities (/usr/local/share/ca-certificates,
# e.g. a TLS-inspecting proxy's): the admin of a machine on that network
# installs them too, or npm cannot fetch playwright-core
# (SELF_SIGNED_CERT_IN_CHAIN).  Public certificates only.
if ls /usr/local/share/ca-certificates/*.crt >/dev/null 2>&1; then
    say "the host's local CAs: $(cd /usr/local/share/ca-certificates && echo *.crt)"
    mkdir -p "$ROOT/usr/local/share/ca-certificates"
    cp /usr/local/share/ca-certificates/*.crt "$ROOT/usr/local/share/ca-certificates/"
    run fresh-ca.log update-ca-certificates || { cat "$ROOT/root/fresh-ca.log"; exit 1; }
fi

status=0
for step in $STEPS; do
    t0=$(date +%s)
    case $step in
    demo)
        # `make demo` ends by serving: it is up when the page answers.
        if ss -ltn 2>/dev/null | grep -q "127.0.0.1:$PORT \|\*:$PORT \|0.0.0.0:$PORT "; then
            say "port $PORT is in use on this host: stop what listens there first"
            status=1; break
        fi
        say "make demo (log $ROOT/root/fresh-demo.log)"
        run fresh-demo.log make demo &
        demo=$!
        up=0
        while kill -0 $demo 2>/dev/null; do
            if grep -q 'Ctrl-C stops the server' "$ROOT/root/fresh-demo.log" 2>/dev/null &&
               chroot "$ROOT" curl -fsS -o /dev/null "http://127.0.0.1:$PORT/login" 2>/dev/null; then
                up=1; break
            fi
            sleep 5
        done
        for p in $(inside); do
            case $(tr '\0' ' ' 2>/dev/null <"/proc/$p/cmdline") in
            *"kaohe serve"*) kill "$p" ;;
            esac
        done
        wait $demo || :
        if [ $up = 1 ]; then
            say "make demo: served on $PORT after $(( $(date +%s) - t0 )) s"
        else
            say "make demo FAILED after $(( $(date +%s) - t0 )) s:"
            tail -30 "$ROOT/root/fresh-demo.log"
            status=1; break
        fi
        ;;
    check)
        cmd="make check"
        [ -z "${KH_FRESH_CHECK-}" ] || cmd="make check CTEST_ARGS=\"$KH_FRESH_CHECK\""
        say "make check (log $ROOT/root/fresh-check.log)"
        if run fresh-check.log "$cmd"; then
            say "make check passed in $(( $(date +%s) - t0 )) s"
        else
            say "make check FAILED after $(( $(date +%s) - t0 )) s:"
            grep -E 'tests passed|tests failed|^\s+[0-9]+ - |Error|error:' "$ROOT/root/fresh-check.log" | tail -60
            status=1
        fi
        ;;
    *)
        say "unknown step $step"; status=2 ;;
    esac
done
exit $status
