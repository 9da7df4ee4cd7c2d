//! Listing the tools of running MCP servers, through the official Rust SDK (`rmcp`).
//!
//! [`list`] spawns a stdio server, runs `initialize`, `notifications/initialized` and
//! `tools/list` to the last page, and shuts the child down. Everything is bounded: one
//! timeout for the whole exchange, and caps on pages, tools and bytes. A server that
//! hangs, exits, answers with an error or repeats a cursor gets an error that says so; the
//! child is killed whatever happens (the transport kills it when dropped).
//!
//! [`config`] reads the servers of a client's configuration file.

use anyhow::{anyhow, bail, Context, Result};
use rmcp::model::PaginatedRequestParams;
use rmcp::transport::streamable_http_client::StreamableHttpClientTransportConfig;
use rmcp::transport::{StreamableHttpClientTransport, TokioChildProcess};
use rmcp::ServiceExt;
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::time::Duration;

/// Bounds on one server's listing.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// For the whole exchange: start, initialize, every page.
    pub timeout: Duration,
    pub max_pages: usize,
    pub max_tools: usize,
    /// Bytes of tool definitions (as JSON).
    pub max_bytes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            timeout: Duration::from_secs(30),
            max_pages: 1_000,
            max_tools: 100_000,
            max_bytes: 256 << 20,
        }
    }
}

/// How to start a stdio server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StdioSpec {
    pub program: String,
    pub args: Vec<String>,
    /// Set for the child; values are never recorded.
    pub env: BTreeMap<String, String>,
    pub written: Written,
}

impl StdioSpec {
    /// A spec from the command line: nothing was expanded by toolcat.
    pub fn new(program: String, args: Vec<String>, env: BTreeMap<String, String>) -> Self {
        StdioSpec {
            program,
            args,
            env,
            written: Written::default(),
        }
    }

    /// The program and arguments as the config wrote them (`${VAR}` unexpanded).
    #[must_use]
    pub fn as_written(&self) -> StdioSpec {
        StdioSpec {
            program: self
                .written
                .program
                .clone()
                .unwrap_or_else(|| self.program.clone()),
            args: self
                .written
                .args
                .clone()
                .unwrap_or_else(|| self.args.clone()),
            env: BTreeMap::new(),
            written: Written::default(),
        }
    }
}

/// A target as its client config wrote it, before `${VAR}` was expanded: what the
/// catalogue records, so that an expanded secret never lands in a committed file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Written {
    pub program: Option<String>,
    pub args: Option<Vec<String>>,
    pub url: Option<String>,
    /// The values substituted for variables: never shown.
    pub expanded: Vec<String>,
}

/// What a server listed, ready for [`crate::ingest`].
#[derive(Debug, Clone)]
pub struct Listing {
    /// The tools as JSON, exactly as the SDK read them.
    pub tools: Vec<Value>,
    /// `serverInfo` from `initialize`.
    pub server_info: Value,
    pub protocol_version: String,
    pub pages: usize,
}

impl Listing {
    /// The listing as a corpus-style server file, for the ordinary ingest path.
    pub fn to_server_json(&self, name: &str, target: &Target) -> Value {
        let (package, version) = match target {
            Target::Stdio(spec) => package_of(&spec.as_written()).unzip(),
            Target::Http { .. } => (None, None),
        };
        let version = version.flatten().or_else(|| {
            self.server_info
                .get("version")
                .and_then(Value::as_str)
                .map(str::to_string)
        });
        let mut doc = json!({
            "server": {
                "name": name,
                "serverInfo": self.server_info,
                "protocolVersion": self.protocol_version,
            },
            "tools": self.tools,
        });
        match target {
            Target::Stdio(spec) => {
                doc["server"]["transport"] = json!("stdio");
                // As the config wrote them: an expanded `${VAR}` is never recorded.
                let written = spec.as_written();
                doc["server"]["launchCommand"] = json!(written.program);
                doc["server"]["launchArgs"] = json!(written.args);
                doc["server"]["launchEnv"] = spec
                    .env
                    .keys()
                    .map(|k| (k.clone(), Value::String(String::new())))
                    .collect::<serde_json::Map<_, _>>()
                    .into();
            }
            Target::Http { headers, .. } => {
                doc["server"]["transport"] = json!("streamable-http");
                doc["server"]["url"] = json!(target.shown());
                doc["server"]["headerNames"] = json!(headers.keys().collect::<Vec<_>>());
            }
        }
        if let Some(p) = package {
            doc["server"]["package"] = json!(p);
        }
        if let Some(v) = version {
            doc["server"]["version"] = json!(v);
        }
        doc
    }
}

