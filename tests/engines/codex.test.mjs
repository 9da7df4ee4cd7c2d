// The Codex CLI (@openai/codex, pinned in tests/engines/package-lock.json) loads the
// settings toolcat writes for every server of the bundled catalogue and for a server of
// hostile names: its config loader accepts every file (each value checked, an unknown
// approval mode is an error with its line), and `codex mcp get --json` reports exactly
// the enabled and disabled tools toolcat meant, those of the Claude Code file of the same
// server (allowed and asked; denied). Per-tool approval modes are checked against the
// decisions in tests/it/dialects.rs; Codex offers no offline command that prints them.
//
// Run: `node --test tests/engines/` after `bash .ci/run` has installed the packages.

import { test, after } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, writeFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { hostileCatalog } from "./common.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, "..", "..");
const bin = process.env.TOOLCAT_BIN || join(repo, "target", "debug", "toolcat");
const codex = join(here, "node_modules", ".bin", "codex");
// Not under /tmp: Codex refuses to set up its helpers in a temporary folder, and says so.
const work = mkdtempSync(join(repo, "target", "codex-"));
after(() => rmSync(work, { recursive: true, force: true }));

function run(command, args, env = {}) {
  return spawnSync(command, args, { cwd: work, encoding: "utf8", env: { ...process.env, ...env } });
}

function toolcat(args) {
  const r = run(bin, args);
  assert.equal(r.status, 0, `toolcat ${args.join(" ")}: ${r.stderr}`);
}

/** A Codex home whose config.toml holds the given toolcat files, each server given a command. */
function codexHome(files) {
  const home = mkdtempSync(join(work, "home-"));
  const text = files
    .map((f) => readFileSync(f, "utf8").replace(/^(\[mcp_servers\.[^\n]*\]\n)/m, '$1command = "/bin/true"\n'))
    .join("\n");
  writeFileSync(join(home, "config.toml"), text);
  return home;
}

/** Codex's view of one server. */
function get(home, key) {
  const r = run(codex, ["mcp", "get", key, "--json"], { CODEX_HOME: home });
  assert.equal(r.status, 0, `codex mcp get ${key}: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

/** A tool named `*` has no Claude Code rule of its own (`mcp__<key>__*` names every tool of
 * the server), so it is left out of the comparison; tests/it/dialects.rs covers it. */
const named = (tool) => tool !== "*";

/** The enabled and disabled tools the Claude Code file of the server means. */
function expected(claudeFile, key) {
  const { permissions } = JSON.parse(readFileSync(claudeFile, "utf8"));
  const prefix = `mcp__${key}__`;
  const names = (list) => permissions[list].map((r) => r.slice(prefix.length)).filter(named).sort();
  return { enabled: [...names("allow"), ...names("ask")].sort(), disabled: names("deny") };
}

function assertLoaded(home) {
  const r = run(codex, ["debug", "prompt-input"], { CODEX_HOME: home });
  assert.equal(r.status, 0, `Codex did not load the config: ${r.stderr}`);
}

function assertEquivalent(home, claudeFile, key) {
  const got = get(home, key);
  const want = expected(claudeFile, key);
  const list = (l) => [...(l ?? [])].filter(named).sort();
  assert.deepEqual(list(got.enabled_tools), want.enabled, `${key}: enabled_tools`);
  assert.deepEqual(list(got.disabled_tools), want.disabled, `${key}: disabled_tools`);
}

test("Codex loads the settings of every bundled server and enables what toolcat allows", () => {
  const out = join(work, "bundled");
  for (const format of ["codex", "claude-code"]) {
    toolcat(["policy", "--all", "--format", format, "--catalog", join(repo, "catalog"), "--out", out]);
  }
  const slugs = readdirSync(out)
    .filter((f) => f.endsWith(".codex.toml"))
    .map((f) => f.slice(0, -".codex.toml".length));
  assert.ok(slugs.length >= 74, `${slugs.length} servers`);
  const home = codexHome(slugs.map((s) => join(out, `${s}.codex.toml`)));
  assertLoaded(home);
  for (const slug of slugs) {
    assertEquivalent(home, join(out, `${slug}.claude.json`), slug);
  }
});

test("an approval mode Codex does not know is refused with its line", () => {
  const home = mkdtempSync(join(work, "home-"));
  writeFileSync(
    join(home, "config.toml"),
    '[mcp_servers.x]\ncommand = "/bin/true"\n\n[mcp_servers.x.tools.y]\napproval_mode = "always"\n',
  );
  const r = run(codex, ["debug", "prompt-input"], { CODEX_HOME: home });
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /config\.toml:5:\d+: unknown variant `always`/);
});

test("hostile tool names and server keys reach Codex as exactly those tools", () => {
  const catalog = hostileCatalog(work, toolcat);
  for (const key of ["hostile", "dots.and-dashes", 'we"ird key']) {
    const dir = mkdtempSync(join(work, "hostile-"));
    const file = join(dir, "p.codex.toml");
    const claude = join(dir, "p.claude.json");
    toolcat(["policy", "hostile", "--catalog", catalog, "--server-key", key, "--format", "codex", "--out", file]);
    toolcat(["policy", "hostile", "--catalog", catalog, "--server-key", key, "--format", "claude-code", "--out", claude]);
    const home = codexHome([file]);
    assertLoaded(home);
    assertEquivalent(home, claude, key);
  }
});
