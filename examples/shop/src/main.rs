//! The example shop service. Its schema, `instr.toml`, declares what it measures.

fn main() {}
