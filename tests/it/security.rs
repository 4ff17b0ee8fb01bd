//! Security: private folders and files, and another uid refused at the socket.

use crate::common;

use common::{BIN, Home, LONG, describe, stderr};
use std::os::unix::fs::{FileTypeExt, PermissionsExt};
use std::path::Path;

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path).unwrap_or_else(|e| panic!("{}: {e}", path.display())).permissions().mode() & 0o777
}

#[test]
fn folders_are_0700_and_files_0600() {
    let home = Home::uncreated();
    let id = home.submit(&["sh", "-c", "echo private"]);
    home.wait_state(&id, "completed", LONG);

    let socket = home.socket();
    assert!(std::fs::metadata(&socket).unwrap().file_type().is_socket(), "{} is a socket", socket.display());
    assert_eq!(mode(&socket), 0o600, "socket mode");

    for dir in [home.path().to_path_buf(), home.path().join("logs"), home.path().join("runs")] {
        assert_eq!(mode(&dir), 0o700, "{} mode", dir.display());
    }
    let mut files = vec![
        home.database(),
        home.path().join("logs").join(format!("{id}.log")),
        home.path().join("worker.log"),
        home.path().join("worker.lock"),
    ];
    for extra in ["smart-agents.db-wal", "smart-agents.db-shm"] {
        let path = home.path().join(extra);
        if path.exists() {
            files.push(path);
        }
    }
    for file in files {
        assert_eq!(mode(&file), 0o600, "{} mode", file.display());
    }
}

#[test]
fn another_uid_is_refused() {
    // SAFETY: getuid cannot fail.
    if unsafe { libc::getuid() } != 0 {
        eprintln!("skipped: another uid can only be tried as root (setpriv to nobody); running as non-root");
        return;
    }
    let home = Home::new();
    let id = home.submit(&["true"]);
    home.wait_state(&id, "completed", LONG);
    let before = home.list(&[]);

    // Open the file-system doors so the connection reaches the worker's peer-uid check.
    let open =
        |path: &Path, m: u32| std::fs::set_permissions(path, std::fs::Permissions::from_mode(m)).unwrap();
    open(home.path(), 0o777);
    open(&home.socket(), 0o666);

    for args in [&["worker", "status"][..], &["execute", "--async", "--", "true"], &["pause"]] {
        let out = std::process::Command::new("setpriv")
            .args(["--reuid=nobody", "--regid=nogroup", "--clear-groups", BIN])
            .args(args)
            .env("SMART_AGENTS_HOME", home.path())
            .current_dir("/")
            .output()
            .expect("run setpriv");
        assert_ne!(out.status.code(), Some(0), "{args:?} as nobody: {}", describe(&out));
        assert!(stderr(&out).contains("refused"), "{args:?} as nobody: {}", describe(&out));
    }
    // The owner still gets in, and nobody's attempts changed nothing.
    assert_eq!(home.worker_status()["paused"], false);
    assert_eq!(home.list(&[]), before);
}
