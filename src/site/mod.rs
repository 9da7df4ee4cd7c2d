//! `toolcat build`: catalogue in, complete site out.
//!
//! A **full build** reads the catalogue one server at a time, in parallel: each server is
//! parsed, classified and rendered (its page, policies, API file, and each tool's page)
//! straight into a staging directory, and only its [`ServerDigest`] is kept. The
//! shared files (home, listings, rules, search index, API index, sitemaps) are then made
//! from the digests, and the staging directory is swapped in whole: a failed build leaves
//! the previous site as it was. Memory grows with the digests, not with the pages.
//!
//! The state of the build is kept beside the site, in `.<out>.toolcat-state` (see
//! [`state_path`]), not in it: it is bookkeeping, not something to publish. It holds the
//! toolcat version, a hash of the settings and templates, the identity of the site's
//! marker file, and for each catalogue file its size, modification time, content hash and
//! digest, and the key of every shared file. When the next build finds that state with
//! the same version, settings and templates, and the same marker (so the site is the one
//! the state describes, not a copy or a restored backup), it is **incremental**: a file
//! whose size and time are unchanged (or whose content hashes the same) is not read again;
//! only changed, added and removed servers are rendered or deleted, and only the shared
//! files whose key changed are rendered again. Files whose bytes would not change are not
//! rewritten. The state's header is removed before the site is touched and written last,
//! so an interrupted incremental build is followed by a full one; servers' lines are kept
//! in chunks by file name, and only the chunks of changed servers are written again. The
//! result is the same, byte for byte, as a full build of the same catalogue.

use crate::catalog;
use crate::config::Config;
use crate::ingest::{self, InputError, Naming};
use crate::model::Server;
use crate::render::{self, global, pages, ServerDigest};
use crate::write::site::{InPlace, Memory, SiteWriter};
use anyhow::{bail, Context, Result};
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::UNIX_EPOCH;
use xxhash_rust::xxh3::xxh3_128;

mod state;

use state::{chunk_of, FileMeta, State, StateLine, STATE_CHUNKS, STATE_HEADER};

/// Prints how long each phase took when `TOOLCAT_TIMINGS` is set (for benchmarks).
struct Phases {
    on: bool,
    start: std::time::Instant,
}

impl Phases {
    fn new() -> Self {
        Phases {
            on: std::env::var_os("TOOLCAT_TIMINGS").is_some(),
            start: std::time::Instant::now(),
        }
    }

    fn done(&mut self, phase: &str) {
        if self.on {
            eprintln!(
                "timing: {phase}: {:.3} s",
                self.start.elapsed().as_secs_f64()
            );
            self.start = std::time::Instant::now();
        }
    }
}

/// What a build did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Stats {
    /// Files of the site, the marker included.
    pub files: usize,
    /// Files written by this build, and their bytes.
    pub written: usize,
    pub bytes: usize,
    /// Files this build removed (incremental builds only).
    pub removed: usize,
    pub servers: usize,
    pub tools: usize,
    /// Servers rendered by this build (all of them in a full build).
    pub rendered_servers: usize,
    pub incremental: bool,
}

/// How to build.
#[derive(Debug, Clone, Copy, Default)]
pub struct BuildOptions {
    /// Replace `--out` even when it is a non-empty directory toolcat did not write.
    pub force: bool,
    /// Render everything, even when the last build's state could be reused.
    pub full: bool,
}

/// The file that marks a directory as a site toolcat wrote, and may replace.
pub const MARKER: &str = ".toolcat-site";

const MARKER_TEXT: &str =
    "This directory is written by `toolcat build`, which replaces or updates it on every \
     build.\n";

/// Where the state of the last build into `out` is kept: beside it, in the folder
/// `.<name>.toolcat-state`.
pub fn state_path(out: &Path) -> PathBuf {
    let name = out
        .file_name()
        .map_or_else(|| "site".into(), |n| n.to_string_lossy().into_owned());
    out.with_file_name(format!(".{name}.toolcat-state"))
}

