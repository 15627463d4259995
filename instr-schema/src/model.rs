//! The validated, typed schema: what code generation, the checker and the renderers read.
//!
//! Every item keeps the location it was declared at, so findings about it can point into the
//! schema. Maps are ordered by name, so everything derived from a schema is deterministic.

use std::collections::BTreeMap;

use crate::diag::Loc;
use crate::duration::Duration;
use crate::spanned::Spanned;

/// A loaded and validated schema.
#[derive(Clone, Debug, Default)]
pub struct Schema {
    /// The schema format version (always 1 today).
    pub version: u32,
    /// Teams that own metrics, events and features, by id.
    pub owners: BTreeMap<String, Owner>,
    /// Shared label definitions, by id.
    pub labels: BTreeMap<String, Label>,
    /// Metrics, by Prometheus name.
    pub metrics: BTreeMap<String, Metric>,
    /// Product events, by name.
    pub events: BTreeMap<String, Event>,
    /// Features, by name.
    pub features: BTreeMap<String, Feature>,
    /// `[exempt]`: endpoints that serve no feature on purpose, each with its reason.
    pub exempt: Vec<Exemption>,
}

/// An `[exempt]` entry: an endpoint no feature measures, on purpose. For endpoints that
/// cannot carry `#[instr::exempt]`: closures, static-file services, fallbacks and other
/// crates' functions.
#[derive(Clone, Debug)]
pub struct Exemption {
    /// What is exempt, where the schema names it.
    pub target: Spanned<ExemptTarget>,
    /// Why.
    pub reason: String,
}

/// What an exemption names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ExemptTarget {
    /// A route, `METHOD /path`.
    Route(Route),
    /// A handler by its path (`shop::ops::health`, or another crate's function).
    Handler(String),
}

impl std::fmt::Display for ExemptTarget {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Route(route) => route.fmt(f),
            Self::Handler(path) => f.write_str(path),
        }
    }
}

/// The kinds of item a schema declares, as `kind:name` keys name an item
/// (`metric:checkout_attempts_total`, `objective:checkout/availability`).
pub const ITEM_KINDS: [&str; 6] = ["metric", "event", "label", "feature", "objective", "owner"];

/// HTTP methods, as routes spell them (`ANY` and `GRPC` are not methods, and are not here).
pub const HTTP_METHODS: [&str; 9] = [
    "GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "TRACE", "CONNECT",
];

/// A team that owns numbers.
#[derive(Clone, Debug)]
pub struct Owner {
    /// The owner's id, as other items refer to it.
    pub name: Spanned<String>,
    /// Who this is, for people.
    pub description: Option<String>,
    /// Where to reach them: a chat channel, an email address or a URL.
    pub contact: String,
}

/// A label: a closed set of values, or an open string with a cap on distinct values.
#[derive(Clone, Debug)]
pub struct Label {
    /// The label's id, which is also its Prometheus label name.
    pub name: Spanned<String>,
    /// What the label distinguishes.
    pub description: Option<String>,
    /// Which values it takes.
    pub values: LabelValues,
}

/// The values a label takes.
#[derive(Clone, Debug, PartialEq)]
pub enum LabelValues {
    /// Exactly these values, in declaration order.
    Closed(Vec<String>),
    /// Any string; values past the first `max_values` distinct ones are reported as
    /// [`OTHER_VALUE`].
    Open {
        /// How many distinct values are kept before folding into `"other"`.
        max_values: u32,
    },
}

/// The value an open label reports once it has seen `max_values` distinct values.
pub const OTHER_VALUE: &str = "other";

impl Label {
    /// How many time series this label can split a metric into.
    pub fn cardinality(&self) -> u64 {
        match &self.values {
            LabelValues::Closed(values) => values.len() as u64,
            // The fold value `other` is one more series.
            LabelValues::Open { max_values } => u64::from(*max_values) + 1,
        }
    }

