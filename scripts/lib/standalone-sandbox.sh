# Sourced by the scripts that test the sandbox with an independent client: starts a standalone
# sandbox (`server sandbox` on a free loopback port, state in memory) and stops it when the
# calling script exits. Afterwards `sandbox_setting NAME` prints one of the settings the sandbox
# announced on its first line (ARM_BASE_URL, IDENTITY_ENDPOINT, IDENTITY_HEADER).
# SERVER_BIN picks the server binary (default target/debug/server, built if missing).

server="${SERVER_BIN:-target/debug/server}"
if [ ! -x "$server" ]; then
  cargo build -p server
fi

sandbox_work=$(mktemp -d)
sandbox_pid=""
stop_standalone_sandbox() {
  if [ -n "$sandbox_pid" ]; then
    kill "$sandbox_pid" 2>/dev/null || true
    wait "$sandbox_pid" 2>/dev/null || true
  fi
  rm -rf "$sandbox_work"
}
trap stop_standalone_sandbox EXIT

RUST_LOG="${RUST_LOG:-warn}" "$server" sandbox --listen 127.0.0.1:0 \
  >"$sandbox_work/out" 2>"$sandbox_work/log" &
sandbox_pid=$!

# The command's first line: export ARM_BASE_URL=http://127.0.0.1:PORT IDENTITY_ENDPOINT=… …
sandbox_settings=""
for _ in $(seq 1 300); do
  sandbox_settings=$(sed -n 's/^export \(ARM_BASE_URL=.*\)$/\1/p' "$sandbox_work/out")
  [ -n "$sandbox_settings" ] && break
  if ! kill -0 "$sandbox_pid" 2>/dev/null; then
    echo "the sandbox did not start:" >&2
    cat "$sandbox_work/log" >&2
    exit 1
  fi
  sleep 0.1
done
if [ -z "$sandbox_settings" ]; then
  echo "the sandbox did not print its address in 30 s" >&2
  exit 1
fi

sandbox_setting() { printf '%s\n' "$sandbox_settings" | tr ' ' '\n' | sed -n "s/^$1=//p"; }
