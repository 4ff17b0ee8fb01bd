//! `notify`: the pushed-notification channels (`[[notify.channels]]`). `status` shows what was
//! sent, what waits and what failed; `secret` makes a Standard Webhooks signing secret for a
//! `webhook` channel; `seal` seals a URL, secret or token for config.toml.

use crate::error::{Context, Error, Result};
use crate::paths::Paths;
use std::io::BufRead;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    pub command: NotifyCommand,
}

#[derive(Debug, clap::Subcommand)]
pub enum NotifyCommand {
    /// Each channel's deliveries: sent, waiting (with the last error and the next try), failed
    Status(super::notify_status::StatusArgs),
    /// Print a new webhook signing secret (`whsec_` + 32 random bytes in base64)
    Secret,
    /// Seal a channel's url, secret or token (read from stdin) for config.toml: prints `sealed:…`
    Seal,
}

pub fn run(args: Args, paths: &Paths) -> Result<i32> {
    match args.command {
        NotifyCommand::Status(args) => super::notify_status::run(args, paths),
        NotifyCommand::Secret => {
            println!("{}", crate::webhook_sign::Secret::generate().context("making a secret")?);
            Ok(0)
        }
        NotifyCommand::Seal => seal(paths),
    }
}

/// The first line of stdin, sealed under this user's key (made on first need).
fn seal(paths: &Paths) -> Result<i32> {
    let mut value = String::new();
    std::io::stdin().lock().read_line(&mut value).context("reading the value from stdin")?;
    let value = value.trim();
    if value.is_empty() {
        return Err(Error::usage(
            "nothing to seal: give the value on stdin, e.g. `smart-agents notify seal < url.txt`",
        ));
    }
    paths.ensure_dirs()?;
    let config = crate::agents::registry::load_config(&paths.config_file)?;
    let sealed = crate::notify::channels::sealed::seal(value, paths, &config.secrets)
        .map_err(|e| Error::internal(e.to_string()))?;
    println!("{sealed}");
    Ok(0)
}
