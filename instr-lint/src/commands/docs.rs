//! `cargo instr-check docs [--out FILE]`: the Markdown catalog of owners, features, metrics and
//! events, on stdout or written atomically to a file.

use std::path::PathBuf;

use instr_schema::render::catalog::{CatalogExtras, catalog};

use super::{Common, Failure, display_path, load_valid_schemas, print, write_atomic};
use crate::exit;

/// Arguments of `docs`.
#[derive(Clone, Debug, clap::Args)]
pub struct DocsArgs {
    /// Write the catalog to this file (atomically) instead of stdout.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

/// Runs `docs`.
pub fn run(common: &Common, args: &DocsArgs) -> Result<i32, Failure> {
    let (workspace, schemas) = load_valid_schemas(common)?;
    let mut pages = Vec::new();
    for used in &schemas {
        // Handlers found in the code are added here once the scanner provides them.
        let extras = CatalogExtras::default();
        pages.push(catalog(
            &used.schema,
            &display_path(&workspace.root, &used.path),
            &extras,
        ));
    }
    let text = pages.join("\n---\n\n");
    match &args.out {
        Some(path) => write_atomic(path, &text)?,
        None => print(&text)?,
    }
    Ok(exit::CLEAN)
}
