#!/usr/bin/env bash
# Checks the generated docs as a publisher would: every generated Markdown file (the book's
# pages, SUMMARY.md and index, and each client crate's README.md) passes markdownlint-cli2
# with the repository's .markdownlint-cli2.jsonc, and `mdbook build` of generated/docs
# succeeds. CI runs it after the tests; run it by hand with `bash tests/docs/check.sh`.
#
# Tools are installed when missing, pinned, into a cache folder outside the repository
# (ACCORD_TOOLS, default ~/.cache/accord-tools), so later runs start at once:
# - markdownlint-cli2 from npm (`npm install --prefix`);
# - mdbook from crates.io (`cargo install --locked`), without its `watch` and `serve`
#   features (a file watcher and a web server this check does not use; about a third less to
#   compile) but with `search`, so the built book is the one a reader gets.
# An `mdbook` already on PATH is used when it is the pinned version.
set -euo pipefail
cd "$(dirname "$0")/../.."

markdownlint_version=0.24.1
# The version templates/mermaid-init.js.j2 pins (its subresource-integrity hash is this file's).
mermaid_version=12.3.0
mdbook_version=0.5.4
tools="${ACCORD_TOOLS:-${XDG_CACHE_HOME:-$HOME/.cache}/accord-tools}"
mkdir -p "$tools"

markdownlint="$tools/markdownlint-cli2-$markdownlint_version/node_modules/.bin/markdownlint-cli2"
if [ ! -x "$markdownlint" ]; then
    echo "docs: installing markdownlint-cli2 $markdownlint_version into $tools"
    npm install --silent --no-audit --no-fund --prefix "$tools/markdownlint-cli2-$markdownlint_version" \
        "markdownlint-cli2@$markdownlint_version"
fi

mdbook="$tools/mdbook-$mdbook_version/bin/mdbook"
if [ ! -x "$mdbook" ]; then
    if command -v mdbook > /dev/null && [ "$(mdbook --version)" = "mdbook v$mdbook_version" ]; then
        mdbook=$(command -v mdbook)
    else
        echo "docs: installing mdbook $mdbook_version into $tools (takes a few minutes once)"
        start=$SECONDS
        cargo install --quiet --locked mdbook --version "$mdbook_version" \
            --no-default-features --features search --root "$tools/mdbook-$mdbook_version"
        echo "docs: mdbook installed in $((SECONDS - start)) s"
    fi
fi

mermaid="$tools/mermaid-$mermaid_version/node_modules/mermaid/dist/mermaid.min.js"
if [ ! -f "$mermaid" ]; then
    echo "docs: installing mermaid $mermaid_version into $tools"
    npm install --silent --no-audit --no-fund --prefix "$tools/mermaid-$mermaid_version" "mermaid@$mermaid_version"
fi

# The Markdown accord writes: the book's sources and each client crate's README.
shopt -s nullglob
files=(generated/docs/src/*.md generated/docs/src/*/*.md generated/*/README.md)
if [ ${#files[@]} -eq 0 ]; then
    echo "docs: no generated Markdown; run \`cargo run -- generate specs/\` first" >&2
    exit 1
fi
"$markdownlint" --config .markdownlint-cli2.jsonc "${files[@]}"

# Built outside the repository's tracked folders (target/ is ignored).
out=target/docs-book
rm -rf "$out"
# Served under /book/ by tests/docs/browser.sh, which checks the 404 page there (book.toml's
# `site-url`, overridden as mdBook allows: ACCORD_BOOK_SITE_URL=/ for a site of its own).
MDBOOK_OUTPUT__HTML__SITE_URL="${ACCORD_BOOK_SITE_URL:-/book/}" "$mdbook" build generated/docs --dest-dir "$(pwd)/$out"
# Diagrams drawn offline: mermaid beside the book, where mermaid-init.js looks first.
cp "$mermaid" "$out/mermaid.min.js"
test -f "$out/index.html" && test -f "$out/orders/index.html" && test -f "$out/orders/endpoints.html"
echo "docs: ${#files[@]} Markdown files lint clean; the book is in $out/index.html"
