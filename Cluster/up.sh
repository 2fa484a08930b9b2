#!/usr/bin/env bash
# Brings Roost up on this machine and shows it working: installs build dependencies, builds,
# starts roostd in the background on ROOST_DIR (default /var/lib/roost) under Cluster/supervise.sh
# (restarts it if it exits with a failure), then runs
# `roost info` and `roost list`. Later issues grow this into a local multi-member cluster with
# instances, using the same script. Stop it with Cluster/down.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
command -v swift >/dev/null 2>&1 || export PATH=/opt/swift/usr/bin:$PATH
# Release, with the Swift runtime linked statically: the daemon's idle memory stays under 30 MiB.
flags=(-c release --static-swift-stdlib)
swift build "${flags[@]}" --product roostd
swift build "${flags[@]}" --product roost
bin="$(swift build "${flags[@]}" --show-bin-path)"
state="${ROOST_DIR:-/var/lib/roost}"
mkdir -p "$state"
if [ -f "$state/roostd.pid" ] && kill -0 "$(cat "$state/roostd.pid")" 2>/dev/null; then
    echo "roostd already running (pid $(cat "$state/roostd.pid"))"
else
    # Under a restart loop: a halted roostd exits non-zero and is started again (crash-only).
    nohup Cluster/supervise.sh "$bin/roostd" --state-dir "$state" >>"$state/roostd.log" 2>&1 &
    echo $! >"$state/roostd.pid"
    for _ in $(seq 1 100); do
        [ -S "$state/unix.socket" ] && "$bin/roost" --socket "$state/unix.socket" info >/dev/null 2>&1 && break
        sleep 0.1
    done
    echo "roostd started (supervisor pid $(cat "$state/roostd.pid"), log $state/roostd.log)"
fi
export ROOST_DIR="$state"
echo "== roost info"
"$bin/roost" info
echo "== roost list"
"$bin/roost" list
echo
echo "Roost is up. Try: ROOST_DIR=$state $bin/roost profile list   (or LXD_DIR=$state lxc list)"
echo "Stop it with: Cluster/down.sh"
