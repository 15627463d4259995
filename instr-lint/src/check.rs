//! The check itself: find the workspace, load every schema it uses, apply configured levels.

use std::fmt;
use std::path::{Path, PathBuf};

use instr_schema::diag::{Diagnostic, Level, Severity, Sources};
use instr_schema::{LoadError, LoadOptions, Schema, load_file};

use crate::config::Config;
use crate::workspace::{self, Workspace, WorkspaceError};

/// What to check.
#[derive(Clone, Debug, Default)]
pub struct CheckOptions {
    /// The manifest to start from; the current directory's workspace when `None`.
    pub manifest_path: Option<PathBuf>,
}

/// One schema file the workspace uses, loaded.
#[derive(Debug)]
pub struct SchemaUse {
    /// The root schema file.
    pub path: PathBuf,
    /// The packages that use it.
    pub packages: Vec<String>,
    /// The validated model (items with errors may be missing).
    pub schema: Schema,
}

/// The outcome of a check.
#[derive(Debug)]
pub struct Report {
    /// The workspace root; file names in findings are relative to it.
    pub root: PathBuf,
    /// Every file a finding may point into.
    pub sources: Sources,
    /// Findings after configuration was applied, ordered by file and position.
    pub findings: Vec<Diagnostic>,
    /// The schemas that were checked.
    pub schemas: Vec<SchemaUse>,
}

impl Report {
    /// The number of error-level findings.
    pub fn errors(&self) -> usize {
        self.findings
            .iter()
            .filter(|finding| finding.severity == Severity::Error)
            .count()
    }

    /// The number of warnings.
    pub fn warnings(&self) -> usize {
        self.findings
            .iter()
            .filter(|finding| finding.severity == Severity::Warning)
            .count()
    }
}

/// Why the check could not run (exit code 2).
#[derive(Debug)]
pub enum CheckError {
    /// The workspace or its configuration could not be read.
    Workspace(WorkspaceError),
    /// No package has a schema to check.
    NoSchema(String),
    /// A schema file could not be read.
    Schema(LoadError),
}

impl fmt::Display for CheckError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Workspace(error) => error.fmt(f),
            Self::NoSchema(message) => f.write_str(message),
            Self::Schema(error) => error.fmt(f),
        }
    }
}

impl std::error::Error for CheckError {}

/// Runs the check.
pub fn run(options: &CheckOptions) -> Result<Report, CheckError> {
    let workspace =
        workspace::discover(options.manifest_path.as_deref()).map_err(CheckError::Workspace)?;
    check_workspace(&workspace)
}

/// Checks an already discovered workspace.
pub fn check_workspace(workspace: &Workspace) -> Result<Report, CheckError> {
    let uses = schema_uses(workspace)?;
    let load_options = LoadOptions {
        max_series_per_metric: workspace.config.max_series_per_metric,
        today: None,
    };
    let mut sources = Sources::new();
    let mut findings = Vec::new();
    let mut schemas = Vec::new();
    for (path, packages) in uses {
        let loaded = load_file(&path, &workspace.root, &load_options, &mut sources)
            .map_err(CheckError::Schema)?;
        findings.extend(loaded.diagnostics);
        schemas.push(SchemaUse {
            path,
            packages,
            schema: loaded.schema,
        });
    }
    let findings = apply_levels(&workspace.config, findings);
    Ok(Report {
        root: workspace.root.clone(),
        sources,
        findings,
        schemas,
    })
}

/// Which schema each member uses: its own, else the workspace's. Paths are deduplicated, in
/// the order members are listed.
fn schema_uses(workspace: &Workspace) -> Result<Vec<(PathBuf, Vec<String>)>, CheckError> {
    let workspace_schema = match &workspace.config.schema {
        Some(relative) => Some(workspace.root.join(relative)),
        None => Some(workspace.root.join("instr.toml")).filter(|path| path.is_file()),
    };
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
        return Err(CheckError::NoSchema(format!(
            "no schema to check: there is no `{}`; create it, or set `schema` under [workspace.metadata.instr] (or [package.metadata.instr] of a member)",
            workspace.root.join("instr.toml").display()
        )));
    }
    Ok(uses)
}

fn same_path(a: &Path, b: &Path) -> bool {
    a == b || matches!((a.canonicalize(), b.canonicalize()), (Ok(a), Ok(b)) if a == b)
}

/// Applies configured levels: `allow` drops findings, `warn` and `deny` set their severity.
pub fn apply_levels(config: &Config, findings: Vec<Diagnostic>) -> Vec<Diagnostic> {
    findings
        .into_iter()
        .filter_map(|mut finding| {
            match config.level(finding.rule) {
                None => {}
                Some(Level::Allow) => return None,
                Some(level) => finding.severity = level.severity().unwrap_or(finding.severity),
            }
            Some(finding)
        })
        .collect()
}
