//! Shell completions and man pages, generated from the clap definitions at run time so they
//! follow every new subcommand. `smart-agents __generate DIR` writes `DIR/completions/` and
//! `DIR/man/`; the committed copies are checked by tests/it/generated_files.rs.
//!
//! Task ids complete dynamically in bash, zsh and fish: a small hook appended to clap_complete's
//! script asks `smart-agents __complete-ids` whenever the cursor is on a task id. Which arguments
//! are task ids is read from the definitions too: positionals named `id`/`ids` and options whose
//! value is named `ID` (e.g. `execute --after ID`).

use crate::error::{Context, Result};
use crate::paths::Paths;
use crate::store::Store;
use clap::CommandFactory;
use clap_complete::{Generator, Shell};
use std::io::Write;
use std::path::{Path, PathBuf};

const BIN: &str = "smart-agents";

#[derive(Debug, clap::Args)]
pub struct CompletionsArgs {
    /// bash, zsh, fish, elvish or powershell
    pub shell: Shell,
}

#[derive(Debug, clap::Args)]
pub struct GenerateArgs {
    /// Folder to write `completions/` and `man/` into (the repository root: `.`)
    pub dir: PathBuf,
}

#[derive(Debug, clap::Args)]
pub struct CompleteIdsArgs {
    /// `ID<TAB>DESCRIPTION` per line, for shells that show descriptions
    #[arg(long)]
    pub describe: bool,
}

/// The shells we ship scripts for, in a fixed order.
pub const SHELLS: [Shell; 5] = [Shell::Bash, Shell::Zsh, Shell::Fish, Shell::Elvish, Shell::PowerShell];

pub fn completions(args: CompletionsArgs) -> Result<i32> {
    std::io::stdout().write_all(completion_script(args.shell).as_bytes())?;
    Ok(0)
}

/// The completion script for one shell, with the task-id hook where the shell has one.
pub fn completion_script(shell: Shell) -> String {
    let mut cmd = visible();
    let mut buf = Vec::new();
    clap_complete::generate(shell, &mut cmd, BIN, &mut buf);
    let mut script = String::from_utf8_lossy(&buf).into_owned();
    let slots = id_slots(&visible());
    match shell {
        Shell::Bash => {
            // clap_complete 4.6 spells the state of subcommands of a hyphenated binary two
            // ways (`smart__subcmd__agents__…` in the case arms, `smart__agents__…` in the
            // loop), so nothing completes past the subcommand (clap-rs/clap#6421). Use the
            // loop's spelling; a no-op once fixed upstream.
            script = script.replace(&BIN.replace('-', "__subcmd__"), &BIN.replace('-', "__"));
            // clap_complete names the function itself (`_smart__agents`): take it from its
            // `complete -F NAME` line rather than guess.
            let func = script
                .split("complete -F ")
                .nth(1)
                .and_then(|rest| rest.split_whitespace().next())
                .map(str::to_string);
            if let Some(func) = func {
                script.push_str(&bash_hook(&func, &slots));
            }
        }
        Shell::Zsh => script = zsh_hook(&script, &slots),
        Shell::Fish => script.push_str(&fish_hook(&script, &slots)),
        _ => {}
    }
    script
}

/// The command tree without its hidden subcommands (`__generate`, `__complete-ids`), which
/// clap_complete would otherwise offer. clap cannot remove a subcommand, so the root is rebuilt
/// from its parts.
fn visible() -> clap::Command {
    let full = super::Cli::command();
    let subs: Vec<clap::Command> = full.get_subcommands().filter(|s| !s.is_hide_set()).cloned().collect();
    let args: Vec<clap::Arg> = full.get_arguments().cloned().collect();
    // Both are `&'static str` in `Cli` too; clap's builder only takes static names.
    let mut cmd = clap::Command::new(BIN).version(env!("CARGO_PKG_VERSION")).args(args).subcommands(subs);
    if let Some(about) = full.get_about() {
        cmd = cmd.about(about.clone());
    }
    if let Some(about) = full.get_long_about() {
        cmd = cmd.long_about(about.clone());
    }
    cmd
}

/// Every generated file, relative to the repository root.
pub fn files() -> Result<Vec<(PathBuf, Vec<u8>)>> {
    let mut out = Vec::new();
    for shell in SHELLS {
        out.push((
            Path::new("completions").join(shell.file_name(BIN)),
            completion_script(shell).into_bytes(),
        ));
    }
    let mut root = visible().disable_help_subcommand(true);
    root.build();
    man_pages(&root, &mut out)?;
    Ok(out)
}

