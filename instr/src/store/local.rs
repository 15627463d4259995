//! The default backend: a static store shaped by the schema.

use std::sync::atomic::{AtomicU64, Ordering};

use super::cells::{ShardedCells, add_f64};
use crate::catalog::Catalog;
use crate::entry::{MetricEntry, Sample, Store};
use crate::{testing, thread};

/// A counter with `N` series.
pub struct CounterStore<const N: usize> {
    cells: ShardedCells<N>,
}

impl<const N: usize> CounterStore<N> {
    /// All series at zero.
    pub const fn new() -> Self {
        Self {
            cells: ShardedCells::new(),
        }
    }

    /// Adds `value` to a series.
    #[inline]
    pub fn add(
        &'static self,
        entry: &'static MetricEntry,
        catalog: &'static Catalog,
        series: usize,
        value: u64,
    ) {
        catalog.__ensure_registered();
        let shard = thread::emission_shard(|| {
            testing::capture_counter(entry.metric, entry.labels, series, value);
        });
        self.cells.add(shard, series, value);
    }
}

impl<const N: usize> Default for CounterStore<N> {
    fn default() -> Self {
        Self::new()
    }
}

impl<const N: usize> Store for CounterStore<N> {
    fn read(&self, _entry: &'static MetricEntry, series: usize) -> Option<Sample> {
        (series < N).then(|| Sample::Counter(self.cells.sum(series)))
    }

    fn on_register(&'static self, _entry: &'static MetricEntry) {}

    fn bytes(&self) -> usize {
        std::mem::size_of_val(self)
    }
}

/// A gauge with `N` series. Not sharded: `set` needs one place to write.
pub struct GaugeStore<const N: usize> {
    cells: [AtomicU64; N],
}

impl<const N: usize> GaugeStore<N> {
    /// All series at zero.
    pub const fn new() -> Self {
        Self {
            // 0.0 is all zero bits.
            cells: [const { AtomicU64::new(0) }; N],
        }
    }

    /// Sets a series.
    #[inline]
    pub fn set(
        &'static self,
        entry: &'static MetricEntry,
        catalog: &'static Catalog,
        series: usize,
        value: f64,
    ) {
        catalog.__ensure_registered();
        // Gauges are not sharded: only the capture matters here.
        thread::emission_shard(|| {
            testing::capture_gauge(entry.metric, entry.labels, series, value, true);
        });
        if let Some(cell) = self.cells.get(series) {
            cell.store(value.to_bits(), Ordering::Relaxed);
        }
    }

    /// Adds to a series (subtracts for negative `value`).
    #[inline]
    pub fn add(
        &'static self,
        entry: &'static MetricEntry,
        catalog: &'static Catalog,
        series: usize,
        value: f64,
    ) {
        catalog.__ensure_registered();
        // Gauges are not sharded: only the capture matters here.
        thread::emission_shard(|| {
            testing::capture_gauge(entry.metric, entry.labels, series, value, false);
        });
        if let Some(cell) = self.cells.get(series) {
            add_f64(cell, value);
        }
    }
}

impl<const N: usize> Default for GaugeStore<N> {
    fn default() -> Self {
        Self::new()
    }
}

impl<const N: usize> Store for GaugeStore<N> {
    fn read(&self, _entry: &'static MetricEntry, series: usize) -> Option<Sample> {
        self.cells
            .get(series)
            .map(|cell| Sample::Gauge(f64::from_bits(cell.load(Ordering::Relaxed))))
    }

    fn on_register(&'static self, _entry: &'static MetricEntry) {}

    fn bytes(&self) -> usize {
        std::mem::size_of_val(self)
    }
}

/// A histogram with `SERIES` series in `CELLS` cells: per series one count per bucket
/// (`+Inf` last) followed by the sum. The total count is the sum of the buckets, so a record
/// touches two cells.
pub struct HistogramStore<const SERIES: usize, const CELLS: usize> {
    cells: ShardedCells<CELLS>,
}

impl<const SERIES: usize, const CELLS: usize> HistogramStore<SERIES, CELLS> {
    /// All series empty.
    pub const fn new() -> Self {
        Self {
            cells: ShardedCells::new(),
        }
    }

    /// Records an observation in a series. `bounds` are the metric's bucket bounds; generated
    /// code passes them as a constant, so the bucket search compares against immediates.
    #[inline]
    pub fn record(
        &'static self,
        entry: &'static MetricEntry,
        catalog: &'static Catalog,
        series: usize,
        value: f64,
        bounds: &'static [f64],
    ) {
        catalog.__ensure_registered();
        let shard = thread::emission_shard(|| {
            testing::capture_histogram(entry.metric, entry.labels, series, value);
        });
        let base = series * (bounds.len() + 2);
        self.cells.add(shard, base + bucket_of(bounds, value), 1);
        self.cells.add_f64(shard, base + bounds.len() + 1, value);
    }
}

impl<const SERIES: usize, const CELLS: usize> Default for HistogramStore<SERIES, CELLS> {
    fn default() -> Self {
        Self::new()
    }
}

impl<const SERIES: usize, const CELLS: usize> Store for HistogramStore<SERIES, CELLS> {
    fn read(&self, entry: &'static MetricEntry, series: usize) -> Option<Sample> {
        if series >= SERIES {
            return None;
        }
        let width = entry.metric.buckets.len() + 2;
        let base = series * width;
        Some(Sample::Histogram {
            buckets: (base..base + width - 1)
                .map(|cell| self.cells.sum(cell))
                .collect(),
            sum: self.cells.sum_f64(base + width - 1),
        })
    }

    fn on_register(&'static self, _entry: &'static MetricEntry) {}

    fn bytes(&self) -> usize {
        std::mem::size_of_val(self)
    }
}

/// The bucket an observation falls in: the first bound it does not exceed, else `+Inf`
/// (`bounds.len()`). NaN lands in `+Inf`, as in Prometheus' clients.
///
/// Bounds are strictly increasing, so that bucket's index is the number of bounds below the
/// value: a count without branches, which the compiler unrolls for constant bounds.
#[inline(always)]
fn bucket_of(bounds: &[f64], value: f64) -> usize {
    if value.is_nan() {
        return bounds.len();
    }
    bounds.iter().filter(|bound| value > **bound).count()
}

#[cfg(test)]
mod tests {
    use super::bucket_of;

    /// A value equal to a bound belongs to that bound's bucket (`le` is inclusive); values
    /// above every bound and NaN go to `+Inf`.
    #[test]
    fn buckets_are_upper_inclusive() {
        let bounds = [0.1, 0.5, 1.0];
        assert_eq!(bucket_of(&bounds, -3.0), 0);
        assert_eq!(bucket_of(&bounds, 0.1), 0);
        assert_eq!(bucket_of(&bounds, 0.11), 1);
        assert_eq!(bucket_of(&bounds, 1.0), 2);
        assert_eq!(bucket_of(&bounds, 1.5), 3);
        assert_eq!(bucket_of(&bounds, f64::INFINITY), 3);
        assert_eq!(bucket_of(&bounds, f64::NAN), 3);
        assert_eq!(bucket_of(&[], 7.0), 0);
    }
}
