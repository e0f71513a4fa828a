#!/usr/bin/env bash
# Checks `accord export openapi` for every spec in specs/, as a peer's tools read the result:
#
# 1. openapi-spec-validator (PyPI, pinned) validates each exported OpenAPI 3.1 document against
#    the OpenAPI 3.1 schema (and its JSON Schema 2020-12 dialect);
# 2. Schemathesis (PyPI, pinned) runs each document against `accord mock` of the same spec,
#    bounded in examples per operation and in time, with the checks that a response must keep
#    the document (status code documented, body matching its schema, content type, documented
#    headers, no 5xx the document does not list); any finding fails the script. Requests are
#    generated valid for the document (`--mode positive`): what a client keeping the document
#    is promised. (Invalid requests get the mock's validation or auth answer, which a spec
#    that does not list a 400/401/422 code on every endpoint does not document; see issue 21.)
#
# Tools are installed when missing, pinned, into virtual environments in a cache folder
# outside the repository (ACCORD_TOOLS, default ~/.cache/accord-tools), so later runs start at
# once. An install that fails (no registry, offline) fails this script loudly: it never passes
# without having run the tools. Exported documents and Schemathesis reports go to
# target/export/ (ignored by git). CI runs it; by hand: `bash tests/export/check.sh`.
set -euo pipefail
cd "$(dirname "$0")/../.."

validator_version=0.9.0
schemathesis_version=4.32.5
# Bounds of the Schemathesis run per spec: test cases per operation and seconds in all.
max_examples=${ACCORD_SCHEMATHESIS_EXAMPLES:-25}
max_seconds=${ACCORD_SCHEMATHESIS_SECONDS:-20}
tools="${ACCORD_TOOLS:-${XDG_CACHE_HOME:-$HOME/.cache}/accord-tools}"
mkdir -p "$tools"

# A virtual environment with one pinned package: `install NAME VERSION` prints its bin folder.
install() {
    local name=$1 version=$2 venv="$tools/$1-$2"
    if [ ! -x "$venv/bin/$name" ]; then
        echo "export: installing $name $version into $venv" >&2
        rm -rf "$venv"
        if ! python3 -m venv "$venv" >&2 || ! "$venv/bin/pip" install --quiet --disable-pip-version-check \
            "$name==$version" >&2; then
            rm -rf "$venv"
            echo "export: FAILED to install $name $version from PyPI; the OpenAPI export is NOT checked" >&2
            exit 1
        fi
    fi
    echo "$venv/bin"
}
validator_bin=$(install openapi-spec-validator "$validator_version")
schemathesis_bin=$(install schemathesis "$schemathesis_version")

target_dir=$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')
cargo build --quiet -p accord-cli
accord="$target_dir/debug/accord"
out=target/export
rm -rf "$out"
mkdir -p "$out"

specs=(specs/*.yaml)
for spec in "${specs[@]}"; do
    name=$(basename "$spec" .yaml)
    "$accord" export openapi "$spec" -o "$out/$name.json" 2> /dev/null > /dev/null
    "$accord" export openapi "$spec" -o "$out/$name.yaml" 2> /dev/null > /dev/null
done

# 1. The OpenAPI 3.1 schema.
echo "export: openapi-spec-validator $validator_version"
"$validator_bin/openapi-spec-validator" "$out"/*.json "$out"/*.yaml

# 2. Schemathesis against the mock.
mock_pid=
cleanup() { if [ -n "$mock_pid" ]; then kill "$mock_pid" 2> /dev/null || true; fi; }
trap cleanup EXIT
failed=()
not_run=()
for spec in "${specs[@]}"; do
    name=$(basename "$spec" .yaml)
    log="$out/$name.mock.log"
    # Rate limits off: Schemathesis sends as fast as it can, and a run mostly answered with 429
    # tests nothing behind it (the limits are tested by the runtime's and the mock's tests).
    "$accord" mock "$spec" --port 0 --no-rate-limits > "$log" 2> /dev/null &
    mock_pid=$!
    for _ in $(seq 1 100); do grep -q "on http://" "$log" 2> /dev/null && break; sleep 0.1; done
    base_url=$(grep -m 1 -o "on http://[^ ]*" "$log" | sed 's/^on //')
    if [ -z "$base_url" ]; then
        echo "export: accord mock $spec did not start" >&2
        exit 1
    fi
    # The mock's test credentials (accord_mock::credentials) as the document's schemes take them.
    # Exit 3: the API signs every request (SigV4, HMAC), which Schemathesis cannot do; the spec
    # is reported as not run, by name, at the end (its signing is tested by
    # crates/accord-runtime/tests/signing.rs and the mock's tests/mock/signing.rs).
    set +e
    auth_text=$(python3 tests/export/credentials.py "$out/$name.json" "$base_url")
    status=$?
    set -e
    if [ "$status" -eq 3 ]; then
        echo "export: NOT RUN: Schemathesis against $name (its requests must be signed one by one)"
        not_run+=("$name")
        kill "$mock_pid" 2> /dev/null || true
        wait "$mock_pid" 2> /dev/null || true
        mock_pid=
        continue
    elif [ "$status" -ne 0 ]; then
        echo "export: no test credentials for $name" >&2
        exit 1
    fi
    auth=()
    if [ -n "$auth_text" ]; then mapfile -t auth <<< "$auth_text"; fi
    echo "export: schemathesis $schemathesis_version, $name ($max_examples examples per operation, at most $max_seconds s)"
    start=$SECONDS
    if ! "$schemathesis_bin/schemathesis" run "$out/$name.json" --url "$base_url" "${auth[@]}" \
        --checks not_a_server_error,status_code_conformance,content_type_conformance,response_headers_conformance,response_schema_conformance \
        --mode positive --max-examples "$max_examples" --max-time "$max_seconds" --seed 20261203 --workers 1 \
        --generation-database none --no-color --report junit --report-dir "$out/schemathesis-$name" \
        > "$out/$name.schemathesis.txt" 2>&1; then
        failed+=("$name")
        tail -n 60 "$out/$name.schemathesis.txt"
    fi
    grep -E "^(Test cases:|  [0-9]+ generated)" "$out/$name.schemathesis.txt" | tr '\n' ' ' || true
    echo "($((SECONDS - start)) s)"
    kill "$mock_pid" 2> /dev/null || true
    wait "$mock_pid" 2> /dev/null || true
    mock_pid=
done
if [ ${#failed[@]} -gt 0 ]; then
    echo "export: Schemathesis found responses that break the exported document of: ${failed[*]} (reports in $out)" >&2
    exit 1
fi
echo "export: ${#specs[@]} exports valid OpenAPI 3.1; no response of accord mock breaks them for $((${#specs[@]} - ${#not_run[@]})) of them"
if [ ${#not_run[@]} -gt 0 ]; then
    echo "export: Schemathesis NOT RUN for ${not_run[*]}: every request must be signed, which it cannot do"
fi
