#!/usr/bin/env python3
"""Cuts an OpenAPI document down to what progenitor 0.15 accepts, for the `progenitor-adapted` rows.

progenitor rejects all three documents of the comparison as they are (it panics on an
operation whose success or error responses have more than one type, on a body with more
than one media type, on a deepObject query parameter, ...). Without some progenitor output
there is no baseline for the compile-time target, so this makes a copy it accepts, by
removing, never adding: for each operation only the first 2xx response, only the error
responses of the same type as the first one, one media type per body (JSON when offered),
and no parameters of the styles progenitor refuses. The adapted document describes fewer
responses and parameters than the original, so progenitor's crate is smaller than a full
client would be: a conservative baseline for accord, whose rows use the original document.

Usage: progenitor_adapt.py INPUT OUTPUT.json   (prints what it removed to stderr)
"""

import json
import re
import sys
from collections import Counter
from pathlib import Path

METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
# Parameter styles progenitor 0.15 generates code for; anything else is dropped.
SUPPORTED_QUERY_STYLES = (None, "form")


def load(path):
    text = Path(path).read_text()
    if path.endswith(".json"):
        return json.loads(text)
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return yaml.load(text, Loader=loader)


def resolve(document, node):
    """Follows a local `$ref` (responses, parameters, request bodies live in components)."""
    seen = 0
    while isinstance(node, dict) and "$ref" in node and seen < 20:
        pointer = node["$ref"]
        if not pointer.startswith("#/"):
            return node
        node = document
        for part in pointer[2:].split("/"):
            node = node[part.replace("~1", "/").replace("~0", "~")]
        seen += 1
    return node


def pick_media_type(content):
    """One media type: JSON when offered, else the first."""
    if not isinstance(content, dict) or len(content) <= 1:
        return content, False
    for media_type in content:
        if media_type == "application/json" or media_type.endswith("+json"):
            return {media_type: content[media_type]}, True
    first = next(iter(content))
    return {first: content[first]}, True


def response_type(document, response):
    """What progenitor compares: the schema of the (single) body, or none."""
    response = resolve(document, response)
    content = response.get("content") if isinstance(response, dict) else None
    if not content:
        return "none"
    content, _ = pick_media_type(content)
    media = next(iter(content.values())) or {}
    return json.dumps(media.get("schema"), sort_keys=True)


def adapt_responses(document, responses, removed):
    success = sorted(code for code in responses if str(code).startswith("2"))
    kept = dict(responses)
    if success:
        for code in success[1:]:
            del kept[code]
            removed["extra 2xx response"] += 1
        if "default" in kept:
            del kept["default"]
            removed["default response next to a 2xx"] += 1
    errors = [code for code in kept if str(code)[0] in "45"]
    if "default" in kept:
        # Without a 2xx, progenitor takes `default` as the success and the error type.
        errors.insert(0, "default")
    if errors:
        first_type = response_type(document, kept[errors[0]])
        for code in errors[1:]:
            if response_type(document, kept[code]) != first_type:
                del kept[code]
                removed["error response of another type"] += 1
    # Responses that are `$ref`s are inlined so that their media types can be cut per use.
    for code, response in list(kept.items()):
        response = resolve(document, response)
        if isinstance(response, dict) and "content" in response:
            content, cut = pick_media_type(response["content"])
            if cut:
                response = {**response, "content": content}
                removed["extra response media type"] += 1
        kept[code] = response
    return kept


# Request media types progenitor 0.15 generates code for (`BodyContentType::from_str`).
SUPPORTED_REQUEST_TYPES = ("application/json", "application/x-www-form-urlencoded",
                           "application/octet-stream", "text/plain", "text/x-markdown")


def adapt_request_body(document, body, removed):
    """One supported media type, without `encoding` (progenitor panics on it)."""
    body = resolve(document, body)
    content, cut = pick_media_type(body.get("content"))
    if cut:
        removed["extra request media type"] += 1
    if not content:
        return body
    (media_type, media), = content.items()
    media = dict(media or {})
    if media.pop("encoding", None) is not None:
        removed["request `encoding`"] += 1
    if media_type.split(";")[0] not in SUPPORTED_REQUEST_TYPES:
        # `*/*`, `application/vnd.github+json`, ...: the nearest type progenitor knows, so the
        # body and its schema stay in the generated code.
        schema = resolve(document, media.get("schema")) or {}
        binary = schema.get("type") == "string" and schema.get("format") == "binary"
        media_type = "application/octet-stream" if binary else "application/json"
        removed["request media type renamed"] += 1
    return {**body, "content": {media_type: media}}


def adapt_parameters(document, parameters, removed):
    kept = []
    for parameter in parameters or []:
        resolved = resolve(document, parameter)
        if resolved.get("in") == "query" and resolved.get("style") not in SUPPORTED_QUERY_STYLES:
            removed[f"query parameter of style {resolved.get('style')}"] += 1
            continue
        kept.append(parameter)
    return kept


def dedup_enums(node, removed):
    """Drops enum strings that differ only in case or punctuation (`add`/`Add`, `GMT+0`/`GMT-0`).

    typify (progenitor's type generator) names variants in PascalCase and panics when two
    values map to the same name.
    """
    if isinstance(node, dict):
        values = node.get("enum")
        if isinstance(values, list) and all(isinstance(value, str) for value in values):
            seen, kept = set(), []
            for value in values:
                key = re.sub(r"[^a-z0-9]", "", value.lower())
                if key in seen:
                    removed["enum value clashing in PascalCase"] += 1
                    continue
                seen.add(key)
                kept.append(value)
            node["enum"] = kept
        for child in node.values():
            dedup_enums(child, removed)
    elif isinstance(node, list):
        for child in node:
            dedup_enums(child, removed)


def adapt(document):
    removed = Counter()
    dedup_enums(document, removed)
    for path_item in (document.get("paths") or {}).values():
        if "parameters" in path_item:
            path_item["parameters"] = adapt_parameters(document, path_item["parameters"], removed)
        for method in METHODS:
            operation = path_item.get(method)
            if not isinstance(operation, dict):
                continue
            if "parameters" in operation:
                operation["parameters"] = adapt_parameters(document, operation["parameters"], removed)
            if "requestBody" in operation:
                operation["requestBody"] = adapt_request_body(document, operation["requestBody"], removed)
            if "responses" in operation:
                operation["responses"] = adapt_responses(document, operation["responses"], removed)
    return removed


def main():
    source, target = sys.argv[1], sys.argv[2]
    document = load(source)
    removed = adapt(document)
    Path(target).write_text(json.dumps(document))
    summary = ", ".join(f"{count} {what}" for what, count in sorted(removed.items())) or "nothing"
    print(f"progenitor_adapt: {Path(source).name}: removed {summary}", file=sys.stderr)


if __name__ == "__main__":
    main()
