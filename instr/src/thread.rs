//! Per-thread state read on every emission: the thread's shard, and whether a test recorder
//! is capturing on this thread. One `u32` in a const-initialised thread local, so the hot
//! path costs one TLS load and one predictable branch.

use std::cell::Cell;
use std::sync::atomic::{AtomicU32, Ordering};

use crate::store::SHARDS;

/// Set when the emission must take the slow path: the thread has no shard yet, or a recorder
/// is capturing.
pub(crate) const SLOW: u32 = 1 << 31;
const CAPTURING: u32 = 1 << 30;
const INITIALIZED: u32 = 1 << 29;
const SHARD_MASK: u32 = SHARDS as u32 - 1;

const _: () = assert!(SHARDS.is_power_of_two() && SHARDS <= 1 << 16);

thread_local! {
    static STATE: Cell<u32> = const { Cell::new(SLOW) };
}

/// Threads get shards round-robin in the order they first emit.
static NEXT_SHARD: AtomicU32 = AtomicU32::new(0);

/// The thread's state word.
#[inline(always)]
pub(crate) fn state() -> u32 {
    STATE.with(Cell::get)
}

/// The shard of a state word that has [`SLOW`] clear.
#[inline(always)]
pub(crate) fn shard(state: u32) -> usize {
    (state & SHARD_MASK) as usize
}

/// The slow path: assigns the thread's shard on its first emission and calls `capture` when
/// a recorder is capturing. Returns the shard.
#[cold]
#[inline(never)]
pub(crate) fn slow_path(state: u32, capture: impl FnOnce()) -> usize {
    let state = initialized(state);
    if state & CAPTURING != 0 {
        capture();
    }
    shard(state)
}

fn initialized(state: u32) -> u32 {
    if state & INITIALIZED != 0 {
        return state;
    }
    let shard = NEXT_SHARD.fetch_add(1, Ordering::Relaxed) & SHARD_MASK;
    let mut next = state | INITIALIZED | shard;
    if next & CAPTURING == 0 {
        next &= !SLOW;
    }
    STATE.with(|cell| cell.set(next));
    next
}

/// True while a recorder captures on this thread.
pub(crate) fn capturing() -> bool {
    state() & CAPTURING != 0
}

/// Starts or stops capturing on this thread.
pub(crate) fn set_capturing(on: bool) {
    let state = initialized(state());
    let next = if on {
        state | SLOW | CAPTURING
    } else {
        state & !(SLOW | CAPTURING)
    };
    STATE.with(|cell| cell.set(next));
}
