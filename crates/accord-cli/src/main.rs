//! The `accord` command line (glue only: argument parsing, printing, exit codes).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use accord::emit::Options;
use accord::project::{compile_specs, generate_all, spec_files};
use accord::write::write_files;
use clap::{Parser, Subcommand};

/// Compiles integration specs into typed Rust clients, Markdown docs and contract tests.
#[derive(Parser)]
#[command(name = "accord", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Validate specs and write client crates and docs into the output folder.
    Generate {
        /// A spec file or a folder of `*.yaml` specs.
        specs: PathBuf,
        /// Output folder (default: `generated` beside the specs folder).
        #[arg(long, short)]
        out: Option<PathBuf>,
        /// Compare with the output folder instead of writing; fail when it is stale.
        #[arg(long)]
        check: bool,
        /// Folder of templates overriding the embedded ones by file name.
        #[arg(long)]
        templates: Option<PathBuf>,
        /// Path from a generated crate to accord-runtime, for its Cargo.toml.
        #[arg(long, default_value = "../../crates/accord-runtime")]
        runtime_path: String,
    },
    /// Validate specs without writing anything.
    Check {
        /// A spec file or a folder of `*.yaml` specs.
        specs: PathBuf,
    },
    /// Print the JSON Schema of the spec language.
    Schema,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Schema => {
            let schema = accord::spec::schema::json_schema();
            println!("{}", serde_json::to_string_pretty(&schema).unwrap_or_default());
            ExitCode::SUCCESS
        }
        Command::Check { specs } => check(&specs),
        Command::Generate { specs, out, check, templates, runtime_path } => {
            let out = out.unwrap_or_else(|| default_output(&specs));
            generate(&specs, &out, check, Options { runtime_path, templates_dir: templates })
        }
    }
}

fn default_output(specs: &Path) -> PathBuf {
    let folder = if specs.is_file() { specs.parent().unwrap_or(Path::new(".")) } else { specs };
    let parent = folder.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    parent.join("generated")
}

fn load(specs: &Path) -> Result<Vec<accord::CompiledSpec>, ExitCode> {
    let files = match spec_files(specs) {
        Ok(files) if files.is_empty() => {
            eprintln!("error: no `*.yaml` specs in `{}`", specs.display());
            return Err(ExitCode::FAILURE);
        }
        Ok(files) => files,
        Err(error) => {
            eprintln!("error: cannot read `{}`: {error}", specs.display());
            return Err(ExitCode::FAILURE);
        }
    };
    let (compiled, failures) = compile_specs(&files);
    for spec in &compiled {
        for warning in &spec.warnings {
            let source = std::fs::read_to_string(&spec.path).unwrap_or_default();
            eprintln!("{}", warning.render(&spec.path.display().to_string(), &source));
        }
    }
    if !failures.is_empty() {
        let count: usize = failures.iter().map(|f| f.diagnostics.iter().filter(|d| d.is_error()).count()).sum();
        for failure in &failures {
            eprintln!("{}", failure.render());
        }
        eprintln!("error: {count} problem(s) in {} spec(s); nothing was written", failures.len());
        return Err(ExitCode::FAILURE);
    }
    Ok(compiled)
}

fn check(specs: &Path) -> ExitCode {
    match load(specs) {
        Ok(compiled) => {
            for spec in &compiled {
                println!(
                    "{}: ok ({} endpoints, {} models)",
                    spec.path.display(),
                    spec.ir.operations.len(),
                    spec.ir.types.len()
                );
            }
            ExitCode::SUCCESS
        }
        Err(code) => code,
    }
}

fn generate(specs: &Path, out: &Path, check_only: bool, options: Options) -> ExitCode {
    let compiled = match load(specs) {
        Ok(compiled) => compiled,
        Err(code) => return code,
    };
    let files = match generate_all(&compiled, &options) {
        Ok(files) => files,
        Err(message) => {
            eprintln!("error: {message}");
            return ExitCode::FAILURE;
        }
    };
    let report = match write_files(out, &files, check_only) {
        Ok(report) => report,
        Err(error) => {
            eprintln!("error: {error}");
            return ExitCode::FAILURE;
        }
    };
    let belongs =
        |path: &Path, name: &str| path.starts_with(name) || path == Path::new("docs").join(format!("{name}.md"));
    for spec in &compiled {
        let changed = report.changed.iter().filter(|p| belongs(p, &spec.ir.name)).count();
        let unchanged = report.unchanged.iter().filter(|p| belongs(p, &spec.ir.name)).count();
        let verb = if check_only { "stale" } else { "written" };
        println!("{}: {changed} file(s) {verb}, {unchanged} unchanged", spec.path.display());
    }
    if check_only && !report.changed.is_empty() {
        eprintln!("error: `{}` is stale; run `cargo run -- generate {}`:", out.display(), specs.display());
        for path in &report.changed {
            eprintln!("  {}", out.join(path).display());
        }
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}
