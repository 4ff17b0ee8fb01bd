//! `[web]`: the dashboard (`web/`), served by the worker too when `listen` is set, under the
//! rules of `smart-agents web` (docs/web.md).

use serde::{Deserialize, Serialize};
use std::net::SocketAddr;
use std::path::PathBuf;

/// `[web]`: the dashboard, served by the worker too when `listen` is set.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct WebConfig {
    /// `127.0.0.1:7777`. Another address than loopback needs `token_file`.
    pub listen: Option<String>,
    /// The access token's file; without it one is made (0600) in the data folder.
    pub token_file: Option<PathBuf>,
    /// Show tasks only: every action is hidden and refused.
    pub read_only: bool,
}

impl WebConfig {
    /// The address to serve on; validated at load.
    pub fn address(&self) -> Option<SocketAddr> {
        self.listen.as_deref().and_then(|a| a.parse().ok())
    }

    pub fn check(&self) -> Result<(), String> {
        let Some(listen) = &self.listen else { return Ok(()) };
        let addr: SocketAddr = listen.parse().map_err(|_| {
            format!("web.listen must be an address with a port, like 127.0.0.1:7777, got '{listen}'")
        })?;
        if !addr.ip().is_loopback() && self.token_file.is_none() {
            return Err(format!(
                "web.listen = '{listen}' is not loopback: set web.token_file too, or listen on \
                 127.0.0.1 and use an SSH tunnel (docs/web.md)"
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use crate::config::Config;
    use std::path::Path;

    fn parse(text: &str) -> Result<Config, String> {
        Config::parse(text, Path::new("/x/config.toml")).map_err(|e| e.to_string())
    }

    #[test]
    fn the_web_beyond_loopback_needs_a_token_file() {
        let err = parse("[web]\nlisten = \"0.0.0.0:7777\"\n").unwrap_err();
        assert!(err.contains("web.listen") && err.contains("token_file"), "{err}");
        assert!(parse("[web]\nlisten = \"0.0.0.0:7777\"\ntoken_file = \"/t\"\n").is_ok());
        let err = parse("[web]\nlisten = \"localhost\"\n").unwrap_err();
        assert!(err.contains("web.listen must be an address"), "{err}");
    }
}
