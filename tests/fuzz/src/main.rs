//! accord-fuzz: fuzzing on stable Rust. A deterministic mutation runner (no coverage
//! feedback: cargo-fuzz needs a nightly toolchain) over four targets: `spec` (load, check,
//! lower, emit), `openapi` (import, then check), `webhook` (the runtime's verifier and signer)
//! and `mock` (the mock's request coercion and validation).
//!
//! ```text
//! cargo run -p accord-fuzz --release -- run <spec|openapi|webhook|mock|all> [--seconds 60] [--seed N] [--hang-seconds 10]
//! cargo run -p accord-fuzz --release -- repro FILE
//! ```
//!
//! `run` supervises a worker process per target (this binary, `worker …`): the worker makes
//! input `i` from the seed and `i` alone, says `r i` on its stdout before running it and
//! `k i OUTCOME` after (panics are caught with `catch_unwind`). When the worker dies (a stack
//! overflow, an abort) or says nothing for `--hang-seconds` while running an input (a hang;
//! the supervisor kills it), the supervisor makes input `i` again from the seed, saves it, and
//! starts a new worker at `i + 1`. Every panic, property violation, crash and hang is saved
//! under `<target dir>/fuzz-findings/<target>/` with the command that replays it; the run
//! exits non-zero on any of them that is not a known defect listed in `known::AWAITING_FIX`.

mod known;
mod mutate;
mod targets;

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Write};
use std::panic::AssertUnwindSafe;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitCode, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use mutate::Dice;
use targets::{Outcome, Target};

const USAGE: &str = "usage:
  accord-fuzz run <spec|openapi|webhook|mock|all|selftest> [--seconds N] [--inputs N] [--seed N] [--hang-seconds N]
  accord-fuzz repro FILE [--target NAME]

run: N seconds per target (default 60), or fewer when --inputs N inputs are tried first; the
seed defaults to the clock and is printed; an input running longer than --hang-seconds
(default 10) is a hang. `selftest` misbehaves on purpose (the runner's own test).";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("run") => run(&args[1..]),
        Some("repro") => repro(&args[1..]),
        Some("worker") => worker(&args[1..]),
        _ => Err(USAGE.to_string()),
    };
    match result {
        Ok(code) => code,
        Err(message) => {
            eprintln!("accord-fuzz: {message}");
            ExitCode::from(2)
        }
    }
}

/// The value after `--name`, parsed.
fn flag<T: std::str::FromStr>(args: &[String], name: &str) -> Result<Option<T>, String> {
    match args.iter().position(|a| a == name) {
        None => Ok(None),
        Some(at) => {
            let text = args.get(at + 1).ok_or_else(|| format!("{name} needs a value"))?;
            text.parse().map(Some).map_err(|_| format!("{name}: `{text}` is not a number"))
        }
    }
}

/// Where findings go: `<target dir>/fuzz-findings/<target>/`.
fn findings_dir(target: &str) -> PathBuf {
    let exe = std::env::current_exe().unwrap_or_default();
    // <target dir>/<profile>/accord-fuzz
    let target_dir =
        exe.parent().and_then(Path::parent).map(Path::to_path_buf).unwrap_or_else(|| PathBuf::from("target"));
    target_dir.join("fuzz-findings").join(target)
}

/// A stream of inputs per target: the seed mixed with the target's name.
fn target_seed(seed: u64, target: &str) -> u64 {
    target.bytes().fold(seed, |h, b| h.rotate_left(7) ^ u64::from(b).wrapping_mul(0x100_0000_01B3))
}

/// Saves a finding's input and a note with its message and the command that replays it.
fn save_finding(target: &dyn Target, kind: &str, seed: u64, index: u64, input: &[u8], message: &str) -> PathBuf {
    let folder = findings_dir(target.name());
    let _ = std::fs::create_dir_all(&folder);
    let path = folder.join(format!("{kind}-s{seed}-i{index}.{}", target.extension()));
    let _ = std::fs::write(&path, input);
    let note = format!(
        "{kind} in target `{}` (seed {seed}, input {index}):\n{message}\n\nreproduce: cargo run -p accord-fuzz --release -- repro {}\n",
        target.name(),
        path.display()
    );
    let _ = std::fs::write(path.with_extension("txt"), note);
    path
}

