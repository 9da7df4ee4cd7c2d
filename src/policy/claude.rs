//! Claude Code permissions: `{"permissions": {"allow", "ask", "deny"}}` with
//! `mcp__<server key>__<tool>` rules. Reads that are allowed go to `allow`; writes,
//! executes and tools needing approval to `ask`; destructive, financial, denied and
//! hidden tools to `deny`.
//!
//! Claude Code reads `mcp__<server>__*` as every tool of the server, so a tool named `*`
//! cannot be named on its own. If toolcat would allow it, it is left out (Claude Code asks
//! about an MCP tool no rule names); otherwise the server's every tool is denied, the
//! tighter of the two ways to hold that tool's decision.

use super::{Gate, ServerPolicy, ToolPolicy};
use serde_json::json;

/// Which list a tool's rule belongs in ([`super::gate`]).
pub fn list_of(t: &ToolPolicy) -> &'static str {
    match super::gate(t) {
        Gate::Allow => "allow",
        Gate::Ask => "ask",
        Gate::Deny => "deny",
    }
}

/// The rule naming a tool: `mcp__<key>__<tool>`.
pub fn rule(key: &str, tool: &str) -> String {
    format!("mcp__{key}__{tool}")
}

/// The whole file.
pub fn render(p: &ServerPolicy) -> String {
    let mut lists: [(&str, Vec<String>); 3] = [
        ("allow", Vec::new()),
        ("ask", Vec::new()),
        ("deny", Vec::new()),
    ];
    let star = p.tools.iter().find(|t| t.name == "*");
    if star.is_some_and(|t| list_of(t) != "allow") {
        lists[2].1.push(rule(&p.key, "*"));
    }
    for t in p.tools.iter().filter(|t| t.name != "*") {
        let list = list_of(t);
        if let Some(l) = lists.iter_mut().find(|l| l.0 == list) {
            l.1.push(rule(&p.key, &t.name));
        }
    }
    let value = json!({
        "permissions": {
            "allow": lists[0].1,
            "ask": lists[1].1,
            "deny": lists[2].1,
        }
    });
    let mut text = serde_json::to_string_pretty(&value).unwrap_or_default();
    text.push('\n');
    crate::untrusted::escape_invisible(&text).into_owned()
}

/// A tool's rule, as its page shows it.
pub fn snippet(p: &ServerPolicy, tp: &ToolPolicy) -> String {
    if tp.name == "*" && list_of(tp) == "allow" {
        return "\"permissions\": { } (a tool named * is left out: Claude Code asks)".into();
    }
    format!(
        "\"permissions\": {{ \"{}\": [{}] }}",
        list_of(tp),
        crate::untrusted::quoted_json(&rule(&p.key, &tp.name))
    )
}
