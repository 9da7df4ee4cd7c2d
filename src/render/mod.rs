//! Views of the catalogue rendered into the files of the site.
//!
//! Templates are embedded in the binary from `templates/`; `--templates DIR` replaces
//! them file by file ([`Templates`]). Autoescaping is on for every `.html` template. The
//! only HTML marked safe in templates is produced here: [`crate::markdown::to_html`]'s
//! sanitized description, the charts of [`chart`] (numbers and fixed labels only) and
//! JSON-LD through [`data::script_json`]. Every other string from a tool definition goes
//! through [`crate::untrusted::visible`] and is escaped by tera.
//!
//! [`pages::Renderer::server_files`] renders a server's own files ([`ServerOutput`]),
//! [`global::SharedFiles`] the files made from every server's [`ServerDigest`]; the build
//! ([`crate::site`]) hands both to a writer.

pub mod chart;
pub mod data;
pub mod global;
mod keys;
pub mod pages;
pub mod search;

use crate::classify::Verdict;
use crate::model::{Category, Risk, Server, Tool};
use anyhow::{bail, Context, Result};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use tera::Tera;

/// The default templates and assets, embedded from `templates/`. Names ending in `.html`
/// are tera templates; the others are copied into `assets/` as they are.
pub const DEFAULTS: &[(&str, &str)] = &[
    ("base.html", include_str!("../../templates/base.html")),
    ("index.html", include_str!("../../templates/index.html")),
    ("server.html", include_str!("../../templates/server.html")),
    ("servers.html", include_str!("../../templates/servers.html")),
    ("tool.html", include_str!("../../templates/tool.html")),
    ("list.html", include_str!("../../templates/list.html")),
    ("rules.html", include_str!("../../templates/rules.html")),
    ("rule.html", include_str!("../../templates/rule.html")),
    ("search.html", include_str!("../../templates/search.html")),
    ("404.html", include_str!("../../templates/404.html")),
    ("style.css", include_str!("../../templates/style.css")),
    ("search.js", include_str!("../../templates/search.js")),
];

/// The templates a build renders with: the defaults, with a user's files replacing them
/// file by file.
#[derive(Debug, Clone)]
pub struct Templates {
    files: BTreeMap<String, String>,
}

impl Default for Templates {
    fn default() -> Self {
        Templates {
            files: DEFAULTS
                .iter()
                .map(|(n, t)| ((*n).to_string(), (*t).to_string()))
                .collect(),
        }
    }
}

impl Templates {
    /// The defaults, with every file of `dir` replacing the default of the same name.
    /// Extra `.html` files are added (for `{% include %}`); any other file is an error,
    /// so a misspelt name does not silently fall back to the default.
    pub fn with_overrides(dir: &Path) -> Result<Templates> {
        let mut t = Templates::default();
        let entries = std::fs::read_dir(dir)
            .with_context(|| format!("reading the templates directory {}", dir.display()))?;
        let mut names: Vec<PathBuf> = Vec::new();
        for entry in entries {
            let entry = entry.with_context(|| format!("reading {}", dir.display()))?;
            if entry.file_type().is_ok_and(|f| f.is_file()) {
                names.push(entry.path());
            }
        }
        names.sort();
        for path in names {
            let name = path
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or_default()
                .to_string();
            if !t.files.contains_key(&name) && !is_template(&name) {
                bail!(
                    "{}: not a toolcat template (known: {})",
                    path.display(),
                    DEFAULTS.iter().map(|d| d.0).collect::<Vec<_>>().join(", ")
                );
            }
            let text = crate::ingest::read_small_text(&path).context("reading a template")?;
            t.files.insert(name, text);
        }
        Ok(t)
    }

    /// Write the default templates into `dir` (created if missing). Existing files are
    /// kept unless `force`; returns the files written.
    pub fn write_defaults(dir: &Path, force: bool) -> Result<Vec<PathBuf>> {
        crate::write::create_dir(dir)?;
        let existing: Vec<PathBuf> = DEFAULTS
            .iter()
            .map(|(n, _)| dir.join(n))
            .filter(|p| p.exists())
            .collect();
        if !force && !existing.is_empty() {
            bail!(
                "{} already exists (use --force to overwrite the defaults)",
                existing[0].display()
            );
        }
        // All or none: a failed write leaves edited templates as they were.
        let mut batch = crate::write::Batch::default();
        let mut written = Vec::new();
        for (name, text) in DEFAULTS {
            let path = dir.join(name);
            batch
                .write(&path, text.as_bytes())
                .context("no template was written")?;
            written.push(path);
        }
        batch.commit()?;
        Ok(written)
    }

