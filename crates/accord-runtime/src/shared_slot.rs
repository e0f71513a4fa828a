//! What a generated `ClientBuilder` holds for the fleet (issue 19) whether or not the
//! runtime's `shared-state` feature is on (issue 22): [`SharedSlot`], a field that is empty
//! without the feature, and, without it, a [`SharedState`] of which no value exists, so the
//! builder's `shared_state` setter compiles but cannot be called. Generated code therefore
//! carries no `#[cfg(feature = …)]` of its own: the same code compiles in a generated crate
//! (whose `shared-state` and `redis` features turn the runtime's on) and in a build script's
//! inline module (whose crate names the runtime features itself), and a client that runs as
//! one process compiles no SHA-1, SHA-2 or hex for the fleet.

use crate::client::ClientConfig;

/// Without the runtime's `shared-state` feature: a type with no values, so that a generated
/// builder's `shared_state` setter exists but cannot be called. Turn on the generated crate's
/// `shared-state` (or `redis`) feature for the real `SharedState`.
#[cfg(not(feature = "shared-state"))]
#[derive(Debug, Clone)]
pub enum SharedState {}

#[cfg(feature = "shared-state")]
use crate::store::SharedState;

/// The store a builder was given for the fleet, if any; without the `shared-state`
/// feature, nothing (a zero-sized field).
#[derive(Debug, Default, Clone)]
pub struct SharedSlot {
    #[cfg(feature = "shared-state")]
    state: Option<SharedState>,
}

impl SharedSlot {
    /// Keeps `state` for [`SharedSlot::apply`].
    pub fn set(&mut self, state: SharedState) {
        #[cfg(feature = "shared-state")]
        {
            self.state = Some(state);
        }
        #[cfg(not(feature = "shared-state"))]
        match state {}
    }

    /// Passes the store on to `config`, namespaced by `api` (the spec's `name`); without a
    /// store (or without the feature), nothing changes.
    pub fn apply(self, config: &mut ClientConfig, api: &str) {
        #[cfg(feature = "shared-state")]
        {
            config.shared_state = self.state.map(|state| state.for_api(api));
        }
        #[cfg(not(feature = "shared-state"))]
        let _ = (config, api);
    }
}

#[cfg(all(test, feature = "shared-state"))]
mod tests {
    use super::*;

    #[test]
    fn a_given_store_reaches_the_configuration_under_the_apis_name() {
        let mut config = ClientConfig::new("https://api.example.com", "test");
        SharedSlot::default().apply(&mut config, "orders");
        assert!(config.shared_state.is_none());
        let mut slot = SharedSlot::default();
        slot.set(crate::store::SharedState::new());
        slot.apply(&mut config, "orders");
        let debug = format!("{:?}", config.shared_state.expect("the store is passed on"));
        assert!(debug.contains("Some(\"orders\")"), "{debug}");
    }
}
