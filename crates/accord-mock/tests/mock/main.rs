//! accord-mock's integration tests, one binary: the mock over real HTTP on 127.0.0.1, the
//! verifier against the mock for every spec, and the verifier against deliberately wrong
//! servers.

mod end_to_end;
mod hostile_server;
mod mock_behaviour;
mod mock_examples;
mod mtls;
mod named_credentials;
mod oauth_flows;
mod signing;
mod slow_clients;
mod wrong_server;
