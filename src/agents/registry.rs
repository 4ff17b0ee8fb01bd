//! The agents a task can name: one built-in per CLI of [`CLIS`] (plus `shell`, any command),
//! and the profiles in `config.toml` (`[agents.NAME]`), which may also override a built-in.

use super::Backend;
use super::cli::AgentCli;
use crate::config::{AgentProfile, Config};
use crate::error::{Error, Result};
use std::path::{Path, PathBuf};

/// One agent as the worker runs it.
#[derive(Debug, Clone, PartialEq)]
pub struct AgentDef {
    pub name: String,
    pub backend: Backend,
    pub capabilities: Vec<String>,
    /// Default class of its tasks.
    pub class: Option<String>,
    pub max_concurrency: u32,
    pub model: Option<String>,
    pub system_prompt: Option<String>,
    pub args: Vec<String>,
    /// `backend = "command"`: argv template with `{prompt}`, `{cwd}`, `{task_id}`.
    pub command: Vec<String>,
    /// Expected resident memory, counted against the memory gate when it starts.
    pub mem_bytes: Option<u64>,
    /// Its tasks' autonomy unless `execute --autonomy` says otherwise.
    pub autonomy: super::Autonomy,
    /// Whose usage limits and daily budget it shares: the profile's `account`, else its
    /// backend (a `command` agent: its own name).
    pub account: String,
    /// `command` agents: the regex marking a usage limit in their output.
    pub limit_pattern: Option<String>,
    pub daily_budget_usd: Option<f64>,
}

impl AgentDef {
    /// The executable looked up on PATH (`None` for `shell`, which runs the task's own argv).
    pub fn program(&self) -> Option<&str> {
        match self.backend.program() {
            None => self.command.first().map(String::as_str),
            some => some,
        }
    }

    /// Whether its CLI is on this PATH.
    pub fn installed(&self, path_var: Option<&str>) -> bool {
        match self.program() {
            None => true,
            Some(program) => find_on_path(program, path_var).is_some(),
        }
    }
}

/// Every agent CLI smart-agents can drive, in the order one is picked when no agent is named
/// (the first found on PATH); the plain command comes last. A new CLI is a module and a line.
pub static CLIS: &[&dyn AgentCli] = &[
    &super::claude::Claude,
    &super::codex::Codex,
    &super::gemini::Gemini,
    &super::aider::Aider,
    &super::opencode::OpenCode,
    &super::command::Command,
];

/// The model host the agent CLI named `name` needs to reach: its base URL from the task's
/// environment when set, else the vendor's API. `None` for CLIs that name none.
pub fn model_host(name: &str, env: &[(String, String)]) -> Option<String> {
    let cli = CLIS.iter().find(|c| c.name() == name)?;
    let super::cli::ModelHost { host, base_url_var } = cli.model_host()?;
    let base = env.iter().find(|(k, _)| k == base_url_var).map(|(_, v)| v.as_str());
    Some(base.and_then(crate::config::sandbox::url_host).unwrap_or_else(|| host.to_string()))
}

/// "claude, codex, …, or command": the backend words, for messages.
pub fn backend_names() -> String {
    let names: Vec<&str> = CLIS.iter().map(|c| c.name()).collect();
    match names.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
        _ => names.join(""),
    }
}

/// The built-in agent of `backend`, named `name` (`shell` for the command backend).
fn builtin(name: &str, backend: Backend) -> AgentDef {
    let d = backend.cli().defaults();
    AgentDef {
        name: name.into(),
        backend,
        capabilities: d.capabilities.iter().map(|c| c.to_string()).collect(),
        class: None,
        max_concurrency: d.max_concurrency,
        model: None,
        system_prompt: None,
        args: Vec::new(),
        command: Vec::new(),
        mem_bytes: d.mem_bytes,
        autonomy: super::Autonomy::default(),
        account: name.into(),
        limit_pattern: None,
        daily_budget_usd: None,
    }
}

/// Load the config at `path` (a missing file means all defaults), its agent profiles checked
/// too: what every command and the worker start from.
pub fn load_config(path: &Path) -> Result<Config> {
    match Config::read_text(path)? {
        Some(text) => parse_config(&text, path),
        None => Ok(Config::default()),
    }
}