/// How to reach a server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    Stdio(StdioSpec),
    /// Streamable HTTP: the endpoint and headers to send (values never recorded).
    Http {
        url: String,
        headers: BTreeMap<String, String>,
        written: Written,
    },
}

impl Target {
    /// The values that must never appear in a file, a message or a report: expanded
    /// variables, environment and header values, and the credentials and query values of
    /// the URL. Longest first, so a value holding another is replaced whole.
    pub fn secrets(&self) -> Vec<String> {
        let mut out: Vec<String> = match self {
            Target::Stdio(spec) => spec
                .env
                .values()
                .chain(&spec.written.expanded)
                .cloned()
                .collect(),
            Target::Http {
                url,
                headers,
                written,
            } => headers
                .values()
                .chain(&written.expanded)
                .cloned()
                .chain(url_secrets(url))
                .collect(),
        };
        // Values this short would blot out ordinary words; none is a credential.
        out.retain(|v| v.trim().chars().count() >= 4);
        out.sort_by(|a, b| b.len().cmp(&a.len()).then_with(|| a.cmp(b)));
        out.dedup();
        out
    }

    /// `text` with the target's URL shown redacted and every secret replaced by `***`.
    pub fn redact(&self, text: &str) -> String {
        let mut out = text.to_string();
        if let Target::Http { url, .. } = self {
            if !url.is_empty() {
                out = out.replace(url.as_str(), &redact_url(url));
            }
        }
        for secret in self.secrets() {
            if out.contains(&secret) {
                out = out.replace(&secret, "***");
            }
        }
        out
    }

    /// How the target is reached, fit to show: `stdio`, or the URL as written, redacted.
    pub fn shown(&self) -> String {
        match self {
            Target::Stdio(_) => "stdio".to_string(),
            Target::Http { url, written, .. } => redact_url(written.url.as_deref().unwrap_or(url)),
        }
    }
}

/// A URL fit to show and record: userinfo replaced by `***`, every query value and the
/// fragment too; a value that is a `${VAR}` reference (a config as written) is kept.
pub fn redact_url(url: &str) -> String {
    let (scheme, rest) = match url.split_once("://") {
        Some((s, r)) => (Some(s), r),
        None => (None, url),
    };
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(end);
    let (tail, fragment) = match tail.split_once('#') {
        Some((t, f)) => (t, Some(f)),
        None => (tail, None),
    };
    let (path, query) = match tail.split_once('?') {
        Some((p, q)) => (p, Some(q)),
        None => (tail, None),
    };
    let mut out = String::with_capacity(url.len());
    if let Some(s) = scheme {
        out.push_str(s);
        out.push_str("://");
    }
    match authority.rsplit_once('@') {
        Some((_, host)) => {
            out.push_str("***@");
            out.push_str(host);
        }
        None => out.push_str(authority),
    }
    out.push_str(path);
    if let Some(q) = query {
        out.push('?');
        let pairs: Vec<String> = q
            .split('&')
            .map(|pair| match pair.split_once('=') {
                Some((k, v)) if v.is_empty() || variable_reference(v) => format!("{k}={v}"),
                Some((k, _)) => format!("{k}=***"),
                None if pair.is_empty() || variable_reference(pair) => pair.to_string(),
                None => "***".to_string(),
            })
            .collect();
        out.push_str(&pairs.join("&"));
    }
    if let Some(f) = fragment.filter(|f| !f.is_empty()) {
        out.push('#');
        out.push_str(if variable_reference(f) { f } else { "***" });
    }
    out
}

