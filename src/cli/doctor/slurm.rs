//! `doctor`'s Slurm checks: `sbatch` on PATH, the controller answering, and the data folder
//! on a filesystem the compute nodes share (jobs write the logs and exit records there).

use super::{Check, Level, check};
use crate::config::Config;
use crate::executor::slurm;
use crate::paths::Paths;

/// Whether the config sends any task to Slurm.
fn configured(config: &Config) -> bool {
    let slurm = Some("slurm");
    config.default_executor.as_deref() == slurm
        || config.agents.values().any(|a| a.executor.as_deref() == slurm)
        || config.classes.values().any(|c| c.executor.as_deref() == slurm)
}

/// Whether any task on record was sent to Slurm (`execute --on slurm`).
fn used(paths: &Paths) -> bool {
    let store = crate::store::Store::open_for_reading(&paths.database);
    store.ok().flatten().is_some_and(|s| s.used_executor(crate::executor::Executor::Slurm).unwrap_or(false))
}

/// Slurm is checked only where it is configured or was used: a user who never set it up has
/// nothing to fix.
pub fn checks(config: &Config, paths: &Paths, out: &mut Vec<Check>) {
    let configured = configured(config);
    if !configured && !used(paths) {
        return;
    }
    let Some(sbatch) = slurm::program("sbatch") else {
        let (level, detail) = if configured {
            (Level::Fail, "the config sends tasks to Slurm but `sbatch` is not on PATH")
        } else {
            (Level::Warn, "tasks were sent to Slurm (`--on slurm`) but `sbatch` is not on PATH")
        };
        let fix = "install Slurm's client tools (Debian: slurm-client), or set default_executor = \"local\"";
        out.push(check("slurm", level, detail, Some(fix.into())));
        return;
    };
    out.push(check("slurm", Level::Ok, format!("sbatch at {}", sbatch.display()), None));
    let bad = if configured { Level::Fail } else { Level::Warn };
    out.push(match slurm::ping() {
        Ok(said) => check("slurm ctld", Level::Ok, said, None),
        Err(e) => check(
            "slurm ctld",
            bad,
            format!("the Slurm controller does not answer: {e}"),
            Some("start slurmctld, or point SLURM_CONF at the cluster's slurm.conf".into()),
        ),
    });
    out.push(shared_folder(&paths.runs_dir));
}

/// Filesystems whose files every node of a cluster sees.
fn is_shared(magic: i64) -> Option<&'static str> {
    Some(match magic {
        0x6969 => "nfs",
        0xFF53_4D42 => "cifs",
        0xFE53_4D42 => "smb2",
        0x0BD0_0BD0 => "lustre",
        0x4750_4653 => "gpfs",
        0x00C3_6400 => "cephfs",
        0x1983_0326 => "beegfs",
        0xAAD7_AAEA => "panfs",
        0x6573_5546 => "fuse (sshfs, glusterfs…)",
        _ => return None,
    })
}

fn shared_folder(dir: &std::path::Path) -> Check {
    let data = dir.parent().unwrap_or(dir);
    let st = match rustix::fs::statfs(data) {
        Ok(st) => st,
        Err(rustix::io::Errno::INVAL) => {
            return check("slurm fs", Level::Warn, "cannot check the data folder's filesystem", None);
        }
        Err(_) => return check("slurm fs", Level::Warn, format!("cannot check {}", data.display()), None),
    };
    #[allow(clippy::unnecessary_cast)]
    match is_shared(st.f_type as i64) {
        Some(kind) => check(
            "slurm fs",
            Level::Ok,
            format!("{} is on {kind}, shared with the nodes", data.display()),
            None,
        ),
        None => check(
            "slurm fs",
            Level::Warn,
            format!(
                "{} is on a local filesystem: jobs on other nodes cannot write their logs and exit \
                 records there (fine when Slurm runs on this machine only)",
                data.display()
            ),
            Some(
                "set SMART_AGENTS_HOME (or XDG_DATA_HOME) to a folder on the cluster's shared filesystem"
                    .into(),
            ),
        ),
    }
}
