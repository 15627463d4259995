#![deny(deprecated)]

mod schema {
    instr::schema!("instr.toml");
}

fn main() {
    schema::metrics::LegacyPaymentsTotal.increment(1);
}
