//! The worker's schedules: every schedule's row, and the one wall-clock alarm set at the
//! earliest thing any of them waits for. The actor (`actor/schedules.rs`) decides and saves;
//! this part keeps the rows and says what is due.

use crate::error::Result;
use crate::store::{ScheduleRecord, Store};
use crate::worker::messages::Msg;
use crate::worker::wall_timer::WallTimer;
use std::collections::BTreeMap;
use std::sync::mpsc::Sender;

pub struct Schedules {
    all: BTreeMap<String, ScheduleRecord>,
    /// False until the first pass after the worker started, and again after the wall clock
    /// was set: then no window counts as on time, every passed one as missed.
    fresh: bool,
    wall: Option<WallTimer>,
}

impl Schedules {
    pub fn load(store: &Store, tx: Sender<Msg>) -> Result<Schedules> {
        let all = store.schedules()?.into_iter().map(|s| (s.def.name.clone(), s)).collect();
        Ok(Schedules { all, fresh: false, wall: WallTimer::start(tx) })
    }

    pub fn is_empty(&self) -> bool {
        self.all.is_empty()
    }

    pub fn get(&self, name: &str) -> Option<&ScheduleRecord> {
        self.all.get(name)
    }

    pub fn put(&mut self, s: ScheduleRecord) {
        self.all.insert(s.def.name.clone(), s);
    }

    pub fn remove(&mut self, name: &str) -> Option<ScheduleRecord> {
        self.all.remove(name)
    }

    /// Names with a window due, or a cap's pause that has ended, by `now`.
    pub fn due(&self, now: i64) -> Vec<String> {
        self.all
            .values()
            .filter(|s| wake_of(s).is_some_and(|at| at <= now))
            .map(|s| s.def.name.clone())
            .collect()
    }

    /// Names with runs waiting for the run still going.
    pub fn waiting(&self) -> Vec<String> {
        let waits = |s: &&ScheduleRecord| !s.paused && s.backlog + s.catch_ups > 0;
        self.all.values().filter(waits).map(|s| s.def.name.clone()).collect()
    }

    pub fn is_fresh(&self) -> bool {
        self.fresh
    }

    /// The wall-clock alarm went off; `jumped`: the clock was set, so treat what is due as
    /// after a restart.
    pub fn on_wall_clock(&mut self, jumped: bool) {
        if let Some(wall) = &mut self.wall {
            wall.fired();
        }
        if jumped {
            self.fresh = false;
        }
    }

    /// After a pass: arm the alarm at the earliest wake-up. Returns it when there is no
    /// wall-clock alarm, for the actor's own timers to carry.
    pub fn passed(&mut self) -> Option<i64> {
        self.fresh = true;
        let next = self.all.values().filter_map(wake_of).min();
        match &mut self.wall {
            Some(wall) => {
                wall.arm(next);
                None
            }
            None => next,
        }
    }
}

/// When schedule `s` next needs the worker: its next window, or the end of a cap's pause.
fn wake_of(s: &ScheduleRecord) -> Option<i64> {
    if s.paused { s.paused_until } else { s.next_at }
}
