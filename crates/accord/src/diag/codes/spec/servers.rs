//! `spec::*` codes of `server_variables` and `servers` (found by `check::servers`).

use crate::diag::codes::Example;

codes! {
    UNDECLARED_VARIABLE = "spec::undeclared_variable", Error {
        summary: "a URL names a `{variable}` that `server_variables` does not declare",
        explanation: "An environment's or server's URL may hold variables (`https://{shop}.myshopify.com`), \
            which the generated client fills in when it is built, from its builder's setters, the \
            environment, or the variable's default. A variable the spec does not declare under \
            `server_variables` has no setter and no value: the client would send the braces \
            literally. Declare it (with a `default`, or `required: true`), or write the URL without it. \
            A variable may stand in the host, the port or the path, never in the scheme or the query.",
        example: Example::fixed(
            r#"
environments:
  production: { base_url: "https://{shop}.myshopify.com/admin/api", default: true }
"#,
            r#"
server_variables:
  shop: { required: true, description: "The shop's subdomain" }
environments:
  production: { base_url: "https://{shop}.myshopify.com/admin/api", default: true }
"#,
        ),
    }

    VARIABLE_WITHOUT_DEFAULT = "spec::variable_without_default", Error {
        summary: "a server variable has no `default` and is not marked `required: true`",
        explanation: "OpenAPI requires a default for every server variable, so a variable without one \
            is usually a slip; a client built without setting it would have no URL. When every user \
            must give the value (a shop's name, an account id), say so with `required: true`: the \
            builder's `build()` then fails with a message naming its setter and environment \
            variable. Otherwise give the `default` the client uses. A `required` variable with a \
            `default` is refused too: the default would never be used.",
        example: Example::fixed(
            r#"
server_variables:
  region: { description: "Where the account lives" }
environments:
  production: { base_url: "https://{region}.api.example.com", default: true }
"#,
            r#"
server_variables:
  region: { default: us, description: "Where the account lives" }
environments:
  production: { base_url: "https://{region}.api.example.com", default: true }
"#,
        ),
    }

    BAD_VARIABLE_VALUE = "spec::bad_variable_value", Error {
        summary: "a server variable's default or enum value cannot be used, or the default is not one of the enum",
        explanation: "A server variable's `default` must be one of its `enum` values when it has them \
            (the generated setter takes an enum of exactly those values), and every value must fit \
            the place of the URL the variable stands in: a host takes letters, digits, `-` and `.` \
            (a `/` or `@` would change the host), a port digits, a path anything but the \
            dot-segments `.` and `..` (other characters are percent-encoded). The runtime refuses \
            the same values given to the builder.",
        example: Example::fixed(
            r#"
server_variables:
  version: { default: "2023-13", enum: ["2024-01", "2024-04"] }
environments:
  production: { base_url: "https://api.example.com/{version}", default: true }
"#,
            r#"
server_variables:
  version: { default: "2024-01", enum: ["2024-01", "2024-04"] }
environments:
  production: { base_url: "https://api.example.com/{version}", default: true }
"#,
        ),
    }

    UNKNOWN_SERVER = "spec::unknown_server", Error {
        summary: "an endpoint names a `server` that `servers` does not declare",
        explanation: "An endpoint's `server` sends it to a named server instead of the environment's \
            base URL (Stripe's file uploads go to `files.stripe.com`). The name must be a key of the \
            top-level `servers`, where the server's URL is declared once for every environment.",
        example: Example::fixed(
            r#"
endpoints:
  upload:
    method: POST
    path: /v1/files
    server: files
    responses: { "204": { description: No content } }
"#,
            r#"
servers:
  files: { base_url: "https://files.example.com" }
endpoints:
  upload:
    method: POST
    path: /v1/files
    server: files
    responses: { "204": { description: No content } }
"#,
        ),
    }

    SERVER_ENVIRONMENTS = "spec::server_environments", Error {
        summary: "a server's per-environment URLs do not name exactly the declared environments",
        explanation: "A named server's `base_url` is one URL for every environment, or a map from \
            environment name to URL. The map must name every declared environment (a client in an \
            environment the map leaves out would have nowhere to send the server's endpoints) and \
            nothing else (a misspelt environment would be silently unused).",
        example: Example::fixed(
            r#"
environments:
  production: { base_url: "https://api.example.com", default: true }
  sandbox: { base_url: "https://sandbox.example.com" }
servers:
  files: { base_url: { production: "https://files.example.com" } }
"#,
            r#"
environments:
  production: { base_url: "https://api.example.com", default: true }
  sandbox: { base_url: "https://sandbox.example.com" }
servers:
  files: { base_url: { production: "https://files.example.com", sandbox: "https://files.sandbox.example.com" } }
"#,
        ),
    }
}
