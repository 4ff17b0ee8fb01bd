//! What the details pane shows beyond the live task view: the store's record (result, metrics,
//! attempts, dependencies) and the tail of the task's log. Loaded on selection, not per frame.

use crate::model::TaskResult;
use crate::paths::Paths;
use crate::secrets::Mask;
use crate::store::Store;
use std::io::{Read, Seek, SeekFrom};
use std::path::Path;

/// Lines of log kept for the pane.
pub const LOG_LINES: usize = 50;
/// Bytes read from the end of the log to find them; long lines beyond this are cut.
const TAIL_BYTES: u64 = 64 * 1024;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Details {
    pub id: String,
    pub log: Vec<String>,
    /// Why there is no log to show, if there is none.
    pub log_note: Option<String>,
    pub result: Option<TaskResult>,
    pub attempt: u32,
    pub after: Vec<String>,
    /// Why the record could not be read, if it could not.
    pub error: Option<String>,
}

/// Load details of `id`. `store` is opened on first use and kept; errors end up in the pane
/// rather than ending the dashboard.
pub fn load(paths: &Paths, store: &mut Option<Store>, id: &str) -> Details {
    let mut d = Details { id: id.to_string(), ..Details::default() };
    if store.is_none() {
        match Store::open_for_reading(&paths.database) {
            Ok(s) => *store = s,
            Err(e) => d.error = Some(e.to_string()),
        }
    }
    if let Some(s) = store.as_ref() {
        match s.task(id) {
            Ok(Some(rec)) => {
                d.result = Some(rec.result());
                d.attempt = rec.attempt;
                d.after = rec.spec.after.clone();
            }
            Ok(None) => d.error = Some(format!("{id} is not in the database")),
            Err(e) => d.error = Some(e.to_string()),
        }
    }
    // Secret values show as `[secret NAME]`; when they cannot be hidden, no log is shown.
    let mask = match store.as_ref().map(|s| crate::secrets::task_mask(paths, s, id)) {
        Some(Ok(mask)) => mask,
        Some(Err(why)) => {
            d.log_note = Some(format!("log hidden: cannot mask its secrets ({why})"));
            return d;
        }
        None => Mask::default(),
    };
    match tail(&paths.task_log(id), LOG_LINES, &mask) {
        Ok(lines) if lines.is_empty() => d.log_note = Some("log is empty".to_string()),
        Ok(lines) => d.log = lines,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => d.log_note = Some("no log yet".to_string()),
        Err(e) => d.log_note = Some(format!("cannot read the log: {e}")),
    }
    d
}

/// The last `n` lines of a file, reading only its end. Bytes that are not UTF-8 are shown
/// lossily; control characters that would move the cursor are replaced.
pub fn tail(path: &Path, n: usize, mask: &Mask) -> std::io::Result<Vec<String>> {
    let mut file = std::fs::File::open(path)?;
    let len = file.metadata()?.len();
    let start = len.saturating_sub(TAIL_BYTES);
    file.seek(SeekFrom::Start(start))?;
    let mut buf = Vec::with_capacity((len - start) as usize);
    file.read_to_end(&mut buf)?;
    let buf = mask.apply(&buf, start);
    let text = String::from_utf8_lossy(&buf);
    let mut lines: Vec<&str> = text.lines().collect();
    // Reading from the middle of the file: the first line is probably partial.
    if start > 0 && lines.len() > 1 {
        lines.remove(0);
    }
    let from = lines.len().saturating_sub(n);
    Ok(lines[from..].iter().map(|l| clean(l)).collect())
}

/// Tabs become spaces and other control characters (escape sequences, carriage returns) become
/// `�`, so a log cannot repaint the dashboard.
fn clean(line: &str) -> String {
    line.chars()
        .map(|c| match c {
            '\t' => ' ',
            c if c.is_control() => '\u{fffd}',
            c => c,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tail_reads_the_last_lines_lossily() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.log");
        let mut body = Vec::new();
        for i in 0..200 {
            body.extend_from_slice(format!("line {i}\n").as_bytes());
        }
        body.extend_from_slice(b"bad \xff byte\x1b[2J\n");
        std::fs::write(&path, &body).unwrap();
        let lines = tail(&path, 3, &Mask::default()).unwrap();
        assert_eq!(lines, vec!["line 198", "line 199", "bad \u{fffd} byte\u{fffd}[2J"]);
        assert!(tail(&dir.path().join("missing"), 3, &Mask::default()).is_err());
    }

    #[test]
    fn load_without_database_or_log_says_so() {
        let dir = tempfile::tempdir().unwrap();
        let paths = Paths::under(dir.path());
        let mut store = None;
        let d = load(&paths, &mut store, "abc234");
        assert_eq!(d.log_note.as_deref(), Some("no log yet"));
        assert!(d.result.is_none());
    }
}
