//! Default policies from verdicts, in the dialects proxies and clients load.
//!
//! [`decide`] turns a tool's verdict into a [`Decision`] under a [`Profile`]; [`for_server`]
//! does it for a whole server. The dialects ([`intercept`], [`gateway`], [`claude`],
//! [`gemini`], [`codex`], [`vscode`], [`openai`], [`cedar`], [`agentgateway`], [`docker`])
//! only write decisions down, so they always agree; a client that can only allow, ask or
//! deny reads each decision through [`gate`], which never loosens it. [`check`] validates Intercept files, [`validate`] a file of any dialect.
//!
//! Decisions only ever tighten with risk: a signal can turn an allowed read into a
//! rate-limited one, or a rate-limited execute into one that needs approval, never the
//! other way. Every policy denies tools it does not list, so a tool a server adds later
//! is blocked until someone reviews it.

pub mod agentgateway;
pub mod cedar;
pub mod check;
pub mod claude;
pub mod codex;
pub mod docker;
pub mod gateway;
pub mod gemini;
pub mod intercept;
pub mod openai;
pub mod validate;
pub mod vscode;
pub mod yaml;

use crate::classify::Verdict;
use crate::model::{Category, Risk, Server, Tool};
use anyhow::{bail, Result};
use serde::Deserialize;
use std::fmt::{self, Write};

/// A dialect a policy is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    /// Intercept YAML (an MCP proxy that enforces a YAML file per server).
    Intercept,
    /// The reference catalogue's gateway JSON.
    Gateway,
    /// Claude Code's `permissions` in `.claude/settings.json`.
    ClaudeCode,
    /// Gemini CLI's policy engine: `[[rule]]` tables in `.gemini/policies/*.toml`.
    Gemini,
    /// The Codex CLI: a server's table under `[mcp_servers]` in `config.toml`.
    Codex,
    /// `OpenAI`'s Responses API `mcp` tool and Agents SDK tool filter.
    OpenAi,
    /// VS Code: a custom agent's tool list and `chat.tools.eligibleForAutoApproval`.
    Vscode,
    /// Cedar policies in the shape of the Cedar MCP schema generator.
    Cedar,
    /// agentgateway's `mcpAuthorization`: CEL rules over the tool's target and name.
    Agentgateway,
    /// Docker MCP Gateway's tools file: the tools each server enables.
    Docker,
}

impl Dialect {
    pub const ALL: [Dialect; 10] = [
        Dialect::Intercept,
        Dialect::Gateway,
        Dialect::ClaudeCode,
        Dialect::Gemini,
        Dialect::Codex,
        Dialect::Vscode,
        Dialect::OpenAi,
        Dialect::Cedar,
        Dialect::Agentgateway,
        Dialect::Docker,
    ];

    /// File extension of a policy in this dialect.
    pub fn extension(self) -> &'static str {
        match self {
            Dialect::Intercept => "yaml",
            Dialect::Gateway => "json",
            Dialect::ClaudeCode => "claude.json",
            Dialect::Gemini => "gemini.toml",
            Dialect::Codex => "codex.toml",
            Dialect::OpenAi => "openai.json",
            Dialect::Vscode => "vscode.agent.md",
            Dialect::Cedar => "cedar",
            Dialect::Agentgateway => "agentgateway.yaml",
            Dialect::Docker => "docker.yaml",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Dialect::Intercept => "Intercept YAML",
            Dialect::Gateway => "Gateway JSON",
            Dialect::ClaudeCode => "Claude Code permissions",
            Dialect::Gemini => "Gemini CLI policy",
            Dialect::Codex => "OpenAI Codex config",
            Dialect::OpenAi => "OpenAI Responses API and Agents SDK",
            Dialect::Vscode => "VS Code custom agent",
            Dialect::Cedar => "Cedar policies",
            Dialect::Agentgateway => "agentgateway authorization",
            Dialect::Docker => "Docker MCP Gateway tools",
        }
    }

    /// The name `toolcat policy --format` takes.
    pub fn name(self) -> &'static str {
        match self {
            Dialect::Intercept => "intercept",
            Dialect::Gateway => "gateway",
            Dialect::ClaudeCode => "claude-code",
            Dialect::Gemini => "gemini",
            Dialect::Codex => "codex",
            Dialect::OpenAi => "openai",
            Dialect::Vscode => "vscode",
            Dialect::Cedar => "cedar",
            Dialect::Agentgateway => "agentgateway",
            Dialect::Docker => "docker",
        }
    }
}