/// The parts of a URL that may be credentials: its userinfo (whole, and each half) and
/// every query value.
fn url_secrets(url: &str) -> Vec<String> {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let mut out = Vec::new();
    if let Some((userinfo, _)) = rest[..end].rsplit_once('@') {
        out.push(userinfo.to_string());
        out.extend(userinfo.split(':').map(str::to_string));
    }
    if let Some((_, q)) = rest[end..].split_once('?') {
        let q = q.split('#').next().unwrap_or("");
        for pair in q.split('&') {
            out.push(pair.split_once('=').map_or(pair, |(_, v)| v).to_string());
        }
    }
    out
}

fn variable_reference(v: &str) -> bool {
    v.starts_with("${") && v.ends_with('}') && !v[2..v.len() - 1].contains(['{', '}'])
}

/// A server's name from its URL: the host, and the port when one is given
/// (`https://user:tok@api.example.com:8443/mcp` is `api.example.com-8443`, `http://[::1]:3001`
/// is `ipv6-1-3001`). Credentials, path and query never become part of a name.
pub fn name_from_url(url: &str) -> String {
    let parsed = url.parse::<http::Uri>().ok();
    let (host, port) = if let Some(a) = parsed.as_ref().and_then(http::Uri::authority) {
        (a.host().to_string(), a.port_u16())
    } else {
        // Not a URI `http` reads: the authority by hand, without userinfo.
        let rest = url.split_once("://").map_or(url, |(_, r)| r);
        let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
        let authority = rest[..end].rsplit('@').next().unwrap_or("");
        (authority.to_string(), None)
    };
    let host = match host.strip_prefix('[').and_then(|h| h.strip_suffix(']')) {
        Some(v6) => format!(
            "ipv6-{}",
            v6.split(':')
                .filter(|p| !p.is_empty())
                .collect::<Vec<_>>()
                .join("-")
        ),
        None => host,
    };
    // Hosts are case-insensitive: one server, one name.
    let host = if host.is_empty() {
        "server".to_string()
    } else {
        host.to_ascii_lowercase()
    };
    match port {
        Some(p) => format!("{host}-{p}"),
        None => host,
    }
}

/// List the tools of a server. Runs its own runtime; safe to call from plain code.
pub fn list(target: &Target, limits: Limits) -> Result<Listing> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    let result = runtime.block_on(async {
        tokio::select! {
            r = tokio::time::timeout(limits.timeout, list_target(target, limits)) => match r {
                Ok(r) => r,
                Err(_) => Err(anyhow!("no complete answer within {} s (see --timeout)", limits.timeout.as_secs())),
            },
            _ = tokio::signal::ctrl_c() => Err(anyhow!("interrupted")),
        }
    });
    // The transport kills the child when dropped, from a task: let it run, then end the
    // runtime (the child was also spawned with kill_on_drop).
    runtime.block_on(async { tokio::time::sleep(Duration::from_millis(50)).await });
    runtime.shutdown_timeout(Duration::from_secs(2));
    result
}

async fn list_target(target: &Target, limits: Limits) -> Result<Listing> {
    match target {
        Target::Stdio(spec) => {
            let mut command = tokio::process::Command::new(&spec.program);
            command.args(&spec.args).envs(&spec.env).kill_on_drop(true);
            let (transport, _stderr) = TokioChildProcess::builder(command)
                .stderr(std::process::Stdio::null())
                .spawn()
                .with_context(|| format!("starting `{}`", spec.program))?;
            list_over(transport, limits).await
        }
        Target::Http { url, headers, .. } => {
            let mut map = std::collections::HashMap::new();
            for (k, v) in headers {
                let name = http::HeaderName::from_bytes(k.as_bytes())
                    .map_err(|_| anyhow!("header name `{k}` is not valid"))?;
                let value = http::HeaderValue::from_str(v)
                    .map_err(|_| anyhow!("the value of header `{k}` is not valid"))?;
                map.insert(name, value);
            }
            let config =
                StreamableHttpClientTransportConfig::with_uri(url.as_str()).custom_headers(map);
            let transport =
                StreamableHttpClientTransport::with_client(reqwest::Client::default(), config);
            list_over(transport, limits).await
        }
    }
}

