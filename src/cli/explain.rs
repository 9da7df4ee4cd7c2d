//! `toolcat explain`: one tool's verdict and every rule that fired.

use super::common::{split_id, stdout_line, verdict};
use crate::catalog;
use crate::classify::{rules, Verdict};
use crate::config::Config;
use crate::model::{Server, Tool};
use anyhow::{bail, Context, Result};
use std::path::{Path, PathBuf};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// SERVER/TOOL, as in the catalogue.
    pub id: String,
    /// Catalogue directory.
    #[arg(long, default_value = "catalog", value_name = "DIR")]
    pub catalog: PathBuf,
}

pub fn run(args: &Args, config: &Config) -> Result<u8> {
    explain(&args.id, &args.catalog, config)
}

fn explain(id: &str, dir: &Path, config: &Config) -> Result<u8> {
    let (server_slug, tool_name) = split_id(id)?;
    let catalog = catalog::load(dir)?;
    let server = catalog
        .server(server_slug)
        .with_context(|| format!("no server `{server_slug}` in {}", dir.display()))?;
    let tools: Vec<&Tool> = server
        .tools
        .iter()
        .filter(|t| t.name == tool_name)
        .collect();
    if tools.is_empty() {
        bail!("server `{server_slug}` has no tool `{tool_name}`");
    }
    for tool in tools {
        let v = verdict(config, server, tool);
        stdout_line(&explain_text(server, tool, &v))?;
    }
    Ok(0)
}

/// The text `toolcat explain` prints.
pub fn explain_text(server: &Server, tool: &Tool, v: &Verdict) -> String {
    use std::fmt::Write as _;
    let vis = crate::untrusted::visible;
    let mut s = String::new();
    let _ = writeln!(s, "{}/{}", server.server.slug, vis(&tool.name));
    let _ = writeln!(s, "  category:   {}", v.category);
    let _ = writeln!(s, "  risk:       {}", v.risk);
    let _ = writeln!(s, "  confidence: {:.2}", v.confidence);
    if let Some(reason) = &v.review_reason {
        let _ = writeln!(
            s,
            "  review:     needs review: {reason}; policies put it behind approval until \
             an override in toolcat.toml decides it"
        );
    }
    if !v.capabilities.is_empty() {
        let names: Vec<&str> = v.capabilities.iter().map(|c| c.as_str()).collect();
        let _ = writeln!(s, "  capabilities: {}", names.join(", "));
    }
    if !v.signals.is_empty() {
        let _ = writeln!(s, "  signals:    {}", v.signals.join(", "));
    }
    if let Some(o) = &v.overridden {
        let _ = writeln!(
            s,
            "  override:   {} ({}; classifier said {}/{})",
            vis(&o.pattern),
            vis(&o.reason),
            o.classified_category,
            o.classified_risk
        );
    }
    for f in &v.findings {
        let _ = writeln!(s, "  finding:    {} {}", f.rule, vis(&f.message));
    }
    let _ = writeln!(s, "  evidence:");
    for e in &v.evidence {
        let name = rules::find(e.rule).map_or("", |r| r.name);
        let _ = writeln!(
            s,
            "    {} {name} [{}] -> {}",
            e.rule,
            vis(&e.source),
            e.effect
        );
        let _ = writeln!(s, "        \"{}\"", vis(&e.quote));
    }
    s
}
