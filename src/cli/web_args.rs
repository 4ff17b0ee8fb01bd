//! `web`'s flags. The dashboard in the browser stands above the command line (`web/`), so
//! only its arguments live here, for `Command` to carry; main.rs hands them to `web::Serve`.

use std::net::SocketAddr;
use std::path::PathBuf;

/// Where `web` listens unless told: loopback only.
pub const DEFAULT_LISTEN: &str = "127.0.0.1:7777";

#[derive(Debug, Clone, clap::Args)]
pub struct WebArgs {
    /// Address and port to serve on; loopback unless told (another address needs --token-file)
    #[arg(long, value_name = "ADDR:PORT", default_value = DEFAULT_LISTEN)]
    pub listen: SocketAddr,
    /// The access token, read from this file (its first line); without it a token is made and
    /// kept in a 0600 file in the data folder, and printed as a login URL
    #[arg(long, value_name = "FILE")]
    pub token_file: Option<PathBuf>,
    /// Show tasks only: every action (cancel) is hidden and refused
    #[arg(long)]
    pub read_only: bool,
}
