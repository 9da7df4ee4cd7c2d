// What the engine tests share: hostile tool names, and a catalogue of them.

import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** Names with quotes, backslashes, line breaks, wildcards, brackets, CEL and TOML syntax,
 * astral, invisible and direction-changing characters. */
export const HOSTILE_NAMES = [
  'a"b', "a\\b", "a\nb", "*", "read*", "mcp_*", "x]y", "x.y", "a = 1", "' or 1=1 --",
  '") || true || ("', "🦀 tool", "a\u202eb", "zero\u200bwidth", "del\u007f", "tab\there",
  "[table]", "#comment", "mcp_other_tool",
];

/** Ingest a server `hostile` whose tools have the hostile names (reads, deletes and
 * updates in turn) into a new catalogue under `work`; returns the catalogue's path. */
export function hostileCatalog(work, toolcat) {
  const verbs = ["Reads a record.", "Deletes a record.", "Updates a record."];
  const tools = HOSTILE_NAMES.map((name, i) => ({
    name,
    description: verbs[i % 3],
    inputSchema: { type: "object" },
  }));
  const catalog = join(work, "hostile-catalog");
  mkdirSync(catalog, { recursive: true });
  writeFileSync(join(work, "hostile.json"), JSON.stringify({ tools }));
  toolcat(["ingest", "hostile.json", "--server", "hostile", "--catalog", catalog]);
  return catalog;
}
