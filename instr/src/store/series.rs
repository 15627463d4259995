//! A lazily filled table with one value per series: what a backend that forwards emissions
//! elsewhere (`metrics-facade`, `otel`) builds once per series from its label values (a
//! `metrics` handle, an OpenTelemetry attribute set), so an emission is an index and an atomic
//! load.

use std::borrow::Cow;
use std::sync::OnceLock;

use crate::entry::MetricEntry;
use crate::labels;

/// A series' label values, in label order.
pub(crate) type LabelValues = [(&'static str, Cow<'static, str>)];

/// One lazily built value per series.
pub(crate) struct PerSeries<T, const N: usize>([OnceLock<T>; N]);

impl<T, const N: usize> PerSeries<T, N> {
    /// Nothing built yet.
    pub(crate) const fn new() -> Self {
        Self([const { OnceLock::new() }; N])
    }

    /// The series' value, built from its label values on first use; `None` for an index out
    /// of range or an open-label slot no value has taken (the emitter assigns the slot before
    /// it asks, so this does not happen on emission).
    #[inline]
    pub(crate) fn get(
        &self,
        entry: &MetricEntry,
        series: usize,
        build: impl FnOnce(&LabelValues) -> T,
    ) -> Option<&T> {
        let slot = self.0.get(series)?;
        if let Some(value) = slot.get() {
            return Some(value);
        }
        let values = labels::decode(entry.labels, series)?;
        Some(slot.get_or_init(|| build(&values)))
    }

    /// Builds every series when all labels are closed, so they exist from the start, and
    /// yields them; yields nothing for a metric with an open label.
    pub(crate) fn build_closed<'a>(
        &'a self,
        entry: &'a MetricEntry,
        build: impl Fn(&LabelValues) -> T + 'a,
    ) -> impl Iterator<Item = &'a T> + 'a {
        let closed = labels::all_closed(entry.labels);
        (0..N)
            .filter(move |_| closed)
            .filter_map(move |series| self.get(entry, series, &build))
    }
}

/// Runs `capture` for a test recorder when one is active, for backends that do not use the
/// static store's shards (the shard is assigned all the same, on the thread's first emission).
#[inline(always)]
pub(super) fn observe(capture: impl FnOnce()) {
    crate::thread::emission_shard(capture);
}