/// What a client that can only allow a call, ask a person, or refuse it does with a tool.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Gate {
    Allow,
    Ask,
    Deny,
}

/// A decision as such a client can hold it, never looser: an allowed read stays allowed;
/// rate limits and spending caps, which it cannot count, become a person's approval;
/// denied and hidden tools, and every destructive or financial tool whatever the profile
/// says, are denied (a person answering a prompt is no review of a destructive call).
pub fn gate(t: &ToolPolicy) -> Gate {
    match (&t.decision, t.category) {
        (Decision::Hide | Decision::Deny(_), _)
        | (_, Category::Destructive | Category::Financial) => Gate::Deny,
        (Decision::Allow, Category::Read) => Gate::Allow,
        _ => Gate::Ask,
    }
}

/// What a gating dialect says, in a comment, of what it cannot hold.
pub const GATE_NOTE: &str = "This client cannot count calls or cap amounts: tools toolcat \
     rate-limits or caps ask a person each time, and destructive and financial tools are \
     denied even where the profile would ask.";

/// A time window of a limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Window {
    Minute,
    Hour,
    Day,
}

impl Window {
    pub fn as_str(self) -> &'static str {
        match self {
            Window::Minute => "minute",
            Window::Hour => "hour",
            Window::Day => "day",
        }
    }

    pub fn parse(s: &str) -> Option<Window> {
        match s {
            "minute" => Some(Window::Minute),
            "hour" => Some(Window::Hour),
            "day" => Some(Window::Day),
            _ => None,
        }
    }
}

/// At most `max` calls per window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rate {
    pub max: u32,
    pub per: Window,
}

impl Rate {
    pub const fn new(max: u32, per: Window) -> Self {
        Rate { max, per }
    }

    /// `N/minute`, `N/hour` or `N/day`, N at least 1.
    pub fn parse(s: &str) -> Option<Rate> {
        let (n, w) = s.trim().split_once('/')?;
        let max: u32 = n.parse().ok().filter(|n| *n > 0)?;
        Some(Rate::new(max, Window::parse(w)?))
    }

    /// Calls a minute, to compare rates of different windows.
    fn per_minute(self) -> f64 {
        let minutes = match self.per {
            Window::Minute => 1.0,
            Window::Hour => 60.0,
            Window::Day => 1440.0,
        };
        f64::from(self.max) / minutes
    }

    /// The tighter of two rates.
    fn tighter(self, other: Rate) -> Rate {
        if other.per_minute() < self.per_minute() {
            other
        } else {
            self
        }
    }
}

impl Rate {
    /// "30 calls a minute".
    pub fn words(self) -> String {
        let calls = if self.max == 1 { "call" } else { "calls" };
        format!(
            "{} {calls} a{} {}",
            self.max,
            if self.per == Window::Hour { "n" } else { "" },
            self.per.as_str()
        )
    }
}

impl fmt::Display for Rate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.max, self.per.as_str())
    }
}

/// What a policy does with one tool.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// Allowed, under the server-wide cap only.
    Allow,
    /// Allowed, at most so many calls.
    RateLimit(Rate),
    /// Every call waits for a person's approval.
    Approval,
    /// Listed but denied, with the reason the agent is shown.
    Deny(String),
    /// Stripped from `tools/list` and denied.
    Hide,
    /// Allowed under a per-call and a daily cap on an amount argument.
    SpendCap {
        /// The amount's argument path, `args.amount`.
        path: String,
        per_call: u64,
        daily: u64,
    },
}

impl Decision {
    /// Whether the agent can call the tool without a person in the loop.
    pub fn allows(&self) -> bool {
        matches!(
            self,
            Decision::Allow | Decision::RateLimit(_) | Decision::SpendCap { .. }
        )
    }
}

/// How the execute category is treated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExecuteMode {
    RateLimit(Rate),
    Approval,
}

/// How the destructive category is treated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DestructiveMode {
    Hide,
    Deny,
    Approval,
}

