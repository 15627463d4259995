#[instr::handler]
fn pay() {}

#[instr::handler(calls = 1)]
fn refund() {}

fn main() {
    pay();
    refund();
}
