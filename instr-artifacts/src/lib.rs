//! What instr generates from a validated schema, for the tools around a service:
//!
//! - [`alerts`]: Prometheus recording rules and multi-window burn-rate alerts for every
//!   objective, with `promtool test rules` unit tests proving each alert fires at its burn rate;
//! - [`openslo`]: the same objectives as OpenSLO v1 documents;
//! - [`catalog`]: the Markdown catalog of owners, features, metrics and events;
//! - [`semconv`]: the schema as an OpenTelemetry semantic-convention registry (Weaver's YAML).
//!
//! [`slo`] is the one plan all of them read (windows, burn factors, names), and [`promql`]
//! spells numbers, selectors and strings as Prometheus does. The schema itself (parsing,
//! validation, the model) is `instr-schema`; this crate only reads its model, so code
//! generation (`instr::schema!`) never compiles any of it.

pub mod alerts;
pub mod catalog;
pub mod openslo;
pub mod promql;
pub mod semconv;
pub mod slo;
mod yaml;
