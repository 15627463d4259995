//! The `cargo-instr-check` binary; all logic lives in the library.

fn main() {
    std::process::exit(instr_lint::cli::run(std::env::args_os()));
}
