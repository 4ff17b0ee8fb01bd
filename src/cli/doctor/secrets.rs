//! `doctor`'s secrets checks: where the key is (keyring or key file, and the file's
//! permissions), and secret values an older version left in plain text, which `--fix` has the
//! worker seal.

use super::{Check, Level, check};
use crate::client::Client;
use crate::config::Config;
use crate::error::Result;
use crate::paths::Paths;
use crate::protocol::{Request, Response};
use crate::secrets::{KeySource, describe_key};
use crate::store::Store;
use std::os::unix::fs::PermissionsExt;

pub async fn checks(paths: &Paths, config: &Config, fix: bool, checks: &mut Vec<Check>) -> Result<()> {
    checks.push(key(paths, config));
    let mut found = plaintext(paths, config);
    if fix && found.as_ref().is_some_and(|c| c.status == Level::Fail) {
        let mut client = Client::connect(paths).await?;
        let said = match client.request(Request::SealSecrets).await? {
            Response::Ok { message } => message.unwrap_or_default(),
            Response::Error { message, .. } => message,
            other => format!("unexpected answer: {other:?}"),
        };
        checks.push(check("secrets", Level::Ok, format!("fix: {said}"), None));
        found = plaintext(paths, config);
    }
    checks.extend(found);
    Ok(())
}

fn key(paths: &Paths, config: &Config) -> Check {
    let file = &paths.key_file;
    match describe_key(paths, &config.secrets) {
        Ok(Some(KeySource::Keyring)) => {
            check("secrets", Level::Ok, "key in the desktop keyring (Secret Service)", None)
        }
        Ok(Some(KeySource::File(path))) => {
            let mode = |p: &std::path::Path| {
                std::fs::metadata(p).map(|m| m.permissions().mode() & 0o777).unwrap_or(0)
            };
            let folder = path.parent().unwrap_or(&path);
            let (fm, dm) = (mode(&path), mode(folder));
            if fm & 0o077 != 0 || dm & 0o077 != 0 {
                let fix = format!("chmod 600 {} && chmod 700 {}", path.display(), folder.display());
                let detail = format!(
                    "key file {} is {fm:04o} in a {dm:04o} folder: others can read it",
                    path.display()
                );
                check("secrets", Level::Fail, detail, Some(fix))
            } else {
                let detail = format!(
                    "key in the file {} ({fm:04o}, folder {dm:04o}): no desktop keyring",
                    path.display()
                );
                check("secrets", Level::Ok, detail, None)
            }
        }
        Ok(None) => {
            let place = match config.secrets.key_store.as_str() {
                "keyring" => "the desktop keyring".to_string(),
                "file" => file.display().to_string(),
                _ => format!("the desktop keyring if one answers, else {}", file.display()),
            };
            check("secrets", Level::Ok, format!("no key yet: made in {place} for the first secret"), None)
        }
        Err(e) => check("secrets", Level::Fail, format!("key: {}", e.why), Some(e.fix)),
    }
}

/// `None` when there is no database to look in.
fn plaintext(paths: &Paths, config: &Config) -> Option<Check> {
    let cannot = |e: crate::error::Error| {
        Some(check("secrets", Level::Warn, format!("cannot look for plaintext secrets: {e}"), None))
    };
    let store = match Store::open_for_reading(&paths.database) {
        Ok(Some(store)) => store,
        Ok(None) => return None,
        Err(e) => return cannot(e),
    };
    let found = match store.plaintext_secrets(&config.secrets.matcher()) {
        Ok(found) => found,
        Err(e) => return cannot(e),
    };
    if found.is_empty() {
        return Some(check("secrets", Level::Ok, "no secret value stored in plain text", None));
    }
    let mut names: Vec<&str> = found.iter().flat_map(|(_, n)| n.iter().map(String::as_str)).collect();
    names.sort_unstable();
    names.dedup();
    let detail = format!(
        "{} stored environments from an older version hold secret values in plain text ({})",
        found.len(),
        names.join(", ")
    );
    Some(check("secrets", Level::Fail, detail, Some("smart-agents doctor --fix".into())))
}
