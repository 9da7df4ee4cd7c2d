// Gemini CLI's own policy loader and engine (@google/gemini-cli-core, pinned in
// tests/engines/package-lock.json) load every Gemini policy toolcat writes for the bundled
// catalogue and for a server of hostile names, and decide for each tool what toolcat
// decided: the allow, ask and deny lists of the Claude Code file of the same server (the
// same gate), a denial for a tool whose name has a `*`, and a denial for a tool the
// policy does not know.
//
// Run: `node --test tests/engines/` after `bash .ci/run` has installed the packages.

import { test, after } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, mkdirSync, readFileSync, readdirSync, writeFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { hostileCatalog } from "./common.mjs";
import {
  loadPoliciesFromToml,
  PolicyEngine,
} from "@google/gemini-cli-core/dist/src/policy/index.js";
import { formatMcpToolName } from "@google/gemini-cli-core/dist/src/tools/mcp-tool.js";

// The engine logs every check at debug level.
console.debug = () => {};

const repo = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
const bin = process.env.TOOLCAT_BIN || join(repo, "target", "debug", "toolcat");
const work = mkdtempSync(join(tmpdir(), "toolcat-engines-"));
after(() => rmSync(work, { recursive: true, force: true }));

function toolcat(args) {
  const r = spawnSync(bin, args, { cwd: work, encoding: "utf8" });
  assert.equal(r.status, 0, `toolcat ${args.join(" ")}: ${r.stderr}`);
  return r;
}

/** The engine's rules from one file; errors (not warnings) fail the test. */
async function load(file) {
  const { rules, errors } = await loadPoliciesFromToml([file], () => 4);
  const real = errors.filter((e) => e.severity !== "warning");
  assert.deepEqual(real, [], `${file}: ${JSON.stringify(real, null, 1)}`);
  return rules;
}

/** What the engine decides for a call of `tool` on the server `key`. */
async function decide(engine, key, tool) {
  const r = await engine.check({ name: formatMcpToolName(key, tool), args: {} }, key);
  return r.decision;
}

/** Tool name to expected decision, from the Claude Code file's lists. */
function expected(claudeFile, key) {
  const { permissions } = JSON.parse(readFileSync(claudeFile, "utf8"));
  const prefix = `mcp__${key}__`;
  const out = new Map();
  for (const [list, decision] of [["allow", "allow"], ["ask", "ask_user"], ["deny", "deny"]]) {
    for (const rule of permissions[list]) {
      assert.ok(rule.startsWith(prefix), rule);
      const tool = rule.slice(prefix.length);
      out.set(tool, tool.includes("*") ? "deny" : decision);
    }
  }
  return out;
}

async function assertEquivalent(geminiFile, claudeFile, key) {
  const engine = new PolicyEngine({ rules: await load(geminiFile), nonInteractive: false });
  const want = expected(claudeFile, key);
  assert.ok(want.size > 0, claudeFile);
  for (const [tool, decision] of want) {
    assert.equal(await decide(engine, key, tool), decision, `${key}/${JSON.stringify(tool)}`);
  }
  assert.equal(await decide(engine, key, "a_tool_added_after_review"), "deny", key);
}

test("every Gemini policy of the bundled catalogue loads and decides as toolcat did", async () => {
  for (const profile of ["default", "strict", "permissive"]) {
    const out = join(work, `bundled-${profile}`);
    for (const format of ["gemini", "claude-code"]) {
      toolcat(["policy", "--all", "--format", format, "--profile", profile,
        "--catalog", join(repo, "catalog"), "--out", out]);
    }
    const slugs = readdirSync(out)
      .filter((f) => f.endsWith(".gemini.toml"))
      .map((f) => f.slice(0, -".gemini.toml".length));
    assert.ok(slugs.length >= 74, `${slugs.length} servers`);
    for (const slug of slugs) {
      await assertEquivalent(join(out, `${slug}.gemini.toml`), join(out, `${slug}.claude.json`), slug);
    }
  }
});

test("hostile tool names and server keys reach the engine as exactly one tool", async () => {
  const catalog = hostileCatalog(work, toolcat);
  for (const key of ["hostile", 'we"ird key', "dots.and-dashes", "a\\b"]) {
    const dir = join(work, "hostile-out");
    mkdirSync(dir, { recursive: true });
    const gemini = join(dir, "p.gemini.toml");
    const claude = join(dir, "p.claude.json");
    toolcat(["policy", "hostile", "--catalog", catalog, "--server-key", key, "--format", "gemini", "--out", gemini]);
    toolcat(["policy", "hostile", "--catalog", catalog, "--server-key", key, "--format", "claude-code", "--out", claude]);
    await assertEquivalent(gemini, claude, key);
    // Another server's tool of the same name is not governed by this file.
    const engine = new PolicyEngine({ rules: await load(gemini), nonInteractive: false });
    const other = await engine.check({ name: formatMcpToolName("other", "x.y"), args: {} }, "other");
    assert.notEqual(other.rule?.source?.includes("p.gemini.toml"), true, key);
  }
});
