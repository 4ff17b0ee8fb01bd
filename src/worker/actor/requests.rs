//! Answers to client requests, applied inside the round's transaction.

use super::{Actor, KillReason, Stopping};
use crate::error::{Error, Result};
use crate::model::{TaskState, TaskView, WorkerStatus};
use crate::protocol::{CancelOutcome, Event, Request, Response};

/// Finished tasks included in a full snapshot (the dashboard's "recent").
const RECENT_FINISHED: usize = 200;
/// Endings one `notices` call returns at most (the newest): a prompt hook stays short.
const NOTICES_CAP: i64 = 100;
/// `meta` key: the last `finished` event that `notices` has shown.
const NOTICES_MARK: &str = "notices_seen_seq";

impl Actor {
    /// Answer `req`; the events it causes are recorded as caused by `origin`.
    pub(super) fn on_request(
        &mut self,
        req: Request,
        origin: Option<std::sync::Arc<crate::store::Origin>>,
        now: i64,
    ) -> Response {
        self.journal.caused_by(origin);
        let response = match self.answer(req, now) {
            Ok(response) => response,
            Err(e) => Response::Error { kind: e.kind(), message: e.to_string() },
        };
        self.journal.caused_by(None);
        response
    }

    fn answer(&mut self, req: Request, now: i64) -> Result<Response> {
        Ok(match req {
            Request::Hello { .. } => Response::Ok { message: None },
            Request::Submit { spec } => Response::Submitted { id: self.submit(*spec, now)? },
            Request::Cancel { ids } => Response::Cancelled { outcomes: self.cancel_many(ids, now) },
            Request::Retry { id, env } => {
                let id = self.resolve(&id)?;
                self.retry_now(&id, &env, now)?;
                Response::Submitted { id }
            }
            Request::SetPriority { id, priority } => {
                self.set_priority(&id, priority)?;
                Response::Ok { message: None }
            }
            Request::Pause | Request::Resume => {
                self.paused = matches!(req, Request::Pause);
                self.store.set_meta("paused", if self.paused { "1" } else { "0" })?;
                self.outbox.publish(Event::Admission { paused: self.paused });
                Response::Ok { message: None }
            }
            Request::WorkerStatus => Response::WorkerStatus { status: self.status() },
            Request::Shutdown { kill } => {
                self.shutdown(kill, now);
                Response::Ok { message: None }
            }
            Request::Subscribe { ids } => self.snapshot(ids, now)?,
            Request::Agents { path } => {
                Response::Agents { agents: self.agent_statuses(path.as_deref(), now) }
            }
            Request::AgentRelease { name } => Response::Ok { message: Some(self.release_hold(&name, now)?) },
            Request::Progress { id, percent, step } => {
                self.progress(&id, percent, step, now)?;
                Response::Ok { message: None }
            }
            Request::Notices => Response::Notices { tasks: self.notices(now)? },
            Request::FlowRun { plan, file, cwd, env } => {
                Response::Submitted { id: self.flow_run(*plan, file, cwd, env, now)? }
            }
            Request::FlowCancel { id } => Response::Ok { message: Some(self.flow_cancel(&id, now)?) },
            Request::FlowRetry { id, env } => Response::Submitted { id: self.flow_retry(&id, &env, now)? },
            Request::Metrics => Response::Metrics { text: self.metrics_text()? },
            Request::Prune { older_than_ms, dry_run } => {
                Response::Pruned { report: self.prune_request(older_than_ms, dry_run, now)? }
            }
            // The socket side streams these itself.
            Request::Events { .. } => {
                return Err(Error::internal("history subscriptions are served by the connection"));
            }
            Request::SealSecrets => Response::Ok { message: Some(self.seal_plaintext_secrets()?) },
            Request::ScheduleAdd { def } => Response::Ok { message: Some(self.schedule_add(*def, now)?) },
            Request::ScheduleSet { name, op } => {
                Response::Ok { message: Some(self.schedule_set(&name, op, now)?) }
            }
            Request::ScheduleRun { name } => Response::Submitted { id: self.schedule_run(&name, now)? },
            Request::Answer { id, reply, always } => {
                Response::Ok { message: Some(self.answer_task(&id, reply, always, now)?) }
            }
            Request::Record { id, done } => Response::Ok { message: Some(self.record_work(&id, done, now)?) },
            // Routed to `on_ask` before here: its reply may wait for a person.
            Request::Ask { .. } => return Err(Error::internal("questions are parked by the round")),
        })
    }

    fn cancel_many(&mut self, ids: Vec<String>, now: i64) -> Vec<CancelOutcome> {
        let mut outcomes = Vec::new();
        for typed in ids {
            let outcome = match self.resolve(&typed) {
                Ok(id) => {
                    let outcome = self.cancel(&id, KillReason::Cancel, now);
                    self.cancel_children(&id, now);
                    CancelOutcome { outcome, id }
                }
                Err(e) if e.kind() == crate::error::ErrorKind::NotFound => {
                    CancelOutcome { id: typed, outcome: "not_found".into() }
                }
                Err(e) => CancelOutcome { id: typed, outcome: format!("error: {e}") },
            };
            outcomes.push(outcome);
        }
        outcomes
    }

    fn set_priority(&mut self, id: &str, priority: u8) -> Result<()> {
        crate::model::check_priority(priority).map_err(Error::usage)?;
        let id = self.resolve(id)?;
        let live =
            self.queue.get_mut(&id).filter(|l| l.rec.state == TaskState::Pending).ok_or_else(|| {
                Error::usage(format!("task {id} is not pending: its priority no longer matters"))
            })?;
        live.rec.priority = priority;
        self.outbox.mark(id);
        Ok(())
    }