// ------------------------------------------------------------------------------------------
// The worker.

/// Examples of each known defect a worker saves (they are counted all the same).
const SAVED_PER_AWAITED_DEFECT: u64 = 5;

thread_local! {
    static LAST_PANIC: std::cell::RefCell<String> = const { std::cell::RefCell::new(String::new()) };
}

fn worker(args: &[String]) -> Result<ExitCode, String> {
    let [name, seed, from, to, until] = args else { return Err("worker TARGET SEED FROM TO UNTIL_MS".into()) };
    let to: u64 = to.parse().map_err(|_| "to")?;
    let seed: u64 = seed.parse().map_err(|_| "seed")?;
    let from: u64 = from.parse().map_err(|_| "from")?;
    let until: u128 = until.parse().map_err(|_| "until")?;
    let target = targets::load(name)?;
    std::panic::set_hook(Box::new(|info| {
        let location = info.location().map(|l| format!(" at {}:{}", l.file(), l.line())).unwrap_or_default();
        let payload = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "a panic with a non-text payload".into());
        LAST_PANIC.with(|last| *last.borrow_mut() = format!("{payload}{location}"));
    }));
    let stream = target_seed(seed, name);
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let mut index = from;
    let mut noted = std::collections::BTreeSet::new();
    let mut saved: BTreeMap<String, u64> = BTreeMap::new();
    let now_ms = || SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_millis()).unwrap_or(0);
    while now_ms() < until && index < to {
        // `g` before making the input and `r` before running it, each flushed, so that the
        // supervisor tells a slow generator (a fuzzer bug) from a slow input.
        writeln!(out, "g {index}").and_then(|()| out.flush()).map_err(|e| e.to_string())?;
        let input = std::panic::catch_unwind(AssertUnwindSafe(|| target.generate(&mut Dice::for_input(stream, index))));
        let Ok(input) = input else {
            let message = LAST_PANIC.with(|last| last.borrow().clone());
            writeln!(out, "k {index} generator-panic {}", serde_json::Value::String(message))
                .map_err(|e| e.to_string())?;
            index += 1;
            continue;
        };
        writeln!(out, "r {index}").and_then(|()| out.flush()).map_err(|e| e.to_string())?;
        let outcome = std::panic::catch_unwind(AssertUnwindSafe(|| target.execute(&input)));
        let (kind, message) = match outcome {
            Ok(Outcome::Accepted) => ("ok", None),
            Ok(Outcome::Rejected(note)) => ("err", note),
            Ok(Outcome::Violation(message)) => ("violation", Some(message)),
            Err(_) => ("panic", Some(LAST_PANIC.with(|last| last.borrow().clone()))),
        };
        // The first input of each kind of note is kept, as an example of what it counts.
        if let (Some(note), "err") = (&message, kind)
            && noted.insert(note.lines().next().unwrap_or_default().to_string())
        {
            save_finding(target.as_ref(), &format!("note{}", noted.len()), seed, index, &input, note);
        }
        if matches!(kind, "violation" | "panic") {
            let text = message.clone().unwrap_or_default();
            let awaited = known::classify(name, kind, &text).map(|a| format!("awaited-{}", a.id));
            let label = awaited.unwrap_or_else(|| kind.to_string());
            // Every unexpected finding is saved; of a known defect, the first few examples.
            let count = saved.entry(label.clone()).or_insert(0);
            *count += 1;
            if !label.starts_with("awaited-") || *count <= SAVED_PER_AWAITED_DEFECT {
                save_finding(target.as_ref(), &label, seed, index, &input, &text);
            }
        }
        match message {
            Some(message) => writeln!(out, "k {index} {kind} {}", serde_json::Value::String(message)),
            None => writeln!(out, "k {index} {kind}"),
        }
        .and_then(|()| out.flush())
        .map_err(|e| e.to_string())?;
        index += 1;
    }
    writeln!(out, "end {index}").and_then(|()| out.flush()).map_err(|e| e.to_string())?;
    Ok(ExitCode::SUCCESS)
}

