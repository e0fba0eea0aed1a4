#!/usr/bin/env bash
# Measures the portal homepage the way issue 5 states its target: `portico
# serve` (durable SQLite, default logging to a file), the homepage of a
# customer with 5 subscriptions, 5 cards and 100 invoices, 32 concurrent
# keep-alive clients on loopback rotating over 32 portal sessions (wrk,
# Debian package "wrk"; portal_home.lua), sharing the machine's cores. Uses
# curl and jq.
#
#   bash bench/portal_home.sh        # 10 s
#   DUR=30s bash bench/portal_home.sh
set -euo pipefail
cd "$(dirname "$0")/.."
DUR=${DUR:-10s}
ADDR=127.0.0.1:${PORT:-4298}
work=$(mktemp -d)
trap 'kill $pid 2>/dev/null || true; wait $pid 2>/dev/null || true; rm -rf "$work"' EXIT

go build -o "$work/portico" ./cmd/portico
key=sk_test_bench$(head -c 64 /dev/urandom | base64 | tr -dc A-Za-z0-9 | head -c 32)
PORTICO_DEBUG_ADDR=${PORTICO_DEBUG_ADDR:-} PORTICO_SECRET_KEY=$key "$work/portico" serve --db "sqlite:$work/bench.db" --addr "$ADDR" --public-url "http://$ADDR" >"$work/server.log" 2>&1 &
pid=$!
for _ in $(seq 100); do curl -fs "http://$ADDR/healthz" >/dev/null && break; sleep 0.1; done
api() { curl -fs "http://$ADDR/v1/$1" -u "$key:" "${@:2}"; }

# The customer: 5 cards, 5 monthly subscriptions (each with its first
# invoice, paid), and 95 more invoices, finalized and open.
cus=$(api customers -d name="Jenny Rosen" -d email=jenny@example.com -d payment_method=pm_card_visa \
	-d "invoice_settings[default_payment_method]=pm_card_visa" | jq -r .id)
for pm in pm_card_mastercard pm_card_amex pm_card_discover pm_card_visa_debit; do
	api "payment_methods/$pm/attach" -d customer="$cus" >/dev/null
done
prod=$(api products -d name=Plan | jq -r .id)
for amount in 1000 2000 3000 4000 5000; do
	price=$(api prices -d product="$prod" -d currency=usd -d unit_amount=$amount -d "recurring[interval]=month" | jq -r .id)
	api subscriptions -d customer="$cus" -d "items[0][price]=$price" >/dev/null
done
for i in $(seq 95); do
	api invoiceitems -d customer="$cus" -d amount=$((1000 + i)) -d currency=usd -d description=Usage >/dev/null
	in=$(api invoices -d customer="$cus" -d collection_method=send_invoice -d days_until_due=30 -d pending_invoice_items_behavior=include | jq -r .id)
	api "invoices/$in/finalize" -X POST >/dev/null
done
n=$(api "invoices?customer=$cus&limit=100" | jq '.data | length')
# 32 portal sessions for the customer, each link opened once for its
# visit's cookie; the 32 clients rotate over them.
for i in $(seq 32); do
	url=$(api billing_portal/sessions -d customer="$cus" -d return_url=https://example.com | jq -r .url)
	curl -fs -o /dev/null -c - "$url" | awk '$6 == "portico_portal" {print $6 "=" $7}' >>"$work/cookies"
done
[ "$(wc -l <"$work/cookies")" = 32 ] || { echo "opening the portal links failed"; exit 1; }
bytes=$(curl -fs -H "Cookie: $(head -1 "$work/cookies")" "http://$ADDR/p/" | wc -c)
echo "== GET /p/ (customer with 5 subscriptions, 5 cards, $n invoices; page $bytes bytes), 32 clients over 32 portal sessions, $DUR"
PORTICO_COOKIES="$work/cookies" wrk -t2 -c32 -d"$DUR" --latency -s bench/portal_home.lua "http://$ADDR" | grep -E "Requests/sec|^ +(50|90|99)%|Non-2xx|Socket errors"
# The server's own view, from its latency histogram for the homepage: from
# when the request has been read (the wait for a page slot included) until
# the handler has handed the page to the kernel; without the time request
# and response spend in the kernel and in wrk, which the figures above
# include. The histogram's buckets are 5, 10 and 25 ms here.
curl -fs "http://$ADDR/metrics" | grep '^portico_page_request_duration_seconds_bucket{method="GET",route="/p/{\$}"' |
	sed -E 's/.*le="([^"]+)"} ([0-9]+)$/\1 \2/' | awk '
	{ n[$1] = $2 }
	END {
		total = n["+Inf"]
		if (total == 0) exit
		printf "server-side: %.1f%% of homepage views within 5 ms, %.1f%% within 10 ms, %.2f%% within 25 ms (%d views)\n",
			100 * n["0.005"] / total, 100 * n["0.01"] / total, 100 * n["0.025"] / total, total
	}'
