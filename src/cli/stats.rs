//! `stats [--since DUR] [--by agent|class|day|executor] [--json]`, and `metrics`: read from the
//! database (stats) or asked of the worker (metrics).

use crate::client::Client;
use crate::error::{Error, Result};
use crate::paths::Paths;
use crate::protocol::{Request, Response};
use crate::render::print_json;
use crate::stats::{self, Group, GroupBy, Spread};
use crate::store::{Store, now_ms};
use std::io::Write;
use std::time::Duration;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Only tasks that ended this long ago or later (pending and running always count): 7d
    #[arg(long, value_name = "DUR")]
    pub since: Option<String>,
    /// One line per agent, class, day (local) or executor, under the total
    #[arg(long, value_enum)]
    pub by: Option<GroupBy>,
    /// Machine-readable output
    #[arg(long)]
    pub json: bool,
}

pub fn run(args: Args, paths: &Paths) -> Result<i32> {
    let since = args.since.as_deref().map(crate::duration::parse).transpose()?;
    let since = since.map(|d| now_ms() - d.as_millis() as i64);
    let rows = match Store::open_for_reading(&paths.database)? {
        Some(store) => stats::load(&store, since)?,
        None => Vec::new(),
    };
    let report = stats::report(&rows, since, args.by);
    if args.json {
        print_json(&report)?;
        return Ok(0);
    }
    let mut out = std::io::stdout().lock();
    let by = args.by.map_or("", |b| match b {
        GroupBy::Agent => "AGENT",
        GroupBy::Class => "CLASS",
        GroupBy::Day => "DAY",
        GroupBy::Executor => "EXECUTOR",
    });
    writeln!(
        out,
        "{:<12} {:>6} {:>6} {:>6} {:>6} {:>6} {:>6} {:>5}  {:<20} {:<20} {:>9} {:>9}",
        by,
        "TASKS",
        "DONE",
        "FAILED",
        "CANCEL",
        "RUN",
        "PEND",
        "OK%",
        "WAIT p50/p95/max",
        "RUN p50/p95/max",
        "TOKENS",
        "COST"
    )?;
    for group in report.groups.iter().chain(std::iter::once(&report.total)) {
        writeln!(out, "{}", row(group))?;
    }
    Ok(0)
}

fn row(g: &Group) -> String {
    let n = |state: &str| g.counts.get(state).copied().unwrap_or(0);
    let rate = g.success_rate.map_or("-".to_string(), |r| format!("{:.0}", r * 100.0));
    format!(
        "{:<12} {:>6} {:>6} {:>6} {:>6} {:>6} {:>6} {:>5}  {:<20} {:<20} {:>9} {:>9}",
        g.key,
        g.tasks,
        n("completed"),
        n("failed"),
        n("cancelled"),
        n("running"),
        n("pending"),
        rate,
        spread(&g.wait_ms),
        spread(&g.run_ms),
        g.tokens,
        format!("${:.2}", g.cost_usd)
    )
}

fn spread(s: &Spread) -> String {
    let f =
        |v: Option<u64>| v.map_or("-".to_string(), |ms| crate::duration::format(Duration::from_millis(ms)));
    format!("{}/{}/{}", f(s.p50), f(s.p95), f(s.max))
}

/// `metrics`: the Prometheus text exposition, from the worker (started if need be).
pub async fn metrics(paths: &Paths) -> Result<i32> {
    let mut client = Client::connect(paths).await?;
    match client.request(Request::Metrics).await? {
        Response::Metrics { text } => {
            std::io::stdout().lock().write_all(text.as_bytes())?;
            Ok(0)
        }
        other => Err(Error::internal(format!("unexpected answer to metrics: {other:?}"))),
    }
}

#[derive(Debug, clap::Args)]
pub struct PruneArgs {
    /// Remove finished tasks that ended longer ago than this (default: [history] keep_days)
    #[arg(long, value_name = "DUR")]
    pub older_than: Option<String>,
    /// Only say what would go
    #[arg(long)]
    pub dry_run: bool,
    /// Machine-readable output
    #[arg(long)]
    pub json: bool,
}

/// What `prune` did or would do. A dry run does not shrink the file, so it gives the size
/// once instead of `0.5 MB → 0.5 MB`.
fn prune_line(report: &crate::store::PruneReport) -> String {
    let mb = |b: u64| format!("{:.1} MB", b as f64 / 1_000_000.0);
    let verb = if report.dry_run { "would remove" } else { "removed" };
    let size = if report.dry_run || report.bytes_before == report.bytes_after {
        format!("database {}", mb(report.bytes_before))
    } else {
        format!("database {} → {}", mb(report.bytes_before), mb(report.bytes_after))
    };
    format!(
        "{verb} {} finished tasks, {} events, {} environments, {} files; {size}",
        report.tasks, report.events, report.envs, report.files
    )
}

/// `prune`: the worker (the database's only writer) removes old finished tasks.
pub async fn prune(args: PruneArgs, paths: &Paths) -> Result<i32> {
    let older_than_ms = args.older_than.as_deref().map(crate::duration::parse).transpose()?;
    let req =
        Request::Prune { older_than_ms: older_than_ms.map(|d| d.as_millis() as u64), dry_run: args.dry_run };
    let report = match Client::connect(paths).await?.request(req).await? {
        Response::Pruned { report } => report,
        other => return Err(Error::internal(format!("unexpected answer to prune: {other:?}"))),
    };
    let kept_refs = expire_discarded(&report, paths)?;
    if args.json {
        let mut value = serde_json::to_value(&report)?;
        if let Some(map) = value.as_object_mut() {
            map.insert("discarded_refs".into(), kept_refs.into());
        }
        print_json(&value)?;
        return Ok(0);
    }
    println!("{}", prune_line(&report));
    if kept_refs > 0 {
        println!("removed {kept_refs} discarded task refs older than [worktree] keep_discarded");
    }
    Ok(0)
}

/// After the worker's prune: let discarded tasks' kept refs go once `keep_discarded` days
/// have passed (a dry run removes none). Worktrees are never removed here.
fn expire_discarded(report: &crate::store::PruneReport, paths: &Paths) -> Result<u64> {
    if report.dry_run {
        return Ok(0);
    }
    let config = crate::agents::registry::load_config(&paths.config_file)?;
    crate::client::discard::expire(
        &paths.worktrees_dir,
        config.worktree.keep_discarded,
        crate::store::now_ms(),
    )
}

#[cfg(test)]
mod tests {
    use super::prune_line;
    use crate::store::PruneReport;

    #[test]
    fn a_dry_run_gives_the_database_size_once() {
        let report = PruneReport {
            dry_run: true,
            tasks: 3,
            bytes_before: 500_000,
            bytes_after: 500_000,
            ..Default::default()
        };
        assert!(prune_line(&report).ends_with("; database 0.5 MB"), "{}", prune_line(&report));
        let done = PruneReport { dry_run: false, bytes_after: 200_000, ..report };
        assert!(prune_line(&done).ends_with("database 0.5 MB → 0.2 MB"), "{}", prune_line(&done));
    }
}
