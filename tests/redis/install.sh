#!/usr/bin/env bash
# Installs the Redis server the shared-state tests start (crates/accord-runtime/tests/shared_state):
# Debian's `redis-server`, pinned to 7.0.15 (bookworm's, with its security updates:
# `5:7.0.15-1~deb12u*`), from the package registry with apt-get. Nothing is done when that
# version is on PATH already. A failed install fails this script, and the tests then fail
# loudly (never a pass without a server). CI (.ci/run) runs it before `cargo test`.
set -euo pipefail

version=7.0.15
if command -v redis-server > /dev/null && redis-server --version | grep -q "v=$version "; then
    echo "redis: redis-server $version is installed"
    exit 0
fi
echo "redis: installing Debian's redis-server $version"
if ! { apt-get update -q > /dev/null \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "redis-server=5:$version-*" > /dev/null; }; then
    echo "redis: FAILED to install redis-server $version; the shared-state tests will fail" >&2
    exit 1
fi
# The package starts a system service on port 6379; the tests start their own servers on
# free ports, so the service is not needed (and may not run at all in a container).
redis-server --version
