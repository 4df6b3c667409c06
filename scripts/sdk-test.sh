#!/usr/bin/env bash
# The sandbox's virtual-network reads and policy check against Microsoft's Python SDKs
# (azure-mgmt-network, azure-mgmt-policyinsights; sandbox/tests/sdk/requirements.txt): starts a
# standalone sandbox (`server sandbox` on a free loopback port, state in memory) as
# scripts/oidc-client-test.sh does, runs sandbox/tests/sdk/arm_reads.py (TAP, so the output ends
# in "# pass N" / "# fail N"), and stops the sandbox. Given SANDBOX_URL, IDENTITY_ENDPOINT and
# IDENTITY_HEADER, it uses that sandbox instead. SERVER_BIN picks the server binary (default
# target/debug/server, built if missing).
set -euo pipefail
cd "$(dirname "$0")/.."

# The SDKs live in a virtual environment of their own under target/, so nothing is installed
# into the machine's Python and a second run reuses it.
venv=target/sdk-venv
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
fi
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check \
  -r sandbox/tests/sdk/requirements.txt
python="$venv/bin/python"

if [ -n "${SANDBOX_URL:-}" ]; then
  exec "$python" sandbox/tests/sdk/arm_reads.py
fi

server="${SERVER_BIN:-target/debug/server}"
if [ ! -x "$server" ]; then
  cargo build -p server
fi

work=$(mktemp -d)
sandbox_pid=""
cleanup() {
  if [ -n "$sandbox_pid" ]; then
    kill "$sandbox_pid" 2>/dev/null || true
    wait "$sandbox_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

RUST_LOG="${RUST_LOG:-warn}" "$server" sandbox --listen 127.0.0.1:0 >"$work/out" 2>"$work/log" &
sandbox_pid=$!

# The command's first line: export ARM_BASE_URL=http://127.0.0.1:PORT IDENTITY_ENDPOINT=… IDENTITY_HEADER=…
settings=""
for _ in $(seq 1 300); do
  settings=$(sed -n 's/^export \(ARM_BASE_URL=.*\)$/\1/p' "$work/out")
  [ -n "$settings" ] && break
  if ! kill -0 "$sandbox_pid" 2>/dev/null; then
    echo "the sandbox did not start:" >&2
    cat "$work/log" >&2
    exit 1
  fi
  sleep 0.1
done
if [ -z "$settings" ]; then
  echo "the sandbox did not print its address in 30 s" >&2
  exit 1
fi
setting() { printf '%s\n' "$settings" | tr ' ' '\n' | sed -n "s/^$1=//p"; }

SANDBOX_URL=$(setting ARM_BASE_URL) IDENTITY_ENDPOINT=$(setting IDENTITY_ENDPOINT) \
  IDENTITY_HEADER=$(setting IDENTITY_HEADER) "$python" sandbox/tests/sdk/arm_reads.py
