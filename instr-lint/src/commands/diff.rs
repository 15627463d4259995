//! `cargo instr-check diff --base <git-ref>`: the schema changes of a pull request, for review.
//!
//! Each schema the workspace uses is read at the base revision through git (with its
//! includes) and compared with the working tree by [`crate::schema_diff`]. A breaking change
//! fails the command (exit code 1) unless the base announced it (the metric was deprecated
//! with a replacement, or experimental) or `acknowledged-breaking` in the configuration names
//! it. Output for people, as JSON (docs/diff.md), or as Markdown for a pull-request comment.

use std::path::Path;

use instr_schema::diag::Sources;
use instr_schema::{LoadOptions, Schema, load_with};

use super::{Failure, Global, display_path, load_valid_schemas, print};
use crate::exit;
use crate::report;
use crate::schema_diff::diff;
use crate::schema_diff::git::Revision;
use crate::schema_diff::review::{DiffReport, SchemaChanges, review};
use crate::workspace::schemas;

/// Arguments of `diff`.
#[derive(Clone, Debug, clap::Args)]
pub(crate) struct DiffArgs {
    /// The git revision to compare with: a branch, tag or commit (`origin/main`, `HEAD~1`).
    #[arg(long, value_name = "REF")]
    pub base: String,

    /// How to print the changes.
    #[arg(long, value_enum, default_value_t = DiffFormat::Human)]
    pub format: DiffFormat,
}

/// `diff --format` values.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum DiffFormat {
    /// A list for the terminal, on stdout.
    Human,
    /// One JSON document on stdout (see docs/diff.md).
    Json,
    /// A Markdown summary for a pull-request comment or a job summary.
    Markdown,
}

/// Runs `diff` and returns its exit code.
pub(crate) fn execute(global: &Global, args: &DiffArgs) -> Result<i32, Failure> {
    let (workspace, used_schemas) = load_valid_schemas(global)?;
    let revision = Revision::resolve(&workspace.root, &args.base).map_err(Failure::usage)?;
    let acknowledged = &workspace.config.acknowledged_breaking;
    let options = schemas::load_options(&workspace);
    let mut schemas = Vec::new();
    for used in &used_schemas {
        let path = display_path(&workspace.root, &used.path);
        let repo_path = revision.repo_path(&used.path).ok_or_else(|| {
            Failure::usage(format!(
                "`{}` is not inside the git repository at `{}`",
                used.path.display(),
                revision.top_level.display()
            ))
        })?;
        let base = if revision.has_file(&repo_path) {
            Some(load_base(&revision, &repo_path, &options)?)
        } else {
            None
        };
        let changes = diff(base.as_ref().unwrap_or(&Schema::default()), &used.schema)
            .into_iter()
            .map(|change| review(change, acknowledged))
            .collect();
        schemas.push(SchemaChanges {
            path,
            new_at_head: base.is_none(),
            changes,
        });
    }
    let unused_acknowledgements = acknowledged
        .iter()
        .filter(|key| {
            !schemas
                .iter()
                .flat_map(|schema| &schema.changes)
                .any(|reviewed| reviewed.change.subject.key() == **key)
        })
        .cloned()
        .collect();
    let diff_report = DiffReport {
        base: revision.name.clone(),
        base_commit: revision.commit.clone(),
        schemas,
        unused_acknowledgements,
    };
    let text = match args.format {
        DiffFormat::Human => report::diff::human(&diff_report),
        DiffFormat::Json => report::diff::json(&diff_report),
        DiffFormat::Markdown => report::diff::markdown(&diff_report),
    };
    print(&text)?;
    Ok(if diff_report.blocking() > 0 {
        exit::FINDINGS
    } else {
        exit::CLEAN
    })
}

/// Loads the schema at the base revision. A base that does not validate cannot be compared
/// item by item (items with errors are missing from the model), so it stops the command.
fn load_base(
    revision: &Revision,
    repo_path: &str,
    options: &LoadOptions,
) -> Result<Schema, Failure> {
    let mut sources = Sources::new();
    let loaded = load_with(
        Path::new(repo_path),
        Path::new(""),
        options,
        &mut sources,
        &mut |path| revision.read(path),
    )
    .map_err(|error| Failure::usage(format!("at {}: {error}", revision.name)))?;
    if let Some(first) = loaded.diagnostics.iter().find(|d| d.is_error()) {
        let errors = loaded.diagnostics.iter().filter(|d| d.is_error()).count();
        return Err(Failure::usage(format!(
            "the schema `{repo_path}` at {} has {errors} error{} (first: {}), so it cannot be compared; compare with a revision whose schema is valid",
            revision.name,
            if errors == 1 { "" } else { "s" },
            first.message
        )));
    }
    Ok(loaded.schema)
}
