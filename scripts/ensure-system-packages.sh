#!/usr/bin/env bash
# Installs the system programs the tests need and npm cannot provide, so that the README's test command
# and .ci/run do all of the set-up on a fresh Debian machine.
#
# Today that is Redis (`redis-server` and `redis-cli`, Debian's `redis-server` package, 7.x): the tests of
# @chat/store-redis and of the scale-out harness start real Redis servers and clusters of their own; and
# the `openssl` command line (Debian's `openssl` package): the TLS tests make throwaway certificates with it;
# and `tmux` (Debian's `tmux` package): the terminal tests of `chat-cli connect` drive the prompt in a real
# pseudo-terminal with it.
#
# When a program is missing and cannot be installed, this fails with one line saying what to do. It never
# skips: a test suite that silently leaves out its Redis tests would report green on a machine that proves
# nothing.
set -euo pipefail

missing=()
packages=()
if ! command -v redis-server >/dev/null 2>&1 || ! command -v redis-cli >/dev/null 2>&1; then
  command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
  command -v redis-cli >/dev/null 2>&1 || missing+=(redis-cli)
  packages+=(redis-server)
fi
command -v openssl >/dev/null 2>&1 || { missing+=(openssl); packages+=(openssl); }
[ -x /usr/bin/tmux ] || { missing+=(tmux); packages+=(tmux); }
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

fail() {
  echo "ensure-system-packages: $1" >&2
  exit 1
}

if ! command -v apt-get >/dev/null 2>&1; then
  fail "${missing[*]} not on PATH and apt-get is not available: install them yourself (Debian packages: ${packages[*]})"
fi

# Root runs apt-get directly; anyone else needs password-less sudo (a prompt would hang CI).
if [ "$(id -u)" -eq 0 ]; then
  as_root=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  as_root=(sudo -n)
else
  fail "${missing[*]} not on PATH and not root: run 'sudo apt-get update && sudo apt-get install -y ${packages[*]}'"
fi

echo "ensure-system-packages: installing ${packages[*]} (missing: ${missing[*]})" >&2
export DEBIAN_FRONTEND=noninteractive
"${as_root[@]}" apt-get update \
  || fail "apt-get update failed: cannot install ${packages[*]}"
"${as_root[@]}" apt-get install -y --no-install-recommends "${packages[@]}" \
  || fail "apt-get install ${packages[*]} failed"

command -v redis-server >/dev/null 2>&1 || fail "redis-server still not on PATH after installing it"
command -v redis-cli >/dev/null 2>&1 || fail "redis-cli still not on PATH after installing redis-server"
command -v openssl >/dev/null 2>&1 || fail "openssl still not on PATH after installing it"
[ -x /usr/bin/tmux ] || fail "/usr/bin/tmux still missing after installing tmux"
echo "ensure-system-packages: $(redis-server --version); $(openssl version)" >&2
