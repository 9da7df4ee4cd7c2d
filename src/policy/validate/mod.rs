//! `toolcat policy --check FILE` for every dialect: which dialect a file is in
//! ([`detect`]), and its problems with line and column ([`validate`]).
//!
//! Intercept files get every rule of [`super::check`]. The other files are read with the
//! shapes their clients' loaders take (unknown fields refused where the client refuses
//! them), then checked for the values those loaders reject. A TOML or JSON syntax error
//! stops the reading, so it is the one problem reported.

mod cedar;

use super::check::Problem;
use super::yaml::{self, Node, Pos};
use super::Dialect;
use serde::Deserialize;
use std::collections::BTreeMap;

/// The dialect of a policy file: from its name (`.gemini.toml`, `.codex.toml`,
/// `.claude.json`, `.vscode.agent.md`, `.openai.json`, `.cedar`, `.agentgateway.yaml`,
/// `.docker.yaml`), else from its content.
pub fn detect(file_name: &str, text: &str) -> Dialect {
    let by_name = Dialect::ALL
        .into_iter()
        .filter(|d| file_name.ends_with(&format!(".{}", d.extension())))
        .max_by_key(|d| d.extension().len());
    if let Some(d) = by_name.filter(|d| !matches!(d, Dialect::Intercept | Dialect::Gateway)) {
        return d;
    }
    let head = text.trim_start();
    if head.starts_with("//") || head.starts_with("permit") || head.starts_with("forbid") {
        return Dialect::Cedar;
    }
    if text.starts_with("---") {
        if let Ok(Some(front)) = yaml::parse(text) {
            if front.get("tools").is_some() && front.get("version").is_none() {
                return Dialect::Vscode;
            }
        }
    }
    if head.starts_with('{') {
        if text.contains("\"permissions\"") {
            return Dialect::ClaudeCode;
        }
        if text.contains("\"responses_api_tool\"") {
            return Dialect::OpenAi;
        }
        return Dialect::Gateway;
    }
    if text.lines().any(|l| l.trim() == "[[rule]]") {
        return Dialect::Gemini;
    }
    if text
        .lines()
        .any(|l| l.trim_start().starts_with("[mcp_servers"))
    {
        return Dialect::Codex;
    }
    if text
        .lines()
        .any(|l| l.trim_start().starts_with("mcpAuthorization:"))
    {
        return Dialect::Agentgateway;
    }
    let tools_file = |doc: &Node| {
        doc.get("version").is_none()
            && doc
                .entries()
                .is_some_and(|e| !e.is_empty() && e.iter().all(|(_, v)| v.items().is_some()))
    };
    if yaml::parse(text).is_ok_and(|d| d.as_ref().is_some_and(tools_file)) {
        return Dialect::Docker;
    }
    Dialect::Intercept
}

/// Every problem of `text` as a policy in `dialect`.
pub fn validate(dialect: Dialect, text: &str) -> Vec<Problem> {
    let mut problems = match dialect {
        Dialect::Intercept => return super::check::check(text),
        Dialect::Gemini => gemini(text),
        Dialect::Codex => codex(text),
        Dialect::ClaudeCode => json::<Claude>(text).err().into_iter().collect(),
        Dialect::OpenAi => json::<OpenAi>(text).err().into_iter().collect(),
        Dialect::Gateway => json::<Gateway>(text).map_or_else(|p| vec![p], |g| g.problems()),
        Dialect::Agentgateway => agentgateway(text),
        Dialect::Vscode => vscode(text),
        Dialect::Cedar => cedar::check(text),
        Dialect::Docker => docker(text),
    };
    problems.sort();
    problems
}

fn at(line: usize, col: usize) -> Pos {
    Pos { line, col }
}

/// The line and column of a byte offset.
fn position(text: &str, offset: usize) -> Pos {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    at(line, col)
}

fn toml<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, Problem> {
    toml::from_str(text).map_err(|e| Problem {
        at: e.span().map_or(at(1, 1), |s| position(text, s.start)),
        message: e.message().trim().to_string(),
    })
}

fn json<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, Problem> {
    serde_json::from_str(text).map_err(|e| Problem {
        at: at(e.line().max(1), e.column().max(1)),
        message: e.to_string(),
    })
}

