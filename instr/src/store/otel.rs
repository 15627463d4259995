//! The `otel` backend: every emitter writes to an OpenTelemetry instrument.
//!
//! Each metric's instrument is created once, from the global meter provider, with the
//! schema's description, unit (in UCUM, baked into the catalog: [`Metric::ucum_unit`]) and,
//! for histograms, the schema's buckets as explicit bucket boundaries. Each series' attribute set is built once
//! from its label values and kept, so an emission is an index, two atomic loads and the SDK's
//! call: instr neither allocates nor hashes on that path (the SDK does hash the attribute set
//! to find its aggregator, see `docs/otel.md`).
//!
//! - counters are `Counter<u64>`; every closed-label series is added 0 at registration, so it
//!   is exported from the start, as with the other backends;
//! - histograms are `Histogram<f64>`;
//! - gauges keep their value in instr (a gauge is set *and* moved up and down, which no single
//!   synchronous instrument does) and report it through an `ObservableGauge<f64>` whose
//!   callback reads every series at collection.
//!
//! Instruments come from the meter provider installed when the catalog registers (at its first
//! emission, or `CATALOG.register()`): install the provider before, as with any OpenTelemetry
//! instrument.

use std::sync::OnceLock;

use opentelemetry::metrics::{AsyncInstrument, Counter, Histogram, Meter, ObservableGauge};
use opentelemetry::{InstrumentationScope, KeyValue};

use super::local as native;
use super::series::{LabelValues, PerSeries, observe};
use crate::catalog::{Catalog, Metric};
use crate::entry::{MetricEntry, Sample, Store};
use crate::testing;

/// The meter every instrument comes from: the global provider's, scope `instr`.
fn meter() -> &'static Meter {
    static METER: OnceLock<Meter> = OnceLock::new();
    METER.get_or_init(|| {
        opentelemetry::global::meter_with_scope(
            InstrumentationScope::builder("instr")
                .with_version(env!("CARGO_PKG_VERSION"))
                .build(),
        )
    })
}

/// A series' attribute set.
fn attributes(values: &LabelValues) -> Box<[KeyValue]> {
    values
        .iter()
        .map(|(name, value)| KeyValue::new(*name, value.clone()))
        .collect()
}

/// Attribute sets, built once per series.
type Attributes<const N: usize> = PerSeries<Box<[KeyValue]>, N>;

/// A synchronous instrument, created once, and the attribute set of each of `N` series.
struct Instrumented<I, const N: usize> {
    instrument: OnceLock<I>,
    attributes: Attributes<N>,
    create: fn(&'static Metric) -> I,
}

impl<I, const N: usize> Instrumented<I, N> {
    const fn new(create: fn(&'static Metric) -> I) -> Self {
        Self {
            instrument: OnceLock::new(),
            attributes: PerSeries::new(),
            create,
        }
    }

    fn instrument(&self, metric: &'static Metric) -> &I {
        self.instrument.get_or_init(|| (self.create)(metric))
    }

    /// Hands the instrument and the series' attributes to `emit`.
    #[inline]
    fn emit(&self, entry: &'static MetricEntry, series: usize, emit: impl FnOnce(&I, &[KeyValue])) {
        if let Some(attributes) = self.attributes.get(entry, series, attributes) {
            emit(self.instrument(entry.metric), attributes);
        }
    }
}

fn create_counter(metric: &'static Metric) -> Counter<u64> {
    meter()
        .u64_counter(metric.name)
        .with_description(metric.description)
        .with_unit(metric.ucum_unit)
        .build()
}

fn create_histogram(metric: &'static Metric) -> Histogram<f64> {
    meter()
        .f64_histogram(metric.name)
        .with_description(metric.description)
        .with_unit(metric.ucum_unit)
        .with_boundaries(metric.buckets.to_vec())
        .build()
}

/// A counter with `N` series.
pub struct CounterStore<const N: usize>(Instrumented<Counter<u64>, N>);

impl<const N: usize> CounterStore<N> {
    /// No instrument yet.
    pub const fn new() -> Self {
        Self(Instrumented::new(create_counter))
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
        self.0.emit(entry, series, |counter, attributes| {
            counter.add(value, attributes)
        });
    }
}

impl<const N: usize> Store for CounterStore<N> {
    fn read(&self, _entry: &'static MetricEntry, _series: usize) -> Option<Sample> {
        None
    }

