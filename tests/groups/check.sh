#!/usr/bin/env bash
# Group features (issue 22) as a user turns them on: every generated crate of generated/ that
# declares `group-*` features in its Cargo.toml passes `cargo check` with no group at all
# (`--no-default-features`) and with each group alone (`--no-default-features --features
# group-X`), without a warning of its own (an item left unused by one group means the gates
# disagree). Default features are what `cargo test --workspace` builds. CI runs it after the
# tests, which have compiled every dependency already: each check is the crate's own unit.
#
# Without arguments it also checks the crate of tests/groups/error_gates.yaml (fields of the
# error object gated by groups), generated into a scratch workspace that shares the target
# folder, with no group, each group alone and every group: it is not one of specs/. And the
# same spec with 500 more models, `error_gates_large`, whose models are a crate of their own
# (`models/`, `accord::emit::rust::models_crate`): the client crate's group features turn on
# the models crate's.
#
# Usage: bash tests/groups/check.sh [CRATE_DIR ...]   (default: every crate under generated/
#        and the error-gates fixture)
set -euo pipefail
cd "$(dirname "$0")/../.."

dirs=("$@")
if [ ${#dirs[@]} -eq 0 ]; then
    for manifest in generated/*/Cargo.toml; do dirs+=("$(dirname "$manifest")"); done
    root=$(pwd)
    target_dir=$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')
    export CARGO_TARGET_DIR="$target_dir"
    cargo build --quiet -p accord-cli
    scratch=$(mktemp -d)
    trap 'rm -rf "$scratch"' EXIT
    mkdir -p "$scratch/specs"
    cp tests/groups/error_gates.yaml "$scratch/specs/"
    python3 - tests/groups/error_gates.yaml "$scratch/specs/error_gates_large.yaml" <<'PY'
import sys
text = open(sys.argv[1]).read().replace("\nname: error_gates\n", "\nname: error_gates_large\n", 1)
extra = "".join(f"  Extra{i:03}:\n    properties:\n      id: {{ type: string }}\n" for i in range(500))
open(sys.argv[2], "w").write(text.replace("\nmodels:\n", "\nmodels:\n" + extra, 1))
PY
    "$target_dir/debug/accord" generate "$scratch/specs" --out "$scratch/generated" \
        --runtime-path "$root/crates/accord-runtime" > /dev/null
    [ -f "$scratch/generated/error_gates_large/models/Cargo.toml" ] \
        || { echo "groups: error_gates_large has no models crate" >&2; exit 1; }
    {
        echo '[workspace]'
        echo 'resolver = "3"'
        echo 'members = ["generated/error_gates", "generated/error_gates_large"]'
    } > "$scratch/Cargo.toml"
    cp Cargo.lock "$scratch/Cargo.lock"
    dirs+=("$scratch/generated/error_gates" "$scratch/generated/error_gates_large")
fi

failed=()
checked=0
for dir in "${dirs[@]}"; do
    manifest="$dir/Cargo.toml"
    # `group-x = []`, or `group-x = ["NAME-models/group-x"]` where the models are a crate of
    # their own.
    groups=$(sed -n 's/^\(group-[a-z0-9-]*\) = \[.*\]$/\1/p' "$manifest")
    [ -n "$groups" ] || continue
    all_groups=$(echo $groups | tr ' ' ',')
    for features in "" $groups "$all_groups"; do
        args=(--manifest-path "$manifest" --no-default-features)
        [ -z "$features" ] || args+=(--features "$features")
        what="$dir ${features:-(no group)}"
        log=$(mktemp)
        if ! cargo check --quiet --message-format short "${args[@]}" > "$log" 2>&1; then
            cat "$log" >&2
            failed+=("$what: does not compile")
        elif grep -q "^$dir/.*: warning\|^generated/error_gates\(_large\)\?/.*: warning" "$log"; then
            cat "$log" >&2
            failed+=("$what: warnings")
        else
            echo "groups: $what: ok"
        fi
        rm -f "$log"
        checked=$((checked + 1))
    done
done

if [ "$checked" -eq 0 ]; then
    echo "groups: no crate declares group features; nothing was checked" >&2
    exit 1
fi
if [ ${#failed[@]} -gt 0 ]; then
    printf 'groups: %s\n' "${failed[@]}" >&2
    exit 1
fi
echo "groups: $checked build(s) of crates with group features compiled without warnings"
