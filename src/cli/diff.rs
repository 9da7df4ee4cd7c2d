//! `toolcat diff`: any two catalogues, catalogue files or dumps, compared as `check` does.

use super::common::read_inputs;
use super::report::{
    emit_reports, exit_status, warn_unused_ignores, FailOn, ReportArgs, ReportOutput,
};
use crate::catalog;
use crate::check::{report::Report, Absent};
use crate::config::Config;
use crate::ingest::Naming;
use crate::model::Server;
use anyhow::Result;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The state before: a catalogue directory, a catalogue file or a dump.
    pub old: PathBuf,
    /// The state after, of the same kind.
    pub new: PathBuf,
    #[command(flatten)]
    pub report: ReportArgs,
}

pub fn run(args: Args, config: &Config) -> Result<u8> {
    let fail_on = args.report.fail_on;
    diff(
        &args.old,
        &args.new,
        &args.report.outputs(),
        fail_on,
        config,
    )
}

/// Servers from a catalogue directory, a catalogue file or a dump.
fn servers_at(path: &Path) -> Result<Vec<Server>> {
    if path.is_dir() && catalog::load(path).is_ok() {
        return Ok(catalog::load(path)?.servers);
    }
    read_inputs(&[path.to_path_buf()], &Naming::default())
}

fn diff(
    old: &Path,
    new: &Path,
    outputs: &[ReportOutput],
    fail_on: FailOn,
    config: &Config,
) -> Result<u8> {
    let before = servers_at(old)?;
    let mut after = servers_at(new)?;
    // Two single files name the same server whatever their stems.
    if before.len() == 1 && after.len() == 1 && old.is_file() && new.is_file() {
        after[0].server.slug.clone_from(&before[0].server.slug);
    }
    let classifier = crate::classify::Classifier::new(config);
    let (findings, servers) =
        crate::check::compare_all(&before, &after, Absent::Removed, &classifier);
    let report = Report::new(findings, servers, BTreeMap::new(), config);
    warn_unused_ignores(config);
    emit_reports(&report, outputs)?;
    Ok(exit_status(&report.findings, fail_on, false))
}
