//! Behaviour of generated emitters, on whichever backend the crate is built with: the static
//! store (default), the `metrics` facade (`cargo test -p instr --features metrics-facade
//! --test behaviour`) or OpenTelemetry (`--features otel`). Each test asserts exact values
//! twice: as the test recorder captured them, and as the backend exports them (instr's
//! exposition, metrics-exporter-prometheus behind the facade, or what the OpenTelemetry SDK
//! collected, rendered as Prometheus text by `support::otel`).
//!
//! Every metric is touched by one test only, so exact values hold while tests run in
//! parallel. To add a case, declare what it needs in `tests/behaviour/instr.toml` and use a
//! metric no other test uses.

// Test helpers outside `#[test]` functions: a failed `expect` fails the test, as intended.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

mod support;

use std::sync::OnceLock;

use instr::testing::Recorder;
use support::Exposition;

mod schema {
    instr::schema!("tests/behaviour/instr.toml");
}

use schema::{CATALOG, events, labels, metrics};

#[cfg(feature = "metrics-facade")]
static EXPORTER: OnceLock<metrics_exporter_prometheus::PrometheusHandle> = OnceLock::new();

#[cfg(feature = "otel")]
static COLLECTOR: OnceLock<support::otel::Collector> = OnceLock::new();

/// Installs the backend's exporter (facade) and registers the catalog, before any emission.
fn setup() {
    static DONE: OnceLock<()> = OnceLock::new();
    DONE.get_or_init(|| {
        #[cfg(feature = "metrics-facade")]
        {
            use metrics_exporter_prometheus::{Matcher, PrometheusBuilder};
            let handle = PrometheusBuilder::new()
                .set_buckets_for_metric(
                    Matcher::Full("payment_latency_seconds".to_owned()),
                    &[0.1, 0.5, 1.0],
                )
                .expect("buckets are valid")
                .install_recorder()
                .expect("no other recorder is installed");
            let _ = EXPORTER.set(handle);
        }
        #[cfg(feature = "otel")]
        let _ = COLLECTOR.set(support::otel::Collector::install());
        CATALOG.register();
    });
}

/// What the backend exports now.
fn exposition() -> Exposition {
    #[cfg(feature = "metrics-facade")]
    let text = EXPORTER.get().expect("setup() ran").render();
    #[cfg(feature = "otel")]
    let text = COLLECTOR.get().expect("setup() ran").collect();
    #[cfg(not(any(feature = "metrics-facade", feature = "otel")))]
    let text = instr::prometheus::render();
    Exposition::parse(&text)
}

/// A counter with two closed labels adds exactly what was emitted to exactly one series.
#[test]
fn closed_labels_select_one_series() {
    setup();
    let recorder = Recorder::start();
    let stripe_success = metrics::PaymentsTotal {
        outcome: labels::Outcome::Success,
        provider: labels::Provider::Stripe,
    };
    stripe_success.increment(2);
    stripe_success.increment(3);
    metrics::PaymentsTotal {
        outcome: labels::Outcome::Declined,
        provider: labels::Provider::Adyen,
    }
    .increment(1);
    assert_eq!(
        recorder.counter(
            "payments_total",
            &[("outcome", "success"), ("provider", "stripe")]
        ),
        5
    );
    assert_eq!(
        recorder.counter(
            "payments_total",
            &[("provider", "adyen"), ("outcome", "declined")]
        ),
        1
    );
    assert_eq!(
        recorder.counter(
            "payments_total",
            &[("outcome", "error"), ("provider", "stripe")]
        ),
        0
    );
    let exported = exposition();
    let value = |outcome, provider| {
        exported.get(
            "payments_total",
            &[("outcome", outcome), ("provider", provider)],
        )
    };
    assert_eq!(value("success", "stripe"), Some(5.0));
    assert_eq!(value("declined", "adyen"), Some(1.0));
    // Untouched closed series are exported at zero.
    assert_eq!(value("error", "adyen"), Some(0.0));
    assert_eq!(exported.series_of("payments_total").len(), 6);
}

/// An open label keeps its first `max_values` (2) distinct values; later ones, and the text
/// `other` itself, are reported as `other`.
#[test]
fn open_label_folds_into_other() {
    setup();
    let recorder = Recorder::start();
    for (merchant, times) in [
        ("acme", 1),
        ("globex", 2),
        ("initech", 3),
        ("acme", 4),
        ("umbrella", 5),
    ] {
        metrics::MerchantPaymentsTotal {
            merchant,
            outcome: labels::Outcome::Success,
        }
        .increment(times);
    }
    let count = |merchant| {
        recorder.counter(
            "merchant_payments_total",
            &[("merchant", merchant), ("outcome", "success")],
        )
    };
    assert_eq!(count("acme"), 5);
    assert_eq!(count("globex"), 2);
    assert_eq!(count("other"), 8);
    assert_eq!(count("initech"), 0);
    assert_eq!(recorder.series("merchant_payments_total").len(), 3);

    let exported = exposition();
    let value = |merchant| {
        exported.get(
            "merchant_payments_total",
            &[("merchant", merchant), ("outcome", "success")],
        )
    };
    assert_eq!(value("acme"), Some(5.0));
    assert_eq!(value("globex"), Some(2.0));
    assert_eq!(value("other"), Some(8.0));
    assert_eq!(value("initech"), None);
    assert_eq!(value("umbrella"), None);
}

