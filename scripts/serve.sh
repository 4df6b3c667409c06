#!/usr/bin/env bash
# First command: install what is missing, build, and serve the dashboard on the sandbox cloud
# at http://127.0.0.1:3000 (override with LEPTOS_SITE_ADDR). Stop with Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/tools.sh
ensure_build_tools
say "building and serving on the sandbox cloud (first build takes a few minutes)"
# Precompressed siblings from a release build would be served in place of the bundle this
# development build writes (server/src/delivery.rs): without them it is compressed on the fly.
rm -f target/site/pkg/*.br target/site/pkg/*.gz
exec cargo leptos serve