/// How the financial category is treated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FinancialMode {
    Deny,
    /// Allowed under caps where the tool has an amount parameter; denied otherwise.
    SpendCap {
        per_call: u64,
        daily: u64,
    },
}

/// The decisions a policy makes for each category.
#[derive(Debug, Clone, PartialEq)]
pub struct Profile {
    pub name: String,
    /// Shared cap on all calls to the server (`"*"`).
    pub server_cap: Option<Rate>,
    pub write: Rate,
    pub execute: ExecuteMode,
    pub destructive: DestructiveMode,
    pub financial: FinancialMode,
}

/// Reason shown to the agent for a denied financial tool.
pub const NEEDS_APPROVAL: &str = "Requires human approval.";

impl Profile {
    pub const NAMES: [&'static str; 3] = ["default", "strict", "permissive"];

    /// The built-in profiles: `default`, `strict`, `permissive`.
    pub fn builtin(name: &str) -> Option<Profile> {
        let p = match name {
            "default" => Profile {
                name: name.into(),
                server_cap: Some(Rate::new(60, Window::Minute)),
                write: Rate::new(30, Window::Minute),
                execute: ExecuteMode::RateLimit(Rate::new(10, Window::Minute)),
                destructive: DestructiveMode::Hide,
                financial: FinancialMode::Deny,
            },
            "strict" => Profile {
                name: name.into(),
                server_cap: Some(Rate::new(30, Window::Minute)),
                write: Rate::new(10, Window::Minute),
                execute: ExecuteMode::Approval,
                destructive: DestructiveMode::Hide,
                financial: FinancialMode::Deny,
            },
            "permissive" => Profile {
                name: name.into(),
                server_cap: Some(Rate::new(120, Window::Minute)),
                write: Rate::new(60, Window::Minute),
                execute: ExecuteMode::RateLimit(Rate::new(30, Window::Minute)),
                destructive: DestructiveMode::Approval,
                financial: FinancialMode::SpendCap {
                    per_call: 50_000,
                    daily: 1_000_000,
                },
            },
            _ => return None,
        };
        Some(p)
    }

    /// The rate of an execute tool, when it is rate-limited.
    fn execute_rate(&self) -> Rate {
        match self.execute {
            ExecuteMode::RateLimit(r) => r.tighter(self.write),
            ExecuteMode::Approval => Rate::new(self.write.max.div_ceil(3).max(1), self.write.per),
        }
    }

    /// Apply `[policy]` settings from `toolcat.toml` on top of this profile.
    pub fn apply(&mut self, s: &PolicySettings) -> Result<()> {
        let mut errors = Vec::new();
        if let Some(cap) = &s.server_cap {
            if cap == "none" {
                self.server_cap = None;
            } else {
                match Rate::parse(cap) {
                    Some(r) => self.server_cap = Some(r),
                    None => errors.push(format!(
                        "policy.server_cap: `{cap}` is not N/minute|hour|day or none"
                    )),
                }
            }
        }
        if let Some(w) = &s.write {
            match Rate::parse(w) {
                Some(r) => self.write = r,
                None => errors.push(format!("policy.write: `{w}` is not N/minute|hour|day")),
            }
        }
        if let Some(e) = &s.execute {
            match (e.as_str(), Rate::parse(e)) {
                ("approval", _) => self.execute = ExecuteMode::Approval,
                (_, Some(r)) => self.execute = ExecuteMode::RateLimit(r),
                _ => errors.push(format!(
                    "policy.execute: `{e}` is not N/minute|hour|day or approval"
                )),
            }
        }
        if let Some(d) = &s.destructive {
            match d.as_str() {
                "hide" => self.destructive = DestructiveMode::Hide,
                "deny" => self.destructive = DestructiveMode::Deny,
                "approval" => self.destructive = DestructiveMode::Approval,
                _ => errors.push(format!(
                    "policy.destructive: `{d}` is not hide, deny or approval"
                )),
            }
        }
        let caps = (s.per_call_cap, s.daily_cap);
        if let Some(f) = &s.financial {
            match f.as_str() {
                "deny" => self.financial = FinancialMode::Deny,
                "spend-cap" => {
                    self.financial = FinancialMode::SpendCap {
                        per_call: caps.0.unwrap_or(50_000),
                        daily: caps.1.unwrap_or(1_000_000),
                    }
                }
                _ => errors.push(format!("policy.financial: `{f}` is not deny or spend-cap")),
            }
        }
        if let FinancialMode::SpendCap { per_call, daily } = &mut self.financial {
            *per_call = caps.0.unwrap_or(*per_call);
            *daily = caps.1.unwrap_or(*daily);
        }
        if !errors.is_empty() {
            bail!("{}", errors.join("\n"));
        }
        Ok(())
    }
}

/// `[policy]` in `toolcat.toml`: a profile and settings that replace its decisions.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PolicySettings {
    /// `default`, `strict` or `permissive`.
    pub profile: Option<String>,
    /// Shared cap on all calls to a server, `N/minute|hour|day`, or `none`.
    pub server_cap: Option<String>,
    /// Rate limit of each write tool.
    pub write: Option<String>,
    /// Rate limit of each execute tool, or `approval`.
    pub execute: Option<String>,
    /// `hide`, `deny` or `approval`.
    pub destructive: Option<String>,
    /// `deny` or `spend-cap`.
    pub financial: Option<String>,
    /// Largest amount one call of a financial tool may carry, under `spend-cap`.
    pub per_call_cap: Option<u64>,
    /// Largest total a financial tool may move in a day, under `spend-cap`.
    pub daily_cap: Option<u64>,
}

