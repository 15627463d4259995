mod schema {
    instr::schema!("instr.toml");
}

use schema::{labels, metrics};

fn main() {
    metrics::PaymentsTotal {
        outcome: labels::Outcome::Sucess,
        provider: labels::Provider::Stripe,
    }
    .increment(1);
}
