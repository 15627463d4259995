//! The `otel` backend's emit cost, side by side in one run with the static store and with
//! `opentelemetry` used by hand:
//!
//! - `native`: the generated emitter on instr's static store;
//! - `otel`: the same generated emitter on the `otel` backend (an SDK counter or histogram,
//!   per-series attributes built once by instr);
//! - `by_hand`: an SDK `Counter<u64>` / `Histogram<f64>` created once, called with the same
//!   attributes as a `[KeyValue; N]` built once outside the loop: the best hand-written code.
//!
//! Each with 1 and 2 threads on one series. The SDK is a real `SdkMeterProvider` with a
//! periodic reader (whose export, an hour away, never runs), so instruments aggregate as in a
//! service.
//!
//! One build measures both backends: built with `--features otel`, `instr::schema!` generates
//! otel emitters, and the hidden `backend = "native"` makes a second expansion of the same
//! schema use the static store, which stays reachable as `instr::__private::native`.
//!
//! `cargo bench -p instr --features otel --bench emit_otel | python3 instr/benches/ratios.py`
//! prints the medians and ratios.

use std::time::Duration;

use divan::{Bencher, black_box};
use opentelemetry::KeyValue;
use opentelemetry::metrics::{Counter, Histogram, MeterProvider as _};
use opentelemetry_sdk::error::OTelSdkResult;
use opentelemetry_sdk::metrics::data::ResourceMetrics;
use opentelemetry_sdk::metrics::exporter::PushMetricExporter;
use opentelemetry_sdk::metrics::{PeriodicReader, SdkMeterProvider, Temporality};
use std::sync::OnceLock;

/// The emitters on the `otel` backend.
mod otel {
    instr::schema!("benches/emit.toml");
}

/// The same schema on the static store.
mod native {
    instr::schema!("benches/emit.toml", backend = "native");
}

const BUCKETS: [f64; 11] = [
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

/// An exporter that drops what it is given: the benchmark measures recording, not export.
struct Discard;

impl PushMetricExporter for Discard {
    fn export(
        &self,
        _metrics: &ResourceMetrics,
    ) -> impl std::future::Future<Output = OTelSdkResult> + Send {
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

/// The hand-written instruments and their attributes.
struct ByHand {
    counter: Counter<u64>,
    counter_attributes: [KeyValue; 2],
    histogram: Histogram<f64>,
    histogram_attributes: [KeyValue; 1],
}

static BY_HAND: OnceLock<ByHand> = OnceLock::new();

fn main() {
    let reader = PeriodicReader::builder(Discard)
        .with_interval(Duration::from_secs(3600))
        .build();
    let provider = SdkMeterProvider::builder().with_reader(reader).build();
    opentelemetry::global::set_meter_provider(provider.clone());
    let meter = provider.meter("by-hand");
    let _ = BY_HAND.set(ByHand {
        counter: meter.u64_counter("hand_payments_total").build(),
        counter_attributes: [
            KeyValue::new("outcome", "success"),
            KeyValue::new("provider", "stripe"),
        ],
        histogram: meter
            .f64_histogram("hand_latency_seconds")
            .with_unit("s")
            .with_boundaries(BUCKETS.to_vec())
            .build(),
        histogram_attributes: [KeyValue::new("outcome", "success")],
    });
    otel::CATALOG.register();
    native::CATALOG.register();
    divan::main();
    let _ = provider.shutdown();
}

fn by_hand() -> &'static ByHand {
    BY_HAND
        .get()
        .unwrap_or_else(|| panic!("main() sets the instruments up"))
}

mod counter {
    use super::*;

    /// The generated emitter on the static store.
    #[divan::bench(threads = [1, 2], sample_count = 30, sample_size = 1_000_000)]
    fn native(bencher: Bencher) {
        bencher.bench(|| {
            native::metrics::BenchPaymentsTotal {
                outcome: black_box(native::labels::Outcome::Success),
                provider: black_box(native::labels::Provider::Stripe),
            }
            .increment(black_box(1));
        });
    }

    /// The generated emitter on the `otel` backend.
    #[divan::bench(threads = [1, 2], sample_count = 30, sample_size = 100_000)]
    fn otel(bencher: Bencher) {
        bencher.bench(|| {
            otel::metrics::BenchPaymentsTotal {
                outcome: black_box(otel::labels::Outcome::Success),
                provider: black_box(otel::labels::Provider::Stripe),
            }
            .increment(black_box(1));
        });
    }

    /// An SDK counter with its attributes built once.
    #[divan::bench(threads = [1, 2], sample_count = 30, sample_size = 100_000)]
    fn by_hand(bencher: Bencher) {
        let hand = super::by_hand();
        bencher.bench(|| {
            hand.counter
                .add(black_box(1), black_box(&hand.counter_attributes));
        });
    }
}

mod histogram {
    use super::*;

    /// The generated emitter on the static store.
    #[divan::bench(threads = [1, 2], sample_count = 30, sample_size = 1_000_000)]
    fn native(bencher: Bencher) {
        bencher.bench(|| {
            native::metrics::BenchLatencySeconds {
                outcome: black_box(native::labels::Outcome::Success),
            }
            .record(black_box(0.042));
        });
    }

    /// The generated emitter on the `otel` backend.
    #[divan::bench(threads = [1, 2], sample_count = 30, sample_size = 100_000)]
    fn otel(bencher: Bencher) {
        bencher.bench(|| {
            otel::metrics::BenchLatencySeconds {
                outcome: black_box(otel::labels::Outcome::Success),
            }
            .record(black_box(0.042));
        });
    }

    /// An SDK histogram with its attributes built once.
    #[divan::bench(threads = [1, 2], sample_count = 30, sample_size = 100_000)]
    fn by_hand(bencher: Bencher) {
        let hand = super::by_hand();
        bencher.bench(|| {
            hand.histogram
                .record(black_box(0.042), black_box(&hand.histogram_attributes));
        });
    }
}
