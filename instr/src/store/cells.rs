//! Sharded atomic cells: each shard is a cache-line-aligned array holding every cell of a
//! metric, so a thread updates its own shard and never contends with threads on other
//! shards. A shard below [`EXCLUSIVE_SHARDS`] has a single writer (its owning thread), which
//! updates it with a plain load and store; the shared shards take atomic read-modify-writes.
//! Reading sums the shards.

use std::sync::atomic::{AtomicU64, Ordering};

use crate::thread::{EXCLUSIVE_SHARDS, SHARDS};

/// Two cache lines: Intel's adjacent-line prefetcher pulls lines in pairs, so 64-byte
/// alignment would still let neighbouring shards interfere.
#[repr(align(128))]
struct Shard<const N: usize>([AtomicU64; N]);

/// `N` cells, replicated in every shard.
pub(crate) struct ShardedCells<const N: usize> {
    shards: [Shard<N>; SHARDS],
}

impl<const N: usize> ShardedCells<N> {
    /// All zero.
    pub(crate) const fn new() -> Self {
        Self {
            shards: [const { Shard([const { AtomicU64::new(0) }; N]) }; SHARDS],
        }
    }

    #[inline(always)]
    fn cell(&self, shard: usize, index: usize) -> Option<&AtomicU64> {
        self.shards.get(shard)?.0.get(index)
    }

    /// Adds to a cell of the thread's shard.
    #[inline(always)]
    pub(crate) fn add(&self, shard: usize, index: usize, value: u64) {
        if let Some(cell) = self.cell(shard, index) {
            if shard < EXCLUSIVE_SHARDS {
                // Single writer: no other thread can update between the load and the store.
                let current = cell.load(Ordering::Relaxed);
                cell.store(current.wrapping_add(value), Ordering::Relaxed);
            } else {
                cell.fetch_add(value, Ordering::Relaxed);
            }
        }
    }

    /// Adds to a cell holding an `f64`'s bits.
    #[inline(always)]
    pub(crate) fn add_f64(&self, shard: usize, index: usize, value: f64) {
        if let Some(cell) = self.cell(shard, index) {
            if shard < EXCLUSIVE_SHARDS {
                let current = f64::from_bits(cell.load(Ordering::Relaxed));
                cell.store((current + value).to_bits(), Ordering::Relaxed);
            } else {
                add_f64(cell, value);
            }
        }
    }

    /// The sum of a cell over the shards.
    pub(crate) fn sum(&self, index: usize) -> u64 {
        self.shards
            .iter()
            .filter_map(|shard| shard.0.get(index))
            .fold(0u64, |sum, cell| {
                sum.wrapping_add(cell.load(Ordering::Relaxed))
            })
    }

    /// The sum of an `f64` cell over the shards.
    pub(crate) fn sum_f64(&self, index: usize) -> f64 {
        self.shards
            .iter()
            .filter_map(|shard| shard.0.get(index))
            .map(|cell| f64::from_bits(cell.load(Ordering::Relaxed)))
            .sum()
    }
}

/// Adds to an atomic holding an `f64`'s bits.
#[inline(always)]
pub(crate) fn add_f64(cell: &AtomicU64, value: f64) {
    let mut current = cell.load(Ordering::Relaxed);
    loop {
        let next = (f64::from_bits(current) + value).to_bits();
        match cell.compare_exchange_weak(current, next, Ordering::Relaxed, Ordering::Relaxed) {
            Ok(_) => return,
            Err(actual) => current = actual,
        }
    }
}
