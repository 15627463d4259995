//! The lints: the rules about code, run over the scan, the handlers and each schema. Each
//! module below decides when a finding is due (`scan_problems`, `handlers`, `mapping`,
//! `emission`); what a finding says is in `diags`. Around them: the files findings point
//! into (`files`, `snippets`), configured levels (`levels`), stable fingerprints
//! (`fingerprint`) and baselines (`baseline`), and the check's outcome ([`outcome`]).
//!
//! The rules themselves (codes, summaries, default levels) are declared in
//! `crate::registry`.

pub(crate) mod baseline;
pub(crate) mod diags;
mod emission;
pub(crate) mod files;
pub(crate) mod fingerprint;
mod handlers;
pub(crate) mod levels;
mod mapping;
pub mod outcome;
mod scan_problems;
pub(crate) mod snippets;

use std::collections::HashMap;

use instr_schema::diag::Sources;

use crate::analysis::handlers::Handler;
use crate::scan::discover::Scan;
use crate::workspace::schemas::SchemaUse;
use diags::KeyedFinding;
use files::FileMap;

pub use outcome::Report;

/// Everything the lints read.
pub(crate) struct Inputs<'a> {
    /// The scan.
    pub(crate) scan: &'a Scan,
    /// The handlers found in it.
    pub(crate) handlers: &'a [Handler],
    /// The schemas and the packages using each.
    pub(crate) schemas: &'a [SchemaUse],
    /// True when only one member is checked: workspace-wide lints are skipped.
    pub(crate) partial: bool,
}

/// Runs every lint.
pub(crate) fn run(
    inputs: &Inputs<'_>,
    sources: &mut Sources,
    files: &mut FileMap<'_>,
) -> Vec<KeyedFinding> {
    let mut out = Vec::new();
    scan_problems::findings(inputs.scan, sources, files, &mut out);
    let schema_of: HashMap<&str, usize> = inputs
        .schemas
        .iter()
        .enumerate()
        .flat_map(|(index, used)| {
            used.packages
                .iter()
                .map(move |package| (package.as_str(), index))
        })
        .collect();
    for handler in inputs.handlers {
        let Some(&index) = schema_of.get(handler.package.as_str()) else {
            continue;
        };
        handlers::findings(
            inputs.scan,
            handler,
            &inputs.schemas[index],
            files,
            sources,
            &mut out,
        );
    }
    emission::raw_metric_calls(inputs.scan, inputs.schemas, sources, files, &mut out);
    if !inputs.partial {
        for (index, used) in inputs.schemas.iter().enumerate() {
            let handlers: Vec<&Handler> = inputs
                .handlers
                .iter()
                .filter(|handler| schema_of.get(handler.package.as_str()) == Some(&index))
                .collect();
            // Until the code includes the generated API, "never emitted" and "served by no
            // handler" say nothing but "not adopted yet": these lints start once a package
            // using the schema invokes `instr::schema!`.
            let instrumented = inputs.scan.files.iter().any(|file| {
                file.facts.invokes_schema()
                    && used
                        .packages
                        .contains(&inputs.scan.units[file.unit].package)
            });
            mapping::findings(used, &handlers, instrumented, &mut out);
            if instrumented {
                emission::never_emitted(inputs.scan, used, &mut out);
            }
        }
    }
    out
}
