#!/usr/bin/env bash
# Builds the app (release) and runs it on the embedded defaults: SQLite under data/, the offline
# payment simulator, mail written to data/mail/, and demo data on a fresh database.
set -euo pipefail
cd "$(dirname "$0")"
source scripts/tools.sh
ensure_build_tools

step "Building FutureFlower (release: server + wasm + css)"
build_site

export LEPTOS_SITE_ROOT="${LEPTOS_SITE_ROOT:-target/site}"
step "Preparing the database (migrations, demo data on first run)"
./target/release/futureflower seed-demo

if [ -z "${SMTP_URL:-}" ]; then
  echo "Mail the app sends (password resets, partner approvals, order confirmations) is written to ${MAIL_DIR:-data/mail}/ as .eml files."
fi
step "Starting FutureFlower at ${SITE_URL:-http://${LISTEN_ADDR:-127.0.0.1:3000}} (Ctrl-C stops it)"
exec ./target/release/futureflower serve
