#!/usr/bin/env python3
"""Runs every curl command of the generated book against `accord mock` (issue 21).

Each endpoint's section in generated/docs/src shows a curl command (crates/accord/src/emit/
examples.rs makes it): the real method, URL, credentials, idempotency key and body encoding.
This script takes each command as the book prints it and runs it against `accord mock` of
its spec, which validates the request against the spec (auth, headers, parameters, body)
and answers as the provider would. Only two things change: the URL's base (the spec's
environment URL, its `{variables}` as written) becomes the mock's, and the environment
variables the command reads hold the mock's test credentials (an access token is fetched
from the mock's token endpoint, as a reader fetches one from the provider's).

A command passes when the mock answers 2xx. Any other answer, a command that does not run,
or a mock that does not start fails the script (exit 1), naming the page, the endpoint and
the mock's answer.

Usage: python3 tests/docs/curl.py [SPEC_NAME ...]   (default: every spec with a page)
Needs `curl` (7.75 or later, for `--aws-sigv4`) and the `accord` binary (built with cargo
into $CARGO_TARGET_DIR or target/ when ACCORD is not set). CI runs it after
tests/docs/check.sh.
"""

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def fail(message):
    print(f"curl check: {message}", file=sys.stderr)
    sys.exit(1)


def accord_binary():
    if os.environ.get("ACCORD"):
        return os.environ["ACCORD"]
    subprocess.run(["cargo", "build", "-q", "-p", "accord-cli"], cwd=ROOT, check=True)
    target = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
    binary = target / "debug" / "accord"
    if not binary.exists():
        fail(f"no accord binary at {binary}")
    return str(binary)


def pages():
    """(spec name, page path) for every book page: `NAME.md` or `NAME/….md`."""
    src = ROOT / "generated" / "docs" / "src"
    found = []
    for page in sorted(src.rglob("*.md")):
        relative = page.relative_to(src)
        name = relative.parts[0] if len(relative.parts) > 1 else relative.stem
        if (ROOT / "specs" / f"{name}.yaml").exists():
            found.append((name, page))
    return found


COMMAND = re.compile(r"^####? (?P<heading>[^\n]+)$|^```sh\n(?P<command>curl .*?)\n```$", re.M | re.S)


def commands(page):
    """(endpoint heading, command text) of each curl block of a page."""
    heading = None
    out = []
    for match in COMMAND.finditer(page.read_text()):
        if match.group("heading"):
            heading = match.group("heading").strip("` ")
        else:
            out.append((heading, match.group("command")))
    return out


