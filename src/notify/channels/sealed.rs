//! Channel URLs, secrets and tokens may be written sealed (`sealed:…`, made by `smart-agents
//! notify seal`) under the same per-user key as tasks' secret variables, so config.toml can be
//! shared or backed up without the webhook secret or Slack's URL (which is itself a token).

use crate::config::channels::{ChannelConfig, SEALED_PREFIX};
use crate::paths::Paths;
use crate::secrets::{SecretsConfig, Vault};

/// Where a sealed value belongs: one that was sealed for a channel opens only there.
const PLACE: &str = "notify-channel";

/// A channel's values in the clear, for the transport only.
#[derive(Default)]
pub struct Opened {
    pub url: Option<String>,
    pub secret: Option<String>,
    pub token: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum SealError {
    #[error("no key to open sealed values: {why} ({fix})")]
    NoKey { why: String, fix: String },
    #[error("{0} is sealed but does not open with this user's key (sealed elsewhere, or altered)")]
    DoesNotOpen(&'static str),
    #[error("cannot seal: {0}")]
    Cipher(std::io::Error),
}

/// Open what is sealed of `channel`'s values; the others are taken as written.
pub fn open(channel: &ChannelConfig, paths: &Paths, secrets: &SecretsConfig) -> Result<Opened, SealError> {
    let mut vault = None;
    let mut one = |name: &'static str, value: &Option<String>| -> Result<Option<String>, SealError> {
        let Some(value) = value else { return Ok(None) };
        let Some(sealed) = value.strip_prefix(SEALED_PREFIX) else { return Ok(Some(value.clone())) };
        let vault = vault.get_or_insert_with(|| Vault::new(paths, secrets));
        let key = vault.existing().map_err(|e| SealError::NoKey { why: e.why, fix: e.fix })?;
        key.open(PLACE, sealed.trim()).map(Some).ok_or(SealError::DoesNotOpen(name))
    };
    Ok(Opened {
        url: one("url", &channel.url)?,
        secret: one("secret", &channel.secret)?,
        token: one("token", &channel.token)?,
    })
}

/// `notify seal`: `value` sealed for a channel, as config.toml takes it.
pub fn seal(value: &str, paths: &Paths, secrets: &SecretsConfig) -> Result<String, SealError> {
    let mut vault = Vault::new(paths, secrets);
    let key = vault.for_sealing().map_err(|e| SealError::NoKey { why: e.why, fix: e.fix })?;
    let sealed = key.seal(PLACE, value).map_err(SealError::Cipher)?;
    Ok(format!("{SEALED_PREFIX}{sealed}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_values_open_and_plain_ones_pass() {
        let dir = tempfile::tempdir().unwrap();
        let paths = Paths::under(dir.path());
        paths.ensure_dirs().unwrap();
        let secrets: SecretsConfig = toml::from_str("key_store = \"file\"").unwrap();
        let url = seal("https://hooks.slack.com/services/T/B/XYZ", &paths, &secrets).unwrap();
        // '.' is no base64 character: the host cannot show up in a sealed value by chance.
        assert!(url.starts_with("sealed:") && !url.contains("hooks.slack.com"), "{url}");
        let channel: ChannelConfig =
            toml::from_str(&format!("kind = \"slack\"\nurl = \"{url}\"\ntoken = \"plain\"")).unwrap();
        let opened = open(&channel, &paths, &secrets).unwrap();
        assert_eq!(opened.url.as_deref(), Some("https://hooks.slack.com/services/T/B/XYZ"));
        assert_eq!(opened.token.as_deref(), Some("plain"));
        let altered: ChannelConfig = toml::from_str("kind = \"slack\"\nurl = \"sealed:AAAA\"").unwrap();
        assert!(matches!(open(&altered, &paths, &secrets), Err(SealError::DoesNotOpen("url"))));
    }
}
