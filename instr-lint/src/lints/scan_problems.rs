//! The lints about the files the scan could not use: unreadable, unparsable, a `mod` whose
//! file is missing, a `.rs` file no module reaches.

use instr_schema::diag::{Sources, Span};

use super::diags::{self, KeyedFinding};
use super::files::FileMap;
use crate::scan::discover::{FileProblem, Scan};

/// One finding per problem of the scan, in the scan's order.
pub(super) fn findings(
    scan: &Scan,
    sources: &mut Sources,
    files: &mut FileMap<'_>,
    out: &mut Vec<KeyedFinding>,
) {
    for problem in scan.all_problems() {
        let finding = match problem {
            FileProblem::Unreadable { path, problem } => {
                diags::unreadable_file(&files.name(path), problem)
            }
            FileProblem::Unparsable { path, problem } => {
                let loc = files.loc(
                    sources,
                    &path.as_path().into(),
                    Span::new(problem.start, problem.end),
                );
                diags::unparsable_file(&files.name(path), loc, &problem.message)
            }
            FileProblem::MissingModule {
                path,
                span,
                candidates,
            } => {
                let loc = files.loc(sources, &path.as_path().into(), *span);
                let tried: Vec<String> = candidates
                    .iter()
                    .map(|candidate| format!("`{}`", files.name(candidate)))
                    .collect();
                diags::missing_module(&files.name(path), loc, &tried)
            }
            FileProblem::Unreached { path } => diags::unreached_file(&files.name(path)),
        };
        out.push(finding);
    }
}
