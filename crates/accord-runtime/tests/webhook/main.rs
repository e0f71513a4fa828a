//! The webhook signature tests, one binary (STYLE: one integration-test binary per crate):
//! `corpus` runs every vector of `../shared/corpus/webhooks/schemes.yaml` through the
//! compiler's presets; `properties` checks sign/verify properties with proptest.

mod corpus;
mod properties;
