//! Property tests (proptest, in the normal test run) of the code that reads what others wrote:
//! the socket's frame decoder, the config parser and the agent stream parsers. Whatever the
//! bytes, they answer with a value or an error, never a panic, a hang or a huge allocation.

use proptest::prelude::*;
use smart_agents::agents::{Backend, parser_for};
use smart_agents::config::Config;
use smart_agents::protocol::{FrameError, MAX_FRAME, Request, read_frame, write_frame};
use std::path::Path;

fn block_on<F: std::future::Future>(f: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread().build().expect("a runtime").block_on(f)
}

/// Decode one frame from `bytes` as a client's request.
fn decode(bytes: &[u8]) -> Result<Request, FrameError> {
    let mut reader = bytes;
    block_on(read_frame::<_, Request>(&mut reader))
}

fn encode(req: &Request) -> Vec<u8> {
    let mut out = Vec::new();
    block_on(write_frame(&mut out, req)).expect("encode");
    out
}

fn request() -> impl Strategy<Value = Request> {
    prop_oneof![
        (any::<u32>(), any::<String>()).prop_map(|(protocol, version)| Request::Hello {
            protocol,
            version,
            client: None,
            cwd: None
        }),
        proptest::collection::vec(any::<String>(), 0..5).prop_map(|ids| Request::Cancel { ids }),
        (any::<String>(), any::<u8>()).prop_map(|(id, priority)| Request::SetPriority { id, priority }),
        // Whole percents: serde_json may print a float 1 ulp off, which is not the decoder's doing.
        (
            any::<String>(),
            proptest::option::of((0u32..=100).prop_map(f64::from)),
            proptest::option::of(any::<String>())
        )
            .prop_map(|(id, percent, step)| Request::Progress { id, percent, step }),
        Just(Request::Pause),
        Just(Request::WorkerStatus),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn any_bytes_decode_to_a_request_or_an_error(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        let _ = decode(&bytes);
    }

    #[test]
    fn a_length_over_the_limit_is_refused_before_reading(len in (MAX_FRAME as u32 + 1)..=u32::MAX, tail in proptest::collection::vec(any::<u8>(), 0..64)) {
        let mut bytes = len.to_be_bytes().to_vec();
        bytes.extend(tail);
        prop_assert!(matches!(decode(&bytes), Err(FrameError::TooLarge(n)) if n == len as usize));
    }

    #[test]
    fn frames_round_trip_and_any_cut_is_an_error(req in request(), cut in any::<prop::sample::Index>()) {
        let bytes = encode(&req);
        let back = decode(&bytes).expect("a whole frame decodes");
        prop_assert_eq!(serde_json::to_string(&back).unwrap(), serde_json::to_string(&req).unwrap());
        let at = cut.index(bytes.len());
        prop_assert!(decode(&bytes[..at]).is_err(), "a frame cut at {} of {} decoded", at, bytes.len());
    }

    #[test]
    fn a_frame_with_a_flipped_byte_is_a_request_or_an_error(req in request(), at in any::<prop::sample::Index>(), bit in 0u8..8) {
        let mut bytes = encode(&req);
        let i = at.index(bytes.len());
        bytes[i] ^= 1 << bit;
        let _ = decode(&bytes);
    }
}

const PATH: &str = "/x/config.toml";

/// Keys of config.toml with a value in range and one out of it.
const RANGED: &[(&str, &str, &str, &str)] = &[
    ("limits", "max_concurrent_tasks", "3", "0"),
    ("limits", "cpu_threshold", "50", "140"),
    ("limits", "memory_threshold", "60", "-1"),
    ("limits", "kill_grace_seconds", "2.5", "100000"),
    ("circuit", "failures", "4", "0"),
    ("notifications", "min_progress_delta", "5.0", "101"),
    ("notifications", "strategy", "\"verbose\"", "\"loud\""),
];

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn any_text_parses_to_a_config_or_an_error_naming_the_file(text in any::<String>()) {
        if let Err(e) = Config::parse(&text, Path::new(PATH)) {
            prop_assert!(e.to_string().contains(PATH), "{}", e);
        }
    }

    #[test]
    fn config_lines_shuffled_from_real_keys_parse_or_fail_cleanly(lines in proptest::collection::vec((0..RANGED.len(), any::<bool>(), 0u8..3), 0..12)) {
        let mut text = String::new();
        for (k, good, junk) in lines {
            let (table, key, ok, bad) = RANGED[k];
            text.push_str(&format!("[{table}]\n"));
            match junk {
                0 => text.push_str(&format!("{key} = {}\n", if good { ok } else { bad })),
                1 => text.push_str(&format!("{key} = \n")),
                _ => text.push_str("# a comment\n\n"),
            }
        }
        if let Err(e) = Config::parse(&text, Path::new(PATH)) {
            prop_assert!(e.to_string().contains(PATH), "{}", e);
        }
    }

    #[test]
    fn an_out_of_range_value_names_its_line(k in 0..RANGED.len(), blank in 0usize..6, before in 0usize..RANGED.len()) {
        let (table, key, _, bad) = RANGED[k];
        let mut text = String::new();
        // Other keys of the same table, in range, and some blank lines before the bad one.
        text.push_str(&format!("[{table}]\n"));
        for (t, other, ok, _) in RANGED.iter().take(before) {
            if *t == table && *other != key {
                text.push_str(&format!("{other} = {ok}\n"));
            }
        }
        text.push_str(&"\n".repeat(blank));
        text.push_str(&format!("{key} = {bad}\n"));
        let line = text.lines().count();
        let err = Config::parse(&text, Path::new(PATH)).expect_err("out of range").to_string();
        prop_assert!(err.contains(&format!("{PATH}:{line}")), "line {}: {}", line, err);
    }
}

