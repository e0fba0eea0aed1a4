#!/usr/bin/env bash
# Measures Portico's API throughput and latency the way the performance
# targets are stated: `portico serve` on a fresh SQLite database (durable
# commits, default logging to a file), 32 concurrent keep-alive clients on
# loopback, the load tool sharing the machine's cores.
#
#   bash bench/run.sh            # wrk (Debian package "wrk"), 10 s per test
#   TOOL=portico-load bash bench/run.sh   # the Go load tool in cmd/portico-load
#   DUR=30s bash bench/run.sh
set -euo pipefail
cd "$(dirname "$0")/.."
DUR=${DUR:-10s}
TOOL=${TOOL:-wrk}
ADDR=127.0.0.1:${PORT:-4299}
work=$(mktemp -d)
trap 'kill $pid 2>/dev/null || true; wait $pid 2>/dev/null || true; rm -rf "$work"' EXIT

go build -o "$work/portico" ./cmd/portico
go build -o "$work/portico-load" ./cmd/portico-load
key=sk_test_bench$(head -c 64 /dev/urandom | base64 | tr -dc A-Za-z0-9 | head -c 32)
PORTICO_SECRET_KEY=$key "$work/portico" serve --db "sqlite:$work/bench.db" --addr "$ADDR" >"$work/server.log" 2>&1 &
pid=$!
for _ in $(seq 100); do curl -fs "http://$ADDR/healthz" >/dev/null && break; sleep 0.1; done

echo "== POST /v1/customers with Idempotency-Key, 32 clients, $DUR ($TOOL)"
if [ "$TOOL" = wrk ]; then
	PORTICO_KEY=$key wrk -t2 -c32 -d"$DUR" --latency -s bench/post_customers.lua "http://$ADDR" | grep -E "Requests/sec|^ +(50|90|99)%|Non-2xx|Socket errors"
else
	"$work/portico-load" -url "http://$ADDR/v1/customers" -method POST -idempotency -c 32 -d "$DUR" \
		-body 'email=c{n}@example.com&name=Customer+{n}&metadata[n]={n}' -H "Authorization: Bearer $key"
fi

curl -fs "http://$ADDR/v1/customers?limit=100" -u "$key:" | grep -o '"id":"cus_[A-Za-z0-9]*"' | cut -d'"' -f4 >"$work/ids"
echo "== GET /v1/customers/{id} over 100 customers, 32 clients, $DUR ($TOOL)"
if [ "$TOOL" = wrk ]; then
	PORTICO_KEY=$key PORTICO_IDS="$work/ids" wrk -t2 -c32 -d"$DUR" --latency -s bench/get_customer.lua "http://$ADDR" | grep -E "Requests/sec|^ +(50|90|99)%|Non-2xx|Socket errors"
else
	sed "s|^|http://$ADDR/v1/customers/|" "$work/ids" >"$work/urls"
	"$work/portico-load" -urls-file "$work/urls" -c 32 -d "$DUR" -H "Authorization: Bearer $key"
fi
