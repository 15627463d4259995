//! The outcome of a check: the findings, ready to render, and what was checked.

use std::borrow::Cow;
use std::path::PathBuf;

use instr_schema::diag::{Diagnostic, Severity, Sources};

use super::finding::Finding;
use super::fingerprint::Fingerprint;
use super::shown::Shown;
use crate::analysis::handlers::Handler;
use crate::workspace::schemas::SchemaUse;

/// The outcome of a check.
#[derive(Debug)]
pub struct Report {
    /// The workspace root; file names in findings are relative to it.
    pub root: PathBuf,
    /// Every file a finding may point into.
    pub sources: Sources,
    /// Findings after configuration was applied, ordered by file and position; see
    /// [`Report::diagnostics`] for them made.
    pub findings: Vec<Finding>,
    /// The stable fingerprint of each finding (same order as `findings`): a hash of the
    /// rule, the crate and the item path (or the schema item), never of a line number.
    pub fingerprints: Vec<Fingerprint>,
    /// The schemas that were checked.
    pub schemas: Vec<SchemaUse>,
    /// The handlers of the members that use a schema: all of them, or only those a finding
    /// shows (`commands::check::HandlersKept`).
    pub handlers: Vec<Handler>,
    /// How many handlers were found.
    pub handler_count: usize,
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
            .filter(|finding| finding.severity() == severity)
            .count()
    }

    /// Each finding's diagnostic, in order, made one at a time as it is asked for (see
    /// `super::finding`): a renderer that writes each before asking for the next holds one.
    pub fn diagnostics(&self) -> impl Iterator<Item = Cow<'_, Diagnostic>> + '_ {
        let shown = Shown::new(&self.root, &self.handlers, &self.schemas);
        self.findings
            .iter()
            .map(move |finding| shown.diagnostic(finding))
    }
}
