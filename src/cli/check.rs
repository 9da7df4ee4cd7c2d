//! `toolcat check`: what servers expose now against the reviewed catalogue; the CI gate.

use super::common::{folder_of, read_inputs, refuse_catalog_folder, write_ingested};
use super::live::{list_live, Listed, LiveArgs};
use super::report::{
    emit_reports, exit_status, warn_unused_ignores, FailOn, ReportArgs, ReportOutput,
};
use crate::catalog;
use crate::check::{report::Report, Absent};
use crate::config::Config;
use crate::ingest::Naming;
use crate::model::Server;
use anyhow::{bail, Result};
use std::path::{Path, PathBuf};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Saved tools/list answers or server files to compare.
    #[arg(value_name = "DUMP")]
    pub paths: Vec<PathBuf>,
    /// The reviewed catalogue.
    #[arg(long, default_value = "catalog", value_name = "DIR")]
    pub catalog: PathBuf,
    /// The catalogued server a dump is compared with, when the dump does not say.
    #[arg(long, alias = "name", value_name = "NAME")]
    pub server: Option<String>,
    #[command(flatten)]
    pub live: LiveArgs,
    #[command(flatten)]
    pub report: ReportArgs,
    /// Unreachable servers are reported but do not make the exit status 3.
    #[arg(long)]
    pub allow_unreachable: bool,
    /// Accept the current state into the catalogue after reporting.
    #[arg(long)]
    pub update: bool,
}

pub fn run(args: Args, config: &Config) -> Result<u8> {
    check(
        &args.paths,
        &args.catalog,
        args.server,
        &args.live,
        &CheckOptions {
            fail_on: args.report.fail_on,
            outputs: args.report.outputs(),
            allow_unreachable: args.allow_unreachable,
            update: args.update,
        },
        config,
    )
}

struct CheckOptions {
    /// Every report to write: `--format`/`--output`, then each `--report`.
    outputs: Vec<ReportOutput>,
    fail_on: FailOn,
    allow_unreachable: bool,
    update: bool,
}

fn check(
    dumps: &[PathBuf],
    catalog_dir: &Path,
    server: Option<String>,
    live: &LiveArgs,
    opts: &CheckOptions,
    config: &Config,
) -> Result<u8> {
    if dumps.is_empty() && !live.any() {
        bail!("nothing to check: give dumps, or --stdio, --url or --mcp-config");
    }
    for path in opts.outputs.iter().filter_map(|o| o.file.as_ref()) {
        refuse_catalog_folder(folder_of(path), catalog_dir, "--output")?;
    }
    let baseline = catalog::load(catalog_dir)?;
    let naming = Naming {
        server,
        package: None,
    };
    let Listed {
        servers: current,
        failures,
    } = if live.any() {
        list_live(live, &naming)?
    } else {
        Listed {
            servers: read_inputs(dumps, &naming)?,
            failures: Vec::new(),
        }
    };
    let classifier = crate::classify::Classifier::new(config);
    let (mut findings, mut servers) =
        crate::check::compare_all(&baseline.servers, &current, Absent::NotChecked, &classifier);
    for f in &failures {
        findings.push(crate::check::Finding::unreachable(&f.name, &f.error));
        servers.push(f.name.clone());
    }
    let located: Vec<&Server> = baseline.servers.iter().collect();
    let locations = crate::catalog::tool_locations(catalog_dir, &located);
    let report = Report::new(findings, servers, locations, config);
    warn_unused_ignores(config);
    emit_reports(&report, &opts.outputs)?;
    if opts.update {
        write_ingested(&current, catalog_dir, false)?;
    }
    let unreachable = !failures.is_empty() && !opts.allow_unreachable;
    if opts.update && !unreachable {
        return Ok(0);
    }
    Ok(exit_status(&report.findings, opts.fail_on, unreachable))
}