/// The identity of a site's marker file: its inode and modification time. A copy, a
/// restored backup or a site written by anything else has another.
fn marker_identity(out: &Path) -> Option<String> {
    use std::os::unix::fs::MetadataExt;
    let m = std::fs::metadata(out.join(MARKER)).ok()?;
    Some(format!(
        "{}:{}:{}.{:09}",
        m.dev(),
        m.ino(),
        m.mtime(),
        m.mtime_nsec()
    ))
}

/// The size and modification time of the running program: a rebuilt or reinstalled
/// toolcat renders differently perhaps even under the same version number, so its pages
/// are not mixed with those of the program that wrote the state.
fn program_identity() -> String {
    std::env::current_exe()
        .and_then(std::fs::metadata)
        .map(|m| {
            let modified = m
                .modified()
                .ok()
                .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
                .map_or(0, |d| d.as_nanos());
            format!("{}:{modified}", m.len())
        })
        .unwrap_or_default()
}

/// What the build renders with.
struct SiteBuilder<'a> {
    config: &'a Config,
    settings: render::Settings,
    templates: &'a render::Templates,
    tera: tera::Tera,
    build: String,
}

impl<'a> SiteBuilder<'a> {
    fn new(config: &'a Config, templates: &'a render::Templates) -> Result<Self> {
        let settings = site_settings(config)?;
        let mut key = global::Key::new("build");
        key.str(env!("CARGO_PKG_VERSION"))
            .str(&program_identity())
            .str(&config.site_inputs());
        for (name, text) in templates.files() {
            key.str(name).str(text);
        }
        Ok(SiteBuilder {
            config,
            settings,
            templates,
            tera: templates.engine()?,
            build: format!("{:032x}", key.finish()),
        })
    }

    fn renderer(&self) -> pages::Renderer<'_> {
        pages::Renderer::new(&self.tera, &self.settings)
    }

    /// Classify a server and put its own files ([`render::ServerOutput`]); its digest.
    fn render_server(&self, server: &Server, out: &Put<'_>) -> Result<ServerDigest> {
        let entry = render::prepare_server(server, &crate::classify::Classifier::new(self.config));
        for (path, bytes) in self.renderer().server_files(&entry)? {
            out.put(&path, &bytes)?;
        }
        Ok(entry.digest())
    }

    /// Key the shared files of `servers` (in slug order) and put those whose key is not
    /// the one in `last` (every one without `last`); the key of each, by path.
    fn render_shared(
        &self,
        servers: &[ServerDigest],
        last: Option<&BTreeMap<String, String>>,
        out: &Put<'_>,
        phases: &mut Phases,
    ) -> Result<BTreeMap<String, String>> {
        let r = self.renderer();
        let shared = global::SharedFiles::new(&r, self.templates, servers);
        let units = shared.units();
        let keys: BTreeMap<String, String> = units
            .iter()
            .map(|u| (u.path.clone(), format!("{:032x}", u.key)))
            .collect();
        phases.done("rank tools and key shared files");
        units
            .par_iter()
            .filter(|u| last.is_none_or(|last| last.get(&u.path) != keys.get(&u.path)))
            .try_for_each(|u| out.put(&u.path, &u.render()?))?;
        phases.done("render shared files");
        Ok(keys)
    }
}

/// A [`SiteWriter`] with a count of what it wrote; a build stops here when interrupted.
struct Put<'w> {
    to: &'w dyn SiteWriter,
    written: AtomicUsize,
    bytes: AtomicUsize,
}

impl<'w> Put<'w> {
    fn new(to: &'w dyn SiteWriter) -> Self {
        Put {
            to,
            written: AtomicUsize::new(0),
            bytes: AtomicUsize::new(0),
        }
    }

