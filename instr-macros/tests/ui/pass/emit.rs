//! Every generated item in use: labels, each metric kind, open labels, events, the catalog.

mod schema {
    instr::schema!("instr.toml");
}

use schema::{events, labels, metrics};

fn main() {
    let recorder = instr::testing::Recorder::start();
    metrics::PaymentsTotal {
        outcome: labels::Outcome::Success,
        provider: labels::Provider::Stripe,
    }
    .increment(1);
    metrics::MerchantPaymentsTotal { merchant: "acme" }.increment(2);
    metrics::OpenCarts.set(3.0);
    let timer = metrics::PaymentLatencySeconds {
        outcome: labels::Outcome::Error,
    }
    .start_timer();
    drop(timer);
    events::PaymentSettled {
        amount_cents: 100,
        provider: labels::Provider::Adyen,
        note: Some("first"),
    }
    .emit();
    assert_eq!(
        recorder.counter("payments_total", &[("outcome", "success"), ("provider", "stripe")]),
        1
    );
    assert_eq!(recorder.counter("merchant_payments_total", &[("merchant", "acme")]), 2);
    assert_eq!(recorder.events().len(), 1);
    assert_eq!(schema::features::REFUNDS.name, "refunds");
    assert_eq!(schema::CATALOG.metrics.len(), 7);
}
