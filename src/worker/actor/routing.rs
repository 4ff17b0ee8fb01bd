//! Which agent runs a task, and how it is launched: routing at submit (named agent, default
//! agent, or by capability), availability at admission (circuit, the agent's own concurrency),
//! and the argv, supervisor options and stream reader at start.

use super::Actor;
use crate::agents::{AgentDef, AgentRequest, Backend, build_args};
use crate::error::{Error, Result};
use crate::model::{TaskSpec, TaskState};
use crate::store::{EventKind, TaskRecord};
use crate::worker::circuits::CircuitState;
use crate::worker::supervise;
use std::collections::HashMap;

/// Everything needed to start one attempt.
pub struct Launch {
    pub argv: Vec<String>,
    pub options: supervise::Options,
    /// Agents with a stream format: the backend and its side log, if it keeps one.
    pub stream: Option<(Backend, Option<std::path::PathBuf>)>,
}

fn path_of(spec: &TaskSpec) -> Option<&str> {
    spec.env.iter().find(|(k, _)| k == "PATH").map(|(_, v)| v.as_str())
}

impl Actor {
    /// Running tasks per agent.
    pub(super) fn running_per_agent(&self) -> HashMap<String, u32> {
        let mut counts = HashMap::new();
        for live in self.queue.values().filter(|l| l.rec.state == TaskState::Running) {
            *counts.entry(live.rec.agent.clone()).or_default() += 1;
        }
        counts
    }

    /// Settle `spec.agent` (and its defaults) for a new task.
    pub(super) fn route(&self, spec: &mut TaskSpec, now: i64) -> Result<()> {
        if let Some(of) = spec.resume_of.clone() {
            let of = self.resolve(&of)?;
            let original =
                self.store.task(&of)?.ok_or_else(|| Error::not_found(format!("no task with id '{of}'")))?;
            if original.session_id.is_none() {
                return Err(Error::usage(format!("task {of} has no agent session to resume")));
            }
            spec.agent = original.agent.clone();
            spec.resume_of = Some(of);
        }
        if !spec.command.is_empty() {
            if !spec.agent.is_empty() && spec.agent != "shell" {
                return Err(Error::usage(format!(
                    "agent '{}' takes a prompt, not a command: drop `-- COMMAND` or use --agent shell",
                    spec.agent
                )));
            }
            spec.agent = "shell".into();
            return Ok(());
        }
        let path = path_of(spec).map(str::to_string);
        let def = match (&spec.capability, spec.agent.as_str()) {
            (Some(_), agent) if !agent.is_empty() => {
                return Err(Error::usage("give --agent or --capability, not both"));
            }
            (Some(cap), _) => self.pick_for_capability(cap, path.as_deref(), now)?,
            (None, "") => self.registry.pick_default(path.as_deref())?,
            (None, name) => self.registry.get(name).ok_or_else(|| {
                Error::usage(format!("unknown agent '{name}' (known: {})", self.registry.names()))
            })?,
        };
        if def.backend.is_command() && def.command.is_empty() {
            return Err(Error::usage("the shell agent runs a command: give it after `--`"));
        }
        if !def.installed(path.as_deref()) {
            return Err(Error::usage(format!(
                "agent {}: its CLI `{}` is not on PATH; install it or pick another agent (`smart-agents agents`)",
                def.name,
                def.program().unwrap_or("?")
            )));
        }
        spec.agent = def.name.clone();
        if spec.class.is_none() {
            spec.class = def.class.clone();
        }
        // The agent's `mem` is not copied into the spec: admission reads it as the `agent`
        // footprint layer, below what the task declared or its kind has shown.
        Ok(())
    }

    /// The installed, healthy, least loaded agent with `capability`.
    pub(super) fn pick_for_capability(
        &self,
        capability: &str,
        path: Option<&str>,
        now: i64,
    ) -> Result<&AgentDef> {
        let with: Vec<&AgentDef> =
            self.registry.agents.iter().filter(|a| a.capabilities.iter().any(|c| c == capability)).collect();
        if with.is_empty() {
            return Err(Error::usage(format!("no agent has the capability '{capability}'")));
        }
        let running = self.running_per_agent();
        let load =
            |a: &AgentDef| running.get(&a.name).copied().unwrap_or(0) as f64 / a.max_concurrency as f64;
        with.iter()
            .copied()
            .filter(|a| a.installed(path) && self.circuits.state(&a.name, now) != CircuitState::Open)
            .min_by(|a, b| load(a).total_cmp(&load(b)))
            .or_else(|| with.iter().copied().find(|a| a.installed(path)))
            .ok_or_else(|| {
                let names: Vec<&str> = with.iter().map(|a| a.name.as_str()).collect();
                Error::usage(format!(
                    "no installed agent has the capability '{capability}' (agents with it: {})",
                    names.join(", ")
                ))
            })
    }

