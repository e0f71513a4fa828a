#!/usr/bin/env python3
"""Measurement and report half of the generator comparison; `run.sh` installs the tools and calls it.

Usage (normally through run.sh, which sets the environment):
    python3 bench.py run       measure every (API, tool) pair selected by APIS and TOOLS
    python3 bench.py report    rebuild results.md from the raw records already in $SCRATCH/raw

Every measurement is stored as one JSON record per (API, tool) in $SCRATCH/raw, so a partial
run (say APIS=stripe) refreshes only its own rows and the report always covers all records
present. A failure, a rejected spec or a timeout is a result to report, never a reason to stop:
the whole point is to learn which peers cope with which documents.
"""

import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import threading
import time
import tomllib
from pathlib import Path

# The repository this script belongs to (crates/accord-cli/benches/compare/bench.py): the
# defaults below are relative to it, so that any checkout measures itself.
REPO = Path(__file__).resolve().parents[4]
# The three APIs of the issue, by the short name used for crates and folders. The corpus sits
# beside the repository (`../shared/corpus/openapi`, see its MANIFEST.md).
CORPUS = Path(os.environ.get("BENCH_CORPUS", REPO.parent / "shared" / "corpus" / "openapi"))
APIS = {
    "petstore": CORPUS / "oai-petstore.yaml",
    "github": CORPUS / "github-rest-api.2021-10-10.json",
    "stripe": CORPUS / "stripe-spec3.2023-09-12.yaml",
}
# `progenitor-adapted` is progenitor on a copy of the document cut down by progenitor_adapt.py
# to what it accepts (it rejects all three as they are): the compile-time baseline.
TOOLS = ["accord", "progenitor", "progenitor-adapted", "openapi-generator"]

SCRATCH = Path(os.environ.get("BENCH_SCRATCH", "/tmp/accord-compare"))
REPS = int(os.environ.get("REPS", "3"))
COMPILE_REPS = int(os.environ.get("COMPILE_REPS", "1"))
# Before each tool's generation runs the machine is let settle (`settle`): written files
# flushed, and the 1-minute load average under QUIET_LOAD, waiting at most SETTLE_SECONDS.
QUIET_LOAD = float(os.environ.get("QUIET_LOAD", "1.0"))
SETTLE_SECONDS = float(os.environ.get("SETTLE_SECONDS", "90"))
TIMEOUT = float(os.environ.get("BENCH_TIMEOUT", "1200"))
ACCORD = os.environ.get("ACCORD_BIN", "")
ACCORD_UNAVAILABLE = os.environ.get("ACCORD_UNAVAILABLE", "")
# Absolute, so that a crate generated into the scratch folder builds there.
RUNTIME_PATH = os.environ.get("RUNTIME_PATH", str(REPO / "crates" / "accord-runtime"))
ADAPT_PYTHON = os.environ.get("ADAPT_PYTHON", sys.executable)
PROGENITOR = os.environ.get("PROGENITOR_BIN", str(SCRATCH / "tools/bin/cargo-progenitor"))
OPENAPI_GENERATOR = os.environ.get("OAG_BIN", str(SCRATCH / "venv/bin/openapi-generator-cli"))
OAG_EXTRA_ARGS = os.environ.get("OAG_EXTRA_ARGS", "").split()
LLVM_LINES = os.environ.get("LLVM_LINES_BIN", str(SCRATCH / "tools/bin/cargo-llvm-lines"))
# `auto`: analyse accord's crate when it misses the compile-time target; `all`: every crate
# that compiles; `none`; or a space-separated list of tool names.
ANALYZE = os.environ.get("ANALYZE", "auto")
# COMPILE=0 re-measures generation only and keeps the compile results of the previous record
# (generation is deterministic, so the crate is the same): for a quick re-run on a quiet machine.
# Without a previous record nothing is compiled: the compile columns say "not measured".
COMPILE = os.environ.get("COMPILE", "1") != "0"

RAW = SCRATCH / "raw"
LOGS = SCRATCH / "logs"
ANALYSIS = SCRATCH / "analysis"


# ---------------------------------------------------------------------------------------------
# Running one command


# openapi-generator refuses some documents for reasons of its own that a user would work
# around with one option: (text in its log, extra arguments, extra environment, what it means).
# Each refusal is reported as data, then the row is measured with the workaround.
OAG_WORKAROUNDS = [
    # GitHub's document has schemas of type array without `items`.
    ("SpecValidationException", ["--skip-validate-spec"], {},
     "validation refused the document"),
    # Stripe's YAML (4.1 MB) is over SnakeYAML's default 3 MiB code-point limit.
    ("code points", [], {"JAVA_OPTS": "-DmaxYamlCodePoints=67108864"},
     "its YAML parser refused a document over 3 MiB"),
]


