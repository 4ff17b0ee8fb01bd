//! `schedule`: recurring tasks and flows, fired by the worker (issue 32; docs/schedules.md).

use crate::client::Client;
use crate::client::schedule_view::{self as view, ScheduleDetail, ScheduleView};
use crate::error::{Error, Result};
use crate::paths::Paths;
use crate::protocol::{Request, Response};
use crate::render::print_json;
use crate::schedules::{CatchUp, Job, Overlap, ScheduleDef, ScheduleOp, Timing};
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: Sub,
}

#[derive(Debug, clap::Subcommand)]
enum Sub {
    /// Make a schedule: `schedule add nightly --cron "0 2 * * *" -- cargo update`
    Add(Box<AddArgs>),
    /// Every schedule: next firing, last run, missed windows, paused
    List(JsonArgs),
    /// One schedule and every window: what ran, or why it did not
    Show(NameArgs),
    /// Fire no more windows until `schedule resume`
    Pause(NameArgs),
    /// Fire windows again (those passed while paused are not run)
    Resume(NameArgs),
    /// Delete a schedule (runs it started go on)
    Remove(NameArgs),
    /// Fire now, once, whatever the overlap rule says
    Run(NameArgs),
}

#[derive(Debug, clap::Args)]
struct JsonArgs {
    /// Machine-readable output
    #[arg(long)]
    json: bool,
}

#[derive(Debug, clap::Args)]
struct NameArgs {
    name: String,
    /// Machine-readable output
    #[arg(long)]
    json: bool,
}

#[derive(Debug, clap::Args)]
struct AddArgs {
    /// Letters, digits, '-', '_' and '.'
    name: String,
    /// A cron expression: 5 fields (minute hour day month weekday) or 6 with seconds first
    #[arg(long, required_unless_present = "every", conflicts_with = "every")]
    cron: Option<String>,
    /// The IANA zone of --cron (default: this machine's)
    #[arg(long, requires = "cron")]
    tz: Option<String>,
    /// A fixed interval instead: 2s, 10m, 1h
    #[arg(long)]
    every: Option<String>,
    /// Windows missed while the worker was down or the machine asleep: skip, once or all
    #[arg(long = "catch-up", default_value = "once")]
    catch_up: CatchUp,
    /// A window while the last run still goes: skip, queue or allow
    #[arg(long, default_value = "skip")]
    overlap: Overlap,
    /// Pause until tomorrow once this many runs started today
    #[arg(long, value_name = "N")]
    max_runs_per_day: Option<u32>,
    /// Pause until tomorrow once the schedule's runs cost this much today (checked at each firing)
    #[arg(long, value_name = "USD", value_parser = crate::client::submit::parse_usd)]
    max_cost_per_day: Option<f64>,
    /// Run this flow file at each window instead of a task (read now)
    #[arg(long, value_name = "FILE", conflicts_with = "command")]
    flow: Option<PathBuf>,
    /// A flow variable (repeatable)
    #[arg(long = "var", value_name = "NAME=VALUE", value_parser = super::flow::parse_var, requires = "flow")]
    vars: Vec<(String, String)>,
    #[command(flatten)]
    exec: super::execute::Args,
}

pub async fn run(args: Args, paths: &Paths) -> Result<i32> {
    match args.command {
        Sub::Add(add) => add_schedule(*add, paths).await,
        Sub::List(a) => {
            let views = view::list(view::open(paths)?.as_ref())?;
            if a.json {
                print_json(&views)?
            } else {
                print_list(&views)
            }
            Ok(0)
        }
        Sub::Show(a) => {
            let detail = view::detail(view::open(paths)?.as_ref(), &a.name)?;
            if a.json {
                print_json(&detail)?
            } else {
                print_detail(&detail)
            }
            Ok(0)
        }
        Sub::Pause(a) => set(a, ScheduleOp::Pause, paths).await,
        Sub::Resume(a) => set(a, ScheduleOp::Resume, paths).await,
        Sub::Remove(a) => set(a, ScheduleOp::Remove, paths).await,
        Sub::Run(a) => {
            let id = match request(paths, Request::ScheduleRun { name: a.name.clone() }).await? {
                Response::Submitted { id } => id,
                other => {
                    return Err(Error::internal(format!("unexpected answer to schedule run: {other:?}")));
                }
            };
            if a.json {
                print_json(&serde_json::json!({ "id": id }))?
            } else {
                println!("{id}")
            }
            Ok(0)
        }
    }
}

async fn request(paths: &Paths, req: Request) -> Result<Response> {
    Client::connect(paths).await?.request(req).await
}

async fn set(a: NameArgs, op: ScheduleOp, paths: &Paths) -> Result<i32> {
    let message = match request(paths, Request::ScheduleSet { name: a.name.clone(), op }).await? {
        Response::Ok { message } => message.unwrap_or_default(),
        other => return Err(Error::internal(format!("unexpected answer to schedule: {other:?}"))),
    };
    if a.json {
        let removed = op == ScheduleOp::Remove;
        let shown =
            if removed { None } else { Some(view::detail(view::open(paths)?.as_ref(), &a.name)?.view) };
        print_json(&serde_json::json!({ "name": a.name, "removed": removed, "schedule": shown }))?;
    } else {
        println!("{message}");
    }
    Ok(0)
}

