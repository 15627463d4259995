//! The schema as data at run time: what a service measures and who owns it.
//!
//! `instr::schema!` generates a `CATALOG` static of type [`Catalog`]; a service can render it
//! (say, on an admin page) or look up owners and features from it.

use std::sync::atomic::{AtomicBool, Ordering};

use crate::registry;
use crate::store::MetricEntry;

/// Everything one schema declares.
pub struct Catalog {
    /// The schema's path as the macro was given it.
    pub schema: &'static str,
    /// Teams that own metrics, events and features, by name.
    pub owners: &'static [Owner],
    /// Label definitions, by name.
    pub labels: &'static [Label],
    /// Metrics, by name.
    pub metrics: &'static [Metric],
    /// Product events, by name.
    pub events: &'static [Event],
    /// Features, by name.
    pub features: &'static [Feature],
    entries: &'static [MetricEntry],
    registered: AtomicBool,
}

impl Catalog {
    #[doc(hidden)]
    #[allow(clippy::too_many_arguments)]
    pub const fn __new(
        schema: &'static str,
        owners: &'static [Owner],
        labels: &'static [Label],
        metrics: &'static [Metric],
        events: &'static [Event],
        features: &'static [Feature],
        entries: &'static [MetricEntry],
    ) -> Self {
        Self {
            schema,
            owners,
            labels,
            metrics,
            events,
            features,
            entries,
            registered: AtomicBool::new(false),
        }
    }

    /// Adds the catalog's metrics to [`crate::prometheus::render`] (with the `metrics-facade`
    /// feature: describes them to the `metrics` recorder and registers every closed-label
    /// series). Emitting any of its metrics does this too; call it at start-up so the first
    /// scrape already shows every series at zero. Calling it again does nothing.
    pub fn register(&'static self) {
        if self.registered.swap(true, Ordering::AcqRel) {
            return;
        }
        registry::add(self);
        for entry in self.entries {
            entry.store.on_register(entry);
        }
    }

    #[doc(hidden)]
    #[inline]
    pub fn __ensure_registered(&'static self) {
        if !self.registered.load(Ordering::Relaxed) {
            self.register_cold();
        }
    }

    #[cold]
    #[inline(never)]
    fn register_cold(&'static self) {
        self.register();
    }

    /// The stores behind the metrics, in the order of [`Catalog::metrics`].
    pub(crate) fn entries(&self) -> &'static [MetricEntry] {
        self.entries
    }

    /// Bytes of static storage behind each metric, in the order of [`Catalog::metrics`]
    /// (open labels' interned strings not included).
    pub fn storage_bytes(&self) -> Vec<(&'static str, usize)> {
        self.entries
            .iter()
            .map(|entry| (entry.metric.name, entry.store.bytes()))
            .collect()
    }

    /// A metric by name.
    pub fn metric(&self, name: &str) -> Option<&'static Metric> {
        self.metrics.iter().find(|metric| metric.name == name)
    }

    /// A feature by name.
    pub fn feature(&self, name: &str) -> Option<&'static Feature> {
        self.features.iter().find(|feature| feature.name == name)
    }

    /// An owner by name.
    pub fn owner(&self, name: &str) -> Option<&'static Owner> {
        self.owners.iter().find(|owner| owner.name == name)
    }
}

impl std::fmt::Debug for Catalog {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Catalog")
            .field("schema", &self.schema)
            .field("owners", &self.owners)
            .field("labels", &self.labels)
            .field("metrics", &self.metrics)
            .field("events", &self.events)
            .field("features", &self.features)
            .finish_non_exhaustive()
    }
}

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
