//! The gating dialects (Gemini CLI, Codex, `OpenAI`, agentgateway): every file read back with the field shapes the
//! clients' own loaders accept, and the decision it encodes for each tool compared with
//! the one toolcat made, on the bundled catalogue and on hostile names.

use proptest::prelude::*;
use serde::Deserialize;
use std::collections::BTreeMap;
use toolcat::classify::Classifier;
use toolcat::config::Config;
use toolcat::model::{Server, ServerInfo, Tool};
use toolcat::policy::{self, gate, Dialect, Gate, Options, Profile, ServerPolicy};

fn policy_of(server: &Server, profile: &str, key: Option<&str>) -> ServerPolicy {
    let config = Config::default();
    let opts = Options {
        profile: Profile::builtin(profile).unwrap(),
        server_key: key.map(str::to_string),
        ..Options::default()
    };
    let verdicts = Classifier::new(&config).verdicts(server, &server.tools);
    policy::for_server(server, &verdicts, &opts)
}

fn bundled() -> Vec<Server> {
    toolcat::catalog::load(&crate::common::bundled_catalog())
        .unwrap()
        .servers
}

/// A rule as Gemini CLI's loader (`PolicyRuleSchema` of `toml-loader.ts`) takes it: the
/// fields toolcat writes, and no other.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct GeminiRule {
    tool_name: String,
    mcp_name: Option<String>,
    decision: GeminiDecision,
    priority: u32,
    deny_message: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
#[serde(rename_all = "snake_case")]
enum GeminiDecision {
    Allow,
    AskUser,
    Deny,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct GeminiFile {
    rule: Vec<GeminiRule>,
}

/// `*` in a rule's tool name matches any run of characters, as the engine reads it.
fn glob(pattern: &str, name: &str) -> bool {
    match pattern.split_once('*') {
        None => pattern == name,
        Some((head, rest)) => {
            name.starts_with(head)
                && (0..=name.len() - head.len())
                    .filter(|i| name.is_char_boundary(head.len() + i))
                    .any(|i| glob(rest, &name[head.len() + i..]))
        }
    }
}

/// The decision the engine takes for `tool` of the server `key`: the matching rule of
/// highest priority (no match: the client asks, its default for MCP tools).
fn gemini_decision(file: &GeminiFile, key: &str, tool: &str) -> Gate {
    let best = file
        .rule
        .iter()
        .filter(|r| r.mcp_name.as_deref() == Some(key))
        .filter(|r| glob(&r.tool_name, tool))
        .max_by_key(|r| r.priority);
    match best.map(|r| r.decision) {
        Some(GeminiDecision::Allow) => Gate::Allow,
        Some(GeminiDecision::AskUser) | None => Gate::Ask,
        Some(GeminiDecision::Deny) => Gate::Deny,
    }
}

/// A server's table as Codex reads it (`RawMcpServerConfig`, less the transport, which
/// the user's own table holds).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CodexServer {
    default_tools_approval_mode: Option<CodexApproval>,
    enabled_tools: Option<Vec<String>>,
    disabled_tools: Option<Vec<String>>,
    #[serde(default)]
    tools: BTreeMap<String, CodexTool>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CodexTool {
    approval_mode: Option<CodexApproval>,
}

#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
#[serde(rename_all = "snake_case")]
enum CodexApproval {
    Auto,
    Prompt,
    Approve,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CodexFile {
    mcp_servers: BTreeMap<String, CodexServer>,
}

/// What Codex does with `tool`: registered only if enabled and not disabled, then called
/// without asking only when its approval mode (or the server's default) is `approve`.
fn codex_decision(file: &CodexFile, key: &str, tool: &str) -> Gate {
    let Some(s) = file.mcp_servers.get(key) else {
        return Gate::Ask;
    };
    let enabled = s
        .enabled_tools
        .as_ref()
        .is_none_or(|e| e.iter().any(|n| n == tool));
    let disabled = s
        .disabled_tools
        .as_ref()
        .is_some_and(|d| d.iter().any(|n| n == tool));
    if !enabled || disabled {
        return Gate::Deny;
    }
    let mode = s
        .tools
        .get(tool)
        .and_then(|t| t.approval_mode)
        .or(s.default_tools_approval_mode)
        .unwrap_or(CodexApproval::Auto);
    match mode {
        CodexApproval::Approve => Gate::Allow,
        CodexApproval::Prompt | CodexApproval::Auto => Gate::Ask,
    }
}

/// What the Responses API does with `tool`: offered only if in `allowed_tools`, then
/// called without asking only when `require_approval.never` names it. The Agents SDK part
/// must say the same: allowed and not blocked, the same approvals.
fn openai_decision(file: &serde_json::Value, tool: &str) -> Gate {
    let has = |v: &serde_json::Value| v.as_array().is_some_and(|a| a.iter().any(|n| n == tool));
    let r = &file["responses_api_tool"];
    assert_eq!(r["type"], "mcp");
    let a = &file["agents_sdk"];
    let offered = has(&r["allowed_tools"]);
    assert_eq!(
        offered,
        has(&a["tool_filter"]["allowed_tool_names"])
            && !has(&a["tool_filter"]["blocked_tool_names"]),
        "{tool:?}: the Agents SDK filter disagrees"
    );
    assert_eq!(r["require_approval"], a["require_approval"]);
    if !offered {
        return Gate::Deny;
    }
    if has(&r["require_approval"]["never"]["tool_names"]) {
        assert!(
            !has(&r["require_approval"]["always"]["tool_names"]),
            "{tool:?}"
        );
        Gate::Allow
    } else {
        Gate::Ask
    }
}

/// agentgateway's rules, read from the YAML file and compiled by the `cel` crate.
struct Agentgateway {
    rules: Vec<cel::Program>,
}

impl Agentgateway {
    fn of(text: &str) -> Agentgateway {
        use toolcat::policy::yaml::{self, Node};
        let doc = yaml::parse(text).unwrap().unwrap();
        let rules = doc
            .get("mcpAuthorization")
            .and_then(|a| a.get("rules"))
            .and_then(Node::items)
            .unwrap_or_else(|| panic!("no mcpAuthorization.rules:\n{text}"));
        Agentgateway {
            rules: rules
                .iter()
                .map(|r| {
                    let src = r.string().expect("a rule is a string");
                    cel::Program::compile(src).unwrap_or_else(|e| panic!("{src}: {e}"))
                })
                .collect(),
        }
    }

