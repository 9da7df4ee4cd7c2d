//! VS Code (GitHub Copilot chat): a custom agent file (`.github/agents/*.agent.md`) whose
//! `tools` list names the server's tools the agent may call, plus the
//! `chat.tools.eligibleForAutoApproval` setting for the tools that must always ask.
//!
//! VS Code has no per-tool deny in its settings. A custom agent can call only the tools
//! its front matter lists, so the agent file is where a deny lives: denied tools are left
//! out. An MCP tool is listed by its full reference name, `<server>/<tool>`, where
//! `<server>` is the server's name in `mcp.json` lower-cased with each run of white space
//! made a `-`, and `<tool>` is the tool's name with each `.` made a `_`
//! (`mcpLanguageModelToolContribution.ts` and `McpTool` of VS Code). Two tools that end up
//! with one reference name share the stricter decision. A tool named `*` (whose reference
//! would be `<server>/*`, every tool of the server) or one with a `/` in its name (which
//! VS Code could match by its short name against another entry) gets no entry: denied.
//!
//! `chat.tools.eligibleForAutoApproval` is keyed by the tool's reference name alone, with
//! no server (`isToolEligibleForAutoApproval` of `languageModelToolsService.ts`); a tool set
//! to `false` always shows a confirmation and never offers to auto-approve. toolcat writes
//! `false` for every tool it does not allow outright, and never `true`, since a `true` would
//! also reach a same-named tool of another server. VS Code cannot count calls either, so
//! rate-limited tools ask ([`super::GATE_NOTE`]).
//!
//! One gap toolcat cannot close from one server's file: VS Code also enables a tool by its
//! short name, so a tool of *another* server whose own name is `<this server>/<tool>`
//! would be reached through this agent's entry. Such names contain a `/`; toolcat never
//! lists them in the server it writes, and flags nothing in the other.
//!
//! VS Code is not a library toolcat can load; `policy --check` reads the front matter and
//! the setting, and the tests evaluate both with VS Code's matching rules.

use super::{gate, Gate, ServerPolicy, ToolPolicy, GATE_NOTE};
use crate::untrusted::{one_line, quoted_yaml};
use std::collections::BTreeMap;
use std::fmt::Write;

/// The setting that keeps a tool asking.
pub const SETTING: &str = "chat.tools.eligibleForAutoApproval";

/// The comment line that carries the setting, before its JSON.
pub const SETTING_LINE: &str = "# settings.json: ";

/// White space as JavaScript's `\s` reads it.
fn js_space(c: char) -> bool {
    matches!(
        c,
        '\t' | '\n' | '\u{b}' | '\u{c}' | '\r' | ' ' | '\u{a0}' | '\u{1680}' | '\u{2000}'
            ..='\u{200a}'
                | '\u{2028}'
                | '\u{2029}'
                | '\u{202f}'
                | '\u{205f}'
                | '\u{3000}'
                | '\u{feff}'
    )
}

/// The tool set name VS Code gives the server named `key` in `mcp.json`: lower-cased,
/// each run of white space made a `-` (`label.toLowerCase().replace(/\s+/g, '-')`).
pub fn server_reference(key: &str) -> String {
    let lower = key.to_lowercase();
    let mut out = String::with_capacity(lower.len());
    let mut space = false;
    for c in lower.chars() {
        if js_space(c) {
            if !space {
                out.push('-');
            }
            space = true;
        } else {
            out.push(c);
            space = false;
        }
    }
    out
}

/// A tool's reference name: its name with each `.` made a `_`.
pub fn tool_reference(name: &str) -> String {
    name.replace('.', "_")
}

/// Whether a tool can have an entry of its own: not `*`, no `/`.
pub fn listable(name: &str) -> bool {
    name != "*" && !name.contains('/')
}

/// The gate of each reference name the agent lists, the stricter where tools share one;
/// tools that cannot be listed are left out.
pub fn listed(p: &ServerPolicy) -> BTreeMap<String, Gate> {
    let server = server_reference(&p.key);
    let mut out: BTreeMap<String, Gate> = BTreeMap::new();
    for t in &p.tools {
        let g = if listable(&t.name) {
            gate(t)
        } else {
            Gate::Deny
        };
        let full = format!("{server}/{}", tool_reference(&t.name));
        let e = out.entry(full).or_insert(g);
        *e = (*e).max(g);
    }
    out.retain(|_, g| *g != Gate::Deny);
    out
}

/// The reference names `chat.tools.eligibleForAutoApproval` sets to `false`: every tool
/// toolcat does not allow outright.
pub fn never_auto(p: &ServerPolicy) -> Vec<String> {
    let allowed = listed(p);
    let server = server_reference(&p.key);
    let mut out: Vec<String> = p
        .tools
        .iter()
        .map(|t| tool_reference(&t.name))
        .filter(|r| allowed.get(&format!("{server}/{r}")) != Some(&Gate::Allow))
        .collect();
    out.sort();
    out.dedup();
    out
}

