//! `cargo instr-check docs [--out FILE]`: the Markdown catalog of owners, features, metrics and
//! events, on stdout or written atomically to a file.

use std::collections::BTreeMap;
use std::path::PathBuf;

use instr_artifacts::catalog::{CatalogExtras, catalog};

use super::{Failure, Global, display_path, load_valid_schemas, print, write_noted};
use crate::analysis::coverage_report::{self, HandlerRow};
use crate::analysis::handlers;
use crate::exit;
use crate::scan::ScanOptions;
use crate::workspace::Workspace;
use crate::workspace::schemas::SchemaUse;

/// Arguments of `docs`.
#[derive(Clone, Debug, clap::Args)]
pub(crate) struct DocsArgs {
    /// Write the catalog to this file (atomically) instead of stdout.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

/// Runs `docs` and returns its exit code.
pub(crate) fn execute(global: &Global, args: &DocsArgs) -> Result<i32, Failure> {
    let (workspace, schemas) = load_valid_schemas(global)?;
    let handlers = handlers_by_schema(&workspace, &schemas, global.scan);
    let mut pages = Vec::new();
    for (used, handlers_in_code) in schemas.iter().zip(handlers) {
        let extras = CatalogExtras {
            handlers_in_code: Some(handlers_in_code),
        };
        pages.push(catalog(
            &used.schema,
            &display_path(&workspace.root, &used.path),
            &extras,
        ));
    }
    let text = pages.join("\n---\n\n");
    match &args.out {
        Some(path) => write_noted(path, &text)?,
        None => print(&text)?,
    }
    Ok(exit::CLEAN)
}

/// For each schema, the handlers found in the code of the packages that use it, by the
/// feature they serve: `` `crate::module::function` (GET /path) ``. No file or line, so the
/// catalog does not change when code moves.
fn handlers_by_schema(
    workspace: &Workspace,
    schemas: &[SchemaUse],
    scan: ScanOptions,
) -> Vec<BTreeMap<String, Vec<String>>> {
    let members: Vec<usize> = (0..workspace.members.len())
        .filter(|index| {
            let name = &workspace.members[*index].name;
            schemas.iter().any(|used| used.packages.contains(name))
        })
        .collect();
    let handlers = handlers::detect_in(workspace, &members, scan);
    let report = coverage_report::build(&workspace.root, &handlers, schemas, &[], None);
    schemas
        .iter()
        .map(|used| {
            let mut by_feature: BTreeMap<String, Vec<String>> = BTreeMap::new();
            for row in report
                .handlers
                .iter()
                .filter(|row| used.packages.contains(&row.krate))
            {
                if let Some(feature) = &row.feature {
                    by_feature
                        .entry(feature.clone())
                        .or_default()
                        .push(entry(row));
                }
            }
            for entries in by_feature.values_mut() {
                entries.sort();
                entries.dedup();
            }
            by_feature
        })
        .collect()
}

fn entry(row: &HandlerRow) -> String {
    if row.routes.is_empty() {
        format!("`{}`", row.path)
    } else {
        format!("`{}` ({})", row.path, row.routes.join(", "))
    }
}
