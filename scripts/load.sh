#!/usr/bin/env bash
# Load test (issue 9): the release server on a fresh database with generated data, driven by wrk.
#
#   scripts/load.sh              SQLite (a temporary file)
#   scripts/load.sh --postgres   PostgreSQL (a throwaway database, dropped afterwards)
#
# Scenarios, each at 1 and 32 connections for LOAD_SECONDS (default 20):
#   code       a signed-in customer checks the partner's discount code (POST, JSON answer)
#   dashboard  the partner's full server-rendered dashboard, 10,000 commissions
#   webhook    signed payment_intent.succeeded events, each distinct, each paying an order
#              (payment, order, delivery, code use, commission)
# Prints req/s, p50, p99, non-2xx answers and socket errors per run, then checks in the database
# that every event answered "processed" took effect exactly once.
#
# Settings: LOAD_SECONDS (20), LOAD_CONNECTIONS ("1 32"), LOAD_THREADS (2: wrk threads for >1
# connection), LOAD_PAYMENTS (45000 pending payments), LOAD_COMMISSIONS (10000), LOAD_PORT (3111),
# LOAD_DB (sqlite|postgres), LOAD_PG_ADMIN_URL (postgres://postgres@127.0.0.1:5432/postgres),
# LOAD_SCENARIOS ("code dashboard webhook"), LOAD_NO_BUILD=1 to reuse the built binary,
# LOAD_BIN=path to compare another build, CARGO_TARGET_DIR (target). Needs wrk (Debian: apt-get install wrk) and curl.
# The server runs with RATE_LIMITS=off: thousands of code checks from one address are the point.
set -euo pipefail
cd "$(dirname "$0")/.."