/// A Gemini CLI rule, as `toml-loader.ts` (`@google/gemini-cli-core` 0.61.0) takes it.
#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[allow(dead_code)]
struct GeminiRule {
    tool_name: toml::Value,
    subagent: Option<String>,
    mcp_name: Option<String>,
    args_pattern: Option<String>,
    command_prefix: Option<toml::Value>,
    command_regex: Option<String>,
    decision: GeminiDecision,
    priority: i64,
    modes: Option<Vec<String>>,
    interactive: Option<bool>,
    tool_annotations: Option<toml::Table>,
    allow_redirection: Option<bool>,
    #[serde(rename = "allow_redirection")]
    allow_redirection_snake: Option<bool>,
    deny_message: Option<String>,
    #[serde(rename = "deny_message")]
    deny_message_snake: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "snake_case")]
enum GeminiDecision {
    Allow,
    Deny,
    AskUser,
}

#[derive(Deserialize)]
struct GeminiFile {
    #[serde(default)]
    rule: Vec<GeminiRule>,
}

fn gemini(text: &str) -> Vec<Problem> {
    let file: GeminiFile = match toml(text) {
        Ok(f) => f,
        Err(p) => return vec![p],
    };
    let mut problems = Vec::new();
    for (i, r) in file.rule.iter().enumerate() {
        let at = rule_position(text, i);
        if !(0..=999).contains(&r.priority) {
            problems.push(Problem {
                at,
                message: format!("rule {}: priority {} is outside 0..=999", i + 1, r.priority),
            });
        }
        let names_ok = match &r.tool_name {
            toml::Value::String(_) => true,
            toml::Value::Array(a) => a.iter().all(toml::Value::is_str),
            _ => false,
        };
        if !names_ok {
            problems.push(Problem {
                at,
                message: format!("rule {}: toolName must be a string or strings", i + 1),
            });
        }
    }
    problems
}

/// Where the `n`th `[[rule]]` table starts.
fn rule_position(text: &str, n: usize) -> Pos {
    let mut offset = 0;
    let mut seen = 0;
    for line in text.split_inclusive('\n') {
        if line.trim() == "[[rule]]" {
            if seen == n {
                return position(text, offset);
            }
            seen += 1;
        }
        offset += line.len();
    }
    at(1, 1)
}

/// A server's table as Codex 0.171.0 reads it (`RawMcpServerConfig`).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct CodexServer {
    command: Option<String>,
    args: Option<Vec<String>>,
    env: Option<BTreeMap<String, String>>,
    env_vars: Option<Vec<toml::Value>>,
    cwd: Option<String>,
    http_headers: Option<BTreeMap<String, String>>,
    env_http_headers: Option<BTreeMap<String, String>>,
    url: Option<String>,
    bearer_token_env_var: Option<String>,
    experimental_environment: Option<String>,
    startup_timeout_sec: Option<f64>,
    startup_timeout_ms: Option<u64>,
    tool_timeout_sec: Option<f64>,
    enabled: Option<bool>,
    required: Option<bool>,
    supports_parallel_tool_calls: Option<bool>,
    default_tools_approval_mode: Option<CodexApproval>,
    enabled_tools: Option<Vec<String>>,
    disabled_tools: Option<Vec<String>>,
    scopes: Option<Vec<String>>,
    oauth: Option<toml::Table>,
    oauth_resource: Option<String>,
    name: Option<String>,
    tools: Option<BTreeMap<String, CodexTool>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct CodexTool {
    approval_mode: Option<CodexApproval>,
}

