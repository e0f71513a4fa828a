#!/usr/bin/env bash
# accord against progenitor and openapi-generator (`-g rust`) on Petstore, GitHub and Stripe:
# generation time and peak memory, cold `cargo check` / `cargo build` of each generated crate,
# its line count, and whether it compiles at all. Run by hand, not in CI (it takes long):
#
#     bash crates/accord-cli/benches/compare/run.sh
#
# Environment (all optional):
#   BENCH_SCRATCH   scratch folder for tools, outputs, logs and results (/tmp/accord-compare)
#   APIS            subset of "petstore github stripe"
#   TOOLS           subset of "accord progenitor progenitor-adapted openapi-generator"
#   REPS            generation repetitions, median reported (3)
#   COMPILE_REPS    cold check/build repetitions, median reported (1: each takes minutes)
#   BENCH_TIMEOUT   seconds per step; a timeout is recorded as a result (1200)
#   COMPILE=0       re-measure generation only, keeping earlier compile results
#   ANALYZE         cargo llvm-lines: auto (accord, when it misses the check target) | all | none
#                   | a list of tool names
#   OAG_EXTRA_ARGS  extra arguments for openapi-generator, e.g. --skip-validate-spec
#   ACCORD_BIN      an accord binary to measure instead of building the release one (which goes
#                   to the target folder cargo reports, so CARGO_TARGET_DIR is followed)
#   BENCH_CORPUS    folder of the OpenAPI documents (../shared/corpus/openapi beside the checkout)
#   OVERHEAD=0      skip the client-overhead bench (tests/overhead, `accord-overhead-bench`: needs
#                   valgrind; about a minute once built)
#
# The peers are installed from their registries into the scratch folder, at pinned versions:
# openapi-generator-cli from PyPI (bundles the jar; needs `java`) and cargo-progenitor from
# crates.io. The report goes to stdout and $BENCH_SCRATCH/results.md; raw records per (API,
# tool) stay in $BENCH_SCRATCH/raw, so `python3 bench.py report` can rebuild it, and a partial
# run (APIS=stripe TOOLS=accord) refreshes only its own rows.
set -euo pipefail

