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
//! periodic reader (the behaviour tests' `tests/support/otel.rs`), so instruments aggregate as
//! in a service.
//!
//! One build measures both backends: built with `--features otel`, `instr::schema!` generates
//! otel emitters, and the hidden `backend = "native"` makes a second expansion of the same
//! schema use the static store, which stays reachable as `instr::__private::native`.
//!
//! `cargo bench -p instr --features otel --bench emit_otel | python3 instr/benches/ratios.py`
//! prints the medians and ratios.

use std::sync::OnceLock;

use divan::{Bencher, black_box};
use opentelemetry::KeyValue;
use opentelemetry::metrics::{Counter, Histogram, MeterProvider as _};

/// The behaviour tests' SDK setup: a real provider whose export (an hour away) never runs
/// here, so the benchmark measures recording, not export.
#[path = "../tests/support/otel.rs"]
#[allow(dead_code)]
mod collector;

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

/// The hand-written instruments and their attributes.
struct ByHand {
    counter: Counter<u64>,
    counter_attributes: [KeyValue; 2],
    histogram: Histogram<f64>,
    histogram_attributes: [KeyValue; 1],
}

static BY_HAND: OnceLock<ByHand> = OnceLock::new();

fn main() {
    let collector = collector::Collector::install();
    let meter = collector.provider().meter("by-hand");
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
