//! Where the files of a site go. A build hands every file to a [`SiteWriter`]; which one
//! decides what a build is:
//!
//! - [`Staging`]: a full build fills a new directory beside the site and swaps it in
//!   whole ([`build_dir`]), so a failed build leaves the previous site as it was;
//! - [`InPlace`]: an incremental build rewrites the files whose bytes changed and removes
//!   the ones no server has any more;
//! - [`Memory`]: files kept in memory, for the tests and for an incremental build, which
//!   renders everything before it touches the site.

use super::{create_dir, remove_if_present, write_page_atomic};
use anyhow::{bail, Context, Result};
use std::collections::HashSet;
use std::path::{Component, Path, PathBuf};
use std::sync::Mutex;

/// One file of a site: its path relative to the site's root, and its bytes.
pub type File = (String, Vec<u8>);

/// Takes the files of a site, from many threads at once.
pub trait SiteWriter: Sync {
    /// Put `bytes` at `path`, relative to the site's root and made of normal components
    /// only. Returns whether anything was written: a writer may keep a file that already
    /// holds exactly these bytes.
    fn put(&self, path: &str, bytes: &[u8]) -> Result<bool>;
}

/// A directory being filled; every path written is relative and checked to stay inside.
pub struct Staging {
    root: PathBuf,
    /// Directories known to exist: each is created once, not before every file in it.
    made: Mutex<HashSet<PathBuf>>,
}

impl Staging {
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Write a file at a relative path made of normal components only.
    pub fn write(&self, relative: &str, bytes: &[u8]) -> Result<()> {
        let path = self.resolve(relative)?;
        if let Some(parent) = path.parent() {
            if !self.made.lock().is_ok_and(|made| made.contains(parent)) {
                create_dir(parent)?;
                if let Ok(mut made) = self.made.lock() {
                    made.insert(parent.to_path_buf());
                }
            }
        }
        std::fs::write(&path, bytes).with_context(|| format!("writing {}", path.display()))
    }

    fn resolve(&self, relative: &str) -> Result<PathBuf> {
        inside(&self.root, relative)
    }
}

impl SiteWriter for Staging {
    fn put(&self, path: &str, bytes: &[u8]) -> Result<bool> {
        self.write(path, bytes).map(|()| true)
    }
}

/// A site changed where it is: a file is rewritten only when its bytes change.
pub struct InPlace<'a> {
    root: &'a Path,
}

impl<'a> InPlace<'a> {
    pub fn new(root: &'a Path) -> Self {
        InPlace { root }
    }

    /// Remove the file at `path` (relative) if it is there, and the directories it leaves
    /// empty. Returns whether there was a file.
    pub fn remove(&self, path: &str) -> Result<bool> {
        let full = inside(self.root, path)?;
        let removed = remove_if_present(&full)?;
        if removed {
            let mut dir = full.parent();
            while let Some(d) = dir {
                if d == self.root || !d.starts_with(self.root) || std::fs::remove_dir(d).is_err() {
                    break;
                }
                dir = d.parent();
            }
        }
        Ok(removed)
    }
}

impl SiteWriter for InPlace<'_> {
    fn put(&self, path: &str, bytes: &[u8]) -> Result<bool> {
        let full = inside(self.root, path)?;
        if std::fs::metadata(&full).is_ok_and(|m| m.len() == bytes.len() as u64)
            && std::fs::read(&full).is_ok_and(|old| old == bytes)
        {
            return Ok(false);
        }
        if let Some(parent) = full.parent() {
            create_dir(parent)?;
        }
        write_page_atomic(&full, bytes)?;
        Ok(true)
    }
}

/// Files kept in memory.
#[derive(Default)]
pub struct Memory {
    files: Mutex<Vec<File>>,
}

impl Memory {
    /// The files, sorted by path; two files at one path are an error.
    pub fn into_files(self) -> Result<Vec<File>> {
        let mut files = self
            .files
            .into_inner()
            .map_err(|_| anyhow::anyhow!("a thread writing the site failed"))?;
        files.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        if let Some(w) = files.windows(2).find(|w| w[0].0 == w[1].0) {
            bail!("two files of the site would be written to {}", w[0].0);
        }
        Ok(files)
    }
}

impl SiteWriter for Memory {
    fn put(&self, path: &str, bytes: &[u8]) -> Result<bool> {
        inside(Path::new(""), path)?;
        self.files
            .lock()
            .map_err(|_| anyhow::anyhow!("a thread writing the site failed"))?
            .push((path.to_string(), bytes.to_vec()));
        Ok(true)
    }
}

/// `root` joined with a relative path made of normal components only: never a path
/// outside `root`.
pub fn inside(root: &Path, relative: &str) -> Result<PathBuf> {
    let rel = Path::new(relative);
    let safe = !relative.is_empty()
        && rel.components().all(|c| matches!(c, Component::Normal(_)))
        && !relative.contains('\\');
    if !safe {
        bail!("refusing to write outside the output directory: {relative:?}");
    }
    Ok(root.join(rel))
}

