use clap::Parser;
use smart_agents::{cli, error::exit, worker::supervise};

fn main() {
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    // The per-task supervisor takes the shortest path: no parsing, no runtime.
    if args.get(1).is_some_and(|a| a == supervise::ARG) {
        std::process::exit(supervise::main(&args));
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
    let code = match cli::run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("smart-agents: {e}");
            e.kind().exit_code()
        }
    };
    std::process::exit(if code == 0 { exit::SUCCESS } else { code });
}
