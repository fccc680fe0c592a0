#!/usr/bin/env bash
# Runs every check and test: formatting, clippy (SQLite, PostgreSQL and wasm builds), unit and
# integration tests on SQLite and on PostgreSQL, then browser tests in Chromium against the release front
# end (wasm, js, css) served by the SQLite test build's server.
# PostgreSQL is never skipped: it must be reachable at TEST_DATABASE_URL
# (default postgres://postgres@127.0.0.1:5432/postgres).
set -euo pipefail
cd "$(dirname "$0")"
source scripts/tools.sh
ensure_build_tools
ensure_browser_tools
started=$SECONDS
# CI builds once from a clean clone: incremental caches only cost disk there.
if [ "${CI:-}" = true ]; then export CARGO_INCREMENTAL=0; fi

step "Formatting (cargo fmt --check)"
cargo fmt --all -- --check

step "Clippy: SQLite server build"
cargo clippy --workspace --all-targets -- -D warnings
step "Clippy: PostgreSQL server build"
cargo clippy --workspace --all-targets --no-default-features --features postgres -- -D warnings
step "Clippy: wasm (hydrate) build"
cargo clippy -p futureflower --lib --target wasm32-unknown-unknown --no-default-features --features hydrate -- -D warnings

step "Unit and integration tests on SQLite"
cargo test --workspace
# The browser tests run the server binary this step built for the CLI tests (same code, SQLite, debug
# profile), so the server is not compiled a third time in release (10-19 min on 2 cores). The next
# step's PostgreSQL build replaces target/debug/futureflower, hence the copy.
mkdir -p target/e2e
cp target/debug/futureflower target/e2e/futureflower

step "Unit and integration tests on PostgreSQL"
cargo test --workspace --no-default-features --features postgres

step "Release build of the front end for the browser tests (wasm, js, css)"
build_site --frontend-only
cp target/release/hash.txt target/e2e/hash.txt

step "Browser tests (Playwright + Chromium, desktop and phone)"
(cd end2end && E2E_SERVER=../target/e2e/futureflower npx playwright test)

step "All checks passed in $((SECONDS - started)) s (build output: $(du -sh target | cut -f1))"