    fn on_register(&'static self, entry: &'static MetricEntry) {
        let counter = self.0.instrument(entry.metric);
        for set in self.0.attributes.build_closed(entry, attributes) {
            counter.add(0, set);
        }
    }

    fn bytes(&self) -> usize {
        std::mem::size_of_val(self)
    }

    fn holds_values(&self) -> bool {
        false
    }
}

/// A gauge with `N` series: the values live in instr's static gauge cells, and an observable
/// gauge reports them.
pub struct GaugeStore<const N: usize> {
    cells: native::GaugeStore<N>,
    gauge: OnceLock<ObservableGauge<f64>>,
    attributes: Attributes<N>,
}

impl<const N: usize> GaugeStore<N> {
    /// Every series at zero, no instrument yet.
    pub const fn new() -> Self {
        Self {
            cells: native::GaugeStore::new(),
            gauge: OnceLock::new(),
            attributes: PerSeries::new(),
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
        self.cells.set(entry, catalog, series, value);
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
        self.cells.add(entry, catalog, series, value);
    }

    /// Reports every series that has label values, at collection.
    fn observe_all(&self, entry: &'static MetricEntry, observer: &dyn AsyncInstrument<f64>) {
        for series in 0..N {
            let Some(Sample::Gauge(value)) = self.cells.read(entry, series) else {
                continue;
            };
            if let Some(set) = self.attributes.get(entry, series, attributes) {
                observer.observe(value, set);
            }
        }
    }
}

impl<const N: usize> Store for GaugeStore<N> {
    fn read(&self, _entry: &'static MetricEntry, _series: usize) -> Option<Sample> {
        None
    }

    fn on_register(&'static self, entry: &'static MetricEntry) {
        self.gauge.get_or_init(|| {
            let metric = entry.metric;
            meter()
                .f64_observable_gauge(metric.name)
                .with_description(metric.description)
                .with_unit(metric.ucum_unit)
                .with_callback(move |observer| self.observe_all(entry, observer))
                .build()
        });
    }

    fn bytes(&self) -> usize {
        std::mem::size_of_val(self)
    }

    fn holds_values(&self) -> bool {
        false
    }
}

/// A histogram with `N` series (`CELLS` only matters to the static backend).
pub struct HistogramStore<const N: usize, const CELLS: usize>(Instrumented<Histogram<f64>, N>);

impl<const N: usize, const CELLS: usize> HistogramStore<N, CELLS> {
    /// No instrument yet.
    pub const fn new() -> Self {
        Self(Instrumented::new(create_histogram))
    }

    /// Records an observation in a series (the instrument has the buckets; `_bounds` is for
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
        self.0.emit(entry, series, |histogram, attributes| {
            histogram.record(value, attributes);
        });
    }
}

impl<const N: usize, const CELLS: usize> Store for HistogramStore<N, CELLS> {
    fn read(&self, _entry: &'static MetricEntry, _series: usize) -> Option<Sample> {
        None
    }

    fn on_register(&'static self, entry: &'static MetricEntry) {
        // An empty histogram cannot be exported without an observation; the attribute sets
        // are built now so the first record does not.
        self.0.instrument(entry.metric);
        let _ = self.0.attributes.build_closed(entry, attributes).count();
    }

    fn bytes(&self) -> usize {
        std::mem::size_of_val(self)
    }

    fn holds_values(&self) -> bool {
        false
    }
}

macro_rules! default_new {
    ($store:ty, [$($generics:tt)*]) => {
        impl<$($generics)*> Default for $store {
            fn default() -> Self {
                Self::new()
            }
        }
    };
}

default_new!(CounterStore<N>, [const N: usize]);
default_new!(GaugeStore<N>, [const N: usize]);
default_new!(HistogramStore<N, CELLS>, [const N: usize, const CELLS: usize]);
