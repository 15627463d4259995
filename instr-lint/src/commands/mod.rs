//! The subcommands, one module each, each with its arguments (clap `Args`, including its own
//! `--format`) and one entry point of the same shape:
//! `execute(&Global, &Args) -> Result<exit code, Failure>`. A command reads the workspace,
//! asks the layers below for what it needs, renders it with `crate::report` or
//! `instr_artifacts`, and writes it out.
//!
//! - [`check`]: the CI gate (the default);
//! - `init`: a starter schema from the handlers found;
//! - [`coverage`]: handlers against features, with totals;
//! - `diff`: the schema's changes since a git revision, for review;
//! - `docs`: the Markdown catalog;
//! - `alerts`: Prometheus rules with their tests, or OpenSLO, from objectives;
//! - `export`: the schema as an OpenTelemetry semantic-convention registry.

pub(crate) mod alerts;
pub mod check;
pub mod coverage;
pub(crate) mod diff;
pub(crate) mod docs;
pub(crate) mod export;
pub(crate) mod init;

use std::io::Write;
use std::path::{Path, PathBuf};

use instr_schema::diag::Sources;

use crate::exit;
use crate::lints::levels;
use crate::scan::ScanOptions;
use crate::workspace::schemas::{self, SchemaUse};
use crate::workspace::{self, Workspace};

/// What every subcommand gets from the global options.
#[derive(Clone, Debug, Default)]
pub(crate) struct Global {
    /// `--manifest-path`.
    pub(crate) manifest_path: Option<PathBuf>,
    /// Whether human output is coloured (`--color`, `NO_COLOR`, `CARGO_TERM_COLOR`, a
    /// terminal).
    pub(crate) color: bool,
    /// `--no-prefilter`, `--no-cache`.
    pub(crate) scan: ScanOptions,
}

/// A reason the command cannot run, and the exit code to return.
#[derive(Debug)]
pub(crate) struct Failure {
    /// [`exit::USAGE`] or [`exit::FINDINGS`].
    pub(crate) code: i32,
    /// One line for stderr.
    pub(crate) message: String,
}

impl Failure {
    /// The command could not run (exit code 2).
    pub(crate) fn usage(message: impl Into<String>) -> Self {
        Self {
            code: exit::USAGE,
            message: message.into(),
        }
    }

    /// Prints the failure and returns its exit code.
    pub(crate) fn report(&self) -> i32 {
        let _ = writeln!(std::io::stderr(), "error: {}", self.message);
        self.code
    }
}

/// Reads the workspace the global options name; a failure is a usage error.
pub(crate) fn open_workspace(global: &Global) -> Result<Workspace, Failure> {
    workspace::discover_with(global.manifest_path.as_deref(), global.scan.cache)
        .map_err(|error| Failure::usage(error.to_string()))
}

/// The workspace and its schemas, validated. Schemas with error-level findings are refused
/// (exit code 1): what they would generate could silently miss the items in error. Only the
/// schemas are read; findings about code do not concern these commands.
pub(crate) fn load_valid_schemas(global: &Global) -> Result<(Workspace, Vec<SchemaUse>), Failure> {
    let workspace = open_workspace(global)?;
    let loaded = schemas::load(&workspace, &mut Sources::new())
        .map_err(|error| Failure::usage(error.to_string()))?;
    let findings = levels::apply(&workspace.config, loaded.findings);
    let errors = findings.iter().filter(|finding| finding.is_error()).count();
    if errors > 0 {
        return Err(Failure {
            code: exit::FINDINGS,
            message: format!(
                "the schema has {errors} error{}; run `cargo instr-check` to see and fix {}",
                if errors == 1 { "" } else { "s" },
                if errors == 1 { "it" } else { "them" },
            ),
        });
    }
    Ok((workspace, loaded.uses))
}

/// The refusal of a command that works on one schema when `many` qualify: `{n} schemas
/// {which} (paths); {action} with --manifest-path <member>/Cargo.toml`.
pub(crate) fn one_schema_at_a_time(
    workspace: &Workspace,
    many: &[&SchemaUse],
    which: &str,
    action: &str,
) -> Failure {
    let names: Vec<String> = many
        .iter()
        .map(|used| display_path(&workspace.root, &used.path))
        .collect();
    Failure::usage(format!(
        "{} schemas {which} ({}); {action} with `--manifest-path <member>/Cargo.toml`",
        many.len(),
        names.join(", ")
    ))
}

/// A schema path as shown to people and written into generated files: relative to the
/// workspace root, with `/` separators.
pub(crate) fn display_path(root: &Path, path: &Path) -> String {
    let relative = path.strip_prefix(root).unwrap_or(path);
    relative
        .components()
        .map(|part| part.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// Writes `contents` to `path` atomically (see [`crate::atomic`]): readers never see half a
/// file and a failed write loses nothing.
pub(crate) fn write_atomic(path: &Path, contents: &str) -> Result<(), Failure> {
    crate::atomic::write(path, contents.as_bytes())
        .map_err(|error| Failure::usage(format!("could not write `{}`: {error}", path.display())))
}

/// Writes `contents` to `path` atomically and names the file on stderr, so a user sees what a
/// command wrote.
pub(crate) fn write_noted(path: &Path, contents: &str) -> Result<(), Failure> {
    write_atomic(path, contents)?;
    note(&format!("wrote `{}`\n", path.display()));
    Ok(())
}

/// Writes each `(file name, contents)` into the folder `dir` (created if missing) with
/// [`write_noted`].
pub(crate) fn write_files_into(dir: &Path, files: &[(&str, String)]) -> Result<(), Failure> {
    std::fs::create_dir_all(dir).map_err(|error| {
        Failure::usage(format!("could not create `{}`: {error}", dir.display()))
    })?;
    for (name, contents) in files {
        write_noted(&dir.join(name), contents)?;
    }
    Ok(())
}

/// Writes text to stdout; a closed pipe (`| head`) is not an error.
pub(crate) fn print(text: &str) -> Result<(), Failure> {
    print_with(|out| out.write_all(text.as_bytes()))
}

/// Lets `write` write to stdout (buffered) as it goes; a closed pipe is not an error.
pub(crate) fn print_with(
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<(), Failure> {
    let mut stdout = std::io::BufWriter::new(std::io::stdout().lock());
    match write(&mut stdout).and_then(|()| stdout.flush()) {
        Err(error) if error.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(Failure::usage(format!("could not write output: {error}")))
        }
        _ => Ok(()),
    }
}

/// Writes text to stderr, where the human report and progress notes go; a failure to write
/// there cannot be reported anywhere.
pub(crate) fn note(text: &str) {
    let _ = std::io::stderr().write_all(text.as_bytes());
}
