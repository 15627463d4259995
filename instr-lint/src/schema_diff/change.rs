//! What a change is: its subject, its kind ([`ChangeCode`]), its impact and what depends on
//! the changed item.

use std::fmt;

/// Whether a change can break what relies on the schema.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum Impact {
    /// Dashboards, alerts, queries or consumers that relied on the old item may break.
    Breaking,
    /// Nothing that worked before stops working.
    Additive,
}

impl Impact {
    /// `"breaking"` or `"additive"`.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Self::Breaking => "breaking",
            Self::Additive => "additive",
        }
    }
}

/// The item a change is about.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum Subject {
    /// A metric, by name.
    Metric(String),
    /// An event, by name.
    Event(String),
    /// A shared label, by id.
    Label(String),
    /// A feature, by name.
    Feature(String),
    /// An objective of a feature.
    Objective {
        /// The feature.
        feature: String,
        /// The objective's name.
        name: String,
    },
    /// An owner, by id.
    Owner(String),
}

impl Subject {
    /// The kind of item: `metric`, `event`, `label`, `feature`, `objective` or `owner`.
    pub(crate) fn kind(&self) -> &'static str {
        match self {
            Self::Metric(_) => "metric",
            Self::Event(_) => "event",
            Self::Label(_) => "label",
            Self::Feature(_) => "feature",
            Self::Objective { .. } => "objective",
            Self::Owner(_) => "owner",
        }
    }

    /// The item's name; `feature/objective` for an objective.
    pub(crate) fn name(&self) -> String {
        match self {
            Self::Metric(name)
            | Self::Event(name)
            | Self::Label(name)
            | Self::Feature(name)
            | Self::Owner(name) => name.clone(),
            Self::Objective { feature, name } => format!("{feature}/{name}"),
        }
    }

    /// `kind:name`, as configuration acknowledges a breaking change
    /// (`metric:checkout_attempts_total`, `objective:checkout/availability`).
    pub(crate) fn key(&self) -> String {
        format!("{}:{}", self.kind(), self.name())
    }
}

impl fmt::Display for Subject {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} `{}`", self.kind(), self.name())
    }
}

/// What relies on the changed item, as of the base schema.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Dependents {
    /// Metrics that carry a changed label.
    pub metrics: Vec<String>,
    /// Events with a property of a changed label's type.
    pub events: Vec<String>,
    /// Features that use the item (as success or guardrail metric, or in an objective).
    pub features: Vec<String>,
    /// Objectives that read the item, as `feature/objective`.
    pub objectives: Vec<String>,
    /// The generated burn-rate alerts of those objectives.
    pub alerts: Vec<String>,
}

impl Dependents {
    /// True when nothing depends on the item.
    pub(crate) fn is_empty(&self) -> bool {
        self.metrics.is_empty()
            && self.events.is_empty()
            && self.features.is_empty()
            && self.objectives.is_empty()
            && self.alerts.is_empty()
    }

    /// Adds `other`'s entries, keeping every list sorted and free of duplicates.
    pub(super) fn merge(&mut self, other: Dependents) {
        self.metrics.extend(other.metrics);
        self.events.extend(other.events);
        self.features.extend(other.features);
        self.objectives.extend(other.objectives);
        self.alerts.extend(other.alerts);
        self.normalize();
    }

    /// Sorts every list and removes duplicates.
    pub(super) fn normalize(&mut self) {
        for list in [
            &mut self.metrics,
            &mut self.events,
            &mut self.features,
            &mut self.objectives,
            &mut self.alerts,
        ] {
            list.sort();
            list.dedup();
        }
    }
}

