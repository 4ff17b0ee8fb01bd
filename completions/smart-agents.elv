
use builtin;
use str;

set edit:completion:arg-completer[smart-agents] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'smart-agents'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'smart-agents'= {
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand execute 'Queue a task (an agent prompt or `-- COMMAND ARGS`) and follow it, or return at once with --async'
            cand status 'One task''s state, or a summary of the queue'
            cand result 'A finished task''s output, verdict and metrics'
            cand list 'Running, pending and finished tasks, newest first'
            cand cancel 'Cancel tasks: pending ones at once, running ones by signal to their process group'
            cand answer 'Answer a task that waits for you: allow, deny, or the text of an answer'
            cand ask 'From inside a task: wait for a person''s answer to a question, and print it'
            cand logs 'A task''s captured stdout and stderr'
            cand flow 'Workflows: run a plan of several tasks (a TOML flow file) as one, and look after it'
            cand wait 'Block until tasks end; exit 0 only if all completed'
            cand follow 'Live progress bars for tasks until they all end; exits with their status'
            cand notices 'Task endings not seen yet (then marked seen): for a shell prompt or an AI client''s prompt hook; with --follow, each ending as it happens'
            cand notify 'Pushed notifications: `notify status` shows deliveries, `secret` and `seal` help set up channels'
            cand diff 'What a task changed: a worktree task''s branch and checkout against where it started'
            cand compare 'Best-of-N attempts side by side: state, check, lines changed, tokens, cost, time'
            cand review 'Send a worktree task''s work back to its agent with notes (a follow-up in its worktree)'
            cand land 'Bring a worktree task''s work into the branch it started from, in your checkout'
            cand discard 'Remove a worktree task''s checkout and branch (its commits stay reachable a while)'
            cand retry 'Run a finished failed or cancelled task again as a new attempt'
            cand priority 'Change a pending task''s priority (1-10)'
            cand pause 'Stop starting new tasks (running tasks go on)'
            cand agents 'Agents: installed, load, circuit, capabilities'
            cand resume 'Without arguments: start admitting tasks again. With ID and PROMPT: continue the agent session of task ID in a new task'
            cand progress 'Report progress from inside a task: `smart-agents progress 40 "Running tests"`'
            cand events 'The history of tasks: what happened, when, and who caused it; --follow streams it'
            cand stats 'Counts, success rate, wait and run times, tokens and cost, overall or --by agent, class, day'
            cand metrics 'Metrics in the Prometheus text format (the worker also serves them with [metrics] listen)'
            cand prune 'Remove old finished tasks, their events and log files (running and pending never)'
            cand worker 'Start, stop or inspect the background worker'
            cand schedule 'Recurring tasks and flows: add (--cron or --every), list, show, pause, resume, remove, run'
            cand tui 'Live dashboard: progress, steps, logs; cancel, retry and pause keys'
            cand web 'Serve the dashboard in a browser (token login, live updates) until stopped'
            cand mcp 'Serve the tools (execute, status, result, list, logs, cancel, wait, agents) to an MCP client (a coding assistant), over stdin and stdout'
            cand integrate 'Register the MCP server and the notice hook with an AI client (`integrate --help` lists them)'
            cand config 'Show, locate or edit config.toml'
            cand doctor 'Check paths, permissions, the worker, the database, secrets, notifications and agent CLIs'
            cand completions 'Print the shell completion script: bash, zsh, fish, elvish or powershell'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'smart-agents;execute'= {
            cand --agent 'Agent to run the task (`shell` runs the command after `--`)'
            cand --priority '1 (lowest) to 10 (highest)'
            cand --class 'Resource class, capped separately (e.g. e2e, build)'
            cand --cwd 'Working folder (default: this one)'
            cand --timeout 'Fail the task if it runs longer (90s, 10m, 1h30m)'
            cand --needs-timeout 'Deny a question nobody answered within this time (default: `needs_timeout` in config, else wait until answered). Time spent waiting never counts toward --timeout'
            cand --retries 'Run again this many times after a failure, with backoff'
            cand --after 'Start only after this task completed (repeatable)'
            cand --delay 'Do not start before this delay has passed (90s, 10m)'
            cand --at 'Do not start before this time: RFC 3339 or local HH:MM (the next one to come)'
            cand --mem 'Expected memory of the task (512M, 2G), counted against the memory gate as it starts'
            cand --on 'Where it runs: local (this machine) or slurm (a job on the configured cluster)'
            cand --cpus 'Expected cores the task keeps busy (1, 2, 0.5), counted against the CPU gate as it starts'
            cand --capability 'Route to an installed, healthy, least-loaded agent with this capability'
            cand --autonomy 'What an agent may do on its own: read-only, edit (default: change files in its folder) or full (anything, no sandbox); overrides the agent profile''s `autonomy`'
            cand --max-cost 'Cost budget of the run in USD: an agent CLI with a spend cap of its own gets it; other agents are ended once their reported cost goes past it. The task fails naming the budget'
            cand --notify 'Desktop notifications for this task: silent, completion, milestone or verbose (default: `[notifications] strategy` in config.toml)'
            cand --sandbox 'Run walled in with bubblewrap: only its folder writable, secrets hidden, private /tmp and /proc (docs/sandbox.md); PROFILE is a `[sandbox.profiles.NAME]` (default: default)'
            cand --network 'Sandbox network: none, allow (only --allow-host, through a proxy) or open (implies --sandbox)'
            cand --allow-host 'A HOST[:PORT] a sandboxed task may reach (port 443 by default; repeatable; implies --sandbox)'
            cand --pids-limit 'At most N processes inside the sandbox (implies --sandbox)'
            cand --parent 'The task this one is a child of (default: the task this runs inside, if any)'
            cand --attempts 'Best-of-N: run the prompt this many times, each in its own worktree, as one group'
            cand --agents 'Best-of-N: one attempt per agent (`--agents NAME,NAME,...`)'
            cand --async 'Print the task id and return at once'
            cand --mem-limit 'End the task if its process tree goes past --mem (SIGTERM, then SIGKILL after the grace)'
            cand --worktree 'Run in a new git worktree on branch smart-agents/ID (kept after the task)'
            cand --json 'Machine-readable output'
            cand -q 'No progress bar and no result text: only the exit code (with --async, only the id)'
            cand --quiet 'No progress bar and no result text: only the exit code (with --async, only the id)'
            cand --check 'With --attempts or --agents: the command after `--` checks each attempt in its worktree'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'smart-agents;status'= {
            cand --json 'Machine-readable output'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'smart-agents;result'= {
            cand --json 'Machine-readable output'
            cand --wait 'Wait for the task to finish instead of failing at once'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'smart-agents;list'= {
            cand --state 'Only tasks in this state (repeatable): pending, running, completed, failed, cancelled'
            cand --limit 'At most this many tasks; a last line says how many more there are'
            cand --all 'Every task, however many'
            cand --json 'Machine-readable output: an array of task objects as in `status --json`'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'smart-agents;cancel'= {
            cand --no-wait 'Return once signalled instead of waiting for running tasks to end'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'smart-agents;answer'= {
            cand --always 'Remember the rule the question names (`Bash(npm test:*)`) for the rest of the task and its follow-ups: an allow that is not asked again'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'smart-agents;ask'= {
            cand --option 'A suggested answer (repeat for more); any text is accepted'
            cand --task 'The task (default: $SMART_AGENTS_TASK_ID, set by the worker)'
            cand --permission 'Ask for permission (allow or deny) instead of an answer in words'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'smart-agents;logs'= {
            cand --tail 'Only the last N lines'
            cand -f 'Keep printing new output until the task ends'
            cand --follow 'Keep printing new output until the task ends'
            cand --raw 'The log exactly as printed, secret values included (masked as `[secret NAME]` otherwise)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'smart-agents;flow'= {
            cand -h 'Print help'
            cand --help 'Print help'
            cand run 'Check a flow file, queue it, and follow it (or return at once with --async)'
            cand status 'A flow and its steps'
            cand list 'Flows, newest first'
            cand cancel 'Cancel a flow: its unfinished steps are cancelled (nothing is undone)'
            cand retry 'Run a failed or cancelled flow''s failed and cancelled steps again'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'smart-agents;flow;run'= {
            cand --var 'Set a variable for {{vars.NAME}} (repeatable; overrides [vars])'
            cand --cwd 'Working folder of the steps (default: this one)'
            cand --async 'Print the flow id and return at once'
            cand --json 'Machine-readable output'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'smart-agents;flow;status'= {
            cand --json 'Machine-readable output'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'smart-agents;flow;list'= {
            cand --limit 'At most this many flows'
            cand --json 'Machine-readable output: an array of flow objects as in `flow status --json`'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'smart-agents;flow;cancel'= {
            cand --json 'Machine-readable output'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'smart-agents;flow;retry'= {
            cand --json 'Machine-readable output'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'smart-agents;flow;help'= {
            cand run 'Check a flow file, queue it, and follow it (or return at once with --async)'
            cand status 'A flow and its steps'
            cand list 'Flows, newest first'
            cand cancel 'Cancel a flow: its unfinished steps are cancelled (nothing is undone)'
            cand retry 'Run a failed or cancelled flow''s failed and cancelled steps again'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'smart-agents;flow;help;run'= {
        }
        &'smart-agents;flow;help;status'= {
        }
        &'smart-agents;flow;help;list'= {
        }
        &'smart-agents;flow;help;cancel'= {
        }
        &'smart-agents;flow;help;retry'= {
        }
        &'smart-agents;flow;help;help'= {
        }
        &'smart-agents;wait'= {
            cand --timeout 'Give up after this long (exit 5)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'smart-agents;follow'= {
            cand --json 'Print the final states as JSON instead of a line per task'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'smart-agents;notices'= {
            cand --json 'Print the finished tasks as a JSON array (`[]` when nothing is new); with --follow, one JSON object a line'
            cand -f 'Keep running and print each ending as it happens (starts the worker if none runs)'
            cand --follow 'Keep running and print each ending as it happens (starts the worker if none runs)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'smart-agents;notify'= {
            cand -h 'Print help'
            cand --help 'Print help'
            cand status 'Each channel''s deliveries: sent, waiting (with the last error and the next try), failed'
            cand secret 'Print a new webhook signing secret (`whsec_` + 32 random bytes in base64)'
            cand seal 'Seal a channel''s url, secret or token (read from stdin) for config.toml: prints `sealed:…`'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'smart-agents;notify;status'= {
            cand --last 'How many of the latest deliveries to list'
            cand --json 'Print JSON: `{"channels": [...], "deliveries": [...]}`'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'smart-agents;notify;secret'= {
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'smart-agents;notify;seal'= {
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'smart-agents;notify;help'= {
            cand status 'Each channel''s deliveries: sent, waiting (with the last error and the next try), failed'
            cand secret 'Print a new webhook signing secret (`whsec_` + 32 random bytes in base64)'
            cand seal 'Seal a channel''s url, secret or token (read from stdin) for config.toml: prints `sealed:…`'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'smart-agents;notify;help;status'= {
        }
        &'smart-agents;notify;help;secret'= {
        }
        &'smart-agents;notify;help;seal'= {
        }
        &'smart-agents;notify;help;help'= {
        }
        &'smart-agents;diff'= {
            cand --stat 'Files with lines added and removed, and the total'
            cand --name-only 'Only the names of the changed files'
            cand --json 'Machine-readable: {"id", "base", "files": [{"path", "status", "insertions", "deletions", "binary"}], "patch"}'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'smart-agents;compare'= {
            cand --json 'json'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'smart-agents;review'= {
            cand --note 'A note on one line of the change: `--note src/x.rs:12 "handle the empty case"`'
            cand --follow 'Follow the follow-up task to its end (by default print its id and return)'
            cand --json 'json'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'smart-agents;land'= {
            cand --into 'The branch to land into (default: the branch the task started from)'
            cand -m 'The message of the commit a squash or merge makes'
            cand --message 'The message of the commit a squash or merge makes'
            cand --squash 'One commit with all of the work'
            cand --merge 'Always a merge commit (by default a fast-forward when the base has not moved on)'
            cand --rebase 'Replay the task''s commits on top of the base'
            cand --keep 'Keep the worktree (and its branch) after landing'
            cand --pr 'Push the branch and open a pull request with `gh` instead of landing here'
            cand --json 'json'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'smart-agents;discard'= {
            cand --force 'Discard even commits no other branch has (they stay reachable as refs/smart-agents/discarded/ID for [worktree] keep_discarded days)'
            cand --json 'json'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'smart-agents;retry'= {
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'smart-agents;priority'= {
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'smart-agents;pause'= {
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'smart-agents;agents'= {
            cand --json 'Machine-readable output'
            cand -h 'Print help'
            cand --help 'Print help'
            cand show 'One agent in full'
            cand release 'End the usage-limit or budget hold of an agent''s account now (its tasks start again)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'smart-agents;agents;show'= {
            cand --json 'json'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'smart-agents;agents;release'= {
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'smart-agents;agents;help'= {
            cand show 'One agent in full'
            cand release 'End the usage-limit or budget hold of an agent''s account now (its tasks start again)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'smart-agents;agents;help;show'= {
        }
        &'smart-agents;agents;help;release'= {
        }
        &'smart-agents;agents;help;help'= {
        }
        &'smart-agents;resume'= {
            cand --async 'Print the new task''s id and return at once'
            cand --json 'Machine-readable output'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'smart-agents;progress'= {
            cand --task 'The task (default: $SMART_AGENTS_TASK_ID, set by the worker)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'smart-agents;events'= {
            cand --since 'Only events from this long ago on: 30m, 2h, 7d'
            cand --kind 'Only events of this kind (repeatable)'
            cand --follow 'Keep printing new events as they happen (the worker pushes them; Ctrl-C to stop)'
            cand --json 'One JSON object per line: seq, at, task, kind, data, uid, client, pid, cwd'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'smart-agents;stats'= {
            cand --since 'Only tasks that ended this long ago or later (pending and running always count): 7d'
            cand --by 'One line per agent, class, day (local) or executor, under the total'
            cand --json 'Machine-readable output'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'smart-agents;metrics'= {
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'smart-agents;prune'= {
            cand --older-than 'Remove finished tasks that ended longer ago than this (default: [history] keep_days)'
            cand --dry-run 'Only say what would go'
            cand --json 'Machine-readable output'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'smart-agents;worker'= {
            cand -h 'Print help'
            cand --help 'Print help'
            cand start 'Start a detached worker if none answers'
            cand stop 'Stop the worker; running tasks go on and the next worker adopts them'
            cand status 'Is a worker running, and what is it doing'
            cand run 'Run the worker in the foreground'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'smart-agents;worker;start'= {
            cand -q 'Print nothing; the exit code says whether a worker answers'
            cand --quiet 'Print nothing; the exit code says whether a worker answers'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'smart-agents;worker;stop'= {
            cand --kill 'Cancel running tasks first'
            cand -q 'Print nothing'
            cand --quiet 'Print nothing'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'smart-agents;worker;status'= {
            cand --json 'json'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'smart-agents;worker;run'= {
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'smart-agents;worker;help'= {
            cand start 'Start a detached worker if none answers'
            cand stop 'Stop the worker; running tasks go on and the next worker adopts them'
            cand status 'Is a worker running, and what is it doing'
            cand run 'Run the worker in the foreground'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'smart-agents;worker;help;start'= {
        }
        &'smart-agents;worker;help;stop'= {
        }
        &'smart-agents;worker;help;status'= {
        }
        &'smart-agents;worker;help;run'= {
        }
        &'smart-agents;worker;help;help'= {
        }
        &'smart-agents;schedule'= {
            cand -h 'Print help'
            cand --help 'Print help'
            cand add 'Make a schedule: `schedule add nightly --cron "0 2 * * *" -- cargo update`'
            cand list 'Every schedule: next firing, last run, missed windows, paused'
            cand show 'One schedule and every window: what ran, or why it did not'
            cand pause 'Fire no more windows until `schedule resume`'
            cand resume 'Fire windows again (those passed while paused are not run)'
            cand remove 'Delete a schedule (runs it started go on)'
            cand run 'Fire now, once, whatever the overlap rule says'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'smart-agents;schedule;add'= {
            cand --cron 'A cron expression: 5 fields (minute hour day month weekday) or 6 with seconds first'
            cand --tz 'The IANA zone of --cron (default: this machine''s)'
            cand --every 'A fixed interval instead: 2s, 10m, 1h'
            cand --catch-up 'Windows missed while the worker was down or the machine asleep: skip, once or all'
            cand --overlap 'A window while the last run still goes: skip, queue or allow'
            cand --max-runs-per-day 'Pause until tomorrow once this many runs started today'
            cand --max-cost-per-day 'Pause until tomorrow once the schedule''s runs cost this much today (checked at each firing)'
            cand --flow 'Run this flow file at each window instead of a task (read now)'
            cand --var 'A flow variable (repeatable)'
            cand --agent 'Agent to run the task (`shell` runs the command after `--`)'
            cand --priority '1 (lowest) to 10 (highest)'
            cand --class 'Resource class, capped separately (e.g. e2e, build)'
            cand --cwd 'Working folder (default: this one)'
            cand --timeout 'Fail the task if it runs longer (90s, 10m, 1h30m)'
            cand --needs-timeout 'Deny a question nobody answered within this time (default: `needs_timeout` in config, else wait until answered). Time spent waiting never counts toward --timeout'
            cand --retries 'Run again this many times after a failure, with backoff'
            cand --after 'Start only after this task completed (repeatable)'
            cand --delay 'Do not start before this delay has passed (90s, 10m)'
            cand --at 'Do not start before this time: RFC 3339 or local HH:MM (the next one to come)'
            cand --mem 'Expected memory of the task (512M, 2G), counted against the memory gate as it starts'
            cand --on 'Where it runs: local (this machine) or slurm (a job on the configured cluster)'
            cand --cpus 'Expected cores the task keeps busy (1, 2, 0.5), counted against the CPU gate as it starts'
            cand --capability 'Route to an installed, healthy, least-loaded agent with this capability'
            cand --autonomy 'What an agent may do on its own: read-only, edit (default: change files in its folder) or full (anything, no sandbox); overrides the agent profile''s `autonomy`'
            cand --max-cost 'Cost budget of the run in USD: an agent CLI with a spend cap of its own gets it; other agents are ended once their reported cost goes past it. The task fails naming the budget'
            cand --notify 'Desktop notifications for this task: silent, completion, milestone or verbose (default: `[notifications] strategy` in config.toml)'
            cand --sandbox 'Run walled in with bubblewrap: only its folder writable, secrets hidden, private /tmp and /proc (docs/sandbox.md); PROFILE is a `[sandbox.profiles.NAME]` (default: default)'
            cand --network 'Sandbox network: none, allow (only --allow-host, through a proxy) or open (implies --sandbox)'
            cand --allow-host 'A HOST[:PORT] a sandboxed task may reach (port 443 by default; repeatable; implies --sandbox)'
            cand --pids-limit 'At most N processes inside the sandbox (implies --sandbox)'
            cand --parent 'The task this one is a child of (default: the task this runs inside, if any)'
            cand --attempts 'Best-of-N: run the prompt this many times, each in its own worktree, as one group'
            cand --agents 'Best-of-N: one attempt per agent (`--agents NAME,NAME,...`)'
            cand --async 'Print the task id and return at once'
            cand --mem-limit 'End the task if its process tree goes past --mem (SIGTERM, then SIGKILL after the grace)'
            cand --worktree 'Run in a new git worktree on branch smart-agents/ID (kept after the task)'
            cand --json 'Machine-readable output'
            cand -q 'No progress bar and no result text: only the exit code (with --async, only the id)'
            cand --quiet 'No progress bar and no result text: only the exit code (with --async, only the id)'
            cand --check 'With --attempts or --agents: the command after `--` checks each attempt in its worktree'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'smart-agents;schedule;list'= {
            cand --json 'Machine-readable output'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'smart-agents;schedule;show'= {
            cand --json 'Machine-readable output'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'smart-agents;schedule;pause'= {
            cand --json 'Machine-readable output'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'smart-agents;schedule;resume'= {
            cand --json 'Machine-readable output'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'smart-agents;schedule;remove'= {
            cand --json 'Machine-readable output'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'smart-agents;schedule;run'= {
            cand --json 'Machine-readable output'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'smart-agents;schedule;help'= {
            cand add 'Make a schedule: `schedule add nightly --cron "0 2 * * *" -- cargo update`'
            cand list 'Every schedule: next firing, last run, missed windows, paused'
            cand show 'One schedule and every window: what ran, or why it did not'
            cand pause 'Fire no more windows until `schedule resume`'
            cand resume 'Fire windows again (those passed while paused are not run)'
            cand remove 'Delete a schedule (runs it started go on)'
            cand run 'Fire now, once, whatever the overlap rule says'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'smart-agents;schedule;help;add'= {
        }
        &'smart-agents;schedule;help;list'= {
        }
        &'smart-agents;schedule;help;show'= {
        }
        &'smart-agents;schedule;help;pause'= {
        }
        &'smart-agents;schedule;help;resume'= {
        }
        &'smart-agents;schedule;help;remove'= {
        }
        &'smart-agents;schedule;help;run'= {
        }
        &'smart-agents;schedule;help;help'= {
        }
        &'smart-agents;tui'= {
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'smart-agents;web'= {
            cand --listen 'Address and port to serve on; loopback unless told (another address needs --token-file)'
            cand --token-file 'The access token, read from this file (its first line); without it a token is made and kept in a 0600 file in the data folder, and printed as a login URL'
            cand --read-only 'Show tasks only: every action (cancel) is hidden and refused'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'smart-agents;mcp'= {
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'smart-agents;integrate'= {
            cand --project 'For this project only: `.mcp.json` and `.claude/settings.json` in the current folder'
            cand --user 'For every project of this user: `~/.claude.json` and `~/.claude/settings.json` (default)'
            cand --dry-run 'Print what would change and change nothing'
            cand --uninstall 'Remove what `integrate` added'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'smart-agents;config'= {
            cand -h 'Print help'
            cand --help 'Print help'
            cand show 'The effective config: every key, its value, and where it came from'
            cand path 'Print the path of config.toml (it may not exist yet)'
            cand edit 'Open config.toml in $EDITOR (else vi) and validate it on save'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'smart-agents;config;show'= {
            cand --json 'Machine-readable output'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'smart-agents;config;path'= {
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'smart-agents;config;edit'= {
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'smart-agents;config;help'= {
            cand show 'The effective config: every key, its value, and where it came from'
            cand path 'Print the path of config.toml (it may not exist yet)'
            cand edit 'Open config.toml in $EDITOR (else vi) and validate it on save'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'smart-agents;config;help;show'= {
        }
        &'smart-agents;config;help;path'= {
        }
        &'smart-agents;config;help;edit'= {
        }
        &'smart-agents;config;help;help'= {
        }
        &'smart-agents;doctor'= {
            cand --json 'Machine-readable output'
            cand --fix 'Repair what can be repaired: seal secret values an older version stored in plain text'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'smart-agents;completions'= {
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'smart-agents;help'= {
            cand execute 'Queue a task (an agent prompt or `-- COMMAND ARGS`) and follow it, or return at once with --async'
            cand status 'One task''s state, or a summary of the queue'
            cand result 'A finished task''s output, verdict and metrics'
            cand list 'Running, pending and finished tasks, newest first'
            cand cancel 'Cancel tasks: pending ones at once, running ones by signal to their process group'
            cand answer 'Answer a task that waits for you: allow, deny, or the text of an answer'
            cand ask 'From inside a task: wait for a person''s answer to a question, and print it'
            cand logs 'A task''s captured stdout and stderr'
            cand flow 'Workflows: run a plan of several tasks (a TOML flow file) as one, and look after it'
            cand wait 'Block until tasks end; exit 0 only if all completed'
            cand follow 'Live progress bars for tasks until they all end; exits with their status'
            cand notices 'Task endings not seen yet (then marked seen): for a shell prompt or an AI client''s prompt hook; with --follow, each ending as it happens'
            cand notify 'Pushed notifications: `notify status` shows deliveries, `secret` and `seal` help set up channels'
            cand diff 'What a task changed: a worktree task''s branch and checkout against where it started'
            cand compare 'Best-of-N attempts side by side: state, check, lines changed, tokens, cost, time'
            cand review 'Send a worktree task''s work back to its agent with notes (a follow-up in its worktree)'
            cand land 'Bring a worktree task''s work into the branch it started from, in your checkout'
            cand discard 'Remove a worktree task''s checkout and branch (its commits stay reachable a while)'
            cand retry 'Run a finished failed or cancelled task again as a new attempt'
            cand priority 'Change a pending task''s priority (1-10)'
            cand pause 'Stop starting new tasks (running tasks go on)'
            cand agents 'Agents: installed, load, circuit, capabilities'
            cand resume 'Without arguments: start admitting tasks again. With ID and PROMPT: continue the agent session of task ID in a new task'
            cand progress 'Report progress from inside a task: `smart-agents progress 40 "Running tests"`'
            cand events 'The history of tasks: what happened, when, and who caused it; --follow streams it'
            cand stats 'Counts, success rate, wait and run times, tokens and cost, overall or --by agent, class, day'
            cand metrics 'Metrics in the Prometheus text format (the worker also serves them with [metrics] listen)'
            cand prune 'Remove old finished tasks, their events and log files (running and pending never)'
            cand worker 'Start, stop or inspect the background worker'
            cand schedule 'Recurring tasks and flows: add (--cron or --every), list, show, pause, resume, remove, run'
            cand tui 'Live dashboard: progress, steps, logs; cancel, retry and pause keys'
            cand web 'Serve the dashboard in a browser (token login, live updates) until stopped'
            cand mcp 'Serve the tools (execute, status, result, list, logs, cancel, wait, agents) to an MCP client (a coding assistant), over stdin and stdout'
            cand integrate 'Register the MCP server and the notice hook with an AI client (`integrate --help` lists them)'
            cand config 'Show, locate or edit config.toml'
            cand doctor 'Check paths, permissions, the worker, the database, secrets, notifications and agent CLIs'
            cand completions 'Print the shell completion script: bash, zsh, fish, elvish or powershell'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'smart-agents;help;execute'= {
        }
        &'smart-agents;help;status'= {
        }
        &'smart-agents;help;result'= {
        }
        &'smart-agents;help;list'= {
        }
        &'smart-agents;help;cancel'= {
        }
        &'smart-agents;help;answer'= {
        }
        &'smart-agents;help;ask'= {
        }
        &'smart-agents;help;logs'= {
        }
        &'smart-agents;help;flow'= {
            cand run 'Check a flow file, queue it, and follow it (or return at once with --async)'
            cand status 'A flow and its steps'
            cand list 'Flows, newest first'
            cand cancel 'Cancel a flow: its unfinished steps are cancelled (nothing is undone)'
            cand retry 'Run a failed or cancelled flow''s failed and cancelled steps again'
        }
        &'smart-agents;help;flow;run'= {
        }
        &'smart-agents;help;flow;status'= {
        }
        &'smart-agents;help;flow;list'= {
        }
        &'smart-agents;help;flow;cancel'= {
        }
        &'smart-agents;help;flow;retry'= {
        }
        &'smart-agents;help;wait'= {
        }
        &'smart-agents;help;follow'= {
        }
        &'smart-agents;help;notices'= {
        }
        &'smart-agents;help;notify'= {
            cand status 'Each channel''s deliveries: sent, waiting (with the last error and the next try), failed'
            cand secret 'Print a new webhook signing secret (`whsec_` + 32 random bytes in base64)'
            cand seal 'Seal a channel''s url, secret or token (read from stdin) for config.toml: prints `sealed:…`'
        }
        &'smart-agents;help;notify;status'= {
        }
        &'smart-agents;help;notify;secret'= {
        }
        &'smart-agents;help;notify;seal'= {
        }
        &'smart-agents;help;diff'= {
        }
        &'smart-agents;help;compare'= {
        }
        &'smart-agents;help;review'= {
        }
        &'smart-agents;help;land'= {
        }
        &'smart-agents;help;discard'= {
        }
        &'smart-agents;help;retry'= {
        }
        &'smart-agents;help;priority'= {
        }
        &'smart-agents;help;pause'= {
        }
        &'smart-agents;help;agents'= {
            cand show 'One agent in full'
            cand release 'End the usage-limit or budget hold of an agent''s account now (its tasks start again)'
        }
        &'smart-agents;help;agents;show'= {
        }
        &'smart-agents;help;agents;release'= {
        }
        &'smart-agents;help;resume'= {
        }
        &'smart-agents;help;progress'= {
        }
        &'smart-agents;help;events'= {
        }
        &'smart-agents;help;stats'= {
        }
        &'smart-agents;help;metrics'= {
        }
        &'smart-agents;help;prune'= {
        }
        &'smart-agents;help;worker'= {
            cand start 'Start a detached worker if none answers'
            cand stop 'Stop the worker; running tasks go on and the next worker adopts them'
            cand status 'Is a worker running, and what is it doing'
            cand run 'Run the worker in the foreground'
        }
        &'smart-agents;help;worker;start'= {
        }
        &'smart-agents;help;worker;stop'= {
        }
        &'smart-agents;help;worker;status'= {
        }
        &'smart-agents;help;worker;run'= {
        }
        &'smart-agents;help;schedule'= {
            cand add 'Make a schedule: `schedule add nightly --cron "0 2 * * *" -- cargo update`'
            cand list 'Every schedule: next firing, last run, missed windows, paused'
            cand show 'One schedule and every window: what ran, or why it did not'
            cand pause 'Fire no more windows until `schedule resume`'
            cand resume 'Fire windows again (those passed while paused are not run)'
            cand remove 'Delete a schedule (runs it started go on)'
            cand run 'Fire now, once, whatever the overlap rule says'
        }
        &'smart-agents;help;schedule;add'= {
        }
        &'smart-agents;help;schedule;list'= {
        }
        &'smart-agents;help;schedule;show'= {
        }
        &'smart-agents;help;schedule;pause'= {
        }
        &'smart-agents;help;schedule;resume'= {
        }
        &'smart-agents;help;schedule;remove'= {
        }
        &'smart-agents;help;schedule;run'= {
        }
        &'smart-agents;help;tui'= {
        }
        &'smart-agents;help;web'= {
        }
        &'smart-agents;help;mcp'= {
        }
        &'smart-agents;help;integrate'= {
        }
        &'smart-agents;help;config'= {
            cand show 'The effective config: every key, its value, and where it came from'
            cand path 'Print the path of config.toml (it may not exist yet)'
            cand edit 'Open config.toml in $EDITOR (else vi) and validate it on save'
        }
        &'smart-agents;help;config;show'= {
        }
        &'smart-agents;help;config;path'= {
        }
        &'smart-agents;help;config;edit'= {
        }
        &'smart-agents;help;doctor'= {
        }
        &'smart-agents;help;completions'= {
        }
        &'smart-agents;help;help'= {
        }
    ]
    $completions[$command]
}
