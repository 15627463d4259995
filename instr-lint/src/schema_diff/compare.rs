//! The item-by-item comparison behind [`diff`](super::diff).

use std::collections::{BTreeMap, BTreeSet};

use super::change::{Change, ChangeCode, Dependents, Impact, Subject};
use super::renames::{pair_up, same_event_shape, same_metric_shape};
use instr_artifacts::promql::format_number;
use instr_artifacts::slo;
use instr_schema::model::{
    Feature, Indicator, LabelValues, Metric, Objective, PropertyType, Schema, Selector, Stability,
};

/// Every change from `base` to `head`, in no particular order: metrics and events first, so
/// that renames are known when features and objectives are compared.
pub(super) fn compare(base: &Schema, head: &Schema) -> Vec<Change> {
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
    differ.changes
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
    /// One additive change for each item only `head` declares.
    fn push_added<T>(
        &mut self,
        base: &BTreeMap<String, T>,
        head: &BTreeMap<String, T>,
        what: &str,
        subject: fn(String) -> Subject,
    ) {
        for name in head.keys().filter(|name| !base.contains_key(*name)) {
            self.push(
                subject(name.clone()),
                ChangeCode::Added,
                format!("{what} `{name}` added"),
            );
        }
    }

    /// Records a change; its impact follows from the code and what it is about.
    fn push(&mut self, subject: Subject, code: ChangeCode, message: String) -> &mut Change {
        let impact = code.impact(subject.kind());
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
        let (removed, added) = removed_and_added(base, head);
        let renames = pair_up(&removed, &added, same_metric_shape);
        for old in &removed {
            let name = old.name.value.clone();
            let dependents = self.measure_dependents(&name);
            let announced = metric_announcement(old);
            let change = match renames.get(name.as_str()) {
                Some(new) => {
                    let change = self.push(
                        Subject::Metric(name.clone()),
                        ChangeCode::Renamed,
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
                    self.push(Subject::Metric(name.clone()), ChangeCode::Removed, message)
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
                ChangeCode::Added,
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
                ChangeCode::KindChanged,
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
                ChangeCode::UnitChanged,
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
                ChangeCode::LabelRemoved,
                format!("metric `{shown}` lost label `{label}`"),
            );
        }
        for label in new_labels.difference(&old_labels) {
            self.push(
                subject(),
                ChangeCode::LabelAdded,
                format!("metric `{shown}` gained label `{label}`"),
            );
        }
        if old.kind == new.kind && old.buckets != new.buckets {
            self.push(
                subject(),
                ChangeCode::BucketsChanged,
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
            self.push(subject(), ChangeCode::StabilityChanged, message);
        }
        if old.owner.value != new.owner.value {
            self.push(
                subject(),
                ChangeCode::OwnerChanged,
                format!(
                    "metric `{shown}` moved from owner `{}` to `{}`",
                    old.owner.value, new.owner.value
                ),
            );
        }
        if old.description.trim() != new.description.trim() && name == shown {
            self.push(
                subject(),
                ChangeCode::DescriptionChanged,
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
        let (removed, added) = removed_and_added(base, head);
        let renames = pair_up(&removed, &added, same_event_shape);
        for old in &removed {
            let name = old.name.value.clone();
            let dependents = self.measure_dependents(&name);
            let change = match renames.get(name.as_str()) {
                Some(new) => {
                    let change = self.push(
                        Subject::Event(name.clone()),
                        ChangeCode::Renamed,
                        format!("event `{name}` renamed to `{new}`"),
                    );
                    change.renamed_to = Some((*new).to_owned());
                    change
                }
                None => self.push(
                    Subject::Event(name.clone()),
                    ChangeCode::Removed,
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
                ChangeCode::Added,
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
                            ChangeCode::PropertyRemoved,
                            format!("event `{name}` lost property `{prop}`"),
                        );
                    }
                    Some(after) => {
                        if before.ty != after.ty {
                            self.push(
                                subject(),
                                ChangeCode::PropertyTypeChanged,
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
                                ChangeCode::PropertyOptional,
                                format!("event `{name}` property `{prop}` became optional"),
                            );
                        }
                        if before.optional && !after.optional {
                            self.push(
                                subject(),
                                ChangeCode::PropertyRequired,
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
                    ChangeCode::PropertyAdded,
                    format!("event `{name}` gained property `{prop}`"),
                );
            }
            if old.owner.value != new.owner.value {
                self.push(
                    subject(),
                    ChangeCode::OwnerChanged,
                    format!(
                        "event `{name}` moved from owner `{}` to `{}`",
                        old.owner.value, new.owner.value
                    ),
                );
            }
            if old.description.trim() != new.description.trim() {
                self.push(
                    subject(),
                    ChangeCode::DescriptionChanged,
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
                        ChangeCode::Removed,
                        format!("label `{name}` removed from the schema"),
                    );
                }
                Some(new) => match (&old.values, &new.values) {
                    (LabelValues::Closed(before), LabelValues::Closed(after)) => {
                        for value in before.iter().filter(|v| !after.contains(v)) {
                            self.push(
                                subject(),
                                ChangeCode::ValueRemoved,
                                format!("label `{name}` lost value `{value}`"),
                            );
                        }
                        for value in after.iter().filter(|v| !before.contains(v)) {
                            self.push(
                                subject(),
                                ChangeCode::ValueAdded,
                                format!("label `{name}` gained value `{value}`"),
                            );
                        }
                    }
                    (LabelValues::Closed(_), LabelValues::Open { max_values }) => {
                        self.push(subject(), ChangeCode::LabelOpened, format!(
                            "label `{name}` is now open (any string, at most {max_values} values)"
                        ));
                    }
                    (LabelValues::Open { .. }, LabelValues::Closed(values)) => {
                        self.push(subject(), ChangeCode::LabelClosed, format!(
                            "label `{name}` is now closed to {} values; other values are no longer reported", values.len()
                        ));
                    }
                    (
                        LabelValues::Open { max_values: before },
                        LabelValues::Open { max_values: after },
                    ) => {
                        if before != after {
                            self.push(subject(), ChangeCode::ValueAdded, format!(
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
        let (base, head) = (self.base, self.head);
        self.push_added(&base.labels, &head.labels, "label", Subject::Label);
    }

    fn owners(&mut self) {
        for (id, old) in &self.base.owners {
            match self.head.owners.get(id) {
                None => {
                    self.push(
                        Subject::Owner(id.clone()),
                        ChangeCode::Removed,
                        format!("owner `{id}` removed"),
                    );
                }
                Some(new) if new.contact != old.contact => {
                    self.push(
                        Subject::Owner(id.clone()),
                        ChangeCode::ContactChanged,
                        format!(
                            "owner `{id}` is now reached at `{}` (was `{}`)",
                            new.contact, old.contact
                        ),
                    );
                }
                Some(_) => {}
            }
        }
        let (base, head) = (self.base, self.head);
        self.push_added(&base.owners, &head.owners, "owner", Subject::Owner);
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
                    ChangeCode::Removed,
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
        let (base, head) = (self.base, self.head);
        self.push_added(&base.features, &head.features, "feature", Subject::Feature);
    }

    fn feature_changes(&mut self, name: &str, old: &Feature, new: &Feature) {
        let subject = || Subject::Feature(name.to_owned());
        if old.owner.value != new.owner.value {
            self.push(
                subject(),
                ChangeCode::OwnerChanged,
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
            self.push(subject(), ChangeCode::MeasuresChanged, message);
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
                ChangeCode::RoutesChanged,
                format!("feature `{name}` maps different routes or handlers"),
            );
        }
        if old.description.trim() != new.description.trim() {
            self.push(
                subject(),
                ChangeCode::DescriptionChanged,
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
                        ChangeCode::Removed,
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
                ChangeCode::Added,
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
                ChangeCode::TargetChanged,
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
                ChangeCode::WindowChanged,
                format!(
                    "objective `{label}` window changed from {} to {}",
                    old.window, new.window
                ),
            );
        }
        if !self.same_indicator(&old.indicator, &new.indicator) {
            self.push(
                subject,
                ChangeCode::IndicatorChanged,
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

/// The items only `base` has and the items only `head` has, by name.
fn removed_and_added<'a, T>(
    base: &'a BTreeMap<String, T>,
    head: &'a BTreeMap<String, T>,
) -> (Vec<&'a T>, Vec<&'a T>) {
    let only_in = |from: &'a BTreeMap<String, T>, other: &BTreeMap<String, T>| -> Vec<&'a T> {
        from.iter()
            .filter(|(name, _)| !other.contains_key(*name))
            .map(|(_, item)| item)
            .collect()
    };
    (only_in(base, head), only_in(head, base))
}