    /// Why `rec`'s agent cannot take it now. A capability-routed task whose agent is resting
    /// moves to another agent with that capability instead of waiting.
    pub(super) fn agent_wait(
        &mut self,
        id: &str,
        running: &HashMap<String, u32>,
        now: i64,
    ) -> Option<String> {
        let live = self.queue.get(id)?;
        let (agent, capability) = (live.rec.agent.clone(), live.rec.spec.capability.clone());
        let def = self.registry.get(&agent)?;
        let busy = |def: &AgentDef| running.get(&def.name).copied().unwrap_or(0) >= def.max_concurrency;
        let blocked = self.circuits.blocked(&agent, now).or_else(|| {
            busy(def).then(|| format!("agent {agent} busy ({}/{})", def.max_concurrency, def.max_concurrency))
        })?;
        if let Some(cap) = capability {
            let path = path_of(&live.rec.spec).map(str::to_string);
            let other = self
                .registry
                .agents
                .iter()
                .filter(|a| a.name != agent && a.capabilities.contains(&cap) && a.installed(path.as_deref()))
                .find(|a| self.circuits.blocked(&a.name, now).is_none() && !busy(a))
                .map(|a| a.name.clone());
            if let (Some(other), Some(live)) = (other, self.queue.get_mut(id)) {
                let data = serde_json::json!({"from": agent, "to": other});
                let _ = self.journal.add(&self.store, id, now, EventKind::Rerouted, Some(data));
                live.rec.agent = other;
                self.outbox.mark(id);
                return None;
            }
        }
        Some(blocked)
    }

    /// argv, supervisor options and stream reader for the current attempt of `rec`.
    pub(super) fn launch(&self, rec: &TaskRecord) -> Result<Launch> {
        let spec = &rec.spec;
        let mut options = supervise::Options {
            artifacts: true,
            worktree: None,
            mem_limit: self.mem_limit_of(&rec.id),
            grace_ms: self.config.limits.kill_grace().as_millis() as u64,
            patch: None,
            copy: Vec::new(),
            setup: Vec::new(),
            trees: Some(self.paths.worktrees_dir.join("trees").display().to_string()),
        };
        if spec.worktree {
            let path = self.paths.worktrees_dir.join(&rec.id);
            crate::paths::ensure_private_dir(&self.paths.worktrees_dir)?;
            let branch = crate::paths::worktree_branch(&rec.id);
            options.worktree = Some((path.display().to_string(), branch));
            (options.copy, options.setup) = self.config.worktree_for(&rec.agent, spec.class.as_deref());
        } else {
            let file = crate::client::diff::saved_file(&self.paths.worktrees_dir, &rec.id);
            options.patch = Some(file.display().to_string());
        }
        if rec.agent == "shell" || spec.prompt.is_none() {
            return Ok(Launch { argv: spec.command.clone(), options, stream: None });
        }
        let def = self.registry.get(&rec.agent).ok_or_else(|| {
            Error::usage(format!(
                "agent '{}' is no longer configured (known: {})",
                rec.agent,
                self.registry.names()
            ))
        })?;
        let prompt = spec.prompt.as_deref().unwrap_or_default();
        if def.backend.is_command() {
            let cwd = options.worktree.as_ref().map_or(spec.cwd.as_str(), |(p, _)| p.as_str());
            let fill = |a: &String| {
                a.replace("{prompt}", prompt).replace("{cwd}", cwd).replace("{task_id}", &rec.id)
            };
            let argv = def.command.iter().chain(&def.args).map(fill).collect();
            // A limit pattern needs the output read as it comes.
            let stream = def.limit_pattern.is_some().then_some((def.backend, None));
            return Ok(Launch { argv, options, stream });
        }
        // After a usage limit the next part continues the stopped session.
        let carried = rec.metrics.carried.as_ref().and_then(|c| c.session_id.clone());
        let session = match (&carried, &spec.resume_of) {
            (Some(session), _) => Some(session.clone()),
            (None, Some(of)) => self.store.task(of)?.and_then(|t| t.session_id),
            (None, None) => None,
        };
        let prompt = if carried.is_some() { CARRY_ON } else { prompt };
        let mut extra_args = def.args.clone();
        if let Some(max) = spec.max_cost_usd {
            let spent = rec.metrics.carried.as_ref().map_or(0.0, |c| c.cost_usd);
            extra_args.extend(def.backend.cli().budget_args(max - spent));
        }
        let analytics = self.paths.analytics_log(&rec.id, rec.attempt);
        let request = AgentRequest {
            prompt,
            model: def.model.as_deref(),
            system_prompt: def.system_prompt.as_deref(),
            extra_args: &extra_args,
            resume: session.as_deref(),
            analytics_log: Some(&analytics),
            autonomy: spec.autonomy.unwrap_or(def.autonomy),
            tools_exe: crate::paths::self_exe(),
        };
        let args = build_args(def.backend, &request).map_err(|e| Error::usage(e.to_string()))?;
        let program = def.program().unwrap_or(def.backend.as_str()).to_string();
        let side = def.backend.needs_analytics_log().then_some(analytics);
        Ok(Launch {
            argv: std::iter::once(program).chain(args).collect(),
            options,
            stream: Some((def.backend, side)),
        })
    }
}

