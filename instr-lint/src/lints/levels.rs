//! Configured levels: `allow` drops a rule's findings, `warn` and `deny` set their severity.
//! Rules that are off by default are dropped unless configuration turns them on.

use instr_schema::diag::{Diagnostic, Level, RuleInfo, Severity};

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
        match severity_as_configured(config, finding.rule(), finding.severity()) {
            Some(severity) => {
                finding.set_severity(severity);
                true
            }
            None => false,
        }
    });
    findings
}

fn level_applied(config: &Config, mut finding: Diagnostic) -> Option<Diagnostic> {
    finding.severity = severity_as_configured(config, finding.rule, finding.severity)?;
    Some(finding)
}

/// The severity a finding of `rule` at `current` gets as configured (`current` when the
/// configuration keeps the rule's default), or `None` when the rule is allowed.
fn severity_as_configured(
    config: &Config,
    rule: &'static RuleInfo,
    current: Severity,
) -> Option<Severity> {
    match configured(config, rule) {
        Level::Allow => None,
        level => Some(level.severity().unwrap_or(current)),
    }
}

/// The level of `rule`: as configured, or its default.
fn configured(config: &Config, rule: &'static RuleInfo) -> Level {
    config
        .level(rule)
        .unwrap_or_else(|| registry::default_level(rule))
}