    fn shutdown(&mut self, kill: bool, now: i64) {
        if !kill {
            self.stopping = Some(Stopping::Now);
            return;
        }
        let running: Vec<String> = self
            .queue
            .values()
            .filter(|l| l.rec.state == TaskState::Running)
            .map(|l| l.rec.id.clone())
            // Tasks waiting in an executor's queue are ended too, not left to start unwatched.
            .chain(self.executors.held())
            .collect();
        for id in running {
            self.cancel(&id, KillReason::Shutdown, now);
        }
        self.stopping = Some(Stopping::AfterKill);
    }

    fn agent_statuses(&self, path: Option<&str>, now: i64) -> Vec<crate::model::AgentStatus> {
        let running = self.running_per_agent();
        self.registry
            .agents
            .iter()
            .map(|a| crate::model::AgentStatus {
                name: a.name.clone(),
                backend: a.backend.to_string(),
                capabilities: a.capabilities.clone(),
                installed: a.installed(path),
                running: running.get(&a.name).copied().unwrap_or(0),
                max_concurrency: a.max_concurrency,
                circuit: self.circuits.state(&a.name, now).as_str().to_string(),
                class: a.class.clone(),
                model: a.model.clone(),
                autonomy: a.autonomy.to_string(),
                version: None,
                version_warning: None,
                hold: self.hold_view(&a.account, now),
                spent_today_usd: self.spent_today(&a.account, now),
                // Filled in by the client, which reads them where it stands.
                tested: None,
                asks: String::new(),
                unknown_events: Vec::new(),
            })
            .collect()
    }

    fn prune_request(
        &mut self,
        older_than_ms: Option<u64>,
        dry_run: bool,
        now: i64,
    ) -> Result<crate::store::PruneReport> {
        let keep_days = u64::from(self.config.history.keep_days);
        let older_than = match (older_than_ms, keep_days) {
            (Some(ms), _) => ms,
            (None, 0) => {
                return Err(Error::usage(
                    "history.keep_days is 0 (keep forever): give --older-than to prune",
                ));
            }
            (None, days) => days * 86_400_000,
        };
        self.prune(older_than, dry_run, now)
    }

    /// Endings after the mark, newest last, then the mark moves past them. Keyed on the
    /// `finished` event rather than the task's seq: tasks end in another order than they
    /// were submitted, and a retried task that ends again is news again.
    fn notices(&mut self, now: i64) -> Result<Vec<TaskView>> {
        let mark: i64 = self.store.meta(NOTICES_MARK)?.and_then(|m| m.parse().ok()).unwrap_or(0);
        let rows = self.store.endings_after(mark, NOTICES_CAP)?;
        let Some(newest) = rows.first().map(|(_, seq)| *seq) else { return Ok(Vec::new()) };
        let mut tasks = Vec::with_capacity(rows.len());
        for (id, _) in rows.iter().rev() {
            // A task retried since it ended is not finished now: its next ending will tell.
            if let Some(rec) = self.store.task(id)?.filter(|r| r.state.is_finished()) {
                tasks.push(rec.view(now));
            }
        }
        self.store.set_meta(NOTICES_MARK, &newest.to_string())?;
        Ok(tasks)
    }

    /// An exact id or a unique prefix; live tasks first, then the database.
    pub(super) fn resolve(&self, typed: &str) -> Result<String> {
        let typed = typed.trim().to_ascii_lowercase();
        if self.queue.contains(&typed) {
            return Ok(typed);
        }
        crate::store::resolve_id(Some(&self.store), &typed)
    }

    fn snapshot(&self, ids: Option<Vec<String>>, now: i64) -> Result<Response> {
        let mut tasks: Vec<TaskView> = Vec::new();
        match ids {
            Some(ids) => {
                for typed in ids {
                    let id = self.resolve(&typed)?;
                    match self.queue.get(&id) {
                        Some(live) => tasks.push(live.rec.view(now)),
                        None => {
                            if let Some(rec) = self.store.task(&id)? {
                                tasks.push(rec.view(now));
                            }
                        }
                    }
                }
            }
            None => {
                tasks.extend(self.queue.values().map(|l| l.rec.view(now)));
                let finished = [TaskState::Completed, TaskState::Failed, TaskState::Cancelled];
                tasks.extend(self.store.list(&finished, RECENT_FINISHED)?.iter().map(|r| r.view(now)));
            }
        }
        Ok(Response::Snapshot { tasks, paused: self.paused })
    }

    fn progress(&mut self, typed: &str, percent: Option<f64>, step: Option<String>, now: i64) -> Result<()> {
        let id = self.resolve(typed)?;
        // A task handed over that reports has started, whether or not a look has seen it yet.
        if self.queue.get(&id).is_some_and(|l| l.rec.external_id.is_some()) {
            self.mark_running(&id, now);
        }
        if !self.queue.get(&id).is_some_and(|l| l.rec.state == TaskState::Running) {
            return Err(Error::usage(format!("task {id} is not running")));
        }
        if let Some(p) = percent.filter(|p| !p.is_finite() || !(0.0..=100.0).contains(p)) {
            return Err(Error::usage(format!("progress {p} is not a percent from 0 to 100")));
        }
        self.set_progress(&id, percent, step, None, now);
        Ok(())
    }

    fn status(&self) -> WorkerStatus {
        let running = self.queue.running_count();
        WorkerStatus {
            pid: std::process::id(),
            version: crate::version::VERSION.to_string(),
            uptime_seconds: self.started.elapsed().as_secs(),
            uptime_ms: self.started.elapsed().as_millis() as u64,
            socket: self.paths.socket.display().to_string(),
            database: self.paths.database.display().to_string(),
            running,
            pending: self.queue.len() - running,
            paused: self.paused,
        }
    }
}
