#!/usr/bin/env bash
# Speed of `accord import openapi` and `accord generate` on the two largest documents of the
# OpenAPI corpus (GitHub REST, Stripe): median wall time of several runs and, when valgrind is
# installed, callgrind's instruction count of one run (repeatable on a busy machine, where wall
# times are not), with the CPU time of the median run, the 1-minute load average before each
# run, and issue 22's generation target (met only on a quiet machine: a load above the two
# cores inflates the wall time). Not run by CI; no timing is asserted anywhere.
# INSTRUCTIONS=0 skips callgrind.
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
    ACCORD=${CARGO_TARGET_DIR:-target}/release/accord
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

median_seconds() { # command… : "median-wall cpu-of-that-run [load l1 l2 …]" over $runs runs
    : >"$work/runs"
    for _ in $(seq "$runs"); do
        rm -rf "$work/out"
        load=$(cut -d' ' -f1 /proc/loadavg)
        /usr/bin/time -f '%e %U %S' "$@" >/dev/null 2>>"$work/times" || true
        echo "$(tail -n 1 "$work/times") $load" >>"$work/runs"
    done
    loads=$(awk '{ printf "%s%s", (NR > 1 ? " " : ""), $4 }' "$work/runs")
    sort -n "$work/runs" | awk -v loads="$loads" '{ w[NR] = $1; c[NR] = $2 + $3 }
        END { m = int((NR + 1) / 2); printf "%s %.2f [load %s]", w[m], c[m], loads }'
}

# Issue 22: `accord generate` at least 20x faster than openapi-generator (6.80 s on GitHub,
# 11.2 s on Stripe, measured beside it on a quiet 2-core machine).
target_of() { case "$1" in github) echo 0.34 ;; stripe) echo 0.56 ;; esac; }

instructions() { # command… : instructions of one run under callgrind, or "-"
    { command -v valgrind >/dev/null && [ "${INSTRUCTIONS:-1}" != 0 ]; } || { echo -; return; }
    rm -rf "$work/out"
    valgrind --tool=callgrind --callgrind-out-file="$work/callgrind.out" "$@" 2>&1 >/dev/null |
        awk '/refs:/ { gsub(",", "", $NF); print $NF }'
}

printf '%-8s %-9s %10s %7s %16s  %s\n' spec step "median s" "cpu s" instructions "load before each run; target"
for document in github-rest-api.2021-10-10.json stripe-spec3.2023-09-12.yaml; do
    name=${document%%-*}
    mkdir -p "$work/$name"
    spec="$work/$name/$name.yaml"
    "$ACCORD" import openapi "$corpus/$document" -o "$spec" --force >/dev/null 2>&1
    import=("$ACCORD" import openapi "$corpus/$document" -o "$work/import.yaml" --force)
    generate=("$ACCORD" generate "$spec" -o "$work/out")
    read -r wall cpu loads <<<"$(median_seconds "${import[@]}")"
    printf '%-8s %-9s %10s %7s %16s  %s\n' "$name" import "$wall" "$cpu" "$(instructions "${import[@]}")" "$loads"
    read -r wall cpu loads <<<"$(median_seconds "${generate[@]}")"
    target=$(target_of "$name")
    verdict=$(awk -v w="$wall" -v t="$target" 'BEGIN { print (w <= t ? "met" : "MISSED") }')
    printf '%-8s %-9s %10s %7s %16s  %s; target <= %s s: %s\n' "$name" generate "$wall" "$cpu" \
        "$(instructions "${generate[@]}")" "$loads" "$target" "$verdict"
done
