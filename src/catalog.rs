//! The catalogue on disk: `<dir>/<server-slug>.json`, one pretty-printed file per server,
//! keys sorted, tools sorted by name (then fingerprint), so that a change to a server is a
//! small reviewable diff.

use crate::ingest::{self, InputError, Naming};
use crate::model::{Server, Tool};
use anyhow::{bail, Context, Result};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The whole catalogue, servers sorted by slug.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Catalog {
    pub servers: Vec<Server>,
}

impl Catalog {
    pub fn tool_count(&self) -> usize {
        self.servers.iter().map(|s| s.tools.len()).sum()
    }

    /// Put servers and their tools in the canonical order.
    pub fn normalize(&mut self) {
        for s in &mut self.servers {
            sort_tools(&mut s.tools);
        }
        self.servers
            .sort_by(|a, b| a.server.slug.cmp(&b.server.slug));
    }

    pub fn server(&self, slug: &str) -> Option<&Server> {
        self.servers.iter().find(|s| s.server.slug == slug)
    }
}

/// Sort tools by name, then by fingerprint so duplicate names keep a stable order (only
/// tools that share a name are fingerprinted).
pub fn sort_tools(tools: &mut [Tool]) {
    tools.sort_by(|a, b| a.name.cmp(&b.name));
    let mut start = 0;
    while start < tools.len() {
        let end = start
            + tools[start..]
                .iter()
                .take_while(|t| t.name == tools[start].name)
                .count();
        if end - start > 1 {
            tools[start..end].sort_by_cached_key(Tool::fingerprint);
        }
        start = end;
    }
}

/// Load every `*.json` file of a catalogue directory. Any bad file fails the load.
pub fn load(dir: &Path) -> Result<Catalog> {
    let files = list(dir)?;
    let mut catalog = Catalog::default();
    let mut errors: Vec<InputError> = Vec::new();
    for file in files {
        match ingest::read_file(&file, &Naming::default()) {
            Ok((server, _)) => catalog.servers.push(server),
            Err(e) => errors.push(e),
        }
    }
    if !errors.is_empty() {
        return Err(bad_files(dir, &errors));
    }
    check_unique_slugs(catalog.servers.iter().map(|s| s.server.slug.as_str()))?;
    catalog.normalize();
    Ok(catalog)
}

/// The catalogue files of a directory (`*.json`, not hidden), sorted. A symbolic link
/// is an error: toolcat does not follow links out of the catalogue.
pub fn list(dir: &Path) -> Result<Vec<PathBuf>> {
    if !dir.is_dir() {
        bail!(
            "catalogue directory {} does not exist (run `toolcat ingest` first, or pass --catalog)",
            dir.display()
        );
    }
    let mut files: Vec<PathBuf> = Vec::new();
    for entry in std::fs::read_dir(dir).with_context(|| format!("listing {}", dir.display()))? {
        let entry = entry.with_context(|| format!("listing {}", dir.display()))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let is_file = entry.file_type().is_ok_and(|t| t.is_file());
        let json = Path::new(&name)
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("json"));
        if json && entry.file_type().is_ok_and(|t| t.is_symlink()) {
            bail!(
                "{} is a symbolic link: toolcat does not follow links out of the catalogue",
                entry.path().display()
            );
        }
        if is_file && json && !name.starts_with('.') {
            files.push(entry.path());
        }
    }
    files.sort();
    Ok(files)
}

/// The error for a catalogue with bad files, naming each.
pub fn bad_files(dir: &Path, errors: &[InputError]) -> anyhow::Error {
    let list: Vec<String> = errors.iter().map(ToString::to_string).collect();
    anyhow::anyhow!(
        "the catalogue in {} has bad files:\n  {}",
        dir.display(),
        list.join("\n  ")
    )
}

/// Fail if two catalogue files name the same server.
pub fn check_unique_slugs<'a>(slugs: impl Iterator<Item = &'a str>) -> Result<()> {
    let mut seen: std::collections::HashSet<&str> = std::collections::HashSet::new();
    let mut twice: Vec<&str> = slugs.filter(|s| !seen.insert(s)).collect();
    twice.sort_unstable();
    if let Some(slug) = twice.first() {
        bail!("two catalogue files name the server `{slug}`");
    }
    Ok(())
}

/// The catalogue file's text for one server.
pub fn to_json(server: &Server) -> String {
    let mut server = server.clone();
    sort_tools(&mut server.tools);
    let mut text = serde_json::to_string_pretty(&server).expect("a server always serializes");
    text.push('\n');
    text
}

/// The path of a server's file in a catalogue directory.
pub fn server_path(dir: &Path, slug: &str) -> PathBuf {
    dir.join(format!("{slug}.json"))
}

/// Write one server's file atomically (temporary file, then rename).
pub fn write_server(dir: &Path, server: &Server) -> Result<()> {
    crate::write::create_dir(dir)?;
    let path = server_path(dir, &server.server.slug);
    crate::write::write_file_atomic(&path, to_json(server).as_bytes())
}

/// What re-ingesting a server changed, by tool name.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ToolListChange {
    pub added: Vec<String>,
    pub removed: Vec<String>,
    pub changed: Vec<String>,
}

impl ToolListChange {
    pub fn is_empty(&self) -> bool {
        self.added.is_empty() && self.removed.is_empty() && self.changed.is_empty()
    }
}

/// Compare two tool lists by name (duplicate names compare as multisets of fingerprints).
pub fn compare(old: &[Tool], new: &[Tool]) -> ToolListChange {
    let group = |tools: &[Tool]| {
        let mut m: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for t in tools {
            m.entry(t.name.clone()).or_default().push(t.fingerprint());
        }
        for v in m.values_mut() {
            v.sort();
        }
        m
    };
    let (old, new) = (group(old), group(new));
    let mut change = ToolListChange::default();
    for (name, fps) in &new {
        match old.get(name) {
            None => change.added.push(name.clone()),
            Some(old_fps) if old_fps != fps => change.changed.push(name.clone()),
            Some(_) => {}
        }
    }
    change.removed = old
        .keys()
        .filter(|n| !new.contains_key(*n))
        .cloned()
        .collect();
    change
}

/// Where each server's catalogue file starts, and the line of each tool's entry in it
/// (found by its `"name": ` line), for reports that point into the catalogue.
pub fn tool_locations(
    dir: &Path,
    servers: &[&Server],
) -> std::collections::BTreeMap<(String, Option<String>), crate::check::report::Location> {
    let mut out = std::collections::BTreeMap::new();
    for s in servers {
        let path = server_path(dir, &s.server.slug);
        let file = path.display().to_string();
        out.insert(
            (s.server.slug.clone(), None),
            crate::check::report::Location {
                file: file.clone(),
                line: 1,
            },
        );
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        for (i, line) in text.lines().enumerate() {
            let Some(rest) = line.trim_start().strip_prefix("\"name\": ") else {
                continue;
            };
            if let Ok(name) = serde_json::from_str::<String>(rest.trim_end_matches(',')) {
                out.entry((s.server.slug.clone(), Some(name))).or_insert(
                    crate::check::report::Location {
                        file: file.clone(),
                        line: i + 1,
                    },
                );
            }
        }
    }
    out
}
