//! Every task gets a closed stdin, whatever the submitting shell had: Codex (and anything that
//! reads its input) would otherwise wait forever on an open pipe.

use crate::common;

use common::{Home, LONG};
use std::process::{Command, Stdio};

#[test]
fn agents_and_commands_read_end_of_file_at_once() {
    // A command-backend agent that reads all of stdin before it answers.
    let home = Home::with_config(
        "[agents.reader]\nbackend = \"command\"\ncommand = [\"sh\", \"-c\", \"cat; echo read-done {prompt}\"]\n",
    );
    let mut ids = Vec::new();
    for args in
        [&["execute", "hello", "--agent", "reader", "--async"][..], &["execute", "--async", "--", "cat"][..]]
    {
        // The submitting process keeps its stdin pipe open for the whole test.
        let mut child = Command::new(common::BIN)
            .args(args)
            .env("SMART_AGENTS_HOME", home.path())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("start execute");
        let _open_stdin = child.stdin.take();
        let out = child.wait_with_output().expect("execute");
        assert!(out.status.success(), "{out:?}");
        ids.push(String::from_utf8_lossy(&out.stdout).trim().to_string());
    }
    for id in &ids {
        home.wait_state(id, "completed", LONG);
    }
    let result = home.json(&["result", &ids[0], "--json"]);
    assert_eq!(result["output"].as_str().map(str::trim_end), Some("read-done hello"), "{result}");
}
