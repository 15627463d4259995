mod schema {
    instr::schema!("instr.toml");
}

use schema::{labels, metrics};

fn main() {
    metrics::PaymentsTotal {
        outcome: labels::Outcome::Success,
        provider: labels::Outcome::Declined,
    }
    .increment(1);
}
