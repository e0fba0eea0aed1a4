#!/usr/bin/env bash
# Measures Portico's API throughput and latency the way the performance
# targets are stated: `portico serve` on a fresh SQLite database (durable
# commits, default logging to a file), 32 concurrent keep-alive clients on
# loopback, the load tool sharing the machine's cores.
#
#   bash bench/run.sh            # wrk (Debian package "wrk"), 10 s per test
#   TOOL=portico-load bash bench/run.sh   # the Go load tool in cmd/portico-load
#   DUR=30s bash bench/run.sh
#   DB=postgres://user@/db?host=/run/postgresql bash bench/run.sh
#                                # on PostgreSQL, in a fresh schema of that
#                                # database (made and dropped with psql)
#   TESTS=sessions bash bench/run.sh
#                                # only the portal sessions, on a fresh
#                                # server and database (TESTS=customers: only
#                                # the POST and GET of customers)
#   DB=postgres://... INSTANCES=2 bash bench/run.sh
#                                # two `portico serve` on the one database,
#                                # the 32 clients split between them; the
#                                # total is the sum of both rates
set -euo pipefail
cd "$(dirname "$0")/.."
DUR=${DUR:-10s}
TOOL=${TOOL:-wrk}
PORT=${PORT:-4299}
INSTANCES=${INSTANCES:-1}
TESTS=${TESTS:-customers sessions}
want() { case " $TESTS " in *" $1 "*) return 0 ;; esac; return 1; }
work=$(mktemp -d)
pids=()
schema=""
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
	if [ -n "$schema" ]; then psql "$DB" -qc "DROP SCHEMA IF EXISTS $schema CASCADE" >/dev/null 2>&1 || true; fi
	rm -rf "$work"
}
trap cleanup EXIT

if [ "$INSTANCES" -gt 1 ] && [ "$TOOL" != wrk ]; then
	echo "INSTANCES=$INSTANCES needs TOOL=wrk" >&2
	exit 2
fi
db="sqlite:$work/bench.db"
case "${DB:-}" in
postgres://* | postgresql://*)
	schema=portico_bench_$$
	psql "$DB" -qc "CREATE SCHEMA $schema" >/dev/null
	sep='?'
	case "$DB" in *\?*) sep='&' ;; esac
	db="$DB${sep}search_path=$schema"
	;;
"") ;;
*) db=$DB ;;
esac

go build -o "$work/portico" ./cmd/portico
go build -o "$work/portico-load" ./cmd/portico-load
key=sk_test_bench$(head -c 64 /dev/urandom | base64 | tr -dc A-Za-z0-9 | head -c 32)
addrs=()
for i in $(seq 0 $((INSTANCES - 1))); do
	addr=127.0.0.1:$((PORT + i))
	# One at a time, so the first has migrated before the next starts.
	PORTICO_SECRET_KEY=$key "$work/portico" serve --db "$db" --addr "$addr" >"$work/server$i.log" 2>&1 &
	pids+=($!)
	for _ in $(seq 100); do curl -fs "http://$addr/healthz" >/dev/null && break; sleep 0.1; done
	addrs+=("$addr")
done
ADDR=${addrs[0]}
echo "== $INSTANCES instance(s) on ${db%%:*}"

