#!/usr/bin/env bash
# The OpenAPI corpus through accord, as a user would take it: every document in
# ../shared/corpus/openapi is imported (`accord import openapi`), the specs are checked and
# generated, and every generated client crate passes `cargo check`. CI runs it after the tests.
#
# The crates are checked as one throw-away workspace in a temporary folder, with this
# repository's Cargo.lock (same dependency versions, nothing new to download) and its dev
# profile, sharing the repository's target folder, so the runtime and its dependencies are
# compiled once for the tests and this check alike. Budget on 2 cores: see the closing note of
# the import issue; `IMPORT_KEEP=1` keeps the folder for inspection.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)
corpus="$root/../shared/corpus/openapi"
target_dir=$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')
cargo build --quiet -p accord-cli
accord="$target_dir/debug/accord"

work=$(mktemp -d)
if [ -z "${IMPORT_KEEP:-}" ]; then trap 'rm -rf "$work"' EXIT; else echo "import: keeping $work"; fi
mkdir -p "$work/specs"

count=0
for document in "$corpus"/*; do
    base=$(basename "$document")
    name=$(echo "${base%.*}" | tr 'A-Z' 'a-z' | sed 's/[^a-z0-9]/_/g; s/^\([0-9]\)/api_\1/')
    "$accord" import openapi "$document" -o "$work/specs/$name.yaml" --force 2> "$work/$name.warnings" > /dev/null
    warnings=$(sed -n 's/^warnings by kind (\([0-9]*\) warning.*/\1/p' "$work/$name.warnings")
    echo "import: $base -> $name.yaml (${warnings:-0} warnings)"
    count=$((count + 1))
done
if [ "$count" -ne 17 ]; then
    echo "import: expected the 17 corpus documents, found $count" >&2
    exit 1
fi

"$accord" check "$work/specs" > /dev/null
"$accord" generate "$work/specs" --out "$work/generated" --runtime-path "$root/crates/accord-runtime" 2> /dev/null

# One workspace of every generated crate, this repository's lock file and dev profile.
{
    echo '[workspace]'
    echo 'resolver = "3"'
    echo 'members = ['
    for crate in "$work"/generated/*/Cargo.toml; do
        echo "    \"generated/$(basename "$(dirname "$crate")")\","
    done
    echo ']'
    sed -n '/^\[profile/,$p' Cargo.toml
} > "$work/Cargo.toml"
cp Cargo.lock "$work/Cargo.lock"
start=$SECONDS
(cd "$work" && CARGO_TARGET_DIR="$target_dir" cargo check --quiet --workspace)
echo "import: $count documents imported, checked, generated; cargo check of every crate took $((SECONDS - start)) s"
