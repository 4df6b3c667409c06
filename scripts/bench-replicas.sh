#!/usr/bin/env bash
# The replica benchmark (server/benches/replicas.rs, not part of the tests): starts a throw-away
# PostgreSQL (scripts/lib/test-postgres.sh) and prints takeover time after SIGKILL, cross-replica
# cancel latency and task-read throughput for three replicas.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/tools.sh
ensure_test_tools
# shellcheck source=lib/test-postgres.sh
source scripts/lib/test-postgres.sh
cargo bench -p server --bench replicas