    /// Allowed when a rule is true for the call (the rules are OR'd), denied otherwise.
    fn decide(&self, target: &str, tool: &str) -> Gate {
        use std::collections::HashMap;
        let call: HashMap<&str, cel::Value> =
            HashMap::from([("name", tool.into()), ("target", target.into())]);
        let mcp: HashMap<&str, cel::Value> = HashMap::from([("tool", call.into())]);
        let mut ctx = cel::Context::default();
        ctx.add_variable_from_value("mcp", mcp);
        let allowed = self.rules.iter().any(|r| {
            match r.execute(&ctx).unwrap_or_else(|e| panic!("{tool:?}: {e}")) {
                cel::Value::Bool(b) => b,
                other => panic!("a rule gave {other:?}"),
            }
        });
        if allowed {
            Gate::Allow
        } else {
            Gate::Deny
        }
    }
}

/// What a dialect can say of a tool, from the loosest to the strictest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Encoded {
    Allow,
    /// Rate-limited or capped.
    Limited,
    Approval,
    Deny,
    Hidden,
}

impl Encoded {
    fn of_decision(d: &policy::Decision) -> Encoded {
        match d {
            policy::Decision::Allow => Encoded::Allow,
            policy::Decision::RateLimit(_) | policy::Decision::SpendCap { .. } => Encoded::Limited,
            policy::Decision::Approval => Encoded::Approval,
            policy::Decision::Deny(_) => Encoded::Deny,
            policy::Decision::Hide => Encoded::Hidden,
        }
    }