    fn put(&self, path: &str, bytes: &[u8]) -> Result<()> {
        crate::interrupt::check()?;
        if self.to.put(path, bytes)? {
            self.written.fetch_add(1, Ordering::Relaxed);
            self.bytes.fetch_add(bytes.len(), Ordering::Relaxed);
        }
        Ok(())
    }

    /// Files and bytes written.
    fn counts(&self) -> (usize, usize) {
        (
            self.written.load(Ordering::Relaxed),
            self.bytes.load(Ordering::Relaxed),
        )
    }
}

/// A catalogue file read and parsed.
fn read_server(path: &Path) -> Result<(FileMeta, Server), InputError> {
    let meta = file_meta(path)?;
    let text = ingest::read_text(path)?;
    let (mut server, _) = ingest::parse_text(&text, path, &Naming::default())?;
    catalog::sort_tools(&mut server.tools);
    Ok((
        FileMeta {
            hash: content_hash(text.as_bytes()),
            ..meta
        },
        server,
    ))
}

fn content_hash(bytes: &[u8]) -> String {
    format!("{:032x}", xxh3_128(bytes))
}

/// Name, size and modification time of a catalogue file (no hash yet).
fn file_meta(path: &Path) -> Result<FileMeta, InputError> {
    let m = std::fs::metadata(path).map_err(|e| InputError {
        file: path.to_path_buf(),
        pointer: None,
        message: format!("cannot read file: {e}"),
    })?;
    let mtime = m
        .modified()
        .ok()
        .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
        .map_or(0, |d| u64::try_from(d.as_nanos()).unwrap_or(u64::MAX));
    Ok(FileMeta {
        file: path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
        len: m.len(),
        mtime,
        hash: String::new(),
    })
}

/// Turn transparent huge pages off (`true`) or back on for the memory the build allocates
/// from now on.
/// An incremental build allocates a few hundred MiB for a second or less, usually right
/// after a build or a copy filled the page cache; the kernel then compacts memory to find
/// huge pages, which cost more system time than they save (see `BENCHMARKS.md`). Full
/// builds keep them: they run long enough to gain from them.
fn small_pages(on: bool) {
    #[cfg(target_os = "linux")]
    {
        // Best effort: a kernel without the flag builds the same site.
        let _ = nix::sys::prctl::set_thp_disable(on);
    }
    #[cfg(not(target_os = "linux"))]
    let _ = on;
}

/// Classify and render the catalogue in `catalog_dir` into `out`.
pub fn build(
    catalog_dir: &Path,
    out: &Path,
    config: &Config,
    templates: &render::Templates,
    options: BuildOptions,
) -> Result<Stats> {
    refuse_foreign(out, options.force)?;
    refuse_input_inside(out, "catalogue", catalog_dir)?;
    let files = catalog::list(catalog_dir)?;
    let cx = SiteBuilder::new(config, templates)?;
    if !options.full && state_path(out).exists() {
        let mut phases = Phases::new();
        small_pages(true);
        let state = State::read(out, &cx.build);
        phases.done("read the last state");
        if let Some(state) = state {
            return incremental(&cx, catalog_dir, &files, out, state);
        }
        small_pages(false);
    }
    full(&cx, catalog_dir, &files, out)
}

/// A server of the build: its file, its digest, and its line of the last state if it
/// still holds.
struct BuiltServer {
    meta: FileMeta,
    digest: ServerDigest,
    line: Option<StateLine>,
}

/// Files, digests and state lines, in slug order.
struct BySlug {
    metas: Vec<FileMeta>,
    servers: Vec<ServerDigest>,
    lines: Vec<Option<StateLine>>,
}

/// The results of reading each catalogue file, or an error naming every file that could
/// not be read.
fn readable<T>(catalog_dir: &Path, results: Vec<Result<Result<T, InputError>>>) -> Result<Vec<T>> {
    let mut ok = Vec::with_capacity(results.len());
    let mut bad = Vec::new();
    for r in results {
        match r? {
            Ok(t) => ok.push(t),
            Err(e) => bad.push(e),
        }
    }
    if !bad.is_empty() {
        return Err(catalog::bad_files(catalog_dir, &bad));
    }
    Ok(ok)
}

