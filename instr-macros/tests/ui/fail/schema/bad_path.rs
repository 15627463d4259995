mod schema {
    instr::schema!("missing.toml");
}

fn main() {}
