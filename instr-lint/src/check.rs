//! The check itself: find the workspace, load every schema it uses, scan the code of the
//! members that use one, detect handlers, run every rule, apply configured levels.

use std::fmt;
use std::path::{Path, PathBuf};

use instr_schema::diag::{Diagnostic, Level, Severity, Sources};
use instr_schema::{LoadError, LoadOptions, Schema, load_file};

use crate::config::Config;
use crate::coverage;
use crate::discover;
use crate::fingerprint;
use crate::handlers::{self, Handler};
use crate::lint::{self, FileMap, Keyed};
use crate::rules;
use crate::workspace::{self, Workspace, WorkspaceError};

/// What to check.
#[derive(Clone, Debug, Default)]
pub struct CheckOptions {
    /// The manifest to start from; the current directory's workspace when `None`.
    pub manifest_path: Option<PathBuf>,
}

/// `cargo instr-check coverage`: every member's handlers against the schemas, if any.
pub fn coverage(
    options: &CheckOptions,
) -> Result<crate::output::coverage::CoverageReport, CheckError> {
    let workspace =
        workspace::discover(options.manifest_path.as_deref()).map_err(CheckError::Workspace)?;
    let schemas = load_schemas_if_any(&workspace)?;
    let members: Vec<usize> = (0..workspace.members.len()).collect();
    let handlers = detect_handlers(&workspace, &members);
    Ok(crate::output::coverage::build(
        &workspace.root,
        &handlers,
        &schemas,
    ))
}

/// The handlers in the code of the given members (indices into `workspace.members`); the
/// scanned files are dropped once the handlers are known.
pub fn detect_handlers(workspace: &Workspace, members: &[usize]) -> Vec<Handler> {
    let scan = discover::scan(workspace, members);
    handlers::detect(workspace, &scan)
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
    /// The stable fingerprint of each finding (same order as `findings`): a hash of the
    /// rule, the crate and the item path (or the schema item), never of a line number.
    pub fingerprints: Vec<String>,
    /// The schemas that were checked.
    pub schemas: Vec<SchemaUse>,
    /// The handlers of the members that use a schema.
    pub handlers: Vec<Handler>,
    /// How many of them are covered (served by a feature, or exempt with a reason).
    pub covered: usize,
    /// Findings dropped because the baseline lists them.
    pub baselined: usize,
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
    let mut keyed: Vec<Keyed> = Vec::new();
    let mut schemas = Vec::new();
    for (path, packages) in uses {
        let loaded = load_file(&path, &workspace.root, &load_options, &mut sources)
            .map_err(CheckError::Schema)?;
        for diagnostic in loaded.diagnostics {
            let key = schema_key(&diagnostic, &sources);
            keyed.push((diagnostic, key));
        }
        schemas.push(SchemaUse {
            path,
            packages,
            schema: loaded.schema,
        });
    }
    let members: Vec<usize> = workspace
        .members
        .iter()
        .enumerate()
        .filter(|(_, member)| {
            schemas
                .iter()
                .any(|used| used.packages.contains(&member.name))
        })
        .map(|(index, _)| index)
        .collect();
    let scan = discover::scan(workspace, &members);
    let handlers = handlers::detect(workspace, &scan);
    let mut files = FileMap::new(&workspace.root);
    let inputs = lint::Inputs {
        scan: &scan,
        handlers: &handlers,
        schemas: &schemas,
        partial: workspace.partial,
    };
    keyed.extend(lint::run(&inputs, &mut sources, &mut files));
    drop(scan);
    let covered = handlers
        .iter()
        .filter(|handler| {
            let schema = schemas
                .iter()
                .find(|used| used.packages.contains(&handler.package))
                .map(|used| &used.schema);
            coverage::status(handler, schema).covered()
        })
        .count();
    let keyed = apply_levels_keyed(&workspace.config, keyed);
    let (mut diagnostics, keys): (Vec<Diagnostic>, Vec<String>) = keyed.into_iter().unzip();
    let sources = crate::snippets::materialize(sources, &files.registered, &mut diagnostics);
    let mut keyed: Vec<Keyed> = diagnostics.into_iter().zip(keys).collect();
    keyed.sort_by(|(a, _), (b, _)| order_key(a, &sources).cmp(&order_key(b, &sources)));
    let (findings, fingerprints) = keyed
        .into_iter()
        .map(|(diagnostic, key)| {
            let print = fingerprint::of(diagnostic.rule.code, &key);
            (diagnostic, print)
        })
        .unzip();
    Ok(Report {
        root: workspace.root.clone(),
        sources,
        findings,
        fingerprints,
        schemas,
        handlers,
        covered,
        baselined: 0,
    })
}

