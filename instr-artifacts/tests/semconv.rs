//! The semantic-convention export, read back with a YAML parser.
//!
//! - Every file parses, and every group and attribute satisfies what the OpenTelemetry
//!   semantic-convention JSON schema (`semconv.schema.json` of OpenTelemetry Weaver, format
//!   version 1) requires, encoded here by hand: required fields per group type, the enums
//!   (group types, stability levels, instruments, attribute types, requirement levels,
//!   deprecation reasons), the closed shapes of enum members and deprecations; plus what Weaver
//!   resolves: unique group and attribute ids, every attribute reference defined.
//!   [`the_validator_finds_what_it_checks`] shows each rule failing on a broken document.
//! - The example shop exports the groups it should.
//! - Round trip: the export of every valid schema in the repository, read back into a model,
//!   equals the model taken from the schema itself. What does not map is left out of the model
//!   on purpose (docs/otel.md lists it): objectives (names, targets, windows, thresholds,
//!   selectors: rules, not conventions, which `alerts` generates); features' descriptions,
//!   owners, routes and handlers (a feature appears only as a user of its metrics and events);
//!   owners' descriptions, and owners that own no metric or event.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use instr_artifacts::semconv::{
    EVENTS_FILE_NAME, METRICS_FILE_NAME, REGISTRY_FILE_NAME, registry_files,
};
use instr_schema::Schema;
use instr_schema::diag::Sources;
use instr_schema::model::{LabelValues, MetricKind, Stability};
use instr_schema::names::unit_from_ucum;
use yaml_rust2::{Yaml, YamlLoader};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn load(path: &Path) -> Option<Schema> {
    let mut sources = Sources::new();
    let loaded = instr_schema::load_file(path, &repo(), &Default::default(), &mut sources).ok()?;
    (!loaded.has_errors()).then_some(loaded.schema)
}

fn export(schema: &Schema) -> BTreeMap<&'static str, Yaml> {
    registry_files(schema, "shop", "instr.toml")
        .into_iter()
        .map(|(name, text)| {
            let mut documents = YamlLoader::load_from_str(&text)
                .unwrap_or_else(|error| panic!("{name} does not parse: {error}\n{text}"));
            assert_eq!(documents.len(), 1, "{name}");
            (name, documents.remove(0))
        })
        .collect()
}

fn groups<'a>(files: &'a BTreeMap<&'static str, Yaml>) -> Vec<&'a Yaml> {
    files
        .values()
        .flat_map(|file| file["groups"].as_vec().unwrap().iter())
        .collect()
}

// ------------------------------------------------------------ the semconv schema, encoded

const GROUP_TYPES: &[&str] = &["span", "entity", "metric", "event", "attribute_group"];
const STABILITY: &[&str] = &[
    "stable",
    "development",
    "alpha",
    "beta",
    "release_candidate",
];
const INSTRUMENTS: &[&str] = &["counter", "gauge", "histogram", "updowncounter"];
const ATTRIBUTE_TYPES: &[&str] = &[
    "string",
    "int",
    "double",
    "boolean",
    "any",
    "string[]",
    "int[]",
    "double[]",
    "boolean[]",
    "template[string]",
    "template[int]",
    "template[double]",
    "template[boolean]",
    "template[any]",
    "template[string[]]",
    "template[int[]]",
    "template[double[]]",
    "template[boolean[]]",
];
/// The keys every group may have (`SemanticConventionBase`).
const GROUP_KEYS: &[&str] = &[
    "id",
    "type",
    "brief",
    "note",
    "extends",
    "attributes",
    "display_name",
    "deprecated",
    "stability",
    "annotations",
];
const METRIC_KEYS: &[&str] = &["metric_name", "instrument", "unit", "entity_associations"];
const EVENT_KEYS: &[&str] = &["name", "body", "entity_associations"];
const ATTRIBUTE_KEYS: &[&str] = &[
    "id",
    "type",
    "stability",
    "ref",
    "tag",
    "requirement_level",
    "sampling_relevant",
    "brief",
    "note",
    "examples",
    "annotations",
    "role",
];
const MEMBER_KEYS: &[&str] = &["id", "value", "brief", "note", "deprecated", "stability"];

