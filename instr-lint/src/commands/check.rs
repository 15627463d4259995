//! `cargo instr-check` (or `check`): find the workspace, load every schema it uses, scan the
//! code of the members that use one, detect handlers, run every lint, apply configured levels
//! and the baseline, and report. With `--require-tested` (or `require-tested = true`) it also
//! reads the tests' emission records and requires every feature's measures among them.

use std::collections::HashMap;
use std::path::PathBuf;

use clap::{Args, ValueEnum};
use instr_schema::diag::{FileId, RenderOptions, Sources};

use super::{Failure, Global, note, print_with};
use crate::analysis::coverage;
use crate::analysis::proof::{self, Records};
use crate::analysis::{frameworks, handlers};
use crate::exit;
use crate::lints::diags::KeyedFinding;
use crate::lints::files::FileMap;
use crate::lints::finding::Finding;
use crate::lints::{self, Report, baseline, fingerprint, levels, shown, snippets};
use crate::report;
use crate::scan::{ScanOptions, discover};
use crate::workspace::schemas::{self, SchemaError};
use crate::workspace::{self, Workspace, WorkspaceError};

/// Options of `check`.
#[derive(Debug, Clone, Args)]
pub struct CheckArgs {
    /// Output format: human findings on stderr, or JSON, SARIF or GitHub annotations on stdout.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,

    /// Hide the findings recorded in this baseline file; only new ones are reported.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,

    /// Record today's findings in this file (written atomically), then exit 0.
    #[arg(long, value_name = "FILE", conflicts_with = "baseline")]
    pub write_baseline: Option<PathBuf>,

    /// Require that a test emitted every feature's success metrics and objective series, as
    /// recorded by `INSTR_EMISSIONS=1 cargo test` (also `require-tested = true` in config).
    #[arg(long)]
    pub require_tested: bool,
}

/// `check --format` values.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Findings with the source in view, on stderr.
    Human,
    /// One JSON document on stdout (see docs/json-output.md).
    Json,
    /// SARIF 2.1.0 on stdout, for GitHub code scanning.
    Sarif,
    /// GitHub Actions workflow annotations on stdout.
    Github,
}

/// What to check.
#[derive(Clone, Debug, Default)]
pub struct CheckOptions {
    /// The manifest to start from; the current directory's workspace when `None`.
    pub manifest_path: Option<PathBuf>,
}

