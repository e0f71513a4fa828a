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
