//! Exactly one worker per user: a lock file decides, the winner binds the socket.

use crate::error::{Context, Error, Result};
use crate::paths::Paths;
use std::fs::File;
use std::io::{Read, Seek, Write};
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};

/// Held for the worker's lifetime; released by the kernel however the worker ends.
pub struct Lock(#[allow(dead_code)] File);

/// `Ok(None)` when another worker holds the lock (its pid, if known, in the error path).
pub fn acquire(paths: &Paths) -> Result<Result<Lock, Option<u32>>> {
    let mut file = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .mode(0o600)
        .open(&paths.lock_file)
        .context(format!("opening {}", paths.lock_file.display()))?;
    // An exclusive flock, held until the file is closed (when the worker ends).
    if file.try_lock().is_err() {
        let mut text = String::new();
        let _ = file.read_to_string(&mut text);
        return Ok(Err(text.trim().parse().ok()));
    }
    file.set_len(0)?;
    file.rewind()?;
    write!(file, "{}", std::process::id())?;
    Ok(Ok(Lock(file)))
}

/// Bind the socket privately: under umask 077 and then 0600, so no other user can connect.
pub fn bind(paths: &Paths) -> Result<std::os::unix::net::UnixListener> {
    // We hold the lock, so any socket file left here belongs to a dead worker.
    match std::fs::remove_file(&paths.socket) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(Error::from(e).context(format!("removing stale {}", paths.socket.display()))),
    }
    let old = rustix::process::umask(rustix::fs::Mode::from_raw_mode(0o077));
    let bound = std::os::unix::net::UnixListener::bind(&paths.socket);
    rustix::process::umask(old);
    let listener = bound.context(format!("binding {}", paths.socket.display()))?;
    std::fs::set_permissions(&paths.socket, std::fs::Permissions::from_mode(0o600))?;
    listener.set_nonblocking(true)?;
    Ok(listener)
}