/// `Config::parse`, then the agent profiles, checked by building the registry once; an error
/// names the profile's line.
pub fn parse_config(text: &str, path: &Path) -> Result<Config> {
    let config = Config::parse(text, path)?;
    Registry::new(&config).map_err(|e| {
        let what = e.to_string();
        crate::config::located(path, text, what.strip_prefix("invalid config: ").unwrap_or(&what))
    })?;
    Ok(config)
}

#[derive(Debug, Clone)]
pub struct Registry {
    pub agents: Vec<AgentDef>,
    pub default_agent: Option<String>,
}

impl Registry {
    pub fn new(config: &Config) -> Result<Registry> {
        let mut agents: Vec<AgentDef> = Backend::all()
            .map(|b| if b.is_command() { builtin("shell", b) } else { builtin(b.as_str(), b) })
            .collect();
        for (name, profile) in &config.agents {
            let def = from_profile(name, profile, agents.iter().find(|a| &a.name == name))?;
            match agents.iter_mut().find(|a| &a.name == name) {
                Some(existing) => *existing = def,
                None => agents.push(def),
            }
        }
        if let Some(default) = &config.default_agent
            && !agents.iter().any(|a| &a.name == default)
        {
            return Err(Error::usage(format!("default_agent '{default}' is not a known agent")));
        }
        Ok(Registry { agents, default_agent: config.default_agent.clone() })
    }

    pub fn get(&self, name: &str) -> Option<&AgentDef> {
        self.agents.iter().find(|a| a.name == name)
    }

    /// The account of agent `name` (an unknown agent is its own).
    pub fn account_of<'a>(&'a self, name: &'a str) -> &'a str {
        self.get(name).map_or(name, |a| a.account.as_str())
    }

    pub fn names(&self) -> String {
        self.agents.iter().map(|a| a.name.as_str()).collect::<Vec<_>>().join(", ")
    }

    /// The agent for a prompt with no agent named: `default_agent`, else the first installed.
    pub fn pick_default(&self, path_var: Option<&str>) -> Result<&AgentDef> {
        if let Some(def) = self.default_agent.as_deref().and_then(|d| self.get(d)) {
            return Ok(def);
        }
        let mut auto = Backend::all().filter(|b| !b.is_command()).filter_map(|b| self.get(b.as_str()));
        auto.find(|def| def.installed(path_var)).ok_or_else(|| {
            let hints: Vec<&str> = Backend::all().filter_map(|b| b.cli().install_hint()).collect();
            Error::usage(format!(
                "no agent CLI found on PATH: install one of {}, or run a command instead: `smart-agents \
                 execute -- COMMAND ARGS`",
                hints.join(", ")
            ))
        })
    }
}

fn from_profile(name: &str, p: &AgentProfile, base: Option<&AgentDef>) -> Result<AgentDef> {
    let bad = |what: String| Error::usage(format!("invalid config: agents.{name}: {what}"));
    let backend: Backend = match (&p.backend, base) {
        (Some(b), _) => b.parse().map_err(|e: super::AgentError| bad(e.to_string()))?,
        (None, Some(base)) => base.backend,
        (None, None) => {
            return Err(bad(format!("`backend` is required ({})", backend_names())));
        }
    };
    if backend.is_command() && p.command.is_empty() && name != "shell" {
        return Err(bad("backend \"command\" needs `command = [\"program\", \"{prompt}\"]`".into()));
    }
    let mem_bytes = match &p.mem {
        Some(text) => Some(crate::size::parse_size(text).map_err(bad)?),
        None => base.and_then(|b| b.mem_bytes),
    };
    let autonomy = match &p.autonomy {
        Some(word) => word.parse().map_err(bad)?,
        None => base.map(|b| b.autonomy).unwrap_or_default(),
    };
    Ok(AgentDef {
        autonomy,
        name: name.to_string(),
        backend,
        capabilities: p
            .capabilities
            .clone()
            .unwrap_or_else(|| base.map(|b| b.capabilities.clone()).unwrap_or_default()),
        class: p.class.clone().or_else(|| base.and_then(|b| b.class.clone())),
        max_concurrency: p.max_concurrency.or(base.map(|b| b.max_concurrency)).unwrap_or(2).max(1),
        model: p.model.clone(),
        system_prompt: p.system_prompt.clone(),
        args: p.args.clone(),
        command: p.command.clone(),
        mem_bytes,
        account: p.account.clone().unwrap_or_else(|| match base {
            _ if backend.is_command() => name.to_string(),
            Some(base) => base.account.clone(),
            None => backend.as_str().to_string(),
        }),
        limit_pattern: p.limit_pattern.clone().or_else(|| base.and_then(|b| b.limit_pattern.clone())),
        daily_budget_usd: p.daily_budget_usd.or(base.and_then(|b| b.daily_budget_usd)),
    })
}

