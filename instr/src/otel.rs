//! The `otel` feature: generated emitters write to OpenTelemetry instruments.
//!
//! ```ignore
//! let provider = opentelemetry_sdk::metrics::SdkMeterProvider::builder()
//!     .with_periodic_exporter(exporter) // OTLP, stdout, ...
//!     .build();
//! opentelemetry::global::set_meter_provider(provider.clone());
//! telemetry::CATALOG.register(); // after the provider: instruments are created here
//! ```
//!
//! Each metric becomes one instrument of the meter `instr` from the global meter provider,
//! created once when its catalog registers: counters a `Counter<u64>`, histograms a
//! `Histogram<f64>` with the schema's buckets as explicit bucket boundaries, gauges an
//! `ObservableGauge<f64>` reading values kept in instr. Descriptions come from the schema, units
//! in UCUM ([`Metric::ucum_unit`](crate::catalog::Metric::ucum_unit), computed from the schema's
//! unit when the catalog is generated). Each series' attributes are built once and reused.
//! `docs/otel.md` shows what an OTLP receiver such as Prometheus makes of them.
