#!/usr/bin/env bash
# Runs every test: installs what the tests need, builds all products (the crash test runs the
# real roostd binary) and a release roost-sim (the Raft simulator's seed sweep and injected-bug
# budgets run it; a debug simulator is far too slow), then runs the Swift Testing suites.
# Run as root from the repository root.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
command -v swift >/dev/null 2>&1 || export PATH=/opt/swift/usr/bin:$PATH
swift build
swift build -c release --product roost-sim
swift test
