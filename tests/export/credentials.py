"""The `accord mock` test credentials as command-line options of Schemathesis, one a line.

Usage: credentials.py EXPORTED_OPENAPI_JSON MOCK_BASE_URL

Reads the document's security schemes and prints `-H` / `NAME: VALUE` pairs for the first
alternative of the document's `security`: the mock's fixed test credentials
(crates/accord-mock/src/credentials.rs: token `test-token`, user `test-user`/`test-password`,
key `test-key`, client `test-client`/`test-secret`), an OAuth2 client-credentials token fetched
from the mock's token endpoint (the path of the scheme's `tokenUrl`).

Exit status 3: a scheme of that alternative signs every request (AWS SigV4, a declared HMAC
request signature: `x-accord-credential` says which). Schemathesis sends fixed headers, so it
cannot act as a client of such an API; the caller reports the spec as not run.
"""

import base64
import json
import sys
import urllib.parse
import urllib.request


def main() -> None:
    document_path, base_url = sys.argv[1], sys.argv[2]
    with open(document_path, encoding="utf-8") as file:
        document = json.load(file)
    schemes = document.get("components", {}).get("securitySchemes", {})
    requirement = (document.get("security") or [{}])[0]
    options = []
    for name in requirement:
        scheme = schemes[name]
        kind = scheme["type"]
        signed = [k for k in ("aws_sigv4", "hmac_signature") if k in scheme.get("x-accord-credential", {})]
        if signed:
            print(f"credentials.py: `{name}` signs every request ({signed[0]}); Schemathesis sends fixed "
                  "headers and cannot sign them", file=sys.stderr)
            sys.exit(3)
        if kind == "http" and scheme["scheme"] == "bearer":
            options.append("Authorization: Bearer test-token")
        elif kind == "http" and scheme["scheme"] == "basic":
            token = base64.b64encode(b"test-user:test-password").decode()
            options.append(f"Authorization: Basic {token}")
        elif kind == "apiKey" and scheme["in"] == "header":
            options.append(f"{scheme['name']}: test-key")
        elif kind == "oauth2":
            token_url = scheme["flows"]["clientCredentials"]["tokenUrl"]
            path = urllib.parse.urlsplit(token_url).path
            body = urllib.parse.urlencode({"grant_type": "client_credentials"}).encode()
            request = urllib.request.Request(base_url + path, data=body, method="POST")
            basic = base64.b64encode(b"test-client:test-secret").decode()
            request.add_header("Authorization", f"Basic {basic}")
            request.add_header("Content-Type", "application/x-www-form-urlencoded")
            with urllib.request.urlopen(request, timeout=10) as response:
                token = json.load(response)["access_token"]
            options.append(f"Authorization: Bearer {token}")
        else:
            sys.exit(f"credentials.py: no test credential for scheme `{name}` ({kind})")
    for option in options:
        print("-H")
        print(option)


if __name__ == "__main__":
    main()