impl PolicySettings {
    /// The profile these settings describe: `name` (from `--profile`) or `profile`, or
    /// `default`, with the settings applied on top.
    pub fn profile(&self, name: Option<&str>) -> Result<Profile> {
        let name = name.or(self.profile.as_deref()).unwrap_or("default");
        let Some(mut p) = Profile::builtin(name) else {
            bail!(
                "unknown policy profile `{name}` (known: {})",
                Profile::NAMES.join(", ")
            );
        };
        p.apply(self)?;
        Ok(p)
    }
}

/// Options of one `toolcat policy` run.
#[derive(Debug, Clone)]
pub struct Options {
    pub profile: Profile,
    /// Execute tools require approval whatever the profile says.
    pub approval: bool,
    /// The server's key in the user's MCP configuration (Claude Code rules); the slug if
    /// not given.
    pub server_key: Option<String>,
    /// Tools (`server/tool`) to put behind approval to break a toxic combination (the send
    /// leg that `toolcat flows` finds); empty for none.
    pub break_flows: std::collections::BTreeSet<String>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            profile: Profile::builtin("default").expect("built in"),
            approval: false,
            server_key: None,
            break_flows: std::collections::BTreeSet::new(),
        }
    }
}

/// A tool with its decision and why.
#[derive(Debug, Clone)]
pub struct ToolPolicy {
    pub name: String,
    pub category: Category,
    pub risk: Risk,
    /// One line: category, risk and the strongest evidence.
    pub reason: String,
    pub decision: Decision,
    /// The verdict awaits a person's review (see [`AWAITS_REVIEW`]).
    pub needs_review: bool,
}

/// What a tool's reason says when it is behind approval to break a toxic combination.
pub const BREAKS_A_FLOW: &str = "; behind approval: it can send data out beside tools that \
     read private data and bring untrusted content (toolcat flows)";

/// The decisions for every tool of a server.
#[derive(Debug, Clone)]
pub struct ServerPolicy {
    pub slug: String,
    pub name: String,
    pub package: Option<String>,
    /// The key of the server in MCP client configuration (Claude Code rules).
    pub key: String,
    pub profile: String,
    pub server_cap: Option<Rate>,
    /// Sorted by name.
    pub tools: Vec<ToolPolicy>,
}

impl ServerPolicy {
    pub fn count(&self, c: Category) -> usize {
        self.tools.iter().filter(|t| t.category == c).count()
    }

    pub fn tool(&self, name: &str) -> Option<&ToolPolicy> {
        self.tools.iter().find(|t| t.name == name)
    }
}

/// Reason shown to the agent for a tool whose verdict awaits a person's review, where the
/// dialect cannot ask for approval.
pub const AWAITS_REVIEW: &str =
    "Awaits review: toolcat could not tell what this tool does. Ask a person to review it.";