fn keys(node: &Yaml) -> Vec<String> {
    node.as_hash()
        .map(|hash| {
            hash.keys()
                .map(|key| key.as_str().unwrap_or("<not a string>").to_owned())
                .collect()
        })
        .unwrap_or_default()
}

fn is_string(node: &Yaml) -> bool {
    node.as_str().is_some()
}

fn one_of(node: &Yaml, allowed: &[&str]) -> bool {
    node.as_str().is_some_and(|text| allowed.contains(&text))
}

/// Every way `files` break the format, as messages; empty when it is valid.
fn violations(files: &BTreeMap<&'static str, Yaml>) -> Vec<String> {
    let mut out = Vec::new();
    let mut group_ids = BTreeSet::new();
    let mut defined = BTreeSet::new();
    let mut references = Vec::new();
    for (name, file) in files {
        if keys(file) != ["groups"] {
            out.push(format!(
                "{name}: top-level keys {:?}, only `groups` allowed",
                keys(file)
            ));
        }
        let Some(groups) = file["groups"].as_vec() else {
            out.push(format!("{name}: `groups` is not a list"));
            continue;
        };
        for group in groups {
            let id = group["id"].as_str().unwrap_or("<no id>").to_owned();
            if !group_ids.insert(id.clone()) {
                out.push(format!("group `{id}` is defined twice"));
            }
            check_group(group, &id, &mut out);
            for attribute in group["attributes"].as_vec().into_iter().flatten() {
                if let Some(attribute_id) = attribute["id"].as_str()
                    && !defined.insert(attribute_id.to_owned())
                {
                    out.push(format!("attribute `{attribute_id}` is defined twice"));
                }
                if let Some(reference) = attribute["ref"].as_str() {
                    references.push((id.clone(), reference.to_owned()));
                }
            }
        }
    }
    for (group, reference) in references {
        if !defined.contains(&reference) {
            out.push(format!("{group}: `ref: {reference}` names no attribute"));
        }
    }
    out
}

fn check_group(group: &Yaml, id: &str, out: &mut Vec<String>) {
    let kind = group["type"].as_str().unwrap_or_default();
    for required in ["id", "brief", "type"] {
        if !is_string(&group[required]) {
            out.push(format!("{id}: `{required}` is required (a string)"));
        }
    }
    if !GROUP_TYPES.contains(&kind) {
        out.push(format!("{id}: type `{kind}` is not one of {GROUP_TYPES:?}"));
    }
    let extra: &[&str] = match kind {
        "metric" => METRIC_KEYS,
        "event" => EVENT_KEYS,
        _ => &[],
    };
    for key in keys(group) {
        if !GROUP_KEYS.contains(&key.as_str()) && !extra.contains(&key.as_str()) {
            out.push(format!("{id}: unknown key `{key}` for a {kind} group"));
        }
    }
    if kind != "attribute_group" && !one_of(&group["stability"], STABILITY) {
        out.push(format!("{id}: `stability` must be one of {STABILITY:?}"));
    }
    if kind == "attribute_group" && !group["stability"].is_badvalue() {
        check_stability(&group["stability"], id, out);
    }
    if !["metric", "event"].contains(&kind)
        && group["attributes"].as_vec().is_none()
        && !is_string(&group["extends"])
    {
        out.push(format!(
            "{id}: a {kind} group needs `attributes` or `extends`"
        ));
    }
    if kind == "metric" {
        for required in ["metric_name", "unit"] {
            if !is_string(&group[required]) {
                out.push(format!("{id}: a metric needs `{required}` (a string)"));
            }
        }
        if !one_of(&group["instrument"], INSTRUMENTS) {
            out.push(format!("{id}: `instrument` must be one of {INSTRUMENTS:?}"));
        }
    }
    if kind == "event" && !is_string(&group["name"]) {
        out.push(format!("{id}: an event needs `name` (a string)"));
    }
    for text in ["note", "display_name"] {
        if !group[text].is_badvalue() && !is_string(&group[text]) {
            out.push(format!("{id}: `{text}` must be a string"));
        }
    }
    if !group["annotations"].is_badvalue() && group["annotations"].as_hash().is_none() {
        out.push(format!("{id}: `annotations` must be a mapping"));
    }
    if !group["deprecated"].is_badvalue() {
        check_deprecated(&group["deprecated"], id, out);
    }
    if !group["attributes"].is_badvalue() {
        match group["attributes"].as_vec() {
            Some(attributes) => {
                for attribute in attributes {
                    check_attribute(attribute, id, out);
                }
            }
            None => out.push(format!("{id}: `attributes` must be a list")),
        }
    }
}

