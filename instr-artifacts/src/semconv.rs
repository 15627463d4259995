//! The schema as an OpenTelemetry semantic-convention registry, in the YAML format that
//! OpenTelemetry Weaver reads (`groups:`, version 1 of the format): one folder of YAML files
//! that `weaver registry check -r DIR` can load and other tooling can generate code and docs
//! from.
//!
//! - `registry.yaml`: `attribute_group`s. The labels become attributes: a closed label an enum
//!   (`type: {members: [...]}`, one member per value, the value as written), an open label a
//!   `string`. Each event's properties become attributes `<event>.<property>` in a group of
//!   their own.
//! - `metrics.yaml`: one `metric` group per metric: `metric_name` is the schema name (what the
//!   `otel` backend names the instrument), `instrument` counter, histogram or gauge (the `otel`
//!   backend's instruments), `unit` in UCUM (`instr_schema::names::ucum`; empty without a
//!   unit, as the instrument has none), `brief` the description, the labels as required
//!   attribute references, `stability` (`experimental` is `development`), `deprecated`
//!   (`renamed` to the metric that replaces it, else `uncategorized`, with the schema's text as
//!   the note).
//! - `events.yaml`: one `event` group per event, its properties as attribute references
//!   (required unless optional).
//!
//! What has no field in the format is carried in `annotations.instr` of the group or attribute:
//! the owner and its contact, which features use the metric or event and how (`success`,
//! `guardrail`, `objective`), histogram buckets, an open label's `max_values`, an event
//! property's schema type, the review-by date. Objectives are not exported (they are rules, see
//! [`crate::alerts`] and [`crate::openslo`]), nor are the descriptions, routes and handlers of
//! features or the descriptions of owners. `docs/otel.md` lists what maps where.

use std::collections::BTreeMap;

use instr_schema::Schema;
use instr_schema::model::{
    Event, Label, LabelValues, Metric, MetricKind, Property, PropertyType, Stability,
};
use instr_schema::names::ucum;

use crate::yaml::{self, Yaml};

/// The attribute groups: labels and event properties.
pub const REGISTRY_FILE_NAME: &str = "registry.yaml";
/// The metric groups.
pub const METRICS_FILE_NAME: &str = "metrics.yaml";
/// The event groups.
pub const EVENTS_FILE_NAME: &str = "events.yaml";

/// The command that writes the registry, for the generated files' header.
const COMMAND: &str = "cargo instr-check export --format semconv";

/// The registry's files, `(file name, contents)`: [`REGISTRY_FILE_NAME`],
/// [`METRICS_FILE_NAME`] and [`EVENTS_FILE_NAME`], always all three (an empty `groups` list
/// where there is nothing), so that exporting again replaces every file of an earlier export.
/// `name` (a package name) prefixes the attribute groups' ids (`registry.<name>.labels`);
/// `source` is the schema file, named in each file's header.
pub fn registry_files(schema: &Schema, name: &str, source: &str) -> Vec<(&'static str, String)> {
    let namespace = identifier(name);
    let uses = uses(schema);
    let mut attribute_groups = Vec::new();
    if !schema.labels.is_empty() {
        attribute_groups.push(group(
            &format!("registry.{namespace}.labels"),
            "attribute_group",
            [
                ("display_name", Yaml::str(format!("{name} labels"))),
                (
                    "brief",
                    Yaml::str(format!("The labels of the metrics declared in {source}.")),
                ),
                (
                    "attributes",
                    Yaml::Seq(schema.labels.values().map(label_attribute).collect()),
                ),
            ],
        ));
    }
    for event in schema.events.values() {
        if event.properties.is_empty() {
            continue;
        }
        let event_name = &event.name.value;
        attribute_groups.push(group(
            &format!("registry.{namespace}.events.{event_name}"),
            "attribute_group",
            [
                (
                    "display_name",
                    Yaml::str(format!("{event_name} properties")),
                ),
                (
                    "brief",
                    Yaml::str(format!("The properties of the event `{event_name}`.")),
                ),
                (
                    "attributes",
                    Yaml::Seq(
                        event
                            .properties
                            .iter()
                            .map(|property| property_attribute(schema, event, property))
                            .collect(),
                    ),
                ),
            ],
        ));
    }
    let metrics: Vec<Yaml> = schema
        .metrics
        .values()
        .map(|metric| metric_group(schema, metric, &uses))
        .collect();
    let events: Vec<Yaml> = schema
        .events
        .values()
        .map(|event| event_group(schema, event, &uses))
        .collect();
    [
        (REGISTRY_FILE_NAME, attribute_groups),
        (METRICS_FILE_NAME, metrics),
        (EVENTS_FILE_NAME, events),
    ]
    .into_iter()
    .map(|(file, groups)| {
        let mut text = crate::alerts::header(source, COMMAND);
        text.push_str(&yaml::to_string(&Yaml::map([(
            "groups",
            Yaml::Seq(groups),
        )])));
        (file, text)
    })
    .collect()
}

