#!/usr/bin/env bash
# Keeps one roostd running, as systemd does with Config/roostd.service on a real host.
#
# roostd is crash-only: when its state path halts (a failed fsync, a full disk, an apply that
# threw) it exits with a failure status, and a restart replays the log and settles what was in
# flight. This loop restarts it after a failure, waiting 1, 2, 4 ... 30 s between attempts (the
# wait starts over after a run of 60 s or more). A clean exit (status 0, after SIGTERM) ends the
# loop. SIGTERM sent to this script (and SIGINT when it runs in the foreground; a background
# job started by a script ignores SIGINT) is passed on to roostd, and the script exits with
# roostd's status.
#
# Usage: Cluster/supervise.sh PATH-TO-ROOSTD [ROOSTD-ARGS...]
set -uo pipefail
child=0
stopping=0
forward() {
    stopping=1
    if [ "$child" -ne 0 ]; then kill -TERM "$child" 2>/dev/null || true; fi
}
trap forward TERM INT

# Waits for $child and sets $status to its exit status. A trapped signal interrupts `wait`
# (status > 128) while the child is still shutting down: wait again. Once the child is gone,
# bash still holds its status, so a final `wait` returns it even if the signal raced the exit.
wait_child() {
    local result
    while :; do
        result=0
        wait "$child" || result=$?
        if [ "$result" -le 128 ] || ! kill -0 "$child" 2>/dev/null; then break; fi
    done
    if [ "$result" -gt 128 ]; then
        local again=0
        wait "$child" 2>/dev/null || again=$?
        if [ "$again" -ne 127 ]; then result=$again; fi
    fi
    status=$result
}

delay=1
while :; do
    if [ "$stopping" -eq 1 ]; then exit 0; fi
    started=$(date +%s)
    "$@" &
    child=$!
    # A signal that arrived between the check above and `child=$!` found no child to forward to.
    if [ "$stopping" -eq 1 ]; then kill -TERM "$child" 2>/dev/null || true; fi
    wait_child
    child=0
    if [ "$stopping" -eq 1 ] || [ "$status" -eq 0 ]; then exit "$status"; fi
    ran=$(($(date +%s) - started))
    if [ "$ran" -ge 60 ]; then delay=1; fi
    echo "$(date -u +%FT%TZ) supervise: roostd exited with status $status after ${ran}s; restarting in ${delay}s" >&2
    sleep "$delay" &
    child=$!
    wait "$child" 2>/dev/null || true
    child=0
    delay=$((delay * 2 > 30 ? 30 : delay * 2))
done