/// The decision for one tool. A verdict that needs review is never allowed or only
/// rate-limited: it needs a person's approval, or stays denied or hidden if its category
/// already asks for that.
pub fn decide(tool: &Tool, verdict: &Verdict, opts: &Options) -> Decision {
    let d = decide_category(tool, verdict, opts);
    if verdict.needs_review && d.allows() {
        Decision::Approval
    } else {
        d
    }
}

/// The decision a verdict's category and risk ask for under the profile.
fn decide_category(tool: &Tool, verdict: &Verdict, opts: &Options) -> Decision {
    let p = &opts.profile;
    if verdict.signals.contains(&"hidden-instructions") {
        return Decision::Deny(
            "Its definition carries hidden instructions to the model; review it first.".into(),
        );
    }
    match verdict.category {
        Category::Read if verdict.risk > Risk::Low => Decision::RateLimit(p.write),
        Category::Read => Decision::Allow,
        Category::Write if verdict.risk > Risk::Medium => Decision::RateLimit(p.execute_rate()),
        Category::Write => Decision::RateLimit(p.write),
        Category::Execute => {
            if opts.approval || p.execute == ExecuteMode::Approval || verdict.risk == Risk::Critical
            {
                Decision::Approval
            } else {
                Decision::RateLimit(p.execute_rate())
            }
        }
        Category::Destructive => match p.destructive {
            DestructiveMode::Hide => Decision::Hide,
            DestructiveMode::Deny => Decision::Deny(
                "Destructive: it deletes or acts irreversibly. Ask a person to run it.".into(),
            ),
            DestructiveMode::Approval => Decision::Approval,
        },
        Category::Financial => match (p.financial, amount_path(tool)) {
            (FinancialMode::SpendCap { per_call, daily }, Some(path)) => Decision::SpendCap {
                path,
                per_call,
                daily,
            },
            _ => Decision::Deny(NEEDS_APPROVAL.into()),
        },
    }
}

/// The argument path (`args.amount`, `args.order.total`) of the first amount-like
/// parameter at any depth, outside arrays (a cap needs one value per call).
pub fn amount_path(tool: &Tool) -> Option<String> {
    let params = crate::schema::params(tool.input_schema.as_ref());
    params.params.iter().find_map(|p| {
        if !crate::classify::lexicon::amount_param(&p.key.to_lowercase()) {
            return None;
        }
        let name = params.name(p);
        (!name.contains("[]")).then(|| format!("args.{name}"))
    })
}

/// One line of why: the category, the risk, and the heaviest piece of evidence.
fn reason(verdict: &Verdict) -> String {
    let evidence = verdict
        .evidence
        .iter()
        .find(|e| e.effect.starts_with(verdict.category.as_str()))
        .or_else(|| verdict.evidence.first());
    let mut line = format!(
        "{}, {} risk",
        verdict.category.as_str(),
        verdict.risk.as_str()
    );
    if let Some(e) = evidence {
        let _ = write!(line, " ({}: {})", e.rule, e.quote);
    }
    if !verdict.signals.is_empty() {
        let _ = write!(line, "; signals: {}", verdict.signals.join(", "));
    }
    if verdict.needs_review {
        line.insert_str(0, "needs review: ");
    }
    crate::untrusted::one_line(&line, 160)
}

