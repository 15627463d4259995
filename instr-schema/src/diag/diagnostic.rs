//! One finding: what is wrong, where, and how to fix it.

use super::rule::{RuleInfo, Severity};
use super::source::Loc;

/// A span with an optional text shown under it.
#[derive(Clone, Debug, PartialEq)]
pub struct Label {
    /// Where the label points.
    pub loc: Loc,
    /// What it says; `None` underlines without text.
    pub text: Option<String>,
}

/// One finding of one rule.
#[derive(Clone, Debug)]
pub struct Diagnostic {
    /// The rule that produced it.
    pub rule: &'static RuleInfo,
    /// Its severity: the rule's default unless configuration changed it.
    pub severity: Severity,
    /// One sentence saying what is wrong.
    pub message: String,
    /// The place the finding is about; `None` for findings about no particular place.
    pub primary: Option<Label>,
    /// Further places that explain it ("first declared here"), possibly in other files.
    pub secondary: Vec<Label>,
    /// How to fix it.
    pub help: Option<String>,
}

impl Diagnostic {
    /// A finding of `rule` at `loc`, with the rule's default severity.
    pub fn new(rule: &'static RuleInfo, loc: Loc, message: impl Into<String>) -> Self {
        Self {
            rule,
            severity: rule.default_severity,
            message: message.into(),
            primary: Some(Label { loc, text: None }),
            secondary: Vec::new(),
            help: None,
        }
    }

    /// A finding of `rule` about no particular place.
    pub fn without_location(rule: &'static RuleInfo, message: impl Into<String>) -> Self {
        Self {
            rule,
            severity: rule.default_severity,
            message: message.into(),
            primary: None,
            secondary: Vec::new(),
            help: None,
        }
    }

    /// Sets the text under the primary span.
    pub fn with_label(mut self, text: impl Into<String>) -> Self {
        if let Some(primary) = &mut self.primary {
            primary.text = Some(text.into());
        }
        self
    }

    /// Adds a secondary span with a text.
    pub fn with_secondary(mut self, loc: Loc, text: impl Into<String>) -> Self {
        self.secondary.push(Label {
            loc,
            text: Some(text.into()),
        });
        self
    }

    /// Sets the help text.
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Adds a help text, or appends it to the one already there.
    pub fn with_more_help(mut self, help: impl Into<String>) -> Self {
        let help = help.into();
        self.help = Some(match self.help.take() {
            Some(previous) => format!("{previous}\n{help}"),
            None => help,
        });
        self
    }

    /// True for error-level findings.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// The primary location, if any.
    pub fn loc(&self) -> Option<Loc> {
        self.primary.as_ref().map(|label| label.loc)
    }
}
