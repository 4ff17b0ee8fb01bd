//! aider for real: a whole-file edit, tokens and cost from its analytics, and failures.

use super::{How, reason, start};
use crate::mock_model::Turn;
use serde_json::json;

#[test]
fn aider_edits_a_file_with_tokens_and_cost() {
    let reply = "I created the file.\n\nhello.txt\n```\nhello\n```\n";
    let turns = |_: &std::path::Path| vec![Turn::text(reply).usage(700, 50)];
    let Some(run) = start("aider", "Create hello.txt saying hello", turns, How::default()) else { return };
    let result = run.ended("completed");
    assert_eq!(std::fs::read_to_string(run.world.repo().join("hello.txt")).ok().as_deref(), Some("hello\n"));
    // aider also adds `.aider*` to .gitignore in a fresh repository.
    let files = result["artifacts"]["files"].as_array().cloned().unwrap_or_default();
    assert!(files.contains(&json!("hello.txt")), "{result:#}\n{}", run.log());
    assert_eq!(result["metrics"]["tokens_used"], 750, "{result:#}");
    // The metadata file's prices: 700 × 2e-6 + 50 × 1e-5.
    let cost = result["metrics"]["cost_usd"].as_f64().unwrap_or_default();
    assert!((cost - 0.0019).abs() < 1e-9, "{result:#}");
    let output = result["output"].as_str().unwrap_or_default();
    assert!(output.starts_with("I created the file."), "{result:#}");
    // Edit autonomy: the file is changed, not committed.
    let log = std::process::Command::new("git")
        .args(["log", "--oneline"])
        .current_dir(run.world.repo())
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).lines().count());
    assert_eq!(log.ok(), Some(1), "aider committed although autonomy is edit");
}

#[test]
fn aider_api_errors_fail() {
    let mut seen = Vec::new();
    let cases = [(Turn::status(401, "invalid api key"), "OPENAI_API_KEY")];
    for (turn, expect) in cases {
        let Some(run) = start("aider", "Hi", |_| vec![turn; 3], How::default()) else { return };
        let result = run.ended("failed");
        seen.push((expect, reason(&result), run.log()));
    }
    for (expect, why, _) in &seen {
        assert!(why.contains(expect), "{expect}: {seen:#?}");
    }
}

#[test]
fn aider_retries_a_cut_response_and_completes() {
    // litellm retries twice itself, then aider retries: the fourth try answers.
    let turns = |_: &std::path::Path| {
        let mut turns = vec![Turn::text("cut here please").cut(); 3];
        turns.push(Turn::text("Recovered."));
        turns
    };
    let Some(run) = start("aider", "Hi", turns, How::default()) else { return };
    let result = run.ended("completed");
    assert_eq!(result["output"], "Recovered.", "{result:#}\n{}", run.log());
    assert!(run.log().contains("Retrying in"), "{}", run.log());
}
