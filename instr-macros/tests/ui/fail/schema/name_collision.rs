mod schema {
    instr::schema!("schemas/collision.toml");
}

fn main() {}
