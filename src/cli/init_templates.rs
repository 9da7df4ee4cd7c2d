//! `toolcat init-templates`: the built-in templates, copied out to edit.

use anyhow::Result;
use std::path::{Path, PathBuf};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Where to copy them (created when missing).
    pub dir: PathBuf,
    /// Overwrite files that already exist in DIR.
    #[arg(long)]
    pub force: bool,
}

pub fn run(args: &Args) -> Result<u8> {
    init_templates(&args.dir, args.force)
}

fn init_templates(dir: &Path, force: bool) -> Result<u8> {
    let written = crate::render::Templates::write_defaults(dir, force)?;
    eprintln!(
        "wrote {} templates into {}; build with --templates {}",
        written.len(),
        dir.display(),
        dir.display()
    );
    Ok(0)
}