    fn of_gate(g: Gate) -> Encoded {
        match g {
            Gate::Allow => Encoded::Allow,
            Gate::Ask => Encoded::Approval,
            Gate::Deny => Encoded::Deny,
        }
    }
}

/// Intercept: `hide`, then each tool's rules under `tools` (none: allowed; a rate limit or
/// conditions: limited; `require_approval`; `deny`); a tool not listed is denied.
fn intercept_decision(doc: &toolcat::policy::yaml::Node, tool: &str) -> Encoded {
    use toolcat::policy::yaml::Node;
    let hidden = doc
        .get("hide")
        .and_then(Node::items)
        .is_some_and(|h| h.iter().any(|n| n.string() == Some(tool)));
    if hidden {
        return Encoded::Hidden;
    }
    // `*` is the server-wide entry, never a tool of that name.
    let Some(entry) = doc
        .get("tools")
        .and_then(|t| t.get(tool))
        .filter(|_| tool != "*")
    else {
        return Encoded::Deny;
    };
    let rules = entry.get("rules").and_then(Node::items).unwrap_or(&[]);
    let mut out = Encoded::Allow;
    for r in rules {
        let action = r.get("action").and_then(Node::string);
        let e = match action {
            Some("deny") => Encoded::Deny,
            Some("require_approval") => Encoded::Approval,
            _ if r.get("rate_limit").is_some() || r.get("conditions").is_some() => Encoded::Limited,
            other => panic!("{tool:?}: a rule with action {other:?}"),
        };
        out = out.max(e);
    }
    out
}

/// Gateway JSON: `hide`, then the tool's entry (empty: allowed; limits or conditional
/// denials: limited; an unconditional `deny_if`: denied); a tool not listed is denied.
fn gateway_decision(file: &serde_json::Value, tool: &str) -> Encoded {
    let has = |v: &serde_json::Value| v.as_array().is_some_and(|a| a.iter().any(|n| n == tool));
    if has(&file["hide"]) {
        return Encoded::Hidden;
    }
    let Some(entry) = file["tools"].get(tool) else {
        return Encoded::Deny;
    };
    let empty = |k: &str| entry[k].as_array().is_none_or(Vec::is_empty);
    let unconditional = entry["deny_if"].as_array().is_some_and(|d| {
        d.iter()
            .any(|r| r["conditions"].as_array().is_some_and(Vec::is_empty))
    });
    if unconditional {
        Encoded::Deny
    } else if empty("deny_if") && empty("limits") && empty("require") {
        Encoded::Allow
    } else {
        Encoded::Limited
    }
}

/// Claude Code: deny beats ask beats allow; `mcp__<key>` and `mcp__<key>__*` name every tool
/// of the server; a tool no rule names is asked about.
fn claude_decision(file: &serde_json::Value, key: &str, tool: &str) -> Gate {
    let names = |list: &str| {
        file["permissions"][list].as_array().is_some_and(|a| {
            a.iter().any(|r| {
                let r = r.as_str().unwrap();
                r == format!("mcp__{key}__{tool}")
                    || r == format!("mcp__{key}")
                    || r == format!("mcp__{key}__*")
            })
        })
    };
    if names("deny") {
        Gate::Deny
    } else if names("ask") {
        Gate::Ask
    } else if names("allow") {
        Gate::Allow
    } else {
        Gate::Ask
    }
}

/// `s.replace(/\s+/g, '-')` in JavaScript.
fn js_space_runs_to_dash(s: &str) -> String {
    let js_space = |c: char| c.is_whitespace() && c != '\u{85}' || c == '\u{feff}';
    let mut out = String::new();
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if js_space(c) {
            while chars.peek().is_some_and(|n| js_space(*n)) {
                chars.next();
            }
            out.push('-');
        } else {
            out.push(c);
        }
    }
    out
}

/// A VS Code agent file: its `tools` and the settings line it carries.
struct Vscode {
    tools: Vec<String>,
    eligible: BTreeMap<String, bool>,
}

