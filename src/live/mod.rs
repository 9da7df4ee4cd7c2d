//! Listing the tools of running MCP servers, through the official Rust SDK (`rmcp`).
//!
//! [`list`] spawns a stdio server, runs `initialize`, `notifications/initialized` and
//! `tools/list` to the last page, and shuts the child down. Everything is bounded: one
//! timeout for the whole exchange, and caps on pages, tools and bytes. A server that
//! hangs, exits, answers with an error or repeats a cursor gets an error that says so; the
//! child is killed whatever happens (the transport kills it when dropped).
//!
//! [`config`] reads the servers of a client's configuration file; [`redact_url`] and
//! [`Target::redact`] keep their secrets out of what is recorded and shown.

use anyhow::{anyhow, bail, Context, Result};
use rmcp::model::PaginatedRequestParams;
use rmcp::transport::streamable_http_client::StreamableHttpClientTransportConfig;
use rmcp::transport::{StreamableHttpClientTransport, TokioChildProcess};
use rmcp::ServiceExt;
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::time::Duration;

mod config;
mod redact;

pub use config::config;
pub use redact::{name_from_url, redact_url};

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
}
