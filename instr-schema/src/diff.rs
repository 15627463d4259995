//! What changed between two versions of a schema, and what each change breaks.
//!
//! [`diff`] compares a base schema (say, the one on `main`) with a head schema (the pull
//! request) item by item and classifies every change:
//!
//! - **breaking**: something dashboards, alerts, queries or event consumers rely on goes away
//!   or changes meaning: a metric or event removed or renamed, a metric's kind, unit, labels or
//!   buckets changed, a label value removed (or an open label closed), an event property
//!   removed, retyped or made optional, a feature or objective removed;
//! - **additive**: everything else (new items, new label values, descriptions, owners,
//!   targets, ...).
//!
//! Each change names what depends on the old item: the features and objectives that use it,
//! the generated alerts of those objectives, and for a label the metrics that carry it.
//! A breaking change to a metric is *announced* when the base already marked the metric
//! deprecated with a replacement, or experimental; the checker does not fail on those.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use crate::model::{
    Event, Feature, Indicator, LabelValues, Metric, Objective, PropertyType, Schema, Selector,
    Stability,
};
use crate::promql::format_number;
use crate::slo;

/// Whether a change can break what relies on the schema.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Impact {
    /// Dashboards, alerts, queries or consumers that relied on the old item may break.
    Breaking,
    /// Nothing that worked before stops working.
    Additive,
}

impl Impact {
    /// `"breaking"` or `"additive"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Breaking => "breaking",
            Self::Additive => "additive",
        }
    }
}

/// The item a change is about.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Subject {
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
    pub fn kind(&self) -> &'static str {
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
    pub fn name(&self) -> String {
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
    pub fn key(&self) -> String {
        format!("{}:{}", self.kind(), self.name())
    }

    /// The item kinds a key may start with.
    pub const KINDS: [&'static str; 6] =
        ["metric", "event", "label", "feature", "objective", "owner"];
}

impl fmt::Display for Subject {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} `{}`", self.kind(), self.name())
    }
}

