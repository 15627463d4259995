//! What a schema declares, as data: owners, labels, metrics, events, features and their
//! objectives. Re-exported by [`crate::catalog`].

/// A team that owns numbers.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Owner {
    /// The owner's id.
    pub name: &'static str,
    /// Who this is, for people.
    pub description: Option<&'static str>,
    /// Where to reach them.
    pub contact: &'static str,
}

/// A label definition.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Label {
    /// The label's name.
    pub name: &'static str,
    /// What it distinguishes.
    pub description: Option<&'static str>,
    /// Its values.
    pub values: LabelValues,
}

/// The values a label takes.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum LabelValues {
    /// Exactly these, in declaration order.
    Closed(&'static [&'static str]),
    /// Any string; past `max_values` distinct values, `"other"`.
    Open {
        /// How many distinct values are kept.
        max_values: u32,
    },
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
    /// The Prometheus `# TYPE` spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Counter => "counter",
            Self::Gauge => "gauge",
            Self::Histogram => "histogram",
        }
    }
}

/// Where a metric is in its life.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Stability {
    /// May change without notice.
    Experimental,
    /// Dashboards and alerts may rely on it.
    Stable,
    /// Going away.
    Deprecated,
}

/// A metric.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Metric {
    /// The Prometheus name.
    pub name: &'static str,
    /// Counter, gauge or histogram.
    pub kind: MetricKind,
    /// What it measures (the `# HELP` text).
    pub description: &'static str,
    /// The base unit, if any.
    pub unit: Option<&'static str>,
    /// The unit as OpenTelemetry writes it, in [UCUM](https://ucum.org) (`s` for `seconds`,
    /// `By` for `bytes`; other units as written), computed from the schema by
    /// `instr_schema::names::ucum`; empty for a metric without a unit.
    pub ucum_unit: &'static str,
    /// The owner's id.
    pub owner: &'static str,
    /// Label names, in declaration order.
    pub labels: &'static [&'static str],
    /// Histogram bucket upper bounds (without `+Inf`); empty for other kinds.
    pub buckets: &'static [f64],
    /// Where it is in its life.
    pub stability: Stability,
    /// For a deprecated metric, its replacement or the reason.
    pub deprecated: Option<&'static str>,
    /// How many series it can have: the product of its labels' cardinalities.
    pub series: usize,
}

/// A product event.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Event {
    /// The event name.
    pub name: &'static str,
    /// What happened.
    pub description: &'static str,
    /// The owner's id.
    pub owner: &'static str,
    /// Its typed properties, by name.
    pub properties: &'static [Property],
}

/// One property of an event.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Property {
    /// The property name.
    pub name: &'static str,
    /// The schema type: `bool`, `i64`, `u64`, `f64`, `string` or a label name.
    pub ty: &'static str,
    /// Whether it may be absent.
    pub optional: bool,
}

/// A feature: something shipped, who owns it, and how its success is measured.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Feature {
    /// The feature name, as `#[instr::handler(feature = "...")]` names it.
    pub name: &'static str,
    /// What it is.
    pub description: &'static str,
    /// The owner's id.
    pub owner: &'static str,
    /// Metrics or events that say whether it works.
    pub success_metrics: &'static [&'static str],
    /// Metrics that must not get worse.
    pub guardrail_metrics: &'static [&'static str],
    /// Routes mapped to it in the schema, as `METHOD /path`.
    pub routes: &'static [&'static str],
    /// Handler paths mapped to it in the schema.
    pub handlers: &'static [&'static str],
    /// Its service level objectives.
    pub objectives: &'static [Objective],
}

/// A service level objective.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Objective {
    /// Its name within the feature.
    pub name: &'static str,
    /// `"ratio"` (good over total) or `"latency"` (share under a threshold).
    pub indicator: &'static str,
    /// The metrics the indicator reads.
    pub metrics: &'static [&'static str],
    /// The fraction of good events to reach.
    pub target: f64,
    /// The compliance window, as written (`28d`).
    pub window: &'static str,
}