// ------------------------------------------------------------------------------------------
// The supervisor.

/// Counts of one target's run.
#[derive(Default)]
struct Tally {
    tried: u64,
    accepted: u64,
    clean_errors: u64,
    panics: u64,
    violations: u64,
    crashes: u64,
    hangs: u64,
    awaited: BTreeMap<&'static str, u64>,
    notes: BTreeMap<String, u64>,
    /// Unexpected findings, one line each.
    failures: Vec<String>,
}

impl Tally {
    fn record(&mut self, target: &str, kind: &str, message: &str, place: &str) {
        match kind {
            "panic" | "generator-panic" => self.panics += 1,
            "violation" => self.violations += 1,
            "crash" => self.crashes += 1,
            _ => self.hangs += 1,
        }
        match known::classify(target, kind, message) {
            Some(entry) => *self.awaited.entry(entry.id).or_default() += 1,
            None => {
                let first_line = message.lines().next().unwrap_or_default();
                let line = format!("{kind}: {first_line} [{place}]");
                eprintln!("  FOUND {line}");
                self.failures.push(line);
            }
        }
    }
}

/// One line of the worker.
enum Line {
    Generating(u64),
    Running(u64),
    Done(String, Option<String>),
    End,
}

fn parse_line(line: &str) -> Option<Line> {
    let mut parts = line.splitn(4, ' ');
    match parts.next()? {
        "g" => parts.next()?.parse().ok().map(Line::Generating),
        "r" => parts.next()?.parse().ok().map(Line::Running),
        "k" => {
            let _index = parts.next()?;
            let kind = parts.next()?.to_string();
            let message = parts.next().map(|m| serde_json::from_str::<String>(m).unwrap_or_else(|_| m.to_string()));
            Some(Line::Done(kind, message))
        }
        "end" => Some(Line::End),
        _ => None,
    }
}

fn spawn_worker(
    target: &str,
    seed: u64,
    from: u64,
    to: u64,
    until_ms: u128,
) -> Result<(Child, mpsc::Receiver<String>), String> {
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let mut child = Command::new(exe)
        .args(["worker", target, &seed.to_string(), &from.to_string(), &to.to_string(), &until_ms.to_string()])
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .map_err(|e| format!("cannot start a worker: {e}"))?;
    let stdout = child.stdout.take().ok_or("no worker stdout")?;
    let (sender, receiver) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            if sender.send(line).is_err() {
                break;
            }
        }
    });
    Ok((child, receiver))
}