fn check_stability(node: &Yaml, at: &str, out: &mut Vec<String>) {
    if !one_of(node, STABILITY) {
        out.push(format!(
            "{at}: stability {node:?} is not one of {STABILITY:?}"
        ));
    }
}

fn check_deprecated(node: &Yaml, at: &str, out: &mut Vec<String>) {
    let reason = node["reason"].as_str().unwrap_or_default();
    let allowed: &[&str] = match reason {
        "renamed" => &["reason", "renamed_to", "note"],
        "obsoleted" | "uncategorized" => &["reason", "note"],
        other => {
            out.push(format!(
                "{at}: deprecation reason `{other}` is not renamed, obsoleted or uncategorized"
            ));
            return;
        }
    };
    if reason == "renamed" && !is_string(&node["renamed_to"]) {
        out.push(format!("{at}: a rename needs `renamed_to`"));
    }
    for key in keys(node) {
        if !allowed.contains(&key.as_str()) {
            out.push(format!(
                "{at}: unknown key `{key}` in a `{reason}` deprecation"
            ));
        }
    }
}

fn check_attribute(attribute: &Yaml, group: &str, out: &mut Vec<String>) {
    let at = format!(
        "{group}/{}",
        attribute["id"]
            .as_str()
            .or(attribute["ref"].as_str())
            .unwrap_or("<attribute>")
    );
    for key in keys(attribute) {
        if !ATTRIBUTE_KEYS.contains(&key.as_str()) {
            out.push(format!("{at}: unknown key `{key}`"));
        }
    }
    let is_reference = !attribute["ref"].is_badvalue();
    let is_definition = !attribute["id"].is_badvalue();
    match (is_reference, is_definition) {
        (true, false) => {
            if !is_string(&attribute["ref"]) {
                out.push(format!("{at}: `ref` must be a string"));
            }
        }
        (false, true) => {
            if !is_string(&attribute["id"]) {
                out.push(format!("{at}: `id` must be a string"));
            }
            check_stability(&attribute["stability"], &at, out);
            check_attribute_type(&attribute["type"], &at, out);
        }
        _ => out.push(format!(
            "{at}: exactly one of `id` (a definition) or `ref` (a reference)"
        )),
    }
    let level = &attribute["requirement_level"];
    let level_ok = level.is_badvalue()
        || one_of(level, &["required", "recommended", "opt_in"])
        || ["conditionally_required", "recommended", "opt_in"]
            .iter()
            .any(|key| keys(level) == [*key] && is_string(&level[*key]));
    if !level_ok {
        out.push(format!("{at}: requirement_level {level:?} is not valid"));
    }
    for text in ["brief", "note"] {
        if !attribute[text].is_badvalue() && !is_string(&attribute[text]) {
            out.push(format!("{at}: `{text}` must be a string"));
        }
    }
}

