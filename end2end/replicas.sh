#!/bin/sh
# The replica journey's servers (playwright.config.ts): a standalone sandbox cloud and two
# dashboard replicas (the release binary) on one fresh PostgreSQL database, sharing sessions,
# jobs and the cloud. Needs TEST_POSTGRES_URL (scripts/test.sh starts a throw-away PostgreSQL).
# Ports: E2E_REPLICA_PORTS (two) and E2E_SANDBOX_PORT. Stops all three when stopped.
set -eu
: "${TEST_POSTGRES_URL:?the replica journey needs TEST_POSTGRES_URL: run scripts/test.sh, which starts a PostgreSQL}"
database=e2e_replicas
PGOPTIONS="--client-min-messages=warning" psql "$TEST_POSTGRES_URL" -q -c "DROP DATABASE IF EXISTS $database" -c "CREATE DATABASE $database"
export DATABASE_URL="${TEST_POSTGRES_URL%/*}/$database"
export SANDBOX_URL="http://127.0.0.1:$E2E_SANDBOX_PORT"
# Both replicas must read each other's session cookies and vault: one secret (a test value).
# Leases of a minute: their sweep runs every 20 s, so a cancel that reaches the other replica's
# worker within the journey's 15 s came through PostgreSQL's notification, not the sweep.
export LEASE_TTL_SECONDS=60
export SESSION_SECRET="AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLS4vMDEyMzQ1Njc4OTo7PD0+Pw=="

# Waits until $1 answers 200 (Node's fetch: nothing else to install).
until_up() {
  node -e 'const url = process.argv[1];
    const poll = () => fetch(url).then((r) => r.ok || Promise.reject()).catch(() => new Promise((r) => setTimeout(r, 100)).then(poll));
    poll();' "$1"
}

trap 'kill $(jobs -p) 2>/dev/null' EXIT INT TERM
../target/release/server sandbox --listen "127.0.0.1:$E2E_SANDBOX_PORT" >/dev/null &
# One at a time, so the replicas never migrate the new database at once (harmless: sqlx locks)
# and Playwright's wait for the last one means all are up.
for port in $E2E_REPLICA_PORTS; do
  LEPTOS_SITE_ADDR="127.0.0.1:$port" ../target/release/server &
  until_up "http://127.0.0.1:$port/healthz"
done
wait
