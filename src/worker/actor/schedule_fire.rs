//! One firing of a schedule: the overlap rule, the per-day caps, then a normal task (or flow).

use super::Actor;
use super::schedules::Why;
use crate::error::Result;
use crate::schedules::{Job, Overlap};
use crate::store::{EventKind, ScheduleRecord, rfc3339};
use chrono::{Local, TimeZone};
use serde_json::json;

impl Actor {
    /// The window at `window` came: fire it, queue it, or skip it as `--overlap` says.
    pub(super) fn fire_window(&mut self, s: &mut ScheduleRecord, window: i64, now: i64) -> Result<()> {
        if let Some(running) = self.live_run_of(s)? {
            match s.def.overlap {
                Overlap::Skip => {
                    let data = json!({"why": "overlap", "running": running, "window": rfc3339(window)});
                    self.schedule_event(&s.def.name, now, EventKind::ScheduleSkipped, data);
                    return Ok(());
                }
                // One window waits at most: a run that hangs must not pile up a day of them.
                Overlap::Queue if s.backlog == 0 => {
                    s.backlog = 1;
                    return Ok(());
                }
                Overlap::Queue => {
                    let data = json!({"why": "overlap: a window already waits", "running": running,
                                      "window": rfc3339(window)});
                    self.schedule_event(&s.def.name, now, EventKind::ScheduleSkipped, data);
                    return Ok(());
                }
                Overlap::Allow => {}
            }
        }
        self.fire(s, Why::Window, window, now)?;
        Ok(())
    }

    /// A catch-up or queued run of `name` starts once no run of it is going.
    pub(super) fn fire_waiting(&mut self, name: &str, now: i64) -> Result<()> {
        let Some(mut s) = self.schedules.get(name).cloned() else { return Ok(()) };
        if self.live_run_of(&s)?.is_some() {
            return Ok(());
        }
        let why = if s.catch_ups > 0 {
            s.catch_ups -= 1;
            Why::CatchUp
        } else {
            s.backlog = s.backlog.saturating_sub(1);
            Why::Queued
        };
        self.fire(&mut s, why, now, now)?;
        self.save_schedule(s)
    }

    /// The schedule's run still going (pending or running), if any.
    fn live_run_of(&self, s: &ScheduleRecord) -> Result<Option<String>> {
        if let Job::Flow { .. } = s.def.job {
            let Some(id) = &s.last_task else { return Ok(None) };
            let running = self.store.flow(id)?.is_some_and(|f| f.state == crate::flows::FlowState::Running);
            return Ok(running.then(|| id.clone()));
        }
        let name = Some(s.def.name.as_str());
        let live = self
            .queue
            .values()
            .find(|l| l.rec.spec.schedule.as_deref() == name && !l.rec.state.is_finished());
        Ok(live.map(|l| l.rec.id.clone()))
    }

    /// Start one run (unless a per-day cap is reached, which pauses the schedule); its id.
    pub(super) fn fire(
        &mut self,
        s: &mut ScheduleRecord,
        why: Why,
        window: i64,
        now: i64,
    ) -> Result<Option<String>> {
        let today = local_day(now);
        if s.day != today {
            s.day = today;
            s.runs_today = 0;
        }
        if let Some(reached) = self.cap_reached(s, now)? {
            let data = json!({"why": reached, "window": rfc3339(window)});
            self.schedule_event(&s.def.name, now, EventKind::ScheduleSkipped, data);
            self.pause_for_cap(s, &reached, now);
            return Ok(None);
        }
        let started = match &s.def.job {
            Job::Task { spec } => {
                let mut spec = (**spec).clone();
                spec.schedule = Some(s.def.name.clone());
                spec.request_id = None;
                spec.not_before_ms = None;
                self.submit(spec, now)
            }
            Job::Flow { plan, file, cwd, env } => {
                let mut plan = (**plan).clone();
                for step in &mut plan.steps {
                    step.action.schedule = Some(s.def.name.clone());
                    if let Some(undo) = &mut step.undo {
                        undo.schedule = Some(s.def.name.clone());
                    }
                }
                self.flow_run(plan, file.clone(), cwd.clone(), env.clone(), now)
            }
        };
        // A run that cannot even be queued (its agent removed from the config) is a window
        // that did not run: said, and the schedule goes on to the next one.
        let id = match started {
            Ok(id) => id,
            Err(e) => {
                let data = json!({"why": format!("could not start: {e}"), "window": rfc3339(window)});
                self.schedule_event(&s.def.name, now, EventKind::ScheduleSkipped, data);
                return Ok(None);
            }
        };
        s.runs_today += 1;
        s.last_task = Some(id.clone());
        let data = json!({"task": id, "why": why.as_str(), "window": rfc3339(window)});
        self.schedule_event(&s.def.name, now, EventKind::ScheduleFired, data);
        if let Some(max) = s.def.max_runs_per_day.filter(|max| s.runs_today >= *max) {
            self.pause_for_cap(s, &format!("max runs per day ({max}) reached"), now);
        }
        Ok(Some(id))
    }

    /// Which cap stops another run today, if one does.
    fn cap_reached(&self, s: &ScheduleRecord, now: i64) -> Result<Option<String>> {
        if let Some(max) = s.def.max_runs_per_day.filter(|max| s.runs_today >= *max) {
            return Ok(Some(format!("max runs per day ({max}) reached")));
        }
        if let Some(max) = s.def.max_cost_per_day {
            let spent = self.store.schedule_spend(&s.def.name, day_start(now))?;
            if spent >= max {
                return Ok(Some(format!("max cost per day (${max:.2}) reached: ${spent:.2} spent today")));
            }
        }
        Ok(None)
    }

    /// Pause until the next local midnight, with an event and a notification.
    fn pause_for_cap(&mut self, s: &mut ScheduleRecord, why: &str, now: i64) {
        let until = next_midnight(now).unwrap_or(day_start(now) + 86_400_000);
        s.paused = true;
        s.pause_reason = Some(why.to_string());
        s.paused_until = Some(until);
        let data = json!({"why": why, "until": rfc3339(until)});
        self.schedule_event(&s.def.name, now, EventKind::SchedulePaused, data);
        let text = format!("schedule {} paused until tomorrow: {why}", s.def.name);
        self.outbox.publish(crate::protocol::Event::Schedule { name: s.def.name.clone(), text });
    }
}

impl Why {
    fn as_str(self) -> &'static str {
        match self {
            Why::Window => "window",
            Why::CatchUp => "catch_up",
            Why::Queued => "queued",
            Why::Manual => "manual",
        }
    }
}

/// The local day of `now` (YYYY-MM-DD): caps count per local day.
fn local_day(now: i64) -> String {
    Local.timestamp_millis_opt(now).single().map(|t| t.date_naive().to_string()).unwrap_or_default()
}

/// The start of the local day of `now`, in ms.
fn day_start(now: i64) -> i64 {
    let Some(t) = Local.timestamp_millis_opt(now).single() else { return now };
    let midnight = t.date_naive().and_time(chrono::NaiveTime::MIN);
    Local
        .from_local_datetime(&midnight)
        .earliest()
        .map_or(now - now.rem_euclid(86_400_000), |m| m.timestamp_millis())
}

fn next_midnight(now: i64) -> Option<i64> {
    let t = Local.timestamp_millis_opt(now).single()?;
    let tomorrow = t.date_naive().succ_opt()?.and_time(chrono::NaiveTime::MIN);
    Local.from_local_datetime(&tomorrow).earliest().map(|m| m.timestamp_millis())
}
