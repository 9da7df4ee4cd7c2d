//! `toolcat build`: catalogue in, complete site out, atomically.

use crate::catalog::Catalog;
use crate::config::Config;
use crate::render;
use anyhow::{Context, Result};
use std::path::Path;

/// What a build wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stats {
    pub files: usize,
    pub bytes: usize,
}

/// Classify and render the catalogue into `out`, replacing it only on success.
pub fn build(
    catalog: &Catalog,
    out: &Path,
    config: &Config,
    templates: &render::Templates,
    force: bool,
) -> Result<Stats> {
    refuse_foreign(out, force)?;
    let files = render_site(catalog, config, templates)?;
    let stats = Stats {
        files: files.len(),
        bytes: files.iter().map(|p| p.1.len()).sum(),
    };
    crate::write::build_dir(out, |staging| {
        for (path, bytes) in &files {
            staging.write(path, bytes)?;
        }
        staging.write(MARKER, MARKER_TEXT.as_bytes())
    })?;
    Ok(stats)
}

/// The file that marks a directory as a site toolcat wrote, and may replace.
pub const MARKER: &str = ".toolcat-site";

const MARKER_TEXT: &str =
    "This directory is written by `toolcat build`, which replaces it whole on every build.\n";

/// Refuse to replace a non-empty directory toolcat did not write, unless forced: a
/// mistyped `--out` must not delete someone's files.
fn refuse_foreign(out: &Path, force: bool) -> Result<()> {
    if force || !out.is_dir() || out.join(MARKER).is_file() {
        return Ok(());
    }
    let empty = std::fs::read_dir(out)
        .with_context(|| format!("reading {}", out.display()))?
        .next()
        .is_none();
    if !empty {
        anyhow::bail!(
            "{} is not empty and was not written by toolcat build (it has no {MARKER}): \
             refusing to replace it; pass --force to replace it anyway",
            out.display()
        );
    }
    Ok(())
}

/// Every file of the site, in memory, sorted by path.
pub fn render_site(
    catalog: &Catalog,
    config: &Config,
    templates: &render::Templates,
) -> Result<Vec<render::File>> {
    let entries = render::prepare(catalog, &|s, t| crate::cli::verdict(config, s, t));
    let mut settings = render::Settings::new(&config.site_title, &config.base_url);
    settings.policy.profile = config.policy.profile(None)?;
    render::site(&entries, &settings, templates)
}