/// What kind of change happened to an item. Each has a stable code (`kind-changed`), as the
/// JSON output names it, and an impact that depends on the kind of item (removing a metric
/// breaks dashboards; removing an unused label definition breaks nothing). `docs/diff.md`
/// is generated from this list.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum ChangeCode {
    /// The item is new.
    Added,
    /// The item is gone.
    Removed,
    /// The item is gone and another with the same shape appeared.
    Renamed,
    /// A metric changed kind (counter, gauge, histogram).
    KindChanged,
    /// A metric changed unit.
    UnitChanged,
    /// A metric gained a label.
    LabelAdded,
    /// A metric lost a label.
    LabelRemoved,
    /// A histogram's buckets changed.
    BucketsChanged,
    /// A closed label gained a value, or an open label keeps a different number of values.
    ValueAdded,
    /// A closed label lost a value.
    ValueRemoved,
    /// A closed label became open.
    LabelOpened,
    /// An open label became closed.
    LabelClosed,
    /// An event gained a property.
    PropertyAdded,
    /// An event lost a property.
    PropertyRemoved,
    /// An event property changed type.
    PropertyTypeChanged,
    /// An event property became optional.
    PropertyOptional,
    /// An event property became required.
    PropertyRequired,
    /// A metric's stability changed.
    StabilityChanged,
    /// The item moved to another owner.
    OwnerChanged,
    /// The item's description changed.
    DescriptionChanged,
    /// An owner's contact changed.
    ContactChanged,
    /// A feature's success or guardrail metrics changed.
    MeasuresChanged,
    /// A feature maps different routes or handlers.
    RoutesChanged,
    /// An objective's target changed.
    TargetChanged,
    /// An objective's window changed.
    WindowChanged,
    /// An objective's indicator changed.
    IndicatorChanged,
}

use Impact::{Additive, Breaking};

impl ChangeCode {
    /// Every code, in the order docs/diff.md lists them.
    pub(crate) const ALL: [ChangeCode; 26] = [
        Self::Added,
        Self::Removed,
        Self::Renamed,
        Self::KindChanged,
        Self::UnitChanged,
        Self::LabelAdded,
        Self::LabelRemoved,
        Self::BucketsChanged,
        Self::ValueAdded,
        Self::ValueRemoved,
        Self::LabelOpened,
        Self::LabelClosed,
        Self::PropertyAdded,
        Self::PropertyRemoved,
        Self::PropertyTypeChanged,
        Self::PropertyOptional,
        Self::PropertyRequired,
        Self::StabilityChanged,
        Self::OwnerChanged,
        Self::DescriptionChanged,
        Self::ContactChanged,
        Self::MeasuresChanged,
        Self::RoutesChanged,
        Self::TargetChanged,
        Self::WindowChanged,
        Self::IndicatorChanged,
    ];

