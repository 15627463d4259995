#[instr::handler(feature = "payments", latncy = 1)]
fn pay() {}

#[instr::handler(feature = "payments", feature = "refunds")]
fn refund() {}

#[instr::handler(feature = payments)]
fn cancel() {}

#[instr::handler(feature)]
fn close() {}

fn main() {}
