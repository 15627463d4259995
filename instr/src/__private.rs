//! What generated code calls. Not a public API: it changes with `instr-macros`, which is
//! pinned to this crate's exact version.

pub use tracing;

pub use crate::entry::{MetricEntry, Sample, Store};
pub use crate::labels::{LabelSlot, OpenValues};
pub use crate::store::{CounterStore, GaugeStore, HistogramStore, native};

use crate::events::{EventRecord, Value};
use crate::{Counter, Histogram, Timer, events, testing};

/// True when an emitted event has somewhere to go besides `tracing`, so the record is built
/// only then.
#[inline]
pub fn events_observed() -> bool {
    events::sink().is_some() || testing::capturing() || testing::emissions::recording()
}

/// Hands an event to the sink and the test recorder.
pub fn deliver_event(
    event: &'static crate::catalog::Event,
    properties: Vec<(&'static str, Value)>,
) {
    let record = EventRecord { event, properties };
    if let Some(sink) = events::sink() {
        sink.emit(&record);
    }
    if testing::capturing() {
        testing::capture_event(&record);
    }
    testing::emissions::note_event(record.event);
}

/// `#[instr::handler(calls = ...)]`: one more call.
#[inline]
pub fn count_call<C: Counter>(counter: &C) {
    counter.increment(1);
}

/// `#[instr::handler(latency = ...)]`: times the call. Taking the emitter by reference
/// makes rustc report a wrong emitter once, at the expression.
#[inline]
pub fn latency_timer<H: Histogram + Clone>(histogram: &H) -> Timer<H> {
    Timer::start(histogram.clone())
}

/// A handler's return value that has an outcome (`Result`).
#[diagnostic::on_unimplemented(
    message = "`ok` and `err` need the function to return a `Result`, not `{Self}`",
    label = "this function does not return a `Result`"
)]
pub trait HandlerOutcome {
    /// True for success.
    fn is_success(&self) -> bool;
}

impl<T, E> HandlerOutcome for Result<T, E> {
    fn is_success(&self) -> bool {
        self.is_ok()
    }
}

/// `#[instr::handler(ok = ...)]`.
#[inline]
pub fn count_if_ok<R: HandlerOutcome, C: Counter>(result: &R, counter: &C) {
    if result.is_success() {
        counter.increment(1);
    }
}

/// `#[instr::handler(err = ...)]`.
#[inline]
pub fn count_if_err<R: HandlerOutcome, C: Counter>(result: &R, counter: &C) {
    if !result.is_success() {
        counter.increment(1);
    }
}