fn check_attribute_type(node: &Yaml, at: &str, out: &mut Vec<String>) {
    if let Some(name) = node.as_str() {
        if !ATTRIBUTE_TYPES.contains(&name) {
            out.push(format!(
                "{at}: type `{name}` is not one of {ATTRIBUTE_TYPES:?}"
            ));
        }
        return;
    }
    if keys(node) != ["members"] {
        out.push(format!(
            "{at}: type must be a type name or `{{members: [...]}}`"
        ));
        return;
    }
    let Some(members) = node["members"].as_vec() else {
        out.push(format!("{at}: `members` must be a list"));
        return;
    };
    let mut ids = BTreeSet::new();
    for member in members {
        let id = member["id"].as_str().unwrap_or_default();
        if id.is_empty() || !ids.insert(id.to_owned()) {
            out.push(format!(
                "{at}: member id {:?} missing or repeated",
                member["id"]
            ));
        }
        if !matches!(
            member["value"],
            Yaml::String(_) | Yaml::Integer(_) | Yaml::Real(_)
        ) {
            out.push(format!("{at}/{id}: `value` must be a string or a number"));
        }
        check_stability(&member["stability"], &format!("{at}/{id}"), out);
        for key in keys(member) {
            if !MEMBER_KEYS.contains(&key.as_str()) {
                out.push(format!("{at}/{id}: unknown key `{key}` in an enum member"));
            }
        }
    }
}

/// The rules above fail where they should: one broken document per rule.
#[test]
fn the_validator_finds_what_it_checks() {
    let cases = [
        ("groups: []\nextra: 1\n", "only `groups` allowed"),
        (
            "groups:\n  - id: a\n    type: metric\n    brief: b\n    stability: stable\n    metric_name: m\n    unit: \"\"\n",
            "`instrument` must be one of",
        ),
        (
            "groups:\n  - id: a\n    type: metric\n    brief: b\n    stability: stable\n    instrument: counter\n",
            "a metric needs `metric_name`",
        ),
        (
            "groups:\n  - id: a\n    type: span_kind\n    brief: b\n    stability: stable\n    attributes: []\n",
            "is not one of",
        ),
        (
            "groups:\n  - id: a\n    type: metric\n    brief: b\n    stability: deprecated\n    metric_name: m\n    instrument: counter\n    unit: \"\"\n",
            "`stability` must be one of",
        ),
        (
            "groups:\n  - id: a\n    type: attribute_group\n    brief: b\n",
            "needs `attributes` or `extends`",
        ),
        (
            "groups:\n  - id: a\n    type: event\n    brief: b\n    stability: stable\n",
            "an event needs `name`",
        ),
        (
            "groups:\n  - id: a\n    type: attribute_group\n    attributes: []\n",
            "`brief` is required",
        ),
        (
            "groups:\n  - id: a\n    type: attribute_group\n    brief: b\n    owner: x\n    attributes: []\n",
            "unknown key `owner`",
        ),
        (
            "groups:\n  - id: a\n    type: attribute_group\n    brief: b\n    attributes:\n      - id: x\n        type: str\n        stability: stable\n",
            "type `str` is not one of",
        ),
        (
            "groups:\n  - id: a\n    type: attribute_group\n    brief: b\n    attributes:\n      - id: x\n        type:\n          members:\n            - id: m\n              value: v\n        stability: stable\n",
            "stability BadValue",
        ),
        (
            "groups:\n  - id: a\n    type: attribute_group\n    brief: b\n    attributes:\n      - id: x\n        type:\n          members:\n            - id: m\n              value: v\n              stability: stable\n              label: l\n        stability: stable\n",
            "unknown key `label` in an enum member",
        ),
        (
            "groups:\n  - id: a\n    type: attribute_group\n    brief: b\n    attributes:\n      - ref: nowhere\n",
            "names no attribute",
        ),
        (
            "groups:\n  - id: a\n    type: attribute_group\n    brief: b\n    attributes:\n      - id: x\n        type: string\n        stability: stable\n        requirement_level: always\n",
            "requirement_level",
        ),
        (
            "groups:\n  - id: a\n    type: attribute_group\n    brief: b\n    attributes:\n      - id: x\n        ref: y\n        type: string\n        stability: stable\n",
            "exactly one of `id`",
        ),
        (
            "groups:\n  - id: a\n    type: attribute_group\n    brief: b\n    attributes:\n      - id: x\n        type: string\n        stability: stable\n  - id: a\n    type: attribute_group\n    brief: b\n    attributes:\n      - id: x\n        type: string\n        stability: stable\n",
            "defined twice",
        ),
        (
            "groups:\n  - id: a\n    type: metric\n    brief: b\n    stability: development\n    metric_name: m\n    instrument: counter\n    unit: \"\"\n    deprecated:\n      reason: renamed\n",
            "a rename needs `renamed_to`",
        ),
        (
            "groups:\n  - id: a\n    type: metric\n    brief: b\n    stability: development\n    metric_name: m\n    instrument: counter\n    unit: \"\"\n    deprecated:\n      reason: gone\n",
            "deprecation reason `gone`",
        ),
        (
            "groups:\n  - id: a\n    type: metric\n    brief: b\n    stability: development\n    metric_name: m\n    instrument: counter\n    unit: \"\"\n    deprecated:\n      reason: obsoleted\n      renamed_to: n\n",
            "unknown key `renamed_to` in a `obsoleted` deprecation",
        ),
    ];
    for (text, expected) in cases {
        let file = YamlLoader::load_from_str(text).unwrap().remove(0);
        let found = violations(&BTreeMap::from([("test.yaml", file)]));
        assert!(
            found.iter().any(|message| message.contains(expected)),
            "expected `{expected}` for\n{text}\nfound {found:#?}"
        );
    }
}

