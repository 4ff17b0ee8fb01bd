//! `logs`: a task's captured stdout and stderr, read from its log file; `--follow` streams
//! new output as the file grows (inotify) until the task ends. Values of the task's secret
//! variables show as `[secret NAME]` unless `--raw`.

use crate::client::Client;
use crate::client::logs::{log_changes, mask_for, new_output, tail_of};
use crate::error::{Error, Result};
use crate::paths::Paths;
use crate::protocol::{Event, Response};
use crate::secrets::Mask;
use crate::store::{Store, resolve_id};
use futures_util::StreamExt;
use std::io::{Read, Write};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Task id (or a unique prefix)
    pub id: String,
    /// Keep printing new output until the task ends
    #[arg(long, short)]
    pub follow: bool,
    /// Only the last N lines
    #[arg(long)]
    pub tail: Option<usize>,
    /// The log exactly as printed, secret values included (masked as `[secret NAME]` otherwise)
    #[arg(long)]
    pub raw: bool,
}

pub async fn run(args: Args, paths: &Paths) -> Result<i32> {
    let store = Store::open_for_reading(&paths.database)?;
    let id = resolve_id(store.as_ref(), &args.id)?;
    let mask = if args.raw { Mask::default() } else { mask_for(paths, store.as_ref(), &id)? };
    let path = paths.task_log(&id);
    let mut file = match std::fs::File::open(&path) {
        Ok(file) => Some(file),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(Error::from(e).context(format!("reading {}", path.display()))),
    };
    let mut offset = 0;
    if let Some(file) = &mut file {
        offset = print_initial(file, args.tail, &mask)?;
    }
    if !args.follow {
        return Ok(0);
    }
    let finished = |s: &Option<Store>| -> Result<bool> {
        Ok(match s {
            Some(s) => s.task(&id)?.is_none_or(|t| t.state.is_finished()),
            None => true,
        })
    };
    if finished(&store)? {
        return Ok(0);
    }
    let mut changes = log_changes(paths)?;
    let client = Client::connect(paths).await?;
    let mut sub = client.subscribe(Some(vec![id.clone()])).await?;
    loop {
        let done = tokio::select! {
            _ = changes.next() => false,
            next = sub.next() => match next? {
                Response::Event { event: Event::Task { task } } => task.state.is_finished(),
                Response::Snapshot { tasks, .. } => tasks.iter().all(|t| t.state.is_finished()),
                _ => false,
            },
        };
        if file.is_none() {
            file = std::fs::File::open(&path).ok();
        }
        if let Some(file) = &mut file {
            offset = copy_from(file, offset, &mask, done)?;
        }
        if done {
            return Ok(0);
        }
    }
}

fn print_initial(file: &mut std::fs::File, tail: Option<usize>, mask: &Mask) -> Result<u64> {
    let mut bytes = Vec::new();
    file.read_to_end(&mut bytes)?;
    let start = tail_of(&bytes, tail);
    write_lossy(&mask.apply(&bytes[start..], start as u64))?;
    Ok(bytes.len() as u64)
}

/// Print new output from `offset`; the offset after it.
fn copy_from(file: &mut std::fs::File, offset: u64, mask: &Mask, done: bool) -> Result<u64> {
    let (bytes, next) = new_output(file, offset, mask, done)?;
    write_lossy(&bytes)?;
    Ok(next)
}

/// Output is kept as captured; what is not UTF-8 is shown lossily.
pub(super) fn write_lossy(bytes: &[u8]) -> Result<()> {
    let mut out = std::io::stdout().lock();
    out.write_all(String::from_utf8_lossy(bytes).as_bytes())?;
    out.flush()?;
    Ok(())
}
