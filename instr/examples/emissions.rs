//! Lists what the tests emitted, as recorded under a target folder, until
//! `cargo instr-check --require-tested` reads the records itself:
//!
//! ```sh
//! INSTR_EMISSIONS=1 cargo test -p shop
//! cargo run -p instr --example emissions -- target checkout_attempts_total order_placed
//! ```
//!
//! For each metric or event named (all of them when none is), the tests that emitted it; then
//! each file and what became of it. Exits 1 when a named metric or event was emitted by no
//! test.

use std::io::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use instr::testing::emissions::{self, Emissions};

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let target = PathBuf::from(args.next().unwrap_or_else(|| "target".to_owned()));
    let names: Vec<String> = args.collect();
    let dir = emissions::directory(&target);
    let read = match Emissions::read(&dir) {
        Ok(read) => read,
        Err(error) => {
            let _ = writeln!(std::io::stderr(), "cannot read {}: {error}", dir.display());
            return ExitCode::from(2);
        }
    };
    let mut out = std::io::stdout().lock();
    let mut missing = 0;
    for name in &names {
        let mut tests: Vec<String> = read
            .tests_emitting_metric(name, &[])
            .into_iter()
            .chain(read.tests_emitting_event(name))
            .map(ToString::to_string)
            .collect();
        tests.dedup();
        if tests.is_empty() {
            missing += 1;
            let _ = writeln!(out, "{name}: emitted by no test");
        } else {
            let _ = writeln!(out, "{name}: {}", tests.join(", "));
        }
    }
    for (path, status) in read.files() {
        let _ = writeln!(out, "{}: {status:?}", path.display());
    }
    if missing > 0 {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}
