#!/usr/bin/env bash
# Issue 22's measure of group features on whole APIs: the full GitHub and Stripe documents of
# the corpus imported, generated, and each crate's own unit checked
# (`CARGO_INCREMENTAL=0 cargo check` after touching `src/lib.rs`, and `models/src/lib.rs` where
# the models are a crate of their own, so that only the generated code is compiled) with default features (every group) and with one group alone
# (`--no-default-features --features group-…`: GitHub `issues`, Stripe `customers` and
# `products`) and with none. Prints
# /usr/bin/time's user CPU, wall time and peak memory of each check with the load average
# before and after it.
#
# GitHub's operations carry tags, which the importer makes groups. Stripe's document (2023-09)
# has none, so its endpoints are grouped here by the first path segment after `/v1/`
# (`/v1/customers/{customer}/sources` → `customers`), which is how Stripe's API reference
# names its resources; a hand-made step, not the importer's.
#
# Usage: bash tests/groups/measure.sh [WORK_DIR]   (default: a temporary folder, removed)
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)
corpus="$root/../shared/corpus/openapi"
target_dir=$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')
cargo build --quiet -p accord-cli
accord="$target_dir/debug/accord"
work=${1:-}
if [ -z "$work" ]; then
    work=$(mktemp -d)
    trap 'rm -rf "$work"' EXIT
fi
mkdir -p "$work/specs"

"$accord" import openapi "$corpus/github-rest-api.2021-10-10.json" -o "$work/specs/github_full.yaml" --force > /dev/null 2>&1
"$accord" import openapi "$corpus/stripe-spec3.2023-09-12.yaml" -o "$work/specs/stripe_full.yaml" --force > /dev/null 2>&1
# Stripe: `group:` after each endpoint's `path:`, from the path's first segment after /v1/.
python3 - "$work/specs/stripe_full.yaml" <<'PY'
import re, sys
path = sys.argv[1]
out, inside = [], False
for line in open(path).read().split("\n"):
    if line == "endpoints:":
        inside = True
    elif inside and re.match(r"^[a-z]", line):
        inside = False
    out.append(line)
    found = re.match(r"^    path: '?/v1/([a-z_0-9]+)", line) if inside else None
    if found:
        out.append("    group: " + found.group(1))
open(path, "w").write("\n".join(out))
PY
# Both specs in one run: `generate` removes from its output folder what an earlier run wrote
# and this one does not, so one spec at a time would leave only the last.
"$accord" generate "$work/specs" --out "$work/generated" --runtime-path "$root/crates/accord-runtime" > /dev/null
{
    echo '[workspace]'
    echo 'resolver = "3"'
    echo 'members = ["generated/github_full", "generated/stripe_full"]'
    sed -n '/^\[profile/,$p' Cargo.toml
} > "$work/Cargo.toml"
cp Cargo.lock "$work/Cargo.lock"

# measure NAME LABEL [FEATURE ARGS…]: a first build, then the crate alone, timed.
measure() {
    local name=$1 label=$2 package
    package="${1//_/-}-client"
    shift 2
    (cd "$work" && CARGO_INCREMENTAL=0 CARGO_TARGET_DIR="$target_dir" cargo check --quiet -p "$package" "$@")
    touch "$work/generated/$name/src/lib.rs"
    # A large API's models are a crate of their own (`models/`): checked again too, so that the
    # time is of all the generated code, as with the models inside.
    if [ -f "$work/generated/$name/models/src/lib.rs" ]; then touch "$work/generated/$name/models/src/lib.rs"; fi
    local before after
    before=$(cut -d' ' -f1-3 /proc/loadavg)
    (cd "$work" && CARGO_INCREMENTAL=0 CARGO_TARGET_DIR="$target_dir" /usr/bin/time -v cargo check --quiet -p "$package" "$@") 2> "$work/time.log"
    after=$(cut -d' ' -f1-3 /proc/loadavg)
    local user wall rss
    user=$(sed -n 's/.*User time (seconds): //p' "$work/time.log")
    wall=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$work/time.log")
    rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$work/time.log")
    printf '%-12s %-34s user %6s s  wall %8s  peak %5d MiB  load %s -> %s\n' \
        "$name" "$label" "$user" "$wall" "$((rss / 1024))" "$before" "$after"
}

lines() { wc -l < "$1" | tr -d ' '; }
for name in github_full stripe_full; do
    crate="$work/generated/$name"
    models="$crate/src/models.rs"
    [ -f "$models" ] || models="$crate/models/src/models.rs"
    echo "$name: $(grep -c '^    group: ' "$work/specs/$name.yaml") grouped endpoints, $(grep -c '^group-.* = \[' "$crate/Cargo.toml") groups; models.rs $(lines "$models") lines, client.rs $(lines "$crate/src/client.rs") lines"
done
measure github_full "default (all groups)"
measure github_full "--features group-issues" --no-default-features --features group-issues
measure stripe_full "default (all groups)"
measure stripe_full "--features group-customers" --no-default-features --features group-customers
# A small resource: without gating the error object's fields it compiled the 500 models its
# PaymentIntent, PaymentMethod, SetupIntent and Source hold.
measure stripe_full "--features group-products" --no-default-features --features group-products
measure stripe_full "no group" --no-default-features