// ------------------------------------------------------------------------------ the shop

/// The shop's export is valid and has one group per label set, event property set, metric
/// and event, with the fields each carries.
#[test]
fn the_shop_exports_the_expected_groups() {
    let schema = load(&repo().join("examples/shop/instr.toml")).unwrap();
    let files = export(&schema);
    assert_eq!(
        files.keys().copied().collect::<Vec<_>>(),
        [EVENTS_FILE_NAME, METRICS_FILE_NAME, REGISTRY_FILE_NAME]
    );
    assert_eq!(violations(&files), Vec::<String>::new());
    let ids: BTreeSet<&str> = groups(&files)
        .iter()
        .map(|group| group["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        BTreeSet::from([
            "registry.shop.labels",
            "registry.shop.events.order_placed",
            "registry.shop.events.product_viewed",
            "metric.cart_updates_total",
            "metric.carts_open",
            "metric.catalog_search_latency_seconds",
            "metric.catalog_searches_total",
            "metric.catalog_views_total",
            "metric.checkout_attempts_total",
            "metric.checkout_latency_seconds",
            "event.order_placed",
            "event.product_viewed",
        ])
    );
    let group = |id: &str| {
        *groups(&files)
            .iter()
            .find(|group| group["id"].as_str() == Some(id))
            .unwrap()
    };
    let latency = group("metric.checkout_latency_seconds");
    assert_eq!(latency["instrument"].as_str(), Some("histogram"));
    assert_eq!(latency["unit"].as_str(), Some("s"));
    assert_eq!(latency["stability"].as_str(), Some("stable"));
    assert_eq!(latency["attributes"][0]["ref"].as_str(), Some("outcome"));
    assert_eq!(
        latency["attributes"][0]["requirement_level"].as_str(),
        Some("required")
    );
    let annotations = &latency["annotations"]["instr"];
    assert_eq!(annotations["owner"].as_str(), Some("checkout-team"));
    assert_eq!(
        annotations["owner_contact"].as_str(),
        Some("#checkout-oncall")
    );
    assert_eq!(
        annotations["features"]["checkout"],
        YamlLoader::load_from_str("[guardrail, objective]").unwrap()[0]
    );
    assert_eq!(annotations["buckets"].as_vec().map(Vec::len), Some(7));
    let carts = group("metric.carts_open");
    assert_eq!(carts["instrument"].as_str(), Some("gauge"));
    assert_eq!(carts["stability"].as_str(), Some("development"));
    assert_eq!(carts["unit"].as_str(), Some(""));
    let outcome = &group("registry.shop.labels")["attributes"]
        .as_vec()
        .unwrap()
        .iter()
        .find(|attribute| attribute["id"].as_str() == Some("outcome"))
        .unwrap()["type"]["members"];
    let values: Vec<&str> = outcome
        .as_vec()
        .unwrap()
        .iter()
        .map(|member| member["value"].as_str().unwrap())
        .collect();
    assert_eq!(values, ["success", "declined", "error"]);
    // Objectives are not exported: neither their names nor their targets appear.
    for (name, text) in registry_files(&schema, "shop", "instr.toml") {
        assert!(
            !text.contains("availability") && !text.contains("0.995"),
            "{name}"
        );
    }
    let order = group("event.order_placed");
    assert_eq!(order["name"].as_str(), Some("order_placed"));
    let coupon = order["attributes"]
        .as_vec()
        .unwrap()
        .iter()
        .find(|attribute| attribute["ref"].as_str() == Some("order_placed.coupon"))
        .unwrap();
    assert_eq!(coupon["requirement_level"].as_str(), Some("recommended"));
    assert_eq!(
        order["annotations"]["instr"]["features"]["checkout"][0].as_str(),
        Some("success")
    );
}

