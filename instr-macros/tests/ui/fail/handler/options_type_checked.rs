mod schema {
    instr::schema!("instr.toml");
}

use schema::{labels, metrics};

#[instr::handler(feature = "payments", ok = metrics::HandlerCallsTotal)]
fn no_result() -> u32 {
    1
}

#[instr::handler(
    feature = "payments",
    latency = metrics::PaymentsTotal { outcome: labels::Outcome::Success, provider: labels::Provider::Stripe },
)]
fn latency_into_counter() {}

#[instr::handler(feature = "payments", calls = metrics::PaymentLatencySeconds { outcome: labels::Outcome::Error })]
fn calls_into_histogram() {}

fn main() {}
