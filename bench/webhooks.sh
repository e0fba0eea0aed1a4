#!/usr/bin/env bash
# Measures webhook delivery the way issue 6 states its targets: `portico
# serve` on a fresh SQLite database, a local receiver that verifies every
# signature (bench/webhookload), customer creates at a steady rate, each
# one event for one endpoint. Reports deliveries per second and the delay
# from each API call to its webhook's arrival.
#
#   bash bench/webhooks.sh                 # 2,000 calls/s, 20,000 calls
#   RATE=0 bash bench/webhooks.sh          # as fast as 32 clients go
#   RATE=1000 N=10000 bash bench/webhooks.sh
set -euo pipefail
cd "$(dirname "$0")/.."
RATE=${RATE:-2000}
N=${N:-20000}
ADDR=127.0.0.1:${PORT:-4298}
work=$(mktemp -d)
trap 'kill $pid 2>/dev/null || true; wait $pid 2>/dev/null || true; rm -rf "$work"' EXIT

go build -o "$work/portico" ./cmd/portico
go build -o "$work/webhookload" ./bench/webhookload
key=sk_test_bench$(head -c 64 /dev/urandom | base64 | tr -dc A-Za-z0-9 | head -c 32)
PORTICO_SECRET_KEY=$key "$work/portico" serve --db "sqlite:$work/bench.db" --addr "$ADDR" >"$work/server.log" 2>&1 &
pid=$!
for _ in $(seq 100); do curl -fs "http://$ADDR/healthz" >/dev/null && break; sleep 0.1; done

echo "== webhooks: $N customer creates at ${RATE}/s (0 = unpaced), one endpoint"
"$work/webhookload" -url "http://$ADDR" -key "$key" -n "$N" -rate "$RATE"
