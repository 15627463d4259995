//! `cargo instr-check export --format semconv --out DIR`: the schema as an OpenTelemetry
//! semantic-convention registry (the YAML files OpenTelemetry Weaver reads), written
//! atomically into `DIR`, each file named on stderr.

use std::path::PathBuf;

use instr_artifacts::semconv::registry_files;

use super::{
    Failure, Global, display_path, load_valid_schemas, one_schema_at_a_time, write_files_into,
};
use crate::exit;

/// Arguments of `export`.
#[derive(Clone, Debug, clap::Args)]
pub(crate) struct ExportArgs {
    /// What to export the schema as.
    #[arg(long, value_enum)]
    pub format: ExportFormat,

    /// The directory to write the files into (created if missing; files of an earlier export
    /// are replaced).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
}

/// `export --format` values.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum ExportFormat {
    /// An OpenTelemetry semantic-convention registry: `registry.yaml` (labels and event
    /// properties as attributes), `metrics.yaml`, `events.yaml`.
    Semconv,
}

/// Runs `export` and returns its exit code.
pub(crate) fn execute(global: &Global, args: &ExportArgs) -> Result<i32, Failure> {
    let (workspace, schemas) = load_valid_schemas(global)?;
    let all: Vec<_> = schemas.iter().collect();
    let used = match all.as_slice() {
        [one] => *one,
        many => {
            return Err(one_schema_at_a_time(
                &workspace,
                many,
                "are used here",
                "export each",
            ));
        }
    };
    let source = display_path(&workspace.root, &used.path);
    // The registry is named after the package that uses the schema (the first, when several
    // share it), else the workspace's folder.
    let name = used.packages.first().cloned().unwrap_or_else(|| {
        workspace
            .root
            .file_name()
            .map(|name| name.to_string_lossy().into_owned())
            .unwrap_or_else(|| "instr".to_owned())
    });
    let files = match args.format {
        ExportFormat::Semconv => registry_files(&used.schema, &name, &source),
    };
    write_files_into(&args.out, &files)?;
    Ok(exit::CLEAN)
}
