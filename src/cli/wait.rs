//! `wait`: block until tasks end; exit 0 only if all completed.

use super::follower;
use crate::client::Client;
use crate::client::follow::Ending;
use crate::error::{Error, ErrorKind, Result, exit};
use crate::model::TaskState;
use crate::paths::Paths;
use crate::store::{Store, resolve_id};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Task ids (or unique prefixes)
    #[arg(required = true)]
    pub ids: Vec<String>,
    /// Give up after this long (exit 5)
    #[arg(long, value_parser = crate::client::submit::parse_duration)]
    pub timeout: Option<std::time::Duration>,
}

pub async fn run(args: Args, paths: &Paths) -> Result<i32> {
    let store = Store::open_for_reading(&paths.database)?;
    let ids = args.ids.iter().map(|t| resolve_id(store.as_ref(), t)).collect::<Result<Vec<_>>>()?;
    let client = Client::connect(paths).await?;
    match follower::follow(client, ids, false, args.timeout).await? {
        Ending::Detached => Ok(exit::INTERRUPTED),
        Ending::TimedOut(views) => {
            let open: Vec<String> =
                views.iter().filter(|v| !v.state.is_finished()).map(|v| v.id.clone()).collect();
            Err(Error::new(ErrorKind::NotFinished, format!("timed out waiting for {}", open.join(", "))))
        }
        Ending::Done(views) => {
            for v in &views {
                println!("{} {}", v.id, crate::render::headline(v));
            }
            let all_ok = views.iter().all(|v| v.state == TaskState::Completed);
            Ok(if all_ok { 0 } else { exit::TASK_FAILED })
        }
    }
}