    /// The closed values, or `None` for an open label.
    pub fn closed_values(&self) -> Option<&[String]> {
        match &self.values {
            LabelValues::Closed(values) => Some(values),
            LabelValues::Open { .. } => None,
        }
    }
}

/// Prometheus metric types.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum MetricKind {
    /// A monotonically increasing count.
    Counter,
    /// A value that goes up and down.
    Gauge,
    /// Observations counted into fixed buckets.
    Histogram,
}

impl MetricKind {
    /// Every kind, in the order the docs list them.
    pub const ALL: [MetricKind; 3] = [Self::Counter, Self::Gauge, Self::Histogram];

    /// The schema (and Prometheus `# TYPE`) spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Counter => "counter",
            Self::Gauge => "gauge",
            Self::Histogram => "histogram",
        }
    }
}

/// Where a metric is in its life.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum Stability {
    /// May change without notice.
    Experimental,
    /// Dashboards and alerts may rely on it (the default).
    #[default]
    Stable,
    /// Going away; [`Metric::deprecated`] says what replaces it.
    Deprecated,
}

impl Stability {
    /// Every stability, in the order the docs list them.
    pub const ALL: [Stability; 3] = [Self::Experimental, Self::Stable, Self::Deprecated];

    /// The schema spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Experimental => "experimental",
            Self::Stable => "stable",
            Self::Deprecated => "deprecated",
        }
    }
}

/// A calendar date, `YYYY-MM-DD`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    /// The year.
    pub year: i16,
    /// The month, 1 to 12.
    pub month: i8,
    /// The day of the month, from 1.
    pub day: i8,
}

impl std::fmt::Display for Date {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// A metric declared in the schema.
#[derive(Clone, Debug)]
pub struct Metric {
    /// The Prometheus name.
    pub name: Spanned<String>,
    /// Counter, gauge or histogram.
    pub kind: MetricKind,
    /// What it measures.
    pub description: String,
    /// The owner's id.
    pub owner: Spanned<String>,
    /// The base unit (`seconds`, `bytes`, ...), also the name's suffix.
    pub unit: Option<String>,
    /// The label ids, in declaration order.
    pub labels: Vec<Spanned<String>>,
    /// Histogram bucket upper bounds, strictly increasing (without `+Inf`); empty for
    /// counters and gauges.
    pub buckets: Vec<f64>,
    /// Where it is in its life.
    pub stability: Stability,
    /// For a deprecated metric: its replacement or the reason.
    pub deprecated: Option<String>,
    /// The metric that replaces a deprecated one, when the `deprecated` text names a declared
    /// metric (in backticks, or as the whole text).
    pub replaced_by: Option<String>,
    /// The review-by date, after which the checker warns.
    pub expires: Option<Date>,
}

/// The buckets a histogram gets when the schema gives none: Prometheus' client default,
/// suited to request latencies in seconds.
pub const DEFAULT_BUCKETS: [f64; 11] = [
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

/// A product or business event.
#[derive(Clone, Debug)]
pub struct Event {
    /// The event name.
    pub name: Spanned<String>,
    /// What happened.
    pub description: String,
    /// The owner's id.
    pub owner: Spanned<String>,
    /// Typed properties, ordered by name.
    pub properties: Vec<Property>,
}

/// One property of an event.
#[derive(Clone, Debug)]
pub struct Property {
    /// The property name.
    pub name: Spanned<String>,
    /// Its type.
    pub ty: PropertyType,
    /// Whether it may be absent (`"type?"`).
    pub optional: bool,
}

/// The type of an event property.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PropertyType {
    /// `bool`.
    Bool,
    /// `i64`.
    I64,
    /// `u64`.
    U64,
    /// `f64`.
    F64,
    /// `string`.
    String,
    /// One of a label's values; holds the label id.
    Label(String),
}

impl PropertyType {
    /// The schema spelling, without the optional marker.
    pub fn as_str(&self) -> &str {
        match self {
            Self::Bool => "bool",
            Self::I64 => "i64",
            Self::U64 => "u64",
            Self::F64 => "f64",
            Self::String => "string",
            Self::Label(label) => label,
        }
    }
}

/// A feature: something shipped, who owns it, and how its success is measured.
#[derive(Clone, Debug)]
pub struct Feature {
    /// The feature name, as `#[instr::handler(feature = "...")]` names it.
    pub name: Spanned<String>,
    /// What the feature is.
    pub description: String,
    /// The owner's id.
    pub owner: Spanned<String>,
    /// Metrics or events that say whether it works (at least one).
    pub success_metrics: Vec<Spanned<String>>,
    /// Metrics that must not get worse while it ships.
    pub guardrail_metrics: Vec<Spanned<String>>,
    /// Routes served by this feature, mapped from the schema side.
    pub routes: Vec<Spanned<Route>>,
    /// Handler functions served by this feature, as Rust paths (`crate::api::checkout`).
    pub handlers: Vec<Spanned<String>>,
    /// Service level objectives.
    pub objectives: Vec<Objective>,
}

/// `METHOD /path`, as written in a feature's `routes`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Route {
    /// The HTTP method in upper case, `ANY` for every method, or `GRPC`.
    pub method: String,
    /// The path, starting with `/`.
    pub path: String,
}

