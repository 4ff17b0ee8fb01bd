"""Shared code of the stand-in agent CLIs (claude, codex, gemini, aider) used by end-to-end
tests. Each stand-in checks the argv the real CLI needs, then replays a transcript.

Environment:
  STANDIN_TRANSCRIPT  file replayed to stdout (default: the matching success fixture in
                      tests/fixtures/agents/, found relative to this file)
  STANDIN_DELAY       seconds to sleep before each line (default 0)
  STANDIN_EXIT        exit code once replayed (default 0)
  STANDIN_ARGV_FILE   if set, the argv received (without the program) is written there, one
                      element per line; the same list goes to STANDIN_ARGV_FILE + ".json"
                      as a JSON array, exact even for elements containing newlines
  STANDIN_ANALYTICS   aider only: JSONL copied to the --analytics-log file (default: the
                      aider-analytics.jsonl fixture; set it empty to write no events)

A wrong argv exits 2 with the reason on stderr, before anything is replayed.
"""

import json
import os
import sys
import time

HERE = os.path.dirname(os.path.realpath(__file__))
FIXTURES = os.path.join(HERE, "..", "fixtures", "agents")


def fail(name, message):
    sys.stderr.write(f"{name} (stand-in): {message}\n")
    sys.exit(2)


def record_argv(args):
    path = os.environ.get("STANDIN_ARGV_FILE")
    if not path:
        return
    with open(path, "w", encoding="utf-8", errors="surrogateescape") as f:
        for arg in args:
            f.write(arg + "\n")
    with open(path + ".json", "w", encoding="utf-8", errors="surrogateescape") as f:
        json.dump(args, f)


def parse(name, args, value_flags):
    """Splits args into ({flag: value or True}, [positionals]). `--flag=value` is accepted for
    any flag; flags in value_flags take the next element; everything after `--` is positional;
    other flags are booleans."""
    flags, positionals = {}, []
    i = 0
    while i < len(args):
        arg = args[i]
        if arg == "--":
            positionals.extend(args[i + 1:])
            break
        if arg.startswith("-") and len(arg) > 1:
            if "=" in arg and arg.startswith("--"):
                key, value = arg.split("=", 1)
                flags[key] = value
            elif arg in value_flags:
                if i + 1 >= len(args):
                    fail(name, f"{arg} needs a value")
                flags[arg] = args[i + 1]
                i += 1
            else:
                flags[arg] = True
        else:
            positionals.append(arg)
        i += 1
    return flags, positionals


def one_of(flags, *names):
    for n in names:
        if n in flags:
            return flags[n]
    return None


def replay(default_transcript):
    path = os.environ.get("STANDIN_TRANSCRIPT") or os.path.join(FIXTURES, default_transcript)
    delay = float(os.environ.get("STANDIN_DELAY") or 0)
    out = sys.stdout.buffer
    try:
        with open(path, "rb") as f:
            for line in f:
                if delay > 0:
                    time.sleep(delay)
                out.write(line)
                out.flush()
    except BrokenPipeError:
        # The reader went away (a test that stopped early): end like a real CLI would on SIGPIPE.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(141)


def finish():
    sys.exit(int(os.environ.get("STANDIN_EXIT") or 0))


def claude(args):
    record_argv(args)
    flags, positionals = parse(
        "claude",
        args,
        {"--output-format", "--model", "--append-system-prompt", "--resume", "-r",
         "--max-turns", "--session-id", "--allowedTools", "--permission-mode", "--agents",
         "--system-prompt", "--max-budget-usd", "--mcp-config", "--permission-prompt-tool",
         "--permission-prompts"},
    )
    if not one_of(flags, "-p", "--print"):
        fail("claude", "headless runs need -p")
    if flags.get("--output-format") != "stream-json":
        fail("claude", "expected --output-format stream-json")
    if not flags.get("--verbose"):
        fail("claude", "When using --print, --output-format=stream-json requires --verbose")
    if len(positionals) != 1:
        fail("claude", f"expected the prompt as exactly one argument, got {positionals!r}")
    replay("claude-success.jsonl")
    finish()


def codex(args):
    record_argv(args)
    if not args or args[0] != "exec":
        fail("codex", "expected the exec subcommand first")
    flags, positionals = parse(
        "codex",
        args[1:],
        {"--model", "-m", "--sandbox", "-s", "-c", "--config", "--cd", "-C", "--profile",
         "--output-last-message", "-o", "--color", "--output-schema"},
    )
    if not flags.get("--json"):
        fail("codex", "expected --json")
    if not flags.get("--skip-git-repo-check"):
        fail("codex", "Not inside a trusted directory and --skip-git-repo-check was not specified.")
    if positionals[:1] == ["resume"]:
        if len(positionals) != 3:
            fail("codex", f"expected resume SESSION_ID PROMPT, got {positionals!r}")
    elif len(positionals) != 1:
        fail("codex", f"expected the prompt as exactly one argument, got {positionals!r}")
    if positionals[-1] == "-":
        fail("codex", "a prompt of '-' would be read from stdin")
    replay("codex-success.jsonl")
    finish()


def gemini(args):
    record_argv(args)
    flags, positionals = parse(
        "gemini",
        args,
        {"-p", "--prompt", "--output-format", "-o", "-m", "--model", "--resume", "-r",
         "--approval-mode", "--session-id"},
    )
    if one_of(flags, "-p", "--prompt") in (None, True):
        fail("gemini", "headless runs need -p PROMPT")
    if one_of(flags, "--output-format", "-o") != "stream-json":
        fail("gemini", "expected --output-format stream-json")
    if positionals:
        fail("gemini", f"unexpected arguments {positionals!r}")
    replay("gemini-success.jsonl")
    finish()


def aider(args):
    record_argv(args)
    flags, _files = parse(
        "aider",
        args,
        {"--message", "-m", "--analytics-log", "--model", "--edit-format", "--map-tokens"},
    )
    if one_of(flags, "--message", "-m") in (None, True):
        fail("aider", "expected --message PROMPT")
    for needed in ("--yes-always", "--no-stream", "--no-pretty"):
        if not flags.get(needed):
            fail("aider", f"expected {needed}")
    log = flags.get("--analytics-log")
    if log in (None, True):
        fail("aider", "expected --analytics-log FILE")
    source = os.environ.get("STANDIN_ANALYTICS")
    if source is None:
        source = os.path.join(FIXTURES, "aider-analytics.jsonl")
    with open(log, "ab") as out:
        if source:
            with open(source, "rb") as f:
                for line in f:
                    out.write(line)
                    out.flush()
    replay("aider-stdout.txt")
    finish()