/// A JSON string literal in ASCII only, so that no character a YAML reader might take for
/// a line break ends the comment that holds it.
fn ascii_json(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            ' '..='~' => out.push(c),
            c => {
                let mut buf = [0u16; 2];
                for unit in c.encode_utf16(&mut buf) {
                    let _ = write!(out, "\\u{unit:04x}");
                }
            }
        }
    }
    out.push('"');
    out
}

/// The setting as one line of JSON.
pub fn setting_json(p: &ServerPolicy) -> String {
    let entries: Vec<String> = never_auto(p)
        .iter()
        .map(|r| format!("{}: false", ascii_json(r)))
        .collect();
    format!("{{{}: {{{}}}}}", ascii_json(SETTING), entries.join(", "))
}

/// The agent's name.
fn agent_name(p: &ServerPolicy) -> String {
    format!("toolcat-{}", p.slug)
}

/// The whole file.
pub fn render(p: &ServerPolicy) -> String {
    let server = server_reference(&p.key);
    let listed = listed(p);
    let mut out = String::from("---\n");
    let _ = writeln!(
        out,
        "# VS Code custom agent for {} generated by toolcat (profile {}).",
        one_line(&p.name, 120),
        p.profile
    );
    let _ = writeln!(
        out,
        "# Put it in .github/agents/ (workspace) or your profile's agents folder and choose \
         the agent {} in chat: it can call only the tools listed below. The server must be \
         named {} in mcp.json (toolcat policy --server-key).",
        agent_name(p),
        one_line(&p.key, 120)
    );
    let _ = writeln!(
        out,
        "# VS Code cannot deny a tool outside such an agent. So that the tools toolcat does \
         not allow outright always ask, in every agent, merge this into settings.json:"
    );
    let _ = writeln!(out, "{SETTING_LINE}{}", setting_json(p));
    let _ = writeln!(out, "# {GATE_NOTE}");
    let _ = writeln!(out, "name: {}", quoted_yaml(&agent_name(p)));
    let _ = writeln!(
        out,
        "description: {}",
        quoted_yaml(&format!(
            "The tools of {} that toolcat's review lets an agent reach.",
            one_line(&p.name, 80)
        ))
    );
    if listed.is_empty() {
        let _ = writeln!(
            out,
            "# No tool of this server is allowed or asks: none listed."
        );
        let _ = writeln!(out, "tools: []");
    } else {
        let _ = writeln!(out, "tools:");
        let mut seen = std::collections::BTreeSet::new();
        for t in p.tools.iter().filter(|t| listable(&t.name)) {
            let full = format!("{server}/{}", tool_reference(&t.name));
            let Some(g) = listed.get(&full) else {
                continue;
            };
            // One entry per reference name, at its first tool.
            if !seen.insert(full.clone()) {
                continue;
            }
            let how = if *g == Gate::Allow { "allowed" } else { "asks" };
            let _ = writeln!(out, "# {how}: {}", one_line(&t.reason, 200));
            let _ = writeln!(out, "- {}", quoted_yaml(&full));
        }
    }
    out.push_str("---\n");
    out.push_str(
        "Work only with the tools this agent lists. A tool it does not list was left out by \
         a review of what the tool does.\n",
    );
    crate::untrusted::escape_invisible_yaml(&out).into_owned()
}

/// Whether two tool names have one reference name (`.` and `_` alike).
fn same_reference(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .all(|(x, y)| x == y || (matches!(x, b'.' | b'_') && matches!(y, b'.' | b'_')))
}

/// A tool's entry, as its page shows it.
pub fn snippet(p: &ServerPolicy, t: &ToolPolicy) -> String {
    let full = format!("{}/{}", server_reference(&p.key), tool_reference(&t.name));
    // The stricter decision of the tools that share the entry, as in [`listed`].
    let shared = p
        .tools
        .iter()
        .filter(|o| same_reference(&o.name, &t.name))
        .map(|o| {
            if listable(&o.name) {
                gate(o)
            } else {
                Gate::Deny
            }
        })
        .max()
        .unwrap_or(Gate::Deny);
    match shared {
        Gate::Allow => format!("tools:\n- {}", quoted_yaml(&full)),
        Gate::Ask => format!(
            "tools:\n- {}\n{SETTING_LINE}{{{}: {{{}: false}}}}",
            quoted_yaml(&full),
            ascii_json(SETTING),
            ascii_json(&tool_reference(&t.name))
        ),
        Gate::Deny => "tools:\n# not listed: denied".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_follow_vs_code() {
        assert_eq!(server_reference("My  Server\tX"), "my-server-x");
        assert_eq!(server_reference("GitHub"), "github");
        assert_eq!(tool_reference("files.read.all"), "files_read_all");
        assert!(!listable("*") && !listable("a/b") && listable("a*"));
        assert!(same_reference("a.b_c", "a_b.c") && !same_reference("a.b", "a-b"));
        assert_eq!(
            ascii_json("a\"\\\u{2028}🦀"),
            "\"a\\\"\\\\\\u2028\\ud83e\\udd80\""
        );
    }
}