async fn list_over<T, E, A>(transport: T, limits: Limits) -> Result<Listing>
where
    T: rmcp::transport::IntoTransport<rmcp::RoleClient, E, A>,
    E: std::error::Error + Send + Sync + 'static,
{
    let service = ().serve(transport).await.map_err(|e| anyhow!("initialize failed: {e}"))?;
    let (server_info, protocol_version) = match service.peer_info() {
        Some(info) => (
            serde_json::to_value(&info.server_info).unwrap_or(Value::Null),
            info.protocol_version.to_string(),
        ),
        None => (Value::Null, String::new()),
    };
    let mut tools: Vec<Value> = Vec::new();
    let mut bytes = 0usize;
    let mut cursor: Option<String> = None;
    let mut seen = BTreeSet::new();
    let mut pages = 0;
    let outcome: Result<()> = async {
        loop {
            pages += 1;
            if pages > limits.max_pages {
                bail!("more than {} pages of tools", limits.max_pages);
            }
            let params = PaginatedRequestParams::default().with_cursor(cursor.clone());
            let page = service
                .list_tools(Some(params))
                .await
                .map_err(|e| anyhow!("tools/list failed on page {pages}: {e}"))?;
            for tool in page.tools {
                let v = serde_json::to_value(&tool).context("reading a tool")?;
                bytes += v.to_string().len();
                tools.push(v);
            }
            if tools.len() > limits.max_tools {
                bail!("more than {} tools", limits.max_tools);
            }
            if bytes > limits.max_bytes {
                bail!("more than {} bytes of tool definitions", limits.max_bytes);
            }
            match page.next_cursor {
                Some(next) if !next.is_empty() => {
                    if !seen.insert(next.clone()) {
                        bail!("the server repeated cursor `{next}` on page {pages}: a loop");
                    }
                    cursor = Some(next);
                }
                _ => return Ok(()),
            }
        }
    }
    .await;
    let _ = service.cancel().await;
    outcome?;
    Ok(Listing {
        tools,
        server_info,
        protocol_version,
        pages,
    })
}

/// The package a launch command runs, and its version when the command pins one:
/// `npx -y @scope/pkg@1.2.3`, `uvx pkg==1.0`, `python -m module`, `docker run image:tag`.
pub fn package_of(spec: &StdioSpec) -> Option<(String, Option<String>)> {
    let program = Path::new(&spec.program)
        .file_name()
        .and_then(|p| p.to_str())
        .unwrap_or(&spec.program);
    let first_plain = |skip_values: &[&str]| {
        let mut it = spec.args.iter();
        while let Some(a) = it.next() {
            if skip_values.contains(&a.as_str()) {
                it.next();
                continue;
            }
            if !a.is_empty() && !a.starts_with('-') {
                return Some(a.clone());
            }
        }
        None
    };
    match program {
        "npx" | "bunx" | "pnpx" => {
            let arg = first_plain(&["-p", "--package"])?;
            // `@scope/name@1.2.3`, `name@1.2.3`: the version follows the last `@` after
            // the scope.
            let first = arg.chars().next().map_or(0, char::len_utf8);
            let split = arg[first..].rfind('@').map(|i| i + first);
            Some(match split {
                Some(i) => (format!("npm:{}", &arg[..i]), Some(arg[i + 1..].to_string())),
                None => (format!("npm:{arg}"), None),
            })
        }
        "uvx" | "pipx" => {
            let arg = first_plain(&["--from", "--python", "-p"])?;
            let arg = if arg == "run" {
                spec.args.iter().skip_while(|a| *a != "run").nth(1)?.clone()
            } else {
                arg
            };
            Some(match arg.split_once("==") {
                Some((n, v)) => (format!("pypi:{n}"), Some(v.to_string())),
                None => (format!("pypi:{arg}"), None),
            })
        }
        p if p.starts_with("python") => {
            let i = spec.args.iter().position(|a| a == "-m")?;
            Some((
                format!("pypi:{}", spec.args.get(i + 1)?.replace('_', "-")),
                None,
            ))
        }
        "docker" | "podman" => {
            let run = spec.args.iter().position(|a| a == "run")?;
            let mut it = spec.args[run + 1..].iter();
            let with_value = [
                "-e",
                "--env",
                "-v",
                "--volume",
                "--name",
                "-p",
                "--network",
                "--env-file",
                "-w",
            ];
            while let Some(a) = it.next() {
                if with_value.contains(&a.as_str()) {
                    it.next();
                } else if !a.starts_with('-') {
                    return Some(match a.rsplit_once(':').filter(|(_, t)| !t.contains('/')) {
                        Some((image, tag)) => (format!("docker:{image}"), Some(tag.to_string())),
                        None => (format!("docker:{a}"), None),
                    });
                }
            }
            None
        }
        _ => None,
    }
}

