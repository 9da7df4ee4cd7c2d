//! `toolcat build`: catalogue in, complete site out, atomically.

use crate::catalog::Catalog;
use crate::config::Config;
use crate::render;
use anyhow::Result;
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
) -> Result<Stats> {
    let files = render_site(catalog, config, templates)?;
    let stats = Stats {
        files: files.len(),
        bytes: files.iter().map(|p| p.1.len()).sum(),
    };
    crate::write::build_dir(out, |staging| {
        for (path, bytes) in &files {
            staging.write(path, bytes)?;
        }
        Ok(())
    })?;
    Ok(stats)
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