/// `1 tool`, `2 tools`: a count and its noun (nouns that take an `s`).
pub fn counted(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

/// The policy of a server, from the verdicts of its tools (`verdicts[i]` is the verdict of
/// `server.tools[i]`, overrides applied: see [`crate::classify::Classifier::verdicts`]).
pub fn for_server(server: &Server, verdicts: &[Verdict], opts: &Options) -> ServerPolicy {
    debug_assert_eq!(server.tools.len(), verdicts.len());
    let mut tools: Vec<ToolPolicy> = server
        .tools
        .iter()
        .zip(verdicts)
        .map(|(t, v)| {
            let mut p = ToolPolicy {
                name: t.name.clone(),
                category: v.category,
                risk: v.risk,
                reason: reason(v),
                decision: decide(t, v, opts),
                needs_review: v.needs_review,
            };
            let id = crate::flows::tool_id(server, &t.name);
            if p.decision.allows() && opts.break_flows.contains(&id) {
                p.decision = Decision::Approval;
                p.reason.push_str(BREAKS_A_FLOW);
            }
            p
        })
        .collect();
    tools.sort_by(|a, b| a.name.cmp(&b.name));
    // Duplicate names: keep the strictest decision, since a policy keys on the name.
    tools.dedup_by(|later, kept| {
        if later.name != kept.name {
            return false;
        }
        if strictness(&later.decision) > strictness(&kept.decision) {
            std::mem::swap(later, kept);
        }
        true
    });
    ServerPolicy {
        slug: server.server.slug.clone(),
        name: server.server.name.clone(),
        package: server.server.package.clone(),
        key: opts
            .server_key
            .clone()
            .unwrap_or_else(|| server.server.slug.clone()),
        profile: opts.profile.name.clone(),
        server_cap: opts.profile.server_cap,
        tools,
    }
}

fn strictness(d: &Decision) -> u8 {
    match d {
        Decision::Allow => 0,
        Decision::RateLimit(_) => 1,
        Decision::SpendCap { .. } => 2,
        Decision::Approval => 3,
        Decision::Deny(_) => 4,
        Decision::Hide => 5,
    }
}

/// Write a server's policy in a dialect.
pub fn render(policy: &ServerPolicy, dialect: Dialect) -> String {
    match dialect {
        Dialect::Intercept => intercept::render(policy),
        Dialect::Gateway => gateway::render(policy),
        Dialect::ClaudeCode => claude::render(policy),
        Dialect::Gemini => gemini::render(policy),
        Dialect::Codex => codex::render(policy),
        Dialect::OpenAi => openai::render(policy),
        Dialect::Vscode => vscode::render(policy),
        Dialect::Cedar => cedar::render(policy),
        Dialect::Agentgateway => agentgateway::render(policy),
        Dialect::Docker => docker::render(policy),
    }
}

/// What a tool's page shows of its entry in a server's policy, in a dialect.
pub fn snippet(policy: &ServerPolicy, tool: &ToolPolicy, dialect: Dialect) -> String {
    match dialect {
        Dialect::Intercept => intercept::snippet(tool),
        Dialect::Gateway => gateway::snippet(tool),
        Dialect::ClaudeCode => claude::snippet(policy, tool),
        Dialect::Gemini => gemini::snippet(policy, tool),
        Dialect::Codex => codex::snippet(policy, tool),
        Dialect::OpenAi => openai::snippet(tool),
        Dialect::Vscode => vscode::snippet(policy, tool),
        Dialect::Cedar => cedar::snippet(policy, tool),
        Dialect::Agentgateway => agentgateway::snippet(policy, tool),
        Dialect::Docker => docker::snippet(policy, tool),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_agree_with_their_nouns() {
        assert_eq!(counted(0, "tool"), "0 tools");
        assert_eq!(counted(1, "server"), "1 server");
        assert_eq!(counted(2, "file"), "2 files");
    }

    #[test]
    fn rates_parse_and_compare() {
        assert_eq!(
            Rate::parse("30/minute"),
            Some(Rate::new(30, Window::Minute))
        );
        assert_eq!(Rate::parse("0/minute"), None);
        assert_eq!(Rate::parse("5/week"), None);
        assert_eq!(Rate::parse("x/day"), None);
        let a = Rate::new(10, Window::Minute);
        assert_eq!(
            a.tighter(Rate::new(100, Window::Hour)),
            Rate::new(100, Window::Hour)
        );
        assert_eq!(a.to_string(), "10/minute");
    }

    #[test]
    fn settings_replace_profile_decisions_and_report_every_bad_value() {
        let mut p = Profile::builtin("default").unwrap();
        p.apply(&PolicySettings {
            execute: Some("approval".into()),
            financial: Some("spend-cap".into()),
            daily_cap: Some(500),
            ..PolicySettings::default()
        })
        .unwrap();
        assert_eq!(p.execute, ExecuteMode::Approval);
        assert_eq!(
            p.financial,
            FinancialMode::SpendCap {
                per_call: 50_000,
                daily: 500
            }
        );
        let e = p
            .apply(&PolicySettings {
                write: Some("fast".into()),
                destructive: Some("maybe".into()),
                ..PolicySettings::default()
            })
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("policy.write") && e.contains("policy.destructive"),
            "{e}"
        );
    }
}
