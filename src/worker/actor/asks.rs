//! Questions a task asks a person, and their answers (issue 30). The asker (`__agent-tools`
//! inside the task) sends `Ask` and waits on its connection; the question goes into the
//! task's record (so it survives a restart, and the asker finds it again by its key); an
//! `answer` from any client, or the `needs_timeout`, settles it. The wait does not count
//! toward the task's `--timeout`.

use super::Actor;
use crate::error::{Error, Result};
use crate::model::{Answer, Asks, Open, Question, Reply, TaskState, rule_for};
use crate::protocol::Response;
use crate::store::EventKind;
use crate::worker::timers::Timer;
use serde_json::json;
use tokio::sync::oneshot;

impl Actor {
    /// `Ask`: answered at once (a remembered rule, an answer that waited for its asker) or
    /// parked until a person answers.
    pub(super) fn on_ask(
        &mut self,
        typed: &str,
        question: Question,
        reply: oneshot::Sender<Response>,
        now: i64,
    ) {
        match self.ask(typed, question, now) {
            Ok(Ok(response)) => self.outbox.reply(reply, response),
            Ok(Err(id)) => self.askers.park(&id, reply),
            Err(e) => self.outbox.reply(reply, Response::Error { kind: e.kind(), message: e.to_string() }),
        }
    }

    /// The response now, or the task's id to park the asker under.
    fn ask(&mut self, typed: &str, q: Question, now: i64) -> Result<std::result::Result<Response, String>> {
        let id = self.resolve(typed)?;
        let live = self.queue.get_mut(&id).filter(|l| l.rec.state == TaskState::Running);
        let Some(live) = live else {
            return Err(Error::usage(format!("task {id} is not running: nobody would see its question")));
        };
        let asks = &mut live.rec.asks;
        if let Some(rule) = q.tool.as_deref().and_then(|t| asks.allowing(t, q.input.as_ref())) {
            return Ok(Ok(Response::Answered { reply: Reply::Allow, rule: Some(rule.to_string()) }));
        }
        if let Some(open) = asks.open.as_mut().filter(|o| o.question.key == q.key) {
            // Asked again after a lost connection: the answer given meanwhile, or wait on.
            let Some(answer) = open.answer.take() else { return Ok(Err(id)) };
            asks.open = None;
            self.outbox.mark(id);
            return Ok(Ok(Response::Answered { reply: answer.reply, rule: None }));
        }
        // A new question replaces one whose asker is gone.
        asks.close(now);
        let rule = q.tool.as_deref().map(|t| rule_for(t, q.input.as_ref()));
        let data = json!({"kind": q.kind, "text": q.text, "options": q.options, "rule": rule});
        asks.open = Some(Open { question: q, since: now, rule, answer: None });
        if let Some(ms) = live.rec.spec.needs_timeout_ms {
            self.timers.add(now + ms as i64, Timer::NeedsTimeout { id: id.clone(), since: now });
        }
        self.journal.add(&self.store, &id, now, EventKind::NeedsInput, Some(data))?;
        self.outbox.mark(id.clone());
        Ok(Err(id))
    }

    /// `answer ID REPLY`: what to tell the user.
    pub(super) fn answer_task(
        &mut self,
        typed: &str,
        reply: Reply,
        always: bool,
        now: i64,
    ) -> Result<String> {
        let id = self.resolve(typed)?;
        let by = self.journal.client().to_string();
        self.settle(&id, reply, always, &by, now)
    }

    fn settle(&mut self, id: &str, reply: Reply, always: bool, by: &str, now: i64) -> Result<String> {
        let live = self.queue.get_mut(id).filter(|l| l.rec.state == TaskState::Running);
        let open = live.as_ref().and_then(|l| l.rec.asks.open.as_ref());
        let Some(open) = open else {
            return Err(Error::usage(format!("task {id} asks nothing: there is no question to answer")));
        };
        if open.answer.is_some() {
            return Err(Error::usage(format!(
                "task {id} was answered already; the answer reaches it when its agent asks again"
            )));
        }
        let rule = open.rule.clone().filter(|_| always);
        if always && (rule.is_none() || reply != Reply::Allow) {
            return Err(Error::usage("--always remembers an allow of a permission: answer allow with it"));
        }
        let Some(live) = self.queue.get_mut(id) else { return Err(Error::internal("task vanished")) };
        let (started, timeout) = (live.rec.started_at, live.rec.spec.timeout_ms);
        let asks = &mut live.rec.asks;
        remember(asks, rule.as_deref(), reply.clone(), by, now);
        let delivered = match self.askers.take(id) {
            Some(asker) => {
                asks.open = None;
                self.outbox.reply(asker, Response::Answered { reply: reply.clone(), rule: None });
                true
            }
            None => false,
        };
        // The wait is over: the task's own timeout counts on from where it stopped.
        if let (Some(started), Some(ms)) = (started, timeout) {
            let at = started + ms as i64 + asks.waited_ms as i64;
            let attempt = live.rec.attempt;
            self.timers.add(at, Timer::Timeout { id: id.to_string(), attempt });
        }
        let data = json!({"reply": reply, "by": by, "always": rule, "delivered": delivered});
        self.journal.add(&self.store, id, now, EventKind::Answered, Some(data))?;
        self.outbox.mark(id);
        Ok(if delivered {
            format!("answered {id}: {reply}")
        } else {
            format!("answered {id}: {reply} (its agent gets it when it asks again)")
        })
    }

    /// Nobody answered within `needs_timeout`: the answer is deny.
    pub(super) fn on_needs_timeout(&mut self, id: &str, since: i64, now: i64) {
        let open = self.queue.get(id).and_then(|l| l.rec.asks.waiting());
        if open.is_some_and(|o| o.since == since) {
            let _ = self.settle(id, Reply::Deny, false, "timeout", now);
        }
    }

    /// Whether a timeout that fired should wait: the task waits for a person, or has waited
    /// long enough that its time is not up yet (a later timer is set).
    pub(super) fn timeout_postponed(&self, id: &str, now: i64) -> bool {
        let Some(rec) = self.queue.get(id).map(|l| &l.rec) else { return false };
        let (Some(started), Some(limit)) = (rec.started_at, rec.spec.timeout_ms) else { return false };
        rec.asks.waiting().is_some() || now - started - (rec.asks.waited_ms as i64) < limit as i64
    }

    /// The rules a follow-up starts with: those its first task was allowed.
    pub(super) fn inherited_asks(&self, resume_of: Option<&str>) -> Asks {
        let Some(id) = resume_of else { return Asks::default() };
        let rules = match self.queue.get(id) {
            Some(live) => live.rec.asks.rules.clone(),
            None => self.store.task(id).ok().flatten().map(|r| r.asks.rules).unwrap_or_default(),
        };
        Asks { rules, ..Asks::default() }
    }

    /// The task ended: its asker, if any, is let go.
    pub(super) fn forget_asker(&mut self, id: &str) {
        self.askers.forget(id);
    }
}

/// Record the answer on the open question, and the rule `--always` leaves.
fn remember(asks: &mut Asks, rule: Option<&str>, reply: Reply, by: &str, now: i64) {
    if let Some(open) = asks.open.as_mut() {
        asks.waited_ms += (now - open.since).max(0) as u64;
        open.answer = Some(Answer { reply, by: by.to_string(), at: now });
    }
    if let Some(rule) = rule.filter(|r| !asks.rules.iter().any(|have| have == r)) {
        asks.rules.push(rule.to_string());
    }
}
