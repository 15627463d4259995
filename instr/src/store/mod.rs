//! The stores generated code writes to: one static per metric, sized by the schema.
//!
//! Two backends share one interface: the default static store ([`local`]), and with the
//! `metrics-facade` feature the `metrics` crate ([`facade`]). Generated code is the same for
//! both.
//!
//! A store static holds only its cells, all zero at start, so it lands in `.bss`: its size
//! costs neither binary size nor memory until a thread writes it. What the store is about
//! (metric, labels) sits in a separate, small [`MetricEntry`].

use crate::catalog::Metric;
use crate::labels::LabelSlot;

/// How many shards counters and histograms spread over: [`EXCLUSIVE_SHARDS`] owned by one
/// thread each (updated without locked instructions), then shared ones for further threads.
pub(crate) const SHARDS: usize = 12;

/// Shards owned by a single thread each (see `thread`).
pub(crate) const EXCLUSIVE_SHARDS: usize = 8;

/// What the exposition and registration need from a store.
pub trait Store: Sync {
    /// The current value of a series; `None` when values live elsewhere (`metrics-facade`).
    fn read(&self, entry: &'static MetricEntry, series: usize) -> Option<Sample>;
    /// Called once when the catalog registers.
    fn on_register(&self, entry: &'static MetricEntry);
    /// Bytes of static storage the store occupies.
    fn bytes(&self) -> usize;
}

/// A metric's store with what it is about: the catalog entry and the label slots.
pub struct MetricEntry {
    pub(crate) metric: &'static Metric,
    pub(crate) labels: &'static [LabelSlot],
    pub(crate) store: &'static dyn Store,
}

impl MetricEntry {
    /// Pairs a store with its metric and labels.
    pub const fn new(
        metric: &'static Metric,
        labels: &'static [LabelSlot],
        store: &'static dyn Store,
    ) -> Self {
        Self {
            metric,
            labels,
            store,
        }
    }
}

/// One series' value.
#[derive(Clone, Debug, PartialEq)]
pub enum Sample {
    /// A counter's total.
    Counter(u64),
    /// A gauge's value.
    Gauge(f64),
    /// A histogram's per-bucket counts (not cumulative; the last is `+Inf`) and sum.
    Histogram {
        /// Observations per bucket, the `+Inf` bucket last.
        buckets: Vec<u64>,
        /// The sum of observations.
        sum: f64,
    },
}

#[cfg(not(feature = "metrics-facade"))]
mod cells;
#[cfg(not(feature = "metrics-facade"))]
mod local;
#[cfg(not(feature = "metrics-facade"))]
pub use local::{CounterStore, GaugeStore, HistogramStore};

#[cfg(feature = "metrics-facade")]
mod facade;
#[cfg(feature = "metrics-facade")]
pub use facade::{CounterStore, GaugeStore, HistogramStore};