// ------------------------------------------------------------------------------ round trip

/// What the export carries of a schema, in a form both sides can be read into.
#[derive(Debug, Default, PartialEq)]
struct Model {
    metrics: BTreeMap<String, MetricModel>,
    labels: BTreeMap<String, LabelModel>,
    events: BTreeMap<String, EventModel>,
    /// Feature → metric or event → how the feature uses it.
    features: BTreeMap<String, BTreeMap<String, Vec<String>>>,
    /// Owner → contact, for the owners of metrics and events.
    owners: BTreeMap<String, String>,
}

#[derive(Debug, PartialEq)]
struct MetricModel {
    kind: String,
    description: String,
    unit: Option<String>,
    owner: String,
    labels: Vec<String>,
    buckets: Vec<String>,
    stability: String,
    deprecated: Option<String>,
    replaced_by: Option<String>,
    expires: Option<String>,
}

#[derive(Debug, PartialEq)]
struct LabelModel {
    description: Option<String>,
    closed: Option<Vec<String>>,
    max_values: Option<String>,
}

#[derive(Debug, PartialEq)]
struct EventModel {
    description: String,
    owner: String,
    /// Property → (schema type, optional).
    properties: BTreeMap<String, (String, bool)>,
}

/// A number as the YAML writer spells it, so both sides compare as text.
fn number(value: f64) -> String {
    instr_artifacts::promql::format_number(value)
}

