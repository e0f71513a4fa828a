//! Serde by direction (issue 22): which models a client serialises (request bodies and
//! parameters reach them) and which it deserialises (responses, errors, webhooks, pages reach
//! them). A model used one way only gets the other impl behind the generated crate's
//! `serde-all` feature, which its contract tests turn on, as does a user who stores responses;
//! serde impls are most of what a big crate's `cargo check` type-checks.
//!
//! What reaches what is [`super::reach`]'s, shared with the group features.

use std::collections::BTreeSet;

use super::reach::Reach;
use crate::ir::Ir;

/// The serde impls each named type needs without `serde-all`.
#[derive(Debug, Default)]
pub(super) struct Directions {
    serialize: BTreeSet<String>,
    deserialize: BTreeSet<String>,
}

impl Directions {
    /// Every type both ways (no analysis): what `models_rs` uses for tests and tools.
    pub(super) fn all(ir: &Ir) -> Directions {
        let names: BTreeSet<String> = ir.types.iter().map(|def| def.name.clone()).collect();
        Directions { serialize: names.clone(), deserialize: names }
    }

    /// Whether `name` is serialised by the client itself (else only with `serde-all`).
    pub(super) fn serializes(&self, name: &str) -> bool {
        self.serialize.contains(name)
    }

    /// Whether `name` is deserialised by the client itself (else only with `serde-all`).
    pub(super) fn deserializes(&self, name: &str) -> bool {
        self.deserialize.contains(name)
    }
}

/// The directions of every type in `ir`, from its references (`reach`). A type no operation,
/// webhook or error reaches (a declared model kept for users) gets both.
pub(super) fn directions(ir: &Ir, reach: &Reach) -> Directions {
    let serialize = reach.closure(reach.requests.iter().flatten());
    let deserialize = reach.closure(reach.responses.iter().flatten().chain(&reach.errors).chain(&reach.rest));
    // A type nothing reaches gets both impls, and so does every type it holds (a derive needs
    // its members' impls).
    let unreached: BTreeSet<String> = ir
        .types
        .iter()
        .filter(|def| !serialize.contains(&def.name) && !deserialize.contains(&def.name))
        .map(|def| def.name.clone())
        .collect();
    Directions {
        serialize: reach.closure(serialize.union(&unreached)),
        deserialize: reach.closure(deserialize.union(&unreached)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_type_nothing_reaches_gets_both_impls_and_so_do_its_members() {
        // `Amount` is read from a response; `Refund`, which nothing reaches, holds one, so
        // its `Serialize` needs `Amount`'s (found on Adyen's webhook document).
        let source = "accord: 1\nname: directions\nmodels:\n  Amount:\n    properties:\n      value: { type: integer }\n  Refund:\n    properties:\n      amount: Amount\nendpoints:\n  get_amount:\n    method: GET\n    path: /amount\n    responses: { \"200\": Amount }\n";
        let ir = crate::project::compile_spec(std::path::Path::new("directions.yaml"), source)
            .expect("the spec compiles")
            .ir;
        let directions = directions(&ir, &Reach::of(&ir));
        assert!(directions.serializes("Refund") && directions.deserializes("Refund"));
        assert!(directions.serializes("Amount") && directions.deserializes("Amount"));
    }
}
