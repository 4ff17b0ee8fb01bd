"""Drive `smart-agents mcp` with the official MCP Python SDK, as a client nobody here wrote.

Usage: python client.py BIN HOME PROJECT. Exits non-zero with a message on the first check that
fails; prints one line per step so a failure shows how far it got.
"""

import asyncio
import json
import sys

from mcp import ClientSession, StdioServerParameters
from mcp.client.stdio import stdio_client

TOOLS = {"execute", "status", "result", "list", "logs", "cancel", "wait", "agents",
         "schedule_add", "schedule_list", "schedule_remove", "answer",
         "diff", "review", "land", "discard", "compare"}
EXECUTE_ARGS = {"prompt", "command", "description", "agent", "capability", "priority", "class",
                "cwd", "after", "timeout", "delay", "retries", "worktree", "notify", "background"}


def check(cond, what, detail=None):
    if not cond:
        raise AssertionError(f"{what}: {detail!r}")
    print(f"ok: {what}", flush=True)


async def call(session, name, args, **kw):
    return await session.call_tool(name, args, read_timeout_seconds=70, **kw)


def text_of(result):
    return "\n".join(c.text for c in result.content if getattr(c, "type", "") == "text")


async def ok(session, name, args, **kw):
    result = await call(session, name, args, **kw)
    check(not result.is_error, f"{name} {json.dumps(args)} succeeds", text_of(result))
    check(isinstance(result.structured_content, dict), f"{name} returns structured content", result)
    check(text_of(result).strip() != "", f"{name} returns a text line", result)
    return result.structured_content, text_of(result)


async def refused(session, name, args, needle):
    result = await call(session, name, args)
    check(result.is_error, f"{name} {json.dumps(args)} is a tool error", text_of(result))
    check(needle in text_of(result), f"{name} {json.dumps(args)} says '{needle}'", text_of(result))


