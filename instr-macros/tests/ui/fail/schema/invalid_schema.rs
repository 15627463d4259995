mod schema {
    instr::schema!("schemas/invalid.toml");
}

fn main() {}
