//! The emit hot path, side by side with the untyped alternatives, in one run:
//!
//! - `generated`: a counter with two closed labels from `instr::schema!` (static store);
//! - `metrics_macro`: `metrics::counter!("...", "k" => "v", ...)` with
//!   metrics-exporter-prometheus' recorder installed (the key is looked up on every call);
//! - `metrics_handle`: a `metrics::Counter` resolved once, outside the loop;
//! - `prometheus_client`: prometheus-client's `Family::get_or_create` with the label set;
//! - `bare_atomic`: `AtomicU64::fetch_add`, the floor;
//!
//! the same for a histogram record, and each with 1 and 2 threads on one series.
//!
//! `cargo bench -p instr --bench emit | python3 instr/benches/ratios.py` prints the medians
//! and the ratios the README quotes.

use std::sync::LazyLock;
use std::sync::atomic::{AtomicU64, Ordering};

use divan::{Bencher, black_box};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder};
use prometheus_client::metrics::counter::Counter as PcCounter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::histogram::Histogram as PcHistogram;

mod schema {
    instr::schema!("benches/emit.toml");
}

use schema::{labels, metrics};

const BUCKETS: [f64; 11] = [
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

type LabelSet = [(&'static str, &'static str); 2];

static PC_COUNTERS: LazyLock<Family<LabelSet, PcCounter>> = LazyLock::new(Family::default);
static PC_HISTOGRAMS: LazyLock<Family<[(&'static str, &'static str); 1], PcHistogram>> =
    LazyLock::new(|| {
        Family::new_with_constructor((|| PcHistogram::new(BUCKETS)) as fn() -> PcHistogram)
    });
static FLOOR: AtomicU64 = AtomicU64::new(0);
static METRICS_COUNTER: LazyLock<::metrics::Counter> = LazyLock::new(
    || ::metrics::counter!("mr_payments_total", "outcome" => "success", "provider" => "stripe"),
);
static METRICS_HISTOGRAM: LazyLock<::metrics::Histogram> =
    LazyLock::new(|| ::metrics::histogram!("mr_latency_seconds", "outcome" => "success"));

fn main() {
    let handle = PrometheusBuilder::new()
        .set_buckets_for_metric(Matcher::Full("mr_latency_seconds".to_owned()), &BUCKETS)
        .and_then(|builder| builder.install_recorder());
    let handle = match handle {
        Ok(handle) => handle,
        Err(error) => panic!("cannot install the Prometheus recorder: {error}"),
    };
    schema::CATALOG.register();
    report_memory();
    divan::main();
    // Keeps the exporter's histogram storage from growing between runs of the same process.
    handle.run_upkeep();
}

/// Static storage per declared series, measured from the stores.
fn report_memory() {
    use std::io::Write as _;
    let mut out = std::io::stdout();
    for ((name, bytes), metric) in schema::CATALOG
        .storage_bytes()
        .into_iter()
        .zip(schema::CATALOG.metrics)
    {
        let _ = writeln!(
            out,
            "memory: {name} ({} series, {} buckets): {bytes} bytes, {} bytes per series",
            metric.series,
            metric.buckets.len(),
            bytes / metric.series.max(1)
        );
    }
}

mod counter {
    use super::*;

    /// The floor: one relaxed atomic add on a shared counter.
    #[divan::bench(threads = [1, 2], sample_count = 30, sample_size = 1_000_000)]
    fn bare_atomic(bencher: Bencher) {
        bencher.bench(|| FLOOR.fetch_add(black_box(1), Ordering::Relaxed));
    }

    /// The generated emitter; label values are opaque to the optimiser, as at a real call
    /// site.
    #[divan::bench(threads = [1, 2], sample_count = 30, sample_size = 1_000_000)]
    fn generated(bencher: Bencher) {
        bencher.bench(|| {
            metrics::BenchPaymentsTotal {
                outcome: black_box(labels::Outcome::Success),
                provider: black_box(labels::Provider::Stripe),
            }
            .increment(black_box(1));
        });
    }

    /// `metrics::counter!` with string labels, as untyped code writes it.
    #[divan::bench(threads = [1, 2], sample_count = 30, sample_size = 1_000_000)]
    fn metrics_macro(bencher: Bencher) {
        bencher.bench(|| {
            ::metrics::counter!("mr_payments_total", "outcome" => "success", "provider" => "stripe")
                .increment(black_box(1));
        });
    }

    /// A `metrics::Counter` handle resolved once.
    #[divan::bench(threads = [1, 2], sample_count = 30, sample_size = 1_000_000)]
    fn metrics_handle(bencher: Bencher) {
        let counter = &*METRICS_COUNTER;
        bencher.bench(|| counter.increment(black_box(1)));
    }

    /// prometheus-client's `Family::get_or_create` with the label set.
    #[divan::bench(threads = [1, 2], sample_count = 30, sample_size = 1_000_000)]
    fn prometheus_client(bencher: Bencher) {
        let family = &*PC_COUNTERS;
        bencher.bench(|| {
            family
                .get_or_create(black_box(&[("outcome", "success"), ("provider", "stripe")]))
                .inc_by(black_box(1));
        });
    }
}

mod histogram {
    use super::*;

    /// The generated emitter.
    #[divan::bench(threads = [1, 2], sample_count = 30, sample_size = 1_000_000)]
    fn generated(bencher: Bencher) {
        bencher.bench(|| {
            metrics::BenchLatencySeconds {
                outcome: black_box(labels::Outcome::Success),
            }
            .record(black_box(0.042));
        });
    }

    /// `metrics::histogram!` with a string label.
    #[divan::bench(threads = [1, 2], sample_count = 30, sample_size = 1_000_000)]
    fn metrics_macro(bencher: Bencher) {
        bencher.bench(|| {
            ::metrics::histogram!("mr_latency_seconds", "outcome" => "success")
                .record(black_box(0.042));
        });
    }

    /// A `metrics::Histogram` handle resolved once.
    #[divan::bench(threads = [1, 2], sample_count = 30, sample_size = 1_000_000)]
    fn metrics_handle(bencher: Bencher) {
        let histogram = &*METRICS_HISTOGRAM;
        bencher.bench(|| histogram.record(black_box(0.042)));
    }

    /// prometheus-client's `Family::get_or_create` and `observe`.
    #[divan::bench(threads = [1, 2], sample_count = 30, sample_size = 1_000_000)]
    fn prometheus_client(bencher: Bencher) {
        let family = &*PC_HISTOGRAMS;
        bencher.bench(|| {
            family
                .get_or_create(black_box(&[("outcome", "success")]))
                .observe(black_box(0.042));
        });
    }
}
