mod schema {
    instr::schema!(instr_toml);
}

fn main() {}
