//! The outcome of a check: the findings, ready to render, and what was checked.

use std::path::PathBuf;

use instr_schema::diag::{Diagnostic, Severity, Sources};

use crate::analysis::handlers::Handler;
use crate::workspace::schemas::SchemaUse;

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
        self.count(Severity::Error)
    }

    /// The number of warnings.
    pub fn warnings(&self) -> usize {
        self.count(Severity::Warning)
    }

    fn count(&self, severity: Severity) -> usize {
        self.findings
            .iter()
            .filter(|finding| finding.severity == severity)
            .count()
    }
}
