#!/usr/bin/env bash
# Stops the roostd that Cluster/up.sh started, keeping its state: SIGTERM to the recorded PID
# (the supervise.sh loop, which passes it on to roostd and exits once roostd has shut down).
set -euo pipefail
state="${ROOST_DIR:-/var/lib/roost}"
pidfile="$state/roostd.pid"
[ -f "$pidfile" ] || exit 0
pid="$(cat "$pidfile")"
# Only a live supervise.sh of ours: a stale PID may belong to another process by now.
if ! kill -0 "$pid" 2>/dev/null || ! tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q "supervise.sh"; then
    rm -f "$pidfile"
    exit 0
fi
kill -TERM "$pid"
# roostd gives in-flight requests up to timeouts.shutdown_seconds (10 s by default).
for _ in $(seq 1 600); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
done
if kill -0 "$pid" 2>/dev/null; then
    echo "roostd (supervisor pid $pid) is still shutting down after 60 s; $pidfile kept" >&2
    exit 1
fi
rm -f "$pidfile"
echo "roostd (supervisor pid $pid) stopped"