/// Sort servers (and their file metadata) by slug and refuse duplicate slugs.
fn by_slug(mut entries: Vec<BuiltServer>) -> Result<BySlug> {
    entries.par_sort_by(|a, b| a.digest.slug.cmp(&b.digest.slug));
    catalog::check_unique_slugs(entries.iter().map(|e| e.digest.slug.as_str()))?;
    let mut out = BySlug {
        metas: Vec::with_capacity(entries.len()),
        servers: Vec::with_capacity(entries.len()),
        lines: Vec::with_capacity(entries.len()),
    };
    for e in entries {
        out.metas.push(e.meta);
        out.servers.push(e.digest);
        out.lines.push(e.line);
    }
    Ok(out)
}

fn full(cx: &SiteBuilder<'_>, catalog_dir: &Path, files: &[PathBuf], out: &Path) -> Result<Stats> {
    let mut stats = Stats::default();
    let mut next_state = None;
    let mut phases = Phases::new();
    crate::write::build_dir(out, |staging| {
        let put = Put::new(staging);
        let results: Vec<Result<Result<BuiltServer, InputError>>> = files
            .par_iter()
            .map(|path| {
                crate::interrupt::check()?;
                let (meta, server) = match read_server(path) {
                    Ok(read) => read,
                    Err(e) => return Ok(Err(e)),
                };
                let digest = cx.render_server(&server, &put)?;
                Ok(Ok(BuiltServer {
                    meta,
                    digest,
                    line: None,
                }))
            })
            .collect();
        phases.done("read, classify and render servers");
        let BySlug {
            metas,
            servers,
            lines,
        } = by_slug(readable(catalog_dir, results)?)?;
        let keys = cx.render_shared(&servers, None, &put, &mut phases)?;
        (stats.written, stats.bytes) = put.counts();
        stats.files = stats.written + 1;
        stats.servers = servers.len();
        stats.tools = servers.iter().map(|s| s.tools.len()).sum();
        stats.rendered_servers = servers.len();
        next_state = Some(State {
            build: cx.build.clone(),
            marker: String::new(),
            metas,
            servers,
            lines,
            texts: Vec::new(),
            units: keys,
        });
        staging.write(MARKER, MARKER_TEXT.as_bytes())?;
        // The old state describes the old site: it goes before the new site comes in.
        invalidate_state(out)
    })?;
    phases.done("swap the site in");
    if let Some(mut state) = next_state {
        if let Some(marker) = marker_identity(out) {
            state.marker = marker;
            state.write(&state_path(out), None)?;
        }
    }
    phases.done("write the state");
    stats.written = stats.files;
    Ok(stats)
}

/// What an incremental build found of one catalogue file.
enum Seen {
    /// Unchanged: the index of its record in the last state, and its metadata now.
    Same(usize, FileMeta),
    /// Read again and rendered.
    Changed(FileMeta, ServerDigest),
}

