//! Plain commands (the `command` backend): no stream format, the output is the tail of stdout
//! and success is exit code 0.

use super::common::{process_end, push_capped};
use super::event::{AgentEvent, StreamParser, Verdict};

/// The output kept is capped; the end of a command's output matters most.
const MAX_OUTPUT_BYTES: usize = 1024 * 1024;

#[derive(Debug, Default)]
pub struct CommandParser {
    output: String,
}

impl CommandParser {
    pub fn new() -> Self {
        Self::default()
    }
}

impl StreamParser for CommandParser {
    fn feed_line(&mut self, line: &[u8]) -> Vec<AgentEvent> {
        let text = String::from_utf8_lossy(line);
        push_capped(&mut self.output, text.trim_end_matches(['\n', '\r']), MAX_OUTPUT_BYTES);
        Vec::new()
    }

    fn finish(&mut self, exit_code: Option<i32>, signal: Option<i32>) -> Verdict {
        let reason = process_end(exit_code, signal);
        Verdict {
            success: reason.is_none(),
            reason,
            output: self.output.trim_end().to_string(),
            agents_involved: 0,
            ..Verdict::default()
        }
    }
}
