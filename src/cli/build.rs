//! `toolcat build`: the static site.

use super::common::warn_unused;
use crate::config::Config;
use crate::policy::counted;
use anyhow::Result;
use std::path::{Path, PathBuf};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Catalogue directory.
    #[arg(long, default_value = "catalog", value_name = "DIR")]
    pub catalog: PathBuf,
    /// Output directory.
    #[arg(long, default_value = "site", value_name = "DIR")]
    pub out: PathBuf,
    /// Templates that replace the built-in ones file by file (see init-templates).
    #[arg(long, value_name = "DIR")]
    pub templates: Option<PathBuf>,
    /// Replace --out even when it is a non-empty directory toolcat did not write.
    #[arg(long)]
    pub force: bool,
    /// Render the whole site, even when an incremental build could reuse --out.
    #[arg(long)]
    pub full: bool,
}

pub fn run(args: &Args, config: &Config) -> Result<u8> {
    build(
        &args.catalog,
        &args.out,
        args.templates.as_deref(),
        crate::site::BuildOptions {
            force: args.force,
            full: args.full,
        },
        config,
    )
}

fn build(
    catalog_dir: &Path,
    out: &Path,
    templates: Option<&Path>,
    options: crate::site::BuildOptions,
    config: &Config,
) -> Result<u8> {
    if let Some(dir) = templates {
        crate::site::refuse_input_inside(out, "templates folder", dir)?;
    }
    let templates = match templates {
        Some(dir) => crate::render::Templates::with_overrides(dir)?,
        None => crate::render::Templates::default(),
    };
    crate::interrupt::catch();
    let stats = crate::site::build(catalog_dir, out, config, &templates, options)?;
    warn_unused(config);
    if stats.incremental {
        eprintln!(
            "updated {}: {} of {} rendered again, {} written, {} removed ({} for {})",
            out.display(),
            stats.rendered_servers,
            counted(stats.servers, "server"),
            counted(stats.written, "file"),
            stats.removed,
            counted(stats.files, "file"),
            counted(stats.tools, "tool")
        );
    } else {
        eprintln!(
            "built {} for {} of {} into {}",
            counted(stats.files, "file"),
            counted(stats.tools, "tool"),
            counted(stats.servers, "server"),
            out.display()
        );
    }
    Ok(0)
}
