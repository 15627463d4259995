//! Per-thread state read on every emission: the thread's shard, and whether a test recorder
//! is capturing on this thread or the process records emissions for tests. One `u32` in a
//! const-initialised thread local without a destructor, so the hot path costs one TLS load and
//! one predictable branch. Whether the process records is looked up once per thread, on its
//! first emission (the slow path), so a process that does not record pays nothing for it.
//!
//! The first [`EXCLUSIVE_SHARDS`] threads to emit each own a shard: only the owner writes
//! it, so it updates cells with a plain load and store instead of a locked read-modify-write
//! (the claim is released, with release ordering, when the thread exits, and the next owner
//! acquires it). Further threads share the remaining shards round-robin and use atomic
//! read-modify-writes there.

use std::cell::Cell;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};

/// How many shards counters and histograms spread over: [`EXCLUSIVE_SHARDS`] owned by one
/// thread each (updated without locked instructions), then shared ones for further threads.
pub(crate) const SHARDS: usize = 12;

/// Shards owned by a single thread each.
pub(crate) const EXCLUSIVE_SHARDS: usize = 8;

/// Set when the emission must take the slow path: the thread has no shard yet, a recorder is
/// capturing, or the process records emissions.
pub(crate) const SLOW: u32 = 1 << 31;
const CAPTURING: u32 = 1 << 30;
const INITIALIZED: u32 = 1 << 29;
const RECORDING: u32 = 1 << 28;
const SHARD_BITS: u32 = 0xffff;

const _: () = assert!(SHARDS > EXCLUSIVE_SHARDS && SHARDS <= SHARD_BITS as usize);

thread_local! {
    static STATE: Cell<u32> = const { Cell::new(SLOW) };
    /// The exclusive shard this thread owns; its destructor gives the shard back.
    static OWNER: Owner = const { Owner(Cell::new(None)) };
}

/// Which exclusive shards are owned.
static CLAIMED: [AtomicBool; EXCLUSIVE_SHARDS] =
    [const { AtomicBool::new(false) }; EXCLUSIVE_SHARDS];

/// Threads without an exclusive shard take the shared ones round-robin.
static NEXT_SHARED: AtomicU32 = AtomicU32::new(0);

struct Owner(Cell<Option<usize>>);

impl Drop for Owner {
    fn drop(&mut self) {
        if let Some(shard) = self.0.take() {
            // From now on this thread (still emitting from other destructors, say) writes a
            // shared shard; then the claim is released after its last exclusive write.
            STATE.with(|state| state.set((state.get() & !SHARD_BITS) | shared_shard()));
            if let Some(claim) = CLAIMED.get(shard) {
                claim.store(false, Ordering::Release);
            }
        }
    }
}

/// The thread's state word.
#[inline(always)]
pub(crate) fn state() -> u32 {
    STATE.with(Cell::get)
}

/// The shard of a state word that has [`SLOW`] clear. Shards below [`EXCLUSIVE_SHARDS`] are
/// owned by this thread.
#[inline(always)]
pub(crate) fn shard(state: u32) -> usize {
    (state & SHARD_BITS) as usize
}

/// The shard this emission writes to. On the slow path (a thread's first emission, or a
/// test recorder capturing) the shard is assigned and `capture` runs.
#[inline(always)]
pub(crate) fn emission_shard(capture: impl FnOnce()) -> usize {
    let state = state();
    if state & SLOW == 0 {
        shard(state)
    } else {
        slow_path(state, capture)
    }
}

/// The slow path: assigns the thread's shard on its first emission and calls `capture` when
/// a recorder is capturing or the process records emissions. Returns the shard.
#[cold]
#[inline(never)]
pub(crate) fn slow_path(state: u32, capture: impl FnOnce()) -> usize {
    let state = initialized(state);
    if state & (CAPTURING | RECORDING) != 0 {
        capture();
    }
    shard(state)
}

fn shared_shard() -> u32 {
    let shared = (SHARDS - EXCLUSIVE_SHARDS) as u32;
    EXCLUSIVE_SHARDS as u32 + NEXT_SHARED.fetch_add(1, Ordering::Relaxed) % shared
}

/// Claims a free exclusive shard for this thread, if there is one and the thread can still
/// run a destructor to give it back.
fn claim_exclusive() -> Option<u32> {
    let shard = CLAIMED.iter().position(|claim| {
        claim
            .compare_exchange(false, true, Ordering::Acquire, Ordering::Relaxed)
            .is_ok()
    })?;
    match OWNER.try_with(|owner| owner.0.set(Some(shard))) {
        Ok(()) => Some(shard as u32),
        Err(_) => {
            // The thread is shutting down: nothing would release the claim.
            CLAIMED[shard].store(false, Ordering::Release);
            None
        }
    }
}

fn initialized(state: u32) -> u32 {
    if state & INITIALIZED != 0 {
        return state;
    }
    let shard = claim_exclusive().unwrap_or_else(shared_shard);
    let mut next = (state & !SHARD_BITS) | INITIALIZED | shard;
    if crate::testing::emissions::recording() {
        next |= RECORDING;
    }
    if next & (CAPTURING | RECORDING) == 0 {
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
    } else if state & RECORDING != 0 {
        state & !CAPTURING
    } else {
        state & !(SLOW | CAPTURING)
    };
    STATE.with(|cell| cell.set(next));
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Threads own distinct exclusive shards while they live and give them back when they
    /// exit, so a later thread can own the same shard.
    #[test]
    fn exclusive_shards_are_owned_once_and_released() {
        let barrier = std::sync::Barrier::new(2);
        let (first, second) = std::thread::scope(|scope| {
            let run = || {
                let shard = slow_path(state(), || {});
                barrier.wait();
                shard
            };
            let a = scope.spawn(run);
            let b = scope.spawn(run);
            (a.join().unwrap(), b.join().unwrap())
        });
        assert_ne!(first, second);
        // Both threads exited: their claims are free again (other tests' threads may hold
        // some, so only these two are checked).
        for shard in [first, second] {
            if shard < EXCLUSIVE_SHARDS {
                assert!(
                    !CLAIMED[shard].load(Ordering::Acquire),
                    "shard {shard} still claimed"
                );
            }
        }
    }
}
