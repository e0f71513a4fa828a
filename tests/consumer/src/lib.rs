//! A consumer of accord: the Orders client compiled by `build.rs` into `OUT_DIR` and included
//! here, as a crate that integrates with an API would hold it.

/// The Orders API client (`specs/orders.yaml`), generated at build time.
pub mod orders {
    accord_runtime::include_client!("orders");
}

/// The Orders contract (`OUT_DIR/orders.contract.json`), for `accord mock` in tests.
pub const ORDERS_CONTRACT: &str = include_str!(concat!(env!("OUT_DIR"), "/orders.contract.json"));

/// A client whose webhooks declare no signature scheme
/// (`tests/good-specs/unsigned_webhooks.yaml`): its `webhooks` module parses deliveries and
/// verifies nothing.
pub mod unsigned_webhooks {
    accord_runtime::include_client!("unsigned_webhooks");
}

/// A client whose `User` model has a read-only `id` and a write-only `password`
/// (`tests/good-specs/read_write_only.yaml`).
pub mod read_write_only {
    accord_runtime::include_client!("read_write_only");
}

/// The contract of [`read_write_only`], for `accord mock` in tests.
pub const READ_WRITE_ONLY_CONTRACT: &str = include_str!(concat!(env!("OUT_DIR"), "/read_write_only.contract.json"));

/// A client with status ranges, a catch-all `default` error code and bodies sent as they are
/// (`tests/good-specs/responses_and_raw_bodies.yaml`).
pub mod responses_and_raw_bodies {
    accord_runtime::include_client!("responses_and_raw_bodies");
}

/// The contract of [`responses_and_raw_bodies`], for `accord mock` in tests.
pub const RESPONSES_AND_RAW_BODIES_CONTRACT: &str =
    include_str!(concat!(env!("OUT_DIR"), "/responses_and_raw_bodies.contract.json"));

/// A client whose parameters use every OpenAPI style and whose endpoints on one method and
/// path are told apart by fixed values (`tests/good-specs/param_styles.yaml`).
pub mod param_styles {
    accord_runtime::include_client!("param_styles");
}

/// The contract of [`param_styles`], for `accord mock` in tests.
pub const PARAM_STYLES_CONTRACT: &str = include_str!(concat!(env!("OUT_DIR"), "/param_styles.contract.json"));

/// A client whose base URL holds variables (a regional host with an enum, a required account
/// segment), with an upload endpoint on a server of its own and a list paged by `Link` cursors
/// (`tests/good-specs/servers_and_link_pages.yaml`).
pub mod servers_and_link_pages {
    accord_runtime::include_client!("servers_and_link_pages");
}

/// The contract of [`servers_and_link_pages`], for `accord mock` in tests.
pub const SERVERS_AND_LINK_PAGES_CONTRACT: &str =
    include_str!(concat!(env!("OUT_DIR"), "/servers_and_link_pages.contract.json"));
/// A client whose requests are signed with a declared HMAC scheme (Binance's `SIGNED`
/// endpoints) and whose `partner` environment requires a client certificate
/// (`tests/good-specs/signed_requests.yaml`).
pub mod signed_requests {
    accord_runtime::include_client!("signed_requests");
}

/// The contract of [`signed_requests`], for `accord mock` in tests.
pub const SIGNED_REQUESTS_CONTRACT: &str = include_str!(concat!(env!("OUT_DIR"), "/signed_requests.contract.json"));

/// A client whose bodies are streamed both ways (`tests/good-specs/streamed_bodies.yaml`):
/// `Upload` bodies and `ByteStream` answers.
pub mod streamed_bodies {
    accord_runtime::include_client!("streamed_bodies");
}

/// The contract of [`streamed_bodies`], for `accord mock` in tests.
pub const STREAMED_BODIES_CONTRACT: &str = include_str!(concat!(env!("OUT_DIR"), "/streamed_bodies.contract.json"));

/// A client whose `Setting` model keeps the properties it does not declare and holds a
/// `one_of` union (`tests/good-specs/open_models_and_unions.yaml`): their serde impls are
/// written out by the compiler, not derived.
pub mod open_models_and_unions {
    accord_runtime::include_client!("open_models_and_unions");
}

/// The contract of [`open_models_and_unions`], for `accord mock` in tests.
pub const OPEN_MODELS_AND_UNIONS_CONTRACT: &str =
    include_str!(concat!(env!("OUT_DIR"), "/open_models_and_unions.contract.json"));

/// The client of an OpenAPI description split over files (Redocly's `openapi-starter`, the
/// "Redocly Cafe" API, `../shared/corpus/openapi-trees`), given to `build.rs` as it is: named
/// after its `info.title`.
pub mod redocly_cafe {
    accord_runtime::include_client!("redocly_cafe");
}