/// Gauges set, increment and decrement the selected series.
#[test]
fn gauges_set_and_move() {
    setup();
    let recorder = Recorder::start();
    let running = metrics::JobsRunning {
        phase: labels::Phase::InProgress,
    };
    running.set(4.0);
    running.increment(2.5);
    running.decrement(1.5);
    metrics::QueueDepth.increment(3.0);
    assert_eq!(
        recorder.gauge("jobs_running", &[("phase", "in-progress")]),
        Some(5.0)
    );
    assert_eq!(recorder.gauge("jobs_running", &[("phase", "done")]), None);
    assert_eq!(recorder.gauge("queue_depth", &[]), Some(3.0));
    let exported = exposition();
    assert_eq!(
        exported.get("jobs_running", &[("phase", "in-progress")]),
        Some(5.0)
    );
    assert_eq!(exported.get("queue_depth", &[]), Some(3.0));
}

/// A histogram counts observations into the schema's buckets (cumulative in the
/// exposition), keeps their sum, and a timer records elapsed seconds once.
#[test]
fn histogram_uses_schema_buckets() {
    setup();
    let recorder = Recorder::start();
    let declined = metrics::PaymentLatencySeconds {
        outcome: labels::Outcome::Declined,
    };
    for value in [0.05, 0.1, 0.3, 0.75, 2.0] {
        declined.record(value);
    }
    let timer = metrics::PaymentLatencySeconds {
        outcome: labels::Outcome::Error,
    }
    .start_timer();
    let mut relabelled = metrics::PaymentLatencySeconds {
        outcome: labels::Outcome::Error,
    }
    .start_timer();
    relabelled.histogram_mut().outcome = labels::Outcome::Success;
    let seconds = timer.stop();
    drop(relabelled);
    metrics::PaymentLatencySeconds {
        outcome: labels::Outcome::Success,
    }
    .start_timer()
    .discard();

    let observed = recorder.histogram("payment_latency_seconds", &[("outcome", "declined")]);
    assert_eq!(observed.values, vec![0.05, 0.1, 0.3, 0.75, 2.0]);
    let errors = recorder.histogram("payment_latency_seconds", &[("outcome", "error")]);
    assert_eq!(errors.values, vec![seconds]);
    assert_eq!(
        recorder
            .histogram("payment_latency_seconds", &[("outcome", "success")])
            .count(),
        1
    );

    let exported = exposition();
    let bucket = |le| {
        exported.get(
            "payment_latency_seconds_bucket",
            &[("outcome", "declined"), ("le", le)],
        )
    };
    assert_eq!(bucket("0.1"), Some(2.0));
    assert_eq!(bucket("0.5"), Some(3.0));
    assert_eq!(bucket("1"), Some(4.0));
    assert_eq!(bucket("+Inf"), Some(5.0));
    let sum = exported
        .get("payment_latency_seconds_sum", &[("outcome", "declined")])
        .expect("sum is exported");
    assert!((sum - 3.2).abs() < 1e-9, "sum {sum}");
    assert_eq!(
        exported.get("payment_latency_seconds_count", &[("outcome", "declined")]),
        Some(5.0)
    );
    assert_eq!(
        exported.get("payment_latency_seconds_count", &[("outcome", "error")]),
        Some(1.0)
    );
    // The SDK exports a histogram only once it has an observation, so its metadata is checked
    // here rather than in `closed_series_exist_from_the_start`; the unit is UCUM.
    #[cfg(feature = "otel")]
    {
        let metadata = |map: &std::collections::BTreeMap<String, String>| {
            map.get("payment_latency_seconds").cloned()
        };
        assert_eq!(metadata(&exported.types).as_deref(), Some("histogram"));
        assert_eq!(metadata(&exported.units).as_deref(), Some("s"));
        assert_eq!(
            metadata(&exported.help).as_deref(),
            Some("Time to settle a payment.")
        );
    }
}

/// Every closed-label series is exported from registration on, at zero, with HELP and TYPE
/// from the schema.
#[test]
fn closed_series_exist_from_the_start() {
    setup();
    let exported = exposition();
    for class in ["2xx", "4xx", "5xx"] {
        assert_eq!(
            exported.get("responses_total", &[("status_class", class)]),
            Some(0.0),
            "{class}"
        );
    }
    assert_eq!(
        exported.help.get("responses_total").map(String::as_str),
        Some("Responses by status class.")
    );
    assert_eq!(
        exported.types.get("responses_total").map(String::as_str),
        Some("counter")
    );
    #[cfg(not(feature = "otel"))]
    assert_eq!(
        exported
            .types
            .get("payment_latency_seconds")
            .map(String::as_str),
        Some("histogram")
    );
    #[cfg(not(any(feature = "metrics-facade", feature = "otel")))]
    assert_eq!(
        exported
            .units
            .get("payment_latency_seconds")
            .map(String::as_str),
        Some("seconds")
    );
}

