//! The lints about how a crate uses instr and its framework: `instr::schema!` naming another
//! schema than the checker's (`schema-mismatch`), and a crate that depends on a web framework
//! with no handler found (`no-handlers-found`).

use std::path::Path;
use std::sync::Arc;

use instr_schema::diag::{Sources, Span};

use super::diags::{self, KeyedFinding};
use super::files::FileMap;
use crate::analysis::frameworks::Silent;
use crate::scan::discover::Scan;
use crate::workspace::Workspace;
use crate::workspace::schemas::{SchemaUse, same_path};

/// `instr::schema-mismatch` for every `instr::schema!("path")` whose file is not the schema the
/// checker uses for its crate, or does not exist.
pub(super) fn schema_mismatches(
    workspace: &Workspace,
    scan: &Scan,
    schemas: &[SchemaUse],
    sources: &mut Sources,
    files: &mut FileMap<'_>,
    out: &mut Vec<KeyedFinding>,
) {
    for file in &scan.files {
        let unit = &scan.units[file.unit];
        let Some(member) = workspace.members.get(unit.member) else {
            continue;
        };
        let Some(used) = schemas
            .iter()
            .find(|used| used.packages.contains(&unit.package))
        else {
            continue;
        };
        // A file the prefilter left unparsed invokes no `instr::schema!` (`instr` is a word),
        // nor does one whose crate does not reach `instr`.
        let Some(facts) = scan.emission_to_go_over(file) else {
            continue;
        };
        for call in &facts.schema_calls {
            let Some(written) = &call.path else { continue };
            let named = member.dir.join(written);
            let problem = if !named.is_file() {
                diags::SchemaProblem::Missing
            } else if !same_path(&named, &used.path) {
                diags::SchemaProblem::Other(files.name(&used.path))
            } else {
                continue;
            };
            let loc = files.loc(sources, &file.path, call.span);
            out.push(diags::schema_mismatch(
                &unit.package,
                written,
                loc,
                &problem,
                &files.name(&file.path),
            ));
        }
    }
}

/// `instr::no-handlers-found` for each silent member, at its framework dependency in its
/// `Cargo.toml` when that line can be found.
pub(super) fn no_handlers_found(
    workspace: &Workspace,
    silent: &[Silent],
    sources: &mut Sources,
    files: &mut FileMap<'_>,
    out: &mut Vec<KeyedFinding>,
) {
    for crate_ in silent {
        let Some(member) = workspace.members.get(crate_.member) else {
            continue;
        };
        let manifest: Arc<Path> = member.dir.join("Cargo.toml").into();
        let loc = dependency_span(&manifest, crate_.framework)
            .map(|span| files.loc(sources, &manifest, span));
        out.push(diags::no_handlers_found(
            &crate_.package,
            crate_.framework,
            loc,
        ));
    }
}

/// The dependency's key in a manifest: the first line that starts with `name =`, `name.` or
/// is the header `[dependencies.name]`.
fn dependency_span(manifest: &Path, name: &str) -> Option<Span> {
    let text = std::fs::read_to_string(manifest).ok()?;
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_start();
        let indent = line.len() - trimmed.len();
        let key = trimmed
            .strip_prefix("[dependencies.")
            .map_or(trimmed, |rest| rest);
        let start = offset + indent + (trimmed.len() - key.len());
        if let Some(rest) = key.strip_prefix(name)
            && rest.trim_start().starts_with(['=', '.', ']'])
        {
            return Some(Span::new(start, start + name.len()));
        }
        offset += line.len();
    }
    None
}