/// Find `program` on a PATH string (a path with a slash is taken as is).
pub fn find_on_path(program: &str, path_var: Option<&str>) -> Option<PathBuf> {
    use std::os::unix::fs::PermissionsExt;
    let executable =
        |p: &Path| p.metadata().is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0);
    if program.contains('/') {
        let p = PathBuf::from(program);
        return executable(&p).then_some(p);
    }
    let path_var = path_var.map(str::to_string).or_else(|| std::env::var("PATH").ok())?;
    std::env::split_paths(&path_var).map(|dir| dir.join(program)).find(|p| executable(p))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn profile_errors_name_the_line_of_the_profile() {
        let parse = |text: &str| parse_config(text, Path::new("/x/config.toml"));
        let err = parse("default_agent = \"x\"\n\n[agents.x]\nmodel = \"m\"\n").unwrap_err().to_string();
        assert!(err.contains("/x/config.toml:3:") && err.contains("agents.x"), "{err}");
        let err = parse("\ndefault_agent = \"nobody\"\n").unwrap_err().to_string();
        assert!(err.contains("/x/config.toml:2:") && err.contains("nobody"), "{err}");
    }

    fn registry(toml: &str) -> Result<Registry> {
        Registry::new(&Config::parse(toml, Path::new("/x/config.toml"))?)
    }

    #[test]
    fn builtins_and_profiles() {
        let r = registry(
            "[agents.reviewer]\nbackend = \"claude\"\ncapabilities = [\"code_review\"]\nclass = \"analysis\"\nmax_concurrency = 3\n",
        )
        .unwrap();
        assert_eq!(r.get("claude").unwrap().backend.as_str(), "claude");
        let reviewer = r.get("reviewer").unwrap();
        assert_eq!(reviewer.capabilities, vec!["code_review"]);
        assert_eq!(reviewer.class.as_deref(), Some("analysis"));
        assert_eq!(reviewer.max_concurrency, 3);
        assert_eq!(reviewer.autonomy, super::super::Autonomy::Edit, "the default lets it edit");
        let r = registry("[agents.claude]\nautonomy = \"read-only\"\n").unwrap();
        assert_eq!(r.get("claude").unwrap().autonomy, super::super::Autonomy::ReadOnly);
    }

    #[test]
    fn bad_profiles_are_refused() {
        assert!(registry("[agents.x]\ncapabilities = []\n").is_err());
        assert!(registry("[agents.x]\nbackend = \"nope\"\n").is_err());
        assert!(registry("[agents.x]\nbackend = \"command\"\n").is_err());
        assert!(registry("default_agent = \"ghost\"\n").is_err());
        let err =
            registry("[agents.x]\nbackend = \"claude\"\nautonomy = \"yolo\"\n").unwrap_err().to_string();
        assert!(err.contains("agents.x") && err.contains("read-only, edit or full"), "{err}");
    }

    #[test]
    fn default_is_the_first_installed_or_a_clear_error() {
        let dir = tempfile::tempdir().unwrap();
        let r = registry("").unwrap();
        let err = r.pick_default(Some(dir.path().to_str().unwrap())).unwrap_err().to_string();
        assert!(err.contains("no agent CLI found") && err.contains("execute --"), "{err}");
        let gemini = dir.path().join("gemini");
        std::fs::write(&gemini, "#!/bin/sh\n").unwrap();
        std::fs::set_permissions(&gemini, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
        assert_eq!(r.pick_default(Some(dir.path().to_str().unwrap())).unwrap().name, "gemini");
    }
}
