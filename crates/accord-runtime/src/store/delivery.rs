//! Webhook de-duplication as a store operation: [`DeliveryStore`], "is this the first
//! delivery of this id within the replay window", answered atomically for every receiver
//! of the fleet (in Redis, `SET key 1 NX EX window`), so a redelivery to another replica is
//! recognised. The in-process default is [`crate::webhook::Deduplicate`]-like memory in
//! [`super::shared::SharedState`], used whenever the store does not answer.

use std::fmt;
use std::time::Duration;

use super::StoreFuture;

/// Delivery ids seen by the fleet.
pub trait DeliveryStore: Send + Sync + fmt::Debug {
    /// Records `key` for `window` and returns `true` the first time it is seen within it
    /// (process the event), `false` for a repeat (acknowledge it and do nothing).
    fn first_delivery<'a>(&'a self, key: &'a str, window: Duration) -> StoreFuture<'a, bool>;
}
