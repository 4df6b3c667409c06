# Installs what building and testing the dashboard need, skipping whatever is already there.
# Sourced by scripts/serve.sh and scripts/test.sh; leaves PATH pointing at the tools.
# Versions are pinned here and in Cargo.lock / package-lock.json (see TOOLCHAIN notes in README).

CARGO_LEPTOS_VERSION="0.3.10" # 0.3.11 needs a newer rustc than 1.95

# Project npm tools (wasm-opt from the npm binaryen package) come first on PATH: Debian's
# binaryen (wasm-opt 108) produces release WASM that fails to hydrate.
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"

say() { printf '==> %s\n' "$*" >&2; }

# npm ci when node_modules is missing or older than the lock file.
npm_ci_if_needed() {
  local dir="$1"
  if [ ! -f "$dir/node_modules/.package-lock.json" ] || [ "$dir/package-lock.json" -nt "$dir/node_modules/.package-lock.json" ]; then
    say "installing npm packages in $dir"
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
  fi
}

ensure_build_tools() {
  if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    say "adding the wasm32-unknown-unknown target"
    rustup target add wasm32-unknown-unknown
  fi
  if [ "$(cargo leptos --version 2>/dev/null | awk '{print $NF}')" != "$CARGO_LEPTOS_VERSION" ]; then
    say "installing cargo-leptos $CARGO_LEPTOS_VERSION (about 9 minutes on 2 cores)"
    cargo install cargo-leptos --version "$CARGO_LEPTOS_VERSION" --locked
  fi
  # The CLI must match the wasm-bindgen crate in Cargo.lock exactly. Installed without
  # --locked: its own lock file pins a yanked crate.
  local wasm_bindgen_version
  wasm_bindgen_version=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
  if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $NF}')" != "$wasm_bindgen_version" ]; then
    say "installing wasm-bindgen-cli $wasm_bindgen_version"
    cargo install wasm-bindgen-cli --version "$wasm_bindgen_version"
  fi
  npm_ci_if_needed .
}

# apt-get install PACKAGE…, refreshing the package lists once when they are stale.
apt_install() {
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get install -y -qq "$@" >/dev/null 2>&1 ||
    { $sudo apt-get update -qq && $sudo apt-get install -y -qq "$@" >/dev/null; }
}

ensure_test_tools() {
  if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then
    say "installing Debian chromium and chromium-driver"
    apt_install chromium chromium-driver
  fi
  # The replicas' database in the tests (scripts/lib/test-postgres.sh).
  if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
    say "installing Debian postgresql"
    apt_install postgresql
  fi
  npm_ci_if_needed end2end
}
