//! What every rule declares about itself: a stable code, a summary, an explanation and a
//! default severity.

/// How serious a finding is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// Fails the check (exit code 1).
    Error,
    /// Reported, but the check still passes.
    Warning,
}

impl Severity {
    /// `"error"` or `"warning"`, as JSON output spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Error => "error",
            Self::Warning => "warning",
        }
    }
}

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

/// Declares a registry of rules: one `static` [`RuleInfo`] per entry, its code the given
/// prefix followed by the entry's code, and a `static ALL` listing them in order. The schema
/// checks (`instr_schema::checks`) and the checker's lints are both declared with it.
///
/// ```
/// instr_schema::declare_rules! {
///     pub rules prefixed "example::";
///     /// Something is missing.
///     MISSING = "missing", Error, "something is missing", "A longer explanation of what is missing.";
/// }
/// assert_eq!(MISSING.code, "example::missing");
/// assert_eq!(ALL.len(), 1);
/// ```
#[macro_export]
macro_rules! declare_rules {
    (
        $vis:vis rules prefixed $prefix:literal;
        $( $(#[$doc:meta])* $name:ident = $code:literal, $severity:ident, $summary:literal, $explanation:literal; )*
    ) => {
        $(
            $(#[$doc])*
            $vis static $name: $crate::diag::RuleInfo = $crate::diag::RuleInfo {
                code: concat!($prefix, $code),
                summary: $summary,
                explanation: $explanation,
                default_severity: $crate::diag::Severity::$severity,
            };
        )*

        /// Every rule declared here, in the order `--list` shows them.
        $vis static ALL: &[&$crate::diag::RuleInfo] = &[$(&$name),*];
    };
}
