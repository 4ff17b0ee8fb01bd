
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'smart-agents' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'smart-agents'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'smart-agents' {
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('execute', 'execute', [CompletionResultType]::ParameterValue, 'Queue a task (an agent prompt or `-- COMMAND ARGS`) and follow it, or return at once with --async')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'One task''s state, or a summary of the queue')
            [CompletionResult]::new('result', 'result', [CompletionResultType]::ParameterValue, 'A finished task''s output, verdict and metrics')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'Running, pending and finished tasks, newest first')
            [CompletionResult]::new('cancel', 'cancel', [CompletionResultType]::ParameterValue, 'Cancel tasks: pending ones at once, running ones by signal to their process group')
            [CompletionResult]::new('answer', 'answer', [CompletionResultType]::ParameterValue, 'Answer a task that waits for you: allow, deny, or the text of an answer')
            [CompletionResult]::new('ask', 'ask', [CompletionResultType]::ParameterValue, 'From inside a task: wait for a person''s answer to a question, and print it')
            [CompletionResult]::new('logs', 'logs', [CompletionResultType]::ParameterValue, 'A task''s captured stdout and stderr')
            [CompletionResult]::new('flow', 'flow', [CompletionResultType]::ParameterValue, 'Workflows: run a plan of several tasks (a TOML flow file) as one, and look after it')
            [CompletionResult]::new('wait', 'wait', [CompletionResultType]::ParameterValue, 'Block until tasks end; exit 0 only if all completed')
            [CompletionResult]::new('follow', 'follow', [CompletionResultType]::ParameterValue, 'Live progress bars for tasks until they all end; exits with their status')
            [CompletionResult]::new('notices', 'notices', [CompletionResultType]::ParameterValue, 'Task endings not seen yet (then marked seen): for a shell prompt or an AI client''s prompt hook; with --follow, each ending as it happens')
            [CompletionResult]::new('notify', 'notify', [CompletionResultType]::ParameterValue, 'Pushed notifications: `notify status` shows deliveries, `secret` and `seal` help set up channels')
            [CompletionResult]::new('diff', 'diff', [CompletionResultType]::ParameterValue, 'What a task changed: a worktree task''s branch and checkout against where it started')
            [CompletionResult]::new('compare', 'compare', [CompletionResultType]::ParameterValue, 'Best-of-N attempts side by side: state, check, lines changed, tokens, cost, time')
            [CompletionResult]::new('review', 'review', [CompletionResultType]::ParameterValue, 'Send a worktree task''s work back to its agent with notes (a follow-up in its worktree)')
            [CompletionResult]::new('land', 'land', [CompletionResultType]::ParameterValue, 'Bring a worktree task''s work into the branch it started from, in your checkout')
            [CompletionResult]::new('discard', 'discard', [CompletionResultType]::ParameterValue, 'Remove a worktree task''s checkout and branch (its commits stay reachable a while)')
            [CompletionResult]::new('retry', 'retry', [CompletionResultType]::ParameterValue, 'Run a finished failed or cancelled task again as a new attempt')
            [CompletionResult]::new('priority', 'priority', [CompletionResultType]::ParameterValue, 'Change a pending task''s priority (1-10)')
            [CompletionResult]::new('pause', 'pause', [CompletionResultType]::ParameterValue, 'Stop starting new tasks (running tasks go on)')
            [CompletionResult]::new('agents', 'agents', [CompletionResultType]::ParameterValue, 'Agents: installed, load, circuit, capabilities')
            [CompletionResult]::new('resume', 'resume', [CompletionResultType]::ParameterValue, 'Without arguments: start admitting tasks again. With ID and PROMPT: continue the agent session of task ID in a new task')
            [CompletionResult]::new('progress', 'progress', [CompletionResultType]::ParameterValue, 'Report progress from inside a task: `smart-agents progress 40 "Running tests"`')
            [CompletionResult]::new('events', 'events', [CompletionResultType]::ParameterValue, 'The history of tasks: what happened, when, and who caused it; --follow streams it')
            [CompletionResult]::new('stats', 'stats', [CompletionResultType]::ParameterValue, 'Counts, success rate, wait and run times, tokens and cost, overall or --by agent, class, day')
            [CompletionResult]::new('metrics', 'metrics', [CompletionResultType]::ParameterValue, 'Metrics in the Prometheus text format (the worker also serves them with [metrics] listen)')
            [CompletionResult]::new('prune', 'prune', [CompletionResultType]::ParameterValue, 'Remove old finished tasks, their events and log files (running and pending never)')
            [CompletionResult]::new('worker', 'worker', [CompletionResultType]::ParameterValue, 'Start, stop or inspect the background worker')
            [CompletionResult]::new('schedule', 'schedule', [CompletionResultType]::ParameterValue, 'Recurring tasks and flows: add (--cron or --every), list, show, pause, resume, remove, run')
            [CompletionResult]::new('tui', 'tui', [CompletionResultType]::ParameterValue, 'Live dashboard: progress, steps, logs; cancel, retry and pause keys')
            [CompletionResult]::new('web', 'web', [CompletionResultType]::ParameterValue, 'Serve the dashboard in a browser (token login, live updates) until stopped')
            [CompletionResult]::new('mcp', 'mcp', [CompletionResultType]::ParameterValue, 'Serve the tools (execute, status, result, list, logs, cancel, wait, agents) to an MCP client (a coding assistant), over stdin and stdout')
            [CompletionResult]::new('integrate', 'integrate', [CompletionResultType]::ParameterValue, 'Register the MCP server and the notice hook with an AI client (`integrate --help` lists them)')
            [CompletionResult]::new('config', 'config', [CompletionResultType]::ParameterValue, 'Show, locate or edit config.toml')
            [CompletionResult]::new('doctor', 'doctor', [CompletionResultType]::ParameterValue, 'Check paths, permissions, the worker, the database, secrets, notifications and agent CLIs')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print the shell completion script: bash, zsh, fish, elvish or powershell')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'smart-agents;execute' {
            [CompletionResult]::new('--agent', '--agent', [CompletionResultType]::ParameterName, 'Agent to run the task (`shell` runs the command after `--`)')
            [CompletionResult]::new('--priority', '--priority', [CompletionResultType]::ParameterName, '1 (lowest) to 10 (highest)')
            [CompletionResult]::new('--class', '--class', [CompletionResultType]::ParameterName, 'Resource class, capped separately (e.g. e2e, build)')
            [CompletionResult]::new('--cwd', '--cwd', [CompletionResultType]::ParameterName, 'Working folder (default: this one)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Fail the task if it runs longer (90s, 10m, 1h30m)')
            [CompletionResult]::new('--needs-timeout', '--needs-timeout', [CompletionResultType]::ParameterName, 'Deny a question nobody answered within this time (default: `needs_timeout` in config, else wait until answered). Time spent waiting never counts toward --timeout')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'Run again this many times after a failure, with backoff')
            [CompletionResult]::new('--after', '--after', [CompletionResultType]::ParameterName, 'Start only after this task completed (repeatable)')
            [CompletionResult]::new('--delay', '--delay', [CompletionResultType]::ParameterName, 'Do not start before this delay has passed (90s, 10m)')
            [CompletionResult]::new('--at', '--at', [CompletionResultType]::ParameterName, 'Do not start before this time: RFC 3339 or local HH:MM (the next one to come)')
            [CompletionResult]::new('--mem', '--mem', [CompletionResultType]::ParameterName, 'Expected memory of the task (512M, 2G), counted against the memory gate as it starts')
            [CompletionResult]::new('--on', '--on', [CompletionResultType]::ParameterName, 'Where it runs: local (this machine) or slurm (a job on the configured cluster)')
            [CompletionResult]::new('--cpus', '--cpus', [CompletionResultType]::ParameterName, 'Expected cores the task keeps busy (1, 2, 0.5), counted against the CPU gate as it starts')
            [CompletionResult]::new('--capability', '--capability', [CompletionResultType]::ParameterName, 'Route to an installed, healthy, least-loaded agent with this capability')
            [CompletionResult]::new('--autonomy', '--autonomy', [CompletionResultType]::ParameterName, 'What an agent may do on its own: read-only, edit (default: change files in its folder) or full (anything, no sandbox); overrides the agent profile''s `autonomy`')
            [CompletionResult]::new('--max-cost', '--max-cost', [CompletionResultType]::ParameterName, 'Cost budget of the run in USD: an agent CLI with a spend cap of its own gets it; other agents are ended once their reported cost goes past it. The task fails naming the budget')
            [CompletionResult]::new('--notify', '--notify', [CompletionResultType]::ParameterName, 'Desktop notifications for this task: silent, completion, milestone or verbose (default: `[notifications] strategy` in config.toml)')
            [CompletionResult]::new('--sandbox', '--sandbox', [CompletionResultType]::ParameterName, 'Run walled in with bubblewrap: only its folder writable, secrets hidden, private /tmp and /proc (docs/sandbox.md); PROFILE is a `[sandbox.profiles.NAME]` (default: default)')
            [CompletionResult]::new('--network', '--network', [CompletionResultType]::ParameterName, 'Sandbox network: none, allow (only --allow-host, through a proxy) or open (implies --sandbox)')
            [CompletionResult]::new('--allow-host', '--allow-host', [CompletionResultType]::ParameterName, 'A HOST[:PORT] a sandboxed task may reach (port 443 by default; repeatable; implies --sandbox)')
            [CompletionResult]::new('--pids-limit', '--pids-limit', [CompletionResultType]::ParameterName, 'At most N processes inside the sandbox (implies --sandbox)')
            [CompletionResult]::new('--parent', '--parent', [CompletionResultType]::ParameterName, 'The task this one is a child of (default: the task this runs inside, if any)')
            [CompletionResult]::new('--attempts', '--attempts', [CompletionResultType]::ParameterName, 'Best-of-N: run the prompt this many times, each in its own worktree, as one group')
            [CompletionResult]::new('--agents', '--agents', [CompletionResultType]::ParameterName, 'Best-of-N: one attempt per agent (`--agents NAME,NAME,...`)')
            [CompletionResult]::new('--async', '--async', [CompletionResultType]::ParameterName, 'Print the task id and return at once')
            [CompletionResult]::new('--mem-limit', '--mem-limit', [CompletionResultType]::ParameterName, 'End the task if its process tree goes past --mem (SIGTERM, then SIGKILL after the grace)')
            [CompletionResult]::new('--worktree', '--worktree', [CompletionResultType]::ParameterName, 'Run in a new git worktree on branch smart-agents/ID (kept after the task)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable output')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress bar and no result text: only the exit code (with --async, only the id)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress bar and no result text: only the exit code (with --async, only the id)')
            [CompletionResult]::new('--check', '--check', [CompletionResultType]::ParameterName, 'With --attempts or --agents: the command after `--` checks each attempt in its worktree')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'smart-agents;status' {
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable output')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'smart-agents;result' {
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable output')
            [CompletionResult]::new('--wait', '--wait', [CompletionResultType]::ParameterName, 'Wait for the task to finish instead of failing at once')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'smart-agents;list' {
            [CompletionResult]::new('--state', '--state', [CompletionResultType]::ParameterName, 'Only tasks in this state (repeatable): pending, running, completed, failed, cancelled')
            [CompletionResult]::new('--limit', '--limit', [CompletionResultType]::ParameterName, 'At most this many tasks; a last line says how many more there are')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Every task, however many')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable output: an array of task objects as in `status --json`')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'smart-agents;cancel' {
            [CompletionResult]::new('--no-wait', '--no-wait', [CompletionResultType]::ParameterName, 'Return once signalled instead of waiting for running tasks to end')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'smart-agents;answer' {
            [CompletionResult]::new('--always', '--always', [CompletionResultType]::ParameterName, 'Remember the rule the question names (`Bash(npm test:*)`) for the rest of the task and its follow-ups: an allow that is not asked again')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'smart-agents;ask' {
            [CompletionResult]::new('--option', '--option', [CompletionResultType]::ParameterName, 'A suggested answer (repeat for more); any text is accepted')
            [CompletionResult]::new('--task', '--task', [CompletionResultType]::ParameterName, 'The task (default: $SMART_AGENTS_TASK_ID, set by the worker)')
            [CompletionResult]::new('--permission', '--permission', [CompletionResultType]::ParameterName, 'Ask for permission (allow or deny) instead of an answer in words')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'smart-agents;logs' {
            [CompletionResult]::new('--tail', '--tail', [CompletionResultType]::ParameterName, 'Only the last N lines')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Keep printing new output until the task ends')
            [CompletionResult]::new('--follow', '--follow', [CompletionResultType]::ParameterName, 'Keep printing new output until the task ends')
            [CompletionResult]::new('--raw', '--raw', [CompletionResultType]::ParameterName, 'The log exactly as printed, secret values included (masked as `[secret NAME]` otherwise)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'smart-agents;flow' {
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('run', 'run', [CompletionResultType]::ParameterValue, 'Check a flow file, queue it, and follow it (or return at once with --async)')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'A flow and its steps')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'Flows, newest first')
            [CompletionResult]::new('cancel', 'cancel', [CompletionResultType]::ParameterValue, 'Cancel a flow: its unfinished steps are cancelled (nothing is undone)')
            [CompletionResult]::new('retry', 'retry', [CompletionResultType]::ParameterValue, 'Run a failed or cancelled flow''s failed and cancelled steps again')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'smart-agents;flow;run' {
            [CompletionResult]::new('--var', '--var', [CompletionResultType]::ParameterName, 'Set a variable for {{vars.NAME}} (repeatable; overrides [vars])')
            [CompletionResult]::new('--cwd', '--cwd', [CompletionResultType]::ParameterName, 'Working folder of the steps (default: this one)')
            [CompletionResult]::new('--async', '--async', [CompletionResultType]::ParameterName, 'Print the flow id and return at once')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable output')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'smart-agents;flow;status' {
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable output')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'smart-agents;flow;list' {
            [CompletionResult]::new('--limit', '--limit', [CompletionResultType]::ParameterName, 'At most this many flows')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable output: an array of flow objects as in `flow status --json`')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'smart-agents;flow;cancel' {
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable output')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'smart-agents;flow;retry' {
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable output')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'smart-agents;flow;help' {
            [CompletionResult]::new('run', 'run', [CompletionResultType]::ParameterValue, 'Check a flow file, queue it, and follow it (or return at once with --async)')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'A flow and its steps')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'Flows, newest first')
            [CompletionResult]::new('cancel', 'cancel', [CompletionResultType]::ParameterValue, 'Cancel a flow: its unfinished steps are cancelled (nothing is undone)')
            [CompletionResult]::new('retry', 'retry', [CompletionResultType]::ParameterValue, 'Run a failed or cancelled flow''s failed and cancelled steps again')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'smart-agents;flow;help;run' {
            break
        }
        'smart-agents;flow;help;status' {
            break
        }
        'smart-agents;flow;help;list' {
            break
        }
        'smart-agents;flow;help;cancel' {
            break
        }
        'smart-agents;flow;help;retry' {
            break
        }
        'smart-agents;flow;help;help' {
            break
        }
        'smart-agents;wait' {
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Give up after this long (exit 5)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'smart-agents;follow' {
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print the final states as JSON instead of a line per task')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'smart-agents;notices' {
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print the finished tasks as a JSON array (`[]` when nothing is new); with --follow, one JSON object a line')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Keep running and print each ending as it happens (starts the worker if none runs)')
            [CompletionResult]::new('--follow', '--follow', [CompletionResultType]::ParameterName, 'Keep running and print each ending as it happens (starts the worker if none runs)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'smart-agents;notify' {
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Each channel''s deliveries: sent, waiting (with the last error and the next try), failed')
            [CompletionResult]::new('secret', 'secret', [CompletionResultType]::ParameterValue, 'Print a new webhook signing secret (`whsec_` + 32 random bytes in base64)')
            [CompletionResult]::new('seal', 'seal', [CompletionResultType]::ParameterValue, 'Seal a channel''s url, secret or token (read from stdin) for config.toml: prints `sealed:…`')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'smart-agents;notify;status' {
            [CompletionResult]::new('--last', '--last', [CompletionResultType]::ParameterName, 'How many of the latest deliveries to list')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON: `{"channels": [...], "deliveries": [...]}`')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'smart-agents;notify;secret' {
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'smart-agents;notify;seal' {
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'smart-agents;notify;help' {
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Each channel''s deliveries: sent, waiting (with the last error and the next try), failed')
            [CompletionResult]::new('secret', 'secret', [CompletionResultType]::ParameterValue, 'Print a new webhook signing secret (`whsec_` + 32 random bytes in base64)')
            [CompletionResult]::new('seal', 'seal', [CompletionResultType]::ParameterValue, 'Seal a channel''s url, secret or token (read from stdin) for config.toml: prints `sealed:…`')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'smart-agents;notify;help;status' {
            break
        }
        'smart-agents;notify;help;secret' {
            break
        }
        'smart-agents;notify;help;seal' {
            break
        }
        'smart-agents;notify;help;help' {
            break
        }
        'smart-agents;diff' {
            [CompletionResult]::new('--stat', '--stat', [CompletionResultType]::ParameterName, 'Files with lines added and removed, and the total')
            [CompletionResult]::new('--name-only', '--name-only', [CompletionResultType]::ParameterName, 'Only the names of the changed files')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable: {"id", "base", "files": [{"path", "status", "insertions", "deletions", "binary"}], "patch"}')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'smart-agents;compare' {
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'json')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'smart-agents;review' {
            [CompletionResult]::new('--note', '--note', [CompletionResultType]::ParameterName, 'A note on one line of the change: `--note src/x.rs:12 "handle the empty case"`')
            [CompletionResult]::new('--follow', '--follow', [CompletionResultType]::ParameterName, 'Follow the follow-up task to its end (by default print its id and return)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'json')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'smart-agents;land' {
            [CompletionResult]::new('--into', '--into', [CompletionResultType]::ParameterName, 'The branch to land into (default: the branch the task started from)')
            [CompletionResult]::new('-m', '-m', [CompletionResultType]::ParameterName, 'The message of the commit a squash or merge makes')
            [CompletionResult]::new('--message', '--message', [CompletionResultType]::ParameterName, 'The message of the commit a squash or merge makes')
            [CompletionResult]::new('--squash', '--squash', [CompletionResultType]::ParameterName, 'One commit with all of the work')
            [CompletionResult]::new('--merge', '--merge', [CompletionResultType]::ParameterName, 'Always a merge commit (by default a fast-forward when the base has not moved on)')
            [CompletionResult]::new('--rebase', '--rebase', [CompletionResultType]::ParameterName, 'Replay the task''s commits on top of the base')
            [CompletionResult]::new('--keep', '--keep', [CompletionResultType]::ParameterName, 'Keep the worktree (and its branch) after landing')
            [CompletionResult]::new('--pr', '--pr', [CompletionResultType]::ParameterName, 'Push the branch and open a pull request with `gh` instead of landing here')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'json')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'smart-agents;discard' {
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Discard even commits no other branch has (they stay reachable as refs/smart-agents/discarded/ID for [worktree] keep_discarded days)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'json')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'smart-agents;retry' {
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'smart-agents;priority' {
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'smart-agents;pause' {
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'smart-agents;agents' {
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable output')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'One agent in full')
            [CompletionResult]::new('release', 'release', [CompletionResultType]::ParameterValue, 'End the usage-limit or budget hold of an agent''s account now (its tasks start again)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'smart-agents;agents;show' {
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'json')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'smart-agents;agents;release' {
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'smart-agents;agents;help' {
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'One agent in full')
            [CompletionResult]::new('release', 'release', [CompletionResultType]::ParameterValue, 'End the usage-limit or budget hold of an agent''s account now (its tasks start again)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'smart-agents;agents;help;show' {
            break
        }
        'smart-agents;agents;help;release' {
            break
        }
        'smart-agents;agents;help;help' {
            break
        }
        'smart-agents;resume' {
            [CompletionResult]::new('--async', '--async', [CompletionResultType]::ParameterName, 'Print the new task''s id and return at once')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable output')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'smart-agents;progress' {
            [CompletionResult]::new('--task', '--task', [CompletionResultType]::ParameterName, 'The task (default: $SMART_AGENTS_TASK_ID, set by the worker)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'smart-agents;events' {
            [CompletionResult]::new('--since', '--since', [CompletionResultType]::ParameterName, 'Only events from this long ago on: 30m, 2h, 7d')
            [CompletionResult]::new('--kind', '--kind', [CompletionResultType]::ParameterName, 'Only events of this kind (repeatable)')
            [CompletionResult]::new('--follow', '--follow', [CompletionResultType]::ParameterName, 'Keep printing new events as they happen (the worker pushes them; Ctrl-C to stop)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'One JSON object per line: seq, at, task, kind, data, uid, client, pid, cwd')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'smart-agents;stats' {
            [CompletionResult]::new('--since', '--since', [CompletionResultType]::ParameterName, 'Only tasks that ended this long ago or later (pending and running always count): 7d')
            [CompletionResult]::new('--by', '--by', [CompletionResultType]::ParameterName, 'One line per agent, class, day (local) or executor, under the total')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable output')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'smart-agents;metrics' {
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'smart-agents;prune' {
            [CompletionResult]::new('--older-than', '--older-than', [CompletionResultType]::ParameterName, 'Remove finished tasks that ended longer ago than this (default: [history] keep_days)')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Only say what would go')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable output')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'smart-agents;worker' {
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('start', 'start', [CompletionResultType]::ParameterValue, 'Start a detached worker if none answers')
            [CompletionResult]::new('stop', 'stop', [CompletionResultType]::ParameterValue, 'Stop the worker; running tasks go on and the next worker adopts them')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Is a worker running, and what is it doing')
            [CompletionResult]::new('run', 'run', [CompletionResultType]::ParameterValue, 'Run the worker in the foreground')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'smart-agents;worker;start' {
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing; the exit code says whether a worker answers')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing; the exit code says whether a worker answers')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'smart-agents;worker;stop' {
            [CompletionResult]::new('--kill', '--kill', [CompletionResultType]::ParameterName, 'Cancel running tasks first')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'smart-agents;worker;status' {
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'json')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'smart-agents;worker;run' {
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'smart-agents;worker;help' {
            [CompletionResult]::new('start', 'start', [CompletionResultType]::ParameterValue, 'Start a detached worker if none answers')
            [CompletionResult]::new('stop', 'stop', [CompletionResultType]::ParameterValue, 'Stop the worker; running tasks go on and the next worker adopts them')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Is a worker running, and what is it doing')
            [CompletionResult]::new('run', 'run', [CompletionResultType]::ParameterValue, 'Run the worker in the foreground')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'smart-agents;worker;help;start' {
            break
        }
        'smart-agents;worker;help;stop' {
            break
        }
        'smart-agents;worker;help;status' {
            break
        }
        'smart-agents;worker;help;run' {
            break
        }
        'smart-agents;worker;help;help' {
            break
        }
        'smart-agents;schedule' {
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Make a schedule: `schedule add nightly --cron "0 2 * * *" -- cargo update`')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'Every schedule: next firing, last run, missed windows, paused')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'One schedule and every window: what ran, or why it did not')
            [CompletionResult]::new('pause', 'pause', [CompletionResultType]::ParameterValue, 'Fire no more windows until `schedule resume`')
            [CompletionResult]::new('resume', 'resume', [CompletionResultType]::ParameterValue, 'Fire windows again (those passed while paused are not run)')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Delete a schedule (runs it started go on)')
            [CompletionResult]::new('run', 'run', [CompletionResultType]::ParameterValue, 'Fire now, once, whatever the overlap rule says')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'smart-agents;schedule;add' {
            [CompletionResult]::new('--cron', '--cron', [CompletionResultType]::ParameterName, 'A cron expression: 5 fields (minute hour day month weekday) or 6 with seconds first')
            [CompletionResult]::new('--tz', '--tz', [CompletionResultType]::ParameterName, 'The IANA zone of --cron (default: this machine''s)')
            [CompletionResult]::new('--every', '--every', [CompletionResultType]::ParameterName, 'A fixed interval instead: 2s, 10m, 1h')
            [CompletionResult]::new('--catch-up', '--catch-up', [CompletionResultType]::ParameterName, 'Windows missed while the worker was down or the machine asleep: skip, once or all')
            [CompletionResult]::new('--overlap', '--overlap', [CompletionResultType]::ParameterName, 'A window while the last run still goes: skip, queue or allow')
            [CompletionResult]::new('--max-runs-per-day', '--max-runs-per-day', [CompletionResultType]::ParameterName, 'Pause until tomorrow once this many runs started today')
            [CompletionResult]::new('--max-cost-per-day', '--max-cost-per-day', [CompletionResultType]::ParameterName, 'Pause until tomorrow once the schedule''s runs cost this much today (checked at each firing)')
            [CompletionResult]::new('--flow', '--flow', [CompletionResultType]::ParameterName, 'Run this flow file at each window instead of a task (read now)')
            [CompletionResult]::new('--var', '--var', [CompletionResultType]::ParameterName, 'A flow variable (repeatable)')
            [CompletionResult]::new('--agent', '--agent', [CompletionResultType]::ParameterName, 'Agent to run the task (`shell` runs the command after `--`)')
            [CompletionResult]::new('--priority', '--priority', [CompletionResultType]::ParameterName, '1 (lowest) to 10 (highest)')
            [CompletionResult]::new('--class', '--class', [CompletionResultType]::ParameterName, 'Resource class, capped separately (e.g. e2e, build)')
            [CompletionResult]::new('--cwd', '--cwd', [CompletionResultType]::ParameterName, 'Working folder (default: this one)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Fail the task if it runs longer (90s, 10m, 1h30m)')
            [CompletionResult]::new('--needs-timeout', '--needs-timeout', [CompletionResultType]::ParameterName, 'Deny a question nobody answered within this time (default: `needs_timeout` in config, else wait until answered). Time spent waiting never counts toward --timeout')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'Run again this many times after a failure, with backoff')
            [CompletionResult]::new('--after', '--after', [CompletionResultType]::ParameterName, 'Start only after this task completed (repeatable)')
            [CompletionResult]::new('--delay', '--delay', [CompletionResultType]::ParameterName, 'Do not start before this delay has passed (90s, 10m)')
            [CompletionResult]::new('--at', '--at', [CompletionResultType]::ParameterName, 'Do not start before this time: RFC 3339 or local HH:MM (the next one to come)')
            [CompletionResult]::new('--mem', '--mem', [CompletionResultType]::ParameterName, 'Expected memory of the task (512M, 2G), counted against the memory gate as it starts')
            [CompletionResult]::new('--on', '--on', [CompletionResultType]::ParameterName, 'Where it runs: local (this machine) or slurm (a job on the configured cluster)')
            [CompletionResult]::new('--cpus', '--cpus', [CompletionResultType]::ParameterName, 'Expected cores the task keeps busy (1, 2, 0.5), counted against the CPU gate as it starts')
            [CompletionResult]::new('--capability', '--capability', [CompletionResultType]::ParameterName, 'Route to an installed, healthy, least-loaded agent with this capability')
            [CompletionResult]::new('--autonomy', '--autonomy', [CompletionResultType]::ParameterName, 'What an agent may do on its own: read-only, edit (default: change files in its folder) or full (anything, no sandbox); overrides the agent profile''s `autonomy`')
            [CompletionResult]::new('--max-cost', '--max-cost', [CompletionResultType]::ParameterName, 'Cost budget of the run in USD: an agent CLI with a spend cap of its own gets it; other agents are ended once their reported cost goes past it. The task fails naming the budget')
            [CompletionResult]::new('--notify', '--notify', [CompletionResultType]::ParameterName, 'Desktop notifications for this task: silent, completion, milestone or verbose (default: `[notifications] strategy` in config.toml)')
            [CompletionResult]::new('--sandbox', '--sandbox', [CompletionResultType]::ParameterName, 'Run walled in with bubblewrap: only its folder writable, secrets hidden, private /tmp and /proc (docs/sandbox.md); PROFILE is a `[sandbox.profiles.NAME]` (default: default)')
            [CompletionResult]::new('--network', '--network', [CompletionResultType]::ParameterName, 'Sandbox network: none, allow (only --allow-host, through a proxy) or open (implies --sandbox)')
            [CompletionResult]::new('--allow-host', '--allow-host', [CompletionResultType]::ParameterName, 'A HOST[:PORT] a sandboxed task may reach (port 443 by default; repeatable; implies --sandbox)')
            [CompletionResult]::new('--pids-limit', '--pids-limit', [CompletionResultType]::ParameterName, 'At most N processes inside the sandbox (implies --sandbox)')
            [CompletionResult]::new('--parent', '--parent', [CompletionResultType]::ParameterName, 'The task this one is a child of (default: the task this runs inside, if any)')
            [CompletionResult]::new('--attempts', '--attempts', [CompletionResultType]::ParameterName, 'Best-of-N: run the prompt this many times, each in its own worktree, as one group')
            [CompletionResult]::new('--agents', '--agents', [CompletionResultType]::ParameterName, 'Best-of-N: one attempt per agent (`--agents NAME,NAME,...`)')
            [CompletionResult]::new('--async', '--async', [CompletionResultType]::ParameterName, 'Print the task id and return at once')
            [CompletionResult]::new('--mem-limit', '--mem-limit', [CompletionResultType]::ParameterName, 'End the task if its process tree goes past --mem (SIGTERM, then SIGKILL after the grace)')
            [CompletionResult]::new('--worktree', '--worktree', [CompletionResultType]::ParameterName, 'Run in a new git worktree on branch smart-agents/ID (kept after the task)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable output')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress bar and no result text: only the exit code (with --async, only the id)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress bar and no result text: only the exit code (with --async, only the id)')
            [CompletionResult]::new('--check', '--check', [CompletionResultType]::ParameterName, 'With --attempts or --agents: the command after `--` checks each attempt in its worktree')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'smart-agents;schedule;list' {
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable output')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'smart-agents;schedule;show' {
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable output')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'smart-agents;schedule;pause' {
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable output')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'smart-agents;schedule;resume' {
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable output')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'smart-agents;schedule;remove' {
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable output')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'smart-agents;schedule;run' {
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable output')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'smart-agents;schedule;help' {
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Make a schedule: `schedule add nightly --cron "0 2 * * *" -- cargo update`')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'Every schedule: next firing, last run, missed windows, paused')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'One schedule and every window: what ran, or why it did not')
            [CompletionResult]::new('pause', 'pause', [CompletionResultType]::ParameterValue, 'Fire no more windows until `schedule resume`')
            [CompletionResult]::new('resume', 'resume', [CompletionResultType]::ParameterValue, 'Fire windows again (those passed while paused are not run)')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Delete a schedule (runs it started go on)')
            [CompletionResult]::new('run', 'run', [CompletionResultType]::ParameterValue, 'Fire now, once, whatever the overlap rule says')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'smart-agents;schedule;help;add' {
            break
        }
        'smart-agents;schedule;help;list' {
            break
        }
        'smart-agents;schedule;help;show' {
            break
        }
        'smart-agents;schedule;help;pause' {
            break
        }
        'smart-agents;schedule;help;resume' {
            break
        }
        'smart-agents;schedule;help;remove' {
            break
        }
        'smart-agents;schedule;help;run' {
            break
        }
        'smart-agents;schedule;help;help' {
            break
        }
        'smart-agents;tui' {
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'smart-agents;web' {
            [CompletionResult]::new('--listen', '--listen', [CompletionResultType]::ParameterName, 'Address and port to serve on; loopback unless told (another address needs --token-file)')
            [CompletionResult]::new('--token-file', '--token-file', [CompletionResultType]::ParameterName, 'The access token, read from this file (its first line); without it a token is made and kept in a 0600 file in the data folder, and printed as a login URL')
            [CompletionResult]::new('--read-only', '--read-only', [CompletionResultType]::ParameterName, 'Show tasks only: every action (cancel) is hidden and refused')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'smart-agents;mcp' {
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'smart-agents;integrate' {
            [CompletionResult]::new('--project', '--project', [CompletionResultType]::ParameterName, 'For this project only: `.mcp.json` and `.claude/settings.json` in the current folder')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'For every project of this user: `~/.claude.json` and `~/.claude/settings.json` (default)')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Print what would change and change nothing')
            [CompletionResult]::new('--uninstall', '--uninstall', [CompletionResultType]::ParameterName, 'Remove what `integrate` added')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'smart-agents;config' {
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'The effective config: every key, its value, and where it came from')
            [CompletionResult]::new('path', 'path', [CompletionResultType]::ParameterValue, 'Print the path of config.toml (it may not exist yet)')
            [CompletionResult]::new('edit', 'edit', [CompletionResultType]::ParameterValue, 'Open config.toml in $EDITOR (else vi) and validate it on save')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'smart-agents;config;show' {
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable output')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'smart-agents;config;path' {
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'smart-agents;config;edit' {
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'smart-agents;config;help' {
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'The effective config: every key, its value, and where it came from')
            [CompletionResult]::new('path', 'path', [CompletionResultType]::ParameterValue, 'Print the path of config.toml (it may not exist yet)')
            [CompletionResult]::new('edit', 'edit', [CompletionResultType]::ParameterValue, 'Open config.toml in $EDITOR (else vi) and validate it on save')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'smart-agents;config;help;show' {
            break
        }
        'smart-agents;config;help;path' {
            break
        }
        'smart-agents;config;help;edit' {
            break
        }
        'smart-agents;config;help;help' {
            break
        }
        'smart-agents;doctor' {
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable output')
            [CompletionResult]::new('--fix', '--fix', [CompletionResultType]::ParameterName, 'Repair what can be repaired: seal secret values an older version stored in plain text')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'smart-agents;completions' {
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'smart-agents;help' {
            [CompletionResult]::new('execute', 'execute', [CompletionResultType]::ParameterValue, 'Queue a task (an agent prompt or `-- COMMAND ARGS`) and follow it, or return at once with --async')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'One task''s state, or a summary of the queue')
            [CompletionResult]::new('result', 'result', [CompletionResultType]::ParameterValue, 'A finished task''s output, verdict and metrics')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'Running, pending and finished tasks, newest first')
            [CompletionResult]::new('cancel', 'cancel', [CompletionResultType]::ParameterValue, 'Cancel tasks: pending ones at once, running ones by signal to their process group')
            [CompletionResult]::new('answer', 'answer', [CompletionResultType]::ParameterValue, 'Answer a task that waits for you: allow, deny, or the text of an answer')
            [CompletionResult]::new('ask', 'ask', [CompletionResultType]::ParameterValue, 'From inside a task: wait for a person''s answer to a question, and print it')
            [CompletionResult]::new('logs', 'logs', [CompletionResultType]::ParameterValue, 'A task''s captured stdout and stderr')
            [CompletionResult]::new('flow', 'flow', [CompletionResultType]::ParameterValue, 'Workflows: run a plan of several tasks (a TOML flow file) as one, and look after it')
            [CompletionResult]::new('wait', 'wait', [CompletionResultType]::ParameterValue, 'Block until tasks end; exit 0 only if all completed')
            [CompletionResult]::new('follow', 'follow', [CompletionResultType]::ParameterValue, 'Live progress bars for tasks until they all end; exits with their status')
            [CompletionResult]::new('notices', 'notices', [CompletionResultType]::ParameterValue, 'Task endings not seen yet (then marked seen): for a shell prompt or an AI client''s prompt hook; with --follow, each ending as it happens')
            [CompletionResult]::new('notify', 'notify', [CompletionResultType]::ParameterValue, 'Pushed notifications: `notify status` shows deliveries, `secret` and `seal` help set up channels')
            [CompletionResult]::new('diff', 'diff', [CompletionResultType]::ParameterValue, 'What a task changed: a worktree task''s branch and checkout against where it started')
            [CompletionResult]::new('compare', 'compare', [CompletionResultType]::ParameterValue, 'Best-of-N attempts side by side: state, check, lines changed, tokens, cost, time')
            [CompletionResult]::new('review', 'review', [CompletionResultType]::ParameterValue, 'Send a worktree task''s work back to its agent with notes (a follow-up in its worktree)')
            [CompletionResult]::new('land', 'land', [CompletionResultType]::ParameterValue, 'Bring a worktree task''s work into the branch it started from, in your checkout')
            [CompletionResult]::new('discard', 'discard', [CompletionResultType]::ParameterValue, 'Remove a worktree task''s checkout and branch (its commits stay reachable a while)')
            [CompletionResult]::new('retry', 'retry', [CompletionResultType]::ParameterValue, 'Run a finished failed or cancelled task again as a new attempt')
            [CompletionResult]::new('priority', 'priority', [CompletionResultType]::ParameterValue, 'Change a pending task''s priority (1-10)')
            [CompletionResult]::new('pause', 'pause', [CompletionResultType]::ParameterValue, 'Stop starting new tasks (running tasks go on)')
            [CompletionResult]::new('agents', 'agents', [CompletionResultType]::ParameterValue, 'Agents: installed, load, circuit, capabilities')
            [CompletionResult]::new('resume', 'resume', [CompletionResultType]::ParameterValue, 'Without arguments: start admitting tasks again. With ID and PROMPT: continue the agent session of task ID in a new task')
            [CompletionResult]::new('progress', 'progress', [CompletionResultType]::ParameterValue, 'Report progress from inside a task: `smart-agents progress 40 "Running tests"`')
            [CompletionResult]::new('events', 'events', [CompletionResultType]::ParameterValue, 'The history of tasks: what happened, when, and who caused it; --follow streams it')
            [CompletionResult]::new('stats', 'stats', [CompletionResultType]::ParameterValue, 'Counts, success rate, wait and run times, tokens and cost, overall or --by agent, class, day')
            [CompletionResult]::new('metrics', 'metrics', [CompletionResultType]::ParameterValue, 'Metrics in the Prometheus text format (the worker also serves them with [metrics] listen)')
            [CompletionResult]::new('prune', 'prune', [CompletionResultType]::ParameterValue, 'Remove old finished tasks, their events and log files (running and pending never)')
            [CompletionResult]::new('worker', 'worker', [CompletionResultType]::ParameterValue, 'Start, stop or inspect the background worker')
            [CompletionResult]::new('schedule', 'schedule', [CompletionResultType]::ParameterValue, 'Recurring tasks and flows: add (--cron or --every), list, show, pause, resume, remove, run')
            [CompletionResult]::new('tui', 'tui', [CompletionResultType]::ParameterValue, 'Live dashboard: progress, steps, logs; cancel, retry and pause keys')
            [CompletionResult]::new('web', 'web', [CompletionResultType]::ParameterValue, 'Serve the dashboard in a browser (token login, live updates) until stopped')
            [CompletionResult]::new('mcp', 'mcp', [CompletionResultType]::ParameterValue, 'Serve the tools (execute, status, result, list, logs, cancel, wait, agents) to an MCP client (a coding assistant), over stdin and stdout')
            [CompletionResult]::new('integrate', 'integrate', [CompletionResultType]::ParameterValue, 'Register the MCP server and the notice hook with an AI client (`integrate --help` lists them)')
            [CompletionResult]::new('config', 'config', [CompletionResultType]::ParameterValue, 'Show, locate or edit config.toml')
            [CompletionResult]::new('doctor', 'doctor', [CompletionResultType]::ParameterValue, 'Check paths, permissions, the worker, the database, secrets, notifications and agent CLIs')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print the shell completion script: bash, zsh, fish, elvish or powershell')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'smart-agents;help;execute' {
            break
        }
        'smart-agents;help;status' {
            break
        }
        'smart-agents;help;result' {
            break
        }
        'smart-agents;help;list' {
            break
        }
        'smart-agents;help;cancel' {
            break
        }
        'smart-agents;help;answer' {
            break
        }
        'smart-agents;help;ask' {
            break
        }
        'smart-agents;help;logs' {
            break
        }
        'smart-agents;help;flow' {
            [CompletionResult]::new('run', 'run', [CompletionResultType]::ParameterValue, 'Check a flow file, queue it, and follow it (or return at once with --async)')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'A flow and its steps')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'Flows, newest first')
            [CompletionResult]::new('cancel', 'cancel', [CompletionResultType]::ParameterValue, 'Cancel a flow: its unfinished steps are cancelled (nothing is undone)')
            [CompletionResult]::new('retry', 'retry', [CompletionResultType]::ParameterValue, 'Run a failed or cancelled flow''s failed and cancelled steps again')
            break
        }
        'smart-agents;help;flow;run' {
            break
        }
        'smart-agents;help;flow;status' {
            break
        }
        'smart-agents;help;flow;list' {
            break
        }
        'smart-agents;help;flow;cancel' {
            break
        }
        'smart-agents;help;flow;retry' {
            break
        }
        'smart-agents;help;wait' {
            break
        }
        'smart-agents;help;follow' {
            break
        }
        'smart-agents;help;notices' {
            break
        }
        'smart-agents;help;notify' {
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Each channel''s deliveries: sent, waiting (with the last error and the next try), failed')
            [CompletionResult]::new('secret', 'secret', [CompletionResultType]::ParameterValue, 'Print a new webhook signing secret (`whsec_` + 32 random bytes in base64)')
            [CompletionResult]::new('seal', 'seal', [CompletionResultType]::ParameterValue, 'Seal a channel''s url, secret or token (read from stdin) for config.toml: prints `sealed:…`')
            break
        }
        'smart-agents;help;notify;status' {
            break
        }
        'smart-agents;help;notify;secret' {
            break
        }
        'smart-agents;help;notify;seal' {
            break
        }
        'smart-agents;help;diff' {
            break
        }
        'smart-agents;help;compare' {
            break
        }
        'smart-agents;help;review' {
            break
        }
        'smart-agents;help;land' {
            break
        }
        'smart-agents;help;discard' {
            break
        }
        'smart-agents;help;retry' {
            break
        }
        'smart-agents;help;priority' {
            break
        }
        'smart-agents;help;pause' {
            break
        }
        'smart-agents;help;agents' {
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'One agent in full')
            [CompletionResult]::new('release', 'release', [CompletionResultType]::ParameterValue, 'End the usage-limit or budget hold of an agent''s account now (its tasks start again)')
            break
        }
        'smart-agents;help;agents;show' {
            break
        }
        'smart-agents;help;agents;release' {
            break
        }
        'smart-agents;help;resume' {
            break
        }
        'smart-agents;help;progress' {
            break
        }
        'smart-agents;help;events' {
            break
        }
        'smart-agents;help;stats' {
            break
        }
        'smart-agents;help;metrics' {
            break
        }
        'smart-agents;help;prune' {
            break
        }
        'smart-agents;help;worker' {
            [CompletionResult]::new('start', 'start', [CompletionResultType]::ParameterValue, 'Start a detached worker if none answers')
            [CompletionResult]::new('stop', 'stop', [CompletionResultType]::ParameterValue, 'Stop the worker; running tasks go on and the next worker adopts them')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Is a worker running, and what is it doing')
            [CompletionResult]::new('run', 'run', [CompletionResultType]::ParameterValue, 'Run the worker in the foreground')
            break
        }
        'smart-agents;help;worker;start' {
            break
        }
        'smart-agents;help;worker;stop' {
            break
        }
        'smart-agents;help;worker;status' {
            break
        }
        'smart-agents;help;worker;run' {
            break
        }
        'smart-agents;help;schedule' {
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Make a schedule: `schedule add nightly --cron "0 2 * * *" -- cargo update`')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'Every schedule: next firing, last run, missed windows, paused')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'One schedule and every window: what ran, or why it did not')
            [CompletionResult]::new('pause', 'pause', [CompletionResultType]::ParameterValue, 'Fire no more windows until `schedule resume`')
            [CompletionResult]::new('resume', 'resume', [CompletionResultType]::ParameterValue, 'Fire windows again (those passed while paused are not run)')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Delete a schedule (runs it started go on)')
            [CompletionResult]::new('run', 'run', [CompletionResultType]::ParameterValue, 'Fire now, once, whatever the overlap rule says')
            break
        }
        'smart-agents;help;schedule;add' {
            break
        }
        'smart-agents;help;schedule;list' {
            break
        }
        'smart-agents;help;schedule;show' {
            break
        }
        'smart-agents;help;schedule;pause' {
            break
        }
        'smart-agents;help;schedule;resume' {
            break
        }
        'smart-agents;help;schedule;remove' {
            break
        }
        'smart-agents;help;schedule;run' {
            break
        }
        'smart-agents;help;tui' {
            break
        }
        'smart-agents;help;web' {
            break
        }
        'smart-agents;help;mcp' {
            break
        }
        'smart-agents;help;integrate' {
            break
        }
        'smart-agents;help;config' {
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'The effective config: every key, its value, and where it came from')
            [CompletionResult]::new('path', 'path', [CompletionResultType]::ParameterValue, 'Print the path of config.toml (it may not exist yet)')
            [CompletionResult]::new('edit', 'edit', [CompletionResultType]::ParameterValue, 'Open config.toml in $EDITOR (else vi) and validate it on save')
            break
        }
        'smart-agents;help;config;show' {
            break
        }
        'smart-agents;help;config;path' {
            break
        }
        'smart-agents;help;config;edit' {
            break
        }
        'smart-agents;help;doctor' {
            break
        }
        'smart-agents;help;completions' {
            break
        }
        'smart-agents;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
