//! `spec`: a mutated spec through the pipeline the CLI runs (`accord::project`): load,
//! check, lower, and, when it compiles, every emitter. Seeds: `specs/`, `tests/good-specs/`,
//! `tests/bad-specs/` and the registry's examples, each renamed `fuzz` so that mutants can
//! get past the file-name check and reach lowering and emitting.

use std::path::{Path, PathBuf};

use accord::emit::Options;
use accord::project::{compile_spec, compile_specs, generate_all};
use serde_json::Value;

use super::{Outcome, SPEC_KEYWORDS, Target, read_folder, workspace_root};
use crate::known;
use crate::mutate::{Dice, mutate_bytes, mutate_value};

/// `spec::load` reads a spec with serde alone and asks the JSON Schema only about a spec serde
/// refuses, so serde (through `spec::strict`) must take nothing the schema refuses (issue 22;
/// `crates/accord/tests/specs/schema_agreement.rs` checks every place of the seeds, this every
/// mutant). What the schema says about a spec serde took, when it says anything.
fn serde_takes_what_the_schema_refuses(text: &str) -> Option<String> {
    let (value, positions) = accord::spec::yaml::parse(text).ok()?;
    if !value.is_object() || accord::spec::strict::from_value::<accord::spec::Spec>(&value).is_err() {
        return None;
    }
    let refused = accord::spec::schema::validate(&value, &positions);
    let first = refused.first()?;
    Some(format!(
        "serde took a spec the JSON Schema refuses, so spec::load would skip the schema's error: {} at `{}`",
        first.message, first.pointer
    ))
}

/// Codes whose diagnostics carry no location by design (they are about the whole file).
const UNLOCATED_BY_DESIGN: &[&str] = &["schema::empty_spec", "io::read", "internal::schema"];

/// Largest input made (the deep-nesting shapes of the defect list fit).
const MAX_INPUT: usize = 256 * 1024;

/// The spec target and its seeds.
pub struct SpecTarget {
    texts: Vec<Vec<u8>>,
    values: Vec<Value>,
    scratch: PathBuf,
}

impl SpecTarget {
    /// Reads the seeds.
    ///
    /// Errors: a seed folder cannot be read.
    pub fn load() -> Result<SpecTarget, String> {
        let root = workspace_root();
        let mut texts = Vec::new();
        for folder in ["specs", "tests/good-specs", "tests/bad-specs"] {
            for (_, bytes) in read_folder(&root.join(folder), &[".yaml", ".yml"])? {
                texts.push(rename(&bytes));
            }
        }
        let mut values = Vec::new();
        for text in &texts {
            if let Ok(text) = std::str::from_utf8(text)
                && let Ok((value, _)) = accord::spec::yaml::parse(text)
                && value.is_object()
            {
                values.push(value);
            }
        }
        let scratch = std::env::temp_dir().join(format!("accord-fuzz-{}", std::process::id()));
        Ok(SpecTarget { texts, values, scratch })
    }
}

/// The scratch folder (`$TMPDIR/accord-fuzz-PID`, made only when a non-UTF-8 input goes
/// through the file-reading driver) goes with the target, so runs leave nothing behind.
impl Drop for SpecTarget {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.scratch);
    }
}

/// The seed with its top-level `name:` set to `fuzz`.
fn rename(bytes: &[u8]) -> Vec<u8> {
    let text = String::from_utf8_lossy(bytes);
    let mut out = String::new();
    for line in text.split_inclusive('\n') {
        if line.starts_with("name:") {
            out.push_str("name: fuzz\n");
        } else {
            out.push_str(line);
        }
    }
    out.into_bytes()
}

