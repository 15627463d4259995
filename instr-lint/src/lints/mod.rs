//! The lints: the rules about code, run over the scan, the handlers and each schema. Each
//! module below decides when a finding is due (`scan_problems`, `handlers`, `mapping`,
//! `emission`, `crate_use`, and `proof` for `--require-tested`); what a finding says is in
//! `diags`. Around them: the files findings point into (`files`, `snippets`), configured
//! levels (`levels`), stable fingerprints (`fingerprint`) and baselines (`baseline`), and the
//! check's outcome ([`outcome`]).
//!
//! The rules themselves (codes, summaries, default levels) are declared in
//! `crate::registry`.

pub(crate) mod baseline;
mod crate_use;
pub(crate) mod diags;
mod emission;
pub(crate) mod files;
pub mod finding;
pub(crate) mod fingerprint;
mod handlers;
pub(crate) mod levels;
mod mapping;
pub mod outcome;
mod proof;
mod scan_problems;
pub mod shown;
pub(crate) mod snippets;

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use instr_schema::diag::Sources;

use instr_schema::diag::Diagnostic;

use crate::analysis::frameworks::Silent;
use crate::analysis::handlers::Handler;
use crate::analysis::proof::Records;
use crate::scan::discover::Scan;
use crate::workspace::Workspace;
use crate::workspace::schemas::SchemaUse;
use diags::KeyedFinding;
use files::FileMap;

pub use outcome::Report;

/// Everything the lints read, besides the scan's facts (see [`run_on_code`]).
pub(crate) struct Inputs<'a> {
    /// The workspace: its members' directories and dependencies.
    pub(crate) workspace: &'a Workspace,
    /// Members that depend on a web framework and serve no endpoint found.
    pub(crate) silent: &'a [Silent],
    /// The handlers found in the scan.
    pub(crate) handlers: &'a [Handler],
    /// The schemas and the packages using each.
    pub(crate) schemas: &'a [SchemaUse],
    /// True when only one member is checked: workspace-wide lints are skipped.
    pub(crate) partial: bool,
    /// The tests' emission records, when the check requires proof in tests.
    pub(crate) records: Option<&'a Records>,
}

/// The findings of the lints that read the scan's facts, in the order the report has always
/// listed them around the handlers' own findings (a sort that ties keeps it).
pub(crate) struct CodeFindings {
    before_handlers: Vec<KeyedFinding>,
    after_handlers: Vec<KeyedFinding>,
}

impl CodeFindings {
    /// Every finding: these around `handlers` (from [`run_on_handlers`]).
    pub(crate) fn around(self, handlers: Vec<KeyedFinding>) -> Vec<KeyedFinding> {
        let mut out = self.before_handlers;
        out.extend(handlers);
        out.extend(self.after_handlers);
        out
    }
}

/// Runs every lint that reads the scan's facts. The handlers' own findings, which are most
/// findings on a large workspace, come from [`run_on_handlers`]: it reads only the handlers
/// and the files' paths, so the facts can be freed first and the findings take their place
/// in memory instead of adding to them.
pub(crate) fn run_on_code(
    inputs: &Inputs<'_>,
    scan: &Scan,
    sources: &mut Sources,
    files: &mut FileMap<'_>,
) -> CodeFindings {
    let mut before_handlers = Vec::new();
    scan_problems::findings(scan, sources, files, &mut before_handlers);
    let mut out = Vec::new();
    emission::raw_metric_calls(scan, inputs.schemas, sources, files, &mut out);
    crate_use::schema_mismatches(
        inputs.workspace,
        scan,
        inputs.schemas,
        sources,
        files,
        &mut out,
    );
    crate_use::no_handlers_found(inputs.workspace, inputs.silent, sources, files, &mut out);
    if let Some(records) = inputs.records {
        proof::skipped_files(records, inputs.schemas, &mut out);
        // An unreadable schema's features may be missing or incomplete: no proof is decided.
        for used in inputs.schemas.iter().filter(|used| used.readable) {
            proof::unproven(used, records, &mut out);
        }
    }
    if !inputs.partial {
        let schema_of = schema_of(inputs.schemas);
        for (index, used) in inputs.schemas.iter().enumerate() {
            if !used.readable {
                continue;
            }
            let handlers: Vec<&Handler> = inputs
                .handlers
                .iter()
                .filter(|handler| schema_of.get(handler.package()) == Some(&index))
                .collect();
            // Until the code includes the generated API, "never emitted" and "served by no
            // handler" say nothing but "not adopted yet": these lints start once a package
            // using the schema invokes `instr::schema!`.
            // The package first: a file's emission is decoded to be read.
            let instrumented = scan.files.iter().any(|file| {
                used.packages.contains(&scan.units[file.unit].package)
                    && scan
                        .emission_to_go_over(file)
                        .is_some_and(|facts| facts.invokes_schema())
            });
            mapping::findings(used, &handlers, instrumented, &mut out);
            let macro_call = (!instrumented).then(|| macro_call(inputs.workspace, used));
            emission::never_emitted(scan, used, macro_call.as_deref(), &mut out);
        }
    }
    CodeFindings {
        before_handlers,
        after_handlers: out,
    }
}

