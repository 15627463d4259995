//! The `metrics-facade` backend: every emitter goes through the `metrics` crate. Each series'
//! handle is resolved from the installed recorder once and cached, so an emission is an index
//! and a call on the cached handle.
//!
//! Handles are resolved on first use: install the recorder before the first emission (or
//! before `CATALOG.register()`), as with any metrics-rs handle.

use std::sync::OnceLock;

use metrics::{Key, KeyName, Level, Metadata, SharedString, Unit};

use super::{Sample, Store};
use crate::catalog::{Catalog, Metric};
use crate::labels::{self, LabelSlot};
use crate::{testing, thread};

static METADATA: Metadata<'static> = Metadata::new("instr", Level::INFO, Some(module_path!()));

/// The metrics-rs key of a series; `None` for an open-label slot no value has taken (the
/// emitter assigns the slot before it asks, so this does not happen on emission).
fn key(metric: &Metric, labels: &[LabelSlot], series: usize) -> Option<Key> {
    let labels: Vec<metrics::Label> = labels::decode(labels, series)?
        .into_iter()
        .map(|(name, value)| metrics::Label::new(name, value.into_owned()))
        .collect();
    Some(Key::from_parts(metric.name, labels))
}

fn describe(metric: &'static Metric) {
    let unit = metric.unit.and_then(Unit::from_string);
    let name = KeyName::from(metric.name);
    let description = SharedString::from(metric.description);
    metrics::with_recorder(|recorder| match metric.kind {
        crate::catalog::MetricKind::Counter => recorder.describe_counter(name, unit, description),
        crate::catalog::MetricKind::Gauge => recorder.describe_gauge(name, unit, description),
        crate::catalog::MetricKind::Histogram => {
            recorder.describe_histogram(name, unit, description);
        }
    });
}

/// Checks the thread state: captures for a test recorder when one is active.
#[inline(always)]
fn observe(capture: impl FnOnce()) {
    let state = thread::state();
    if state & thread::SLOW != 0 {
        thread::slow_path(state, capture);
    }
}

macro_rules! facade_store {
    ($store:ident, $handle:ty, $register:ident) => {
        impl<const N: usize> $store<N> {
            #[inline]
            fn handle(&self, series: usize) -> Option<&$handle> {
                let slot = self.handles.get(series)?;
                if let Some(handle) = slot.get() {
                    return Some(handle);
                }
                let key = key(self.metric, self.labels, series)?;
                Some(slot.get_or_init(|| {
                    metrics::with_recorder(|recorder| recorder.$register(&key, &METADATA))
                }))
            }
        }

        impl<const N: usize> Store for $store<N> {
            fn metric(&self) -> &'static Metric {
                self.metric
            }

            fn labels(&self) -> &'static [LabelSlot] {
                self.labels
            }

            fn read(&self, _series: usize) -> Option<Sample> {
                None
            }

            fn bytes(&self) -> usize {
                std::mem::size_of_val(self)
            }

            fn on_register(&self) {
                describe(self.metric);
                // Closed-label series exist from the start, at zero.
                if labels::all_closed(self.labels) {
                    for series in 0..N {
                        let _ = self.handle(series);
                    }
                }
            }
        }
    };
}

/// A counter with `N` series.
pub struct CounterStore<const N: usize> {
    metric: &'static Metric,
    labels: &'static [LabelSlot],
    handles: [OnceLock<metrics::Counter>; N],
}

impl<const N: usize> CounterStore<N> {
    /// The store of `metric`.
    pub const fn new(metric: &'static Metric, labels: &'static [LabelSlot]) -> Self {
        Self {
            metric,
            labels,
            handles: [const { OnceLock::new() }; N],
        }
    }

    /// Adds `value` to a series.
    #[inline]
    pub fn add(&'static self, catalog: &'static Catalog, series: usize, value: u64) {
        catalog.__ensure_registered();
        observe(|| testing::capture_counter(self.metric, self.labels, series, value));
        if let Some(handle) = self.handle(series) {
            handle.increment(value);
        }
    }
}

facade_store!(CounterStore, metrics::Counter, register_counter);

/// A gauge with `N` series.
pub struct GaugeStore<const N: usize> {
    metric: &'static Metric,
    labels: &'static [LabelSlot],
    handles: [OnceLock<metrics::Gauge>; N],
}

impl<const N: usize> GaugeStore<N> {
    /// The store of `metric`.
    pub const fn new(metric: &'static Metric, labels: &'static [LabelSlot]) -> Self {
        Self {
            metric,
            labels,
            handles: [const { OnceLock::new() }; N],
        }
    }

    /// Sets a series.
    #[inline]
    pub fn set(&'static self, catalog: &'static Catalog, series: usize, value: f64) {
        catalog.__ensure_registered();
        observe(|| testing::capture_gauge(self.metric, self.labels, series, value, true));
        if let Some(handle) = self.handle(series) {
            handle.set(value);
        }
    }

    /// Adds to a series (subtracts for negative `value`).
    #[inline]
    pub fn add(&'static self, catalog: &'static Catalog, series: usize, value: f64) {
        catalog.__ensure_registered();
        observe(|| testing::capture_gauge(self.metric, self.labels, series, value, false));
        if let Some(handle) = self.handle(series) {
            handle.increment(value);
        }
    }
}

facade_store!(GaugeStore, metrics::Gauge, register_gauge);

/// A histogram with `N` series (`CELLS` only matters to the static backend).
pub struct HistogramStore<const N: usize, const CELLS: usize> {
    metric: &'static Metric,
    labels: &'static [LabelSlot],
    handles: [OnceLock<metrics::Histogram>; N],
}

impl<const N: usize, const CELLS: usize> HistogramStore<N, CELLS> {
    /// The store of `metric`.
    pub const fn new(metric: &'static Metric, labels: &'static [LabelSlot]) -> Self {
        Self {
            metric,
            labels,
            handles: [const { OnceLock::new() }; N],
        }
    }

    /// Records an observation in a series (the recorder knows the buckets; `_bounds` is for
    /// the static backend).
    #[inline]
    pub fn record(
        &'static self,
        catalog: &'static Catalog,
        series: usize,
        value: f64,
        _bounds: &'static [f64],
    ) {
        catalog.__ensure_registered();
        observe(|| testing::capture_histogram(self.metric, self.labels, series, value));
        if let Some(handle) = self.handle(series) {
            handle.record(value);
        }
    }

    #[inline]
    fn handle(&self, series: usize) -> Option<&metrics::Histogram> {
        let slot = self.handles.get(series)?;
        if let Some(handle) = slot.get() {
            return Some(handle);
        }
        let key = key(self.metric, self.labels, series)?;
        Some(slot.get_or_init(|| {
            metrics::with_recorder(|recorder| recorder.register_histogram(&key, &METADATA))
        }))
    }
}

impl<const N: usize, const CELLS: usize> Store for HistogramStore<N, CELLS> {
    fn metric(&self) -> &'static Metric {
        self.metric
    }

    fn labels(&self) -> &'static [LabelSlot] {
        self.labels
    }

    fn read(&self, _series: usize) -> Option<Sample> {
        None
    }

    fn bytes(&self) -> usize {
        std::mem::size_of_val(self)
    }

    fn on_register(&self) {
        describe(self.metric);
        if labels::all_closed(self.labels) {
            for series in 0..N {
                let _ = self.handle(series);
            }
        }
    }
}
