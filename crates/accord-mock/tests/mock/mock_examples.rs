//! What the mock shows a user (issue 16, point 9): declared response header examples are
//! sent as written, and each error code answers with its own example body, its `status`
//! field the code's own.

use std::path::Path;

use accord_mock::{Contract, MockOptions, MockServer};
use accord_runtime::reqwest::Client;
use serde_json::Value;

fn contract(name: &str) -> Contract {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("../../specs/{name}.yaml"));
    let source = std::fs::read_to_string(&path).expect("spec reads");
    let compiled = accord::compile_spec(&path, &source).unwrap_or_else(|failure| panic!("{}", failure.render()));
    accord::emit::contract::build(&compiled.ir)
}

#[tokio::test]
async fn a_declared_header_example_is_sent_as_written() {
    let github = contract("github");
    let declared = github
        .operation("list_issues")
        .and_then(|op| op.response(200))
        .and_then(|r| r.header_examples.get("Link"))
        .expect("specs/github.yaml declares a Link example")
        .clone();
    let mock = MockServer::start(github, MockOptions::default()).await.expect("mock starts");
    let response = Client::new()
        .get(format!("{}/repos/octocat/hello-world/issues", mock.uri()))
        .bearer_auth("test-token")
        .header("accept", "application/vnd.github+json")
        .header("user-agent", "accord-github-client")
        .send()
        .await
        .expect("the mock answers");
    assert_eq!(response.status().as_u16(), 200);
    let link = response.headers().get("link").and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
    assert_eq!(link, declared);
    assert!(link.contains(r#"rel="next""#), "{link}");
    mock.shutdown().await;
}

#[tokio::test]
async fn each_error_code_has_its_own_example_and_a_401_says_401() {
    let twilio = contract("twilio");
    let examples: Vec<&Value> = twilio.errors.codes.iter().map(|code| &code.example).collect();
    for (index, example) in examples.iter().enumerate() {
        assert!(!examples[..index].contains(example), "two codes share the example {example}");
    }
    for code in &twilio.errors.codes {
        let status = code.example.pointer("/status").and_then(Value::as_u64);
        let declared = code.statuses.iter().find_map(|s| s.statuses().next()).map(u64::from);
        assert_eq!(status, declared, "`{}`: {}", code.name, code.example);
    }
    let mock = MockServer::start(twilio, MockOptions::default()).await.expect("mock starts");
    let response = Client::new()
        .get(format!("{}/2010-04-01/Accounts/ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/Messages.json", mock.uri()))
        .send()
        .await
        .expect("the mock answers");
    assert_eq!(response.status().as_u16(), 401);
    let body: Value = response.json().await.expect("JSON");
    assert_eq!(body.pointer("/status").and_then(Value::as_u64), Some(401), "{body}");
    mock.shutdown().await;
}