async fn add_schedule(a: AddArgs, paths: &Paths) -> Result<i32> {
    let json = a.exec.json;
    let def = definition(a)?;
    let name = def.name.clone();
    request(paths, Request::ScheduleAdd { def: Box::new(def) }).await?;
    let shown = view::detail(view::open(paths)?.as_ref(), &name)?.view;
    if json {
        print_json(&shown)?;
    } else {
        println!("schedule {name} added: {}, next {}", shown.spec, shown.next.as_deref().unwrap_or("never"));
    }
    Ok(0)
}

/// The schedule this command line asks for, checked before anything is sent.
fn definition(a: AddArgs) -> Result<ScheduleDef> {
    crate::schedules::check_name(&a.name).map_err(Error::usage)?;
    if a.tz.is_some() && a.cron.is_none() {
        return Err(Error::usage(crate::schedules::ScheduleError::ZoneWithEvery));
    }
    let timing = match (&a.cron, &a.every) {
        (Some(expr), None) => Timing::cron(expr, a.tz.as_deref()),
        (None, Some(every)) => Timing::every(every),
        _ => return Err(Error::usage("give one of --cron \"EXPR\" or --every DUR")),
    }
    .map_err(Error::usage)?;
    if a.exec.at.is_some() || a.exec.delay.is_some() || !a.exec.after.is_empty() {
        return Err(Error::usage(
            "--at, --delay and --after do not go with a schedule: its windows say when",
        ));
    }
    let job = match a.flow {
        Some(file) => flow_job(&file, a.vars, a.exec.cwd, a.exec.description.is_some())?,
        None => Job::Task { spec: Box::new(a.exec.spec()?) },
    };
    let def = ScheduleDef {
        name: a.name,
        timing,
        catch_up: a.catch_up,
        overlap: a.overlap,
        max_runs_per_day: a.max_runs_per_day,
        max_cost_per_day: a.max_cost_per_day,
        job,
    };
    def.validate().map_err(Error::usage)?;
    Ok(def)
}

fn flow_job(
    file: &std::path::Path,
    vars: Vec<(String, String)>,
    cwd: Option<PathBuf>,
    prompt: bool,
) -> Result<Job> {
    if prompt {
        return Err(Error::usage("give a prompt, a command after `--`, or --flow FILE: only one"));
    }
    let name = file.display().to_string();
    let text = std::fs::read_to_string(file).map_err(|e| Error::usage(format!("cannot read {name}: {e}")))?;
    let vars = vars.into_iter().collect();
    let plan = crate::flows::parse(&name, &text, &vars).map_err(Error::usage)?;
    let cwd = match cwd {
        Some(dir) => dir,
        None => std::env::current_dir()
            .map_err(|e| Error::usage(format!("cannot read the current folder: {e}")))?,
    };
    let cwd = std::fs::canonicalize(&cwd)
        .map_err(|e| Error::usage(format!("working folder {} does not exist: {e}", cwd.display())))?;
    let file = std::fs::canonicalize(file).map_or(name, |f| f.display().to_string());
    let env = crate::client::submit::caller_env();
    Ok(Job::Flow { plan: Box::new(plan), file, cwd: cwd.to_string_lossy().into_owned(), env })
}

/// One line per schedule for people.
pub fn print_list(views: &[ScheduleView]) {
    if views.is_empty() {
        println!("no schedules: `smart-agents schedule add NAME --every 1h -- COMMAND` makes one");
        return;
    }
    println!("{:<20} {:<28} {:<25} {:<22} {:>6}  paused", "NAME", "SPEC", "NEXT", "LAST RUN", "MISSED");
    for v in views {
        let last = v.last_run.as_ref().map_or("-".to_string(), |r| format!("{} {}", r.id, r.state));
        let next = v.next.clone().unwrap_or_else(|| "-".into());
        let paused = if v.paused { "yes" } else { "no" };
        println!("{:<20} {:<28} {:<25} {:<22} {:>6}  {paused}", v.name, v.spec, next, last, v.missed);
    }
}

pub fn print_detail(d: &ScheduleDetail) {
    let v = &d.view;
    println!("schedule {}: {}", v.name, v.spec);
    println!("  runs:      {}", d.runs);
    println!("  next:      {}", v.next.as_deref().unwrap_or("-"));
    if v.paused {
        let until = d.paused_until.as_deref().map(|u| format!(" until {u}")).unwrap_or_default();
        println!("  paused:    {}{until}", d.pause_reason.as_deref().unwrap_or("yes"));
    }
    println!("  catch-up:  {:?}, overlap: {:?}", d.catch_up, d.overlap);
    println!("  missed:    {} in all; {} runs today", v.missed, d.runs_today);
    println!("  windows (newest first):");
    for w in &d.windows {
        let data = w.data.as_ref().map(|d| d.to_string()).unwrap_or_default();
        println!("    {}  {:<17} {data}", w.at, w.kind);
    }
}
