# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_smart_agents_global_optspecs
    string join \n h/help V/version
end

function __fish_smart_agents_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_smart_agents_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_smart_agents_using_subcommand
    set -l cmd (__fish_smart_agents_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c smart-agents -n "__fish_smart_agents_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c smart-agents -n "__fish_smart_agents_needs_command" -s V -l version -d 'Print version'
complete -c smart-agents -n "__fish_smart_agents_needs_command" -f -a "execute" -d 'Queue a task (an agent prompt or `-- COMMAND ARGS`) and follow it, or return at once with --async'
complete -c smart-agents -n "__fish_smart_agents_needs_command" -f -a "status" -d 'One task\'s state, or a summary of the queue'
complete -c smart-agents -n "__fish_smart_agents_needs_command" -f -a "result" -d 'A finished task\'s output, verdict and metrics'
complete -c smart-agents -n "__fish_smart_agents_needs_command" -f -a "list" -d 'Running, pending and finished tasks, newest first'
complete -c smart-agents -n "__fish_smart_agents_needs_command" -f -a "cancel" -d 'Cancel tasks: pending ones at once, running ones by signal to their process group'
complete -c smart-agents -n "__fish_smart_agents_needs_command" -f -a "answer" -d 'Answer a task that waits for you: allow, deny, or the text of an answer'
complete -c smart-agents -n "__fish_smart_agents_needs_command" -f -a "ask" -d 'From inside a task: wait for a person\'s answer to a question, and print it'
complete -c smart-agents -n "__fish_smart_agents_needs_command" -f -a "logs" -d 'A task\'s captured stdout and stderr'
complete -c smart-agents -n "__fish_smart_agents_needs_command" -f -a "flow" -d 'Workflows: run a plan of several tasks (a TOML flow file) as one, and look after it'
complete -c smart-agents -n "__fish_smart_agents_needs_command" -f -a "wait" -d 'Block until tasks end; exit 0 only if all completed'
complete -c smart-agents -n "__fish_smart_agents_needs_command" -f -a "follow" -d 'Live progress bars for tasks until they all end; exits with their status'
complete -c smart-agents -n "__fish_smart_agents_needs_command" -f -a "notices" -d 'Task endings not seen yet (then marked seen): for a shell prompt or an AI client\'s prompt hook; with --follow, each ending as it happens'
complete -c smart-agents -n "__fish_smart_agents_needs_command" -f -a "notify" -d 'Pushed notifications: `notify status` shows deliveries, `secret` and `seal` help set up channels'
complete -c smart-agents -n "__fish_smart_agents_needs_command" -f -a "diff" -d 'What a task changed: a worktree task\'s branch and checkout against where it started'
complete -c smart-agents -n "__fish_smart_agents_needs_command" -f -a "compare" -d 'Best-of-N attempts side by side: state, check, lines changed, tokens, cost, time'
complete -c smart-agents -n "__fish_smart_agents_needs_command" -f -a "review" -d 'Send a worktree task\'s work back to its agent with notes (a follow-up in its worktree)'
complete -c smart-agents -n "__fish_smart_agents_needs_command" -f -a "land" -d 'Bring a worktree task\'s work into the branch it started from, in your checkout'
complete -c smart-agents -n "__fish_smart_agents_needs_command" -f -a "discard" -d 'Remove a worktree task\'s checkout and branch (its commits stay reachable a while)'
complete -c smart-agents -n "__fish_smart_agents_needs_command" -f -a "retry" -d 'Run a finished failed or cancelled task again as a new attempt'
complete -c smart-agents -n "__fish_smart_agents_needs_command" -f -a "priority" -d 'Change a pending task\'s priority (1-10)'
complete -c smart-agents -n "__fish_smart_agents_needs_command" -f -a "pause" -d 'Stop starting new tasks (running tasks go on)'
complete -c smart-agents -n "__fish_smart_agents_needs_command" -f -a "agents" -d 'Agents: installed, load, circuit, capabilities'
complete -c smart-agents -n "__fish_smart_agents_needs_command" -f -a "resume" -d 'Without arguments: start admitting tasks again. With ID and PROMPT: continue the agent session of task ID in a new task'
complete -c smart-agents -n "__fish_smart_agents_needs_command" -f -a "progress" -d 'Report progress from inside a task: `smart-agents progress 40 "Running tests"`'
complete -c smart-agents -n "__fish_smart_agents_needs_command" -f -a "events" -d 'The history of tasks: what happened, when, and who caused it; --follow streams it'
complete -c smart-agents -n "__fish_smart_agents_needs_command" -f -a "stats" -d 'Counts, success rate, wait and run times, tokens and cost, overall or --by agent, class, day'
complete -c smart-agents -n "__fish_smart_agents_needs_command" -f -a "metrics" -d 'Metrics in the Prometheus text format (the worker also serves them with [metrics] listen)'
complete -c smart-agents -n "__fish_smart_agents_needs_command" -f -a "prune" -d 'Remove old finished tasks, their events and log files (running and pending never)'
complete -c smart-agents -n "__fish_smart_agents_needs_command" -f -a "worker" -d 'Start, stop or inspect the background worker'
complete -c smart-agents -n "__fish_smart_agents_needs_command" -f -a "schedule" -d 'Recurring tasks and flows: add (--cron or --every), list, show, pause, resume, remove, run'
complete -c smart-agents -n "__fish_smart_agents_needs_command" -f -a "tui" -d 'Live dashboard: progress, steps, logs; cancel, retry and pause keys'
complete -c smart-agents -n "__fish_smart_agents_needs_command" -f -a "web" -d 'Serve the dashboard in a browser (token login, live updates) until stopped'
complete -c smart-agents -n "__fish_smart_agents_needs_command" -f -a "mcp" -d 'Serve the tools (execute, status, result, list, logs, cancel, wait, agents) to an MCP client (a coding assistant), over stdin and stdout'
complete -c smart-agents -n "__fish_smart_agents_needs_command" -f -a "integrate" -d 'Register the MCP server and the notice hook with an AI client (`integrate --help` lists them)'
complete -c smart-agents -n "__fish_smart_agents_needs_command" -f -a "config" -d 'Show, locate or edit config.toml'
complete -c smart-agents -n "__fish_smart_agents_needs_command" -f -a "doctor" -d 'Check paths, permissions, the worker, the database, secrets, notifications and agent CLIs'
complete -c smart-agents -n "__fish_smart_agents_needs_command" -f -a "completions" -d 'Print the shell completion script: bash, zsh, fish, elvish or powershell'
complete -c smart-agents -n "__fish_smart_agents_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand execute" -l agent -d 'Agent to run the task (`shell` runs the command after `--`)' -r
complete -c smart-agents -n "__fish_smart_agents_using_subcommand execute" -l priority -d '1 (lowest) to 10 (highest)' -r
complete -c smart-agents -n "__fish_smart_agents_using_subcommand execute" -l class -d 'Resource class, capped separately (e.g. e2e, build)' -r
complete -c smart-agents -n "__fish_smart_agents_using_subcommand execute" -l cwd -d 'Working folder (default: this one)' -r -F
complete -c smart-agents -n "__fish_smart_agents_using_subcommand execute" -l timeout -d 'Fail the task if it runs longer (90s, 10m, 1h30m)' -r
complete -c smart-agents -n "__fish_smart_agents_using_subcommand execute" -l needs-timeout -d 'Deny a question nobody answered within this time (default: `needs_timeout` in config, else wait until answered). Time spent waiting never counts toward --timeout' -r
complete -c smart-agents -n "__fish_smart_agents_using_subcommand execute" -l retries -d 'Run again this many times after a failure, with backoff' -r
complete -c smart-agents -n "__fish_smart_agents_using_subcommand execute" -l after -d 'Start only after this task completed (repeatable)' -r
complete -c smart-agents -n "__fish_smart_agents_using_subcommand execute" -l delay -d 'Do not start before this delay has passed (90s, 10m)' -r
complete -c smart-agents -n "__fish_smart_agents_using_subcommand execute" -l at -d 'Do not start before this time: RFC 3339 or local HH:MM (the next one to come)' -r
complete -c smart-agents -n "__fish_smart_agents_using_subcommand execute" -l mem -d 'Expected memory of the task (512M, 2G), counted against the memory gate as it starts' -r
complete -c smart-agents -n "__fish_smart_agents_using_subcommand execute" -l on -d 'Where it runs: local (this machine) or slurm (a job on the configured cluster)' -r -f -a "local\t''
slurm\t''"
complete -c smart-agents -n "__fish_smart_agents_using_subcommand execute" -l cpus -d 'Expected cores the task keeps busy (1, 2, 0.5), counted against the CPU gate as it starts' -r
complete -c smart-agents -n "__fish_smart_agents_using_subcommand execute" -l capability -d 'Route to an installed, healthy, least-loaded agent with this capability' -r
complete -c smart-agents -n "__fish_smart_agents_using_subcommand execute" -l autonomy -d 'What an agent may do on its own: read-only, edit (default: change files in its folder) or full (anything, no sandbox); overrides the agent profile\'s `autonomy`' -r
complete -c smart-agents -n "__fish_smart_agents_using_subcommand execute" -l max-cost -d 'Cost budget of the run in USD: an agent CLI with a spend cap of its own gets it; other agents are ended once their reported cost goes past it. The task fails naming the budget' -r
complete -c smart-agents -n "__fish_smart_agents_using_subcommand execute" -l notify -d 'Desktop notifications for this task: silent, completion, milestone or verbose (default: `[notifications] strategy` in config.toml)' -r
complete -c smart-agents -n "__fish_smart_agents_using_subcommand execute" -l sandbox -d 'Run walled in with bubblewrap: only its folder writable, secrets hidden, private /tmp and /proc (docs/sandbox.md); PROFILE is a `[sandbox.profiles.NAME]` (default: default)' -r
complete -c smart-agents -n "__fish_smart_agents_using_subcommand execute" -l network -d 'Sandbox network: none, allow (only --allow-host, through a proxy) or open (implies --sandbox)' -r -f -a "none\t'No network at all: a namespace with only its own loopback'
allow\t'Only the listed hosts, through smart-agents\' proxy'
open\t'The machine\'s network, unfiltered'"
complete -c smart-agents -n "__fish_smart_agents_using_subcommand execute" -l allow-host -d 'A HOST[:PORT] a sandboxed task may reach (port 443 by default; repeatable; implies --sandbox)' -r
complete -c smart-agents -n "__fish_smart_agents_using_subcommand execute" -l pids-limit -d 'At most N processes inside the sandbox (implies --sandbox)' -r
complete -c smart-agents -n "__fish_smart_agents_using_subcommand execute" -l parent -d 'The task this one is a child of (default: the task this runs inside, if any)' -r
complete -c smart-agents -n "__fish_smart_agents_using_subcommand execute" -l attempts -d 'Best-of-N: run the prompt this many times, each in its own worktree, as one group' -r
complete -c smart-agents -n "__fish_smart_agents_using_subcommand execute" -l agents -d 'Best-of-N: one attempt per agent (`--agents NAME,NAME,...`)' -r
complete -c smart-agents -n "__fish_smart_agents_using_subcommand execute" -l async -d 'Print the task id and return at once'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand execute" -l mem-limit -d 'End the task if its process tree goes past --mem (SIGTERM, then SIGKILL after the grace)'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand execute" -l worktree -d 'Run in a new git worktree on branch smart-agents/ID (kept after the task)'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand execute" -l json -d 'Machine-readable output'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand execute" -s q -l quiet -d 'No progress bar and no result text: only the exit code (with --async, only the id)'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand execute" -l check -d 'With --attempts or --agents: the command after `--` checks each attempt in its worktree'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand execute" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand status" -l json -d 'Machine-readable output'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand status" -s h -l help -d 'Print help'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand result" -l json -d 'Machine-readable output'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand result" -l wait -d 'Wait for the task to finish instead of failing at once'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand result" -s h -l help -d 'Print help'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand list" -l state -d 'Only tasks in this state (repeatable): pending, running, completed, failed, cancelled' -r -f -a "running\t''
pending\t''
completed\t''
failed\t''
cancelled\t''"
complete -c smart-agents -n "__fish_smart_agents_using_subcommand list" -l limit -d 'At most this many tasks; a last line says how many more there are' -r
complete -c smart-agents -n "__fish_smart_agents_using_subcommand list" -l all -d 'Every task, however many'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand list" -l json -d 'Machine-readable output: an array of task objects as in `status --json`'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand list" -s h -l help -d 'Print help'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand cancel" -l no-wait -d 'Return once signalled instead of waiting for running tasks to end'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand cancel" -s h -l help -d 'Print help'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand answer" -l always -d 'Remember the rule the question names (`Bash(npm test:*)`) for the rest of the task and its follow-ups: an allow that is not asked again'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand answer" -s h -l help -d 'Print help'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand ask" -l option -d 'A suggested answer (repeat for more); any text is accepted' -r
complete -c smart-agents -n "__fish_smart_agents_using_subcommand ask" -l task -d 'The task (default: $SMART_AGENTS_TASK_ID, set by the worker)' -r
complete -c smart-agents -n "__fish_smart_agents_using_subcommand ask" -l permission -d 'Ask for permission (allow or deny) instead of an answer in words'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand ask" -s h -l help -d 'Print help'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand logs" -l tail -d 'Only the last N lines' -r
complete -c smart-agents -n "__fish_smart_agents_using_subcommand logs" -s f -l follow -d 'Keep printing new output until the task ends'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand logs" -l raw -d 'The log exactly as printed, secret values included (masked as `[secret NAME]` otherwise)'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand logs" -s h -l help -d 'Print help'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand flow; and not __fish_seen_subcommand_from run status list cancel retry help" -s h -l help -d 'Print help'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand flow; and not __fish_seen_subcommand_from run status list cancel retry help" -f -a "run" -d 'Check a flow file, queue it, and follow it (or return at once with --async)'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand flow; and not __fish_seen_subcommand_from run status list cancel retry help" -f -a "status" -d 'A flow and its steps'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand flow; and not __fish_seen_subcommand_from run status list cancel retry help" -f -a "list" -d 'Flows, newest first'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand flow; and not __fish_seen_subcommand_from run status list cancel retry help" -f -a "cancel" -d 'Cancel a flow: its unfinished steps are cancelled (nothing is undone)'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand flow; and not __fish_seen_subcommand_from run status list cancel retry help" -f -a "retry" -d 'Run a failed or cancelled flow\'s failed and cancelled steps again'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand flow; and not __fish_seen_subcommand_from run status list cancel retry help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand flow; and __fish_seen_subcommand_from run" -l var -d 'Set a variable for {{vars.NAME}} (repeatable; overrides [vars])' -r
complete -c smart-agents -n "__fish_smart_agents_using_subcommand flow; and __fish_seen_subcommand_from run" -l cwd -d 'Working folder of the steps (default: this one)' -r -F
complete -c smart-agents -n "__fish_smart_agents_using_subcommand flow; and __fish_seen_subcommand_from run" -l async -d 'Print the flow id and return at once'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand flow; and __fish_seen_subcommand_from run" -l json -d 'Machine-readable output'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand flow; and __fish_seen_subcommand_from run" -s h -l help -d 'Print help'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand flow; and __fish_seen_subcommand_from status" -l json -d 'Machine-readable output'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand flow; and __fish_seen_subcommand_from status" -s h -l help -d 'Print help'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand flow; and __fish_seen_subcommand_from list" -l limit -d 'At most this many flows' -r
complete -c smart-agents -n "__fish_smart_agents_using_subcommand flow; and __fish_seen_subcommand_from list" -l json -d 'Machine-readable output: an array of flow objects as in `flow status --json`'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand flow; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand flow; and __fish_seen_subcommand_from cancel" -l json -d 'Machine-readable output'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand flow; and __fish_seen_subcommand_from cancel" -s h -l help -d 'Print help'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand flow; and __fish_seen_subcommand_from retry" -l json -d 'Machine-readable output'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand flow; and __fish_seen_subcommand_from retry" -s h -l help -d 'Print help'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand flow; and __fish_seen_subcommand_from help" -f -a "run" -d 'Check a flow file, queue it, and follow it (or return at once with --async)'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand flow; and __fish_seen_subcommand_from help" -f -a "status" -d 'A flow and its steps'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand flow; and __fish_seen_subcommand_from help" -f -a "list" -d 'Flows, newest first'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand flow; and __fish_seen_subcommand_from help" -f -a "cancel" -d 'Cancel a flow: its unfinished steps are cancelled (nothing is undone)'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand flow; and __fish_seen_subcommand_from help" -f -a "retry" -d 'Run a failed or cancelled flow\'s failed and cancelled steps again'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand flow; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand wait" -l timeout -d 'Give up after this long (exit 5)' -r
complete -c smart-agents -n "__fish_smart_agents_using_subcommand wait" -s h -l help -d 'Print help'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand follow" -l json -d 'Print the final states as JSON instead of a line per task'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand follow" -s h -l help -d 'Print help'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand notices" -l json -d 'Print the finished tasks as a JSON array (`[]` when nothing is new); with --follow, one JSON object a line'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand notices" -s f -l follow -d 'Keep running and print each ending as it happens (starts the worker if none runs)'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand notices" -s h -l help -d 'Print help'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand notify; and not __fish_seen_subcommand_from status secret seal help" -s h -l help -d 'Print help'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand notify; and not __fish_seen_subcommand_from status secret seal help" -f -a "status" -d 'Each channel\'s deliveries: sent, waiting (with the last error and the next try), failed'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand notify; and not __fish_seen_subcommand_from status secret seal help" -f -a "secret" -d 'Print a new webhook signing secret (`whsec_` + 32 random bytes in base64)'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand notify; and not __fish_seen_subcommand_from status secret seal help" -f -a "seal" -d 'Seal a channel\'s url, secret or token (read from stdin) for config.toml: prints `sealed:…`'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand notify; and not __fish_seen_subcommand_from status secret seal help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand notify; and __fish_seen_subcommand_from status" -l last -d 'How many of the latest deliveries to list' -r
complete -c smart-agents -n "__fish_smart_agents_using_subcommand notify; and __fish_seen_subcommand_from status" -l json -d 'Print JSON: `{"channels": [...], "deliveries": [...]}`'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand notify; and __fish_seen_subcommand_from status" -s h -l help -d 'Print help'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand notify; and __fish_seen_subcommand_from secret" -s h -l help -d 'Print help'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand notify; and __fish_seen_subcommand_from seal" -s h -l help -d 'Print help'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand notify; and __fish_seen_subcommand_from help" -f -a "status" -d 'Each channel\'s deliveries: sent, waiting (with the last error and the next try), failed'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand notify; and __fish_seen_subcommand_from help" -f -a "secret" -d 'Print a new webhook signing secret (`whsec_` + 32 random bytes in base64)'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand notify; and __fish_seen_subcommand_from help" -f -a "seal" -d 'Seal a channel\'s url, secret or token (read from stdin) for config.toml: prints `sealed:…`'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand notify; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand diff" -l stat -d 'Files with lines added and removed, and the total'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand diff" -l name-only -d 'Only the names of the changed files'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand diff" -l json -d 'Machine-readable: {"id", "base", "files": [{"path", "status", "insertions", "deletions", "binary"}], "patch"}'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand diff" -s h -l help -d 'Print help'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand compare" -l json
complete -c smart-agents -n "__fish_smart_agents_using_subcommand compare" -s h -l help -d 'Print help'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand review" -l note -d 'A note on one line of the change: `--note src/x.rs:12 "handle the empty case"`' -r
complete -c smart-agents -n "__fish_smart_agents_using_subcommand review" -l follow -d 'Follow the follow-up task to its end (by default print its id and return)'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand review" -l json
complete -c smart-agents -n "__fish_smart_agents_using_subcommand review" -s h -l help -d 'Print help'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand land" -l into -d 'The branch to land into (default: the branch the task started from)' -r
complete -c smart-agents -n "__fish_smart_agents_using_subcommand land" -s m -l message -d 'The message of the commit a squash or merge makes' -r
complete -c smart-agents -n "__fish_smart_agents_using_subcommand land" -l squash -d 'One commit with all of the work'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand land" -l merge -d 'Always a merge commit (by default a fast-forward when the base has not moved on)'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand land" -l rebase -d 'Replay the task\'s commits on top of the base'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand land" -l keep -d 'Keep the worktree (and its branch) after landing'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand land" -l pr -d 'Push the branch and open a pull request with `gh` instead of landing here'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand land" -l json
complete -c smart-agents -n "__fish_smart_agents_using_subcommand land" -s h -l help -d 'Print help'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand discard" -l force -d 'Discard even commits no other branch has (they stay reachable as refs/smart-agents/discarded/ID for [worktree] keep_discarded days)'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand discard" -l json
complete -c smart-agents -n "__fish_smart_agents_using_subcommand discard" -s h -l help -d 'Print help'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand retry" -s h -l help -d 'Print help'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand priority" -s h -l help -d 'Print help'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand pause" -s h -l help -d 'Print help'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand agents; and not __fish_seen_subcommand_from show release help" -l json -d 'Machine-readable output'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand agents; and not __fish_seen_subcommand_from show release help" -s h -l help -d 'Print help'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand agents; and not __fish_seen_subcommand_from show release help" -f -a "show" -d 'One agent in full'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand agents; and not __fish_seen_subcommand_from show release help" -f -a "release" -d 'End the usage-limit or budget hold of an agent\'s account now (its tasks start again)'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand agents; and not __fish_seen_subcommand_from show release help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand agents; and __fish_seen_subcommand_from show" -l json
complete -c smart-agents -n "__fish_smart_agents_using_subcommand agents; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand agents; and __fish_seen_subcommand_from release" -s h -l help -d 'Print help'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand agents; and __fish_seen_subcommand_from help" -f -a "show" -d 'One agent in full'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand agents; and __fish_seen_subcommand_from help" -f -a "release" -d 'End the usage-limit or budget hold of an agent\'s account now (its tasks start again)'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand agents; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand resume" -l async -d 'Print the new task\'s id and return at once'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand resume" -l json -d 'Machine-readable output'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand resume" -s h -l help -d 'Print help'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand progress" -l task -d 'The task (default: $SMART_AGENTS_TASK_ID, set by the worker)' -r
complete -c smart-agents -n "__fish_smart_agents_using_subcommand progress" -s h -l help -d 'Print help'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand events" -l since -d 'Only events from this long ago on: 30m, 2h, 7d' -r
complete -c smart-agents -n "__fish_smart_agents_using_subcommand events" -l kind -d 'Only events of this kind (repeatable)' -r -f -a "submitted\t''
started\t''
progress\t''
step\t''
waiting\t''
held\t''
released\t''
rerouted\t''
attempt_failed\t''
retry\t''
cancel_requested\t''
timed_out\t''
finished\t''
adopted\t''
requeued\t''
circuit\t''
supervisor_vanished\t''
slurm_submitted\t''
flow_started\t''
flow_finished\t''
flow_retry\t''
schedule_fired\t''
schedule_missed\t''
schedule_skipped\t''
schedule_paused\t''
needs_input\t''
answered\t''
delivery_sent\t''
delivery_failed\t''
delivery_expired\t''
delivery_dropped\t''
landed\t''
discarded\t''
reviewed\t''"
complete -c smart-agents -n "__fish_smart_agents_using_subcommand events" -l follow -d 'Keep printing new events as they happen (the worker pushes them; Ctrl-C to stop)'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand events" -l json -d 'One JSON object per line: seq, at, task, kind, data, uid, client, pid, cwd'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand events" -s h -l help -d 'Print help'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand stats" -l since -d 'Only tasks that ended this long ago or later (pending and running always count): 7d' -r
complete -c smart-agents -n "__fish_smart_agents_using_subcommand stats" -l by -d 'One line per agent, class, day (local) or executor, under the total' -r -f -a "agent\t''
class\t''
day\t'Local day the task ended (pending and running tasks: the day they were queued)'
executor\t'Where it ran (`local` unless another executor ran it)'"
complete -c smart-agents -n "__fish_smart_agents_using_subcommand stats" -l json -d 'Machine-readable output'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand stats" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand metrics" -s h -l help -d 'Print help'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand prune" -l older-than -d 'Remove finished tasks that ended longer ago than this (default: [history] keep_days)' -r
complete -c smart-agents -n "__fish_smart_agents_using_subcommand prune" -l dry-run -d 'Only say what would go'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand prune" -l json -d 'Machine-readable output'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand prune" -s h -l help -d 'Print help'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand worker; and not __fish_seen_subcommand_from start stop status run help" -s h -l help -d 'Print help'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand worker; and not __fish_seen_subcommand_from start stop status run help" -f -a "start" -d 'Start a detached worker if none answers'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand worker; and not __fish_seen_subcommand_from start stop status run help" -f -a "stop" -d 'Stop the worker; running tasks go on and the next worker adopts them'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand worker; and not __fish_seen_subcommand_from start stop status run help" -f -a "status" -d 'Is a worker running, and what is it doing'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand worker; and not __fish_seen_subcommand_from start stop status run help" -f -a "run" -d 'Run the worker in the foreground'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand worker; and not __fish_seen_subcommand_from start stop status run help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand worker; and __fish_seen_subcommand_from start" -s q -l quiet -d 'Print nothing; the exit code says whether a worker answers'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand worker; and __fish_seen_subcommand_from start" -s h -l help -d 'Print help'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand worker; and __fish_seen_subcommand_from stop" -l kill -d 'Cancel running tasks first'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand worker; and __fish_seen_subcommand_from stop" -s q -l quiet -d 'Print nothing'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand worker; and __fish_seen_subcommand_from stop" -s h -l help -d 'Print help'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand worker; and __fish_seen_subcommand_from status" -l json
complete -c smart-agents -n "__fish_smart_agents_using_subcommand worker; and __fish_seen_subcommand_from status" -s h -l help -d 'Print help'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand worker; and __fish_seen_subcommand_from run" -s h -l help -d 'Print help'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand worker; and __fish_seen_subcommand_from help" -f -a "start" -d 'Start a detached worker if none answers'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand worker; and __fish_seen_subcommand_from help" -f -a "stop" -d 'Stop the worker; running tasks go on and the next worker adopts them'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand worker; and __fish_seen_subcommand_from help" -f -a "status" -d 'Is a worker running, and what is it doing'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand worker; and __fish_seen_subcommand_from help" -f -a "run" -d 'Run the worker in the foreground'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand worker; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand schedule; and not __fish_seen_subcommand_from add list show pause resume remove run help" -s h -l help -d 'Print help'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand schedule; and not __fish_seen_subcommand_from add list show pause resume remove run help" -f -a "add" -d 'Make a schedule: `schedule add nightly --cron "0 2 * * *" -- cargo update`'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand schedule; and not __fish_seen_subcommand_from add list show pause resume remove run help" -f -a "list" -d 'Every schedule: next firing, last run, missed windows, paused'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand schedule; and not __fish_seen_subcommand_from add list show pause resume remove run help" -f -a "show" -d 'One schedule and every window: what ran, or why it did not'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand schedule; and not __fish_seen_subcommand_from add list show pause resume remove run help" -f -a "pause" -d 'Fire no more windows until `schedule resume`'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand schedule; and not __fish_seen_subcommand_from add list show pause resume remove run help" -f -a "resume" -d 'Fire windows again (those passed while paused are not run)'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand schedule; and not __fish_seen_subcommand_from add list show pause resume remove run help" -f -a "remove" -d 'Delete a schedule (runs it started go on)'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand schedule; and not __fish_seen_subcommand_from add list show pause resume remove run help" -f -a "run" -d 'Fire now, once, whatever the overlap rule says'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand schedule; and not __fish_seen_subcommand_from add list show pause resume remove run help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand schedule; and __fish_seen_subcommand_from add" -l cron -d 'A cron expression: 5 fields (minute hour day month weekday) or 6 with seconds first' -r
complete -c smart-agents -n "__fish_smart_agents_using_subcommand schedule; and __fish_seen_subcommand_from add" -l tz -d 'The IANA zone of --cron (default: this machine\'s)' -r
complete -c smart-agents -n "__fish_smart_agents_using_subcommand schedule; and __fish_seen_subcommand_from add" -l every -d 'A fixed interval instead: 2s, 10m, 1h' -r
complete -c smart-agents -n "__fish_smart_agents_using_subcommand schedule; and __fish_seen_subcommand_from add" -l catch-up -d 'Windows missed while the worker was down or the machine asleep: skip, once or all' -r
complete -c smart-agents -n "__fish_smart_agents_using_subcommand schedule; and __fish_seen_subcommand_from add" -l overlap -d 'A window while the last run still goes: skip, queue or allow' -r
complete -c smart-agents -n "__fish_smart_agents_using_subcommand schedule; and __fish_seen_subcommand_from add" -l max-runs-per-day -d 'Pause until tomorrow once this many runs started today' -r
complete -c smart-agents -n "__fish_smart_agents_using_subcommand schedule; and __fish_seen_subcommand_from add" -l max-cost-per-day -d 'Pause until tomorrow once the schedule\'s runs cost this much today (checked at each firing)' -r
complete -c smart-agents -n "__fish_smart_agents_using_subcommand schedule; and __fish_seen_subcommand_from add" -l flow -d 'Run this flow file at each window instead of a task (read now)' -r -F
complete -c smart-agents -n "__fish_smart_agents_using_subcommand schedule; and __fish_seen_subcommand_from add" -l var -d 'A flow variable (repeatable)' -r
complete -c smart-agents -n "__fish_smart_agents_using_subcommand schedule; and __fish_seen_subcommand_from add" -l agent -d 'Agent to run the task (`shell` runs the command after `--`)' -r
complete -c smart-agents -n "__fish_smart_agents_using_subcommand schedule; and __fish_seen_subcommand_from add" -l priority -d '1 (lowest) to 10 (highest)' -r
complete -c smart-agents -n "__fish_smart_agents_using_subcommand schedule; and __fish_seen_subcommand_from add" -l class -d 'Resource class, capped separately (e.g. e2e, build)' -r
complete -c smart-agents -n "__fish_smart_agents_using_subcommand schedule; and __fish_seen_subcommand_from add" -l cwd -d 'Working folder (default: this one)' -r -F
complete -c smart-agents -n "__fish_smart_agents_using_subcommand schedule; and __fish_seen_subcommand_from add" -l timeout -d 'Fail the task if it runs longer (90s, 10m, 1h30m)' -r
complete -c smart-agents -n "__fish_smart_agents_using_subcommand schedule; and __fish_seen_subcommand_from add" -l needs-timeout -d 'Deny a question nobody answered within this time (default: `needs_timeout` in config, else wait until answered). Time spent waiting never counts toward --timeout' -r
complete -c smart-agents -n "__fish_smart_agents_using_subcommand schedule; and __fish_seen_subcommand_from add" -l retries -d 'Run again this many times after a failure, with backoff' -r
complete -c smart-agents -n "__fish_smart_agents_using_subcommand schedule; and __fish_seen_subcommand_from add" -l after -d 'Start only after this task completed (repeatable)' -r
complete -c smart-agents -n "__fish_smart_agents_using_subcommand schedule; and __fish_seen_subcommand_from add" -l delay -d 'Do not start before this delay has passed (90s, 10m)' -r
complete -c smart-agents -n "__fish_smart_agents_using_subcommand schedule; and __fish_seen_subcommand_from add" -l at -d 'Do not start before this time: RFC 3339 or local HH:MM (the next one to come)' -r
complete -c smart-agents -n "__fish_smart_agents_using_subcommand schedule; and __fish_seen_subcommand_from add" -l mem -d 'Expected memory of the task (512M, 2G), counted against the memory gate as it starts' -r
complete -c smart-agents -n "__fish_smart_agents_using_subcommand schedule; and __fish_seen_subcommand_from add" -l on -d 'Where it runs: local (this machine) or slurm (a job on the configured cluster)' -r -f -a "local\t''
slurm\t''"
complete -c smart-agents -n "__fish_smart_agents_using_subcommand schedule; and __fish_seen_subcommand_from add" -l cpus -d 'Expected cores the task keeps busy (1, 2, 0.5), counted against the CPU gate as it starts' -r
complete -c smart-agents -n "__fish_smart_agents_using_subcommand schedule; and __fish_seen_subcommand_from add" -l capability -d 'Route to an installed, healthy, least-loaded agent with this capability' -r
complete -c smart-agents -n "__fish_smart_agents_using_subcommand schedule; and __fish_seen_subcommand_from add" -l autonomy -d 'What an agent may do on its own: read-only, edit (default: change files in its folder) or full (anything, no sandbox); overrides the agent profile\'s `autonomy`' -r
complete -c smart-agents -n "__fish_smart_agents_using_subcommand schedule; and __fish_seen_subcommand_from add" -l max-cost -d 'Cost budget of the run in USD: an agent CLI with a spend cap of its own gets it; other agents are ended once their reported cost goes past it. The task fails naming the budget' -r
complete -c smart-agents -n "__fish_smart_agents_using_subcommand schedule; and __fish_seen_subcommand_from add" -l notify -d 'Desktop notifications for this task: silent, completion, milestone or verbose (default: `[notifications] strategy` in config.toml)' -r
complete -c smart-agents -n "__fish_smart_agents_using_subcommand schedule; and __fish_seen_subcommand_from add" -l sandbox -d 'Run walled in with bubblewrap: only its folder writable, secrets hidden, private /tmp and /proc (docs/sandbox.md); PROFILE is a `[sandbox.profiles.NAME]` (default: default)' -r
complete -c smart-agents -n "__fish_smart_agents_using_subcommand schedule; and __fish_seen_subcommand_from add" -l network -d 'Sandbox network: none, allow (only --allow-host, through a proxy) or open (implies --sandbox)' -r -f -a "none\t'No network at all: a namespace with only its own loopback'
allow\t'Only the listed hosts, through smart-agents\' proxy'
open\t'The machine\'s network, unfiltered'"
complete -c smart-agents -n "__fish_smart_agents_using_subcommand schedule; and __fish_seen_subcommand_from add" -l allow-host -d 'A HOST[:PORT] a sandboxed task may reach (port 443 by default; repeatable; implies --sandbox)' -r
complete -c smart-agents -n "__fish_smart_agents_using_subcommand schedule; and __fish_seen_subcommand_from add" -l pids-limit -d 'At most N processes inside the sandbox (implies --sandbox)' -r
complete -c smart-agents -n "__fish_smart_agents_using_subcommand schedule; and __fish_seen_subcommand_from add" -l parent -d 'The task this one is a child of (default: the task this runs inside, if any)' -r
complete -c smart-agents -n "__fish_smart_agents_using_subcommand schedule; and __fish_seen_subcommand_from add" -l attempts -d 'Best-of-N: run the prompt this many times, each in its own worktree, as one group' -r
complete -c smart-agents -n "__fish_smart_agents_using_subcommand schedule; and __fish_seen_subcommand_from add" -l agents -d 'Best-of-N: one attempt per agent (`--agents NAME,NAME,...`)' -r
complete -c smart-agents -n "__fish_smart_agents_using_subcommand schedule; and __fish_seen_subcommand_from add" -l async -d 'Print the task id and return at once'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand schedule; and __fish_seen_subcommand_from add" -l mem-limit -d 'End the task if its process tree goes past --mem (SIGTERM, then SIGKILL after the grace)'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand schedule; and __fish_seen_subcommand_from add" -l worktree -d 'Run in a new git worktree on branch smart-agents/ID (kept after the task)'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand schedule; and __fish_seen_subcommand_from add" -l json -d 'Machine-readable output'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand schedule; and __fish_seen_subcommand_from add" -s q -l quiet -d 'No progress bar and no result text: only the exit code (with --async, only the id)'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand schedule; and __fish_seen_subcommand_from add" -l check -d 'With --attempts or --agents: the command after `--` checks each attempt in its worktree'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand schedule; and __fish_seen_subcommand_from add" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand schedule; and __fish_seen_subcommand_from list" -l json -d 'Machine-readable output'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand schedule; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand schedule; and __fish_seen_subcommand_from show" -l json -d 'Machine-readable output'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand schedule; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand schedule; and __fish_seen_subcommand_from pause" -l json -d 'Machine-readable output'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand schedule; and __fish_seen_subcommand_from pause" -s h -l help -d 'Print help'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand schedule; and __fish_seen_subcommand_from resume" -l json -d 'Machine-readable output'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand schedule; and __fish_seen_subcommand_from resume" -s h -l help -d 'Print help'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand schedule; and __fish_seen_subcommand_from remove" -l json -d 'Machine-readable output'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand schedule; and __fish_seen_subcommand_from remove" -s h -l help -d 'Print help'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand schedule; and __fish_seen_subcommand_from run" -l json -d 'Machine-readable output'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand schedule; and __fish_seen_subcommand_from run" -s h -l help -d 'Print help'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand schedule; and __fish_seen_subcommand_from help" -f -a "add" -d 'Make a schedule: `schedule add nightly --cron "0 2 * * *" -- cargo update`'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand schedule; and __fish_seen_subcommand_from help" -f -a "list" -d 'Every schedule: next firing, last run, missed windows, paused'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand schedule; and __fish_seen_subcommand_from help" -f -a "show" -d 'One schedule and every window: what ran, or why it did not'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand schedule; and __fish_seen_subcommand_from help" -f -a "pause" -d 'Fire no more windows until `schedule resume`'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand schedule; and __fish_seen_subcommand_from help" -f -a "resume" -d 'Fire windows again (those passed while paused are not run)'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand schedule; and __fish_seen_subcommand_from help" -f -a "remove" -d 'Delete a schedule (runs it started go on)'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand schedule; and __fish_seen_subcommand_from help" -f -a "run" -d 'Fire now, once, whatever the overlap rule says'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand schedule; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand tui" -s h -l help -d 'Print help'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand web" -l listen -d 'Address and port to serve on; loopback unless told (another address needs --token-file)' -r
complete -c smart-agents -n "__fish_smart_agents_using_subcommand web" -l token-file -d 'The access token, read from this file (its first line); without it a token is made and kept in a 0600 file in the data folder, and printed as a login URL' -r -F
complete -c smart-agents -n "__fish_smart_agents_using_subcommand web" -l read-only -d 'Show tasks only: every action (cancel) is hidden and refused'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand web" -s h -l help -d 'Print help'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand mcp" -s h -l help -d 'Print help'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand integrate" -l project -d 'For this project only: `.mcp.json` and `.claude/settings.json` in the current folder'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand integrate" -l user -d 'For every project of this user: `~/.claude.json` and `~/.claude/settings.json` (default)'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand integrate" -l dry-run -d 'Print what would change and change nothing'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand integrate" -l uninstall -d 'Remove what `integrate` added'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand integrate" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand config; and not __fish_seen_subcommand_from show path edit help" -s h -l help -d 'Print help'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand config; and not __fish_seen_subcommand_from show path edit help" -f -a "show" -d 'The effective config: every key, its value, and where it came from'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand config; and not __fish_seen_subcommand_from show path edit help" -f -a "path" -d 'Print the path of config.toml (it may not exist yet)'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand config; and not __fish_seen_subcommand_from show path edit help" -f -a "edit" -d 'Open config.toml in $EDITOR (else vi) and validate it on save'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand config; and not __fish_seen_subcommand_from show path edit help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand config; and __fish_seen_subcommand_from show" -l json -d 'Machine-readable output'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand config; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand config; and __fish_seen_subcommand_from path" -s h -l help -d 'Print help'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand config; and __fish_seen_subcommand_from edit" -s h -l help -d 'Print help'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "show" -d 'The effective config: every key, its value, and where it came from'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "path" -d 'Print the path of config.toml (it may not exist yet)'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "edit" -d 'Open config.toml in $EDITOR (else vi) and validate it on save'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand doctor" -l json -d 'Machine-readable output'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand doctor" -l fix -d 'Repair what can be repaired: seal secret values an older version stored in plain text'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand doctor" -s h -l help -d 'Print help'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand completions" -s h -l help -d 'Print help'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand help; and not __fish_seen_subcommand_from execute status result list cancel answer ask logs flow wait follow notices notify diff compare review land discard retry priority pause agents resume progress events stats metrics prune worker schedule tui web mcp integrate config doctor completions help" -f -a "execute" -d 'Queue a task (an agent prompt or `-- COMMAND ARGS`) and follow it, or return at once with --async'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand help; and not __fish_seen_subcommand_from execute status result list cancel answer ask logs flow wait follow notices notify diff compare review land discard retry priority pause agents resume progress events stats metrics prune worker schedule tui web mcp integrate config doctor completions help" -f -a "status" -d 'One task\'s state, or a summary of the queue'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand help; and not __fish_seen_subcommand_from execute status result list cancel answer ask logs flow wait follow notices notify diff compare review land discard retry priority pause agents resume progress events stats metrics prune worker schedule tui web mcp integrate config doctor completions help" -f -a "result" -d 'A finished task\'s output, verdict and metrics'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand help; and not __fish_seen_subcommand_from execute status result list cancel answer ask logs flow wait follow notices notify diff compare review land discard retry priority pause agents resume progress events stats metrics prune worker schedule tui web mcp integrate config doctor completions help" -f -a "list" -d 'Running, pending and finished tasks, newest first'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand help; and not __fish_seen_subcommand_from execute status result list cancel answer ask logs flow wait follow notices notify diff compare review land discard retry priority pause agents resume progress events stats metrics prune worker schedule tui web mcp integrate config doctor completions help" -f -a "cancel" -d 'Cancel tasks: pending ones at once, running ones by signal to their process group'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand help; and not __fish_seen_subcommand_from execute status result list cancel answer ask logs flow wait follow notices notify diff compare review land discard retry priority pause agents resume progress events stats metrics prune worker schedule tui web mcp integrate config doctor completions help" -f -a "answer" -d 'Answer a task that waits for you: allow, deny, or the text of an answer'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand help; and not __fish_seen_subcommand_from execute status result list cancel answer ask logs flow wait follow notices notify diff compare review land discard retry priority pause agents resume progress events stats metrics prune worker schedule tui web mcp integrate config doctor completions help" -f -a "ask" -d 'From inside a task: wait for a person\'s answer to a question, and print it'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand help; and not __fish_seen_subcommand_from execute status result list cancel answer ask logs flow wait follow notices notify diff compare review land discard retry priority pause agents resume progress events stats metrics prune worker schedule tui web mcp integrate config doctor completions help" -f -a "logs" -d 'A task\'s captured stdout and stderr'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand help; and not __fish_seen_subcommand_from execute status result list cancel answer ask logs flow wait follow notices notify diff compare review land discard retry priority pause agents resume progress events stats metrics prune worker schedule tui web mcp integrate config doctor completions help" -f -a "flow" -d 'Workflows: run a plan of several tasks (a TOML flow file) as one, and look after it'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand help; and not __fish_seen_subcommand_from execute status result list cancel answer ask logs flow wait follow notices notify diff compare review land discard retry priority pause agents resume progress events stats metrics prune worker schedule tui web mcp integrate config doctor completions help" -f -a "wait" -d 'Block until tasks end; exit 0 only if all completed'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand help; and not __fish_seen_subcommand_from execute status result list cancel answer ask logs flow wait follow notices notify diff compare review land discard retry priority pause agents resume progress events stats metrics prune worker schedule tui web mcp integrate config doctor completions help" -f -a "follow" -d 'Live progress bars for tasks until they all end; exits with their status'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand help; and not __fish_seen_subcommand_from execute status result list cancel answer ask logs flow wait follow notices notify diff compare review land discard retry priority pause agents resume progress events stats metrics prune worker schedule tui web mcp integrate config doctor completions help" -f -a "notices" -d 'Task endings not seen yet (then marked seen): for a shell prompt or an AI client\'s prompt hook; with --follow, each ending as it happens'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand help; and not __fish_seen_subcommand_from execute status result list cancel answer ask logs flow wait follow notices notify diff compare review land discard retry priority pause agents resume progress events stats metrics prune worker schedule tui web mcp integrate config doctor completions help" -f -a "notify" -d 'Pushed notifications: `notify status` shows deliveries, `secret` and `seal` help set up channels'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand help; and not __fish_seen_subcommand_from execute status result list cancel answer ask logs flow wait follow notices notify diff compare review land discard retry priority pause agents resume progress events stats metrics prune worker schedule tui web mcp integrate config doctor completions help" -f -a "diff" -d 'What a task changed: a worktree task\'s branch and checkout against where it started'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand help; and not __fish_seen_subcommand_from execute status result list cancel answer ask logs flow wait follow notices notify diff compare review land discard retry priority pause agents resume progress events stats metrics prune worker schedule tui web mcp integrate config doctor completions help" -f -a "compare" -d 'Best-of-N attempts side by side: state, check, lines changed, tokens, cost, time'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand help; and not __fish_seen_subcommand_from execute status result list cancel answer ask logs flow wait follow notices notify diff compare review land discard retry priority pause agents resume progress events stats metrics prune worker schedule tui web mcp integrate config doctor completions help" -f -a "review" -d 'Send a worktree task\'s work back to its agent with notes (a follow-up in its worktree)'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand help; and not __fish_seen_subcommand_from execute status result list cancel answer ask logs flow wait follow notices notify diff compare review land discard retry priority pause agents resume progress events stats metrics prune worker schedule tui web mcp integrate config doctor completions help" -f -a "land" -d 'Bring a worktree task\'s work into the branch it started from, in your checkout'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand help; and not __fish_seen_subcommand_from execute status result list cancel answer ask logs flow wait follow notices notify diff compare review land discard retry priority pause agents resume progress events stats metrics prune worker schedule tui web mcp integrate config doctor completions help" -f -a "discard" -d 'Remove a worktree task\'s checkout and branch (its commits stay reachable a while)'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand help; and not __fish_seen_subcommand_from execute status result list cancel answer ask logs flow wait follow notices notify diff compare review land discard retry priority pause agents resume progress events stats metrics prune worker schedule tui web mcp integrate config doctor completions help" -f -a "retry" -d 'Run a finished failed or cancelled task again as a new attempt'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand help; and not __fish_seen_subcommand_from execute status result list cancel answer ask logs flow wait follow notices notify diff compare review land discard retry priority pause agents resume progress events stats metrics prune worker schedule tui web mcp integrate config doctor completions help" -f -a "priority" -d 'Change a pending task\'s priority (1-10)'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand help; and not __fish_seen_subcommand_from execute status result list cancel answer ask logs flow wait follow notices notify diff compare review land discard retry priority pause agents resume progress events stats metrics prune worker schedule tui web mcp integrate config doctor completions help" -f -a "pause" -d 'Stop starting new tasks (running tasks go on)'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand help; and not __fish_seen_subcommand_from execute status result list cancel answer ask logs flow wait follow notices notify diff compare review land discard retry priority pause agents resume progress events stats metrics prune worker schedule tui web mcp integrate config doctor completions help" -f -a "agents" -d 'Agents: installed, load, circuit, capabilities'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand help; and not __fish_seen_subcommand_from execute status result list cancel answer ask logs flow wait follow notices notify diff compare review land discard retry priority pause agents resume progress events stats metrics prune worker schedule tui web mcp integrate config doctor completions help" -f -a "resume" -d 'Without arguments: start admitting tasks again. With ID and PROMPT: continue the agent session of task ID in a new task'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand help; and not __fish_seen_subcommand_from execute status result list cancel answer ask logs flow wait follow notices notify diff compare review land discard retry priority pause agents resume progress events stats metrics prune worker schedule tui web mcp integrate config doctor completions help" -f -a "progress" -d 'Report progress from inside a task: `smart-agents progress 40 "Running tests"`'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand help; and not __fish_seen_subcommand_from execute status result list cancel answer ask logs flow wait follow notices notify diff compare review land discard retry priority pause agents resume progress events stats metrics prune worker schedule tui web mcp integrate config doctor completions help" -f -a "events" -d 'The history of tasks: what happened, when, and who caused it; --follow streams it'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand help; and not __fish_seen_subcommand_from execute status result list cancel answer ask logs flow wait follow notices notify diff compare review land discard retry priority pause agents resume progress events stats metrics prune worker schedule tui web mcp integrate config doctor completions help" -f -a "stats" -d 'Counts, success rate, wait and run times, tokens and cost, overall or --by agent, class, day'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand help; and not __fish_seen_subcommand_from execute status result list cancel answer ask logs flow wait follow notices notify diff compare review land discard retry priority pause agents resume progress events stats metrics prune worker schedule tui web mcp integrate config doctor completions help" -f -a "metrics" -d 'Metrics in the Prometheus text format (the worker also serves them with [metrics] listen)'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand help; and not __fish_seen_subcommand_from execute status result list cancel answer ask logs flow wait follow notices notify diff compare review land discard retry priority pause agents resume progress events stats metrics prune worker schedule tui web mcp integrate config doctor completions help" -f -a "prune" -d 'Remove old finished tasks, their events and log files (running and pending never)'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand help; and not __fish_seen_subcommand_from execute status result list cancel answer ask logs flow wait follow notices notify diff compare review land discard retry priority pause agents resume progress events stats metrics prune worker schedule tui web mcp integrate config doctor completions help" -f -a "worker" -d 'Start, stop or inspect the background worker'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand help; and not __fish_seen_subcommand_from execute status result list cancel answer ask logs flow wait follow notices notify diff compare review land discard retry priority pause agents resume progress events stats metrics prune worker schedule tui web mcp integrate config doctor completions help" -f -a "schedule" -d 'Recurring tasks and flows: add (--cron or --every), list, show, pause, resume, remove, run'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand help; and not __fish_seen_subcommand_from execute status result list cancel answer ask logs flow wait follow notices notify diff compare review land discard retry priority pause agents resume progress events stats metrics prune worker schedule tui web mcp integrate config doctor completions help" -f -a "tui" -d 'Live dashboard: progress, steps, logs; cancel, retry and pause keys'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand help; and not __fish_seen_subcommand_from execute status result list cancel answer ask logs flow wait follow notices notify diff compare review land discard retry priority pause agents resume progress events stats metrics prune worker schedule tui web mcp integrate config doctor completions help" -f -a "web" -d 'Serve the dashboard in a browser (token login, live updates) until stopped'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand help; and not __fish_seen_subcommand_from execute status result list cancel answer ask logs flow wait follow notices notify diff compare review land discard retry priority pause agents resume progress events stats metrics prune worker schedule tui web mcp integrate config doctor completions help" -f -a "mcp" -d 'Serve the tools (execute, status, result, list, logs, cancel, wait, agents) to an MCP client (a coding assistant), over stdin and stdout'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand help; and not __fish_seen_subcommand_from execute status result list cancel answer ask logs flow wait follow notices notify diff compare review land discard retry priority pause agents resume progress events stats metrics prune worker schedule tui web mcp integrate config doctor completions help" -f -a "integrate" -d 'Register the MCP server and the notice hook with an AI client (`integrate --help` lists them)'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand help; and not __fish_seen_subcommand_from execute status result list cancel answer ask logs flow wait follow notices notify diff compare review land discard retry priority pause agents resume progress events stats metrics prune worker schedule tui web mcp integrate config doctor completions help" -f -a "config" -d 'Show, locate or edit config.toml'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand help; and not __fish_seen_subcommand_from execute status result list cancel answer ask logs flow wait follow notices notify diff compare review land discard retry priority pause agents resume progress events stats metrics prune worker schedule tui web mcp integrate config doctor completions help" -f -a "doctor" -d 'Check paths, permissions, the worker, the database, secrets, notifications and agent CLIs'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand help; and not __fish_seen_subcommand_from execute status result list cancel answer ask logs flow wait follow notices notify diff compare review land discard retry priority pause agents resume progress events stats metrics prune worker schedule tui web mcp integrate config doctor completions help" -f -a "completions" -d 'Print the shell completion script: bash, zsh, fish, elvish or powershell'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand help; and not __fish_seen_subcommand_from execute status result list cancel answer ask logs flow wait follow notices notify diff compare review land discard retry priority pause agents resume progress events stats metrics prune worker schedule tui web mcp integrate config doctor completions help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand help; and __fish_seen_subcommand_from flow" -f -a "run" -d 'Check a flow file, queue it, and follow it (or return at once with --async)'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand help; and __fish_seen_subcommand_from flow" -f -a "status" -d 'A flow and its steps'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand help; and __fish_seen_subcommand_from flow" -f -a "list" -d 'Flows, newest first'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand help; and __fish_seen_subcommand_from flow" -f -a "cancel" -d 'Cancel a flow: its unfinished steps are cancelled (nothing is undone)'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand help; and __fish_seen_subcommand_from flow" -f -a "retry" -d 'Run a failed or cancelled flow\'s failed and cancelled steps again'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand help; and __fish_seen_subcommand_from notify" -f -a "status" -d 'Each channel\'s deliveries: sent, waiting (with the last error and the next try), failed'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand help; and __fish_seen_subcommand_from notify" -f -a "secret" -d 'Print a new webhook signing secret (`whsec_` + 32 random bytes in base64)'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand help; and __fish_seen_subcommand_from notify" -f -a "seal" -d 'Seal a channel\'s url, secret or token (read from stdin) for config.toml: prints `sealed:…`'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand help; and __fish_seen_subcommand_from agents" -f -a "show" -d 'One agent in full'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand help; and __fish_seen_subcommand_from agents" -f -a "release" -d 'End the usage-limit or budget hold of an agent\'s account now (its tasks start again)'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand help; and __fish_seen_subcommand_from worker" -f -a "start" -d 'Start a detached worker if none answers'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand help; and __fish_seen_subcommand_from worker" -f -a "stop" -d 'Stop the worker; running tasks go on and the next worker adopts them'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand help; and __fish_seen_subcommand_from worker" -f -a "status" -d 'Is a worker running, and what is it doing'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand help; and __fish_seen_subcommand_from worker" -f -a "run" -d 'Run the worker in the foreground'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand help; and __fish_seen_subcommand_from schedule" -f -a "add" -d 'Make a schedule: `schedule add nightly --cron "0 2 * * *" -- cargo update`'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand help; and __fish_seen_subcommand_from schedule" -f -a "list" -d 'Every schedule: next firing, last run, missed windows, paused'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand help; and __fish_seen_subcommand_from schedule" -f -a "show" -d 'One schedule and every window: what ran, or why it did not'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand help; and __fish_seen_subcommand_from schedule" -f -a "pause" -d 'Fire no more windows until `schedule resume`'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand help; and __fish_seen_subcommand_from schedule" -f -a "resume" -d 'Fire windows again (those passed while paused are not run)'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand help; and __fish_seen_subcommand_from schedule" -f -a "remove" -d 'Delete a schedule (runs it started go on)'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand help; and __fish_seen_subcommand_from schedule" -f -a "run" -d 'Fire now, once, whatever the overlap rule says'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand help; and __fish_seen_subcommand_from config" -f -a "show" -d 'The effective config: every key, its value, and where it came from'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand help; and __fish_seen_subcommand_from config" -f -a "path" -d 'Print the path of config.toml (it may not exist yet)'
complete -c smart-agents -n "__fish_smart_agents_using_subcommand help; and __fish_seen_subcommand_from config" -f -a "edit" -d 'Open config.toml in $EDITOR (else vi) and validate it on save'

# Task ids complete from `smart-agents __complete-ids` (added by smart-agents, not clap_complete).
complete -c smart-agents -n "__fish_smart_agents_using_subcommand execute" -l after -r -f -a "(smart-agents __complete-ids --describe)"
complete -c smart-agents -n "__fish_smart_agents_using_subcommand execute" -l parent -r -f -a "(smart-agents __complete-ids --describe)"
complete -c smart-agents -n "__fish_smart_agents_using_subcommand status" -f -a "(smart-agents __complete-ids --describe)"
complete -c smart-agents -n "__fish_smart_agents_using_subcommand result" -f -a "(smart-agents __complete-ids --describe)"
complete -c smart-agents -n "__fish_smart_agents_using_subcommand cancel" -f -a "(smart-agents __complete-ids --describe)"
complete -c smart-agents -n "__fish_smart_agents_using_subcommand answer" -f -a "(smart-agents __complete-ids --describe)"
complete -c smart-agents -n "__fish_smart_agents_using_subcommand logs" -f -a "(smart-agents __complete-ids --describe)"
complete -c smart-agents -n "__fish_smart_agents_using_subcommand flow; and __fish_seen_subcommand_from status" -f -a "(smart-agents __complete-ids --describe)"
complete -c smart-agents -n "__fish_smart_agents_using_subcommand flow; and __fish_seen_subcommand_from cancel" -f -a "(smart-agents __complete-ids --describe)"
complete -c smart-agents -n "__fish_smart_agents_using_subcommand flow; and __fish_seen_subcommand_from retry" -f -a "(smart-agents __complete-ids --describe)"
complete -c smart-agents -n "__fish_smart_agents_using_subcommand wait" -f -a "(smart-agents __complete-ids --describe)"
complete -c smart-agents -n "__fish_smart_agents_using_subcommand follow" -f -a "(smart-agents __complete-ids --describe)"
complete -c smart-agents -n "__fish_smart_agents_using_subcommand diff" -f -a "(smart-agents __complete-ids --describe)"
complete -c smart-agents -n "__fish_smart_agents_using_subcommand review" -f -a "(smart-agents __complete-ids --describe)"
complete -c smart-agents -n "__fish_smart_agents_using_subcommand land" -f -a "(smart-agents __complete-ids --describe)"
complete -c smart-agents -n "__fish_smart_agents_using_subcommand discard" -f -a "(smart-agents __complete-ids --describe)"
complete -c smart-agents -n "__fish_smart_agents_using_subcommand retry" -f -a "(smart-agents __complete-ids --describe)"
complete -c smart-agents -n "__fish_smart_agents_using_subcommand priority" -f -a "(smart-agents __complete-ids --describe)"
complete -c smart-agents -n "__fish_smart_agents_using_subcommand resume" -f -a "(smart-agents __complete-ids --describe)"
complete -c smart-agents -n "__fish_smart_agents_using_subcommand events" -f -a "(smart-agents __complete-ids --describe)"
complete -c smart-agents -n "__fish_smart_agents_using_subcommand schedule; and __fish_seen_subcommand_from add" -l after -r -f -a "(smart-agents __complete-ids --describe)"
complete -c smart-agents -n "__fish_smart_agents_using_subcommand schedule; and __fish_seen_subcommand_from add" -l parent -r -f -a "(smart-agents __complete-ids --describe)"
