//! Emission records: which metric series and events each test emitted, written during
//! `cargo test` and read back by `cargo instr-check --require-tested` to prove that a
//! feature's success metrics and objectives are exercised by tests.
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
//! The format and its reader and writer live in the `instr-emissions` crate (only `std`),
//! which the checker reads the records with; `docs/testing.md` documents the format.

use std::cell::RefCell;
use std::collections::HashSet;

pub use instr_emissions::{
    Emissions, FileStatus, MetricSeries, TestId, VERSION, attribute_child, directory,
};

use crate::catalog::{Event, Metric};
use crate::labels::{self, LabelSlot};

thread_local! {
    /// What this thread already recorded: (metric or event address, series).
    static SEEN: RefCell<HashSet<(usize, usize)>> = RefCell::new(HashSet::new());
}

/// True when this process records emissions (decided once).
pub(crate) fn recording() -> bool {
    instr_emissions::recording()
}

/// True the first time this thread reports `key`.
fn first_on_thread(key: (usize, usize)) -> bool {
    // During thread teardown the set is gone; the process-wide set still deduplicates.
    SEEN.try_with(|seen| seen.borrow_mut().insert(key))
        .unwrap_or(true)
}

/// Records that a metric series was emitted.
pub(crate) fn note_metric(metric: &'static Metric, slots: &[LabelSlot], series: usize) {
    if !recording() || !first_on_thread((std::ptr::from_ref(metric) as usize, series)) {
        return;
    }
    let Some(values) = labels::decode(slots, series) else {
        return;
    };
    let pairs: Vec<(&str, &str)> = values
        .iter()
        .map(|(name, value)| (*name, value.as_ref()))
        .collect();
    instr_emissions::record_metric(metric.name, &pairs);
}

/// Records that an event was emitted.
pub(crate) fn note_event(event: &'static Event) {
    if recording() && first_on_thread((std::ptr::from_ref(event) as usize, usize::MAX)) {
        instr_emissions::record_event(event.name);
    }
}