#[derive(Deserialize)]
#[serde(rename_all = "snake_case")]
enum CodexApproval {
    Auto,
    Prompt,
    Writes,
    Approve,
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct CodexFile {
    mcp_servers: BTreeMap<String, CodexServer>,
}

fn codex(text: &str) -> Vec<Problem> {
    toml::<CodexFile>(text).err().into_iter().collect()
}

/// Claude Code's `permissions`: lists of rule strings.
#[derive(Deserialize)]
#[allow(dead_code)]
struct Claude {
    permissions: ClaudePermissions,
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct ClaudePermissions {
    #[serde(default)]
    allow: Vec<String>,
    #[serde(default)]
    ask: Vec<String>,
    #[serde(default)]
    deny: Vec<String>,
}

/// The two parts of toolcat's `OpenAI` file.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct OpenAi {
    comment: Option<String>,
    responses_api_tool: ResponsesTool,
    agents_sdk: AgentsSdk,
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct ResponsesTool {
    #[serde(rename = "type")]
    kind: McpType,
    server_label: String,
    allowed_tools: Option<AllowedTools>,
    require_approval: Option<Approval>,
}

#[derive(Deserialize)]
#[serde(rename_all = "snake_case")]
enum McpType {
    Mcp,
}

#[derive(Deserialize)]
#[serde(untagged)]
#[allow(dead_code)]
enum AllowedTools {
    Names(Vec<String>),
    Filter {
        tool_names: Option<Vec<String>>,
        read_only: Option<bool>,
    },
}

#[derive(Deserialize)]
#[serde(untagged)]
#[allow(dead_code)]
enum Approval {
    Mode(ApprovalMode),
    Lists {
        always: Option<ToolNames>,
        never: Option<ToolNames>,
    },
}

#[derive(Deserialize)]
#[serde(rename_all = "snake_case")]
enum ApprovalMode {
    Always,
    Never,
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct ToolNames {
    tool_names: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct AgentsSdk {
    tool_filter: ToolFilter,
    require_approval: Approval,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct ToolFilter {
    allowed_tool_names: Option<Vec<String>>,
    blocked_tool_names: Option<Vec<String>>,
}

/// The reference catalogue's gateway JSON, as far as toolcat writes it.
#[derive(Deserialize)]
#[allow(dead_code)]
struct Gateway {
    version: String,
    default: String,
    #[serde(default)]
    hide: Vec<String>,
    #[serde(default)]
    tools: BTreeMap<String, serde_json::Value>,
}

impl Gateway {
    fn problems(&self) -> Vec<Problem> {
        let mut problems = Vec::new();
        if self.version != "1" {
            problems.push(Problem {
                at: at(1, 1),
                message: format!("version must be \"1\", not {:?}", self.version),
            });
        }
        if self.default != "deny" && self.default != "allow" {
            problems.push(Problem {
                at: at(1, 1),
                message: format!(
                    "default must be \"deny\" or \"allow\", not {:?}",
                    self.default
                ),
            });
        }
        problems
    }
}

/// The first YAML document of `text`, or the problem that stops its reading.
fn yaml_doc(text: &str) -> Result<Node, Problem> {
    match yaml::parse(text) {
        Ok(Some(doc)) => Ok(doc),
        Ok(None) => Err(Problem {
            at: at(1, 1),
            message: "the file is empty".into(),
        }),
        Err(e) => Err(Problem {
            at: e.at,
            message: e.message,
        }),
    }
}

/// The first YAML document of `text` when it is a mapping; else the problem, `what` saying
/// what the mapping should hold.
fn yaml_mapping(text: &str, what: &str) -> Result<Node, Problem> {
    let doc = yaml_doc(text)?;
    if doc.entries().is_none() {
        return Err(Problem {
            at: doc.at(),
            message: format!("{what} must be a mapping"),
        });
    }
    Ok(doc)
}

/// A problem for each item that is not a string (or, with `non_empty`, is blank).
fn not_strings<'a>(
    items: &'a [Node],
    non_empty: bool,
    message: &'a str,
) -> impl Iterator<Item = Problem> + 'a {
    items
        .iter()
        .filter(move |n| n.string().is_none_or(|s| non_empty && s.trim().is_empty()))
        .map(move |n| Problem {
            at: n.at(),
            message: message.into(),
        })
}

fn agentgateway(text: &str) -> Vec<Problem> {
    let doc = match yaml_doc(text) {
        Ok(doc) => doc,
        Err(p) => return vec![p],
    };
    let Some(auth) = doc.get("mcpAuthorization") else {
        return vec![Problem {
            at: doc.at(),
            message: "`mcpAuthorization` is required".into(),
        }];
    };
    let Some(rules) = auth.get("rules").and_then(Node::items) else {
        return vec![Problem {
            at: auth.at(),
            message: "`mcpAuthorization.rules` must be a list of CEL expressions".into(),
        }];
    };
    not_strings(
        rules,
        true,
        "a rule must be a non-empty CEL expression (a string)",
    )
    .collect()
}

/// The front matter keys VS Code reads in a custom agent file.
const VSCODE_KEYS: &[&str] = &[
    "name",
    "description",
    "argument-hint",
    "tools",
    "agents",
    "model",
    "target",
    "handoffs",
    "hooks",
    "mcp-servers",
    "user-invocable",
    "user-invokable",
    "disable-model-invocation",
    "infer",
];

fn vscode(text: &str) -> Vec<Problem> {
    if !text.starts_with("---") {
        return vec![Problem {
            at: at(1, 1),
            message: "a custom agent file starts with a `---` line of front matter".into(),
        }];
    }
    if !text.lines().skip(1).any(|l| l.trim_end() == "---") {
        return vec![Problem {
            at: at(1, 1),
            message: "the front matter has no closing `---` line".into(),
        }];
    }
    let front = match yaml_mapping(text, "the front matter") {
        Ok(doc) => doc,
        Err(p) => return vec![p],
    };
    let mut problems = Vec::new();
    for (k, _) in front.entries().unwrap_or_default() {
        let key = k.text().unwrap_or_default();
        if !VSCODE_KEYS.contains(&key) {
            problems.push(Problem {
                at: k.at(),
                message: format!("VS Code does not read the key {key:?} of an agent"),
            });
        }
    }
    match front.get("tools") {
        None => problems.push(Problem {
            at: front.at(),
            message: "`tools` is missing: without it the agent reaches every tool".into(),
        }),
        Some(tools) => match tools.items() {
            None => problems.push(Problem {
                at: tools.at(),
                message: "`tools` must be a list of tool names".into(),
            }),
            Some(items) => problems.extend(not_strings(
                items,
                true,
                "a tool must be a non-empty name (a string)",
            )),
        },
    }
    for (i, line) in text.lines().enumerate() {
        if let Some(json) = line.strip_prefix(super::vscode::SETTING_LINE) {
            problems.extend(vscode_setting(json, i + 1));
        }
    }
    problems
}

/// The settings line: `{"chat.tools.eligibleForAutoApproval": {name: bool, ...}}`.
fn vscode_setting(json: &str, line: usize) -> Option<Problem> {
    let col = super::vscode::SETTING_LINE.len() + 1;
    let value: serde_json::Value = match serde_json::from_str(json) {
        Ok(v) => v,
        Err(e) => {
            return Some(Problem {
                at: at(line, col + e.column().saturating_sub(1)),
                message: format!("the settings are not JSON: {e}"),
            })
        }
    };
    let ok = value.as_object().is_some_and(|o| {
        o.len() == 1
            && o.get(super::vscode::SETTING)
                .and_then(serde_json::Value::as_object)
                .is_some_and(|m| m.values().all(serde_json::Value::is_boolean))
    });
    (!ok).then(|| Problem {
        at: at(line, col),
        message: format!(
            "the settings must be {{{:?}: {{tool: true or false}}}}",
            super::vscode::SETTING
        ),
    })
}

/// Docker MCP Gateway's tools file: a mapping of server names to lists of tool names.
fn docker(text: &str) -> Vec<Problem> {
    let doc = match yaml_mapping(text, "the tools file (server names to lists of tools)") {
        Ok(doc) => doc,
        Err(p) => return vec![p],
    };
    let mut problems = Vec::new();
    for (server, tools) in doc.entries().unwrap_or_default() {
        if server.string().is_none() {
            problems.push(Problem {
                at: server.at(),
                message: "a server name must be a string".into(),
            });
        }
        match tools.items() {
            None => problems.push(Problem {
                at: tools.at(),
                message: "a server's tools must be a list of tool names".into(),
            }),
            Some(items) => {
                problems.extend(not_strings(items, false, "a tool name must be a string"));
            }
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_dialect_comes_from_the_name_or_the_content() {
        assert_eq!(detect("a.gemini.toml", ""), Dialect::Gemini);
        assert_eq!(detect("a.codex.toml", ""), Dialect::Codex);
        assert_eq!(detect("a.claude.json", ""), Dialect::ClaudeCode);
        assert_eq!(detect("a.openai.json", ""), Dialect::OpenAi);
        assert_eq!(detect("a.agentgateway.yaml", ""), Dialect::Agentgateway);
        assert_eq!(detect("p.toml", "[[rule]]\n"), Dialect::Gemini);
        assert_eq!(detect("p.toml", "[mcp_servers.x]\n"), Dialect::Codex);
        assert_eq!(
            detect("p.json", "{\"permissions\": {}}"),
            Dialect::ClaudeCode
        );
        assert_eq!(detect("p.json", "{\"version\": \"1\"}"), Dialect::Gateway);
        assert_eq!(
            detect("p.yaml", "mcpAuthorization:\n"),
            Dialect::Agentgateway
        );
        assert_eq!(detect("p.yaml", "version: \"1\"\n"), Dialect::Intercept);
        assert_eq!(detect("a.vscode.agent.md", ""), Dialect::Vscode);
        assert_eq!(detect("a.cedar", ""), Dialect::Cedar);
        assert_eq!(detect("a.docker.yaml", ""), Dialect::Docker);
        assert_eq!(detect("p.md", "---\ntools: []\n---\nhi\n"), Dialect::Vscode);
        assert_eq!(
            detect("p", "// c\npermit(principal, action, resource);"),
            Dialect::Cedar
        );
        assert_eq!(detect("p.yaml", "\"s\":\n- \"t\"\n"), Dialect::Docker);
        assert_eq!(
            detect("p.yaml", "---\nversion: \"1\"\ntools: {}\n"),
            Dialect::Intercept
        );
    }

    #[test]
    fn vscode_cedar_and_docker_problems_point_at_their_place() {
        let p = validate(Dialect::Vscode, "---\nname: \"a\"\n---\nbody\n");
        assert!(p[0].message.contains("`tools` is missing"), "{p:?}");
        let p = validate(
            Dialect::Vscode,
            "---\ntools:\n- \"s/a\"\n- 3\ncolor: red\n---\n",
        );
        assert_eq!(
            p.iter().map(|p| p.at.line).collect::<Vec<_>>(),
            vec![4, 5],
            "{p:?}"
        );
        let p = validate(
            Dialect::Vscode,
            "---\ntools: []\n# settings.json: {\"x\": 1}\n---\n",
        );
        assert_eq!((p.len(), p[0].at.line), (1, 3), "{p:?}");
        assert!(!validate(Dialect::Vscode, "tools: []\n").is_empty());

        let ok = "@id(\"a\")\npermit(principal, action == N::Action::\"a\\\"b\", resource);\n// x;\nforbid(principal, action, resource) when { true };\n";
        assert_eq!(validate(Dialect::Cedar, ok), vec![]);
        let p = validate(Dialect::Cedar, "permit(principal, action, resource)\n");
        assert!(p[0].message.contains("does not end"), "{p:?}");
        let p = validate(
            Dialect::Cedar,
            "permit(principal,\n action == A::\"x, resource);\n",
        );
        assert_eq!((p[0].at.line, p[0].at.col), (2, 15), "{p:?}");
        let p = validate(Dialect::Cedar, "allow(principal, action, resource);\n");
        assert!(p[0].message.contains("found \"allow\""), "{p:?}");
        let p = validate(
            Dialect::Cedar,
            "permit(principal, action == A::\"\\q\", resource);",
        );
        assert!(p[0].message.contains("escape"), "{p:?}");

        assert_eq!(
            validate(Dialect::Docker, "\"s\": []\nt:\n- \"a\"\n"),
            vec![]
        );
        let p = validate(Dialect::Docker, "s:\n- [1]\nt: \"a\"\n");
        assert_eq!(
            p.iter().map(|p| p.at.line).collect::<Vec<_>>(),
            vec![2, 3],
            "{p:?}"
        );
    }

    #[test]
    fn problems_carry_their_line_and_column() {
        let gemini = "[[rule]]\ntoolName = \"x\"\ndecision = \"allow\"\npriority = 5\n\n[[rule]]\ntoolName = \"y\"\ndecision = \"ask\"\npriority = 1\n";
        let p = validate(Dialect::Gemini, gemini);
        assert_eq!(p.len(), 1, "{p:?}");
        assert_eq!(p[0].at.line, 8, "{p:?}");
        assert!(p[0].message.contains("ask"), "{p:?}");

        let p = validate(
            Dialect::Gemini,
            "[[rule]]\ntoolName = \"x\"\ndecision = \"deny\"\npriority = 1000\n",
        );
        assert_eq!(
            (p[0].at.line, p[0].message.contains("0..=999")),
            (1, true),
            "{p:?}"
        );

        let codex = "[mcp_servers.x]\ncommand = \"c\"\n\n[mcp_servers.x.tools.y]\napproval_mod = \"approve\"\n";
        let p = validate(Dialect::Codex, codex);
        assert_eq!(p[0].at.line, 5, "{p:?}");
        assert!(p[0].message.contains("approval_mod"), "{p:?}");

        let p = validate(
            Dialect::OpenAi,
            "{\n  \"responses_api_tool\": {\"type\": \"web\"}\n}",
        );
        assert_eq!(p.len(), 1, "{p:?}");
        assert_eq!(p[0].at.line, 2, "{p:?}");

        let p = validate(
            Dialect::Agentgateway,
            "mcpAuthorization:\n  rules:\n  - \"true\"\n  - 3\n",
        );
        assert_eq!((p.len(), p[0].at.line), (1, 4), "{p:?}");
        let p = validate(
            Dialect::Gateway,
            "{\"version\": \"2\", \"default\": \"maybe\"}",
        );
        assert_eq!(p.len(), 2, "{p:?}");
    }
}
