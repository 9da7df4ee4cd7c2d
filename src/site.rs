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
pub fn build(catalog: &Catalog, out: &Path, config: &Config) -> Result<Stats> {
    let entries = render::prepare(catalog, &|s, t| crate::cli::verdict(config, s, t));
    let pages = render::site(&entries, &config.site_title)?;
    let stats = Stats {
        files: pages.len(),
        bytes: pages.iter().map(|p| p.1.len()).sum(),
    };
    crate::write::build_dir(out, |staging| {
        for (path, text) in &pages {
            staging.write(path, text.as_bytes())?;
        }
        Ok(())
    })?;
    Ok(stats)
}
