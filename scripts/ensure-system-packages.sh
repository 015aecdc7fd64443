#!/usr/bin/env bash
# Installs the system programs the tests need and npm cannot provide, so that the README's test command
# and .ci/run do all of the set-up on a fresh Debian machine.
#
# Today that is Redis (`redis-server` and `redis-cli`, Debian's `redis-server` package, 7.x): the tests of
# @chat/store-redis and of the scale-out harness start real Redis servers and clusters of their own.
#
# When a program is missing and cannot be installed, this fails with one line saying what to do. It never
# skips: a test suite that silently leaves out its Redis tests would report green on a machine that proves
# nothing.
set -euo pipefail

missing=()
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
command -v redis-cli >/dev/null 2>&1 || missing+=(redis-cli)
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

fail() {
  echo "ensure-system-packages: $1" >&2
  exit 1
}

if ! command -v apt-get >/dev/null 2>&1; then
  fail "${missing[*]} not on PATH and apt-get is not available: install Redis 7 (redis-server, redis-cli) yourself"
fi

# Root runs apt-get directly; anyone else needs password-less sudo (a prompt would hang CI).
if [ "$(id -u)" -eq 0 ]; then
  as_root=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  as_root=(sudo -n)
else
  fail "${missing[*]} not on PATH and not root: run 'sudo apt-get update && sudo apt-get install -y redis-server'"
fi

echo "ensure-system-packages: installing redis-server (missing: ${missing[*]})" >&2
export DEBIAN_FRONTEND=noninteractive
"${as_root[@]}" apt-get update \
  || fail "apt-get update failed: cannot install redis-server"
"${as_root[@]}" apt-get install -y --no-install-recommends redis-server \
  || fail "apt-get install redis-server failed"

command -v redis-server >/dev/null 2>&1 || fail "redis-server still not on PATH after installing it"
command -v redis-cli >/dev/null 2>&1 || fail "redis-cli still not on PATH after installing redis-server"
echo "ensure-system-packages: $(redis-server --version)" >&2