/// One page per visible command, nested ones as `smart-agents-worker-start.1` (clap_mangen's
/// own naming, as in its `generate_to`).
fn man_pages(cmd: &clap::Command, out: &mut Vec<(PathBuf, Vec<u8>)>) -> Result<()> {
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        man_pages(sub, out)?;
    }
    let man = clap_mangen::Man::new(cmd.clone());
    let mut page = Vec::new();
    man.render(&mut page)?;
    out.push((Path::new("man").join(man.get_filename()), page));
    Ok(())
}

/// `__generate DIR`: write every file, and remove man pages of commands that no longer exist.
pub fn generate(args: GenerateArgs) -> Result<i32> {
    let files = files()?;
    for sub in ["completions", "man"] {
        let dir = args.dir.join(sub);
        std::fs::create_dir_all(&dir).context(format!("creating {}", dir.display()))?;
    }
    let man_dir = args.dir.join("man");
    for entry in std::fs::read_dir(&man_dir).context(format!("reading {}", man_dir.display()))? {
        let path = entry?.path();
        let known = files.iter().any(|(rel, _)| args.dir.join(rel) == path);
        if !known && path.extension().is_some_and(|e| e == "1") {
            std::fs::remove_file(&path).context(format!("removing stale {}", path.display()))?;
        }
    }
    for (rel, bytes) in &files {
        let path = args.dir.join(rel);
        std::fs::write(&path, bytes).context(format!("writing {}", path.display()))?;
        println!("{}", path.display());
    }
    Ok(0)
}

/// `__complete-ids`: recent task ids, newest first, straight from the database (no worker).
/// Quiet on any error: a completion must never print noise into the user's command line.
pub fn complete_ids(args: CompleteIdsArgs, paths: &Paths) -> Result<i32> {
    let Ok(Some(store)) = Store::open_for_reading(&paths.database) else { return Ok(0) };
    let Ok(records) = store.list(&[], 200) else { return Ok(0) };
    let mut out = std::io::stdout().lock();
    for rec in records {
        if args.describe {
            let text = crate::text::truncate(&rec.description, 50);
            writeln!(out, "{}\t{} · {}", rec.id, rec.state, text)?;
        } else {
            writeln!(out, "{}", rec.id)?;
        }
    }
    Ok(0)
}

/// Where a task id goes: under the subcommand `path`, either the positionals (`multiple`: all
/// of them, else only the first) or the value of `--long`.
#[derive(Debug, Clone, PartialEq)]
pub struct IdSlot {
    pub path: Vec<String>,
    pub long: Option<String>,
    pub multiple: bool,
}

pub fn id_slots(cmd: &clap::Command) -> Vec<IdSlot> {
    let mut slots = Vec::new();
    collect_slots(cmd, &mut Vec::new(), &mut slots);
    slots
}

fn collect_slots(cmd: &clap::Command, path: &mut Vec<String>, out: &mut Vec<IdSlot>) {
    for (index, arg) in cmd.get_positionals().enumerate() {
        let name = arg.get_id().as_str();
        // Only a first positional: later ones cannot be told apart without parsing options.
        if index == 0 && (name == "id" || name == "ids") {
            let multiple = arg.get_num_args().is_some_and(|n| n.max_values() > 1) || name == "ids";
            out.push(IdSlot { path: path.clone(), long: None, multiple });
        }
    }
    for arg in cmd.get_opts() {
        let is_id = arg.get_value_names().is_some_and(|v| v.len() == 1 && v[0] == "ID");
        if let (true, Some(long)) = (is_id, arg.get_long()) {
            out.push(IdSlot { path: path.clone(), long: Some(long.to_string()), multiple: false });
        }
    }
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        path.push(sub.get_name().to_string());
        collect_slots(sub, path, out);
        path.pop();
    }
}