/// Render what changed since the last build into memory, then update the site in place:
/// write the files whose bytes changed and remove those no server has any more.
fn incremental(
    cx: &SiteBuilder<'_>,
    catalog_dir: &Path,
    files: &[PathBuf],
    out: &Path,
    last: State,
) -> Result<Stats> {
    let State {
        build,
        marker,
        metas: old_metas,
        servers: old_servers,
        lines: mut old_lines,
        texts: old_texts,
        units: old_units,
    } = last;
    let mut phases = Phases::new();
    let by_file: HashMap<&str, usize> = old_metas
        .iter()
        .enumerate()
        .map(|(i, m)| (m.file.as_str(), i))
        .collect();
    let changed = Memory::default();
    let put_changed = Put::new(&changed);
    let seen: Vec<Result<Result<Seen, InputError>>> = files
        .par_iter()
        .map(|path| {
            crate::interrupt::check()?;
            let meta = match file_meta(path) {
                Ok(m) => m,
                Err(e) => return Ok(Err(e)),
            };
            let old = by_file.get(meta.file.as_str()).copied();
            if let Some(i) = old {
                let o = &old_metas[i];
                if o.len == meta.len && o.mtime == meta.mtime {
                    return Ok(Ok(Seen::Same(i, o.clone())));
                }
            }
            let (meta, server) = match read_server(path) {
                Ok(read) => read,
                Err(e) => return Ok(Err(e)),
            };
            if let Some(i) = old.filter(|i| old_metas[*i].hash == meta.hash) {
                return Ok(Ok(Seen::Same(i, meta)));
            }
            let digest = cx.render_server(&server, &put_changed)?;
            Ok(Ok(Seen::Changed(meta, digest)))
        })
        .collect();
    phases.done("scan the catalogue, render changed servers");
    let seen = readable(catalog_dir, seen)?;

    // The servers now: kept digests moved out of the last state, changed ones new.
    let mut old: Vec<Option<ServerDigest>> = old_servers.into_iter().map(Some).collect();
    let mut entries = Vec::with_capacity(seen.len());
    let mut changed_outputs: BTreeSet<String> = BTreeSet::new();
    let mut rendered_servers = 0;
    for s in seen {
        match s {
            Seen::Same(i, meta) => {
                let digest = old[i].take().context("a catalogue file listed twice")?;
                let line = old_lines[i].take().filter(|_| meta == old_metas[i]);
                if !cx.config.overrides.is_empty() {
                    for t in &digest.tools {
                        cx.config.note_match(&digest.slug, &t.name);
                    }
                }
                entries.push(BuiltServer { meta, digest, line });
            }
            Seen::Changed(meta, digest) => {
                rendered_servers += 1;
                changed_outputs.extend(render::server_outputs(&digest));
                entries.push(BuiltServer {
                    meta,
                    digest,
                    line: None,
                });
            }
        }
    }
    // Chunks of the state to write again: those of servers changed, added or gone.
    let mut dirty = vec![false; STATE_CHUNKS];
    for (meta, line) in old_metas.iter().zip(&old_lines) {
        if line.is_some() {
            dirty[chunk_of(&meta.file)] = true;
        }
    }
    for e in &entries {
        if e.line.is_none() {
            dirty[chunk_of(&e.meta.file)] = true;
        }
    }
    let BySlug {
        metas,
        servers,
        lines,
    } = by_slug(entries)?;
    // Outputs of servers changed or gone that no server has now.
    let mut stale: BTreeSet<String> = old
        .iter()
        .flatten()
        .flat_map(render::server_outputs)
        .filter(|p| !changed_outputs.contains(p))
        .collect();
    phases.done("merge digests");

    let keys = cx.render_shared(&servers, Some(&old_units), &put_changed, &mut phases)?;
    stale.extend(old_units.keys().filter(|p| !keys.contains_key(*p)).cloned());
    let server_files: usize = servers
        .iter()
        .map(|s| render::ServerOutput::count(s.tools.len()))
        .sum();
    let mut stats = Stats {
        files: server_files + keys.len() + 1,
        servers: servers.len(),
        tools: servers.iter().map(|s| s.tools.len()).sum(),
        rendered_servers,
        incremental: true,
        ..Stats::default()
    };
    let changed = changed.into_files()?;

    // Everything is rendered: now change the site. Without a state, an interrupted
    // update is followed by a full build; a failed one says so.
    invalidate_state(out)?;
    let site = InPlace::new(out);
    let put = Put::new(&site);
    let update = || -> Result<()> {
        changed
            .par_iter()
            .try_for_each(|(path, bytes)| put.put(path, bytes))?;
        for path in &stale {
            if site.remove(path)? {
                stats.removed += 1;
            }
        }
        phases.done("write files");
        let next = State {
            build,
            marker,
            metas,
            servers,
            lines,
            texts: old_texts,
            units: keys,
        };
        next.write(&state_path(out), Some(&dirty))
    };
    update().with_context(|| {
        format!(
            "the site in {} may be partly updated; the next build rebuilds it whole",
            out.display()
        )
    })?;
    phases.done("write the state");
    (stats.written, stats.bytes) = put.counts();
    Ok(stats)
}