impl Vscode {
    fn of(text: &str) -> Vscode {
        use toolcat::policy::yaml::{self, Node};
        assert!(text.starts_with("---\n"), "{text}");
        let front = yaml::parse(text).unwrap().unwrap();
        let tools = front
            .get("tools")
            .and_then(Node::items)
            .unwrap_or_else(|| panic!("no tools:\n{text}"))
            .iter()
            .map(|t| t.string().expect("a tool is a string").to_string())
            .collect();
        let line = text
            .lines()
            .find_map(|l| l.strip_prefix(policy::vscode::SETTING_LINE))
            .expect("the settings line");
        let settings: serde_json::Value = serde_json::from_str(line).unwrap();
        let eligible = serde_json::from_value(settings[policy::vscode::SETTING].clone()).unwrap();
        Vscode { tools, eligible }
    }

    /// What VS Code does with `tool` of the server named `key` in `mcp.json`, with this
    /// agent chosen: the tool is reachable when the agent lists its tool set (`<set>/*`),
    /// its full reference name or its short one; then it never auto-approves when the
    /// setting holds `false` for its short name.
    fn decide(&self, key: &str, tool: &str) -> Gate {
        let set = js_space_runs_to_dash(&key.to_lowercase());
        let short = tool.replace('.', "_");
        let full = format!("{set}/{short}");
        let listed = self
            .tools
            .iter()
            .any(|t| *t == format!("{set}/*") || *t == full || *t == short);
        if !listed {
            Gate::Deny
        } else if self.eligible.get(&short) == Some(&false) {
            Gate::Ask
        } else {
            Gate::Allow
        }
    }
}

/// A Cedar policy set as toolcat writes it, read back: each `permit` or `forbid` of one
/// action. (`tests/engines/cedar` loads the same files with Cedar itself, validates them
/// against the Cedar MCP schema generator's schema and authorizes every tool.)
struct Cedar {
    namespace: String,
    /// Each policy: forbids, and the tool its action names.
    policies: Vec<(bool, String)>,
}

/// A Cedar string literal's value; `s` starts at its opening quote. Returns the value and
/// the rest after the closing quote.
fn cedar_literal(s: &str) -> (String, &str) {
    let mut out = String::new();
    let mut chars = s.char_indices().skip(1);
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => return (out, &s[i + 1..]),
            '\\' => match chars.next().unwrap().1 {
                'n' => out.push('\n'),
                'r' => out.push('\r'),
                't' => out.push('\t'),
                '0' => out.push('\0'),
                'u' => {
                    assert_eq!(chars.next().unwrap().1, '{');
                    let hex: String = chars
                        .by_ref()
                        .map(|(_, c)| c)
                        .take_while(|c| *c != '}')
                        .collect();
                    out.push(char::from_u32(u32::from_str_radix(&hex, 16).unwrap()).unwrap());
                }
                c => out.push(c),
            },
            c => {
                assert!(!c.is_control(), "a raw control character in a literal");
                out.push(c);
            }
        }
    }
    panic!("an unclosed literal: {s}")
}

impl Cedar {
    fn of(text: &str) -> Cedar {
        let mut namespace = None;
        let mut policies = Vec::new();
        for line in text
            .lines()
            .filter(|l| !l.starts_with("//") && !l.is_empty())
        {
            let (forbid, rest) = if let Some(r) = line.strip_prefix("forbid(principal, action == ")
            {
                (true, r)
            } else if let Some(r) = line.strip_prefix("permit(principal, action == ") {
                (false, r)
            } else {
                panic!("not a policy toolcat writes: {line}");
            };
            let (ns, rest) = rest.split_once("::Action::").unwrap();
            assert_eq!(*namespace.get_or_insert(ns.to_string()), ns);
            let (tool, rest) = cedar_literal(rest);
            assert_eq!(rest, ", resource);", "{line}");
            policies.push((forbid, tool));
        }
        Cedar {
            namespace: namespace.unwrap_or_default(),
            policies,
        }
    }

    /// Denied unless a policy permits and none forbids.
    fn decide(&self, namespace: &str, tool: &str) -> Gate {
        if !self.namespace.is_empty() && self.namespace != namespace {
            return Gate::Deny;
        }
        let of = |forbid: bool| self.policies.iter().any(|(f, t)| *f == forbid && t == tool);
        if of(false) && !of(true) {
            Gate::Allow
        } else {
            Gate::Deny
        }
    }
}

