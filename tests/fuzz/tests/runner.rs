//! The runner's own test: the `selftest` target panics on input 1, aborts on input 2 and
//! breaks a property on input 3; a run of six inputs must count each, save each with its
//! replay command, keep going after the abort, and fail; replaying the saved panic must panic.

use std::path::Path;
use std::process::Command;

#[test]
fn the_runner_counts_saves_and_replays_panics_crashes_and_violations() {
    let exe = env!("CARGO_BIN_EXE_accord-fuzz");
    let findings =
        Path::new(exe).parent().and_then(Path::parent).expect("the target folder").join("fuzz-findings/selftest");
    let _ = std::fs::remove_dir_all(&findings);

    let run = Command::new(exe)
        .args(["run", "selftest", "--inputs", "6", "--seconds", "600", "--seed", "5"])
        .output()
        .expect("the runner starts");
    let stdout = String::from_utf8_lossy(&run.stdout);
    assert!(!run.status.success(), "findings fail the run:\n{stdout}");
    assert!(
        stdout.contains("selftest: 6 inputs")
            && stdout.contains("3 accepted, 0 clean errors, 1 panics, 1 property violations, 1 crashes, 0 hangs"),
        "{stdout}"
    );
    for (file, says) in [
        ("panic-s5-i1.txt", "selftest: input 1 panics"),
        ("crash-s5-i2.txt", "the worker died"),
        ("violation-s5-i3.txt", "selftest: input 3 breaks a property"),
    ] {
        let note = std::fs::read_to_string(findings.join(file)).unwrap_or_else(|e| panic!("{file}: {e}\n{stdout}"));
        assert!(note.contains(says) && note.contains("-- repro "), "{file}:\n{note}");
    }

    let replay = Command::new(exe)
        .args(["repro", &findings.join("panic-s5-i1.input").to_string_lossy()])
        .output()
        .expect("repro starts");
    let stderr = String::from_utf8_lossy(&replay.stderr);
    assert!(!replay.status.success() && stderr.contains("selftest: input 1 panics"), "{stderr}");
}
