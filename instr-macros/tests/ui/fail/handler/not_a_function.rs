#[instr::handler(feature = "payments")]
struct Payments;

fn main() {}