/// `emit` delivers every property, typed, to the recorder; optional properties may be absent.
#[test]
fn events_carry_typed_properties() {
    setup();
    let recorder = Recorder::start();
    events::PaymentSettled {
        amount_cents: 1250,
        refund: false,
        delta: -3,
        fee_ratio: 0.25,
        provider: labels::Provider::Adyen,
        merchant: "acme",
        note: None,
        outcome: Some(labels::Outcome::Success),
    }
    .emit();
    let settled = recorder.events_named("payment_settled");
    assert_eq!(settled.len(), 1);
    let event = &settled[0];
    use instr::events::Value;
    assert_eq!(event.get("amount_cents"), Some(&Value::U64(1250)));
    assert_eq!(event.get("refund"), Some(&Value::Bool(false)));
    assert_eq!(event.get("delta"), Some(&Value::I64(-3)));
    assert_eq!(event.get("fee_ratio"), Some(&Value::F64(0.25)));
    assert_eq!(event.get("provider"), Some(&Value::Str("adyen".to_owned())));
    assert_eq!(event.get("merchant"), Some(&Value::Str("acme".to_owned())));
    assert_eq!(event.get("note"), Some(&Value::Absent));
    assert_eq!(
        event.get("outcome"),
        Some(&Value::Str("success".to_owned()))
    );
    assert_eq!(event.event.owner, "payments");
}

/// A recorder sees only its own thread, so parallel tests do not see each other.
#[test]
fn capture_is_per_thread() {
    setup();
    let recorder = Recorder::start();
    #[allow(deprecated)]
    std::thread::spawn(|| metrics::LegacyPaymentsTotal.increment(7))
        .join()
        .expect("thread ran");
    #[allow(deprecated)]
    metrics::LegacyPaymentsTotal.increment(1);
    assert_eq!(recorder.counter("legacy_payments_total", &[]), 1);
    drop(recorder);
    // After the recorder is gone nothing is captured, and the backend saw both threads.
    assert_eq!(exposition().get("legacy_payments_total", &[]), Some(8.0));
}

/// Many threads at once, more than there are exclusive shards, in waves so that shards are
/// released and claimed again: no increment is lost.
#[test]
fn concurrent_increments_are_all_counted() {
    setup();
    const THREADS: u64 = 20;
    const WAVES: u64 = 3;
    const PER_THREAD: u64 = 20_000;
    for _ in 0..WAVES {
        std::thread::scope(|scope| {
            for _ in 0..THREADS {
                scope.spawn(|| {
                    let series = metrics::ContendedTotal {
                        provider: labels::Provider::Stripe,
                    };
                    for _ in 0..PER_THREAD {
                        series.increment(1);
                    }
                });
            }
        });
    }
    let total = (THREADS * WAVES * PER_THREAD) as f64;
    assert_eq!(
        exposition().get("contended_total", &[("provider", "stripe")]),
        Some(total)
    );
    assert_eq!(
        exposition().get("contended_total", &[("provider", "adyen")]),
        Some(0.0)
    );
}

/// Label enums name their values in UpperCamelCase and convert both ways.
#[test]
fn label_enums_convert() {
    assert_eq!(labels::StatusClass::V5xx.as_str(), "5xx");
    assert_eq!(labels::Phase::InProgress.to_string(), "in-progress");
    assert_eq!(
        "declined".parse::<labels::Outcome>(),
        Ok(labels::Outcome::Declined)
    );
    let error = "refunded".parse::<labels::Outcome>().unwrap_err();
    assert_eq!(error.label(), "outcome");
    assert_eq!(
        labels::Provider::from_value("adyen"),
        Some(labels::Provider::Adyen)
    );
    assert_eq!(
        labels::Outcome::ALL.map(labels::Outcome::as_str),
        ["success", "declined", "error"]
    );
}

/// The catalog describes the schema at run time.
#[test]
fn catalog_describes_the_schema() {
    let payments = CATALOG.feature("payments").expect("declared");
    assert_eq!(payments.owner, "payments");
    assert_eq!(
        payments.success_metrics,
        ["payments_total", "payment_settled"]
    );
    assert_eq!(payments.routes, ["POST /pay"]);
    assert_eq!(payments.objectives[0].target, 0.99);
    assert_eq!(schema::features::PAYMENTS.name, "payments");
    let latency = CATALOG.metric("payment_latency_seconds").expect("declared");
    assert_eq!(latency.buckets, [0.1, 0.5, 1.0]);
    assert_eq!(latency.series, 3);
    assert_eq!(latency.unit, Some("seconds"));
    assert_eq!(latency.ucum_unit, "s");
    let merchant = CATALOG.metric("merchant_payments_total").expect("declared");
    assert_eq!(merchant.series, 9);
    assert_eq!(
        merchant.ucum_unit, "",
        "no unit: OpenTelemetry's empty unit"
    );
    assert_eq!(
        CATALOG.owner("payments").map(|owner| owner.contact),
        Some("#payments")
    );
    assert_eq!(
        CATALOG
            .metric("legacy_payments_total")
            .and_then(|m| m.deprecated),
        Some("use `payments_total`")
    );
}
