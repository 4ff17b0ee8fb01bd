//! `execute --sandbox` as data: what one task asked for (`SandboxSpec`, kept in its spec) and
//! `[sandbox]` in config.toml. What a sandbox does is `executor/sandbox/`, a floor above.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

/// How a sandboxed task reaches the network.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "snake_case")]
pub enum Network {
    /// No network at all: a namespace with only its own loopback.
    #[default]
    None,
    /// Only the listed hosts, through smart-agents' proxy.
    Allow,
    /// The machine's network, unfiltered.
    Open,
}

impl Network {
    pub fn as_str(self) -> &'static str {
        match self {
            Network::None => "none",
            Network::Allow => "allow",
            Network::Open => "open",
        }
    }
}

impl fmt::Display for Network {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Network {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "none" => Ok(Network::None),
            "allow" => Ok(Network::Allow),
            "open" => Ok(Network::Open),
            _ => Err(format!("unknown network '{s}': expected none, allow or open")),
        }
    }
}

/// What a task runs with; settled at submit from the flags, the profile and `[sandbox]`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SandboxSpec {
    /// The profile named by `--sandbox NAME` (or a class or agent's `sandbox` key).
    pub profile: Option<String>,
    /// `None` until settled: the profile's, else `allow` when hosts are listed, else `none`.
    pub network: Option<Network>,
    /// `HOST[:PORT]` the task may reach with `network = allow` (port 443 when left out).
    pub allow_hosts: Vec<String>,
    /// At most this many processes inside.
    pub pids_limit: Option<u32>,
}

/// `[sandbox.profiles.NAME]`: defaults a `--sandbox NAME` task starts from.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SandboxProfile {
    pub network: Option<String>,
    pub allow_hosts: Vec<String>,
    pub pids_limit: Option<u32>,
}

/// `[sandbox]`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SandboxSettings {
    /// The bubblewrap binary; found on PATH when unset.
    pub bwrap: Option<String>,
    /// More paths to hide (`~/` is the home folder), beside the built-in deny list.
    pub hide: Vec<String>,
    /// More paths the task may write (e.g. a shared cache).
    pub writable: Vec<String>,
    /// Repositories under the home folder a task may read besides its own (the others are
    /// hidden).
    pub readable: Vec<String>,
    pub profiles: BTreeMap<String, SandboxProfile>,
}

/// The built-in profile, used by a bare `--sandbox`.
pub const DEFAULT_PROFILE: &str = "default";

impl SandboxSettings {
    /// What is wrong with these settings, if anything; messages start with their dotted key.
    pub fn problem(&self) -> Option<String> {
        for (name, p) in &self.profiles {
            if let Some(Err(e)) = p.network.as_deref().map(str::parse::<Network>) {
                return Some(format!("sandbox.profiles.{name}.network: {e}"));
            }
            if let Some(e) = p.allow_hosts.iter().find_map(|h| check_host(h).err()) {
                return Some(format!("sandbox.profiles.{name}.allow_hosts: {e}"));
            }
        }
        None
    }

    /// `spec` with its profile's defaults filled in: what the task will run with. An unknown
    /// profile is refused, never run with looser defaults.
    pub fn settle(&self, mut spec: SandboxSpec) -> Result<SandboxSpec, String> {
        let name = spec.profile.get_or_insert_with(|| DEFAULT_PROFILE.to_string()).clone();
        let profile = match self.profiles.get(&name) {
            Some(p) => p.clone(),
            None if name == DEFAULT_PROFILE => SandboxProfile::default(),
            None => {
                let known: Vec<&str> = std::iter::once(DEFAULT_PROFILE)
                    .chain(self.profiles.keys().map(String::as_str))
                    .collect();
                return Err(format!("unknown sandbox profile '{name}' (known: {})", known.join(", ")));
            }
        };
        for host in &profile.allow_hosts {
            if !spec.allow_hosts.contains(host) {
                spec.allow_hosts.push(host.clone());
            }
        }
        for host in &spec.allow_hosts {
            check_host(host)?;
        }
        let from_profile = profile.network.as_deref().map(str::parse).transpose()?;
        let network = spec.network.or(from_profile).unwrap_or(if spec.allow_hosts.is_empty() {
            Network::None
        } else {
            Network::Allow
        });
        spec.network = Some(network);
        spec.pids_limit = spec.pids_limit.or(profile.pids_limit);
        if spec.pids_limit == Some(0) {
            return Err("--pids-limit must be at least 1".into());
        }
        Ok(spec)
    }
}

