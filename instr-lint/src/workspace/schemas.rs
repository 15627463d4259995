//! The schemas a workspace uses, loaded once: which file each member uses (its own, else the
//! workspace's), each file loaded and validated with the workspace's settings.
//!
//! Every command reads schemas through `load`; what it does with the findings differs (the
//! check reports them, `diff`, `docs` and `alerts` refuse a schema with errors, `coverage`
//! ignores them).

use std::path::{Path, PathBuf};

use instr_schema::diag::{Diagnostic, Sources};
use instr_schema::{LoadError, LoadOptions, Schema, checks, load_file};

use super::Workspace;

/// One schema file the workspace uses, loaded.
#[derive(Debug)]
pub struct SchemaUse {
    /// The root schema file.
    pub path: PathBuf,
    /// The packages that use it.
    pub packages: Vec<String>,
    /// The validated model (items with errors may be missing).
    pub schema: Schema,
    /// False when a file of the schema has a syntax error: the model is then incomplete, and
    /// nothing about code that depends on it is decided.
    pub readable: bool,
}

impl SchemaUse {
    /// True when `package` uses this schema.
    pub fn used_by(&self, package: &str) -> bool {
        self.packages.iter().any(|used| used == package)
    }
}

/// Every schema the workspace uses, with the findings of all of them, in the order members
/// are listed.
#[derive(Debug)]
pub(crate) struct Loaded {
    /// The schemas.
    pub(crate) uses: Vec<SchemaUse>,
    /// Their findings, each schema's ordered by file and position; levels not applied.
    pub(crate) findings: Vec<Diagnostic>,
}

/// Why the schemas could not be loaded (exit code 2).
#[derive(Debug, thiserror::Error)]
pub enum SchemaError {
    /// No package has a schema to check.
    #[error("{0}")]
    NoSchema(String),
    /// A schema file could not be read.
    #[error(transparent)]
    Load(#[from] LoadError),
    /// The schema a manifest configures does not exist.
    #[error("{0}")]
    Configured(String),
}

/// Loads every schema the workspace uses, adding their files to `sources`.
pub(crate) fn load(workspace: &Workspace, sources: &mut Sources) -> Result<Loaded, SchemaError> {
    let options = load_options(workspace);
    let mut loaded = Loaded {
        uses: Vec::new(),
        findings: Vec::new(),
    };
    for (path, packages) in schema_paths(workspace)? {
        let file = load_file(&path, &workspace.root, &options, sources)?;
        let readable = !file
            .diagnostics
            .iter()
            .any(|finding| finding.rule.code == checks::SYNTAX.code);
        loaded.findings.extend(file.diagnostics);
        loaded.uses.push(SchemaUse {
            path,
            packages,
            schema: file.schema,
            readable,
        });
    }
    Ok(loaded)
}

/// The load options of the workspace, for schemas read from elsewhere (a git revision).
pub(crate) fn load_options(workspace: &Workspace) -> LoadOptions {
    LoadOptions {
        max_series_per_metric: workspace.config.max_series_per_metric,
        today: None,
    }
}

/// Which schema each member uses: its own, else the workspace's. Paths are deduplicated, in
/// the order members are listed.
fn schema_paths(workspace: &Workspace) -> Result<Vec<(PathBuf, Vec<String>)>, SchemaError> {
    let workspace_schema = match &workspace.config.schema {
        Some(relative) => {
            let path = workspace.root.join(relative);
            if !path.is_file() {
                return Err(SchemaError::Configured(missing_configured(
                    &path,
                    relative,
                    &workspace.root.join("Cargo.toml"),
                    "workspace",
                )));
            }
            Some(path)
        }
        None => Some(workspace.root.join("instr.toml")).filter(|path| path.is_file()),
    };
    for member in &workspace.members {
        if let Some(path) = &member.schema
            && !path.is_file()
        {
            let relative = path.strip_prefix(&member.dir).unwrap_or(path);
            return Err(SchemaError::Configured(missing_configured(
                path,
                relative,
                &member.dir.join("Cargo.toml"),
                "package",
            )));
        }
    }
    let mut uses: Vec<(PathBuf, Vec<String>)> = Vec::new();
    for member in &workspace.members {
        let Some(path) = member.schema.clone().or_else(|| workspace_schema.clone()) else {
            continue;
        };
        match uses.iter_mut().find(|(known, _)| same_path(known, &path)) {
            Some((_, packages)) => packages.push(member.name.clone()),
            None => uses.push((path, vec![member.name.clone()])),
        }
    }
    if uses.is_empty() {
        return Err(SchemaError::NoSchema(format!(
            "no schema to check: there is no `{}`; create it (`cargo instr-check init` writes a starter from the handlers it finds), or set `schema` under [workspace.metadata.instr] (or [package.metadata.instr] of a member)",
            workspace.root.join("instr.toml").display()
        )));
    }
    Ok(uses)
}

/// `schema` under `[<table>.metadata.instr]` of `manifest` names `path`, which is not a file.
fn missing_configured(path: &Path, written: &Path, manifest: &Path, table: &str) -> String {
    format!(
        "the schema `{}` set by `schema` under [{table}.metadata.instr] in `{}` does not exist (looked for `{}`); create it (`cargo instr-check init` writes a starter), or fix the path",
        written.display(),
        manifest.display(),
        path.display()
    )
}

/// Whether two paths name one file (canonical paths when both exist).
pub(crate) fn same_path(a: &Path, b: &Path) -> bool {
    a == b || matches!((a.canonicalize(), b.canonicalize()), (Ok(a), Ok(b)) if a == b)
}
