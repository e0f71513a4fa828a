#!/usr/bin/env bash
# Speed of `accord import openapi` and `accord generate` on the two largest documents of the
# OpenAPI corpus (GitHub REST, Stripe): median wall time of several runs and, when valgrind is
# installed, callgrind's instruction count of one run (repeatable on a busy machine, where wall
# times are not). Not run by CI; no timing is asserted anywhere.
#
#   bash crates/accord-cli/benches/generate_speed.sh [RUNS]     (from the workspace root)
#
# CORPUS (default ../shared/corpus/openapi) is where the documents are; ACCORD a prebuilt
# binary to measure instead of building the release one.
set -euo pipefail
cd "$(dirname "$0")/../../.."
runs=${1:-7}
corpus=${CORPUS:-../shared/corpus/openapi}
if [ -z "${ACCORD:-}" ]; then
    cargo build --quiet --release -p accord-cli
    ACCORD=target/release/accord
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

median_seconds() { # command… : median wall seconds of $runs runs
    for _ in $(seq "$runs"); do
        rm -rf "$work/out"
        /usr/bin/time -f %e "$@" >/dev/null 2>>"$work/times" || true
        tail -n 1 "$work/times"
    done | sort -n | awk '{ t[NR] = $1 } END { print t[int((NR + 1) / 2)] }'
}

instructions() { # command… : instructions of one run under callgrind, or "-"
    command -v valgrind >/dev/null || { echo -; return; }
    rm -rf "$work/out"
    valgrind --tool=callgrind --callgrind-out-file="$work/callgrind.out" "$@" 2>&1 >/dev/null |
        awk '/refs:/ { gsub(",", "", $NF); print $NF }'
}

printf '%-8s %-9s %10s %16s\n' spec step "median s" instructions
for document in github-rest-api.2021-10-10.json stripe-spec3.2023-09-12.yaml; do
    name=${document%%-*}
    mkdir -p "$work/$name"
    spec="$work/$name/$name.yaml"
    "$ACCORD" import openapi "$corpus/$document" -o "$spec" --force >/dev/null 2>&1
    import=("$ACCORD" import openapi "$corpus/$document" -o "$work/import.yaml" --force)
    generate=("$ACCORD" generate "$spec" -o "$work/out")
    printf '%-8s %-9s %10s %16s\n' "$name" import "$(median_seconds "${import[@]}")" "$(instructions "${import[@]}")"
    printf '%-8s %-9s %10s %16s\n' "$name" generate "$(median_seconds "${generate[@]}")" "$(instructions "${generate[@]}")"
done