    /// The template engine with every `.html` template loaded.
    pub fn engine(&self) -> Result<Tera> {
        let mut tera = Tera::default();
        tera.add_raw_templates(
            self.files
                .iter()
                .filter(|(n, _)| is_template(n))
                .map(|(n, t)| (n.as_str(), t.as_str())),
        )
        .context("loading the templates")?;
        tera.autoescape_on(vec![".html"]);
        tera.set_escape_fn(crate::untrusted::escape_html);
        Ok(tera)
    }

    /// Every file, templates and assets: `(name, contents)`, by name.
    pub fn files(&self) -> impl Iterator<Item = (&str, &str)> {
        self.files.iter().map(|(n, t)| (n.as_str(), t.as_str()))
    }

    /// The static assets: `(name, contents)`.
    pub fn assets(&self) -> impl Iterator<Item = (&str, &str)> {
        self.files
            .iter()
            .filter(|(n, _)| !is_template(n))
            .map(|(n, t)| (n.as_str(), t.as_str()))
    }
}

/// Whether a file is a template (rendered) rather than an asset (copied). Exact suffix:
/// tera escapes by the same test.
#[allow(clippy::case_sensitive_file_extension_comparisons)]
fn is_template(name: &str) -> bool {
    name.ends_with(".html")
}

/// Site-wide settings from `toolcat.toml`.
#[derive(Debug, Clone)]
pub struct Settings {
    pub title: String,
    /// Absolute URL the site is published at, ending in `/`.
    pub base_url: String,
    /// How the policies published with the site are made.
    pub policy: crate::policy::Options,
}

impl Settings {
    pub fn new(title: &str, base_url: &str) -> Self {
        let mut base_url = base_url.trim().to_string();
        if !base_url.ends_with('/') {
            base_url.push('/');
        }
        Settings {
            title: title.to_string(),
            base_url,
            policy: crate::policy::Options::default(),
        }
    }
}

/// A server with its tools' slugs and verdicts, ready to render.
pub struct ServerEntry<'a> {
    pub server: &'a Server,
    /// One entry a tool of `server`, in the same order.
    pub tools: Vec<ToolEntry<'a>>,
}

impl ServerEntry<'_> {
    pub fn slug(&self) -> &str {
        &self.server.server.slug
    }

    /// What the shared pages need to know of this server.
    pub fn digest(&self) -> ServerDigest {
        ServerDigest {
            slug: self.slug().to_string(),
            name: self.server.server.name.clone(),
            package: self.server.server.package.clone(),
            version: self.server.server.version.clone(),
            tools: self
                .tools
                .iter()
                .map(|t| ToolDigest {
                    name: t.tool.name.clone(),
                    slug: t.slug.clone(),
                    category: t.verdict.category,
                    risk: t.verdict.risk,
                    rules: crate::classify::rules::RuleSet::of(&t.verdict.rules),
                    summary: t.summary.clone(),
                    needs_review: t.verdict.needs_review,
                })
                .collect(),
        }
    }
}

pub struct ToolEntry<'a> {
    pub tool: &'a Tool,
    pub slug: String,
    /// [`Tool::fingerprint`], computed once.
    pub fingerprint: String,
    pub verdict: Verdict,
    /// The first sentence of the description, plain text, invisible characters shown.
    pub summary: String,
}

/// What the pages shared by all servers (home, listings, rules, search, API index,
/// sitemaps) need to know of one server. A build keeps these, not the servers, and an
/// incremental build reads them back for the servers that did not change.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ServerDigest {
    pub slug: String,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub package: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    pub tools: Vec<ToolDigest>,
}

