//! `selftest`: a target that misbehaves on purpose, so the runner's own test can see it catch
//! each kind of finding: input 1 panics, input 2 aborts the process (as a stack overflow
//! does), input 3 breaks a property, input 4 hangs when `ACCORD_FUZZ_SELFTEST_HANG` is set;
//! every other input is accepted. Not part of `all`.

use super::{Outcome, Target};
use crate::mutate::Dice;

/// The misbehaving target.
pub struct SelfTest;

impl Target for SelfTest {
    fn name(&self) -> &'static str {
        "selftest"
    }

    fn extension(&self) -> &'static str {
        "input"
    }

    fn generate(&self, dice: &mut Dice) -> Vec<u8> {
        dice.index.to_string().into_bytes()
    }

    fn execute(&self, input: &[u8]) -> Outcome {
        match input {
            b"1" => panic!("selftest: input 1 panics"),
            b"2" => std::process::abort(),
            b"3" => Outcome::Violation("selftest: input 3 breaks a property".into()),
            b"4" if std::env::var_os("ACCORD_FUZZ_SELFTEST_HANG").is_some() => loop {
                std::thread::park();
            },
            _ => Outcome::Accepted,
        }
    }
}
