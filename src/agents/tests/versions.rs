use crate::agents::Backend;
use crate::agents::versions::*;

#[test]
fn ranges_and_warnings() {
    assert_eq!(warning(Backend::named("claude"), "2.1.332"), None);
    assert_eq!(warning(Backend::named("claude"), "2.1.5"), None);
    let newer = warning(Backend::named("claude"), "2.2.0").unwrap_or_default();
    assert!(newer.contains("newer") && newer.contains("2.1.332"), "{newer}");
    assert!(warning(Backend::named("codex"), "0.160.1").is_some_and(|w| w.contains("older")));
    assert_eq!(warning(Backend::command(), "1.0.0"), None);
    assert_eq!(warning(Backend::named("gemini"), "not a version"), None);
}

#[test]
fn detect_reads_the_first_version_word() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let cases =
        [("2.1.197 (Claude Code)", "2.1.197"), ("codex-cli 0.171.0", "0.171.0"), ("aider v0.86.2", "0.86.2")];
    for (i, (printed, want)) in cases.iter().enumerate() {
        let script = dir.path().join(format!("cli{i}"));
        std::fs::write(&script, format!("#!/bin/sh\necho '{printed}'\n")).unwrap();
        std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
        assert_eq!(detect(&script).as_deref(), Some(*want), "{printed}");
    }
    assert_eq!(detect(&dir.path().join("missing")), None);
}

#[test]
fn a_venv_and_a_versioned_file_name_are_read_without_running() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("venv/bin")).unwrap();
    std::fs::create_dir_all(dir.path().join("venv/lib/python3.11/site-packages/aider_chat-0.86.2.dist-info"))
        .unwrap();
    // Not executable: reading the install must not run it.
    std::fs::write(dir.path().join("venv/bin/aider"), "").unwrap();
    assert_eq!(installed(&dir.path().join("venv/bin/aider")).as_deref(), Some("0.86.2"));
    std::fs::create_dir_all(dir.path().join("versions")).unwrap();
    std::fs::write(dir.path().join("versions/2.1.197"), "").unwrap();
    std::os::unix::fs::symlink(dir.path().join("versions/2.1.197"), dir.path().join("claude")).unwrap();
    assert_eq!(installed(&dir.path().join("claude")).as_deref(), Some("2.1.197"));
    assert_eq!(installed(&dir.path().join("venv/lib")), None);
}

#[test]
fn an_npm_install_is_read_from_its_package_json() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let package = dir.path().join("node_modules/@google/gemini-cli");
    std::fs::create_dir_all(package.join("dist")).unwrap();
    std::fs::write(package.join("package.json"), r#"{"name":"@google/gemini-cli","version":"0.61.0"}"#)
        .unwrap();
    // A script that would print something else: the package wins, nothing runs.
    std::fs::write(package.join("dist/index.js"), "#!/bin/sh\necho 9.9.9\n").unwrap();
    std::fs::set_permissions(package.join("dist/index.js"), std::fs::Permissions::from_mode(0o755)).unwrap();
    std::fs::create_dir_all(dir.path().join("node_modules/.bin")).unwrap();
    let link = dir.path().join("node_modules/.bin/gemini");
    std::os::unix::fs::symlink("../@google/gemini-cli/dist/index.js", &link).unwrap();
    assert_eq!(detect(&link).as_deref(), Some("0.61.0"));
}
