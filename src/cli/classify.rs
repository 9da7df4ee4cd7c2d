//! `toolcat classify`: a verdict for every tool, as a table or JSON.

use super::common::{read_inputs, verdict, warn_unused};
use crate::catalog::{self, Catalog};
use crate::classify::Verdict;
use crate::config::Config;
use crate::ingest::Naming;
use crate::model::{Server, Tool};
use anyhow::Result;
use clap::ValueEnum;
use std::io::Write;
use std::path::{Path, PathBuf};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Inputs as for `ingest` (classified under their file stem); the catalogue when none.
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// A table, or JSON with the evidence (one document, or one line a tool).
    #[arg(long, value_enum, default_value_t = VerdictFormat::Text)]
    pub format: VerdictFormat,
    /// Catalogue directory.
    #[arg(long, default_value = "catalog", value_name = "DIR")]
    pub catalog: PathBuf,
}

pub fn run(args: &Args, config: &Config) -> Result<u8> {
    classify(&args.paths, args.format, &args.catalog, config)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum VerdictFormat {
    Text,
    Json,
    Jsonl,
}

pub(super) fn load_for_classify(paths: &[PathBuf], dir: &Path) -> Result<Catalog> {
    let mut catalog = if paths.is_empty() {
        catalog::load(dir)?
    } else {
        Catalog {
            servers: read_inputs(paths, &Naming::default())?,
        }
    };
    catalog.normalize();
    Ok(catalog)
}

#[derive(serde::Serialize)]
struct Line<'a> {
    server: &'a str,
    tool: &'a str,
    #[serde(flatten)]
    verdict: &'a Verdict,
}

fn classify(paths: &[PathBuf], format: VerdictFormat, dir: &Path, config: &Config) -> Result<u8> {
    let catalog = load_for_classify(paths, dir)?;
    let rows: Vec<(&Server, &Tool, Verdict)> = catalog
        .servers
        .iter()
        .flat_map(|s| s.tools.iter().map(move |t| (s, t)))
        .map(|(s, t)| (s, t, verdict(config, s, t)))
        .collect();
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    match format {
        // Invisible, direction-changing and control characters (C1 ones included, which
        // `serde_json` writes raw) become `\u` escapes: the values are the same, and a
        // terminal shows them instead of obeying them.
        VerdictFormat::Jsonl => {
            for (s, t, v) in &rows {
                let line = serde_json::to_string(&Line {
                    server: &s.server.slug,
                    tool: &t.name,
                    verdict: v,
                })?;
                out.write_all(crate::untrusted::escape_invisible(&line).as_bytes())?;
                out.write_all(b"\n")?;
            }
        }
        VerdictFormat::Json => {
            let lines: Vec<Line<'_>> = rows
                .iter()
                .map(|(s, t, v)| Line {
                    server: &s.server.slug,
                    tool: &t.name,
                    verdict: v,
                })
                .collect();
            let text = serde_json::to_string_pretty(&lines)?;
            out.write_all(crate::untrusted::escape_invisible(&text).as_bytes())?;
            out.write_all(b"\n")?;
        }
        VerdictFormat::Text => {
            let width = rows
                .iter()
                .map(|(s, t, _)| s.server.slug.len() + t.name.chars().count() + 1)
                .max()
                .unwrap_or(4)
                .min(72);
            writeln!(
                out,
                "{:<width$}  {:<11}  {:<8}  {:>4}  {:<6}  rules",
                "tool", "category", "risk", "conf", "review"
            )?;
            for (s, t, v) in &rows {
                let id = crate::untrusted::visible(&format!("{}/{}", s.server.slug, t.name));
                writeln!(
                    out,
                    "{id:<width$}  {:<11}  {:<8}  {:>4.2}  {:<6}  {}",
                    v.category.as_str(),
                    v.risk.as_str(),
                    v.confidence,
                    if v.needs_review { "needed" } else { "-" },
                    v.rules.join(",")
                )?;
            }
        }
    }
    out.flush()?;
    warn_unused(config);
    Ok(0)
}
