//! The stores generated code writes to: one static per metric, sized by the schema.
//!
//! Two backends share one interface: the default static store ([`local`]), and with the
//! `metrics-facade` feature the `metrics` crate ([`facade`]). Generated code is the same for
//! both.
//!
//! A store static holds only its cells, all zero at start, so it lands in `.bss`: its size
//! costs neither binary size nor memory until a thread writes it. What the store is about
//! (metric, labels) sits in a separate, small `MetricEntry` (`crate::entry`).

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
