//! What the real CLIs printed in the real-CLI lane (tests/fixtures/real/, recorded with
//! `SMART_AGENTS_RECORD=1 cargo test --test real_clis`), replayed: each run's verdict must come
//! out as it did live. aider is left out: its verdict needs the analytics log, not recorded.

use super::fixture;
use crate::agents::{Backend, parser_for};
use std::path::PathBuf;

#[test]
fn recorded_runs_replay_to_the_same_verdict() {
    let dir: PathBuf = [env!("CARGO_MANIFEST_DIR"), "tests", "fixtures", "real"].iter().collect();
    let Ok(entries) = std::fs::read_dir(&dir) else {
        panic!("no recordings in {}", dir.display());
    };
    let mut replayed = 0;
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some((cli, _)) = name.split_once('-') else { continue };
        let Ok(backend) = cli.parse::<Backend>() else { continue };
        if backend == Backend::named("aider") {
            continue;
        }
        let completed = name.ends_with("-completed.log");
        let text = fixture(&format!("../real/{name}"));
        let mut parser = parser_for(backend);
        for line in text.split(|b| *b == b'\n') {
            parser.feed_line(line);
        }
        // The live exit codes: 0 for the good runs, 1 for the failed ones (Gemini's refusals
        // said theirs in words the stream does not hold, so any failure will do).
        let verdict = parser.finish(Some(if completed { 0 } else { 1 }), None);
        assert_eq!(verdict.success, completed, "{name}: {verdict:?}");
        // A tested release prints nothing its parser does not know (drift shows here first).
        assert!(verdict.unknown_events.is_empty(), "{name}: unknown types {:?}", verdict.unknown_events);
        if completed {
            assert!(!verdict.output.is_empty(), "{name}: no answer");
        } else {
            assert!(verdict.reason.as_deref().is_some_and(|r| !r.is_empty()), "{name}: no reason");
        }
        replayed += 1;
    }
    assert!(replayed >= 20, "only {replayed} recordings replayed");
}
