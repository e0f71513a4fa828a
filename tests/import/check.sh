#!/usr/bin/env bash
# The OpenAPI corpus through accord, as a user would take it: every document in
# ../shared/corpus/openapi (OpenAPI 3.0 and 3.1), ../shared/corpus/openapi-next (Swagger 2.0)
# and every root `openapi.yaml` under ../shared/corpus/openapi-trees (descriptions split over
# many files, imported from their root) is imported (`accord import openapi`), the specs are
# checked and generated, every generated client crate passes `cargo check`, and
# `cargo test --doc` of every crate passes: no text from an API description may become a
# failing doc-test. CI runs it after the tests.
#
# Every document is tried even when one before it failed; the run fails at the end, naming
# each document and step that failed. The number of documents is counted per folder (a folder
# that is missing or empty fails the run, nothing is skipped silently).
#
# The crates are checked as one throw-away workspace in a temporary folder, with this
# repository's Cargo.lock (same dependency versions, nothing new to download) and its dev
# profile, sharing the repository's target folder, so the runtime and its dependencies are
# compiled once for the tests and this check alike. Budget on 2 cores: see the closing notes
# of the import issues; `IMPORT_KEEP=1` keeps the folder for inspection.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)
corpus="$root/../shared/corpus"
target_dir=$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')
cargo build --quiet -p accord-cli
accord="$target_dir/debug/accord"

work=$(mktemp -d)
if [ -z "${IMPORT_KEEP:-}" ]; then trap 'rm -rf "$work"' EXIT; else echo "import: keeping $work"; fi
mkdir -p "$work/specs"

failed=()
declare -A taken=()

# import_document DOCUMENT NAME: one document into specs/NAME.yaml, its warnings beside it.
import_document() {
    local document=$1 name=$2
    if [ -n "${taken[$name]:-}" ]; then
        echo "import: $document and ${taken[$name]} would both be spec \`$name\`" >&2
        exit 1
    fi
    taken[$name]=$document
    if "$accord" import openapi "$document" -o "$work/specs/$name.yaml" --force 2> "$work/$name.warnings" > /dev/null; then
        local warnings
        warnings=$(sed -n 's/^warnings by kind (\([0-9]*\) warning.*/\1/p' "$work/$name.warnings")
        echo "import: ${document#"$corpus/"} -> $name.yaml (${warnings:-0} warnings)"
    else
        echo "import: ${document#"$corpus/"} FAILED:" >&2
        grep -m 3 -E '(^|: )error' "$work/$name.warnings" >&2 || tail -n 3 "$work/$name.warnings" >&2
        failed+=("import ${document#"$corpus/"}")
    fi
}

# A spec name from a file or folder name: lower snake case, no leading digit.
spec_name() {
    echo "$1" | tr 'A-Z' 'a-z' | sed 's/[^a-z0-9]/_/g; s/__*/_/g; s/^_//; s/_$//; s/^\([0-9]\)/api_\1/'
}

# Single documents: every file of each folder.
for folder in openapi openapi-next; do
    count=0
    for document in "$corpus/$folder"/*; do
        [ -f "$document" ] || continue
        base=$(basename "$document")
        import_document "$document" "$(spec_name "${base%.*}")"
        count=$((count + 1))
    done
    if [ "$count" -eq 0 ]; then
        echo "import: no documents in $corpus/$folder" >&2
        exit 1
    fi
    echo "import: $count document(s) from $folder/"
done

# Multi-file trees: every root `openapi.yaml`, named after the tree's top folder.
count=0
while IFS= read -r -d '' document; do
    relative=${document#"$corpus/openapi-trees/"}
    import_document "$document" "$(spec_name "${relative%%/*}")"
    count=$((count + 1))
done < <(find "$corpus/openapi-trees" -name openapi.yaml -print0 | sort -z)
if [ "$count" -eq 0 ]; then
    echo "import: no root openapi.yaml under $corpus/openapi-trees" >&2
    exit 1
fi
echo "import: $count tree(s) from openapi-trees/"

specs=("$work"/specs/*.yaml)
if [ ! -e "${specs[0]}" ]; then
    echo "import: nothing was imported" >&2
    exit 1
fi
# Each spec checked and generated on its own, so that one that fails leaves the others' crates;
# each into its own folder, since a run removes what an earlier run into the same folder wrote
# and it no longer produces (the other specs' crates).
for spec in "${specs[@]}"; do
    name=$(basename "${spec%.yaml}")
    if ! "$accord" check "$spec" > /dev/null 2> "$work/$name.check"; then
        echo "import: check of $name.yaml FAILED:" >&2
        grep -m 3 -E '(^|: )error' "$work/$name.check" >&2 || tail -n 3 "$work/$name.check" >&2
        failed+=("check $name")
    elif ! "$accord" generate "$spec" --out "$work/generated/$name" --runtime-path "$root/crates/accord-runtime" > /dev/null 2> "$work/$name.generate"; then
        echo "import: generate of $name.yaml FAILED:" >&2
        grep -m 3 -E '(^|: )error' "$work/$name.generate" >&2 || tail -n 3 "$work/$name.generate" >&2
        failed+=("generate $name")
    fi
done

crates=("$work"/generated/*/*/Cargo.toml)
if [ -e "${crates[0]}" ]; then
    # One workspace of every generated crate, this repository's lock file and dev profile.
    {
        echo '[workspace]'
        echo 'resolver = "3"'
        echo 'members = ['
        for crate in "${crates[@]}"; do
            echo "    \"$(dirname "${crate#"$work"/}")\","
        done
        echo ']'
        sed -n '/^\[profile/,$p' Cargo.toml
    } > "$work/Cargo.toml"
    cp Cargo.lock "$work/Cargo.lock"
    start=$SECONDS
    if ! (cd "$work" && CARGO_TARGET_DIR="$target_dir" cargo check --quiet --workspace --keep-going); then
        failed+=("cargo check (see above)")
    fi
    echo "import: cargo check of ${#crates[@]} crates took $((SECONDS - start)) s"
    # Doc-tests: a description's code block must never become a failing doc-test. Each failing
    # doc-test (and any build error) is printed under its crate's name.
    start=$SECONDS
    if ! (cd "$work" && CARGO_TARGET_DIR="$target_dir" cargo test --doc --workspace --no-fail-fast > "$work/doc-tests.log" 2>&1); then
        awk '/Doc-tests /{crate=$2} /\.\.\. FAILED$|^error/{print "import: doc-tests of " crate ": " $0}' "$work/doc-tests.log" | head -n 100 >&2
        failed+=("cargo test --doc: $(grep -c '\.\.\. FAILED$' "$work/doc-tests.log" || true) failing doc-test(s) (see above)")
    fi
    echo "import: cargo test --doc of ${#crates[@]} crates took $((SECONDS - start)) s"
fi

if [ "${#failed[@]}" -ne 0 ]; then
    echo "import: ${#failed[@]} step(s) failed:" >&2
    printf '  %s\n' "${failed[@]}" >&2
    exit 1
fi
echo "import: ${#specs[@]} documents imported, checked, generated; ${#crates[@]} crates pass cargo check and their doc-tests"