# Everything runs inside main, called on the last line and followed by `exit` on that line: bash
# has then read the whole script before running any of it, and reads nothing after it, so
# editing the script during a run (which takes a quarter of an hour or more) cannot derail it.
main() {
    here="$(cd "$(dirname "$0")" && pwd)"
    root="$(cd "$here/../../../.." && pwd)"
    export BENCH_SCRATCH="${BENCH_SCRATCH:-/tmp/accord-compare}"
    scratch="$BENCH_SCRATCH"
    mkdir -p "$scratch/tools" "$scratch/logs"
    started=$(date +%s)
    # bench.py is imported by runtime_deps.py; keep __pycache__ out of the source folder.
    export PYTHONDONTWRITEBYTECODE=1

    # Pinned so that two runs months apart compare the same peers.
    oag_version="7.26.0"
    progenitor_version="0.15.1"
    llvm_lines_version="0.4.48"

    note() { echo "[$(date +%H:%M:%S)] $*" >&2; }

    # Only the tools of this run are installed (TOOLS=accord installs nothing).
    wants() { case " ${TOOLS:-accord progenitor progenitor-adapted openapi-generator} " in *" $1 "*) return 0;; esac; return 1; }
    venv="$scratch/venv"
    if wants openapi-generator && [ "$("$venv/bin/openapi-generator-cli" version 2>/dev/null)" != "$oag_version" ]; then
        note "installing openapi-generator-cli $oag_version into $venv (PyPI)"
        python3 -m venv "$venv" >&2
        "$venv/bin/pip" install -q "openapi-generator-cli==$oag_version" >&2 \
            || note "openapi-generator-cli install failed; its rows will say so"
    fi
    # progenitor_adapt.py reads the YAML documents with PyYAML.
    if wants progenitor-adapted && ! "$venv/bin/python" -c "import yaml" 2>/dev/null; then
        [ -x "$venv/bin/python" ] || python3 -m venv "$venv" >&2
        "$venv/bin/pip" install -q "pyyaml==6.0.3" >&2 || note "PyYAML install failed; progenitor-adapted rows will say so"
    fi
    [ -x "$venv/bin/python" ] && export ADAPT_PYTHON="$venv/bin/python"
    if wants openapi-generator; then
        command -v java >/dev/null || note "java not found: openapi-generator will fail (recorded)"
    fi

    install_crate() {
        local crate="$1" version="$2"
        if ! grep -qs "^\"$crate $version " "$scratch/tools/.crates.toml"; then
            note "installing $crate $version into $scratch/tools (crates.io)"
            cargo install "$crate" --version "$version" --locked --root "$scratch/tools" >&2 \
                || note "$crate install failed; its rows will say so"
        fi
    }
    if wants progenitor || wants progenitor-adapted; then
        install_crate cargo-progenitor "$progenitor_version"
    fi
    if [ "${ANALYZE:-auto}" != none ] && [ "${COMPILE:-1}" != 0 ]; then
        install_crate cargo-llvm-lines "$llvm_lines_version"
    fi

    export ACCORD_UNAVAILABLE=""
    if [ -n "${ACCORD_BIN:-}" ]; then
        note "measuring the given accord binary $ACCORD_BIN (not built)"
    elif wants accord; then
        note "building accord (release)"
        # Where cargo puts it: CARGO_TARGET_DIR or a config may move the target folder.
        target_dir="$(cd "$root" && cargo metadata --format-version 1 --no-deps |
            python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')"
        export ACCORD_BIN="$target_dir/release/accord"
        if ! (cd "$root" && cargo build --release -q -p accord-cli) >"$scratch/logs/accord-build.log" 2>&1; then
            ACCORD_UNAVAILABLE="cargo build --release -p accord-cli failed: $(grep -m1 error "$scratch/logs/accord-build.log" || true)"
        fi
    fi
    # The generated Cargo.toml names accord-runtime by a path; absolute, so the crate builds here.
    export RUNTIME_PATH="${RUNTIME_PATH:-$root/crates/accord-runtime}"

    export ACCORD_DESCRIBE="$(cd "$root" && git describe --always --dirty 2>/dev/null || echo unknown)"
    export RUSTC_VERSION="$(rustc --version)"
    export PROGENITOR_VERSION="cargo-progenitor $progenitor_version"
    export OAG_VERSION="openapi-generator-cli $oag_version (PyPI)"
    export JAVA_VERSION="$(java -version 2>&1 | head -n1 || echo none)"
    export OAG_BIN="$venv/bin/openapi-generator-cli"
    export PROGENITOR_BIN="$scratch/tools/bin/cargo-progenitor"
    export LLVM_LINES_BIN="$scratch/tools/bin/cargo-llvm-lines"

    python3 "$here/bench.py" run

    # One group alone (issue 22): the whole GitHub and Stripe crates with one group feature,
    # by tests/groups/measure.sh; the report reads its output from raw/groups.txt.
    case " ${APIS:-petstore github stripe} " in *" github "*|*" stripe "*) whole=1;; *) whole=0;; esac
    if [ "$whole" = 1 ] && wants accord && [ "${COMPILE:-1}" != 0 ]; then
        note "one group alone: tests/groups/measure.sh"
        mkdir -p "$scratch/raw"
        rm -rf "$scratch/groups-work"
        (cd "$root" && bash tests/groups/measure.sh "$scratch/groups-work") > "$scratch/raw/groups.txt" \
            2> "$scratch/logs/groups.log" || note "tests/groups/measure.sh failed (logs/groups.log)"
    fi

    # Client overhead (issue 22): accord-runtime's instruction-count bench; the report reads
    # raw/overhead.txt. Needs valgrind (the bench says so and fails without it).
    if wants accord && [ "${OVERHEAD:-1}" != 0 ]; then
        note "client overhead: cargo bench -p accord-overhead-bench"
        mkdir -p "$scratch/raw"
        { echo "load $(cut -d' ' -f1 /proc/loadavg)"
          (cd "$root" && cargo bench -q -p accord-overhead-bench 2> "$scratch/logs/overhead.log") \
              || echo "the bench failed (logs/overhead.log)"
        } > "$scratch/raw/overhead.txt"
    fi

    elapsed=$(( $(date +%s) - started ))
    echo "Last run: $((elapsed / 60)) min $((elapsed % 60)) s (APIS=${APIS:-all}, TOOLS=${TOOLS:-all}," \
        "REPS=${REPS:-3}, COMPILE=${COMPILE:-1}), finished $(date -u +%Y-%m-%dT%H:%M:%SZ)." > "$scratch/last-run.txt"
    python3 "$here/bench.py" report
}

main "$@"; exit $?
