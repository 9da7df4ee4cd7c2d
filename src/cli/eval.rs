//! `toolcat eval`: the classifier measured against labels.

use super::common::{split_id, stdout_line, verdict};
use crate::catalog;
use crate::config::Config;
use anyhow::Result;
use std::path::{Path, PathBuf};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Labels files, one JSON object a line: {"id": "SERVER/TOOL", "category":
    /// "read", "sure": true}, or capability labels with "capabilities" (a list of
    /// private-data, untrusted-content, external-send) and a "reason" (precision and
    /// recall per capability). Several files are measured together.
    #[arg(required = true)]
    pub labels: Vec<PathBuf>,
    /// Catalogue directory.
    #[arg(long, default_value = "catalog", value_name = "DIR")]
    pub catalog: PathBuf,
    /// Also print accuracy and needs-review counts server by server.
    #[arg(long)]
    pub by_server: bool,
}

pub fn run(args: &Args, config: &Config) -> Result<u8> {
    eval(&args.labels, &args.catalog, args.by_server, config)
}

fn eval(files: &[PathBuf], dir: &Path, by_server: bool, config: &Config) -> Result<u8> {
    let mut labels = Vec::new();
    let mut capability_labels = Vec::new();
    for f in files {
        if crate::eval::holds_capabilities(f)? {
            capability_labels.extend(crate::eval::read_capability_labels(f)?);
        } else {
            labels.extend(crate::eval::read_labels(f)?);
        }
    }
    let catalog = catalog::load(dir)?;
    if !capability_labels.is_empty() {
        let report = crate::eval::evaluate_capabilities(&capability_labels, |id| {
            let (s, t) = split_id(id).ok()?;
            let server = catalog.server(s)?;
            let tool = server.tools.iter().find(|x| x.name == t)?;
            Some(verdict(config, server, tool))
        });
        stdout_line(&crate::untrusted::visible(&report.text()))?;
        if labels.is_empty() {
            return Ok(0);
        }
    }
    let profile = config.policy.profile(None)?;
    let opts = crate::policy::Options {
        profile,
        ..crate::policy::Options::default()
    };
    let report = crate::eval::evaluate(&labels, |id| {
        let (s, t) = split_id(id).ok()?;
        let server = catalog.server(s)?;
        let tool = server.tools.iter().find(|x| x.name == t)?;
        let verdict = verdict(config, server, tool);
        let policy_allows = crate::policy::decide(tool, &verdict, &opts).allows();
        Some(crate::eval::Outcome {
            verdict,
            policy_allows,
        })
    });
    stdout_line(&crate::untrusted::visible(&report.text(by_server)))?;
    let classifier = crate::classify::Classifier::new(config);
    stdout_line(&crate::untrusted::visible(
        &crate::eval::annotation_agreement(&catalog, &classifier),
    ))?;
    Ok(0)
}
