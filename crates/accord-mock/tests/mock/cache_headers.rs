//! Caching headers acted out (issue 18): an endpoint whose spec declares the provider's
//! `Cache-Control` (`specs/github.yaml`'s reads, from GitHub's docs) gets it on its 200, with
//! an `ETag`, and on the 304 that answers a matching `If-None-Match`; an endpoint without
//! the declaration gets none.

use std::path::Path;

use accord_mock::{Contract, MockOptions, MockServer};
use accord_runtime::reqwest::Client;

fn contract(name: &str) -> Contract {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("../../specs/{name}.yaml"));
    let source = std::fs::read_to_string(&path).expect("spec reads");
    let compiled = accord::compile_spec(&path, &source).unwrap_or_else(|failure| panic!("{}", failure.render()));
    accord::emit::contract::build(&compiled.ir)
}

#[tokio::test]
async fn the_declared_cache_control_comes_with_the_etag_on_200s_and_304s() {
    let github = contract("github");
    let declared = github.operation("get_issue").and_then(|op| op.cache_control.clone()).expect("declared");
    assert_eq!(declared, "private, max-age=60, s-maxage=60");
    let mock = MockServer::start(github, MockOptions::default()).await.expect("mock starts");
    let get = |etag: Option<&str>| {
        let mut request = Client::new()
            .get(format!("{}/repos/octocat/hello-world/issues/1", mock.uri()))
            .bearer_auth("test-token")
            .header("accept", "application/vnd.github+json")
            .header("user-agent", "accord-github-client");
        if let Some(etag) = etag {
            request = request.header("if-none-match", etag);
        }
        request.send()
    };
    let header = |response: &accord_runtime::reqwest::Response, name: &str| {
        response.headers().get(name).and_then(|v| v.to_str().ok()).map(str::to_string)
    };
    let first = get(None).await.expect("the mock answers");
    assert_eq!(first.status().as_u16(), 200);
    assert_eq!(header(&first, "cache-control").as_deref(), Some(declared.as_str()));
    let etag = header(&first, "etag").expect("an ETag");
    let second = get(Some(&etag)).await.expect("the mock answers");
    assert_eq!(second.status().as_u16(), 304);
    assert_eq!(header(&second, "cache-control").as_deref(), Some(declared.as_str()));
    assert_eq!(header(&second, "etag"), Some(etag));
    mock.shutdown().await;

    let orders = contract("orders");
    assert_eq!(orders.operation("list_orders").and_then(|op| op.cache_control.clone()), None);
}