/// A group: `id` and `type` first, then `entries`.
fn group<'a>(id: &str, kind: &str, entries: impl IntoIterator<Item = (&'a str, Yaml)>) -> Yaml {
    Yaml::map(
        [("id", Yaml::str(id)), ("type", Yaml::str(kind))]
            .into_iter()
            .chain(entries),
    )
}

/// How each feature uses each metric or event: name → feature → uses, in the order
/// `success`, `guardrail`, `objective`.
type Uses<'a> = BTreeMap<&'a str, BTreeMap<&'a str, Vec<&'static str>>>;

fn uses(schema: &Schema) -> Uses<'_> {
    let mut uses: Uses<'_> = BTreeMap::new();
    for feature in schema.features.values() {
        let name = feature.name.value.as_str();
        let success = feature
            .success_metrics
            .iter()
            .map(|metric| (metric.value.as_str(), "success"));
        let guardrail = feature
            .guardrail_metrics
            .iter()
            .map(|metric| (metric.value.as_str(), "guardrail"));
        let objectives = feature.objectives.iter().flat_map(|objective| {
            objective
                .indicator
                .metrics()
                .map(|metric| (metric, "objective"))
        });
        for (metric, use_) in success.chain(guardrail).chain(objectives) {
            let list = uses.entry(metric).or_default().entry(name).or_default();
            if !list.contains(&use_) {
                list.push(use_);
            }
        }
    }
    uses
}

/// `annotations: {instr: {...}}` with the owner, its contact, the features using `name`, then
/// `extra`.
fn annotations(
    schema: &Schema,
    owner: &str,
    name: &str,
    uses: &Uses<'_>,
    extra: Vec<(&str, Yaml)>,
) -> Yaml {
    let mut instr = vec![("owner", Yaml::str(owner))];
    if let Some(contact) = schema.owners.get(owner).map(|owner| &owner.contact) {
        instr.push(("owner_contact", Yaml::str(contact)));
    }
    if let Some(features) = uses.get(name) {
        instr.push((
            "features",
            Yaml::map(features.iter().map(|(feature, uses)| {
                (
                    *feature,
                    Yaml::Seq(uses.iter().map(|use_| Yaml::str(*use_)).collect()),
                )
            })),
        ));
    }
    instr.extend(extra);
    Yaml::map([("instr", Yaml::map(instr))])
}

fn label_attribute(label: &Label) -> Yaml {
    let mut entries = vec![
        ("id", Yaml::str(&label.name.value)),
        ("type", attribute_type(&label.values)),
        ("stability", Yaml::str("stable")),
    ];
    if let Some(description) = &label.description {
        entries.push(("brief", Yaml::str(description)));
    }
    if let LabelValues::Open { max_values } = label.values {
        entries.push((
            "note",
            Yaml::str(format!(
                "An open label: the first {max_values} distinct values are kept, later ones are reported as `{}`.",
                instr_schema::model::OTHER_VALUE
            )),
        ));
        entries.push((
            "annotations",
            Yaml::map([(
                "instr",
                Yaml::map([("max_values", Yaml::number(f64::from(max_values)))]),
            )]),
        ));
    }
    Yaml::map(entries)
}

