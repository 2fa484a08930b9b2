#!/usr/bin/env bash
# Installs the Debian packages Roost builds and tests with, only those missing (idempotent).
# Build: libsqlite3-dev (the cluster database), libssl-dev, libseccomp-dev, libcap-dev,
# libnl-3-dev/libnl-route-3-dev (system libraries of the container runtime).
# Tests: lxd-client (the stock `lxc` client the compatibility tests drive).
set -euo pipefail
packages=(libsqlite3-dev libssl-dev libseccomp-dev libcap-dev libnl-3-dev libnl-route-3-dev lxd-client)
missing=()
for package in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ "${#missing[@]}" -gt 0 ]; then
    echo "Installing: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