fn fixture(name: &str) -> Vec<Vec<u8>> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/agents").join(name);
    let text = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    text.split(|b| *b == b'\n').filter(|l| !l.is_empty()).map(<[u8]>::to_vec).collect()
}

/// Real transcripts whose last line is the event that says the run succeeded.
const SUCCESSES: &[(&str, &str)] = &[
    ("claude", "claude-success.jsonl"),
    ("codex", "codex-success.jsonl"),
    ("gemini", "gemini-success.jsonl"),
];

/// A line of a real transcript, cut, with a byte changed, or random bytes.
fn mangled_line() -> impl Strategy<Value = Vec<u8>> {
    let names = ["claude-subagent.jsonl", "codex-success.jsonl", "gemini-success.jsonl", "aider-stdout.txt"];
    let lines: Vec<Vec<u8>> = names.iter().flat_map(|n| fixture(n)).collect();
    prop_oneof![
        (prop::sample::select(lines.clone()), any::<prop::sample::Index>())
            .prop_map(|(line, cut)| line[..cut.index(line.len() + 1).min(line.len())].to_vec()),
        (prop::sample::select(lines), any::<prop::sample::Index>(), any::<u8>()).prop_map(
            |(mut line, at, b)| {
                let i = at.index(line.len());
                line[i] = b;
                line
            }
        ),
        proptest::collection::vec(any::<u8>(), 0..200),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 100, ..ProptestConfig::default() })]

    #[test]
    fn every_parser_takes_any_lines_and_gives_a_verdict(
        lines in proptest::collection::vec(mangled_line(), 0..30),
        code in proptest::option::of(-1i32..256),
    ) {
        for backend in Backend::all() {
            let mut parser = parser_for(backend);
            for line in &lines {
                let _ = parser.feed_line(line);
                let _ = parser.feed_side_line(line);
            }
            let verdict = parser.finish(code, None);
            prop_assert!(verdict.success || verdict.reason.is_some(), "{:?}: a failure says why", backend);
        }
    }

    #[test]
    fn a_transcript_cut_before_its_final_event_is_never_a_success(which in 0..SUCCESSES.len(), cut in any::<prop::sample::Index>()) {
        let (backend, name) = SUCCESSES[which];
        let lines = fixture(name);
        let keep = cut.index(lines.len());
        let mut parser = parser_for(Backend::named(backend));
        for line in &lines[..keep] {
            let _ = parser.feed_line(line);
        }
        let verdict = parser.finish(Some(0), None);
        prop_assert!(!verdict.success, "{} cut to {} of {} lines succeeded", name, keep, lines.len());
    }
}

#[test]
fn the_whole_transcripts_succeed() {
    // The property above would pass vacuously if no transcript could succeed.
    for (backend, name) in SUCCESSES {
        let mut parser = parser_for(Backend::named(backend));
        for line in fixture(name) {
            let _ = parser.feed_line(&line);
        }
        assert!(parser.finish(Some(0), None).success, "{name}");
    }
}