def measure(cmd, log_name, cwd=None, env=None, timeout=TIMEOUT):
    """Runs `cmd` once and returns wall seconds, max RSS (KiB), status and an error excerpt.

    The command is waited for with one blocking `wait4(2)`, which gives both numbers without
    a wrapper process:
    - wall time, monotonic, from just before the fork to the return of `wait4`. Not
      `Popen.wait(timeout=…)`: before Python 3.12 it polls with sleeps doubling from 0.5 ms to
      50 ms, so a 17 ms command measured 31.8 ms and a 33 ms one 64 ms (the earlier reports'
      small rows were rounded up to 7.7, 15.8, 31.8 or 64 ms this way);
    - `ru_maxrss` (KiB on Linux): the peak RSS of the largest process in the tree that was
      waited for, the command or a descendant it waited for (the JVM behind
      openapi-generator-cli's Python wrapper counts). GNU time's `-v` reads the same field of
      the same call.
    The timeout is a timer that kills the command's session (its whole tree: cargo and its
    rustc processes, or the JVM) and nothing else.
    """
    LOGS.mkdir(parents=True, exist_ok=True)
    log_path = LOGS / f"{log_name}.log"
    # Other work on the machine skews every number here (2 cores); the load average before
    # and after each step lets the report flag measurements taken on a busy machine.
    load_before = os.getloadavg()[0]
    with open(log_path, "w") as log:
        log.write("$ " + " ".join(map(str, cmd)) + "\n")
        log.flush()
        started = time.monotonic()
        try:
            process = subprocess.Popen(
                cmd, cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL, start_new_session=True,
            )
        except OSError as error:
            return {"status": "failed", "error": f"cannot start: {error}", "log": str(log_path)}
        timed_out = threading.Event()

        def kill_session():
            timed_out.set()
            try:
                os.killpg(process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass

        timer = threading.Timer(timeout, kill_session)
        timer.start()
        try:
            _, status, usage = os.wait4(process.pid, 0)
        finally:
            timer.cancel()
        wall = time.monotonic() - started
        # Popen did not reap it; tell it, so that it does not try to.
        process.returncode = os.waitstatus_to_exitcode(status)
    if timed_out.is_set():
        return {"status": "timeout", "wall": wall, "error": f"timeout after {timeout:.0f} s", "log": str(log_path)}
    result = {"wall": wall, "exit_code": process.returncode, "log": str(log_path),
              "load": [round(load_before, 2), round(os.getloadavg()[0], 2)],
              "max_rss_kib": usage.ru_maxrss}
    if process.returncode == 0:
        result["status"] = "ok"
    else:
        result["status"] = "failed"
        result["error"] = error_excerpt(log_path)
    return result


def error_excerpt(log_path, limit=6):
    """The first error lines of a log, which say more than its last lines after a cargo run."""
    lines = [line.rstrip() for line in Path(log_path).read_text(errors="replace").splitlines()[1:]]
    lines = [line for line in lines if line.strip() and not line.startswith("\tCommand being timed")]
    picked = []
    for index, line in enumerate(lines):
        if re.search(r"\berror\b|exception|\bpanicked\b|fatal|\bfail\b", line, re.I):
            picked.extend(lines[index:index + 3])
            if len(picked) >= limit:
                break
    if not picked:
        picked = lines[-limit:]
    seen = []
    for line in picked:
        if line not in seen:
            seen.append(line)
    return "\n".join(seen[:limit])


# ---------------------------------------------------------------------------------------------
# Generation


def fresh_dir(path):
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir(parents=True)
    return path


def find_crate(out_dir, name):
    """The generated package: DIR/NAME for accord, DIR itself for the peers."""
    for candidate in (out_dir / name, out_dir):
        if (candidate / "Cargo.toml").is_file():
            return candidate
    found = sorted(out_dir.glob("*/Cargo.toml"))
    return found[0].parent if found else None


def generate_once(api, tool, spec, rep, extra_args=(), extra_env=None):
    """One generation; returns the per-step measurements and the crate folder."""
    base = SCRATCH / "gen" / api / tool
    out_dir = fresh_dir(base / "out")
    tag = f"{api}-{tool}-gen{rep}"
    if tool == "accord":
        # From the description, as the peers take it: `accord generate API.json` imports it in
        # memory and generates (the spec is named after `info.title`).
        steps = {"generate": measure(
            [ACCORD, "generate", str(spec), "--out", str(out_dir), "--runtime-path", RUNTIME_PATH], tag,
        )}
    elif tool in ("progenitor", "progenitor-adapted"):
        # cargo-progenitor is a cargo subcommand: its binary expects `progenitor` as argv[1].
        steps = {"generate": measure(
            [PROGENITOR, "progenitor", "-i", str(spec), "-o", str(out_dir), "-n", api, "-v", "0.1.0"], tag,
        )}
    else:
        steps = {"generate": measure(
            [OPENAPI_GENERATOR, "generate", "-i", str(spec), "-g", "rust", "-o", str(out_dir),
             "--additional-properties", f"packageName={api},packageVersion=0.1.0", *OAG_EXTRA_ARGS, *extra_args],
            tag, env={**os.environ, **(extra_env or {})},
        )}
    return steps, find_crate(out_dir, api)


def accord_two_steps(api, spec, rep):
    """accord's other route, not the one compared: `accord import openapi` writes the spec a
    team keeps, then `accord generate` reads it (two processes, the spec printed and parsed)."""
    base = SCRATCH / "gen" / api / "accord-two-steps"
    out_dir = fresh_dir(base / "out")
    accord_spec = fresh_dir(base / "specs") / f"{api}.yaml"
    tag = f"{api}-accord-two-steps{rep}"
    steps = {"import": measure([ACCORD, "import", "openapi", str(spec), "-o", str(accord_spec)], f"{tag}-import")}
    if steps["import"]["status"] == "ok":
        steps["generate"] = measure(
            [ACCORD, "generate", str(accord_spec), "--out", str(out_dir), "--runtime-path", RUNTIME_PATH],
            f"{tag}-generate",
        )
    return steps


def validation_errors(log_path):
    """openapi-generator's own summary of why it refused the document."""
    lines = Path(log_path).read_text(errors="replace").splitlines()
    start = next((index for index, line in enumerate(lines) if "Error count" in line), None)
    if start is None:
        return error_excerpt(log_path, limit=1)
    picked = [lines[start].strip(" |")]
    for line in lines[start + 1:]:
        if not line.strip() or line.lstrip().startswith("at "):
            break
        if line.strip().startswith("-"):
            picked.append(line.strip())
    return "\n".join(picked[:8])


def summarize_generation(reps):
    """Medians over repetitions; a step that failed in any repetition makes the tool fail."""
    summary = {"reps": reps}
    for rep in reps:
        for step_name, step in rep.items():
            if step["status"] != "ok":
                summary["status"] = step["status"]
                summary["error"] = f"{step_name}: {step.get('error', '')}"
                summary["log"] = step.get("log")
                return summary
    summary["status"] = "ok"
    for step_name in reps[0]:
        summary[f"{step_name}_wall"] = statistics.median(rep[step_name]["wall"] for rep in reps)
    summary["wall"] = statistics.median(sum(step["wall"] for step in rep.values()) for rep in reps)
    rss = [max((step.get("max_rss_kib") or 0) for step in rep.values()) for rep in reps]
    summary["max_rss_kib"] = statistics.median(rss) if any(rss) else None
    return summary


# ---------------------------------------------------------------------------------------------
# Compiling the generated crate


def count_lines(crate_dir):
    files = lines = 0
    for path in crate_dir.rglob("*.rs"):
        if "target" in path.relative_to(crate_dir).parts:
            continue
        files += 1
        lines += sum(1 for line in path.read_text(errors="replace").splitlines() if line.strip())
    return {"rs_files": files, "rs_lines": lines}


def package_name(crate_dir):
    manifest = tomllib.loads((crate_dir / "Cargo.toml").read_text())
    return manifest["package"]["name"]


def generated_packages(crate_dir):
    """The packages a tool generated for one API: the crate, and accord's models crate
    (`models/`, a large API's models apart from the client) when there is one."""
    packages = [package_name(crate_dir)]
    if (crate_dir / "models" / "Cargo.toml").is_file():
        packages.append(package_name(crate_dir / "models"))
    return packages


def own_crate_timings(target_dir, packages):
    """Time of the generated crate's own units from `--timings`, apart from its dependencies.
    `packages` are the generated packages (`generated_packages`): with accord's models crate,
    both units count, their durations summed (CPU spent on generated code; they overlap the
    dependencies' and each other's time only partly).

    Cargo's HTML report embeds its unit list as `const UNIT_DATA = [...]`; stable cargo has no
    machine-readable form. Returns the crate's duration, when it could start (the time spent
    on dependencies before it), and its frontend/codegen sections when cargo reports them.
    """
    report = target_dir / "cargo-timings" / "cargo-timing.html"
    try:
        text = report.read_text()
    except OSError:
        return None
    match = re.search(r"const UNIT_DATA = (\[.*?\]);\s*const ", text, re.S)
    if not match:
        return None
    all_units = json.loads(match.group(1))
    # The slowest units of the whole graph say where a cold build goes when it is not the
    # generated crate itself (a C build script, a large dependency).
    slowest = sorted(all_units, key=lambda unit: -unit["duration"])[:6]
    top_units = [f"{unit['name']}{unit.get('target', '')} {unit['duration']:.1f} s" for unit in slowest]
    units = [unit for unit in all_units
             if unit["name"] in packages and "build-script" not in unit.get("target", "")
             and "build script" not in unit.get("target", "")]
    if not units:
        return None
    timings = {
        "own_duration": sum(unit["duration"] for unit in units),
        "own_start": min(unit["start"] for unit in units),
        "units": len(units),
        # Every unit cargo compiled (the dependency graph's size: issue 22 compares it).
        "graph_units": len(all_units),
        "top_units": top_units,
    }
    sections = {}
    for unit in units:
        for section_name, span in unit.get("sections") or []:
            sections[section_name] = sections.get(section_name, 0) + span["end"] - span["start"]
    if sections:
        timings["sections"] = sections
    return timings


def cargo_env(target_dir):
    env = dict(os.environ)
    env["CARGO_TARGET_DIR"] = str(target_dir)
    # Flags from the caller's shell would make the peers' numbers incomparable with a user's.
    for variable in ("RUSTFLAGS", "CARGO_BUILD_RUSTFLAGS", "CARGO_INCREMENTAL", "RUSTC_WRAPPER"):
        env.pop(variable, None)
    return env


def compile_crate(api, tool, crate_dir):
    package = package_name(crate_dir)
    result = {"package": package}
    # Downloads are not what we measure: resolve and fetch once, untimed, into the shared
    # CARGO_HOME; the timed runs are then --offline.
    fetched = measure(["cargo", "fetch"], f"{api}-{tool}-fetch", cwd=crate_dir,
                      env=cargo_env(SCRATCH / "target" / "fetch"))
    if fetched["status"] != "ok":
        result["fetch"] = fetched
        return result
    for command in ("check", "build"):
        runs = []
        for rep in range(COMPILE_REPS):
            target_dir = SCRATCH / "target" / f"{api}-{tool}-{command}"
            shutil.rmtree(target_dir, ignore_errors=True)
            run = measure(["cargo", command, "--offline", "--timings"], f"{api}-{tool}-{command}{rep}",
                          cwd=crate_dir, env=cargo_env(target_dir))
            run["own"] = own_crate_timings(target_dir, generated_packages(crate_dir))
            runs.append(run)
            if run["status"] != "ok":
                break
        summary = {"runs": runs}
        failed = [run for run in runs if run["status"] != "ok"]
        if failed:
            summary.update(status=failed[0]["status"], error=failed[0].get("error"), log=failed[0]["log"],
                           wall_until_failure=failed[0].get("wall"))
        else:
            summary["status"] = "ok"
            summary["wall"] = statistics.median(run["wall"] for run in runs)
            own = [run["own"]["own_duration"] for run in runs if run.get("own")]
            summary["own_duration"] = statistics.median(own) if own else None
            # Keep the last report: it is the input of the "where does the time go" analysis.
            report = SCRATCH / "target" / f"{api}-{tool}-{command}" / "cargo-timings" / "cargo-timing.html"
            if report.is_file():
                ANALYSIS.mkdir(parents=True, exist_ok=True)
                shutil.copy(report, ANALYSIS / f"{api}-{tool}-{command}-timings.html")
        result[command] = summary
        if summary["status"] != "ok":
            # A crate that does not type-check will not build either; say so instead of waiting.
            if command == "check":
                result["build"] = {"status": "skipped", "error": "check failed"}
            break
    if tool == "accord" and api == "petstore" and result.get("check", {}).get("status") == "ok":
        result["check_other_tls"] = check_other_tls(api, tool, crate_dir)
    return result


def default_has_tls(manifest):
    """Whether a generated `Cargo.toml` turns a TLS backend on by default: accord does unless
    every URL the spec declares is plain `http` (the OpenAPI Petstore's only server is)."""
    default = re.search(r'^default = \[([^\]]*)\]', manifest, re.M)
    return bool(default) and '"rustls"' in default.group(1)


def check_other_tls(api, tool, crate_dir):
    """The cold `cargo check` of accord's crate with the other TLS choice than its default, every
    group on: without TLS when the default has it (the like-for-like build next to progenitor's
    crate, whose reqwest has no TLS either), with `rustls` when the default has none (what an
    `https` deployment of the same API compiles). Same repetitions as the other compile steps."""
    manifest = (Path(crate_dir) / "Cargo.toml").read_text()
    groups = sorted(set(re.findall(r'^(group-[A-Za-z0-9_-]+) =', manifest, re.M)))
    with_tls = not default_has_tls(manifest)
    command = ["cargo", "check", "--offline", "--timings", "--no-default-features"]
    features = groups + (["rustls"] if with_tls else [])
    if features:
        command += ["--features", ",".join(features)]
    runs = []
    label = "check-with-tls" if with_tls else "check-no-tls"
    for rep in range(COMPILE_REPS):
        target_dir = SCRATCH / "target" / f"{api}-{tool}-{label}"
        shutil.rmtree(target_dir, ignore_errors=True)
        run = measure(command, f"{api}-{tool}-{label}{rep}", cwd=crate_dir, env=cargo_env(target_dir))
        run["own"] = own_crate_timings(target_dir, generated_packages(crate_dir))
        runs.append(run)
        if run["status"] != "ok":
            return {"runs": runs, "status": run["status"], "error": run.get("error"), "log": run["log"],
                    "with_tls": with_tls}
    return {"runs": runs, "status": "ok", "wall": statistics.median(run["wall"] for run in runs),
            "with_tls": with_tls}


def llvm_lines(api, tool, crate_dir):
    """Top monomorphised functions by LLVM IR lines: what codegen spends its time on."""
    target_dir = SCRATCH / "target" / f"{api}-{tool}-llvm-lines"
    run = measure([LLVM_LINES, "llvm-lines", "--lib", "--offline"], f"{api}-{tool}-llvm-lines",
                  cwd=crate_dir, env=cargo_env(target_dir))
    if run["status"] != "ok":
        return {"status": run["status"], "error": run.get("error")}
    ANALYSIS.mkdir(parents=True, exist_ok=True)
    lines = Path(run["log"]).read_text(errors="replace").splitlines()
    table = [line for line in lines if re.match(r"\s*\d+ \(", line) or "Lines" in line or "(TOTAL)" in line]
    (ANALYSIS / f"{api}-{tool}-llvm-lines.txt").write_text("\n".join(table) + "\n")
    return {"status": "ok", "top": table[:22], "file": str(ANALYSIS / f"{api}-{tool}-llvm-lines.txt")}


# ---------------------------------------------------------------------------------------------
# One (API, tool) pair


def settle():
    """Lets the machine settle before a tool's generation runs, so that no tool is timed in
    the wake of the one before it: the files written so far are flushed (`sync`; the kernel
    otherwise writes back openapi-generator's output, 748 files for GitHub, while the next
    tool is timed), then the 1-minute load average is waited for to fall under QUIET_LOAD, for at
    most SETTLE_SECONDS. Every tool gets the same. Returns the seconds waited and the load
    average then."""
    start = time.monotonic()
    os.sync()
    while os.getloadavg()[0] >= QUIET_LOAD and time.monotonic() - start < SETTLE_SECONDS:
        time.sleep(1)
    return {"seconds": round(time.monotonic() - start, 1), "load": round(os.getloadavg()[0], 2)}


def bench_pair(api, tool):
    spec = APIS[api]
    record = {"api": api, "tool": tool, "spec": str(spec), "reps": REPS, "compile_reps": COMPILE_REPS}
    if tool == "accord" and ACCORD_UNAVAILABLE:
        record["generation"] = {"status": "not available", "error": ACCORD_UNAVAILABLE}
        return record
    if tool == "progenitor-adapted":
        # Untimed preparation: the adapted copy is the input, as the original is for the others.
        adapted = SCRATCH / "gen" / api / "progenitor-adapted.json"
        adapted.parent.mkdir(parents=True, exist_ok=True)
        prepared = measure([ADAPT_PYTHON, str(Path(__file__).with_name("progenitor_adapt.py")), str(spec), str(adapted)],
                           f"{api}-{tool}-adapt")
        if prepared["status"] != "ok":
            record["generation"] = {"status": "failed", "error": f"adapt: {prepared.get('error')}"}
            return record
        log_lines = Path(prepared["log"]).read_text().splitlines()
        record["adapted"] = next((line for line in log_lines if line.startswith("progenitor_adapt:")), "")
        spec = adapted
    record["settled"] = settle()
    print(f"[{time.strftime('%H:%M:%S')}] {api} / {tool}: generating ({REPS}x) after settling "
          f"{record['settled']['seconds']} s (load {record['settled']['load']})", file=sys.stderr, flush=True)
    reps = []
    crate_dir = None
    extra_args, extra_env, applied = [], {}, []
    rep = 0
    while rep < REPS:
        steps, crate_dir = generate_once(api, tool, spec, rep, extra_args, extra_env)
        reps.append(steps)
        rep += 1
        failed = [step for step in steps.values() if step["status"] != "ok"]
        if failed and tool == "openapi-generator":
            log_text = Path(failed[0]["log"]).read_text(errors="replace")
            workaround = next((w for w in OAG_WORKAROUNDS if w[0] in log_text and w[3] not in applied), None)
            if workaround:
                # The refusal is a result, and so is what it generates when told to go on:
                # keep both, measure the second.
                _, more_args, more_env, meaning = workaround
                applied.append(meaning)
                refusals = record.setdefault("refusals", [])
                refusals.append({"meaning": meaning, "workaround": " ".join(more_args) or
                                 " ".join(f"{key}={value}" for key, value in more_env.items()),
                                 "errors": validation_errors(failed[0]["log"])})
                extra_args += more_args
                extra_env.update(more_env)
                reps, rep = [], 0
                continue
        if failed:
            break
    generation = summarize_generation(reps)
    if tool == "accord" and generation["status"] == "ok":
        two_steps = summarize_generation([accord_two_steps(api, spec, rep) for rep in range(REPS)])
        if two_steps["status"] == "ok":
            generation["two_steps"] = {key: two_steps[key] for key in ("import_wall", "generate_wall", "wall")}
    if applied:
        generation["workarounds"] = [refusal["workaround"] for refusal in record["refusals"]]
    if tool == "accord" and generation["status"] == "failed" and "was not imported" in generation["error"]:
        generation["status"] = "not available"
    record["generation"] = generation
    if generation["status"] != "ok":
        return record
    if crate_dir is None:
        generation.update(status="failed", error="no Cargo.toml in the output folder")
        return record
    record["crate_dir"] = str(crate_dir)
    record["lines"] = count_lines(crate_dir)
    previous_path = RAW / f"{api}-{tool}.json"
    if not COMPILE:
        previous = read_record(previous_path) if previous_path.is_file() else None
        if previous and "compile" in previous:
            for key in ("compile", "llvm_lines"):
                if key in previous:
                    record[key] = previous[key]
            record["compile_from_earlier_run"] = True
        else:
            not_measured = {"status": "not measured", "error": "COMPILE=0 and no earlier compile result"}
            record["compile"] = {"check": dict(not_measured), "build": dict(not_measured)}
        return record
    print(f"[{time.strftime('%H:%M:%S')}] {api} / {tool}: cold cargo check + build ({COMPILE_REPS}x)",
          file=sys.stderr, flush=True)
    record["compile"] = compile_crate(api, tool, crate_dir)
    return record


def wants_analysis(tool, record, records):
    if ANALYZE == "none" or record.get("compile_from_earlier_run"):
        return False
    built = record.get("compile", {}).get("build", {}).get("status") == "ok"
    if not built:
        return False
    if ANALYZE == "all" or tool in ANALYZE.split():
        return True
    if ANALYZE == "auto" and tool == "accord":
        ratio = check_ratio(records)
        return ratio is None or ratio > PETSTORE_CHECK_VS_PROGENITOR
    return False


def run():
    RAW.mkdir(parents=True, exist_ok=True)
    apis = os.environ.get("APIS", " ".join(APIS)).split()
    tools = os.environ.get("TOOLS", " ".join(TOOLS)).split()
    for api in apis:
        for tool in tools:
            record = bench_pair(api, tool)
            save(api, tool, record)
        records = load_records().get(api, {})
        for tool in tools:
            record = records.get(tool)
            if record and wants_analysis(tool, record, records):
                print(f"[{time.strftime('%H:%M:%S')}] {api} / {tool}: cargo llvm-lines", file=sys.stderr, flush=True)
                record["llvm_lines"] = llvm_lines(api, tool, Path(record["crate_dir"]))
                save(api, tool, record)
    # run.sh renders the report afterwards, with the whole run's duration in it.
    report(quiet=True)


def save(api, tool, record):
    (RAW / f"{api}-{tool}.json").write_text(json.dumps(record, indent=2))


def read_record(path):
    """One raw record, or None (with a warning) when it cannot be read as one.

    A record without `api` or `tool` (written by hand, or by an older bench.py) takes them from
    its file name, `{api}-{tool}.json` (API names have no `-`; tool names may).
    """
    try:
        record = json.loads(path.read_text())
    except (OSError, ValueError) as error:
        print(f"bench.py: skipping {path}: {error}", file=sys.stderr)
        return None
    if not isinstance(record, dict):
        print(f"bench.py: skipping {path}: not a JSON object", file=sys.stderr)
        return None
    api, _, tool = path.stem.partition("-")
    record.setdefault("api", api)
    record.setdefault("tool", tool)
    if not record["api"] or not record["tool"]:
        print(f"bench.py: skipping {path}: no api/tool, and the file name is not API-TOOL.json", file=sys.stderr)
        return None
    record.setdefault("generation", {"status": "not measured", "error": "the record has no generation result"})
    return record


# The group each whole API's "one group alone" target is measured on (tests/groups/measure.sh),
# and groups shown beside it for context.
GROUP_TARGET = {"github": ("github_full", "group-issues", []),
                "stripe": ("stripe_full", "group-customers", ["group-products"])}
GROUP_ALONE_SECONDS = 5


def group_rows(api):
    """Rows for one group's crate alone, from raw/groups.txt (tests/groups/measure.sh's output:
    user CPU of the crate's own `cargo check`, load average before it)."""
    path = RAW / "groups.txt"
    if api not in GROUP_TARGET:
        return []
    if not path.exists():
        return ["| one group's crate alone ≤ 5 s | n/a (tests/groups/measure.sh did not run: raw/groups.txt missing) | – |"]
    crate, target, context = GROUP_TARGET[api]
    found = {}
    for line in path.read_text(errors="replace").splitlines():
        match = re.match(r"^(\S+)\s+--features (\S+)\s+user\s+([\d.]+) s .*load ([\d.]+)", line)
        if match and match.group(1) == crate:
            found[match.group(2)] = (float(match.group(3)), match.group(4))
    rows = []
    for group in [target] + context:
        label = "one group's crate alone ≤ 5 s" if group == target else "(context) another group alone"
        if group not in found:
            rows.append(f"| {label} | n/a (`{group}` not in raw/groups.txt) | – |")
            continue
        cpu, load = found[group]
        verdict = ("met" if cpu <= GROUP_ALONE_SECONDS else "**missed**") if group == target else "–"
        rows.append(f"| {label} | `{group}`: {cpu:.2f} s user CPU (crate alone) [load {load}] | {verdict} |")
    return rows


CLIENT_OVERHEAD = 1.05


def overhead_section():
    """Issue 22's client-overhead target, from raw/overhead.txt: the output of `cargo bench -p
    accord-overhead-bench` (tests/overhead) (callgrind's instructions per request, and the client's CPU
    time natively), which run.sh runs, with the load average before it on its first line."""
    path = RAW / "overhead.txt"
    head = ["## client overhead (generated Orders client / bare reqwest, per request)", ""]
    if not path.exists():
        return head + ["n/a: raw/overhead.txt missing (run.sh runs the bench with TOOLS including accord "
                       "and OVERHEAD unset or 1)", ""]
    text = path.read_text(errors="replace")
    load = re.search(r"^load ([\d.]+)", text, re.M)
    ratios = re.search(r"^ratio ([\d.]+) cpu ([\d.]+)", text, re.M)
    if not ratios:
        excerpt = "; ".join(text.strip().splitlines()[-3:]) or "empty"
        return head + [f"n/a: the bench did not finish ({one_line(excerpt, 300)}; logs/overhead.log)", ""]
    instructions, cpu = float(ratios.group(1)), float(ratios.group(2))
    loads = f" [load {load.group(1)}]" if load else ""
    verdict = lambda ratio: "met" if ratio <= CLIENT_OVERHEAD else "**missed**"
    lines = text.splitlines()
    first = next((index for index, line in enumerate(lines) if line.startswith("instructions per")), 0)
    table = [line for line in lines[first:] if not line.startswith("ratio ")]
    return head + ["| target | value | verdict |", "| --- | --- | --- |",
                   f"| instructions (callgrind, user space) ≤ {CLIENT_OVERHEAD}× | {instructions:.3f}×{loads} | "
                   f"{verdict(instructions)} |",
                   f"| client CPU time, user + kernel (native, median of alternating runs) ≤ {CLIENT_OVERHEAD}× | "
                   f"{cpu:.3f}× | {verdict(cpu) if cpu else 'n/a'} |", "",
                   "`cargo bench -p accord-overhead-bench`:", "", "```",
                   *table, "```", ""]


def load_records():
    records = {}
    for path in sorted(RAW.glob("*.json")):
        record = read_record(path)
        if record is not None:
            records.setdefault(record["api"], {})[record["tool"]] = record
    return records


# ---------------------------------------------------------------------------------------------
# Report


def seconds(value):
    if value is None:
        return "–"
    return f"{value * 1000:.0f} ms" if value < 1 else f"{value:.2f} s" if value < 10 else f"{value:.1f} s"


def mebibytes(kib):
    return "–" if not kib else f"{kib / 1024:.0f} MiB"


def one_line(text, limit=110):
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[:limit - 1] + "…"


def headline(error):
    """One line for a table cell: a panic's message rather than its location."""
    lines = (error or "").splitlines()
    for index, line in enumerate(lines):
        if "panicked at" in line and index + 1 < len(lines):
            return "panic: " + lines[index + 1]
    return lines[0] if lines else ""


def compile_cell(summary):
    if not summary:
        return "–"
    if summary["status"] == "ok":
        own = summary.get("own_duration")
        return seconds(summary["wall"]) + (f" (crate {seconds(own)})" if own is not None else "") + run_loads(summary)
    if summary["status"] == "not measured":
        return "not measured"
    if summary["status"] == "timeout":
        return f"timeout ({summary.get('error', '')})"
    until = summary.get("wall_until_failure") or (summary.get("runs") or [{}])[-1].get("wall")
    if until:
        return f"{summary['status']} after {seconds(until)}"
    return summary["status"]


def run_loads(summary):
    """The 1-minute load average before each run of a median, e.g. ` [load 1.9, 2.3]`."""
    loads = [run["load"][0] for run in summary.get("runs", []) if isinstance(run.get("load"), list)]
    return f" [load {', '.join(f'{load:.1f}' for load in loads)}]" if loads else ""


def table_row(tool, record):
    generation = record["generation"]
    if generation["status"] != "ok":
        reason = one_line(headline(generation.get("error")))
        label = generation["status"]
        return f"| {tool} | {label}: {reason} | – | – | – | – | no ({generation['status']}) |"
    wall = seconds(generation["wall"])
    # The load before each repetition (its first step), as for the compile columns.
    gen_loads = [next(iter(rep.values())).get("load") for rep in generation.get("reps", []) if rep]
    gen_loads = [load[0] for load in gen_loads if isinstance(load, list)]
    if generation.get("workarounds"):
        wall += " (with " + ", ".join(f"`{w}`" for w in generation["workarounds"]) + ")"
    if "two_steps" in generation:
        two = generation["two_steps"]
        wall += (f" (through a kept spec: import {seconds(two['import_wall'])} + generate "
                 f"{seconds(two['generate_wall'])} = {seconds(two['wall'])})")
    lines = record.get("lines", {})
    compiled = record.get("compile", {})
    if "fetch" in compiled:
        verdict = "unknown (cargo fetch failed)"
    else:
        check, build = compiled.get("check"), compiled.get("build")
        if check and build and check["status"] == "ok" and build["status"] == "ok":
            verdict = "yes"
        elif check and check["status"] == "not measured":
            verdict = "not measured (COMPILE=0)"
        elif check and check["status"] == "timeout" or build and build["status"] == "timeout":
            verdict = "unknown (timeout)"
        else:
            verdict = "**no**"
    if gen_loads:
        wall += f" [load {', '.join(f'{load:.1f}' for load in gen_loads)}]"
    return (f"| {tool} | {wall} | {mebibytes(generation.get('max_rss_kib'))} | "
            f"{lines.get('rs_lines', '–')} ({lines.get('rs_files', '–')} files) | "
            f"{compile_cell(compiled.get('check'))} | {compile_cell(compiled.get('build'))} | {verdict} |")


def ok_value(records, tool, *path):
    node = records.get(tool)
    for key in path:
        if not isinstance(node, dict):
            return None
        node = node.get(key)
    return node


def generation_wall(records, tool):
    if ok_value(records, tool, "generation", "status") != "ok":
        return None
    return ok_value(records, tool, "generation", "wall")


def check_wall(records, tool):
    if ok_value(records, tool, "compile", "check", "status") != "ok":
        return None
    return ok_value(records, tool, "compile", "check", "wall")


def progenitor_baseline(records, value):
    """progenitor's number, or the adapted document's when progenitor rejects the original."""
    for tool in ("progenitor", "progenitor-adapted"):
        number = value(records, tool)
        if number:
            return tool, number
    return "progenitor", None


def check_ratio(records):
    accord = check_wall(records, "accord")
    _, progenitor = progenitor_baseline(records, check_wall)
    return accord / progenitor if accord and progenitor else None


def missing_reason(records, tool, what):
    record = records.get(tool)
    if not record:
        return f"{tool} not measured"
    generation = record["generation"]
    if generation["status"] != "ok":
        return f"{tool} generation {generation['status']}"
    if what == "check":
        check = ok_value(records, tool, "compile", "check") or {"status": "not run"}
        return f"{tool} cargo check {check['status']}"
    return f"{tool} {what} missing"


# Issue 22's targets. Generation: ratios on every API. Cold `cargo check`: Petstore against
# progenitor; the whole APIs in absolute seconds (on a quiet 2-core machine), whole and for the
# generated crate's own unit alone.
GENERATION_VS_OAG = 20
GENERATION_VS_PROGENITOR = 3
PETSTORE_CHECK_VS_PROGENITOR = 1.0
CHECK_SECONDS = {"github": (25, 8), "stripe": (30, 19)}


def graph_units(records, tool):
    runs = ok_value(records, tool, "compile", "check", "runs") or []
    own = runs[-1].get("own") if runs else None
    return own.get("graph_units") if isinstance(own, dict) else None


def targets(api, records):
    accord_gen = generation_wall(records, "accord")
    rows = []
    oag_gen = generation_wall(records, "openapi-generator")
    if accord_gen and oag_gen:
        ratio = oag_gen / accord_gen
        rows.append(f"| generation: openapi-generator / accord ≥ {GENERATION_VS_OAG}× | {ratio:.1f}× | "
                    f"{'met' if ratio >= GENERATION_VS_OAG else '**missed**'} |")
    else:
        reason = missing_reason(records, "accord" if not accord_gen else "openapi-generator", "generation")
        rows.append(f"| generation: openapi-generator / accord ≥ {GENERATION_VS_OAG}× | n/a ({reason}) | – |")
    baseline, prog_gen = progenitor_baseline(records, generation_wall)
    if accord_gen and prog_gen:
        ratio = prog_gen / accord_gen
        rows.append(f"| generation: {baseline} / accord ≥ {GENERATION_VS_PROGENITOR}× | {ratio:.2f}× | "
                    f"{'met' if ratio >= GENERATION_VS_PROGENITOR else '**missed**'} |")
    else:
        reason = missing_reason(records, "accord" if not accord_gen else "progenitor", "generation")
        rows.append(f"| generation: progenitor / accord ≥ {GENERATION_VS_PROGENITOR}× | n/a ({reason}) | – |")
    baseline, prog_check = progenitor_baseline(records, check_wall)
    accord_check = check_wall(records, "accord")
    ratio = check_ratio(records)
    if api == "petstore":
        if ratio is not None:
            units = f" (units {graph_units(records, 'accord') or '?'} vs {graph_units(records, baseline) or '?'})"
            rows.append(f"| cold `cargo check`: accord / {baseline} ≤ {PETSTORE_CHECK_VS_PROGENITOR} | "
                        f"{ratio:.2f}{units} | {'met' if ratio <= PETSTORE_CHECK_VS_PROGENITOR else '**missed**'} |")
        else:
            reason = missing_reason(records, "accord" if not accord_check else baseline, "check")
            rows.append(f"| cold `cargo check`: accord / progenitor ≤ {PETSTORE_CHECK_VS_PROGENITOR} | n/a ({reason}) | – |")
        other = ok_value(records, "accord", "compile", "check_other_tls")
        if other and other.get("status") == "ok" and prog_check:
            ratio = other["wall"] / prog_check
            runs = other["runs"]
            own = runs[-1].get("own") if runs else None
            units = own.get("graph_units") if isinstance(own, dict) else None
            loads = ", ".join(f"{run['load'][0]:.1f}" for run in runs if run.get("load"))
            measured = f"{seconds(other['wall'])} / {seconds(prog_check)} = {ratio:.2f} (units {units or '?'}) [load {loads}]"
            if other.get("with_tls"):
                # The default has no TLS (every URL of the spec is `http`): the row above is the
                # like-for-like one, and this is what turning `rustls` on costs.
                rows.append(f"| (context) the same with TLS (`--features rustls`, groups on), as an `https` "
                            f"deployment compiles | {measured} | – |")
            else:
                rows.append(f"| the same without TLS, like {baseline}'s crate (`--no-default-features`, groups on) "
                            f"≤ {PETSTORE_CHECK_VS_PROGENITOR} | {measured} | "
                            f"{'met' if ratio <= PETSTORE_CHECK_VS_PROGENITOR else '**missed**'} |")
    elif ratio is not None:
        rows.append(f"| (context) cold `cargo check`: accord / {baseline} | {ratio:.2f} | – |")
    if api in CHECK_SECONDS:
        whole, alone = CHECK_SECONDS[api]
        if accord_check:
            rows.append(f"| cold `cargo check` of accord's crate ≤ {whole} s | {seconds(accord_check)} | "
                        f"{'met' if accord_check <= whole else '**missed**'} |")
            own = ok_value(records, "accord", "compile", "check", "own_duration")
            if own:
                rows.append(f"| the generated crate's own unit ≤ {alone} s | {seconds(own)} | "
                            f"{'met' if own <= alone else '**missed**'} |")
            else:
                rows.append(f"| the generated crate's own unit ≤ {alone} s | n/a (no `--timings` report) | – |")
        else:
            reason = missing_reason(records, "accord", "check")
            rows.append(f"| cold `cargo check` of accord's crate ≤ {whole} s | n/a ({reason}) | – |")
        # One group of operations (issue 22 item 3): tests/groups/measure.sh, which run.sh runs
        # and whose output it keeps in raw/groups.txt.
        rows.extend(group_rows(api))
    if accord_check and graph_units(records, "accord") and api != "petstore":
        rows.append(f"| (context) units in accord's cold check | {graph_units(records, 'accord')} | – |")
    # The peers against each other: context for the targets, and a sanity check of the numbers.
    if prog_gen and oag_gen:
        rows.append(f"| (context) generation: openapi-generator / {baseline} | {oag_gen / prog_gen:.1f}× | – |")
    oag_check = check_wall(records, "openapi-generator")
    if oag_check and prog_check:
        rows.append(f"| (context) cold `cargo check`: openapi-generator / {baseline} | {oag_check / prog_check:.2f} | – |")
    return rows


def busiest_load(by_tool):
    """The highest load average seen before any measured step, and which step."""
    worst = None

    def visit(node):
        nonlocal worst
        if isinstance(node, dict):
            if isinstance(node.get("load"), list) and node.get("log"):
                if worst is None or node["load"][0] > worst[0]:
                    worst = (node["load"][0], Path(node["log"]).stem)
            for child in node.values():
                visit(child)
        elif isinstance(node, list):
            for child in node:
                visit(child)

    visit(by_tool)
    return worst


def environment_lines():
    lines = []
    for label, variable in (("accord", "ACCORD_DESCRIBE"), ("rustc", "RUSTC_VERSION"),
                            ("progenitor", "PROGENITOR_VERSION"), ("openapi-generator", "OAG_VERSION"),
                            ("java", "JAVA_VERSION")):
        if os.environ.get(variable):
            lines.append(f"- {label}: {os.environ[variable]}")
    lines.append(f"- machine: {os.cpu_count()} cores; each command timed and its peak RSS read by "
                 f"one `wait4`; generation reps {REPS}, "
                 f"cold compile reps {COMPILE_REPS}, medians; timeout per step {TIMEOUT:.0f} s")
    return lines


def refresh_errors(node, saved_at):
    """Re-reads error excerpts from the logs, so a better excerpt rule also fixes old records.

    A log written after the record was saved belongs to a later (perhaps unfinished) run and
    is left alone.
    """
    if isinstance(node, dict):
        log = node.get("log")
        if node.get("status") == "failed" and node.get("error") and log and Path(log).is_file() \
                and Path(log).stat().st_mtime <= saved_at:
            step, _, _ = node["error"].partition(": ")
            excerpt = error_excerpt(log)
            node["error"] = f"{step}: {excerpt}" if step in ("import", "generate") else excerpt
        for child in node.values():
            refresh_errors(child, saved_at)
    elif isinstance(node, list):
        for child in node:
            refresh_errors(child, saved_at)


def report(quiet=False):
    records = load_records()
    for by_tool in records.values():
        for tool, record in by_tool.items():
            raw_path = RAW / f"{record['api']}-{tool}.json"
            if raw_path.is_file():
                refresh_errors(record, raw_path.stat().st_mtime)
    out = ["# accord vs progenitor vs openapi-generator (`-g rust`)", ""]
    out += environment_lines()
    out += ["",
            "Generation: wall time (median) and peak RSS of the generator process tree, each tool taking",
            "the OpenAPI document (accord: `accord generate API.json`, imported in memory; in",
            "parentheses its route through a kept spec, `accord import openapi` then `accord generate`,",
            "not compared). Lines: non-blank",
            "lines of `*.rs` in the generated crate. `cargo check` / `cargo build`: cold (fresh",
            "`CARGO_TARGET_DIR`, dependencies compiled too, downloads excluded), debug profile; in",
            "parentheses the generated crate's own unit from `--timings`, without its dependencies; in",
            "brackets the 1-minute load average before each run of the median (2 cores: above ~3 means",
            "other work was running and the time is inflated).", ""]
    for api in [name for name in APIS if name in records] + [name for name in records if name not in APIS]:
        by_tool = records[api]
        out += [f"## {api} (`{Path(APIS.get(api, api)).name}`)", "",
                "| tool | generation wall (median) | gen max RSS | lines | cargo check cold | cargo build cold | compiles? |",
                "| --- | --- | --- | --- | --- | --- | --- |"]
        for tool in TOOLS:
            if tool in by_tool:
                out.append(table_row(tool, by_tool[tool]))
        out += ["", "| target | value | verdict |", "| --- | --- | --- |", *targets(api, by_tool), ""]
        failures = []
        for tool in TOOLS:
            record = by_tool.get(tool)
            if not record:
                continue
            steps = [("generation", record["generation"])]
            compiled = record.get("compile", {})
            steps += [(name, compiled[name]) for name in ("fetch", "check", "build") if name in compiled]
            for step_name, step in steps:
                if step.get("status") not in ("ok", "skipped", "not measured", None) and step.get("error"):
                    excerpt = "\n".join("    " + line for line in step["error"].splitlines()[:6])
                    failures.append(f"- {tool}, {step_name} ({step['status']}):\n{excerpt}")
        if failures:
            out += ["Failures (first lines; full logs in `$SCRATCH/logs`):", "", *failures, ""]
        notes = []
        for tool in TOOLS:
            for refusal in by_tool.get(tool, {}).get("refusals", []):
                errors = one_line("; ".join(refusal["errors"].splitlines()), 400)
                notes.append(f"- {tool} refused the document as it is: {refusal['meaning']} ({errors}); "
                             f"the row is measured with `{refusal['workaround']}`")
        if by_tool.get("progenitor-adapted", {}).get("adapted"):
            notes.append(f"- progenitor-adapted input: {by_tool['progenitor-adapted']['adapted'].split(': ', 2)[-1]}")
        for tool in TOOLS:
            for command in ("check", "build"):
                runs = ok_value(by_tool, tool, "compile", command, "runs") or []
                if runs and runs[-1].get("own") and runs[-1]["own"].get("top_units"):
                    notes.append(f"- {tool}, slowest units of the cold `cargo {command}`: "
                                 + ", ".join(f"`{unit}`" for unit in runs[-1]["own"]["top_units"][:4]))
        for tool in TOOLS:
            if by_tool.get(tool, {}).get("compile_from_earlier_run"):
                notes.append(f"- {tool}: generation re-measured with COMPILE=0; lines are of the new output, "
                             f"the compile columns are from the earlier run")
        busy = busiest_load(by_tool)
        # The 1-minute load average lags: a cargo step of this run leaves ~2 behind it on a
        # quiet 2-core machine, so only well above the core count means someone else's work.
        if busy and busy[0] > 1.5 * (os.cpu_count() or 1):
            notes.append(f"- **busy machine**: load average {busy[0]:.1f} on {os.cpu_count()} cores "
                         f"before `{busy[1]}`; other work was running, so these numbers are inflated")
        if notes:
            out += ["Notes:", "", *notes, ""]
        for tool in TOOLS:
            analysis = ok_value(by_tool, tool, "llvm_lines")
            if analysis and analysis.get("status") == "ok":
                out += [f"`cargo llvm-lines --lib` for {tool} (top; full list in `{analysis['file']}`):", "", "```",
                        *analysis["top"], "```", ""]
            build_own = ok_value(by_tool, tool, "compile", "build", "runs")
            if analysis and build_own and build_own[-1].get("own"):
                own = build_own[-1]["own"]
                out += [f"{tool}: own crate starts at {own['own_start']:.1f} s of the cold build (dependencies "
                        f"before it), takes {own['own_duration']:.1f} s; sections: "
                        + ", ".join(f"{name} {value:.1f} s" for name, value in own.get("sections", {}).items()), ""]
    out += overhead_section()
    # The experiment of runtime_deps.py, when it has been run: what the dependency choice costs.
    for experiment in sorted(SCRATCH.glob("runtime-deps-*.md")):
        out += ["#" + experiment.read_text().strip(), ""]
    last_run = SCRATCH / "last-run.txt"
    if last_run.is_file():
        out.append(last_run.read_text().strip())
    text = "\n".join(out) + "\n"
    (SCRATCH / "results.md").write_text(text)
    if not quiet:
        print(text)


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else "run"
    if command == "run":
        run()
    elif command == "report":
        report()
    else:
        sys.exit(f"unknown command `{command}`; expected `run` or `report`")
