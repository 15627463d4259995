//! Typed instrumentation generated from a reviewed schema.
//!
//! `instr.toml` declares owners, metrics, events and features; [`schema!`] turns it into
//! typed emitters, so a wrong metric, label or label value does not compile:
//!
//! ```ignore
//! mod telemetry {
//!     instr::schema!("instr.toml");
//! }
//! use telemetry::{labels, metrics};
//!
//! metrics::CheckoutAttemptsTotal {
//!     outcome: labels::Outcome::Success,
//!     payment_provider: labels::PaymentProvider::Stripe,
//! }
//! .increment(1);
//!
//! #[instr::handler(feature = "checkout")]
//! async fn checkout() { /* ... */ }
//! ```
//!
//! # What the macro generates
//!
//! At the call site (call it at module level, once per schema):
//! - `labels::<Label>`: an enum per closed label set, variants in UpperCamelCase of the values
//!   (`5xx` → `V5xx`, `in-progress` → `InProgress`), with `as_str`, `ALL`, `from_value` and
//!   `FromStr`. Open labels are `&str` fields; values past the label's `max_values` distinct
//!   ones are reported as `"other"`.
//! - `metrics::<Metric>`: a struct whose fields are the metric's labels (a unit struct when it
//!   has none). Counters have `increment(u64)`, gauges `set`/`increment`/`decrement(f64)`,
//!   histograms `record(f64)` and [`start_timer`](Timer).
//! - `events::<Event>`: a struct of typed properties with `emit(self)`, which emits a
//!   `tracing` event (target `instr::event`) and hands a record to the [`events`] sink.
//! - `features::<NAME>` constants and `CATALOG`, a [`catalog::Catalog`] of everything declared.
//!
//! Every item carries the schema's description, unit, owner, labels and stability as docs;
//! deprecated metrics are `#[deprecated]`. The crate rebuilds when a schema file changes.
//!
//! # Storage
//!
//! By default each metric gets a static store shaped by the schema: a closed-label series is
//! an index computed from the enum values (no hashing, allocation or lock), counters and
//! histograms are spread over cache-line-aligned shards so threads do not fight over one
//! cache line, and histograms use the schema's buckets. [`prometheus::render`] exposes every
//! registered store as Prometheus text, each closed-label series from the start at zero.
//!
//! With the cargo feature `metrics-facade`, the same emitters go through the `metrics` crate
//! instead (each series' handle is resolved once and cached), for services that export through
//! metrics-rs. Install the recorder before the first emission.
//!
//! With the cargo feature `otel`, they write to OpenTelemetry instruments instead (see
//! [`otel`]), created once per metric with the schema's description, unit and buckets. Install
//! the global meter provider before the first emission.
//!
//! # One schema, several crates
//!
//! Generate a schema once, in one crate (say `telemetry`), and let the other crates use its
//! types: two expansions of the same schema would be two sets of stores exposing the same
//! metric names twice.

mod emit;
mod entry;
mod labels;
mod registry;
mod store;
mod thread;

pub mod catalog;
pub mod events;
#[cfg(feature = "otel")]
pub mod otel;
pub mod prometheus;
pub mod testing;

#[doc(hidden)]
pub mod __private;

pub use emit::{Counter, Gauge, Histogram, Timer, UnknownLabelValue};
pub use instr_macros::{exempt, handler, schema};
