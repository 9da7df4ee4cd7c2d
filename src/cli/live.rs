//! Listing live servers for `ingest` and `check`: the arguments that name them, and the
//! listing of each with its progress and errors.

use crate::ingest::{self, Naming};
use crate::model::Server;
use crate::policy::counted;
use anyhow::{bail, Result};
use std::path::{Path, PathBuf};

/// Where to list tools from live servers (shared by `ingest` and `check`).
#[derive(Debug, Clone, clap::Args)]
pub struct LiveArgs {
    /// Spawn the stdio MCP server given after `--` and list its tools.
    #[arg(long, conflicts_with_all = ["paths", "mcp_config", "url"], requires = "command")]
    stdio: bool,
    /// The server's command and arguments, after `--`.
    #[arg(last = true, value_name = "COMMAND")]
    command: Vec<String>,
    /// An environment variable for the --stdio server, K=V (only names are recorded).
    #[arg(long = "env", value_name = "K=V")]
    env: Vec<String>,
    /// List the tools of a streamable-HTTP server at this URL.
    #[arg(long, value_name = "URL", conflicts_with_all = ["paths", "mcp_config"])]
    url: Option<String>,
    /// A header for the --url server, 'K: V' (only names are recorded).
    #[arg(long = "header", value_name = "K: V", requires = "url")]
    headers: Vec<String>,
    /// Every server of a client configuration file (`mcpServers` or `servers`).
    #[arg(long, value_name = "FILE", conflicts_with = "paths")]
    mcp_config: Option<PathBuf>,
    /// With --mcp-config: only this server (repeatable).
    #[arg(long, value_name = "NAME", requires = "mcp_config")]
    only: Vec<String>,
    /// Seconds a live server has to answer everything.
    #[arg(long, default_value_t = 30, value_name = "SECONDS")]
    timeout: u64,
    /// No progress lines.
    #[arg(long)]
    quiet: bool,
}

impl LiveArgs {
    pub(super) fn any(&self) -> bool {
        self.stdio || self.url.is_some() || self.mcp_config.is_some()
    }
}

struct LiveOptions {
    limits: crate::live::Limits,
    quiet: bool,
}

fn stdio_spec(command: &[String], env: &[String]) -> Result<crate::live::StdioSpec> {
    let Some((program, args)) = command.split_first() else {
        bail!("--stdio needs the server's command after `--`");
    };
    let mut vars = std::collections::BTreeMap::new();
    for kv in env {
        let Some((k, v)) = kv.split_once('=') else {
            bail!("--env {kv}: expected K=V");
        };
        vars.insert(k.to_string(), v.to_string());
    }
    Ok(crate::live::StdioSpec::new(
        program.clone(),
        args.to_vec(),
        vars,
    ))
}

/// The servers listed, and each that could not be.
pub(super) struct Listed {
    pub(super) servers: Vec<Server>,
    pub(super) failures: Vec<Unreachable>,
}

/// A server that could not be listed, with its error (secrets redacted).
pub(super) struct Unreachable {
    pub(super) name: String,
    pub(super) error: String,
}

/// The live servers `live` names, listed.
pub(super) fn list_live(live: &LiveArgs, naming: &Naming) -> Result<Listed> {
    let opts = LiveOptions {
        limits: crate::live::Limits {
            timeout: std::time::Duration::from_secs(live.timeout.max(1)),
            ..crate::live::Limits::default()
        },
        quiet: live.quiet,
    };
    let entries = if live.stdio {
        let spec = stdio_spec(&live.command, &live.env)?;
        let name = naming.server.clone().unwrap_or_else(|| {
            crate::live::package_of(&spec).map_or_else(
                || ingest::file_stem(Path::new(&spec.program)),
                |(p, _)| p.rsplit(['/', ':']).next().unwrap_or(&p).to_string(),
            )
        });
        vec![(name, crate::live::Target::Stdio(spec))]
    } else if let Some(url) = &live.url {
        let mut map = std::collections::BTreeMap::new();
        for h in &live.headers {
            let Some((k, v)) = h.split_once(':') else {
                bail!("--header {h}: expected 'Name: value'");
            };
            map.insert(k.trim().to_string(), v.trim().to_string());
        }
        let name = naming
            .server
            .clone()
            .unwrap_or_else(|| crate::live::name_from_url(url));
        vec![(
            name,
            crate::live::Target::Http {
                url: url.clone(),
                headers: map,
                written: crate::live::Written::default(),
            },
        )]
    } else if let Some(file) = &live.mcp_config {
        let mut entries = crate::live::config(file)?;
        for o in &live.only {
            if !entries.contains_key(o) {
                bail!("--only {o}: no such server in {}", file.display());
            }
        }
        if !live.only.is_empty() {
            entries.retain(|k, _| live.only.contains(k));
        }
        entries.into_iter().collect()
    } else {
        Vec::new()
    };
    let naming = if live.mcp_config.is_some() {
        Naming::default()
    } else {
        naming.clone()
    };
    Ok(live_servers(entries, &naming, &opts))
}

/// List live servers one by one; a server that fails is reported and the others kept.
/// Returns the servers listed and the failures.
fn live_servers(
    entries: Vec<(String, crate::live::Target)>,
    naming: &Naming,
    opts: &LiveOptions,
) -> Listed {
    let mut servers = Vec::new();
    let mut failed = Vec::new();
    let interactive = !opts.quiet && std::io::IsTerminal::is_terminal(&std::io::stderr());
    for (name, entry) in entries {
        let started = std::time::Instant::now();
        // A spinner on a terminal; plain lines in logs.
        let spinner = interactive.then(|| {
            let s = indicatif::ProgressBar::new_spinner();
            s.set_message(format!("{name}: listing tools..."));
            s.enable_steady_tick(std::time::Duration::from_millis(100));
            s
        });
        if !opts.quiet && spinner.is_none() {
            eprintln!("{name}: listing tools...");
        }
        let result = crate::live::list(&entry, opts.limits).and_then(|listing| {
            let doc = listing.to_server_json(&name, &entry);
            let naming = Naming {
                server: Some(name.clone()),
                package: naming.package.clone(),
            };
            let source = PathBuf::from(format!("{name} ({})", entry.shown()));
            ingest::parse_text(&doc.to_string(), &source, &naming)
                .map(|(s, _)| (s, listing.pages))
                .map_err(|e| anyhow::anyhow!("{e}"))
        });
        if let Some(s) = spinner {
            s.finish_and_clear();
        }
        match result {
            Ok((server, pages)) => {
                if !opts.quiet {
                    eprintln!(
                        "{name}: {} in {}, {:.1} s",
                        counted(server.tools.len(), "tool"),
                        counted(pages, "page"),
                        started.elapsed().as_secs_f64()
                    );
                }
                servers.push(server);
            }
            Err(e) => {
                // The transport's errors may quote the URL, a header or an expanded
                // variable: none of them reaches a log or a report.
                let e = entry.redact(&format!("{e:#}"));
                eprintln!("error: server {name}: {}", crate::untrusted::visible(&e));
                failed.push(Unreachable { name, error: e });
            }
        }
    }
    Listed {
        servers,
        failures: failed,
    }
}
