#!/usr/bin/env python3
"""How much of the cold `cargo check` of an accord client is accord-runtime's TLS choice.

reqwest's own `rustls` feature brings aws-lc-rs, whose build script compiles aws-lc (C) for
25 s or more on 2 cores; accord-runtime therefore defaults to rustls with the ring provider
and offers the others as features. This experiment re-checks one generated accord crate
against copies of accord-runtime built with each TLS feature, so the report says what each
costs:

    rustls-ring   the default (rustls, ring provider, platform verifier)
    rustls-aws-lc reqwest's default provider (aws-lc-rs)
    native-tls    the platform's TLS (OpenSSL on Linux, which must be installed)
    no-tls        no TLS at all (http:// base URLs only), progenitor's test setup

Usage (after a run.sh run that generated accord's crate for the API):
    python3 runtime_deps.py [API]          (default petstore; needs $BENCH_SCRATCH as run.sh)
Writes $BENCH_SCRATCH/runtime-deps-API.md and prints it.
"""

import os
import re
import shutil
import sys
from pathlib import Path

sys.dont_write_bytecode = True  # no __pycache__ beside the sources
import bench  # noqa: E402

ROOT = Path(__file__).resolve().parents[4]
# accord-runtime features per variant; None keeps its defaults.
RUNTIME_FEATURES = {
    "rustls-ring": None,
    "rustls-aws-lc": ["rustls-aws-lc"],
    "native-tls": ["native-tls"],
    "no-tls": [],
}


def runtime_copy(variant):
    """A workspace holding only a copy of accord-runtime."""
    workspace = bench.SCRATCH / "runtime-deps" / variant / "ws"
    shutil.rmtree(workspace, ignore_errors=True)
    (workspace / "crates").mkdir(parents=True)
    shutil.copytree(ROOT / "crates/accord-runtime/src", workspace / "crates/accord-runtime/src")
    manifest = (ROOT / "Cargo.toml").read_text()
    manifest = re.sub(r"members = \[.*?\]", 'members = ["crates/accord-runtime"]', manifest, flags=re.S)
    manifest = re.sub(r"default-members = \[.*?\]\n", "", manifest, flags=re.S)
    (workspace / "Cargo.toml").write_text(manifest)
    runtime = (ROOT / "crates/accord-runtime/Cargo.toml").read_text()
    # Tests and benches are not part of what a client compiles; their dev-dependencies point
    # back into the real workspace, which would put two accord-runtime packages in one graph.
    runtime = re.sub(r"\n\[dev-dependencies\].*?(?=\n\[lints\])", "\n", runtime, flags=re.S)
    runtime = re.sub(r"\n\[\[bench\]\]\nname = .*?\nharness = false\n", "\n", runtime)
    (workspace / "crates/accord-runtime/Cargo.toml").write_text(runtime)
    return workspace / "crates/accord-runtime"


def crate_copy(variant, generated, runtime):
    crate = bench.SCRATCH / "runtime-deps" / variant / generated.name
    shutil.rmtree(crate, ignore_errors=True)
    shutil.copytree(generated, crate, ignore=shutil.ignore_patterns("target", "Cargo.lock"))
    manifest = (crate / "Cargo.toml").read_text()
    features = RUNTIME_FEATURES[variant]

    def dependency(match):
        rest = match.group(1)
        if features is None:
            return f'accord-runtime = {{ path = "{runtime}"{rest}}}'
        # Keep the features the generated crate asks for (ed25519), add the TLS variant's.
        wanted = re.findall(r'"([^"]+)"', rest) + features
        listed = ", ".join(f'"{f}"' for f in wanted)
        return f'accord-runtime = {{ path = "{runtime}", default-features = false, features = [{listed}] }}'

    manifest = re.sub(r'accord-runtime = \{ path = "[^"]*"([^}]*)\}', dependency, manifest)
    manifest = re.sub(r"\n\[dev-dependencies\].*", "\n", manifest, flags=re.S)
    (crate / "Cargo.toml").write_text(manifest)
    shutil.rmtree(crate / "tests", ignore_errors=True)
    return crate


def main():
    api = sys.argv[1] if len(sys.argv) > 1 else "petstore"
    generated = bench.find_crate(bench.SCRATCH / "gen" / api / "accord" / "out", api)
    if generated is None:
        sys.exit(f"no accord crate for `{api}` under {bench.SCRATCH}/gen; run run.sh first")
    package = bench.package_name(generated)
    rows = []
    for variant in RUNTIME_FEATURES:
        crate = crate_copy(variant, generated, runtime_copy(variant))
        print(f"[runtime-deps] {api} / {variant}: fetch, cold cargo check", file=sys.stderr, flush=True)
        fetched = bench.measure(["cargo", "fetch"], f"runtime-deps-{api}-{variant}-fetch", cwd=crate,
                                env=bench.cargo_env(bench.SCRATCH / "target" / "fetch"))
        if fetched["status"] != "ok":
            rows.append(f"| {variant} | fetch {fetched['status']}: {bench.one_line(fetched.get('error'))} | – | – |")
            continue
        target = bench.SCRATCH / "target" / f"runtime-deps-{api}-{variant}"
        shutil.rmtree(target, ignore_errors=True)
        run = bench.measure(["cargo", "check", "--offline", "--timings"], f"runtime-deps-{api}-{variant}-check",
                            cwd=crate, env=bench.cargo_env(target))
        own = bench.own_crate_timings(target, package) or {}
        if run["status"] != "ok":
            rows.append(f"| {variant} | {run['status']}: {bench.one_line(run.get('error'))} | – | – |")
            continue
        slowest = ", ".join(f"`{unit}`" for unit in own.get("top_units", [])[:3])
        rows.append(f"| {variant} | {bench.seconds(run['wall'])} | {bench.seconds(own.get('own_duration'))} | "
                    f"{slowest} | load {run['load'][0]:.1f} |")
    text = "\n".join([
        f"# Experiment: accord-runtime's TLS feature vs cold `cargo check` of accord's `{api}` crate", "",
        "Same generated crate, checked against copies of accord-runtime built with each TLS feature",
        "(`runtime_deps.py`).", "",
        "| accord-runtime TLS feature | cold check | generated crate alone | slowest units | load before |",
        "| --- | --- | --- | --- | --- |", *rows, ""])
    (bench.SCRATCH / f"runtime-deps-{api}.md").write_text(text)
    print(text)


if __name__ == "__main__":
    main()