/// Docker MCP Gateway: a server with an entry enables exactly the tools it lists.
fn docker_decision(doc: &toolcat::policy::yaml::Node, key: &str, tool: &str) -> Gate {
    let entry = doc
        .entries()
        .unwrap()
        .iter()
        .find(|(k, _)| k.string() == Some(key))
        .unwrap_or_else(|| panic!("no entry for {key:?}"));
    let enabled = entry
        .1
        .items()
        .unwrap()
        .iter()
        .any(|t| t.string() == Some(tool));
    if enabled {
        Gate::Allow
    } else {
        Gate::Deny
    }
}

/// A server's files in every dialect, read back.
struct Files {
    intercept: toolcat::policy::yaml::Node,
    gateway: serde_json::Value,
    claude: serde_json::Value,
    gemini: GeminiFile,
    codex: CodexFile,
    vscode: Vscode,
    openai: serde_json::Value,
    cedar: Cedar,
    agentgateway: Agentgateway,
    docker: toolcat::policy::yaml::Node,
}

impl Files {
    fn of(p: &ServerPolicy) -> Files {
        let yaml = |d: Dialect| {
            toolcat::policy::yaml::parse(&policy::render(p, d))
                .unwrap_or_else(|e| panic!("{} {d:?}: {e:?}", p.slug))
                .unwrap()
        };
        let json = |d: Dialect| -> serde_json::Value {
            serde_json::from_str(&policy::render(p, d))
                .unwrap_or_else(|e| panic!("{} {d:?}: {e}", p.slug))
        };
        Files {
            intercept: yaml(Dialect::Intercept),
            gateway: json(Dialect::Gateway),
            claude: json(Dialect::ClaudeCode),
            gemini: toml::from_str(&policy::render(p, Dialect::Gemini))
                .unwrap_or_else(|e| panic!("{} gemini: {e}", p.slug)),
            codex: toml::from_str(&policy::render(p, Dialect::Codex))
                .unwrap_or_else(|e| panic!("{} codex: {e}", p.slug)),
            vscode: Vscode::of(&policy::render(p, Dialect::Vscode)),
            openai: json(Dialect::OpenAi),
            cedar: Cedar::of(&policy::render(p, Dialect::Cedar)),
            agentgateway: Agentgateway::of(&policy::render(p, Dialect::Agentgateway)),
            docker: yaml(Dialect::Docker),
        }
    }

    /// The decision each file encodes for `tool` of the server `key`.
    fn decisions(&self, key: &str, tool: &str) -> [(Dialect, Encoded); 10] {
        let g = Encoded::of_gate;
        [
            (
                Dialect::Intercept,
                intercept_decision(&self.intercept, tool),
            ),
            (Dialect::Gateway, gateway_decision(&self.gateway, tool)),
            (
                Dialect::ClaudeCode,
                g(claude_decision(&self.claude, key, tool)),
            ),
            (Dialect::Gemini, g(gemini_decision(&self.gemini, key, tool))),
            (Dialect::Codex, g(codex_decision(&self.codex, key, tool))),
            (Dialect::Vscode, g(self.vscode.decide(key, tool))),
            (Dialect::OpenAi, g(openai_decision(&self.openai, tool))),
            (
                Dialect::Cedar,
                g(self.cedar.decide(&policy::cedar::namespace(key), tool)),
            ),
            (
                Dialect::Agentgateway,
                g(self.agentgateway.decide(key, tool)),
            ),
            (Dialect::Docker, g(docker_decision(&self.docker, key, tool))),
        ]
    }
}