/// Why the check could not run (exit code 2).
#[derive(Debug, thiserror::Error)]
pub enum CheckError {
    /// The workspace or its configuration could not be read.
    #[error(transparent)]
    Workspace(#[from] WorkspaceError),
    /// No schema to check, or a schema file could not be read.
    #[error(transparent)]
    Schemas(#[from] SchemaError),
    /// Proof in tests is required, and there are no records to decide it from.
    #[error("{0}")]
    Records(String),
}

/// Runs `check` and returns its exit code.
pub(crate) fn execute(global: &Global, args: &CheckArgs) -> Result<i32, Failure> {
    let baseline = match &args.baseline {
        Some(path) => Some(baseline::read(path).map_err(Failure::usage)?),
        None => None,
    };
    let mut report = workspace::discover_with(global.manifest_path.as_deref(), global.scan.cache)
        .map_err(CheckError::from)
        .and_then(|workspace| {
            // The report is only written: the handlers no finding shows are let go before
            // the findings' sources are read, the check's peak of memory on a large workspace.
            let kept = HandlersKept::Shown;
            check_requiring(&workspace, global.scan, args.require_tested, kept)
        })
        .map_err(|error| Failure::usage(error.to_string()))?;
    if let Some(path) = &args.write_baseline {
        let count = baseline::write(path, &report).map_err(Failure::usage)?;
        note(&format!(
            "wrote {count} finding{} to baseline `{}`\n",
            if count == 1 { "" } else { "s" },
            path.display()
        ));
        return Ok(exit::CLEAN);
    }
    if let Some(baseline) = &baseline {
        baseline::apply(&mut report, baseline);
    }
    match args.format {
        Format::Human => {
            let options = RenderOptions {
                color: global.color,
                unicode: true,
                width: 100,
            };
            // To stderr, as it is made; a failure to write there cannot be reported anywhere.
            let mut err = std::io::BufWriter::new(std::io::stderr().lock());
            let _ = report::human::write(&report, &options, &mut err)
                .and_then(|()| std::io::Write::flush(&mut err));
        }
        // Written as it is made: a report with a finding in every file is never held
        // twice (as a document and as text).
        Format::Json => print_with(|out| {
            report::json::write(&report, &mut *out)?;
            out.write_all(b"\n")
        })?,
        Format::Sarif => print_with(|out| {
            report::sarif::write(&report, &mut *out)?;
            out.write_all(b"\n")
        })?,
        Format::Github => print_with(|out| report::github::write(&report, &mut *out))?,
    }
    Ok(if report.errors() > 0 {
        exit::FINDINGS
    } else {
        exit::CLEAN
    })
}

/// Runs the check with the default [`ScanOptions`] (prefilter on, no cache).
pub fn run(options: &CheckOptions) -> Result<Report, CheckError> {
    run_with(options, ScanOptions::default())
}

/// Runs the check, reading files as `scan` says.
pub fn run_with(options: &CheckOptions, scan: ScanOptions) -> Result<Report, CheckError> {
    run_keeping(options, scan, HandlersKept::All)
}

/// What a report keeps of the handlers found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HandlersKept {
    /// Every one: for callers that read them (tests, tools built on the library).
    All,
    /// Only those a finding shows, every one still counted ([`Report::handler_count`]): all a
    /// caller that only writes the report needs, as the command line does.
    Shown,
}

/// Runs the check, reading files as `scan` says and keeping the handlers `kept` says.
pub fn run_keeping(
    options: &CheckOptions,
    scan: ScanOptions,
    kept: HandlersKept,
) -> Result<Report, CheckError> {
    let workspace = workspace::discover_with(options.manifest_path.as_deref(), scan.cache)?;
    check_requiring(&workspace, scan, false, kept)
}

/// Checks an already discovered workspace (default [`ScanOptions`]).
pub fn check_workspace(workspace: &Workspace) -> Result<Report, CheckError> {
    check_workspace_with(workspace, ScanOptions::default())
}

/// Checks an already discovered workspace, reading files as `options` say (requiring proof
/// in tests when its configuration says `require-tested = true`).
pub fn check_workspace_with(
    workspace: &Workspace,
    options: ScanOptions,
) -> Result<Report, CheckError> {
    check_requiring(workspace, options, false, HandlersKept::All)
}

/// Checks a workspace; `require_tested` (`--require-tested`) requires proof in tests even when
/// the configuration does not.
///
/// The check runs on a rayon worker, not on the calling thread: the allocator keeps an arena
/// per thread and does not give freed memory back to the system, so the memory the scan's
/// syntax trees and then the facts free on the workers is reused by detection, the lints and
/// the report instead of the calling thread's arena growing beside it (peak RSS 36.0 ->
/// 31.6 MiB on the bench's 2,020-file workspace).
fn check_requiring(
    workspace: &Workspace,
    options: ScanOptions,
    require_tested: bool,
    kept: HandlersKept,
) -> Result<Report, CheckError> {
    rayon::scope(|_| check_on_worker(workspace, options, require_tested, kept))
}

/// [`check_requiring`], on a rayon worker.
fn check_on_worker(
    workspace: &Workspace,
    options: ScanOptions,
    require_tested: bool,
    kept: HandlersKept,
) -> Result<Report, CheckError> {
    let mut sources = Sources::new();
    let loaded = schemas::load(workspace, &mut sources)?;
    let records = if require_tested || workspace.config.require_tested {
        Some(records_to_prove_with(workspace)?)
    } else {
        None
    };
    let mut schema_findings = loaded.findings;
    let schemas = loaded.uses;
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
    let scan = discover::scan_with(workspace, &members, options);
    let handlers = handlers::detect(workspace, &scan);
    let silent = frameworks::silent_members(workspace, &members, &handlers);
    lints::refine_schema_findings(&mut schema_findings, &handlers, &schemas);
    let mut keyed: Vec<KeyedFinding> = schema_findings
        .into_iter()
        .map(|finding| {
            let key = fingerprint::schema_key(&finding, &sources);
            KeyedFinding::new(finding, &key)
        })
        .collect();
    let mut files = FileMap::new(&workspace.root);
    let inputs = lints::Inputs {
        workspace,
        silent: &silent,
        handlers: &handlers,
        schemas: &schemas,
        partial: workspace.partial,
        records: records.as_ref(),
    };
    let code = lints::run_on_code(&inputs, &scan, &mut sources, &mut files);
    // The facts are freed before the handlers' findings are made (most findings of a large
    // workspace): the findings reuse the facts' memory instead of adding to it at the peak.
    let paths = scan.into_paths();
    let about_handlers = lints::run_on_handlers(&inputs, &paths, &mut sources, &mut files);
    keyed.extend(code.around(about_handlers));
    let covered = handlers
        .iter()
        .filter(|handler| {
            let schema = schemas
                .iter()
                .find(|used| used.used_by(handler.package()))
                .map(|used| &used.schema);
            coverage::status(handler, schema).covered()
        })
        .count();
    let mut keyed = levels::apply_keyed(&workspace.config, keyed);
    let handler_count = handlers.len();
    let handlers = match kept {
        HandlersKept::All => handlers,
        HandlersKept::Shown => shown::keep_shown_handlers(handlers, &mut keyed),
    };
    snippets::materialize(&mut sources, &files.registered, &mut keyed);
    let ranks = name_ranks(&sources);
    keyed.sort_by_cached_key(|keyed| order_key(&keyed.finding, &ranks));
    let (findings, fingerprints) = keyed
        .into_iter()
        .map(|keyed| (keyed.finding, keyed.fingerprint))
        .unzip();
    Ok(Report {
        root: workspace.root.clone(),
        sources,
        findings,
        fingerprints,
        schemas,
        handlers,
        handler_count,
        covered,
        baselined: 0,
    })
}

/// The workspace's emission records, refusing to decide anything without them: no records at
/// all would report every feature as unproven, when the real problem is that the tests did
/// not record.
fn records_to_prove_with(workspace: &Workspace) -> Result<Records, CheckError> {
    let records = proof::read(workspace).map_err(CheckError::Records)?;
    if records.emissions.is_empty() {
        let left_out = records.left_out().count();
        let found = if left_out == 0 {
            format!("no emission records in `{}`", records.dir.display())
        } else {
            format!(
                "no current emission records in `{}` ({left_out} file{} left out: written by test binaries that were rebuilt or removed since, or unreadable)",
                records.dir.display(),
                if left_out == 1 { "" } else { "s" }
            )
        };
        return Err(CheckError::Records(format!(
            "--require-tested: {found}; run the tests with INSTR_EMISSIONS=1 first (`INSTR_EMISSIONS=1 cargo test --workspace`), then the check"
        )));
    }
    Ok(records)
}

/// Where a finding is shown: by file name and position, then rule; findings about no place
/// come last, by message (the variants' order).
#[derive(PartialEq, Eq, PartialOrd, Ord)]
enum OrderKey {
    /// At a place: the file's rank by name ([`name_ranks`], so that no name is copied per
    /// finding), the offset, the rule.
    Placed(usize, usize, &'static str),
    /// About no place: the message, the rule.
    Unplaced(String, &'static str),
}

fn order_key(finding: &Finding, ranks: &HashMap<FileId, usize>) -> OrderKey {
    let code = finding.rule().code;
    match finding.loc() {
        Some(loc) => OrderKey::Placed(
            ranks.get(&loc.file).copied().unwrap_or(usize::MAX),
            loc.span.start,
            code,
        ),
        None => OrderKey::Unplaced(finding.made_message().unwrap_or_default().to_owned(), code),
    }
}

/// Each file's place among the files sorted by name; files with the same name share one.
fn name_ranks(sources: &Sources) -> HashMap<FileId, usize> {
    let mut by_name: Vec<(&str, FileId)> =
        sources.iter().map(|(id, file)| (file.name(), id)).collect();
    by_name.sort_unstable();
    let mut ranks = HashMap::with_capacity(by_name.len());
    let mut rank = 0;
    for (position, &(name, id)) in by_name.iter().enumerate() {
        if position > 0 && by_name[position - 1].0 != name {
            rank = position;
        }
        ranks.insert(id, rank);
    }
    ranks
}
