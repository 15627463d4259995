//! Configured levels: `allow` drops a rule's findings, `warn` and `deny` set their severity.
//! Rules that are off by default are dropped unless configuration turns them on.

use instr_schema::diag::{Diagnostic, Level};

use super::diags::KeyedFinding;
use crate::registry;
use crate::workspace::config::Config;

/// Applies configured levels to findings.
pub(crate) fn apply(config: &Config, findings: Vec<Diagnostic>) -> Vec<Diagnostic> {
    findings
        .into_iter()
        .filter_map(|finding| level_applied(config, finding))
        .collect()
}

/// Applies configured levels to keyed findings.
pub(crate) fn apply_keyed(config: &Config, findings: Vec<KeyedFinding>) -> Vec<KeyedFinding> {
    findings
        .into_iter()
        .filter_map(|keyed| {
            level_applied(config, keyed.finding).map(|finding| KeyedFinding {
                finding,
                fingerprint: keyed.fingerprint,
            })
        })
        .collect()
}

fn level_applied(config: &Config, mut finding: Diagnostic) -> Option<Diagnostic> {
    let level = config
        .level(finding.rule)
        .unwrap_or_else(|| registry::default_level(finding.rule));
    match level {
        Level::Allow => None,
        level => {
            finding.severity = level.severity().unwrap_or(finding.severity);
            Some(finding)
        }
    }
}
