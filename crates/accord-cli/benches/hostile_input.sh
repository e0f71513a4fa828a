#!/usr/bin/env bash
# Time and peak memory of `accord check` and `accord import openapi` on hostile inputs made
# here: nesting at several depths (block sequences `- - - …`, flow sequences `[[[…]]]`, flow
# mappings `{a: {a: …}}`, JSON arrays inside an OpenAPI document), a YAML alias bomb
# ("billion laughs"), two YAML documents in one file, and a file that is not UTF-8. Each line
# gives the wall seconds, the peak resident memory (`/usr/bin/time -v`), the exit status
# (134 is an abort: a stack overflow) and the first line accord printed. Not run by CI; no
# timing is asserted anywhere (the regression tests are in crates/accord/tests/hostile.rs).
#
#   bash crates/accord-cli/benches/hostile_input.sh [DEPTHS…]    (from the workspace root)
#
# DEPTHS default to 5000 20000 50000 100000. ACCORD is a prebuilt binary to measure (e.g.
# one built from an older commit) instead of building the release one. LIMIT (default 60)
# is the most seconds one run may take; a run stopped by it shows `timeout`.
set -euo pipefail
cd "$(dirname "$0")/../../.."
depths=("$@")
[ ${#depths[@]} -gt 0 ] || depths=(5000 20000 50000 100000)
limit=${LIMIT:-60}
if [ -z "${ACCORD:-}" ]; then
    cargo build --quiet --release -p accord-cli
    ACCORD=target/release/accord
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

repeat() { # TEXT COUNT: TEXT written COUNT times
    awk -v text="$1" -v count="$2" 'BEGIN { for (i = 0; i < count; i++) printf "%s", text }'
}

# The inputs, each as NAME.yaml or NAME.json in $work.
make_inputs() {
    local depth
    for depth in "${depths[@]}"; do
        { repeat '- ' "$depth"; echo x; } >"$work/block-$depth.yaml"
        { repeat '[' "$depth"; repeat ']' "$depth"; echo; } >"$work/flow-$depth.yaml"
        { repeat '{a: ' "$depth"; echo -n 1; repeat '}' "$depth"; echo; } >"$work/flowmap-$depth.yaml"
        {
            echo -n '{"openapi": "3.1.0", "info": {"title": "Deep", "version": "1"}, "paths": {}, "x": '
            repeat '[' "$depth"
            repeat ']' "$depth"
            echo '}'
        } >"$work/openapi-$depth.json"
    done
    # Four levels of a hundred aliases each: 10^8 nodes once expanded, from 2 KB.
    {
        echo "a0: &a0 [$(repeat 'lol, ' 99)lol]"
        for level in 1 2 3; do
            echo "a$level: &a$level [$(repeat "*a$((level - 1)), " 99)*a$((level - 1))]"
        done
    } >"$work/alias-bomb.yaml"
    printf 'accord: 1\nname: two\n---\naccord: 1\nname: three\n' >"$work/two-documents.yaml"
    printf 'accord: 1\nname: latin\ntitle: "caf\xe9"\n' >"$work/not-utf8.yaml"
}

run() { # COMMAND FILE: one line of measurements
    local command=$1 file=$2 status=0
    local args=(check "$work/$file")
    [ "$command" = import ] && args=(import openapi "$work/$file")
    timeout "$limit" /usr/bin/time -v -o "$work/time" "$ACCORD" "${args[@]}" >/dev/null 2>"$work/stderr" || status=$?
    if [ "$status" = 124 ]; then
        printf '%-7s %-24s %9s %10s %6s  %s\n' "$command" "$file" "timeout" "-" "-" "stopped after ${limit}s"
        return
    fi
    local seconds kilobytes message
    seconds=$(awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, t, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + t[i]; print s }' "$work/time")
    kilobytes=$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$work/time")
    message=$(awk -v work="$work/" '{ gsub(work, ""); print substr($0, 1, 110); exit }' "$work/stderr")
    printf '%-7s %-24s %9s %10s %6s  %s\n' "$command" "$file" "$seconds" "$((kilobytes / 1024))" "$status" "$message"
}

make_inputs
printf '%-7s %-24s %9s %10s %6s  %s\n' command input seconds "peak MiB" status "first line"
for depth in "${depths[@]}"; do
    for kind in block flow flowmap; do
        run check "$kind-$depth.yaml"
    done
    run import "flow-$depth.yaml"
    run import "openapi-$depth.json"
done
run check alias-bomb.yaml
run import alias-bomb.yaml
run check two-documents.yaml
run check not-utf8.yaml
run import not-utf8.yaml
