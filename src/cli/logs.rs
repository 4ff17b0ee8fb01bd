//! `logs`: a task's captured stdout and stderr, read from its log file; `--follow` streams
//! new output as the file grows (inotify) until the task ends. Values of the task's secret
//! variables show as `[secret NAME]` unless `--raw`.

use crate::client::Client;
use crate::error::{Error, Result};
use crate::paths::Paths;
use crate::protocol::{Event, Response};
use crate::secrets::Mask;
use crate::store::{Store, resolve_id};
use futures_util::StreamExt;
use std::io::{Read, Seek, SeekFrom, Write};

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

fn tail_of(bytes: &[u8], tail: Option<usize>) -> usize {
    tail.map_or(0, |n| tail_start(bytes, n))
}

/// What hides the task's own secret values in its log.
fn mask_for(paths: &Paths, store: Option<&Store>, id: &str) -> Result<Mask> {
    let Some(store) = store else { return Ok(Mask::default()) };
    crate::secrets::task_mask(paths, store, id).map_err(|why| {
        Error::internal(format!(
            "cannot hide the secrets of task {id}: {why} (`--raw` shows the log as printed)"
        ))
    })
}

/// A task's captured output so far (the last `tail` lines when given), secrets masked, for the
/// MCP tool.
pub fn read_text(paths: &Paths, id: &str, tail: Option<usize>) -> Result<String> {
    let path = paths.task_log(id);
    let store = Store::open_for_reading(&paths.database)?;
    let mask = mask_for(paths, store.as_ref(), id)?;
    match std::fs::read(&path) {
        Ok(bytes) => {
            let start = tail_of(&bytes, tail);
            Ok(String::from_utf8_lossy(&mask.apply(&bytes[start..], start as u64)).into_owned())
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(String::new()),
        Err(e) => Err(Error::from(e).context(format!("reading {}", path.display()))),
    }
}

/// Byte index where the last `n` lines begin.
fn tail_start(bytes: &[u8], n: usize) -> usize {
    if n == 0 {
        return bytes.len();
    }
    let body = bytes.strip_suffix(b"\n").unwrap_or(bytes);
    body.iter().enumerate().rev().filter(|(_, b)| **b == b'\n').nth(n - 1).map_or(0, |(i, _)| i + 1)
}

/// Print new output from `offset`; the offset after it.
fn copy_from(file: &mut std::fs::File, offset: u64, mask: &Mask, done: bool) -> Result<u64> {
    let (bytes, next) = new_output(file, offset, mask, done)?;
    write_lossy(&bytes)?;
    Ok(next)
}

/// New output from `offset`, masked, and the offset after it. Until the task is `done`, a
/// partial last line waits for its end, so a secret value is never split across two reads
/// (and so never unmasked).
fn new_output(file: &mut std::fs::File, offset: u64, mask: &Mask, done: bool) -> Result<(Vec<u8>, u64)> {
    file.seek(SeekFrom::Start(offset))?;
    let mut bytes = Vec::new();
    file.read_to_end(&mut bytes)?;
    let whole = match (done || mask.is_empty(), bytes.iter().rposition(|b| *b == b'\n')) {
        (true, _) => bytes.len(),
        (false, Some(nl)) => nl + 1,
        (false, None) => 0,
    };
    Ok((mask.apply(&bytes[..whole], offset).into_owned(), offset + whole as u64))
}

/// A task's log read on from an offset, masked as `logs` masks it: the web page's live tail.
pub struct LogTail {
    path: std::path::PathBuf,
    file: Option<std::fs::File>,
    offset: u64,
    mask: Mask,
}

impl LogTail {
    /// Follow task `id`'s log from byte `from` (its length now when `None`).
    pub fn open(paths: &Paths, id: &str, from: Option<u64>) -> Result<LogTail> {
        let store = Store::open_for_reading(&paths.database)?;
        let mask = mask_for(paths, store.as_ref(), id)?;
        let path = paths.task_log(id);
        let file = std::fs::File::open(&path).ok();
        let end = file.as_ref().and_then(|f| f.metadata().ok()).map_or(0, |m| m.len());
        Ok(LogTail { path, file, offset: from.unwrap_or(end).min(end), mask })
    }

    /// What was written since the last read (whole lines until the task is `done`).
    pub fn read_new(&mut self, done: bool) -> Result<String> {
        if self.file.is_none() {
            self.file = std::fs::File::open(&self.path).ok();
        }
        let Some(file) = self.file.as_mut() else { return Ok(String::new()) };
        let (bytes, next) = new_output(file, self.offset, &self.mask, done)?;
        self.offset = next;
        Ok(String::from_utf8_lossy(&bytes).into_owned())
    }
}

/// A stream that yields whenever a file in the logs folder is written or made (inotify).
pub fn log_changes(paths: &Paths) -> Result<inotify::EventStream<[u8; 4096]>> {
    crate::paths::ensure_private_dir(&paths.logs_dir)?;
    let inotify = inotify::Inotify::init()?;
    // The folder: the file may not exist until the task starts.
    inotify.watches().add(&paths.logs_dir, inotify::WatchMask::MODIFY | inotify::WatchMask::CREATE)?;
    Ok(inotify.into_event_stream([0u8; 4096])?)
}

/// Output is kept as captured; what is not UTF-8 is shown lossily.
pub(super) fn write_lossy(bytes: &[u8]) -> Result<()> {
    let mut out = std::io::stdout().lock();
    out.write_all(String::from_utf8_lossy(bytes).as_bytes())?;
    out.flush()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::tail_start;

    #[test]
    fn tail_counts_lines_from_the_end() {
        let text = b"a\nb\nc\n";
        assert_eq!(&text[tail_start(text, 2)..], b"b\nc\n");
        assert_eq!(&text[tail_start(text, 10)..], b"a\nb\nc\n");
        assert_eq!(&text[tail_start(text, 0)..], b"");
        assert_eq!(&b"x\ny"[tail_start(b"x\ny", 1)..], b"y");
    }
}
