//! The stores generated code writes to: one static per metric, sized by the schema.
//!
//! Three backends share one interface: the default static store ([`local`]), with the
//! `metrics-facade` feature the `metrics` crate ([`facade`]), and with the `otel` feature
//! OpenTelemetry instruments ([`otel`]). Generated code is the same for all three. The static
//! store is always compiled, as [`native`], so a build with another backend can still measure
//! it side by side (the emit benchmark does, through `schema!`'s hidden `backend = "native"`).
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

#[cfg(all(feature = "metrics-facade", feature = "otel"))]
compile_error!(
    "instr: the features `metrics-facade` and `otel` each choose where emitters write; enable one"
);

mod cells;
mod local;

/// The static store, whichever backend the generated code uses by default.
pub mod native {
    pub use super::local::{CounterStore, GaugeStore, HistogramStore};
}

#[cfg(not(any(feature = "metrics-facade", feature = "otel")))]
pub use local::{CounterStore, GaugeStore, HistogramStore};

#[cfg(any(feature = "metrics-facade", feature = "otel"))]
mod series;

#[cfg(feature = "metrics-facade")]
mod facade;
#[cfg(feature = "metrics-facade")]
pub use facade::{CounterStore, GaugeStore, HistogramStore};

#[cfg(feature = "otel")]
mod otel;
#[cfg(all(feature = "otel", not(feature = "metrics-facade")))]
pub use otel::{CounterStore, GaugeStore, HistogramStore};

/// Runs `capture` for a test recorder when one is active, for backends that do not use the
/// static store's shards (the shard is assigned all the same, on the thread's first emission).
#[cfg(any(feature = "metrics-facade", feature = "otel"))]
#[inline(always)]
fn observe(capture: impl FnOnce()) {
    crate::thread::emission_shard(capture);
}