/// The findings about each handler: unmapped, unknown or unnamed features, exemptions
/// without a reason. `paths` are the scanned files' paths, by index (a handler's routes may
/// be registered in other files than its own).
pub(crate) fn run_on_handlers(
    inputs: &Inputs<'_>,
    paths: &[Arc<Path>],
    sources: &mut Sources,
    files: &mut FileMap<'_>,
) -> Vec<KeyedFinding> {
    let mut out = Vec::new();
    let schema_of = schema_of(inputs.schemas);
    // A schema that could not be read says nothing about the code: no finding depends on it.
    for (handler_index, handler) in inputs.handlers.iter().enumerate() {
        let Some(&index) = schema_of.get(handler.package()) else {
            continue;
        };
        if !inputs.schemas[index].readable {
            continue;
        }
        handlers::findings(
            paths,
            (handler_index, handler),
            (index, &inputs.schemas[index]),
            files,
            sources,
            &mut out,
        );
    }
    out
}

/// Each package using a schema, to the schema's index.
fn schema_of(schemas: &[SchemaUse]) -> HashMap<&str, usize> {
    schemas
        .iter()
        .enumerate()
        .flat_map(|(index, used)| {
            used.packages
                .iter()
                .map(move |package| (package.as_str(), index))
        })
        .collect()
}

/// The `instr::schema!("...")` call that would read `used` from its first package's
/// directory.
fn macro_call(workspace: &Workspace, used: &SchemaUse) -> String {
    let dir = used
        .packages
        .first()
        .and_then(|package| {
            workspace
                .members
                .iter()
                .find(|member| member.name == *package)
        })
        .map(|member| member.dir.as_path());
    let path = match dir.and_then(|dir| relative(&used.path, dir)) {
        Some(relative) => relative,
        None => used.path.display().to_string(),
    };
    format!("instr::schema!(\"{path}\")")
}

/// `path` relative to `dir`, with `..` segments where `path` is not under it.
fn relative(path: &std::path::Path, dir: &std::path::Path) -> Option<String> {
    let path: Vec<_> = path.components().collect();
    let dir: Vec<_> = dir.components().collect();
    let common = path.iter().zip(&dir).take_while(|(a, b)| a == b).count();
    if common == 0 {
        return None;
    }
    let mut parts: Vec<String> = vec!["..".to_owned(); dir.len() - common];
    parts.extend(
        path[common..]
            .iter()
            .map(|part| part.as_os_str().to_string_lossy().into_owned()),
    );
    Some(parts.join("/"))
}

/// Adds to the schema's own findings what only the code can tell (see
/// `mapping::suggest_success_metrics`).
pub(crate) fn refine_schema_findings(
    findings: &mut [Diagnostic],
    handlers: &[Handler],
    schemas: &[SchemaUse],
) {
    for used in schemas {
        let served: Vec<&Handler> = handlers
            .iter()
            .filter(|handler| used.used_by(handler.package()))
            .collect();
        mapping::suggest_success_metrics(findings, used, &served);
    }
}

/// One `warning[instr::no-handlers-found]: ...` line per silent member, for the commands that
/// print no findings (`coverage`, `init`).
pub(crate) fn no_handlers_notes(silent: &[Silent]) -> String {
    silent
        .iter()
        .map(|crate_| {
            let finding = diags::no_handlers_found(&crate_.package, crate_.framework, None).finding;
            let message = finding.made_message().unwrap_or_default();
            format!("warning[{}]: {message}\n", finding.rule().code)
        })
        .collect()
}
