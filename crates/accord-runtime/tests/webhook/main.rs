//! The webhook signature tests, one binary (STYLE: one integration-test binary per crate):
//! `corpus` runs every vector of `../shared/corpus/webhooks/schemes.yaml` through the
//! compiler's presets; `properties` checks sign/verify properties with proptest; `ecdsa`
//! runs the ECDSA P-256 vectors of `ecdsa/vectors.json` (SendGrid's SDK vector and derived
//! ones, verdicts by pyca/cryptography) through the `sendgrid` preset.

mod corpus;
mod ecdsa;
mod properties;