db_kind=${LOAD_DB:-sqlite}
[ "${1:-}" = --postgres ] && db_kind=postgres
seconds=${LOAD_SECONDS:-20}
connections=${LOAD_CONNECTIONS:-"1 32"}
wrk_threads=${LOAD_THREADS:-2}
payments=${LOAD_PAYMENTS:-45000}
commissions=${LOAD_COMMISSIONS:-10000}
port=${LOAD_PORT:-3111}
scenarios=${LOAD_SCENARIOS:-"code dashboard webhook"}
target=${CARGO_TARGET_DIR:-target}
pg_admin=${LOAD_PG_ADMIN_URL:-postgres://postgres@127.0.0.1:5432/postgres}

command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk" >&2; exit 1; }

features=()
[ "$db_kind" = postgres ] && features=(--no-default-features --features postgres)
if [ -z "${LOAD_BIN:-}" ] && [ "${LOAD_NO_BUILD:-}" != 1 ]; then
  echo "==> Building the release server ($db_kind)"
  cargo build --release --bin futureflower "${features[@]}"
fi
bin=${LOAD_BIN:-$target/release/futureflower}

work=$(mktemp -d)
server_pid=
pg_db=
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  if [ -n "$pg_db" ]; then psql -q "$pg_admin" -c "DROP DATABASE IF EXISTS $pg_db WITH (FORCE)" || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

if [ "$db_kind" = postgres ]; then
  pg_db=ff_load_$$
  psql -q "$pg_admin" -c "CREATE DATABASE $pg_db"
  export DATABASE_URL=${pg_admin%/*}/$pg_db
else
  export DATABASE_URL=sqlite://$work/load.db
fi
export STRIPE_WEBHOOK_SECRET=whsec_load_test_$$
export RATE_LIMITS=off
export LISTEN_ADDR=127.0.0.1:$port
export SITE_URL=http://127.0.0.1:$port
export MAIL_DIR=$work/mail
export LEPTOS_SITE_ROOT=$work/site
unset STRIPE_SECRET_KEY STRIPE_PUBLISHABLE_KEY

echo "==> Generating data ($commissions commissions, $payments pending payments) in $db_kind"
"$bin" load-test data --commissions "$commissions" --payments "$payments"

if curl -s -o /dev/null "$SITE_URL/healthz"; then
  echo "something already answers at $SITE_URL: stop it or set LOAD_PORT" >&2
  exit 1
fi
echo "==> Starting the server (log: $work/server.log)"
"$bin" serve >"$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 100); do
  curl -fs "$SITE_URL/healthz" >/dev/null && break
  sleep 0.1
done
curl -fs "$SITE_URL/healthz" >/dev/null || { cat "$work/server.log"; exit 1; }

# Signs in through the real form and prints the session cookie ("name=value").
log_in() {
  local jar=$work/jar-$1
  curl -fs -o /dev/null -c "$jar" -H "Origin: $SITE_URL" -H "Accept: text/html" \
    --data-urlencode "email=$1" --data-urlencode "password=load-test-password" \
    --data-urlencode "next=" "$SITE_URL/api/account/login"
  awk '$6 ~ /ff_session$/ { print $6 "=" $7 }' "$jar"
}
partner_cookie=$(log_in load-partner@example.com)
customer_cookie=$(log_in load-customer@example.com)
[ -n "$partner_cookie" ] && [ -n "$customer_cookie" ] || { echo "could not sign in" >&2; exit 1; }

# The pages answer what the scenarios expect before anything is measured.
status=$(curl -s -o "$work/dashboard.html" -w '%{http_code}' -H "Cookie: $partner_cookie" "$SITE_URL/partner/dashboard")
[ "$status" = 200 ] && sed 's/<!>//g' "$work/dashboard.html" | grep -q "$commissions commissions" \
  || { echo "the dashboard did not show $commissions commissions (HTTP $status)" >&2; exit 1; }
status=$(curl -s -o /dev/null -w '%{http_code}' -H "Cookie: $customer_cookie" -H "Origin: $SITE_URL" \
  -H "Accept: application/json" --data "code=LOADTEST" "$SITE_URL/api/partners/check-code")
[ "$status" = 200 ] || { echo "the code check answered HTTP $status" >&2; exit 1; }

results=$work/results
: >"$results"
acknowledged=0
in_flight=0
# The runs use separate ranges of the events: 1 connection the last third, more the rest. A run
# that uses up its range starts over; those deliveries are answered "duplicate" (counted apart).
third=$((payments / 3))
run() { # scenario connections
  local scenario=$1 c=$2 threads=$wrk_threads cookie=
  [ "$c" -lt "$threads" ] && threads=$c
  case $scenario in
    code) cookie=$customer_cookie ;;
    dashboard) cookie=$partner_cookie ;;
    webhook)
      local from=0 count=$((payments - third))
      [ "$c" = 1 ] && from=$((payments - third)) && count=$third
      "$bin" load-test sign --from "$from" --count "$count" --out "$work/events.txt"
      ;;
  esac
  echo "==> $scenario, $c connection(s), ${seconds} s"
  local line
  line=$(LOAD_SCENARIO=$scenario LOAD_COOKIE=$cookie LOAD_CODE=LOADTEST LOAD_ORIGIN=$SITE_URL \
    LOAD_EVENTS=$work/events.txt LOAD_THREADS=$threads \
    wrk -t"$threads" -c"$c" -d"${seconds}s" --timeout 10s -s scripts/load/wrk.lua "$SITE_URL" | grep '^RESULT')
  echo "$scenario $c ${line#RESULT }" | tee -a "$results"
  [ -z "${LOAD_KEEP_LOG:-}" ] || cp "$work/server.log" "$LOAD_KEEP_LOG"
  if [ "$scenario" = webhook ]; then
    acknowledged=$((acknowledged + $(echo "$line" | awk '{ print $7 }')))
    in_flight=$((in_flight + c))
  fi
}
for scenario in $scenarios; do
  for c in $connections; do run "$scenario" "$c"; done
done

echo
echo "Results ($db_kind, ${seconds} s per run, wrk on the same machine):"
printf '%-10s %5s %10s %9s %9s %8s %7s %10s %10s\n' scenario conns "req/s" "p50 ms" "p99 ms" non-2xx errors processed duplicate
awk '{ printf "%-10s %5s %10s %9s %9s %8s %7s %10s %10s\n", $1, $2, $3, $4, $5, $6, $7, $8, $9 }' "$results"

if [[ " $scenarios " == *" webhook "* ]]; then
  echo
  kill "$server_pid"; wait "$server_pid" 2>/dev/null || true; server_pid=
  "$bin" load-test check --acknowledged "$acknowledged" --in-flight "$in_flight"
fi
if grep -q ' ERROR \| panicked' "$work/server.log"; then
  echo "the server logged errors:" >&2
  grep ' ERROR \| panicked' "$work/server.log" | head -20 >&2
  exit 1
fi
