//! The stand-in CLIs accept exactly the argv the adapters build, replay their transcripts, and
//! the parsers turn that into a successful verdict; a prompt full of shell syntax arrives as
//! one untouched element.

use smart_agents::agents::{AgentRequest, Backend, build_args, parser_for};
use std::path::PathBuf;
use std::process::Command;

const NASTY: &str = "audit $(rm -rf ~) `id`; echo 'x' \"y\" && exit 1 | cat > /tmp/no";

fn standin(name: &str) -> PathBuf {
    [env!("CARGO_MANIFEST_DIR"), "tests", "standins", name].iter().collect()
}

fn run(backend: Backend, prompt: &str, exit: &str) -> (smart_agents::agents::Verdict, Vec<String>) {
    let dir = tempfile::tempdir().expect("tempdir");
    let log = dir.path().join("analytics.jsonl");
    let argv_file = dir.path().join("argv");
    let req = AgentRequest { prompt, analytics_log: Some(&log), ..AgentRequest::default() };
    let args = build_args(backend, &req).expect("args");
    let out = Command::new(standin(backend.as_str()))
        .args(&args)
        .env("STANDIN_ARGV_FILE", &argv_file)
        .env("STANDIN_EXIT", exit)
        .output()
        .expect("run stand-in");
    assert!(
        out.status.code() == Some(exit.parse().expect("code")),
        "{backend}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut parser = parser_for(backend);
    for line in out.stdout.split(|b| *b == b'\n') {
        parser.feed_line(line);
    }
    if let Ok(analytics) = std::fs::read(&log) {
        for line in analytics.split(|b| *b == b'\n') {
            parser.feed_side_line(line);
        }
    }
    let recorded: Vec<String> =
        serde_json::from_slice(&std::fs::read(argv_file.with_extension("json")).expect("argv"))
            .expect("argv json");
    assert_eq!(recorded, args);
    (parser.finish(out.status.code(), None), recorded)
}

#[test]
fn standins_accept_built_argv_and_replay() {
    for backend in
        [Backend::named("claude"), Backend::named("codex"), Backend::named("gemini"), Backend::named("aider")]
    {
        for prompt in [NASTY, "-starts with a dash"] {
            let (verdict, argv) = run(backend, prompt, "0");
            assert!(verdict.success, "{backend}: {verdict:?}");
            assert!(
                argv.iter().any(|a| a == prompt || a.ends_with(&format!("={prompt}"))),
                "{backend}: prompt not one element in {argv:?}"
            );
        }
    }
}

#[test]
fn standin_exit_code_fails_the_run() {
    let (verdict, _) = run(Backend::named("codex"), "x", "1");
    assert_eq!(verdict.reason.as_deref(), Some("exited with code 1"));
}

#[test]
fn standins_refuse_a_wrong_argv() {
    let out = Command::new(standin("claude"))
        .args(["-p", "hi", "--output-format", "stream-json"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--verbose"));
    let out = Command::new(standin("codex"))
        .args(["exec", "--json", "--skip-git-repo-check", "two", "words"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
}
