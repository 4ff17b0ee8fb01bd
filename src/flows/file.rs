//! Flow files: TOML read with spans, checked in full before anything is queued. Every error
//! names the file and line.

use super::template;
use super::{Action, OnFailure, Plan, Step};
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use toml::Spanned;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFlow {
    name: Spanned<String>,
    #[serde(default)]
    vars: BTreeMap<String, String>,
    #[serde(default)]
    steps: Vec<RawStep>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum CommandLine {
    Line(String),
    Argv(Vec<String>),
}

/// What a step runs, and how: the `execute` options.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawAction {
    prompt: Option<String>,
    command: Option<CommandLine>,
    agent: Option<String>,
    capability: Option<String>,
    class: Option<String>,
    priority: Option<u8>,
    timeout: Option<String>,
    #[serde(default)]
    retries: u32,
    #[serde(default)]
    worktree: bool,
    on: Option<String>,
    mem: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawStep {
    name: Spanned<String>,
    prompt: Option<Spanned<String>>,
    command: Option<Spanned<CommandLine>>,
    agent: Option<String>,
    capability: Option<String>,
    class: Option<String>,
    priority: Option<u8>,
    timeout: Option<String>,
    #[serde(default)]
    retries: u32,
    #[serde(default)]
    worktree: bool,
    on: Option<String>,
    mem: Option<String>,
    #[serde(default)]
    after: Vec<Spanned<String>>,
    #[serde(default)]
    on_failure: OnFailure,
    undo: Option<Spanned<RawUndo>>,
}

/// `undo = "cmd"`, `undo = ["argv"]` or `undo = { prompt = "…", agent = "…" }`.
#[derive(Deserialize)]
#[serde(untagged)]
enum RawUndo {
    Line(String),
    Argv(Vec<String>),
    Table(RawAction),
}

/// An error at a place in the file.
struct At(usize, String);

/// Read and check a flow file's text. `vars` (from `--var`) override the file's `[vars]`.
pub fn parse(file: &str, text: &str, vars: &BTreeMap<String, String>) -> Result<Plan, String> {
    let line = |offset: usize| text[..offset.min(text.len())].bytes().filter(|b| *b == b'\n').count() + 1;
    let raw: RawFlow = toml::from_str(text).map_err(|e| {
        let msg = e.message().trim().to_string();
        match e.span() {
            Some(span) => format!("{file}:{}: {msg}", line(span.start)),
            None => format!("{file}: {msg}"),
        }
    })?;
    check(raw, vars).map_err(|At(offset, msg)| format!("{file}:{}: {msg}", line(offset)))
}

fn check(raw: RawFlow, overrides: &BTreeMap<String, String>) -> Result<Plan, At> {
    let mut vars = raw.vars;
    vars.extend(overrides.iter().map(|(k, v)| (k.clone(), v.clone())));
    if raw.name.get_ref().trim().is_empty() {
        return Err(At(raw.name.span().start, "the flow needs a non-empty `name`".into()));
    }
    if raw.steps.is_empty() {
        return Err(At(raw.name.span().start, "the flow has no [[steps]]".into()));
    }
    let mut names = BTreeSet::new();
    for s in &raw.steps {
        let name = s.name.get_ref();
        let valid = !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || "_-".contains(c));
        if !valid {
            return Err(At(s.name.span().start, format!("step name `{name}`: use letters, digits, - and _")));
        }
        if !names.insert(name.clone()) {
            return Err(At(s.name.span().start, format!("two steps are named `{name}`")));
        }
    }
    let mut steps = Vec::with_capacity(raw.steps.len());
    let mut starts = HashMap::new();
    for s in raw.steps {
        starts.insert(s.name.get_ref().clone(), s.name.span().start);
        steps.push(step(s, &vars, &names)?);
    }
    if let Some(name) = cycle(&steps) {
        return Err(At(
            starts[&name],
            format!("step `{name}` is part of a cycle of `after` (or output) dependencies"),
        ));
    }
    Ok(Plan { name: raw.name.into_inner(), steps, vars })
}

