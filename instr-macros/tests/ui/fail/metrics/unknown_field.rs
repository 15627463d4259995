mod schema {
    instr::schema!("instr.toml");
}

use schema::{labels, metrics};

fn main() {
    metrics::PaymentsTotal {
        outcom: labels::Outcome::Success,
        provider: labels::Provider::Stripe,
    }
    .increment(1);
}