def start_mock(accord, name):
    process = subprocess.Popen(
        [accord, "mock", str(ROOT / "specs" / f"{name}.yaml"), "--port", "0", "--no-rate-limits"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    seen = []
    for line in process.stdout:
        seen.append(line)
        found = re.search(r"accord mock: .* on (http://\S+)", line)
        if found:
            return process, found.group(1)
    process.kill()
    fail(f"`accord mock` of {name} did not start:\n{''.join(seen)}")


def token(mock, path, grant):
    data = ["-d", "grant_type=client_credentials"] if grant == "client_credentials" else [
        "-d", "grant_type=refresh_token", "-d", "refresh_token=test-refresh-token"]
    out = subprocess.run(
        ["curl", "-sS", "-u", "test-client:test-secret", *data, mock + path],
        capture_output=True, text=True, check=False,
    )
    try:
        return json.loads(out.stdout)["access_token"]
    except (ValueError, KeyError):
        fail(f"the mock's token endpoint {path} gave no access token: {out.stdout}{out.stderr}")


def environment(contract, mock):
    """The environment variables the commands read, set to the mock's test credentials."""
    env = dict(os.environ)
    ours = {}  # a variable two schemes share (Stripe's key as bearer and basic) keeps the first's value

    def put(name, value):
        if name not in ours:
            ours[name] = value

    prefix = contract.get("env_prefix") or contract["name"].upper()
    for credential in contract.get("auth", {}).get("credentials", []):
        scheme = credential["scheme"]
        kind = scheme["scheme"]
        if kind == "bearer":
            put(scheme["env"], "test-token")
        elif kind == "basic":
            put(scheme["username_env"], "test-user")
            put(scheme["password_env"], "test-password")
        elif kind == "api_key":
            put(scheme["env"], "test-key")
        elif kind == "aws_sigv4":
            put(scheme["access_key_id_env"], "test-access-key-id")
            put(scheme["secret_access_key_env"], "test-secret-access-key")
        elif kind in ("oauth2_client_credentials", "oauth2_authorization_code", "oauth2_jwt_bearer"):
            if f"{prefix}_ACCESS_TOKEN" not in ours:
                path = scheme.get("token_path") or "/token"
                grant = "client_credentials" if kind == "oauth2_client_credentials" else "refresh_token"
                put(f"{prefix}_ACCESS_TOKEN", token(mock, path, grant))
        # github_app: an installation token is made from an app JWT; the commands use the
        # spec's other alternative. hmac_signature: curl cannot sign; the command has no auth.
    for variable in contract.get("server_variables") or []:
        put(variable.get("env", ""), "example")
    env.update(ours)
    return env


def base_patterns(contract):
    """Regexes of the spec's base URLs, `{variable}` matching any value as written."""
    urls = [e["base_url"] for e in contract.get("environments") or []]
    patterns = []
    for url in sorted(set(urls), key=len, reverse=True):
        parts = re.split(r"\{[^}]+\}", url)
        patterns.append(re.compile("[^/'\"]+".join(re.escape(p) for p in parts)))
    return patterns


def main():
    if not shutil.which("curl"):
        fail("curl is not installed (apt-get install curl); the book's curl examples cannot be checked")
    wanted = set(sys.argv[1:])
    accord = accord_binary()
    work = Path(tempfile.mkdtemp(prefix="accord-curl-"))
    (work / "example.bin").write_bytes(b"%PDF-1.4 example\n")
    shim = "" if shutil.which("uuidgen") else f"uuidgen() {{ echo {uuid.uuid4()}; }}\n"
    failures = []
    ran = 0
    by_spec = {}
    for name, page in pages():
        if not wanted or name in wanted:
            by_spec.setdefault(name, []).append(page)
    if wanted - set(by_spec):
        fail(f"no book page for {sorted(wanted - set(by_spec))}")
    for name, spec_pages in by_spec.items():
        contract = json.loads((ROOT / "generated" / name / "contract.json").read_text())
        process, mock = start_mock(accord, name)
        try:
            env = environment(contract, mock)
            patterns = base_patterns(contract)
            for page in spec_pages:
                for heading, command in commands(page):
                    for pattern in patterns:
                        command = pattern.sub(mock, command, count=1)
                    if mock not in command:
                        failures.append(f"{page.name} {heading}: no base URL of the spec in\n{command}")
                        continue
                    script = shim + command + " -sS -o response.body -w '%{http_code}'"
                    out = subprocess.run(["bash", "-c", script], cwd=work, env=env, capture_output=True, text=True)
                    ran += 1
                    status = out.stdout.strip()[-3:]
                    if out.returncode != 0 or not status.startswith("2"):
                        body = (work / "response.body").read_text(errors="replace")[:400] if (work / "response.body").exists() else ""
                        failures.append(
                            f"{page.relative_to(ROOT)} `{heading}`: HTTP {status or '-'} (exit {out.returncode}) {out.stderr.strip()} {body}\n  {command}"
                        )
        finally:
            process.kill()
            process.wait()
    shutil.rmtree(work, ignore_errors=True)
    if ran == 0:
        fail("no curl command found in the book; run `cargo run -- generate specs/` first")
    for failure in failures:
        print(f"FAIL {failure}", file=sys.stderr)
    print(f"curl check: {ran - len(failures)}/{ran} commands of {len(by_spec)} specs answered 2xx by `accord mock`")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