/// Runs one target for `seconds`, restarting its worker after each crash or hang.
fn run_target(name: &str, seed: u64, seconds: u64, inputs: u64, hang: Duration) -> Result<Tally, String> {
    let mut tally = Tally::default();
    let started = Instant::now();
    let until_ms =
        SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_millis()).unwrap_or(0) + u128::from(seconds) * 1000;
    let deadline = started + Duration::from_secs(seconds);
    let mut regenerator: Option<Box<dyn Target>> = None;
    let mut from = 0;
    'workers: loop {
        let (mut child, lines) = spawn_worker(name, seed, from, inputs, until_ms)?;
        let mut running: Option<(u64, Instant)> = None;
        let mut generating: Option<(u64, Instant)> = None;
        let mut ended = false;
        loop {
            if let Some((index, since)) = generating
                && since.elapsed() > hang
            {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!(
                    "the fuzzer's generator took over {} s to make {name} input {index} (seed {seed}): a bug of accord-fuzz",
                    hang.as_secs()
                ));
            }
            match lines.recv_timeout(Duration::from_millis(250)) {
                Ok(line) => match parse_line(&line) {
                    Some(Line::Generating(index)) => generating = Some((index, Instant::now())),
                    Some(Line::Running(index)) => {
                        generating = None;
                        running = Some((index, Instant::now()));
                    }
                    Some(Line::Done(kind, message)) => {
                        generating = None;
                        tally.tried += 1;
                        let index = running.take().map_or(0, |(index, _)| index);
                        match kind.as_str() {
                            "ok" => tally.accepted += 1,
                            "err" => {
                                tally.clean_errors += 1;
                                if let Some(note) = message {
                                    let key = note.lines().next().unwrap_or_default().to_string();
                                    *tally.notes.entry(key).or_default() += 1;
                                }
                            }
                            _ => {
                                let message = message.unwrap_or_default();
                                let place =
                                    format!("seed {seed}, input {index}, saved in {}", findings_dir(name).display());
                                tally.record(name, &kind, &message, &place);
                            }
                        }
                    }
                    Some(Line::End) => ended = true,
                    None => {}
                },
                Err(mpsc::RecvTimeoutError::Timeout) => {
                    let overdue = running.is_some_and(|(_, since)| since.elapsed() > hang);
                    // Loading seeds is not an input; give it a minute past the deadline.
                    let stuck = running.is_none() && Instant::now() > deadline + Duration::from_secs(60);
                    if overdue || stuck {
                        let _ = child.kill();
                        let _ = child.wait();
                        let Some((index, since)) = running else {
                            return Err(format!("the {name} worker started no input in time"));
                        };
                        let waited = since.elapsed().as_secs_f64();
                        tally.tried += 1;
                        // A loaded machine can stall a worker: the input runs again, alone,
                        // and is a hang only if it is slow again.
                        match replay_time(name, seed, index, hang * 2)? {
                            Some(took) => {
                                let note = format!(
                                    "slow once, not again: no answer after {waited:.1} s, then {took:.3} s alone (machine load)"
                                );
                                eprintln!("  input {index}: {note}");
                                *tally
                                    .notes
                                    .entry("a stall that did not happen again (machine load)".into())
                                    .or_default() += 1;
                            }
                            None => {
                                let message = format!(
                                    "no answer after {waited:.1} s, nor in {} s alone (limit {} s)",
                                    hang.as_secs() * 2,
                                    hang.as_secs()
                                );
                                save_regenerated(&mut regenerator, name, seed, index, "hang", &message)?;
                                tally.record(name, "hang", &message, &format!("seed {seed}, input {index}"));
                            }
                        }
                        from = index + 1;
                        if Instant::now() < deadline && from < inputs {
                            continue 'workers;
                        }
                        break 'workers;
                    }
                }
                Err(mpsc::RecvTimeoutError::Disconnected) => {
                    let status = child.wait().map_err(|e| e.to_string())?;
                    if ended {
                        break 'workers;
                    }
                    let Some((index, _)) = running else {
                        return Err(format!("the {name} worker stopped before running an input ({status})"));
                    };
                    let message = format!("the worker died: {status}");
                    save_regenerated(&mut regenerator, name, seed, index, "crash", &message)?;
                    tally.tried += 1;
                    tally.record(name, "crash", &message, &format!("seed {seed}, input {index}"));
                    from = index + 1;
                    if Instant::now() < deadline && from < inputs {
                        continue 'workers;
                    }
                    break 'workers;
                }
            }
        }
    }
    Ok(tally)
}

/// Runs input `index` alone in a fresh worker: how long it took, or `None` when it did not
/// finish within `limit` (the worker is then killed). Loading the seeds is not timed.
fn replay_time(name: &str, seed: u64, index: u64, limit: Duration) -> Result<Option<f64>, String> {
    let (mut child, lines) = spawn_worker(name, seed, index, index + 1, u128::MAX)?;
    let mut started: Option<Instant> = None;
    let loading_deadline = Instant::now() + Duration::from_secs(300);
    let outcome = loop {
        match lines.recv_timeout(Duration::from_millis(100)) {
            Ok(line) => match parse_line(&line) {
                Some(Line::Running(_)) => started = Some(Instant::now()),
                Some(Line::Done(..)) => break started.map(|s| s.elapsed().as_secs_f64()),
                _ => {}
            },
            Err(mpsc::RecvTimeoutError::Timeout) => {
                let late = match started {
                    Some(since) => since.elapsed() > limit,
                    None => Instant::now() > loading_deadline,
                };
                if late {
                    break None;
                }
            }
            Err(mpsc::RecvTimeoutError::Disconnected) => break None,
        }
    };
    let _ = child.kill();
    let _ = child.wait();
    Ok(outcome)
}

