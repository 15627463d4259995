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
//! from [`unit`]. Each series' attributes are built once and reused. `docs/otel.md` shows what
//! an OTLP receiver such as Prometheus makes of them.

/// The [UCUM](https://ucum.org) unit OpenTelemetry uses for a schema unit (the Prometheus
/// base-unit word that ends the metric's name). Units without a UCUM code in this table go
/// through as written.
///
/// OTLP receivers map UCUM back to words (Prometheus turns `s` into the `_seconds` suffix), so
/// the names they show match the schema's.
pub fn unit(unit: &str) -> &str {
    match unit {
        "seconds" => "s",
        "bytes" => "By",
        "ratio" => "1",
        "meters" => "m",
        "grams" => "g",
        "celsius" => "Cel",
        "volts" => "V",
        "amperes" => "A",
        "joules" => "J",
        "watts" => "W",
        "hertz" => "Hz",
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::unit;

    /// Prometheus base units map to the UCUM codes the OpenTelemetry specification uses; other
    /// text is kept.
    #[test]
    fn units_map_to_ucum() {
        assert_eq!(unit("seconds"), "s");
        assert_eq!(unit("bytes"), "By");
        assert_eq!(unit("ratio"), "1");
        assert_eq!(unit("requests"), "requests");
    }
}
