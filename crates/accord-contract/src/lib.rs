//! The machine-readable contract of one integration spec: the shapes the compiler lowers a
//! spec into for the programs that act it out rather than print it — `accord mock` (serves
//! it) and `accord verify` (checks a provider against it).
//!
//! The compiler writes it as `contract.json` into each generated crate (serde's JSON form of
//! [`Contract`]), so a crate's contract tests need neither the spec nor the compiler. This
//! crate is only data: serde and serde_json, nothing else, so the compiler can produce it
//! without pulling in an HTTP stack.
//!
//! Every schema is a JSON Schema (draft 2020-12) value whose `$ref`s point into
//! [`Contract::schemas`] as `#/$defs/NAME`; a validator for one place is
//! `{"$defs": contract.schemas, …that place's schema}`.
//!
//! Without the `contract` feature (on by default) the crate holds only what accord-runtime
//! needs: the wire-level enums and defaults ([`wire`]), the OAuth 2.0 and signing settings
//! ([`oauth`], [`signing`]) and URL templates ([`url_template`]); a generated crate then
//! compiles none of the contract's types (issue 22). Their `Serialize` and `Deserialize` come
//! with the `derive` feature (serde's derive, which `contract` turns on): accord-runtime reads
//! and writes none of them, so a generated crate builds no proc macro for them.

#[cfg(feature = "contract")]
pub mod auth;
pub mod oauth;
pub mod signing;
pub mod url_template;
pub mod wire;

#[cfg(feature = "contract")]
mod applied;
#[cfg(feature = "contract")]
mod contract;
#[cfg(feature = "contract")]
pub use contract::*;
