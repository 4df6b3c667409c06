#!/usr/bin/env bash
# Second command: install what tests need, then run every test layer: formatting, clippy on
# both halves, native unit + integration tests, the sandbox's OpenID provider against npm
# openid-client, its network reads and policy check against Microsoft's Python SDKs,
# wasm-bindgen-test in headless Chromium, and
# Playwright against a release build. A throw-away PostgreSQL serves the second engine's tests. Every layer runs even when an earlier one fails (except
# Playwright, which needs the release build). The last line is "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."
source scripts/tools.sh
set -e
ensure_build_tools
ensure_test_tools
# shellcheck source=lib/test-postgres.sh
source scripts/lib/test-postgres.sh
set +e

export CHROMEDRIVER=/usr/bin/chromedriver
logs=target/test-logs
mkdir -p "$logs" target/e2e
passed=0
failed=0
failed_steps=()

# Adds the counts of libtest ("test result: … N passed; M failed"), Playwright ("N passed",
# "M failed") or node --test TAP ("# pass N", "# fail N") summary lines in a log.
count_tests() {
  local log="$1" p f
  p=$(grep -aE '^test result:' "$log" | grep -oE '[0-9]+ passed' | awk '{s+=$1} END {print s+0}')
  f=$(grep -aE '^test result:' "$log" | grep -oE '[0-9]+ failed' | awk '{s+=$1} END {print s+0}')
  if [ "$p" -eq 0 ] && [ "$f" -eq 0 ]; then
    p=$(grep -aE '^\s+[0-9]+ passed' "$log" | grep -oE '[0-9]+' | head -1)
    f=$(grep -aE '^\s+[0-9]+ failed' "$log" | grep -oE '[0-9]+' | head -1)
  fi
  # node --test with the TAP reporter ends in "# pass N" and "# fail N".
  if [ "${p:-0}" -eq 0 ] && [ "${f:-0}" -eq 0 ]; then
    p=$(grep -aE '^# pass [0-9]+' "$log" | grep -oE '[0-9]+' | tail -1)
    f=$(grep -aE '^# fail [0-9]+' "$log" | grep -oE '[0-9]+' | tail -1)
  fi
  echo "${p:-0} ${f:-0}"
}

# step KIND NAME COMMAND…: KIND is "check" (counts as one) or "tests" (counts its tests).
step() {
  local kind="$1" name="$2"
  shift 2
  local log="$logs/${name// /_}.log" started=$SECONDS status
  printf '\n==> %s\n' "$name"
  "$@" 2>&1 | tee "$log"
  status=${PIPESTATUS[0]}
  if [ "$kind" = tests ]; then
    read -r p f < <(count_tests "$log")
    if [ "$status" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi # failed before any test ran
    passed=$((passed + p))
    failed=$((failed + f))
  elif [ "$status" -eq 0 ]; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
  fi
  [ "$status" -eq 0 ] || failed_steps+=("$name")
  printf '==> %s: %s in %ss\n' "$name" "$([ "$status" -eq 0 ] && echo ok || echo FAILED)" $((SECONDS - started))
  return "$status"
}

step check "rustfmt" cargo fmt --all -- --check
step check "prettier end2end" bash -c "cd end2end && npx prettier --check ."
step check "clippy server half" cargo clippy -p shared -p app -p server -p arm-sandbox --features app/ssr --all-targets -- -D warnings
step check "clippy browser half" cargo clippy -p app -p frontend --features app/hydrate,app/split --target wasm32-unknown-unknown --all-targets -- -D warnings
step tests "native tests" cargo test -p shared -p server -p arm-sandbox --no-fail-fast
# The server's unit tests again (the same build), each store on a fresh PostgreSQL database.
step tests "server unit tests on PostgreSQL" env STORE_TEST_ENGINE=postgres cargo test -p server --lib
# The sandbox's OpenID provider against npm openid-client, on the server binary the native
# tests just built (target/debug/server).
step tests "openid-client against the sandbox" bash scripts/oidc-client-test.sh
# The sandbox's network reads and policy check against Microsoft's Python SDKs, same binary.
step tests "azure SDKs against the sandbox" bash scripts/sdk-test.sh
step tests "wasm-bindgen-test" cargo test -p frontend --target wasm32-unknown-unknown
# The release bundle, split at its #[lazy] point, with its brotli and gzip siblings, as deployed.
if step check "release build" cargo leptos build --release --split --precompress; then
  step tests "playwright" bash -c "cd end2end && npx playwright test"
else
  failed=$((failed + 1))
  failed_steps+=("playwright (not run: no release build)")
fi

printf '\n'
[ ${#failed_steps[@]} -eq 0 ] || printf 'failed: %s\n' "${failed_steps[@]}"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
