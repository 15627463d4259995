//! The `otel` backend's side of the tests (and of the `emit_otel` benchmark, which includes
//! this file): an OpenTelemetry SDK meter provider whose exporter renders each collection as
//! Prometheus text, so the behaviour tests' `Exposition` assertions read what the SDK
//! aggregated. The rendering is the test's: counters and gauges one sample per data
//! point, histograms cumulative `_bucket` samples with `le`, `_sum` and `_count`.

use std::fmt::Write as _;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use opentelemetry::KeyValue;
use opentelemetry_sdk::error::OTelSdkResult;
use opentelemetry_sdk::metrics::data::{AggregatedMetrics, MetricData, ResourceMetrics};
use opentelemetry_sdk::metrics::exporter::PushMetricExporter;
use opentelemetry_sdk::metrics::{PeriodicReader, SdkMeterProvider, Temporality};

/// A meter provider installed as the global one, collected on demand.
pub(crate) struct Collector {
    provider: SdkMeterProvider,
    last: Arc<Mutex<String>>,
}

impl Collector {
    /// Installs a provider whose only reader exports when [`Collector::collect`] asks (the
    /// periodic interval is an hour, longer than any test).
    pub(crate) fn install() -> Self {
        let last = Arc::new(Mutex::new(String::new()));
        let reader = PeriodicReader::builder(TextExporter(Arc::clone(&last)))
            .with_interval(Duration::from_secs(3600))
            .build();
        let provider = SdkMeterProvider::builder().with_reader(reader).build();
        opentelemetry::global::set_meter_provider(provider.clone());
        Self { provider, last }
    }

    /// The provider, for instruments made by hand (the `emit_otel` benchmark's).
    #[allow(dead_code)]
    pub(crate) fn provider(&self) -> &SdkMeterProvider {
        &self.provider
    }

    /// Collects now and returns the rendering.
    pub(crate) fn collect(&self) -> String {
        self.provider
            .force_flush()
            .unwrap_or_else(|error| panic!("the SDK collects: {error}"));
        self.last
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }
}

/// Keeps the text of the last export.
struct TextExporter(Arc<Mutex<String>>);

impl PushMetricExporter for TextExporter {
    fn export(
        &self,
        metrics: &ResourceMetrics,
    ) -> impl std::future::Future<Output = OTelSdkResult> + Send {
        *self.0.lock().unwrap_or_else(PoisonError::into_inner) = render(metrics);
        std::future::ready(Ok(()))
    }

    fn force_flush(&self) -> OTelSdkResult {
        Ok(())
    }

    fn shutdown_with_timeout(&self, _timeout: Duration) -> OTelSdkResult {
        Ok(())
    }

    fn temporality(&self) -> Temporality {
        Temporality::Cumulative
    }
}

fn render(metrics: &ResourceMetrics) -> String {
    let mut out = String::new();
    for scope in metrics.scope_metrics() {
        for metric in scope.metrics() {
            let name = metric.name();
            let kind = match metric.data() {
                AggregatedMetrics::U64(data) => render_data(name, data, &mut out),
                AggregatedMetrics::F64(data) => render_data(name, data, &mut out),
                AggregatedMetrics::I64(data) => render_data(name, data, &mut out),
            };
            let _ = writeln!(out, "# HELP {name} {}", metric.description());
            let _ = writeln!(out, "# TYPE {name} {kind}");
            if !metric.unit().is_empty() {
                let _ = writeln!(out, "# UNIT {name} {}", metric.unit());
            }
        }
    }
    out
}

/// Appends the samples; returns the Prometheus type.
fn render_data<T: Copy + std::fmt::Display>(
    name: &str,
    data: &MetricData<T>,
    out: &mut String,
) -> &'static str {
    match data {
        MetricData::Sum(sum) => {
            for point in sum.data_points() {
                let _ = writeln!(
                    out,
                    "{name}{} {}",
                    labels(point.attributes(), None),
                    point.value()
                );
            }
            if sum.is_monotonic() {
                "counter"
            } else {
                "gauge"
            }
        }
        MetricData::Gauge(gauge) => {
            for point in gauge.data_points() {
                let _ = writeln!(
                    out,
                    "{name}{} {}",
                    labels(point.attributes(), None),
                    point.value()
                );
            }
            "gauge"
        }
        MetricData::Histogram(histogram) => {
            for point in histogram.data_points() {
                let mut cumulative = 0;
                let bounds = point.bounds().map(|bound| bound.to_string());
                let bounds = bounds.chain(std::iter::once("+Inf".to_owned()));
                for (le, count) in bounds.zip(point.bucket_counts()) {
                    cumulative += count;
                    let set = labels(point.attributes(), Some(&le));
                    let _ = writeln!(out, "{name}_bucket{set} {cumulative}");
                }
                let set = labels(point.attributes(), None);
                let _ = writeln!(out, "{name}_sum{set} {}", point.sum());
                let _ = writeln!(out, "{name}_count{set} {}", point.count());
            }
            "histogram"
        }
        MetricData::ExponentialHistogram(_) => "unsupported",
    }
}

fn labels<'a>(attributes: impl Iterator<Item = &'a KeyValue>, le: Option<&str>) -> String {
    let mut pairs: Vec<String> = attributes
        .map(|pair| format!("{}=\"{}\"", pair.key.as_str(), pair.value.as_str()))
        .collect();
    pairs.extend(le.map(|le| format!("le=\"{le}\"")));
    if pairs.is_empty() {
        String::new()
    } else {
        format!("{{{}}}", pairs.join(","))
    }
}
