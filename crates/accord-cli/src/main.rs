//! The `accord` command line (glue only: argument parsing, printing, exit codes).

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use accord::emit::Options;
use accord::emit::openapi::Format;
use accord::project::{compile_specs, generate_all, spec_files};
use accord::write::{WhenLocked, WriteError, WriteOptions, write_files};
use accord_mock::{Contract, Credential, Credentials, MockOptions, VerifyOptions};
use clap::{Parser, Subcommand};

/// mimalloc instead of the system allocator: generating a large spec builds and frees millions
/// of small values (YAML nodes, token trees, syntax trees, template values), and glibc's
/// malloc and free were a quarter of `accord generate`'s instructions.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Compiles integration specs into typed Rust clients, Markdown docs and contract tests.
#[derive(Parser)]
#[command(name = "accord", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// Where a generated crate's `Cargo.toml` takes `accord-runtime` and `accord-mock` from: one of
/// a path, a git repository or a registry version (README, "Using accord outside this
/// repository").
#[derive(clap::Args)]
struct RuntimeArgs {
    /// Folder of the accord-runtime crate, relative to a generated crate's folder or absolute
    /// (accord-mock is taken from its sibling `../accord-mock`).
    #[arg(long, default_value = "../../crates/accord-runtime", conflicts_with_all = ["runtime_git", "runtime_version"])]
    runtime_path: String,
    /// Git repository of accord's workspace, for generated crates outside this repository.
    #[arg(long, conflicts_with = "runtime_version")]
    runtime_git: Option<String>,
    /// With `--runtime-git`: the branch to use.
    #[arg(long, requires = "runtime_git", conflicts_with_all = ["runtime_tag", "runtime_rev"])]
    runtime_branch: Option<String>,
    /// With `--runtime-git`: the tag to use.
    #[arg(long, requires = "runtime_git", conflicts_with = "runtime_rev")]
    runtime_tag: Option<String>,
    /// With `--runtime-git`: the commit (or other revision) to use.
    #[arg(long, requires = "runtime_git")]
    runtime_rev: Option<String>,
    /// A version requirement of accord-runtime and accord-mock from the crates registry.
    #[arg(long)]
    runtime_version: Option<String>,
}

impl RuntimeArgs {
    fn dependency(self) -> accord::emit::RuntimeDependency {
        use accord::emit::{GitReference, RuntimeDependency};
        if let Some(url) = self.runtime_git {
            let reference = self
                .runtime_branch
                .map(GitReference::Branch)
                .or(self.runtime_tag.map(GitReference::Tag))
                .or(self.runtime_rev.map(GitReference::Rev));
            return RuntimeDependency::Git { url, reference };
        }
        if let Some(version) = self.runtime_version {
            return RuntimeDependency::Version(version);
        }
        RuntimeDependency::Path(self.runtime_path)
    }
}

