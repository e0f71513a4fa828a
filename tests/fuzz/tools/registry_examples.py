#!/usr/bin/env python3
"""Writes tests/bad-specs/code_<name>.yaml from the example of every registered diagnostic
code (crates/accord/src/diag/codes/), made a whole spec as the registry's tests do
(`accord`, `name` and `endpoints` added when the example leaves them out). Existing files
are left alone. Run from the workspace root; review each new snapshot after."""
import os, re, sys

entry = re.compile(r'([A-Z_0-9]+) = "([a-z]+)::([a-z_]+)", (Error|Warning) \{')
written = 0
for folder, _, files in os.walk("crates/accord/src/diag/codes"):
    for file in sorted(files):
        if not file.endswith(".rs") or file == "tests.rs":
            continue
        text = open(os.path.join(folder, file)).read()
        for match in entry.finditer(text):
            rest = text[match.end():]
            nxt = entry.search(rest)
            body = rest[: nxt.start()] if nxt else rest
            example = re.search(r'example: Example::fixed\(\s*r#"\n(.*?)"#', body, re.S)
            if not example:
                continue
            bad = example.group(1)
            short = match.group(3)
            name = f"code_{short}"
            has = lambda key: any(line.startswith(f"{key}:") for line in bad.splitlines())
            spec = f"# Registry example of `{match.group(2)}::{short}` (crates/accord/src/diag/codes/), as a whole spec.\n"
            if not has("accord"):
                spec += "accord: 1\n"
            if not has("name"):
                spec += f"name: {name}\n"
            spec += bad
            if not has("endpoints"):
                spec += 'endpoints:\n  ping:\n    method: GET\n    path: /ping\n    responses: { "204": { description: No content } }\n'
            path = f"tests/bad-specs/{name}.yaml"
            if os.path.exists(path):
                continue
            open(path, "w").write(spec)
            written += 1
print(f"wrote {written} files", file=sys.stderr)
