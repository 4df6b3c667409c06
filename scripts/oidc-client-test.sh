#!/usr/bin/env bash
# The sandbox's OpenID provider against an independent certified client (npm openid-client):
# starts a standalone sandbox (`server sandbox` on a free loopback port, state in memory), runs
# end2end/oidc with node's test runner (TAP, so the output ends in "# pass N" / "# fail N"),
# and stops the sandbox. Needs `npm install` at the repository root.
# SERVER_BIN picks the server binary (default target/debug/server, built if missing).
set -euo pipefail
cd "$(dirname "$0")/.."

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

# The command's first line: export ARM_BASE_URL=http://127.0.0.1:PORT IDENTITY_ENDPOINT=… …
url=""
for _ in $(seq 1 300); do
  url=$(sed -n 's/^export ARM_BASE_URL=\([^ ]*\).*/\1/p' "$work/out")
  [ -n "$url" ] && break
  if ! kill -0 "$sandbox_pid" 2>/dev/null; then
    echo "the sandbox did not start:" >&2
    cat "$work/log" >&2
    exit 1
  fi
  sleep 0.1
done
if [ -z "$url" ]; then
  echo "the sandbox did not print its address in 30 s" >&2
  exit 1
fi

SANDBOX_URL="$url" node --test --test-reporter=tap end2end/oidc/sandbox_provider.test.mjs