#[derive(Subcommand)]
enum Command {
    /// Validate specs and write client crates and docs into the output folder. Files the
    /// previous run wrote (listed in `.accord-manifest`) that this run no longer produces are
    /// removed, each named; a file not in the manifest, or edited since, is never removed.
    Generate {
        /// A spec file or a folder of `*.yaml` specs.
        specs: PathBuf,
        /// Output folder (default: `generated` beside the specs folder).
        #[arg(long, short)]
        out: Option<PathBuf>,
        /// Compare with the output folder instead of writing; fail when it is stale (a file
        /// differs or is missing, or one generated before is no longer produced).
        #[arg(long)]
        check: bool,
        /// Replace files at generated paths that accord did not write (no `@generated` header,
        /// not in `.accord-manifest`); without it they are refused, by name.
        #[arg(long, conflicts_with = "check")]
        force: bool,
        /// Folder of templates overriding the embedded ones by file name.
        #[arg(long)]
        templates: Option<PathBuf>,
        /// Where generated crates take accord-runtime (and accord-mock) from.
        #[command(flatten)]
        runtime: RuntimeArgs,
    },
    /// Validate specs and write only the docs: an mdBook (`book.toml`, `src/SUMMARY.md`, an
    /// index and one page per spec) that `mdbook build` turns into HTML.
    Docs {
        /// A spec file or a folder of `*.yaml` specs.
        specs: PathBuf,
        /// Output folder, the book's root (default: `generated/docs` beside the specs folder).
        #[arg(long, short)]
        out: Option<PathBuf>,
        /// Compare with the output folder instead of writing; fail when it is stale (a file
        /// differs or is missing, or one generated before is no longer produced).
        #[arg(long)]
        check: bool,
        /// Replace files at generated paths that accord did not write (no `@generated` header,
        /// not in `.accord-manifest`); without it they are refused, by name.
        #[arg(long, conflicts_with = "check")]
        force: bool,
        /// Folder of templates overriding the embedded ones by file name.
        #[arg(long)]
        templates: Option<PathBuf>,
    },
    /// Validate specs without writing anything.
    Check {
        /// A spec file or a folder of `*.yaml` specs.
        specs: PathBuf,
        /// Print each spec's integration checklist: what it declares and what it leaves
        /// open (credentials, error codes, retries, idempotency, timeouts, rate limits,
        /// pagination, webhooks, caching, circuit breaking, health, logging, types).
        #[arg(long)]
        report: bool,
        /// With `--report`: print the checklists as one JSON array instead of tables.
        #[arg(long, requires = "report")]
        json: bool,
    },
    /// Print the JSON Schema of the spec language.
    Schema,
    /// Explain a diagnostic code: what is checked, why, and an example with its fix.
    Explain {
        /// The code, as diagnostics print it between brackets (`spec::unknown_ref`).
        #[arg(required_unless_present = "list")]
        code: Option<String>,
        /// List every code with its severity and summary instead.
        #[arg(long, conflicts_with = "code")]
        list: bool,
    },
    /// Serve a spec as a mock HTTP server: validates requests, enforces auth, rate limits and
    /// idempotency, plays scenarios (`X-Accord-Scenario: NAME`), delivers signed webhooks.
    Mock {
        /// The spec file.
        spec: PathBuf,
        /// Port (0 picks a free one).
        #[arg(long, short, default_value_t = 4010)]
        port: u16,
        /// Address to bind.
        #[arg(long, default_value = "127.0.0.1")]
        host: std::net::IpAddr,
        /// Do not answer 429 when a declared rate limit is exceeded (for load tests).
        #[arg(long)]
        no_rate_limits: bool,
        /// Where `POST /__accord/webhooks {"event": …}` delivers when it names no URL.
        #[arg(long)]
        webhook_url: Option<String>,
        /// Multiply the declared webhook retry delays by this factor (0.001: an hour in 3.6 s).
        #[arg(long, default_value_t = 1.0)]
        webhook_time_scale: f64,
        /// The secret (or private key, in the scheme's key encoding) the mock signs webhook
        /// deliveries with; default: the contract's test key, printed at start.
        #[arg(long, value_name = "SECRET")]
        webhook_secret: Option<String>,
        /// Seconds a client may take to send a request's headers (from connecting, or from the
        /// previous response) before the connection is closed.
        #[arg(long, default_value_t = 30.0, value_name = "SECONDS")]
        header_read_timeout: f64,
        /// Serve HTTPS with this certificate chain (PEM file); needs `--tls-key`.
        #[arg(long, value_name = "FILE", requires = "tls_key")]
        tls_cert: Option<PathBuf>,
        /// The private key (PEM file) of `--tls-cert`.
        #[arg(long, value_name = "FILE", requires = "tls_cert")]
        tls_key: Option<PathBuf>,
        /// Require client certificates issued by this CA (PEM file): mutual TLS, as an
        /// environment declaring `client_certificate` expects.
        #[arg(long, value_name = "FILE", requires = "tls_cert")]
        client_ca: Option<PathBuf>,
    },
    /// Turn another API description into an accord spec to keep editing.
    Import {
        #[command(subcommand)]
        format: ImportFormat,
    },
    /// Describe a spec in another format (`accord export openapi specs/orders.yaml -o orders.json`).
    Export {
        #[command(subcommand)]
        format: ExportFormat,
    },
    /// Run a spec's scenarios against a server and check every response against the spec.
    /// Credentials come from the spec's declared environment variables.
    Verify {
        /// The spec file.
        spec: PathBuf,
        /// Base URL of the server (a provider's sandbox, your implementation, `accord mock`).
        #[arg(long)]
        base_url: String,
        /// Only this scenario (repeatable).
        #[arg(long)]
        scenario: Vec<String>,
        /// Seconds one request may take, from sending it to the last byte of its response.
        #[arg(long, default_value_t = 30.0, value_name = "SECONDS")]
        timeout: f64,
        /// Seconds the whole run may take; scenarios not finished by then are reported as
        /// "not run" (and the run does not pass).
        #[arg(long, default_value_t = 120.0, value_name = "SECONDS")]
        deadline: f64,
        /// Largest response body read, bytes (16 MiB by default); a longer one is a deviation.
        #[arg(long, default_value_t = accord_mock::DEFAULT_MAX_BODY_BYTES, value_name = "BYTES")]
        max_body_bytes: u64,
    },
}

