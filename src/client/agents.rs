//! The agents as the worker runs them, with what this machine's installs say of their versions:
//! `agents` and the MCP tool.

use super::Client;
use crate::agents::registry::find_on_path;
use crate::agents::{Backend, versions};
use crate::error::{Error, Result};
use crate::model::AgentStatus;
use crate::paths::Paths;
use crate::protocol::{Request, Response};

/// The agents as the worker sees them, `installed` judged on this process's PATH.
pub async fn fetch(paths: &Paths) -> Result<Vec<AgentStatus>> {
    let mut client = Client::connect(paths).await?;
    let path = std::env::var("PATH").ok();
    match client.request(Request::Agents { path: path.clone() }).await? {
        Response::Agents { mut agents } => {
            add_versions(&mut agents, path.as_deref());
            Ok(agents)
        }
        _ => Err(Error::internal("unexpected answer to agents")),
    }
}

/// Each installed CLI's version as its install says it (found on the caller's PATH, nothing
/// run: `agents` stays instant; `doctor` also asks the CLI) and a warning outside the tested
/// range.
fn add_versions(agents: &mut [AgentStatus], path: Option<&str>) {
    for agent in agents.iter_mut() {
        let Ok(backend) = agent.backend.parse::<Backend>() else { continue };
        agent.tested = backend.cli().tested().map(|t| format!("{} to {}", t.oldest, t.newest));
        agent.asks = match backend.cli().asking() {
            crate::agents::Asking::Never => "never: what its autonomy does not allow is refused".to_string(),
            crate::agents::Asking::Through(how) => format!("through {how}"),
        };
        if !agent.installed {
            continue;
        }
        let Some(program) = backend.program().and_then(|p| find_on_path(p, path)) else { continue };
        agent.version = versions::installed(&program);
        agent.version_warning = agent.version.as_deref().and_then(|v| versions::warning(backend, v));
    }
}
