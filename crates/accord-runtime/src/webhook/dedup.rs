//! Bounded de-duplication of event ids: providers deliver at least once, so the same
//! event can arrive twice (a retry after a timeout, a manual redelivery).

use std::collections::{HashSet, VecDeque};
use std::sync::Mutex;

/// Remembers the last `capacity` event ids and says whether an id is new.
///
/// Memory is bounded: when full, the oldest id is forgotten (first in, first out), so a
/// repeat older than `capacity` deliveries is treated as new. Size `capacity` to cover the
/// provider's redelivery horizon (for example Standard Webhooks' tolerance window times the
/// delivery rate). Each id costs its length plus about 60 bytes. Safe to share between
/// threads (`Arc<Deduplicate>` in an axum state, say). It remembers what this process saw:
/// for receivers on several replicas, [`crate::store::SharedState::first_delivery`] asks
/// the fleet's store (Redis `SET NX` with the replay window) instead.
#[derive(Debug)]
pub struct Deduplicate {
    capacity: usize,
    seen: Mutex<Seen>,
}

#[derive(Debug, Default)]
struct Seen {
    ids: HashSet<String>,
    order: VecDeque<String>,
}

impl Deduplicate {
    /// A de-duplicator remembering up to `capacity` ids (at least one).
    pub fn new(capacity: usize) -> Self {
        Deduplicate { capacity: capacity.max(1), seen: Mutex::new(Seen::default()) }
    }

    /// Records `id` and returns `true` the first time it is seen (process the event), `false`
    /// for a repeat within the window (acknowledge it and do nothing).
    pub fn first_time(&self, id: &str) -> bool {
        // A poisoned lock only means another thread panicked mid-insert; the sets stay usable.
        let mut seen = self.seen.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if seen.ids.contains(id) {
            return false;
        }
        if seen.order.len() >= self.capacity
            && let Some(oldest) = seen.order.pop_front()
        {
            seen.ids.remove(&oldest);
        }
        seen.ids.insert(id.to_string());
        seen.order.push_back(id.to_string());
        true
    }

    /// How many ids are remembered now.
    pub fn len(&self) -> usize {
        self.seen.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).order.len()
    }

    /// Whether no id is remembered.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The most ids remembered at once.
    pub fn capacity(&self) -> usize {
        self.capacity
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeats_are_reported_and_memory_is_bounded() {
        let dedup = Deduplicate::new(2);
        assert!(dedup.first_time("evt_1"));
        assert!(!dedup.first_time("evt_1"));
        assert!(dedup.first_time("evt_2"));
        assert!(dedup.first_time("evt_3"));
        assert_eq!(dedup.len(), 2);
        // evt_1 was the oldest and has been forgotten; evt_3 is still remembered.
        assert!(!dedup.first_time("evt_3"));
        assert!(dedup.first_time("evt_1"));
        assert_eq!(dedup.len(), 2);
        assert_eq!(Deduplicate::new(0).capacity(), 1);
    }
}
