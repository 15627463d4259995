#[instr::exempt]
fn health() {}

#[instr::exempt(reason = "  ")]
fn ready() {}

#[instr::exempt(reson = "load balancer probe")]
fn live() {}

fn main() {
    health();
    ready();
    live();
}
