//! `toolcat flows`: the toxic combination the given servers make together, the fewest
//! tools to gate to break it, and tool names two servers share.

use super::classify::load_for_classify;
use super::common::verdict;
use super::live::{list_live, LiveArgs};
use crate::config::Config;
use crate::flows::{analyse, Flows};
use anyhow::Result;
use std::io::Write;
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Inputs as for `ingest`: the servers one agent reaches (the catalogue when none).
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Or the servers of a client configuration (--mcp-config), or one live server.
    #[command(flatten)]
    pub live: LiveArgs,
    /// Text, or JSON (a stable interface: combinations, gate, collisions, shadowing).
    #[arg(long, value_enum, default_value_t = FlowsFormat::Text)]
    pub format: FlowsFormat,
    /// Exit 1 when a toxic combination is found (by default the exit status is 0 either way).
    #[arg(long, value_enum, default_value_t = FailOn::Never)]
    pub fail_on: FailOn,
    /// Catalogue directory.
    #[arg(long, default_value = "catalog", value_name = "DIR")]
    pub catalog: PathBuf,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum FlowsFormat {
    Text,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum FailOn {
    /// Never fail on what is found.
    Never,
    /// Fail when the servers make a toxic combination.
    Combination,
}

pub fn run(args: &Args, config: &Config) -> Result<u8> {
    let mut unreachable = Vec::new();
    let catalog = if args.live.any() {
        let listed = list_live(&args.live, &crate::ingest::Naming::default())?;
        unreachable = listed.failures;
        let mut catalog = crate::catalog::Catalog {
            servers: listed.servers,
        };
        catalog.normalize();
        catalog
    } else {
        load_for_classify(&args.paths, &args.catalog)?
    };
    let verdicts: Vec<Vec<_>> = catalog
        .servers
        .iter()
        .map(|s| s.tools.iter().map(|t| verdict(config, s, t)).collect())
        .collect();
    let flows = analyse(&catalog.servers, &verdicts);
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    match args.format {
        FlowsFormat::Json => {
            let text = serde_json::to_string_pretty(&flows)?;
            out.write_all(crate::untrusted::escape_invisible(&text).as_bytes())?;
            out.write_all(b"\n")?;
        }
        FlowsFormat::Text => out.write_all(text(&flows).as_bytes())?,
    }
    out.flush()?;
    // A server that could not be listed may hold a leg: the answer is incomplete.
    for u in &unreachable {
        eprintln!(
            "error: could not list {}: {}; its tools are not counted",
            crate::untrusted::visible(&u.name),
            crate::untrusted::one_line(&u.error, 300)
        );
    }
    if !unreachable.is_empty() {
        return Ok(3);
    }
    Ok(u8::from(
        args.fail_on == FailOn::Combination && !flows.combinations.is_empty(),
    ))
}

fn list(out: &mut String, title: &str, tools: &[String]) {
    use std::fmt::Write as _;
    let _ = writeln!(out, "  {title} ({}):", tools.len());
    for t in tools {
        let _ = writeln!(out, "    {}", crate::untrusted::visible(t));
    }
}

fn text(flows: &Flows) -> String {
    use std::fmt::Write as _;
    let mut out = String::new();
    if flows.combinations.is_empty() {
        out.push_str("no toxic combination: no agent holds private data, untrusted content and an outbound channel at once\n");
    }
    for c in &flows.combinations {
        out.push_str("toxic combination\n");
        list(&mut out, "private data", &c.private_data);
        list(&mut out, "untrusted content", &c.untrusted_content);
        list(&mut out, "external send", &c.external_send);
        let _ = writeln!(out, "  {}", c.explanation);
        list(&mut out, "gate these to break it", &flows.gate);
    }
    for s in &flows.shadowing {
        let _ = writeln!(
            out,
            "shadowing: {} {} {} ({})",
            crate::untrusted::visible(&s.tool),
            s.how,
            crate::untrusted::visible(&s.target),
            crate::untrusted::visible(&s.evidence)
        );
    }
    for c in &flows.collisions {
        let _ = writeln!(
            out,
            "collision: {} ({})",
            crate::untrusted::visible(&c.tool),
            c.servers.join(", ")
        );
    }
    out
}
