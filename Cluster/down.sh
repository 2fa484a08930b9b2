#!/usr/bin/env bash
# Stops the roostd that Cluster/up.sh started, keeping its state: SIGTERM to the recorded PID (the
# supervise.sh loop, which passes it on to roostd and exits once roostd has shut down).
set -euo pipefail
state="${ROOST_DIR:-/var/lib/roost}"
if [ -f "$state/roostd.pid" ] && kill -0 "$(cat "$state/roostd.pid")" 2>/dev/null; then
    pid="$(cat "$state/roostd.pid")"
    kill -TERM "$pid"
    for _ in $(seq 1 300); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    echo "roostd (supervisor pid $pid) stopped"
fi
rm -f "$state/roostd.pid"
