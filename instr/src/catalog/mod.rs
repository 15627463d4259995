//! The schema as data at run time: what a service measures and who owns it.
//!
//! `instr::schema!` generates a `CATALOG` static of type [`Catalog`]; a service can render it
//! (say, on an admin page) or look up owners and features from it.

pub(crate) mod items;

use std::sync::atomic::AtomicBool;

use crate::entry::MetricEntry;

pub use items::{
    Event, Feature, Label, LabelValues, Metric, MetricKind, Objective, Owner, Property, Stability,
};

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
    /// Set once the catalog registered (see `crate::registry`).
    pub(crate) registered: AtomicBool,
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
