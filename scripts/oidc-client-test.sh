#!/usr/bin/env bash
# The sandbox's OpenID provider against an independent certified client (npm openid-client):
# starts a standalone sandbox (scripts/lib/standalone-sandbox.sh), runs
# end2end/oidc with node's test runner (TAP, so the output ends in "# pass N" / "# fail N"),
# and stops the sandbox. Needs `npm install` at the repository root.
set -euo pipefail
cd "$(dirname "$0")/.."

# shellcheck source=lib/standalone-sandbox.sh
source scripts/lib/standalone-sandbox.sh

SANDBOX_URL="$(sandbox_setting ARM_BASE_URL)" node --test --test-reporter=tap end2end/oidc/sandbox_provider.test.mjs