/// What relies on the changed item, as of the base schema.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Dependents {
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
    pub fn is_empty(&self) -> bool {
        self.metrics.is_empty()
            && self.events.is_empty()
            && self.features.is_empty()
            && self.objectives.is_empty()
            && self.alerts.is_empty()
    }

    /// Adds `other`'s entries, keeping every list sorted and free of duplicates.
    fn merge(&mut self, other: Dependents) {
        self.metrics.extend(other.metrics);
        self.events.extend(other.events);
        self.features.extend(other.features);
        self.objectives.extend(other.objectives);
        self.alerts.extend(other.alerts);
        self.normalize();
    }

    fn normalize(&mut self) {
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

/// One change.
#[derive(Clone, Debug, PartialEq)]
pub struct Change {
    /// What the change is about.
    pub subject: Subject,
    /// A stable code for the kind of change: `added`, `removed`, `renamed`, `kind-changed`,
    /// `unit-changed`, `label-added`, `label-removed`, `buckets-changed`, `value-added`,
    /// `value-removed`, `label-opened`, `label-closed`, `property-added`, `property-removed`,
    /// `property-type-changed`, `property-optional`, `property-required`,
    /// `stability-changed`, `owner-changed`, `description-changed`, `contact-changed`,
    /// `measures-changed`, `routes-changed`, `target-changed`, `window-changed`,
    /// `indicator-changed`.
    pub code: &'static str,
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

/// Every change from `base` to `head`: breaking ones first, then by subject and code.
pub fn diff(base: &Schema, head: &Schema) -> Vec<Change> {
    let mut differ = Differ {
        base,
        head,
        changes: Vec::new(),
        renamed: BTreeMap::new(),
    };
    differ.metrics();
    differ.events();
    differ.labels();
    differ.owners();
    differ.features();
    let mut changes = differ.changes;
    changes.sort_by(|a, b| {
        (a.impact, &a.subject, a.code, &a.message).cmp(&(b.impact, &b.subject, b.code, &b.message))
    });
    changes
}

struct Differ<'a> {
    base: &'a Schema,
    head: &'a Schema,
    changes: Vec<Change>,
    /// Metrics and events renamed, old name to new, so that references to them are compared
    /// through the rename.
    renamed: BTreeMap<String, String>,
}

impl Differ<'_> {
    fn push(
        &mut self,
        subject: Subject,
        code: &'static str,
        impact: Impact,
        message: String,
    ) -> &mut Change {
        self.changes.push(Change {
            subject,
            code,
            impact,
            message,
            renamed_to: None,
            announced: None,
            dependents: Dependents::default(),
        });
        let last = self.changes.len() - 1;
        &mut self.changes[last]
    }

    /// What uses a metric or event in the base schema.
    fn measure_dependents(&self, name: &str) -> Dependents {
        let mut dependents = Dependents::default();
        for feature in self.base.features_using(name) {
            dependents.features.push(feature.name.value.clone());
            for objective in &feature.objectives {
                if objective.indicator.metrics().any(|metric| metric == name) {
                    dependents
                        .objectives
                        .push(format!("{}/{}", feature.name.value, objective.name.value));
                    dependents
                        .alerts
                        .push(slo::alert_name(&feature.name.value, &objective.name.value));
                }
            }
        }
        dependents
    }

    fn metrics(&mut self) {
        let (base, head) = (&self.base.metrics, &self.head.metrics);
        let removed: Vec<&Metric> = base
            .values()
            .filter(|m| !head.contains_key(&m.name.value))
            .collect();
        let added: Vec<&Metric> = head
            .values()
            .filter(|m| !base.contains_key(&m.name.value))
            .collect();
        let renames = pair_up(&removed, &added, same_metric_shape);
        for old in &removed {
            let name = old.name.value.clone();
            let dependents = self.measure_dependents(&name);
            let announced = metric_announcement(old);
            let change = match renames.get(name.as_str()) {
                Some(new) => {
                    let change = self.push(
                        Subject::Metric(name.clone()),
                        "renamed",
                        Impact::Breaking,
                        format!("metric `{name}` renamed to `{new}`"),
                    );
                    change.renamed_to = Some((*new).to_owned());
                    change
                }
                None => {
                    let message = match &old.replaced_by {
                        Some(replacement) => {
                            format!("metric `{name}` removed (its replacement is `{replacement}`)")
                        }
                        None => format!("metric `{name}` removed"),
                    };
                    self.push(
                        Subject::Metric(name.clone()),
                        "removed",
                        Impact::Breaking,
                        message,
                    )
                }
            };
            change.dependents = dependents;
            change.announced = announced;
        }
        for (old, new) in &renames {
            self.renamed.insert((*old).to_owned(), (*new).to_owned());
        }
        for new in &added {
            if renames.values().any(|renamed| *renamed == new.name.value) {
                continue;
            }
            let name = new.name.value.clone();
            self.push(
                Subject::Metric(name.clone()),
                "added",
                Impact::Additive,
                format!("metric `{name}` added ({})", new.kind.as_str()),
            );
        }
        for (name, old) in base {
            if let Some(new) = head.get(name) {
                self.metric_changes(name, old, new, name);
            }
        }
        for (old_name, new_name) in renames {
            if let (Some(old), Some(new)) = (base.get(old_name), head.get(new_name)) {
                // Shape is equal by construction; owner or stability may still differ.
                self.metric_changes(old_name, old, new, new_name);
            }
        }
    }

    fn metric_changes(&mut self, name: &str, old: &Metric, new: &Metric, shown: &str) {
        let subject = || Subject::Metric(name.to_owned());
        let dependents = self.measure_dependents(name);
        let announced = metric_announcement(old);
        let start = self.changes.len();
        if old.kind != new.kind {
            self.push(
                subject(),
                "kind-changed",
                Impact::Breaking,
                format!(
                    "metric `{shown}` changed kind from {} to {}",
                    old.kind.as_str(),
                    new.kind.as_str()
                ),
            );
        }
        if old.unit != new.unit {
            self.push(
                subject(),
                "unit-changed",
                Impact::Breaking,
                format!(
                    "metric `{shown}` changed unit from {} to {}",
                    unit_text(old.unit.as_deref()),
                    unit_text(new.unit.as_deref())
                ),
            );
        }
        let old_labels: BTreeSet<&str> = old.labels.iter().map(|l| l.value.as_str()).collect();
        let new_labels: BTreeSet<&str> = new.labels.iter().map(|l| l.value.as_str()).collect();
        for label in old_labels.difference(&new_labels) {
            self.push(
                subject(),
                "label-removed",
                Impact::Breaking,
                format!("metric `{shown}` lost label `{label}`"),
            );
        }
        for label in new_labels.difference(&old_labels) {
            self.push(
                subject(),
                "label-added",
                Impact::Additive,
                format!("metric `{shown}` gained label `{label}`"),
            );
        }
        if old.kind == new.kind && old.buckets != new.buckets {
            self.push(
                subject(),
                "buckets-changed",
                Impact::Breaking,
                format!(
                    "metric `{shown}` changed buckets from [{}] to [{}]",
                    buckets_text(&old.buckets),
                    buckets_text(&new.buckets)
                ),
            );
        }
        if old.stability != new.stability {
            let mut message = format!(
                "metric `{shown}` changed stability from {} to {}",
                old.stability.as_str(),
                new.stability.as_str()
            );
            if let Some(reason) = new
                .deprecated
                .as_deref()
                .filter(|_| new.stability == Stability::Deprecated)
            {
                message.push_str(&format!(" ({})", reason.trim()));
            }
            self.push(subject(), "stability-changed", Impact::Additive, message);
        }
        if old.owner.value != new.owner.value {
            self.push(
                subject(),
                "owner-changed",
                Impact::Additive,
                format!(
                    "metric `{shown}` moved from owner `{}` to `{}`",
                    old.owner.value, new.owner.value
                ),
            );
        }
        if old.description.trim() != new.description.trim() && name == shown {
            self.push(
                subject(),
                "description-changed",
                Impact::Additive,
                format!("metric `{shown}` has a new description"),
            );
        }
        for change in &mut self.changes[start..] {
            change.dependents = dependents.clone();
            if change.impact == Impact::Breaking {
                change.announced.clone_from(&announced);
            }
        }
    }

    fn events(&mut self) {
        let (base, head) = (&self.base.events, &self.head.events);
        let removed: Vec<&Event> = base
            .values()
            .filter(|e| !head.contains_key(&e.name.value))
            .collect();
        let added: Vec<&Event> = head
            .values()
            .filter(|e| !base.contains_key(&e.name.value))
            .collect();
        let renames = pair_up(&removed, &added, same_event_shape);
        for old in &removed {
            let name = old.name.value.clone();
            let dependents = self.measure_dependents(&name);
            let change = match renames.get(name.as_str()) {
                Some(new) => {
                    let change = self.push(
                        Subject::Event(name.clone()),
                        "renamed",
                        Impact::Breaking,
                        format!("event `{name}` renamed to `{new}`"),
                    );
                    change.renamed_to = Some((*new).to_owned());
                    change
                }
                None => self.push(
                    Subject::Event(name.clone()),
                    "removed",
                    Impact::Breaking,
                    format!("event `{name}` removed"),
                ),
            };
            change.dependents = dependents;
        }
        for (old, new) in &renames {
            self.renamed.insert((*old).to_owned(), (*new).to_owned());
        }
        for new in &added {
            if renames.values().any(|renamed| *renamed == new.name.value) {
                continue;
            }
            self.push(
                Subject::Event(new.name.value.clone()),
                "added",
                Impact::Additive,
                format!("event `{}` added", new.name.value),
            );
        }
        for (name, old) in base {
            let Some(new) = head.get(name) else { continue };
            let dependents = self.measure_dependents(name);
            let start = self.changes.len();
            let subject = || Subject::Event(name.clone());
            let new_props: BTreeMap<&str, _> = new
                .properties
                .iter()
                .map(|p| (p.name.value.as_str(), p))
                .collect();
            let old_props: BTreeMap<&str, _> = old
                .properties
                .iter()
                .map(|p| (p.name.value.as_str(), p))
                .collect();
            for (prop, before) in &old_props {
                match new_props.get(prop) {
                    None => {
                        self.push(
                            subject(),
                            "property-removed",
                            Impact::Breaking,
                            format!("event `{name}` lost property `{prop}`"),
                        );
                    }
                    Some(after) => {
                        if before.ty != after.ty {
                            self.push(
                                subject(),
                                "property-type-changed",
                                Impact::Breaking,
                                format!(
                                    "event `{name}` property `{prop}` changed type from {} to {}",
                                    before.ty.as_str(),
                                    after.ty.as_str()
                                ),
                            );
                        }
                        if !before.optional && after.optional {
                            self.push(
                                subject(),
                                "property-optional",
                                Impact::Breaking,
                                format!("event `{name}` property `{prop}` became optional"),
                            );
                        }
                        if before.optional && !after.optional {
                            self.push(
                                subject(),
                                "property-required",
                                Impact::Additive,
                                format!("event `{name}` property `{prop}` became required"),
                            );
                        }
                    }
                }
            }
            for prop in new_props
                .keys()
                .filter(|prop| !old_props.contains_key(*prop))
            {
                self.push(
                    subject(),
                    "property-added",
                    Impact::Additive,
                    format!("event `{name}` gained property `{prop}`"),
                );
            }
            if old.owner.value != new.owner.value {
                self.push(
                    subject(),
                    "owner-changed",
                    Impact::Additive,
                    format!(
                        "event `{name}` moved from owner `{}` to `{}`",
                        old.owner.value, new.owner.value
                    ),
                );
            }
            if old.description.trim() != new.description.trim() {
                self.push(
                    subject(),
                    "description-changed",
                    Impact::Additive,
                    format!("event `{name}` has a new description"),
                );
            }
            for change in &mut self.changes[start..] {
                change.dependents = dependents.clone();
            }
        }
    }

    /// What uses a label in the base schema: the metrics that carry it, the events typed by
    /// it, and everything that uses those.
    fn label_dependents(&self, label: &str) -> Dependents {
        let mut dependents = Dependents::default();
        for metric in self.base.metrics.values() {
            if metric.labels.iter().any(|l| l.value == label) {
                dependents.metrics.push(metric.name.value.clone());
                dependents.merge(self.measure_dependents(&metric.name.value));
            }
        }
        for event in self.base.events.values() {
            if event
                .properties
                .iter()
                .any(|p| matches!(&p.ty, PropertyType::Label(id) if id == label))
            {
                dependents.events.push(event.name.value.clone());
                dependents.merge(self.measure_dependents(&event.name.value));
            }
        }
        dependents.normalize();
        dependents
    }

    fn labels(&mut self) {
        for (name, old) in &self.base.labels {
            let dependents = self.label_dependents(name);
            let start = self.changes.len();
            let subject = || Subject::Label(name.clone());
            match self.head.labels.get(name) {
                None => {
                    self.push(
                        subject(),
                        "removed",
                        Impact::Additive,
                        format!("label `{name}` removed from the schema"),
                    );
                }
                Some(new) => match (&old.values, &new.values) {
                    (LabelValues::Closed(before), LabelValues::Closed(after)) => {
                        for value in before.iter().filter(|v| !after.contains(v)) {
                            self.push(
                                subject(),
                                "value-removed",
                                Impact::Breaking,
                                format!("label `{name}` lost value `{value}`"),
                            );
                        }
                        for value in after.iter().filter(|v| !before.contains(v)) {
                            self.push(
                                subject(),
                                "value-added",
                                Impact::Additive,
                                format!("label `{name}` gained value `{value}`"),
                            );
                        }
                    }
                    (LabelValues::Closed(_), LabelValues::Open { max_values }) => {
                        self.push(subject(), "label-opened", Impact::Additive, format!(
                            "label `{name}` is now open (any string, at most {max_values} values)"
                        ));
                    }
                    (LabelValues::Open { .. }, LabelValues::Closed(values)) => {
                        self.push(subject(), "label-closed", Impact::Breaking, format!(
                            "label `{name}` is now closed to {} values; other values are no longer reported", values.len()
                        ));
                    }
                    (
                        LabelValues::Open { max_values: before },
                        LabelValues::Open { max_values: after },
                    ) => {
                        if before != after {
                            self.push(subject(), "value-added", Impact::Additive, format!(
                                "label `{name}` keeps {after} distinct values instead of {before}"
                            ));
                        }
                    }
                },
            }
            for change in &mut self.changes[start..] {
                change.dependents = dependents.clone();
            }
        }
        for name in self
            .head
            .labels
            .keys()
            .filter(|name| !self.base.labels.contains_key(*name))
        {
            self.push(
                Subject::Label(name.clone()),
                "added",
                Impact::Additive,
                format!("label `{name}` added"),
            );
        }
    }

    fn owners(&mut self) {
        for (id, old) in &self.base.owners {
            match self.head.owners.get(id) {
                None => {
                    self.push(
                        Subject::Owner(id.clone()),
                        "removed",
                        Impact::Additive,
                        format!("owner `{id}` removed"),
                    );
                }
                Some(new) if new.contact != old.contact => {
                    self.push(
                        Subject::Owner(id.clone()),
                        "contact-changed",
                        Impact::Additive,
                        format!(
                            "owner `{id}` is now reached at `{}` (was `{}`)",
                            new.contact, old.contact
                        ),
                    );
                }
                Some(_) => {}
            }
        }
        for id in self
            .head
            .owners
            .keys()
            .filter(|id| !self.base.owners.contains_key(*id))
        {
            self.push(
                Subject::Owner(id.clone()),
                "added",
                Impact::Additive,
                format!("owner `{id}` added"),
            );
        }
    }

    /// A base reference, read through renames.
    fn through_rename<'n>(&'n self, name: &'n str) -> &'n str {
        self.renamed.get(name).map_or(name, String::as_str)
    }

    fn features(&mut self) {
        for (name, old) in &self.base.features {
            let Some(new) = self.head.features.get(name) else {
                let alerts: Vec<String> = old
                    .objectives
                    .iter()
                    .map(|o| slo::alert_name(name, &o.name.value))
                    .collect();
                let objectives = old
                    .objectives
                    .iter()
                    .map(|o| format!("{name}/{}", o.name.value))
                    .collect();
                let change = self.push(
                    Subject::Feature(name.clone()),
                    "removed",
                    Impact::Breaking,
                    format!("feature `{name}` removed"),
                );
                change.dependents = Dependents {
                    objectives,
                    alerts,
                    ..Dependents::default()
                };
                continue;
            };
            self.feature_changes(name, old, new);
        }
        for name in self
            .head
            .features
            .keys()
            .filter(|name| !self.base.features.contains_key(*name))
        {
            self.push(
                Subject::Feature(name.clone()),
                "added",
                Impact::Additive,
                format!("feature `{name}` added"),
            );
        }
    }

    fn feature_changes(&mut self, name: &str, old: &Feature, new: &Feature) {
        let subject = || Subject::Feature(name.to_owned());
        if old.owner.value != new.owner.value {
            self.push(
                subject(),
                "owner-changed",
                Impact::Additive,
                format!(
                    "feature `{name}` moved from owner `{}` to `{}`",
                    old.owner.value, new.owner.value
                ),
            );
        }
        let old_measures: Vec<String> = old
            .success_metrics
            .iter()
            .chain(&old.guardrail_metrics)
            .map(|m| self.through_rename(&m.value).to_owned())
            .collect();
        let new_measures: Vec<String> = new
            .success_metrics
            .iter()
            .chain(&new.guardrail_metrics)
            .map(|m| m.value.clone())
            .collect();
        let old_success: BTreeSet<String> = old
            .success_metrics
            .iter()
            .map(|m| self.through_rename(&m.value).to_owned())
            .collect();
        let new_success: BTreeSet<String> = new
            .success_metrics
            .iter()
            .map(|m| m.value.clone())
            .collect();
        if old_measures != new_measures || old_success != new_success {
            let dropped: Vec<String> = old_success
                .difference(&new_success)
                .map(|m| format!("`{m}`"))
                .collect();
            let gained: Vec<String> = new_success
                .difference(&old_success)
                .map(|m| format!("`{m}`"))
                .collect();
            let mut message = format!("feature `{name}` changed its success or guardrail metrics");
            if !gained.is_empty() || !dropped.is_empty() {
                message = format!(
                    "feature `{name}` success metrics: {}{}",
                    if gained.is_empty() {
                        String::new()
                    } else {
                        format!("+{}", gained.join(", +"))
                    },
                    if dropped.is_empty() {
                        String::new()
                    } else {
                        format!(
                            "{}-{}",
                            if gained.is_empty() { "" } else { ", " },
                            dropped.join(", -")
                        )
                    },
                );
            }
            self.push(subject(), "measures-changed", Impact::Additive, message);
        }
        let routes = |f: &Feature| -> Vec<String> {
            f.routes
                .iter()
                .map(|r| r.value.to_string())
                .chain(f.handlers.iter().map(|h| h.value.clone()))
                .collect()
        };
        if routes(old) != routes(new) {
            self.push(
                subject(),
                "routes-changed",
                Impact::Additive,
                format!("feature `{name}` maps different routes or handlers"),
            );
        }
        if old.description.trim() != new.description.trim() {
            self.push(
                subject(),
                "description-changed",
                Impact::Additive,
                format!("feature `{name}` has a new description"),
            );
        }
        for objective in &old.objectives {
            let alert = slo::alert_name(name, &objective.name.value);
            let subject = Subject::Objective {
                feature: name.to_owned(),
                name: objective.name.value.clone(),
            };
            let dependents = Dependents {
                features: vec![name.to_owned()],
                alerts: vec![alert],
                ..Dependents::default()
            };
            let start = self.changes.len();
            match new
                .objectives
                .iter()
                .find(|o| o.name.value == objective.name.value)
            {
                None => {
                    self.push(
                        subject,
                        "removed",
                        Impact::Breaking,
                        format!(
                            "objective `{name}/{}` removed, and with it its alerts",
                            objective.name.value
                        ),
                    );
                }
                Some(after) => self.objective_changes(subject, objective, after),
            }
            for change in &mut self.changes[start..] {
                change.dependents = dependents.clone();
            }
        }
        for objective in new
            .objectives
            .iter()
            .filter(|o| !old.objectives.iter().any(|b| b.name.value == o.name.value))
        {
            let subject = Subject::Objective {
                feature: name.to_owned(),
                name: objective.name.value.clone(),
            };
            let change = self.push(
                subject,
                "added",
                Impact::Additive,
                format!(
                    "objective `{name}/{}` added: {}% over {}",
                    objective.name.value,
                    format_number(objective.target * 100.0),
                    objective.window
                ),
            );
            change
                .dependents
                .alerts
                .push(slo::alert_name(name, &objective.name.value));
        }
    }

    fn objective_changes(&mut self, subject: Subject, old: &Objective, new: &Objective) {
        let label = subject.name();
        if old.target != new.target {
            self.push(
                subject.clone(),
                "target-changed",
                Impact::Additive,
                format!(
                    "objective `{label}` target changed from {}% to {}%",
                    format_number(old.target * 100.0),
                    format_number(new.target * 100.0)
                ),
            );
        }
        if old.window.seconds != new.window.seconds {
            self.push(
                subject.clone(),
                "window-changed",
                Impact::Additive,
                format!(
                    "objective `{label}` window changed from {} to {}",
                    old.window, new.window
                ),
            );
        }
        if !self.same_indicator(&old.indicator, &new.indicator) {
            self.push(
                subject,
                "indicator-changed",
                Impact::Additive,
                format!("objective `{label}` measures differently (its indicator changed)"),
            );
        }
    }

    fn same_indicator(&self, old: &Indicator, new: &Indicator) -> bool {
        let same_selector = |a: &Selector, b: &Selector| {
            self.through_rename(&a.metric.value) == b.metric.value && a.matchers == b.matchers
        };
        match (old, new) {
            (
                Indicator::Ratio {
                    good: g1,
                    total: t1,
                },
                Indicator::Ratio {
                    good: g2,
                    total: t2,
                },
            ) => same_selector(g1, g2) && same_selector(t1, t2),
            (
                Indicator::Latency {
                    selector: s1,
                    threshold: x1,
                },
                Indicator::Latency {
                    selector: s2,
                    threshold: x2,
                },
            ) => same_selector(s1, s2) && x1 == x2,
            _ => false,
        }
    }
}

