#!/usr/bin/env bash
# Throughput of `accord mock` on the orders spec, against Prism on an equivalent OpenAPI
# description. Run by hand from anywhere: `bash crates/accord-mock/benches/throughput.sh`.
#
# Installs its load generator (oha, from crates.io) and Prism (@stoplight/prism-cli, from npm)
# into $BENCH_TOOLS (default: target/bench-tools), builds accord in release mode, then for
# each server runs a GET (get_order) and a validated POST (create_order, JSON body checked
# against the CreateOrder schema) for $DURATION with $CONNECTIONS connections on loopback and
# prints requests/second and p50/p99 latency. Rate limits are off in the accord mock
# (--no-rate-limits) so that every request is answered in full; Prism has none.
set -euo pipefail

root="$(cd "$(dirname "$0")/../../.." && pwd)"
cd "$root"
tools="${BENCH_TOOLS:-$root/target/bench-tools}"
duration="${DURATION:-10s}"
connections="${CONNECTIONS:-50}"
accord_port="${ACCORD_PORT:-4710}"
prism_port="${PRISM_PORT:-4711}"
mkdir -p "$tools"

if ! command -v oha >/dev/null && [ ! -x "$tools/bin/oha" ]; then
    echo "installing oha into $tools (crates.io)…" >&2
    cargo install oha --locked --root "$tools" >&2
fi
oha="$(command -v oha || echo "$tools/bin/oha")"
prism="$tools/prism/node_modules/.bin/prism"
if [ ! -x "$prism" ]; then
    echo "installing @stoplight/prism-cli into $tools/prism (npm)…" >&2
    mkdir -p "$tools/prism"
    (cd "$tools/prism" && npm install --no-audit --no-fund --silent @stoplight/prism-cli@5 >&2)
fi

cargo build --release -q -p accord-cli
work="$(mktemp -d)"
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

wait_for() {
    for _ in $(seq 1 200); do
        if curl -s -o /dev/null "$1"; then return 0; fi
        sleep 0.1
    done
    echo "server at $1 did not start" >&2
    exit 1
}

body='{"customer_id":"CUST-12345","items":[{"product_id":"SKU-001","quantity":2,"unit_price":29.99}]}'

# One load run; prints "rps p50_ms p99_ms non_2xx".
load() {
    local json="$work/oha.json"
    "$oha" --no-tui --output-format json -z "$duration" -c "$connections" "$@" > "$json"
    python3 - "$json" <<'PY'
import json, sys
data = json.load(open(sys.argv[1]))
summary = data["summary"]
latency = data["latencyPercentiles"]
codes = data.get("statusCodeDistribution", {})
bad = sum(count for code, count in codes.items() if not code.startswith("2"))
print(f'{summary["requestsPerSec"]:.0f} {latency["p50"] * 1000:.2f} {latency["p99"] * 1000:.2f} {bad}')
PY
}

results=()
run_server() {
    local name="$1" base="$2" auth="$3"
    local get post
    # The orders spec puts a UUID `X-Request-ID` on every request; the mock checks it.
    local id="X-Request-ID: 0b8e5c3a-1f2d-4c6b-8e9a-7d6c5b4a3f21"
    get=$(load -H "$auth" -H "$id" "$base/api/v1/orders/ORD-12345678")
    post=$(load -m POST -H "$auth" -H "$id" -H "content-type: application/json" -d "$body" "$base/api/v1/orders")
    results+=("$name GET $get" "$name POST $post")
}

# accord mock (OAuth2: fetch a token from the mock's token endpoint first).
target/release/accord mock specs/orders.yaml --port "$accord_port" --no-rate-limits > "$work/accord.log" 2>&1 &
pids+=($!)
wait_for "http://127.0.0.1:$accord_port/__accord"
token=$(curl -s -X POST "http://127.0.0.1:$accord_port/oauth/token" \
    -d "grant_type=client_credentials&client_id=test-client&client_secret=test-secret" \
    | python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')
# The log line per request goes to a file, as it would in use.
run_server "accord-mock" "http://127.0.0.1:$accord_port" "Authorization: Bearer $token"

# Prism on the same API, exported from the contract accord generated.
python3 crates/accord-mock/benches/openapi_from_contract.py generated/orders/contract.json > "$work/orders.openapi.json"
"$prism" mock "$work/orders.openapi.json" --port "$prism_port" --host 127.0.0.1 > "$work/prism.log" 2>&1 &
pids+=($!)
wait_for "http://127.0.0.1:$prism_port/api/v1/orders/ORD-1"
run_server "prism" "http://127.0.0.1:$prism_port" "Authorization: Bearer token"

echo
echo "orders spec, loopback, $connections connections, $duration per run, $(nproc) cores"
echo
echo "| server | request | req/s | p50 (ms) | p99 (ms) | non-2xx |"
echo "| --- | --- | ---: | ---: | ---: | ---: |"
for row in "${results[@]}"; do
    read -r name request rps p50 p99 bad <<<"$row"
    echo "| $name | $request | $rps | $p50 | $p99 | $bad |"
done
