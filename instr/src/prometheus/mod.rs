//! The Prometheus text exposition (format 0.0.4) of every registered catalog's metrics.
//!
//! Each metric gets `# HELP` (its description), `# TYPE` and, when it has a unit, `# UNIT`
//! (an OpenMetrics line that 0.0.4 parsers skip as a comment). Every closed-label series is
//! present from registration on, at zero; open-label series appear once a value takes them.

use std::fmt::Write as _;

use crate::catalog::{Catalog, MetricKind};
use crate::entry::{MetricEntry, Sample};
use crate::labels;
use crate::registry;

#[cfg(feature = "axum")]
pub mod axum;

/// The `Content-Type` of [`render`]'s output.
pub const CONTENT_TYPE: &str = "text/plain; version=0.0.4; charset=utf-8";

/// The exposition of every registered catalog, in registration order.
///
/// With the `metrics-facade` feature the values live in the `metrics` recorder, with `otel` in
/// the OpenTelemetry SDK: export them from there; this returns a comment saying so.
pub fn render() -> String {
    let mut out = String::new();
    for catalog in registry::all() {
        render_into(catalog, &mut out);
    }
    if cfg!(feature = "metrics-facade") {
        out.push_str(
            "# instr: metrics go through the `metrics` crate (feature `metrics-facade`); scrape its exporter\n",
        );
    }
    if cfg!(feature = "otel") {
        out.push_str(
            "# instr: metrics go to OpenTelemetry instruments (feature `otel`); export them with the OpenTelemetry SDK\n",
        );
    }
    out
}

/// The exposition of one catalog (registering it first).
pub fn render_catalog(catalog: &'static Catalog) -> String {
    catalog.register();
    let mut out = String::new();
    render_into(catalog, &mut out);
    out
}

fn render_into(catalog: &Catalog, out: &mut String) {
    for entry in catalog.entries() {
        render_entry(entry, out);
    }
}

fn render_entry(entry: &'static MetricEntry, out: &mut String) {
    let metric = entry.metric;
    let name = metric.name;
    let mut samples = Vec::new();
    for series in 0..metric.series {
        let Some(sample) = entry.store.read(entry, series) else {
            continue;
        };
        let Some(values) = labels::decode(entry.labels, series) else {
            continue;
        };
        samples.push((values, sample));
    }
    if samples.is_empty() && !entry.store.holds_values() {
        return;
    }
    let _ = writeln!(out, "# HELP {name} {}", escape_help(metric.description));
    let _ = writeln!(out, "# TYPE {name} {}", metric.kind.as_str());
    if let Some(unit) = metric.unit {
        let _ = writeln!(out, "# UNIT {name} {unit}");
    }
    for (values, sample) in samples {
        let pairs: Vec<(&str, &str)> = values
            .iter()
            .map(|(key, value)| (*key, value.as_ref()))
            .collect();
        match (metric.kind, sample) {
            (MetricKind::Counter, Sample::Counter(value)) => {
                let _ = writeln!(out, "{name}{} {value}", label_set(&pairs, None));
            }
            (MetricKind::Gauge, Sample::Gauge(value)) => {
                let _ = writeln!(out, "{name}{} {}", label_set(&pairs, None), number(value));
            }
            (MetricKind::Histogram, Sample::Histogram { buckets, sum }) => {
                let mut cumulative = 0u64;
                for (index, count) in buckets.iter().enumerate() {
                    cumulative = cumulative.wrapping_add(*count);
                    let le = metric
                        .buckets
                        .get(index)
                        .map_or_else(|| "+Inf".to_owned(), |bound| number(*bound));
                    let _ = writeln!(
                        out,
                        "{name}_bucket{} {cumulative}",
                        label_set(&pairs, Some(&le))
                    );
                }
                let labels = label_set(&pairs, None);
                let _ = writeln!(out, "{name}_sum{labels} {}", number(sum));
                let _ = writeln!(out, "{name}_count{labels} {cumulative}");
            }
            _ => {}
        }
    }
}

/// `{a="x",b="y"}` (with `le` last for buckets), or nothing when there are no labels.
fn label_set(pairs: &[(&str, &str)], le: Option<&str>) -> String {
    let mut parts: Vec<String> = pairs
        .iter()
        .map(|(key, value)| format!("{key}=\"{}\"", escape_label_value(value)))
        .collect();
    if let Some(le) = le {
        parts.push(format!("le=\"{le}\""));
    }
    if parts.is_empty() {
        String::new()
    } else {
        format!("{{{}}}", parts.join(","))
    }
}

/// A sample value or bucket bound as Prometheus writes it.
fn number(value: f64) -> String {
    if value.is_nan() {
        "NaN".to_owned()
    } else if value.is_infinite() {
        if value > 0.0 { "+Inf" } else { "-Inf" }.to_owned()
    } else {
        value.to_string()
    }
}

fn escape_label_value(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out
}

fn escape_help(text: &str) -> String {
    text.replace('\\', "\\\\").replace('\n', "\\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Label values are escaped as the exposition format requires, so an open-label value
    /// cannot break a scrape.
    #[test]
    fn escapes_label_values() {
        assert_eq!(
            label_set(&[("path", "a\"b\\c\nd")], Some("0.5")),
            "{path=\"a\\\"b\\\\c\\nd\",le=\"0.5\"}"
        );
        assert_eq!(label_set(&[], None), "");
        assert_eq!(escape_help("a\\b\nc"), "a\\\\b\\nc");
    }

    /// Numbers use Prometheus' spellings for the special values.
    #[test]
    fn formats_numbers() {
        assert_eq!(number(0.05), "0.05");
        assert_eq!(number(1.0), "1");
        assert_eq!(number(f64::INFINITY), "+Inf");
        assert_eq!(number(f64::NAN), "NaN");
    }
}