fn step(s: RawStep, vars: &BTreeMap<String, String>, names: &BTreeSet<String>) -> Result<Step, At> {
    let name = s.name.get_ref().clone();
    let at = s.name.span().start;
    let mut after = BTreeSet::new();
    for dep in &s.after {
        let d = dep.get_ref();
        if !names.contains(d) {
            return Err(At(
                dep.span().start,
                format!("step `{name}` runs after `{d}`, but no step has that name"),
            ));
        }
        if *d == name {
            return Err(At(dep.span().start, format!("step `{name}` cannot run after itself")));
        }
        after.insert(d.clone());
    }
    let (prompt_at, command_at) =
        (s.prompt.as_ref().map(|p| p.span().start), s.command.as_ref().map(|c| c.span().start));
    let raw = RawAction {
        prompt: s.prompt.map(Spanned::into_inner),
        command: s.command.map(Spanned::into_inner),
        agent: s.agent,
        capability: s.capability,
        class: s.class,
        priority: s.priority,
        timeout: s.timeout,
        retries: s.retries,
        worktree: s.worktree,
        on: s.on,
        mem: s.mem,
    };
    let action =
        to_action(raw, vars, names, &name).map_err(|m| At(prompt_at.or(command_at).unwrap_or(at), m))?;
    // Using a step's output means running after it.
    for used in action.outputs_used() {
        if used == name {
            return Err(At(
                prompt_at.or(command_at).unwrap_or(at),
                format!("step `{name}` uses its own output"),
            ));
        }
        after.insert(used);
    }
    let undo = match s.undo {
        None => None,
        Some(u) => {
            let start = u.span().start;
            let raw = match u.into_inner() {
                RawUndo::Line(line) => {
                    RawAction { command: Some(CommandLine::Line(line)), ..Default::default() }
                }
                RawUndo::Argv(argv) => {
                    RawAction { command: Some(CommandLine::Argv(argv)), ..Default::default() }
                }
                RawUndo::Table(t) => t,
            };
            Some(
                to_action(raw, vars, names, &name)
                    .map_err(|m| At(start, format!("undo of `{name}`: {m}")))?,
            )
        }
    };
    Ok(Step { name, action, after: after.into_iter().collect(), on_failure: s.on_failure, undo })
}

fn to_action(
    raw: RawAction,
    vars: &BTreeMap<String, String>,
    names: &BTreeSet<String>,
    step: &str,
) -> Result<Action, String> {
    let fill = |t: &str| -> Result<String, String> {
        let text = template::render_vars(t, vars)?;
        for used in template::outputs_used(&text) {
            if !names.contains(&used) {
                return Err(format!("`{{{{steps.{used}.output}}}}` names no step of this flow"));
            }
        }
        Ok(text)
    };
    let command = match raw.command {
        None => Vec::new(),
        Some(CommandLine::Line(line)) => vec!["sh".into(), "-c".into(), fill(&line)?],
        Some(CommandLine::Argv(argv)) => argv.iter().map(|a| fill(a)).collect::<Result<_, _>>()?,
    };
    let prompt = raw.prompt.as_deref().map(fill).transpose()?;
    match (&prompt, command.is_empty()) {
        (Some(_), false) => return Err(format!("step `{step}` has both a prompt and a command: give one")),
        (None, true) => return Err(format!("step `{step}` has neither a prompt nor a command")),
        _ => {}
    }
    if let Some(p) = raw.priority {
        crate::model::check_priority(p)?;
    }
    let timeout_ms = match &raw.timeout {
        Some(t) => Some(crate::duration::parse(t).map_err(|e| e.to_string())?.as_millis() as u64),
        None => None,
    };
    let mem_bytes = raw.mem.as_deref().map(crate::size::parse_size).transpose()?;
    if let Some(on) = raw.on.as_deref() {
        on.parse::<crate::config::executors::Executor>().map_err(|e| format!("`on`: {e}"))?;
    }
    if raw.agent.is_some() && raw.capability.is_some() {
        return Err(format!("step `{step}` gives both `agent` and `capability`: give one"));
    }
    Ok(Action {
        prompt,
        command,
        agent: raw.agent,
        capability: raw.capability,
        class: raw.class,
        priority: raw.priority,
        timeout_ms,
        retries: raw.retries,
        worktree: raw.worktree,
        on: raw.on,
        mem_bytes,
        // Set by a schedule when it fires the flow, never by the file.
        schedule: None,
    })
}

/// A step on a cycle of dependencies, if there is one (Kahn's algorithm leaves it unvisited).
fn cycle(steps: &[Step]) -> Option<String> {
    let mut indegree: HashMap<&str, usize> = steps.iter().map(|s| (s.name.as_str(), s.after.len())).collect();
    let mut ready: Vec<&str> = indegree.iter().filter(|(_, d)| **d == 0).map(|(n, _)| *n).collect();
    while let Some(done) = ready.pop() {
        for s in steps.iter().filter(|s| s.after.iter().any(|a| a == done)) {
            if let Some(d) = indegree.get_mut(s.name.as_str()) {
                *d -= 1;
                if *d == 0 {
                    ready.push(&s.name);
                }
            }
        }
    }
    steps.iter().find(|s| indegree.get(s.name.as_str()).is_some_and(|d| *d > 0)).map(|s| s.name.clone())
}
