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

/// A server's gating files, read back.
struct Files {
    gemini: GeminiFile,
    codex: CodexFile,
    openai: serde_json::Value,
    agentgateway: Agentgateway,
}

impl Files {
    fn of(p: &ServerPolicy) -> Files {
        Files {
            gemini: toml::from_str(&policy::render(p, Dialect::Gemini))
                .unwrap_or_else(|e| panic!("{} gemini: {e}", p.slug)),
            codex: toml::from_str(&policy::render(p, Dialect::Codex))
                .unwrap_or_else(|e| panic!("{} codex: {e}", p.slug)),
            openai: serde_json::from_str(&policy::render(p, Dialect::OpenAi))
                .unwrap_or_else(|e| panic!("{} openai: {e}", p.slug)),
            agentgateway: Agentgateway::of(&policy::render(p, Dialect::Agentgateway)),
        }
    }

    /// The decision each file encodes for `tool` of the server `key`.
    fn decisions(&self, key: &str, tool: &str) -> [(Dialect, Gate); 4] {
        [
            (Dialect::Gemini, gemini_decision(&self.gemini, key, tool)),
            (Dialect::Codex, codex_decision(&self.codex, key, tool)),
            (Dialect::OpenAi, openai_decision(&self.openai, tool)),
            (Dialect::Agentgateway, self.agentgateway.decide(key, tool)),
        ]
    }
}

/// Every tool gets exactly the gate of toolcat's decision, or (a Gemini name with a `*`,
/// which the engine would read as a pattern) the documented tighter deny; a tool the
/// policy does not know is denied.
fn assert_equivalent(p: &ServerPolicy) {
    let files = Files::of(p);
    for t in &p.tools {
        let want = gate(t);
        for (d, got) in files.decisions(&p.key, &t.name) {
            // The documented tighter fallbacks: a Gemini name the engine would read as a
            // pattern, and a tool agentgateway would have to ask about, are denied.
            let fallback = (d == Dialect::Gemini && policy::gemini::is_pattern(&t.name))
                || (d == Dialect::Agentgateway && want == Gate::Ask);
            if fallback {
                assert_eq!(got, Gate::Deny, "{}/{:?} in {d:?}", p.slug, t.name);
            } else {
                assert_eq!(
                    got, want,
                    "{}/{:?} in {d:?}: {:?}",
                    p.slug, t.name, t.decision
                );
            }
        }
    }
    // Another server's tool of the same name is not this file's to allow.
    if let Some(t) = p.tools.first() {
        assert_eq!(
            files.agentgateway.decide("another-target", &t.name),
            Gate::Deny
        );
    }
    let unknown = "a_tool_added_after_review";
    if p.tool(unknown).is_none() {
        for (d, got) in files.decisions(&p.key, unknown) {
            assert_eq!(got, Gate::Deny, "{} {d:?}: an unreviewed tool", p.slug);
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
        for d in [
            Dialect::Gemini,
            Dialect::Codex,
            Dialect::OpenAi,
            Dialect::Agentgateway,
        ] {
            let text = policy::render(&p, d);
            assert_eq!(
                toolcat::untrusted::find_invisible(&text),
                None,
                "{d:?} holds an invisible character"
            );
        }
    }
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
