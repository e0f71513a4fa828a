//! Compiles the Orders spec into `OUT_DIR/orders.rs`, as a consumer crate of accord does, and
//! the good spec whose webhooks declare no signature scheme, so that a client that decodes
//! deliveries without verifying them is compiled too (nothing else compiles one), the good
//! spec with read-only and write-only properties, the good spec with status ranges, a
//! `default` error code and text and binary bodies, and the good spec of parameter styles and
//! fixed values, and the good spec of URL variables, a named upload server and `Link` cursor
//! pagination, and the good spec of a declared HMAC request signature and an environment
//! that requires a client certificate, and the good spec of streamed bodies, and the good
//! spec of a model keeping undeclared properties and `one_of` unions, and an OpenAPI
//! description split over files (Redocly's `openapi-starter` from the corpus), imported in
//! memory as `accord generate` takes one.
//! `ACCORD_CONSUMER_SPEC` points it at another spec (the tests use it to show how a broken
//! spec fails the build).

fn main() -> Result<(), accord::BuildError> {
    println!("cargo:rerun-if-env-changed=ACCORD_CONSUMER_SPEC");
    match std::env::var("ACCORD_CONSUMER_SPEC") {
        Ok(spec) => accord::Config::new().emit_rerun_if_changed(true).compile(&[spec]).map(|_| ()),
        Err(_) => accord::Config::new()
            .compile(&[
                "../../specs/orders.yaml",
                "../good-specs/unsigned_webhooks.yaml",
                "../good-specs/read_write_only.yaml",
                "../good-specs/responses_and_raw_bodies.yaml",
                "../good-specs/param_styles.yaml",
                "../good-specs/servers_and_link_pages.yaml",
                "../good-specs/signed_requests.yaml",
                "../good-specs/streamed_bodies.yaml",
                "../good-specs/open_models_and_unions.yaml",
                "../../../shared/corpus/openapi-trees/redocly-openapi-starter/openapi/openapi.yaml",
            ])
            .map(|_| ()),
    }
}
