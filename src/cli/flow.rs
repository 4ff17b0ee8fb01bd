//! `flow`: run a plan of several tasks as one (see src/flows), and look after it.

use crate::client::Client;
use crate::client::flow_view::{FlowView, view};
use crate::error::{Error, Result, exit};
use crate::flows::FlowState;
use crate::paths::Paths;
use crate::protocol::{Request, Response};
use crate::render::{self, print_json};
use crate::store::Store;
use crate::text::truncate;
use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::collections::{BTreeMap, HashMap};
use std::io::Write;
use std::path::PathBuf;
use std::time::Duration;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    pub command: FlowCommand,
}

#[derive(Debug, clap::Subcommand)]
pub enum FlowCommand {
    /// Check a flow file, queue it, and follow it (or return at once with --async)
    Run(RunArgs),
    /// A flow and its steps
    Status(IdArgs),
    /// Flows, newest first
    List(ListArgs),
    /// Cancel a flow: its unfinished steps are cancelled (nothing is undone)
    Cancel(IdArgs),
    /// Run a failed or cancelled flow's failed and cancelled steps again
    Retry(IdArgs),
}

#[derive(Debug, clap::Args)]
pub struct RunArgs {
    /// The flow file (TOML; see assets/flows/)
    pub file: PathBuf,
    /// Set a variable for {{vars.NAME}} (repeatable; overrides [vars])
    #[arg(long = "var", value_name = "NAME=VALUE", value_parser = parse_var)]
    pub vars: Vec<(String, String)>,
    /// Print the flow id and return at once
    #[arg(long = "async")]
    pub detach: bool,
    /// Working folder of the steps (default: this one)
    #[arg(long)]
    pub cwd: Option<PathBuf>,
    /// Machine-readable output
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, clap::Args)]
pub struct IdArgs {
    /// Flow id (or a unique prefix)
    pub id: String,
    /// Machine-readable output
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, clap::Args)]
pub struct ListArgs {
    /// At most this many flows
    #[arg(long, default_value_t = 50)]
    pub limit: usize,
    /// Machine-readable output: an array of flow objects as in `flow status --json`
    #[arg(long)]
    pub json: bool,
}

pub fn parse_var(text: &str) -> Result<(String, String), String> {
    match text.split_once('=') {
        Some((k, v)) if !k.trim().is_empty() => Ok((k.trim().to_string(), v.to_string())),
        _ => Err(format!("--var {text}: expected NAME=VALUE")),
    }
}

pub async fn run(args: Args, paths: &Paths) -> Result<i32> {
    match args.command {
        FlowCommand::Run(args) => run_flow(args, paths).await,
        FlowCommand::Status(args) => {
            let flow = read_view(paths, &args.id)?;
            if args.json {
                print_json(&flow)?;
            } else {
                print_flow(&flow)?;
            }
            Ok(0)
        }
        FlowCommand::List(args) => list(args, paths),
        FlowCommand::Cancel(args) => {
            let id = resolve(paths, &args.id)?;
            let mut client = Client::connect(paths).await?;
            let message = match client.request(Request::FlowCancel { id: id.clone() }).await? {
                Response::Ok { message } => message.unwrap_or_default(),
                other => return Err(Error::internal(format!("unexpected answer: {other:?}"))),
            };
            if args.json {
                print_json(&read_view(paths, &id)?)?;
            } else {
                println!("{message}");
            }
            Ok(0)
        }
        FlowCommand::Retry(args) => {
            let id = resolve(paths, &args.id)?;
            let mut client = Client::connect(paths).await?;
            client
                .request(Request::FlowRetry { id: id.clone(), env: crate::client::submit::caller_env() })
                .await?;
            if args.json {
                print_json(&read_view(paths, &id)?)?;
            } else {
                println!("flow {id} retried");
            }
            Ok(0)
        }
    }
}

async fn run_flow(args: RunArgs, paths: &Paths) -> Result<i32> {
    let file = args.file.display().to_string();
    let text =
        std::fs::read_to_string(&args.file).map_err(|e| Error::usage(format!("cannot read {file}: {e}")))?;
    let vars: BTreeMap<String, String> = args.vars.into_iter().collect();
    let plan = crate::flows::parse(&file, &text, &vars).map_err(Error::usage)?;
    let cwd = match args.cwd {
        Some(dir) => dir,
        None => std::env::current_dir()
            .map_err(|e| Error::usage(format!("cannot read the current folder: {e}")))?,
    };
    let cwd = std::fs::canonicalize(&cwd)
        .map_err(|e| Error::usage(format!("working folder {} does not exist: {e}", cwd.display())))?;
    let mut client = Client::connect(paths).await?;
    let request = Request::FlowRun {
        plan: Box::new(plan),
        file,
        cwd: cwd.to_string_lossy().into_owned(),
        env: crate::client::submit::caller_env(),
    };
    let id = match client.request(request).await? {
        Response::Submitted { id } => id,
        other => return Err(Error::internal(format!("unexpected answer to flow run: {other:?}"))),
    };
    if args.detach {
        match args.json {
            true => print_json(&serde_json::json!({ "id": id }))?,
            false => println!("{id}"),
        }
        return Ok(0);
    }
    if !args.json {
        println!("{id}");
    }
    let Some(flow) = follow(paths, client, &id, !args.json).await? else {
        eprintln!("detached: flow {id} keeps running. Look later with `smart-agents flow status {id}`");
        return Ok(exit::INTERRUPTED);
    };
    if args.json {
        print_json(&flow)?;
    } else {
        print_flow(&flow)?;
    }
    Ok(if flow.state == FlowState::Completed { 0 } else { exit::TASK_FAILED })
}

