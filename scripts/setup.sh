#!/usr/bin/env bash
# scripts/setup.sh: installs what gpusim needs (Debian 12 packages, as root or via
# sudo) and builds it into build/. Safe to run again; installs only what is missing.
set -eu
cd "$(dirname "$0")/.."
PKGS="gcc meson ninja-build pkg-config libiniparser-dev libsqlite3-dev libjson-c-dev libcmocka-dev sqlite3 python3 python3-matplotlib clang libclang-rt-14-dev valgrind libopenmpi-dev openmpi-bin"
missing=""
for p in $PKGS; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
  echo "setup: installing$missing" >&2
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get install -y -q $missing >/dev/null 2>&1 || { $SUDO apt-get update -q >/dev/null && $SUDO apt-get install -y -q $missing >/dev/null; }
fi
[ -d build ] || meson setup build --buildtype=release >/dev/null
ninja -C build >/dev/null
echo "setup: built build/sim/gpusim" >&2