#[derive(Subcommand)]
enum ExportFormat {
    /// An OpenAPI 3.1.0 document: paths, components, security schemes, servers, webhooks and
    /// examples; what OpenAPI cannot say (retry strategies, rate limits, signature schemes,
    /// scenarios) as `x-accord-*` extensions.
    Openapi {
        /// The spec file.
        spec: PathBuf,
        /// Where to write the document; YAML when it ends in `.yaml` or `.yml`, else JSON.
        /// Without it the JSON document is printed.
        #[arg(long, short)]
        out: Option<PathBuf>,
        /// Print YAML instead of JSON (without `--out`).
        #[arg(long)]
        yaml: bool,
    },
}

#[derive(Subcommand)]
enum ImportFormat {
    /// An OpenAPI 3.0.x or 3.1.x document, JSON or YAML.
    Openapi {
        /// The OpenAPI document.
        file: PathBuf,
        /// Where to write the spec (`specs/NAME.yaml`; NAME becomes the spec's name). Without
        /// it the spec is printed.
        #[arg(long, short)]
        out: Option<PathBuf>,
        /// Overwrite `--out` when it exists (it holds what someone wrote).
        #[arg(long)]
        force: bool,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Schema => {
            let schema = accord::spec::schema::json_schema();
            println!("{}", serde_json::to_string_pretty(&schema).unwrap_or_default());
            ExitCode::SUCCESS
        }
        Command::Check { specs, report, json } => accord::parallel::install(|| check(&specs, report, json)),
        Command::Explain { code, list } => explain(code.as_deref(), list),
        Command::Mock {
            spec,
            port,
            host,
            no_rate_limits,
            webhook_url,
            webhook_time_scale,
            webhook_secret,
            header_read_timeout,
            tls_cert,
            tls_key,
            client_ca,
        } => {
            let Some(header_read_timeout) = duration("--header-read-timeout", header_read_timeout) else {
                return ExitCode::FAILURE;
            };
            let read = |flag: &str, path: &PathBuf| {
                std::fs::read_to_string(path).map_err(|error| eprintln!("error: {flag} {}: {error}", path.display()))
            };
            let tls = match (&tls_cert, &tls_key) {
                (Some(certificate), Some(key)) => {
                    let (Ok(certificate_chain_pem), Ok(private_key_pem)) =
                        (read("--tls-cert", certificate), read("--tls-key", key))
                    else {
                        return ExitCode::FAILURE;
                    };
                    let client_ca_pem = match client_ca.as_ref().map(|path| read("--client-ca", path)).transpose() {
                        Ok(ca) => ca,
                        Err(()) => return ExitCode::FAILURE,
                    };
                    Some(accord_mock::MockTls {
                        certificate_chain_pem,
                        private_key_pem: private_key_pem.into(),
                        client_ca_pem,
                    })
                }
                _ => None,
            };
            let options = MockOptions {
                enforce_rate_limits: !no_rate_limits,
                webhook_url,
                webhook_time_scale,
                webhook_secret: webhook_secret.map(accord_mock::Secret::new),
                header_read_timeout,
                tls,
                ..MockOptions::default()
            };
            mock(&spec, std::net::SocketAddr::new(host, port), options)
        }
        Command::Verify { spec, base_url, scenario, timeout, deadline, max_body_bytes } => {
            let (Some(timeout), Some(deadline)) = (duration("--timeout", timeout), duration("--deadline", deadline))
            else {
                return ExitCode::FAILURE;
            };
            let mut options = VerifyOptions::new(base_url, Credentials::new());
            options.scenarios = scenario;
            options.timeout = timeout;
            options.deadline = deadline;
            options.max_body_bytes = max_body_bytes;
            verify(&spec, options)
        }
        Command::Import { format: ImportFormat::Openapi { file, out, force } } => {
            accord::parallel::install(|| import_openapi(&file, out.as_deref(), force))
        }
        Command::Export { format: ExportFormat::Openapi { spec, out, yaml } } => {
            export_openapi(&spec, out.as_deref(), yaml)
        }
        Command::Generate { specs, out, check, force, templates, runtime } => {
            let out = out.unwrap_or_else(|| default_output(&specs));
            let options = Options { runtime: runtime.dependency(), templates_dir: templates, exits_after: true };
            let write = WriteOptions { check_only: check, force, when_locked: WhenLocked::Fail };
            // The whole compile on the pool of threads its parallel steps share.
            accord::parallel::install(|| generate(&specs, &out, write, Output::Everything, options))
        }
        Command::Docs { specs, out, check, force, templates } => {
            let out = out.unwrap_or_else(|| default_output(&specs).join("docs"));
            let options = Options { templates_dir: templates, exits_after: true, ..Options::default() };
            let write = WriteOptions { check_only: check, force, when_locked: WhenLocked::Fail };
            accord::parallel::install(|| generate(&specs, &out, write, Output::DocsOnly, options))
        }
    }
}