impl std::fmt::Display for Route {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.method, self.path)
    }
}

/// A service level objective of a feature.
#[derive(Clone, Debug)]
pub struct Objective {
    /// Its name, unique within the feature.
    pub name: Spanned<String>,
    /// The fraction of good events to reach, strictly between 0 and 1.
    pub target: f64,
    /// The compliance window.
    pub window: Duration,
    /// How good events are counted.
    pub indicator: Indicator,
    /// The whole `[[objectives]]` entry.
    pub loc: Loc,
}

/// How an objective's service level indicator is computed.
#[derive(Clone, Debug)]
pub enum Indicator {
    /// Good events over total events, both from counters.
    Ratio {
        /// The series that count good events.
        good: Selector,
        /// The series that count all events.
        total: Selector,
    },
    /// The share of histogram observations at or under a threshold.
    Latency {
        /// The histogram (and label matchers).
        selector: Selector,
        /// The threshold in the histogram's unit; always one of its bucket bounds.
        threshold: f64,
    },
}

/// A metric and matchers on its labels.
#[derive(Clone, Debug)]
pub struct Selector {
    /// The metric name.
    pub metric: Spanned<String>,
    /// Label id to the values it may take; a series matches when every listed label has one
    /// of its values.
    pub matchers: BTreeMap<String, Vec<String>>,
}

impl Schema {
    /// The labels of a metric, resolved; unknown ids are skipped.
    pub fn metric_labels<'a>(&'a self, metric: &'a Metric) -> impl Iterator<Item = &'a Label> + 'a {
        metric
            .labels
            .iter()
            .filter_map(|id| self.labels.get(&id.value))
    }

    /// The features that use a metric or event: as success or guardrail metric, or in an
    /// objective.
    pub fn features_using<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Feature> + 'a {
        self.features.values().filter(move |feature| {
            feature
                .success_metrics
                .iter()
                .chain(&feature.guardrail_metrics)
                .any(|metric| metric.value == name)
                || feature
                    .objectives
                    .iter()
                    .any(|objective| objective.indicator.metrics().any(|metric| metric == name))
        })
    }
}

impl Indicator {
    /// The metrics the indicator reads.
    pub fn metrics(&self) -> impl Iterator<Item = &str> {
        let (first, second) = match self {
            Self::Ratio { good, total } => (good, Some(total)),
            Self::Latency { selector, .. } => (selector, None),
        };
        std::iter::once(first.metric.value.as_str()).chain(second.map(|s| s.metric.value.as_str()))
    }
}
