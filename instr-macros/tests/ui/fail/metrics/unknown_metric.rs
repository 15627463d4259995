mod schema {
    instr::schema!("instr.toml");
}

fn main() {
    schema::metrics::PaymentTotal.increment(1);
}