/// The model taken from the schema itself.
fn from_schema(schema: &Schema) -> Model {
    let mut model = Model::default();
    for metric in schema.metrics.values() {
        model.metrics.insert(
            metric.name.value.clone(),
            MetricModel {
                kind: metric.kind.as_str().to_owned(),
                description: metric.description.clone(),
                unit: metric.unit.clone(),
                owner: metric.owner.value.clone(),
                labels: metric
                    .labels
                    .iter()
                    .map(|label| label.value.clone())
                    .collect(),
                buckets: if metric.kind == MetricKind::Histogram {
                    metric.buckets.iter().map(|bound| number(*bound)).collect()
                } else {
                    Vec::new()
                },
                stability: metric.stability.as_str().to_owned(),
                deprecated: metric
                    .deprecated
                    .clone()
                    .filter(|_| metric.stability == Stability::Deprecated),
                replaced_by: metric
                    .replaced_by
                    .clone()
                    .filter(|_| metric.stability == Stability::Deprecated),
                expires: metric.expires.map(|date| date.to_string()),
            },
        );
        owner_of(&mut model, schema, &metric.owner.value);
    }
    for label in schema.labels.values() {
        model.labels.insert(
            label.name.value.clone(),
            LabelModel {
                description: label.description.clone(),
                closed: label.closed_values().map(<[String]>::to_vec),
                max_values: match label.values {
                    LabelValues::Open { max_values } => Some(number(f64::from(max_values))),
                    LabelValues::Closed(_) => None,
                },
            },
        );
    }
    for event in schema.events.values() {
        model.events.insert(
            event.name.value.clone(),
            EventModel {
                description: event.description.clone(),
                owner: event.owner.value.clone(),
                properties: event
                    .properties
                    .iter()
                    .map(|property| {
                        (
                            property.name.value.clone(),
                            (property.ty.as_str().to_owned(), property.optional),
                        )
                    })
                    .collect(),
            },
        );
        owner_of(&mut model, schema, &event.owner.value);
    }
    for feature in schema.features.values() {
        let uses = model
            .features
            .entry(feature.name.value.clone())
            .or_default();
        let mut add = |name: &str, use_: &str| {
            let list = uses.entry(name.to_owned()).or_default();
            if !list.iter().any(|known| known == use_) {
                list.push(use_.to_owned());
            }
        };
        for metric in &feature.success_metrics {
            add(&metric.value, "success");
        }
        for metric in &feature.guardrail_metrics {
            add(&metric.value, "guardrail");
        }
        for objective in &feature.objectives {
            for metric in objective.indicator.metrics() {
                add(metric, "objective");
            }
        }
    }
    model
}

fn owner_of(model: &mut Model, schema: &Schema, owner: &str) {
    if let Some(declared) = schema.owners.get(owner) {
        model
            .owners
            .insert(owner.to_owned(), declared.contact.clone());
    }
}

fn string(node: &Yaml) -> String {
    match node {
        Yaml::String(text) | Yaml::Real(text) => text.clone(),
        Yaml::Integer(value) => value.to_string(),
        other => panic!("not a scalar: {other:?}"),
    }
}

fn optional(node: &Yaml) -> Option<String> {
    (!node.is_badvalue()).then(|| string(node))
}

/// The model read back from the exported files.
fn from_export(files: &BTreeMap<&'static str, Yaml>) -> Model {
    let mut model = Model::default();
    let mut attributes: BTreeMap<String, &Yaml> = BTreeMap::new();
    for group in groups(files) {
        for attribute in group["attributes"].as_vec().into_iter().flatten() {
            if let Some(id) = attribute["id"].as_str() {
                attributes.insert(id.to_owned(), attribute);
            }
        }
        if group["id"].as_str() == Some("registry.shop.labels") {
            for label in group["attributes"].as_vec().unwrap() {
                let members = label["type"]["members"].as_vec();
                model.labels.insert(
                    string(&label["id"]),
                    LabelModel {
                        description: optional(&label["brief"]),
                        closed: members.map(|members| {
                            members
                                .iter()
                                .map(|member| string(&member["value"]))
                                .collect()
                        }),
                        max_values: optional(&label["annotations"]["instr"]["max_values"]),
                    },
                );
            }
        }
    }
    for group in groups(files) {
        let instr = &group["annotations"]["instr"];
        let name = match group["type"].as_str() {
            Some("metric") => string(&group["metric_name"]),
            Some("event") => string(&group["name"]),
            _ => continue,
        };
        if let Some(features) = instr["features"].as_hash() {
            for (feature, uses) in features {
                model.features.entry(string(feature)).or_default().insert(
                    name.clone(),
                    uses.as_vec().unwrap().iter().map(string).collect(),
                );
            }
        }
        if let Some(contact) = optional(&instr["owner_contact"]) {
            model.owners.insert(string(&instr["owner"]), contact);
        }
        let references = group["attributes"].as_vec().cloned().unwrap_or_default();
        if group["type"].as_str() == Some("metric") {
            let deprecated = &group["deprecated"];
            let unit = string(&group["unit"]);
            let stability = match (
                string(&group["stability"]).as_str(),
                deprecated.is_badvalue(),
            ) {
                ("stable", true) => "stable",
                ("development", true) => "experimental",
                (_, false) => "deprecated",
                (other, _) => panic!("stability {other}"),
            };
            model.metrics.insert(
                name,
                MetricModel {
                    kind: match string(&group["instrument"]).as_str() {
                        "counter" => "counter",
                        "histogram" => "histogram",
                        "gauge" => "gauge",
                        other => panic!("instrument {other}"),
                    }
                    .to_owned(),
                    description: string(&group["brief"]),
                    unit: (!unit.is_empty()).then(|| unit_from_ucum(&unit).to_owned()),
                    owner: string(&instr["owner"]),
                    labels: references
                        .iter()
                        .map(|reference| string(&reference["ref"]))
                        .collect(),
                    buckets: instr["buckets"]
                        .as_vec()
                        .map(|bounds| bounds.iter().map(string).collect())
                        .unwrap_or_default(),
                    stability: stability.to_owned(),
                    deprecated: optional(&deprecated["note"]),
                    replaced_by: optional(&deprecated["renamed_to"]),
                    expires: optional(&instr["expires"]),
                },
            );
        } else {
            let prefix = format!("{name}.");
            model.events.insert(
                name.clone(),
                EventModel {
                    description: string(&group["brief"]),
                    owner: string(&instr["owner"]),
                    properties: references
                        .iter()
                        .map(|reference| {
                            let id = string(&reference["ref"]);
                            let attribute = attributes[&id];
                            (
                                id.strip_prefix(&prefix).unwrap().to_owned(),
                                (
                                    string(&attribute["annotations"]["instr"]["type"]),
                                    string(&reference["requirement_level"]) == "recommended",
                                ),
                            )
                        })
                        .collect(),
                },
            );
        }
    }
    model
}

