//! What every store is to the rest of the crate: the [`Store`] interface the exposition and
//! registration read through, the [`MetricEntry`] pairing a store with its metric and label
//! slots, and a series' [`Sample`].

use crate::catalog::items::Metric;
use crate::labels::LabelSlot;

/// What the exposition and registration need from a store.
pub trait Store: Sync {
    /// The current value of a series; `None` when values live elsewhere (`metrics-facade`).
    fn read(&self, entry: &'static MetricEntry, series: usize) -> Option<Sample>;
    /// Called once when the catalog registers.
    fn on_register(&'static self, entry: &'static MetricEntry);
    /// Bytes of static storage the store occupies.
    fn bytes(&self) -> usize;
    /// True when [`Store::read`] has the values (the static store); false when they live in
    /// another library.
    fn holds_values(&self) -> bool {
        true
    }
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