/// Makes input `index` again (in this process: generating is safe, running was not) and
/// saves it.
fn save_regenerated(
    regenerator: &mut Option<Box<dyn Target>>,
    name: &str,
    seed: u64,
    index: u64,
    kind: &str,
    message: &str,
) -> Result<(), String> {
    if regenerator.is_none() {
        *regenerator = Some(targets::load(name)?);
    }
    let target = regenerator.as_deref().ok_or("no target")?;
    let input = target.generate(&mut Dice::for_input(target_seed(seed, name), index));
    let awaited = known::classify(name, kind, message).map(|a| format!("awaited-{}", a.id));
    let path = save_finding(target, awaited.as_deref().unwrap_or(kind), seed, index, &input, message);
    eprintln!("  {kind} on input {index}: saved {}", path.display());
    Ok(())
}

fn run(args: &[String]) -> Result<ExitCode, String> {
    let which = args.first().ok_or(USAGE)?;
    let names: Vec<&str> = match which.as_str() {
        "all" => targets::NAMES.to_vec(),
        "selftest" => vec!["selftest"],
        _ => vec![
            targets::NAMES.iter().find(|n| *n == which).ok_or_else(|| format!("unknown target `{which}`\n{USAGE}"))?,
        ],
    };
    let seconds: u64 = flag(args, "--seconds")?.unwrap_or(60);
    let inputs: u64 = flag(args, "--inputs")?.unwrap_or(u64::MAX);
    let hang = Duration::from_secs(flag(args, "--hang-seconds")?.unwrap_or(10));
    let seed: u64 = match flag(args, "--seed")? {
        Some(seed) => seed,
        None => SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(1),
    };
    println!("accord-fuzz: seed {seed}, {seconds} s per target, hang after {} s, one worker at a time", hang.as_secs());
    for entry in known::AWAITING_FIX {
        println!("  AWAITING_FIX {}: {}; meanwhile {}", entry.id, entry.issue_item, entry.meanwhile);
    }
    let mut failed = false;
    for name in names {
        let started = Instant::now();
        let tally = run_target(name, seed, seconds, inputs, hang)?;
        let seconds_taken = started.elapsed().as_secs_f64();
        println!(
            "{name}: {} inputs in {seconds_taken:.0} s ({:.0}/s): {} accepted, {} clean errors, {} panics, {} property violations, {} crashes, {} hangs",
            tally.tried,
            tally.tried as f64 / seconds_taken.max(0.001),
            tally.accepted,
            tally.clean_errors,
            tally.panics,
            tally.violations,
            tally.crashes,
            tally.hangs
        );
        for (id, count) in &tally.awaited {
            println!("  awaited (known, AWAITING_FIX {id}): {count}");
        }
        for (note, count) in &tally.notes {
            println!("  note: {note}: {count}");
        }
        for failure in &tally.failures {
            println!("  FAILURE {failure}");
        }
        if !tally.failures.is_empty() {
            println!(
                "  inputs saved in {} (each with a .txt saying how to reproduce it)",
                findings_dir(name).display()
            );
            failed = true;
        }
    }
    Ok(if failed { ExitCode::FAILURE } else { ExitCode::SUCCESS })
}

fn repro(args: &[String]) -> Result<ExitCode, String> {
    let file = PathBuf::from(args.first().ok_or(USAGE)?);
    let name = match flag::<String>(args, "--target")? {
        Some(name) => name,
        None => file
            .parent()
            .and_then(Path::file_name)
            .map(|n| n.to_string_lossy().into_owned())
            .ok_or("cannot tell the target from the folder; pass --target")?,
    };
    let target = targets::load(&name)?;
    let input = std::fs::read(&file).map_err(|e| format!("{}: {e}", file.display()))?;
    println!("replaying {} ({} bytes) through target `{name}`", file.display(), input.len());
    let started = Instant::now();
    // No catch_unwind: a panic shows with its backtrace (RUST_BACKTRACE=1).
    let outcome = target.execute(&input);
    println!("{outcome:?} after {:.3} s", started.elapsed().as_secs_f64());
    Ok(if matches!(outcome, Outcome::Violation(_)) { ExitCode::FAILURE } else { ExitCode::SUCCESS })
}
