//! `toolcat ingest`: files, or live servers, into the catalogue.

use super::common::{read_inputs, write_ingested};
use super::live::{list_live, LiveArgs};
use crate::ingest::Naming;
use anyhow::{Context, Result};
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Files or directories to read.
    #[arg(value_name = "FILE|DIR", required_unless_present_any = ["stdio", "mcp_config", "url"])]
    pub paths: Vec<PathBuf>,
    /// Server name for inputs that do not name one (default: the file stem); the name
    /// of a --stdio server.
    #[arg(long, alias = "name", value_name = "NAME")]
    pub server: Option<String>,
    /// Package id such as npm:@scope/name or pypi:name (default for a live server: read
    /// from its command, as in `npx -y @scope/pkg@1.2.3` or `uvx pkg==1.0`).
    #[arg(long, value_name = "ID")]
    pub package: Option<String>,
    /// Catalogue directory.
    #[arg(long, default_value = "catalog", value_name = "DIR")]
    pub catalog: PathBuf,
    #[command(flatten)]
    pub live: LiveArgs,
    /// Print what would change in the catalogue without writing it.
    #[arg(long)]
    pub dry_run: bool,
}

pub fn run(args: Args) -> Result<u8> {
    let Args {
        paths,
        server,
        package,
        catalog,
        live,
        dry_run,
    } = args;
    let naming = Naming { server, package };
    let (servers, failed) = if live.any() {
        let listed = list_live(&live, &naming)?;
        (listed.servers, listed.failures.len())
    } else {
        (
            read_inputs(&paths, &naming).context("nothing was ingested")?,
            0,
        )
    };
    write_ingested(&servers, &catalog, dry_run)?;
    Ok(if failed > 0 { 3 } else { 0 })
}
