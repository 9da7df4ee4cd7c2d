//! What several commands share: reading inputs, writing ingested servers, printing.

use crate::catalog;
use crate::classify::Verdict;
use crate::config::Config;
use crate::ingest::{self, Naming};
use crate::model::{Server, Tool};
use crate::policy::counted;
use anyhow::{bail, Context, Result};
use std::io::Write;
use std::path::{Path, PathBuf};

pub(super) fn stdout_line(s: &str) -> Result<()> {
    let mut out = std::io::stdout().lock();
    out.write_all(s.as_bytes())?;
    if !s.ends_with('\n') {
        out.write_all(b"\n")?;
    }
    Ok(())
}

/// Read every input; all-or-nothing.
pub(super) fn read_inputs(paths: &[PathBuf], naming: &Naming) -> Result<Vec<Server>> {
    let files = ingest::expand_inputs(paths)?;
    if files.is_empty() {
        bail!(
            "no .json or .jsonl files found in {}",
            paths
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    if naming.server.is_some() && files.len() > 1 {
        bail!(
            "--server names one server, but {} input files were given",
            files.len()
        );
    }
    let mut servers = Vec::new();
    let mut errors = Vec::new();
    for file in &files {
        match ingest::read_file(file, naming) {
            Ok((server, diags)) => {
                for d in diags {
                    eprintln!("warning: {}", crate::untrusted::visible(&d.to_string()));
                }
                servers.push(server);
            }
            Err(e) => errors.push(e.to_string()),
        }
    }
    if !errors.is_empty() {
        bail!(
            "{} of {} input files could not be read:\n  {}",
            errors.len(),
            files.len(),
            errors.join("\n  ")
        );
    }
    let mut seen = std::collections::BTreeMap::new();
    for (s, f) in servers.iter().zip(&files) {
        if let Some(prev) = seen.insert(s.server.slug.clone(), f) {
            bail!(
                "{} and {} both name server `{}`",
                prev.display(),
                f.display(),
                s.server.slug
            );
        }
    }
    Ok(servers)
}

/// Write the ingested servers into the catalogue, all or none, then say what changed.
pub(super) fn write_ingested(servers: &[Server], dir: &Path, dry_run: bool) -> Result<()> {
    let mut batch = crate::write::Batch::default();
    let mut changes = Vec::with_capacity(servers.len());
    if !dry_run && !servers.is_empty() {
        crate::write::create_dir(dir)?;
        // Ctrl-C while the temporary files are written leaves none behind.
        crate::interrupt::catch();
    }
    for server in servers {
        crate::interrupt::check().context("nothing was ingested")?;
        let path = catalog::server_path(dir, &server.server.slug);
        let existed = path.exists();
        let old = if existed {
            ingest::read_file(&path, &Naming::default())
                .map(|(s, _)| s.tools)
                .map_err(|e| anyhow::anyhow!("{e}"))?
        } else {
            Vec::new()
        };
        if !dry_run {
            batch
                .write(&path, catalog::to_json(server).as_bytes())
                .context("nothing was ingested")?;
        }
        changes.push((server, existed, catalog::compare(&old, &server.tools)));
    }
    batch.commit()?;
    for (server, existed, change) in changes {
        let verb = match (dry_run, existed) {
            (true, true) => "would update",
            (true, false) => "would add",
            (false, true) => "updated",
            (false, false) => "added",
        };
        stdout_line(&format!(
            "{verb} {} ({}): {} added, {} removed, {} changed",
            server.server.slug,
            counted(server.tools.len(), "tool"),
            change.added.len(),
            change.removed.len(),
            change.changed.len()
        ))?;
        for (sign, names) in [
            ("+", &change.added),
            ("-", &change.removed),
            ("~", &change.changed),
        ] {
            for n in names {
                stdout_line(&format!("  {sign} {}", crate::untrusted::visible(n)))?;
            }
        }
    }
    Ok(())
}

/// A tool's verdict under the configuration.
pub(super) fn verdict(config: &Config, server: &Server, tool: &Tool) -> Verdict {
    crate::classify::Classifier::new(config).verdict(server, tool)
}

pub(super) fn warn_unused(config: &Config) {
    for w in config.unused_overrides() {
        eprintln!("warning: {w}");
    }
}

/// Split `SERVER/TOOL` at the first slash (tool names may contain slashes).
pub(super) fn split_id(id: &str) -> Result<(&str, &str)> {
    id.split_once('/')
        .filter(|(s, t)| !s.is_empty() && !t.is_empty())
        .context("expected SERVER/TOOL, such as mcp-server-git/git_status")
}

/// Refuse to write outputs (policies, reports) into the catalogue folder: the next command
/// would read them as catalogue files, and one named `<server>.json` would replace that
/// server's file. `flag` names the option that chose the folder.
pub(super) fn refuse_catalog_folder(folder: &Path, catalog_dir: &Path, flag: &str) -> Result<()> {
    if let (Ok(a), Ok(b)) = (folder.canonicalize(), catalog_dir.canonicalize()) {
        if a == b {
            bail!(
                "{} is the catalogue folder: files written there would be read as catalogue \
                 files, or replace them; choose another {flag}",
                folder.display()
            );
        }
    }
    Ok(())
}

/// The folder a file is written into.
pub(super) fn folder_of(path: &Path) -> &Path {
    path.parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
}
