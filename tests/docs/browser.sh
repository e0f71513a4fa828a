#!/usr/bin/env bash
# The docs in a real browser, with the network off (tests/docs/browser.mjs says what is
# checked): the book tests/docs/check.sh built (target/docs-book; built here when missing) and
# the OpenAPI exports tests/export/check.sh wrote (target/export; written here when missing),
# the latter in Redoc. Screenshots and summary.json go to target/browser-shots (or
# $ACCORD_SHOTS). CI runs it after both; by hand: `bash tests/docs/browser.sh`.
#
# Installed when missing, and a failed install fails this script (never a pass without a
# browser): Debian's `chromium` (apt-get; /usr/bin/chromium), and from npm, pinned, into a
# cache folder outside the repository (ACCORD_TOOLS, default ~/.cache/accord-tools):
# playwright-core (drives the installed Chromium; it downloads no browser) and redoc (its
# standalone bundle, served locally).
set -euo pipefail
cd "$(dirname "$0")/../.."

playwright_version=1.65.2
redoc_version=2.5.4
tools="${ACCORD_TOOLS:-${XDG_CACHE_HOME:-$HOME/.cache}/accord-tools}"
shots="${ACCORD_SHOTS:-target/browser-shots}"

if [ ! -x /usr/bin/chromium ]; then
    echo "browser: installing Debian's chromium"
    if ! { apt-get update -q > /dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium > /dev/null; }; then
        echo "browser: FAILED to install chromium; the docs are NOT checked in a browser" >&2
        exit 1
    fi
fi
node_tools="$tools/browser-playwright-$playwright_version-redoc-$redoc_version"
if [ ! -f "$node_tools/node_modules/redoc/bundles/redoc.standalone.js" ] \
    || [ ! -d "$node_tools/node_modules/playwright-core" ]; then
    echo "browser: installing playwright-core $playwright_version and redoc $redoc_version into $node_tools"
    if ! npm install --silent --no-audit --no-fund --prefix "$node_tools" \
        "playwright-core@$playwright_version" "redoc@$redoc_version"; then
        echo "browser: FAILED to install playwright-core and redoc from npm" >&2
        exit 1
    fi
fi

if [ ! -f target/docs-book/index.html ]; then
    bash tests/docs/check.sh
fi
if ! ls target/export/*.json > /dev/null 2>&1; then
    cargo build --quiet -p accord-cli
    target_dir=$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')
    mkdir -p target/export
    for spec in specs/*.yaml; do
        "$target_dir/debug/accord" export openapi "$spec" -o "target/export/$(basename "$spec" .yaml).json" > /dev/null 2>&1
    done
fi

rm -rf "$shots"
start=$SECONDS
# Copied beside its node_modules so that its imports resolve there.
cp tests/docs/browser.mjs "$node_tools/browser.mjs"
node "$node_tools/browser.mjs" --book target/docs-book --exports target/export \
    --redoc "$node_tools/node_modules/redoc/bundles/redoc.standalone.js" --shots "$shots"
echo "browser: done in $((SECONDS - start)) s"
