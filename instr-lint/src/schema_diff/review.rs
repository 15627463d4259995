//! Reviewing a schema's changes for a merge: which breaking changes block it, which the base
//! announced (deprecated with a replacement, or experimental) and which configuration
//! acknowledges.

use super::change::{Change, Impact};

/// What a change means for the merge.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Status {
    /// Breaking, neither announced nor acknowledged: fails the command.
    Blocking,
    /// Breaking, and the base schema announced it (deprecated with a replacement, or
    /// experimental).
    Announced,
    /// Breaking, and acknowledged in `acknowledged-breaking`.
    Acknowledged,
    /// Not breaking.
    Additive,
}

impl Status {
    /// `"blocking"`, `"announced"`, `"acknowledged"` or `"additive"`.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Self::Blocking => "blocking",
            Self::Announced => "announced",
            Self::Acknowledged => "acknowledged",
            Self::Additive => "additive",
        }
    }
}

/// A change and its status.
#[derive(Clone, Debug)]
pub(crate) struct ReviewedChange {
    /// The change.
    pub change: Change,
    /// Whether it blocks.
    pub status: Status,
}

/// The changes of one schema file.
#[derive(Clone, Debug)]
pub(crate) struct SchemaChanges {
    /// The schema's root file, relative to the workspace root.
    pub path: String,
    /// True when the file does not exist at the base revision (everything is new).
    pub new_at_head: bool,
    /// Breaking changes first.
    pub changes: Vec<ReviewedChange>,
}

/// The whole comparison.
#[derive(Clone, Debug)]
pub(crate) struct DiffReport {
    /// The base revision as given.
    pub base: String,
    /// The commit it resolved to.
    pub base_commit: String,
    /// One entry per schema the workspace uses.
    pub schemas: Vec<SchemaChanges>,
    /// Acknowledgements in the configuration that match no change (stale entries to remove).
    pub unused_acknowledgements: Vec<String>,
}

impl DiffReport {
    fn count(&self, wanted: impl Fn(Status) -> bool) -> usize {
        self.schemas
            .iter()
            .flat_map(|schema| &schema.changes)
            .filter(|reviewed| wanted(reviewed.status))
            .count()
    }

    /// Breaking changes that fail the command.
    pub(crate) fn blocking(&self) -> usize {
        self.count(|status| status == Status::Blocking)
    }

    /// All breaking changes.
    pub(crate) fn breaking(&self) -> usize {
        self.count(|status| status != Status::Additive)
    }

    /// Additive changes.
    pub(crate) fn additive(&self) -> usize {
        self.count(|status| status == Status::Additive)
    }

    /// The base commit, abbreviated to 12 digits.
    pub(crate) fn short_commit(&self) -> &str {
        self.base_commit.get(..12).unwrap_or(&self.base_commit)
    }
}

/// Decides whether a change blocks the merge, given the `acknowledged-breaking` keys.
pub(crate) fn review(change: Change, acknowledged: &[String]) -> ReviewedChange {
    let status = if change.impact == Impact::Additive {
        Status::Additive
    } else if change.announced.is_some() {
        Status::Announced
    } else if acknowledged.contains(&change.subject.key()) {
        Status::Acknowledged
    } else {
        Status::Blocking
    };
    ReviewedChange { change, status }
}
