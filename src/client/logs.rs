//! A task's captured output, read from its log file with the task's secret values masked:
//! what `logs` prints, the MCP tool returns and the web page tails.

use crate::error::{Error, Result};
use crate::paths::Paths;
use crate::secrets::Mask;
use crate::store::Store;
use std::io::{Read, Seek, SeekFrom};

/// What hides the task's own secret values in its log.
pub(crate) fn mask_for(paths: &Paths, store: Option<&Store>, id: &str) -> Result<Mask> {
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

/// Where the last `tail` lines begin (all of it without `tail`).
pub(crate) fn tail_of(bytes: &[u8], tail: Option<usize>) -> usize {
    tail.map_or(0, |n| tail_start(bytes, n))
}

/// New output from `offset`, masked, and the offset after it. Until the task is `done`, a
/// partial last line waits for its end, so a secret value is never split across two reads
/// (and so never unmasked).
pub(crate) fn new_output(
    file: &mut std::fs::File,
    offset: u64,
    mask: &Mask,
    done: bool,
) -> Result<(Vec<u8>, u64)> {
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
