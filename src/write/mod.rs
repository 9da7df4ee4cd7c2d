//! The only module that writes outputs: files are replaced atomically ([`write_file_atomic`]),
//! several at once all or nothing ([`Batch`]), and a site through a [`site::SiteWriter`]
//! (see [`site`]).

use anyhow::{bail, Context, Result};
use std::path::{Path, PathBuf};

pub mod site;

pub use site::{build_dir, inside, Staging};

/// Create `dir` and its missing parents.
pub fn create_dir(dir: &Path) -> Result<()> {
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))
}

/// Remove the file at `path`; returns whether there was one.
pub fn remove_if_present(path: &Path) -> Result<bool> {
    match std::fs::remove_file(path) {
        Ok(()) => Ok(true),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
        Err(e) => bail!("removing {}: {e}", path.display()),
    }
}

/// Write `bytes` to `path` through a temporary file in the same directory and a rename.
/// On failure the temporary file is removed and `path` is as it was.
///
/// The data is synced to disk before the rename and the directory after it, so a power
/// cut leaves the old file or the new one, never a renamed empty one (catalogue files,
/// policies, reports and the site's build state go this way).
pub fn write_file_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let tmp = write_temp(path, bytes, Sync::Yes)?;
    rename_temp(&tmp, path)?;
    sync_dir_of(path)
}

/// [`write_file_atomic`] without syncing: for the pages of a site, which the next build
/// writes again from its synced state if a crash loses them (syncing each of the
/// hundreds of pages an incremental build may rewrite would cost more than the build).
pub fn write_page_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let tmp = write_temp(path, bytes, Sync::No)?;
    rename_temp(&tmp, path)
}

#[derive(Clone, Copy, PartialEq)]
enum Sync {
    Yes,
    No,
}

#[cfg(test)]
thread_local! {
    /// The files and directories this thread synced: what the tests of durability read.
    static SYNCED: std::cell::RefCell<Vec<PathBuf>> = const { std::cell::RefCell::new(Vec::new()) };
}

fn synced(what: &Path, result: std::io::Result<()>) -> Result<()> {
    #[cfg(test)]
    SYNCED.with(|s| s.borrow_mut().push(what.to_path_buf()));
    result.with_context(|| format!("syncing {} to disk", what.display()))
}

/// Sync the directory holding `path`, so a rename into it survives a power cut.
fn sync_dir_of(path: &Path) -> Result<()> {
    let dir = parent_dir(path);
    synced(dir, std::fs::File::open(dir).and_then(|d| d.sync_all()))
}

fn parent_dir(path: &Path) -> &Path {
    path.parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
}

/// Several files written all or nothing: each file's bytes go to a temporary file beside
/// it as they come ([`Batch::write`]), and only [`Batch::commit`] renames them into place.
/// A failed write (a full disk), an error of the caller or a batch dropped uncommitted
/// removes the temporary files and leaves every target as it was. Only a failed rename,
/// once all the data is on disk, can leave some files replaced; the error names them.
/// Every file is synced before the renames and every directory after them.
#[derive(Default)]
pub struct Batch {
    /// (temporary file, target), in the order written.
    files: Vec<(PathBuf, PathBuf)>,
}

impl Batch {
    pub fn write(&mut self, path: &Path, bytes: &[u8]) -> Result<()> {
        let tmp = write_temp(path, bytes, Sync::Yes)?;
        self.files.push((tmp, path.to_path_buf()));
        Ok(())
    }

    pub fn commit(mut self) -> Result<()> {
        let files = std::mem::take(&mut self.files);
        for (i, (tmp, path)) in files.iter().enumerate() {
            if let Err(e) = rename_temp(tmp, path) {
                for (tmp, _) in &files[i + 1..] {
                    let _ = std::fs::remove_file(tmp);
                }
                let done: Vec<String> = files[..i]
                    .iter()
                    .map(|(_, p)| p.display().to_string())
                    .collect();
                let replaced = if done.is_empty() {
                    "no file was replaced".to_string()
                } else {
                    format!("replaced before it: {}", done.join(", "))
                };
                return Err(e.context(format!("{replaced}; the other files are as they were")));
            }
        }
        // Each directory once, after all its renames.
        let dirs: std::collections::BTreeSet<PathBuf> = files
            .iter()
            .map(|(_, p)| parent_dir(p).to_path_buf())
            .collect();
        dirs.iter()
            .try_for_each(|d| synced(d, std::fs::File::open(d).and_then(|f| f.sync_all())))
    }
}

impl Drop for Batch {
    fn drop(&mut self) {
        for (tmp, _) in &self.files {
            let _ = std::fs::remove_file(tmp);
        }
    }
}

/// Write `bytes` to a temporary file beside `path` and return the temporary path; on
/// failure nothing is left behind.
fn write_temp(path: &Path, bytes: &[u8], sync: Sync) -> Result<PathBuf> {
    let dir = parent_dir(path);
    let name = path
        .file_name()
        .with_context(|| format!("{} has no file name", path.display()))?;
    let tmp = dir.join(format!(
        ".{}.tmp-{}",
        name.to_string_lossy(),
        std::process::id()
    ));
    let written = create_new(&tmp).and_then(|mut f| {
        use std::io::Write;
        f.write_all(bytes)?;
        Ok(f)
    });
    let done = match written {
        Ok(f) if sync == Sync::Yes => synced(path, f.sync_all()),
        Ok(_) => Ok(()),
        Err(e) => Err(anyhow::Error::new(e).context(format!("writing {}", path.display()))),
    };
    if let Err(e) = done {
        let _ = std::fs::remove_file(&tmp);
        return Err(e);
    }
    Ok(tmp)
}

