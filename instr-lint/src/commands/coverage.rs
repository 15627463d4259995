//! `cargo instr-check coverage`: every member's handlers against the schemas (if any; it
//! works before a schema exists), and whether tests proved each feature (from the emission
//! records of `INSTR_EMISSIONS=1 cargo test`, if any), as a table, JSON or Markdown.

use clap::{Args, ValueEnum};
use instr_schema::diag::Sources;

use super::check::{CheckError, CheckOptions};
use super::{Failure, Global, note, print};
use crate::analysis::coverage_report::{self, CoverageReport};
use crate::analysis::frameworks::{self, Silent};
use crate::analysis::handlers;
use crate::analysis::proof;
use crate::lints;
use crate::report;
use crate::scan::ScanOptions;
use crate::workspace::schemas::{self, SchemaError};
use crate::{exit, workspace};

/// Options of `coverage`.
#[derive(Debug, Clone, Args)]
pub struct CoverageArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t = CoverageFormat::Table)]
    pub format: CoverageFormat,
}

/// `coverage --format` values.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum CoverageFormat {
    /// A plain-text table.
    Table,
    /// A JSON document.
    Json,
    /// A Markdown table, for a pull-request comment.
    Markdown,
}

/// Runs `coverage` and returns its exit code.
pub(crate) fn execute(global: &Global, args: &CoverageArgs) -> Result<i32, Failure> {
    let options = CheckOptions {
        manifest_path: global.manifest_path.clone(),
    };
    let (report, silent) = report_with_silent(&options, global.scan)
        .map_err(|error| Failure::usage(error.to_string()))?;
    note(&lints::no_handlers_notes(&silent));
    let text = match args.format {
        CoverageFormat::Table => report::coverage::render_table(&report),
        CoverageFormat::Json => format!("{}\n", report::coverage::render_json(&report)),
        CoverageFormat::Markdown => report::coverage::render_markdown(&report),
    };
    print(&text)?;
    Ok(exit::CLEAN)
}

/// Every member's handlers against the schemas, if any. Findings in the schemas are ignored
/// here; `check` reports them.
pub fn report(options: &CheckOptions) -> Result<CoverageReport, CheckError> {
    report_with(options, ScanOptions::default())
}

/// [`report()`], reading files as `scan` says.
pub fn report_with(
    options: &CheckOptions,
    scan: ScanOptions,
) -> Result<CoverageReport, CheckError> {
    report_with_silent(options, scan).map(|(report, _)| report)
}

/// The report, and the members that depend on a web framework but have no handler found.
fn report_with_silent(
    options: &CheckOptions,
    scan: ScanOptions,
) -> Result<(CoverageReport, Vec<Silent>), CheckError> {
    let workspace = workspace::discover_with(options.manifest_path.as_deref(), scan.cache)?;
    let schemas = match schemas::load(&workspace, &mut Sources::new()) {
        Ok(loaded) => loaded.uses,
        Err(SchemaError::NoSchema(_)) => Vec::new(),
        Err(other) => return Err(other.into()),
    };
    let members: Vec<usize> = (0..workspace.members.len()).collect();
    let handlers = handlers::detect_in(&workspace, &members, scan);
    let silent = frameworks::silent_members(&workspace, &members, &handlers);
    let records = proof::read(&workspace).map_err(CheckError::Records)?;
    let report = coverage_report::build(
        &workspace.root,
        &handlers,
        &schemas,
        &silent,
        Some(&records),
    );
    Ok((report, silent))
}