/// The prompt of a part that continues a session a usage limit stopped.
const CARRY_ON: &str = "You were stopped by a usage limit, which has now reset. Carry on with the task \
    where you left off; do not redo finished steps.";

use crate::model::MAX_ARG_BYTES;

impl Actor {
    /// Refuse at submit an agent task whose command line Linux would refuse at start: the
    /// prompt (with whatever the adapter adds to it) goes in as one argument.
    pub(super) fn check_launch(&self, rec: &TaskRecord) -> Result<()> {
        if rec.spec.prompt.is_none() {
            return Ok(());
        }
        let launch = self.launch(rec)?;
        if let Some(arg) = launch.argv.iter().find(|a| a.len() >= MAX_ARG_BYTES) {
            return Err(Error::usage(format!(
                "the prompt makes a {}-byte argument for {}, over the 128 KiB Linux allows in one; put the \
                 details in a file and name it in the prompt",
                arg.len(),
                rec.agent
            )));
        }
        Ok(())
    }

    /// Start reading `id`'s stream from `offset` of its log, and read what it already wrote:
    /// the output watch drops changes to files it was not yet told of, so a line written
    /// between the start and now (a usage limit, then silence) would wait for the exit.
    pub(super) fn follow_stream(
        &mut self,
        id: &str,
        backend: Backend,
        side: Option<std::path::PathBuf>,
        offset: u64,
        now: i64,
    ) {
        let log = self.paths.task_log(id);
        let mut names = vec![format!("{id}.log")];
        if let Some(side) = &side {
            names.extend(side.file_name().and_then(|n| n.to_str()).map(str::to_string));
        }
        let agent = self.queue.get(id).map(|l| l.rec.agent.clone()).unwrap_or_default();
        let pattern = self.registry.get(&agent).and_then(|a| a.limit_pattern.as_deref());
        let run = crate::worker::agent_run::AgentRun::new(backend, log, offset, side, pattern);
        self.processes.follow(id, names, run);
        self.on_output(&format!("{id}.log"), now);
    }

    /// The log of a streaming agent grew.
    pub(super) fn on_output(&mut self, file: &str, now: i64) {
        let id: String = file.chars().take_while(|c| *c != '.' && *c != '-').collect();
        let Some(run) = self.processes.run_mut(&id) else { return };
        let events = run.poll();
        let limited = run.new_limit();
        self.apply_agent_events(&id, events, now);
        if limited {
            self.on_limit_seen(&id, now);
        }
    }

    /// A limit showed while the run goes on. Some CLIs, and commands, retry on their own (for
    /// minutes, honouring retry-after): end the run, the account is held instead. The others
    /// exit by themselves right after printing it (`AgentCli::exits_on_limit`).
    fn on_limit_seen(&mut self, id: &str, now: i64) {
        let Some(live) = self.queue.get(id) else { return };
        let backend = self.registry.get(&live.rec.agent).map(|a| a.backend);
        if backend.is_some_and(|b| !b.cli().exits_on_limit()) && live.kill.is_none() {
            self.cancel(id, super::KillReason::Limit, now);
        }
    }

    pub(super) fn apply_agent_events(&mut self, id: &str, events: Vec<crate::agents::AgentEvent>, now: i64) {
        use crate::agents::AgentEvent;
        for event in events {
            match event {
                AgentEvent::Progress { percent, step, todos } => {
                    self.set_progress(id, percent, step, todos, now);
                }
                AgentEvent::Usage { tokens_used, cost_usd } => {
                    self.note_usage(id, Some(tokens_used), cost_usd, now);
                    // The model answered: a trial after a limit got through.
                    if tokens_used > 0 {
                        self.limit_through(id, now);
                    }
                    self.outbox.mark(id);
                }
                other => {
                    let Some(live) = self.queue.get_mut(id) else { return };
                    let rec = &mut live.rec;
                    match other {
                        AgentEvent::Started { session_id } => rec.session_id = Some(session_id),
                        AgentEvent::Subagent => rec.metrics.agents_involved += 1,
                        AgentEvent::Text { .. } | AgentEvent::Progress { .. } | AgentEvent::Usage { .. } => {
                            continue;
                        }
                    }
                    self.outbox.mark(id);
                }
            }
        }
    }
}
