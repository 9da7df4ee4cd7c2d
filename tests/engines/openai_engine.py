"""The OpenAI SDKs read every `.openai.json` policy toolcat writes, for the bundled
catalogue and for a server of hostile names, and decide each tool as toolcat did.

- `responses_api_tool` is validated by the `openai` SDK's own model of the Responses API
  `mcp` tool (`openai.types.responses.tool.Mcp`).
- `agents_sdk` is handed to an `openai-agents` MCP server (`create_static_tool_filter`,
  `require_approval`); the SDK's own filter and approval policy then decide, for each
  tool, whether it is offered and whether it asks first.

The expected decision of each tool is the list its rule is in, in the Claude Code file of
the same server (allow, ask, deny). Pinned versions are installed by `.ci/run`; run it as
`target/engines-venv/bin/python tests/engines/openai_engine.py TOOLCAT`.
"""

import json
import pathlib
import subprocess
import sys
import tempfile

from agents.mcp import MCPServerStdio, create_static_tool_filter
from mcp.types import Tool
from openai.types.responses.tool import Mcp

REPO = pathlib.Path(__file__).resolve().parents[2]
HOSTILE = [
    'a"b', "a\\b", "a\nb", "*", "read*", "x]y", "x.y", "a = 1", "' or 1=1 --",
    '") || true || ("', "\U0001f980 tool", "a\u202eb", "zero\u200bwidth", "del\x7f",
    "tab\there", "[table]", "#comment",
]


def toolcat(binary, *args, cwd):
    run = subprocess.run([binary, *args], cwd=cwd, capture_output=True, text=True)
    assert run.returncode == 0, f"toolcat {' '.join(args)}: {run.stderr}"


def expected(claude_file, key):
    lists = json.loads(pathlib.Path(claude_file).read_text())["permissions"]
    prefix = f"mcp__{key}__"
    return {
        rule[len(prefix):]: gate
        for gate in ("allow", "ask", "deny")
        for rule in lists[gate]
    }


def decide(server, tool_name):
    """What the Agents SDK does with a tool: not offered, asks first, or runs."""
    tool = Tool(name=tool_name, inputSchema={"type": "object"})
    if not server._apply_static_tool_filter([tool], server.tool_filter):
        return "deny"
    return "ask" if server._get_needs_approval_for_tool(tool, None) else "allow"


def check(openai_file, claude_file, key):
    policy = json.loads(pathlib.Path(openai_file).read_text())
    mcp = Mcp.model_validate(policy["responses_api_tool"], strict=True)
    assert mcp.type == "mcp" and mcp.server_label == key, openai_file
    sdk = policy["agents_sdk"]
    server = MCPServerStdio(
        {"command": "/bin/true"},
        tool_filter=create_static_tool_filter(**sdk["tool_filter"]),
        require_approval=sdk["require_approval"],
    )
    want = expected(claude_file, key)
    assert want, claude_file
    allowed = set(mcp.allowed_tools)
    never = set(mcp.require_approval.never.tool_names)
    always = set(mcp.require_approval.always.tool_names)
    for name, gate in want.items():
        assert decide(server, name) == gate, (key, name, gate)
        responses = "deny" if name not in allowed else "allow" if name in never else "ask"
        assert name not in never or name not in always, (key, name)
        assert responses == gate, (key, name, gate, responses)
    assert decide(server, "a_tool_added_after_review") == "deny", key
    assert "a_tool_added_after_review" not in allowed, key


def main(binary):
    with tempfile.TemporaryDirectory() as work:
        out = pathlib.Path(work, "bundled")
        for fmt in ("openai", "claude-code"):
            toolcat(binary, "policy", "--all", "--format", fmt, "--catalog",
                    str(REPO / "catalog"), "--out", str(out), cwd=work)
        slugs = sorted(f.name[: -len(".openai.json")] for f in out.glob("*.openai.json"))
        assert len(slugs) >= 74, len(slugs)
        for slug in slugs:
            check(out / f"{slug}.openai.json", out / f"{slug}.claude.json", slug)

        verbs = ["Reads a record.", "Deletes a record.", "Updates a record."]
        tools = [{"name": n, "description": verbs[i % 3], "inputSchema": {"type": "object"}}
                 for i, n in enumerate(HOSTILE)]
        pathlib.Path(work, "hostile.json").write_text(json.dumps({"tools": tools}))
        catalog = pathlib.Path(work, "hostile-catalog")
        catalog.mkdir()
        toolcat(binary, "ingest", "hostile.json", "--server", "hostile", "--catalog",
                str(catalog), cwd=work)
        for key in ("hostile", "dots.and-dashes", 'we"ird key'):
            files = {}
            for fmt, ext in (("openai", "openai.json"), ("claude-code", "claude.json")):
                files[fmt] = pathlib.Path(work, f"p.{ext}")
                toolcat(binary, "policy", "hostile", "--catalog", str(catalog),
                        "--server-key", key, "--format", fmt, "--out", str(files[fmt]), cwd=work)
            check(files["openai"], files["claude-code"], key)
    print(f"ok: {len(slugs)} bundled servers and 3 hostile keys decided as toolcat did")


if __name__ == "__main__":
    main(str(pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else REPO / "target" / "debug" / "toolcat").resolve()))
