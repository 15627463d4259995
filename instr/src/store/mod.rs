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
//! (metric, labels) sits in a separate, small `MetricEntry` (`crate::entry`).

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