/// Build a directory with `fill` and put it at `target` only if `fill` succeeds.
///
/// The staging directory is `<target>.toolcat-staging-<pid>` beside the target, so the
/// final renames stay on one filesystem. On error the staging directory is removed and
/// `target` is untouched.
pub fn build_dir<F>(target: &Path, fill: F) -> Result<()>
where
    F: FnOnce(&Staging) -> Result<()>,
{
    let name = target
        .file_name()
        .with_context(|| format!("output path {} has no directory name", target.display()))?
        .to_string_lossy()
        .into_owned();
    let parent = target
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    if target.exists() && !target.is_dir() {
        bail!(
            "output path {} exists and is not a directory",
            target.display()
        );
    }
    create_dir(parent)?;
    remove_leftovers(parent, &name, target);
    let pid = std::process::id();
    let staging_path = parent.join(format!("{name}.toolcat-staging-{pid}"));
    if staging_path.exists() {
        std::fs::remove_dir_all(&staging_path)
            .with_context(|| format!("removing stale {}", staging_path.display()))?;
    }
    std::fs::create_dir(&staging_path)
        .with_context(|| format!("creating {}", staging_path.display()))?;
    let staging = Staging {
        root: staging_path,
        made: Mutex::default(),
    };
    if let Err(e) = fill(&staging) {
        let _ = std::fs::remove_dir_all(&staging.root);
        return Err(e);
    }
    swap_in(
        &staging.root,
        target,
        &parent.join(format!("{name}.toolcat-old-{pid}")),
    )
}

/// Remove the staging and set-aside directories that builds of `target` killed outright
/// (SIGKILL, a crash, a power cut) left beside it: those named for a process that no longer
/// runs. Only while `target` exists: a build killed between its two renames leaves the
/// site only in them, and they are kept for a person to pick from. Linux only (it asks
/// `/proc` whether the process runs); best effort.
fn remove_leftovers(parent: &Path, name: &str, target: &Path) {
    if !cfg!(target_os = "linux") || !target.is_dir() {
        return;
    }
    let Ok(entries) = std::fs::read_dir(parent) else {
        return;
    };
    for entry in entries.flatten() {
        let file_name = entry.file_name();
        let Some(rest) = file_name.to_str().and_then(|n| n.strip_prefix(name)) else {
            continue;
        };
        let pid = rest
            .strip_prefix(".toolcat-staging-")
            .or_else(|| rest.strip_prefix(".toolcat-old-"))
            .filter(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
        let dead = pid.is_some_and(|p| !Path::new("/proc").join(p).exists());
        if dead && entry.file_type().is_ok_and(|t| t.is_dir()) {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

fn swap_in(staging: &Path, target: &Path, old: &Path) -> Result<()> {
    let had_old = target.exists();
    if had_old {
        std::fs::rename(target, old)
            .with_context(|| format!("moving aside {}", target.display()))?;
    }
    if let Err(e) = std::fs::rename(staging, target) {
        if had_old {
            let _ = std::fs::rename(old, target);
        }
        let _ = std::fs::remove_dir_all(staging);
        bail!("putting the new output at {}: {e}", target.display());
    }
    if had_old {
        std::fs::remove_dir_all(old).with_context(|| format!("removing {}", old.display()))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn staging_refuses_escapes() {
        let s = Staging {
            root: PathBuf::from("/nonexistent"),
            made: Mutex::default(),
        };
        for bad in ["../x", "/etc/passwd", "a/../../b", "", "a\\..\\b", "./"] {
            assert!(s.resolve(bad).is_err(), "{bad}");
        }
        assert!(s.resolve("tools/a/index.html").is_ok());
    }

    #[test]
    fn staging_creates_each_directory_once_and_writes_into_it() {
        let dir = tempfile::tempdir().unwrap();
        let s = Staging {
            root: dir.path().to_path_buf(),
            made: Mutex::default(),
        };
        s.write("a/b/one.html", b"1").unwrap();
        s.write("a/b/two.html", b"2").unwrap();
        s.write("a/three.html", b"3").unwrap();
        assert_eq!(
            std::fs::read(dir.path().join("a/b/two.html")).unwrap(),
            b"2"
        );
        assert_eq!(
            std::fs::read(dir.path().join("a/three.html")).unwrap(),
            b"3"
        );
        let made = s.made.lock().unwrap();
        assert!(made.contains(&dir.path().join("a/b")) && made.contains(&dir.path().join("a")));
        assert_eq!(made.len(), 2);
    }

    #[test]
    fn in_place_rewrites_only_changed_files_and_removes_emptied_folders() {
        let dir = tempfile::tempdir().unwrap();
        let site = InPlace::new(dir.path());
        assert!(site.put("a/b/one.html", b"1").unwrap());
        assert!(!site.put("a/b/one.html", b"1").unwrap(), "same bytes: kept");
        assert!(site.put("a/b/one.html", b"2").unwrap());
        assert!(site.put("a/two.html", b"2").unwrap());
        assert!(site.put("../x", b"x").is_err());
        assert!(site.remove("a/b/one.html").unwrap());
        assert!(!site.remove("a/b/one.html").unwrap(), "already gone");
        assert!(!dir.path().join("a/b").exists(), "an emptied folder goes");
        assert!(dir.path().join("a/two.html").is_file());
    }

    #[test]
    fn memory_sorts_its_files_and_refuses_two_at_one_path() {
        let m = Memory::default();
        m.put("b.html", b"b").unwrap();
        m.put("a.html", b"a").unwrap();
        assert!(m.put("/etc/x", b"x").is_err());
        let names: Vec<String> = m.into_files().unwrap().into_iter().map(|f| f.0).collect();
        assert_eq!(names, ["a.html", "b.html"]);
        let m = Memory::default();
        m.put("a.html", b"1").unwrap();
        m.put("a.html", b"2").unwrap();
        let err = m.into_files().unwrap_err().to_string();
        assert!(err.contains("two files") && err.contains("a.html"), "{err}");
    }
}