fn default_output(specs: &Path) -> PathBuf {
    let folder = if specs.is_file() { specs.parent().unwrap_or(Path::new(".")) } else { specs };
    let parent = folder.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    parent.join("generated")
}

fn load(specs: &Path) -> Result<Vec<accord::CompiledSpec>, ExitCode> {
    if specs.is_file()
        && let Some(text) = accord::project::openapi_file(specs)
    {
        return load_openapi(specs, text).map(|compiled| vec![compiled]);
    }
    let files = match spec_files(specs) {
        Ok(files) if files.is_empty() => {
            eprintln!("error: no `*.yaml` specs in `{}`", specs.display());
            // OpenAPI descriptions in JSON are taken one at a time, by their file.
            let mut descriptions: Vec<PathBuf> = std::fs::read_dir(specs)
                .into_iter()
                .flatten()
                .filter_map(|entry| entry.ok().map(|entry| entry.path()))
                .filter(|path| path.is_file() && accord::project::is_openapi_file(path))
                .collect();
            descriptions.sort();
            if let Some(first) = descriptions.first() {
                eprintln!(
                    "help: `{}` holds {} OpenAPI description(s); generate from one by naming it (`accord generate {}`)",
                    specs.display(),
                    descriptions.len(),
                    first.display()
                );
            }
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
        // An OpenAPI description in a folder of specs is read as a spec; say what to do instead.
        for failure in failures.iter().filter(|failure| accord::project::is_openapi_file(&failure.path)) {
            let file = failure.path.display();
            eprintln!(
                "help: `{file}` is an OpenAPI description, not a spec: generate from it alone (`accord generate {file}`) or import it into a spec (`accord import openapi {file} -o specs/NAME.yaml`)"
            );
        }
        let first = failures.iter().flat_map(|f| &f.diagnostics).find(|d| d.is_error());
        if let Some(first) = first {
            eprintln!("help: `accord explain CODE` explains a code, e.g. `accord explain {}`", first.code);
        }
        return Err(ExitCode::FAILURE);
    }
    Ok(compiled)
}

/// An OpenAPI description imported and compiled in memory (`accord generate api.json`): the
/// import's warnings printed as `accord import openapi` prints them, then the spec's own.
/// `text`: the file's content, when it was read to tell it is a description.
fn load_openapi(file: &Path, text: Option<String>) -> Result<accord::CompiledSpec, ExitCode> {
    use accord::project::ImportFailure;
    match accord::project::compile_openapi_read(file, text) {
        Ok(imported) => {
            print_import_warnings(file, &imported.warnings);
            let shown = format!("{} (imported spec)", file.display());
            let yaml = imported.yaml.unwrap_or_default();
            for warning in &imported.compiled.warnings {
                eprintln!("{}", warning.render(&shown, &yaml));
            }
            Ok(imported.compiled)
        }
        Err(ImportFailure::Import(error)) => {
            print_import_error(file, &error, "; nothing was written");
            Err(ExitCode::FAILURE)
        }
        Err(ImportFailure::Spec(failure)) => {
            eprintln!("{}", failure.render());
            let count = failure.diagnostics.iter().filter(|d| d.is_error()).count();
            eprintln!("error: {count} problem(s) in the spec imported from `{}`; nothing was written", file.display());
            eprintln!(
                "help: `accord import openapi {} -o specs/NAME.yaml` writes that spec (the lines above are its lines); fix it there and generate from it",
                file.display()
            );
            Err(ExitCode::FAILURE)
        }
    }
}

fn check(specs: &Path, report: bool, json: bool) -> ExitCode {
    match load(specs) {
        Ok(compiled) if report => {
            let lists: Vec<_> = compiled.iter().map(|spec| accord::emit::checklist::checklist(&spec.ir)).collect();
            if json {
                match serde_json::to_string_pretty(&lists) {
                    Ok(text) => println!("{text}"),
                    Err(error) => {
                        eprintln!("error: the checklist is not JSON: {error}");
                        return ExitCode::FAILURE;
                    }
                }
            } else {
                let tables: Vec<String> = lists.iter().map(|list| list.to_text()).collect();
                print!("{}", tables.join("\n"));
            }
            ExitCode::SUCCESS
        }
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

/// Prints a code's explanation, or every code with `--list`; an unknown code fails with a
/// did-you-mean.
fn explain(code: Option<&str>, list: bool) -> ExitCode {
    use accord::diag::codes;
    if list {
        let codes = codes::all();
        let width = codes.iter().map(|code| code.name().len()).max().unwrap_or_default();
        for code in codes {
            println!("{:width$}  {:7}  {}", code.name(), code.severity().as_str(), code.summary());
        }
        return ExitCode::SUCCESS;
    }
    let name = code.unwrap_or_default();
    match codes::find(name) {
        Some(code) => {
            print!("{}", code.explain());
            ExitCode::SUCCESS
        }
        None => {
            let hint = codes::suggest(name).map(|hint| format!("; {hint}")).unwrap_or_default();
            eprintln!("error: `{name}` is not a diagnostic code{hint}");
            eprintln!("help: `accord explain --list` lists every code");
            ExitCode::FAILURE
        }
    }
}

/// What `generate` writes.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Output {
    /// Client crates, docs book and schema (`accord generate`).
    Everything,
    /// The docs book alone, at the root of the output folder (`accord docs`).
    DocsOnly,
}

fn generate(specs: &Path, out: &Path, write: WriteOptions, output: Output, options: Options) -> ExitCode {
    let check_only = write.check_only;
    let compiled = match load(specs) {
        Ok(compiled) => compiled,
        Err(code) => return code,
    };
    let generated = match output {
        Output::Everything => generate_all(&compiled, &options),
        Output::DocsOnly => {
            let irs: Vec<&accord::ir::Ir> = compiled.iter().map(|spec| &spec.ir).collect();
            accord::emit::generate_docs(&irs, &options)
        }
    };
    let files = match generated {
        Ok(files) => files,
        Err(message) => {
            eprintln!("error: {message}");
            return ExitCode::FAILURE;
        }
    };
    // A second run on the same folder waits for the first, then writes what still differs
    // (so two runs end with the second one's output, whole); it says why it waits, since a
    // run that hangs holding the lock would otherwise look like this one hanging.
    let result = match write_files(out, &files, &write) {
        Err(WriteError::Busy { lock, holder }) => {
            let holder = holder.map(|pid| format!(" (process {pid})")).unwrap_or_default();
            eprintln!(
                "note: another accord run{holder} is writing `{}`; waiting for it (lock `{}`)",
                out.display(),
                lock.display()
            );
            write_files(out, &files, &WriteOptions { when_locked: WhenLocked::Wait, ..write })
        }
        result => result,
    };
    let report = match result {
        Ok(report) => report,
        Err(error) => {
            eprintln!("error: {error}");
            if !matches!(error, WriteError::RollbackFailed { .. }) {
                eprintln!("error: nothing in `{}` was changed", out.display());
            }
            return ExitCode::FAILURE;
        }
    };
    for path in &report.forced {
        eprintln!("warning: replaced `{}`, which accord had not written (--force)", out.join(path).display());
    }
    if !check_only {
        for path in &report.removed {
            println!("removed `{}`: generated before, no longer produced", out.join(path).display());
        }
    }
    for path in &report.kept_stale {
        eprintln!(
            "warning: kept `{}`: generated before and no longer produced, but edited since; remove it yourself if it is not needed",
            out.join(path).display()
        );
    }
    let book = if output == Output::DocsOnly { PathBuf::new() } else { PathBuf::from("docs") };
    let page = |name: &str| book.join("src").join(format!("{name}.md"));
    let belongs = |path: &Path, name: &str| {
        (output == Output::Everything && path.starts_with(name)) || path == page(name).as_path()
    };
    let verb = if check_only { "stale" } else { "written" };
    for spec in &compiled {
        let changed = report.changed.iter().filter(|p| belongs(p, &spec.ir.name)).count();
        let unchanged = report.unchanged.iter().filter(|p| belongs(p, &spec.ir.name)).count();
        println!("{}: {changed} file(s) {verb}, {unchanged} unchanged", spec.path.display());
    }
    // The files of no one spec (the book's index, SUMMARY.md and book.toml, the schema).
    let shared = |path: &&PathBuf| !compiled.iter().any(|spec| belongs(path, &spec.ir.name));
    let changed = report.changed.iter().filter(shared).count();
    let unchanged = report.unchanged.iter().filter(shared).count();
    println!("shared files: {changed} file(s) {verb}, {unchanged} unchanged");
    if check_only && !(report.changed.is_empty() && report.removed.is_empty()) {
        let command = if output == Output::DocsOnly { "docs" } else { "generate" };
        eprintln!("error: `{}` is stale; run `cargo run -- {command} {}`:", out.display(), specs.display());
        for path in &report.changed {
            eprintln!("  {}", out.join(path).display());
        }
        for path in &report.removed {
            eprintln!("  {} (no longer generated: a run removes it)", out.join(path).display());
        }
        return ExitCode::FAILURE;
    }
    // The process ends here: the specs' IR and the generated text are left to the OS instead
    // of being freed one allocation at a time, with the allocator handing its pages back a
    // `madvise` call at a time (674 calls after the last file was written, for GitHub's spec).
    std::mem::forget(compiled);
    std::mem::forget(files);
    ExitCode::SUCCESS
}

/// Compiles one spec file to its contract, printing diagnostics.
fn contract_of(spec: &Path) -> Result<Contract, ExitCode> {
    if !spec.is_file() {
        eprintln!("error: `{}` is not a spec file", spec.display());
        return Err(ExitCode::FAILURE);
    }
    let compiled = load(spec)?;
    let ir = &compiled.first().ok_or(ExitCode::FAILURE)?.ir;
    Ok(accord::emit::contract::build(ir))
}

fn runtime() -> Result<tokio::runtime::Runtime, ExitCode> {
    tokio::runtime::Builder::new_multi_thread().enable_all().build().map_err(|error| {
        eprintln!("error: cannot start the async runtime: {error}");
        ExitCode::FAILURE
    })
}

fn mock(spec: &Path, addr: std::net::SocketAddr, mut options: MockOptions) -> ExitCode {
    let contract = match contract_of(spec) {
        Ok(contract) => contract,
        Err(code) => return code,
    };
    let runtime = match runtime() {
        Ok(runtime) => runtime,
        Err(code) => return code,
    };
    tracing_subscriber::fmt().with_target(false).without_time().with_writer(std::io::stderr).init();
    // The spec's own credentials work too when they are set, so `accord verify` with the same
    // environment passes.
    options.extra_credentials.extend(&Credentials::from_env(&contract.auth));
    // And JWTs signed with the spec's real keys, when their public keys are set.
    match accord_mock::jwt_public_keys_from_env(&contract) {
        Ok(keys) => options.jwt_public_keys = keys,
        Err(message) => {
            eprintln!("error: {message}");
            return ExitCode::FAILURE;
        }
    }
    let scheme = if options.tls.is_some() { "https" } else { "http" };
    let requires_client_certificate = options.tls.as_ref().is_some_and(|tls| tls.client_ca_pem.is_some());
    let result = runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind(addr).await?;
        let local = listener.local_addr()?;
        // A closed stdout (the caller stopped reading) must not stop the server.
        let mut out = std::io::stdout();
        let _ = writeln!(
            out,
            "accord mock: `{}` ({} endpoints, {} scenarios) on {scheme}://{local}{}",
            contract.name,
            contract.operations.len(),
            contract.scenarios.len(),
            if requires_client_certificate { " (client certificates required)" } else { "" },
        );
        for (name, credential) in Credentials::test(&contract.auth).iter() {
            let _ = writeln!(out, "  test credential `{name}`: {}", describe(credential));
        }
        if let Some(line) = webhook_secret_line(&contract, options.webhook_secret.is_some()) {
            let _ = writeln!(out, "  {line}");
        }
        let _ = writeln!(
            out,
            "  play a scenario: header `X-Accord-Scenario: NAME`; control API: http://{local}/__accord; Ctrl-C stops"
        );
        let _ = out.flush();
        accord_mock::serve(listener, contract, options, async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await
    });
    match result {
        Ok(()) => {
            let _ = writeln!(std::io::stdout(), "accord mock: stopped");
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("error: cannot serve on {addr}: {error}");
            ExitCode::FAILURE
        }
    }
}

/// What a webhook receiver needs to verify the mock's deliveries: the test key (printed: it is
/// a test value) and the variable the generated `verify` reads it from, or that the key given
/// with `--webhook-secret` signs (not echoed). `None` when the spec declares no signed
/// webhooks.
fn webhook_secret_line(contract: &Contract, given: bool) -> Option<String> {
    let webhooks = contract.webhooks.as_ref().filter(|w| w.scheme.is_some())?;
    let env =
        webhooks.secret_env.as_deref().map(|env| format!(" (set `{env}` to it in the receiver)")).unwrap_or_default();
    Some(if given {
        format!("webhook deliveries are signed with the secret given by --webhook-secret{env}")
    } else if webhooks.test_verifying_key == webhooks.test_signing_key {
        format!("webhook signing secret: `{}`{env}; set another with --webhook-secret", webhooks.test_signing_key)
    } else {
        format!(
            "webhook signing key (test): `{}`; receivers verify with `{}`{env}; set another with --webhook-secret",
            webhooks.test_signing_key, webhooks.test_verifying_key
        )
    })
}

fn describe(credential: &Credential) -> String {
    match credential {
        Credential::ClientCredentials { client_id, client_secret } => {
            format!("client `{client_id}` / `{}` at the token URL's path", client_secret.expose())
        }
        Credential::Bearer(token) => format!("bearer token `{}`", token.expose()),
        Credential::Basic { username, password } => format!("basic `{username}` / `{}`", password.expose()),
        Credential::ApiKey(key) => format!("API key `{}`", key.expose()),
        // The mock's authorization server issues the tokens (client `test-client`, refresh
        // token `test-refresh-token`, JWTs signed with the test-only key of tests/keys).
        Credential::Flow(..) => format!(
            "an access token from the mock's authorization server (client `test-client` / `test-secret`, refresh token `{}`, JWTs signed with the test-only key)",
            accord_mock::TEST_REFRESH_TOKEN
        ),
        Credential::AwsSigV4(aws) => {
            format!("AWS access key `{}` / `{}` (SigV4)", aws.access_key_id, aws.secret_access_key.expose())
        }
        Credential::HmacSignature { key_id, secret } => match key_id {
            Some(key_id) => format!("signing key `{key_id}` / `{}`", secret.expose()),
            None => format!("signing secret `{}`", secret.expose()),
        },
    }
}

/// A positive, finite number of seconds from the command line, or an error naming the flag.
fn duration(flag: &str, seconds: f64) -> Option<std::time::Duration> {
    match std::time::Duration::try_from_secs_f64(seconds) {
        Ok(duration) if !duration.is_zero() => Some(duration),
        _ => {
            eprintln!("error: {flag} expects a positive number of seconds, got {seconds}");
            None
        }
    }
}

fn verify(spec: &Path, mut options: VerifyOptions) -> ExitCode {
    let contract = match contract_of(spec) {
        Ok(contract) => contract,
        Err(code) => return code,
    };
    // Unset variables: verify passes no credential, which works against `accord mock` only
    // (the report says what to set otherwise).
    options.credentials = Credentials::from_env(&contract.auth);
    let runtime = match runtime() {
        Ok(runtime) => runtime,
        Err(code) => return code,
    };
    let report = runtime.block_on(accord_mock::verify(&contract, &options));
    print!("{}", report.render());
    if report.passed() { ExitCode::SUCCESS } else { ExitCode::FAILURE }
}

/// Prints why `file` was not imported: every diagnostic located in its file, then
/// "`file` was not imported" followed by `and_so` and a pointer to `accord explain`.
fn print_import_error(file: &Path, error: &accord::import::ImportError, and_so: &str) {
    eprintln!("{}", error.render(&file.display().to_string(), ""));
    eprintln!("error: `{}` was not imported{and_so}", file.display());
    if let Some(first) = error.diagnostics.first() {
        eprintln!("help: `accord explain CODE` explains a code, e.g. `accord explain {}`", first.code);
    }
}

/// How many warnings of one kind `accord import` prints in full; the rest are counted.
const WARNINGS_SHOWN_PER_KIND: usize = 5;

/// Prints import warnings to stderr: the first [`WARNINGS_SHOWN_PER_KIND`] of each kind located
/// (`file#pointer: message [kind] (N uses)`), a count of the rest of that kind, and a summary
/// line per kind (`warnings by kind: …`).
fn print_import_warnings(file: &Path, warnings: &[accord::import::ImportWarning]) {
    let mut shown: std::collections::BTreeMap<accord::import::WarningKind, usize> = std::collections::BTreeMap::new();
    for warning in warnings {
        let count = shown.entry(warning.kind).or_default();
        *count += 1;
        if *count <= WARNINGS_SHOWN_PER_KIND {
            let folder = file.parent().unwrap_or(Path::new(""));
            let shown = warning.file.as_deref().map_or_else(|| file.to_path_buf(), |name| folder.join(name));
            let position = warning.location.map(|l| format!(":{}:{}", l.line, l.column)).unwrap_or_default();
            let uses = if warning.uses > 1 { format!(" ({} uses)", warning.uses) } else { String::new() };
            eprintln!(
                "{}{position}: warning: {} [{}]{uses} (at #{})",
                shown.display(),
                warning.message,
                warning.kind,
                warning.pointer
            );
        }
    }
    let summary = accord::import::summary_by_kind(warnings);
    for (kind, count, _) in &summary {
        if *count > WARNINGS_SHOWN_PER_KIND {
            eprintln!("warning: … and {} more of kind `{kind}`", count - WARNINGS_SHOWN_PER_KIND);
        }
    }
    if !summary.is_empty() {
        let uses: usize = warnings.iter().map(|w| w.uses).sum();
        eprintln!("warnings by kind ({} warning(s), met {uses} time(s)):", warnings.len());
        for (kind, count, uses) in &summary {
            eprintln!(
                "  {kind:<28} {count:>6}{}",
                if uses > count { format!("  ({uses} uses)") } else { String::new() }
            );
        }
    }
}

fn export_openapi(spec: &Path, out: Option<&Path>, yaml: bool) -> ExitCode {
    if !spec.is_file() {
        eprintln!("error: `{}` is not a spec file", spec.display());
        return ExitCode::FAILURE;
    }
    let Ok(compiled) = load(spec) else { return ExitCode::FAILURE };
    let Some(compiled) = compiled.first() else { return ExitCode::FAILURE };
    let yaml_out = out.and_then(|o| o.extension()).is_some_and(|e| e == "yaml" || e == "yml");
    let format = if yaml || yaml_out { Format::Yaml } else { Format::Json };
    let text = accord::emit::openapi::render(&compiled.ir, format);
    match out {
        None => {
            print!("{text}");
            ExitCode::SUCCESS
        }
        Some(out) => match accord::write::replace_file(out, text.as_bytes()) {
            Ok(_) => {
                println!(
                    "{}: OpenAPI {} of `{}`",
                    out.display(),
                    accord::emit::openapi::OPENAPI_VERSION,
                    compiled.ir.name
                );
                ExitCode::SUCCESS
            }
            Err(error) => {
                eprintln!("error: {error}");
                ExitCode::FAILURE
            }
        },
    }
}

fn import_openapi(file: &Path, out: Option<&Path>, force: bool) -> ExitCode {
    let name = out.and_then(|o| o.file_stem()).and_then(|s| s.to_str());
    // The root document and every file its `$ref`s name, inside its folder.
    let imported = match accord::import::openapi::import_file(file, name) {
        Ok(imported) => imported,
        Err(error) => {
            print_import_error(file, &error, "");
            return ExitCode::FAILURE;
        }
    };
    // Warnings: once per component and message (with how often it was met), located
    // (`file:line:col`, the file a `$ref` named for a multi-file description), the first few of
    // each kind in full, then a summary by kind.
    print_import_warnings(file, &imported.warnings);
    match out {
        None => {
            print!("{}", imported.yaml);
            ExitCode::SUCCESS
        }
        Some(out) => {
            if out.exists() && !force {
                eprintln!("error: `{}` exists; pass --force to replace it", out.display());
                return ExitCode::FAILURE;
            }
            // `accord import openapi api.json -o specs/api.yaml` in a new project: the folder
            // the user named is made, as `generate` makes its output folder.
            if let Some(parent) = out.parent().filter(|parent| !parent.as_os_str().is_empty())
                && let Err(error) = std::fs::create_dir_all(parent)
            {
                eprintln!("error: cannot create the folder `{}` for `{}`: {error}", parent.display(), out.display());
                return ExitCode::FAILURE;
            }
            match accord::write::replace_file(out, imported.yaml.as_bytes()) {
                Ok(_) => {
                    println!(
                        "{}: imported as spec `{}` ({} warning(s)); check it with `cargo run -- check {}`",
                        out.display(),
                        imported.name,
                        imported.warnings.len(),
                        out.display()
                    );
                    ExitCode::SUCCESS
                }
                Err(error) => {
                    eprintln!("error: {error}");
                    ExitCode::FAILURE
                }
            }
        }
    }
}
