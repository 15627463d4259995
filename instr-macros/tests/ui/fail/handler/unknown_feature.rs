#[instr::handler(feature = "paymnts")]
fn pay() {}

fn main() {
    // The function is still emitted: using it adds no second error.
    pay();
}
