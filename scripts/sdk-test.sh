#!/usr/bin/env bash
# The sandbox's virtual-network reads and policy check against Microsoft's Python SDKs
# (azure-mgmt-network, azure-mgmt-policyinsights; sandbox/tests/sdk/requirements.txt): starts a
# standalone sandbox (scripts/lib/standalone-sandbox.sh), runs sandbox/tests/sdk/arm_reads.py
# (TAP, so the output ends in "# pass N" / "# fail N"), and stops the sandbox. Given SANDBOX_URL,
# IDENTITY_ENDPOINT and IDENTITY_HEADER, it uses that sandbox instead.
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

# shellcheck source=lib/standalone-sandbox.sh
source scripts/lib/standalone-sandbox.sh

SANDBOX_URL=$(sandbox_setting ARM_BASE_URL) IDENTITY_ENDPOINT=$(sandbox_setting IDENTITY_ENDPOINT) \
  IDENTITY_HEADER=$(sandbox_setting IDENTITY_HEADER) "$python" sandbox/tests/sdk/arm_reads.py