/// What `d` must encode for `t`: the decision itself (Intercept), the decision as a client
/// that can only allow, ask or deny holds it ([`gate`]), or a documented tighter fallback.
fn expected(d: Dialect, p: &ServerPolicy, t: &policy::ToolPolicy) -> Encoded {
    let decision = Encoded::of_decision(&t.decision);
    let gated = Encoded::of_gate(gate(t));
    let star_denied = p
        .tools
        .iter()
        .any(|o| o.name == "*" && gate(o) != Gate::Allow);
    let vscode_shared = p.tools.iter().any(|o| {
        o.name != t.name
            && o.name.replace('.', "_") == t.name.replace('.', "_")
            && gate(o) > gate(t)
    });
    match d {
        // A tool named `*` cannot be named: Intercept denies it by default.
        Dialect::Intercept if t.name == "*" => Encoded::Deny,
        // Gateway JSON has no approval step: such a tool is denied.
        Dialect::Gateway if decision == Encoded::Approval => Encoded::Deny,
        Dialect::Intercept | Dialect::Gateway => decision,
        Dialect::ClaudeCode if t.name == "*" && gated == Encoded::Allow => Encoded::Approval,
        Dialect::ClaudeCode if star_denied => Encoded::Deny,
        Dialect::Gemini if policy::gemini::is_pattern(&t.name) => Encoded::Deny,
        Dialect::Vscode if !policy::vscode::listable(&t.name) => Encoded::Deny,
        Dialect::Vscode if vscode_shared => {
            let strictest = p
                .tools
                .iter()
                .filter(|o| o.name.replace('.', "_") == t.name.replace('.', "_"))
                .map(gate)
                .max()
                .unwrap();
            Encoded::of_gate(strictest)
        }
        // No way to ask a person: a tool that would ask is denied.
        Dialect::Cedar | Dialect::Agentgateway | Dialect::Docker if gated == Encoded::Approval => {
            Encoded::Deny
        }
        _ => gated,
    }
}

/// Every tool gets, in every dialect, exactly what [`expected`] says, and never looser than
/// toolcat's decision, so no dialect lets through a tool toolcat denies or hides (the
/// denials that are a dialect's fallback for what it cannot hold, an approval, a count, a
/// cap or a name it cannot write, are tighter, not a disagreement); a tool the policy does
/// not know is denied everywhere (Claude Code asks, its default).
fn assert_equivalent(p: &ServerPolicy) {
    let files = Files::of(p);
    for t in &p.tools {
        let want = Encoded::of_decision(&t.decision);
        let got = files.decisions(&p.key, &t.name);
        for (d, e) in &got {
            assert_eq!(
                *e,
                expected(*d, p, t),
                "{}/{:?} in {d:?}: {:?}",
                p.slug,
                t.name,
                t.decision
            );
            let looser = if want == Encoded::Hidden {
                *e < Encoded::Deny
            } else {
                *e < want
            };
            assert!(
                !looser,
                "{}/{:?} in {d:?}: {e:?} for {want:?}",
                p.slug, t.name
            );
        }
    }
    // Another server's tool of the same name is not this file's to allow.
    if let Some(t) = p.tools.first() {
        assert_eq!(
            files.agentgateway.decide("another-target", &t.name),
            Gate::Deny
        );
        assert_eq!(files.vscode.decide("another server", &t.name), Gate::Deny);
        assert_eq!(files.cedar.decide("another_server", &t.name), Gate::Deny);
    }
    let unknown = "a_tool_added_after_review";
    if p.tool(unknown).is_none() {
        for (d, got) in files.decisions(&p.key, unknown) {
            // Claude Code asks about a tool no rule names; the rest deny it.
            let want = if d == Dialect::ClaudeCode
                && !p
                    .tools
                    .iter()
                    .any(|o| o.name == "*" && gate(o) != Gate::Allow)
            {
                Encoded::Approval
            } else {
                Encoded::Deny
            };
            assert_eq!(got, want, "{} {d:?}: an unreviewed tool", p.slug);
        }
    }
}

#[test]
fn every_gating_file_decides_what_toolcat_decided() {
    for profile in Profile::NAMES {
        for s in bundled() {
            assert_equivalent(&policy_of(&s, profile, None));
        }
    }
}

