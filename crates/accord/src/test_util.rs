//! Helpers shared by unit tests.

/// Every ordered triple of `pieces` (repeats included): `pieces.len()³` of them, for tests
/// that check a rewritten text routine against the code it replaced on every combination of
/// tricky fragments.
pub(crate) fn triples<'a>(pieces: &[&'a str]) -> Vec<[&'a str; 3]> {
    let mut all = Vec::with_capacity(pieces.len().pow(3));
    for &a in pieces {
        for &b in pieces {
            for &c in pieces {
                all.push([a, b, c]);
            }
        }
    }
    all
}
