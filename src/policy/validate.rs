//! `toolcat policy --check FILE` for every dialect: which dialect a file is in
//! ([`detect`]), and its problems with line and column ([`validate`]).
//!
//! Intercept files get every rule of [`super::check`]. The other files are read with the
//! shapes their clients' loaders take (unknown fields refused where the client refuses
//! them), then checked for the values those loaders reject. A TOML or JSON syntax error
//! stops the reading, so it is the one problem reported.

use super::check::Problem;
use super::yaml::{self, Node, Pos};
use super::Dialect;
use serde::Deserialize;
use std::collections::BTreeMap;

/// The dialect of a policy file: from its name (`.gemini.toml`, `.codex.toml`,
/// `.claude.json`, `.openai.json`, `.agentgateway.yaml`), else from its content.
pub fn detect(file_name: &str, text: &str) -> Dialect {
    let by_name = Dialect::ALL
        .into_iter()
        .filter(|d| file_name.ends_with(&format!(".{}", d.extension())))
        .max_by_key(|d| d.extension().len());
    if let Some(d) = by_name.filter(|d| !matches!(d, Dialect::Intercept | Dialect::Gateway)) {
        return d;
    }
    let head = text.trim_start();
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

fn agentgateway(text: &str) -> Vec<Problem> {
    let doc = match yaml::parse(text) {
        Ok(Some(doc)) => doc,
        Ok(None) => {
            return vec![Problem {
                at: at(1, 1),
                message: "the file is empty".into(),
            }]
        }
        Err(e) => {
            return vec![Problem {
                at: e.at,
                message: e.message,
            }]
        }
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
    rules
        .iter()
        .filter(|r| r.string().is_none_or(|s| s.trim().is_empty()))
        .map(|r| Problem {
            at: r.at(),
            message: "a rule must be a non-empty CEL expression (a string)".into(),
        })
        .collect()
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