impl ServerDigest {
    /// The highest risk of its tools (low for a server without tools).
    pub fn worst(&self) -> Risk {
        self.tools.iter().map(|t| t.risk).max().unwrap_or(Risk::Low)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ToolDigest {
    pub name: String,
    pub slug: String,
    pub category: Category,
    pub risk: Risk,
    /// The rules that fired.
    pub rules: crate::classify::rules::RuleSet,
    pub summary: String,
    /// The verdict awaits a person's review.
    #[serde(default)]
    pub needs_review: bool,
}

/// Slugs, verdicts and summaries of one server's tools (computed in parallel; tools are
/// classified [`crate::classify::BATCH`] at a time).
pub fn prepare_server<'a>(
    server: &'a Server,
    classifier: &crate::classify::Classifier<'_>,
) -> ServerEntry<'a> {
    let fps: Vec<String> = server.tools.iter().map(Tool::fingerprint).collect();
    let keys: Vec<(&str, &str)> = server
        .tools
        .iter()
        .zip(&fps)
        .map(|(t, f)| (t.name.as_str(), f.as_str()))
        .collect();
    let slugs = crate::slug::assign(&keys);
    let verdicts: Vec<Verdict> = server
        .tools
        .par_chunks(crate::classify::BATCH)
        .flat_map_iter(|run| classifier.verdicts(server, run))
        .collect();
    debug_assert_eq!(verdicts.len(), server.tools.len(), "one verdict a tool");
    let tools = server
        .tools
        .par_iter()
        .zip(slugs)
        .zip(fps)
        .zip(verdicts)
        .map(|(((tool, slug), fingerprint), verdict)| ToolEntry {
            tool,
            slug,
            fingerprint,
            verdict,
            summary: crate::markdown::summary(tool.description(), 200),
        })
        .collect();
    ServerEntry { server, tools }
}

pub use crate::write::site::File;

/// One of a server's own files.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ServerOutput {
    /// The server's page.
    Page,
    /// Its JSON file of the API.
    Api,
    /// Its policy in a dialect.
    Policy(crate::policy::Dialect),
    /// The page of its tool at this index.
    Tool(usize),
}

impl ServerOutput {
    /// Every file of a server with `tools` tools, in the order they are rendered. This is
    /// the one list of a server's outputs: [`pages::Renderer::server_files`] renders
    /// exactly these, and an incremental build removes the ones a changed server no
    /// longer has.
    pub fn all(tools: usize) -> impl Iterator<Item = ServerOutput> {
        [ServerOutput::Page]
            .into_iter()
            .chain(crate::policy::Dialect::ALL.map(ServerOutput::Policy))
            .chain((0..tools).map(ServerOutput::Tool))
            .chain([ServerOutput::Api])
    }

    /// How many files a server with `tools` tools has.
    pub fn count(tools: usize) -> usize {
        Self::all(tools).count()
    }

    /// The file's path, for the server `server` whose tools have the slugs `tool_slug`
    /// gives by index.
    pub fn path<'a>(self, server: &str, tool_slug: impl Fn(usize) -> &'a str) -> String {
        match self {
            ServerOutput::Page => pages::server_path(server),
            ServerOutput::Api => data::server_api_path(server),
            ServerOutput::Policy(d) => pages::policy_path(server, d),
            ServerOutput::Tool(i) => pages::tool_path(server, tool_slug(i)),
        }
    }
}

/// The paths of a server's own files ([`ServerOutput::all`]).
pub fn server_outputs(d: &ServerDigest) -> impl Iterator<Item = String> + '_ {
    ServerOutput::all(d.tools.len()).map(|o| o.path(&d.slug, |i| &d.tools[i].slug))
}

#[cfg(test)]
mod tests {
    use super::{is_template, Templates};

    #[test]
    fn the_default_templates_quote_every_attribute_value() {
        // The escaper makes a value safe inside quotes only: an unquoted `href={{ x }}`
        // would let a space in `x` start a new attribute.
        for (name, text) in Templates::default().files().filter(|(n, _)| is_template(n)) {
            let squeezed: String = text.split_whitespace().collect();
            let unquoted = squeezed.contains("={{") || squeezed.contains("={%");
            assert!(!unquoted, "{name} has an unquoted attribute value");
        }
    }
}
