//! A recorder for tests: captures what this thread emits while it is alive, and answers
//! questions about it with exact values.
//!
//! ```ignore
//! let recorder = instr::testing::Recorder::start();
//! metrics::OrdersTotal { status: labels::Status::Paid }.increment(2);
//! assert_eq!(recorder.counter("orders_total", &[("status", "paid")]), 2);
//! ```
//!
//! Capture is per thread (emissions from other threads are not seen), which keeps tests that
//! run in parallel apart. It sees what the emitters were asked to do, with open-label values
//! already folded into `other`, whichever backend stores the values.
//!
//! [`emissions`] records, across a whole test run, which test emitted which series and events,
//! for `cargo instr-check` to prove that features' success metrics are tested.

pub mod emissions;

use std::cell::RefCell;
use std::rc::Rc;

use crate::catalog::Metric;
use crate::events::EventRecord;
use crate::labels::{self, LabelSlot};
use crate::thread;

type Labels = Vec<(&'static str, String)>;

#[derive(Debug)]
enum Entry {
    Counter(&'static str, Labels, u64),
    GaugeSet(&'static str, Labels, f64),
    GaugeAdd(&'static str, Labels, f64),
    Histogram(&'static str, Labels, f64),
}

#[derive(Debug, Default)]
struct Log {
    entries: Vec<Entry>,
    events: Vec<EventRecord>,
}

thread_local! {
    static ACTIVE: RefCell<Option<Rc<RefCell<Log>>>> = const { RefCell::new(None) };
}

/// Captures this thread's emissions from [`Recorder::start`] until it is dropped.
#[derive(Debug)]
pub struct Recorder {
    log: Rc<RefCell<Log>>,
    previous: Option<Rc<RefCell<Log>>>,
}

/// What a histogram series received.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Observations {
    /// Every recorded value, in order.
    pub values: Vec<f64>,
}

impl Observations {
    /// How many values were recorded.
    pub fn count(&self) -> usize {
        self.values.len()
    }

    /// Their sum.
    pub fn sum(&self) -> f64 {
        self.values.iter().sum()
    }
}

impl Recorder {
    /// Starts capturing on this thread. A recorder started while another is active takes
    /// over until it is dropped.
    pub fn start() -> Self {
        let log = Rc::new(RefCell::new(Log::default()));
        let previous = ACTIVE.with(|active| active.borrow_mut().replace(Rc::clone(&log)));
        thread::set_capturing(true);
        Self { log, previous }
    }

    /// The total added to a counter series. `labels` must name every label of the series
    /// (in any order); a series never incremented is 0.
    pub fn counter(&self, metric: &str, labels: &[(&str, &str)]) -> u64 {
        self.log
            .borrow()
            .entries
            .iter()
            .filter_map(|entry| match entry {
                Entry::Counter(name, series, value)
                    if *name == metric && same_labels(series, labels) =>
                {
                    Some(*value)
                }
                _ => None,
            })
            .sum()
    }

    /// A gauge series' value as if it started at zero: the last `set` plus later increments
    /// and decrements; `None` if the series was not touched.
    pub fn gauge(&self, metric: &str, labels: &[(&str, &str)]) -> Option<f64> {
        let log = self.log.borrow();
        let mut value = None;
        for entry in &log.entries {
            match entry {
                Entry::GaugeSet(name, series, set)
                    if *name == metric && same_labels(series, labels) =>
                {
                    value = Some(*set);
                }
                Entry::GaugeAdd(name, series, delta)
                    if *name == metric && same_labels(series, labels) =>
                {
                    value = Some(value.unwrap_or(0.0) + delta);
                }
                _ => {}
            }
        }
        value
    }

    /// The values recorded into a histogram series.
    pub fn histogram(&self, metric: &str, labels: &[(&str, &str)]) -> Observations {
        Observations {
            values: self
                .log
                .borrow()
                .entries
                .iter()
                .filter_map(|entry| match entry {
                    Entry::Histogram(name, series, value)
                        if *name == metric && same_labels(series, labels) =>
                    {
                        Some(*value)
                    }
                    _ => None,
                })
                .collect(),
        }
    }

    /// The label sets a metric was emitted with, in first-emission order, each sorted by
    /// label name.
    pub fn series(&self, metric: &str) -> Vec<Vec<(String, String)>> {
        let mut out: Vec<Vec<(String, String)>> = Vec::new();
        for entry in &self.log.borrow().entries {
            let (Entry::Counter(name, series, _)
            | Entry::GaugeSet(name, series, _)
            | Entry::GaugeAdd(name, series, _)
            | Entry::Histogram(name, series, _)) = entry;
            if *name != metric {
                continue;
            }
            let mut labels: Vec<(String, String)> = series
                .iter()
                .map(|(key, value)| ((*key).to_owned(), value.clone()))
                .collect();
            labels.sort();
            if !out.contains(&labels) {
                out.push(labels);
            }
        }
        out
    }

    /// Every event emitted, in order.
    pub fn events(&self) -> Vec<EventRecord> {
        self.log.borrow().events.clone()
    }

    /// The events with this name, in order.
    pub fn events_named(&self, name: &str) -> Vec<EventRecord> {
        self.log
            .borrow()
            .events
            .iter()
            .filter(|record| record.event.name == name)
            .cloned()
            .collect()
    }
}

impl Drop for Recorder {
    fn drop(&mut self) {
        let previous = self.previous.take();
        let active = previous.is_some();
        ACTIVE.with(|slot| *slot.borrow_mut() = previous);
        thread::set_capturing(active);
    }
}

fn same_labels(series: &[(&'static str, String)], wanted: &[(&str, &str)]) -> bool {
    series.len() == wanted.len()
        && wanted.iter().all(|(key, value)| {
            series
                .iter()
                .any(|(have_key, have_value)| have_key == key && have_value == value)
        })
}

fn record(entry: impl FnOnce() -> Option<Entry>) {
    ACTIVE.with(|active| {
        if let Some(log) = active.borrow().as_ref()
            && let Some(entry) = entry()
        {
            log.borrow_mut().entries.push(entry);
        }
    });
}

fn decode(labels: &[LabelSlot], series: usize) -> Option<Labels> {
    labels::decode(labels, series).map(|values| {
        values
            .into_iter()
            .map(|(name, value)| (name, value.into_owned()))
            .collect()
    })
}

pub(crate) fn capture_counter(
    metric: &'static Metric,
    labels: &[LabelSlot],
    series: usize,
    value: u64,
) {
    record(|| Some(Entry::Counter(metric.name, decode(labels, series)?, value)));
    emissions::note_metric(metric, labels, series);
}

pub(crate) fn capture_gauge(
    metric: &'static Metric,
    labels: &[LabelSlot],
    series: usize,
    value: f64,
    set: bool,
) {
    record(|| {
        let labels = decode(labels, series)?;
        Some(if set {
            Entry::GaugeSet(metric.name, labels, value)
        } else {
            Entry::GaugeAdd(metric.name, labels, value)
        })
    });
    emissions::note_metric(metric, labels, series);
}

pub(crate) fn capture_histogram(
    metric: &'static Metric,
    labels: &[LabelSlot],
    series: usize,
    value: f64,
) {
    record(|| {
        Some(Entry::Histogram(
            metric.name,
            decode(labels, series)?,
            value,
        ))
    });
    emissions::note_metric(metric, labels, series);
}

/// True while a recorder captures on this thread.
pub(crate) fn capturing() -> bool {
    thread::capturing()
}

pub(crate) fn capture_event(event: &EventRecord) {
    ACTIVE.with(|active| {
        if let Some(log) = active.borrow().as_ref() {
            log.borrow_mut().events.push(event.clone());
        }
    });
}
