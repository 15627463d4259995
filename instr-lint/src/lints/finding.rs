//! A finding of the check, made when found or when shown.
//!
//! A large workspace's findings are mostly one kind, a handler that serves no feature, and
//! each made one holds a help text of several hundred bytes until the report is written. Such
//! a finding is kept as what makes it ([`UnmappedHandler`]: the handler, the schema, its
//! places) and made when it is shown, one at a time (`super::shown`); every other finding is
//! made when found. Both give the same diagnostic.

use instr_schema::diag::{Diagnostic, Loc, RuleInfo, Severity};

use crate::registry::lints::HANDLER_UNMAPPED;

/// A finding.
#[derive(Debug, Clone)]
pub enum Finding {
    /// Made when found.
    Made(Box<Diagnostic>),
    /// `instr::handler-unmapped`, made when shown.
    Unmapped(UnmappedHandler),
}

/// What makes an `instr::handler-unmapped` finding.
#[derive(Debug, Clone)]
pub struct UnmappedHandler {
    /// The handler, an index into the report's handlers.
    pub handler: usize,
    /// The schema of its package, an index into the report's schemas.
    pub schema: usize,
    /// Its severity (the rule's, or as configured).
    pub severity: Severity,
    /// Where the handler is.
    pub loc: Loc,
    /// Where its routes are registered, when elsewhere (shown too).
    pub registrations: Vec<Loc>,
}

impl Finding {
    /// The rule that found it.
    pub fn rule(&self) -> &'static RuleInfo {
        match self {
            Self::Made(diagnostic) => diagnostic.rule,
            Self::Unmapped(_) => &HANDLER_UNMAPPED,
        }
    }

    /// Its severity.
    pub fn severity(&self) -> Severity {
        match self {
            Self::Made(diagnostic) => diagnostic.severity,
            Self::Unmapped(unmapped) => unmapped.severity,
        }
    }

    /// Sets its severity.
    pub fn set_severity(&mut self, severity: Severity) {
        match self {
            Self::Made(diagnostic) => diagnostic.severity = severity,
            Self::Unmapped(unmapped) => unmapped.severity = severity,
        }
    }

    /// The place it is about, if any.
    pub fn loc(&self) -> Option<Loc> {
        match self {
            Self::Made(diagnostic) => diagnostic.loc(),
            Self::Unmapped(unmapped) => Some(unmapped.loc),
        }
    }

    /// Its message, for a made finding (only those can be about no place).
    pub fn made_message(&self) -> Option<&str> {
        match self {
            Self::Made(diagnostic) => Some(&diagnostic.message),
            Self::Unmapped(_) => None,
        }
    }

    /// The places of its labels: `None` for the primary one, `Some(i)` for secondary `i`.
    pub fn label_locs(&self) -> impl Iterator<Item = (Option<usize>, Loc)> + '_ {
        let (primary, secondary, registrations) = match self {
            Self::Made(diagnostic) => (
                diagnostic.primary.as_ref().map(|label| label.loc),
                diagnostic.secondary.as_slice(),
                [].as_slice(),
            ),
            Self::Unmapped(unmapped) => (
                Some(unmapped.loc),
                [].as_slice(),
                unmapped.registrations.as_slice(),
            ),
        };
        // One of the two lists is empty: the secondary labels are one or the other.
        let secondary = secondary
            .iter()
            .map(|label| label.loc)
            .chain(registrations.iter().copied());
        primary
            .map(|loc| (None, loc))
            .into_iter()
            .chain(secondary.enumerate().map(|(i, loc)| (Some(i), loc)))
    }

    /// The place of label `slot` (as [`Self::label_locs`] numbers them), to move it.
    pub fn label_loc_mut(&mut self, slot: Option<usize>) -> Option<&mut Loc> {
        match (self, slot) {
            (Self::Made(diagnostic), None) => {
                diagnostic.primary.as_mut().map(|label| &mut label.loc)
            }
            (Self::Made(diagnostic), Some(i)) => {
                diagnostic.secondary.get_mut(i).map(|label| &mut label.loc)
            }
            (Self::Unmapped(unmapped), None) => Some(&mut unmapped.loc),
            (Self::Unmapped(unmapped), Some(i)) => unmapped.registrations.get_mut(i),
        }
    }
}
