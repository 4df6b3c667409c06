#!/usr/bin/env bash
# First command: install what is missing, build, and serve the dashboard on the sandbox cloud
# at http://127.0.0.1:3000 (override with LEPTOS_SITE_ADDR). Stop with Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/tools.sh
ensure_build_tools
say "building and serving on the sandbox cloud (first build takes a few minutes)"
# --split: the create modal is a chunk of its own (its #[lazy] split point), as in the release
# build.
exec cargo leptos serve --split