/// Create `tmp` as a new file. Something already there (left by a crashed run, or a link
/// planted to have toolcat write elsewhere) is removed first, never written through.
fn create_new(tmp: &Path) -> std::io::Result<std::fs::File> {
    let open = || {
        std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(tmp)
    };
    match open() {
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            std::fs::remove_file(tmp)?;
            open()
        }
        result => result,
    }
}

/// Rename a temporary file over `path`; on failure the temporary file is removed.
fn rename_temp(tmp: &Path, path: &Path) -> Result<()> {
    std::fs::rename(tmp, path).map_err(|e| {
        let _ = std::fs::remove_file(tmp);
        anyhow::anyhow!("replacing {}: {e}", path.display())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A power cut after the rename must not leave an empty file: the data is synced
    /// before the rename, the directory after it; pages of a site are not synced.
    #[test]
    fn atomic_writes_sync_the_file_then_its_directory() {
        let dir = tempfile::tempdir().unwrap();
        let take = || SYNCED.with(|s| std::mem::take(&mut *s.borrow_mut()));
        take();
        let a = dir.path().join("a.json");
        write_file_atomic(&a, b"{}").unwrap();
        assert_eq!(take(), vec![a.clone(), dir.path().to_path_buf()]);

        let sub = dir.path().join("sub");
        std::fs::create_dir(&sub).unwrap();
        let mut batch = Batch::default();
        batch.write(&a, b"1").unwrap();
        batch.write(&sub.join("b"), b"2").unwrap();
        batch.write(&sub.join("c"), b"3").unwrap();
        batch.commit().unwrap();
        let mut dirs = vec![dir.path().to_path_buf(), sub.clone()];
        dirs.sort();
        assert_eq!(
            take(),
            [vec![a.clone(), sub.join("b"), sub.join("c")], dirs].concat()
        );

        write_page_atomic(&a, b"page").unwrap();
        assert!(take().is_empty());
        assert_eq!(std::fs::read(&a).unwrap(), b"page");
    }

    /// Every file of `dir`, with its bytes.
    fn files(dir: &Path) -> Vec<(String, Vec<u8>)> {
        let mut out: Vec<_> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| {
                let e = e.unwrap();
                let bytes = std::fs::read(e.path()).unwrap_or_default();
                (e.file_name().to_string_lossy().into_owned(), bytes)
            })
            .collect();
        out.sort();
        out
    }

    #[test]
    fn a_batch_replaces_its_files_only_when_committed() {
        let dir = tempfile::tempdir().unwrap();
        let (a, b) = (dir.path().join("a.json"), dir.path().join("b.json"));
        std::fs::write(&a, "old a").unwrap();
        let mut batch = Batch::default();
        batch.write(&a, b"new a").unwrap();
        batch.write(&b, b"new b").unwrap();
        assert_eq!(std::fs::read(&a).unwrap(), b"old a", "nothing replaced yet");
        assert!(!b.exists());
        batch.commit().unwrap();
        let expect = vec![
            ("a.json".to_string(), b"new a".to_vec()),
            ("b.json".to_string(), b"new b".to_vec()),
        ];
        assert_eq!(files(dir.path()), expect, "no temporary file is left");

        // Dropped before its commit (the caller failed): nothing changes.
        let mut batch = Batch::default();
        batch.write(&a, b"newer a").unwrap();
        drop(batch);
        assert_eq!(files(dir.path()), expect);
    }

    #[test]
    fn a_failed_write_leaves_every_file_as_it_was_and_no_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("a.json");
        std::fs::write(&a, "old a").unwrap();
        let mut batch = Batch::default();
        batch.write(&a, b"new a").unwrap();
        // A folder that does not exist: the second file cannot be written.
        let err = batch
            .write(&dir.path().join("missing/b.json"), b"b")
            .unwrap_err();
        assert!(format!("{err:#}").contains("missing/b.json"), "{err:#}");
        drop(batch);
        assert_eq!(
            files(dir.path()),
            vec![("a.json".to_string(), b"old a".to_vec())]
        );
    }

    /// A link planted where the temporary file goes is removed, not written through.
    #[cfg(unix)]
    #[test]
    fn a_planted_link_at_the_temporary_path_is_not_followed() {
        let dir = tempfile::tempdir().unwrap();
        let victim = dir.path().join("victim");
        std::fs::write(&victim, "keep").unwrap();
        let target = dir.path().join("x.json");
        let tmp = dir
            .path()
            .join(format!(".x.json.tmp-{}", std::process::id()));
        std::os::unix::fs::symlink(&victim, &tmp).unwrap();
        write_file_atomic(&target, b"data").unwrap();
        assert_eq!(std::fs::read(&victim).unwrap(), b"keep");
        assert_eq!(std::fs::read(&target).unwrap(), b"data");
        assert!(!std::fs::symlink_metadata(&target).unwrap().is_symlink());
        assert!(std::fs::symlink_metadata(&tmp).is_err());
    }

    #[test]
    fn a_failed_rename_names_the_files_already_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let (a, b, c) = (
            dir.path().join("a.json"),
            dir.path().join("b.json"),
            dir.path().join("c.json"),
        );
        // A folder in the way of the second file: its rename fails.
        std::fs::create_dir(&b).unwrap();
        let mut batch = Batch::default();
        for path in [&a, &b, &c] {
            batch.write(path, b"new").unwrap();
        }
        let err = format!("{:#}", batch.commit().unwrap_err());
        assert!(
            err.contains(&format!("replaced before it: {}", a.display())) && err.contains("b.json"),
            "{err}"
        );
        assert!(!c.exists());
        let left: Vec<String> = files(dir.path()).into_iter().map(|f| f.0).collect();
        assert_eq!(left, ["a.json", "b.json"], "no temporary file is left");
    }
}
