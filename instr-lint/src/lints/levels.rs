//! Configured levels: `allow` drops a rule's findings, `warn` and `deny` set their severity.
//! Rules that are off by default are dropped unless configuration turns them on.

use instr_schema::diag::{Diagnostic, Level, RuleInfo};

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
pub(crate) fn apply_keyed(config: &Config, mut findings: Vec<KeyedFinding>) -> Vec<KeyedFinding> {
    findings.retain_mut(|keyed| {
        let finding = &mut keyed.finding;
        match configured(config, finding.rule()) {
            Level::Allow => false,
            level => {
                finding.set_severity(level.severity().unwrap_or(finding.severity()));
                true
            }
        }
    });
    findings
}

fn level_applied(config: &Config, mut finding: Diagnostic) -> Option<Diagnostic> {
    match configured(config, finding.rule) {
        Level::Allow => None,
        level => {
            finding.severity = level.severity().unwrap_or(finding.severity);
            Some(finding)
        }
    }
}

/// The level of `rule`: as configured, or its default.
fn configured(config: &Config, rule: &'static RuleInfo) -> Level {
    config
        .level(rule)
        .unwrap_or_else(|| registry::default_level(rule))
}
