//! The `metrics-facade` backend: every emitter goes through the `metrics` crate. Each series'
//! handle is resolved from the installed recorder once and cached, so an emission is an index
//! and a call on the cached handle.
//!
//! Handles are resolved on first use: install the recorder before the first emission (or
//! before `CATALOG.register()`), as with any metrics-rs handle.

use metrics::{Key, KeyName, Level, Metadata, SharedString, Unit};

use super::series::{LabelValues, PerSeries, observe};
use crate::catalog::{Catalog, MetricKind};
use crate::entry::{MetricEntry, Sample, Store};
use crate::testing;

static METADATA: Metadata<'static> = Metadata::new("instr", Level::INFO, Some(module_path!()));

/// The metrics-rs key of a series.
fn key(entry: &MetricEntry, values: &LabelValues) -> Key {
    let labels: Vec<metrics::Label> = values
        .iter()
        .map(|(name, value)| metrics::Label::new(*name, value.clone().into_owned()))
        .collect();
    Key::from_parts(entry.metric.name, labels)
}

fn describe(entry: &MetricEntry) {
    let metric = entry.metric;
    let unit = metric.unit.and_then(Unit::from_string);
    let name = KeyName::from(metric.name);
    let description = SharedString::from(metric.description);
    metrics::with_recorder(|recorder| match metric.kind {
        MetricKind::Counter => recorder.describe_counter(name, unit, description),
        MetricKind::Gauge => recorder.describe_gauge(name, unit, description),
        MetricKind::Histogram => recorder.describe_histogram(name, unit, description),
    });
}

/// Cached handles, one per series.
struct Handles<H, const N: usize>(PerSeries<H, N>);

impl<H, const N: usize> Handles<H, N> {
    const fn new() -> Self {
        Self(PerSeries::new())
    }

    #[inline]
    fn get(&self, entry: &MetricEntry, series: usize, register: fn(&Key) -> H) -> Option<&H> {
        self.0
            .get(entry, series, |values| register(&key(entry, values)))
    }

    /// Describes the metric and registers every series when all labels are closed, so they
    /// exist from the start, at zero.
    fn register_all(&self, entry: &MetricEntry, register: fn(&Key) -> H) {
        describe(entry);
        let _ = self
            .0
            .build_closed(entry, |values| register(&key(entry, values)))
            .count();
    }
}

fn counter(key: &Key) -> metrics::Counter {
    metrics::with_recorder(|recorder| recorder.register_counter(key, &METADATA))
}

fn gauge(key: &Key) -> metrics::Gauge {
    metrics::with_recorder(|recorder| recorder.register_gauge(key, &METADATA))
}

fn histogram(key: &Key) -> metrics::Histogram {
    metrics::with_recorder(|recorder| recorder.register_histogram(key, &METADATA))
}

/// A counter with `N` series.
pub struct CounterStore<const N: usize> {
    handles: Handles<metrics::Counter, N>,
}

impl<const N: usize> CounterStore<N> {
    /// No handle resolved yet.
    pub const fn new() -> Self {
        Self {
            handles: Handles::new(),
        }
    }

    /// Adds `value` to a series.
    #[inline]
    pub fn add(
        &'static self,
        entry: &'static MetricEntry,
        catalog: &'static Catalog,
        series: usize,
        value: u64,
    ) {
        catalog.__ensure_registered();
        observe(|| testing::capture_counter(entry.metric, entry.labels, series, value));
        if let Some(handle) = self.handles.get(entry, series, counter) {
            handle.increment(value);
        }
    }
}

/// A gauge with `N` series.
pub struct GaugeStore<const N: usize> {
    handles: Handles<metrics::Gauge, N>,
}

impl<const N: usize> GaugeStore<N> {
    /// No handle resolved yet.
    pub const fn new() -> Self {
        Self {
            handles: Handles::new(),
        }
    }

    /// Sets a series.
    #[inline]
    pub fn set(
        &'static self,
        entry: &'static MetricEntry,
        catalog: &'static Catalog,
        series: usize,
        value: f64,
    ) {
        catalog.__ensure_registered();
        observe(|| testing::capture_gauge(entry.metric, entry.labels, series, value, true));
        if let Some(handle) = self.handles.get(entry, series, gauge) {
            handle.set(value);
        }
    }

    /// Adds to a series (subtracts for negative `value`).
    #[inline]
    pub fn add(
        &'static self,
        entry: &'static MetricEntry,
        catalog: &'static Catalog,
        series: usize,
        value: f64,
    ) {
        catalog.__ensure_registered();
        observe(|| testing::capture_gauge(entry.metric, entry.labels, series, value, false));
        if let Some(handle) = self.handles.get(entry, series, gauge) {
            handle.increment(value);
        }
    }
}

/// A histogram with `N` series (`CELLS` only matters to the static backend).
pub struct HistogramStore<const N: usize, const CELLS: usize> {
    handles: Handles<metrics::Histogram, N>,
}

impl<const N: usize, const CELLS: usize> HistogramStore<N, CELLS> {
    /// No handle resolved yet.
    pub const fn new() -> Self {
        Self {
            handles: Handles::new(),
        }
    }

    /// Records an observation in a series (the recorder knows the buckets; `_bounds` is for
    /// the static backend).
    #[inline]
    pub fn record(
        &'static self,
        entry: &'static MetricEntry,
        catalog: &'static Catalog,
        series: usize,
        value: f64,
        _bounds: &'static [f64],
    ) {
        catalog.__ensure_registered();
        observe(|| testing::capture_histogram(entry.metric, entry.labels, series, value));
        if let Some(handle) = self.handles.get(entry, series, histogram) {
            handle.record(value);
        }
    }
}

macro_rules! facade_store {
    ($store:ty, $register:ident, [$($generics:tt)*]) => {
        impl<$($generics)*> Default for $store {
            fn default() -> Self {
                Self::new()
            }
        }

        impl<$($generics)*> Store for $store {
            fn read(&self, _entry: &'static MetricEntry, _series: usize) -> Option<Sample> {
                None
            }

            fn on_register(&'static self, entry: &'static MetricEntry) {
                self.handles.register_all(entry, $register);
            }

            fn bytes(&self) -> usize {
                std::mem::size_of_val(self)
            }

            fn holds_values(&self) -> bool {
                false
            }
        }
    };
}

facade_store!(CounterStore<N>, counter, [const N: usize]);
facade_store!(GaugeStore<N>, gauge, [const N: usize]);
facade_store!(HistogramStore<N, CELLS>, histogram, [const N: usize, const CELLS: usize]);