    /// The stable code: `added`, `kind-changed`, ...
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Self::Added => "added",
            Self::Removed => "removed",
            Self::Renamed => "renamed",
            Self::KindChanged => "kind-changed",
            Self::UnitChanged => "unit-changed",
            Self::LabelAdded => "label-added",
            Self::LabelRemoved => "label-removed",
            Self::BucketsChanged => "buckets-changed",
            Self::ValueAdded => "value-added",
            Self::ValueRemoved => "value-removed",
            Self::LabelOpened => "label-opened",
            Self::LabelClosed => "label-closed",
            Self::PropertyAdded => "property-added",
            Self::PropertyRemoved => "property-removed",
            Self::PropertyTypeChanged => "property-type-changed",
            Self::PropertyOptional => "property-optional",
            Self::PropertyRequired => "property-required",
            Self::StabilityChanged => "stability-changed",
            Self::OwnerChanged => "owner-changed",
            Self::DescriptionChanged => "description-changed",
            Self::ContactChanged => "contact-changed",
            Self::MeasuresChanged => "measures-changed",
            Self::RoutesChanged => "routes-changed",
            Self::TargetChanged => "target-changed",
            Self::WindowChanged => "window-changed",
            Self::IndicatorChanged => "indicator-changed",
        }
    }

    /// What the change means, for people reading docs/diff.md.
    pub(crate) fn meaning(self) -> &'static str {
        match self {
            Self::Added => "the item is new",
            Self::Removed => {
                "the item is gone (a label definition or an owner can go without breaking anything: whatever still used it would not validate)"
            }
            Self::Renamed => {
                "the item is gone and one with the same shape appeared under a new name (a metric: same kind, unit, labels, buckets and description; an event: same properties and description)"
            }
            Self::KindChanged => "the metric's kind changed (counter, gauge, histogram)",
            Self::UnitChanged => "the metric's unit changed",
            Self::LabelAdded => "the metric gained a label",
            Self::LabelRemoved => "the metric lost a label",
            Self::BucketsChanged => "the histogram's buckets changed",
            Self::ValueAdded => {
                "the closed label gained a value, or the open label keeps a different number of distinct values"
            }
            Self::ValueRemoved => "the closed label lost a value",
            Self::LabelOpened => "the closed label became open (any string, up to `max_values`)",
            Self::LabelClosed => {
                "the open label became closed: other values are no longer reported"
            }
            Self::PropertyAdded => "the event gained a property",
            Self::PropertyRemoved => "the event lost a property",
            Self::PropertyTypeChanged => "an event property changed type",
            Self::PropertyOptional => "an event property became optional",
            Self::PropertyRequired => "an event property became required",
            Self::StabilityChanged => "the metric's stability changed (a deprecation, say)",
            Self::OwnerChanged => "the item moved to another owner",
            Self::DescriptionChanged => "the item's description changed",
            Self::ContactChanged => "the owner's contact changed",
            Self::MeasuresChanged => "the feature's success or guardrail metrics changed",
            Self::RoutesChanged => "the feature maps different routes or handlers",
            Self::TargetChanged => "the objective's target changed",
            Self::WindowChanged => "the objective's window changed",
            Self::IndicatorChanged => "the objective measures differently (its indicator changed)",
        }
    }

    /// The kinds of item (as [`Subject::kind`] names them) this change happens to, each with
    /// its impact.
    pub(crate) fn applies_to(self) -> &'static [(&'static str, Impact)] {
        match self {
            Self::Added => &[
                ("metric", Additive),
                ("event", Additive),
                ("label", Additive),
                ("feature", Additive),
                ("objective", Additive),
                ("owner", Additive),
            ],
            Self::Removed => &[
                ("metric", Breaking),
                ("event", Breaking),
                ("label", Additive),
                ("feature", Breaking),
                ("objective", Breaking),
                ("owner", Additive),
            ],
            Self::Renamed => &[("metric", Breaking), ("event", Breaking)],
            Self::KindChanged | Self::UnitChanged | Self::LabelRemoved | Self::BucketsChanged => {
                &[("metric", Breaking)]
            }
            Self::LabelAdded | Self::StabilityChanged => &[("metric", Additive)],
            Self::ValueRemoved | Self::LabelClosed => &[("label", Breaking)],
            Self::ValueAdded | Self::LabelOpened => &[("label", Additive)],
            Self::PropertyRemoved | Self::PropertyTypeChanged | Self::PropertyOptional => {
                &[("event", Breaking)]
            }
            Self::PropertyAdded | Self::PropertyRequired => &[("event", Additive)],
            Self::OwnerChanged | Self::DescriptionChanged => &[
                ("metric", Additive),
                ("event", Additive),
                ("feature", Additive),
            ],
            Self::ContactChanged => &[("owner", Additive)],
            Self::MeasuresChanged | Self::RoutesChanged => &[("feature", Additive)],
            Self::TargetChanged | Self::WindowChanged | Self::IndicatorChanged => {
                &[("objective", Additive)]
            }
        }
    }

    /// The impact of this change on an item of `kind`. A pairing the table above does not
    /// list is taken as breaking, the safe side (tests keep the table complete).
    pub(crate) fn impact(self, kind: &str) -> Impact {
        self.applies_to()
            .iter()
            .find(|(applies, _)| *applies == kind)
            .map_or(Breaking, |(_, impact)| *impact)
    }
}

impl fmt::Display for ChangeCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One change.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Change {
    /// What the change is about.
    pub subject: Subject,
    /// What kind of change it is.
    pub code: ChangeCode,
    /// Breaking or additive.
    pub impact: Impact,
    /// What changed, in one sentence.
    pub message: String,
    /// For a rename, the new name.
    pub renamed_to: Option<String>,
    /// Why a breaking change was announced in the base schema (deprecated with a
    /// replacement, or experimental); `None` otherwise.
    pub announced: Option<String>,
    /// What relies on the old item.
    pub dependents: Dependents,
}