/// Shapes from the defect list, made whole.
fn special(dice: &mut Dice) -> Vec<u8> {
    let cap = known::nesting_cap();
    let head = "accord: 1\nname: fuzz\n";
    let text = match dice.rng.u32(0..8) {
        0 => format!("{head}models:\n  A:\n    description:\n      {}x\n", "- ".repeat(dice.rng.usize(1..=cap))),
        1 => {
            let depth = dice.rng.usize(1..=cap);
            format!("{head}models: {}{}\n", "[".repeat(depth), "]".repeat(depth))
        }
        2 => {
            let depth = dice.rng.usize(1..=cap);
            format!("{head}models: {}1{}\n", "{a: ".repeat(depth), "}".repeat(depth))
        }
        3 => {
            let (levels, width) = known::alias_bomb_size();
            let mut text = format!("{head}x0: &a0 [\"lol\"]\n");
            for level in 1..=levels {
                let refs = vec![format!("*a{}", level - 1); width].join(", ");
                text.push_str(&format!("x{level}: &a{level} [{refs}]\n"));
            }
            text
        }
        4 => format!("{head}endpoints: {{}}\n---\n{head}\n"),
        5 => {
            let mut bytes = format!("{head}title: ").into_bytes();
            bytes.extend([0xff, 0xfe, 0xc3, 0x28, b'\n']);
            return bytes;
        }
        6 => {
            let length = dice.rng.usize(1..400);
            let name: String = std::iter::repeat_n('a', length).collect();
            format!(
                "accord: 1\nname: {name}\nendpoints:\n  get_ping:\n    method: GET\n    path: /ping\n    responses: {{ \"204\": {{ description: No content }} }}\n"
            )
        }
        _ => {
            let word =
                *dice.pick(&["docs", "index", "src", "self", "crate", "foo__bar", "fuzz", "Type", "type", "_", "a-b"]);
            format!(
                "accord: 1\nname: fuzz\nmodels:\n  {word}:\n    properties: {{ {word}: string }}\nendpoints:\n  {word}:\n    method: GET\n    path: /{word}\n    responses: {{ \"200\": {word} }}\n"
            )
        }
    };
    text.into_bytes()
}

impl Target for SpecTarget {
    fn name(&self) -> &'static str {
        "spec"
    }

    fn extension(&self) -> &'static str {
        "yaml"
    }

    fn generate(&self, dice: &mut Dice) -> Vec<u8> {
        let mut input = self.make(dice);
        input.truncate(MAX_INPUT);
        input
    }

    fn execute(&self, input: &[u8]) -> Outcome {
        self.run(input)
    }
}

impl SpecTarget {
    fn make(&self, dice: &mut Dice) -> Vec<u8> {
        let cap = known::nesting_cap();
        let others: Vec<&[u8]> = self.texts.iter().map(Vec::as_slice).collect();
        match dice.rng.u32(0..20) {
            0 | 1 => special(dice),
            2..=10 if !self.values.is_empty() => {
                let mut value = dice.pick(&self.values).clone();
                let donors: Vec<&Value> = self.values.iter().collect();
                mutate_value(dice, &mut value, SPEC_KEYWORDS, &donors, 6, cap);
                let mut text = if dice.chance(85) {
                    accord::spec::yaml::to_string(&value).into_bytes()
                } else {
                    serde_json::to_vec_pretty(&value).unwrap_or_default()
                };
                if dice.chance(30) {
                    mutate_bytes(dice, &mut text, SPEC_KEYWORDS, &others, 3, cap);
                }
                text
            }
            _ => {
                let mut text = dice.pick(&self.texts).clone();
                mutate_bytes(dice, &mut text, SPEC_KEYWORDS, &others, 8, cap);
                text
            }
        }
    }

    fn run(&self, input: &[u8]) -> Outcome {
        if let Some(violation) = std::str::from_utf8(input).ok().and_then(serde_takes_what_the_schema_refuses) {
            return Outcome::Violation(violation);
        }
        let result = match std::str::from_utf8(input) {
            Ok(text) => compile_spec(Path::new("specs/fuzz.yaml"), text),
            // Not UTF-8: through the file-reading driver, as `accord check` reads it.
            Err(_) => {
                let _ = std::fs::create_dir_all(&self.scratch);
                let path = self.scratch.join("fuzz.yaml");
                if let Err(error) = std::fs::write(&path, input) {
                    return Outcome::Violation(format!("the fuzzer cannot write {}: {error}", path.display()));
                }
                let (mut compiled, mut failures) = compile_specs(&[path]);
                match (compiled.pop(), failures.pop()) {
                    (Some(spec), _) => Ok(spec),
                    (None, Some(failure)) => Err(failure),
                    (None, None) => return Outcome::Violation("compile_specs returned nothing".into()),
                }
            }
        };
        match result {
            Ok(compiled) => match generate_all(&[compiled], &Options::default()) {
                Ok(_) => Outcome::Accepted,
                // `check` must refuse what generation cannot write (issue 20 item 7).
                Err(error) => Outcome::Violation(format!("check passed but generate failed: {error}")),
            },
            Err(failure) => {
                if failure.diagnostics.is_empty() {
                    return Outcome::Violation("refused without any diagnostic".into());
                }
                let rendered = failure.render();
                if !rendered.contains("fuzz.yaml") {
                    return Outcome::Violation(format!("diagnostics do not name the file:\n{rendered}"));
                }
                let unlocated = failure
                    .diagnostics
                    .iter()
                    .find(|d| d.location.is_none() && !UNLOCATED_BY_DESIGN.contains(&d.code.name()));
                Outcome::Rejected(unlocated.map(|d| format!("error without a location: {}\n{rendered}", d.code.name())))
            }
        }
    }
}