/// The servers of a Claude Desktop or Cursor config (`mcpServers`) or a VS Code config
/// (`servers`, with `type`), by name. `${env:VAR}` and `${VAR}` in values are replaced from
/// the environment, as those clients do.
pub fn config(path: &Path) -> Result<BTreeMap<String, Target>> {
    let text = crate::ingest::read_small_text(path)?;
    let doc: Value = serde_json::from_str(&text)
        .map_err(|e| anyhow!("{}:{}:{}: {e}", path.display(), e.line(), e.column()))?;
    let (key, servers) = ["mcpServers", "servers"]
        .iter()
        .find_map(|k| doc.get(*k).and_then(Value::as_object).map(|m| (*k, m)))
        .ok_or_else(|| {
            anyhow!(
                "{}: no `mcpServers` (Claude, Cursor) or `servers` (VS Code) object",
                path.display()
            )
        })?;
    let mut out = BTreeMap::new();
    for (name, entry) in servers {
        let at = format!("{}: /{key}/{name}", path.display());
        // Every value substituted for a variable, to be kept out of what is shown.
        let expanded = std::cell::RefCell::new(Vec::new());
        let expand = |s: &str| expand(s, &mut expanded.borrow_mut());
        let raw = |field: &str| entry.get(field).and_then(Value::as_str);
        let map = |field: &str| -> BTreeMap<String, String> {
            entry
                .get(field)
                .and_then(Value::as_object)
                .map(|m| {
                    m.iter()
                        .filter_map(|(k, v)| Some((k.clone(), expand(v.as_str()?))))
                        .collect()
                })
                .unwrap_or_default()
        };
        let kind = entry.get("type").and_then(Value::as_str).unwrap_or("");
        let server = if let Some(written_url) = raw("url").or_else(|| raw("serverUrl")) {
            if kind == "stdio" {
                bail!("{at}: `type` is stdio but the entry has a `url`");
            }
            let url = expand(written_url);
            let headers = map("headers");
            Target::Http {
                url,
                headers,
                written: Written {
                    url: Some(written_url.to_string()),
                    expanded: expanded.take(),
                    ..Written::default()
                },
            }
        } else if let Some(written_program) = raw("command") {
            let written_args: Vec<String> = entry
                .get("args")
                .and_then(Value::as_array)
                .map(|a| {
                    a.iter()
                        .filter_map(Value::as_str)
                        .map(str::to_string)
                        .collect()
                })
                .unwrap_or_default();
            let program = expand(written_program);
            let args = written_args.iter().map(|a| expand(a)).collect();
            let env = map("env");
            Target::Stdio(StdioSpec {
                program,
                args,
                env,
                written: Written {
                    program: Some(written_program.to_string()),
                    args: Some(written_args),
                    expanded: expanded.take(),
                    url: None,
                },
            })
        } else {
            bail!("{at}: neither `command` (stdio) nor `url` (remote)");
        };
        out.insert(name.clone(), server);
    }
    Ok(out)
}

