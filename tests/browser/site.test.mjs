// A real browser over built sites: Debian's headless chromium, driven by playwright-core.
//
// Builds the bundled catalogue's site and a site of the hostile fixture with the toolcat
// binary (TOOLCAT_BIN, or target/debug/toolcat), opens pages from file://, searches, and
// checks that no payload of the hostile fixture runs. Screenshots go to
// target/browser-screenshots/. Run: `node --test tests/browser/` (from the repository).

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, mkdirSync, readdirSync, writeFileSync, existsSync, statSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve, dirname } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { chromium } from "playwright-core";

const repo = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
const bin = process.env.TOOLCAT_BIN || join(repo, "target", "debug", "toolcat");
const shots = join(repo, "target", "browser-screenshots");
const work = mkdtempSync(join(tmpdir(), "toolcat-browser-"));
const bundled = join(work, "site");
const large = join(work, "large-site");
const synth = process.env.SYNTH_BIN || join(repo, "target", "debug", "examples", "synth");
const hostile = join(work, "hostile-site");
let browser;

function toolcat(...args) {
  return execFileSync(bin, args, { cwd: work, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}

function url(site, path) {
  return pathToFileURL(join(site, path)).href;
}

before(async () => {
  assert.ok(existsSync(bin), `the toolcat binary is built (${bin})`);
  toolcat("build", "--catalog", join(repo, "catalog"), "--out", bundled);
  const catalog = join(work, "hostile-catalog");
  toolcat("ingest", "--catalog", catalog, join(repo, "tests", "data", "hostile", "hostile.json"));
  toolcat("build", "--catalog", catalog, "--out", hostile);
  // A catalogue large enough for a search index of many shards.
  assert.ok(existsSync(synth), `the synth example is built (${synth})`);
  execFileSync(synth, ["--servers", "500", "--tools", "8000", "--seed", "3", "--out", join(work, "large")]);
  toolcat("build", "--catalog", join(work, "large"), "--out", large);
  mkdirSync(shots, { recursive: true });
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
  });
});

after(async () => {
  if (browser) await browser.close();
  // The built sites take about 250 MB; KEEP_BROWSER_WORK=1 keeps them for a look.
  if (process.env.KEEP_BROWSER_WORK === "1") {
    console.log(`built sites kept in ${work}`);
  } else {
    rmSync(work, { recursive: true, force: true });
  }
});

/** A fresh page that records dialogs, console errors and requests leaving file://. */
async function open(target, setup) {
  const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
  if (setup) setup(page);
  const events = { dialogs: [], errors: [], remote: [] };
  page.on("dialog", (d) => { events.dialogs.push(d.message()); d.dismiss().catch(() => {}); });
  page.on("pageerror", (e) => events.errors.push(String(e)));
  page.on("request", (r) => { if (!r.url().startsWith("file:")) events.remote.push(r.url()); });
  await page.goto(target, { waitUntil: "load" });
  return { page, events };
}

async function landmarks(page) {
  return page.evaluate(() => ({
    main: document.querySelectorAll("main").length,
    header: document.querySelectorAll("body > header").length,
    footer: document.querySelectorAll("body > footer").length,
    h1: document.querySelectorAll("h1").length,
    title: document.title,
    pwned: window.__pwned,
  }));
}

test("home, server and tool pages show their sections", async () => {
  const home = await open(url(bundled, "index.html"));
  assert.equal(await home.page.locator("h1").innerText(), "MCP tool risk catalogue");
  assert.equal(await home.page.locator("svg.chart").count(), 2);
  assert.ok((await home.page.locator("table tbody tr").count()) >= 74);
  await home.page.screenshot({ path: join(shots, "home.png"), fullPage: false });

  const server = await open(url(bundled, "servers/mcp-server-git/index.html"));
  for (const heading of ["Tools by category and risk", "Tools, riskiest first"]) {
    assert.equal(await server.page.getByRole("heading", { name: heading }).count(), 1, heading);
  }
  assert.match(await server.page.locator(".facts").innerText(), /tokens/);
  await server.page.screenshot({ path: join(shots, "server.png"), fullPage: false });

  const tool = await open(url(bundled, "tools/mcp-server-git/git_reset.html"));
  for (const heading of ["What it does", "Why it needs a policy", "Parameters", "Annotations", "Questions"]) {
    assert.equal(await tool.page.getByRole("heading", { name: heading, exact: true }).count(), 1, heading);
  }
  const faq = JSON.parse(await tool.page.locator('script[type="application/ld+json"]').innerText());
  assert.equal(faq["@type"], "FAQPage");
  await tool.page.locator("details.qa summary").first().click();
  assert.ok(await tool.page.locator("details.qa").first().evaluate((d) => d.open));
  await tool.page.screenshot({ path: join(shots, "tool.png"), fullPage: false });

  for (const p of [home, server, tool]) {
    assert.deepEqual(p.events.errors, []);
    assert.deepEqual(p.events.remote, [], "no request leaves the site");
    await p.page.close();
  }
});

