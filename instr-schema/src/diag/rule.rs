//! What every rule declares about itself: a stable code, a summary, an explanation and a
//! default severity.

use super::Severity;

/// The fixed description of one rule.
///
/// Codes are stable: tools and configuration refer to them, so a code is never reused for a
/// different check.
#[derive(Debug)]
pub struct RuleInfo {
    /// The stable code, for example `instr::schema::unknown-owner`.
    pub code: &'static str,
    /// One line saying what the rule catches.
    pub summary: &'static str,
    /// The full text shown by `--explain`: why the rule exists and how to fix a finding.
    pub explanation: &'static str,
    /// The severity a finding gets unless configuration says otherwise.
    pub default_severity: Severity,
}

impl RuleInfo {
    /// True when `name` names this rule: the full code, or the code without its `instr::`
    /// prefix.
    pub fn is_named(&self, name: &str) -> bool {
        self.code == name || self.code.strip_prefix("instr::") == Some(name)
    }
}

impl PartialEq for RuleInfo {
    fn eq(&self, other: &Self) -> bool {
        self.code == other.code
    }
}

impl Eq for RuleInfo {}

/// How configuration treats a rule: its findings fail the build, only warn, or are dropped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Level {
    /// Findings are errors.
    Deny,
    /// Findings are warnings.
    Warn,
    /// Findings are not reported.
    Allow,
}

impl Level {
    /// Parses `deny`, `warn` or `allow`.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "deny" => Some(Self::Deny),
            "warn" => Some(Self::Warn),
            "allow" => Some(Self::Allow),
            _ => None,
        }
    }

    /// The severity a finding gets at this level; `None` when it is dropped.
    pub fn severity(self) -> Option<Severity> {
        match self {
            Self::Deny => Some(Severity::Error),
            Self::Warn => Some(Severity::Warning),
            Self::Allow => None,
        }
    }
}
