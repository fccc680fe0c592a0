# Sourced by ./run.sh and ./test.sh: installs, once, every build tool this project needs, and puts
# the npm-installed ones on PATH. Everything comes from crates.io, npm and Debian (no GitHub downloads).
# Versions and the reasons for them: ../shared/TOOLCHAIN.md (copied into docs/TOOLCHAIN.md).

CARGO_LEPTOS_VERSION=0.3.10
WASM_BINDGEN_VERSION=0.2.130   # must equal the wasm-bindgen crate pinned in Cargo.toml

# Each step is stamped with the seconds since the script started, so a log shows where time went.
step() { printf '\n==> [%s s] %s\n' "$SECONDS" "$*"; }

ensure_build_tools() {
  if ! rustup target list --installed 2>/dev/null | grep -q '^wasm32-unknown-unknown$'; then
    step "Adding the wasm32 Rust target (once)"
    rustup target add wasm32-unknown-unknown
  fi
  if ! cargo leptos --version 2>/dev/null | grep -q "$CARGO_LEPTOS_VERSION"; then
    step "Installing cargo-leptos $CARGO_LEPTOS_VERSION (first run only: ~15-18 min on 2 cores)"
    cargo install cargo-leptos --version "$CARGO_LEPTOS_VERSION" --locked --features no_downloads
  fi
  if ! wasm-bindgen --version 2>/dev/null | grep -q "$WASM_BINDGEN_VERSION"; then
    step "Installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (first run only: ~3 min)"
    # Not --locked: its lockfile wants a webpki-roots version the registry does not have.
    cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION"
  fi
  npm_install style "Tailwind CSS and wasm-opt (binaryen 132)"
  export PATH="$PWD/style/node_modules/.bin:$PATH"
  # Tell cargo-leptos not to fetch its own tools (they are on PATH now).
  unset LEPTOS_TAILWIND_VERSION
}

ensure_browser_tools() {
  npm_install end2end "Playwright (drives Debian's Chromium; no browser download)"
  if [ ! -x /usr/bin/chromium ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
      step "Installing Debian's Chromium for the browser tests (once)"
      DEBIAN_FRONTEND=noninteractive apt-get install -y chromium >/dev/null
    else
      echo "The browser tests need Chromium at /usr/bin/chromium: sudo apt-get install chromium" >&2
      return 1
    fi
  fi
}

# npm_install DIR WHAT: installs the locked versions when node_modules is missing or older than the
# lockfile. Not `npm ci`: npm 11 leaves other platforms' optional Tailwind binaries out of the
# lockfile and then `npm ci` refuses it; `install --no-save` uses the lock and never rewrites it.
npm_install() {
  local dir=$1 what=$2
  if [ ! -d "$dir/node_modules" ] || [ "$dir/package-lock.json" -nt "$dir/node_modules/.package-lock.json" ]; then
    step "Installing $what with npm (once)"
    (cd "$dir" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm install --no-save --no-audit --no-fund --loglevel=error)
  fi
}

# build_site [ARGS]: the release build of the server, wasm, js and css (ARGS go to cargo leptos build:
# --frontend-only leaves the server out), with hashed file names and each
# file precompressed beside it (brotli and gzip). cargo-leptos writes its .gz at a fast level; it is
# redone at gzip -9 (about 14% smaller for the wasm), since it is made once and served many times.
build_site() {
  cargo leptos build --release --precompress "$@"
  local file
  for file in target/site/pkg/*.gz; do
    gzip -9 -n -c "${file%.gz}" > "$file"
  done
}
