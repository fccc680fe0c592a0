#!/usr/bin/env bash
# Page weight and accessibility of every main page, as a phone on 4G sees it (issue 10).
#
#   scripts/page-weight.sh            builds the release site (cargo leptos), then measures
#   WEIGHT_NO_BUILD=1 scripts/...     measures the existing target/release build
#
# Starts the release server on a fresh demo database (seed-demo) at 127.0.0.1:3200, runs
# end2end/weight/page-weight.mjs (Playwright + Debian's Chromium + axe-core), and stops it.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/tools.sh
ensure_build_tools
ensure_browser_tools
if [ -z "${WEIGHT_NO_BUILD:-}" ]; then
  step "Building the release site (server + wasm + css, precompressed)"
  build_site
fi
root=$PWD
work=$(mktemp -d)
trap 'kill "${server:-}" 2>/dev/null || true; rm -rf "$work"' EXIT
export DATABASE_URL="sqlite://$work/weight.db" LEPTOS_SITE_ROOT="$root/target/site" \
  LISTEN_ADDR=127.0.0.1:3200 SITE_URL=http://127.0.0.1:3200 RUST_LOG=warn MAIL_DIR="$work/mail"
step "Seeding a demo database"
(cd "$work" && "$root/target/release/futureflower" seed-demo > seed.log)
password=$(sed -n 's/.*password for every account: \([^)]*\)).*/\1/p' "$work/data/demo-logins.txt")
code=$(sed -n 's/.*approved; code \([^)]*\)).*/\1/p' "$work/data/demo-logins.txt")
(cd "$work" && exec "$root/target/release/futureflower" serve) &
server=$!
for _ in $(seq 1 100); do curl -sf http://127.0.0.1:3200/healthz > /dev/null && break; sleep 0.1; done
step "Measuring each page (Playwright + Chromium, phone on throttled 4G, axe-core)"
(cd end2end && BASE_URL=http://127.0.0.1:3200 DEMO_PASSWORD="$password" DEMO_CODE="$code" MAIL_DIR="$work/mail" node weight/page-weight.mjs)
