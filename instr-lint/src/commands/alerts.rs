//! `cargo instr-check alerts [--out DIR] [--format prometheus|openslo]` (also spelt `rules`):
//! alerting from objectives. Prometheus format writes `DIR/instr.rules.yml` and its promtool
//! unit tests `DIR/instr.rules.test.yml`; OpenSLO writes `DIR/instr.openslo.yml`. Without
//! `--out` the rules (or OpenSLO documents) go to stdout.

use std::path::PathBuf;

use instr_artifacts::alerts::{RULES_FILE_NAME, RULES_TEST_FILE_NAME, rules_file, rules_test_file};
use instr_artifacts::openslo::openslo_file;

use super::{
    Failure, Global, display_path, load_valid_schemas, one_schema_at_a_time, print,
    write_files_into,
};
use crate::exit;

/// The OpenSLO file `--format openslo --out DIR` writes.
const OPENSLO_FILE_NAME: &str = "instr.openslo.yml";

/// Arguments of `alerts`.
#[derive(Clone, Debug, clap::Args)]
pub(crate) struct AlertsArgs {
    /// Write the files into this directory (created if missing) instead of printing the rules.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,

    /// Prometheus rules (with promtool unit tests) or OpenSLO v1 documents.
    #[arg(long, value_enum, default_value_t = AlertsFormat::Prometheus)]
    pub format: AlertsFormat,
}

/// `alerts --format` values.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum AlertsFormat {
    /// Prometheus recording and alerting rules.
    Prometheus,
    /// OpenSLO v1 Service, SLI and SLO documents.
    Openslo,
}

/// Runs `alerts` and returns its exit code.
pub(crate) fn execute(global: &Global, args: &AlertsArgs) -> Result<i32, Failure> {
    let (workspace, schemas) = load_valid_schemas(global)?;
    let with_objectives: Vec<_> = schemas
        .iter()
        .filter(|used| {
            used.schema
                .features
                .values()
                .any(|feature| !feature.objectives.is_empty())
        })
        .collect();
    let used = match with_objectives.as_slice() {
        [one] => *one,
        [] => {
            return Err(Failure::usage(
                "no feature declares an objective, so there are no rules to generate; add `[[features.<name>.objectives]]` to the schema",
            ));
        }
        many => {
            return Err(one_schema_at_a_time(
                &workspace,
                many,
                "declare objectives",
                "generate the rules of each",
            ));
        }
    };
    let source = display_path(&workspace.root, &used.path);
    let files = match args.format {
        AlertsFormat::Prometheus => vec![
            (RULES_FILE_NAME, rules_file(&used.schema, &source)),
            (RULES_TEST_FILE_NAME, rules_test_file(&used.schema, &source)),
        ],
        AlertsFormat::Openslo => vec![(OPENSLO_FILE_NAME, openslo_file(&used.schema, &source))],
    };
    match &args.out {
        Some(dir) => write_files_into(dir, &files)?,
        None => {
            if let Some((_, text)) = files.first() {
                print(text)?;
            }
        }
    }
    Ok(exit::CLEAN)
}