/// An enum of a closed label's values, `string` for an open one.
fn attribute_type(values: &LabelValues) -> Yaml {
    match values {
        LabelValues::Closed(values) => {
            let mut ids = Vec::new();
            let members = values
                .iter()
                .map(|value| {
                    let id = member_id(value, &ids);
                    ids.push(id.clone());
                    Yaml::map([
                        ("id", Yaml::str(id)),
                        ("value", Yaml::str(value)),
                        ("stability", Yaml::str("stable")),
                    ])
                })
                .collect();
            Yaml::map([("members", Yaml::Seq(members))])
        }
        LabelValues::Open { .. } => Yaml::str("string"),
    }
}

/// An enum member's id: the value in lower snake case (`EUR` is `eur`, `2xx` is `v2xx`),
/// unique among `taken`.
fn member_id(value: &str, taken: &[String]) -> String {
    let mut id = identifier(value);
    if id.is_empty() || id.starts_with(|c: char| c.is_ascii_digit()) {
        id.insert(0, 'v');
    }
    let mut unique = id.clone();
    let mut next = 2;
    while taken.contains(&unique) {
        unique = format!("{id}_{next}");
        next += 1;
    }
    unique
}

/// Lower snake case: ASCII letters and digits kept (lowercased), anything else `_`.
fn identifier(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect()
}

/// The attribute id of an event's property.
fn property_id(event: &Event, property: &Property) -> String {
    format!("{}.{}", event.name.value, property.name.value)
}

fn property_attribute(schema: &Schema, event: &Event, property: &Property) -> Yaml {
    let ty = match &property.ty {
        PropertyType::Bool => Yaml::str("boolean"),
        PropertyType::I64 | PropertyType::U64 => Yaml::str("int"),
        PropertyType::F64 => Yaml::str("double"),
        PropertyType::String => Yaml::str("string"),
        PropertyType::Label(label) => schema.labels.get(label).map_or_else(
            || Yaml::str("string"),
            |label| attribute_type(&label.values),
        ),
    };
    Yaml::map([
        ("id", Yaml::str(property_id(event, property))),
        ("type", ty),
        ("stability", Yaml::str("stable")),
        (
            "brief",
            Yaml::str(format!(
                "The `{}` property of the event `{}`.",
                property.name.value, event.name.value
            )),
        ),
        (
            "annotations",
            Yaml::map([(
                "instr",
                Yaml::map([("type", Yaml::str(property.ty.as_str()))]),
            )]),
        ),
    ])
}

fn stability(stability: Stability) -> &'static str {
    match stability {
        Stability::Stable => "stable",
        // The format has no "deprecated" level: a deprecated item says so in `deprecated`.
        Stability::Experimental | Stability::Deprecated => "development",
    }
}

fn instrument(kind: MetricKind) -> &'static str {
    match kind {
        MetricKind::Counter => "counter",
        MetricKind::Histogram => "histogram",
        // The `otel` backend reports a schema gauge through an observable gauge.
        MetricKind::Gauge => "gauge",
    }
}

