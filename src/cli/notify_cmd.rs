//! `notify`: the pushed-notification channels' helpers. `notify secret` makes a Standard
//! Webhooks signing secret for a `webhook` channel.

use crate::error::{Context, Result};

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    pub command: NotifyCommand,
}

#[derive(Debug, clap::Subcommand)]
pub enum NotifyCommand {
    /// Print a new webhook signing secret (`whsec_` + 32 random bytes in base64)
    Secret,
}

pub fn run(args: Args) -> Result<i32> {
    match args.command {
        NotifyCommand::Secret => {
            println!("{}", crate::notify::webhook_sign::Secret::generate().context("making a secret")?);
            Ok(0)
        }
    }
}
