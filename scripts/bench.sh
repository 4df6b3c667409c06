#!/usr/bin/env bash
# The performance table the README keeps (issue 18); not part of the tests. Measures the release
# build scripts/test.sh made (target/release/server, target/site) and builds nothing of the app:
# - the dashboard's first load over the wire, brotli and gzip, as a signed-in browser fetches it;
# - Lighthouse 12.2.3 (its default mobile profile) on the signed-in dashboard;
# - task-read, SSR dashboard and /healthz throughput with p99 (wrk, 2 threads, 32 connections);
# - the server's RSS with 1,000 running creates;
# - cancel latency and pre-flight p95 (the cargo benches, which build their bench profile).
# Set BENCH_SKIP_CARGO=1 to leave out the cargo benches.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/tools.sh
ensure_test_tools
[ -x target/release/server ] && [ -f target/release/hash.txt ] && [ -d target/site/pkg ] || {
  echo "no release build: run bash scripts/test.sh (or cargo leptos build --release --precompress) first" >&2
  exit 1
}
command -v wrk >/dev/null || { say "installing wrk (Debian)"; apt_install wrk; }
tools=target/bench-tools
if [ ! -x "$tools/node_modules/.bin/lighthouse" ]; then
  say "installing Lighthouse 12.2.3 (npm) into $tools"
  npm install --silent --no-audit --no-fund --prefix "$tools" lighthouse@12.2.3 >/dev/null
fi

work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null; wait 2>/dev/null; rm -rf "$work"' EXIT INT TERM
sandbox_port=47101
dashboard_port=47100
base="http://127.0.0.1:$dashboard_port"

# A standalone sandbox whose creates take ten minutes (they stay running while measured) and
# whose quotas hold 1,000 clusters, and the dashboard on its own SQLite file, with limits that
# let one user hold 1,000 creates.
sed -E 's/^(regional_vcpu_limit|family_vcpu_limit) = .*/\1 = 1000000/' \
  sandbox/src/default_world.toml >"$work/world.toml"
export SANDBOX_CONFIG="$work/world.toml"
SANDBOX_CREATE_SECONDS=600 SANDBOX_VALIDATION_MS=0 \
  target/release/server sandbox --listen "127.0.0.1:$sandbox_port" >"$work/sandbox.log" 2>&1 &
DATABASE_URL="sqlite:$work/dashboard.db" SANDBOX_URL="http://127.0.0.1:$sandbox_port" \
  LEPTOS_SITE_ADDR="127.0.0.1:$dashboard_port" LEPTOS_HASH_FILES=true \
  MAX_RUNNING_JOBS_PER_USER=2000 RATE_LIMIT_WRITES_PER_MINUTE=100000 RUST_LOG=warn \
  target/release/server >"$work/dashboard.log" 2>&1 &
dashboard_pid=$!

skip=()
[ "${BENCH_SKIP_CARGO:-0}" = 1 ] && skip=(--skip-cargo-benches)
python3 scripts/bench/measure.py --base "$base" --pid "$dashboard_pid" --work "$work" \
  --lighthouse "$tools/node_modules/.bin/lighthouse" "${skip[@]}" || {
  echo "the measurement stopped; the dashboard's log ends:" >&2
  tail -n 20 "$work/dashboard.log" >&2
  exit 1
}