/// Findings about a schema are keyed by file, rule and message: the message names the item
/// (`metric `x` names owner `y`...`), and survives lines moving.
fn schema_key(diagnostic: &Diagnostic, sources: &Sources) -> String {
    let file = diagnostic
        .loc()
        .map(|loc| sources.get(loc.file).name().to_owned())
        .unwrap_or_default();
    format!("schema:{file}:{}", diagnostic.message)
}

/// Findings are shown by file and position; findings about no place come last.
fn order_key(diagnostic: &Diagnostic, sources: &Sources) -> (bool, String, usize, &'static str) {
    match diagnostic.loc() {
        Some(loc) => (
            false,
            sources.get(loc.file).name().to_owned(),
            loc.span.start,
            diagnostic.rule.code,
        ),
        None => (true, diagnostic.message.clone(), 0, diagnostic.rule.code),
    }
}

/// Loads the schemas the workspace uses, if any (for `coverage`, which works without one).
/// Findings in them are ignored here; `check` reports them.
pub fn load_schemas_if_any(workspace: &Workspace) -> Result<Vec<SchemaUse>, CheckError> {
    let uses = match schema_uses(workspace) {
        Ok(uses) => uses,
        Err(CheckError::NoSchema(_)) => return Ok(Vec::new()),
        Err(other) => return Err(other),
    };
    let load_options = LoadOptions {
        max_series_per_metric: workspace.config.max_series_per_metric,
        today: None,
    };
    let mut sources = Sources::new();
    let mut out = Vec::new();
    for (path, packages) in uses {
        let loaded = load_file(&path, &workspace.root, &load_options, &mut sources)
            .map_err(CheckError::Schema)?;
        out.push(SchemaUse {
            path,
            packages,
            schema: loaded.schema,
        });
    }
    Ok(out)
}

/// Loads the schemas the workspace uses with their findings (configured levels applied),
/// without scanning any code: for the commands that read only the schema (`diff`, `docs`,
/// `rules`).
pub fn load_schemas(
    workspace: &Workspace,
) -> Result<(Vec<SchemaUse>, Vec<Diagnostic>), CheckError> {
    let load_options = LoadOptions {
        max_series_per_metric: workspace.config.max_series_per_metric,
        today: None,
    };
    let mut sources = Sources::new();
    let mut schemas = Vec::new();
    let mut findings = Vec::new();
    for (path, packages) in schema_uses(workspace)? {
        let loaded = load_file(&path, &workspace.root, &load_options, &mut sources)
            .map_err(CheckError::Schema)?;
        findings.extend(loaded.diagnostics);
        schemas.push(SchemaUse {
            path,
            packages,
            schema: loaded.schema,
        });
    }
    Ok((schemas, apply_levels(&workspace.config, findings)))
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
            "no schema to check: there is no `{}`; create it (`cargo instr-check init` writes a starter from the handlers it finds), or set `schema` under [workspace.metadata.instr] (or [package.metadata.instr] of a member)",
            workspace.root.join("instr.toml").display()
        )));
    }
    Ok(uses)
}

fn same_path(a: &Path, b: &Path) -> bool {
    a == b || matches!((a.canonicalize(), b.canonicalize()), (Ok(a), Ok(b)) if a == b)
}

/// Applies configured levels: `allow` drops findings, `warn` and `deny` set their severity.
/// Rules that are off by default are dropped unless configuration turns them on.
pub fn apply_levels(config: &Config, findings: Vec<Diagnostic>) -> Vec<Diagnostic> {
    findings
        .into_iter()
        .filter_map(|finding| level_applied(config, finding))
        .collect()
}

fn apply_levels_keyed(config: &Config, findings: Vec<Keyed>) -> Vec<Keyed> {
    findings
        .into_iter()
        .filter_map(|(finding, key)| level_applied(config, finding).map(|finding| (finding, key)))
        .collect()
}

fn level_applied(config: &Config, mut finding: Diagnostic) -> Option<Diagnostic> {
    let level = config
        .level(finding.rule)
        .unwrap_or_else(|| rules::default_level(finding.rule));
    match level {
        Level::Allow => None,
        level => {
            finding.severity = level.severity().unwrap_or(finding.severity);
            Some(finding)
        }
    }
}
