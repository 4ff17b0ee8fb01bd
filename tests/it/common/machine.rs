//! One test binary runs every area's tests side by side. A few tests load the whole machine on
//! purpose (the CPU and memory gate tests) or measure it: they run alone, while every other
//! test's `Home` holds a shared claim.

use std::cell::Cell;
use std::sync::{RwLock, RwLockReadGuard, RwLockWriteGuard};

static MACHINE: RwLock<()> = RwLock::new(());

thread_local! {
    /// This thread holds the machine alone: its own homes must not wait on themselves.
    static ALONE: Cell<bool> = const { Cell::new(false) };
}

/// The whole machine, until dropped: no other test's home exists meanwhile.
pub struct Alone {
    _guard: RwLockWriteGuard<'static, ()>,
}

impl Drop for Alone {
    fn drop(&mut self) {
        ALONE.with(|a| a.set(false));
    }
}

pub fn alone() -> Alone {
    let guard = MACHINE.write().unwrap_or_else(|e| e.into_inner());
    ALONE.with(|a| a.set(true));
    Alone { _guard: guard }
}

/// A shared claim, held by each `Home` (none on the thread that holds the machine alone).
pub fn shared() -> Option<RwLockReadGuard<'static, ()>> {
    if ALONE.with(Cell::get) {
        return None;
    }
    Some(MACHINE.read().unwrap_or_else(|e| e.into_inner()))
}
