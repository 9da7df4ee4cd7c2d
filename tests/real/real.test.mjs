// Live ingest of published MCP servers, pinned: server-everything and server-filesystem
// from npm (tests/real/package-lock.json) and mcp-server-time from PyPI (installed by
// .ci/run into target/real-venv). What toolcat lists must equal the bundled catalogue's
// copy of the same versions: the same tool names and input schemas.
//
// Run: `node --test tests/real/` after `bash .ci/run` has installed the servers.

import { test, after } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, mkdirSync, readFileSync, writeFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve, dirname } from "node:path";
import { fileURLToPath } from "node:url";

const repo = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
const bin = process.env.TOOLCAT_BIN || join(repo, "target", "debug", "toolcat");
const work = mkdtempSync(join(tmpdir(), "toolcat-real-"));
const sandbox = join(work, "sandbox");
mkdirSync(sandbox);
after(() => rmSync(work, { recursive: true, force: true }));

const servers = {
  "server-everything": {
    bundled: "modelcontextprotocol-server-everything",
    command: [join(repo, "tests/real/node_modules/.bin/mcp-server-everything"), "stdio"],
  },
  "server-filesystem": {
    bundled: "modelcontextprotocol-server-filesystem",
    command: [join(repo, "tests/real/node_modules/.bin/mcp-server-filesystem"), sandbox],
  },
  "mcp-server-time": {
    bundled: "mcp-server-time",
    command: [join(repo, "target/real-venv/bin/mcp-server-time"), "--local-timezone", "UTC"],
  },
};

function toolcat(args) {
  return spawnSync(bin, args, { cwd: work, encoding: "utf8" });
}

function tools(file) {
  const doc = JSON.parse(readFileSync(file, "utf8"));
  return new Map(doc.tools.map((t) => [t.name, t.inputSchema]));
}

for (const [name, s] of Object.entries(servers)) {
  test(`${name} over stdio lists what the bundled catalogue holds`, () => {
    const catalog = join(work, `catalog-${name}`);
    const started = Date.now();
    const r = toolcat(["ingest", "--quiet", "--catalog", catalog, "--stdio", "--name", name, "--", ...s.command]);
    const seconds = (Date.now() - started) / 1000;
    assert.equal(r.status, 0, r.stderr);
    console.log(`${name}: ingested in ${seconds.toFixed(2)} s`);
    const got = tools(join(catalog, `${name}.json`));
    const want = tools(join(repo, "catalog", `${s.bundled}.json`));
    assert.deepEqual([...got.keys()].sort(), [...want.keys()].sort());
    for (const [tool, schema] of want) {
      assert.deepEqual(got.get(tool), schema, `${name}/${tool} input schema`);
    }
  });
}

test("server-everything over streamable HTTP on a loopback port", async () => {
  const port = 20000 + (process.pid % 20000);
  const child = spawn(servers["server-everything"].command[0], ["streamableHttp"], {
    env: { ...process.env, PORT: String(port) },
    stdio: ["ignore", "pipe", "pipe"],
  });
  try {
    await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error("server-everything did not start")), 20000);
      const watch = (chunk) => {
        if (String(chunk).includes("listening on port")) { clearTimeout(timer); resolve(); }
      };
      child.stdout.on("data", watch);
      child.stderr.on("data", watch);
    });
    const catalog = join(work, "catalog-http");
    const started = Date.now();
    const r = toolcat(["ingest", "--quiet", "--catalog", catalog, "--url", `http://127.0.0.1:${port}/mcp`, "--name", "everything-http"]);
    console.log(`server-everything over HTTP: ingested in ${((Date.now() - started) / 1000).toFixed(2)} s`);
    assert.equal(r.status, 0, r.stderr);
    const got = tools(join(catalog, "everything-http.json"));
    const want = tools(join(repo, "catalog", "modelcontextprotocol-server-everything.json"));
    assert.deepEqual([...got.keys()].sort(), [...want.keys()].sort());
    for (const [tool, schema] of want) assert.deepEqual(got.get(tool), schema, tool);
  } finally {
    child.kill();
  }
});

test("a config of all of them plus a broken entry ingests the good ones", () => {
  const config = { mcpServers: { broken: { command: join(work, "no-such-server") } } };
  for (const [name, s] of Object.entries(servers)) {
    config.mcpServers[name] = { command: s.command[0], args: s.command.slice(1) };
  }
  writeFileSync(join(work, "mcp.json"), JSON.stringify(config));
  const catalog = join(work, "catalog-config");
  const started = Date.now();
  const r = toolcat(["ingest", "--quiet", "--catalog", catalog, "--mcp-config", join(work, "mcp.json")]);
  console.log(`three real servers from one config: ${((Date.now() - started) / 1000).toFixed(2)} s`);
  assert.equal(r.status, 3, r.stderr);
  assert.match(r.stderr, /server broken/);
  for (const name of Object.keys(servers)) {
    assert.ok(tools(join(catalog, `${name}.json`)).size > 0, name);
  }
});