test("search finds a tool as you type, filters, and its result opens the tool", async () => {
  const { page, events } = await open(url(bundled, "index.html"));
  await page.fill("#site-q", "git_reset");
  await page.press("#site-q", "Enter");
  await page.waitForURL(/search\/index\.html\?q=git_reset/);
  const first = page.locator("#results li a").first();
  await first.waitFor();
  assert.equal(await first.innerText(), "git_reset");
  await page.fill("#q", "");
  await page.type("#q", "delete");
  await page.selectOption("#risk", "critical");
  await page.waitForFunction(() => /match/.test(document.getElementById("status").textContent));
  const risks = await page.locator("#results .badge[class*=risk-]").allInnerTexts();
  assert.ok(risks.length > 0 && risks.every((r) => r === "critical"), risks.join(","));
  await page.selectOption("#risk", "");
  await page.fill("#q", "git_reset");
  await page.locator("#results li a").first().click();
  await page.waitForURL(/tools\/mcp-server-git\/git_reset\.html$/);
  assert.equal(await page.locator("h1").innerText(), "git_reset");
  assert.deepEqual(events.errors, []);
  await page.close();
});

test("no payload of a hostile definition runs, and every page keeps its landmarks", async () => {
  const pages = [];
  const toolsDir = join(hostile, "tools", "hostile");
  for (const file of readdirSync(toolsDir)) pages.push(`tools/hostile/${file}`);
  pages.push("servers/hostile/index.html", "index.html", "rules/tc107/index.html");
  assert.ok(pages.length >= 9);
  for (const path of pages) {
    const { page, events } = await open(url(hostile, path));
    // Give any injected handler a chance: every element gets mouse and focus events.
    await page.evaluate(() => {
      for (const el of document.querySelectorAll("body *")) {
        for (const type of ["mouseover", "mouseenter", "mousemove", "focus", "animationstart"]) {
          el.dispatchEvent(new Event(type, { bubbles: true }));
        }
      }
    });
    const marks = await landmarks(page);
    assert.equal(marks.pwned, undefined, `${path}: a payload ran`);
    assert.notEqual(marks.title, "PWNED", path);
    assert.deepEqual(
      { main: marks.main, header: marks.header, footer: marks.footer, h1: marks.h1 },
      { main: 1, header: 1, footer: 1, h1: 1 },
      path,
    );
    assert.deepEqual(events.dialogs, [], path);
    assert.deepEqual(events.remote, [], `${path}: no request leaves the site`);
    await page.close();
  }
  // Search renders hostile names as text.
  const { page } = await open(url(hostile, "search/index.html") + "?q=pwned");
  await page.locator("#results li").first().waitFor();
  assert.ok((await page.locator("#results li").count()) > 0);
  assert.equal(await page.evaluate(() => window.__pwned), undefined);
  assert.equal(await page.locator("#results script, #results img, #results svg").count(), 0);
  await page.close();
  writeFileSync(join(shots, "README.txt"), "Screenshots of the bundled site: home.png, server.png, tool.png\n");
  console.log(`screenshots: ${shots}`);
});

test("a sharded index loads at most 2 MB before the first results, and more on request", async () => {
  const index = statSync(join(large, "assets", "search-index.js")).size;
  const shards = readdirSync(join(large, "assets", "search"));
  assert.ok(shards.length > 5, `${shards.length} shard files`);
  const loaded = [];
  const { page, events } = await open(url(large, "search/index.html") + "?q=s", (page) => {
    page.on("requestfinished", (r) => {
      const m = r.url().match(/assets\/search\/([^/]+\.js)$/);
      if (m) loaded.push(m[1]);
    });
  });
  // The query is one letter: every shard of words starting with "s" could hold results.
  await page.locator("#results li").first().waitFor();
  await page.waitForFunction(() => !document.getElementById("more").hidden);
  const bytes = loaded.reduce((n, f) => n + statSync(join(large, "assets", "search", f)).size, index);
  assert.ok(loaded.length >= 1, "shards were loaded");
  assert.ok(bytes <= 2 * 1024 * 1024, `${bytes} bytes loaded before stopping`);
  const names = await page.locator("#results li code").allInnerTexts();
  assert.ok(names.length > 0);
  // More of the index on request.
  const before = loaded.length;
  await page.click("#more");
  for (let i = 0; i < 100 && loaded.length <= before; i++) await page.waitForTimeout(50);
  assert.ok(loaded.length > before, "the button loads further shards");
  // A precise query finds its tool whatever shard it is in.
  const wanted = names[0];
  await page.fill("#q", wanted);
  await page.waitForFunction((w) => [...document.querySelectorAll("#results li code")].some((c) => c.textContent === w), wanted);
  assert.deepEqual(events.errors, []);
  assert.deepEqual(events.remote, []);
  await page.close();
});