fn metric_group(schema: &Schema, metric: &Metric, uses: &Uses<'_>) -> Yaml {
    let name = &metric.name.value;
    let mut entries = vec![
        ("metric_name", Yaml::str(name)),
        ("brief", Yaml::str(&metric.description)),
        ("note", Yaml::str(metric_note(schema, metric, uses))),
        ("stability", Yaml::str(stability(metric.stability))),
        ("instrument", Yaml::str(instrument(metric.kind))),
        ("unit", Yaml::str(metric.unit.as_deref().map_or("", ucum))),
    ];
    if metric.stability == Stability::Deprecated {
        entries.push(("deprecated", deprecated(metric)));
    }
    if !metric.labels.is_empty() {
        entries.push((
            "attributes",
            Yaml::Seq(
                metric
                    .labels
                    .iter()
                    .map(|label| reference(&label.value, "required"))
                    .collect(),
            ),
        ));
    }
    let mut extra = Vec::new();
    if metric.kind == MetricKind::Histogram {
        extra.push((
            "buckets",
            Yaml::Seq(
                metric
                    .buckets
                    .iter()
                    .map(|bound| Yaml::number(*bound))
                    .collect(),
            ),
        ));
    }
    if let Some(expires) = metric.expires {
        extra.push(("expires", Yaml::str(expires.to_string())));
    }
    entries.push((
        "annotations",
        annotations(schema, &metric.owner.value, name, uses, extra),
    ));
    group(&format!("metric.{name}"), "metric", entries)
}

/// What the note of a metric says, for people reading the registry: owner, features, buckets.
fn metric_note(schema: &Schema, metric: &Metric, uses: &Uses<'_>) -> String {
    let mut lines = vec![owned_by(schema, &metric.owner.value)];
    lines.extend(used_by(uses, &metric.name.value));
    if metric.kind == MetricKind::Histogram {
        let bounds: Vec<String> = metric
            .buckets
            .iter()
            .map(|bound| crate::promql::format_number(*bound))
            .collect();
        lines.push(format!("Bucket bounds: {}.", bounds.join(", ")));
    }
    if let Some(expires) = metric.expires {
        lines.push(format!("Review by {expires}."));
    }
    lines.join("\n")
}

fn owned_by(schema: &Schema, owner: &str) -> String {
    match schema.owners.get(owner) {
        Some(declared) => format!("Owned by `{owner}` ({}).", declared.contact),
        None => format!("Owned by `{owner}`."),
    }
}

fn used_by(uses: &Uses<'_>, name: &str) -> Option<String> {
    let features = uses.get(name)?;
    let described: Vec<String> = features
        .iter()
        .map(|(feature, uses)| format!("`{feature}` ({})", uses.join(", ")))
        .collect();
    Some(format!("Used by feature {}.", described.join(", ")))
}

/// `renamed` to the replacing metric when the schema names one, else `uncategorized`; the
/// schema's text is the note.
fn deprecated(metric: &Metric) -> Yaml {
    let mut entries = match &metric.replaced_by {
        Some(replacement) => vec![
            ("reason", Yaml::str("renamed")),
            ("renamed_to", Yaml::str(replacement)),
        ],
        None => vec![("reason", Yaml::str("uncategorized"))],
    };
    if let Some(note) = &metric.deprecated {
        entries.push(("note", Yaml::str(note)));
    }
    Yaml::map(entries)
}

fn reference(id: &str, requirement: &str) -> Yaml {
    Yaml::map([
        ("ref", Yaml::str(id)),
        ("requirement_level", Yaml::str(requirement)),
    ])
}

fn event_group(schema: &Schema, event: &Event, uses: &Uses<'_>) -> Yaml {
    let name = &event.name.value;
    let mut entries = vec![
        ("name", Yaml::str(name)),
        ("brief", Yaml::str(&event.description)),
        (
            "note",
            Yaml::str(
                std::iter::once(owned_by(schema, &event.owner.value))
                    .chain(used_by(uses, name))
                    .collect::<Vec<_>>()
                    .join("\n"),
            ),
        ),
        ("stability", Yaml::str("stable")),
    ];
    if !event.properties.is_empty() {
        entries.push((
            "attributes",
            Yaml::Seq(
                event
                    .properties
                    .iter()
                    .map(|property| {
                        reference(
                            &property_id(event, property),
                            if property.optional {
                                "recommended"
                            } else {
                                "required"
                            },
                        )
                    })
                    .collect(),
            ),
        ));
    }
    entries.push((
        "annotations",
        annotations(schema, &event.owner.value, name, uses, Vec::new()),
    ));
    group(&format!("event.{name}"), "event", entries)
}
