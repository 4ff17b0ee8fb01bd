//! Schedules (issue 32): `schedule add|pause|resume|remove|run`, and each round's pass over
//! what came due. Every window that does not run leaves an event saying why.

use super::Actor;
use crate::error::{Error, Result};
use crate::schedules::{CatchUp, Job, MAX_CATCH_UP, ScheduleDef, ScheduleOp, classify, event_id};
use crate::store::{EventKind, ScheduleRecord, rfc3339};
use crate::worker::timers::Timer;
use serde_json::json;

/// Why a firing happened, as its `schedule_fired` event says.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Why {
    /// Its window came.
    Window,
    /// For windows missed (`--catch-up`).
    CatchUp,
    /// A window that waited for the run before it (`--overlap queue`).
    Queued,
    /// `schedule run`.
    Manual,
}

impl Actor {
    pub(super) fn schedule_add(&mut self, mut def: ScheduleDef, now: i64) -> Result<String> {
        def.validate().map_err(Error::usage)?;
        if self.schedules.get(&def.name).is_some() {
            return Err(Error::usage(format!(
                "a schedule named '{}' exists already: `smart-agents schedule remove {}` first",
                def.name, def.name
            )));
        }
        // Secret values are not kept in the schedule's row: a firing runs without them.
        let matcher = &self.secrets.matcher;
        match &mut def.job {
            Job::Task { spec } => {
                spec.env.retain(|(name, _)| !matcher.is_secret(name));
                spec.schedule = Some(def.name.clone());
                spec.validate()?;
            }
            Job::Flow { env, .. } => env.retain(|(name, _)| !matcher.is_secret(name)),
        }
        def.timing = def.timing.anchored(now);
        let next_at = def.timing.next_after(now);
        let s = ScheduleRecord {
            def,
            created_at: now,
            paused: false,
            pause_reason: None,
            paused_until: None,
            next_at,
            missed: 0,
            backlog: 0,
            catch_ups: 0,
            day: String::new(),
            runs_today: 0,
            last_task: None,
        };
        let name = s.def.name.clone();
        self.save_schedule(s)?;
        Ok(name)
    }

    pub(super) fn schedule_set(&mut self, name: &str, op: ScheduleOp, now: i64) -> Result<String> {
        let mut s = self.schedule_named(name)?;
        match op {
            ScheduleOp::Remove => {
                self.store.delete_schedule(name)?;
                self.schedules.remove(name);
                return Ok(format!("schedule {name} removed (runs it started go on)"));
            }
            ScheduleOp::Pause => {
                s.paused = true;
                s.pause_reason = Some("paused by hand".into());
                s.paused_until = None;
            }
            ScheduleOp::Resume => {
                // Windows passed while paused are not missed: they were not wanted.
                s.paused = false;
                s.pause_reason = None;
                s.paused_until = None;
                s.next_at = s.def.timing.next_after(now);
            }
        }
        self.save_schedule(s)?;
        Ok(format!("schedule {name} {}", if op == ScheduleOp::Pause { "paused" } else { "resumed" }))
    }

    /// `schedule run`: fire once now, whatever the overlap rule says.
    pub(super) fn schedule_run(&mut self, name: &str, now: i64) -> Result<String> {
        let mut s = self.schedule_named(name)?;
        let id = self.fire(&mut s, Why::Manual, now, now)?;
        self.save_schedule(s)?;
        id.ok_or_else(|| {
            Error::usage(format!("nothing was started: `smart-agents schedule show {name}` says why"))
        })
    }

    fn schedule_named(&self, name: &str) -> Result<ScheduleRecord> {
        self.schedules
            .get(name)
            .cloned()
            .ok_or_else(|| Error::not_found(format!("no schedule named '{name}'")))
    }

    pub(super) fn save_schedule(&mut self, s: ScheduleRecord) -> Result<()> {
        self.store.save_schedule(&s)?;
        self.schedules.put(s);
        Ok(())
    }

    pub(super) fn schedule_event(&mut self, name: &str, now: i64, kind: EventKind, data: serde_json::Value) {
        if let Err(e) = self.journal.add(&self.store, &event_id(name), now, kind, Some(data)) {
            eprintln!("smart-agents worker: schedule {name}: {e}");
        }
    }

    /// Each round: windows that came due, runs waiting for the one before, caps whose day
    /// ended; then the alarm is set at the earliest of what remains.
    pub(super) fn run_schedules(&mut self, now: i64) {
        if self.schedules.is_empty() {
            return;
        }
        for name in self.schedules.due(now) {
            if let Err(e) = self.schedule_due(&name, now) {
                eprintln!("smart-agents worker: schedule {name}: {e}");
            }
        }
        for name in self.schedules.waiting() {
            if let Err(e) = self.fire_waiting(&name, now) {
                eprintln!("smart-agents worker: schedule {name}: {e}");
            }
        }
        if let Some(at) = self.schedules.passed() {
            self.timers.add(at, Timer::Wake);
        }
    }

    fn schedule_due(&mut self, name: &str, now: i64) -> Result<()> {
        let mut s = self.schedule_named(name)?;
        if s.paused {
            // Only a cap's pause has an end: a new day has begun.
            s.paused = false;
            s.pause_reason = None;
            s.paused_until = None;
            s.next_at = s.def.timing.next_after(now);
            return self.save_schedule(s);
        }
        let Some(next_at) = s.next_at else { return Ok(()) };
        let Some(due) = classify(&s.def.timing, next_at, now, self.schedules.is_fresh()) else {
            return Ok(());
        };
        s.next_at = due.next;
        let missed = due.missed();
        if missed > 0 {
            s.missed += missed;
            let runs = match s.def.catch_up {
                CatchUp::Skip => 0,
                // A window on time now stands for the missed ones.
                CatchUp::Once => u64::from(!due.on_time),
                CatchUp::All => missed.min(MAX_CATCH_UP),
            };
            s.catch_ups += runs as u32;
            let data = json!({
                "count": missed,
                "first": rfc3339(due.first),
                "last": rfc3339(if due.on_time { due.before_last.unwrap_or(due.first) } else { due.last }),
                "catch_up": s.def.catch_up,
                "runs": runs,
            });
            self.schedule_event(name, now, EventKind::ScheduleMissed, data);
        }
        if due.on_time {
            self.fire_window(&mut s, due.last, now)?;
        }
        self.save_schedule(s)
    }
}
