#!/usr/bin/env bash
# The API benchmark: durable ticket creates and GET /api/v1/tickets/{id} at
# 32 connections on a database of 100,000 tickets, against /healthz on the
# same server as the ceiling. wrk runs on the same two cores as the server.
#
# With ENGINE=postgres, the database is a throwaway PostgreSQL 15
# (scripts/pg-test-server) on the same machine, and SERVERS=N (default 1)
# runs N servers on it, each loaded by its own wrk with 32/N connections:
# the figures are their sums.
#
# Usage: [THREADS=N] [ENGINE=sqlite|postgres] [SERVERS=N] bench/api.sh [BUILD_DIR] [SECONDS]
set -euo pipefail
build=${1:-build}
secs=${2:-10}
engine=${ENGINE:-sqlite}
servers=${SERVERS:-1}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
data=$(mktemp -d /tmp/sb-bench.XXXXXX)
pids=()
pgdir=
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  [ -n "$pgdir" ] && "$root/scripts/pg-test-server" stop "$pgdir"
  rm -rf "$data"
}
trap cleanup EXIT

db=()
if [ "$engine" = postgres ]; then
  out=$("$root/scripts/pg-test-server")
  url=$(echo "$out" | sed -n 1p); pgdir=$(echo "$out" | sed -n 2p)
  db=(--database "$url")
  "$build/bench-seed" "$data" 100000 "$url"
else
  "$build/bench-seed" "$data" 100000
  [ "$servers" = 1 ] || { echo "bench/api.sh: several servers share PostgreSQL only" >&2; exit 2; }
fi
token=$("$build/switchboard" token create --data "$data" "${db[@]}" --email spoc@bench.example | tail -n 1)
ports=()
for i in $(seq "$servers"); do
  port=$((18998 + i))
  # On PostgreSQL each server has a data directory of its own, as on its own machine.
  dir=$data
  [ "$engine" = postgres ] && { dir=$data/server$i; mkdir -p "$dir"; }
  "$build/switchboard" serve --data "$dir" "${db[@]}" --listen 127.0.0.1:$port \
    ${THREADS:+--threads $THREADS} >/dev/null &
  pids+=($!)
  ports+=("$port")
  for _ in $(seq 100); do curl -fsS http://127.0.0.1:$port/healthz >/dev/null 2>&1 && break; sleep 0.1; done
done

# wrk on every server at once (32 connections in all); prints each one's
# summary, then the summed rate.
run() { # name, then wrk arguments after the URL's
  local name=$1; shift
  echo "== $name ($engine, $servers server(s))"
  local outs=() loads=()
  for port in "${ports[@]}"; do
    local o; o=$(mktemp)
    outs+=("$o")
    wrk -t2 -c$((32 / servers)) -d"${secs}s" --latency "$@" "http://127.0.0.1:$port${URLPATH:-}" >"$o" &
    loads+=($!)
  done
  wait "${loads[@]}"
  for o in "${outs[@]}"; do grep -E 'Requests/sec|50%|99%|Non-2xx|Socket errors' "$o"; done
  cat "${outs[@]}" | awk '/Requests\/sec/ {s += $2} END {printf "   sum: %.0f requests/s\n", s}'
  rm -f "${outs[@]}"
}
URLPATH=/healthz run "GET /healthz"
TOKEN=$token run "GET /api/v1/tickets/{id} (random of 100,000)" -s "$here/get_ticket.lua"
TOKEN=$token run "POST /api/v1/tickets (durable create)" -s "$here/create_ticket.lua"
if [ "$engine" = postgres ]; then
  echo "tickets now: $(psql -X -At -d "$url" -c 'select count(*) from tickets')"
else
  echo "tickets now: $(sqlite3 "$data/switchboard.db" 'select count(*) from tickets')"
fi
