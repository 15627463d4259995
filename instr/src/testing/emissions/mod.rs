//! Emission records: which metric series and events each test emitted, written during
//! `cargo test` and read back by `cargo instr-check` to prove that a feature's success metrics
//! and objectives are exercised by tests.
//!
//! # Recording
//!
//! With `INSTR_EMISSIONS=1` in the environment of `cargo test` (or cargo-nextest), every test
//! binary writes one file per process into `<target dir>/instr/emissions/`: each distinct
//! metric series (with its label values) and event, once per test. The test is the emitting
//! thread's name, which libtest sets to the test's path. Nothing else changes: a process
//! decides once, at its first emission, and without the variable (production, benchmarks, a
//! plain `cargo test`) the emission path is the same instructions as before.
//!
//! Programs a test starts (a server binary) record only when the test passes its identity on
//! with [`attribute_child`]; their emissions then count for that test.
//!
//! # Reading
//!
//! [`Emissions::read`] merges every file of a folder (the folder [`directory`] names for a
//! target folder), leaving out files whose test binary was rebuilt or removed since it wrote
//! them; [`Emissions::tests_emitting_metric`] and [`Emissions::tests_emitting_event`] answer
//! whether, and by which tests, something was emitted.
//!
//! The module needs only `std`, and the format is documented in `docs/testing.md`.

mod format;
mod process;
mod reader;
mod writer;

use std::path::{Path, PathBuf};
use std::process::Command;

pub use format::VERSION;
pub use reader::{Emissions, FileStatus, MetricSeries, TestId};
pub(crate) use writer::{note_event, note_metric, recording};

/// Where test processes write their records for the target folder `target_dir` (what
/// `cargo metadata` reports as `target_directory`): `<target_dir>/instr/emissions`. A process
/// with `INSTR_EMISSIONS_DIR` set writes there instead.
pub fn directory(target_dir: &Path) -> PathBuf {
    target_dir.join("instr").join("emissions")
}

/// Makes the emissions of a program a test starts count for that test: when this process
/// records, the child records too, into the same folder, every emission attributed to the
/// calling thread's test and to this test binary's build. Does nothing when this process does
/// not record.
///
/// ```no_run
/// let mut command = std::process::Command::new("target/debug/shop");
/// instr::testing::emissions::attribute_child(&mut command);
/// let child = command.spawn();
/// ```
pub fn attribute_child(command: &mut Command) -> &mut Command {
    let Some(settings) = writer::settings() else {
        return command;
    };
    command
        .env(process::ENABLE, "1")
        .env(process::DIR, &settings.dir)
        .env(process::EXECUTABLE, &settings.process.executable)
        .env(process::TEST, writer::current_test(settings))
        .env("CARGO_PKG_NAME", &settings.process.package)
}
