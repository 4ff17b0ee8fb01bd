use crate::agents::Backend;
use crate::agents::advice::*;

#[test]
fn refusals_and_codes_name_a_fix() {
    let root = "--dangerously-skip-permissions cannot be used with root/sudo privileges for security reasons";
    assert!(crate::agents::claude::refusal(root).is_some_and(|r| r.contains("IS_SANDBOX=1")));
    let codex: Backend = "codex".parse().unwrap();
    let auth = with_auth_advice(codex, "unexpected status 401 Unauthorized".into());
    assert!(auth.contains("OPENAI_API_KEY"), "{auth}");
    assert_eq!(with_auth_advice(codex, "high demand".into()), "high demand");
    use crate::agents::gemini::exit_code;
    assert!(exit_code(41).is_some_and(|r| r.contains("GEMINI_API_KEY")));
    assert!(exit_code(55).is_some_and(|r| r.contains("folderTrust")));
    assert_eq!(exit_code(7), None);
    assert_eq!(
        no_result("claude", Some("exited with code 3".into()), Some("boom")),
        "claude exited with code 3 without a result: boom"
    );
    assert!(no_result("claude", Some("exited with code 3".into()), None).contains("smart-agents logs"));
}