/// No dialect allows what another denies, and none is looser than the decision.
#[test]
fn the_dialects_never_loosen_a_decision() {
    for s in bundled() {
        let p = policy_of(&s, "permissive", None);
        for t in &p.tools {
            let gated = gate(t);
            if !t.decision.allows() {
                assert_ne!(gated, Gate::Allow, "{}/{}", p.slug, t.name);
            }
            if matches!(
                t.decision,
                policy::Decision::Deny(_) | policy::Decision::Hide
            ) {
                assert_eq!(gated, Gate::Deny, "{}/{}", p.slug, t.name);
            }
        }
    }
}

const HOSTILE: &[&str] = &[
    "a\"b",
    "a\\b",
    "a\nb",
    "*",
    "read*",
    "mcp_*",
    "x]y",
    "x.y",
    "a = 1",
    "' or 1=1 --",
    "\") || true || (\"",
    "🦀 tool",
    "a\u{202e}b",
    "zero\u{200b}width",
    "del\u{7f}",
    "tab\there",
    "[table]",
    "#comment",
    "a/b",
    "x_y",
    "Action::\"t\"",
    "t\") || (1 == 1",
    "A == B; permit(principal, action, resource);",
];

fn hostile_server(key_name: &str, names: &[String]) -> Server {
    let tools = names
        .iter()
        .enumerate()
        .map(|(i, n)| {
            let mut t = Tool::named(n);
            t.description =
                Some(["Reads a record.", "Deletes a record.", "Updates a record."][i % 3].into());
            t
        })
        .collect();
    Server {
        server: ServerInfo {
            slug: "hostile".into(),
            name: key_name.into(),
            ..ServerInfo::default()
        },
        tools,
    }
}

/// Names with quotes, backslashes, newlines, `*`, brackets and invisible characters reach
/// each file as exactly that one tool: the decisions read back match, and each Gemini
/// rule names one tool of the server, never a pattern.
#[test]
fn hostile_names_reach_every_gating_dialect_as_one_tool() {
    let names: Vec<String> = HOSTILE.iter().map(|s| (*s).to_string()).collect();
    for key in ["plain", "we\"ird key", "under_score", "a\nb"] {
        let p = policy_of(&hostile_server("Hostile", &names), "default", Some(key));
        assert_equivalent(&p);
        let gemini: GeminiFile = toml::from_str(&policy::render(&p, Dialect::Gemini)).unwrap();
        let (server_rule, tool_rules) = gemini.rule.split_last().unwrap();
        assert_eq!(
            (server_rule.tool_name.as_str(), server_rule.decision),
            ("*", GeminiDecision::Deny),
            "the last rule denies the server's other tools"
        );
        for r in &gemini.rule {
            assert_eq!(r.mcp_name.as_deref(), Some(key));
            assert!(r.priority <= 999);
            assert_eq!(r.deny_message.is_some(), r.decision == GeminiDecision::Deny);
        }
        for r in tool_rules {
            let name = &r.tool_name;
            assert!(!name.contains('*'), "a pattern rule: {name:?}");
            assert!(p.tool(name).is_some(), "a rule for no tool: {name:?}");
            assert!(r.priority > server_rule.priority);
        }
        for d in Dialect::ALL {
            let text = policy::render(&p, d);
            assert_eq!(
                toolcat::untrusted::find_invisible(&text),
                None,
                "{d:?} holds an invisible character"
            );
        }
    }
}