# load_all SCRIPT VAR=VALUE...: wrk with SCRIPT against every instance at
# once, the 32 connections split between them; prints each instance's
# figures and, for several, the total rate.
load_all() {
	local script=$1 n=${#addrs[@]} i wp=()
	shift
	for i in "${!addrs[@]}"; do
		env "$@" PORTICO_IDEM_PREFIX="i$i-" wrk -t$((n > 1 ? 1 : 2)) -c$((32 / n)) -d"$DUR" --latency -s "$script" "http://${addrs[$i]}" >"$work/wrk$i" &
		wp+=($!)
	done
	for p in "${wp[@]}"; do wait "$p"; done
	for i in "${!addrs[@]}"; do
		if [ "$n" -gt 1 ]; then echo "instance $i:"; fi
		grep -E "Requests/sec|^ +(50|90|99)%|Non-2xx|Socket errors" "$work/wrk$i"
	done
	if [ "$n" -gt 1 ]; then
		cat "$work"/wrk* | awk '/Requests\/sec/ {s += $2} END {printf "total Requests/sec: %.2f\n", s}'
	fi
}

if want customers; then
	echo "== POST /v1/customers with Idempotency-Key, 32 clients, $DUR ($TOOL)"
	if [ "$TOOL" = wrk ]; then
		load_all bench/post_customers.lua PORTICO_KEY="$key"
	else
		"$work/portico-load" -url "http://$ADDR/v1/customers" -method POST -idempotency -c 32 -d "$DUR" \
			-body 'email=c{n}@example.com&name=Customer+{n}&metadata[n]={n}' -H "Authorization: Bearer $key"
	fi

	curl -fs "http://$ADDR/v1/customers?limit=100" -u "$key:" | grep -o '"id":"cus_[A-Za-z0-9]*"' | cut -d'"' -f4 >"$work/ids"
	echo "== GET /v1/customers/{id} over 100 customers, 32 clients, $DUR ($TOOL)"
	if [ "$TOOL" = wrk ]; then
		load_all bench/get_customer.lua PORTICO_KEY="$key" PORTICO_IDS="$work/ids"
	else
		sed "s|^|http://$ADDR/v1/customers/|" "$work/ids" >"$work/urls"
		"$work/portico-load" -urls-file "$work/urls" -c 32 -d "$DUR" -H "Authorization: Bearer $key"
	fi
fi

if want sessions; then
	# A portal session with a subscription_update_confirm flow: a customer with
	# a card, a product with two monthly prices in a configuration, a
	# subscription to one of them and a coupon.
	api() { curl -fs "http://$ADDR/v1/$1" -u "$key:" "${@:2}"; }
	cus=$(api customers -d email=bench@example.com -d payment_method=pm_card_visa -d "invoice_settings[default_payment_method]=pm_card_visa" | jq -r .id)
	prod=$(api products -d name=Bench | jq -r .id)
	p1=$(api prices -d product="$prod" -d currency=usd -d unit_amount=1000 -d "recurring[interval]=month" | jq -r .id)
	p2=$(api prices -d product="$prod" -d currency=usd -d unit_amount=2000 -d "recurring[interval]=month" | jq -r .id)
	conf=$(api billing_portal/configurations -d "features[payment_method_update][enabled]=true" -d "features[subscription_update][enabled]=true" \
		-d "features[subscription_update][default_allowed_updates][]=price" -d "features[subscription_update][products][0][product]=$prod" \
		-d "features[subscription_update][products][0][prices][]=$p1" -d "features[subscription_update][products][0][prices][]=$p2" | jq -r .id)
	sub=$(api subscriptions -d customer="$cus" -d "items[0][price]=$p1" | jq -r .id)
	si=$(api "subscriptions/$sub" | jq -r '.items.data[0].id')
	coupon=$(api coupons -d percent_off=10 | jq -r .id)
	body="customer=$cus&configuration=$conf&return_url=https%3A%2F%2Fexample.com%2Faccount&flow_data[type]=subscription_update_confirm"
	body+="&flow_data[subscription_update_confirm][subscription]=$sub&flow_data[subscription_update_confirm][items][0][id]=$si"
	body+="&flow_data[subscription_update_confirm][items][0][price]=$p2&flow_data[subscription_update_confirm][items][0][quantity]=2"
	body+="&flow_data[subscription_update_confirm][discounts][0][coupon]=$coupon"
	body+="&flow_data[after_completion][type]=redirect&flow_data[after_completion][redirect][return_url]=https%3A%2F%2Fexample.com%2Fdone"
	api billing_portal/sessions -d "$body" >/dev/null || { echo "portal session setup failed"; exit 1; }
	echo "== POST /v1/billing_portal/sessions (subscription_update_confirm) with Idempotency-Key, 32 clients, $DUR ($TOOL)"
	if [ "$TOOL" = wrk ]; then
		load_all bench/portal_sessions.lua PORTICO_KEY="$key" PORTICO_SESSION_BODY="$body"
	else
		"$work/portico-load" -url "http://$ADDR/v1/billing_portal/sessions" -method POST -idempotency -c 32 -d "$DUR" \
			-body "$body" -H "Authorization: Bearer $key"
	fi
fi