/// Replace `${env:VAR}` and `${VAR}` with the variable's value (empty when unset); the
/// values substituted are added to `values`.
fn expand(s: &str, values: &mut Vec<String>) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(start) = rest.find("${") {
        out.push_str(&rest[..start]);
        let Some(end) = rest[start..].find('}') else {
            out.push_str(&rest[start..]);
            return out;
        };
        let name = &rest[start + 2..start + end];
        let var = name.strip_prefix("env:").unwrap_or(name);
        let value = std::env::var(var).unwrap_or_default();
        out.push_str(&value);
        if !value.is_empty() {
            values.push(value);
        }
        rest = &rest[start + end + 1..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(program: &str, args: &[&str]) -> StdioSpec {
        StdioSpec::new(
            program.into(),
            args.iter().map(|a| (*a).to_string()).collect(),
            BTreeMap::new(),
        )
    }

    #[test]
    fn packages_and_versions_from_launch_commands() {
        let cases = [
            (
                spec(
                    "npx",
                    &["-y", "@modelcontextprotocol/server-everything@2026.8.31"],
                ),
                Some((
                    "npm:@modelcontextprotocol/server-everything",
                    Some("2026.8.31"),
                )),
            ),
            (
                spec("npx", &["-y", "exa-mcp-server"]),
                Some(("npm:exa-mcp-server", None)),
            ),
            (
                spec("uvx", &["mcp-server-time==2026.10.19"]),
                Some(("pypi:mcp-server-time", Some("2026.10.19"))),
            ),
            (
                spec(
                    "/usr/bin/python3",
                    &["-m", "mcp_server_git", "--repository", "."],
                ),
                Some(("pypi:mcp-server-git", None)),
            ),
            (
                spec(
                    "docker",
                    &[
                        "run",
                        "-i",
                        "--rm",
                        "-e",
                        "TOKEN",
                        "ghcr.io/github/github-mcp-server:v1.2",
                    ],
                ),
                Some(("docker:ghcr.io/github/github-mcp-server", Some("v1.2"))),
            ),
            (spec("./server", &[]), None),
            // A package name opening with a character of several bytes.
            (
                spec("npx", &["ünicode@1"]),
                Some(("npm:ünicode", Some("1"))),
            ),
            (spec("npx", &["é"]), Some(("npm:é", None))),
            (spec("npx", &["", "pkg"]), Some(("npm:pkg", None))),
        ];
        for (s, want) in cases {
            let got = package_of(&s);
            let want = want.map(|(p, v)| (p.to_string(), v.map(str::to_string)));
            assert_eq!(got, want, "{s:?}");
        }
    }

    #[test]
    fn vs_code_and_claude_configs_are_read_alike() {
        let dir = tempfile::tempdir().unwrap();
        let vscode = dir.path().join("mcp.json");
        std::fs::write(
            &vscode,
            r#"{"servers": {
                "gh": {"type": "http", "url": "https://api.example.com/mcp", "headers": {"Authorization": "Bearer ${env:TOOLCAT_TEST_TOKEN}"}},
                "time": {"type": "stdio", "command": "uvx", "args": ["mcp-server-time"], "env": {"TZ": "UTC"}}
            }}"#,
        )
        .unwrap();
        std::env::set_var("TOOLCAT_TEST_TOKEN", "t0k");
        let servers = config(&vscode).unwrap();
        assert_eq!(
            servers["gh"],
            Target::Http {
                url: "https://api.example.com/mcp".into(),
                headers: BTreeMap::from([("Authorization".into(), "Bearer t0k".into())]),
                written: Written {
                    url: Some("https://api.example.com/mcp".into()),
                    expanded: vec!["t0k".into()],
                    ..Written::default()
                },
            }
        );
        assert!(
            matches!(&servers["time"], Target::Stdio(s) if s.program == "uvx" && s.env["TZ"] == "UTC")
        );
        std::fs::write(&vscode, r#"{"servers": {"x": {"type": "stdio"}}}"#).unwrap();
        let e = config(&vscode).unwrap_err().to_string();
        assert!(
            e.contains("/servers/x") && e.contains("neither `command`"),
            "{e}"
        );
        std::fs::write(&vscode, r#"{"other": {}}"#).unwrap();
        assert!(config(&vscode)
            .unwrap_err()
            .to_string()
            .contains("no `mcpServers`"));
    }

    #[test]
    fn variables_expand_as_clients_do() {
        std::env::set_var("TOOLCAT_TEST_HOME", "/home/x");
        let mut values = Vec::new();
        assert_eq!(
            expand(
                "${env:TOOLCAT_TEST_HOME}/a:${TOOLCAT_TEST_HOME}",
                &mut values
            ),
            "/home/x/a:/home/x"
        );
        assert_eq!(values, ["/home/x", "/home/x"]);
        assert_eq!(expand("${TOOLCAT_SURELY_UNSET_VAR}-b", &mut values), "-b");
        assert_eq!(expand("plain ${unclosed", &mut values), "plain ${unclosed");
        assert_eq!(values.len(), 2);
    }

    #[test]
    fn urls_are_shown_without_credentials_or_query_values() {
        for (url, shown) in [
            ("https://api.example.com/mcp", "https://api.example.com/mcp"),
            (
                "https://u:tok@api.example.com:8443/mcp?key=abc&x=&${V}#frag",
                "https://***@api.example.com:8443/mcp?key=***&x=&${V}#***",
            ),
            (
                "https://h/mcp?key=${env:KEY}",
                "https://h/mcp?key=${env:KEY}",
            ),
            ("https://h/mcp?bare-token", "https://h/mcp?***"),
            ("http://[::1]:3001/mcp?k=v", "http://[::1]:3001/mcp?k=***"),
            ("not a url?k=v", "not a url?k=***"),
        ] {
            assert_eq!(redact_url(url), shown, "{url}");
        }
    }

    #[test]
    fn servers_are_named_by_host_and_port_only() {
        for (url, name) in [
            ("https://tok:x@host.example/mcp", "host.example"),
            ("http://127.0.0.1:3001/mcp?key=1", "127.0.0.1-3001"),
            ("http://[::1]:3001/mcp", "ipv6-1-3001"),
            ("http://[fe80::1:2]/", "ipv6-fe80-1-2"),
            ("https://API.Example.com", "api.example.com"),
            ("", "server"),
        ] {
            assert_eq!(name_from_url(url), name, "{url}");
        }
    }

    #[test]
    fn a_config_is_recorded_as_written_and_its_values_redacted() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("mcp.json");
        std::fs::write(
            &path,
            r#"{"mcpServers": {
                "s": {"command": "sh", "args": ["-c", "run # ${TOOLCAT_TEST_SECRET}"], "env": {"K": "env-value-1"}},
                "h": {"url": "https://${TOOLCAT_TEST_SECRET}@h.example/mcp?k=${TOOLCAT_TEST_SECRET}", "headers": {"A": "header-value-2"}}
            }}"#,
        )
        .unwrap();
        std::env::set_var("TOOLCAT_TEST_SECRET", "expanded-3");
        let servers = config(&path).unwrap();
        let Target::Stdio(s) = &servers["s"] else {
            panic!()
        };
        assert_eq!(s.args[1], "run # expanded-3");
        assert_eq!(s.as_written().args[1], "run # ${TOOLCAT_TEST_SECRET}");
        let message = "failed: run # expanded-3 with env-value-1";
        assert_eq!(servers["s"].redact(message), "failed: run # *** with ***");
        let h = &servers["h"];
        assert_eq!(
            h.shown(),
            "https://***@h.example/mcp?k=${TOOLCAT_TEST_SECRET}"
        );
        let message = "GET https://expanded-3@h.example/mcp?k=expanded-3: refused (header-value-2)";
        assert_eq!(
            h.redact(message),
            "GET https://***@h.example/mcp?k=***: refused (***)"
        );
    }
}
