use clap::Parser;
use smart_agents::executor::sandbox;
use smart_agents::worker::{supervise, zygote};
use smart_agents::{cli, error::exit, mcp, tui, web};

fn main() {
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    // The per-task supervisor takes the shortest path: no parsing, no runtime.
    if args.get(1).is_some_and(|a| a == supervise::ARG) {
        if args.get(2).is_some_and(|a| a == zygote::SERVE) {
            std::process::exit(zygote::serve());
        }
        std::process::exit(supervise::main(&args));
    }
    // A sandboxed task's launcher (outside the wall) and relay (inside): no parsing either.
    if args.get(1).is_some_and(|a| a == sandbox::ARG) {
        use smart_agents::worker::step_report;
        let hooks = sandbox::launch::Hooks {
            report: std::sync::Arc::new(step_report::send),
            serve_worker: step_report::serve,
        };
        std::process::exit(sandbox::launch::main(&args, hooks));
    }
    if args.get(1).is_some_and(|a| a == sandbox::relay::ARG) {
        std::process::exit(sandbox::relay::main(&args));
    }
    // The MCP server an agent gets inside a task: no parsing either.
    if args.get(1).is_some_and(|a| a == smart_agents::agents::task_tools::ARG) {
        std::process::exit(mcp::agent_tools::main());
    }
    let cli = cli::Cli::parse();
    // The MCP server sees a closed stdout as the end of its session and stops by itself.
    let keeps_sigpipe = matches!(&cli.command, cli::Command::Mcp)
        || matches!(&cli.command, cli::Command::Worker(w) if w.is_foreground());
    if !keeps_sigpipe {
        // A client writing into a closed pipe (`| head`) ends quietly, as Unix tools do.
        // SAFETY: restoring the default disposition of one signal.
        unsafe { libc::signal(libc::SIGPIPE, libc::SIG_DFL) };
    }
    // The dashboard and the MCP server stand above the command line: they are started here.
    let run = match cli.command {
        cli::Command::Tui => cli::with_runtime(|paths| async move {
            let config = smart_agents::agents::registry::load_config(&paths.config_file)?;
            tui::run(paths, config).await?;
            Ok(0)
        }),
        cli::Command::Mcp => cli::with_runtime(mcp::serve),
        cli::Command::Web(args) => {
            let serve =
                web::Serve { listen: args.listen, token_file: args.token_file, read_only: args.read_only };
            cli::with_runtime(|paths| web::run(paths, serve))
        }
        cli::Command::Worker(w) if w.is_foreground() => {
            cli::worker_run(smart_agents::worker::Hooks { serve_web: web::serve_for_worker })
        }
        _ => cli::run(cli),
    };
    let code = match run {
        Ok(code) => code,
        Err(e) => {
            eprintln!("smart-agents: {e}");
            e.kind().exit_code()
        }
    };
    std::process::exit(if code == 0 { exit::SUCCESS } else { code });
}