/// Bars for the running steps until the flow ends (`None`: Ctrl-C, the flow goes on). Woken by
/// the worker's task events; the flow row is read again on each.
async fn follow(paths: &Paths, client: Client, id: &str, show: bool) -> Result<Option<FlowView>> {
    let mut sub = client.subscribe(None).await?;
    let target = if show { ProgressDrawTarget::stderr_with_hz(10) } else { ProgressDrawTarget::hidden() };
    let multi = MultiProgress::with_draw_target(target);
    let mut bars: HashMap<String, ProgressBar> = HashMap::new();
    loop {
        let flow = read_view(paths, id)?;
        for step in &flow.steps {
            match (step.state.as_str(), bars.get(&step.name)) {
                ("running", _) | ("pending", Some(_)) => {
                    let bar = bars.entry(step.name.clone()).or_insert_with(|| new_bar(&multi, &step.name));
                    if let Some(p) = step.progress {
                        bar.set_position(p.clamp(0.0, 100.0) as u64);
                    }
                    bar.set_message(step.state.clone());
                }
                ("waiting" | "pending", None) => {}
                (state, _) => {
                    if let Some(bar) = bars.remove(&step.name) {
                        bar.finish_and_clear();
                        let _ = multi.println(format!("{}: {state}", step.name));
                    }
                }
            }
        }
        if flow.state != FlowState::Running {
            multi.clear().ok();
            return Ok(Some(flow));
        }
        tokio::select! {
            next = sub.next() => { next?; }
            _ = tokio::signal::ctrl_c() => {
                multi.clear().ok();
                return Ok(None);
            }
            // A safety net only: events wake this loop.
            _ = tokio::time::sleep(Duration::from_secs(2)) => {}
        }
    }
}

fn new_bar(multi: &MultiProgress, step: &str) -> ProgressBar {
    let bar = multi.add(ProgressBar::new(100));
    if let Ok(style) = ProgressStyle::with_template(
        "{spinner:.cyan} {prefix:<16} [{bar:24.cyan/blue}] {pos:>3}% {elapsed:>4} {msg}",
    ) {
        bar.set_style(style.progress_chars("=> "));
    }
    bar.set_prefix(step.to_string());
    bar.enable_steady_tick(Duration::from_millis(120));
    bar
}

fn open(paths: &Paths) -> Result<Store> {
    Store::open_for_reading(&paths.database)?.ok_or_else(|| Error::not_found("no flows yet"))
}

fn resolve(paths: &Paths, typed: &str) -> Result<String> {
    open(paths)?.resolve_flow(typed)
}

fn read_view(paths: &Paths, typed: &str) -> Result<FlowView> {
    let store = open(paths)?;
    let id = store.resolve_flow(typed)?;
    let flow = store.flow(&id)?.ok_or_else(|| Error::not_found(format!("no flow with id '{id}'")))?;
    Ok(view(&flow, &store.flow_tasks(&id)?))
}

fn headline(flow: &FlowView) -> String {
    let mut line = format!(
        "{} ({}/{} steps, {:.0}%)",
        flow.state.as_str(),
        flow.steps_done,
        flow.steps_total,
        flow.progress
    );
    if let Some(reason) = &flow.reason {
        line.push_str(&format!(" · {reason}"));
    }
    line
}

fn print_flow(flow: &FlowView) -> Result<()> {
    let mut out = std::io::stdout().lock();
    writeln!(out, "{}  {}  {}", flow.id, flow.name, headline(flow))?;
    writeln!(out, "  {} · attempt {} · created {}", flow.file, flow.attempt, flow.created_at)?;
    for s in &flow.steps {
        let task = s.task_id.as_deref().unwrap_or("-");
        let detail = s.reason.clone().unwrap_or_default();
        writeln!(
            out,
            "  {:<16} {:<9} {:<6} {}",
            truncate(&s.name, 16),
            s.state,
            task,
            truncate(&detail, 60)
        )?;
    }
    for u in &flow.undos {
        writeln!(out, "  undo {:<11} {:<9} {}", truncate(&u.step, 11), u.state, u.task_id)?;
    }
    Ok(())
}

fn list(args: ListArgs, paths: &Paths) -> Result<i32> {
    let Some(store) = Store::open_for_reading(&paths.database)? else {
        if args.json {
            print_json(&Vec::<FlowView>::new())?;
        } else {
            println!("no flows");
        }
        return Ok(0);
    };
    let views: Vec<FlowView> = store
        .flows(false, args.limit)?
        .iter()
        .map(|f| Ok(view(f, &store.flow_tasks(&f.id)?)))
        .collect::<Result<_>>()?;
    if args.json {
        print_json(&views)?;
        return Ok(0);
    }
    let mut out = std::io::stdout().lock();
    if views.is_empty() {
        writeln!(out, "no flows")?;
    }
    for f in &views {
        writeln!(out, "{}  {:<24}  {}", f.id, truncate(&f.name, 24), render::paint(&headline(f), "0"))?;
    }
    Ok(0)
}
