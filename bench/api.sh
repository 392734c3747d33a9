#!/usr/bin/env bash
# The API benchmark: durable ticket creates and GET /api/v1/tickets/{id} at
# 32 connections on a database of 100,000 tickets, against /healthz on the
# same server as the ceiling. wrk runs on the same two cores as the server.
#
# Usage: [THREADS=N] bench/api.sh [BUILD_DIR] [SECONDS]   (default: the server's own pool size)
set -euo pipefail
build=${1:-build}
secs=${2:-10}
here=$(cd "$(dirname "$0")" && pwd)
data=$(mktemp -d /tmp/sb-bench.XXXXXX)
port=18999
trap 'kill $pid 2>/dev/null || true; rm -rf "$data"' EXIT

"$build/bench-seed" "$data" 100000
token=$("$build/switchboard" token create --data "$data" --email spoc@bench.example | tail -n 1)
"$build/switchboard" serve --data "$data" --listen 127.0.0.1:$port ${THREADS:+--threads $THREADS} >/dev/null &
pid=$!
for _ in $(seq 50); do curl -fsS http://127.0.0.1:$port/healthz >/dev/null 2>&1 && break; sleep 0.1; done

run() { # name, then wrk arguments
  local name=$1; shift
  echo "== $name"
  wrk -t2 -c32 -d"${secs}s" --latency "$@" | grep -E 'Requests/sec|50%|99%|Non-2xx|Socket errors'
}
run "GET /healthz" http://127.0.0.1:$port/healthz
TOKEN=$token run "GET /api/v1/tickets/{id} (random of 100,000)" -s "$here/get_ticket.lua" \
  http://127.0.0.1:$port
TOKEN=$token run "POST /api/v1/tickets (durable create)" -s "$here/create_ticket.lua" \
  http://127.0.0.1:$port
echo "tickets now: $(sqlite3 "$data/switchboard.db" 'select count(*) from tickets')"
