"""Writes an OpenAPI 3.1 description equivalent to an accord contract (`generated/NAME/contract.json`),
so that Prism can mock the same API for the throughput comparison in throughput.sh.

Only what Prism needs to route, validate and answer: paths, parameters, request bodies and
responses with their schemas and examples; the schemas' `#/$defs/X` refs become
`#/components/schemas/X`. OAuth2 is exported as HTTP bearer (Prism checks the header's presence).

Usage: python3 openapi_from_contract.py generated/orders/contract.json > openapi.json
"""

import json
import sys


def rewrite(value):
    if isinstance(value, dict):
        out = {}
        for key, inner in value.items():
            if key == "$ref" and isinstance(inner, str) and inner.startswith("#/$defs/"):
                out[key] = "#/components/schemas/" + inner[len("#/$defs/"):]
            else:
                out[key] = rewrite(inner)
        return out
    if isinstance(value, list):
        return [rewrite(item) for item in value]
    return value


def main(path):
    contract = json.load(open(path))
    codes = {code["name"]: code for code in contract["errors"]["codes"]}
    paths = {}
    for op in contract["operations"]:
        parameters = []
        for location, params in (("path", op["path_params"]), ("query", op["query"]), ("header", op["headers"])):
            for param in params:
                parameters.append({
                    "name": param["name"],
                    "in": location,
                    "required": param["required"] or location == "path",
                    "schema": rewrite(param["schema"]),
                })
        operation = {"operationId": op["name"], "parameters": parameters, "responses": {}}
        if op["body"]:
            media = "application/json" if op["body"]["content_type"] == "json" else "application/x-www-form-urlencoded"
            operation["requestBody"] = {
                "required": op["body"]["required"],
                "content": {media: {"schema": rewrite(op["body"]["schema"])}},
            }
        for response in op["responses"]:
            entry = {"description": str(response["status"])}
            if response["schema"] is not None:
                content = {"schema": rewrite(response["schema"])}
                if response.get("example") is not None:
                    content["example"] = response["example"]
                entry["content"] = {"application/json": content}
            operation["responses"][str(response["status"])] = entry
        for name in op["errors"]:
            code = codes.get(name)
            if code is None:
                continue
            for status in code["statuses"]:
                operation["responses"].setdefault(str(status), {
                    "description": name,
                    "content": {"application/json": {"schema": rewrite(code["schema"]), "example": code["example"]}},
                })
        paths.setdefault(op["path"], {})[op["method"].lower()] = operation
    document = {
        "openapi": "3.1.0",
        "info": {"title": contract["title"], "version": "1.0.0"},
        "servers": [{"url": env["base_url"]} for env in contract["environments"]],
        "paths": paths,
        "components": {"schemas": rewrite(contract["schemas"])},
    }
    auth = contract["auth"]
    if auth.get("oauth2") or auth.get("bearer"):
        document["components"]["securitySchemes"] = {"bearer": {"type": "http", "scheme": "bearer"}}
        document["security"] = [{"bearer": []}]
    json.dump(document, sys.stdout, indent=2)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main(sys.argv[1])