async def main(bin_path, home, project):
    server = StdioServerParameters(
        command=bin_path, args=["mcp"], cwd=project,
        env={"SMART_AGENTS_HOME": home, "NO_COLOR": "1",
             "DBUS_SESSION_BUS_ADDRESS": "unix:path=/nonexistent/smart-agents-test-bus"})
    async with stdio_client(server) as (read, write):
        async with ClientSession(read, write) as session:
            init = await session.initialize()
            check(init.server_info.name == "smart-agents", "server names itself", init.server_info)
            check(init.capabilities.tools is not None, "server offers tools", init.capabilities)

            tools = {t.name: t for t in (await session.list_tools()).tools}
            check(set(tools) == TOOLS, "the seventeen tools are listed", sorted(tools))
            check(all(t.description and len(t.description) > 80 for t in tools.values()),
                  "every tool is described for a model", None)
            props = set(tools["execute"].input_schema.get("properties", {}))
            check(props == EXECUTE_ARGS, "execute takes the issue's argument names", sorted(props))

            task, line = await ok(session, "execute", {"command": ["sh", "-c", "echo hello-mcp"],
                                                      "description": "Say hello"})
            check(set(task) == {"id", "state"}, "execute returns {id, state}", task)
            check(task["id"] in line, "the text line names the id", line)
            tid = task["id"]

            view, _ = await ok(session, "status", {"id": tid})
            check(view["id"] == tid and view["description"] == "Say hello", "status is the task's", view)

            seen = []

            async def progress(value, total, message):
                seen.append((value, total, message))

            waited, _ = await ok(session, "wait", {"ids": [tid], "timeout_seconds": 30},
                                 progress_callback=progress)
            check(waited["done"] is True and waited["tasks"][0]["state"] == "completed",
                  "wait returns once the task ended", waited)
            check(len(seen) >= 1 and all(t == 1 for _, t, _ in seen), "wait sent progress", seen)

            res, _ = await ok(session, "result", {"id": tid})
            check(res["success"] is True and "hello-mcp" in res["output"], "result holds the output", res)

            pwd, _ = await ok(session, "execute", {"command": ["pwd"]})
            await ok(session, "wait", {"ids": [pwd["id"]], "timeout_seconds": 30})
            res, _ = await ok(session, "result", {"id": pwd["id"], "wait_seconds": 5})
            check(res["output"].strip() == project, "cwd defaults to the server's folder", res["output"])

            logs, _ = await ok(session, "logs", {"id": tid, "tail": 5})
            check("hello-mcp" in logs["output"], "logs holds the output", logs)

            slow, _ = await ok(session, "execute", {"command": ["sleep", "30"], "priority": 9})
            early, line = await ok(session, "result", {"id": slow["id"]})
            check(early["state"] in ("pending", "running") and "output" not in early,
                  "result of an unfinished task is its status", early)
            cancelled, _ = await ok(session, "cancel", {"ids": [slow["id"]]})
            check(cancelled["outcomes"][0]["outcome"] in ("cancelled", "cancelling"), "cancel", cancelled)
            waited, _ = await ok(session, "wait", {"ids": [slow["id"]]})
            check(waited["tasks"][0]["state"] == "cancelled", "the cancelled task ends", waited)

            # Calls are served concurrently: a blocked `wait` does not hold up `status`.
            naps, _ = await ok(session, "execute", {"command": ["sleep", "2"]})
            waiting = asyncio.create_task(call(session, "wait", {"ids": [naps["id"]], "timeout_seconds": 20}))
            await asyncio.sleep(0.2)
            view, _ = await ok(session, "status", {"id": naps["id"]})
            check(not waiting.done(), "status answers while wait blocks", view)
            check((await waiting).structured_content["done"] is True, "the concurrent wait ends", None)

            listed, _ = await ok(session, "list", {"state": ["completed"], "limit": 10})
            check({t["id"] for t in listed["tasks"]} == {tid, pwd["id"], naps["id"]}, "list filters by state", listed)
            agents, _ = await ok(session, "agents", {})
            check(any(a["name"] == "shell" for a in agents["agents"]), "agents lists shell", agents)

            await refused(session, "status", {"id": "zzzzzz"}, "no task with id 'zzzzzz'")
            await refused(session, "result", {"id": "zzzzzz"}, "no task with id 'zzzzzz'")
            await refused(session, "cancel", {"ids": ["zzzzzz"]}, "no task with id 'zzzzzz'")
            await refused(session, "execute", {}, "nothing to run")
            await refused(session, "execute", {"description": "only a label"}, "nothing to run")
            await refused(session, "execute", {"prompt": "x", "command": ["true"]}, "not both")
            await refused(session, "execute", {"prompt": 3}, "invalid type")
            await refused(session, "execute", {"command": ["true"], "timeout": "soon"}, "timeout")
            await refused(session, "execute", {"command": ["true"], "priority": 11}, "priority")
            await refused(session, "execute", {"command": ["true"], "cwd": "/nonexistent/x"}, "does not exist")
            await refused(session, "execute", {"command": ["true"], "bogus": 1}, "unknown field")
            await refused(session, "wait", {"ids": [tid], "timeout_seconds": 120}, "at most 50")
            await refused(session, "result", {"id": tid, "wait_seconds": 51}, "at most 50")
            await refused(session, "list", {"state": ["bogus"]}, "unknown state 'bogus'")
            await refused(session, "nope", {}, "no tool named 'nope'")

            # Recurring work: add (checked like the CLI), list, remove.
            added, _ = await ok(session, "schedule_add", {"name": "nightly", "cron": "0 2 * * *", "tz": "UTC",
                                                          "command": ["true"]})
            check(added["name"] == "nightly" and added["next"].endswith("T02:00:00.000Z"), "schedule_add", added)
            await refused(session, "schedule_add", {"name": "x", "cron": "61 * * * *", "command": ["true"]}, "61 * * * *")
            await refused(session, "schedule_add", {"name": "x", "every": "1h"}, "nothing to run")
            scheduled, _ = await ok(session, "schedule_list", {})
            check([s["name"] for s in scheduled["schedules"]] == ["nightly"], "schedule_list", scheduled)
            await ok(session, "schedule_remove", {"name": "nightly"})
            await refused(session, "schedule_remove", {"name": "nightly"}, "no schedule named 'nightly'")

            # A task that asks: `status` shows `needs`, the `answer` tool replies.
            asks, _ = await ok(session, "execute", {"command": ["sh", "-c", f"'{bin_path}' ask 'Which store?' --option Zustand"]})
            for _ in range(200):
                view, _ = await ok(session, "status", {"id": asks["id"]})
                if view.get("needs"):
                    break
                await asyncio.sleep(0.05)
            check(view.get("needs", {}).get("text") == "Which store?", "status shows what the task asks", view)
            await refused(session, "answer", {"id": pwd["id"], "answer": "yes"}, "asks nothing")
            await ok(session, "answer", {"id": asks["id"], "answer": "Zustand"})
            res, _ = await ok(session, "result", {"id": asks["id"], "wait_seconds": 20})
            check(res["output"].strip() == "Zustand", "the task got the answer", res)

            after, _ = await ok(session, "list", {})
            check(len(after["tasks"]) == 5, "the server still answers, nothing else was queued", after)
    print("all MCP checks passed", flush=True)


if __name__ == "__main__":
    asyncio.run(main(*sys.argv[1:4]))
