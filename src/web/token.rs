//! Where the dashboard's token comes from: `--token-file` (explicit, so any address may be
//! served), or a file in the data folder made on first need (0600), printed as a login URL.

use crate::error::{Context, Error, Result};
use crate::paths::Paths;
use std::io::Write;
use std::net::SocketAddr;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

/// The token, and whether the user gave it.
pub struct Token {
    pub value: String,
    pub explicit: bool,
    pub file: PathBuf,
}

/// The file a made token is kept in.
pub fn default_file(paths: &Paths) -> PathBuf {
    paths.database.with_file_name("web.token")
}

pub fn load(paths: &Paths, given: Option<&Path>) -> Result<Token> {
    if let Some(file) = given {
        let value = read(file)?.ok_or_else(|| Error::usage(format!("{} holds no token", file.display())))?;
        return Ok(Token { value, explicit: true, file: file.to_path_buf() });
    }
    let file = default_file(paths);
    if let Some(value) = read(&file)? {
        return Ok(Token { value, explicit: false, file });
    }
    paths.ensure_dirs()?;
    let value = super::auth::new_token().context("making a token")?;
    let mut out = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(&file)
        .context(format!("creating {}", file.display()))?;
    writeln!(out, "{value}").context(format!("writing {}", file.display()))?;
    Ok(Token { value, explicit: false, file })
}

/// The first line of `file`, trimmed; `None` when the file is missing (given: an error) or empty.
fn read(file: &Path) -> Result<Option<String>> {
    match std::fs::read_to_string(file) {
        Ok(text) => Ok(text.lines().next().map(str::trim).filter(|t| !t.is_empty()).map(String::from)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(Error::from(e).context(format!("reading {}", file.display()))),
    }
}

/// Loopback is served with any token; another address only with one the user chose.
pub fn check_bind(listen: SocketAddr, explicit_token: bool) -> Result<()> {
    if listen.ip().is_loopback() || explicit_token {
        return Ok(());
    }
    Err(Error::usage(format!(
        "refusing to serve on {listen} (not loopback) without an explicit token: \
         pass --token-file FILE, or listen on 127.0.0.1 and use an SSH tunnel (docs/web.md)"
    )))
}
