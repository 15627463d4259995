//! The subcommands besides the check itself, one module each: `diff` (schema changes for
//! review), `docs` (the Markdown catalog) and `rules` (Prometheus rules and OpenSLO from
//! objectives). Each has its own arguments (including its own `--format`) and returns the
//! process exit code.

pub mod diff;
pub mod diff_report;
pub mod docs;
pub mod rules;

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::check::{self, SchemaUse};
use crate::exit;
use crate::workspace::{self, Workspace};

/// Options every subcommand shares, taken from the global flags.
#[derive(Clone, Debug, Default)]
pub struct Common {
    /// `--manifest-path`.
    pub manifest_path: Option<PathBuf>,
}

/// A reason the command cannot run, and the exit code to return.
#[derive(Debug)]
pub struct Failure {
    /// [`exit::USAGE`] or [`exit::FINDINGS`].
    pub code: i32,
    /// One line for stderr.
    pub message: String,
}

impl Failure {
    /// The command could not run (exit code 2).
    pub fn usage(message: impl Into<String>) -> Self {
        Self {
            code: exit::USAGE,
            message: message.into(),
        }
    }
}

/// Prints a failure and returns its exit code.
pub fn report_failure(failure: &Failure) -> i32 {
    let _ = writeln!(std::io::stderr(), "error: {}", failure.message);
    failure.code
}

/// The workspace and its schemas, validated. Schemas with error-level findings are refused
/// (exit code 1): what they would generate could silently miss the items in error. Only the
/// schemas are read; findings about code do not concern these commands.
pub fn load_valid_schemas(common: &Common) -> Result<(Workspace, Vec<SchemaUse>), Failure> {
    let workspace = workspace::discover(common.manifest_path.as_deref())
        .map_err(|error| Failure::usage(error.to_string()))?;
    let (schemas, findings) =
        check::load_schemas(&workspace).map_err(|error| Failure::usage(error.to_string()))?;
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
    Ok((workspace, schemas))
}

/// A schema path as shown to people and written into generated files: relative to the
/// workspace root, with `/` separators.
pub fn display_path(root: &Path, path: &Path) -> String {
    let relative = path.strip_prefix(root).unwrap_or(path);
    relative
        .components()
        .map(|part| part.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// Writes `contents` to `path` atomically (see [`crate::atomic`]): readers never see half a
/// file and a failed write loses nothing.
pub fn write_atomic(path: &Path, contents: &str) -> Result<(), Failure> {
    crate::atomic::write(path, contents.as_bytes())
        .map_err(|error| Failure::usage(format!("could not write `{}`: {error}", path.display())))
}

/// Writes text to stdout; a closed pipe is not an error.
pub fn print(text: &str) -> Result<(), Failure> {
    let mut stdout = std::io::stdout().lock();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        Err(error) if error.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(Failure::usage(format!("could not write output: {error}")))
        }
        _ => Ok(()),
    }
}
