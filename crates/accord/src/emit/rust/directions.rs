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
    /// What the models nothing reaches hold (with them), when those models are behind the
    /// crate's `standalone-models` feature: both impls, needed only with that feature.
    standalone: BTreeSet<String>,
    /// Whether the models' `PartialEq` is behind the crate's `partial-eq` feature: in a
    /// generated crate, not in a build script's module (its including crate declares no
    /// such feature).
    pub(super) gated_partial_eq: bool,
}

/// When a type's `Serialize` or `Deserialize` is compiled (besides its group gates).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Need {
    /// Always: the client itself serialises (deserialises) the type.
    Always,
    /// With `standalone-models` or `serde-all`: only a model nothing reaches needs it.
    Standalone,
    /// With `serde-all` only.
    SerdeAll,
}

impl Directions {
    /// Every type both ways (no analysis): what `models_rs` uses for tests and tools.
    pub(super) fn all(ir: &Ir) -> Directions {
        let names: BTreeSet<String> = ir.types.iter().map(|def| def.name.clone()).collect();
        Directions {
            serialize: names.clone(),
            deserialize: names,
            standalone: BTreeSet::new(),
            gated_partial_eq: false,
        }
    }

    /// When `name`'s `Serialize` is compiled.
    pub(super) fn serialize(&self, name: &str) -> Need {
        self.need(&self.serialize, name)
    }

    /// When `name`'s `Deserialize` is compiled.
    pub(super) fn deserialize(&self, name: &str) -> Need {
        self.need(&self.deserialize, name)
    }

    fn need(&self, direction: &BTreeSet<String>, name: &str) -> Need {
        if direction.contains(name) {
            Need::Always
        } else if self.standalone.contains(name) {
            Need::Standalone
        } else {
            Need::SerdeAll
        }
    }
}

/// The directions of every type in `ir`, from its references (`reach`). A type no operation,
/// webhook or error reaches (a declared model kept for users) gets both impls, and so does
/// everything it holds (an impl needs its members' impls). With `standalone` (the crate has
/// the `standalone-models` feature, behind which those models are) the impls only they need
/// are behind that feature too: otherwise a response model one of them holds (Stripe's
/// `Customer`, held by event objects no endpoint returns) would get a `Serialize` in every
/// build that compiles it, with the whole closure of what it holds.
pub(super) fn directions(ir: &Ir, reach: &Reach, standalone: bool) -> Directions {
    let serialize = reach.closure(reach.requests.iter().flatten());
    let deserialize = reach.closure(reach.responses.iter().flatten().chain(&reach.errors).chain(&reach.rest));
    let unreached: BTreeSet<String> = ir
        .types
        .iter()
        .filter(|def| !serialize.contains(&def.name) && !deserialize.contains(&def.name))
        .map(|def| def.name.clone())
        .collect();
    let held = reach.closure(&unreached);
    if standalone {
        Directions { serialize, deserialize, standalone: held, gated_partial_eq: true }
    } else {
        Directions {
            serialize: serialize.union(&held).cloned().collect(),
            deserialize: deserialize.union(&held).cloned().collect(),
            standalone: BTreeSet::new(),
            gated_partial_eq: true,
        }
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
        let directions = directions(&ir, &Reach::of(&ir), false);
        assert_eq!((directions.serialize("Refund"), directions.deserialize("Refund")), (Need::Always, Need::Always));
        assert_eq!((directions.serialize("Amount"), directions.deserialize("Amount")), (Need::Always, Need::Always));
        // Behind `standalone-models`, what only `Refund` needs is needed only with it.
        let directions = super::directions(&ir, &Reach::of(&ir), true);
        assert_eq!(directions.serialize("Refund"), Need::Standalone);
        assert_eq!(directions.deserialize("Refund"), Need::Standalone);
        assert_eq!(directions.serialize("Amount"), Need::Standalone);
        assert_eq!(directions.deserialize("Amount"), Need::Always);
    }
}
