//! The mock over HTTPS requiring client certificates (mutual TLS, `MockOptions::tls`), driven
//! end to end by the runtime's request loop with `ClientConfig::tls`, every certificate made
//! here by rcgen: a CA, the mock's certificate for 127.0.0.1, a client's from the CA and a
//! client's from another CA. With the CA's client certificate the request reaches the mock;
//! without one, or with the stranger's, the handshake fails and the request is a
//! `TransportErrorKind::Tls` error that the mock never saw. The contract of a spec whose
//! environment declares `client_certificate` carries it.

use std::path::Path;

use accord_mock::{MockOptions, MockServer, MockTls};
use accord_runtime::tls::{ClientIdentity, TlsConfig};
use accord_runtime::{ClientConfig, RequestSpec, TransportErrorKind};
use rcgen::{BasicConstraints, CertificateParams, CertifiedIssuer, IsCa, KeyPair};

fn ca(name: &str) -> CertifiedIssuer<'static, KeyPair> {
    let mut params = CertificateParams::new(Vec::<String>::new()).expect("params");
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params.distinguished_name.push(rcgen::DnType::CommonName, name);
    CertifiedIssuer::self_signed(params, KeyPair::generate().expect("key")).expect("CA")
}

fn leaf(issuer: &CertifiedIssuer<'static, KeyPair>, names: &[&str]) -> (String, String) {
    let key = KeyPair::generate().expect("key");
    let params = CertificateParams::new(names.iter().map(|n| n.to_string()).collect::<Vec<_>>()).expect("params");
    (params.signed_by(&key, issuer).expect("signed").pem(), key.serialize_pem())
}

fn contract(spec: &Path) -> accord_mock::Contract {
    let source = std::fs::read_to_string(spec).expect("spec reads");
    let compiled = accord::compile_spec(spec, &source).unwrap_or_else(|failure| panic!("{}", failure.render()));
    accord::emit::contract::build(&compiled.ir)
}

fn root() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
}

#[tokio::test]
async fn the_mock_serves_mutual_tls_and_refuses_clients_without_the_cas_certificate() {
    let authority = ca("accord mock test CA");
    let other = ca("another CA");
    let (server_certificate, server_key) = leaf(&authority, &["127.0.0.1", "localhost"]);
    let client = leaf(&authority, &["client.accord.test"]);
    let stranger = leaf(&other, &["stranger.accord.test"]);
    let tls = MockTls {
        certificate_chain_pem: server_certificate,
        private_key_pem: server_key.into(),
        client_ca_pem: Some(authority.pem()),
    };
    assert!(!format!("{tls:?}").contains("PRIVATE KEY"), "the key never prints");
    let options = MockOptions { tls: Some(tls), ..MockOptions::default() };
    let server = MockServer::start(contract(&root().join("specs/orders.yaml")), options).await.expect("mock");
    assert!(server.uri().starts_with("https://127.0.0.1:"), "{}", server.uri());

    let send = |identity: Option<(String, String)>| {
        let uri = server.uri();
        let ca = authority.pem();
        async move {
            let mut config = ClientConfig::new(uri, "accord-mtls-test");
            config.tls = TlsConfig {
                identity: identity
                    .map(|(certificate, key)| ClientIdentity::from_pem(certificate.as_bytes(), key.as_bytes())),
                extra_roots: vec![ca.into_bytes()],
            };
            let client = accord_runtime::Client::new(config).expect("client");
            client
                .execute(&RequestSpec::new(accord_runtime::reqwest::Method::GET, "probe", "/__not_an_endpoint".into()))
                .await
        }
    };
    let answered = send(Some(client)).await.expect("the mock answered over mutual TLS");
    assert_eq!(answered.status, 404, "an unknown path, answered by the mock");
    assert_eq!(server.exchanges().len(), 1, "the request reached the mock");

    for (what, identity) in [("no certificate", None), ("another CA's certificate", Some(stranger))] {
        let error = send(identity).await.expect_err(what);
        assert_eq!(error.kind(), TransportErrorKind::Tls, "{what}: {error}");
    }
    assert_eq!(server.exchanges().len(), 1, "refused handshakes never reach the request pipeline");
}

#[test]
fn an_environment_client_certificate_is_in_the_contract() {
    let contract = contract(&root().join("tests/good-specs/signed_requests.yaml"));
    let declared: Vec<_> = contract
        .environments
        .iter()
        .filter_map(|environment| Some((environment.name.as_str(), environment.client_certificate.as_ref()?)))
        .collect();
    assert_eq!(declared.len(), 1, "{declared:?}");
    let (name, certificate) = declared[0];
    assert_eq!(name, "partner");
    assert_eq!(
        (certificate.certificate_env.as_str(), certificate.key_env.as_str()),
        ("EXCHANGE_CLIENT_CERT", "EXCHANGE_CLIENT_KEY")
    );
    let json = serde_json::to_string(&contract).expect("JSON");
    let read = accord_mock::Contract::from_json(&json).expect("reads back");
    assert_eq!(read.environments, contract.environments);
}

#[test]
fn bad_tls_settings_are_named() {
    let tls =
        MockTls { certificate_chain_pem: "nothing".into(), private_key_pem: String::new().into(), client_ca_pem: None };
    let Err(error) = tls.acceptor() else { panic!("no certificate, yet an acceptor") };
    assert!(error.contains("the server certificate"), "{error}");
}