/// `host:port` of an http(s) URL.
pub fn url_host(url: &str) -> Option<String> {
    let (scheme, rest) = url.split_once("://")?;
    let authority = rest.split('/').next()?;
    let default = if scheme == "http" { 80 } else { 443 };
    let text = if authority
        .rsplit_once(':')
        .is_some_and(|(h, _)| !h.is_empty() && !h.ends_with(']') || h.starts_with('['))
    {
        authority.to_string()
    } else {
        format!("{authority}:{default}")
    };
    host_port(&text).ok().map(|(h, p)| format!("{h}:{p}"))
}

/// `HOST[:PORT]` split, port 443 when left out.
pub fn host_port(text: &str) -> Result<(String, u16), String> {
    let (host, port) = match text.rsplit_once(':') {
        Some((h, p)) if !h.contains(':') || h.starts_with('[') => {
            (h, p.parse::<u16>().map_err(|_| format!("'{text}': the port must be a number"))?)
        }
        _ => (text, 443),
    };
    let host = host.trim_start_matches('[').trim_end_matches(']').to_ascii_lowercase();
    let fine = !host.is_empty() && host.chars().all(|c| c.is_ascii_alphanumeric() || ".-_:".contains(c));
    if !fine || port == 0 {
        return Err(format!("'{text}' is not HOST[:PORT]"));
    }
    Ok((host, port))
}

fn check_host(text: &str) -> Result<(), String> {
    host_port(text).map(|_| ())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_get_port_443_and_bad_ones_are_named() {
        assert_eq!(host_port("Example.com"), Ok(("example.com".into(), 443)));
        assert_eq!(host_port("127.0.0.1:8080"), Ok(("127.0.0.1".into(), 8080)));
        assert_eq!(host_port("[::1]:80"), Ok(("::1".into(), 80)));
        assert!(host_port("a b:1").unwrap_err().contains("a b"));
        assert!(host_port("x:http").is_err());
    }

    #[test]
    fn base_urls_give_their_host_and_port() {
        assert_eq!(url_host("http://127.0.0.1:8081/v1").as_deref(), Some("127.0.0.1:8081"));
        assert_eq!(url_host("http://mock.local/v1").as_deref(), Some("mock.local:80"));
        assert_eq!(url_host("https://api.example.com").as_deref(), Some("api.example.com:443"));
    }

    #[test]
    fn settling_fills_the_profile_and_refuses_unknown_ones() {
        let mut s = SandboxSettings::default();
        let bare = s.settle(SandboxSpec::default()).unwrap();
        assert_eq!((bare.profile.as_deref(), bare.network), (Some("default"), Some(Network::None)));
        let hosts = s.settle(SandboxSpec { allow_hosts: vec!["a.io".into()], ..Default::default() });
        assert_eq!(hosts.unwrap().network, Some(Network::Allow));
        s.profiles.insert(
            "web".into(),
            SandboxProfile { network: Some("open".into()), pids_limit: Some(9), ..Default::default() },
        );
        let web = s.settle(SandboxSpec { profile: Some("web".into()), ..Default::default() }).unwrap();
        assert_eq!((web.network, web.pids_limit), (Some(Network::Open), Some(9)));
        let err = s.settle(SandboxSpec { profile: Some("nope".into()), ..Default::default() }).unwrap_err();
        assert!(err.contains("nope") && err.contains("web"), "{err}");
    }
}
