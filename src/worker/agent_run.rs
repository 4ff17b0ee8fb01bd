//! Reading an agent's stream while it runs. The supervisor writes the agent's output to the
//! task's log file; the worker reads what was appended whenever inotify says the file grew,
//! feeds complete lines to the backend's parser and turns its events into task updates. The
//! log file is the stream's durable copy: a restarted worker re-reads it from the attempt's
//! start and arrives at the same state.

use crate::agents::usage_limits::{UsageLimitDetector, UsageLimitHit};
use crate::agents::{AgentEvent, Backend, StreamParser, Verdict, parser_for};
use std::io::{Read, Seek, SeekFrom};
use std::path::PathBuf;

/// A line longer than this is dropped whole (parsers would ignore a cut line anyway), so a
/// runaway agent cannot make the worker buffer without bound.
const MAX_LINE: usize = 16 * 1024 * 1024;

struct Tail {
    path: PathBuf,
    offset: u64,
    partial: Vec<u8>,
    /// Inside an over-long line: skip until its newline.
    skipping: bool,
}

impl Tail {
    fn new(path: PathBuf, offset: u64) -> Tail {
        Tail { path, offset, partial: Vec::new(), skipping: false }
    }

    /// Complete lines appended since the last read.
    fn read_lines(&mut self) -> Vec<Vec<u8>> {
        let mut lines = Vec::new();
        let Ok(mut file) = std::fs::File::open(&self.path) else { return lines };
        if file.seek(SeekFrom::Start(self.offset)).is_err() {
            return lines;
        }
        let mut buf = Vec::new();
        if file.read_to_end(&mut buf).is_err() {
            return lines;
        }
        self.offset += buf.len() as u64;
        for chunk in buf.split_inclusive(|b| *b == b'\n') {
            let complete = chunk.ends_with(b"\n");
            let body = chunk.strip_suffix(b"\n").unwrap_or(chunk);
            if !self.skipping {
                if self.partial.len() + body.len() > MAX_LINE {
                    self.partial.clear();
                    self.skipping = true;
                } else {
                    self.partial.extend_from_slice(body);
                }
            }
            if complete {
                if !self.skipping {
                    lines.push(std::mem::take(&mut self.partial));
                }
                self.skipping = false;
            }
        }
        lines
    }

    /// What is left without a final newline, at the end of the stream.
    fn rest(&mut self) -> Option<Vec<u8>> {
        let rest = std::mem::take(&mut self.partial);
        (!rest.is_empty() && !self.skipping).then_some(rest)
    }
}

pub struct AgentRun {
    parser: Box<dyn StreamParser>,
    stream: Tail,
    /// The CLI's side log (an analytics log), when it keeps one.
    side: Option<Tail>,
    usage_limits: UsageLimitDetector,
    /// A limit seen since the worker last asked (see [`AgentRun::new_limit`]).
    fresh_limit: bool,
}

impl AgentRun {
    /// `limit_pattern`: a `command` agent's regex for its usage-limit line.
    pub fn new(
        backend: Backend,
        log: PathBuf,
        offset: u64,
        side: Option<PathBuf>,
        limit_pattern: Option<&str>,
    ) -> AgentRun {
        AgentRun {
            parser: parser_for(backend),
            stream: Tail::new(log, offset),
            side: side.map(|p| Tail::new(p, 0)),
            usage_limits: UsageLimitDetector::new(backend, limit_pattern),
            fresh_limit: false,
        }
    }

    /// True once, right after a usage limit showed in the stream.
    pub fn new_limit(&mut self) -> bool {
        std::mem::take(&mut self.fresh_limit)
    }

    fn feed(&mut self, line: &[u8]) -> Vec<AgentEvent> {
        self.fresh_limit |= self.usage_limits.feed(line).is_some();
        self.parser.feed_line(line)
    }

    /// Events from whatever was appended since the last call.
    pub fn poll(&mut self) -> Vec<AgentEvent> {
        let mut events = Vec::new();
        for line in self.stream.read_lines() {
            events.extend(self.feed(&line));
        }
        if let Some(side) = &mut self.side {
            for line in side.read_lines() {
                events.extend(self.parser.feed_side_line(&line));
            }
        }
        events
    }

    /// Read to the end, then the verdict for how the process ended, and the usage limit it
    /// hit, if any.
    pub fn finish(
        mut self,
        code: Option<i32>,
        signal: Option<i32>,
    ) -> (Vec<AgentEvent>, Verdict, Option<UsageLimitHit>) {
        let mut events = self.poll();
        if let Some(rest) = self.stream.rest() {
            events.extend(self.feed(&rest));
        }
        if let Some(rest) = self.side.as_mut().and_then(Tail::rest) {
            events.extend(self.parser.feed_side_line(&rest));
        }
        let verdict = self.parser.finish(code, signal);
        (events, verdict, self.usage_limits.hit().cloned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn tails_complete_lines_across_reads() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.log");
        let mut f = std::fs::File::create(&path).unwrap();
        let mut tail = Tail::new(path.clone(), 0);
        f.write_all(b"one\ntw").unwrap();
        assert_eq!(tail.read_lines(), vec![b"one".to_vec()]);
        f.write_all(b"o\nthree").unwrap();
        assert_eq!(tail.read_lines(), vec![b"two".to_vec()]);
        assert_eq!(tail.rest(), Some(b"three".to_vec()));
    }

    #[test]
    fn drops_an_overlong_line_and_carries_on() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.log");
        let mut f = std::fs::File::create(&path).unwrap();
        let mut tail = Tail::new(path.clone(), 0);
        f.write_all(&vec![b'x'; MAX_LINE + 10]).unwrap();
        assert!(tail.read_lines().is_empty());
        f.write_all(b"y\nok\n").unwrap();
        assert_eq!(tail.read_lines(), vec![b"ok".to_vec()]);
    }
}
