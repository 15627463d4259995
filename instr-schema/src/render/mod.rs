//! Renderers: pure functions from the typed [`Schema`](crate::Schema) to text.
//!
//! - [`catalog`]: the Markdown catalog of owners, features, metrics and events.
//! - [`alerts`]: Prometheus recording and burn-rate alerting rules, and their promtool tests.
//! - [`openslo`]: OpenSLO v1 documents.
//! - [`yaml`]: the small YAML writer the rule renderers share.

pub mod alerts;
pub mod catalog;
pub mod openslo;
pub mod yaml;