/// Why breaking changes to this (base) metric were announced, if they were.
fn metric_announcement(metric: &Metric) -> Option<String> {
    match (metric.stability, &metric.replaced_by) {
        (Stability::Deprecated, Some(replacement)) => Some(format!(
            "deprecated in the base, replaced by `{replacement}`"
        )),
        (Stability::Experimental, _) => {
            Some("experimental in the base, which allows any change".to_owned())
        }
        _ => None,
    }
}

/// Renames: each removed item whose shape matches exactly one added item, and that item no
/// other removed one. Old name to new name.
fn pair_up<'a, T>(
    removed: &[&'a T],
    added: &[&'a T],
    same: fn(&T, &T) -> bool,
) -> BTreeMap<&'a str, &'a str>
where
    T: Named,
{
    let mut pairs = BTreeMap::new();
    for old in removed {
        let matches: Vec<&&T> = added.iter().filter(|new| same(old, new)).collect();
        if let [new] = matches.as_slice() {
            let rivals = removed.iter().filter(|other| same(other, new)).count();
            if rivals == 1 {
                pairs.insert(old.name(), new.name());
            }
        }
    }
    pairs
}

trait Named {
    fn name(&self) -> &str;
}

impl Named for Metric {
    fn name(&self) -> &str {
        &self.name.value
    }
}

impl Named for Event {
    fn name(&self) -> &str {
        &self.name.value
    }
}

/// A likely rename keeps everything but the name: kind, unit, labels, buckets and description.
fn same_metric_shape(a: &Metric, b: &Metric) -> bool {
    let labels = |m: &Metric| {
        m.labels
            .iter()
            .map(|l| l.value.clone())
            .collect::<BTreeSet<_>>()
    };
    a.kind == b.kind
        && a.unit == b.unit
        && a.buckets == b.buckets
        && labels(a) == labels(b)
        && a.description.trim() == b.description.trim()
}

fn same_event_shape(a: &Event, b: &Event) -> bool {
    let props = |e: &Event| {
        e.properties
            .iter()
            .map(|p| (p.name.value.clone(), p.ty.clone(), p.optional))
            .collect::<Vec<_>>()
    };
    props(a) == props(b) && a.description.trim() == b.description.trim()
}

fn unit_text(unit: Option<&str>) -> String {
    unit.map_or_else(|| "none".to_owned(), |unit| format!("`{unit}`"))
}

fn buckets_text(buckets: &[f64]) -> String {
    buckets
        .iter()
        .map(|b| format_number(*b))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::Sources;
    use crate::load_str;

    const BASE: &str = r##"
version = 1
[owners.pay]
contact = "#pay"
[labels.outcome]
values = ["success", "declined", "error"]
[metrics.checkout_attempts_total]
kind = "counter"
description = "Attempts."
owner = "pay"
labels = ["outcome"]
[metrics.checkout_latency_seconds]
kind = "histogram"
unit = "seconds"
description = "Latency."
owner = "pay"
buckets = [0.1, 1.0]
[metrics.old_total]
kind = "counter"
description = "Old."
owner = "pay"
stability = "deprecated"
deprecated = "use `checkout_attempts_total`"
[features.checkout]
description = "Checkout."
owner = "pay"
success_metrics = ["checkout_attempts_total"]
[[features.checkout.objectives]]
name = "availability"
good = { metric = "checkout_attempts_total", labels = { outcome = ["success", "declined"] } }
total = { metric = "checkout_attempts_total" }
target = 0.995
window = "28d"
"##;

    fn load(text: &str) -> Schema {
        let mut sources = Sources::new();
        let loaded = load_str("instr.toml", text, &Default::default(), &mut sources);
        assert!(!loaded.has_errors(), "{:#?}", loaded.diagnostics);
        loaded.schema
    }

    fn codes(changes: &[Change]) -> Vec<(String, &'static str, &'static str)> {
        changes
            .iter()
            .map(|c| (c.subject.key(), c.code, c.impact.as_str()))
            .collect()
    }

    /// Comparing a schema with itself finds nothing.
    #[test]
    fn identical_schemas_have_no_changes() {
        assert_eq!(diff(&load(BASE), &load(BASE)), vec![]);
    }

    /// A rename (same shape, new name, references updated) is one breaking change that names
    /// the feature, objective and alert depending on the old name, and nothing else.
    #[test]
    fn detects_renames_with_dependents() {
        let head = BASE.replace("checkout_attempts_total", "checkout_outcomes_total");
        let changes = diff(&load(BASE), &load(&head));
        assert_eq!(
            codes(&changes),
            vec![(
                "metric:checkout_attempts_total".to_owned(),
                "renamed",
                "breaking"
            )]
        );
        let change = &changes[0];
        assert_eq!(
            change.renamed_to.as_deref(),
            Some("checkout_outcomes_total")
        );
        assert_eq!(change.dependents.features, ["checkout"]);
        assert_eq!(change.dependents.objectives, ["checkout/availability"]);
        assert_eq!(
            change.dependents.alerts,
            ["CheckoutAvailabilityErrorBudgetBurn"]
        );
        assert_eq!(change.announced, None);
    }

    /// Removing a metric that was deprecated with a replacement is announced.
    #[test]
    fn deprecated_removal_is_announced() {
        let head = BASE.replace(
            "[metrics.old_total]\nkind = \"counter\"\ndescription = \"Old.\"\nowner = \"pay\"\nstability = \"deprecated\"\ndeprecated = \"use `checkout_attempts_total`\"\n",
            "",
        );
        let changes = diff(&load(BASE), &load(&head));
        assert_eq!(
            codes(&changes),
            vec![("metric:old_total".to_owned(), "removed", "breaking")]
        );
        assert!(
            changes[0]
                .announced
                .as_deref()
                .unwrap()
                .contains("replaced by `checkout_attempts_total`")
        );
    }

    /// Kind, unit, bucket, label and value changes are breaking; additions are additive.
    #[test]
    fn classifies_shape_changes() {
        let head = BASE
            .replace("buckets = [0.1, 1.0]", "buckets = [0.1, 0.5, 1.0]")
            .replace(
                "values = [\"success\", \"declined\", \"error\"]",
                "values = [\"success\", \"declined\", \"timeout\"]",
            )
            .replace("target = 0.995", "target = 0.999");
        let changes = diff(&load(BASE), &load(&head));
        assert_eq!(
            codes(&changes),
            vec![
                (
                    "metric:checkout_latency_seconds".to_owned(),
                    "buckets-changed",
                    "breaking"
                ),
                ("label:outcome".to_owned(), "value-removed", "breaking"),
                ("label:outcome".to_owned(), "value-added", "additive"),
                (
                    "objective:checkout/availability".to_owned(),
                    "target-changed",
                    "additive"
                ),
            ]
        );
        // The label's dependents reach through the metric to the alert.
        assert_eq!(changes[1].dependents.metrics, ["checkout_attempts_total"]);
        assert_eq!(
            changes[1].dependents.alerts,
            ["CheckoutAvailabilityErrorBudgetBurn"]
        );
    }

    /// Events: a rename keeps properties and description; property changes are classified by
    /// what consumers can rely on; a label value removal names the events typed by the label.
    #[test]
    fn classifies_event_changes() {
        let base = format!(
            "{BASE}[events.order_placed]\ndescription = \"Placed.\"\nowner = \"pay\"\nproperties = {{ id = \"string\", outcome = \"outcome\", note = \"string?\" }}\n"
        );
        let renamed = base.replace("[events.order_placed]", "[events.order_created]");
        let changes = diff(&load(&base), &load(&renamed));
        assert_eq!(
            codes(&changes),
            vec![("event:order_placed".to_owned(), "renamed", "breaking")]
        );

        let reshaped = base
            .replace("id = \"string\", ", "id = \"string?\", ")
            .replace("note = \"string?\"", "note = \"string\", amount = \"u64\"")
            .replace(
                "\"success\", \"declined\", \"error\"",
                "\"success\", \"declined\"",
            );
        let changes = diff(&load(&base), &load(&reshaped));
        assert_eq!(
            codes(&changes),
            vec![
                (
                    "event:order_placed".to_owned(),
                    "property-optional",
                    "breaking"
                ),
                ("label:outcome".to_owned(), "value-removed", "breaking"),
                (
                    "event:order_placed".to_owned(),
                    "property-added",
                    "additive"
                ),
                (
                    "event:order_placed".to_owned(),
                    "property-required",
                    "additive"
                ),
            ]
        );
        assert_eq!(changes[1].dependents.events, ["order_placed"]);
    }

    /// Removing an objective is breaking and names its alert.
    #[test]
    fn objective_removal_is_breaking() {
        let cut = BASE.find("[[features.checkout.objectives]]").unwrap();
        let changes = diff(&load(BASE), &load(&BASE[..cut]));
        assert_eq!(
            codes(&changes),
            vec![(
                "objective:checkout/availability".to_owned(),
                "removed",
                "breaking"
            )]
        );
        assert_eq!(
            changes[0].dependents.alerts,
            ["CheckoutAvailabilityErrorBudgetBurn"]
        );
    }

    /// An empty base (no schema yet) makes everything additive.
    #[test]
    fn everything_is_new_against_an_empty_base() {
        let changes = diff(&Schema::default(), &load(BASE));
        assert!(!changes.is_empty());
        assert!(changes.iter().all(|c| c.impact == Impact::Additive));
    }
}