fn bash_hook(func: &str, slots: &[IdSlot]) -> String {
    let mut tests = String::new();
    for slot in slots {
        let k = slot.path.len();
        let path = slot.path.join(" ");
        let cond = match (&slot.long, slot.multiple) {
            (Some(long), _) => format!("\"${{words[*]:0:{k}}}\" == \"{path}\" && \"$prev\" == --{long}"),
            (None, true) => format!("\"${{words[*]:0:{k}}}\" == \"{path}\" && ${{#words[@]}} -ge {k}"),
            (None, false) => format!("\"${{words[*]:0:{k}}}\" == \"{path}\" && ${{#words[@]}} -eq {k}"),
        };
        tests.push_str(&format!("    [[ {cond} ]] && want=1\n"));
    }
    format!(
        r#"
# Task ids complete from `smart-agents __complete-ids` (added by smart-agents, not clap_complete).
_smart-agents_ids() {{
    local cur="${{COMP_WORDS[COMP_CWORD]}}" prev="${{COMP_WORDS[COMP_CWORD-1]}}" want=0 i
    local words=()
    for ((i = 1; i < COMP_CWORD; i++)); do
        [[ "${{COMP_WORDS[i]}}" == -* ]] || words+=("${{COMP_WORDS[i]}}")
    done
{tests}    if [[ $want == 1 && "$cur" != -* ]]; then
        COMPREPLY=( $(compgen -W "$(smart-agents __complete-ids 2>/dev/null)" -- "$cur") )
        return 0
    fi
    {func} "$@"
}}
complete -F _smart-agents_ids -o bashdefault -o default smart-agents
"#
    )
}

fn fish_hook(script: &str, slots: &[IdSlot]) -> String {
    // clap_complete's own helper tells the top-level subcommand apart from a nested one of the
    // same name (`status` vs `worker status`); without it, fall back to fish's coarser test.
    let helper = format!("__fish_{}_using_subcommand", BIN.replace('-', "_"));
    let has_helper = script.contains(&format!("function {helper}"));
    let mut out = String::from(
        "\n# Task ids complete from `smart-agents __complete-ids` (added by smart-agents, not clap_complete).\n",
    );
    for slot in slots {
        let Some((first, rest)) = slot.path.split_first() else { continue };
        let mut cond = if has_helper {
            format!("{helper} {first}")
        } else {
            format!("__fish_seen_subcommand_from {first}")
        };
        for word in rest {
            cond.push_str(&format!("; and __fish_seen_subcommand_from {word}"));
        }
        let arg = match &slot.long {
            Some(long) => format!(" -l {long} -r"),
            None => String::new(),
        };
        out.push_str(&format!(
            "complete -c smart-agents -n \"{cond}\"{arg} -f -a \"(smart-agents __complete-ids --describe)\"\n"
        ));
    }
    out
}

/// zsh: the generated `_smart-agents` runs as is; a wrapper first offers ids when the cursor
/// is on one. The wrapper replaces the script's closing `compdef` lines.
fn zsh_hook(script: &str, slots: &[IdSlot]) -> String {
    let mut tests = String::new();
    for slot in slots {
        let k = slot.path.len();
        let path = slot.path.join(" ");
        let cond = match (&slot.long, slot.multiple) {
            (Some(long), _) => format!("\"${{(j: :)w[1,{k}]}}\" == \"{path}\" && \"$prev\" == --{long}"),
            (None, true) => format!("\"${{(j: :)w[1,{k}]}}\" == \"{path}\" && ${{#w}} -ge {k}"),
            (None, false) => format!("\"${{(j: :)w[1,{k}]}}\" == \"{path}\" && ${{#w}} -eq {k}"),
        };
        tests.push_str(&format!("    [[ {cond} ]] && want=1\n"));
    }
    let hook = format!(
        r#"
# Task ids complete from `smart-agents __complete-ids` (added by smart-agents, not clap_complete).
_smart-agents_ids() {{
    local prev="${{words[CURRENT-1]}}" want=0 i
    local -a w
    for ((i = 2; i < CURRENT; i++)); do
        [[ "${{words[i]}}" == -* ]] || w+=("${{words[i]}}")
    done
{tests}    if [[ $want == 1 && "${{words[CURRENT]}}" != -* ]]; then
        local -a ids
        ids=(${{(f)"$(smart-agents __complete-ids 2>/dev/null)"}})
        compadd -a ids && return 0
    fi
    _smart-agents "$@"
}}

if [ "$funcstack[1]" = "_smart-agents" ]; then
    # Autoloaded as `_smart-agents`: route later completions through the id hook too.
    compdef _smart-agents_ids smart-agents
    _smart-agents_ids "$@"
else
    compdef _smart-agents_ids smart-agents
fi
"#
    );
    match script.rfind("if [ \"$funcstack[1]\" = \"_smart-agents\" ]; then") {
        Some(at) => format!("{}{}", &script[..at], hook.trim_start()),
        // A clap_complete that ends differently: keep its script whole, ids just do not complete.
        None => script.to_string(),
    }
}