/// Every valid schema file in the repository (tests' fixtures and corpus included).
fn every_valid_schema() -> Vec<(PathBuf, Schema)> {
    let mut found = Vec::new();
    let mut stack = vec![repo()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap().flatten() {
            let path = entry.path();
            let name = entry.file_name().to_string_lossy().into_owned();
            if path.is_dir() {
                if !["target", ".git", "bad", "fuzz"].contains(&name.as_str()) {
                    stack.push(path);
                }
            } else if name.ends_with(".toml")
                && name != "Cargo.toml"
                && std::fs::read_to_string(&path).is_ok_and(|text| text.contains("version = 1"))
                && let Some(schema) = load(&path)
            {
                found.push((path, schema));
            }
        }
    }
    found.sort_by(|a, b| a.0.cmp(&b.0));
    found
}

/// Each valid schema's export is valid and reads back into the model the schema itself gives:
/// metrics (kind, description, unit, owner, labels, buckets, stability, deprecation,
/// review-by date), labels (description, values, `max_values`), events (description, owner,
/// property types and optionality), which features use which metric or event and how, and
/// the owners' contacts.
#[test]
fn every_schema_round_trips() {
    let schemas = every_valid_schema();
    assert!(
        schemas.len() >= 20,
        "{:?}",
        schemas.iter().map(|(path, _)| path).collect::<Vec<_>>()
    );
    let mut deprecated = 0;
    let mut open_labels = 0;
    for (path, schema) in &schemas {
        let files = export(schema);
        assert_eq!(
            violations(&files),
            Vec::<String>::new(),
            "{}",
            path.display()
        );
        assert_eq!(
            from_export(&files),
            from_schema(schema),
            "{}",
            path.display()
        );
        deprecated += schema
            .metrics
            .values()
            .filter(|metric| metric.stability == Stability::Deprecated)
            .count();
        open_labels += schema
            .labels
            .values()
            .filter(|label| label.closed_values().is_none())
            .count();
    }
    // The corpus exercises what is hardest to carry over.
    assert!(
        deprecated > 0 && open_labels > 0,
        "{deprecated} {open_labels}"
    );
}
