//! `server_variables` and `servers` lowered: each variable with its builder setter (unique
//! among the builder's methods and the credentials' setters), its enum type when it has
//! `enum` values (unique among the other types of `client.rs`) and its environment variable;
//! each named server with its URL in every environment, in the environments' order.

use crate::ir::{Ir, ServerIr, ServerUrlIr, ServerVariableIr, VariableValueIr};
use crate::names::{self, Scope};
use crate::spec::{ServerUrl, Spec};

/// Fills `ir.server_variables` and `ir.servers` (after auth and operations, whose names they
/// must not take).
pub(super) fn lower_servers(spec: &Spec, ir: &mut Ir) {
    // The builder's own methods (emit::rust::client::builder) and the credentials' setters.
    let mut setters = Scope::with_reserved(&[
        "environment",
        "base_url",
        "connect_timeout",
        "attempt_timeout",
        "operation_timeout",
        "retry_policy",
        "retry_budget",
        "max_retry_after",
        "rate_limits",
        "custom_auth",
        "auth",
        "allow_anonymous",
        "credentials_from_env",
        "server_variables_from_env",
        "server_variables",
        "build",
        "default",
    ]);
    for credential in &ir.auth.credentials {
        setters.claim(credential.setter.clone());
        if let Some(token_url_setter) = &credential.token_url_setter {
            setters.claim(token_url_setter.clone());
        }
    }
    // The types of client.rs.
    let mut types = Scope::with_reserved(&["Environment", "Client", "ClientBuilder", "Server"]);
    for operation in &ir.operations {
        types.claim(operation.builder_name.clone());
    }
    let prefix = names::shouty(&spec.name);
    ir.server_variables = spec
        .server_variables
        .iter()
        .map(|(name, variable)| {
            let type_name = (!variable.values.is_empty()).then(|| types.claim(names::camel(name)));
            let mut variants = Scope::default();
            let values = variable
                .values
                .iter()
                .map(|value| {
                    let camel = names::camel(value);
                    // `2024-01` has no letters to make a name of: `V2024_01`.
                    let variant = if camel.starts_with(|c: char| c.is_ascii_alphabetic()) {
                        camel
                    } else {
                        format!(
                            "V{}",
                            value.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '_' }).collect::<String>()
                        )
                    };
                    VariableValueIr { value: value.clone(), variant: variants.claim(variant) }
                })
                .collect();
            ServerVariableIr {
                name: name.clone(),
                setter: setters.claim(names::snake(name)),
                type_name,
                values,
                default: variable.default.clone(),
                description: variable.description.clone(),
                env: variable.env.clone().unwrap_or_else(|| format!("{prefix}_{}", names::shouty(name))),
            }
        })
        .collect();
    ir.servers = spec
        .servers
        .iter()
        .map(|(name, server)| {
            let url_in = |environment: &str| match &server.base_url {
                ServerUrl::Everywhere(url) => url.clone(),
                // `check` requires every environment.
                ServerUrl::PerEnvironment(map) => map.get(environment).cloned().unwrap_or_default(),
            };
            let urls = if ir.environments.is_empty() {
                vec![ServerUrlIr { variant: String::new(), environment: String::new(), url: url_in("") }]
            } else {
                ir.environments
                    .iter()
                    .map(|environment| ServerUrlIr {
                        variant: environment.variant.clone(),
                        environment: environment.name.clone(),
                        url: url_in(&environment.name),
                    })
                    .collect()
            };
            let urls =
                urls.into_iter().map(|u| ServerUrlIr { url: u.url.trim_end_matches('/').to_string(), ..u }).collect();
            ServerIr { name: name.clone(), description: server.description.clone(), urls }
        })
        .collect();
}