/// Two tools VS Code knows by one name (`.` becomes `_`) share the stricter decision, and a
/// tool named `*` or with a `/` gets no entry, in either order of the tools.
#[test]
fn vscode_names_that_collide_take_the_stricter_decision() {
    for names in [["do.it", "do_it"], ["do_it", "do.it"]] {
        let mut server = hostile_server("Hostile", &[]);
        for (name, what) in names.iter().zip([
            "Reads one record by its id.",
            "Deletes every record permanently.",
        ]) {
            let mut t = Tool::named(name);
            t.description = Some(what.into());
            server.tools.push(t);
        }
        let p = policy_of(&server, "default", Some("k"));
        let gates: Vec<Gate> = p.tools.iter().map(gate).collect();
        assert_eq!(gates.len(), 2);
        assert_ne!(gates[0], gates[1], "the test needs two decisions");
        let v = Vscode::of(&policy::render(&p, Dialect::Vscode));
        for name in names {
            assert_eq!(v.decide("k", name), gates[0].max(gates[1]), "{names:?}");
        }
    }
    // A tool's page shows the entry the whole file has for it.
    let names: Vec<String> = HOSTILE.iter().map(|s| (*s).to_string()).collect();
    for p in bundled()
        .iter()
        .map(|s| policy_of(s, "default", None))
        .chain([policy_of(
            &hostile_server("Hostile", &names),
            "default",
            Some("k"),
        )])
    {
        let listed = policy::vscode::listed(&p);
        for t in &p.tools {
            let full = format!(
                "{}/{}",
                policy::vscode::server_reference(&p.key),
                policy::vscode::tool_reference(&t.name)
            );
            let snippet = policy::snippet(&p, t, Dialect::Vscode);
            let want = match listed
                .get(&full)
                .filter(|_| policy::vscode::listable(&t.name))
            {
                None => "not listed",
                Some(Gate::Allow) => "tools:\n- ",
                Some(_) => policy::vscode::SETTING_LINE,
            };
            assert!(snippet.contains(want), "{}/{:?}: {snippet}", p.slug, t.name);
        }
    }
    let p = policy_of(
        &hostile_server("Hostile", &["*".into(), "a/b".into()]),
        "permissive",
        Some("k"),
    );
    assert_eq!(
        Vscode::of(&policy::render(&p, Dialect::Vscode)).tools,
        Vec::<String>::new()
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]
    #[test]
    fn hostile_pieces_in_names_keep_the_gating_files_equivalent(
        a in crate::common::hostile_text(5),
        b in crate::common::hostile_text(5),
        key in crate::common::hostile_text(3),
    ) {
        prop_assume!(!a.is_empty() && !b.is_empty() && a != b && !key.is_empty());
        let p = policy_of(&hostile_server("Hostile", &[a, b]), "strict", Some(&key));
        assert_equivalent(&p);
    }
}

/// Every file toolcat writes, in every dialect, is recognised and passes `policy --check`;
/// a broken one is refused with its line.
#[test]
fn every_generated_file_passes_its_dialects_check() {
    use toolcat::policy::validate::{detect, validate};
    for s in bundled() {
        let p = policy_of(&s, "default", None);
        for d in Dialect::ALL {
            let name = format!("{}.{}", p.slug, d.extension());
            let text = policy::render(&p, d);
            assert_eq!(detect(&name, &text), d, "{name}");
            assert_eq!(detect("policy.txt", &text), d, "{name} by its content");
            assert_eq!(validate(d, &text), vec![], "{name}");
        }
    }
    let names: Vec<String> = HOSTILE.iter().map(|s| (*s).to_string()).collect();
    let p = policy_of(
        &hostile_server("Hostile", &names),
        "permissive",
        Some("we\"ird"),
    );
    for d in Dialect::ALL {
        assert_eq!(validate(d, &policy::render(&p, d)), vec![], "{d:?}");
    }

    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("s.gemini.toml");
    std::fs::write(&good, policy::render(&p, Dialect::Gemini)).unwrap();
    let o = crate::common::toolcat(dir.path(), &["policy", "--check", "s.gemini.toml"]);
    assert_eq!(o.status.code(), Some(0), "{}", crate::common::stdout(&o));
    assert!(crate::common::stderr(&o).contains("a valid Gemini CLI policy file"));
    let broken =
        policy::render(&p, Dialect::Codex).replacen("\napproval_mode", "\napproval_mod", 1);
    std::fs::write(dir.path().join("s.codex.toml"), &broken).unwrap();
    let o = crate::common::toolcat(dir.path(), &["policy", "--check", "s.codex.toml"]);
    assert_eq!(o.status.code(), Some(1));
    let line = broken
        .lines()
        .position(|l| l.starts_with("approval_mod "))
        .unwrap()
        + 1;
    assert!(
        crate::common::stdout(&o).starts_with(&format!("s.codex.toml:{line}:")),
        "{}",
        crate::common::stdout(&o)
    );
}