/// Make the state beside `out` unusable until it is written again: its header goes (or
/// the whole of it, if something else is in its place).
fn invalidate_state(out: &Path) -> Result<()> {
    let dir = state_path(out);
    match std::fs::symlink_metadata(&dir) {
        Ok(m) if m.is_dir() => crate::write::remove_if_present(&dir.join(STATE_HEADER)).map(|_| ()),
        Ok(_) => crate::write::remove_if_present(&dir).map(|_| ()),
        Err(_) => Ok(()),
    }
}

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

/// Refuse to build into a directory that holds one of the build's inputs: a full build
/// replaces the output directory whole, so the input would be deleted with it (`--force`
/// does not change that).
pub fn refuse_input_inside(out: &Path, what: &str, input: &Path) -> Result<()> {
    let (Ok(out_dir), Ok(input_dir)) = (out.canonicalize(), input.canonicalize()) else {
        // An output that does not exist yet holds nothing; a missing input is reported
        // when it is read.
        return Ok(());
    };
    if input_dir.starts_with(&out_dir) {
        bail!(
            "the {what} {} is inside the output directory {}: a build replaces that \
             directory whole and would delete it; choose an --out outside it",
            input.display(),
            out.display()
        );
    }
    Ok(())
}

/// Every file of the site, in memory, sorted by path (without the marker): what a full
/// build of `catalog` writes, rendered by the same code.
pub fn render_site(
    catalog: &catalog::Catalog,
    config: &Config,
    templates: &render::Templates,
) -> Result<Vec<render::File>> {
    let cx = SiteBuilder::new(config, templates)?;
    let memory = Memory::default();
    let put = Put::new(&memory);
    let entries: Vec<BuiltServer> = catalog
        .servers
        .par_iter()
        .map(|server| {
            Ok(BuiltServer {
                meta: FileMeta::default(),
                digest: cx.render_server(server, &put)?,
                line: None,
            })
        })
        .collect::<Result<_>>()?;
    let servers = by_slug(entries)?.servers;
    cx.render_shared(&servers, None, &put, &mut Phases::new())?;
    memory.into_files()
}

/// The site's settings from `toolcat.toml`.
fn site_settings(config: &Config) -> Result<render::Settings> {
    let mut settings = render::Settings::new(&config.site_title, &config.base_url);
    settings.policy.profile = config.policy.profile(None)?;
    Ok(settings)
}

#[cfg(test)]
mod tests {
    use super::{program_identity, small_pages};

    #[cfg(target_os = "linux")]
    #[test]
    fn incremental_builds_turn_huge_pages_off_and_back_on() {
        let before = nix::sys::prctl::get_thp_disable().expect("prctl");
        small_pages(true);
        assert!(nix::sys::prctl::get_thp_disable().expect("prctl"));
        small_pages(false);
        assert!(!nix::sys::prctl::get_thp_disable().expect("prctl"));
        small_pages(before);
    }

    #[test]
    fn the_program_is_identified_by_its_size_and_time() {
        let id = program_identity();
        let (len, modified) = id.split_once(':').expect("size:time");
        assert!(len.parse::<u64>().is_ok_and(|n| n > 0), "{id}");
        assert!(modified.parse::<u128>().is_ok_and(|t| t > 0), "{id}");
        assert_eq!(program_identity(), id);
    }
}
