//! Emission records: which metric series and events each test emitted, written during
//! `cargo test` and read back by `cargo instr-check --require-tested` to prove that a
//! feature's success metrics and objectives are exercised by tests.
//!
//! Services use this through `instr::testing::emissions`, which feeds it every emission; the
//! checker reads the records with [`Emissions::read`]. It is a crate of its own, needing only
//! `std`, so that the checker reads the format the runtime writes without compiling the
//! runtime and its proc-macros.
//!
//! # Recording
//!
//! With `INSTR_EMISSIONS=1` in the environment of `cargo test` (or cargo-nextest), every test
//! binary writes one file per process into `<target dir>/instr/emissions/`: each distinct
//! metric series (with its label values) and event, once per test. The test is the emitting
//! thread's name, which libtest sets to the test's path. A process decides once, at its first
//! emission ([`recording`]); without the variable it records nothing.
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
//! The format is documented in `docs/testing.md`.

mod format;
mod process;
mod reader;
mod writer;

use std::ffi::OsString;
use std::path::{Path, PathBuf};

pub use format::VERSION;
pub use reader::{Emissions, FileStatus, MetricSeries, TestId};
pub use writer::{attribute_child, record_event, record_metric, recording};

/// Where test processes write their records for the target folder `target_dir` (what
/// `cargo metadata` reports as `target_directory`): `<target_dir>/instr/emissions`. A process
/// with `INSTR_EMISSIONS_DIR` set writes there instead (see [`directory_from_env`]).
pub fn directory(target_dir: &Path) -> PathBuf {
    target_dir.join("instr").join("emissions")
}

/// The folder a reader should look in for the target folder `target_dir`, as the writers
/// choose it: `INSTR_EMISSIONS_DIR` when `env` sets it (not empty), else [`directory`].
pub fn directory_from_env(target_dir: &Path, env: impl Fn(&str) -> Option<OsString>) -> PathBuf {
    match env(process::DIR) {
        Some(dir) if !dir.is_empty() => PathBuf::from(dir),
        _ => directory(target_dir),
    }
}
