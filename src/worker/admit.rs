//! Admission: which pending tasks start now, and why the others wait.

use super::actor::Actor;
use crate::model::TaskState;

impl Actor {
    pub(super) fn admit(&mut self, now: i64) {
        let cap = self.config.limits.max_concurrent_tasks as usize;
        let mut running = 0usize;
        let mut per_class: std::collections::HashMap<String, u32> = Default::default();
        let mut pending = Vec::new();
        for live in self.tasks.values() {
            match live.rec.state {
                TaskState::Running => {
                    running += 1;
                    if let Some(class) = &live.rec.class {
                        *per_class.entry(class.clone()).or_default() += 1;
                    }
                }
                TaskState::Pending => {
                    pending.push((std::cmp::Reverse(live.rec.priority), live.rec.seq, live.rec.id.clone()))
                }
                _ => {}
            }
        }
        pending.sort_unstable();
        for (_, _, id) in pending {
            let reason = match self.blocked_by_dependency(&id, now) {
                Some(Ok(dep)) => Some(format!("dependencies: waiting for {dep}")),
                Some(Err(())) => continue,
                None => self.wait_reason(&id, now, running, cap, &per_class),
            };
            let Some(live) = self.tasks.get_mut(&id) else { continue };
            match reason {
                Some(reason) => {
                    if live.rec.waiting_reason.as_deref() != Some(reason.as_str()) {
                        live.rec.waiting_reason = Some(reason);
                        self.dirty.insert(id);
                    }
                }
                None => {
                    running += 1;
                    if let Some(class) = &live.rec.class {
                        *per_class.entry(class.clone()).or_default() += 1;
                    }
                    live.rec.state = TaskState::Running;
                    live.rec.started_at = Some(now);
                    live.rec.waiting_reason = None;
                    let data = serde_json::json!({"attempt": live.rec.attempt});
                    let _ = self.store.add_event(&id, now, "started", Some(&data));
                    self.dirty.insert(id.clone());
                    self.to_spawn.push(id);
                }
            }
        }
    }

    fn wait_reason(
        &self,
        id: &str,
        now: i64,
        running: usize,
        cap: usize,
        per_class: &std::collections::HashMap<String, u32>,
    ) -> Option<String> {
        let live = self.tasks.get(id)?;
        if self.stopping.is_some() {
            return Some("worker stopping".into());
        }
        if self.paused {
            return Some("paused".into());
        }
        if let Some(at) = live.rec.not_before.filter(|at| *at > now) {
            return Some(if live.rec.attempt > 1 {
                format!("backoff: retry {} in {}s", live.rec.attempt, ((at - now) + 999) / 1000)
            } else {
                format!("scheduled: starts {}", local_hhmm(at))
            });
        }
        if let Some(class) = &live.rec.class
            && let Some(class_cap) = self.config.limits.classes.get(class)
        {
            let n = per_class.get(class).copied().unwrap_or(0);
            if n >= *class_cap {
                return Some(format!("class {class} full ({n}/{class_cap})"));
            }
        }
        if running >= cap {
            return Some(format!("global cap ({running}/{cap})"));
        }
        None
    }

    /// `Some(Ok(dep))` while a dependency is unfinished; `Some(Err(()))` when one failed and
    /// the task was failed for it; `None` when all completed.
    fn blocked_by_dependency(&mut self, id: &str, now: i64) -> Option<Result<String, ()>> {
        let after = self.tasks.get(id)?.rec.spec.after.clone();
        for dep in after {
            if self.tasks.contains_key(&dep) {
                return Some(Ok(dep));
            }
            let state = match self.finished_deps.get(&dep) {
                Some(state) => Some(*state),
                None => {
                    let state = self.store.task(&dep).ok().flatten().map(|t| t.state);
                    if let Some(state) = state {
                        self.finished_deps.insert(dep.clone(), state);
                    }
                    state
                }
            };
            match state {
                Some(TaskState::Completed) => continue,
                Some(state) => {
                    let verb = if state == TaskState::Cancelled { "was cancelled" } else { "failed" };
                    let reason = format!("dependency {dep} {verb}");
                    self.finish(id, TaskState::Failed, Some(reason), None, now);
                    return Some(Err(()));
                }
                None => {
                    self.finish(
                        id,
                        TaskState::Failed,
                        Some(format!("dependency {dep} no longer exists")),
                        None,
                        now,
                    );
                    return Some(Err(()));
                }
            }
        }
        None
    }
}

/// `14:05`, or `Nov 22 14:05` when not today.
pub fn local_hhmm(ms: i64) -> String {
    use chrono::{Local, TimeZone};
    let Some(at) = Local.timestamp_millis_opt(ms).single() else { return String::from("?") };
    if at.date_naive() == Local::now().date_naive() {
        at.format("%H:%M").to_string()
    } else {
        at.format("%b %d %H:%M").to_string()
    }
}
